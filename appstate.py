"""State that crosses pages, and the cached loading of archives (app layer only).

The archive in use is described in ``st.session_state["source"]`` (a permanent key, so it
survives page switches): {"kind": "sample" | "upload" | "path", "label", "path", "key"}.

Everything computed from an archive is cached by its content key, in one entry per archive
shared by every session and page: the parsed ``Archive``, its check ``Results`` and whatever a
page derives from them through ``derived()`` (charts, tables, proposals). A page switch or a
widget rerun therefore reads nothing and runs no check again; the sidebar only looks the
archive up. At most ``MAX_ARCHIVES`` archives are kept (least recently used first out), and an
entry's derived values go with it.

As soon as an archive the user chose (upload or path; not the default sample, whose checks
wait until a page needs them) has been read, its checks start in a background thread, followed
by what the Overview draws (``PREFETCH``, ``PREFETCH_ARCHIVE``): they run while the Load page is
shown, and a page that needs the results only waits for the rest, with the checks' progress bar
(the Overview draws what the archive alone shows before it waits, so the browser loads plotly.js
and draws those charts meanwhile). Leaving a page while the checks run neither stops nor
restarts them. Spinners and the progress bar are shown only while something is computed for the
first time.

``dataset_name()`` is the input for the name the QC decisions are stored under, shared by the
Issues and Report pages.

The Load page also takes two optional inputs that other pages use: the previous version
(``st.session_state["load_previous"]``: a path or ``history:NAME[@N]``; the Identifiers and
Report pages compare with it) and a taxonomic checklist (``st.session_state["checklist"]``,
described like the source; read once per file by ``current_checklist()``; the Overview and the
Report look the core's names up in it).
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
import traceback
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

import streamlit as st

from dwcqa import charts
from dwcqa.archive import Archive, ArchiveError, read
from dwcqa.checks.runner import Results, run
from dwcqa.decisions import default_name

SAMPLE = Path(__file__).resolve().parent / "data" / "sample"
SOURCE_KEY = "source"
MAX_ARCHIVES = 4
# Derived right after the checks, in the background: what the Overview shows, from the results
# and from the archive alone (the Overview draws those first, while the checks may still run).
PREFETCH: tuple[Callable[[Results], Any], ...] = (
    charts.readiness_donut,
    charts.findings_chart,
    charts.gbif_completeness,
)
PREFETCH_ARCHIVE: tuple[Callable[[Archive], Any], ...] = (charts.years_and_taxa,)


# --------------------------------------------------------------------------- the cache


def _stat(path: str) -> tuple[int, int] | None:
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class _Entry:
    """One archive (by content key): the read archive (or why not), its results, derived values."""

    def __init__(self, key: str, path: str, early: bool):
        self.key = key
        self.path = path
        self.early = early  # start the checks as soon as it is read (not for the default sample)
        self.archive: Archive | None = None
        self.error: ArchiveError | None = None
        self.error_stat: tuple[int, int] | None = None  # the file an error was about (read again if it changes)
        self.results: Results | None = None
        self.derived: dict[Any, Any] = {}
        self.checking: threading.Thread | None = None  # the background run of the checks
        self.checked = threading.Event()  # set when that run ended (results or check_error)
        self.check_error: BaseException | None = None
        self.wanted = threading.Event()  # a page waits for the results: start the checks now
        self.progress: tuple[int, int, str] = (0, 1, "")  # checks started, checks in all, title of the current one
        self._locks: dict[Any, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, what: Any) -> threading.Lock:
        """One lock per thing computed, so two sessions never compute the same value twice."""
        with self._guard:
            return self._locks.setdefault(what, threading.Lock())

    def owns(self, value: Any) -> bool:
        return value is not None and (value is self.archive or value is self.results)


_ENTRIES: OrderedDict[str, _Entry] = OrderedDict()
_ENTRIES_LOCK = threading.Lock()
_CHECKS_LOCK = threading.Lock()


def _entry(source: dict) -> _Entry:
    key, path = source["key"], source["path"]
    with _ENTRIES_LOCK:
        entry = _ENTRIES.get(key)
        if entry is None or entry.path != path:
            entry = _ENTRIES[key] = _Entry(key, path, early=source.get("kind") != "sample")
        _ENTRIES.move_to_end(key)
        while len(_ENTRIES) > MAX_ARCHIVES:
            _ENTRIES.popitem(last=False)
    return entry


def _entry_of(values) -> _Entry | None:
    with _ENTRIES_LOCK:
        entries = list(_ENTRIES.values())
    return next((e for e in reversed(entries) if any(e.owns(v) for v in values)), None)


class _Quiet:
    """A stand-in for st.spinner when nothing is to be said."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _say(message: str | None):
    return st.spinner(message) if message else _Quiet()


def _acquire(lock: threading.Lock, message: str | None) -> None:
    """Take a computation lock; while another session holds it, say what we wait for."""
    if not lock.acquire(blocking=False):
        with _say(message):
            lock.acquire()


