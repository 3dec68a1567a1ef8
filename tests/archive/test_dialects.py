"""The Darwin Core text guide's meta.xml attributes, and plain CSV/TSV tables, read right.

Every input is built byte by byte in ``tmp_path`` so each case is exact; nothing here
needs the shared corpus. One behaviour per test (or parametrised case).
"""

from __future__ import annotations

import codecs
import io
import tarfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from dwcqa.archive import Dialect, read

DWC = "http://rs.tdwg.org/dwc/terms/"
OCCURRENCE = DWC + "Occurrence"
MULTIMEDIA = "http://rs.gbif.org/terms/1.0/Multimedia"
MEASUREMENT = DWC + "MeasurementOrFact"
BASIS_VOCABULARY = "http://rs.gbif.org/vocabulary/dwc/basis_of_record"


# -- helpers: meta.xml text and archives, written exactly --------------------------------


def fld(index: int | None, term: str, default: str | None = None, vocabulary: str | None = None) -> str:
    """One <field>; ``term`` is a Darwin Core name unless it already is a URI."""
    uri = term if "://" in term else DWC + term
    parts = [f'<field term="{uri}"']
    if index is not None:
        parts.append(f' index="{index}"')
    if default is not None:
        parts.append(f' default="{default}"')
    if vocabulary is not None:
        parts.append(f' vocabulary="{vocabulary}"')
    return "".join(parts) + "/>"


def core(attrs: str = "", files=("occurrence.txt",), fields=(fld(1, "scientificName"),), id_index: int | None = 0, row_type=OCCURRENCE) -> str:
    """A <core> element. ``attrs`` is raw XML attribute text, written exactly as given."""
    return _table("core", "id", attrs, files, fields, id_index, row_type)


def extension(row_type: str, files, fields, attrs: str = "", coreid_index: int | None = 0) -> str:
    return _table("extension", "coreid", attrs, files, fields, coreid_index, row_type)


def _table(tag, id_tag, attrs, files, fields, id_index, row_type) -> str:
    locations = "".join(f"<location>{f}</location>" for f in files)
    id_element = f"<{id_tag} index=\"{id_index}\"/>" if id_index is not None else ""
    body = "\n    ".join([f"<files>{locations}</files>", id_element, *fields])
    return f'  <{tag} rowType="{row_type}" {attrs}>\n    {body}\n  </{tag}>'


def meta(*tables: str, metadata: str | None = "eml.xml") -> bytes:
    attribute = f' metadata="{metadata}"' if metadata else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<archive xmlns="http://rs.tdwg.org/dwc/text/"{attribute}>\n' + "\n".join(tables) + "\n</archive>\n"
    ).encode("utf-8")


EML = b'<?xml version="1.0"?><eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1"><dataset><title>Test set</title></dataset></eml:eml>'

PACK_SUFFIX = {"zip": ".zip", "tar": ".tar", "tar.gz": ".tar.gz", "tgz": ".tgz", "tar.bz2": ".tar.bz2", "tar.xz": ".tar.xz", "folder": ""}
TAR_MODE = {"tar": "w", "tar.gz": "w:gz", "tgz": "w:gz", "tar.bz2": "w:bz2", "tar.xz": "w:xz"}


def make_archive(tmp_path: Path, meta_xml: bytes | None, files: dict[str, bytes], pack: str = "zip", name: str = "dwca", with_eml: bool = True) -> Path:
    """An archive holding ``meta_xml`` (when given), eml.xml and ``files``, byte for byte."""
    members = dict(files)
    if meta_xml is not None:
        members = {"meta.xml": meta_xml, **members}
        if with_eml:
            members.setdefault("eml.xml", EML)
    target = tmp_path / (name + PACK_SUFFIX[pack])
    if pack == "folder":
        for member, data in members.items():
            path = target / member
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    elif pack == "zip":
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in members.items():
                archive.writestr(member, data)
    else:
        with tarfile.open(target, TAR_MODE[pack]) as archive:
            for member, data in members.items():
                info = tarfile.TarInfo(member)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return target


