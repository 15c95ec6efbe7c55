"""Reference tables a CRM export lacks, built from the mapped data.

A CRM export has deals, accounts and owners but no `stages` table with
positions and probabilities, often no user list, and never our `territories`.
Synthesising them from the preset's stage list and the distinct ids the data
uses lets a CRM export alone make a minimal load (territories, reps, accounts,
opportunities). A table the export does provide is never replaced.
"""
from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pandas as pd
import pycountry

from etl.transforms import format_number, parse_number

# Commercial regions for the territory table: the Americas, Asia-Pacific, the rest EMEA.
_AMER = set("""USA CAN MEX BRA ARG CHL COL PER VEN ECU BOL PRY URY GUY SUR CRI PAN GTM HND SLV NIC
BLZ CUB DOM HTI JAM TTO BHS BRB PRI ATG DMA GRD KNA LCA VCT ABW CUW BMU CYM VGB VIR TCA GLP MTQ
GUF SXM MAF BLM AIA MSR FLK SPM BES GRL""".split())
_APAC = set("""CHN JPN KOR PRK TWN HKG MAC MNG IND PAK BGD LKA NPL BTN MDV IDN MYS SGP THA VNM PHL
MMR KHM LAO BRN TLS AUS NZL PNG FJI SLB VUT WSM TON KIR FSM MHL PLW NRU TUV NCL PYF GUM ASM MNP
COK NIU""".split())
_OWNER_COLUMNS = (("opportunities", "owner_rep_id"), ("accounts", "owner_rep_id"),
                  ("leads", "owner_rep_id"), ("activities", "rep_id"))


def add_reference_tables(preset, tables: dict[str, pd.DataFrame], warnings: list[str]) -> None:
    """Add `stages`, `reps` and `territories` to `tables` where the export had none (in place)."""
    if "opportunities" in tables and "stages" not in tables:
        tables["stages"] = _stages(preset, tables, warnings)
    homes = _home_territories(tables, preset.territory_fallback)
    if "reps" in tables:
        _place_reps(preset, tables["reps"], homes, warnings)
    elif owners := _distinct(tables, _OWNER_COLUMNS):
        tables["reps"] = _synthesised(preset, pd.DataFrame({
            "rep_id": owners, "name": owners, "team": preset.default_team,
            "territory_id": [homes.get(o, preset.territory_fallback) for o in owners]}))
        warnings.append(f"reps: {len(owners)} reps synthesised from record owners "
                        f"(name = owner as exported, team {preset.default_team!r})")
    _add_territories(preset, tables, warnings)


def _place_reps(preset, reps: pd.DataFrame, homes: dict[str, str], warnings: list[str]) -> None:
    """A user list rarely says where a rep sells; their accounts do."""
    if not {"rep_id", "territory_id"} <= set(reps.columns):
        return
    unplaced = reps["territory_id"].isin(["", preset.territory_fallback])
    reps.loc[unplaced, "territory_id"] = reps.loc[unplaced, "rep_id"].map(homes).fillna(
        reps.loc[unplaced, "territory_id"])
    if left := int(reps["territory_id"].isin(["", preset.territory_fallback]).sum()):
        warnings.append(f"reps: {left} reps with no country and no accounts are in territory "
                        f"{preset.territory_fallback}")


def _add_territories(preset, tables, warnings: list[str]) -> None:
    ids = _distinct(tables, [(t, "territory_id") for t in ("accounts", "reps", "leads")])
    if "territories" not in tables and ids:
        tables["territories"] = _territories(preset, tables, ids)
        warnings.append(f"territories: {len(ids)} territories synthesised from countries: {', '.join(ids)}")


def _synthesised(preset, frame: pd.DataFrame) -> pd.DataFrame:
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="line")
    frame.attrs["source"] = f"{preset.name} preset (synthesised)"
    frame.attrs["synthesised"] = True
    return frame


def _distinct(tables, columns) -> list[str]:
    """Non-blank values of the given (table, column)s, in order of first appearance."""
    seen: dict[str, None] = {}
    for table, col in columns:
        if table in tables and col in tables[table].columns:
            seen.update(dict.fromkeys(v for v in tables[table][col] if v))
    return list(seen)


