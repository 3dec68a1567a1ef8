"""dwcqa.parse: which columns have capitals (case-folded identifier keys depend on it)."""

import pandas as pd
import pyarrow as pa
import pytest

from dwcqa.cells import VERBATIM_NULLS
from dwcqa.parse import _encode, has_capitals, keys_of

STRING = pd.StringDtype("pyarrow")


@pytest.mark.parametrize(
    ("values", "capitals"),
    [
        (["urn:catalog:mcz:herp:a-1234", "urn:catalog:mcz:herp:a-1235"], False),
        (["urn:catalog:MCZ:Herp:A-1234"], True),
        (["é", "ø"], False),  # non-ASCII lower case: settled by lower-casing
        (["É"], True),
        (["ǅ"], True),  # a title-case letter changes when lower-cased
        ([None, "", "x"], False),
        ([], False),
    ],
)
def test_has_capitals_agrees_with_lower_casing(values, capitals):
    assert has_capitals(pd.Series(values, dtype=STRING)) is capitals
    assert has_capitals(pd.Series(values, dtype=object)) is capitals
    assert capitals == any(v != v.lower() for v in values if v)


def test_has_capitals_looks_only_inside_a_sliced_column():
    # A slice shares its parent's text buffer, capitals outside the slice included.
    sliced = pa.chunked_array([pa.array(["ABC", "def"], pa.large_string()).slice(1)])
    assert has_capitals(pd.Series(pd.arrays.ArrowStringArray(sliced))) is False


GROUPED = ["ABC-1", "abc-1", " abc-1 ", "Abc-2", "abc-2", "ÉTÉ", "été", "", None, "NULL", "x", "X ", "ǅ"]


def _groups(codes) -> list[set[int]]:
    by_code: dict[int, set[int]] = {}
    for row, code in enumerate(codes):
        if code >= 0:
            by_code.setdefault(int(code), set()).add(row)
    return sorted(by_code.values(), key=min)


@pytest.mark.parametrize("fold_case", [False, True])
def test_keys_group_the_records_python_would_group(fold_case):
    values = pd.Series(GROUPED, dtype=STRING)
    want: dict[str, set[int]] = {}
    for row, value in enumerate(GROUPED):
        text = (value or "").strip()
        text = text.lower() if fold_case else text
        if text and text not in {v.lower() for v in VERBATIM_NULLS} | set(VERBATIM_NULLS):
            want.setdefault(text, set()).add(row)
    assert _groups(keys_of(values, len(values), fold_case)) == sorted(want.values(), key=min)


def test_folding_the_dictionary_is_folding_the_values():
    values = pa.array(["B", "b", None, "a", "A", "b "], pa.string())
    indices, dictionary = _encode(pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([values]))), fold_case=True, trim=False)
    assert [None if i < 0 else dictionary[int(i)].as_py() for i in indices] == ["b", "b", None, "a", "a", "b "]
    assert sorted(dictionary.to_pylist()) == ["a", "b", "b "]
