"""Archive structure checks: meta.xml, row types, terms, files, identifiers (GBIF validator parity).

Each check is declared once with the decorators of :mod:`dwcqa.checks.registry`. Ids are the
GBIF data validator's evaluation names where the meaning is the same (``DWCA_META_XML_SCHEMA``,
``CORE_ROWTYPE_UNDETERMINED``, ``UNKNOWN_TERM``, ``DUPLICATED_TERM``, ``REQUIRED_TERM_MISSING``,
``COLUMN_MISMATCH``, ``RECORD_IDENTIFIER_NOT_FOUND``, ``RECORD_NOT_UNIQUELY_IDENTIFIED``,
``OCCURRENCE_NOT_UNIQUELY_IDENTIFIED``, ``RECORD_REFERENTIAL_INTEGRITY_VIOLATION``, ...).

What the reader noticed while loading (``Archive.problems``) is turned into findings here and
never detected twice; :data:`PROBLEM_CHECKS` says which check reports each reader problem code.
The one exception is meta.xml validity: whether meta.xml is valid against the Darwin Core text
guide needs the whole element tree (order of elements, attributes the schema does not allow,
character content, the lexical form of integers and URIs), which the reader's problems do not
carry. :func:`meta_xml_violations` walks meta.xml once, implementing the text guide's rules in
code, and reuses the reader's problem codes where the meaning is the same.

GBIF's verdict on indexing is :func:`indexable`; why each check does or does not block it is
written in the comment "What makes GBIF refuse to index an archive" below.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from dwcqa.archive.model import Problem, Table
from dwcqa.archive.xmlsafe import local_name, namespace_of, parse_xml
from dwcqa.checks.context import Context
from dwcqa.checks.registry import ArchiveFinding, archive_check, record_check
from dwcqa.errors import ArchiveError
from dwcqa.cells import value_fingerprints
from dwcqa.parse import _encode, cached_encoding, cached_per_data, duplicated
from dwcqa.terms import DWC, DWC_TEXT_NS, is_known, known_terms, short_name

GBIF = "http://rs.gbif.org/terms/1.0/"
OCCURRENCE, TAXON, EVENT = DWC + "Occurrence", DWC + "Taxon", DWC + "Event"
OCCURRENCE_ID, TAXON_ID, EVENT_ID = DWC + "occurrenceID", DWC + "taxonID", DWC + "eventID"
BASIS_OF_RECORD, SCIENTIFIC_NAME, EVENT_DATE = DWC + "basisOfRecord", DWC + "scientificName", DWC + "eventDate"
YEAR = DWC + "year"

# The term that identifies a record of each core class (GBIF decides a plain table's row type by it).
ID_TERMS = {OCCURRENCE: OCCURRENCE_ID, TAXON: TAXON_ID, EVENT: EVENT_ID}

# The minimum without which GBIF cannot treat a table as its class: its identifier and the term
# that defines the class. Applied to the core, and to an Occurrence extension (GBIF indexes the
# occurrences of an Event or Taxon core from it).
MINIMUM_TERMS = {
    OCCURRENCE: (OCCURRENCE_ID, BASIS_OF_RECORD),
    TAXON: (TAXON_ID, SCIENTIFIC_NAME),
    EVENT: (EVENT_ID, EVENT_DATE),
}
# GBIF's published data quality requirements ("Required" on gbif.org/data-quality-requirements-
# occurrences, -checklists, -sampling-events), per dataset class (the core's row type).
GBIF_REQUIRED_TERMS = {
    OCCURRENCE: (OCCURRENCE_ID, BASIS_OF_RECORD, SCIENTIFIC_NAME, EVENT_DATE),
    TAXON: (TAXON_ID, SCIENTIFIC_NAME, DWC + "taxonRank"),
    EVENT: (EVENT_ID, EVENT_DATE, DWC + "samplingProtocol", DWC + "sampleSizeValue", DWC + "sampleSizeUnit"),
}
# A required term counts as present when one of these is mapped: GBIF builds the event date
# from year/month/day when there is no eventDate.
SATISFIED_BY = {EVENT_DATE: (YEAR,)}

# GBIF-registered row types that the standards tables lack because the corpus copy of
# rs.gbif.org has no definition file for them (kept short; each one named with its source).
REGISTERED_ROW_TYPES_NOT_IN_STANDARDS = {
    GBIF + "Description": "GBIF Taxon Description extension (rs.gbif.org/extension/gbif/1.0/description.xml)",
}

# Reader problem code -> the check that reports it (None: the metadata module's concern).
PROBLEM_CHECKS: dict[str, str | None] = {
    "META_XML_MISSING": "DWCA_META_XML_NOT_FOUND",  # TABLE_WITHOUT_META_XML for a single compressed table
    # meta.xml validity: reported through meta_xml_violations(), which reuses these codes.
    "META_ROOT_INVALID": "DWCA_META_XML_SCHEMA",
    "META_NAMESPACE_INVALID": "DWCA_META_XML_SCHEMA",
    "META_CORE_MISSING": "DWCA_META_XML_SCHEMA",
    "META_CORE_MULTIPLE": "DWCA_META_XML_SCHEMA",
    "META_FILES_MISSING": "DWCA_META_XML_SCHEMA",
    "META_ID_ELEMENT_WRONG": "DWCA_META_XML_SCHEMA",
    "META_ATTRIBUTE_INVALID": "DWCA_META_XML_SCHEMA",
    "META_ID_MISSING": "DWCA_META_XML_SCHEMA",  # an extension's <coreid>; a core's <id> only with extensions (DWCA_META_XML_INVALID)
    "ROW_TYPE_MISSING": "DWCA_META_XML_SCHEMA",  # absent attribute; an empty one is DWCA_META_XML_INVALID
    "FIELD_TERM_MISSING": "DWCA_META_XML_SCHEMA",  # absent attribute; an empty one is DWCA_META_XML_INVALID
    "FIELD_INDEX_INVALID": "DWCA_META_XML_SCHEMA",  # not an integer; a negative one is DWCA_META_XML_INVALID
    "FIELD_INDEX_MISSING": "DWCA_META_XML_INVALID",
    "META_DELIMITER_EMPTY": "DWCA_META_XML_INVALID",
    "DATA_FILE_MISSING": "DATA_FILE_MISSING",
    "FIELD_INDEX_BEYOND_COLUMNS": "FIELD_INDEX_BEYOND_COLUMNS",
    "RAGGED_ROWS": "COLUMN_MISMATCH",  # EXTENSION_COLUMN_MISMATCH for an extension's rows
    "BLANK_LINES": "BLANK_LINES",
    "ENCODING_INVALID": "ENCODING_INVALID",
    "ENCODING_UNKNOWN": "ENCODING_INVALID",
    "BOM_IN_DATA": "BOM_IN_DATA",
    "ARCHIVE_WRAPPED": "ARCHIVE_WRAPPED",
    "METADATA_FILE_MISSING": None,
    "METADATA_NOT_DECLARED": None,
    "METADATA_MISSING": None,
}

# What makes GBIF refuse to index an archive ("indexeable": false in the data validator's
# report). GBIF decides with a fixed set of evaluation types (IndexableRules in
# gbif/gbif-data-validator and in the pipelines validator): DWCA_UNREADABLE,
# DWCA_META_XML_NOT_FOUND, DWCA_META_XML_SCHEMA, UNREADABLE_SECTION_ERROR,
# CORE_ROWTYPE_UNDETERMINED, RECORD_IDENTIFIER_NOT_FOUND, RECORD_NOT_UNIQUELY_IDENTIFIED,
# RECORD_REFERENTIAL_INTEGRITY_VIOLATION, OCCURRENCE_NOT_UNIQUELY_IDENTIFIED, DUPLICATED_TERM,
# and, from the metadata, LICENSE_MISSING_OR_UNKNOWN; it also needs every evaluation step to
# have finished. Everything else (unknown row types and terms, required terms, column-count
# mismatches, interpretation flags) is reported but does not stop indexing. Here:
# - the ids above that we share with GBIF block indexing, with the same meaning;
# - DATA_FILE_MISSING blocks: a data file meta.xml declares cannot be opened, which GBIF
#   reports as DWCA_UNREADABLE (core) or UNREADABLE_SECTION_ERROR (extension);
# - EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED is OCCURRENCE_NOT_UNIQUELY_IDENTIFIED found in
#   an Occurrence extension (GBIF checks occurrenceID uniqueness in whichever file holds the
#   occurrences; a record check cannot carry extension rows, hence a second id);
# - EXTENSION_COREID_MISSING blocks: GBIF's referential-integrity evaluation compares every
#   extension coreid with the core ids, so an empty coreid is a violation there too (the
#   pipelines validator reports rows missing their id as RECORD_REFERENTIAL_INTEGRITY_VIOLATION);
# - a plain table read on its own has no meta.xml by nature (TABLE_WITHOUT_META_XML, info):
#   GBIF's validator converts such tables itself; only an archive (zip, folder) missing its
#   meta.xml is DWCA_META_XML_NOT_FOUND.
# Caveat: GBIF's crawler (the pipelines DwcaValidator) still accepts an Occurrence dataset with
# duplicated or missing occurrenceIDs when institutionCode/collectionCode/catalogNumber triplets
# are complete and unique; we follow the data validator's stricter, documented verdict.


# -- standards tables ---------------------------------------------------------------------


def _standard_rows(name: str) -> list[dict[str, str]]:
    path = resources.files("dwcqa") / "standards" / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=None)
def registered_row_types() -> frozenset[str]:
    """GBIF-registered core/extension row types, plus the Darwin Core classes."""
    found = {row["row_type"] for row in _standard_rows("row_types.csv")}
    found |= {row["uri"] for row in _standard_rows("classes.csv")}
    found |= set(REGISTERED_ROW_TYPES_NOT_IN_STANDARDS)
    return frozenset(found)


@lru_cache(maxsize=None)
def _definitions() -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """Per registered row type: (its properties, its required properties, in order)."""
    terms: dict[str, set[str]] = {}
    required: dict[str, list[str]] = {}
    for row in _standard_rows("row_type_terms.csv"):
        terms.setdefault(row["row_type"], set()).add(row["uri"])
        if row.get("required", "").strip().lower() == "true":
            required.setdefault(row["row_type"], []).append(row["uri"])
    return {rt: (frozenset(t), tuple(required.get(rt, ()))) for rt, t in terms.items()}


@lru_cache(maxsize=None)
def _known_by_lowercase() -> dict[str, str]:
    return {uri.lower(): uri for uri in known_terms()}


# -- small helpers --------------------------------------------------------------------------


def _blank(values: pd.Series) -> np.ndarray:
    """True where a cell is missing or only whitespace."""
    return (values.isna() | (values.str.strip() == "")).to_numpy(dtype=bool, na_value=True)


def _label(table: Table) -> str:
    return "core" if table.spec.is_core else f"{table.name or 'unnamed'} extension"


def _file_of(table: Table) -> str | None:
    if table.row_files:
        return table.row_files[0][0]
    return table.files[0] if table.files else None


def row_lines(table: Table, rows) -> list[tuple[str | None, int | None]]:
    """(file, 1-based line) of data rows of ``table``.

    Exact for files with one line per record; the reader keeps no per-row line map, so rows
    after a multi-line quoted value or a blank line are placed as if there were none.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if not table.row_files or rows.size == 0:
        return [(_file_of(table), None) for _ in rows]
    starts = np.array([start for _, start in table.row_files], dtype=np.int64)
    which = np.searchsorted(starts, rows, side="right") - 1
    lines = rows - starts[which] + table.spec.dialect.header_lines + 1
    return [(table.row_files[w][0], int(line)) for w, line in zip(which, lines)]


