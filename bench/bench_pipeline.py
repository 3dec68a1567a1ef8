"""Time the whole pipeline, read -> every check -> report -> issues -> export, against pyarrow.

    python bench/bench_pipeline.py [SIZE_OR_PATH ...] [--repeat 1] [--top 10] [--profile]
                                   [--no-issues] [--no-export] [--settle SECONDS] [--max-rss-gb 18]
                                   [--warm-memory auto|GB]

SIZE_OR_PATH: archives (folder with meta.xml, zip) or numbers of records (``100k``, ``1M``,
``5M``; default: 100k 1M 5M), built once with ``bench/make_archive.py`` under
``bench/out/dwca-<N>/`` as bench_read.py does.

Per archive, each in a fresh Python subprocess that imports everything first and then times
with ``time.perf_counter``:

1. ``pyarrow``: ``pyarrow.csv.read_csv`` of the core file, every column a string (the
   baseline of bench_read.py), best of ``--repeat``, each run just before a pipeline run (the
   two alternate, so that both meet the same spells of a busier or quieter machine);
2. the pipeline, stage by stage, as ``dwcqa check`` and ``dwcqa clean`` run it:
   ``read`` (``dwcqa.archive.read``), ``checks`` (``dwcqa.checks.runner.run`` with *every*
   registered check, geography included, each check function timed), ``report``
   (``dwcqa.summary.report``: completeness, counts, readiness), then, not part of
   ``dwcqa check``'s default work: ``issues`` (``write_issues``, what ``--issues`` adds) and
   ``export`` (``dwcqa.export.export`` to a zip: sensitive localities withheld, no
   amendments, what ``dwcqa clean -o OUT.zip`` does).

Peak RSS is ``VmHWM`` of the subprocess (imports included, ~150 MB), reset after each stage
(``/proc/self/clear_refs``) so that each stage's figure is its own peak with everything
before it still in memory. ``check = read + checks + report`` is what ``dwcqa check`` costs;
its ratio to the pyarrow parse is the target (<= 2.0 x at 1,000,000 records x ~170 columns,
peak RSS <= 3 GB). ``--profile`` also runs the checks once under cProfile and prints the
functions with the most own time. ``--max-rss-gb``: a run whose RSS passes this is stopped
(reported as such) rather than let it push a shared machine into swap or the OOM killer.
``--warm-memory``: each timed run first touches and frees this much memory (default ``auto``,
6x the data), baseline and pipeline alike; on a virtual machine, memory left unused for a few
seconds is slow to touch again, which otherwise weighs on whichever run meets it (see
``bench_read.warm_memory``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
from bench_read import reset_peak, status_mb, warm_memory  # noqa: E402  (bench/ is the script's folder)


# -- worker side ------------------------------------------------------------------------------------


def pipeline_worker(path: Path, issues: bool, export_to: Path | None, profile: bool, warm_gb: float = 0.0) -> None:
    import gc

    import dwcqa.checks.registry as registry
    from dwcqa.archive import read
    from dwcqa.checks.runner import warm_up
    from dwcqa.export import export
    from dwcqa.summary import report, write_issues

    checks = registry.all_checks()  # loads every check module (not timed)
    import dwcqa.geo.boundaries  # noqa: F401  (imports are not timed; the boundaries load lazily, timed)

    warm_memory(warm_gb)
    figures: dict = {"stages": {}}
    base = status_mb("VmRSS")
    figures["base_mb"] = base
    gc.collect()

    def stage(name, function):
        reset_peak()
        started = time.perf_counter()
        cpu = time.process_time()
        value = function()
        figures["stages"][name] = {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu, "peak_mb": status_mb("VmHWM")}
        return value

    def start_and_read():
        warm_up()  # as `dwcqa check` does: boundaries load while the archive is read
        return read(path)

    archive = stage("read", start_and_read)
    figures["records"] = archive.core.records
    figures["columns"] = archive.core.data.shape[1]
    from bench_checks import timed_run  # each check function's wall time (same code path as run)

    _wall, results, times = stage("checks", lambda: timed_run(archive, checks))
    figures["check_times"] = times
    figures["counts"] = {c.id: results.count(c.id) for c in checks}
    figures["failures"] = [f.message for f in results.failures]
    figures["checks_total"] = len(checks)
    stage("report", lambda: report(results))
    if issues:
        target = OUT / f"issues-{path.name}.csv"

        def write():
            with open(target, "w", encoding="utf-8", newline="") as handle:
                return write_issues(results, handle)

        figures["issue_rows"] = stage("issues", write)
        figures["issues_mb"] = target.stat().st_size / (1 << 20)
        target.unlink()
    del results
    gc.collect()
    if export_to is not None:
        written = stage("export", lambda: export(archive, export_to, overwrite=True))
        figures["export_mb"] = export_to.stat().st_size / (1 << 20)
        figures["export_notes"] = written.notes
        export_to.unlink()
    if profile:
        import cProfile
        import io
        import pstats

        from dwcqa.checks.runner import run

        profiler = cProfile.Profile()
        profiler.enable()
        run(archive, checks)
        profiler.disable()
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).strip_dirs()
        stats.sort_stats("tottime").print_stats(25)
        figures["profile"] = text.getvalue()
        profiler.dump_stats(OUT / f"profile-checks-{path.name}.prof")
    print(json.dumps(figures))


def pyarrow_worker(path: Path, warm_gb: float = 0.0) -> None:
    import gc

    import pandas  # noqa: F401
    import pyarrow.csv  # noqa: F401
    from bench_read import _pyarrow_read

    warm_memory(warm_gb)
    gc.collect()
    started = time.perf_counter()
    cpu = time.process_time()
    rows, columns = _pyarrow_read(path, to_pandas=False)
    print(json.dumps({"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu, "peak_mb": status_mb("VmHWM"), "rows": rows, "columns": columns}))


# -- driver side -------------------------------------------------------------------------------------


class Watch:
    """Peak RSS of a child process (sampled), and a stop when it passes a limit."""

    def __init__(self, process: subprocess.Popen, limit_mb: float) -> None:
        self.process, self.limit_mb = process, limit_mb
        self.peak_mb = 0.0
        self.killed = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        status = Path(f"/proc/{self.process.pid}/status")
        while self.process.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        rss = int(line.split()[1]) / 1024
                        self.peak_mb = max(self.peak_mb, rss)
                        if rss > self.limit_mb:
                            self.killed = True
                            self.process.kill()
            except OSError:
                pass
            time.sleep(0.2)


def run_worker(arguments: list[str], limit_mb: float) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), *arguments], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watch = Watch(process, limit_mb)
    stdout, stderr = process.communicate()
    watch.thread.join(timeout=1)
    if watch.killed:
        return {"killed": True, "sampled_peak_mb": watch.peak_mb}
    if process.returncode != 0:
        sys.exit(f"bench_pipeline: worker {arguments} failed:\n{stderr[-3000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def run_check_cli(path: Path, limit_mb: float, warm_gb: float) -> dict:
    """``dwcqa check PATH --json FILE`` end to end (interpreter start and imports included),
    right after a process that touched ``warm_gb`` of memory."""
    if warm_gb > 0:
        subprocess.run([sys.executable, "-c", f"from bench_read import warm_memory; warm_memory({warm_gb})"], cwd=REPO / "bench", check=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    target = OUT / f"report-{path.name}.json"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "dwcqa", "check", str(path), "--json", str(target), "--fail-on", "never"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    watch = Watch(process, limit_mb)
    _, stderr = process.communicate()
    wall = time.perf_counter() - started
    watch.thread.join(timeout=1)
    target.unlink(missing_ok=True)
    if watch.killed:
        return {"killed": True, "sampled_peak_mb": watch.peak_mb}
    if process.returncode != 0:
        return {"failed": stderr[-2000:]}
    return {"wall": wall, "sampled_peak_mb": watch.peak_mb}


def report_archive(path: Path, args) -> None:
    from bench_read import load_average, wait_until_quiet, warm_gigabytes, warm_page_cache

    size = warm_page_cache(path)
    warm_gb = warm_gigabytes(args.warm_memory, size)
    warm = ["--warm-memory", str(warm_gb)]
    limit = args.max_rss_gb * 1024
    baselines = []
    pipelines = []
    # Baseline and pipeline runs alternate, so that both meet the same spells of a busier or
    # quieter machine (a virtual machine's speed drifts over tens of seconds).
    for number in range(args.repeat):
        if args.settle:
            wait_until_quiet(args.settle)
        baselines.append(run_worker(["--worker", "pyarrow", str(path), *warm], limit))
        if args.settle:
            wait_until_quiet(args.settle)
        arguments = ["--worker", "pipeline", str(path), *warm]
        if not args.no_issues:
            arguments.append("--issues")
        if not args.no_export:
            arguments += ["--export-to", str(OUT / f"export-pipeline-{path.name}.zip")]
        if args.profile and number == args.repeat - 1:
            arguments.append("--profile")
        pipelines.append(run_worker(arguments, limit))
    baseline = min(baselines, key=lambda r: r.get("wall", float("inf")))
    cli = run_check_cli(path, limit, warm_gb) if args.cli else None
    load = load_average()
    print(f"\n## {path.name}: {size / (1 << 20):,.1f} MB on disk; python {sys.version.split()[0]}, {os.cpu_count()} CPUs; load average after {load}")
    if baseline.get("killed"):
        print(f"pyarrow baseline stopped above {args.max_rss_gb} GB RSS")
        return
    done = [p for p in pipelines if not p.get("killed")]
    if not done:
        print(f"pipeline stopped: RSS passed {args.max_rss_gb} GB (sampled peak {pipelines[0]['sampled_peak_mb']:,.0f} MB) -- does not fit")
        print(f"pyarrow parse: {baseline['wall']:.2f} s, peak {baseline['peak_mb']:,.0f} MB")
        return
    best = min(done, key=lambda p: sum(p["stages"][s]["wall"] for s in ("read", "checks", "report")))
    stages = best["stages"]
    parse = baseline["wall"]
    print(f"{best['records']:,} records x {best['columns']} columns; {best['checks_total']} registered checks; best of {len(done)} (baseline best of {len(baselines)}); peak RSS = VmHWM, imports ~{best['base_mb']:,.0f} MB")
    print(f"memory warmed before each timed run: {warm_gb:g} GB (--warm-memory; 0 = off)")
    print()
    print("| stage | wall s | cpu s | x pyarrow | peak RSS MB |")
    print("|---|---:|---:|---:|---:|")
    print(f"| pyarrow.csv.read_csv (baseline) | {parse:.2f} | {baseline['cpu']:.2f} | 1.00 | {baseline['peak_mb']:,.0f} |")
    for name in ("read", "checks", "report", "issues", "export"):
        if name in stages:
            s = stages[name]
            print(f"| {name} | {s['wall']:.2f} | {s['cpu']:.2f} | {s['wall'] / parse:.2f} | {s['peak_mb']:,.0f} |")
    check_wall = sum(stages[s]["wall"] for s in ("read", "checks", "report"))
    check_peak = max(stages[s]["peak_mb"] for s in ("read", "checks", "report"))
    verdict = "meets" if check_wall / parse <= 2.0 and check_peak <= 3072 else "MISSES"
    print(f"| **dwcqa check = read + checks + report** | **{check_wall:.2f}** | | **{check_wall / parse:.2f}** | **{check_peak:,.0f}** |")
    if cli:
        if "wall" in cli:
            print(f"| `dwcqa check --json` end to end (process start, imports) | {cli['wall']:.2f} | | {cli['wall'] / parse:.2f} | {cli['sampled_peak_mb']:,.0f} (sampled) |")
        else:
            print(f"| `dwcqa check` end to end | {'stopped (RSS limit)' if cli.get('killed') else 'failed'} | | | |")
    print()
    pairs = [
        sum(p["stages"][s]["wall"] for s in ("read", "checks", "report")) / b["wall"]
        for b, p in zip(baselines, pipelines)
        if "wall" in b and not p.get("killed")
    ]
    if len(pairs) > 1:
        print(f"each run against the baseline run just before it: {', '.join(f'{r:.2f}' for r in pairs)} (median {statistics.median(pairs):.2f})")
    if best["records"] == 1_000_000:
        print(f"dwcqa check / pyarrow = {check_wall / parse:.2f}, peak {check_peak / 1024:.2f} GB: {verdict} the target (<= 2.0 x, <= 3 GB at 1M records)")
    else:
        print(f"dwcqa check / pyarrow = {check_wall / parse:.2f}, peak {check_peak / 1024:.2f} GB (the target is set at 1M records)")
    if "issue_rows" in best:
        print(f"issues: {best['issue_rows']:,} rows, {best['issues_mb']:,.1f} MB of CSV")
    if "export_mb" in best:
        print(f"export: {best['export_mb']:,.1f} MB zip; " + "; ".join(best.get("export_notes", [])))
    if best["failures"]:
        print(f"failures: {best['failures']}")
    times = best["check_times"]
    total = sum(times.values())
    print(f"\nchecks: {total:.2f} s in check functions; top {args.top} (shared parsing counted in the first check that needs it):")
    print("| check | seconds | share | records flagged |")
    print("|---|---:|---:|---:|")
    for check_id, seconds in sorted(times.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"| {check_id} | {seconds:.2f} | {seconds / total:.0%} | {best['counts'].get(check_id, 0):,} |")
    if best.get("profile"):
        print("\ncProfile of the checks (own time):")
        print(best["profile"])


def compile_bytecode() -> None:
    """Write dwcqa's bytecode once, as an installed package has it: with PYTHONDONTWRITEBYTECODE
    set (as on this machine), every run would otherwise compile the modules the checks import
    lazily inside the timed stages."""
    import compileall

    import dwcqa

    compileall.compile_dir(Path(dwcqa.__file__).parent, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", default=["100k", "1M", "5M"], help="archives or numbers of records (default: 100k 1M 5M)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="also cProfile the checks once")
    parser.add_argument("--no-issues", action="store_true", help="skip the issues stage")
    parser.add_argument("--no-export", action="store_true", help="skip the export stage")
    parser.add_argument("--cli", action="store_true", help="also time `dwcqa check --json` end to end as a command")
    parser.add_argument("--settle", type=float, default=0, metavar="SECONDS", help="wait up to SECONDS for idle CPUs before each run")
    parser.add_argument("--max-rss-gb", type=float, default=18.0, help="stop a run whose RSS passes this (default 18)")
    parser.add_argument("--warm-memory", default="auto", metavar="GB", help="touch this much memory before each timed run, baseline and pipeline alike (default auto: 6x the data, at most half the memory available; 0: off)")
    parser.add_argument("--worker", choices=("pyarrow", "pipeline"), help=argparse.SUPPRESS)
    parser.add_argument("--issues", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--export-to", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker == "pyarrow":
        pyarrow_worker(Path(args.targets[0]), float(args.warm_memory))
        return 0
    if args.worker == "pipeline":
        pipeline_worker(Path(args.targets[0]), args.issues, Path(args.export_to) if args.export_to else None, args.profile, float(args.warm_memory))
        return 0
    from bench_read import resolve_target

    OUT.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    for target in args.targets:
        report_archive(resolve_target(target), args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
