"""Points against countries: in_country, country_of, distances. Vectorised throughout.

Is a point consistent with a stated country? In this order (the first that holds wins):

1. it lies on the land of a unit carrying the code (or accepting it: Guantanamo accepts
   US) or of a GBIF-*equivalent* country (FR for a point in Guadeloupe);
2. it lies within ``buffer_m`` (default 3000 m, the BDQ default) of such land;
3. it lies on or within ``buffer_m`` of the land of a GBIF-*confused* country (AU for a
   point on Christmas Island: consistent, but GBIF will replace AU by CX);
4. it lies at sea (on no land at all) and the nearest coast within 200 nautical miles
   belongs to the stated country (equidistance between neighbours, with ``buffer_m`` of
   tolerance on the median line): a stand-in for the Exclusive Economic Zone;
5. south of 60 degrees S with the stated country AQ (the Antarctic Treaty area, as GBIF).

Speed: records are grouped by stated code and each group is tested only against its own
country: a raster lookup per point, an exact GEOS test only near the border. The slower
steps 2-4 run only for the points that fail step 1, each distinct point once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dwcqa.geo.boundaries import Boundaries, load_boundaries

NAUTICAL_MILE_KM = 1.852
MARINE_KM = 200 * NAUTICAL_MILE_KM  # 370.4 km
ANTARCTIC_LATITUDE = -60.0

# How a point matched its stated country.
DIRECT, EQUIVALENT, CONFUSED = 1, 2, 3
ON_LAND, IN_BUFFER, AT_SEA, ANTARCTIC, NEAR_BORDER = 1, 2, 3, 4, 5  # NEAR_BORDER: on the land or in its buffer


@dataclass
class Match:
    consistent: np.ndarray  # bool
    testable: np.ndarray  # bool: a usable point and a code the boundaries know
    kind: np.ndarray  # int8: DIRECT / EQUIVALENT / CONFUSED (0 when not consistent)
    how: np.ndarray  # int8: ON_LAND / IN_BUFFER / AT_SEA / ANTARCTIC
    unit: np.ndarray  # int64: unit matched (-1 none)


def _as_arrays(lat, lon, codes=None):
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    if codes is None:
        return lat, lon
    if isinstance(codes, str):
        codes = np.full(len(lat), codes, dtype=object)
    return lat, lon, codes


def _valid(lat, lon) -> np.ndarray:
    return np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)


def accepted_units(boundaries: Boundaries, code: str) -> list[tuple[int, int]]:
    """(unit, kind) pairs accepted for a stated code, direct first."""
    from dwcqa.geo.countries import pairs

    equivalent, confused = pairs()
    out: list[tuple[int, int]] = []
    seen: set[int] = set()
    for kind, codes in ((DIRECT, [code]), (EQUIVALENT, sorted(equivalent.get(code, ()))), (CONFUSED, sorted(confused.get(code, ())))):
        for c in codes:
            for u in boundaries.units_of(c):
                if u not in seen:
                    seen.add(u)
                    out.append((u, kind))
    return out


def _isolated_confused(boundaries: Boundaries, accepted, buffer_km: float) -> set[int]:
    """Confused units farther than the buffer from every direct or equivalent unit."""
    own = [p.bounds for u, k in accepted if k != CONFUSED for p in boundaries.units[u].pieces]
    out = set()
    for u, k in accepted:
        if k != CONFUSED:
            continue
        far = True
        for (ux0, uy0, ux1, uy1), (ox0, oy0, ox1, oy1) in ((p.bounds, o) for p in boundaries.units[u].pieces for o in own):
            dx = max(ox0 - ux1, ux0 - ox1, 0.0)
            dy = max(oy0 - uy1, uy0 - oy1, 0.0)
            poleward = min(max(abs(uy0), abs(uy1), abs(oy0), abs(oy1)), 89.9)
            lower_km = max(dy, dx * np.cos(np.radians(poleward))) * 111.195
            if lower_km <= buffer_km + 1.0:
                far = False
                break
        if far:
            out.add(u)
    return out


def _factorize_codes(codes) -> tuple[np.ndarray, list[str]]:
    """(integer code per point, -1 for missing; the distinct codes)."""
    if isinstance(codes, pd.Categorical):
        return np.asarray(codes.codes, dtype=np.int64), [str(c) for c in codes.categories]
    values = codes.to_numpy(dtype=object, na_value=None) if isinstance(codes, pd.Series) else np.asarray(codes, dtype=object)
    factor, uniques = pd.factorize(values, use_na_sentinel=True)  # object hashing, no string conversion
    return np.asarray(factor, dtype=np.int64), [str(c) for c in uniques]


def _groups(factor: np.ndarray, uniques: list[str]) -> list[tuple[str, np.ndarray]]:
    """(code, point indices) per distinct code."""
    if not uniques:
        return []
    order = np.argsort(factor, kind="stable")
    counts = np.bincount(factor[factor >= 0], minlength=len(uniques))
    start = int(np.sum(factor < 0))
    groups = []
    for code, count in zip(uniques, counts):
        if count:
            groups.append((code, order[start : start + count]))
        start += count
    return groups


def _duplicated_enough(lat: np.ndarray, lon: np.ndarray, factor: np.ndarray) -> bool:
    """Do the points repeat enough to test each distinct one once? (A sample decides.)"""
    n = len(lat)
    if n < 50_000:
        return False
    sample = np.random.default_rng(0).choice(n, 20_000, replace=False)
    key = lat[sample] + 1j * (lon[sample] + 400.0 * factor[sample])
    return len(pd.unique(key)) < 0.5 * len(sample)


def match_country(lat, lon, codes, buffer_m: float = 3000.0, boundaries: Boundaries | None = None) -> Match:
    """How each point relates to its stated ISO code (see the module docstring)."""
    boundaries = boundaries or load_boundaries()
    lat, lon = _as_arrays(lat, lon)
    if isinstance(codes, str):
        factor, uniques = np.zeros(len(lat), dtype=np.int64), [codes]
    else:
        factor, uniques = _factorize_codes(codes)
    if _duplicated_enough(lat, lon, factor):
        # Test each distinct (point, code) once and map the answers back.
        points, unique_points = pd.factorize(lat + 1j * lon)
        inverse, keys = pd.factorize(points * (len(uniques) + 1) + (factor + 1))
        first = np.empty(len(keys), dtype=np.int64)
        first[inverse[::-1]] = np.arange(len(lat))[::-1]
        sub = _match(lat[first], lon[first], factor[first], uniques, buffer_m, boundaries)
        return Match(*(getattr(sub, f)[inverse] for f in ("consistent", "testable", "kind", "how", "unit")))
    return _match(lat, lon, factor, uniques, buffer_m, boundaries)


def _match(lat, lon, factor, uniques, buffer_m, boundaries) -> Match:
    n = len(lat)
    consistent = np.zeros(n, dtype=bool)
    testable = np.zeros(n, dtype=bool)
    kind = np.zeros(n, dtype=np.int8)
    how = np.zeros(n, dtype=np.int8)
    unit = np.full(n, -1, dtype=np.int64)
    valid = _valid(lat, lon)
    buffer_km = max(float(buffer_m), 0.0) / 1000.0
    pending: list[tuple[str, np.ndarray, list[tuple[int, int]]]] = []
    for code, index in _groups(factor, uniques):
        if not code:
            continue
        index = index[valid[index]]
        if len(index) == 0:
            continue
        if code == "AQ":
            south = index[lat[index] < ANTARCTIC_LATITUDE]
            consistent[south] = testable[south] = True
            kind[south], how[south] = DIRECT, ANTARCTIC
            index = index[lat[index] >= ANTARCTIC_LATITUDE]
        accepted = accepted_units(boundaries, code)
        if not accepted:
            continue  # a code the boundaries have no land for (e.g. Bouvet Island): undecided
        testable[index] = True
        x, y = lon[index], lat[index]
        left = np.ones(len(index), dtype=bool)
        # 1. Land of the country or an equivalent one, or surely within the buffer of it:
        # rasters, GEOS only in boundary cells the buffer does not cover. Then the land of
        # a confused country far from the country's own land (none of its points can be
        # within the buffer of the own land, which GBIF's order would put first).
        isolated = _isolated_confused(boundaries, accepted, buffer_km)
        for u, k in accepted:
            if not left.any():
                break
            if k == CONFUSED and u not in isolated:
                continue
            inside = np.zeros(len(index), dtype=bool)
            near = np.zeros(len(index), dtype=bool)
            inside[left], near[left] = boundaries.units[u].contains_or_near(x[left], y[left], buffer_km)
            for hit, label in ((inside, ON_LAND), (near, NEAR_BORDER)):
                if hit.any():
                    chosen = index[hit]
                    consistent[chosen], kind[chosen], how[chosen], unit[chosen] = True, k, label, u
                    left &= ~hit
        if left.any():
            pending.append((code, index[left], accepted))
    for code, index, accepted in pending:
        _slow_path(boundaries, lat, lon, index, accepted, buffer_km, consistent, kind, how, unit)
    return Match(consistent, testable, kind, how, unit)


def _unique_points(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (lat, lon) pairs and, per point, the index of its pair."""
    if len(lat) == 0:
        return lat, lon, np.zeros(0, dtype=np.int64)
    inverse, uniques = pd.factorize(lat + 1j * lon)
    return uniques.real.copy(), uniques.imag.copy(), inverse


