"""Metadata checks: the dataset's eml.xml, as GBIF's data validator and iDigBio read it.

Ids follow GBIF's validator (``EvaluationType``) where the meaning is the same:
EML_NOT_FOUND, EML_GBIF_SCHEMA, LICENSE_MISSING_OR_UNKNOWN, TITLE_MISSING_OR_TOO_SHORT,
DESCRIPTION_MISSING_OR_TOO_SHORT, RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE. The others are
ours and say what GBIF's names do not (a broken XML file, a licence written only as prose,
iDigBio's GUID source).

What GBIF does, and so what these checks do:

- The licence. GBIF accepts three: CC0 1.0, CC BY 4.0 and CC BY-NC 4.0; its validator treats a
  missing or unknown licence as the one metadata problem that stops indexing. GBIF's metadata
  parser reads the licence from the machine-readable link the IPT writes,
  ``<intellectualRights><para>... <ulink url="..."><citetitle>...</citetitle></ulink></para>``
  (the URL first, then the title). Here the EML 2.2 ``<licensed>`` element counts as machine
  readable too, and a licence named only in the prose of ``<intellectualRights>`` (a URL or a
  name such as "CC BY 4.0") is recognised, but reported as LICENSE_NOT_MACHINE_READABLE,
  because GBIF's parser does not see it. A prose waiver ("dedicated to the public domain")
  names no licence.
- Title at least 10 characters, description (abstract) at least 25 (GBIF's thresholds).
- Contacts: GBIF builds the citation's authors from the creators (and metadata providers),
  each of whom needs a name; the profile also requires a contact.
- The GBIF Metadata Profile (profiles 1.1 and 1.2 on EML 2.1.1, 1.3 on EML 2.2.0) is written out
  below as a compact content model in code: the required elements, their order, the elements and
  attributes the profile knows, and the simple types that matter (non-empty text, dates,
  decimals, the update-frequency values). It covers
  the dataset, its agents, coverage, maintenance and the ``additionalMetadata/gbif`` block; the
  free-text blocks (methods, project, paragraphs, sections) are accepted as they are. The
  schema files themselves are not read.

Every finding names the metadata file and, where there is one, the line of the element.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Iterable, Union

from lxml import etree

from dwcqa.archive.model import Archive
from dwcqa.archive.xmlsafe import local_name, namespace_of, parse_xml
from dwcqa.checks.context import Context
from dwcqa.checks.registry import ArchiveFinding, archive_check
from dwcqa.errors import ArchiveError
from dwcqa.terms import DWC

EML_211 = "eml://ecoinformatics.org/eml-2.1.1"
EML_220 = "https://eml.ecoinformatics.org/eml-2.2.0"
DC_TERMS_NS = "http://purl.org/dc/terms/"
XML_BRACED = "{http://www.w3.org/XML/1998/namespace}"
XSI_BRACED = "{http://www.w3.org/2001/XMLSchema-instance}"
MIN_TITLE_LENGTH = 10
MIN_DESCRIPTION_LENGTH = 25
# The licences GBIF accepts, by SPDX id, with the name people know them by.
GBIF_LICENCES = {"CC0-1.0": "CC0 1.0", "CC-BY-4.0": "CC BY 4.0", "CC-BY-NC-4.0": "CC BY-NC 4.0"}
ACCEPTED_TEXT = "CC0 1.0, CC BY 4.0 or CC BY-NC 4.0"
OCCURRENCE_ROW_TYPES = (DWC + "Occurrence", DWC + "DarwinCore")


# -- the eml document, parsed once per run ---------------------------------------------


@dataclass
class EmlDocument:
    file: str
    root: etree._Element | None = None
    error: ArchiveError | None = None

    @property
    def dataset(self) -> etree._Element | None:
        if self.root is None:
            return None
        return _child(self.root, "dataset")

    @property
    def profile(self) -> str | None:
        """The GBIF profile version the document is written against (None: not GBIF's EML)."""
        if self.root is None or local_name(self.root) != "eml":
            return None
        namespace = namespace_of(self.root)
        if namespace == EML_220:
            return "1.3"
        if namespace != EML_211:
            return None
        location = self.root.get(XSI_BRACED + "schemaLocation") or ""
        return "1.2" if "eml-gbif-profile/1.2/" in location else "1.1"


def load_eml(archive: Archive) -> EmlDocument | None:
    """The archive's metadata document, parsed safely; None when the archive has none."""
    if archive.eml_xml is None:
        return None
    name = archive.metadata_file or "eml.xml"
    try:
        return EmlDocument(name, root=parse_xml(archive.eml_xml, name))
    except ArchiveError as error:
        return EmlDocument(name, error=error)


def _document(context: Context) -> EmlDocument | None:
    return context.cached(("metadata", "eml"), lambda: load_eml(context.archive))


def _readable(context: Context) -> EmlDocument | None:
    """The parsed document when there is one that parsed; content checks need nothing less."""
    document = _document(context)
    return document if document is not None and document.root is not None else None


# -- small XML helpers ----------------------------------------------------------------


def _elements(parent: etree._Element) -> list[etree._Element]:
    return [c for c in parent if isinstance(c.tag, str)]


def _child(parent: etree._Element | None, name: str) -> etree._Element | None:
    if parent is None:
        return None
    return next((c for c in _elements(parent) if local_name(c) == name), None)


def _children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    if parent is None:
        return []
    return [c for c in _elements(parent) if local_name(c) == name]


def _descendants(parent: etree._Element | None, name: str) -> list[etree._Element]:
    if parent is None:
        return []
    return [e for e in parent.iter() if isinstance(e.tag, str) and local_name(e) == name]


def _text(element: etree._Element | None) -> str:
    """All text inside, whitespace collapsed (comments left out)."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _line(*elements: etree._Element | None) -> int | None:
    for element in elements:
        if element is not None and element.sourceline:
            return element.sourceline
    return None


def _quote(text: str, limit: int = 60) -> str:
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1]}…"'


# -- licences -------------------------------------------------------------------------


@dataclass(frozen=True)
class Licence:
    """A licence recognised in the metadata."""

    spdx: str  # e.g. "CC-BY-4.0", "CC-BY-SA-4.0", "ODbL-1.0"
    label: str  # e.g. "CC BY 4.0"
    machine_readable: bool = False  # from <ulink url> / <citetitle> or <licensed>
    line: int | None = None

    @property
    def accepted(self) -> bool:
        return self.spdx in GBIF_LICENCES


_CC_URL = re.compile(
    r"creativecommons\.org/(?:publicdomain/(?P<pd>zero|mark)/(?P<pdv>\d+\.\d+)|licenses/(?P<kind>[a-z-]+)/(?P<v>\d+\.\d+))",
    re.IGNORECASE,
)
_ODC_URL = re.compile(r"opendatacommons\.org/licenses/(?P<kind>pddl|by|odbl)(?:/(?P<v>\d+\.\d+))?", re.IGNORECASE)
_WORDS = (
    (re.compile(r"creative\s*commons", re.IGNORECASE), "cc"),
    (re.compile(r"attribution", re.IGNORECASE), "by"),
    (re.compile(r"non[\s-]*commercial", re.IGNORECASE), "nc"),
    (re.compile(r"share[\s-]*alike", re.IGNORECASE), "sa"),
    (re.compile(r"no[\s-]*deriv(?:ative)?s?", re.IGNORECASE), "nd"),
)
_CC0_NAME = re.compile(r"\bcc[\s_-]*(?:0|zero)(?![\d.])(?:[\s_-]*(?:v|version)?\s*(?P<v>\d\.\d))?", re.IGNORECASE)
_CC_BY_NAME = re.compile(r"\bcc[\s_:-]*by(?P<mods>(?:[\s_-]*\b(?:nc|sa|nd)\b)*)", re.IGNORECASE)
_VERSION_NEAR = re.compile(r"^[\s()_:,-]*(?:cc[\s_-]*by[a-z\s_-]*\)?[\s_-]*)?(?:license|licence|international|unported|generic|v|version|\s|[()_:,-])*(?P<v>\d\.\d)\b", re.IGNORECASE)


def _cc(mods: Iterable[str], version: str | None) -> tuple[str, str]:
    order = [m for m in ("nc", "sa", "nd") if m in mods]
    if version is None and order in ([], ["nc"]):
        version = "4.0"  # GBIF reads "CC-BY" and "CC-BY-NC" without a version as the 4.0 it accepts
    name = "-".join(["BY", *[m.upper() for m in order]])
    spdx = f"CC-{name}-{version}" if version else f"CC-{name}"
    label = f"CC {name} {version}" if version else f"CC {name}"
    return spdx, label


def recognise_licence(text: str | None) -> tuple[str, str] | None:
    """(SPDX id, name) of the licence a URL, identifier or phrase names; None when none.

    ``"https://creativecommons.org/licenses/by/4.0/legalcode"`` -> ``("CC-BY-4.0", "CC BY 4.0")``,
    ``"CC0"`` -> ``("CC0-1.0", "CC0 1.0")``, ``"Creative Commons Attribution-ShareAlike 4.0"``
    -> ``("CC-BY-SA-4.0", "CC BY-SA 4.0")``. Prose that names no licence (a public-domain
    waiver, "all rights reserved") gives None.
    """
    if not text or not text.strip():
        return None
    url = _CC_URL.search(text)
    if url:
        if url.group("pd"):
            version = url.group("pdv")
            if url.group("pd").lower() == "mark":
                return f"PDM-{version}", f"Public Domain Mark {version}"
            return f"CC0-{version}", f"CC0 {version}"
        mods = url.group("kind").lower().split("-")
        if mods and mods[0] == "by" and set(mods[1:]) <= {"nc", "sa", "nd"}:
            return _cc(mods[1:], url.group("v"))
        return f"CC-{url.group('kind').upper()}-{url.group('v')}", f"CC {url.group('kind').upper()} {url.group('v')}"
    odc = _ODC_URL.search(text)
    if odc:
        kind = {"pddl": "PDDL", "by": "By", "odbl": "ODbL"}[odc.group("kind").lower()]
        version = odc.group("v") or "1.0"
        return (f"ODbL-{version}" if kind == "ODbL" else f"ODC-{kind}-{version}"), f"Open Data Commons {kind} {version}"
    words = text
    for pattern, short in _WORDS:
        words = pattern.sub(short, words)
    zero = _CC0_NAME.search(words)
    by = _CC_BY_NAME.search(words)
    if zero and (not by or zero.start() <= by.start()):
        version = zero.group("v") or "1.0"
        return f"CC0-{version}", f"CC0 {version}"
    if by:
        mods = re.findall(r"nc|sa|nd", by.group("mods").lower())
        near = _VERSION_NEAR.match(words[by.end() : by.end() + 60])
        return _cc(mods, near.group("v") if near else None)
    return None


def find_licence(dataset: etree._Element | None) -> Licence | None:
    """The dataset's licence as GBIF would read it, else as the rights text names it.

    Machine-readable first: each ``<ulink>`` in ``<intellectualRights>`` (its url, then its
    citetitle) and each EML 2.2 ``<licensed>`` (url, identifier, licenseName); an accepted
    licence wins over an unaccepted one, as in GBIF's parser. Only when none is recognised is
    the prose of ``<intellectualRights>`` read.
    """
    if dataset is None:
        return None
    rights = _children(dataset, "intellectualRights")
    found: list[Licence] = []
    for block in rights:
        for link in _descendants(block, "ulink"):
            named = recognise_licence(link.get("url")) or recognise_licence(_text(_child(link, "citetitle")))
            if named:
                found.append(Licence(*named, machine_readable=True, line=_line(link)))
    for block in _children(dataset, "licensed"):
        for part in ("url", "identifier", "licenseName"):
            named = recognise_licence(_text(_child(block, part)))
            if named:
                found.append(Licence(*named, machine_readable=True, line=_line(block)))
                break
    if found:
        return next((licence for licence in found if licence.accepted), found[0])
    for block in rights:
        named = recognise_licence(_text(block))
        if named:
            return Licence(*named, machine_readable=False, line=_line(block))
    return None


# -- the GBIF metadata profile as a content model -------------------------------------

SimpleType = Union[str, frozenset]  # a named simple type, or an enumeration of values


@dataclass(frozen=True)
class El:
    """An element in a content model: name, occurrences, and what it may contain."""

    name: str
    content: Union["Model", SimpleType, None] = "string"  # None: any content (not modelled)
    min: int = 1
    max: int | None = 1  # None: unbounded
    namespace: str | None = None
    attributes: tuple[str, ...] = ()  # required attributes
    optional: tuple[str, ...] = ()  # further attributes allowed (xsi:* always are)

    def accepts(self, element: etree._Element) -> El | None:
        return self if local_name(element) == self.name and namespace_of(element) == self.namespace else None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,)


@dataclass(frozen=True)
class Choice:
    options: tuple[El, ...]
    min: int = 1
    max: int | None = 1

    def accepts(self, element: etree._Element) -> El | None:
        return next((o for o in self.options if o.accepts(element)), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.options)


@dataclass(frozen=True)
class Model:
    """A sequence of particles; ``mixed`` allows text between the elements."""

    particles: tuple[Union[El, Choice], ...]
    mixed: bool = False


MAINTENANCE_11 = frozenset("annually asNeeded biannually continually daily irregular monthly notPlanned weekly unkown otherMaintenancePeriod".split())
MAINTENANCE_13 = MAINTENANCE_11 | {"unknown"}


def _profile_model(version: str) -> El:
    """The root <eml> element of GBIF Metadata Profile ``version`` ("1.1", "1.2", "1.3")."""
    v13 = version == "1.3"
    many = None if v13 else 1
    individual = Model(((El("salutation", "nonEmpty", 0, None),) if v13 else ()) + (El("givenName", "nonEmpty", 0), El("surName", "nonEmpty")))
    address = Model(tuple(El(n, "nonEmpty", 0) for n in ("deliveryPoint", "city", "administrativeArea", "postalCode", "country")))

    def agent(name: str, min: int = 1, max: int | None = None, role: bool = False) -> El:
        particles = (
            Choice((El("organizationName", "nonEmpty"), El("individualName", individual), El("positionName", "nonEmpty")), 1, None),
            El("address", address, 0),
            El("phone", "string", 0, many),
            El("electronicMailAddress", "nonEmpty", 0, many),
            El("onlineUrl", "anyURI", 0, many),
            El("userId", "nonEmpty", 0, None, attributes=("directory",)),
        ) + ((El("role", "string"),) if role else ())
        return El(name, Model(particles), min, max, optional=("id", "system", "scope") if v13 else ())

    ulink = El("ulink", Model((El("citetitle", "nonEmpty"),), mixed=True), 0, attributes=("url",))
    para = El("para", Model((ulink,), mixed=True))
    text_block = None if v13 else Model((para,))  # 1.3: TextType (sections, paragraphs), not modelled
    calendar_date = Model((El("calendarDate", "yearDate"),))
    coverage = El(
        "coverage",
        Model(
            (
                Choice(
                    (
                        El(
                            "geographicCoverage",
                            Model(
                                (
                                    El("geographicDescription", "nonEmpty"),
                                    El("boundingCoordinates", Model(tuple(El(f"{side}BoundingCoordinate", "decimal") for side in ("west", "east", "north", "south")))),
                                )
                            ),
                        ),
                        El("temporalCoverage", Model((Choice((El("rangeOfDates", Model((El("beginDate", calendar_date), El("endDate", calendar_date)))), El("singleDateTime", calendar_date))),))),
                        El(
                            "taxonomicCoverage",
                            Model(
                                (
                                    El("generalTaxonomicCoverage", "nonEmpty", 0),
                                    El("taxonomicClassification", Model((El("taxonRankName", "nonEmpty", 0), El("taxonRankValue", "nonEmpty"), El("commonName", "nonEmpty", 0))), 1, None),
                                )
                            ),
                        ),
                    ),
                    1,
                    None,
                ),
            )
        ),
        0,
    )
    distribution = El("distribution", Model((El("online", Model((El("url", "anyURI", attributes=("function",)),))),)), 0, None if v13 else 1, optional=("scope",))
    maintenance = El(
        "maintenance",
        Model((El("description", None), El("maintenanceUpdateFrequency", MAINTENANCE_13 if v13 else MAINTENANCE_11)) + ((El("changeHistory", None, 0, None),) if v13 else ())),
        0,
    )
    dataset = (
        El("alternateIdentifier", "string", 0, None),
        *((El("shortName", "nonEmpty", 0),) if v13 else ()),
        El("title", "nonEmpty", 1, None, optional=("xml:lang",)),
        agent("creator"),
        agent("metadataProvider", 1 if version == "1.1" else 0),
        agent("associatedParty", 0, role=True),
        El("pubDate", "yearDate"),
        El("language", "nonEmpty", 0),
        El("abstract", None if v13 else Model((El("para", para.content, 1, None),))),
        El("keywordSet", Model((El("keyword", "nonEmpty", 1, None), El("keywordThesaurus", "nonEmpty"))), 0, None),
        El("additionalInfo", Model((para,)), 0),
        El("intellectualRights", Model((para,)), 0),
        *((El("licensed", Model((El("licenseName", "nonEmpty"), El("url", "anyURI", 0), El("identifier", "nonEmpty", 0))), 0),) if v13 else ()),
        distribution,
        coverage,
        El("purpose", text_block, 0),
        *((El("introduction", None, 0), El("gettingStarted", None, 0), El("acknowledgements", None, 0)) if v13 else ()),
        maintenance,
        agent("contact"),
        *((agent("publisher", 0, 1),) if v13 else ()),
        El("methods", None, 0),
        El("project", None, 0),
        *((El("literatureCited", None, 0, None),) if v13 else ()),
    )
    citation = El("citation", "nonEmpty", 0, optional=("identifier",))
    gbif = Model(
        (
            El("dateStamp", "dateTime"),
            El("hierarchyLevel", "nonEmpty", 0),
            citation,
            El("bibliography", Model((El("citation", "nonEmpty", 1, None, optional=("identifier",)),)), 0),
            El("physical", Model((El("objectName", "nonEmpty"), El("characterEncoding", "nonEmpty", 0), El("dataFormat", None), El("distribution", distribution.content, optional=("scope",)))), 0, None),
            El("resourceLogoUrl", "anyURI", 0),
            El("collection", Model((El("parentCollectionIdentifier", "nonEmpty", 0), El("collectionIdentifier", "nonEmpty", 0), El("collectionName", "nonEmpty"))), 0, None),
            El("formationPeriod", "nonEmpty", 0, None),
            El("specimenPreservationMethod", "nonEmpty", 0, None),
            El("livingTimePeriod", "nonEmpty", 0, None),
            El("jgtiCuratorialUnit", None, 0, None),
            El("replaces", "string", 0, namespace=DC_TERMS_NS),
        )
    )
    additional = El("additionalMetadata", Model((El("metadata", Model((El("gbif", gbif),))),)), 0)
    namespace = EML_220 if v13 else EML_211
    return El("eml", Model((El("dataset", Model(dataset)), additional)), namespace=namespace, attributes=("packageId", "system", "scope"), optional=("xml:lang",))


_MODELS: dict[str, El] = {}


def _model(version: str) -> El:
    if version not in _MODELS:
        _MODELS[version] = _profile_model(version)
    return _MODELS[version]


_TZ = r"(?:Z|[+-]\d{2}:\d{2})?"
_GYEAR = re.compile(rf"-?(\d{{4,}}){_TZ}")
_DATE = re.compile(rf"-?(\d{{4,}})-(\d{{2}})-(\d{{2}}){_TZ}")
_DATETIME = re.compile(rf"-?(\d{{4,}})-(\d{{2}})-(\d{{2}})T(\d{{2}}):(\d{{2}}):(\d{{2}})(?:\.\d+)?{_TZ}")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def _valid_date(year: str, month: str, day: str) -> bool:
    m, d = int(month), int(day)
    if not 1 <= m <= 12:
        return False
    y = int(year)
    days = calendar.monthrange(y if 1 <= y <= 9999 else 2000, m)[1]
    return 1 <= d <= days


def _simple_problem(kind: SimpleType, value: str) -> str | None:
    """Why ``value`` is not of the simple type, or None when it is."""
    collapsed = value.strip()
    if isinstance(kind, frozenset):
        if collapsed not in kind:
            return f"{_quote(collapsed)} is not one of the profile's values ({', '.join(sorted(kind))})"
        return None
    if kind == "nonEmpty":
        return None if value.strip() else "is empty"
    if kind == "yearDate":
        if _GYEAR.fullmatch(collapsed):
            return None
        date = _DATE.fullmatch(collapsed)
        if date and _valid_date(*date.groups()):
            return None
        return f"{_quote(collapsed)} is not a year or a date (YYYY or YYYY-MM-DD)"
    if kind == "dateTime":
        moment = _DATETIME.fullmatch(collapsed)
        if moment and _valid_date(*moment.groups()[:3]) and int(moment.group(4)) <= 24 and int(moment.group(5)) < 60 and int(moment.group(6)) < 60:
            return None
        return f"{_quote(collapsed)} is not a date and time (YYYY-MM-DDThh:mm:ss)"
    if kind == "decimal":
        if _DECIMAL.fullmatch(collapsed):
            return None
        hint = " (write the decimal with a point)" if re.fullmatch(r"[+-]?\d+,\d+", collapsed) else ""
        return f"{_quote(collapsed)} is not a decimal number{hint}"
    return None  # string, anyURI


@dataclass
class ProfileProblem:
    message: str
    line: int | None


@dataclass
class _Validator:
    problems: list[ProfileProblem] = field(default_factory=list)

    def add(self, message: str, *elements) -> None:
        self.problems.append(ProfileProblem(message, _line(*elements)))

    def element(self, element: etree._Element, declared: El, parent: str) -> None:
        name = f"<{local_name(element)}>"
        where = f"{name} in {parent}" if parent else name
        content = declared.content
        if content is None:
            return
        for attribute in declared.attributes:
            if element.get(attribute) is None or (attribute in ("url", "directory") and not element.get(attribute).strip()):
                self.add(f"{where} lacks the required attribute {attribute}", element)
        for key in element.attrib:
            if key.startswith(XSI_BRACED):
                continue
            attribute = "xml:" + key[len(XML_BRACED) :] if key.startswith(XML_BRACED) else key
            if attribute not in declared.attributes and attribute not in declared.optional:
                self.add(f"{where} has the attribute {attribute}, which the profile does not allow there", element)
        children = _elements(element)
        if not isinstance(content, Model):
            if children:
                self.add(f"{where} holds text only, but has a <{local_name(children[0])}> element inside", children[0])
                return
            problem = _simple_problem(content, element.text or "")
            if problem:
                self.add(f"{where}: {problem}", element)
            return
        if not content.mixed:
            stray = (element.text or "").strip() or next(((c.tail or "").strip() for c in element if (c.tail or "").strip()), "")
            if stray:
                self.add(f"{where} has text {_quote(stray, 40)} outside its elements", element)
        self.sequence(element, children, content, name)

    def sequence(self, parent: etree._Element, children: list[etree._Element], model: Model, where: str) -> None:
        position = 0
        matched: list[tuple[etree._Element, El]] = []
        for index, particle in enumerate(model.particles):
            count = 0
            while position < len(children) and (particle.max is None or count < particle.max):
                declared = particle.accepts(children[position])
                if declared is None:
                    break
                matched.append((children[position], declared))
                position += 1
                count += 1
            if count < particle.min:
                self.missing(parent, children, position, model, index, where)
                break
        else:
            if position < len(children):
                self.unexpected(children, position, model, where)
        for child, declared in matched:
            self.element(child, declared, where)

    def missing(self, parent, children, position, model: Model, index: int, where: str) -> None:
        particle = model.particles[index]
        wanted = " or ".join(f"<{n}>" for n in particle.names)
        if position < len(children):
            here = children[position]
            if not any(p.accepts(here) for p in model.particles):
                self.add(f"<{local_name(here)}> is not an element the GBIF profile allows in {where}", here)
            elif any(p.accepts(here) for p in model.particles[index + 1 :]):
                self.add(f"{wanted} is missing in {where}; it is required before <{local_name(here)}>", here)
            else:
                self.add(f"{wanted} is missing in {where}, or <{local_name(here)}> is out of place", here)
        else:
            self.add(f"{wanted} is missing in {where}", parent)

    def unexpected(self, children, position, model: Model, where: str) -> None:
        here = children[position]
        name = local_name(here)
        known = [p for p in model.particles if p.accepts(here)]
        if not known:
            self.add(f"<{name}> is not an element the GBIF profile allows in {where}", here)
        elif position and local_name(children[position - 1]) == name and known[0].max is not None:
            self.add(f"<{name}> appears more often in {where} than the profile allows (at most {known[0].max})", here)
        else:
            self.add(f"<{name}> is out of order in {where}", here)


def profile_problems(document: EmlDocument) -> list[ProfileProblem]:
    """Where a parsed document departs from the GBIF Metadata Profile (empty: conformant)."""
    root = document.root
    if root is None:
        return []
    if local_name(root) != "eml":
        return [ProfileProblem(f"the root element is <{local_name(root)}>, not <eml:eml>", _line(root))]
    version = document.profile
    if version is None:
        found = namespace_of(root) or "no namespace"
        return [ProfileProblem(f"the document is EML in {found}; the GBIF profile is written for {EML_211} (profile 1.1/1.2) or {EML_220} (profile 1.3)", _line(root))]
    validator = _Validator()
    validator.element(root, _model(version), "")
    return validator.problems


# -- agents ---------------------------------------------------------------------------


def _agent_name(agent: etree._Element) -> str:
    """'Given Surname (Organisation)', the organisation or the position alone, or ''."""
    person = _child(agent, "individualName")
    names = " ".join(t for t in (_text(_child(person, "givenName")), _text(_child(person, "surName"))) if t)
    organisation = _text(_child(agent, "organizationName"))
    position = _text(_child(agent, "positionName"))
    if names and organisation:
        return f"{names} ({organisation})"
    return names or organisation or position


def _describe(agent: etree._Element) -> str:
    name = _agent_name(agent)
    email = _text(_child(agent, "electronicMailAddress"))
    return f"{name} <{email}>" if name and email else name or (f"<{email}>" if email else "")


def _has_citable_name(agent: etree._Element) -> bool:
    return bool(_text(_child(_child(agent, "individualName"), "surName")) or _text(_child(agent, "organizationName")))


# -- the checks -----------------------------------------------------------------------


def _finding(check: str, message: str, document: EmlDocument, line: int | None = None, term: str | None = None) -> ArchiveFinding:
    return ArchiveFinding(check, message, file=document.file, line=line, term=term)


def _meta_file(archive: Archive) -> str:
    """meta.xml's path inside the archive (it may sit in a sub-folder)."""
    metas = [m for m in archive.members if PurePosixPath(m).name.lower() == "meta.xml"]
    return min(metas, key=lambda m: (len(PurePosixPath(m).parts), m)) if metas else "meta.xml"


def _meta_root_line(archive: Archive) -> int | None:
    if not archive.meta_xml:
        return None
    try:
        return parse_xml(archive.meta_xml, "meta.xml").sourceline
    except ArchiveError:
        return None


@archive_check(
    id="EML_NOT_FOUND",
    title="No metadata document (eml.xml)",
    explanation="""The archive has no metadata document, or meta.xml names one that is not in the
    archive. GBIF and iDigBio take the dataset's title, description, licence and contacts from
    eml.xml, so without it the dataset cannot be described or cited, and its licence is unknown.
    Publish through the IPT, which writes eml.xml from its metadata pages, or add an eml.xml
    following the GBIF Metadata Profile and name it in meta.xml (metadata="eml.xml").""",
    severity="error",
    dimension="metadata",
)
def eml_not_found(context: Context) -> list[ArchiveFinding]:
    archive = context.archive
    if archive.kind != "dwca" or archive.eml_xml is not None:
        return []
    declared = next((p for p in archive.problems if p.code == "METADATA_FILE_MISSING"), None)
    if declared is not None:
        message = f"{declared.message}; the title, description, licence and contacts cannot be checked"
    else:
        message = "the archive has no eml.xml and meta.xml names no metadata document; the title, description, licence and contacts cannot be checked"
    return [ArchiveFinding("EML_NOT_FOUND", message, file=_meta_file(archive), line=_meta_root_line(archive))]


@archive_check(
    id="EML_TO_BE_CREATED",
    title="Metadata will be written in the IPT",
    explanation="""This is a plain data table, so it comes without a metadata document. That is
    normal: when you upload the table to the IPT, you enter the title, description, contacts
    and licence on the IPT's metadata pages and it writes eml.xml for you. Have them ready,
    choosing a licence GBIF accepts (CC0 1.0, CC BY 4.0 or CC BY-NC 4.0).""",
    severity="info",
    dimension="metadata",
)
def eml_to_be_created(context: Context) -> list[ArchiveFinding]:
    archive = context.archive
    if archive.kind != "table" or archive.eml_xml is not None:
        return []
    return [ArchiveFinding("EML_TO_BE_CREATED", "a plain table has no eml.xml; the IPT will create it from its metadata pages")]


@archive_check(
    id="EML_NOT_DECLARED",
    title="meta.xml does not name the metadata document",
    explanation="""meta.xml has no metadata attribute, so readers have to guess that eml.xml is
    the dataset's metadata; GBIF's reader does, other tools may not. Add metadata="eml.xml" to
    the <archive> element of meta.xml (the IPT always writes it).""",
    severity="info",
    dimension="metadata",
)
def eml_not_declared(context: Context) -> list[ArchiveFinding]:
    archive = context.archive
    problem = next((p for p in archive.problems if p.code == "METADATA_NOT_DECLARED"), None)
    if archive.kind != "dwca" or problem is None:
        return []
    return [ArchiveFinding("EML_NOT_DECLARED", problem.message, file=_meta_file(archive), line=_meta_root_line(archive))]


@archive_check(
    id="EML_NOT_WELL_FORMED",
    title="eml.xml is not readable XML",
    explanation="""The metadata document is not well-formed XML (for example an unclosed tag, a
    bare & or a wrong encoding declaration), or it declares XML entities, which are refused for
    safety. No aggregator can read a broken file, so the dataset would have no title, licence
    or contacts. Open the file at the line given and correct it, or regenerate it by
    republishing the metadata in the IPT.""",
    severity="error",
    dimension="metadata",
)
def eml_not_well_formed(context: Context) -> list[ArchiveFinding]:
    document = _document(context)
    if document is None or document.error is None:
        return []
    return [_finding("EML_NOT_WELL_FORMED", document.error.problem, document, document.error.line)]


@archive_check(
    id="EML_GBIF_SCHEMA",
    title="eml.xml does not follow the GBIF Metadata Profile",
    explanation="""The metadata document departs from the GBIF Metadata Profile, the EML schema
    GBIF validates against: a required element is missing (title, creator, publication date,
    abstract, contact; in profile 1.1 also metadataProvider), an element is unknown or out of
    order, or a value is not of its type (a date, a decimal). GBIF still indexes the data, but
    reports the document as invalid and may lose the parts it cannot read. Fill in the missing
    fields on the IPT's metadata pages, or correct eml.xml at the line given.""",
    severity="warning",
    dimension="metadata",
)
def eml_gbif_schema(context: Context) -> list[ArchiveFinding]:
    document = _readable(context)
    if document is None:
        return []
    return [_finding("EML_GBIF_SCHEMA", p.message, document, p.line) for p in profile_problems(document)]


@archive_check(
    id="TITLE_MISSING_OR_TOO_SHORT",
    title="Dataset title missing or too short",
    explanation=f"""The dataset has no title, or one shorter than {MIN_TITLE_LENGTH} characters.
    The title is what people see first on GBIF and iDigBio and what the citation starts with,
    so it should say what, where and when (for example "Vascular plant specimens of the XYZ
    Herbarium"). Enter a descriptive title on the IPT's basic metadata page, or in
    <dataset><title> of eml.xml.""",
    severity="warning",
    dimension="metadata",
)
def title_missing_or_too_short(context: Context) -> list[ArchiveFinding]:
    document = _readable(context)
    if document is None:
        return []
    dataset = document.dataset
    titles = _children(dataset, "title")
    title = next((t for t in titles if _text(t)), titles[0] if titles else None)
    text = _text(title)
    if not text:
        where = "is empty" if title is not None else "is missing"
        return [_finding("TITLE_MISSING_OR_TOO_SHORT", f"the dataset title {where}", document, _line(title, dataset, document.root))]
    if len(text) < MIN_TITLE_LENGTH:
        message = f"the title {_quote(text)} has {len(text)} characters; GBIF asks for at least {MIN_TITLE_LENGTH}"
        return [_finding("TITLE_MISSING_OR_TOO_SHORT", message, document, _line(title))]
    return []


@archive_check(
    id="DESCRIPTION_MISSING_OR_TOO_SHORT",
    title="Dataset description missing or too short",
    explanation=f"""The dataset's description (the EML abstract) is missing or shorter than
    {MIN_DESCRIPTION_LENGTH} characters. Users decide from it whether the data fit their purpose:
    say what was collected, where, when and how, and what the records contain. Write it on
    the IPT's basic metadata page (Description), or in <dataset><abstract><para> of eml.xml.""",
    severity="warning",
    dimension="metadata",
)
def description_missing_or_too_short(context: Context) -> list[ArchiveFinding]:
    document = _readable(context)
    if document is None:
        return []
    dataset = document.dataset
    abstract = _child(dataset, "abstract")
    text = _text(abstract)
    if not text:
        where = "is empty" if abstract is not None else "is missing"
        return [_finding("DESCRIPTION_MISSING_OR_TOO_SHORT", f"the dataset description (abstract) {where}", document, _line(abstract, dataset, document.root))]
    if len(text) < MIN_DESCRIPTION_LENGTH:
        message = f"the description {_quote(text)} has {len(text)} characters; GBIF asks for at least {MIN_DESCRIPTION_LENGTH}"
        return [_finding("DESCRIPTION_MISSING_OR_TOO_SHORT", message, document, _line(abstract))]
    return []


@archive_check(
    id="LICENSE_MISSING_OR_UNKNOWN",
    title="No licence GBIF accepts",
    explanation="""The metadata names no licence, or one GBIF does not accept. GBIF publishes data
    only under CC0 1.0, CC BY 4.0 or CC BY-NC 4.0 and its validator marks a dataset without one
    of them as not indexable; iDigBio also needs a clear usage licence. In the IPT choose the
    licence on the basic metadata page; in eml.xml put it in <intellectualRights><para> as a
    link such as <ulink url="http://creativecommons.org/licenses/by/4.0/legalcode"><citetitle>CC BY
    4.0</citetitle></ulink>. Licences such as CC BY-SA or CC BY 3.0 must be changed to one of the
    three, with the rights holder's agreement.""",
    severity="error",
    dimension="metadata",
    blocks_indexing=True,
)
def license_missing_or_unknown(context: Context) -> list[ArchiveFinding]:
    document = _readable(context)
    if document is None:
        return []
    dataset = document.dataset
    licence = find_licence(dataset)
    rights = _child(dataset, "intellectualRights")
    if licence is None:
        if rights is None or not _text(rights):
            message = "the metadata states no licence (no <intellectualRights> text)"
            return [_finding("LICENSE_MISSING_OR_UNKNOWN", message, document, _line(rights, dataset, document.root))]
        message = f"the rights statement names no licence GBIF can recognise: {_quote(_text(rights), 100)}"
        return [_finding("LICENSE_MISSING_OR_UNKNOWN", message, document, _line(rights))]
    if not licence.accepted:
        message = f"the licence is {licence.label}, which GBIF does not accept; it accepts only {ACCEPTED_TEXT}"
        return [_finding("LICENSE_MISSING_OR_UNKNOWN", message, document, licence.line)]
    return []


@archive_check(
    id="LICENSE_NOT_MACHINE_READABLE",
    title="Licence written only as text",
    explanation="""The licence is named only in the wording of the rights statement, not as the
    licence link GBIF's metadata reader looks for. GBIF's validator then reports the licence as
    missing, and GBIF may register the dataset under its default licence (CC BY 4.0) instead of
    yours. Select the licence in the IPT's basic metadata page, or add the link to eml.xml:
    <ulink url="http://creativecommons.org/publicdomain/zero/1.0/legalcode"><citetitle>CC0
    1.0</citetitle></ulink> inside <intellectualRights><para>.""",
    severity="warning",
    dimension="metadata",
)
def license_not_machine_readable(context: Context) -> list[ArchiveFinding]:
    document = _readable(context)
    if document is None:
        return []
    licence = find_licence(document.dataset)
    if licence is None or not licence.accepted or licence.machine_readable:
        return []
    message = f"the licence {licence.label} is only named in the text of <intellectualRights>, without a <ulink url> GBIF can read"
    return [_finding("LICENSE_NOT_MACHINE_READABLE", message, document, licence.line)]


@archive_check(
    id="RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE",
    title="Creator or contact missing or without a name",
    explanation="""The metadata lacks a creator or a contact, or names one without a person's
    surname or an organisation. GBIF builds the dataset citation's author list from the
    creators (and metadata providers), and users and aggregators such as iDigBio need a contact
    for questions about the data. Add the people or organisation on the IPT's basic metadata
    page (Resource creator, Resource contact), or fill <creator> and <contact> in eml.xml with
    an individualName/surName or an organizationName.""",
    severity="warning",
    dimension="metadata",
)
def resource_contacts(context: Context) -> list[ArchiveFinding]:
    document = _readable(context)
    if document is None:
        return []
    dataset = document.dataset
    findings = []
    place = _line(dataset, document.root)
    creators = _children(dataset, "creator")
    contacts = _children(dataset, "contact")
    if not creators:
        findings.append(_finding("RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE", "the dataset has no <creator>, so GBIF cannot name its authors", document, place))
    if not contacts:
        findings.append(_finding("RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE", "the dataset has no <contact>", document, place))
    for role in ("creator", "metadataProvider"):
        for agent in _children(dataset, role):
            if not _has_citable_name(agent):
                named = _agent_name(agent)
                detail = f"only the position {_quote(named)}" if named else "no name"
                findings.append(_finding("RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE", f"a <{role}> has {detail}: a surname or an organisation is needed for the citation", document, _line(agent)))
    for agent in contacts:
        if not _agent_name(agent):
            findings.append(_finding("RESOURCE_CONTACTS_MISSING_OR_INCOMPLETE", "a <contact> has no name, organisation or position", document, _line(agent)))
    return findings


@archive_check(
    id="CONTACT_EMAIL_MISSING",
    title="No e-mail address for the dataset contact",
    explanation="""None of the dataset's contacts has an e-mail address. Data users, GBIF's
    helpdesk and iDigBio's ingestion team reach the publisher through it when a record needs
    correcting or a question arises. Add an e-mail to the resource contact on the IPT's basic
    metadata page, or <electronicMailAddress> in <contact> of eml.xml (a shared collection
    address ages better than a personal one).""",
    severity="warning",
    dimension="metadata",
)
def contact_email_missing(context: Context) -> list[ArchiveFinding]:
    document = _readable(context)
    if document is None:
        return []
    contacts = _children(document.dataset, "contact")
    if not contacts or any(_text(_child(c, "electronicMailAddress")) for c in contacts):
        return []
    names = ", ".join(_quote(n, 40) for n in (_agent_name(c) for c in contacts) if n)
    message = "no <contact> has an <electronicMailAddress>" + (f" ({names})" if names else "")
    return [_finding("CONTACT_EMAIL_MISSING", message, document, _line(contacts[0]))]


@archive_check(
    id="IDIGBIO_GUID_SOURCE_MISSING",
    title="No occurrenceID column for iDigBio's GUIDs",
    explanation="""The occurrence records have no occurrenceID column, which iDigBio uses as each
    specimen record's persistent globally unique identifier (GUID) and GBIF uses to keep
    records stable between versions. Map your GUID (for example a Specify or Symbiota UUID, or
    a catalogue number made globally unique) to occurrenceID in the IPT's mapping page or in
    meta.xml. Whether the values themselves are present and unique is checked with the
    identifiers.""",
    severity="warning",
    dimension="metadata",
    terms=(DWC + "occurrenceID",),
)
def idigbio_guid_source_missing(context: Context) -> list[ArchiveFinding]:
    findings = []
    for table in context.archive.tables:
        if table.row_type not in OCCURRENCE_ROW_TYPES or table.field(DWC + "occurrenceID") is not None:
            continue
        file = table.files[0] if table.files else None
        kind = "core" if table.spec.is_core else "extension"
        message = f"the occurrence {kind} ({file or table.name}) maps no occurrenceID, the GUID source iDigBio reads"
        findings.append(ArchiveFinding("IDIGBIO_GUID_SOURCE_MISSING", message, file=file, line=table.spec.line, term=DWC + "occurrenceID"))
    return findings


# -- the dataset card -----------------------------------------------------------------


def metadata_summary(archive: Archive) -> dict:
    """What the dashboard's dataset card shows, read from the archive's eml.xml.

    Keys: file, readable, title, licence (SPDX-style short name such as "CC-BY-4.0", or None),
    licence_label ("CC BY 4.0"), licence_accepted, creators and contacts (display strings,
    "Given Surname (Organisation) <email>"), pubDate, language, abstract_length (characters,
    whitespace collapsed). Absent values are None (lists empty).
    """
    summary: dict = {
        "file": archive.metadata_file,
        "readable": False,
        "title": None,
        "licence": None,
        "licence_label": None,
        "licence_accepted": False,
        "creators": [],
        "contacts": [],
        "pubDate": None,
        "language": None,
        "abstract_length": None,
    }
    document = load_eml(archive)
    if document is None or document.root is None:
        return summary
    dataset = document.dataset
    licence = find_licence(dataset)
    titles = [_text(t) for t in _children(dataset, "title")]
    abstract = _child(dataset, "abstract")
    summary.update(
        readable=True,
        title=next((t for t in titles if t), None),
        licence=licence.spdx if licence else None,
        licence_label=licence.label if licence else None,
        licence_accepted=bool(licence and licence.accepted),
        creators=[d for d in (_describe(a) for a in _children(dataset, "creator")) if d],
        contacts=[d for d in (_describe(a) for a in _children(dataset, "contact")) if d],
        pubDate=_text(_child(dataset, "pubDate")) or None,
        language=_text(_child(dataset, "language")) or None,
        abstract_length=len(_text(abstract)) if abstract is not None else None,
    )
    return summary


__all__ = [
    "EmlDocument",
    "Licence",
    "ProfileProblem",
    "find_licence",
    "load_eml",
    "metadata_summary",
    "profile_problems",
    "recognise_licence",
]
