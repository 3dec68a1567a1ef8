"""What a user needs to act on each space finding, one row per flagged record."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dwcqa.geo.coordinates import SOURCE_NAMES

COLUMNS = (
    "latitude",
    "longitude",
    "coordinate_source",
    "from_verbatim",
    "stated_country",
    "country_at_point",
    "at_sea",
    "distance_to_stated_km",
    "fix",
    "fixed_latitude",
    "fixed_longitude",
    "standard_country_code",
    "findings",
)


def _context(archive_or_context, options):
    from dwcqa.checks.context import Context

    if isinstance(archive_or_context, Context):
        return archive_or_context
    return Context(archive_or_context, dict(options or {}))


def space_checks():
    from dwcqa.checks.registry import all_checks

    return [c for c in all_checks() if c.function.__module__ == "dwcqa.checks.space"]


def geography_details(archive_or_context, options: dict | None = None, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Per record with a space finding (or per row in ``rows``), indexed by core row:

    latitude, longitude      the point as interpreted (NaN when none)
    coordinate_source        decimal, verbatimLatitude/verbatimLongitude or verbatimCoordinates
    from_verbatim            the point comes from the verbatim fields
    stated_country           ISO code from countryCode (else country), "" when none
    country_at_point         code of the land under the point, else of the nearest coast
                             within 200 nautical miles, "" when none
    at_sea                   the point is on no land
    distance_to_stated_km    km from the point to the stated country's land (0 inside)
    fix                      the transform that puts the point in its country: "swap",
                             "negate latitude", "negate longitude", "negate both", ""
    fixed_latitude/longitude the point after that transform
    standard_country_code    the ISO alpha-2 code of a countryCode written otherwise
    findings                 the space checks that flag the record, ";"-separated
    """
    from dwcqa.checks.registry import as_mask
    from dwcqa.geo.locate import distance_to_country
    from dwcqa.geo.records import TRANSFORMS, for_context

    context = _context(archive_or_context, options)
    geo = for_context(context)
    n = context.records
    flagged = np.zeros(n, dtype=bool)
    masks = {}
    for check in space_checks():
        outcome = check.function(context)
        if outcome is None:
            continue
        mask = as_mask(outcome, n)
        masks[check.id] = mask
        flagged |= mask
    rows = np.flatnonzero(flagged) if rows is None else np.asarray(rows, dtype=np.int64)
    coords = geo.coords
    lat, lon = coords.lat[rows], coords.lon[rows]
    stated = geo.stated[rows]
    at_point = np.full(len(rows), "", dtype=object)
    at_sea = np.zeros(len(rows), dtype=bool)
    distance = np.full(len(rows), np.nan)
    usable = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    if usable.any():
        unit, km = geo.locate(rows[usable])
        at_point[usable] = geo.boundaries.unit_codes[unit]
        at_sea[usable] = geo.land_unit(rows[usable]) < 0
        with_code = usable & (stated != "")
        if with_code.any():
            d = distance_to_country(lat[with_code], lon[with_code], stated[with_code], geo.boundaries)
            distance[with_code] = np.where(np.isfinite(d), d, np.nan)
    fix = geo.fix[rows]
    transforms = dict(TRANSFORMS)
    fixed_lat, fixed_lon = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
    for name, transform in transforms.items():
        which = fix == name
        if which.any():
            fixed_lat[which], fixed_lon[which] = transform(lat[which], lon[which])
    swapped_range = coords.swapped_range[rows]
    fix = np.where(swapped_range & (fix == ""), "swap (out of range)", fix)
    code, _, _ = geo.country_code
    standard_code = np.where(geo.code_not_standard[rows], code[rows], "")
    names = _finding_names(masks, rows)
    frame = pd.DataFrame(
        {
            "latitude": lat,
            "longitude": lon,
            "coordinate_source": _source_names(coords.source[rows]),
            "from_verbatim": coords.from_verbatim[rows],
            "stated_country": stated,
            "country_at_point": at_point,
            "at_sea": at_sea,
            "distance_to_stated_km": np.round(distance, 3),
            "fix": fix,
            "fixed_latitude": fixed_lat,
            "fixed_longitude": fixed_lon,
            "standard_country_code": standard_code,
            "findings": names,
        },
        index=pd.Index(rows, name="row"),
    )
    return frame


def _source_names(sources: np.ndarray) -> np.ndarray:
    """The name of each coordinate source code (a lookup per distinct code, not per row)."""
    codes, inverse = np.unique(np.asarray(sources, dtype=np.int64), return_inverse=True)
    return np.array([SOURCE_NAMES[int(c)] for c in codes], dtype=object)[inverse.reshape(-1)]


def _finding_names(masks: dict[str, np.ndarray], rows: np.ndarray) -> np.ndarray:
    """Per row, the ids of the checks whose mask flags it, ";"-separated in ``masks`` order.

    Each row's combination of checks is packed into bits; the names are joined once per
    distinct combination (a handful) and mapped back to the rows."""
    ids = list(masks)
    if not len(rows):
        return np.array([], dtype=object)
    if not ids:
        return np.full(len(rows), "", dtype=object)
    words = (len(ids) + 62) // 63  # 63 checks per int64 column
    bits = np.zeros((len(rows), words), dtype=np.int64)
    for k, check_id in enumerate(ids):
        bits[:, k // 63] |= masks[check_id][rows].astype(np.int64) << (k % 63)
    combinations, inverse = np.unique(bits, axis=0, return_inverse=True)
    joined = [";".join(ids[k] for k in range(len(ids)) if (int(combo[k // 63]) >> (k % 63)) & 1) for combo in combinations]
    return np.array(joined, dtype=object)[inverse.reshape(-1)]
