"""Country centroids: the points georeferencing tools put a record at when only the
country is known (BDQ ISSUE_COORDINATES_CENTEROFCOUNTRY).

Computed from the boundaries, per ISO code: the centroid of all its land, the centroid of
its largest polygon, and the centre of that polygon's bounding box (several tools use one
or the other). The area (for the BDQ condition on coordinateUncertaintyInMeters) is the
land's area in km2, from the polygons' areas in degrees scaled by the cosine of latitude.
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import shapely

from dwcqa.geo.boundaries import EARTH_KM_PER_DEGREE, Boundaries


def country_centres(boundaries: Boundaries) -> dict[str, tuple[np.ndarray, float]]:
    """ISO code -> (centres as an (n, 2) array of (lat, lon), land area in km2); computed
    once per boundaries."""
    cached = boundaries.__dict__.get("_centres")
    if cached is None:
        with _COMPUTING:  # computed once, also when a warm-up and a check ask at the same time
            cached = boundaries.__dict__.get("_centres")
            if cached is None:
                cached = boundaries.__dict__["_centres"] = _centres(boundaries)
    return cached


_COMPUTING = threading.Lock()


def _centres(boundaries: Boundaries) -> dict[str, tuple[np.ndarray, float]]:
    parts_by_code: dict[str, list] = {}
    for unit in boundaries.units:
        if unit.code:
            parts_by_code.setdefault(unit.code, []).extend(unit.parts)
    out = {}
    for code, parts in parts_by_code.items():
        parts = np.asarray(parts, dtype=object)
        areas = shapely.area(parts)
        centres = shapely.centroid(parts)
        cy = shapely.get_y(centres)
        km2 = float(np.sum(areas * EARTH_KM_PER_DEGREE**2 * np.cos(np.radians(cy))))
        whole = shapely.centroid(shapely.multipolygons(list(parts)))
        largest = parts[int(np.argmax(areas))]
        minx, miny, maxx, maxy = largest.bounds
        points = [(whole.y, whole.x), (largest.centroid.y, largest.centroid.x), ((miny + maxy) / 2, (minx + maxx) / 2)]
        out[code] = (np.array(points, dtype=float), km2)
    return out


def near_centroid(lat, lon, codes, uncertainty, distance_m: float, boundaries: Boundaries) -> np.ndarray:
    """True where the point lies within ``distance_m`` of a centre of its stated country and
    the uncertainty is empty or less than half the square root of the country's area."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    uncertainty = np.asarray(uncertainty, dtype=float)
    centres = country_centres(boundaries)
    out = np.zeros(len(lat), dtype=bool)
    limit_km = distance_m / 1000.0
    # The rows of each stated code, from one hashing pass (none for a Categorical) and one sort of small integers.
    if isinstance(codes, pd.Categorical):
        keys, distinct_codes = np.asarray(codes.codes), list(codes.categories)
    else:
        keys, distinct_codes = pd.factorize(np.asarray(codes, dtype=object))
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(len(distinct_codes) + 1))
    for key, code in enumerate(distinct_codes):
        if code not in centres:
            continue
        rows = order[bounds[key] : bounds[key + 1]]
        points, km2 = centres[code]
        close = np.zeros(len(rows), dtype=bool)
        for clat, clon in points:
            dy = lat[rows] - clat
            dx = ((lon[rows] - clon + 180.0) % 360.0 - 180.0) * np.cos(np.radians((lat[rows] + clat) / 2))
            close |= np.hypot(dx, dy) * EARTH_KM_PER_DEGREE <= limit_km
        u = uncertainty[rows]
        small = ~np.isfinite(u) | (u < 0.5 * np.sqrt(km2) * 1000.0)
        out[rows] = close & small
    return out
