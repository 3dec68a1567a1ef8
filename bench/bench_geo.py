"""Time the country test (coordinates vs stated countryCode) against a plain geopandas sjoin.

    python bench/bench_geo.py [--records 1000000] [--repeat 3] [--corpus PATH] [--jitter DEG]

The points are real: every record of the corpus files below that has decimal coordinates
and an ISO countryCode (GBIF downloads of Madagascar lemurs and Turkish records, OBIS and
IOOS marine datasets, Belgian plant and snail surveys, US museum records, ...), replicated
to ``--records``. Two runs:

- ``replicated``: the real points as they are, repeated (real datasets repeat points too);
- ``jittered``: each copy moved by up to ``--jitter`` degrees (default 0.01, ~1 km), so
  that no two points are the same and nothing can be answered from a cache of points.

Contenders, timed on the same points in the same process, best of ``--repeat``:

- ``dwcqa.in_country``: ``dwcqa.geo.in_country(lat, lon, codes, buffer_m=3000)``, the whole
  test (land, 3 km buffer, 200 nm nearest coast at sea, GBIF's tolerated pairs). Timed cold
  (first call after loading the boundaries: every raster, tile, distance index and marine
  cell it needs is built then, and timed) and warm (best of ``--repeat`` later calls: what
  was built stays in the process, as in the app or a batch over several archives).
- ``geopandas.sjoin``: ``geopandas.sjoin(points, countries, predicate="within")`` of the
  same points with Natural Earth countries (only the join: the points GeoDataFrame is built
  before timing; it answers less: no buffer, nothing at sea, no pairs).

Boundaries are loaded (and the 1M-point arrays built) before any timing. Wall and CPU
times are both printed: on a shared machine the CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"

# Corpus files with decimalLatitude, decimalLongitude and countryCode (paths in the corpus).
SOURCES = (
    "kurator-validation/packages/kurator_dwca/data/GBIFLemurs.zip",
    "gbif-pipelines/gbif/coordinator/tasks-integration-tests/src/test/resources/dataset/dwca/35d24686-95c7-43f2-969f-611bba488512",
    "gbif-pipelines/gbif/coordinator/tasks-integration-tests/src/test/resources/dataset/dwca/35d24686-95c7-43f2-969f-611bba488512/verbatim.txt",
    "python-dwca-reader/dwca/test/sample_files/gbif-results.zip",
    "ioos-bio_data_guide/datasets/caricoos_sargassum/data/occur.csv",
    "ioos-bio_data_guide/datasets/AMBON_zooplankton/data/processed/AMBON2017_zooplankton_Event_DWC_mb.csv",
    "cioos-pyobistools/example_notebooks/test_occurrence_core_check_fields.csv",
    "cioos-pyobistools/example_notebooks/test_event_core.csv",
    "bbp-landsnails-occurrences/data/processed/occurrence.csv",
    "riparias-anb-plants-occurrences/data/processed/event.csv",
    "kurator-validation/src/test/resources/org/kurator/validation/data/onslow_example.csv",
    "gbif-pipelines/gbif/coordinator/tasks-integration-tests/src/test/resources/dataset/dwca/9997fa4e-54c1-43ea-9856-afa90204c162/event.txt",
    "gbif-pipelines/livingatlas/pipelines/src/test/resources/clustering/dr1/occurrence.csv",
    "gbif-pipelines/livingatlas/pipelines/src/test/resources/clustering/dr2/occurrence.csv",
    "gbif-pipelines/gbif/validator/validator-integration-tests/src/test/resources/file.csv",
)


def real_points(corpus: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    from dwcqa.archive import read
    from dwcqa.geo.coordinates import read_values
    from dwcqa.geo.countries import countries
    from dwcqa.terms import DWC

    known = countries()
    lats, lons, codes, counts = [], [], [], {}
    for rel in SOURCES:
        path = corpus / rel
        if not path.exists():
            continue
        table = read(path).core
        lat_col, lon_col, cc_col = (table.column(DWC + t) for t in ("decimalLatitude", "decimalLongitude", "countryCode"))
        if lat_col is None or lon_col is None or cc_col is None:
            continue
        lat, _, _ = read_values(lat_col, table.records, "lat")
        lon, _, _ = read_values(lon_col, table.records, "lon")
        code = cc_col.fillna("").str.strip().str.upper().to_numpy(dtype=object)
        keep = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180) & ~((lat == 0) & (lon == 0))
        keep &= np.array([c in known for c in code], dtype=bool)
        lats.append(lat[keep])
        lons.append(lon[keep])
        codes.append(code[keep])
        counts[rel] = int(keep.sum())
    return np.concatenate(lats), np.concatenate(lons), np.concatenate(codes), counts


def best(fn, repeat: int) -> tuple[float, float]:
    """(best wall time, CPU time of that run) over ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        runs.append((time.perf_counter() - start, time.process_time() - cpu))
    return min(runs)


