"""dwcqa.compare on real successive versions and on versions built from real records.

Expected figures are computed here from the raw files with the csv module (not with dwcqa's
reader), and a few are also written out by hand after reading the files.

The three versions of ALA's dataset dr893 (gbif-pipelines, livingatlas UUID tests; see
UUIDPipelineTestIT: 5 records loaded, 3 after removal, 6 after re-adding):

- v1: ``image-service-non/dr893/occurrence.csv`` - records not-an-uuid-1..5. The corpus keeps
  ALA's ``uuid-management/dr893/`` only as this byte-identical copy (its five lines are the first
  five lines of dr893-readded);
- v2: ``uuid-management/dr893-reduced`` - not-an-uuid-1..3 (4 and 5 removed);
- v3: ``uuid-management/dr893-readded`` - not-an-uuid-1..6 (4 and 5 back, 6 new: the same
  observer, date, place and taxon as 5, another observation number).

v2 and v3 lack meta.xml in the corpus (identical to default-values/dr893/meta.xml);
``materialize`` restores it.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corpus import corpus_or_skip, materialize
from dwcqa.archive import ArchiveError
from dwcqa.compare import THRESHOLD, compare, load_version, render, version_from_frame, write_migration
from dwcqa.compare_cli import add_commands

DR893 = "gbif-pipelines/livingatlas/pipelines/src/test/resources"
MCZ = "kurator-validation/packages/kurator_dwca/data/tests/test_mcz.txt"


# -- helpers --------------------------------------------------------------------------------------


def dr893_versions(tmp_path: Path) -> dict[str, Path]:
    root = corpus_or_skip() / DR893
    return {
        "v1": materialize(root / "image-service-non/dr893", tmp_path),
        "v2": materialize(root / "uuid-management/dr893-reduced", tmp_path),
        "v3": materialize(root / "uuid-management/dr893-readded", tmp_path),
    }


def raw_ids(folder: Path) -> list[str]:
    """occurrenceID = column 0 of occurrence.csv (meta.xml: comma, quote ", no header)."""
    with open(folder / "occurrence.csv", encoding="utf-8", newline="") as handle:
        return [row[0] for row in csv.reader(handle) if row]


def expected_counts(old: list[str], new: list[str]) -> dict:
    o, n = set(old), set(new)
    share = sum(1 for i in new if i not in o) / len(new)
    return {
        "old_records": len(old), "new_records": len(new), "kept": len(o & n), "added": len(n - o),
        "removed": len(o - n), "new_id_share": share, "exceeds_threshold": share > THRESHOLD,
    }


def read_mcz() -> tuple[list[str], list[list[str]]]:
    """The MCZbase export as raw rows (tab-delimited, unquoted, CR line ends, one header line)."""
    text = (corpus_or_skip() / MCZ).read_text(encoding="utf-8")
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE) if r]
    return rows[0], [list(r) for r in rows[1:]]


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.writelines("\t".join(r) + "\n" for r in [header, *rows])
    return path


def cli(argv: list[str]) -> int:
    """Run a compare/history command through an argparse parser of our own (like dwcqa.cli.main)."""
    parser = argparse.ArgumentParser(prog="dwcqa")
    add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.run(args)


def migration_rows(text: str) -> list[tuple[str, str]]:
    return [tuple(r) for r in csv.reader(io.StringIO(text, newline=""))]


# -- dr893: three real successive versions ----------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, by_hand",
    [
        # v1 -> v2: records 4 and 5 removed
        ("v1", "v2", dict(old_records=5, new_records=3, kept=3, added=0, removed=2, new_id_share=0.0)),
        # v2 -> v3: 4 and 5 re-added, 6 new: 3 of 6 new records have a new ID = exactly 50%, not above
        ("v2", "v3", dict(old_records=3, new_records=6, kept=3, added=3, removed=0, new_id_share=0.5)),
        # v1 -> v3: only record 6 is new
        ("v1", "v3", dict(old_records=5, new_records=6, kept=5, added=1, removed=0, new_id_share=1 / 6)),
        # v3 -> v2 (going back): three removed, none new
        ("v3", "v2", dict(old_records=6, new_records=3, kept=3, added=0, removed=3, new_id_share=0.0)),
    ],
)
def test_dr893_versions_give_exact_counts(tmp_path, old, new, by_hand):
    versions = dr893_versions(tmp_path)
    expected = expected_counts(raw_ids(versions[old]), raw_ids(versions[new]))
    for key, value in by_hand.items():
        assert expected[key] == pytest.approx(value), f"the hand count of {key} disagrees with the raw file"
    report = compare(versions[old], versions[new]).report
    for key, value in expected.items():
        assert report[key] == pytest.approx(value), key
    assert report["exceeds_threshold"] is False
    assert report["verdict"] == "stable"
    assert report["proposed_pairs"] == 0 and report["ambiguous"] == 0
    assert report["reused_ids"] == 0


