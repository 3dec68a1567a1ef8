"""Time checks: when the organism was recorded, identified, georeferenced, and the record changed.

Ids are GBIF's occurrence flags (RECORDED_DATE_INVALID, RECORDED_DATE_UNLIKELY,
RECORDED_DATE_MISMATCH, IDENTIFIED_DATE_*, MODIFIED_DATE_*, GEOREFERENCED_DATE_*), computed
offline from the verbatim values. Two are ours: RECORDED_DATE_MISSING (no date at all; GBIF
lists eventDate among the terms an occurrence needs) and IDENTIFIED_DATE_BEFORE_RECORDED_DATE
(GBIF has no flag for an identification dated before the collecting event; TDWG BDQ's
VALIDATION_DATEIDENTIFIED_INRANGE tests it).

Dates must be ISO 8601 (see :mod:`dwcqa.parse.dates`); partial dates (``1887``, ``1887-06``)
and intervals (``1998-07-03/1998-07-10``, ``1998-06-01/15``) are valid. Comparisons use the
days a value covers and give it the benefit of the doubt: a year-only identification date is
"before" an event only if the whole year is; a date is "in the future" only if its first day
is, "too old" only if its last day is. Verbatim nulls (``unknown``, ``NULL``) count as no date.

Options (``Context.options``): ``today`` (an ISO date, default the real today),
``earliest_event_date`` (default ``1600-01-01``, GBIF's limit), ``earliest_identified_date``
(default ``1753-01-01``, TDWG BDQ's), ``earliest_modified_date`` (default ``1970-01-01``, GBIF's).
"""

from __future__ import annotations

import numpy as np

from dwcqa.checks.registry import record_check
from dwcqa.parse import cached_dates, cached_numbers
from dwcqa.parse.dates import DAY, MONTH, civil_from_days, day_of_year, days_from_civil, days_in_month, is_leap, today_days
from dwcqa.terms import DCTERMS, DWC

EVENT_DATE = DWC + "eventDate"
YEAR, MONTH_, DAY_ = DWC + "year", DWC + "month", DWC + "day"
START_DOY, END_DOY = DWC + "startDayOfYear", DWC + "endDayOfYear"
VERBATIM_EVENT_DATE = DWC + "verbatimEventDate"
DATE_IDENTIFIED = DWC + "dateIdentified"
MODIFIED = DCTERMS + "modified"
GEOREFERENCED_DATE = DWC + "georeferencedDate"
EVENT_TERMS = (EVENT_DATE, YEAR, MONTH_, DAY_, START_DOY, END_DOY)


def _day(text: str) -> int:
    return today_days(text)


def _today(context) -> int:
    return context.cached(("time.today",), lambda: today_days(context.options.get("today")))


def _option_day(context, key: str, default: str) -> int:
    return _day(context.options.get(key, default))


def _any_mapped(context, terms) -> bool:
    return any(context.column(t) is not None for t in terms)


def _whole(numbers) -> np.ndarray:
    """The whole number per record, -1 where there is none."""
    return numbers.per_record(lambda v: np.where(v["numeric"], v["value"], -1).astype(np.int64))


