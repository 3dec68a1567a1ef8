"""``dwcqa clean``: amend, withhold sensitive localities, export a publication-ready archive.

Wired into ``dwcqa.cli`` with ``add_commands(commands)`` (the argparse subparsers). The
command only builds objects, calls :mod:`dwcqa.amend` and :func:`dwcqa.export.export`, and
renders what they return.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from dwcqa.engines_cli import EngineError, add_engine_arguments, check_with_dask, clean_memory_refusal

EXIT_OK = 0
EXIT_FAILED = 2

EPILOG = """\
amendments (--amend):
  all        dwcqa's own amendments (trim blanks, empty NULL placeholders, ISO dates,
             vocabularies, country codes, coordinates, datums, ranges, occurrenceIDs)
  bdq        every implemented TDWG BDQ AMENDMENT test (some fill in assumed values)
  ID,ID      those amendments (dwcqa clean PATH --preview lists them with their effect)
  all,-ID    all but ID
  Nothing is amended without --amend; every change is written to --changes.

sensitive records:
  Records whose localitySecurity/recordSecurity is set (not empty, not 0) are exported
  without locality details and coordinates (logged as WITHHELD_SENSITIVE) unless
  --keep-sensitive is given.

examples:
  dwcqa clean dwca.zip --preview
  dwcqa clean dwca.zip -o clean.zip --amend all --changes changes.csv
  dwcqa clean backup.zip -o gbif.zip --amend all,-OCCURRENCE_ID_GENERATED --ready-only --csv core.csv
  dwcqa clean dwca.zip -o clean.zip --licence CC-BY-4.0 --contact "Ada Lovelace <ada@example.org>"

--engine dask:
  The checks run partition by partition on the input (as dwcqa check --engine dask) and
  their summary is printed first. Amending, withholding and writing the archive (and the
  readiness of --ready-only, decided after the amendments) still read it into memory: about
  6 times the size of its data files. When that is more than the memory available, clean
  stops there (exit 2) and says so, instead of being killed by the system halfway.

exit codes: 0 written (or previewed), 2 the input cannot be read, the output cannot be written
or --engine dask cannot run"""


def add_commands(commands) -> None:
    """Add ``clean`` to dwcqa's argparse subparsers."""
    clean = commands.add_parser(
        "clean",
        help="amend, withhold sensitive localities and export a publication-ready archive",
        description="Write a new Darwin Core Archive (zip): accepted amendments applied and logged, "
        "sensitive localities withheld, optionally only the records ready for publication. The input is never changed.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    clean.add_argument("path", help="a Darwin Core Archive (zip, tar.gz, folder) or a CSV/TSV file")
    clean.add_argument("-o", "--output", metavar="OUT.zip", help="the archive to write (never the input)")
    clean.add_argument("--amend", metavar="all|bdq|ID,...", help="amendments to apply (see below); default: none")
    clean.add_argument("--preview", action="store_true", help="show what each amendment would change, write nothing")
    clean.add_argument("--exclude", metavar="ID,...|@FILE", action="append", default=[], help="core record ids no amendment may change (comma-separated, or @file with one id per line)")
    clean.add_argument("--ready-only", action="store_true", help="export only records without an error; the rest go to OUT-not-ready.zip")
    clean.add_argument("--changes", metavar="FILE.csv", help="write the change log (one row per changed cell)")
    clean.add_argument("--csv", metavar="FILE.csv", help="also write the cleaned core as a CSV for spreadsheets")
    clean.add_argument("--keep-sensitive", action="store_true", help="do not withhold the locality of records flagged sensitive")
    clean.add_argument("--guid-namespace", metavar="UUID|URL", help="namespace for OCCURRENCE_ID_GENERATED (e.g. your institution's web address)")
    clean.add_argument("--licence", "--license", dest="licence", metavar="ID", help="set the dataset licence in eml.xml: CC0-1.0, CC-BY-4.0 or CC-BY-NC-4.0")
    clean.add_argument("--contact", metavar='"NAME <EMAIL>"', action="append", default=[], help="add a dataset contact to eml.xml (repeatable)")
    clean.add_argument("--title", help="dataset title, when eml.xml has none")
    clean.add_argument("--force", action="store_true", help="overwrite OUT.zip (and the follow-up files) when they exist")
    clean.add_argument("--json", action="store_true", help="print the result as JSON")
    add_engine_arguments(clean)
    clean.set_defaults(run=run_clean)


def parse_contact(text: str):
    """ "Given Surname <email>" (or "Organisation <email>", or just a name) -> Contact."""
    from dwcqa.archive.writer import Contact

    match = re.fullmatch(r"\s*(?P<name>[^<]*?)\s*(?:<(?P<email>[^>]+)>)?\s*", text)
    name = (match.group("name") if match else text).strip()
    email = match.group("email").strip() if match and match.group("email") else None
    if not name:
        raise ValueError(f"contact {text!r} has no name")
    words = name.split()
    if len(words) >= 2:
        return Contact(surname=words[-1], given_name=" ".join(words[:-1]), email=email)
    return Contact(organization=name, email=email)


def _excluded_ids(values: list[str]) -> list[str]:
    ids: list[str] = []
    for value in values:
        if value.startswith("@"):
            with open(value[1:], encoding="utf-8") as handle:
                ids.extend(line.strip() for line in handle if line.strip())
        else:
            ids.extend(v.strip() for v in value.split(",") if v.strip())
    return ids


def run_clean(args) -> int:
    from dwcqa import amend
    from dwcqa.archive import read
    from dwcqa.archive.writer import WriteError, complete_eml
    from dwcqa.checks.runner import warm_up
    from dwcqa.export import export

    checked = None
    try:
        selected = amend.select(args.amend)
        if args.preview:
            if args.engine != "memory":
                print(f"dwcqa: --engine {args.engine} has no effect with --preview (it runs no check)", file=sys.stderr)
            archive = read(args.path)
            return _preview(archive, selected or amend.all_amendments(), _options(args), args.json)
        if not args.output:
            print("dwcqa: clean needs -o OUT.zip (or --preview)", file=sys.stderr)
            return EXIT_FAILED
        if args.engine == "dask":
            from dwcqa.cli import render_check
            from dwcqa.summary import report as check_report

            engine_results = check_with_dask(args)
            checked = check_report(engine_results)
            if not args.json:
                sys.stdout.write(render_check(checked) + "\n")
            refusal = clean_memory_refusal(engine_results)
            if refusal:
                raise EngineError(refusal)
        warm_up(_options(args))
        archive = read(args.path)
        eml = None
        if args.licence or args.contact or args.title:
            eml = complete_eml(archive.eml_xml, licence=args.licence, contacts=[parse_contact(c) for c in args.contact], title=args.title)
        excluded = amend.rows_of_ids(archive, _excluded_ids(args.exclude)) if args.exclude else set()
        report = export(
            archive,
            args.output,
            amendments=selected,
            excluded_rows=excluded,
            options=_options(args),
            ready_only=args.ready_only,
            withhold=not args.keep_sensitive,
            changes=args.changes,
            csv=args.csv,
            eml=eml,
            overwrite=args.force,
            progress=_progress() if args.ready_only and sys.stderr.isatty() else None,
        )
    except (WriteError, amend.RegistryError, amend.AmendmentError, EngineError, ValueError, OSError) as error:
        print(f"dwcqa: {error}", file=sys.stderr)
        return EXIT_FAILED
    if checked is not None:
        report.notes.append(engine_note(checked, args.ready_only))
    if args.json:
        result = report.to_dict()
        if checked is not None:
            result["checks"] = checked  # the report of dwcqa check --engine dask on the input
        json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_report(report, archive))
    return EXIT_OK