def write_table(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def values(series) -> list:
    """A Series as a plain list, <NA> as None."""
    return [None if v is pd.NA else v for v in series.tolist()]


def codes(archive) -> list[str]:
    return [p.code for p in archive.problems]


def problem(archive, code: str):
    found = [p for p in archive.problems if p.code == code]
    assert found, f"no {code} problem among {archive.problems}"
    return found[0]


NAME = DWC + "scientificName"
ID = DWC + "occurrenceID"


# -- encoding -----------------------------------------------------------------------------

ROWS = "1,Bufo bufo,Zürich\n2,Épervier,€ 5\n"
ROW_FIELDS = (fld(1, "scientificName"), fld(2, "locality"))


def test_utf8_values_come_back_exactly(tmp_path):
    path = make_archive(tmp_path, meta(core(fields=ROW_FIELDS)), {"occurrence.txt": ROWS.encode("utf-8")})
    archive = read(path)
    assert values(archive.core.column(NAME)) == ["Bufo bufo", "Épervier"]
    assert values(archive.core.column(DWC + "locality")) == ["Zürich", "€ 5"]
    assert "ENCODING_INVALID" not in codes(archive)


def test_utf8_bom_in_data_file_is_not_part_of_the_first_value(tmp_path):
    data = codecs.BOM_UTF8 + ROWS.encode("utf-8")
    archive = read(make_archive(tmp_path, meta(core(fields=ROW_FIELDS)), {"occurrence.txt": data}))
    assert values(archive.core.ids) == ["1", "2"]
    assert values(archive.core.column(DWC + "locality")) == ["Zürich", "€ 5"]


def test_utf8_bom_in_data_file_is_not_part_of_the_header(tmp_path):
    data = codecs.BOM_UTF8 + ("id,scientificName\n" + "1,Bufo bufo\n").encode("utf-8")
    archive = read(make_archive(tmp_path, meta(core('ignoreHeaderLines="1"')), {"occurrence.txt": data}))
    assert archive.core.header == ["id", "scientificName"]
    assert values(archive.core.ids) == ["1"]


def test_utf8_bom_in_meta_xml_is_accepted(tmp_path):
    meta_xml = codecs.BOM_UTF8 + meta(core(fields=ROW_FIELDS))
    archive = read(make_archive(tmp_path, meta_xml, {"occurrence.txt": ROWS.encode("utf-8")}))
    assert values(archive.core.column(DWC + "locality")) == ["Zürich", "€ 5"]


@pytest.mark.parametrize(
    "declared, data",
    [
        pytest.param("UTF-16", codecs.BOM_UTF16_LE + ROWS.encode("utf-16-le"), id="utf16-le-bom"),
        pytest.param("UTF-16", codecs.BOM_UTF16_BE + ROWS.encode("utf-16-be"), id="utf16-be-bom"),
        pytest.param("UTF-16", ROWS.encode("utf-16-le"), id="utf16-le-no-bom"),
        pytest.param("UTF-16", ROWS.encode("utf-16-be"), id="utf16-be-no-bom"),
        pytest.param("UTF-16LE", ROWS.encode("utf-16-le"), id="utf16le-declared-no-bom"),
        pytest.param("UTF-16BE", ROWS.encode("utf-16-be"), id="utf16be-declared-no-bom"),
    ],
)
def test_utf16_values_come_back_exactly(tmp_path, declared, data):
    archive = read(make_archive(tmp_path, meta(core(f'encoding="{declared}"', fields=ROW_FIELDS)), {"occurrence.txt": data}))
    assert values(archive.core.ids) == ["1", "2"]
    assert values(archive.core.column(NAME)) == ["Bufo bufo", "Épervier"]
    assert values(archive.core.column(DWC + "locality")) == ["Zürich", "€ 5"]
    assert "ENCODING_INVALID" not in codes(archive)


def test_iso_8859_1_values_come_back_exactly(tmp_path):
    rows = "1,Épervier,Zürich\n2,Ærø,São Tomé\n"
    archive = read(make_archive(tmp_path, meta(core('encoding="ISO-8859-1"', fields=ROW_FIELDS)), {"occurrence.txt": rows.encode("latin-1")}))
    assert values(archive.core.column(NAME)) == ["Épervier", "Ærø"]
    assert values(archive.core.column(DWC + "locality")) == ["Zürich", "São Tomé"]
    assert "ENCODING_INVALID" not in codes(archive)


def test_windows_1252_values_come_back_exactly(tmp_path):
    rows = "1,Épervier,€ 5\n2,“quoted” – dash,Zürich\n"
    archive = read(make_archive(tmp_path, meta(core('encoding="windows-1252"', fields=ROW_FIELDS)), {"occurrence.txt": rows.encode("cp1252")}))
    assert values(archive.core.column(NAME)) == ["Épervier", "“quoted” – dash"]
    assert values(archive.core.column(DWC + "locality")) == ["€ 5", "Zürich"]
    assert "ENCODING_INVALID" not in codes(archive)


def test_file_declared_utf8_but_really_windows_1252_is_decoded_and_reported(tmp_path):
    rows = "1,Bufo bufo,Bern\n2,Rana,Basel\n3,Épervier,€ 5\n4,Pica pica,Zürich\n"
    archive = read(make_archive(tmp_path, meta(core('encoding="UTF-8"', fields=ROW_FIELDS)), {"occurrence.txt": rows.encode("cp1252")}))
    assert values(archive.core.column(NAME)) == ["Bufo bufo", "Rana", "Épervier", "Pica pica"]
    assert values(archive.core.column(DWC + "locality")) == ["Bern", "Basel", "€ 5", "Zürich"]
    invalid = problem(archive, "ENCODING_INVALID")
    assert invalid.file == "occurrence.txt"
    assert invalid.line == 3  # the first byte that is not UTF-8 is on line 3


def test_file_declared_utf8_but_really_windows_1252_reports_line_after_a_header(tmp_path):
    rows = "id,scientificName,locality\n1,Bufo bufo,Bern\n2,Pica pica,Zürich\n"
    archive = read(make_archive(tmp_path, meta(core('ignoreHeaderLines="1"', fields=ROW_FIELDS)), {"occurrence.txt": rows.encode("cp1252")}))
    assert values(archive.core.column(DWC + "locality")) == ["Bern", "Zürich"]
    assert problem(archive, "ENCODING_INVALID").line == 3


# -- fieldsTerminatedBy -------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, delimiter",
    [
        pytest.param("\\t", "\t", id="backslash-t"),
        pytest.param("&#9;", "\t", id="tab-character-reference"),
        pytest.param("\t", "\t", id="real-tab"),
        pytest.param(",", ",", id="comma"),
        pytest.param(";", ";", id="semicolon"),
        pytest.param("|", "|", id="pipe"),
    ],
)
def test_fields_terminated_by(tmp_path, written, delimiter):
    rows = delimiter.join(["1", "Bufo bufo", "Bern, Switzerland" if delimiter != "," else "Bern"]) + "\n"
    rows += delimiter.join(["2", "Pica pica", "Basel"]) + "\n"
    meta_xml = meta(core(f'fieldsTerminatedBy="{written}" fieldsEnclosedBy=""', fields=ROW_FIELDS))
    archive = read(make_archive(tmp_path, meta_xml, {"occurrence.txt": rows.encode()}))
    assert archive.core.delimiter == delimiter
    assert values(archive.core.ids) == ["1", "2"]
    assert values(archive.core.column(NAME)) == ["Bufo bufo", "Pica pica"]
    assert archive.core.data.shape == (2, 3)


