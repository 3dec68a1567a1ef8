"""dwcqa.archive.writer: a new Darwin Core Archive that gives every value back.

Each written archive is read back twice, with dwcqa and with python-dwca-reader (an independent
reader), and every cell must come back as the same string. The only difference allowed is the
one the writer documents: a cell a short row lacked (``<NA>``) comes back as an empty cell.
meta.xml is validated against the Darwin Core text guide's XSD from the shared corpus.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lxml import etree

from corpus import CORPUS, archives, corpus_id, corpus_or_skip, materialize
from dwcqa.archive import ArchiveError, read
from dwcqa.archive.model import STRING, Archive, Dialect, Field, Table, TableSpec
from dwcqa.archive.writer import Contact, WriteError, complete_eml, write, write_csv
from dwcqa.terms import DWC, short_name

XSD = CORPUS / "tdwg-dwc" / "docs" / "text" / "tdwg_dwc_text.xsd"
OCCURRENCE = DWC + "Occurrence"
MULTIMEDIA = "http://rs.gbif.org/terms/1.0/Multimedia"


# -- helpers (also used by test_export.py) -----------------------------------------------------------


def text_guide_schema() -> etree.XMLSchema:
    """The text guide's XSD, without its two imports (remote schemas for elements meta.xml does not use)."""
    if not XSD.is_file():
        pytest.skip(f"the text guide's XSD is not at {XSD}")
    tree = etree.parse(str(XSD))
    for element in tree.getroot().findall("{http://www.w3.org/2001/XMLSchema}import"):
        element.getparent().remove(element)
    return etree.XMLSchema(tree)


def assert_meta_valid(zip_path: Path) -> None:
    schema = text_guide_schema()
    document = etree.fromstring(zipfile.ZipFile(zip_path).read("meta.xml"))
    assert schema.validate(document), schema.error_log


def frame(rows: list[list], width: int | None = None) -> pd.DataFrame:
    width = width or max(len(r) for r in rows)
    padded = [list(r) + [None] * (width - len(r)) for r in rows]
    return pd.DataFrame(padded, columns=range(width), dtype=STRING) if rows else pd.DataFrame({i: pd.Series([], dtype=STRING) for i in range(width)})


def table(rows, fields, row_type=OCCURRENCE, id_index=0, is_core=True, header=None, files=("occurrence.txt",), width=None) -> Table:
    spec = TableSpec(row_type=row_type, files=tuple(files), dialect=Dialect("\t", '"', "\n", 1), fields=tuple(fields), id_index=id_index, is_core=is_core)
    return Table(spec=spec, data=frame(rows, width), header=header)


def archive_of(core: Table, *extensions: Table, eml: bytes | None = None) -> Archive:
    return Archive(source="(memory)", kind="dwca", core=core, extensions=list(extensions), eml_xml=eml)


def differences(before: Archive, after: Archive, changed: set[tuple[int, int, int]] = frozenset()) -> list[str]:
    """Cells of ``before`` that do not come back identical in ``after`` (by table, row, column).

    <NA> (a cell a short row lacked) and "" count as equal; columns ``after`` has beyond those
    of ``before`` must be empty unless changed; ``changed`` holds (table, row, column) allowed to
    differ."""
    found = []
    if len(before.tables) != len(after.tables):
        return [f"{len(before.tables)} tables became {len(after.tables)}"]
    for position, (a, b) in enumerate(zip(before.tables, after.tables)):
        if a.records != b.records:
            found.append(f"{a.name}: {a.records} records became {b.records}")
            continue
        if b.data.shape[1] < a.data.shape[1]:
            found.append(f"{a.name}: {a.data.shape[1]} columns became {b.data.shape[1]}")
            continue
        for column in range(b.data.shape[1]):
            new = b.data[column].fillna("").to_numpy(dtype=object)
            old = a.data[column].fillna("").to_numpy(dtype=object) if column in a.data.columns else np.full(len(new), "", dtype=object)
            for row in np.flatnonzero(old != new):
                if (position, int(row), column) not in changed:
                    found.append(f"{a.name} row {row} column {column}: {old[row]!r} became {new[row]!r}")
                    break
    return found


