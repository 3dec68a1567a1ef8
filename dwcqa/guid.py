"""Which identifier should the records carry? GUID guidance for an archive.

Portals that publish to iDigBio and GBIF (Symbiota, the IPT) let a collection choose where the
persistent record identifier (occurrenceID) comes from: an occurrenceID managed in the
collection database, the catalogNumber (when it is unique on its own), the
institutionCode:collectionCode:catalogNumber triplet, or a UUID the portal generates. GBIF
relates versions of a dataset by occurrenceID only, so whatever is chosen must then never
change (see ``dwcqa.compare``).

``guid_guidance(archive)`` measures each candidate on the loaded records - completeness,
uniqueness, form (UUID, URN, http URI, other) and whether it is meaningful (built from codes
that can change) or opaque - and says in plain words what to do. ``deterministic_ids`` proposes
values for missing occurrenceIDs: name-based UUIDs (uuid5) from a namespace the user chooses and
the triplet or the core id, so that exporting again gives the same IDs.
"""

from __future__ import annotations

import binascii
import hashlib
import uuid
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dwcqa.compare import CATALOG, COLLECTION, ID, INSTITUTION, occurrence_table

if TYPE_CHECKING:
    from dwcqa.archive import Archive

UUID_PATTERN = r"^(?:urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
STORE_AT_SOURCE = (
    "These identifiers are only stable if you store them in your collection database (or source "
    "spreadsheet) now and export them from there from now on. Generating them again at each "
    "export gives the same values only while the triplet or id they are made from never changes; "
    "once published, an occurrenceID must never change, or GBIF treats the record as deleted and new."
)
FORMS = ("uuid", "urn", "http_uri", "other")


def _strings(values: pd.Series | None, n: int) -> pd.Series:
    if values is None:
        return pd.Series(pa.nulls(n, pa.large_string()).fill_null(""), dtype=pd.StringDtype("pyarrow"))
    array = pa.array(values.reset_index(drop=True))
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = pc.utf8_trim_whitespace(pc.fill_null(array.cast(pa.large_string()), ""))
    return pd.Series(pd.arrays.ArrowStringArray(array))


def _matches(values: pd.Series, pattern: str, ignore_case: bool = False) -> np.ndarray:
    found = pc.match_substring_regex(pa.array(values), pattern, ignore_case=ignore_case)
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


def _forms(values: pd.Series) -> dict[str, int]:
    filled = (values != "").to_numpy(dtype=bool)
    is_uuid = _matches(values, UUID_PATTERN) & filled
    is_urn = _matches(values, "^urn:", ignore_case=True) & ~is_uuid
    is_http = _matches(values, "^https?://", ignore_case=True)
    other = filled & ~(is_uuid | is_urn | is_http)
    return {"uuid": int(is_uuid.sum()), "urn": int(is_urn.sum()), "http_uri": int(is_http.sum()), "other": int(other.sum())}


def _contains(haystack: pd.Series, needle: pd.Series, rows: np.ndarray) -> np.ndarray:
    """At some rows: does ``haystack`` contain ``needle`` (case-insensitive; needles under 2
    characters never match)? numpy's element-wise ``strings.find`` on the rows asked about."""
    out = np.zeros(len(haystack), dtype=bool)
    if not len(rows):
        return out
    take = pa.array(rows, pa.int64())
    text = np.dtypes.StringDType()
    h = np.asarray(pc.utf8_lower(pa.array(haystack).take(take)).to_numpy(zero_copy_only=False), dtype=text)
    s = np.asarray(pc.utf8_lower(pa.array(needle).take(take)).to_numpy(zero_copy_only=False), dtype=text)
    out[rows] = (np.strings.str_len(s) >= 2) & (np.strings.find(h, s) >= 0)
    return out


def _measure(source: str, values: pd.Series, n: int, meaningful: np.ndarray | None = None, present: bool = True) -> dict:
    filled_mask = (values != "").to_numpy(dtype=bool)
    filled = int(filled_mask.sum())
    counts = values[filled_mask].value_counts()
    duplicated_values = int((counts > 1).sum())
    records_sharing = int(counts[counts > 1].sum())
    forms = _forms(values)
    meaningful_count = int((meaningful & filled_mask).sum()) if meaningful is not None else 0
    return {
        "source": source,
        "present": present,
        "records": n,
        "filled": filled,
        "completeness": filled / n if n else 0.0,
        "distinct": int(len(counts)),
        "unique": records_sharing == 0,
        "duplicated_values": duplicated_values,
        "records_sharing_a_value": records_sharing,
        "complete_and_unique": present and n > 0 and filled == n and records_sharing == 0,
        "forms": forms,
        "globally_unique_form": filled > 0 and forms["other"] == 0,
        "meaningful": meaningful_count,
        "opaque": filled - meaningful_count,
    }