# -- linesTerminatedBy --------------------------------------------------------------------


@pytest.mark.parametrize(
    "declared, actual",
    [
        pytest.param("\\n", "\n", id="declared-LF-is-LF"),
        pytest.param("\\r\\n", "\r\n", id="declared-CRLF-is-CRLF"),
        pytest.param("\\r", "\r", id="declared-CR-is-CR"),
        pytest.param("\\n", "\r\n", id="declared-LF-but-CRLF"),
        pytest.param("\\r\\n", "\n", id="declared-CRLF-but-LF"),
        pytest.param("\\n", "\r", id="declared-LF-but-CR"),
        pytest.param("\\r", "\r\n", id="declared-CR-but-CRLF"),
    ],
)
def test_lines_terminated_by(tmp_path, declared, actual):
    rows = actual.join(["id,scientificName,locality", "1,Bufo bufo,Bern", "2,Pica pica,Basel", "3,Rana,Chur"]) + actual
    meta_xml = meta(core(f'linesTerminatedBy="{declared}" ignoreHeaderLines="1"', fields=ROW_FIELDS))
    archive = read(make_archive(tmp_path, meta_xml, {"occurrence.txt": rows.encode()}))
    assert values(archive.core.ids) == ["1", "2", "3"]
    assert values(archive.core.column(DWC + "locality")) == ["Bern", "Basel", "Chur"]  # no stray \r
    assert not archive.core.ragged


def test_crlf_file_without_final_line_ending(tmp_path):
    rows = b"1,Bufo bufo,Bern\r\n2,Pica pica,Basel"
    archive = read(make_archive(tmp_path, meta(core('linesTerminatedBy="\\r\\n"', fields=ROW_FIELDS)), {"occurrence.txt": rows}))
    assert values(archive.core.column(DWC + "locality")) == ["Bern", "Basel"]


# -- fieldsEnclosedBy ---------------------------------------------------------------------

QUOTED = b'1,"Smith, J.","He said ""hi"""\n2,"line one\nline two",plain\n3,"",x\n'
QUOTED_FIELDS = (fld(1, "recordedBy"), fld(2, "occurrenceRemarks"))


@pytest.mark.parametrize("attrs", ["fieldsEnclosedBy='\"'", 'fieldsEnclosedBy="&quot;"'], ids=["apostrophes", "quot-entity"])
def test_fields_enclosed_by_quote(tmp_path, attrs):
    archive = read(make_archive(tmp_path, meta(core(attrs, fields=QUOTED_FIELDS)), {"occurrence.txt": QUOTED}))
    assert archive.core.spec.dialect.quote == '"'
    assert values(archive.core.ids) == ["1", "2", "3"]
    assert values(archive.core.column(DWC + "recordedBy")) == ["Smith, J.", "line one\nline two", ""]
    assert values(archive.core.column(DWC + "occurrenceRemarks")) == ['He said "hi"', "plain", "x"]


