"""Issues: every finding with its explanation, filters, and the affected records."""

import pandas as pd
import streamlit as st

import appstate
from dwcqa.summary import affected_records, findings, issues_frame

results = appstate.results_or_stop()
entries = findings(results)
st.title("Issues")
if not entries:
    st.success("No check found anything in this archive.")
    st.stop()

frame = pd.DataFrame(entries)
filters = st.columns(4)
severities = filters[0].multiselect("Severity", ["error", "warning", "info"], default=["error", "warning", "info"], key="issues_severity")
dimensions = filters[1].multiselect("Dimension", sorted(frame["dimension"].unique()), key="issues_dimension")
terms = filters[2].multiselect("Term", sorted({t for ts in frame["terms"] for t in ts}), key="issues_term")
checks = filters[3].multiselect("Check", list(frame["check"]), key="issues_check")
shown = frame[frame["severity"].isin(severities)]
if dimensions:
    shown = shown[shown["dimension"].isin(dimensions)]
if terms:
    shown = shown[shown["terms"].apply(lambda ts: bool(set(ts) & set(terms)))]
if checks:
    shown = shown[shown["check"].isin(checks)]

st.dataframe(shown[["severity", "check", "count", "title", "dimension"]], hide_index=True, width="stretch")
record_checks = [c for c in shown["check"] if c in results.masks]
if record_checks:
    st.download_button(
        "Download the per-record issue list (CSV) for this filter",
        issues_frame(results, record_checks).to_csv(index=False).encode("utf-8"),
        file_name="issues.csv",
        mime="text/csv",
        key="issues_download",
    )

for entry in shown.to_dict("records"):
    check = results.check(entry["check"]) if entry["check"] != "CHECK_FAILED" else None
    label = f"{entry['severity'].upper()} · {entry['check']} · {entry['count']:,}"
    with st.expander(label):
        st.markdown(f"**{entry['title']}**")
        if check is None:
            continue
        st.write(check.explanation)
        if check.bdq:
            st.caption(f"TDWG BDQ: {check.bdq.label}")
        if check.level == "record":
            affected = affected_records(results, check.id, limit=500)
            value_columns = [c for c in affected.columns if c not in ("row", "id")]
            styled = affected.style.set_properties(subset=value_columns, **{"background-color": "#fdecea"}) if value_columns else affected
            st.dataframe(styled, hide_index=True, width="stretch")
            if entry["count"] > len(affected):
                st.caption(f"First {len(affected):,} of {entry['count']:,} records; the download has them all.")
        else:
            details = [f for f in results.findings_of(check.id)]
            st.dataframe(
                pd.DataFrame([{"message": f.message, "file": f.file, "line": f.line, "count": f.count} for f in details]),
                hide_index=True,
                width="stretch",
            )
