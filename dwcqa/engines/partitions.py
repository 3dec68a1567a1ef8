"""Byte ranges of delimited data files, each read the way ``dwcqa.archive.read`` reads a file.

A data file is cut into pieces of about ``blocksize`` bytes at record boundaries. The first
piece of a file holds its header lines; every piece is parsed with the reader's own code
(:mod:`dwcqa.archive.text`): pyarrow with every column a string, empty = "", the meta.xml
dialect, and the Python csv module where pyarrow meets ragged rows or empty rows (the reader's
rule, applied to the piece), so that a piece yields exactly the rows (values, ragged rows,
blank lines, byte-order marks) the reader would have produced for that part of the file.

Where a piece may be cut:

- after a line feed, so never inside a line; pieces never start or end next to a blank line
  (blank lines stay inside a piece, where they are counted) nor right before a byte-order mark;
- in a dialect with a quote character, only where the number of quote characters before the
  cut is even, so never inside a quoted value that holds a line break (RFC 4180). A quote
  character inside an *unquoted* value (not RFC 4180) can mislead this; such files are rare
  and show up as ragged rows;
- never in files in UTF-16 or UTF-32 (a line feed is two or four bytes there): such a file is
  one piece.

Nothing here imports dask.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pandas as pd

from dwcqa.archive.model import STRING, Dialect, RaggedRow
from dwcqa.archive.text import _NotDecodable, _read_with_arrow, _read_with_python, _strip_leading_bom

WINDOW = 1 << 20
SCAN_CHUNK = 1 << 23
LF, CR = 0x0A, 0x0D
# Codecs whose line ends are single bytes that never occur inside another character.
_UNSPLITTABLE = ("utf-16", "utf-32")


@dataclass(frozen=True)
class Source:
    """One data file of a table, with what the reader decided about it before parsing."""

    table: int  # position in Archive.tables (0 = core)
    position: int  # among the table's files that exist
    name: str  # the file as messages name it (archive-relative)
    path: str  # where workers read it
    dialect: Dialect  # encoding = the Python codec the file is decoded with
    width: int  # fields per row (the most common count in the first rows)
    size: int


@dataclass(frozen=True)
class Piece:
    """A byte range of a data file: one partition."""

    source: Source
    number: int  # partition number within its table, in file order
    start: int
    end: int
    first: bool  # holds the file's header lines
    last: bool
    python: bool = False  # parse with the Python csv reader (set for every piece of a file, see engines.dask._revise)
    pad: int = 0  # pad the frame with missing columns to this width (the table's width)


@dataclass
class PieceText:
    """What reading a piece gave: the rows, and what the reader noticed (piece-local numbers)."""

    data: pd.DataFrame | None
    lines: int  # physical lines in the byte range
    width: int = 0  # columns of the frame before padding
    ragged: list[RaggedRow] = field(default_factory=list)  # rows and lines counted from the piece
    blank_lines: list[int] = field(default_factory=list)
    bom: int = 0  # rows that started with a byte-order mark (removed)
    undecodable: bool = False  # not valid in the codec: the whole file must be read otherwise
    used_python: bool = False  # the Python reader was needed (ragged rows, blank lines, ...)


def splittable(codec: str) -> bool:
    return not codec.lower().replace("_", "-").startswith(_UNSPLITTABLE)


def split(source: Source, blocksize: int) -> list[tuple[int, int]]:
    """Byte ranges ``[start, end)`` covering the file, cut at record boundaries."""
    size = source.size
    if size <= blocksize or blocksize <= 0 or not splittable(source.dialect.encoding):
        return [(0, size)]
    quote = _quote_byte(source.dialect)
    cuts: list[int] = []
    with open(source.path, "rb") as handle:
        fd = handle.fileno()
        quotes = _QuoteIndex(fd, size, quote) if quote is not None else None
        header_end = _after_header(fd, size, source.dialect.header_lines, quote)
        target = max(blocksize, header_end)
        while target < size:
            cut = _cut_at_or_after(fd, size, target, quotes)
            if cut is None:
                break
            cuts.append(cut)
            target = cut + blocksize
    bounds = [0, *cuts, size]
    return [(a, b) for a, b in zip(bounds[:-1], bounds[1:])]


def pieces(source: Source, blocksize: int, first_number: int, python: bool = False, pad: int = 0) -> list[Piece]:
    ranges = split(source, blocksize)
    return [
        Piece(source, first_number + i, start, end, i == 0, i == len(ranges) - 1, python, pad)
        for i, (start, end) in enumerate(ranges)
    ]


def _quote_byte(dialect: Dialect) -> int | None:
    if not dialect.quote:
        return None
    encoded = dialect.quote.encode("utf-8")
    return encoded[0] if len(encoded) == 1 else None


class _QuoteIndex:
    """How many quote bytes come before a position (one sequential pass over the file)."""

    def __init__(self, fd: int, size: int, quote: int) -> None:
        self.fd, self.quote = fd, bytes([quote])
        self.before: list[int] = []  # quotes before each chunk
        total, offset = 0, 0
        while offset < size:
            chunk = os.pread(fd, SCAN_CHUNK, offset)
            if not chunk:
                break
            self.before.append(total)
            total += chunk.count(self.quote)
            offset += len(chunk)

    def count_before(self, position: int) -> int:
        chunk = position // SCAN_CHUNK
        if chunk >= len(self.before):
            chunk = len(self.before) - 1
        start = chunk * SCAN_CHUNK
        return self.before[chunk] + os.pread(self.fd, position - start, start).count(self.quote)


def _after_header(fd: int, size: int, header_lines: int, quote: int | None) -> int:
    """The offset after the header lines (non-blank lines, quoted line breaks included)."""
    if header_lines <= 0:
        return 0
    offset, seen, inside = 0, 0, False
    while offset < size:
        chunk = os.pread(fd, WINDOW, offset)
        if not chunk:
            break
        line_start = 0
        for index, byte in enumerate(chunk):
            if quote is not None and byte == quote:
                inside = not inside
            elif byte == LF and not inside:
                if index > line_start and chunk[line_start:index].strip(b"\r"):
                    seen += 1
                if seen >= header_lines:
                    return offset + index + 1
                line_start = index + 1
        offset += len(chunk)
    return size


def _cut_at_or_after(fd: int, size: int, target: int, quotes: _QuoteIndex | None) -> int | None:
    """The first valid cut at or after ``target`` (a position right after a line feed)."""
    position = target
    while position < size:
        base = max(position - 4, 0)
        buffer = os.pread(fd, WINDOW + 8, base)
        if not buffer:
            return None
        index = buffer.find(b"\n", max(position - 1 - base, 0))
        while index >= 0:
            cut = base + index + 1
            if cut >= size:
                return None
            if _valid_cut(fd, cut, size, buffer, base) and (quotes is None or quotes.count_before(cut) % 2 == 0):
                return cut
            index = buffer.find(b"\n", index + 1)
        if base + len(buffer) >= size:
            return None
        position = max(position + 1, base + len(buffer) - 3)
    return None


def _valid_cut(fd: int, cut: int, size: int, buffer: bytes, base: int) -> bool:
    """Not next to a blank line, not right before a byte-order mark."""
    ahead = buffer[cut - base : cut - base + 3]
    if len(ahead) < 3:
        ahead = os.pread(fd, 3, cut)
    if not ahead or ahead[0] in (LF, CR) or ahead.startswith(codecs.BOM_UTF8):
        return False
    end = cut - 1  # the line feed
    if end - 1 >= 0 and _byte(fd, end - 1, buffer, base) == CR:
        end -= 1
    return end > 0 and _byte(fd, end - 1, buffer, base) not in (LF, CR)


def _byte(fd: int, position: int, buffer: bytes, base: int) -> int:
    if base <= position < base + len(buffer):
        return buffer[position - base]
    return os.pread(fd, 1, position)[0]


# -- reading ----------------------------------------------------------------------------------


def read_bytes(piece: Piece) -> bytes:
    with open(piece.source.path, "rb") as handle:
        return os.pread(handle.fileno(), piece.end - piece.start, piece.start)


def count_lines(raw: bytes) -> int:
    """Physical lines as Python's csv module counts them (\\n, \\r and \\r\\n each end one)."""
    return raw.count(b"\n") + raw.count(b"\r") - raw.count(b"\r\n")


