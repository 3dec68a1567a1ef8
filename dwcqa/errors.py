"""The one exception a reader raises for input it cannot load."""

from __future__ import annotations


class ArchiveError(Exception):
    """Input that cannot be read as an archive or a table.

    The message names the file, the line (where there is one) and the problem in
    plain words, e.g. ``meta.xml: line 12: not well-formed (invalid token)``.
    """

    def __init__(self, problem: str, file: str | None = None, line: int | None = None):
        self.problem = problem
        self.file = file
        self.line = line
        super().__init__(self.message)

    @property
    def message(self) -> str:
        place = self.file or ""
        if self.line is not None:
            place = f"{place}: line {self.line}" if place else f"line {self.line}"
        return f"{place}: {self.problem}" if place else self.problem
