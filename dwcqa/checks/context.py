"""What a check sees: the archive, the core's columns by term, shared parsed values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from dwcqa.archive.model import Archive, Table

# Values people write for "no value"; counted per term, treated as empty by completeness.
VERBATIM_NULLS = ("NULL", "null", "Null", "\\N", "NA", "N/A", "n/a", "#N/A", "NaN", "nan", "None", "none", "-", "--", "?", "unknown", "Unknown", "UNKNOWN")


@dataclass
class Context:
    archive: Archive
    options: dict[str, Any] = field(default_factory=dict)
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

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
        return self.cached(("present", term), lambda: _present(self.column(term), self.records))

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Parse once, share between checks (e.g. parsed dates or coordinates)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


def _present(values: pd.Series | None, records: int) -> np.ndarray:
    if values is None:
        return np.zeros(records, dtype=bool)
    stripped = values.str.strip()
    has_text = stripped.notna() & (stripped != "") & ~stripped.isin(VERBATIM_NULLS)
    return has_text.to_numpy(dtype=bool, na_value=False)
