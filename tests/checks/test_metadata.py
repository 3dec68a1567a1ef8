"""Metadata checks (dwcqa/checks/metadata.py): real eml.xml files first, then one rule at a time.

The code-based GBIF profile check is held against the profile's own XSDs
(../shared/corpus/gbif-eml-profile/, validated here with lxml). The product never reads
them. The XSDs import schemas by URL (http://www.w3.org/2001/xml.xsd,
http://rs.gbif.org/schema/xml.xsd) and by relative name (dc.xsd, which only 1.1/ holds; 1.2/
has no eml.xsd): a resolver below answers every import from the corpus, so no network is used.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from lxml import etree

from corpus import CORPUS, archives, corpus_id, corpus_or_skip, materialize
from dwcqa.archive import ArchiveError, read
from dwcqa.archive.xmlsafe import parse_xml
from dwcqa.checks.metadata import (
    EmlDocument,
    find_licence,
    metadata_summary,
    profile_problems,
    recognise_licence,
)
from dwcqa.checks.registry import all_checks
from dwcqa.checks.runner import CHECK_FAILED, run

METADATA_CHECKS = [c for c in all_checks() if c.function.__module__ == "dwcqa.checks.metadata"]
PROFILE = CORPUS / "gbif-eml-profile"
DATA_VALIDATOR = CORPUS / "gbif-data-validator/validator-processor/src/test/resources"
PIPELINES_VALIDATOR = CORPUS / "gbif-pipelines/gbif/validator"
DWCA_VALIDATOR = CORPUS / "gbif-dwca-validator/dwca-validator-lib/src/test/resources/eml"


# -- helpers --------------------------------------------------------------------------


def findings(archive) -> dict[str, list]:
    """Metadata findings by check id; a check that fails to run fails the test."""
    results = run(archive, METADATA_CHECKS)
    assert not results.failures, results.failures
    grouped: dict[str, list] = {}
    for finding in results.archive_findings:
        grouped.setdefault(finding.check, []).append(finding)
    return grouped


META_XML = """<archive xmlns="http://rs.tdwg.org/dwc/text/"{metadata}>
  <core encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="{row_type}">
    <files><location>data.txt</location></files>
    <id index="0"/>
{fields}
  </core>
</archive>
"""


def make_archive(tmp_path: Path, eml: str | bytes | None, *, declare: bool = True, terms=("occurrenceID", "scientificName"), row_type="Occurrence"):
    """A small DwC-A folder with ``eml`` as eml.xml (None: no eml.xml), read back with the reader."""
    folder = tmp_path / "dwca"
    folder.mkdir(parents=True)
    fields = "\n".join(f'    <field index="{i}" term="http://rs.tdwg.org/dwc/terms/{t}"/>' for i, t in enumerate(terms))
    metadata = ' metadata="eml.xml"' if declare else ""
    (folder / "meta.xml").write_text(META_XML.format(metadata=metadata, row_type=f"http://rs.tdwg.org/dwc/terms/{row_type}", fields=fields), encoding="utf-8")
    (folder / "data.txt").write_text("\t".join(terms) + "\n" + "\t".join(f"v{i}" for i in range(len(terms))) + "\n", encoding="utf-8")
    if eml is not None:
        (folder / "eml.xml").write_bytes(eml.encode("utf-8") if isinstance(eml, str) else eml)
    return read(folder)


def agent(tag: str, *, given="Jane", surname="Doe", organisation="Example Museum of Natural History", position=None, email="collections@example.org") -> str:
    parts = []
    if surname:
        parts.append(f"<individualName>{f'<givenName>{given}</givenName>' if given else ''}<surName>{surname}</surName></individualName>")
    if organisation:
        parts.append(f"<organizationName>{organisation}</organizationName>")
    if position:
        parts.append(f"<positionName>{position}</positionName>")
    if email:
        parts.append(f"<electronicMailAddress>{email}</electronicMailAddress>")
    return f"<{tag}>{''.join(parts)}</{tag}>"


CC_BY_ULINK = '<intellectualRights><para>This work is licensed under a <ulink url="http://creativecommons.org/licenses/by/4.0/legalcode"><citetitle>Creative Commons Attribution (CC-BY) 4.0 License</citetitle></ulink>.</para></intellectualRights>'
DEFAULT_ABSTRACT = "Herbarium specimens of vascular plants collected in the region since 1890."


def eml(
    *,
    title="Vascular plant specimens of the Example Herbarium",
    creators=None,
    providers=None,
    abstract=DEFAULT_ABSTRACT,
    rights=CC_BY_ULINK,
    licensed="",
    contacts=None,
    version="1.1",
    extra_dataset="",
    keywords="",
    pub_date="2024-05-01",
    prolog="",
) -> str:
    """A GBIF-profile EML document (valid as given), each part replaceable.

    version "1.1"/"1.2": EML 2.1.1 with that profile's schemaLocation; "1.3": EML 2.2.0.
    """
    creators = agent("creator") if creators is None else creators
    providers = agent("metadataProvider") if providers is None else providers
    contacts = agent("contact") if contacts is None else contacts
    if version == "1.3":
        namespace, location = "https://eml.ecoinformatics.org/eml-2.2.0", "https://rs.gbif.org/schema/eml-gbif-profile/1.3/eml.xsd"
    else:
        namespace, location = "eml://ecoinformatics.org/eml-2.1.1", f"http://rs.gbif.org/schema/eml-gbif-profile/{version}/eml.xsd"
    title_xml = f'<title xml:lang="en">{title}</title>' if title is not None else ""
    abstract_xml = f"<abstract><para>{abstract}</para></abstract>" if abstract is not None else ""
    return f"""{prolog}<eml:eml xmlns:eml="{namespace}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="{namespace} {location}" packageId="test-dataset/v1" system="http://gbif.org" scope="system" xml:lang="en">
