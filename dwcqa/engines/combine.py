"""Putting partition results together, on the client: counts, archive findings, the report.

The client never holds a table. It receives, per piece, counts and small summaries (and the
rows each check flags, which go straight to an on-disk spool), and per bucket of keys the rows
the archive-wide checks flag. From those it rebuilds what ``dwcqa.checks.run`` and
``dwcqa.summary`` produce: the reader's problems in the reader's order, a *skeleton* archive
(every table's meta.xml mapping, files, width and record count, but no rows) on which the
archive checks that only read the mapping run unchanged, the few archive checks that read rows
(:data:`dwcqa.engines.work.COMBINED_ARCHIVE_CHECKS`) from the partition results, and a
:class:`EngineResults` that ``dwcqa.summary.findings`` and ``indexable`` accept.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dwcqa.archive.model import STRING, Archive, Problem, RaggedRow, Table
from dwcqa.archive.reader import beyond_columns, ragged_problem
from dwcqa.checks.registry import ArchiveFinding, Check
from dwcqa.checks.runner import CHECK_FAILED, Results
from dwcqa.engines import work
from dwcqa.engines.plan import ArchivePlan
from dwcqa.terms import short_name


class Unsupported(RuntimeError):
    """An archive check read the rows of a whole table, which this engine never holds."""


# -- a skeleton archive: the mapping, no rows ----------------------------------------------------


class NoRows:
    """Stands in for Table.data: the width is known, the rows are not here."""

    def __init__(self, width: int, label: str) -> None:
        self.columns = pd.RangeIndex(width)
        self.shape = (0, width)
        self._label = label

    def __getitem__(self, key):
        raise Unsupported(f"the rows of the {self._label} are not in memory (partitioned engine)")

    @property
    def index(self):
        return self[None]

    def __len__(self) -> int:
        return self[None]


class Head:
    """A long list of which only the first items are kept: len() is the full length."""

    def __init__(self, total: int, head: list) -> None:
        self.total, self.head = total, list(head)

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self.total)
            if stop > len(self.head) and start < stop:
                raise Unsupported("only the first items of this list are kept (partitioned engine)")
            return self.head[key]
        index = key + self.total if key < 0 else key
        if index >= len(self.head):
            raise Unsupported("only the first items of this list are kept (partitioned engine)")
        return self.head[index]

    def __iter__(self):
        if self.total > len(self.head):
            raise Unsupported("only the first items of this list are kept (partitioned engine)")
        return iter(self.head)


class HeadRows(Head):
    """Row numbers of a finding: len() = how many, slices of the first ones as an array."""

    def __getitem__(self, key):
        item = super().__getitem__(key)
        return np.asarray(item, dtype=np.int64) if isinstance(key, slice) else item


@dataclass
class SkeletonTable(Table):
    total: int = 0

    @property
    def records(self) -> int:
        return self.total


# -- the results -----------------------------------------------------------------------------------


@dataclass
class EngineResults(Results):
    """Results of a partitioned run: counts instead of masks; the report of ``dwcqa check --json``."""

    counts: dict[str, int] = field(default_factory=dict)  # record checks that applied
    total: int = 0
    present: dict[str, int] = field(default_factory=dict)  # core records with a value, per term
    ready_total: int = 0  # core records ready for dissemination
    issues_written: int | None = None
    partitions: dict[int, int] = field(default_factory=dict)  # pieces per table position
    data_bytes: int = 0  # the data files' size as read (unpacked)

    @property
    def records(self) -> int:
        return self.total

    def count(self, check_id: str) -> int:
        if check_id in self.counts:
            return self.counts[check_id]
        return sum(f.count for f in self.archive_findings if f.check == check_id)

    def blocking_mask(self, severity: str = "error"):
        raise Unsupported("a partitioned run keeps no per-record masks; see counts and the issue list")

    def completeness_shares(self) -> dict[str, float]:
        records = self.total
        return {term: (float(self.present.get(term, 0)) / records if records else 0.0) for term in self.archive.core.terms}

    def ready_count(self) -> int:
        return self.ready_total


# -- the issue spool -------------------------------------------------------------------------------

SPOOL_SCHEMA = pa.schema([("row", pa.int64()), ("value", pa.string())])


class IssueSpool:
    """Flagged rows per check, on disk as they arrive, written out check by check at the end.

    ``dwcqa check --issues`` lists issues check by check (severity, then id), rows ascending;
    pieces arrive in any order, so each check's rows are appended to an Arrow IPC file as
    batches tagged with their piece, and each piece's identifiers (and the values keyed checks
    quote) to a file of its own. Memory: one piece's rows of one check at a time.
    """

    def __init__(self, directory: str | os.PathLike | None = None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="dwcqa-issues-", dir=directory))
        self.writers: dict[str, pa.ipc.RecordBatchFileWriter] = {}
        self.batches: dict[str, list[int]] = defaultdict(list)  # check -> piece of each batch
        self.columns: dict[int, Path] = {}

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()
        shutil.rmtree(self.dir, ignore_errors=True)

    def add_columns(self, part: int, ids: pa.Array, columns: dict[str, pa.Array]) -> None:
        names = ["id", *(f"t{i}" for i in range(len(columns)))]
        table = pa.table([ids, *columns.values()], names=names)
        path = self.dir / f"piece-{part}.arrow"
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        self.columns[part] = path

    def add(self, check_id: str, part: int, rows: np.ndarray, values: pa.Array | None = None) -> None:
        if not len(rows):
            return
        writer = self.writers.get(check_id)
        if writer is None:
            sink = pa.OSFile(str(self._path(check_id)), "wb")
            writer = self.writers[check_id] = pa.ipc.new_file(sink, SPOOL_SCHEMA)
        if values is None:
            values = pa.nulls(len(rows), pa.string())
        writer.write_batch(pa.record_batch([pa.array(np.asarray(rows, dtype=np.int64)), values], schema=SPOOL_SCHEMA))
        self.batches[check_id].append(part)

    def _path(self, check_id: str) -> Path:
        return self.dir / f"check-{check_id}.arrow"

    def finish_writing(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()

    def rows_of(self, check_id: str):
        """(piece, sorted unique rows, values or None) per piece, pieces in order."""
        parts = self.batches.get(check_id)
        if not parts:
            return
        with pa.memory_map(str(self._path(check_id))) as source:
            reader = pa.ipc.open_file(source)
            by_part: dict[int, list[int]] = defaultdict(list)
            for number, part in enumerate(parts):
                by_part[part].append(number)
            for part in sorted(by_part):
                table = pa.Table.from_batches([reader.get_batch(i) for i in by_part[part]], schema=SPOOL_SCHEMA)
                rows = table.column("row").to_numpy()
                values = table.column("value")
                if len(by_part[part]) > 1 or (len(rows) > 1 and np.any(rows[1:] <= rows[:-1])):
                    order = np.argsort(rows, kind="stable")
                    rows = rows[order]
                    values = values.take(pa.array(order))
                    keep = np.concatenate(([True], rows[1:] != rows[:-1])) if len(rows) else np.zeros(0, bool)
                    rows = rows[keep]
                    values = values.filter(pa.array(keep))
                yield part, rows, (None if values.null_count == len(values) else pc.fill_null(values, ""))

    def piece_columns(self, part: int) -> pa.Table | None:
        path = self.columns.get(part)
        if path is None:
            return None
        with pa.memory_map(str(path)) as source:
            return pa.ipc.open_file(source).read_all()

    def write_csv(self, handle: IO[str], checks: list[Check], offsets: dict[int, int], value_terms: tuple[str, ...]) -> int:
        """The per-record issue list, byte for byte as ``dwcqa.summary.write_issues`` writes it."""
        from dwcqa.summary import ISSUE_COLUMNS, SEVERITY_ORDER, write_issue_rows

        self.finish_writing()
        handle.write(",".join(ISSUE_COLUMNS) + "\n")
        written = 0
        for check in sorted(checks, key=lambda c: (SEVERITY_ORDER[c.severity], c.id)):
            term = check.terms[0] if len(check.terms) == 1 else None
            label = short_name(term) if term else ""
            for part, rows, values in self.rows_of(check.id) or ():
                columns = self.piece_columns(part)
                indices = pa.array(rows)
                ids = columns.column("id").take(indices) if columns is not None else None
                if values is None and term in value_terms and columns is not None:
                    values = columns.column(f"t{value_terms.index(term)}").take(indices)
                write_issue_rows(handle, rows + offsets[part], ids, check.id, check.severity, label, values)
                written += len(rows)
        return written


# -- accumulating partition results ---------------------------------------------------------------


@dataclass
class PieceInfo:
    table: int
    number: int
    file: int
    rows: int
    lines: int
    width: int
    ragged: tuple
    blank_lines: tuple
    bom: int
    used_python: bool
    undecodable: bool


class Accumulator:
    """Folds piece summaries and bucket findings into totals, as they arrive (any order)."""

    def __init__(self, checks: list[Check], job: work.Job, spool: IssueSpool | None) -> None:
        self.by_id = {c.id: c for c in checks}
        self.job = job
        self.spool = spool
        self.pieces: dict[tuple[int, int], PieceInfo] = {}
        self.counts: Counter = Counter()
        self.applies: set[str] = set()
        self.failures: dict[str, str] = {}
        self.present: Counter = Counter()
        self.nulls: dict[int, dict[str, list]] = defaultdict(dict)
        self.errors: dict[int, np.ndarray] = {}  # core piece -> packed error mask
        self.flagged_errors: dict[int, list[np.ndarray]] = defaultdict(list)  # core piece -> keyed error rows
        self.hybrid: dict[str, dict[int, np.ndarray]] = defaultdict(dict)  # check -> piece -> packed mask
        self.hybrid_rows: dict[str, dict[int, list[np.ndarray]]] = defaultdict(lambda: defaultdict(list))
        self.findings: list[pd.DataFrame] = []

    # pieces

    def add_piece(self, summary: dict) -> None:
        info = PieceInfo(
            summary["table"], summary["number"], summary["file"], summary["rows"], summary["lines"], summary["width"],
            summary["ragged"], summary["blank_lines"], summary["bom"], summary["used_python"], summary["undecodable"],
        )
        self.pieces[(info.table, info.number)] = info
        if info.undecodable:
            return
        if info.table == 0:
            self._add_core(info, summary)
        elif summary.get("findings") is not None:
            self.findings.append(summary["findings"])
        for term, count, first, values in summary.get("nulls", ()):
            self._add_nulls(info, term, count, first, values)

    def _add_core(self, info: PieceInfo, summary: dict) -> None:
        part = info.number
        for check_id, count in summary["counts"].items():
            self.applies.add(check_id)
            if check_id not in work.HYBRID_RECORD_CHECKS:
                self.counts[check_id] += count
        self.applies.update(c for c, applies in summary["applies"].items() if applies)
        for check_id, message in summary["failures"].items():
            self.failures.setdefault(check_id, message)
        for check_id, packed in summary["hybrid"].items():
            self.hybrid[check_id][part] = packed
        self.errors[part] = summary["errors"]
        self.present.update(summary["present"])
        if self.spool is not None:
            self.spool.add_columns(part, summary["ids"], summary["columns"])
            for check_id, (rows, values) in summary["issues"].items():
                self.spool.add(check_id, part, rows, values)

    def _add_nulls(self, info: PieceInfo, term: str, count: int, first: int, values: list) -> None:
        entry = self.nulls[info.table].get(term)
        if entry is None:
            entry = self.nulls[info.table][term] = [0, None, {}]
        entry[0] += count
        place = (info.number, first)
        entry[1] = place if entry[1] is None else min(entry[1], place)
        for value, n, row in values:
            known = entry[2].get(value)
            where = (info.number, row)
            entry[2][value] = [n, where] if known is None else [known[0] + n, min(known[1], where)]

    # buckets

    def add_bucket(self, frame: pd.DataFrame) -> None:
        if frame is None or frame.empty:
            return
        issues = frame[frame["what"] == work.ISSUE]
        for (kind, part), group in issues.groupby(["kind", "part"], sort=False):
            check_id = work.KIND_CHECK[int(kind)]
            rows = group["row"].to_numpy()
            part = int(part)
            if check_id in work.HYBRID_RECORD_CHECKS:
                self.hybrid_rows[check_id][part].append(rows)
                continue
            self.counts[check_id] += len(rows)
            if self.by_id[check_id].severity == "error":
                self.flagged_errors[part].append(rows)
            if self.spool is not None:
                self.spool.add(check_id, part, rows)
        rest = frame[frame["what"] != work.ISSUE]
        if len(rest):
            self.findings.append(rest)

    # after the last piece

    def core_rows(self) -> dict[int, int]:
        return {number: info.rows for (table, number), info in self.pieces.items() if table == 0}

    def offsets(self, table: int) -> dict[int, int]:
        numbers = sorted(n for (t, n) in self.pieces if t == table)
        out, total = {}, 0
        for number in numbers:
            out[number] = total
            total += self.pieces[(table, number)].rows
        return out

    def finish_hybrid(self) -> None:
        """Masks of checks completed over keys: OR the piece's mask with the keyed rows."""
        rows_by_part = self.core_rows()
        for check_id in set(self.hybrid) | set(self.hybrid_rows):
            total = 0
            for part, records in rows_by_part.items():
                packed = self.hybrid[check_id].get(part)
                mask = np.unpackbits(packed, count=records).astype(bool) if packed is not None else np.zeros(records, dtype=bool)
                for rows in self.hybrid_rows[check_id].get(part, ()):
                    mask[rows] = True
                total += int(mask.sum())
                if self.spool is not None and mask.any():
                    self.spool.add(check_id, part, np.flatnonzero(mask))
            if check_id in self.applies or self.hybrid_rows[check_id]:
                self.counts[check_id] = total

    def ready(self) -> int:
        ready = 0
        for part, records in self.core_rows().items():
            packed = self.errors.get(part)
            mask = np.unpackbits(packed, count=records).astype(bool) if packed is not None else np.zeros(records, dtype=bool)
            for rows in self.flagged_errors.get(part, ()):
                mask[rows] = True
            ready += records - int(mask.sum())
        return ready


