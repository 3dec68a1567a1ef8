"""``dwcqa compare`` and ``dwcqa history``: thin commands over dwcqa.compare and dwcqa.history.

``add_commands(commands)`` adds both to the subparsers of dwcqa.cli. Exit codes: compare 0 when
GBIF would ingest the new version, 1 when more than half of its records have new occurrenceIDs
(GBIF pauses ingestion); 2 when an input cannot be read or a history reference does not exist
(an ArchiveError, which dwcqa.cli.main turns into one line on stderr).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys

EXIT_OK = 0
EXIT_PAUSED = 1

COMPARE_EPILOG = """\
OLD and NEW are each a Darwin Core Archive (zip, tar.gz, folder), a CSV/TSV table, or a version
recorded with `dwcqa history add`: history:NAME (the latest) or history:NAME@VERSION.

examples:
  dwcqa compare dwca-v1.zip dwca-v2.zip
  dwcqa compare history:herbarium dwca-v2.zip --migration migration.csv --json report.json
  dwcqa compare old.csv new.csv --pairs pairs.csv --json -

exit codes: 0 GBIF would ingest NEW, 1 more than 50% of NEW's records have new occurrenceIDs
(GBIF pauses ingestion), 2 an input cannot be read"""

HISTORY_EPILOG = """\
The history database: --history-db, else $DWCQA_HISTORY, else $XDG_DATA_HOME/dwcqa/history.sqlite
(~/.local/share/dwcqa/history.sqlite).

examples:
  dwcqa history add dwca-v2.zip --name herbarium --date 2025-03-01
  dwcqa history list
  dwcqa history export herbarium --version 1 -o herbarium-v1.csv
  dwcqa history delete herbarium --version 1
  dwcqa compare history:herbarium dwca-v3.zip"""


def add_commands(commands) -> None:
    """Add ``compare`` and ``history`` to the argparse subparsers object of dwcqa.cli."""
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--history-db", metavar="PATH", help="the history database (default: $DWCQA_HISTORY or the user data folder)")

    compare = commands.add_parser(
        "compare",
        parents=[db],
        help="occurrenceID stability between two versions; GBIF migration file",
        description="Compare two versions of a dataset the way GBIF does at ingestion: occurrenceIDs kept, "
        "added and removed, the share of new IDs (GBIF pauses above 50%), re-keyed records paired on "
        "secondary keys, and IDs reused for other specimens.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=COMPARE_EPILOG,
    )
    compare.add_argument("old", help="the version published before (path or history:NAME[@VERSION])")
    compare.add_argument("new", help="the version about to be published (path or history:NAME[@VERSION])")
    compare.add_argument("--migration", metavar="FILE", help="write GBIF's migration file: old,new occurrenceID per line, no header")
    compare.add_argument("--pairs", metavar="FILE.csv", help="write every proposed pair with its evidence, and the ambiguous candidates")
    compare.add_argument("--json", metavar="FILE", help="write the results as JSON to FILE (- for stdout)")
    compare.set_defaults(run=run_compare)

    history = commands.add_parser(
        "history",
        help="record published versions; list, delete, export them",
        description="The versions you published, kept locally, so that `dwcqa compare history:NAME NEW` needs no old file.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=HISTORY_EPILOG,
    )
    actions = history.add_subparsers(dest="history_action", metavar="ACTION", required=True)

    add = actions.add_parser("add", parents=[db], help="record an archive or table as published")
    add.add_argument("path", help="the archive (zip, tar.gz, folder) or CSV/TSV table that was published")
    add.add_argument("--name", help="the dataset's name in the history (default: its datasetID, else its title)")
    add.add_argument("--date", help="publication date, YYYY-MM-DD (default: today)")
    add.add_argument("--note", help="a note kept with the version")
    add.add_argument("--force", action="store_true", help="record even when the file is identical to the latest version")
    add.add_argument("--json", action="store_true", help="print the recorded version as JSON")
    add.set_defaults(run=run_history_add)

    listing = actions.add_parser("list", parents=[db], help="datasets and their versions")
    listing.add_argument("name", nargs="?", help="only this dataset")
    listing.add_argument("--json", action="store_true", help="print JSON instead of text")
    listing.set_defaults(run=run_history_list)

    delete = actions.add_parser("delete", parents=[db], help="delete one version, or a dataset with all its versions")
    delete.add_argument("name")
    which = delete.add_mutually_exclusive_group(required=True)
    which.add_argument("--version", type=int, metavar="N", help="the version to delete")
    which.add_argument("--all", action="store_true", help="delete the dataset and every version of it")
    delete.set_defaults(run=run_history_delete)

    export = actions.add_parser("export", parents=[db], help="write a stored version as CSV (readable by compare)")
    export.add_argument("name")
    export.add_argument("--version", type=int, metavar="N", help="the version (default: the latest)")
    export.add_argument("-o", "--output", metavar="FILE.csv", help="the file to write (default: stdout)")
    export.set_defaults(run=run_history_export)


def _store(args):
    from dwcqa.history import HistoryStore

    return HistoryStore(getattr(args, "history_db", None))


# -- compare ----------------------------------------------------------------------------------


def run_compare(args) -> int:
    from dwcqa.compare import compare, render, write_migration

    uses_history = any(str(x).startswith("history:") for x in (args.old, args.new))
    result = compare(args.old, args.new, history=_store(args) if uses_history else None)
    report = result.report
    if args.migration:
        with open(args.migration, "w", encoding="utf-8", newline="") as handle:
            write_migration(result.pairs, handle)
    if args.pairs:
        with open(args.pairs, "w", encoding="utf-8", newline="") as handle:
            write_pairs(result, handle)
    if args.json == "-":
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        if args.json:
            with open(args.json, "w", encoding="utf-8") as handle:
                json.dump(report, handle, indent=2, ensure_ascii=False)
        text = render(report)
        if args.migration:
            text += f"\nmigration file: {args.migration} ({report['proposed_pairs']:,} lines)\n"
        sys.stdout.write(text)
    return EXIT_PAUSED if report["exceeds_threshold"] else EXIT_OK


def write_pairs(result, handle) -> None:
    """Proposed pairs with their evidence, then the ambiguous removed records with their candidates."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(["status", "old_id", "new_id", "matched_by", "value", "similarity", "differs", "n_candidates"])
    pairs = result.pairs
    similarity = pairs["similarity"].map(lambda x: "" if x != x else f"{x:.3f}")
    writer.writerows(
        zip(
            ["proposed"] * len(pairs), pairs["old_id"], pairs["new_id"], pairs["matched_by"], pairs["value"],
            similarity, pairs["differs"], [1] * len(pairs),
        )
    )
    amb = result.ambiguous
    writer.writerows(
        zip(
            ["ambiguous"] * len(amb), amb["old_id"], amb["candidates"], amb["matched_by"], amb["value"],
            [""] * len(amb), [""] * len(amb), amb["n_candidates"],
        )
    )


