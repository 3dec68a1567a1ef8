"""Load: choose the archive and see its structure."""

import pandas as pd
import streamlit as st

import appstate
from dwcqa.archive import ArchiveError
from dwcqa.info import describe
from dwcqa.terms import short_name

st.title("Load an archive")
st.write(
    "A Darwin Core Archive (zip, tar.gz or an unpacked folder) or a single CSV/TSV table, "
    "such as a Symbiota backup or a GBIF download. Nothing you load is modified."
)

def _use_upload() -> None:
    uploaded = st.session_state.get("upload_widget")
    if uploaded is not None:
        appstate.use_upload(uploaded.name, uploaded.getvalue())


def _use_path() -> None:
    if st.session_state.get("path_widget"):
        appstate.use_path(st.session_state["path_widget"])


def _use_sample() -> None:
    st.session_state[appstate.SOURCE_KEY] = appstate.sample_source()


# Callbacks run before the script, so the sidebar already shows the new archive.
upload_tab, path_tab, sample_tab = st.tabs(["Upload", "Open a path on this machine", "Bundled sample"])
with upload_tab:
    st.file_uploader("Archive or table", key="upload_widget", on_change=_use_upload)
with path_tab:
    st.text_input("Path of a zip, tar.gz, folder or CSV", key="path_widget")
    st.button("Open", key="open_path", on_click=_use_path)
with sample_tab:
    st.button("Use the bundled sample archive", key="use_sample", on_click=_use_sample)

source = appstate.current_source()
with st.status(f"Reading {source['label']}...", expanded=False) as status:
    archive = appstate.current_archive()
    status.update(label=f"Read {source['label']}", state="error" if isinstance(archive, ArchiveError) else "complete")

if isinstance(archive, ArchiveError):
    st.error(f"**This input cannot be read.** {archive}")
    st.stop()

info = describe(archive)
st.subheader(info["eml"]["title"] if info["eml"] and info["eml"]["title"] else source["label"])
cols = st.columns(4)
cols[0].metric("Core", info["core"]["name"])
cols[1].metric("Core records", f"{info['core']['records']:,}")
cols[2].metric("Extensions", len(info["extensions"]))
cols[3].metric("Noticed while reading", len(info["problems"]))

tables = [info["core"], *info["extensions"]]
overview = pd.DataFrame(
    {
        "table": ["core"] + ["extension"] * len(info["extensions"]),
        "rowType": [t["name"] for t in tables],
        "files": [", ".join(t["files"]) for t in tables],
        "records": [t["records"] for t in tables],
        "terms": [len(t["terms"]) for t in tables],
        "encoding": [t["encoding"] for t in tables],
        "delimiter": [{"\t": "tab", ",": "comma", ";": "semicolon"}.get(t["delimiter"], t["delimiter"]) for t in tables],
    }
)
st.dataframe(overview, hide_index=True, width="stretch")

if info["problems"]:
    st.subheader("Noticed while reading")
    st.dataframe(pd.DataFrame(info["problems"])[["code", "message", "file", "line"]], hide_index=True, width="stretch")

st.subheader("First records of the core")
core = archive.core
preview = core.data.head(50).copy()
names = {f.index: short_name(f.term) for f in core.spec.fields if f.index is not None}
labels = [names.get(c, f"column {c}") for c in preview.columns]
preview.columns = [label if labels.count(label) == 1 else f"{label} ({c})" for label, c in zip(labels, preview.columns)]
st.dataframe(preview, width="stretch")
