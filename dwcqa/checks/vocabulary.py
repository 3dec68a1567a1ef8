"""Vocabulary checks: values of controlled-vocabulary terms.

For each term two questions, kept apart on purpose:

- ``..._INVALID`` (GBIF: BASIS_OF_RECORD_INVALID, TYPE_STATUS_INVALID,
  OCCURRENCE_STATUS_UNPARSABLE): the value is not in the vocabulary at all, so nobody (GBIF
  included) can interpret it;
- ``..._NOT_STANDARD``: the value *is* a standard value, written differently (``preserved
  specimen``, ``M``, ``juv.``, ``Holotype``). GBIF usually understands it, other users and tools
  may not; an amendment (``dwcqa.vocabularies.standardise``) can rewrite it.

The vocabularies and synonyms are ``dwcqa/standards/vocab_synonyms.csv`` (GBIF thesauri and
parser dictionaries); see :mod:`dwcqa.vocabularies`. Each distinct value is looked up once.
Taxonomic vocabularies (taxonRank, taxonomicStatus, nomenclaturalCode) are in taxonomy.py.
"""

from __future__ import annotations

import re

import numpy as np

from dwcqa.checks.registry import record_check
from dwcqa.parse import distinct, expand, with_missing_slot
from dwcqa.vocabularies import EMPTY, TERMS, UNKNOWN, VARIANT, classify


def classified(context, vocabulary: str):
    """The term's values classified (cached), or None when the core lacks the term."""
    term = TERMS[vocabulary]
    if context.column(term) is None:
        return None
    return context.cached(("vocabulary", vocabulary), lambda: classify(vocabulary, context.column(term)))


def invalid_mask(context, vocabulary: str):
    result = classified(context, vocabulary)
    return None if result is None else result.status == UNKNOWN


def variant_mask(context, vocabulary: str):
    result = classified(context, vocabulary)
    return None if result is None else result.status == VARIANT


def register_pair(vocabulary: str, *, prefix: str, label: str, invalid_id: str | None = None, invalid_severity="warning",
                  invalid_explanation: str, variant_explanation: str, bdq_standard=None, bdq_amendment=None,
                  dimension="vocabulary", variant_severity="info") -> None:
    """Register the INVALID and NOT_STANDARD checks of one vocabulary."""
    term = TERMS[vocabulary]
    record_check(
        id=invalid_id or f"{prefix}_INVALID",
        title=f"{label} not in the vocabulary",
        explanation=invalid_explanation,
        severity=invalid_severity,
        dimension=dimension,
        terms=(term,),
        bdq=bdq_standard,
    )(lambda context: invalid_mask(context, vocabulary))
    record_check(
        id=f"{prefix}_NOT_STANDARD",
        title=f"{label} written differently from the standard value",
        explanation=variant_explanation,
        severity=variant_severity,
        dimension=dimension,
        terms=(term,),
        bdq=bdq_amendment,
    )(lambda context: variant_mask(context, vocabulary))


# -- basisOfRecord ----------------------------------------------------------------------------


@record_check(
    id="BASIS_OF_RECORD_MISSING",
    title="basisOfRecord is empty",
    explanation="""The record has no basisOfRecord, so users cannot tell a preserved specimen from an
    observation. GBIF requires it and the IPT will not publish occurrences without it. Fill in
    one of PreservedSpecimen, FossilSpecimen, LivingSpecimen, MaterialSample, HumanObservation,
    MachineObservation, MaterialCitation, Occurrence.""",
    severity="error",
    dimension="vocabulary",
    terms=(TERMS["basisOfRecord"],),
    bdq=("VALIDATION_BASISOFRECORD_NOTEMPTY", "ac2b7648-d5f9-48ca-9b07-8ad5879a2536"),
)
def basis_of_record_missing(context):
    result = classified(context, "basisOfRecord")
    return None if result is None else result.status == EMPTY


register_pair(
    "basisOfRecord",
    prefix="BASIS_OF_RECORD",
    label="basisOfRecord",
    invalid_severity="error",
    invalid_explanation="""basisOfRecord holds a value that is not one of the Darwin Core classes GBIF
    accepts (PreservedSpecimen, FossilSpecimen, LivingSpecimen, MaterialSample, HumanObservation,
    MachineObservation, MaterialCitation, Occurrence), nor a known way of writing one. The IPT
    refuses to publish such records and GBIF cannot tell what kind of evidence they are. Replace it
    with the matching class.""",
    variant_explanation="""basisOfRecord means a standard class but is written differently
    ("preserved specimen", "PRESERVED_SPECIMEN", "S", spaces around it). GBIF may understand it,
    but the IPT and other tools expect the exact class name. Replace it by the standard spelling,
    e.g. PreservedSpecimen; dwcqa can propose the change.""",
    variant_severity="warning",
    bdq_standard=("VALIDATION_BASISOFRECORD_STANDARD", "42408a00-bf71-4892-a399-4325e2bc1fb8"),
    bdq_amendment=("AMENDMENT_BASISOFRECORD_STANDARDIZED", "07c28ace-561a-476e-a9b9-3d5ad6e35933"),
)

