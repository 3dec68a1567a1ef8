"""Time the record-level checks against a plain pyarrow parse of the same core file.

    python bench/bench_checks.py PATH_OR_N [--repeat 2] [--mine] [--top 15]

PATH_OR_N is an archive (folder with meta.xml, zip) or a number of records (``100k``, ``1M``):
then the archive is built once with ``bench/make_archive.py`` under ``bench/out/dwca-<N>/``
(as bench_read.py does).

In one process, after all imports:

1. ``pyarrow``: ``pyarrow.csv.read_csv`` of the core data file, every column a string, as
   bench_read.py measures it (best of ``--repeat``); the baseline of the target.
2. ``dwcqa.read``: reading the archive (reported, not part of the ratio).
3. ``checks``: ``dwcqa.checks.runner.run(archive, checks)`` with every registered *record-level*
   check (``--mine``: only those of time.py, vocabulary.py, identifiers.py, taxonomy.py,
   other.py), on a fresh Context each time, best of ``--repeat``. The archive's effective
   columns are built on the first run (meta.xml defaults), so later runs can be a little faster.

The target: checks <= 0.5 x pyarrow at 1,000,000 records. Per-check times (from the last run,
wall time of each check function, shared parsing counted where it first happens) follow.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

MINE = {f"dwcqa.checks.{m}" for m in ("time", "vocabulary", "identifiers", "taxonomy", "other")}


def timed_run(archive, checks, options=None):
    """run() with each check's wall time recorded (same code path, timing wrapper around functions)."""
    from dwcqa.checks.registry import Check
    from dwcqa.checks.runner import run

    times: dict[str, float] = {}

    def wrap(check: Check) -> Check:
        function = check.function

        @functools.wraps(function)  # keeps the module: the runner groups checks by it
        def timed(context):
            started = time.perf_counter()
            try:
                return function(context)
            finally:
                times[check.id] = time.perf_counter() - started

        return Check(**{**{f: getattr(check, f) for f in check.__dataclass_fields__}, "function": timed})

    started = time.perf_counter()
    results = run(archive, [wrap(c) for c in checks], options=options)
    return time.perf_counter() - started, results, times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="archive path, or a number of records to build (100k, 1M)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--mine", action="store_true", help="only the checks of time/vocabulary/identifiers/taxonomy/other")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)

    from bench_read import _pyarrow_read, resolve_target, warm_page_cache

    import dwcqa.checks.registry as registry
    from dwcqa.archive import read

    path = resolve_target(args.target)
    size = warm_page_cache(path)
    checks = [c for c in registry.all_checks() if c.level == "record" and (not args.mine or c.function.__module__ in MINE)]

    parse = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        rows, columns = _pyarrow_read(path, to_pandas=False)
        parse.append(time.perf_counter() - started)
    started = time.perf_counter()
    archive = read(path)
    read_s = time.perf_counter() - started

    runs = []
    for _ in range(args.repeat):
        wall, results, times = timed_run(archive, checks)
        runs.append(wall)
    best_parse, best_checks = min(parse), min(runs)
    ratio = best_checks / best_parse

    print(f"archive: {path} ({size / (1 << 20):,.1f} MB), {rows:,} records x {columns} columns; python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; best of {args.repeat}")
    print()
    print(f"| {'step':<38} | {'wall s':>7} | {'x pyarrow':>9} |")
    print(f"|{'-' * 40}|{'-' * 8}:|{'-' * 10}:|")
    print(f"| {'pyarrow.csv.read_csv (baseline)':<38} | {best_parse:7.2f} | {1:9.2f} |")
    print(f"| {'dwcqa.archive.read':<38} | {read_s:7.2f} | {read_s / best_parse:9.2f} |")
    label = f"{len(checks)} record checks ({'mine' if args.mine else 'all registered'})"
    print(f"| {label:<38} | {best_checks:7.2f} | {ratio:9.2f} |")
    applied = len(results.masks)
    print(f"\n{applied} of {len(checks)} checks applied (the others lack their terms); failures: {len(results.failures)}")
    for failure in results.failures:
        print(f"  {failure.message}")
    print(f"\nslowest checks (last run, s): ")
    for check_id, seconds in sorted(times.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {check_id:<52} {seconds:6.3f}  ({results.count(check_id):,} records)")
    verdict = "meets" if ratio <= 0.5 else "MISSES"
    print(f"\nchecks / pyarrow parse = {ratio:.2f}  ({verdict} the target of <= 0.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
