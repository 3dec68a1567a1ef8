"""Amendments of the text itself, for every mapped term of the core: blanks and placeholders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dwcqa.amend.registry import CLEAN, amendment
from dwcqa.checks.context import Context
from dwcqa.terms import DWC

# Characters nobody can see that have no business in a value: C0/C1 control characters other
# than tab and line breaks, the byte-order mark, zero-width space, word joiner, soft hyphen.
# (Zero-width (non-)joiners stay: some scripts need them.)
NON_PRINTING = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\x{00ad}\x{200b}\x{2060}\x{feff}]"

# Placeholders that are real values in some terms: NA is Namibia's country code; "?" is what
# identificationQualifier is for.
NULLS_KEPT = {DWC + "countryCode": {"NA"}, DWC + "identificationQualifier": {"?"}}


def _mapped_columns(context: Context) -> list[tuple[str, pd.Series]]:
    """(term, verbatim column) of the core, each column once."""
    seen: set[int] = set()
    found = []
    for f in context.core.spec.fields:
        if f.index is None or f.index in seen or not f.term:
            continue
        values = context.core.verbatim(f.term)
        if values is not None and context.core.field(f.term) is f:
            seen.add(f.index)
            found.append((f.term, values))
    return found


def _arrow(values: pd.Series) -> pa.Array:
    array = pa.array(values.array) if isinstance(values.dtype, pd.StringDtype) else pa.array(values.astype("string[pyarrow]").array)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


# Bytes that may start a non-printing character in UTF-8: C0 controls other than tab and line
# breaks, DEL, and the lead bytes of U+0080-U+00AD (C2), U+200B/U+2060 (E2) and U+FEFF (EF).
_SUSPECT = np.zeros(256, dtype=bool)
_SUSPECT[[*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xC2, 0xE2, 0xEF]] = True


def _may_hold_non_printing(array: pa.Array) -> bool:
    data = array.buffers()[2] if len(array) else None
    return data is not None and bool(_SUSPECT[np.frombuffer(data, dtype=np.uint8)].any())


def cleaned(values: pd.Series) -> pd.Series:
    """Values without non-printing characters and without blanks around them."""
    array = _arrow(values)
    if _may_hold_non_printing(array):
        array = pc.replace_substring_regex(array, pattern=NON_PRINTING, replacement="")
    return pd.Series(pd.arrays.ArrowStringArray(pc.utf8_trim_whitespace(array)), index=values.index)


@amendment(
    id="WHITESPACE_TRIMMED",
    title="Blanks and invisible characters removed",
    explanation="""Removes spaces, tabs and line breaks at the start and end of every value of the
    core's mapped terms, and invisible characters anywhere in them (control characters, zero-width
    spaces, byte-order marks, soft hyphens). They make identifiers, names and codes differ from the
    same value without them, so links and vocabulary matches fail. Line breaks inside a value (e.g.
    in remarks) are kept.""",
    terms=("*",),
    stage=CLEAN,
)
def whitespace_trimmed(context: Context):
    changes = {}
    for term, values in _mapped_columns(context):
        if len(values) == 0:
            continue
        if not _may_hold_non_printing(_arrow(values)):
            # Only blanks at the edges can change, and the context's scan of the column (shared
            # with the checks and VERBATIM_NULL_EMPTIED) knows the rows: trim those alone.
            edges = context.cells(term, effective=False).blank_edges_rows
            if not len(edges):
                continue
            values = values.iloc[edges]
        new = cleaned(values)
        # Cleaning only ever removes characters: a changed value is a shorter one.
        before = pc.utf8_length(_arrow(values))
        after = pc.utf8_length(_arrow(new))
        differs = np.asarray(pc.fill_null(pc.not_equal(before, after), False).to_numpy(zero_copy_only=False), dtype=bool)
        if differs.any():
            changes[term] = new[differs]
    return changes


@amendment(
    id="VERBATIM_NULL_EMPTIED",
    title="Placeholders such as NULL or N/A emptied",
    explanation="""Empties values that only say "no value": NULL, \\N, NA, N/A, #N/A, NaN, None, -,
    --, ?, unknown (as the VERBATIM_NULL check finds them), in every mapped term of the core. GBIF
    would otherwise read them as real values (a locality called "NULL"). Kept: NA in countryCode
    (Namibia) and ? in identificationQualifier (its purpose).""",
    terms=("*",),
    stage=CLEAN,
)
def verbatim_null_emptied(context: Context):
    changes = {}
    for term, values in _mapped_columns(context):
        if len(values) == 0:
            continue
        # The context's scan of the column (shared with the checks) marks the placeholders.
        rows = context.cells(term, effective=False).placeholder_rows
        kept = NULLS_KEPT.get(term)
        if kept and len(rows):
            stripped = pc.utf8_trim_whitespace(_arrow(values.iloc[rows]))
            is_kept = pc.is_in(stripped, value_set=pa.array(sorted(kept), type=stripped.type))
            rows = rows[~np.asarray(pc.fill_null(is_kept, False).to_numpy(zero_copy_only=False), dtype=bool)]
        if len(rows):
            changes[term] = pd.Series("", index=rows, dtype="string[pyarrow]")
    return changes
