"""BDQ tests of the TIME dimension (dwc:eventDate and its atomic parts, dwc:dateIdentified)."""

from __future__ import annotations

import re

import numpy as np

from dwcqa.bdq.common import notempty_validation
from dwcqa.bdq.model import (
    AMENDED,
    COMPLIANT,
    FILLED_IN,
    INTERNAL_PREREQUISITES_NOT_MET,
    NOT_AMENDED,
    NOT_COMPLIANT,
    NOT_REPORTED,
    RUN_HAS_RESULT,
    amendment_json,
    small_integers_text,
)
from dwcqa.bdq.parsing import (
    DAY,
    DateColumn,
    date_from_day_of_year,
    days_in_month,
    empty,
    format_date,
    integers,
    is_empty_text,
    map_distinct,
    map_distinct_rows,
    present,
    month_number,
    parse_integer,
    resolve_date_parameter,
    seconds,
)
from dwcqa.bdq.registry import bdq_test
from dwcqa.bdq.verbatim import NOTHING, interpret_date

notempty_validation("VALIDATION_EVENTDATE_NOTEMPTY", "f51e15a6-a67d-4729-9c28-3766299d2985", "dwc:eventDate")
notempty_validation("VALIDATION_YEAR_NOTEMPTY", "c09ecbf9-34e3-4f3e-b74a-8796af15e59f", "dwc:year")

TEMPORAL_TERMS = ("dwc:eventDate", "dwc:year", "dwc:month", "dwc:day", "dwc:startDayOfYear", "dwc:endDayOfYear", "dwc:verbatimEventDate")


def _leap(years: np.ndarray) -> np.ndarray:
    y = np.nan_to_num(years, nan=1).astype(int)
    return ~np.isnan(years) & (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))


_as_text = small_integers_text


@bdq_test("VALIDATION_EVENTTEMPORAL_NOTEMPTY", "41267642-60ff-4116-90eb-499fee2cd83f")
def validation_eventtemporal_notempty(record, params, context, out):
    some = np.zeros(record.n, dtype=bool)
    for term in TEMPORAL_TERMS:
        some |= ~record.empty(term)
    out.decide(some, RUN_HAS_RESULT, COMPLIANT, "at least one temporal term is bdqval:NotEmpty")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "all temporal terms are bdqval:Empty")


def _date_standard(label: str, guid: str, term: str) -> None:
    @bdq_test(label, guid)
    def test(record, params, context, out):
        values = record[term]
        out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{term} is bdqval:Empty")
        valid = DateColumn(values).valid
        out.decide(valid, RUN_HAS_RESULT, COMPLIANT, f"{term} is a valid ISO 8601-1 date")
        out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, f"{term} is not a valid ISO 8601-1 date")

    test.__name__ = label.lower()


_date_standard("VALIDATION_EVENTDATE_STANDARD", "4f2bf8fd-fc5c-493f-a44c-e7b16153c803", "dwc:eventDate")
_date_standard("VALIDATION_DATEIDENTIFIED_STANDARD", "66269bdd-9271-4e76-b25c-7ab81eebe1d8", "dwc:dateIdentified")


def _bounds(params, context, earliest_name: str, latest_name: str) -> tuple[float | None, float | None]:
    earliest = resolve_date_parameter(params[earliest_name], now=context.now)
    latest = resolve_date_parameter(params[latest_name], now=context.now, end=True)
    return (None if earliest is None else seconds(earliest)), (None if latest is None else seconds(latest))


