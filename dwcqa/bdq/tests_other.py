"""BDQ tests of the OTHER dimension: record-level terms, vocabularies, licences, measures."""

from __future__ import annotations

import re

import numpy as np

from dwcqa.bdq.common import (
    SOURCE,
    notempty_issue,
    notempty_validation,
    unavailable,
    vocabulary_amendment,
    vocabulary_validation,
)
from dwcqa.bdq.model import (
    AMENDED,
    COMPLIANT,
    EXTERNAL_PREREQUISITES_NOT_MET,
    FILLED_IN,
    INTERNAL_PREREQUISITES_NOT_MET,
    NOT_AMENDED,
    NOT_COMPLIANT,
    NOT_ISSUE,
    POTENTIAL_ISSUE,
    RUN_HAS_RESULT,
    amendment_json,
    small_integers_text,
)
from dwcqa.bdq.parsing import NON_PRINTING, empty, map_distinct, present
from dwcqa.bdq.registry import bdq_test
from dwcqa.bdq.vocab import vocabulary

# --- NOTEMPTY -------------------------------------------------------------------------------

notempty_validation("VALIDATION_OCCURRENCEID_NOTEMPTY", "c486546c-e6e5-48a7-b286-eba7f5ca56c4", "dwc:occurrenceID")
notempty_validation("VALIDATION_BASISOFRECORD_NOTEMPTY", "ac2b7648-d5f9-48ca-9b07-8ad5879a2536", "dwc:basisOfRecord")
notempty_validation("VALIDATION_LICENSE_NOTEMPTY", "15f78619-811a-4c6f-997a-a4c7888ad849", "dcterms:license")
notempty_validation("VALIDATION_DCTYPE_NOTEMPTY", "374b091a-fc90-4791-91e5-c1557c649169", "dc:type")
notempty_validation("VALIDATION_OCCURRENCESTATUS_NOTEMPTY", "eb4a17f6-6bea-4cdd-93dd-d5a7e9d1eccf", "dwc:occurrenceStatus")
notempty_issue("ISSUE_DATAGENERALIZATIONS_NOTEMPTY", "13d5a10e-188e-40fd-a22c-dbaa87b91df2", "dwc:dataGeneralizations")
notempty_issue("ISSUE_ESTABLISHMENTMEANS_NOTEMPTY", "acc8dff2-d8d1-483a-946d-65a02a452700", "dwc:establishmentMeans")

# --- controlled vocabularies ------------------------------------------------------------------

_BOR = ("Darwin Core basisOfRecord", "dwc:basisOfRecord", "Darwin Core Terms", "https://rs.gbif.org/vocabulary/dwc/basis_of_record.xml")
vocabulary_validation("VALIDATION_BASISOFRECORD_STANDARD", "42408a00-bf71-4892-a399-4325e2bc1fb8", "dwc:basisOfRecord", "basisOfRecord", aliases=_BOR,
                      notes="Valid values: the GBIF basis_of_record vocabulary and the current Darwin Core class names.")
vocabulary_amendment("AMENDMENT_BASISOFRECORD_STANDARDIZED", "07c28ace-561a-476e-a9b9-3d5ad6e35933", "dwc:basisOfRecord", "basisOfRecord", aliases=_BOR)

_DCMI = ("DCMI Type Vocabulary", "DCMI", "http://purl.org/dc/dcmitype/")
vocabulary_validation("VALIDATION_DCTYPE_STANDARD", "cdaabb0d-a863-49d0-bc0f-738d771acba5", "dc:type", "dcType", aliases=_DCMI)
vocabulary_amendment("AMENDMENT_DCTYPE_STANDARDIZED", "bd385eeb-44a2-464b-a503-7abe407ef904", "dc:type", "dcType", aliases=_DCMI)

_OS = ("Regex present/absent", "^(present|absent)$", "Darwin Core occurrenceStatus", "Darwin Core Standard", "GBIF OccurrenceStatus Vocabulary")
vocabulary_validation("VALIDATION_OCCURRENCESTATUS_STANDARD", "7af25f1e-a4e2-4ff4-b161-d1f25a5c3e47", "dwc:occurrenceStatus", "occurrenceStatus", aliases=_OS)
vocabulary_amendment("AMENDMENT_OCCURRENCESTATUS_STANDARDIZED", "f8f3a093-042c-47a3-971a-a482aaaf3b75", "dwc:occurrenceStatus", "occurrenceStatus", aliases=_OS,
                     notes="1 -> present, 0 -> absent; otherwise case and surrounding whitespace are corrected.")

