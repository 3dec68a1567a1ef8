"""BDQ tests of the SPACE dimension: coordinates, datum, depth, elevation, countries."""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np

from dwcqa.bdq.common import SOURCE, notempty_validation, unavailable, vocabulary_amendment, vocabulary_validation
from dwcqa.bdq.model import (
    AMENDED,
    COMPLIANT,
    EXTERNAL_PREREQUISITES_NOT_MET,
    FILLED_IN,
    INTERNAL_PREREQUISITES_NOT_MET,
    NOT_AMENDED,
    NOT_COMPLIANT,
    RUN_HAS_RESULT,
    amendment_json,
)
from dwcqa.bdq.parsing import NON_PRINTING, decimals, empty, is_empty_text, map_distinct, map_distinct_rows, parse_decimal, present
from dwcqa.bdq.registry import bdq_test
from dwcqa.bdq.verbatim import interpret_coordinate, interpret_coordinates, interpret_length_range
from dwcqa.bdq.vocab import epsg, epsg_standardize, vocabulary

LAT, LON = "dwc:decimalLatitude", "dwc:decimalLongitude"
LOCATION_TERMS = (
    "dwc:higherGeographyID", "dwc:higherGeography", "dwc:continent", "dwc:country", "dwc:countryCode", "dwc:stateProvince",
    "dwc:county", "dwc:municipality", "dwc:waterBody", "dwc:island", "dwc:islandGroup", "dwc:locality", "dwc:locationID",
    "dwc:verbatimLocality", "dwc:decimalLatitude", "dwc:decimalLongitude", "dwc:verbatimCoordinates",
    "dwc:verbatimLatitude", "dwc:verbatimLongitude", "dwc:footprintWKT",
)
_BOUNDARIES = ("10m-admin-1 boundaries UNION with Exclusive Economic Zones", "Natural Earth", "dwcqa.geo")

notempty_validation("VALIDATION_DECIMALLATITUDE_NOTEMPTY", "7d2485d5-1ba7-4f25-90cb-f4480ff1a275", LAT)
notempty_validation("VALIDATION_DECIMALLONGITUDE_NOTEMPTY", "9beb9442-d942-4f42-8b6a-fcea01ee086a", LON)
notempty_validation("VALIDATION_COUNTRYCODE_NOTEMPTY", "853b79a2-b314-44a2-ae46-34a1e7ed85e4", "dwc:countryCode")
notempty_validation("VALIDATION_GEODETICDATUM_NOTEMPTY", "239ec40e-a729-4a8e-ba69-e0bf03ac1c44", "dwc:geodeticDatum")

_ISO = ("ISO 3166 Country Codes", "ISO 3166-1-alpha-2", "ISO 3166", "https://www.iso.org/obp/ui/#search")
vocabulary_validation("VALIDATION_COUNTRYCODE_STANDARD", "0493bcfb-652e-4d17-815b-b0cce0742fbe", "dwc:countryCode", "countryCode", aliases=_ISO,
                      notes="ISO 3166-1 alpha-2 codes (GBIF's country vocabulary) plus the user-assigned XZ and ZZ.")
vocabulary_amendment("AMENDMENT_COUNTRYCODE_STANDARDIZED", "fec5ffe6-3958-4312-82d9-ebcca0efb350", "dwc:countryCode", "countryCode", aliases=_ISO,
                     notes="Maps case variants, alpha-3 codes and country names (English and Spanish, from GBIF's country vocabulary) to the alpha-2 code.")


@bdq_test("VALIDATION_LOCATION_NOTEMPTY", "58486cb6-1114-4a8a-ba1e-bd89cfe887e9")
def validation_location_notempty(record, params, context, out):
    some = np.zeros(record.n, dtype=bool)
    for term in LOCATION_TERMS:
        some |= ~record.empty(term)
    out.decide(some, RUN_HAS_RESULT, COMPLIANT, "at least one location term is bdqval:NotEmpty")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "all location terms are bdqval:Empty")


