"""Shared parsing for data-quality checks: emptiness, numbers, ISO 8601 dates, days of year.

Every function here is pure and documented with the rule it applies, so that other checks
(not only the TDWG BDQ tests) can import it. Two layers:

- *scalar* parsers take one string and return a value or None (``parse_decimal``,
  ``parse_integer``, ``parse_iso_date``, ``month_number`` ...);
- *column* helpers take a pandas Series and return numpy arrays aligned with it. They parse
  each **distinct** value once (``pandas.factorize``) and map the results back, so a column
  of a million rows holding a few thousand distinct dates costs a few thousand parses.

Conventions: a missing value (NA) reads as the empty string; strings are never altered
(no trimming) before a parser sees them, so "leading or trailing whitespace" rules can be
applied exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------------
# Text and emptiness
# --------------------------------------------------------------------------------------------

#: bdqval:Empty: a value is Empty when it holds no character outside U+0000..U+0020.
NON_PRINTING = "".join(chr(i) for i in range(0x21))


def text(values: pd.Series | list | np.ndarray) -> pd.Series:
    """The values as a Series of strings, NA read as "".

    Arrow-backed (vectorised string kernels) whenever the values can be: everything valid
    UTF-8, which includes NUL and other control characters. Strings holding lone surrogates
    (bytes that were not UTF-8, kept by ``surrogateescape``) stay a Python-object Series."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        return series.fillna("") if series.hasnans else series
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        array = pa.array(series.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
        if array.null_count:
            array = pc.fill_null(array, "")
        return pd.Series(pd.arrays.ArrowStringArray(array), index=series.index)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError, TypeError, ValueError):
        # rare: lone surrogates from undecodable bytes; keep Python strings
        values = series.to_numpy(dtype=object, copy=True)
        values[pd.isna(values)] = ""
        return pd.Series(values, index=series.index, dtype=object)


