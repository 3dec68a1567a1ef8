"""BDQ tests of the NAME dimension: scientific names, ranks, classification.

Tests that look names up use the taxonomic authority of the run (``Context.checklist``, a
user-supplied checklist); without one they answer EXTERNAL_PREREQUISITES_NOT_MET once the
record passes its internal prerequisites.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import numpy as np

from dwcqa.bdq.common import SOURCE, notempty_validation, vocabulary_amendment, vocabulary_validation
from dwcqa.bdq.context import RANKS, canonical_name
from dwcqa.bdq.model import (
    COMPLIANT,
    EXTERNAL_PREREQUISITES_NOT_MET,
    FILLED_IN,
    INTERNAL_PREREQUISITES_NOT_MET,
    NOT_AMENDED,
    NOT_COMPLIANT,
    RUN_HAS_RESULT,
    amendment_json,
)
from dwcqa.bdq.parsing import NON_PRINTING, empty, is_empty_text, map_distinct, map_distinct_rows, present
from dwcqa.bdq.registry import bdq_test

notempty_validation("VALIDATION_SCIENTIFICNAME_NOTEMPTY", "7c4b9498-a8d9-4ebb-85f1-9f200c788595", "dwc:scientificName")
notempty_validation("VALIDATION_KINGDOM_NOTEMPTY", "36ed36c9-b1a7-40b2-b5e2-0d012e772098", "dwc:kingdom")
notempty_validation("VALIDATION_TAXONRANK_NOTEMPTY", "14da5b87-8304-4b2b-911d-117e3c29e890", "dwc:taxonRank")
notempty_validation("VALIDATION_SCIENTIFICNAMEID_NOTEMPTY", "401bf207-9a55-4dff-88a5-abcd58ad97fa", "dwc:scientificNameID")
notempty_validation("VALIDATION_SCIENTIFICNAMEAUTHORSHIP_NOTEMPTY", "49f1d386-5bed-43ae-bd43-deabf7df64fc", "dwc:scientificNameAuthorship")
notempty_validation("VALIDATION_NAMEPUBLISHEDINYEAR_NOTEMPTY", "ff59f77d-71e9-4eb1-aac9-8bd05c50ff70", "dwc:namePublishedInYear")

_RANK = ("GBIF TaxonRank Vocabulary", "GBIF Rank Vocabulary")
vocabulary_validation("VALIDATION_TAXONRANK_STANDARD", "7bdb13a4-8a51-4ee5-be7f-20693fdb183e", "dwc:taxonRank", "taxonRank", aliases=_RANK,
                      notes="Valid values: the concept names of GBIF's rank vocabulary (kingdom ... species, subspecies, cultivar ...).")
vocabulary_amendment("AMENDMENT_TAXONRANK_STANDARDIZED", "e39098df-ef46-464c-9aef-bcdeee2a88cb", "dwc:taxonRank", "taxonRank", aliases=_RANK)

TAXON_TERMS = (
    "dwc:taxonID", "dwc:scientificNameID", "dwc:acceptedNameUsageID", "dwc:parentNameUsageID", "dwc:originalNameUsageID",
    "dwc:taxonConceptID", "dwc:scientificName", "dwc:higherClassification", "dwc:kingdom", "dwc:phylum", "dwc:class",
    "dwc:order", "dwc:superfamily", "dwc:family", "dwc:subfamily", "dwc:tribe", "dwc:subtribe", "dwc:genus",
    "dwc:genericName", "dwc:subgenus", "dwc:infragenericEpithet", "dwc:specificEpithet", "dwc:infraspecificEpithet",
    "dwc:vernacularName", "dwc:cultivarEpithet",
)


@bdq_test("VALIDATION_TAXON_NOTEMPTY", "06851339-843f-4a43-8422-4e61b9a00e75")
def validation_taxon_notempty(record, params, context, out):
    some = np.zeros(record.n, dtype=bool)
    for term in TAXON_TERMS:
        some |= ~record.empty(term)
    out.decide(some, RUN_HAS_RESULT, COMPLIANT, "at least one taxon term is bdqval:NotEmpty")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "all taxon terms are bdqval:Empty")


# --- dwc:scientificNameID -------------------------------------------------------------------

_NID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]")
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def scientific_name_id_complete(value: str) -> bool:
    """LSID, URN with NID and NSS, scope:value (value an integer or a UUID), or a URI with a
    host and a path longer than "/"."""
    if value != value.strip() or not value or re.search(r"\s", value):
        return False
    lowered = value.lower()
    if lowered.startswith("urn:"):
        parts = value.split(":")
        if len(parts) >= 3 and parts[1].lower() == "lsid":
            return len(parts) in (5, 6) and all(parts[2:5])
        return len(parts) >= 3 and bool(_NID.fullmatch(parts[1])) and bool(":".join(parts[2:]))
    if re.fullmatch(rf"[a-z]+:(?:\d+|{_UUID})", lowered):
        return True
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc and parts.hostname and parts.path not in ("", "/"))


@bdq_test("VALIDATION_SCIENTIFICNAMEID_COMPLETE", "6eeac3ed-f691-457f-a42e-eaa9c8a71ce8",
          notes="scope:value is accepted when the value is an integer or a UUID (gbif:8102122), as in "
                "FilteredPush's reading; \"dwc:scientificName\" is a term name, not an identifier.")
def validation_scientificnameid_complete(record, params, context, out):
    values = record["dwc:scientificNameID"]
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:scientificNameID is bdqval:Empty")
    complete = map_distinct(values, scientific_name_id_complete).astype(bool)
    out.decide(complete, RUN_HAS_RESULT, COMPLIANT, "dwc:scientificNameID is an LSID, a URN, scope:value or a URI with host and path")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "dwc:scientificNameID is not a complete identifier")


# --- polynomial -------------------------------------------------------------------------------

_RANK_MARKERS = re.compile(
    r"(?:subsp|ssp|var|subvar|f|fo|forma|subf|subform|cv|nothosubsp|nothovar|nothof|agg|aff|cf|morph|race|ab|lusus|prol|convar|grex)\.?", re.I
)
_PARTICLES = {"ex", "et", "in", "and", "de", "van", "von", "du", "da", "del", "della", "le", "la", "des", "der", "den", "ter", "y", "e", "d"}


def polynomial_parts(name: str) -> tuple[str, str, str] | None:
    """(generic name, specific epithet, terminal infraspecific epithet) of a scientific name,
    "" for parts it does not have; None when the name is not a polynomial at all."""
    words = name.strip(NON_PRINTING).split()
    if not words:
        return None
    if words[0] in ("×", "x") and len(words) > 1:
        words = words[1:]
    generic = words[0].lstrip("×")
    rest = words[1:]
    if rest and re.fullmatch(r"\([^)]*\)", rest[0]):  # subgenus
        rest = rest[1:]
    epithets: list[str] = []
    for word in rest:
        bare = word.strip(",;")
        if bare in ("×", "x", "?") or _RANK_MARKERS.fullmatch(bare):
            continue
        if re.fullmatch(r"[a-z][a-z-]*", bare) and bare not in _PARTICLES:
            epithets.append(bare)
            continue
        break  # authorship starts
    specific = epithets[0] if epithets else ""
    infraspecific = epithets[-1] if len(epithets) > 1 else ""
    return generic, specific, infraspecific


def _polynomial_consistent(name: str, generic: str, specific: str, infraspecific: str) -> bool:
    parts = polynomial_parts(name)
    if parts is None:
        return False
    for given, found in zip((generic, specific, infraspecific), parts):
        given = given.strip(NON_PRINTING)
        if given and given != found:
            return False
    return True


@bdq_test("VALIDATION_POLYNOMIAL_CONSISTENT", "17f03f1f-f74d-40c0-8071-2927cfc9487b")
def validation_polynomial_consistent(record, params, context, out):
    name, generic = record["dwc:scientificName"], record["dwc:genericName"]
    specific, infraspecific = record["dwc:specificEpithet"], record["dwc:infraspecificEpithet"]
    out.decide(empty(name), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:scientificName is bdqval:Empty")
    out.decide(empty(generic) & empty(specific) & empty(infraspecific), INTERNAL_PREREQUISITES_NOT_MET,
               comment="dwc:genericName, dwc:specificEpithet and dwc:infraspecificEpithet are bdqval:Empty")
    blank = lambda s: s.where(~empty(s), "")  # noqa: E731
    consistent = map_distinct_rows([name, blank(generic), blank(specific), blank(infraspecific)], _polynomial_consistent).astype(bool)
    out.decide(consistent, RUN_HAS_RESULT, COMPLIANT, "dwc:scientificName is consistent with its atomic parts")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "dwc:scientificName is inconsistent with dwc:genericName, dwc:specificEpithet or dwc:infraspecificEpithet")


# --- tests that need a taxonomic authority --------------------------------------------------

_NO_CHECKLIST = "no taxonomic bdqval:sourceAuthority is available (give a checklist)"


def _authority_or_external(out, params, context):
    authority = context.taxonomy(params)
    if authority is None:
        named = params[SOURCE] if params.given.get(SOURCE) else "GBIF Backbone Taxonomy"
        out.rest(EXTERNAL_PREREQUISITES_NOT_MET, comment=f"bdqval:sourceAuthority [{named}] is not available: {_NO_CHECKLIST}")
    return authority


def _found_at_rank(label: str, guid: str, rank: str) -> None:
    term = f"dwc:{rank}"

    @bdq_test(label, guid, requires="taxonomy",
              notes=f"COMPLIANT when the value is, exactly, the name of an accepted taxon of rank {rank} in the checklist, "
                    f"or a value of its {rank} column.")
    def test(record, params, context, out):
        values = record[term]
        out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{term} is bdqval:Empty")
        authority = _authority_or_external(out, params, context)
        if authority is None:
            return
        names = authority.names_at_rank(rank)
        found = map_distinct(values, lambda v: v in names).astype(bool)
        out.decide(found, RUN_HAS_RESULT, COMPLIANT, f"{term} is found at rank {rank} in the bdqval:sourceAuthority")
        out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, f"{term} is not found at rank {rank} in the bdqval:sourceAuthority")

    test.__name__ = label.lower()


_found_at_rank("VALIDATION_KINGDOM_FOUND", "125b5493-052d-4a0d-a3e1-ed5bf792689e", "kingdom")
_found_at_rank("VALIDATION_PHYLUM_FOUND", "eaad41c5-1d46-4917-a08b-4fd1d7ff5c0f", "phylum")
_found_at_rank("VALIDATION_CLASS_FOUND", "2cd6884e-3d14-4476-94f7-1191cfff309b", "class")
_found_at_rank("VALIDATION_ORDER_FOUND", "81cc974d-43cc-4c0f-a5e0-afa23b455aa3", "order")
_found_at_rank("VALIDATION_FAMILY_FOUND", "3667556d-d8f5-454c-922b-af8af38f613c", "family")
_found_at_rank("VALIDATION_GENUS_FOUND", "f2ce7d55-5b1d-426a-b00e-6d4efe3058ec", "genus")


@bdq_test("VALIDATION_SCIENTIFICNAME_FOUND", "3f335517-f442-4b98-b149-1e87ff16de45", requires="taxonomy",
          notes="COMPLIANT when the value equals a scientificName of the checklist, with or without its authorship.")
def validation_scientificname_found(record, params, context, out):
    values = record["dwc:scientificName"]
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:scientificName is bdqval:Empty")
    authority = _authority_or_external(out, params, context)
    if authority is None:
        return
    found = map_distinct(values, lambda v: bool(authority.by_name(v))).astype(bool)
    out.decide(found, RUN_HAS_RESULT, COMPLIANT, "dwc:scientificName is found in the bdqval:sourceAuthority")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "dwc:scientificName is not found in the bdqval:sourceAuthority")


_NAME_TERMS = ("dwc:scientificName", "dwc:genericName", "dwc:specificEpithet", "dwc:infraspecificEpithet", "dwc:scientificNameAuthorship", "dwc:cultivarEpithet")
_HINT_TERMS = (
    "dwc:scientificNameAuthorship", "dwc:taxonRank", *(f"dwc:{r}" for r in RANKS), "dwc:subgenus", "dwc:taxonID",
    "dwc:acceptedNameUsageID", "dwc:originalNameUsageID", "dwc:taxonConceptID", "dwc:vernacularName", "dwc:higherClassification",
)


def _candidates(authority, values: dict[str, str]) -> list[int]:
    """Taxa of the checklist the record's name terms resolve to, homonyms narrowed by the rest."""
    clean = {k: (v or "").strip(NON_PRINTING) for k, v in values.items()}
    name = clean.get("dwc:scientificName", "")
    if name:
        found = authority.by_name(name) or authority.by_name(canonical_name(name, clean.get("dwc:scientificNameAuthorship", "")))
    else:
        parts = [clean.get(t, "") for t in ("dwc:genericName", "dwc:specificEpithet", "dwc:infraspecificEpithet")]
        built = " ".join(p for p in parts if p)
        if clean.get("dwc:cultivarEpithet"):
            built = f"{built} '{clean['dwc:cultivarEpithet'].strip(chr(39))}'".strip()
        found = authority.by_name(built) if built else []
        author = clean.get("dwc:scientificNameAuthorship", "")
        if not found and built and author:
            found = authority.by_name(f"{built} {author}")
    hints = {k.split(":", 1)[1]: clean.get(k, "") for k in _HINT_TERMS}
    return authority.narrow(found, hints)


