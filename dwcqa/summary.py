"""What the results mean: completeness per term, counts per check, readiness, GBIF's verdict."""

from __future__ import annotations

from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dwcqa.checks.context import Context
from dwcqa.checks.runner import CHECK_FAILED, Results
from dwcqa.info import describe_table
from dwcqa.terms import short_name

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
ISSUE_COLUMNS = ("row", "id", "check", "severity", "term", "value")
ISSUE_CHUNK = 100_000


def completeness(results: Results) -> dict[str, float]:
    """Fraction of core records with a value (not empty, not a verbatim null) per mapped term."""
    context = results.context or Context(results.archive)  # the run's scan of each column
    context.scan_columns(results.archive.core.terms)
    records = context.records
    return {
        term: (context.cells(term).present_count / records if records else 0.0)
        for term in results.archive.core.terms
    }


def indexable(results: Results) -> tuple[bool, list[str]]:
    """Would GBIF index the archive at all? ``(verdict, reasons)``.

    The reasons are the ids of the checks with ``blocks_indexing`` that found something (from
    any module: the metadata licence check too), then ``CHECK_FAILED:<id>`` for a blocking
    check that could not run (GBIF also requires every evaluation to have finished).
    """
    reasons = [c.id for c in results.checks if c.blocks_indexing and results.count(c.id) > 0]
    failed = {f.message.split(" ", 1)[0] for f in results.failures}
    reasons += [f"{CHECK_FAILED}:{c.id}" for c in results.checks if c.blocks_indexing and c.id in failed]
    return not reasons, reasons


def ready_mask(results: Results) -> np.ndarray:
    """Core records with no error-severity record finding."""
    return ~results.blocking_mask("error")


def findings(results: Results) -> list[dict]:
    """One entry per check that found something, most severe and most frequent first."""
    entries = [
        {
            "check": check.id,
            "severity": check.severity,
            "dimension": check.dimension,
            "level": check.level,
            "title": check.title,
            "count": results.count(check.id),
            "terms": check.term_names,
            "bdq": check.bdq.label if check.bdq else None,
        }
        for check in results.failing()
    ]
    entries += [
        {
            "check": f.check,
            "severity": "error",
            "dimension": "other",
            "level": "archive",
            "title": f.message,
            "count": 1,
            "terms": [],
            "bdq": None,
        }
        for f in results.failures
    ]
    return sorted(entries, key=lambda e: (SEVERITY_ORDER[e["severity"]], -e["count"], e["check"]))


def report(results: Results) -> dict:
    """The JSON object of ``dwcqa check --json``."""
    archive = results.archive
    verdict, blocking = indexable(results)
    return {
        "source": archive.source,
        "records": archive.core.records,
        "core": {"rowType": archive.core.row_type, "files": list(archive.core.files)},
        "extensions": [{"rowType": t.row_type, "records": t.records, "files": list(t.files)} for t in archive.extensions],
        "findings": findings(results),
        "completeness": {short_name(term): share for term, share in results.completeness_shares().items()},
        "indexable": verdict,
        "blocking": blocking,
        "ready": results.ready_count(),
        "tables": [describe_table(t) for t in archive.tables],
        "details": [
            {"check": f.check, "message": f.message, "file": f.file, "line": f.line, "term": short_name(f.term) if f.term else None, "count": f.count}
            for f in results.archive_findings
        ],
    }


def _issue_parts(results: Results, check_ids: list[str] | None = None):
    """(check, rows, term) per check that flags records, the rows at most ISSUE_CHUNK at a
    time, in the issue list's order (severity, then check id)."""
    for check in sorted(results.checks, key=lambda c: (SEVERITY_ORDER[c.severity], c.id)):
        mask = results.masks.get(check.id)
        if mask is None or (check_ids is not None and check.id not in check_ids) or not mask.any():
            continue
        rows = np.flatnonzero(mask)
        term = check.terms[0] if len(check.terms) == 1 else None
        for start in range(0, len(rows), ISSUE_CHUNK):
            yield check, rows[start : start + ISSUE_CHUNK], term


