"""Bad input: one ArchiveError naming the file (and line) in plain words, never another exception.

Also: nothing is ever written outside the reader's private folder, the input is never
modified, XML entities are never expanded, and the command line turns an ArchiveError into
one ``dwcqa: ...`` line on stderr with exit code 2. Every input is built in ``tmp_path``.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
import time
import uuid
import zipfile
from pathlib import Path

import pytest

import dwcqa.archive.container as container
from dwcqa.archive import ArchiveError, read

REPO_ROOT = Path(__file__).resolve().parents[2]
DWC = "http://rs.tdwg.org/dwc/terms/"

META = b"""<?xml version="1.0" encoding="UTF-8"?>
<archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="eml.xml">
  <core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" ignoreHeaderLines="1">
    <files><location>occurrence.txt</location></files>
    <id index="0"/>
    <field index="1" term="http://rs.tdwg.org/dwc/terms/scientificName"/>
  </core>
</archive>
"""
OCCURRENCES = b"id,scientificName\n1,Bufo bufo\n2,Pica pica\n"
EML = b'<?xml version="1.0"?><eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1"><dataset><title>Test set</title></dataset></eml:eml>'
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + bytes(range(256)) * 4


# -- helpers ---------------------------------------------------------------------------------


def write_zip(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    """A zip holding ``members`` byte for byte; names are used exactly (``../x``, ``/x``)."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


def good_zip(path: Path) -> Path:
    return write_zip(path, {"meta.xml": META, "eml.xml": EML, "occurrence.txt": OCCURRENCES})


def read_error(path) -> ArchiveError:
    """The ArchiveError reading ``path`` raises; any other exception fails the test as is."""
    with pytest.raises(ArchiveError) as caught:
        read(path)
    return caught.value


def assert_plain_message(error: ArchiveError, file: str, *words: str, line: int | None = None):
    text = str(error)
    assert file in text, f"{text!r} does not name {file}"
    if line is not None:
        assert f"line {line}" in text, f"{text!r} does not name line {line}"
    for word in words:
        assert word.lower() in text.lower(), f"{text!r} does not say {word!r}"
    assert "Traceback" not in text and "\n" not in text


def everything_in(archive) -> str:
    """The whole archive model as text: to search it for what must not be there."""
    parts = [repr(archive), repr(archive.problems), repr(archive.meta_xml), repr(archive.eml_xml), repr(archive.eml_title)]
    for table in archive.tables:
        parts += [repr(table.spec), repr(table.header), table.data.to_csv()]
        parts += [table.column(term).to_csv() for term in table.terms if table.column(term) is not None]
    return "\n".join(parts)


