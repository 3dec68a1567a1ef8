"""``--engine dask`` (dwcqa.engines.dask) gives what the in-memory engine gives.

Every comparison runs both engines on the same archive and asserts that the JSON report
(``dwcqa.summary.report``: counts per check, completeness, details, indexable, ready, ...) is
equal and that the per-record issue lists are identical (sorted, and byte for byte). Block
sizes are small, so that every table is cut into several partitions.

- the bundled sample (data/sample), and a 50,000-record archive generated from it with
  duplicate, case-variant and orphan identifiers;
- every archive of the shared corpus (skipped without it);
- edge cases made here: quoted values with line breaks across partition cuts, blank lines,
  ragged rows, empty rows of every kind (closing line ends, blank lines, bare delimiters), a
  byte-order mark inside the data, a file declared UTF-8 but in Windows-1252 from its last
  partition on;
- a ``distributed.LocalCluster`` with two workers;
- ``dwcqa check`` and ``dwcqa clean`` with ``--engine dask`` against the in-memory engine.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from corpus import archives, corpus_id, corpus_or_skip, materialize  # noqa: E402

from dwcqa.archive import ArchiveError, read  # noqa: E402
from dwcqa.checks.runner import run  # noqa: E402
from dwcqa.engines.dask import check  # noqa: E402
from dwcqa.summary import report, write_issues  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0", silence_logs=logging.ERROR
    ) as cluster, distributed.Client(cluster) as client:
        logging.getLogger("distributed.shuffle._scheduler_plugin").setLevel(logging.ERROR)
        yield client


def in_memory(path):
    results = run(read(path))
    issues = io.StringIO()
    write_issues(results, issues)
    return results, report(results), issues.getvalue()


def assert_same(path, client, blocksize):
    """Both engines agree on the report and the issue list; returns the partitioned results."""
    try:
        expected, expected_report, expected_issues = in_memory(path)
    except ArchiveError as error:
        with pytest.raises(ArchiveError) as raised:
            check(path, scheduler=client, blocksize=blocksize)
        assert str(raised.value) == str(error)
        return None
    issues = io.StringIO()
    results = check(path, scheduler=client, blocksize=blocksize, issues=issues)
    assert {c.id: results.count(c.id) for c in results.checks} == {c.id: expected.count(c.id) for c in expected.checks}
    got_report = report(results)
    for key in expected_report:
        assert got_report[key] == expected_report[key], key
    assert got_report == expected_report
    got = issues.getvalue()
    assert sorted(got.splitlines()) == sorted(expected_issues.splitlines())
    assert got == expected_issues  # same order too: check by check, rows ascending
    assert results.issues_written == len(expected_issues.splitlines()) - 1
    return results


def data_bytes(path: Path) -> int:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    if zipfile.is_zipfile(path):
        return sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    if tarfile.is_tarfile(path):
        return path.stat().st_size * 8
    return path.stat().st_size * 5


# -- the sample, and 50,000 records made from it ----------------------------------------------------


def test_sample(client):
    results = assert_same(SAMPLE, client, blocksize=200_000)
    assert results.partitions[0] >= 4 and results.records == 2000


def make_archive(target: Path, records: int) -> Path:
    """data/sample's records repeated with new ids, some ids shared, some differing only in
    case, some multimedia rows pointing to no record."""
    target.mkdir()
    for name in ("meta.xml", "eml.xml"):
        shutil.copyfile(SAMPLE / name, target / name)
    header, *rows = (SAMPLE / "occurrence.txt").read_bytes().rstrip(b"\n").split(b"\n")

    def new_id(original: bytes, copy: int, k: int) -> bytes:
        if copy == 0 or (copy % 7 == 0 and k % 10 == 0):
            return original  # shared with the first copy
        if copy == 3 and k % 50 == 0:
            return original.upper()  # differs only in case
        return original + b"-" + str(copy).encode()

    out = [header]
    for i in range(records):
        copy, k = divmod(i, len(rows))
        fields = rows[k].split(b"\t")
        fields[0] = new_id(fields[0], copy, k)
        out.append(b"\t".join(fields))
    (target / "occurrence.txt").write_bytes(b"\n".join(out) + b"\n")
    index = {row.split(b"\t", 1)[0]: k for k, row in enumerate(rows)}
    media_header, *media = (SAMPLE / "multimedia.txt").read_bytes().rstrip(b"\n").split(b"\n")
    lines = [media_header]
    for copy in range(3):
        for j, row in enumerate(media):
            coreid, rest = row.split(b"\t", 1)
            coreid = new_id(coreid, copy, index.get(coreid, 1))
            if copy == 2 and j % 40 == 0:
                coreid = b"orphan-" + str(j).encode()
            lines.append(coreid + b"\t" + rest)
    (target / "multimedia.txt").write_bytes(b"\n".join(lines) + b"\n")
    return target


def test_generated_50k(client, tmp_path):
    path = make_archive(tmp_path / "dwca-50k", 50_000)
    results = assert_same(path, client, blocksize=3_000_000)
    assert results.partitions[0] >= 5 and results.records == 50_000
    for check_id in ("RECORD_NOT_UNIQUELY_IDENTIFIED", "OCCURRENCE_ID_DIFFERS_ONLY_IN_CASE", "CATALOG_NUMBER_NOT_UNIQUE", "RECORD_REFERENTIAL_INTEGRITY_VIOLATION"):
        assert results.count(check_id) > 0, check_id


# -- the corpus -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", archives(), ids=corpus_id)
def test_corpus_archive(client, path, tmp_path):
    corpus_or_skip()
    path = materialize(path, tmp_path)
    assert_same(path, client, blocksize=max(1500, data_bytes(path) // 6))


def test_corpus_is_there_or_skipped():
    corpus_or_skip()
    assert len(archives()) > 100


# -- edge cases -------------------------------------------------------------------------------------

META = """<?xml version="1.0" encoding="UTF-8"?>
<archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="eml.xml">
  <core encoding="UTF-8" fieldsTerminatedBy="{delimiter}" linesTerminatedBy="\\n" fieldsEnclosedBy="{quote}" ignoreHeaderLines="1" rowType="http://rs.tdwg.org/dwc/terms/Occurrence">
    <files><location>occurrence.txt</location></files>
    <id index="0"/>
    <field index="0" term="http://rs.tdwg.org/dwc/terms/occurrenceID"/>
    <field index="1" term="http://rs.tdwg.org/dwc/terms/basisOfRecord"/>
    <field index="2" term="http://rs.tdwg.org/dwc/terms/locality"/>
    <field index="3" term="http://rs.tdwg.org/dwc/terms/catalogNumber"/>
  </core>
