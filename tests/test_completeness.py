"""Completeness (dwcqa/completeness.py): per term, per record, and against GBIF's lists."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dwcqa.archive import read
from dwcqa.completeness import EVENT, OCCURRENCE, RECOMMENDED, REQUIRED, SOURCES, TAXON, completeness, requirements
from dwcqa.terms import DWC

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"


def test_gbif_lists_as_data():
    names = lambda row_type, level: [r.label for r in requirements(row_type) if r.level == level]  # noqa: E731
    assert names(OCCURRENCE, REQUIRED) == ["occurrenceID", "basisOfRecord", "scientificName", "eventDate"]
    assert "individualCount or organismQuantity & organismQuantityType" in names(OCCURRENCE, RECOMMENDED)
    assert names(TAXON, REQUIRED) == ["taxonID", "scientificName", "taxonRank"]
    assert names(EVENT, REQUIRED)[:2] == ["eventID", "eventDate"]
    assert set(SOURCES) == {OCCURRENCE, TAXON, EVENT}
    assert requirements("http://example.org/Other") == ()


def test_sample_completeness():
    archive = read(SAMPLE)
    result = completeness(archive)
    summary = result.summary()
    # all four required terms are there; complete in every record: basisOfRecord and scientificName
    # (15 occurrenceIDs are empty, 2 eventDates are "unknown")
    assert summary[REQUIRED] == {"total": 4, "present": 4, "complete": 2, "missing": []}
    assert summary[RECOMMENDED]["total"] == 7 and summary[RECOMMENDED]["present"] == 7
    terms = result.terms.set_index("name")
    assert terms.loc["occurrenceID", "filled"] == 2000 - 15
    assert terms.loc["occurrenceID", "level"] == REQUIRED and terms.loc["typeStatus", "level"] == ""
    # establishmentMeans has 4 planted verbatim nulls (NULL, \N, NA, N/A): counted, and not filled
    assert terms.loc["establishmentMeans", "verbatim_nulls"] == 4
    column = archive.core.column(DWC + "establishmentMeans")
    assert terms.loc["establishmentMeans", "filled"] == int((column.str.strip() != "").sum()) - 4
    per_record = result.per_record
    assert len(per_record) == 2000
    assert (per_record["required_total"] == 4).all()
    assert per_record["required_met"].value_counts().to_dict() == {4: 1983, 3: 17}
    assert (per_record["filled_terms"] <= per_record["mapped_terms"]).all()


def test_alternatives_and_missing_items(tmp_path):
    path = tmp_path / "occurrence.txt"
    pd.DataFrame(
        {"dwc:occurrenceID": ["a", "b", "c"], "dwc:scientificName": ["Aus bus", "", "Aus cus"], "dwc:organismQuantity": ["", "3", "2"],
         "dwc:organismQuantityType": ["", "individuals", ""], "dwc:individualCount": ["1", "", ""]}
    ).to_csv(path, sep="\t", index=False)
    result = completeness(read(path))
    summary = result.summary()
    assert summary[REQUIRED]["present"] == 2 and summary[REQUIRED]["missing"] == ["basisOfRecord", "eventDate"]
    items = result.items.set_index("label")
    counts = items.loc["individualCount or organismQuantity & organismQuantityType"]
    assert counts["mapped"] and counts["records_met"] == 2  # a: individualCount; b: quantity + type; c: no type
    assert result.per_record["required_met"].tolist() == [2, 1, 2]