def test_fields_enclosed_by_quote_keeps_crlf_inside_a_value(tmp_path):
    data = b'1,"line one\r\nline two",x\r\n2,b,y\r\n'
    archive = read(make_archive(tmp_path, meta(core('linesTerminatedBy="\\r\\n"', fields=QUOTED_FIELDS)), {"occurrence.txt": data}))
    assert values(archive.core.column(DWC + "recordedBy")) == ["line one\r\nline two", "b"]


def test_fields_enclosed_by_nothing_keeps_quotes_in_values(tmp_path):
    data = b'1,5" tall,"quoted"\n2,He said "hi",x"y\n'
    archive = read(make_archive(tmp_path, meta(core('fieldsEnclosedBy=""', fields=QUOTED_FIELDS)), {"occurrence.txt": data}))
    assert archive.core.spec.dialect.quote == ""
    assert values(archive.core.column(DWC + "recordedBy")) == ['5" tall', 'He said "hi"']
    assert values(archive.core.column(DWC + "occurrenceRemarks")) == ['"quoted"', 'x"y']


def test_fields_enclosed_by_nothing_with_a_lone_quote_does_not_swallow_lines(tmp_path):
    data = b'1\t"open\tx\n2\tb\ty\n3\tc\tz\n'
    meta_xml = meta(core('fieldsTerminatedBy="\\t" fieldsEnclosedBy=""', fields=QUOTED_FIELDS))
    archive = read(make_archive(tmp_path, meta_xml, {"occurrence.txt": data}))
    assert values(archive.core.ids) == ["1", "2", "3"]
    assert values(archive.core.column(DWC + "recordedBy")) == ['"open', "b", "c"]


# -- ignoreHeaderLines --------------------------------------------------------------------


@pytest.mark.parametrize("header_lines", [0, 1, 2])
def test_ignore_header_lines(tmp_path, header_lines):
    headers = ["id,scientificName", "# exported 2024-01-01,"][:header_lines]
    data = "\n".join([*headers, "1,Bufo bufo", "2,Pica pica"]) + "\n"
    meta_xml = meta(core(f'ignoreHeaderLines="{header_lines}"'))
    archive = read(make_archive(tmp_path, meta_xml, {"occurrence.txt": data.encode()}))
    assert archive.core.spec.dialect.header_lines == header_lines
    assert values(archive.core.ids) == ["1", "2"]
    assert values(archive.core.column(NAME)) == ["Bufo bufo", "Pica pica"]
    assert archive.core.header == (["id", "scientificName"] if header_lines else None)


# -- attributes absent: the XSD defaults ---------------------------------------------------


def test_absent_attributes_take_the_xsd_defaults(tmp_path):
    data = '1,"Smith, J.",Zürich\n2,Jones,Bern\n'.encode("utf-8")
    archive = read(make_archive(tmp_path, meta(core("", fields=(fld(1, "recordedBy"), fld(2, "locality")))), {"occurrence.txt": data}))
    assert archive.core.spec.dialect == Dialect(delimiter=",", quote='"', line_terminator="\n", header_lines=0, encoding="UTF-8")
    assert values(archive.core.ids) == ["1", "2"]  # no header line skipped
    assert values(archive.core.column(DWC + "recordedBy")) == ["Smith, J.", "Jones"]
    assert values(archive.core.column(DWC + "locality")) == ["Zürich", "Bern"]


# -- <id>, <coreid>, <field> --------------------------------------------------------------


def test_id_and_coreid_columns(tmp_path):
    meta_xml = meta(
        core(fields=(fld(0, "occurrenceID"), fld(1, "scientificName")), id_index=0),
        extension(MULTIMEDIA, ["multimedia.txt"], [fld(1, "http://purl.org/dc/terms/identifier")], coreid_index=0),
    )
    files = {
        "occurrence.txt": b"occ-1,Bufo bufo\nocc-2,Pica pica\n",
        "multimedia.txt": b"occ-2,http://example.org/a.jpg\nocc-2,http://example.org/b.jpg\nocc-1,http://example.org/c.jpg\n",
    }
    archive = read(make_archive(tmp_path, meta_xml, files))
    assert archive.core.spec.id_index == 0
    assert values(archive.core.ids) == ["occ-1", "occ-2"]
    assert values(archive.extensions[0].ids) == ["occ-2", "occ-2", "occ-1"]
    assert "META_ID_MISSING" not in codes(archive)