</archive>
"""


def write_archive(folder: Path, body: bytes, delimiter: str = ",", quote: str = "&quot;") -> Path:
    folder.mkdir()
    (folder / "meta.xml").write_text(META.format(delimiter=delimiter, quote=quote), encoding="utf-8")
    (folder / "occurrence.txt").write_bytes(body)
    return folder


def rows(n: int, make) -> bytes:
    return b"".join(make(i) for i in range(n))


def test_quoted_line_breaks_across_cuts(client, tmp_path):
    body = b"occurrenceID,basisOfRecord,locality,catalogNumber\n" + rows(
        300, lambda i: f'id{i % 250},PreservedSpecimen,"line one\nline ""two"" {i}\n",C{i % 40}\n'.encode()
    )
    assert_same(write_archive(tmp_path / "a", body), client, blocksize=700)


def test_blank_lines_and_ragged_rows(client, tmp_path):
    def make(i):
        if i % 37 == 5:
            return b"\n"
        if i % 53 == 7:
            return f"id{i}\tHumanObservation\tonly three\n".encode()
        return f"id{i}\tHumanObservation\t  NULL \tC{i}\n".encode()

    body = b"occurrenceID\tbasisOfRecord\tlocality\tcatalogNumber\n" + rows(400, make) + b"\n\n"
    assert_same(write_archive(tmp_path / "b", body, delimiter="\\t", quote=""), client, blocksize=900)


def test_byte_order_marks_inside_the_data(client, tmp_path):
    def make(i):
        text = f"id{i},PreservedSpecimen,Caf\u00e9 {i},C{i}\n".encode()
        return b"\xef\xbb\xbf" + text if i % 61 == 3 else text

    body = b"\xef\xbb\xbfoccurrenceID,basisOfRecord,locality,catalogNumber\n" + rows(400, make)
    results = assert_same(write_archive(tmp_path / "c", body, quote=""), client, blocksize=1200)
    assert any(p.code == "BOM_IN_DATA" for p in results.archive.problems)


@pytest.mark.parametrize("first_cp1252_row", [300, 2300])
def test_declared_utf8_but_windows_1252(client, tmp_path, first_cp1252_row):
    # from row 300: the reader's sample (64 kB) already shows it; from row 2300 only a late
    # partition does, and the engine reads the file again in the encoding it really has
    def make(i):
        text = f"id{i},PreservedSpecimen,Caf\u00e9 {i} {'x' * 20},C{i}\n"
        return text.encode("cp1252") if i >= first_cp1252_row else text.encode()

    body = b"occurrenceID,basisOfRecord,locality,catalogNumber\n" + rows(2500, make)
    results = assert_same(write_archive(tmp_path / "d", body, quote=""), client, blocksize=20_000)
    assert any(p.code == "ENCODING_INVALID" for p in results.archive.problems)


def test_plain_table(client, tmp_path):
    table = tmp_path / "occurrences.csv"
    table.write_bytes(b"occurrenceID,basisOfRecord,catalogNumber,decimalLatitude\n" + rows(500, lambda i: f"o{i % 450},PreservedSpecimen,{i % 97},{i / 10}\n".encode()))
    assert_same(table, client, blocksize=2000)


# -- two workers ------------------------------------------------------------------------------------


def test_local_cluster_with_two_workers(tmp_path):
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0", silence_logs=logging.ERROR
    ) as cluster, distributed.Client(cluster) as two:
        assert len(two.scheduler_info()["workers"]) == 2
        assert_same(SAMPLE, two, blocksize=150_000)
        assert_same(make_archive(tmp_path / "dwca-8k", 8_000), two, blocksize=400_000)


def test_default_scheduler_is_an_in_process_cluster():
    issues = io.StringIO()
    results = check(SAMPLE, blocksize="300kB", issues=issues)
    expected, expected_report, expected_issues = in_memory(SAMPLE)
    assert report(results) == expected_report and issues.getvalue() == expected_issues


# -- the pieces -------------------------------------------------------------------------------------


def test_cuts_fall_between_records(tmp_path):
    from dwcqa.archive.model import Dialect
    from dwcqa.engines.partitions import Source, split

    body = b'a,b\n' + rows(200, lambda i: f'{i},"x\n\n""{i}""\n"\n'.encode() if i % 3 else f"{i},plain\n\n".encode())
    path = tmp_path / "t.csv"
    path.write_bytes(body)
    source = Source(0, 0, "t.csv", str(path), Dialect(",", '"', "\n", 1, "utf-8"), 2, len(body))
    ranges = split(source, 100)
    assert len(ranges) > 5
    assert ranges[0][0] == 0 and ranges[-1][1] == len(body)
    for (a, b), (c, _) in zip(ranges, ranges[1:]):
        assert b == c
        assert body[b - 1 : b] == b"\n" and body[b : b + 1] not in (b"\n", b"\r")
        assert body[:b].count(b'"') % 2 == 0


EMPTY_ROWS = {
    # the reader's rule: empty rows that only close the file are dropped, any other sends the
    # file to the Python reader (BLANK_LINES by line); the engine applies it piece by piece
    "closing line ends": lambda i, n: b"\n\n\n" if i == n - 1 else b"",
    "closing CRLF line ends": lambda i, n: b"\r\n\r\n" if i == n - 1 else b"",
    "blank line in one piece": lambda i, n: b"\n" if i == 97 else b"",
    "row of bare delimiters": lambda i, n: b",,,\n" if i % 90 == 40 else b"",
    "bare delimiters at the end": lambda i, n: b",,,\n" if i == n - 1 else b"",
    "blank lines then bare delimiters": lambda i, n: b"\n\n,,,\n" if i == n - 1 else b"",
}


@pytest.mark.parametrize("what", list(EMPTY_ROWS))
def test_empty_rows_follow_the_readers_rule(client, tmp_path, what):
    after = EMPTY_ROWS[what]
    n = 300
    body = b"occurrenceID,basisOfRecord,locality,catalogNumber\n" + rows(n, lambda i: f"id{i},PreservedSpecimen,Here {i},C{i}\n".encode() + after(i, n))
    if b"\r\n" in after(n - 1, n):
        body = body.replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n")
    assert_same(write_archive(tmp_path / "e", body, quote=""), client, blocksize=1500)


def test_empty_rows_of_a_one_column_table(client, tmp_path):
    table = tmp_path / "ids.csv"
    table.write_bytes(b"occurrenceID\n" + rows(400, lambda i: f"o{i}\n".encode() + (b"\n" if i in (150, 399) else b"")))
    assert_same(table, client, blocksize=600)


def test_value_counts_like_matches_pandas():
    import numpy as np
    import pandas as pd

    from dwcqa.archive.model import STRING
    from dwcqa.engines.combine import value_counts_like

    values = pd.Series(np.random.default_rng(1).choice(list("abcdefghijklmnopqrstuvwxyz"), 500), dtype=STRING)
    expected = values.value_counts()
    firsts = list(dict.fromkeys(values))
    got = value_counts_like(firsts, [int((values == v).sum()) for v in firsts])
    pd.testing.assert_series_equal(got, expected)


# -- the command line -------------------------------------------------------------------------------


def dwcqa(*argv: str) -> int:
    from dwcqa.cli import main

    return main([str(a) for a in argv])


def test_check_engine_dask_prints_the_same_report(tmp_path, capsys):
    outputs = {}
    for engine in ("memory", "dask"):
        issues = tmp_path / f"{engine}.csv"
        code = dwcqa("check", SAMPLE, "--json", "-", "--issues", issues, "--engine", engine, "--blocksize", "250kB")
        outputs[engine] = (code, json.loads(capsys.readouterr().out), issues.read_text(encoding="utf-8"))
    assert outputs["dask"] == outputs["memory"]
    assert outputs["dask"][0] == 1  # the sample has errors: exit 1 with --fail-on error


def test_check_engine_dask_exit_codes(tmp_path, capsys):
    assert dwcqa("check", SAMPLE, "--engine", "dask", "--fail-on", "never") == 0
    assert "ready for publication" in capsys.readouterr().out
    assert dwcqa("check", tmp_path / "missing.zip", "--engine", "dask") == 2
    assert dwcqa("check", SAMPLE, "--engine", "dask", "--blocksize", "lots") == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 2 and "missing.zip" in errors[0] and "--blocksize 'lots'" in errors[1]


def test_check_engine_dask_unreachable_scheduler(capsys):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        assert dwcqa("check", SAMPLE, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9") == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 1 and errors[0].startswith("dwcqa: cannot connect to the scheduler at tcp://127.0.0.1:9")


def test_engine_dask_without_dask_installed():
    code = (
        "import sys; sys.modules['dask'] = sys.modules['distributed'] = None\n"
        "from dwcqa.cli import main\n"
        f"sys.exit(main(['check', {str(SAMPLE)!r}, '--engine', 'dask']))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "--engine dask needs the packages dask[dataframe] and distributed" in done.stderr


def test_clean_engine_dask(tmp_path, capsys):
    """The checks run partition-wise and say so; the archive written is the in-memory one."""
    written = {}
    for engine in ("memory", "dask"):
        out = tmp_path / engine / "clean.zip"
        out.parent.mkdir()
        assert dwcqa("clean", SAMPLE, "-o", out, "--amend", "all", "--ready-only", "--json", "--engine", engine, "--blocksize", "250kB") == 0
        result = json.loads(capsys.readouterr().out)
        with zipfile.ZipFile(out) as archive:
            written[engine] = {name: archive.read(name) for name in archive.namelist()}
        if engine == "dask":
            assert result["checks"] == report(run(read(SAMPLE)))
            assert any(note.startswith("--engine dask: the checks ran partition by partition") for note in result["notes"])
        else:
            assert "checks" not in result
    assert written["dask"] == written["memory"]
    out = tmp_path / "text.zip"
    assert dwcqa("clean", SAMPLE, "-o", out, "--engine", "dask") == 0
    text = capsys.readouterr().out
    assert "ready for publication" in text and "note: --engine dask: the checks ran partition by partition" in text


def test_clean_engine_dask_stops_before_the_in_memory_part_would_run_out_of_memory(tmp_path, capsys, monkeypatch):
    """Amending and writing read the archive into memory: when that cannot fit, clean says so
    after the partitioned checks (exit 2, nothing written) instead of being killed halfway."""
    import types

    import psutil

    from dwcqa.engines_cli import CLEAN_MEMORY_PER_DATA_BYTE, size_text

    data = (SAMPLE / "occurrence.txt").stat().st_size + (SAMPLE / "multimedia.txt").stat().st_size
    needed = CLEAN_MEMORY_PER_DATA_BYTE * data
    out = tmp_path / "clean.zip"
    monkeypatch.setattr(psutil, "virtual_memory", lambda: types.SimpleNamespace(available=needed - 1))
    assert dwcqa("clean", SAMPLE, "-o", out, "--amend", "all", "--engine", "dask") == 2
    captured = capsys.readouterr()
    assert "ready for publication" in captured.out  # the checks' summary came first
    assert not out.exists()
    assert len(captured.err.splitlines()) == 1
    assert f"its data files hold {size_text(data)}" in captured.err and f"about {size_text(needed)}" in captured.err
    assert (size_text(1_185_036), size_text(3_080_000_000)) == ("1 MB", "3.1 GB")
    # With just enough memory it goes on.
    monkeypatch.setattr(psutil, "virtual_memory", lambda: types.SimpleNamespace(available=needed))
    assert dwcqa("clean", SAMPLE, "-o", out, "--amend", "all", "--engine", "dask") == 0
    assert out.exists()


def test_import_dwcqa_does_not_import_dask():
    code = "import sys, dwcqa, dwcqa.cli, dwcqa.engines, dwcqa.engines_cli, dwcqa.engines.dask, dwcqa.engines.work, dwcqa.engines.combine; print('dask' in sys.modules, 'distributed' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
