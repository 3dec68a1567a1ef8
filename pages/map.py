"""Map: records flagged by the geographic checks, over country outlines drawn offline."""

import pandas as pd
import streamlit as st

import appstate
from dwcqa.geo import geography_details
from dwcqa.maps import MAP_POINTS, findings_map
from dwcqa.terms import DWC


def country_options(archive) -> list[str]:
    codes = archive.core.column(DWC + "countryCode")
    stated = codes.fillna("").str.strip().str.upper().value_counts() if codes is not None else pd.Series(dtype=int)
    stated = stated[stated.index != ""]
    return ["(none)"] + [f"{code} ({count:,} records)" for code, count in stated.head(60).items()]


def details_and_table(results) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every flagged record's advice, and the first 2,000 of them with their ids (shown)."""
    archive = results.archive
    details = geography_details(results.context or archive)  # reuses what the space checks parsed
    table = details.head(2000).copy()
    ids = archive.core.ids
    if len(details) and ids is not None:
        table.insert(0, "id", ids.iloc[table.index].fillna("").to_numpy())
    return details, table


results = appstate.results_or_stop()
archive = results.archive
st.title("Map of geographic findings")

# Derived once per archive (the map: per archive and highlight), not on every visit.
options = appstate.derived(country_options, archive)
picked = st.selectbox("Highlight the outline of a stated country", options, key="map_country")
highlight = None if picked == "(none)" else picked.split(" ", 1)[0]

figure, facts = appstate.derived(findings_map, results, MAP_POINTS, highlight=highlight)
if not facts["checks"]:
    st.success("The geographic checks flag no record.")
    st.stop()
caption = f"{facts['flagged']:,} records flagged by {len(facts['checks'])} geographic checks; {facts['drawn']:,} drawn"
if facts["sampled"]:
    caption += f" (an even sample of at most {MAP_POINTS:,})"
if facts["no_point"]:
    caption += f"; {facts['no_point']:,} have no point that can be drawn"
st.caption(caption + ". Each record is drawn once, with its most severe finding; hover for the others.")
if figure is not None:
    st.plotly_chart(figure, width="stretch")

st.subheader("What to do with each flagged record")
details, table = appstate.derived(details_and_table, results)
if len(details):
    st.dataframe(table, width="stretch")
    # A callable: the CSV is written when the button is clicked, not on every run.
    st.download_button("Download all (CSV)", lambda: details.to_csv().encode("utf-8"), "geography.csv", "text/csv", key="map_download")