def dwca_reader_tables(path: Path) -> list[list[list[str]]]:
    from dwca.read import DwCAReader

    with DwCAReader(str(path), skip_metadata=True) as reader:
        tables = [[row.raw_fields for row in reader.core_file.iter_rows()]]
        tables += [[row.raw_fields for row in data_file.iter_rows()] for data_file in reader.extension_files]
    return tables


def dwca_reader_differences(expected: Archive, path: Path) -> list[str]:
    """python-dwca-reader must see the cells of ``expected`` (NA as ""), and the same effective
    values (meta.xml defaults applied) for every term mapped once."""
    from dwca.read import DwCAReader

    found = []
    tables = dwca_reader_tables(path)
    for table_, rows in zip(expected.tables, tables):
        data = table_.data.fillna("")
        if len(rows) != table_.records:
            found.append(f"{table_.name}: python-dwca-reader reads {len(rows)} rows, not {table_.records}")
            continue
        values = [list(r) for r in data.itertuples(index=False, name=None)]
        for number, (mine, theirs) in enumerate(zip(values, rows)):
            if theirs[: len(mine)] != mine or any(v != "" for v in theirs[len(mine):]):
                found.append(f"{table_.name} row {number}: {mine!r} read as {theirs!r}")
                break
    with DwCAReader(str(path), skip_metadata=True) as reader:
        files = [reader.core_file, *reader.extension_files]
        for table_, data_file in zip(expected.tables, files):
            # Terms mapped once, to a column or a default (a <field> with neither maps nothing
            # and is not written).
            terms = [
                f.term
                for f in table_.spec.fields
                if "://" in f.term and (f.index is not None or f.default is not None) and sum(g.term == f.term for g in table_.spec.fields) == 1
            ]
            if not terms or not table_.records:
                continue
            seen = list(data_file.iter_terms(terms))
            for term_position, term in enumerate(terms):
                mine = table_.column(term).fillna("").to_numpy(dtype=object)
                theirs = np.array([row[term_position] for row in seen], dtype=object)
                if (mine != theirs).any():
                    found.append(f"{table_.name} {short_name(term)}: effective values differ")
    return found


def structure_errors(archive: Archive) -> set[str]:
    """Ids of the error-severity structure checks that find something."""
    from dwcqa.checks.registry import all_checks
    from dwcqa.checks.runner import run

    checks = [c for c in all_checks() if c.function.__module__ == "dwcqa.checks.structure"]
    results = run(archive, checks)
    return {c.id for c in results.failing() if c.severity == "error"}


def without_id_links(archive: Archive) -> str | None:
    """Why python-dwca-reader cannot open an archive at all (it needs an <id> index in the core,
    a <coreid> index in every extension, and every mapped column in every row), or None."""
    if archive.core.spec.id_index is None:
        return "the core has no <id> index"
    if any(t.spec.id_index is None for t in archive.extensions):
        return "an extension has no <coreid> index"
    if any(p.code == "FIELD_INDEX_BEYOND_COLUMNS" for p in archive.problems):
        return "a <field> maps a column the data does not have"
    return None


# -- the dialect -------------------------------------------------------------------------------------

TRICKY = [
    "plain",
    "tab\tinside",
    "line\nfeed",
    "windows\r\nline end",
    "carriage\rreturn",
    '"quoted at both ends"',
    'a "quote" inside',
    'ends with a quote"',
    '""',
    "",
    "  spaces around  ",
    "NUL\x00byte",
    "unicode: Ærø, 北京, 😀, \u2028 line separator, \x85 next line",
    "back\\tslash-t, not a tab",
    "comma, semicolon; pipe |",
    "\t",
    "\n",
]


def tricky_archive() -> Archive:
    rows = [[f"id{i}", value, value[::-1], ""] for i, value in enumerate(TRICKY)]
    fields = [Field(DWC + "occurrenceID", 0), Field(DWC + "locality", 1), Field(DWC + "occurrenceRemarks", 2), Field(DWC + "recordedBy", 3)]
    return archive_of(table(rows, fields))


def test_every_tricky_value_comes_back_identical_with_both_readers(tmp_path):
    archive = tricky_archive()
    out = tmp_path / "out.zip"
    report = write(archive, out)
    again = read(out)
    assert differences(archive, again) == []
    assert dwca_reader_differences(archive, out) == []
    assert report.tables[0].records == len(TRICKY)
    assert_meta_valid(out)


