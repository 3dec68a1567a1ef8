"""BDQ tests on small synthetic frames: responses, parameters, authorities, the registry."""

from __future__ import annotations

import json
import types
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dwcqa import bdq
from dwcqa.bdq.registry import RegistryError, bdq_test

HERE = Path(__file__).resolve().parent
NOW = datetime(2024, 6, 15)
OFFLINE = bdq.Context(now=NOW, geo_module=None)


def run(label, rows, params=None, context=OFFLINE):
    frame = pd.DataFrame(rows, dtype=object)
    responses = bdq.run(label, frame, params, context)
    return list(zip(responses.status, responses.result))


def test_registry_lists_every_single_record_test_with_its_metadata():
    tests = bdq.tests()
    assert len(tests) == 110
    by_label = {t.label: t for t in tests}
    countrycode = by_label["VALIDATION_COUNTRYCODE_STANDARD"]
    assert countrycode.guid == "0493bcfb-652e-4d17-815b-b0cce0742fbe"
    assert countrycode.type == "VALIDATION" and countrycode.dimension == "SPACE"
    assert countrycode.acted_upon == ("dwc:countryCode",)
    inrange = by_label["VALIDATION_EVENTDATE_INRANGE"]
    assert {p.name: p.default for p in inrange.parameters} == {"bdqval:earliestValidDate": "1582-11-15", "bdqval:latestValidDate": "{current year}"}
    assert {t.type for t in tests} == {"VALIDATION", "AMENDMENT", "MEASURE", "ISSUE"}
    assert sum(t.offline for t in tests) == 89


def test_tests_are_found_by_guid_label_iri_and_urn():
    guid = "0493bcfb-652e-4d17-815b-b0cce0742fbe"
    for key in (guid, "VALIDATION_COUNTRYCODE_STANDARD", f"https://rs.tdwg.org/bdqtest/terms/{guid}", f"urn:uuid:{guid}"):
        assert bdq.get(key).guid == guid
    with pytest.raises(KeyError):
        bdq.get("VALIDATION_NOT_A_TEST")


def test_registration_fails_loudly():
    with pytest.raises(RegistryError):
        bdq_test("VALIDATION_COUNTRYCODE_STANDARD", "0493bcfb-652e-4d17-815b-b0cce0742fbe")(lambda *a: None)
    with pytest.raises(RegistryError):
        bdq_test("VALIDATION_WRONG_LABEL", "0493bcfb-652e-4d17-815b-b0cce0742fbe")(lambda *a: None)
    with pytest.raises(RegistryError):
        bdq_test("VALIDATION_X", "00000000-0000-0000-0000-000000000000")(lambda *a: None)


def test_responses_are_aligned_with_any_index():
    frame = pd.DataFrame({"countryCode": ["AU", "", "ZZ", "Austria"]}, index=[10, 3, 7, 1])
    responses = bdq.run("VALIDATION_COUNTRYCODE_STANDARD", frame, context=OFFLINE)
    table = responses.to_frame(frame.index)
    assert table.index.tolist() == [10, 3, 7, 1]
    assert table["Response.status"].tolist() == ["RUN_HAS_RESULT", "INTERNAL_PREREQUISITES_NOT_MET", "RUN_HAS_RESULT", "RUN_HAS_RESULT"]
    assert table["Response.result"].tolist() == ["COMPLIANT", "", "COMPLIANT", "NOT_COMPLIANT"]
    assert all(table["Response.comment"] != "")


def test_headers_in_any_form_name_the_same_term():
    for header in ("countryCode", "dwc:countryCode", "http://rs.tdwg.org/dwc/terms/countryCode"):
        assert run("VALIDATION_COUNTRYCODE_NOTEMPTY", {header: ["AU"]}) == [("RUN_HAS_RESULT", "COMPLIANT")]


