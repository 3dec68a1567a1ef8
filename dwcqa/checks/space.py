"""Space checks: coordinates, countries, continents, datum, precision, uncertainty.

Each check is a one-line mask over ``dwcqa.geo.records.Geography``, which interprets the
location terms once per run (shared through the Context cache) and tests coordinates
against Natural Earth boundaries offline (or the boundary file named in the options).
``dwcqa.geo.geography_details`` explains each flagged record (parsed point, where it falls,
distance to the stated country, the transform that fixes it).

Options (Context.options): ``spatial_buffer_m`` (default 3000, the BDQ default),
``centroid_distance_m`` (default 5000), ``boundaries_path`` / ``boundaries_code_field`` /
``marine_nearest_coast`` (a boundary file of one's own, e.g. land + EEZ polygons).

Where decimalLatitude/decimalLongitude give no usable point, the coordinates come from
verbatimLatitude/verbatimLongitude, then verbatimCoordinates, as GBIF does; every
coordinate check below applies to such interpreted coordinates too.
"""

from __future__ import annotations

from dwcqa.checks.registry import record_check
from dwcqa.terms import DWC

LAT, LON = DWC + "decimalLatitude", DWC + "decimalLongitude"
VLAT, VLON, VCOORDS = DWC + "verbatimLatitude", DWC + "verbatimLongitude", DWC + "verbatimCoordinates"
COUNTRY_CODE, COUNTRY = DWC + "countryCode", DWC + "country"
COORDINATE_TERMS = (LAT, LON, VLAT, VLON, VCOORDS)
COUNTRY_TERMS = (COUNTRY_CODE, COUNTRY)
UNCERTAINTY, PRECISION, DATUM, CONTINENT = (DWC + t for t in ("coordinateUncertaintyInMeters", "coordinatePrecision", "geodeticDatum", "continent"))

VERBATIM_NOTE = "Coordinates interpreted from verbatimLatitude/verbatimLongitude or verbatimCoordinates (when the decimal fields give none) are tested too."


def _geo(context):
    from dwcqa.geo.records import for_context

    return for_context(context)


def _any(context, terms) -> bool:
    return any(context.column(t) is not None for t in terms)


def _coordinates(context) -> bool:
    return _any(context, COORDINATE_TERMS)


def _countries(context) -> bool:
    return _any(context, COUNTRY_TERMS)


# -- coordinates themselves ----------------------------------------------------------------


@record_check(
    id="COORDINATE_INVALID",
    title="Coordinates cannot be read as decimal degrees",
    explanation="""decimalLatitude or decimalLongitude holds something other than a decimal number
    (degrees-minutes-seconds such as 12°30'15"S, a comma decimal, text), or the only coordinates
    (verbatim ones) cannot be interpreted at all. GBIF then guesses or drops the point, and the record
    is hidden from maps. Convert the values to signed decimal degrees (e.g. -12.504167) and keep the
    original text in verbatimLatitude/verbatimLongitude.""",
    severity="error",
    dimension="space",
    terms=COORDINATE_TERMS,
)
def coordinate_invalid(context):
    if not _coordinates(context):
        return None
    return _geo(context).coords.invalid


@record_check(
    id="COORDINATE_OUT_OF_RANGE",
    title="Latitude or longitude out of range",
    explanation="""The latitude is not between -90 and 90 or the longitude not between -180 and 180
    (and swapping them does not help), so the point cannot be on Earth; GBIF discards it. This covers
    BDQ VALIDATION_DECIMALLATITUDE_INRANGE and VALIDATION_DECIMALLONGITUDE_INRANGE. Check for values
    in another unit (metres, projected coordinates) or a misplaced decimal point.""",
    severity="error",
    dimension="space",
    terms=COORDINATE_TERMS,
)
def coordinate_out_of_range(context):
    if not _coordinates(context):
        return None
    return _geo(context).out_of_range


