"""The demo generator: contract shape, integrity, time window, determinism, CSV format,
and the five planted structures, each re-derived here with plain pandas on the frames.
"""
from __future__ import annotations

import csv
import datetime as dt

import numpy as np
import pandas as pd
import pycountry
import pytest

from etl import contract
from etl import demo

TODAY = dt.date(2026, 11, 25)
SEED = 20_261_125
NOW = pd.Timestamp(TODAY, tz="UTC")
START = pd.Timestamp(dt.date(2023, 11, 25), tz="UTC")
STAGE_ORDER = {s[0]: s[1] for s in contract.DEFAULT_STAGES}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return demo.generate(demo.resolve_size("small"), seed=SEED, today=TODAY)


@pytest.fixture(scope="module")
def closed(tables) -> pd.DataFrame:
    opp = tables["opportunities"]
    out = opp[opp["status"] != "open"].copy()
    out["won"] = out["status"] == "won"
    return out


# --- sizes ---------------------------------------------------------------------------

@pytest.mark.parametrize("size, expected", [("small", 2_000), (" Medium ", 50_000),
                                            ("large", 1_000_000), ("750", 750), (50, 50)])
def test_resolve_size_accepts_names_and_whole_numbers(size, expected):
    assert demo.resolve_size(size) == expected


@pytest.mark.parametrize("size", ["huge", "49", 10, "", "1e5", 2.5, True, None])
def test_resolve_size_rejects_anything_else_naming_the_choices(size):
    with pytest.raises(ValueError, match="small.*medium.*large"):
        demo.resolve_size(size)


def test_small_is_about_two_thousand_deals_and_large_a_million():
    assert demo.SIZES["small"] == 2_000 and demo.SIZES["large"] == 1_000_000
    assert demo.SIZES["small"] < demo.SIZES["medium"] < demo.SIZES["large"]


# --- contract shape ------------------------------------------------------------------

def test_every_contract_table_is_there_with_exactly_its_columns(tables):
    assert list(tables) == [t.name for t in contract.TABLES]
    for spec in contract.TABLES:
        assert list(tables[spec.name].columns) == spec.column_names, spec.name
        assert len(tables[spec.name]) > 0, spec.name


def test_stages_are_the_default_stages(tables):
    stages = tables["stages"]
    got = list(stages[["stage", "position", "probability", "category"]].itertuples(index=False))
    assert [tuple(r) for r in got] == [tuple(s) for s in contract.DEFAULT_STAGES]


def test_required_columns_are_filled(tables):
    for spec in contract.TABLES:
        frame = tables[spec.name]
        for col in spec.columns:
            if col.required:
                assert frame[col.name].notna().all(), f"{spec.name}.{col.name}"


def test_keys_are_unique(tables):
    for spec in contract.TABLES:
        if spec.key:
            dups = tables[spec.name].duplicated(subset=list(spec.key)).sum()
            assert dups == 0, f"{spec.name}: {dups} duplicate keys"


def test_every_reference_resolves(tables):
    for spec in contract.TABLES:
        for col in spec.columns:
            if col.ref:
                table, column = col.ref.split(".")
                values = tables[spec.name][col.name].dropna()
                missing = ~values.isin(set(tables[table][column]))
                assert not missing.any(), f"{spec.name}.{col.name}: {values[missing].head(3).tolist()}"


def test_leads_point_at_their_deal_and_account_exactly_when_converted(tables):
    leads, opp = tables["leads"], tables["opportunities"]
    converted = leads["status"] == "converted"
    assert (leads["converted_at"].notna() == converted).all()
    assert (leads["opportunity_id"].notna() == converted).all()
    assert (leads["account_id"].notna() == converted).all()
    back = opp.dropna(subset=["lead_id"]).set_index("lead_id")
    mine = leads[converted].set_index("lead_id")
    assert (back.loc[mine.index, "opportunity_id"] == mine["opportunity_id"]).all()
    assert (back.loc[mine.index, "account_id"] == mine["account_id"]).all()
    assert (mine["first_response_at"] <= mine["qualified_at"]).all()
    assert (mine["qualified_at"] <= mine["converted_at"]).all()


