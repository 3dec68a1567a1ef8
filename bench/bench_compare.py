"""Time ``dwcqa compare`` on two versions of N records each (default 1M against 1M).

    python bench/bench_compare.py [N] [--out DIR] [--rebuild] [--clean]

The two versions are built here from real records of the shared corpus (``../shared/corpus``):
the specimen rows of a GBIF download (GBIFLemurs verbatim.txt), a GBIF crawl snapshot
(35d24686 verbatim.txt), MCZbase and VertNet exports, replicated to N rows over 52 common
Darwin Core terms. Every record gets a unique catalogNumber (the source number, ``-``, the row
number) and, in the old version, a triplet occurrenceID ``urn:catalog:INST:COLL:CAT``.

The new version is what a collection that moves to UUIDs publishes next:

- 2% of the old records removed, 3% new records added;
- 60% of the remaining records re-keyed to UUID-shaped IDs (random 128 bits in UUID layout),
  1% of them also renumbered with the old number kept in otherCatalogNumbers;
- 0.5% keep their occurrenceID but get another catalogNumber, the old one not kept;
- the rows shuffled.

Both are written as IPT-style archives (tab-delimited ``occurrence.txt``, header, meta.xml) to
``bench/out/compare-<N>/{old,new}`` (kept for the next run unless ``--rebuild``). Each
measurement runs in a fresh Python subprocess and reports wall time per phase and the peak
RSS of the process (``VmHWM``, imports included):

- ``archives``: read old, read new, compare, write the migration file;
- ``history add``: record the old archive in an empty history database;
- ``history compare``: load ``history:bench`` and compare it with the new archive (read included).

Expected figures (kept, added, removed, pairs) follow from the construction and are checked
against the report.
"""

from __future__ import annotations

import argparse
import binascii
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
OUT = REPO / "bench" / "out"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DWC = "http://rs.tdwg.org/dwc/terms/"
SEED = 20261207
CHUNK = 200_000
SOURCES = (
    ("kurator-validation/packages/kurator_dwca/data/GBIFLemurs.zip", "verbatim.txt"),
    ("gbif-pipelines/gbif/coordinator/tasks-integration-tests/src/test/resources/dataset/dwca/35d24686-95c7-43f2-969f-611bba488512", "verbatim.txt"),
    ("kurator-validation/packages/kurator_dwca/data/tests/test_mcz.txt", None),
    ("kurator-validation/packages/kurator_dwca/data/tests/test_onslow_vertnet.csv", None),
)
TERMS = (
    "occurrenceID type modified language license rightsHolder institutionCode collectionCode basisOfRecord "
    "catalogNumber otherCatalogNumbers recordNumber recordedBy individualCount sex lifeStage preparations "
    "occurrenceRemarks eventDate year month day verbatimEventDate habitat fieldNumber higherGeography continent "
    "country countryCode stateProvince county locality verbatimLocality decimalLatitude decimalLongitude "
    "geodeticDatum coordinateUncertaintyInMeters identifiedBy dateIdentified typeStatus scientificName "
    "scientificNameAuthorship kingdom phylum class order family genus specificEpithet infraspecificEpithet "
    "taxonRank vernacularName"
).split()
SHARES = {"removed": 0.02, "added": 0.03, "rekeyed": 0.60, "renumbered_kept": 0.01, "renumbered_lost": 0.005}
from bench_read import status_mb  # noqa: E402  (bench/ is the script's folder)


def parse_count(text: str) -> int:
    raw = text.strip().lower().replace("_", "").replace(",", "")
    factor = 1_000_000 if raw.endswith("m") else 1_000 if raw.endswith("k") else 1
    return int(float(raw.rstrip("mk")) * factor)


# -- building the two versions ---------------------------------------------------------------------


