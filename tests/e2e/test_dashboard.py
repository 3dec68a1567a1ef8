"""The dashboard in a real browser: `streamlit run app.py` driven by Debian's headless Chromium.

Every request that does not go to this machine is aborted, so these tests also prove that the
pages, charts and maps work offline. Screenshots of every page go to test-artifacts/e2e/
(git-ignored). They skip when /usr/bin/chromium is absent (scripts/install_browser.sh).
"""

from __future__ import annotations

import re
import time

import pytest

import browser as b

pytestmark = pytest.mark.e2e

_reason = b.chromium_or_reason()
if _reason is None:
    from playwright.sync_api import expect
else:
    expect = None

PLAZI = "gbif-checklistbank/checklistbank-cli/src/test/resources/plazi.zip"
PLAZI_TITLE = "Seven new species of the Neotropical electric fish Gymnotus"
SAMPLE_TITLE = "dwcqa demonstration collection"
FINDING_LABEL = re.compile(r"^(ERROR|WARNING|INFO) · [A-Z0-9_]+ · [\d,]+$")
MS = b.TIMEOUT * 1000


class Timings:
    """Seconds per step, appended to test-artifacts/e2e/timings.txt (read them with the screenshots)."""

    def __init__(self, name: str):
        self.name = name
        self.start = self.last = time.monotonic()
        self.steps: list[tuple[str, float]] = []

    def mark(self) -> None:
        """Start the next step now (what came before it is not counted in any step)."""
        self.last = time.monotonic()

    def step(self, label: str) -> None:
        now = time.monotonic()
        self.steps.append((label, now - self.last))
        self.last = now

    def write(self) -> None:
        b.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        line = ", ".join(f"{label} {seconds:.1f}s" for label, seconds in self.steps)
        with open(b.ARTIFACTS / "timings.txt", "a", encoding="utf-8") as out:
            out.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {self.name}: {line}; total {time.monotonic() - self.start:.1f}s\n")


@pytest.fixture(scope="module")
def app():
    if _reason is not None:
        pytest.skip(_reason)
    b.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    started = b.start_app(log_path=b.ARTIFACTS / "streamlit.log")
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def browser(app):
    with b.launch_browser() as running:
        yield running


@pytest.fixture
def page(browser, app):
    tab = browser.new_page()
    b.open_app(tab, app.url)
    yield tab
    tab.close()


def metric(page, label: str):
    """The value element of the main area's st.metric with this label."""
    box = b.main_area(page).locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    )
    return box.locator('[data-testid="stMetricValue"]')


def assert_healthy(page, browser, where: str) -> None:
    """No exception box, no traceback, every chart drawn, nothing fetched from outside."""
    assert b.exceptions(page) == [], f"{where}: Streamlit exception box"
    assert "Traceback (most recent call last)" not in b.main_area(page).inner_text(), f"{where}: traceback shown"
    charts = b.main_area(page).locator('[data-testid="stPlotlyChart"]')
    for n in range(charts.count()):
        expect(charts.nth(n).locator("svg.main-svg").first).to_be_attached(timeout=MS)
    assert browser.blocked == [], f"{where}: requests to outside this machine were needed: {browser.blocked}"


def assert_sidebar_shows(page, label: str, records: str) -> None:
    side = b.sidebar(page)
    expect(side).to_contain_text(label, timeout=MS)
    expect(side).to_contain_text(f"{records} records", timeout=MS)


def assert_overview(page, title: str, records: str) -> None:
    main = b.main_area(page)
    expect(main.locator("h1").first).to_contain_text(title, timeout=MS)
    expect(metric(page, "Core records")).to_have_text(records, timeout=MS)
    expect(main).to_contain_text("iDigBio", timeout=MS)  # its readiness verdict, beside GBIF's
    # Readiness donut, findings by check, completeness at least; each one drawn as SVG.
    charts = main.locator('[data-testid="stPlotlyChart"]')
    expect(charts.nth(2)).to_be_attached(timeout=MS)
    assert charts.count() >= 3
    for n in range(charts.count()):
        expect(charts.nth(n).locator(".js-plotly-plot svg.main-svg").first).to_be_visible(timeout=MS)


def visit_every_page(page, browser, prefix: str, timings: Timings, check) -> list[str]:
    """Visit each sidebar page (the current one first), check it, screenshot it; the titles visited."""
    titles = b.nav_links(page)
    assert {"Load", "Overview", "Issues"} <= set(titles), titles
    first = b.current_page(page)
    order = [first] + [t for t in titles if t != first]
    for n, title in enumerate(order, 1):
        if title != first:
            timings.mark()
            b.goto_page(page, title)
            timings.step(title)
        assert b.current_page(page) == title
        check(title)
        assert_healthy(page, browser, title)
        b.screenshot(page, f"{prefix}-{n}-{title.lower().replace(' ', '-')}")
    return order