# -- occurrenceStatus -------------------------------------------------------------------------

register_pair(
    "occurrenceStatus",
    prefix="OCCURRENCE_STATUS",
    invalid_id="OCCURRENCE_STATUS_UNPARSABLE",
    label="occurrenceStatus",
    invalid_explanation="""occurrenceStatus must say whether the organism was present or absent.
    This value is neither, nor a known way of writing either, so GBIF cannot interpret it and may
    treat an absence as a presence. Use "present" or "absent".""",
    variant_explanation="""occurrenceStatus means present or absent but is written differently
    ("Present", "yes", "1", "observed"). Write exactly "present" or "absent" so every tool reads it
    the same way; dwcqa can propose the change.""",
    bdq_standard=("VALIDATION_OCCURRENCESTATUS_STANDARD", "7af25f1e-a4e2-4ff4-b161-d1f25a5c3e47"),
    bdq_amendment=("AMENDMENT_OCCURRENCESTATUS_STANDARDIZED", "f8f3a093-042c-47a3-971a-a482aaaf3b75"),
)

# -- typeStatus -------------------------------------------------------------------------------

_TYPE_LIKE = re.compile(r"typ|tipo", re.IGNORECASE)


def _type_like(context) -> np.ndarray:
    def compute():
        values = context.column(TERMS["typeStatus"])
        codes, uniques = distinct(values)
        like = np.array([bool(_TYPE_LIKE.search(u)) if isinstance(u, str) else False for u in uniques], dtype=bool)
        return expand(codes, with_missing_slot(like, False))

    return context.cached(("vocabulary.type_like",), compute)


@record_check(
    id="TYPE_STATUS_INVALID",
    title="typeStatus not in the vocabulary",
    explanation="""typeStatus holds a value that is not a nomenclatural type status (holotype,
    paratype, syntype, lectotype, ...) nor a known way of writing one. GBIF cannot interpret it, so
    the record will not be found among type specimens. Write the status first, optionally followed
    by "of" and the name, e.g. "holotype of Aus bus L."; separate several with " | ".""",
    severity="warning",
    dimension="vocabulary",
    terms=(TERMS["typeStatus"],),
    bdq=("VALIDATION_TYPESTATUS_STANDARD", "4833a522-12eb-4fe0-b4cf-7f7a337a6048"),
)
def type_status_invalid(context):
    mask = invalid_mask(context, "typeStatus")
    return None if mask is None else mask & ~_type_like(context)


@record_check(
    id="SUSPECTED_TYPE",
    title="Probably a type specimen, but the type status cannot be read",
    explanation="""typeStatus mentions a type ("type", "typus", "tipo") but not in a form the type-status
    vocabulary knows, e.g. "Typ. material" or "ex type culture?". The record is probably a type
    specimen, yet GBIF will not list it as one. Rewrite typeStatus with a standard status such as
    holotype, isotype or paratype.""",
    severity="warning",
    dimension="vocabulary",
    terms=(TERMS["typeStatus"],),
)
def suspected_type(context):
    mask = invalid_mask(context, "typeStatus")
    return None if mask is None else mask & _type_like(context)


record_check(
    id="TYPE_STATUS_NOT_STANDARD",
    title="typeStatus written differently from the standard value",
    explanation="""typeStatus names a standard type status but writes it differently ("Holotype",
    "HOLOTYPE", "holotypus", "para-type", "Syntypes"). GBIF may understand it; other tools expect
    the vocabulary's spelling (lower case, singular: holotype, paratype, syntype). dwcqa can propose
    the change and keeps any "of <name>" that follows.""",
    severity="info",
    dimension="vocabulary",
    terms=(TERMS["typeStatus"],),
    bdq=("AMENDMENT_TYPESTATUS_STANDARDIZED", "b3471c65-b53e-453b-8282-abfa27bf1805"),
)(lambda context: variant_mask(context, "typeStatus"))

# -- other Darwin Core vocabularies -----------------------------------------------------------

