"""``dwcqa report``: the QC-meeting report as one self-contained HTML file.

``add_commands(commands)`` adds the command to the subparsers of dwcqa.cli. The command only
reads the inputs, runs the checks and calls ``dwcqa.report.build_report``; progress goes to
stderr, and only when stderr is a terminal.

Exit codes: 0 the report is written; 2 an input cannot be read (an ArchiveError, which
dwcqa.cli.main turns into one line on stderr: the archive, ``--previous``, ``--checklist`` or
``--decisions``) or the report cannot be written.
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

--decisions FILE.json holds the meeting's decisions, one per check id:
  {"ZERO_COORDINATE": {"decision": "will fix", "comment": "re-georeference", "by": "AM", "date": "2025-03-01"}}
(decision: accepted, will fix or won't fix).

exit codes: 0 report written, 2 an input cannot be read or the report cannot be written"""


def add_commands(commands) -> argparse.ArgumentParser:
    """Add ``report`` to the argparse subparsers object of dwcqa.cli."""
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
    parser.add_argument("--decisions", metavar="FILE.json", help="the meeting's decisions per check id (see below)")
    parser.add_argument("--history-db", metavar="PATH", help="the history database for history: references (default: $DWCQA_HISTORY or the user data folder)")
    parser.set_defaults(run=run_report)
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
    decisions = read_decisions(args.decisions) if args.decisions else None
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
