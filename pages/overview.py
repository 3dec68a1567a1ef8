"""Overview: dataset card, verdicts, readiness, completeness and findings at a glance."""

import streamlit as st

import appstate
from dwcqa import charts
from dwcqa.archive import ArchiveError
from dwcqa.checks.metadata import metadata_summary
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
years_place, taxa_place = st.columns(2)

# Charts are derived once per archive (appstate.derived; computed in the background right after
# the checks), not on every visit.
years = appstate.derived(charts.records_per_year, archive)
taxa = appstate.derived(charts.taxonomic_breakdown, archive)
if years is not None:
    years_place.plotly_chart(years, width="stretch")
if taxa is not None:
    taxa_place.plotly_chart(taxa, width="stretch")

with verdict_place:
    results = appstate.results_or_stop()  # the checks' progress bar, here, the first time
    verdict, blocking = indexable(results)
    if verdict:
        st.success("**GBIF would index this archive.** No finding blocks indexing.")
    else:
        st.error("**GBIF would not index this archive.** Blocking: " + ", ".join(f"`{b}`" for b in blocking))
card[3].metric("Checks run", len(results.checks))
left.plotly_chart(appstate.derived(charts.readiness_donut, results), width="stretch")
right.plotly_chart(appstate.derived(charts.findings_chart, results), width="stretch")
completeness_place.plotly_chart(appstate.derived(charts.completeness_chart, results), width="stretch")
