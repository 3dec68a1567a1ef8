"""Numbers in verbatim strings (depths, elevations, counts, day numbers), per distinct value.

Darwin Core asks for plain decimal numbers with a ``.`` (``1200``, ``-3.5``, ``1.2e3``) in the
``...InMeters`` terms and whole numbers in ``individualCount``, ``year``, ``month``, ``day``,
``startDayOfYear``, ``endDayOfYear``. Anything else (``1200 ft``, ``ca. 910``, ``1860-1960 m``,
``5,130``) is *not numeric*; when it names an imperial unit (ft, feet, ', yd, mi) it is also
*not metric*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dwcqa.parse import distinct_arrow, empty_or_null, expand, matches, trimmed, with_missing_slot

DECIMAL = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
INTEGER = r"^[+-]?\d+$"
# an imperial length unit right after a number: "750 ft", "5,130 ft.", "1200'", "300 yards"
IMPERIAL = r"(?i)\d\s*(?:ft\b|ft\.|feet\b|foot\b|'|′|yds?\b|yards?\b|mi\b|miles?\b)"


def _per_record(name: str, doc: str) -> property:
    """A per-record array, expanded on access from the values per distinct value."""
    return property(lambda self: expand(self.codes, self.per_distinct[name]), doc=doc)


@dataclass(frozen=True)
class Numbers:
    """One entry per record, computed on access from the record's distinct value: a column
    keeps 4 bytes per record (its codes) instead of 11."""

    codes: np.ndarray  # int32 per record: its distinct value, -1 where missing
    per_distinct: dict[str, np.ndarray]  # per distinct value, then one slot for missing

    present = _per_record("present", "bool: has a value (not empty, not a verbatim null).")
    numeric = _per_record("numeric", "bool: present and a plain number (integer only, when parsed as such).")
    value = _per_record("value", "float64: the number, NaN where not numeric.")
    imperial = _per_record("imperial", "bool: present, not numeric, and names an imperial unit.")

    @property
    def non_numeric(self) -> np.ndarray:
        return self.per_record(lambda v: v["present"] & ~v["numeric"])

    def per_record(self, per_distinct) -> np.ndarray:
        """``per_distinct(values)``, worked out on the arrays per distinct value (``present``,
        ``numeric``, ``value``, ``imperial``), then expanded to one entry per record."""
        return expand(self.codes, per_distinct(self.per_distinct))


_MISSING = {"present": False, "numeric": False, "value": np.nan, "imperial": False}
_DTYPES = {"present": bool, "numeric": bool, "value": np.float64, "imperial": bool}


def _parse_unique(array: pa.Array, integer: bool) -> dict[str, np.ndarray]:
    absent = empty_or_null(array)
    stripped = trimmed(array)
    numeric = matches(stripped, INTEGER if integer else DECIMAL) & ~absent
    as_text = pc.if_else(pa.array(numeric), stripped, pa.scalar(None, pa.string()))
    values = pc.cast(as_text, pa.float64(), safe=False)
    value = np.asarray(pc.fill_null(values, np.nan).to_numpy(zero_copy_only=False), dtype=np.float64)
    numeric &= np.isfinite(value)
    imperial = ~absent & ~numeric & matches(stripped, IMPERIAL)
    return {"present": ~absent, "numeric": numeric, "value": value, "imperial": imperial}


def parse_numbers(values: pd.Series | None, records: int, integer: bool = False) -> Numbers:
    """Parse a column of verbatim numbers (None = the term is absent)."""
    codes, uniques = distinct_arrow(values) if values is not None else (None, ())
    if len(uniques) == 0:
        nothing = {k: np.array([fill], dtype=_DTYPES[k]) for k, fill in _MISSING.items()}
        return Numbers(np.broadcast_to(np.int32(-1), (records,)), nothing)  # read-only, no memory
    parsed = _parse_unique(uniques, integer)
    return Numbers(codes.astype(np.int32), {k: with_missing_slot(v, _MISSING[k]) for k, v in parsed.items()})