def _read(entry: _Entry, spinner: str | None = None) -> Archive | ArchiveError:
    if entry.archive is None and (entry.error is None or entry.error_stat != _stat(entry.path)):
        lock = entry.lock("archive")
        _acquire(lock, spinner)
        try:
            if entry.archive is None and (entry.error is None or entry.error_stat != _stat(entry.path)):
                stat = _stat(entry.path)
                try:
                    with _say(spinner):
                        entry.archive = read(entry.path)
                    entry.error = None
                except ArchiveError as error:
                    entry.error, entry.error_stat = error, stat
        finally:
            lock.release()
    if entry.archive is not None:
        if entry.early:
            _start_checks(entry)
        return entry.archive
    return entry.error


def _start_checks(entry: _Entry) -> None:
    """Run the checks of a read archive in a background thread (once; again after a crash)."""
    with entry._guard:
        if entry.results is not None or (entry.checking is not None and not entry.checked.is_set()):
            return
        entry.checked.clear()
        entry.check_error = None
        caller = threading.current_thread()  # the script run that read it: let it finish drawing first
        entry.checking = threading.Thread(target=_run_checks, args=(entry, entry.archive, caller), name="dwcqa-checks", daemon=True)
        entry.checking.start()


def _run_checks(entry: _Entry, archive: Archive, caller: threading.Thread) -> None:
    # Checks and the page being drawn would share one interpreter lock, both slower: start when
    # the run that read the archive has ended (the browser still draws it, on another CPU), or
    # at once when a page asks for the results.
    while caller is not threading.main_thread() and caller.is_alive() and not entry.wanted.wait(0.05):
        pass
    # One archive's checks at a time: the first run loads the shared resources (boundaries,
    # vocabularies; seconds), which two runs at once would both load.
    with _CHECKS_LOCK:
        try:
            # One thread for the checks (their column scans still use every CPU): the server
            # draws the pages meanwhile, and with the checks on both CPUs the first Overview
            # came 0.3-0.4 s later (bench/bench_dashboard.py).
            results = run(archive, workers=1, progress=lambda check, n, total: setattr(entry, "progress", (n, total, check.title)))
        except BaseException as error:  # a bug, not a finding (run() reports failing checks itself): shown by the page
            entry.check_error = error
            entry.checked.set()
            return
    entry.results = results
    entry.checked.set()
    prefetch = [(f, results) for f in PREFETCH] + [(f, archive) for f in PREFETCH_ARCHIVE]
    for function, argument in prefetch:  # what the Overview shows, ready before it is asked for
        try:
            _derive(entry, function, (argument,), {})
        except Exception:  # the page computes it again and shows the error
            traceback.print_exc()


def _check(entry: _Entry) -> Results:
    """The results, waiting for the background run with a progress bar the first time."""
    if entry.results is None:
        _start_checks(entry)
        entry.wanted.set()
        if not entry.checked.wait(0.05):
            bar = st.progress(0.0, text="Running checks...")
            while not entry.checked.wait(0.1):
                done, total, title = entry.progress
                bar.progress(min(done / max(total, 1), 1.0), text=f"Checking {title.lower()}" if title else "Running checks...")
            bar.empty()
        if entry.check_error is not None:
            raise entry.check_error
    return entry.results


def clear() -> None:
    """Forget every cached archive, its results and derived values (e.g. for tests)."""
    with _ENTRIES_LOCK:
        _ENTRIES.clear()


# --------------------------------------------------------------------------- archive in use


def current_results() -> Results | ArchiveError:
    """Findings for the archive in use (computed once per archive, then shared by all pages)."""
    entry = _entry(current_source())
    archive = _read(entry)
    if isinstance(archive, ArchiveError):
        return archive
    return _check(entry)


def results_or_stop() -> Results:
    """For pages that need findings: the results, or a clear message and a stop."""
    results = current_results()
    if isinstance(results, ArchiveError):
        st.error(f"**The archive in use cannot be read.** {results}  \nChoose another one on the Load page.")
        st.stop()
    return results


def sample_source() -> dict:
    return {"kind": "sample", "label": "bundled sample archive", "path": str(SAMPLE), "key": f"sample:{SAMPLE}"}


def current_source() -> dict:
    if SOURCE_KEY not in st.session_state:
        st.session_state[SOURCE_KEY] = sample_source()
    return st.session_state[SOURCE_KEY]


def use_upload(name: str, data: bytes) -> None:
    path, key = _saved_upload(name, data)
    st.session_state[SOURCE_KEY] = {"kind": "upload", "label": name, "path": path, "key": key}


def use_path(path: str) -> None:
    resolved, key = _path_key(path)
    st.session_state[SOURCE_KEY] = {"kind": "path", "label": resolved, "path": resolved, "key": key}


def _path_key(path: str) -> tuple[str, str]:
    """(resolved path, cache key): the key changes when the file is modified."""
    resolved = Path(path).expanduser()
    stat = resolved.stat() if resolved.exists() else None
    return str(resolved), f"path:{resolved}:{stat.st_mtime_ns if stat else 0}:{stat.st_size if stat else 0}"


def current_archive() -> Archive | ArchiveError:
    """The archive in use, or the ArchiveError that explains why it cannot be read."""
    return _read(_entry(current_source()))


