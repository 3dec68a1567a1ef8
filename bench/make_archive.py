"""Build a large, realistic Darwin Core Archive for benchmarks.

    python bench/make_archive.py N [--out PATH] [--zip] [--force]

N occurrence records (``100000``, ``100k``, ``1M`` and ``1e6`` are all accepted) are made by
replicating real records of the shared corpus (``../shared/corpus`` next to the repository):
GBIF download archives (their ``verbatim.txt``, i.e. what the publisher sent), VertNet and MCZ
exports and a GBIF checklist archive. The source tables are read with ``dwcqa.archive.read``
and mapped onto one fixed list of Darwin Core terms: the terms of the Darwin Core Occurrence
core definition (``dwcqa/standards/row_type_terms.csv``), occurrenceID first, without the
30 terms that no source archive carries (most were added to Darwin Core in 2023-2025; see
``NOT_IN_SOURCES``): 170 columns, of which 121 are filled in some source. A source without a term gets an empty cell there.

The pool of source rows is shuffled once (fixed seed, so the output is reproducible) and
taken round-robin; every record gets a new unique occurrenceID ``urn:bench:<n>`` (the id,
column 0). Rows are generated and written 100,000 at a time with pyarrow string kernels (no
Python loop per record), so millions of records never sit in memory together.

The output is what the IPT writes: ``occurrence.txt`` (UTF-8, tab-delimited, one header
line, fields not enclosed: ``fieldsEnclosedBy=""``), ``meta.xml`` and a small ``eml.xml``,
in a folder (default ``bench/out/dwca-<N>``) or, with ``--zip``, a zip file
(``bench/out/dwca-<N>.zip``). Because fields are not enclosed, **tabs, carriage returns and
line feeds inside source values are replaced with spaces** during generation (the corpus
rows used have none today; the replacement guards against new sources). Quotes stay as
they are, since nothing is enclosed.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
OUT = REPO / "bench" / "out"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DWC = "http://rs.tdwg.org/dwc/terms/"
OCCURRENCE = DWC + "Occurrence"
ID_TERM = DWC + "occurrenceID"
CHUNK_ROWS = 100_000
SEED = 20261207

# (path in the corpus, file of the table to use, or None for the core table)
SOURCES = (
    ("kurator-validation/packages/kurator_dwca/data/GBIFLemurs.zip", "verbatim.txt"),  # GBIF download, 4,787 records
    (
        "gbif-pipelines/gbif/coordinator/tasks-integration-tests/src/test/resources/dataset/dwca/"
        "35d24686-95c7-43f2-969f-611bba488512",
        "verbatim.txt",
    ),  # GBIF download, 1,534 records
    ("gbif-dwca-io/src/test/resources/checklist_980.zip", "occurrences.csv"),  # 740 records
    ("kurator-validation/packages/kurator_dwca/data/tests/test_mcz.txt", None),  # MCZbase, 192 records
    ("kurator-validation/packages/kurator_dwca/data/tests/test_onslow_vertnet.csv", None),  # VertNet, 122 records
    ("kurator-validation/packages/kurator_dwca/data/tests/dwca-uwymv_herp.zip", None),  # IPT archive, 8 records
)

# Occurrence-core terms that none of the sources carry (most are new in Darwin Core 2023-2025).
NOT_IN_SOURCES = {
    "http://purl.org/dc/terms/language",
    DWC + "feedbackURL",
    DWC + "recordedByID",
    DWC + "caste",
    DWC + "vitality",
    DWC + "degreeOfEstablishment",
    DWC + "pathway",
    DWC + "causeOfDeath",
    DWC + "materialEntityID",
    DWC + "digitalSpecimenID",
    DWC + "materialEntityType",
    DWC + "discipline",
    DWC + "verbatimLabel",
    DWC + "materialEntityRemarks",
    DWC + "eventType",
    DWC + "projectTitle",
    DWC + "projectID",
    DWC + "fundingAttribution",
    DWC + "fundingAttributionID",
    DWC + "verticalDatum",
    DWC + "verbatimIdentification",
    DWC + "typifiedName",
    DWC + "identifiedByID",
    DWC + "superfamily",
    DWC + "subfamily",
    DWC + "tribe",
    DWC + "subtribe",
    DWC + "genericName",
    DWC + "infragenericEpithet",
    DWC + "cultivarEpithet",
}


def parse_count(text: str) -> int:
    """``100000``, ``100_000``, ``100k``, ``1M``, ``1e6``."""
    raw = text.strip().lower().replace("_", "").replace(",", "")
    factor = 1
    if raw.endswith("k"):
        raw, factor = raw[:-1], 1_000
    elif raw.endswith("m"):
        raw, factor = raw[:-1], 1_000_000
    try:
        value = int(float(raw) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of records: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("the number of records must be at least 1")
    return value


def default_out(records: int, zipped: bool) -> Path:
    return OUT / (f"dwca-{records}.zip" if zipped else f"dwca-{records}")


def require_corpus() -> Path:
    if not CORPUS.is_dir():
        sys.exit(
            f"make_archive: the shared corpus is not at {CORPUS}.\n"
            "It holds the real records the benchmark archive is made from; "
            "put the corpus there (see tests/corpus.py) and run again."
        )
    return CORPUS


def term_list(tables) -> list[str]:
    """occurrenceID, then the Occurrence core terms in definition order (170 columns)."""
    path = REPO / "dwcqa" / "standards" / "row_type_terms.csv"
    terms: list[str] = []
    if path.is_file():
        with open(path, encoding="utf-8", newline="") as handle:
            terms = [row["uri"] for row in csv.DictReader(handle) if row["row_type"] == OCCURRENCE]
        terms = [t for t in terms if t not in NOT_IN_SOURCES]
    if not terms:  # no standards table: the terms of the widest source
        terms = max((t.terms for t in tables), key=len)
    return [ID_TERM] + [t for t in dict.fromkeys(terms) if t != ID_TERM]


def load_sources(corpus: Path):
    from dwcqa.archive import ArchiveError, read

    tables = []
    for rel, wanted in SOURCES:
        path = corpus / rel
        if not path.exists():
            print(f"  (skipped, not in the corpus: {rel})", file=sys.stderr)
            continue
        try:
            archive = read(path)
        except ArchiveError as exc:
            print(f"  (skipped, unreadable: {rel}: {exc})", file=sys.stderr)
            continue
        table = next((t for t in archive.tables if wanted in t.files), None) if wanted else archive.core
        if table is None or table.records == 0:
            print(f"  (skipped, no {wanted or 'core'} table: {rel})", file=sys.stderr)
            continue
        tables.append((rel, table))
    if not tables:
        sys.exit(f"make_archive: none of the source archives was found in {corpus}")
    return tables


def build_pool(tables, terms: list[str]) -> tuple[pa.Array, int]:
    """One tab-joined line (all columns but occurrenceID) per source row, shuffled; non-empty cells."""
    columns: dict[str, list[pa.Array]] = {t: [] for t in terms[1:]}
    filled = set()
    for _rel, table in tables:
        n = table.records
        for term in terms[1:]:
            values = table.column(term)
            if values is None:
                columns[term].append(pa.array([""] * n, type=pa.large_string()))
                continue
            array = pa.array(values.fillna("").astype(object).to_numpy(), type=pa.large_string())
            # Fields are not enclosed: a tab or line break inside a value would break the row.
            array = pc.replace_substring_regex(array, pattern=r"[\t\r\n]", replacement=" ")
            if pc.any(pc.not_equal(array, "")).as_py():
                filled.add(term)
            columns[term].append(array)
    joined = [pa.concat_arrays(parts) for parts in columns.values()]
    lines = pc.binary_join_element_wise(*joined, _text("\t"))
    order = np.random.default_rng(SEED).permutation(len(lines))
    return lines.take(pa.array(order)), len(filled)


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, type=pa.large_string())


def record_chunks(pool: pa.Array, records: int):
    """The data lines of records [start, end), as one contiguous UTF-8 buffer per chunk."""
    size = len(pool)
    for start in range(0, records, CHUNK_ROWS):
        end = min(start + CHUNK_ROWS, records)
        numbers = np.arange(start, end, dtype=np.int64)
        ids = pc.binary_join_element_wise(_text("urn:bench:"), pa.array(numbers).cast(pa.large_string()), _text(""))
        rest = pool.take(pa.array(numbers % size))
        lines = pc.binary_join_element_wise(ids, rest, _text("\t"))
        lines = pc.binary_join_element_wise(lines, _text(""), _text("\n"))  # line + "\n" + ""
        yield _contiguous_bytes(lines)


def _contiguous_bytes(array: pa.Array) -> memoryview:
    """The concatenated values of a string array without copying them one by one."""
    if array.null_count:
        raise ValueError("null in generated lines")
    _validity, offsets, data = array.buffers()
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    bounds = np.frombuffer(offsets, dtype=width)[array.offset : array.offset + len(array) + 1]
    return memoryview(data)[int(bounds[0]) : int(bounds[-1])]


def meta_xml(terms: list[str], data_file: str = "occurrence.txt") -> str:
    fields = "\n".join(f'    <field index="{i}" term={quoteattr(t)}/>' for i, t in enumerate(terms))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="eml.xml">\n'
        f'  <core encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="" '
        f'ignoreHeaderLines="1" rowType="{OCCURRENCE}">\n'
        f"    <files>\n      <location>{escape(data_file)}</location>\n    </files>\n"
        '    <id index="0"/>\n'
        f"{fields}\n"
        "  </core>\n"
        "</archive>\n"
    )


def eml_xml(records: int, sources: list[str]) -> str:
    listed = "".join(f"<para>{escape(s)}</para>" for s in sources)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="eml://ecoinformatics.org/eml-2.1.1 http://rs.gbif.org/schema/eml-gbif-profile/1.3/eml.xsd" '
        f'packageId="urn:bench:dwca-{records}" system="http://gbif.org" scope="system" xml:lang="en">\n'
        "  <dataset>\n"
        f"    <title>dwcqa benchmark archive ({records:,} occurrence records)</title>\n"
        "    <creator><organizationName>dwcqa benchmarks</organizationName></creator>\n"
        "    <metadataProvider><organizationName>dwcqa benchmarks</organizationName></metadataProvider>\n"
        "    <pubDate>2026-12-07</pubDate>\n"
        "    <language>en</language>\n"
        "    <abstract><para>Synthetic archive for reader benchmarks: real records from the source "
        "archives below, replicated, each with a new occurrenceID (urn:bench:n). "
        "Not for publication.</para>"
        f"{listed}</abstract>\n"
        "    <intellectualRights><para>Test data; the source records keep the rights of their publishers.</para></intellectualRights>\n"
        "    <contact><organizationName>dwcqa benchmarks</organizationName></contact>\n"
        "  </dataset>\n"
        "</eml:eml>\n"
    )


def _replaceable(path: Path) -> bool:
    """Only ever delete what this script made."""
    if path.is_file():
        return path.suffix == ".zip"
    return path.is_dir() and {p.name for p in path.iterdir()} <= {"meta.xml", "eml.xml", "occurrence.txt", "occurrence.txt.partial"}


def make_archive(records: int, out: Path | None = None, zipped: bool = False, force: bool = False, quiet: bool = False) -> dict:
    """Write the archive; returns its figures (rows, columns, bytes, seconds, path)."""
    started = time.perf_counter()
    out = Path(out) if out else default_out(records, zipped)
    if out.exists():
        if not force:
            sys.exit(f"make_archive: {out} exists; pass --force to replace it")
        if not _replaceable(out):
            sys.exit(f"make_archive: {out} exists and does not look like an archive made by this script; not touching it")
        shutil.rmtree(out) if out.is_dir() else out.unlink()
    corpus = require_corpus()
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    tables = load_sources(corpus)
    terms = term_list([t for _, t in tables])
    pool, filled = build_pool(tables, terms)
    say(f"pool: {len(pool):,} source rows from {len(tables)} tables; {len(terms)} columns, {filled + 1} of them ever filled")
    from dwcqa.terms import short_name

    header = ("\t".join(short_name(t) for t in terms) + "\n").encode("utf-8")
    meta = meta_xml(terms).encode("utf-8")
    eml = eml_xml(records, [rel for rel, _ in tables]).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    data_bytes = len(header)
    if zipped:
        partial = out.with_name(out.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            member = zipfile.ZipInfo("occurrence.txt", date_time=time.localtime()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(member, "w", force_zip64=True) as handle:
                handle.write(header)
                for chunk in record_chunks(pool, records):
                    handle.write(chunk)
                    data_bytes += len(chunk)
            archive.writestr("meta.xml", meta)
            archive.writestr("eml.xml", eml)
        os.replace(partial, out)
        total = out.stat().st_size
    else:
        out.mkdir(parents=True)
        partial = out / "occurrence.txt.partial"
        with open(partial, "wb") as handle:
            handle.write(header)
            for chunk in record_chunks(pool, records):
                handle.write(chunk)
                data_bytes += len(chunk)
        os.replace(partial, out / "occurrence.txt")
        (out / "eml.xml").write_bytes(eml)
        (out / "meta.xml").write_bytes(meta)  # last: a folder with meta.xml is complete
        total = sum(p.stat().st_size for p in out.iterdir())
    seconds = time.perf_counter() - started
    return {"path": out, "rows": records, "columns": len(terms), "data_bytes": data_bytes, "total_bytes": total, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", type=parse_count, help="number of occurrence records (e.g. 100000, 100k, 1M)")
    parser.add_argument("--out", type=Path, help="output folder (or .zip with --zip); default bench/out/dwca-N[.zip]")
    parser.add_argument("--zip", action="store_true", help="write a zip file instead of a folder")
    parser.add_argument("--force", action="store_true", help="replace an existing output made by this script")
    args = parser.parse_args(argv)
    figures = make_archive(args.records, args.out, args.zip, args.force)
    mb = 1 << 20
    print(f"archive:  {figures['path']}")
    print(f"rows:     {figures['rows']:,}")
    print(f"columns:  {figures['columns']}")
    print(f"occurrence.txt: {figures['data_bytes'] / mb:,.1f} MB; on disk: {figures['total_bytes'] / mb:,.1f} MB")
    print(f"seconds:  {figures['seconds']:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
