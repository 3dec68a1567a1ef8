"""Points against countries (dwcqa/geo/locate.py, raster.py): the known cases of the issue,
the raster's exactness against GEOS, the sea, the antimeridian, a user's boundary file."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from dwcqa.geo import country_of, distance_to_country, in_country, load_boundaries, match_country
from dwcqa.geo.locate import AT_SEA, CONFUSED, DIRECT, EQUIVALENT
from dwcqa.geo.raster import EDGE, INSIDE, rasterize
from dwcqa.geo.boundaries import polygon_rings


@pytest.fixture(scope="module")
def boundaries():
    return load_boundaries()


def one(lat, lon, code, **kw):
    return match_country(np.array([lat]), np.array([lon]), np.array([code], dtype=object), **kw)


# Known cases named in the issue, plus a few of the same kind.
KNOWN = [
    # (label, lat, lon, stated, consistent)
    ("Paris with FR", 48.8566, 2.3522, "FR", True),
    ("Oslo with NO", 59.9139, 10.7522, "NO", True),
    ("Tromsø with NO", 69.6492, 18.9553, "NO", True),
    ("a fish 50 km off Brittany with FR", 48.2, -5.45, "FR", True),
    ("a fish 50 km off Norway with NO", 62.5, 4.3, "NO", True),
    ("1 km across the Rhine, in France, with DE", 48.58, 7.78, "DE", True),
    ("Kehl with DE", 48.5755, 7.8155, "DE", True),
    ("Madrid with FR", 40.4168, -3.7038, "FR", False),
    ("mid-Atlantic with US", 35.0, -40.0, "US", False),
    ("Christmas Island with CX", -10.49, 105.62, "CX", True),
    ("Christmas Island with AU (GBIF: confused pair)", -10.49, 105.62, "AU", True),
    ("Guadeloupe with FR (GBIF: equivalent pair)", 16.25, -61.58, "FR", True),
    ("Pristina with RS (GBIF: equivalent pair XK,RS)", 42.66, 21.16, "RS", True),
    ("Antarctica with AQ", -75.0, 0.0, "AQ", True),
    ("Buenos Aires swapped with AR", -58.38, -34.60, "AR", False),
    ("Buenos Aires with AR", -34.60, -58.38, "AR", True),
    ("Guantanamo base with US", 19.9, -75.15, "US", True),
    ("Guantanamo base with CU", 19.9, -75.15, "CU", True),
]


@pytest.mark.parametrize("label, lat, lon, code, expected", KNOWN, ids=[k[0] for k in KNOWN])
def test_known_cases(label, lat, lon, code, expected):
    assert bool(one(lat, lon, code).consistent[0]) is expected


def test_how_the_known_cases_match():
    assert one(-10.49, 105.62, "AU").kind[0] == CONFUSED  # GBIF will replace AU by CX
    assert one(-10.49, 105.62, "CX").kind[0] == DIRECT
    assert one(16.25, -61.58, "FR").kind[0] == EQUIVALENT
    fish = one(48.2, -5.45, "FR")
    assert fish.how[0] == AT_SEA and fish.kind[0] == DIRECT


def test_the_buffer_is_what_lets_the_rhine_point_pass():
    assert one(48.58, 7.78, "DE", buffer_m=3000).consistent[0]
    assert not one(48.58, 7.78, "DE", buffer_m=0).consistent[0]
    assert one(48.58, 7.78, "FR", buffer_m=0).consistent[0]


def test_in_country_takes_one_code_or_one_per_point():
    lat = np.array([48.8566, 40.4168, np.nan, 95.0])
    lon = np.array([2.3522, -3.7038, 2.0, 2.0])
    assert in_country(lat, lon, "FR").tolist() == [True, False, False, False]
    assert in_country(lat, lon, np.array(["FR", "ES", "FR", "FR"], dtype=object)).tolist() == [True, True, False, False]
    # An unknown code, or none, is never consistent (and not testable).
    m = match_country(lat[:2], lon[:2], np.array(["ZZ", ""], dtype=object))
    assert not m.consistent.any() and not m.testable.any()


def test_country_of_land_then_sea():
    lat = np.array([48.8566, 48.2, 35.0, -10.49, np.nan, 0.0])
    lon = np.array([2.3522, -5.45, -40.0, 105.62, 1.0, 0.0])
    assert country_of(lat, lon).tolist() == ["FR", "FR", "", "CX", "", ""]


def test_equidistance_between_neighbours_at_sea():
    # The English Channel: nearer England, then nearer France.
    lat = np.array([50.55, 49.75])
    lon = np.array([-1.0, -1.0])
    assert country_of(lat, lon).tolist() == ["GB", "FR"]
    assert in_country(lat, lon, np.array(["GB", "FR"], dtype=object)).all()
    assert not in_country(lat, lon, np.array(["FR", "GB"], dtype=object), buffer_m=0).any()


def test_the_antimeridian():
    # Fiji straddles 180 degrees; Chukotka and the Aleutians too.
    lat = np.array([-16.8, -16.8, 66.0, 51.9, -16.5])
    lon = np.array([179.95, -179.95, -172.0, 178.5, 180.0])
    codes = np.array(["FJ", "FJ", "RU", "US", "FJ"], dtype=object)
    assert in_country(lat, lon, codes).tolist() == [True, True, True, True, True]


def test_distance_to_country():
    lat = np.array([48.58, 40.4168, 48.8566])
    lon = np.array([7.78, -3.7038, 2.3522])
    d = distance_to_country(lat, lon, np.array(["DE", "FR", "FR"], dtype=object))
    assert 0.5 < d[0] < 3.0
    assert 300 < d[1] < 500
    assert d[2] == 0.0


@pytest.mark.parametrize("code", ["FR", "NO", "CA", "MG", "ID", "CL"])
def test_raster_agrees_with_geos_everywhere(boundaries, code):
    """Rasters only answer where a cell is wholly in or out; elsewhere GEOS decides."""
    rng = np.random.default_rng(7)
    for unit_index in boundaries.units_of(code)[:1]:
        unit = boundaries.units[unit_index]
        minx, miny, maxx, maxy = unit.bounds
        x = rng.uniform(minx, maxx, 200_000)
        y = rng.uniform(miny, maxy, 200_000)
        truth = shapely.contains_xy(unit.geometry, x, y)
        assert np.array_equal(unit.contains(x, y), truth)
        raster = rasterize(polygon_rings(unit.parts), unit.bounds)
        kind = raster.lookup(x, y)
        assert not np.any(truth & (kind == 0))  # never OUTSIDE where GEOS says inside
        assert np.all(truth[kind == INSIDE])
        assert np.mean(kind == EDGE) < 0.1


@pytest.mark.parametrize("code", ["MG", "US", "BE"])
def test_near_cells_are_within_the_distance_they_promise(boundaries, code):
    """Points taken as within the buffer without an exact test (EDGE cells, the band) are."""
    unit = boundaries.units[boundaries.units_of(code)[0]]
    rng = np.random.default_rng(3)
    minx, miny, maxx, maxy = unit.bounds
    if maxx - minx > 60:  # the USA: a window on the East Coast
        minx, miny, maxx, maxy = -80.0, 30.0, -70.0, 42.0
    x = rng.uniform(minx, maxx, 100_000)
    y = rng.uniform(miny, maxy, 100_000)
    inside, near = unit.contains_or_near(x, y, 3.0)
    assert np.array_equal(inside, shapely.contains_xy(unit.geometry, x, y) & inside)
    assert near.sum() > 0
    # True distance (km, local scale) from the near points to the boundary.
    boundary = unit.geometry.boundary
    nearest = shapely.shortest_line(boundary, shapely.points(x[near], y[near]))
    ends = shapely.get_coordinates(nearest).reshape(-1, 2, 2)
    dx = (ends[:, 1, 0] - ends[:, 0, 0]) * np.cos(np.radians(ends[:, 1, 1]))
    dy = ends[:, 1, 1] - ends[:, 0, 1]
    assert np.max(np.hypot(dx, dy)) * 111.195 <= 3.0


def test_a_boundary_file_of_ones_own(tmp_path):
    """Two squares: 'AA' land+waters as FR, 'BB' as NO; used as is, no nearest-coast rule."""
    path = tmp_path / "zones.geojson"
    features = [
        {"type": "Feature", "properties": {"iso": "FR"}, "geometry": shapely.geometry.mapping(shapely.box(0, 40, 10, 50))},
        {"type": "Feature", "properties": {"iso": "NOR"}, "geometry": shapely.geometry.mapping(shapely.box(0, 60, 10, 70))},
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    own = load_boundaries(str(path), "iso")
    assert own.marine is False and {u.code for u in own.units} == {"FR", "NO"}
    lat = np.array([45.0, 65.0, 45.0, 39.99])
    lon = np.array([5.0, 5.0, 5.0, 5.0])
    codes = np.array(["FR", "NO", "NO", "FR"], dtype=object)
    assert in_country(lat, lon, codes, buffer_m=0, boundaries=own).tolist() == [True, True, False, False]
    assert in_country(lat, lon, codes, buffer_m=3000, boundaries=own).tolist() == [True, True, False, True]
    assert country_of(lat, lon, own).tolist() == ["FR", "NO", "FR", ""]


def test_many_points_deduplicated_give_the_same_answer_as_one_by_one():
    rng = np.random.default_rng(11)
    base_lat = np.array([48.8566, 48.2, 40.4168, -10.49, 48.58, 35.0])
    base_lon = np.array([2.3522, -5.45, -3.7038, 105.62, 7.78, -40.0])
    base_code = np.array(["FR", "FR", "FR", "AU", "DE", "US"], dtype=object)
    pick = rng.integers(0, len(base_lat), 60_000)
    m = match_country(base_lat[pick], base_lon[pick], base_code[pick])
    single = match_country(base_lat, base_lon, base_code)
    assert np.array_equal(m.consistent, single.consistent[pick])
    assert np.array_equal(m.kind, single.kind[pick])


def test_shortcuts_give_the_answers_of_the_exact_path(monkeypatch):
    """The raster band, EDGE cells taken as near, and whole marine cells are conservative
    shortcuts: with them all switched off (every point measured), the answers are the same."""
    import dwcqa.geo.locate as L
    from dwcqa.geo.raster import Grid

    rng = np.random.default_rng(5)
    spots = [(48.4, -4.9, "FR"), (50.3, -1.2, "GB"), (62.5, 5.0, "NO"), (-10.5, 105.7, "AU"), (18.3, -66.2, "US"), (41.5, 2.2, "ES"), (54.6, -5.9, "IE")]
    lat = np.concatenate([s[0] + rng.uniform(-0.6, 0.6, 3000) for s in spots])
    lon = np.concatenate([s[1] + rng.uniform(-0.6, 0.6, 3000) for s in spots])
    codes = np.concatenate([np.full(3000, s[2], dtype=object) for s in spots])
    fast = match_country(lat, lon, codes)
    monkeypatch.setattr(L, "MARINE_CELLS", ())
    monkeypatch.setattr(Grid, "steps_within", lambda self, km: -1)
    monkeypatch.setattr(Grid, "edge_km", property(lambda self: float("inf")))
    exact = match_country(lat, lon, codes)
    assert np.array_equal(fast.consistent, exact.consistent)
    assert np.array_equal(fast.kind, exact.kind)
    assert 0.05 < np.mean(fast.how == L.AT_SEA) and 0.01 < np.mean(fast.how == L.NEAR_BORDER)
    assert 0.05 < np.mean(~fast.consistent)  # some points are in the wrong country
