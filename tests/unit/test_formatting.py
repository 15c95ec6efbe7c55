"""Numbers, money, durations and dates in the five locales, against strings worked out by hand.

Reading aid: NB is a no-break space (U+00A0), NNB a narrow no-break space (U+202F),
LRM the left-to-right mark (U+200E) CLDR puts before Persian signs and currency symbols,
RLM the right-to-left mark (U+200F). Persian uses Extended Arabic-Indic digits
(۰۱۲۳۴۵۶۷۸۹) with "٬" grouping and "٫" decimals, "٪" for percent.
"""
from __future__ import annotations

import math
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from app.formatting import (EMPTY, comparison_delta, format_compact, format_date, format_datetime,
                            format_delta, format_value)

NB, NNB, LRM, RLM, MINUS = "\u00a0", "\u202f", "\u200e", "\u200f", "\u2212"


@pytest.mark.parametrize("locale, usd, local_currency, local", [
    # 1,234.50: grouping by thousands, two decimals (the currency's digits)
    ("en", "$1,234.50", "USD", "$1,234.50"),
    ("pl", f"1{NB}234,50{NB}USD", "PLN", f"1{NB}234,50{NB}zł"),
    ("ru", f"1{NB}234,50{NB}$", "RUB", f"1{NB}234,50{NB}₽"),
    # the rial has no minor unit: 1234.5 rounds half up to 1235
    ("fa", f"{LRM}${NB}۱٬۲۳۴٫۵۰", "IRR", f"{LRM}ریال{NB}۱٬۲۳۵"),
    ("zh", "US$1,234.50", "CNY", "¥1,234.50"),
])
def test_money(locale, usd, local_currency, local):
    assert format_value(1234.5, "money", locale) == usd
    assert format_value(1234.5, "money", locale, currency=local_currency) == local
    assert format_value(Decimal("1234.50"), "money", locale) == usd


@pytest.mark.parametrize("locale, expected", [
    ("en", "-$1,234.50"), ("pl", f"-1{NB}234,50{NB}USD"), ("fa", f"{LRM}{MINUS}{LRM}${NB}۱٬۲۳۴٫۵۰"),
])
def test_negative_money_uses_the_locales_minus_sign(locale, expected):
    assert format_value(-1234.5, "money", locale) == expected


@pytest.mark.parametrize("locale, count, percent, small_percent", [
    ("en", "1,234,567", "12.3%", "6.3%"),
    ("pl", f"1{NB}234{NB}567", "12,3%", "6,3%"),
    ("ru", f"1{NB}234{NB}567", f"12,3{NB}%", f"6,3{NB}%"),
    ("fa", "۱٬۲۳۴٬۵۶۷", "۱۲٫۳٪", "۶٫۳٪"),
    ("zh", "1,234,567", "12.3%", "6.3%"),
])
def test_counts_and_percentages(locale, count, percent, small_percent):
    assert format_value(1234567, "count", locale) == count
    assert format_value(1234566.6, "count", locale) == count       # counts are whole numbers
    assert format_value(0.1234, "percent", locale) == percent       # percent KPIs hold fractions
    assert format_value(0.0625, "percent", locale) == small_percent  # 6.25 rounds half up


@pytest.mark.parametrize("locale, days, hours, minutes", [
    ("en", "12.3 days", "3.5 hr", "42.0 min"),
    ("pl", "12,3 dnia", "3,5 godz.", "42,0 min"),
    ("ru", "12,3 дн.", "3,5 ч", "42,0 мин"),
    ("fa", "۱۲٫۳ روز", "۳٫۵ ساعت", "۴۲٫۰ دقیقه"),
    ("zh", "12.3天", "3.5小时", "42.0分钟"),
])
def test_durations_have_one_decimal_and_the_locales_unit(locale, days, hours, minutes):
    assert format_value(12.25, "days", locale) == days
    assert format_value(3.5, "hours", locale) == hours
    assert format_value(42, "minutes", locale) == minutes


