"""The published-version history: where it lives, what it keeps, and two writers at once."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from corpus import corpus_or_skip, materialize
from dwcqa.archive import ArchiveError
from dwcqa.compare import compare, version_from_frame
from dwcqa.compare_cli import add_commands
from dwcqa.history import HistoryError, HistoryStore, default_path, file_checksum, parse_reference

REPO = Path(__file__).resolve().parents[1]
MCZ = "kurator-validation/packages/kurator_dwca/data/tests/test_mcz.txt"
DR893 = "gbif-pipelines/livingatlas/pipelines/src/test/resources"


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dwcqa")
    add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.run(args)


# -- location -------------------------------------------------------------------------------------


def test_default_path_follows_env_then_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv("DWCQA_HISTORY", str(tmp_path / "mine.sqlite"))
    assert default_path() == tmp_path / "mine.sqlite"
    monkeypatch.delenv("DWCQA_HISTORY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "dwcqa" / "history.sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / ".local" / "share" / "dwcqa" / "history.sqlite"


def test_parse_reference():
    assert parse_reference("history:herbarium") == ("herbarium", None)
    assert parse_reference("history:herbarium@3") == ("herbarium", 3)
    assert parse_reference("history:a@b@12") == ("a@b", 12)
    with pytest.raises(HistoryError):
        parse_reference("history:")


# -- what it keeps ----------------------------------------------------------------------------------


def test_add_load_list_export_delete_round_trip(tmp_path):
    source = corpus_or_skip() / MCZ
    store = HistoryStore(tmp_path / "h.sqlite")
    first = store.add(source, name="mcz", published="2024-05-01", note="first IPT publication")
    assert (first.number, first.records, first.published) == (1, 192, "2024-05-01")
    assert first.checksum == file_checksum(source) and len(first.checksum) == 64
    assert first.reference == "history:mcz@1"
    # the same file again: nothing recorded unless forced
    again = store.add(source, name="mcz")
    assert again.unchanged and again.number == 1
    assert store.add(source, name="mcz", force=True).number == 2
    assert [v.number for v in store.versions("mcz")] == [1, 2]

    version = store.load("mcz", 1)
    assert version.kind == "history" and version.label == "history:mcz@1" and version.records == 192
    with open(source, encoding="utf-8", newline="") as handle:
        raw = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    header, rows = raw[0], raw[1:]
    column = lambda name: [r[header.index(name)] for r in rows]  # noqa: E731
    assert version.frame["__id__"].tolist() == column("occurrenceID")
    assert version.frame["http://rs.tdwg.org/dwc/terms/catalogNumber"].tolist() == column("catalogNumber")
    assert version.frame["http://rs.tdwg.org/dwc/terms/otherCatalogNumbers"].tolist() == column("otherCatalogNumbers")
    # recordedBy sits under a bare header that dwcqa.terms maps to dwciri: kept as dwc:recordedBy
    assert version.frame["http://rs.tdwg.org/dwc/terms/recordedBy"].tolist() == column("recordedBy")

    listed = store.datasets()
    assert [d["name"] for d in listed] == ["mcz"] and len(listed[0]["versions"]) == 2

    handle = io.StringIO()
    store.export("mcz", 1, handle)
    exported = list(csv.reader(io.StringIO(handle.getvalue())))
    assert exported[0][0] == "occurrenceID" and len(exported) == 193
    assert [r[0] for r in exported[1:]] == column("occurrenceID")
    # an export reads back as a table and compares as the same version
    path = tmp_path / "export.csv"
    path.write_text(handle.getvalue(), encoding="utf-8")
    report = compare(path, source).report
    assert (report["kept"], report["added"], report["removed"], report["reused_ids"]) == (192, 0, 0, 0)

    assert store.delete("mcz", 1) == 1
    assert [v.number for v in store.versions("mcz")] == [2]
    assert store.add(source, name="mcz", force=True).number == 3  # numbers are never reused
    assert store.delete("mcz", 3) == 1
    assert store.add(source, name="mcz", force=True).number == 4  # not even the latest one's
    assert store.delete("mcz") == 2
    with pytest.raises(HistoryError, match="no dataset named 'mcz'"):
        store.versions("mcz")
    with sqlite3.connect(store.path) as con:
        assert con.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 0  # cascaded


def test_database_uses_wal_and_schema_is_plain_sql(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite")
    frame = pd.DataFrame({"occurrenceID": ["a", "b"], "catalogNumber": ["1", "2"]})
    store.add_version(version_from_frame(frame), name="tiny")
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = con.execute('SELECT "occurrenceID", "catalogNumber" FROM records ORDER BY "row"').fetchall()
    assert rows == [("a", "1"), ("b", "2")]


def test_name_defaults_to_title_or_dataset_id_and_errors_are_archive_errors(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite")
    frame = pd.DataFrame({"occurrenceID": ["a"], "datasetID": ["urn:ds:1"]})
    version = version_from_frame(frame)
    version.dataset_id = "urn:ds:1"
    assert store.add_version(version).dataset == "urn:ds:1"
    nameless = version_from_frame(pd.DataFrame({"occurrenceID": ["a"]}))
    with pytest.raises(HistoryError, match="--name"):
        store.add_version(nameless)
    with pytest.raises(ArchiveError):  # HistoryError is an ArchiveError: the CLI exits 2
        store.load("nothing")
    with pytest.raises(HistoryError, match="no version 9"):
        store.load("urn:ds:1", 9)
    with pytest.raises(HistoryError, match="YYYY-MM-DD"):
        store.add_version(version, published="1 May 2024")


def test_compare_against_history_equals_compare_against_the_file(tmp_path):
    root = corpus_or_skip() / DR893
    v1 = materialize(root / "image-service-non/dr893", tmp_path)
    v2 = materialize(root / "uuid-management/dr893-reduced", tmp_path)
    v3 = materialize(root / "uuid-management/dr893-readded", tmp_path)
    store = HistoryStore(tmp_path / "h.sqlite")
    store.add(v1, name="dr893", published="2020-01-01")
    store.add(v2, name="dr893", published="2020-02-01")
    keys = ("old_records", "new_records", "kept", "added", "removed", "new_id_share", "exceeds_threshold", "proposed_pairs")
    for reference, path in (("history:dr893@1", v1), ("history:dr893", v2)):
        from_history = compare(reference, v3, history=store).report
        from_file = compare(path, v3).report
        assert {k: from_history[k] for k in keys} == {k: from_file[k] for k in keys}
    assert compare("history:dr893", v3, history=store).report["old"]["source"] == "history:dr893@2"


def test_history_commands(tmp_path, capsys):
    source = corpus_or_skip() / MCZ
    db = str(tmp_path / "h.sqlite")
    assert cli(["history", "add", str(source), "--name", "mcz", "--date", "2024-05-01", "--history-db", db]) == 0
    assert "recorded history:mcz@1: 192 records" in capsys.readouterr().out
    assert cli(["history", "add", str(source), "--name", "mcz", "--history-db", db]) == 0
    assert "nothing recorded" in capsys.readouterr().out
    assert cli(["history", "list", "--history-db", db, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["datasets"][0]["versions"][0]["records"] == 192
    assert cli(["history", "list", "--history-db", db]) == 0
    assert "@1" in capsys.readouterr().out
    out = tmp_path / "v1.csv"
    assert cli(["history", "export", "mcz", "-o", str(out), "--history-db", db]) == 0
    assert out.read_text(encoding="utf-8").startswith("occurrenceID,")
    capsys.readouterr()
    assert cli(["compare", "history:mcz", str(source), "--history-db", db]) == 0
    assert "192 kept" in capsys.readouterr().out
    with pytest.raises(ArchiveError):
        cli(["compare", "history:unknown", str(source), "--history-db", db])
    assert cli(["history", "delete", "mcz", "--version", "1", "--history-db", db]) == 0
    with pytest.raises(SystemExit):  # delete needs --version N or --all
        cli(["history", "delete", "mcz", "--history-db", db])


def test_dwcqa_history_env_variable_is_used(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DWCQA_HISTORY", str(tmp_path / "env.sqlite"))
    frame = pd.DataFrame({"occurrenceID": ["a"]})
    HistoryStore().add_version(version_from_frame(frame), name="env")
    assert (tmp_path / "env.sqlite").is_file()
    assert cli(["history", "list"]) == 0
    assert str(tmp_path / "env.sqlite") in capsys.readouterr().out


# -- two processes writing at once --------------------------------------------------------------------

WRITER = r"""
import sys, time
from pathlib import Path
import numpy as np, pandas as pd
from dwcqa.compare import version_from_frame
from dwcqa.history import HistoryStore

