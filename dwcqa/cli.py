"""The ``dwcqa`` command line: builds objects, calls the library, renders.

Exit codes: 0 success; 2 the input cannot be read (one line on stderr naming file, line
and problem), or the chosen engine cannot run.
"""

from __future__ import annotations

import argparse
import json
import sys

from dwcqa.archive import ArchiveError, read
from dwcqa.engines_cli import EngineError, add_engine_arguments, check_with_dask
from dwcqa.info import describe

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2
FAIL_ON = {"error": ("error",), "warning": ("error", "warning"), "never": ()}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_OK
    try:
        return args.run(args)
    except (ArchiveError, EngineError) as exc:
        print(f"dwcqa: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except BrokenPipeError:
        return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dwcqa",
        description="Data quality for Darwin Core Archives and occurrence tables.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit codes: 0 ok, 1 findings at or above --fail-on (check), 2 input cannot be read",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    info = commands.add_parser(
        "info",
        help="what an archive holds: tables, files, records, terms, encoding",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  dwcqa info dwca-mycollection-v1.2.zip\n  dwcqa info occurrences.csv --json",
    )
    info.add_argument("path", help="a Darwin Core Archive (zip, tar.gz, folder) or a CSV/TSV file")
    info.add_argument("--json", action="store_true", help="print a JSON object instead of text")
    info.set_defaults(run=run_info)

    check = commands.add_parser(
        "check",
        help="run every check; summary, JSON, per-record issue list, exit code for pipelines",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  dwcqa check dwca.zip\n"
            "  dwcqa check dwca.zip --json report.json --issues issues.csv\n"
            "  dwcqa check dwca.zip --json - --fail-on warning\n"
            "  dwcqa check dwca-10M/ --engine dask --issues issues.csv\n\n"
            "exit codes: 0 nothing at or above --fail-on, 1 findings at or above --fail-on, 2 unreadable input (or --engine dask cannot run)"
        ),
    )
    check.add_argument("path", help="a Darwin Core Archive (zip, tar.gz, folder) or a CSV/TSV file")
    check.add_argument("--json", metavar="FILE", help="write the results as JSON to FILE (- for stdout)")
    check.add_argument("--issues", metavar="FILE.csv", help="write one CSV row per (record, check)")
    check.add_argument("--fail-on", choices=list(FAIL_ON), default="error", help="exit 1 when a finding of this severity or worse exists (default: error)")
    add_engine_arguments(check)
    check.set_defaults(run=run_check)

    catalogue = commands.add_parser("checks", help="list the check catalogue (id, severity, terms, BDQ test)")
    catalogue.add_argument("--json", action="store_true", help="print a JSON list instead of text")
    catalogue.set_defaults(run=run_checks)

    explain = commands.add_parser("explain", help="print the explanation of one check", epilog="example:\n  dwcqa explain RECORD_NOT_UNIQUELY_IDENTIFIED", formatter_class=argparse.RawDescriptionHelpFormatter)
    explain.add_argument("check_id", metavar="ID")
    explain.set_defaults(run=run_explain)

    from dwcqa import bdq_cli, compare_cli, export_cli, report_cli

    for module in (export_cli, compare_cli, report_cli, bdq_cli):
        module.add_commands(commands)
    return parser


def run_info(args) -> int:
    archive = read(args.path)
    description = describe(archive)
    if args.json:
        json.dump(description, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_info(description))
    return EXIT_OK


def run_check(args) -> int:
    if args.engine == "dask":
        from dwcqa.summary import report

        summary = report(check_with_dask(args, issues=args.issues or None))
    else:
        summary = _check_in_memory(args)
    return emit_check(args, summary)


def _check_in_memory(args) -> dict:
    from dwcqa.checks.runner import run, warm_up
    from dwcqa.summary import report, write_issues

    warm_up()
    archive = read(args.path)
    progress = _progress_printer() if sys.stderr.isatty() else None
    results = run(archive, progress=progress)
    if args.issues:
        with open(args.issues, "w", encoding="utf-8", newline="") as handle:
            write_issues(results, handle)
    return report(results)