def _lines_text(table: Table, rows: np.ndarray, shown: int = 5) -> str:
    places = row_lines(table, rows[:shown])
    text = ", ".join(str(line) for _, line in places if line is not None)
    more = len(rows) - shown
    return text + (f" and {more} more" if more > 0 else "")


def _rows_finding(check: str, table: Table, rows: np.ndarray, what: str, term: str | None = None) -> ArchiveFinding:
    (file, line), *_ = row_lines(table, rows[:1])
    return ArchiveFinding(check, f"{_label(table)}: {len(rows)} rows {what} (lines {_lines_text(table, rows)})", file, line, term, len(rows))


def _problems(context: Context, *codes: str) -> list[Problem]:
    return [p for p in context.archive.problems if p.code in codes]


def _from_problems(context: Context, check: str, *codes: str) -> list[ArchiveFinding]:
    return [ArchiveFinding(check, p.message, p.file, p.line, p.term, p.count or 1) for p in _problems(context, *codes)]


def _mapped_columns(table: Table) -> list[tuple[str, pd.Series]]:
    """(term, verbatim column) for every term mapped to a column of the file, each once."""
    found = []
    for term in table.terms:
        values = table.verbatim(term) if term else None
        if values is not None:
            found.append((term, values))
    return found


def _mapped(table: Table, term: str) -> bool:
    """The term is mapped, also when written with other capitals (GBIF resolves those)."""
    if table.field(term) is not None:
        return True
    lowered = term.lower()
    return any(f.term.lower() == lowered for f in table.spec.fields if f.term)


def _column(table: Table, term: str, verbatim: bool = False) -> pd.Series | None:
    """A term's column, also when meta.xml writes the term with other capitals."""
    get = table.verbatim if verbatim else table.column
    values = get(term)
    if values is None and table.field(term) is None:
        lowered = term.lower()
        variant = next((f.term for f in table.spec.fields if f.term and f.term.lower() == lowered), None)
        values = get(variant) if variant else None
    return values


def _canonical(term: str) -> str:
    return term if is_known(term) else _known_by_lowercase().get(term.lower(), term)


def _has(table: Table, term: str) -> bool:
    if _mapped(table, term) or any(_mapped(table, t) for t in SATISFIED_BY.get(term, ())):
        return True
    # A checklist's or event core's <id> column is its taxonID / eventID for GBIF (the crawler
    # falls back to the core id when the term is not mapped); occurrences have no such fallback.
    return table.spec.is_core and term in (TAXON_ID, EVENT_ID) and table.spec.id_index is not None


def _meta_xml_name(context: Context) -> str:
    metas = [m for m in context.archive.members if PurePosixPath(m).name.lower() == "meta.xml"]
    return min(metas, key=lambda m: (len(PurePosixPath(m).parts), m)) if metas else "meta.xml"


