"""dwcqa.bdq.verbatim: dates, coordinates, depths and elevations as people write them."""

from __future__ import annotations

import pytest

from dwcqa.bdq.verbatim import (
    AMBIGUOUS,
    NOTHING,
    interpret_coordinate,
    interpret_coordinates,
    interpret_date,
    interpret_length_range,
)


@pytest.mark.parametrize(
    "verbatim, iso",
    [
        ("1963-03-08", "1963-03-08"),
        ("Friday 29th Oct. 2021", "2021-10-29"),
        ("xi.1996", "1996-11"),
        ("1932.10.6", "1932-10-06"),
        ("1932年3月5日", "1932-03-05"),
        ("31 August 1932", "1932-08-31"),
        ("5. juni 1932", "1932-06-05"),
        ("9.ii-10.iii.2000", "2000-02-09/2000-03-10"),
        ("11-VII-1885", "1885-07-11"),
        ("1980s", "1980-01-01/1989-12-31"),
        ("2021-28-10", "2021-10-28"),
        ("2021/04/03", "2021-04-03"),
        ("Oct 29, 2021", "2021-10-29"),
        ("1-5 March 2001", "2001-03-01/2001-03-05"),
        ("March-April 2001", "2001-03/2001-04"),
        ("13/04/2020", "2020-04-13"),
        ("1500 to 1800", "1500/1800"),
    ],
)
def test_unambiguous_dates(verbatim, iso):
    found = interpret_date(verbatim)
    assert found.ok and found.value == iso


@pytest.mark.parametrize("verbatim", ["03/04/2020", "21-10-28", "10-28", "0377"])
def test_ambiguous_dates(verbatim):
    assert interpret_date(verbatim).state == AMBIGUOUS


@pytest.mark.parametrize("verbatim", ["2024-02-30", "30 February 2024", "1999-13-13", "spring 2001"])
def test_invalid_dates_are_not_ok(verbatim):
    assert not interpret_date(verbatim).ok


def test_text_without_digits_holds_no_date():
    assert interpret_date("X").state == NOTHING
    assert interpret_date("").state == NOTHING


@pytest.mark.parametrize(
    "verbatim, pair",
    [
        ("23 degrees 42.72 minutes south 140 degrees 30 minutes east", ("-23.712", "140.5")),
        ("23°42'43.2\"S 140°30'E", ("-23.712", "140.5")),
        ("139.92, -23.712", ("-23.712", "139.92")),
        ("-23.712, 139.92", ("-23.712", "139.92")),
        ("N 10 W 20", ("10", "-20")),
    ],
)
def test_coordinate_pairs(verbatim, pair):
    found = interpret_coordinates(verbatim)
    assert found.ok and found.value == pair


@pytest.mark.parametrize(
    "verbatim",
    ["x", "139.92", "139 degrees 55.38 minutes east", "23 degrees south 185 degrees, x degrees east", "54K 0390210 7377243", "95, 200"],
)
def test_coordinate_pairs_refused(verbatim):
    assert not interpret_coordinates(verbatim).ok


def test_single_coordinates_respect_their_axis():
    assert interpret_coordinate("-23.712", "lat").value == "-23.712"
    assert interpret_coordinate("23 42 43.2 S", "lat").value == "-23.712"
    assert not interpret_coordinate("23 S", "lon").ok
    assert not interpret_coordinate("95", "lat").ok


@pytest.mark.parametrize(
    "verbatim, low, high",
    [
        ("10 feet", "3.048", "3.048"),
        ("25.8-34.9m", "25.8", "34.9"),
        ("10-15 ftm", "18.288", "27.432"),
        ("1500 to 1800 ft", "457.2", "548.64"),
        ("100 m", "100", "100"),
        ("Minimum Elevation 100m", "100", "100"),
        ("200 - 300 m", "200", "300"),
        ("10 yards", "9.144", "9.144"),
        ("1.5 km", "1500", "1500"),
    ],
)
def test_lengths(verbatim, low, high):
    found = interpret_length_range(verbatim, allow_negative=False)
    assert found.ok and found.value == (low, high)


@pytest.mark.parametrize("verbatim", ["x", "null", "two thousand", "100", "300-200 m", "-5 m"])
def test_lengths_refused(verbatim):
    assert not interpret_length_range(verbatim, allow_negative=False).ok


def test_elevations_may_be_negative():
    assert interpret_length_range("-10 m", allow_negative=True).value == ("-10", "-10")
