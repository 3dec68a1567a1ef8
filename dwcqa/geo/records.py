"""Geography of the core records: one interpretation shared by every space check.

``Geography`` reads the location terms of the core once (each distinct value parsed once),
tests coordinates against the stated country, tries the transforms GBIF tries, and keeps
every intermediate array, so that each check is a one-line mask over it and
``geography_details`` can explain each finding.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Callable

import numpy as np
import pandas as pd

from dwcqa.geo import coordinates as C
from dwcqa.geo.countries import code_table, continent_names, countries, country_column, datums, normalize_country, normalize_datum, pairs
from dwcqa.terms import DWC

DEFAULT_BUFFER_M = 3000.0  # bdqval:spatialBufferInMeters, BDQ default
DEFAULT_CENTROID_M = 5000.0  # ISSUE_COORDINATES_CENTEROFCOUNTRY default
UNCERTAINTY_RANGE = (1.0, 20037509.0)  # VALIDATION_COORDINATEUNCERTAINTY_INRANGE

# Transforms tried when a point is not in its stated country: GBIF's, with one change of
# order: the swap (one mistake) before negating both coordinates (two mistakes), so that a
# point that either would fix is reported as swapped.
TRANSFORMS = (
    ("negate latitude", lambda lat, lon: (-lat, lon)),
    ("negate longitude", lambda lat, lon: (lat, -lon)),
    ("swap", lambda lat, lon: (lon, lat)),
    ("negate both", lambda lat, lon: (-lat, -lon)),
)
# Geography.fix_index: 0 = no transform, i + 1 = TRANSFORMS[i].
NO_FIX, NEGATE_LATITUDE, NEGATE_LONGITUDE, SWAP, NEGATE_BOTH = range(5)
FIX_NAMES = np.array([""] + [name for name, _ in TRANSFORMS], dtype=object)

LOCATION_TERMS = tuple(
    DWC + t for t in ("decimalLatitude", "decimalLongitude", "verbatimLatitude", "verbatimLongitude", "verbatimCoordinates")
)


def _number(values: pd.Series | None, records: int) -> tuple[np.ndarray, np.ndarray]:
    """(float value, given) of a numeric column; NaN where not a plain number."""
    if values is None:
        return np.full(records, np.nan), np.zeros(records, dtype=bool)
    value, how, _ = C.read_values(values, records)
    given = how != C.EMPTY
    value = np.where(how == C.DECIMAL, value, np.nan)
    return value, given


class Geography:
    """Everything the space checks need, computed on first use."""

    def __init__(self, column: Callable[[str], pd.Series | None], records: int, options: dict[str, Any] | None = None):
        self.column = column
        self.records = records
        self.options = options or {}

    # -- options ---------------------------------------------------------------------

    @property
    def buffer_m(self) -> float:
        return float(self.options.get("spatial_buffer_m", DEFAULT_BUFFER_M))

    @property
    def centroid_m(self) -> float:
        return float(self.options.get("centroid_distance_m", DEFAULT_CENTROID_M))

    @cached_property
    def boundaries(self):
        from dwcqa.geo.boundaries import boundaries_for

        return boundaries_for(self.options)

    def has(self, *names: str) -> bool:
        return any(self.column(DWC + n) is not None for n in names)

    # -- coordinates -------------------------------------------------------------------

    @cached_property
    def coords(self) -> C.Coordinates:
        return C.interpret(self.column, self.records)

    @cached_property
    def point(self) -> np.ndarray:
        """A usable, non-zero point (what the country tests take)."""
        return self.coords.usable & ~self.coords.zero

    # -- countries ----------------------------------------------------------------------

    @cached_property
    def code_column(self):
        return country_column(self.column(DWC + "countryCode"), self.records)

    @cached_property
    def name_column(self):
        return country_column(self.column(DWC + "country"), self.records)

    @cached_property
    def country_code(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ISO code, given, standard) of countryCode, as interpret_countries returns them."""
        column = self.code_column
        return column.code, column.given, column.standard

    @cached_property
    def country_name(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        column = self.name_column
        return column.code, column.given, column.standard

    @cached_property
    def stated_ids(self) -> np.ndarray:
        """The stated country as an index of code_table(): countryCode when it can be read,
        else country (-1 = none)."""
        code, name = self.code_column.ids, self.name_column.ids
        return np.where(code >= 0, code, name)

    @cached_property
    def has_stated(self) -> np.ndarray:
        return self.stated_ids >= 0

    @cached_property
    def stated(self) -> np.ndarray:
        """The stated ISO code ("" = none), as an object array."""
        return self.stated_codes(slice(None))

    def stated_codes(self, rows) -> np.ndarray:
        return code_table()[0][self.stated_ids[rows]]

    def stated_categorical(self, rows: np.ndarray) -> pd.Categorical:
        """The stated codes of some rows (each with one), without hashing a string per row."""
        ids = self.stated_ids[rows]
        used = np.flatnonzero(np.bincount(ids, minlength=1))
        position = np.zeros(len(code_table()[0]), dtype=np.int16)
        position[used] = np.arange(len(used))
        return pd.Categorical.from_codes(position[ids], categories=code_table()[0][used])

    @cached_property
    def country_invalid(self) -> np.ndarray:
        code, name = self.code_column, self.name_column
        return (code.given & (code.ids < 0)) | (name.given & (name.ids < 0))

    @cached_property
    def country_mismatch(self) -> np.ndarray:
        code, name = self.code_column.ids, self.name_column.ids
        return (code >= 0) & (name >= 0) & (code != name)

    @cached_property
    def code_not_standard(self) -> np.ndarray:
        column = self.code_column
        return column.given & (column.ids >= 0) & ~column.standard

    # -- the country test ------------------------------------------------------------------

    @cached_property
    def match(self):
        """match_country for records with a point and a stated code (others: not testable)."""
        from dwcqa.geo.locate import Match, match_country

        n = self.records
        rows = np.flatnonzero(self.point & self.has_stated)
        out = Match(np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, np.int8), np.zeros(n, np.int8), np.full(n, -1, np.int64))
        if len(rows):
            m = match_country(self.coords.lat[rows], self.coords.lon[rows], self.stated_categorical(rows), self.buffer_m, self.boundaries)
            for name in ("consistent", "testable", "kind", "how", "unit"):
                getattr(out, name)[rows] = getattr(m, name)
        return out

    @cached_property
    def fix_index(self) -> np.ndarray:
        """The first transform (GBIF's order) that puts a mismatched point in its country:
        int8, NO_FIX or 1 + its position in TRANSFORMS."""
        from dwcqa.geo.locate import in_country

        out = np.zeros(self.records, dtype=np.int8)
        m = self.match
        rows = np.flatnonzero(m.testable & ~m.consistent)
        lat, lon = self.coords.lat, self.coords.lon
        for number, (_name, transform) in enumerate(TRANSFORMS, 1):
            if len(rows) == 0:
                break
            tlat, tlon = transform(lat[rows], lon[rows])
            usable = (np.abs(tlat) <= 90) & (np.abs(tlon) <= 180) & ((tlat != lat[rows]) | (tlon != lon[rows]))
            ok = np.zeros(len(rows), dtype=bool)
            if usable.any():
                ok[usable] = in_country(tlat[usable], tlon[usable], self.stated_categorical(rows[usable]), self.buffer_m, self.boundaries)
            out[rows[ok]] = number
            rows = rows[~ok]
        return out

    @cached_property
    def fix(self) -> np.ndarray:
        """The name of that transform per record ("" = none), as an object array."""
        return FIX_NAMES[self.fix_index]

    @cached_property
    def bad_range_swap(self) -> np.ndarray:
        """Latitude beyond 90 whose swapped pair is in range but not in the stated country:
        no presumed swap then, the coordinate is simply out of range."""
        m = self.match
        return self.coords.swapped_range & m.testable & ~m.consistent & (self.fix_index == NO_FIX)

    @cached_property
    def located(self) -> np.ndarray:
        """A point the other checks can place: usable, non-zero, not a failed range swap."""
        return self.point & ~self.bad_range_swap

    @cached_property
    def out_of_range(self) -> np.ndarray:
        return self.coords.out_of_range | self.bad_range_swap

    @cached_property
    def coordinate_mismatch(self) -> np.ndarray:
        m = self.match
        return m.testable & ~m.consistent & (self.fix_index == NO_FIX) & ~self.bad_range_swap

    @cached_property
    def negated_latitude(self) -> np.ndarray:
        return (self.fix_index == NEGATE_LATITUDE) | (self.fix_index == NEGATE_BOTH)

    @cached_property
    def negated_longitude(self) -> np.ndarray:
        return (self.fix_index == NEGATE_LONGITUDE) | (self.fix_index == NEGATE_BOTH)

    @cached_property
    def swapped(self) -> np.ndarray:
        return (self.fix_index == SWAP) | (self.coords.swapped_range & ~self.bad_range_swap)

    # -- where the points are -----------------------------------------------------------------

    def locate(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(unit, km) for some rows: land, else nearest coast within 200 nm."""
        from dwcqa.geo.locate import locate

        return locate(self.coords.lat[rows], self.coords.lon[rows], self.boundaries)

    @cached_property
    def derivable(self) -> np.ndarray:
        """No stated country, but the point gives one (or GBIF will replace a confused one)."""
        from dwcqa.geo.locate import CONFUSED

        out = (self.match.kind == CONFUSED) & self.match.consistent
        rows = np.flatnonzero(self.located & ~self.has_stated)
        if len(rows):
            unit, _ = self.locate(rows)
            codes = self.boundaries.unit_codes[unit]
            out[rows] = codes != ""
        return out

    def land_unit(self, rows: np.ndarray) -> np.ndarray:
        """Land unit under the points of some rows (-1 at sea), each distinct point once."""
        if len(rows) == 0:
            return np.zeros(0, dtype=np.int64)
        inverse, uniques = pd.factorize(self.coords.lat[rows] + 1j * self.coords.lon[rows])
        return self.boundaries.land_unit(np.asarray(uniques.real), np.asarray(uniques.imag))[inverse]

    @cached_property
    def landlocked_at_sea(self) -> np.ndarray:
        known = countries()
        flags = np.array([known[c].landlocked if c in known else False for c in code_table()[0]], dtype=bool)  # "" last: -1
        out = self.located & flags[self.stated_ids] & ~(self.match.consistent & (self.match.how != 3))
        rows = np.flatnonzero(out)
        out[rows] = self.land_unit(rows) < 0
        return out

    # -- centroids ------------------------------------------------------------------------

    @cached_property
    def at_centroid(self) -> np.ndarray:
        from dwcqa.geo.centroids import near_centroid

        out = np.zeros(self.records, dtype=bool)
        rows = np.flatnonzero(self.located & self.has_stated)
        if len(rows) == 0:
            return out
        uncertainty, _ = self.uncertainty
        out[rows] = near_centroid(self.coords.lat[rows], self.coords.lon[rows], self.stated_categorical(rows), uncertainty[rows], self.centroid_m, self.boundaries)
        return out

    # -- precision, uncertainty, datum ----------------------------------------------------------

    @cached_property
    def uncertainty(self) -> tuple[np.ndarray, np.ndarray]:
        """(metres, given) of coordinateUncertaintyInMeters: three checks read it."""
        return _number(self.column(DWC + "coordinateUncertaintyInMeters"), self.records)

    @cached_property
    def uncertainty_invalid(self) -> np.ndarray:
        value, given = self.uncertainty
        low, high = UNCERTAINTY_RANGE
        with np.errstate(invalid="ignore"):
            return given & ~((value >= low) & (value <= high))

    @cached_property
    def precision_invalid(self) -> np.ndarray:
        value, given = _number(self.column(DWC + "coordinatePrecision"), self.records)
        with np.errstate(invalid="ignore"):
            return given & ~((value >= 0) & (value <= 1))

    @cached_property
    def low_precision(self) -> np.ndarray:
        decimals = self.coords.decimals.astype(np.int64)
        low = (decimals >= 0) & (decimals <= 2) & self.located
        uncertainty, _ = self.uncertainty
        # Half a unit of the last decimal, in metres: an uncertainty at least that large
        # already says the point is that rough.
        rounding_m = 0.5 * np.power(10.0, -np.clip(decimals, 0, 6)) * 111195.0
        with np.errstate(invalid="ignore"):
            covered = np.isfinite(uncertainty) & (uncertainty >= rounding_m)
        return low & ~covered

    @cached_property
    def datum(self) -> tuple[np.ndarray, np.ndarray]:
        """(given, valid) for geodeticDatum, as GBIF's datum parser reads it."""
        values = self.column(DWC + "geodeticDatum")
        if values is None:
            return np.zeros(self.records, bool), np.zeros(self.records, bool)
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        given, valid = [], []
        for raw in uniques:
            text = str(raw).strip()
            g = bool(text) and text.upper() not in {"NULL", "NA", "N/A", "NAN", "NONE", "-", "--", "?"}
            given.append(g)
            valid.append(g and datum_code(text) is not None)
        given_a = np.array(given + [False], dtype=bool)
        valid_a = np.array(valid + [False], dtype=bool)
        return given_a[codes], valid_a[codes]

    # -- continents -------------------------------------------------------------------------

    @cached_property
    def continent(self) -> tuple[np.ndarray, np.ndarray]:
        """(continent, given): GBIF continent name ("" when not understood)."""
        values = self.column(DWC + "continent")
        if values is None:
            return np.full(self.records, "", dtype=object), np.zeros(self.records, bool)
        table = continent_names()
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        parsed, given = [], []
        for raw in uniques:
            text = str(raw).strip()
            key = normalize_country(text) if text else None
            given.append(key is not None)
            parsed.append(table.get(key, "") if key else "")
        return np.array(parsed + [""], dtype=object)[codes], np.array(given + [False], dtype=bool)[codes]

    @staticmethod
    def _outside_continent(codes: np.ndarray, continent: np.ndarray) -> np.ndarray:
        """True where the continent is not one of the country's (each distinct pair once)."""
        known = countries()
        code_keys, code_values = pd.factorize(np.asarray(codes, dtype=object))
        name_keys, name_values = pd.factorize(np.asarray(continent, dtype=object))
        width = max(len(name_values), 1)
        # Each distinct (code, continent) pair as one integer, without joining strings; a
        # missing value (key -1) gets the pair -1, which is never outside.
        combined = np.where((code_keys < 0) | (name_keys < 0), -1, code_keys.astype(np.int64) * width + name_keys)
        pairs, uniques = pd.factorize(combined)
        verdict = []
        for pair in uniques:
            if pair < 0:
                verdict.append(False)
                continue
            code, name = code_values[pair // width], name_values[pair % width]
            allowed = known[code].continents if code in known else ()
            verdict.append(bool(allowed) and name not in allowed)
        return np.array(verdict, dtype=bool)[pairs]

    @cached_property
    def continent_country_mismatch(self) -> np.ndarray:
        continent, _ = self.continent
        rows = np.flatnonzero((continent != "") & self.has_stated)
        out = np.zeros(self.records, dtype=bool)
        if len(rows):
            out[rows] = self._outside_continent(self.stated_codes(rows), continent[rows])
        return out

    @cached_property
    def continent_coordinate_mismatch(self) -> np.ndarray:
        continent, _ = self.continent
        rows = np.flatnonzero((continent != "") & self.located)
        out = np.zeros(self.records, dtype=bool)
        if len(rows):
            land = self.land_unit(rows)
            rows, land = rows[land >= 0], land[land >= 0]
            if len(rows):
                out[rows] = self._outside_continent(self.boundaries.unit_codes[land], continent[rows])
        return out


_DATUM_CACHE: dict[str, int | None] = {}


def datum_code(text: str) -> int | None:
    """EPSG code of a geodeticDatum value as GBIF reads it (an EPSG:n code or a known name)."""
    if text in _DATUM_CACHE:
        return _DATUM_CACHE[text]
    import re

    result: int | None = None
    m = re.match(r"^\s*(EPSG|ESPG)\s*:+\s*(\d+)\s*$", text, re.IGNORECASE)
    if m:
        code = int(m.group(2))
        result = code if _epsg_known(code) else None
    else:
        epsg = datums().get(normalize_datum(text) or "")
        result = int(epsg) if epsg else None
    _DATUM_CACHE[text] = result
    return result


def _epsg_known(code: int) -> bool:
    """Whether the EPSG database bundled with pyproj knows the code (CRS, datum, ellipsoid)."""
    try:
        from pyproj import CRS
        from pyproj.crs import Datum, Ellipsoid
    except ImportError:  # pragma: no cover - pyproj is a dependency
        return True
    for factory in (CRS.from_epsg, Datum.from_epsg, Ellipsoid.from_epsg):
        try:
            factory(code)
            return True
        except Exception:
            continue
    return False


def for_context(context) -> Geography:
    """The Geography of a check Context (computed once per run)."""
    return context.cached(("dwcqa.geo", "geography"), lambda: Geography(context.column, context.records, context.options))


def gbif_pairs_of(code: str) -> tuple[frozenset[str], frozenset[str]]:
    equivalent, confused = pairs()
    return equivalent.get(code, frozenset()), confused.get(code, frozenset())
