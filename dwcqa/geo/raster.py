"""A coarse raster in front of exact point-in-polygon tests.

A polygon (or a group of polygons) is rasterised once into cells of three kinds:

- INSIDE: the whole cell lies inside the polygons,
- OUTSIDE: the whole cell lies outside,
- EDGE: the boundary may pass through the cell (or near it).

A point in an INSIDE or OUTSIDE cell is answered with one array lookup; only points in
EDGE cells need the exact (GEOS) test. For records inside a country, far from its
border, that replaces a GEOS call by a numpy gather, which is what makes the country test
fast.

How cells are classified, without GEOS and without a Python loop per cell:

- EDGE cells: the rings are sampled at steps of at most half a cell; every cell holding a
  sample, and its eight neighbours, is an EDGE cell. Any boundary point lies within half
  a cell of a sample, so a cell that is not marked has no boundary point in it (nor
  within half a cell of it).
- The other cells are wholly in or out, like their centre; centres are classified by the
  even-odd rule on horizontal scan lines through the row centres (for each row, the
  crossings of the ring edges with the line are counted left of each centre).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OUTSIDE, INSIDE, EDGE = 0, 1, 2
MAX_CELLS = 2_000_000
MIN_CELL = 0.002  # degrees (~200 m): finer is pointless for 1:10m boundaries


@dataclass(frozen=True)
class Raster:
    x0: float
    y0: float
    cell: float
    grid: np.ndarray  # uint8 (rows, columns): OUTSIDE / INSIDE / EDGE

    @property
    def shape(self) -> tuple[int, int]:
        return self.grid.shape

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        rows, columns = self.grid.shape
        return (self.x0, self.y0, self.x0 + columns * self.cell, self.y0 + rows * self.cell)

    def lookup(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """OUTSIDE / INSIDE / EDGE for each point (OUTSIDE beyond the raster)."""
        rows, columns = self.grid.shape
        column = np.floor((x - self.x0) / self.cell)
        row = np.floor((y - self.y0) / self.cell)
        valid = (column >= 0) & (column < columns) & (row >= 0) & (row < rows)
        out = np.zeros(len(x), dtype=np.uint8)
        if valid.any():
            out[valid] = self.grid[row[valid].astype(np.intp), column[valid].astype(np.intp)]
        return out


def ring_segments(rings: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Segment end points (x1, y1, x2, y2) of closed rings given as (n, 2) arrays."""
    starts = [r[:-1] for r in rings if len(r) > 1]
    ends = [r[1:] for r in rings if len(r) > 1]
    if not starts:
        empty = np.zeros(0)
        return empty, empty, empty, empty
    a = np.concatenate(starts)
    b = np.concatenate(ends)
    return a[:, 0], a[:, 1], b[:, 0], b[:, 1]


def rasterize(rings: list[np.ndarray], bounds: tuple[float, float, float, float], max_cells: int = MAX_CELLS) -> Raster:
    """Rasterise the polygons whose rings (exterior and holes, closed) are given."""
    minx, miny, maxx, maxy = bounds
    width, height = max(maxx - minx, 1e-9), max(maxy - miny, 1e-9)
    cell = max(float(np.sqrt(width * height / max_cells)), max(width, height) / 8192, MIN_CELL)
    # One cell of margin all round, so that the dilation below never falls off the grid.
    columns = int(np.ceil(width / cell)) + 2
    rows = int(np.ceil(height / cell)) + 2
    return rasterize_on(rings, minx - cell, miny - cell, cell, rows, columns)


def rasterize_on(rings: list[np.ndarray], x0: float, y0: float, cell: float, rows: int, columns: int, edges=None) -> Raster:
    """Rasterise onto a given grid (origin, cell size, shape).

    ``edges``: the segments (x1, y1, x2, y2) that are real boundary, when the rings are a
    clipped piece whose cut lines must not count as boundary; samples off the grid are then
    dropped instead of being pulled onto its border.
    """
    x1, y1, x2, y2 = ring_segments(rings)
    inside = _even_odd_centres(x1, y1, x2, y2, x0, y0, cell, rows, columns)
    if edges is None:
        edge = _edge_cells(x1, y1, x2, y2, x0, y0, cell, rows, columns)
    else:
        edge = _edge_cells(*edges, x0, y0, cell, rows, columns, drop_outside=True)
    grid = np.where(edge, EDGE, np.where(inside, INSIDE, OUTSIDE)).astype(np.uint8)
    return Raster(x0, y0, cell, grid)


def _even_odd_centres(x1, y1, x2, y2, x0, y0, cell, rows, columns) -> np.ndarray:
    """True where the cell centre is inside (even-odd rule), as a (rows, columns) array."""
    if len(x1) == 0:
        return np.zeros((rows, columns), dtype=bool)
    ylo, yhi = np.minimum(y1, y2), np.maximum(y1, y2)
    # Rows whose centre line y = y0 + (j + 0.5) * cell satisfies ylo <= y < yhi.
    first = np.ceil((ylo - y0) / cell - 0.5).astype(np.int64)
    last = np.ceil((yhi - y0) / cell - 0.5).astype(np.int64) - 1
    first = np.clip(first, 0, rows)
    last = np.clip(last, -1, rows - 1)
    count = np.maximum(last - first + 1, 0)
    total = int(count.sum())
    if total == 0:
        return np.zeros((rows, columns), dtype=bool)
    segment = np.repeat(np.arange(len(x1)), count)
    offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    row = first[segment] + offset
    yc = y0 + (row + 0.5) * cell
    sx1, sy1, sx2, sy2 = x1[segment], y1[segment], x2[segment], y2[segment]
    xc = sx1 + (yc - sy1) * (sx2 - sx1) / (sy2 - sy1)
    # A crossing at fractional column u is left of centre i when ceil(u) <= i.
    u = np.ceil((xc - x0) / cell - 0.5)
    u = np.clip(u, 0, columns).astype(np.int64)
    counts = np.bincount(row * (columns + 1) + u, minlength=rows * (columns + 1))
    toggles = (counts & 1).astype(np.uint8).reshape(rows, columns + 1)
    return np.bitwise_xor.accumulate(toggles, axis=1)[:, :columns].astype(bool)


