"""Time checks (dwcqa/checks/time.py) and the ISO 8601 parser they share (dwcqa/parse/dates.py).

The sample archive's planted date problems must be found on exactly their rows; small tables
written to a temporary folder test one rule each.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dwcqa.archive import read
from dwcqa.checks.registry import all_checks, get
from dwcqa.checks.runner import run
from dwcqa.parse.dates import civil_from_days, days_from_civil, parse_dates, parse_one

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
TODAY = {"today": "2025-01-01"}
MODULE = "dwcqa.checks.time"


def table(tmp_path: Path, columns: dict[str, list[str]]):
    """A one-table archive (tab-separated, header of Darwin Core names) read by dwcqa."""
    path = tmp_path / "occurrence.txt"
    pd.DataFrame({_header(k): v for k, v in columns.items()}).to_csv(path, sep="\t", index=False)
    return read(path)


def _header(name: str) -> str:
    # prefixed headers: some bare names (sex, typeStatus, ...) resolve to dwciri: in dwcqa.terms
    return name if ":" in name else ("dcterms:" if name in ("modified", "references", "type") else "dwc:") + name


def masks(archive, *ids, options=TODAY):
    results = run(archive, [get(i) for i in ids], options=options)
    assert not results.failures, results.failures
    return results.masks


@pytest.fixture(scope="module")
def sample():
    archive = read(SAMPLE)
    checks = [c for c in all_checks() if c.function.__module__ == MODULE]
    results = run(archive, checks, options=TODAY)
    assert not results.failures
    return results, pd.read_csv(SAMPLE / "planted.csv")


def rows(mask) -> set[int]:
    return set(np.flatnonzero(mask).tolist())


def planted(key, problem) -> set[int]:
    return set(key.loc[key.problem == problem, "row"])


def test_planted_date_problems_are_found_on_exactly_their_rows(sample):
    results, key = sample
    # "unknown" in eventDate is a verbatim null: no date (MISSING) rather than an unreadable one
    assert rows(results.masks["RECORDED_DATE_INVALID"] | results.masks["RECORDED_DATE_MISSING"]) == planted(key, "date_unparseable")
    assert rows(results.masks["RECORDED_DATE_INVALID"]) == planted(key, "date_unparseable") - rows(results.masks["RECORDED_DATE_MISSING"])
    assert rows(results.masks["RECORDED_DATE_UNLIKELY"]) == planted(key, "date_future")
    assert rows(results.masks["RECORDED_DATE_MISMATCH"]) == planted(key, "date_ymd_mismatch")
    assert rows(results.masks["IDENTIFIED_DATE_BEFORE_RECORDED_DATE"]) == planted(key, "date_identified_before_event")


def test_nothing_on_clean_rows(sample):
    results, key = sample
    clean = set(range(results.records)) - set(key.row)
    for check_id, mask in results.masks.items():
        assert not rows(mask) & clean, check_id
    # valid edge cases of the sample: partial dates, same-month intervals, year-only dateIdentified
    for check_id in ("IDENTIFIED_DATE_INVALID", "IDENTIFIED_DATE_UNLIKELY", "MODIFIED_DATE_INVALID", "MODIFIED_DATE_UNLIKELY"):
        assert not results.masks[check_id].any(), check_id
    assert "GEOREFERENCED_DATE_INVALID" not in results.masks  # the term is absent: does not apply


@pytest.mark.parametrize(
    "text, start, end, precision",
    [
        ("1887", "1887-01-01", "1887-12-31", 1),
        ("1887-06", "1887-06-01", "1887-06-30", 2),
        ("1887-06-12", "1887-06-12", "1887-06-12", 3),
        ("18870612", "1887-06-12", "1887-06-12", 3),
        ("1887-163", "1887-06-12", "1887-06-12", 3),
        ("2021-09-13T17:40:21Z", "2021-09-13", "2021-09-13", 3),
        ("2021-09-13T17:40:21.5+02:00", "2021-09-13", "2021-09-13", 3),
        ("2019-03/2019-04", "2019-03-01", "2019-04-30", 2),
        ("2019-03/04", "2019-03-01", "2019-04-30", 2),
        ("1998-06-01/15", "1998-06-01", "1998-06-15", 3),
        ("1998-06-01/07-15", "1998-06-01", "1998-07-15", 3),
        ("1998-07-03/1998-07-10", "1998-07-03", "1998-07-10", 3),
        ("2000-02-29", "2000-02-29", "2000-02-29", 3),
        ("1600-01-01", "1600-01-01", "1600-01-01", 3),
    ],
)
def test_valid_iso_dates(text, start, end, precision):
    valid, first, last, prec = parse_one(text)
    assert valid
    assert _iso(first) == start and _iso(last) == end and prec == precision


@pytest.mark.parametrize(
    "text",
    ["31/02/2019", "4/18/1850", "sometime in 1990", "1955-02-30", "1999-13-02", "0000-00-00", "ca. 1994", "spring 2003",
     "2019-03-05T25:00", "1998-06-15/1998-06-01", "2019/03", "1887-06T10", "1900-02-29", "2021-366", "1965-09-22-1965",
     "2013-07-04T8:19-0400", "2013-12-31 00:00:00.0"],
)
def test_invalid_dates(text):
    assert parse_one(text)[0] is False


def test_verbatim_nulls_are_no_date():
    assert parse_one("unknown") is None and parse_one("NULL") is None and parse_one("") is None


def test_days_round_trip():
    days = np.arange(-800_000, 100_000, 997)
    y, m, d = civil_from_days(days)
    assert np.array_equal(days_from_civil(y, m, d), days)


def test_parsing_maps_distinct_values_back_to_records():
    values = pd.Series(["2020-01-01", None, "bad", "2020-01-01", ""], dtype="string[pyarrow]")
    parsed = parse_dates(values, len(values))
    assert parsed.present.tolist() == [True, False, True, True, False]
    assert parsed.valid.tolist() == [True, False, False, True, False]
    assert parsed.start[0] == parsed.start[3] == days_from_civil(np.array([2020]), np.array([1]), np.array([1]))[0]


def _iso(days: int) -> str:
    y, m, d = civil_from_days(np.array([days]))
    return f"{int(y[0]):04d}-{int(m[0]):02d}-{int(d[0]):02d}"


def test_mismatch_rules(tmp_path):
    archive = table(
        tmp_path,
        {
            "occurrenceID": [str(i) for i in range(8)],
            "eventDate": ["2001-05-12", "2001-05-12", "1998-07-03/1998-07-10", "1887", "2001-05-12", "2019-03/2019-04", "1988-11-03", "2001-05-12"],
            "year": ["2001", "2001", "1998", "1887", "1978", "2019", "1988", ""],
            "month": ["5", "12", "7", "6", "5", "4", "11", ""],
            "day": ["12", "5", "", "", "12", "", "3", "13"],
            "startDayOfYear": ["", "", "", "", "", "", "307", ""],
        },
    )
    found = masks(archive, "RECORDED_DATE_MISMATCH")["RECORDED_DATE_MISMATCH"]
    # ok; day/month swapped; interval within July; year-only date with a month (no contradiction);
    # transposed year; month within the interval; day of year off by one (1988 is a leap year);
    # day without year or month
    assert found.tolist() == [False, True, False, False, True, False, True, True]


def test_invalid_year_month_day(tmp_path):
    archive = table(
        tmp_path,
        {"occurrenceID": ["a", "b", "c", "d", "e"], "eventDate": ["", "", "", "", ""], "year": ["2001", "2001", "20o1", "2001", "2000"],
         "month": ["13", "2", "1", "2", "2"], "day": ["1", "29", "1", "28", "29"]},
    )
    assert masks(archive, "RECORDED_DATE_INVALID")["RECORDED_DATE_INVALID"].tolist() == [True, True, True, False, False]


def test_unlikely_dates_and_options(tmp_path):
    archive = table(
        tmp_path,
        {"occurrenceID": list("abcde"), "eventDate": ["1599-12-31", "1600", "2024", "2025-01-02", ""], "year": ["", "", "", "", "1500"],
         "dateIdentified": ["1750", "1753-01-01", "2025-01-02", "2024", ""], "modified": ["1969-12-31", "1970-01-01", "2030-01-01", "", ""]},
    )
    found = masks(archive, "RECORDED_DATE_UNLIKELY", "IDENTIFIED_DATE_UNLIKELY", "MODIFIED_DATE_UNLIKELY")
    assert found["RECORDED_DATE_UNLIKELY"].tolist() == [True, False, False, True, True]
    assert found["IDENTIFIED_DATE_UNLIKELY"].tolist() == [True, False, False, False, False]  # 2025-01-02 is within today + 1 day
    assert found["MODIFIED_DATE_UNLIKELY"].tolist() == [True, False, True, False, False]
    later = masks(archive, "RECORDED_DATE_UNLIKELY", options={"today": "2025-01-02", "earliest_event_date": "1500-01-01"})
    assert later["RECORDED_DATE_UNLIKELY"].tolist() == [False, False, False, False, False]


def test_identified_before_recorded_gives_partial_dates_the_benefit_of_the_doubt(tmp_path):
    archive = table(
        tmp_path,
        {"occurrenceID": list("abcd"), "eventDate": ["1891-04-08", "1891-04-08", "1998-07-03/1998-07-10", "2000-01-01"],
         "dateIdentified": ["1891", "1891-04-07", "1998-07-05", "1999-12"]},
    )
    assert masks(archive, "IDENTIFIED_DATE_BEFORE_RECORDED_DATE")["IDENTIFIED_DATE_BEFORE_RECORDED_DATE"].tolist() == [False, True, False, True]


def test_checks_do_not_apply_without_their_terms(tmp_path):
    archive = table(tmp_path, {"occurrenceID": ["a"], "scientificName": ["Aus bus"]})
    results = run(archive, [c for c in all_checks() if c.function.__module__ == MODULE], options=TODAY)
    assert results.masks == {} and not results.failures


def test_missing_date(tmp_path):
    archive = table(tmp_path, {"occurrenceID": list("abcd"), "eventDate": ["", "NULL", "", "2001"], "year": ["", "", "1999", ""]})
    assert masks(archive, "RECORDED_DATE_MISSING")["RECORDED_DATE_MISSING"].tolist() == [True, True, False, False]
