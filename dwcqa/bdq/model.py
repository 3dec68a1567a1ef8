"""The pieces every BDQ test is made of: responses, the record it reads, its outcome builder.

A BDQ test implementation is a function ``f(record, params, context, outcome)``:

- ``record`` (:class:`Record`) gives whole columns by Darwin Core term (``record["dwc:day"]``
  is a Series of strings, "" where the column is missing or empty);
- ``params`` (:class:`Params`) holds the parameter values for this batch of rows (one value
  per parameter: the runner groups rows that share parameter values);
- ``context`` (:class:`dwcqa.bdq.context.Context`) gives access to source authorities;
- ``outcome`` (:class:`Outcome`) collects the Response. Its ``decide(mask, status, result,
  comment)`` sets the Response of the rows of ``mask`` that are still undecided, so a
  Specification reads top to bottom as it is written: the first clause that applies wins.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from dwcqa.bdq.parsing import constant, empty, text

# Response.status
RUN_HAS_RESULT = "RUN_HAS_RESULT"
AMENDED = "AMENDED"
NOT_AMENDED = "NOT_AMENDED"
FILLED_IN = "FILLED_IN"
INTERNAL_PREREQUISITES_NOT_MET = "INTERNAL_PREREQUISITES_NOT_MET"
EXTERNAL_PREREQUISITES_NOT_MET = "EXTERNAL_PREREQUISITES_NOT_MET"
STATUSES = (RUN_HAS_RESULT, AMENDED, NOT_AMENDED, FILLED_IN, INTERNAL_PREREQUISITES_NOT_MET, EXTERNAL_PREREQUISITES_NOT_MET)

# Response.result (validations, issues, measures)
COMPLIANT = "COMPLIANT"
NOT_COMPLIANT = "NOT_COMPLIANT"
POTENTIAL_ISSUE = "POTENTIAL_ISSUE"
NOT_ISSUE = "NOT_ISSUE"
NOT_REPORTED = "NOT_REPORTED"

TYPES = ("VALIDATION", "AMENDMENT", "MEASURE", "ISSUE")


@dataclass(frozen=True)
class Parameter:
    name: str  # e.g. bdqval:sourceAuthority
    default: str  # "" when the Test gives none


@dataclass(frozen=True)
class Responses:
    """Three aligned arrays, one entry per input row."""

    status: np.ndarray
    result: np.ndarray
    comment: np.ndarray

    def __len__(self) -> int:
        return len(self.status)

    def to_frame(self, index: pd.Index | None = None) -> pd.DataFrame:
        return pd.DataFrame(
            {"Response.status": self.status, "Response.result": self.result, "Response.comment": self.comment},
            index=index,
        )


class Outcome:
    """Builds Responses clause by clause; the first clause that applies to a row wins."""

    def __init__(self, n: int):
        self.n = n
        self.status = np.full(n, "", dtype=object)
        self.result = np.full(n, "", dtype=object)
        self.comment = np.full(n, "", dtype=object)
        self.open = np.ones(n, dtype=bool)

    def decide(self, mask: Any, status: str, result: Any = "", comment: Any = "") -> np.ndarray:
        """Set the Response of the still-undecided rows in ``mask``; returns the rows set."""
        rows = self.open & np.asarray(mask, dtype=bool)
        if not rows.any():
            return rows
        self.status[rows] = status
        self.result[rows] = result[rows] if isinstance(result, np.ndarray) else result
        self.comment[rows] = comment[rows] if isinstance(comment, np.ndarray) else comment
        self.open &= ~rows
        return rows

    def rest(self, status: str, result: Any = "", comment: Any = "") -> np.ndarray:
        """The "otherwise" clause."""
        return self.decide(np.ones(self.n, dtype=bool), status, result, comment)

    def responses(self) -> Responses:
        if self.open.any():
            raise AssertionError(f"{int(self.open.sum())} rows left without a Response")
        return Responses(self.status, self.result, self.comment)


def amendment_json(n: int, changes: Iterable[tuple[str, Any]]) -> np.ndarray:
    """The Response.result of an amendment per row: a JSON object of the proposed values.

    ``changes`` gives (term, values): values is an array (object) with a string where the
    term is to be set and None where not. The JSON is written compactly, keys in the order
    given, e.g. ``{"dwc:month":"1","dwc:day":"26"}``, as the BDQ conformance data write it;
    rows with no change get "". Each distinct combination of values is encoded once.
    """
    terms: list[str] = []
    uniques_per_term: list[np.ndarray] = []
    composite = np.zeros(n, dtype=np.int64)
    table = np.zeros((1, 0), dtype=np.int64)  # per composite code: the code of each term (0 = none)
    for term, values in changes:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
        if not len(uniques):
            continue
        base = len(uniques) + 1
        key = composite * base + (codes + 1)
        composite, keys = pd.factorize(key)
        table = np.column_stack([table[keys // base], keys % base])
        terms.append(term)
        uniques_per_term.append(uniques)
    if not terms:
        return np.full(n, "", dtype=object)
    encoded = [
        [f"{json.dumps(term)}:{json.dumps(str(u), ensure_ascii=False)}" for u in uniques]
        for term, uniques in zip(terms, uniques_per_term)
    ]
    texts = np.empty(len(table), dtype=object)
    texts[:] = [
        "{" + ",".join(encoded[k][c - 1] for k, c in enumerate(row) if c) + "}" if row.any() else ""
        for row in table
    ]
    return texts[composite]


def small_integers_text(numbers: np.ndarray) -> np.ndarray:
    """Integers held in a float array as strings ("7"), None where NaN; one str() per distinct value."""
    out = np.full(len(numbers), None, dtype=object)
    ok = ~np.isnan(numbers)
    if ok.any():
        values = numbers[ok].astype(np.int64)
        codes, uniques = pd.factorize(values)
        out[ok] = np.array([str(u) for u in uniques], dtype=object)[codes]
    return out


class Record:
    """Columns of the rows under test, by term (``dwc:eventDate``, ``bdqval:annotation``...).

    Built from any DataFrame whose headers name terms in one of the forms dwcqa accepts
    (``eventDate``, ``dwc:eventDate``, the full IRI). A term without a column reads as ""."""

    def __init__(self, frame: pd.DataFrame, columns: dict[str, str] | None = None):
        self.frame = frame
        self.n = len(frame)
        self._columns = columns if columns is not None else column_map(frame.columns)
        self._cache: dict[str, pd.Series] = {}

    def has(self, term: str) -> bool:
        return _key(term) in self._columns

    def __getitem__(self, term: str) -> pd.Series:
        key = _key(term)
        if key not in self._cache:
            name = self._columns.get(key)
            if name is None:
                self._cache[key] = constant("", self.n, self.frame.index)
            else:
                self._cache[key] = text(self.frame[name])
        return self._cache[key]

    def empty(self, term: str) -> np.ndarray:
        """bdqval:Empty for the term's column (all True when the table lacks the term)."""
        key = "empty:" + _key(term)
        if key not in self._cache:
            self._cache[key] = empty(self[term]) if self.has(term) else np.ones(self.n, dtype=bool)
        return self._cache[key]

    def subset(self, rows: np.ndarray) -> "Record":
        part = Record(self.frame.iloc[rows], self._columns)
        for key, column in self._cache.items():  # converted columns are reused, not redone
            part._cache[key] = column[rows] if isinstance(column, np.ndarray) else column.iloc[rows]
        return part


