"""Running BDQ tests over tables.

``run(test, frame)`` runs one test over every row of a DataFrame and returns aligned
Responses. Parameter values may come from the frame (a column named like the parameter,
``bdqval:sourceAuthority``, as in the BDQ conformance data), from ``params`` (the caller's
choice for all rows), or from the Test's default, in that order; rows sharing the same
values run together, so a whole column is one call in the usual case.

``run_cases(frame)`` runs a table laid out like the BDQ conformance data (one case per row,
column ``GUID`` naming the test) test by test.

``read_cases``/``write_cases`` read and write such tables byte-faithfully: every cell is
kept as written, non-printing characters (NUL, 0x0E, 0x0F...) included.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from dwcqa.bdq.context import Context
from dwcqa.bdq.model import Outcome, Params, Record, Responses, _key
from dwcqa.bdq.parsing import empty
from dwcqa.bdq.registry import BdqTest, get

RESPONSE_COLUMNS = ("Response.status", "Response.result", "Response.comment")
_URL = re.compile(r"https?://[^\s\]}]+")


def _aliases(test: BdqTest) -> dict[str, tuple[str, ...]]:
    """Known spellings of each authority parameter: its default, the URLs the Test gives
    for it, and those the implementation adds."""
    aliases: dict[str, tuple[str, ...]] = {}
    urls = tuple(u.rstrip(".,;") for u in _URL.findall(test.source_authority))
    for parameter in test.parameters:
        extra = test.aliases.get(parameter.name, ())
        found = urls if parameter.name == "bdqval:sourceAuthority" else ()
        aliases[parameter.name] = tuple(extra) + found
    return aliases


def _lookup(params: Mapping[str, str] | None, name: str) -> str | None:
    if not params:
        return None
    wanted = _key(name)
    for key, value in params.items():
        if _key(key) == wanted or _key("bdqval:" + key) == wanted:
            return value
    return None


def _groups(codes: np.ndarray) -> list[np.ndarray]:
    """Row positions per code, each in row order (one sort, no scan per group)."""
    if not len(codes):
        return []
    order = np.argsort(codes, kind="stable")
    cuts = np.flatnonzero(np.diff(codes[order])) + 1
    return np.split(order, cuts)


def run(test: BdqTest | str, frame: pd.DataFrame, params: Mapping[str, str] | None = None, context: Context | None = None) -> Responses:
    """Responses of ``test`` for every row of ``frame`` (aligned with its rows)."""
    test = get(test) if isinstance(test, str) else test
    context = context or Context()
    record = Record(frame)
    n = len(frame)
    defaults = {p.name: p.default for p in test.parameters}
    aliases = _aliases(test)
    # Each parameter: one value for all rows (the caller's or the default), or, where the
    # frame has a column for it, the row's own value where that is not empty.
    fixed: dict[str, tuple[str, bool]] = {}
    per_row: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for parameter in test.parameters:
        chosen = _lookup(params, parameter.name)
        fallback = chosen if chosen else parameter.default
        fixed[parameter.name] = (fallback, bool(chosen))
        if record.has(parameter.name):
            column = record[parameter.name]
            from_row = ~empty(column)
            if from_row.any():
                per_row[parameter.name] = (np.where(from_row, column.to_numpy(dtype=object), fallback), from_row | bool(chosen))
    codes = np.zeros(n, dtype=np.int64)
    for values, given in per_row.values():
        value_codes, uniques = pd.factorize(values)
        codes = codes * (2 * len(uniques)) + value_codes * 2 + given
    codes = pd.factorize(codes)[0] if per_row else codes
    status = np.full(n, "", dtype=object)
    result = np.full(n, "", dtype=object)
    comment = np.full(n, "", dtype=object)
    for rows in _groups(codes) if per_row else [np.arange(n)]:
        if not len(rows):
            continue
        first = rows[0]
        values = {name: value for name, (value, _) in fixed.items()}
        given = {name: chosen for name, (_, chosen) in fixed.items()}
        for name, (row_values, row_given) in per_row.items():
            values[name], given[name] = str(row_values[first]), bool(row_given[first])
        batch = Params(values, given, defaults, aliases)
        part = record if len(rows) == n else record.subset(rows)
        outcome = Outcome(len(rows))
        test.function(part, batch, context, outcome)
        responses = outcome.responses()
        status[rows] = responses.status
        result[rows] = responses.result
        comment[rows] = responses.comment
    return Responses(status, result, comment)


def run_cases(frame: pd.DataFrame, params: Mapping[str, str] | None = None, context: Context | None = None, guid_column: str = "GUID") -> Responses:
    """Run a table of cases (one per row, ``GUID`` naming the test), test by test.

    Rows whose GUID names no implemented test get an empty status and a comment saying why.
    """
    context = context or Context()
    n = len(frame)
    status = np.full(n, "", dtype=object)
    result = np.full(n, "", dtype=object)
    comment = np.full(n, "", dtype=object)
    guids = frame[guid_column].astype(str).str.strip() if guid_column in frame.columns else pd.Series([""] * n)
    codes, uniques = pd.factorize(guids.to_numpy())
    for rows in _groups(codes):
        guid = uniques[codes[rows[0]]]
        try:
            test = get(guid)
        except KeyError as exc:
            comment[rows] = f"dwcqa: {exc.args[0]}"
            continue
        responses = run(test, frame.iloc[rows], params, context)
        status[rows] = responses.status
        result[rows] = responses.result
        comment[rows] = responses.comment
    return Responses(status, result, comment)


# --------------------------------------------------------------------------------------------
# Byte-faithful CSV
# --------------------------------------------------------------------------------------------


def read_cases(source: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A CSV of cases as an all-string DataFrame (object dtype, cells exactly as written).

    Decoded as UTF-8 with ``surrogateescape``, so bytes that are not UTF-8 survive a round
    trip through :func:`write_cases`. Returns the frame and the dialect facts needed to write
    it back the same way (line terminator, quoting)."""
    raw = Path(source).read_bytes() if not isinstance(source, (bytes, bytearray)) else bytes(source)
    if raw.startswith(b"\xef\xbb\xbf"):
        bom, raw = True, raw[3:]
    else:
        bom = False
    textual = raw.decode("utf-8", errors="surrogateescape")
    first_line = textual.split("\n", 1)[0]
    terminator = "\r\n" if first_line.endswith("\r") else "\n"
    quote_all = first_line.startswith('"')
    sample = first_line.rstrip("\r")
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    rows = list(csv.reader(io.StringIO(textual, newline=""), delimiter=delimiter))
    if not rows:
        return pd.DataFrame(), {"terminator": terminator, "quote_all": quote_all, "delimiter": delimiter, "bom": bom}
    header, body = rows[0], rows[1:]
    width = len(header)
    body = [r + [""] * (width - len(r)) if len(r) < width else r[:width] for r in body]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    return frame, {"terminator": terminator, "quote_all": quote_all, "delimiter": delimiter, "bom": bom}


def with_responses(frame: pd.DataFrame, responses: Responses) -> pd.DataFrame:
    """The input columns plus the three Response columns (replacing same-named columns in place)."""
    out = frame.copy()
    for name, values in zip(RESPONSE_COLUMNS, (responses.status, responses.result, responses.comment)):
        out[name] = values
    return out


def write_cases(frame: pd.DataFrame, target: Any, dialect: Mapping[str, Any] | None = None) -> None:
    dialect = dict(dialect or {})
    buffer = io.StringIO(newline="")
    writer = csv.writer(
        buffer,
        delimiter=dialect.get("delimiter", ","),
        quoting=csv.QUOTE_ALL if dialect.get("quote_all", True) else csv.QUOTE_MINIMAL,
        lineterminator=dialect.get("terminator", "\n"),
    )
    writer.writerow(list(frame.columns))
    writer.writerows(frame.astype(object).where(frame.notna(), "").itertuples(index=False, name=None))
    data = buffer.getvalue().encode("utf-8", errors="surrogateescape")
    if dialect.get("bom"):
        data = b"\xef\xbb\xbf" + data
    if hasattr(target, "write"):
        target.write(data)
    else:
        Path(target).write_bytes(data)
