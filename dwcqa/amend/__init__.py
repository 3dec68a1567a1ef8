"""Amendments: proposed fixes, previewed, applied on request, every change logged.

    >>> from dwcqa import amend
    >>> for p in amend.propose(archive): print(p.id, p.cells, p.examples[:1])
    >>> cleaned, log = amend.apply(archive, ["WHITESPACE_TRIMMED", "BASIS_OF_RECORD_STANDARDIZED"])
    >>> amend.write_changes(log, "changes.csv")

See :mod:`dwcqa.amend.registry` for how an amendment is declared and
:mod:`dwcqa.amend.engine` for how they are proposed and applied.
"""

from dwcqa.amend.engine import (
    CHANGE_COLUMNS,
    AmendmentError,
    Proposal,
    apply,
    commit,
    concat_logs,
    empty_log,
    propose,
    rows_of_ids,
    write_changes,
)
from dwcqa.amend.registry import Amendment, RegistryError, all_amendments, amendment, get, register, select

__all__ = [
    "CHANGE_COLUMNS", "Amendment", "AmendmentError", "Proposal", "RegistryError", "all_amendments", "amendment", "apply",
    "commit", "concat_logs", "empty_log", "get", "propose", "register", "rows_of_ids", "select", "write_changes",
]
