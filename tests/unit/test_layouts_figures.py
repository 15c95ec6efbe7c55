"""Figure builders, tiles and drill-down targets: values in, figures out, empty states."""
import pytest

from app.kpi.tiles import BAD, GOOD, NEUTRAL, change_tone, tile_values
from layouts import figures, ids
from layouts.components import kpi_tile, rep_table
from layouts.pages.overview import drill_target

EMPTY_TEXT = "No data for these filters"


def annotation_texts(fig):
    return [a.text for a in fig.layout.annotations]


@pytest.mark.parametrize("build", [
    lambda: figures.revenue_quota_figure([], "en"),
    lambda: figures.revenue_quota_figure([{"month": "2025-01", "revenue": 0, "quota": None}], "en"),
    lambda: figures.pacing_figure({"quota": None, "revenue": 0}, "en"),
    lambda: figures.revenue_map_figure([{"country": "POL", "revenue": 0}], "en"),
    lambda: figures.revenue_treemap_figure([], [], "en"),
    lambda: figures.revenue_channel_figure([{"channel": "web", "revenue": None}], "en"),
])
def test_no_data_is_an_explicit_empty_state_without_axes(build):
    fig = build()
    assert fig.data == ()
    assert annotation_texts(fig) == [EMPTY_TEXT]
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False


def test_a_sparkline_is_the_series_with_hovers_in_the_locale_and_no_axes():
    fig = figures.sparkline_figure([("2025-01", 100.0), ("2025-02", 250.5)], "money", "pl", "PLN")
    (line,) = fig["data"]
    assert (line["type"], line["mode"], line["x"], line["y"]) == ("scatter", "lines", ["2025-01", "2025-02"],
                                                                  [100.0, 250.5])
    assert line["customdata"] == [["sty 2025", "100,00\xa0zł"], ["lut 2025", "250,50\xa0zł"]]
    layout = fig["layout"]
    assert layout["xaxis"] == layout["yaxis"] == {"visible": False} and layout["height"] == 40
    assert layout["separators"] == ",\xa0"
    assert figures.sparkline_figure([("2025-01", 0), ("2025-02", None)], "money", "en")["data"] == []


def test_revenue_against_quota():
    rows = [{"month": "2025-01", "revenue": 100.0, "quota": 150.0}, {"month": "2025-02", "revenue": 0, "quota": 150.0}]
    fig = figures.revenue_quota_figure(rows, "en")
    bars, line = fig.data
    assert (bars.type, list(bars.x), list(bars.y)) == ("bar", ["2025-01", "2025-02"], [100.0, 0])
    assert (line.type, list(line.y)) == ("scatter", [150.0, 150.0])
    assert [list(c) for c in bars.customdata] == [["Jan 2025", "$100.00"], ["Feb 2025", "$0.00"]]
    assert list(fig.layout.xaxis.ticktext) == ["Jan<br>2025", "Feb"]      # the year under the first month
    # Ticks in round steps from 0 past the highest value (150 = quota), labelled as money.
    assert (list(fig.layout.yaxis.tickvals), list(fig.layout.yaxis.ticktext)) == (
        [0, 50, 100, 150], ["0", "$50", "$100", "$150"])
    assert figures.revenue_quota_figure(rows, "pl", "PLN").data[0].customdata[0][1] == "100,00\xa0zł"


def test_revenue_without_quota_leaves_the_line_out_and_says_so():
    rows = [{"month": "2025-01", "revenue": 100.0, "quota": 150.0}]
    fig = figures.revenue_quota_figure(rows, "en", quota=False)
    assert [t.type for t in fig.data] == ["bar"]
    assert list(fig.layout.yaxis.tickvals) == [0, 25, 50, 75, 100]      # the quota no longer sets the scale
    assert annotation_texts(fig) == ["Quota not shown for these filters"]
    assert figures.revenue_quota_figure([{"month": "2025-01", "revenue": 0, "quota": 5.0}], "en",
                                        quota=False).data == ()


def test_persian_charts_show_persian_digits_and_separators():
    rows = [{"month": "2025-01", "revenue": 250_000.0, "quota": 300_000.0}]
    fig = figures.revenue_quota_figure(rows, "fa")
    assert fig.layout.separators == "٫٬"
    assert list(fig.layout.xaxis.ticktext) == ["ژانویه<br>۲۰۲۵"]
    assert fig.layout.yaxis.ticktext[1] == "۱۰۰\xa0هزار\xa0$"
    assert not any(ch.isascii() and ch.isdigit() for t in fig.layout.yaxis.ticktext for ch in t)
    channels = figures.revenue_channel_figure([{"channel": "online", "revenue": 1_234_567.0}], "fa")
    assert channels.data[0].text[0] == "۱٫۲\xa0میلیون\xa0$"