def test_notempty_follows_bdqval_empty():
    got = run("VALIDATION_OCCURRENCEID_NOTEMPTY", {"dwc:occurrenceID": ["x", " ", "\x00", "\x0e\x0f", "null"]})
    assert [r for _, r in got] == ["COMPLIANT", "NOT_COMPLIANT", "NOT_COMPLIANT", "NOT_COMPLIANT", "COMPLIANT"]
    assert run("VALIDATION_OCCURRENCEID_NOTEMPTY", {"dwc:catalogNumber": ["1"]}) == [("RUN_HAS_RESULT", "NOT_COMPLIANT")]


def test_vocabulary_validation_is_exact():
    got = run("VALIDATION_BASISOFRECORD_STANDARD", {"dwc:basisOfRecord": ["PreservedSpecimen", " PreservedSpecimen", "preservedspecimen", "Taxon", ""]})
    assert got == [
        ("RUN_HAS_RESULT", "COMPLIANT"), ("RUN_HAS_RESULT", "NOT_COMPLIANT"), ("RUN_HAS_RESULT", "NOT_COMPLIANT"),
        ("RUN_HAS_RESULT", "COMPLIANT"), ("INTERNAL_PREREQUISITES_NOT_MET", ""),
    ]


@pytest.mark.parametrize(
    "label, term, value, expected",
    [
        ("AMENDMENT_BASISOFRECORD_STANDARDIZED", "dwc:basisOfRecord", "Preserved spec.", "PreservedSpecimen"),
        ("AMENDMENT_BASISOFRECORD_STANDARDIZED", "dwc:basisOfRecord", "http://rs.tdwg.org/dwc/terms/HumanObservation", "HumanObservation"),
        ("AMENDMENT_DCTYPE_STANDARDIZED", "dc:type", "stillimage", "StillImage"),
        ("AMENDMENT_DCTYPE_STANDARDIZED", "dc:type", "http://purl.org/dc/dcmitype/Sound", "Sound"),
        ("AMENDMENT_COUNTRYCODE_STANDARDIZED", "dwc:countryCode", "Australia", "AU"),
        ("AMENDMENT_COUNTRYCODE_STANDARDIZED", "dwc:countryCode", "GRL", "GL"),
        ("AMENDMENT_COUNTRYCODE_STANDARDIZED", "dwc:countryCode", " au", "AU"),
        ("AMENDMENT_OCCURRENCESTATUS_STANDARDIZED", "dwc:occurrenceStatus", "1", "present"),
        ("AMENDMENT_OCCURRENCESTATUS_STANDARDIZED", "dwc:occurrenceStatus", "Absent ", "absent"),
        ("AMENDMENT_SEX_STANDARDIZED", "dwc:sex", "f", "Female"),
        ("AMENDMENT_TAXONRANK_STANDARDIZED", "dwc:taxonRank", "subsp.", "subspecies"),
        ("AMENDMENT_ESTABLISHMENTMEANS_STANDARDIZED", "dwc:establishmentMeans", "vag.", "vagrant"),
        ("AMENDMENT_PATHWAY_STANDARDIZED", "dwc:pathway", "Stowaway", "transportStowaway"),
        ("AMENDMENT_TYPESTATUS_STANDARDIZED", "dwc:typeStatus", "holotype of Aus bus | Paratype", "Holotype of Aus bus | Paratype"),
        ("AMENDMENT_GEODETICDATUM_STANDARDIZED", "dwc:geodeticDatum", "WGS 84", "EPSG:4326"),
        ("AMENDMENT_GEODETICDATUM_STANDARDIZED", "dwc:geodeticDatum", "NAD83", "EPSG:4269"),
        ("AMENDMENT_LICENSE_STANDARDIZED", "dcterms:license", "CC0", "https://creativecommons.org/publicdomain/zero/1.0/legalcode"),
        ("AMENDMENT_LICENSE_STANDARDIZED", "dcterms:license", "CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/legalcode"),
        ("AMENDMENT_LICENSE_STANDARDIZED", "dcterms:license", "http://creativecommons.org/licenses/by/4.0", "https://creativecommons.org/licenses/by/4.0/"),
        ("AMENDMENT_DAY_STANDARDIZED", "dwc:day", "05", "5"),
        ("AMENDMENT_MONTH_STANDARDIZED", "dwc:month", "Sept.", "9"),
        ("AMENDMENT_EVENTDATE_STANDARDIZED", "dwc:eventDate", "13/04/2020", "2020-04-13"),
    ],
)
def test_standardizing_amendments(label, term, value, expected):
    [(status, result)] = run(label, {term: [value]})
    assert status == "AMENDED" and json.loads(result) == {term: expected}


