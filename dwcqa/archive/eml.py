"""What the reader needs from eml.xml: its title (the full metadata checks live in checks)."""

from __future__ import annotations

from dwcqa.archive.xmlsafe import local_name, parse_xml
from dwcqa.errors import ArchiveError


def title_of(eml: bytes) -> str | None:
    try:
        root = parse_xml(eml, "eml.xml")
    except ArchiveError:
        return None
    for element in root.iter():
        if local_name(element) == "title" and _in_dataset(element):
            text = " ".join("".join(element.itertext()).split())
            if text:
                return text
    return None


def _in_dataset(element) -> bool:
    # GBIF takes the dataset's own title (not a citation's or a project's).
    parent = element.getparent()
    return parent is not None and local_name(parent) == "dataset"
