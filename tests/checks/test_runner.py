"""The runner: checks in threads give the results of one thread, in the same order."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from corpus import CORPUS, corpus_or_skip, materialize
from dwcqa.archive import read
from dwcqa.checks.registry import all_checks
from dwcqa.checks.runner import CHECK_FAILED, run

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def same(one, other) -> None:
    assert list(one.masks) == list(other.masks)
    for check_id, mask in one.masks.items():
        assert np.array_equal(mask, other.masks[check_id]), check_id
    assert one.archive_findings == other.archive_findings
    assert one.failures == other.failures


VALIDATOR_DUPE_IDS = "gbif-pipelines/gbif/validator/validator-core/src/test/resources/dwca/dwca-one-hundred-good-triplets-dupe-ids.zip"


@pytest.mark.parametrize("source", ["sample", VALIDATOR_DUPE_IDS])
def test_threads_give_the_results_of_one_thread(source, tmp_path):
    if source == "sample":
        archive = read(SAMPLE)
    else:
        corpus_or_skip()
        archive = read(materialize(CORPUS / source, tmp_path))
    serial = run(archive, workers=1)
    assert serial.masks and not serial.failures
    same(run(archive, workers=4), serial)


def test_a_failing_check_is_reported_and_the_others_still_run():
    archive = read(SAMPLE)

    def boom(context):
        raise RuntimeError("boom")

    checks = all_checks()
    broken = dataclasses.replace(checks[0], function=boom)
    results = run(archive, [broken, *checks[1:]], workers=2)
    assert [f.message for f in results.failures if f.check == CHECK_FAILED] == [f"{broken.id} could not run: RuntimeError: boom"]
    same(dataclasses.replace(results, failures=[]), dataclasses.replace(run(archive, checks[1:], workers=1), failures=[]))


def test_progress_counts_every_check_once():
    seen = []
    checks = all_checks()
    run(read(SAMPLE), checks, progress=lambda check, done, total: seen.append((check.id, done, total)), workers=2)
    assert sorted(c for c, _, _ in seen) == sorted(c.id for c in checks)
    assert [d for _, d, _ in seen] == list(range(1, len(checks) + 1))
    assert {t for _, _, t in seen} == {len(checks)}


def test_warm_up_loads_the_boundaries_once_while_a_check_asks_for_them():
    from dwcqa.geo import boundaries as geo_boundaries
    from dwcqa.checks.runner import warm_up

    geo_boundaries._load.cache_clear()
    thread = warm_up()
    asked = geo_boundaries.boundaries_for({})  # as a geography check would, while the load is under way
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert geo_boundaries._load.cache_info().misses == 1  # the second caller waited instead of loading again
    assert geo_boundaries.boundaries_for({}) is asked
    assert "_centres" in asked.__dict__  # the centroids too
    assert "FR" in asked.__dict__["_centres"]


def test_warm_up_leaves_a_failure_to_the_checks(tmp_path):
    from dwcqa.checks.runner import warm_up

    missing = {"boundaries_path": str(tmp_path / "no-such-boundaries.gpkg")}
    thread = warm_up(missing)
    thread.join(timeout=60)
    assert not thread.is_alive()  # ended quietly
    results = run(read(SAMPLE), options=missing, workers=1)
    failed = [f.message for f in results.failures]
    assert failed and all("no-such-boundaries.gpkg" in m for m in failed), failed  # the geography checks say why
