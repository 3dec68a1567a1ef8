"""Identifiers: occurrenceID stability against the previous version, GUID guidance, history."""

import pandas as pd
import streamlit as st

import appstate
from dwcqa.archive import ArchiveError
from dwcqa.compare import compare
from dwcqa.guid import guid_guidance
from dwcqa.history import PREFIX, HistoryError, HistoryStore, parse_reference

archive = appstate.current_archive()
st.title("Identifiers")
if isinstance(archive, ArchiveError):
    st.error(f"**The archive in use cannot be read.** {archive}")
    st.stop()

store = HistoryStore()
datasets = [d["name"] for d in store.datasets()]

st.subheader("Stability against the previous version")
st.write(
    "GBIF pauses ingestion when more than half of a dataset's records arrive with occurrenceIDs it "
    "has not seen before. Compare with what you published last time before you publish again."
)
given = appstate.previous_version() or ""  # from the Load page
kinds = ["A file on this machine", "A version recorded as published"]
from_history = given.startswith(PREFIX)
try:
    given_name, given_number = parse_reference(given) if from_history else ("", None)
except HistoryError:  # "history:" alone names no dataset
    given_name, given_number = "", None
if given and "previous_kind" not in st.session_state:
    st.session_state["previous_kind"] = kinds[1] if from_history else kinds[0]
choice = st.radio("Previous version", kinds, horizontal=True, key="previous_kind")
previous = None
if choice == kinds[0]:
    if given and not from_history and "previous_path" not in st.session_state:
        st.session_state["previous_path"] = given
    path = st.text_input("Path of the previous archive or table", key="previous_path")
    previous = path or None
elif datasets:
    if given_name in datasets and "previous_dataset" not in st.session_state:
        st.session_state["previous_dataset"] = given_name
    name = st.selectbox("Dataset", datasets, key="previous_dataset")
    versions = store.versions(name)
    labels = {f"version {v.number} of {v.published}": v.number for v in versions}
    wanted = [label for label, number in labels.items() if number == given_number] if name == given_name else []
    if wanted and "previous_version" not in st.session_state:
        st.session_state["previous_version"] = wanted[0]
    picked = st.selectbox("Version", list(labels)[::-1], key="previous_version")
    previous = f"history:{name}@{labels[picked]}" if picked in labels else None
else:
    st.info("No version has been recorded as published yet (see the bottom of this page).")

if previous:
    try:
        with st.spinner("Comparing occurrenceIDs..."):
            result = compare(previous, archive, history=store)
    except ArchiveError as error:
        st.error(f"**The previous version cannot be read.** {error}")
    else:
        report = result.report
        cols = st.columns(5)
        cols[0].metric("Old records", f"{report['old_records']:,}")
        cols[1].metric("New records", f"{report['new_records']:,}")
        cols[2].metric("IDs kept", f"{report['kept']:,}")
        cols[3].metric("IDs added / removed", f"{report['added']:,} / {report['removed']:,}")
        cols[4].metric("New-ID share", f"{report['new_id_share']:.1%}")
        (st.error if report["exceeds_threshold"] else st.success)(report["message"])
        for option in report["options"]:
            st.markdown(f"- {option}")
        for warning in report["warnings"]:
            st.warning(warning)
        if len(result.pairs):
            st.markdown(f"**{report['proposed_pairs']:,} re-keyed records paired old → new** (one-to-one, with the evidence):")
            st.dataframe(result.pairs.head(1000), hide_index=True, width="stretch")
            st.download_button("Download GBIF's migration file (old,new)", result.migration_csv().encode("utf-8"), "migration.csv", "text/csv", key="migration_download")
        if len(result.ambiguous):
            st.markdown(f"**{report['ambiguous']:,} removed IDs with several candidates** (not guessed; decide yourself):")
            st.dataframe(result.ambiguous.head(1000), hide_index=True, width="stretch")
        if len(result.reused):
            st.markdown("**occurrenceIDs kept for what looks like another specimen:**")
            st.dataframe(result.reused.head(1000), hide_index=True, width="stretch")

st.subheader("Which identifier should be the GUID?")
guidance = appstate.derived(guid_guidance, archive)  # once per archive
st.info(guidance["recommendation"]["text"])
st.dataframe(
    pd.DataFrame(guidance["candidates"])[["source", "completeness", "unique", "assessment"]],
    hide_index=True,
    width="stretch",
)

st.subheader("Mark this version as published")
st.write("Records the occurrenceIDs and secondary keys of the archive in use in the local history database, so the next comparison needs no old file.")
name = st.text_input("Dataset name", value=archive.eml_title or "", key="publish_name")
if st.button("Record as published", key="publish", disabled=not name):
    try:
        info = store.add(archive, name=name)
        st.success(f"Recorded as version {info.number} of {name}.")
    except ArchiveError as error:
        st.error(str(error))
if datasets:
    rows = [v.to_dict() for d in datasets for v in store.versions(d)]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
