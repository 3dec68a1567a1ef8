"""Export a cleaned, publication-ready Darwin Core Archive.

``export(archive, out)`` runs, in this order, each step optional and each change logged:

1. the amendments the user accepted (:func:`dwcqa.amend.apply`), minus the records they excluded;
2. **sensitive records**: where a Symbiota-style security flag (``localitySecurity`` or
   ``recordSecurity``, mapped or as an unmapped column) is set (not empty and not 0), the
   locality details and coordinates are withheld (emptied), ``informationWithheld`` says so,
   and every withheld cell is logged with the amendment id ``WITHHELD_SENSITIVE``. On by default
   (Symbiota backups are not redacted); ``withhold=False`` keeps them;
3. with ``ready_only``: only core records without an error-severity finding (and their
   extension rows) go into the archive; the others (and extension rows that belong to no
   exported record) go into ``<out>-not-ready.zip`` for follow-up, with the findings that hold
   each back in ``<out>-not-ready-issues.csv``;
4. the archive is written with :func:`dwcqa.archive.writer.write` (never over the input);
5. the change log (``changes``) and the cleaned core as a plain CSV (``csv``) on request.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from dwcqa.amend.engine import commit, concat_logs, empty_log, write_changes
from dwcqa.archive.model import Archive, Table
from dwcqa.archive.writer import WriteReport, check_target, write, write_csv
from dwcqa.terms import DWC, short_name

WITHHELD_SENSITIVE = "WITHHELD_SENSITIVE"
SECURITY_FLAGS = ("localitysecurity", "recordsecurity")  # short names, compared lower-case
# What Symbiota hides from the public for a record with locality security set.
WITHHELD_TERMS = tuple(
    DWC + name
    for name in (
        "locality", "verbatimLocality", "locationRemarks", "habitat",
        "decimalLatitude", "decimalLongitude", "verbatimLatitude", "verbatimLongitude", "verbatimCoordinates",
        "verbatimCoordinateSystem", "verbatimSRS", "coordinateUncertaintyInMeters", "coordinatePrecision",
        "pointRadiusSpatialFit", "footprintWKT", "footprintSRS", "footprintSpatialFit",
        "georeferencedBy", "georeferencedDate", "georeferenceProtocol", "georeferenceSources", "georeferenceRemarks",
        "verbatimElevation", "minimumElevationInMeters", "maximumElevationInMeters",
        "verbatimDepth", "minimumDepthInMeters", "maximumDepthInMeters",
    )
)
INFORMATION_WITHHELD = DWC + "informationWithheld"
WITHHELD_NOTE = "Locality details and coordinates withheld (sensitive record); available from the collection on request"


# -- sensitive records ----------------------------------------------------------------------------


def security_columns(table: Table) -> list[tuple[str, pd.Series]]:
    """(name, values) of the security flag columns of a table: mapped by term, or unmapped by header."""
    found: list[tuple[str, pd.Series]] = []
    seen: set[int] = set()
    for f in table.spec.fields:
        if f.term and short_name(f.term).lower() in SECURITY_FLAGS:
            values = table.column(f.term)
            if values is not None:
                found.append((short_name(f.term), values))
                if f.index is not None:
                    seen.add(f.index)
    for position, name in enumerate(table.header or []):
        clean = name.replace("\ufeff", "").strip().strip('"').split(":")[-1].rsplit("/", 1)[-1].lower()
        if clean in SECURITY_FLAGS and position not in seen and position in table.data.columns:
            found.append((name.strip(), table.data[position]))
            seen.add(position)
    return found


def sensitive_mask(table: Table) -> np.ndarray:
    """Records whose security flag is set: not empty and not 0."""
    mask = np.zeros(table.records, dtype=bool)
    for _, values in security_columns(table):
        text = values.fillna("").str.strip()
        mask |= ((text != "") & (text != "0")).to_numpy(dtype=bool)
    return mask


def withhold_sensitive(archive: Archive, terms: Iterable[str] = WITHHELD_TERMS, note: str = WITHHELD_NOTE) -> tuple[Archive, pd.DataFrame, int]:
    """Empty the locality details of flagged core records; returns (archive, log, records withheld)."""
    core = archive.core
    mask = sensitive_mask(core)
    if not mask.any():
        return archive, empty_log(), 0
    rows = np.flatnonzero(mask)
    changes: dict[str, pd.Series] = {}
    for term in terms:
        values = core.column(term)
        if values is None:
            continue
        current = values.iloc[rows].fillna("")
        has = (current.str.strip() != "").to_numpy(dtype=bool)
        if has.any():
            changes[term] = pd.Series("", index=rows[has], dtype="string[pyarrow]")
    if changes:
        affected = np.unique(np.concatenate([v.index.to_numpy() for v in changes.values()]))
        withheld = core.column(INFORMATION_WITHHELD)
        before = withheld.iloc[affected].fillna("").to_numpy(dtype=object) if withheld is not None else np.full(len(affected), "", dtype=object)
        noted = np.array([b if note in b else (f"{b}; {note}" if b.strip() else note) for b in before], dtype=object)
        changes[INFORMATION_WITHHELD] = pd.Series(noted, index=affected, dtype="string[pyarrow]")
    if not changes:
        return archive, empty_log(), 0
    new, log = commit(archive, changes, WITHHELD_SENSITIVE)
    return new, log, int(len(np.unique(log.loc[log["term"] != short_name(INFORMATION_WITHHELD), "row"])))


# -- ready-only split ---------------------------------------------------------------------------------


def _take(table: Table, rows: np.ndarray) -> Table:
    data = table.data.iloc[rows].reset_index(drop=True)
    position = {int(r): i for i, r in enumerate(rows)}
    ragged = [dataclasses.replace(r, row=position[r.row]) for r in table.ragged if r.row in position]
    first = table.row_files[0][0] if table.row_files else (table.files[0] if table.files else "")
    return dataclasses.replace(table, data=data, ragged=ragged, row_files=[(first, 0)] if first else [], row_lines=None)


def subset(archive: Archive, core_rows: np.ndarray, orphans: bool = False) -> Archive:
    """The archive with only some core records and the extension rows that belong to them
    (``orphans``: also extension rows whose coreid names no core record at all)."""
    core_rows = np.asarray(core_rows, dtype=np.int64)
    core = archive.core
    ids = core.ids
    kept_ids = ids.iloc[core_rows].dropna().unique() if ids is not None else []
    all_ids = ids.dropna().unique() if ids is not None else []
    extensions = []
    for table in archive.extensions:
        coreids = table.ids
        if coreids is None:
            keep = np.full(table.records, orphans, dtype=bool)
        else:
            keep = coreids.isin(kept_ids).to_numpy(dtype=bool, na_value=False)
            if orphans:
                keep = keep | ~coreids.isin(all_ids).to_numpy(dtype=bool, na_value=False)
        extensions.append(_take(table, np.flatnonzero(keep)))
    return dataclasses.replace(archive, core=_take(core, core_rows), extensions=extensions, problems=list(archive.problems))


def readiness(archive: Archive, progress: Callable | None = None):
    """(ready mask, check results) of an archive: records with no error-severity finding."""
    from dwcqa.checks.runner import run
    from dwcqa.summary import ready_mask

    results = run(archive, progress=progress)
    return ready_mask(results), results


# -- export ------------------------------------------------------------------------------------------------


@dataclass
class ExportReport:
    path: Path
    written: WriteReport
    changes: pd.DataFrame  # every change: amendments, then WITHHELD_SENSITIVE
    records: int  # core records in the exported archive
    amendments: dict[str, int] = field(default_factory=dict)  # id -> cells changed
    sensitive: int = 0  # records whose locality details were withheld
    sensitive_flagged: int = 0  # records with a security flag set
    withheld: bool = True
    held_back: int = 0  # core records not ready (ready-only)
    held_back_path: Path | None = None
    held_back_issues: Path | None = None
    changes_path: Path | None = None
    csv_path: Path | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "path": str(self.path),
            "records": self.records,
            "tables": [dataclasses.asdict(t) for t in self.written.tables],
            "amendments": self.amendments,
            "changes": int(len(self.changes)),
            "sensitive_flagged": self.sensitive_flagged,
            "sensitive_withheld": self.sensitive,
            "withheld": self.withheld,
            "held_back": self.held_back,
            "held_back_path": str(self.held_back_path) if self.held_back_path else None,
            "held_back_issues": str(self.held_back_issues) if self.held_back_issues else None,
            "changes_path": str(self.changes_path) if self.changes_path else None,
            "csv_path": str(self.csv_path) if self.csv_path else None,
            "notes": self.notes,
        }


def follow_up_paths(out: Path) -> tuple[Path, Path]:
    stem = out.name[: -len(".zip")] if out.name.lower().endswith(".zip") else out.name
    return out.with_name(f"{stem}-not-ready.zip"), out.with_name(f"{stem}-not-ready-issues.csv")


def export(
    archive: Archive,
    out: str | os.PathLike,
    *,
    amendments=None,
    excluded_rows: Iterable[int] | Mapping[str, Iterable[int]] = frozenset(),
    options: dict | None = None,
    ready_only: bool = False,
    withhold: bool = True,
    changes: str | os.PathLike | None = None,
    csv: str | os.PathLike | None = None,
    eml: bytes | None = None,
    overwrite: bool = False,
    progress: Callable | None = None,
) -> ExportReport:
    """Amend, withhold sensitive localities, optionally keep only ready records, and write.

    ``amendments``: ids (or Amendment objects) to apply, in registry order; None = none.
    The input ``archive`` is never modified, and neither is its source on disk.
    """
    from dwcqa.amend.engine import apply

    target = check_target(archive, out, overwrite)
    for extra in (changes, csv):
        if extra is not None:
            check_target(archive, extra, overwrite=True)
    cleaned, log = apply(archive, amendments or [], excluded_rows, options)
    counts = log["amendment"].value_counts().to_dict() if len(log) else {}
    flagged = int(sensitive_mask(cleaned.core).sum())
    withheld_records = 0
    logs = [log]
    if withhold and flagged:
        cleaned, withheld_log, withheld_records = withhold_sensitive(cleaned)
        logs.append(withheld_log)
    change_log = concat_logs(logs)
    notes: list[str] = []
    if flagged and withhold:
        notes.append(f"{flagged} records carry a locality/record security flag: their locality details and coordinates were withheld ({withheld_records} records had some); informationWithheld says so")
    elif flagged:
        notes.append(f"{flagged} records carry a locality/record security flag and were exported WITH their locality details, as asked")
    exported = cleaned
    held_back = 0
    held_path = issues_path = None
    if ready_only:
        ready, results = readiness(cleaned, progress)
        held_back = int((~ready).sum())
        exported = subset(cleaned, np.flatnonzero(ready))
        held_path, issues_path = follow_up_paths(target)
        rest = subset(cleaned, np.flatnonzero(~ready), orphans=True)
        if held_back or any(t.records for t in rest.extensions):
            write(rest, held_path, eml=eml, overwrite=overwrite)
            _write_blocking_issues(results, issues_path)
            notes.append(f"{held_back} records with an error-severity finding held back in {held_path.name} (why: {issues_path.name})")
        else:
            held_path = issues_path = None
    written = write(exported, target, eml=eml, overwrite=overwrite)
    notes.extend(written.notes)
    report = ExportReport(
        path=target,
        written=written,
        changes=change_log,
        records=exported.core.records,
        amendments={str(k): int(v) for k, v in counts.items()},
        sensitive=withheld_records,
        sensitive_flagged=flagged,
        withheld=withhold,
        held_back=held_back,
        held_back_path=held_path,
        held_back_issues=issues_path,
        notes=notes,
    )
    if changes is not None:
        write_changes(change_log, changes)
        report.changes_path = Path(changes)
    if csv is not None:
        write_csv(exported.core, csv)
        report.csv_path = Path(csv)
    return report


def _write_blocking_issues(results, path: Path) -> None:
    from dwcqa.summary import issues_frame

    errors = [c.id for c in results.checks if c.severity == "error" and c.id in results.masks]
    frame = issues_frame(results, errors)
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


__all__ = [
    "ExportReport", "INFORMATION_WITHHELD", "SECURITY_FLAGS", "WITHHELD_NOTE", "WITHHELD_SENSITIVE", "WITHHELD_TERMS",
    "export", "follow_up_paths", "readiness", "security_columns", "sensitive_mask", "subset", "withhold_sensitive",
]
