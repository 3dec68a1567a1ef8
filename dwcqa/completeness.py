"""Completeness: how much of the core is filled in, per term and per record, measured against
GBIF's required and recommended terms for the core's type.

A value counts as *filled* when it is not empty and not a verbatim null (``NULL``, ``N/A``,
``unknown`` ...; see ``dwcqa.cells.VERBATIM_NULLS``), the same rule the checks use.

GBIF's lists (``REQUIREMENTS``) are written out below as data, one entry per line of GBIF's
tables. An entry can be met in more than one way ("individualCount, or organismQuantity with
organismQuantityType"): it is met by a record when all terms of one alternative are filled.

Sources (GBIF "Data quality requirements" pages, the basis of the IPT's Excel templates and
the Quick reference guide; read in 2025):

- Occurrence: https://www.gbif.org/data-quality-requirements-occurrences
  (required: occurrenceID, basisOfRecord, scientificName, eventDate; strongly recommended:
  countryCode, taxonRank, kingdom, decimalLatitude & decimalLongitude, geodeticDatum,
  coordinateUncertaintyInMeters, individualCount or organismQuantity & organismQuantityType;
  share if available: informationWithheld, dataGeneralizations, eventTime, country).
- Taxon (checklists): https://www.gbif.org/data-quality-requirements-checklists
  (required: taxonID, scientificName, taxonRank; strongly recommended: kingdom,
  parentNameUsageID, acceptedNameUsageID; share if available: vernacularName, which usually
  travels in the Vernacular Names extension and is counted only when the core has it).
- Event (sampling events): https://www.gbif.org/data-quality-requirements-sampling-events
  (required: eventID, eventDate, samplingProtocol, sampleSizeValue, sampleSizeUnit; strongly
  recommended: parentEventID, samplingEffort, locationID, decimalLatitude & decimalLongitude,
  geodeticDatum, coordinateUncertaintyInMeters, footprintWKT, countryCode). This list was
  transcribed from that page as remembered, not from a stored copy: check it against the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dwcqa.archive.model import Archive
from dwcqa.checks.context import Context
from dwcqa.terms import DWC, short_name

REQUIRED, RECOMMENDED, IF_AVAILABLE = "required", "recommended", "if_available"
LEVELS = (REQUIRED, RECOMMENDED, IF_AVAILABLE)
OCCURRENCE, TAXON, EVENT = DWC + "Occurrence", DWC + "Taxon", DWC + "Event"


@dataclass(frozen=True)
class Requirement:
    label: str
    level: str
    alternatives: tuple[tuple[str, ...], ...]  # term URIs; met when all terms of one are filled

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for alternative in self.alternatives for t in alternative))


def _req(level: str, *alternatives: str) -> Requirement:
    """``_req(level, "a b", "c")``: met by (a and b) or c; names are Darwin Core terms."""
    alts = tuple(tuple(DWC + name for name in alternative.split()) for alternative in alternatives)
    label = " or ".join(" & ".join(alternative.split()) for alternative in alternatives)
    return Requirement(label, level, alts)


REQUIREMENTS: dict[str, tuple[Requirement, ...]] = {
    OCCURRENCE: (
        _req(REQUIRED, "occurrenceID"),
        _req(REQUIRED, "basisOfRecord"),
        _req(REQUIRED, "scientificName"),
        _req(REQUIRED, "eventDate"),
        _req(RECOMMENDED, "countryCode"),
        _req(RECOMMENDED, "taxonRank"),
        _req(RECOMMENDED, "kingdom"),
        _req(RECOMMENDED, "decimalLatitude decimalLongitude"),
        _req(RECOMMENDED, "geodeticDatum"),
        _req(RECOMMENDED, "coordinateUncertaintyInMeters"),
        _req(RECOMMENDED, "individualCount", "organismQuantity organismQuantityType"),
        _req(IF_AVAILABLE, "informationWithheld"),
        _req(IF_AVAILABLE, "dataGeneralizations"),
        _req(IF_AVAILABLE, "eventTime"),
        _req(IF_AVAILABLE, "country"),
    ),
    TAXON: (
        _req(REQUIRED, "taxonID"),
        _req(REQUIRED, "scientificName"),
        _req(REQUIRED, "taxonRank"),
        _req(RECOMMENDED, "kingdom"),
        _req(RECOMMENDED, "parentNameUsageID"),
        _req(RECOMMENDED, "acceptedNameUsageID"),
        _req(IF_AVAILABLE, "vernacularName"),
    ),
    EVENT: (
        _req(REQUIRED, "eventID"),
        _req(REQUIRED, "eventDate"),
        _req(REQUIRED, "samplingProtocol"),
        _req(REQUIRED, "sampleSizeValue"),
        _req(REQUIRED, "sampleSizeUnit"),
        _req(RECOMMENDED, "parentEventID"),
        _req(RECOMMENDED, "samplingEffort"),
        _req(RECOMMENDED, "locationID"),
        _req(RECOMMENDED, "decimalLatitude decimalLongitude"),
        _req(RECOMMENDED, "geodeticDatum"),
        _req(RECOMMENDED, "coordinateUncertaintyInMeters"),
        _req(RECOMMENDED, "footprintWKT"),
        _req(RECOMMENDED, "countryCode"),
    ),
}

SOURCES = {
    OCCURRENCE: "https://www.gbif.org/data-quality-requirements-occurrences",
    TAXON: "https://www.gbif.org/data-quality-requirements-checklists",
    EVENT: "https://www.gbif.org/data-quality-requirements-sampling-events",
}


def requirements(row_type: str) -> tuple[Requirement, ...]:
    """GBIF's requirements for a core row type (empty for other cores)."""
    return REQUIREMENTS.get(row_type, ())