def test_month_ticks_carry_the_year_under_the_first_month_and_each_january():
    assert figures.month_ticks(["2025-11", "2025-12", "2026-01", "2026-02"], "en") == [
        "Nov<br>2025", "Dec", "Jan<br>2026", "Feb"]
    assert figures.month_ticks(["2026-01", "2026-02"], "zh") == ["1月<br>2026年", "2月"]


def test_nice_ticks_are_round_steps_from_zero_past_the_top():
    assert figures.nice_ticks(850_000) == [0, 250_000, 500_000, 750_000, 1_000_000]
    assert figures.nice_ticks(688_799) == [0, 200_000, 400_000, 600_000, 800_000]
    assert figures.nice_ticks(100) == [0, 25, 50, 75, 100]
    assert figures.nice_ticks(0) == [0.0] and figures.nice_ticks(None) == [0.0]


def test_pacing_shows_plan_fact_and_projections_in_order():
    fig = figures.pacing_figure({"quota": 300.0, "revenue": 120.0, "month_projection": 280.0,
                                 "run_rate_projection": 310_000.0}, "en")
    assert list(fig.data[0].x) == [300.0, 120.0, 280.0, 310_000.0]
    assert list(fig.data[0].text) == ["$300.00", "$120.00", "$280.00", "$310K"]       # short labels
    assert list(fig.data[0].customdata)[3] == "$310,000.00"                           # in full on hover
    no_plan = figures.pacing_figure({"quota": None, "revenue": 120.0, "month_projection": 280.0}, "en")
    assert list(no_plan.data[0].y) == ["Fact (to date)", "Projection", "Run rate"]


def test_map_uses_the_app_served_geometry_and_iso3_ids():
    fig = figures.revenue_map_figure([{"country": "POL", "revenue": 10.0}, {"country": "USA", "revenue": 5.0},
                                      {"country": None, "revenue": 3.0}], "en")
    trace = fig.data[0]
    assert (trace.type, trace.geojson, trace.featureidkey) == ("choropleth", "/assets/geo/countries.geojson", "id")
    assert (list(trace.locations), list(trace.z)) == (["POL", "USA"], [10.0, 5.0])
    assert trace.customdata[0][0] == "Poland"
    assert figures.revenue_map_figure([{"country": "POL", "revenue": 1.0}], "pl").data[0].customdata[0][0] == "Polska"
    assert fig.layout.geo.showcoastlines is False and fig.layout.geo.showland is True


def test_treemap_groups_products_by_category_and_carries_drill_keys():
    products = [{"value": "P1", "label": "CRM Pro", "category": "Software"},
                {"value": "P2", "label": "Setup", "category": "Services"}]
    rows = [{"product": "P1", "revenue": 70.0}, {"product": "P2", "revenue": 30.0},
            {"product": "unassigned", "revenue": 5.0}, {"product": "P3", "revenue": 0}]
    trace = figures.revenue_treemap_figure(rows, products, "en").data[0]
    assert list(trace.ids) == ["category:Other", "category:Services", "category:Software",
                               "product:P1", "product:P2", "product:unassigned"]
    assert list(trace.parents) == ["", "", "", "category:Software", "category:Services", "category:Other"]
    assert list(trace.values) == [0, 0, 0, 70.0, 30.0, 5.0]
    assert [list(c[:2]) for c in trace.customdata] == [
        ["category", "Other"], ["category", "Services"], ["category", "Software"],
        ["product", "P1"], ["product", "P2"], ["", ""]]


def test_channels_bar_is_horizontal_largest_first_with_short_money_labels():
    fig = figures.revenue_channel_figure([{"channel": "online", "revenue": 2_000.0}, {"channel": "offline", "revenue": 0},
                                          {"channel": "partner", "revenue": 688_799.24}], "en")
    trace = fig.data[0]
    assert trace.orientation == "h"
    assert (list(trace.y), list(trace.x), list(trace.customdata)) == (
        ["Partner", "Online"], [688_799.24, 2_000.0], ["partner", "online"])     # names shown, codes kept
    assert list(trace.text) == ["$688.8K", "$2K"]
    assert list(fig.layout.xaxis.ticktext) == ["0", "$200K", "$400K", "$600K", "$800K"]