@pytest.mark.parametrize(
    "label, term, value",
    [
        ("AMENDMENT_BASISOFRECORD_STANDARDIZED", "dwc:basisOfRecord", "PreservedSpecimen"),
        ("AMENDMENT_COUNTRYCODE_STANDARDIZED", "dwc:countryCode", "Aust."),
        ("AMENDMENT_LICENSE_STANDARDIZED", "dcterms:license", "CC BY"),
        ("AMENDMENT_GEODETICDATUM_STANDARDIZED", "dwc:geodeticDatum", "not recorded"),
        ("AMENDMENT_DAY_STANDARDIZED", "dwc:day", "5"),
        ("AMENDMENT_MONTH_STANDARDIZED", "dwc:month", "Ma"),
    ],
)
def test_standardizing_amendments_leave_standard_or_ambiguous_values(label, term, value):
    assert run(label, {term: [value]}) == [("NOT_AMENDED", "")]


def test_an_unavailable_source_authority_gives_external_prerequisites_not_met():
    rows = {"dwc:basisOfRecord": ["PreservedSpecimen", ""]}
    assert run("VALIDATION_BASISOFRECORD_STANDARD", rows, {"bdqval:sourceAuthority": "https://invalid/invalidservice"}) == [
        ("EXTERNAL_PREREQUISITES_NOT_MET", ""),
        ("INTERNAL_PREREQUISITES_NOT_MET", ""),
    ]
    # the default, named, is the authority dwcqa has
    assert run("VALIDATION_BASISOFRECORD_STANDARD", rows, {"sourceAuthority": "Darwin Core basisOfRecord"})[0] == ("RUN_HAS_RESULT", "COMPLIANT")


def test_parameters_per_row_override_the_callers_which_override_the_default():
    frame = pd.DataFrame({"dwc:year": ["1700", "1700", "1700"], "bdqval:earliestValidDate": ["", "1800", ""]})
    responses = bdq.run("VALIDATION_YEAR_INRANGE", frame, context=OFFLINE)
    assert responses.result.tolist() == ["COMPLIANT", "NOT_COMPLIANT", "COMPLIANT"]
    responses = bdq.run("VALIDATION_YEAR_INRANGE", frame, {"bdqval:earliestValidDate": "1750"}, OFFLINE)
    assert responses.result.tolist() == ["NOT_COMPLIANT", "NOT_COMPLIANT", "NOT_COMPLIANT"]


def test_latest_valid_date_defaults_to_the_current_year():
    got = run("VALIDATION_EVENTDATE_INRANGE", {"dwc:eventDate": ["2024-12-31", "2025-01-01", "1582-11-14", "1963/2024"]})
    assert [r for _, r in got] == ["COMPLIANT", "NOT_COMPLIANT", "NOT_COMPLIANT", "COMPLIANT"]


def test_day_inrange_knows_leap_years():
    got = run("VALIDATION_DAY_INRANGE", {"dwc:day": ["29", "29", "29", "31", "30"], "dwc:month": ["2", "2", "2", "4", ""], "dwc:year": ["2000", "1900", "", "1999", "1999"]})
    assert got == [
        ("RUN_HAS_RESULT", "COMPLIANT"), ("RUN_HAS_RESULT", "NOT_COMPLIANT"), ("INTERNAL_PREREQUISITES_NOT_MET", ""),
        ("RUN_HAS_RESULT", "NOT_COMPLIANT"), ("INTERNAL_PREREQUISITES_NOT_MET", ""),
    ]