def issue_chunks(results: Results, check_ids: list[str] | None = None):
    """The per-record issue list as DataFrames of at most ISSUE_CHUNK rows, check by check."""
    core = results.archive.core
    for check, rows, term in _issue_parts(results, check_ids):
        yield pd.DataFrame(
            {
                "row": rows,
                "id": _take(core.ids, rows),
                "check": check.id,
                "severity": check.severity,
                "term": short_name(term) if term else "",
                "value": _take(core.column(term) if term else None, rows),
            },
            columns=ISSUE_COLUMNS,
        )


def write_issues(results: Results, handle: IO[str]) -> int:
    """One CSV row per (record, check), streamed check by check; returns the rows written."""
    handle.write(",".join(ISSUE_COLUMNS) + "\n")
    core = results.archive.core
    written = 0
    for check, rows, term in _issue_parts(results):
        values = core.column(term) if term else None
        write_issue_rows(handle, rows, _arrow_take(core.ids, rows), check.id, check.severity, short_name(term) if term else "", _arrow_take(values, rows))
        written += len(rows)
    return written


def write_issue_rows(handle: IO[str], rows: np.ndarray, ids, check_id: str, severity: str, term: str, values) -> None:
    """Lines of the issue list for one check, as Python's csv module writes them (fields quoted
    only when they hold a comma, a quote or a line break), built with Arrow kernels.

    ``ids`` and ``values``: Arrow string arrays aligned with ``rows`` (nulls written empty), or None."""
    kind = pa.large_string()

    def field(array) -> pa.Array:
        if array is None:
            return pa.scalar("", kind)
        array = pc.fill_null(array.cast(kind), "")
        quoted = pc.binary_join_element_wise(_QUOTE, pc.replace_substring(array, '"', '""'), _QUOTE, pa.scalar("", kind))
        return pc.if_else(pc.match_substring_regex(array, r'[,"\r\n]'), quoted, array)

    def constant(text: str) -> pa.Scalar:
        return pa.scalar('"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text, kind)

    numbers = pa.array(rows, pa.int64()).cast(kind)
    lines = pc.binary_join_element_wise(numbers, field(ids), constant(check_id), constant(severity), constant(term), field(values), pa.scalar(",", kind))
    lines = pc.binary_join_element_wise(lines, pa.scalar("\n", kind), pa.scalar("", kind))
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    # The lines lie one after the other in the array's data buffer: write that text at once.
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset : lines.offset + len(lines) + 1]
    handle.write(memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]].tobytes().decode("utf-8"))


_QUOTE = pa.scalar('"', pa.large_string())


def _arrow_take(series, rows: np.ndarray):
    if series is None:
        return None
    array = series.array
    arrow = array.__arrow_array__() if hasattr(array, "__arrow_array__") else pa.array(series.astype(object), from_pandas=True)
    return arrow.take(pa.array(rows))


def _take(series, rows: np.ndarray) -> list[str]:
    if series is None:
        return [""] * len(rows)
    return series.iloc[rows].fillna("").tolist()


def affected_records(results: Results, check_id: str, limit: int | None = 1000) -> pd.DataFrame:
    """The records a record check flags: row, id and the verbatim values of its terms."""
    core = results.archive.core
    mask = results.masks.get(check_id)
    if mask is None:
        return pd.DataFrame(columns=["row", "id"])
    rows = np.flatnonzero(mask)
    if limit is not None:
        rows = rows[:limit]
    table = {"row": rows, "id": _take(core.ids, rows)}
    for term in results.check(check_id).terms:
        values = core.column(term)
        if values is not None:
            table[short_name(term)] = _take(values, rows)
    return pd.DataFrame(table)


def issues_frame(results: Results, check_ids: list[str] | None = None) -> pd.DataFrame:
    """The per-record issue list (as ``--issues`` writes it) for some checks, in memory."""
    chunks = list(issue_chunks(results, check_ids))
    return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=ISSUE_COLUMNS)
