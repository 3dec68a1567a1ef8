"""Coordinates from text: decimal degrees, degrees-minutes-seconds, hemisphere letters.

Every distinct string is parsed once (``pandas.factorize``) and the result mapped back to
the records, so a column of a million values costs a few thousand parses at most. Plain
decimal numbers are recognised for all distinct values at once with one regular
expression over the (pyarrow) string array; only the rest go through the DMS parser.

The record-level interpretation follows GBIF (and BDQ AMENDMENT_COORDINATES_FROM_VERBATIM):
decimalLatitude/decimalLongitude first; when they do not give a usable point, then
verbatimLatitude/verbatimLongitude, then verbatimCoordinates. GBIF also reads DMS text in the
decimal fields; so does dwcqa, for the geography tests, but such values are flagged
COORDINATE_INVALID because the decimal fields must hold decimal numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dwcqa.terms import DWC

EMPTY, DECIMAL, TEXT, INVALID = 0, 1, 2, 3  # how a value was read
NONE, FROM_DECIMAL, FROM_VERBATIM_LATLON, FROM_VERBATIM_COORDINATES = 0, 1, 2, 3  # where a record's point came from
SOURCE_NAMES = {NONE: "", FROM_DECIMAL: "decimal", FROM_VERBATIM_LATLON: "verbatimLatitude/verbatimLongitude", FROM_VERBATIM_COORDINATES: "verbatimCoordinates"}

_NULLS = {"", "NULL", "NA", "N/A", "NAN", "NONE", "-", "--", "?", "UNKNOWN", "\\N", "#N/A"}
_DECIMAL = r"^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*$"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_HEMISPHERE = "NSEWO"  # O: Ost (east), as GBIF reads it
_ALLOWED = re.compile(r"^[\d\s.,°º˚d'′’‘´`m\"″”“s:+\-NSEWO]*$", re.IGNORECASE)
_DEGREE_MARKS = "°º˚"


def _hemisphere(text: str) -> tuple[str, str | None]:
    """Strip one leading or trailing hemisphere letter; return (rest, letter)."""
    if text and text[0] in _HEMISPHERE and (len(text) == 1 or not text[1].isalpha()):
        return text[1:].strip(), text[0]
    if text and text[-1] in _HEMISPHERE and (len(text) == 1 or not text[-2].isalpha()):
        return text[:-1].strip(), text[-1]
    return text, None


def parse_one(value: str, axis: str | None = None) -> float | None:
    """One coordinate in DMS or decimal notation (with comma decimals), or None.

    ``axis``: "lat" or "lon" to reject a hemisphere letter of the other axis.
    """
    text = value.strip().upper().replace("DEG", "°").replace("MIN", "'").replace("SEC", '"').replace("−", "-").replace("–", "-")
    if not text or not _ALLOWED.match(text):
        return None
    negative = False
    if text[0] in "+-":
        negative = text[0] == "-"
        text = text[1:].strip()
    text, letter = _hemisphere(text)
    if text and text[0] in "+-":  # "S -12" style: the sign is redundant
        negative = negative or text[0] == "-"
        text = text[1:].strip()
    if letter:
        if axis == "lat" and letter not in "NS":
            return None
        if axis == "lon" and letter not in "EWO":
            return None
        if letter in "SW":
            negative = True
    # What is left: numbers separated by degree/minute/second marks, spaces or colons.
    if any(ch.isalpha() and ch not in "DMS" for ch in text):
        return None
    numbers = _NUMBER.findall(text)
    if not 1 <= len(numbers) <= 3:
        return None
    leftover = _NUMBER.sub(" ", text)
    if re.search(r"[.,+\-]", leftover):
        return None
    if len(numbers) == 1 and letter and numbers[0].isdigit() and 4 <= len(numbers[0]) <= 7:
        # Packed DDMM[SS] / DDDMM[SS] with a hemisphere letter (433819N).
        digits = numbers[0]
        width = 3 if (axis == "lon" or letter in "EWO") and len(digits) in (5, 7) else 2
        rest = digits[width:]
        numbers = [digits[:width], rest[:2]] + ([rest[2:]] if len(rest) > 2 else [])
    parts = [float(n.replace(",", ".")) for n in numbers]
    if any("." in n or "," in n for n in numbers[:-1]):
        return None  # only the last component may have decimals
    degrees = parts[0]
    minutes = parts[1] if len(parts) > 1 else 0.0
    seconds = parts[2] if len(parts) > 2 else 0.0
    if minutes >= 60 or seconds >= 60:
        return None
    result = degrees + minutes / 60.0 + seconds / 3600.0
    return -result if negative else result


def _unique_strings(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Index(uniques)


def read_values(values: pd.Series | None, records: int, axis: str | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, how, decimals) for a coordinate column.

    value: float (NaN when empty or unreadable); how: EMPTY, DECIMAL (a plain decimal
    number), TEXT (read, but not a plain decimal: DMS, comma decimal, hemisphere letter) or
    INVALID; decimals: digits after the decimal point of a plain decimal (-1 otherwise).
    """
    if values is None:
        return np.full(records, np.nan), np.zeros(records, dtype=np.int8), np.full(records, -1, dtype=np.int8)
    codes, uniques = _unique_strings(values)
    n = len(uniques)
    value = np.full(n + 1, np.nan)
    how = np.zeros(n + 1, dtype=np.int8)
    decimals = np.full(n + 1, -1, dtype=np.int8)
    if n:
        strings = pd.Series(uniques, dtype="string[pyarrow]")
        stripped = strings.str.strip()
        empty = (stripped.str.len() == 0) | stripped.str.upper().isin(_NULLS)
        plain = stripped.str.fullmatch(_DECIMAL).fillna(False) & ~empty
        plain_np = plain.to_numpy(dtype=bool)
        value[:n][plain_np] = stripped[plain].astype(float).to_numpy()
        how[:n][plain_np] = DECIMAL
        chosen = stripped[plain]
        dot = chosen.str.find(".").to_numpy(dtype=np.int64)
        length = chosen.str.len().to_numpy(dtype=np.int64)
        decimals[:n][plain_np] = np.minimum(np.where(dot >= 0, length - dot - 1, 0), 127)
        empty_np = empty.to_numpy(dtype=bool)
        for i in np.flatnonzero(~plain_np & ~empty_np):
            parsed = parse_one(str(uniques[i]), axis)
            if parsed is None or not np.isfinite(parsed):
                how[i] = INVALID
            else:
                value[i] = parsed
                how[i] = TEXT
    return value[codes], how[codes], decimals[codes]


