"""Every implemented TDWG BDQ AMENDMENT Test as an amendment (its id is the Test's label).

The Test runs on the core's effective values of its information elements (meta.xml defaults
applied, an absent term read as empty), exactly as ``dwcqa.bdq.run`` runs it; where it answers
AMENDED or FILLED_IN, the values of its Response.result (a JSON object term -> value) are the
proposed changes. Parameters come from ``options["bdq_params"]`` (e.g.
``{"bdqval:defaultGeodeticDatum": "EPSG:4326"}``), a taxonomic authority from
``options["bdq_context"]`` (a ``dwcqa.bdq.Context``); without one the taxonomic Tests answer
EXTERNAL_PREREQUISITES_NOT_MET and propose nothing.

:func:`bdq_changes` is also what dwcqa's own amendments use when a BDQ Test does part of
their work.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from dwcqa.amend.registry import BDQ, amendment, available
from dwcqa.archive.model import STRING, Table
from dwcqa.terms import DCTERMS, term_uri

DC_ELEMENTS = "http://purl.org/dc/elements/1.1/"
PROPOSING = ("AMENDED", "FILLED_IN")


def resolve_term(table: Table, name: str) -> str:
    """The URI under which the core holds a BDQ information element (``dwc:day``, ``dc:type``)."""
    uri = term_uri(name) or name
    if table.field(uri) is not None:
        return uri
    for a, b in ((DC_ELEMENTS, DCTERMS), (DCTERMS, DC_ELEMENTS)):
        if uri.startswith(a) and table.field(b + uri[len(a):]) is not None:
            return b + uri[len(a):]
    return uri


def bdq_changes(context, label: str, overrides: dict[str, pd.Series] | None = None) -> dict[str, pd.Series]:
    """{term URI: new values by core row} that the BDQ Test ``label`` proposes.

    ``overrides`` replaces the values of some information elements (by BDQ name, e.g.
    ``"dwc:eventDate"``), e.g. to run a Test on values another amendment has just proposed.
    """
    from dwcqa import bdq

    test = bdq.get(label)
    table = context.core
    n = context.records
    overrides = overrides or {}
    columns: dict[str, pd.Series] = {}
    uris: dict[str, str] = {}
    for name in dict.fromkeys(test.acted_upon + test.consulted):
        uri = resolve_term(table, name)
        uris[name] = uri
        values = overrides.get(name)
        if values is None:
            values = table.column(uri)
        if values is not None:
            columns[name] = pd.Series(values.fillna("").to_numpy(dtype=object), index=range(n), dtype=STRING)
    frame = pd.DataFrame(columns, index=range(n))
    options = context.options
    responses = bdq.run(test, frame, options.get("bdq_params"), options.get("bdq_context"))
    status = np.asarray(responses.status, dtype=object)
    rows = np.flatnonzero(np.isin(status, PROPOSING))
    if not len(rows):
        return {}
    results = pd.Series(np.asarray(responses.result, dtype=object)[rows])
    codes, uniques = pd.factorize(results)
    parsed = [json.loads(u) if u else {} for u in uniques]
    changes: dict[str, pd.Series] = {}
    for key in dict.fromkeys(k for p in parsed for k in p):
        per_unique = np.array([p.get(key) for p in parsed], dtype=object)
        values = per_unique[codes]
        has = pd.notna(values)
        if has.any():
            uri = uris.get(key) or resolve_term(table, key)
            changes[uri] = pd.Series(values[has], index=rows[has], dtype=STRING)
    return changes


def _register_all() -> None:
    from dwcqa import bdq

    for test in bdq.tests():
        if test.type != "AMENDMENT":
            continue

        def function(context, label=test.label):
            return bdq_changes(context, label)

        needs = {
            "taxonomy": " It needs a taxonomic authority (a checklist, options['bdq_context']); without one it proposes nothing.",
            "geography": " It uses dwcqa's offline country boundaries.",
        }.get(test.requires, "")
        amendment(
            id=test.label,
            title=f"TDWG BDQ {test.label}",
            explanation=f"{test.description} {test.specification}{needs}",
            terms=tuple(term_uri(t) or t for t in test.acted_upon),
            reads=tuple(term_uri(t) or t for t in test.consulted),
            bdq=(test.label, test.guid),
            stage=BDQ,
        )(function)


if available("dwcqa.bdq"):
    _register_all()