# -- history ----------------------------------------------------------------------------------


def run_history_add(args) -> int:
    store = _store(args)
    info = store.add(args.path, name=args.name, published=args.date, note=args.note, force=args.force)
    if args.json:
        json.dump(info.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif info.unchanged:
        sys.stdout.write(
            f"{args.path} is identical to {info.reference} (same checksum); nothing recorded (--force records it anyway)\n"
        )
    else:
        sys.stdout.write(f"recorded {info.reference}: {info.records:,} records, published {info.published}  ({store.path})\n")
    return EXIT_OK


def run_history_list(args) -> int:
    store = _store(args)
    datasets = store.datasets()
    if args.name:
        datasets = [d for d in datasets if d["name"] == args.name]
        if not datasets:
            store.versions(args.name)  # raises HistoryError naming the known datasets
    if args.json:
        json.dump({"database": str(store.path), "datasets": datasets}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    lines = [f"history: {store.path}"]
    if not datasets:
        lines.append("(no versions recorded; dwcqa history add ARCHIVE --name NAME records one)")
    for dataset in datasets:
        extra = "".join(f"  {label}: {dataset[key]}" for label, key in (("title", "title"), ("datasetID", "datasetID")) if dataset[key])
        lines.append("")
        lines.append(f"{dataset['name']}{extra}")
        for v in dataset["versions"]:
            checksum = (v["checksum"] or "")[:12]
            note = f"  ({v['note']})" if v["note"] else ""
            lines.append(
                f"  @{v['number']:<4} published {v['published']}  {v['records']:>10,} records  sha256 {checksum or '-':12}  {v['source'] or ''}{note}"
            )
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def run_history_delete(args) -> int:
    store = _store(args)
    deleted = store.delete(args.name, None if args.all else args.version)
    what = f"{args.name} and its {deleted} version(s)" if args.all else f"history:{args.name}@{args.version}"
    sys.stdout.write(f"deleted {what}\n")
    return EXIT_OK


def run_history_export(args) -> int:
    store = _store(args)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            info = store.export(args.name, args.version, handle)
        sys.stdout.write(f"wrote {info.reference} ({info.records:,} records) to {args.output}\n")
    else:
        store.export(args.name, args.version, sys.stdout)
    return EXIT_OK
