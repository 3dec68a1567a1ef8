"""The work on one partition, and on one bucket of keys; plain pandas/pyarrow, no dask.

A *piece* (:mod:`dwcqa.engines.partitions`) of the core becomes a small Archive whose core is
that piece, and the registered record checks run on it through a Context, exactly as
:func:`dwcqa.checks.runner.run` runs them on the whole core. What a check decides from its own
row is then final. What depends on other rows is decided over *keys*:

======================================  ==========================================================
check                                   key (one row per record that has one)
======================================  ==========================================================
RECORD_NOT_UNIQUELY_IDENTIFIED          the core identifier (not blank)
OCCURRENCE_NOT_UNIQUELY_IDENTIFIED      occurrenceID (not blank)
OCCURRENCE_ID_DIFFERS_ONLY_IN_CASE      occurrenceID trimmed and lower-cased (+ the value as is)
CATALOG_NUMBER_NOT_UNIQUE               institutionCode + collectionCode + catalogNumber
POTENTIAL_DUPLICATE_SPECIMEN            recordedBy + recordNumber + eventDate
MULTIMEDIA_URI_INVALID (extensions)     core id / coreid of a media row with a bad URI
RECORD_REFERENTIAL_INTEGRITY_VIOLATION  core id / extension coreid
EXTENSION_OCCURRENCE_NOT_UNIQUELY_...   occurrenceID of an Occurrence extension row
======================================  ==========================================================

The keys of every piece are shuffled on (kind, key), so that all rows sharing a key meet in
one bucket, where :func:`resolve_bucket` decides them; nothing gathers a whole column.
Keys are normalised by :func:`dwcqa.parse.keys_of`'s own functions (trimmed, optionally
lower-cased, empty values and verbatim nulls missing), so both engines group alike.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dwcqa.archive.model import STRING, Archive, Table, TableSpec
from dwcqa.engines.partitions import Piece, read_piece

# Kinds of keys (and of piece-level findings that need no shuffle).
K_ID, K_OCC, K_LOOSE, K_TRIPLET, K_DUP, K_MEDIA, K_COREID, K_EXTOCC, K_COREID_MISSING = range(1, 10)
KIND_CHECK = {
    K_ID: "RECORD_NOT_UNIQUELY_IDENTIFIED",
    K_OCC: "OCCURRENCE_NOT_UNIQUELY_IDENTIFIED",
    K_LOOSE: "OCCURRENCE_ID_DIFFERS_ONLY_IN_CASE",
    K_TRIPLET: "CATALOG_NUMBER_NOT_UNIQUE",
    K_DUP: "POTENTIAL_DUPLICATE_SPECIMEN",
    K_MEDIA: "MULTIMEDIA_URI_INVALID",
    K_COREID: "RECORD_REFERENTIAL_INTEGRITY_VIOLATION",
    K_EXTOCC: "EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED",
    K_COREID_MISSING: "EXTENSION_COREID_MISSING",
}
# Record checks decided over keys only (not run per piece).
KEYED_RECORD_CHECKS = frozenset(KIND_CHECK[k] for k in (K_ID, K_OCC, K_LOOSE, K_TRIPLET, K_DUP))
# Record checks run per piece *and* completed over keys (their masks are OR-ed).
HYBRID_RECORD_CHECKS = frozenset({KIND_CHECK[K_MEDIA]})
# Archive checks computed from partition results instead of the whole tables.
COMBINED_ARCHIVE_CHECKS = frozenset({"VERBATIM_NULL_BY_TERM", KIND_CHECK[K_COREID], KIND_CHECK[K_EXTOCC], KIND_CHECK[K_COREID_MISSING]})

# What a row of a findings frame is.
ISSUE, TOTAL, ROW, VALUE = 0, 1, 2, 3
EXAMPLE_ROWS = 5  # rows an archive finding names (structure._lines_text)
EXAMPLE_VALUES = 3  # distinct values it quotes

KEY_COLUMNS = {"kind": "int8", "key": STRING, "src": "int16", "part": "int32", "row": "int64", "value": STRING}
FINDING_COLUMNS = {"kind": "int8", "what": "int8", "src": "int16", "part": "int32", "row": "int64", "count": "int64", "value": STRING}


def empty_frame(columns: dict) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in columns.items()})


@dataclass(frozen=True)
class Job:
    """Everything a worker needs besides its piece (small, pickled once per task)."""

    source: str
    kind: str
    container: str
    members: tuple[str, ...]
    meta_xml: bytes | None
    meta_file: str | None
    metadata_file: str | None
    specs: tuple[TableSpec, ...]
    headers: tuple[Any, ...]
    encodings: tuple[str, ...]
    record_checks: tuple[str, ...]  # run per core piece (row-local and hybrid ones)
    keyed: frozenset[str] = frozenset()  # selected checks decided over keys
    archive_checks: frozenset[str] = frozenset()  # selected checks of COMBINED_ARCHIVE_CHECKS
    value_terms: tuple[str, ...] = ()  # core terms whose values the issue list quotes for keyed checks
    core_ids: bool = False  # the core has an id column (for the extension links)
    link_tables: frozenset[int] = frozenset()  # extensions whose coreids are checked against the core
    media_tables: frozenset[int] = frozenset()  # extensions whose media URIs flag core records
    options: dict = field(default_factory=dict)
    issues: bool = True  # return what the per-record issue list needs


# -- a piece ----------------------------------------------------------------------------------


def process_piece(piece: Piece, job: Job) -> dict:
    """Read a piece and do everything that needs its rows; returns a summary and its keys."""
    text = read_piece(piece)
    position = piece.source.table
    summary: dict[str, Any] = {
        "table": position,
        "number": piece.number,
        "file": piece.source.position,
        "rows": 0 if text.data is None else len(text.data),
        "lines": text.lines,
        "width": text.width,
        "undecodable": text.undecodable,
        "used_python": text.used_python,
        "ragged": (len(text.ragged), [(r.line, r.row, r.fields, r.expected) for r in text.ragged[:EXAMPLE_ROWS]]),
        "blank_lines": (len(text.blank_lines), text.blank_lines[0] if text.blank_lines else None),
        "bom": text.bom,
    }
    if text.undecodable:
        return {"summary": summary, "keys": empty_frame(KEY_COLUMNS)}
    spec = job.specs[position]
    table = Table(
        spec=spec,
        data=text.data,
        header=job.headers[position],
        encoding=job.encodings[position],
        ragged=text.ragged,
        row_files=[(piece.source.name, 0)],
    )
    keys = _Keys(piece.number)
    if position == 0:
        _core_work(table, job, summary, keys)
    else:
        _extension_work(table, position, job, summary, keys)
    result = {"summary": summary, "keys": keys.frame()}
    del table, text
    if piece.end - piece.start >= RELEASE_AFTER:
        release_memory()
    return result


# Pieces smaller than this leave too little behind to be worth a full garbage collection
# (about 50 ms in a process holding a Dask cluster).
RELEASE_AFTER = 8 << 20


def release_memory() -> None:
    """Give the memory a piece used back to the system before the next piece starts.

    Each worker thread has its own malloc arena and pyarrow keeps freed blocks in its pool;
    without this, every thread keeps the high-water mark of the largest piece it parsed."""
    import os

    if os.environ.get("DWCQA_NO_TRIM"):
        return
    import gc

    gc.collect()
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _malloc_trim():
    global _TRIM
    if _TRIM is False:
        try:
            import ctypes

            _TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM = None
    return _TRIM


_TRIM: Any = False


def piece_summary(result: dict) -> dict:
    return result["summary"]


def piece_keys(result: dict) -> pd.DataFrame:
    return result["keys"]


_CHECKS: dict = {}  # registered checks by id, looked up once per process


def _archive(job: Job, core: Table) -> Archive:
    return Archive(
        source=job.source,
        kind=job.kind,
        core=core,
        extensions=[],
        meta_xml=job.meta_xml,
        metadata_file=job.metadata_file,
        members=list(job.members),
        container=job.container,
        meta_file=job.meta_file,
    )


def _core_work(table: Table, job: Job, summary: dict, keys: "_Keys") -> None:
    from dwcqa.checks.context import Context
    from dwcqa.checks.registry import as_mask, get

    context = Context(_archive(job, table), dict(job.options))
    records = table.records
    counts: dict[str, int] = {}
    issues: dict[str, tuple] = {}
    failures: dict[str, str] = {}
    masks: dict[str, np.ndarray] = {}
    errors = np.zeros(records, dtype=bool)
    for check_id in job.record_checks:
        check = _CHECKS.get(check_id) or _CHECKS.setdefault(check_id, get(check_id))
        try:
            outcome = check.function(context)
            if outcome is None:
                continue
            mask = as_mask(outcome, records)
        except Exception as error:  # as the runner: a faulty check must not stop the others
            failures[check_id] = traceback.format_exception_only(type(error), error)[-1].strip()
            continue
        counts[check_id] = int(mask.sum())
        if check_id in HYBRID_RECORD_CHECKS:
            masks[check_id] = np.packbits(mask)
            continue
        if check.severity == "error":
            errors |= mask
        if job.issues and counts[check_id]:
            rows = np.flatnonzero(mask)
            term = check.terms[0] if len(check.terms) == 1 else None
            issues[check_id] = (rows.astype(np.int32), _taken(table.column(term) if term else None, rows))
    summary.update(counts=counts, issues=issues, failures=failures, hybrid=masks, errors=np.packbits(errors))
    summary["present"] = {term: int(context.present(term).sum()) for term in table.terms}
    if "VERBATIM_NULL_BY_TERM" in job.archive_checks:
        summary["nulls"] = _null_stats(context, table, position=0)
    if job.issues:
        ids = table.ids
        summary["ids"] = _as_strings(ids, records)
        summary["columns"] = {term: _as_strings(table.column(term), records) for term in job.value_terms}
    summary["applies"] = _core_keys(context, table, job, keys)
    context._cache.clear()  # cached values refer back to the context (a cycle): free them now


def _extension_work(table: Table, position: int, job: Job, summary: dict, keys: "_Keys") -> None:
    from dwcqa.checks.context import Context
    from dwcqa.checks.structure import OCCURRENCE, OCCURRENCE_ID, _blank, _column

    context = Context(_archive(job, table))
    findings: list[pd.DataFrame] = []
    if "VERBATIM_NULL_BY_TERM" in job.archive_checks:
        summary["nulls"] = _null_stats(context, table, position=0)
    coreids = table.ids
    if coreids is not None and table.records:
        blank = _blank(coreids)
        if KIND_CHECK[K_COREID_MISSING] in job.archive_checks:
            findings.append(_summarise(K_COREID_MISSING, position, keys.part, np.flatnonzero(blank), None))
        if KIND_CHECK[K_COREID] in job.archive_checks and position in job.link_tables:
            filled = np.flatnonzero(~blank)
            if job.core_ids:
                keys.add(K_COREID, _arrow_of(coreids).take(filled), filled, src=position)
            else:  # nothing to link to: every filled coreid is an orphan
                findings.append(_summarise(K_COREID, position, keys.part, filled, _arrow_of(coreids).take(filled)))
    if KIND_CHECK[K_EXTOCC] in job.archive_checks and table.row_type == OCCURRENCE:
        values = _column(table, OCCURRENCE_ID)
        if values is not None:
            filled = np.flatnonzero(~_blank(values))
            keys.add(K_EXTOCC, _arrow_of(values).take(filled), filled, src=position)
    if position in job.media_tables and coreids is not None:
        from dwcqa.checks.other import AC_ACCESS_URI, AUDUBON, DC_IDENTIFIER, MULTIMEDIA
        from dwcqa.parse.uris import uri_status

        term = {MULTIMEDIA: DC_IDENTIFIER, AUDUBON: AC_ACCESS_URI}.get(table.row_type)
        column = table.column(term) if term else None
        if column is not None:
            present, valid = uri_status(column, table.records)
            bad = np.flatnonzero(present & ~valid)
            bad_ids = pc.unique(pc.drop_null(_arrow_of(coreids).take(bad)))
            keys.add(K_MEDIA, bad_ids, np.zeros(len(bad_ids), dtype=np.int64), src=position)
    summary["findings"] = pd.concat(findings, ignore_index=True) if findings else None


def _core_keys(context, table: Table, job: Job, keys: "_Keys") -> dict[str, bool]:
    """Add the core's keys; returns which keyed checks apply (their terms are there)."""
    from dwcqa.checks.identifiers import CATALOG_NUMBER, COLLECTION_CODE, EVENT_DATE, INSTITUTION_CODE, RECORD_NUMBER, RECORDED_BY
    from dwcqa.checks.structure import OCCURRENCE, OCCURRENCE_ID, _blank, _column, core_identifiers

    applies: dict[str, bool] = {}
    if KIND_CHECK[K_ID] in job.keyed:
        values = core_identifiers(context)
        applies[KIND_CHECK[K_ID]] = values is not None
        if values is not None:
            rows = np.flatnonzero(~_blank(values))
            keys.add(K_ID, _arrow_of(values).take(rows), rows)
    if KIND_CHECK[K_OCC] in job.keyed:
        values = _column(table, OCCURRENCE_ID) if table.row_type == OCCURRENCE else None
        applies[KIND_CHECK[K_OCC]] = values is not None
        if values is not None:
            rows = np.flatnonzero(~_blank(values))
            keys.add(K_OCC, _arrow_of(values).take(rows), rows)
    if KIND_CHECK[K_LOOSE] in job.keyed:
        values = context.column(OCCURRENCE_ID)
        applies[KIND_CHECK[K_LOOSE]] = values is not None
        if values is not None:
            loose = normalized(values, fold_case=True)
            rows = np.flatnonzero(_valid(loose))
            keys.add(K_LOOSE, loose.take(rows), rows, value=_arrow_of(values).take(rows))
    if KIND_CHECK[K_TRIPLET] in job.keyed:
        catalog = context.column(CATALOG_NUMBER)
        applies[KIND_CHECK[K_TRIPLET]] = catalog is not None
        if catalog is not None:
            key = joined(
                part_or_blank(normalized(context.column(INSTITUTION_CODE), True, table.records)),
                part_or_blank(normalized(context.column(COLLECTION_CODE), True, table.records)),
                part(normalized(catalog, False)),
            )
            rows = np.flatnonzero(_valid(key))
            keys.add(K_TRIPLET, key.take(rows), rows)
    if KIND_CHECK[K_DUP] in job.keyed:
        columns = [context.column(t) for t in (RECORDED_BY, RECORD_NUMBER, EVENT_DATE)]
        applies[KIND_CHECK[K_DUP]] = all(c is not None for c in columns)
        if applies[KIND_CHECK[K_DUP]]:
            key = joined(part(normalized(columns[0], True)), part(normalized(columns[1], True)), part(normalized(columns[2], False)))
            rows = np.flatnonzero(_valid(key))
            keys.add(K_DUP, key.take(rows), rows)
    ids = table.ids
    if ids is not None and job.link_tables and KIND_CHECK[K_COREID] in job.archive_checks:
        rows = np.flatnonzero(~_blank(ids))
        keys.add(K_COREID, _arrow_of(ids).take(rows), rows)
    if ids is not None and job.media_tables:
        rows = np.flatnonzero(ids.notna().to_numpy(dtype=bool, na_value=False))
        keys.add(K_MEDIA, _arrow_of(ids).take(rows), rows)
    return applies


