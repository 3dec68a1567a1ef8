"""Identifier checks: occurrenceID, catalogue numbers and likely duplicate specimens.

The core's id column (``<id>`` in meta.xml) is checked by the structure checks
(RECORD_IDENTIFIER_NOT_FOUND, RECORD_NOT_UNIQUELY_IDENTIFIED); these checks read the
``occurrenceID`` *term* and the Darwin Core "triplet" (institutionCode, collectionCode,
catalogNumber), whichever column carries them.

- occurrenceID is compared as the IPT does before publishing: spaces around it ignored and
  upper/lower case not distinguished (``ABC1`` and ``abc1`` are the same id).
- Catalogue numbers are compared within an institution and collection (codes compared without
  case), spaces around values ignored; a missing institutionCode or collectionCode counts as
  one more "blank" code.
"""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from dwcqa.checks.registry import record_check
from dwcqa.parse import _arrow, cached_keys, combine_keys, duplicated, has_capitals
from dwcqa.parse.uris import WEB
from dwcqa.terms import DWC

OCCURRENCE_ID = DWC + "occurrenceID"
INSTITUTION_CODE = DWC + "institutionCode"
COLLECTION_CODE = DWC + "collectionCode"
CATALOG_NUMBER = DWC + "catalogNumber"
RECORDED_BY = DWC + "recordedBy"
RECORD_NUMBER = DWC + "recordNumber"
EVENT_DATE = DWC + "eventDate"
TRIPLET = (INSTITUTION_CODE, COLLECTION_CODE, CATALOG_NUMBER)

UUID = r"^(?i:urn:uuid:)?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
URN = r"^(?i:urn):[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$"
DOI = r"^(?i:doi):10\.\S+$"
GUID_LIKE = "|".join(f"(?:{p})" for p in (UUID, URN, WEB, DOI))


def _is_core_id(context) -> bool:
    """occurrenceID is the core's id column: the structure checks already report it."""
    field = context.core.field(OCCURRENCE_ID)
    return field is not None and field.index is not None and field.index == context.core.spec.id_index


@record_check(
    id="OCCURRENCE_ID_MISSING",
    title="occurrenceID is empty",
    explanation="""The record has no occurrenceID. GBIF uses occurrenceID to recognise the same record
    in the next version of the dataset, and the IPT will not publish occurrences without one.
    Give every record a stable identifier, ideally a UUID or a URI, that never changes once
    published. (When occurrenceID is the core's id column, RECORD_IDENTIFIER_NOT_FOUND reports
    this instead.)""",
    severity="error",
    dimension="identifiers",
    terms=(OCCURRENCE_ID,),
    bdq=("VALIDATION_OCCURRENCEID_NOTEMPTY", "c486546c-e6e5-48a7-b286-eba7f5ca56c4"),
)
def occurrence_id_missing(context):
    if context.column(OCCURRENCE_ID) is None or _is_core_id(context):
        return None
    return ~context.present(OCCURRENCE_ID)


@record_check(
    id="OCCURRENCE_ID_DIFFERS_ONLY_IN_CASE",
    title="occurrenceID differs from another only in case or spaces",
    explanation="""This record's occurrenceID equals another record's except for upper/lower case or
    spaces around it (ABC-1 and abc-1). The IPT compares occurrenceIDs this way and stops
    publication, and many databases and users do not tell them apart either. Give each record a
    clearly different identifier. (Exact duplicates are reported by OCCURRENCE_NOT_UNIQUELY_IDENTIFIED.)""",
    severity="error",
    dimension="identifiers",
    terms=(OCCURRENCE_ID,),
)
def occurrence_id_differs_only_in_case(context):
    values = context.column(OCCURRENCE_ID)
    if values is None:
        return None
    if not has_capitals(values) and not context.has_blank_edges(OCCURRENCE_ID):
        # Folding case and trimming change no value: equal ones are exact duplicates.
        return np.zeros(context.records, dtype=bool)
    loose = duplicated(cached_keys(context, OCCURRENCE_ID, fold_case=True))
    if not loose.any():
        return loose
    exact = context.column(OCCURRENCE_ID)
    exact_dup = exact.duplicated(keep=False).to_numpy(dtype=bool, na_value=False)
    return loose & ~exact_dup