def test_dr893_removed_and_added_ids_are_the_ones_in_the_files(tmp_path):
    versions = dr893_versions(tmp_path)
    assert raw_ids(versions["v1"]) == [f"not-an-uuid-{i}" for i in range(1, 6)]
    assert raw_ids(versions["v2"]) == [f"not-an-uuid-{i}" for i in range(1, 4)]
    assert raw_ids(versions["v3"]) == [f"not-an-uuid-{i}" for i in range(1, 7)]
    text = render(compare(versions["v1"], versions["v2"]).report)
    assert "2 occurrenceIDs of the old version are gone" in text


def test_dr893_another_observation_with_the_same_content_is_not_paired(tmp_path):
    """Record 6 of v3 repeats record 5 except its observation number (recordNumber): when 5 is
    gone and 6 is new, they must not be proposed as the same record."""
    versions = dr893_versions(tmp_path)
    v1 = load_version(versions["v1"])
    v3 = load_version(versions["v3"])
    without_5 = v3.frame[v3.frame["__id__"] != "not-an-uuid-5"].reset_index(drop=True)
    new = version_from_frame(without_5, label="v3 without record 5")
    result = compare(v1, new)
    assert (result.report["kept"], result.report["added"], result.report["removed"]) == (4, 1, 1)
    assert result.report["proposed_pairs"] == 0
    assert result.migration_csv() == ""


def test_dr893_rekeyed_observation_is_paired_on_collector_number_and_date(tmp_path):
    versions = dr893_versions(tmp_path)
    v1 = load_version(versions["v1"])
    frame = v1.frame.copy()
    frame["__id__"] = frame["__id__"].replace({"not-an-uuid-5": "urn:uuid:ffff4965-d9bc-4baa-a7dd-84ba594fc298"})
    result = compare(v1, version_from_frame(frame, label="v1 re-keyed"))
    assert result.pairs[["old_id", "new_id", "matched_by"]].values.tolist() == [
        ["not-an-uuid-5", "urn:uuid:ffff4965-d9bc-4baa-a7dd-84ba594fc298", "collector"]
    ]
    # the evidence names the key as written: recordedBy | recordNumber | eventDate
    assert result.pairs["value"][0] == "Carol Page | http://www.bowerbird.org.au/observations/76433 | 26/11/16"


# -- re-keyed from triplets to UUIDs (built from real MCZ records) ------------------------------------


