"""What a BDQ test may consult beyond the record: source authorities.

- Vocabularies and code lists ship with dwcqa (``dwcqa/standards/bdq_*.csv``): always there.
- A taxonomic authority is a user-supplied checklist: any Darwin Core Archive (or table)
  with a Taxon core, read with ``dwcqa.archive.read`` (:class:`TaxonAuthority`). BDQ lets a
  parameterised Test use another ``bdqval:sourceAuthority`` than its default (the GBIF
  Backbone Taxonomy); without a checklist those Tests answer EXTERNAL_PREREQUISITES_NOT_MET.
- Country boundaries come from ``dwcqa.geo`` (``country_of(lat, lon)``,
  ``in_country(lat, lon, codes, buffer_m)``), looked up lazily the first time a test needs
  them (:meth:`Context.geo`); when the module or a function is absent those Tests answer
  EXTERNAL_PREREQUISITES_NOT_MET.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Callable

import numpy as np
import pandas as pd

from dwcqa.bdq.parsing import NON_PRINTING, text
from dwcqa.terms import DWC

RANKS = ("kingdom", "phylum", "class", "order", "superfamily", "family", "subfamily", "tribe", "subtribe", "genus")
GBIF_BACKBONE_KEY = "d7dddbf4-2cf0-4f39-9b2a-bb099caae36c"

_TAXON_TERMS = (
    "taxonID", "scientificNameID", "scientificName", "scientificNameAuthorship", "taxonRank", "taxonomicStatus",
    "acceptedNameUsageID", "parentNameUsageID", "originalNameUsageID", "taxonConceptID", "genericName",
    "specificEpithet", "infraspecificEpithet", "cultivarEpithet", "vernacularName", "datasetID", "higherClassification",
    *RANKS,
)


def _clean(value: str) -> str:
    return value.strip(NON_PRINTING)


def canonical_name(name: str, authorship: str = "") -> str:
    """The name without authorship: "Chicoreus palmarosae (Lamarck, 1822)" -> "Chicoreus palmarosae".

    When the authorship is known and ends the name, it is cut off; otherwise the name is read
    word by word: a capitalised first word, an optional "(Subgenus)", lower-case epithets,
    rank markers ("subsp.", "var.", "f.") and hybrid signs; the first word that is none of
    these (a capitalised author, a parenthesis, a year) starts the authorship.
    """
    name = _clean(name or "")
    authorship = _clean(authorship or "")
    if authorship and name.endswith(authorship) and len(name) > len(authorship):
        return name[: -len(authorship)].strip()
    words = name.split()
    if not words:
        return ""
    kept = [words[0]]
    for word in words[1:]:
        bare = word.strip(",")
        if re.fullmatch(r"\([A-Z][a-z-]+\)", bare) and len(kept) == 1:
            kept.append(bare)
        elif re.fullmatch(r"[a-z][a-z-]+", bare) and bare not in ("ex", "et", "in", "and", "de", "van", "von", "du", "da", "del"):
            kept.append(bare)
        elif re.fullmatch(r"(?:subsp|ssp|var|subvar|f|fo|forma|subf|cv|nothosubsp|nothovar|agg|sect|subsect|ser|subg|subgen)\.?", bare) or bare in ("×", "x"):
            kept.append(bare)
        elif re.fullmatch(r"'[^']+'", bare):  # cultivar epithet
            kept.append(bare)
        else:
            break
    return " ".join(kept)


def _ranks(values: pd.Series) -> np.ndarray:
    """Ranks as GBIF's rank vocabulary names them ("sp." -> species, "Genus" -> genus)."""
    from dwcqa.bdq.parsing import map_distinct
    from dwcqa.bdq.vocab import vocabulary

    vocab = vocabulary("taxonRank")
    return map_distinct(values, lambda v: (vocab.match(v) or v.lower()) if v else "")


def _normal_authorship(value: str) -> str:
    return re.sub(r"[\s.,()]+", "", (value or "").casefold())


def _id_keys(value: str) -> list[str]:
    """Forms an identifier may take: "gbif:8102122", GBIF URLs and the bare key."""
    value = _clean(value)
    keys = [value]
    match = re.fullmatch(r"(?i)(?:gbif:|https?://(?:www\.|api\.)?gbif\.org/(?:v1/)?species/)(\d+)/?", value)
    if match:
        keys.append(match.group(1))
        keys.append(f"gbif:{match.group(1)}")
    return keys