@pytest.mark.parametrize("locale, pi, big", [
    ("en", "3.14", "1,234.5"), ("pl", "3,14", f"1{NB}234,5"),
    ("fa", "۳٫۱۴", "۱٬۲۳۴٫۵"), ("zh", "3.14", "1,234.5"),
])
def test_plain_numbers_have_up_to_two_decimals(locale, pi, big):
    assert format_value(3.14159, "number", locale) == pi
    assert format_value(1234.5, "number", locale) == big
    assert format_value(4, "number", "en") == "4"


@pytest.mark.parametrize("locale, expected", [
    ("en", "$1,234.50 per day"),
    ("pl", f"1{NB}234,50{NB}USD na dobę"),
    ("ru", f"1{NB}234,50{NB}$ в день"),
    ("fa", f"{LRM}${NB}۱٬۲۳۴٫۵۰ در روز"),
    ("zh", "US$1,234.50/天"),       # CLDR has no long "per day" form for Chinese: the short one
])
def test_money_per_day(locale, expected):
    assert format_value(1234.5, "money_per_day", locale) == expected


@pytest.mark.parametrize("value", [None, float("nan"), math.inf, -math.inf])
@pytest.mark.parametrize("unit", ["money", "count", "percent", "days", "number", "money_per_day"])
def test_a_missing_value_is_a_dash(value, unit):
    assert format_value(value, unit, "pl") == EMPTY == "—"
    assert format_compact(value, unit, "zh") == EMPTY
    assert format_delta(value, unit, "fa") == EMPTY


def test_an_unknown_locale_falls_back_to_english():
    assert format_value(1234.5, "money", "xx") == "$1,234.50"
    assert format_value(1234.5, "money", "pl-PL", "PLN") == f"1{NB}234,50{NB}zł"


# ---- compact forms for tiles ----------------------------------------------------------------------

@pytest.mark.parametrize("locale, currency, money, count", [
    ("en", "USD", "$1.2M", "12.3K"),
    ("pl", "PLN", f"1,2{NB}mln{NB}zł", f"12,3{NB}tys."),
    ("ru", "RUB", f"1,2{NB}млн{NB}₽", f"12,3{NB}тыс."),
    ("fa", "USD", f"۱٫۲{NB}میلیون{NB}$", f"۱۲٫۳{NB}هزار"),
    # Chinese counts in 万 (ten thousand): 1,234,567 = 123.4567万
    ("zh", "CNY", "¥123.5万", "1.2万"),
])
def test_compact(locale, currency, money, count):
    assert format_compact(1234567, "money", locale, currency) == money
    assert format_compact(12345, "count", locale) == count


def test_compact_rounds_before_choosing_the_abbreviation():
    # 999,950 is 999.95K, which rounds to 1000K: shown as 1M
    assert format_compact(999950, "count", "en") == "1M"
    assert format_compact(999949, "count", "en") == "999.9K"
    assert format_compact(999950, "money", "pl", "PLN") == f"1{NB}mln{NB}zł"
    assert format_compact(-2500000, "money", "en", "EUR") == "-€2.5M"


def test_compact_leaves_small_values_and_other_units_in_full():
    assert format_compact(999, "count", "en") == "999"
    assert format_compact(532.4, "money", "en") == "$532.40"
    assert format_compact(5000, "count", "zh") == "5,000"      # Chinese abbreviates from 1万
    assert format_compact(0.5, "percent", "en") == "50.0%"
    assert format_compact(12.25, "days", "pl") == "12,3 dnia"
    assert format_compact(45678, "money_per_day", "en") == "$45.7K per day"


# ---- comparison deltas ----------------------------------------------------------------------------

@pytest.mark.parametrize("locale, relative, points", [
    ("en", "+12.3%", f"{MINUS}4.1 pp"),
    ("pl", "+12,3%", f"{MINUS}4,1 p.p."),
    ("ru", f"+12,3{NB}%", f"{MINUS}4,1 п. п."),
    ("fa", f"{LRM}+۱۲٫۳٪", f"{LRM}{MINUS}۴٫۱ واحد درصد"),
    ("zh", "+12.3%", f"{MINUS}4.1个百分点"),
])
def test_deltas(locale, relative, points):
    assert format_delta(0.123, "money", locale) == relative        # revenue up 12.3 %
    assert format_delta(-0.041, "percent", locale) == points      # win rate down 4.1 percentage points