def test_values_are_allowed_and_in_range(tables):
    for spec in contract.TABLES:
        frame = tables[spec.name]
        for col in spec.columns:
            values = frame[col.name].dropna()
            if col.allowed:
                assert values.isin(col.allowed).all(), f"{spec.name}.{col.name}"
            if col.min is not None:
                assert (values >= col.min).all(), f"{spec.name}.{col.name}"
            if col.max is not None:
                assert (values <= col.max).all(), f"{spec.name}.{col.name}"


def test_values_have_the_contract_types(tables):
    for spec in contract.TABLES:
        frame = tables[spec.name]
        for col in spec.columns:
            s = frame[col.name]
            if col.type == contract.TIMESTAMP:
                assert str(s.dt.tz) == "UTC", f"{spec.name}.{col.name}"
            elif col.type == contract.DATE:
                assert (s.dropna() == s.dropna().dt.normalize()).all(), f"{spec.name}.{col.name}"
            elif col.type == contract.STR:
                assert s.dropna().map(type).eq(str).all(), f"{spec.name}.{col.name}"


def test_ids_look_like_crm_ids(tables):
    patterns = {("opportunities", "opportunity_id"): r"OPP-\d{7}", ("accounts", "account_id"): r"ACC-\d{7}",
                ("reps", "rep_id"): r"REP-\d{3}", ("territories", "territory_id"): r"T-[A-Z]{3}-[A-Z0-9]{2,3}",
                ("leads", "lead_id"): r"LEAD-\d{8}", ("activities", "activity_id"): r"ACT-\d{9}"}
    for (table, column), pattern in patterns.items():
        assert tables[table][column].str.fullmatch(pattern).all(), column


def test_countries_and_subdivisions_are_iso_codes(tables):
    terr = tables["territories"]
    alpha3 = {c.alpha_3 for c in pycountry.countries}
    subdivisions = {s.code for s in pycountry.subdivisions}
    assert terr["country"].isin(alpha3).all() and terr["subdivision"].isin(subdivisions).all()
    assert set(terr["country"]) >= {"POL", "RUS", "IRN", "CHN", "USA", "DEU", "FRA", "GBR"}
    assert (terr["subdivision"].str[:2] == terr["country"].map(
        lambda a3: pycountry.countries.get(alpha_3=a3).alpha_2)).all()
    assert terr.groupby("country").size().loc[["POL", "RUS", "IRN", "CHN", "USA"]].min() >= 2
    for table in ("accounts", "leads"):
        assert tables[table]["country"].dropna().isin(alpha3).all()


# --- organisation --------------------------------------------------------------------

def test_reps_form_teams_under_managers_under_one_head(tables):
    reps = tables["reps"].set_index("rep_id")
    heads = reps.index[reps["manager_rep_id"].isna()]
    assert len(heads) == 1
    managers = reps.index[reps["manager_rep_id"] == heads[0]]
    assert len(managers) >= 4
    sellers = reps[reps["manager_rep_id"].isin(managers)]
    assert 30 <= len(reps) <= 50
    assert (sellers.groupby("manager_rep_id")["team"].nunique() == 1).all()
    assert reps.loc[managers, "team"].is_unique


def test_demo_users_cover_every_role_and_fit_the_org_chart(tables):
    reps = tables["reps"].set_index("rep_id")
    users = {u["username"]: u for u in demo.DEMO_USERS}
    assert len(users) == len(demo.DEMO_USERS)
    roles = [u["role"] for u in demo.DEMO_USERS]
    assert sorted(roles) == ["admin", "executive", "manager", "manager", "rep", "rep"]
    by_role = {r: [u for u in demo.DEMO_USERS if u["role"] == r] for r in set(roles)}
    assert by_role["admin"][0]["rep_id"] is None
    head = by_role["executive"][0]["rep_id"]
    assert pd.isna(reps.loc[head, "manager_rep_id"])
    managers = [u["rep_id"] for u in by_role["manager"]]
    assert all(reps.loc[m, "manager_rep_id"] == head for m in managers)
    rep_managers = [reps.loc[u["rep_id"], "manager_rep_id"] for u in by_role["rep"]]
    assert sorted(rep_managers) == sorted(managers)          # one rep under each manager
    for u in demo.DEMO_USERS:
        if u["rep_id"]:
            assert reps.loc[u["rep_id"], "name"] == u["display_name"] and reps.loc[u["rep_id"], "active"]