@record_check(
    id="OCCURRENCE_ID_NOT_GUID",
    title="occurrenceID is not a globally unique form",
    explanation="""occurrenceID is neither a UUID nor a URI (urn:..., http(s)://..., doi:...). A plain
    number or catalogue code such as "12345" is unique only inside your database, so it can clash
    with other datasets. GBIF recommends a globally unique, persistent identifier: prefix local ids
    with your institution's namespace (urn:catalog:INST:COLL:123) or use UUIDs, and never change
    them once published.""",
    severity="info",
    dimension="identifiers",
    terms=(OCCURRENCE_ID,),
)
def occurrence_id_not_guid(context):
    values = context.column(OCCURRENCE_ID)
    if values is None:
        return None

    def compute():
        # identifiers are (nearly) all distinct: match the column directly, without factorizing,
        # and trimmed only when the cell scan found blanks at the edges of some value
        text = _arrow(values)
        if context.has_blank_edges(OCCURRENCE_ID):
            text = pc.utf8_trim_whitespace(text)
        good = np.asarray(pc.fill_null(pc.match_substring_regex(text, GUID_LIKE), False).to_numpy(zero_copy_only=False), dtype=bool)
        return ~good & context.present(OCCURRENCE_ID)

    return context.cached(("identifiers.not_guid",), compute)


@record_check(
    id="CATALOG_NUMBER_MISSING",
    title="catalogNumber is empty",
    explanation="""The record has no catalogNumber. It is how visitors and loans staff find the
    specimen in your collection, and together with institutionCode and collectionCode it identifies
    the record when occurrenceID changes. Fill in the number written on the specimen or in the
    register.""",
    severity="warning",
    dimension="identifiers",
    terms=(CATALOG_NUMBER,),
)
def catalog_number_missing(context):
    if context.column(CATALOG_NUMBER) is None:
        return None
    return ~context.present(CATALOG_NUMBER)


def _code_or_blank(context, term: str) -> np.ndarray:
    codes = cached_keys(context, term, fold_case=True)
    return np.where(codes < 0, codes.max(initial=-1) + 1, codes)


def _triplet_keys(context) -> np.ndarray:
    return context.cached(
        ("identifiers.triplet",),
        lambda: combine_keys(_code_or_blank(context, INSTITUTION_CODE), _code_or_blank(context, COLLECTION_CODE), cached_keys(context, CATALOG_NUMBER)),
    )


@record_check(
    id="CATALOG_NUMBER_NOT_UNIQUE",
    title="Same catalogue number twice in one collection",
    explanation="""Two or more records have the same catalogNumber within the same institutionCode and
    collectionCode. Either they describe the same specimen (a duplicate to remove or merge) or one
    number was mistyped. GBIF and users treat institution + collection + catalogue number as the
    specimen's identity, so duplicates make citations ambiguous. Check the specimens and correct
    the numbers.""",
    severity="warning",
    dimension="identifiers",
    terms=TRIPLET,
)
def catalog_number_not_unique(context):
    if context.column(CATALOG_NUMBER) is None:
        return None
    return duplicated(_triplet_keys(context))


@record_check(
    id="TRIPLET_INCOMPLETE",
    title="institutionCode, collectionCode or catalogNumber missing",
    explanation="""One or more of institutionCode, collectionCode and catalogNumber is empty or not
    in the archive. Together these three identify a specimen across databases (the "Darwin Core
    triplet"); GBIF falls back on them when occurrenceID is missing or changes. Fill in all three.""",
    severity="info",
    dimension="identifiers",
    terms=TRIPLET,
)
def triplet_incomplete(context):
    if not any(context.column(t) is not None for t in TRIPLET):
        return None
    complete = context.present(INSTITUTION_CODE) & context.present(COLLECTION_CODE) & context.present(CATALOG_NUMBER)
    return ~complete


@record_check(
    id="POTENTIAL_DUPLICATE_SPECIMEN",
    title="Possibly the same specimen twice",
    explanation="""Two or more records have the same collector (recordedBy), collector number
    (recordNumber) and date (eventDate). They may be duplicates of one gathering (for example
    herbarium duplicates, which are fine if marked as such) or the same specimen entered twice.
    Check them; link true duplicates with associatedOccurrences or remove double entries.""",
    severity="info",
    dimension="identifiers",
    terms=(RECORDED_BY, RECORD_NUMBER, EVENT_DATE),
)
def potential_duplicate_specimen(context):
    if any(context.column(t) is None for t in (RECORDED_BY, RECORD_NUMBER, EVENT_DATE)):
        return None
    keys = combine_keys(
        cached_keys(context, RECORDED_BY, fold_case=True),
        cached_keys(context, RECORD_NUMBER, fold_case=True),
        cached_keys(context, EVENT_DATE),
    )
    return duplicated(keys)
