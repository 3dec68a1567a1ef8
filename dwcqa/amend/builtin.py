"""dwcqa's own amendments: dates, controlled vocabularies, countries, coordinates, datums,
ranges and identifiers. Each is one small function over whole columns; those that need another
dwcqa module (vocabularies, geo, bdq, guid) import it lazily and are only registered when it is
there (``requires``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dwcqa.amend.registry import DERIVE, IDENTIFY, STANDARDISE, amendment
from dwcqa.archive.model import STRING
from dwcqa.checks.context import Context
from dwcqa.terms import DWC

EVENT_DATE, YEAR, MONTH, DAY = DWC + "eventDate", DWC + "year", DWC + "month", DWC + "day"
COUNTRY, COUNTRY_CODE = DWC + "country", DWC + "countryCode"
LAT, LON = DWC + "decimalLatitude", DWC + "decimalLongitude"
DATUM = DWC + "geodeticDatum"
OCCURRENCE_ID = DWC + "occurrenceID"


def _strings(values: pd.Series | None, n: int) -> pd.Series:
    if values is None:
        return pd.Series([""] * n, dtype=STRING)
    return values.fillna("").reset_index(drop=True)


def _blank(values: pd.Series | None, n: int) -> np.ndarray:
    if values is None:
        return np.ones(n, dtype=bool)
    return (values.fillna("").str.strip() == "").to_numpy(dtype=bool)


def _by_distinct(values: pd.Series, function) -> np.ndarray:
    """function(text) -> str | None for each distinct value, spread back to the records."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = np.array([function(str(u)) for u in uniques] + [None], dtype=object)
    return results[codes]


# -- dates --------------------------------------------------------------------------------------


@amendment(
    id="EVENT_DATE_STANDARDIZED",
    title="eventDate written in ISO 8601, year/month/day filled from it",
    explanation="""Rewrites eventDate values that are unambiguous dates in another form (18 April
    1850, 4/18/1850, 1998/06/01, Jan 2001) as ISO 8601 (1850-04-18, 1998-06-01, 2001-01), the form
    GBIF and iDigBio expect; ambiguous ones such as 5/6/2001 are left alone. Then fills year, month
    and day where they are mapped but empty, from the (standardized) eventDate. Follows the TDWG BDQ
    Tests AMENDMENT_EVENTDATE_STANDARDIZED and AMENDMENT_EVENT_FROM_EVENTDATE.""",
    terms=(EVENT_DATE, YEAR, MONTH, DAY),
    requires=("dwcqa.bdq",),
)
def event_date_standardized(context: Context):
    from dwcqa.amend.bdq import bdq_changes

    if context.column(EVENT_DATE) is None:
        return None
    changes = bdq_changes(context, "AMENDMENT_EVENTDATE_STANDARDIZED")
    dates = _strings(context.column(EVENT_DATE), context.records)
    if EVENT_DATE in changes:
        amended = changes[EVENT_DATE]
        dates = dates.copy()
        dates.iloc[amended.index.to_numpy()] = amended.to_numpy(dtype=object)
    mapped = [t for t in (YEAR, MONTH, DAY) if context.core.field(t) is not None]
    if mapped:
        parts = bdq_changes(context, "AMENDMENT_EVENT_FROM_EVENTDATE", {"dwc:eventDate": dates})
        for term in mapped:
            if term in parts:
                changes[term] = parts[term]
    return changes


# -- controlled vocabularies ----------------------------------------------------------------------

VOCABULARY_AMENDMENTS = (
    ("basisOfRecord", "BASIS_OF_RECORD_STANDARDIZED", "PreservedSpecimen, HumanObservation, ..."),
    ("occurrenceStatus", "OCCURRENCE_STATUS_STANDARDIZED", "present or absent"),
    ("typeStatus", "TYPE_STATUS_STANDARDIZED", "Holotype, Paratype, ... (each |-separated part)"),
    ("sex", "SEX_STANDARDIZED", "male, female, hermaphrodite, ..."),
    ("lifeStage", "LIFE_STAGE_STANDARDIZED", "adult, juvenile, larva, ..."),
    ("establishmentMeans", "ESTABLISHMENT_MEANS_STANDARDIZED", "native, introduced, ..."),
    ("degreeOfEstablishment", "DEGREE_OF_ESTABLISHMENT_STANDARDIZED", "native, captive, cultivated, ..."),
    ("pathway", "PATHWAY_STANDARDIZED", "releaseForestry, escapeHorticulture, ..."),
)


def _vocabulary(vocabulary: str):
    def standardized(context: Context):
        from dwcqa.vocabularies import TERMS, standardise

        term = TERMS[vocabulary]
        values = context.column(term)
        if values is None:
            return None
        new = standardise(vocabulary, values)
        changed = (new.notna() & (new != values.fillna(""))).to_numpy(dtype=bool, na_value=False)
        return {term: new[changed]}

    return standardized