def test_a_delta_that_rounds_to_zero_has_no_sign():
    assert format_delta(0.0004, "count", "en") == "0.0%"
    assert format_delta(-0.0004, "percent", "en") == "0.0 pp"


def test_comparison_delta_is_relative_except_for_percent_kpis():
    assert comparison_delta(120, 100, "money") == pytest.approx(0.2)
    assert comparison_delta(-50, -100, "money") == pytest.approx(0.5)    # a smaller loss is up
    assert comparison_delta(0.5, 0.4, "percent") == pytest.approx(0.1)   # 10 percentage points
    assert comparison_delta(50, 0, "money") is None
    assert comparison_delta(None, 1, "count") is None and comparison_delta(1, None, "count") is None


# ---- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("locale, expected", [
    ("en", "Jan 5, 2025"),
    ("pl", "5 sty 2025"),
    ("ru", f"5 янв. 2025{NNB}г."),        # CLDR binds "г." with a narrow no-break space
    ("fa", "۵ ژانویه ۲۰۲۵"),       # Gregorian calendar, Persian month name and digits
    ("zh", "2025年1月5日"),
])
def test_dates(locale, expected):
    assert format_date(date(2025, 1, 5), locale) == expected
    assert format_date(datetime(2025, 1, 5, 23, 0), locale) == expected
    assert format_date(None, locale) == EMPTY


@pytest.mark.parametrize("locale, expected", [
    # 13:07 UTC is 14:07 in Warsaw (CET, UTC+1)
    ("en", f"Jan 5, 2025, 2:07{NNB}PM"),
    ("pl", "5 sty 2025, 14:07"),
    ("ru", f"5 янв. 2025{NNB}г., 14:07"),
    ("fa", f"۵ ژانویه ۲۰۲۵،{RLM} ۱۴:۰۷"),
    ("zh", "2025年1月5日 14:07"),
])
def test_datetimes_in_the_organisations_time_zone(locale, expected):
    naive_utc = datetime(2025, 1, 5, 13, 7)          # as the database stores it
    assert format_datetime(naive_utc, locale, "Europe/Warsaw") == expected
    assert format_datetime(naive_utc.replace(tzinfo=timezone.utc), locale, "Europe/Warsaw") == expected


def test_a_datetime_can_move_to_the_next_day():
    # 23:07 UTC on 5 July is 02:37 on 6 July in Tehran (UTC+3:30)
    assert format_datetime(datetime(2025, 7, 5, 23, 7), "fa", "Asia/Tehran") == f"۶ ژوئیه ۲۰۲۵،{RLM} ۲:۳۷"
    assert format_datetime(datetime(2025, 7, 5, 23, 7), "en", "UTC") == f"Jul 5, 2025, 11:07{NNB}PM"
    assert format_datetime(None, "en") == EMPTY


@pytest.mark.parametrize("locale, month, separators", [
    ("en", "Jan 2026", ".,"), ("pl", "sty 2026", ",\xa0"), ("ru", "янв. 2026\u202fг.", ",\xa0"),
    ("fa", "ژانویه ۲۰۲۶", "٫٬"), ("zh", "2026年1月", ".,")])
def test_months_and_separators_for_charts(locale, month, separators):
    from app.formatting import format_month, number_separators
    assert format_month("2026-01", locale) == month
    assert format_month(date(2026, 1, 31), locale) == month
    assert number_separators(locale) == separators


def test_a_month_label_that_is_not_a_month_stays_as_it_is():
    from app.formatting import format_month
    assert format_month("W05", "en") == "W05" and format_month(None, "en") == EMPTY


@pytest.mark.parametrize("locale, ticks", [
    ("en", ["0", "$500", "$2.5K", "$250K", "$1.5M"]),
    ("fa", ["۰", "\u200e$\xa0۵۰۰", "۲٫۵\xa0هزار\xa0$", "۲۵۰\xa0هزار\xa0$", "۱٫۵\xa0میلیون\xa0$"]),
    ("zh", ["0", "US$500", "US$2,500", "US$25万", "US$150万"])])     # Chinese abbreviates from 10,000
def test_axis_money_ticks_are_short_and_without_cents(locale, ticks):
    from app.formatting import format_axis_money
    assert [format_axis_money(v, locale) for v in (0, 500, 2500, 250_000, 1_500_000)] == ticks
