"""Shared vectorised parsing of verbatim strings: dates, numbers, URIs.

Every parser works on the *distinct* values of a column (``pandas.factorize``, backed by
pyarrow's dictionary encoding) and maps the results back to the records with one numpy
``take``. Columns of a Darwin Core archive repeat their values a lot (a million records
rarely have more than a few ten thousand distinct dates), so parsing stays far below the
cost of reading the file. The parsing itself uses pyarrow compute kernels (RE2 regular
expressions, casts) on the distinct values; there is no Python loop per record.

Results are plain numpy arrays, one value per record; checks share them through
``Context.cached`` (see :func:`dwcqa.parse.cached_dates` and friends).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def distinct(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes per record, distinct values as a numpy object array); missing values get code -1."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(codes), np.asarray(uniques, dtype=object)


def distinct_arrow(values: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """(codes per record, distinct values as a pyarrow string array); missing values get code -1."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    array = pa.array(uniques, type=pa.string()) if len(uniques) else pa.array([], type=pa.string())
    return np.asarray(codes), array


def expand(codes: np.ndarray, per_distinct: np.ndarray) -> np.ndarray:
    """Per-record values from per-distinct values.

    ``per_distinct`` has one slot more than there are distinct values: the last one is for
    the records whose value is missing (code -1, which numpy indexing maps to the last slot).
    """
    return per_distinct[codes]


def with_missing_slot(per_distinct: np.ndarray, fill) -> np.ndarray:
    """``per_distinct`` with the extra last slot for missing values set to ``fill``."""
    out = np.empty(len(per_distinct) + 1, dtype=per_distinct.dtype)
    out[:-1] = per_distinct
    out[-1] = fill
    return out


def trimmed(array: pa.Array) -> pa.Array:
    return pc.utf8_trim_whitespace(array)


def empty_or_null(array: pa.Array) -> np.ndarray:
    """True where a (trimmed) distinct value is empty or one of the verbatim nulls."""
    from dwcqa.checks.context import VERBATIM_NULLS

    stripped = trimmed(array)
    nulls = pa.array(list(VERBATIM_NULLS), type=pa.string())
    mask = pc.or_kleene(pc.equal(stripped, ""), pc.is_in(stripped, value_set=nulls))
    return np.asarray(pc.fill_null(mask, True).to_numpy(zero_copy_only=False), dtype=bool)


