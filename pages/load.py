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

def _from_upload(widget: str, use) -> None:
    uploaded = st.session_state.get(widget)
    if uploaded is not None:
        use(uploaded.name, uploaded.getvalue())


def _from_path(widget: str, use) -> None:
    if st.session_state.get(widget):
        use(st.session_state[widget])


def _use_sample() -> None:
    st.session_state[appstate.SOURCE_KEY] = appstate.sample_source()


# Callbacks run before the script, so the sidebar already shows the new archive.
upload_tab, path_tab, sample_tab = st.tabs(["Upload", "Open a path on this machine", "Bundled sample"])
with upload_tab:
    st.file_uploader("Archive or table", key="upload_widget", on_change=_from_upload, args=("upload_widget", appstate.use_upload))
with path_tab:
    st.text_input("Path of a zip, tar.gz, folder or CSV", key="path_widget")
    st.button("Open", key="open_path", on_click=_from_path, args=("path_widget", appstate.use_path))
with sample_tab:
    st.button("Use the bundled sample archive", key="use_sample", on_click=_use_sample)


def _set_previous() -> None:
    st.session_state[appstate.PREVIOUS_KEY] = st.session_state.get("previous_widget", "").strip()


with st.expander("Optional: the previous version and a taxonomic checklist", expanded=bool(appstate.previous_version() or st.session_state.get(appstate.CHECKLIST_KEY))):
    st.text_input(
        "Previous version: a path, or history:NAME[@VERSION] for a version recorded as published",
        value=appstate.previous_version() or "",
        key="previous_widget",
        on_change=_set_previous,
        help="The Identifiers page checks occurrenceID stability against it; the report includes that comparison.",
    )
    st.markdown(
        "**Taxonomic checklist**: a Darwin Core Archive with a Taxon core, or a table with scientificName. "
        "The Overview and the report then look the core's names up in it (TDWG BDQ name tests)."
    )
    upload_list, path_list = st.columns(2)
    upload_list.file_uploader("Upload a checklist", key="checklist_upload_widget", on_change=_from_upload, args=("checklist_upload_widget", appstate.use_checklist_upload))
    path_list.text_input("or the path of one on this machine", key="checklist_path_widget")
    path_list.button("Use this checklist", key="open_checklist", on_click=_from_path, args=("checklist_path_widget", appstate.use_checklist_path))
    chosen = st.session_state.get(appstate.CHECKLIST_KEY)
    if chosen:
        checklist = appstate.current_checklist()
        if isinstance(checklist, ArchiveError):
            st.error(f"**This checklist cannot be used.** {checklist}")
        else:
            st.success(f"Checklist in use: {chosen['label']} ({len(checklist.taxa):,} taxa).")
        st.button("Stop using the checklist", key="drop_checklist", on_click=appstate.drop_checklist)

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
