"""dwcqa.export and ``dwcqa clean``: amended, sensitive-aware, publication-ready archives.

The corpus round trip here applies every dwcqa amendment and checks that the exported archive,
read back, differs from the input exactly in the cells the change log names, with the new
values the log gives, and has no error-severity structure finding the input did not have.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import zipfile
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corpus import CORPUS, archives, corpus_id, corpus_or_skip
from dwcqa import amend
from dwcqa.archive import read
from dwcqa.archive.model import STRING, Archive, Dialect, Field, Table, TableSpec
from dwcqa.archive.writer import WriteError
from dwcqa.export import WITHHELD_SENSITIVE, export, sensitive_mask, withhold_sensitive
from dwcqa.terms import DWC, short_name
from dwcqa.amend.engine import table_labels
from test_writer import NOT_WRITABLE, assert_meta_valid, differences, dwca_reader_differences, read_or_skip, structure_errors, without_id_links

OCCURRENCE = DWC + "Occurrence"
MULTIMEDIA = "http://rs.gbif.org/terms/1.0/Multimedia"
SYMBIOTA = "http://symbiota.org/terms/"


def table(columns: dict[str, list], *, row_type=OCCURRENCE, id_index=0, is_core=True, terms: dict[str, str] | None = None) -> Table:
    names = list(columns)
    data = pd.DataFrame({i: pd.Series(columns[n], dtype=STRING) for i, n in enumerate(names)})
    terms = terms or {}
    fields = tuple(Field(terms.get(n, DWC + n), i) for i, n in enumerate(names) if terms.get(n, DWC + n))
    spec = TableSpec(row_type=row_type, files=(f"{short_name(row_type).lower()}.txt",), dialect=Dialect("\t", "", "\n", 1), fields=fields, id_index=id_index, is_core=is_core)
    return Table(spec=spec, data=data, header=names)


def archive_of(core: Table, *extensions: Table) -> Archive:
    eml = (CORPUS / "gbif-ipt/src/test/resources/resources/res1/eml.xml").read_bytes() if CORPUS.is_dir() else None
    return Archive(source="(memory)", kind="dwca", core=core, extensions=list(extensions), eml_xml=eml)


def changed_cells(log: pd.DataFrame, before: Archive, after: Archive) -> set[tuple[int, int, int]]:
    """(table, row, column) of every logged change, the column found by term name in either archive."""
    cells = set()
    labels = table_labels(before)
    for position, (a, b) in enumerate(zip(before.tables, after.tables)):
        columns: dict[str, int] = {}
        for f in list(b.spec.fields) + list(a.spec.fields):
            if f.index is not None:
                columns.setdefault(short_name(f.term), f.index)
        if a.spec.id_index is not None:
            columns.setdefault("coreid" if not a.spec.is_core else "id", a.spec.id_index)
        for row, term in log.loc[log["table"] == labels[position], ["row", "term"]].itertuples(index=False):
            cells.add((position, int(row), columns[term]))
    return cells


def logged_values_arrived(log: pd.DataFrame, after: Archive) -> list[str]:
    """Every logged change's new value is what a reader sees in the exported archive (last change per cell)."""
    wrong = []
    last = log.drop_duplicates(["table", "row", "term"], keep="last")
    for t, label in zip(after.tables, table_labels(after)):
        names = {short_name(f.term): f.term for f in t.spec.fields}
        for row, term, new in last.loc[last["table"] == label, ["row", "term", "new_value"]].itertuples(index=False):
            if term in ("coreid", "id") and term not in names:
                seen = t.ids.iloc[int(row)]
            elif term in names:
                seen = t.column(names[term]).iloc[int(row)]
            else:
                continue  # a plain table's own column name, kept as an unmapped column
            if (seen if isinstance(seen, str) else "") != (new if isinstance(new, str) else ""):
                wrong.append(f"{t.name} row {row} {term}: logged {new!r}, exported {seen!r}")
    return wrong


# -- export ----------------------------------------------------------------------------------------------


