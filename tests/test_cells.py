"""dwcqa.cells: the per-cell scan every completeness and placeholder check relies on."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from dwcqa.cells import VERBATIM_NULLS, scan, value_fingerprints

STRING = pd.StringDtype("pyarrow")

VALUES = [
    "Bufo bufo",  # a value
    "",  # empty
    None,  # missing (ragged row)
    " Bufo",  # leading space
    "Bufo\t",  # trailing tab
    "\u00a0Pica",  # leading no-break space
    "Pica\u3000",  # trailing ideographic space
    "Zürich é",  # ends with a continuation byte but no blank
    "   ",  # blanks only
    "NULL",  # placeholder
    " \\N ",  # placeholder with blanks around it
    "NA ",  # placeholder with a trailing blank
    "null value",  # not a placeholder
    "NaNa",  # not a placeholder
    "\u2003",  # em space only
    "-",
]


def expected(values):
    text = ["" if v is None else v for v in values]
    stripped = [t.strip() for t in text]
    return {
        "empty": np.array([t == "" for t in text]),
        "blank_edges": np.array([s != t for s, t in zip(stripped, text)]),
        "blank_only": np.array([t != "" and s == "" for s, t in zip(stripped, text)]),
        "placeholder": np.array([s in VERBATIM_NULLS for s in stripped]),
    }


@pytest.mark.parametrize("dtype", [STRING, object, "str"])
def test_scan_agrees_with_python_strip_on_each_kind_of_value(dtype):
    cells = scan(pd.Series(VALUES, dtype=dtype))
    for name, want in expected(VALUES).items():
        assert getattr(cells, name).tolist() == want.tolist(), name
    assert cells.present.tolist() == [True, False, False, True, True, True, True, True, False, False, False, False, True, True, False, False]


@pytest.mark.parametrize("rows", [1, 7, 8, 9, 16, 1001])
def test_present_count_counts_the_present_rows_whatever_the_padding(rows):
    values = pd.Series((VALUES * (rows // len(VALUES) + 1))[:rows], dtype=STRING)
    cells = scan(values)
    assert cells.present_count == int(cells.present.sum())
    assert cells.present_count == sum(1 for v in values if isinstance(v, str) and v.strip() and v.strip() not in VERBATIM_NULLS)


def test_scan_of_a_chunked_sliced_column_keeps_row_positions():
    # Columns read in blocks are chunked; slices start inside a buffer (offset > 0).
    chunks = [pa.array(VALUES[:7], type=pa.large_string()), pa.array(["x", *VALUES[7:]], type=pa.large_string()).slice(1)]
    values = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks)))
    cells = scan(values)
    for name, want in expected(VALUES).items():
        assert getattr(cells, name).tolist() == want.tolist(), name


@pytest.mark.parametrize("filled_share", [0.9, 0.1])
def test_scan_of_many_chunks_agrees_with_one_chunk(filled_share):
    # Mostly filled and mostly empty columns take different paths; the chunks include an
    # empty one, one without any text and sliced ones, as a reader's blocks can be.
    rng = np.random.default_rng(7)
    values = [rng.choice(VALUES) if rng.random() < filled_share else rng.choice(["", None]) for _ in range(3000)]
    values[1000:1200] = [""] * 200
    cuts = [0, 1, 400, 400, 1000, 1200, 2999, 3000]
    chunks = [pa.array(["pad", *values[a:b]], type=pa.large_string()).slice(1) for a, b in zip(cuts, cuts[1:])]
    cells = scan(pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=pa.large_string()))))
    for name, want in expected(values).items():
        assert getattr(cells, name).tolist() == want.tolist(), name
    single = scan(pd.Series(values, dtype=STRING))
    assert cells.present.tolist() == single.present.tolist()


def test_scan_of_an_empty_column():
    cells = scan(pd.Series([], dtype=STRING))
    assert cells.present.shape == (0,)


@pytest.mark.parametrize("padding", ["", "Bufo"], ids=["mostly-empty", "mostly-filled"])
def test_scan_is_the_same_for_mostly_empty_and_mostly_filled_columns(padding):
    # The scan takes a different path when most rows are filled; empty values first and
    # last make it read past either end of the text.
    values = ["", *VALUES, *[padding] * 40, *VALUES[::-1], ""]
    cells = scan(pd.Series(values, dtype=STRING))
    for name, want in expected(values).items():
        assert getattr(cells, name).tolist() == want.tolist(), name


# Values around the 8-byte words the fingerprints read: shorter, exactly 8, 9, 16, non-ASCII,
# and pairs that differ only in the middle (same length, first and last eight bytes).
PRINTED = ["", "a", "ab", "abcdefgh", "abcdefghi", "abcdefghabcdefgh", "abcdefghXabcdefgh", "abcdefghYabcdefgh",
           "Zürich", "Zürich ", " Zürich", "urn:bench:10", "urn:bench:1", None, "NULL", "x" * 40]


def _column_in_chunks(values, sizes):
    chunks, start = [], 0
    for size in sizes:
        chunks.append(pa.array(["pad", *values[start : start + size]], type=pa.large_string()).slice(1))
        start += size
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=pa.large_string())))


@pytest.mark.parametrize("sizes", [[1] * 32, [3, 29], [32], [5, 0, 27]])
def test_equal_values_have_equal_fingerprints_in_any_chunks(sizes):
    values = PRINTED + list(reversed(PRINTED))
    prints = value_fingerprints(_column_in_chunks(values, sizes))
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            if (a or "") == (b or ""):
                assert prints[i] == prints[j], (a, b)
    # Different values only collide when they agree on length and both ends.
    distinct = {}
    for value, fingerprint in zip(values, prints):
        distinct.setdefault(int(fingerprint), set()).add(value or "")
    assert all(len(v) == 1 for v in distinct.values()) is False  # the X/Y pair shares one
    shared = [v for v in distinct.values() if len(v) > 1]
    assert shared == [{"abcdefghXabcdefgh", "abcdefghYabcdefgh"}]
