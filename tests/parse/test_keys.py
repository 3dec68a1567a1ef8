"""dwcqa.parse: which columns have capitals (case-folded identifier keys depend on it)."""

import pandas as pd
import pyarrow as pa
import pytest

from dwcqa.parse import has_capitals

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
