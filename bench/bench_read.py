"""Time ``dwcqa.archive.read`` against a plain pyarrow parse of the same core file.

    python bench/bench_read.py PATH_OR_N [--repeat 3] [--settle SECONDS] [--profile] [--no-pandas]

PATH_OR_N is an archive (folder with meta.xml, zip, tar.gz) or a tab-delimited table, or a
number of records (``100000``, ``100k``, ``1M``): then the archive is built with
``bench/make_archive.py`` once and cached as ``bench/out/dwca-<N>/``.

Every measurement runs in a fresh Python subprocess (this script with ``--worker``), which
imports everything first, then times the call alone with ``time.perf_counter`` and reports
its peak RSS (``VmHWM`` of ``/proc/self/status``: the whole process, imports included) and
its CPU seconds. The contenders, interleaved, each ``--repeat`` times; best wall time kept,
peak RSS is the highest of the runs:

- ``pyarrow``: ``pyarrow.csv.read_csv`` of the core data file, every column a string,
  delimiter and header lines as meta.xml says, quoting off, default block size. This is
  the baseline of the target (read <= 1.5x pyarrow at 1,000,000 records x ~170 columns).
- ``pyarrow+pandas``: the same with ``large_string`` columns, then ``to_pandas`` into
  ``pd.StringDtype("pyarrow")`` columns, which takes them without a copy: the least a
  DataFrame of verbatim strings costs. Context only; ``--no-pandas`` skips it.
- ``dwcqa.read``: ``dwcqa.archive.read(path)`` on what was given (a zip is unpacked first,
  as the reader does; the pyarrow baseline then reads the member straight from the zip).

The file is read once before timing so that every contender finds it in the page cache.
``--profile`` also runs ``read`` once under cProfile and prints where the time goes
(the .prof file is kept in bench/out/).
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
CONTENDERS = ("pyarrow", "pyarrow+pandas", "dwcqa.read")


# -- worker side (runs in a subprocess) ------------------------------------------------


def status_mb(key: str) -> float:
    """A figure of /proc/self/status (VmRSS, VmHWM) in MB."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def warm_memory(gigabytes: float) -> None:
    """Touch and free this much memory before a timed call (then reset the peak).

    On a virtual machine the host takes back guest memory that no process has used for a few
    seconds; the next process to touch it pays several times the usual cost per page (here:
    a pyarrow parse of 530 MB took 2.2-3.6 s on such memory and 1.8 s right after another
    process had used it). Every contender is warmed the same way, so each is measured on
    memory in the state a machine in steady use has.
    """
    if gigabytes > 0:
        import numpy as np

        block = np.ones(int(gigabytes * (1 << 30)), dtype=np.uint8)
        del block
    reset_peak()


def warm_gigabytes(text: str, data_bytes: int) -> float:
    """``--warm-memory``: a number of GB, or ``auto`` (6x the data, what the pipeline peaks at,
    at most half of the memory available)."""
    if text != "auto":
        return float(text)
    import psutil  # a dependency of distributed (requirements.txt)

    available = psutil.virtual_memory().available / (1 << 30)
    return round(min(6 * data_bytes / (1 << 30), available / 2), 2)


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0), so that a stage's peak is its own."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _core_source(path: Path):
    """(opener of the core file's bytes, delimiter, header lines, label) without dwcqa's reader."""
    import zipfile

    from dwcqa.archive.meta import parse_meta

    if path.is_dir():
        descriptor = parse_meta((path / "meta.xml").read_bytes())
        spec = descriptor.core
        return (lambda: str(path / spec.files[0])), spec.dialect.delimiter, spec.dialect.header_lines
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        names = archive.namelist()
        meta = min((n for n in names if n.rsplit("/", 1)[-1] == "meta.xml"), key=len)
        spec = parse_meta(archive.read(meta)).core
        base = meta[: -len("meta.xml")]
        return (lambda: archive.open(base + spec.files[0])), spec.dialect.delimiter, spec.dialect.header_lines
    return (lambda: str(path)), "\t", 1  # a plain tab-delimited table with one header line


