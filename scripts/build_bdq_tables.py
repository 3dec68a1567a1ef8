#!/usr/bin/env python
"""Derive the tables behind the TDWG BDQ tests (``dwcqa.bdq``) into dwcqa/standards/.

Reads
  - the BDQ single-record Test descriptors (tdwg/bdq, in the shared corpus),
  - dwcqa/standards/vocabularies.csv and classes.csv (built by scripts/build_standards.py
    from the GBIF thesauri and the Darwin Core term list),
  - the EPSG dataset as shipped inside pyproj (``proj.db``, read with sqlite3, offline),
and writes

    bdq_tests.csv         one row per single-record BDQ Test: GUID, label, type, information
                          elements, parameters and their defaults, the Specification text
    bdq_vocabularies.csv  the controlled values each "STANDARD"/"STANDARDIZED" Test checks
                          against (kind=term) and the labels/synonyms it may amend from
                          (kind=label, canonical = the term it stands for)
    bdq_epsg.csv          EPSG geographic 2D CRSs, geodetic datums and ellipsoids
    BDQ_SOURCES.md        provenance

Nothing from the corpus is copied verbatim beyond single values (codes, names, the
Specification sentences of the Tests, CC BY 4.0). Output is deterministic.

Usage: python scripts/build_bdq_tables.py [CORPUS] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import re
import sqlite3
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DEFAULT_OUT = REPO_ROOT / "dwcqa" / "standards"
BDQ_SOURCE = "tdwg-bdq"
TESTS_FILE = f"{BDQ_SOURCE}/tg2/_review/dist/bdqtest_singlerecord_tests_current.csv"

TEST_COLUMNS = [
    "guid", "label", "type", "dimension", "criterion", "darwin_core_class", "acted_upon", "consulted",
    "parameters", "defaults", "source_authority", "description", "specification", "version_iri", "issue",
]
VOCAB_COLUMNS = ["vocabulary", "value", "canonical", "kind", "source"]
EPSG_COLUMNS = ["code", "kind", "name", "datum", "ellipsoid", "deprecated"]

# --- curated additions (dwcqa), each documented in BDQ_SOURCES.md -------------------------

DCMI_TYPES = [
    "Collection", "Dataset", "Event", "Image", "InteractiveResource", "MovingImage",
    "PhysicalObject", "Service", "Software", "Sound", "StillImage", "Text",
]
# GBIF vocabulary server concept names (api.gbif.org/v1/vocabularies/Sex): the BDQ default
# authority of VALIDATION_SEX_STANDARD / AMENDMENT_SEX_STANDARDIZED. The older rs.gbif.org
# thesaurus (in vocabularies.csv) spells them in lower case and says "undetermined".
SEX_TERMS = {"male": "Male", "female": "Female", "hermaphrodite": "Hermaphrodite", "undetermined": "Indeterminate"}
SEX_LABELS = {
    "f": "Female", "fem": "Female", "fem.": "Female", "females": "Female", "♀": "Female",
    "m": "Male", "males": "Male", "♂": "Male",
    "herm": "Hermaphrodite", "herm.": "Hermaphrodite", "indet": "Indeterminate",
    "indeterminate": "Indeterminate", "unknown": "Indeterminate", "undetermined": "Indeterminate",
}
# GBIF vocabulary server concept names for TypeStatus (PascalCase of the GBIF enum names);
# the rs.gbif.org thesaurus identifiers are the same words run together in lower case.
TYPE_STATUS_TERMS = [
    "Allolectotype", "Alloneotype", "Allotype", "Cotype", "Epitype", "ExEpitype", "ExHolotype",
    "ExIsotype", "ExLectotype", "ExNeotype", "ExParatype", "ExSyntype", "ExType", "Hapantotype",
    "Holotype", "Iconotype", "Isolectotype", "Isoneotype", "Isoparatype", "Isosyntype", "Isotype",
    "Lectotype", "Neotype", "Notatype", "OriginalMaterial", "Paralectotype", "Paraneotype",
    "Paratype", "Plastoholotype", "Plastoisotype", "Plastolectotype", "Plastoneotype",
    "Plastoparatype", "Plastosyntype", "Plastotype", "SecondaryType", "SupplementaryType",
    "Syntype", "Topotype", "Type", "TypeGenus", "TypeSpecies",
]
RANK_LABELS = {
    "sp": "species", "sp.": "species", "spp.": "species", "ssp": "subspecies", "ssp.": "subspecies",
    "subsp": "subspecies", "subsp.": "subspecies", "var": "variety", "var.": "variety",
    "subvar.": "subvariety", "f.": "form", "fo.": "form", "forma": "form", "subf.": "subform",
    "cv.": "cultivar", "gen.": "genus", "subgen.": "subgenus", "fam.": "family",
    "subfam.": "subfamily", "ord.": "order", "cl.": "class", "ph.": "phylum", "div.": "phylum",
    "division": "phylum", "regnum": "kingdom", "sect.": "section", "ser.": "series",
    "trib.": "tribe", "subtrib.": "subtribe",
}
OCCURRENCE_STATUS_LABELS = {"1": "present", "0": "absent", "presence": "present", "absence": "absent"}
USER_ASSIGNED_COUNTRY_CODES = {"XZ": "HIGH SEAS", "ZZ": "UNKNOWN OR INVALID TERRITORY"}


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --- bdq_tests.csv ----------------------------------------------------------------------------

_DEFAULT = re.compile(r'(bdqval:\w+)\s*(?:default)?\s*=\s*["\u201c]([^"\u201d]*)["\u201d]')


def parse_defaults(text: str) -> dict[str, str]:
    """``bdqval:x default = "v",bdqval:y default = "w"`` -> {"bdqval:x": "v", "bdqval:y": "w"}."""
    text = html.unescape(text)
    defaults = {name: value for name, value in _DEFAULT.findall(text)}
    if not defaults and text.strip():
        # One descriptor (VALIDATION_DCTYPE_STANDARD) lost the parameter name and the opening
        # quote: 'DCMI Type Vocabulary" {...}'. Its authority is the sourceAuthority.
        match = re.match(r'\s*([^"{]+)"', text)
        if match:
            defaults["bdqval:sourceAuthority"] = match.group(1).strip()
    return defaults


def dimension(labels: str) -> str:
    found = [x for x in labels.split() if x in ("NAME", "SPACE", "TIME", "OTHER")]
    return found[0] if len(found) == 1 else "OTHER"


def build_tests(corpus: Path) -> list[dict]:
    rows = []
    for row in read_csv(corpus / TESTS_FILE):
        rows.append({
            "guid": row["term_localName"],
            "label": row["Label"],
            "type": row["Type"].upper(),
            "dimension": dimension(row["IssueLabels"]),
            "criterion": row["Dimension"],
            "darwin_core_class": row["IE Class"],
            "acted_upon": " ".join(x.strip() for x in row["InformationElement:ActedUpon"].split(",") if x.strip()),
            "consulted": " ".join(x.strip() for x in row["InformationElement:Consulted"].split(",") if x.strip()),
            "parameters": " ".join(x.strip() for x in row["Parameters"].split(",") if x.strip()),
            "defaults": json.dumps(parse_defaults(row["AuthoritiesDefaults"]), ensure_ascii=False, sort_keys=True),
            "source_authority": html.unescape(row["AuthoritiesDefaults"]),
            "description": row["Description"],
            "specification": row["ExpectedResponse"],
            "version_iri": row["iri"],
            "issue": row["historyNoteUrl"],
        })
    rows.sort(key=lambda r: r["label"])
    return rows


# --- bdq_vocabularies.csv ---------------------------------------------------------------------


def build_vocabularies(standards: Path) -> list[dict]:
    gbif = read_csv(standards / "vocabularies.csv")
    classes = read_csv(standards / "classes.csv")
    rows: list[dict] = []
    seen: set[tuple[str, str, str]] = set()

    def add(vocabulary: str, value: str, canonical: str, kind: str, source: str) -> None:
        value = value.strip()
        if not value or (vocabulary, value, kind) in seen:
            return
        seen.add((vocabulary, value, kind))
        rows.append({"vocabulary": vocabulary, "value": value, "canonical": canonical, "kind": kind, "source": source})

    def from_gbif(vocabulary: str, name: str, rename=lambda c: c) -> None:
        for row in gbif:
            if row["vocabulary"] != vocabulary:
                continue
            canonical = rename(row["concept"])
            if canonical is None:
                continue
            if row["kind"] == "identifier":
                add(name, canonical, canonical, "term", f"vocabularies.csv:{vocabulary}")
                if canonical != row["concept"]:
                    add(name, row["concept"], canonical, "label", f"vocabularies.csv:{vocabulary}")
            else:
                add(name, row["label"], canonical, "label", f"vocabularies.csv:{vocabulary}")

    # basisOfRecord: GBIF's basis_of_record thesaurus plus every current Darwin Core class
    # (the Darwin Core comment recommends "the local names of the identifiers for classes").
    from_gbif("basisOfRecord", "basisOfRecord")
    for row in classes:
        add("basisOfRecord", row["name"], row["name"], "term", "classes.csv")
    for name in DCMI_TYPES:
        add("dcType", name, name, "term", "DCMI Type Vocabulary")
    for name in ("present", "absent"):
        add("occurrenceStatus", name, name, "term", "Darwin Core occurrenceStatus (present|absent)")
    for value, canonical in OCCURRENCE_STATUS_LABELS.items():
        add("occurrenceStatus", value, canonical, "label", "dwcqa curated")
    from_gbif("establishmentMeans", "establishmentMeans")
    from_gbif("degreeOfEstablishment", "degreeOfEstablishment")
    from_gbif("pathway", "pathway")
    from_gbif("sex", "sex", lambda c: SEX_TERMS.get(c))
    for value, canonical in SEX_LABELS.items():
        add("sex", value, canonical, "label", "dwcqa curated")
    by_lower = {t.lower(): t for t in TYPE_STATUS_TERMS}
    for name in TYPE_STATUS_TERMS:
        add("typeStatus", name, name, "term", "GBIF TypeStatus vocabulary names")
    for row in gbif:
        if row["vocabulary"] == "typeStatus" and row["concept"].lower() in by_lower:
            add("typeStatus", row["label"], by_lower[row["concept"].lower()], "label", "vocabularies.csv:typeStatus")
    from_gbif("rank", "taxonRank")
    for value, canonical in RANK_LABELS.items():
        add("taxonRank", value, canonical, "label", "dwcqa curated")
    from_gbif("countryCode", "countryCode")
    for code, name in USER_ASSIGNED_COUNTRY_CODES.items():
        add("countryCode", code, code, "term", "ISO 3166 user-assigned (Darwin Core)")
        add("countryCode", name, code, "label", "ISO 3166 user-assigned (Darwin Core)")
    return rows


# --- bdq_epsg.csv -----------------------------------------------------------------------------


def proj_db() -> Path:
    import pyproj

    return Path(pyproj.datadir.get_data_dir()) / "proj.db"


def build_epsg() -> tuple[list[dict], str]:
    db = proj_db()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    version = dict(con.execute("select key, value from metadata").fetchall()).get("EPSG.VERSION", "?")
    rows: list[dict] = []
    for code, name, datum, deprecated in con.execute(
        "select code, name, datum_code, deprecated from geodetic_crs "
        "where auth_name='EPSG' and type='geographic 2D' order by cast(code as integer)"
    ):
        rows.append({"code": f"EPSG:{code}", "kind": "crs", "name": name, "datum": f"EPSG:{datum}", "ellipsoid": "", "deprecated": int(deprecated)})
    for code, name, ellipsoid, deprecated in con.execute(
        "select code, name, ellipsoid_code, deprecated from geodetic_datum "
        "where auth_name='EPSG' order by cast(code as integer)"
    ):
        rows.append({"code": f"EPSG:{code}", "kind": "datum", "name": name, "datum": "", "ellipsoid": f"EPSG:{ellipsoid}", "deprecated": int(deprecated)})
    for code, name, deprecated in con.execute(
        "select code, name, deprecated from ellipsoid where auth_name='EPSG' order by cast(code as integer)"
    ):
        rows.append({"code": f"EPSG:{code}", "kind": "ellipsoid", "name": name, "datum": "", "ellipsoid": "", "deprecated": int(deprecated)})
    # Aliases of CRSs and datums (EPSG, ESRI and PROJ spellings such as "WGS84", "GCS_WGS_1984").
    kinds = {"geodetic_crs": "crs", "geodetic_datum": "datum", "ellipsoid": "ellipsoid"}
    known = {(r["kind"], r["code"]) for r in rows}
    for table, code, alt in con.execute(
        "select table_name, code, alt_name from alias_name where auth_name='EPSG' "
        "and table_name in ('geodetic_crs','geodetic_datum','ellipsoid') order by table_name, cast(code as integer), alt_name"
    ):
        kind = kinds[table]
        if (kind, f"EPSG:{code}") in known:
            rows.append({"code": f"EPSG:{code}", "kind": f"{kind}-alias", "name": alt, "datum": "", "ellipsoid": "", "deprecated": 0})
    con.close()
    return rows, version


# --- provenance ---------------------------------------------------------------------------------


def manifest_facts(corpus: Path, source: str) -> dict[str, str]:
    text = (corpus / "MANIFEST.md").read_text(encoding="utf-8")
    section = re.search(rf"^## {re.escape(source)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    facts = {}
    for key in ("Repository", "Commit", "License"):
        match = re.search(rf"^- {key}: (.+?)\s*$", section.group(1), re.M) if section else None
        facts[key] = match.group(1).strip("` ") if match else "?"
    return facts


def sources_markdown(corpus: Path, counts: dict[str, int], epsg_version: str) -> str:
    bdq = manifest_facts(corpus, BDQ_SOURCE)
    import pyproj

    return "\n".join([
        "# Sources of the BDQ tables",
        "",
        "Generated by `scripts/build_bdq_tables.py`; do not edit by hand. Regenerate with",
        "",
        "    python scripts/build_bdq_tables.py [CORPUS]",
        "",
        "(after `scripts/build_standards.py`, whose `vocabularies.csv` and `classes.csv` it reads).",
        "",
        "## Upstream sources",
        "",
        "| source | what | version | licence |",
        "|---|---|---|---|",
        f"| `{BDQ_SOURCE}` ({bdq['Repository']}) | `{TESTS_FILE}` | `{bdq['Commit']}` | {bdq['License']} |",
        "| `vocabularies.csv`, `classes.csv` | GBIF thesauri and Darwin Core classes, see SOURCES.md | | see SOURCES.md |",
        f"| EPSG Geodetic Parameter Dataset | `proj.db` shipped in pyproj {pyproj.__version__} | EPSG {epsg_version} | EPSG terms of use (attribution: IOGP) |",
        "",
        "## Files",
        "",
        f"- `bdq_tests.csv` ({counts['bdq_tests.csv']} rows): the single-record BDQ Tests. `guid` is the",
        "  term_localName, `type` VALIDATION/AMENDMENT/MEASURE/ISSUE, `dimension` NAME/SPACE/TIME/OTHER",
        "  (from the issue labels), `acted_upon`/`consulted`/`parameters` space separated, `defaults`",
        "  a JSON object parsed from the AuthoritiesDefaults column (which is kept as",
        "  `source_authority`), `specification` the ExpectedResponse.",
        f"- `bdq_vocabularies.csv` ({counts['bdq_vocabularies.csv']} rows;",
        "  `vocabulary,value,canonical,kind,source`): for each controlled vocabulary a Test checks",
        "  against, the values that are valid (`kind=term`, canonical = value) and the labels or",
        "  synonyms an Amendment may map to a term (`kind=label`).",
        "  - basisOfRecord: GBIF basis_of_record thesaurus (identifiers, labels) and the current",
        "    Darwin Core class names (`classes.csv`).",
        "  - dcType: the twelve DCMI Type Vocabulary literals.",
        "  - occurrenceStatus: `present`, `absent`; labels `1`/`0`/`presence`/`absence` (curated,",
        "    the Test's notes ask for 1 -> present, 0 -> absent).",
        "  - establishmentMeans, degreeOfEstablishment, pathway: the Darwin Core controlled",
        "    vocabularies as published in GBIF's thesauri (identifiers, preferred and alternative labels).",
        "  - sex: the GBIF vocabulary-server names Female, Male, Hermaphrodite, Indeterminate (the",
        "    BDQ default authority), with the rs.gbif.org thesaurus identifiers and labels and a few",
        "    curated abbreviations (f, m, indet, unknown) as labels.",
        "  - typeStatus: the GBIF vocabulary-server names (PascalCase of the rs.gbif.org",
        "    identifiers, which are kept as labels).",
        "  - taxonRank: the GBIF rank thesaurus (identifiers, labels) plus curated rank",
        "    abbreviations (sp., ssp., subsp., var., f., cv., ...).",
        "  - countryCode: ISO 3166-1 alpha-2 codes of the GBIF thesaurus (names and alpha-3 codes",
        "    as labels) plus the user-assigned XZ (high seas) and ZZ (unknown) that Darwin Core uses.",
        f"- `bdq_epsg.csv` ({counts['bdq_epsg.csv']} rows; `code,kind,name,datum,ellipsoid,deprecated`):",
        "  EPSG geographic 2D CRSs (`kind=crs`, with their datum), geodetic datums (`datum`, with their",
        "  ellipsoid), ellipsoids, and the alias names EPSG/ESRI/PROJ give them (`*-alias`).",
        "",
    ]) + "\n"


def build(corpus: Path, out: Path, standards: Path = DEFAULT_OUT) -> dict[str, int]:
    epsg, epsg_version = build_epsg()
    tables = {
        "bdq_tests.csv": (TEST_COLUMNS, build_tests(corpus)),
        "bdq_vocabularies.csv": (VOCAB_COLUMNS, build_vocabularies(standards)),
        "bdq_epsg.csv": (EPSG_COLUMNS, epsg),
    }
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, (columns, rows) in tables.items():
        write_csv(out / name, columns, rows)
        counts[name] = len(rows)
    (out / "BDQ_SOURCES.md").write_text(sources_markdown(corpus, counts, epsg_version), encoding="utf-8", newline="\n")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help="shared corpus (default: ../shared/corpus)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: dwcqa/standards)")
    args = parser.parse_args(argv)
    if not (args.corpus / TESTS_FILE).is_file():
        parser.error(f"{args.corpus / TESTS_FILE} not found")
    counts = build(args.corpus.resolve(), args.out)
    for name, count in counts.items():
        print(f"{args.out / name}: {count} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