def _null_stats(context, table: Table, position: int) -> list:
    """Per mapped term: placeholders found, first row, and (value, count, first row) per value."""
    from dwcqa.checks.structure import _verbatim_nulls

    stats = []
    for term, hits in _verbatim_nulls(context, position).items():
        hits = np.asarray(hits)
        rows = np.flatnonzero(hits) if hits.dtype == bool else hits  # a mask, or the rows themselves
        if not rows.size:
            continue
        stripped = table.verbatim(term).iloc[rows].str.strip()
        codes, uniques = pd.factorize(stripped)
        counts = np.bincount(codes, minlength=len(uniques))
        first = np.full(len(uniques), -1, dtype=np.int64)
        first[codes[::-1]] = rows[::-1]
        stats.append((term, int(rows.size), int(rows[0]), [(str(v), int(c), int(f)) for v, c, f in zip(uniques, counts, first)]))
    return stats


def _summarise(kind: int, src: int, part: int, rows: np.ndarray, values: pa.Array | None) -> pd.DataFrame:
    """A piece-level finding in the findings layout: its total, first rows, first values."""
    frames = [_findings(kind, TOTAL, src, [part], [-1], [len(rows)], [None])]
    head = rows[:EXAMPLE_ROWS]
    frames.append(_findings(kind, ROW, src, [part] * len(head), head, [1] * len(head), [None] * len(head)))
    if values is not None and len(values):
        firsts = pd.Series(pd.arrays.ArrowStringArray(_plain(values)), index=rows).drop_duplicates().iloc[:EXAMPLE_VALUES]
        frames.append(_findings(kind, VALUE, src, [part] * len(firsts), firsts.index.to_numpy(), [1] * len(firsts), list(firsts)))
    return pd.concat(frames, ignore_index=True)


