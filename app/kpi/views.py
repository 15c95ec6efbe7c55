"""Build a scoped, filtered, grouped FROM clause for one subject (see subjects.py)."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.data import schema as s
from app.kpi.query import TIME_DIMENSIONS
from app.kpi.sqltime import Bucket
from app.kpi.subjects import GROUP, SUBJECTS, Joiner, check_by

UNASSIGNED = "unassigned"
# Inlined, not bound: PostgreSQL matches GROUP BY to SELECT expressions textually.
_UNASSIGNED_SQL = sa.literal_column("'unassigned'")


@dataclass
class View:
    """One subject ready to aggregate: `select(*aggregates)` groups by the breakdown if any."""
    frm: object
    where: list
    group: object | None
    t: sa.Table
    line_grain: bool = False
    line: object | None = None
    product: object | None = None
    subject: object | None = None
    joiner: Joiner | None = None

    def dim(self, key: str):
        """The column of dimension `key` for this view's rows, adding the joins it needs."""
        column = self.subject.dims[key](self.t, self.joiner)
        self.frm = self.joiner.frm
        return column

    def join(self, name: str, table, on_fn, outer: bool = False):
        """Join `table` (aliased `name`) once, through the same joiner as the dimensions."""
        alias = self.joiner.join(name, table, on_fn, outer)
        self.frm = self.joiner.frm
        return alias

    def select(self, *columns, where=()) -> sa.Select:
        cols = ([self.group.label(GROUP)] if self.group is not None else []) + list(columns)
        query = sa.select(*cols).select_from(self.frm).where(*self.where, *where)
        return query.group_by(self.group) if self.group is not None else query

    @property
    def revenue(self):
        """Deal revenue: line revenue at product grain (else the deal amount)."""
        if not self.line_grain:
            return self.t.c.amount
        ln = self.line.c
        line_revenue = ln.quantity * ln.unit_price * (1 - sa.func.coalesce(ln.discount, 0))
        return sa.func.coalesce(line_revenue, self.t.c.amount)

    def count_rows(self):
        """Count of fact rows (deals stay counted once at product grain)."""
        if self.line_grain:
            return sa.func.count(sa.distinct(self.t.c.opportunity_id))
        return sa.func.count()


def build_view(ctx, subject: str, time_col: str | None = None, kpi_id: str = "") -> View:
    """`time_col` is the timestamp (or date) column that time breakdowns bucket."""
    sub = SUBJECTS[subject]
    t = sub.table
    joiner = Joiner(t)
    where = [_scope_condition(ctx.scope, sub, t, joiner)]
    q = ctx.query
    for key, values in q.filters:
        if key in sub.dims:
            where.append(sub.dims[key](t, joiner).in_(values))
    check_by(subject, q.by, kpi_id or subject)
    view = View(joiner.frm, where, None, t, subject=sub, joiner=joiner)
    if subject == "deals" and needs_lines(q):
        _to_line_grain(view, joiner, q)
    view.frm = joiner.frm
    if q.by in TIME_DIMENSIONS:
        col = t.c[time_col]
        date_expr = col if isinstance(col.type, sa.Date) and not isinstance(col.type, sa.DateTime) \
            else ctx.local_date(col)
        view.group = Bucket(q.by, date_expr)
    elif q.by in ("product", "category") and q.by in sub.dims:       # the product rollup
        view.group = sa.func.coalesce(sub.dims[q.by](t, joiner), _UNASSIGNED_SQL)
        view.frm = joiner.frm
    elif q.by and q.by not in ("product", "category"):
        view.group = sub.dims[q.by](t, joiner)
        view.frm = joiner.frm
    return view


def _scope_condition(scope, sub, t, joiner):
    if scope.is_all:
        return sa.true()
    if "rep" not in sub.dims or not scope.rep_ids:
        return sa.false()
    return sub.dims["rep"](t, joiner).in_(sorted(scope.rep_ids))


def needs_lines(q) -> bool:
    """Whether deals are counted at the grain of their lines (a product question)."""
    return q.by in ("product", "category") or any(k in ("product", "category") for k, _ in q.filters)


def _to_line_grain(view: View, joiner: Joiner, q) -> None:
    line = joiner.join("line", s.opportunity_lines,
                       lambda ln: ln.c.opportunity_id == view.t.c.opportunity_id, outer=True)
    product = joiner.join("prod", s.products, lambda p: p.c.product_id == line.c.product_id, outer=True)
    for key, values in q.filters:
        if key == "product":
            view.where.append(product.c.product_id.in_(values))
        elif key == "category":
            view.where.append(product.c.category.in_(values))
    if q.by == "product":
        view.group = sa.func.coalesce(product.c.product_id, _UNASSIGNED_SQL)
    elif q.by == "category":
        view.group = sa.func.coalesce(product.c.category, _UNASSIGNED_SQL)
    view.line_grain, view.line, view.product = True, line, product
