"""The QC-meeting report (dwcqa.report) and its command (dwcqa.report_cli).

The report is one self-contained HTML file: these tests parse it with lxml and check that it
loads nothing from the network, that it says what the library computes (records, verdicts,
each failing check, in the library's order), and that values from the data are escaped.
Opening it in a browser is the e2e tests' part.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import lxml.html
import numpy as np
import pytest

from corpus import corpus_or_skip
from dwcqa import __version__
from dwcqa.archive import read
from dwcqa.checks.registry import all_checks
from dwcqa.checks.runner import run
from dwcqa.report import Html, build_report, esc, split_explanation, tag
from dwcqa.summary import findings, indexable, ready_mask

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
# A GBIF-download-shaped archive from a real crawl: 1,534 occurrences with coordinates, an eml.xml
# without a licence GBIF can read (so not indexable), no occurrenceID column.
CRAWL = "gbif-pipelines/gbif/coordinator/tasks-integration-tests/src/test/resources/dataset/dwca/35d24686-95c7-43f2-969f-611bba488512"
NOW = dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.timezone.utc)
EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*['"]?\s*(?:https?:)?//|@import""", re.IGNORECASE)


# -- helpers ----------------------------------------------------------------------------


def external_references(document: str) -> list[str]:
    """Everything in the page that a browser would fetch from the network."""
    tree = lxml.html.document_fromstring(document)
    found = [f"<script src={s.get('src')}>" for s in tree.iter("script") if s.get("src")]
    found += [f"<link href={link.get('href')}>" for link in tree.iter("link") if link.get("href")]
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("src", "srcset", "data", "poster", "background"):
            value = element.get(attribute)
            if value and EXTERNAL.match(value):
                found.append(f"<{element.tag} {attribute}={value}>")
        if element.get("style") and CSS_URL.search(element.get("style")):
            found.append(f"<{element.tag} style={element.get('style')}>")
    for style in tree.iter("style"):
        if CSS_URL.search(style.text or ""):
            found.append("url() or @import in <style>")
    return found


def plotly_bundles(document: str) -> int:
    tree = lxml.html.document_fromstring(document)
    return sum(1 for s in tree.iter("script") if len(s.text or "") > 1_000_000 and "plotly" in (s.text or "")[:2000].lower())


def article_ids(document: str) -> list[str]:
    tree = lxml.html.document_fromstring(document)
    return [a.get("id")[len("check-"):] for a in tree.iter("article") if (a.get("id") or "").startswith("check-")]


def text_of(document: str, xpath: str) -> str:
    tree = lxml.html.document_fromstring(document)
    return " ".join(" ".join(e.itertext()) for e in tree.xpath(xpath))


def assert_reports(document: str, results) -> None:
    """What every report must hold, whatever the archive."""
    assert document.startswith("<!DOCTYPE html>")
    assert external_references(document) == []
    assert plotly_bundles(document) == 1, "plotly.js must be inlined exactly once"
    entries = findings(results)
    assert article_ids(document) == [e["check"] for e in entries]  # the library's order
    header = text_of(document, "//header")
    assert f"{results.records:,} core records" in header
    verdict, reasons = indexable(results)
    assert f"GBIF would index it: {'yes' if verdict else 'no'}" in " ".join(header.split())
    gbif_box = text_of(document, "//section[@id='verdicts']//div[h3='Would GBIF index it?']")
    for reason in reasons:
        assert reason in gbif_box
    ready = int(ready_mask(results).sum())
    assert f"{ready:,} of {results.records:,}" in text_of(document, "//section[@id='verdicts']")
    footer = " ".join(text_of(document, "//footer").split())
    assert f"dwcqa {__version__}, {len(all_checks())} checks" in footer


# -- the bundled sample -------------------------------------------------------------------

DECISIONS = {
    "ZERO_COORDINATE": {"decision": "will fix", "comment": "re-georeference from the labels", "by": "A. Medina", "date": "2025-03-01"},
    "COORDINATE_LOW_PRECISION": {"decision": "won't fix", "comment": "old labels", "by": "QC meeting", "date": "2025-03-01"},
    "EML_NOT_FOUND": {"decision": "accepted", "comment": "fixed last year"},
}


@pytest.fixture(scope="module")
def sample_results():
    return run(read(SAMPLE))


@pytest.fixture(scope="module")
def sample_report(sample_results):
    return build_report(sample_results, decisions=DECISIONS, now=NOW)


