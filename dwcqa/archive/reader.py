"""``read(path)``: any Darwin Core Archive, or a plain CSV/TSV, as one Archive model."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from dwcqa.archive.container import Opened, open_input
from dwcqa.archive.meta import META_XML, Descriptor, parse_meta
from dwcqa.archive.model import STRING, Archive, Dialect, Field, Problem, RaggedRow, Table, TableSpec
from dwcqa.archive.text import _decoded_sample, detect_encoding, read_text_table
from dwcqa.errors import ArchiveError
from dwcqa.terms import DWC, clean_header, term_uri

DATA_SUFFIXES = (".txt", ".csv", ".tsv", ".tab", ".dat")
CANDIDATE_DELIMITERS = ("\t", ",", ";", "|")
EML_NAMES = ("eml.xml", "metadata.xml")
# Which id term identifies a record of each core type, when a plain table has no meta.xml.
ID_TERMS = {
    # A GBIF download is keyed by gbifID (its occurrenceIDs are the publishers' and may repeat).
    DWC + "Occurrence": ("http://rs.gbif.org/terms/1.0/gbifID", DWC + "occurrenceID"),
    DWC + "Taxon": (DWC + "taxonID",),
    DWC + "Event": (DWC + "eventID",),
}


def read(path) -> Archive:
    """Read a Darwin Core Archive (zip, tar[.gz|.bz2|.xz], folder) or a CSV/TSV table.

    Raises ArchiveError (file, line, problem) for input that cannot be read at all.
    Everything else the reader notices is kept in ``Archive.problems``.
    """
    with open_input(path) as opened:
        meta_path = _find_meta(opened.files)
        if meta_path is not None:
            archive = _read_dwca(opened, meta_path, str(path))
        else:
            archive = _read_plain(opened, str(path))
    archive.problems[:0] = opened.problems
    archive.container = opened.kind
    return archive


def _find_meta(files: list[str]) -> str | None:
    metas = [f for f in files if PurePosixPath(f).name.lower() == META_XML]
    if not metas:
        return None
    return min(metas, key=lambda f: (len(PurePosixPath(f).parts), f))


def _resolve(opened: Opened, base: PurePosixPath, location: str) -> str | None:
    """The archive file a <location> (or metadata attribute) names, tolerating case."""
    location = location.replace("\\", "/").strip()
    wanted = str(base / location) if str(base) != "." else location
    if wanted in opened.files:
        return wanted
    lowered = {f.lower(): f for f in opened.files}
    return lowered.get(wanted.lower())


def _read_dwca(opened: Opened, meta_rel: str, source: str) -> Archive:
    meta_bytes, descriptor, base, problems = open_descriptor(opened, meta_rel)
    core = _read_table(opened, base, descriptor.core, problems)
    extensions = [_read_table(opened, base, spec, problems) for spec in descriptor.extensions]
    metadata_file, eml = _find_eml(opened, base, descriptor.metadata, problems)
    return Archive(
        source=source,
        kind="dwca",
        core=core,
        extensions=extensions,
        meta_xml=meta_bytes,
        metadata_file=metadata_file,
        eml_xml=eml,
        members=opened.files,
        problems=problems,
        meta_file=meta_rel,
    )


def open_descriptor(opened: Opened, meta_rel: str) -> tuple[bytes, Descriptor, PurePosixPath, list[Problem]]:
    """meta.xml parsed: its bytes, the descriptor, the folder it sits in, the problems so far."""
    meta_bytes = (opened.root / meta_rel).read_bytes()
    descriptor: Descriptor = parse_meta(meta_bytes, meta_rel)
    problems = list(descriptor.problems)
    base = PurePosixPath(meta_rel).parent
    if str(base) != ".":
        problems.append(Problem("ARCHIVE_WRAPPED", f"archive content sits in the sub-folder {base}/", str(base)))
    if descriptor.core is None:
        raise ArchiveError("meta.xml declares no <core> table", meta_rel)
    return meta_bytes, descriptor, base, problems


def table_kind(spec: TableSpec) -> str:
    return "core" if spec.is_core else "extension"


def file_missing(spec: TableSpec, location: str) -> Problem:
    return Problem("DATA_FILE_MISSING", f"{table_kind(spec)} file {location} named in meta.xml is not in the archive", location)


def ragged_problem(count: int, first: RaggedRow, kind: str | None) -> Problem:
    """RAGGED_ROWS for a table (``kind`` "core"/"extension"; None for a plain table)."""
    rows = f"rows of the {kind}" if kind else "rows"
    return Problem("RAGGED_ROWS", f"{count} {rows} have another number of fields than the rest", first.file, first.line, count=count)


def beyond_columns(spec: TableSpec, width: int, first_file: str) -> list[Problem]:
    """FIELD_INDEX_BEYOND_COLUMNS for every field mapped past the table's last column."""
    return [
        Problem("FIELD_INDEX_BEYOND_COLUMNS", f"{f.term} is mapped to column {f.index}, but the file has {width} columns", first_file, term=f.term)
        for f in spec.fields
        if f.index is not None and f.index >= width
    ]