def test_event_from_eventdate_fills_only_empty_terms():
    [(status, result)] = run("AMENDMENT_EVENT_FROM_EVENTDATE", {"dwc:eventDate": ["2023-01-26"], "dwc:year": ["2023"]})
    assert status == "FILLED_IN"
    assert json.loads(result) == {"dwc:month": "1", "dwc:day": "26", "dwc:startDayOfYear": "26", "dwc:endDayOfYear": "26"}
    [(status, result)] = run("AMENDMENT_EVENT_FROM_EVENTDATE", {"dwc:eventDate": ["1949-01-15/1949-01-20"]})
    assert json.loads(result) == {"dwc:year": "1949", "dwc:month": "1", "dwc:startDayOfYear": "15", "dwc:endDayOfYear": "20"}


def test_event_consistent():
    rows = {
        "dwc:eventDate": ["1949-09-15", "1949-09-15", "1981-01", "1981-12-30/1982-01-03"],
        "dwc:day": ["15", "16", "", ""],
        "dwc:month": ["9", "9", "1", ""],
        "dwc:year": ["1949", "1949", "1981", "1981"],
    }
    assert [r for _, r in run("VALIDATION_EVENT_CONSISTENT", rows)] == ["COMPLIANT", "NOT_COMPLIANT", "COMPLIANT", "NOT_COMPLIANT"]


def test_eventdate_from_year_month_day_keeps_precision():
    rows = {"dwc:year": ["2021", "2021", "2024", "2021"], "dwc:month": ["10", "10", "2", "Oct"], "dwc:day": ["", "29", "30", ""]}
    got = run("AMENDMENT_EVENTDATE_FROM_YEARMONTHDAY", rows)
    assert [json.loads(r)["dwc:eventDate"] if r else s for s, r in got] == ["2021-10", "2021-10-29", "NOT_AMENDED", "2021-10"]


def test_duration_in_seconds():
    got = run("MEASURE_EVENTDATE_DURATIONINSECONDS", {"dwc:eventDate": ["1880-05-08/10", "x", ""]})
    assert got == [("RUN_HAS_RESULT", "259200"), ("INTERNAL_PREREQUISITES_NOT_MET", "NOT_REPORTED"), ("INTERNAL_PREREQUISITES_NOT_MET", "NOT_REPORTED")]


def test_coordinates_from_verbatim():
    rows = {
        "dwc:verbatimLatitude": ["-23.712", "", "10"],
        "dwc:verbatimLongitude": ["139.92", "", ""],
        "dwc:verbatimCoordinates": ["", "23°42.72'S 140°30'E", ""],
        "dwc:verbatimSRS": ["EPSG:4326", "", ""],
    }
    got = run("AMENDMENT_COORDINATES_FROM_VERBATIM", rows)
    assert json.loads(got[0][1]) == {"dwc:decimalLatitude": "-23.712", "dwc:decimalLongitude": "139.92", "dwc:geodeticDatum": "EPSG:4326"}
    assert json.loads(got[1][1]) == {"dwc:decimalLatitude": "-23.712", "dwc:decimalLongitude": "140.5"}
    assert got[2] == ("INTERNAL_PREREQUISITES_NOT_MET", "")


def test_polynomial_consistent():
    rows = {
        "dwc:scientificName": ["Hakea decurrens subsp. physocarpa W.R.Barker", "Hakea decurrens", "Aus (Bus) cus L."],
        "dwc:genericName": ["Hakea", "Hakea", "Aus"],
        "dwc:specificEpithet": ["decurrens", "", "cus"],
        "dwc:infraspecificEpithet": ["physocarpa", "physocarpa", ""],
    }
    assert [r for _, r in run("VALIDATION_POLYNOMIAL_CONSISTENT", rows)] == ["COMPLIANT", "NOT_COMPLIANT", "COMPLIANT"]