def test_sample_report_is_self_contained_and_complete(sample_report, sample_results):
    assert_reports(sample_report, sample_results)
    for part in ("dataset", "verdicts", "completeness", "issues", "map"):
        assert lxml.html.document_fromstring(sample_report).get_element_by_id(part) is not None
    assert "2025-03-14" in text_of(sample_report, "//footer")


def test_sample_report_says_what_the_library_computes(sample_report, sample_results):
    assert sample_results.records == 2000
    verdict, reasons = indexable(sample_results)
    assert not verdict and "RECORD_NOT_UNIQUELY_IDENTIFIED" in reasons
    issues = text_of(sample_report, "//section[@id='issues']//table[contains(@class, 'issues')]")
    for entry in findings(sample_results):
        assert entry["check"] in issues.replace(" ", "")
        assert f"{entry['count']:,}" in issues
    assert "CC BY 4.0" in text_of(sample_report, "//section[@id='dataset']")


def test_each_issue_explains_fixes_and_shows_examples(sample_report, sample_results):
    tree = lxml.html.document_fromstring(sample_report)
    article = tree.get_element_by_id("check-COUNTRY_COORDINATE_MISMATCH")
    words = " ".join(article.text_content().split())
    assert "What it means." in words and "How to fix it." in words
    rows = article.xpath(".//table[contains(@class, 'examples')]/tbody/tr")
    assert 1 <= len(rows) <= 5
    flagged = sample_results.archive.core.ids[sample_results.masks["COUNTRY_COORDINATE_MISMATCH"]].tolist()
    assert rows[0].xpath("td")[0].text_content() == flagged[0]
    # archive-level findings show their place (file:line) instead of records
    archive_level = tree.get_element_by_id("check-RECORD_REFERENTIAL_INTEGRITY_VIOLATION")
    assert "multimedia.txt" in archive_level.text_content()


def test_decisions_are_shown_next_to_their_checks(sample_report):
    tree = lxml.html.document_fromstring(sample_report)
    zero = tree.get_element_by_id("check-ZERO_COORDINATE")
    badge = zero.xpath(".//span[contains(@class, 'decision-badge')]")[0]
    assert badge.text == "will fix" and "will-fix" in badge.get("class")
    assert "re-georeference from the labels" in zero.text_content() and "A. Medina" in zero.text_content()
    low = tree.get_element_by_id("check-COORDINATE_LOW_PRECISION")
    assert "wont-fix" in low.xpath(".//span[contains(@class, 'decision-badge')]")[0].get("class")
    # a check without a decision gets the boxes to tick on paper
    assert "no decision recorded" in tree.get_element_by_id("check-COORDINATE_INVALID").text_content()
    # a decision about a check that finds nothing now is still listed
    assert "fixed last year" in text_of(sample_report, "//section[@id='issues']")


def test_sample_map_draws_the_space_findings(sample_report, sample_results):
    tree = lxml.html.document_fromstring(sample_report)
    assert tree.get_element_by_id("chart-map") is not None
    caption = text_of(sample_report, "//section[@id='map']//figcaption")
    space = [c.id for c in sample_results.checks if c.dimension == "space" and c.id in sample_results.masks]
    union = np.zeros(sample_results.records, dtype=bool)
    for check_id in space:
        union |= sample_results.masks[check_id]
    assert f"{int(union.sum()):,} records flagged" in caption


def test_sample_report_with_previous_version_shows_identifier_stability(sample_results):
    document = build_report(sample_results, previous=SAMPLE, now=NOW)
    assert external_references(document) == []
    section = " ".join(text_of(document, "//section[@id='identifiers']").split())
    assert "GBIF would ingest it" in section
    assert "0 added, 0 removed" in section


def test_sample_report_with_checklist_lists_names_not_found(sample_results, tmp_path):
    names = sample_results.archive.core.column("http://rs.tdwg.org/dwc/terms/scientificName").dropna().unique().tolist()
    kept, left_out = names[:5], names[5]
    checklist = tmp_path / "checklist.csv"
    checklist.write_text("taxonID,scientificName\n" + "".join(f'{i},"{n}"\n' for i, n in enumerate(kept, 1)), encoding="utf-8")
    document = build_report(sample_results, checklist=checklist, now=NOW)
    section = text_of(document, "//section[@id='names']")
    assert "VALIDATION_SCIENTIFICNAME_FOUND" in section
    assert left_out in section
    assert kept[0] not in text_of(document, "//section[@id='names']//table[contains(@class, 'examples')]")


