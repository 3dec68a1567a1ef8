"""Proposing and applying amendments; every applied change logged.

- :func:`propose` runs amendments over an archive and says, per amendment, how many cells and
  records it would change, with examples (before -> after). Nothing is changed. Each
  amendment is previewed on the archive as it is, on its own.
- :func:`apply` runs the accepted amendments **in order** (see ``registry.all_amendments``),
  each on the result of the previous ones, and returns a **new** Archive (the input object and
  its DataFrames are left untouched) and the change log: one row per changed cell with the
  table, row, record id, term, old value, new value and amendment id. Rows the user excluded
  (all amendments, or per amendment) are left alone.

Changing the core's identifier column (trimming it, filling it) would break the links of the
extension rows; the new id is therefore carried over to the extension rows' coreids where the
old id names exactly one record, and those changes are logged too.

The change log (a DataFrame, :data:`CHANGE_COLUMNS`; :func:`write_changes` writes it as CSV):
``table`` (the core by its class, e.g. "Occurrence"; an extension as "Multimedia extension"),
``row`` (0-based data row of that table), ``id`` (the record's <id>/<coreid>, else its
occurrenceID/taxonID/eventID), ``term`` (short name), ``old_value`` and ``new_value`` (what a
reader sees: meta.xml defaults applied; empty when there was no value), ``amendment``.

A term the core does not map yet gets a new column (and ``<field>``) when an amendment fills
it; a term mapped only by a meta.xml default (a constant column) gets a column of empty cells
(the default still applies) with the changed cells filled in.
"""

from __future__ import annotations

import dataclasses
import traceback
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from dwcqa.amend.registry import Amendment, get
from dwcqa.archive.model import STRING, Archive, Field, Table
from dwcqa.checks.context import Context
from dwcqa.terms import short_name

CHANGE_COLUMNS = ("table", "row", "id", "term", "old_value", "new_value", "amendment")
EXAMPLES = 5


@dataclass
class Proposal:
    """What one amendment would change (nothing is applied)."""

    amendment: Amendment
    changes: dict[str, pd.Series] = field(default_factory=dict)  # term URI -> new values by core row
    error: str | None = None  # the amendment could not run (its message)
    examples: list[dict] = field(default_factory=list)  # {row, id, term, before, after}

    @property
    def id(self) -> str:
        return self.amendment.id

    @property
    def cells(self) -> int:
        return sum(len(v) for v in self.changes.values())

    @property
    def records(self) -> int:
        rows = [v.index.to_numpy() for v in self.changes.values()]
        return int(len(np.unique(np.concatenate(rows)))) if rows else 0

    @property
    def rows(self) -> np.ndarray:
        rows = [v.index.to_numpy() for v in self.changes.values()]
        return np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.amendment.title,
            "terms": sorted({short_name(t) for t in self.changes}),
            "cells": self.cells,
            "records": self.records,
            "examples": self.examples,
            "error": self.error,
        }


def _resolve(amendments) -> list[Amendment]:
    if amendments is None:
        from dwcqa.amend.registry import all_amendments

        return all_amendments()
    found = [a if isinstance(a, Amendment) else get(str(a)) for a in amendments]
    from dwcqa.amend.registry import all_amendments

    order = {a.id: n for n, a in enumerate(all_amendments())}
    return sorted(found, key=lambda a: order.get(a.id, len(order)))


def normalise_changes(raw, table: Table) -> dict[str, pd.Series]:
    """An amendment's result as {term: Series of new strings indexed by row}, without no-ops.

    No-ops dropped: NA proposals, rows outside the table, and values equal to the current
    effective value (an empty cell without a default counts as "")."""
    if not raw:
        return {}
    n = table.records
    out: dict[str, pd.Series] = {}
    for term, values in raw.items():
        if values is None or len(values) == 0:
            continue
        values = values if isinstance(values, pd.Series) else pd.Series(values)
        index = np.asarray(values.index, dtype=np.int64)
        new = pd.Series(values.astype(STRING).to_numpy(dtype=object, na_value=None), index=index)
        keep = new.notna().to_numpy(dtype=bool) & (index >= 0) & (index < n)
        new = new[keep]
        new = new[~new.index.duplicated(keep="last")]
        current = table.column(term)
        if current is not None and len(new):
            before = current.iloc[new.index.to_numpy()].fillna("").to_numpy(dtype=object)
            new = new[before != new.to_numpy(dtype=object)]
        if len(new):
            out[term] = pd.Series(new.to_numpy(dtype=object), index=new.index, dtype=STRING).sort_index()
    return out


