"""Reading and writing Darwin Core Archives."""

from dwcqa.archive.model import Archive, Dialect, Field, Problem, RaggedRow, Table, TableSpec
from dwcqa.archive.reader import read
from dwcqa.archive.writer import write
from dwcqa.errors import ArchiveError

__all__ = ["Archive", "ArchiveError", "Dialect", "Field", "Problem", "RaggedRow", "Table", "TableSpec", "read", "write"]
