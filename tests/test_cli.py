"""The CLI only renders what the library computes; exit codes are part of the contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from corpus import corpus_or_skip
from dwcqa.archive import read
from dwcqa.cli import main
from dwcqa.info import describe

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"


def test_info_json_is_the_library_description(capsys):
    root = corpus_or_skip()
    path = root / "gbif-checklistbank/checklistbank-cli/src/test/resources/plazi.zip"
    assert main(["info", str(path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(describe(read(path))))
    assert printed["core"]["rowType"] == "http://rs.tdwg.org/dwc/terms/Taxon"
    assert printed["core"]["records"] == 11
    assert printed["core"]["files"] == ["taxa.txt"]  # as meta.xml names it
    assert printed["core"]["delimiter"] == "\t"
    assert [e["records"] for e in printed["extensions"]] == [179, 24, 11, 11]
    assert printed["eml"]["title"].startswith("Seven new species")


def test_info_text_names_tables_and_counts(capsys):
    root = corpus_or_skip()
    assert main(["info", str(root / "gbif-dwca-io/src/test/resources/archive-dwc")]) == 0
    out = capsys.readouterr().out
    assert "core: Taxon" in out and "records: 3,248" in out
    assert "extension: VernacularName" in out


def test_unreadable_input_exits_2_with_one_line(tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    result = subprocess.run(
        [sys.executable, "-m", "dwcqa", "info", str(broken)], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dwcqa: broken.zip:"), result.stderr


def test_console_script_is_installed():
    result = subprocess.run([str(Path(sys.executable).parent / "dwcqa"), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "info" in result.stdout


def test_library_does_not_import_streamlit_or_dask():
    code = "import sys, dwcqa, dwcqa.archive, dwcqa.cli, dwcqa.info; print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'dask')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_check_json_is_the_library_report(tmp_path, capsys):
    from dwcqa.checks.runner import run
    from dwcqa.summary import report

    root = corpus_or_skip()
    path = root / "gbif-checklistbank/checklistbank-cli/src/test/resources/plazi.zip"
    out = tmp_path / "report.json"
    code = main(["check", str(path), "--json", str(out), "--fail-on", "never"])
    assert code == 0
    printed = json.loads(out.read_text(encoding="utf-8"))
    assert printed == json.loads(json.dumps(report(run(read(path)))))
    for key in ("records", "core", "extensions", "findings", "completeness", "indexable", "ready"):
        assert key in printed
    assert printed["records"] == 11
    assert 0 <= printed["ready"] <= 11
    assert all(0.0 <= share <= 1.0 for share in printed["completeness"].values())
    assert printed["completeness"]["scientificName"] == 1.0


def test_check_unreadable_exits_2(tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 nope")
    assert main(["check", str(broken)]) == 2


def test_checks_and_explain_cover_the_catalogue(capsys):
    from dwcqa.checks.registry import all_checks

    assert main(["checks", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in listed] == [c.id for c in all_checks()]
    for check in all_checks():
        assert main(["explain", check.id]) == 0
        out = capsys.readouterr().out
        assert check.id in out and check.explanation[:40] in " ".join(out.split())
    assert main(["explain", "NO_SUCH_CHECK"]) == 2


def test_fail_on_sets_the_exit_code(tmp_path, capsys):
    sample = str(REPO / "data" / "sample")  # has error- and warning-severity findings
    assert main(["check", sample, "--fail-on", "error"]) == 1
    assert main(["check", sample, "--fail-on", "warning"]) == 1
    assert main(["check", sample, "--fail-on", "never"]) == 0
    issues = tmp_path / "issues.csv"
    assert main(["check", sample, "--issues", str(issues), "--fail-on", "never"]) == 0
    header, *rows = issues.read_text(encoding="utf-8").splitlines()
    assert header == "row,id,check,severity,term,value"
    assert any(",ZERO_COORDINATE,error," in row for row in rows)


def test_issue_list_quotes_awkward_values_as_the_csv_module_reads_them(tmp_path):
    import csv

    codes = ['X,Y', 'say "hi"', "two\nlines", "Zü", "QQ"]  # none is a basis of record
    with open(tmp_path / "occurrences.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["occurrenceID", "scientificName", "basisOfRecord"])
        writer.writerows([f"o,{i}", "Puma concolor", code] for i, code in enumerate(codes))
    issues = tmp_path / "issues.csv"
    assert main(["check", str(tmp_path / "occurrences.csv"), "--issues", str(issues), "--fail-on", "never"]) == 0
    with open(issues, encoding="utf-8", newline="") as handle:
        header, *parsed = list(csv.reader(handle))
    assert header == ["row", "id", "check", "severity", "term", "value"]
    flagged = sorted((int(r[0]), r[1], r[4], r[5]) for r in parsed if r[2] == "BASIS_OF_RECORD_INVALID")
    assert flagged == [(i, f"o,{i}", "basisOfRecord", code) for i, code in enumerate(codes)]