_EM = ("Establishment Means Controlled Vocabulary List of Terms", "GBIF EstablishmentMeans Vocabulary", "Darwin Core establishmentMeans")
vocabulary_validation("VALIDATION_ESTABLISHMENTMEANS_STANDARD", "4eb48fdf-7299-4d63-9d08-246902e2857f", "dwc:establishmentMeans", "establishmentMeans", aliases=_EM)
vocabulary_amendment("AMENDMENT_ESTABLISHMENTMEANS_STANDARDIZED", "15d15927-7a22-43f8-88d6-298f5eb45c4c", "dwc:establishmentMeans", "establishmentMeans", aliases=_EM)

_DOE = ("Degree of Establishment Controlled Vocabulary List of Terms", "GBIF DegreeOfEstablishment Vocabulary", "Darwin Core degreeOfEstablishment")
vocabulary_validation("VALIDATION_DEGREEOFESTABLISHMENT_STANDARD", "060e7734-607d-4737-8b2c-bfa17788bf1a", "dwc:degreeOfEstablishment", "degreeOfEstablishment", aliases=_DOE)
vocabulary_amendment("AMENDMENT_DEGREEOFESTABLISHMENT_STANDARDIZED", "74ef1034-e289-4596-b5b0-cde73796697d", "dwc:degreeOfEstablishment", "degreeOfEstablishment", aliases=_DOE)

_PW = ("Pathway Controlled Vocabulary List of Terms", "GBIF Pathway Vocabulary", "Darwin Core pathway")
vocabulary_validation("VALIDATION_PATHWAY_STANDARD", "5424e933-bee7-4125-839e-d8743ea69f93", "dwc:pathway", "pathway", aliases=_PW)
vocabulary_amendment("AMENDMENT_PATHWAY_STANDARDIZED", "f9205977-f145-44f5-8cb9-e3e2e35ce908", "dwc:pathway", "pathway", aliases=_PW)

_SEX = ("GBIF Sex Vocabulary",)
vocabulary_validation("VALIDATION_SEX_STANDARD", "88d8598b-3318-483d-9475-a5acf9887404", "dwc:sex", "sex", aliases=_SEX)
vocabulary_amendment("AMENDMENT_SEX_STANDARDIZED", "33c45ae1-e2db-462a-a59e-7169bb01c5d6", "dwc:sex", "sex", aliases=_SEX)

# --- dwc:typeStatus: the first word of each "|"-delimited part ------------------------------

_TS = ("GBIF TypeStatus Vocabulary",)
_PART = re.compile(r"([^|]*)")


def _type_status_valid(value: str) -> bool:
    if value != value.strip(NON_PRINTING):
        return False
    vocab = vocabulary("typeStatus")
    for part in value.split("|"):
        words = part.split()
        if not words or not vocab.is_term(words[0]):
            return False
    return True


def _type_status_amend(value: str) -> str | None:
    vocab = vocabulary("typeStatus")
    parts = value.strip(NON_PRINTING).split("|")
    fixed = []
    for part in parts:
        match = re.match(r"(\s*)(\S+)(.*)", part, re.S)
        if not match:
            return None
        lead, first, rest = match.groups()
        term = first if vocab.is_term(first) else vocab.match(first)
        if term is None:
            return None
        fixed.append(lead + term + rest)
    proposed = "|".join(fixed)
    return proposed if proposed != value else None


@bdq_test("VALIDATION_TYPESTATUS_STANDARD", "4833a522-12eb-4fe0-b4cf-7f7a337a6048", aliases={SOURCE: _TS})
def validation_typestatus_standard(record, params, context, out):
    values = record["dwc:typeStatus"]
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:typeStatus is bdqval:Empty")
    if unavailable(out, params):
        return
    valid = map_distinct(values, _type_status_valid).astype(bool)
    out.decide(valid, RUN_HAS_RESULT, COMPLIANT, "the first word of each part of dwc:typeStatus is in the bdqval:sourceAuthority")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "the first word of a part of dwc:typeStatus is not in the bdqval:sourceAuthority")


@bdq_test("AMENDMENT_TYPESTATUS_STANDARDIZED", "b3471c65-b53e-453b-8282-abfa27bf1805", aliases={SOURCE: _TS})
def amendment_typestatus_standardized(record, params, context, out):
    values = record["dwc:typeStatus"]
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:typeStatus is bdqval:Empty")
    if unavailable(out, params):
        return
    proposed = map_distinct(values, _type_status_amend)
    changed = present(proposed)
    out.decide(changed, AMENDED, amendment_json(len(values), [("dwc:typeStatus", proposed)]), "dwc:typeStatus standardized to the bdqval:sourceAuthority")
    out.rest(NOT_AMENDED, comment="dwc:typeStatus is standard already or cannot be unambiguously interpreted")


# --- dcterms:license --------------------------------------------------------------------------