def engine_note(checked: dict, ready_only: bool) -> str:
    """What ``--engine dask`` did in ``dwcqa clean``, and what it did not."""
    records = checked["records"]
    note = (
        f"--engine dask: the checks ran partition by partition on the input ({checked['ready']:,} of {records:,} records without an error); "
        "amending and writing read the archive into memory"
    )
    if ready_only:
        note += ", and the records held back by --ready-only were decided there, after the amendments"
    return note


def _options(args) -> dict:
    options = {}
    if args.guid_namespace:
        options["guid_namespace"] = args.guid_namespace
    return options


def _progress():
    def show(check, number, total):
        sys.stderr.write(f"\r\x1b[Kchecking readiness {number}/{total} {check.id}")
        if number == total:
            sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()

    return show


def _preview(archive, selected, options, as_json: bool) -> int:
    from dwcqa import amend

    proposals = amend.propose(archive, selected, options)
    if as_json:
        json.dump([p.to_dict() for p in proposals], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    lines = [f"{archive.source}: {archive.core.records:,} core records; what each amendment would change (nothing written)", ""]
    for proposal in proposals:
        if proposal.error:
            lines.append(f"{proposal.id:45} could not run: {proposal.error}")
            continue
        if not proposal.cells:
            continue
        lines.append(f"{proposal.id:45} {proposal.cells:>9,} cells in {proposal.records:,} records  {proposal.amendment.title}")
        for example in proposal.examples[:3]:
            lines.append(f"    row {example['row']} ({example['id'] or 'no id'}) {example['term']}: {example['before']!r} -> {example['after']!r}")
    quiet = [p.id for p in proposals if not p.cells and not p.error]
    if quiet:
        lines += ["", f"nothing to change for: {', '.join(quiet)}"]
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def render_report(report, archive) -> str:
    lines = [f"wrote {report.path} ({report.records:,} core records" + "".join(f", {t.records:,} {t.location}" for t in report.written.tables[1:]) + ")"]
    if report.amendments:
        lines.append("amended:")
        lines += [f"  {count:>9,} cells  {amendment}" for amendment, count in sorted(report.amendments.items(), key=lambda kv: -kv[1])]
    else:
        lines.append("no amendment applied")
    lines += [f"note: {note}" for note in report.notes]
    if report.changes_path:
        lines.append(f"change log: {report.changes_path} ({len(report.changes):,} changes)")
    elif len(report.changes):
        lines.append(f"{len(report.changes):,} changes made; write them down with --changes FILE.csv")
    if report.csv_path:
        lines.append(f"core as CSV: {report.csv_path}")
    return "\n".join(lines) + "\n"


__all__ = ["add_commands", "parse_contact", "render_report", "run_clean"]