@record_check(
    id="ZERO_COORDINATE",
    title="Coordinates are 0, 0",
    explanation="""Latitude and longitude are both zero, a point in the Gulf of Guinea that almost
    always stands for "unknown" or a failed export. GBIF flags it and hides the record from maps.
    Leave the coordinates empty when they are not known, or enter the real ones. """ + VERBATIM_NOTE,
    severity="error",
    dimension="space",
    terms=COORDINATE_TERMS,
    bdq=("VALIDATION_COORDINATES_NOTZERO", "1bf0e210-6792-4128-b8cc-ab6828aa4871"),
)
def zero_coordinate(context):
    if not _coordinates(context):
        return None
    return _geo(context).coords.zero


@record_check(
    id="COORDINATE_INCOMPLETE",
    title="Only one of decimalLatitude and decimalLongitude",
    explanation="""The record gives a latitude without a longitude or the reverse; one coordinate
    alone places nothing, so GBIF ignores it. Fill in the missing coordinate, or empty both.""",
    severity="warning",
    dimension="space",
    terms=(LAT, LON),
)
def coordinate_incomplete(context):
    if not _any(context, (LAT, LON)):
        return None
    return _geo(context).coords.incomplete


@record_check(
    id="COORDINATE_FROM_VERBATIM",
    title="Coordinates only in the verbatim fields",
    explanation="""decimalLatitude/decimalLongitude give no usable point but verbatimLatitude/
    verbatimLongitude or verbatimCoordinates can be interpreted, so GBIF will fill in the decimal
    coordinates from them (WGS84 assumed). Check that the interpretation is right (see the details)
    and publish the decimal coordinates yourself.""",
    severity="info",
    dimension="space",
    terms=COORDINATE_TERMS,
    bdq=("AMENDMENT_COORDINATES_FROM_VERBATIM", "3c2590c7-af8a-4eb4-af57-5f73ba9d1f8e"),
)
def coordinate_from_verbatim(context):
    if not _any(context, (VLAT, VLON, VCOORDS)):
        return None
    return _geo(context).coords.from_verbatim


@record_check(
    id="COORDINATE_LOW_PRECISION",
    title="Coordinates with two decimals or fewer",
    explanation="""The latitude or longitude has at most two decimals (0.01 degree is about 1 km),
    often a sign of rounding or of a point taken from a coarse grid, and no coordinateUncertaintyInMeters
    says the point is that rough. Publish the full precision you have, or state the uncertainty in
    coordinateUncertaintyInMeters.""",
    severity="info",
    dimension="space",
    terms=(LAT, LON, UNCERTAINTY),
)
def coordinate_low_precision(context):
    if not _any(context, (LAT, LON)):
        return None
    return _geo(context).low_precision


@record_check(
    id="COORDINATE_PRECISION_INVALID",
    title="coordinatePrecision is not a number between 0 and 1",
    explanation="""coordinatePrecision must be a decimal fraction of a degree (e.g. 0.00001 for a
    GPS reading, 0.01 for a point read off a coarse map); this value is not a number in that range,
    so GBIF discards it. Enter the precision in degrees, or leave the field empty.""",
    severity="warning",
    dimension="space",
    terms=(PRECISION,),
)
def coordinate_precision_invalid(context):
    if context.column(PRECISION) is None:
        return None
    return _geo(context).precision_invalid


@record_check(
    id="COORDINATE_UNCERTAINTY_METERS_INVALID",
    title="coordinateUncertaintyInMeters is not a plausible distance",
    explanation="""coordinateUncertaintyInMeters must be a number of metres from 1 to 20,037,509 (half
    the Earth's circumference); this value is not a number or outside that range, so users cannot tell
    how far the true place may be from the point. Enter the radius in metres as a plain number, without
    units, or leave it empty when unknown (never 0).""",
    severity="warning",
    dimension="space",
    terms=(UNCERTAINTY,),
    bdq=("VALIDATION_COORDINATEUNCERTAINTY_INRANGE", "c6adf2ea-3051-4498-97f4-4b2f8a105f57"),
)
def coordinate_uncertainty_invalid(context):
    if context.column(UNCERTAINTY) is None:
        return None
    return _geo(context).uncertainty_invalid