def test_values_are_quoted_only_when_they_need_it(tmp_path):
    archive = tricky_archive()
    out = tmp_path / "out.zip"
    write(archive, out)
    text = zipfile.ZipFile(out).read("occurrence.txt").decode("utf-8")
    assert text.startswith("occurrenceID\tlocality\toccurrenceRemarks\trecordedBy\n")
    assert "id0\tplain\tnialp\t\n" in text
    assert '"tab\tinside"' in text
    assert '"a ""quote"" inside"' in text
    assert "  spaces around  " in text and '"  spaces around  "' not in text
    meta = zipfile.ZipFile(out).read("meta.xml").decode()
    assert 'fieldsTerminatedBy="\\t"' in meta and 'fieldsEnclosedBy="&quot;"' in meta
    assert 'linesTerminatedBy="\\n"' in meta and 'ignoreHeaderLines="1"' in meta and 'encoding="UTF-8"' in meta


def test_a_single_column_of_empty_values_keeps_its_rows(tmp_path):
    archive = archive_of(table([["a"], [""], ["c"], [""]], [Field(DWC + "occurrenceID", 0)], id_index=None))
    out = tmp_path / "out.zip"
    write(archive, out)
    assert read(out).core.records == 4
    assert differences(archive, read(out)) == []


def test_cells_short_rows_lacked_come_back_empty_and_are_reported(tmp_path):
    archive = archive_of(table([["1", "a", "b"], ["2", "c"], ["3"]], [Field(DWC + "occurrenceID", 0), Field(DWC + "locality", 1), Field(DWC + "habitat", 2)]))
    assert archive.core.data.iloc[1, 2] is pd.NA
    out = tmp_path / "out.zip"
    report = write(archive, out)
    again = read(out)
    assert again.core.data.iloc[1, 2] == "" and again.core.data.iloc[2, 1] == ""
    assert not again.core.ragged
    assert report.tables[0].padded_cells == 3
    assert any("3 cells missing from short rows" in note for note in report.notes)
    assert differences(archive, again) == []
    assert dwca_reader_differences(archive, out) == []


def test_defaults_stay_defaults_and_constant_columns_stay_constant(tmp_path):
    fields = [
        Field(DWC + "occurrenceID", 0),
        Field(DWC + "basisOfRecord", None, default="PreservedSpecimen"),  # constant column
        Field(DWC + "country", 1, default="Belgium"),  # a column with a default for empty cells
        Field(DWC + "sex", 2, vocabulary="http://rs.gbif.org/vocabulary/gbif/sex.xml"),
        Field(DWC + "recordedBy", 3, delimited_by="|"),
    ]
    archive = archive_of(table([["1", "", "male", "A|B"], ["2", "France", "", ""]], fields))
    out = tmp_path / "out.zip"
    write(archive, out)
    meta = etree.fromstring(zipfile.ZipFile(out).read("meta.xml"))
    by_term = {f.get("term"): f for f in meta.iter("{http://rs.tdwg.org/dwc/text/}field")}
    assert by_term[DWC + "basisOfRecord"].get("index") is None
    assert by_term[DWC + "basisOfRecord"].get("default") == "PreservedSpecimen"
    assert by_term[DWC + "country"].get("default") == "Belgium" and by_term[DWC + "country"].get("index") == "1"
    assert by_term[DWC + "sex"].get("vocabulary") == "http://rs.gbif.org/vocabulary/gbif/sex.xml"
    assert by_term[DWC + "recordedBy"].get("delimitedBy") == "|"
    again = read(out)
    assert list(again.core.data[1]) == ["", "France"]  # the default is not written into cells
    assert list(again.core.column(DWC + "country")) == ["Belgium", "France"]
    assert list(again.core.column(DWC + "basisOfRecord")) == ["PreservedSpecimen"] * 2
    assert dwca_reader_differences(archive, out) == []
    assert_meta_valid(out)