def guid_guidance(archive: "Archive") -> dict:
    """Each candidate identifier source measured on the archive, and a recommendation in plain words."""
    table = occurrence_table(archive)
    n = table.records
    institution = _strings(table.column(INSTITUTION), n)
    collection = _strings(table.column(COLLECTION), n)
    catalog = _strings(table.column(CATALOG), n)
    occurrence_id = _strings(table.column(ID), n)
    triplet_parts_present = all(table.column(t) is not None for t in (INSTITUTION, COLLECTION, CATALOG))
    complete_triplet = ((institution != "") & (collection != "") & (catalog != "")).to_numpy(dtype=bool)
    triplet = ("urn:catalog:" + institution + ":" + collection + ":" + catalog).where(complete_triplet, "")

    # Meaningful: the value carries codes that can change (catalogue number, institution code).
    is_uuid = _matches(occurrence_id, UUID_PATTERN)
    looks_like_triplet = _matches(occurrence_id, r"^urn:catalog:|^[^:/\s]+:[^:/\s]+:[^:/\s]+$", ignore_case=True)
    undecided = np.flatnonzero(~is_uuid & ~looks_like_triplet & (occurrence_id != "").to_numpy(dtype=bool))
    embeds = _contains(occurrence_id, catalog, undecided) | _contains(occurrence_id, institution, undecided)
    occurrence_meaningful = ~is_uuid & (embeds | looks_like_triplet)
    catalog_forms_unique = _measure("catalogNumber", catalog, n, np.ones(n, dtype=bool), table.column(CATALOG) is not None)

    candidates = [
        _measure("occurrenceID", occurrence_id, n, occurrence_meaningful, table.column(ID) is not None),
        catalog_forms_unique,
        _measure("triplet", triplet, n, np.ones(n, dtype=bool), triplet_parts_present),
        {
            "source": "generated UUID",
            "present": True,
            "records": n,
            "filled": n,
            "completeness": 1.0 if n else 0.0,
            "distinct": n,
            "unique": True,
            "duplicated_values": 0,
            "records_sharing_a_value": 0,
            "complete_and_unique": n > 0,
            "forms": {"uuid": n, "urn": 0, "http_uri": 0, "other": 0},
            "globally_unique_form": True,
            "meaningful": 0,
            "opaque": n,
        },
    ]
    for candidate in candidates:
        candidate["assessment"] = _assess(candidate)
    recommendation = _recommend(candidates, n)
    return {
        "source": archive.source,
        "records": n,
        "table": table.name,
        "candidates": candidates,
        "recommendation": recommendation,
        "missing_occurrenceID": n - candidates[0]["filled"],
        "fill": {
            "possible": n - candidates[0]["filled"] > 0,
            "key": _fill_key(table, occurrence_id == "", complete_triplet),
            "warning": STORE_AT_SOURCE,
        },
    }


def _assess(c: dict) -> str:
    if c["source"] == "generated UUID":
        return (
            "always complete, unique and opaque; stable only when generated once and stored in the "
            "database the data is managed in (Symbiota's own UUIDs when the portal is the live database; "
            "Specify's GUIDs; never re-generated at export)"
        )
    if not c["present"]:
        return "not in the data"
    if not c["filled"]:
        return "in the data, but empty in every record"
    parts = [f"{c['completeness']:.0%} filled"]
    parts.append("unique" if c["unique"] else f"{c['records_sharing_a_value']:,} records share {c['duplicated_values']:,} values")
    forms = [f"{c['forms'][k]:,} {k.replace('_', ' ')}" for k in FORMS if c["forms"][k]]
    if forms:
        parts.append("form: " + ", ".join(forms))
    if c["filled"]:
        parts.append("meaningful (built from codes that can change)" if c["meaningful"] > c["filled"] / 2 else "opaque")
    return "; ".join(parts)


