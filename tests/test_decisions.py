"""QC-meeting decisions (dwcqa.decisions): kept in the history database with the dataset, the
latest one per check current and the older ones kept, shown in the report, listed by
``dwcqa decisions``, and two processes writing at once."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import lxml.html
import pandas as pd
import pytest

from dwcqa import cli
from dwcqa import decisions as dq
from dwcqa.archive import ArchiveError, read
from dwcqa.compare import version_from_frame
from dwcqa.history import HistoryStore

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
TITLE = "dwcqa demonstration collection: specimen records with planted data-quality problems"  # the sample's EML title


def badge(document: str, check: str) -> str | None:
    """The decision shown next to ``check`` in the report's issue details (None: no decision)."""
    tree = lxml.html.document_fromstring(document)
    found = tree.get_element_by_id(f"check-{check}").xpath(".//span[contains(@class, 'decision-badge')]")
    return found[0].text if found else None


# -- the values ------------------------------------------------------------------------------------


def test_choices_checks_and_dates_are_normalised():
    assert [dq.normalise_choice(x) for x in ("Accepted", "WILL_FIX", "won\u2019t fix", "wont-fix", "will not fix")] == [
        "accepted", "will fix", "won't fix", "won't fix", "won't fix",
    ]
    with pytest.raises(dq.DecisionError, match="not a decision"):
        dq.normalise_choice("maybe")
    assert dq.normalise_check(" zero_coordinate ") == "ZERO_COORDINATE"
    with pytest.raises(dq.DecisionError):
        dq.normalise_check("zero coordinate")
    assert dq.normalise_date("2025-03-01") == "2025-03-01"
    with pytest.raises(dq.DecisionError, match="YYYY-MM-DD"):
        dq.normalise_date("1 March 2025")
    with pytest.raises(dq.DecisionError, match="who decided"):
        dq.new_decision("herbarium", "ZERO_COORDINATE", "accepted", by="  ")
    with pytest.raises(dq.DecisionError, match="name"):
        dq.new_decision("", "ZERO_COORDINATE", "accepted", by="AM")
    assert dq.default_name(read(SAMPLE)) == TITLE


def test_merge_lets_the_later_layer_win_per_check():
    stored = {"ZERO_COORDINATE": {"decision": "accepted", "by": "AM"}, "COUNTRY_INVALID": {"decision": "will fix"}}
    merged = dq.merge(stored, {"zero_coordinate": "won't fix"})
    assert merged == {"ZERO_COORDINATE": {"decision": "won't fix"}, "COUNTRY_INVALID": {"decision": "will fix"}}


# -- the store -------------------------------------------------------------------------------------