def test_amendments_are_listed_with_their_counts(sample_report, sample_results):
    amend = pytest.importorskip("dwcqa.amend")
    proposals = [p for p in amend.propose(sample_results.archive, amend.select("all")) if p.cells and not p.error]
    assert proposals, "the sample has planted problems that dwcqa's amendments fix"
    rows = lxml.html.document_fromstring(sample_report).xpath("//section[@id='amendments']//tbody/tr")
    listed = {r.xpath("td")[0].text_content(): r.xpath("td")[2].text_content() for r in rows}
    assert listed == {p.id: f"{p.records:,}" for p in proposals}


# -- a corpus archive ---------------------------------------------------------------------


def test_corpus_archive_report():
    path = corpus_or_skip() / CRAWL
    results = run(read(path))
    document = build_report(results, now=NOW)
    assert_reports(document, results)
    assert results.records == 1534
    verdict, reasons = indexable(results)
    assert not verdict and reasons == ["LICENSE_MISSING_OR_UNKNOWN"]
    header = " ".join(text_of(document, "//header").split())
    assert "1,534 core records" in header and "GBIF would index it: no" in header
    failing = [e["check"] for e in findings(results)]
    assert {"OCCURRENCE_ID_MISSING", "LICENSE_MISSING_OR_UNKNOWN", "BASIS_OF_RECORD_NOT_STANDARD"} <= set(failing)
    idigbio = text_of(document, "//section[@id='verdicts']//div[h3='Ready for iDigBio?']")
    assert "Not yet" in idigbio and "1,534 records without one" in idigbio and "no licence found" in idigbio


# -- escaping -----------------------------------------------------------------------------

EVIL = '<script>alert("pwned")</script>'
EVIL_IMG = "<img src=x onerror=alert(2)>"


def evil_archive(folder: Path) -> Path:
    """A small archive whose data and metadata carry markup."""
    folder.mkdir()
    (folder / "meta.xml").write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="eml.xml">
  <core encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="http://rs.tdwg.org/dwc/terms/Occurrence">
    <files><location>occurrence.txt</location></files>
    <id index="0"/>
    <field index="0" term="http://rs.tdwg.org/dwc/terms/occurrenceID"/>
    <field index="1" term="http://rs.tdwg.org/dwc/terms/basisOfRecord"/>
    <field index="2" term="http://rs.tdwg.org/dwc/terms/scientificName"/>
    <field index="3" term="http://rs.tdwg.org/dwc/terms/decimalLatitude"/>
    <field index="4" term="http://rs.tdwg.org/dwc/terms/decimalLongitude"/>
    <field index="5" term="http://rs.tdwg.org/dwc/terms/countryCode"/>
    <field index="6" term="http://rs.tdwg.org/dwc/terms/family"/>
  </core>
</archive>
""",
        encoding="utf-8",
    )
    (folder / "eml.xml").write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<eml:eml xmlns:eml="https://eml.ecoinformatics.org/eml-2.2.0" packageId="x" system="x">
  <dataset>
    <title>Evil &lt;script&gt;alert("title")&lt;/script&gt; collection</title>
    <creator><individualName><surName>&lt;b onmouseover=alert(3)&gt;Doe</surName></individualName></creator>
    <abstract><para>A dataset whose values carry markup, to test escaping.</para></abstract>
    <intellectualRights><para>CC0 1.0</para></intellectualRights>
  </dataset>
</eml:eml>
""",
        encoding="utf-8",
    )
    rows = [
        ["urn:x:1", EVIL, "Aus bus", "10.5", "20.5", "FR", EVIL],
        [EVIL_IMG, "PreservedSpecimen", EVIL_IMG, "0", "0", "ZZ", "Felidae"],
        ["urn:x:3", "PreservedSpecimen", "Aus bus", "999", "20", "DE", "Felidae"],
        ["urn:x:3", "PreservedSpecimen", "Aus bus", "48.1", "11.5", "DE", "Felidae"],
    ]
    header = ["occurrenceID", "basisOfRecord", "scientificName", "decimalLatitude", "decimalLongitude", "countryCode", "family"]
    (folder / "occurrence.txt").write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return folder


