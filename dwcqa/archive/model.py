"""The one model of an archive: verbatim strings plus the meta.xml mapping.

Every value is kept exactly as read (pandas string dtype). An empty cell is ``""``; a cell
the row did not have (a short, ragged row) is ``<NA>``; a meta.xml default is kept in the
mapping, not written into the data, so the three stay distinguishable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from dwcqa.terms import short_name

STRING = pd.StringDtype("pyarrow")


@dataclass(frozen=True)
class Field:
    """One ``<field>`` of meta.xml (or one header column of a plain table)."""

    term: str
    index: int | None = None  # column position in the file; None = constant column
    default: str | None = None
    vocabulary: str | None = None
    delimited_by: str | None = None
    written: str | None = None  # the term as meta.xml or the header wrote it


@dataclass(frozen=True)
class Dialect:
    """How a delimited text file is written, with the text guide's defaults."""

    delimiter: str = ","
    quote: str = '"'  # "" = fields are not enclosed
    line_terminator: str = "\n"
    header_lines: int = 0
    encoding: str = "UTF-8"


@dataclass(frozen=True)
class TableSpec:
    """One ``<core>`` or ``<extension>`` of meta.xml."""

    row_type: str
    files: tuple[str, ...]
    dialect: Dialect
    fields: tuple[Field, ...]
    id_index: int | None = None  # <id> in the core, <coreid> in an extension
    date_format: str | None = None
    is_core: bool = True
    line: int | None = None  # where it is declared in meta.xml


@dataclass(frozen=True)
class Problem:
    """Something the reader noticed: structure checks turn these into findings."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    term: str | None = None
    count: int | None = None


@dataclass(frozen=True)
class RaggedRow:
    file: str
    line: int  # 1-based physical line where the row starts
    row: int  # 0-based data row in the table
    fields: int
    expected: int


@dataclass
class Table:
    """A core or extension table: verbatim columns by position, mapped to terms."""

    spec: TableSpec
    data: pd.DataFrame  # columns 0..n-1 as in the file, dtype string
    header: list[str] | None = None  # first header line, when there is one
    encoding: str = "UTF-8"  # what the bytes were decoded with
    ragged: list[RaggedRow] = field(default_factory=list)
    row_files: list[tuple[str, int]] = field(default_factory=list)  # (file, first row) per file
    row_lines: np.ndarray | None = None  # 1-based start line per row, when the reader counted them

    @property
    def row_type(self) -> str:
        return self.spec.row_type

    @property
    def name(self) -> str:
        return short_name(self.spec.row_type)

    @property
    def files(self) -> tuple[str, ...]:
        return self.spec.files

    @property
    def records(self) -> int:
        return len(self.data)

    @property
    def delimiter(self) -> str:
        return self.spec.dialect.delimiter

    @property
    def terms(self) -> list[str]:
        """Mapped term URIs, in meta.xml order, each once."""
        return list(dict.fromkeys(f.term for f in self.spec.fields))

    def field(self, term: str) -> Field | None:
        for f in self.spec.fields:
            if f.term == term:
                return f
        return None

    def verbatim(self, term: str) -> pd.Series | None:
        """The column as written in the file, without meta.xml defaults."""
        f = self.field(term)
        if f is None or f.index is None or f.index not in self.data.columns:
            return None
        return self.data[f.index]

    def column(self, term: str) -> pd.Series | None:
        """Effective values of a term: the file's values, the meta.xml default where empty.

        None when the table does not have the term at all.
        """
        return self._columns.get(term) if term in self._columns else self._build_column(term)

    @cached_property
    def _columns(self) -> dict[str, pd.Series]:
        return {}

    def _build_column(self, term: str) -> pd.Series | None:
        f = self.field(term)
        if f is None:
            return None
        values = self.verbatim(term)
        if values is None:
            fill = f.default if f.default is not None else pd.NA
            values = pd.Series(fill, index=self.data.index, dtype=STRING)
        elif f.default is not None:
            values = values.mask(values.isna() | (values == ""), f.default)
        self._columns[term] = values
        return values

    def lines(self) -> np.ndarray:
        """1-based line in its file where each row starts (after header lines and line breaks
        inside quoted values). Computed on first use, from the data itself."""
        if self.row_lines is None:
            self.row_lines = self._count_lines()
        return self.row_lines

    def file_of(self, row: int) -> str | None:
        """The data file a row comes from (a table may span several <location> files)."""
        name = None
        for file, first in self.row_files:
            if row >= first:
                name = file
        return name

    def _count_lines(self) -> np.ndarray:
        rows = np.arange(self.records, dtype=np.int64)
        breaks = np.zeros(self.records, dtype=np.int64)
        for column in self.data.columns:
            values = self.data[column]
            if values.str.contains("[\r\n]", regex=True, na=False).any():
                breaks += values.str.count("\r\n|\r|\n").fillna(0).to_numpy(dtype=np.int64)
        lines = np.empty(self.records, dtype=np.int64)
        starts = [first for _, first in self.row_files] + [self.records]
        for begin, end in zip(starts[:-1], starts[1:]):
            before = np.concatenate(([0], np.cumsum(breaks[begin:end])[:-1]))
            lines[begin:end] = self.spec.dialect.header_lines + 1 + (rows[begin:end] - begin) + before
        return lines

    @property
    def ids(self) -> pd.Series | None:
        """The id (core) or coreid (extension) column."""
        index = self.spec.id_index
        if index is None or index not in self.data.columns:
            return None
        return self.data[index]


@dataclass
class Archive:
    """A Darwin Core Archive, or a plain table read as a one-table archive."""

    source: str  # what the user gave: path of the zip, folder or table
    kind: str  # "dwca" or "table"
    core: Table
    extensions: list[Table] = field(default_factory=list)
    meta_xml: bytes | None = None
    metadata_file: str | None = None  # eml.xml or whatever meta.xml names
    eml_xml: bytes | None = None
    members: list[str] = field(default_factory=list)  # files found in the archive
    problems: list[Problem] = field(default_factory=list)
    container: str = "folder"  # "zip", "tar", "folder", "file", "gzip", "bzip2", "xz"
    meta_file: str | None = None  # where meta.xml sits in the archive (e.g. "plazi/meta.xml")

    @property
    def tables(self) -> list[Table]:
        return [self.core, *self.extensions]

    @cached_property
    def eml_title(self) -> str | None:
        from dwcqa.archive.eml import title_of

        return title_of(self.eml_xml) if self.eml_xml else None
