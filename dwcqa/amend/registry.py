"""The registry of amendments: proposed fixes, declared like checks.

An amendment is declared once, as data (id, title, explanation, the terms it writes, the terms
it reads, the TDWG BDQ test it implements where there is one) around a small pure function

    function(context) -> {term URI: pandas Series of new values} | None

``context`` is a :class:`dwcqa.checks.context.Context` over the archive (``context.column(term)``
gives the core's effective values, ``context.cached`` shares parsed values, ``context.options``
holds the user's choices). Each Series is indexed by the **core rows it changes** (0-based
positions) and holds the new values as strings; rows absent from it are left alone, and so
are rows whose new value equals the current one. ``None`` or ``{}``: nothing to change.

Amendments that need another dwcqa module (``dwcqa.geo``, ``dwcqa.bdq``, ``dwcqa.guid``...)
name it in ``requires``: when the module cannot be imported, the amendment is simply not
registered, so the catalogue only ever lists what can run. Registration fails loudly on a
duplicate id, an id that is not UPPER_SNAKE, a missing title or explanation, or no terms.

To add one (a new module in ``dwcqa/amend/`` is found automatically)::

    @amendment(id="MY_FIX", title="...", explanation="...", terms=(DWC + "sex",), requires=("dwcqa.vocabularies",))
    def my_fix(context):
        from dwcqa.vocabularies import standardise
        values = context.column(DWC + "sex")
        ...
        return {DWC + "sex": new_values_of_changed_rows}
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from dataclasses import dataclass, field
from typing import Callable

from dwcqa.checks.registry import BdqTest

_ID = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")

# Where an amendment runs when several are applied together (lower first): cleaning the text
# comes before reading it, standard forms before what is derived from them.
CLEAN, STANDARDISE, DERIVE, IDENTIFY, BDQ = 10, 20, 30, 40, 50


@dataclass(frozen=True)
class Amendment:
    id: str
    title: str
    explanation: str  # what it changes, why, and what to watch for
    terms: tuple[str, ...]  # term URIs it writes ("*" = any mapped term of the core)
    function: Callable = field(repr=False, compare=False)
    reads: tuple[str, ...] = ()  # term URIs it reads besides those it writes
    bdq: BdqTest | None = None
    stage: int = STANDARDISE
    requires: tuple[str, ...] = ()

    @property
    def term_names(self) -> list[str]:
        from dwcqa.terms import short_name

        return [t if t == "*" else short_name(t) for t in self.terms]


class RegistryError(ValueError):
    pass


_REGISTRY: dict[str, Amendment] = {}
_SEQUENCE: dict[str, int] = {}


def available(*modules: str) -> bool:
    """True when every module can be imported (found and importable without error)."""
    for name in modules:
        try:
            if importlib.util.find_spec(name) is None:
                return False
            importlib.import_module(name)
        except Exception:
            return False
    return True


def register(item: Amendment) -> Amendment:
    if not _ID.match(item.id):
        raise RegistryError(f"amendment id {item.id!r} is not UPPER_SNAKE")
    if item.id in _REGISTRY:
        raise RegistryError(f"amendment id {item.id!r} is registered twice")
    if not item.title or not item.explanation:
        raise RegistryError(f"{item.id}: a title and an explanation are required")
    if not item.terms:
        raise RegistryError(f"{item.id}: declare the terms it writes")
    _REGISTRY[item.id] = item
    _SEQUENCE[item.id] = len(_SEQUENCE)
    return item


def amendment(*, id: str, title: str, explanation: str, terms, reads=(), bdq=None, stage: int = STANDARDISE, requires=()):
    """Declare an amendment: ``function(context) -> {term: Series of new values} | None``.

    Not registered (silently) when a module in ``requires`` cannot be imported.
    """

    def wrap(function: Callable) -> Callable:
        if requires and not available(*requires):
            return function
        test = BdqTest(*bdq) if isinstance(bdq, tuple) else bdq
        register(
            Amendment(
                id=id,
                title=title,
                explanation=" ".join(explanation.split()),
                terms=tuple(terms),
                function=function,
                reads=tuple(reads),
                bdq=test,
                stage=stage,
                requires=tuple(requires),
            )
        )
        return function

    return wrap


# Modules of dwcqa.amend that hold machinery, not amendments.
_MACHINERY = {"registry", "engine"}


def _load() -> None:
    import pkgutil

    import dwcqa.amend as package

    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module.name not in _MACHINERY and not module.name.startswith("_"):
            importlib.import_module(f"dwcqa.amend.{module.name}")


def all_amendments() -> list[Amendment]:
    """Every registered amendment, in the order they are applied (stage, then declaration)."""
    _load()
    return sorted(_REGISTRY.values(), key=lambda a: (a.stage, _SEQUENCE[a.id]))


def get(amendment_id: str) -> Amendment:
    _load()
    try:
        return _REGISTRY[amendment_id]
    except KeyError:
        raise RegistryError(f"no amendment with id {amendment_id!r}") from None


def select(spec: str | list[str] | None) -> list[Amendment]:
    """Amendments from what a user typed, comma-separated; None = none.

    ``all``: dwcqa's own amendments (every one not registered from the BDQ hook); ``bdq``: every
    implemented TDWG BDQ AMENDMENT Test; ``ID``: that one; ``-ID``: not that one. ``all`` leaves
    the BDQ Tests out on purpose: several standardize the same terms against other authorities
    (BDQ writes sex as "Female", GBIF's vocabulary as "female"), and some fill in assumed values
    (EPSG:4326 where no datum is given), which a user should choose one by one.
    """
    if spec is None:
        return []
    items = [s.strip() for s in (spec.split(",") if isinstance(spec, str) else spec) if s and s.strip()]
    chosen: dict[str, Amendment] = {}
    excluded: set[str] = set()
    for item in items:
        if item.lower() == "all":
            chosen.update({a.id: a for a in all_amendments() if a.stage != BDQ})
        elif item.lower() == "bdq":
            chosen.update({a.id: a for a in all_amendments() if a.stage == BDQ})
        elif item.startswith("-"):
            excluded.add(get(item[1:].strip().upper()).id)
        else:
            found = get(item.upper())
            chosen[found.id] = found
    order = {a.id: n for n, a in enumerate(all_amendments())}
    return sorted((a for a in chosen.values() if a.id not in excluded), key=lambda a: order[a.id])