def test_export_applies_logs_and_changes_nothing_else(tmp_path):
    core = table({"occurrenceID": ["o1", "o2", "o3"], "basisOfRecord": ["preserved specimen", " PreservedSpecimen", "NULL"], "locality": ["Gent", "Namur", "Liège"]})
    archive = archive_of(core)
    out = tmp_path / "clean.zip"
    report = export(archive, out, amendments=amend.select("all"), changes=tmp_path / "changes.csv")
    again = read(out)
    assert list(again.core.column(DWC + "basisOfRecord")) == ["PreservedSpecimen", "PreservedSpecimen", ""]
    assert differences(archive, again, changed_cells(report.changes, archive, again)) == []
    assert logged_values_arrived(report.changes, again) == []
    assert report.amendments == {"WHITESPACE_TRIMMED": 1, "VERBATIM_NULL_EMPTIED": 1, "BASIS_OF_RECORD_STANDARDIZED": 1}
    written = pd.read_csv(tmp_path / "changes.csv", dtype=str, keep_default_na=False)
    assert written[["row", "term", "old_value", "new_value", "amendment"]].values.tolist()[0] == ["1", "basisOfRecord", " PreservedSpecimen", "PreservedSpecimen", "WHITESPACE_TRIMMED"]
    assert_meta_valid(out)


def test_export_refuses_to_touch_the_input(tmp_path):
    source = tmp_path / "in.zip"
    export(archive_of(table({"occurrenceID": ["1"], "basisOfRecord": ["x "]})), source)
    before = source.read_bytes()
    archive = read(source)
    with pytest.raises(WriteError, match="refusing to overwrite the input"):
        export(archive, source, amendments=amend.select("all"), overwrite=True)
    with pytest.raises(WriteError, match="refusing to overwrite the input"):
        export(archive, tmp_path / "out.zip", changes=source)
    assert source.read_bytes() == before
    assert not (tmp_path / "out.zip").exists()


