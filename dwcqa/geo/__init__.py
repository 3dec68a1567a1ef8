"""Geography: coordinates, countries and boundaries, offline.

The vectorised API (numpy arrays in, numpy arrays out), for the checks, the BDQ runner and
the amendments:

- ``parse_coordinates(values, axis=None)``: text -> float degrees (decimal or DMS,
  hemisphere letters), NaN where unreadable;
- ``country_of(lat, lon)``: ISO alpha-2 code of the land under each point, else of the
  nearest coast within 200 nautical miles, else "";
- ``in_country(lat, lon, codes, buffer_m=3000)``: is each point consistent with its stated
  code (land, buffer, 200 nm zone, GBIF's tolerated pairs);
- ``match_country(...)``: the same with how each point matched;
- ``distance_to_country(lat, lon, codes)``: km to the stated country's land;
- ``geography_details(archive_or_context)``: per flagged record, what the user needs to act;
- ``load_boundaries(path=None, code_field=None)``: the boundaries (Natural Earth by default).

Heavy modules (shapely, geopandas) load on first use, not on ``import dwcqa.geo``.
"""

from __future__ import annotations

_EXPORTS = {
    "parse_coordinates": "dwcqa.geo.coordinates",
    "country_of": "dwcqa.geo.locate",
    "in_country": "dwcqa.geo.locate",
    "match_country": "dwcqa.geo.locate",
    "distance_to_country": "dwcqa.geo.locate",
    "geography_details": "dwcqa.geo.details",
    "load_boundaries": "dwcqa.geo.boundaries",
    "parse_country": "dwcqa.geo.countries",
    "Geography": "dwcqa.geo.records",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'dwcqa.geo' has no attribute {name!r}")
