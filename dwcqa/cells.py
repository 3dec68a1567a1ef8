"""What each cell of a verbatim column holds: empty, blank-edged, a null placeholder, a value.

Every check that asks "is there a value here?" needs this for every column, so it is computed
on the Arrow buffers of the column rather than by stripping every string: the first and last
byte of each value are gathered through the offsets, and only values that may start or end
with a blank, or that have the length of a placeholder, are looked at as text (each distinct
value once). Blanks are what Python's ``str.strip`` removes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Values that stand for "no value" in database and spreadsheet exports.
VERBATIM_NULLS = ("NULL", "null", "Null", "\\N", "NA", "N/A", "n/a", "#N/A", "NaN", "nan", "None", "none", "-", "--", "?", "unknown", "Unknown", "UNKNOWN")

# Byte lengths a placeholder can have, as a lookup table (longer lengths clipped to its end).
_PLACEHOLDER_LENGTH = np.zeros(max(len(v.encode()) for v in VERBATIM_NULLS) + 2, dtype=bool)
_PLACEHOLDER_LENGTH[[len(v.encode()) for v in VERBATIM_NULLS]] = True
_PLACEHOLDER_START = np.zeros(256, dtype=bool)
_PLACEHOLDER_START[[v.encode()[0] for v in VERBATIM_NULLS]] = True
_PLACEHOLDERS = pa.array(VERBATIM_NULLS, type=pa.large_string())
_PLACEHOLDER_SET = frozenset(VERBATIM_NULLS)

# Bytes a blank can start with (ASCII blanks; the lead bytes of U+0085, U+00A0, U+1680,
# U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) and end with (ASCII blanks, any
# continuation byte). A candidate is confirmed on its text.
_MAY_START_BLANK = np.zeros(256, dtype=bool)
_MAY_START_BLANK[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0xC2, 0xE1, 0xE2, 0xE3]] = True
_MAY_END_BLANK = np.zeros(256, dtype=bool)
_MAY_END_BLANK[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_MAY_END_BLANK[0x80:0xC0] = True


@dataclass(frozen=True)
class Cells:
    """Boolean arrays, one entry per row."""

    empty: np.ndarray  # missing or the empty string
    blank_edges: np.ndarray  # starts or ends with a blank (includes blank-only values)
    blank_only: np.ndarray  # nothing but blanks
    placeholder: np.ndarray  # a null placeholder such as NULL or \N, blanks around it ignored

    @property
    def present(self) -> np.ndarray:
        """A real value: not empty, not only blanks, not a placeholder."""
        return ~(self.empty | self.blank_only | self.placeholder)


def scan(values: pd.Series) -> Cells:
    """Scan a column of strings (pyarrow-backed or not; missing values allowed)."""
    rows = len(values)
    empty = np.zeros(rows, dtype=bool)
    edges = np.zeros(rows, dtype=bool)
    blank_only = np.zeros(rows, dtype=bool)
    placeholder = np.zeros(rows, dtype=bool)
    start = 0
    for chunk in _arrow_chunks(values):
        stop = start + len(chunk)
        _scan_chunk(chunk, empty[start:stop], edges[start:stop], blank_only[start:stop], placeholder[start:stop])
        start = stop
    return Cells(empty, edges, blank_only, placeholder)


def _arrow_chunks(values: pd.Series) -> list[pa.Array]:
    array = values.array
    if hasattr(array, "__arrow_array__") and isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        arrow = array.__arrow_array__()
    else:
        arrow = pa.array(values.astype(object).where(values.notna(), None), type=pa.large_string(), from_pandas=True)
    chunks = arrow.chunks if isinstance(arrow, pa.ChunkedArray) else [arrow]
    return [c if c.type == pa.large_string() else c.cast(pa.large_string()) for c in chunks]


def _scan_chunk(chunk: pa.Array, empty: np.ndarray, edges: np.ndarray, blank_only: np.ndarray, placeholder: np.ndarray) -> None:
    rows = len(chunk)
    if rows == 0:
        return
    _validity, offsets_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[chunk.offset : chunk.offset + rows + 1]
    if offsets[-1] == offsets[0]:  # no text at all: every value empty or missing
        empty[:] = True
        return
    lengths = np.diff(offsets)
    missing = chunk.is_null().to_numpy(zero_copy_only=False) if chunk.null_count else None
    if missing is not None:
        lengths = np.where(missing, 0, lengths)
    empty |= lengths == 0
    filled = np.flatnonzero(lengths)
    if not len(filled):
        return
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    first = data[offsets[filled]]
    last = data[offsets[filled + 1] - 1]
    candidates = filled[_MAY_START_BLANK[first] | _MAY_END_BLANK[last]]
    if len(candidates):
        # Distinct candidate texts, each stripped once.
        texts = pd.Series(chunk.take(pa.array(candidates)).to_numpy(zero_copy_only=False), dtype=object)
        codes, distinct = pd.factorize(texts)
        stripped = [value.strip() for value in distinct]
        has_edges = np.array([s != v for s, v in zip(stripped, distinct)], dtype=bool)[codes]
        is_blank = np.array([not s for s in stripped], dtype=bool)[codes]
        is_null = np.array([s in _PLACEHOLDER_SET for s in stripped], dtype=bool)[codes]
        edges[candidates] = has_edges
        blank_only[candidates] = is_blank
        placeholder[candidates] = is_null
    # Placeholders without blanks around them: exact matches among values of their first
    # bytes and lengths.
    sized = filled[_PLACEHOLDER_START[first] & _PLACEHOLDER_LENGTH[np.minimum(lengths[filled], len(_PLACEHOLDER_LENGTH) - 1)]]
    if len(sized):
        hits = pc.is_in(chunk.take(pa.array(sized)), value_set=_PLACEHOLDERS).to_numpy(zero_copy_only=False)
        placeholder[sized[hits]] = True