def test_unmapped_columns_are_kept_with_their_header(tmp_path):
    fields = [Field(DWC + "occurrenceID", 0), Field(DWC + "locality", 2)]
    archive = archive_of(table([["1", "x1", "Here", "y1"], ["2", "x2", "There", "y2"]], fields, header=["id", "myOwnColumn", "locality", "notes"]))
    out = tmp_path / "out.zip"
    report = write(archive, out)
    assert report.tables[0].unmapped_columns == [1, 3]
    first_line = zipfile.ZipFile(out).read("occurrence.txt").decode().splitlines()[0]
    assert first_line == "occurrenceID\tmyOwnColumn\tlocality\tnotes"
    again = read(out)
    assert [f.term for f in again.core.spec.fields] == [DWC + "occurrenceID", DWC + "locality"]
    assert differences(archive, again) == []
    assert dwca_reader_differences(archive, out) == []


def write_folder(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return folder


META = """<?xml version="1.0" encoding="UTF-8"?>
<archive xmlns="http://rs.tdwg.org/dwc/text/">
  <core encoding="{encoding}" fieldsTerminatedBy="," fieldsEnclosedBy='"' linesTerminatedBy="\\n" ignoreHeaderLines="{header}" rowType="http://rs.tdwg.org/dwc/terms/Occurrence">
    <files>{locations}</files>
    <id index="0"/>
    <field index="0" term="http://rs.tdwg.org/dwc/terms/occurrenceID"/>
    <field index="1" term="http://rs.tdwg.org/dwc/terms/locality"/>
  </core>
</archive>"""


def test_a_table_in_several_files_is_written_as_one(tmp_path):
    meta = META.format(encoding="UTF-8", header=1, locations="<location>part1.csv</location><location>part2.csv</location>")
    source = write_folder(tmp_path / "in", {"meta.xml": meta, "part1.csv": "id,locality\n1,Gent\n2,Liège\n", "part2.csv": "id,locality\n3,\"Namur, BE\"\n"})
    archive = read(source)
    out = tmp_path / "out.zip"
    report = write(archive, out)
    assert [t.location for t in report.tables] == ["part1.txt"]
    again = read(out)
    assert again.core.records == 3 and again.core.files == ("part1.txt",)
    assert differences(archive, again) == []


@pytest.mark.parametrize("header_lines", [0, 2])
def test_header_lines_of_the_input_become_one_header_line(tmp_path, header_lines):
    header = "".join(f"header line {n},x\n" for n in range(header_lines))
    meta = META.format(encoding="windows-1252", header=header_lines, locations="<location>occ.csv</location>")
    source = write_folder(tmp_path / "in", {"meta.xml": meta, "occ.csv": (header + "1,Liège\n2,Köln\n").encode("cp1252")})
    archive = read(source)
    assert archive.core.records == 2
    out = tmp_path / "out.zip"
    write(archive, out)
    raw = zipfile.ZipFile(out).read("occ.txt")
    assert raw.decode("utf-8").splitlines() == ["occurrenceID\tlocality", "1\tLiège", "2\tKöln"]
    assert differences(archive, read(out)) == []
    assert dwca_reader_differences(archive, out) == []


def test_extensions_keep_their_links_and_the_meta_xml_is_valid(tmp_path):
    core = table([["o1", "Gent"], ["o2", "Namur"]], [Field(DWC + "occurrenceID", 0), Field(DWC + "locality", 1)])
    media = table(
        [["o1", "http://img/1.jpg"], ["o1", "http://img/2.jpg"], ["o2", "http://img/3.jpg"]],
        [Field("http://purl.org/dc/terms/identifier", 1)],
        row_type=MULTIMEDIA,
        is_core=False,
        files=("multimedia.txt",),
    )
    archive = archive_of(core, media, eml=b"<eml><dataset><title>t</title></dataset></eml>")
    out = tmp_path / "out.zip"
    write(archive, out)
    assert_meta_valid(out)
    assert zipfile.ZipFile(out).read("eml.xml") == archive.eml_xml
    again = read(out)
    assert [t.row_type for t in again.tables] == [OCCURRENCE, MULTIMEDIA]
    assert list(again.extensions[0].ids) == ["o1", "o1", "o2"]
    assert differences(archive, again) == []
    assert dwca_reader_differences(archive, out) == []
    assert "RECORD_REFERENTIAL_INTEGRITY_VIOLATION" not in structure_errors(again)


def test_a_table_without_any_term_is_refused(tmp_path):
    archive = Archive(source="(memory)", kind="table", core=table([["x"]], [Field("myColumn", 0)], id_index=None))
    with pytest.raises(WriteError, match="maps no column to a Darwin Core term"):
        write(archive, tmp_path / "out.zip")
    assert not list(tmp_path.iterdir())  # nothing left behind


# -- never touching the input -----------------------------------------------------------------------


def _digest(path: Path) -> str:
    if path.is_dir():
        return hashlib.sha256(b"".join(p.read_bytes() + str(p).encode() for p in sorted(path.rglob("*")) if p.is_file())).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_refuses_to_overwrite_the_input_zip_and_leaves_it_alone(tmp_path):
    source = tmp_path / "in.zip"
    write(tricky_archive(), source)
    before = _digest(source)
    archive = read(source)
    with pytest.raises(WriteError, match="refusing to overwrite the input"):
        write(archive, source, overwrite=True)
    with pytest.raises(WriteError, match="refusing to overwrite the input"):
        write(archive, tmp_path / "." / "in.zip", overwrite=True)
    assert _digest(source) == before


def test_refuses_to_write_into_the_input_folder(tmp_path):
    meta = META.format(encoding="UTF-8", header=1, locations="<location>occ.csv</location>")
    source = write_folder(tmp_path / "in", {"meta.xml": meta, "occ.csv": "id,locality\n1,Gent\n"})
    before = _digest(source)
    with pytest.raises(WriteError, match="inside the input folder"):
        write(read(source), source / "clean.zip")
    assert _digest(source) == before


def test_an_existing_output_is_only_replaced_when_asked(tmp_path):
    out = tmp_path / "out.zip"
    out.write_bytes(b"precious")
    with pytest.raises(WriteError, match="exists already"):
        write(tricky_archive(), out)
    assert out.read_bytes() == b"precious"
    write(tricky_archive(), out, overwrite=True)
    assert zipfile.is_zipfile(out)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dwcqa-")]  # no temporary file left


def test_the_input_model_is_not_modified(tmp_path):
    archive = archive_of(table([["1", "a"], ["2"]], [Field(DWC + "occurrenceID", 0), Field(DWC + "locality", 1)]))
    before = archive.core.data.copy()
    write(archive, tmp_path / "out.zip")
    pd.testing.assert_frame_equal(archive.core.data, before)
    assert archive.core.data.iloc[1, 1] is pd.NA


# -- eml.xml ---------------------------------------------------------------------------------------------


def _metadata_findings(eml: bytes) -> set[str]:
    from dwcqa.checks.registry import all_checks
    from dwcqa.checks.runner import run

    archive = archive_of(table([["1"]], [Field(DWC + "occurrenceID", 0)]), eml=eml)
    checks = [c for c in all_checks() if c.dimension == "metadata"]
    return {c.id for c in run(archive, checks).failing()}


def test_a_new_eml_carries_the_licence_and_contacts_gbif_reads():
    from dwcqa.checks.metadata import metadata_summary

    contact = Contact(surname="Lovelace", given_name="Ada", organization="Example Museum", email="ada@example.org")
    eml = complete_eml(None, licence="CC-BY-4.0", contacts=[contact], title="Beetles of the Example Museum", description="Every beetle specimen of the Example Museum, digitised 2020-2024.")
    summary = metadata_summary(archive_of(table([["1"]], [Field(DWC + "occurrenceID", 0)]), eml=eml))
    assert summary["licence"] == "CC-BY-4.0" and summary["licence_accepted"]
    found = _metadata_findings(eml)
    for check in ("LICENSE_MISSING_OR_UNKNOWN", "LICENSE_NOT_MACHINE_READABLE", "RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE", "CONTACT_EMAIL_MISSING", "EML_NOT_WELL_FORMED", "EML_GBIF_SCHEMA"):
        assert check not in found, found


def test_an_existing_eml_is_completed_not_replaced():
    eml = (CORPUS / "gbif-ipt/src/test/resources/resources/res1/eml.xml") if CORPUS.is_dir() else None
    if eml is None or not eml.is_file():
        eml_bytes = b'<?xml version="1.0"?><eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1"><dataset><title>Old title here</title><creator><organizationName>X</organizationName></creator><pubDate>2020-01-01</pubDate><abstract><para>Some description long enough.</para></abstract><contact><organizationName>X</organizationName></contact></dataset></eml:eml>'
    else:
        eml_bytes = eml.read_bytes()
    completed = complete_eml(eml_bytes, licence="http://creativecommons.org/publicdomain/zero/1.0/", contacts=[Contact(organization="Herbarium", email="h@example.org")])
    root = etree.fromstring(completed)
    dataset = root.find("dataset")
    names = [etree.QName(c).localname for c in dataset if isinstance(c.tag, str)]
    assert names.count("intellectualRights") == 1
    assert names.index("intellectualRights") < names.index("contact")
    assert dataset.find("intellectualRights/para/ulink").get("url") == "http://creativecommons.org/publicdomain/zero/1.0/legalcode"
    assert "h@example.org" in completed.decode()
    assert "LICENSE_MISSING_OR_UNKNOWN" not in _metadata_findings(completed)
    with pytest.raises(ValueError, match="not a licence GBIF accepts"):
        complete_eml(eml_bytes, licence="CC-BY-SA-4.0")


def test_write_uses_the_eml_given(tmp_path):
    eml = complete_eml(None, licence="CC0-1.0", contacts=[Contact(organization="Herbarium X")], title="A title of some length")
    out = tmp_path / "out.zip"
    report = write(tricky_archive(), out, eml=eml)
    assert report.metadata == "eml.xml"
    assert zipfile.ZipFile(out).read("eml.xml") == eml
    assert etree.fromstring(zipfile.ZipFile(out).read("meta.xml")).get("metadata") == "eml.xml"


# -- CSV for spreadsheets ------------------------------------------------------------------------------


def test_write_csv_has_short_names_and_effective_values(tmp_path):
    import csv

    fields = [Field(DWC + "occurrenceID", 0), Field(DWC + "locality", 1), Field(DWC + "basisOfRecord", None, default="PreservedSpecimen")]
    archive = archive_of(table([["1", "a, b"], ["2", 'line\n"two"']], fields))
    path = tmp_path / "core.csv"
    write_csv(archive.core, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(keepends=True)))
    assert rows == [["occurrenceID", "locality", "basisOfRecord"], ["1", "a, b", "PreservedSpecimen"], ["2", 'line\n"two"', "PreservedSpecimen"]]