def test_id_in_a_column_other_than_the_first(tmp_path):
    meta_xml = meta(core(fields=(fld(0, "scientificName"), fld(1, "occurrenceID")), id_index=1))
    archive = read(make_archive(tmp_path, meta_xml, {"occurrence.txt": b"Bufo bufo,occ-1\nPica pica,occ-2\n"}))
    assert values(archive.core.ids) == ["occ-1", "occ-2"]


def test_field_index_term_default_and_vocabulary_are_read(tmp_path):
    fields = (
        fld(1, "basisOfRecord", default="PreservedSpecimen", vocabulary=BASIS_VOCABULARY),
        fld(2, "http://purl.org/dc/terms/modified"),
    )
    archive = read(make_archive(tmp_path, meta(core(fields=fields)), {"occurrence.txt": b"1,HumanObservation,2024-01-01\n"}))
    basis = archive.core.field(DWC + "basisOfRecord")
    assert (basis.index, basis.default, basis.vocabulary) == (1, "PreservedSpecimen", BASIS_VOCABULARY)
    modified = archive.core.field("http://purl.org/dc/terms/modified")
    assert modified.index == 2
    assert archive.core.terms == [DWC + "basisOfRecord", "http://purl.org/dc/terms/modified"]
    assert values(archive.core.column("http://purl.org/dc/terms/modified")) == ["2024-01-01"]


def test_field_with_only_a_default_is_a_constant_column(tmp_path):
    fields = (fld(1, "scientificName"), fld(None, "country", default="Switzerland"))
    archive = read(make_archive(tmp_path, meta(core(fields=fields)), {"occurrence.txt": b"1,Bufo bufo\n2,Pica pica\n3,Rana\n"}))
    assert values(archive.core.column(DWC + "country")) == ["Switzerland"] * 3
    assert archive.core.verbatim(DWC + "country") is None
    assert DWC + "country" in archive.core.terms
    assert archive.core.data.shape == (3, 2)  # the default is not written into the data


def test_field_with_index_and_default_fills_only_empty_cells(tmp_path):
    fields = (fld(1, "scientificName"), fld(2, "basisOfRecord", default="PreservedSpecimen"))
    data = b"1,Bufo bufo,HumanObservation\n2,Pica pica,\n3,Rana,\n"
    archive = read(make_archive(tmp_path, meta(core(fields=fields)), {"occurrence.txt": data}))
    basis = DWC + "basisOfRecord"
    assert values(archive.core.column(basis)) == ["HumanObservation", "PreservedSpecimen", "PreservedSpecimen"]
    assert values(archive.core.verbatim(basis)) == ["HumanObservation", "", ""]


def test_field_with_index_and_default_fills_cells_a_short_row_lacks(tmp_path):
    fields = (fld(1, "scientificName"), fld(2, "basisOfRecord", default="PreservedSpecimen"))
    data = b"1,Bufo bufo,HumanObservation\n2,Pica pica,Occurrence\n3,Rana\n"
    archive = read(make_archive(tmp_path, meta(core(fields=fields)), {"occurrence.txt": data}))
    basis = DWC + "basisOfRecord"
    assert values(archive.core.verbatim(basis)) == ["HumanObservation", "Occurrence", None]
    assert values(archive.core.column(basis)) == ["HumanObservation", "Occurrence", "PreservedSpecimen"]


# -- several <location>s, several extensions, unknown rowType -------------------------------


def test_several_locations_are_concatenated_in_order_each_header_skipped(tmp_path):
    meta_xml = meta(core('ignoreHeaderLines="1"', files=("part1.txt", "part2.txt", "part3.txt")))
    files = {
        "part1.txt": b"id,scientificName\n1,Bufo bufo\n2,Pica pica\n",
        "part2.txt": b"id,scientificName\n3,Rana\n",
        "part3.txt": b"id,scientificName\n4,Lynx lynx\n5,Vulpes vulpes\n",
    }
    archive = read(make_archive(tmp_path, meta_xml, files))
    assert values(archive.core.ids) == ["1", "2", "3", "4", "5"]
    assert values(archive.core.column(NAME)) == ["Bufo bufo", "Pica pica", "Rana", "Lynx lynx", "Vulpes vulpes"]
    assert archive.core.row_files == [("part1.txt", 0), ("part2.txt", 2), ("part3.txt", 3)]


def test_ragged_row_in_a_later_location_reports_its_own_file_and_line(tmp_path):
    meta_xml = meta(core('ignoreHeaderLines="1"', files=("part1.txt", "part2.txt")))
    files = {"part1.txt": b"id,scientificName\n1,Bufo bufo\n2,Pica pica\n", "part2.txt": b"id,scientificName\n3,Rana\n4\n"}
    archive = read(make_archive(tmp_path, meta_xml, files))
    assert values(archive.core.ids) == ["1", "2", "3", "4"]
    [ragged] = archive.core.ragged
    assert (ragged.file, ragged.line, ragged.row, ragged.fields, ragged.expected) == ("part2.txt", 3, 3, 1, 2)


