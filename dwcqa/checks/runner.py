"""Running the registered checks over an archive: one boolean column per record check."""

from __future__ import annotations

import os
import queue
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

from dwcqa.archive.model import Archive
from dwcqa.checks.context import Context
from dwcqa.checks.registry import ArchiveFinding, Check, all_checks, as_mask

CHECK_FAILED = "CHECK_FAILED"


@dataclass
class Results:
    """Findings: a boolean mask per record check (records x checks) + archive findings."""

    archive: Archive
    checks: list[Check]  # every check that was asked for, applicable or not
    masks: dict[str, np.ndarray] = field(default_factory=dict)  # record checks that applied
    archive_findings: list[ArchiveFinding] = field(default_factory=list)
    failures: list[ArchiveFinding] = field(default_factory=list)  # checks that could not run
    # What the checks parsed and scanned (cells of each column, dates, keys), for summaries
    # that need the same; None when the results did not come from :func:`run`.
    context: Context | None = field(default=None, repr=False, compare=False)

    @property
    def records(self) -> int:
        return self.archive.core.records

    def check(self, check_id: str) -> Check:
        return next(c for c in self.checks if c.id == check_id)

    def count(self, check_id: str) -> int:
        """Records (record check) or summed counts (archive check) that fail."""
        if check_id in self.masks:
            return int(np.count_nonzero(self.masks[check_id]))  # far faster than a bool sum
        return sum(f.count for f in self.archive_findings if f.check == check_id)

    def completeness_shares(self) -> dict[str, float]:
        """Fraction of core records with a value per mapped term (:func:`dwcqa.summary.completeness`)."""
        from dwcqa.summary import completeness

        return completeness(self)

    def ready_count(self) -> int:
        """Core records ready for dissemination (:func:`dwcqa.summary.ready_mask`)."""
        from dwcqa.summary import ready_mask

        return int(np.count_nonzero(ready_mask(self)))

    def failing(self) -> list[Check]:
        return [c for c in self.checks if self.count(c.id) > 0]

    def findings_of(self, check_id: str) -> list[ArchiveFinding]:
        return [f for f in self.archive_findings if f.check == check_id]

    def blocking_mask(self, severity: str = "error") -> np.ndarray:
        """Records with at least one record finding of this severity."""
        blocked = np.zeros(self.records, dtype=bool)
        for check in self.checks:
            if check.severity == severity and check.id in self.masks:
                blocked |= self.masks[check.id]
        return blocked


def run(
    archive: Archive,
    checks: Iterable[Check] | None = None,
    options: dict | None = None,
    progress: Callable[[Check, int, int], None] | None = None,
    workers: int | None = None,
) -> Results:
    """Run ``checks`` (default: every registered check) over ``archive``.

    A check that raises is reported as a CHECK_FAILED finding with its error; the others
    still run, so one faulty check never hides the rest.

    The checks run in ``workers`` threads (default: one per CPU): their work is in numpy and
    Arrow, which release the GIL. What they share is computed once (:meth:`Context.cached`).
    ``progress(check, done, total)`` is called as each check finishes. The results are the
    same, in the same order, whatever the number of workers.
    """
    selected = list(checks) if checks is not None else all_checks()
    context = Context(archive, options or {})
    results = Results(archive, selected, context=context)

    def attempt(check: Check):
        try:
            outcome = check.function(context)
            if check.level == "record" and outcome is not None:
                outcome = as_mask(outcome, context.records)
            return outcome, None
        except Exception as error:  # a faulty check must not stop the others
            return None, traceback.format_exception_only(type(error), error)[-1].strip()

    groups = _groups(selected)
    workers = max(1, min(workers or os.cpu_count() or 1, len(groups)))
    outcomes: dict[str, tuple] = {}
    if workers == 1:
        for number, check in enumerate(selected, 1):
            outcomes[check.id] = attempt(check)
            if progress:
                progress(check, number, len(selected))
    else:
        # A worker takes a whole group and runs its checks one after another, so a thread never
        # sits waiting for a value (coordinates, a column scan) that another is computing.
        # Finished checks come back through a queue: progress is reported from this thread.
        finished: queue.Queue = queue.Queue()

        def run_group(group: list[Check]) -> None:
            for check in group:
                finished.put((check, attempt(check)))

        with ThreadPoolExecutor(workers) as pool:
            for group in groups:
                pool.submit(run_group, group)
            for number in range(1, len(selected) + 1):
                check, outcome = finished.get()
                outcomes[check.id] = outcome
                if progress:
                    progress(check, number, len(selected))
    for check in selected:  # in the order asked for, whatever order they finished in
        outcome, failure = outcomes[check.id]
        if failure is not None:
            results.failures.append(ArchiveFinding(CHECK_FAILED, f"{check.id} could not run: {failure}"))
        elif check.level == "record":
            if outcome is not None:
                results.masks[check.id] = outcome
        else:
            results.archive_findings.extend(outcome or [])
    return results


def warm_up(options: dict | None = None) -> threading.Thread:
    """Start loading what the checks need whatever the archive (the country boundaries and
    their centroids, the country tables) in a background thread, to overlap reading the archive.

    Loaded by the first geography check instead, it sits on that check's thread before any of
    its work (about 0.5 s at 1M records, bench/README.md). A check that needs it waits for the
    load under way; an error is left for the checks to meet and report as usual.
    """

    def load() -> None:
        try:
            from dwcqa.geo.boundaries import boundaries_for
            from dwcqa.geo.centroids import country_centres
            from dwcqa.geo.countries import countries, names

            countries()
            names()
            country_centres(boundaries_for(options))
        except Exception:  # noqa: BLE001  (the checks load it again and report the failure)
            pass

    thread = threading.Thread(target=load, name="dwcqa-warm-up", daemon=True)
    thread.start()
    return thread


# Check modules whose checks take longest on a large archive, longest first
# (bench/bench_pipeline.py at 1M records): started first, they do not end up alone at the end.
_LONGEST_FIRST = ("space", "structure", "identifiers", "time", "taxonomy", "other", "vocabulary", "metadata")


def _groups(checks: list[Check]) -> list[list[Check]]:
    """The checks by module (checks of one module share their parsing), longest-running first."""
    by_module: dict[str, list[Check]] = {}
    for check in checks:
        module = getattr(check.function, "__module__", None) or ""
        by_module.setdefault(module.rsplit(".", 1)[-1], []).append(check)

    def rank(module: str) -> int:
        return _LONGEST_FIRST.index(module) if module in _LONGEST_FIRST else len(_LONGEST_FIRST)

    return [by_module[module] for module in sorted(by_module, key=rank)]