def _edge_cells(x1, y1, x2, y2, x0, y0, cell, rows, columns, drop_outside: bool = False) -> np.ndarray:
    mark = np.zeros((rows, columns), dtype=bool)
    if len(x1) == 0:
        return mark
    length = np.hypot(x2 - x1, y2 - y1)
    steps = np.ceil(length / (cell * 0.5)).astype(np.int64) + 1  # samples per segment, ends included
    total = int(steps.sum())
    segment = np.repeat(np.arange(len(x1)), steps)
    position = np.arange(total) - np.repeat(np.cumsum(steps) - steps, steps)
    t = position / np.maximum(steps[segment] - 1, 1)
    sx = x1[segment] + t * (x2[segment] - x1[segment])
    sy = y1[segment] + t * (y2[segment] - y1[segment])
    column = np.floor((sx - x0) / cell).astype(np.int64)
    row = np.floor((sy - y0) / cell).astype(np.int64)
    if drop_outside:
        # Samples up to one cell off the grid still mark the border cells next to them.
        keep = (column >= -1) & (column <= columns) & (row >= -1) & (row <= rows)
        column, row = column[keep], row[keep]
    column = np.clip(column, 0, columns - 1)
    row = np.clip(row, 0, rows - 1)
    mark[row, column] = True
    # Dilate by one cell (3 x 3).
    grown = mark.copy()
    grown[1:, :] |= mark[:-1, :]
    grown[:-1, :] |= mark[1:, :]
    wide = grown.copy()
    wide[:, 1:] |= grown[:, :-1]
    wide[:, :-1] |= grown[:, 1:]
    return wide


BAND_STEPS = 8  # how far (in cells) the distance band around EDGE cells is computed


def dilate(mask: np.ndarray) -> np.ndarray:
    """One step of 3 x 3 (Chebyshev) dilation."""
    grown = mask.copy()
    grown[1:, :] |= mask[:-1, :]
    grown[:-1, :] |= mask[1:, :]
    wide = grown.copy()
    wide[:, 1:] |= grown[:, :-1]
    wide[:, :-1] |= grown[:, 1:]
    return wide


class Grid:
    """A raster with its exact geometry, answering "inside" and "within d km of the land".

    - INSIDE cell: inside.
    - EDGE cell: within ``edge_km`` of the boundary (see below), so within any buffer at
      least that wide without a test; otherwise the exact (GEOS) test decides.
    - OUTSIDE cell k cells (Chebyshev) from an EDGE cell: outside, and within
      (k + 2) * sqrt(2) cells of the boundary: a boundary sample lies in the 3 x 3 cells
      around that EDGE cell. A degree is at most EARTH_KM_PER_DEGREE km in any direction.
    """

    KM_PER_DEGREE = 111.195

    def __init__(self, raster: Raster, geometry):
        self.raster = raster
        self.geometry = geometry  # prepared shapely geometry, exact for points on the raster
        self._band = None

    @property
    def cell_km(self) -> float:
        return np.sqrt(2.0) * self.raster.cell * self.KM_PER_DEGREE

    @property
    def edge_km(self) -> float:
        return 2.0 * self.cell_km

    def steps_within(self, km: float) -> int:
        """Largest band step k whose cells are all within ``km`` of the land (-1: none)."""
        return min(int(np.floor(km / self.cell_km)) - 2, BAND_STEPS)

    @property
    def band(self) -> np.ndarray:
        """Chebyshev distance in cells from the nearest EDGE cell (0 on it), capped."""
        if self._band is None:
            edge = self.raster.grid == EDGE
            band = np.full(edge.shape, BAND_STEPS + 1, dtype=np.uint8)
            band[edge] = 0
            reached = edge
            for step in range(1, BAND_STEPS + 1):
                grown = dilate(reached)
                band[grown & ~reached] = step
                reached = grown
            self._band = band
        return self._band

    def classify(self, x: np.ndarray, y: np.ndarray, near_km: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """(inside, near) for points on this raster: exactly inside; not known to be inside
        but surely within ``near_km`` of the land."""
        import shapely

        rows, columns = self.raster.grid.shape
        column = np.clip(((x - self.raster.x0) / self.raster.cell).astype(np.int64), 0, columns - 1)
        row = np.clip(((y - self.raster.y0) / self.raster.cell).astype(np.int64), 0, rows - 1)
        kind = self.raster.grid[row, column]
        inside = kind == INSIDE
        near = np.zeros(len(x), dtype=bool)
        edge = kind == EDGE
        if edge.any():
            if near_km >= self.edge_km:
                near |= edge
            else:
                inside[edge] = shapely.contains_xy(self.geometry, x[edge], y[edge])
        steps = self.steps_within(near_km)
        if steps >= 1:
            out = kind == OUTSIDE
            if out.any():
                near[out] = self.band[row[out], column[out]] <= steps
        return inside, near & ~inside