def build_rekeyed(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    header, rows = read_mcz()
    i_id, i_inst, i_coll, i_cat = (header.index(t) for t in ("occurrenceID", "institutionCode", "collectionCode", "catalogNumber"))
    rng = random.Random(7)
    old_rows, new_rows, mapping = [], [], {}
    for row in rows:
        old = list(row)
        old[i_id] = f"urn:catalog:{row[i_inst]}:{row[i_coll]}:{row[i_cat]}"
        new = list(row)
        new[i_id] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        mapping[old[i_id]] = new[i_id]
        old_rows.append(old)
        new_rows.append(new)
    rng.shuffle(new_rows)  # a re-export need not keep the order
    return write_tsv(tmp_path / "v1.txt", header, old_rows), write_tsv(tmp_path / "v2.txt", header, new_rows), mapping


def test_rekeyed_from_triplets_to_uuids_is_flagged_and_migrated(tmp_path):
    old, new, mapping = build_rekeyed(tmp_path)
    assert len(mapping) == 192  # every triplet is unique in this export
    result = compare(old, new)
    report = result.report
    assert (report["old_records"], report["new_records"]) == (192, 192)
    assert (report["kept"], report["added"], report["removed"]) == (0, 192, 192)
    assert report["new_id_share"] == 1.0 and report["exceeds_threshold"] is True
    assert report["verdict"] == "rekeyed"
    assert "GBIF will pause ingestion of this dataset" in report["message"]
    assert [o["option"] for o in report["options"]] == [1, 2, 3]
    assert report["proposed_pairs"] == 192 and report["pairs_by_key"]["triplet"] == 192
    assert report["ambiguous"] == 0
    assert report["new_id_share_after_migration"] == 0.0
    lines = migration_rows(result.migration_csv())
    assert len(lines) == 192 and all(len(line) == 2 for line in lines)
    assert dict(lines) == mapping  # every old ID maps to the new ID of the same record


def test_compare_command_writes_migration_and_json_and_exits_1(tmp_path, capsys):
    old, new, mapping = build_rekeyed(tmp_path)
    migration, report_file = tmp_path / "migration.csv", tmp_path / "report.json"
    assert cli(["compare", str(old), str(new), "--migration", str(migration), "--json", str(report_file)]) == 1
    out = capsys.readouterr().out
    assert "GBIF will pause ingestion of this dataset" in out and "192 proposed" in out
    text = migration.read_text(encoding="utf-8")
    assert not text.startswith("old") and text.count("\n") == 192  # no header, one line per pair
    assert dict(migration_rows(text)) == mapping
    report = json.loads(report_file.read_text(encoding="utf-8"))
    for key in ("old_records", "new_records", "kept", "added", "removed", "new_id_share", "exceeds_threshold", "proposed_pairs", "ambiguous"):
        assert key in report
    assert report == json.loads(json.dumps(compare(old, new).report))  # --json is the library's report
    assert cli(["compare", str(old), str(old)]) == 0  # the same version: nothing changes


def test_cli_unreadable_input_is_an_archive_error(tmp_path):
    with pytest.raises(ArchiveError):
        cli(["compare", str(tmp_path / "missing.zip"), str(tmp_path / "missing.zip")])
    from dwcqa import cli as dwcqa_cli

    if "compare" not in dwcqa_cli.build_parser().format_help():
        pytest.skip("dwcqa.cli does not wire compare_cli.add_commands yet")
    assert dwcqa_cli.main(["compare", str(tmp_path / "missing.zip"), str(tmp_path / "missing.zip")]) == 2


def test_migration_file_quotes_only_commas_and_quotes():
    pairs = pd.DataFrame({"old_id": ["a", "b,1", 'c"2'], "new_id": ["x", "y", "z,3"]})
    handle = io.StringIO()
    assert write_migration(pairs, handle) == 3
    assert handle.getvalue() == 'a,x\n"b,1",y\n"c""2","z,3"\n'


# -- the matcher, on a version built from the real MCZ records ---------------------------------------


def test_rekeyed_records_are_found_by_each_key_and_never_guessed(tmp_path):
    header, rows = read_mcz()
    col = {name: header.index(name) for name in header}
    rows = [list(r) for r in rows]
    fresh = iter(str(uuid.UUID(int=i, version=4)) for i in range(1, 10_000))
    new_rows: list[list[str]] = []
    expected: dict[str, tuple[str, str]] = {}  # old id -> (new id, key)

    def rekey(row, **changes):
        out = list(row)
        out[col["occurrenceID"]] = next(fresh)
        for name, value in changes.items():
            out[col[name]] = value
        return out

    blocks = {name: [] for name in ("triplet", "catalog", "other", "similar", "ambiguous", "lost", "removed", "kept")}
    order = list(range(len(rows)))
    random.Random(3).shuffle(order)
    for rank, i in enumerate(order):
        row = rows[i]
        name = ("triplet",) * 100 + ("catalog",) * 10 + ("other",) * 10 + ("similar",) * 5 + ("ambiguous",) * 1 + ("lost",) * 4 + ("removed",) * 5
        kind = name[rank] if rank < len(name) else "kept"
        blocks[kind].append(i)
    # Catalogue numbers can repeat across MCZ collections: the "catalog" block uses numbers unique in the file.
    catalogs = [r[col["catalogNumber"]] for r in rows]
    for i in blocks["triplet"]:
        new = rekey(rows[i])
        expected[rows[i][col["occurrenceID"]]] = (new[col["occurrenceID"]], "triplet")
        new_rows.append(new)
    for i in blocks["catalog"]:  # a renamed collection: the triplet changes, the number stays
        assert catalogs.count(rows[i][col["catalogNumber"]]) == 1
        new = rekey(rows[i], collectionCode=rows[i][col["collectionCode"]] + "-renamed")
        expected[rows[i][col["occurrenceID"]]] = (new[col["occurrenceID"]], "catalogNumber")
        new_rows.append(new)
    for n, i in enumerate(blocks["other"]):  # renumbered, old number kept in otherCatalogNumbers
        old_cat = rows[i][col["catalogNumber"]]
        new = rekey(rows[i], catalogNumber=f"R{900000 + n}", otherCatalogNumbers=f"{old_cat} | " + rows[i][col["otherCatalogNumbers"]])
        expected[rows[i][col["occurrenceID"]]] = (new[col["occurrenceID"]], "otherCatalogNumbers")
        new_rows.append(new)
    for i in blocks["similar"]:  # the codes were dropped from the export: only the content is left
        new = rekey(rows[i], catalogNumber="", otherCatalogNumbers="", collectionCode="")
        expected[rows[i][col["occurrenceID"]]] = (new[col["occurrenceID"]], "similarity")
        new_rows.append(new)
    for i in blocks["ambiguous"]:  # two new records equally like one old record
        a = rekey(rows[i], catalogNumber="", otherCatalogNumbers="", collectionCode="")
        b = rekey(rows[i], catalogNumber="", otherCatalogNumbers="", collectionCode="")
        new_rows.extend([a, b])
        ambiguous_old, ambiguous_new = rows[i][col["occurrenceID"]], {a[col["occurrenceID"]], b[col["occurrenceID"]]}
    for n, i in enumerate(blocks["lost"]):  # renumbered, old number NOT kept: no evidence left
        new = rekey(rows[i], catalogNumber=f"L{800000 + n}", otherCatalogNumbers="")
        new_rows.append(new)
    for i in blocks["kept"]:
        new_rows.append(list(rows[i]))
    # blocks["removed"]: gone from the new version
    old_path = write_tsv(tmp_path / "old.txt", header, rows)
    new_path = write_tsv(tmp_path / "new.txt", header, new_rows)

    result = compare(old_path, new_path)
    report = result.report
    n_kept = len(blocks["kept"])
    rekeyed = sum(len(blocks[k]) for k in ("triplet", "catalog", "other", "similar", "ambiguous", "lost"))
    assert report["kept"] == n_kept
    assert report["removed"] == rekeyed + len(blocks["removed"])
    assert report["added"] == rekeyed + 1  # the ambiguous record has two new copies
    assert report["new_records"] == len(new_rows)
    assert report["new_id_share"] == pytest.approx((rekeyed + 1) / len(new_rows))
    assert report["exceeds_threshold"] is True

    found = {row.old_id: (row.new_id, row.matched_by) for row in result.pairs.itertuples()}
    assert found == expected
    assert report["pairs_by_key"] == {"triplet": 100, "catalogNumber": 10, "otherCatalogNumbers": 10, "sharedOtherNumber": 0, "collector": 0, "similarity": 5}
    # the renamed collection shows in the evidence
    catalog_pairs = result.pairs[result.pairs["matched_by"] == "catalogNumber"]
    assert (catalog_pairs["differs"] == "collectionCode").all()
    # the old record with two equally good candidates is listed, not guessed
    assert report["ambiguous"] == 1
    row = result.ambiguous.iloc[0]
    assert row["old_id"] == ambiguous_old and row["n_candidates"] == 2
    assert set(row["candidates"].split(" | ")) == ambiguous_new
    assert ambiguous_old not in dict(migration_rows(result.migration_csv()))
    # renumbered records whose old number is gone stay unpaired
    lost = {rows[i][col["occurrenceID"]] for i in blocks["lost"]}
    assert not lost & set(found)


def test_reused_ids_and_catalog_numbers_not_kept(tmp_path):
    header, rows = read_mcz()
    col = {name: header.index(name) for name in header}
    new_rows = [list(r) for r in rows]
    # 0: the ID now names another specimen (other number, other family)
    donor = next(r for r in rows if r[col["family"]] and r[col["family"]] != rows[0][col["family"]])
    for term in ("catalogNumber", "scientificName", "family", "genus", "specificEpithet", "order", "class"):
        new_rows[0][col[term]] = donor[col[term]]
    # 1: renumbered, the old number kept in otherCatalogNumbers: fine
    new_rows[1][col["otherCatalogNumbers"]] = f"MCZ:Herp:{rows[1][col['catalogNumber']]}"
    new_rows[1][col["catalogNumber"]] = "N-1"
    # 2: renumbered without keeping the old number
    new_rows[2][col["catalogNumber"]] = "N-2"
    new_rows[2][col["otherCatalogNumbers"]] = ""
    # 3: re-identified within the genus: an ordinary identification change
    new_rows[3][col["scientificName"]] = rows[3][col["scientificName"]].split()[0] + " sp."
    new_rows[3][col["specificEpithet"]] = ""
    # 4: the same number written with a prefix and leading zeros: not another specimen, but the
    #    former form is not kept in otherCatalogNumbers
    new_rows[4][col["catalogNumber"]] = "R-00" + rows[4][col["catalogNumber"]]
    old = write_tsv(tmp_path / "old.txt", header, rows)
    new = write_tsv(tmp_path / "new.txt", header, new_rows)
    result = compare(old, new)
    assert result.report["kept"] == 192 and result.report["new_id_share"] == 0.0
    reused = result.reused.set_index("occurrenceID")
    ids = [r[col["occurrenceID"]] for r in rows]
    assert sorted(reused.index) == sorted([ids[0], ids[2]])
    assert reused.loc[ids[0], "reason"] == "catalogNumber and taxon changed"
    assert reused.loc[ids[2], "reason"].startswith("catalogNumber changed")
    not_kept = result.catalog_not_kept
    assert sorted(not_kept["old_id"]) == sorted([ids[0], ids[2], ids[4]])
    assert result.report["reused_ids"] == 2 and result.report["catalog_numbers_not_kept"] == 3


def test_a_dataset_that_grew_is_told_apart(tmp_path):
    header, rows = read_mcz()
    old = write_tsv(tmp_path / "old.txt", header, rows[:50])
    new = write_tsv(tmp_path / "new.txt", header, rows)
    report = compare(old, new).report
    assert report["new_id_share"] == pytest.approx(142 / 192) and report["exceeds_threshold"] is True
    assert report["verdict"] == "grew"
    assert "grew" in report["message"] and "genuinely new records" in report["message"]


def test_mixed_inputs_archive_csv_and_frame(tmp_path):
    versions = dr893_versions(tmp_path)
    v3 = load_version(versions["v3"])
    frame = v3.frame.rename(columns=lambda c: "occurrenceID" if c == "__id__" else c.rsplit("/", 1)[-1])
    csv_path = tmp_path / "v3.csv"
    frame.to_csv(csv_path, index=False)
    a = compare(versions["v1"], versions["v3"]).report
    b = compare(versions["v1"], csv_path).report
    c = compare(load_version(versions["v1"]), v3.frame.rename(columns={"__id__": "occurrenceID"})).report
    for key in ("old_records", "new_records", "kept", "added", "removed", "new_id_share"):
        assert a[key] == b[key] == c[key], key


def test_two_hundred_thousand_records_pair_exactly():
    """200,000 against 200,000 records, 60% re-keyed: every re-keyed record is paired (timing: bench/bench_compare.py)."""
    n = 200_000
    numbers = np.arange(n)
    cat = pd.Series(numbers.astype(str), dtype="string[pyarrow]")
    old = pd.DataFrame(
        {
            "occurrenceID": "urn:catalog:MCZ:Herp:" + cat,
            "institutionCode": pd.Series(["MCZ"] * n, dtype="string[pyarrow]"),
            "collectionCode": pd.Series(["Herp"] * n, dtype="string[pyarrow]"),
            "catalogNumber": cat,
            "scientificName": pd.Series(np.where(numbers % 2, "Anolis bonairensis", "Rana pipiens"), dtype="string[pyarrow]"),
        }
    )
    new = old.copy()
    rekey = numbers % 5 < 3
    new.loc[rekey, "occurrenceID"] = "uuid-" + cat[rekey]
    report = compare(version_from_frame(old), version_from_frame(new)).report
    assert report["proposed_pairs"] == int(rekey.sum()) and report["exceeds_threshold"] is True