def constant(value: str, n: int, index: pd.Index | None = None) -> pd.Series:
    """A Series of ``n`` copies of ``value`` (arrow-backed), e.g. a column a table lacks."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if value == "":
        offsets = pa.array(np.zeros(n + 1, dtype=np.int64)).buffers()[1]
        array = pa.LargeStringArray.from_buffers(n, offsets, pa.py_buffer(b""))
    else:
        array = pc.take(pa.array([value], pa.large_string()), pa.array(np.zeros(n, dtype=np.int32)))
    return pd.Series(pd.arrays.ArrowStringArray(array), index=index if index is not None else pd.RangeIndex(n))


def to_arrow(values: pd.Series):
    """The pyarrow array behind an arrow-backed string Series (None for other Series)."""
    array = values.array
    return array.__arrow_array__() if hasattr(array, "__arrow_array__") else None


def is_empty_text(value: str | None) -> bool:
    """bdqval:Empty for one value: None, "" or only characters U+0000..U+0020."""
    return value is None or value.strip(NON_PRINTING) == ""


def empty(values: pd.Series) -> np.ndarray:
    """bdqval:Empty per value (vectorised): True where only U+0000..U+0020 characters."""
    stripped = text(values).str.strip(NON_PRINTING)
    return (stripped == "").to_numpy(dtype=bool, na_value=True)


def _spread(codes: np.ndarray, computed: list, parts: int | None) -> Any:
    """Results computed per distinct value, indexed back to the rows.

    With ``parts``, each result is a tuple (or None) and a list of ``parts`` arrays is returned."""
    if parts is None:
        results = np.empty(len(computed), dtype=object)
        results[:] = computed
        return results[codes] if len(codes) else np.empty(0, dtype=object)
    arrays = []
    for k in range(parts):
        column = np.empty(len(computed), dtype=object)
        column[:] = [None if r is None else r[k] for r in computed]
        arrays.append(column[codes] if len(codes) else np.empty(0, dtype=object))
    return arrays


def map_distinct(values: pd.Series, function: Callable[[str], Any], parts: int | None = None) -> Any:
    """``function`` applied once per distinct value, results aligned with ``values`` (object array;
    a list of ``parts`` arrays when ``function`` returns tuples)."""
    codes, uniques = pd.factorize(text(values), use_na_sentinel=False)
    return _spread(codes, [function(u) for u in uniques], parts)


def map_distinct_rows(columns: list[pd.Series], function: Callable[..., Any], parts: int | None = None) -> Any:
    """``function(*values)`` applied once per distinct combination of the columns' values.

    Each column is factorised on its own (arrow), the codes are combined into one code per
    row, and only the distinct combinations are handed to ``function``."""
    n = len(columns[0])
    if n == 0:
        return _spread(np.empty(0, dtype=int), [], parts)
    composite = np.zeros(n, dtype=np.int64)
    table = np.zeros((1, 0), dtype=np.int64)
    uniques_per_column = []
    for column in columns:
        codes, uniques = pd.factorize(text(column), use_na_sentinel=False)
        base = max(len(uniques), 1)
        composite, keys = pd.factorize(composite * base + codes)
        table = np.column_stack([table[keys // base], keys % base])
        uniques_per_column.append(np.asarray(uniques, dtype=object))
    combinations = [tuple(u[c] for u, c in zip(uniques_per_column, row)) for row in table]
    return _spread(composite, [function(*combination) for combination in combinations], parts)


def present(values: np.ndarray) -> np.ndarray:
    """True where an object array holds a value (not None/NaN)."""
    return np.asarray(pd.notna(values), dtype=bool)


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")


def parse_decimal(value: str) -> float | None:
    """A plain decimal number ("12", "-3.5", ".5", "1e3"), surrounding whitespace allowed.

    Not numbers: "", "12 N", "1,5", "NaN", "Infinity", hexadecimal, thousands separators.
    """
    if value is None:
        return None
    value = value.strip()
    return float(value) if _DECIMAL.fullmatch(value) else None


def parse_integer(value: str) -> int | None:
    """An integer written with digits only ("7", "07", "-2"), surrounding whitespace allowed."""
    if value is None:
        return None
    value = value.strip()
    return int(value) if _INTEGER.fullmatch(value) else None


def _arrow_numbers(values: pd.Series, pattern: re.Pattern) -> np.ndarray | None:
    import pyarrow as pa
    import pyarrow.compute as pc

    array = to_arrow(text(values))
    if array is None:
        return None
    stripped = pc.utf8_trim_whitespace(array)
    ok = pc.match_substring_regex(stripped, f"^(?:{pattern.pattern})$")
    numbers = pc.cast(pc.if_else(ok, stripped, pa.scalar(None, stripped.type)), pa.float64())
    return np.asarray(numbers.to_numpy(zero_copy_only=False), dtype=float)


def decimals(values: pd.Series) -> np.ndarray:
    """``parse_decimal`` per value, as float64 (NaN where not a number). Vectorised (arrow)."""
    found = _arrow_numbers(values, _DECIMAL)
    if found is not None:
        return found
    return map_distinct(values, lambda v: np.nan if (n := parse_decimal(v)) is None else n).astype(float)


def integers(values: pd.Series) -> np.ndarray:
    """``parse_integer`` per value, as float64 (NaN where not an integer). Vectorised (arrow)."""
    found = _arrow_numbers(values, _INTEGER)
    if found is not None:
        return found
    return map_distinct(values, lambda v: np.nan if (n := parse_integer(v)) is None else float(n)).astype(float)


def format_decimal(value: Any) -> str:
    """A number written without exponent and without trailing zeros: 3.0480 -> "3.048", 1E+2 -> "100"."""
    from decimal import Decimal

    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text_ = format(number.normalize(), "f")
    if "." in text_:
        text_ = text_.rstrip("0").rstrip(".")
    return "0" if text_ in ("-0", "") else text_


# --------------------------------------------------------------------------------------------
# Calendar helpers
# --------------------------------------------------------------------------------------------


def is_leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int | None, month: int) -> int:
    """Days in a month; February of an unknown year counts 29."""
    if month == 2:
        return 29 if year is None or is_leap_year(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def day_of_year(day: date) -> int:
    return day.timetuple().tm_yday


def date_from_day_of_year(year: int, ordinal: int) -> date | None:
    """The date of day ``ordinal`` (1-based) of ``year``, None when out of range."""
    if not 1 <= year <= 9999 or not 1 <= ordinal <= (366 if is_leap_year(year) else 365):
        return None
    return date(year, 1, 1) + timedelta(days=ordinal - 1)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11, "xii": 12}


def roman_month(value: str) -> int | None:
    """A Roman numeral I..XII (any case) as a month number."""
    return _ROMAN.get(value.strip().lower())


#: Month names and abbreviations in the languages most often met on labels and in data.
MONTH_NAMES: dict[str, int] = {}
for _month, _names in enumerate(
    [
        "january jan januar janvier janv enero ene januari gennaio genn janeiro jän jänner sty styczeń leden",
        "february feb febr februar février févr fevrier fevr febrero februari febbraio fevereiro fev lut luty únor",
        "march mar mär märz mars marzo maart mrt março marco marz marzec březen",
        "april apr avr avril abril abr aprile kwi kwiecień duben",
        "may mai mayo mei maggio maio maj květen",
        "june jun juni juin junio giugno giu junho czerwiec cze červen",
        "july jul juli juil juillet julio luglio lug julho lipiec lip červenec",
        "august aug août aout agosto ago augustus sierpień sie srpen",
        "september sep sept septembre septiembre set settembre setembro wrzesień wrz září",
        "october oct okt oktober octobre octubre ottobre ott outubro out październik paź říjen",
        "november nov novembre noviembre novembro listopad lis",
        "december dec dez dezember décembre decembre diciembre dic dicembre dezembro grudzień gru prosinec",
    ],
    start=1,
):
    for _name in _names.split():
        MONTH_NAMES.setdefault(_name, _month)


def month_number(value: str) -> int | None:
    """A month from text: 1..12 in digits, a Roman numeral I..XII, or a month name/abbreviation.

    Names are matched case-insensitively, with a trailing "." allowed; a prefix of at least
    three letters is accepted when it points to a single month ("sept", "novemb"). Anything
    ambiguous ("Ma": March or May) gives None.
    """
    raw = value.strip()
    number = parse_integer(raw)
    if number is not None:
        return number if 1 <= number <= 12 and raw.lstrip("+-").isdigit() else None
    roman = roman_month(raw)
    if roman is not None:
        return roman
    word = raw.lower().rstrip(".")
    if word in MONTH_NAMES:
        return MONTH_NAMES[word]
    if len(word) >= 3 and word.isalpha():
        found = {m for name, m in MONTH_NAMES.items() if name.startswith(word)}
        if len(found) == 1:
            return found.pop()
    return None


# --------------------------------------------------------------------------------------------
# ISO 8601 dates and intervals
# --------------------------------------------------------------------------------------------

YEAR, MONTH, DAY, HOUR, MINUTE, SECOND = 0, 1, 2, 3, 4, 5
PRECISION_NAMES = ("year", "month", "day", "hour", "minute", "second")
_EPOCH = datetime(1, 1, 1)


@dataclass(frozen=True)
class IsoPoint:
    """One ISO 8601 date or date-time, as written (local calendar fields) plus its extent."""

    year: int
    month: int | None
    day: int | None
    precision: int  # YEAR .. SECOND
    start: datetime  # first instant (UTC when an offset was written, else as written)
    end: datetime  # first instant after the extent (exclusive)
    first_day: date  # calendar date of the first instant, as written
    last_day: date  # calendar date of the last instant, as written
    has_time: bool


@dataclass(frozen=True)
class IsoInterval:
    """An ISO 8601 date, date-time or interval ``start/end`` (a single point is start=end)."""

    text: str
    begin: IsoPoint
    finish: IsoPoint

    @property
    def start(self) -> datetime:
        return self.begin.start

    @property
    def end(self) -> datetime:
        return self.finish.end

    @property
    def first_day(self) -> date:
        return self.begin.first_day

    @property
    def last_day(self) -> date:
        return self.finish.last_day

    @property
    def precision(self) -> int:
        """The coarser precision of the two ends."""
        return min(self.begin.precision, self.finish.precision)

    @property
    def single_year(self) -> bool:
        return self.first_day.year == self.last_day.year

    @property
    def single_month(self) -> bool:
        return self.single_year and self.first_day.month == self.last_day.month and self.precision >= MONTH

    @property
    def single_day(self) -> bool:
        return self.first_day == self.last_day and self.precision >= DAY

    @property
    def start_seconds(self) -> float:
        return (self.start - _EPOCH).total_seconds()

    @property
    def end_seconds(self) -> float:
        return (self.end - _EPOCH).total_seconds()

    @property
    def duration_seconds(self) -> int:
        return int(round((self.end - self.start).total_seconds()))

    @property
    def start_day_of_year(self) -> int:
        return day_of_year(self.first_day)

    @property
    def end_day_of_year(self) -> int:
        return day_of_year(self.last_day)


_DATE_FORMS = [
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), "ymd"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), "ymd"),
    (re.compile(r"(\d{4})-(\d{3})"), "yo"),
    (re.compile(r"(\d{4})(\d{3})"), "yo"),
    (re.compile(r"(\d{4})-W(\d{2})-(\d)"), "ywd"),
    (re.compile(r"(\d{4})-W(\d{2})"), "yw"),
    (re.compile(r"(\d{4})-(\d{2})"), "ym"),
    (re.compile(r"(\d{4})"), "y"),
]
_TIME = re.compile(
    r"(?P<h>\d{2})(?::?(?P<m>\d{2})(?::?(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"(?P<z>Z|[+-]\d{2}(?::?\d{2})?)?"
)


def _parse_date_part(part: str) -> tuple[date, date, int, int, int | None, int | None] | None:
    """(first day, last day, precision, year, month, day) of an ISO date without time."""
    for pattern, form in _DATE_FORMS:
        match = pattern.fullmatch(part)
        if not match:
            continue
        numbers = [int(g) for g in match.groups()]
        year = numbers[0]
        if year < 1:
            return None
        try:
            if form == "y":
                return date(year, 1, 1), date(year, 12, 31), YEAR, year, None, None
            if form == "ym":
                month = numbers[1]
                if not 1 <= month <= 12:
                    return None
                return date(year, month, 1), date(year, month, days_in_month(year, month)), MONTH, year, month, None
            if form == "ymd":
                day = date(year, numbers[1], numbers[2])
                return day, day, DAY, year, day.month, day.day
            if form == "yo":
                day = date_from_day_of_year(year, numbers[1])
                return None if day is None else (day, day, DAY, year, day.month, day.day)
            if form == "ywd":
                day = date.fromisocalendar(year, numbers[1], numbers[2])
                return day, day, DAY, year, day.month, day.day
            if form == "yw":
                first = date.fromisocalendar(year, numbers[1], 1)
                last = first + timedelta(days=6)
                return first, last, DAY, year, None, None
        except ValueError:
            return None
    return None


def _zone_offset(zone: str | None) -> timedelta | None:
    if not zone or zone == "Z":
        return timedelta(0) if zone == "Z" else None
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        raise ValueError(zone)
    return sign * timedelta(hours=hours, minutes=minutes)


def _parse_point(value: str) -> IsoPoint | None:
    date_part, sep, time_part = value.partition("T")
    parsed = _parse_date_part(date_part)
    if parsed is None:
        return None
    first, last, precision, year, month, day = parsed
    if not sep:
        start = datetime.combine(first, datetime.min.time())
        return IsoPoint(year, month, day, precision, start, datetime.combine(last, datetime.min.time()) + timedelta(days=1), first, last, False)
    if precision < DAY or first != last:
        return None  # a time needs a calendar (or ordinal/week) day
    match = _TIME.fullmatch(time_part)
    if not match:
        return None
    hour = int(match["h"])
    minute = int(match["m"] or 0)
    second = int(match["s"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    try:
        offset = _zone_offset(match["z"])
    except ValueError:
        return None
    if match["f"]:
        unit = timedelta(seconds=10 ** -len(match["f"]))
        fraction = timedelta(seconds=int(match["f"]) * 10 ** -len(match["f"]))
        point_precision = SECOND
    else:
        fraction = timedelta(0)
        point_precision = SECOND if match["s"] else MINUTE if match["m"] else HOUR
        unit = {HOUR: timedelta(hours=1), MINUTE: timedelta(minutes=1), SECOND: timedelta(seconds=1)}[point_precision]
    local = datetime(first.year, first.month, first.day, hour, minute, second) + fraction
    start = local - offset if offset is not None else local
    return IsoPoint(year, month, day, point_precision, start, start + unit, first, first, True)


def _complete_end(start_text: str, end_text: str) -> str | None:
    """Fill the leading components an abbreviated interval end leaves out ("1880-05-08/10")."""
    if re.match(r"\d{4}", end_text) and ("-" in end_text[4:5] or len(end_text) in (4, 7, 8)):
        return end_text
    start_date, _, start_time = start_text.partition("T")
    end_date, sep, end_time = end_text.partition("T")
    if not sep and ":" in end_text and "-" not in end_text:
        # time only: same day as the start ("...T13:30/15:30")
        return f"{start_date}T{end_text}" if start_time else None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", start_date):
        return None
    pieces = end_date.split("-")
    if len(pieces) == 1 and re.fullmatch(r"\d{2}", pieces[0]):
        end_date = start_date[:8] + pieces[0]
    elif len(pieces) == 2 and all(re.fullmatch(r"\d{2}", p) for p in pieces):
        end_date = start_date[:5] + end_date
    else:
        return None
    return f"{end_date}T{end_time}" if sep else end_date


def parse_iso_date(value: str) -> IsoInterval | None:
    """An ISO 8601-1 date, date-time or interval, or None when the text is not one.

    Accepted (no surrounding whitespace): ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``YYYYMMDD``,
    ordinal ``YYYY-DDD``, week ``YYYY-Www[-D]``; an optional time ``Thh[:mm[:ss[.f]]]`` (also
    basic ``hhmmss``), hours 00-23 (24:00 is not allowed by ISO 8601-1:2019), with ``Z`` or
    ``±hh[:mm]`` zone; and intervals ``start/end`` whose end may leave out leading components
    (``1880-05-08/10``, ``2000-02-09/03-10``, ``...T13:30/15:30``). An interval must not end
    before it starts. Years before 0001 and durations (``P1D``) are not accepted.
    """
    if value is None or not value or value != value.strip() or " " in value:
        return None
    if value.count("/") > 1:
        return None
    if "/" in value:
        start_text, end_text = value.split("/")
        if not start_text or not end_text:
            return None
        end_text = _complete_end(start_text, end_text)
        if end_text is None:
            return None
        begin, finish = _parse_point(start_text), _parse_point(end_text)
        if begin is None or finish is None or finish.end < begin.start or finish.last_day < begin.first_day:
            return None
        return IsoInterval(value, begin, finish)
    point = _parse_point(value)
    return None if point is None else IsoInterval(value, point, point)


def iso_dates(values: pd.Series) -> np.ndarray:
    """``parse_iso_date`` per value (object array of IsoInterval or None)."""
    return map_distinct(values, parse_iso_date)


def format_date(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def resolve_date_parameter(value: str, *, now: datetime | None = None, end: bool = False) -> datetime | None:
    """A date parameter (``bdqval:earliestValidDate``...) as an instant.

    Accepts an ISO 8601 date or year and the BDQ placeholders ``{current year}`` and
    ``{current day}``. With ``end=True`` the instant just after the period is returned
    (so a latest date of "2024" admits all of 2024).
    """
    now = now or datetime.now()
    value = (value or "").strip()
    if value.lower() in ("{current year}", "current year"):
        value = f"{now.year:04d}"
    elif value.lower() in ("{current day}", "{current date}", "current day", "today"):
        value = format_date(now.date())
    parsed = parse_iso_date(value)
    if parsed is None:
        return None
    return parsed.end if end else parsed.start


def seconds(instant: datetime) -> float:
    return (instant - _EPOCH).total_seconds()


class DateColumn:
    """A column of ISO 8601 dates, parsed once per distinct value.

    ``column.attribute("start_seconds")`` gives that attribute of each row's
    :class:`IsoInterval` as a numpy array (``default`` where the value is not a valid date).
    """

    def __init__(self, values: pd.Series):
        codes, uniques = pd.factorize(text(values), use_na_sentinel=False)
        self._codes = codes
        self._parsed = [parse_iso_date(u) for u in uniques]

    def attribute(self, name: str, default: Any = np.nan, dtype: Any = float) -> np.ndarray:
        distinct = np.array([default if p is None else getattr(p, name) for p in self._parsed], dtype=dtype)
        return distinct[self._codes] if len(self._codes) else np.empty(0, dtype=dtype)

    @property
    def valid(self) -> np.ndarray:
        distinct = np.array([p is not None for p in self._parsed], dtype=bool)
        return distinct[self._codes] if len(self._codes) else np.empty(0, dtype=bool)

    def day_field(self, which: str, part: str) -> np.ndarray:
        """``part`` (year, month, day) of the first or last calendar day, NaN where invalid."""
        distinct = np.array(
            [np.nan if p is None else float(getattr(getattr(p, f"{which}_day"), part)) for p in self._parsed], dtype=float
        )
        return distinct[self._codes] if len(self._codes) else np.empty(0, dtype=float)

    def point_field(self, which: str, name: str, default: Any = np.nan, dtype: Any = float) -> np.ndarray:
        """Attribute ``name`` of the begin or finish point (``which`` = "begin"/"finish")."""
        distinct = np.array([default if p is None else getattr(getattr(p, which), name) for p in self._parsed], dtype=dtype)
        return distinct[self._codes] if len(self._codes) else np.empty(0, dtype=dtype)