def test_default_is_the_bundled_sample_on_every_page(page, browser):
    timings = Timings("sample (nothing uploaded)")
    main = b.main_area(page)

    def check(title: str) -> None:
        assert_sidebar_shows(page, "bundled sample archive", "2,000")
        if title == "Load":
            expect(main).to_contain_text("Read bundled sample archive", timeout=MS)
            expect(main.locator("h3").first).to_contain_text(SAMPLE_TITLE, timeout=MS)
            expect(metric(page, "Core records")).to_have_text("2,000", timeout=MS)
            expect(metric(page, "Extensions")).to_have_text("1", timeout=MS)
        elif title == "Overview":
            assert_overview(page, SAMPLE_TITLE, "2,000")
        elif title == "Issues":
            expect(main.locator("h1").first).to_have_text("Issues", timeout=MS)
            labels = main.locator('[data-testid="stExpander"] summary [data-testid="stMarkdownContainer"]')
            expect(labels.first).to_have_text(FINDING_LABEL, timeout=MS)

    visited = visit_every_page(page, browser, "sample", timings, check)
    timings.write()
    assert visited[0] == "Load"


@pytest.fixture
def plazi():
    from corpus import corpus_or_skip

    return corpus_or_skip() / PLAZI


def test_uploaded_archive_on_every_page(plazi, page, browser):
    from dwcqa.archive import read
    from dwcqa.checks.runner import run
    from dwcqa.summary import findings

    archive = plazi
    expected_checks = [f["check"] for f in findings(run(read(archive)))]
    assert expected_checks, "plazi.zip has findings to show"

    timings = Timings("plazi.zip uploaded")
    main = b.main_area(page)
    timings.mark()
    b.upload(page, archive)
    timings.step("upload")

    def check(title: str) -> None:
        assert_sidebar_shows(page, "plazi.zip", "11")
        if title == "Load":
            expect(main).to_contain_text("Read plazi.zip", timeout=MS)
            expect(main.locator("h3").first).to_contain_text(PLAZI_TITLE, timeout=MS)
            expect(metric(page, "Core records")).to_have_text("11", timeout=MS)
            expect(metric(page, "Extensions")).to_have_text("4", timeout=MS)
        elif title == "Overview":
            assert_overview(page, PLAZI_TITLE, "11")
            expect(metric(page, "Extensions")).to_have_text("4", timeout=MS)
            expect(main).to_contain_text("LICENSE_MISSING_OR_UNKNOWN", timeout=MS)
        elif title == "Issues":
            expect(main.locator("h1").first).to_have_text("Issues", timeout=MS)
            labels = main.locator('[data-testid="stExpander"] summary [data-testid="stMarkdownContainer"]')
            expect(labels).to_have_count(len(expected_checks), timeout=MS)
            shown = " ".join(labels.all_inner_texts())
            for check_id in expected_checks:
                assert f" · {check_id} · " in shown, (check_id, shown)
            assert "ERROR · LICENSE_MISSING_OR_UNKNOWN · 1" in shown

    visit_every_page(page, browser, "plazi", timings, check)
    # Back on Load: the upload is still the archive in use (session state survives page switches).
    timings.mark()
    b.goto_page(page, "Load")
    timings.step("back to Load")
    assert_sidebar_shows(page, "plazi.zip", "11")
    expect(metric(page, "Core records")).to_have_text("11", timeout=MS)
    assert_healthy(page, browser, "Load again")
    timings.write()


def test_requests_outside_this_machine_are_blocked_and_counted(browser, app):
    """The guard behind `browser.blocked == []` above: a request to outside is aborted and recorded."""
    tab = browser.new_page()
    tab.goto(app.url + "_stcore/health")
    outcome = tab.evaluate(
        """async () => {
            try { await fetch('https://cdn.plot.ly/plotly-latest.min.js', {mode: 'no-cors'}); return 'fetched'; }
            catch (error) { return 'failed'; }
        }"""
    )
    local = tab.evaluate("async () => (await fetch('/_stcore/health')).status")
    tab.close()
    assert outcome == "failed"
    assert local == 200
    assert browser.blocked == ["https://cdn.plot.ly/plotly-latest.min.js"]
