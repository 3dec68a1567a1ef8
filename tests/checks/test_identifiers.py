"""Identifier checks (dwcqa/checks/identifiers.py): occurrenceID, catalogue numbers, duplicates.

The sample's planted duplicate catalogue numbers are found on exactly their rows; GBIF's own
validator test archives (gbif/pipelines, in the shared corpus) give the counts their names
promise.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dwcqa.archive import read
from dwcqa.checks.registry import all_checks, get
from dwcqa.checks.runner import run

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
MODULE = "dwcqa.checks.identifiers"
VALIDATOR = "gbif-pipelines/gbif/validator/validator-core/src/test/resources/dwca"


def table(tmp_path: Path, columns: dict[str, list[str]]):
    path = tmp_path / "occurrence.txt"
    pd.DataFrame({(k if ":" in k else "dwc:" + k): v for k, v in columns.items()}).to_csv(path, sep="\t", index=False)
    return read(path)


def mine():
    return [c for c in all_checks() if c.function.__module__ == MODULE]


def rows(mask) -> set[int]:
    return set(np.flatnonzero(mask).tolist())


def test_sample_planted_identifier_problems():
    results = run(read(SAMPLE), mine())
    assert not results.failures
    key = pd.read_csv(SAMPLE / "planted.csv")
    assert rows(results.masks["CATALOG_NUMBER_NOT_UNIQUE"]) == set(key.loc[key.problem == "duplicate_catalog_number", "row"])
    # occurrenceID is the sample's core id: empty and duplicated ids are the structure checks' findings
    assert "OCCURRENCE_ID_MISSING" not in results.masks
    for check_id in ("OCCURRENCE_ID_DIFFERS_ONLY_IN_CASE", "OCCURRENCE_ID_NOT_GUID", "CATALOG_NUMBER_MISSING", "TRIPLET_INCOMPLETE", "POTENTIAL_DUPLICATE_SPECIMEN"):
        assert not results.masks[check_id].any(), check_id  # UUIDs and urn:catalog: ids are GUID-like


def test_no_id_is_registered_twice_with_the_structure_checks():
    ids = [c.id for c in all_checks()]
    assert len(ids) == len(set(ids))
    assert "OCCURRENCE_ID_NOT_UNIQUE" not in ids  # the structure checks' OCCURRENCE_NOT_UNIQUELY_IDENTIFIED covers it


@pytest.mark.parametrize(
    "name, expected",
    [
        ("dwca-one-hundred-20-percent-invalid-triplet.zip", {"CATALOG_NUMBER_MISSING": 20, "TRIPLET_INCOMPLETE": 20, "CATALOG_NUMBER_NOT_UNIQUE": 0}),
        ("dwca-one-hundred-50-percent-invalid-with-dupes-triplet.zip", {"CATALOG_NUMBER_MISSING": 50, "TRIPLET_INCOMPLETE": 50, "CATALOG_NUMBER_NOT_UNIQUE": 50}),
        ("dwca-one-hundred-dupe-triplet.zip", {"CATALOG_NUMBER_MISSING": 0, "TRIPLET_INCOMPLETE": 0, "CATALOG_NUMBER_NOT_UNIQUE": 100}),
        ("dwca-one-hundred-good-triplets-good-ids.zip", {"CATALOG_NUMBER_MISSING": 0, "TRIPLET_INCOMPLETE": 0, "CATALOG_NUMBER_NOT_UNIQUE": 0, "OCCURRENCE_ID_MISSING": 0}),
        ("dwca-one-hundred-good-triplets-dupe-and-missing-ids.zip", {"CATALOG_NUMBER_NOT_UNIQUE": 0, "OCCURRENCE_ID_MISSING": 10}),
        ("dwca-one-thousand-good-triplets-no-id.zip", {"CATALOG_NUMBER_MISSING": 0, "TRIPLET_INCOMPLETE": 0, "CATALOG_NUMBER_NOT_UNIQUE": 0}),
    ],
)
def test_gbif_validator_triplet_archives(name, expected):
    from corpus import corpus_or_skip

    path = corpus_or_skip() / VALIDATOR / name
    results = run(read(path), mine())
    assert not results.failures
    assert {k: results.count(k) for k in expected} == expected


def test_fifty_percent_archive_has_five_groups_of_ten():
    from corpus import corpus_or_skip

    archive = read(corpus_or_skip() / VALIDATOR / "dwca-one-hundred-50-percent-invalid-with-dupes-triplet.zip")
    mask = run(archive, [get("CATALOG_NUMBER_NOT_UNIQUE")]).masks["CATALOG_NUMBER_NOT_UNIQUE"]
    numbers = archive.core.column("http://rs.tdwg.org/dwc/terms/catalogNumber")[mask]
    assert numbers.value_counts().tolist() == [10] * 5


def dwca(tmp_path: Path, ids: list[str], columns: dict[str, list[str]]):
    """A Darwin Core archive folder: <id> in column 0, then the given Darwin Core terms."""
    fields = "".join(f'<field index="{i}" term="http://rs.tdwg.org/dwc/terms/{name}"/>' for i, name in enumerate(columns, 1))
    (tmp_path / "meta.xml").write_text(
        '<archive xmlns="http://rs.tdwg.org/dwc/text/"><core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" '
        'fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="" ignoreHeaderLines="1" encoding="UTF-8">'
        f'<files><location>occurrence.txt</location></files><id index="0"/>{fields}</core></archive>'
    )
    pd.DataFrame({"id": ids, **columns}).to_csv(tmp_path / "occurrence.txt", sep="\t", index=False)
    return read(tmp_path)


def test_occurrence_id_in_its_own_column(tmp_path):
    archive = dwca(tmp_path, list("abcdef"), {"occurrenceID": ["urn:x:1", "", "NULL", "ABC-1", " abc-1", "urn:x:1"]})
    results = run(archive, mine())
    assert results.masks["OCCURRENCE_ID_MISSING"].tolist() == [False, True, True, False, False, False]
    # exact duplicates (urn:x:1) are left to OCCURRENCE_NOT_UNIQUELY_IDENTIFIED
    assert results.masks["OCCURRENCE_ID_DIFFERS_ONLY_IN_CASE"].tolist() == [False, False, False, True, True, False]


@pytest.mark.parametrize(
    "ids, expected",
    [
        (["abc-1", " abc-1", "abc-2"], [True, True, False]),  # lower case only, differing in blanks
        (["abc-1", "abc-2", "abc-1"], [False, False, False]),  # exact duplicates are not this check's
        (["ABC-1", "abc-1", "abc-2"], [True, True, False]),
    ],
)
def test_occurrence_ids_differing_only_in_case_or_blanks(tmp_path, ids, expected):
    archive = dwca(tmp_path, [str(i) for i in range(len(ids))], {"occurrenceID": ids})
    assert run(archive, mine()).masks["OCCURRENCE_ID_DIFFERS_ONLY_IN_CASE"].tolist() == expected


def test_guid_like_forms(tmp_path):
    ids = ["480c3af9-e73c-4b50-afe8-44f648d59183", "urn:uuid:480c3af9-e73c-4b50-afe8-44f648d59184", "urn:catalog:MCZ:Mamm:1",
           "https://example.org/occ/1", "doi:10.1234/abc", "12345", "MCZ:Mamm:1", "www.example.org/1", ""]
    archive = table(tmp_path, {"occurrenceID": ids})
    assert get("OCCURRENCE_ID_NOT_GUID").function.__module__ == MODULE
    mask = run(archive, [get("OCCURRENCE_ID_NOT_GUID")]).masks["OCCURRENCE_ID_NOT_GUID"]
    assert mask.tolist() == [False, False, False, False, False, True, True, True, False]


def test_guid_like_forms_with_blanks_at_the_edges(tmp_path):
    # Blanks are the whitespace check's finding; the identifier itself is GUID-like.
    ids = [" urn:uuid:480c3af9-e73c-4b50-afe8-44f648d59184", "doi:10.1234/abc\t", " 12345 "]
    archive = table(tmp_path, {"occurrenceID": ids})
    mask = run(archive, [get("OCCURRENCE_ID_NOT_GUID")]).masks["OCCURRENCE_ID_NOT_GUID"]
    assert mask.tolist() == [False, False, True]


def test_catalog_numbers_compared_within_institution_and_collection(tmp_path):
    archive = table(
        tmp_path,
        {
            "occurrenceID": [f"urn:x:{i}" for i in range(6)],
            "institutionCode": ["A", "a ", "A", "B", "A", ""],
            "collectionCode": ["X", "X", "Y", "X", "X", ""],
            "catalogNumber": ["1", "1", "1", "1", "2 ", "2"],
        },
    )
    results = run(archive, mine())
    assert results.masks["CATALOG_NUMBER_NOT_UNIQUE"].tolist() == [True, True, False, False, False, False]
    assert results.masks["TRIPLET_INCOMPLETE"].tolist() == [False, False, False, False, False, True]


def test_catalog_numbers_without_institution_columns(tmp_path):
    archive = table(tmp_path, {"occurrenceID": ["a", "b", "c"], "catalogNumber": ["7", "7", "8"]})
    results = run(archive, mine())
    assert results.masks["CATALOG_NUMBER_NOT_UNIQUE"].tolist() == [True, True, False]
    assert results.masks["TRIPLET_INCOMPLETE"].all()


def test_potential_duplicate_specimens(tmp_path):
    archive = table(
        tmp_path,
        {
            "occurrenceID": list("abcde"),
            "recordedBy": ["J. Smith", "j. smith", "J. Smith", "J. Smith", ""],
            "recordNumber": ["123", "123", "123", "124", "123"],
            "eventDate": ["2001-05-01", "2001-05-01", "2001-05-02", "2001-05-01", "2001-05-01"],
        },
    )
    mask = run(archive, [get("POTENTIAL_DUPLICATE_SPECIMEN")]).masks["POTENTIAL_DUPLICATE_SPECIMEN"]
    assert mask.tolist() == [True, True, False, False, False]
    assert get("POTENTIAL_DUPLICATE_SPECIMEN").severity == "info"
