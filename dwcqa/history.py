"""Published-version history: "this is what I published", kept in a local SQLite database.

For each dataset (a name the user gives; title and datasetID kept alongside) the store keeps
numbered versions: the publication date, when it was recorded, the source path and a SHA-256
checksum of the input, and per record the occurrenceID and the terms a later comparison needs
(the secondary keys catalogNumber, institutionCode, collectionCode, otherCatalogNumbers,
recordedBy, recordNumber, eventDate, the taxon, and a few descriptive terms for the similarity
fallback: ``dwcqa.compare.STORED_TERMS``). A later ``dwcqa compare history:NAME NEW`` then needs
no copy of the old file.

Records are kept twice, in one transaction: in the table ``records``, one SQL row per record with
the occurrenceID and the secondary keys (open to any SQLite client: "when did this ID go?"),
and in ``columns``, each stored term of a version as one zstd-compressed Arrow IPC stream,
which is what ``load`` reads: a million-record version loads in well under a second, where
fetching a million rows through sqlite3 takes tens of seconds.

Where it lives: ``DWCQA_HISTORY`` if set, else ``$XDG_DATA_HOME/dwcqa/history.sqlite``, else
``~/.local/share/dwcqa/history.sqlite``; every function also takes an explicit path.

Two processes may use it at once: the database runs in WAL mode (readers never block the
writer), every connection waits up to ``timeout`` seconds for a lock instead of failing, and
every change is one ``BEGIN IMMEDIATE`` transaction (the next version number is computed inside
it, so two writers never get the same number and a crash leaves no half-written version).

The same database keeps the decisions of QC review meetings (``dwcqa.decisions``), in the table
``decisions``: one row per decision (dataset name, check id, decision, comment, who, the meeting's
date, when it was recorded, the archive looked at). Rows are only ever added; the current
decision about a check is the latest by date, then by the order recorded. Decisions are tied to
the dataset's name, not to a recorded version: a dataset may have decisions before any version is
recorded as published, and deleting versions (even ``delete(name)``) keeps its decisions. The
table is created in databases written before it existed the first time something is written; a
reader of such a database sees no decisions.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import time
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from itertools import repeat
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

from dwcqa.compare import (
    CATALOG, COLLECTION, EVENT_DATE, ID, INSTITUTION, OTHER_CATALOG, RECORD_ID, RECORD_NUMBER, RECORDED_BY,
    STORED_TERMS, Version, version_from_archive,
)
from dwcqa.decisions import Decision, current, new_decision
from dwcqa.errors import ArchiveError
from dwcqa.terms import short_name

SCHEMA_VERSION = 1  # the decisions table was added without a new number: older dwcqa reads such a database as before
ENV = "DWCQA_HISTORY"
PREFIX = "history:"
_COLUMNS = {term: short_name(term) for term in STORED_TERMS}  # term URI -> stored name
_TERMS = {name: term for term, name in _COLUMNS.items()}
assert len(_TERMS) == len(_COLUMNS), "stored terms need distinct short names"
# One SQL row per record with these (the identity of a record and its secondary keys).
ROW_TERMS = (ID, CATALOG, INSTITUTION, COLLECTION, OTHER_CATALOG, RECORDED_BY, RECORD_NUMBER, EVENT_DATE)
COMPRESSION = "zstd" if pa.Codec.is_available("zstd") else None


class HistoryError(ArchiveError):
    """A dataset or version that is not in the history (the CLI exits 2, as for unreadable input)."""


def default_path() -> Path:
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "dwcqa" / "history.sqlite"


def parse_reference(text: str) -> tuple[str, int | None]:
    """``history:NAME`` -> (NAME, None: the latest); ``history:NAME@3`` -> (NAME, 3)."""
    body = text[len(PREFIX):] if text.startswith(PREFIX) else text
    match = re.fullmatch(r"(.+)@(\d+)", body)
    if match:
        return match.group(1), int(match.group(2))
    if not body:
        raise HistoryError("a history reference needs a dataset name: history:NAME or history:NAME@VERSION")
    return body, None


def file_checksum(path) -> str:
    """SHA-256 of a file, or of a folder's files (relative names and contents, in name order)."""
    path = Path(path)
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.relative_to(path).as_posix().encode("utf-8") + b"\0")
        with open(file, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


@dataclass
class VersionInfo:
    dataset: str
    number: int
    published: str  # the date the user says it was published (YYYY-MM-DD)
    recorded: str  # when it was recorded here (UTC, ISO 8601)
    records: int
    source: str | None = None
    checksum: str | None = None
    title: str | None = None
    dataset_id: str | None = None
    note: str | None = None
    id_source: str | None = None
    terms: list[str] = field(default_factory=list)  # short names of the stored terms it has
    unchanged: bool = False  # add(): the same checksum as the latest version, nothing recorded

    @property
    def reference(self) -> str:
        return f"{PREFIX}{self.dataset}@{self.number}"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["reference"] = self.reference
        return data


_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT)",
    """CREATE TABLE IF NOT EXISTS datasets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        title TEXT,
        dataset_id TEXT,
        created TEXT NOT NULL,
        last_number INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE IF NOT EXISTS versions (
        id INTEGER PRIMARY KEY,
        dataset INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        published TEXT NOT NULL,
        recorded TEXT NOT NULL,
        source TEXT,
        checksum TEXT,
        records INTEGER NOT NULL,
        title TEXT,
        dataset_id TEXT,
        note TEXT,
        id_source TEXT,
        terms TEXT NOT NULL,
        UNIQUE (dataset, number))""",
    "CREATE TABLE IF NOT EXISTS records (version INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE, "
    '"row" INTEGER NOT NULL, '
    + ", ".join(f'"{_COLUMNS[t]}" TEXT' for t in ROW_TERMS)
    + ', PRIMARY KEY (version, "row")) WITHOUT ROWID',
    """CREATE TABLE IF NOT EXISTS columns (
        version INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
        term TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (version, term)) WITHOUT ROWID""",
]
# Decisions of QC meetings (dwcqa.decisions): only ever added to, never updated.
_DECISIONS_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS decisions (
        id INTEGER PRIMARY KEY,
        dataset TEXT NOT NULL,
        check_id TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('accepted', 'will fix', 'won''t fix')),
        comment TEXT,
        decided_by TEXT NOT NULL,
        date TEXT NOT NULL,
        recorded TEXT NOT NULL,
        source TEXT)""",
    "CREATE INDEX IF NOT EXISTS decisions_by_dataset ON decisions (dataset, date, id)",
]
_SCHEMA += _DECISIONS_SCHEMA
_DECISION_COLUMNS = "dataset, check_id, decision, decided_by, date, recorded, comment, source"


class HistoryStore:
    """The history database. Cheap to create; every call opens and closes its own connection."""

    def __init__(self, path=None, timeout: float = 60.0):
        self.path = Path(path).expanduser() if path else default_path()
        self.timeout = timeout

    # -- connection -------------------------------------------------------------------------

    @contextmanager
    def _connection(self, write: bool):
        if not write and not self.path.exists():
            raise HistoryError("no history recorded yet (dwcqa history add ARCHIVE --name NAME records one)", str(self.path))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot open the history database: {exc}", str(self.path)) from None
        with closing(con):
            con.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            con.execute("PRAGMA foreign_keys = ON")
            mode = self._wal(con)
            if mode.lower() != "wal":
                raise HistoryError(f"the history database cannot use WAL mode (got {mode})", str(self.path))
            con.execute("PRAGMA synchronous = NORMAL")
            self._ensure_schema(con, write)
            yield con

    def _wal(self, con: sqlite3.Connection) -> str:
        """Switch the database to WAL once (the mode is kept in the file). While another
        connection switches it or recovers its log, SQLite can answer "database is locked"
        without waiting (busy_timeout does not apply there), so try again, up to ``timeout``."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                mode = con.execute("PRAGMA journal_mode").fetchone()[0]
                if mode.lower() != "wal":
                    mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                return mode
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise HistoryError(f"cannot switch the history database to WAL mode: {exc}", str(self.path)) from None
                time.sleep(0.01)

    @contextmanager
    def _transaction(self, con: sqlite3.Connection):
        con.execute("BEGIN IMMEDIATE")  # takes the write lock now; waits up to busy_timeout
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def _ensure_schema(self, con: sqlite3.Connection, write: bool = True) -> None:
        exists = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='records'").fetchone()
        if exists:
            found = con.execute("SELECT value FROM info WHERE key='schema'").fetchone()
            if found and int(found[0]) > SCHEMA_VERSION:
                raise HistoryError(f"the history database was written by a newer dwcqa (schema {found[0]})", str(self.path))
            if write and not _has_table(con, "decisions"):  # a database from before decisions were kept
                with self._transaction(con):
                    for statement in _DECISIONS_SCHEMA:
                        con.execute(statement)
            return
        with self._transaction(con):
            for statement in _SCHEMA:
                con.execute(statement)
            con.execute("INSERT OR IGNORE INTO info (key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),))

    # -- writing ----------------------------------------------------------------------------

    def add(self, source, name: str | None = None, published: str | None = None, note: str | None = None, force: bool = False) -> VersionInfo:
        """Record an archive or table (a path, or an Archive) as published.

        ``name`` defaults to the archive's datasetID, then its EML title. When the input has the
        same checksum as the latest recorded version, nothing is recorded (``unchanged=True``)
        unless ``force``.
        """
        from dwcqa.archive import Archive, read

        archive = source if isinstance(source, Archive) else read(source)
        origin = Path(archive.source)
        checksum = file_checksum(origin) if origin.exists() else None
        version = version_from_archive(archive, label=str(source if not isinstance(source, Archive) else archive.source))
        return self.add_version(version, name=name, published=published, note=note, checksum=checksum, force=force)

    def add_version(self, version: Version, name: str | None = None, published: str | None = None, note: str | None = None, checksum: str | None = None, force: bool = False) -> VersionInfo:
        name = (name or version.dataset_id or version.title or "").strip()
        if not name:
            raise HistoryError("this archive has neither a datasetID nor a title: give the dataset a name (--name)", version.label)
        published = _valid_date(published) if published else dt.date.today().isoformat()
        recorded = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        present = [t for t in STORED_TERMS if t != ID and version.has(t)]
        names = [_COLUMNS[ID]] + [_COLUMNS[t] for t in present]
        columns = {ID: version.frame[RECORD_ID], **{t: version.frame[t] for t in present}}
        blobs = [(_COLUMNS[t], _pack(values)) for t, values in columns.items()]
        row_terms = [t for t in ROW_TERMS if t in columns]
        row_values = [_python_values(columns[t]) for t in row_terms]
        insert = (
            f'INSERT INTO records (version, "row", {", ".join(chr(34) + _COLUMNS[t] + chr(34) for t in row_terms)}) '
            f'VALUES ({", ".join("?" * (len(row_terms) + 2))})'
        )
        with self._connection(write=True) as con, self._transaction(con):
            row = con.execute("SELECT id FROM datasets WHERE name = ?", (name,)).fetchone()
            if row is None:
                dataset = con.execute(
                    "INSERT INTO datasets (name, title, dataset_id, created) VALUES (?, ?, ?, ?)",
                    (name, version.title, version.dataset_id, recorded),
                ).lastrowid
            else:
                dataset = row[0]
                con.execute(
                    "UPDATE datasets SET title = COALESCE(?, title), dataset_id = COALESCE(?, dataset_id) WHERE id = ?",
                    (version.title, version.dataset_id, dataset),
                )
            latest = con.execute(
                "SELECT number, checksum FROM versions WHERE dataset = ? ORDER BY number DESC LIMIT 1", (dataset,)
            ).fetchone()
            if latest and checksum and latest[1] == checksum and not force:
                info = self._info(con, name, latest[0])
                info.unchanged = True
                return info
            # numbers only grow, even past deleted versions: history:NAME@N always means one version
            number = con.execute("SELECT last_number FROM datasets WHERE id = ?", (dataset,)).fetchone()[0] + 1
            con.execute("UPDATE datasets SET last_number = ? WHERE id = ?", (number, dataset))
            version_id = con.execute(
                "INSERT INTO versions (dataset, number, published, recorded, source, checksum, records, title, dataset_id, note, id_source, terms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    dataset, number, published, recorded, version.label, checksum, version.records, version.title,
                    version.dataset_id, note, version.id_source, json.dumps(names),
                ),
            ).lastrowid
            con.executemany(insert, zip(repeat(version_id), range(version.records), *row_values))
            con.executemany("INSERT INTO columns (version, term, data) VALUES (?, ?, ?)", ((version_id, t, b) for t, b in blobs))
            return self._info(con, name, number)

    def delete(self, name: str, number: int | None = None) -> int:
        """Delete one version, or (number None) the dataset with all its versions. Returns versions deleted."""
        with self._connection(write=True) as con, self._transaction(con):
            dataset = self._dataset_id(con, name)
            if number is None:
                count = con.execute("SELECT COUNT(*) FROM versions WHERE dataset = ?", (dataset,)).fetchone()[0]
                con.execute("DELETE FROM datasets WHERE id = ?", (dataset,))
                return count
            deleted = con.execute("DELETE FROM versions WHERE dataset = ? AND number = ?", (dataset, number)).rowcount
            if not deleted:
                raise HistoryError(f"{name} has no version {number}", str(self.path))
            return deleted

    def add_decision(
        self, name: str, check: str, decision: str, by: str, comment: str | None = None, date=None, source: str | None = None
    ) -> Decision:
        """Store a QC meeting's decision about ``check`` for the dataset ``name`` and return it.

        ``decision``: accepted, will fix or won't fix; ``by``: who decided (required); ``date``:
        the meeting's date (default: today); ``source``: the archive looked at. Earlier decisions
        about the check are kept; this one becomes the current one unless one has a later date.
        A DecisionError (a ValueError) names what is missing or wrong.
        """
        entry = new_decision(name, check, decision, by=by, comment=comment, date=date, source=source)
        with self._connection(write=True) as con, self._transaction(con):
            con.execute(
                f"INSERT INTO decisions ({_DECISION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.dataset, entry.check, entry.decision, entry.by, entry.date, entry.recorded, entry.comment, entry.source),
            )
        return entry

    # -- reading ----------------------------------------------------------------------------

    def decisions(self, name: str, check: str | None = None) -> list[Decision]:
        """Every decision stored for the dataset ``name`` (about ``check`` only, if given), oldest
        first: by the meeting's date, then in the order recorded. Empty when there are none, or
        no database yet."""
        if not self.path.exists():
            return []
        query = f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE dataset = ?"
        params: tuple = (name,)
        if check is not None:
            query += " AND check_id = ?"
            params += (str(check).strip().upper(),)
        with self._connection(write=False) as con:
            if not _has_table(con, "decisions"):
                return []
            rows = con.execute(query + " ORDER BY date, id", params).fetchall()
        return [_decision(r) for r in rows]

    def current_decisions(self, name: str) -> dict[str, Decision]:
        """The current decision per check id for the dataset ``name`` (the latest of each)."""
        return current(self.decisions(name))

    def decision_datasets(self) -> list[str]:
        """The names of the datasets with decisions stored."""
        if not self.path.exists():
            return []
        with self._connection(write=False) as con:
            if not _has_table(con, "decisions"):
                return []
            return [r[0] for r in con.execute("SELECT DISTINCT dataset FROM decisions ORDER BY dataset")]

    def knows(self, name: str) -> bool:
        """Whether the history holds a dataset called ``name`` (versions recorded, or decisions stored)."""
        if not name or not self.path.exists():
            return False
        with self._connection(write=False) as con:
            if con.execute("SELECT 1 FROM datasets WHERE name = ?", (name,)).fetchone():
                return True
            return bool(_has_table(con, "decisions") and con.execute("SELECT 1 FROM decisions WHERE dataset = ? LIMIT 1", (name,)).fetchone())

    def datasets(self) -> list[dict]:
        """Every dataset with its versions (oldest first)."""
        if not self.path.exists():
            return []
        with self._connection(write=False) as con:
            names = [r[0] for r in con.execute("SELECT name FROM datasets ORDER BY name")]
            out = []
            for name in names:
                row = con.execute("SELECT name, title, dataset_id, created FROM datasets WHERE name = ?", (name,)).fetchone()
                out.append(
                    {
                        "name": row[0], "title": row[1], "datasetID": row[2], "created": row[3],
                        "versions": [v.to_dict() for v in self._versions(con, name)],
                    }
                )
            return out

    def versions(self, name: str) -> list[VersionInfo]:
        with self._connection(write=False) as con:
            self._dataset_id(con, name)
            return self._versions(con, name)

    def info(self, name: str, number: int | None = None) -> VersionInfo:
        with self._connection(write=False) as con:
            return self._info(con, name, number)

    def load(self, name: str, number: int | None = None) -> Version:
        """A stored version as a Version for ``dwcqa.compare`` (the latest when number is None)."""
        with self._connection(write=False) as con:
            info = self._info(con, name, number)
            version_id = con.execute(
                "SELECT v.id FROM versions v JOIN datasets d ON d.id = v.dataset WHERE d.name = ? AND v.number = ?",
                (name, info.number),
            ).fetchone()[0]
            stored = dict(con.execute("SELECT term, data FROM columns WHERE version = ?", (version_id,)).fetchall())
        names = [n for n in info.terms if n in stored]
        string = pd.StringDtype("pyarrow")
        columns = {}
        for n in names:
            columns[RECORD_ID if n == _COLUMNS[ID] else _TERMS[n]] = _unpack(stored[n], info.records)
        if RECORD_ID not in columns:
            columns[RECORD_ID] = pd.Series([pd.NA] * info.records, dtype=string)
        return Version(
            label=info.reference,
            kind="history",
            frame=pd.DataFrame(columns, copy=False),
            id_source=info.id_source or "occurrenceID",
            title=info.title,
            dataset_id=info.dataset_id,
        )

    def export(self, name: str, number: int | None, handle) -> VersionInfo:
        """Write a stored version as CSV (header of Darwin Core names, occurrenceID first).

        The file reads back as a table, so it can be compared like any other version.
        """
        version = self.load(name, number)
        info = self.info(name, parse_reference(version.label)[1])
        terms = [RECORD_ID] + [t for t in version.terms]
        header = [_COLUMNS[ID]] + [short_name(t) for t in terms[1:]]
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        columns = [version.frame[t].astype(object).where(version.frame[t].notna(), "").tolist() for t in terms]
        writer.writerows(zip(*columns))
        return info

    # -- helpers ----------------------------------------------------------------------------

    def _dataset_id(self, con, name: str) -> int:
        row = con.execute("SELECT id FROM datasets WHERE name = ?", (name,)).fetchone()
        if row is None:
            known = [r[0] for r in con.execute("SELECT name FROM datasets ORDER BY name LIMIT 20")]
            hint = f"; known: {', '.join(known)}" if known else "; the history is empty"
            raise HistoryError(f"no dataset named {name!r} in the history{hint}", str(self.path))
        return row[0]

    def _versions(self, con, name: str) -> list[VersionInfo]:
        rows = con.execute(
            "SELECT d.name, v.number, v.published, v.recorded, v.records, v.source, v.checksum, v.title, v.dataset_id, "
            "v.note, v.id_source, v.terms FROM versions v JOIN datasets d ON d.id = v.dataset WHERE d.name = ? ORDER BY v.number",
            (name,),
        ).fetchall()
        return [_version_info(r) for r in rows]

    def _info(self, con, name: str, number: int | None) -> VersionInfo:
        self._dataset_id(con, name)
        query = (
            "SELECT d.name, v.number, v.published, v.recorded, v.records, v.source, v.checksum, v.title, v.dataset_id, "
            "v.note, v.id_source, v.terms FROM versions v JOIN datasets d ON d.id = v.dataset WHERE d.name = ? "
        )
        if number is None:
            row = con.execute(query + "ORDER BY v.number DESC LIMIT 1", (name,)).fetchone()
        else:
            row = con.execute(query + "AND v.number = ?", (name, number)).fetchone()
        if row is None:
            raise HistoryError(f"{name} has no version {number}" if number is not None else f"{name} has no versions", str(self.path))
        return _version_info(row)


