"""What a check sees: the archive, the core's columns by term, shared parsed values."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from dwcqa.archive.model import Archive, Table

from dwcqa.cells import VERBATIM_NULLS, Cells, scan

__all__ = ["VERBATIM_NULLS", "Context"]


@dataclass
class Context:
    archive: Archive
    options: dict[str, Any] = field(default_factory=dict)
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    _locks: dict[Any, threading.RLock] = field(default_factory=dict, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def core(self) -> Table:
        return self.archive.core

    @property
    def records(self) -> int:
        return self.archive.core.records

    def column(self, term: str) -> pd.Series | None:
        """Effective core values of a term (meta.xml defaults applied), None when absent."""
        return self.core.column(term)

    def has(self, *terms: str) -> bool:
        return all(self.core.field(t) is not None for t in terms)

    def present(self, term: str) -> np.ndarray:
        """True where the core record has a value for the term (not empty, not a verbatim null)."""
        return self.cells(term).present

    def cells(self, term: str, position: int = 0, effective: bool = True) -> Cells:
        """What each row of a table holds for a term (empty, blanks, placeholder), computed
        once: on the effective values (meta.xml default applied) or as written in the file."""
        table = self.archive.tables[position]
        spec = table.field(term)
        with_default = effective and spec is not None and spec.default is not None

        def compute() -> Cells:
            values = table.column(term) if with_default else table.verbatim(term)
            if values is None:
                values = pd.Series([None] * table.records, dtype=object)
            return scan(values)

        return self.cached(("cells", position, term, with_default), compute)

    def has_blank_edges(self, term: str) -> bool:
        """Some core value of the term starts or ends with a blank (as Python's str.strip sees
        it, which removes every character pyarrow's trim does): without any, trimming is a no-op."""
        return len(self.cells(term).blank_edges_rows) > 0

    def scan_columns(self, terms, position: int = 0, effective: bool = True, threads: bool = True) -> None:
        """Compute :meth:`cells` of many columns, on all CPUs unless ``threads`` is False: the
        scan runs in numpy and Arrow, which release the GIL, so threads share the work when
        nothing else runs (1.8x on 2 cores). A check passes False: the runner already keeps
        every CPU busy, and a scan pool beside it costs more CPU than it saves."""
        terms = list(dict.fromkeys(terms))
        workers = min(len(terms), os.cpu_count() or 1) if threads else 1
        if workers <= 1:
            for term in terms:
                self.cells(term, position, effective)
            return
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda term: self.cells(term, position, effective), terms))

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Parse once, share between checks (e.g. parsed dates or coordinates). Checks run in
        threads: the first to ask computes, the others wait for it."""
        try:
            return self._cache[key]
        except KeyError:
            pass
        with self._guard:
            lock = self._locks.setdefault(key, threading.RLock())
        with lock:
            if key not in self._cache:
                self._cache[key] = compute()
        return self._cache[key]
