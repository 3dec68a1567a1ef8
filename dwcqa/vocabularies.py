"""Controlled vocabularies: which values are standard, which are standard values written
differently, and how to write them the standard way.

The data is ``dwcqa/standards/vocab_synonyms.csv`` (``vocabulary,normalised,standard,source``),
built by ``scripts/build_vocabularies.py`` from the GBIF thesauri (``vocabularies.csv``) and
GBIF's parser dictionaries; see ``dwcqa/standards/VOCAB_SOURCES.md``. A value is looked up by
its *normalised* form (:func:`normalise`: Unicode NFKC, case folded, without spaces and
punctuation), so ``preserved specimen``, ``PRESERVED_SPECIMEN`` and ``Preserved Specimen``
all find ``PreservedSpecimen``.

Every value of a column is classified once per distinct value (never per record):

- ``EMPTY``     no value (empty, or a verbatim null such as ``NULL`` or ``N/A``);
- ``STANDARD``  exactly a standard value (for typeStatus: the first word of each ``|``-part);
- ``VARIANT``   a standard value written differently (case, spaces, punctuation, a synonym,
  an abbreviation, another language): an amendment can replace it by :func:`standardise`;
- ``UNKNOWN``   not in the vocabulary at all.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from dwcqa.parse import distinct, expand
from dwcqa.terms import DCTERMS, DWC

EMPTY, STANDARD, VARIANT, UNKNOWN = 0, 1, 2, 3

# The Darwin Core term each vocabulary controls.
TERMS: dict[str, str] = {
    "basisOfRecord": DWC + "basisOfRecord",
    "occurrenceStatus": DWC + "occurrenceStatus",
    "typeStatus": DWC + "typeStatus",
    "establishmentMeans": DWC + "establishmentMeans",
    "degreeOfEstablishment": DWC + "degreeOfEstablishment",
    "pathway": DWC + "pathway",
    "sex": DWC + "sex",
    "lifeStage": DWC + "lifeStage",
    "taxonRank": DWC + "taxonRank",
    "taxonomicStatus": DWC + "taxonomicStatus",
    "nomenclaturalCode": DWC + "nomenclaturalCode",
    "dcType": DCTERMS + "type",
}

# Vocabularies whose terms hold several values separated by "|" (Darwin Core's advice).
MULTI_VALUED = {"typeStatus", "pathway"}


def normalise(text: str) -> str:
    """The lookup key of a value: NFKC, case folded, without separators, punctuation, controls.

    Symbols stay (``♂`` and ``♀`` are values of sex); so do letters with accents.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZC")


@lru_cache(maxsize=None)
def _table() -> dict[str, dict[str, str]]:
    path = resources.files("dwcqa") / "standards" / "vocab_synonyms.csv"
    table: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["vocabulary"], {})[row["normalised"]] = row["standard"]
    return table


def vocabularies() -> list[str]:
    return sorted(_table())


def synonyms(vocabulary: str) -> dict[str, str]:
    """normalised value -> standard value."""
    try:
        return _table()[vocabulary]
    except KeyError:
        raise KeyError(f"no vocabulary {vocabulary!r}; known: {', '.join(vocabularies())}") from None


@lru_cache(maxsize=None)
def standard_values(vocabulary: str) -> frozenset[str]:
    return frozenset(synonyms(vocabulary).values())


_NULLS = None


def _verbatim_nulls() -> frozenset[str]:
    global _NULLS
    if _NULLS is None:
        from dwcqa.checks.context import VERBATIM_NULLS

        _NULLS = frozenset(VERBATIM_NULLS)
    return _NULLS


# typeStatus: "holotype of Aus bus L." -> the status is the first word (TDWG BDQ's rule);
# "Primary syntype" is tried whole before its first word.
_TYPE_PHRASE = re.compile(r"^\s*(?P<status>.*?)(?P<rest>\s+(?:of|for|de|del|von|du)\s+.*)?$", re.IGNORECASE | re.DOTALL)


def _lookup_one(vocabulary: str, text: str) -> tuple[int, str | None]:
    """(status, standard form) of one distinct non-empty value."""
    table = synonyms(vocabulary)
    standards = standard_values(vocabulary)
    if vocabulary in MULTI_VALUED and "|" in text:
        parts = [p.strip() for p in text.split("|")]
        results = [_lookup_one(vocabulary, p) if p else (VARIANT, None) for p in parts]
        if any(status == UNKNOWN for status, _ in results):
            return UNKNOWN, None
        forms = [form for _, form in results if form]
        tidy = all(status == STANDARD for status, _ in results) and text in (" | ".join(parts), "|".join(parts))
        return (STANDARD if tidy else VARIANT), " | ".join(forms) if forms else None
    if vocabulary == "typeStatus":
        match = _TYPE_PHRASE.match(text)
        phrase, rest = match.group("status"), match.group("rest") or ""
        words = phrase.split()
        candidates = [phrase] + ([words[0]] if len(words) > 1 else [])
        for candidate in candidates:
            standard = table.get(normalise(candidate))
            if standard is not None:
                tail = phrase[len(candidate):] + rest if candidate is not phrase else rest
                form = standard + tail.rstrip()
                exact = candidate == standard and text == text.strip()
                return (STANDARD if exact else VARIANT), form
        return UNKNOWN, None
    if text in standards:
        return STANDARD, text
    standard = table.get(normalise(text))
    if standard is None:
        return UNKNOWN, None
    return VARIANT, standard


@dataclass(frozen=True)
class Classified:
    """Per record: status (EMPTY/STANDARD/VARIANT/UNKNOWN) and the standard form (or None).

    The forms are kept per distinct value: a million records of a vocabulary term hold a
    handful of forms, and an object array per record would cost 8 bytes each."""

    status: np.ndarray  # int8 per record
    codes: np.ndarray  # int32 per record: its distinct value, -1 where missing
    forms: np.ndarray  # object per distinct value, then one slot for missing: standard form or None

    @property
    def standard(self) -> np.ndarray:
        """object per record: standard form, None when EMPTY or UNKNOWN."""
        return expand(self.codes, self.forms)

    def standard_is(self, form: str) -> np.ndarray:
        """bool per record: the standard form is ``form``."""
        return expand(self.codes, np.array([f == form for f in self.forms], dtype=bool))


def classify(vocabulary: str, values: pd.Series) -> Classified:
    """Classify every value of a column, looking each distinct value up once."""
    codes, uniques = distinct(values)
    nulls = _verbatim_nulls()
    statuses = np.empty(len(uniques) + 1, dtype=np.int8)
    forms = np.empty(len(uniques) + 1, dtype=object)
    for i, value in enumerate(uniques):
        text = value if isinstance(value, str) else ""
        stripped = text.strip()
        if not stripped or stripped in nulls:
            statuses[i], forms[i] = EMPTY, None
        else:
            statuses[i], forms[i] = _lookup_one(vocabulary, text)
    statuses[-1], forms[-1] = EMPTY, None  # the slot of missing values (code -1)
    return Classified(expand(codes, statuses), codes.astype(np.int32), forms)


def standardise(vocabulary: str, values: pd.Series) -> pd.Series:
    """The values written the standard way: the standard form where the value is standard or a
    known variant, ``<NA>`` where it is empty or unknown. Same index as ``values``."""
    result = classify(vocabulary, values)
    return pd.Series(result.standard, index=values.index, dtype="string[pyarrow]")