def _pyarrow_read(path: Path, to_pandas: bool):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    opener, delimiter, header_lines = _core_source(path)
    source = opener()
    with open(source, "rb") if isinstance(source, str) else source as handle:
        first = handle.readline()  # the width, to force every column to string
    width = len(first.rstrip(b"\r\n").split(delimiter.encode()))
    names = [f"f{i}" for i in range(width)]
    source = opener()  # a path (pyarrow opens it itself) or a fresh zip member stream
    # pandas' pyarrow-backed strings hold large_string: parsed as string they would be cast (copied).
    kind = pa.large_string() if to_pandas else pa.string()
    table = pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=header_lines),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False),
        convert_options=pacsv.ConvertOptions(column_types={n: kind for n in names}),
    )
    if to_pandas:
        import pandas as pd

        frame = table.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow") if t == kind else None)
        return frame.shape
    return table.num_rows, table.num_columns


def _dwcqa_read(path: Path):
    from dwcqa.archive import read

    archive = read(path)
    return archive.core.records, archive.core.data.shape[1]


def worker(kind: str, path: Path, warm_gb: float = 0.0) -> None:
    import gc
    import resource

    import pandas  # noqa: F401  (imports are not timed)
    import pyarrow.csv  # noqa: F401

    import dwcqa.archive  # noqa: F401

    warm_memory(warm_gb)
    before_mb = status_mb("VmRSS")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    gc.collect()
    started = time.perf_counter()
    if kind == "dwcqa.read":
        rows, columns = _dwcqa_read(path)
    else:
        rows, columns = _pyarrow_read(path, to_pandas=kind == "pyarrow+pandas")
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    print(json.dumps({"kind": kind, "wall": wall, "cpu": cpu, "peak_mb": status_mb("VmHWM"), "base_mb": before_mb, "rows": rows, "columns": columns}))


def profile_worker(path: Path, prof: Path) -> None:
    import cProfile
    import pstats

    import pandas  # noqa: F401
    import pyarrow.csv  # noqa: F401

    from dwcqa.archive import read

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    read(path)
    profiler.disable()
    print(f"read() under cProfile: {time.perf_counter() - started:.2f} s (profiling overhead included)\n")
    profiler.dump_stats(prof)
    stats = pstats.Stats(profiler).strip_dirs()
    print("-- by own time (tottime) --")
    stats.sort_stats("tottime").print_stats(15)
    print("-- by cumulative time --")
    stats.sort_stats("cumulative").print_stats(30)


# -- driver side ---------------------------------------------------------------------------


def resolve_target(text: str) -> Path:
    path = Path(text)
    if path.exists():
        return path
    sys.path.insert(0, str(REPO / "bench"))
    from make_archive import default_out, make_archive, parse_count

    try:
        records = parse_count(text)
    except argparse.ArgumentTypeError:
        sys.exit(f"bench_read: {text} is neither an existing path nor a number of records")
    out = default_out(records, zipped=False)
    if (out / "meta.xml").is_file():
        print(f"using cached {out.relative_to(REPO)}")
        return out
    if out.exists():
        sys.exit(f"bench_read: {out} has no meta.xml: still being built, or an interrupted build (then remove it)")
    print(f"building {out.relative_to(REPO)} ({records:,} records) ...", flush=True)
    figures = make_archive(records, out, zipped=False, quiet=True)
    print(f"  built in {figures['seconds']:.1f} s: {figures['data_bytes'] / (1 << 20):,.1f} MB occurrence.txt")
    return out


def reader_fingerprint() -> str:
    """A short hash of dwcqa/archive/*.py, so a figure can be tied to the code it measured."""
    import hashlib

    digest = hashlib.sha256()
    for file in sorted((REPO / "dwcqa" / "archive").glob("*.py")):
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:12]


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _cpu_idle_fraction(seconds: float = 1.0) -> float:
    """Share of all CPUs idle over the next ``seconds`` (from /proc/stat); 1.0 when unknown."""

    def sample():
        with open("/proc/stat") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
        return values[3] + values[4], sum(values)  # idle + iowait, total

    try:
        idle0, total0 = sample()
        time.sleep(seconds)
        idle1, total1 = sample()
    except OSError:
        return 1.0
    return (idle1 - idle0) / max(total1 - total0, 1)


def wait_until_quiet(limit: float) -> bool:
    """Wait (up to ``limit`` seconds) for 3 seconds in a row with >= 90% of the CPUs idle."""
    deadline = time.monotonic() + limit
    quiet = 0
    while time.monotonic() < deadline:
        quiet = quiet + 1 if _cpu_idle_fraction() >= 0.9 else 0
        if quiet >= 3:
            return True
    return False


