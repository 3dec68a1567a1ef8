"""Other record checks: elevation and depth, individual counts, URIs, owner institution.

Ids are GBIF's occurrence flags where GBIF has one (ELEVATION_NON_NUMERIC, DEPTH_MIN_MAX_SWAPPED,
INDIVIDUAL_COUNT_INVALID, REFERENCES_URI_INVALID, DIFFERENT_OWNER_INSTITUTION, ...).

Elevation and depth are read with :mod:`dwcqa.parse.numbers`: anything but a plain number in
metres is *non-numeric* ("750 ft", "ca. 910", "1860-1960 m"); with an imperial unit it is also
*not metric*. "Unlikely" uses TDWG BDQ's default ranges: elevation -430 m (Dead Sea shore) to
8,850 m (Everest), depth 0 to 11,000 m (Challenger Deep); options ``min_elevation``,
``max_elevation``, ``max_depth`` change them.
"""

from __future__ import annotations

import numpy as np

from dwcqa.checks.registry import record_check
from dwcqa.checks.vocabulary import classified
from dwcqa.parse import cached_numbers, cached_uris
from dwcqa.terms import DCTERMS, DWC

MIN_ELEVATION = DWC + "minimumElevationInMeters"
MAX_ELEVATION = DWC + "maximumElevationInMeters"
MIN_DEPTH = DWC + "minimumDepthInMeters"
MAX_DEPTH = DWC + "maximumDepthInMeters"
INDIVIDUAL_COUNT = DWC + "individualCount"
OCCURRENCE_STATUS = DWC + "occurrenceStatus"
REFERENCES = DCTERMS + "references"
ASSOCIATED_MEDIA = DWC + "associatedMedia"
INSTITUTION_CODE = DWC + "institutionCode"
OWNER_INSTITUTION_CODE = DWC + "ownerInstitutionCode"
MULTIMEDIA = "http://rs.gbif.org/terms/1.0/Multimedia"
AUDUBON = "http://rs.tdwg.org/ac/terms/Multimedia"
DC_IDENTIFIER = DCTERMS + "identifier"
AC_ACCESS_URI = "http://rs.tdwg.org/ac/terms/accessURI"


def _pair(context, low: str, high: str):
    if context.column(low) is None and context.column(high) is None:
        return None
    return cached_numbers(context, low), cached_numbers(context, high)


def _measure_checks(kind: str, low: str, high: str, low_limit_key: str, low_default: float, high_limit_key: str, high_default: float, bdq):
    noun = kind.lower()
    prefix = kind.upper()
    terms = (low, high)

    def non_numeric(context):
        pair = _pair(context, low, high)
        return None if pair is None else pair[0].non_numeric | pair[1].non_numeric

    def not_metric(context):
        pair = _pair(context, low, high)
        return None if pair is None else pair[0].imperial | pair[1].imperial

    def unlikely(context):
        pair = _pair(context, low, high)
        if pair is None:
            return None
        lo = float(context.options.get(low_limit_key, low_default))
        hi = float(context.options.get(high_limit_key, high_default))
        mask = np.zeros(context.records, dtype=bool)
        for numbers in pair:
            mask |= numbers.numeric & ((numbers.value < lo) | (numbers.value > hi))
        return mask

    def swapped(context):
        pair = _pair(context, low, high)
        if pair is None:
            return None
        a, b = pair
        return a.numeric & b.numeric & (a.value > b.value)

    record_check(
        id=f"{prefix}_NON_NUMERIC",
        title=f"{kind} is not a plain number",
        explanation=f"""minimum or maximum{kind}InMeters holds text instead of a plain number in metres
        ("750 ft", "ca. 910", "1860-1960 m", "1340m"). GBIF cannot read it, so the {noun} is lost.
        Put the number of metres alone in each field (a range goes into the minimum and maximum
        fields), and keep the original wording in verbatim{kind}.""",
        severity="warning",
        dimension="other",
        terms=terms,
    )(non_numeric)
    record_check(
        id=f"{prefix}_NOT_METRIC",
        title=f"{kind} given in feet or other non-metric units",
        explanation=f"""The {noun} is given in feet, yards or miles, but the field is in metres. GBIF
        does not convert it. Convert to metres (1 ft = 0.3048 m) and keep the original in
        verbatim{kind}.""",
        severity="warning",
        dimension="other",
        terms=terms,
    )(not_metric)
    record_check(
        id=f"{prefix}_UNLIKELY",
        title=f"{kind} out of the possible range",
        explanation=f"""The {noun} is outside what is possible on Earth ({low_default:g} to {high_default:g} m),
        which usually means feet entered as metres, a missing decimal point, or a sign error
        {"(depth is positive downwards)" if kind == "Depth" else "(use the depth fields for depths below the water surface)"}.
        Check the label and correct the value.""",
        severity="warning",
        dimension="other",
        terms=terms,
        bdq=bdq,
    )(unlikely)
    record_check(
        id=f"{prefix}_MIN_MAX_SWAPPED",
        title=f"Minimum {noun} greater than maximum",
        explanation=f"""minimum{kind}InMeters is greater than maximum{kind}InMeters, so the two were
        probably swapped. Users filtering by {noun} will get the record wrong. Swap the two values.""",
        severity="warning",
        dimension="other",
        terms=terms,
        bdq=(
            ("VALIDATION_MINELEVATION_LESSTHAN_MAXELEVATION", "d708526b-6561-438e-aa1a-82cd80b06396")
            if kind == "Elevation"
            else ("VALIDATION_MINDEPTH_LESSTHAN_MAXDEPTH", "8f1e6e58-544b-4365-a569-fb781341644e")
        ),
    )(swapped)