@bdq_test("VALIDATION_COUNTRY_NOTEMPTY", "6ce2b2b4-6afe-4d13-82a0-390d31ade01c")
def validation_country_notempty(record, params, context, out):
    country = record["dwc:country"]
    high_seas = record["dwc:countryCode"].to_numpy(dtype=object) == "XZ"
    out.decide(~empty(country), RUN_HAS_RESULT, COMPLIANT, "dwc:country is bdqval:NotEmpty")
    out.decide(high_seas, RUN_HAS_RESULT, COMPLIANT, "dwc:countryCode is XZ (high seas)")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "dwc:country is bdqval:Empty")


# --- numeric ranges ---------------------------------------------------------------------------


def _range_validation(label: str, guid: str, term: str, low: float | str, high: float | str, *, non_negative: bool = False, notes: str = "") -> None:
    """COMPLIANT when the number lies in [low, high]; low/high are numbers or parameter names."""

    @bdq_test(label, guid, notes=notes)
    def test(record, params, context, out):
        values = record[term]
        numbers = decimals(values)
        out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{term} is bdqval:Empty")
        out.decide(np.isnan(numbers), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{term} is not interpretable as a number")
        if non_negative:
            out.decide(numbers < 0, INTERNAL_PREREQUISITES_NOT_MET, comment=f"{term} is not zero or a positive number")
        bounds = []
        for bound in (low, high):
            value = parse_decimal(params[bound]) if isinstance(bound, str) else bound
            if value is None:
                out.rest(INTERNAL_PREREQUISITES_NOT_MET, comment=f"{bound} is not a number")
                return
            bounds.append(value)
        inside = (numbers >= bounds[0]) & (numbers <= bounds[1])
        out.decide(inside, RUN_HAS_RESULT, COMPLIANT, f"{term} is within {bounds[0]:g} to {bounds[1]:g}")
        out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, f"{term} is outside {bounds[0]:g} to {bounds[1]:g}")

    test.__name__ = label.lower()


_range_validation("VALIDATION_DECIMALLATITUDE_INRANGE", "b6ecda2a-ce36-437a-b515-3ae94948fe83", LAT, -90, 90)
_range_validation("VALIDATION_DECIMALLONGITUDE_INRANGE", "0949110d-c06b-450e-9649-7c1374d940d1", LON, -180, 180)
_range_validation("VALIDATION_COORDINATEUNCERTAINTY_INRANGE", "c6adf2ea-3051-4498-97f4-4b2f8a105f57", "dwc:coordinateUncertaintyInMeters", 1, 20037509,
                  notes="A value that is not a number gives INTERNAL_PREREQUISITES_NOT_MET, as in the conformance data "
                        "(the Specification text names only bdqval:Empty).")
_range_validation("VALIDATION_MINDEPTH_INRANGE", "04b2c8f3-c71b-4e95-8e43-f70374c5fb92", "dwc:minimumDepthInMeters",
                  "bdqval:minimumValidDepthInMeters", "bdqval:maximumValidDepthInMeters", non_negative=True)
_range_validation("VALIDATION_MAXDEPTH_INRANGE", "3f1db29a-bfa5-40db-9fd1-fde020d81939", "dwc:maximumDepthInMeters",
                  "bdqval:minimumValidDepthInMeters", "bdqval:maximumValidDepthInMeters", non_negative=True)
_range_validation("VALIDATION_MINELEVATION_INRANGE", "0bb8297d-8f8a-42d2-80c1-558f29efe798", "dwc:minimumElevationInMeters",
                  "bdqval:minimumValidElevationInMeters", "bdqval:maximumValidElevationInMeters")
_range_validation("VALIDATION_MAXELEVATION_INRANGE", "c971fe3f-84c1-4636-9f44-b1ec31fd63c7", "dwc:maximumElevationInMeters",
                  "bdqval:minimumValidElevationInMeters", "bdqval:maximumValidElevationInMeters")