def _recommend(candidates: list[dict], n: int) -> dict:
    occ, catalog, triplet = candidates[0], candidates[1], candidates[2]
    lines: list[str] = []
    if n == 0:
        return {"source": None, "text": "The archive has no records."}
    if occ["complete_and_unique"]:
        source = "occurrenceID"
        lines.append(
            "Keep your occurrenceIDs: every record has one and none repeats. Publish exactly these values "
            "in every future version; GBIF relates versions by them and keeps each record's gbifID and URL only while they stay the same."
        )
        if occ["forms"]["other"]:
            lines.append(
                f"{occ['forms']['other']:,} of them are plain local strings rather than a UUID, URN or http URI; "
                "that is allowed, but do not 'improve' them now - changing published IDs costs the records their GBIF URLs."
            )
        used = [f"{occ['forms'][k]:,} {label}" for k, label in (("uuid", "UUIDs"), ("urn", "URNs"), ("http_uri", "http URIs"), ("other", "local strings")) if occ["forms"][k]]
        if len(used) > 1:
            lines.append(f"They mix forms ({', '.join(used)}); that is fine as long as each keeps the value it was published with.")
        if occ["meaningful"] > occ["filled"] / 2:
            lines.append(
                "They are built from institution, collection or catalogue codes. That works while those codes never "
                "change; if they must change (a new catalogue numbering, a renamed collection), keep the old occurrenceIDs, "
                "or send GBIF a migration file (dwcqa compare --migration) when you publish."
            )
        return {"source": source, "text": " ".join(lines)}
    if occ["present"] and occ["filled"]:
        source = "occurrenceID"
        if occ["filled"] < n:
            lines.append(
                f"{n - occ['filled']:,} of {n:,} records have no occurrenceID. Keep the existing ones unchanged and give the "
                "missing ones new, permanent IDs - UUIDs generated once and stored in your database (dwcqa can propose "
                "deterministic ones, see below)."
            )
        if not occ["unique"]:
            lines.append(
                f"{occ['records_sharing_a_value']:,} records share {occ['duplicated_values']:,} occurrenceIDs; GBIF needs every "
                "occurrenceID to be unique in the dataset. Decide for each duplicate which record keeps the published ID and give the others new ones."
            )
        return {"source": source, "text": " ".join(lines)}
    # No occurrenceIDs at all: choose a source, once.
    if triplet["complete_and_unique"]:
        source = "generated UUID"
        lines.append(
            "Your records have no occurrenceID yet. The institutionCode:collectionCode:catalogNumber triplet is complete and "
            "unique, so it could serve (as urn:catalog:INST:COLL:CAT), but it is meaningful: a renumbering or a renamed "
            "collection would change every ID. GBIF and TDWG recommend opaque identifiers: generate a UUID once per record "
            "in the database you manage the data in (Specify does it; in Symbiota choose 'Symbiota-generated UUID' only if "
            "the portal is your live database), store it, and publish it as occurrenceID."
        )
    elif catalog["complete_and_unique"] and catalog["globally_unique_form"]:
        source = "catalogNumber"
        lines.append(
            "Your records have no occurrenceID, but every catalogNumber is present, unique and already in a globally unique "
            "form (UUID, URN or URI); it can serve as occurrenceID (Symbiota's 'Catalog Number' option). Otherwise generate UUIDs once and store them."
        )
    else:
        source = "generated UUID"
        reasons = []
        if not catalog["complete_and_unique"]:
            reasons.append("catalogNumber is incomplete or repeats" if catalog["present"] else "there is no catalogNumber")
        if not triplet["complete_and_unique"]:
            reasons.append("the triplet is incomplete or repeats" if triplet["present"] else "the triplet codes are missing")
        lines.append(
            "Your records have no occurrenceID and no complete, unique code to build one from ("
            + "; ".join(reasons)
            + "). Generate a UUID once per record in the database you manage the data in, store it there, and publish it as occurrenceID."
        )
    return {"source": source, "text": " ".join(lines)}


def _fill_key(table, missing: pd.Series, complete_triplet: np.ndarray) -> str | None:
    """What deterministic IDs for the missing occurrenceIDs would be made from (auto choice)."""
    need = missing.to_numpy(dtype=bool)
    if not need.any():
        return None
    if complete_triplet[need].all():
        return "triplet"
    ids = table.ids if table.spec.is_core else None
    if ids is not None and (ids.fillna("").str.strip() != "").to_numpy(dtype=bool)[need].all():
        return "id"
    return "triplet" if complete_triplet[need].any() else None