def test_csv_of_the_cleaned_core(tmp_path):
    core = table({"occurrenceID": ["o1", "o2"], "country": ["Belgique", "France"], "locality": ["a, b", "c"]})
    export(archive_of(core), tmp_path / "clean.zip", amendments=["COUNTRY_CODE_FROM_COUNTRY"], csv=tmp_path / "core.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "core.csv").read_text(encoding="utf-8-sig"), newline="")))
    assert rows == [["occurrenceID", "country", "locality", "countryCode"], ["o1", "Belgique", "a, b", "BE"], ["o2", "France", "c", "FR"]]


# -- sensitive records ---------------------------------------------------------------------------------------


def symbiota_backup(mapped_flag: bool) -> Archive:
    columns = {
        "id": ["1", "2", "3", "4"],
        "occurrenceID": ["u1", "u2", "u3", "u4"],
        "locality": ["3 km N of the cave", "Market square", "Ridge trail", ""],
        "decimalLatitude": ["40.1", "40.2", "40.3", "40.4"],
        "decimalLongitude": ["-105.1", "-105.2", "-105.3", "-105.4"],
        "georeferenceRemarks": ["GPS", "", "map", "GPS"],
        "habitat": ["cave", "town", "ridge", "cave"],
        "localitySecurity": ["1", "0", "", "1"],
        "recordSecurity": ["", "", "5", ""],
    }
    terms = {"id": "", "localitySecurity": SYMBIOTA + "localitySecurity" if mapped_flag else "", "recordSecurity": SYMBIOTA + "recordSecurity" if mapped_flag else ""}
    return archive_of(table(columns, terms=terms))


@pytest.mark.parametrize("mapped_flag", [True, False], ids=["flag-mapped", "flag-unmapped-column"])
def test_sensitive_localities_are_withheld_by_default_and_logged(tmp_path, mapped_flag):
    archive = symbiota_backup(mapped_flag)
    assert list(sensitive_mask(archive.core)) == [True, False, True, True]
    report = export(archive, tmp_path / "out.zip")
    again = read(tmp_path / "out.zip")
    for term in ("locality", "decimalLatitude", "decimalLongitude", "georeferenceRemarks", "habitat"):
        values = list(again.core.column(DWC + term))
        assert values[1] == archive.core.column(DWC + term)[1]  # not flagged: untouched
        assert values[0] == values[2] == values[3] == ""
    withheld = list(again.core.column(DWC + "informationWithheld"))
    assert withheld[1] == "" and all("withheld" in w for w in (withheld[0], withheld[2], withheld[3]))
    log = report.changes
    assert set(log["amendment"]) == {WITHHELD_SENSITIVE}
    assert len(log[log["term"] == "locality"]) == 2  # row 3's locality was empty already
    assert report.sensitive_flagged == 3 and report.sensitive == 3
    assert any("withheld" in note for note in report.notes)
    assert differences(archive, again, changed_cells(log, archive, again)) == []


def test_sensitive_localities_are_kept_when_the_user_opts_out(tmp_path):
    archive = symbiota_backup(True)
    report = export(archive, tmp_path / "out.zip", withhold=False)
    again = read(tmp_path / "out.zip")
    assert report.changes.empty and report.sensitive == 0 and report.sensitive_flagged == 3
    assert any("WITH their locality" in note for note in report.notes)
    assert differences(archive, again) == []


def test_withholding_does_not_modify_the_input():
    archive = symbiota_backup(True)
    before = archive.core.data.copy()
    withheld, log, records = withhold_sensitive(archive)
    pd.testing.assert_frame_equal(archive.core.data, before)
    assert records == 3 and withheld.core.column(DWC + "locality")[0] == ""


# -- ready only ---------------------------------------------------------------------------------------------------


def half_ready() -> Archive:
    core = table(
        {
            "occurrenceID": ["o1", "o2", "o3", "o3", "o5"],
            "basisOfRecord": ["PreservedSpecimen", "", "PreservedSpecimen", "PreservedSpecimen", "PreservedSpecimen"],
            "scientificName": ["Aus bus", "Aus bus", "Aus cus", "Aus dus", "Aus eus"],
            "eventDate": ["2001-01-01"] * 5,
        }
    )
    media = table({"coreid": ["o1", "o2", "o3", "o5", "o5", "orphan"], "identifier": ["1.jpg", "2.jpg", "3.jpg", "5a.jpg", "5b.jpg", "x.jpg"]}, row_type=MULTIMEDIA, is_core=False, terms={"coreid": "", "identifier": "http://purl.org/dc/terms/identifier"})
    return archive_of(core, media)


def test_ready_only_keeps_records_without_errors_and_their_extension_rows(tmp_path):
    archive = half_ready()
    out = tmp_path / "ready.zip"
    report = export(archive, out, ready_only=True)
    ready = read(out)
    assert list(ready.core.ids) == ["o1", "o5"]
    assert list(ready.extensions[0].ids) == ["o1", "o5", "o5"]
    assert report.held_back == 3 and report.records == 2
    rest = read(report.held_back_path)
    assert list(rest.core.ids) == ["o2", "o3", "o3"]
    assert list(rest.extensions[0].ids) == ["o2", "o3", "orphan"]
    assert not {"RECORD_REFERENTIAL_INTEGRITY_VIOLATION", "RECORD_NOT_UNIQUELY_IDENTIFIED"} & structure_errors(ready)
    issues = pd.read_csv(report.held_back_issues, dtype=str, keep_default_na=False)
    assert {"BASIS_OF_RECORD_MISSING", "RECORD_NOT_UNIQUELY_IDENTIFIED"} <= set(issues["check"])
    assert set(issues["id"]) == {"o2", "o3"}


def test_ready_only_after_amendments_counts_fixed_records_as_ready(tmp_path):
    core = table({"occurrenceID": ["o1", "o2"], "basisOfRecord": ["PreservedSpecimen", "preserved specimen"], "scientificName": ["Aus bus", "Aus cus"], "eventDate": ["2001-01-01", "2001-01-01"]})
    archive = archive_of(core)
    report = export(archive, tmp_path / "ready.zip", amendments=["BASIS_OF_RECORD_STANDARDIZED"], ready_only=True)
    assert report.records == 2 and report.held_back == 0 and report.held_back_path is None


# -- the corpus, every dwcqa amendment applied ----------------------------------------------------------------------

ARCHIVES = archives()
OPTIONS = {"guid_namespace": "https://example.org/dwcqa-tests"}


@pytest.mark.parametrize("path", ARCHIVES, ids=[corpus_id(p) for p in ARCHIVES])
def test_corpus_export_with_amendments_differs_only_where_logged(path, tmp_path):
    corpus_or_skip()
    archive = read_or_skip(path, tmp_path / "in")
    out = tmp_path / "out.zip"
    if corpus_id(path) in NOT_WRITABLE:
        with pytest.raises(WriteError):
            export(archive, out, amendments=amend.select("all"), options=OPTIONS)
        return
    report = export(archive, out, amendments=amend.select("all"), options=OPTIONS, changes=tmp_path / "changes.csv")
    again = read(out)
    assert differences(archive, again, changed_cells(report.changes, archive, again)) == []
    assert logged_values_arrived(report.changes, again) == []
    assert not (structure_errors(again) - structure_errors(archive))
    assert len(pd.read_csv(tmp_path / "changes.csv", dtype=str, keep_default_na=False)) == len(report.changes)
    if without_id_links(archive) is None:  # the independent reader sees what dwcqa sees
        assert dwca_reader_differences(again, out) == []


# -- the command line ---------------------------------------------------------------------------------------------------


def run_cli(*argv: str) -> tuple[int, str]:
    from dwcqa import cli
    from dwcqa.export_cli import add_commands

    parser = argparse.ArgumentParser(prog="dwcqa")
    commands = parser.add_subparsers(dest="command")
    add_commands(commands)
    args = parser.parse_args(list(argv))
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        try:
            code = args.run(args)
        except Exception as error:  # what cli.main does with an unreadable input
            from dwcqa.archive import ArchiveError

            if not isinstance(error, ArchiveError):
                raise
            code = cli.EXIT_UNREADABLE
    return code, buffer.getvalue()


def source_archive(tmp_path: Path) -> Path:
    source = tmp_path / "in.zip"
    core = table({"occurrenceID": ["o1", "o2"], "basisOfRecord": ["preserved specimen", "PreservedSpecimen"], "country": ["Belgique", ""]})
    export(archive_of(core), source)
    return source


def test_cli_clean_json_is_the_librarys_report(tmp_path):
    source = source_archive(tmp_path)
    code, output = run_cli("clean", str(source), "-o", str(tmp_path / "a.zip"), "--amend", "all", "--json", "--changes", str(tmp_path / "a.csv"))
    assert code == 0
    expected = export(read(source), tmp_path / "b.zip", amendments=amend.select("all"), changes=tmp_path / "b.csv").to_dict()
    got = json.loads(output)
    for key in ("path", "changes_path"):
        got.pop(key), expected.pop(key)
    for t in got["tables"] + expected["tables"]:
        t.pop("location", None)
    assert got == expected
    assert got["amendments"] == {"BASIS_OF_RECORD_STANDARDIZED": 1, "COUNTRY_CODE_FROM_COUNTRY": 1}


def test_cli_clean_preview_writes_nothing(tmp_path):
    source = source_archive(tmp_path)
    code, output = run_cli("clean", str(source), "--preview", "--amend", "BASIS_OF_RECORD_STANDARDIZED")
    assert code == 0
    assert "BASIS_OF_RECORD_STANDARDIZED" in output and "'preserved specimen' -> 'PreservedSpecimen'" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.zip"]


def test_cli_clean_refuses_the_input_and_unknown_amendments(tmp_path, capsys):
    source = source_archive(tmp_path)
    code, _ = run_cli("clean", str(source), "-o", str(source), "--force")
    assert code == 2 and "refusing to overwrite the input" in capsys.readouterr().err
    code, _ = run_cli("clean", str(source), "-o", str(tmp_path / "x.zip"), "--amend", "NO_SUCH_FIX")
    assert code == 2 and "no amendment" in capsys.readouterr().err
    code, _ = run_cli("clean", str(source))
    assert code == 2 and "needs -o" in capsys.readouterr().err


def test_cli_clean_with_licence_contact_and_exclusions(tmp_path):
    source = source_archive(tmp_path)
    out = tmp_path / "out.zip"
    code, output = run_cli(
        "clean", str(source), "-o", str(out), "--amend", "all", "--exclude", "o1", "--licence", "CC-BY-4.0",
        "--contact", "Ada Lovelace <ada@example.org>", "--title", "A test dataset of two records",
    )
    assert code == 0 and "wrote" in output
    again = read(out)
    assert list(again.core.column(DWC + "basisOfRecord")) == ["preserved specimen", "PreservedSpecimen"]  # o1 excluded
    eml = zipfile.ZipFile(out).read("eml.xml").decode()
    assert "creativecommons.org/licenses/by/4.0" in eml and "ada@example.org" in eml and "Lovelace" in eml
