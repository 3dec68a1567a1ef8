"""The QC report opens in headless Chromium with the network blocked and draws its charts."""

from __future__ import annotations

import pytest

import browser as b
from corpus import corpus_or_skip
from dwcqa.archive import read
from dwcqa.checks.runner import run
from dwcqa.report import build_report

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "source",
    ["sample", "gbif-pipelines/gbif/validator/validator-core/src/test/resources/dwca/dwca-one-hundred-good-triplets-dupe-ids.zip"],
)
def test_report_renders_offline_with_its_charts(source, tmp_path):
    reason = b.chromium_or_reason()
    if reason:
        pytest.skip(reason)
    path = b.REPO / "data" / "sample" if source == "sample" else corpus_or_skip() / source
    results = run(read(path))
    report = tmp_path / "report.html"
    report.write_text(build_report(results), encoding="utf-8")
    with b.launch_browser() as browser:
        page = browser.new_page()
        page.goto(report.as_uri())
        page.wait_for_selector(".js-plotly-plot svg.main-svg", state="attached")
        charts = page.locator(".js-plotly-plot")
        drawn = page.locator(".js-plotly-plot svg.main-svg")
        assert charts.count() >= 3
        assert drawn.count() >= charts.count()
        assert f"{results.records:,}" in page.inner_text("body")
        assert browser.blocked == [], f"the report needed the network: {browser.blocked}"
        name = "report-sample" if source == "sample" else "report-dupe-ids"
        b.screenshot(page, name)
