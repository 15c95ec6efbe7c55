"""Read queries outside the KPI registry: status, org chart, time bounds, filter options."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection



def utc_bounds(start: date, end: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end] in the organisation's zone → naive UTC [from, to) for timestamp columns."""
    zone = ZoneInfo(tz)
    lo = datetime.combine(start, time(0), zone).astimezone(timezone.utc).replace(tzinfo=None)
    hi = datetime.combine(end + timedelta(days=1), time(0), zone).astimezone(timezone.utc)
    return lo, hi.replace(tzinfo=None)


def fetch_table_counts(conn: Connection) -> dict[str, int]:
    """Rows per CRM table."""
    from app.data.schema import CRM_TABLES
    return {name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for name, table in CRM_TABLES.items()}


def fetch_last_import(conn: Connection) -> dict | None:
    """The newest import run that was not a dry run, as a dict of import_runs columns."""
    from app.data.system_schema import import_runs
    row = conn.execute(sa.select(import_runs).where(import_runs.c.dry_run.is_(False))
                       .order_by(import_runs.c.run_id.desc()).limit(1)).mappings().first()
    return dict(row) if row else None


def fetch_reporting_lines(conn: Connection) -> list[tuple[str, str | None]]:
    """(rep_id, manager_rep_id) for every rep: the org chart scope is built from."""
    from app.data.schema import reps
    return [tuple(r) for r in conn.execute(sa.select(reps.c.rep_id, reps.c.manager_rep_id))]


def fetch_import_freshness(conn: Connection) -> dict:
    """{"last_success_at": finish time (naive UTC) of the newest import that loaded data
    (succeeded or partial), or None; "last_status": status of the newest finished import}."""
    from app.data.system_schema import import_runs as r
    done = sa.select(r.c.finished_at, r.c.status).where(r.c.dry_run.is_(False), r.c.status != "running")
    newest = conn.execute(done.order_by(r.c.run_id.desc()).limit(1)).first()
    success = conn.execute(done.where(r.c.status.in_(("succeeded", "partial")))
                           .order_by(r.c.run_id.desc()).limit(1)).first()
    return {"last_success_at": success.finished_at if success else None,
            "last_status": newest.status if newest else None}


def fetch_filter_options(conn: Connection, rep_ids: frozenset[str] | None) -> dict[str, list[dict]]:
    """Values for the filter bar: {key: [{"value", "label"}, …]} sorted by label.

    `rep_ids` is the viewer's scope (None = everything): reps and teams list only the
    reps in it, so a rep sees only themselves. Products also carry their "category".
    Reference values (territories, products, channels, segments) are not sensitive.
    """
    from app.data.schema import DEAL_CHANNELS, SEGMENTS, accounts, opportunities, products, reps, territories
    in_scope = sa.true() if rep_ids is None else reps.c.rep_id.in_(sorted(rep_ids))

    def pairs(query) -> list[dict]:
        rows = conn.execute(query).all()
        return sorted(({"value": v, "label": label or v} for v, label, *_ in rows if v),
                      key=lambda o: (str(o["label"]).lower(), o["value"]))

    def distinct(column) -> list[dict]:
        return pairs(sa.select(column, column).where(column.is_not(None)).distinct())

    def present(column, codes) -> list[dict]:
        """The contract's codes (the import admits no others) that occur in `column`: one
        EXISTS per code stops at its first row, where DISTINCT over a million deals reads them
        all (a code that never occurs is still a whole scan, as before)."""
        found = conn.execute(sa.select(*(sa.exists().where(column == code) for code in codes))).one()
        return [{"value": code, "label": code} for code, there in zip(codes, found) if there]

    options = {
        "territory": pairs(sa.select(territories.c.territory_id, territories.c.name)),
        "region": distinct(territories.c.region),
        "country": distinct(territories.c.country),
        "team": pairs(sa.select(reps.c.team, reps.c.team).where(in_scope).distinct()),
        "rep": pairs(sa.select(reps.c.rep_id, reps.c.name).where(in_scope)),
        "category": distinct(products.c.category),
        "channel": present(opportunities.c.channel, DEAL_CHANNELS),
        "segment": present(accounts.c.segment, SEGMENTS),
    }
    product_rows = conn.execute(sa.select(products.c.product_id, products.c.name, products.c.category))
    options["product"] = sorted(({"value": p, "label": n or p, "category": c} for p, n, c in product_rows),
                                key=lambda o: (o["label"].lower(), o["value"]))
    return options


def fetch_rep_profile(conn: Connection, rep_id: str) -> dict | None:
    """{"rep_id", "name", "team", "commission_rate" (0 when unset)} of one rep, or None."""
    from app.data.schema import reps
    row = conn.execute(sa.select(reps.c.rep_id, reps.c.name, reps.c.team, reps.c.commission_rate)
                       .where(reps.c.rep_id == rep_id)).mappings().first()
    return {**row, "commission_rate": float(row["commission_rate"] or 0)} if row else None


def fetch_team_rep_ids(conn: Connection, team: str) -> list[str]:
    """Active reps of a team (by the reps.team column), sorted."""
    from app.data.schema import reps
    query = sa.select(reps.c.rep_id).where(reps.c.team == team, reps.c.active.is_not(False))
    return sorted(r for (r,) in conn.execute(query))


def fetch_open_deals(conn: Connection, rep_id: str, hi: datetime, probability, limit: int = 100) -> list[dict]:
    """One rep's deals open at the UTC instant `hi` (a period's exclusive end), as in the
    open-pipeline KPIs: created before it and not closed by it. Rows: opportunity_id, name,
    stage, amount, expected_close_date, probability (from `probability`(view), the KPI layer's
    win probability) and last_activity_at (naive UTC, activities before `hi`; None without any).
    Ordered by expected close date (undated last), then amount descending."""
    from types import SimpleNamespace

    from app.data.schema import activities, opportunities as o
    last = sa.select(sa.func.max(activities.c.occurred_at)).where(
        activities.c.opportunity_id == o.c.opportunity_id, activities.c.occurred_at < hi).scalar_subquery()
    query = (sa.select(o.c.opportunity_id, o.c.name, o.c.stage, o.c.amount, o.c.expected_close_date,
                       probability(SimpleNamespace(t=o)).label("probability"), last.label("last_activity_at"))
             .where(o.c.owner_rep_id == rep_id, o.c.created_at < hi,
                    sa.or_(o.c.closed_at.is_(None), o.c.closed_at >= hi))
             .order_by(o.c.expected_close_date.is_(None), o.c.expected_close_date, o.c.amount.desc(),
                       o.c.opportunity_id)
             .limit(limit))
    return [{**r, "amount": float(r["amount"] or 0),
             "probability": None if r["probability"] is None else float(r["probability"])}
            for r in conn.execute(query).mappings()]
