"""The parsers' Arrow fast path reads every value exactly as the general path does.

Each case parses values twice: as shipped, and with the fast path switched off
(every value then takes the general pandas path, which defines what is accepted).
Values, and which entries count as bad, must agree; a few are also checked by hand.
Values are parsed one by one as well as in one column: a single value Arrow refuses
sends its whole column the general way, which would hide the fast path's reading.
"""
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from etl import parse
from etl.parse import ParseOptions

NUMBERS = ["0", "-0", "12", "12.50", "-3.25", "007", "1e5", "+5", ".5", "5.", "1 000", "12k",
           "nan", "inf", "-", "", "123456789012345678901234567890", "0.1234567890123456789",
           "2500.5", "١٢"]
TIMESTAMPS = ["2025-03-04T10:15:00Z", "2025-03-04 10:15:00Z", "2025-03-04T10:15:00+01:00",
              "2025-03-04T10:15:00-0530", "2025-03-04T10:15:00.123456Z", "2025-03-04T10:15:00.5+02:00",
              "2025-02-30T10:00:00Z", "2025-03-04T24:00:00Z", "2025-03-04T10:60:00Z",
              "1899-12-31T23:59:59Z", "2101-01-01T00:00:00Z", "2100-12-31T23:59:59Z",
              "2025-03-04T10:15Z", "2025-03-04", "2025-03-04T10:15:00", "yesterday",
              "2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z", "2025-03-04T10:15:00z",
              "2025-03-04T10:15:00.1234567Z", "2025-03-04T10:15:00+01", "03/04/2025 10:15", ""]
DATES = ["2025-03-04", "2025-02-30", "2025-13-01", "1899-12-31", "2101-01-01", "2025-03-04T10:00:00Z",
         "2024-02-29", "2023-02-29", "04/03/2025", "2025-3-4", "", "20250304"]
OPTIONS = [ParseOptions(), ParseOptions(timezone="Europe/Warsaw"),
           ParseOptions(date_order="DMY", timezone="America/New_York"), ParseOptions(date_order="MDY")]


def both_ways(parser, values, opts, monkeypatch):
    text = pd.Series(values, index=pd.RangeIndex(2, len(values) + 2), dtype="str")
    fast = parser(text, opts)
    with monkeypatch.context() as m:
        m.setattr(parse, "_arrow_parse", lambda *args: None)
        general = parser(text, opts)
    return fast, general


def assert_same(fast, general):
    (values, bad), (want, want_bad) = fast, general
    assert values.dtype == want.dtype
    assert bad.tolist() == want_bad.tolist()
    assert values.isna().tolist() == want.isna().tolist()
    pd.testing.assert_series_equal(values[values.notna()], want[want.notna()])


def assert_read_alike(parser, values, opts, monkeypatch):
    for value in values:
        assert_same(*both_ways(parser, [value], opts, monkeypatch))
    assert_same(*both_ways(parser, values, opts, monkeypatch))


@pytest.mark.parametrize("opts", OPTIONS + [ParseOptions(decimal=",", thousands=" ")], ids=str)
def test_decimals_read_alike(opts, monkeypatch):
    assert_read_alike(parse.parse_decimal, NUMBERS, opts, monkeypatch)


@pytest.mark.parametrize("opts", OPTIONS, ids=str)
def test_timestamps_read_alike(opts, monkeypatch):
    assert_read_alike(parse.parse_timestamp, TIMESTAMPS, opts, monkeypatch)


@pytest.mark.parametrize("opts", OPTIONS, ids=str)
def test_dates_read_alike(opts, monkeypatch):
    assert_read_alike(parse.parse_date, DATES, opts, monkeypatch)


def test_plain_values_take_the_fast_path_and_mean_what_they_say(monkeypatch):
    calls = []
    real = parse._arrow_parse
    monkeypatch.setattr(parse, "_arrow_parse", lambda *args: calls.append(args[1]) or real(*args))
    values, bad = parse.parse_timestamp(pd.Series(["2025-03-04T10:15:00+01:00", "2025-03-04T10:15:00Z"]),
                                        ParseOptions(timezone="Europe/Warsaw"))
    # An offset is honoured whatever the organisation's zone: 10:15 at +01:00 is 09:15 UTC.
    assert values.tolist() == [datetime(2025, 3, 4, 9, 15), datetime(2025, 3, 4, 10, 15)]
    assert not bad.any()
    amounts, bad = parse.parse_decimal(pd.Series(["2500.5", "-3", ""]), ParseOptions())
    assert amounts.iloc[:2].tolist() == [2500.5, -3.0] and np.isnan(amounts.iloc[2]) and not bad.any()
    assert calls == [parse._ZONED_ISO, parse._PLAIN_NUMBER]


def test_one_value_arrow_refuses_sends_the_column_the_general_way(monkeypatch):
    # 30 February has the plain shape but is no date: the column still parses, that row is bad.
    text = ["2025-02-28T10:00:00Z"] * 3 + ["2025-02-30T10:00:00Z"]
    (values, bad), general = both_ways(parse.parse_timestamp, text, ParseOptions(), monkeypatch)
    assert bad.tolist() == [False, False, False, True]
    assert values.iloc[0] == datetime(2025, 2, 28, 10)
    assert_same((values, bad), general)
