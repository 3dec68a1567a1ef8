"""Countries and boundaries (dwcqa/geo/countries.py, boundaries.py, the country_*.csv tables):
names in many languages, GBIF's pairs, the codes given to Natural Earth's -99 units."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dwcqa.geo import countries as K
from dwcqa.geo.boundaries import load_boundaries

REPO = Path(__file__).resolve().parents[2]
STANDARDS = REPO / "dwcqa" / "standards"


@pytest.fixture(scope="module")
def boundaries():
    return load_boundaries()


@pytest.mark.parametrize(
    "value, code",
    [
        ("France", "FR"),
        ("Frankreich", "FR"),
        ("FRA", "FR"),
        ("fr", "FR"),
        ("Norge", "NO"),
        ("Deutschland", "DE"),
        ("Côte d'Ivoire", "CI"),
        ("United States", "US"),
        ("USA", "US"),
        ("England", "GB"),
        ("Brasil", "BR"),
        ("Nouvelle-Calédonie", "NC"),
        ("off Australia", "AU"),  # as GBIF: a leading "off " is dropped
        ("日本", "JP"),
        ("Россия", "RU"),
        ("Türkiye", "TR"),
        ("Kosovo", "XK"),
        ("Christmas Island", "CX"),
        ("Namibia", "NA"),
        ("N/A", None),  # "not available", not Namibia
        ("unknown", None),
        ("", None),
    ],
)
def test_parse_country(value, code):
    assert K.parse_country(value) == code


def test_interpret_countries_marks_standard_codes():
    values = pd.Series(["FR", "fr", "FRA", "France", "XX", "", None, "FR"], dtype="string[pyarrow]")
    code, given, standard = K.interpret_countries(values, len(values))
    assert code.tolist() == ["FR", "FR", "FR", "FR", "", "", "", "FR"]
    assert given.tolist() == [True, True, True, True, True, False, False, True]
    assert standard.tolist() == [True, False, False, False, False, False, False, True]


def test_country_table_has_every_iso_code_and_kosovo():
    table = K.countries()
    assert len(table) == 250 and "XK" in table
    assert table["FR"].iso3 == "FRA" and table["NO"].iso3 == "NOR"
    assert set(table["RU"].continents) == {"EUROPE", "ASIA"}
    assert table["CH"].landlocked and table["BO"].landlocked and table["SS"].landlocked
    assert not table["FR"].landlocked and not table["KZ"].landlocked  # the Caspian counts as sea


def test_gbif_pairs_both_ways():
    equivalent, confused = K.pairs()
    assert "CX" in confused["AU"] and "AU" in confused["CX"]
    assert "GP" in equivalent["FR"] and "FR" in equivalent["GP"]
    assert "RS" in equivalent["XK"]
    assert "GB" in confused["IE"]


def test_every_boundary_unit_has_an_iso_code_or_is_disputed(boundaries):
    known = K.countries()
    for unit in boundaries.units:
        assert unit.code == "" or unit.code in known, unit
        assert all(c in known for c in unit.also), unit
    blank = {u.name for u in boundaries.units if not u.code}
    assert blank == {"Spratly Islands", "Scarborough Reef", "Bir Tawil"}


def test_minus_99_units_get_sensible_codes(boundaries):
    by_name = {u.name: u for u in boundaries.units}
    assert by_name["France"].code == "FR"  # ISO_A2 is -99 in Natural Earth
    assert by_name["Norway"].code == "NO"
    assert by_name["Kosovo"].code == "XK"
    assert (by_name["US Naval Base Guantanamo Bay"].code, by_name["US Naval Base Guantanamo Bay"].also) == ("CU", ("US",))
    assert by_name["Akrotiri Sovereign Base Area"].code == "CY"
    assert by_name["Clipperton Island"].code == "FR"
    assert by_name["Ashmore and Cartier Islands"].code == "AU"
    assert set(by_name["Spratly Islands"].also) == {"CN", "TW", "VN", "PH", "MY", "BN"}
    assert by_name["Taiwan"].code == "TW"


def test_units_table_documents_each_mapping():
    with open(STANDARDS / "country_units.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["adm0_a3"] for r in rows} >= {"WSB", "ESB", "USG", "PGA", "SCR", "BRT", "BRI", "KOS", "CYN", "CNM", "SOL", "KAB", "KAS", "BJN", "SER", "IOA", "ATC", "CSI", "CLP"}
    assert all(r["note"] for r in rows)


@pytest.mark.parametrize(
    "lat, lon, code",
    [
        (-10.49, 105.62, "CX"),  # Christmas Island (Natural Earth: Indian Ocean Territories)
        (-12.19, 96.83, "CC"),  # Cocos (Keeling) Islands
        (4.93, -52.33, "GF"),  # Cayenne
        (16.25, -61.58, "GP"),
        (-21.1, 55.5, "RE"),
        (78.22, 15.65, "SJ"),  # Longyearbyen
        (12.15, -68.27, "BQ"),  # Bonaire
        (48.8566, 2.3522, "FR"),
        (59.91, 10.75, "NO"),
        (42.66, 21.16, "XK"),
        (19.9, -75.15, "CU"),  # Guantanamo Bay
    ],
)
def test_subunits_and_mapped_units_under_points(boundaries, lat, lon, code):
    from dwcqa.geo import country_of

    assert country_of(np.array([lat]), np.array([lon]), boundaries)[0] == code


def test_boundaries_load_once_per_process():
    assert load_boundaries() is load_boundaries()


def test_importing_the_package_and_the_checks_stays_light():
    code = "import sys, dwcqa.geo, dwcqa.checks.space; from dwcqa.checks.registry import all_checks; all_checks(); print(sorted(m for m in ('shapely', 'geopandas', 'pyogrio', 'pyproj') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout.strip()
    assert out == "[]"


@pytest.mark.parametrize(
    "value, valid",
    [("WGS84", True), ("WGS 84", True), ("wgs84", True), ("EPSG:4326", True), ("epsg : 6326", True), ("NAD27", True), ("ED50", True), ("EPSG:99999", False), ("not recorded", False), ("unknown", False), ("my map", False)],
)
def test_datum_as_gbif_reads_it(value, valid):
    from dwcqa.geo.records import datum_code

    assert (datum_code(value) is not None) == valid


@pytest.mark.parametrize("value, continent", [("Europe", "EUROPE"), ("europa", "EUROPE"), ("North America", "NORTH_AMERICA"), ("Afrique", "AFRICA"), ("Neotropical", "SOUTH_AMERICA"), ("Atlantis", None)])
def test_continent_names(value, continent):
    assert K.continent_names().get(K.normalize_country(value)) == continent


def test_tables_are_rebuilt_identically_from_the_corpus(tmp_path):
    from corpus import corpus_or_skip

    corpus = corpus_or_skip()
    script = REPO / "scripts" / "build_geo_tables.py"
    subprocess.run([sys.executable, str(script), str(corpus), "--out", str(tmp_path)], check=True, capture_output=True, cwd=REPO)
    for name in ("country_codes.csv", "country_names.csv", "country_pairs.csv", "country_units.csv", "country_subunits.csv", "country_continent_names.csv", "datum_synonyms.csv", "GEO_SOURCES.md"):
        assert (tmp_path / name).read_bytes() == (STANDARDS / name).read_bytes(), name