def test_demo_user_rep_ids_do_not_depend_on_the_seed():
    other = demo.generate(60, seed=1, today=TODAY)["reps"].set_index("rep_id")
    for u in demo.DEMO_USERS:
        if u["rep_id"]:
            assert other.loc[u["rep_id"], "name"] == u["display_name"]


# --- deal life cycle -----------------------------------------------------------------

def test_closed_deals_have_closed_at_and_open_deals_an_expected_close(tables):
    opp = tables["opportunities"]
    is_open = opp["status"] == "open"
    assert opp.loc[~is_open, "closed_at"].notna().all() and opp.loc[is_open, "closed_at"].isna().all()
    assert opp.loc[is_open, "expected_close_date"].notna().all()
    assert (opp.loc[~is_open, "closed_at"] >= opp.loc[~is_open, "created_at"]).all()
    assert (opp.loc[opp["status"] == "won", "stage"] == "Closed Won").all()
    assert (opp.loc[opp["status"] == "lost", "stage"] == "Closed Lost").all()
    assert opp.loc[opp["status"] == "lost", "loss_reason"].notna().all()
    assert 0.2 < (opp["status"] == "won").mean() < 0.7 and is_open.sum() > 20


def test_stage_history_walks_the_stages_in_order_and_ends_at_the_current_stage(tables):
    hist = tables["stage_history"].copy()
    hist["position"] = hist["stage"].map(STAGE_ORDER)
    hist = hist.sort_values(["opportunity_id", "entered_at"])
    step = hist.groupby("opportunity_id")["position"].diff().dropna()
    assert (step >= 1).all()
    first = hist.groupby("opportunity_id").first()
    last = hist.groupby("opportunity_id").last()
    assert (first["position"] == 1).all()
    opp = tables["opportunities"].set_index("opportunity_id")
    assert set(first.index) == set(opp.index)
    assert (last["stage"] == opp.loc[last.index, "stage"]).all()
    assert (first["entered_at"] == opp.loc[first.index, "created_at"]).all()
    # Lost deals stop at different stages.
    lost = opp.index[opp["status"] == "lost"]
    stopped = hist[hist["opportunity_id"].isin(lost) & (hist["position"] <= 5)]
    assert stopped.groupby("opportunity_id")["position"].max().nunique() == 5


def test_lines_add_up_to_the_deal_amount(tables):
    lines = tables["opportunity_lines"]
    revenue = lines["quantity"] * lines["unit_price"] * (1 - lines["discount"])
    total = revenue.groupby(lines["opportunity_id"]).sum()
    amount = tables["opportunities"].set_index("opportunity_id")["amount"]
    assert set(total.index) == set(amount.index)
    assert np.allclose(total.loc[amount.index], amount, atol=0.01 * 4)
    assert lines["product_id"].nunique() >= 10


# --- time window ---------------------------------------------------------------------

FUTURE_ALLOWED = {("opportunities", "expected_close_date"), ("activities", "due_at"), ("quotas", "month")}


def test_history_spans_three_years_ending_today_and_nothing_is_in_the_future(tables):
    for spec in contract.TABLES:
        for col in spec.columns:
            if col.type not in (contract.DATE, contract.TIMESTAMP):
                continue
            values = tables[spec.name][col.name].dropna()
            if col.type == contract.DATE:
                values = values.dt.tz_localize("UTC")
            if values.empty:
                continue
            where = f"{spec.name}.{col.name}"
            if (spec.name, col.name) != ("reps", "hire_date"):      # reps were hired before
                assert values.min() >= START, f"{where} starts {values.min()}"
            if (spec.name, col.name) not in FUTURE_ALLOWED:
                assert values.max() < NOW, f"{where} reaches {values.max()}"
    for name, column in [("activities", "occurred_at"), ("leads", "created_at"),
                         ("opportunities", "created_at")]:
        values = tables[name][column]
        assert values.min() < START + pd.Timedelta(days=14), name
        assert values.max() >= NOW - pd.Timedelta(days=3), name


def test_months_are_first_days_and_forecasts_come_before_their_month(tables):
    for name in ("quotas", "forecast_submissions", "marketing_spend"):
        assert (tables[name]["month"].dt.day == 1).all(), name
    fc = tables["forecast_submissions"]
    assert (fc["submitted_at"] < fc["month"].dt.tz_localize("UTC")).all()
    assert set(fc["category"]) == {"commit", "best_case"}
    paired = fc.pivot_table(index=["rep_id", "month", "submitted_at"], columns="category", values="amount")
    assert (paired["best_case"] >= paired["commit"]).all()
    quotas = tables["quotas"]
    assert quotas.groupby("rep_id").size().median() >= 30