<dataset>
  {title_xml}
  {creators}
  {providers}
  <pubDate>{pub_date}</pubDate>
  <language>en</language>
  {abstract_xml}
  {keywords}
  {rights}
  {licensed}
  {extra_dataset}
  {contacts}
</dataset>
</eml:eml>
"""


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


# -- the GBIF profile XSDs, resolved from the corpus -------------------------------------


class _CorpusSchemas(etree.Resolver):
    """Answers the profile's imports from the corpus copies (no network)."""

    def __init__(self, version: str):
        super().__init__()
        self.version = version

    def resolve(self, url, public_id, context):
        name = url.rsplit("/", 1)[-1]
        local = {
            "xml.xsd": CORPUS / "gbif-rs.gbif.org/schema/xml.xsd",  # rs.gbif.org/schema/xml.xsd and w3.org's
            "dc.xsd": PROFILE / "1.1/dc.xsd",  # the element-form dc.xsd; 1.2/ and 1.3/ have none
            "eml.xsd": PROFILE / ("1.3" if self.version == "1.3" else "1.1") / "eml.xsd",  # 1.2 reuses 1.1's
            "eml-gbif-profile.xsd": PROFILE / self.version / "eml-gbif-profile.xsd",
        }.get(name)
        if local is None:
            raise AssertionError(f"the profile imports {url}, which has no corpus copy")
        return self.resolve_filename(str(local), context)


_SCHEMAS: dict[str, etree.XMLSchema] = {}


def gbif_schema(version: str) -> etree.XMLSchema:
    corpus_or_skip()
    if version not in _SCHEMAS:
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        parser.resolvers.add(_CorpusSchemas(version))
        entry = PROFILE / ("1.3" if version == "1.3" else "1.1") / "eml.xsd"
        _SCHEMAS[version] = etree.XMLSchema(etree.parse(str(entry), parser))
    return _SCHEMAS[version]


def xsd_verdict(document: EmlDocument) -> tuple[bool, list[int]]:
    """(valid, lines of the XSD's errors) with the schema the document is written against."""
    schema = gbif_schema(document.profile or "1.1")
    valid = schema.validate(etree.ElementTree(document.root))
    return valid, [error.line for error in schema.error_log]


def assert_agrees_with_xsd(text: str) -> list:
    """The code-based profile check gives the XSD's verdict; its problems are returned."""
    document = EmlDocument("eml.xml", root=parse_xml(text.encode("utf-8"), "eml.xml"))
    problems = profile_problems(document)
    valid, lines = xsd_verdict(document)
    assert valid == (not problems), (valid, [(p.line, p.message) for p in problems], lines)
    if not valid:
        assert lines[0] in {p.line for p in problems}, (lines, [(p.line, p.message) for p in problems])
    return problems


# -- the registry ---------------------------------------------------------------------

EXPECTED = {
    # id: (severity, blocks_indexing)
    "EML_NOT_FOUND": ("error", False),
    "EML_TO_BE_CREATED": ("info", False),
    "EML_NOT_DECLARED": ("info", False),
    "EML_NOT_WELL_FORMED": ("error", False),
    "EML_GBIF_SCHEMA": ("warning", False),
    "TITLE_MISSING_OR_TOO_SHORT": ("warning", False),
    "DESCRIPTION_MISSING_OR_TOO_SHORT": ("warning", False),
    "LICENSE_MISSING_OR_UNKNOWN": ("error", True),
    "LICENSE_NOT_MACHINE_READABLE": ("warning", False),
    "RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE": ("warning", False),
    "CONTACT_EMAIL_MISSING": ("warning", False),
    "IDIGBIO_GUID_SOURCE_MISSING": ("warning", False),
}


def test_registered_metadata_checks():
    registered = {c.id: (c.severity, c.blocks_indexing) for c in METADATA_CHECKS}
    assert registered == EXPECTED
    for check in METADATA_CHECKS:
        assert check.level == "archive" and check.dimension == "metadata"
        sentences = re.findall(r"[.!?](?:\s|$)", check.explanation)
        assert 2 <= len(sentences) <= 5, (check.id, check.explanation)
        assert re.search(r"IPT|eml\.xml|meta\.xml", check.explanation), check.id  # says how to fix it
    assert next(c for c in METADATA_CHECKS if c.id == "IDIGBIO_GUID_SOURCE_MISSING").terms == ("http://rs.tdwg.org/dwc/terms/occurrenceID",)
    assert all(c.terms == () for c in METADATA_CHECKS if c.id != "IDIGBIO_GUID_SOURCE_MISSING")


