"""``dwcqa bdq``: run TDWG BDQ tests on a table of cases laid out like the BDQ conformance data.

    dwcqa bdq INPUT.csv OUTPUT.csv [--checklist ARCHIVE] [--param NAME=VALUE ...]

Each input row is one case: ``GUID`` names the test (labels differ between files, so the
GUID is what counts), ``dwc:*``/``dc:*``/``dcterms:*`` columns hold the inputs, and
parameter columns (``bdqval:sourceAuthority``...) hold per-case parameters. An
``Input.data`` column (the maintainers' compact form, ``dwc:day="5", dwc:month="2"``) is
expanded into such columns. The output is the input, cell for cell and byte for byte, with
``Response.status``, ``Response.result`` and ``Response.comment`` filled in (replacing
those columns when the input has them, appended otherwise).

``dwcqa bdq --list`` prints the catalogue of BDQ tests and what each one needs.

The lead wires this in with ``dwcqa.bdq_cli.add_commands(commands)``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

EXIT_OK = 0
EXIT_USAGE = 2

_PAIR = re.compile(r'\s*([A-Za-z]+:[A-Za-z]+)\s*=\s*"(.*?)"(?=\s*,\s*[A-Za-z]+:[A-Za-z]+\s*=|\s*$)', re.S)


def add_commands(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``bdq`` sub-command to dwcqa's argparse sub-parsers."""
    parser = commands.add_parser(
        "bdq",
        help="run TDWG BDQ tests on a table of cases (one per row, GUID names the test)",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  dwcqa bdq TG2_test_validation_data.csv responses.csv\n"
            "  dwcqa bdq cases.csv out.csv --checklist my-checklist-dwca.zip\n"
            "  dwcqa bdq cases.csv out.csv --param bdqval:latestValidDate=2020\n"
            "  dwcqa bdq --list --json\n\n"
            "Parameter values come from the row's own column first, then --param, then the Test's default.\n"
            "Tests needing a taxonomic authority use --checklist (a Darwin Core Archive with a Taxon core);\n"
            "without one, and for tests whose authority dwcqa does not have, the Response is\n"
            "EXTERNAL_PREREQUISITES_NOT_MET.\n\n"
            "exit codes: 0 ok, 2 unreadable input or bad arguments"
        ),
    )
    parser.add_argument("input", nargs="?", metavar="INPUT.csv", help="cases, one per row (CSV or TSV)")
    parser.add_argument("output", nargs="?", metavar="OUTPUT.csv", help="where to write the cases with their Responses (- for stdout)")
    parser.add_argument("--checklist", metavar="ARCHIVE", help="taxonomic authority: a Darwin Core Archive (or table) with a Taxon core")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter for every case, e.g. bdqval:earliestValidDate=1900 (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the BDQ tests (label, GUID, type, what it needs) and exit")
    parser.add_argument("--json", action="store_true", help="with --list: print JSON")
    parser.set_defaults(run=run_bdq)
    return parser


def parse_params(values: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        if "=" not in item:
            raise ValueError(f"--param {item!r}: expected NAME=VALUE")
        name, value = item.split("=", 1)
        name = name.strip()
        if ":" not in name:
            name = f"bdqval:{name}"
        params[name] = value
    return params


def expand_input_data(frame):
    """Turn an ``Input.data`` column (``dwc:day="5", bdqval:sourceAuthority="x"``) into columns."""
    if "Input.data" not in frame.columns:
        return frame
    parsed = [dict(_PAIR.findall(cell or "")) for cell in frame["Input.data"].tolist()]
    names = sorted({k for row in parsed for k in row})
    expanded = frame.copy()
    for name in names:
        if name not in expanded.columns:
            expanded[name] = [row.get(name, "") for row in parsed]
    return expanded


def catalogue() -> list[dict]:
    from dwcqa import bdq

    rows = []
    for test in bdq.tests():
        rows.append({
            "label": test.label,
            "guid": test.guid,
            "type": test.type,
            "dimension": test.dimension,
            "requires": test.requires,
            "information_elements": list(test.information_elements),
            "parameters": {p.name: p.default for p in test.parameters},
            "specification": test.specification,
            "notes": test.notes,
        })
    return rows


def run_bdq(args: argparse.Namespace) -> int:
    from dwcqa import bdq

    if args.list:
        rows = catalogue()
        if args.json:
            json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
            print()
        else:
            for row in rows:
                print(f"{row['label']:<58} {row['guid']}  {row['type']:<10} {row['requires']}")
            print(f"{len(rows)} tests ({sum(r['requires'] == 'none' for r in rows)} need nothing beyond the record)")
        return EXIT_OK
    if not args.input or not args.output:
        print("dwcqa bdq: INPUT.csv and OUTPUT.csv are required (or --list)", file=sys.stderr)
        return EXIT_USAGE
    try:
        params = parse_params(args.param)
    except ValueError as exc:
        print(f"dwcqa bdq: {exc}", file=sys.stderr)
        return EXIT_USAGE
    context = bdq.Context()
    if args.checklist:
        try:
            context.checklist = bdq.TaxonAuthority.read(args.checklist)
        except (OSError, ValueError) as exc:
            print(f"dwcqa bdq: {args.checklist}: {exc}", file=sys.stderr)
            return EXIT_USAGE
    try:
        frame, dialect = bdq.read_cases(args.input)
    except (OSError, UnicodeError) as exc:
        print(f"dwcqa bdq: {args.input}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if "GUID" not in frame.columns:
        print(f"dwcqa bdq: {args.input}: no GUID column naming the test of each row", file=sys.stderr)
        return EXIT_USAGE
    responses = bdq.run_cases(expand_input_data(frame), params, context)
    out = bdq.with_responses(frame, responses)
    if args.output == "-":
        bdq.write_cases(out, sys.stdout.buffer, dialect)
    else:
        bdq.write_cases(out, args.output, dialect)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m dwcqa.bdq_cli``), for use before the lead wires it in."""
    parser = argparse.ArgumentParser(prog="dwcqa")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_commands(commands)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_OK
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
