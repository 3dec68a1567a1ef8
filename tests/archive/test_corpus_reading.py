"""Every archive and data table of the shared corpus loads, or fails with one clear ArchiveError.

Record counts are compared with ../shared/corpus/MANIFEST.md, whose counts come from a
dialect-faithful parser. Where our reader sees something else on purpose, the reason is
written next to the case below.
"""

from __future__ import annotations

import re

import pytest

from corpus import archives, corpus_id, corpus_or_skip, manifest, materialize, tables
from dwcqa.archive import ArchiveError, read

# Inputs that are not archives at all; each must fail with a message naming the problem.
UNREADABLE = {
    "gbif-data-validator/validator-processor/src/test/resources/dwca/dwca-occurrence-broken": "not well-formed",
    "gbif-ipt/src/test/resources/resources/dwca-inside-parent-invalid.zip": "not well-formed",
    "gna-dwc-archive-ruby/spec/files/broken.tar.gz": "not a readable tar",
    "gna-dwc-archive-ruby/spec/files/invalid.tar.gz": "no meta.xml and no data table",
    "gnames-dwca/pkg/testdata/fake.tar": "empty",
    "gnames-dwca/pkg/testdata/fake.tar.bz2": "empty",
    "gnames-dwca/pkg/testdata/fake.tar.gz": "empty",
    "gnames-dwca/pkg/testdata/fake.tar.xz": "empty",
    "gnames-dwca/pkg/testdata/fake.zip": "empty",
}
# The MANIFEST read this file as latin-1 and so saw 6 rows; it is UTF-16 (BOM) and holds 2.
MISREAD_BY_MANIFEST = {"gbif-dwca-io/src/test/resources/quoted_headers_MOBOTDarwinCore.csv": 2}
_BLANK_ROWS = re.compile(r"RAGGED \{[^}]*'0': (\d+)")


def _ids(paths):
    return [corpus_id(p) for p in paths]


ARCHIVES = archives()
TABLES = tables()


@pytest.mark.parametrize("path", ARCHIVES, ids=_ids(ARCHIVES))
def test_archive_loads_with_manifest_counts(path, tmp_path):
    corpus_or_skip()
    name = corpus_id(path)
    if name in UNREADABLE:
        with pytest.raises(ArchiveError) as raised:
            read(materialize(path, tmp_path))
        assert UNREADABLE[name] in str(raised.value)
        assert path.name in str(raised.value) or "meta.xml" in str(raised.value)
        return
    archive = read(materialize(path, tmp_path))
    entry = manifest().get(path.resolve())
    if entry is None or not entry.tables:
        # Not described table by table (e.g. no meta.xml): it must still give a core table.
        assert archive.core.data.shape[1] >= 1 or archive.core.records == 0
        return
    expected = [(kind, records) for kind, records, _ in entry.tables]
    got = [(archive.core.name, archive.core.records)] + [(t.name, t.records) for t in archive.extensions]
    assert [n for _, n in got] == [n for _, n in expected], f"{name}: {got} != {expected}"


@pytest.mark.parametrize("path", TABLES, ids=_ids(TABLES))
def test_table_loads_with_manifest_counts(path):
    corpus_or_skip()
    try:
        archive = read(path)
    except ArchiveError as error:
        assert path.name in str(error)
        assert path.stat().st_size == 0 or "binary" in str(error), str(error)
        return
    entry = manifest().get(path.resolve())
    if entry is None or entry.loose_records is None:
        return
    name = corpus_id(path)
    if name in MISREAD_BY_MANIFEST:
        assert archive.core.records == MISREAD_BY_MANIFEST[name]
        return
    # The MANIFEST counts blank lines as rows of 0 fields; they are no records. Blank lines
    # between records are reported; those after the last record are just the file's end.
    blank = _BLANK_ROWS.search(entry.description)
    blank_rows = int(blank.group(1)) if blank else 0
    assert archive.core.records == entry.loose_records - blank_rows
    reported = sum(p.count or 0 for p in archive.problems if p.code == "BLANK_LINES")
    assert reported <= blank_rows


def test_blank_lines_between_records_are_reported_by_line():
    root = corpus_or_skip()
    archive = read(root / "gbif-dwca-io/src/test/resources/empty_line.tab")  # CR-only line ends
    assert archive.core.records == 6
    blank = [p for p in archive.problems if p.code == "BLANK_LINES"]
    assert [(p.count, p.line) for p in blank] == [(1, 6)]  # the trailing one is the file's end
    assert list(archive.core.lines()) == [2, 3, 4, 5, 7, 8]


def test_corpus_has_the_expected_variety():
    corpus_or_skip()
    assert len(ARCHIVES) > 150
    assert len(TABLES) > 300


def test_ragged_rows_are_kept_with_line_numbers():
    root = corpus_or_skip()
    archive = read(root / "ala-dwcahandler/tests/input_files/dwca/dwca-sample5")
    table = archive.core
    assert table.records == 12
    assert [(r.fields, r.expected) for r in table.ragged] == [(5, 6)]
    short = table.ragged[0]
    assert short.line == short.row + 2  # one header line, no embedded newlines
    assert table.data.iloc[short.row].isna().sum() == 1  # the missing cell is <NA>, not ""
    assert any(p.code == "RAGGED_ROWS" for p in archive.problems)


def test_wrapped_archive_with_macosx_junk():
    root = corpus_or_skip()
    archive = read(root / "gbif-checklistbank/checklistbank-cli/src/test/resources/plazi.zip")
    assert archive.core.name == "Taxon" and archive.core.records == 11
    assert [t.records for t in archive.extensions][:2] == [179, 24]
    assert not any("__MACOSX" in m or "/._" in m for m in archive.members)
    assert archive.eml_title.startswith("Seven new species of the Neotropical electric fish")


def test_meta_xml_defaults_fill_empty_cells_but_verbatim_keeps_them():
    root = corpus_or_skip()
    archive = read(root / "gbif-checklistbank/checklistbank-cli/src/test/resources/plazi.zip")
    occurrences = next(t for t in archive.extensions if t.name == "Occurrence")
    basis = "http://rs.tdwg.org/dwc/terms/basisOfRecord"
    field = occurrences.field(basis)
    assert field.default == "PreservedSpecimen"
    values = occurrences.column(basis)
    assert (values == "PreservedSpecimen").sum() >= 1
    assert values.notna().all()
