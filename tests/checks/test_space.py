"""Space checks (dwcqa/checks/space.py) and geography_details (dwcqa/geo/details.py).

Small tables written to a temporary folder test one rule each; the sample archive's planted
problems must be found on their rows (and nowhere else); real corpus records that GBIF has
already verified must (almost) never be flagged COUNTRY_COORDINATE_MISMATCH.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dwcqa.archive import read
from dwcqa.checks.registry import all_checks, get
from dwcqa.checks.runner import run
from dwcqa.geo import geography_details

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
MODULE = "dwcqa.checks.space"
ISSUE = "http://rs.gbif.org/terms/1.0/issue"

EXPECTED = {
    # id: (severity, BDQ label or None)
    "COORDINATE_INVALID": ("error", None),
    "COORDINATE_OUT_OF_RANGE": ("error", None),
    "ZERO_COORDINATE": ("error", "VALIDATION_COORDINATES_NOTZERO"),
    "COORDINATE_INCOMPLETE": ("warning", None),
    "COORDINATE_FROM_VERBATIM": ("info", "AMENDMENT_COORDINATES_FROM_VERBATIM"),
    "COORDINATE_LOW_PRECISION": ("info", None),
    "COORDINATE_PRECISION_INVALID": ("warning", None),
    "COORDINATE_UNCERTAINTY_METERS_INVALID": ("warning", "VALIDATION_COORDINATEUNCERTAINTY_INRANGE"),
    "GEODETIC_DATUM_INVALID": ("warning", "VALIDATION_GEODETICDATUM_STANDARD"),
    "GEODETIC_DATUM_ASSUMED_WGS84": ("info", "AMENDMENT_GEODETICDATUM_ASSUMEDDEFAULT"),
    "COUNTRY_INVALID": ("warning", "VALIDATION_COUNTRYCODE_STANDARD"),
    "COUNTRY_CODE_NOT_STANDARD": ("info", "AMENDMENT_COUNTRYCODE_STANDARDIZED"),
    "COUNTRY_MISMATCH": ("warning", "VALIDATION_COUNTRYCOUNTRYCODE_CONSISTENT"),
    "COUNTRY_COORDINATE_MISMATCH": ("error", "VALIDATION_COORDINATESCOUNTRYCODE_CONSISTENT"),
    "PRESUMED_SWAPPED_COORDINATE": ("warning", "AMENDMENT_COORDINATES_TRANSPOSED"),
    "PRESUMED_NEGATED_LATITUDE": ("warning", "AMENDMENT_COORDINATES_TRANSPOSED"),
    "PRESUMED_NEGATED_LONGITUDE": ("warning", "AMENDMENT_COORDINATES_TRANSPOSED"),
    "COUNTRY_DERIVED_FROM_COORDINATES": ("info", "AMENDMENT_COUNTRYCODE_FROM_COORDINATES"),
    "COORDINATE_COUNTRY_CENTROID": ("warning", "ISSUE_COORDINATES_CENTEROFCOUNTRY"),
    "LANDLOCKED_COUNTRY_AT_SEA": ("warning", None),
    "CONTINENT_INVALID": ("warning", None),
    "CONTINENT_COUNTRY_MISMATCH": ("warning", None),
    "CONTINENT_COORDINATE_MISMATCH": ("warning", None),
}


def space_checks():
    return [c for c in all_checks() if c.function.__module__ == MODULE]


def table(tmp_path: Path, columns: dict[str, list[str]]):
    """A one-table archive (tab-separated, header of Darwin Core names) read by dwcqa."""
    path = tmp_path / "occurrence.txt"
    width = max(len(v) for v in columns.values())
    names = ["dwc:occurrenceID", *("dwc:" + k for k in columns)]
    rows = [[f"o{i}", *(v[i] for v in columns.values())] for i in range(width)]
    path.write_text("\n".join("\t".join(r) for r in [names, *rows]) + "\n", encoding="utf-8")
    return read(path)


def masks(archive, *ids, options=None):
    results = run(archive, [get(i) for i in ids] if ids else space_checks(), options=options or {})
    assert not results.failures, results.failures
    return results.masks


def flagged(mask) -> list[int]:
    return np.flatnonzero(mask).tolist()


# -- the catalogue -------------------------------------------------------------------------


def test_every_space_check_is_registered_as_declared():
    checks = {c.id: c for c in space_checks()}
    assert set(checks) == set(EXPECTED)
    for check_id, (severity, label) in EXPECTED.items():
        check = checks[check_id]
        assert check.dimension == "space" and check.level == "record"
        assert check.severity == severity, check_id
        assert (check.bdq.label if check.bdq else None) == label, check_id
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", check.explanation) if s]
        assert 2 <= len(sentences) <= 4, (check_id, len(sentences))
        assert check.terms


def test_bdq_labels_and_guids_are_the_published_ones():
    from corpus import corpus_or_skip

    corpus = corpus_or_skip()
    tests = pd.read_csv(corpus / "tdwg-bdq/tg2/_review/dist/bdqtest_singlerecord_tests_current.csv")
    published = dict(zip(tests["Label"], tests["term_localName"]))
    for check in space_checks():
        if check.bdq:
            assert published[check.bdq.label] == check.bdq.guid, check.id


def test_checks_do_not_apply_without_their_terms(tmp_path):
    archive = table(tmp_path, {"scientificName": ["Abies alba"]})
    results = run(archive, space_checks())
    assert not results.failures and results.masks == {}


# -- the issue's known cases, through the runner ------------------------------------------------


def test_known_cases_as_records(tmp_path):
    rows = [
        # lat, lon, countryCode
        ("48.8566", "2.3522", "FR"),  # 0 Paris
        ("59.9139", "10.7522", "NO"),  # 1 Oslo
        ("-10.49", "105.62", "AU"),  # 2 Christmas Island: GBIF makes it CX
        ("-64.18", "-31.42", "AR"),  # 3 Córdoba, Argentina, swapped
        ("48.2", "-5.45", "FR"),  # 4 a fish 50 km off Brittany
        ("0", "0", "FR"),  # 5 zero
        ("48.58", "7.78", "DE"),  # 6 1 km across the Rhine
        ("40.4168", "-3.7038", "FR"),  # 7 Madrid
        ("-48.8566", "2.3522", "FR"),  # 8 Paris, latitude negated
        ("48.8566", "-2.3522", "FR"),  # 9 Paris, longitude negated: Brittany coast? no: Rennes area
        ("-34.60", "58.38", "AR"),  # 10 Buenos Aires, longitude negated... and more
    ]
    archive = table(tmp_path, {"decimalLatitude": [r[0] for r in rows], "decimalLongitude": [r[1] for r in rows], "countryCode": [r[2] for r in rows]})
    m = masks(archive)
    assert flagged(m["ZERO_COORDINATE"]) == [5]
    assert 3 in flagged(m["PRESUMED_SWAPPED_COORDINATE"])
    assert flagged(m["PRESUMED_NEGATED_LATITUDE"]) == [8]
    assert 10 in flagged(m["PRESUMED_NEGATED_LONGITUDE"])
    assert flagged(m["COUNTRY_COORDINATE_MISMATCH"]) == [7]
    assert flagged(m["COUNTRY_DERIVED_FROM_COORDINATES"]) == [2]
    # Paris, Oslo, the fish, the Rhine point: nothing about the country.
    for row in (0, 1, 4, 6):
        country_findings = [cid for cid in ("COUNTRY_COORDINATE_MISMATCH", "PRESUMED_SWAPPED_COORDINATE", "PRESUMED_NEGATED_LATITUDE", "PRESUMED_NEGATED_LONGITUDE") if m[cid][row]]
        assert country_findings == [], (row, country_findings)
    details = geography_details(archive)
    assert details.loc[3, "fix"] == "swap"
    assert (details.loc[3, "fixed_latitude"], details.loc[3, "fixed_longitude"]) == (-31.42, -64.18)
    assert details.loc[8, "fix"] == "negate latitude"
    assert details.loc[2, "country_at_point"] == "CX" and details.loc[2, "stated_country"] == "AU"
    assert details.loc[7, "country_at_point"] == "ES" and 300 < details.loc[7, "distance_to_stated_km"] < 500


def test_the_tolerance_buffer_is_an_option(tmp_path):
    archive = table(tmp_path, {"decimalLatitude": ["48.58"], "decimalLongitude": ["7.78"], "countryCode": ["DE"]})
    assert not masks(archive, "COUNTRY_COORDINATE_MISMATCH")["COUNTRY_COORDINATE_MISMATCH"][0]
    assert masks(archive, "COUNTRY_COORDINATE_MISMATCH", options={"spatial_buffer_m": 0})["COUNTRY_COORDINATE_MISMATCH"][0]


def test_verbatim_coordinates_are_interpreted_and_tested(tmp_path):
    archive = table(
        tmp_path,
        {
            "decimalLatitude": ["", "", "", "12°30'S"],
            "decimalLongitude": ["", "", "", "49.29"],
            "verbatimLatitude": ["48°51'24\"N", "43°42'N", "", ""],
            "verbatimLongitude": ["2°21'08\"E", "7°16'W", "", ""],  # Paris; Nice with W for E
            "verbatimCoordinates": ["", "", "40 25 N, 3 42 W", ""],
            "countryCode": ["FR", "FR", "FR", "MG"],
        },
    )
    m = masks(archive)
    assert flagged(m["COORDINATE_FROM_VERBATIM"]) == [0, 1, 2]
    assert flagged(m["PRESUMED_NEGATED_LONGITUDE"]) == [1]  # west instead of east
    assert flagged(m["COUNTRY_COORDINATE_MISMATCH"]) == [2]  # Madrid, from verbatimCoordinates
    assert flagged(m["COORDINATE_INVALID"]) == [3]  # DMS in decimalLatitude
    details = geography_details(archive)
    assert details.loc[0, "from_verbatim"] and details.loc[0, "coordinate_source"] == "verbatimLatitude/verbatimLongitude"
    assert details.loc[0, "latitude"] == pytest.approx(48 + 51 / 60 + 24 / 3600)
    assert details.loc[2, "coordinate_source"] == "verbatimCoordinates"
    assert details.loc[3, "latitude"] == pytest.approx(-12.5)  # read as GBIF does


def test_coordinate_value_checks(tmp_path):
    archive = table(
        tmp_path,
        {
            "decimalLatitude": ["91", "45", "12.5", "", "48.85", "48.8566", "123.4"],
            "decimalLongitude": ["200", "12.5", "", "2.35", "2.35", "2.3522", "10"],
            "coordinateUncertaintyInMeters": ["0", "30 m", "", "5", "", "10", ""],
            "coordinatePrecision": ["2", "0.0001", "x", "", "", "", ""],
            "countryCode": ["FR", "IT", "FR", "FR", "FR", "FR", "FR"],
        },
    )
    m = masks(archive)
    # Row 6: latitude 123.4 swaps into range, but the swapped point is not in France: out of range.
    assert flagged(m["COORDINATE_OUT_OF_RANGE"]) == [0, 6]
    assert flagged(m["PRESUMED_SWAPPED_COORDINATE"]) == []
    assert flagged(m["COORDINATE_INCOMPLETE"]) == [2, 3]
    assert flagged(m["COORDINATE_UNCERTAINTY_METERS_INVALID"]) == [0, 1]
    assert flagged(m["COORDINATE_PRECISION_INVALID"]) == [0, 2]
    assert flagged(m["COORDINATE_LOW_PRECISION"]) == [1, 4]  # <= two decimals, no (usable) uncertainty
    assert flagged(m["GEODETIC_DATUM_ASSUMED_WGS84"]) == [1, 4, 5]


def test_range_swaps_are_presumed_without_a_country(tmp_path):
    archive = table(tmp_path, {"decimalLatitude": ["123.4"], "decimalLongitude": ["10"]})
    m = masks(archive)
    assert flagged(m["PRESUMED_SWAPPED_COORDINATE"]) == [0]
    assert flagged(m["COORDINATE_OUT_OF_RANGE"]) == []


def test_country_checks(tmp_path):
    archive = table(
        tmp_path,
        {
            "countryCode": ["FR", "fr", "FRA", "XX", "DK", "", "NO"],
            "country": ["France", "Frankreich", "", "", "Greenland", "Atlantis", "Norge"],
        },
    )
    m = masks(archive)
    assert flagged(m["COUNTRY_INVALID"]) == [3, 5]
    assert flagged(m["COUNTRY_CODE_NOT_STANDARD"]) == [1, 2]
    assert flagged(m["COUNTRY_MISMATCH"]) == [4]
    assert "COUNTRY_COORDINATE_MISMATCH" not in m  # no coordinates at all
    details = geography_details(archive)
    assert details.loc[2, "standard_country_code"] == "FR"


def test_country_derived_when_missing(tmp_path):
    archive = table(tmp_path, {"decimalLatitude": ["48.8566", "35.0", "-10.49"], "decimalLongitude": ["2.3522", "-40.0", "105.62"], "countryCode": ["", "", "AU"]})
    m = masks(archive)
    assert flagged(m["COUNTRY_DERIVED_FROM_COORDINATES"]) == [0, 2]
    details = geography_details(archive)
    assert details.loc[0, "country_at_point"] == "FR"


def test_datum_checks(tmp_path):
    archive = table(
        tmp_path,
        {
            "decimalLatitude": ["48.85", "48.85", "48.85", "48.85", "48.85"],
            "decimalLongitude": ["2.35", "2.35", "2.35", "2.35", "2.35"],
            "geodeticDatum": ["WGS84", "EPSG:4326", "my GPS", "", "NAD27"],
        },
    )
    m = masks(archive)
    assert flagged(m["GEODETIC_DATUM_INVALID"]) == [2]
    assert flagged(m["GEODETIC_DATUM_ASSUMED_WGS84"]) == [3]


def test_continent_checks(tmp_path):
    archive = table(
        tmp_path,
        {
            "decimalLatitude": ["48.8566", "48.8566", "55.75", "48.8566", "41.0"],
            "decimalLongitude": ["2.3522", "2.3522", "37.62", "2.3522", "29.0"],
            "countryCode": ["FR", "FR", "RU", "FR", "TR"],
            "continent": ["Europe", "Asia", "Asia", "Atlantis", "Europa"],
        },
    )
    m = masks(archive)
    assert flagged(m["CONTINENT_INVALID"]) == [3]
    assert flagged(m["CONTINENT_COUNTRY_MISMATCH"]) == [1]  # RU and TR span two continents
    assert flagged(m["CONTINENT_COORDINATE_MISMATCH"]) == [1]


def test_centroid_and_landlocked(tmp_path):
    from dwcqa.geo.boundaries import load_boundaries
    from dwcqa.geo.centroids import country_centres

    centres, _ = country_centres(load_boundaries())["BO"]
    clat, clon = centres[0]
    archive = table(
        tmp_path,
        {
            "decimalLatitude": [f"{clat:.4f}", f"{clat:.4f}", "-16.5", "43.0", "46.5"],
            "decimalLongitude": [f"{clon:.4f}", f"{clon:.4f}", "-68.15", "-30.0", "9.8"],
            "coordinateUncertaintyInMeters": ["", "600000", "", "", ""],
            "countryCode": ["BO", "BO", "BO", "CH", "CH"],
        },
    )
    m = masks(archive)
    assert flagged(m["COORDINATE_COUNTRY_CENTROID"]) == [0]  # row 1 says it is that rough
    assert flagged(m["LANDLOCKED_COUNTRY_AT_SEA"]) == [3]
    assert flagged(m["COUNTRY_COORDINATE_MISMATCH"]) == [3]


def test_details_frame_columns(tmp_path):
    from dwcqa.geo.details import COLUMNS

    archive = table(tmp_path, {"decimalLatitude": ["48.8566", "0"], "decimalLongitude": ["2.3522", "0"], "countryCode": ["FR", "FR"]})
    details = geography_details(archive)
    assert tuple(details.columns) == COLUMNS
    assert details.index.tolist() == [0, 1]  # row 0: WGS84 assumed (info)
    assert details.loc[1, "findings"].split(";") == ["GEODETIC_DATUM_ASSUMED_WGS84", "ZERO_COORDINATE"]
    assert details.loc[1, "at_sea"] and details.loc[1, "country_at_point"] == ""
    only = geography_details(archive, rows=np.array([0]))
    assert only.index.tolist() == [0] and only.loc[0, "distance_to_stated_km"] == 0.0


# -- the sample archive ----------------------------------------------------------------------------


PLANTED = {
    "COUNTRY_COORDINATE_MISMATCH": "countrycode_coord_mismatch",
    "PRESUMED_SWAPPED_COORDINATE": "coord_swapped",
    "PRESUMED_NEGATED_LATITUDE": "lat_negated",
    "PRESUMED_NEGATED_LONGITUDE": "lon_negated",
    "ZERO_COORDINATE": "coord_zero",
    "COORDINATE_OUT_OF_RANGE": "coord_out_of_range",
    "COORDINATE_INVALID": "coord_dms_string",
    "COORDINATE_INCOMPLETE": "coord_one_missing",
    "COUNTRY_MISMATCH": "country_name_code_mismatch",
    "COUNTRY_INVALID": "countrycode_invalid",
    "COORDINATE_UNCERTAINTY_METERS_INVALID": "uncertainty_nonpositive",
}


@pytest.fixture(scope="module")
def sample():
    archive = read(SAMPLE)
    results = run(archive, space_checks())
    assert not results.failures
    return archive, results, pd.read_csv(SAMPLE / "planted.csv")


@pytest.mark.parametrize("check_id, problem", PLANTED.items())
def test_sample_planted_problems_are_found_on_their_rows_only(sample, check_id, problem):
    archive, results, key = sample
    found = set(flagged(results.masks[check_id]))
    planted = set(key.loc[key.problem == problem, "row"])
    assert found <= planted, sorted(found - planted)
    missed = sorted(planted - found)
    if missed:
        # What is not flagged is within the tolerance: a few km from the stated country, or at
        # sea in its 200 nm zone (a negated longitude that lands off Spain's own coast).
        details = geography_details(archive, rows=np.array(missed))
        near = details["distance_to_stated_km"] <= 3.0
        at_sea_home = details["at_sea"] & (details["country_at_point"] == details["stated_country"])
        assert (near | at_sea_home).all(), details


def test_sample_clean_records_have_no_country_findings(sample):
    archive, results, key = sample
    planted_geo = set(key.loc[key.problem.isin(list(PLANTED.values())), "row"])
    for check_id in ("COUNTRY_COORDINATE_MISMATCH", "PRESUMED_SWAPPED_COORDINATE", "PRESUMED_NEGATED_LATITUDE", "PRESUMED_NEGATED_LONGITUDE", "LANDLOCKED_COUNTRY_AT_SEA", "COUNTRY_DERIVED_FROM_COORDINATES"):
        assert set(flagged(results.masks[check_id])) <= planted_geo, check_id


# -- real records from the corpus -------------------------------------------------------------------

GBIF_DOWNLOADS = (
    "kurator-validation/packages/kurator_dwca/data/GBIFLemurs.zip",
    "gbif-pipelines/gbif/coordinator/tasks-integration-tests/src/test/resources/dataset/dwca/35d24686-95c7-43f2-969f-611bba488512",
    "python-dwca-reader/dwca/test/sample_files/dwca-malformed-descriptor",
)

REAL_FILES = (
    "python-dwca-reader/dwca/test/sample_files/gbif-results.zip",
    "kurator-validation/src/test/resources/org/kurator/validation/data/onslow_example.csv",
    "kurator-validation/packages/kurator_dwca/data/tests/test_mcz.txt",
    "kurator-validation/packages/kurator_dwca/data/vocabularies/LegacyCoordinates.txt",
    "iobis-obistools/data/converted_csv/abra.csv",
    "ioos-bio_data_guide/datasets/caricoos_sargassum/data/occur.csv",
    "ioos-bio_data_guide/datasets/AMBON_zooplankton/data/processed/AMBON2017_zooplankton_Event_DWC_mb.csv",
    "ioos-bio_data_guide/datasets/hakai_seagrass_data/processed_data/hakaiSeagrassDwcEvent.csv",
    "cioos-pyobistools/example_notebooks/test_occurrence_core_check_fields.csv",
    "cioos-pyobistools/example_notebooks/test_event_core.csv",
    "bbp-landsnails-occurrences/data/processed/occurrence.csv",
    "riparias-anb-plants-occurrences/data/processed/event.csv",
)


def test_false_positives_on_records_gbif_verified():
    """Records GBIF interpreted without COUNTRY_COORDINATE_MISMATCH (and with coordinates and a
    country) must not be flagged by us: the false-positive rate must stay under 1%."""
    from corpus import corpus_or_skip

    from dwcqa.checks.context import Context
    from dwcqa.geo.records import for_context

    corpus = corpus_or_skip()
    verified = flagged_by_us = 0
    for rel in GBIF_DOWNLOADS:
        archive = read(corpus / rel)
        issues = archive.core.column(ISSUE)
        assert issues is not None, rel
        gbif_mismatch = issues.fillna("").str.contains("COUNTRY_COORDINATE_MISMATCH").to_numpy(dtype=bool)
        geo = for_context(Context(archive, {}))
        clean = geo.point & (geo.stated != "") & ~gbif_mismatch
        verified += int(clean.sum())
        flagged_by_us += int((geo.coordinate_mismatch & clean).sum())
        # And where GBIF says mismatch, so do we (or the point is 0,0, flagged ZERO_COORDINATE).
        gbif_rows = gbif_mismatch & geo.coords.usable
        assert np.all(geo.coordinate_mismatch[gbif_rows] | geo.coords.zero[gbif_rows]), rel
    rate = flagged_by_us / verified
    print(f"\nfalse positives: {flagged_by_us} of {verified} GBIF-verified records ({rate:.3%})")
    assert verified > 2000
    assert rate < 0.01


def test_real_records_run_without_failures_and_rarely_mismatch():
    from corpus import corpus_or_skip

    corpus = corpus_or_skip()
    totals = {"records": 0, "tested": 0, "mismatch": 0}
    for rel in REAL_FILES:
        path = corpus / rel
        if not path.exists():
            continue
        archive = read(path)
        results = run(archive, space_checks())
        assert not results.failures, (rel, results.failures)
        totals["records"] += archive.core.records
        mismatch = results.masks.get("COUNTRY_COORDINATE_MISMATCH")
        if mismatch is not None:
            from dwcqa.checks.context import Context
            from dwcqa.geo.records import for_context

            geo = for_context(Context(archive, {}))
            totals["tested"] += int(geo.match.testable.sum())
            totals["mismatch"] += int(mismatch.sum())
    print(f"\nreal records: {totals}")
    assert totals["tested"] > 1000
    assert totals["mismatch"] / totals["tested"] < 0.05