def test_two_extensions_are_both_loaded(tmp_path):
    meta_xml = meta(
        core(),
        extension(MULTIMEDIA, ["multimedia.txt"], [fld(1, "http://purl.org/dc/terms/identifier")]),
        extension(MEASUREMENT, ["measurementorfact.txt"], [fld(1, "measurementType"), fld(2, "measurementValue")]),
    )
    files = {
        "occurrence.txt": b"1,Bufo bufo\n2,Pica pica\n",
        "multimedia.txt": b"1,http://example.org/a.jpg\n",
        "measurementorfact.txt": b"1,length,12\n2,length,30\n2,mass,200\n",
    }
    archive = read(make_archive(tmp_path, meta_xml, files))
    assert [t.row_type for t in archive.extensions] == [MULTIMEDIA, MEASUREMENT]
    assert [t.records for t in archive.extensions] == [1, 3]
    assert values(archive.extensions[1].column(DWC + "measurementValue")) == ["12", "30", "200"]


def test_unknown_row_type_is_still_loaded(tmp_path):
    thing = "http://example.org/terms/Thing"
    meta_xml = meta(core(), extension(thing, ["thing.txt"], [fld(1, "http://example.org/terms/colour")]))
    files = {"occurrence.txt": b"1,Bufo bufo\n", "thing.txt": b"1,green\n1,brown\n"}
    archive = read(make_archive(tmp_path, meta_xml, files))
    [table] = archive.extensions
    assert table.row_type == thing
    assert table.records == 2
    assert values(table.column("http://example.org/terms/colour")) == ["green", "brown"]


def test_unknown_core_row_type_is_still_loaded(tmp_path):
    meta_xml = meta(core(row_type="http://example.org/terms/Specimen"))
    archive = read(make_archive(tmp_path, meta_xml, {"occurrence.txt": b"1,Bufo bufo\n"}))
    assert archive.core.row_type == "http://example.org/terms/Specimen"
    assert values(archive.core.column(NAME)) == ["Bufo bufo"]


# -- plain CSV / TSV without meta.xml ------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["decimalLatitude", "dwc:decimalLatitude", "DecimalLatitude", "http://rs.tdwg.org/dwc/terms/decimalLatitude"],
)
@pytest.mark.parametrize("delimiter, suffix", [(",", ".csv"), ("\t", ".tsv")], ids=["csv", "tsv"])
def test_plain_table_header_is_mapped_to_the_term(tmp_path, header, delimiter, suffix):
    data = delimiter.join(["occurrenceID", header, "scientificName"]) + "\n"
    data += delimiter.join(["o1", "46.95", "Bufo bufo"]) + "\n" + delimiter.join(["o2", "-12.5", "Pica pica"]) + "\n"
    archive = read(write_table(tmp_path, "occurrences" + suffix, data.encode()))
    assert archive.kind == "table"
    assert DWC + "decimalLatitude" in archive.core.terms
    assert values(archive.core.column(DWC + "decimalLatitude")) == ["46.95", "-12.5"]
    assert values(archive.core.ids) == ["o1", "o2"]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"], ids=["comma", "tab", "semicolon"])
def test_plain_table_delimiter_is_sniffed(tmp_path, delimiter):
    lines = [["occurrenceID", "scientificName", "locality"], ["o1", "Bufo bufo", "Bern, BE"], ["o2", "Pica pica", "Basel"]]
    if delimiter == ",":
        lines[1][2] = '"Bern, BE"'
    data = "".join(delimiter.join(line) + "\n" for line in lines)
    archive = read(write_table(tmp_path, "occurrences.txt", data.encode()))
    assert archive.core.delimiter == delimiter
    assert values(archive.core.column(DWC + "locality")) == ["Bern, BE", "Basel"]
    assert values(archive.core.column(NAME)) == ["Bufo bufo", "Pica pica"]


def test_plain_table_in_utf8_with_bom_maps_its_first_header(tmp_path):
    data = codecs.BOM_UTF8 + b"occurrenceID,scientificName\no1,Bufo bufo\n"
    archive = read(write_table(tmp_path, "occurrences.csv", data))
    assert archive.core.terms == [ID, NAME]
    assert values(archive.core.ids) == ["o1"]


# -- ragged rows and blank lines ------------------------------------------------------------


