"""The sales organisation: territories and reps in teams under managers and a head of sales.

The org chart is fixed (ids, names, teams, territories do not depend on the
seed) so demo logins point at the same people for every seed; the seed only
draws the reps' skill, responsiveness, hire dates and pay.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.demo import names
from etl.demo.catalog import product_frame, stage_frame
from etl.demo.frames import contract_frame, labels
from etl.demo.timeline import DAY, Horizon

# territory_id, name, region, country, subdivision, market size, yearly growth (log-rate),
# UTC offset of office hours. Growth has both signs on purpose: planted structure (4).
TERRITORIES = (
    ("T-POL-14", "Warsaw (Mazowieckie)", "Poland", "POL", "PL-14", 1.6, 0.53, 1),
    ("T-POL-12", "Kraków (Małopolskie)", "Poland", "POL", "PL-12", 1.0, 0.28, 1),
    ("T-POL-30", "Poznań (Wielkopolskie)", "Poland", "POL", "PL-30", 0.8, 0.13, 1),
    ("T-POL-02", "Wrocław (Dolnośląskie)", "Poland", "POL", "PL-02", 0.8, -0.62, 1),
    ("T-RUS-MOW", "Moscow", "CIS", "RUS", "RU-MOW", 1.4, -0.67, 3),
    ("T-RUS-SPE", "Saint Petersburg", "CIS", "RUS", "RU-SPE", 0.9, -0.02, 3),
    ("T-RUS-SVE", "Yekaterinburg (Sverdlovsk)", "CIS", "RUS", "RU-SVE", 0.6, 0.38, 5),
    ("T-IRN-23", "Tehran", "Middle East", "IRN", "IR-23", 1.1, 0.58, 3.5),
    ("T-IRN-10", "Isfahan", "Middle East", "IRN", "IR-10", 0.6, -0.52, 3.5),
    ("T-IRN-07", "Shiraz (Fars)", "Middle East", "IRN", "IR-07", 0.5, 0.18, 3.5),
    ("T-CHN-BJ", "Beijing", "APAC", "CHN", "CN-BJ", 1.2, 0.33, 8),
    ("T-CHN-SH", "Shanghai", "APAC", "CHN", "CN-SH", 1.3, 0.68, 8),
    ("T-CHN-GD", "Guangzhou (Guangdong)", "APAC", "CHN", "CN-GD", 0.9, -0.22, 8),
    ("T-USA-CA", "California", "North America", "USA", "US-CA", 1.8, 0.38, -8),
    ("T-USA-NY", "New York", "North America", "USA", "US-NY", 1.5, 0.18, -5),
    ("T-USA-TX", "Texas", "North America", "USA", "US-TX", 1.1, 0.68, -6),
    ("T-USA-IL", "Illinois", "North America", "USA", "US-IL", 0.8, -0.67, -6),
    ("T-DEU-BE", "Berlin", "Western Europe", "DEU", "DE-BE", 1.0, 0.28, 1),
    ("T-DEU-BY", "Munich (Bavaria)", "Western Europe", "DEU", "DE-BY", 1.1, 0.13, 1),
    ("T-FRA-IDF", "Paris (Île-de-France)", "Western Europe", "FRA", "FR-IDF", 1.2, -0.17, 1),
    ("T-GBR-ENG", "London (England)", "Western Europe", "GBR", "GB-ENG", 1.3, -0.52, 0),
    ("T-NLD-NH", "Amsterdam (Noord-Holland)", "Western Europe", "NLD", "NL-NH", 0.7, 0.33, 1),
)
# Team order fixes the rep numbering: REP-001 head, REP-002.. managers, then sellers
# dealt round-robin over the teams (REP-008 Poland, REP-009 North America, ...).
TEAMS = ("Poland", "North America", "Western Europe", "CIS", "Middle East", "APAC")
BASE_SELLERS = (6, 6, 6, 5, 5, 5)
MONTHLY_SALARY = {"Poland": 3800, "North America": 6500, "Western Europe": 5600, "CIS": 3000,
                  "Middle East": 2200, "APAC": 3400}
HEAD_TERRITORY = "T-POL-14"

@dataclass
class Org:
    """Frames of the reference tables plus the arrays the other generators draw from."""
    territories: pd.DataFrame
    reps: pd.DataFrame
    products: pd.DataFrame
    stages: pd.DataFrame
    terr_size: np.ndarray        # relative market size
    terr_growth: np.ndarray      # yearly log-rate of demand: planted structure (4)
    terr_offset: np.ndarray      # UTC offset (hours) of local office hours
    rep_ids: np.ndarray          # object, index = rep number - 1
    rep_team: np.ndarray         # team index; -1 for the head of sales
    rep_territory: np.ndarray    # home territory index
    rep_is_seller: np.ndarray    # bool: owns leads and deals day to day
    rep_skill: np.ndarray        # logit shift of the win probability: planted structure (3)
    rep_speed: np.ndarray        # multiplier of lead response times
    rep_hire_s: np.ndarray
    rep_leave_s: np.ndarray      # NaN while employed
    team_manager: np.ndarray     # rep index of each team's manager
    sellers: np.ndarray          # territory × slot → rep index (-1 = empty slot)
    anchor: np.ndarray           # per territory: a seller employed over the whole window


def seller_teams(n_deals: int) -> np.ndarray:
    """Team index of each seller in numbering order. Large demos get more sellers, modestly."""
    per_team = np.array(BASE_SELLERS) * (1 + min(1, n_deals // 500_000))
    order = [t for r in range(per_team.max()) for t in range(len(TEAMS)) if r < per_team[t]]
    return np.array(order)


def build_org(rng: np.random.Generator, hz: Horizon, n_deals: int) -> Org:
    """Territories, reps, products and stages for a demo of `n_deals` deals.

    Large demos (≥ 500,000 deals) get twice the sellers, so reps stay believable.
    """
    terr = pd.DataFrame(TERRITORIES, columns=["territory_id", "name", "region", "country",
                                              "subdivision", "size", "growth", "utc_offset"])
    teams = seller_teams(n_deals)
    n_reps = 1 + len(TEAMS) + teams.size
    rep_team = np.concatenate([[-1], np.arange(len(TEAMS)), teams])
    rep_terr, sellers, anchor = _home_territories(terr, rep_team)
    hire, leave = _employment(rng, hz, rep_team, anchor)
    skill = rng.uniform(-1.3, 1.3, n_reps)
    skill[1:1 + len(TEAMS)] = rng.uniform(0.0, 0.8, len(TEAMS))   # managers were good sellers
    org = Org(
        territories=_territory_frame(terr, n_deals), reps=pd.DataFrame(), products=product_frame(),
        stages=stage_frame(),
        terr_size=terr["size"].to_numpy(float), terr_growth=terr["growth"].to_numpy(float),
        terr_offset=terr["utc_offset"].to_numpy(float),
        rep_ids=np.array([f"REP-{i:03d}" for i in range(1, n_reps + 1)], dtype=object),
        rep_team=rep_team, rep_territory=rep_terr, rep_is_seller=np.arange(n_reps) > len(TEAMS),
        rep_skill=skill, rep_speed=np.exp(rng.normal(0.0, 0.35, n_reps)),
        rep_hire_s=hire, rep_leave_s=leave, team_manager=np.arange(1, 1 + len(TEAMS)),
        sellers=sellers, anchor=anchor)
    org.reps = _rep_frame(rng, org, terr)
    return org


def _home_territories(terr: pd.DataFrame, rep_team: np.ndarray):
    """Deal each team's sellers round-robin over the team's territories."""
    region_terr = {t: np.flatnonzero(terr["region"].to_numpy() == t) for t in TEAMS}
    home = np.empty(rep_team.size, dtype=int)
    home[0] = terr.index[terr["territory_id"] == HEAD_TERRITORY][0]
    seen = {t: 0 for t in range(len(TEAMS))}
    for i, team in enumerate(rep_team[1:], start=1):   # ~40-80 reps, not per-deal work
        places = region_terr[TEAMS[team]]
        if i <= len(TEAMS):
            home[i] = places[0]
            continue
        home[i] = places[seen[team] % places.size]
        seen[team] += 1
    is_seller = np.arange(rep_team.size) > len(TEAMS)
    slots = np.bincount(home[is_seller], minlength=len(terr)).max()
    sellers = np.full((len(terr), slots), -1)
    anchor = np.empty(len(terr), dtype=int)
    for t in range(len(terr)):
        mine = np.flatnonzero(is_seller & (home == t))
        sellers[t, :mine.size] = mine
        anchor[t] = mine[0]
    return home, sellers, anchor


def _employment(rng, hz: Horizon, rep_team: np.ndarray, anchor: np.ndarray):
    """Hire dates, plus a few sellers who joined during the window and two who left."""
    n = rep_team.size
    hire = hz.start_s - rng.uniform(90, 2600, n) * DAY
    leave = np.full(n, np.nan)
    others = np.setdiff1d(np.arange(1 + len(TEAMS), n), anchor)
    joined, left = others[-4:], others[-7:-5]
    hire[joined] = hz.start_s + rng.uniform(200, 800, joined.size) * DAY
    leave[left] = hz.now_s - rng.uniform(60, 300, left.size) * DAY
    return np.floor(hire / DAY) * DAY, np.floor(leave / DAY) * DAY


def _territory_frame(terr: pd.DataFrame, n_deals: int) -> pd.DataFrame:
    share = terr["size"].to_numpy() / terr["size"].sum()
    budget = np.round(share * n_deals * 260, -3)   # ≈ 8 % of the revenue the demo produces
    cols = {c: terr[c].to_numpy(dtype=object) for c in ("territory_id", "name", "region",
                                                         "country", "subdivision")}
    return contract_frame("territories", {**cols, "annual_budget": budget})


def _rep_frame(rng, org: Org, terr: pd.DataFrame) -> pd.DataFrame:
    people = [names.HEAD_OF_SALES] + [names.split(names.TEAM_PEOPLE[t])[0] for t in TEAMS]
    count = {t: 0 for t in TEAMS}
    for team in org.rep_team[1 + len(TEAMS):]:
        count[TEAMS[team]] += 1
        people.append(names.split(names.TEAM_PEOPLE[TEAMS[team]])[count[TEAMS[team]]])
    team_names = np.array([f"{t} Sales" for t in TEAMS] + ["Sales Leadership"], dtype=object)
    manager = np.where(org.rep_team < 0, -1, 0)
    manager[org.rep_is_seller] = org.team_manager[org.rep_team[org.rep_is_seller]]
    region_pay = np.array([MONTHLY_SALARY[t] for t in TEAMS] + [9000.0])
    level = np.where(org.rep_team < 0, 2.2, np.where(org.rep_is_seller, 1.0, 1.5))
    pay = np.round(region_pay[org.rep_team] * level * rng.uniform(0.9, 1.15, level.size), -1)
    commission = np.where(org.rep_is_seller, rng.choice([0.04, 0.05, 0.06, 0.07], level.size),
                          np.where(org.rep_team < 0, 0.01, 0.02))
    return contract_frame("reps", {
        "rep_id": org.rep_ids, "name": np.array(people, dtype=object),
        "email": np.array([names.email_for(p) for p in people], dtype=object),
        "team": team_names[org.rep_team], "manager_rep_id": labels(org.rep_ids, manager),
        "territory_id": terr["territory_id"].to_numpy(dtype=object)[org.rep_territory],
        "hire_date": org.rep_hire_s.astype("datetime64[s]").astype("datetime64[D]"),
        "active": ~np.isfinite(org.rep_leave_s), "base_salary": pay, "commission_rate": commission})


def pick_sellers(rng: np.random.Generator, org: Org, territory: np.ndarray, when_s: np.ndarray) -> np.ndarray:
    """A random seller of each territory employed at `when_s`, else the territory's anchor."""
    slots = (org.sellers >= 0).sum(axis=1)
    rep = org.sellers[territory, (rng.random(territory.size) * slots[territory]).astype(int)]
    return np.where(employed(org, rep, when_s), rep, org.anchor[territory])


def employed(org: Org, rep: np.ndarray, when_s: np.ndarray) -> np.ndarray:
    """Whether each rep was on the payroll at the given time."""
    leave = org.rep_leave_s[rep]
    return (org.rep_hire_s[rep] <= when_s) & ~(leave <= when_s)