def test_quotas_are_planned_a_year_ahead_for_the_reps_still_employed(tables):
    quotas, reps = tables["quotas"], tables["reps"]
    coming = pd.date_range("2026-12-01", periods=12, freq="MS")
    ahead = quotas[quotas["month"] > pd.Timestamp("2026-11-01")]
    assert sorted(ahead["month"].unique()) == list(coming)
    # Everyone employed today carries one, except the head of sales (no team, no quota);
    # nobody who has left does.
    holders = set(reps.loc[reps["active"] & (reps["team"] != "Sales Leadership"), "rep_id"])
    assert len(holders) > 30
    assert ahead.groupby("month")["rep_id"].apply(set).map(lambda s: s == holders).all()
    assert (ahead["amount"] > 0).all()


def test_typical_quota_attainment_is_about_seventy_to_one_hundred_thirty_percent(tables):
    """Worked out from the frames: each quota holder's won revenue over the 12 complete months
    before today's (Nov 2025 - Oct 2026) against the sum of their quotas for those months."""
    opp, quotas = tables["opportunities"], tables["quotas"]
    first, last = pd.Timestamp("2025-11-01"), pd.Timestamp("2026-10-01")
    won = opp[(opp["status"] == "won") & (opp["closed_at"] >= first.tz_localize("UTC"))
              & (opp["closed_at"] < pd.Timestamp("2026-11-01", tz="UTC"))]
    revenue = won.groupby("owner_rep_id")["amount"].sum()
    year = quotas[(quotas["month"] >= first) & (quotas["month"] <= last)]
    quota = year.groupby("rep_id")["amount"].sum()
    full_year = year.groupby("rep_id").size() == 12           # joined or left mid-year: not typical
    attainment = (revenue.reindex(quota.index, fill_value=0) / quota)[full_year]
    assert len(attainment) > 30
    q10, q25, q50, q75, q90 = attainment.quantile([0.1, 0.25, 0.5, 0.75, 0.9])
    assert 0.75 <= q50 <= 1.15, q50
    assert q25 >= 0.6 and q75 <= 1.35, (q25, q75)
    assert q90 - q10 >= 0.2, (q10, q90)         # some beat their quota, some miss it
    # The company as a whole lands near its plan in each quarter of those months.
    quarters = won["closed_at"].dt.tz_localize(None).dt.to_period("Q")
    by_quarter = won.groupby(quarters)["amount"].sum()
    plan = year.groupby(year["month"].dt.to_period("Q"))["amount"].sum()
    for quarter in plan.index[plan.index <= pd.Period("2026Q3")]:
        assert 0.75 <= by_quarter[quarter] / plan[quarter] <= 1.2, quarter


def test_tasks_include_overdue_ones_and_next_steps(tables):
    tasks = tables["activities"][tables["activities"]["type"] == "task"]
    assert tasks["due_at"].notna().all()
    overdue = (tasks["due_at"] < NOW) & tasks["completed_at"].isna()
    upcoming = (tasks["due_at"] >= NOW) & tasks["completed_at"].isna()
    assert overdue.sum() > 10 and upcoming.sum() > 10
    done = tasks["completed_at"].notna()
    assert (tasks.loc[done, "outcome"].isin(["done", "cancelled"])).all()


def test_missed_inbound_calls_are_mostly_called_back_within_hours(tables):
    act = tables["activities"]
    calls = act[act["type"] == "call"]
    assert (calls.loc[calls["outcome"] == "answered", "duration_seconds"] > 0).all()
    assert (calls["duration_seconds"] < 60).any() and (calls["duration_seconds"] >= 60).any()
    missed = calls[(calls["direction"] == "inbound") & (calls["outcome"] == "missed")]
    outbound = calls[calls["direction"] == "outbound"]
    delays = []
    for key in ("lead_id", "account_id"):
        m = missed.dropna(subset=[key])
        if key == "account_id":
            m = m[m["lead_id"].isna()]
        pairs = m.merge(outbound.dropna(subset=[key]), on=key, suffixes=("", "_back"))
        gap = pairs["occurred_at_back"] - pairs["occurred_at"]
        pairs = pairs[(gap > pd.Timedelta(0)) & (gap <= pd.Timedelta(hours=24))]
        delays.append(pairs.groupby("activity_id").apply(
            lambda g: (g["occurred_at_back"] - g["occurred_at"]).min(), include_groups=False))
    delays = pd.concat(delays)
    assert len(missed) > 50
    assert len(delays) / len(missed) > 0.6
    assert delays.median() < pd.Timedelta(hours=6)


