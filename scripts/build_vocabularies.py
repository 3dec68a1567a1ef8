#!/usr/bin/env python
"""Build dwcqa/standards/vocab_synonyms.csv: the values of each controlled vocabulary and
the ways people write them.

One row per (vocabulary, normalised value): ``vocabulary,normalised,standard,source``.
``normalised`` is ``dwcqa.vocabularies.normalise(value)``; ``standard`` is the concept's
identifier in the GBIF thesaurus (``PreservedSpecimen``, ``present``, ``holotype``, ``male``);
``source`` says where the pairing comes from, in order of precedence when two sources pair
the same normalised value with different standard values:

1. ``identifier``   the concept identifier itself (GBIF thesaurus, rs.gbif.org);
2. ``preferred``    a preferred label of the concept, any language (same thesaurus);
3. ``alternative``  an alternative label (same thesaurus);
4. ``correction``   dwcqa: a parser entry below that we correct (listed in CORRECTIONS);
5. ``gbif-parsers`` GBIF's parser dictionaries (gbif/parsers ``dictionaries/parse/*.tsv``):
   the verbatim values GBIF maps to its enumerations, the enumeration name matched to the
   thesaurus concept by normalised name (or ENUM_TO_CONCEPT);
6. ``dwcqa``        small curated additions (CURATED below), each a common way of writing;
7. ``plural``       generated: the plural ``+s`` of a label of sex, lifeStage, typeStatus and
   basisOfRecord values (``adults``, ``males``, ``paratypes``).

The thesaurus rows come from ``dwcqa/standards/vocabularies.csv`` (itself built from
``gbif-rs.gbif.org/vocabulary/`` by scripts/build_standards.py); the dictionaries from the
shared corpus. Writes ``VOCAB_SOURCES.md`` beside the table. Deterministic.

Usage: python scripts/build_vocabularies.py [CORPUS] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from dwcqa.vocabularies import normalise  # noqa: E402

DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DEFAULT_OUT = REPO_ROOT / "dwcqa" / "standards"
PARSERS = "gbif-parsers/src/main/resources/dictionaries/parse"

# our vocabulary name -> name in vocabularies.csv
THESAURI = {
    "basisOfRecord": "basisOfRecord",
    "occurrenceStatus": "occurrenceStatus",
    "typeStatus": "typeStatus",
    "establishmentMeans": "establishmentMeans",
    "degreeOfEstablishment": "degreeOfEstablishment",
    "pathway": "pathway",
    "sex": "sex",
    "lifeStage": "lifeStage",
    "taxonRank": "rank",
    "taxonomicStatus": "taxonomicStatus",
    "nomenclaturalCode": "nomenclaturalCode",
}

# our vocabulary name -> GBIF parser dictionary file
DICTIONARIES = {
    "basisOfRecord": "basisOfRecord.tsv",
    "occurrenceStatus": "occurrence_status.tsv",
    "typeStatus": "typeStatus.tsv",
    "establishmentMeans": "establishment_means.tsv",
    "sex": "sex.tsv",
    "lifeStage": "life_stage.tsv",
    "taxonRank": "rank.tsv",
    "taxonomicStatus": "taxStatus.tsv",
    "nomenclaturalCode": "nomCode.tsv",
}

# GBIF enumeration names whose thesaurus concept has another name.
ENUM_TO_CONCEPT = {
    "nomenclaturalCode": {"BOTANICAL": "ICN", "ZOOLOGICAL": "ICZN", "BACTERIAL": "ICNB", "VIRUS": "ICVCN", "CULTIVARS": "ICNCP", "BIOCODE": "BioCode"},
}

# Parser entries we read differently: (vocabulary, verbatim value) -> standard value.
CORRECTIONS = {
    ("sex", "hane"): "male",  # Swedish/Norwegian "hane" is a male animal (the dictionary says FEMALE)
}

# Common ways of writing that neither source has: (vocabulary, verbatim, standard).
CURATED = [
    # occurrenceStatus written as a yes/no, 1/0 or observation answer
    *[("occurrenceStatus", v, "present") for v in ("yes", "y", "1", "true", "observed", "seen", "found", "detected", "pres", "pres.")],
    *[("occurrenceStatus", v, "absent") for v in ("no", "n", "0", "false", "not observed", "not seen", "not found", "not detected", "abs", "abs.", "absence")],
    # sex: abbreviations
    ("sex", "fem.", "female"), ("sex", "masc.", "male"), ("sex", "herm.", "hermaphrodite"),
    ("sex", "indet.", "undetermined"), ("sex", "indeterminate", "undetermined"), ("sex", "unsexed", "undetermined"),
    ("sex", "undet.", "undetermined"), ("sex", "not determined", "undetermined"),
    # lifeStage: abbreviations and close forms
    ("lifeStage", "imm.", "juvenile"), ("lifeStage", "immature", "juvenile"), ("lifeStage", "sub-adult", "juvenile"),
    ("lifeStage", "subadult", "juvenile"), ("lifeStage", "young", "juvenile"), ("lifeStage", "larv.", "larva"),
    ("lifeStage", "larval", "larva"), ("lifeStage", "pupae", "pupa"), ("lifeStage", "pupal", "pupa"),
    ("lifeStage", "eggs", "embryo"), ("lifeStage", "mature", "adult"),
]

DCMI_TYPES = ("Collection", "Dataset", "Event", "Image", "InteractiveResource", "MovingImage", "PhysicalObject", "Service", "Software", "Sound", "StillImage", "Text")
PLURALS = {"sex", "lifeStage", "typeStatus", "basisOfRecord"}
PRECEDENCE = ("identifier", "preferred", "alternative", "correction", "gbif-parsers", "dwcqa", "plural")


def read_thesauri(path: Path) -> dict[str, list[tuple[str, str, str]]]:
    """vocabulary -> [(concept, label, kind)] in file order."""
    wanted = {v: k for k, v in THESAURI.items()}
    rows: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            ours = wanted.get(row["vocabulary"])
            if ours:
                rows[ours].append((row["concept"], row["label"], row["kind"]))
    return rows


def read_dictionary(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, target = line.partition("\t")
        pairs.append((key, target.strip()))
    return pairs


def build(corpus: Path, out: Path) -> None:
    thesauri = read_thesauri(out / "vocabularies.csv")
    rows: dict[tuple[str, str], tuple[str, str]] = {}  # (vocabulary, normalised) -> (standard, source)
    conflicts: list[str] = []
    counts: Counter = Counter()
    unmapped: dict[str, Counter] = defaultdict(Counter)
    empty_targets: Counter = Counter()

    def add(vocabulary: str, verbatim: str, standard: str, source: str) -> None:
        key = normalise(verbatim)
        if not key:
            return
        existing = rows.get((vocabulary, key))
        if existing is None:
            rows[(vocabulary, key)] = (standard, source)
            counts[(vocabulary, source)] += 1
        elif existing[0] != standard and PRECEDENCE.index(source) <= PRECEDENCE.index(existing[1]) and source != existing[1]:
            conflicts.append(f"{vocabulary}: `{verbatim}` -> `{standard}` ({source}) overrides `{existing[0]}` ({existing[1]})")
            counts[(vocabulary, existing[1])] -= 1
            rows[(vocabulary, key)] = (standard, source)
            counts[(vocabulary, source)] += 1
        elif existing[0] != standard:
            conflicts.append(f"{vocabulary}: `{verbatim}` -> `{standard}` ({source}) ignored, kept `{existing[0]}` ({existing[1]})")

    concepts: dict[str, list[str]] = {}
    for kind in ("identifier", "preferred", "alternative"):
        for vocabulary, entries in sorted(thesauri.items()):
            for concept, label, entry_kind in entries:
                if entry_kind == kind:
                    add(vocabulary, label, concept, kind)
    for vocabulary, entries in thesauri.items():
        concepts[vocabulary] = list(dict.fromkeys(c for c, _, _ in entries))
    for (vocabulary, verbatim), standard in sorted(CORRECTIONS.items()):
        add(vocabulary, verbatim, standard, "correction")
    for vocabulary, filename in sorted(DICTIONARIES.items()):
        by_enum = {normalise(c): c for c in concepts[vocabulary]}
        explicit = ENUM_TO_CONCEPT.get(vocabulary, {})
        for verbatim, target in read_dictionary(corpus / PARSERS / filename):
            if (vocabulary, verbatim) in CORRECTIONS:
                continue
            if not target:
                empty_targets[vocabulary] += 1
                continue
            concept = explicit.get(target) or by_enum.get(normalise(target))
            if concept is None:
                unmapped[vocabulary][target] += 1
                continue
            add(vocabulary, verbatim, concept, "gbif-parsers")
    for vocabulary, verbatim, standard in CURATED:
        add(vocabulary, verbatim, standard, "dwcqa")
    for name in DCMI_TYPES:
        add("dcType", name, name, "identifier")
        add("dcType", f"http://purl.org/dc/dcmitype/{name}", name, "alternative")
    concepts["dcType"] = list(DCMI_TYPES)
    for (vocabulary, key), (standard, source) in sorted(rows.items()):
        if vocabulary in PLURALS and source in ("identifier", "preferred", "alternative") and len(key) >= 3 and key.isalpha() and not key.endswith("s"):
            if (vocabulary, key + "s") not in rows:
                rows[(vocabulary, key + "s")] = (standard, "plural")
                counts[(vocabulary, "plural")] += 1

    out.mkdir(parents=True, exist_ok=True)
    with (out / "vocab_synonyms.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["vocabulary", "normalised", "standard", "source"])
        for (vocabulary, key), (standard, source) in sorted(rows.items()):
            writer.writerow([vocabulary, key, standard, source])
    write_sources(out / "VOCAB_SOURCES.md", rows, concepts, counts, conflicts, unmapped, empty_targets)
    print(f"wrote {len(rows)} rows to {out / 'vocab_synonyms.csv'}")


def write_sources(path, rows, concepts, counts, conflicts, unmapped, empty_targets) -> None:
    vocabularies = sorted({v for v, _ in rows})
    lines = [
        "# Sources of the vocabulary tables",
        "",
        "Generated by `scripts/build_vocabularies.py`; do not edit by hand. Regenerate with",
        "",
        "    python scripts/build_vocabularies.py [CORPUS]",
        "",
        "`vocab_synonyms.csv` (`vocabulary,normalised,standard,source`) pairs each normalised way of",
        "writing a value (`dwcqa.vocabularies.normalise`: NFKC, case folded, without spaces and",
        "punctuation) with the standard value, the concept identifier of the GBIF thesaurus.",
        "",
        "## Sources, in order of precedence",
        "",
        "| source | what | licence |",
        "|---|---|---|",
        "| `identifier`, `preferred`, `alternative` | concept identifiers and labels of the GBIF thesauri, newest version (`gbif-rs.gbif.org/vocabulary/`, via `vocabularies.csv`; see SOURCES.md), and the DCMI Type Vocabulary (12 terms, https://www.dublincore.org/specifications/dublin-core/dcmi-type-vocabulary/) for `dcType` | rs.gbif.org states none; DCMI CC BY 4.0 |",
        "| `correction` | dwcqa: a parser entry read differently (`CORRECTIONS` in the script) | |",
        "| `gbif-parsers` | GBIF parser dictionaries, https://github.com/gbif/parsers commit `5aa9edb0c77d`, `src/main/resources/dictionaries/parse/*.tsv` | Apache-2.0 |",
        "| `dwcqa` | curated common forms (`CURATED` in the script) | |",
        "| `plural` | generated `+s` plurals of labels (sex, lifeStage, typeStatus, basisOfRecord) | |",
        "",
        "## Rows per vocabulary",
        "",
        "| vocabulary | term | standard values | " + " | ".join(PRECEDENCE) + " | rows |",
        "|---|---|---:|" + "---:|" * len(PRECEDENCE) + "---:|",
    ]
    from dwcqa.terms import short_name
    from dwcqa.vocabularies import TERMS

    for vocabulary in vocabularies:
        total = sum(1 for v, _ in rows if v == vocabulary)
        cells = " | ".join(str(counts[(vocabulary, s)]) for s in PRECEDENCE)
        lines.append(f"| {vocabulary} | {short_name(TERMS[vocabulary])} | {len(concepts.get(vocabulary, []))} | {cells} | {total} |")
    lines += ["", "## Parser targets without a concept in the thesaurus (left out)", ""]
    for vocabulary in sorted(unmapped):
        items = ", ".join(f"`{t}` ({n})" for t, n in sorted(unmapped[vocabulary].items()))
        lines.append(f"- {vocabulary}: {items}")
    lines += ["", "Dictionary entries with an empty target (GBIF knows the value but maps it to nothing) are left out: "
              + ", ".join(f"{v} {n}" for v, n in sorted(empty_targets.items())) + ".", ""]
    lines += ["## Conflicts (the same normalised value, two standard values)", ""]
    lines += [f"- {c}" for c in conflicts] or ["- none"]
    lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not (args.corpus / PARSERS).is_dir():
        parser.error(f"no GBIF parser dictionaries under {args.corpus / PARSERS}")
    build(args.corpus, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