for _name, _id, _examples in VOCABULARY_AMENDMENTS:
    amendment(
        id=_id,
        title=f"{_name} written as its standard value",
        explanation=f"""Replaces {_name} values that mean a standard value but are written
        differently (other capitals, spaces or punctuation, a synonym, an abbreviation, another
        language) by the standard value of GBIF's vocabulary ({_examples}). Values that are not in
        the vocabulary at all are left alone (the {_name} checks list them).""",
        terms=(DWC + _name,),
        requires=("dwcqa.vocabularies",),
    )(_vocabulary(_name))


# -- countries ------------------------------------------------------------------------------------


@amendment(
    id="COUNTRY_CODE_FROM_COUNTRY",
    title="countryCode filled from the country name",
    explanation="""Where countryCode is empty (or not in the archive) and country names a
    country GBIF's country parser recognises (in many languages and spellings), fills countryCode
    with its ISO 3166-1 alpha-2 code. GBIF matches coordinates and other records by the code.""",
    terms=(COUNTRY_CODE,),
    reads=(COUNTRY,),
    stage=DERIVE,
    requires=("dwcqa.geo.countries",),
)
def country_code_from_country(context: Context):
    from dwcqa.geo.countries import parse_country

    names = context.column(COUNTRY)
    if names is None:
        return None
    n = context.records
    empty_code = _blank(context.column(COUNTRY_CODE), n)
    codes = _by_distinct(names, parse_country)
    fill = empty_code & pd.notna(codes)
    rows = np.flatnonzero(fill)
    return {COUNTRY_CODE: pd.Series(codes[rows], index=rows, dtype=STRING)}


def _geography(context: Context):
    from dwcqa.geo.records import for_context

    return for_context(context)


@amendment(
    id="COUNTRY_CODE_FROM_COORDINATES",
    title="countryCode filled from the coordinates",
    explanation="""Where neither countryCode nor a recognisable country name is given, fills
    countryCode with the country whose land (or, at sea, whose waters within 200 nautical miles)
    the coordinates fall in, using dwcqa's offline boundaries (Natural Earth). Records without a
    usable point, or at 0,0, are left alone. Check a few: a point on a border may fall on the
    wrong side.""",
    terms=(COUNTRY_CODE,),
    reads=(LAT, LON, COUNTRY),
    stage=DERIVE + 1,
    requires=("dwcqa.geo",),
)
def country_code_from_coordinates(context: Context):
    if context.column(LAT) is None or context.column(LON) is None:
        return None
    geo = _geography(context)
    code, _, _ = geo.country_code
    name, _, _ = geo.country_name
    n = context.records
    todo = geo.point & (code == "") & (name == "") & _blank(context.column(COUNTRY_CODE), n)
    rows = np.flatnonzero(todo)
    if not len(rows):
        return None
    unit, _ = geo.locate(rows)
    found = np.asarray(geo.boundaries.unit_codes, dtype=object)[unit]
    found = np.where(np.asarray(unit) >= 0, found, "")
    keep = np.array([isinstance(c, str) and len(c) == 2 for c in found], dtype=bool)
    return {COUNTRY_CODE: pd.Series(found[keep], index=rows[keep], dtype=STRING)}


# -- coordinates ------------------------------------------------------------------------------------


def negate(text: str) -> str:
    """The same number with the other sign, written as it was: "12.50" -> "-12.50" -> "12.50"."""
    stripped = text.strip()
    if stripped.startswith("-"):
        return stripped[1:]
    if stripped.startswith("+"):
        return "-" + stripped[1:]
    return "-" + stripped


@amendment(
    id="COORDINATES_SWAPPED_OR_NEGATED",
    title="Swapped or sign-flipped coordinates corrected",
    explanation="""Where the point lies outside its stated country but swapping latitude and
    longitude, or changing the sign of one or both, puts it inside that country, writes the
    corrected decimalLatitude/decimalLongitude (the digits as written, only the sign or the order
    changed). Transforms are tried in GBIF's order (negated latitude, negated longitude, swapped,
    both negated); only plain decimal values are changed. A common entry mistake: a missing minus
    sign in the western or southern hemisphere.""",
    terms=(LAT, LON),
    reads=(COUNTRY_CODE, COUNTRY),
    stage=DERIVE,
    requires=("dwcqa.geo",),
)
def coordinates_swapped_or_negated(context: Context):
    from dwcqa.geo.coordinates import FROM_DECIMAL

    lat_text, lon_text = context.column(LAT), context.column(LON)
    if lat_text is None or lon_text is None:
        return None
    geo = _geography(context)
    fix = geo.fix
    coords = geo.coords
    rows = np.flatnonzero((fix != "") & (coords.source == FROM_DECIMAL) & (coords.decimals >= 0) & ~coords.swapped_range)
    if not len(rows):
        return None
    lat = lat_text.iloc[rows].fillna("").to_numpy(dtype=object)
    lon = lon_text.iloc[rows].fillna("").to_numpy(dtype=object)
    kind = fix[rows]
    new_lat, new_lon = lat.copy(), lon.copy()
    for i, how in enumerate(kind):
        if how == "negate latitude":
            new_lat[i] = negate(lat[i])
        elif how == "negate longitude":
            new_lon[i] = negate(lon[i])
        elif how == "swap":
            new_lat[i], new_lon[i] = lon[i].strip(), lat[i].strip()
        elif how == "negate both":
            new_lat[i], new_lon[i] = negate(lat[i]), negate(lon[i])
    return {LAT: pd.Series(new_lat, index=rows, dtype=STRING), LON: pd.Series(new_lon, index=rows, dtype=STRING)}


