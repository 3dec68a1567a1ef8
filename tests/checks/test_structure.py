"""Structure checks (dwcqa/checks/structure.py).

Three kinds of tests, one behaviour each:
- GBIF's own validator test archives (../shared/corpus: gbif-pipelines validator-core and the
  older gbif-data-validator) give the findings their names promise;
- every archive and table of the corpus runs through the structure checks without a check
  failing, and our code-based meta.xml verdict agrees with the text guide's XML schema;
- a tiny synthetic archive per check, written in tmp_path.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from lxml import etree

from corpus import CORPUS, archives, corpus_id, corpus_or_skip, materialize, tables
from dwcqa.archive import ArchiveError, read
from dwcqa.checks import structure
from dwcqa.checks.registry import ArchiveFinding, all_checks, get
from dwcqa.checks.runner import CHECK_FAILED, Results, run
from dwcqa.checks.structure import meta_xml_violations
from dwcqa.summary import indexable

DWC = "http://rs.tdwg.org/dwc/terms/"
OCCURRENCE_ID = DWC + "occurrenceID"
STRUCTURE = [c for c in all_checks() if c.function.__module__ == structure.__name__]
VALIDATOR_CORE = "gbif-pipelines/gbif/validator/validator-core/src/test/resources/dwca"
DATA_VALIDATOR = "gbif-data-validator/validator-processor/src/test/resources"


def structure_run(archive) -> Results:
    return run(archive, STRUCTURE)


def corpus_results(rel: str, tmp_path: Path) -> Results:
    corpus_or_skip()
    return structure_run(read(materialize(CORPUS / rel, tmp_path)))


def fired(results: Results, severity: str | None = None) -> set[str]:
    return {c.id for c in results.checks if results.count(c.id) and (severity is None or c.severity == severity)}


def marked_values(results: Results, check_id: str, term: str) -> list[str]:
    column = results.archive.core.column(term)
    return column[results.masks[check_id]].tolist()


# -- GBIF validator-core archives (gbif-pipelines) ------------------------------------------


def test_dupe_ids_archive_marks_every_record_sharing_an_occurrence_id(tmp_path):
    # GBIF's DwcaValidatorTest: 100 records, 90 unique occurrenceIDs. The core <id> column is
    # unique; it is the occurrenceID (column 9) that one value, "9", repeats in 11 records.
    results = corpus_results(f"{VALIDATOR_CORE}/dwca-one-hundred-good-triplets-dupe-ids.zip", tmp_path)
    assert results.count("OCCURRENCE_NOT_UNIQUELY_IDENTIFIED") == 11
    assert set(marked_values(results, "OCCURRENCE_NOT_UNIQUELY_IDENTIFIED", OCCURRENCE_ID)) == {"9"}
    assert results.archive.core.column(OCCURRENCE_ID).nunique() == 90


def test_dupe_ids_archive_core_ids_are_unique(tmp_path):
    results = corpus_results(f"{VALIDATOR_CORE}/dwca-one-hundred-good-triplets-dupe-ids.zip", tmp_path)
    assert results.count("RECORD_NOT_UNIQUELY_IDENTIFIED") == 0
    assert results.count("RECORD_IDENTIFIER_NOT_FOUND") == 0


def test_dupe_ids_archive_is_not_indexable(tmp_path):
    results = corpus_results(f"{VALIDATOR_CORE}/dwca-one-hundred-good-triplets-dupe-ids.zip", tmp_path)
    assert indexable(results) == (False, ["OCCURRENCE_NOT_UNIQUELY_IDENTIFIED"])


def test_dupe_and_missing_ids_archive_marks_the_duplicates_only(tmp_path):
    # GBIF: 80 unique occurrenceIDs, 10 records missing one. The 11 records sharing "9" are
    # marked; the 10 empty occurrenceIDs are not duplicates. For the identifiers module: the
    # empty occurrenceIDs are in 10 records (GBIF's recordsMissingOccurrenceId = 10).
    results = corpus_results(f"{VALIDATOR_CORE}/dwca-one-hundred-good-triplets-dupe-and-missing-ids.zip", tmp_path)
    occurrence_ids = results.archive.core.column(OCCURRENCE_ID)
    empty = (occurrence_ids.fillna("") == "").to_numpy()
    assert results.count("OCCURRENCE_NOT_UNIQUELY_IDENTIFIED") == 11
    assert int(empty.sum()) == 10
    assert not (results.masks["OCCURRENCE_NOT_UNIQUELY_IDENTIFIED"] & empty).any()


def test_dupe_and_missing_ids_archive_is_not_indexable(tmp_path):
    results = corpus_results(f"{VALIDATOR_CORE}/dwca-one-hundred-good-triplets-dupe-and-missing-ids.zip", tmp_path)
    assert indexable(results) == (False, ["OCCURRENCE_NOT_UNIQUELY_IDENTIFIED"])


def test_good_ids_archive_has_no_structure_error(tmp_path):
    results = corpus_results(f"{VALIDATOR_CORE}/dwca-one-hundred-good-triplets-good-ids.zip", tmp_path)
    assert fired(results, "error") == set()


def test_good_ids_archive_is_indexable_as_far_as_structure_goes(tmp_path):
    # Its eml.xml names no licence, so with the metadata checks GBIF would still refuse it
    # (LICENSE_MISSING_OR_UNKNOWN); the structure alone is fine.
    results = corpus_results(f"{VALIDATOR_CORE}/dwca-one-hundred-good-triplets-good-ids.zip", tmp_path)
    assert indexable(results) == (True, [])


def test_empty_archive_gives_the_empty_archive_finding(tmp_path):
    results = corpus_results(f"{VALIDATOR_CORE}/dwca-empty.zip", tmp_path)
    assert results.records == 0
    assert [(f.file, f.count) for f in results.findings_of("EMPTY_ARCHIVE")] == [("occurrence.txt", 1)]


# The triplet archives: 100 Occurrence records mapping institutionCode, collectionCode and
# catalogNumber but no occurrenceID. What they hold, for the identifiers module's triplet checks:
# - 20-percent-invalid-triplet: catalogNumber empty in rows 80-99 (20 records, lines 82-101),
#   the other 80 triplets complete and unique (GBIF: 80 unique, 20 invalid, still valid <= 25%);
# - 50-percent-invalid-with-dupes-triplet: catalogNumber empty in rows 0-4, 10-14, ... 90-94
#   (50 records); the 50 complete triplets hold only 5 values (TIM:5..TIM:9), 10 records each,
#   so 45 are duplicates (GBIF: 5 unique, 50 invalid -> invalid archive);
# - dupe-triplet: all 100 triplets complete but only 10 values, 10 records each.
# Structurally they are alike: no occurrenceID column, a trailing blank line, nothing else.
TRIPLET_ARCHIVES = [
    "dwca-one-hundred-20-percent-invalid-triplet.zip",
    "dwca-one-hundred-50-percent-invalid-with-dupes-triplet.zip",
    "dwca-one-hundred-dupe-triplet.zip",
    "dwca-one-thousand-good-triplets-no-id.zip",
]


@pytest.mark.parametrize("name", TRIPLET_ARCHIVES)
def test_triplet_archive_lacks_only_the_occurrence_id_column(name, tmp_path):
    results = corpus_results(f"{VALIDATOR_CORE}/{name}", tmp_path)
    assert fired(results, "error") == {"REQUIRED_TERM_MISSING"}
    assert [f.term for f in results.findings_of("REQUIRED_TERM_MISSING")] == [OCCURRENCE_ID]


@pytest.mark.parametrize("name", TRIPLET_ARCHIVES)
def test_triplet_archive_core_ids_are_present_and_unique(name, tmp_path):
    results = corpus_results(f"{VALIDATOR_CORE}/{name}", tmp_path)
    assert results.count("RECORD_IDENTIFIER_NOT_FOUND") == results.count("RECORD_NOT_UNIQUELY_IDENTIFIED") == 0
    assert indexable(results) == (True, [])


def test_checklist_with_a_duplicated_core_id_marks_both_records(tmp_path):
    # GBIF: one duplicate id ("101", on lines 6 and 8 of DarwinCore.txt).
    results = corpus_results(f"{VALIDATOR_CORE}/checklist_dupl_coreid.zip", tmp_path)
    ids = results.archive.core.ids
    assert ids[results.masks["RECORD_NOT_UNIQUELY_IDENTIFIED"]].tolist() == ["101", "101"]
    assert "RECORD_NOT_UNIQUELY_IDENTIFIED" in indexable(results)[1]


def test_checklist_with_missing_taxon_ids_marks_the_two_records(tmp_path):
    # GBIF: two rows missing their id (rows 3 and 5: lines 4 and 6).
    results = corpus_results(f"{VALIDATOR_CORE}/checklist_missing_taxonid.zip", tmp_path)
    assert np.flatnonzero(results.masks["RECORD_IDENTIFIER_NOT_FOUND"]).tolist() == [2, 4]
    assert "RECORD_IDENTIFIER_NOT_FOUND" in indexable(results)[1]


def test_checklist_with_good_taxon_ids_has_no_identifier_finding(tmp_path):
    results = corpus_results(f"{VALIDATOR_CORE}/checklist_good_taxonid.zip", tmp_path)
    assert not fired(results) & {"RECORD_IDENTIFIER_NOT_FOUND", "RECORD_NOT_UNIQUELY_IDENTIFIED"}


def test_checklist_zip_without_meta_xml_is_an_archive_missing_meta_xml(tmp_path):
    # A zip holding only DarwinCore.txt: read on its own, but as an archive it lacks meta.xml.
    results = corpus_results(f"{VALIDATOR_CORE}/checklist_good_taxonid.zip", tmp_path)
    assert results.count("DWCA_META_XML_NOT_FOUND") == 1
    assert results.count("TABLE_WITHOUT_META_XML") == 0


def test_checklist_placeholders_are_counted_per_term(tmp_path):
    # AcceptedTaxonID holds "\N" nine times and "NULL" once.
    results = corpus_results(f"{VALIDATOR_CORE}/checklist_good_taxonid.zip", tmp_path)
    assert [(f.term, f.count) for f in results.findings_of("VERBATIM_NULL_BY_TERM")] == [("AcceptedTaxonID", 10)]


def test_checklist_with_an_extension_using_id_breaks_the_schema(tmp_path):
    results = corpus_results(f"{VALIDATOR_CORE}/dwca_checklist-one-hundred-good-triplets-good-ids.zip", tmp_path)
    findings = results.findings_of("DWCA_META_XML_SCHEMA")
    assert [(f.line, f.message.split(":")[0]) for f in findings] == [(10, "META_ID_ELEMENT_WRONG")]


# -- gbif-data-validator archives -----------------------------------------------------------


def test_data_integrity_archive_reports_orphans_per_extension(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/dwc-data-integrity/dwca", tmp_path)
    found = [(f.file, f.count, f.line) for f in results.findings_of("RECORD_REFERENTIAL_INTEGRITY_VIOLATION")]
    assert found == [("identification.txt", 1, 39), ("identifier.txt", 4, 2)]


def test_data_integrity_archive_marks_duplicated_core_ids(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/dwc-data-integrity/dwca", tmp_path)
    assert results.archive.core.ids[results.masks["RECORD_NOT_UNIQUELY_IDENTIFIED"]].nunique() == 1
    assert results.count("RECORD_NOT_UNIQUELY_IDENTIFIED") == 2


def test_data_integrity_archive_marks_duplicated_occurrence_ids(tmp_path):
    # GBIF's DataUniquenessEvaluatorTest: two records with occurrenceID o-19.
    results = corpus_results(f"{DATA_VALIDATOR}/dwc-data-integrity/dwca", tmp_path)
    assert marked_values(results, "OCCURRENCE_NOT_UNIQUELY_IDENTIFIED", OCCURRENCE_ID) == ["o-19", "o-19"]


def test_null_core_id_archive_marks_the_record_without_id(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/dwc-data-integrity/dwca-null-core-id", tmp_path)
    assert np.flatnonzero(results.masks["RECORD_IDENTIFIER_NOT_FOUND"]).tolist() == [1]
    assert "RECORD_IDENTIFIER_NOT_FOUND" in indexable(results)[1]


def test_null_core_id_archive_reports_the_extension_row_without_coreid(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/dwc-data-integrity/dwca-null-core-id", tmp_path)
    assert [(f.file, f.line, f.count) for f in results.findings_of("EXTENSION_COREID_MISSING")] == [("identifier.txt", 2, 1)]


def test_event_archive_with_duplicate_occurrence_ids_in_its_extension(tmp_path):
    # GBIF's DataUniquenessEvaluatorTest: two occurrence rows with SDA:AVE:PEDH:TIB:21.
    results = corpus_results(f"{DATA_VALIDATOR}/dwc-data-integrity/dwca-event-duplicate-occurrenceId", tmp_path)
    (finding,) = results.findings_of("EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED")
    assert (finding.file, finding.count, finding.term) == ("occurrence.txt", 2, OCCURRENCE_ID)
    assert "SDA:AVE:PEDH:TIB:21" in finding.message
    assert indexable(results) == (False, ["EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED"])


def test_event_core_gets_no_core_occurrence_id_mask(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/dwc-data-integrity/dwca-event-duplicate-occurrenceId", tmp_path)
    assert "OCCURRENCE_NOT_UNIQUELY_IDENTIFIED" not in results.masks


def test_ref_integrity_issue_archive_reports_two_orphan_identifications(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/dwca/dwca-ref-integrity-issue", tmp_path)
    found = [(f.file, f.count, f.line) for f in results.findings_of("RECORD_REFERENTIAL_INTEGRITY_VIOLATION")]
    assert found == [("identification.txt", 2, 20)]
    assert indexable(results) == (False, ["RECORD_REFERENTIAL_INTEGRITY_VIOLATION"])


def test_invalid_extension_archive_maps_identified_by_twice(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/dwca/dwca-invalid-ext", tmp_path)
    assert [(f.term, f.count) for f in results.findings_of("DUPLICATED_TERM")] == [(DWC + "identifiedBy", 2)]
    assert indexable(results) == (False, ["DUPLICATED_TERM"])


def test_invalid_extension_archive_maps_a_column_the_file_lacks(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/dwca/dwca-invalid-ext", tmp_path)
    assert [(f.file, f.term) for f in results.findings_of("FIELD_INDEX_BEYOND_COLUMNS")] == [("identification.txt", DWC + "identifiedBy")]


def test_invalid_extension_archive_description_row_type_is_registered(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/dwca/dwca-invalid-ext", tmp_path)
    assert results.count("UNKNOWN_ROWTYPE") == 0


def test_meta_broken_archive_misses_its_core_file(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/dwca/dwca-meta-broken", tmp_path)
    assert [f.file for f in results.findings_of("DATA_FILE_MISSING")] == ["occurrence.txt"]
    assert results.count("EMPTY_ARCHIVE") == 1
    assert indexable(results) == (False, ["DATA_FILE_MISSING"])


def test_occurrence_schema_archive_breaks_the_schema_with_no_files_element(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/dwca/dwca-occurrence-schema", tmp_path)
    assert [(f.line, f.message.split(":")[0]) for f in results.findings_of("DWCA_META_XML_SCHEMA")] == [(2, "META_FILES_MISSING")]
    assert indexable(results) == (False, ["DWCA_META_XML_SCHEMA"])


def test_taxon_archive_without_occurrence_id_flags_its_occurrence_extension(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/dwca/dwca-taxon-no-occurrenceid-no-triple", tmp_path)
    assert [(f.file, f.term) for f in results.findings_of("REQUIRED_TERM_MISSING")] == [("occurrence.txt", OCCURRENCE_ID)]
    assert indexable(results) == (True, [])


def test_occurrence_archive_without_occurrence_id_flags_its_core(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/dwca/dwca-occurrence-no-occurrenceid-no-triple", tmp_path)
    assert [(f.file, f.term) for f in results.findings_of("REQUIRED_TERM_MISSING")] == [("occurrence.txt", OCCURRENCE_ID)]


def test_taxon_archive_rows_differing_from_the_header_width(tmp_path):
    # DarwinCore.txt has a 12-field header; 3082 rows have 11 fields, 24 have 9 and 2 have 7.
    results = corpus_results(f"{DATA_VALIDATOR}/dwca/dwca-taxon", tmp_path)
    assert results.count("COLUMN_MISMATCH") == 3082 + 24 + 2
    rows = structure.column_mismatch_rows(results.archive.core)
    assert rows["expected"].unique().tolist() == [12] and rows["line"].min() > 1


def test_tabular_file_without_an_id_column_has_no_row_type(tmp_path):
    # GBIF's PrerequisiteEvaluatorTest: no_id.csv -> CORE_ROWTYPE_UNDETERMINED.
    results = corpus_results(f"{DATA_VALIDATOR}/tabular/no_id.csv", tmp_path)
    assert results.count("CORE_ROWTYPE_UNDETERMINED") == 1
    assert "CORE_ROWTYPE_UNDETERMINED" in indexable(results)[1]


def test_tabular_file_is_a_plain_table_without_meta_xml(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/tabular/no_id.csv", tmp_path)
    assert results.count("TABLE_WITHOUT_META_XML") == 1
    assert results.count("DWCA_META_XML_NOT_FOUND") == 0


def test_gzipped_table_is_a_plain_table_not_an_archive_missing_meta_xml(tmp_path):
    results = corpus_results("gbif-ipt/src/test/resources/resources/occurrence.txt.gz", tmp_path)
    assert (results.count("TABLE_WITHOUT_META_XML"), results.count("DWCA_META_XML_NOT_FOUND")) == (1, 0)


def test_tar_without_meta_xml_is_an_archive_missing_meta_xml(tmp_path):
    results = corpus_results("gnames-dwca/pkg/testdata/meta_absent.tar.gz", tmp_path)
    assert (results.count("TABLE_WITHOUT_META_XML"), results.count("DWCA_META_XML_NOT_FOUND")) == (0, 1)


def test_workbook_csv_marks_the_record_without_occurrence_id(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/workbooks/occurrence-workbook.csv", tmp_path)
    assert results.count("RECORD_IDENTIFIER_NOT_FOUND") == 1


def test_all_issues_tsv_marks_the_rows_with_an_extra_column(tmp_path):
    results = corpus_results(f"{DATA_VALIDATOR}/validator_test_file_all_issues.tsv", tmp_path)
    assert results.count("COLUMN_MISMATCH") == 5


# -- the whole corpus -----------------------------------------------------------------------

ARCHIVES = archives()
TABLES = tables()
_READ: dict[Path, object] = {}


def read_corpus(path: Path, tmp_path_factory):
    corpus_or_skip()
    if path not in _READ:
        try:
            _READ[path] = read(materialize(path, tmp_path_factory.mktemp("corpus")))
        except ArchiveError as error:
            _READ[path] = error
    if isinstance(_READ[path], ArchiveError):
        pytest.skip(f"not readable: {_READ[path]}")
    return _READ[path]


@pytest.mark.parametrize("path", ARCHIVES + TABLES, ids=[corpus_id(p) for p in ARCHIVES + TABLES])
def test_every_corpus_input_runs_every_structure_check(path, tmp_path_factory):
    results = structure_run(read_corpus(path, tmp_path_factory))
    assert [f.message for f in results.failures if f.check == CHECK_FAILED] == []


@pytest.fixture(scope="module")
def text_schema():
    corpus_or_skip()
    document = etree.parse(str(CORPUS / "tdwg-dwc/docs/text/tdwg_dwc_text.xsd"))
    # Its imports point to the network and nothing in the schema refers to them.
    for element in document.getroot().findall("{http://www.w3.org/2001/XMLSchema}import"):
        element.getparent().remove(element)
    return etree.XMLSchema(document)


def schema_valid(schema, data: bytes) -> bool:
    return schema.validate(etree.fromstring(data.lstrip(b"\xef\xbb\xbf").lstrip()))


DWCA_ARCHIVES = [p for p in ARCHIVES if p.suffix.lower() != ".csv"]


@pytest.mark.parametrize("path", DWCA_ARCHIVES, ids=[corpus_id(p) for p in DWCA_ARCHIVES])
def test_meta_xml_schema_verdict_agrees_with_the_text_guide_schema(path, tmp_path_factory, text_schema):
    archive = read_corpus(path, tmp_path_factory)
    if archive.meta_xml is None:
        pytest.skip("no meta.xml")
    ours = not any(v.schema for v in meta_xml_violations(archive.meta_xml))
    assert ours == schema_valid(text_schema, archive.meta_xml)


@pytest.mark.parametrize("path", DWCA_ARCHIVES, ids=[corpus_id(p) for p in DWCA_ARCHIVES])
def test_meta_xml_rules_cover_what_the_reader_noticed(path, tmp_path_factory):
    archive = read_corpus(path, tmp_path_factory)
    if archive.meta_xml is None:
        pytest.skip("no meta.xml")
    ours = {v.code for v in meta_xml_violations(archive.meta_xml)}
    meta_codes = {code for code, check in structure.PROBLEM_CHECKS.items() if check in ("DWCA_META_XML_SCHEMA", "DWCA_META_XML_INVALID")}
    noticed = {p.code for p in archive.problems if p.code in meta_codes}
    if not archive.extensions:
        noticed.discard("META_ID_MISSING")  # a core needs an <id> only when there are extensions
    assert noticed <= ours


def test_every_reader_problem_code_has_a_check():
    sources = (Path(structure.__file__).parents[1] / "archive").glob("*.py")
    codes = {code for source in sources for code in re.findall(r'Problem\(\s*"([A-Z_]+)"', source.read_text(encoding="utf-8"))}
    assert codes and codes <= set(structure.PROBLEM_CHECKS)


def test_every_problem_mapping_names_a_registered_check():
    ids = {c.id for c in STRUCTURE}
    assert {check for check in structure.PROBLEM_CHECKS.values() if check} <= ids


# -- meta.xml rules against the schema, synthetic -------------------------------------------

NS = "http://rs.tdwg.org/dwc/text/"
VALID_META = f"""<archive xmlns="{NS}" metadata="eml.xml">
  <core rowType="{DWC}Occurrence" ignoreHeaderLines="1">
    <files><location>occurrence.txt</location></files>
    <id index="0"/>
    <field index="1" term="{DWC}occurrenceID"/>
  </core>
  <extension rowType="http://rs.gbif.org/terms/1.0/Identifier">
    <files><location>identifier.txt</location></files>
    <coreid index="0"/>
    <field index="1" term="http://purl.org/dc/terms/identifier"/>
  </extension>
