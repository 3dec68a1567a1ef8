"""meta.xml, the archive descriptor of the Darwin Core text guide.

One descriptor for the archive and one TableSpec per core/extension, with the defaults of
the text guide's XSD written out: fieldsTerminatedBy=",", fieldsEnclosedBy='"',
linesTerminatedBy="\\n", ignoreHeaderLines=0, encoding="UTF-8".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from dwcqa.archive.model import Dialect, Field, Problem, TableSpec
from dwcqa.archive.xmlsafe import local_name, namespace_of, parse_xml
from dwcqa.errors import ArchiveError
from dwcqa.terms import DWC_TEXT_NS, term_uri

META_XML = "meta.xml"

_ESCAPES = {"\\t": "\t", "\\n": "\n", "\\r": "\r", "\\r\\n": "\r\n", "\\\\": "\\", '\\"': '"', "\\'": "'"}


def unescape(value: str) -> str:
    """`\\t` as written in meta.xml means a tab."""
    if value in _ESCAPES:
        return _ESCAPES[value]
    out, i = [], 0
    while i < len(value):
        pair = value[i : i + 2]
        if pair in _ESCAPES:
            out.append(_ESCAPES[pair])
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


@dataclass
class Descriptor:
    core: TableSpec | None
    extensions: list[TableSpec] = field(default_factory=list)
    metadata: str | None = None
    problems: list[Problem] = field(default_factory=list)


def parse_meta(data: bytes, file: str = META_XML) -> Descriptor:
    """Parse meta.xml bytes. Raises ArchiveError when it is not XML at all."""
    root = parse_xml(data, file)
    problems: list[Problem] = []
    _restore_literal_whitespace(root, data)
    if local_name(root) != "archive":
        problems.append(Problem("META_ROOT_INVALID", f"root element is <{local_name(root)}>, not <archive>", file, root.sourceline))
    if namespace_of(root) != DWC_TEXT_NS:
        problems.append(
            Problem(
                "META_NAMESPACE_INVALID",
                f"root namespace is {namespace_of(root) or 'missing'}, not {DWC_TEXT_NS}",
                file,
                root.sourceline,
            )
        )
    cores = [e for e in root if local_name(e) == "core"]
    extensions = [e for e in root if local_name(e) == "extension"]
    if not cores:
        problems.append(Problem("META_CORE_MISSING", "meta.xml declares no <core>", file, root.sourceline))
    elif len(cores) > 1:
        problems.append(Problem("META_CORE_MULTIPLE", f"meta.xml declares {len(cores)} <core> elements; the first is used", file, cores[1].sourceline))
    core = _table_spec(cores[0], True, file, problems) if cores else None
    specs = [_table_spec(e, False, file, problems) for e in extensions]
    metadata = root.get("metadata")
    return Descriptor(core, specs, metadata.strip() if metadata else None, problems)


_LITERAL_WHITESPACE_ATTRIBUTE = re.compile(rb'(fieldsTerminatedBy|linesTerminatedBy)\s*=\s*(["\'])([\t\r\n]+)\2')


def _restore_literal_whitespace(root: etree._Element, data: bytes) -> None:
    """A literal tab or newline written in an attribute: XML turns it into a space, we don't.

    Publishers do write fieldsTerminatedBy="<tab>"; the XML spec normalises it to " ".
    """
    literal = {name.decode(): value.decode() for name, _, value in _LITERAL_WHITESPACE_ATTRIBUTE.findall(data)}
    if not literal:
        return
    for element in root:
        for attribute, value in literal.items():
            if element.get(attribute) == " " * len(value):
                element.set(attribute, value)


def _table_spec(element: etree._Element, is_core: bool, file: str, problems: list[Problem]) -> TableSpec:
    kind = "core" if is_core else "extension"
    line = element.sourceline
    row_type = (element.get("rowType") or "").strip()
    if not row_type:
        problems.append(Problem("ROW_TYPE_MISSING", f"<{kind}> has no rowType", file, line))
    dialect = Dialect(
        delimiter=unescape(element.get("fieldsTerminatedBy", ",")),
        quote=unescape(element.get("fieldsEnclosedBy", '"')),
        line_terminator=unescape(element.get("linesTerminatedBy", "\n")),
        header_lines=_int_attr(element, "ignoreHeaderLines", 0, file, problems),
        encoding=(element.get("encoding") or "UTF-8").strip(),
    )
    if dialect.delimiter == "":
        problems.append(Problem("META_DELIMITER_EMPTY", f"<{kind}> has an empty fieldsTerminatedBy; a comma is assumed", file, line))
        dialect = Dialect(",", dialect.quote, dialect.line_terminator, dialect.header_lines, dialect.encoding)
    files: list[str] = []
    fields: list[Field] = []
    id_index: int | None = None
    id_seen = False
    for child in element:
        name = local_name(child)
        if name == "files":
            for location in child:
                if local_name(location) == "location" and (location.text or "").strip():
                    files.append(location.text.strip())
        elif name in ("id", "coreid"):
            id_seen = True
            expected = "id" if is_core else "coreid"
            if name != expected:
                problems.append(Problem("META_ID_ELEMENT_WRONG", f"<{kind}> uses <{name}>; the text guide asks for <{expected}>", file, child.sourceline))
            id_index = _index(child, file, problems)
        elif name == "field":
            fields.append(_field(child, file, problems))
    if not files:
        problems.append(Problem("META_FILES_MISSING", f"<{kind}> {row_type or ''} names no data file (<files><location>)", file, line))
    if not id_seen:
        tag = "id" if is_core else "coreid"
        problems.append(Problem("META_ID_MISSING", f"<{kind}> {row_type} has no <{tag}>", file, line))
    return TableSpec(
        row_type=row_type,
        files=tuple(files),
        dialect=dialect,
        fields=tuple(fields),
        id_index=id_index,
        date_format=element.get("dateFormat"),
        is_core=is_core,
        line=line,
    )


def _field(element: etree._Element, file: str, problems: list[Problem]) -> Field:
    raw_term = (element.get("term") or "").strip()
    if not raw_term:
        problems.append(Problem("FIELD_TERM_MISSING", "<field> without a term", file, element.sourceline))
    # Known terms become their canonical URI (also when written with other capitals, which
    # the term-case check reports); unknown ones stay as written for the unknown-term check.
    term = (term_uri(raw_term) or raw_term) if raw_term else raw_term
    index = _index(element, file, problems) if element.get("index") is not None else None
    default = element.get("default")
    if index is None and default is None:
        problems.append(Problem("FIELD_INDEX_MISSING", f"<field> {raw_term} has neither an index nor a default", file, element.sourceline, term))
    return Field(
        term=term,
        index=index,
        default=default,
        vocabulary=element.get("vocabulary"),
        delimited_by=element.get("delimitedBy"),
        written=raw_term or None,
    )


def _index(element: etree._Element, file: str, problems: list[Problem]) -> int | None:
    raw = element.get("index")
    if raw is None:
        problems.append(Problem("FIELD_INDEX_MISSING", f"<{local_name(element)}> has no index", file, element.sourceline))
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        problems.append(Problem("FIELD_INDEX_INVALID", f"<{local_name(element)}> index {raw!r} is not a number", file, element.sourceline))
        return None
    if value < 0:
        problems.append(Problem("FIELD_INDEX_INVALID", f"<{local_name(element)}> index {value} is negative", file, element.sourceline))
        return None
    return value


def _int_attr(element: etree._Element, name: str, default: int, file: str, problems: list[Problem]) -> int:
    raw = element.get(name)
    if raw is None:
        return default
    try:
        return max(int(raw.strip()), 0)
    except ValueError:
        problems.append(Problem("META_ATTRIBUTE_INVALID", f"{name}={raw!r} is not a number; {default} assumed", file, element.sourceline))
        return default


__all__ = ["ArchiveError", "Descriptor", "META_XML", "parse_meta", "unescape"]