def _findings(kind, what, src, parts, rows, counts, values) -> pd.DataFrame:
    n = len(parts)
    return pd.DataFrame(
        {
            "kind": np.full(n, kind, dtype=np.int8),
            "what": np.full(n, what, dtype=np.int8),
            "src": np.full(n, src, dtype=np.int16),
            "part": np.asarray(parts, dtype=np.int32),
            "row": np.asarray(rows, dtype=np.int64),
            "count": np.asarray(counts, dtype=np.int64),
            "value": pd.array(values, dtype=STRING),
        }
    )


# -- keys -----------------------------------------------------------------------------------------


class _Keys:
    def __init__(self, part: int) -> None:
        self.part = part
        self.frames: list[pd.DataFrame] = []

    def add(self, kind: int, keys, rows: np.ndarray, src: int = 0, value=None) -> None:
        if not len(rows):
            return
        n = len(rows)
        self.frames.append(
            pd.DataFrame(
                {
                    "kind": np.full(n, kind, dtype=np.int8),
                    "key": pd.arrays.ArrowStringArray(_plain(keys)),
                    "src": np.full(n, src, dtype=np.int16),
                    "part": np.full(n, self.part, dtype=np.int32),
                    "row": np.asarray(rows, dtype=np.int64),
                    "value": pd.arrays.ArrowStringArray(_plain(value)) if value is not None else pd.array([None] * n, dtype=STRING),
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        return pd.concat(self.frames, ignore_index=True) if self.frames else empty_frame(KEY_COLUMNS)


def _arrow_of(values: pd.Series) -> pa.Array:
    from dwcqa.parse import _arrow

    return _plain(_arrow(values))


def _plain(array) -> pa.Array:
    """A contiguous pa.string() array."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    if array.type != pa.string():
        array = array.cast(pa.string())
    return array


def _valid(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.is_valid(array).to_numpy(zero_copy_only=False), dtype=bool)


def normalized(values: pd.Series | None, fold_case: bool, records: int = 0) -> pa.Array:
    """Per record the key :func:`dwcqa.parse.keys_of` groups by (trimmed, optionally
    lower-cased), null where it counts the value missing; computed by its own functions."""
    from dwcqa.parse import _encode, _keys

    if values is None:
        return pa.nulls(records, pa.string())
    indices, dictionary = _encode(values, fold_case)
    codes = _keys(indices, dictionary, fold_case)
    return _plain(dictionary.take(pa.array(codes, mask=codes < 0)))


def part(array: pa.Array) -> pa.Array:
    """A self-delimiting part of a composite key: '<length>:<value>', null stays null."""
    return pc.binary_join_element_wise(pc.cast(pc.utf8_length(array), pa.string()), array, ":")


def part_or_blank(array: pa.Array) -> pa.Array:
    """As :func:`part`, a missing value one more 'blank' value ('-'), as _code_or_blank does."""
    return pc.fill_null(part(array), "-")


def joined(*parts: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _taken(values: pd.Series | None, rows: np.ndarray) -> pa.Array | None:
    if values is None:
        return None
    return pc.fill_null(_arrow_of(values).take(rows), "")


def _as_strings(values: pd.Series | None, records: int) -> pa.Array:
    """A column as the issue list writes it (missing = "")."""
    if values is None:
        return pa.array([""] * records, pa.string())
    return pc.fill_null(_arrow_of(values), "")


# -- a bucket of keys ----------------------------------------------------------------------------


def resolve_bucket(frame: pd.DataFrame) -> pd.DataFrame:
    """Decide the keys that met in one bucket; every row sharing a key is in this bucket."""
    out: list[pd.DataFrame] = []
    for kind, group in frame.groupby("kind", sort=True):
        kind = int(kind)
        if kind in (K_ID, K_OCC, K_TRIPLET, K_DUP):
            out.append(_issues(kind, group[group["key"].duplicated(keep=False)]))
        elif kind == K_LOOSE:
            shared = group.groupby("key", sort=False)["key"].transform("size").to_numpy() > 1
            exact = group.duplicated(["key", "value"], keep=False).to_numpy()
            out.append(_issues(kind, group[shared & ~exact]))
        elif kind == K_MEDIA:
            bad = group.loc[group["src"] > 0, "key"].unique()
            out.append(_issues(kind, group[(group["src"] == 0) & group["key"].isin(bad).to_numpy(dtype=bool)]))
        elif kind == K_COREID:
            known = group.loc[group["src"] == 0, "key"].unique()
            linked = group[group["src"] > 0]
            orphans = linked[~linked["key"].isin(known).to_numpy(dtype=bool)]
            out.append(_grouped_summary(kind, orphans, value_counts=False))
        elif kind == K_EXTOCC:
            shared = group[group.duplicated(["src", "key"], keep=False)]
            out.append(_grouped_summary(kind, shared, value_counts=True))
    out = [f for f in out if len(f)]
    return pd.concat(out, ignore_index=True) if out else empty_frame(FINDING_COLUMNS)


def _issues(kind: int, rows: pd.DataFrame) -> pd.DataFrame:
    return _findings(kind, ISSUE, 0, rows["part"].to_numpy(), rows["row"].to_numpy(), np.ones(len(rows), dtype=np.int64), [None] * len(rows))


def _grouped_summary(kind: int, rows: pd.DataFrame, value_counts: bool) -> pd.DataFrame:
    """Totals and first rows per (table, piece); first values (or every value with its count)."""
    if rows.empty:
        return empty_frame(FINDING_COLUMNS)
    rows = rows.sort_values(["src", "part", "row"], kind="stable")
    frames = []
    totals = rows.groupby(["src", "part"], sort=True).size()
    frames.append(
        _findings_from(kind, TOTAL, totals.index.get_level_values(0), totals.index.get_level_values(1), -1, totals.to_numpy(), None)
    )
    head = rows.groupby(["src", "part"], sort=False).head(EXAMPLE_ROWS)
    frames.append(_findings_from(kind, ROW, head["src"], head["part"], head["row"], 1, None))
    if value_counts:
        # every shared value: its count and its first place, so value_counts() can be redone
        per_value = rows.groupby(["src", "key"], sort=False)
        firsts = per_value.head(1)
        sizes = per_value["key"].transform("size")[firsts.index]
        frames.append(_findings_from(kind, VALUE, firsts["src"], firsts["part"], firsts["row"], sizes.to_numpy(), firsts["key"]))
    else:
        # the first distinct values of each piece, with their first row
        firsts = rows.drop_duplicates(["src", "part", "key"]).groupby(["src", "part"], sort=False).head(EXAMPLE_VALUES)
        frames.append(_findings_from(kind, VALUE, firsts["src"], firsts["part"], firsts["row"], 1, firsts["key"]))
    return pd.concat(frames, ignore_index=True)


def _findings_from(kind, what, src, part_, row, count, value) -> pd.DataFrame:
    src = np.asarray(src)
    n = len(src)
    return pd.DataFrame(
        {
            "kind": np.full(n, kind, dtype=np.int8),
            "what": np.full(n, what, dtype=np.int8),
            "src": src.astype(np.int16),
            "part": np.asarray(part_).astype(np.int32),
            "row": np.broadcast_to(np.asarray(row, dtype=np.int64), (n,)).copy(),
            "count": np.broadcast_to(np.asarray(count, dtype=np.int64), (n,)).copy(),
            "value": pd.array([None] * n, dtype=STRING) if value is None else pd.array(np.asarray(value, dtype=object), dtype=STRING),
        }
    )
