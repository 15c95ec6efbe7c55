"""Tiny builders for hand-worked KPI fixtures: insert rows with sensible defaults.

    with engine.begin() as conn:
        b = Builder(conn)
        b.territory("T1", region="Poland", country="POL")
        b.rep("R1", team="East", territory_id="T1")
        b.account("A1", territory_id="T1", owner_rep_id="R1")
        b.deal("O1", "A1", "R1", status="won", amount=100, created_at="2025-01-02 10:00",
               closed_at="2025-01-20 10:00")

Timestamps are naive UTC strings ("YYYY-MM-DD HH:MM"), dates "YYYY-MM-DD".
"""
from __future__ import annotations

from datetime import date, datetime

from app.data import schema as s
from app.data import system_schema as ss


def ts(value):
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def d(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


class Builder:
    def __init__(self, conn):
        self.conn = conn

    def _insert(self, table, **row):
        for col in table.c:
            if col.name in row and isinstance(col.type, s.sa.DateTime):
                row[col.name] = ts(row[col.name])
            elif col.name in row and isinstance(col.type, s.sa.Date):
                row[col.name] = d(row[col.name])
        self.conn.execute(table.insert().values(**row))
        return row

    def two_regions(self, r1=None, r2=None):
        """The base most KPI fixtures share: two territories, a rep and an account in each.

        T1 Poland (POL) with rep R1 (team East) and account A1 owned by R1;
        T2 North America (USA) with rep R2 (team West) and account A2 owned by R2.
        `r1` and `r2` add a module's own columns to the reps (pay, `active`, …).
        """
        self.territory("T1", region="Poland", country="POL")
        self.territory("T2", region="North America", country="USA")
        self.rep("R1", team="East", territory_id="T1", **(r1 or {}))
        self.rep("R2", team="West", territory_id="T2", **(r2 or {}))
        self.account("A1", "T1", "R1")
        self.account("A2", "T2", "R2")

    def territory(self, territory_id, name=None, region="Region", country="POL", **kw):
        return self._insert(s.territories, territory_id=territory_id, name=name or territory_id,
                            region=region, country=country, **kw)

    def rep(self, rep_id, team="Team", territory_id="T1", name=None, **kw):
        kw.setdefault("active", True)
        return self._insert(s.reps, rep_id=rep_id, name=name or rep_id, team=team,
                            territory_id=territory_id, **kw)

    def product(self, product_id, category="Cat", **kw):
        return self._insert(s.products, product_id=product_id, name=product_id, category=category, **kw)

    def account(self, account_id, territory_id="T1", owner_rep_id=None, created_at="2020-01-01 00:00", **kw):
        return self._insert(s.accounts, account_id=account_id, name=account_id, territory_id=territory_id,
                            owner_rep_id=owner_rep_id, created_at=created_at, **kw)

    def deal(self, opportunity_id, account_id, owner_rep_id, status="open", amount=0.0,
             created_at="2025-01-01 00:00", stage=None, **kw):
        stage = stage or {"won": "Closed Won", "lost": "Closed Lost"}.get(status, "Prospecting")
        return self._insert(s.opportunities, opportunity_id=opportunity_id, account_id=account_id,
                            owner_rep_id=owner_rep_id, status=status, amount=amount,
                            created_at=created_at, stage=stage, **kw)

    def line(self, opportunity_id, product_id, quantity=1, unit_price=0.0, **kw):
        return self._insert(s.opportunity_lines, opportunity_id=opportunity_id, product_id=product_id,
                            quantity=quantity, unit_price=unit_price, **kw)

    def history(self, opportunity_id, stage, entered_at):
        return self._insert(s.stage_history, opportunity_id=opportunity_id, stage=stage, entered_at=entered_at)

    def lead(self, lead_id, created_at, source="web_form", status="new", **kw):
        return self._insert(s.leads, lead_id=lead_id, created_at=created_at, source=source, status=status, **kw)

    def activity(self, activity_id, rep_id, type, occurred_at, **kw):
        return self._insert(s.activities, activity_id=activity_id, rep_id=rep_id, type=type,
                            occurred_at=occurred_at, **kw)

    def quota(self, rep_id, month, amount):
        return self._insert(s.quotas, rep_id=rep_id, month=month, amount=amount)

    def submission(self, rep_id, month, submitted_at, category, amount):
        return self._insert(s.forecast_submissions, rep_id=rep_id, month=month,
                            submitted_at=submitted_at, category=category, amount=amount)

    def spend(self, month, channel, amount, territory_id=None):
        return self._insert(s.marketing_spend, month=month, channel=channel, amount=amount,
                            territory_id=territory_id)

    def ticket(self, ticket_id, account_id, opened_at, **kw):
        return self._insert(s.tickets, ticket_id=ticket_id, account_id=account_id, opened_at=opened_at, **kw)

    def training(self, rep_id, program, **kw):
        return self._insert(s.trainings, rep_id=rep_id, program=program, **kw)

    def benchmark(self, kpi, value, source=None):
        return self._insert(s.benchmarks, kpi=kpi, value=value, source=source)

    def model_run(self, model="revenue_forecast", version="test", trained_at="2025-01-01 00:00", **kw):
        result = self.conn.execute(ss.model_runs.insert().values(
            model=model, version=version, trained_at=ts(trained_at), status="succeeded", **kw))
        return result.inserted_primary_key[0]

    def deal_score(self, opportunity_id, win_probability, model_run_id, scored_at="2025-01-01 00:00"):
        return self._insert(ss.deal_scores, opportunity_id=opportunity_id, win_probability=win_probability,
                            model_run_id=model_run_id, scored_at=scored_at)

    def forecast(self, model_run_id, made_on, month, mean, rep_id=None, **kw):
        return self._insert(ss.model_forecasts, model_run_id=model_run_id, made_on=made_on, month=month,
                            mean=mean, rep_id=rep_id, **kw)

    def setting(self, key, value):
        from app.data.settings import save_setting
        save_setting(self.conn, key, value, actor="test")