# -- the code-based profile check agrees with the XSDs on every corpus eml -------------


def _corpus_eml_documents() -> dict[str, tuple[str, bytes]]:
    """Every distinct EML document of the corpus: loose files and those inside archives."""
    documents: dict[str, tuple[str, bytes]] = {}
    for path in sorted(CORPUS.rglob("*.xml")):
        data = path.read_bytes()
        try:
            root = parse_xml(data, path.name)
        except ArchiveError:
            continue
        if etree.QName(root).localname == "eml":
            documents.setdefault(hashlib.sha1(data).hexdigest(), (corpus_id(path), data))
    return documents


def test_profile_check_agrees_with_the_xsd_on_every_corpus_eml(tmp_path):
    """Same verdict as the profile XSD on every eml of the corpus, and the XSD's first error is
    among the lines reported. Where the two could not agree it would be listed here with the
    reason; today there is no such file (the XSD checks attributes too, and so does the code).
    Not modelled in code, and so accepted whatever they hold: the inside of <methods>,
    <project>, <description>, <dataFormat>, <jgtiCuratorialUnit>, 1.3's text blocks (abstract,
    purpose, introduction, ...); no corpus file breaks the schema there."""
    corpus_or_skip()
    documents = _corpus_eml_documents()
    for number, path in enumerate(archives()):
        try:
            archive = read(materialize(path, tmp_path / str(number)))
        except ArchiveError:
            continue
        if archive.eml_xml:
            documents.setdefault(hashlib.sha1(archive.eml_xml).hexdigest(), (f"{corpus_id(path)}!{archive.metadata_file}", archive.eml_xml))
    assert len(documents) > 80
    verdicts = {"valid": 0, "invalid": 0}
    disagreements = []
    for name, data in documents.values():
        try:
            document = EmlDocument(name, root=parse_xml(data, name))
        except ArchiveError:
            continue  # not well-formed: EML_NOT_WELL_FORMED, no schema verdict
        problems = profile_problems(document)
        valid, lines = xsd_verdict(document)
        verdicts["valid" if valid else "invalid"] += 1
        if valid != (not problems) or (not valid and lines[0] not in {p.line for p in problems}):
            disagreements.append((name, valid, lines[:3], [(p.line, p.message) for p in problems[:3]]))
    assert not disagreements, disagreements
    assert verdicts["valid"] >= 25 and verdicts["invalid"] >= 40, verdicts


# -- the validators' own test files, one by one -----------------------------------------


def test_gbif_data_validator_eml_content_issue(tmp_path):
    """GBIF's validator expects four content issues here (its BasicMetadataEvaluator test):
    licence, title, description, contacts; the XSD also rejects it (no creator, no contact)."""
    corpus_or_skip()
    archive = read(materialize(DATA_VALIDATOR / "dwca/dwca-eml-content-issue", tmp_path))
    text = archive.eml_xml.decode("utf-8")
    found = findings(archive)
    assert set(found) == {"TITLE_MISSING_OR_TOO_SHORT", "DESCRIPTION_MISSING_OR_TOO_SHORT", "LICENSE_MISSING_OR_UNKNOWN", "RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE", "EML_GBIF_SCHEMA"}

    [title] = found["TITLE_MISSING_OR_TOO_SHORT"]
    assert (title.file, title.line) == ("eml.xml", 9) and line_of(text, "<title") == 9
    assert '"Di"' in title.message and "2 characters" in title.message

    [description] = found["DESCRIPTION_MISSING_OR_TOO_SHORT"]
    assert description.line == line_of(text, "<abstract>") == 27 and "21 characters" in description.message  # "too short description"

    # The rights text is a CC0-like waiver in prose, without the licence link GBIF reads.
    [licence] = found["LICENSE_MISSING_OR_UNKNOWN"]
    assert licence.line == line_of(text, "<intellectualRights>") == 52 and "names no licence" in licence.message

    contacts = found["RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE"]
    assert sorted(f.message for f in contacts) == ["the dataset has no <contact>", "the dataset has no <creator>, so GBIF cannot name its authors"]
    assert all(f.line == 8 for f in contacts)  # <dataset>

    [schema] = found["EML_GBIF_SCHEMA"]
    assert schema.line == 10 and "<creator> is missing" in schema.message  # where <associatedParty> stands


def test_pipelines_validator_eml_content_issues_file(tmp_path):
    corpus_or_skip()
    text = (PIPELINES_VALIDATOR / "validator-core/src/test/resources/dwca/eml-content-issues.xml").read_text(encoding="utf-8")
    found = findings(make_archive(tmp_path, text))
    assert {"TITLE_MISSING_OR_TOO_SHORT", "DESCRIPTION_MISSING_OR_TOO_SHORT", "LICENSE_MISSING_OR_UNKNOWN", "RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE"} <= set(found)
    assert '"too" has 3 characters' in found["DESCRIPTION_MISSING_OR_TOO_SHORT"][0].message
    assert "LICENSE_NOT_MACHINE_READABLE" not in found