def _find_eml(opened: Opened, base: PurePosixPath, declared: str | None, problems: list[Problem]):
    if declared:
        found = _resolve(opened, base, declared)
        if found is None:
            problems.append(Problem("METADATA_FILE_MISSING", f"meta.xml names {declared} as metadata, but the archive has no such file", META_XML))
            return None, None
        return found, (opened.root / found).read_bytes()
    for name in EML_NAMES:
        found = _resolve(opened, base, name)
        if found is not None:
            problems.append(Problem("METADATA_NOT_DECLARED", f"meta.xml has no metadata attribute; {found} is used", META_XML))
            return found, (opened.root / found).read_bytes()
    problems.append(Problem("METADATA_MISSING", "the archive has no metadata document (eml.xml)", META_XML))
    return None, None


def _read_table(opened: Opened, base: PurePosixPath, spec: TableSpec, problems: list[Problem]) -> Table:
    frames: list[pd.DataFrame] = []
    header = None
    encoding = spec.dialect.encoding
    ragged = []
    row_files: list[tuple[str, int]] = []
    line_parts: list = []
    for location in spec.files:
        found = _resolve(opened, base, location)
        if found is None:
            problems.append(file_missing(spec, location))
            continue
        text = read_text_table(opened.root / found, found, spec.dialect)
        problems.extend(text.problems)
        start = sum(len(f) for f in frames)
        line_parts.append(text.row_lines)
        row_files.append((found, start))
        ragged.extend(r.__class__(r.file, r.line, r.row + start, r.fields, r.expected) for r in text.ragged)
        frames.append(text.data)
        header = header if header is not None else text.header
        encoding = text.encoding
    data = _concat(frames)
    if ragged:
        problems.append(ragged_problem(len(ragged), ragged[0], table_kind(spec)))
    if row_files:
        problems.extend(beyond_columns(spec, data.shape[1], row_files[0][0]))
    # Line numbers are kept only when every file's reader counted them (the Python path);
    # otherwise Table.lines() derives them from the data when asked.
    row_lines = np.concatenate(line_parts) if line_parts and all(p is not None for p in line_parts) else None
    return Table(spec=spec, data=data, header=header, encoding=encoding, ragged=ragged, row_files=row_files, row_lines=row_lines)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame()
    if len(frames) == 1:
        return frames[0]
    width = max(f.shape[1] for f in frames)
    padded = []
    for frame in frames:
        for position in range(frame.shape[1], width):
            frame[position] = pd.Series(pd.NA, index=frame.index, dtype=STRING)
        padded.append(frame)
    return pd.concat(padded, ignore_index=True)


# -- plain tables (no meta.xml) -------------------------------------------------------


def _read_plain(opened: Opened, source: str) -> Archive:
    core_file, dialect, problems = plain_table_file(opened, source)
    text = read_text_table(opened.root / core_file, core_file, dialect)
    problems.extend(text.problems)
    spec = plain_spec(core_file, dialect, text.header)
    if text.ragged:
        problems.append(ragged_problem(len(text.ragged), text.ragged[0], None))
    core = Table(spec=spec, data=text.data, header=text.header, encoding=text.encoding, ragged=text.ragged, row_files=[(core_file, 0)], row_lines=text.row_lines)
    eml_file, eml = plain_eml(opened)
    return Archive(source=source, kind="table", core=core, metadata_file=eml_file, eml_xml=eml, members=opened.files, problems=problems)