def parse_coordinates(values, axis: str | None = None) -> np.ndarray:
    """Coordinates from text (decimal or DMS, hemisphere letters), NaN where unreadable.

    ``values``: anything pandas makes a Series of. ``axis``: "lat" or "lon" rejects a
    hemisphere letter of the other axis (a latitude ending in E).
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="string[pyarrow]")
    if series.dtype != "string":
        series = series.astype("string[pyarrow]")
    value, _, _ = read_values(series, len(series), axis)
    return value


_SPLIT_LETTERS = re.compile(r"[NSEWO]")


def parse_pair(text: str) -> tuple[float, float] | None:
    """One verbatimCoordinates string -> (lat, lon), or None."""
    t = text.strip().upper()
    if not t:
        return None
    letters = [m for m in _SPLIT_LETTERS.finditer(t) if not _is_inside_word(t, m.start())]
    if len(letters) == 2:
        a, b = letters
        if a.start() == 0 or not t[: a.start()].strip():
            first, second = t[: b.start()], t[b.start() :]  # N12 30 E45 10
        else:
            first, second = t[: a.end()], t[a.end() :]  # 12 30 N 45 10 E
        first, second = first.strip(" ,;/"), second.strip(" ,;/")
        la, lb = a.group(), b.group()
        if la in "NS" and lb in "EWO":
            lat, lon = parse_one(first, "lat"), parse_one(second, "lon")
        elif la in "EWO" and lb in "NS":
            lat, lon = parse_one(second, "lat"), parse_one(first, "lon")
        else:
            return None
        return None if lat is None or lon is None else (lat, lon)
    if letters:
        return None
    for separator in (",", ";", "/", " "):
        pieces = [p for p in t.split(separator) if p.strip()] if separator == " " else t.split(separator)
        if separator == "," and t.count(",") != 1:
            continue
        if len(pieces) == 2:
            lat, lon = parse_one(pieces[0], "lat"), parse_one(pieces[1], "lon")
            if lat is not None and lon is not None:
                return lat, lon
    return None


def _is_inside_word(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return before.isalpha() or after.isalpha()


def read_pairs(values: pd.Series | None, records: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat, lon, how) for a verbatimCoordinates column."""
    lat = np.full(records, np.nan)
    lon = np.full(records, np.nan)
    how = np.zeros(records, dtype=np.int8)
    if values is None:
        return lat, lon, how
    codes, uniques = _unique_strings(values)
    n = len(uniques)
    ulat, ulon = np.full(n + 1, np.nan), np.full(n + 1, np.nan)
    uhow = np.zeros(n + 1, dtype=np.int8)
    for i, raw in enumerate(uniques):
        text = str(raw).strip()
        if not text or text.upper() in _NULLS:
            continue
        pair = parse_pair(text)
        if pair is None:
            uhow[i] = INVALID
        else:
            ulat[i], ulon[i] = pair
            uhow[i] = TEXT
    return ulat[codes], ulon[codes], uhow[codes]