@record_check(
    id="GEODETIC_DATUM_INVALID",
    title="geodeticDatum not recognised",
    explanation="""The geodetic datum is neither an EPSG code (e.g. EPSG:4326) nor a datum name GBIF
    knows (WGS84, NAD27, ED50, ...), so GBIF cannot reproject the coordinates and assumes WGS84, which
    can shift points by hundreds of metres. Give the datum as an EPSG code, or as "EPSG:4326" if the
    coordinates come from a GPS or a web map.""",
    severity="warning",
    dimension="space",
    terms=(DATUM,),
    bdq=("VALIDATION_GEODETICDATUM_STANDARD", "7e0c0418-fe16-4a39-98bd-80e19d95b9d1"),
)
def geodetic_datum_invalid(context):
    if context.column(DATUM) is None:
        return None
    given, valid = _geo(context).datum
    return given & ~valid


@record_check(
    id="GEODETIC_DATUM_ASSUMED_WGS84",
    title="No geodeticDatum: WGS84 will be assumed",
    explanation="""The record has coordinates but no geodeticDatum, so GBIF assumes WGS84. That is right
    for GPS and web-map coordinates; points read off old national maps may be hundreds of metres off.
    State the datum (EPSG:4326 for WGS84), or the datum of the map you used. """ + VERBATIM_NOTE,
    severity="info",
    dimension="space",
    terms=(DATUM, *COORDINATE_TERMS),
    bdq=("AMENDMENT_GEODETICDATUM_ASSUMEDDEFAULT", "7498ca76-c4d4-42e2-8103-acacccbdffa7"),
)
def geodetic_datum_assumed(context):
    if not _coordinates(context):
        return None
    geo = _geo(context)
    given, _ = geo.datum
    return geo.coords.usable & ~geo.bad_range_swap & ~given


# -- countries --------------------------------------------------------------------------------


@record_check(
    id="COUNTRY_INVALID",
    title="Country or country code not recognised",
    explanation="""countryCode or country holds a value that is not an ISO 3166 country code or a
    country name in any language GBIF knows (or that names no single country), so GBIF discards it.
    Use the two-letter ISO 3166-1 code in countryCode (e.g. FR, NO, AU) and the country's name in
    country.""",
    severity="warning",
    dimension="space",
    terms=COUNTRY_TERMS,
    bdq=("VALIDATION_COUNTRYCODE_STANDARD", "0493bcfb-652e-4d17-815b-b0cce0742fbe"),
)
def country_invalid(context):
    if not _countries(context):
        return None
    return _geo(context).country_invalid


@record_check(
    id="COUNTRY_CODE_NOT_STANDARD",
    title="countryCode understood but not an ISO 3166-1 alpha-2 code",
    explanation="""countryCode can be read (e.g. "fr", "FRA", "France") but is not the upper-case
    two-letter ISO 3166-1 code Darwin Core asks for; GBIF reads it, other users' tools may not.
    Replace it with the two-letter code (the details give it).""",
    severity="info",
    dimension="space",
    terms=(COUNTRY_CODE,),
    bdq=("AMENDMENT_COUNTRYCODE_STANDARDIZED", "fec5ffe6-3958-4312-82d9-ebcca0efb350"),
)
def country_code_not_standard(context):
    if context.column(COUNTRY_CODE) is None:
        return None
    return _geo(context).code_not_standard