def _ymd(context):
    """Parsed year, month, day, startDayOfYear, endDayOfYear and which are invalid (cached)."""

    def compute():
        year = cached_numbers(context, YEAR, integer=True)
        month = cached_numbers(context, MONTH_, integer=True)
        day = cached_numbers(context, DAY_, integer=True)
        sdoy = cached_numbers(context, START_DOY, integer=True)
        edoy = cached_numbers(context, END_DOY, integer=True)
        # Worked out per distinct value, then expanded once per array (not once per use).
        y, m, d = (_whole(n) for n in (year, month, day))
        invalid = year.per_record(lambda v: (v["present"] & ~v["numeric"]) | (v["numeric"] & (v["value"] < 1)))
        invalid |= month.per_record(lambda v: (v["present"] & ~v["numeric"]) | (v["numeric"] & ((v["value"] < 1) | (v["value"] > 12))))
        invalid |= day.non_numeric | sdoy.non_numeric | edoy.non_numeric
        month_ok = (m >= 1) & (m <= 12)  # m is -1 where not numeric
        rows = np.flatnonzero(day.numeric)  # month lengths only where there is a day
        if len(rows):
            has_month, year_known = month_ok[rows], y[rows] > 0
            longest = np.where(has_month, days_in_month(np.where(year_known, y[rows], 2000), np.where(has_month, m[rows], 1)), 31)
            invalid[rows] |= (d[rows] < 1) | (d[rows] > longest)
        for doy in (sdoy, edoy):
            rows = np.flatnonzero(doy.numeric)
            if len(rows):
                year_known = y[rows] > 0
                limit = np.where(year_known, 365 + is_leap(np.maximum(y[rows], 1)), 366)
                value = doy.value[rows]
                invalid[rows] |= (value < 1) | (value > limit)
        return {"year": year, "month": month, "day": day, "sdoy": sdoy, "edoy": edoy, "y": y, "m": m, "d": d, "invalid": invalid}

    return context.cached(("time.ymd",), compute)


@record_check(
    id="RECORDED_DATE_MISSING",
    title="No collecting date",
    explanation="""The record says nothing about when the organism was collected or observed: eventDate,
    year, month, day and verbatimEventDate are all empty. GBIF expects a date on every occurrence, and
    records without one drop out of any analysis over time. Fill in eventDate as an ISO 8601 date
    (1998-06-21), or at least the year.""",
    severity="warning",
    dimension="time",
    terms=(*EVENT_TERMS, VERBATIM_EVENT_DATE),
    bdq=("VALIDATION_EVENTTEMPORAL_NOTEMPTY", "41267642-60ff-4116-90eb-499fee2cd83f"),
)
def recorded_date_missing(context):
    terms = (*EVENT_TERMS, VERBATIM_EVENT_DATE)
    if not _any_mapped(context, terms):
        return None
    some = np.zeros(context.records, dtype=bool)
    for term in terms:
        some |= context.present(term)
    return ~some


@record_check(
    id="RECORDED_DATE_INVALID",
    title="Collecting date cannot be read",
    explanation="""eventDate is not a valid ISO 8601 date, or year, month, day, startDayOfYear or
    endDayOfYear hold an impossible value. Examples: 31/02/2019, "spring 2003", 1955-02-30, month 13.
    GBIF cannot interpret such a date, so the record loses its date in searches and downloads.
    Write eventDate as YYYY, YYYY-MM, YYYY-MM-DD or an interval such as 1998-06-01/1998-06-15,
    and put the original text in verbatimEventDate.""",
    severity="warning",
    dimension="time",
    terms=EVENT_TERMS,
    bdq=("VALIDATION_EVENTDATE_STANDARD", "4f2bf8fd-fc5c-493f-a44c-e7b16153c803"),
)
def recorded_date_invalid(context):
    if not _any_mapped(context, EVENT_TERMS):
        return None
    return cached_dates(context, EVENT_DATE).invalid | _ymd(context)["invalid"]


@record_check(
    id="RECORDED_DATE_UNLIKELY",
    title="Collecting date in the future or before 1600",
    explanation="""The collecting date lies in the future or before 1600, which almost always means
    a typing error (2054 for 2004) or a placeholder date. GBIF flags such records and many users
    exclude them. Check the date on the label or in the field notes and correct eventDate and year.""",
    severity="warning",
    dimension="time",
    terms=(EVENT_DATE, YEAR),
    bdq=("VALIDATION_EVENTDATE_INRANGE", "3cff4dc4-72e9-4abe-9bf3-8a30f1618432"),
)
def recorded_date_unlikely(context):
    if not _any_mapped(context, (EVENT_DATE, YEAR)):
        return None
    dates = cached_dates(context, EVENT_DATE)
    earliest = _option_day(context, "earliest_event_date", "1600-01-01")
    today = _today(context)
    unlikely = dates.valid & ((dates.end < earliest) | (dates.start > today))
    ymd = _ymd(context)
    year = ymd["year"]
    first_year = int(civil_from_days(np.array([earliest]))[0][0])
    this_year = int(civil_from_days(np.array([today]))[0][0])
    unlikely |= ~dates.valid & year.numeric & ((ymd["y"] < first_year) | (ymd["y"] > this_year))
    return unlikely


