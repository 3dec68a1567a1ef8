"""Vocabulary checks (dwcqa/checks/vocabulary.py), the vocabulary tables and standardise().

Planted vocabulary variants of the sample archive must be reported as NOT_STANDARD on exactly
their rows (plus rows whose value only has stray whitespace), unknown values as INVALID.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dwcqa.archive import read
from dwcqa.checks.registry import all_checks, get
from dwcqa.checks.runner import run
from dwcqa.vocabularies import EMPTY, STANDARD, UNKNOWN, VARIANT, classify, normalise, standard_values, standardise, synonyms, vocabularies

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
MODULE = "dwcqa.checks.vocabulary"


def table(tmp_path: Path, columns: dict[str, list[str]]):
    path = tmp_path / "occurrence.txt"
    pd.DataFrame({_header(k): v for k, v in columns.items()}).to_csv(path, sep="\t", index=False)
    return read(path)


def _header(name: str) -> str:
    # prefixed headers: some bare names (sex, typeStatus, ...) resolve to dwciri: in dwcqa.terms
    return name if ":" in name else ("dcterms:" if name in ("modified", "references", "type") else "dwc:") + name


@pytest.fixture(scope="module")
def sample():
    archive = read(SAMPLE)
    checks = [c for c in all_checks() if c.function.__module__ == MODULE and c.dimension == "vocabulary"]
    results = run(archive, checks)
    assert not results.failures
    return results, pd.read_csv(SAMPLE / "planted.csv")


def rows(mask) -> set[int]:
    return set(np.flatnonzero(mask).tolist())


def planted(key, problem, term=None) -> set[int]:
    chosen = key[key.problem == problem]
    if term:
        chosen = chosen[chosen.terms.str.split("|").apply(lambda t: term in t)]
    return set(chosen.row)


@pytest.mark.parametrize(
    "check_id, problem, term",
    [
        ("BASIS_OF_RECORD_NOT_STANDARD", "basis_of_record_variant", "basisOfRecord"),
        ("OCCURRENCE_STATUS_NOT_STANDARD", "occurrence_status_variant", None),
        ("SEX_NOT_STANDARD", "sex_variant", None),
        ("LIFE_STAGE_NOT_STANDARD", "life_stage_variant", None),
        ("TYPE_STATUS_NOT_STANDARD", "type_status_variant", None),
    ],
)
def test_planted_variants_are_not_standard_on_exactly_their_rows(sample, check_id, problem, term):
    results, key = sample
    expected = planted(key, problem)
    if check_id == "BASIS_OF_RECORD_NOT_STANDARD":  # " PreservedSpecimen": standard value, stray spaces
        expected |= planted(key, "whitespace", "basisOfRecord")
    assert rows(results.masks[check_id]) == expected


def test_planted_invalid_basis_of_record(sample):
    results, key = sample
    assert rows(results.masks["BASIS_OF_RECORD_INVALID"]) == planted(key, "basis_of_record_invalid")
    assert results.check("BASIS_OF_RECORD_INVALID").severity == "error"


def test_nothing_else_and_nothing_on_clean_rows(sample):
    results, key = sample
    clean = set(range(results.records)) - set(key.row)
    for check_id, mask in results.masks.items():
        assert not rows(mask) & clean, check_id
    # verbatim nulls in establishmentMeans are no value, not an invalid one
    for check_id in ("ESTABLISHMENT_MEANS_INVALID", "ESTABLISHMENT_MEANS_NOT_STANDARD", "SEX_INVALID", "LIFE_STAGE_INVALID",
                     "OCCURRENCE_STATUS_UNPARSABLE", "TYPE_STATUS_INVALID", "SUSPECTED_TYPE", "BASIS_OF_RECORD_MISSING"):
        assert not results.masks[check_id].any(), check_id


@pytest.mark.parametrize(
    "vocabulary, value, status, standard",
    [
        ("basisOfRecord", "PreservedSpecimen", STANDARD, "PreservedSpecimen"),
        ("basisOfRecord", "preserved specimen", VARIANT, "PreservedSpecimen"),
        ("basisOfRecord", "PRESERVED_SPECIMEN", VARIANT, "PreservedSpecimen"),
        ("basisOfRecord", "S", VARIANT, "PreservedSpecimen"),
        ("basisOfRecord", "Espécimen preservado", VARIANT, "PreservedSpecimen"),
        ("basisOfRecord", "foo", UNKNOWN, None),
        ("basisOfRecord", "N/A", EMPTY, None),
        ("occurrenceStatus", "pres.", VARIANT, "present"),
        ("occurrenceStatus", "0", VARIANT, "absent"),
        ("sex", "♀", VARIANT, "female"),
        ("sex", "hane", VARIANT, "male"),
        ("lifeStage", "imago", VARIANT, "adult"),
        ("lifeStage", "tadpole", VARIANT, "larva"),
        ("typeStatus", "holotype of Aus bus L.", STANDARD, "holotype of Aus bus L."),
        ("typeStatus", "Holotype of Aus bus L.", VARIANT, "holotype of Aus bus L."),
        ("typeStatus", "holotype | paratype", STANDARD, "holotype | paratype"),
        ("typeStatus", "Holotypus|paratypes", VARIANT, "holotype | paratype"),
        ("typeStatus", "Holotype?", VARIANT, "holotype"),
        ("typeStatus", "not a type at all", UNKNOWN, None),
        ("establishmentMeans", "Native", VARIANT, "native"),
        ("taxonRank", "sp.", VARIANT, "species"),
        ("nomenclaturalCode", "Botanical", VARIANT, "ICN"),
        ("dcType", "Physical Object", VARIANT, "PhysicalObject"),
    ],
)
def test_classify_and_standardise(vocabulary, value, status, standard):
    values = pd.Series([value], dtype="string[pyarrow]")
    assert classify(vocabulary, values).status.tolist() == [status]
    result = standardise(vocabulary, values)
    assert (result.iloc[0] if standard is not None else result.isna().iloc[0]) == (standard if standard is not None else True)


def test_standardise_keeps_index_and_length():
    values = pd.Series(["M", None, "female", "x"], index=[10, 11, 12, 13], dtype="string[pyarrow]")
    out = standardise("sex", values)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out.tolist()[0] == "male" and out.tolist()[2] == "female" and pd.isna(out.tolist()[1]) and pd.isna(out.tolist()[3])


def test_suspected_type_and_invalid_are_told_apart(tmp_path):
    archive = table(tmp_path, {"occurrenceID": list("abcd"), "typeStatus": ["Typ. material?", "voucher", "holotype", ""]})
    results = run(archive, [get("TYPE_STATUS_INVALID"), get("SUSPECTED_TYPE")])
    assert results.masks["SUSPECTED_TYPE"].tolist() == [True, False, False, False]
    assert results.masks["TYPE_STATUS_INVALID"].tolist() == [False, True, False, False]


def test_synonym_table_is_consistent():
    path = REPO / "dwcqa" / "standards" / "vocab_synonyms.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        table_rows = list(csv.DictReader(handle))
    assert {r["source"] for r in table_rows} <= {"identifier", "preferred", "alternative", "correction", "gbif-parsers", "dwcqa", "plural"}
    keys = [(r["vocabulary"], r["normalised"]) for r in table_rows]
    assert len(keys) == len(set(keys))
    for r in table_rows:
        assert r["normalised"] == normalise(r["normalised"]) and r["normalised"]
    for vocabulary in vocabularies():
        for value in standard_values(vocabulary):  # every standard value maps to itself
            assert synonyms(vocabulary)[normalise(value)] == value
    assert standard_values("basisOfRecord") == {"PreservedSpecimen", "FossilSpecimen", "LivingSpecimen", "HumanObservation", "MachineObservation",
                                                 "MaterialEntity", "MaterialSample", "Occurrence", "MaterialCitation"}
    assert standard_values("occurrenceStatus") == {"present", "absent"}


def test_build_script_reproduces_the_table(tmp_path):
    from corpus import corpus_or_skip

    corpus = corpus_or_skip()
    import shutil
    import subprocess
    import sys

    shutil.copy(REPO / "dwcqa" / "standards" / "vocabularies.csv", tmp_path / "vocabularies.csv")
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_vocabularies.py"), str(corpus), "--out", str(tmp_path)], check=True, capture_output=True)
    for name in ("vocab_synonyms.csv", "VOCAB_SOURCES.md"):
        assert (tmp_path / name).read_bytes() == (REPO / "dwcqa" / "standards" / name).read_bytes(), name


def test_classified_keeps_forms_per_distinct_value_and_gives_them_per_record():
    values = pd.Series(["present", "Present", None, "absent", "", "presnt", "present"], dtype="string[pyarrow]")
    result = classify("occurrenceStatus", values)
    assert result.standard.tolist() == ["present", "present", None, "absent", None, None, "present"]
    assert result.standard_is("present").tolist() == [True, True, False, False, False, False, True]
    assert result.standard_is("absent").tolist() == [False, False, False, True, False, False, False]
    assert len(result.forms) == 6  # five distinct values and the slot of missing ones