ID_TERMS = {"Occurrence": "occurrenceID", "Taxon": "taxonID", "Event": "eventID"}


def protect_ids(changes: dict[str, pd.Series], table: Table) -> dict[str, pd.Series]:
    """Drop changes that would break record identity.

    In the <id> column: no id may become empty (extension rows link to it) and none may become
    equal to another record's. In the class's id term (occurrenceID, taxonID, eventID): none
    may become equal to another record's (an emptied one may be filled later)."""
    from dwcqa.terms import DWC

    id_term = ID_TERMS.get(table.name)
    id_field = table.field(DWC + id_term) if id_term else None
    guarded: dict[int, bool] = {}  # column -> may it not become empty?
    if id_field is not None and id_field.index is not None:
        guarded[id_field.index] = False
    if table.spec.id_index is not None:
        guarded[table.spec.id_index] = True
    out = {}
    for term, new in changes.items():
        f = table.field(term)
        if f is None or f.index not in guarded or f.index not in table.data.columns:
            out[term] = new
            continue
        rows = new.index.to_numpy()
        values = table.data[f.index].fillna("")
        resulting = values.copy()
        resulting.iloc[rows] = new.to_numpy(dtype=object)
        filled = resulting.str.strip() != ""
        shared = (resulting.duplicated(keep=False) & filled).to_numpy(dtype=bool)[rows]
        keep = ~shared
        if guarded[f.index]:
            keep &= filled.to_numpy(dtype=bool)[rows]
        if keep.any():
            out[term] = new[keep]
    return out


def _run(item: Amendment, context: Context) -> tuple[dict[str, pd.Series], str | None]:
    try:
        return protect_ids(normalise_changes(item.function(context), context.core), context.core), None
    except Exception as error:  # a faulty amendment must not stop the others
        detail = traceback.format_exception_only(type(error), error)[-1].strip()
        return {}, f"{item.id} could not run: {detail}"


def propose(
    archive: Archive, amendment_ids=None, options: dict | None = None, examples: int = EXAMPLES, context: Context | None = None
) -> list[Proposal]:
    """Preview: per amendment, the cells it would change (each on the archive as it is).

    ``context``: the check run's (``Results.context``), to reuse what it parsed; it must be of
    this archive, and its options are used instead of ``options``."""
    if context is not None and context.archive is not archive:
        raise ValueError("the context is of another archive")
    context = context or Context(archive, options or {})
    ids = record_ids(archive.core)
    proposals = []
    for item in _resolve(amendment_ids):
        changes, error = _run(item, context)
        proposal = Proposal(item, changes, error)
        for term, new in changes.items():
            if len(proposal.examples) >= examples:
                break
            current = archive.core.column(term)
            for row, value in new.head(examples - len(proposal.examples)).items():
                proposal.examples.append(
                    {
                        "row": int(row),
                        "id": _at(ids, row),
                        "term": short_name(term),
                        "before": _at(current, row),
                        "after": value,
                    }
                )
        proposals.append(proposal)
    return proposals


def _at(values: pd.Series | None, row: int) -> str:
    if values is None:
        return ""
    value = values.iloc[int(row)]
    return "" if pd.isna(value) else str(value)


def _excluded(excluded_rows, amendment_id: str) -> np.ndarray:
    if not excluded_rows:
        return np.zeros(0, dtype=np.int64)
    if isinstance(excluded_rows, Mapping):
        rows = set(excluded_rows.get("*", ())) | set(excluded_rows.get(amendment_id, ()))
    else:
        rows = set(excluded_rows)
    return np.fromiter((int(r) for r in rows), dtype=np.int64)