def warm_page_cache(path: Path) -> int:
    total = 0
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    for file in files:
        with open(file, "rb") as handle:
            while chunk := handle.read(1 << 24):
                total += len(chunk)
    return total


def run_worker(kind: str, path: Path, warm_gb: float = 0.0) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(path), "--warm-memory", str(warm_gb)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"bench_read: the {kind} run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="archive path, or a number of records to build (100k, 1M)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="also profile read() with cProfile")
    parser.add_argument(
        "--settle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before each run wait up to SECONDS for the CPUs to be idle (other jobs on a shared machine)",
    )
    parser.add_argument("--no-pandas", action="store_true", help="skip the pyarrow+pandas context run")
    parser.add_argument("--warm-memory", default="auto", metavar="GB", help="touch this much memory before each timed call, every contender alike (default auto: 6x the data, at most half the memory available; 0: off)")
    parser.add_argument("--worker", choices=CONTENDERS + ("profile",), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        if args.worker == "profile":
            path = Path(args.target)
            profile_worker(path, OUT / f"profile-read-{path.name}.prof")
        else:
            worker(args.worker, Path(args.target), float(args.warm_memory))
        return 0

    path = resolve_target(args.target)
    size = warm_page_cache(path)
    warm_gb = warm_gigabytes(args.warm_memory, size)
    load_before = load_average()
    kinds = [k for k in CONTENDERS if not (args.no_pandas and k == "pyarrow+pandas")]
    results: dict[str, list[dict]] = {k: [] for k in kinds}
    for round_ in range(args.repeat):
        for kind in kinds:
            if args.settle and not wait_until_quiet(args.settle):
                print(f"  (the machine did not get quiet within {args.settle:.0f} s; measuring anyway)")
            result = run_worker(kind, path, warm_gb)
            results[kind].append(result)
            print(f"  run {round_ + 1}/{args.repeat} {kind:<15} {result['wall']:7.2f} s  {result['peak_mb']:8,.0f} MB", flush=True)

    best = {k: min(v, key=lambda r: r["wall"]) for k, v in results.items()}
    peak = {k: max(r["peak_mb"] for r in v) for k, v in results.items()}
    cpu = {k: min(r["cpu"] for r in v) for k, v in results.items()}  # steadier than wall on a busy machine
    base = best["pyarrow"]["wall"]
    print()
    print(f"archive: {path}  ({size / (1 << 20):,.1f} MB on disk)   python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"dwcqa/archive sources {reader_fingerprint()}; load average before {load_before}, after {load_average()} (other work on the machine inflates wall times)")
    print(f"memory warmed before each timed call: {warm_gb:g} GB (--warm-memory)")
    print(f"best of {args.repeat} (wall and cpu each the lowest of the runs); peak RSS = VmHWM of the process, imports included (~{best['pyarrow']['base_mb']:.0f} MB after imports)")
    print()
    print(f"| {'contender':<15} | {'wall s':>7} | {'x pyarrow':>9} | {'cpu s':>6} | {'peak RSS MB':>11} | {'records':>11} | {'columns':>7} |")
    print("|" + "|".join("-" * (w - 1) + (":" if i else "-") for i, w in enumerate((17, 9, 11, 8, 13, 13, 9))) + "|")
    for kind in kinds:
        r = best[kind]
        print(
            f"| {kind:<15} | {r['wall']:7.2f} | {r['wall'] / base:9.2f} | {cpu[kind]:6.2f} | {peak[kind]:11,.0f} | {r['rows']:11,} | {r['columns']:7} |"
        )
    ratio = best["dwcqa.read"]["wall"] / base
    shapes = {(best[k]["rows"], best[k]["columns"]) for k in kinds}
    if len(shapes) != 1:
        print(f"\nWARNING: the contenders disagree on the shape: {shapes}")
    verdict = "meets" if ratio <= 1.5 else "MISSES"
    print(f"\nread / pyarrow = {ratio:.2f} wall  ({verdict} the target of <= 1.5); {cpu['dwcqa.read'] / max(cpu['pyarrow'], 1e-9):.2f} in CPU seconds")
    if args.profile:
        print("\nprofiling read() ...\n", flush=True)
        env = dict(os.environ)
        env["PYTHONPATH"] = str(REPO)
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", "profile", str(path)], env=env, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