# -- the skeleton and the archive checks -----------------------------------------------------------


def skeleton(plan: ArchivePlan, acc: Accumulator, widths: dict[int, int]) -> Archive:
    """The archive as the reader would return it, minus the rows; problems in the reader's order."""
    problems = list(plan.problems_before)
    tables = []
    for position, table_plan in enumerate(plan.tables):
        spec = table_plan.spec
        kind = table_plan.kind
        pieces = sorted((info for (t, _), info in acc.pieces.items() if t == position), key=lambda i: i.number)
        offsets = acc.offsets(position)
        row_files: list[tuple[str, int]] = []
        ragged_total, ragged_head = 0, []
        start = 0
        for file_plan in table_plan.files:
            problems.extend(file_plan.problems)
            source = file_plan.source
            if source is None:
                continue
            mine = [p for p in pieces if p.file == source.position]
            row_files.append((source.name, start))
            line_offset = 0
            blank_total, blank_first, bom = 0, None, 0
            for info in mine:
                count, head = info.ragged
                ragged_total += count
                for line, row, fields, expected in head:
                    if len(ragged_head) < work.EXAMPLE_ROWS:
                        ragged_head.append(RaggedRow(source.name, line_offset + line, offsets[info.number] + row, fields, expected))
                n_blank, first_blank = info.blank_lines
                if n_blank and blank_first is None:
                    blank_first = line_offset + first_blank
                blank_total += n_blank
                bom += info.bom
                line_offset += info.lines
                start += info.rows
            if blank_total:
                problems.append(Problem("BLANK_LINES", f"{blank_total} blank lines (skipped, no record)", source.name, blank_first, count=blank_total))
            if bom:
                problems.append(Problem("BOM_IN_DATA", f"{bom} rows start with a byte-order mark; it was removed", source.name, count=bom))
        width = widths.get(position, 0)
        if ragged_total:
            problems.append(ragged_problem(ragged_total, ragged_head[0], kind if plan.kind == "dwca" else None))
        if plan.kind == "dwca" and row_files:
            problems.extend(beyond_columns(spec, width, row_files[0][0]))
        tables.append(
            SkeletonTable(
                spec=spec,
                data=NoRows(width, kind),
                header=table_plan.header,
                encoding=table_plan.encoding,
                ragged=Head(ragged_total, ragged_head),
                row_files=row_files,
                total=sum(p.rows for p in pieces),
            )
        )
    problems.extend(plan.problems_after)
    return Archive(
        source=plan.source,
        kind=plan.kind,
        core=tables[0],
        extensions=tables[1:],
        meta_xml=plan.meta_xml,
        metadata_file=plan.metadata_file,
        eml_xml=plan.eml_xml,
        members=plan.members,
        problems=problems,
        container=plan.container,
        meta_file=plan.meta_file,
    )


