"""The one registry of checks.

A check is declared once, as data (id, title, explanation, severity, dimension, terms,
BDQ test) around a small pure function:

- a *record* check takes a Context and returns a boolean mask over the core records
  (True = the record fails), or None when it does not apply (its terms are absent);
- an *archive* check takes a Context and returns a list of ArchiveFinding (each with its
  place: file, line, term).

Registration fails loudly on a duplicate id, an id that is not UPPER_SNAKE, an unknown
severity or dimension, so the catalogue that ``dwcqa checks``, the dashboard and the
report list is always sound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Literal

import numpy as np

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
DIMENSIONS: tuple[str, ...] = ("structure", "metadata", "identifiers", "taxonomy", "time", "space", "vocabulary", "other")
_ID = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")


@dataclass(frozen=True)
class BdqTest:
    label: str  # e.g. VALIDATION_COUNTRYCODE_STANDARD
    guid: str


@dataclass(frozen=True)
class ArchiveFinding:
    """A finding about the archive as a whole, or one file, with its place."""

    check: str
    message: str
    file: str | None = None
    line: int | None = None
    term: str | None = None
    count: int = 1


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    explanation: str  # what is wrong, why it matters for publishing, how to fix it
    severity: Severity
    dimension: str
    level: Literal["record", "archive"]
    function: Callable = field(repr=False, compare=False)
    terms: tuple[str, ...] = ()  # term URIs the check reads
    bdq: BdqTest | None = None
    blocks_indexing: bool = False  # GBIF would not index the archive at all

    @property
    def term_names(self) -> list[str]:
        from dwcqa.terms import short_name

        return [short_name(t) for t in self.terms]


class RegistryError(ValueError):
    pass


_REGISTRY: dict[str, Check] = {}


def register(check: Check) -> Check:
    if not _ID.match(check.id):
        raise RegistryError(f"check id {check.id!r} is not UPPER_SNAKE")
    if check.id in _REGISTRY:
        raise RegistryError(f"check id {check.id!r} is registered twice")
    if check.severity not in SEVERITIES:
        raise RegistryError(f"{check.id}: unknown severity {check.severity!r}")
    if check.dimension not in DIMENSIONS:
        raise RegistryError(f"{check.id}: unknown dimension {check.dimension!r}")
    if not check.title or not check.explanation:
        raise RegistryError(f"{check.id}: a title and an explanation are required")
    _REGISTRY[check.id] = check
    return check


def _decorator(level: str, **declared):
    def wrap(function: Callable) -> Callable:
        terms = tuple(declared.pop("terms", ()))
        bdq = declared.pop("bdq", None)
        if isinstance(bdq, tuple):
            bdq = BdqTest(*bdq)
        explanation = " ".join(declared.pop("explanation").split())
        register(Check(level=level, function=function, terms=terms, bdq=bdq, explanation=explanation, **declared))
        return function

    return wrap


def record_check(*, id: str, title: str, explanation: str, severity: Severity, dimension: str, terms=(), bdq=None, blocks_indexing=False):
    """Declare a record-level check: ``function(context) -> np.ndarray[bool] | None``."""
    return _decorator(
        "record", id=id, title=title, explanation=explanation, severity=severity, dimension=dimension, terms=terms, bdq=bdq, blocks_indexing=blocks_indexing
    )


def archive_check(*, id: str, title: str, explanation: str, severity: Severity, dimension: str, terms=(), bdq=None, blocks_indexing=False):
    """Declare an archive-level check: ``function(context) -> list[ArchiveFinding]``."""
    return _decorator(
        "archive", id=id, title=title, explanation=explanation, severity=severity, dimension=dimension, terms=terms, bdq=bdq, blocks_indexing=blocks_indexing
    )


def all_checks() -> list[Check]:
    """Every registered check, in a stable order (dimension, then id)."""
    _load_check_modules()
    return sorted(_REGISTRY.values(), key=lambda c: (DIMENSIONS.index(c.dimension), c.id))


def get(check_id: str) -> Check:
    _load_check_modules()
    try:
        return _REGISTRY[check_id]
    except KeyError:
        raise RegistryError(f"no check with id {check_id!r}") from None


# Modules of dwcqa.checks that hold machinery, not checks.
_MACHINERY = {"registry", "context", "runner"}


def _load_check_modules() -> None:
    # Importing a module registers its checks; Python imports each module once.
    import importlib
    import pkgutil

    import dwcqa.checks as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in _MACHINERY and not module.name.startswith("_"):
            importlib.import_module(f"dwcqa.checks.{module.name}")


def as_mask(values, records: int) -> np.ndarray:
    """A record check's result as a plain boolean array (NA counts as not failing)."""
    if hasattr(values, "to_numpy"):
        values = values.to_numpy(dtype=bool, na_value=False)
    mask = np.asarray(values, dtype=bool)
    if mask.shape != (records,):
        raise ValueError(f"mask has shape {mask.shape}, expected ({records},)")
    return mask