def test_pipelines_validator_plain_eml(tmp_path):
    """'Tim 100 records': schema-valid, but no licence at all and a 15-character abstract."""
    corpus_or_skip()
    text = (PIPELINES_VALIDATOR / "validator-core/src/test/resources/dwca/eml.xml").read_text(encoding="utf-8")
    found = findings(make_archive(tmp_path, text))
    assert set(found) == {"LICENSE_MISSING_OR_UNKNOWN", "DESCRIPTION_MISSING_OR_TOO_SHORT", "CONTACT_EMAIL_MISSING"}
    assert "states no licence" in found["LICENSE_MISSING_OR_UNKNOWN"][0].message
    assert "15 characters" in found["DESCRIPTION_MISSING_OR_TOO_SHORT"][0].message


def test_pipelines_validator_ebird_valid_and_invalid(tmp_path):
    """GBIF's schema test: ebird-eml.xml passes, invalid-ebird-eml.xml gives exactly one error
    (the made-up <title2>). Otherwise the eBird metadata is complete (CC0 link, contacts)."""
    corpus_or_skip()
    folder = PIPELINES_VALIDATOR / "validator-eml/src/test/resources/xml"
    valid = make_archive(tmp_path / "valid", (folder / "ebird-eml.xml").read_bytes())
    assert findings(valid) == {}
    assert metadata_summary(valid)["title"] == "EOD - eBird Observation Dataset"

    invalid = findings(make_archive(tmp_path / "invalid", (folder / "invalid-ebird-eml.xml").read_bytes()))
    assert set(invalid) == {"EML_GBIF_SCHEMA"}
    [schema] = invalid["EML_GBIF_SCHEMA"]
    assert schema.line == 14 and "<title2> is not an element the GBIF profile allows in <dataset>" == schema.message


def test_gbif_dwca_validator_eml_and_broken_eml(tmp_path):
    """The old dwca-validator pair: broken_eml.xml lacks <metadataProvider>, required by profile
    1.1. Both state CC0 only as a bare URL in the rights text: recognised, but not as GBIF's
    machine-readable link. Their contact has no e-mail address."""
    corpus_or_skip()
    good = findings(make_archive(tmp_path / "good", (DWCA_VALIDATOR / "eml.xml").read_bytes()))
    assert set(good) == {"LICENSE_NOT_MACHINE_READABLE", "CONTACT_EMAIL_MISSING"}
    assert good["CONTACT_EMAIL_MISSING"][0].line == 85
    [prose] = good["LICENSE_NOT_MACHINE_READABLE"]
    assert prose.line == 59 and "CC0 1.0" in prose.message

    broken = findings(make_archive(tmp_path / "broken", (DWCA_VALIDATOR / "broken_eml.xml").read_bytes()))
    assert set(broken) == {"LICENSE_NOT_MACHINE_READABLE", "CONTACT_EMAIL_MISSING", "EML_GBIF_SCHEMA"}
    [schema] = broken["EML_GBIF_SCHEMA"]
    assert schema.line == 20 and schema.message == "<metadataProvider> is missing in <dataset>; it is required before <pubDate>"


def test_archive_with_cc0_licence_url_is_accepted(tmp_path):
    corpus_or_skip()
    archive = read(materialize(DATA_VALIDATOR / "dwc-data-integrity/dwca-null-core-id", tmp_path))
    found = findings(archive)
    assert "LICENSE_MISSING_OR_UNKNOWN" not in found and "LICENSE_NOT_MACHINE_READABLE" not in found
    summary = metadata_summary(archive)
    assert (summary["licence"], summary["licence_label"], summary["licence_accepted"]) == ("CC0-1.0", "CC0 1.0", True)


def test_clean_ipt_archive_has_no_metadata_findings(tmp_path):
    corpus_or_skip()
    archive = read(CORPUS / "gbif-dnoesgaard-openOccurrences/dwca-openoccurrences.zip")
    assert findings(archive) == {}
    summary = metadata_summary(archive)
    assert summary["title"] == "Open occurrences" and summary["licence"] == "CC0-1.0"
    assert summary["creators"] and summary["contacts"] and summary["abstract_length"] >= 25


def test_archive_without_eml_is_reported_on_meta_xml(tmp_path):
    corpus_or_skip()
    declared = read(CORPUS / "python-dwca-reader/dwca/test/sample_files/dwca-invalid-lacks-metadata")
    [finding] = findings(declared)["EML_NOT_FOUND"]
    assert finding.file == "meta.xml" and "eml.xml" in finding.message and finding.line == 1
    assert metadata_summary(declared)["readable"] is False


_ARCHIVES = archives()


@pytest.mark.parametrize("path", _ARCHIVES, ids=[corpus_id(p) for p in _ARCHIVES])
def test_every_corpus_archive_runs_the_metadata_checks(path, tmp_path):
    corpus_or_skip()
    try:
        archive = read(materialize(path, tmp_path))
    except ArchiveError:
        return  # unreadable input is the reader's and structure's business
    results = run(archive, METADATA_CHECKS)
    assert not [f for f in results.failures if f.check == CHECK_FAILED], results.failures
    for finding in results.archive_findings:
        if finding.check in ("EML_NOT_FOUND", "EML_NOT_DECLARED"):
            assert finding.file.endswith("meta.xml")
        elif finding.check not in ("EML_TO_BE_CREATED", "IDIGBIO_GUID_SOURCE_MISSING"):
            assert finding.file == archive.metadata_file
    summary = metadata_summary(archive)
    assert summary["readable"] == (archive.eml_xml is not None and not results.findings_of("EML_NOT_WELL_FORMED"))