@record_check(
    id="RECORDED_DATE_MISMATCH",
    title="eventDate and year/month/day disagree",
    explanation="""The date in eventDate contradicts year, month, day, startDayOfYear or endDayOfYear,
    for example eventDate 2001-05-12 with month 12 and day 5. Users cannot tell which is right,
    and GBIF flags the record. Usually one was typed or swapped by mistake: check the label and
    correct the wrong field (or empty year/month/day and keep eventDate).""",
    severity="warning",
    dimension="time",
    terms=EVENT_TERMS,
    bdq=("VALIDATION_EVENT_CONSISTENT", "5618f083-d55a-4ac2-92b5-b9fb227b832f"),
)
def recorded_date_mismatch(context):
    if context.column(EVENT_DATE) is None or not _any_mapped(context, EVENT_TERMS[1:]):
        return None
    dates = cached_dates(context, EVENT_DATE)
    ymd = _ymd(context)
    ok = dates.valid & ~ymd["invalid"]
    y, m, d = ymd["y"], ymd["m"], ymd["d"]
    has_y, has_m, has_d = y > 0, m > 0, d > 0
    mismatch = np.zeros(context.records, dtype=bool)

    # Calendar arithmetic only on the records that need it (most have none of these terms).
    # With a year: the days year/month/day describe must overlap the days of eventDate.
    rows = np.flatnonzero(ok & has_y)
    if len(rows):
        yr, mo, dy = y[rows], m[rows], d[rows]
        m_first = np.where(mo > 0, mo, 1)
        m_last = np.where(mo > 0, mo, 12)
        with_day = (mo > 0) & (dy > 0)
        first = days_from_civil(yr, m_first, np.where(with_day, dy, 1))
        last = days_from_civil(yr, m_last, np.where(with_day, dy, days_in_month(yr, m_last)))
        mismatch[rows] |= (last < dates.start[rows]) | (first > dates.end[rows])

    # Without a year: month (and day) against an eventDate within one month.
    rows = np.flatnonzero(ok & ~has_y & (has_m | has_d))
    if len(rows):
        start, end = dates.start[rows], dates.end[rows]
        s_y, s_m, s_d = civil_from_days(start)
        e_y, e_m, _ = civil_from_days(end)
        one_month = (dates.precision[rows] >= MONTH) & (s_y == e_y) & (s_m == e_m)
        one_day = (dates.precision[rows] >= DAY) & (start == end)
        mismatch[rows] |= has_m[rows] & one_month & (m[rows] != s_m)
        mismatch[rows] |= has_d[rows] & one_day & (d[rows] != s_d)

    # Day of year against a day-precise start / end.
    for key, days, precise in (("sdoy", dates.start, dates.precision >= DAY), ("edoy", dates.end, dates.end_precision >= DAY)):
        doy = ymd[key]
        rows = np.flatnonzero(ok & doy.numeric & precise)
        if len(rows):
            mismatch[rows] |= doy.value[rows] != day_of_year(days[rows])
    return mismatch


def _date_checks(term: str, label: str, earliest_key: str, earliest_default: str):
    def invalid(context):
        if context.column(term) is None:
            return None
        return cached_dates(context, term).invalid

    def unlikely(context):
        if context.column(term) is None:
            return None
        dates = cached_dates(context, term)
        earliest = _option_day(context, earliest_key, earliest_default)
        return dates.valid & ((dates.end < earliest) | (dates.start > _today(context) + 1))

    return invalid, unlikely


_identified_invalid, _identified_unlikely = _date_checks(DATE_IDENTIFIED, "identified", "earliest_identified_date", "1753-01-01")
_modified_invalid, _modified_unlikely = _date_checks(MODIFIED, "modified", "earliest_modified_date", "1970-01-01")
_georeferenced_invalid, _georeferenced_unlikely = _date_checks(GEOREFERENCED_DATE, "georeferenced", "earliest_identified_date", "1753-01-01")

