"""Time ``--engine dask`` (dwcqa.engines.dask.check) on archives up to larger than memory.

    python bench/bench_dask.py [SIZE_OR_PATH ...] [--blocksize 64MB] [--cluster threads|processes]
                               [--workers 2] [--no-issues] [--compare] [--min-free-gb 20] [--no-baseline]

SIZE_OR_PATH: archives or numbers of records (default: 1M 10M), built once with
``bench/make_archive.py`` under ``bench/out/dwca-<N>/`` (10M records are about 5 GB of text:
the build is skipped when the disk holding bench/out has less than ``--min-free-gb`` free).

Each run is a fresh subprocess that imports everything, then times ``check(path, ...)`` with
every registered check, the per-record issue list written to bench/out (``--no-issues``
skips it) and the JSON report built:

- ``--cluster threads`` (default): a distributed LocalCluster inside the process (one worker,
  one thread per CPU). Peak RSS is ``VmHWM`` of that one process, so it covers the client,
  the scheduler, the worker, the shuffle's buffers and the spool writer;
- ``--cluster processes``: ``--workers`` worker processes of one thread each; peak RSS is the
  sampled maximum of the *sum* over the process tree (every 0.2 s).

The pyarrow parse of the same core file (bench_read.py's baseline, in its own subprocess) is
measured in the same run for the ratio. ``--compare`` also runs the in-memory engine in its
own subprocess (only where it fits in memory) and checks that both give the same counts.
Target: 10M records with peak RSS <= 4 GB on a 2-CPU, 24 GB machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_read import status_mb  # noqa: E402


def dask_worker(path: Path, blocksize: str, cluster: str, workers: int, issues: bool) -> None:
    import gc
    import logging

    import dask.dataframe  # noqa: F401  (imports are not timed)
    import distributed

    import dwcqa.checks.registry as registry
    from dwcqa.engines.dask import check
    from dwcqa.summary import report as summary_report

    registry.all_checks()
    scheduler = None
    if cluster == "processes":
        local = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR)
        scheduler = distributed.Client(local)
    gc.collect()
    target = OUT / f"issues-dask-{path.name}.csv" if issues else None
    done = []

    def progress(finished: int, total: int) -> None:
        done.append((time.perf_counter(), finished, total))

    started = time.perf_counter()
    cpu = time.process_time()
    results = check(path, scheduler=scheduler, blocksize=blocksize, issues=target, progress=progress)
    checked = time.perf_counter() - started
    report = summary_report(results)
    wall = time.perf_counter() - started
    figures = {
        "wall": wall,
        "check_wall": checked,
        "cpu": time.process_time() - cpu,
        "peak_mb": status_mb("VmHWM"),
        "records": report["records"],
        "partitions": {str(k): v for k, v in results.partitions.items()},
        "counts": {c.id: results.count(c.id) for c in results.checks},
        "failures": [f.message for f in results.failures],
        "issue_rows": results.issues_written,
        "ready": report["ready"],
        "first_piece_s": (done[0][0] - started) if done else None,
        "pieces_done_s": (done[-1][0] - started) if done else None,
    }
    if target is not None and target.exists():
        figures["issues_mb"] = target.stat().st_size / (1 << 20)
        target.unlink()
    if scheduler is not None:
        scheduler.close()
        local.close()
    print(json.dumps(figures))


def memory_worker(path: Path) -> None:
    import dwcqa.checks.registry as registry
    from dwcqa.archive import read
    from dwcqa.checks.runner import run

    checks = registry.all_checks()
    started = time.perf_counter()
    results = run(read(path), checks)
    print(json.dumps({"wall": time.perf_counter() - started, "peak_mb": status_mb("VmHWM"), "counts": {c.id: results.count(c.id) for c in checks}}))


class TreeWatch:
    """Sampled peak of the summed RSS of a process and its descendants."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.process = psutil.Process(pid)
        self.peak_mb = 0.0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import psutil

        while True:
            try:
                members = [self.process, *self.process.children(recursive=True)]
                total = 0
                for member in members:
                    try:
                        total += member.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak_mb = max(self.peak_mb, total / (1 << 20))
                if not self.process.is_running() or self.process.status() == psutil.STATUS_ZOMBIE:
                    return
            except psutil.Error:
                return
            time.sleep(0.2)


