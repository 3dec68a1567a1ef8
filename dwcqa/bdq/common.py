"""Building blocks shared by many BDQ tests: NOTEMPTY tests, vocabulary tests, comments."""

from __future__ import annotations

import numpy as np

from dwcqa.bdq.model import (
    AMENDED,
    COMPLIANT,
    EXTERNAL_PREREQUISITES_NOT_MET,
    INTERNAL_PREREQUISITES_NOT_MET,
    NOT_AMENDED,
    NOT_COMPLIANT,
    NOT_ISSUE,
    POTENTIAL_ISSUE,
    RUN_HAS_RESULT,
    amendment_json,
)
from dwcqa.bdq.parsing import empty, map_distinct, present
from dwcqa.bdq.registry import bdq_test
from dwcqa.bdq.vocab import vocabulary

SOURCE = "bdqval:sourceAuthority"


def unavailable(out, params, name: str = SOURCE) -> bool:
    """Answer EXTERNAL_PREREQUISITES_NOT_MET for the undecided rows when the authority
    named by ``name`` is not the one dwcqa has; True when it did."""
    if params.accepted(name):
        return False
    out.rest(EXTERNAL_PREREQUISITES_NOT_MET, comment=f"{name} [{params[name]}] is not available to dwcqa")
    return True


def notempty_validation(label: str, guid: str, term: str) -> None:
    @bdq_test(label, guid)
    def test(record, params, context, out):
        is_empty = record.empty(term)
        out.decide(~is_empty, RUN_HAS_RESULT, COMPLIANT, f"{term} is bdqval:NotEmpty")
        out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, f"{term} is bdqval:Empty")

    test.__name__ = label.lower()


def notempty_issue(label: str, guid: str, term: str) -> None:
    @bdq_test(label, guid)
    def test(record, params, context, out):
        is_empty = record.empty(term)
        out.decide(~is_empty, RUN_HAS_RESULT, POTENTIAL_ISSUE, f"{term} is bdqval:NotEmpty")
        out.rest(RUN_HAS_RESULT, NOT_ISSUE, f"{term} is bdqval:Empty")

    test.__name__ = label.lower()


def vocabulary_validation(label: str, guid: str, term: str, vocabulary_name: str, *, aliases=(), notes: str = "") -> None:
    """COMPLIANT when the value is, exactly, a term of the vocabulary (no trimming, case kept)."""

    @bdq_test(label, guid, aliases={SOURCE: tuple(aliases)}, notes=notes)
    def test(record, params, context, out):
        values = record[term]
        out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{term} is bdqval:Empty")
        if unavailable(out, params):
            return
        vocab = vocabulary(vocabulary_name)
        found = map_distinct(values, vocab.is_term).astype(bool)
        out.decide(found, RUN_HAS_RESULT, COMPLIANT, f"{term} is a value of the bdqval:sourceAuthority")
        out.rest(RUN_HAS_RESULT, NOT_COMPLIANT, f"{term} is not a value of the bdqval:sourceAuthority")

    test.__name__ = label.lower()


def vocabulary_amendment(label: str, guid: str, term: str, vocabulary_name: str, *, aliases=(), notes: str = "") -> None:
    """AMENDED to the one term the value unambiguously stands for (see ``Vocabulary.match``)."""

    @bdq_test(label, guid, aliases={SOURCE: tuple(aliases)}, notes=notes)
    def test(record, params, context, out):
        values = record[term]
        out.decide(empty(values), INTERNAL_PREREQUISITES_NOT_MET, comment=f"{term} is bdqval:Empty")
        if unavailable(out, params):
            return
        vocab = vocabulary(vocabulary_name)
        is_term = map_distinct(values, vocab.is_term).astype(bool)
        out.decide(is_term, NOT_AMENDED, comment=f"{term} is already a value of the bdqval:sourceAuthority")
        proposed = map_distinct(values, vocab.match)
        changed = present(proposed)
        result = amendment_json(len(values), [(term, np.where(changed, proposed, None))])
        out.decide(changed, AMENDED, result, f"{term} interpreted as a value of the bdqval:sourceAuthority")
        out.rest(NOT_AMENDED, comment=f"{term} cannot be unambiguously interpreted as a value of the bdqval:sourceAuthority")

    test.__name__ = label.lower()