@pytest.mark.parametrize("better,delta,tone", [
    ("up", 0.2, GOOD), ("up", -0.2, BAD), ("down", 0.2, BAD), ("down", -0.2, GOOD),
    ("neutral", 0.2, NEUTRAL), ("up", 0, NEUTRAL), ("up", None, NEUTRAL)])
def test_change_tone_follows_the_better_direction(better, delta, tone):
    assert change_tone(better, delta) == tone


def test_tiles_from_a_kpi_answer():
    answer = {"from": "2025-01-01", "to": "2025-03-31", "values": {"revenue": 120.0, "win_rate": 0.4,
                                                                     "sales_cycle_days": 30.0},
              "compare": {"revenue": 100.0, "win_rate": 0.5, "sales_cycle_days": None}}
    trend = {"from": "2024-04-01", "to": "2025-03-31", "by": "month", "rows": [
        {"month": "2024-03", "revenue": 9.0}, {"month": "2024-04", "revenue": 1.0},
        {"month": "2025-03", "revenue": 2.0}]}
    revenue, win_rate, cycle = tile_values(["revenue", "win_rate", "sales_cycle_days"], answer, trend,
                                           no_trend=("win_rate",))
    assert (revenue.delta, revenue.tone) == (pytest.approx(0.2), GOOD)           # +20 %
    assert revenue.trend == (("2024-04", 1.0), ("2025-03", 2.0))                 # 2024-03 is before the period
    assert (win_rate.delta, win_rate.tone, win_rate.trend) == (pytest.approx(-0.1), BAD, ())   # −10 pp
    assert (cycle.delta, cycle.tone) == (None, NEUTRAL)
    assert tile_values(["revenue"], {"values": {"revenue": 1.0}})[0].tone is None   # no comparison asked


def test_tile_shows_value_delta_and_colour():
    tile = tile_values(["sales_cycle_days"], {"values": {"sales_cycle_days": 20.0},
                                              "compare": {"sales_cycle_days": 25.0}})[0]
    text = str(kpi_tile(tile, "en").to_plotly_json())
    assert "20.0 days" in text and "text-success" in text and "−20.0%" in text   # shorter cycle is good


def test_rep_table_rows_drill_down_unless_anonymous():
    rows = [{"rep": "R2", "name": "Bo", "rank": 2, "revenue": 5.0}, {"rep": "R1", "name": "Al", "rank": 1,
                                                                     "revenue": 9.0}, {"rep": "R3", "name": "Cy", "rank": None}]
    named = str(rep_table(rows, "en").to_plotly_json())
    assert "'rep': 'R2'" in named and "Cy" not in named
    anonymous = str(rep_table(rows, "en", anonymous=True).to_plotly_json())
    assert "Bo" not in anonymous and "Rep #2" in anonymous and ids.OVERVIEW_REP_ROW not in anonymous
    assert EMPTY_TEXT in str(rep_table([], "en").to_plotly_json())


@pytest.mark.parametrize("trigger,args,expected", [
    (ids.OVERVIEW_MAP, ({"points": [{"location": "POL"}]}, None, None), ("country", "POL")),
    (ids.OVERVIEW_PRODUCTS, (None, {"points": [{"customdata": ["product", "P1", "$1"]}]}, None), ("product", "P1")),
    (ids.OVERVIEW_PRODUCTS, (None, {"points": [{"customdata": ["category", "Software", ""]}]}, None),
     ("category", "Software")),
    (ids.OVERVIEW_PRODUCTS, (None, {"points": [{"customdata": ["", "", ""]}]}, None), None),
    (ids.OVERVIEW_PRODUCTS, (None, {"points": [{"customdata": ["rep", "R9", ""]}]}, None), None),
    (ids.OVERVIEW_CHANNELS, (None, None, {"points": [{"customdata": "online"}]}), ("channel", "online")),
    ({"type": ids.OVERVIEW_REP_ROW, "rep": "R1"}, (None, None, None), ("rep", "R1")),
    (ids.OVERVIEW_REP_CLICK, (None, None, None, "R2"), ("rep", "R2")),
    (ids.OVERVIEW_REP_CLICK, (None, None, None, None), None),
    (ids.OVERVIEW_MAP, ("junk", None, None), None),
    (ids.OVERVIEW_CHANNELS, (None, None, {"points": []}), None),
    ("something-else", (None, None, None), None),
])
def test_drill_targets(trigger, args, expected):
    assert drill_target(trigger, *args) == expected
