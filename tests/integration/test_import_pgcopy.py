"""PostgreSQL's binary COPY stores exactly what the CSV COPY stores, value for value; a chunk
binary cannot carry exactly (a number with more decimals than its column keeps) goes as CSV."""
import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from etl import bulk, pgcopy

COLUMNS = [("text", sa.String(64)), ("stamp", sa.DateTime()), ("day", sa.Date()),
           ("money", sa.Numeric(18, 2, asdecimal=False)), ("price", sa.Numeric(18, 4, asdecimal=False)),
           ("share", sa.Numeric(9, 6, asdecimal=False)), ("count", sa.Integer()), ("flag", sa.Boolean())]
NAN = float("nan")
ROWS = pd.DataFrame({
    "text": pd.Series(["plain", 'comma, "quoted"', "line\nbreak", "back\\slash", None, "ünïcödé €",
                       "tab\tend", "x" * 64], dtype="str"),
    "stamp": pd.Series(pd.to_datetime(
        ["1900-01-01 00:00:00", "2100-12-31 23:59:59.999999", None, "2000-01-01", "1999-12-31 23:59:59.5",
         "2025-03-04 10:15:00.000001", "1970-01-01", "2024-02-29 12:00"], format="ISO8601"),
        dtype="datetime64[us]"),
    "day": pd.Series(pd.to_datetime(["1900-01-01", "2100-12-31", "2000-01-01", None, "1999-12-31",
                                     "2024-02-29", "1970-01-01", "2025-03-04"]), dtype="datetime64[us]"),
    "money": [0.0, -0.0, 2500.5, -1234567.89, 9999999999999.99, NAN, 0.01, 13200.0],
    "price": [0.0001, 123.4567, -0.5, NAN, 99999999999.9999, 1.0, 0.0, 7.25],
    "share": [0.000001, 1.0, 0.5, NAN, 0.123456, 0.0, 0.35, 999.999999],
    "count": pd.array([0, -1, 2147483647, -2147483648, None, 42, 7, 1], dtype="Int64"),
    "flag": pd.array([True, False, None, True, False, True, False, True], dtype="boolean"),
})


@pytest.fixture
def pg(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("binary COPY is PostgreSQL's")
    with engine.connect() as conn:
        yield conn


def copied(conn, name: str, frame: pd.DataFrame) -> list[tuple]:
    table = bulk.create_temp(conn, name, [sa.Column(c, t) for c, t in COLUMNS])
    bulk.copy_rows(conn, table, frame)
    return conn.execute(sa.select(table).order_by(*table.c)).all()


def test_binary_and_csv_store_the_same_values(pg, monkeypatch):
    assert pgcopy.rows(sa.Table("t", sa.MetaData(), *[sa.Column(c, t) for c, t in COLUMNS]),
                       [c for c, _ in COLUMNS], ROWS) is not None
    binary = copied(pg, "via_binary", ROWS)
    monkeypatch.setattr(pgcopy, "rows", lambda *args: None)
    csv = copied(pg, "via_csv", ROWS)
    assert binary == csv
    by_text = {row.text: row for row in binary}
    assert by_text["plain"].stamp == datetime(1900, 1, 1) and by_text["plain"].day == date(1900, 1, 1)
    assert by_text["plain"].count == 0 and by_text["plain"].flag is True
    assert by_text["plain"].share == 0.000001 and by_text["plain"].price == 0.0001
    assert by_text["back\\slash"].money == -1234567.89 and by_text["back\\slash"].count == -2147483648
    assert by_text["ünïcödé €"].stamp == datetime(2025, 3, 4, 10, 15, 0, 1)
    assert by_text["comma, \"quoted\""].stamp == datetime(2100, 12, 31, 23, 59, 59, 999999)
    assert by_text["line\nbreak"].money == 2500.5 and by_text["line\nbreak"].flag is None
    assert by_text["line\nbreak"].stamp is None and by_text["line\nbreak"].count == 2147483647
    assert by_text[None].stamp == datetime(1999, 12, 31, 23, 59, 59, 500000)
    assert by_text[None].money == 9999999999999.99 and by_text[None].count is None
    assert math.isclose(by_text["x" * 64].share, 999.999999) and by_text["x" * 64].price == 7.25


def test_a_value_binary_would_store_differently_goes_as_csv(pg):
    table = sa.Table("t", sa.MetaData(), *[sa.Column(c, t) for c, t in COLUMNS])
    names = [c for c, _ in COLUMNS]
    # Three decimals in a two-decimal column: the server rounds the text, so the text is sent.
    assert pgcopy.rows(table, names, ROWS.assign(money=[0.125] + [1.0] * 7)) is None
    assert pgcopy.rows(table, names, ROWS.assign(money=[1e13] + [1.0] * 7)) is None
    assert pgcopy.rows(table, names, ROWS.assign(stamp=ROWS["stamp"].astype("datetime64[ns]"))) is None
    assert pgcopy.rows(table, names, ROWS.assign(day=ROWS["stamp"])) is None   # a time of day
    rows = copied(pg, "rounded", ROWS.assign(money=[0.125, 0.135] + [np.nan] * 6))
    assert sorted(r.money for r in rows if r.money is not None) == [0.13, 0.14]
