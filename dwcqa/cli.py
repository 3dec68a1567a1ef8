"""The ``dwcqa`` command line: builds objects, calls the library, renders.

Exit codes: 0 success; 2 the input cannot be read (one line on stderr naming file, line
and problem).
"""

from __future__ import annotations

import argparse
import json
import sys

from dwcqa.archive import ArchiveError, read
from dwcqa.info import describe

EXIT_OK = 0
EXIT_UNREADABLE = 2


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_OK
    try:
        return args.run(args)
    except ArchiveError as exc:
        print(f"dwcqa: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except BrokenPipeError:
        return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dwcqa",
        description="Data quality for Darwin Core Archives and occurrence tables.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit codes: 0 ok, 2 input cannot be read",
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
