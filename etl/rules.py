"""Row rules that span columns or need reference data; named in contract.TableSpec.extra_checks.

A reason that quotes values is a function of the failing rows' mask, so it is
built for those rows only (see validate._Problems.add).
"""
from __future__ import annotations

import pandas as pd
import pycountry

ALPHA3 = {c.alpha_3 for c in pycountry.countries}
SUBDIVISIONS = {s.code for s in pycountry.subdivisions}


def country_alpha3(typed: pd.DataFrame, problems) -> None:
    country = typed["country"]
    bad = country.notna() & ~country.isin(ALPHA3)
    problems.add(bad, "country", lambda mask: "country must be an ISO 3166-1 alpha-3 code such as "
                 "POL; got '" + country[mask].astype(str) + "'")


def subdivision_iso(typed: pd.DataFrame, problems) -> None:
    code = typed["subdivision"]
    bad = code.notna() & ~code.isin(SUBDIVISIONS)
    problems.add(bad, "subdivision", lambda mask: "subdivision must be an ISO 3166-2 code such as "
                 "PL-14; got '" + code[mask].astype(str) + "'")


def closed_needs_closed_at(typed: pd.DataFrame, problems) -> None:
    closed = typed["status"].isin(["won", "lost"])
    problems.add(closed & typed["closed_at"].isna(), "closed_at",
                 lambda mask: "closed_at is required for a " + typed["status"][mask].astype(str) + " deal")
    problems.add(typed["status"].eq("open") & typed["closed_at"].notna(), "closed_at",
                 "an open deal cannot have closed_at (is its status out of date?)")


def closed_after_created(typed: pd.DataFrame, problems) -> None:
    problems.add(typed["closed_at"] < typed["created_at"], "closed_at",
                 "closed_at is before created_at")


def response_after_creation(typed: pd.DataFrame, problems) -> None:
    problems.add(typed["first_response_at"] < typed["created_at"], "first_response_at",
                 "first_response_at is before created_at")


def first_of_month(typed: pd.DataFrame, problems) -> None:
    month = typed["month"]
    problems.add(month.notna() & (month.dt.day != 1), "month",
                 lambda mask: "month must be the first day of a month (e.g. 2025-03-01); got "
                 + month[mask].dt.strftime("%Y-%m-%d"))


CHECKS = {f.__name__: f for f in (country_alpha3, subdivision_iso, closed_needs_closed_at,
                                  closed_after_created, response_after_creation, first_of_month)}