MARINE_CELLS = (0.05, 0.0125)  # degrees: points at sea are answered per cell, coarse then fine
SURE_IN, SURE_OUT, UNSURE = 1, 0, -1


def _marine_cells(boundaries: Boundaries, lat: np.ndarray, lon: np.ndarray, kinds: dict[int, int], buffer_km: float, size: float) -> tuple[np.ndarray, np.ndarray]:
    """(status, unit) per point at sea, decided for its whole cell (``size`` degrees) at once.

    With h the half-diagonal of the cell in km and c its centre, for every point p of the
    cell d(p) lies within d(c) +- h. So: SURE_IN when the nearest coast to c is the stated
    country's (direct or equivalent) and no other coast comes within d + 2h - tolerance of c
    (and d + h <= 200 nm); SURE_OUT when no coast is within 200 nm + h, or another coast is
    nearer by more than 2h + tolerance, or the country's own is beyond 200 nm + h; else
    UNSURE (a coast in the cell, near a median line or the 200 nm limit): each point is
    then measured. Cells are remembered per accepted set, so points repeat no work.
    """
    cache = boundaries.__dict__.setdefault("_marine_cells", {}).setdefault((frozenset(kinds.items()), round(buffer_km, 6), size), {})
    cx = np.floor(lon / size).astype(np.int64)
    cy = np.floor(lat / size).astype(np.int64)
    key = cx * 100_000 + cy
    cells, inverse = np.unique(key, return_inverse=True)
    new = [c for c in cells.tolist() if c not in cache]
    if new:
        new_a = np.asarray(new, dtype=np.int64)
        ncx = np.floor_divide(new_a + 50_000, 100_000)
        ncy = new_a - ncx * 100_000
        clat = (ncy + 0.5) * size
        clon = (ncx + 0.5) * size
        status = np.full(len(new_a), UNSURE, dtype=np.int8)
        chosen = np.full(len(new_a), -1, dtype=np.int64)
        equatorward = np.maximum(np.abs(clat) - size / 2, 0.0)
        h = 0.5 * size * 111.195 * np.sqrt(1.0 + np.cos(np.radians(equatorward)) ** 2) * 1.001
        at_sea = boundaries.land_unit(clat, clon) < 0
        reach = MARINE_KM + float(h.max())
        allnear = boundaries.edges_of(boundaries.units_near(clat, clon, reach))
        u_any, d_any = allnear.nearest(clat, clon, reach)
        clear = at_sea & (d_any > h)  # no coast inside the cell
        status[clear & (u_any < 0)] = SURE_OUT
        mine = np.array([kinds.get(int(u), 0) != 0 for u in u_any], dtype=bool)
        # Nearest coast is the country's own (or a country GBIF tolerates for it).
        own = np.flatnonzero(clear & mine & (d_any + h <= MARINE_KM))
        if len(own):
            others = boundaries.edges_of(boundaries.units_near(clat[own], clon[own], reach, exclude=frozenset(kinds)))
            closer, _ = others.within(clat[own], clon[own], np.maximum(d_any[own] + 2 * h[own] - buffer_km, 0.0))
            sure = own[closer < 0]
            # A confused country's coast decides only where the country's own land is
            # beyond the buffer of every point of the cell (else GBIF's order applies).
            confused = sure[np.array([kinds[int(u)] == CONFUSED for u in u_any[sure]], dtype=bool)]
            direct = frozenset(u for u, k in kinds.items() if k != CONFUSED)
            if len(confused) and direct:
                close, _ = boundaries.edges_of(direct).within(clat[confused], clon[confused], buffer_km + h[confused])
                sure = np.setdiff1d(sure, confused[close >= 0])
            status[sure] = SURE_IN
            chosen[sure] = u_any[sure]
        # Nearest coast is another country's.
        foreign = np.flatnonzero(clear & (u_any >= 0) & ~np.array([kinds.get(int(u), 0) != 0 for u in u_any], dtype=bool))
        if len(foreign):
            _, d_mine = boundaries.edges_of(frozenset(kinds)).nearest(clat[foreign], clon[foreign], MARINE_KM + float(h.max()))
            out = (d_mine - h[foreign] > MARINE_KM) | (d_any[foreign] + h[foreign] < d_mine - h[foreign] - buffer_km)
            status[foreign[out]] = SURE_OUT
        for c, st, u in zip(new, status.tolist(), chosen.tolist()):
            cache[c] = (st, u)
    looked = [cache[c] for c in cells.tolist()]
    cell_status = np.array([v[0] for v in looked], dtype=np.int8)
    cell_unit = np.array([v[1] for v in looked], dtype=np.int64)
    return cell_status[inverse], cell_unit[inverse]