@dataclass
class Coordinates:
    """The point each record gives, and how it was read (arrays over core records)."""

    lat: np.ndarray  # float, NaN when no usable point
    lon: np.ndarray
    source: np.ndarray  # NONE / FROM_DECIMAL / FROM_VERBATIM_LATLON / FROM_VERBATIM_COORDINATES
    invalid: np.ndarray  # COORDINATE_INVALID
    out_of_range: np.ndarray  # COORDINATE_OUT_OF_RANGE
    swapped_range: np.ndarray  # latitude out of range, swapped pair in range (used swapped)
    incomplete: np.ndarray  # only one of decimalLatitude / decimalLongitude
    decimals: np.ndarray  # fewest decimals of the two decimal values used (-1: not plain decimals)

    @property
    def usable(self) -> np.ndarray:
        return np.isfinite(self.lat) & np.isfinite(self.lon)

    @property
    def zero(self) -> np.ndarray:
        return self.usable & (self.lat == 0) & (self.lon == 0)

    @property
    def from_verbatim(self) -> np.ndarray:
        return (self.source == FROM_VERBATIM_LATLON) | (self.source == FROM_VERBATIM_COORDINATES)


def _in_range(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    return (np.abs(lat) <= 90) & (np.abs(lon) <= 180)


def interpret(column, records: int) -> Coordinates:
    """Interpret the coordinates of every record. ``column(term)`` gives a Series or None."""
    dlat, dlat_how, dlat_dec = read_values(column(DWC + "decimalLatitude"), records, "lat")
    dlon, dlon_how, dlon_dec = read_values(column(DWC + "decimalLongitude"), records, "lon")
    vlat, vlat_how, _ = read_values(column(DWC + "verbatimLatitude"), records, "lat")
    vlon, vlon_how, _ = read_values(column(DWC + "verbatimLongitude"), records, "lon")
    clat, clon, c_how = read_pairs(column(DWC + "verbatimCoordinates"), records)

    lat = np.full(records, np.nan)
    lon = np.full(records, np.nan)
    source = np.zeros(records, dtype=np.int8)
    out_of_range = np.zeros(records, dtype=bool)
    swapped = np.zeros(records, dtype=bool)
    decided = np.zeros(records, dtype=bool)

    first_given = np.zeros(records, dtype=bool)  # the first source given decides "out of range"

    def take(a_lat, a_lon, given, kind):
        """Use this source where nothing was decided yet and it gives a point in range."""
        nonlocal decided
        candidate = given & ~decided & np.isfinite(a_lat) & np.isfinite(a_lon)
        ok = candidate & _in_range(a_lat, a_lon)
        swap = candidate & ~ok & (np.abs(a_lat) > 90) & _in_range(a_lon, a_lat)
        lat[ok], lon[ok] = a_lat[ok], a_lon[ok]
        lat[swap], lon[swap] = a_lon[swap], a_lat[swap]
        swapped[swap] = True
        source[ok | swap] = kind
        # Out of range: in the first source the record gives, even when a later one is usable
        # (the published decimal value is wrong although GBIF may fall back on the verbatim one).
        out_of_range[given & ~first_given & np.isfinite(a_lat) & np.isfinite(a_lon) & ~_in_range(a_lat, a_lon) & ~swap] = True
        first_given[given] = True
        decided |= ok | swap

    decimal_given = (dlat_how != EMPTY) & (dlon_how != EMPTY)
    take(dlat, dlon, decimal_given, FROM_DECIMAL)
    verbatim_given = (vlat_how != EMPTY) & (vlon_how != EMPTY)
    take(vlat, vlon, verbatim_given, FROM_VERBATIM_LATLON)
    take(clat, clon, c_how != EMPTY, FROM_VERBATIM_COORDINATES)

    decimal_text = (dlat_how == TEXT) | (dlat_how == INVALID) | (dlon_how == TEXT) | (dlon_how == INVALID)
    verbatim_bad = ((vlat_how == INVALID) | (vlon_how == INVALID) | (c_how == INVALID)) & ~decided
    invalid = decimal_text | verbatim_bad
    incomplete = (dlat_how != EMPTY) ^ (dlon_how != EMPTY)
    both_plain = (source == FROM_DECIMAL) & (dlat_dec >= 0) & (dlon_dec >= 0)
    decimals = np.where(both_plain, np.minimum(dlat_dec, dlon_dec), -1).astype(np.int8)
    return Coordinates(lat, lon, source, invalid, out_of_range, swapped, incomplete, decimals)
