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
