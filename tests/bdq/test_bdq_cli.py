"""``dwcqa bdq`` (dwcqa.bdq_cli): a thin command over the library; output byte-faithful."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import pytest

from dwcqa import bdq
from dwcqa.bdq_cli import add_commands, expand_input_data, main

HERE = Path(__file__).resolve().parent
HEADER = ["dataID", "GUID", "Label", "Response.status", "Response.result", "Response.comment", "bdqval:sourceAuthority", "dwc:countryCode", "dwc:eventDate", "dwc:family"]
COUNTRYCODE = "0493bcfb-652e-4d17-815b-b0cce0742fbe"
EVENTDATE_INRANGE = "3cff4dc4-72e9-4abe-9bf3-8a30f1618432"
FAMILY_FOUND = "3667556d-d8f5-454c-922b-af8af38f613c"


def _write(path: Path, rows: list[list[str]], terminator: str = "\r\n") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator=terminator).writerows([HEADER, *rows])
    data = buffer.getvalue().encode("utf-8")
    path.write_bytes(data)
    return data


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8", errors="surrogateescape") as handle:
        return list(csv.DictReader(handle))


def test_add_commands_wires_a_bdq_subcommand():
    parser = argparse.ArgumentParser(prog="dwcqa")
    commands = parser.add_subparsers(dest="command")
    add_commands(commands)
    args = parser.parse_args(["bdq", "in.csv", "out.csv", "--param", "bdqval:latestValidDate=2000", "--checklist", "x.zip"])
    assert args.command == "bdq" and args.param == ["bdqval:latestValidDate=2000"] and callable(args.run)


def test_cases_are_run_by_guid_and_written_back_cell_for_cell(tmp_path):
    source = tmp_path / "cases.csv"
    data = _write(source, [
        ["1", COUNTRYCODE, "ANY LABEL", "", "", "", "", "AU", "", ""],
        ["2", f"  {COUNTRYCODE} ", "VALIDATION_COUNTRYCODE_STANDARD", "", "", "", "", "\x00", "", ""],
        ["3", COUNTRYCODE, "", "", "", "", "https://invalid/invalidservice", "AU", "", ""],
        ["4", "00000000-0000-0000-0000-000000000000", "", "", "", "", "", "", "", ""],
        ["5", EVENTDATE_INRANGE, "", "", "", "", "", "", "1990-01-01", ""],
    ])
    out = tmp_path / "out.csv"
    assert main(["bdq", str(source), str(out)]) == 0
    rows = _read(out)
    assert [r["Response.status"] for r in rows] == [
        "RUN_HAS_RESULT", "INTERNAL_PREREQUISITES_NOT_MET", "EXTERNAL_PREREQUISITES_NOT_MET", "", "RUN_HAS_RESULT",
    ]
    assert rows[0]["Response.result"] == "COMPLIANT" and rows[4]["Response.result"] == "COMPLIANT"
    assert "does not implement" in rows[3]["Response.comment"] or "no BDQ Test" in rows[3]["Response.comment"]
    written = out.read_bytes()
    assert b"\x00" in written and written.count(b"\r\n") == data.count(b"\r\n")
    # every input cell but the three Response columns is unchanged
    for before, after in zip(_read(source), rows):
        for column in HEADER:
            if not column.startswith("Response."):
                assert before[column] == after[column]


def test_params_apply_to_every_case_unless_the_row_has_its_own(tmp_path):
    source = tmp_path / "cases.csv"
    _write(source, [["1", EVENTDATE_INRANGE, "", "", "", "", "", "", "1990-01-01", ""]], terminator="\n")
    out = tmp_path / "out.csv"
    assert main(["bdq", str(source), str(out), "--param", "latestValidDate=1980"]) == 0
    assert _read(out)[0]["Response.result"] == "NOT_COMPLIANT"
    assert b"\r\n" not in out.read_bytes()


def test_checklist_option_gives_the_taxonomic_authority(tmp_path):
    source = tmp_path / "cases.csv"
    _write(source, [["1", FAMILY_FOUND, "", "", "", "", "", "", "", "Muricidae"]])
    out = tmp_path / "out.csv"
    assert main(["bdq", str(source), str(out)]) == 0
    assert _read(out)[0]["Response.status"] == "EXTERNAL_PREREQUISITES_NOT_MET"
    assert main(["bdq", str(source), str(out), "--checklist", str(HERE / "data" / "checklist")]) == 0
    assert _read(out)[0]["Response.result"] == "COMPLIANT"


def test_input_data_column_is_expanded():
    import pandas as pd

    frame = pd.DataFrame({"GUID": [COUNTRYCODE], "Input.data": ['dwc:countryCode="GL", bdqval:sourceAuthority="x, y"']}, dtype=object)
    expanded = expand_input_data(frame)
    assert expanded.loc[0, "dwc:countryCode"] == "GL" and expanded.loc[0, "bdqval:sourceAuthority"] == "x, y"
    responses = bdq.run_cases(expand_input_data(pd.DataFrame({"GUID": [COUNTRYCODE], "Input.data": ['dwc:countryCode="GL"']}, dtype=object)))
    assert responses.result.tolist() == ["COMPLIANT"]


def test_list(capsys):
    assert main(["bdq", "--list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 110
    first = next(t for t in listed if t["guid"] == COUNTRYCODE)
    assert first["requires"] == "none" and first["information_elements"] == ["dwc:countryCode"]


@pytest.mark.parametrize(
    "argv, message",
    [(["bdq", "only-input.csv"], "required"), (["bdq", "a.csv", "b.csv", "--param", "noequals"], "NAME=VALUE")],
)
def test_usage_errors_exit_2(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_input_without_guid_column_exits_2(tmp_path, capsys):
    source = tmp_path / "plain.csv"
    source.write_text("countryCode\nAU\n", encoding="utf-8")
    assert main(["bdq", str(source), str(tmp_path / "out.csv")]) == 2
    assert "GUID" in capsys.readouterr().err