def _less_than(label: str, guid: str, low_term: str, high_term: str, *, non_negative: bool) -> None:
    @bdq_test(label, guid)
    def test(record, params, context, out):
        low, high = decimals(record[low_term]), decimals(record[high_term])
        out.decide(record.empty(low_term) | record.empty(high_term), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{low_term} or {high_term} is bdqval:Empty")
        out.decide(np.isnan(low) | np.isnan(high), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{low_term} or {high_term} is not a number")
        if non_negative:
            out.decide((low < 0) | (high < 0), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{low_term} or {high_term} is not zero or a positive number")
        out.decide(low <= high, RUN_HAS_RESULT, COMPLIANT, f"{low_term} <= {high_term}")
        out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, f"{low_term} > {high_term}")

    test.__name__ = label.lower()


_less_than("VALIDATION_MINDEPTH_LESSTHAN_MAXDEPTH", "8f1e6e58-544b-4365-a569-fb781341644e", "dwc:minimumDepthInMeters", "dwc:maximumDepthInMeters", non_negative=True)
_less_than("VALIDATION_MINELEVATION_LESSTHAN_MAXELEVATION", "d708526b-6561-438e-aa1a-82cd80b06396", "dwc:minimumElevationInMeters", "dwc:maximumElevationInMeters", non_negative=False)


@bdq_test("VALIDATION_COORDINATES_NOTZERO", "1bf0e210-6792-4128-b8cc-ab6828aa4871")
def validation_coordinates_notzero(record, params, context, out):
    lat, lon = decimals(record[LAT]), decimals(record[LON])
    out.decide(record.empty(LAT) | record.empty(LON), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:decimalLatitude or dwc:decimalLongitude is bdqval:Empty")
    out.decide(np.isnan(lat) | np.isnan(lon), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:decimalLatitude or dwc:decimalLongitude is not a number")
    out.decide((lat != 0) | (lon != 0), RUN_HAS_RESULT, COMPLIANT, "dwc:decimalLatitude and dwc:decimalLongitude are not both zero")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "dwc:decimalLatitude and dwc:decimalLongitude are both zero")


# --- geodetic datum -------------------------------------------------------------------------

_EPSG = ("EPSG", "https://epsg.org", "EPSG Geodetic Parameter Dataset")
NOT_RECORDED = "not recorded"


@bdq_test("VALIDATION_GEODETICDATUM_STANDARD", "7e0c0418-fe16-4a39-98bd-80e19d95b9d1", aliases={SOURCE: _EPSG},
          notes="Valid: EPSG:n of a geographic 2D CRS, a geodetic datum or an ellipsoid (EPSG dataset in pyproj), or \"not recorded\".")
def validation_geodeticdatum_standard(record, params, context, out):
    values = record["dwc:geodeticDatum"]
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:geodeticDatum is bdqval:Empty")
    if unavailable(out, params):
        return
    valid = epsg().valid
    ok = map_distinct(values, lambda v: v in valid or v == NOT_RECORDED).astype(bool)
    out.decide(ok, RUN_HAS_RESULT, COMPLIANT, "dwc:geodeticDatum is an EPSG code of a geographic CRS, datum or ellipsoid, or \"not recorded\"")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "dwc:geodeticDatum is not an EPSG code of a geographic CRS, datum or ellipsoid")


@bdq_test("AMENDMENT_GEODETICDATUM_STANDARDIZED", "0345b325-836d-4235-96d0-3b5caf150fc0", aliases={SOURCE: _EPSG},
          notes="Names and aliases resolve to the geographic 2D CRS when one is known (WGS84 -> EPSG:4326), else to the datum, else the ellipsoid.")
def amendment_geodeticdatum_standardized(record, params, context, out):
    values = record["dwc:geodeticDatum"]
    out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:geodeticDatum is bdqval:Empty")
    if unavailable(out, params):
        return
    valid = epsg().valid
    out.decide(map_distinct(values, lambda v: v in valid).astype(bool), NOT_AMENDED, comment="dwc:geodeticDatum is a valid EPSG code already")
    proposed = map_distinct(values, lambda v: (p if (p := epsg_standardize(v)) != v else None))
    ok = present(proposed)
    out.decide(ok, AMENDED, amendment_json(record.n, [("dwc:geodeticDatum", proposed)]), "dwc:geodeticDatum interpreted as an EPSG code")
    out.rest(NOT_AMENDED, comment="dwc:geodeticDatum cannot be unambiguously interpreted as an EPSG code")


@bdq_test("AMENDMENT_GEODETICDATUM_ASSUMEDDEFAULT", "7498ca76-c4d4-42e2-8103-acacccbdffa7",
          notes="Adding the maximum datum shift to dwc:coordinateUncertaintyInMeters needs a datum-shift grid; "
                "dwcqa.geo.max_datum_shift_m(lat, lon) is used when it exists, else those records answer "
                "EXTERNAL_PREREQUISITES_NOT_MET.")
def amendment_geodeticdatum_assumeddefault(record, params, context, out):
    datum_empty = record.empty("dwc:geodeticDatum")
    default = params["bdqval:defaultGeodeticDatum"] or "EPSG:4326"
    lat, lon = decimals(record[LAT]), decimals(record[LON])
    uncertainty = decimals(record["dwc:coordinateUncertaintyInMeters"])
    shift_needed = datum_empty & (uncertainty > 0) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    out.decide(~datum_empty, NOT_AMENDED, comment="dwc:geodeticDatum is bdqval:NotEmpty")
    if shift_needed.any():
        shift = getattr(context.geo_module if context.geo_module not in ("auto", None) else _geo_module(), "max_datum_shift_m", None)
        if shift is None:
            out.decide(shift_needed, EXTERNAL_PREREQUISITES_NOT_MET, comment="no datum-shift grid is available to amend dwc:coordinateUncertaintyInMeters")
        else:
            added = np.asarray(shift(lat, lon), dtype=float)
            new = np.where(shift_needed, np.ceil(uncertainty + added), np.nan)
            values = np.nan_to_num(new).astype(np.int64).astype(str).astype(object)
            values[np.isnan(new)] = None
            result = amendment_json(record.n, [("dwc:geodeticDatum", np.where(shift_needed, default, None)), ("dwc:coordinateUncertaintyInMeters", values)])
            out.decide(shift_needed, AMENDED, result, "dwc:geodeticDatum set to the default and the maximum datum shift added to dwc:coordinateUncertaintyInMeters")
    result = amendment_json(record.n, [("dwc:geodeticDatum", np.where(datum_empty, default, None))])
    out.rest(FILLED_IN, result, f"dwc:geodeticDatum is bdqval:Empty, filled in with {default}")


def _geo_module():
    try:
        import importlib

        return importlib.import_module("dwcqa.geo")
    except Exception:
        return None


# --- from verbatim --------------------------------------------------------------------------

_PROJECTED = re.compile(r"utm|mgrs|grid|easting|northing|national", re.I)


def _same(a: str, b: str) -> bool:
    return abs(Decimal(a) - Decimal(b)) <= Decimal("0.000001")


def _coordinates_from_verbatim(coordinates: str, latitude: str, longitude: str, system: str, srs: str):
    if _PROJECTED.search(system or ""):
        return None
    if not is_empty_text(coordinates):
        pair = interpret_coordinates(coordinates)
        if not pair.ok:
            return None
        lat, lon = pair.value
        if not is_empty_text(latitude):
            own = interpret_coordinate(latitude, "lat")
            if not own.ok or not _same(own.value, lat):
                return None
        if not is_empty_text(longitude):
            own = interpret_coordinate(longitude, "lon")
            if not own.ok or not _same(own.value, lon):
                return None
    else:
        found_lat, found_lon = interpret_coordinate(latitude, "lat"), interpret_coordinate(longitude, "lon")
        if not (found_lat.ok and found_lon.ok):
            return None
        lat, lon = found_lat.value, found_lon.value
    datum = None if is_empty_text(srs) else srs.strip(NON_PRINTING)
    return lat, lon, datum


@bdq_test("AMENDMENT_COORDINATES_FROM_VERBATIM", "3c2590c7-af8a-4eb4-af57-5f73ba9d1f8e",
          notes="When dwc:verbatimCoordinates and dwc:verbatimLatitude/Longitude are all given they must agree; "
                "dwc:geodeticDatum is filled from dwc:verbatimSRS when that is given. No coordinate transformation is made.")
def amendment_coordinates_from_verbatim(record, params, context, out):
    coordinates, latitude, longitude = record["dwc:verbatimCoordinates"], record["dwc:verbatimLatitude"], record["dwc:verbatimLongitude"]
    out.decide(~record.empty(LAT) | ~record.empty(LON), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:decimalLatitude or dwc:decimalLongitude is bdqval:NotEmpty")
    out.decide(empty(coordinates) & (empty(latitude) | empty(longitude)), INTERNAL_PREREQUISITES_NOT_MET, comment="no verbatim coordinates to interpret")
    lat, lon, datum = map_distinct_rows(
        [coordinates, latitude, longitude, record["dwc:verbatimCoordinateSystem"], record["dwc:verbatimSRS"]], _coordinates_from_verbatim, parts=3
    )
    ok = present(lat)
    result = amendment_json(record.n, [(LAT, lat), (LON, lon), ("dwc:geodeticDatum", datum)])
    out.decide(ok, FILLED_IN, result, "dwc:decimalLatitude and dwc:decimalLongitude interpreted from the verbatim coordinates")
    out.rest(NOT_AMENDED, comment="the verbatim coordinates cannot be unambiguously interpreted as geographic coordinates")


def _range_from_verbatim(label: str, guid: str, low_term: str, high_term: str, verbatim_term: str, *, allow_negative: bool) -> None:
    @bdq_test(label, guid)
    def test(record, params, context, out):
        verbatim = record[verbatim_term]
        out.decide(~record.empty(low_term) | ~record.empty(high_term), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{low_term} or {high_term} is bdqval:NotEmpty")
        out.decide(empty(verbatim), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{verbatim_term} is bdqval:Empty")
        def interpret(value: str):
            found = interpret_length_range(value, allow_negative=allow_negative)
            return found.value if found.ok else None

        low, high = map_distinct(verbatim, interpret, parts=2)
        ok = present(low)
        result = amendment_json(record.n, [(low_term, low), (high_term, high)])
        out.decide(ok, FILLED_IN, result, f"{low_term} and {high_term} interpreted from {verbatim_term}")
        out.rest(NOT_AMENDED, comment=f"{verbatim_term} cannot be unambiguously interpreted as a value or range with units")

    test.__name__ = label.lower()


_range_from_verbatim("AMENDMENT_MINDEPTHMAXDEPTH_FROM_VERBATIM", "c5658b83-4471-4f57-9d94-bf7d0a96900c",
                     "dwc:minimumDepthInMeters", "dwc:maximumDepthInMeters", "dwc:verbatimDepth", allow_negative=False)
_range_from_verbatim("AMENDMENT_MINELEVATIONMAXELEVATION_FROM_VERBATIM", "2d638c8b-4c62-44a0-a14d-fa147bf9823d",
                     "dwc:minimumElevationInMeters", "dwc:maximumElevationInMeters", "dwc:verbatimElevation", allow_negative=True)


# --- tests that need country boundaries (dwcqa.geo) -------------------------------------------


def _coordinates(record) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    lat, lon = decimals(record[LAT]), decimals(record[LON])
    missing = record.empty(LAT) | record.empty(LON)
    invalid = np.isnan(lat) | np.isnan(lon) | (np.abs(lat) > 90) | (np.abs(lon) > 180)
    return lat, lon, missing, invalid


def _geo_or_external(out, params, context, needs: str):
    """The geography hook, or None after answering EXTERNAL_PREREQUISITES_NOT_MET."""
    if unavailable(out, params):
        return None
    geo = context.geo()
    if geo is None or getattr(geo, f"{needs}_fn") is None:
        out.rest(EXTERNAL_PREREQUISITES_NOT_MET, comment=f"country boundaries (dwcqa.geo.{needs}) are not available")
        return None
    return geo


def _codes(record) -> tuple[np.ndarray, np.ndarray]:
    codes = record["dwc:countryCode"]
    valid = map_distinct(codes, vocabulary("countryCode").is_term).astype(bool)
    return codes.to_numpy(dtype=object), valid


def _buffer(params) -> float:
    value = parse_decimal(params["bdqval:spatialBufferInMeters"])
    return 0.0 if value is None else value


@bdq_test("VALIDATION_COORDINATESCOUNTRYCODE_CONSISTENT", "adb27d29-9f0d-4d52-b760-a77ba57a69c9", requires="geography", aliases={SOURCE: _BOUNDARIES})
def validation_coordinatescountrycode_consistent(record, params, context, out):
    lat, lon, missing, invalid = _coordinates(record)
    codes, valid_code = _codes(record)
    out.decide(missing | record.empty("dwc:countryCode"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:decimalLatitude, dwc:decimalLongitude or dwc:countryCode is bdqval:Empty")
    out.decide(invalid | ~valid_code, INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:decimalLatitude, dwc:decimalLongitude or dwc:countryCode is not valid")
    geo = _geo_or_external(out, params, context, "in_country")
    if geo is None:
        return
    rows = out.open.copy()
    inside = np.zeros(record.n, dtype=bool)
    high_seas = rows & (codes == "XZ")
    land = rows & ~high_seas
    if land.any():
        inside[land] = geo.in_country(lat[land], lon[land], codes[land], _buffer(params))
    if high_seas.any():
        if geo.country_of_fn is None:
            out.decide(high_seas, EXTERNAL_PREREQUISITES_NOT_MET, comment="dwcqa.geo.country_of is not available")
        else:
            inside[high_seas] = geo.country_of(lat[high_seas], lon[high_seas]) == ""
    out.decide(inside, RUN_HAS_RESULT, COMPLIANT, "the coordinates fall within the country of dwc:countryCode (with buffer)")
    out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, "the coordinates fall outside the country of dwc:countryCode")


@bdq_test("AMENDMENT_COUNTRYCODE_FROM_COORDINATES", "8c5fe9c9-4ba9-49ef-b15a-9ccd0424e6ae", requires="geography", aliases={SOURCE: _BOUNDARIES})
def amendment_countrycode_from_coordinates(record, params, context, out):
    lat, lon, missing, invalid = _coordinates(record)
    out.decide(missing, INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:decimalLatitude or dwc:decimalLongitude is bdqval:Empty")
    out.decide(~record.empty("dwc:countryCode"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:countryCode is bdqval:NotEmpty")
    out.decide(invalid, NOT_AMENDED, comment="dwc:decimalLatitude or dwc:decimalLongitude is not a valid coordinate")
    geo = _geo_or_external(out, params, context, "country_of")
    if geo is None:
        return
    rows = out.open.copy()
    found = np.full(record.n, None, dtype=object)
    if rows.any():
        codes = geo.country_of(lat[rows], lon[rows])
        found[rows] = np.where(codes == "", "XZ", codes)
    out.decide(rows, FILLED_IN, amendment_json(record.n, [("dwc:countryCode", found)]), "dwc:countryCode filled in from the coordinates (XZ: high seas)")


_VARIANTS = (("-lat", "lon"), ("lat", "-lon"), ("-lat", "-lon"), ("lon", "lat"), ("-lon", "lat"), ("lon", "-lat"), ("-lon", "-lat"))


def _negate(values: np.ndarray) -> np.ndarray:
    """A coordinate's text with its sign reversed ("25.46" -> "-25.46", "-70" -> "70")."""
    import pandas as pd

    text_ = pd.Series(values, dtype=object).astype("str").str.strip()
    negative = text_.str.startswith("-")
    return np.where(negative, text_.str.slice(1), "-" + text_.str.lstrip("+")).astype(object)


@bdq_test("AMENDMENT_COORDINATES_TRANSPOSED", "f2b4a50a-6b2f-4930-b9df-da87b6a21082", requires="geography", aliases={SOURCE: _BOUNDARIES},
          notes="Tries the sign changes and the swap of the two coordinates; amends only when exactly one of them falls in the country.")
def amendment_coordinates_transposed(record, params, context, out):
    lat, lon, missing, invalid = _coordinates(record)
    out.decide(missing | record.empty("dwc:countryCode"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:decimalLatitude, dwc:decimalLongitude or dwc:countryCode is bdqval:Empty")
    codes, valid_code = _codes(record)
    out.decide(invalid, NOT_AMENDED, comment="dwc:decimalLatitude or dwc:decimalLongitude is not a valid coordinate")
    out.decide(~valid_code, NOT_AMENDED, comment="dwc:countryCode is not a valid country code")
    geo = _geo_or_external(out, params, context, "in_country")
    if geo is None:
        return
    rows = np.flatnonzero(out.open)
    if len(rows):
        la, lo, cc = lat[rows], lon[rows], codes[rows]
        out.decide(_mask(record.n, rows, geo.in_country(la, lo, cc, 0.0)), NOT_AMENDED, comment="the coordinates already fall in the country")
        rows = np.flatnonzero(out.open)
    if len(rows):
        la, lo, cc = lat[rows], lon[rows], codes[rows]
        text_lat, text_lon = record[LAT].to_numpy(dtype=object)[rows], record[LON].to_numpy(dtype=object)[rows]
        numbers = {"lat": la, "lon": lo, "-lat": -la, "-lon": -lo}
        texts = {"lat": text_lat, "lon": text_lon, "-lat": _negate(text_lat), "-lon": _negate(text_lon)}
        hits = np.zeros(len(rows), dtype=int)
        chosen_lat = np.full(len(rows), None, dtype=object)
        chosen_lon = np.full(len(rows), None, dtype=object)
        for new_lat, new_lon in _VARIANTS:
            a, b = numbers[new_lat], numbers[new_lon]
            possible = (np.abs(a) <= 90) & (np.abs(b) <= 180)
            inside = np.zeros(len(rows), dtype=bool)
            if possible.any():
                inside[possible] = geo.in_country(a[possible], b[possible], cc[possible], 0.0)
            first = inside & (hits == 0)
            chosen_lat[first] = texts[new_lat][first]
            chosen_lon[first] = texts[new_lon][first]
            hits += inside
        unique = hits == 1
        new_lat = np.full(record.n, None, dtype=object)
        new_lon = np.full(record.n, None, dtype=object)
        new_lat[rows[unique]] = chosen_lat[unique]
        new_lon[rows[unique]] = chosen_lon[unique]
        result = amendment_json(record.n, [(LAT, new_lat), (LON, new_lon)])
        out.decide(_mask(record.n, rows, unique), AMENDED, result, "dwc:decimalLatitude/dwc:decimalLongitude transposed or sign-reversed to fall in the country of dwc:countryCode")
    out.rest(NOT_AMENDED, comment="no single transposition or sign change places the coordinates in the country")


def _mask(n: int, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[rows] = values
    return mask


@bdq_test("VALIDATION_COORDINATESSTATEPROVINCE_CONSISTENT", "f18a470b-3fe1-4aae-9c65-a6d3db6b550c", requires="geography",
          aliases={SOURCE: ("10m-admin-1 boundaries",)},
          notes="Needs first-level administrative boundaries; dwcqa.geo provides country boundaries only, so "
                "records that pass the internal prerequisites answer EXTERNAL_PREREQUISITES_NOT_MET.")
def validation_coordinatesstateprovince_consistent(record, params, context, out):
    lat, lon, missing, invalid = _coordinates(record)
    out.decide(missing | invalid, INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:decimalLatitude or dwc:decimalLongitude is bdqval:Empty or invalid")
    out.decide(record.empty("dwc:stateProvince"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:stateProvince is bdqval:Empty")
    if unavailable(out, params):
        return
    out.rest(EXTERNAL_PREREQUISITES_NOT_MET, comment="no first-level administrative boundaries (10m-admin-1) are available to dwcqa")


@bdq_test("VALIDATION_COORDINATESTERRESTRIALMARINE_CONSISTENT", "b9c184ce-a859-410c-9d12-71a338200380", requires="service",
          notes="Needs bdqval:taxonIsMarine (WoRMS by default) and land polygons; none is available offline, so records that "
                "pass the internal prerequisites answer EXTERNAL_PREREQUISITES_NOT_MET.")
def validation_coordinatesterrestrialmarine_consistent(record, params, context, out):
    lat, lon, missing, invalid = _coordinates(record)
    out.decide(record.empty("dwc:scientificName"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:scientificName is bdqval:Empty")
    out.decide(missing, INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:decimalLatitude or dwc:decimalLongitude is bdqval:Empty")
    out.rest(EXTERNAL_PREREQUISITES_NOT_MET, comment="bdqval:taxonIsMarine and bdqval:geospatialLand are not available to dwcqa")


@bdq_test("ISSUE_COORDINATES_CENTEROFCOUNTRY", "256e51b3-1e08-4349-bb7e-5186631c3f8e", requires="service",
          notes="Needs a catalogue of country centroids (GBIF's by default); none ships with dwcqa, so records that pass "
                "the internal prerequisites answer EXTERNAL_PREREQUISITES_NOT_MET.")
def issue_coordinates_centerofcountry(record, params, context, out):
    lat, lon, missing, invalid = _coordinates(record)
    out.decide(missing | record.empty("dwc:countryCode"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:countryCode, dwc:decimalLatitude or dwc:decimalLongitude is bdqval:Empty")
    out.rest(EXTERNAL_PREREQUISITES_NOT_MET, comment="no catalogue of country centroids is available to dwcqa")


# --- tests that need a gazetteer (Getty TGN by default) --------------------------------------

_GAZETTEER_NOTE = "Needs a gazetteer (the Getty TGN by default); none is available offline, so records that pass the internal prerequisites answer EXTERNAL_PREREQUISITES_NOT_MET."


@bdq_test("VALIDATION_COUNTRY_FOUND", "69b2efdc-6269-45a4-aecb-4cb99c2ae134", requires="gazetteer", notes=_GAZETTEER_NOTE)
def validation_country_found(record, params, context, out):
    out.decide(record.empty("dwc:country"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:country is bdqval:Empty")
    out.rest(EXTERNAL_PREREQUISITES_NOT_MET, comment=f"bdqval:sourceAuthority [{params[SOURCE]}] is not available to dwcqa")


@bdq_test("VALIDATION_COUNTRYCOUNTRYCODE_CONSISTENT", "b23110e7-1be7-444a-a677-cdee0cf4330c", requires="gazetteer", notes=_GAZETTEER_NOTE)
def validation_countrycountrycode_consistent(record, params, context, out):
    out.decide(record.empty("dwc:country") | record.empty("dwc:countryCode"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:country or dwc:countryCode is bdqval:Empty")
    out.rest(EXTERNAL_PREREQUISITES_NOT_MET, comment=f"bdqval:sourceAuthority [{params[SOURCE]}] is not available to dwcqa")


@bdq_test("VALIDATION_STATEPROVINCE_FOUND", "4daa7986-d9b0-4dd5-ad17-2d7a771ea71a", requires="gazetteer", notes=_GAZETTEER_NOTE)
def validation_stateprovince_found(record, params, context, out):
    out.decide(record.empty("dwc:stateProvince"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:stateProvince is bdqval:Empty")
    out.rest(EXTERNAL_PREREQUISITES_NOT_MET, comment=f"bdqval:sourceAuthority [{params[SOURCE]}] is not available to dwcqa")


@bdq_test("VALIDATION_COUNTRYSTATEPROVINCE_UNAMBIGUOUS", "d257eb98-27cb-48e5-8d3c-ab9fca4edd11", requires="gazetteer", notes=_GAZETTEER_NOTE)
def validation_countrystateprovince_unambiguous(record, params, context, out):
    out.decide(record.empty("dwc:country") & record.empty("dwc:stateProvince"), INTERNAL_PREREQUISITES_NOT_MET, comment="dwc:country and dwc:stateProvince are bdqval:Empty")
    out.rest(EXTERNAL_PREREQUISITES_NOT_MET, comment=f"bdqval:sourceAuthority [{params[SOURCE]}] is not available to dwcqa")