def apply(
    archive: Archive,
    accepted_ids,
    excluded_rows: Iterable[int] | Mapping[str, Iterable[int]] = frozenset(),
    options: dict | None = None,
) -> tuple[Archive, pd.DataFrame]:
    """Apply the accepted amendments; returns (new Archive, change log).

    ``excluded_rows``: core row positions no amendment may change, or a mapping
    ``{amendment id: rows}`` (key ``"*"``: every amendment). The input archive is not modified.
    """
    current = archive
    logs: list[pd.DataFrame] = []
    options = options or {}
    for item in _resolve(accepted_ids):
        context = Context(current, options)
        changes, error = _run(item, context)
        if error:
            raise AmendmentError(error)
        skip = _excluded(excluded_rows, item.id)
        if len(skip):
            changes = {t: v[~np.isin(v.index.to_numpy(), skip)] for t, v in changes.items()}
            changes = {t: v for t, v in changes.items() if len(v)}
        if not changes:
            continue
        current, log = commit(current, changes, item.id)
        logs.append(log)
    return current, concat_logs(logs)


class AmendmentError(RuntimeError):
    pass


def empty_log() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=STRING) for c in CHANGE_COLUMNS})
    frame["row"] = frame["row"].astype("int64")
    return frame


def concat_logs(logs: list[pd.DataFrame]) -> pd.DataFrame:
    logs = [log for log in logs if len(log)]
    if not logs:
        return empty_log()
    return pd.concat(logs, ignore_index=True)


def record_ids(table: Table) -> pd.Series | None:
    """What identifies a table's rows in the log: its <id>/<coreid> column, else its class's id term."""
    if table.ids is not None:
        return table.ids
    from dwcqa.terms import DWC

    for name in ("occurrenceID", "taxonID", "eventID"):
        values = table.column(DWC + name)
        if values is not None:
            return values
    return None


def table_labels(archive: Archive) -> list[str]:
    """How the change log names each table: the core by its class ("Occurrence"), an extension
    as "<class> extension" (numbered when several extensions share a class)."""
    labels = [archive.core.name]
    seen: dict[str, int] = {}
    for table in archive.extensions:
        label = f"{table.name} extension"
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} {seen[label]}")
    return labels


def _log(label: str, rows: np.ndarray, ids: pd.Series | None, term_label: str, old, new, amendment_id: str) -> pd.DataFrame:
    n = len(rows)
    return pd.DataFrame(
        {
            "table": pd.Series([label] * n, dtype=STRING),
            "row": rows.astype("int64"),
            "id": pd.Series(ids.iloc[rows].to_numpy(dtype=object) if ids is not None else [pd.NA] * n, dtype=STRING),
            "term": pd.Series([term_label] * n, dtype=STRING),
            "old_value": pd.Series(np.asarray(old, dtype=object), dtype=STRING),
            "new_value": pd.Series(np.asarray(new, dtype=object), dtype=STRING),
            "amendment": pd.Series([amendment_id] * n, dtype=STRING),
        },
        columns=list(CHANGE_COLUMNS),
    )