def test_ragged_rows_are_kept_and_reported_by_line(tmp_path):
    data = b"id,scientificName,locality\n1,Bufo bufo,Bern\n2,Pica pica\n3,Rana,Chur,extra\n4,Lynx lynx,Sion\n"
    meta_xml = meta(core('ignoreHeaderLines="1"', fields=ROW_FIELDS))
    archive = read(make_archive(tmp_path, meta_xml, {"occurrence.txt": data}))
    assert values(archive.core.ids) == ["1", "2", "3", "4"]  # nothing dropped
    assert values(archive.core.column(DWC + "locality")) == ["Bern", None, "Chur", "Sion"]
    assert values(archive.core.data[3]) == [None, None, "extra", None]
    assert [(r.line, r.row, r.fields, r.expected) for r in archive.core.ragged] == [(3, 1, 2, 3), (4, 2, 4, 3)]
    ragged = problem(archive, "RAGGED_ROWS")
    assert (ragged.file, ragged.line, ragged.count) == ("occurrence.txt", 3, 2)


def test_ragged_row_after_a_quoted_newline_has_its_physical_line(tmp_path):
    data = b'id,scientificName,locality\n1,"Bufo\nbufo","Bern\nBE"\n2,Pica pica\n3,Rana,Chur\n'
    meta_xml = meta(core('ignoreHeaderLines="1"', fields=ROW_FIELDS))
    archive = read(make_archive(tmp_path, meta_xml, {"occurrence.txt": data}))
    assert values(archive.core.ids) == ["1", "2", "3"]
    assert values(archive.core.column(NAME)) == ["Bufo\nbufo", "Pica pica", "Rana"]
    [ragged] = archive.core.ragged
    assert (ragged.line, ragged.row) == (5, 1)  # lines 2-4 hold record 1
    assert problem(archive, "RAGGED_ROWS").line == 5


def test_ragged_rows_in_a_plain_csv_are_kept_and_reported(tmp_path):
    data = b"occurrenceID,scientificName,locality\no1,Bufo bufo,Bern\no2,Pica pica\no3,Rana,Chur\n"
    archive = read(write_table(tmp_path, "occurrences.csv", data))
    assert values(archive.core.ids) == ["o1", "o2", "o3"]
    [ragged] = archive.core.ragged
    assert (ragged.file, ragged.line, ragged.fields, ragged.expected) == ("occurrences.csv", 3, 2, 3)
    assert problem(archive, "RAGGED_ROWS").line == 3


def test_blank_lines_are_skipped_and_reported(tmp_path):
    data = b"id,scientificName\n1,Bufo bufo\n\n2,Pica pica\n\n3,Rana\n"
    archive = read(make_archive(tmp_path, meta(core('ignoreHeaderLines="1"')), {"occurrence.txt": data}))
    assert values(archive.core.ids) == ["1", "2", "3"]
    blank = problem(archive, "BLANK_LINES")
    assert (blank.file, blank.line, blank.count) == ("occurrence.txt", 3, 2)
    assert not archive.core.ragged


def test_blank_lines_in_a_crlf_file_are_skipped_and_reported(tmp_path):
    data = b"1,Bufo bufo\r\n\r\n2,Pica pica\r\n"
    archive = read(make_archive(tmp_path, meta(core('linesTerminatedBy="\\r\\n"')), {"occurrence.txt": data}))
    assert values(archive.core.ids) == ["1", "2"]
    assert problem(archive, "BLANK_LINES").line == 2


def test_line_ends_closing_the_file_are_no_records_and_no_blank_lines(tmp_path):
    data = b"id,scientificName\n1,Bufo bufo\n2,Pica pica\n\n\n"
    archive = read(make_archive(tmp_path, meta(core('ignoreHeaderLines="1"')), {"occurrence.txt": data}))
    assert values(archive.core.ids) == ["1", "2"]
    assert not [p for p in archive.problems if p.code == "BLANK_LINES"]


def test_a_row_of_bare_delimiters_is_a_record_not_a_blank_line(tmp_path):
    data = b"id,scientificName\n1,Bufo bufo\n,\n2,Pica pica\n,\n"
    archive = read(make_archive(tmp_path, meta(core('ignoreHeaderLines="1"')), {"occurrence.txt": data}))
    assert values(archive.core.ids) == ["1", "", "2", ""]
    assert not [p for p in archive.problems if p.code == "BLANK_LINES"]


def test_blank_lines_in_a_utf16_file_are_reported(tmp_path):
    data = "id,scientificName\n1,Bufo bufo\n\n2,Pica pica\n".encode("utf-16")
    meta_xml = meta(core('ignoreHeaderLines="1" encoding="UTF-16"'))
    archive = read(make_archive(tmp_path, meta_xml, {"occurrence.txt": data}))
    assert values(archive.core.ids) == ["1", "2"]
    assert problem(archive, "BLANK_LINES").line == 3


