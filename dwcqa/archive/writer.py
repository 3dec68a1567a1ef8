"""``write(archive, path)``: a new Darwin Core Archive (zip) from an Archive model.

The dialect, the same for every table written:

- UTF-8 (no byte-order mark), one data file per table (a table read from several files is
  written as one file), one header line (``ignoreHeaderLines="1"``), records end with ``\\n``;
- fields are separated by a tab (``fieldsTerminatedBy="\\t"``);
- ``fieldsEnclosedBy='"'``: a value is enclosed in double quotes **only when it needs it**, i.e.
  when it holds a tab, a line feed, a carriage return or a double quote; a double quote inside
  an enclosed value is doubled (``"5"" long"``). Every other value is written as it is.

Why quoting and not escaping: the text guide has no escape character, and ``\\t`` written
inside a value would be read back as a backslash and a ``t`` by every reader (GBIF's dwca-io,
python-dwca-reader, pyarrow, Python's csv module). Enclosing in quotes is the one way the guide
offers, all of those readers implement it, and the IPT's tab files stay byte-identical when no
value needs quoting. Replacing tabs and line breaks by spaces (what the IPT does) would lose data.

What is kept, so that re-reading the export gives every value back as the same string:

- columns by position, mapped or not (a column no ``<field>`` maps stays in the file, with its
  header, and is simply not declared), the ``<id>``/``<coreid>`` column, meta.xml defaults (as
  defaults, never written into the cells), constant columns (``<field>`` with a default and no
  index), vocabulary and delimitedBy attributes, dateFormat;
- the metadata document (eml.xml) byte for byte, unless new EML is given (:func:`complete_eml`).

What the writer changes, on purpose, and reports (:class:`WriteReport`):

- a cell that a short (ragged) row lacked (``<NA>``) is written as an empty cell: a Darwin Core
  Archive cannot say "missing cell" except with a row of the wrong length, which GBIF reports as
  an error and python-dwca-reader refuses. Readers treat both as "no value";
- a table without records (its file missing or empty) gets a header naming every column its
  ``<field>``s map (a ``<field>`` beyond the data of a table *with* records is left as it is);
- a ``<field>`` with neither an index nor a default (it maps nothing), or with an empty term, is
  dropped; a plain table's columns whose header names no known term are kept as unmapped columns
  (meta.xml needs a term URI);
- terms are written as their canonical URI (the reader resolves capitalisation variants).

The input is never touched: writing to the archive's own source (or into its folder) is
refused, and the zip is written to a temporary file next to the target, then renamed.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import IO, Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from dwcqa.archive.model import Archive, Field, Table
from dwcqa.terms import DWC_TEXT_NS, short_name

DELIMITER = "\t"
QUOTE = '"'
LINE_END = "\n"
ENCODING = "UTF-8"
METADATA_NAME = "eml.xml"
META_NAME = "meta.xml"
ROWS_PER_CHUNK = 50_000
NEEDS_QUOTES = r'[\t\n\r"]'  # RE2: what makes a value need enclosing in this dialect

_LARGE = pa.large_string()


@dataclass
class TableWritten:
    row_type: str
    location: str  # the data file inside the zip
    records: int
    columns: int
    mapped: int  # <field>s written
    unmapped_columns: list[int] = field(default_factory=list)
    padded_cells: int = 0  # <NA> cells (short rows) written as empty cells
    added_columns: int = 0  # header columns added to a table without records
    dropped_fields: list[str] = field(default_factory=list)


@dataclass
class WriteReport:
    path: Path
    tables: list[TableWritten]
    metadata: str | None  # the metadata file name in the zip, or None
    notes: list[str] = field(default_factory=list)


class WriteError(ValueError):
    """The archive cannot be written where asked (the input itself, an existing file...)."""


# -- the layout: what each table becomes --------------------------------------------------


@dataclass
class _Layout:
    table: Table
    location: str
    width: int
    fields: list[Field]
    header: list[str]
    dropped: list[str]
    added_columns: int


def _full_uri(term: str) -> bool:
    term = term.strip()
    return bool(term) and " " not in term and ("://" in term or term.lower().startswith("urn:"))


def _layout(archive: Archive, table: Table, used: set[str]) -> _Layout:
    spec = table.spec
    fields: list[Field] = []
    dropped: list[str] = []
    for f in spec.fields:
        if not (f.term or "").strip():
            dropped.append("(a <field> without a term)")
            continue
        if f.index is None and f.default is None:
            dropped.append(f"{f.term} (neither index nor default)")
            continue
        if archive.kind == "table" and not _full_uri(f.term):
            continue  # a plain table's own column name: kept as an unmapped column
        fields.append(f)
    data_width = table.data.shape[1]
    indexes = [f.index for f in fields if f.index is not None]
    if spec.id_index is not None:
        indexes.append(spec.id_index)
    if not fields:
        kind = "core" if spec.is_core else f"{table.name} extension"
        raise WriteError(
            f"the {kind} ({', '.join(table.files) or 'no file'}) maps no column to a Darwin Core term; "
            "meta.xml needs at least one <field>, and there is nothing to publish"
        )
    # A <field> pointing beyond the data stays as it is (the input's mistake, reported by
    # FIELD_INDEX_BEYOND_COLUMNS); only a table without records gets the columns in its header.
    width = max([data_width, *(i + 1 for i in indexes)]) if table.records == 0 else data_width
    header = _header(table, fields, width)
    return _Layout(table, _location(table, used), width, fields, header, dropped, width - data_width)


def _header(table: Table, fields: list[Field], width: int) -> list[str]:
    original = list(table.header or []) if table.spec.dialect.header_lines else []
    names: list[str] = []
    by_index: dict[int, str] = {}
    for f in fields:
        if f.index is not None:
            by_index.setdefault(f.index, short_name(f.term))
    for position in range(width):
        if position in by_index:
            names.append(by_index[position])
        elif position < len(original) and original[position].strip():
            names.append(original[position].replace("\ufeff", "").strip())
        elif position == table.spec.id_index:
            names.append("id" if table.spec.is_core else "coreid")
        else:
            names.append(f"column{position}")
    return names


def _location(table: Table, used: set[str]) -> str:
    first = table.files[0] if table.files else ""
    stem = PurePosixPath(first.replace("\\", "/")).stem if first else ""
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stem).strip("._") or (table.name or "table").lower()
    candidate, number = f"{stem}.txt", 2
    while candidate.lower() in used or candidate.lower() in (META_NAME, METADATA_NAME):
        candidate, number = f"{stem}_{number}.txt", number + 1
    used.add(candidate.lower())
    return candidate


# -- meta.xml ---------------------------------------------------------------------------------


def meta_xml(layouts: Sequence[_Layout], metadata: str | None) -> bytes:
    """meta.xml for the tables as laid out: the text guide's elements, in its order."""
    ns = "{%s}" % DWC_TEXT_NS
    root = etree.Element(ns + "archive", nsmap={None: DWC_TEXT_NS})
    if metadata:
        root.set("metadata", metadata)
    for layout in layouts:
        spec = layout.table.spec
        element = etree.SubElement(root, ns + ("core" if spec.is_core else "extension"))
        element.set("encoding", ENCODING)
        element.set("fieldsTerminatedBy", "\\t")
        element.set("linesTerminatedBy", "\\n")
        element.set("fieldsEnclosedBy", QUOTE)
        element.set("ignoreHeaderLines", "1")
        element.set("rowType", spec.row_type)
        if spec.date_format:
            element.set("dateFormat", spec.date_format)
        files = etree.SubElement(element, ns + "files")
        etree.SubElement(files, ns + "location").text = layout.location
        if spec.id_index is not None or not spec.is_core:
            # An extension's <coreid> is required even when its index is unknown (as read).
            identifier = etree.SubElement(element, ns + ("id" if spec.is_core else "coreid"))
            if spec.id_index is not None:
                identifier.set("index", str(spec.id_index))
        for f in layout.fields:
            child = etree.SubElement(element, ns + "field")
            if f.index is not None:
                child.set("index", str(f.index))
            child.set("term", f.term.strip())
            if f.default is not None:
                child.set("default", f.default)
            if f.vocabulary is not None:
                child.set("vocabulary", f.vocabulary)
            if f.delimited_by is not None:
                child.set("delimitedBy", f.delimited_by)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- data files --------------------------------------------------------------------------------