db, who, rounds, records, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5])
store = HistoryStore(db, timeout=120)
while not go.exists():
    time.sleep(0.001)
print(time.time(), flush=True)
for r in range(rounds):
    ids = pd.Series([f"{who}-{r}-{i}" for i in range(records)])
    frame = pd.DataFrame({"occurrenceID": ids, "catalogNumber": ids.str.upper()})
    version = version_from_frame(frame, label=f"{who}-{r}")
    shared = store.add_version(version, name="shared", note=f"{who}-{r}")
    own = store.add_version(version, name=f"own-{who}", note=f"{who}-{r}")
    print(shared.number, own.number, flush=True)
print(time.time(), flush=True)
"""


def test_two_processes_writing_at_once_do_not_corrupt_the_history(tmp_path):
    db = tmp_path / "h.sqlite"
    go = tmp_path / "go"
    rounds, records = 6, 20_000
    env = {"PYTHONPATH": str(REPO)}
    import os

    env = {**os.environ, **env}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), who, str(rounds), str(records), str(go)],
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
        assert len(out.splitlines()) == rounds + 2
        windows.append((float(out.splitlines()[0]), float(out.splitlines()[-1])))
    # the two writers really worked at the same time
    assert max(start for start, _ in windows) < min(end for _, end in windows)

    store = HistoryStore(db)
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        per_version = dict(con.execute("SELECT version, COUNT(*) FROM records GROUP BY version").fetchall())
    shared = store.versions("shared")
    assert [v.number for v in shared] == list(range(1, 2 * rounds + 1))  # unique, no gaps
    assert sorted(v.note for v in shared) == sorted(f"{w}-{r}" for w in "ab" for r in range(rounds))
    assert all(count == records for count in per_version.values()) and len(per_version) == 4 * rounds
    for who in "ab":
        assert [v.number for v in store.versions(f"own-{who}")] == list(range(1, rounds + 1))
    # every stored version holds exactly what its writer wrote, in order
    for info in shared:
        version = store.load("shared", info.number)
        ids = version.frame["__id__"]
        assert ids.tolist() == [f"{info.note}-{i}" for i in range(records)]
        assert (version.frame["http://rs.tdwg.org/dwc/terms/catalogNumber"] == ids.str.upper()).all()