def _slow_path(boundaries, lat, lon, index, accepted, buffer_km, consistent, kind, how, unit) -> None:
    """Steps 2-4 for the points of one stated code that are on none of its land."""
    ulat, ulon, inverse = _unique_points(lat[index], lon[index])
    m = len(ulat)
    ok = np.zeros(m, dtype=bool)
    ukind = np.zeros(m, dtype=np.int8)
    uhow = np.zeros(m, dtype=np.int8)
    uunit = np.full(m, -1, dtype=np.int64)
    kinds = dict(accepted)
    near = frozenset(u for u, k in accepted if k != CONFUSED)
    # Points at sea whose whole marine cell is surely in the country's zone: done.
    sea_status = np.full(m, SURE_OUT, dtype=np.int8)
    if boundaries.marine:
        pending = np.flatnonzero(boundaries.land_unit(ulat, ulon) < 0)
        sea_status[pending] = UNSURE
        for size in MARINE_CELLS:
            if len(pending) == 0:
                break
            status, cell_unit = _marine_cells(boundaries, ulat[pending], ulon[pending], kinds, buffer_km, size)
            sea_status[pending] = status
            sure = pending[status == SURE_IN]
            ok[sure], uhow[sure], uunit[sure] = True, AT_SEA, cell_unit[status == SURE_IN]
            ukind[sure] = [kinds[u] for u in uunit[sure]]
            pending = pending[status == UNSURE]
    # 2. Within the buffer of the country's (or an equivalent's) land.
    rest = np.flatnonzero(~ok)
    if near and buffer_km > 0 and len(rest):
        u, d = boundaries.edges_of(near).within(ulat[rest], ulon[rest], buffer_km)
        hit = rest[u >= 0]
        ok[hit], uhow[hit], uunit[hit] = True, IN_BUFFER, u[u >= 0]
        ukind[hit] = [kinds[i] for i in u[u >= 0]]
    # 3. On or near the land of a confused country.
    confused = [u for u, k in accepted if k == CONFUSED]
    if confused and not ok.all():
        for u in confused:
            rest = ~ok
            hit = np.zeros(m, dtype=bool)
            hit[rest] = boundaries.units[u].contains(ulon[rest], ulat[rest])
            ok[hit], ukind[hit], uhow[hit], uunit[hit] = True, CONFUSED, ON_LAND, u
        rest = np.flatnonzero(~ok)
        if len(rest) and buffer_km > 0:
            u, d = boundaries.edges_of(frozenset(confused)).within(ulat[rest], ulon[rest], buffer_km)
            hit = u >= 0
            ok[rest[hit]], ukind[rest[hit]], uhow[rest[hit]], uunit[rest[hit]] = True, CONFUSED, IN_BUFFER, u[hit]
    # 4. At sea, where the cell could not decide: nearest coast within 200 nautical miles.
    rest = np.flatnonzero(~ok & (sea_status == UNSURE))
    if len(rest):
        # The stated country's nearest coast, then: is any other coast nearer (beyond
        # the tolerance on the median line)? Two bounded searches, no global nearest.
        mine_unit, mine_km = boundaries.edges_of(frozenset(kinds)).nearest(ulat[rest], ulon[rest], MARINE_KM)
        reach = np.isfinite(mine_km)
        rest, mine_unit, mine_km = rest[reach], mine_unit[reach], mine_km[reach]
        if len(rest):
            others = boundaries.edges_of(boundaries.units_near(ulat[rest], ulon[rest], MARINE_KM, exclude=frozenset(kinds)))
            closer_unit, _ = others.within(ulat[rest], ulon[rest], np.maximum(mine_km - buffer_km, 0.0))
            hit = closer_unit < 0
            chosen = rest[hit]
            ok[chosen], uhow[chosen], uunit[chosen] = True, AT_SEA, mine_unit[hit]
            ukind[chosen] = [kinds[u] for u in mine_unit[hit]]
    consistent[index] = ok[inverse]
    kind[index] = ukind[inverse]
    how[index] = uhow[inverse]
    unit[index] = uunit[inverse]