def load_pool():
    """The source rows as one pyarrow string array per term (no tabs or line breaks inside)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from dwcqa.archive import read

    if not CORPUS.is_dir():
        sys.exit(f"bench_compare: the shared corpus is not at {CORPUS}")
    columns: dict[str, list] = {t: [] for t in TERMS[1:]}
    for rel, wanted in SOURCES:
        archive = read(CORPUS / rel)
        table = next(t for t in archive.tables if wanted in t.files) if wanted else archive.core
        for term in TERMS[1:]:
            values = table.column(DWC + term)
            if values is None:
                values = table.column("http://rs.tdwg.org/dwc/iri/" + term)  # bare headers such as recordedBy
            if values is None:
                values = table.column("http://purl.org/dc/terms/" + term)
            array = pa.array([""] * table.records, pa.large_string()) if values is None else pa.array(values.fillna("")).cast(pa.large_string())
            columns[term].append(pc.replace_substring_regex(array, r"[\t\r\n]", " "))
    return {t: pa.concat_arrays(parts) for t, parts in columns.items()}


def uuid_strings(rng: np.random.Generator, count: int):
    """Random 128-bit values written in UUID layout (8-4-4-4-12 hex digits), vectorised."""
    import pyarrow as pa
    import pyarrow.compute as pc

    hexed = np.frombuffer(binascii.hexlify(rng.bytes(16 * count)), dtype="S32")
    text = pa.array(hexed)
    if isinstance(text, pa.ChunkedArray):  # numpy fixed-width bytes arrive in chunks past ~16M
        text = text.combine_chunks()
    text = text.cast(pa.large_string())
    parts = [pc.utf8_slice_codeunits(text, a, b) for a, b in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))]
    return pc.binary_join_element_wise(*parts, pa.scalar("-", pa.large_string()))


def numbers(prefix: str, values: np.ndarray):
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(pa.scalar(prefix, pa.large_string()), pa.array(values).cast(pa.large_string()), pa.scalar("", pa.large_string()))


def build(records: int, out: Path) -> dict:
    """Write old/ and new/ under ``out``; return the expected figures."""
    import pyarrow as pa
    import pyarrow.compute as pc

    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    pool = load_pool()
    size = len(pool["catalogNumber"])
    source = rng.integers(0, size, records)  # pool row of each old record
    serial = np.arange(records)
    sep = pa.scalar("-", pa.large_string())
    old_catalog = pc.binary_join_element_wise(pool["catalogNumber"].take(source), pa.array(serial).cast(pa.large_string()), sep)
    colon = pa.scalar(":", pa.large_string())
    old_ids = pc.binary_join_element_wise(
        pa.scalar("urn:catalog", pa.large_string()), pool["institutionCode"].take(source), pool["collectionCode"].take(source), old_catalog, colon
    )
    old = {"occurrenceID": old_ids, "catalogNumber": old_catalog, "otherCatalogNumbers": pool["otherCatalogNumbers"].take(source)}

    # the new version: which old rows stay, how each changes, which rows are new
    keep = np.flatnonzero(rng.random(records) >= SHARES["removed"])
    roll = rng.random(len(keep))
    rekeyed = roll < SHARES["rekeyed"]
    renumbered_kept = roll < SHARES["renumbered_kept"]  # a subset of the re-keyed ones
    renumbered_lost = (roll >= SHARES["rekeyed"]) & (roll < SHARES["rekeyed"] + SHARES["renumbered_lost"])
    added = int(records * SHARES["added"])
    new_ids = old_ids.take(pa.array(keep))
    new_ids = pc.if_else(pa.array(rekeyed), uuid_strings(rng, len(keep)), new_ids)
    new_catalog = old_catalog.take(pa.array(keep))
    new_catalog = pc.if_else(pa.array(renumbered_kept), numbers("R", keep), new_catalog)
    new_catalog = pc.if_else(pa.array(renumbered_lost), numbers("X", keep), new_catalog)
    new_other = old["otherCatalogNumbers"].take(pa.array(keep))
    with_old = pc.binary_join_element_wise(old_catalog.take(pa.array(keep)), new_other, pa.scalar(" | ", pa.large_string()))
    new_other = pc.if_else(pa.array(renumbered_kept), with_old, new_other)
    extra_source = rng.integers(0, size, added)
    new_source = np.concatenate([source[keep], extra_source])
    new = {
        "occurrenceID": pa.concat_arrays([new_ids, uuid_strings(rng, added)]),
        "catalogNumber": pa.concat_arrays([new_catalog, numbers("N-", np.arange(added))]),
        "otherCatalogNumbers": pa.concat_arrays([new_other, pool["otherCatalogNumbers"].take(pa.array(extra_source))]),
    }
    order = rng.permutation(len(new_source))
    new = {k: v.take(pa.array(order)) for k, v in new.items()}
    new_source = new_source[order]

    write_archive(out / "old", pool, source, old)
    write_archive(out / "new", pool, new_source, new)
    expected = {
        "old_records": records,
        "new_records": len(new_source),
        "kept": int(len(keep) - rekeyed.sum()),
        "added": int(rekeyed.sum()) + added,
        "removed": int(records - len(keep) + rekeyed.sum()),
        "rekeyed": int(rekeyed.sum()),
        "renumbered_kept": int(renumbered_kept.sum()),
        "renumbered_lost": int(renumbered_lost.sum()),
        "build_seconds": time.perf_counter() - started,
    }
    (out / "expected.json").write_text(json.dumps(expected, indent=2))
    return expected


def write_archive(folder: Path, pool: dict, source: np.ndarray, own: dict) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    folder.mkdir(parents=True, exist_ok=True)
    tab, newline = pa.scalar("\t", pa.large_string()), pa.scalar("\n", pa.large_string())
    with open(folder / "occurrence.txt", "wb") as handle:
        handle.write(("\t".join(TERMS) + "\n").encode("utf-8"))
        for start in range(0, len(source), CHUNK):
            rows = pa.array(np.arange(start, min(start + CHUNK, len(source))))
            take = pa.array(source[start : start + CHUNK])
            columns = [own[t].take(rows) if t in own else pool[t].take(take) for t in TERMS]
            lines = pc.binary_join_element_wise(*columns, tab)
            lines = pc.binary_join_element_wise(lines, pa.scalar("", pa.large_string()), newline)
            handle.write(memoryview(lines.buffers()[2])[_span(lines)])
    fields = "\n".join(f'    <field index="{i}" term="{_uri(t)}"/>' for i, t in enumerate(TERMS))
    (folder / "meta.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<archive xmlns="http://rs.tdwg.org/dwc/text/">\n'
        '  <core encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="" '
        f'ignoreHeaderLines="1" rowType="{DWC}Occurrence">\n'
        "    <files><location>occurrence.txt</location></files>\n    <id index=\"0\"/>\n"
        f"{fields}\n  </core>\n</archive>\n",
        encoding="utf-8",
    )


def _span(lines) -> slice:
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset : lines.offset + len(lines) + 1]
    return slice(int(offsets[0]), int(offsets[-1]))


def _uri(term: str) -> str:
    dcterms = {"type", "modified", "language", "license", "rightsHolder"}
    return ("http://purl.org/dc/terms/" if term in dcterms else DWC) + term


# -- measuring (each in a fresh process) -------------------------------------------------------------


def worker(kind: str, folder: Path) -> None:
    import pandas  # noqa: F401  (imports are not timed)
    import pyarrow.compute  # noqa: F401

    from dwcqa.archive import read
    from dwcqa.compare import compare, version_from_archive, write_migration
    from dwcqa.history import HistoryStore

    phases: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(phase, function, *args, **kwargs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function(*args, **kwargs)
        phases[phase] = time.perf_counter() - started
        cpu[phase] = time.process_time() - started_cpu
        return result

    db = folder / "history.sqlite"
    report = None
    inside, inside_cpu = {}, {}
    if kind == "archives":
        old = timed("read old", lambda: version_from_archive(read(folder / "old")))
        new = timed("read new", lambda: version_from_archive(read(folder / "new")))
        result = timed("compare", compare, old, new)
        with open(folder / "migration.csv", "w", encoding="utf-8", newline="") as handle:
            timed("write migration", write_migration, result.pairs, handle)
        report = result.report
        inside = {f"  {k}": v for k, v in result.timings["wall"].items()}
        inside_cpu = {f"  {k}": v for k, v in result.timings["cpu"].items()}
    elif kind == "history add":
        for path in folder.glob("history.sqlite*"):
            path.unlink()
        archive = timed("read old", read, folder / "old")
        store = HistoryStore(db)
        timed("record in history", store.add, archive, name="bench", published="2026-01-01")
        phases["database MB"] = sum(p.stat().st_size for p in folder.glob("history.sqlite*")) / (1 << 20)
    elif kind == "history compare":
        store = HistoryStore(db)
        old = timed("load history:bench", store.load, "bench")
        new = timed("read new", lambda: version_from_archive(read(folder / "new")))
        result = timed("compare", compare, old, new)
        report = result.report
    keys = ("old_records", "new_records", "kept", "added", "removed", "new_id_share", "exceeds_threshold", "proposed_pairs", "ambiguous", "reused_ids", "catalog_numbers_not_kept", "pairs_by_key")
    print(json.dumps({
        "kind": kind, "phases": phases, "cpu": cpu, "compare_phases": inside, "compare_cpu": inside_cpu,
        "peak_mb": status_mb("VmHWM"), "load": os.getloadavg()[0], "report": {k: report[k] for k in keys} if report else None,
    }))


def run_worker(kind: str, folder: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO) + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(folder)], env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"bench_compare: the {kind} run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", nargs="?", default="1M", help="records per version (default 1M)")
    parser.add_argument("--out", type=Path, help="folder for the two versions (default bench/out/compare-N)")
    parser.add_argument("--rebuild", action="store_true", help="build the versions again")
    parser.add_argument("--clean", action="store_true", help="remove the generated files afterwards")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, Path(args.records))
        return 0
    records = parse_count(args.records)
    out = args.out or OUT / f"compare-{records}"
    expected_file = out / "expected.json"
    if args.rebuild or not expected_file.is_file():
        if out.exists():
            shutil.rmtree(out)
        print(f"building {records:,} + {records:,} records in {out} ...", flush=True)
        expected = build(records, out)
        print(f"  built in {expected['build_seconds']:.1f} s")
    else:
        print(f"using {out}")
        expected = json.loads(expected_file.read_text())
    sizes = {v: (out / v / "occurrence.txt").stat().st_size / (1 << 20) for v in ("old", "new")}
    print(f"old: {expected['old_records']:,} records ({sizes['old']:,.0f} MB), new: {expected['new_records']:,} records ({sizes['new']:,.0f} MB), {len(TERMS)} terms")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    results = [run_worker(kind, out) for kind in ("archives", "history add", "history compare")]
    print("wall seconds (CPU seconds of the process); peak RSS = VmHWM, imports included; load = 1-min load average at the end\n")
    for result in results:
        wall = sum(v for k, v in result["phases"].items() if not k.endswith("MB"))
        cpu = sum(result["cpu"].values())
        print(f"{result['kind']:<16} {wall:6.1f} s ({cpu:5.1f} s CPU)   peak RSS {result['peak_mb']:7,.0f} MB   load {result['load']:.1f}")
        for k, v in result["phases"].items():
            if k.endswith("MB"):
                print(f"    {k:<34} {v:8,.1f}")
            else:
                print(f"    {k:<34} {v:8.2f} s ({result['cpu'][k]:6.2f} s CPU)")
            if k == "compare":
                for inner, seconds in result["compare_phases"].items():
                    print(f"    {inner:<34} {seconds:8.2f} s ({result['compare_cpu'][inner]:6.2f} s CPU)")
    report = results[0]["report"]
    print("\nreport:", json.dumps(report))
    checks = {
        "kept": expected["kept"], "added": expected["added"], "removed": expected["removed"],
        "old_records": expected["old_records"], "new_records": expected["new_records"],
    }
    wrong = {k: (report[k], v) for k, v in checks.items() if report[k] != v}
    wrong.update({k: v for k, v in [("history compare", results[2]["report"])] if v != report})
    pairs_ok = report["proposed_pairs"] == expected["rekeyed"]
    print(f"expected counts: {'ok' if not wrong else 'MISMATCH ' + str(wrong)}; proposed pairs {report['proposed_pairs']:,} of {expected['rekeyed']:,} re-keyed records {'(all)' if pairs_ok else '(NOT all)'}")
    if args.clean:
        shutil.rmtree(out)
    return 0 if not wrong else 1


if __name__ == "__main__":
    raise SystemExit(main())
