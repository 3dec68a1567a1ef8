"""Controlled vocabularies the BDQ tests check against, and how a value is matched to them.

The values come from ``dwcqa/standards/bdq_vocabularies.csv`` (built by
``scripts/build_bdq_tables.py``, provenance in ``BDQ_SOURCES.md``) and, for EPSG codes,
``bdq_epsg.csv``.

``Vocabulary.is_term`` answers the VALIDATION tests (exact, case-sensitive: a value with
surrounding whitespace or another case is not the term). ``Vocabulary.match`` answers the
AMENDMENT tests: it proposes the one term a value unambiguously stands for, trying in order
(1) the value with surrounding whitespace/non-printing characters removed, (2) case and
punctuation-insensitive equality with a term or one of its labels, (3) the term's IRI form
(for vocabularies with a namespace), (4) an abbreviation: every word of the value is the
start of the corresponding word of a term or label ("Preserved spec." -> PreservedSpecimen,
"capt." -> captive; a word must have two letters or end with "."), or a single word equal to
one word of exactly one term ("Stowaway" -> transportStowaway), and (5) one edit away from
exactly one term of four letters or more ("evnt" -> Event). A value reached by more than one term is left alone.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from dwcqa.bdq.parsing import NON_PRINTING

IRI_PREFIXES = {
    "dcType": (r"^https?://purl\.org/dc/dcmitype/",),
    "basisOfRecord": (r"^https?://rs\.tdwg\.org/dwc/(?:dwctype|terms)/",),
    "establishmentMeans": (r"^https?://rs\.tdwg\.org/dwcem/values/",),
    "degreeOfEstablishment": (r"^https?://rs\.tdwg\.org/dwcdoe/values/",),
    "pathway": (r"^https?://rs\.tdwg\.org/dwcpw/values/",),
}


def _fold(value: str) -> str:
    """Lower case, accents and everything but letters/digits removed."""
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", value.casefold())


def _words(value: str) -> list[str]:
    """Words of a value, splitting camelCase: "transportStowaway" -> ["transport", "stowaway"]."""
    value = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value)
    return [w for w in re.split(r"[\s._\-/:,()]+", value.casefold()) if w]


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i += 1
            j += 1
            continue
        edits += 1
        if edits > 1:
            return False
        if len(a) == len(b):
            i += 1
        j += 1
    return edits + (len(b) - j) + (len(a) - i) <= 1


@dataclass
class Vocabulary:
    name: str
    terms: list[str]
    labels: dict[str, set[str]] = field(default_factory=dict)  # folded label -> canonical terms
    label_words: list[tuple[list[str], str]] = field(default_factory=list)

    @property
    def term_set(self) -> frozenset[str]:
        return frozenset(self.terms)

    def is_term(self, value: str) -> bool:
        return value in self.term_set

    def match(self, value: str) -> str | None:
        """The one term ``value`` stands for, or None (no term, or more than one)."""
        if value is None:
            return None
        if value in self.term_set:
            return value
        stripped = value.strip(NON_PRINTING + "\u00a0")
        if stripped in self.term_set:
            return stripped
        for pattern in IRI_PREFIXES.get(self.name, ()):
            local = re.sub(pattern, "", stripped, flags=re.I)
            if local != stripped:
                found = self._unique(t for t in self.terms if _fold(t) == _fold(local))
                if found:
                    return found
        folded = _fold(stripped)
        if folded:
            found = self.labels.get(folded)
            if found:
                return next(iter(found)) if len(found) == 1 else None
        words = _words(stripped)
        if words and all(len(w) >= 2 or stripped.endswith(".") for w in words):
            found = self._unique(
                canonical
                for label_words, canonical in self.label_words
                if len(label_words) == len(words) and all(lw.startswith(w) for lw, w in zip(label_words, words))
            )
            if found:
                return found
            if len(words) == 1 and len(words[0]) >= 4:
                found = self._unique(t for t in self.terms if words[0] in _words(t))
                if found:
                    return found
        if len(folded) >= 3:
            found = self._unique(t for t in self.terms if len(t) >= 4 and _edit_distance_at_most_one(folded, _fold(t)))
            if found:
                return found
        return None

    @staticmethod
    def _unique(candidates) -> str | None:
        found = set(candidates)
        return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=None)
def _rows() -> list[dict[str, str]]:
    path = resources.files("dwcqa") / "standards" / "bdq_vocabularies.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=None)
def vocabulary(name: str) -> Vocabulary:
    rows = [r for r in _rows() if r["vocabulary"] == name]
    if not rows:
        raise KeyError(f"no BDQ vocabulary {name!r}")
    vocab = Vocabulary(name, [r["value"] for r in rows if r["kind"] == "term"])
    for row in rows:
        vocab.labels.setdefault(_fold(row["value"]), set()).add(row["canonical"])
        words = _words(row["value"])
        if words:
            vocab.label_words.append((words, row["canonical"]))
    return vocab


# --------------------------------------------------------------------------------------------
# EPSG (dwc:geodeticDatum)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Epsg:
    valid: frozenset[str]  # EPSG:n of geographic 2D CRSs, datums and ellipsoids
    names: dict[str, frozenset[str]]  # folded name -> codes, CRS names first (see epsg())


@lru_cache(maxsize=None)
def epsg() -> Epsg:
    """EPSG codes valid for dwc:geodeticDatum and the names that stand for them.

    Valid: non-deprecated geographic 2D CRSs, geodetic datums and ellipsoids. Names resolve
    with BDQ's preference: a CRS name first, then a CRS alias; else a datum name or alias,
    resolved to the one geographic 2D CRS on that datum when there is exactly one, otherwise
    to the datum; else an ellipsoid name or alias. A name that still means more than one
    code is not resolved.
    """
    path = resources.files("dwcqa") / "standards" / "bdq_epsg.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["deprecated"] == "0"]
    valid = frozenset(r["code"] for r in rows if "-alias" not in r["kind"])
    crs_by_datum: dict[str, set[str]] = {}
    for r in rows:
        if r["kind"] == "crs":
            crs_by_datum.setdefault(r["datum"], set()).add(r["code"])
    order = ("ellipsoid-alias", "ellipsoid", "datum-alias", "datum", "crs-alias", "crs")  # later layers win
    layers: dict[str, dict[str, set[str]]] = {kind: {} for kind in order}
    for r in rows:
        if r["code"] not in valid:
            continue
        kind = r["kind"]
        code = r["code"]
        if kind.startswith("datum") and len(crs_by_datum.get(code, ())) == 1:
            code = next(iter(crs_by_datum[code]))
        layers[kind].setdefault(_fold(r["name"]), set()).add(code)
        if kind == "datum" and r["name"].endswith(" ensemble"):
            layers[kind].setdefault(_fold(r["name"][: -len(" ensemble")]), set()).add(code)
    names: dict[str, frozenset[str]] = {}
    for kind in order:
        for name, codes in layers[kind].items():
            names[name] = frozenset(codes)
    return Epsg(valid, names)


def epsg_standardize(value: str) -> str | None:
    """The EPSG code a dwc:geodeticDatum value unambiguously stands for ("WGS84" -> "EPSG:4326")."""
    table = epsg()
    stripped = (value or "").strip(NON_PRINTING)
    match = re.fullmatch(r"(?i)epsg\s*[:_ ]?\s*(\d+)", stripped) or re.fullmatch(r"(\d{4,5})", stripped)
    if match:
        code = f"EPSG:{int(match.group(1))}"
        return code if code in table.valid else None
    codes = table.names.get(_fold(stripped))
    return next(iter(codes)) if codes and len(codes) == 1 else None