def _arrow(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A column as large_string arrow data (NA kept as null), chunked as it is stored."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        array = pa.array(values.array)
    else:
        objects = values.astype(object).where(values.notna(), None).to_numpy(dtype=object)
        array = pa.array([None if v is None else str(v) for v in objects], type=_LARGE)
    return array.cast(_LARGE) if array.type != _LARGE else array


_SPECIAL = np.zeros(256, dtype=bool)


def _may_need_quotes(array: pa.Array | pa.ChunkedArray, delimiter: str) -> bool:
    """Whether any value of a column may need quoting: one pass over its bytes, no regex.

    (Conservative: a sliced array's buffer may hold bytes outside the slice.)"""
    if any(ord(c) >= 128 for c in delimiter):
        return True
    table = _SPECIAL.copy()
    table[[ord(c) for c in set(delimiter + '\n\r"') if ord(c) < 128]] = True
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    for chunk in chunks:
        data = chunk.buffers()[2] if len(chunk) else None
        if data is not None and table[np.frombuffer(data, dtype=np.uint8)].any():
            return True
    return False


def _quoted(array: pa.Array, delimiter: str, quote_empty: bool) -> pa.Array:
    """Values that need it enclosed in quotes (inner quotes doubled); nulls become ""."""
    pattern = NEEDS_QUOTES if delimiter == "\t" else "[" + "".join("\\" + c if c in "\\]^-[" else c for c in set(delimiter + "\n\r\"")) + "]"
    needs = pc.fill_null(pc.match_substring_regex(array, pattern), False)
    if quote_empty:
        needs = pc.or_(needs, pc.fill_null(pc.equal(array, pa.scalar("", _LARGE)), True))
    filled = pc.fill_null(array, pa.scalar("", _LARGE))
    if not pc.any(needs).as_py():
        return filled
    doubled = pc.replace_substring(filled, pattern='"', replacement='""')
    quote = pa.scalar(QUOTE, _LARGE)
    enclosed = pc.binary_join_element_wise(quote, doubled, quote, pa.scalar("", _LARGE))
    return pc.if_else(needs, enclosed, filled)


def _contiguous(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(array, pa.ChunkedArray):
        return array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    return array


def encode_rows(columns: Sequence[pa.Array], delimiter: str = DELIMITER, line_end: str = LINE_END, quoting: Sequence[bool] | None = None) -> memoryview:
    """Rows of equal-length columns as delimited UTF-8 text (quoting as the dialect says).

    ``quoting[i]`` False promises that no value of column i needs quotes (it is then only
    filled, not searched)."""
    if not columns:
        return memoryview(b"")
    quote_empty = len(columns) == 1  # a lone empty value would be a blank line: no record
    parts = []
    for position, column in enumerate(columns):
        column = _contiguous(column)
        if quote_empty or quoting is None or quoting[position]:
            parts.append(_quoted(column, delimiter, quote_empty))
        else:
            parts.append(pc.fill_null(column, pa.scalar("", _LARGE)))
    rows = pc.binary_join_element_wise(*parts, pa.scalar(delimiter, _LARGE)) if len(parts) > 1 else parts[0]
    lines = pc.binary_join_element_wise(rows, pa.scalar("", _LARGE), pa.scalar(line_end, _LARGE))
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset : lines.offset + len(lines) + 1]
    data = lines.buffers()[2]
    if data is None:
        return memoryview(b"")
    return memoryview(data)[int(offsets[0]) : int(offsets[-1])]


def header_line(names: Sequence[str], delimiter: str = DELIMITER) -> bytes:
    return bytes(encode_rows([pa.array([n], type=_LARGE) for n in names], delimiter)) if names else LINE_END.encode()


def _encoded_chunks(arrays: list, records: int, delimiter: str):
    quoting = [_may_need_quotes(a, delimiter) for a in arrays]
    for start in range(0, records, ROWS_PER_CHUNK):
        yield encode_rows([a.slice(start, ROWS_PER_CHUNK) for a in arrays], delimiter, quoting=quoting)


def _write_overlapped(chunks, handle: IO[bytes]) -> None:
    """Write while the next chunk is encoded: compressing (zlib) and encoding (arrow) both
    release the GIL, so they run on two cores."""
    import queue
    import threading

    pending: queue.Queue = queue.Queue(maxsize=2)
    failure: list[BaseException] = []

    def consume():
        try:
            while (item := pending.get()) is not None:
                handle.write(item)
        except BaseException as error:  # reported in the calling thread
            failure.append(error)
            while pending.get() is not None:
                pass

    thread = threading.Thread(target=consume, name="dwcqa-zip-writer", daemon=True)
    thread.start()
    try:
        for chunk in chunks:
            if failure:
                break
            pending.put(chunk)
    finally:
        pending.put(None)
        thread.join()
    if failure:
        raise failure[0]


def write_table_text(table: Table, handle: IO[bytes], width: int, header: Sequence[str] | None, delimiter: str = DELIMITER) -> int:
    """Write a table's columns 0..width-1 (header line first) to ``handle``; returns <NA> cells written empty."""
    if header is not None:
        handle.write(header_line(header, delimiter))
    data = table.data
    records = len(data)
    arrays = []
    padded = 0
    for position in range(width):
        if position in data.columns:
            array = _arrow(data[position])
            padded += array.null_count
        else:
            array = pa.nulls(records, type=_LARGE)
        arrays.append(array)
    chunks = _encoded_chunks(arrays, records, delimiter)
    if records > ROWS_PER_CHUNK:
        _write_overlapped(chunks, handle)
    else:
        for chunk in chunks:
            handle.write(chunk)
    return padded


# -- the archive ----------------------------------------------------------------------------


def _source_paths(archive: Archive) -> list[Path]:
    source = Path(archive.source) if archive.source else None
    return [source.resolve()] if source is not None and source.exists() else []


def check_target(archive: Archive, path: str | os.PathLike, overwrite: bool = False) -> Path:
    """The resolved output path, or WriteError when writing there would touch the input."""
    target = Path(path).expanduser().resolve()
    for source in _source_paths(archive):
        if target == source or (source.is_file() and target.exists() and target.samefile(source)):
            raise WriteError(f"refusing to overwrite the input {source}; choose another output file")
        if source.is_dir() and source in target.parents:
            raise WriteError(f"refusing to write inside the input folder {source}; choose a file outside it")
    if target.is_dir():
        raise WriteError(f"{target} is a folder; give the name of the .zip file to write")
    if target.exists() and not overwrite:
        raise WriteError(f"{target} exists already (overwrite it explicitly, e.g. with --force)")
    if not target.parent.is_dir():
        raise WriteError(f"the folder {target.parent} does not exist")
    return target


def write(archive: Archive, path: str | os.PathLike, *, eml: bytes | None = None, overwrite: bool = False, compresslevel: int = 6) -> WriteReport:
    """Write ``archive`` as a new Darwin Core Archive zip at ``path``.

    ``eml`` replaces the metadata document (see :func:`complete_eml`); otherwise the archive's
    own eml.xml is kept byte for byte. Refuses (WriteError) to write over or into the input,
    and over an existing file unless ``overwrite``. The zip is complete or absent: it is
    written to a temporary file in the same folder and renamed at the end.
    """
    target = check_target(archive, path, overwrite)
    used: set[str] = set()
    layouts = [_layout(archive, table, used) for table in archive.tables]
    metadata_bytes = eml if eml is not None else archive.eml_xml
    metadata = METADATA_NAME if metadata_bytes is not None else None
    report = WriteReport(target, [], metadata)
    handle, temporary = tempfile.mkstemp(prefix=".dwcqa-", suffix=".zip.part", dir=target.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel, allowZip64=True) as bundle:
            bundle.writestr(META_NAME, meta_xml(layouts, metadata))
            if metadata_bytes is not None:
                bundle.writestr(METADATA_NAME, metadata_bytes)
            for layout in layouts:
                with bundle.open(layout.location, "w", force_zip64=True) as member:
                    padded = write_table_text(layout.table, member, layout.width, layout.header)
                table = layout.table
                mapped_columns = {f.index for f in layout.fields if f.index is not None}
                if table.spec.id_index is not None:
                    mapped_columns.add(table.spec.id_index)
                written = TableWritten(
                    row_type=table.row_type,
                    location=layout.location,
                    records=table.records,
                    columns=layout.width,
                    mapped=len(layout.fields),
                    unmapped_columns=[i for i in range(layout.width) if i not in mapped_columns],
                    padded_cells=padded,
                    added_columns=layout.added_columns,
                    dropped_fields=layout.dropped,
                )
                report.tables.append(written)
                _notes(report, written, table)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; a zip is for sharing
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return report


def _umask() -> int:
    """The process umask, read without changing it (os.umask would, for every thread)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


def _notes(report: WriteReport, written: TableWritten, table: Table) -> None:
    label = f"{'core' if table.spec.is_core else 'extension'} {table.name or '?'} ({written.location})"
    if written.padded_cells:
        report.notes.append(f"{label}: {written.padded_cells} cells missing from short rows written as empty cells")
    if written.added_columns:
        report.notes.append(f"{label}: no records; its header names the {written.added_columns} columns its <field>s map")
    for dropped in written.dropped_fields:
        report.notes.append(f"{label}: <field> {dropped} dropped, it mapped nothing")
    if written.unmapped_columns:
        report.notes.append(f"{label}: {len(written.unmapped_columns)} columns mapped to no term kept as unmapped columns")


# -- plain CSV of one table (for spreadsheets) ---------------------------------------------------


def write_csv(table: Table, path: str | os.PathLike, *, bom: bool = True) -> int:
    """The effective values of a table's mapped terms as a comma-separated UTF-8 file.

    Header = term short names (each term once, in meta.xml order; the id column first as ``id``
    when no term maps it). Values are what a reader sees: meta.xml defaults applied, cells a
    short row lacked empty. Quoted where needed (RFC 4180). ``bom`` writes a UTF-8 byte-order
    mark so that spreadsheet programs detect the encoding. Returns the rows written.
    """
    names: list[str] = []
    columns: list[pa.Array] = []
    mapped = {f.index for f in table.spec.fields if f.index is not None}
    if table.spec.id_index is not None and table.spec.id_index not in mapped and table.ids is not None:
        names.append("id")
        columns.append(_arrow(table.ids))
    seen: set[str] = set()
    for term in table.terms:
        name = short_name(term)
        values = table.column(term)
        if values is None or not term:
            continue
        if name in seen:
            name = term
        seen.add(name)
        names.append(name)
        columns.append(_arrow(values))
    with open(path, "wb") as handle:
        if bom:
            handle.write(b"\xef\xbb\xbf")
        handle.write(header_line(names, ","))
        for chunk in _encoded_chunks(columns, table.records, ","):
            handle.write(chunk)
    return table.records


# -- eml.xml: keep it, or complete it with what the user entered ------------------------------------

EML_211 = "eml://ecoinformatics.org/eml-2.1.1"
GBIF_PROFILE = "http://rs.gbif.org/schema/eml-gbif-profile/1.2/eml.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# The licences GBIF accepts: SPDX id -> (URL the IPT writes, title the IPT writes).
LICENCES = {
    "CC0-1.0": ("http://creativecommons.org/publicdomain/zero/1.0/legalcode", "Public Domain (CC0 1.0)"),
    "CC-BY-4.0": ("http://creativecommons.org/licenses/by/4.0/legalcode", "Creative Commons Attribution (CC-BY) 4.0"),
    "CC-BY-NC-4.0": ("http://creativecommons.org/licenses/by-nc/4.0/legalcode", "Creative Commons Attribution Non Commercial (CC-BY-NC) 4.0"),
}

# The GBIF metadata profile's order of <dataset> children (1.1-1.2: EML 2.1.1; 1.3: EML 2.2.0).
_DATASET_ORDER = (
    "alternateIdentifier", "shortName", "title", "creator", "metadataProvider", "associatedParty", "pubDate", "language",
    "abstract", "keywordSet", "additionalInfo", "intellectualRights", "licensed", "distribution", "coverage", "purpose",
    "introduction", "gettingStarted", "acknowledgements", "maintenance", "contact", "publisher", "methods", "project",
    "literatureCited",
)


@dataclass(frozen=True)
class Contact:
    """A person or organisation for <creator> / <contact> (at least a surname or an organisation)."""

    surname: str | None = None
    given_name: str | None = None
    organization: str | None = None
    position: str | None = None
    email: str | None = None
    phone: str | None = None
    url: str | None = None


def licence_id(value: str) -> str:
    """The SPDX id of a licence GBIF accepts, from an id, a URL or a name; ValueError otherwise."""
    text = (value or "").strip()
    for spdx in LICENCES:
        if text.upper() == spdx.upper():
            return spdx
    from dwcqa.checks.metadata import recognise_licence  # lazy: the checks are heavy to import

    named = recognise_licence(text)
    if named and named[0] in LICENCES:
        return named[0]
    raise ValueError(f"{value!r} is not a licence GBIF accepts (CC0-1.0, CC-BY-4.0 or CC-BY-NC-4.0)")


def _agent(tag: str, contact: Contact, ns: str) -> etree._Element:
    element = etree.Element(ns + tag)
    if contact.surname:
        person = etree.SubElement(element, ns + "individualName")
        if contact.given_name:
            etree.SubElement(person, ns + "givenName").text = contact.given_name
        etree.SubElement(person, ns + "surName").text = contact.surname
    if contact.organization:
        etree.SubElement(element, ns + "organizationName").text = contact.organization
    if contact.position:
        etree.SubElement(element, ns + "positionName").text = contact.position
    if not (contact.surname or contact.organization or contact.position):
        raise ValueError("a contact needs a surname, an organisation or a position")
    if contact.phone:
        etree.SubElement(element, ns + "phone").text = contact.phone
    if contact.email:
        etree.SubElement(element, ns + "electronicMailAddress").text = contact.email
    if contact.url:
        etree.SubElement(element, ns + "onlineUrl").text = contact.url
    return element


def _rights(spdx: str, ns: str) -> etree._Element:
    url, title = LICENCES[spdx]
    rights = etree.Element(ns + "intellectualRights")
    para = etree.SubElement(rights, ns + "para")
    para.text = "This work is licensed under a "
    link = etree.SubElement(para, ns + "ulink", url=url)
    etree.SubElement(link, ns + "citetitle").text = title
    link.tail = " License."
    return rights


def _insert(dataset: etree._Element, element: etree._Element) -> None:
    """Insert a <dataset> child where the GBIF profile's order puts it (after its kind)."""
    name = etree.QName(element).localname
    rank = _DATASET_ORDER.index(name)
    position = 0
    for index, child in enumerate(dataset):
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if local in _DATASET_ORDER and _DATASET_ORDER.index(local) <= rank:
            position = index + 1
    dataset.insert(position, element)


def complete_eml(
    eml: bytes | None,
    *,
    licence: str | None = None,
    contacts: Iterable[Contact] = (),
    creators: Iterable[Contact] | None = None,
    title: str | None = None,
    description: str | None = None,
    language: str = "en",
) -> bytes:
    """eml.xml completed with what the user entered (or a new one when there is none).

    - ``licence`` (CC0-1.0, CC-BY-4.0, CC-BY-NC-4.0; a URL or name is recognised too) replaces
      <intellectualRights> with the machine-readable link GBIF reads;
    - ``contacts`` are added as <contact>; ``creators`` as <creator> (default: the contacts,
      when the document has no creator);
    - ``title`` and ``description`` fill <title> and <abstract> when given (they replace the
      existing ones only when these are empty).

    A new document follows the GBIF metadata profile (EML 2.1.1). Everything else in an
    existing document is kept as it is.
    """
    contacts = list(contacts)
    spdx = licence_id(licence) if licence else None
    if eml is None:
        return _new_eml(spdx, contacts, list(creators) if creators is not None else contacts, title, description, language)
    from dwcqa.archive.xmlsafe import parse_xml

    root = parse_xml(eml, METADATA_NAME)
    dataset = next((c for c in root if isinstance(c.tag, str) and etree.QName(c).localname == "dataset"), None)
    if dataset is None:
        raise ValueError("eml.xml has no <dataset> element to complete")
    ns = "{%s}" % etree.QName(dataset).namespace if etree.QName(dataset).namespace else ""

    def children(name: str) -> list[etree._Element]:
        return [c for c in dataset if isinstance(c.tag, str) and etree.QName(c).localname == name]

    if title and not "".join(t for c in children("title") for t in c.itertext()).strip():
        for old in children("title"):
            dataset.remove(old)
        element = etree.Element(ns + "title")
        element.text = title
        _insert(dataset, element)
    if description and not "".join(t for c in children("abstract") for t in c.itertext()).strip():
        for old in children("abstract"):
            dataset.remove(old)
        element = etree.Element(ns + "abstract")
        etree.SubElement(element, ns + "para").text = description
        _insert(dataset, element)
    if spdx:
        for old in children("intellectualRights") + children("licensed"):
            dataset.remove(old)
        _insert(dataset, _rights(spdx, ns))
    wanted_creators = list(creators) if creators is not None else (contacts if not children("creator") else [])
    for person in wanted_creators:
        _insert(dataset, _agent("creator", person, ns))
    for person in contacts:
        _insert(dataset, _agent("contact", person, ns))
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def _new_eml(spdx, contacts, creators, title, description, language) -> bytes:
    if not title:
        raise ValueError("a new eml.xml needs a title")
    if not contacts:
        raise ValueError("a new eml.xml needs at least one contact")
    root = etree.Element("{%s}eml" % EML_211, nsmap={"eml": EML_211, "xsi": XSI})
    root.set("{%s}schemaLocation" % XSI, f"{EML_211} {GBIF_PROFILE}")
    root.set("packageId", "dwcqa-export")
    root.set("system", "http://gbif.org")
    root.set("scope", "system")
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "eng" if language == "en" else language)
    dataset = etree.SubElement(root, "dataset")
    etree.SubElement(dataset, "title").text = title
    for person in creators or contacts:
        dataset.append(_agent("creator", person, ""))
    etree.SubElement(dataset, "pubDate").text = date.today().isoformat()
    etree.SubElement(dataset, "language").text = language
    abstract = etree.SubElement(dataset, "abstract")
    etree.SubElement(abstract, "para").text = description or title
    if spdx:
        dataset.append(_rights(spdx, ""))
    for person in contacts:
        dataset.append(_agent("contact", person, ""))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


__all__ = [
    "Contact", "LICENCES", "TableWritten", "WriteError", "WriteReport", "check_target", "complete_eml", "encode_rows",
    "licence_id", "meta_xml", "write", "write_csv",
]
