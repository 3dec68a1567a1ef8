"""Coordinates from text (dwcqa/geo/coordinates.py): decimal, DMS, hemisphere letters, and
the record-level choice between decimal and verbatim fields (GBIF's order)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dwcqa.geo import coordinates as C
from dwcqa.geo import parse_coordinates
from dwcqa.terms import DWC


@pytest.mark.parametrize(
    "text, axis, expected",
    [
        ("12.5", "lat", 12.5),
        ("-12.5", "lat", -12.5),
        ("+12.5", "lon", 12.5),
        ("12,5", "lat", 12.5),  # comma decimal: read, but not a plain decimal
        ("12°30'15\"S", "lat", -(12 + 30 / 60 + 15 / 3600)),
        ("12°30'15\" S", "lat", -(12 + 30 / 60 + 15 / 3600)),
        ("S12°30'15\"", "lat", -(12 + 30 / 60 + 15 / 3600)),
        ("43d 38m 19.39s N", "lat", 43 + 38 / 60 + 19.39 / 3600),
        ("43 38 19.39", "lat", 43 + 38 / 60 + 19.39 / 3600),
        ("12°30.5'N", "lat", 12 + 30.5 / 60),
        ("W 77° 02.5'", "lon", -(77 + 2.5 / 60)),
        ("433819N", "lat", 43 + 38 / 60 + 19 / 3600),  # packed DDMMSS
        ("0793819W", "lon", -(79 + 38 / 60 + 19 / 3600)),
        ("−12.5", "lat", -12.5),  # Unicode minus
        ("45.1E", "lat", None),  # a longitude letter on a latitude
        ("45.1N", "lon", None),
        ("12°61'", "lat", None),  # 61 minutes
        ("12.5.3", "lat", None),
        ("12 km N of Lima", "lat", None),
        ("1e5", "lat", None),
        ("abc", None, None),
    ],
)
def test_parse_one(text, axis, expected):
    value = C.parse_one(text, axis)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("02° 49' 52\" N\t131° 47' 03\" E", (2 + 49 / 60 + 52 / 3600, 131 + 47 / 60 + 3 / 3600)),
        ("12.5, -45.3", (12.5, -45.3)),
        ("12.5 -45.3", (12.5, -45.3)),
        ("N12 30 E45 10", (12.5, 45 + 10 / 60)),
        ("12 30 S, 45 10 W", (-12.5, -(45 + 10 / 60))),
        ("45.1E 12.5N", (12.5, 45.1)),  # longitude first, told apart by the letters
        ("-12.5;45", (-12.5, 45.0)),
        ("12.5", None),
        ("31T 501234 4987654", None),  # UTM: not geographic coordinates
    ],
)
def test_parse_pair(text, expected):
    pair = C.parse_pair(text)
    if expected is None:
        assert pair is None
    else:
        assert pair == pytest.approx(expected, abs=1e-9)


def test_parse_coordinates_is_vectorised_and_parses_each_distinct_string_once(monkeypatch):
    calls = []
    original = C.parse_one

    def counting(text, axis=None):
        calls.append(text)
        return original(text, axis)

    monkeypatch.setattr(C, "parse_one", counting)
    values = pd.Series(["12°30'S", "-1.5", "", "nonsense", "12°30'S", "7"] * 20_000, dtype="string[pyarrow]")
    out = parse_coordinates(values, "lat")
    assert out.shape == (120_000,)
    assert out[0] == pytest.approx(-12.5) and out[1] == -1.5 and out[5] == 7.0
    assert math.isnan(out[2]) and math.isnan(out[3])
    # Only the two distinct non-decimal strings reach the DMS parser, once each.
    assert sorted(calls) == ["12°30'S", "nonsense"]


def test_parse_coordinates_accepts_plain_lists():
    assert parse_coordinates(["1.5", "2°30'W"], "lon") == pytest.approx([1.5, -2.5])


def test_read_values_tells_plain_decimals_from_text():
    values = pd.Series(["12.345", "12°30'", "", "NA", "x", "10"], dtype="string[pyarrow]")
    value, how, decimals = C.read_values(values, 6, "lat")
    assert how.tolist() == [C.DECIMAL, C.TEXT, C.EMPTY, C.EMPTY, C.INVALID, C.DECIMAL]
    assert decimals.tolist()[0] == 3 and decimals.tolist()[5] == 0


def columns(**values):
    frame = pd.DataFrame({k: pd.Series(v, dtype="string[pyarrow]") for k, v in values.items()})
    return (lambda term: frame[term[len(DWC):]] if term.startswith(DWC) and term[len(DWC):] in frame else None), len(frame)


def test_interpret_prefers_decimal_then_verbatim_latlon_then_verbatim_coordinates():
    column, n = columns(
        decimalLatitude=["10.5", "", "", "", "12°S", "95", "50"],
        decimalLongitude=["20.5", "", "", "", "30.5", "10", ""],
        verbatimLatitude=["", "1°30'S", "", "", "", "", ""],
        verbatimLongitude=["", "2°W", "", "", "", "", ""],
        verbatimCoordinates=["", "", "3 N, 4 E", "garbage", "", "", ""],
    )
    c = C.interpret(column, n)
    assert c.source.tolist() == [C.FROM_DECIMAL, C.FROM_VERBATIM_LATLON, C.FROM_VERBATIM_COORDINATES, C.NONE, C.FROM_DECIMAL, C.FROM_DECIMAL, C.NONE]
    assert c.lat[:3] == pytest.approx([10.5, -1.5, 3.0])
    assert c.lon[:3] == pytest.approx([20.5, -2.0, 4.0])
    # DMS text in a decimal field: used (as GBIF does) but flagged invalid.
    assert c.lat[4] == pytest.approx(-12.0) and c.invalid[4]
    # Unreadable verbatim coordinates and nothing else: invalid.
    assert c.invalid.tolist() == [False, False, False, True, True, False, False]
    # Latitude 95 with longitude 10: swapped into range (GBIF's presumption).
    assert c.swapped_range[5] and (c.lat[5], c.lon[5]) == (10.0, 95.0)
    assert c.incomplete.tolist() == [False] * 6 + [True]
    assert c.from_verbatim.tolist() == [False, True, True, False, False, False, False]


def test_out_of_range_is_judged_on_the_first_source_given():
    column, n = columns(
        decimalLatitude=["123.4", "45", "-95", "123.4"],
        decimalLongitude=["100", "200", "-100", "10"],
        verbatimLatitude=["12.34", "", "", ""],
        verbatimLongitude=["10", "", "", ""],
    )
    c = C.interpret(column, n)
    # The decimal value is out of range even though the verbatim one rescues the point.
    assert c.out_of_range.tolist() == [True, True, True, False]
    assert c.source[0] == C.FROM_VERBATIM_LATLON and c.lat[0] == 12.34
    assert not c.usable[1] and not c.usable[2]
    # 123.4, 10 swaps into range: a presumed swap, not out of range (the country test may
    # still overrule it, see tests/checks/test_space.py).
    assert c.swapped_range[3] and (c.lat[3], c.lon[3]) == (10.0, 123.4)


def test_zero_and_decimals():
    column, n = columns(decimalLatitude=["0", "0.0", "12.3", "12.345678"], decimalLongitude=["0", "0", "5", "5.12"])
    c = C.interpret(column, n)
    assert c.zero.tolist() == [True, True, False, False]
    assert c.decimals.tolist() == [0, 0, 0, 2]
    assert np.all(c.usable)
