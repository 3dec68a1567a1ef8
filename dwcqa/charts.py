"""Plotly figures shared by the dashboard and the report (no streamlit here).

Colours are chosen to read on a projector and in print: severity red / amber / blue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dwcqa.archive import Archive
from dwcqa.checks.runner import Results
from dwcqa.summary import completeness, findings, ready_mask
from dwcqa.terms import DWC, short_name

SEVERITY_COLOURS = {"error": "#c0392b", "warning": "#e39b1b", "info": "#2e78b7"}
READINESS_COLOURS = {"ready": "#2e8b57", "warnings only": "#e39b1b", "blocked by errors": "#c0392b"}
LAYOUT = dict(template="plotly_white", margin=dict(l=10, r=10, t=40, b=10), font=dict(size=14))


def label_width(labels, size: int = LAYOUT["font"]["size"]) -> int:
    """Pixels the longest of ``labels`` takes at ``size`` (an estimate from its characters)."""

    def width(text: str) -> float:
        return sum(0.68 if c.isupper() else 0.56 if c.isdigit() else 0.52 for c in text) * size

    return int(max((width(str(label)) for label in labels), default=0.0))


def fixed_margins(figure: go.Figure, left: int, bottom: int = 36) -> go.Figure:
    """Margins set here instead of measured by plotly.js: its automargin draws a chart,
    measures every tick label and draws it again, about half of the browser's drawing time
    for a chart with many labels. ``left`` must hold the y tick labels, ``bottom`` the x ones."""
    figure.update_layout(margin=dict(l=left, b=bottom))
    figure.update_xaxes(automargin=False)
    figure.update_yaxes(automargin=False)
    return figure


def readiness_counts(results: Results) -> dict[str, int]:
    ready = ready_mask(results)
    warned = results.blocking_mask("warning") & ready
    return {
        "ready": int((ready & ~warned).sum()),
        "warnings only": int(warned.sum()),
        "blocked by errors": int((~ready).sum()),
    }


def readiness_donut(results: Results) -> go.Figure:
    counts = readiness_counts(results)
    figure = go.Figure(
        go.Pie(
            labels=list(counts),
            values=list(counts.values()),
            hole=0.55,
            marker=dict(colors=[READINESS_COLOURS[k] for k in counts]),
            sort=False,
            textinfo="value+percent",
            # Upright labels inside the slices: plotly.js otherwise tries angles and places to
            # fit them, 35 of the donut's 44 ms of drawing.
            textposition="inside",
            insidetextorientation="horizontal",
        )
    )
    figure.update_layout(title="Records ready for publication", legend=dict(orientation="h", y=-0.1), height=420, **LAYOUT)
    return figure


# One row per term, compact: a core maps 50-200 terms, and the browser's drawing time grows with
# the chart's height (bench/bench_dashboard.py: the completeness chart was a quarter of an
# Overview page switch at 18 px per term).
TERM_ROW, TERM_FONT = 13, 11


def completeness_chart(
    results: Results,
    required: set[str] = frozenset(),
    recommended: set[str] = frozenset(),
    hide_empty_other: bool = False,
    shares: dict[str, float] | None = None,
) -> go.Figure:
    """Share of core records with a value, per mapped term, sorted; GBIF's required and
    recommended terms in their own colours. ``hide_empty_other`` leaves out the other terms
    that no record fills (see :func:`empty_other_terms`), so that a core with a hundred empty
    columns still gives a chart one can read. ``shares``: :func:`dwcqa.summary.completeness`,
    when the caller has it already."""
    shares = completeness(results) if shares is None else shares
    if hide_empty_other:
        empty = set(empty_other_terms(shares, required, recommended, short=False))
        shares = {t: v for t, v in shares.items() if t not in empty}
    frame = pd.DataFrame({"term": [short_name(t) for t in shares], "uri": list(shares), "share": list(shares.values())})
    frame["kind"] = np.where(frame["uri"].isin(required), "required", np.where(frame["uri"].isin(recommended), "recommended", "other"))
    frame = frame.sort_values(["share", "term"], ascending=[True, False])
    colours = {"required": "#c0392b", "recommended": "#2e78b7", "other": "#8c8c8c"}
    figure = go.Figure()
    for kind in ("required", "recommended", "other"):
        part = frame[frame["kind"] == kind]
        if len(part):
            figure.add_bar(x=part["share"] * 100, y=part["term"], orientation="h", name=kind, marker_color=colours[kind])
    figure.update_layout(
        title="Completeness per term (% of core records with a value)",
        xaxis=dict(range=[0, 100], ticksuffix="%"),
        yaxis=dict(categoryorder="array", categoryarray=list(frame["term"]), tickfont=dict(size=TERM_FONT)),
        height=max(300, TERM_ROW * len(frame) + 80),
        barmode="overlay",
        **LAYOUT,
    )
    return fixed_margins(figure, left=label_width(frame["term"], TERM_FONT) + 16)


def empty_other_terms(shares: dict[str, float], required: set[str] = frozenset(), recommended: set[str] = frozenset(), short: bool = True) -> list[str]:
    """The mapped terms (short names, or URIs with ``short=False``) that no core record fills
    and GBIF does not ask for; ``shares`` as :func:`dwcqa.summary.completeness` gives them."""
    empty = [t for t, share in shares.items() if share == 0 and t not in required and t not in recommended]
    return sorted({short_name(t) for t in empty}, key=str.lower) if short else empty


def gbif_terms(row_type: str) -> tuple[set[str], set[str]]:
    """(required, recommended) term URIs of GBIF's requirements for a core row type."""
    from dwcqa import completeness as gbif

    requirements = gbif.requirements(row_type)
    required = {t for r in requirements if r.level == gbif.REQUIRED for t in r.terms}
    recommended = {t for r in requirements if r.level == gbif.RECOMMENDED for t in r.terms}
    return required, recommended


