"""Export: preview each amendment, opt in, and download a cleaned archive with its change log."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

import appstate
from dwcqa import amend
from dwcqa.amend.engine import rows_of_ids
from dwcqa.export import export, sensitive_mask

results = appstate.results_or_stop()
archive = results.archive
st.title("Export a cleaned archive")
st.write(
    "Nothing is applied silently: choose the fixes you accept, look at what they change, and "
    "download a new archive with a log of every changed cell. Your input is never modified."
)


def preview(results) -> list[dict]:
    return [p.to_dict() for p in amend.propose(results.archive, amend.select("all"), context=results.context)]


previews = appstate.derived(preview, results, spinner="Previewing amendments...")  # once per archive, not copied
proposals = [p for p in previews if p["cells"] and not p["error"]]
accepted: list[str] = []
if not proposals:
    st.info("No amendment would change anything in this archive.")
for proposal in proposals:
    label = f"{proposal['title']} — {proposal['cells']:,} cells in {proposal['records']:,} records"
    if st.checkbox(label, key=f"amend_{proposal['id']}"):
        accepted.append(proposal["id"])
    with st.expander(f"{proposal['id']}: examples before → after"):
        st.dataframe(pd.DataFrame(proposal["examples"]), hide_index=True, width="stretch")

excluded_text = st.text_area("Record ids no amendment may change (one per line)", key="export_excluded")
ready_only = st.checkbox("Only records without an error-severity finding (the rest go to a separate archive)", key="export_ready_only")
flagged = int(sensitive_mask(archive.core).sum())
withhold = True
if flagged:
    withhold = not st.checkbox(
        f"Keep the locality details of the {flagged:,} records flagged sensitive (withheld by default)", key="export_keep_sensitive"
    )

if st.button("Build the export", type="primary", key="export_build"):
    excluded = rows_of_ids(archive, [line.strip() for line in excluded_text.splitlines() if line.strip()])
    folder = Path(tempfile.mkdtemp(prefix="dwcqa-export-"))
    name = Path(appstate.current_source()["label"]).stem or "archive"
    with st.status("Writing the archive...") as status:
        report = export(
            archive,
            folder / f"{name}-clean.zip",
            amendments=accepted,
            excluded_rows=excluded,
            ready_only=ready_only,
            withhold=withhold,
            changes=folder / "changes.csv",
            csv=folder / f"{name}-clean.csv",
        )
        status.update(label="Export ready", state="complete")
    st.session_state["export_report"] = report

report = st.session_state.get("export_report")
if report is not None and report.path.exists():
    st.success(f"{report.records:,} records written; {len(report.changes):,} cells changed.")
    for note in report.notes:
        st.caption(note)
    downloads = st.columns(3)
    downloads[0].download_button("Archive (zip)", report.path.read_bytes(), report.path.name, "application/zip", key="download_zip")
    downloads[1].download_button("Change log (CSV)", report.changes_path.read_bytes(), "changes.csv", "text/csv", key="download_changes")
    downloads[2].download_button("Cleaned core (CSV)", report.csv_path.read_bytes(), report.csv_path.name, "text/csv", key="download_csv")
    if report.held_back_path is not None:
        st.download_button("Records held back (zip)", report.held_back_path.read_bytes(), report.held_back_path.name, "application/zip", key="download_held")
    if len(report.changes):
        st.dataframe(report.changes.head(1000), hide_index=True, width="stretch")
