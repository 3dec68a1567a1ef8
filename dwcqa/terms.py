"""Term names and URIs: `decimalLatitude`, `dwc:decimalLatitude` and the full URI are one term.

Inside dwcqa every term is its URI; users see the short name. The known terms come from
``dwcqa/standards/terms.csv`` (built by ``scripts/build_standards.py`` from the Darwin Core
term list and GBIF's registered extensions).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

DWC = "http://rs.tdwg.org/dwc/terms/"
DCTERMS = "http://purl.org/dc/terms/"
DWC_TEXT_NS = "http://rs.tdwg.org/dwc/text/"

# Prefixes people write in headers; the standards table adds the rest.
KNOWN_PREFIXES = {
    "dwc": DWC,
    "dcterms": DCTERMS,
    "dc": "http://purl.org/dc/elements/1.1/",
    "dwciri": "http://rs.tdwg.org/dwc/iri/",
    "gbif": "http://rs.gbif.org/terms/1.0/",
    "ac": "http://rs.tdwg.org/ac/terms/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmprights": "http://ns.adobe.com/xap/1.0/rights/",
    "eco": "http://rs.tdwg.org/eco/terms/",
}


def _standards_rows(name: str) -> list[dict[str, str]]:
    path = resources.files("dwcqa") / "standards" / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=None)
def known_terms() -> dict[str, dict[str, str]]:
    """Every known term, keyed by URI."""
    rows = _standards_rows("terms.csv") + _standards_rows("gbif_download_terms.csv")
    known: dict[str, dict[str, str]] = {}
    for row in rows:
        known.setdefault(row["uri"], row)
    return known


@lru_cache(maxsize=None)
def _lookup() -> tuple[dict[str, str], dict[str, str]]:
    by_name: dict[str, str] = {}
    by_prefixed: dict[str, str] = {}
    prefixes = dict(KNOWN_PREFIXES)
    rows = sorted(known_terms().values(), key=_bare_name_priority)
    for row in rows:
        uri, name = row["uri"], row["name"]
        # A bare name means the Darwin Core term first (rows are sorted by priority).
        by_name.setdefault(name.lower(), uri)
        prefix = (row.get("prefix") or "").lower()
        if prefix:
            prefixes.setdefault(prefix, row.get("namespace") or uri[: -len(name)])
            by_prefixed.setdefault(f"{prefix}:{name.lower()}", uri)
    for prefix, namespace in prefixes.items():
        for uri in known_terms():
            if uri.startswith(namespace):
                by_prefixed.setdefault(f"{prefix}:{uri[len(namespace):].lower()}", uri)
    return by_name, by_prefixed


# Which namespace a bare header such as `sex` or `type` means when several define the name:
# dwc:sex, not dwciri:sex; dcterms:type, not dc:type (GBIF's and the IPT's reading).
_BARE_NAME_NAMESPACES = (DWC, DCTERMS, "http://purl.org/dc/elements/1.1/", "http://rs.gbif.org/terms/1.0/", "http://rs.tdwg.org/ac/terms/")


def _bare_name_priority(row: dict[str, str]) -> tuple[int, str]:
    uri = row["uri"]
    for rank, namespace in enumerate(_BARE_NAME_NAMESPACES):
        if uri.startswith(namespace):
            return rank, uri
    return len(_BARE_NAME_NAMESPACES) + (row.get("source") != "dwc"), uri


def clean_header(text: str) -> str:
    """A header cell without BOM, surrounding whitespace or quotes."""
    return text.replace("\ufeff", "").strip().strip('"').strip()


def term_uri(header: str) -> str | None:
    """The term URI a header names, or None when it names no known term.

    Accepts ``decimalLatitude``, ``DecimalLatitude``, ``dwc:decimalLatitude`` and
    ``http://rs.tdwg.org/dwc/terms/decimalLatitude``.
    """
    text = clean_header(header)
    if not text:
        return None
    if "://" in text:
        return text if text in known_terms() else _uri_case_insensitive(text)
    by_name, by_prefixed = _lookup()
    lowered = text.lower()
    if ":" in lowered:
        found = by_prefixed.get(lowered)
        if found:
            return found
        lowered = lowered.split(":", 1)[1]
    return by_name.get(lowered)


def _uri_case_insensitive(uri: str) -> str | None:
    return _uris_by_lowercase().get(uri.lower())


@lru_cache(maxsize=None)
def _uris_by_lowercase() -> dict[str, str]:
    return {uri.lower(): uri for uri in known_terms()}


def short_name(uri: str) -> str:
    """`http://rs.tdwg.org/dwc/terms/decimalLatitude` -> `decimalLatitude`."""
    row = known_terms().get(uri)
    if row:
        return row["name"]
    for sep in ("#", "/"):
        if sep in uri:
            tail = uri.rsplit(sep, 1)[1]
            if tail:
                return tail
    return uri


def is_known(uri: str) -> bool:
    return uri in known_terms()