def has_ids(table: Table) -> bool:
    """table.ids is not None, from the mapping and the width."""
    index = table.spec.id_index
    return index is not None and index < table.data.shape[1]


def mapped_terms(table: Table) -> list[str]:
    """The terms structure._mapped_columns yields, in its order, from the mapping and the width."""
    found = []
    for term in table.terms:
        f = table.field(term) if term else None
        if f is not None and f.index is not None and f.index < table.data.shape[1]:
            found.append(term)
    return found


def value_counts_like(values: list[str], counts: list[int]) -> pd.Series:
    """What ``Series.value_counts()`` returns for a string column whose distinct values, in
    order of first occurrence, are ``values`` with ``counts``: same dtype, same sort."""
    series = pd.Series(pd.array(counts, dtype="int64[pyarrow]"), index=pd.Index(values, dtype=STRING), name="count")
    return series.sort_values(ascending=False)


class Combined:
    """The archive checks that read rows, from partition results."""

    def __init__(self, archive: Archive, acc: Accumulator) -> None:
        self.archive, self.acc = archive, acc
        self.offsets = {position: acc.offsets(position) for position in range(len(archive.tables))}
        findings = [f for f in acc.findings if f is not None and len(f)]
        self.frame = pd.concat(findings, ignore_index=True) if findings else work.empty_frame(work.FINDING_COLUMNS)

    def _global(self, src: int, parts, rows) -> np.ndarray:
        offsets = self.offsets[src]
        return np.asarray([offsets[int(p)] + int(r) for p, r in zip(parts, rows)], dtype=np.int64)

    def _of(self, kind: int, src: int) -> pd.DataFrame:
        frame = self.frame
        return frame[(frame["kind"] == kind) & (frame["src"] == src)]

    def _rows(self, kind: int, src: int) -> HeadRows:
        found = self._of(kind, src)
        total = int(found.loc[found["what"] == work.TOTAL, "count"].sum())
        examples = found[found["what"] == work.ROW]
        head = np.sort(self._global(src, examples["part"], examples["row"]))[: work.EXAMPLE_ROWS]
        return HeadRows(total, list(head))

    def _first_values(self, kind: int, src: int) -> list[str]:
        values = self._of(kind, src)
        values = values[values["what"] == work.VALUE]
        order = np.argsort(self._global(src, values["part"], values["row"]), kind="stable")
        return list(dict.fromkeys(values["value"].iloc[order]))[: work.EXAMPLE_VALUES]

    def verbatim_null_by_term(self) -> list[ArchiveFinding]:
        from dwcqa.checks.structure import _label, row_lines

        found = []
        for position, table in enumerate(self.archive.tables):
            stats = self.acc.nulls.get(position, {})
            offsets = self.offsets[position]
            for term in mapped_terms(table):
                entry = stats.get(term)
                if entry is None or not entry[0]:
                    continue
                count, (part, row), per_value = entry
                ordered = sorted(per_value.items(), key=lambda kv: (kv[1][1][0], kv[1][1][1]))
                values = value_counts_like([v for v, _ in ordered], [n for _, (n, _) in ordered])
                shown = ", ".join(f"{v!r} x{n}" for v, n in values.head(3).items())
                message = f"{_label(table)}: {short_name(term)} has {count} placeholder values ({shown})"
                (file, line), *_ = row_lines(table, [offsets[part] + row])
                found.append(ArchiveFinding("VERBATIM_NULL_BY_TERM", message, file, line, term, count))
        return found

    def referential_integrity(self) -> list[ArchiveFinding]:
        from dwcqa.checks.structure import _rows_finding

        core_ids = has_ids(self.archive.core)
        found = []
        for position, table in enumerate(self.archive.tables):
            if position == 0 or not has_ids(table) or not table.records:
                continue
            what = "have a coreid that matches no core record" if core_ids else "cannot be linked: the core declares no <id> column"
            rows = self._rows(work.K_COREID, position)
            if len(rows):
                example = ", ".join(repr(v) for v in self._first_values(work.K_COREID, position))
                found.append(_rows_finding("RECORD_REFERENTIAL_INTEGRITY_VIOLATION", table, rows, f"{what} (e.g. {example})"))
        return found

    def coreid_missing(self) -> list[ArchiveFinding]:
        from dwcqa.checks.structure import _rows_finding

        found = []
        for position, table in enumerate(self.archive.tables):
            if position == 0 or not has_ids(table):
                continue
            rows = self._rows(work.K_COREID_MISSING, position)
            if len(rows):
                found.append(_rows_finding("EXTENSION_COREID_MISSING", table, rows, "have an empty coreid"))
        return found

    def extension_occurrence_ids(self) -> list[ArchiveFinding]:
        from dwcqa.checks.structure import OCCURRENCE, OCCURRENCE_ID, _rows_finding

        found = []
        for position, table in enumerate(self.archive.tables):
            if position == 0 or table.row_type != OCCURRENCE or not _maps(table, OCCURRENCE_ID):
                continue
            rows = self._rows(work.K_EXTOCC, position)
            if not len(rows):
                continue
            values = self._of(work.K_EXTOCC, position)
            values = values[values["what"] == work.VALUE]
            order = np.argsort(self._global(position, values["part"], values["row"]), kind="stable")
            shared = value_counts_like(list(values["value"].iloc[order]), [int(n) for n in values["count"].iloc[order]])
            example = ", ".join(f"{v!r} x{n}" for v, n in shared.head(3).items())
            found.append(_rows_finding("EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED", table, rows, f"share an occurrenceID ({example})", OCCURRENCE_ID))
        return found

    def run(self, check_id: str) -> list[ArchiveFinding]:
        return {
            "VERBATIM_NULL_BY_TERM": self.verbatim_null_by_term,
            "RECORD_REFERENTIAL_INTEGRITY_VIOLATION": self.referential_integrity,
            "EXTENSION_COREID_MISSING": self.coreid_missing,
            "EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED": self.extension_occurrence_ids,
        }[check_id]()


