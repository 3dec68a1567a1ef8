"""State that crosses pages, and the cached loading of archives (app layer only).

The archive in use is described in ``st.session_state["source"]`` (a permanent key, so it
survives page switches): {"kind": "sample" | "upload" | "path", "label", "path", "key"}.
Parsed archives are cached by content key, so reruns and page switches do not read again.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import streamlit as st

from dwcqa.archive import Archive, ArchiveError, read
from dwcqa.checks.runner import Results, run

SAMPLE = Path(__file__).resolve().parent / "data" / "sample"
SOURCE_KEY = "source"


@st.cache_resource(max_entries=4, show_spinner=False)
def _read_cached(key: str, path: str) -> Archive:
    # The Archive is treated as read-only by every page, so one shared object is safe.
    return read(path)


@st.cache_resource(max_entries=4, show_spinner=False)
def _check_cached(key: str, path: str) -> Results:
    archive = _read_cached(key, path)
    progress = st.progress(0.0, text="Running checks...")
    try:
        return run(archive, progress=lambda check, n, total: progress.progress(n / total, text=f"Checking {check.title.lower()}"))
    finally:
        progress.empty()


def current_results() -> Results | ArchiveError:
    """Findings for the archive in use (computed once per archive, then shared by all pages)."""
    source = current_source()
    archive = current_archive()
    if isinstance(archive, ArchiveError):
        return archive
    return _check_cached(source["key"], source["path"])


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
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(tempfile.gettempdir()) / "dwcqa-uploads" / digest[:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(name).name
    if not target.exists():
        target.write_bytes(data)
    st.session_state[SOURCE_KEY] = {"kind": "upload", "label": name, "path": str(target), "key": f"sha256:{digest}"}


def use_path(path: str) -> None:
    resolved = Path(path).expanduser()
    stat = resolved.stat() if resolved.exists() else None
    key = f"path:{resolved}:{stat.st_mtime_ns if stat else 0}:{stat.st_size if stat else 0}"
    st.session_state[SOURCE_KEY] = {"kind": "path", "label": str(resolved), "path": str(resolved), "key": key}


def current_archive() -> Archive | ArchiveError:
    """The archive in use, or the ArchiveError that explains why it cannot be read."""
    source = current_source()
    try:
        return _read_cached(source["key"], source["path"])
    except ArchiveError as error:
        return error


def sidebar_summary() -> None:
    source = current_source()
    with st.sidebar:
        st.caption("Archive in use")
        st.markdown(f"**{source['label']}**")
        with st.spinner("Reading archive..."):
            archive = current_archive()
        if isinstance(archive, ArchiveError):
            st.error(f"Cannot be read: {archive}")
        else:
            st.caption(f"{archive.core.name} core, {archive.core.records:,} records, {len(archive.extensions)} extensions")