@record_check(
    id="COUNTRY_MISMATCH",
    title="country and countryCode name different countries",
    explanation="""The country name and the country code, both recognised, are different countries
    (e.g. country "Greenland" with countryCode DK). GBIF keeps the code and flags the record; users
    cannot tell which is right. Make the two agree (the code of the country named, or the reverse).""",
    severity="warning",
    dimension="space",
    terms=COUNTRY_TERMS,
    bdq=("VALIDATION_COUNTRYCOUNTRYCODE_CONSISTENT", "b23110e7-1be7-444a-a677-cdee0cf4330c"),
)
def country_mismatch(context):
    if context.column(COUNTRY_CODE) is None or context.column(COUNTRY) is None:
        return None
    return _geo(context).country_mismatch


@record_check(
    id="COUNTRY_COORDINATE_MISMATCH",
    title="Coordinates fall outside the stated country",
    explanation="""The point lies neither in the stated country, nor within the tolerance buffer
    (3 km by default) of it, nor at sea within 200 nautical miles of its coast, and no sign flip or
    swap of the coordinates brings it there. GBIF flags such records and hides them from maps. Check
    both the coordinates and the country (the details show where the point falls and how far the
    country is). """ + VERBATIM_NOTE,
    severity="error",
    dimension="space",
    terms=(*COORDINATE_TERMS, *COUNTRY_TERMS),
    bdq=("VALIDATION_COORDINATESCOUNTRYCODE_CONSISTENT", "adb27d29-9f0d-4d52-b760-a77ba57a69c9"),
)
def country_coordinate_mismatch(context):
    if not (_coordinates(context) and _countries(context)):
        return None
    return _geo(context).coordinate_mismatch


@record_check(
    id="PRESUMED_SWAPPED_COORDINATE",
    title="Latitude and longitude seem swapped",
    explanation="""The point is outside its country (or the latitude is beyond 90 degrees), but with
    latitude and longitude exchanged it falls where it should; GBIF will swap them. Swap the values
    in decimalLatitude and decimalLongitude. """ + VERBATIM_NOTE,
    severity="warning",
    dimension="space",
    terms=(*COORDINATE_TERMS, *COUNTRY_TERMS),
    bdq=("AMENDMENT_COORDINATES_TRANSPOSED", "f2b4a50a-6b2f-4930-b9df-da87b6a21082"),
)
def presumed_swapped(context):
    if not _coordinates(context):
        return None
    return _geo(context).swapped


@record_check(
    id="PRESUMED_NEGATED_LATITUDE",
    title="Latitude sign seems wrong",
    explanation="""The point is outside its stated country but falls in it when the latitude's sign is
    flipped (north and south mixed up, often a lost minus sign or an S hemisphere letter); GBIF will
    flip it. Correct the sign of decimalLatitude (south is negative). """ + VERBATIM_NOTE,
    severity="warning",
    dimension="space",
    terms=(*COORDINATE_TERMS, *COUNTRY_TERMS),
    bdq=("AMENDMENT_COORDINATES_TRANSPOSED", "f2b4a50a-6b2f-4930-b9df-da87b6a21082"),
)
def presumed_negated_latitude(context):
    if not (_coordinates(context) and _countries(context)):
        return None
    return _geo(context).negated_latitude


@record_check(
    id="PRESUMED_NEGATED_LONGITUDE",
    title="Longitude sign seems wrong",
    explanation="""The point is outside its stated country but falls in it when the longitude's sign
    is flipped (east and west mixed up, often a lost minus sign or a W hemisphere letter); GBIF will
    flip it. Correct the sign of decimalLongitude (west is negative). """ + VERBATIM_NOTE,
    severity="warning",
    dimension="space",
    terms=(*COORDINATE_TERMS, *COUNTRY_TERMS),
    bdq=("AMENDMENT_COORDINATES_TRANSPOSED", "f2b4a50a-6b2f-4930-b9df-da87b6a21082"),
)
def presumed_negated_longitude(context):
    if not (_coordinates(context) and _countries(context)):
        return None
    return _geo(context).negated_longitude


