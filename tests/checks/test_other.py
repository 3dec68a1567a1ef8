"""Other record checks (dwcqa/checks/other.py): elevation, depth, counts, URIs, owner institution.

Also the corpus-wide run: every real archive of the shared corpus runs every record check of
time.py, vocabulary.py, identifiers.py, taxonomy.py and other.py without a CHECK_FAILED.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dwcqa.archive import read
from dwcqa.checks.registry import all_checks, get
from dwcqa.checks.runner import run
from dwcqa.parse.numbers import parse_numbers
from dwcqa.parse.uris import uri_status

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
MODULE = "dwcqa.checks.other"
MODULES = {f"dwcqa.checks.{m}" for m in ("time", "vocabulary", "identifiers", "taxonomy", "other")}


def table(tmp_path: Path, columns: dict[str, list[str]]):
    path = tmp_path / "occurrence.txt"
    pd.DataFrame({(k if ":" in k else "dwc:" + k): v for k, v in columns.items()}).to_csv(path, sep="\t", index=False)
    return read(path)


def rows(mask) -> set[int]:
    return set(np.flatnonzero(mask).tolist())


def test_sample_planted_elevation_problems():
    results = run(read(SAMPLE), [c for c in all_checks() if c.function.__module__ == MODULE])
    assert not results.failures
    key = pd.read_csv(SAMPLE / "planted.csv")
    non_numeric = set(key.loc[key.problem == "elevation_non_numeric", "row"])
    assert rows(results.masks["ELEVATION_MIN_MAX_SWAPPED"]) == set(key.loc[key.problem == "elevation_min_max_swapped", "row"])
    assert rows(results.masks["ELEVATION_NON_NUMERIC"]) == non_numeric
    # "750 ft", "5,130 ft": the planted values in feet
    assert rows(results.masks["ELEVATION_NOT_METRIC"]) < non_numeric and results.masks["ELEVATION_NOT_METRIC"].sum() == 5
    clean = set(range(results.records)) - set(key.row)
    for check_id, mask in results.masks.items():
        assert not rows(mask) & clean, check_id
    # verbatim nulls (N/A) in individualCount and minimumElevationInMeters are no value, not a bad one
    for check_id in ("ELEVATION_UNLIKELY", "INDIVIDUAL_COUNT_INVALID", "INDIVIDUAL_COUNT_CONFLICTS_WITH_OCCURRENCE_STATUS",
                     "REFERENCES_URI_INVALID", "MULTIMEDIA_URI_INVALID"):
        assert not results.masks[check_id].any(), check_id
    assert "DEPTH_NON_NUMERIC" not in results.masks and "DIFFERENT_OWNER_INSTITUTION" not in results.masks


def test_numbers():
    values = pd.Series(["750 ft", "ca. 910", "1860-1960 m", "1340m", "5,130 ft", "12", "-3.5", "1e3", "N/A", "", None, "1200'", " 7 "], dtype="string[pyarrow]")
    parsed = parse_numbers(values, len(values))
    assert parsed.numeric.tolist() == [False] * 5 + [True, True, True, False, False, False, False, True]
    assert parsed.present.tolist() == [True] * 8 + [False, False, False, True, True]
    assert parsed.imperial.tolist() == [True, False, False, False, True] + [False] * 6 + [True, False]
    assert parsed.value[6] == -3.5 and parsed.value[7] == 1000.0 and np.isnan(parsed.value[0])


def test_depth_checks(tmp_path):
    archive = table(
        tmp_path,
        {"occurrenceID": list("abcdef"), "minimumDepthInMeters": ["10", "50", "-5", "30 ft", "12000", ""],
         "maximumDepthInMeters": ["20", "40", "0", "", "", "ten"]},
    )
    results = run(archive, [c for c in all_checks() if c.id.startswith("DEPTH_")])
    assert results.masks["DEPTH_MIN_MAX_SWAPPED"].tolist() == [False, True, False, False, False, False]
    assert results.masks["DEPTH_UNLIKELY"].tolist() == [False, False, True, False, True, False]
    assert results.masks["DEPTH_NON_NUMERIC"].tolist() == [False, False, False, True, False, True]
    assert results.masks["DEPTH_NOT_METRIC"].tolist() == [False, False, False, True, False, False]


def test_elevation_range_options(tmp_path):
    archive = table(tmp_path, {"occurrenceID": list("abc"), "minimumElevationInMeters": ["9000", "-431", "8850"]})
    default = run(archive, [get("ELEVATION_UNLIKELY")]).masks["ELEVATION_UNLIKELY"]
    wider = run(archive, [get("ELEVATION_UNLIKELY")], options={"max_elevation": 17000, "min_elevation": -11000}).masks["ELEVATION_UNLIKELY"]
    assert default.tolist() == [True, True, False] and not wider.any()


def test_individual_count(tmp_path):
    archive = table(
        tmp_path,
        {"occurrenceID": list("abcdefg"), "individualCount": ["1", "0", "ca. 10", "-1", "3", "0", "2.5"],
         "occurrenceStatus": ["present", "Present", "present", "present", "absent", "absent", ""]},
    )
    results = run(archive, [get("INDIVIDUAL_COUNT_INVALID"), get("INDIVIDUAL_COUNT_CONFLICTS_WITH_OCCURRENCE_STATUS")])
    assert results.masks["INDIVIDUAL_COUNT_INVALID"].tolist() == [False, False, True, True, False, False, True]
    assert results.masks["INDIVIDUAL_COUNT_CONFLICTS_WITH_OCCURRENCE_STATUS"].tolist() == [False, True, False, False, True, False, False]


def test_uris(tmp_path):
    values = pd.Series(["https://a.org/x", "https://a.org/x y", "urn:uuid:1", "www.a.org", "http:/x", "https://", "NULL", "ftp://h/p"], dtype="string[pyarrow]")
    present, valid = uri_status(values, len(values))
    assert valid.tolist() == [True, False, True, False, False, False, False, True]
    assert present.tolist() == [True] * 6 + [False, True]
    archive = table(
        tmp_path,
        {"occurrenceID": list("abcd"), "dcterms:references": ["https://a.org/1", "a.org/2", "", "https://a.org/3 https://a.org/4"],
         "associatedMedia": ["https://a.org/1.jpg | https://a.org/2.jpg", "https://a.org/3.jpg, not a uri", "", "https://a.org/4.jpg"]},
    )
    results = run(archive, [get("REFERENCES_URI_INVALID"), get("MULTIMEDIA_URI_INVALID")])
    assert results.masks["REFERENCES_URI_INVALID"].tolist() == [False, True, False, True]
    assert results.masks["MULTIMEDIA_URI_INVALID"].tolist() == [False, True, False, False]


def test_multimedia_extension_uris_flag_their_core_records(tmp_path):
    (tmp_path / "meta.xml").write_text(
        '<archive xmlns="http://rs.tdwg.org/dwc/text/">'
        '<core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="" ignoreHeaderLines="1">'
        '<files><location>occurrence.txt</location></files><id index="0"/><field index="0" term="http://rs.tdwg.org/dwc/terms/occurrenceID"/></core>'
        '<extension rowType="http://rs.gbif.org/terms/1.0/Multimedia" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="" ignoreHeaderLines="1">'
        '<files><location>multimedia.txt</location></files><coreid index="0"/><field index="1" term="http://purl.org/dc/terms/identifier"/></extension></archive>'
    )
    (tmp_path / "occurrence.txt").write_text("occurrenceID\na\nb\nc\n")
    (tmp_path / "multimedia.txt").write_text("coreid\tidentifier\na\thttps://x.org/1.jpg\nb\tx.org/2.jpg\nb\thttps://x.org/3.jpg\n")
    mask = run(read(tmp_path), [get("MULTIMEDIA_URI_INVALID")]).masks["MULTIMEDIA_URI_INVALID"]
    assert mask.tolist() == [False, True, False]


def test_different_owner_institution(tmp_path):
    archive = table(tmp_path, {"occurrenceID": list("abc"), "institutionCode": ["MCZ", "MCZ", "MCZ"], "ownerInstitutionCode": ["mcz", "NHMUK", ""]})
    assert run(archive, [get("DIFFERENT_OWNER_INSTITUTION")]).masks["DIFFERENT_OWNER_INSTITUTION"].tolist() == [False, True, False]


def test_every_check_is_documented():
    for check in all_checks():
        if check.function.__module__ in MODULES:
            assert check.dimension in ("identifiers", "time", "vocabulary", "taxonomy", "other"), check.id
            assert 2 <= check.explanation.count(". ") + 1 <= 7, check.id
            assert check.terms, check.id
            if check.severity == "error":
                assert check.id in {"BASIS_OF_RECORD_MISSING", "BASIS_OF_RECORD_INVALID", "OCCURRENCE_ID_MISSING", "OCCURRENCE_ID_DIFFERS_ONLY_IN_CASE"}


def test_corpus_archives_run_every_record_check(tmp_path):
    """Every archive of the shared corpus that dwcqa can read runs all these checks without failing."""
    from corpus import archives, corpus_or_skip, materialize

    corpus_or_skip()
    from dwcqa.errors import ArchiveError

    checks = [c for c in all_checks() if c.function.__module__ in MODULES]
    ran = 0
    for number, path in enumerate(archives()):
        try:
            archive = read(materialize(path, tmp_path / str(number)))
        except ArchiveError:
            continue
        results = run(archive, checks)
        assert not results.failures, (path, results.failures)
        ran += 1
    assert ran > 150