def in_country(lat, lon, codes, buffer_m: float = 3000.0, boundaries: Boundaries | None = None) -> np.ndarray:
    """True where the point is consistent with the stated ISO alpha-2 code.

    ``codes``: one code for all points, or an array of codes (one per point). Land of the
    country (or a country GBIF tolerates for it), within ``buffer_m`` of it, or at sea
    within its 200 nm nearest-coast zone. False for unusable points and unknown codes.
    """
    return match_country(lat, lon, codes, buffer_m, boundaries).consistent


def country_of(lat, lon, boundaries: Boundaries | None = None, marine_km: float = MARINE_KM) -> np.ndarray:
    """ISO alpha-2 code of the land each point lies on, else of the nearest coast within
    ``marine_km`` (200 nautical miles); "" when none (or the point is unusable)."""
    boundaries = boundaries or load_boundaries()
    unit, _ = locate(lat, lon, boundaries, marine_km)
    return boundaries.unit_codes[unit]


def locate(lat, lon, boundaries: Boundaries | None = None, marine_km: float = MARINE_KM) -> tuple[np.ndarray, np.ndarray]:
    """(unit index, km to that unit: 0 on land) for each point; (-1, inf) when none."""
    boundaries = boundaries or load_boundaries()
    lat, lon = _as_arrays(lat, lon)
    n = len(lat)
    unit = np.full(n, -1, dtype=np.int64)
    km = np.full(n, np.inf)
    valid = np.flatnonzero(_valid(lat, lon))
    if len(valid) == 0:
        return unit, km
    ulat, ulon, inverse = _unique_points(lat[valid], lon[valid])
    uunit = boundaries.land_unit(ulat, ulon)
    ukm = np.where(uunit >= 0, 0.0, np.inf)
    sea = np.flatnonzero(uunit < 0)
    if len(sea) and (boundaries.marine or marine_km != MARINE_KM):
        u, d = boundaries.edges_of(boundaries.units_near(ulat[sea], ulon[sea], marine_km)).nearest(ulat[sea], ulon[sea], marine_km)
        uunit[sea], ukm[sea] = u, d
    unit[valid] = uunit[inverse]
    km[valid] = ukm[inverse]
    return unit, km


def distance_to_country(lat, lon, codes, boundaries: Boundaries | None = None, max_km: float = 20000.0) -> np.ndarray:
    """km from each point to the land of its stated code (0 inside; inf if unknown/too far)."""
    boundaries = boundaries or load_boundaries()
    lat, lon, codes = _as_arrays(lat, lon, codes)
    out = np.full(len(lat), np.inf)
    valid = _valid(lat, lon)
    for code, index in _groups(*_factorize_codes(codes)):
        index = index[valid[index]]
        units = boundaries.units_of(code) if code else []
        if len(index) == 0 or not units:
            continue
        inside = np.zeros(len(index), dtype=bool)
        for u in units:
            inside |= boundaries.units[u].contains(lon[index], lat[index])
        out[index[inside]] = 0.0
        rest = index[~inside]
        if len(rest):
            ulat, ulon, inverse = _unique_points(lat[rest], lon[rest])
            _, d = boundaries.edges_of(frozenset(units)).nearest(ulat, ulon, max_km)
            out[rest] = d[inverse]
    return out
