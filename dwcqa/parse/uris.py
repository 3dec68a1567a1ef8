"""URIs in verbatim strings (dcterms:references, associatedMedia, media identifiers).

A value is a valid URI when it is one absolute URI without spaces: a scheme, ``:`` and the
rest (RFC 3986's shape, not every detail); for ``http``, ``https`` and ``ftp`` a host must
follow ``//``. ``www.example.org/x`` (no scheme), ``http:/x``, ``https://`` and values with
spaces or several URIs in one cell are not valid URIs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dwcqa.parse import distinct_arrow, empty_or_null, expand, matches, trimmed, with_missing_slot

URI = r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$"
WEB = r"^(?i:https?|ftp)://[^\s/?#<>\"{}|\\^`]+(?:[/?#][^\s<>\"{}|\\^`]*)?$"
WEB_SCHEME = r"^(?i:https?|ftp):"


def valid_uri_unique(array) -> np.ndarray:
    stripped = trimmed(array)
    web = matches(stripped, WEB_SCHEME)
    return np.where(web, matches(stripped, WEB), matches(stripped, URI))


def uri_status(values: pd.Series | None, records: int) -> tuple[np.ndarray, np.ndarray]:
    """(present, valid URI) per record."""
    if values is None:
        false = np.zeros(records, dtype=bool)
        return false, false
    codes, uniques = distinct_arrow(values)
    if len(uniques) == 0:
        return uri_status(None, records)
    absent = empty_or_null(uniques)
    valid = valid_uri_unique(uniques) & ~absent
    return expand(codes, with_missing_slot(~absent, False)), expand(codes, with_missing_slot(valid, False))
