"""Delimited text files read verbatim: every cell a string, nothing dropped.

The fast path is pyarrow's multi-threaded CSV parser with all columns forced to strings.
Files whose rows disagree in their number of fields (ragged rows) are read again with
Python's csv module so that every value is kept and each odd row is reported with its
line number. Files that are not in the encoding they claim are read in the encoding they
really have and the mismatch is reported.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from dwcqa.archive.model import STRING, Dialect, Problem, RaggedRow

SAMPLE_BYTES = 1 << 16
SAMPLE_ROWS = 200
BLOCK_SIZE = 1 << 23  # 8 MB: see bench/README.md, "Parse blocks"
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass
class TextTable:
    data: pd.DataFrame
    header: list[str] | None
    encoding: str
    ragged: list[RaggedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    row_lines: np.ndarray | None = None  # 1-based start line per row (Python path only)


def read_text_table(path: Path, name: str, dialect: Dialect) -> TextTable:
    """Read one data file. ``name`` is how the file is called in messages."""
    problems: list[Problem] = []
    encoding = resolve_encoding(path, dialect.encoding, name, problems)
    try:
        return _read(path, name, dialect, encoding, problems)
    except _NotDecodable:
        pass
    # Not decodable as declared: find the first bad line, then read as what it really is.
    bad_line = _first_undecodable_line(path, encoding)
    actual = detect_encoding(path)
    problems.append(
        Problem("ENCODING_INVALID", f"not valid {encoding} (first at line {bad_line}); read as {actual}", name, bad_line)
    )
    return _read(path, name, dialect, actual, problems)


class _NotDecodable(Exception):
    pass


def _read(path: Path, name: str, dialect: Dialect, encoding: str, problems: list[Problem]) -> TextTable:
    header, widths = _sample_shape(_decoded_sample(path, encoding), dialect)
    width = Counter(widths).most_common(1)[0][0] if widths else len(header or [])
    fast = len(dialect.delimiter) == 1
    data = _read_with_arrow(path, dialect, encoding, width) if fast else None
    ragged: list[RaggedRow] = []
    row_lines = None
    if data is None:
        data, ragged, blank_lines, row_lines = _read_with_python(path, name, dialect, encoding, width)
        if blank_lines:
            problems.append(
                Problem("BLANK_LINES", f"{len(blank_lines)} blank lines (skipped, no record)", name, blank_lines[0], count=len(blank_lines))
            )
    data = _strip_leading_bom(data, name, problems)
    return TextTable(data, header, encoding, ragged, problems, row_lines)


def resolve_encoding(path: Path, declared: str, name: str, problems: list[Problem]) -> str:
    """The Python codec to decode a file with: its BOM first, then the declared encoding."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    for bom, codec in BOMS:
        if head.startswith(bom):
            return "utf-8-sig" if codec == "utf-8" else codec
    try:
        codec = codecs.lookup(declared or "UTF-8").name
    except LookupError:
        problems.append(Problem("ENCODING_UNKNOWN", f"encoding {declared!r} is unknown; UTF-8 assumed", name))
        codec = "utf-8"
    if codec.startswith(("utf-16", "utf-32")):
        with open(path, "rb") as handle:
            start = handle.read(4096)
        if start and b"\x00" not in start:
            # Declared UTF-16/32 but without a single zero byte: it is an 8-bit encoding.
            actual = detect_encoding(path)
            problems.append(Problem("ENCODING_INVALID", f"declared {declared} but the file is not; read as {actual}", name, 1))
            return actual
    if codec == "utf-16" and len(head) >= 2:
        # UTF-16 without BOM: ASCII text has its zero bytes on one side.
        codec = "utf-16-be" if head[0] == 0 and head[1] != 0 else "utf-16-le"
    return codec