def fingerprint(path: Path) -> list[tuple[str, str, int]]:
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return [(str(p), hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files]


# -- broken containers ------------------------------------------------------------------------


def test_truncated_zip_is_an_archive_error(tmp_path):
    whole = good_zip(tmp_path / "whole.zip").read_bytes()
    broken = tmp_path / "broken.zip"
    broken.write_bytes(whole[: len(whole) // 2])
    assert_plain_message(read_error(broken), "broken.zip", "zip")


def test_zip_with_corrupted_member_data_is_an_archive_error(tmp_path):
    big = b"".join(b"%d,Species number %d\n" % (i, i * 7919 % 1000) for i in range(2000))
    data = bytearray(write_zip(tmp_path / "ok.zip", {"meta.xml": META, "occurrence.txt": b"id,scientificName\n" + big}).read_bytes())
    start = data.index(b"occurrence.txt") + len(b"occurrence.txt") + 100
    data[start : start + 200] = bytes(200)  # zero a stretch of the deflated stream
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(bytes(data))
    assert_plain_message(read_error(corrupt), "corrupt.zip")


def test_truncated_tar_gz_is_an_archive_error(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in {"meta.xml": META, "occurrence.txt": OCCURRENCES * 200}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    whole = buffer.getvalue()
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(whole[: len(whole) // 2])
    assert_plain_message(read_error(broken), "broken.tar.gz")


@pytest.mark.parametrize("name", ["empty.zip", "empty.csv", "empty.txt", "empty.tar.gz"])
def test_empty_file_is_an_archive_error(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    assert_plain_message(read_error(path), name, "empty")


def test_missing_path_is_an_archive_error(tmp_path):
    assert_plain_message(read_error(tmp_path / "nowhere.zip"), "nowhere.zip", "no such file")


# -- unsafe member names and zip bombs --------------------------------------------------------


def test_zip_member_escaping_with_dot_dot_is_refused_and_nothing_is_written_outside(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    evil = write_zip(work / "evil.zip", {"meta.xml": META, "occurrence.txt": OCCURRENCES, "../evil.txt": b"pwned", "../../evil.txt": b"pwned"})
    error = read_error(evil)
    assert_plain_message(error, "evil.zip", "../evil.txt", "outside")
    for folder in (work, tmp_path, tmp_path.parent, Path.cwd(), Path.cwd().parent):
        assert not (folder / "evil.txt").exists(), f"evil.txt was written into {folder}"


def test_zip_member_with_absolute_path_is_read_as_relative_or_refused_never_written_there(tmp_path):
    unique = f"dwcqa-test-{uuid.uuid4().hex}.txt"
    meta = META.replace(b"occurrence.txt", unique.encode())
    path = write_zip(tmp_path / "absolute.zip", {"/meta.xml": meta, f"/{unique}": OCCURRENCES, "/eml.xml": EML})
    root_meta_existed = Path("/meta.xml").exists()
    try:
        archive = read(path)
    except ArchiveError as error:
        assert_plain_message(error, "absolute.zip")
    else:
        assert archive.core.data.values.tolist() == [["1", "Bufo bufo"], ["2", "Pica pica"]]
    assert not (Path("/") / unique).exists(), "an absolute member name was written where it points"
    assert Path("/meta.xml").exists() == root_meta_existed


def test_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    monkeypatch.setattr(container, "RATIO_APPLIES_ABOVE", 1 << 20)
    zeros = bytes(5 << 20)
    bomb = write_zip(tmp_path / "bomb.zip", {"meta.xml": META, "occurrence.txt": zeros})
    started = time.monotonic()
    error = read_error(bomb)
    assert time.monotonic() - started < 5
    assert_plain_message(error, "bomb.zip", "occurrence.txt", "bomb")


def test_gzip_bomb_is_refused(tmp_path, monkeypatch):
    import gzip

    monkeypatch.setattr(container, "RATIO_APPLIES_ABOVE", 1 << 20)
    bomb = tmp_path / "occurrences.csv.gz"
    bomb.write_bytes(gzip.compress(b"x" * (5 << 20)))  # not zeros: 512 zero bytes also read as an empty tar
    assert_plain_message(read_error(bomb), "occurrences.csv.gz", "bomb")


# -- meta.xml that is not well-formed or declares entities -------------------------------------


def test_malformed_meta_xml_names_file_and_line(tmp_path):
    broken = META.replace(b'<id index="0"/>', b'<id index="0">')  # <id> on line 5 never closed
    error = read_error(write_zip(tmp_path / "badmeta.zip", {"meta.xml": broken, "occurrence.txt": OCCURRENCES}))
    assert_plain_message(error, "meta.xml", "not well-formed")
    assert error.file == "meta.xml"
    assert error.line is not None and 5 <= error.line <= 8
    assert f"line {error.line}" in str(error)


def test_meta_xml_that_is_not_xml_at_all_names_file_and_line(tmp_path):
    error = read_error(write_zip(tmp_path / "textmeta.zip", {"meta.xml": b"id,scientificName\n", "occurrence.txt": OCCURRENCES}))
    assert_plain_message(error, "meta.xml", line=1)


def test_empty_meta_xml_is_an_archive_error(tmp_path):
    error = read_error(write_zip(tmp_path / "emptymeta.zip", {"meta.xml": b"", "occurrence.txt": OCCURRENCES}))
    assert_plain_message(error, "meta.xml", "empty")


def test_meta_xml_without_core_is_an_archive_error(tmp_path):
    meta = b'<archive xmlns="http://rs.tdwg.org/dwc/text/"></archive>'
    error = read_error(write_zip(tmp_path / "nocore.zip", {"meta.xml": meta, "occurrence.txt": OCCURRENCES}))
    assert_plain_message(error, "meta.xml", "core")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE archive [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<archive xmlns="http://rs.tdwg.org/dwc/text/">
  <core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" ignoreHeaderLines="1">
    <files><location>occurrence.txt</location></files>
    <id index="0"/>
    <field index="1" term="http://rs.tdwg.org/dwc/terms/scientificName" default="&lol9;"/>
  </core>
</archive>
"""


def test_billion_laughs_in_meta_xml_is_not_expanded(tmp_path):
    path = write_zip(tmp_path / "laughs.zip", {"meta.xml": BILLION_LAUGHS, "occurrence.txt": OCCURRENCES})
    started = time.monotonic()
    try:
        archive = read(path)
    except ArchiveError as error:
        assert_plain_message(error, "meta.xml")
    else:
        assert "lollollol" not in everything_in(archive)
    assert time.monotonic() - started < 2


def test_billion_laughs_in_eml_xml_is_not_expanded(tmp_path):
    eml = BILLION_LAUGHS.split(b"<archive")[0].replace(b"DOCTYPE archive", b"DOCTYPE eml") + (
        b'<eml xmlns="eml://ecoinformatics.org/eml-2.1.1"><dataset><title>&lol9;</title></dataset></eml>'
    )
    path = write_zip(tmp_path / "laughs-eml.zip", {"meta.xml": META, "eml.xml": eml, "occurrence.txt": OCCURRENCES})
    started = time.monotonic()
    archive = read(path)
    assert "lollollol" not in (archive.eml_title or "")
    assert time.monotonic() - started < 2


def _xxe(secret: Path, root: str, body: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n  <!ENTITY xxe SYSTEM "{secret.as_uri()}">\n]>\n{body}\n'
    ).encode()


def test_xxe_in_meta_xml_does_not_read_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a9c")
    meta = _xxe(
        secret,
        "archive",
        """<archive xmlns="http://rs.tdwg.org/dwc/text/">
  <core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" ignoreHeaderLines="1">
    <files><location>occurrence.txt</location></files>
    <id index="0"/>
    <field index="1" term="http://rs.tdwg.org/dwc/terms/scientificName"/>
    <field term="http://rs.tdwg.org/dwc/terms/locality" default="&xxe;"/>
  </core>
</archive>""",
    )
    path = write_zip(tmp_path / "xxe.zip", {"meta.xml": meta, "occurrence.txt": OCCURRENCES})
    try:
        archive = read(path)
    except ArchiveError as error:
        assert_plain_message(error, "meta.xml")
        assert "TOP-SECRET" not in str(error)
    else:
        assert "TOP-SECRET" not in everything_in(archive)


XXE_META_BODY_IN_TEXT = """<archive xmlns="http://rs.tdwg.org/dwc/text/">
  <core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" ignoreHeaderLines="1">
    <files><location>occurrence.txt</location><location>&xxe;</location></files>
    <id index="0"/>
    <field index="1" term="http://rs.tdwg.org/dwc/terms/scientificName"/>
  </core>
</archive>"""


def test_xxe_in_meta_xml_element_text_does_not_read_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a9c")
    meta = _xxe(secret, "archive", XXE_META_BODY_IN_TEXT)
    path = write_zip(tmp_path / "xxe-text.zip", {"meta.xml": meta, "occurrence.txt": OCCURRENCES})
    try:
        archive = read(path)
    except ArchiveError as error:
        assert_plain_message(error, "meta.xml")
        assert "TOP-SECRET" not in str(error)
    else:
        assert "TOP-SECRET" not in everything_in(archive)


def test_meta_xml_with_a_harmless_internal_entity_raises_archive_error_or_loads(tmp_path):
    meta = META.replace(b"<archive", b'<!DOCTYPE archive [\n  <!ENTITY loc "occurrence.txt">\n]>\n<archive', 1)
    meta = meta.replace(b"<location>occurrence.txt</location>", b"<location>&loc;</location>")
    path = write_zip(tmp_path / "entity.zip", {"meta.xml": meta, "eml.xml": EML, "occurrence.txt": OCCURRENCES})
    try:
        archive = read(path)
    except ArchiveError as error:
        assert_plain_message(error, "meta.xml", "entit")
    else:
        assert archive.core.records == 2


def test_xxe_in_eml_xml_does_not_read_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a9c")
    eml = _xxe(secret, "eml", '<eml xmlns="eml://ecoinformatics.org/eml-2.1.1"><dataset><title>&xxe;</title></dataset></eml>')
    archive = read(write_zip(tmp_path / "xxe-eml.zip", {"meta.xml": META, "eml.xml": eml, "occurrence.txt": OCCURRENCES}))
    assert "TOP-SECRET" not in everything_in(archive)


# -- things that are not tables ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["photo.png", "photo.csv", "photo"])
def test_binary_file_is_an_archive_error(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(PNG)
    assert_plain_message(read_error(path), name, "binary")


def test_binary_file_inside_a_zip_without_meta_xml_is_an_archive_error(tmp_path):
    path = write_zip(tmp_path / "images.zip", {"occurrence.txt": PNG})
    assert_plain_message(read_error(path), "occurrence.txt", "binary")


def test_xlsx_like_zip_without_meta_xml_or_table_is_an_archive_error(tmp_path):
    members = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
        "xl/worksheets/sheet1.xml": b'<?xml version="1.0"?><worksheet><sheetData/></worksheet>',
    }
    error = read_error(write_zip(tmp_path / "occurrences.xlsx", members))
    assert_plain_message(error, "occurrences.xlsx", "no meta.xml")


def test_folder_without_any_data_file_is_an_archive_error(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "README.md").write_text("nothing here")
    (folder / "logo.png").write_bytes(PNG)
    assert_plain_message(read_error(folder), "notes", "no meta.xml")


def test_empty_folder_is_an_archive_error(tmp_path):
    folder = tmp_path / "empty-folder"
    folder.mkdir()
    assert_plain_message(read_error(folder), "empty-folder")


def test_meta_xml_naming_a_missing_core_file_is_reported_not_crashed(tmp_path):
    path = write_zip(tmp_path / "missing.zip", {"meta.xml": META, "eml.xml": EML, "other.txt": OCCURRENCES})
    try:
        archive = read(path)
    except ArchiveError as error:
        assert_plain_message(error, "occurrence.txt")
    else:
        assert archive.core.records == 0
        assert any(p.code == "DATA_FILE_MISSING" and p.file == "occurrence.txt" for p in archive.problems)


# -- wrong encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "occurrenceID,scientificName,locality\no1,Épervier,€ 5\no2,Pica pica,Bern\n",
        "occurrenceID,scientificName,locality\no1,Bufo bufo,Bern\no2,Pica pica,Zürich\n",
        "occurrenceID,scientificName,locality\no1,Bufo bufo,Genève\no2,Pica pica,Köln\n",
    ],
    ids=["e-acute-and-euro", "one-u-umlaut", "e-grave-and-o-umlaut"],
)
def test_plain_csv_in_windows_1252_loads_with_right_values(tmp_path, text):
    path = tmp_path / "occurrences.csv"
    path.write_bytes(text.encode("cp1252"))
    archive = read(path)
    expected = [line.split(",") for line in text.splitlines()[1:]]
    assert archive.core.data.values.tolist() == expected


def test_meta_xml_declaring_utf16_for_a_utf8_file_does_not_give_garbage(tmp_path):
    meta = META.replace(b'ignoreHeaderLines="1"', b'ignoreHeaderLines="1" encoding="UTF-16"')
    path = write_zip(tmp_path / "utf16.zip", {"meta.xml": meta, "occurrence.txt": "id,scientificName\n1,Épervier\n2,Pica pica\n".encode()})
    try:
        archive = read(path)
    except ArchiveError as error:
        assert_plain_message(error, "occurrence.txt")
    else:
        assert archive.core.data.values.tolist() == [["1", "Épervier"], ["2", "Pica pica"]]
        assert any(p.code.startswith("ENCODING") and p.file == "occurrence.txt" for p in archive.problems)


def test_unknown_encoding_name_is_reported_and_utf8_assumed(tmp_path):
    meta = META.replace(b'ignoreHeaderLines="1"', b'ignoreHeaderLines="1" encoding="klingon-8"')
    archive = read(write_zip(tmp_path / "klingon.zip", {"meta.xml": meta, "occurrence.txt": "id,scientificName\n1,Épervier\n".encode()}))
    assert archive.core.data.values.tolist() == [["1", "Épervier"]]
    assert any(p.code == "ENCODING_UNKNOWN" for p in archive.problems)


# -- empty tables -------------------------------------------------------------------------------


def test_header_only_table_in_an_archive_loads_with_zero_records(tmp_path):
    archive = read(write_zip(tmp_path / "header-only.zip", {"meta.xml": META, "eml.xml": EML, "occurrence.txt": b"id,scientificName\n"}))
    assert archive.core.records == 0
    assert archive.core.column(DWC + "scientificName").tolist() == []


def test_header_only_plain_csv_loads_with_zero_records(tmp_path):
    path = tmp_path / "occurrences.csv"
    path.write_bytes(b"occurrenceID,scientificName\n")
    archive = read(path)
    assert archive.core.records == 0
    assert archive.core.terms == [DWC + "occurrenceID", DWC + "scientificName"]


def test_empty_data_file_in_an_archive_loads_with_zero_records(tmp_path):
    archive = read(write_zip(tmp_path / "no-data.zip", {"meta.xml": META, "eml.xml": EML, "occurrence.txt": b""}))
    assert archive.core.records == 0


# -- the input is never modified ----------------------------------------------------------------


def test_reading_a_zip_leaves_it_unchanged(tmp_path):
    path = good_zip(tmp_path / "dwca.zip")
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = fingerprint(path)
    read(path)
    assert fingerprint(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dwca.zip"]


def test_reading_a_folder_leaves_it_unchanged(tmp_path):
    folder = tmp_path / "dwca"
    folder.mkdir()
    for name, data in {"meta.xml": META, "eml.xml": EML, "occurrence.txt": OCCURRENCES}.items():
        (folder / name).write_bytes(data)
        os.utime(folder / name, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = fingerprint(folder)
    listing = sorted(p.name for p in folder.iterdir())
    read(folder)
    assert fingerprint(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == listing


def test_reading_a_plain_csv_leaves_it_unchanged(tmp_path):
    path = tmp_path / "occurrences.csv"
    path.write_bytes("occurrenceID,scientificName\no1,Épervier\n".encode("cp1252"))
    before = fingerprint(path)
    read(path)
    assert fingerprint(path) == before


# -- the command line ---------------------------------------------------------------------------


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    whole = good_zip(tmp_path / "whole.zip").read_bytes()
    (tmp_path / "broken.zip").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "photo.png").write_bytes(PNG)
    write_zip(tmp_path / "badmeta.zip", {"meta.xml": META.replace(b'<id index="0"/>', b'<id index="0">'), "occurrence.txt": OCCURRENCES})
    write_zip(tmp_path / "evil.zip", {"meta.xml": META, "../evil.txt": b"pwned"})
    (tmp_path / "secret.txt").write_text("TOP-SECRET-7f3a9c")
    write_zip(tmp_path / "xxe.zip", {"meta.xml": _xxe(tmp_path / "secret.txt", "archive", XXE_META_BODY_IN_TEXT), "occurrence.txt": OCCURRENCES})
    return {
        "broken-zip": tmp_path / "broken.zip",
        "empty-file": tmp_path / "empty.csv",
        "png": tmp_path / "photo.png",
        "malformed-meta": tmp_path / "badmeta.zip",
        "dot-dot-member": tmp_path / "evil.zip",
        "missing": tmp_path / "nowhere.zip",
        "xxe-meta": tmp_path / "xxe.zip",
    }


# What the one stderr line must name: the input, or the member of it that is broken.
CLI_NAMES = {"malformed-meta": "meta.xml", "xxe-meta": "meta.xml"}


@pytest.mark.parametrize("case", ["broken-zip", "empty-file", "png", "malformed-meta", "dot-dot-member", "missing", "xxe-meta"])
def test_cli_info_on_bad_input_exits_2_with_one_line(tmp_path, case):
    path = _bad_inputs(tmp_path)[case]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "dwcqa", "info", str(path)], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("dwcqa: ")
    assert CLI_NAMES.get(case, path.name) in lines[0]
    assert "TOP-SECRET" not in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
