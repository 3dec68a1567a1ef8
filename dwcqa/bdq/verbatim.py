"""Interpreting verbatim values: dates as people write them, coordinates, depths, elevations.

Each interpreter takes one string and returns an ``Interpretation``: the standard value when
the text is unambiguous, or why it is not (``ambiguous``, ``invalid``, ``nothing``: the text
holds nothing of the kind). Callers map them over distinct values with
``dwcqa.bdq.parsing.map_distinct``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from dwcqa.bdq.parsing import (
    MONTH_NAMES,
    days_in_month,
    format_date,
    format_decimal,
    parse_iso_date,
    roman_month,
)

OK, AMBIGUOUS, INVALID, NOTHING = "ok", "ambiguous", "invalid", "nothing"


@dataclass(frozen=True)
class Interpretation:
    state: str  # OK, AMBIGUOUS, INVALID or NOTHING
    value: object = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.state == OK


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_WEEKDAYS = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun "
    "lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves viernes sábado domingo "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag mandag tirsdag onsdag torsdag fredag lørdag søndag"
).split()
_FILLER = {"of", "de", "del", "the", "le", "la", "der", "den", "am", "on", "du", "di", "em"}
_CJK = str.maketrans({"年": "-", "月": "-", "日": " ", "号": " "})


@dataclass(frozen=True)
class _Part:
    """A partial date: known fields may be None."""

    year: int | None
    month: int | None
    day: int | None


def _tokens(textual: str) -> list[tuple[str, str]] | None:
    """(kind, token) pairs: kind is 'n' (digits), 'm' (month word) or 'r' (Roman month)."""
    out: list[tuple[str, str]] = []
    for token in re.findall(r"[^\W\d_]+\.?|\d+", textual):
        word = token.lower().rstrip(".")
        if token.isdigit():
            out.append(("n", token))
        elif word in _WEEKDAYS or word in _FILLER:
            continue
        elif word in ("st", "nd", "rd", "th", "er", "e", "o", "a"):
            # ordinal suffix after a number: 29th, 1er, 1º
            if not out or out[-1][0] != "n":
                return None
        elif roman_month(word) is not None and word not in ("mar",):
            out.append(("r", word))
        elif word in MONTH_NAMES:
            out.append(("m", word))
        else:
            return None
    return out


def _month_of(kind: str, token: str) -> int | None:
    return roman_month(token) if kind == "r" else MONTH_NAMES.get(token)


def _single(textual: str, *, allow_partial: bool = False) -> Interpretation:
    """One date (no range), possibly without year when ``allow_partial``."""
    tokens = _tokens(textual)
    if tokens is None:
        return Interpretation(INVALID, reason="unrecognised words")
    if not tokens:
        return Interpretation(NOTHING)
    numbers = [t for k, t in tokens if k == "n"]
    words = [(k, t) for k, t in tokens if k != "n"]
    if len(words) > 1 or len(tokens) > 3:
        return Interpretation(INVALID, reason="too many parts")
    years = [t for t in numbers if len(t) == 4]
    if any(len(t) not in (1, 2, 4) for t in numbers) or len(years) > 1:
        return Interpretation(INVALID, reason="unexpected numbers")
    year = int(years[0]) if years else None
    if year is not None and years[0].startswith("0"):
        return Interpretation(AMBIGUOUS, reason="four digits with a leading zero are not clearly a year")
    small = [int(t) for t in numbers if len(t) != 4]
    if year is None and not allow_partial:
        if numbers and any(len(t) == 2 for t in numbers) and len(numbers) >= 2:
            return Interpretation(AMBIGUOUS, reason="two-digit year")
        return Interpretation(INVALID, reason="no year")
    if words:
        month = _month_of(*words[0])
        if len(small) > 1:
            return Interpretation(INVALID, reason="too many numbers")
        day = small[0] if small else None
        return _checked(_Part(year, month, day))
    if len(small) == 0:
        return _checked(_Part(year, None, None))
    if len(small) == 1:
        return _checked(_Part(year, small[0], None))
    a, b = small
    first_is_year = bool(years) and tokens[0][1] == years[0]
    if first_is_year:
        # yyyy-mm-dd is assumed; yyyy-dd-mm only when the middle number cannot be a month
        if a <= 12:
            return _checked(_Part(year, a, b))
        if b <= 12:
            return _checked(_Part(year, b, a))
        return Interpretation(INVALID, reason="no month")
    if a <= 12 and b <= 12 and a != b:
        return Interpretation(AMBIGUOUS, reason="day and month can be swapped")
    if a > 12 and b <= 12:
        return _checked(_Part(year, b, a))
    return _checked(_Part(year, a, b))


def _checked(part: _Part) -> Interpretation:
    if part.month is not None and not 1 <= part.month <= 12:
        return Interpretation(INVALID, reason="month out of range")
    if part.day is not None:
        if part.month is None or not 1 <= part.day <= days_in_month(part.year, part.month):
            return Interpretation(INVALID, reason="day out of range")
    if part.year is not None and not 1 <= part.year <= 9999:
        return Interpretation(INVALID, reason="year out of range")
    return Interpretation(OK, part)


def _format(part: _Part) -> str:
    if part.day is not None:
        return format_date(date(part.year, part.month, part.day))
    if part.month is not None:
        return f"{part.year:04d}-{part.month:02d}"
    return f"{part.year:04d}"


def _precision(part: _Part) -> int:
    return 2 if part.day is not None else 1 if part.month is not None else 0


def _range(left: str, right: str) -> Interpretation:
    end = _single(right)
    if not end.ok:
        return end
    stop: _Part = end.value
    begin = _single(left, allow_partial=True)
    if not begin.ok:
        return begin
    start: _Part = begin.value
    if start.year is None:
        # "9.ii-10.iii.2000", "1-5 March 2001": the start borrows what it lacks from the end
        if start.day is None and start.month is not None and _precision(stop) == 2:
            start = _Part(stop.year, stop.month, start.month)  # "1-5 March 2001": lone number is a day
        else:
            start = _Part(stop.year, start.month if start.month is not None else stop.month, start.day)
        checked = _checked(start)
        if not checked.ok:
            return checked
    if _precision(start) != _precision(stop):
        return Interpretation(INVALID, reason="range ends differ in precision")
    if (start.year, start.month or 0, start.day or 0) > (stop.year, stop.month or 0, stop.day or 0):
        return Interpretation(INVALID, reason="range ends before it starts")
    if start == stop:
        return Interpretation(OK, _format(start))
    return Interpretation(OK, f"{_format(start)}/{_format(stop)}")


def interpret_date(value: str) -> Interpretation:
    """An unambiguous ISO 8601 date (or interval) from a verbatim date.

    Handles ISO dates as they are, separators ``- / . _`` and spaces, month names and
    abbreviations in several languages, Roman-numeral months (``xi.1996``, ``11-VII-1885``),
    weekday names and ordinal suffixes (``Friday 29th Oct. 2021``), CJK year/month/day marks
    (``1932年3月5日``), decades (``1980s``), and ranges (``9.ii-10.iii.2000``, ``1500 to 1800``).
    Day/month orders that could be swapped (``03/04/2020``) and two-digit years are AMBIGUOUS;
    a year-first numeric date is read yyyy-mm-dd (yyyy-dd-mm only when the middle number
    cannot be a month). The precision written is kept (``Oct 2021`` -> ``2021-10``).
    Values with no digit at all are NOTHING.
    """
    if value is None:
        return Interpretation(NOTHING)
    raw = value.strip()
    if not raw or not re.search(r"\d", raw):
        return Interpretation(NOTHING)
    if parse_iso_date(raw) is not None and not raw.startswith("0"):
        return Interpretation(OK, raw)
    decade = re.fullmatch(r"(\d{3})0'?s", raw, re.I)
    if decade:
        start = int(decade.group(1)) * 10
        return Interpretation(OK, f"{start:04d}-01-01/{start + 9:04d}-12-31")
    normalised = raw.translate(_CJK).strip()
    normalised = re.sub(r"\s+(?:to|till|until|bis|au|al|a|hasta)\s+", " / ", normalised, flags=re.I)
    normalised = normalised.replace("–", "-").replace("—", "-")
    single = _single(normalised)
    if single.ok:
        return Interpretation(OK, _format(single.value))
    candidates: dict[str, Interpretation] = {}
    ambiguous = single.state == AMBIGUOUS
    for match in re.finditer(r"\s*[-/]\s*", normalised):
        left, right = normalised[: match.start()], normalised[match.end():]
        if not left.strip() or not right.strip():
            continue
        found = _range(left, right)
        if found.ok:
            candidates[found.value] = found
        elif found.state == AMBIGUOUS:
            ambiguous = True
    if len(candidates) == 1 and not ambiguous:
        return next(iter(candidates.values()))
    if len(candidates) > 1 or ambiguous:
        return Interpretation(AMBIGUOUS, reason="more than one reading")
    return Interpretation(INVALID, reason=single.reason or "not a date")


# --------------------------------------------------------------------------------------------
# Coordinates
# --------------------------------------------------------------------------------------------

_WORDS = [
    (r"\b(?:degrees?|deg|grados?|grad)\b\.?", "°"),
    (r"\b(?:minutes?|mins?)\b\.?", "'"),
    (r"\b(?:seconds?|secs?)\b\.?", '"'),
    (r"(?<=\d)\s*d\b", "°"),
    (r"(?<=\d)\s*m\b", "'"),
    (r"\b(?:north|nord|norte)\b", " N "),
    (r"\b(?:south|sud|süd|sur)\b", " S "),
    (r"\b(?:east|est|este|ost)\b", " E "),
    (r"\b(?:west|ouest|oeste)\b", " W "),
]
_UNIT = {"°": 0, "º": 0, "˚": 0, "'": 1, "′": 1, "’": 1, '"': 2, "″": 2, "”": 2, "''": 2}


@dataclass(frozen=True)
class Coordinate:
    value: Decimal
    axis: str | None  # "lat", "lon" or None when no hemisphere letter says so


def _coordinate_groups(textual: str) -> list[Coordinate] | None:
    """Split a verbatim coordinate text into coordinates (deg [min [sec]] + hemisphere).

    With hemisphere letters (or words), the letters delimit the coordinates, written before
    ("S 23 42.7") or after ("23 42.7 S") their numbers. Without them, coordinates are
    separated by commas, by a new degree value, or by two unit-less numbers in a row."""
    work = f" {textual} "
    for pattern, replacement in _WORDS:
        work = re.sub(pattern, replacement, work, flags=re.I)
    tokens = re.findall(r"[+-]?\d+(?:[.,]\d+)?|''|[°º˚'′’\"″”]|(?<![^\W\d_])[NSEWnsew](?![^\W\d_])|[,;]|\S", work)
    kinds = []
    for token in tokens:
        if re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", token):
            kinds.append("n")
        elif token in _UNIT:
            kinds.append("u")
        elif len(token) == 1 and token.upper() in "NSEW":
            kinds.append("h")
        elif token in ",;":
            kinds.append(",")
        else:
            return None
    groups: list[tuple[list[list], str | None]] = []
    if "h" in kinds:
        if kinds[0] == "h":
            starts = [i for i, k in enumerate(kinds) if k == "h"]
            spans = [(a, b) for a, b in zip(starts, starts[1:] + [len(tokens)])]
            letter_at = [a for a, _ in spans]
        elif kinds[-1] == "h":
            ends = [i for i, k in enumerate(kinds) if k == "h"]
            spans = [(a + 1, b) for a, b in zip([-1] + ends[:-1], ends)]
            letter_at = [b for _, b in spans]
        else:
            return None
        for (a, b), at in zip(spans, letter_at):
            parts: list[list] = []
            for i in range(a, b + (1 if kinds[-1] == "h" else 0)):
                if i == at or kinds[i] == ",":
                    continue
                if kinds[i] == "n":
                    parts.append([tokens[i].replace(",", "."), None])
                elif kinds[i] == "u":
                    if not parts or parts[-1][1] is not None:
                        return None
                    parts[-1][1] = _UNIT[tokens[i]]
                else:
                    return None
            if not parts:
                return None
            groups.append((parts, tokens[at].upper()))
    else:
        parts = []
        for token, kind in zip(tokens, kinds):
            if kind == ",":
                if parts:
                    groups.append((parts, None))
                parts = []
            elif kind == "n":
                if parts and parts[-1][1] is None:
                    groups.append((parts, None))
                    parts = []
                parts.append([token.replace(",", "."), None])
            else:
                if not parts or parts[-1][1] is not None:
                    return None
                unit = _UNIT[token]
                if unit == 0 and len(parts) > 1:
                    groups.append((parts[:-1], None))
                    parts = parts[-1:]
                parts[-1][1] = unit
        if parts:
            groups.append((parts, None))
    coordinates = []
    for parts, hemisphere in groups:
        units = [u for _, u in parts]
        if len(parts) > 3:
            return None
        if all(u is None for u in units):
            units = list(range(len(parts)))
        elif None in units:
            filled, last = [], -1
            for u in units:
                u = last + 1 if u is None else u
                filled.append(u)
                last = u
            units = filled
        if units != sorted(set(units)) or units[0] != 0 or max(units) > 2:
            return None
        try:
            numbers = [Decimal(n) for n, _ in parts]
        except InvalidOperation:
            return None
        degrees = numbers[0]
        negative = str(parts[0][0]).startswith("-")
        if len(parts) > 1 and degrees != degrees.to_integral_value():
            return None  # decimal degrees followed by minutes
        value = abs(degrees)
        for number, unit in zip(numbers[1:], units[1:]):
            if number < 0 or number >= 60:
                return None
            value += number / (60 if unit == 1 else 3600)
        if hemisphere:
            if negative:
                return None
            negative = hemisphere in "SW"
        axis = None if hemisphere is None else ("lat" if hemisphere in "NS" else "lon")
        coordinates.append(Coordinate(-value if negative else value, axis))
    return coordinates


def _round(value: Decimal) -> str:
    return format_decimal(value.quantize(Decimal("0.0000001")) if value.as_tuple().exponent < -7 else value)


def interpret_coordinate(value: str, axis: str) -> Interpretation:
    """One latitude (``axis="lat"``) or longitude from a verbatim value, in decimal degrees."""
    groups = _coordinate_groups(value or "")
    if not groups:
        return Interpretation(INVALID if groups is None else NOTHING)
    if len(groups) != 1 or groups[0].axis not in (None, axis):
        return Interpretation(INVALID, reason="not a single coordinate of that axis")
    limit = 90 if axis == "lat" else 180
    if abs(groups[0].value) > limit:
        return Interpretation(INVALID, reason="out of range")
    return Interpretation(OK, _round(groups[0].value))


def interpret_coordinates(value: str) -> Interpretation:
    """(latitude, longitude) in decimal degrees from a verbatim coordinate pair.

    Hemisphere letters or words decide which is which; without them the pair is read
    latitude, longitude unless only the reverse fits the ranges (``139.92, -23.712``).
    """
    groups = _coordinate_groups(value or "")
    if groups is None:
        return Interpretation(INVALID, reason="not interpretable as coordinates")
    if len(groups) != 2:
        return Interpretation(INVALID, reason="not a pair of coordinates")
    first, second = groups
    if first.axis and second.axis:
        if first.axis == second.axis:
            return Interpretation(INVALID, reason="two coordinates on one axis")
        lat, lon = (first, second) if first.axis == "lat" else (second, first)
    elif first.axis or second.axis:
        known = first if first.axis else second
        other = second if first.axis else first
        lat, lon = (known, other) if known.axis == "lat" else (other, known)
    else:
        fits = abs(first.value) <= 90 and abs(second.value) <= 180
        reverse = abs(second.value) <= 90 and abs(first.value) <= 180
        if fits:
            lat, lon = first, second
        elif reverse:
            lat, lon = second, first
        else:
            return Interpretation(INVALID, reason="out of range")
    if abs(lat.value) > 90 or abs(lon.value) > 180:
        return Interpretation(INVALID, reason="out of range")
    return Interpretation(OK, (_round(lat.value), _round(lon.value)))


# --------------------------------------------------------------------------------------------
# Depths and elevations
# --------------------------------------------------------------------------------------------

METRES_PER_UNIT = {
    "m": Decimal(1), "meter": Decimal(1), "meters": Decimal(1), "metre": Decimal(1), "metres": Decimal(1),
    "mts": Decimal(1), "mt": Decimal(1), "mtrs": Decimal(1),
    "km": Decimal(1000), "kilometer": Decimal(1000), "kilometers": Decimal(1000), "kilometre": Decimal(1000), "kilometres": Decimal(1000),
    "ft": Decimal("0.3048"), "feet": Decimal("0.3048"), "foot": Decimal("0.3048"), "'": Decimal("0.3048"),
    "yd": Decimal("0.9144"), "yds": Decimal("0.9144"), "yard": Decimal("0.9144"), "yards": Decimal("0.9144"),
    "ftm": Decimal("1.8288"), "fm": Decimal("1.8288"), "fathom": Decimal("1.8288"), "fathoms": Decimal("1.8288"),
}
_NUMBER = r"[+-]?\d+(?:[.,]\d+)?"
_LENGTH = re.compile(
    rf"^(?:[^\W\d_][\w.]*:?\s+)*?(?P<a>{_NUMBER})\s*(?P<ua>[a-z']+\.?)?"
    rf"(?:\s*(?:-|to|–|—)\s*(?P<b>{_NUMBER})\s*(?P<ub>[a-z']+\.?)?)?$",
    re.I,
)


def interpret_length_range(value: str, *, allow_negative: bool) -> Interpretation:
    """(minimum, maximum) in metres from a verbatim depth or elevation.

    A single value gives minimum = maximum; a range ``a-b unit``, ``a to b unit`` or
    ``a unit - b unit``. The unit is required (metres, feet, fathoms, yards, kilometres) and
    conversions keep the digits they add (10 ftm -> 18.288). Leading labels such as
    "Minimum Elevation" are skipped.
    """
    raw = (value or "").strip()
    match = _LENGTH.match(raw)
    if not match:
        return Interpretation(INVALID if raw else NOTHING, reason="not a length")
    units = [u.lower().rstrip(".") if u else None for u in (match["ua"], match["ub"])]
    if match["b"] is None:
        units[1] = units[0]
    unit_a = units[0] or units[1]
    unit_b = units[1] or units[0]
    if unit_a is None or unit_a not in METRES_PER_UNIT or unit_b not in METRES_PER_UNIT:
        return Interpretation(INVALID, reason="no known unit")
    low = Decimal(match["a"].replace(",", ".")) * METRES_PER_UNIT[unit_a]
    high = Decimal((match["b"] or match["a"]).replace(",", ".")) * METRES_PER_UNIT[unit_b]
    if not allow_negative and (low < 0 or high < 0):
        return Interpretation(INVALID, reason="negative")
    if low > high:
        return Interpretation(INVALID, reason="minimum greater than maximum")
    return Interpretation(OK, (format_decimal(low), format_decimal(high)))
