"""JSON API /api/v1: the same KPI layer and the same scope as every page.

Authenticated by the login session or `Authorization: Bearer <token>`; the
scope comes from the authenticated user, never from parameters.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from flask_login import current_user

import app.kpi.definitions  # noqa: F401  (fills the registry)
from app.auth.policy import scope_for
from app.auth.session import engine
from app.data.audit import record_event
from app.kpi import export
from app.kpi.cache import evaluate_cached
from app.kpi.query import KpiQuery, QueryError, parse_date, parse_filter_items
from app.kpi.registry import KPIS

bp = Blueprint("api", __name__, url_prefix="/api/v1")
FORMATS = ("json", "csv", "xlsx")


@bp.errorhandler(QueryError)
def bad_query(exc):
    return jsonify(error=str(exc)), 400


@bp.get("/kpis")
def kpis():
    args = request.args
    fmt = args.get("format", "json")
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; use json, csv or xlsx")
    ids = [i for i in args.get("ids", "").split(",") if i.strip()]
    query = KpiQuery.build(parse_date(args.get("from"), "from"), parse_date(args.get("to"), "to"),
                           parse_filter_items(args.getlist("filter"), ":", "key:value"),
                           args.get("by") or None, args.get("compare") or None)
    with engine().connect() as conn:
        result = evaluate_cached(conn, current_app.extensions["kpi_cache"], ids, query,
                                 scope_for(conn, current_user.row))
    if fmt == "json":
        return jsonify(result)
    return _download(result, fmt, ids)


@bp.get("/kpis/catalogue")
def catalogue():
    return jsonify(kpis=[{"id": k.id, "label": k.label, "description": k.description, "unit": k.unit,
                          "better": k.better, "kind": k.kind} for k in KPIS.values()])


def _download(result: dict, fmt: str, ids: list[str]) -> Response:
    rows = sum(len(t[2]) for t in export.tables(result))
    with engine().begin() as conn:
        record_event(conn, "export", actor=current_user.username, role=current_user.role,
                     ip=request.remote_addr, format=fmt, kpis=ids, rows=rows)
    name = f"kpis-{result['from']}-{result['to']}.{fmt}"
    if fmt == "csv":
        body, mime = export.to_csv(result), "text/csv"   # Flask adds charset=utf-8
    else:
        body, mime = export.to_xlsx(result), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})
