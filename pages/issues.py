"""Issues: every finding with its explanation, filters, the affected records, and the QC
meeting's decision about it (stored with the dataset in the local history database)."""

import pandas as pd
import streamlit as st

import appstate
from dwcqa import decisions as dq
from dwcqa.archive import ArchiveError
from dwcqa.history import HistoryStore
from dwcqa.summary import affected_records, findings, issues_frame

REVIEWER = "reviewer"  # permanent: the name last used to sign a decision
SAVED = "decision_saved"  # permanent: (check id, kind, message) of the last save, shown once


def save_decision(dataset: str, check_id: str, source: str) -> None:
    """Form callback (runs before the rerun draws the page, so the page shows the new decision)."""
    state = st.session_state
    try:
        saved = HistoryStore().add_decision(
            dataset, check_id, state.get(f"decision_choice_{check_id}"),
            by=state.get(f"decision_by_{check_id}"), comment=state.get(f"decision_comment_{check_id}"), source=source,
        )
    except (dq.DecisionError, ArchiveError) as error:
        state[SAVED] = (check_id, "error", str(error))
        return
    state[REVIEWER] = saved.by
    state[f"decision_comment_{check_id}"] = ""
    state[SAVED] = (check_id, "success", f"Saved: {saved.decision} ({saved.by}, {saved.date}).")


def describe(decision: dq.Decision) -> str:
    comment = f": {decision.comment}" if decision.comment else ""
    return f"**{decision.decision}**{comment} ({decision.by}, {decision.date})"


results = appstate.results_or_stop()
source = appstate.current_source()
entries = findings(results)
st.title("Issues")
if not entries:
    st.success("No check found anything in this archive.")
    st.stop()

dataset = appstate.dataset_name(
    "issues_dataset",
    "Dataset name for the meeting's decisions",
    "Decisions are stored with this dataset in the local history database (the name used when recording published "
    "versions); the QC report shows them. Default: the archive's title.",
    results.archive,
)
try:
    stored = HistoryStore().decisions(dataset) if dataset else []
except ArchiveError as error:
    st.error(f"**The decisions cannot be read.** {error}")
    stored = []
latest = dq.current(stored)
if not dataset:
    st.info("Give the dataset a name to record the meeting's decisions.")

frame = pd.DataFrame(entries)
frame["decision"] = [latest[c].decision if c in latest else "" for c in frame["check"]]
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

st.dataframe(shown[["severity", "check", "count", "title", "dimension", "decision"]], hide_index=True, width="stretch")
record_checks = [c for c in shown["check"] if c in results.masks]
if record_checks:
    st.download_button(
        "Download the per-record issue list (CSV) for this filter",
        lambda: issues_frame(results, record_checks).to_csv(index=False).encode("utf-8"),  # written on click only
        file_name="issues.csv",
        mime="text/csv",
        key="issues_download",
    )

saved = st.session_state.pop(SAVED, None)
for row, entry in zip(shown.index, shown.to_dict("records")):
    check = results.check(entry["check"]) if entry["check"] != "CHECK_FAILED" else None
    label = f"{entry['severity'].upper()} · {entry['check']} · {entry['count']:,}"  # stable: an open one stays open after a save
    just_saved = saved is not None and saved[0] == entry["check"]
    # Stateful: what it holds is only built while it is open (a closed one shows nothing, and
    # forty closed forms would cost the browser seconds to draw).
    with st.expander(label, key=f"issue_open_{entry['check']}" if check else f"issue_open_{row}", on_change="rerun") as box:
        if not box.open:
            continue
        st.markdown(f"**{entry['title']}**")
        if check is None:
            continue
        st.write(check.explanation)
        if check.bdq:
            st.caption(f"TDWG BDQ: {check.bdq.label}")
        decision = latest.get(check.id)
        st.markdown(f"Decision: {describe(decision)}" if decision else "Decision: none recorded yet.")
        if just_saved:
            (st.success if saved[1] == "success" else st.error)(saved[2])
        by_key = f"decision_by_{check.id}"
        if not st.session_state.get(by_key) and st.session_state.get(REVIEWER):
            st.session_state[by_key] = st.session_state[REVIEWER]
        with st.form(f"decision_form_{check.id}", border=False):
            cols = st.columns([3, 4, 2, 1], vertical_alignment="bottom")
            cols[0].radio(
                "Decision", dq.CHOICES, index=dq.CHOICES.index(decision.decision) if decision else None, horizontal=True, key=f"decision_choice_{check.id}"
            )
            cols[1].text_input("Comment", key=f"decision_comment_{check.id}")
            cols[2].text_input("Your name", key=by_key)
            cols[3].form_submit_button(
                "Save", on_click=save_decision, args=(dataset, check.id, source["label"]), disabled=not dataset, key=f"decision_save_{check.id}"
            )
        replaced = dq.earlier(stored, check.id)
        if replaced:
            st.caption("Earlier decisions: " + "; ".join(describe(d) for d in replaced))
        if check.level == "record":
            affected = appstate.derived(affected_records, results, check.id, limit=500)
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
