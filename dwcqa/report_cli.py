"""``dwcqa report``: the QC-meeting report as one self-contained HTML file; ``dwcqa decisions``:
the meeting decisions stored in the history database.

``add_commands(commands)`` adds both commands to the subparsers of dwcqa.cli. ``report`` only
reads the inputs, runs the checks and calls ``dwcqa.report.build_report``; progress goes to
stderr, and only when stderr is a terminal. The decisions shown in the report are those stored
for the dataset (``--dataset NAME``; default: the archive's EML title, when the history knows a
dataset of that name), overridden per check by a ``--decisions FILE.json``.

Exit codes: 0 the report is written (or the decisions listed); 2 an input cannot be read (an
ArchiveError, which dwcqa.cli.main turns into one line on stderr: the archive, ``--previous``,
``--checklist``, ``--decisions``, or a ``--dataset`` the history does not know) or the report
cannot be written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

EXIT_OK = 0
EXIT_UNREADABLE = 2

EPILOG = """\
The report holds the dataset card, the verdicts (GBIF would index it? ready for iDigBio? records
ready for publication), completeness, the issues (most severe first, with how to fix them and
example records), a map of the geographic findings, identifier stability against --previous,
names against --checklist, and the check catalogue version and date. It opens offline
(plotly.js is inlined, nothing is fetched) and prints one part per page.

examples:
  dwcqa report dwca-mycollection-v1.2.zip -o report.html
  dwcqa report dwca-v2.zip -o report.html --previous dwca-v1.zip
  dwcqa report dwca-v2.zip -o report.html --previous history:herbarium
  dwcqa report dwca-v2.zip -o report.html --checklist my-checklist-dwca.zip
  dwcqa report dwca-v2.zip -o report.html --decisions meeting-2025-03.json
  dwcqa report dwca-v2.zip -o report.html --dataset herbarium