def test_decisions_round_trip_latest_wins_and_history_is_kept(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite")
    assert store.decisions("herbarium") == [] and not store.path.exists()  # reading creates nothing
    first = store.add_decision("herbarium", "zero_coordinate", "Will fix", by="AM", comment=" re-georeference ", date="2025-03-01", source="v1.zip")
    assert (first.check, first.decision, first.comment, first.by, first.date, first.source) == (
        "ZERO_COORDINATE", "will fix", "re-georeference", "AM", "2025-03-01", "v1.zip",
    )
    store.add_decision("herbarium", "ZERO_COORDINATE", "accepted", by="BK", comment="they really are at 0,0", date="2025-06-01")
    store.add_decision("herbarium", "COUNTRY_INVALID", "won't fix", by="AM", date="2025-03-01")
    # a decision back-filled for an older meeting goes into the history, not on top
    store.add_decision("herbarium", "ZERO_COORDINATE", "won't fix", by="CD", date="2025-01-15")
    store.add_decision("other", "ZERO_COORDINATE", "will fix", by="EF")

    every = store.decisions("herbarium", "ZERO_COORDINATE")
    assert [(d.decision, d.by, d.date) for d in every] == [
        ("won't fix", "CD", "2025-01-15"), ("will fix", "AM", "2025-03-01"), ("accepted", "BK", "2025-06-01"),
    ]
    current = store.current_decisions("herbarium")
    assert list(current) == ["COUNTRY_INVALID", "ZERO_COORDINATE"]
    assert current["ZERO_COORDINATE"].decision == "accepted" and current["ZERO_COORDINATE"].by == "BK"
    assert [d.by for d in dq.earlier(store.decisions("herbarium"), "ZERO_COORDINATE")] == ["AM", "CD"]  # newest first
    # on the same date, the one recorded last wins
    store.add_decision("herbarium", "COUNTRY_INVALID", "will fix", by="BK", date="2025-03-01")
    assert store.current_decisions("herbarium")["COUNTRY_INVALID"].by == "BK"
    assert dq.for_report(store.current_decisions("herbarium")) == {
        "COUNTRY_INVALID": {"decision": "will fix", "comment": None, "by": "BK", "date": "2025-03-01"},
        "ZERO_COORDINATE": {"decision": "accepted", "comment": "they really are at 0,0", "by": "BK", "date": "2025-06-01"},
    }
    assert store.current_decisions("other")["ZERO_COORDINATE"].by == "EF"  # datasets are kept apart
    assert len(store.decisions("herbarium")) == 5  # nothing was overwritten
    assert store.decision_datasets() == ["herbarium", "other"]

    # a dataset with decisions but no recorded version is known, but is not a version history
    assert store.knows("herbarium") and not store.knows("nothing")
    assert store.datasets() == []
    store.add_version(version_from_frame(pd.DataFrame({"occurrenceID": ["a"]})), name="herbarium")
    assert [d["name"] for d in store.datasets()] == ["herbarium"]
    # deleting the versions keeps the meeting's decisions
    store.delete("herbarium")
    assert len(store.decisions("herbarium")) == 5
    with pytest.raises(dq.DecisionError):
        store.add_decision("herbarium", "ZERO_COORDINATE", "maybe", by="AM")


def test_a_database_from_before_decisions_gets_the_table_on_the_first_write(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite")
    store.add_version(version_from_frame(pd.DataFrame({"occurrenceID": ["a", "b"]})), name="old")
    with sqlite3.connect(store.path) as con:  # as a database written before the table existed
        con.execute("DROP TABLE decisions")
    assert store.decisions("old") == [] and store.current_decisions("old") == {} and store.knows("old")
    with sqlite3.connect(store.path) as con:
        assert con.execute("SELECT 1 FROM sqlite_master WHERE name = 'decisions'").fetchone() is None  # readers do not write
    store.add_decision("old", "ZERO_COORDINATE", "accepted", by="AM")
    assert store.current_decisions("old")["ZERO_COORDINATE"].decision == "accepted"
    assert store.load("old").records == 2
    with sqlite3.connect(store.path) as con, pytest.raises(sqlite3.IntegrityError):
        con.execute(  # the table itself refuses a decision that is not one of the three
            "INSERT INTO decisions (dataset, check_id, decision, decided_by, date, recorded) VALUES ('old', 'X', 'maybe', 'AM', '2025-01-01', '')"
        )


# -- two processes writing at once -------------------------------------------------------------------

WRITER = r"""
import sys, time
from pathlib import Path
from dwcqa.history import HistoryStore

db, who, rounds, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
store = HistoryStore(db, timeout=120)
checks = ["ZERO_COORDINATE", "COUNTRY_INVALID", "RECORDED_DATE_INVALID"]
while not go.exists():
    time.sleep(0.001)
print(time.time(), flush=True)
for r in range(rounds):
    choice = ("accepted", "will fix", "won't fix")[r % 3]
    store.add_decision("shared", checks[r % 3], choice, by=who, comment=f"{who}-{r}", date="2025-03-01")
    store.add_decision(f"own-{who}", checks[r % 3], choice, by=who, comment=f"{who}-{r}", date="2025-03-01")
    store.current_decisions("shared")  # readers in between
print(time.time(), flush=True)
"""


def test_two_processes_writing_decisions_at_once_do_not_corrupt_the_history(tmp_path):
    db = tmp_path / "h.sqlite"  # a new database: both writers also race to create the schema
    go = tmp_path / "go"
    rounds = 150
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), who, str(rounds), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for who in ("a", "b")
    ]
    time.sleep(1.0)  # both are importing; then start them at the same instant
    go.touch()
    outputs = [w.communicate(timeout=300) for w in writers]
    windows = []
    for writer, (out, err) in zip(writers, outputs):
        assert writer.returncode == 0, err
        lines = out.splitlines()
        windows.append((float(lines[0]), float(lines[-1])))
    assert max(start for start, _ in windows) < min(end for _, end in windows)  # they really overlapped

    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = HistoryStore(db)
    shared = store.decisions("shared")
    assert len(shared) == 2 * rounds
    assert sorted(d.comment for d in shared) == sorted(f"{w}-{r}" for w in "ab" for r in range(rounds))
    for who in "ab":
        mine = [d.comment for d in shared if d.by == who]
        assert mine == [f"{who}-{r}" for r in range(rounds)]  # each writer's decisions in the order written
        own = store.decisions(f"own-{who}")
        assert [d.comment for d in own] == [f"{who}-{r}" for r in range(rounds)]
        assert {d.by for d in own} == {who}
    # the current decision per check is the last one recorded for it, whoever wrote it
    current = store.current_decisions("shared")
    for check, decision in current.items():
        assert decision == [d for d in shared if d.check == check][-1]


