"""The committed standards tables (dwcqa/standards/) hold the real Darwin Core / GBIF content.

All tests but the last read only the committed files; the last rebuilds them from the shared
corpus and is skipped when the corpus is not there.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
STANDARDS = REPO_ROOT / "dwcqa" / "standards"
BUILD_SCRIPT = REPO_ROOT / "scripts" / "build_standards.py"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
GENERATED = (
    "terms.csv",
    "classes.csv",
    "row_types.csv",
    "row_type_terms.csv",
    "vocabularies.csv",
    "SOURCES.md",
)

DWC = "http://rs.tdwg.org/dwc/terms/"


@cache
def table(name: str) -> tuple[dict, ...]:
    with open(STANDARDS / name, encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def terms_by_uri() -> dict[str, dict]:
    return {row["uri"]: row for row in table("terms.csv")}


def row_types_by_uri() -> dict[str, dict]:
    return {row["row_type"]: row for row in table("row_types.csv")}


def test_headers_are_as_documented():
    expected = {
        "terms.csv": ["uri", "name", "prefix", "namespace", "status", "source"],
        "classes.csv": ["uri", "name"],
        "row_types.csv": ["row_type", "name", "kind", "title", "issued", "definition_file"],
        "row_type_terms.csv": ["row_type", "uri", "name", "required"],
        "vocabularies.csv": ["vocabulary", "uri", "concept", "label", "kind"],
    }
    for name, columns in expected.items():
        with open(STANDARDS / name, encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == columns, name


def test_decimal_latitude_is_a_current_dwc_term():
    matches = [row for row in table("terms.csv") if row["name"] == "decimalLatitude"]
    assert [row["uri"] for row in matches] == [DWC + "decimalLatitude"]
    assert matches[0]["prefix"] == "dwc"
    assert matches[0]["namespace"] == DWC
    assert matches[0]["status"] == "recommended"
    assert matches[0]["source"] == "dwc"


def test_dublin_core_terms_used_by_darwin_core_are_listed():
    terms = terms_by_uri()
    dcterms_names = ("modified", "license", "rightsHolder", "references", "bibliographicCitation", "accessRights")
    for name in dcterms_names:
        row = terms["http://purl.org/dc/terms/" + name]
        assert (row["name"], row["prefix"], row["source"]) == (name, "dcterms", "dwc")
    # Darwin Core's own "type" is the Dublin Core element; dcterms:type is deprecated there
    # but still used by GBIF extensions (e.g. Simple Multimedia).
    assert terms["http://purl.org/dc/elements/1.1/type"]["prefix"] == "dc"
    assert terms["http://purl.org/dc/terms/type"]["status"] == "deprecated"
    assert terms["http://purl.org/dc/terms/type"]["source"] == "gbif-extension"


def test_term_uris_are_unique_and_plausibly_many():
    uris = [row["uri"] for row in table("terms.csv")]
    assert len(uris) == len(set(uris))
    dwc_terms = [row for row in table("terms.csv") if row["source"] == "dwc"]
    assert len(dwc_terms) > 180
    assert sum(row["namespace"] == DWC for row in dwc_terms) > 180
    assert {row["status"] for row in dwc_terms} == {"recommended"}


def test_each_prefix_names_one_namespace():
    pairs = {(row["prefix"], row["namespace"]) for row in table("terms.csv")}
    prefixes = Counter(prefix for prefix, _ in pairs)
    assert [prefix for prefix, count in prefixes.items() if count > 1] == []
    for row in table("terms.csv"):
        assert row["prefix"], row["uri"]
        assert row["uri"] == row["namespace"] + row["uri"][len(row["namespace"]) :]
        assert row["namespace"][-1] in "/#"


def test_extension_only_terms_are_included():
    terms = terms_by_uri()
    assert terms["http://iucn.org/terms/threatStatus"]["source"] == "gbif-extension"
    assert terms["http://rs.gbif.org/terms/1.0/appendixCITES"]["prefix"] == "gbif"
    assert terms["http://rs.iobis.org/obis/terms/measurementTypeID"]["prefix"] == "obis"
    assert terms["http://rs.tdwg.org/ac/terms/accessURI"]["prefix"] == "ac"
    # MIxS URIs end in a number; the name is the one the definition gives.
    assert terms["https://w3id.org/mixs/0001107"]["name"] == "samp_name"


def test_classes_are_the_dwc_classes_and_not_terms():
    classes = {row["uri"]: row["name"] for row in table("classes.csv")}
    for name in ("Occurrence", "Event", "Taxon", "MaterialEntity", "Identification", "MeasurementOrFact"):
        assert classes[DWC + name] == name
    assert not set(classes) & set(terms_by_uri())


def test_core_row_types():
    row_types = row_types_by_uri()
    for name in ("Occurrence", "Event", "Taxon"):
        row = row_types[DWC + name]
        assert (row["name"], row["kind"]) == (name, "core")
        assert row["definition_file"].startswith("core/")


def test_extension_row_types():
    row_types = row_types_by_uri()
    assert row_types["http://rs.gbif.org/terms/1.0/Multimedia"]["kind"] == "extension"
    assert row_types["http://rs.tdwg.org/ac/terms/Multimedia"]["kind"] == "extension"
    assert row_types[DWC + "MeasurementOrFact"]["kind"] == "extension"
    assert row_types["http://rs.iobis.org/obis/terms/ExtendedMeasurementOrFact"]["kind"] == "extension"
    assert row_types["http://rs.gbif.org/terms/1.0/VernacularName"]["kind"] == "extension"
    assert len(row_types) == len(table("row_types.csv"))


def test_row_type_terms_follow_the_newest_definition():
    terms = terms_by_uri()
    row_types = row_types_by_uri()
    by_row_type: dict[str, dict[str, dict]] = {}
    for row in table("row_type_terms.csv"):
        assert row["row_type"] in row_types
        assert row["uri"] in terms
        assert row["required"] in ("true", "false")
        assert row["uri"] not in by_row_type.setdefault(row["row_type"], {})
        by_row_type[row["row_type"]][row["uri"]] = row
    assert set(by_row_type) == set(row_types)

    occurrence = by_row_type[DWC + "Occurrence"]
    assert len(occurrence) > 150
    for name in ("occurrenceID", "basisOfRecord", "decimalLatitude", "eventDate", "scientificName"):
        assert DWC + name in occurrence
    assert occurrence[DWC + "basisOfRecord"]["required"] == "true"
    assert "http://purl.org/dc/terms/modified" in occurrence
    assert by_row_type[DWC + "MeasurementOrFact"][DWC + "measurementType"]["required"] == "true"


def vocabulary(name: str) -> list[dict]:
    return [row for row in table("vocabularies.csv") if row["vocabulary"] == name]


def test_basis_of_record_vocabulary():
    rows = vocabulary("basisOfRecord")
    concepts = {row["concept"] for row in rows}
    assert {"PreservedSpecimen", "HumanObservation", "MaterialSample", "MachineObservation"} <= concepts
    assert {row["uri"] for row in rows} == {"http://rs.tdwg.org/dwc/dwctype/"}
    labels = {(row["concept"], row["label"], row["kind"]) for row in rows}
    assert ("PreservedSpecimen", "PreservedSpecimen", "identifier") in labels
    assert ("PreservedSpecimen", "Preserved Specimen", "preferred") in labels


def test_other_vocabularies():
    assert {row["concept"] for row in vocabulary("occurrenceStatus")} == {"present", "absent"}
    assert {"native", "introduced"} <= {row["concept"] for row in vocabulary("establishmentMeans")}
    assert {"holotype", "paratype"} <= {row["concept"] for row in vocabulary("typeStatus")}
    assert {"male", "female"} <= {row["concept"] for row in vocabulary("sex")}
    assert {"adult", "larva"} <= {row["concept"] for row in vocabulary("lifeStage")}
    assert {"kingdom", "species", "subspecies"} <= {row["concept"] for row in vocabulary("rank")}
    countries = vocabulary("countryCode")
    assert {"DE", "NO", "XK"} <= {row["concept"] for row in countries}
    assert ("DE", "DEU", "alternative") in {(row["concept"], row["label"], row["kind"]) for row in countries}


def test_vocabulary_rows_are_unique_and_well_formed():
    keys = [(row["vocabulary"], row["concept"], row["label"]) for row in table("vocabularies.csv")]
    assert len(keys) == len(set(keys))
    for row in table("vocabularies.csv"):
        assert row["kind"] in ("identifier", "preferred", "alternative")
        assert row["label"] and row["label"] == row["label"].strip()
    uris_per_name: dict[str, set[str]] = {}
    for row in table("vocabularies.csv"):
        uris_per_name.setdefault(row["vocabulary"], set()).add(row["uri"])
    assert all(len(uris) == 1 for uris in uris_per_name.values())


def test_sources_name_the_corpus_commits():
    text = (STANDARDS / "SOURCES.md").read_text(encoding="utf-8")
    assert "4f1cb23b6b2ace64a759a42af19ec92331f9e46f" in text  # tdwg/dwc
    assert "93c099653b5f2ca5f23fe8165cfebec23eb00cc9" in text  # gbif/rs.gbif.org
    assert "CC BY 4.0" in text
    assert "python scripts/build_standards.py" in text


def test_rebuild_from_corpus_is_byte_identical(tmp_path):
    if not (CORPUS / "MANIFEST.md").is_file():
        pytest.skip(f"shared corpus not found at {CORPUS}; cannot rebuild the standards tables")
    subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), str(CORPUS), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(GENERATED)
    for name in GENERATED:
        rebuilt, committed = (tmp_path / name).read_bytes(), (STANDARDS / name).read_bytes()
        assert rebuilt == committed, f"{name} is stale; rerun scripts/build_standards.py"