@dataclass
class Completeness:
    """Completeness of an archive's core."""

    records: int
    row_type: str
    terms: pd.DataFrame  # one row per mapped term: term, name, filled, share, verbatim_nulls, level
    items: pd.DataFrame  # one row per GBIF requirement: label, level, mapped, records_met, share
    per_record: pd.DataFrame  # one row per record: filled terms and requirements met, per level
    _filled: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def summary(self) -> dict:
        """Per level: how many of GBIF's items the archive has (a column with at least one value),
        how many are filled in every record, and the total ("3 of 4 required")."""
        out = {}
        for level in LEVELS:
            items = self.items[self.items["level"] == level]
            out[level] = {
                "total": int(len(items)),
                "present": int(items["mapped"].sum()),
                "complete": int((items["records_met"] == self.records).sum()) if self.records else 0,
                "missing": items.loc[~items["mapped"], "label"].tolist(),
            }
        out["source"] = SOURCES.get(self.row_type)
        return out

    def filled(self, term: str) -> np.ndarray:
        """Per record: the term has a value."""
        return self._filled[term]


def _level_of(term: str, reqs: tuple[Requirement, ...]) -> str:
    for req in reqs:
        if term in req.terms:
            return req.level
    return ""


def completeness(archive: Archive, context: Context | None = None) -> Completeness:
    """Completeness of the archive's core (column operations only)."""
    context = context or Context(archive)
    core = archive.core
    records = core.records
    reqs = requirements(core.row_type)
    filled: dict[str, np.ndarray] = {}
    rows = []
    context.scan_columns(core.terms)
    for term in core.terms:
        present = context.present(term)
        filled[term] = present
        values = core.column(term)
        nulls = len(context.cells(term).placeholder_rows) if values is not None and records else 0
        count = int(np.count_nonzero(present))
        rows.append(
            {
                "term": term,
                "name": short_name(term),
                "filled": count,
                "share": count / records if records else 0.0,
                "verbatim_nulls": nulls,
                "level": _level_of(term, reqs),
            }
        )
    terms = pd.DataFrame(rows, columns=["term", "name", "filled", "share", "verbatim_nulls", "level"])

    none = np.zeros(records, dtype=bool)
    item_rows = []
    per_level = {level: np.zeros(records, dtype=np.int16) for level in LEVELS}
    for req in reqs:
        met = np.zeros(records, dtype=bool)
        mapped = False
        for alternative in req.alternatives:
            all_filled = np.ones(records, dtype=bool)
            for term in alternative:
                all_filled &= filled.get(term, none)
            met |= all_filled
            mapped |= all(term in filled for term in alternative) and bool(all_filled.any())
        per_level[req.level] += met
        item_rows.append({"label": req.label, "level": req.level, "mapped": mapped, "records_met": int(met.sum()), "share": float(met.mean()) if records else 0.0})
    items = pd.DataFrame(item_rows, columns=["label", "level", "mapped", "records_met", "share"])

    totals = {level: sum(1 for r in reqs if r.level == level) for level in LEVELS}
    filled_count = np.zeros(records, dtype=np.int32)
    for present in filled.values():
        filled_count += present
    per_record = pd.DataFrame(
        {
            "filled_terms": filled_count,
            "mapped_terms": np.full(records, len(filled), dtype=np.int32),
            "required_met": per_level[REQUIRED],
            "required_total": np.full(records, totals[REQUIRED], dtype=np.int16),
            "recommended_met": per_level[RECOMMENDED],
            "recommended_total": np.full(records, totals[RECOMMENDED], dtype=np.int16),
        }
    )
    return Completeness(records, core.row_type, terms, items, per_record, filled)
