"""The registry of TDWG BDQ single-record tests.

What a Test *is* (GUID, label, type, information elements, parameters and their defaults,
Specification) is data from the standard, in ``dwcqa/standards/bdq_tests.csv``. An
implementation registers against that row by label and GUID with :func:`bdq_test`;
registration fails loudly on an unknown or mismatching GUID, a duplicate, or an unknown
authority kind, so the listing is always sound.

``requires`` says what a test needs beyond the record:

- ``"none"``: nothing; the test runs offline with tables shipped in ``dwcqa/standards``;
- ``"taxonomy"``: a taxonomic authority (a user-supplied checklist, ``Context.checklist``);
- ``"geography"``: country boundaries (``dwcqa.geo``, looked up lazily);
- ``"gazetteer"``: a gazetteer of place names (the Getty TGN by default; none is bundled);
- ``"service"``: another external service with no offline stand-in (WoRMS, centroids...).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from dwcqa.bdq.model import Parameter, TestFunction

REQUIRES = ("none", "taxonomy", "geography", "gazetteer", "service")


@dataclass(frozen=True)
class BdqTest:
    guid: str
    label: str
    type: str  # VALIDATION, AMENDMENT, MEASURE, ISSUE
    dimension: str  # NAME, SPACE, TIME, OTHER
    acted_upon: tuple[str, ...]
    consulted: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    description: str
    specification: str
    source_authority: str
    version_iri: str
    function: TestFunction = field(repr=False, compare=False)
    requires: str = "none"
    # accepted spellings of each authority parameter's value, besides its default
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    notes: str = ""  # how this implementation reads the Specification, where it had to choose

    @property
    def information_elements(self) -> tuple[str, ...]:
        return self.acted_upon + self.consulted

    @property
    def offline(self) -> bool:
        return self.requires == "none"

    def parameter(self, name: str) -> Parameter | None:
        for p in self.parameters:
            if p.name.lower() == name.lower():
                return p
        return None

    @property
    def iri(self) -> str:
        return f"https://rs.tdwg.org/bdqtest/terms/{self.guid}"


class RegistryError(ValueError):
    pass


@lru_cache(maxsize=None)
def descriptors() -> dict[str, dict[str, str]]:
    """The rows of bdq_tests.csv by GUID."""
    path = resources.files("dwcqa") / "standards" / "bdq_tests.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["guid"]: row for row in csv.DictReader(handle)}


_REGISTRY: dict[str, BdqTest] = {}


def bdq_test(label: str, guid: str, *, requires: str = "none", aliases: dict[str, tuple[str, ...]] | None = None, notes: str = ""):
    """Register the decorated function as the implementation of the BDQ Test ``guid``."""

    def register(function: TestFunction) -> TestFunction:
        row = descriptors().get(guid)
        if row is None:
            raise RegistryError(f"{guid} is not a single-record BDQ Test")
        if row["label"] != label:
            raise RegistryError(f"{guid} is {row['label']}, not {label}")
        if guid in _REGISTRY:
            raise RegistryError(f"{label} ({guid}) is registered twice")
        if requires not in REQUIRES:
            raise RegistryError(f"{label}: unknown requirement {requires!r}")
        defaults = json.loads(row["defaults"] or "{}")
        names = row["parameters"].split() or [n for n in defaults if n == "bdqval:sourceAuthority"]
        parameters = tuple(Parameter(n, defaults.get(n, "")) for n in names)
        _REGISTRY[guid] = BdqTest(
            guid=guid,
            label=label,
            type=row["type"],
            dimension=row["dimension"],
            acted_upon=tuple(row["acted_upon"].split()),
            consulted=tuple(row["consulted"].split()),
            parameters=parameters,
            description=row["description"],
            specification=row["specification"],
            source_authority=row["source_authority"],
            version_iri=row["version_iri"],
            function=function,
            requires=requires,
            aliases=dict(aliases or {}),
            notes=notes,
        )
        return function

    return register


def _load() -> None:
    # importing the modules registers their tests
    from dwcqa.bdq import tests_name, tests_other, tests_space, tests_time  # noqa: F401


def tests() -> list[BdqTest]:
    """Every implemented test, by label."""
    _load()
    return sorted(_REGISTRY.values(), key=lambda t: t.label)


def get(key: str) -> BdqTest:
    """A test by GUID (bare, ``urn:uuid:`` or IRI form) or by label."""
    _load()
    text = key.strip()
    guid = text.rsplit("/", 1)[-1].removeprefix("urn:uuid:")
    if guid in _REGISTRY:
        return _REGISTRY[guid]
    for test in _REGISTRY.values():
        if test.label == text.upper():
            return test
    if guid in descriptors():
        raise KeyError(f"{descriptors()[guid]['label']} ({guid}) is a BDQ Test dwcqa does not implement")
    raise KeyError(f"no BDQ Test {key!r}")


def not_implemented() -> list[dict[str, str]]:
    """Descriptors of single-record Tests without an implementation."""
    _load()
    return [row for guid, row in descriptors().items() if guid not in _REGISTRY]