_measure_checks("Elevation", MIN_ELEVATION, MAX_ELEVATION, "min_elevation", -430, "max_elevation", 8850,
                ("VALIDATION_MINELEVATION_INRANGE", "0bb8297d-8f8a-42d2-80c1-558f29efe798"))
_measure_checks("Depth", MIN_DEPTH, MAX_DEPTH, "min_depth", 0, "max_depth", 11000,
                ("VALIDATION_MINDEPTH_INRANGE", "04b2c8f3-c71b-4e95-8e43-f70374c5fb92"))


@record_check(
    id="INDIVIDUAL_COUNT_INVALID",
    title="individualCount is not a whole number",
    explanation="""individualCount must be a whole number of individuals (0, 1, 12). This value is text,
    a decimal or negative ("ca. 10", "many", "3.5", "-1"), so GBIF drops it. Write the number alone;
    put estimates or descriptions in organismQuantity with organismQuantityType, or in
    occurrenceRemarks.""",
    severity="warning",
    dimension="other",
    terms=(INDIVIDUAL_COUNT,),
)
def individual_count_invalid(context):
    if context.column(INDIVIDUAL_COUNT) is None:
        return None
    count = cached_numbers(context, INDIVIDUAL_COUNT, integer=True)
    return count.non_numeric | (count.numeric & (count.value < 0))


@record_check(
    id="INDIVIDUAL_COUNT_CONFLICTS_WITH_OCCURRENCE_STATUS",
    title="individualCount contradicts occurrenceStatus",
    explanation="""individualCount and occurrenceStatus disagree: a count of 0 with status "present", or
    a count above 0 with status "absent". Users cannot tell whether the organism was there. Correct
    one of the two (an absence has individualCount 0 or empty).""",
    severity="warning",
    dimension="other",
    terms=(INDIVIDUAL_COUNT, OCCURRENCE_STATUS),
)
def individual_count_conflicts(context):
    status = classified(context, "occurrenceStatus")
    if context.column(INDIVIDUAL_COUNT) is None or status is None:
        return None
    count = cached_numbers(context, INDIVIDUAL_COUNT, integer=True)
    present = status.standard_is("present")
    absent = status.standard_is("absent")
    return count.numeric & (((count.value == 0) & present) | ((count.value > 0) & absent))