def _resolver(authority, terms: tuple[str, ...], with_id: bool):
    def resolve(*row: str) -> int | None:
        values = dict(zip(terms, row))
        if with_id and not is_empty_text(values.get("dwc:scientificNameID", "")):
            found = authority.by_id(values["dwc:scientificNameID"])
        else:
            found = _candidates(authority, values)
        return found[0] if len(found) == 1 else None

    return resolve


@bdq_test("VALIDATION_TAXON_UNAMBIGUOUS", "4c09f127-737b-4686-82a0-7c8e30841590", requires="taxonomy",
          notes="Resolves dwc:scientificNameID (also gbif:N and GBIF species URLs against taxonID), else dwc:scientificName, "
                "else the atomic name terms, in the checklist; homonyms are narrowed with authorship, rank, higher taxa and identifiers.")
def validation_taxon_unambiguous(record, params, context, out):
    id_terms = ("dwc:scientificNameID", *_NAME_TERMS)
    nothing = np.ones(record.n, dtype=bool)
    for term in id_terms:
        nothing &= record.empty(term)
    out.decide(nothing, INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:scientificNameID and all the name terms are bdqval:Empty")
    authority = _authority_or_external(out, params, context)
    if authority is None:
        return
    terms = id_terms + _HINT_TERMS
    found = map_distinct_rows([record[t] for t in terms], _resolver(authority, terms, with_id=True))
    out.decide(present(found), RUN_HAS_RESULT, COMPLIANT, "the record resolves to a single taxon in the bdqval:sourceAuthority")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "the record resolves to no taxon, or to more than one, in the bdqval:sourceAuthority")