def emit_check(args, summary: dict) -> int:
    """Print or write the report of ``dwcqa check`` as ``args`` ask; the exit code."""
    if args.json == "-":
        json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        if args.json:
            with open(args.json, "w", encoding="utf-8") as handle:
                json.dump(summary, handle, indent=2, ensure_ascii=False)
        sys.stdout.write(render_check(summary))
    failing = FAIL_ON[args.fail_on]
    return EXIT_FINDINGS if any(f["severity"] in failing for f in summary["findings"]) else EXIT_OK


def _progress_printer():
    def show(check, number, total):
        sys.stderr.write(f"\r\x1b[Kchecking {number}/{total} {check.id}")
        if number == total:
            sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()

    return show


def render_check(summary: dict) -> str:
    records = summary["records"]
    lines = [
        f"{summary['source']}: {records:,} core records, {len(summary['extensions'])} extensions",
        f"GBIF would index it: {'yes' if summary['indexable'] else 'NO (' + ', '.join(summary['blocking']) + ')'}",
        f"ready for publication: {summary['ready']:,} of {records:,} records have no error",
        "",
    ]
    if not summary["findings"]:
        lines.append("no findings")
    for finding in summary["findings"]:
        lines.append(f"{finding['severity'].upper():8} {finding['count']:>10,}  {finding['check']}  {finding['title']}")
    return "\n".join(lines) + "\n"


def run_checks(args) -> int:
    from dwcqa.checks.registry import all_checks

    catalogue = [
        {
            "id": c.id,
            "severity": c.severity,
            "dimension": c.dimension,
            "level": c.level,
            "title": c.title,
            "terms": c.term_names,
            "bdq": {"label": c.bdq.label, "guid": c.bdq.guid} if c.bdq else None,
            "blocksIndexing": c.blocks_indexing,
        }
        for c in all_checks()
    ]
    if args.json:
        json.dump(catalogue, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for entry in catalogue:
        bdq = f"  [{entry['bdq']['label']}]" if entry["bdq"] else ""
        terms = f"  ({', '.join(entry['terms'])})" if entry["terms"] else ""
        sys.stdout.write(f"{entry['id']:40} {entry['severity']:8} {entry['dimension']:12} {entry['title']}{terms}{bdq}\n")
    return EXIT_OK


def run_explain(args) -> int:
    from dwcqa.checks.registry import RegistryError, get

    try:
        check = get(args.check_id.upper())
    except RegistryError as error:
        print(f"dwcqa: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    sys.stdout.write(f"{check.id}  ({check.severity}, {check.dimension})\n{check.title}\n\n{check.explanation}\n")
    if check.terms:
        sys.stdout.write(f"\nterms: {', '.join(check.term_names)}\n")
    if check.bdq:
        sys.stdout.write(f"TDWG BDQ: {check.bdq.label} ({check.bdq.guid})\n")
    return EXIT_OK


def render_info(description: dict) -> str:
    lines = [f"{description['source']}  ({description['kind']})"]
    eml = description["eml"]
    lines.append(f"title: {eml['title'] if eml and eml.get('title') else '(no metadata title)'}")
    for label, table in [("core", description["core"])] + [("extension", t) for t in description["extensions"]]:
        delimiter = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(table["delimiter"], repr(table["delimiter"]))
        lines.append("")
        lines.append(f"{label}: {table['name']}  <{table['rowType']}>")
        lines.append(f"  files: {', '.join(table['files']) or '(none)'}")
        lines.append(f"  records: {table['records']:,}   encoding: {table['encoding']}   delimiter: {delimiter}")
        lines.append(f"  terms ({len(table['terms'])}): {', '.join(table['termNames'])}")
    if description["problems"]:
        lines.append("")
        lines.append(f"noticed while reading ({len(description['problems'])}):")
        for problem in description["problems"]:
            place = problem["file"] or ""
            if problem["line"]:
                place += f":{problem['line']}"
            lines.append(f"  - {place + ': ' if place else ''}{problem['message']}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