def derived(function: Callable[..., Any], *args: Any, spinner: str | None = None, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``, computed once per archive and then shared by every run.

    One argument must be the archive in use or its results, as ``current_archive()`` and
    ``current_results()`` return them: the value is kept with that archive's cache entry (and
    dropped with it). The other arguments must be hashable; they and the function (by file and
    qualified name, so a function defined in a page works) form the key. The value is shared by
    every session and page: treat it as read-only. ``spinner``: text shown while it is computed
    the first time. Called with an archive that is not cached, it simply computes.
    """
    entry = _entry_of(list(args) + list(kwargs.values()))
    if entry is None:
        return function(*args, **kwargs)
    return _derive(entry, function, args, kwargs, spinner)


def _derive(entry: _Entry, function: Callable[..., Any], args: tuple, kwargs: dict, spinner: str | None = None) -> Any:
    code = getattr(function, "__code__", None)
    key = (
        code.co_filename if code is not None else getattr(function, "__module__", ""),
        getattr(function, "__qualname__", repr(function)),
        tuple(_arg_key(entry, a) for a in args),
        tuple(sorted((k, _arg_key(entry, v)) for k, v in kwargs.items())),
    )
    try:
        return entry.derived[key]
    except KeyError:
        pass
    except TypeError:
        raise TypeError(f"derived({key[1]}): every argument but the archive or its results must be hashable") from None
    lock = entry.lock(key)
    _acquire(lock, spinner)
    try:
        if key not in entry.derived:
            with _say(spinner):
                entry.derived[key] = function(*args, **kwargs)
    finally:
        lock.release()
    return entry.derived[key]


def _arg_key(entry: _Entry, value: Any) -> Any:
    if value is entry.archive:
        return "<archive>"
    if value is entry.results:
        return "<results>"
    return value


# --------------------------------------------------------------------------- dataset name

DATASET_NAMES = "decision_dataset"  # permanent: {archive key: dataset name}, shared by the Issues and Report pages


def dataset_name(key: str, label: str, help: str, archive: Archive) -> str:
    """A text input for the dataset name the QC decisions of the archive in use are stored under.

    Its value is shared by the pages that ask for it (per archive: another archive starts from
    its own name), and defaults to the archive's title."""
    source = current_source()
    names = st.session_state.setdefault(DATASET_NAMES, {})
    if st.session_state.get(f"{key}_of") != source["key"]:  # another archive: its own name
        st.session_state.pop(key, None)
        st.session_state[f"{key}_of"] = source["key"]
    name = st.text_input(label, value=names.get(source["key"], default_name(archive) or ""), key=key, help=help).strip()
    names[source["key"]] = name
    return name


# --------------------------------------------------------------------------- sidebar


def sidebar_summary() -> None:
    source = current_source()
    with st.sidebar:
        st.caption("Archive in use")
        st.markdown(f"**{source['label']}**")
        archive = _read(_entry(source), spinner="Reading archive...")
        if isinstance(archive, ArchiveError):
            st.error(f"Cannot be read: {archive}")
        else:
            st.caption(f"{archive.core.name} core, {archive.core.records:,} records, {len(archive.extensions)} extensions")


# --------------------------------------------------------------------------- optional inputs

PREVIOUS_KEY = "load_previous"  # permanent: a path or history:NAME[@N], given on the Load page
CHECKLIST_KEY = "checklist"  # permanent: {"label", "path", "key"} of the taxonomic checklist
MAX_CHECKLISTS = 2  # checklists kept read


def previous_version() -> str | None:
    """The previous version given on the Load page, if any."""
    return (st.session_state.get(PREVIOUS_KEY) or "").strip() or None


def _saved_upload(name: str, data: bytes) -> tuple[str, str]:
    """(path, key) of an uploaded file, written once per content under the temp folder."""
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(tempfile.gettempdir()) / "dwcqa-uploads" / digest[:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(name).name
    if not target.exists():
        target.write_bytes(data)
    return str(target), f"sha256:{digest}"


def use_checklist_upload(name: str, data: bytes) -> None:
    path, key = _saved_upload(name, data)
    st.session_state[CHECKLIST_KEY] = {"label": name, "path": path, "key": key}


def use_checklist_path(path: str) -> None:
    resolved, key = _path_key(path)
    st.session_state[CHECKLIST_KEY] = {"label": resolved, "path": resolved, "key": key}


def drop_checklist() -> None:
    st.session_state.pop(CHECKLIST_KEY, None)


def current_checklist():
    """The checklist given on the Load page as a ``dwcqa.bdq.TaxonAuthority``, the ArchiveError
    that says why it cannot be used, or None when none was given. Read once per file."""
    chosen = st.session_state.get(CHECKLIST_KEY)
    return _checklist(chosen["key"], chosen["path"]) if chosen else None


@st.cache_resource(max_entries=MAX_CHECKLISTS, show_spinner="Reading the checklist...")
def _checklist(key: str, path: str):
    """Cached by ``key`` (content hash or path with its modification time)."""
    from dwcqa.report_cli import read_checklist

    try:
        return read_checklist(path)
    except ArchiveError as error:
        return error