def _has_table(con, name: str) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name = ?", (name,)).fetchone() is not None


def _decision(row) -> Decision:
    dataset, check, decision, by, date, recorded, comment, source = row
    return Decision(dataset=dataset, check=check, decision=decision, by=by, date=date, recorded=recorded, comment=comment, source=source)


def _version_info(row) -> VersionInfo:
    return VersionInfo(
        dataset=row[0], number=row[1], published=row[2], recorded=row[3], records=row[4], source=row[5],
        checksum=row[6], title=row[7], dataset_id=row[8], note=row[9], id_source=row[10], terms=json.loads(row[11]),
    )


def _pack(values: pd.Series) -> bytes:
    """One column as a compressed Arrow IPC stream (missing values stay null)."""
    array = pa.array(values.reset_index(drop=True))
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.type != pa.large_string():
        array = array.cast(pa.large_string())
    batch = pa.record_batch([array], names=["values"])
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, batch.schema, options=ipc.IpcWriteOptions(compression=COMPRESSION)) as writer:
        writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def _unpack(data: bytes, records: int) -> pd.Series:
    table = ipc.open_stream(pa.py_buffer(data)).read_all()
    array = table.column(0).combine_chunks() if table.num_rows else pa.array([], pa.large_string())
    if len(array) != records:
        raise HistoryError(f"a stored column holds {len(array)} values for {records} records: the history database is damaged")
    return pd.Series(pd.arrays.ArrowStringArray(array))


def _python_values(values: pd.Series) -> list:
    """str or None per record (None where the cell is missing)."""
    return values.astype(object).where(values.notna(), None).tolist()


def _valid_date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise HistoryError(f"not a date: {text!r} (use YYYY-MM-DD)") from None
