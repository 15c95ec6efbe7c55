"""The demo logins: one per role, linked to reps whose ids are fixed by the org chart."""
from __future__ import annotations

from etl.demo import names
from etl.demo.org import TEAMS


def _person(team: str, k: int) -> str:
    """k = 0: the team's manager; k = 1: its first seller."""
    return names.split(names.TEAM_PEOPLE[team])[k]


def _rep_id(number: int) -> str:
    return f"REP-{number:03d}"


# Rep numbering (see org.py): 1 head of sales, 2.. managers in TEAMS order, then
# sellers dealt round-robin over TEAMS, so a team's first seller is 2 + len(TEAMS) + team.
_POLAND, _NORTH_AMERICA = TEAMS.index("Poland"), TEAMS.index("North America")
_FIRST_SELLER = 2 + len(TEAMS)

DEMO_USERS: list[dict] = [
    {"username": "admin", "role": "admin", "rep_id": None, "display_name": "Demo Administrator"},
    {"username": "executive", "role": "executive", "rep_id": _rep_id(1),
     "display_name": names.HEAD_OF_SALES},
    {"username": "manager.poland", "role": "manager", "rep_id": _rep_id(2 + _POLAND),
     "display_name": _person("Poland", 0)},
    {"username": "manager.northamerica", "role": "manager", "rep_id": _rep_id(2 + _NORTH_AMERICA),
     "display_name": _person("North America", 0)},
    {"username": "rep.poland", "role": "rep", "rep_id": _rep_id(_FIRST_SELLER + _POLAND),
     "display_name": _person("Poland", 1)},
    {"username": "rep.northamerica", "role": "rep", "rep_id": _rep_id(_FIRST_SELLER + _NORTH_AMERICA),
     "display_name": _person("North America", 1)},
]
