"""What ``dwcqa.archive.read`` decides before it parses any row, decided the same way.

:func:`plan` opens the input (zip, tar, folder or plain table), parses meta.xml, finds each
data file, resolves its encoding and samples its header and number of fields, and collects
the reader's problems in the reader's order. The rows themselves are read later, piece by
piece (:mod:`dwcqa.engines.partitions`), and what the pieces notice (ragged rows, blank
lines, byte-order marks, undecodable bytes) is merged back in :mod:`dwcqa.engines.combine`.

It reuses the reader's own helpers (some of them private to ``dwcqa.archive``), so that both
engines agree on every decision; a change there shows up in the engine's equality tests.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from dwcqa.archive.container import Opened
from dwcqa.archive.model import Dialect, Problem, TableSpec
from dwcqa.archive.reader import (
    _find_eml,
    _find_meta,
    _resolve,
    file_missing,
    open_descriptor,
    plain_eml,
    plain_spec,
    plain_table_file,
    table_kind,
)
from dwcqa.archive.text import (
    _decoded_sample,
    _first_undecodable_line,
    _NotDecodable,
    _sample_shape,
    detect_encoding,
    resolve_encoding,
)
from dwcqa.engines.partitions import Source


@dataclass
class FilePlan:
    """One <location> of a table: missing, or a Source with the problems found before parsing."""

    location: str
    source: Source | None
    problems: list[Problem] = field(default_factory=list)  # DATA_FILE_MISSING, or encoding ones
    header: list[str] | None = None


@dataclass
class TablePlan:
    spec: TableSpec
    files: list[FilePlan]

    @property
    def sources(self) -> list[Source]:
        return [f.source for f in self.files if f.source is not None]

    @property
    def kind(self) -> str:
        return table_kind(self.spec)

    @property
    def header(self) -> list[str] | None:
        return next((f.header for f in self.files if f.source is not None and f.header is not None), None)

    @property
    def encoding(self) -> str:
        sources = self.sources
        return sources[-1].dialect.encoding if sources else self.spec.dialect.encoding

    @property
    def sample_width(self) -> int:
        return max((s.width for s in self.sources), default=0)


@dataclass
class ArchivePlan:
    source: str
    kind: str  # "dwca" or "table"
    container: str
    members: list[str]
    tables: list[TablePlan]
    problems_before: list[Problem]  # the container's, meta.xml's, ARCHIVE_WRAPPED / META_XML_MISSING
    problems_after: list[Problem]  # the metadata document's
    meta_xml: bytes | None = None
    meta_file: str | None = None
    metadata_file: str | None = None
    eml_xml: bytes | None = None


def plan(opened: Opened, source: str) -> ArchivePlan:
    meta = _find_meta(opened.files)
    if meta is not None:
        result = _plan_dwca(opened, meta, source)
    else:
        result = _plan_plain(opened, source)
    result.problems_before[:0] = opened.problems
    result.container = opened.kind
    return result


def _plan_dwca(opened: Opened, meta_rel: str, source: str) -> ArchivePlan:
    meta_bytes, descriptor, base, problems = open_descriptor(opened, meta_rel)
    specs = [descriptor.core, *descriptor.extensions]
    tables = [_plan_table(opened, base, spec, position) for position, spec in enumerate(specs)]
    after: list[Problem] = []
    metadata_file, eml = _find_eml(opened, base, descriptor.metadata, after)
    return ArchivePlan(
        source=source,
        kind="dwca",
        container=opened.kind,
        members=list(opened.files),
        tables=tables,
        problems_before=problems,
        problems_after=after,
        meta_xml=meta_bytes,
        meta_file=meta_rel,
        metadata_file=metadata_file,
        eml_xml=eml,
    )


def _plan_table(opened: Opened, base: PurePosixPath, spec: TableSpec, position: int) -> TablePlan:
    files = []
    found_count = 0
    for location in spec.files:
        found = _resolve(opened, base, location)
        if found is None:
            files.append(FilePlan(location, None, [file_missing(spec, location)]))
            continue
        files.append(file_plan(opened.root / found, found, spec.dialect, position, found_count, location))
        found_count += 1
    return TablePlan(spec, files)


def file_plan(path: Path, name: str, dialect: Dialect, table: int, position: int, location: str | None = None) -> FilePlan:
    """text.read_text_table up to the parse: encoding, header, number of fields."""
    problems: list[Problem] = []
    codec = resolve_encoding(path, dialect.encoding, name, problems)
    try:
        header, width = _shape(path, dialect, codec)
    except _NotDecodable:
        codec = fall_back(path, name, codec, problems)
        header, width = _shape(path, dialect, codec)
    source = Source(table, position, name, str(path), dataclasses.replace(dialect, encoding=codec), width, path.stat().st_size)
    return FilePlan(location or name, source, problems, header)


def fall_back(path: Path, name: str, codec: str, problems: list[Problem]) -> str:
    """Not decodable as declared: report the first bad line, read as what it really is."""
    bad_line = _first_undecodable_line(path, codec)
    actual = detect_encoding(path)
    problems.append(Problem("ENCODING_INVALID", f"not valid {codec} (first at line {bad_line}); read as {actual}", name, bad_line))
    return actual


def refile(plan_: FilePlan, codec: str) -> FilePlan:
    """The same file decoded with another codec (after pieces found bytes the first one rejects)."""
    source = plan_.source
    path = Path(source.path)
    problems = list(plan_.problems)
    actual = fall_back(path, source.name, codec, problems)
    header, width = _shape(path, source.dialect, actual)
    new = dataclasses.replace(source, dialect=dataclasses.replace(source.dialect, encoding=actual), width=width)
    return FilePlan(plan_.location, new, problems, header)


def _shape(path: Path, dialect: Dialect, codec: str) -> tuple[list[str] | None, int]:
    header, widths = _sample_shape(_decoded_sample(path, codec), dialect)
    width = Counter(widths).most_common(1)[0][0] if widths else len(header or [])
    return header, width


# -- plain tables (no meta.xml) --------------------------------------------------------------------


def _plan_plain(opened: Opened, source: str) -> ArchivePlan:
    core_file, dialect, problems = plain_table_file(opened, source)
    core = file_plan(opened.root / core_file, core_file, dialect, 0, 0)
    spec = plain_spec(core_file, dialect, core.header)
    eml_file, eml = plain_eml(opened)
    return ArchivePlan(
        source=source,
        kind="table",
        container=opened.kind,
        members=list(opened.files),
        tables=[TablePlan(spec, [core])],
        problems_before=problems,
        problems_after=[],
        metadata_file=eml_file,
        eml_xml=eml,
    )