# -- synthetic: the profile ------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.1", "1.2", "1.3"])
def test_template_is_valid_and_clean(version, tmp_path):
    text = eml(version=version)
    assert assert_agrees_with_xsd(text) == []
    assert findings(make_archive(tmp_path, text)) == {}


def test_missing_creator(tmp_path):
    text = eml(creators="")
    problems = assert_agrees_with_xsd(text)
    assert problems[0].message.startswith("<creator> is missing in <dataset>")
    found = findings(make_archive(tmp_path, text))
    assert found["RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE"][0].message == "the dataset has no <creator>, so GBIF cannot name its authors"
    assert set(found) == {"RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE", "EML_GBIF_SCHEMA"}


def test_metadata_provider_required_in_profile_11_only():
    assert assert_agrees_with_xsd(eml(providers="", version="1.1"))[0].message == "<metadataProvider> is missing in <dataset>; it is required before <pubDate>"
    assert assert_agrees_with_xsd(eml(providers="", version="1.2")) == []
    assert assert_agrees_with_xsd(eml(providers="", version="1.3")) == []


@pytest.mark.parametrize(
    "change, expected",
    [
        (dict(pub_date="15/05/2024"), '<pubDate> in <dataset>: "15/05/2024" is not a year or a date'),
        (dict(pub_date="2024-02-30"), "is not a year or a date"),
        (dict(pub_date="2024"), None),
        (dict(title=" "), "<title> in <dataset>: is empty"),
        (dict(extra_dataset="<coverage><geographicCoverage><geographicDescription>Norway</geographicDescription><boundingCoordinates><westBoundingCoordinate>4,5</westBoundingCoordinate><eastBoundingCoordinate>31</eastBoundingCoordinate><northBoundingCoordinate>71</northBoundingCoordinate><southBoundingCoordinate>58</southBoundingCoordinate></boundingCoordinates></geographicCoverage></coverage>"), "write the decimal with a point"),
        (dict(keywords="<keywordSet><keyword>Occurrence</keyword></keywordSet>"), "<keywordThesaurus> is missing in <keywordSet>"),
        (dict(keywords="<keywordSet><keyword>Occurrence</keyword><keywordThesaurus>GBIF Dataset Type Vocabulary</keywordThesaurus></keywordSet>"), None),
        (dict(extra_dataset="<keywordSet><keyword>Occurrence</keyword><keywordThesaurus>GBIF</keywordThesaurus></keywordSet>"), "<contact> is missing in <dataset>, or <keywordSet> is out of place"),
        (dict(extra_dataset="<maintenance><description><para/></description><maintenanceUpdateFrequency>sometimes</maintenanceUpdateFrequency></maintenance>"), "is not one of the profile's values"),
        (dict(extra_dataset="<collectionName>Herbarium</collectionName>"), "<collectionName> is not an element the GBIF profile allows in <dataset>"),
        (dict(creators=agent("creator") + "<language>fr</language>"), "<metadataProvider> is missing in <dataset>"),
        (dict(contacts=agent("contact").replace("<contact>", '<contact id="c1">')), "has the attribute id"),
        (dict(rights='<intellectualRights><para><ulink url="http://creativecommons.org/licenses/by/4.0/legalcode">CC BY</ulink></para></intellectualRights>'), "<citetitle> is missing in <ulink>"),
    ],
)
def test_profile_rules_agree_with_the_xsd(change, expected):
    problems = assert_agrees_with_xsd(eml(**change))
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p.message for p in problems), [p.message for p in problems]


def test_profile_13_accepts_agent_ids_and_licensed():
    text = eml(version="1.3", contacts=agent("contact").replace("<contact>", '<contact id="c1">'), licensed="<licensed><licenseName>CC0 1.0</licenseName></licensed>")
    assert assert_agrees_with_xsd(text) == []


def test_eml_210_namespace_is_not_the_profile():
    text = eml().replace("eml-2.1.1", "eml-2.1.0")
    [problem] = assert_agrees_with_xsd(text)
    assert "eml-2.1.0" in problem.message and problem.line in (1, 2)  # the root's start tag spans two lines


def test_profile_problems_carry_lines(tmp_path):
    text = eml(pub_date="someday")
    [finding] = findings(make_archive(tmp_path, text))["EML_GBIF_SCHEMA"]
    assert finding.file == "eml.xml" and finding.line == line_of(text, "<pubDate>")


# -- synthetic: title, description, contacts ---------------------------------------------