def plain_table_file(opened: Opened, source: str) -> tuple[str, Dialect, list[Problem]]:
    """The data table of an input without meta.xml, its sniffed dialect, the problems so far."""
    candidates = [f for f in opened.files if PurePosixPath(f).suffix.lower() in DATA_SUFFIXES or opened.kind in ("file", "gzip", "bzip2", "xz")]
    label = Path(source).name
    if not candidates:
        names = ", ".join(opened.files[:5]) or "nothing"
        raise ArchiveError(f"no meta.xml and no data table (.csv, .tsv, .txt) inside; found {names}", label)
    core_file = _pick_core_file(candidates)
    suffix = PurePosixPath(core_file).suffix.lower()
    if suffix in (".xml", ".xlsx", ".xls", ".ods", ".json", ".parquet"):
        raise ArchiveError(f"{core_file} is not a delimited text table; a Darwin Core Archive or a CSV/TSV file is expected", label)
    path = opened.root / core_file
    problems: list[Problem] = []
    if opened.kind != "file":
        problems.append(Problem("META_XML_MISSING", "the archive has no meta.xml; the data table was read on its own", label))
    encoding = detect_encoding(path)
    if path.stat().st_size and _looks_binary(path):
        raise ArchiveError("this is a binary file, not a text table", label if opened.kind == "file" else core_file)
    return core_file, sniff_dialect(_decoded_sample(path, encoding), encoding), problems


def plain_spec(core_file: str, dialect: Dialect, header: list[str] | None) -> TableSpec:
    """The mapping of a plain table: its header names as terms, the row type and id guessed."""
    names = [clean_header(h) for h in (header or [])]
    fields = []
    for index, name in enumerate(names):
        uri = term_uri(name)
        if name:
            fields.append(Field(term=uri or name, index=index, written=name))
    terms = [f.term for f in fields]
    row_type = guess_row_type(terms)
    id_index = next((f.index for t in ID_TERMS.get(row_type, ()) for f in fields if f.term == t), None)
    if id_index is None:
        id_index = next((f.index for f in fields if f.term.lower() == "id"), None)
    return TableSpec(row_type=row_type, files=(core_file,), dialect=dialect, fields=tuple(fields), id_index=id_index, is_core=True)


def plain_eml(opened: Opened) -> tuple[str | None, bytes | None]:
    """An eml.xml (or metadata.xml) lying beside a plain table."""
    eml_file = next((f for f in opened.files if PurePosixPath(f).name.lower() in EML_NAMES), None)
    return eml_file, ((opened.root / eml_file).read_bytes() if eml_file else None)


def _pick_core_file(candidates: list[str]) -> str:
    """The occurrence (or taxon/event) table when an archive holds several tables."""
    preferred = ("occurrence", "occurrences", "taxon", "taxa", "event", "events")

    def rank(name: str):
        stem = PurePosixPath(name).stem.lower()
        return (stem not in preferred, preferred.index(stem) if stem in preferred else 0, len(PurePosixPath(name).parts), name)

    return min(candidates, key=rank)


def _looks_binary(path: Path) -> bool:
    """Workbooks, images and PDFs; a few NUL bytes in text are data problems, not binary."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith((b"PK\x03\x04", b"\x89PNG", b"%PDF", b"\xd0\xcf\x11\xe0", b"PAR1", b"Obj\x01")):
        return True
    utf16 = head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4
    return not utf16 and head.count(0) > len(head) // 10


def sniff_dialect(sample: str, encoding: str) -> Dialect:
    """The delimiter giving the most consistent rows of more than one field."""
    lines = sample.splitlines(keepends=True)[:51]
    text = "".join(lines[:-1] if len(lines) > 1 else lines)
    best, best_score = ",", (-1.0, 0)
    for delimiter in CANDIDATE_DELIMITERS:
        rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"') if r]
        if not rows:
            continue
        widths = Counter(len(r) for r in rows)
        width, count = widths.most_common(1)[0]
        if width < 2:
            continue
        score = (count / len(rows), width)
        if score > best_score:
            best, best_score = delimiter, score
    quote = '"'
    if best == "\t" and not any(line.startswith('"') or '\t"' in line for line in lines):
        quote = ""  # tab files from GBIF and spreadsheets rarely quote; a stray quote stays a quote
    return Dialect(delimiter=best, quote=quote, line_terminator="\n", header_lines=1, encoding=encoding)


def guess_row_type(terms: list[str]) -> str:
    present = set(terms)
    if DWC + "occurrenceID" in present or DWC + "basisOfRecord" in present or DWC + "catalogNumber" in present:
        return DWC + "Occurrence"
    if DWC + "taxonID" in present and DWC + "eventID" not in present:
        return DWC + "Taxon"
    if DWC + "eventID" in present:
        return DWC + "Event"
    if DWC + "scientificName" in present and DWC + "decimalLatitude" not in present and DWC + "taxonRank" in present:
        return DWC + "Taxon"
    return DWC + "Occurrence"