def _maps(table: Table, term: str) -> bool:
    """structure._column(table, term) is not None, from the mapping alone."""
    if table.field(term) is not None:
        return True
    lowered = term.lower()
    return any(f.term and f.term.lower() == lowered for f in table.spec.fields)


def assemble(plan: ArchivePlan, acc: Accumulator, checks: list[Check], options: dict, widths: dict[int, int]) -> EngineResults:
    from dwcqa.checks.context import Context

    acc.finish_hybrid()
    archive = skeleton(plan, acc, widths)
    context = Context(archive, dict(options))
    combined = Combined(archive, acc)
    results = EngineResults(archive, list(checks), total=archive.core.records)
    failures: dict[str, str] = dict(acc.failures)
    for check in checks:
        if check.level != "archive":
            continue
        try:
            if check.id in work.COMBINED_ARCHIVE_CHECKS:
                results.archive_findings.extend(combined.run(check.id))
            else:
                results.archive_findings.extend(check.function(context) or [])
        except Exception as error:
            failures[check.id] = traceback.format_exception_only(type(error), error)[-1].strip()
    for check in checks:
        if check.level == "record" and check.id not in failures and (check.id in acc.applies or check.id in acc.counts):
            results.counts[check.id] = int(acc.counts.get(check.id, 0))
        if check.id in failures:
            results.failures.append(ArchiveFinding(CHECK_FAILED, f"{check.id} could not run: {failures[check.id]}"))
    results.present = dict(acc.present)
    results.ready_total = acc.ready()
    results.partitions = dict(Counter(t for (t, _) in acc.pieces))
    results.data_bytes = sum(source.size for table in plan.tables for source in table.sources)
    return results