def test_title_too_short_and_missing(tmp_path):
    text = eml(title="Plants")
    [short] = findings(make_archive(tmp_path / "a", text))["TITLE_MISSING_OR_TOO_SHORT"]
    assert short.line == line_of(text, "<title") and "6 characters" in short.message
    [missing] = findings(make_archive(tmp_path / "b", eml(title=None)))["TITLE_MISSING_OR_TOO_SHORT"]
    assert missing.message == "the dataset title is missing"
    assert "TITLE_MISSING_OR_TOO_SHORT" not in findings(make_archive(tmp_path / "c", eml(title="Plants 1890")))  # 11 characters


def test_description_too_short_and_missing(tmp_path):
    text = eml(abstract="Plant specimens.")
    [short] = findings(make_archive(tmp_path / "a", text))["DESCRIPTION_MISSING_OR_TOO_SHORT"]
    assert short.line == line_of(text, "<abstract>") and "16 characters" in short.message
    found = findings(make_archive(tmp_path / "b", eml(abstract=None)))
    assert found["DESCRIPTION_MISSING_OR_TOO_SHORT"][0].message == "the dataset description (abstract) is missing"
    # Exactly 25 characters is enough (GBIF's threshold).
    assert "DESCRIPTION_MISSING_OR_TOO_SHORT" not in findings(make_archive(tmp_path / "c", eml(abstract="x" * 25)))


def test_creator_without_a_name(tmp_path):
    text = eml(creators=agent("creator", surname=None, organisation=None, position="Collections Manager"))
    found = findings(make_archive(tmp_path, text))
    [incomplete] = found["RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE"]
    assert "only the position" in incomplete.message and incomplete.line == line_of(text, "<creator>")
    assert "EML_GBIF_SCHEMA" not in found  # a position is a valid agent for the schema


def test_creator_named_by_organisation_only_is_complete(tmp_path):
    found = findings(make_archive(tmp_path, eml(creators=agent("creator", surname=None))))
    assert "RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE" not in found


def test_missing_contact_and_contact_email(tmp_path):
    no_contact = findings(make_archive(tmp_path / "a", eml(contacts="")))
    assert "the dataset has no <contact>" in [f.message for f in no_contact["RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE"]]
    text = eml(contacts=agent("contact", email=None))
    [email] = findings(make_archive(tmp_path / "b", text))["CONTACT_EMAIL_MISSING"]
    assert email.line == line_of(text, "<contact>") and "Jane Doe" in email.message


# -- synthetic: licences --------------------------------------------------------------


def _rights_link(url: str, title: str = "licence") -> str:
    return f'<intellectualRights><para>Licensed under <ulink url="{url}"><citetitle>{title}</citetitle></ulink>.</para></intellectualRights>'