@record_check(
    id="COUNTRY_DERIVED_FROM_COORDINATES",
    title="Country will be set from the coordinates",
    explanation="""Either no country is given and the point lies in (or off the coast of) one, or the
    stated country is one GBIF tolerates for the place but replaces (e.g. AU for a point on Christmas
    Island becomes CX). GBIF will fill in or change countryCode from the coordinates. Publish the
    country yourself (the details name it) so that what you publish is what users see.""",
    severity="info",
    dimension="space",
    terms=(*COORDINATE_TERMS, *COUNTRY_TERMS),
    bdq=("AMENDMENT_COUNTRYCODE_FROM_COORDINATES", "8c5fe9c9-4ba9-49ef-b15a-9ccd0424e6ae"),
)
def country_derived(context):
    if not _coordinates(context):
        return None
    return _geo(context).derivable


@record_check(
    id="COORDINATE_COUNTRY_CENTROID",
    title="Point at the centre of its country",
    explanation="""The point lies within 5 km (configurable) of a centre of the stated country and no
    coordinateUncertaintyInMeters covers the country: it was most likely placed at the country's
    centroid by a georeferencing tool because only the country was known. Users will read it as a
    precise place. Georeference from the locality, or give an uncertainty as large as the country.""",
    severity="warning",
    dimension="space",
    terms=(*COORDINATE_TERMS, *COUNTRY_TERMS, UNCERTAINTY),
    bdq=("ISSUE_COORDINATES_CENTEROFCOUNTRY", "256e51b3-1e08-4349-bb7e-5186631c3f8e"),
)
def coordinate_country_centroid(context):
    if not (_coordinates(context) and _countries(context)):
        return None
    return _geo(context).at_centroid


@record_check(
    id="LANDLOCKED_COUNTRY_AT_SEA",
    title="Point at sea for a landlocked country",
    explanation="""The stated country has no coast, yet the point lies at sea: the coordinates are
    certainly wrong (often a swapped or negated coordinate, or a point copied from another record).
    Correct the coordinates; the details show where the point is and how far the country is.""",
    severity="warning",
    dimension="space",
    terms=(*COORDINATE_TERMS, *COUNTRY_TERMS),
)
def landlocked_at_sea(context):
    if not (_coordinates(context) and _countries(context)):
        return None
    return _geo(context).landlocked_at_sea


# -- continents ---------------------------------------------------------------------------------


@record_check(
    id="CONTINENT_INVALID",
    title="Continent not recognised",
    explanation="""continent holds a value that is not one of the continents GBIF uses (Africa,
    Antarctica, Asia, Europe, North America, Oceania, South America) or a known synonym, so GBIF
    discards it. Use one of those names, or leave the field empty; oceans and seas belong in
    waterBody.""",
    severity="warning",
    dimension="space",
    terms=(CONTINENT,),
)
def continent_invalid(context):
    if context.column(CONTINENT) is None:
        return None
    continent, given = _geo(context).continent
    return given & (continent == "")


@record_check(
    id="CONTINENT_COUNTRY_MISMATCH",
    title="Continent does not contain the country",
    explanation="""The stated continent is not one the stated country lies on (countries spanning two
    continents, such as Russia or Turkey, accept both). GBIF flags the record. Correct the continent or
    the country.""",
    severity="warning",
    dimension="space",
    terms=(CONTINENT, *COUNTRY_TERMS),
)
def continent_country_mismatch(context):
    if context.column(CONTINENT) is None or not _countries(context):
        return None
    return _geo(context).continent_country_mismatch


@record_check(
    id="CONTINENT_COORDINATE_MISMATCH",
    title="Point on land of another continent",
    explanation="""The point lies on the land of a country that is not on the stated continent. Either
    the continent or the coordinates are wrong. Points at sea are not tested. """ + VERBATIM_NOTE,
    severity="warning",
    dimension="space",
    terms=(CONTINENT, *COORDINATE_TERMS),
)
def continent_coordinate_mismatch(context):
    if context.column(CONTINENT) is None or not _coordinates(context):
        return None
    return _geo(context).continent_coordinate_mismatch