@bdq_test("VALIDATION_EVENTDATE_INRANGE", "3cff4dc4-72e9-4abe-9bf3-8a30f1618432")
def validation_eventdate_inrange(record, params, context, out):
    values = record["dwc:eventDate"]
    dates = DateColumn(values)
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:eventDate is bdqval:Empty")
    out.decide(~dates.valid, INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:eventDate is not a valid ISO 8601-1 date")
    earliest, latest = _bounds(params, context, "bdqval:earliestValidDate", "bdqval:latestValidDate")
    if earliest is None or latest is None:
        out.rest(INTERNAL_PREREQUISITES_NOT_MET, comment="bdqval:earliestValidDate or bdqval:latestValidDate is not a date")
        return
    inside = (dates.attribute("start_seconds") >= earliest) & (dates.attribute("end_seconds") <= latest)
    span = f"{params['bdqval:earliestValidDate']} to {params['bdqval:latestValidDate']}"
    out.decide(inside, RUN_HAS_RESULT, COMPLIANT, f"dwc:eventDate is within {span}")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, f"dwc:eventDate is not entirely within {span}")


@bdq_test("VALIDATION_DATEIDENTIFIED_INRANGE", "dc8aae4b-134f-4d75-8a71-c4186239178e")
def validation_dateidentified_inrange(record, params, context, out):
    identified = record["dwc:dateIdentified"]
    event = record["dwc:eventDate"]
    idates, edates = DateColumn(identified), DateColumn(event)
    include = params["bdqval:includeEventDate"].strip().lower() not in ("false", "no", "0")
    out.decide(empty(identified), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:dateIdentified is bdqval:Empty")
    out.decide(~idates.valid, INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:dateIdentified is not a valid ISO 8601-1 date")
    if include:
        out.decide(~empty(event) & ~edates.valid, INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:eventDate is not a valid ISO 8601-1 date")
    earliest, latest = _bounds(params, context, "bdqval:earliestValidDate", "bdqval:latestValidDate")
    if earliest is None or latest is None:
        out.rest(INTERNAL_PREREQUISITES_NOT_MET, comment="bdqval:earliestValidDate or bdqval:latestValidDate is not a date")
        return
    inside = (idates.attribute("start_seconds") >= earliest) & (idates.attribute("end_seconds") <= latest)
    out.decide(~inside, RUN_HAS_RESULT, NOT_COMPLIANT, "dwc:dateIdentified is outside the valid range")
    if include:
        before = edates.valid & (idates.attribute("end_seconds") <= edates.attribute("start_seconds"))
        out.decide(before, RUN_HAS_RESULT, NOT_COMPLIANT, "dwc:dateIdentified is before dwc:eventDate")
    out.rest(RUN_HAS_RESULT, COMPLIANT, "dwc:dateIdentified is in range")


@bdq_test("VALIDATION_YEAR_INRANGE", "ad0c8855-de69-4843-a80c-a5387d20fbc8")
def validation_year_inrange(record, params, context, out):
    values = record["dwc:year"]
    years = integers(values)
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:year is bdqval:Empty")
    out.decide(np.isnan(years), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:year is not interpretable as an integer")
    earliest = resolve_date_parameter(params["bdqval:earliestValidDate"], now=context.now)
    latest = resolve_date_parameter(params["bdqval:latestValidDate"], now=context.now)
    if earliest is None or latest is None:
        out.rest(INTERNAL_PREREQUISITES_NOT_MET, comment="bdqval:earliestValidDate or bdqval:latestValidDate is not a year")
        return
    inside = (years >= earliest.year) & (years <= latest.year)
    out.decide(inside, RUN_HAS_RESULT, COMPLIANT, f"dwc:year is within {earliest.year}-{latest.year}")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, f"dwc:year is outside {earliest.year}-{latest.year}")


@bdq_test("VALIDATION_MONTH_STANDARD", "01c6dafa-0886-4b7e-9881-2c3018c98bdc")
def validation_month_standard(record, params, context, out):
    values = record["dwc:month"]
    months = integers(values)
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:month is bdqval:Empty")
    out.decide((months >= 1) & (months <= 12), RUN_HAS_RESULT, COMPLIANT, "dwc:month is an integer 1-12")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "dwc:month is not an integer 1-12")


@bdq_test("VALIDATION_DAY_STANDARD", "47ff73ba-0028-4f79-9ce1-ee7008d66498")
def validation_day_standard(record, params, context, out):
    values = record["dwc:day"]
    days = integers(values)
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:day is bdqval:Empty")
    out.decide((days >= 1) & (days <= 31), RUN_HAS_RESULT, COMPLIANT, "dwc:day is an integer 1-31")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "dwc:day is not an integer 1-31")


@bdq_test("VALIDATION_DAY_INRANGE", "8d787cb5-73e2-4c39-9cd1-67c7361dc02e")
def validation_day_inrange(record, params, context, out):
    day = integers(record["dwc:day"])
    month = integers(record["dwc:month"])
    year = integers(record["dwc:year"])
    month_ok = (month >= 1) & (month <= 12)
    year_ok = (year >= 1) & (year <= 9999)
    out.decide(record.empty("dwc:day"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:day is bdqval:Empty")
    out.decide(np.isnan(day), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:day is not interpretable as an integer")
    out.decide((day >= 29) & (day <= 31) & ~month_ok, INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:day is 29-31 and dwc:month is not interpretable as 1-12")
    out.decide((month == 2) & (day == 29) & ~year_ok, INTERNAL_PREREQUISITES_NOT_MET, comment="29 February and dwc:year is not interpretable")
    compliant = (
        ((day >= 1) & (day <= 28))
        | ((day >= 29) & (day <= 30) & np.isin(month, (4, 6, 9, 11)))
        | ((day >= 29) & (day <= 31) & np.isin(month, (1, 3, 5, 7, 8, 10, 12)))
        | ((day == 29) & (month == 2) & _leap(year))
    )
    out.decide(compliant, RUN_HAS_RESULT, COMPLIANT, "dwc:day is a day of the month given")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "dwc:day is not a day of the month given")


def _day_of_year_inrange(label: str, guid: str, term: str, which: str) -> None:
    @bdq_test(label, guid)
    def test(record, params, context, out):
        values = record[term]
        number = integers(values)
        dates = DateColumn(record["dwc:eventDate"])
        year = dates.day_field(which, "year")
        out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{term} is bdqval:Empty")
        out.decide((number == 366) & np.isnan(year), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{term} is 366 and no year can be read from dwc:eventDate")
        compliant = ((number >= 1) & (number <= 365)) | ((number == 366) & _leap(year))
        out.decide(compliant, RUN_HAS_RESULT, COMPLIANT, f"{term} is a day of the year")
        out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, f"{term} is not a day of the year")

    test.__name__ = label.lower()


_day_of_year_inrange("VALIDATION_STARTDAYOFYEAR_INRANGE", "85803c7e-2a5a-42e1-b8d3-299a44cafc46", "dwc:startDayOfYear", "first")
_day_of_year_inrange("VALIDATION_ENDDAYOFYEAR_INRANGE", "9a39d88c-7eee-46df-b32a-c109f9f81fb8", "dwc:endDayOfYear", "last")


@bdq_test("VALIDATION_EVENT_CONSISTENT", "5618f083-d55a-4ac2-92b5-b9fb227b832f")
def validation_event_consistent(record, params, context, out):
    event = record["dwc:eventDate"]
    parts = {t: record[t] for t in ("dwc:year", "dwc:month", "dwc:day", "dwc:startDayOfYear", "dwc:endDayOfYear")}
    present = {t: ~empty(v) for t, v in parts.items()}
    out.decide(empty(event), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:eventDate is bdqval:Empty")
    out.decide(~np.any(list(present.values()), axis=0), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:year, dwc:month, dwc:day, dwc:startDayOfYear and dwc:endDayOfYear are bdqval:Empty")
    dates = DateColumn(event)
    valid = dates.valid
    single_year = valid & dates.attribute("single_year", False, bool)
    single_month = valid & dates.attribute("single_month", False, bool)
    single_day = valid & dates.attribute("single_day", False, bool)
    begin_day = valid & (dates.point_field("begin", "precision", -1, int) >= DAY)
    finish_day = valid & (dates.point_field("finish", "precision", -1, int) >= DAY)
    checks = {
        "dwc:year": single_year & (integers(parts["dwc:year"]) == dates.day_field("first", "year")),
        "dwc:month": single_month & (integers(parts["dwc:month"]) == dates.day_field("first", "month")),
        "dwc:day": single_day & (integers(parts["dwc:day"]) == dates.day_field("first", "day")),
        "dwc:startDayOfYear": begin_day & (integers(parts["dwc:startDayOfYear"]) == dates.attribute("start_day_of_year")),
        "dwc:endDayOfYear": finish_day & (integers(parts["dwc:endDayOfYear"]) == dates.attribute("end_day_of_year")),
    }
    consistent = np.ones(record.n, dtype=bool)
    for term, ok in checks.items():
        bad = present[term] & ~ok
        consistent &= ~bad
    for term, ok in checks.items():
        out.decide(present[term] & ~ok, RUN_HAS_RESULT, NOT_COMPLIANT, f"{term} is not consistent with dwc:eventDate")
    out.rest(RUN_HAS_RESULT, COMPLIANT, "the atomic date terms are consistent with dwc:eventDate")


@bdq_test("MEASURE_EVENTDATE_DURATIONINSECONDS", "56b6c695-adf1-418e-95d2-da04cad7be53")
def measure_eventdate_durationinseconds(record, params, context, out):
    values = record["dwc:eventDate"]
    dates = DateColumn(values)
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, NOT_REPORTED, "dwc:eventDate is bdqval:Empty")
    out.decide(~dates.valid, INTERNAL_PREREQUISITES_NOT_MET, NOT_REPORTED, "dwc:eventDate is not a valid ISO 8601-1 date")
    duration = small_integers_text(dates.attribute("duration_seconds", np.nan, float))
    out.rest(RUN_HAS_RESULT, duration, "duration of dwc:eventDate in seconds (days of 86400 s, leap days counted)")


# --- amendments -------------------------------------------------------------------------------


def _standardized(label: str, guid: str, term: str) -> None:
    @bdq_test(label, guid)
    def test(record, params, context, out):
        values = record[term]
        out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{term} is bdqval:Empty")
        out.decide(DateColumn(values).valid, NOT_AMENDED, comment=f"{term} is a valid ISO 8601-1 date already")
        proposed = map_distinct(values, _standardize_date)
        changed = present(proposed)
        out.decide(changed, AMENDED, amendment_json(record.n, [(term, proposed)]), f"{term} interpreted as an unambiguous ISO 8601-1 date")
        out.rest(NOT_AMENDED, comment=f"{term} cannot be unambiguously interpreted as an ISO 8601-1 date")

    test.__name__ = label.lower()


def _standardize_date(value: str) -> str | None:
    found = interpret_date(value)
    return found.value if found.ok and found.value != value else None


_standardized("AMENDMENT_EVENTDATE_STANDARDIZED", "718dfc3c-cb52-4fca-b8e2-0e722f375da7", "dwc:eventDate")
_standardized("AMENDMENT_DATEIDENTIFIED_STANDARDIZED", "39bb2280-1215-447b-9221-fd13bc990641", "dwc:dateIdentified")


@bdq_test("AMENDMENT_EVENTDATE_FROM_VERBATIM", "6d0a0c10-5e4a-4759-b448-88932f399812",
          notes="A dwc:verbatimEventDate with nothing date-like in it (no digit) gives INTERNAL_PREREQUISITES_NOT_MET, "
                "as in the conformance data; one that holds a date which is ambiguous or invalid gives NOT_AMENDED.")
def amendment_eventdate_from_verbatim(record, params, context, out):
    verbatim = record["dwc:verbatimEventDate"]
    out.decide(~record.empty("dwc:eventDate"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:eventDate is bdqval:NotEmpty")
    out.decide(empty(verbatim), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:verbatimEventDate is bdqval:Empty")

    def interpret(value: str):
        found = interpret_date(value)
        return found.state == NOTHING, (found.value if found.ok else None)

    nothing, proposed = map_distinct(verbatim, interpret, parts=2)
    out.decide(nothing.astype(bool), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:verbatimEventDate holds nothing interpretable as a date")
    ok = present(proposed)
    out.decide(ok, FILLED_IN, amendment_json(record.n, [("dwc:eventDate", proposed)]), "dwc:eventDate interpreted from dwc:verbatimEventDate (Gregorian calendar assumed)")
    out.rest(NOT_AMENDED, comment="dwc:verbatimEventDate cannot be unambiguously interpreted as a date")


def _ymd(year: str, month: str, day: str) -> str | None:
    y = parse_integer(year)
    if y is None or not 1 <= y <= 9999:
        return None
    if is_empty_text(month):
        return f"{y:04d}"
    m = month_number(month)
    if m is None:
        return f"{y:04d}"  # month not interpretable: the year alone (the Test's notes)
    if is_empty_text(day):
        return f"{y:04d}-{m:02d}"
    d = parse_integer(day)
    if d is None or not 1 <= d <= days_in_month(y, m):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


@bdq_test("AMENDMENT_EVENTDATE_FROM_YEARMONTHDAY", "3892f432-ddd0-4a0a-b713-f2e2ecbd879d")
def amendment_eventdate_from_yearmonthday(record, params, context, out):
    year, month, day = record["dwc:year"], record["dwc:month"], record["dwc:day"]
    out.decide(~record.empty("dwc:eventDate"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:eventDate is bdqval:NotEmpty")
    out.decide(empty(year), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:year is bdqval:Empty")
    out.decide(np.isnan(integers(year)), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:year is not interpretable as an integer")
    proposed = map_distinct_rows([year, month, day], _ymd)
    ok = present(proposed)
    out.decide(ok, FILLED_IN, amendment_json(record.n, [("dwc:eventDate", proposed)]), "dwc:eventDate interpreted from dwc:year, dwc:month and dwc:day")
    out.rest(NOT_AMENDED, comment="dwc:year, dwc:month and dwc:day do not form a valid date")


@bdq_test("AMENDMENT_EVENTDATE_FROM_YEARSTARTDAYOFYEARENDDAYOFYEAR", "eb0a44fa-241c-4d64-98df-ad4aa837307b",
          notes="A dwc:year that is not an integer gives INTERNAL_PREREQUISITES_NOT_MET, as in the conformance data.")
def amendment_eventdate_from_yearstartdayofyearenddayofyear(record, params, context, out):
    year, start, end = record["dwc:year"], record["dwc:startDayOfYear"], record["dwc:endDayOfYear"]
    out.decide(~record.empty("dwc:eventDate"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:eventDate is bdqval:NotEmpty")
    out.decide(empty(year) | empty(start) | empty(end), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:year, dwc:startDayOfYear or dwc:endDayOfYear is bdqval:Empty")
    y, s, e = integers(year), integers(start), integers(end)
    out.decide(np.isnan(y), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:year is not interpretable as an integer")
    days = np.where(_leap(y), 366, 365)
    ok = ~np.isnan(s) & ~np.isnan(e) & (s >= 1) & (e <= days) & (s < e) & (y >= 1) & (y <= 9999)

    def interval(yy: str, ss: str, ee: str) -> str | None:
        year_, first_, last_ = parse_integer(yy), parse_integer(ss), parse_integer(ee)
        if year_ is None or first_ is None or last_ is None or not first_ < last_:
            return None
        first, last = date_from_day_of_year(year_, first_), date_from_day_of_year(year_, last_)
        return None if first is None or last is None else f"{format_date(first)}/{format_date(last)}"

    proposed = map_distinct_rows([year, start, end], interval)
    proposed[~ok] = None
    ok = present(proposed)
    out.decide(ok, FILLED_IN, amendment_json(record.n, [("dwc:eventDate", proposed)]), "dwc:eventDate interpreted from dwc:year, dwc:startDayOfYear and dwc:endDayOfYear")
    out.rest(NOT_AMENDED, comment="dwc:startDayOfYear and dwc:endDayOfYear are not valid days of dwc:year with start before end")


@bdq_test("AMENDMENT_EVENT_FROM_EVENTDATE", "710fe118-17e1-440f-b428-88ba3f547d6d")
def amendment_event_from_eventdate(record, params, context, out):
    event = record["dwc:eventDate"]
    dates = DateColumn(event)
    out.decide(empty(event), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:eventDate is bdqval:Empty")
    out.decide(~dates.valid, INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:eventDate is not a valid ISO 8601-1 date")
    valid = dates.valid
    fills = {
        "dwc:year": valid & dates.attribute("single_year", False, bool),
        "dwc:month": valid & dates.attribute("single_month", False, bool),
        "dwc:day": valid & dates.attribute("single_day", False, bool),
        "dwc:startDayOfYear": valid & (dates.point_field("begin", "precision", -1, int) >= DAY),
        "dwc:endDayOfYear": valid & (dates.point_field("finish", "precision", -1, int) >= DAY),
    }
    source = {
        "dwc:year": dates.day_field("first", "year"),
        "dwc:month": dates.day_field("first", "month"),
        "dwc:day": dates.day_field("first", "day"),
        "dwc:startDayOfYear": dates.attribute("start_day_of_year"),
        "dwc:endDayOfYear": dates.attribute("end_day_of_year"),
    }
    changes = []
    any_fill = np.zeros(record.n, dtype=bool)
    for term, possible in fills.items():
        fill = possible & record.empty(term)
        any_fill |= fill
        changes.append((term, np.where(fill, _as_text(source[term]), None)))
    out.decide(any_fill, FILLED_IN, amendment_json(record.n, changes), "empty atomic date terms filled in from dwc:eventDate")
    out.rest(NOT_AMENDED, comment="no empty atomic date term can be filled in from dwc:eventDate")


_DAY = re.compile(r"\s*0*(\d{1,2})\s*(?:st|nd|rd|th|\.|º|er)?\s*", re.I)


def _day_amend(value: str) -> str | None:
    match = _DAY.fullmatch(value)
    if not match:
        return None
    day = int(match.group(1))
    return str(day) if 1 <= day <= 31 and str(day) != value else None


@bdq_test("AMENDMENT_DAY_STANDARDIZED", "b129fa4d-b25b-43f7-9645-5ed4d44b357b")
def amendment_day_standardized(record, params, context, out):
    values = record["dwc:day"]
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:day is bdqval:Empty")
    proposed = map_distinct(values, _day_amend)
    ok = present(proposed)
    out.decide(ok, AMENDED, amendment_json(record.n, [("dwc:day", proposed)]), "dwc:day interpreted as an integer 1-31")
    out.rest(NOT_AMENDED, comment="dwc:day is standard already or cannot be unambiguously interpreted as an integer 1-31")


def _month_amend(value: str) -> str | None:
    month = month_number(value)
    return str(month) if month is not None and str(month) != value else None


@bdq_test("AMENDMENT_MONTH_STANDARDIZED", "2e371d57-1eb3-4fe3-8a61-dff43ced50cf")
def amendment_month_standardized(record, params, context, out):
    values = record["dwc:month"]
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:month is bdqval:Empty")
    proposed = map_distinct(values, _month_amend)
    ok = present(proposed)
    out.decide(ok, AMENDED, amendment_json(record.n, [("dwc:month", proposed)]), "dwc:month interpreted as a month 1-12 (digits, Roman numerals or a month name)")
    out.rest(NOT_AMENDED, comment="dwc:month is standard already or cannot be unambiguously interpreted as a month")