@bdq_test("AMENDMENT_SCIENTIFICNAMEID_FROM_TAXON", "431467d6-9b4b-48fa-a197-cd5379f5e889", requires="taxonomy",
          notes="Fills in the checklist's scientificNameID of the one taxon the name resolves to, or its taxonID "
                "(as gbif:N when the checklist is the GBIF Backbone).")
def amendment_scientificnameid_from_taxon(record, params, context, out):
    out.decide(~record.empty("dwc:scientificNameID"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:scientificNameID is bdqval:NotEmpty")
    nothing = np.ones(record.n, dtype=bool)
    for term in _NAME_TERMS:
        nothing &= record.empty(term)
    out.decide(nothing, INTERNAL_PREREQUISITES_NOT_MET, comment="all the name terms are bdqval:Empty")
    authority = _authority_or_external(out, params, context)
    if authority is None:
        return
    terms = _NAME_TERMS + _HINT_TERMS
    resolve = _resolver(authority, terms, with_id=False)
    identifiers = map_distinct_rows([record[t] for t in terms], lambda *row: (None if (i := resolve(*row)) is None else (authority.identifier(i) or None)))
    ok = present(identifiers)
    out.decide(ok, FILLED_IN, amendment_json(record.n, [("dwc:scientificNameID", identifiers)]), "dwc:scientificNameID filled in from the one taxon the name resolves to")
    out.rest(NOT_AMENDED, comment="the name resolves to no taxon, or to more than one, in the bdqval:sourceAuthority")


@bdq_test("AMENDMENT_SCIENTIFICNAME_FROM_SCIENTIFICNAMEID", "f01fb3f9-2f7e-418b-9f51-adf50f202aea", requires="taxonomy")
def amendment_scientificname_from_scientificnameid(record, params, context, out):
    identifiers = record["dwc:scientificNameID"]
    out.decide(empty(identifiers), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:scientificNameID is bdqval:Empty")
    out.decide(~record.empty("dwc:scientificName"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:scientificName is bdqval:NotEmpty")
    authority = _authority_or_external(out, params, context)
    if authority is None:
        return

    def name_of(identifier: str) -> str | None:
        found = authority.by_id(identifier)
        return authority.taxa.iloc[found[0]]["scientificName"] or None if len(found) == 1 else None

    names = map_distinct(identifiers, name_of)
    ok = present(names)
    out.decide(ok, FILLED_IN, amendment_json(record.n, [("dwc:scientificName", names)]), "dwc:scientificName filled in from the taxon dwc:scientificNameID identifies")
    out.rest(NOT_AMENDED, comment="dwc:scientificNameID identifies no taxon, or more than one, in the bdqval:sourceAuthority")


def _classification_consistent(authority, *values: str) -> bool:
    """The lowest-ranking term the checklist resolves (synonyms to their accepted name) must
    belong to a taxon whose classification holds every other term given."""
    provided = {rank: v.strip(NON_PRINTING) for rank, v in zip(RANKS, values) if not is_empty_text(v)}
    resolved = {rank: authority.resolver_at_rank(rank).get(v) for rank, v in provided.items()}
    taxa = authority.taxa
    for rank in reversed(RANKS):
        accepted = resolved.get(rank)
        if accepted is None:
            continue
        others = [(other, want) for other, want in resolved.items() if other != rank]
        lineages = taxa.loc[taxa[rank] == accepted, list(RANKS)].drop_duplicates()
        for _, taxon in lineages.iterrows():  # distinct classifications under that name: a handful
            if all(want is not None and (taxon[other] == want if taxon[other] else True) for other, want in others):
                return True
        return False
    return False


@bdq_test("VALIDATION_CLASSIFICATION_CONSISTENT", "2750c040-1d4a-4149-99fe-0512785f2d5f", requires="taxonomy",
          notes="Takes the lowest-ranking term whose value the checklist holds at that rank and checks the higher terms "
                "against that taxon's classification in the checklist.")
def validation_classification_consistent(record, params, context, out):
    columns = [record[f"dwc:{r}"] for r in RANKS]
    nothing = np.ones(record.n, dtype=bool)
    for column in columns:
        nothing &= empty(column)
    out.decide(nothing, INTERNAL_PREREQUISITES_NOT_MET, comment="all the higher classification terms are bdqval:Empty")
    authority = _authority_or_external(out, params, context)
    if authority is None:
        return
    consistent = map_distinct_rows(columns, lambda *row: _classification_consistent(authority, *row)).astype(bool)
    out.decide(consistent, RUN_HAS_RESULT, COMPLIANT, "the higher classification is consistent in the bdqval:sourceAuthority")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "the higher classification cannot be resolved consistently in the bdqval:sourceAuthority")
