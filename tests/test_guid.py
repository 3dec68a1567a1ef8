"""GUID guidance and deterministic occurrenceIDs, on real archives of the corpus."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile

import pandas as pd
import pytest

from corpus import corpus_or_skip
from dwcqa.archive import read
from dwcqa.guid import STORE_AT_SOURCE, deterministic_ids, guid_guidance, namespace_uuid

MCZ = "kurator-validation/packages/kurator_dwca/data/tests/test_mcz.txt"
TRIPLETS_NO_ID = "gbif-pipelines/gbif/validator/validator-core/src/test/resources/dwca/dwca-one-thousand-good-triplets-no-id.zip"
NAMESPACE = "https://mcz.harvard.edu/"


def candidate(guidance: dict, source: str) -> dict:
    return next(c for c in guidance["candidates"] if c["source"] == source)


def mcz_rows() -> tuple[list[str], list[list[str]]]:
    text = (corpus_or_skip() / MCZ).read_text(encoding="utf-8")
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE) if r]
    return rows[0], rows[1:]


def test_complete_unique_meaningful_occurrence_ids_are_kept():
    guidance = guid_guidance(read(corpus_or_skip() / MCZ))
    occ = candidate(guidance, "occurrenceID")
    assert (occ["filled"], occ["distinct"], occ["unique"], occ["complete_and_unique"]) == (192, 192, True, True)
    # MCZ:Herp:A-27840 - no UUID, URN or URI prefix; built from the codes
    assert occ["forms"] == {"uuid": 0, "urn": 0, "http_uri": 0, "other": 192}
    assert occ["meaningful"] == 192
    triplet = candidate(guidance, "triplet")
    assert triplet["complete_and_unique"] and triplet["forms"]["urn"] == 192  # urn:catalog:MCZ:Herp:27840
    assert guidance["recommendation"]["source"] == "occurrenceID"
    text = guidance["recommendation"]["text"]
    assert text.startswith("Keep your occurrenceIDs") and "migration file" in text
    assert guidance["missing_occurrenceID"] == 0 and guidance["fill"]["possible"] is False


def test_archive_without_occurrence_ids_gets_uuid_advice_and_deterministic_ids():
    path = corpus_or_skip() / TRIPLETS_NO_ID
    archive = read(path)
    guidance = guid_guidance(archive)
    assert candidate(guidance, "occurrenceID")["present"] is False
    triplet = candidate(guidance, "triplet")
    assert triplet["complete_and_unique"] and triplet["filled"] == 1000
    assert guidance["recommendation"]["source"] == "generated UUID"
    assert "meaningful" in guidance["recommendation"]["text"]
    assert guidance["fill"] == {"possible": True, "key": "triplet", "warning": STORE_AT_SOURCE}

    proposed = deterministic_ids(archive, NAMESPACE)
    assert len(proposed) == archive.core.records == 1000
    assert proposed.index.equals(pd.RangeIndex(1000))  # aligned to the core rows
    assert proposed.is_unique and proposed.notna().all()
    assert all(uuid.UUID(v).version == 5 for v in proposed)
    assert proposed.attrs["key"] == "triplet" and proposed.attrs["filled"] == 1000
    assert proposed.attrs["warning"] == STORE_AT_SOURCE
    # by hand: the first data line of occurrence.txt, name = institutionCode:collectionCode:catalogNumber
    with zipfile.ZipFile(path) as zf:
        lines = zf.read("occurrence.txt").decode("utf-8").splitlines()
    header, first = lines[0].split("\t"), lines[1].split("\t")
    name = ":".join(first[header.index(t)] for t in ("institutionCode", "collectionCode", "catalogNumber"))
    assert proposed[0] == str(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, NAMESPACE), name))
    # deterministic: a re-export gives the same IDs; another namespace gives others
    assert deterministic_ids(read(path), NAMESPACE).tolist() == proposed.tolist()
    assert not set(deterministic_ids(archive, "https://other.example/")) & set(proposed)


def test_missing_and_duplicated_ids_built_from_real_rows(tmp_path):
    header, rows = mcz_rows()
    i = header.index("occurrenceID")
    for r in rows[:10]:
        r[i] = ""  # ten records lost their IDs
    rows[20][i] = rows[21][i]  # two records share one
    path = tmp_path / "partial.txt"
    path.write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    archive = read(path)
    guidance = guid_guidance(archive)
    occ = candidate(guidance, "occurrenceID")
    assert (occ["filled"], occ["unique"], occ["records_sharing_a_value"], occ["duplicated_values"]) == (182, False, 2, 1)
    assert guidance["missing_occurrenceID"] == 10
    text = guidance["recommendation"]["text"]
    assert "10 of 192 records have no occurrenceID" in text and "2 records share 1 occurrenceIDs" in text
    proposed = deterministic_ids(archive, uuid.NAMESPACE_URL)
    assert proposed.attrs["filled"] == 10 and proposed.attrs["unfillable"] == 0
    # existing IDs are returned unchanged; only the missing ones are generated
    assert proposed[10:].tolist() == [r[i] for r in rows[10:]]
    inst, coll, cat = (header.index(t) for t in ("institutionCode", "collectionCode", "catalogNumber"))
    assert proposed[:10].tolist() == [str(uuid.uuid5(uuid.NAMESPACE_URL, f"{r[inst]}:{r[coll]}:{r[cat]}")) for r in rows[:10]]
    everything = deterministic_ids(archive, uuid.NAMESPACE_URL, only_missing=False)
    assert everything.attrs["filled"] == 192 and everything.is_unique


def test_generated_from_the_core_id_when_there_is_no_triplet(tmp_path):
    """An archive whose <id> column is filled while occurrenceID (another column) is empty."""
    folder = tmp_path / "dwca"
    folder.mkdir()
    (folder / "occurrence.txt").write_text("id\toccurrenceID\tscientificName\nr1\t\tA b\nr2\t\tC d\n\t\tE f\n", encoding="utf-8")
    (folder / "meta.xml").write_text(
        '<archive xmlns="http://rs.tdwg.org/dwc/text/"><core encoding="UTF-8" fieldsTerminatedBy="\\t" '
        'linesTerminatedBy="\\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="http://rs.tdwg.org/dwc/terms/Occurrence">'
        "<files><location>occurrence.txt</location></files><id index=\"0\"/>"
        '<field index="1" term="http://rs.tdwg.org/dwc/terms/occurrenceID"/>'
        '<field index="2" term="http://rs.tdwg.org/dwc/terms/scientificName"/></core></archive>',
        encoding="utf-8",
    )
    archive = read(folder)
    assert guid_guidance(archive)["fill"]["key"] is None  # neither the triplet nor the id is complete
    proposed = deterministic_ids(archive, "6ba7b811-9dad-11d1-80b4-00c04fd430c8", key="id")
    assert proposed[0] == str(uuid.uuid5(uuid.NAMESPACE_URL, "r1"))
    assert proposed.isna().tolist() == [False, False, True]  # no material, no ID
    assert proposed.attrs["unfillable"] == 1


def test_namespace_accepts_a_uuid_or_a_url():
    assert namespace_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430c8") == uuid.NAMESPACE_URL
    assert namespace_uuid("https://mcz.harvard.edu/") == uuid.uuid5(uuid.NAMESPACE_URL, "https://mcz.harvard.edu/")
    with pytest.raises(ValueError):
        namespace_uuid("  ")