@pytest.mark.parametrize(
    "url, spdx",
    [
        ("http://creativecommons.org/publicdomain/zero/1.0/legalcode", "CC0-1.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0", "CC0-1.0"),
        ("http://creativecommons.org/licenses/by/4.0/legalcode", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by/4.0/legalcode.en", "CC-BY-4.0"),
        ("http://creativecommons.org/licenses/by-nc/4.0/legalcode", "CC-BY-NC-4.0"),
        ("HTTPS://CREATIVECOMMONS.ORG/LICENSES/BY-NC/4.0", "CC-BY-NC-4.0"),
    ],
)
def test_accepted_licence_urls(url, spdx, tmp_path):
    archive = make_archive(tmp_path, eml(rights=_rights_link(url, "some title")))
    found = findings(archive)
    assert not {"LICENSE_MISSING_OR_UNKNOWN", "LICENSE_NOT_MACHINE_READABLE"} & set(found)
    assert metadata_summary(archive)["licence"] == spdx


def test_licence_by_citetitle_when_the_url_is_not_a_licence(tmp_path):
    found = findings(make_archive(tmp_path, eml(rights=_rights_link("http://example.org/terms", "CC BY-NC 4.0"))))
    assert not {"LICENSE_MISSING_OR_UNKNOWN", "LICENSE_NOT_MACHINE_READABLE"} & set(found)


@pytest.mark.parametrize(
    "text, spdx",
    [
        ("CC BY 4.0", "CC-BY-4.0"),
        ("This work is licensed under a Creative Commons Attribution 4.0 International License.", "CC-BY-4.0"),
        ("CC0", "CC0-1.0"),
        ("Released under CC-BY-NC 4.0", "CC-BY-NC-4.0"),
        ("See https://creativecommons.org/licenses/by-nc/4.0/legalcode for terms", "CC-BY-NC-4.0"),
    ],
)
def test_licence_written_as_text_is_recognised_but_not_machine_readable(text, spdx, tmp_path):
    archive = make_archive(tmp_path, eml(rights=f"<intellectualRights><para>{text}</para></intellectualRights>"))
    found = findings(archive)
    assert "LICENSE_MISSING_OR_UNKNOWN" not in found
    [prose] = found["LICENSE_NOT_MACHINE_READABLE"]
    assert GBIF_LABEL[spdx] in prose.message
    assert metadata_summary(archive)["licence"] == spdx


GBIF_LABEL = {"CC0-1.0": "CC0 1.0", "CC-BY-4.0": "CC BY 4.0", "CC-BY-NC-4.0": "CC BY-NC 4.0"}


@pytest.mark.parametrize(
    "licensed",
    [
        "<licensed><licenseName>Creative Commons Attribution 4.0 International</licenseName><url>https://spdx.org/licenses/CC-BY-4.0.html</url><identifier>CC-BY-4.0</identifier></licensed>",
        "<licensed><licenseName>Creative Commons Zero v1.0 Universal</licenseName><url>https://creativecommons.org/publicdomain/zero/1.0/</url></licensed>",
    ],
)
def test_licence_in_eml_22_licensed_element(licensed, tmp_path):
    text = eml(version="1.3", rights="", licensed=licensed)
    assert assert_agrees_with_xsd(text) == []
    found = findings(make_archive(tmp_path, text))
    assert found == {}


@pytest.mark.parametrize(
    "url, label",
    [
        ("https://creativecommons.org/licenses/by-sa/4.0/legalcode", "CC BY-SA 4.0"),
        ("http://creativecommons.org/licenses/by/3.0/", "CC BY 3.0"),
        ("http://creativecommons.org/licenses/by-nc-nd/4.0/", "CC BY-NC-ND 4.0"),
        ("https://opendatacommons.org/licenses/odbl/1.0/", "Open Data Commons ODbL 1.0"),
    ],
)
def test_unaccepted_licence_blocks_indexing(url, label, tmp_path):
    text = eml(rights=_rights_link(url))
    [finding] = findings(make_archive(tmp_path, text))["LICENSE_MISSING_OR_UNKNOWN"]
    assert label in finding.message and "CC0 1.0, CC BY 4.0 or CC BY-NC 4.0" in finding.message
    assert finding.line == line_of(text, "<ulink")
    assert next(c for c in METADATA_CHECKS if c.id == finding.check).blocks_indexing


def test_unaccepted_licence_in_text(tmp_path):
    text = eml(rights="<intellectualRights><para>Creative Commons Attribution-ShareAlike 4.0 International</para></intellectualRights>")
    [finding] = findings(make_archive(tmp_path, text))["LICENSE_MISSING_OR_UNKNOWN"]
    assert "CC BY-SA 4.0" in finding.message


def test_an_accepted_link_wins_over_an_unaccepted_one(tmp_path):
    rights = '<intellectualRights><para>Images: <ulink url="https://creativecommons.org/licenses/by-sa/4.0/"><citetitle>CC BY-SA</citetitle></ulink></para></intellectualRights>'
    # The profile allows one <ulink> per <para>, so the second licence sits in <licensed> (EML 2.2).
    text = eml(version="1.3", rights=rights, licensed="<licensed><licenseName>CC0</licenseName></licensed>")
    archive = make_archive(tmp_path, text)
    assert "LICENSE_MISSING_OR_UNKNOWN" not in findings(archive)
    assert metadata_summary(archive)["licence"] == "CC0-1.0"


def test_no_rights_statement_and_public_domain_waiver(tmp_path):
    [none] = findings(make_archive(tmp_path / "a", eml(rights="")))["LICENSE_MISSING_OR_UNKNOWN"]
    assert none.message == "the metadata states no licence (no <intellectualRights> text)"
    waiver = "<intellectualRights><para>The publisher has dedicated these data to the public domain.</para></intellectualRights>"
    [prose] = findings(make_archive(tmp_path / "b", eml(rights=waiver)))["LICENSE_MISSING_OR_UNKNOWN"]
    assert "names no licence GBIF can recognise" in prose.message


@pytest.mark.parametrize(
    "text, expected",
    [
        ("http://creativecommons.org/publicdomain/zero/1.0/legalcode", ("CC0-1.0", "CC0 1.0")),
        ("creativecommons.org/publicdomain/zero/1.0", ("CC0-1.0", "CC0 1.0")),
        ("Public Domain (CC0 1.0)", ("CC0-1.0", "CC0 1.0")),
        ("This work is licensed under a Creative Commons CCZero 1.0 License", ("CC0-1.0", "CC0 1.0")),
        ("cc-zero", ("CC0-1.0", "CC0 1.0")),
        ("CC-BY", ("CC-BY-4.0", "CC BY 4.0")),
        ("Creative Commons Attribution (CC-BY) 4.0 License", ("CC-BY-4.0", "CC BY 4.0")),
        ("Creative Commons Attribution Non Commercial (CC-BY-NC) 4.0 License", ("CC-BY-NC-4.0", "CC BY-NC 4.0")),
        ("CC-BY-NC-4.0", ("CC-BY-NC-4.0", "CC BY-NC 4.0")),
        ("CC-BY-NC", ("CC-BY-NC-4.0", "CC BY-NC 4.0")),
        ("CC BY-SA", ("CC-BY-SA", "CC BY-SA")),  # no version assumed for a licence GBIF does not accept
        ("Creative Commons Attribution-NonCommercial-ShareAlike 4.0", ("CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0")),
        ("Creative Commons Attribution 3.0 Unported", ("CC-BY-3.0", "CC BY 3.0")),
        ("https://creativecommons.org/licenses/by/3.0/legalcode", ("CC-BY-3.0", "CC BY 3.0")),
        ("http://creativecommons.org/publicdomain/mark/1.0/", ("PDM-1.0", "Public Domain Mark 1.0")),
        ("To the extent possible under law, the publisher has waived all rights to these data", None),
        ("Creative Commons: publicdomain", None),
        ("All rights reserved", None),
        ("", None),
    ],
)
def test_recognise_licence(text, expected):
    assert recognise_licence(text) == expected


def test_find_licence_prefers_the_link_over_the_prose():
    root = parse_xml(eml(rights='<intellectualRights><para>CC BY 4.0 <ulink url="http://creativecommons.org/publicdomain/zero/1.0/"><citetitle>CC0</citetitle></ulink></para></intellectualRights>').encode(), "eml.xml")
    licence = find_licence(EmlDocument("eml.xml", root=root).dataset)
    assert (licence.spdx, licence.machine_readable, licence.accepted) == ("CC0-1.0", True, True)


# -- synthetic: broken and unsafe documents --------------------------------------------


def test_not_well_formed_eml_has_its_line(tmp_path):
    text = eml().replace("<language>en</language>", "<language>en</langauge>")
    found = findings(make_archive(tmp_path, text))
    assert set(found) == {"EML_NOT_WELL_FORMED"}  # nothing else can be read
    [broken] = found["EML_NOT_WELL_FORMED"]
    assert broken.file == "eml.xml" and broken.line == line_of(text, "</langauge>")
    assert "not well-formed" in broken.message


@pytest.mark.parametrize(
    "prolog",
    [
        '<?xml version="1.0"?>\n<!DOCTYPE eml:eml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
        '<?xml version="1.0"?>\n<!DOCTYPE eml:eml [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n',
    ],
    ids=["external-entity", "entity-expansion"],
)
def test_xml_entities_are_refused_safely(prolog, tmp_path):
    text = eml(prolog=prolog, title="&xxe;" if "xxe" in prolog else "&b;")
    archive = make_archive(tmp_path, text)
    found = findings(archive)
    assert set(found) == {"EML_NOT_WELL_FORMED"}
    [refused] = found["EML_NOT_WELL_FORMED"]
    assert "refused for safety" in refused.message
    assert "root:" not in refused.message and "lol" not in refused.message
    summary = metadata_summary(archive)
    assert summary["readable"] is False and summary["title"] is None


# -- synthetic: archive-level cases ------------------------------------------------------


def test_dwca_without_eml(tmp_path):
    found = findings(make_archive(tmp_path, None, declare=False))
    assert set(found) == {"EML_NOT_FOUND"}
    assert found["EML_NOT_FOUND"][0].file == "meta.xml"


def test_eml_found_but_not_declared(tmp_path):
    found = findings(make_archive(tmp_path, eml(), declare=False))
    assert set(found) == {"EML_NOT_DECLARED"}
    assert found["EML_NOT_DECLARED"][0].line == 1


def test_plain_table_gets_an_ipt_note(tmp_path):
    table = tmp_path / "occurrences.csv"
    table.write_text("occurrenceID,scientificName\nurn:x:1,Abies alba\n", encoding="utf-8")
    found = findings(read(table))
    assert set(found) == {"EML_TO_BE_CREATED"}
    assert "IPT" in found["EML_TO_BE_CREATED"][0].message


def test_idigbio_guid_source(tmp_path):
    missing = findings(make_archive(tmp_path / "a", eml(), terms=("catalogNumber", "scientificName")))
    [guid] = missing["IDIGBIO_GUID_SOURCE_MISSING"]
    assert guid.file == "data.txt" and guid.term == "http://rs.tdwg.org/dwc/terms/occurrenceID"
    assert "IDIGBIO_GUID_SOURCE_MISSING" not in findings(make_archive(tmp_path / "b", eml()))
    checklist = make_archive(tmp_path / "c", eml(), terms=("taxonID", "scientificName"), row_type="Taxon")
    assert "IDIGBIO_GUID_SOURCE_MISSING" not in findings(checklist)


# -- the dataset card ------------------------------------------------------------------


def test_metadata_summary(tmp_path):
    summary = metadata_summary(make_archive(tmp_path, eml(creators=agent("creator") + agent("creator", given=None, surname="Smith", organisation=None, email=None))))
    assert summary == {
        "file": "eml.xml",
        "readable": True,
        "title": "Vascular plant specimens of the Example Herbarium",
        "licence": "CC-BY-4.0",
        "licence_label": "CC BY 4.0",
        "licence_accepted": True,
        "creators": ["Jane Doe (Example Museum of Natural History) <collections@example.org>", "Smith"],
        "contacts": ["Jane Doe (Example Museum of Natural History) <collections@example.org>"],
        "pubDate": "2024-05-01",
        "language": "en",
        "abstract_length": len(DEFAULT_ABSTRACT),
    }


def test_metadata_summary_of_unaccepted_and_missing_licences(tmp_path):
    unaccepted = metadata_summary(make_archive(tmp_path / "a", eml(rights=_rights_link("https://creativecommons.org/licenses/by-sa/4.0/"))))
    assert (unaccepted["licence"], unaccepted["licence_accepted"]) == ("CC-BY-SA-4.0", False)
    none = metadata_summary(make_archive(tmp_path / "b", eml(rights="")))
    assert (none["licence"], none["licence_accepted"]) == (None, False)
