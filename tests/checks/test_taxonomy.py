"""Taxonomy checks (dwcqa/checks/taxonomy.py): name present, name parts consistent, taxonomic vocabularies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dwcqa.archive import read
from dwcqa.checks.registry import all_checks, get
from dwcqa.checks.runner import run
from dwcqa.checks.taxonomy import polynomial_consistent

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
IDS = ("SCIENTIFIC_NAME_MISSING", "POLYNOMIAL_INCONSISTENT", "TAXON_RANK_INVALID", "TAXON_RANK_NOT_STANDARD",
       "TAXONOMIC_STATUS_INVALID", "TAXONOMIC_STATUS_NOT_STANDARD", "NOMENCLATURAL_CODE_INVALID", "NOMENCLATURAL_CODE_NOT_STANDARD")


def table(tmp_path: Path, columns: dict[str, list[str]]):
    path = tmp_path / "occurrence.txt"
    pd.DataFrame({(k if ":" in k else "dwc:" + k): v for k, v in columns.items()}).to_csv(path, sep="\t", index=False)
    return read(path)


def test_all_taxonomy_checks_are_registered_in_the_taxonomy_dimension():
    for check_id in IDS:
        assert get(check_id).dimension == "taxonomy"


def test_sample_has_no_taxonomy_findings():
    # 35 genus-only records (taxonRank genus, no epithet) are valid; whitespace around names is not
    # a name-part conflict
    results = run(read(SAMPLE), [get(i) for i in IDS])
    assert not results.failures
    for check_id, mask in results.masks.items():
        assert not mask.any(), check_id
    assert "TAXONOMIC_STATUS_INVALID" not in results.masks  # term absent


@pytest.mark.parametrize(
    "name, generic, specific, infra, ok",
    [
        ("Acer palmatum Thunb.", "Acer", "palmatum", None, True),
        ("Acer campestre", None, "platanoides", None, False),
        ("Aus (Bus) cus L.", "Aus", "cus", None, True),
        ("Sorghum x drummondii", None, "drummondii", None, True),
        ("×Achnella caduca Barkworth", "×Achnella", "caduca", None, True),
        ("Equisetum ×litorale Kühlewein", None, "×litorale", None, True),
        ("Proboscidea louisiana (Miller) Thellung subsp. louisiana", None, "louisiana", "louisiana", True),
        ("Abortiporus biennis form. distortus", None, "biennis", "distortus", True),
        ("Tetraodon fluviatilis Hamilton, 1822", None, "Tetraodon fluviatilis", None, False),
        ("Acer", "Quercus", None, None, False),
        ('"Megachile chomskyi Sheffield, 2013"', None, "chomskyi", None, True),
    ],
)
def test_polynomial_rules(name, generic, specific, infra, ok):
    assert polynomial_consistent(name, generic, specific, infra) is ok


def test_polynomial_check_per_record(tmp_path):
    archive = table(
        tmp_path,
        {"occurrenceID": list("abcd"), "scientificName": ["Acer campestre L.", "Acer campestre L.", "", "Quercus robur"],
         "genus": ["Acer", "Acer", "Acer", "Fagus"], "specificEpithet": ["campestre", "platanoides", "x", "robur"]},
    )
    results = run(archive, [get("POLYNOMIAL_INCONSISTENT"), get("SCIENTIFIC_NAME_MISSING")])
    # genus is not compared (for a synonym it holds the accepted genus); an empty name is MISSING
    assert results.masks["POLYNOMIAL_INCONSISTENT"].tolist() == [False, True, False, False]
    assert results.masks["SCIENTIFIC_NAME_MISSING"].tolist() == [False, False, True, False]


def test_taxonomic_vocabularies(tmp_path):
    archive = table(
        tmp_path,
        {"taxonID": list("abcd"), "scientificName": ["Aus bus"] * 4, "taxonRank": ["species", "Species", "sp.", "superspecies-ish"],
         "taxonomicStatus": ["accepted", "valid", "Synonym", "whatever"], "nomenclaturalCode": ["ICZN", "Zoological", "ICBN", "XYZ"]},
    )
    results = run(archive, [get(i) for i in IDS])
    assert not results.failures
    assert results.masks["TAXON_RANK_NOT_STANDARD"].tolist() == [False, True, True, False]
    assert results.masks["TAXON_RANK_INVALID"].tolist() == [False, False, False, True]
    assert results.masks["TAXONOMIC_STATUS_NOT_STANDARD"].tolist() == [False, True, True, False]
    assert results.masks["TAXONOMIC_STATUS_INVALID"].tolist() == [False, False, False, True]
    assert results.masks["NOMENCLATURAL_CODE_NOT_STANDARD"].tolist() == [False, True, True, False]
    assert results.masks["NOMENCLATURAL_CODE_INVALID"].tolist() == [False, False, False, True]