def test_values_from_the_data_are_escaped(tmp_path):
    results = run(read(evil_archive(tmp_path / "evil")))
    decisions = {"BASIS_OF_RECORD_INVALID": {"decision": "won't fix", "comment": f"</p>{EVIL}", "by": EVIL_IMG, "date": "2025"}}
    document = build_report(results, decisions=decisions, now=NOW)
    for raw in (EVIL, EVIL_IMG, "<b onmouseover", '<script>alert("title")'):
        assert raw not in document
    assert html_escaped(EVIL) in document  # shown, as text
    tree = lxml.html.document_fromstring(document)
    assert not tree.xpath("//img") and not tree.xpath("//*[@onerror or @onmouseover]")
    for script in tree.iter("script"):
        assert "pwned" not in (script.text or "") or "\\u003c" in script.text  # only as JSON-escaped chart data
    # the texts come through intact
    assert EVIL in tree.get_element_by_id("check-BASIS_OF_RECORD_INVALID").text_content()
    assert 'Evil <script>alert("title")</script> collection' in tree.findtext(".//h1")
    assert external_references(document) == []


def html_escaped(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def test_tag_escapes_everything_but_html():
    assert tag("td", "<b>", class_='x"y') == '<td class="x&quot;y">&lt;b&gt;</td>'
    assert tag("td", Html("<b>ok</b>")) == "<td><b>ok</b></td>"
    assert esc(None) == "" and esc(3) == "3"


def test_split_explanation_separates_the_fix():
    about, fix = split_explanation(
        "Latitude and longitude are both zero. GBIF flags it. Leave the coordinates empty when they are not known. "
        "Coordinates from verbatim fields are tested too."
    )
    assert about == "Latitude and longitude are both zero. GBIF flags it. Coordinates from verbatim fields are tested too."
    assert fix == "Leave the coordinates empty when they are not known."
    assert split_explanation("Only a statement. And another.") == ("Only a statement. And another.", "")


# -- the command --------------------------------------------------------------------------


def dwcqa(argv: list[str]) -> int:
    """dwcqa.cli.main, with the report command added when the CLI does not wire it in yet."""
    from dwcqa import cli
    from dwcqa.report_cli import add_commands

    original = cli.build_parser

    def build_parser():
        parser = original()
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "report" not in commands.choices:
            add_commands(commands)
        return parser

    cli.build_parser = build_parser
    try:
        return cli.main(argv)
    finally:
        cli.build_parser = original


def test_cli_writes_the_report(tmp_path, capsys):
    out = tmp_path / "report.html"
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps({"zero_coordinate": "will fix"}), encoding="utf-8")
    assert dwcqa(["report", str(SAMPLE), "-o", str(out), "--decisions", str(decisions)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""  # no progress when stderr is not a terminal
    document = out.read_text(encoding="utf-8")
    assert external_references(document) == [] and plotly_bundles(document) == 1
    tree = lxml.html.document_fromstring(document)
    assert tree.get_element_by_id("check-ZERO_COORDINATE").xpath(".//span[contains(@class, 'decision-badge')]")[0].text == "will fix"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_cli_unreadable_inputs_exit_2(tmp_path, capsys):
    out = tmp_path / "report.html"
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    assert dwcqa(["report", str(broken), "-o", str(out)]) == 2
    assert capsys.readouterr().err.startswith("dwcqa: ")
    bad_json = tmp_path / "decisions.json"
    bad_json.write_text("{not json", encoding="utf-8")
    assert dwcqa(["report", str(SAMPLE), "-o", str(out), "--decisions", str(bad_json)]) == 2
    assert "decisions.json" in capsys.readouterr().err
    assert dwcqa(["report", str(SAMPLE), "-o", str(out), "--previous", str(tmp_path / "missing.zip")]) == 2
    assert dwcqa(["report", str(SAMPLE), "-o", str(tmp_path / "no" / "such" / "dir" / "r.html")]) == 2
    assert not out.exists()


def test_cli_help_has_examples(capsys):
    with pytest.raises(SystemExit) as exit_:
        dwcqa(["report", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "examples:" in text and "--previous" in text and "exit codes" in text


def test_importing_the_command_loads_neither_plotly_nor_geography():
    code = "import sys, dwcqa.report_cli; print(sorted({m.split('.')[0] for m in sys.modules} & {'plotly', 'geopandas', 'shapely', 'streamlit'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
