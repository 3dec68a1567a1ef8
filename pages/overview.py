"""Overview: dataset card, verdicts, readiness, completeness and findings at a glance."""

import streamlit as st

import appstate
from dwcqa import charts
from dwcqa.archive import ArchiveError
from dwcqa.checks.metadata import metadata_summary
from dwcqa.report import checklist_summary, idigbio_criteria, idigbio_ready, idigbio_reasons
from dwcqa.summary import indexable

archive = appstate.current_archive()
if isinstance(archive, ArchiveError):
    appstate.results_or_stop()  # says why and stops
core = archive.core

st.title(archive.eml_title or appstate.current_source()["label"])
card = st.columns(4)
card[0].metric("Core", core.name)
card[1].metric("Core records", f"{core.records:,}")
card[2].metric("Extensions", len(archive.extensions))
if archive.extensions:
    st.caption("Extensions: " + ", ".join(f"{t.name} ({t.records:,} rows)" for t in archive.extensions))
metadata = metadata_summary(archive)
licence = metadata["licence_label"] or "none recognised"
people = ", ".join(metadata["contacts"][:2]) or "no contact"
st.caption(f"Licence: **{licence}**{'' if metadata['licence_accepted'] else ' (not accepted by GBIF)'} · Contact: {people} · Published: {metadata['pubDate'] or 'not stated'}")

# Places in page order, filled in another order: what the archive alone shows first, while the
# checks may still run (the browser draws it meanwhile), then what needs their results.
verdict_place = st.container()
left, right = st.columns([1, 2])
completeness_place = st.container()
dataset_place = st.container()

# Charts are derived once per archive (appstate.derived; computed in the background right after
# the checks), not on every visit.
dataset = appstate.derived(charts.years_and_taxa, archive)
if dataset is not None:
    dataset_place.plotly_chart(dataset, width="stretch")

with verdict_place:
    results = appstate.results_or_stop()  # the checks' progress bar, here, the first time
    gbif_column, idigbio_column = st.columns(2)
    verdict, blocking = indexable(results)
    if verdict:
        gbif_column.success("**GBIF would index this archive.** No finding blocks indexing.")
    else:
        gbif_column.error("**GBIF would not index this archive.** Blocking: " + ", ".join(f"`{b}`" for b in blocking))
    criteria = appstate.derived(idigbio_criteria, results)
    ready = idigbio_ready(criteria)
    reasons = "; ".join(f"{c['label']}: {c['detail']}" for c in idigbio_reasons(criteria))
    if ready is False:
        idigbio_column.error("**Not yet ready for iDigBio.** " + reasons)
    elif ready is None:
        idigbio_column.warning("**Cannot tell whether iDigBio would take it.** " + reasons)
    else:
        idigbio_column.success("**Ready for iDigBio.** Metadata, licence and unique GUIDs are in place.")
    with idigbio_column.expander("iDigBio's criteria"):
        mark = {True: "yes", False: "no", None: "-"}
        st.markdown("\n".join(f"- **{mark[c['ok']]}**: {c['label']} ({c['level']}): {c['detail']}" for c in criteria))
card[3].metric("Checks run", len(results.checks))
left.plotly_chart(appstate.derived(charts.readiness_donut, results), width="stretch")
right.plotly_chart(appstate.derived(charts.findings_chart, results), width="stretch")
with completeness_place:
    shown = appstate.derived(charts.gbif_completeness, results)
    summary = shown["summary"]
    levels = [f"{summary[level]['present']} of {summary[level]['total']} {level.replace('_', ' ')}" for level in ("required", "recommended") if summary[level]["total"]]
    if levels:
        missing = summary["required"]["missing"] + summary["recommended"]["missing"]
        st.markdown(f"**GBIF's terms for this core:** {', '.join(levels)} have values" + (f" (missing: {', '.join(missing)})" if missing else "") + ".")
    st.plotly_chart(shown["figure"], width="stretch")
    if shown["empty"]:
        st.caption(f"Mapped but empty in every record ({len(shown['empty'])}): " + ", ".join(f"`{term}`" for term in shown["empty"]))

checklist = appstate.current_checklist()
if checklist is not None:
    st.subheader("Names against the checklist")
    if isinstance(checklist, ArchiveError):
        st.error(f"**The checklist given on the Load page cannot be used.** {checklist}")
    else:
        names = appstate.derived(checklist_summary, results, checklist, spinner="Looking the names up in the checklist...")
        st.caption(f"The core's names looked up in {names['checklist']} ({names['taxa']:,} taxa) with the TDWG BDQ name tests.")
        st.dataframe(
            [
                {"BDQ test": label, "found": t["compliant"], "not found or ambiguous": t["not_compliant"], "not tested (empty)": t["not_run"]}
                for label, t in names["tests"].items()
            ],
            hide_index=True,
            width="stretch",
        )
        if names["not_found"]:
            st.caption("scientificName values not in the checklist, most frequent first")
            st.dataframe([{"scientificName": n, "records": c} for n, c in names["not_found"]], hide_index=True, width="stretch")
