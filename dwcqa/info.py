"""What an archive holds, as a plain dictionary (the JSON of ``dwcqa info``)."""

from __future__ import annotations

from dataclasses import asdict

from dwcqa.archive.model import Archive, Table
from dwcqa.terms import short_name


def describe_table(table: Table) -> dict:
    return {
        "rowType": table.row_type,
        "name": table.name,
        "files": list(table.files),
        "records": table.records,
        "terms": table.terms,
        "termNames": [short_name(t) for t in table.terms],
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "quote": table.spec.dialect.quote,
        "headerLines": table.spec.dialect.header_lines,
        "raggedRows": len(table.ragged),
    }


def describe(archive: Archive) -> dict:
    return {
        "source": archive.source,
        "kind": archive.kind,
        "core": describe_table(archive.core),
        "extensions": [describe_table(t) for t in archive.extensions],
        "eml": {"file": archive.metadata_file, "title": archive.eml_title} if archive.eml_xml is not None else None,
        "problems": [asdict(p) for p in archive.problems],
    }