class TaxonAuthority:
    """A checklist (Taxon core) used as a BDQ taxonomic ``bdqval:sourceAuthority``.

    Holds one row per taxon with the Darwin Core taxon terms as strings, plus, per taxon,
    its canonical name (without authorship) and its classification (kingdom..genus) from the
    table's own columns, completed by walking ``parentNameUsageID`` where they are empty.
    """

    def __init__(self, taxa: pd.DataFrame, name: str = "checklist", id_prefix: str = ""):
        self.name = name
        self.id_prefix = id_prefix
        frame = pd.DataFrame(index=range(len(taxa)))
        for term in _TAXON_TERMS:
            frame[term] = text(taxa[term]).map(_clean).to_numpy() if term in taxa.columns else ""
        frame["rank"] = _ranks(frame["taxonRank"])
        frame["canonical"] = [canonical_name(n, a) for n, a in zip(frame["scientificName"], frame["scientificNameAuthorship"])]
        built = (frame["genericName"] + " " + frame["specificEpithet"] + " " + frame["infraspecificEpithet"]).str.split().str.join(" ")
        frame["canonical"] = frame["canonical"].where(frame["canonical"] != "", built)
        status = frame["taxonomicStatus"].str.lower()
        synonym = status.str.contains("synonym") | ((frame["acceptedNameUsageID"] != "") & (frame["acceptedNameUsageID"] != frame["taxonID"]))
        frame["accepted"] = ~synonym.to_numpy()
        self.taxa = frame
        self._fill_classification()

    @classmethod
    def from_archive(cls, archive: Any) -> "TaxonAuthority":
        core = archive.core
        columns: dict[str, pd.Series] = {}
        for term in _TAXON_TERMS:
            values = core.column(DWC + term)
            if values is not None:
                columns[term] = values
        if "taxonID" not in columns and core.ids is not None:
            columns["taxonID"] = core.ids
        if "scientificName" not in columns:
            raise ValueError(f"{archive.source}: the checklist has no dwc:scientificName column")
        frame = pd.DataFrame(columns)
        prefix = ""
        dataset = frame.get("datasetID")
        title = (archive.eml_title or "").lower()
        if (dataset is not None and (text(dataset) == GBIF_BACKBONE_KEY).any()) or "gbif backbone" in title:
            prefix = "gbif:"
        return cls(frame, name=str(archive.source), id_prefix=prefix)

    @classmethod
    def read(cls, path: Any) -> "TaxonAuthority":
        from dwcqa.archive import read

        return cls.from_archive(read(path))

    # -- classification ------------------------------------------------------------------

    def _fill_classification(self) -> None:
        frame = self.taxa
        by_id = {tid: i for i, tid in enumerate(frame["taxonID"]) if tid}
        parents = frame["parentNameUsageID"].to_numpy()
        ranks = frame["rank"].to_numpy()
        canon = frame["canonical"].to_numpy()
        columns = {r: frame[r].to_numpy(dtype=object).copy() for r in RANKS}
        accepted = frame["accepted"].to_numpy(dtype=bool)
        for r in RANKS:  # an accepted taxon names itself at its own rank
            own = (ranks == r) & (columns[r] == "") & accepted
            columns[r][own] = canon[own]
        if (parents != "").any():
            memo: dict[int, dict[str, str]] = {}

            def lineage(i: int, depth: int = 0) -> dict[str, str]:
                if i in memo:
                    return memo[i]
                found = {r: columns[r][i] for r in RANKS if columns[r][i]}
                parent = by_id.get(parents[i])
                if parent is not None and parent != i and depth < 100:
                    for r, v in lineage(parent, depth + 1).items():
                        found.setdefault(r, v)
                memo[i] = found
                return found

            for i in range(len(frame)):
                for r, v in lineage(i).items():
                    columns[r][i] = v
        for r in RANKS:
            frame[r] = columns[r]

    # -- lookups ---------------------------------------------------------------------------

    @cached_property
    def _by_id(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for column in ("taxonID", "scientificNameID"):
            for i, value in enumerate(self.taxa[column]):
                if value:
                    for key in _id_keys(value):
                        index.setdefault(key, []).append(i)
        return index

    @cached_property
    def _by_name(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for i, (full, canon, author) in enumerate(zip(self.taxa["scientificName"], self.taxa["canonical"], self.taxa["scientificNameAuthorship"])):
            for key in {full, canon, f"{canon} {author}".strip()}:
                if key:
                    index.setdefault(key, []).append(i)
        return index

    def names_at_rank(self, rank: str) -> frozenset[str]:
        """Names the checklist holds at ``rank``: accepted taxa of that rank and the values of
        that rank's column (the higher classification of every taxon)."""
        frame = self.taxa
        own = frame.loc[(frame["rank"] == rank) & frame["accepted"], "canonical"]
        return frozenset(v for v in pd.concat([own, frame[rank]]) if v)

    def resolver_at_rank(self, rank: str) -> dict[str, str]:
        """Name -> accepted name at ``rank``: accepted names and column values map to
        themselves, synonyms of that rank to the canonical name of their accepted taxon."""
        cache = self.__dict__.setdefault("_resolvers", {})
        if rank not in cache:
            mapping = {name: name for name in self.names_at_rank(rank)}
            frame = self.taxa
            synonyms = frame[(frame["rank"] == rank) & ~frame["accepted"]]
            by_id = dict(zip(frame["taxonID"], frame["canonical"]))
            for name, accepted in zip(synonyms["canonical"], synonyms["acceptedNameUsageID"]):
                target = by_id.get(accepted)
                if name and target and name not in mapping:
                    mapping[name] = target
            cache[rank] = mapping
        return cache[rank]

    def by_id(self, identifier: str) -> list[int]:
        found: list[int] = []
        for key in _id_keys(identifier):
            for i in self._by_id.get(key, ()):
                if i not in found:
                    found.append(i)
        return found

    def by_name(self, name: str) -> list[int]:
        return list(dict.fromkeys(self._by_name.get(_clean(name), ())))

    def taxon(self, i: int) -> dict[str, str]:
        return self.taxa.iloc[i].to_dict()

    def identifier(self, i: int) -> str:
        row = self.taxa.iloc[i]
        if row["scientificNameID"]:
            return row["scientificNameID"]
        return f"{self.id_prefix}{row['taxonID']}" if row["taxonID"] else ""

    def narrow(self, candidates: list[int], hints: dict[str, str]) -> list[int]:
        """Candidates left after using the record's other terms to tell homonyms apart.

        A hint removes a candidate only when the candidate has a value for it that differs
        (authorship compared without spaces, dots, commas and parentheses; ranks and higher
        taxa as written; identifiers as written)."""
        left = list(candidates)
        for term, value in hints.items():
            value = _clean(value)
            if not value or len(left) <= 1:
                continue
            kept = []
            for i in left:
                own = self.taxa.iloc[i][term] if term in self.taxa.columns else ""
                if term == "scientificNameAuthorship":
                    same = not own or _normal_authorship(own) == _normal_authorship(value)
                elif term == "taxonRank":
                    same = not own or own.lower() == value.lower()
                elif term == "higherClassification":
                    same = True
                else:
                    same = not own or own == value
                if same:
                    kept.append(i)
            if kept:
                left = kept
        return left


# --------------------------------------------------------------------------------------------
# Geography hook
# --------------------------------------------------------------------------------------------


@dataclass
class Geo:
    """Adapters over ``dwcqa.geo``: vectorised calls returning numpy arrays."""

    country_of_fn: Callable | None
    in_country_fn: Callable | None

    def country_of(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """ISO 3166-1 alpha-2 code per point, "" where none."""
        if self.country_of_fn is None:
            raise LookupError("dwcqa.geo.country_of is not available")
        codes = self.country_of_fn(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float))
        codes = np.asarray(list(codes) if not isinstance(codes, np.ndarray) else codes, dtype=object).reshape(-1)
        return np.array(["" if (c is None or (isinstance(c, float) and np.isnan(c)) or c is pd.NA) else str(c) for c in codes], dtype=object)

    def in_country(self, lat: np.ndarray, lon: np.ndarray, codes: np.ndarray, buffer_m: float) -> np.ndarray:
        if self.in_country_fn is None:
            raise LookupError("dwcqa.geo.in_country is not available")
        inside = self.in_country_fn(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float), np.asarray(codes, dtype=object), buffer_m)
        return np.asarray(inside, dtype=bool).reshape(-1)


# --------------------------------------------------------------------------------------------
# Context
# --------------------------------------------------------------------------------------------


@dataclass
class Context:
    """Source authorities and clock for a run of BDQ tests."""

    checklist: TaxonAuthority | None = None
    now: datetime = field(default_factory=datetime.now)
    geo_module: Any = "auto"  # "auto": import dwcqa.geo lazily; None: no geography; or a module
    _geo: Any = field(default=None, init=False, repr=False)
    _geo_loaded: bool = field(default=False, init=False, repr=False)

    def geo(self) -> Geo | None:
        """The geography hook, or None when dwcqa.geo (or what it needs) is absent."""
        if not self._geo_loaded:
            self._geo_loaded = True
            module = self.geo_module
            if module == "auto":
                try:
                    module = importlib.import_module("dwcqa.geo")
                except Exception:  # absent, or failing to load its data
                    module = None
            if module is not None:
                country_of = getattr(module, "country_of", None)
                in_country = getattr(module, "in_country", None)
                if country_of is not None or in_country is not None:
                    self._geo = Geo(country_of, in_country)
        return self._geo

    def taxonomy(self, params: Any) -> TaxonAuthority | None:
        """The taxonomic authority for a batch: the checklist, unless the batch's
        ``bdqval:sourceAuthority`` names another authority."""
        if self.checklist is None:
            return None
        value = params["bdqval:sourceAuthority"] if params.given.get("bdqval:sourceAuthority") else ""
        if not value or params.accepted("bdqval:sourceAuthority") or value in (self.checklist.name,):
            return self.checklist
        return None