_LANGS = "id|eu|da|de|en|es|fr|fy|hr|it|lv|lt|mi|ni|no|pl|pt|ro|si|fi|sv|tr|cs|el|ru|uk|ar|jp|zh-hans|zh-hant|ko"
# The default authority's regular expression (Creative Commons 4.0 licences or CC0 1.0), with
# the "deed"/"legalcode" suffix optional as the Test's notes and examples require.
LICENSE_PATTERN = re.compile(
    r"https?://creativecommons\.org/(?:licenses/(?:by|by-sa|by-nc|by-nc-sa|by-nd|by-nc-nd)/4\.0|publicdomain/zero/1\.0)/"
    rf"(?:(?:deed|legalcode)(?:\.(?:{_LANGS}))?)?"
)
_LICENSE_AUTHORITY = ("Creative Commons", "Creative Commons 4.0 Licenses or CC0", "https://creativecommons.org/about/cclicenses/")
_CC_URL = re.compile(
    r"(?:https?://)?(?:www\.)?creativecommons\.org/(?:licenses/(?P<code>by(?:-nc)?(?:-sa|-nd)?)/(?P<version>\d\.\d)|publicdomain/(?P<zero>zero)/1\.0)"
    r"/?(?P<suffix>(?:deed|legalcode)(?:\.[a-z-]+)?)?/?",
    re.I,
)
_CC0_TEXT = re.compile(r"(?:cc[\s_-]*0|cc[\s_-]*zero|creative\s*commons\s*zero|cc0\s*public\s*domain(?:\s*dedication)?)(?:[\s_-]*(?:v|version)?\s*1(?:\.0)?)?(?:\s*universal)?(?:\s*\(cc0\s*1\.0\))?", re.I)
_CC_TEXT = re.compile(
    r"(?:cc|creative\s*commons)[\s_-]*(?:attribution|by)(?P<rest>(?:[\s_-]*(?:non-?commercial|nc|share-?alike|sa|no-?derivatives|no-?derivs|nd))*)"
    r"[\s_-]*(?:v|version)?\s*(?P<version>\d(?:\.\d)?)?(?:\s*international)?(?:\s*(?:public\s*)?license)?",
    re.I,
)


def _license_amend(value: str) -> str | None:
    """The canonical Creative Commons 4.0 / CC0 IRI a licence value unambiguously names."""
    raw = value.strip(NON_PRINTING)
    if LICENSE_PATTERN.fullmatch(value):
        return None
    match = _CC_URL.fullmatch(raw)
    if match:
        if match["zero"]:
            path = "publicdomain/zero/1.0/"
        elif match["version"] == "4.0":
            path = f"licenses/{match['code'].lower()}/4.0/"
        else:
            return None
        suffix = (match["suffix"] or "").lower()
        proposed = f"https://creativecommons.org/{path}{suffix}"
        return proposed if LICENSE_PATTERN.fullmatch(proposed) else None
    if _CC0_TEXT.fullmatch(raw):
        return "https://creativecommons.org/publicdomain/zero/1.0/legalcode"
    match = _CC_TEXT.fullmatch(raw)
    if match and match["version"] in ("4", "4.0"):
        rest = match["rest"].lower()
        code = "by" + ("-nc" if re.search(r"nc|commercial", rest) else "")
        if re.search(r"sa|share", rest):
            code += "-sa"
        elif re.search(r"nd|deriv", rest):
            code += "-nd"
        return f"https://creativecommons.org/licenses/{code}/4.0/legalcode"
    return None


@bdq_test("VALIDATION_LICENSE_STANDARD", "3136236e-04b6-49ea-8b34-a65f25e3aba1", aliases={SOURCE: _LICENSE_AUTHORITY})
def validation_license_standard(record, params, context, out):
    values = record["dcterms:license"]
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment="dcterms:license is bdqval:Empty")
    if unavailable(out, params):
        return
    valid = map_distinct(values, lambda v: LICENSE_PATTERN.fullmatch(v) is not None).astype(bool)
    out.decide(valid, RUN_HAS_RESULT, COMPLIANT, "dcterms:license is a Creative Commons 4.0 licence or CC0 IRI")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "dcterms:license is not a Creative Commons 4.0 licence or CC0 IRI")


@bdq_test("AMENDMENT_LICENSE_STANDARDIZED", "dcbe5bd2-42a0-4aab-bb4d-8f148c6490f8", aliases={SOURCE: _LICENSE_AUTHORITY},
          notes="Amends to the canonical IRI of a Creative Commons 4.0 licence or CC0 (the authority of "
                "VALIDATION_LICENSE_STANDARD); a licence named without version (\"CC BY\") is ambiguous.")
def amendment_license_standardized(record, params, context, out):
    values = record["dcterms:license"]
    if unavailable(out, params):
        return
    proposed = map_distinct(values, _license_amend)
    changed = present(proposed)
    out.decide(changed, AMENDED, amendment_json(len(values), [("dcterms:license", proposed)]), "dcterms:license interpreted as a Creative Commons licence IRI")
    out.decide(empty(values), NOT_AMENDED, comment="dcterms:license is bdqval:Empty")
    out.rest(NOT_AMENDED, comment="dcterms:license is standard already or cannot be unambiguously interpreted")