# -- meta.xml, the text guide's rules in code -----------------------------------------------

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSI_ATTRIBUTES = {"schemaLocation", "noNamespaceSchemaLocation", "type", "nil"}
FILE_ATTRIBUTES = {"linesTerminatedBy", "fieldsTerminatedBy", "fieldsEnclosedBy", "ignoreHeaderLines", "rowType", "encoding", "dateFormat"}
FIELD_ATTRIBUTES = {"index", "term", "default", "vocabulary", "delimitedBy"}
_INTEGER = re.compile(r"[+-]?[0-9]+")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_IP_LITERAL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@\[\]]*@)?\[[0-9A-Fa-f:.]+\](?::[0-9]*)?(?:[/?#].*)?", re.S)


@dataclass(frozen=True)
class MetaViolation:
    """One way meta.xml breaks the Darwin Core text guide."""

    code: str
    message: str
    line: int | None
    schema: bool  # True: the text guide's XML schema forbids it; False: a rule of its prose
    term: str | None = None


def _any_uri(value: str) -> bool:
    """The lexical rules of xs:anyURI that validators enforce (RFC 3986 after escaping)."""
    value = value.strip()
    if value.count("#") > 1:
        return False
    for match in re.finditer("%", value):
        if not re.fullmatch(r"[0-9A-Fa-f]{2}", value[match.end() : match.end() + 2]):
            return False
    head = re.split(r"[/?#]", value, maxsplit=1)[0]
    if ":" in head and not _SCHEME.fullmatch(head.split(":", 1)[0]):
        return False
    if ("[" in value or "]" in value) and not _IP_LITERAL.fullmatch(value):
        return False
    if "://" in value:
        authority = re.split(r"[/?#]", value.split("://", 1)[1], maxsplit=1)[0]
        if authority.count("@") > 1:
            return False
        host = authority.rsplit("@", 1)[-1]
        if not host.startswith("[") and ":" in host and not host.rsplit(":", 1)[1].isdigit() and host.rsplit(":", 1)[1] != "":
            return False
    return True


def _full_uri(value: str) -> bool:
    """A term or row type written as a resolvable URI (not a bare or prefixed name)."""
    value = value.strip()
    return bool(value) and " " not in value and ("://" in value or value.lower().startswith("urn:"))


class _MetaWalk:
    def __init__(self) -> None:
        self.found: list[MetaViolation] = []

    def add(self, code: str, message: str, element, schema: bool, term: str | None = None) -> None:
        line = element.sourceline if element is not None else None
        self.found.append(MetaViolation(code, message, line, schema, term))

    @staticmethod
    def elements(element) -> list:
        return [child for child in element if isinstance(child.tag, str)]

    def no_text(self, element, name: str) -> None:
        """Element-only content: nothing but whitespace between child elements."""
        texts = [element.text] + [child.tail for child in element]
        if any(t and t.strip() for t in texts):
            self.add("META_CONTENT_UNEXPECTED", f"<{name}> holds text; only elements belong there", element, True)

    def empty(self, element, name: str) -> None:
        """Empty content: no child elements, no characters (not even whitespace)."""
        texts = [element.text] + [child.tail for child in element]
        if self.elements(element) or any(texts):
            self.add("META_CONTENT_UNEXPECTED", f"<{name}> must be empty (all it says is in its attributes)", element, True)

    def attributes(self, element, name: str, allowed: set[str]) -> None:
        for key in element.attrib:
            if key.startswith("{"):
                namespace, local = key[1:].split("}", 1)
                if namespace == XSI and local in XSI_ATTRIBUTES:
                    continue
                shown = local
            else:
                if key in allowed:
                    continue
                shown = key
            self.add("META_ATTRIBUTE_UNEXPECTED", f"<{name}> has an attribute {shown!r} the text guide does not define", element, True)

    def index(self, element, name: str, term: str | None = None) -> int | None:
        raw = element.get("index")
        if raw is None:
            return None
        if not _INTEGER.fullmatch(raw.strip()):
            self.add("FIELD_INDEX_INVALID", f"<{name}> index {raw!r} is not a whole number", element, True, term)
            return None
        value = int(raw.strip())
        if value < 0:
            self.add("FIELD_INDEX_INVALID", f"<{name}> index {value} is negative; columns are counted from 0", element, False, term)
        return value

    def walk(self, root) -> list[MetaViolation]:
        namespace = namespace_of(root)
        if local_name(root) != "archive":
            self.add("META_ROOT_INVALID", f"the root element is <{local_name(root)}>, not <archive>", root, True)
        if namespace != DWC_TEXT_NS:
            self.add("META_NAMESPACE_INVALID", f"the root element is in the namespace {namespace or '(none)'}, not {DWC_TEXT_NS}", root, True)
        self.attributes(root, "archive", {"metadata"})
        metadata = root.get("metadata")
        if metadata is not None and not _any_uri(metadata):
            self.add("META_ATTRIBUTE_INVALID", f"metadata={metadata!r} is not a valid URI", root, True)
        self.no_text(root, "archive")
        children = self.elements(root)
        kinds = []
        for child in children:
            name = local_name(child)
            if namespace_of(child) != namespace or name not in ("core", "extension"):
                self.add("META_ELEMENT_UNEXPECTED", f"<archive> holds an element <{name}> the text guide does not define", child, True)
                kinds.append("X")
            else:
                kinds.append("K" if name == "core" else "E")
        cores = [c for c, k in zip(children, kinds) if k == "K"]
        extensions = [c for c, k in zip(children, kinds) if k == "E"]
        if not cores:
            self.add("META_CORE_MISSING", "meta.xml declares no <core>", root, True)
        elif len(cores) > 1:
            self.add("META_CORE_MULTIPLE", f"meta.xml declares {len(cores)} <core> elements; there must be exactly one", cores[1], True)
        elif "".join(k for k in kinds if k != "X").find("K") > 0:
            self.add("META_ELEMENT_ORDER", "an <extension> comes before the <core>; the <core> must come first", cores[0], True)
        for core in cores:
            self.table(core, True, namespace, bool(extensions))
        for extension in extensions:
            self.table(extension, False, namespace, False)
        return self.found

    def table(self, element, is_core: bool, namespace: str | None, has_extensions: bool) -> None:
        kind = "core" if is_core else "extension"
        self.attributes(element, kind, FILE_ATTRIBUTES)
        row_type = element.get("rowType")
        if row_type is None:
            self.add("ROW_TYPE_MISSING", f"<{kind}> has no rowType attribute", element, True)
        elif not row_type.strip():
            self.add("ROW_TYPE_MISSING", f"<{kind}> has an empty rowType", element, False)
        elif not _full_uri(row_type):
            self.add("META_ROW_TYPE_NOT_URI", f"<{kind}> rowType {row_type!r} is not a URI", element, False)
        header = element.get("ignoreHeaderLines")
        if header is not None:
            if not _INTEGER.fullmatch(header.strip()):
                self.add("META_ATTRIBUTE_INVALID", f"<{kind}> ignoreHeaderLines={header!r} is not a whole number", element, True)
            elif int(header.strip()) < 0:
                self.add("META_ATTRIBUTE_INVALID", f"<{kind}> ignoreHeaderLines={header.strip()} is negative", element, False)
        if element.get("fieldsTerminatedBy") == "":
            self.add("META_DELIMITER_EMPTY", f"<{kind}> has an empty fieldsTerminatedBy; fields cannot be told apart", element, False)
        self.no_text(element, kind)
        tokens, counts, structural = [], Counter(), False
        letters = {"files": "F", "id": "I", "coreid": "C", "field": "D"}
        for child in self.elements(element):
            name = local_name(child)
            if namespace_of(child) != namespace or name not in letters:
                self.add("META_ELEMENT_UNEXPECTED", f"<{kind}> holds an element <{name}> the text guide does not define", child, True)
                structural = True
                continue
            tokens.append(letters[name])
            counts[name] += 1
            if name == "files":
                self.files(child)
            elif name == "field":
                self.field(child)
            else:
                self.attributes(child, name, {"index"})
                self.empty(child, name)
                if child.get("index") is None:
                    self.add("FIELD_INDEX_MISSING", f"<{name}> has no index: it does not say which column holds the identifier", child, False)
                self.index(child, name)
        expected_id, wrong_id = ("id", "coreid") if is_core else ("coreid", "id")
        if counts["files"] == 0:
            self.add("META_FILES_MISSING", f"<{kind}> has no <files> element naming its data file", element, True)
            structural = True
        elif counts["files"] > 1:
            self.add("META_FILES_MULTIPLE", f"<{kind}> has {counts['files']} <files> elements; list all files as <location>s of one", element, True)
            structural = True
        if counts[wrong_id]:
            self.add("META_ID_ELEMENT_WRONG", f"<{kind}> uses <{wrong_id}>; the text guide asks for <{expected_id}>", element, True)
            structural = True
        elif counts[expected_id] > 1:
            self.add("META_ID_MULTIPLE", f"<{kind}> has {counts[expected_id]} <{expected_id}> elements; one is allowed", element, True)
            structural = True
        elif not is_core and counts["coreid"] == 0:
            self.add("META_ID_MISSING", "<extension> has no <coreid>: its rows cannot be linked to core records", element, True)
            structural = True
        elif is_core and has_extensions and counts["id"] == 0:
            self.add("META_ID_MISSING", "<core> has no <id>, which the text guide requires when there are extensions", element, False)
        if counts["field"] == 0:
            self.add("META_FIELDS_MISSING", f"<{kind}> maps no <field>; at least one is required", element, True)
            structural = True
        order = r"FI?D+" if is_core else r"FCD+"
        if not structural and not re.fullmatch(order, "".join(tokens)):
            wanted = "<files>, <id>, then <field>s" if is_core else "<files>, <coreid>, then <field>s"
            self.add("META_ELEMENT_ORDER", f"<{kind}> lists its elements out of order; the text guide's order is {wanted}", element, True)

    def files(self, element) -> None:
        self.attributes(element, "files", set())
        self.no_text(element, "files")
        locations = 0
        for child in self.elements(element):
            name = local_name(child)
            if name != "location" or namespace_of(child) != namespace_of(element):
                self.add("META_ELEMENT_UNEXPECTED", f"<files> holds an element <{name}>; only <location> belongs there", child, True)
                continue
            locations += 1
            self.attributes(child, "location", set())
            if self.elements(child):
                self.add("META_CONTENT_UNEXPECTED", "<location> holds elements; it must hold only a file name or URL", child, True)
            if not (child.text or "").strip():
                self.add("META_LOCATION_EMPTY", "<location> is empty; it must name a data file", child, False)
        if locations == 0:
            self.add("META_FILES_MISSING", "<files> lists no <location>", element, True)

    def field(self, element) -> None:
        self.attributes(element, "field", FIELD_ATTRIBUTES)
        self.empty(element, "field")
        term = element.get("term")
        if term is None:
            self.add("FIELD_TERM_MISSING", "<field> has no term attribute", element, True)
        elif not term.strip():
            self.add("FIELD_TERM_MISSING", "<field> has an empty term", element, False)
        elif not _any_uri(term):
            self.add("META_ATTRIBUTE_INVALID", f"<field> term {term!r} is not a valid URI", element, True, term)
        elif not _full_uri(term):
            self.add("META_TERM_NOT_URI", f"<field> term {term!r} is a name, not the term's full URI", element, False, term)
        vocabulary = element.get("vocabulary")
        if vocabulary is not None and not _any_uri(vocabulary):
            self.add("META_ATTRIBUTE_INVALID", f"<field> vocabulary {vocabulary!r} is not a valid URI", element, True, term)
        self.index(element, "field", term)
        if element.get("index") is None and element.get("default") is None:
            self.add("FIELD_INDEX_MISSING", f"<field> {term or ''} has neither an index nor a default: it maps nothing", element, False, term)


def meta_xml_violations(data: bytes, file: str = "meta.xml") -> list[MetaViolation]:
    """Every way ``data`` (a meta.xml) breaks the Darwin Core text guide, in document order.

    ``schema=True`` marks what the text guide's XML schema forbids (GBIF: DWCA_META_XML_SCHEMA);
    the others break a rule the guide states in prose (an <id> when there are extensions, a
    non-negative index, a term written as a full URI, ...). Raises ArchiveError for XML that
    is not well-formed.
    """
    root = parse_xml(data, file)
    return _MetaWalk().walk(root)


def _meta_violations(context: Context) -> list[MetaViolation]:
    def compute():
        if context.archive.meta_xml is None:
            return []
        try:
            return meta_xml_violations(context.archive.meta_xml, _meta_xml_name(context))
        except ArchiveError as error:  # the reader parsed it already; kept for safety
            return [MetaViolation("META_XML_UNREADABLE", error.problem, error.line, True)]

    return context.cached("structure.meta_violations", compute)


# -- meta.xml checks ------------------------------------------------------------------------


@archive_check(
    id="DWCA_META_XML_NOT_FOUND",
    title="meta.xml missing from the archive",
    explanation="""The archive has data files but no meta.xml, the file that tells GBIF which
    file is the core, how it is delimited and which Darwin Core term each column holds. Without
    it GBIF's validator does not index the archive. Export the archive again from your publishing
    tool (the IPT writes meta.xml for you), or add a meta.xml describing each data file.""",
    severity="error",
    dimension="structure",
    blocks_indexing=True,
)
def dwca_meta_xml_not_found(context: Context) -> list[ArchiveFinding]:
    if _compressed_table(context.archive.source):
        return []
    return _from_problems(context, "DWCA_META_XML_NOT_FOUND", "META_XML_MISSING")


def _compressed_table(source: str) -> bool:
    """A single compressed table (occurrence.txt.gz): a plain table, not an archive.

    The reader reports META_XML_MISSING for anything it had to unpack; a gzip, bzip2 or xz
    file that is not a tar holds one table, which has no meta.xml by nature.
    """
    suffixes = [s.lower() for s in PurePosixPath(source.replace("\\", "/")).suffixes]
    return bool(suffixes) and suffixes[-1] in (".gz", ".bz2", ".xz") and ".tar" not in suffixes[-2:-1]


@archive_check(
    id="TABLE_WITHOUT_META_XML",
    title="A single table, not a Darwin Core Archive",
    explanation="""This is one delimited table read on its own, so its column headers were
    matched to Darwin Core terms by name and the kind of record was guessed from them. That is
    fine for checking data, and GBIF's validator accepts tables too; to publish, package the
    table with a meta.xml and an eml.xml (the IPT does this when you upload the table).""",
    severity="info",
    dimension="structure",
)
def table_without_meta_xml(context: Context) -> list[ArchiveFinding]:
    archive = context.archive
    if archive.kind != "table" or (_problems(context, "META_XML_MISSING") and not _compressed_table(archive.source)):
        return []
    name = _file_of(archive.core)
    guessed = short_name(archive.core.row_type)
    return [ArchiveFinding("TABLE_WITHOUT_META_XML", f"{name} was read as a plain table of {guessed} records (headers matched to terms by name)", name)]


@archive_check(
    id="DWCA_META_XML_SCHEMA",
    title="meta.xml does not follow the Darwin Core text schema",
    explanation="""meta.xml breaks the structure the Darwin Core text guide's schema sets: for
    example an element or attribute it does not define, elements in the wrong order, an
    extension without <coreid>, a core or extension without <files>, or an index that is not a
    whole number. GBIF's validator refuses to index such an archive. Fix meta.xml at the line
    given, or export the archive again from the IPT.""",
    severity="error",
    dimension="structure",
    blocks_indexing=True,
)
def dwca_meta_xml_schema(context: Context) -> list[ArchiveFinding]:
    file = _meta_xml_name(context)
    return [ArchiveFinding("DWCA_META_XML_SCHEMA", f"{v.code}: {v.message}", file, v.line, v.term) for v in _meta_violations(context) if v.schema]


@archive_check(
    id="DWCA_META_XML_INVALID",
    title="meta.xml breaks a rule of the Darwin Core text guide",
    explanation="""meta.xml passes the schema but breaks a rule the Darwin Core text guide
    states in words: a core without <id> although the archive has extensions, a negative column
    index, a <field> with neither index nor default, an empty rowType, term or file location,
    or a term written as a bare name instead of its full URI. Readers then misplace or drop
    columns or cannot link extensions. Correct meta.xml at the line given.""",
    severity="error",
    dimension="structure",
)
def dwca_meta_xml_invalid(context: Context) -> list[ArchiveFinding]:
    file = _meta_xml_name(context)
    return [ArchiveFinding("DWCA_META_XML_INVALID", f"{v.code}: {v.message}", file, v.line, v.term) for v in _meta_violations(context) if not v.schema]


# -- row types and terms --------------------------------------------------------------------


@archive_check(
    id="CORE_ROWTYPE_UNDETERMINED",
    title="The kind of core record cannot be determined",
    explanation="""GBIF has to know whether the core holds occurrences, taxa or events. In an
    archive this is the core's rowType in meta.xml; in a plain table it is the identifier column
    (occurrenceID, taxonID or eventID). Without it GBIF's validator does not index the data. Set
    the core rowType in meta.xml, or add the identifier column that matches your records.""",
    severity="error",
    dimension="structure",
    terms=(OCCURRENCE_ID, TAXON_ID, EVENT_ID),
    blocks_indexing=True,
)
def core_rowtype_undetermined(context: Context) -> list[ArchiveFinding]:
    core = context.core
    if context.archive.kind == "table":
        if any(core.field(t) is not None for t in ID_TERMS.values()):
            return []
        message = f"the table has no occurrenceID, taxonID or eventID column; it was read as {core.name} records by guess"
        return [ArchiveFinding("CORE_ROWTYPE_UNDETERMINED", message, _file_of(core))]
    if core.row_type.strip():
        return []
    return [ArchiveFinding("CORE_ROWTYPE_UNDETERMINED", "the <core> in meta.xml has no rowType", _meta_xml_name(context), core.spec.line)]


@archive_check(
    id="UNKNOWN_ROWTYPE",
    title="Row type not registered with GBIF",
    explanation="""The rowType of a core or extension is neither a core or extension registered
    with GBIF nor a Darwin Core class, so GBIF does not know what its rows are and does not index
    them (their data is lost to GBIF users). Use a registered row type, e.g.
    http://rs.tdwg.org/dwc/terms/Occurrence or http://rs.gbif.org/terms/1.0/Multimedia, and map
    the columns to that extension's terms.""",
    severity="warning",
    dimension="structure",
)
def unknown_rowtype(context: Context) -> list[ArchiveFinding]:
    if context.archive.kind != "dwca":
        return []
    found = []
    for table in context.archive.tables:
        row_type = table.row_type.strip()
        if row_type and row_type not in registered_row_types():
            where = "the core" if table.spec.is_core else "an extension"
            found.append(ArchiveFinding("UNKNOWN_ROWTYPE", f"{where} has rowType {row_type}, which GBIF does not know", _file_of(table), table.spec.line))
    return found


@archive_check(
    id="UNKNOWN_TERM",
    title="Column mapped to a term that is not Darwin Core nor a GBIF extension term",
    explanation="""A column is mapped to a term that neither Darwin Core nor any GBIF-registered
    extension defines (often a misspelling, wrong capitalisation, or a local column name). GBIF
    keeps such values only verbatim, and no one searching GBIF will find them. Map the column to
    the correct term URI, or leave it out of the archive.""",
    severity="warning",
    dimension="structure",
)
def unknown_term(context: Context) -> list[ArchiveFinding]:
    found = []
    for table in context.archive.tables:
        for f in table.spec.fields:
            term = f.term
            if not term or is_known(term) or _known_by_lowercase().get(term.lower()):
                continue
            if term.lower() == "id" and f.index == table.spec.id_index:
                continue
            found.append(ArchiveFinding("UNKNOWN_TERM", f"{_label(table)}: {term} is not a known term", _file_of(table), None, term))
    return _unique(found)


@archive_check(
    id="TERM_CASE_MISMATCH",
    title="Term written with the wrong capitals",
    explanation="""A column is mapped to a known term spelled with other capitals (for example
    .../ScientificName instead of .../scientificName). Term URIs are case-sensitive: GBIF
    resolves the usual variants, but other tools (and checks on that term) do not recognise
    the column. Write the term URI exactly as Darwin Core or the GBIF extension defines it.""",
    severity="warning",
    dimension="structure",
)
def term_case_mismatch(context: Context) -> list[ArchiveFinding]:
    found = []
    for table in context.archive.tables:
        for f in table.spec.fields:
            # The reader maps a known term written with other capitals to its canonical URI.
            written = f.written or ""
            if "://" in written and written != f.term and written.lower() == f.term.lower():
                message = f"{_label(table)}: {written} should be written {f.term}"
                found.append(ArchiveFinding("TERM_CASE_MISMATCH", message, _file_of(table), None, written))
    return _unique(found)


def _unique(findings: list[ArchiveFinding]) -> list[ArchiveFinding]:
    return list(dict.fromkeys(findings))


def _dublin_core(term: str) -> str:
    """dc: (elements) and dcterms: name the same properties; definitions use either."""
    for namespace in ("http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/"):
        if term.startswith(namespace):
            return "dc:" + term[len(namespace) :]
    return term


@archive_check(
    id="TERM_NOT_IN_ROWTYPE",
    title="Term not part of the row type's GBIF definition",
    explanation="""The term is a known term, but the GBIF definition of this core or extension
    does not include it, so GBIF may not interpret it for these rows (for instance coordinates
    in a Taxon core, or identification terms in a Description extension). Check that the column
    sits in the right file, or move it to the extension that defines it.""",
    severity="info",
    dimension="structure",
)
def term_not_in_rowtype(context: Context) -> list[ArchiveFinding]:
    found = []
    for table in context.archive.tables:
        definition = _definitions().get(table.row_type)
        if definition is None:
            continue
        properties = definition[0] | {_dublin_core(t) for t in definition[0]}
        for term in table.terms:
            if term and is_known(term) and term not in properties and _dublin_core(term) not in properties:
                message = f"{_label(table)}: {short_name(term)} is not a term of the {table.name} definition"
                found.append(ArchiveFinding("TERM_NOT_IN_ROWTYPE", message, _file_of(table), None, term))
    return found


@archive_check(
    id="DUPLICATED_TERM",
    title="The same term is mapped to more than one column",
    explanation="""Two or more columns of one file are mapped to the same term, so it is not
    clear which value is the right one. GBIF's validator refuses to index an archive with a
    duplicated term. Keep one column per term (merge or rename the others), and fix meta.xml or
    the header row.""",
    severity="error",
    dimension="structure",
    blocks_indexing=True,
)
def duplicated_term(context: Context) -> list[ArchiveFinding]:
    found = []
    for table in context.archive.tables:
        counts = Counter(_canonical(f.term) for f in table.spec.fields if f.term)
        for term, count in counts.items():
            if count < 2:
                continue
            columns = [str(f.index) if f.index is not None else "default" for f in table.spec.fields if f.term and _canonical(f.term) == term]
            message = f"{_label(table)}: {short_name(term)} is mapped {count} times (columns {', '.join(columns)})"
            found.append(ArchiveFinding("DUPLICATED_TERM", message, _file_of(table), None, term, count))
    return found


def _minimum_terms(table: Table) -> tuple[str, ...]:
    definition = _definitions().get(table.row_type)
    required = list(definition[1]) if definition else []
    if table.spec.is_core or table.row_type == OCCURRENCE:
        required += [t for t in MINIMUM_TERMS.get(table.row_type, ()) if t not in required]
    return tuple(required)


@archive_check(
    id="REQUIRED_TERM_MISSING",
    title="A required term is not mapped",
    explanation="""A term that this kind of record cannot do without is not in the file: the
    record identifier and defining term of the core (occurrenceID and basisOfRecord for
    occurrences, taxonID and scientificName for taxa, eventID and eventDate for events) or a
    term the GBIF extension definition marks as required. GBIF cannot interpret the records
    properly without it. Add the column and fill it for every record.""",
    severity="error",
    dimension="structure",
    terms=tuple(dict.fromkeys(t for terms in MINIMUM_TERMS.values() for t in terms)),
)
def required_term_missing(context: Context) -> list[ArchiveFinding]:
    found = []
    for table in context.archive.tables:
        for term in _minimum_terms(table):
            if not _has(table, term):
                message = f"{_label(table)} ({table.name}) has no {short_name(term)} column"
                found.append(ArchiveFinding("REQUIRED_TERM_MISSING", message, _file_of(table), None, term))
    return found


@archive_check(
    id="GBIF_REQUIRED_TERM_MISSING",
    title="A term GBIF's data quality requirements list as required is not mapped",
    explanation="""GBIF's published data quality requirements list this term as required for
    this kind of dataset (occurrences: occurrenceID, basisOfRecord, scientificName, eventDate;
    checklists: taxonID, scientificName, taxonRank; sampling events: eventID, eventDate,
    samplingProtocol, sampleSizeValue, sampleSizeUnit). GBIF still indexes the data, but users
    cannot filter or trust it as well. Add the column where you have the information.""",
    severity="warning",
    dimension="structure",
    terms=tuple(dict.fromkeys(t for terms in GBIF_REQUIRED_TERMS.values() for t in terms)),
)
def gbif_required_term_missing(context: Context) -> list[ArchiveFinding]:
    core = context.core
    already = set(_minimum_terms(core))
    found = []
    for term in GBIF_REQUIRED_TERMS.get(core.row_type, ()):
        if term not in already and not _has(core, term):
            found.append(ArchiveFinding("GBIF_REQUIRED_TERM_MISSING", f"core ({core.name}) has no {short_name(term)} column", _file_of(core), None, term))
    return found


# -- files and rows -------------------------------------------------------------------------


@archive_check(
    id="DATA_FILE_MISSING",
    title="A data file named in meta.xml is missing",
    explanation="""meta.xml names a data file that is not in the archive, so its records cannot
    be read at all; GBIF cannot open the archive (or that extension) and does not index it.
    Add the file to the archive, or correct the <location> in meta.xml (names are
    case-sensitive on most servers).""",
    severity="error",
    dimension="structure",
    blocks_indexing=True,
)
def data_file_missing(context: Context) -> list[ArchiveFinding]:
    return _from_problems(context, "DATA_FILE_MISSING", "DATA_FILE_MISSING")


@archive_check(
    id="FIELD_INDEX_BEYOND_COLUMNS",
    title="A term is mapped to a column the file does not have",
    explanation="""meta.xml maps a term (or the record identifier) to a column number larger
    than the number of columns in the data file, so that term is empty for every record.
    Usually a column was removed from the file but not from meta.xml, or indexes were counted
    from 1 instead of 0. Correct the index in meta.xml.""",
    severity="error",
    dimension="structure",
)
def field_index_beyond_columns(context: Context) -> list[ArchiveFinding]:
    found = _from_problems(context, "FIELD_INDEX_BEYOND_COLUMNS", "FIELD_INDEX_BEYOND_COLUMNS")
    for table in context.archive.tables:  # the reader checks <field>s; the <id>/<coreid> here
        index, width = table.spec.id_index, table.data.shape[1]
        if index is not None and table.row_files and index >= width:
            tag = "<id>" if table.spec.is_core else "<coreid>"
            found.append(ArchiveFinding("FIELD_INDEX_BEYOND_COLUMNS", f"{_label(table)}: {tag} is column {index}, but the file has {width} columns", _file_of(table)))
    return found


@record_check(
    id="COLUMN_MISMATCH",
    title="Row has a different number of columns",
    explanation="""This row has more or fewer fields than the other rows of the file, usually
    because a value contains the delimiter (a tab or comma) or a line break without quotes, or
    a field was left out. Its values may have slipped into the wrong columns. Fix the row in the
    source and quote values that contain the delimiter.""",
    severity="error",
    dimension="structure",
)
def column_mismatch(context: Context) -> np.ndarray:
    mask = np.zeros(context.records, dtype=bool)
    rows = [r.row for r in context.core.ragged if r.row < context.records]
    mask[rows] = True
    return mask


def column_mismatch_rows(table: Table) -> pd.DataFrame:
    """The rows behind COLUMN_MISMATCH / EXTENSION_COLUMN_MISMATCH, with their lines."""
    return pd.DataFrame(
        [(r.row, r.file, r.line, r.fields, r.expected) for r in table.ragged],
        columns=["row", "file", "line", "fields", "expected"],
    )


@archive_check(
    id="EXTENSION_COLUMN_MISMATCH",
    title="Extension rows with a different number of columns",
    explanation="""Some rows of an extension file have more or fewer fields than the others,
    usually because a value contains the delimiter or a line break without quotes. Their values
    may have slipped into the wrong columns or link to the wrong core record. Fix those rows and
    quote values that contain the delimiter.""",
    severity="error",
    dimension="structure",
)
def extension_column_mismatch(context: Context) -> list[ArchiveFinding]:
    found = []
    for table in context.archive.extensions:
        if table.ragged:
            first = table.ragged[0]
            lines = ", ".join(str(r.line) for r in table.ragged[:5]) + (f" and {len(table.ragged) - 5} more" if len(table.ragged) > 5 else "")
            message = f"{_label(table)}: {len(table.ragged)} rows do not have {first.expected} fields (lines {lines})"
            found.append(ArchiveFinding("EXTENSION_COLUMN_MISMATCH", message, first.file, first.line, None, len(table.ragged)))
    return found


@archive_check(
    id="EMPTY_ARCHIVE",
    title="The core has no records",
    explanation="""The core data file holds no records (at most a header line), so there is
    nothing for GBIF to index or for users to find. Check that the export ran on the full
    dataset and that the data file is the one meta.xml names.""",
    severity="error",
    dimension="structure",
)
def empty_archive(context: Context) -> list[ArchiveFinding]:
    if context.records:
        return []
    return [ArchiveFinding("EMPTY_ARCHIVE", f"the core ({context.core.name}) has 0 records", _file_of(context.core), None, None, 1)]


@archive_check(
    id="ENCODING_INVALID",
    title="File not in the character encoding it declares",
    explanation="""The bytes of a data file are not valid in the encoding meta.xml declares (or
    that encoding is unknown), typically a file saved as Windows-1252 or Latin-1 but declared
    UTF-8. Names with accents or special characters then come out garbled on GBIF. Save the
    file as UTF-8 (or declare its real encoding in meta.xml).""",
    severity="error",
    dimension="structure",
)
def encoding_invalid(context: Context) -> list[ArchiveFinding]:
    return _from_problems(context, "ENCODING_INVALID", "ENCODING_INVALID", "ENCODING_UNKNOWN")


@archive_check(
    id="BLANK_LINES",
    title="Blank lines in a data file",
    explanation="""A data file has empty lines. They are skipped and hold no record, but some
    tools count them as empty records or stop reading at them. Remove empty lines from the
    file (an empty line at the very end is harmless).""",
    severity="info",
    dimension="structure",
)
def blank_lines(context: Context) -> list[ArchiveFinding]:
    return _from_problems(context, "BLANK_LINES", "BLANK_LINES")


@archive_check(
    id="BOM_IN_DATA",
    title="Byte-order marks inside the data",
    explanation="""Some rows start with an invisible byte-order mark, typically because several
    exported files were concatenated. The mark becomes part of the first value (often the
    identifier), so identifiers stop matching. Remove the stray marks and re-save the file as
    UTF-8.""",
    severity="warning",
    dimension="structure",
)
def bom_in_data(context: Context) -> list[ArchiveFinding]:
    return _from_problems(context, "BOM_IN_DATA", "BOM_IN_DATA")


@archive_check(
    id="ARCHIVE_WRAPPED",
    title="Archive content sits in a sub-folder",
    explanation="""meta.xml and the data files are inside a folder within the zip instead of at
    its top level. GBIF and most readers cope, but some tools do not find meta.xml there. Zip
    the files themselves, not the folder that holds them.""",
    severity="info",
    dimension="structure",
)
def archive_wrapped(context: Context) -> list[ArchiveFinding]:
    return _from_problems(context, "ARCHIVE_WRAPPED", "ARCHIVE_WRAPPED")


# -- values ---------------------------------------------------------------------------------

def _verbatim_nulls(context: Context, position: int) -> dict[str, np.ndarray]:
    """Per mapped term of table ``position``: the rows whose verbatim value is a placeholder."""
    return {term: placeholders for term, (placeholders, _) in _blank_scan(context, position).items()}


def _blank_scan(context: Context, position: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per mapped term of table ``position``: rows holding (a placeholder, leading/trailing blanks)."""
    table = context.archive.tables[position]
    mapped = [term for term, _values in _mapped_columns(table)]
    context.scan_columns(mapped, position, effective=False, threads=False)
    found = {}
    for term in mapped:
        cells = context.cells(term, position, effective=False)
        found[term] = (cells.placeholder_rows, cells.blank_edges_rows)
    return found


@record_check(
    id="VERBATIM_NULL",
    title="Placeholder text instead of an empty value",
    explanation="""The record has values such as NULL, \\N, NA, N/A or #N/A where a value is
    unknown, typically left by a database or spreadsheet export. GBIF reads them as real values
    (a locality called "NULL", a date "NA") instead of as missing. Leave unknown values empty;
    the term list shows which columns hold placeholders.""",
    severity="warning",
    dimension="structure",
)
def verbatim_null(context: Context) -> np.ndarray:
    mask = np.zeros(context.records, dtype=bool)
    for rows in _verbatim_nulls(context, 0).values():
        mask[rows] = True
    return mask


@archive_check(
    id="VERBATIM_NULL_BY_TERM",
    title="Placeholder text instead of empty values, per column",
    explanation="""Lists, per file and term, how many values are placeholders such as NULL, \\N,
    NA or #N/A instead of being left empty. GBIF takes them for real values. Replace them with
    empty values in the columns listed (a find-and-replace on the whole column usually does
    it).""",
    severity="info",
    dimension="structure",
)
def verbatim_null_by_term(context: Context) -> list[ArchiveFinding]:
    found = []
    for position, table in enumerate(context.archive.tables):
        for term, rows in _verbatim_nulls(context, position).items():
            count = len(rows)
            if count:
                values = table.verbatim(term).iloc[rows].str.strip().value_counts()
                shown = ", ".join(f"{v!r} x{n}" for v, n in values.head(3).items())
                message = f"{_label(table)}: {short_name(term)} has {count} placeholder values ({shown})"
                (file, line), *_ = row_lines(table, rows[:1])
                found.append(ArchiveFinding("VERBATIM_NULL_BY_TERM", message, file, line, term, count))
    return found


@record_check(
    id="LEADING_TRAILING_WHITESPACE",
    title="Value with leading or trailing spaces",
    explanation="""Some values of the record start or end with spaces, tabs or other blank
    characters. They are invisible in a spreadsheet but make identifiers, names and codes
    differ from the same value without them (links between records and vocabulary matches
    fail). Trim the values (e.g. with the TRIM function or OpenRefine).""",
    severity="warning",
    dimension="structure",
)
def leading_trailing_whitespace(context: Context) -> np.ndarray:
    mask = np.zeros(context.records, dtype=bool)
    for _placeholders, blanks in _blank_scan(context, 0).values():
        mask[blanks] = True
    return mask


# -- identifiers ----------------------------------------------------------------------------


def core_identifiers(context: Context) -> pd.Series | None:
    """The core record identifiers: the <id> column, else the class's id term; None if neither."""
    core = context.core
    if core.spec.id_index is not None:
        return core.ids
    term = ID_TERMS.get(core.row_type)
    return _column(core, term, verbatim=True) if term else None


@record_check(
    id="RECORD_IDENTIFIER_NOT_FOUND",
    title="Record without an identifier",
    explanation="""The record has no value in the core identifier column (or the core has no
    identifier column at all). Every core record needs a unique identifier so GBIF can keep it
    stable between versions and link extension rows to it; GBIF's validator does not index
    data with records lacking one. Fill the identifier for every record.""",
    severity="error",
    dimension="identifiers",
    terms=(OCCURRENCE_ID, TAXON_ID, EVENT_ID),
    blocks_indexing=True,
)
def record_identifier_not_found(context: Context) -> np.ndarray:
    ids = core_identifiers(context)
    if ids is None:
        return np.ones(context.records, dtype=bool)
    return _blank(ids)


def _sharing_a_fingerprint(values: pd.Series, rows: np.ndarray) -> np.ndarray:
    """The ``rows`` whose value fingerprint (length, first and last eight bytes) another of them
    has: only they can share a value. In a column of identifiers there are usually none, and
    then no string is hashed."""
    prints = value_fingerprints(values)[rows]
    ordered = np.sort(prints)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(repeated):
        return rows[:0]
    found = np.minimum(np.searchsorted(repeated, prints), len(repeated) - 1)
    return rows[repeated[found] == prints]


def _duplicated(values: pd.Series, context: Context | None = None) -> np.ndarray:
    """True for every non-blank value that occurs more than once (all of its records).

    With a context, computed once per column data: the core's id column is often the
    occurrenceID column too."""

    def compute() -> np.ndarray:
        blank = _blank(values)
        out = np.zeros(len(values), dtype=bool)
        if blank.all():
            return out
        candidates = _sharing_a_fingerprint(values, np.flatnonzero(~blank))
        if not len(candidates):
            return out
        if len(candidates) * 4 <= len(values):
            out[candidates] = duplicated(_encode(values.iloc[candidates], fold_case=False, trim=False)[0])
            return out
        # Exact values (no trimming), hashed once per column data with a context (shared with
        # the identifier keys), then the codes of filled rows counted.
        codes = cached_encoding(context, values)[0] if context is not None else _encode(values, fold_case=False, trim=False)[0]
        return duplicated(np.where(blank, -1, codes))

    return compute() if context is None else cached_per_data(context, "structure.duplicated", values, compute)


@record_check(
    id="RECORD_NOT_UNIQUELY_IDENTIFIED",
    title="Record identifier shared with another record",
    explanation="""Two or more core records have the same identifier, so extension rows and later
    updates cannot tell them apart. GBIF's validator does not index an archive whose core
    identifiers are not unique. Give each record its own identifier (every record sharing one
    is marked).""",
    severity="error",
    dimension="identifiers",
    terms=(OCCURRENCE_ID, TAXON_ID, EVENT_ID),
    blocks_indexing=True,
)
def record_not_uniquely_identified(context: Context) -> np.ndarray | None:
    ids = core_identifiers(context)
    return None if ids is None else _duplicated(ids, context)


@record_check(
    id="OCCURRENCE_NOT_UNIQUELY_IDENTIFIED",
    title="occurrenceID shared with another record",
    explanation="""Two or more occurrence records have the same occurrenceID. GBIF uses the
    occurrenceID to keep each record's identity (and its GBIF id) stable between versions, and
    its validator does not index occurrences whose occurrenceIDs are not unique. Give each
    occurrence its own, permanent occurrenceID (every record sharing one is marked).""",
    severity="error",
    dimension="identifiers",
    terms=(OCCURRENCE_ID,),
    blocks_indexing=True,
)
def occurrence_not_uniquely_identified(context: Context) -> np.ndarray | None:
    if context.core.row_type != OCCURRENCE:
        return None
    values = _column(context.core, OCCURRENCE_ID)
    return None if values is None else _duplicated(values, context)


@archive_check(
    id="EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED",
    title="occurrenceID shared between rows of the Occurrence extension",
    explanation="""In the Occurrence extension (of an Event or Taxon core), two or more rows have
    the same occurrenceID. GBIF indexes these rows as occurrences and needs each occurrenceID to
    be unique across the dataset; its validator does not index the archive otherwise. Give each
    occurrence row its own, permanent occurrenceID.""",
    severity="error",
    dimension="identifiers",
    terms=(OCCURRENCE_ID,),
    blocks_indexing=True,
)
def extension_occurrence_not_uniquely_identified(context: Context) -> list[ArchiveFinding]:
    found = []
    for table in context.archive.extensions:
        values = _column(table, OCCURRENCE_ID) if table.row_type == OCCURRENCE else None
        if values is None:
            continue
        rows = np.flatnonzero(_duplicated(values))
        if rows.size:
            shared = values.iloc[rows].value_counts()
            example = ", ".join(f"{v!r} x{n}" for v, n in shared.head(3).items())
            found.append(_rows_finding("EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED", table, rows, f"share an occurrenceID ({example})", OCCURRENCE_ID))
    return found


@archive_check(
    id="RECORD_REFERENTIAL_INTEGRITY_VIOLATION",
    title="Extension rows pointing to no core record",
    explanation="""Rows of an extension have a coreid that matches no identifier in the core,
    so they belong to no record and are lost (or attached to the wrong one if ids were
    renumbered). GBIF's validator does not index an archive with such rows. Make every
    extension coreid equal to the id of an existing core record, or remove the orphan rows.""",
    severity="error",
    dimension="identifiers",
    blocks_indexing=True,
)
def record_referential_integrity_violation(context: Context) -> list[ArchiveFinding]:
    core_ids = context.core.ids
    found = []
    for table in context.archive.extensions:
        coreids = table.ids
        if coreids is None or not table.records:
            continue
        filled = ~_blank(coreids)
        if core_ids is None:
            orphan = filled
            what = "cannot be linked: the core declares no <id> column"
        else:
            known = core_ids.dropna().unique()
            orphan = filled & ~coreids.isin(known).to_numpy(dtype=bool, na_value=False)
            what = "have a coreid that matches no core record"
        rows = np.flatnonzero(orphan)
        if rows.size:
            example = ", ".join(repr(v) for v in coreids.iloc[rows].unique()[:3])
            found.append(_rows_finding("RECORD_REFERENTIAL_INTEGRITY_VIOLATION", table, rows, f"{what} (e.g. {example})"))
    return found


@archive_check(
    id="EXTENSION_COREID_MISSING",
    title="Extension rows without a coreid",
    explanation="""Rows of an extension have an empty coreid, so they cannot be attached to any
    core record and are lost; GBIF counts them as referential-integrity violations and does not
    index the archive. Fill in the identifier of the core record each row belongs to, or remove
    the rows.""",
    severity="error",
    dimension="identifiers",
    blocks_indexing=True,
)
def extension_coreid_missing(context: Context) -> list[ArchiveFinding]:
    found = []
    for table in context.archive.extensions:
        coreids = table.ids
        if coreids is None:
            continue
        rows = np.flatnonzero(_blank(coreids))
        if rows.size:
            found.append(_rows_finding("EXTENSION_COREID_MISSING", table, rows, "have an empty coreid"))
    return found


# -- GBIF's verdict -------------------------------------------------------------------------
