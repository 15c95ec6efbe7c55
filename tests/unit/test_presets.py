"""CRM export presets: each preset loads and maps its sample export to hand-checked contract rows.

The samples in tests/fixtures/presets/<crm>/ are small exports as each CRM writes
them; every expected value below was read off those files by hand.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from etl import contract
from etl.mapping import (PresetError, UnknownPreset, apply_preset, available_presets, build_preset,
                         load_preset, normalise_header, split_parts)
from etl.transforms import Context, run_transform, sf_id18

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "presets"


def read_export(folder: str) -> dict[str, pd.DataFrame]:
    """A folder of CSVs as the reader hands them over: text, header kept as is, index = line."""
    raw = {}
    for path in sorted((FIXTURES / folder).glob("*.csv")):
        # Plain utf-8, not utf-8-sig: a BOM stays in the first header, as a sheet could have it.
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        frame.index = pd.RangeIndex(2, len(frame) + 2, name="line")
        raw[path.name] = frame
    return raw


def mapped(preset: str, folder: str | None = None):
    return apply_preset(load_preset(preset), read_export(folder or preset))


def row(frame: pd.DataFrame, column: str, value: str) -> pd.Series:
    hits = frame[frame[column] == value]
    assert len(hits) == 1, f"{value!r} in {column}: {len(hits)} rows"
    return hits.iloc[0]


# --- presets as data -------------------------------------------------------------

def test_the_three_presets_are_available():
    assert available_presets() == ["hubspot", "pipedrive", "salesforce"]


@pytest.mark.parametrize("name", ["salesforce", "hubspot", "pipedrive"])
def test_each_preset_loads_with_a_locale_stages_and_files(name):
    preset = load_preset(name)
    assert preset.name == name and preset.label
    assert (preset.decimal, preset.date_order) == (".", "MDY" if name == "salesforce" else None)
    assert preset.stages and {s.category for s in preset.stages} <= {"open", "won", "lost"}
    assert {t.table for t in preset.tables} >= {"accounts", "opportunities"}


def test_preset_names_are_case_insensitive():
    assert load_preset(" HubSpot ") is load_preset("hubspot")


def test_unknown_preset_lists_the_valid_names():
    with pytest.raises(UnknownPreset) as err:
        load_preset("zoho")
    assert isinstance(err.value, ValueError)
    assert "'zoho'" in str(err.value)
    for name in ("salesforce", "hubspot", "pipedrive"):
        assert name in str(err.value)


def _preset_data(**column) -> dict:
    return {"name": "x", "label": "X", "values": {"fc": {"Best Case": "best-case"}},
            "file": [{"table": "opportunities", "patterns": ["deals"], "columns": column}]}


@pytest.mark.parametrize("column, problem", [
    ({"forecast_category": {"from": "Forecast", "values": "fc"}}, "gives ['best-case']"),
    ({"probability": {"from": "Prob", "transform": "percentage"}}, "unknown transforms ['percentage']"),
    ({"stage_name": "Stage"}, "not contract columns: ['stage_name']"),
])
def test_a_broken_preset_file_says_what_is_wrong(column, problem):
    with pytest.raises(PresetError, match=r"^x\.toml: .*" + problem.replace("[", r"\[")):
        build_preset("x", _preset_data(**column), "x.toml")


# --- Salesforce ids ------------------------------------------------------------------

@pytest.mark.parametrize("id15, id18", [
    # Chunks a0D30 | 00000 | 1n7Pi. Upper case at chunk positions (bit i = position i):
    # D at 2 → 4 → E;  none → 0 → A;  P at 3 → 8 → I.
    ("a0D30000001n7Pi", "a0D30000001n7PiEAI"),
    # 0065g | 00000 | Dv3kP: none → A; none → A; D at 0 + P at 4 → 1 + 16 = 17 → R.
    ("0065g00000Dv3kP", "0065g00000Dv3kPAAR"),
    # 0015g | 00000 | XKs1L: A; A; X at 0 + K at 1 + L at 4 → 1 + 2 + 16 = 19 → T.
    ("0015g00000XKs1L", "0015g00000XKs1LAAT"),
    # 00Q5g | 00000 | FzK2c: Q at 2 → 4 → E; A; F at 0 + K at 2 → 1 + 4 = 5 → F.
    ("00Q5g00000FzK2c", "00Q5g00000FzK2cEAF"),
    # 00130 | ABCDE | 00000: A; all five upper → 31 → the last symbol, "5"; A.
    ("00130ABCDE00000", "00130ABCDE00000A5A"),
])
def test_sf_id_15_to_18(id15, id18):
    assert sf_id18(id15) == id18
    assert sf_id18(id18) == id18                        # already 18: unchanged


def test_sf_id_18_regains_its_case_from_the_suffix():
    # A spreadsheet that upper- or lower-cased an 18-character id: the suffix AAR says
    # chunk 3 has upper case at positions 0 and 4 (D…P), chunks 1 and 2 none.
    assert sf_id18("0065G00000DV3KPAAR") == "0065g00000Dv3kPAAR"
    assert sf_id18("0065g00000dv3kpaar") == "0065g00000Dv3kPAAR"


@pytest.mark.parametrize("value", ["Acme Corp", "ACMEGLOBALTRADES", "12345", "", "ACMEGLOBALTRADE"])
def test_values_that_are_not_sf_ids_pass_unchanged(value):
    assert sf_id18(value) == value


# --- transforms --------------------------------------------------------------------------

def _run(spec: str, values: list[str], preset: str = "salesforce", **locale) -> list[str]:
    ctx = Context(dataclasses.replace(load_preset(preset), **locale), "test.csv", [])
    return list(run_transform(spec, pd.Series(values, dtype=str), ctx))


def test_percent_becomes_a_share_in_the_presets_number_locale():
    assert _run("percent", ["90", "90%", "3.85", "", "n/a"]) == ["0.9", "0.9", "0.0385", "", "n/a"]
    # A decimal-comma preset gets its share back with a decimal comma for the validator.
    assert _run("percent", ["12,5", "1.250,5"], decimal=",", thousands=".") == ["0,125", "12,505"]


def test_share_only_rescales_percent_looking_values():
    assert _run("share", ["0.2", "20%", "20", "1"]) == ["0.2", "0.2", "0.2", "1"]


def test_money_drops_currency_but_keeps_locale_digits():
    assert _run("money", ["USD 48,000.00", "$1,200.50", "1 200,00 €", "n/a", "500"]) == \
        ["48,000.00", "1,200.50", "1 200,00", "n/a", "500"]


def test_durations_and_list_columns():
    assert _run("hms_seconds", ["00:30", "01:30:15", "45", ""]) == ["1800", "5415", "45", ""]
    assert _run("first", ["8123456006;8123456001", "42", ""]) == ["8123456006", "42", ""]


def test_headers_compare_without_bom_case_or_extra_space():
    assert normalise_header("\ufeffId") == "id"
    assert normalise_header("  Deal  -  Title ") == "deal - title"


# --- Salesforce sample ----------------------------------------------------------------------

O1, O2, O3, O4 = "0065g00000Dv3kPAAR", "0065g00000Dv4AaAAJ", "0065g00000DwRt2AAF", "0065g00000DwSuxAAF"
A1, A3, A5 = "0015g00000XKr7aAAD", "0015g00000XKs1LAAT", "0015g00000XLcdEAAT"
MARIA, SARAH = "0055g00000AJk2wAAD", "0055g00000AJjZyAAL"


@pytest.fixture(scope="module")
def salesforce():
    return mapped("salesforce")


def test_salesforce_sample_fills_the_minimal_load_and_the_optional_tables(salesforce):
    tables, _ = salesforce
    assert list(tables) == ["territories", "reps", "products", "stages", "accounts", "leads",
                            "opportunities", "opportunity_lines", "stage_history", "activities"]
    for name, frame in tables.items():
        assert set(frame.columns) <= set(contract.spec(name).column_names), name
        required = {c.name for c in contract.spec(name).columns if c.required}
        assert required <= set(frame.columns), name
        assert frame.attrs["source"]
    assert tables["opportunities"].attrs["source"] == "Opportunity.csv"
    assert list(tables["opportunities"].index) == [2, 3, 4, 5, 6, 7, 8]   # source lines kept


def test_salesforce_won_lost_and_open_deals(salesforce):
    deals = salesforce[0]["opportunities"]
    won = deals.loc[2]                     # IsClosed/IsWon true, CloseDate 2025-03-14, Probability 100
    assert (won.opportunity_id, won.account_id, won.owner_rep_id) == (O1, A1, MARIA)
    assert (won.status, won.closed_at, won.expected_close_date) == ("won", "2025-03-14", "")
    assert (won.probability, won.forecast_category, won.amount) == ("1", "", "48000.00")
    lost = deals.loc[3]                    # closed, not won, Loss_Reason__c "Lost to Competitor"
    assert (lost.opportunity_id, lost.status, lost.closed_at) == (O2, "lost", "2025-02-28")
    assert (lost.loss_reason, lost.forecast_category) == ("competitor", "omitted")
    open_ = deals.loc[4]                   # Negotiation/Review, Probability 90, Commit
    assert (open_.opportunity_id, open_.status, open_.probability) == (O3, "open", "0.9")
    assert (open_.expected_close_date, open_.closed_at, open_.forecast_category) == \
        ("2025-04-30", "", "commit")
    assert row(deals, "opportunity_id", O4).forecast_category == "best_case"   # "Best Case"


def test_salesforce_stages_are_the_default_process_plus_the_custom_one(salesforce):
    tables, warnings = salesforce
    stages = tables["stages"].set_index("stage")
    assert list(stages.index[:3]) == ["Prospecting", "Qualification", "Needs Analysis"]
    assert stages.loc["Closed Won"].tolist() == ["10", "1", "won"]
    # "Discovery" is not a default stage: open (its deal is open), probability = its deal's 25 %.
    assert stages.loc["Discovery"].tolist() == ["9", "0.25", "open"]
    assert any("'Discovery' is not in the Salesforce preset's stage list" in w for w in warnings)


def test_salesforce_accounts_territories_and_reps(salesforce):
    tables, warnings = salesforce
    accounts = tables["accounts"]            # Account.csv starts with a BOM: its Id still maps
    acme = row(accounts, "account_id", A1)
    assert acme[["name", "country", "territory_id", "acquisition_channel"]].tolist() == \
        ["Acme Manufacturing", "USA", "USA", "event"]             # United States, Trade Show
    assert row(accounts, "account_id", A3).country == "USA"           # written "USA"
    assert row(accounts, "account_id", A5).territory_id == "UNASSIGNED"   # no BillingCountry
    territories = tables["territories"].set_index("territory_id")
    assert territories.loc["DEU"].tolist() == ["Germany", "EMEA", "DEU"]
    assert territories.loc["UNASSIGNED"].tolist() == ["Unassigned", "Unassigned", "USA"]
    reps = tables["reps"].set_index("rep_id")
    assert reps.loc[MARIA, ["name", "team", "manager_rep_id", "territory_id"]].tolist() == \
        ["Maria Lopez", "Enterprise Sales", SARAH, "USA"]
    assert reps.loc[SARAH, "manager_rep_id"] == ""
    assert reps.loc["0055g00000BiNtGAAV", ["team", "active"]].tolist() == ["Sales", "false"]


def test_salesforce_leads(salesforce):
    leads, warnings = salesforce[0]["leads"], salesforce[1]
    converted = leads.loc[2]
    assert (converted.status, converted.source, converted.converted_at) == \
        ("converted", "web_form", "2025-01-21")
    assert (converted.account_id, converted.opportunity_id) == (A3, O3)
    assert leads.loc[3, "status"] == "working" and leads.loc[3, "territory_id"] == "DEU"
    assert leads.loc[4, "owner_rep_id"] == ""            # owned by a queue (00G…), not a rep
    assert leads.loc[5, "status"] == "disqualified"
    # "Other" has no contract equivalent: kept, so the validator rejects it by name.
    assert leads.loc[6, "source"] == "Other"
    assert any(w.startswith("Lead.csv: source:") and "'Other'" in w for w in warnings)


def test_salesforce_tasks_and_events_stack_into_activities(salesforce):
    activities = salesforce[0]["activities"]
    assert activities.attrs["parts"] == [("Event.csv", 2), ("Task.csv", 5)]
    events, tasks = split_parts(activities)
    assert (events.attrs["source"], tasks.attrs["source"]) == ("Event.csv", "Task.csv")
    call = tasks.loc[2]
    assert (call.type, call.direction, call.duration_seconds, call.outcome) == \
        ("call", "outbound", "420", "done")
    assert (call.opportunity_id, call.lead_id) == (O1, "")        # WhoId is a contact (003…)
    assert (tasks.loc[4, "type"], tasks.loc[4, "lead_id"]) == ("task", "00Q5g00000FzK2cEAF")
    assert tasks.loc[6, "type"] == "proposal"                      # Type "Send Quote"
    assert events.loc[2, "type"] == "meeting" and events.loc[2, "occurred_at"] == "2025-03-05T16:00:00.000Z"
    assert events.loc[3, "opportunity_id"] == ""                   # WhatId is an account


def test_salesforce_lines_and_stage_history(salesforce):
    tables = salesforce[0]
    assert tables["opportunity_lines"].loc[4, "discount"] == "0.0385"    # Discount 3.85 (%)
    history = tables["stage_history"]
    # Lines 2 ("created") and 4 (Amount) are not stage changes; the others keep their lines.
    assert list(history.index) == [3, 5, 6]
    assert history.loc[5].tolist() == [O1, "Closed Won", "2025-03-14T17:02:11.000Z"]
    assert tables["products"].loc[4, "category"] == "Uncategorised"     # no Family


def test_salesforce_unknown_file_is_a_warning_not_a_table(salesforce):
    tables, warnings = salesforce
    assert "Contact.csv: not a file the Salesforce preset knows; ignored" in warnings
    assert any(w.startswith("Opportunity.csv: columns not used") and "SystemModstamp" in w for w in warnings)


def test_salesforce_report_export_with_labels_and_15_character_ids():
    tables, warnings = mapped("salesforce", "salesforce_report")
    assert "report1743512345678.csv: recognised as Salesforce opportunities by its columns" in warnings
    deals = tables["opportunities"]
    won = deals.loc[2]
    # Same deal as Opportunity.csv line 2, exported as 0065g00000Dv3kP by the report.
    assert (won.opportunity_id, won.account_id, won.status) == (O1, A1, "won")
    # Text in the report's US locale, for the validator to parse with date_order MDY.
    assert (won.closed_at, won.created_at, won.amount, won.probability) == \
        ("3/14/2025", "1/6/2025", "48,000.00", "1")
    assert (deals.loc[4, "status"], deals.loc[4, "expected_close_date"]) == ("open", "4/30/2025")
    assert deals.loc[3, "status"] == "lost"
    # No owner ids in the report: owners are keyed, and reps synthesised, by name.
    assert list(tables["reps"]["rep_id"]) == ["Maria Lopez", "Tom Becker"]


# --- HubSpot sample -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hubspot():
    return mapped("hubspot")


def test_hubspot_deal_stages_and_status(hubspot):
    deals = hubspot[0]["opportunities"].set_index("opportunity_id")
    won = deals.loc["18034500101"]                       # dealstage closedwon, hs_is_closed_won true
    assert (won.stage, won.status, won.closed_at) == ("Closed Won", "won", "2025-03-14T16:30:00.000Z")
    assert (won.win_reason, won.account_id, won.owner_rep_id) == ("Strong ROI case", "8123456001", "51234567")
    lost = deals.loc["18034500102"]
    assert (lost.stage, lost.status, lost.loss_reason) == ("Closed Lost", "lost", "competitor")
    open_ = deals.loc["18034500103"]                     # contractsent, probability 0.9 (already 0..1)
    assert (open_.stage, open_.status, open_.probability) == ("Contract Sent", "open", "0.9")
    assert (open_.expected_close_date, open_.closed_at, open_.forecast_category) == \
        ("2025-05-15T12:00:00.000Z", "", "commit")
    assert deals.loc["18034500106", "account_id"] == "8123456006"     # first of "…006;…001"


def test_hubspot_custom_pipeline_stage_is_kept_and_added(hubspot):
    tables, warnings = hubspot
    deal = tables["opportunities"].set_index("opportunity_id").loc["18034500107"]
    assert (deal.stage, deal.status) == ("114872035", "open")        # hs_is_closed false
    stages = tables["stages"].set_index("stage")
    assert stages.loc["114872035"].tolist() == ["6", "0.3", "open"]
    assert any("'114872035' (1 rows)" in w for w in warnings)


def test_hubspot_companies_contacts_and_owners(hubspot):
    tables, _ = hubspot
    accounts = tables["accounts"].set_index("account_id")
    assert accounts.loc["8123456001", ["country", "territory_id", "acquisition_channel"]].tolist() == \
        ["USA", "USA", "organic_search"]
    assert accounts.loc["8123456004", "acquisition_channel"] == ""     # OFFLINE: no channel of ours
    assert accounts.loc["8123456007", "territory_id"] == "UNASSIGNED"
    leads = tables["leads"].set_index("lead_id")
    assert leads.loc["70010001", ["status", "source"]].tolist() == ["converted", "web_form"]  # customer
    assert leads.loc["70010002", "status"] == "working"                # IN_PROGRESS beats SQL lifecycle
    assert leads.loc["70010003", ["status", "source"]].tolist() == ["new", "outbound"]      # lead, OFFLINE
    assert leads.loc["70010004", "status"] == "disqualified"          # UNQUALIFIED
    assert leads.loc["70010006", "converted_at"] == "2025-02-02T10:00:00.000Z"
    reps = tables["reps"].set_index("rep_id")
    assert reps.loc["51234567", ["name", "team"]].tolist() == ["Ava Jones", "North America Sales"]
    assert reps.loc["51234569", "team"] == "Sales"                     # no team: the default
    # Liam owns Contoso (GBR) and Wingtip (NLD) and their deals: 2 each, the tie goes to GBR.
    assert reps.loc["51234568", "territory_id"] == "GBR"


def test_hubspot_view_export_with_labels():
    raw = {"hubspot-crm-exports-my-pipeline-2025-04-01.csv": pd.DataFrame(
        {"Record ID": ["9"], "Deal Name": ["X"], "Deal Stage": ["Closed Won"], "Amount": ["100"],
         "Close Date": ["2025-03-01"], "Create Date": ["2025-01-01"], "Deal owner": ["Ava Jones"],
         "Is Closed Won": ["true"], "Associated Company IDs (Primary)": ["77"]},
        index=pd.RangeIndex(2, 3))}
    tables, _ = apply_preset(load_preset("hubspot"), raw)
    deal = tables["opportunities"].loc[2]
    assert (deal.stage, deal.status, deal.closed_at, deal.account_id) == \
        ("Closed Won", "won", "2025-03-01", "77")
    assert list(tables["reps"]["rep_id"]) == ["Ava Jones"]


# --- Pipedrive sample ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pipedrive():
    return mapped("pipedrive")


def test_pipedrive_deals(pipedrive):
    deals = pipedrive[0]["opportunities"].set_index("opportunity_id")
    won = deals.loc["101"]                  # status won, Won time 2025-02-26 15:40:03
    assert (won.status, won.stage, won.closed_at, won.account_id) == \
        ("won", "Negotiations Started", "2025-02-26 15:40:03", "11")
    lost = deals.loc["102"]
    assert (lost.status, lost.closed_at, lost.loss_reason) == ("lost", "2025-02-19 08:12:00", "price")
    open_ = deals.loc["103"]                # Probability 40
    assert (open_.status, open_.probability, open_.closed_at, open_.expected_close_date) == \
        ("open", "0.4", "", "2025-04-30")


def test_pipedrive_synthesises_reps_and_territories(pipedrive):
    tables, warnings = pipedrive
    reps = tables["reps"].set_index("rep_id")
    # Julia: accounts 12 (DEU) and 13 (CZE) plus deals 102, 106 (DEU) and 103 (CZE) → DEU 3 : 2.
    assert reps.loc["Julia Schmidt", ["name", "team", "territory_id"]].tolist() == \
        ["Julia Schmidt", "Sales", "DEU"]
    assert reps.loc["Piotr Nowak", "territory_id"] == "POL"
    assert tables["reps"].attrs["source"] == "pipedrive preset (synthesised)"
    territories = tables["territories"].set_index("territory_id")
    assert territories.loc["CZE", "name"] == "Czechia"
    # UNASSIGNED is drawn in the export's most common country; Poland, Germany and Czechia
    # tie (one account each) and the first seen wins.
    assert territories.loc["UNASSIGNED", "country"] == "POL"
    assert "products-2025-04-01.csv: not a file the Pipedrive preset knows; ignored" in warnings


def test_pipedrive_people_become_leads(pipedrive):
    leads = pipedrive[0]["leads"].set_index("lead_id")
    assert leads["status"].to_dict() == {
        "21": "converted",      # label Customer
        "22": "converted",      # no label, but 1 won + 1 lost deal
        "23": "working",        # Warm lead
        "24": "qualified",      # Hot lead
        "25": "new"}            # Cold lead
    assert set(leads["source"]) == {"outbound"}          # no source column: the preset's default
    assert set(leads["territory_id"]) == {""}            # no country: leads need no territory


def test_pipedrive_activities(pipedrive):
    acts = pipedrive[0]["activities"].set_index("activity_id")
    call = acts.loc["301"]
    assert (call.type, call.occurred_at, call.duration_seconds, call.outcome) == \
        ("call", "2025-01-10 10:00", "1800", "done")
    assert (call.opportunity_id, call.account_id, call.lead_id) == ("101", "11", "21")
    assert acts.loc["302", "occurred_at"] == "2025-01-28 09:00:00"    # a task: when it was added
    assert acts.loc["304", "type"] == "meeting"                       # lunch
    assert acts.loc["305", ["type", "outcome"]].tolist() == ["task", ""]   # deadline, to do


# --- generic behaviour -------------------------------------------------------------------------------------

def test_unknown_source_file_only_warns():
    raw = {"notes.csv": pd.DataFrame({"Note": ["hello"]}, index=pd.RangeIndex(2, 3))}
    tables, warnings = apply_preset(load_preset("pipedrive"), raw)
    assert tables == {}
    assert warnings == ["notes.csv: not a file the Pipedrive preset knows; ignored"]


def test_sheet_names_match_like_file_names():
    raw = {"Opportunity": pd.DataFrame({"Id": ["0065g00000Dv3kP"], "StageName": ["Prospecting"]},
                                       index=pd.RangeIndex(2, 3))}
    tables, _ = apply_preset(load_preset("salesforce"), raw)
    deal = tables["opportunities"].loc[2]
    assert (deal.opportunity_id, deal.status) == (O1, "open")        # status from the stage's category
    assert tables["opportunities"].attrs["source"] == "Opportunity"


@pytest.mark.parametrize("preset, rejected", [("hubspot", 0), ("pipedrive", 0), ("salesforce", 1)])
def test_samples_pass_the_validator(preset, rejected):
    """The mapped samples are valid contract rows; the one Salesforce rejection is LeadSource "Other"."""
    from etl.parse import ParseOptions
    from etl.validate import KnownKeys, validate

    p = load_preset(preset)
    tables, _ = mapped(preset)
    known = KnownKeys(lambda table, column: set())
    options = ParseOptions(p.decimal, p.thousands, p.date_order)
    total = 0
    for name, frame in tables.items():
        spec = contract.spec(name)
        checked = validate(spec, frame, options, known)
        total += len(checked.rejected)
        if spec.key:
            known.add(f"{name}.{spec.key[0]}", checked.good[spec.key[0]])
    assert total == rejected