def gbif_completeness(results: Results) -> dict:
    """Completeness as the Overview and the report show it: ``figure`` (required and
    recommended terms distinguished, other terms no record fills left out), ``empty`` (those
    terms), ``summary`` (GBIF's items per level: "3 of 4 required"; see
    :meth:`dwcqa.completeness.Completeness.summary`) and ``measured`` (the Completeness itself)."""
    from dwcqa import completeness as gbif

    required, recommended = gbif_terms(results.archive.core.row_type)
    measured = gbif.completeness(results.archive, results.context)
    shares = dict(zip(measured.terms["term"], measured.terms["share"]))
    return {
        "figure": completeness_chart(results, required, recommended, hide_empty_other=True, shares=shares),
        "empty": empty_other_terms(shares, required, recommended),
        "summary": measured.summary(),
        "measured": measured,
    }


def findings_chart(results: Results, limit: int = 30) -> go.Figure:
    entries = findings(results)[:limit]
    frame = pd.DataFrame(entries or [{"check": "", "count": 0, "severity": "info", "title": ""}])
    figure = go.Figure()
    for severity in ("error", "warning", "info"):
        part = frame[frame["severity"] == severity]
        if len(part):
            figure.add_bar(
                x=part["count"], y=part["check"], orientation="h", name=severity, marker_color=SEVERITY_COLOURS[severity], hovertext=part["title"]
            )
    figure.update_layout(
        title="Findings by check",
        yaxis=dict(categoryorder="array", categoryarray=list(frame["check"][::-1])),
        height=max(300, 22 * len(frame) + 80),
        **LAYOUT,
    )
    return fixed_margins(figure, left=label_width(frame["check"]) + 16)


def _core(source: Results | Archive):
    return (source.archive if isinstance(source, Results) else source).core


