"""dwcqa's BDQ tests against the TDWG BDQ conformance data (``../shared/corpus/tdwg-bdq``).

The two column-per-term files (``TG2_test_validation_data.csv`` and the non-printing
characters one) are read byte-faithfully and run case by case; status and result must equal
the expected ones exactly (amendment results compared as JSON objects, key order ignored).

- Tests that need nothing beyond the record ("offline"): every case must agree, except the
  few in KNOWN_DISAGREEMENTS, each with its reason (and each must still disagree, so the
  list cannot go stale).
- Tests that need an authority dwcqa does not ship (a taxonomic checklist, country
  boundaries, a gazetteer, WoRMS, a centroid catalogue): without it, every case must agree
  or be answered EXTERNAL_PREREQUISITES_NOT_MET, the status BDQ prescribes when the authority
  is unavailable. With the small checklist in ``tests/bdq/data/checklist`` (a few taxa as in
  the GBIF Backbone) and a stand-in for ``dwcqa.geo``, the taxonomic and geographic cases
  that use the default authority must agree too, except those in AUTHORITY_DISAGREEMENTS.

The maintainers' compact file (``test_validation_maintainer.csv``) holds the same cases with
``Input.data`` strings, but drops the value ``null`` from them, so it is not used here.
"""

from __future__ import annotations

import json
import types
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from corpus import corpus_or_skip

from dwcqa import bdq

HERE = Path(__file__).resolve().parent
FILES = (
    "tdwg-bdq/tg2/_review/docs/guide/implementers/TG2_test_validation_data.csv",
    "tdwg-bdq/tg2/_review/docs/guide/implementers/TG2_test_validation_data_nonprintingchars.csv",
)
NOW = datetime(2025, 6, 1)

# dataID -> why the conformance data is wrong or ambiguous there (offline tests).
KNOWN_DISAGREEMENTS = {
    "1208": "VALIDATION_DEGREEOFESTABLISHMENT_STANDARD expects 'spreading' to be COMPLIANT, but it is not a term of the "
    "default bdqval:sourceAuthority (the Darwin Core Degree of Establishment vocabulary: native, captive, cultivated, "
    "released, failing, casual, reproducing, established, colonising, invasive, widespreadInvasive); the word only "
    "occurs in the definitions ('... and is spreading').",
}

# dataID -> why a case with an authority dwcqa does not have cannot agree even so.
WITHOUT_AUTHORITY = {
    "280": "VALIDATION_COORDINATESTERRESTRIALMARINE_CONSISTENT: the case gives an unreachable bdqval:geospatialLand and "
    "no data, and expects EXTERNAL_PREREQUISITES_NOT_MET; dwcqa checks the internal prerequisites first (as the "
    "conformance data do elsewhere, e.g. dataID 344) and answers INTERNAL_PREREQUISITES_NOT_MET.",
}
# Cases whose expected INTERNAL_PREREQUISITES_NOT_MET itself depends on the authority's answer.
AUTHORITY_DECIDES_PREREQUISITE = {
    "281": "WoRMS does not know the name and bdqval:assumptionOnUnknownBiome is noassumption",
    "283": "WoRMS does not know the name and bdqval:assumptionOnUnknownBiome is noassumption",
    "289": "WoRMS does not know the name and bdqval:assumptionOnUnknownBiome is noassumption",
    "335": "dwc:stateProvince 'xxxx' is not found in the admin-1 boundaries",
}
# dataID -> why the case disagrees with the stand-in authorities (test checklist, fake dwcqa.geo).
AUTHORITY_DISAGREEMENTS = {
    "970": "VALIDATION_CLASSIFICATION_CONSISTENT expects genus Punica with family Myrtaceae to be COMPLIANT; in the "
    "GBIF Backbone (and the test checklist) Punica belongs to Lythraceae.",
}
# Authorities the conformance data name that dwcqa cannot reach (cases are EXTERNAL_PREREQUISITES_NOT_MET).
NAMED_AUTHORITIES = ("marinespecies.org", "irmng.org", "https://api.biodiversity.org.au/name/check?dataset=APNI")


def _same_result(expected: str, got: str) -> bool:
    if expected == got:
        return True
    try:
        return json.loads(expected) == json.loads(got)
    except (ValueError, TypeError):
        return False


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    corpus = corpus_or_skip()
    frames = []
    for name in FILES:
        path = corpus / name
        if not path.is_file():
            pytest.skip(f"{name} is not in the corpus")
        frame, _ = bdq.read_cases(path)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def plain(cases) -> bdq.Responses:
    return bdq.run_cases(cases, context=bdq.Context(now=NOW, geo_module=None))


def _fake_geo():
    """A stand-in for dwcqa.geo knowing only the points of the conformance cases."""
    table = {
        (12.5, -70.0): "AW",
        (-25.46, 135.87): "AU",
        (-41.0525925872862, -71.5310546742521): "AR",
        (-41.195924, -71.253562): "AR",
    }

    def country_of(lat, lon):
        return np.array([table.get((float(a), float(b)), "") for a, b in zip(lat, lon)], dtype=object)

    def in_country(lat, lon, codes, buffer_m):
        return country_of(lat, lon) == np.asarray(codes, dtype=object)

    return types.SimpleNamespace(country_of=country_of, in_country=in_country)


@pytest.fixture(scope="module")
def with_authorities(cases) -> bdq.Responses:
    checklist = bdq.TaxonAuthority.read(HERE / "data" / "checklist")
    return bdq.run_cases(cases, context=bdq.Context(checklist=checklist, now=NOW, geo_module=_fake_geo()))