def _home_territories(tables, fallback: str) -> dict[str, str]:
    """Owner → the territory most of their accounts (owned, or of their deals) are in."""
    if "accounts" not in tables or "territory_id" not in tables["accounts"].columns:
        return {}
    accounts = tables["accounts"]
    where = dict(zip(accounts["account_id"], accounts["territory_id"]))
    pairs = list(zip(accounts.get("owner_rep_id", []), accounts["territory_id"]))
    deals = tables.get("opportunities")
    if deals is not None and {"owner_rep_id", "account_id"} <= set(deals.columns):
        pairs += [(o, where.get(a, "")) for o, a in zip(deals["owner_rep_id"], deals["account_id"])]
    counts: dict[str, Counter] = {}
    for owner, territory in pairs:
        if owner and territory and territory != fallback:
            counts.setdefault(owner, Counter())[territory] += 1
    # Ties go to the alphabetically first territory so re-imports agree.
    return {o: min(c, key=lambda t: (-c[t], t)) for o, c in counts.items()}


def _territories(preset, tables, ids: list[str]) -> pd.DataFrame:
    countries = Counter(i for i in ids if pycountry.countries.get(alpha_3=i))
    if "accounts" in tables and "country" in tables["accounts"].columns:
        countries.update(c for c in tables["accounts"]["country"] if c)
    # A territory that is not a country is drawn on the map in the main country (ties: first seen).
    home = countries.most_common(1)[0][0] if countries else preset.fallback_country
    rows = []
    for tid in ids:
        country = pycountry.countries.get(alpha_3=tid)
        if country:
            region = "AMER" if tid in _AMER else "APAC" if tid in _APAC else "EMEA"
            rows.append((tid, country.name, region, tid))
        else:
            name = "Unassigned" if tid == preset.territory_fallback else tid
            rows.append((tid, name, "Unassigned", home))
    return _synthesised(preset, pd.DataFrame(rows, columns=["territory_id", "name", "region", "country"]))


def _stages(preset, tables, warnings: list[str]) -> pd.DataFrame:
    """The preset's stage list, plus stages the data uses that the list lacks, in funnel order."""
    deals = tables["opportunities"]
    rows = [(s.name, Decimal(str(s.probability)), s.category) for s in preset.stages]
    known = {s.name.casefold() for s in preset.stages}
    used = _distinct(tables, [("opportunities", "stage"), ("stage_history", "stage")])
    for stage in (s for s in used if s.casefold() not in known):
        rows.append(_extra_stage(preset, stage, deals, warnings))
    order = {"open": 0, "won": 1, "lost": 2}
    rows.sort(key=lambda r: order[r[2]])           # stable: open stages keep their order
    return _synthesised(preset, pd.DataFrame({
        "stage": [r[0] for r in rows], "position": [str(i) for i in range(1, len(rows) + 1)],
        "probability": [format_number(r[1], preset.decimal) for r in rows],
        "category": [r[2] for r in rows]}))


def _extra_stage(preset, stage: str, deals: pd.DataFrame, warnings: list[str]) -> tuple:
    """A custom stage: its category from its deals' status, probability from their own or 0.5."""
    mine = deals[deals["stage"] == stage] if "stage" in deals.columns else deals.iloc[:0]
    statuses = Counter(s for s in mine.get("status", []) if s)
    category = statuses.most_common(1)[0][0] if statuses else "open"
    probabilities = [parse_number(p, preset.decimal, preset.thousands) for p in mine.get("probability", [])]
    probabilities = [p for p in probabilities if p is not None]
    if category != "open":
        probability = Decimal(1 if category == "won" else 0)
    elif probabilities:
        probability = (sum(probabilities) / len(probabilities)).quantize(Decimal("0.01"))
    else:
        probability = Decimal("0.5")
    warnings.append(f"stages: {stage!r} is not in the {preset.label} preset's stage list; added as "
                    f"{category} with probability {format_number(probability)} (edit stages to correct)")
    return stage, probability, category