# -- the corpus ----------------------------------------------------------------------------------------

ARCHIVES = archives()
# Inputs the writer refuses, and why.
NOT_WRITABLE = {
    # a single file "hallo": a table whose one header names no Darwin Core term
    "gbif-data-validator/validator-ws/src/test/resources/zip/zip-test-root.zip": "maps no column",
    "gbif-data-validator/validator-ws/src/test/resources/zip/zip-test-with-folder.zip": "maps no column",
    "gbif-data-validator/validator-ws/src/test/resources/zip/zip-test-with-root-folder.zip": "maps no column",
    # no meta.xml: the reader takes DarwinCore.txt, whose header names no term in the delimiter it finds
    "gnames-dwca/pkg/testdata/meta_absent.tar.gz": "maps no column",
}


def read_or_skip(path: Path, workdir: Path) -> Archive:
    try:
        return read(materialize(path, workdir))
    except ArchiveError as error:
        pytest.skip(f"not readable, as test_corpus_reading expects: {error}")


@pytest.mark.parametrize("path", ARCHIVES, ids=[corpus_id(p) for p in ARCHIVES])
def test_corpus_archive_round_trip(path, tmp_path):
    corpus_or_skip()
    archive = read_or_skip(path, tmp_path / "in")
    out = tmp_path / "out.zip"
    name = corpus_id(path)
    if name in NOT_WRITABLE:
        with pytest.raises(WriteError, match=NOT_WRITABLE[name]):
            write(archive, out)
        return
    write(archive, out)
    assert_meta_valid(out)
    again = read(out)
    assert differences(archive, again) == []
    assert not (structure_errors(again) - structure_errors(archive))
    try:
        seen_by_dwca_reader = dwca_reader_differences(archive, out)
    except Exception as error:  # python-dwca-reader cannot open what the input lacked already
        assert without_id_links(archive), f"python-dwca-reader fails: {error!r}"
    else:
        assert seen_by_dwca_reader == []
