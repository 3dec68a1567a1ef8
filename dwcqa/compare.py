"""occurrenceID stability between two versions of a dataset, the way GBIF checks it.

GBIF keeps a record's gbifID (and its URL) only while its occurrenceID stays the same. At each
ingestion it counts the records of the new version whose occurrenceID was not in the previous
one; above half of the new record count it pauses ingestion and asks the publisher to choose
between accepting the change, restoring the old IDs, or sending a migration file (old ID, new
ID per line) so that gbifIDs move to the new IDs. ``compare(old, new)`` tells a publisher all of
this before publishing:

- counts: records, occurrenceIDs kept, added and removed; the share GBIF computes
  (``new_id_share``) and whether it exceeds 50%; a verdict that tells real re-keying from
  a dataset that merely grew;
- re-keyed records: for every removed occurrenceID, the new record that is the same specimen,
  found on stable secondary keys in this order: institutionCode+collectionCode+catalogNumber;
  catalogNumber alone (only numbers that occur once in each whole version); the old number kept
  in otherCatalogNumbers (as GBIF asks after a renumbering); an otherCatalogNumbers item both
  records share; recordedBy+recordNumber+eventDate; and last a similarity over the remaining
  terms. A pair is proposed only when it is one-to-one at its stage (one old and one new
  record share the key among the records still unpaired); otherwise the candidates are listed
  as ambiguous, never guessed. The shared-item and collector stages refuse pairs whose
  catalogNumbers contradict each other, the similarity fallback also pairs whose codes or
  collector numbers do;
- occurrenceIDs kept for what looks like another specimen (catalogNumber or taxon changed a
  lot), and changed catalogNumbers whose old value is not kept in otherCatalogNumbers.

Everything is column-wise: keys are factorised into integer codes, candidate pairs come from
joins on those codes and one-to-one is a degree count (``numpy.bincount``) - no Python loop
per record, so 1M against 1M records takes seconds.

Inputs are ``Version`` objects: from an archive or CSV/TSV table (``dwcqa.archive.read``), from
the published-version history (``history:NAME`` or ``history:NAME@N``, see dwcqa.history),
or from a DataFrame. Term URIs inside, short names in the report.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dwcqa.terms import DCTERMS, DWC, short_name

if TYPE_CHECKING:
    from dwcqa.archive import Archive, Table

THRESHOLD = 0.5  # GBIF pauses ingestion when more than half of the new records have new IDs
ID = DWC + "occurrenceID"
RECORD_ID = "__id__"  # the frame column holding the identifier GBIF relates versions by

INSTITUTION = DWC + "institutionCode"
COLLECTION = DWC + "collectionCode"
CATALOG = DWC + "catalogNumber"
OTHER_CATALOG = DWC + "otherCatalogNumbers"
RECORDED_BY = DWC + "recordedBy"
RECORD_NUMBER = DWC + "recordNumber"
EVENT_DATE = DWC + "eventDate"
SCIENTIFIC_NAME = DWC + "scientificName"
HIGHER_TAXA = tuple(DWC + t for t in ("kingdom", "phylum", "class", "order", "family"))
GENUS = DWC + "genus"
EPITHET = DWC + "specificEpithet"

KEY_TERMS = (INSTITUTION, COLLECTION, CATALOG, OTHER_CATALOG, RECORDED_BY, RECORD_NUMBER, EVENT_DATE)
TAXON_TERMS = (SCIENTIFIC_NAME, *HIGHER_TAXA, GENUS, EPITHET, DWC + "taxonRank", DWC + "taxonID")
# Terms that describe the specimen and rarely change between exports: the history store keeps
# them (with the keys) so that the similarity fallback also works against a stored version.
SIMILARITY_TERMS = tuple(
    DWC + t
    for t in (
        "basisOfRecord", "eventID", "fieldNumber", "year", "month", "day", "verbatimEventDate",
        "country", "countryCode", "stateProvince", "county", "municipality", "locality",
        "verbatimLocality", "decimalLatitude", "decimalLongitude", "geodeticDatum",
        "coordinateUncertaintyInMeters", "minimumElevationInMeters", "maximumElevationInMeters",
        "habitat", "sex", "lifeStage", "individualCount", "preparations", "typeStatus",
        "identifiedBy", "dateIdentified", "scientificNameAuthorship", "vernacularName",
        "materialSampleID", "organismID", "datasetID", "datasetName",
    )
)
STORED_TERMS = (ID, *KEY_TERMS, *TAXON_TERMS, *SIMILARITY_TERMS)
# Never compared for similarity: they change on every export or embed the identifier itself.
VOLATILE_TERMS = {ID, DCTERMS + "modified", DCTERMS + "references", "http://rs.gbif.org/terms/1.0/gbifID"}

# Pairs found by these keys, in this order. Each stage may veto pairs whose other codes disagree.
STAGES = (
    ("triplet", "institutionCode+collectionCode+catalogNumber"),
    ("catalogNumber", "catalogNumber"),
    ("otherCatalogNumbers", "a catalogNumber kept in otherCatalogNumbers"),
    ("sharedOtherNumber", "the same otherCatalogNumbers item"),
    ("collector", "recordedBy+recordNumber+eventDate"),
    ("similarity", "similarity of the remaining terms"),
)
VETO = {
    "triplet": (),
    "catalogNumber": (),
    "otherCatalogNumbers": (),
    "sharedOtherNumber": (CATALOG,),
    "collector": (CATALOG,),
    "similarity": (INSTITUTION, COLLECTION, CATALOG, RECORD_NUMBER),
}
STAGE_TERMS = {
    "triplet": (INSTITUTION, COLLECTION, CATALOG),
    "catalogNumber": (CATALOG,),
    "collector": (RECORDED_BY, RECORD_NUMBER, EVENT_DATE),
}
GROUP_CAP = 50  # a key value shared by more (old x new) records than this is ambiguous outright
SIMILARITY_MIN = 0.9  # share of compared terms that must agree
SIMILARITY_MIN_TERMS = 4  # and at least this many terms compared
SIMILARITY_MAX_CELLS = 100_000_000  # candidate pairs x terms: beyond this the fallback is skipped (and said)
BLOCKS = (
    (SCIENTIFIC_NAME, EVENT_DATE),
    (DWC + "decimalLatitude", DWC + "decimalLongitude", EVENT_DATE),
    (RECORDED_BY, EVENT_DATE),
    (DWC + "locality", EVENT_DATE),
    (DWC + "decimalLatitude", DWC + "decimalLongitude", SCIENTIFIC_NAME),
    (DWC + "locality", SCIENTIFIC_NAME),
    (DWC + "fieldNumber",),
    (DWC + "eventID", SCIENTIFIC_NAME),
)
OTHER_SEPARATORS = r"\s*[|;,]\s*"
# "previous number=123", "former catalog no: 123": the number of such an item is also a token
LABELLED_NUMBER = r"^(?:previous|former|old|original)?\s*(?:catalog(?:ue)?)?\s*(?:number|no\.?|num|#)\s*[=:]\s*(?P<number>.+)$"
EXAMPLES = 100  # rows of each list in the JSON report (full lists: the DataFrames / --pairs)

OPTIONS = (
    {
        "option": 1,
        "title": "Accept the change",
        "who": "GBIF helpdesk",
        "what": "GBIF resumes ingestion as it is: the records under old occurrenceIDs are deleted, their "
        "gbifIDs and URLs deprecated, and the records under new occurrenceIDs get new gbifIDs. "
        "Links and citations to the old URLs break.",
    },
    {
        "option": 2,
        "title": "Restore the old occurrenceIDs",
        "who": "you",
        "what": "Change the occurrenceIDs back to the previous values and publish again; ingestion resumes "
        "by itself and every gbifID stays. The right choice when the change was a mistake (an "
        "export setting, a regenerated ID column).",
    },
    {
        "option": 3,
        "title": "Migrate gbifIDs to the new occurrenceIDs",
        "who": "GBIF helpdesk, with a list from you",
        "what": "Send helpdesk@gbif.org the migration file (no header, comma-delimited, old occurrenceID "
        "then new occurrenceID on each line; `dwcqa compare --migration FILE` writes it). GBIF moves "
        "the gbifIDs to the new IDs and resumes ingestion; URLs stay. It can be sent before you publish.",
    },
)


# -- versions ------------------------------------------------------------------------------


@dataclass
class Version:
    """One published (or about to be published) version: record id plus terms, verbatim strings.

    ``frame`` has a RangeIndex, the column ``RECORD_ID`` (the identifier GBIF relates versions by,
    normally occurrenceID) and one column per term URI the version has.
    """

    label: str
    kind: str  # "dwca", "table", "history", "frame"
    frame: pd.DataFrame
    id_source: str = "occurrenceID"  # or "id column", or "none"
    title: str | None = None
    dataset_id: str | None = None
    notes: list[str] = field(default_factory=list)
    _arrays: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def records(self) -> int:
        return len(self.frame)

    def array(self, term: str) -> pa.Array:
        """A column as one pyarrow large_string array, "" for missing values (kept once made)."""
        key = ("whole", term)
        if key not in self._arrays:
            self._arrays[key] = _arrow(self.raw(term))
        return self._arrays[key]

    def raw(self, term: str):
        """The column as pyarrow holds it (chunks, nulls), without a copy: for taking a few rows."""
        if term not in self._arrays:
            self._arrays[term] = pa.array(self.frame[term])
        return self._arrays[term]

    @property
    def terms(self) -> list[str]:
        return [c for c in self.frame.columns if c != RECORD_ID]

    def has(self, term: str) -> bool:
        return term in self.frame.columns


def occurrence_table(archive: "Archive") -> "Table":
    """The table holding occurrences: the core, or an Occurrence extension of an Event core."""
    if archive.core.row_type == DWC + "Occurrence":
        return archive.core
    for table in archive.extensions:
        if table.row_type == DWC + "Occurrence":
            return table
    return archive.core


def version_from_archive(archive: "Archive", label: str | None = None) -> Version:
    table = occurrence_table(archive)
    n = table.records
    columns: dict[str, pd.Series] = {}
    notes: list[str] = []
    ids = table.column(ID)
    id_source = "occurrenceID"
    if ids is None:
        ids = table.ids if table.spec.is_core else None
        id_source = "id column" if ids is not None else "none"
        notes.append(
            "the table maps no occurrenceID; "
            + ("its id column is compared instead" if ids is not None else "no identifier to compare")
        )
    if table is not archive.core:
        notes.append(f"occurrences are read from the {table.name} extension ({', '.join(table.files)})")
    columns[RECORD_ID] = _as_string(ids, n)
    for term in table.terms:
        values = table.column(term)
        if values is not None and term not in columns:
            columns[term] = _as_string(values, n)
    frame = pd.DataFrame(columns, copy=False)
    dataset_id = None
    dataset_ids = columns.get(DWC + "datasetID")
    if dataset_ids is not None and n:
        distinct = dataset_ids[dataset_ids.fillna("") != ""].unique()
        dataset_id = str(distinct[0]) if len(distinct) == 1 else None
    return Version(
        label=label or archive.source,
        kind=archive.kind,
        frame=frame,
        id_source=id_source,
        title=archive.eml_title,
        dataset_id=dataset_id,
        notes=notes,
    )




def version_from_frame(frame: pd.DataFrame, label: str = "table", id_term: str = ID) -> Version:
    """A Version from a DataFrame whose columns are term URIs (or short Darwin Core names)."""
    columns: dict[str, pd.Series] = {}
    n = len(frame)
    for name in frame.columns:
        term = name if "://" in str(name) or name == RECORD_ID else DWC + str(name)
        columns[term] = _as_string(frame[name], n)
    if RECORD_ID not in columns:
        columns[RECORD_ID] = columns.get(id_term, _as_string(None, n))
    frame = pd.DataFrame(columns, copy=False)
    return Version(label=label, kind="frame", frame=frame)


def load_version(spec, history=None) -> Version:
    """A Version from what the user gives: a path (archive, folder, CSV/TSV), ``history:NAME[@N]``,
    an Archive, a DataFrame or a Version. ``history`` is a HistoryStore or a path to one."""
    from dwcqa.archive import Archive, read

    if isinstance(spec, Version):
        return spec
    if isinstance(spec, Archive):
        return version_from_archive(spec)
    if isinstance(spec, pd.DataFrame):
        return version_from_frame(spec)
    text = str(spec)
    if text.startswith("history:"):
        from dwcqa.history import HistoryStore, parse_reference

        store = history if isinstance(history, HistoryStore) else HistoryStore(history)
        name, number = parse_reference(text)
        return store.load(name, number)
    return version_from_archive(read(spec), label=text)


def _as_string(values, n: int) -> pd.Series:
    if values is None:
        return pd.Series([pd.NA] * n, dtype=pd.StringDtype("pyarrow"))
    values = values.reset_index(drop=True)
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype(pd.StringDtype("pyarrow"))
    return values


# -- column helpers (all vectorised, on pyarrow arrays) -----------------------------------------

LARGE = pa.large_string()


def _arrow(values) -> pa.Array:
    """A string column as one pyarrow large_string array, missing values as ""."""
    array = pa.array(values) if isinstance(values, (pd.Series, pd.api.extensions.ExtensionArray)) else values
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    if array.type != LARGE:
        array = array.cast(LARGE)
    return pc.fill_null(array, "") if array.null_count else array


def _series(array) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(_arrow(array)))


def _bools(array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _empty(length: int) -> pa.Array:
    return pa.nulls(length, LARGE).fill_null("")


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, LARGE)


def _clean(values) -> pa.Array:
    """Key form of a column: stripped, inner whitespace collapsed, lower case; "" for missing."""
    array = _arrow(values)
    ascii = bool(pc.all(pc.string_is_ascii(array)).as_py() is not False)
    array = pc.ascii_trim_whitespace(array) if ascii else pc.utf8_trim_whitespace(array)
    odd_space = pc.or_(pc.match_substring(array, "  "), pc.match_substring_regex(array, "[\t\r\n]"))
    if pc.any(odd_space).as_py():
        array = pc.replace_substring_regex(array, r"\s\s+|[\t\r\n]", " ")
    return pc.ascii_lower(array) if ascii else pc.utf8_lower(array)


def _trim(array: pa.Array) -> pa.Array:
    ascii = pc.all(pc.string_is_ascii(array)).as_py() is not False
    return pc.ascii_trim_whitespace(array) if ascii else pc.utf8_trim_whitespace(array)


def _column(version: Version, term: str, rows: np.ndarray | None = None) -> pa.Array:
    """Raw values of a term ("" where missing or when the version lacks the term), at some rows."""
    if version.has(term):
        if rows is None:
            return version.array(term)
        return _arrow(version.raw(term).take(pa.array(rows, pa.int64())))
    return _empty(version.records if rows is None else len(rows))


def _cleaned(version: Version, term: str, rows: np.ndarray | None = None) -> pa.Array:
    return _clean(_column(version, term, rows))


def _joined(parts: list[pa.Array], separator: str = "\x1f") -> pa.Array:
    """Composite key: the parts joined by ``separator``; "" when any part is empty."""
    arrays = [_arrow(p) for p in parts]
    if len(arrays) == 1:
        return arrays[0]
    joined = pc.binary_join_element_wise(*arrays, _text(separator))
    empty = pc.equal(arrays[0], "")
    for array in arrays[1:]:
        empty = pc.or_(empty, pc.equal(array, ""))
    return pc.if_else(empty, _text(""), joined)


def _filled(values) -> np.ndarray:
    return _bools(pc.not_equal(_arrow(values), ""))


def _differ(a, b) -> np.ndarray:
    """Both non-empty and different."""
    x, y = _arrow(a), _arrow(b)
    return _bools(pc.and_(pc.and_(pc.not_equal(x, ""), pc.not_equal(y, "")), pc.not_equal(x, y)))


def _conflict(old: Version, new: Version, term: str, o: np.ndarray, n: np.ndarray, form=None) -> np.ndarray:
    """Per pair: the term is filled on both sides and differs in key form (``_clean``, then ``form``).

    Raw values are compared first; only the pairs whose raw values differ are cleaned.
    """
    if not (old.has(term) and new.has(term)) or not len(o):
        return np.zeros(len(o), dtype=bool)
    a, b = _column(old, term, o), _column(new, term, n)
    differ = _differ(a, b)
    if differ.any():
        index = pa.array(np.flatnonzero(differ), pa.int64())
        x, y = _clean(a.take(index)), _clean(b.take(index))
        if form is not None:
            x, y = form(x), form(y)
        differ[np.flatnonzero(differ)] = _differ(x, y)
    return differ


def _alnum(values) -> pa.Array:
    return pc.replace_substring_regex(_arrow(values), r"[^0-9a-z]+", "")


def _split_items(values, rows: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """otherCatalogNumbers items: (row of each item, the item), without empty items."""
    lists = pc.split_pattern_regex(_arrow(values), OTHER_SEPARATORS)
    items = _arrow(pc.list_flatten(lists))
    parents = np.asarray(pc.list_parent_indices(lists).to_numpy(zero_copy_only=False), dtype=np.int64)
    keep = _filled(items)
    return rows[parents[keep]], items.filter(pa.array(keep))


def _codes(left, right) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """Joint integer codes of two string columns; -1 for "". Returns (left, right, distinct values)."""
    a, b = _arrow(left), _arrow(right)
    encoded = pc.dictionary_encode(pa.concat_arrays([a, b]))
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    values = encoded.dictionary
    empty = pc.index(values, "").as_py()
    if empty >= 0:
        codes[codes == empty] = -1
    return codes[: len(a)], codes[len(a):], values


def _pick(values: pa.Array, codes: np.ndarray) -> np.ndarray:
    return np.asarray(values.take(pa.array(codes, pa.int64())).to_numpy(zero_copy_only=False), dtype=object)


# -- candidate edges and one-to-one resolution ---------------------------------------------------


@dataclass
class _Edges:
    """Candidate pairs as positions into the old and new frames, with what links them."""

    o: np.ndarray
    n: np.ndarray
    value: np.ndarray  # object array: the shared key value, shown as evidence
    stage: np.ndarray | None = None  # object array: which key found the pair
    score: np.ndarray | None = None  # similarity share (NaN for key stages)
    group: np.ndarray | None = None  # new records sharing the key (capped groups list only 10)

    def __post_init__(self):
        if self.stage is None:
            self.stage = np.full(len(self.o), "", dtype=object)
        if self.score is None:
            self.score = np.full(len(self.o), np.nan)
        if self.group is None:
            self.group = np.zeros(len(self.o), dtype=np.int64)

    @classmethod
    def empty(cls) -> "_Edges":
        return cls(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, object))

    def __len__(self) -> int:
        return len(self.o)

    def take(self, mask: np.ndarray) -> "_Edges":
        return _Edges(self.o[mask], self.n[mask], self.value[mask], self.stage[mask], self.score[mask], self.group[mask])

    def labelled(self, stage: str) -> "_Edges":
        return _Edges(self.o, self.n, self.value, np.full(len(self.o), stage, dtype=object), self.score, self.group)

    @staticmethod
    def concat(parts: list["_Edges"]) -> "_Edges":
        parts = [p for p in parts if len(p)]
        if not parts:
            return _Edges.empty()
        return _Edges(*(np.concatenate([getattr(p, k) for p in parts]) for k in ("o", "n", "value", "stage", "score", "group")))


def _join_codes(ko: np.ndarray, kn: np.ndarray, po: np.ndarray, pn: np.ndarray, values: pa.Array, cap: int = GROUP_CAP, limit_other: bool = False):
    """Pairs (old row, new row) sharing a code; codes shared by more than ``cap`` old x new
    records give no edges but a capped list (each old record with up to 10 new ones)."""
    size = len(values)
    valid_o, valid_n = ko >= 0, kn >= 0
    ko, po, kn, pn = ko[valid_o], po[valid_o], kn[valid_n], pn[valid_n]
    co = np.bincount(ko, minlength=size).astype(np.int64)
    cn = np.bincount(kn, minlength=size).astype(np.int64)
    product = co * cn
    small = (product > 0) & (product <= cap)
    big = product > cap
    left = pd.DataFrame({"code": ko, "o": po})
    right = pd.DataFrame({"code": kn, "n": pn})
    edges = left[small[ko]].merge(right[small[kn]], on="code")
    capped = left[big[ko]].merge(right[big[kn]].groupby("code", sort=False).head(10), on="code")

    def build(frame: pd.DataFrame) -> _Edges:
        codes = frame["code"].to_numpy(np.int64)
        return _Edges(frame["o"].to_numpy(np.int64), frame["n"].to_numpy(np.int64), _pick(values, codes), group=cn[codes])

    return build(edges), build(capped)


def _key_edges(old_key, new_key, pool_old: np.ndarray, pool_new: np.ndarray) -> tuple[_Edges, _Edges]:
    """Pairs of pool records sharing a key value (keys given over the pools, "" = no key)."""
    ko, kn, values = _codes(old_key, new_key)
    if not len(values):
        return _Edges.empty(), _Edges.empty()
    return _join_codes(ko, kn, pool_old, pool_new, values)


def _one_to_one(edges: _Edges, n_old: int, n_new: int) -> tuple[_Edges, _Edges]:
    """Edges whose old and new record have exactly one candidate each; the rest (ambiguous)."""
    if not len(edges):
        return edges, edges
    deg_o = np.bincount(edges.o, minlength=n_old)
    deg_n = np.bincount(edges.n, minlength=n_new)
    unique = (deg_o[edges.o] == 1) & (deg_n[edges.n] == 1)
    return edges.take(unique), edges.take(~unique)


def _dedupe(edges: _Edges) -> _Edges:
    if not len(edges):
        return edges
    key = edges.o.astype(np.int64) * (int(edges.n.max()) + 1) + edges.n
    _, first = np.unique(key, return_index=True)
    return edges.take(np.sort(first))


# -- the comparison -------------------------------------------------------------------------------


@dataclass
class Comparison:
    """What ``compare`` finds. ``report`` is the JSON of ``dwcqa compare --json``."""

    report: dict
    pairs: pd.DataFrame  # old_id, new_id, matched_by, value, similarity, differs
    ambiguous: pd.DataFrame  # old_id, matched_by, value, candidates, n_candidates
    reused: pd.DataFrame  # occurrenceID, reason, old/new catalogNumber, old/new scientificName
    catalog_not_kept: pd.DataFrame  # old_id, new_id, old_catalogNumber, new_catalogNumber, new_otherCatalogNumbers
    timings: dict = field(default_factory=dict, repr=False)  # seconds per phase

    def migration_csv(self) -> str:
        handle = io.StringIO()
        write_migration(self.pairs, handle)
        return handle.getvalue()


def compare(old, new, history=None) -> Comparison:
    """Compare two versions (paths, ``history:NAME[@N]``, Archives, DataFrames or Versions)."""
    old_v = load_version(old, history)
    new_v = load_version(new, history)
    return _compare(old_v, new_v)


def _compare(old: Version, new: Version) -> Comparison:
    clock = _Clock()
    n_old, n_new = old.records, new.records
    old_ids = _trim(_column(old, RECORD_ID))
    new_ids = _trim(_column(new, RECORD_ID))
    co_codes, cn_codes, id_values = _codes(old_ids, new_ids)
    size = len(id_values)
    count_old = np.bincount(co_codes[co_codes >= 0], minlength=size)
    count_new = np.bincount(cn_codes[cn_codes >= 0], minlength=size)
    in_old = count_old > 0
    in_new = count_new > 0
    kept = int((in_old & in_new).sum())
    added = int((in_new & ~in_old).sum())
    removed = int((in_old & ~in_new).sum())
    valid_o = co_codes >= 0
    valid_n = cn_codes >= 0
    safe_o = np.where(valid_o, co_codes, 0)
    safe_n = np.where(valid_n, cn_codes, 0)
    if size:
        new_not_in_old = ~valid_n | ~in_old[safe_n]
        # Pools: records whose id is gone (old) or new (new), and unique within their version.
        pool_old = np.flatnonzero(valid_o & ~in_new[safe_o] & (count_old[safe_o] == 1))
        pool_new = np.flatnonzero(valid_n & ~in_old[safe_n] & (count_new[safe_n] == 1))
    else:
        new_not_in_old = np.ones(n_new, dtype=bool)
        pool_old = pool_new = np.empty(0, np.int64)
    share = float(new_not_in_old.sum() / n_new) if n_new else 0.0
    clock("occurrenceIDs")

    matcher = _Matcher(old, new, clock)
    accepted, ambiguous_edges, by_stage = matcher.run(pool_old, pool_new)

    pairs = _pairs_frame(accepted, old, new, old_ids, new_ids)
    matched_old = np.zeros(n_old, dtype=bool)
    matched_old[accepted.o] = True
    ambiguous = _ambiguous_frame(ambiguous_edges, matched_old, old_ids, new_ids)
    clock("pairs and ambiguous lists")

    # Kept ids (unique on both sides): still the same specimen? Catalogue numbers kept?
    kept_codes = np.flatnonzero(in_old & in_new & (count_old == 1) & (count_new == 1))
    pos_old = np.full(size, -1, np.int64)
    pos_new = np.full(size, -1, np.int64)
    pos_old[co_codes[valid_o]] = np.flatnonzero(valid_o)
    pos_new[cn_codes[valid_n]] = np.flatnonzero(valid_n)
    kept_o, kept_n = pos_old[kept_codes], pos_new[kept_codes]
    reused = _reused_ids(old, new, kept_o, kept_n, old_ids)
    catalog_not_kept = _catalog_not_kept(
        old, new, np.concatenate([kept_o, accepted.o]), np.concatenate([kept_n, accepted.n]), old_ids, new_ids
    )
    clock("reused IDs and catalogue numbers")

    still_new = new_not_in_old.copy()
    still_new[accepted.n] = False
    share_after = float(still_new.sum() / n_new) if n_new else 0.0
    report = _report(
        old, new,
        counts=dict(
            old_records=n_old, new_records=n_new, kept=kept, added=added, removed=removed,
            old_without_id=int((~valid_o).sum()), new_without_id=int((~valid_n).sum()),
            old_duplicated_ids=int((count_old > 1).sum()), new_duplicated_ids=int((count_new > 1).sum()),
            new_records_with_new_id=int(new_not_in_old.sum()),
            removed_ids_not_pairable=int((in_old & ~in_new & (count_old > 1)).sum()),
            added_ids_not_pairable=int((in_new & ~in_old & (count_new > 1)).sum()),
        ),
        share=share, share_after=share_after, pairs=pairs, by_stage=by_stage, ambiguous=ambiguous,
        reused=reused, catalog_not_kept=catalog_not_kept, matcher=matcher,
    )
    clock("report")
    return Comparison(report=report, pairs=pairs, ambiguous=ambiguous, reused=reused, catalog_not_kept=catalog_not_kept, timings={"wall": clock.laps, "cpu": clock.cpu})


class _Clock:
    """Wall time per phase (Comparison.timings; for benchmarks, not part of the report)."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._last = time.perf_counter()
        self._last_cpu = time.process_time()

    def __call__(self, phase: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.laps[phase] = self.laps.get(phase, 0.0) + now - self._last
        self.cpu[phase] = self.cpu.get(phase, 0.0) + cpu - self._last_cpu
        self._last, self._last_cpu = now, cpu


class _Matcher:
    """Runs the key stages over the records still unpaired."""

    def __init__(self, old: Version, new: Version, clock=None):
        self.old, self.new = old, new
        self.clock = clock or (lambda phase: None)
        self.similarity_terms: list[str] = []
        self.skipped_similarity = 0

    def run(self, pool_old: np.ndarray, pool_new: np.ndarray):
        old, new = self.old, self.new
        accepted: list[_Edges] = []
        ambiguous: list[_Edges] = []
        by_stage: dict[str, int] = {}
        for stage, _title in STAGES:
            if not len(pool_old) or not len(pool_new):
                by_stage[stage] = 0
                continue
            edges, capped = self._edges(stage, pool_old, pool_new)
            edges = self._veto(stage, _dedupe(edges))
            good, unsure = _one_to_one(edges, old.records, new.records)
            by_stage[stage] = len(good)
            self.clock(f"stage {stage}")
            accepted.append(good.labelled(stage))
            ambiguous.extend([unsure.labelled(stage), capped.labelled(stage)])
            if len(good):
                pool_old = np.setdiff1d(pool_old, good.o, assume_unique=True)
                pool_new = np.setdiff1d(pool_new, good.n, assume_unique=True)
        return _Edges.concat(accepted), _Edges.concat(ambiguous), by_stage

    def _key(self, version: Version, rows: np.ndarray, terms: tuple[str, ...]) -> pa.Array:
        return _joined([_cleaned(version, t, rows) for t in terms])

    def _edges(self, stage: str, pool_old: np.ndarray, pool_new: np.ndarray) -> tuple[_Edges, _Edges]:
        old, new = self.old, self.new
        if stage in ("triplet", "collector"):
            terms = STAGE_TERMS[stage]
            if not all(old.has(t) and new.has(t) for t in terms):
                return _Edges.empty(), _Edges.empty()
            return _key_edges(self._key(old, pool_old, terms), self._key(new, pool_new, terms), pool_old, pool_new)
        if stage == "catalogNumber":
            return self._catalog_edges(pool_old, pool_new)
        if stage == "otherCatalogNumbers":
            return self._other_edges(pool_old, pool_new, shared=False)
        if stage == "sharedOtherNumber":
            return self._other_edges(pool_old, pool_new, shared=True)
        return self._similarity_edges(pool_old, pool_new)

    def _catalog_edges(self, pool_old: np.ndarray, pool_new: np.ndarray) -> tuple[_Edges, _Edges]:
        """catalogNumber alone, for numbers that occur once in the whole old and once in the whole
        new version: a number identifies a specimen only where no other collection reuses it.
        The codes may differ (a renamed collection keeps its numbers); the pair shows it."""
        old, new = self.old, self.new
        if not (old.has(CATALOG) and new.has(CATALOG)):
            return _Edges.empty(), _Edges.empty()
        ko, kn, values = _codes(_cleaned(old, CATALOG, pool_old), _cleaned(new, CATALOG, pool_new))
        if not len(values):
            return _Edges.empty(), _Edges.empty()
        # how often each pool number occurs in each whole version (a hash probe, not a full encoding)
        single = []
        for version in (old, new):
            where = pc.index_in(_clean(version.array(CATALOG)), value_set=values)
            found = np.asarray(pc.drop_null(where).to_numpy(zero_copy_only=False), dtype=np.int64)
            single.append(np.bincount(found, minlength=len(values)) == 1)
        ko = np.where((ko >= 0) & single[0][np.maximum(ko, 0)], ko, -1)
        kn = np.where((kn >= 0) & single[1][np.maximum(kn, 0)], kn, -1)
        return _join_codes(ko, kn, pool_old, pool_new, values)

    def _tokens(self, version: Version, rows: np.ndarray) -> tuple[np.ndarray, pa.Array, np.ndarray]:
        """Identifier tokens of records as (row, token, other): other False for the catalogNumber
        and the triplet, True for each otherCatalogNumbers item (and the number of an item such
        as ``previous number=123``)."""
        catalog = _cleaned(version, CATALOG, rows)
        triplet = _joined([_cleaned(version, INSTITUTION, rows), _cleaned(version, COLLECTION, rows), catalog], ":")
        row_parts, token_parts, other_parts = [rows, rows], [catalog, triplet], [np.zeros(len(rows), bool)] * 2
        if version.has(OTHER_CATALOG):
            item_rows, items = _split_items(_cleaned(version, OTHER_CATALOG, rows), rows)
            if len(items):
                labelled = _arrow(pc.struct_field(pc.extract_regex(items, LABELLED_NUMBER), [0]))
                row_parts += [item_rows, item_rows]
                token_parts += [items, labelled]
                other_parts += [np.ones(len(items), bool)] * 2
        row = np.concatenate(row_parts)
        token = pa.concat_arrays([_arrow(t) for t in token_parts])
        other = np.concatenate(other_parts)
        keep = _filled(token)
        return row[keep], token.filter(pa.array(keep)), other[keep]

    def _other_edges(self, pool_old: np.ndarray, pool_new: np.ndarray, shared: bool) -> tuple[_Edges, _Edges]:
        """``shared`` False: a catalogue number of one side is an otherCatalogNumbers item of the other
        (the old number kept, as GBIF asks). True: both records list the same other number."""
        if not (self.old.has(OTHER_CATALOG) or self.new.has(OTHER_CATALOG)):
            return _Edges.empty(), _Edges.empty()
        o_row, o_token, o_other = self._tokens(self.old, pool_old)
        n_row, n_token, n_other = self._tokens(self.new, pool_new)
        if not len(o_token) or not len(n_token):
            return _Edges.empty(), _Edges.empty()
        ko, kn, values = _codes(o_token, n_token)
        if shared:  # only other items on both sides
            ko, kn = np.where(o_other, ko, -1), np.where(n_other, kn, -1)
            return _join_codes(ko, kn, o_row, n_row, values)
        # one side's catalogue number among the other side's other items, in both directions
        parts = [
            _join_codes(np.where(~o_other, ko, -1), np.where(n_other, kn, -1), o_row, n_row, values),
            _join_codes(np.where(o_other, ko, -1), np.where(~n_other, kn, -1), o_row, n_row, values),
        ]
        return _Edges.concat([p[0] for p in parts]), _Edges.concat([p[1] for p in parts])

    def _similarity_edges(self, pool_old: np.ndarray, pool_new: np.ndarray) -> tuple[_Edges, _Edges]:
        old, new = self.old, self.new
        terms = [t for t in old.terms if new.has(t) and t not in VOLATILE_TERMS]
        self.similarity_terms = terms
        if len(terms) < SIMILARITY_MIN_TERMS:
            return _Edges.empty(), _Edges.empty()
        candidates = []
        for block in BLOCKS:
            if all(t in terms for t in block):
                edges, _capped = _key_edges(self._key(old, pool_old, block), self._key(new, pool_new, block), pool_old, pool_new)
                candidates.append(edges)
        edges = self._veto("similarity", _dedupe(_Edges.concat(candidates)))
        if not len(edges):
            return edges, edges
        if len(edges) * len(terms) > SIMILARITY_MAX_CELLS:
            self.skipped_similarity = len(edges)
            return _Edges.empty(), _Edges.empty()
        agree = np.zeros(len(edges), np.int64)
        compared = np.zeros(len(edges), np.int64)
        for term in terms:
            a, b = _cleaned(old, term, edges.o), _cleaned(new, term, edges.n)
            filled_a, filled_b = _filled(a), _filled(b)
            compared += filled_a | filled_b
            agree += filled_a & _bools(pc.equal(a, b))
        score = np.divide(agree, compared, out=np.zeros(len(edges)), where=compared > 0)
        strong = (score >= SIMILARITY_MIN) & (compared >= SIMILARITY_MIN_TERMS)
        labels = (
            pd.Series(agree[strong]).astype(str) + " of " + pd.Series(compared[strong]).astype(str) + " terms agree"
        ).to_numpy(dtype=object)
        return _Edges(edges.o[strong], edges.n[strong], labels, score=score[strong]), _Edges.empty()

    def _veto(self, stage: str, edges: _Edges) -> _Edges:
        if not len(edges):
            return edges
        keep = np.ones(len(edges), dtype=bool)
        for term in VETO[stage]:
            keep &= ~_conflict(self.old, self.new, term, edges.o, edges.n)
        return edges.take(keep)


def _pairs_frame(accepted: _Edges, old: Version, new: Version, old_ids: pa.Array, new_ids: pa.Array) -> pd.DataFrame:
    columns = ("old_id", "new_id", "matched_by", "value", "similarity", "differs")
    if not len(accepted):
        return pd.DataFrame({c: pd.Series([], dtype=float if c == "similarity" else object) for c in columns})
    o, n = accepted.o, accepted.n
    differs = _empty(len(accepted))
    for term in (INSTITUTION, COLLECTION, CATALOG, RECORD_NUMBER, EVENT_DATE, SCIENTIFIC_NAME, DWC + "family"):
        d = _conflict(old, new, term, o, n)
        if d.any():
            named = pc.binary_join_element_wise(differs, _text(short_name(term)), _text(" "))
            differs = pc.if_else(pa.array(d), named, differs)
    value = np.array(accepted.value, dtype=object, copy=True)
    shown_raw = np.zeros(len(accepted), dtype=bool)
    for stage, terms in STAGE_TERMS.items():
        rows = accepted.stage == stage
        if rows.any():  # show the old record's key as written, not its matching form
            raw = [pc.utf8_trim_whitespace(_column(old, t, o[rows])) for t in terms]
            value[rows] = pc.binary_join_element_wise(*raw, _text(" | ")).to_numpy(zero_copy_only=False)
            shown_raw |= rows
    if (~shown_raw).any():
        value[~shown_raw] = pd.Series(value[~shown_raw], dtype=object).str.replace("\x1f", " | ", regex=False).to_numpy(dtype=object)
    take = lambda ids, rows: _series(ids.take(pa.array(rows, pa.int64())))  # noqa: E731
    frame = pd.DataFrame(
        {
            "old_id": take(old_ids, o),
            "new_id": take(new_ids, n),
            "matched_by": accepted.stage,
            "value": value,
            "similarity": accepted.score,
            "differs": _series(pc.utf8_trim_whitespace(differs)),
        }
    )
    frame.attrs["old_rows"] = o
    frame.attrs["new_rows"] = n
    return frame


def _ambiguous_frame(edges: _Edges, matched_old: np.ndarray, old_ids: pa.Array, new_ids: pa.Array) -> pd.DataFrame:
    """One row per removed record left unpaired that had candidates: the first stage that found
    them, the key value, up to 10 candidate new IDs and their number."""
    columns = ("old_id", "matched_by", "value", "candidates", "n_candidates")
    empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    if not len(edges):
        return empty
    edges = edges.take(~matched_old[edges.o])
    if not len(edges):
        return empty
    frame = pd.DataFrame(
        {
            "o": edges.o,
            "matched_by": edges.stage,
            "value": pd.Series(edges.value, dtype=object).str.replace("\x1f", " | ", regex=False).to_numpy(dtype=object),
            "new_id": np.asarray(new_ids.take(pa.array(edges.n, pa.int64())).to_numpy(zero_copy_only=False), dtype=object),
            "group": edges.group,
        }
    )
    frame = frame.drop_duplicates(["o", "new_id"]).reset_index(drop=True)
    first = frame.drop_duplicates("o").set_index("o")  # the first (strongest) stage with candidates
    grouped = frame.groupby("o", sort=False)
    counts = np.maximum(grouped.size(), grouped["group"].max())  # capped groups list only 10
    frame["rank"] = frame.groupby("o", sort=False).cumcount()
    wide = frame[frame["rank"] < 10].pivot(index="o", columns="rank", values="new_id")
    listed = wide[0].astype(object)
    for rank in wide.columns[1:]:
        more = wide[rank]
        listed = listed + np.where(more.notna(), " | " + more.fillna("").astype(str), "")
    rows = first.index.to_numpy()
    return pd.DataFrame(
        {
            "old_id": np.asarray(old_ids.take(pa.array(rows, pa.int64())).to_numpy(zero_copy_only=False), dtype=object),
            "matched_by": first["matched_by"].to_numpy(dtype=object),
            "value": first["value"].to_numpy(dtype=object),
            "candidates": listed.reindex(rows).to_numpy(dtype=object),
            "n_candidates": counts.reindex(rows).to_numpy(),
        }
    )


TAXON_COMPARED = (SCIENTIFIC_NAME, GENUS, EPITHET, *HIGHER_TAXA)


def _taxon_parts(version: Version, rows: np.ndarray) -> dict[str, pa.Array]:
    name = _cleaned(version, SCIENTIFIC_NAME, rows)
    words = pc.extract_regex(name, r"^(?P<genus>\S+)(?:\s+(?P<epithet>\S+))?")
    parts = {}
    for key, term, index in (("genus", GENUS, 0), ("epithet", EPITHET, 1)):
        from_name = _arrow(pc.struct_field(words, [index]))
        given = _cleaned(version, term, rows)
        parts[key] = pc.if_else(pc.not_equal(given, ""), given, from_name)
    for term in HIGHER_TAXA:
        parts[term] = _cleaned(version, term, rows)
    return parts


def _taxon_changed_a_lot(old: Version, new: Version, o: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Another family (or higher rank); without a family: another genus and another epithet.

    A new determination within a genus, or a new combination (same epithet, other genus), is
    an ordinary identification change, not another specimen. Only pairs whose raw taxon
    terms differ are examined.
    """
    changed = np.zeros(len(o), dtype=bool)
    candidates = np.zeros(len(o), dtype=bool)
    for term in TAXON_COMPARED:
        if old.has(term) and new.has(term):
            candidates |= _bools(pc.not_equal(_column(old, term, o), _column(new, term, n)))
    if not candidates.any():
        return changed
    index = np.flatnonzero(candidates)
    a, b = _taxon_parts(old, o[index]), _taxon_parts(new, n[index])
    family_known = _filled(a[DWC + "family"]) & _filled(b[DWC + "family"])
    sub = np.zeros(len(index), dtype=bool)
    for term in HIGHER_TAXA:
        sub |= _differ(a[term], b[term])
    sub |= ~family_known & _differ(a["genus"], b["genus"]) & _differ(a["epithet"], b["epithet"])
    changed[index] = sub
    return changed


def _strings(array: pa.Array) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=object)


def _reused_ids(old: Version, new: Version, o: np.ndarray, n: np.ndarray, old_ids: pa.Array) -> pd.DataFrame:
    columns = ("occurrenceID", "reason", "old_catalogNumber", "new_catalogNumber", "old_scientificName", "new_scientificName")
    empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    if not len(o):
        return empty
    catalog_changed = _conflict(old, new, CATALOG, o, n, form=_alnum)
    if catalog_changed.any():
        idx = np.flatnonzero(catalog_changed)
        a = _alnum(_cleaned(old, CATALOG, o[idx]))
        b = _alnum(_cleaned(new, CATALOG, n[idx]))
        catalog_changed[idx] = _renumbered(a, b)
    if catalog_changed.any():
        idx = np.flatnonzero(catalog_changed)
        kept_in_other = _old_catalog_in_other(new, n[idx], _cleaned(old, CATALOG, o[idx]))
        catalog_changed[idx[kept_in_other]] = False  # renumbered, old number kept: not another specimen
    taxon_changed = _taxon_changed_a_lot(old, new, o, n)
    flagged = catalog_changed | taxon_changed
    if not flagged.any():
        return empty
    both, only_catalog = (catalog_changed & taxon_changed)[flagged], catalog_changed[flagged]
    reason = np.where(
        both,
        "catalogNumber and taxon changed",
        np.where(only_catalog, "catalogNumber changed (old value not in otherCatalogNumbers)", "taxon changed (another family, or another genus and epithet)"),
    )
    fo, fn = o[flagged], n[flagged]
    return pd.DataFrame(
        {
            "occurrenceID": _strings(old_ids.take(pa.array(fo, pa.int64()))),
            "reason": reason,
            "old_catalogNumber": _strings(_column(old, CATALOG, fo)),
            "new_catalogNumber": _strings(_column(new, CATALOG, fn)),
            "old_scientificName": _strings(_column(old, SCIENTIFIC_NAME, fo)),
            "new_scientificName": _strings(_column(new, SCIENTIFIC_NAME, fn)),
        }
    )


def _renumbered(a: pa.Array, b: pa.Array) -> np.ndarray:
    """Per pair of catalogue numbers (letters and digits only, lower case, already different):
    another number, not the same one with leading zeros or a prefix added or dropped
    (``123`` / ``000123`` / ``R-00123`` / ``MCZ:Herp:123`` are one number; ``123`` / ``1123`` are two)."""
    text = np.dtypes.StringDType()
    a, b = (pc.replace_substring_regex(v, r"(^|[a-z])0+([0-9])", r"\1\2") for v in (a, b))  # R-00123 = R-123
    x = np.asarray(a.to_numpy(zero_copy_only=False), dtype=text)
    y = np.asarray(b.to_numpy(zero_copy_only=False), dtype=text)
    same = x == y
    for long, short in ((x, y), (y, x)):
        cut = np.strings.str_len(long) - np.strings.str_len(short)
        ends = np.strings.endswith(long, short) & (np.strings.str_len(short) > 0) & (cut > 0)
        before = np.strings.slice(long, np.maximum(cut - 1, 0), np.maximum(cut, 0))
        same |= ends & ~np.strings.isdigit(before)
    return ~same


def _old_catalog_in_other(new: Version, n: np.ndarray, old_catalog: pa.Array) -> np.ndarray:
    """Per pair: is the old catalogNumber (cleaned) one of the new record's otherCatalogNumbers items?

    An item matches when it equals the old number, or ends with it after a separator (``MCZ:Herp:123``,
    ``MCZ 123``, ``catalog number=123`` all keep ``123``).
    """
    if not len(n) or not new.has(OTHER_CATALOG):
        return np.zeros(len(n), dtype=bool)
    pair, token = _split_items(_cleaned(new, OTHER_CATALOG, n), np.arange(len(n)))
    wanted = old_catalog.take(pa.array(pair, pa.int64()))
    tail = pc.replace_substring_regex(token, r".*[\s:=#/_-]", "")
    hit = _bools(pc.and_(pc.not_equal(wanted, ""), pc.or_(pc.equal(token, wanted), pc.equal(tail, wanted))))
    found = np.zeros(len(n), dtype=bool)
    found[pair[hit]] = True
    return found


def _catalog_not_kept(old: Version, new: Version, o: np.ndarray, n: np.ndarray, old_ids: pa.Array, new_ids: pa.Array) -> pd.DataFrame:
    columns = ("old_id", "new_id", "old_catalogNumber", "new_catalogNumber", "new_otherCatalogNumbers")
    empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    if not len(o) or not (old.has(CATALOG) and new.has(CATALOG)):
        return empty
    a, b = _column(old, CATALOG, o), _column(new, CATALOG, n)
    changed = _filled(a) & _bools(pc.not_equal(a, b))  # includes a number dropped from the new record
    if changed.any():
        idx = np.flatnonzero(changed)
        index = pa.array(idx, pa.int64())
        changed[idx] = _bools(pc.not_equal(_clean(a.take(index)), _clean(b.take(index))))
    if not changed.any():
        return empty
    idx = np.flatnonzero(changed)
    kept = _old_catalog_in_other(new, n[idx], _cleaned(old, CATALOG, o[idx]))
    idx = idx[~kept]
    if not len(idx):
        return empty
    fo, fn = o[idx], n[idx]
    return pd.DataFrame(
        {
            "old_id": _strings(old_ids.take(pa.array(fo, pa.int64()))),
            "new_id": _strings(new_ids.take(pa.array(fn, pa.int64()))),
            "old_catalogNumber": _strings(_column(old, CATALOG, fo)),
            "new_catalogNumber": _strings(_column(new, CATALOG, fn)),
            "new_otherCatalogNumbers": _strings(_column(new, OTHER_CATALOG, fn)),
        }
    )


# -- report -------------------------------------------------------------------------------------


def _records(frame: pd.DataFrame, limit: int = EXAMPLES) -> list[dict]:
    head = frame.head(limit)
    out = []
    for row in head.to_dict(orient="records"):
        out.append({k: (None if isinstance(v, float) and np.isnan(v) else (v.item() if isinstance(v, np.generic) else v)) for k, v in row.items()})
    return out


def classify(counts: dict, share: float, proposed: int) -> str:
    """``stable``, ``grew`` (the benign case), ``rekeyed`` or ``replaced``."""
    if share <= THRESHOLD:
        return "stable"
    old_ids = counts["kept"] + counts["removed"]
    removed_share = counts["removed"] / old_ids if old_ids else 0.0
    if removed_share <= 0.1 and proposed <= 0.1 * max(counts["added"], 1):
        return "grew"
    if counts["removed"] and proposed >= 0.5 * counts["removed"]:
        return "rekeyed"
    return "replaced"


def _report(old: Version, new: Version, counts: dict, share: float, share_after: float, pairs, by_stage, ambiguous, reused, catalog_not_kept, matcher) -> dict:
    proposed = len(pairs)
    exceeds = share > THRESHOLD
    verdict = classify(counts, share, proposed)
    percent = f"{share:.1%}"
    if verdict == "stable":
        message = (
            f"GBIF will ingest this version: {percent} of its records carry an occurrenceID that was not in the "
            f"old version (GBIF pauses above 50%)."
        )
        if share > 0.4:
            message += " That is close to the limit: check the new IDs before publishing."
        if counts["removed"]:
            message += (
                f" {_count(counts['removed'], 'occurrenceID')} of the old version "
                f"{'is' if counts['removed'] == 1 else 'are'} gone: GBIF deletes those records and deprecates their URLs"
                + (f"; {proposed:,} of them look re-keyed - send GBIF the migration file to keep their URLs." if proposed else ".")
            )
    elif verdict == "grew":
        message = (
            f"GBIF will pause ingestion of this dataset: {percent} of the new records have an occurrenceID that "
            f"was not in the old version. This looks like the benign case GBIF describes: the dataset grew "
            f"({counts['old_records']:,} -> {counts['new_records']:,} records), {counts['kept']:,} of the old "
            f"occurrenceIDs are kept and the new IDs belong to genuinely new records. GBIF resumes such datasets "
            f"itself when the growth is visible (option 1, no URL is lost); telling the helpdesk beforehand avoids the wait."
        )
    else:
        message = (
            f"GBIF will pause ingestion of this dataset: {percent} of the new records have an occurrenceID that "
            f"was not in the old version (more than 50%). "
        )
        if verdict == "rekeyed":
            message += (
                f"{proposed:,} of the {counts['removed']:,} removed occurrenceIDs look like the same specimens under "
                f"new IDs. Restore the old IDs (option 2) or send GBIF the migration file (option 3) to keep their gbifIDs and URLs."
            )
        else:
            message += (
                f"{counts['removed']:,} old occurrenceIDs are gone and only {proposed:,} could be paired with a new "
                f"record. If the records are the same specimens, restore the old IDs (option 2); otherwise GBIF "
                f"deprecates the old URLs (option 1)."
            )
        if proposed and exceeds:
            message += f" With the migration file, the share of new IDs falls to {share_after:.1%}."
    warnings = list(dict.fromkeys(old.notes + new.notes))
    if old.title and new.title and old.title.strip() != new.title.strip():
        warnings.append(f"the two versions have different titles ({old.title!r} / {new.title!r}): are they the same dataset?")
    if old.dataset_id and new.dataset_id and old.dataset_id != new.dataset_id:
        warnings.append(f"the two versions have different datasetIDs ({old.dataset_id} / {new.dataset_id})")
    if counts["new_without_id"]:
        warnings.append(f"{counts['new_without_id']:,} records of the new version have no occurrenceID; GBIF counts them as new")
    if counts["new_duplicated_ids"]:
        warnings.append(f"{counts['new_duplicated_ids']:,} occurrenceIDs are used by more than one record in the new version")
    if matcher.skipped_similarity:
        warnings.append(
            f"the similarity fallback was skipped: {matcher.skipped_similarity:,} candidate pairs share their content "
            "(replicated records?); only the key stages were used"
        )
    similar = int(by_stage.get("similarity", 0))
    if similar:
        warnings.append(f"{similar:,} pairs rest on record similarity alone: check them before sending the migration file")
    return {
        "old": {"source": old.label, "kind": old.kind, "title": old.title, "datasetID": old.dataset_id, "idSource": old.id_source},
        "new": {"source": new.label, "kind": new.kind, "title": new.title, "datasetID": new.dataset_id, "idSource": new.id_source},
        "old_records": counts["old_records"],
        "new_records": counts["new_records"],
        "kept": counts["kept"],
        "added": counts["added"],
        "removed": counts["removed"],
        "new_records_with_new_id": counts["new_records_with_new_id"],
        "new_id_share": share,
        "threshold": THRESHOLD,
        "exceeds_threshold": exceeds,
        "verdict": verdict,
        "message": message,
        "options": list(OPTIONS) if exceeds else [],
        "proposed_pairs": proposed,
        "pairs_by_key": {stage: int(by_stage.get(stage, 0)) for stage, _ in STAGES},
        "new_id_share_after_migration": share_after,
        "ambiguous": len(ambiguous),
        "reused_ids": len(reused),
        "catalog_numbers_not_kept": len(catalog_not_kept),
        "ids": {
            "old_without_id": counts["old_without_id"],
            "new_without_id": counts["new_without_id"],
            "old_duplicated_ids": counts["old_duplicated_ids"],
            "new_duplicated_ids": counts["new_duplicated_ids"],
            "removed_ids_not_pairable": counts["removed_ids_not_pairable"],
            "added_ids_not_pairable": counts["added_ids_not_pairable"],
        },
        "similarity_terms": [short_name(t) for t in matcher.similarity_terms],
        "warnings": warnings,
        "examples": {
            "pairs": _records(pairs),
            "ambiguous": _records(ambiguous),
            "reused_ids": _records(reused),
            "catalog_numbers_not_kept": _records(catalog_not_kept),
        },
    }


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}" + ("" if number == 1 else "s")


def _csv_field(values) -> pa.Array:
    """Quote a value only when it holds a comma, a quote or a line break (quotes doubled)."""
    values = _arrow(values)
    needs = pc.match_substring_regex(values, '[,"\r\n]')
    quoted = pc.binary_join_element_wise(_text('"'), pc.replace_substring(values, '"', '""'), _text('"'), _text(""))
    return pc.if_else(needs, quoted, values)


def write_migration(pairs: pd.DataFrame, handle) -> int:
    """GBIF's migration file: no header, comma-delimited, old occurrenceID, new occurrenceID.

    Values are quoted only when they hold a comma, a quote or a line break. Returns the lines written.
    """
    if not len(pairs):
        return 0
    lines = pc.binary_join_element_wise(_csv_field(pairs["old_id"]), _csv_field(pairs["new_id"]), _text(","))
    lines = pc.binary_join_element_wise(lines, _text(""), _text("\n"))
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset : lines.offset + len(lines) + 1]
    data = memoryview(lines.buffers()[2])[int(offsets[0]) : int(offsets[-1])]
    if isinstance(handle, io.TextIOBase) or hasattr(handle, "encoding"):
        handle.write(bytes(data).decode("utf-8"))
    else:
        handle.write(data)
    return len(pairs)


def render(report: dict) -> str:
    """The text of ``dwcqa compare``."""
    r = report
    lines = [
        f"old: {r['old']['source']}" + (f"  \"{r['old']['title']}\"" if r["old"]["title"] else ""),
        f"new: {r['new']['source']}" + (f"  \"{r['new']['title']}\"" if r["new"]["title"] else ""),
        "",
        f"records            {r['old_records']:>12,} old {r['new_records']:>12,} new",
        f"occurrenceIDs      {r['kept']:>12,} kept {r['added']:>11,} added {r['removed']:>11,} removed",
        f"new-ID share       {r['new_id_share']:>12.1%}  ({r['new_records_with_new_id']:,} of {r['new_records']:,} new records; GBIF pauses above 50%)",
        "",
        r["message"],
    ]
    if r["options"]:
        lines.append("")
        lines.append("GBIF's three options:")
        for option in r["options"]:
            lines.append(f"  {option['option']}. {option['title']} ({option['who']}): {option['what']}")
    if r["removed"]:
        lines.append("")
        by_key = ", ".join(f"{k} {v:,}" for k, v in r["pairs_by_key"].items() if v)
        lines.append(f"re-keyed records: {r['proposed_pairs']:,} proposed old -> new pairs" + (f" ({by_key})" if by_key else ""))
        for pair in r["examples"]["pairs"][:5]:
            evidence = f"{pair['matched_by']} {pair['value']}"
            if pair.get("differs"):
                evidence += f"; differs: {pair['differs']}"
            lines.append(f"  {pair['old_id']} -> {pair['new_id']}  [{evidence}]")
        if r["ambiguous"]:
            lines.append(f"ambiguous: {r['ambiguous']:,} removed records have several candidates (not paired; decide yourself)")
            for row in r["examples"]["ambiguous"][:5]:
                shown = row["candidates"].split(" | ")
                listed = " | ".join(shown[:3]) + (" | ..." if row["n_candidates"] > 3 else "")
                lines.append(f"  {row['old_id']}: {row['n_candidates']:,} candidates by {row['matched_by']} {row['value']}: {listed}")
    if r["reused_ids"]:
        lines.append("")
        lines.append(f"occurrenceIDs kept for what may be another specimen: {r['reused_ids']:,}")
        for row in r["examples"]["reused_ids"][:5]:
            lines.append(
                f"  {row['occurrenceID']}: {row['reason']} ({row['old_catalogNumber']} -> {row['new_catalogNumber']}; "
                f"{row['old_scientificName']} -> {row['new_scientificName']})"
            )
    if r["catalog_numbers_not_kept"]:
        lines.append("")
        lines.append(
            f"changed catalogNumbers not kept in otherCatalogNumbers: {r['catalog_numbers_not_kept']:,} "
            "(GBIF uses otherCatalogNumbers to cluster records; keep the former number there)"
        )
        for row in r["examples"]["catalog_numbers_not_kept"][:5]:
            lines.append(f"  {row['new_id']}: {row['old_catalogNumber']} -> {row['new_catalogNumber']}")
    if r["warnings"]:
        lines.append("")
        lines.extend(f"note: {w}" for w in r["warnings"])
    return "\n".join(lines) + "\n"
