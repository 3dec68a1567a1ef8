"""The map of geographic findings, drawn offline: country outlines as the base layer (no
web tiles, no download), records as points coloured by their most severe space finding.
Shared by the dashboard's Map page and the report."""

from __future__ import annotations

import html

import numpy as np

from dwcqa.checks.runner import Results

MAP_POINTS = 500  # most flagged points drawn on the dashboard (SVG markers: 500 take the browser ~0.05 s, 1,000 twice that)


def _int(number: int) -> str:
    return f"{int(number):,}"


def space_findings(results: Results) -> list[str]:
    """Ids of the space-dimension record checks that flag at least one record: most severe
    first, then the rarer (more specific) before the ones that flag many records."""
    severity = {"error": 0, "warning": 1, "info": 2}
    checks = [c for c in results.checks if c.dimension == "space" and c.id in results.masks and results.masks[c.id].any()]
    return [c.id for c in sorted(checks, key=lambda c: (severity[c.severity], results.count(c.id), c.id))]


def country_outlines(box: tuple[float, float, float, float], tolerance: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Country outlines inside ``box`` (lon0, lat0, lon1, lat1) as x, y arrays with NaN between
    rings (one plotly trace), simplified to ``tolerance`` degrees; None when dwcqa.geo cannot
    give them (its optional dependencies are absent)."""
    try:
        return _outlines(box, tolerance)
    except Exception:  # optional dependencies absent, or boundaries that cannot be read
        return None


def _outlines(box: tuple[float, float, float, float], tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    import shapely

    from dwcqa.geo import load_boundaries

    parts = np.concatenate([u.parts for u in load_boundaries().units])
    bounds = shapely.bounds(parts)
    x0, y0, x1, y1 = box
    near = (bounds[:, 2] >= x0) & (bounds[:, 0] <= x1) & (bounds[:, 3] >= y0) & (bounds[:, 1] <= y1)
    if not near.any():
        return np.array([]), np.array([])
    simple = shapely.simplify(parts[near], tolerance, preserve_topology=False)  # fast; a base map needs no topology
    pieces = shapely.get_parts(shapely.clip_by_rect(simple[~shapely.is_empty(simple)], x0, y0, x1, y1))
    pieces = pieces[(shapely.get_type_id(pieces) == 3) & ~shapely.is_empty(pieces)]  # polygons
    pieces = pieces[shapely.area(pieces) >= tolerance * tolerance]
    if not len(pieces):
        return np.array([]), np.array([])
    coords, index = shapely.get_coordinates(shapely.get_exterior_ring(pieces), return_index=True)
    breaks = np.flatnonzero(np.diff(index)) + 1
    x = np.insert(np.round(coords[:, 0], 3), breaks, np.nan)
    y = np.insert(np.round(coords[:, 1], 3), breaks, np.nan)
    return x, y


def country_outline(code: str) -> tuple[np.ndarray, np.ndarray]:
    """The outline of one country (every unit with that code), as x, y with NaN between rings."""
    import shapely

    from dwcqa.geo import load_boundaries

    parts = [u.parts for u in load_boundaries().units if u.code == code]
    if not parts:
        return np.array([]), np.array([])
    rings = shapely.get_exterior_ring(np.concatenate(parts))
    coords, index = shapely.get_coordinates(rings, return_index=True)
    breaks = np.flatnonzero(np.diff(index)) + 1
    return np.insert(coords[:, 0], breaks, np.nan), np.insert(coords[:, 1], breaks, np.nan)


def findings_map(results: Results, max_points: int = MAP_POINTS, highlight: str | None = None) -> tuple["go.Figure | None", dict]:
    """The map of geographic findings: each record a space check flags, at its interpreted
    point, drawn once with its most severe (then most specific) finding, over country outlines (no tiles, no download).

    Returns (figure or None, facts): facts count the flagged records, those drawn, and those
    without a point that can be drawn (invalid or out-of-range coordinates)."""
    import plotly.graph_objects as go

    from dwcqa.charts import LAYOUT, SEVERITY_COLOURS, fixed_margins, label_width
    from dwcqa.checks.context import Context

    ids = space_findings(results)
    facts = {"checks": ids, "flagged": 0, "drawn": 0, "no_point": 0, "sampled": False, "outlines": True}
    if not ids:
        return None, facts
    flagged = np.zeros(results.records, dtype=bool)
    for check_id in ids:
        flagged |= results.masks[check_id]
    facts["flagged"] = int(flagged.sum())
    try:
        from dwcqa.geo.records import for_context

        # The coordinates the space checks parsed, when the results come from a run.
        coords = for_context(results.context or Context(results.archive)).coords
        lat, lon = coords.lat, coords.lon
    except Exception:
        facts["no_point"] = facts["flagged"]
        return None, facts
    drawable = flagged & np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    rows = np.flatnonzero(drawable)
    facts["no_point"] = int(flagged.sum() - len(rows))
    if len(rows) > max_points:
        rows = rows[np.linspace(0, len(rows) - 1, max_points).round().astype(np.int64)]
        facts["sampled"] = True
    facts["drawn"] = len(rows)
    if not len(rows):
        return None, facts

    by_id = {c.id: c for c in results.checks}
    primary = np.full(len(rows), -1, dtype=np.int64)
    names = [[] for _ in rows]
    for k, check_id in enumerate(ids):
        hit = results.masks[check_id][rows]
        primary[hit & (primary < 0)] = k
        for i in np.flatnonzero(hit):
            names[i].append(check_id)
    ids_column = results.archive.core.ids
    record_ids = ids_column.iloc[rows].fillna("").tolist() if ids_column is not None else [""] * len(rows)
    hover = [
        f"{html.escape(str(rid)) or '(no id)'}<br>{lat[r]:.5g}, {lon[r]:.5g}<br>{html.escape(', '.join(n))}"
        for rid, r, n in zip(record_ids, rows, names)
    ]
    hover = np.array(hover, dtype=object)

    plon, plat = lon[rows], lat[rows]
    span = max(float(plon.max() - plon.min()), float(plat.max() - plat.min()), 20.0)
    margin = span * 0.15
    x0, x1 = max(float(plon.min()) - margin, -180.0), min(float(plon.max()) + margin, 180.0)
    y0, y1 = max(float(plat.min()) - margin, -90.0), min(float(plat.max()) + margin, 90.0)
    figure = go.Figure()
    outlines = country_outlines((x0, y0, x1, y1), tolerance=max(x1 - x0, y1 - y0) / 900)
    if outlines is None:
        facts["outlines"] = False
    elif len(outlines[0]):
        figure.add_scatter(
            x=outlines[0], y=outlines[1], mode="lines", fill="toself", fillcolor="#eeeeea",
            line=dict(color="#a0a0a0", width=0.6), hoverinfo="skip", showlegend=False, name="countries",
        )
    if highlight:
        hx, hy = country_outline(highlight)
        if len(hx):
            figure.add_scatter(
                x=hx, y=hy, mode="lines", line=dict(color="#1f3b73", width=2.5), hoverinfo="skip", name=f"stated country {highlight}",
            )
    symbols = ("circle", "diamond", "square", "triangle-up", "x", "cross", "triangle-down", "star")
    for k, check_id in enumerate(ids):
        which = primary == k
        if not which.any():
            continue
        check = by_id[check_id]
        figure.add_scatter(
            x=plon[which], y=plat[which], mode="markers", name=f"{check_id} ({_int(which.sum())})",
            marker=dict(color=SEVERITY_COLOURS[check.severity], symbol=symbols[k % len(symbols)], size=7, opacity=0.8, line=dict(color="white", width=0.5)),
            hovertext=hover[which], hoverinfo="text",
        )
    figure.update_layout(**LAYOUT)
    figure.update_layout(
        title="Records flagged by the space checks (most severe finding)",
        margin=dict(l=40, r=10, t=40, b=10),
        xaxis=dict(range=[x0, x1], ticksuffix="\u00b0", showgrid=True, gridcolor="#f2f2f2", zeroline=False, constrain="domain"),
        yaxis=dict(range=[y0, y1], ticksuffix="\u00b0", showgrid=True, gridcolor="#f2f2f2", zeroline=False, scaleanchor="x", scaleratio=1, constrain="domain"),
        height=560,
        legend=dict(orientation="h", yanchor="top", y=-0.05, x=0),
    )
    return fixed_margins(figure, left=label_width(["-180.0\u00b0"]) + 12), facts