def _set_cells(column: pd.Series | None, n: int, rows: np.ndarray, values: np.ndarray, fill=pd.NA) -> pd.Series:
    """A new column: ``column`` (or ``fill`` everywhere) with ``values`` at ``rows`` (sorted, unique)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if column is None:
        base = pa.nulls(n, type=pa.large_string()) if fill is pd.NA else pa.array([fill] * n, type=pa.large_string()) if n < 1024 else pc.fill_null(pa.nulls(n, type=pa.large_string()), fill)
    else:
        base = pa.array(column.array) if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow" else pa.array(column.astype(STRING).array)
        if isinstance(base, pa.ChunkedArray):
            base = base.combine_chunks()
    if base.type != pa.large_string():
        base = base.cast(pa.large_string())
    order = np.argsort(rows, kind="stable")
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    replacements = pa.array(np.asarray(values, dtype=object)[order], type=pa.large_string(), from_pandas=True)
    result = pc.replace_with_mask(base, pa.array(mask), replacements)
    return pd.Series(pd.arrays.ArrowStringArray(result))


def set_cells(table: Table, changes: dict[str, pd.Series], amendment_id: str, label: str | None = None) -> tuple[Table, pd.DataFrame, dict[str, str]]:
    """A new Table with the cells set (verbatim), its change log, and old->new of the id column."""
    data = table.data.copy(deep=False)
    fields = list(table.spec.fields)
    n = table.records
    ids = record_ids(table)
    logs = []
    id_changes: dict[str, str] = {}
    for term, new in changes.items():
        rows = new.index.to_numpy(dtype=np.int64)
        values = new.to_numpy(dtype=object)
        before = table.column(term)
        old = before.iloc[rows].to_numpy(dtype=object, na_value=pd.NA) if before is not None else np.full(len(rows), pd.NA, dtype=object)
        position = next((i for i, f in enumerate(fields) if f.term == term), None)
        existing = fields[position] if position is not None else None
        if existing is not None and existing.index is not None:
            index = existing.index
            for gap in range(data.shape[1], index):
                data[gap] = pd.Series(pd.NA, index=data.index, dtype=STRING)
            data[index] = _set_cells(data[index] if index in data.columns else None, n, rows, values)
        else:
            index = data.shape[1]
            data[index] = _set_cells(None, n, rows, values, fill="")
            if existing is not None:  # a constant column: now a column, its default still there
                fields[position] = dataclasses.replace(existing, index=index)
            else:
                fields.append(Field(term=term, index=index, written=short_name(term)))
        if index == table.spec.id_index:
            for was, becomes in zip(old, values):
                if isinstance(was, str) and was.strip():
                    id_changes.setdefault(was, becomes)
        effective = values
        default = fields[next(i for i, f in enumerate(fields) if f.term == term)].default
        if default:  # an emptied cell shows the meta.xml default again: log what readers will see
            effective = np.where(values == "", default, values)
        logs.append(_log(label or table.name, rows, ids, short_name(term), old, effective, amendment_id))
    spec = dataclasses.replace(table.spec, fields=tuple(fields))
    return dataclasses.replace(table, spec=spec, data=data), concat_logs(logs), id_changes


def commit(archive: Archive, changes: dict[str, pd.Series], amendment_id: str) -> tuple[Archive, pd.DataFrame]:
    """A new Archive with ``changes`` (core cells) set, and the change log."""
    labels = table_labels(archive)
    core, log, id_changes = set_cells(archive.core, changes, amendment_id, labels[0])
    logs = [log]
    extensions = list(archive.extensions)
    if id_changes:
        mapping = _unambiguous(archive.core.ids, id_changes, changes)
        if mapping:
            for position, table in enumerate(extensions):
                extensions[position], ext_log = _follow_ids(table, mapping, amendment_id, labels[position + 1])
                logs.append(ext_log)
    new = dataclasses.replace(archive, core=core, extensions=extensions, problems=list(archive.problems))
    return new, concat_logs(logs)


def _unambiguous(core_ids: pd.Series | None, id_changes: dict[str, str], changes) -> dict[str, str]:
    """old id -> new id, only for old ids that named exactly one core record."""
    if core_ids is None:
        return {}
    counts = core_ids.value_counts()
    return {old: new for old, new in id_changes.items() if counts.get(old, 0) == 1 and old != new}


def _follow_ids(table: Table, mapping: dict[str, str], amendment_id: str, label: str) -> tuple[Table, pd.DataFrame]:
    coreids = table.ids
    if coreids is None:
        return table, empty_log()
    hits = coreids.isin(list(mapping)).to_numpy(dtype=bool, na_value=False)
    if not hits.any():
        return table, empty_log()
    rows = np.flatnonzero(hits)
    old = coreids.iloc[rows].to_numpy(dtype=object)
    new = np.array([mapping[v] for v in old], dtype=object)
    data = table.data.copy(deep=False)
    data[table.spec.id_index] = _set_cells(coreids, table.records, rows, new)
    term_label = next((short_name(f.term) for f in table.spec.fields if f.index == table.spec.id_index), "coreid")
    log = _log(label, rows, coreids, term_label, old, new, amendment_id)
    return dataclasses.replace(table, data=data), log


def rows_of_ids(archive: Archive, ids: Iterable[str]) -> set[int]:
    """Core row positions of records given by id (for ``excluded_rows``)."""
    core_ids = archive.core.ids
    if core_ids is None:
        return set()
    return set(np.flatnonzero(core_ids.isin(list(ids)).to_numpy(dtype=bool, na_value=False)).tolist())


def write_changes(log: pd.DataFrame, path) -> None:
    """The change log as CSV (UTF-8, comma-separated, header row)."""
    log.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