</archive>"""
META_VARIANTS = {
    "valid": VALID_META,
    "xsi schemaLocation": VALID_META.replace('metadata="eml.xml"', f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="{NS} x.xsd"'),
    "xml:lang on archive": VALID_META.replace('metadata="eml.xml"', 'xml:lang="en"'),
    "unknown attribute": VALID_META.replace('ignoreHeaderLines="1"', 'ignoreHeaderLines="1" header="yes"'),
    "header lines not a number": VALID_META.replace('ignoreHeaderLines="1"', 'ignoreHeaderLines="one"'),
    "header lines negative": VALID_META.replace('ignoreHeaderLines="1"', 'ignoreHeaderLines="-1"'),
    "index with plus sign": VALID_META.replace('<id index="0"/>', '<id index="+0"/>'),
    "index decimal": VALID_META.replace('<id index="0"/>', '<id index="0.0"/>'),
    "index negative": VALID_META.replace('<field index="1" term', '<field index="-1" term', 1),
    "id with a term": VALID_META.replace('<id index="0"/>', f'<id index="0" term="{DWC}occurrenceID"/>'),
    "whitespace inside id": VALID_META.replace('<id index="0"/>', '<id index="0"> </id>'),
    "text inside core": VALID_META.replace("<id index", "oops <id index"),
    "field before files": VALID_META.replace(
        '<files><location>occurrence.txt</location></files>\n    <id index="0"/>', f'<id index="0"/>\n    <files><location>occurrence.txt</location></files>'
    ),
    "extension with id": VALID_META.replace("<coreid", "<id"),
    "extension without coreid": VALID_META.replace('<coreid index="0"/>', ""),
    "core without id but extension": VALID_META.replace('<id index="0"/>', ""),
    "no files": VALID_META.replace("<files><location>occurrence.txt</location></files>", ""),
    "files without location": VALID_META.replace("<location>occurrence.txt</location>", ""),
    "empty location": VALID_META.replace("<location>occurrence.txt</location>", "<location></location>"),
    "no field": VALID_META.replace(f'<field index="1" term="{DWC}occurrenceID"/>', ""),
    "field without term": VALID_META.replace(f'term="{DWC}occurrenceID"', ""),
    "field term a bare name": VALID_META.replace(f'term="{DWC}occurrenceID"', 'term="occurrenceID"'),
    "field with neither index nor default": VALID_META.replace(f'<field index="1" term="{DWC}occurrenceID"/>', f'<field term="{DWC}occurrenceID"/>'),
    "field with a child": VALID_META.replace(f'term="{DWC}occurrenceID"/>', f'term="{DWC}occurrenceID"><x/></field>'),
    "location with attribute": VALID_META.replace("<location>occurrence", '<location type="a">occurrence'),
    "two cores": VALID_META.replace("<extension ", "<core ").replace("</extension>", "</core>").replace("<coreid", "<id"),
    "extension before core": re.sub(r"(\s*<core .*?</core>)(\s*<extension .*?</extension>)", r"\2\1", VALID_META, flags=re.S),
    "no rowType": VALID_META.replace(f'rowType="{DWC}Occurrence" ', ""),
    "empty rowType": VALID_META.replace(f'rowType="{DWC}Occurrence"', 'rowType=""'),
    "root without namespace": VALID_META.replace(f'xmlns="{NS}"', ""),
    "root another element": VALID_META.replace("<archive", "<starArchive").replace("</archive>", "</starArchive>"),
    "empty delimiter": VALID_META.replace('ignoreHeaderLines="1"', 'ignoreHeaderLines="1" fieldsTerminatedBy=""'),
}
URI_VALUES = ["dwc:scientificName", "1a:b", ":a", "a b", "http://[::1]/x", "http://a]b", "a[b", "a{b}", "http://x/%41", "http://x/%4", "a#b", "a#b#c", "",
              "http://x:80/", "http://x:abc/", "//x/y", "a?b#c#d", "http://x/é", "x_y:z", "x.y:z", "http://a@b@c/", "http://a/b%"]  # fmt: skip
for value in URI_VALUES:
    quoted = value.replace("&", "&amp;").replace('"', "&quot;")
    META_VARIANTS[f"term {value!r}"] = VALID_META.replace(f'term="{DWC}occurrenceID"', f'term="{quoted}"')


@pytest.mark.parametrize("name", list(META_VARIANTS))
def test_meta_xml_variant_schema_verdict_agrees_with_the_schema(name, text_schema):
    data = META_VARIANTS[name].encode("utf-8")
    assert (not any(v.schema for v in meta_xml_violations(data))) == schema_valid(text_schema, data)


@pytest.mark.parametrize(
    "name, code",
    [
        ("core without id but extension", "META_ID_MISSING"),
        ("index negative", "FIELD_INDEX_INVALID"),
        ("field term a bare name", "META_TERM_NOT_URI"),
        ("field with neither index nor default", "FIELD_INDEX_MISSING"),
        ("empty location", "META_LOCATION_EMPTY"),
        ("empty rowType", "ROW_TYPE_MISSING"),
        ("empty delimiter", "META_DELIMITER_EMPTY"),
        ("header lines negative", "META_ATTRIBUTE_INVALID"),
    ],
)
def test_meta_xml_prose_rule_is_reported_outside_the_schema(name, code):
    found = meta_xml_violations(META_VARIANTS[name].encode("utf-8"))
    assert [(v.code, v.schema) for v in found] == [(code, False)]


def test_meta_xml_violation_carries_its_line():
    found = meta_xml_violations(META_VARIANTS["unknown attribute"].encode("utf-8"))
    assert [(v.code, v.line) for v in found] == [("META_ATTRIBUTE_UNEXPECTED", 2)]


# -- synthetic archives, one per check ------------------------------------------------------

OCC_FIELDS = ["occurrenceID", "basisOfRecord", "scientificName", "eventDate"]
OCC_ROWS = [
    ["1", "o1", "PreservedSpecimen", "Puma concolor", "2020-01-01"],
    ["2", "o2", "PreservedSpecimen", "Lynx lynx", "2020-01-02"],
    ["3", "o3", "HumanObservation", "Felis catus", "2020-01-03"],
]


def table_xml(tag: str, row_type: str, location: str, terms, id_tag: str | None = None, attributes: str = "") -> str:
    id_tag = id_tag if id_tag is not None else ('<id index="0"/>' if tag == "core" else '<coreid index="0"/>')
    fields = "".join(f'\n    <field index="{i}" term="{t if "://" in t else DWC + t}"/>' for i, t in enumerate(terms, 1))
    return (
        f'\n  <{tag} rowType="{row_type if "://" in row_type else DWC + row_type}" fieldsTerminatedBy="\\t" fieldsEnclosedBy=""'
        f' ignoreHeaderLines="1"{attributes}>\n    <files><location>{location}</location></files>\n    {id_tag}{fields}\n  </{tag}>'
    )


def tsv(header, rows) -> str:
    return "\n".join("\t".join(r) for r in [header, *rows]) + "\n"


def write_dwca(folder: Path, core: str = "", *extensions: str, **files: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    core = core or table_xml("core", "Occurrence", "occurrence.txt", OCC_FIELDS)
    (folder / "meta.xml").write_text(f'<archive xmlns="{NS}" metadata="eml.xml">{core}{"".join(extensions)}\n</archive>\n', encoding="utf-8")
    files.setdefault("occurrence.txt", tsv(["id", *OCC_FIELDS], OCC_ROWS))
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def check(check_id: str, path: Path) -> Results:
    return run(read(path), [get(check_id)])


def test_synthetic_clean_archive_has_no_structure_finding(tmp_path):
    results = structure_run(read(write_dwca(tmp_path / "a")))
    assert fired(results) == set()


def test_folder_without_meta_xml_is_missing_meta_xml(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "occurrence.txt").write_text(tsv(["occurrenceID", *OCC_FIELDS[1:]], [r[1:] for r in OCC_ROWS]))
    results = check("DWCA_META_XML_NOT_FOUND", tmp_path / "a")
    assert results.count("DWCA_META_XML_NOT_FOUND") == 1 and get("DWCA_META_XML_NOT_FOUND").blocks_indexing


def test_plain_table_is_reported_as_info_only(tmp_path):
    path = tmp_path / "occurrences.csv"
    path.write_text("occurrenceID,basisOfRecord\no1,PreservedSpecimen\n")
    results = structure_run(read(path))
    assert results.count("TABLE_WITHOUT_META_XML") == 1 and results.count("DWCA_META_XML_NOT_FOUND") == 0
    assert get("TABLE_WITHOUT_META_XML").severity == "info"


def test_meta_xml_schema_finding_names_file_and_line(tmp_path):
    core = table_xml("core", "Occurrence", "occurrence.txt", OCC_FIELDS, attributes=' header="1"')
    (finding,) = check("DWCA_META_XML_SCHEMA", write_dwca(tmp_path / "a", core)).findings_of("DWCA_META_XML_SCHEMA")
    assert (finding.file, finding.line) == ("meta.xml", 2) and "header" in finding.message


def test_meta_xml_prose_rule_gives_a_text_guide_finding(tmp_path):
    core = table_xml("core", "Occurrence", "occurrence.txt", OCC_FIELDS, id_tag="")
    extension = table_xml("extension", "http://rs.gbif.org/terms/1.0/Identifier", "identifier.txt", ["http://purl.org/dc/terms/identifier"])
    path = write_dwca(tmp_path / "a", core, extension, **{"identifier.txt": tsv(["coreid", "identifier"], [["o1", "x"]])})
    results = run(read(path), [get("DWCA_META_XML_INVALID"), get("DWCA_META_XML_SCHEMA")])
    assert [f.message.split(":")[0] for f in results.findings_of("DWCA_META_XML_INVALID")] == ["META_ID_MISSING"]
    assert results.count("DWCA_META_XML_SCHEMA") == 0


def test_core_without_row_type_is_undetermined(tmp_path):
    core = table_xml("core", "Occurrence", "occurrence.txt", OCC_FIELDS).replace(f'rowType="{DWC}Occurrence"', 'rowType=""')
    results = check("CORE_ROWTYPE_UNDETERMINED", write_dwca(tmp_path / "a", core))
    assert results.count("CORE_ROWTYPE_UNDETERMINED") == 1 and indexable(results)[0] is False


def test_plain_table_without_class_identifier_is_undetermined(tmp_path):
    path = tmp_path / "specimens.csv"
    path.write_text("catalogNumber,scientificName\nA1,Puma concolor\n")
    assert check("CORE_ROWTYPE_UNDETERMINED", path).count("CORE_ROWTYPE_UNDETERMINED") == 1


def test_plain_table_with_taxon_id_has_a_row_type(tmp_path):
    path = tmp_path / "taxa.csv"
    path.write_text("taxonID,scientificName\n1,Puma concolor\n")
    assert check("CORE_ROWTYPE_UNDETERMINED", path).count("CORE_ROWTYPE_UNDETERMINED") == 0


def test_unregistered_extension_row_type_is_unknown(tmp_path):
    extension = table_xml("extension", "http://example.org/terms/Thing", "thing.txt", ["http://purl.org/dc/terms/identifier"])
    path = write_dwca(tmp_path / "a", "", extension, **{"thing.txt": tsv(["coreid", "identifier"], [["1", "x"]])})
    (finding,) = check("UNKNOWN_ROWTYPE", path).findings_of("UNKNOWN_ROWTYPE")
    assert finding.file == "thing.txt" and "http://example.org/terms/Thing" in finding.message


def test_description_and_dwc_class_row_types_are_known(tmp_path):
    description = table_xml("extension", "http://rs.gbif.org/terms/1.0/Description", "d.txt", ["http://purl.org/dc/terms/description"])
    organism = table_xml("extension", "Organism", "o.txt", ["organismID"])
    files = {"d.txt": tsv(["coreid", "description"], [["1", "x"]]), "o.txt": tsv(["coreid", "organismID"], [["1", "x"]])}
    assert check("UNKNOWN_ROWTYPE", write_dwca(tmp_path / "a", "", description, organism, **files)).count("UNKNOWN_ROWTYPE") == 0


def test_unknown_term_is_reported_per_table_and_term(tmp_path):
    core = table_xml("core", "Occurrence", "occurrence.txt", [*OCC_FIELDS, "http://example.org/terms/colour"])
    rows = [r + ["red"] for r in OCC_ROWS]
    path = write_dwca(tmp_path / "a", core, **{"occurrence.txt": tsv(["id", *OCC_FIELDS, "colour"], rows)})
    findings = check("UNKNOWN_TERM", path).findings_of("UNKNOWN_TERM")
    assert [(f.term, f.file) for f in findings] == [("http://example.org/terms/colour", "occurrence.txt")]


def test_term_with_wrong_capitals_is_a_case_mismatch_not_unknown(tmp_path):
    core = table_xml("core", "Occurrence", "occurrence.txt", ["occurrenceID", "basisOfRecord", "ScientificName", "eventDate"])
    results = run(read(write_dwca(tmp_path / "a", core)), [get("TERM_CASE_MISMATCH"), get("UNKNOWN_TERM"), get("GBIF_REQUIRED_TERM_MISSING")])
    assert [f.term for f in results.findings_of("TERM_CASE_MISMATCH")] == [DWC + "ScientificName"]
    assert results.count("UNKNOWN_TERM") == 0
    assert results.count("GBIF_REQUIRED_TERM_MISSING") == 0  # GBIF resolves the variant


def test_known_term_outside_the_extension_definition(tmp_path):
    extension = table_xml("extension", "http://rs.gbif.org/terms/1.0/VernacularName", "v.txt", ["vernacularName", "decimalLatitude"])
    path = write_dwca(tmp_path / "a", "", extension, **{"v.txt": tsv(["coreid", "vernacularName", "lat"], [["1", "puma", "1"]])})
    findings = check("TERM_NOT_IN_ROWTYPE", path).findings_of("TERM_NOT_IN_ROWTYPE")
    assert [(f.file, f.term) for f in findings] == [("v.txt", DWC + "decimalLatitude")]


def test_term_mapped_twice_is_duplicated_and_blocks_indexing(tmp_path):
    core = table_xml("core", "Occurrence", "occurrence.txt", [*OCC_FIELDS, "scientificName"])
    rows = [r + [r[3]] for r in OCC_ROWS]
    path = write_dwca(tmp_path / "a", core, **{"occurrence.txt": tsv(["id", *OCC_FIELDS, "name2"], rows)})
    results = check("DUPLICATED_TERM", path)
    assert [(f.term, f.count) for f in results.findings_of("DUPLICATED_TERM")] == [(DWC + "scientificName", 2)]
    assert indexable(results) == (False, ["DUPLICATED_TERM"])


def test_plain_table_header_repeated_is_duplicated(tmp_path):
    path = tmp_path / "occurrences.csv"
    path.write_text("occurrenceID,dwc:occurrenceID,basisOfRecord\no1,o1,PreservedSpecimen\n")
    assert [f.term for f in check("DUPLICATED_TERM", path).findings_of("DUPLICATED_TERM")] == [OCCURRENCE_ID]


def test_occurrence_core_without_basis_of_record_misses_a_required_term(tmp_path):
    fields = ["occurrenceID", "scientificName", "eventDate"]
    core = table_xml("core", "Occurrence", "occurrence.txt", fields)
    path = write_dwca(tmp_path / "a", core, **{"occurrence.txt": tsv(["id", *fields], [["1", "o1", "Puma concolor", "2020"]])})
    assert [f.term for f in check("REQUIRED_TERM_MISSING", path).findings_of("REQUIRED_TERM_MISSING")] == [DWC + "basisOfRecord"]


def test_taxon_core_id_column_stands_for_taxon_id(tmp_path):
    core = table_xml("core", "Taxon", "taxon.txt", ["scientificName", "taxonRank"])
    path = write_dwca(tmp_path / "a", core, **{"taxon.txt": tsv(["id", "name", "rank"], [["1", "Puma concolor", "species"]])})
    assert check("REQUIRED_TERM_MISSING", path).count("REQUIRED_TERM_MISSING") == 0


def test_extension_definition_required_term_is_required(tmp_path):
    extension = table_xml("extension", "http://rs.gbif.org/terms/1.0/VernacularName", "v.txt", ["http://purl.org/dc/terms/language"])
    path = write_dwca(tmp_path / "a", "", extension, **{"v.txt": tsv(["coreid", "language"], [["1", "en"]])})
    findings = check("REQUIRED_TERM_MISSING", path).findings_of("REQUIRED_TERM_MISSING")
    assert [(f.file, f.term) for f in findings] == [("v.txt", DWC + "vernacularName")]


def test_year_stands_for_event_date_in_gbif_requirements(tmp_path):
    fields = ["occurrenceID", "basisOfRecord", "scientificName", "year"]
    core = table_xml("core", "Occurrence", "occurrence.txt", fields)
    path = write_dwca(tmp_path / "a", core, **{"occurrence.txt": tsv(["id", *fields], [["1", "o1", "HumanObservation", "Puma concolor", "2020"]])})
    assert check("GBIF_REQUIRED_TERM_MISSING", path).count("GBIF_REQUIRED_TERM_MISSING") == 0


def test_occurrence_core_without_date_misses_a_gbif_required_term(tmp_path):
    fields = ["occurrenceID", "basisOfRecord", "scientificName"]
    core = table_xml("core", "Occurrence", "occurrence.txt", fields)
    path = write_dwca(tmp_path / "a", core, **{"occurrence.txt": tsv(["id", *fields], [["1", "o1", "HumanObservation", "Puma concolor"]])})
    results = check("GBIF_REQUIRED_TERM_MISSING", path)
    assert [f.term for f in results.findings_of("GBIF_REQUIRED_TERM_MISSING")] == [DWC + "eventDate"]
    assert get("GBIF_REQUIRED_TERM_MISSING").severity == "warning"


def test_short_row_is_a_column_mismatch_with_its_line(tmp_path):
    text = tsv(["id", *OCC_FIELDS], OCC_ROWS).replace("2\to2\tPreservedSpecimen\tLynx lynx\t2020-01-02", "2\to2\tPreservedSpecimen")
    results = check("COLUMN_MISMATCH", write_dwca(tmp_path / "a", **{"occurrence.txt": text}))
    assert results.masks["COLUMN_MISMATCH"].tolist() == [False, True, False]
    rows = structure.column_mismatch_rows(results.archive.core)
    assert rows[["row", "line", "fields", "expected"]].values.tolist() == [[1, 3, 3, 5]]


def test_extension_rows_with_another_width_are_reported(tmp_path):
    extension = table_xml("extension", "http://rs.gbif.org/terms/1.0/Identifier", "identifier.txt", ["http://purl.org/dc/terms/identifier"])
    text = "coreid\tidentifier\n1\ta\n2\tb\textra\n3\tc\n"
    (finding,) = check("EXTENSION_COLUMN_MISMATCH", write_dwca(tmp_path / "a", "", extension, **{"identifier.txt": text})).findings_of(
        "EXTENSION_COLUMN_MISMATCH"
    )
    assert (finding.file, finding.line, finding.count) == ("identifier.txt", 3, 1)


def test_missing_extension_file_blocks_indexing(tmp_path):
    extension = table_xml("extension", "http://rs.gbif.org/terms/1.0/Identifier", "identifier.txt", ["http://purl.org/dc/terms/identifier"])
    results = check("DATA_FILE_MISSING", write_dwca(tmp_path / "a", "", extension))
    assert [f.file for f in results.findings_of("DATA_FILE_MISSING")] == ["identifier.txt"]
    assert indexable(results) == (False, ["DATA_FILE_MISSING"])


def test_field_and_id_indexes_beyond_the_columns(tmp_path):
    core = table_xml("core", "Occurrence", "occurrence.txt", OCC_FIELDS, id_tag='<id index="7"/>').replace('index="4"', 'index="9"')
    findings = check("FIELD_INDEX_BEYOND_COLUMNS", write_dwca(tmp_path / "a", core)).findings_of("FIELD_INDEX_BEYOND_COLUMNS")
    assert [f.term for f in findings] == [DWC + "eventDate", None]


def test_header_only_core_is_empty(tmp_path):
    path = write_dwca(tmp_path / "a", **{"occurrence.txt": tsv(["id", *OCC_FIELDS], [])})
    assert check("EMPTY_ARCHIVE", path).count("EMPTY_ARCHIVE") == 1


def test_latin1_bytes_declared_utf8_are_an_encoding_error(tmp_path):
    text = tsv(["id", *OCC_FIELDS], OCC_ROWS).replace("Lynx lynx", "Lynx lynx Linné")
    (finding,) = check("ENCODING_INVALID", write_dwca(tmp_path / "a", **{"occurrence.txt": text.encode("latin-1")})).findings_of("ENCODING_INVALID")
    assert (finding.file, finding.line) == ("occurrence.txt", 3)


def test_blank_line_in_the_data_is_reported_with_its_line(tmp_path):
    text = tsv(["id", *OCC_FIELDS], OCC_ROWS).replace("\n2\t", "\n\n2\t")
    results = check("BLANK_LINES", write_dwca(tmp_path / "a", **{"occurrence.txt": text}))
    assert [(f.line, f.count) for f in results.findings_of("BLANK_LINES")] == [(3, 1)]


def test_byte_order_mark_inside_the_data_is_reported(tmp_path):
    text = tsv(["id", *OCC_FIELDS], OCC_ROWS).replace("\n3\t", "\n\ufeff3\t")
    assert check("BOM_IN_DATA", write_dwca(tmp_path / "a", **{"occurrence.txt": text})).count("BOM_IN_DATA") == 1


def test_zip_with_content_in_a_sub_folder_is_wrapped(tmp_path):
    folder = write_dwca(tmp_path / "a")
    path = tmp_path / "wrapped.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for member in folder.iterdir():
            archive.write(member, f"export/{member.name}")
    assert check("ARCHIVE_WRAPPED", path).count("ARCHIVE_WRAPPED") == 1


def test_placeholder_values_mark_their_records(tmp_path):
    rows = [r.copy() for r in OCC_ROWS]
    rows[0][4], rows[2][3] = "NULL", " \\N "
    results = check("VERBATIM_NULL", write_dwca(tmp_path / "a", **{"occurrence.txt": tsv(["id", *OCC_FIELDS], rows)}))
    assert results.masks["VERBATIM_NULL"].tolist() == [True, False, True]


def test_placeholder_values_are_counted_per_term(tmp_path):
    rows = [r.copy() for r in OCC_ROWS]
    rows[0][4], rows[1][4], rows[2][3] = "NULL", "#N/A", "NA"
    findings = check("VERBATIM_NULL_BY_TERM", write_dwca(tmp_path / "a", **{"occurrence.txt": tsv(["id", *OCC_FIELDS], rows)})).findings_of(
        "VERBATIM_NULL_BY_TERM"
    )
    assert [(f.term, f.count, f.line) for f in findings] == [(DWC + "scientificName", 1, 4), (DWC + "eventDate", 2, 2)]


def test_leading_or_trailing_spaces_mark_their_records(tmp_path):
    rows = [r.copy() for r in OCC_ROWS]
    rows[1][3] = " Lynx lynx"
    rows[2][1] = "o3\u00a0"
    results = check("LEADING_TRAILING_WHITESPACE", write_dwca(tmp_path / "a", **{"occurrence.txt": tsv(["id", *OCC_FIELDS], rows)}))
    assert results.masks["LEADING_TRAILING_WHITESPACE"].tolist() == [False, True, True]


def test_record_with_an_empty_id_has_no_identifier(tmp_path):
    rows = [r.copy() for r in OCC_ROWS]
    rows[1][0] = " "
    results = check("RECORD_IDENTIFIER_NOT_FOUND", write_dwca(tmp_path / "a", **{"occurrence.txt": tsv(["id", *OCC_FIELDS], rows)}))
    assert results.masks["RECORD_IDENTIFIER_NOT_FOUND"].tolist() == [False, True, False]


def test_table_without_any_identifier_column_marks_every_record(tmp_path):
    path = tmp_path / "specimens.csv"
    path.write_text("catalogNumber,basisOfRecord\nA1,PreservedSpecimen\nA2,PreservedSpecimen\n")
    assert check("RECORD_IDENTIFIER_NOT_FOUND", path).masks["RECORD_IDENTIFIER_NOT_FOUND"].tolist() == [True, True]


def test_every_record_sharing_an_id_is_marked_but_not_empty_ones(tmp_path):
    rows = [r.copy() for r in [*OCC_ROWS, OCC_ROWS[0], OCC_ROWS[0]]]
    rows[1][0], rows[3][0], rows[4][0] = "1", "", ""
    results = check("RECORD_NOT_UNIQUELY_IDENTIFIED", write_dwca(tmp_path / "a", **{"occurrence.txt": tsv(["id", *OCC_FIELDS], rows)}))
    assert results.masks["RECORD_NOT_UNIQUELY_IDENTIFIED"].tolist() == [True, True, False, False, False]


def test_every_record_sharing_an_occurrence_id_is_marked(tmp_path):
    rows = [r.copy() for r in OCC_ROWS]
    rows[2][1] = "o1"
    results = check("OCCURRENCE_NOT_UNIQUELY_IDENTIFIED", write_dwca(tmp_path / "a", **{"occurrence.txt": tsv(["id", *OCC_FIELDS], rows)}))
    assert results.masks["OCCURRENCE_NOT_UNIQUELY_IDENTIFIED"].tolist() == [True, False, True]


def test_occurrence_id_uniqueness_does_not_apply_to_a_taxon_core(tmp_path):
    core = table_xml("core", "Taxon", "taxon.txt", ["taxonID", "scientificName", "occurrenceID"])
    path = write_dwca(tmp_path / "a", core, **{"taxon.txt": tsv(["id", "t", "n", "o"], [["1", "1", "Puma", "x"], ["2", "2", "Lynx", "x"]])})
    assert "OCCURRENCE_NOT_UNIQUELY_IDENTIFIED" not in check("OCCURRENCE_NOT_UNIQUELY_IDENTIFIED", path).masks


def event_archive(folder: Path, occurrence_rows) -> Path:
    core = table_xml("core", "Event", "event.txt", ["eventID", "eventDate"])
    extension = table_xml("extension", "Occurrence", "occurrence.txt", ["occurrenceID", "basisOfRecord"])
    events = tsv(["id", "eventID", "eventDate"], [["e1", "e1", "2020-01-01"], ["e2", "e2", "2020-01-02"]])
    return write_dwca(folder, core, extension, **{"event.txt": events, "occurrence.txt": tsv(["coreid", "occurrenceID", "basisOfRecord"], occurrence_rows)})


def test_occurrence_extension_with_a_shared_occurrence_id(tmp_path):
    path = event_archive(tmp_path / "a", [["e1", "o1", "HumanObservation"], ["e2", "o2", "HumanObservation"], ["e2", "o1", "HumanObservation"]])
    (finding,) = check("EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED", path).findings_of("EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED")
    assert (finding.file, finding.line, finding.count, finding.term) == ("occurrence.txt", 2, 2, OCCURRENCE_ID)
    assert "lines 2, 4" in finding.message


def test_extension_rows_pointing_to_no_core_record(tmp_path):
    path = event_archive(tmp_path / "a", [["e1", "o1", "HumanObservation"], ["e9", "o2", "HumanObservation"], ["E1", "o3", "HumanObservation"]])
    (finding,) = check("RECORD_REFERENTIAL_INTEGRITY_VIOLATION", path).findings_of("RECORD_REFERENTIAL_INTEGRITY_VIOLATION")
    assert (finding.file, finding.line, finding.count) == ("occurrence.txt", 3, 2)
    assert "lines 3, 4" in finding.message and "'e9'" in finding.message


def test_extension_rows_with_an_empty_coreid(tmp_path):
    path = event_archive(tmp_path / "a", [["e1", "o1", "HumanObservation"], ["", "o2", "HumanObservation"]])
    results = run(read(path), [get("EXTENSION_COREID_MISSING"), get("RECORD_REFERENTIAL_INTEGRITY_VIOLATION")])
    assert [(f.line, f.count) for f in results.findings_of("EXTENSION_COREID_MISSING")] == [(3, 1)]
    assert results.count("RECORD_REFERENTIAL_INTEGRITY_VIOLATION") == 0
    assert indexable(results) == (False, ["EXTENSION_COREID_MISSING"])


# -- the verdict and the catalogue ----------------------------------------------------------


def test_indexable_names_a_blocking_check_that_could_not_run(tmp_path):
    results = structure_run(read(write_dwca(tmp_path / "a")))
    results.failures.append(ArchiveFinding(CHECK_FAILED, "DUPLICATED_TERM could not run: boom"))
    assert indexable(results) == (False, ["CHECK_FAILED:DUPLICATED_TERM"])


def test_indexable_uses_any_blocking_check_of_any_module(tmp_path):
    results = structure_run(read(write_dwca(tmp_path / "a")))
    blocking = [c for c in all_checks() if c.blocks_indexing and c.level == "archive" and c not in STRUCTURE]
    if not blocking:
        pytest.skip("no other module declares a blocking check yet")
    results.checks.append(blocking[0])
    results.archive_findings.append(ArchiveFinding(blocking[0].id, "found"))
    assert indexable(results) == (False, [blocking[0].id])


BLOCKING = {
    "DWCA_META_XML_NOT_FOUND",
    "DWCA_META_XML_SCHEMA",
    "CORE_ROWTYPE_UNDETERMINED",
    "DUPLICATED_TERM",
    "DATA_FILE_MISSING",
    "RECORD_IDENTIFIER_NOT_FOUND",
    "RECORD_NOT_UNIQUELY_IDENTIFIED",
    "OCCURRENCE_NOT_UNIQUELY_IDENTIFIED",
    "EXTENSION_OCCURRENCE_NOT_UNIQUELY_IDENTIFIED",
    "RECORD_REFERENTIAL_INTEGRITY_VIOLATION",
    "EXTENSION_COREID_MISSING",
}


def test_blocking_checks_are_gbifs_non_indexable_evaluations():
    assert {c.id for c in STRUCTURE if c.blocks_indexing} == BLOCKING


def test_blocking_checks_are_errors():
    assert {c.severity for c in STRUCTURE if c.blocks_indexing} == {"error"}


def test_structure_checks_belong_to_structure_or_identifiers():
    assert {c.dimension for c in STRUCTURE} == {"structure", "identifiers"}


@pytest.mark.parametrize("check_id", sorted(c.id for c in STRUCTURE))
def test_explanation_is_two_to_four_sentences(check_id):
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", get(check_id).explanation)
    assert 2 <= len(sentences) <= 4


@pytest.mark.parametrize("check_id", sorted(c.id for c in STRUCTURE))
def test_check_terms_are_uris(check_id):
    assert all("://" in term for term in get(check_id).terms)


def test_record_checks_run_on_a_large_core_in_vectorised_time(tmp_path):
    import time

    rows = [[str(i), f"o{i % 99_990}", "PreservedSpecimen", "NULL" if i % 7 else " Puma", "2020"] for i in range(100_000)]
    archive = read(write_dwca(tmp_path / "a", **{"occurrence.txt": tsv(["id", *OCC_FIELDS], rows)}))
    start = time.perf_counter()
    results = run(archive, [c for c in STRUCTURE if c.level == "record"])
    assert time.perf_counter() - start < 5
    assert results.count("OCCURRENCE_NOT_UNIQUELY_IDENTIFIED") == 20


def _python_duplicated(values):
    from collections import Counter

    counts = Counter(v for v in values if v is not None and v.strip())
    return [v is not None and bool(v.strip()) and counts[v] > 1 for v in values]


@pytest.mark.parametrize("copies", [1, 50])  # few rows sharing a fingerprint, and most rows
def test_duplicated_values_are_found_whatever_their_fingerprints(copies):
    import pandas as pd

    # X/Y differ only in the middle: one fingerprint, two values; "  " and None are blank.
    base = ["urn:a:1", "urn:a:2", "urn:a:1", "abcdefghXabcdefgh", "abcdefghYabcdefgh", "  ", None, "  ", "Zürich", "zürich"]
    values = base + [f"id-{i}" for i in range(200)] + ["abcdefghXabcdefgh", *(["abcdefghZabcdefgh", "abcdefghWabcdefgh"] * copies)][: 1 + 2 * copies]
    series = pd.Series(values, dtype=pd.StringDtype("pyarrow"))
    assert structure._duplicated(series).tolist() == _python_duplicated(values)
    assert structure._duplicated(series).tolist()[:5] == [True, False, True, True, False]
