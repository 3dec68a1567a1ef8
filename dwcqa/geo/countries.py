"""Countries: ISO codes, names in many languages, continents, GBIF's tolerated pairs.

Every table lives in ``dwcqa/standards/country_*.csv`` (built by
``scripts/build_geo_tables.py``; provenance in ``dwcqa/standards/GEO_SOURCES.md``).

Values are interpreted the way GBIF's country parser does: folded to ASCII, everything but
letters removed, upper-cased, then looked up among ISO codes (alpha-2 and alpha-3), ISO and
GBIF titles and GBIF's dictionary of names (``countryName.tsv``: names, misspellings and
places in many languages). Each distinct value is interpreted once.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

CONTINENTS = ("AFRICA", "ANTARCTICA", "ASIA", "EUROPE", "NORTH_AMERICA", "OCEANIA", "SOUTH_AMERICA")
UNKNOWN = "ZZ"  # GBIF's dictionary marks ambiguous or meaningless names with ZZ
# Values GBIF treats as "no value" before stripping punctuation ("N/A" would become "NA": Namibia).
NOT_AVAILABLE = frozenset({"N/A", "N/a", "n/a", "n/A", "n.a.", "N/K", "N/k", "n/k", "n/K", "n.k.", "UNK.", "Unk.", "unk.", "UNK", "Unk", "unk"})

# Letters NFKD does not decompose (GBIF folds them to ASCII too).
_FOLD = str.maketrans({"ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe", "Ð": "D", "ð": "d", "Þ": "TH", "þ": "th", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i", "Ħ": "H", "ħ": "h"})
_OFF = re.compile(r"off ", re.IGNORECASE)


def fold_ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def normalize_country(value: str | None) -> str | None:
    """The lookup key of a country name or code ("Côte d'Ivoire" -> "COTEDIVOIRE")."""
    if value is None or value in NOT_AVAILABLE:
        return None
    value = _OFF.sub("", value, count=1)
    key = "".join(ch for ch in fold_ascii(value) if ch.isalpha()).upper()
    return key or None


def normalize_datum(value: str | None) -> str | None:
    """The lookup key of a geodetic datum name, as GBIF's datum parser makes it."""
    if value is None:
        return None
    key = re.sub(r"[^A-Za-z0-9]+", "", fold_ascii(value)).upper()
    return key or None


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files("dwcqa") / "standards" / name
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Country:
    code: str
    iso3: str
    name: str
    continents: tuple[str, ...]
    landlocked: bool


@lru_cache(maxsize=None)
def countries() -> dict[str, Country]:
    """ISO 3166-1 alpha-2 code (plus XK, Kosovo, as GBIF) -> Country."""
    table = {}
    for row in _rows("country_codes.csv"):
        continents = tuple(c for c in row["continents"].split("|") if c)
        table[row["code"]] = Country(row["code"], row["iso3"], row["name"], continents, row["landlocked"] == "true")
    return table


@lru_cache(maxsize=None)
def names() -> dict[str, str]:
    """Normalised name/code -> ISO alpha-2 code ("ZZ" = known to be no single country)."""
    # 14,000 rows: a plain reader instead of a dict per row (a third of the time).
    with (resources.files("dwcqa") / "standards" / "country_names.csv").open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        key, code = header.index("key"), header.index("code")
        return {row[key]: row[code] for row in rows}


@lru_cache(maxsize=None)
def pairs() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """GBIF's tolerated country pairs: (equivalent, confused), each code -> codes.

    Both directions, as GBIF reads confused-country-pairs.txt. *Equivalent* pairs are
    accepted silently (e.g. FR and GP); *confused* pairs are accepted but GBIF then replaces
    the stated country with the one the coordinates fall in (COUNTRY_DERIVED_FROM_COORDINATES,
    e.g. AU stated for a point on Christmas Island, CX).
    """
    equivalent: dict[str, set[str]] = {}
    confused: dict[str, set[str]] = {}
    for row in _rows("country_pairs.csv"):
        target = confused if row["add_issue"] == "true" else equivalent
        a, b = row["coordinates_country"], row["stated_country"]
        target.setdefault(a, set()).add(b)
        target.setdefault(b, set()).add(a)
    return ({k: frozenset(v) for k, v in equivalent.items()}, {k: frozenset(v) for k, v in confused.items()})


def parse_country(value: str | None) -> str | None:
    """ISO alpha-2 code for a country name or code in any form GBIF understands, else None."""
    key = normalize_country(value)
    if key is None:
        return None
    code = names().get(key)
    return None if code in (None, UNKNOWN) else code


@lru_cache(maxsize=None)
def code_table() -> tuple[np.ndarray, dict[str, int]]:
    """Every ISO alpha-2 code a country value can be interpreted as, sorted, as an object array
    with "" appended (so that the index -1 gives ""), and the index of each code."""
    codes = sorted((set(countries()) | set(names().values())) - {UNKNOWN, ""})
    return np.array(codes + [""], dtype=object), {code: i for i, code in enumerate(codes)}


@dataclass(frozen=True)
class CountryColumn:
    """A country or countryCode column interpreted, per record: ``ids`` indexes
    :func:`code_table` (-1: empty or not understood), ``given`` (a value was given) and
    ``standard`` (given as a current ISO alpha-2 code, upper case). Integer ids keep the
    comparisons between columns off Python strings."""

    ids: np.ndarray  # int16
    given: np.ndarray
    standard: np.ndarray

    @property
    def code(self) -> np.ndarray:
        """The ISO alpha-2 code per record ("" where none), as an object array."""
        return code_table()[0][self.ids]


def country_column(values: pd.Series | None, records: int) -> CountryColumn:
    """Interpret a country or countryCode column, each distinct value once."""
    if values is None:
        empty = np.zeros(records, dtype=bool)
        return CountryColumn(np.full(records, -1, dtype=np.int16), empty, empty.copy())
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    known = countries()
    index = code_table()[1]
    ids, given, standard = [], [], []
    for raw in uniques:
        text = str(raw).strip()
        if not text or text in NOT_AVAILABLE:
            ids.append(-1)
            given.append(False)
            standard.append(False)
            continue
        ids.append(index.get(parse_country(text) or "", -1))
        given.append(True)
        standard.append(text in known)
    ids_a = np.array(ids + [-1], dtype=np.int16)
    given_a = np.array(given + [False], dtype=bool)
    standard_a = np.array(standard + [False], dtype=bool)
    return CountryColumn(ids_a[codes], given_a[codes], standard_a[codes])


def interpret_countries(values: pd.Series | None, records: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interpret a country or countryCode column, each distinct value once.

    Returns (code, present, standard): the ISO alpha-2 code ("" when empty or not
    understood), whether a value was given, and whether it was given as a standard ISO
    alpha-2 code (upper case, exactly two letters, a current code).
    """
    column = country_column(values, records)
    return column.code, column.given, column.standard


@lru_cache(maxsize=None)
def continent_names() -> dict[str, str]:
    """Normalised continent name -> GBIF continent (AFRICA, ..., SOUTH_AMERICA)."""
    table = {normalize_country(c): c for c in CONTINENTS}
    table.update({normalize_country(c.replace("_", " ")): c for c in CONTINENTS})
    for row in _rows("country_continent_names.csv"):
        table.setdefault(row["key"], row["continent"])
    return table


@lru_cache(maxsize=None)
def datums() -> dict[str, str]:
    """Normalised datum name -> EPSG code ("" = a known name that names no datum)."""
    return {row["key"]: row["epsg"] for row in _rows("datum_synonyms.csv")}