@pytest.mark.parametrize(
    "value, expected",
    [("urn:lsid:ipni.org:names:68749-2", "COMPLIANT"), ("gbif:8102122", "COMPLIANT"), ("https://www.gbif.org/species/212", "COMPLIANT"),
     ("urn:uuid:8fa58e08-08de-4ac1-b69c-1235340b7001", "COMPLIANT"), ("Wallabia bicolor", "NOT_COMPLIANT"),
     ("dwc:scientificName", "NOT_COMPLIANT"), ("https://www.gbif.org/", "NOT_COMPLIANT"), ("12345", "NOT_COMPLIANT")],
)
def test_scientificnameid_complete(value, expected):
    assert run("VALIDATION_SCIENTIFICNAMEID_COMPLETE", {"dwc:scientificNameID": [value]}) == [("RUN_HAS_RESULT", expected)]


def test_geodetic_datum_assumed_default():
    rows = {"dwc:geodeticDatum": ["", "WGS84", ""], "dwc:coordinateUncertaintyInMeters": ["", "", "50"], "dwc:decimalLatitude": ["", "", "-30"], "dwc:decimalLongitude": ["", "", "130"]}
    got = run("AMENDMENT_GEODETICDATUM_ASSUMEDDEFAULT", rows)
    assert got[0] == ("FILLED_IN", '{"dwc:geodeticDatum":"EPSG:4326"}')
    assert got[1] == ("NOT_AMENDED", "")
    assert got[2] == ("EXTERNAL_PREREQUISITES_NOT_MET", "")  # no datum-shift grid
    shift = types.SimpleNamespace(max_datum_shift_m=lambda lat, lon: np.full(len(lat), 2786.0))
    got = run("AMENDMENT_GEODETICDATUM_ASSUMEDDEFAULT", rows, context=bdq.Context(now=NOW, geo_module=shift))
    assert got[2][0] == "AMENDED" and json.loads(got[2][1]) == {"dwc:geodeticDatum": "EPSG:4326", "dwc:coordinateUncertaintyInMeters": "2836"}


def test_annotations_given_in_the_record():
    got = run("ISSUE_ANNOTATION_NOTEMPTY", {"bdqval:annotation": ["", "an annotation", ""], "bdqval:annotationAlertIf": ["", "", "x"]})
    assert [r for _, r in got] == ["NOT_ISSUE", "POTENTIAL_ISSUE", "POTENTIAL_ISSUE"]


def test_measures_count_the_other_tests():
    frame = pd.DataFrame({"dwc:eventDate": ["1963-03-08"], "dwc:countryCode": ["AU"]})
    compliant = bdq.run("MEASURE_VALIDATIONTESTS_COMPLIANT", frame, context=OFFLINE)
    not_compliant = bdq.run("MEASURE_VALIDATIONTESTS_NOTCOMPLIANT", frame, context=OFFLINE)
    unmet = bdq.run("MEASURE_VALIDATIONTESTS_PREREQUISITESNOTMET", frame, context=OFFLINE)
    validations = sum(t.type == "VALIDATION" for t in bdq.tests())
    assert int(compliant.result[0]) + int(not_compliant.result[0]) + int(unmet.result[0]) == validations
    assert int(compliant.result[0]) >= 5  # eventDate not empty, standard, in range; countryCode not empty, standard
    proposed = bdq.run("MEASURE_AMENDMENTS_PROPOSED", frame, context=OFFLINE)
    assert proposed.status[0] == "RUN_HAS_RESULT" and int(proposed.result[0]) >= 1


# --- authorities ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checklist():
    return bdq.TaxonAuthority.read(HERE / "data" / "checklist")


def test_taxonomic_tests_without_a_checklist(checklist):
    got = run("VALIDATION_FAMILY_FOUND", {"dwc:family": ["Muricidae", ""]})
    assert got == [("EXTERNAL_PREREQUISITES_NOT_MET", ""), ("INTERNAL_PREREQUISITES_NOT_MET", "")]


