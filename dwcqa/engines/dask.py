"""``--engine dask``: the registered checks over partitions of the archive, on a Dask cluster.

    from dwcqa.engines.dask import check
    results = check("dwca-10M.zip", issues="issues.csv")        # in-process cluster
    results = check("/shared/dwca/", scheduler="tcp://host:8786")  # a distributed cluster
    dwcqa.summary.report(results)                              # as for an in-memory run

How it runs:

1. The input is opened as the reader opens it and everything the reader decides before parsing
   is decided the same way (:mod:`dwcqa.engines.plan`); every data file (core *and*
   extensions) is cut into byte ranges of about ``blocksize`` at record boundaries
   (:mod:`dwcqa.engines.partitions`).
2. One task per piece parses it with the reader's own code, builds a one-piece Archive and runs
   every record check that looks only at its own row, through a Context, as the in-memory runner
   does; it returns counts, the flagged rows (spooled to disk on the client at once), the
   values completeness and VERBATIM_NULL_BY_TERM need, and a frame of *keys*.
3. The keys of all pieces become a Dask dataframe (``from_delayed``) that is shuffled on
   (kind, key) (P2P shuffle on a distributed cluster): every group of rows sharing an
   identifier, occurrenceID, catalogue triplet, collector/number/date or core id meets in one
   bucket, where uniqueness, duplicates, referential integrity and the media links are decided
   (:func:`dwcqa.engines.work.resolve_bucket`). Nothing gathers a whole column.
4. The client folds the results (:mod:`dwcqa.engines.combine`): row numbers become global
   (piece lengths are known at the end), archive checks that only read the mapping run on a
   skeleton archive, and the per-record issue list is written check by check from the spool,
   identical to ``dwcqa check --issues``.

Memory is bounded by the pieces in flight (about ``threads x blocksize x 10``) plus the
shuffle's buffers; the shuffle and the spool use disk. The files must be readable at the same
path by every worker: on a multi-machine cluster give a folder on a shared file system (a zip
is unpacked into a local temporary folder, which remote workers cannot see).

Rare inputs make a second pass: a file that turns out not to be in its declared encoding (it is
then read in the encoding it really has, as the reader does), a quoted file in which some
pieces need the Python reader (then all of its pieces use it), rows longer than the sampled
width where meta.xml maps those extra columns.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from contextlib import contextmanager
from typing import IO, Callable, Iterable

from dwcqa.archive.container import open_input
from dwcqa.checks.registry import Check, all_checks
from dwcqa.engines import partitions, work
from dwcqa.engines.combine import Accumulator, EngineResults, IssueSpool, assemble
from dwcqa.engines.plan import ArchivePlan, plan, refile

DEFAULT_BLOCKSIZE = "64MB"
MAX_PASSES = 4


class SchedulerUnreachable(ConnectionError):
    """The distributed scheduler named by its address does not answer."""


def check(
    path,
    scheduler=None,
    blocksize: str | int = DEFAULT_BLOCKSIZE,
    checks: Iterable[Check | str] | None = None,
    options: dict | None = None,
    *,
    issues: str | os.PathLike | IO[str] | None = None,
    spool_dir: str | os.PathLike | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> EngineResults:
    """Run ``checks`` (default: every registered check) over the archive at ``path``.

    ``scheduler``: None (an in-process cluster with one thread per CPU), the address of a
    distributed scheduler (``tcp://host:8786``), or a ``distributed.Client``.
    ``blocksize``: bytes per partition (``"64MB"``, ``2_000_000``).
    ``issues``: a path or text handle to write the per-record issue list to (the CSV of
    ``dwcqa check --issues``); ``spool_dir`` is where it is staged meanwhile (default: the
    system's temporary folder).
    ``progress(done, total)`` is called as pieces finish.

    Returns :class:`~dwcqa.engines.combine.EngineResults`: ``count(check_id)``,
    ``archive_findings``, ``failures``, ``completeness_shares()``, ``ready_count()``, as
    :func:`dwcqa.summary.report` (``dwcqa check --json``) reads them.
    Raises ArchiveError when the input cannot be read at all, as ``dwcqa.archive.read`` does.
    """
    from dask.utils import parse_bytes

    size = parse_bytes(blocksize) if isinstance(blocksize, str) else int(blocksize)
    selected = _select(checks)
    options = dict(options or {})
    with open_input(path) as opened:
        archive_plan = plan(opened, str(path))
        with _connect(scheduler) as client:
            state = _State.initial(archive_plan)
            for attempt in range(MAX_PASSES):
                spool = IssueSpool(spool_dir) if issues is not None else None
                try:
                    acc, widths = _pass(client, archive_plan, state, selected, options, size, spool, progress)
                except BaseException:
                    if spool is not None:
                        spool.close()
                    raise
                if attempt == MAX_PASSES - 1 or not _revise(archive_plan, state, acc, widths):
                    break
                if spool is not None:
                    spool.close()
        try:
            results = assemble(archive_plan, acc, selected, options, widths)
            if issues is not None:
                failed = {f.message.split(" ", 1)[0] for f in results.failures}
                written = [c for c in selected if c.level == "record" and c.id not in failed]
                if hasattr(issues, "write"):
                    results.issues_written = spool.write_csv(issues, written, acc.offsets(0), state.job_value_terms(selected))
                else:
                    with open(issues, "w", encoding="utf-8", newline="") as handle:
                        results.issues_written = spool.write_csv(handle, written, acc.offsets(0), state.job_value_terms(selected))
        finally:
            if spool is not None:
                spool.close()
    return results


def _select(checks) -> list[Check]:
    if checks is None:
        return all_checks()
    from dwcqa.checks.registry import get

    return [get(c) if isinstance(c, str) else c for c in checks]


@contextmanager
def _connect(scheduler):
    from distributed import Client

    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler is None:
        from distributed import LocalCluster

        with LocalCluster(
            n_workers=1,
            threads_per_worker=os.cpu_count() or 1,
            processes=False,
            dashboard_address=":0",  # an HTTP server always starts; any free port, no clash
            silence_logs=logging.ERROR,
        ) as cluster, Client(cluster) as client:
            _quiet()
            yield client
        return
    try:
        client = Client(scheduler)
    except (OSError, TimeoutError) as error:
        raise SchedulerUnreachable(f"cannot connect to the scheduler at {scheduler}: {error}") from None
    with client:
        yield client


def _quiet() -> None:
    # P2P shuffles log every start and stop at WARNING; they are not warnings for us.
    logging.getLogger("distributed.shuffle._scheduler_plugin").setLevel(logging.ERROR)


# -- one pass --------------------------------------------------------------------------------------


@dataclasses.dataclass
class _State:
    """What a pass may revise: files read with Python's csv module, pad width per table."""

    python: set = dataclasses.field(default_factory=set)  # (table, file position)
    pad: dict = dataclasses.field(default_factory=dict)  # table -> width

    @classmethod
    def initial(cls, archive_plan: ArchivePlan) -> "_State":
        return cls(set(), {position: t.sample_width for position, t in enumerate(archive_plan.tables)})

    @staticmethod
    def job_value_terms(selected: list[Check]) -> tuple[str, ...]:
        terms = [c.terms[0] for c in selected if c.id in work.KEYED_RECORD_CHECKS and len(c.terms) == 1]
        return tuple(dict.fromkeys(terms))


def _job(archive_plan: ArchivePlan, state: _State, selected: list[Check], options: dict, issues: bool) -> work.Job:
    from dwcqa.checks.other import AC_ACCESS_URI, AUDUBON, DC_IDENTIFIER, MULTIMEDIA

    ids = {c.id for c in selected}
    tables = archive_plan.tables

    def has_ids(position: int) -> bool:
        index = tables[position].spec.id_index
        return index is not None and index < state.pad[position]

    core_ids = has_ids(0)
    links = frozenset(p for p in range(1, len(tables)) if has_ids(p)) if "RECORD_REFERENTIAL_INTEGRITY_VIOLATION" in ids else frozenset()
    media = frozenset()
    if "MULTIMEDIA_URI_INVALID" in ids and core_ids:
        wanted = {MULTIMEDIA: DC_IDENTIFIER, AUDUBON: AC_ACCESS_URI}
        media = frozenset(
            p
            for p in range(1, len(tables))
            if tables[p].spec.row_type in wanted and has_ids(p) and any(f.term == wanted[tables[p].spec.row_type] for f in tables[p].spec.fields)
        )
    return work.Job(
        source=archive_plan.source,
        kind=archive_plan.kind,
        container=archive_plan.container,
        members=tuple(archive_plan.members),
        meta_xml=archive_plan.meta_xml,
        meta_file=archive_plan.meta_file,
        metadata_file=archive_plan.metadata_file,
        specs=tuple(t.spec for t in tables),
        headers=tuple(t.header for t in tables),
        encodings=tuple(t.encoding for t in tables),
        record_checks=tuple(c.id for c in selected if c.level == "record" and c.id not in work.KEYED_RECORD_CHECKS),
        keyed=frozenset(ids & work.KEYED_RECORD_CHECKS),
        archive_checks=frozenset(ids & work.COMBINED_ARCHIVE_CHECKS),
        value_terms=_State.job_value_terms(selected),
        core_ids=core_ids,
        link_tables=links,
        media_tables=media,
        options=options,
        issues=issues,
    )


def _pieces(archive_plan: ArchivePlan, state: _State, size: int) -> list[partitions.Piece]:
    found = []
    for position, table_plan in enumerate(archive_plan.tables):
        number = 0
        for source in table_plan.sources:
            python = (position, source.position) in state.python
            made = partitions.pieces(source, size, number, python=python, pad=state.pad[position])
            number += len(made)
            found.extend(made)
    return found


def _needs_keys(job: work.Job, archive_plan: ArchivePlan) -> bool:
    occurrence_extension = any(t.spec.row_type.endswith("/Occurrence") for t in archive_plan.tables[1:])
    return bool(
        job.keyed
        or job.media_tables
        or ("RECORD_REFERENTIAL_INTEGRITY_VIOLATION" in job.archive_checks and job.link_tables and job.core_ids)
        or ("EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED" in job.archive_checks and occurrence_extension)
    )


def _pass(client, archive_plan, state, selected, options, size, spool, progress):
    import dask.dataframe as dd
    from dask import delayed
    from dask.base import tokenize
    from distributed import as_completed

    job = _job(archive_plan, state, selected, options, issues=spool is not None)
    pieces = _pieces(archive_plan, state, size)
    token = tokenize(job, pieces)
    job_task = delayed(job, pure=True, name=f"dwcqa-job-{token}")
    tasks = [
        delayed(work.process_piece, pure=True)(piece, job_task, dask_key_name=f"dwcqa-piece-{token}-{piece.source.table}-{piece.number}")
        for piece in pieces
    ]
    summaries = [delayed(work.piece_summary, pure=True)(t, dask_key_name=f"dwcqa-summary-{token}-{i}") for i, t in enumerate(tasks)]
    buckets = []
    if _needs_keys(job, archive_plan) and tasks:
        keys = [delayed(work.piece_keys, pure=True)(t, dask_key_name=f"dwcqa-keys-{token}-{i}") for i, t in enumerate(tasks)]
        frame = dd.from_delayed(keys, meta=work.empty_frame(work.KEY_COLUMNS), verify_meta=False)
        shuffled = frame.shuffle(on=["kind", "key"], npartitions=max(1, len(tasks)))
        buckets = shuffled.map_partitions(work.resolve_bucket, meta=work.empty_frame(work.FINDING_COLUMNS)).to_delayed()
    acc = Accumulator(selected, job, spool)
    futures = client.compute(summaries + list(buckets))
    kinds = {f.key: ("summary" if i < len(summaries) else "bucket") for i, f in enumerate(futures)}
    done = 0
    for future, result in as_completed(futures, with_results=True):
        if kinds[future.key] == "summary":
            acc.add_piece(result)
            done += 1
            if progress:
                progress(done, len(summaries))
        else:
            acc.add_bucket(result)
        future.release()
    del futures
    widths = {}
    for position in range(len(archive_plan.tables)):
        found = [info.width for (t, _), info in acc.pieces.items() if t == position]
        widths[position] = max(found, default=0)
    return acc, widths


def _revise(archive_plan: ArchivePlan, state: _State, acc: Accumulator, widths: dict[int, int]) -> bool:
    """Change what the next pass does, when this one met what the reader decides per file."""
    changed = False
    for position, table_plan in enumerate(archive_plan.tables):
        infos = [info for (t, _), info in acc.pieces.items() if t == position]
        for index, file_plan in enumerate(table_plan.files):
            source = file_plan.source
            if source is None:
                continue
            mine = [i for i in infos if i.file == source.position]
            if any(i.undecodable for i in mine):
                table_plan.files[index] = refile(file_plan, source.dialect.encoding)
                changed = True
                continue
            key = (position, source.position)
            if source.dialect.quote and key not in state.python and any(i.used_python for i in mine) and not all(i.used_python for i in mine):
                # The reader reads the whole file with Python's csv module; with quotes the two
                # parsers may differ on odd values, so every piece must use the same one.
                state.python.add(key)
                changed = True
        spec = table_plan.spec
        pad = state.pad[position]
        width = widths[position]
        indices = [f.index for f in spec.fields if f.index is not None] + ([spec.id_index] if spec.id_index is not None else [])
        if width > pad and any(pad <= i < width for i in indices):
            state.pad[position] = width
            changed = True
    return changed