def detect_encoding(path: Path) -> str:
    """Best guess for a file that is not what it claims (or claims nothing)."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        sample = head + handle.read(SAMPLE_BYTES * 16)
    for bom, codec in BOMS:
        if head.startswith(bom):
            return "utf-8-sig" if codec == "utf-8" else codec
    if _decodes(path, "utf-8"):
        return "utf-8"
    if len(sample) >= 2 and (sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4):
        return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    from charset_normalizer import from_bytes

    # Collection databases and spreadsheets on Windows write windows-1252; take it whenever
    # it decodes, and ask the detector only when it does not.
    if _decodes(path, "cp1252"):
        return "cp1252"
    best = from_bytes(sample, cp_isolation=["latin_1", "mac_roman", "cp850", "cp437"]).best()
    guess = codecs.lookup(best.encoding).name if best else None
    if guess and _decodes(path, guess):
        return guess
    return "latin-1"  # decodes any byte sequence


def _decodes(path: Path, codec: str) -> bool:
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 22):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _first_undecodable_line(path: Path, codec: str) -> int:
    decoder = codecs.getincrementaldecoder(codec)()
    line = 1
    with open(path, "rb") as handle:
        for raw in handle:
            try:
                decoder.decode(raw)
            except UnicodeDecodeError:
                return line
            line += 1
    return line


def _decoded_sample(path: Path, codec: str) -> str:
    """The start of the file as text (the last, maybe cut, character dropped)."""
    with open(path, "rb") as handle:
        raw = handle.read(SAMPLE_BYTES)
    try:
        return codecs.getincrementaldecoder(codec)().decode(raw, final=False)
    except UnicodeDecodeError:
        raise _NotDecodable from None


def _reader(handle, dialect: Dialect):
    if dialect.quote:
        return csv.reader(handle, delimiter=dialect.delimiter, quotechar=dialect.quote, doublequote=True, strict=False)
    return csv.reader(handle, delimiter=dialect.delimiter, quoting=csv.QUOTE_NONE, strict=False)


def _split_rows(handle, dialect: Dialect):
    """Rows of a file as (start line, fields); a blank line gives an empty list."""
    if len(dialect.delimiter) == 1:
        reader = _reader(handle, dialect)
        end = 0
        for row in reader:
            start, end = end + 1, reader.line_num
            yield start, row
    else:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\r\n")
            yield number, line.split(dialect.delimiter) if line else []


def _sample_shape(sample: str, dialect: Dialect) -> tuple[list[str] | None, list[int]]:
    """Header (first line when there are header lines) and field counts of sample rows."""
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of the sample may be cut short
    header: list[str] | None = None
    widths: list[int] = []
    rows = (row for _, row in _split_rows(io.StringIO("".join(lines), newline=""), dialect) if row)
    for index, row in enumerate(rows):
        if index < dialect.header_lines:
            if index == 0:
                header = row
            continue
        widths.append(len(row))
        if len(widths) >= SAMPLE_ROWS:
            break
    return header, widths


def _read_with_arrow(path: Path, dialect: Dialect, encoding: str, width: int) -> pd.DataFrame | None:
    """All rows with ``width`` fields, or None when some row has another number of fields."""
    if width == 0:
        return _empty(0)
    names = [str(i) for i in range(width)]
    odd_rows = []

    def keep_aside(row) -> str:
        odd_rows.append(row)
        return "skip"

    arrow_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names,
                skip_rows=dialect.header_lines,
                encoding=arrow_encoding,
                block_size=BLOCK_SIZE,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=dialect.delimiter,
                quote_char=dialect.quote or False,
                double_quote=True,
                newlines_in_values=bool(dialect.quote),
                # Blank lines then come through as rows of empty strings, found below at no
                # extra pass over the file; pyarrow would otherwise drop them unreported.
                ignore_empty_lines=False,
                invalid_row_handler=keep_aside,
            ),
            convert_options=pacsv.ConvertOptions(
                # large_string is what pandas' pyarrow-backed strings hold: no cast afterwards.
                column_types={n: pa.large_string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except UnicodeDecodeError:
        raise _NotDecodable from None
    except pa.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            return _empty(width)
        if "utf8" in str(exc).lower() or "decode" in str(exc).lower():
            raise _NotDecodable from None
        return None  # let the Python reader report the place
    if odd_rows:
        return None
    empty_rows = _all_empty_rows(table)
    if len(empty_rows):
        # Empty rows that are only the line ends closing the file are no records; any
        # other (a blank line, or a row of bare delimiters) goes to the Python reader,
        # which tells the two apart and reports blank lines by line number.
        trailing = table.num_rows - np.arange(len(empty_rows), 0, -1)
        if not (np.array_equal(empty_rows, trailing) and len(empty_rows) == _closing_blank_lines(path, encoding)):
            return None
        table = table.slice(0, table.num_rows - len(empty_rows))
    table = _share_empty_columns(table)
    frame = table.to_pandas(types_mapper=lambda t: STRING if t in (pa.string(), pa.large_string()) else None)
    frame.columns = range(width)
    return frame


def _share_empty_columns(table: pa.Table) -> pa.Table:
    """Columns with no text at all (common: exports carry every term, most of them unused)
    all point to one buffer of zero offsets instead of holding 8 bytes per row each."""
    empty = [i for i, column in enumerate(table.columns) if column.null_count == 0 and all(_no_text(c) for c in column.chunks)]
    if not empty:
        return table
    rows = table.num_rows
    zeros = pa.py_buffer(np.zeros(rows + 1, dtype=np.int64))
    shared = pa.chunked_array([pa.Array.from_buffers(pa.large_string(), rows, [None, zeros, pa.py_buffer(b"")])])
    for i in empty:
        table = table.set_column(i, table.field(i), shared)
    pa.default_memory_pool().release_unused()  # hand the parser's freed blocks back
    return table


def _no_text(chunk: pa.Array) -> bool:
    if not len(chunk):
        return True
    offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)
    return offsets[chunk.offset + len(chunk)] == offsets[chunk.offset]


def _all_empty_rows(table: pa.Table) -> np.ndarray:
    """Positions of rows whose every value is empty, narrowed column by column."""
    candidates: np.ndarray | None = None
    for column in table.columns:
        values = column if candidates is None else column.take(candidates)
        empty = pc.equal(pc.binary_length(values), 0).to_numpy(zero_copy_only=False)
        candidates = np.flatnonzero(empty) if candidates is None else candidates[empty]
        if not len(candidates):
            break
    return np.empty(0, dtype=np.int64) if candidates is None else candidates


def _closing_blank_lines(path: Path, codec: str) -> int:
    """How many empty lines follow the last line with text at the end of the file."""
    with open(path, "rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - SAMPLE_BYTES))
        tail = handle.read()
    try:
        text = codecs.getincrementaldecoder(codec)(errors="ignore").decode(tail, final=True)
    except LookupError:
        return -1
    body = text.rstrip("\r\n")
    if not body:
        return -1  # nothing but line ends in the tail: let the Python reader count
    ends = text[len(body):]
    # One line end closes the last record; each further one is an empty line.
    return max(0, len(ends.replace("\r\n", "\n").replace("\r", "\n")) - 1)


def _read_with_python(path: Path, name: str, dialect: Dialect, encoding: str, width: int):
    rows: list[list[str]] = []
    ragged: list[RaggedRow] = []
    blank_lines: list[int] = []
    starts: list[int] = []
    try:
        with open(path, encoding=encoding, newline="") as handle:
            index = 0
            for line, row in _split_rows(handle, dialect):
                if not row:
                    # Blank lines are no records (as in pyarrow and GBIF's reader), but are reported.
                    blank_lines.append(line)
                    continue
                index += 1
                if index <= dialect.header_lines:
                    continue
                if len(row) != width:
                    ragged.append(RaggedRow(name, line, len(rows), len(row), width))
                rows.append(row)
                starts.append(line)
    except UnicodeDecodeError:
        raise _NotDecodable from None
    # Empty lines after the last record are the file's end, not blank lines between records.
    last = starts[-1] if starts else 0
    blank_lines = [line for line in blank_lines if line < last]
    columns = max([width, *(len(r) for r in rows)]) if rows else width
    lines = np.asarray(starts, dtype=np.int64)
    if not rows:
        return _empty(columns), ragged, blank_lines, lines
    if ragged:
        rows = [row + [None] * (columns - len(row)) if len(row) < columns else row for row in rows]
    return pd.DataFrame(rows, columns=range(columns), dtype=STRING), ragged, blank_lines, lines


def _strip_leading_bom(frame: pd.DataFrame, name: str, problems: list[Problem]) -> pd.DataFrame:
    """A BOM inside the data (files concatenated after export) is an encoding artefact."""
    if frame.empty or 0 not in frame.columns:
        return frame
    first = frame[0]
    has_bom = first.str.startswith("\ufeff").fillna(False)
    count = int(has_bom.sum())
    if count:
        frame[0] = first.where(~has_bom, first.str.lstrip("\ufeff"))
        problems.append(Problem("BOM_IN_DATA", f"{count} rows start with a byte-order mark; it was removed", name, count=count))
    return frame


def _empty(width: int) -> pd.DataFrame:
    return pd.DataFrame({i: pd.Series([], dtype=STRING) for i in range(width)})
