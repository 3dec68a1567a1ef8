"""Smoke tests of every page with Streamlit's AppTest: no exception, the expected numbers shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from corpus import corpus_or_skip

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")


def run_app(source: dict | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    if source is not None:
        app.session_state["source"] = source
    return app.run()


def shown_text(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [m.value for m in app.caption] + [m.value for m in app.error]
    parts += [f"{m.label}={m.value}" for m in app.metric] + [s.value for s in app.subheader]
    return "\n".join(str(p) for p in parts)


def test_default_is_the_bundled_sample():
    app = run_app()
    assert not app.exception
    text = shown_text(app)
    assert "bundled sample archive" in text
    assert "Core records=2,000" in text and "Extensions=1" in text
    assert app.session_state["source"]["kind"] == "sample"


def test_load_page_shows_structure_of_a_corpus_archive():
    root = corpus_or_skip()
    path = root / "gbif-checklistbank/checklistbank-cli/src/test/resources/plazi.zip"
    app = run_app({"kind": "path", "label": path.name, "path": str(path), "key": f"test:{path}"})
    assert not app.exception
    text = shown_text(app)
    assert "Core records=11" in text
    assert "Extensions=4" in text
    assert "Seven new species" in text


def test_broken_archive_shows_a_clear_error_not_a_traceback():
    root = corpus_or_skip()
    path = root / "gbif-ipt/src/test/resources/resources/dwca-inside-parent-invalid.zip"
    app = run_app({"kind": "path", "label": path.name, "path": str(path), "key": f"test:{path}"})
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert "meta.xml" in errors and "line 12" in errors


@pytest.mark.parametrize("name", ["not-there.zip"])
def test_missing_path_is_reported(name, tmp_path):
    path = tmp_path / name
    app = run_app({"kind": "path", "label": name, "path": str(path), "key": f"test:{path}"})
    assert not app.exception
    assert "no such file" in " ".join(e.value for e in app.error)


def run_page(page: str, source: dict | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    if source is not None:
        app.session_state["source"] = source
    app.run()
    app.switch_page(page)
    return app.run()


def corpus_source(relative: str) -> dict:
    path = corpus_or_skip() / relative
    return {"kind": "path", "label": path.name, "path": str(path), "key": f"test:{path}"}


@pytest.fixture(autouse=True)
def private_history(tmp_path, monkeypatch):
    # Pages that record versions write to a database of the test's own.
    monkeypatch.setenv("DWCQA_HISTORY", str(tmp_path / "history.sqlite"))


PAGES = ["pages/overview.py", "pages/issues.py", "pages/map.py", "pages/identifiers.py", "pages/export.py"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_on_the_sample(page):
    app = run_page(page)
    assert not app.exception
    if page == "pages/overview.py":
        assert "Core records=2,000" in shown_text(app)
        assert len(app.get("plotly_chart")) >= 3


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    "archive",
    [
        "gbif-checklistbank/checklistbank-cli/src/test/resources/plazi.zip",
        "gbif-pipelines/gbif/validator/validator-core/src/test/resources/dwca/dwca-one-hundred-good-triplets-dupe-ids.zip",
        "gbif-ipt/src/test/resources/resources/dwca-inside-parent-invalid.zip",
    ],
)
def test_pages_on_corpus_archives(page, archive):
    app = run_page(page, corpus_source(archive))
    assert not app.exception
    if archive.endswith("invalid.zip"):
        assert "cannot be read" in " ".join(e.value for e in app.error)


def test_identifiers_page_compares_and_records_a_version():
    app = run_page("pages/identifiers.py")
    assert not app.exception
    app.text_input(key="previous_path").set_value(str(REPO / "data" / "sample")).run()
    assert not app.exception
    text = shown_text(app) + " ".join(s.value for s in app.success)
    assert "Old records=2,000" in text and "New-ID share=0.8%" in text  # the 15 records without occurrenceID count as new
    app.text_input(key="publish_name").set_value("demo").run()
    app.button(key="publish").click().run()
    assert not app.exception
    assert any("Recorded as version 1 of demo" in s.value for s in app.success)


def test_export_page_applies_only_what_was_accepted():
    from dwcqa.archive import read

    app = run_page("pages/export.py")
    assert not app.exception
    app.checkbox(key="amend_WHITESPACE_TRIMMED").check().run()
    app.button(key="export_build").click().run()
    assert not app.exception
    report = app.session_state["export_report"]
    assert set(report.changes["amendment"]) == {"WHITESPACE_TRIMMED"}
    exported = read(report.path)
    assert exported.core.records == 2000
    assert any("cells changed" in s.value for s in app.success)


def test_map_page_draws_the_flagged_records_and_highlights_a_country():
    app = run_page("pages/map.py")
    assert not app.exception
    assert any("records flagged by" in c.value for c in app.caption)
    app.selectbox(key="map_country").select_index(1).run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == 1