def run_worker(arguments: list[str]) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), *arguments], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watch = TreeWatch(process.pid)
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        sys.exit(f"bench_dask: worker {arguments} failed:\n{stderr[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["tree_peak_mb"] = watch.peak_mb
    return result


def resolve(text: str, min_free_gb: float) -> Path | None:
    path = Path(text)
    if path.exists():
        return path
    from make_archive import default_out, parse_count

    records = parse_count(text)
    out = default_out(records, zipped=False)
    if (out / "meta.xml").is_file():
        return out
    free = shutil.disk_usage(OUT if OUT.exists() else REPO).free / (1 << 30)
    need = records * 560 / (1 << 30) + min_free_gb
    if free < need:
        print(f"skipping {text}: {free:,.1f} GB free, {need:,.1f} GB wanted (the archive and --min-free-gb {min_free_gb:g} to spare)")
        return None
    from bench_read import resolve_target

    return resolve_target(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", default=["1M", "10M"])
    parser.add_argument("--blocksize", default="64MB")
    parser.add_argument("--cluster", choices=("threads", "processes"), default="threads")
    parser.add_argument("--workers", type=int, default=2, help="worker processes with --cluster processes")
    parser.add_argument("--no-issues", action="store_true")
    parser.add_argument("--compare", action="store_true", help="also run the in-memory engine and compare counts")
    parser.add_argument("--min-free-gb", type=float, default=20.0)
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain pyarrow parse (at 10M it holds the whole table: ~10 GB)")
    parser.add_argument("--worker", choices=("dask", "memory", "pyarrow"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker == "dask":
        dask_worker(Path(args.targets[0]), args.blocksize, args.cluster, args.workers, not args.no_issues)
        return 0
    if args.worker == "memory":
        memory_worker(Path(args.targets[0]))
        return 0
    if args.worker == "pyarrow":
        from bench_pipeline import pyarrow_worker

        pyarrow_worker(Path(args.targets[0]))
        return 0
    from bench_read import load_average, warm_page_cache

    OUT.mkdir(parents=True, exist_ok=True)
    print("| archive | records | MB | partitions | pyarrow s | dask s | x pyarrow | peak RSS MB | issue rows | same counts |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    notes = []
    for text in args.targets:
        path = resolve(text, args.min_free_gb)
        if path is None:
            continue
        size = warm_page_cache(path) if path.stat().st_size < (8 << 30) or path.is_dir() else 0
        baseline = None if args.no_baseline else run_worker(["--worker", "pyarrow", str(path)])
        arguments = ["--worker", "dask", str(path), "--blocksize", args.blocksize, "--cluster", args.cluster, "--workers", str(args.workers)]
        if args.no_issues:
            arguments.append("--no-issues")
        result = run_worker(arguments)
        peak = result["peak_mb"] if args.cluster == "threads" else result["tree_peak_mb"]
        same = ""
        if args.compare:
            memory = run_worker(["--worker", "memory", str(path)])
            differ = {k: (memory["counts"][k], result["counts"].get(k)) for k in memory["counts"] if memory["counts"][k] != result["counts"].get(k)}
            same = "yes" if not differ else f"NO {differ}"
            notes.append(f"{path.name}: in-memory engine {memory['wall']:.1f} s, peak {memory['peak_mb']:,.0f} MB")
        parts = "+".join(str(result["partitions"][k]) for k in sorted(result["partitions"]))
        print(
            f"| {path.name} | {result['records']:,} | {size / (1 << 20):,.0f} | {parts} | {baseline['wall'] if baseline else float('nan'):.1f} | {result['wall']:.1f} | "
            f"{result['wall'] / baseline['wall'] if baseline else float('nan'):.1f} | {peak:,.0f} | {result['issue_rows'] if result['issue_rows'] is not None else '-'} | {same} |",
            flush=True,
        )
        notes.append(
            f"{path.name}: blocksize {args.blocksize}, cluster {args.cluster}; pieces done after {result['pieces_done_s']:.1f} s, "
            f"report after {result['wall']:.1f} s; cpu {result['cpu']:.0f} s; sampled tree peak {result['tree_peak_mb']:,.0f} MB; "
            + (f"pyarrow peak {baseline['peak_mb']:,.0f} MB; " if baseline else "")
            + f"failures {result['failures'] or 'none'}"
            + (f"; issues {result['issues_mb']:,.0f} MB" if "issues_mb" in result else "")
        )
    print()
    for note in notes:
        print(note)
    print(f"load average after: {load_average()}; {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
