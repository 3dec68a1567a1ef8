"""XML parsing with entity resolution and network access off (no XXE, no billion laughs)."""

from __future__ import annotations

from lxml import etree

from dwcqa.errors import ArchiveError


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_xml(data: bytes, file: str) -> etree._Element:
    """Parse ``data`` safely; ArchiveError naming file, line and problem otherwise."""
    if not data.strip():
        raise ArchiveError("the file is empty", file)
    try:
        root = etree.fromstring(data.lstrip(b"\xef\xbb\xbf").lstrip() or data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        problem = f"not well-formed XML ({_plain(exc.msg)})"
        raise ArchiveError(problem, file, line) from None
    doctype = root.getroottree().docinfo.internalDTD
    if doctype is not None and any(True for _ in doctype.iterentities()):
        raise ArchiveError("declares XML entities, which are refused for safety", file, 1)
    return root


def _plain(message: str) -> str:
    return message.split(", line ")[0].strip()


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace_of(element: etree._Element) -> str | None:
    tag = element.tag
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1:].split("}", 1)[0]
    return None
