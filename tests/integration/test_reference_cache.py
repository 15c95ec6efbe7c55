"""Reference data a page asks for on every view is cached per scope until the data changes."""
from __future__ import annotations

from app.data.settings import bump_data_version
from app.kpi.cache import MemoryCache, cached
from app.kpi.query import Scope


def test_computed_once_per_scope_and_again_after_the_data_changed(engine):
    cache, calls = MemoryCache(), []

    def compute(tag):
        def run():
            calls.append(tag)
            return {"channel": [{"value": "online", "label": "online"}], "tag": tag}
        return run

    rep, other = Scope.reps(["R1"], "rep:R1"), Scope.reps(["R2"], "rep:R2")
    with engine.connect() as conn:
        first = cached(conn, cache, "filter_options", rep, compute("a"))
        again = cached(conn, cache, "filter_options", rep, compute("b"))
        elsewhere = cached(conn, cache, "filter_options", other, compute("c"))
    assert first == again == {"channel": [{"value": "online", "label": "online"}], "tag": "a"}
    assert elsewhere["tag"] == "c" and calls == ["a", "c"]        # scopes never share an entry
    with engine.begin() as conn:
        bump_data_version(conn)                                    # an import, a settings change
    with engine.connect() as conn:
        assert cached(conn, cache, "filter_options", rep, compute("d"))["tag"] == "d"
    assert calls == ["a", "c", "d"]


def test_filter_values_are_those_in_the_data_in_scope(engine):
    """Channels and segments: the contract's codes that occur (not all six, not only the rep's);
    reps and teams: only the scope's."""
    from app.data.queries import fetch_filter_options
    from tests.builders import Builder
    with engine.begin() as conn:
        b = Builder(conn)
        b.two_regions()
        b.account("A3", "T1", "R1", segment="Enterprise")
        b.deal("O1", "A1", "R1", channel="retail")
        b.deal("O2", "A3", "R1", channel="online")
        b.deal("O3", "A2", "R2", channel="online")
        b.deal("O4", "A2", "R2")                    # no channel
    with engine.connect() as conn:
        everything = fetch_filter_options(conn, None)
        rep = fetch_filter_options(conn, frozenset({"R2"}))

    def values(options, key):
        return [o["value"] for o in options[key]]
    assert values(everything, "channel") == ["online", "retail"]
    assert values(everything, "segment") == ["Enterprise"]
    assert values(rep, "channel") == ["online", "retail"]          # reference values, not sensitive
    assert values(everything, "rep") == ["R1", "R2"] and values(rep, "rep") == ["R2"]
    assert values(rep, "team") == ["West"] and values(everything, "region") == ["North America", "Poland"]
