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


PAGES = ["pages/overview.py", "pages/issues.py", "pages/map.py", "pages/identifiers.py", "pages/export.py", "pages/report.py"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_on_the_sample(page):
    app = run_page(page)
    assert not app.exception
    if page == "pages/overview.py":
        assert "Core records=2,000" in shown_text(app)
        assert any(m.label == "Checks run" for m in app.metric)  # filled in once the checks have run
        assert len(app.get("plotly_chart")) == 4  # readiness, findings, completeness, years over families
        # The sample's planted identifier problems: 15 records without an occurrenceID, 16 sharing one.
        verdicts = " ".join(e.value for e in app.error)
        assert "Not yet ready for iDigBio" in verdicts and "15 records without one" in verdicts and "16 records share a GUID" in verdicts
        assert "4 of 4 required, 7 of 7 recommended have values" in " ".join(m.value for m in app.markdown)


def test_overview_lists_the_terms_no_record_fills_instead_of_drawing_them(tmp_path):
    from dwcqa.archive import read
    from dwcqa.charts import gbif_completeness
    from dwcqa.checks.runner import run

    terms = ["occurrenceID", "basisOfRecord", "scientificName", "eventDate", "countryCode", "fieldNotes", "habitat"]
    rows = [
        ["urn:x:1", "PreservedSpecimen", "Bufo bufo", "2001-05-04", "", "", "pond"],
        ["urn:x:2", "PreservedSpecimen", "Pica pica", "2001-05-05", "", "NULL", ""],
    ]
    (tmp_path / "occurrence.txt").write_text("\n".join("\t".join(r) for r in [terms, *rows]) + "\n", encoding="utf-8")
    fields = "".join(f'<field index="{i}" term="http://rs.tdwg.org/dwc/terms/{t}"/>' for i, t in enumerate(terms))
    (tmp_path / "meta.xml").write_text(
        '<archive xmlns="http://rs.tdwg.org/dwc/text/"><core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" '
        'fieldsTerminatedBy="\\t" fieldsEnclosedBy="" ignoreHeaderLines="1"><files><location>occurrence.txt</location></files>'
        f'<id index="0"/>{fields}</core></archive>',
        encoding="utf-8",
    )
    shown = gbif_completeness(run(read(tmp_path)))
    drawn = {term for trace in shown["figure"].data for term in trace.y}
    # fieldNotes holds only a written null: empty, and not a term GBIF asks for, so listed apart.
    # countryCode is empty too but GBIF recommends it: it stays on the chart, at 0%.
    assert shown["empty"] == ["fieldNotes"]
    assert drawn == {"occurrenceID", "basisOfRecord", "scientificName", "eventDate", "countryCode", "habitat"}
    assert shown["summary"]["required"]["total"] > 0


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


def test_load_page_takes_a_checklist_that_the_overview_looks_names_up_in(tmp_path):
    from dwcqa.archive import read
    from dwcqa.terms import DWC

    # A checklist of two of the sample's names (as a plain table with scientificName).
    checklist = tmp_path / "checklist.csv"
    checklist.write_text("taxonID,scientificName,kingdom,taxonRank\n1,Apis mellifera,Animalia,species\n2,Quercus robur,Plantae,species\n", encoding="utf-8")
    names = read(REPO / "data" / "sample").core.column(DWC + "scientificName").fillna("").str.strip()
    listed = int(names.isin(["Apis mellifera", "Quercus robur"]).sum())

    app = run_page("pages/load.py")
    app.text_input(key="checklist_path_widget").set_value(str(checklist))
    app.button(key="open_checklist").click().run()
    assert not app.exception
    assert any("Checklist in use" in s.value and "(2 taxa)" in s.value for s in app.success)
    app.switch_page("pages/overview.py")
    app.run()
    assert not app.exception
    assert "Names against the checklist" in [h.value for h in app.subheader]
    (found,) = [d.value for d in app.dataframe if "BDQ test" in d.value.columns]
    (missing,) = [d.value for d in app.dataframe if "scientificName" in d.value.columns]
    unlisted = names[(names != "") & ~names.isin(["Apis mellifera", "Quercus robur"])].value_counts()
    assert "Apis mellifera" not in set(missing["scientificName"]) and missing["records"].iloc[0] == unlisted.iloc[0]
    row = found[found["BDQ test"] == "VALIDATION_SCIENTIFICNAME_FOUND"].iloc[0]
    assert row["found"] == listed  # 37 + 32 records name one of the two
    assert row["not found or ambiguous"] + row["not tested (empty)"] == 2000 - listed
    # The report built on the Report page looks the names up in the same checklist.
    app.switch_page("pages/report.py")
    app.run()
    app.button(key="report_build").click().run()
    assert not app.exception
    (built,) = app.session_state["report_html"].values()
    assert built["checklist"].endswith("checklist.csv") and "Names against the checklist" in built["html"]


def test_load_page_refuses_a_checklist_without_names(tmp_path):
    table = tmp_path / "not-a-checklist.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    app = run_page("pages/load.py")
    app.text_input(key="checklist_path_widget").set_value(str(table))
    app.button(key="open_checklist").click().run()
    assert not app.exception
    assert any("cannot be used" in e.value and "not-a-checklist.csv" in e.value for e in app.error)


def test_previous_version_given_on_the_load_page_is_compared_on_the_identifiers_page():
    app = run_page("pages/load.py")
    app.text_input(key="previous_widget").set_value(str(REPO / "data" / "sample")).run()
    assert not app.exception
    app.switch_page("pages/identifiers.py")
    app.run()
    assert not app.exception
    assert "Old records=2,000" in shown_text(app)


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


# -- QC-meeting decisions (Issues page) and the report (Report page) ----------------------------------

SAMPLE_TITLE = "dwcqa demonstration collection: specimen records with planted data-quality problems"


def test_issues_page_saves_a_decision_with_its_history():
    from dwcqa.history import HistoryStore

    app = run_page("pages/issues.py")
    assert not app.exception
    assert app.text_input(key="issues_dataset").value == SAMPLE_TITLE  # default: the EML title
    assert len(app.expander) > 10 and not app.radio and len(app.dataframe) == 1  # closed: nothing built in them
    for check_id in ("ZERO_COORDINATE", "COUNTRY_INVALID"):  # an expander builds its form once opened
        app.session_state[f"issue_open_{check_id}"] = True
    app.run()
    app.radio(key="decision_choice_ZERO_COORDINATE").set_value("will fix")
    app.text_input(key="decision_comment_ZERO_COORDINATE").input("re-georeference from the labels")
    app.text_input(key="decision_by_ZERO_COORDINATE").input("AM")
    app.button(key="decision_save_ZERO_COORDINATE").click().run()
    assert not app.exception
    assert any("Saved: will fix" in s.value for s in app.success)
    stored = HistoryStore().current_decisions(SAMPLE_TITLE)["ZERO_COORDINATE"]
    assert (stored.decision, stored.comment, stored.by) == ("will fix", "re-georeference from the labels", "AM")
    assert any("re-georeference from the labels" in m.value for m in app.markdown)  # shown as the current decision
    assert app.text_input(key="decision_by_COUNTRY_INVALID").value == "AM"  # the name is remembered for the next one

    app.radio(key="decision_choice_ZERO_COORDINATE").set_value("accepted")
    app.button(key="decision_save_ZERO_COORDINATE").click().run()
    assert not app.exception
    assert [d.decision for d in HistoryStore().decisions(SAMPLE_TITLE, "ZERO_COORDINATE")] == ["will fix", "accepted"]
    assert any("Earlier decisions" in c.value and "will fix" in c.value for c in app.caption)
    table = app.dataframe[0].value
    assert table.set_index("check").loc["ZERO_COORDINATE", "decision"] == "accepted"  # in the list of findings too

    app.radio(key="decision_choice_COUNTRY_INVALID").set_value("accepted")
    app.text_input(key="decision_by_COUNTRY_INVALID").input(" ")
    app.button(key="decision_save_COUNTRY_INVALID").click().run()
    assert any("who decided" in e.value for e in app.error)  # nothing stored without a name
    assert "COUNTRY_INVALID" not in HistoryStore().current_decisions(SAMPLE_TITLE)


def test_dataset_name_is_shared_by_the_issues_and_report_pages():
    app = run_page("pages/issues.py")
    app.text_input(key="issues_dataset").input("herbarium 2026").run()
    app.switch_page("pages/report.py")
    app.run()
    assert not app.exception
    assert app.text_input(key="report_dataset").value == "herbarium 2026"


def open_report_page(monkeypatch) -> AppTest:
    if "pages/report.py" in Path(APP).read_text(encoding="utf-8"):  # through the app's navigation
        return run_page("pages/report.py")
    monkeypatch.syspath_prepend(str(REPO))  # not in the navigation yet: the page on its own (it imports appstate)
    return AppTest.from_file(str(REPO / "pages" / "report.py"), default_timeout=120).run()


def test_report_page_offers_a_download_with_the_stored_decision(monkeypatch):
    import lxml.html
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    from dwcqa.history import HistoryStore

    served = []  # what the download buttons serve
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        served.append((path_or_data, mimetype, filename))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    HistoryStore().add_decision(SAMPLE_TITLE, "ZERO_COORDINATE", "won't fix", by="BK", comment="true zeros at the equator station")
    app = open_report_page(monkeypatch)
    assert not app.exception
    assert app.text_input(key="report_dataset").value == SAMPLE_TITLE
    assert not app.get("download_button")  # nothing built yet
    app.button(key="report_build").click().run()
    assert not app.exception
    buttons = app.get("download_button")
    assert len(buttons) == 1 and buttons[0].proto.label.startswith("Download the report")
    data, mimetype, filename = served[-1]
    assert mimetype == "text/html" and filename.startswith("dwcqa-report-") and filename.endswith(".html")
    tree = lxml.html.document_fromstring(data.decode("utf-8"))
    decision = tree.get_element_by_id("check-ZERO_COORDINATE").xpath(".//p[contains(@class, 'decision')]")[0]
    assert "won't fix" in decision.text_content() and "true zeros at the equator station" in decision.text_content()
    key = app.session_state["source"]["key"]
    assert app.session_state["report_html"][key]["html"].encode("utf-8") == data  # kept for this archive

    # a decision taken after the build: the page says the report is out of date
    HistoryStore().add_decision(SAMPLE_TITLE, "ZERO_COORDINATE", "accepted", by="BK")
    app.run()
    assert any("build it again" in w.value for w in app.warning)