The decisions next to each check are those stored in the history database for the dataset
(recorded on the dashboard's Issues page): --dataset NAME, by default the archive's EML title
when the history knows a dataset of that name. A --decisions FILE.json overrides them per check;
it holds one decision per check id (`dwcqa decisions NAME --json` writes one):
  {"ZERO_COORDINATE": {"decision": "will fix", "comment": "re-georeference", "by": "AM", "date": "2025-03-01"}}
(decision: accepted, will fix or won't fix).

exit codes: 0 report written, 2 an input cannot be read or the report cannot be written"""

DECISIONS_EPILOG = """\
Lists the decisions of QC review meetings stored for a dataset (on the dashboard's Issues page):
the current decision per check, with how many earlier ones it replaced; --all lists the earlier
ones too, under each current one. With --json, the current decisions are printed in the format
of `dwcqa report --decisions FILE.json` (with --all: a list of every decision, oldest first).

examples:
  dwcqa decisions herbarium
  dwcqa decisions herbarium --all
  dwcqa decisions herbarium --json > meeting-2025-03.json

exit codes: 0 listed, 2 the history has no dataset of that name"""


def add_commands(commands) -> argparse.ArgumentParser:
    """Add ``report`` and ``decisions`` to the argparse subparsers object of dwcqa.cli; returns
    the ``report`` parser."""
    parser = commands.add_parser(
        "report",
        help="the QC-meeting report: one self-contained HTML file (opens offline, prints well)",
        description="Write the data-quality report of an archive for a QC review meeting, as one HTML file.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    parser.add_argument("path", help="a Darwin Core Archive (zip, tar.gz, folder) or a CSV/TSV file")
    parser.add_argument("-o", "--output", metavar="FILE.html", required=True, help="where to write the report (- for stdout)")
    parser.add_argument(
        "--previous", metavar="OLD", help="the version published before (archive, table, or history:NAME[@VERSION]): adds identifier stability"
    )
    parser.add_argument("--checklist", metavar="FILE", help="a taxonomic checklist (archive or table with scientificName): adds names against it")
    parser.add_argument("--decisions", metavar="FILE.json", help="the meeting's decisions per check id (see below); they override stored ones")
    parser.add_argument(
        "--dataset", metavar="NAME", help="show the decisions stored for this dataset in the history database (default: the archive's EML title, if stored)"
    )
    parser.add_argument(
        "--history-db", metavar="PATH", help="the history database for history: references and decisions (default: $DWCQA_HISTORY or the user data folder)"
    )
    parser.set_defaults(run=run_report)

    listing = commands.add_parser(
        "decisions",
        help="list or export the QC-meeting decisions stored for a dataset",
        description="The decisions of QC review meetings stored for a dataset in the history database.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=DECISIONS_EPILOG,
    )
    listing.add_argument("name", metavar="NAME", help="the dataset's name in the history (as given on the Issues page; by default its EML title)")
    listing.add_argument("--all", action="store_true", help="every decision, not only the current one per check")
    listing.add_argument("--json", action="store_true", help="print JSON (the --decisions FILE.json format of `dwcqa report`)")
    listing.add_argument("--history-db", metavar="PATH", help="the history database (default: $DWCQA_HISTORY or the user data folder)")
    listing.set_defaults(run=run_decisions)
    return parser


def run_report(args: argparse.Namespace) -> int:
    from dwcqa.archive import read
    from dwcqa.checks.runner import run
    from dwcqa.report import build_report

    show = _Progress() if sys.stderr.isatty() else None
    say = show.say if show else (lambda text: None)

    # Every input is read before the long part, so that a wrong path fails at once.
    if args.output != "-" and not Path(args.output).resolve().parent.is_dir():
        print(f"dwcqa: cannot write {args.output}: no such directory", file=sys.stderr)
        return EXIT_UNREADABLE
    from_file = read_decisions(args.decisions) if args.decisions else None
    dataset = getattr(args, "dataset", None)
    stored = stored_decisions(dataset, args.history_db, required=True) if dataset else None
    previous = None
    if args.previous:
        from dwcqa.compare import load_version

        say(f"reading {args.previous}")
        previous = load_version(args.previous, args.history_db)
    checklist = None
    if args.checklist:
        say(f"reading {args.checklist}")
        checklist = read_checklist(args.checklist)
    say(f"reading {args.path}")
    archive = read(args.path)
    if stored is None:  # by default, the decisions stored under the archive's title, if any
        from dwcqa.decisions import default_name

        stored = stored_decisions(default_name(archive), args.history_db, required=False)
    decisions = _merge(stored, from_file)
    results = run(archive, progress=show.check if show else None)
    text = build_report(results, previous=previous, decisions=decisions, checklist=checklist, history=args.history_db, progress=lambda step: say(f"report: {step}"))
    if show:
        show.done()
    if args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    try:
        write_atomically(Path(args.output), text)
    except OSError as error:
        print(f"dwcqa: cannot write {args.output}: {error.strerror or error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if show:
        print(f"report written to {args.output} ({len(text.encode('utf-8')) / 1e6:.1f} MB)", file=sys.stderr)
    return EXIT_OK


def stored_decisions(name: str | None, history_db=None, required: bool = True) -> dict[str, dict]:
    """The current decisions stored for the dataset ``name``, in the report's format.

    ``required``: an unknown name is a HistoryError (exit 2) naming the datasets that have
    decisions; otherwise it means no decisions. No database file is ever created here.
    """
    from dwcqa.decisions import for_report
    from dwcqa.history import HistoryError, HistoryStore

    store = HistoryStore(history_db)
    if not name or not store.knows(name):
        if not required:
            return {}
        known = store.decision_datasets()
        hint = f"; datasets with decisions: {', '.join(known)}" if known else "; no decisions are stored"
        raise HistoryError(f"no dataset named {name!r} in the history{hint}", str(store.path))
    return for_report(store.current_decisions(name))


def _merge(stored, from_file):
    if not stored and from_file is None:
        return None
    from dwcqa.decisions import merge

    return merge(stored, from_file)


def run_decisions(args: argparse.Namespace) -> int:
    """``dwcqa decisions NAME``: the decisions stored for a dataset, as text or JSON."""
    from dwcqa.decisions import current, for_report
    from dwcqa.history import HistoryStore

    store = HistoryStore(args.history_db)
    stored_decisions(args.name, args.history_db, required=True)  # an unknown name: exit 2, with the known ones
    every = store.decisions(args.name)
    latest = current(every)
    if args.json:
        data = [d.to_dict() for d in every] if args.all else for_report(latest)
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    lines = [f"decisions for {args.name}  ({store.path})"]
    if not every:
        lines.append("(no decisions stored; mark them on the dashboard's Issues page)")
    width = max((len(c) for c in latest), default=0)
    for check, decision in latest.items():
        about = [d for d in every if d.check == check]
        shown = about if args.all else [decision]
        for number, entry in enumerate(reversed(shown)):
            label = check if number == 0 else ""
            comment = f"  {entry.comment}" if entry.comment else ""
            replaced = f"  ({len(about) - 1} earlier)" if not args.all and len(about) > 1 else ""
            lines.append(f"{label:<{width}}  {entry.decision:<9}  {entry.date}  {entry.by}{comment}{replaced}")
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def read_decisions(path: str) -> dict[str, dict]:
    """``{CHECK_ID: {"decision", "comment", "by", "date"}}`` from a JSON file; a bare string
    value is taken as the decision. Anything else is an ArchiveError (exit 2)."""
    from dwcqa.errors import ArchiveError

    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise ArchiveError(error.strerror or str(error), file=path) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise ArchiveError(f"not JSON: {getattr(error, 'msg', error)}", file=path, line=line) from None
    if not isinstance(data, dict):
        raise ArchiveError("expected a JSON object of decisions, one per check id", file=path)
    decisions = {}
    for check_id, value in data.items():
        if isinstance(value, str):
            value = {"decision": value}
        if not isinstance(value, dict):
            raise ArchiveError(f"the decision for {check_id} is not an object with decision, comment, by, date", file=path)
        decisions[str(check_id).strip().upper()] = value
    return decisions


def read_checklist(path: str):
    """The checklist as a BDQ taxonomic authority; unreadable input is an ArchiveError."""
    from dwcqa.bdq import TaxonAuthority
    from dwcqa.errors import ArchiveError

    try:
        return TaxonAuthority.read(path)
    except ArchiveError:
        raise
    except ValueError as error:  # readable, but not a checklist (no scientificName)
        raise ArchiveError(str(error).split(": ", 1)[-1], file=path) from None


def write_atomically(target: Path, text: str) -> None:
    """Write beside the target, then rename: a failed run never leaves half a report."""
    directory = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file (mkstemp makes it private)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


class _Progress:
    """One line on stderr, rewritten in place (only used when stderr is a terminal)."""

    def say(self, text: str) -> None:
        sys.stderr.write(f"\r\x1b[K{text}")
        sys.stderr.flush()

    def check(self, check, number: int, total: int) -> None:
        self.say(f"checking {number}/{total} {check.id}")

    def done(self) -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()
