"""TDWG Biodiversity Data Quality (BDQ) single-record tests.

The 110 single-record Tests of the BDQ standard (TDWG Task Group 2), each with its GUID,
information elements, parameters and defaults, and a vectorised implementation that returns
the exact BDQ Response (status, result, comment) for every row of a table:

    >>> from dwcqa import bdq
    >>> responses = bdq.run("VALIDATION_COUNTRYCODE_STANDARD", frame)      # or by GUID
    >>> responses.to_frame()                                               # Response.* columns

- ``bdq.tests()`` lists the implemented tests (``BdqTest``: label, guid, type, requires...);
- ``bdq.run(test, frame, params, context)`` runs one test over a DataFrame;
- ``bdq.run_cases(frame)`` runs a table of cases laid out like the BDQ conformance data;
- ``bdq.Context(checklist=TaxonAuthority.read(path))`` supplies a taxonomic authority.

Shared parsing (emptiness, numbers, ISO 8601 dates and intervals, days of year) lives in
:mod:`dwcqa.bdq.parsing`; verbatim dates/coordinates/lengths in :mod:`dwcqa.bdq.verbatim`.
"""

from dwcqa.bdq.context import Context, TaxonAuthority
from dwcqa.bdq.model import Responses
from dwcqa.bdq.registry import BdqTest, get, not_implemented, tests
from dwcqa.bdq.runner import read_cases, run, run_cases, with_responses, write_cases

__all__ = [
    "BdqTest", "Context", "Responses", "TaxonAuthority", "get", "not_implemented", "read_cases", "run", "run_cases",
    "tests", "with_responses", "write_cases",
]