def read_piece(piece: Piece) -> PieceText:
    """The rows of a piece, as ``dwcqa.archive.text.read_text_table`` reads them.

    The reader's own rule decides, per piece: pyarrow, unless some row has another number of
    fields or some row is empty other than the line ends that close the file (only the last
    piece of a file can end with those: cuts never sit next to a blank line); then the Python
    csv module, which reports ragged rows and blank lines by line.
    """
    source = piece.source
    dialect = source.dialect if piece.first else dataclasses.replace(source.dialect, header_lines=0)
    codec = source.dialect.encoding
    raw = read_bytes(piece)
    text = PieceText(None, count_lines(raw))
    python = piece.python or len(dialect.delimiter) != 1
    data = None
    with _staged(piece, raw) as path:
        del raw
        try:
            if not python:
                data = _read_with_arrow(path, dialect, codec, source.width)
                python = data is None
            if python:
                text.used_python = True
                data, text.ragged, text.blank_lines, _ = _read_with_python(path, source.name, dialect, codec, source.width)
        except _NotDecodable:
            text.undecodable = True
            return text
    problems: list = []
    data = _strip_leading_bom(data, source.name, problems)
    text.bom = sum(p.count or 0 for p in problems if p.code == "BOM_IN_DATA")
    text.width = data.shape[1]
    for position in range(data.shape[1], piece.pad):
        data[position] = pd.Series(pd.NA, index=data.index, dtype=STRING)
    text.data = data
    return text


@contextmanager
def _staged(piece: Piece, raw: bytes) -> Iterator[Path]:
    """The piece as a file the reader's functions can open and read by path.

    The data file itself when the piece is all of it; otherwise a copy of the piece's bytes:
    in an anonymous in-memory file where the system has them (Linux), else a temporary file.
    """
    source = piece.source
    if piece.start == 0 and piece.end == source.size:
        yield Path(source.path)
        return
    if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        fd = os.memfd_create("dwcqa-piece", getattr(os, "MFD_CLOEXEC", 0))
        try:
            with open(fd, "wb", closefd=False) as handle:
                handle.write(raw)
            yield Path(f"/proc/self/fd/{fd}")
        finally:
            os.close(fd)
        return
    with tempfile.NamedTemporaryFile(prefix="dwcqa-piece-", suffix=".txt", delete=False) as handle:
        handle.write(raw)
        path = Path(handle.name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