def namespace_uuid(namespace) -> uuid.UUID:
    """The uuid5 namespace: a UUID as given, or the UUID of a URL or name (e.g. your institution's website)."""
    if isinstance(namespace, uuid.UUID):
        return namespace
    text = str(namespace).strip()
    if not text:
        raise ValueError("a namespace is needed (a UUID, or your institution's URL)")
    try:
        return uuid.UUID(text)
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, text)


def uuid5_many(namespace: uuid.UUID, names: list[str]) -> np.ndarray:
    """``str(uuid.uuid5(namespace, name))`` for many names (object array).

    The SHA-1 of each name is the one step per record (no vectorised SHA-1 exists in numpy or
    pyarrow); setting the version and variant bits and writing the hex form are vectorised.
    """
    if not names:
        return np.empty(0, dtype=object)
    prefix = namespace.bytes
    sha1 = hashlib.sha1
    digests = b"".join([sha1(prefix + name.encode("utf-8")).digest()[:16] for name in names])
    raw = np.frombuffer(digests, dtype=np.uint8).reshape(-1, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x50  # version 5
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    hexed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(32), len(names), [None, pa.py_buffer(binascii.hexlify(raw.tobytes()))])
    hexed = hexed.cast(pa.binary()).cast(pa.string())
    parts = [pc.utf8_slice_codeunits(hexed, a, b) for a, b in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))]
    return np.asarray(pc.binary_join_element_wise(*parts, "-").to_numpy(zero_copy_only=False), dtype=object)


def deterministic_ids(archive: "Archive", namespace, key: str = "auto", only_missing: bool = True) -> pd.Series:
    """Proposed occurrenceIDs aligned to the occurrence table's rows (index 0..n-1).

    Missing occurrenceIDs (or all, with ``only_missing=False``) get ``uuid5(namespace, name)``,
    where name is ``INST:COLL:CAT`` (key ``"triplet"``) or the core id (key ``"id"``); ``"auto"``
    takes the triplet when every record to fill has one, else the id. The same namespace and data
    give the same UUIDs at every export. Records without the material stay ``<NA>``; existing
    occurrenceIDs are returned unchanged. ``Series.attrs`` holds: key, namespace, filled,
    unfillable, duplicated (proposed values used by more than one record) and the warning that
    the IDs must be stored at the source (``STORE_AT_SOURCE``).
    """
    table = occurrence_table(archive)
    n = table.records
    space = namespace_uuid(namespace)
    current = _strings(table.column(ID), n)
    institution = _strings(table.column(INSTITUTION), n)
    collection = _strings(table.column(COLLECTION), n)
    catalog = _strings(table.column(CATALOG), n)
    complete_triplet = ((institution != "") & (collection != "") & (catalog != "")).to_numpy(dtype=bool)
    core_ids = _strings(table.ids if table.spec.is_core else None, n)
    need = (current == "").to_numpy(dtype=bool) if only_missing else np.ones(n, dtype=bool)
    if key == "auto":
        key = _fill_key(table, pd.Series(need), complete_triplet) or "triplet"
    if key == "triplet":
        names = (institution + ":" + collection + ":" + catalog).where(complete_triplet, "")
    elif key == "id":
        names = core_ids
    else:
        raise ValueError(f"key must be 'auto', 'triplet' or 'id', not {key!r}")
    material = (names != "").to_numpy(dtype=bool)
    todo = need & material
    proposed = current.astype(object).where(~pd.Series(need), None)
    made = uuid5_many(space, names[todo].tolist())
    proposed = np.array(proposed.to_numpy(dtype=object), dtype=object, copy=True)
    proposed[todo] = made
    result = pd.Series(proposed, dtype=pd.StringDtype("pyarrow"), name="occurrenceID")
    new_values = result[todo]
    result.attrs.update(
        {
            "key": key,
            "namespace": str(space),
            "filled": int(todo.sum()),
            "unfillable": int((need & ~material).sum()),
            "duplicated": int(new_values.duplicated(keep=False).sum()),
            "collides_with_existing": int(new_values.isin(current[current != ""]).sum()),
            "warning": STORE_AT_SOURCE,
        }
    )
    return result