def records_per_year(source: Results | Archive) -> go.Figure | None:
    """Records per year (from year, else eventDate): the archive alone, no check result needed."""
    core = _core(source)
    year = core.column(DWC + "year")
    if year is None or not year.notna().any():
        date = core.column(DWC + "eventDate")
        if date is None:
            return None
        year = date.str.extract(r"^\s*(\d{4})", expand=False)
    years = pd.to_numeric(year, errors="coerce").dropna()
    years = years[(years > 1600) & (years < 2200)].astype(int)
    if years.empty:
        return None
    counts = years.value_counts().sort_index()
    figure = go.Figure(go.Bar(x=counts.index, y=counts.values, marker_color="#2e78b7"))
    figure.update_layout(title="Records per year", xaxis_title="year", yaxis_title="records", **LAYOUT)
    return figure


def taxonomic_breakdown(source: Results | Archive, limit: int = 20) -> go.Figure | None:
    """Records per family (else order, class, kingdom), the most frequent first: the archive alone."""
    core = _core(source)
    for rank in ("family", "order", "class", "kingdom"):
        values = core.column(DWC + rank)
        if values is not None and (values.fillna("").str.strip() != "").any():
            counts = values.fillna("").str.strip().replace("", "(empty)").value_counts().head(limit)[::-1]
            figure = go.Figure(go.Bar(x=counts.values, y=counts.index, orientation="h", marker_color="#2e8b57"))
            figure.update_layout(title=f"Records per {rank} (top {limit})", height=max(300, 22 * len(counts) + 80), **LAYOUT)
            return fixed_margins(figure, left=label_width(counts.index) + 16)
    return None


# Each plotly chart makes the browser lay the page out again as it is drawn (the Overview took
# 0.17 s to switch to without its charts, 0.53 s with five; bench/bench_dashboard.py), so the
# Overview stacks its two small charts of the archive in one.
STACK_GAP = 90  # px between stacked charts: the x tick labels of one, the title of the next


def stacked(figures: list[go.Figure | None], gap: int = STACK_GAP) -> go.Figure | None:
    """Bar or line charts (None ones left out) one above the other as one figure, each keeping
    its plotting height, title (above it), axes and named traces. One figure is returned as it
    is, none as None."""
    from plotly.subplots import make_subplots

    figures = [f for f in figures if f is not None]
    if len(figures) <= 1:
        return figures[0] if figures else None
    top, bottom = 50, 36
    heights = [(f.layout.height or 450) - (f.layout.margin.t or 0) - (f.layout.margin.b or 0) for f in figures]
    plotting = sum(heights) + gap * (len(figures) - 1)
    combined = make_subplots(
        rows=len(figures),
        cols=1,
        row_heights=heights,
        vertical_spacing=gap / plotting,
        subplot_titles=[f"<b>{f.layout.title.text}</b>" if f.layout.title.text else "" for f in figures],
    )
    combined.update_annotations(x=0, xanchor="left", font_size=LAYOUT["font"]["size"])  # as Streamlit sets titles
    for row, figure in enumerate(figures, start=1):
        for trace in figure.data:
            combined.add_trace(trace, row=row, col=1)
            combined.data[-1].showlegend = bool(trace.name)  # "trace 0" would mean nothing to a reader
        combined.update_xaxes(_axis(figure.layout.xaxis), row=row, col=1)
        combined.update_yaxes(_axis(figure.layout.yaxis), row=row, col=1)
    margin = dict(LAYOUT["margin"], t=top, b=bottom, l=max(f.layout.margin.l or 0 for f in figures))
    combined.update_layout(dict(LAYOUT, margin=margin), height=plotting + top + bottom, barmode=figures[0].layout.barmode)
    return combined


def years_and_taxa(source: Results | Archive) -> go.Figure | None:
    """Records per year over the taxonomic breakdown, as one figure: the archive alone."""
    return stacked([records_per_year(source), taxonomic_breakdown(source)])


def _axis(axis) -> dict:
    """An axis' settings without its place (the stacked figure sets domain and anchor)."""
    settings = axis.to_plotly_json()
    for place in ("domain", "anchor", "overlaying", "position"):
        settings.pop(place, None)
    return settings