@record_check(
    id="REFERENCES_URI_INVALID",
    title="references is not a valid web address",
    explanation="""dcterms:references should be one web address (URI) of a page about the record, such
    as its page in your online catalogue. This value is not a valid URI (no http(s)://, spaces,
    several addresses in one cell), so the link will not work on GBIF. Write one complete address.""",
    severity="warning",
    dimension="other",
    terms=(REFERENCES,),
)
def references_uri_invalid(context):
    if context.column(REFERENCES) is None:
        return None
    present, valid = cached_uris(context, REFERENCES)
    return present & ~valid


def _bad_media_cells(values, records: int) -> np.ndarray:
    """Per record: an associatedMedia cell holding a part that is not a valid URI.

    Cells are split on | , ; and spaces, once per distinct cell (pyarrow kernels)."""
    import pyarrow.compute as pc

    from dwcqa.parse import distinct_arrow, empty_or_null, expand, with_missing_slot
    from dwcqa.parse.uris import valid_uri_unique

    codes, uniques = distinct_arrow(values)
    if len(uniques) == 0:
        return np.zeros(records, dtype=bool)
    absent = empty_or_null(uniques)
    parts = pc.split_pattern_regex(pc.utf8_trim_whitespace(uniques), r"\s*[|,;]\s*|\s+")
    flat = pc.list_flatten(parts)
    parents = np.asarray(pc.list_parent_indices(parts).to_numpy(zero_copy_only=False), dtype=np.int64)
    non_empty = np.asarray(pc.fill_null(pc.not_equal(flat, ""), False).to_numpy(zero_copy_only=False), dtype=bool)
    bad_part = ~valid_uri_unique(flat) & non_empty
    bad = np.bincount(parents[bad_part], minlength=len(uniques)) > 0
    bad &= ~absent
    return expand(codes, with_missing_slot(bad, False))


@record_check(
    id="MULTIMEDIA_URI_INVALID",
    title="Media link is not a valid web address",
    explanation="""A link to an image or sound of the record (associatedMedia, or the identifier or
    accessURI of a multimedia extension row) is not a valid web address. GBIF cannot show the media.
    Write complete addresses (https://...), one per media row, or separated by " | " in
    associatedMedia.""",
    severity="warning",
    dimension="other",
    terms=(ASSOCIATED_MEDIA, DC_IDENTIFIER, AC_ACCESS_URI),
)
def multimedia_uri_invalid(context):
    from dwcqa.parse.uris import uri_status

    mask = np.zeros(context.records, dtype=bool)
    applies = False
    media = context.column(ASSOCIATED_MEDIA)
    if media is not None:
        applies = True
        mask |= _bad_media_cells(media, context.records)
    ids = context.core.ids
    for table in context.archive.extensions:
        term = {MULTIMEDIA: DC_IDENTIFIER, AUDUBON: AC_ACCESS_URI}.get(table.row_type)
        column = table.column(term) if term else None
        if column is None or ids is None or table.ids is None:
            continue
        applies = True
        present, valid = uri_status(column, table.records)
        bad = present & ~valid
        if bad.any():
            bad_ids = table.ids[bad].dropna().unique()
            mask |= ids.isin(bad_ids).to_numpy(dtype=bool, na_value=False)
    return mask if applies else None


@record_check(
    id="DIFFERENT_OWNER_INSTITUTION",
    title="Owned by another institution",
    explanation="""ownerInstitutionCode differs from institutionCode: the specimen belongs to another
    institution (for example it is on loan, or a duplicate). That is fine when true, but GBIF will not
    link the record to your institution's collection in its registry. Check that both codes are
    right.""",
    severity="info",
    dimension="other",
    terms=(OWNER_INSTITUTION_CODE, INSTITUTION_CODE),
)
def different_owner_institution(context):
    if context.column(OWNER_INSTITUTION_CODE) is None or context.column(INSTITUTION_CODE) is None:
        return None
    both = context.present(OWNER_INSTITUTION_CODE) & context.present(INSTITUTION_CODE)
    owner = context.column(OWNER_INSTITUTION_CODE).str.strip().str.lower()
    institution = context.column(INSTITUTION_CODE).str.strip().str.lower()
    differ = (owner != institution).to_numpy(dtype=bool, na_value=False)
    return both & differ
