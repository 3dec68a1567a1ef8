"""ISO 8601 dates, date-times and intervals, parsed per distinct value.

Accepted (what Darwin Core recommends for eventDate, dateIdentified, modified, ...):

- calendar dates at year, month or day precision: ``1887``, ``1887-06``, ``1887-06-12``,
  the basic form ``18870612``, ordinal dates ``1887-163``;
- a time after ``T``: ``2021-09-13T17:40``, ``2021-09-13T17:40:21.5Z``, ``...+02:00``;
- intervals ``start/end``, where ``end`` may leave out its leading parts as ISO 8601 allows:
  ``2019-03/2019-04``, ``2019-03/04``, ``1998-06-01/15``, ``1998-06-01/07-15``.

Everything else is not valid: other orders (``31/02/2019``, ``4/18/1850``), words
(``spring 2003``), impossible dates (``1955-02-30``, ``1999-13-02``, ``0000-00-00``), a time
without a day, an interval that ends before it starts.

A valid value becomes a closed range of days ``[start, end]`` (days since 1970-01-01): a
year covers all its days, a month its month, a day itself; an interval runs from the first day
of its start to the last day of its end. ``precision`` is that of the start (1 year, 2 month,
3 day).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dwcqa.parse import distinct_arrow, empty_or_null, expand, int_field, with_missing_slot

YEAR, MONTH, DAY = 1, 2, 3


def _date(p: str) -> str:
    return (
        rf"(?P<{p}y>\d{{4}})"
        rf"(?:-(?P<{p}m>\d{{2}})(?:-(?P<{p}d>\d{{2}}))?|(?P<{p}bm>\d{{2}})(?P<{p}bd>\d{{2}})|-(?P<{p}o>\d{{3}}))?"
        rf"(?:T(?P<{p}H>\d{{2}})(?::?(?P<{p}M>\d{{2}})(?::?(?P<{p}S>\d{{2}})(?:[.,]\d+)?)?)?"
        rf"(?P<{p}z>Z|[+-]\d{{2}}(?::?\d{{2}})?)?)?"
    )


PATTERN = rf"^\s*{_date('s')}(?:/(?:{_date('e')}|(?P<tm>\d{{2}})-(?P<td>\d{{2}})|(?P<t2>\d{{2}})))?\s*$"
_FIELDS = ("y", "m", "d", "bm", "bd", "o", "H", "M", "S")


@dataclass(frozen=True)
class Dates:
    """One entry per record."""

    present: np.ndarray  # bool: has a value (not empty, not a verbatim null)
    valid: np.ndarray  # bool: present and valid ISO 8601
    start: np.ndarray  # int32: first day (days since 1970-01-01); 0 where not valid
    end: np.ndarray  # int32: last day, inclusive
    precision: np.ndarray  # int8: precision of the start (YEAR, MONTH, DAY); 0 where not valid
    end_precision: np.ndarray  # int8: precision of the end

    @property
    def invalid(self) -> np.ndarray:
        return self.present & ~self.valid


def is_leap(year: np.ndarray) -> np.ndarray:
    return (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))


_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    safe = np.clip(month, 0, 12)
    return _DAYS_IN_MONTH[safe] + ((safe == 2) & is_leap(year))


def days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm), vectorised."""
    y = np.asarray(year, dtype=np.int64) - (np.asarray(month) <= 2)
    m = np.asarray(month, dtype=np.int64)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + np.asarray(day, dtype=np.int64) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of days since 1970-01-01, vectorised."""
    z = np.asarray(days, dtype=np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + np.where(mp < 10, 3, -9)
    return y + (m <= 2), m, d


def day_of_year(days: np.ndarray) -> np.ndarray:
    y, _, _ = civil_from_days(days)
    return np.asarray(days) - days_from_civil(y, np.ones_like(y), np.ones_like(y)) + 1


def today_days(today=None) -> int:
    import datetime as dt

    day = today or dt.date.today()
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return int(days_from_civil(np.array([day.year]), np.array([day.month]), np.array([day.day]))[0])


def _side(fields: dict[str, np.ndarray], p: str):
    """(valid, first day, last day, precision, has time) of one side of the expression."""
    y, m, d = fields[p + "y"], fields[p + "m"], fields[p + "d"]
    bm, bd, o = fields[p + "bm"], fields[p + "bd"], fields[p + "o"]
    hh, mi, ss = fields[p + "H"], fields[p + "M"], fields[p + "S"]
    month = np.where(bm >= 0, bm, m)
    day = np.where(bd >= 0, bd, d)
    precision = np.where(o >= 0, DAY, np.where(day >= 0, DAY, np.where(month >= 0, MONTH, YEAR))).astype(np.int8)
    valid = (y >= 0)
    valid &= (month < 0) | ((month >= 1) & (month <= 12))
    dim = days_in_month(y, np.where(month >= 1, month, 1))
    valid &= (day < 0) | ((day >= 1) & (day <= dim))
    valid &= (o < 0) | ((o >= 1) & (o <= 365 + is_leap(y)))
    has_time = hh >= 0
    valid &= ~has_time | (precision == DAY)
    valid &= (hh < 0) | (hh <= 24)
    valid &= (mi < 0) | (mi <= 59)
    valid &= (ss < 0) | (ss <= 60)
    m1 = np.where(month >= 1, month, 1)
    first = np.where(
        o >= 0,
        days_from_civil(y, np.ones_like(y), np.ones_like(y)) + np.maximum(o, 1) - 1,
        days_from_civil(y, m1, np.where(day >= 1, day, 1)),
    )
    m_last = np.where(month >= 1, month, 12)
    last = np.where(
        precision == DAY,
        first,
        days_from_civil(y, m_last, days_in_month(y, m_last)),
    )
    return valid, first, last, precision


def parse_unique(array: pa.Array) -> dict[str, np.ndarray]:
    """Parse distinct values; returns per-distinct arrays (no missing-value slot)."""
    n = len(array)
    absent = empty_or_null(array) if n else np.zeros(0, dtype=bool)
    if n == 0:
        zeros = np.zeros(0, dtype=np.int64)
        return {"present": absent, "valid": absent, "start": zeros, "end": zeros, "precision": zeros.astype(np.int8), "end_precision": zeros.astype(np.int8)}
    struct = pc.extract_regex(array, PATTERN)
    matched = np.asarray(pc.is_valid(struct).to_numpy(zero_copy_only=False), dtype=bool)
    fields = {}
    for prefix in ("s", "e"):
        for name in _FIELDS:
            fields[prefix + name] = int_field(pc.struct_field(struct, prefix + name))
    for name in ("tm", "td", "t2"):
        fields[name] = int_field(pc.struct_field(struct, name))

    s_valid, s_first, s_last, s_prec = _side(fields, "s")
    # The end: a full date, or a truncated one that inherits the start's leading parts.
    has_full_end = fields["ey"] >= 0
    truncated = (fields["tm"] >= 0) | (fields["t2"] >= 0)
    s_month = np.where(fields["sbm"] >= 0, fields["sbm"], fields["sm"])
    e_fields = dict(fields)
    # "07-15": month-day; "15" after a day-precise start: day; "04" after a month-precise start: month.
    t2_is_day = (fields["t2"] >= 0) & (s_prec == DAY) & (fields["so"] < 0)
    t2_is_month = (fields["t2"] >= 0) & (s_prec == MONTH)
    e_fields["ey"] = np.where(has_full_end, fields["ey"], np.where(truncated, fields["sy"], -1))
    e_fields["em"] = np.where(
        has_full_end, fields["em"], np.where(fields["tm"] >= 0, fields["tm"], np.where(t2_is_day, s_month, np.where(t2_is_month, fields["t2"], -1)))
    )
    e_fields["ed"] = np.where(has_full_end, fields["ed"], np.where(fields["td"] >= 0, fields["td"], np.where(t2_is_day, fields["t2"], -1)))
    for name in ("bm", "bd", "o", "H", "M", "S"):
        e_fields["e" + name] = np.where(has_full_end, fields["e" + name], -1)
    e_valid, e_first, e_last, e_prec = _side(e_fields, "e")
    bad_truncation = (fields["t2"] >= 0) & ~(t2_is_day | t2_is_month)
    bad_truncation |= (fields["tm"] >= 0) & ~((s_prec == DAY) & (fields["so"] < 0))
    interval = has_full_end | truncated

    valid = matched & ~absent & s_valid
    valid &= ~interval | (e_valid & ~bad_truncation & (e_first >= s_first))
    # Days of years 0000-9999 fit in 32 bits: half the memory per record.
    start = np.where(valid, s_first, 0).astype(np.int32)
    end = np.where(valid, np.where(interval, e_last, s_last), 0).astype(np.int32)
    precision = np.where(valid, s_prec, 0).astype(np.int8)
    end_precision = np.where(valid, np.where(interval, e_prec, s_prec), 0).astype(np.int8)
    return {"present": ~absent, "valid": valid, "start": start, "end": end, "precision": precision, "end_precision": end_precision}


def parse_dates(values: pd.Series | None, records: int) -> Dates:
    """Parse a column of verbatim dates (None = the term is absent: nothing present)."""
    if values is None:
        false = np.zeros(records, dtype=bool)
        zeros = np.zeros(records, dtype=np.int32)
        return Dates(false, false, zeros, zeros, zeros.astype(np.int8), zeros.astype(np.int8))
    codes, uniques = distinct_arrow(values)
    parsed = parse_unique(uniques)
    fills = {"present": False, "valid": False, "start": 0, "end": 0, "precision": 0, "end_precision": 0}
    per_record = {k: expand(codes, with_missing_slot(v, fills[k])) for k, v in parsed.items()}
    return Dates(**per_record)


def parse_one(text: str) -> tuple[bool, int, int, int] | None:
    """(valid, start, end, precision) of a single value; handy in tests and amendments."""
    parsed = parse_unique(pa.array([text], type=pa.string()))
    if not parsed["present"][0]:
        return None
    return bool(parsed["valid"][0]), int(parsed["start"][0]), int(parsed["end"][0]), int(parsed["precision"][0])
