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
    """Per row of a column. Only ``present`` is kept whole; the rarer kinds are kept as row
    positions, so that a run over hundreds of columns holds one byte per cell, not four."""

    present: np.ndarray  # bool: a real value (not empty, not only blanks, not a placeholder)
    blank_edges_rows: np.ndarray  # int64: starts or ends with a blank (blank-only included)
    blank_only_rows: np.ndarray  # int64: nothing but blanks
    placeholder_rows: np.ndarray  # int64: a null placeholder such as NULL or \N, blanks ignored

    def _mask(self, rows: np.ndarray) -> np.ndarray:
        mask = np.zeros(len(self.present), dtype=bool)
        mask[rows] = True
        return mask

    @property
    def blank_edges(self) -> np.ndarray:
        return self._mask(self.blank_edges_rows)

    @property
    def blank_only(self) -> np.ndarray:
        return self._mask(self.blank_only_rows)

    @property
    def placeholder(self) -> np.ndarray:
        return self._mask(self.placeholder_rows)

    @property
    def empty(self) -> np.ndarray:
        """Missing or the empty string."""
        empty = ~self.present
        empty[self.blank_only_rows] = False
        empty[self.placeholder_rows] = False
        return empty


def scan(values: pd.Series) -> Cells:
    """Scan a column of strings (pyarrow-backed or not; missing values allowed)."""
    rows = len(values)
    empty = np.zeros(rows, dtype=bool)
    edges, blank_only, placeholder = [], [], []
    start = 0
    for chunk in _arrow_chunks(values):
        found = _scan_chunk(chunk, empty[start : start + len(chunk)])
        for kept, more in zip((edges, blank_only, placeholder), found):
            kept.append(more + start)
        start += len(chunk)

    def joined(parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    present = ~empty
    edges_rows, blank_rows, placeholder_rows = joined(edges), joined(blank_only), joined(placeholder)
    present[blank_rows] = False
    present[placeholder_rows] = False
    return Cells(present, edges_rows, blank_rows, placeholder_rows)


def _arrow_chunks(values: pd.Series) -> list[pa.Array]:
    array = values.array
    if hasattr(array, "__arrow_array__") and isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        arrow = array.__arrow_array__()
    else:
        arrow = pa.array(values.astype(object).where(values.notna(), None), type=pa.large_string(), from_pandas=True)
    chunks = arrow.chunks if isinstance(arrow, pa.ChunkedArray) else [arrow]
    return [c if c.type == pa.large_string() else c.cast(pa.large_string()) for c in chunks]


def _scan_chunk(chunk: pa.Array, empty: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Marks ``empty`` in place; returns the chunk's rows with blank edges, blanks only and
    placeholders."""
    none = np.empty(0, dtype=np.int64)
    rows = len(chunk)
    if rows == 0:
        return none, none, none
    _validity, offsets_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[chunk.offset : chunk.offset + rows + 1]
    if offsets[-1] == offsets[0]:  # no text at all: every value empty or missing
        empty[:] = True
        return none, none, none
    starts, ends = offsets[:-1], offsets[1:]
    filled_mask = ends != starts
    if chunk.null_count:
        filled_mask &= chunk.is_valid().to_numpy(zero_copy_only=False)
    empty |= ~filled_mask
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(1, np.uint8)
    filled_count = int(np.count_nonzero(filled_mask))
    if not filled_count:
        return none, none, none
    if filled_count > rows // 2:
        # Mostly filled: the first and last byte of every row (an empty one reads a
        # neighbour's, masked out), without gathering the row numbers first.
        first = data.take(starts, mode="clip")
        last = data.take(ends - 1, mode="clip")
        may_blank = filled_mask & (_MAY_START_BLANK[first] | _MAY_END_BLANK[last])
        candidates = np.flatnonzero(may_blank)
        sized = np.flatnonzero(filled_mask & _PLACEHOLDER_START[first])
    else:
        filled = np.flatnonzero(filled_mask)
        first = data[starts[filled]]
        last = data[ends[filled] - 1]
        candidates = filled[_MAY_START_BLANK[first] | _MAY_END_BLANK[last]]
        sized = filled[_PLACEHOLDER_START[first]]
    edges = blank_only = placeholder = none
    if len(candidates):
        # Distinct candidate texts, each stripped once.
        texts = pd.Series(chunk.take(pa.array(candidates)).to_numpy(zero_copy_only=False), dtype=object)
        codes, distinct = pd.factorize(texts)
        stripped = [value.strip() for value in distinct]
        edges = candidates[np.array([s != v for s, v in zip(stripped, distinct)], dtype=bool)[codes]]
        blank_only = candidates[np.array([not s for s in stripped], dtype=bool)[codes]]
        placeholder = candidates[np.array([s in _PLACEHOLDER_SET for s in stripped], dtype=bool)[codes]]
    # Placeholders without blanks around them: exact matches among values of their first
    # bytes and lengths.
    if len(sized):
        lengths = np.minimum(ends[sized] - starts[sized], len(_PLACEHOLDER_LENGTH) - 1)
        sized = sized[_PLACEHOLDER_LENGTH[lengths]]
    if len(sized):
        hits = pc.is_in(chunk.take(pa.array(sized)), value_set=_PLACEHOLDERS).to_numpy(zero_copy_only=False)
        placeholder = np.union1d(placeholder, sized[hits])
    return edges, blank_only, placeholder