def _key(term: str) -> str:
    """A comparable key for a term: its IRI when dwcqa knows it, else the lower-cased name."""
    from dwcqa.terms import term_uri

    text_ = term.strip()
    uri = term_uri(text_) if not text_.lower().startswith(("bdqval:", "bdq:", "oa:")) else None
    if uri:
        return uri
    lowered = text_.lower()
    for prefix in ("bdqval:", "bdq:"):
        if lowered.startswith(prefix):
            return "bdqval:" + lowered[len(prefix):]
    return lowered


def column_map(headers: Iterable[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for header in headers:
        mapping.setdefault(_key(str(header)), header)
    return mapping


def _fold_authority(value: str) -> str:
    return re.sub(r"\s+", " ", (value or "").strip().strip("{}[]\"").rstrip("/").casefold())


@dataclass
class Params:
    """Parameter values for one batch of rows (each given or defaulted)."""

    values: dict[str, str]
    given: dict[str, bool] = field(default_factory=dict)  # True when the value was supplied
    defaults: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")

    def accepted(self, name: str) -> bool:
        """True when the value of an authority parameter is its default (or one of the
        spellings of it this implementation knows), i.e. the authority dwcqa has offline."""
        if not self.given.get(name):
            return True
        known = {_fold_authority(self.defaults.get(name, ""))} | {_fold_authority(a) for a in self.aliases.get(name, ())}
        return _fold_authority(self.values.get(name, "")) in known


TestFunction = Callable[["Record", Params, Any, Outcome], None]
