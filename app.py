"""dwcqa dashboard: page navigation and the sidebar's archive summary. Thin by design."""

import streamlit as st

import appstate

st.set_page_config(page_title="dwcqa - Darwin Core data quality", layout="wide")

pages = [
    st.Page("pages/load.py", title="Load", default=True),
    st.Page("pages/overview.py", title="Overview"),
    st.Page("pages/issues.py", title="Issues"),
    st.Page("pages/map.py", title="Map"),
    st.Page("pages/identifiers.py", title="Identifiers"),
    st.Page("pages/export.py", title="Export"),
    st.Page("pages/report.py", title="Report"),
]
navigation = st.navigation(pages)
appstate.sidebar_summary()
navigation.run()
