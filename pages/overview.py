"""Overview: dataset card, verdicts, readiness, completeness and findings at a glance."""

import streamlit as st

import appstate
from dwcqa import charts
from dwcqa.checks.metadata import metadata_summary
from dwcqa.summary import indexable

results = appstate.results_or_stop()
archive = results.archive
core = archive.core

st.title(archive.eml_title or appstate.current_source()["label"])
card = st.columns(4)
card[0].metric("Core", core.name)
card[1].metric("Core records", f"{core.records:,}")
card[2].metric("Extensions", len(archive.extensions))
card[3].metric("Checks run", len(results.checks))
if archive.extensions:
    st.caption("Extensions: " + ", ".join(f"{t.name} ({t.records:,} rows)" for t in archive.extensions))
metadata = metadata_summary(archive)
licence = metadata["licence_label"] or "none recognised"
people = ", ".join(metadata["contacts"][:2]) or "no contact"
st.caption(f"Licence: **{licence}**{'' if metadata['licence_accepted'] else ' (not accepted by GBIF)'} · Contact: {people} · Published: {metadata['pubDate'] or 'not stated'}")

verdict, blocking = indexable(results)
if verdict:
    st.success("**GBIF would index this archive.** No finding blocks indexing.")
else:
    st.error("**GBIF would not index this archive.** Blocking: " + ", ".join(f"`{b}`" for b in blocking))

left, right = st.columns([1, 2])
# Charts are derived once per archive (appstate.derived; computed in the background right after
# the checks), not on every visit.
left.plotly_chart(appstate.derived(charts.readiness_donut, results), width="stretch")
right.plotly_chart(appstate.derived(charts.findings_chart, results), width="stretch")
st.plotly_chart(appstate.derived(charts.completeness_chart, results), width="stretch")

years = appstate.derived(charts.records_per_year, results)
taxa = appstate.derived(charts.taxonomic_breakdown, results)
left, right = st.columns(2)
if years is not None:
    left.plotly_chart(years, width="stretch")
if taxa is not None:
    right.plotly_chart(taxa, width="stretch")