@amendment(
    id="GEODETIC_DATUM_STANDARDIZED",
    title="geodeticDatum written as its EPSG code",
    explanation="""Rewrites geodeticDatum values that name a known datum or coordinate reference
    system in another way (WGS84, WGS 1984, World Geodetic System 1984, NAD27, epsg 4326) as its
    EPSG code (EPSG:4326, EPSG:4267), the form Darwin Core recommends and GBIF reads without
    guessing. Unknown values are left alone.""",
    terms=(DATUM,),
    requires=("dwcqa.geo.records",),
)
def geodetic_datum_standardized(context: Context):
    from dwcqa.geo.records import datum_code

    values = context.column(DATUM)
    if values is None:
        return None

    def standard(text: str) -> str | None:
        stripped = text.strip()
        if not stripped:
            return None
        code = datum_code(stripped)
        return f"EPSG:{code}" if code is not None else None

    new = _by_distinct(values, standard)
    current = values.fillna("").to_numpy(dtype=object)
    change = pd.notna(new) & (new != current)
    rows = np.flatnonzero(change)
    return {DATUM: pd.Series(new[rows], index=rows, dtype=STRING)}


# -- ranges ----------------------------------------------------------------------------------------------


def _range_swapped(low_term: str, high_term: str):
    def swapped(context: Context):
        from dwcqa.parse.numbers import parse_numbers

        low_text, high_text = context.column(low_term), context.column(high_term)
        if low_text is None or high_text is None:
            return None
        n = context.records
        low, high = parse_numbers(low_text, n), parse_numbers(high_text, n)
        with np.errstate(invalid="ignore"):
            wrong = low.numeric & high.numeric & (low.value > high.value)
        rows = np.flatnonzero(wrong)
        return {
            low_term: pd.Series(high_text.iloc[rows].to_numpy(dtype=object), index=rows, dtype=STRING),
            high_term: pd.Series(low_text.iloc[rows].to_numpy(dtype=object), index=rows, dtype=STRING),
        }

    return swapped


for _what, _low, _high in (
    ("elevation", DWC + "minimumElevationInMeters", DWC + "maximumElevationInMeters"),
    ("depth", DWC + "minimumDepthInMeters", DWC + "maximumDepthInMeters"),
):
    amendment(
        id=f"{_what.upper()}_RANGE_SWAPPED",
        title=f"Minimum and maximum {_what} swapped back",
        explanation=f"""Where the minimum {_what} is greater than the maximum {_what} (both plain
        numbers), exchanges the two values. GBIF flags such records as invalid and drops the
        {_what}; the values were almost always typed into each other's column.""",
        terms=(_low, _high),
        requires=("dwcqa.parse.numbers",),
    )(_range_swapped(_low, _high))


# -- identifiers -------------------------------------------------------------------------------------------


@amendment(
    id="OCCURRENCE_ID_GENERATED",
    title="Missing occurrenceIDs made from the catalogue triplet (or the record id)",
    explanation="""Fills empty occurrenceIDs with name-based UUIDs (uuid5) made from a namespace
    you choose (options['guid_namespace'] / --guid-namespace: a UUID, or your institution's web
    address) and institutionCode:collectionCode:catalogNumber (or the core id), so exporting again
    gives the same IDs. Without a namespace nothing is proposed; records whose triplet (or id)
    another record shares get none (the ID would not be unique). These IDs are only stable if you
    store them in your collection database now and export them from there from now on: once
    published, an occurrenceID must never change.""",
    terms=(OCCURRENCE_ID,),
    reads=(DWC + "institutionCode", DWC + "collectionCode", DWC + "catalogNumber"),
    stage=IDENTIFY,
    requires=("dwcqa.guid",),
)
def occurrence_id_generated(context: Context):
    from dwcqa.guid import deterministic_ids

    namespace = context.options.get("guid_namespace")
    if not namespace or context.core.row_type != DWC + "Occurrence":
        return None
    current = _strings(context.column(OCCURRENCE_ID), context.records)
    if not (current.str.strip() == "").any():
        return None
    proposed = deterministic_ids(context.archive, namespace)
    fill = (current.str.strip() == "").to_numpy(dtype=bool) & proposed.notna().to_numpy(dtype=bool)
    # Never hand out an ID twice: records with the same triplet (or id) get none.
    taken = set(current[current.str.strip() != ""])
    made = proposed.where(pd.Series(fill), None)
    clash = made.duplicated(keep=False).to_numpy(dtype=bool) | made.isin(taken).to_numpy(dtype=bool)
    fill &= ~clash
    rows = np.flatnonzero(fill)
    return {OCCURRENCE_ID: pd.Series(proposed.iloc[rows].to_numpy(dtype=object), index=rows, dtype=STRING)}
