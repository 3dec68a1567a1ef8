"""Taxonomy checks that need no name service: the name is there, its parts agree, and the
taxonomic vocabularies (taxonRank, taxonomicStatus, nomenclaturalCode) are used.

Matching names against a backbone (GBIF's TAXON_MATCH_* flags) needs the network or a large
checklist and is not done here.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dwcqa.checks.registry import record_check
from dwcqa.checks.vocabulary import register_pair
from dwcqa.parse import _arrow
from dwcqa.terms import DWC

SCIENTIFIC_NAME = DWC + "scientificName"
GENUS = DWC + "genus"
GENERIC_NAME = DWC + "genericName"
SPECIFIC_EPITHET = DWC + "specificEpithet"
INFRASPECIFIC_EPITHET = DWC + "infraspecificEpithet"

@record_check(
    id="SCIENTIFIC_NAME_MISSING",
    title="scientificName is empty",
    explanation="""The record has no scientificName, so GBIF cannot attach it to any taxon and it will not
    appear in species searches or maps. Fill in the lowest name the specimen is identified to (a
    genus or family name is fine), with its authorship if you have it.""",
    severity="warning",
    dimension="taxonomy",
    terms=(SCIENTIFIC_NAME,),
    bdq=("VALIDATION_SCIENTIFICNAME_NOTEMPTY", "7c4b9498-a8d9-4ebb-85f1-9f200c788595"),
)
def scientific_name_missing(context):
    if context.column(SCIENTIFIC_NAME) is None:
        return None
    return ~context.present(SCIENTIFIC_NAME)


_MARKS = str.maketrans({"×": " ", "†": " ", '"': " ", "'": " "})


def _words(text) -> list[str]:
    return text.translate(_MARKS).split() if isinstance(text, str) else []


def polynomial_consistent(name: str, generic: str | None, specific: str | None, infra: str | None) -> bool:
    """Does the name start with the generic name and epithets given in their own fields?

    Hybrid signs, daggers and quotes are ignored; a subgenus in parentheses after the genus is
    skipped; the infraspecific epithet may stand anywhere after the species epithet (after a rank
    marker, or after the species' authorship in an autonym)."""
    words = _words(name)
    if not words:
        return True
    if generic and _words(generic) and words[0] != _words(generic)[0]:
        return False
    rest = words[1:]
    while rest and rest[0].startswith("("):  # subgenus "(Bus)" or "(Bus"
        closing = next((i for i, w in enumerate(rest) if w.endswith(")")), 0)
        rest = rest[closing + 1:]
    if rest and rest[0] == "x":  # "Sorghum x drummondii": an x written for the hybrid sign
        rest = rest[1:]
    if specific:
        given = _words(specific)
        if not rest or len(given) != 1 or rest[0] != given[0]:
            return False
        rest = rest[1:]
    if infra:
        given = _words(infra)
        if len(given) != 1 or given[0] not in rest:
            return False
    return True


@record_check(
    id="POLYNOMIAL_INCONSISTENT",
    title="scientificName disagrees with the epithets or generic name",
    explanation="""The name in scientificName does not match the genericName, specificEpithet or
    infraspecificEpithet given in their own fields, e.g. scientificName "Acer campestre" with
    specificEpithet "platanoides", or a whole name in specificEpithet. One was changed without the
    other, so users cannot tell which identification is meant. Make the parts agree with the full
    name. (genus is not compared: for a synonym it holds the accepted genus.)""",
    severity="warning",
    dimension="taxonomy",
    terms=(SCIENTIFIC_NAME, GENERIC_NAME, SPECIFIC_EPITHET, INFRASPECIFIC_EPITHET),
    bdq=("VALIDATION_POLYNOMIAL_CONSISTENT", "17f03f1f-f74d-40c0-8071-2927cfc9487b"),
)
def polynomial_inconsistent(context):
    parts = (GENERIC_NAME, SPECIFIC_EPITHET, INFRASPECIFIC_EPITHET)
    if context.column(SCIENTIFIC_NAME) is None or all(context.column(t) is None for t in parts):
        return None
    terms = (SCIENTIFIC_NAME, *parts)
    # One evaluation per distinct combination of the four values as written: they are joined
    # with a separator that cannot occur in a value and hashed once.
    arrays = [pc.fill_null(_arrow(context.column(t)).cast(pa.large_string()), "") for t in terms if context.column(t) is not None]
    separator = pa.scalar("\x1f", type=pa.large_string())
    joined = pc.binary_join_element_wise(*arrays, separator).combine_chunks() if len(arrays) > 1 else arrays[0].combine_chunks()
    inverse = np.asarray(pc.dictionary_encode(joined).indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    first = np.empty(int(inverse.max()) + 1 if len(inverse) else 0, dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(inverse) - 1, -1, -1)  # first record of each combination
    # The values of each combination's first record, gathered per column in one take.
    gathered = []
    for term in terms:
        column = context.column(term)
        if column is None:
            gathered.append([None] * len(first))
            continue
        values = column.iloc[first].to_numpy(dtype=object, na_value=None)
        gathered.append(np.where(context.present(term)[first], values, None).tolist())
    ok = np.fromiter(
        (name is None or polynomial_consistent(name, *rest) for name, *rest in zip(*gathered)), dtype=bool, count=len(first)
    )
    return ~ok[inverse]


register_pair(
    "taxonRank",
    prefix="TAXON_RANK",
    label="taxonRank",
    dimension="taxonomy",
    invalid_explanation="""taxonRank is not a rank of GBIF's rank vocabulary (kingdom, phylum, class,
    order, family, genus, species, subspecies, variety, form, ...) nor a known way of writing one.
    GBIF then has to guess the rank from the name, which can go wrong for homonyms. Use the
    vocabulary's English rank name.""",
    variant_explanation="""taxonRank names a standard rank but writes it differently ("sp.", "Species",
    "ssp.", "var."). Write the vocabulary's value (species, subspecies, variety, ...); dwcqa can
    propose the change.""",
    bdq_standard=("VALIDATION_TAXONRANK_STANDARD", "7bdb13a4-8a51-4ee5-be7f-20693fdb183e"),
    bdq_amendment=("AMENDMENT_TAXONRANK_STANDARDIZED", "e39098df-ef46-464c-9aef-bcdeee2a88cb"),
)

register_pair(
    "taxonomicStatus",
    prefix="TAXONOMIC_STATUS",
    label="taxonomicStatus",
    dimension="taxonomy",
    invalid_explanation="""taxonomicStatus should be one of accepted, doubtful, synonym, heterotypicSynonym,
    homotypicSynonym, proParteSynonym or misapplied. This value is not, so GBIF cannot tell
    accepted names from synonyms in your checklist. Use the matching value.""",
    variant_explanation="""taxonomicStatus means a standard value but is written differently ("valid",
    "Accepted", "junior synonym"). Write the vocabulary's value; dwcqa can propose it.""",
)

register_pair(
    "nomenclaturalCode",
    prefix="NOMENCLATURAL_CODE",
    label="nomenclaturalCode",
    dimension="taxonomy",
    invalid_explanation="""nomenclaturalCode should name the code governing the name: ICN (algae, fungi,
    plants), ICZN (animals), ICNB/ICNP (prokaryotes), ICVCN (viruses), ICNCP (cultivated plants) or
    BioCode. This value is not one of them, which matters for telling homonyms across kingdoms
    apart. Use the code's acronym.""",
    variant_explanation="""nomenclaturalCode names a code but writes it differently ("Botanical", "ICBN",
    "Zoological Code"). Write the acronym (ICN, ICZN, ...); dwcqa can propose it.""",
)