def _rows(cases: pd.DataFrame, guid: str) -> np.ndarray:
    return np.flatnonzero(cases["GUID"].str.strip().to_numpy() == guid)


def _mismatches(cases, responses, rows) -> dict[str, str]:
    found = {}
    for i in rows:
        row = cases.iloc[i]
        if row["Response.status"] != responses.status[i] or not _same_result(row["Response.result"], responses.result[i]):
            found[row["dataID"]] = (
                f"{row['Label']}: expected {row['Response.status']} {row['Response.result']!r}, "
                f"got {responses.status[i]} {responses.result[i]!r} ({responses.comment[i]})"
            )
    return found


OFFLINE = [t for t in bdq.tests() if t.offline]
WITH_AUTHORITY = [t for t in bdq.tests() if not t.offline]


@pytest.mark.parametrize("test", OFFLINE, ids=lambda t: t.label)
def test_offline_test_agrees_with_conformance_data(test, cases, plain):
    rows = _rows(cases, test.guid)
    if not len(rows):
        pytest.skip(f"the conformance data have no case for {test.label}")
    mismatches = _mismatches(cases, plain, rows)
    unexpected = {k: v for k, v in mismatches.items() if k not in KNOWN_DISAGREEMENTS}
    assert not unexpected, "\n".join(f"dataID {k}: {v}" for k, v in unexpected.items())
    stale = [k for k in KNOWN_DISAGREEMENTS if k in set(cases.iloc[rows]["dataID"]) and k not in mismatches]
    assert not stale, f"known disagreements that now agree: {stale}"


@pytest.mark.parametrize("test", WITH_AUTHORITY, ids=lambda t: t.label)
def test_test_without_its_authority_answers_external_prerequisites_not_met(test, cases, plain):
    rows = _rows(cases, test.guid)
    if not len(rows):
        pytest.skip(f"the conformance data have no case for {test.label}")
    problems = {}
    for data_id, message in _mismatches(cases, plain, rows).items():
        i = rows[list(cases.iloc[rows]["dataID"]).index(data_id)]
        if data_id in WITHOUT_AUTHORITY:
            continue
        expected = cases.iloc[i]["Response.status"]
        got = plain.status[i]
        needs_authority = expected != "INTERNAL_PREREQUISITES_NOT_MET" or data_id in AUTHORITY_DECIDES_PREREQUISITE
        if not (got == "EXTERNAL_PREREQUISITES_NOT_MET" and needs_authority):
            problems[data_id] = message
    assert not problems, "\n".join(f"dataID {k}: {v}" for k, v in problems.items())


TAXONOMY_AND_GEOGRAPHY = [t for t in WITH_AUTHORITY if t.requires in ("taxonomy", "geography")]


@pytest.mark.parametrize("test", TAXONOMY_AND_GEOGRAPHY, ids=lambda t: t.label)
def test_with_stand_in_authorities_the_default_authority_cases_agree(test, cases, with_authorities):
    rows = _rows(cases, test.guid)
    if not len(rows):
        pytest.skip(f"the conformance data have no case for {test.label}")
    problems = {}
    for data_id, message in _mismatches(cases, with_authorities, rows).items():
        i = rows[list(cases.iloc[rows]["dataID"]).index(data_id)]
        row = cases.iloc[i]
        if data_id in AUTHORITY_DISAGREEMENTS or data_id in WITHOUT_AUTHORITY or data_id in AUTHORITY_DECIDES_PREREQUISITE:
            continue
        if row["bdqval:sourceAuthority"] in NAMED_AUTHORITIES and with_authorities.status[i] == "EXTERNAL_PREREQUISITES_NOT_MET":
            continue  # WoRMS, IRMNG, APNI: not reachable
        if test.label == "VALIDATION_COORDINATESSTATEPROVINCE_CONSISTENT" and with_authorities.status[i] == "EXTERNAL_PREREQUISITES_NOT_MET":
            continue  # admin-1 boundaries: dwcqa.geo has country boundaries only
        problems[data_id] = message
    assert not problems, "\n".join(f"dataID {k}: {v}" for k, v in problems.items())


def test_real_country_boundaries_agree_when_dwcqa_geo_is_there(cases):
    context = bdq.Context(now=NOW)
    geo = context.geo()
    if geo is None or geo.country_of_fn is None or geo.in_country_fn is None:
        pytest.skip("dwcqa.geo (country_of, in_country) is not available")
    guids = [t.guid for t in TAXONOMY_AND_GEOGRAPHY if t.requires == "geography" and t.label != "VALIDATION_COORDINATESSTATEPROVINCE_CONSISTENT"]
    rows = np.flatnonzero(cases["GUID"].str.strip().isin(guids).to_numpy())
    responses = bdq.run_cases(cases.iloc[rows].reset_index(drop=True), context=context)
    mismatches = _mismatches(cases.iloc[rows].reset_index(drop=True), responses, range(len(rows)))
    assert not mismatches, "\n".join(f"dataID {k}: {v}" for k, v in mismatches.items())


def test_conformance_files_round_trip_byte_for_byte(tmp_path):
    corpus = corpus_or_skip()
    for name in FILES:
        path = corpus / name
        frame, dialect = bdq.read_cases(path)
        out = tmp_path / "copy.csv"
        bdq.write_cases(frame, out, dialect)
        assert out.read_bytes() == path.read_bytes(), name


def test_every_test_of_the_standard_is_registered():
    from dwcqa.bdq.registry import descriptors

    assert {t.guid for t in bdq.tests()} == set(descriptors())
    assert not bdq.not_implemented()
