"""Report: the QC-meeting report of the archive in use, with the meeting's stored decisions, as
one self-contained HTML file to download (the same file as `dwcqa report`)."""

import datetime as dt
import re

import streamlit as st

import appstate
from dwcqa import decisions as dq
from dwcqa.archive import ArchiveError
from dwcqa.history import HistoryStore
from dwcqa.report import build_report

REPORTS = "report_html"  # permanent: {archive key: the last report built for it, with its settings}
KEEP = 3  # reports kept (a report holds plotly.js: a few MB each)

results = appstate.results_or_stop()
source = appstate.current_source()
st.title("Report")
st.write(
    "The QC-meeting report of the archive in use: the dataset card, the verdicts, completeness, every issue with "
    "how to fix it and the meeting's decision, a map of the geographic findings and, against a previous version, "
    "identifier stability. One HTML file that opens offline and prints one part per page."
)

dataset = appstate.dataset_name(
    "report_dataset",
    "Dataset name (its decisions are shown in the report)",
    "The name the decisions were stored under on the Issues page. Default: the archive's title.",
    results.archive,
)
store = HistoryStore()
try:
    decisions = dq.for_report(store.current_decisions(dataset)) if dataset else {}
except ArchiveError as error:
    st.error(f"**The decisions cannot be read.** {error}")
    decisions = {}
st.caption(f"{len(decisions)} decision(s) stored for this dataset." if dataset else "No dataset name: the report shows no decisions.")
if "report_previous" not in st.session_state and appstate.previous_version():
    st.session_state["report_previous"] = appstate.previous_version()  # given on the Load page
previous = st.text_input(
    "Previous version (optional): a path, or history:NAME[@VERSION] for a version recorded as published",
    key="report_previous",
    help="Adds identifier stability against it to the report.",
).strip()
checklist = appstate.current_checklist()
if isinstance(checklist, ArchiveError):
    st.warning(f"The checklist given on the Load page cannot be used, so the report leaves names out: {checklist}")
    checklist = None
elif checklist is not None:
    st.caption(f"Names are looked up in the checklist given on the Load page ({checklist.name}).")

settings = {"dataset": dataset, "previous": previous or None, "decisions": decisions, "checklist": checklist.name if checklist else None}
reports = st.session_state.setdefault(REPORTS, {})
if st.button("Build the report", key="report_build", type="primary"):
    try:
        with st.spinner("Building the report..."):
            text = build_report(results, previous=settings["previous"], decisions=decisions, checklist=checklist, history=store)
    except ArchiveError as error:
        st.error(f"**The previous version cannot be read.** {error}")
    else:
        reports.pop(source["key"], None)
        reports[source["key"]] = {**settings, "html": text, "built": dt.datetime.now().strftime("%Y-%m-%d %H:%M")}
        for key in list(reports)[:-KEEP]:
            del reports[key]

built = reports.get(source["key"])
if built:
    if {k: built.get(k) for k in settings} != settings:
        st.warning("The dataset name, its decisions, the previous version or the checklist changed since this report was built: build it again to include them.")
    data = built["html"].encode("utf-8")
    stem = re.sub(r"[^A-Za-z0-9]+", "-", built["dataset"] or source["label"]).strip("-").lower()[:60] or "archive"
    st.download_button(
        f"Download the report (HTML, {len(data) / 1e6:.1f} MB)",
        data,
        file_name=f"dwcqa-report-{stem}-{built['built'][:10]}.html",
        mime="text/html",
        key="report_download",
        on_click="ignore",
    )
    st.caption(f"Built {built['built']}, with {len(built['decisions'])} decision(s)" + (f", against {built['previous']}." if built["previous"] else "."))
