#!/usr/bin/env python
"""Derive the small standards tables in dwcqa/standards/ from the published standards.

Reads the Darwin Core term list (tdwg/dwc) and the GBIF registry of core/extension
definitions and thesauri (gbif/rs.gbif.org) from the shared corpus, and writes:

    terms.csv           every current Darwin Core property + every property of a GBIF definition
    classes.csv         the current Darwin Core classes
    row_types.csv       one row per rowType registered at GBIF (newest definition)
    row_type_terms.csv  the properties of that newest definition
    vocabularies.csv    one row per (concept, label) of the newest version of each GBIF thesaurus
    SOURCES.md          provenance: source files, corpus commits, licences

The corpus itself is never copied. Output is deterministic: re-running on the same corpus
gives byte-identical files.

Usage: python scripts/build_standards.py [CORPUS] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DEFAULT_OUT = REPO_ROOT / "dwcqa" / "standards"

DWC_SOURCE = "tdwg-dwc"
GBIF_SOURCE = "gbif-rs.gbif.org"
TERM_VERSIONS = f"{DWC_SOURCE}/vocabulary/term_versions.csv"
# Plain term-name lists (no header line); used only to cross-check the term list.
DWC_NAME_LISTS = (
    f"{DWC_SOURCE}/dist/all_dwc_vertical.csv",
    f"{DWC_SOURCE}/dist/simple_dwc_vertical.csv",
)

RDF_PROPERTY = "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property"
RDFS_CLASS = "http://www.w3.org/2000/01/rdf-schema#Class"
DC = "{http://purl.org/dc/terms/}"
EXTENSION_NS = "{http://rs.gbif.org/extension/}"
THESAURUS_NS = "{http://rs.gbif.org/thesaurus/}"

# Conventional prefix per namespace. Each prefix names exactly one namespace, so that
# "prefix:name" maps back to one URI; an unknown namespace stops the build rather than
# getting a guessed prefix.
PREFIXES = {
    "http://rs.tdwg.org/dwc/terms/": "dwc",
    "http://rs.tdwg.org/dwc/iri/": "dwciri",
    "http://purl.org/dc/terms/": "dcterms",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://rs.tdwg.org/ac/terms/": "ac",
    "http://rs.tdwg.org/audubon_core/": "audubon",
    "http://rs.tdwg.org/chrono/terms/": "chrono",
    "http://rs.tdwg.org/eco/terms/": "eco",
    "http://rs.gbif.org/terms/1.0/": "gbif",
    "http://rs.gbif.org/terms/": "gbifterms",
    "http://rs.gbif.org/terms/miqe/": "miqe",
    "http://rs.iobis.org/obis/terms/": "obis",
    "http://data.ggbn.org/schemas/ggbn/terms/": "ggbn",
    "https://w3id.org/mixs/": "mixs",
    "https://w3id.org/gensc/terms/": "gensc",
    "http://gensc.org/ns/mixs/": "genscmixs",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": "Iptc4xmpExt",
    "http://iptc.org/std/Iptc4xmpExt/1.0/xmlns/": "Iptc4xmpExt10",
    "http://purl.org/ontology/bibo/": "bibo",
    "http://purl.org/ontology/mo/": "mo",
    "http://www.w3.org/2003/01/geo/wgs84_pos#": "geo",
    "http://schemas.talis.com/2005/address/schema#": "address",
    "http://iucn.org/terms/": "iucn",
    "http://eol.org/schema/agent/": "eolagent",
    "http://eol.org/schema/media/": "eolmedia",
    "http://eol.org/schema/reference/": "eolreference",
    "http://purl.org/germplasm/germplasmTerm#": "germplasm",
    "http://purl.org/germplasm/germplasmType#": "germplasmType",
    "http://rs.nordgen.org/dwc/germplasm/0.1/terms/": "nordgen",
    "http://zooarchnet.org/dwc/terms/": "zooarchnet",
}

# Thesaurus short names that cannot be derived from the file name: ISO files are named by
# standard number, and GBIF's older establishment-means thesaurus would clash with the
# Darwin Core one (a different thesaurus URI and a different set of values).
VOCABULARY_NAMES = {
    "iso/3166-1_alpha2": "countryCode",
    "iso/639-1": "languageAlpha2",
    "iso/639-2": "languageAlpha3",
    "gbif/establishment_means": "gbifEstablishmentMeans",
}

COLUMNS = {
    "terms.csv": ["uri", "name", "prefix", "namespace", "status", "source"],
    "classes.csv": ["uri", "name"],
    "row_types.csv": ["row_type", "name", "kind", "title", "issued", "definition_file"],
    "row_type_terms.csv": ["row_type", "uri", "name", "required"],
    "vocabularies.csv": ["vocabulary", "uri", "concept", "label", "kind"],
}

FILE_DATE = re.compile(r"[_-](\d{4})[_-](\d{2})[_-](\d{2})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def safe_parser() -> etree.XMLParser:
    # Standards files are trusted, but the parser should still never fetch or expand anything.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_xml(path: Path) -> etree._Element:
    return etree.parse(str(path), safe_parser()).getroot()


def split_uri(uri: str) -> tuple[str, str]:
    """(namespace, local part): the namespace runs up to and including the last '/' or '#'."""
    cut = max(uri.rfind("/"), uri.rfind("#")) + 1
    return uri[:cut], uri[cut:]


def prefix_for(namespace: str) -> str:
    if namespace not in PREFIXES:
        raise SystemExit(f"no prefix known for namespace {namespace!r}; add it to PREFIXES")
    return PREFIXES[namespace]


def file_date(path: Path) -> str:
    match = FILE_DATE.search(path.stem)
    return "-".join(match.groups()) if match else ""


def undated_stem(path: Path) -> str:
    return FILE_DATE.sub("", path.stem)


def version_key(issued: str, path: Path, base: Path) -> tuple[str, str, str]:
    """Newest = latest dc:issued; the date in the file name and then the path break ties."""
    return (issued, file_date(path), path.relative_to(base).as_posix())


def camel_case(stem: str) -> str:
    first, *rest = re.split(r"[_\-\s]+", stem)
    return first + "".join(word[:1].upper() + word[1:] for word in rest)


def is_true(value: str | None) -> bool:
    # extension.xsd declares required as xs:boolean with default false.
    return (value or "").strip().lower() in ("true", "1")


# ---------------------------------------------------------------- Darwin Core


@dataclass(frozen=True)
class DwcTerms:
    properties: list[dict]  # current (recommended) properties, one per term IRI
    classes: list[dict]  # current classes
    status_of: dict[str, str]  # term IRI -> recommended / deprecated / superseded


def read_dwc(corpus: Path) -> DwcTerms:
    with open(corpus / TERM_VERSIONS, encoding="utf-8", newline="") as handle:
        versions = list(csv.DictReader(handle))

    statuses: dict[str, set[str]] = {}
    for version in versions:
        statuses.setdefault(version["term_iri"], set()).add(version["status"])
    # A term is current if one version is recommended; otherwise its last version is
    # deprecated, or all its versions were superseded.
    ranked = ("recommended", "deprecated", "superseded")
    status_of = {
        iri: next((s for s in ranked if s in found), min(found)) for iri, found in statuses.items()
    }

    current = [v for v in versions if v["status"] == "recommended"]
    properties = [v for v in current if v["rdf_type"] == RDF_PROPERTY]
    classes = [v for v in current if v["rdf_type"] == RDFS_CLASS]
    if len({v["term_iri"] for v in current}) != len(current):
        raise SystemExit(f"{TERM_VERSIONS}: more than one recommended version of a term")

    names = {v["term_localName"] for v in properties}
    for name_list in DWC_NAME_LISTS:
        listed = (corpus / name_list).read_text(encoding="utf-8").split()
        unknown = sorted(set(listed) - names)
        if unknown:
            raise SystemExit(f"{name_list} names terms that are not current: {unknown}")
    return DwcTerms(properties, classes, status_of)


# ------------------------------------------------------ GBIF core/extension definitions


@dataclass(frozen=True)
class Definition:
    file: str  # relative to the gbif-rs.gbif.org folder
    row_type: str
    name: str
    title: str
    issued: str
    is_core: bool
    sort_key: tuple[str, str, str]
    properties: list[dict]  # uri, name, required - in the order the definition lists them


def read_definitions(corpus: Path) -> list[Definition]:
    base = corpus / GBIF_SOURCE
    files = sorted((base / "core").glob("*.xml")) + sorted((base / "extension").rglob("*.xml"))
    definitions = []
    for path in files:
        root = parse_xml(path)
        relative = path.relative_to(base).as_posix()
        if root.tag != EXTENSION_NS + "extension":
            raise SystemExit(f"{relative}: root element is {root.tag}, not an extension definition")
        issued = (root.get(DC + "issued") or "").strip()
        if not ISO_DATE.match(issued):
            issued = file_date(path)
        properties = [
            {
                "uri": prop.get("qualName", "").strip(),
                "name": prop.get("name", "").strip(),
                "required": "true" if is_true(prop.get("required")) else "false",
            }
            for prop in root.iter(EXTENSION_NS + "property")
        ]
        if not root.get("rowType") or any(not p["uri"] for p in properties):
            raise SystemExit(f"{relative}: no rowType, or a property without qualName")
        definitions.append(
            Definition(
                file=relative,
                row_type=root.get("rowType", "").strip(),
                name=root.get("name", "").strip(),
                title=(root.get(DC + "title") or "").strip(),
                issued=issued,
                is_core=relative.startswith("core/"),
                sort_key=version_key(issued, path, base),
                properties=properties,
            )
        )
    return definitions


def newest_per_row_type(definitions: list[Definition]) -> dict[str, Definition]:
    newest: dict[str, Definition] = {}
    for definition in definitions:
        current = newest.get(definition.row_type)
        if current is None or definition.sort_key > current.sort_key:
            newest[definition.row_type] = definition
    return newest


# ---------------------------------------------------------------- GBIF thesauri


@dataclass(frozen=True)
class Thesaurus:
    file: str
    uri: str
    issued: str
    sort_key: tuple[str, str, str]
    short_name: str
    root: etree._Element


def read_thesauri(corpus: Path) -> list[Thesaurus]:
    """The newest version of each thesaurus (versions share the thesaurus dc:URI)."""
    base = corpus / GBIF_SOURCE
    vocabulary_dir = base / "vocabulary"
    newest: dict[str, Thesaurus] = {}
    for path in sorted(vocabulary_dir.rglob("*.xml")):
        root = parse_xml(path)
        relative = path.relative_to(base).as_posix()
        if root.tag != THESAURUS_NS + "thesaurus":
            raise SystemExit(f"{relative}: root element is {root.tag}, not a thesaurus")
        issued = (root.get(DC + "issued") or "").strip()
        if not ISO_DATE.match(issued):
            issued = file_date(path)
        stem = (path.parent.relative_to(vocabulary_dir) / undated_stem(path)).as_posix()
        thesaurus = Thesaurus(
            file=relative,
            uri=(root.get(DC + "URI") or "").strip(),
            issued=issued,
            sort_key=version_key(issued, path, base),
            short_name=VOCABULARY_NAMES.get(stem, camel_case(undated_stem(path))),
            root=root,
        )
        current = newest.get(thesaurus.uri)
        if current is None or thesaurus.sort_key > current.sort_key:
            newest[thesaurus.uri] = thesaurus

    by_name: dict[str, str] = {}
    for thesaurus in newest.values():
        clash = by_name.setdefault(thesaurus.short_name, thesaurus.file)
        if clash != thesaurus.file:
            raise SystemExit(
                f"{clash} and {thesaurus.file} both get the vocabulary name "
                f"{thesaurus.short_name!r}; add one of them to VOCABULARY_NAMES"
            )
    return sorted(newest.values(), key=lambda t: t.short_name)


def concept_labels(concept: etree._Element) -> list[tuple[str, str]]:
    """(label, kind) pairs of one concept, each label once, strongest kind first."""
    labels = [((concept.get(DC + "identifier") or "").strip(), "identifier")]
    for kind in ("preferred", "alternative"):
        for group in concept.findall(THESAURUS_NS + kind):
            for term in group.findall(THESAURUS_NS + "term"):
                # Stripped: a few labels carry a stray trailing space in the source.
                labels.append(((term.get(DC + "title") or "").strip(), kind))
    seen: set[str] = set()
    unique = []
    for label, kind in labels:
        if label and label not in seen:
            seen.add(label)
            unique.append((label, kind))
    return unique


# ---------------------------------------------------------------- tables


def build_terms(dwc: DwcTerms, definitions: list[Definition]) -> list[dict]:
    terms: dict[str, dict] = {}
    for prop in dwc.properties:
        namespace, _ = split_uri(prop["term_iri"])
        terms[prop["term_iri"]] = {
            "uri": prop["term_iri"],
            "name": prop["term_localName"],
            "prefix": prefix_for(namespace),
            "namespace": namespace,
            "status": "recommended",
            "source": "dwc",
        }
    # Newest definitions first, so a term's name comes from the newest definition using it.
    for definition in sorted(definitions, key=lambda d: d.sort_key, reverse=True):
        for prop in definition.properties:
            uri = prop["uri"]
            if uri in terms:
                continue
            namespace, local = split_uri(uri)
            terms[uri] = {
                "uri": uri,
                # MIxS URIs end in a numeric id (e.g. mixs/0001107); the definition's
                # name (samp_name) is what a column header would say.
                "name": local if PLAIN_NAME.match(local) else prop["name"],
                "prefix": prefix_for(namespace),
                "namespace": namespace,
                "status": dwc.status_of.get(uri, ""),
                "source": "gbif-extension",
            }
    return [terms[uri] for uri in sorted(terms)]


def build_classes(dwc: DwcTerms) -> list[dict]:
    rows = [{"uri": c["term_iri"], "name": c["term_localName"]} for c in dwc.classes]
    return sorted(rows, key=lambda row: row["uri"])


def build_row_types(definitions: list[Definition], newest: dict[str, Definition]) -> list[dict]:
    # A rowType registered both as a core and as an extension is still usable as a core.
    core_row_types = {d.row_type for d in definitions if d.is_core}
    return [
        {
            "row_type": row_type,
            "name": newest[row_type].name,
            "kind": "core" if row_type in core_row_types else "extension",
            "title": newest[row_type].title,
            "issued": newest[row_type].issued,
            "definition_file": newest[row_type].file,
        }
        for row_type in sorted(newest)
    ]


def build_row_type_terms(newest: dict[str, Definition]) -> list[dict]:
    # Within a rowType, the definition's own order (it groups terms the way the IPT shows them).
    return [
        {"row_type": row_type, **prop}
        for row_type in sorted(newest)
        for prop in newest[row_type].properties
    ]


def build_vocabularies(thesauri: list[Thesaurus]) -> list[dict]:
    # Within a vocabulary, the thesaurus' own concept order (e.g. ranks from domain down).
    return [
        {
            "vocabulary": thesaurus.short_name,
            "uri": thesaurus.uri,
            "concept": (concept.get(DC + "identifier") or "").strip(),
            "label": label,
            "kind": kind,
        }
        for thesaurus in thesauri
        for concept in thesaurus.root.iter(THESAURUS_NS + "concept")
        for label, kind in concept_labels(concept)
    ]


# ---------------------------------------------------------------- output


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def manifest_facts(corpus: Path, source: str) -> dict[str, str]:
    """Repository, commit and licence lines of one source's section in MANIFEST.md."""
    text = (corpus / "MANIFEST.md").read_text(encoding="utf-8")
    section = re.search(rf"^## {re.escape(source)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if section is None:
        raise SystemExit(f"MANIFEST.md has no section for {source}")
    facts = {}
    for key in ("Repository", "Commit", "License"):
        match = re.search(rf"^- {key}: (.+?)\s*$", section.group(1), re.M)
        if match is None:
            raise SystemExit(f"MANIFEST.md section {source} has no {key} line")
        facts[key] = match.group(1).strip("` ")
    return facts


def sources_markdown(
    corpus: Path,
    definitions: list[Definition],
    newest: dict[str, Definition],
    thesauri: list[Thesaurus],
    counts: dict[str, int],
) -> str:
    dwc = manifest_facts(corpus, DWC_SOURCE)
    gbif = manifest_facts(corpus, GBIF_SOURCE)
    newest_files = {d.file for d in newest.values()}
    lines = [
        "# Sources of the standards tables",
        "",
        "Generated by `scripts/build_standards.py`; do not edit by hand. Regenerate with",
        "",
        "    python scripts/build_standards.py [CORPUS]",
        "",
        "where CORPUS defaults to `../shared/corpus` (relative to the repository root). Paths below",
        "are relative to that corpus. The corpus files themselves are not part of this repository.",
        "",
        "## Upstream sources",
        "",
        "| corpus folder | repository | commit | licence |",
        "|---|---|---|---|",
        f"| `{DWC_SOURCE}` | {dwc['Repository']} | `{dwc['Commit']}` | {dwc['License']} |",
        f"| `{GBIF_SOURCE}` | {gbif['Repository']} | `{gbif['Commit']}` | {gbif['License']} |",
        "",
        "Darwin Core content is CC BY 4.0, Biodiversity Information Standards (TDWG). The GBIF",
        "definitions and thesauri come from a repository that states no licence.",
        "",
        "## Files",
        "",
        f"- `terms.csv` ({counts['terms.csv']} rows; `uri,name,prefix,namespace,status,source`): every",
        "  current Darwin Core property (`source=dwc`: status `recommended` and rdf:Property in",
        f"  `{TERM_VERSIONS}`), then every property URI (`qualName`) of any GBIF",
        "  core/extension definition, all versions (`source=gbif-extension`; `status` is the",
        "  term's Darwin Core status when Darwin Core lists it, e.g. `deprecated`, else empty).",
        "  `name` is the URI's local part (for MIxS numeric ids: the definition's `name`).",
        f"  Cross-checked against `{DWC_NAME_LISTS[0]}` and `{DWC_NAME_LISTS[1]}`.",
        f"- `classes.csv` ({counts['classes.csv']} rows; `uri,name`): current rdfs:Class terms of",
        f"  `{TERM_VERSIONS}`.",
        f"- `row_types.csv` ({counts['row_types.csv']} rows;",
        "  `row_type,name,kind,title,issued,definition_file`): one row per rowType of the",
        f"  definitions under `{GBIF_SOURCE}/core/` (kind `core`) and `{GBIF_SOURCE}/extension/`",
        "  (kind `extension`), described by its newest definition (latest `dc:issued`, then the",
        "  date in the file name).",
        f"- `row_type_terms.csv` ({counts['row_type_terms.csv']} rows; `row_type,uri,name,required`):",
        "  the properties of that newest definition, in the definition's order; `name` as the",
        "  definition names it, `required` from its `required` attribute (default false).",
        f"- `vocabularies.csv` ({counts['vocabularies.csv']} rows; `vocabulary,uri,concept,label,kind`):",
        f"  the newest version of each thesaurus under `{GBIF_SOURCE}/vocabulary/` (versions share",
        "  the thesaurus URI); per concept its identifier and each distinct preferred/alternative",
        "  label (any language), in the thesaurus' order.",
        "",
        f"## GBIF definitions read (`{GBIF_SOURCE}/`)",
        "",
        "Every file contributes its properties to `terms.csv`; the newest per rowType (marked) also",
        "feeds `row_types.csv` and `row_type_terms.csv`.",
        "",
        "| file | rowType | issued | newest |",
        "|---|---|---|---|",
    ]
    for definition in sorted(definitions, key=lambda d: d.file):
        mark = "yes" if definition.file in newest_files else ""
        lines.append(f"| `{definition.file}` | {definition.row_type} | {definition.issued} | {mark} |")
    lines += [
        "",
        f"## GBIF thesauri used (`{GBIF_SOURCE}/`)",
        "",
        "| vocabulary | file | thesaurus URI | issued |",
        "|---|---|---|---|",
    ]
    for thesaurus in thesauri:
        lines.append(
            f"| {thesaurus.short_name} | `{thesaurus.file}` | {thesaurus.uri} | {thesaurus.issued} |"
        )
    return "\n".join(lines) + "\n"


def build(corpus: Path, out: Path) -> dict[str, int]:
    dwc = read_dwc(corpus)
    definitions = read_definitions(corpus)
    newest = newest_per_row_type(definitions)
    thesauri = read_thesauri(corpus)

    tables = {
        "terms.csv": build_terms(dwc, definitions),
        "classes.csv": build_classes(dwc),
        "row_types.csv": build_row_types(definitions, newest),
        "row_type_terms.csv": build_row_type_terms(newest),
        "vocabularies.csv": build_vocabularies(thesauri),
    }
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for file_name, rows in tables.items():
        write_csv(out / file_name, COLUMNS[file_name], rows)
        counts[file_name] = len(rows)
    markdown = sources_markdown(corpus, definitions, newest, thesauri, counts)
    (out / "SOURCES.md").write_text(markdown, encoding="utf-8", newline="\n")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help="shared corpus (default: ../shared/corpus)"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: dwcqa/standards)"
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "MANIFEST.md").is_file():
        parser.error(f"{args.corpus} does not look like the shared corpus (no MANIFEST.md)")
    counts = build(args.corpus.resolve(), args.out)
    for file_name, count in counts.items():
        print(f"{args.out / file_name}: {count} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