record_check(
    id="IDENTIFIED_DATE_INVALID",
    title="Identification date cannot be read",
    explanation="""dateIdentified is not a valid ISO 8601 date (for example 12/03/1998 or "before 1950").
    GBIF cannot interpret it, so users cannot tell how recent the identification is. Write it as
    YYYY, YYYY-MM or YYYY-MM-DD; keep other wording in identificationRemarks.""",
    severity="warning",
    dimension="time",
    terms=(DATE_IDENTIFIED,),
    bdq=("VALIDATION_DATEIDENTIFIED_STANDARD", "66269bdd-9271-4e76-b25c-7ab81eebe1d8"),
)(_identified_invalid)

record_check(
    id="IDENTIFIED_DATE_UNLIKELY",
    title="Identification date in the future or before 1753",
    explanation="""dateIdentified lies in the future or before 1753, the start of scientific names
    (Linnaeus). That is almost always a typing error. Check the determination label and correct
    dateIdentified.""",
    severity="warning",
    dimension="time",
    terms=(DATE_IDENTIFIED,),
)(_identified_unlikely)


@record_check(
    id="IDENTIFIED_DATE_BEFORE_RECORDED_DATE",
    title="Identified before it was collected",
    explanation="""dateIdentified is earlier than the collecting date (eventDate): the specimen cannot
    have been identified before it was collected. One of the two dates is wrong, often a swapped
    or mistyped year. Check both against the labels and correct the wrong one. (GBIF has no flag for
    this; TDWG's data quality tests do.)""",
    severity="warning",
    dimension="time",
    terms=(DATE_IDENTIFIED, EVENT_DATE),
    bdq=("VALIDATION_DATEIDENTIFIED_INRANGE", "dc8aae4b-134f-4d75-8a71-c4186239178e"),
)
def identified_before_recorded(context):
    if context.column(DATE_IDENTIFIED) is None or context.column(EVENT_DATE) is None:
        return None
    identified = cached_dates(context, DATE_IDENTIFIED)
    event = cached_dates(context, EVENT_DATE)
    return identified.valid & event.valid & (identified.end < event.start)


record_check(
    id="MODIFIED_DATE_INVALID",
    title="Last-modified date cannot be read",
    explanation="""The record's modified date (dcterms:modified) is not a valid ISO 8601 date or
    date-time. Harvesters use it to see which records changed since the last publication. Write it
    as YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, as your database or the IPT export does.""",
    severity="info",
    dimension="time",
    terms=(MODIFIED,),
)(_modified_invalid)

record_check(
    id="MODIFIED_DATE_UNLIKELY",
    title="Last-modified date in the future or before 1970",
    explanation="""dcterms:modified lies in the future or before 1970, before databases of specimen
    records existed (GBIF's limit). It is probably a default or mistyped value. Use the date the
    record last changed in your database.""",
    severity="info",
    dimension="time",
    terms=(MODIFIED,),
)(_modified_unlikely)

record_check(
    id="GEOREFERENCED_DATE_INVALID",
    title="Georeferencing date cannot be read",
    explanation="""georeferencedDate is not a valid ISO 8601 date. It tells users when the coordinates
    were determined, which matters for judging their quality. Write it as YYYY, YYYY-MM or
    YYYY-MM-DD.""",
    severity="info",
    dimension="time",
    terms=(GEOREFERENCED_DATE,),
)(_georeferenced_invalid)

record_check(
    id="GEOREFERENCED_DATE_UNLIKELY",
    title="Georeferencing date in the future or before 1753",
    explanation="""georeferencedDate lies in the future or before 1753, so it is almost certainly
    mistyped. Check the georeferencing notes and correct it.""",
    severity="info",
    dimension="time",
    terms=(GEOREFERENCED_DATE,),
)(_georeferenced_unlikely)