# --- dwc:occurrenceStatus default ---------------------------------------------------------


@bdq_test("AMENDMENT_OCCURRENCESTATUS_ASSUMEDDEFAULT", "96667a0a-ae59-446a-bbb0-b7f2b0ca6cf5",
          notes="A dwc:occurrenceStatus that is bdqval:NotEmpty gives NOT_AMENDED, as the Test's own "
                "examples and the conformance data say (the Specification text says INTERNAL_PREREQUISITES_NOT_MET).")
def amendment_occurrencestatus_assumeddefault(record, params, context, out):
    nothing = record.empty("dwc:occurrenceStatus") & record.empty("dwc:individualCount") & record.empty("dwc:organismQuantity")
    default = params["bdqval:defaultOccurrenceStatus"] or "present"
    result = amendment_json(record.n, [("dwc:occurrenceStatus", np.where(nothing, default, None))])
    out.decide(nothing, FILLED_IN, result, f"dwc:occurrenceStatus, dwc:individualCount and dwc:organismQuantity are bdqval:Empty; assumed \"{default}\"")
    out.rest(NOT_AMENDED, comment="dwc:occurrenceStatus, dwc:individualCount or dwc:organismQuantity is bdqval:NotEmpty")


# --- annotations --------------------------------------------------------------------------


@bdq_test("ISSUE_ANNOTATION_NOTEMPTY", "fecaa8a3-bbd8-4c5a-a424-13c37c4bb7b1", aliases={"bdqval:annotationSystem": ("W3C Web Annotation",)},
          notes="dwcqa reaches no annotation system; the annotations the system holds for the record that "
                "match bdqval:annotationAlertIf are given in the record itself, in columns bdqval:annotation "
                "or bdqval:annotationAlertIf, as in the BDQ conformance data.")
def issue_annotation_notempty(record, params, context, out):
    if unavailable(out, params, "bdqval:annotationSystem"):
        return
    found = ~record.empty("bdqval:annotation") | ~record.empty("bdqval:annotationAlertIf")
    out.decide(found, RUN_HAS_RESULT, POTENTIAL_ISSUE, "an annotation matching bdqval:annotationAlertIf targets the record")
    out.rest(RUN_HAS_RESULT, NOT_ISSUE, "no annotation matching bdqval:annotationAlertIf targets the record")


# --- measures over all tests of one type --------------------------------------------------


def _count(record, context, test_type: str, statuses: tuple[str, ...] = (), results: tuple[str, ...] = ()) -> np.ndarray:
    from dwcqa.bdq.registry import tests
    from dwcqa.bdq.runner import run

    counts = np.zeros(record.n, dtype=int)
    for test in tests():
        if test.type != test_type:
            continue
        responses = run(test, record.frame, None, context)
        if statuses:
            counts += np.isin(responses.status, statuses)
        if results:
            counts += np.isin(responses.result, results) & (responses.status == RUN_HAS_RESULT)
    return counts


def _measure(label: str, guid: str, test_type: str, what: str, statuses=(), results=()) -> None:
    @bdq_test(label, guid, notes=f"Counts over every {test_type} test dwcqa implements, run on the record with default parameters.")
    def test(record, params, context, out):
        counts = small_integers_text(_count(record, context, test_type, statuses, results).astype(float))
        out.rest(RUN_HAS_RESULT, counts, f"the number of {what}")

    test.__name__ = label.lower()


_measure("MEASURE_VALIDATIONTESTS_COMPLIANT", "45fb49eb-4a1b-4b49-876f-15d5034dfc73", "VALIDATION", "VALIDATION tests were COMPLIANT", results=("COMPLIANT",))
_measure("MEASURE_VALIDATIONTESTS_NOTCOMPLIANT", "453844ae-9df4-439f-8e24-c52498eca84a", "VALIDATION", "VALIDATION tests were NOT_COMPLIANT", results=("NOT_COMPLIANT",))
_measure("MEASURE_VALIDATIONTESTS_PREREQUISITESNOTMET", "49a94636-a562-4e6b-803c-665c80628a3d", "VALIDATION",
         "VALIDATION tests had INTERNAL_PREREQUISITES_NOT_MET or EXTERNAL_PREREQUISITES_NOT_MET",
         statuses=(INTERNAL_PREREQUISITES_NOT_MET, EXTERNAL_PREREQUISITES_NOT_MET))
_measure("MEASURE_AMENDMENTS_PROPOSED", "03049fe5-a575-404f-b564-ae63f5a1cf8b", "AMENDMENT", "AMENDMENT tests proposed changes (AMENDED or FILLED_IN)",
         statuses=(AMENDED, FILLED_IN))
