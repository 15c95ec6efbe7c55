"""Pages rendered whole: parts fill a skeleton by id; one failing part says so and the rest show."""
from dash import dcc, html

from callbacks.parts import fill, missing
from layouts.components import PART_FAILED


def skeleton():
    return html.Div([dcc.Store(id="filters"), html.Div(id="tiles"), dcc.Graph(id="chart"),
                     dcc.Dropdown(id="pick", value="z", className="d-none"), html.Div(html.Span(id="deep"))])


def test_parts_fill_their_outputs_from_the_query_string():
    seen = []

    def tiles(search):
        seen.append(search)
        return f"tiles for {search}"
    page = fill(skeleton(), {("tiles", "children"): tiles,
                             (("pick", "options"), ("pick", "value"), ("deep", "children")):
                                 lambda s: ([{"label": "A", "value": "a"}], "a", "deep"),
                             ("chart", "figure"): lambda s: {"data": [{"y": [1]}]}}, "?period=ytd")
    found = {c.id: c for c in page._traverse() if getattr(c, "id", None)}
    assert seen == ["?period=ytd"] and found["tiles"].children == "tiles for ?period=ytd"
    assert (found["pick"].options, found["pick"].value, found["deep"].children) == \
        ([{"label": "A", "value": "a"}], "a", "deep")
    assert found["chart"].figure == {"data": [{"y": [1]}]}


def test_a_failing_part_shows_a_message_and_the_others_their_content(caplog):
    def broken(search):
        raise RuntimeError("SELECT secret")
    page = fill(skeleton(), {("tiles", "children"): broken, ("chart", "figure"): broken,
                             (("pick", "options"), ("pick", "value"), ("pick", "className")): broken,
                             ("deep", "children"): lambda s: "fine"}, "")
    found = {c.id: c for c in page._traverse() if getattr(c, "id", None)}
    assert found["tiles"].children.children == PART_FAILED and found["deep"].children == "fine"
    assert found["chart"].figure.layout.annotations[0].text == PART_FAILED
    # No options to pick from; the value and the class stay as the skeleton has them (hidden).
    assert (found["pick"].options, found["pick"].value, found["pick"].className) == ([], "z", "d-none")
    assert "SELECT secret" in caplog.text                    # logged for the operator, not shown


def test_a_part_giving_too_few_values_fails_like_any_other():
    page = fill(skeleton(), {(("tiles", "children"), ("deep", "children")): lambda s: ("only one",)}, "")
    found = {c.id: c for c in page._traverse() if getattr(c, "id", None)}
    assert found["tiles"].children.children == PART_FAILED == found["deep"].children.children


def test_parts_without_a_place_in_the_layout_are_found():
    assert missing(skeleton(), {("tiles", "children"): str, (("nope", "x"), ("deep", "children")): str}) == ["nope"]
