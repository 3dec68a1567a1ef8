"""dwcqa.bdq.parsing: emptiness, numbers, ISO 8601 dates and intervals, days of year."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from dwcqa.bdq import parsing
from dwcqa.bdq.parsing import (
    DAY,
    HOUR,
    MINUTE,
    MONTH,
    YEAR,
    DateColumn,
    decimals,
    empty,
    format_decimal,
    integers,
    map_distinct,
    map_distinct_rows,
    month_number,
    parse_iso_date,
    resolve_date_parameter,
)


def test_empty_is_bdqval_empty_including_nul_and_control_characters():
    values = pd.Series(["", " ", "\x00", "\x0e\x0f", "\t\r\n", None, "a", " a ", "\u00a0", "null"], dtype=object)
    assert empty(values).tolist() == [True, True, True, True, True, True, False, False, False, False]


def test_empty_on_arrow_strings_and_surrogate_escaped_text():
    arrow = pd.Series([" ", "x", None])
    assert empty(arrow).tolist() == [True, False, True]
    odd = pd.Series(["\udcff", " "], dtype=object)  # a byte that was not UTF-8, kept by surrogateescape
    assert empty(odd).tolist() == [False, True]


@pytest.mark.parametrize(
    "value, expected",
    [("0", 0.0), ("-189.5674", -189.5674), (" 12 ", 12.0), (".5", 0.5), ("1e3", 1000.0), ("+3", 3.0)],
)
def test_decimals_read_plain_numbers(value, expected):
    assert decimals(pd.Series([value]))[0] == expected


@pytest.mark.parametrize("value", ["", "x", "41.0554 N", "1,5", "NaN", "Infinity", "0x10", "null", "\x00", "1 000"])
def test_decimals_refuse_what_is_not_a_plain_number(value):
    assert np.isnan(decimals(pd.Series([value]))[0])


def test_integers():
    assert integers(pd.Series(["07", "-2", "1.0", "x", "", " 3"])).tolist()[:2] == [7.0, -2.0]
    assert np.isnan(integers(pd.Series(["1.0", "x", ""]))).all()


def test_format_decimal_keeps_digits_without_exponent():
    from decimal import Decimal

    assert format_decimal(Decimal("10") * Decimal("0.3048")) == "3.048"
    assert format_decimal(Decimal("1E+2")) == "100"
    assert format_decimal(Decimal("-0.0")) == "0"


@pytest.mark.parametrize(
    "value, first, last, precision",
    [
        ("1963", date(1963, 1, 1), date(1963, 12, 31), YEAR),
        ("1963-03", date(1963, 3, 1), date(1963, 3, 31), MONTH),
        ("1963-03-08", date(1963, 3, 8), date(1963, 3, 8), DAY),
        ("19630308", date(1963, 3, 8), date(1963, 3, 8), DAY),
        ("1963-067", date(1963, 3, 8), date(1963, 3, 8), DAY),
        ("1963-03-08T14", date(1963, 3, 8), date(1963, 3, 8), HOUR),
        ("1963-03-08T14:07-0600", date(1963, 3, 8), date(1963, 3, 8), MINUTE),
        ("1880-05-08/10", date(1880, 5, 8), date(1880, 5, 10), DAY),
        ("2000-02-09/03-10", date(2000, 2, 9), date(2000, 3, 10), DAY),
        ("1981-01/1981-12", date(1981, 1, 1), date(1981, 12, 31), MONTH),
        ("1949-01-15T12:34/1949-01-20T17:00", date(1949, 1, 15), date(1949, 1, 20), MINUTE),
        ("1949-01-15T12:34/17:00", date(1949, 1, 15), date(1949, 1, 15), MINUTE),
        ("2004-W53-6", date(2005, 1, 1), date(2005, 1, 1), DAY),
    ],
)
def test_valid_iso_dates(value, first, last, precision):
    parsed = parse_iso_date(value)
    assert parsed is not None, value
    assert (parsed.first_day, parsed.last_day, parsed.precision) == (first, last, precision)


@pytest.mark.parametrize(
    "value",
    ["", "0", "63", "95", "null", "x", " 1963", "1963-03-08T4", "1963-03-08T14:0", "1963-03-08T14:67-0600",
     "1963-03-08X14:07", "2021_06_03T24:00", "2021-06-03T24:00", "1963-02-29", "1963-13", "1963-03-08 14:07",
     "1981-12/1981-01", "1980/", "/1980", "1980/1981/1982", "P1D", "0000"],
)
def test_invalid_iso_dates(value):
    assert parse_iso_date(value) is None


def test_interval_extent_and_duration():
    assert parse_iso_date("1880-05-08").duration_seconds == 86400
    assert parse_iso_date("2007").duration_seconds == 365 * 86400
    assert parse_iso_date("1980").duration_seconds == 366 * 86400
    assert parse_iso_date("1880-05-08/10").duration_seconds == 3 * 86400
    point = parse_iso_date("1963-03-08T14:07Z")
    assert point.duration_seconds == 60 and point.single_day and point.start_day_of_year == 67
    utc = parse_iso_date("1963-03-08T14:07-0600")
    assert utc.start == datetime(1963, 3, 8, 20, 7)  # offsets are applied


def test_single_year_month_day_flags():
    assert parse_iso_date("1981-01/1981-12").single_year
    assert not parse_iso_date("1981-01/1981-12").single_month
    assert parse_iso_date("1981-01").single_month and not parse_iso_date("1981-01").single_day
    assert not parse_iso_date("1980/1981").single_year


@pytest.mark.parametrize(
    "value, month",
    [("1", 1), ("10", 10), ("IV", 4), ("x", 10), ("xii", 12), ("January", 1), ("janv.", 1), ("Okt", 10), ("juni", 6), ("sept", 9)],
)
def test_month_number(value, month):
    assert month_number(value) == month


@pytest.mark.parametrize("value", ["0", "13", "Ma", "v1", "", "?"])
def test_month_number_refuses_ambiguous_or_invalid(value):
    assert month_number(value) is None


def test_date_parameters():
    now = datetime(2024, 6, 15, 10, 0)
    assert resolve_date_parameter("{current year}", now=now, end=True) == datetime(2025, 1, 1)
    assert resolve_date_parameter("{current day}", now=now, end=True) == datetime(2024, 6, 16)
    assert resolve_date_parameter("1582-11-15", now=now) == datetime(1582, 11, 15)
    assert resolve_date_parameter("not a date", now=now) is None


def test_distinct_values_are_parsed_once(monkeypatch):
    calls = []
    original = parsing.parse_iso_date

    def counting(value):
        calls.append(value)
        return original(value)

    monkeypatch.setattr(parsing, "parse_iso_date", counting)
    column = DateColumn(pd.Series(["1963", "1963", "x", "1963", "x", "2001-05-02"] * 1000))
    assert sorted(calls) == ["1963", "2001-05-02", "x"]
    assert column.valid.sum() == 4000
    assert column.day_field("first", "year")[:2].tolist() == [1963.0, 1963.0] and np.isnan(column.day_field("first", "year")[2])


def test_map_distinct_and_rows_call_once_per_distinct_value():
    seen = []
    out = map_distinct(pd.Series(["a", "b", "a", None]), lambda v: seen.append(v) or v.upper())
    assert out.tolist() == ["A", "B", "A", ""] and sorted(seen) == ["", "a", "b"]
    pairs = []
    rows = map_distinct_rows([pd.Series(["1", "1", "2", "1"]), pd.Series(["x", "x", "x", "y"])], lambda a, b: pairs.append((a, b)) or a + b)
    assert rows.tolist() == ["1x", "1x", "2x", "1y"] and len(pairs) == 3
    first, second = map_distinct(pd.Series(["a", "b"]), lambda v: (v, v * 2), parts=2)
    assert first.tolist() == ["a", "b"] and second.tolist() == ["aa", "bb"]