# --- determinism ---------------------------------------------------------------------

def test_same_seed_gives_identical_frames_and_another_seed_different_ones(tables):
    again = demo.generate(demo.resolve_size("small"), seed=SEED, today=TODAY)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, again[name], obj=name)
    other = demo.generate(demo.resolve_size("small"), seed=SEED + 1, today=TODAY)
    assert not other["opportunities"].equals(tables["opportunities"])
    assert not other["activities"]["occurred_at"].equals(tables["activities"]["occurred_at"])


# --- CSV output ----------------------------------------------------------------------

TEXT_FORMATS = {
    contract.DATE: r"\d{4}-\d{2}-\d{2}",
    contract.TIMESTAMP: r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z",
    contract.BOOL: r"true|false",
    contract.INT: r"-?\d+",
    contract.DECIMAL: r"-?\d+(\.\d+)?",
}


def test_write_csvs_writes_contract_text(tables, tmp_path):
    counts = demo.write_csvs(tables, tmp_path / "out")
    assert counts == {name: len(frame) for name, frame in tables.items()}
    for spec in contract.TABLES:
        with open(tmp_path / "out" / f"{spec.name}.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == spec.column_names
        assert len(rows) - 1 == counts[spec.name]
        text = pd.DataFrame(rows[1:], columns=rows[0])
        for col in spec.columns:
            filled = text[col.name][text[col.name] != ""]
            assert len(filled) == tables[spec.name][col.name].notna().sum(), f"{spec.name}.{col.name}"
            if col.type in TEXT_FORMATS:
                bad = filled[~filled.str.fullmatch(TEXT_FORMATS[col.type])]
                assert bad.empty, f"{spec.name}.{col.name}: {bad.head(3).tolist()}"


def test_csv_values_read_back_to_the_same_values(tables, tmp_path):
    demo.write_csvs({"opportunities": tables["opportunities"]}, tmp_path)
    back = pd.read_csv(tmp_path / "opportunities.csv", dtype=str, keep_default_na=False)
    opp = tables["opportunities"]
    assert (pd.to_datetime(back["created_at"], utc=True) == opp["created_at"]).all()
    assert np.array_equal(back["amount"].astype(float), opp["amount"])
    assert (back["name"] == opp["name"]).all()       # commas and non-ASCII names survive


# --- planted structure (1): fast lead response converts better -----------------------

def test_conversion_falls_with_every_step_of_response_time(tables):
    leads = tables["leads"]
    minutes = (leads["first_response_at"] - leads["created_at"]).dt.total_seconds() / 60
    bucket = pd.cut(minutes.fillna(np.inf), [-np.inf, 15, 60, 24 * 60, np.inf],
                    labels=["<15 min", "15-60 min", "1-24 h", ">24 h or never"])
    rate = leads["converted_at"].notna().groupby(bucket, observed=False).mean()
    size = bucket.value_counts()
    assert size.min() >= 200
    assert rate.is_monotonic_decreasing and rate.diff().dropna().lt(-0.03).all(), rate.to_dict()
    assert rate.iloc[0] >= 3 * rate.iloc[-1], rate.to_dict()
    assert set(leads["source"]) == set(contract.LEAD_SOURCES)


# --- planted structure (2): low CSAT and many tickets precede churn ------------------

def test_churned_customers_had_lower_csat_and_more_tickets(tables):
    won = tables["opportunities"].query("status == 'won'")
    accounts = tables["accounts"]
    customers = accounts[accounts["account_id"].isin(won["account_id"])].set_index("account_id")
    tickets = tables["tickets"]
    churned = customers["churned_at"].notna()
    assert churned.sum() >= 40 and (~churned).sum() >= 200
    assert customers.loc[churned, "churn_reason"].notna().all()
    count = tickets.groupby("account_id").size().reindex(customers.index, fill_value=0)
    csat = tickets.groupby("account_id")["csat"].mean().reindex(customers.index)
    assert count[churned].mean() >= 1.5 * count[~churned].mean()
    assert csat[churned].mean() <= csat[~churned].mean() - 0.4
    # Tickets come before the churn, not after it.
    when = tickets.merge(customers["churned_at"].dropna().rename("churned_at"),
                         left_on="account_id", right_index=True)
    assert (when["opened_at"] <= when["churned_at"]).all()


# --- planted structure (3): reps differ in skill, persistently ------------------------

def test_win_rates_differ_between_reps_and_persist_over_time(closed):
    by_rep = closed.groupby("owner_rep_id")["won"].agg(["mean", "size"])
    by_rep = by_rep[by_rep["size"] >= 20]
    overall = closed["won"].mean()
    chance_sd = np.sqrt(overall * (1 - overall) / by_rep["size"]).mean()
    assert len(by_rep) >= 25
    assert by_rep["mean"].std() >= 1.5 * chance_sd              # more spread than luck gives
    assert by_rep["mean"].max() - by_rep["mean"].min() >= 0.35
    middle = closed["closed_at"].min() + (closed["closed_at"].max() - closed["closed_at"].min()) / 2
    halves = closed.groupby(["owner_rep_id", closed["closed_at"] > middle])["won"].agg(["mean", "size"])
    halves = halves.unstack()
    both = halves[(halves["size"] >= 8).all(axis=1)]["mean"]
    assert len(both) >= 20
    assert both.corr(method="spearman").iloc[0, 1] >= 0.3


# --- planted structure (4): some territories grow, others shrink ----------------------

def _yearly_change(won: pd.DataFrame) -> pd.Series:
    """log(revenue in the last 12 months / revenue in the first 12 months) per territory."""
    age = (NOW - won["closed_at"]).dt.days
    year = np.where(age < 365, "last", np.where(age >= 2 * 365, "first", "middle"))
    rev = won.groupby(["territory_id", year])["amount"].sum().unstack(fill_value=0.0)
    floor = won["amount"].median()
    return np.log((rev["last"] + floor) / (rev["first"] + floor))


def test_territory_revenue_trends_have_both_signs(tables):
    won = tables["opportunities"].query("status == 'won'").merge(
        tables["accounts"][["account_id", "territory_id"]], on="account_id")
    change = _yearly_change(won)
    assert (change > np.log(1.5)).sum() >= 2 and (change < np.log(1 / 1.5)).sum() >= 2, change.round(2)
    # Both signs alone could be luck; the spread of the trends must also beat chance:
    # shuffling territories among the won deals (same amounts, same dates) rarely
    # spreads the trends as widely.
    rng = np.random.default_rng(0)
    shuffled = [_yearly_change(won.assign(territory_id=rng.permutation(won["territory_id"].to_numpy()))).std()
                for _ in range(100)]
    assert change.std() > np.quantile(shuffled, 0.9), (change.std(), np.quantile(shuffled, 0.9))


# --- planted structure (5): stale deals lose more often ------------------------------

def test_deals_with_long_gaps_between_touches_lose_more(tables, closed):
    act = tables["activities"].dropna(subset=["opportunity_id"])
    touches = pd.concat([
        act[["opportunity_id", "occurred_at"]].rename(columns={"occurred_at": "at"}),
        tables["stage_history"][["opportunity_id", "entered_at"]].rename(columns={"entered_at": "at"}),
    ])
    touches = touches[touches["opportunity_id"].isin(closed["opportunity_id"])]
    touches = touches.sort_values(["opportunity_id", "at"])
    gap_days = touches.groupby("opportunity_id")["at"].diff().dt.total_seconds() / 86_400
    mean_gap = gap_days.groupby(touches["opportunity_id"]).mean()
    deals = closed.set_index("opportunity_id").join(mean_gap.rename("gap"))
    third = pd.qcut(deals["gap"], 3, labels=["short", "middle", "long"])
    rate = deals["won"].groupby(third, observed=False).mean()
    assert rate["long"] <= 0.8 * rate["short"], rate.to_dict()
    assert rate["long"] < rate["middle"], rate.to_dict()