def test_taxonomic_tests_with_a_checklist(checklist):
    context = bdq.Context(checklist=checklist, now=NOW, geo_module=None)
    got = run("VALIDATION_FAMILY_FOUND", {"dwc:family": ["Muricidae", "muricidae", "Mollusca"]}, context=context)
    assert [r for _, r in got] == ["COMPLIANT", "NOT_COMPLIANT", "NOT_COMPLIANT"]
    got = run("VALIDATION_TAXON_UNAMBIGUOUS", {"dwc:scientificName": ["Graphis", "Graphis", "Chicoreus palmarosae"], "dwc:class": ["", "Gastropoda", ""]}, context=context)
    assert [r for _, r in got] == ["NOT_COMPLIANT", "COMPLIANT", "COMPLIANT"]
    got = run("AMENDMENT_SCIENTIFICNAMEID_FROM_TAXON", {"dwc:scientificName": ["Chicoreus palmarosae (Lamarck, 1822)"]}, context=context)
    assert got == [("FILLED_IN", '{"dwc:scientificNameID":"gbif:4365662"}')]
    got = run("AMENDMENT_SCIENTIFICNAME_FROM_SCIENTIFICNAMEID", {"dwc:scientificNameID": ["https://www.gbif.org/species/8102122", "gbif:999999"]}, context=context)
    assert got[0] == ("FILLED_IN", '{"dwc:scientificName":"Harpullia pendula F.Muell."}')
    assert got[1][0] == "NOT_AMENDED"
    got = run("VALIDATION_CLASSIFICATION_CONSISTENT", {"dwc:kingdom": ["Plantae", "Animalia"], "dwc:phylum": ["Magnoliophyta", ""], "dwc:family": ["Myrtaceae", "Myrtaceae"]}, context=context)
    assert [r for _, r in got] == ["COMPLIANT", "NOT_COMPLIANT"]
    # a row naming another authority is not answered from the checklist
    got = run("VALIDATION_FAMILY_FOUND", {"dwc:family": ["Muricidae"], "bdqval:sourceAuthority": ["marinespecies.org"]}, context=context)
    assert got == [("EXTERNAL_PREREQUISITES_NOT_MET", "")]


def test_geographic_tests_use_the_dwcqa_geo_hook():
    rows = {"dwc:decimalLatitude": ["25.46", "-25.46", "95"], "dwc:decimalLongitude": ["135.87", "135.87", "0"], "dwc:countryCode": ["AU", "AU", "AU"]}
    assert [s for s, _ in run("AMENDMENT_COORDINATES_TRANSPOSED", rows)] == ["EXTERNAL_PREREQUISITES_NOT_MET", "EXTERNAL_PREREQUISITES_NOT_MET", "NOT_AMENDED"]

    def country_of(lat, lon):
        return np.where((np.asarray(lat) < -10) & (np.asarray(lon) > 110), "AU", "")

    fake = types.SimpleNamespace(country_of=country_of, in_country=lambda lat, lon, codes, buffer_m: country_of(lat, lon) == np.asarray(codes))
    context = bdq.Context(now=NOW, geo_module=fake)
    got = run("AMENDMENT_COORDINATES_TRANSPOSED", rows, context=context)
    assert got[0] == ("AMENDED", '{"dwc:decimalLatitude":"-25.46","dwc:decimalLongitude":"135.87"}')
    assert got[1] == ("NOT_AMENDED", "")
    got = run("VALIDATION_COORDINATESCOUNTRYCODE_CONSISTENT", rows, context=context)
    assert [r for _, r in got] == ["NOT_COMPLIANT", "COMPLIANT", ""]
    got = run("AMENDMENT_COUNTRYCODE_FROM_COORDINATES", {"dwc:decimalLatitude": ["-25", "0"], "dwc:decimalLongitude": ["135", "0"]}, context=context)
    assert [json.loads(r) for _, r in got] == [{"dwc:countryCode": "AU"}, {"dwc:countryCode": "XZ"}]