def timed(fn) -> tuple[float, float]:
    return best(fn, 1)


def forget(boundaries) -> None:
    """Drop everything built on first use (rasters, tiles, distance indexes, cell caches)."""
    from dwcqa.geo import boundaries as B

    B._TILES.clear()
    for name in ("_edge_indexes", "_marine_cells", "world", "_parts"):
        boundaries.__dict__.pop(name, None)
    for unit in boundaries.units:
        for name in ("pieces", "edges", "geometry"):
            unit.__dict__.pop(name, None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--jitter", type=float, default=0.01)
    parser.add_argument("--no-sjoin", action="store_true", help="skip the geopandas baseline")
    args = parser.parse_args(argv)

    import geopandas

    from dwcqa.geo.boundaries import load_boundaries, natural_earth_frame
    from dwcqa.geo.locate import in_country, match_country

    lat0, lon0, code0, counts = real_points(args.corpus)
    if len(lat0) == 0:
        print(f"no corpus points under {args.corpus}")
        return 1
    print(f"real points: {len(lat0):,} from {len(counts)} files, {len(set(code0))} countries, {len(set(zip(lat0, lon0))):,} distinct")
    repeats = -(-args.records // len(lat0))
    n = args.records
    base = {
        "lat": np.tile(lat0, repeats)[:n],
        "lon": np.tile(lon0, repeats)[:n],
        "code": np.tile(code0, repeats)[:n],
    }
    rng = np.random.default_rng(42)
    jittered = {
        "lat": np.clip(base["lat"] + rng.uniform(-args.jitter, args.jitter, n), -90, 90),
        "lon": np.clip(base["lon"] + rng.uniform(-args.jitter, args.jitter, n), -180, 180),
        "code": base["code"],
    }
    jittered["lat"][:len(lat0)] = lat0[: min(n, len(lat0))]  # the first copy stays exact
    jittered["lon"][:len(lat0)] = lon0[: min(n, len(lat0))]

    start = time.perf_counter()
    boundaries = load_boundaries()
    countries_frame = natural_earth_frame()[["ISO_A2_EH", "geometry"]]
    print(f"boundaries loaded in {time.perf_counter() - start:.2f} s (not timed below)")

    for label, points in (("replicated", base), ("jittered", jittered)):
        lat, lon, code = points["lat"], points["lon"], points["code"]
        print(f"\n== {label}: {n:,} points ({len(set(zip(lat[:200000], lon[:200000]))):,} distinct in the first 200k)")
        forget(boundaries)
        result = None

        def ours():
            nonlocal result
            result = in_country(lat, lon, code, 3000, boundaries)

        cold, cold_cpu = timed(ours)
        warm, warm_cpu = best(ours, args.repeat)
        match = match_country(lat, lon, code, 3000, boundaries)
        how = {name: int((match.how == value).sum()) for name, value in (("land", 1), ("near border", 5), ("buffer", 2), ("sea", 3), ("antarctic", 4))}
        print(f"dwcqa.in_country   cold {cold:6.3f} s  {n / cold:12,.0f} points/s   (CPU {cold_cpu:6.3f} s: {n / cold_cpu:12,.0f} points/s)")
        print(f"dwcqa.in_country   warm {warm:6.3f} s  {n / warm:12,.0f} points/s   (CPU {warm_cpu:6.3f} s: {n / warm_cpu:12,.0f} points/s)")
        print(f"   consistent {result.mean():.2%}  {how}")
        if args.no_sjoin:
            continue
        frame = geopandas.GeoDataFrame({"code": code}, geometry=geopandas.points_from_xy(lon, lat), crs=countries_frame.crs)
        joined = None

        def sjoin():
            nonlocal joined
            joined = geopandas.sjoin(frame, countries_frame, predicate="within", how="left")

        sj, sj_cpu = best(sjoin, max(1, min(args.repeat, 2)))
        within = joined.groupby(level=0)["ISO_A2_EH"].first().reindex(frame.index)
        agree = float((within.to_numpy() == code).mean())
        print(f"geopandas.sjoin         {sj:6.3f} s  {n / sj:12,.0f} points/s   (CPU {sj_cpu:6.3f} s: {n / sj_cpu:12,.0f} points/s)")
        print(f"   in stated country (land only, ISO_A2_EH): {agree:.2%}")
        print(f"speed-up, wall: warm {sj / warm:.1f}x, cold {sj / cold:.1f}x;  CPU: warm {sj_cpu / warm_cpu:.1f}x, cold {sj_cpu / cold_cpu:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
