"""Time exporting a large archive: amendments, then ``dwcqa.archive.write`` of a new zip.

    python bench/bench_export.py PATH_OR_N [--amend SPEC] [--compresslevel 6] [--repeat 1] [--verify] [--settle SECONDS]

PATH_OR_N is an archive (folder with meta.xml, zip) or a number of records (``100k``, ``1M``):
then ``bench/make_archive.py`` builds ``bench/out/dwca-<N>/`` once and it is reused.

Each run is a fresh Python subprocess (this script with ``--worker``) that imports everything
first, then times, with ``time.perf_counter``:

- ``read``: ``dwcqa.archive.read`` of the input (context: what an export starts from);
- ``amend``: ``dwcqa.amend.apply`` of the amendments chosen with ``--amend`` (``none`` by
  default; ``all`` = dwcqa's own amendments, as ``dwcqa clean --amend all``);
- ``withhold``: the sensitive-locality step of ``dwcqa.export`` (a no-op without flags);
- ``write``: ``dwcqa.archive.writer.write`` of the zip (deflate, ``--compresslevel``).

Peak RSS is ``VmHWM`` of the process: once after reading, then reset (``/proc/self/clear_refs``)
so that the second figure is the peak *during the export* (the archive in memory included).
``--verify`` re-reads the written zip with dwcqa and checks every cell (slow: a second read).
The zip goes to ``bench/out/export-<name>.zip`` and is deleted afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
from bench_read import reset_peak, status_mb  # noqa: E402  (bench/ is the script's folder)


def worker(path: Path, spec: str, level: int, out: Path, verify: bool) -> None:
    import gc

    import numpy as np

    from dwcqa import amend
    from dwcqa.archive import read
    from dwcqa.archive.writer import write
    from dwcqa.export import withhold_sensitive

    selected = amend.select(None if spec == "none" else spec)  # loads the registry (not timed)
    figures: dict = {"amendments": [a.id for a in selected]}
    gc.collect()
    started = time.perf_counter()
    archive = read(path)
    figures["read"] = time.perf_counter() - started
    figures["peak_read_mb"] = status_mb("VmHWM")
    figures["records"] = archive.core.records
    figures["columns"] = archive.core.data.shape[1]
    figures["peak_reset"] = reset_peak()
    rss_before = status_mb("VmRSS")

    started = time.perf_counter()
    cleaned, log = amend.apply(archive, selected, options={"guid_namespace": "https://example.org/bench"})
    figures["amend"] = time.perf_counter() - started
    figures["changes"] = int(len(log))

    started = time.perf_counter()
    cleaned, withheld, _ = withhold_sensitive(cleaned)
    figures["withhold"] = time.perf_counter() - started

    started = time.perf_counter()
    report = write(cleaned, out, overwrite=True, compresslevel=level)
    figures["write"] = time.perf_counter() - started
    figures["peak_export_mb"] = status_mb("VmHWM")
    figures["rss_before_export_mb"] = rss_before
    figures["zip_mb"] = out.stat().st_size / (1 << 20)
    import zipfile

    figures["data_mb"] = sum(i.file_size for i in zipfile.ZipFile(out).infolist()) / (1 << 20)
    figures["export"] = figures["amend"] + figures["withhold"] + figures["write"]
    figures["notes"] = report.notes
    if verify:
        started = time.perf_counter()
        again = read(out)
        bad = 0
        for a, b in zip(cleaned.tables, again.tables):
            for column in a.data.columns:
                x = a.data[column].fillna("").to_numpy(dtype=object)
                y = b.data[column].fillna("").to_numpy(dtype=object)
                bad += int((x != y).sum())
        figures["verify"] = time.perf_counter() - started
        figures["cells_differing"] = bad
        del again
    print(json.dumps(figures))


def resolve_target(text: str) -> Path:
    path = Path(text)
    if path.exists():
        return path
    sys.path.insert(0, str(REPO / "bench"))
    from make_archive import default_out, make_archive, parse_count

    try:
        records = parse_count(text)
    except argparse.ArgumentTypeError:
        sys.exit(f"bench_export: {text} is neither an existing path nor a number of records")
    out = default_out(records, zipped=False)
    if (out / "meta.xml").is_file():
        print(f"using cached {out.relative_to(REPO)}")
        return out
    if out.exists():
        import shutil

        shutil.rmtree(out)
    print(f"building {out.relative_to(REPO)} ({records:,} records) ...", flush=True)
    figures = make_archive(records, out, zipped=False, quiet=True)
    print(f"  built in {figures['seconds']:.1f} s", flush=True)
    return out


def wait_until_quiet(limit: float) -> bool:
    def sample():
        with open("/proc/stat") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
        return values[3] + values[4], sum(values)

    deadline = time.monotonic() + limit
    quiet = 0
    while time.monotonic() < deadline:
        idle0, total0 = sample()
        time.sleep(1)
        idle1, total1 = sample()
        quiet = quiet + 1 if (idle1 - idle0) / max(total1 - total0, 1) >= 0.9 else 0
        if quiet >= 3:
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="archive path, or a number of records to build (100k, 1M)")
    parser.add_argument("--amend", default="none", metavar="SPEC", help="amendments to apply: none (default), all, bdq, ID,...")
    parser.add_argument("--compresslevel", type=int, default=6, help="zip deflate level (default 6, as dwcqa writes)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--verify", action="store_true", help="re-read the zip and compare every cell")
    parser.add_argument("--keep", action="store_true", help="keep the written zip in bench/out/")
    parser.add_argument("--settle", type=float, default=0, metavar="SECONDS", help="wait up to SECONDS for idle CPUs before each run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(Path(args.target), args.amend, args.compresslevel, Path(args.out), args.verify)
        return 0

    path = resolve_target(args.target)
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"export-{path.name.removesuffix('.zip')}.zip"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    runs = []
    for number in range(args.repeat):
        if args.settle and not wait_until_quiet(args.settle):
            print(f"  (the machine did not get quiet within {args.settle:.0f} s; measuring anyway)")
        command = [sys.executable, str(Path(__file__).resolve()), str(path), "--worker", "--out", str(out), "--amend", args.amend, "--compresslevel", str(args.compresslevel)]
        if args.verify:
            command.append("--verify")
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"bench_export: the run failed:\n{done.stderr}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        runs.append(result)
        print(f"  run {number + 1}/{args.repeat}: read {result['read']:.1f} s, export {result['export']:.1f} s (amend {result['amend']:.1f}, write {result['write']:.1f}), peak {result['peak_export_mb']:,.0f} MB", flush=True)
    best = min(runs, key=lambda r: r["export"])
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    print()
    print(f"archive: {path}  {best['records']:,} records x {best['columns']} columns; python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {load}")
    print(f"amendments: {args.amend} ({len(best['amendments'])}: {', '.join(best['amendments']) or '-'}); {best['changes']:,} cells changed")
    print(f"best of {len(runs)} by export time; peak RSS = VmHWM (imports included); export peak measured from a reset after reading: {best['peak_reset']}")
    print()
    print("| step | seconds | peak RSS MB |")
    print("|---|---:|---:|")
    print(f"| read (context) | {best['read']:.2f} | {best['peak_read_mb']:,.0f} |")
    print(f"| amend | {best['amend']:.2f} | |")
    print(f"| withhold sensitive | {best['withhold']:.2f} | |")
    print(f"| write zip (level {args.compresslevel}) | {best['write']:.2f} | |")
    print(f"| **export = amend + withhold + write** | **{best['export']:.2f}** | **{best['peak_export_mb']:,.0f}** (RSS before export {best['rss_before_export_mb']:,.0f}) |")
    print()
    print(f"written: {best['data_mb']:,.1f} MB of text, {best['zip_mb']:,.1f} MB zipped; {best['data_mb'] / max(best['write'], 1e-9):,.0f} MB/s of text")
    if "verify" in best:
        print(f"verify: re-read in {best['verify']:.1f} s, {best['cells_differing']} cells differ")
    for note in best["notes"]:
        print(f"note: {note}")
    if not args.keep:
        out.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