def int_field(array: pa.Array) -> np.ndarray:
    """An all-digit string field (or null / "") as int64, -1 where absent."""
    cleaned = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
    ints = pc.cast(cleaned, pa.int64(), safe=False)
    return np.asarray(pc.fill_null(ints, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def matches(array: pa.Array, pattern: str) -> np.ndarray:
    """True where the distinct value matches the RE2 pattern (False for nulls)."""
    result = pc.match_substring_regex(array, pattern)
    return np.asarray(pc.fill_null(result, False).to_numpy(zero_copy_only=False), dtype=bool)


# -- shared through Context.cached: each column is parsed once per run -----------------------


def cached_dates(context, term: str):
    """Parsed ISO 8601 dates of a core term (:class:`dwcqa.parse.dates.Dates`)."""
    from dwcqa.parse.dates import parse_dates

    return context.cached(("parse.dates", term), lambda: parse_dates(context.column(term), context.records))


def cached_numbers(context, term: str, integer: bool = False):
    """Parsed numbers of a core term (:class:`dwcqa.parse.numbers.Numbers`)."""
    from dwcqa.parse.numbers import parse_numbers

    return context.cached(("parse.numbers", term, integer), lambda: parse_numbers(context.column(term), context.records, integer))


def cached_uris(context, term: str):
    """(present, valid URI) per record of a core term."""
    from dwcqa.parse.uris import uri_status

    return context.cached(("parse.uris", term), lambda: uri_status(context.column(term), context.records))


def _arrow(values: pd.Series) -> pa.ChunkedArray:
    data = values.array
    raw = getattr(data, "_pa_array", None)
    if raw is not None:
        return raw if isinstance(raw, pa.ChunkedArray) else pa.chunked_array([raw])
    return pa.chunked_array([pa.array(values, type=pa.string())])


def keys_of(values: pd.Series | None, records: int, fold_case: bool = False) -> np.ndarray:
    """Integer codes per record of trimmed (optionally case-folded) values, for grouping; -1 where
    the value is missing (empty or a verbatim null). One pyarrow hashing pass over the column."""
    if values is None:
        return np.full(records, -1, dtype=np.int32)
    return _keys(*_encode(values, fold_case), fold_case)


def _encode(values: pd.Series, fold_case: bool, trim: bool = True) -> tuple[np.ndarray, pa.Array]:
    """Dictionary codes (-1 for nulls) and the dictionary of the trimmed values (``trim=False``:
    the caller knows no value starts or ends with a blank), lower-cased with ``fold_case``."""
    text = pc.utf8_trim_whitespace(_arrow(values)) if trim else _arrow(values)
    # Hashing one contiguous array is twice as fast as hashing the parser's blocks one by one.
    encoded = pc.dictionary_encode(text.combine_chunks())
    # int32, as Arrow's dictionary indices are: half the memory of int64 per record.
    indices = np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int32)
    if fold_case:
        return folded(indices, encoded.dictionary)
    return indices, encoded.dictionary


def folded(indices: np.ndarray, dictionary: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Codes and dictionary of the lower-cased values, from the codes of the values as they
    are: only the distinct values are lower-cased and hashed again."""
    lowered = pc.dictionary_encode(pc.utf8_lower(dictionary))
    mapping = np.append(np.asarray(lowered.indices.to_numpy(zero_copy_only=False), dtype=np.int32), np.int32(-1))
    return mapping[indices], lowered.dictionary  # the code -1 (missing) maps to the last slot: -1


def cached_encoding(context, values: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Dictionary codes (-1 for nulls) and dictionary of a column's values exactly as they are,
    computed once per column data: the uniqueness checks and the identifier keys of a column
    without blanks at its edges hash the same million values."""
    return cached_per_data(context, "parse.encoding", values, lambda: _encode(values, fold_case=False, trim=False))


def cached_per_data(context, kind: str, values: pd.Series, compute):
    """``context.cached`` for a value of a column's data, whichever term or table position it
    was reached by: keyed by the addresses of its buffers. The entry holds the column too, so
    that while it lives no other data can take those addresses."""
    arrow = _arrow(values)
    data = tuple(tuple(b.address if b is not None else 0 for b in c.buffers()) + (c.offset, len(c)) for c in arrow.chunks)
    return context.cached((kind, data), lambda: (compute(), arrow))[0]


def _keys(indices: np.ndarray, dictionary: pa.Array, fold_case: bool) -> np.ndarray:
    """Codes with -1 where the (trimmed) value is empty or a verbatim null."""
    if not len(dictionary):
        return indices.copy()
    from dwcqa.checks.context import VERBATIM_NULLS

    nulls = sorted({v.lower() for v in VERBATIM_NULLS} | set(VERBATIM_NULLS)) if fold_case else list(VERBATIM_NULLS)
    # The dictionary holds trimmed values already: no second trim.
    absent = pc.or_kleene(pc.equal(dictionary, ""), pc.is_in(dictionary, value_set=pa.array(nulls, type=dictionary.type)))
    absent = np.asarray(pc.fill_null(absent, True).to_numpy(zero_copy_only=False), dtype=bool)
    if not absent.any():
        return indices.copy()
    lookup = np.append(absent, True)  # the code -1 (missing) looks up the last slot
    return np.where(lookup[indices], -1, indices)


def cached_keys(context, term: str, fold_case: bool = False) -> np.ndarray:
    """:func:`keys_of` a core term, computed once per run."""

    def compute() -> np.ndarray:
        values = context.column(term)
        if values is None:
            return np.full(context.records, -1, dtype=np.int32)
        trim = context.has_blank_edges(term)  # from the cell scan the completeness checks share
        if trim:
            encoded = context.cached(("parse.encoded", term), lambda: _encode(values, fold_case=False, trim=True))
        else:
            encoded = cached_encoding(context, values)  # the hashing the uniqueness checks share
        if fold_case:
            encoded = folded(*encoded)
        return _keys(*encoded, fold_case)

    return context.cached(("parse.keys", term, fold_case), compute)


def has_capitals(values: pd.Series) -> bool:
    """Some value changes when lower-cased."""
    text = _arrow(values)
    if not len(text):
        return False
    # Plain ASCII text without A-Z is settled from its bytes; other text is lower-cased.
    for chunk in text.chunks:
        if chunk.type not in (pa.string(), pa.large_string()):
            break
        data = chunk.buffers()[2]
        if data is None:
            continue
        bytes_ = np.frombuffer(data, dtype=np.uint8)
        if ((bytes_ >= 0x41) & (bytes_ <= 0x5A)).any() or (bytes_ >= 0x80).any():
            break
    else:
        return False
    return not pc.all(pc.equal(pc.utf8_lower(text), text)).as_py()


def combine_keys(*codes: np.ndarray) -> np.ndarray:
    """One integer key per record from several code arrays (-1 in any = -1), without overflow."""
    combined = codes[0].astype(np.int64)
    missing = combined < 0
    for more in codes[1:]:
        missing |= more < 0
        width = int(more.max()) + 2 if len(more) else 1
        pair = combined * width + (more + 1)
        combined, _ = pd.factorize(pair)
        combined = np.asarray(combined, dtype=np.int64)
    combined[missing] = -1
    return combined


def duplicated(keys: np.ndarray) -> np.ndarray:
    """True where a record's key (>= 0) is shared with another record."""
    valid = keys >= 0
    if not valid.any():
        return np.zeros(len(keys), dtype=bool)
    counts = np.bincount(keys[valid])
    out = np.zeros(len(keys), dtype=bool)
    out[valid] = counts[keys[valid]] > 1
    return out