# -- the report and the commands ---------------------------------------------------------------------


def dwcqa(argv: list[str]) -> int:
    return cli.main(argv)


def test_the_report_shows_stored_decisions(tmp_path, capsys):
    db = tmp_path / "h.sqlite"
    store = HistoryStore(db)
    store.add_decision(TITLE, "ZERO_COORDINATE", "will fix", by="AM", comment="re-georeference", date="2025-03-01")
    store.add_decision(TITLE, "ZERO_COORDINATE", "accepted", by="BK", comment="they are at 0,0", date="2025-06-01")
    store.add_decision("renamed", "COUNTRY_INVALID", "won't fix", by="CD")

    # by default, the decisions stored under the archive's EML title
    out = tmp_path / "report.html"
    assert dwcqa(["report", str(SAMPLE), "-o", str(out), "--history-db", str(db)]) == 0
    document = out.read_text(encoding="utf-8")
    assert badge(document, "ZERO_COORDINATE") == "accepted" and badge(document, "COUNTRY_INVALID") is None
    tree = lxml.html.document_fromstring(document)
    block = tree.get_element_by_id("check-ZERO_COORDINATE").xpath(".//p[contains(@class, 'decision')]")[0].text_content()
    assert "they are at 0,0" in block and "BK, 2025-06-01" in block

    # --dataset picks another name; a --decisions file overrides the stored ones per check
    override = tmp_path / "meeting.json"
    override.write_text(json.dumps({"COUNTRY_INVALID": "accepted"}), encoding="utf-8")
    assert dwcqa(["report", str(SAMPLE), "-o", str(out), "--history-db", str(db), "--dataset", "renamed", "--decisions", str(override)]) == 0
    document = out.read_text(encoding="utf-8")
    assert badge(document, "COUNTRY_INVALID") == "accepted" and badge(document, "ZERO_COORDINATE") is None

    # an unknown --dataset is an error before anything is read or written
    out.unlink()
    capsys.readouterr()
    assert dwcqa(["report", str(SAMPLE), "-o", str(out), "--history-db", str(db), "--dataset", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no dataset named 'nope'" in err and "renamed" in err
    assert not out.exists()


def test_the_report_without_a_history_database_creates_none(tmp_path):
    db = tmp_path / "none.sqlite"
    out = tmp_path / "report.html"
    assert dwcqa(["report", str(SAMPLE), "-o", str(out), "--history-db", str(db)]) == 0
    assert not db.exists()
    assert badge(out.read_text(encoding="utf-8"), "ZERO_COORDINATE") is None


def test_decisions_command_lists_and_exports_what_the_report_reads(tmp_path, capsys):
    db = str(tmp_path / "h.sqlite")
    store = HistoryStore(db)
    store.add_decision("herbarium", "ZERO_COORDINATE", "will fix", by="AM", comment="re-georeference", date="2025-03-01")
    store.add_decision("herbarium", "ZERO_COORDINATE", "accepted", by="BK", date="2025-06-01")
    store.add_decision("herbarium", "COUNTRY_INVALID", "won't fix", by="AM", date="2025-03-01")

    assert dwcqa(["decisions", "herbarium", "--history-db", db]) == 0
    text = capsys.readouterr().out
    assert "ZERO_COORDINATE  accepted" in text and "(1 earlier)" in text and "COUNTRY_INVALID  won't fix" in text
    assert "re-georeference" not in text
    assert dwcqa(["decisions", "herbarium", "--all", "--history-db", db]) == 0
    assert "re-georeference" in capsys.readouterr().out

    assert dwcqa(["decisions", "herbarium", "--json", "--history-db", db]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported == dq.for_report(store.current_decisions("herbarium"))
    path = tmp_path / "meeting.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    from dwcqa.report_cli import read_decisions

    assert read_decisions(str(path)) == exported  # the export is a --decisions file

    assert dwcqa(["decisions", "herbarium", "--json", "--all", "--history-db", db]) == 0
    every = json.loads(capsys.readouterr().out)
    assert [(d["check"], d["by"]) for d in every] == [("ZERO_COORDINATE", "AM"), ("COUNTRY_INVALID", "AM"), ("ZERO_COORDINATE", "BK")]

    assert dwcqa(["decisions", "nope", "--history-db", db]) == 2
    assert "herbarium" in capsys.readouterr().err
    with pytest.raises(ArchiveError):  # the library raises; the CLI turns it into exit 2
        from dwcqa.report_cli import stored_decisions

        stored_decisions("nope", db)