register_pair(
    "establishmentMeans",
    prefix="ESTABLISHMENT_MEANS",
    label="establishmentMeans",
    invalid_explanation="""establishmentMeans should say how the organism came to be there: native,
    nativeReintroduced, introduced, introducedAssistedColonisation, vagrant or uncertain. This
    value is none of them, so users filtering native or introduced populations will miss or
    misread the record. Use one of those values; put other detail in occurrenceRemarks.""",
    variant_explanation="""establishmentMeans means a standard value but is written differently
    ("Native", "alien", "indigenous"). Write the vocabulary's value (native, introduced, ...);
    dwcqa can propose the change.""",
    bdq_standard=("VALIDATION_ESTABLISHMENTMEANS_STANDARD", "4eb48fdf-7299-4d63-9d08-246902e2857f"),
    bdq_amendment=("AMENDMENT_ESTABLISHMENTMEANS_STANDARDIZED", "15d15927-7a22-43f8-88d6-298f5eb45c4c"),
)

register_pair(
    "degreeOfEstablishment",
    prefix="DEGREE_OF_ESTABLISHMENT",
    label="degreeOfEstablishment",
    invalid_explanation="""degreeOfEstablishment should be one of the values of the Darwin Core
    vocabulary (native, captive, cultivated, released, failing, casual, reproducing, established,
    colonising, invasive, widespreadInvasive). This value is not, so invasion studies cannot use it.
    Replace it with the matching value.""",
    variant_explanation="""degreeOfEstablishment means a standard value but is written differently
    (another language, capitals, spaces). Write the vocabulary's value; dwcqa can propose it.""",
    bdq_standard=("VALIDATION_DEGREEOFESTABLISHMENT_STANDARD", "060e7734-607d-4737-8b2c-bfa17788bf1a"),
    bdq_amendment=("AMENDMENT_DEGREEOFESTABLISHMENT_STANDARDIZED", "74ef1034-e289-4596-b5b0-cde73796697d"),
)

register_pair(
    "pathway",
    prefix="PATHWAY",
    label="pathway",
    invalid_explanation="""pathway should name how an introduced organism arrived, with a value of the
    Darwin Core pathway vocabulary (e.g. escapeFromConfinement, releaseInNature, hitchhikersShip).
    This value is not one of them, so it cannot be used in invasion analyses. Replace it with the
    matching value; several go separated by " | ".""",
    variant_explanation="""pathway means a standard value but is written differently (a label
    instead of the value, another language). Write the vocabulary's value; dwcqa can propose it.""",
    bdq_standard=("VALIDATION_PATHWAY_STANDARD", "5424e933-bee7-4125-839e-d8743ea69f93"),
    bdq_amendment=("AMENDMENT_PATHWAY_STANDARDIZED", "f9205977-f145-44f5-8cb9-e3e2e35ce908"),
)

register_pair(
    "sex",
    prefix="SEX",
    label="sex",
    invalid_explanation="""sex should be male, female, hermaphrodite or undetermined. This value is none
    of them nor a known way of writing one, so users filtering by sex will miss the record. Use one
    of the four values; put counts such as "2 males, 1 female" in occurrenceRemarks.""",
    variant_explanation="""sex means a standard value but is written differently ("M", "F", "Male",
    "♂", "fem."). Write male, female, hermaphrodite or undetermined; dwcqa can propose the change.""",
    bdq_standard=("VALIDATION_SEX_STANDARD", "88d8598b-3318-483d-9475-a5acf9887404"),
    bdq_amendment=("AMENDMENT_SEX_STANDARDIZED", "33c45ae1-e2db-462a-a59e-7169bb01c5d6"),
)

register_pair(
    "lifeStage",
    prefix="LIFE_STAGE",
    label="lifeStage",
    invalid_explanation="""lifeStage is not a value of GBIF's life-stage vocabulary (zygote, embryo,
    larva, juvenile, adult, pupa, sporophyte, spore, gametophyte, gamete) nor a known way of writing
    one. Users filtering by life stage will miss the record. Use a vocabulary value where one fits;
    put other detail in occurrenceRemarks.""",
    variant_explanation="""lifeStage means a standard value but is written differently ("Adult", "ad.",
    "juv.", "imago", "tadpole"). Write the vocabulary's value (adult, juvenile, larva, ...); dwcqa can
    propose the change.""",
)

register_pair(
    "dcType",
    prefix="DC_TYPE",
    label="type (dcterms:type)",
    invalid_explanation="""dcterms:type should be one of the DCMI types (PhysicalObject, StillImage,
    Sound, MovingImage, Event, Text, Dataset, ...). This value is not, so harvesters cannot tell what
    kind of resource the record describes. Use the DCMI type, e.g. PhysicalObject for a specimen.""",
    variant_explanation="""dcterms:type names a DCMI type but is written differently (lower case,
    spaces, the full URI). Write the type's name, e.g. PhysicalObject; dwcqa can propose it.""",
    bdq_standard=("VALIDATION_DCTYPE_STANDARD", "cdaabb0d-a863-49d0-bc0f-738d771acba5"),
    bdq_amendment=("AMENDMENT_DCTYPE_STANDARDIZED", "bd385eeb-44a2-464b-a503-7abe407ef904"),
)