def test_columns_without_any_text_read_as_empty_values_that_change_independently(tmp_path):
    data = b"id\tscientificName\tlocality\n1\t\t\n2\t\t\n3\t\t\n"
    meta_xml = meta(core('ignoreHeaderLines="1" fieldsTerminatedBy="\\t"', fields=ROW_FIELDS))
    archive = read(make_archive(tmp_path, meta_xml, {"occurrence.txt": data}))
    names, localities = archive.core.column(NAME), archive.core.column(DWC + "locality")
    assert values(names) == values(localities) == ["", "", ""]
    # Both empty columns may share storage: changing one must leave the other as it is.
    names.iloc[1] = "Bufo bufo"
    archive.core.data[2] = archive.core.data[2].mask([True, False, False], "Bern")
    assert values(names) == ["", "Bufo bufo", ""]
    assert values(archive.core.data[1]) == ["", "", ""]
    assert values(archive.core.data[2]) == ["Bern", "", ""]


def test_ragged_row_after_a_blank_line_has_its_physical_line(tmp_path):
    data = b"1,Bufo bufo\n\n2\n3,Rana\n"
    archive = read(make_archive(tmp_path, meta(core()), {"occurrence.txt": data}))
    assert values(archive.core.ids) == ["1", "2", "3"]
    [ragged] = archive.core.ragged
    assert ragged.line == 3


# -- containers -----------------------------------------------------------------------------

CONTAINER_META = meta(
    core('ignoreHeaderLines="1"', fields=ROW_FIELDS),
    extension(MULTIMEDIA, ["multimedia.txt"], [fld(1, "http://purl.org/dc/terms/identifier")], attrs='ignoreHeaderLines="1"'),
)
CONTAINER_FILES = {
    "occurrence.txt": "id,scientificName,locality\n1,Bufo bufo,Zürich\n2,Pica pica,Bern\n".encode(),
    "multimedia.txt": b"coreid,identifier\n1,http://example.org/a.jpg\n",
}


def _records(archive) -> dict:
    return {t.row_type: t.data.values.tolist() for t in archive.tables}


@pytest.mark.parametrize("pack", ["zip", "tar", "tar.gz", "tgz", "tar.bz2", "tar.xz", "folder"])
def test_every_container_gives_the_same_records(tmp_path, pack):
    archive = read(make_archive(tmp_path, CONTAINER_META, CONTAINER_FILES, pack=pack))
    assert _records(archive) == {
        OCCURRENCE: [["1", "Bufo bufo", "Zürich"], ["2", "Pica pica", "Bern"]],
        MULTIMEDIA: [["1", "http://example.org/a.jpg"]],
    }
    assert archive.eml_title == "Test set"


@pytest.mark.parametrize("pack", ["zip", "tar.gz", "folder"])
def test_content_wrapped_in_one_subfolder_is_found(tmp_path, pack):
    files = {f"dwca-export/{name}": data for name, data in {"meta.xml": CONTAINER_META, "eml.xml": EML, **CONTAINER_FILES}.items()}
    archive = read(make_archive(tmp_path, None, files, pack=pack))
    assert _records(archive)[OCCURRENCE] == [["1", "Bufo bufo", "Zürich"], ["2", "Pica pica", "Bern"]]
    assert archive.eml_title == "Test set"
    assert "ARCHIVE_WRAPPED" in codes(archive)


@pytest.mark.parametrize("pack", ["zip", "tar.gz", "folder"])
def test_macosx_and_dot_underscore_junk_is_ignored(tmp_path, pack):
    junk = {
        "__MACOSX/._meta.xml": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ",
        "__MACOSX/occurrence.txt": b"junk,junk\n",
        "._meta.xml": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ",
        "._occurrence.txt": b"\x00\x05\x16\x07\x00\x02\x00\x00",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
    }
    archive = read(make_archive(tmp_path, CONTAINER_META, {**junk, **CONTAINER_FILES}, pack=pack))
    assert _records(archive)[OCCURRENCE] == [["1", "Bufo bufo", "Zürich"], ["2", "Pica pica", "Bern"]]
    assert not [m for m in archive.members if "__MACOSX" in m or m.rsplit("/", 1)[-1].startswith("._")]


def test_zip_with_directory_entries_gives_the_same_records(tmp_path):
    path = tmp_path / "with-dirs.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("dwca/"), b"")
        archive.writestr("dwca/meta.xml", CONTAINER_META)
        for name, data in CONTAINER_FILES.items():
            archive.writestr(f"dwca/{name}", data)
    assert _records(read(path))[OCCURRENCE] == [["1", "Bufo bufo", "Zürich"], ["2", "Pica pica", "Bern"]]


def test_location_differing_in_case_from_the_member_is_found(tmp_path):
    meta_xml = meta(core(files=("Occurrence.TXT",)))
    archive = read(make_archive(tmp_path, meta_xml, {"occurrence.txt": b"1,Bufo bufo\n"}))
    assert values(archive.core.column(NAME)) == ["Bufo bufo"]
