"""dwcqa.amend: the registry, propose/apply with their change log, and each amendment.

Small synthetic archives (built in memory: one core, sometimes an extension) show each
amendment's rule; the corpus round trip with amendments is in test_export.py.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from dwcqa import amend
from dwcqa.amend import registry
from dwcqa.archive.model import STRING, Archive, Dialect, Field, Table, TableSpec
from dwcqa.terms import DWC

OCCURRENCE = DWC + "Occurrence"
MULTIMEDIA = "http://rs.gbif.org/terms/1.0/Multimedia"
DWCQA_AMENDMENTS = {
    "WHITESPACE_TRIMMED", "VERBATIM_NULL_EMPTIED", "EVENT_DATE_STANDARDIZED", "BASIS_OF_RECORD_STANDARDIZED",
    "OCCURRENCE_STATUS_STANDARDIZED", "TYPE_STATUS_STANDARDIZED", "SEX_STANDARDIZED", "LIFE_STAGE_STANDARDIZED",
    "ESTABLISHMENT_MEANS_STANDARDIZED", "COUNTRY_CODE_FROM_COUNTRY", "COUNTRY_CODE_FROM_COORDINATES",
    "COORDINATES_SWAPPED_OR_NEGATED", "GEODETIC_DATUM_STANDARDIZED", "ELEVATION_RANGE_SWAPPED", "DEPTH_RANGE_SWAPPED",
    "OCCURRENCE_ID_GENERATED",
}


def core_of(columns: dict[str, list], *, id_term: str | None = "occurrenceID", defaults: dict[str, str] | None = None, row_type=OCCURRENCE) -> Table:
    """A core table with one column per term name (``id`` column = ``id_term``'s column)."""
    names = list(columns)
    data = pd.DataFrame({i: pd.Series(columns[n], dtype=STRING) for i, n in enumerate(names)})
    fields = [Field(DWC + n, i) for i, n in enumerate(names)]
    fields += [Field(DWC + n, None, default=v) for n, v in (defaults or {}).items()]
    id_index = names.index(id_term) if id_term in names else None
    spec = TableSpec(row_type=row_type, files=("occurrence.txt",), dialect=Dialect("\t", "", "\n", 1), fields=tuple(fields), id_index=id_index)
    return Table(spec=spec, data=data, header=names)


def extension_of(coreids: list[str], values: list[str]) -> Table:
    data = pd.DataFrame({0: pd.Series(coreids, dtype=STRING), 1: pd.Series(values, dtype=STRING)})
    spec = TableSpec(row_type=MULTIMEDIA, files=("multimedia.txt",), dialect=Dialect("\t", "", "\n", 1), fields=(Field("http://purl.org/dc/terms/identifier", 1),), id_index=0, is_core=False)
    return Table(spec=spec, data=data)


def archive_of(core: Table, *extensions: Table) -> Archive:
    return Archive(source="(memory)", kind="dwca", core=core, extensions=list(extensions))


def changes_of(amendment_id: str, archive: Archive, options: dict | None = None) -> dict[str, dict[int, str]]:
    """What one amendment proposes: {term short name: {row: new value}}."""
    (proposal,) = amend.propose(archive, [amendment_id], options)
    assert proposal.error is None, proposal.error
    return {term.rsplit("/", 1)[-1]: {int(r): v for r, v in values.items()} for term, values in proposal.changes.items()}


# -- the registry -------------------------------------------------------------------------------------


def test_the_catalogue_lists_dwcqas_amendments():
    ids = {a.id for a in amend.all_amendments()}
    assert DWCQA_AMENDMENTS <= ids
    for item in amend.all_amendments():
        assert item.title and item.explanation and item.terms


def test_every_implemented_bdq_amendment_is_registered_under_its_label():
    from dwcqa import bdq

    labels = {t.label: t for t in bdq.tests() if t.type == "AMENDMENT"}
    assert len(labels) >= 20
    for label, test in labels.items():
        registered = amend.get(label)
        assert registered.bdq is not None and registered.bdq.guid == test.guid
        assert registered.stage == registry.BDQ


def test_amendments_run_in_stages():
    order = [a.id for a in amend.all_amendments()]
    assert order.index("WHITESPACE_TRIMMED") < order.index("BASIS_OF_RECORD_STANDARDIZED") < order.index("COUNTRY_CODE_FROM_COUNTRY")
    assert order.index("COUNTRY_CODE_FROM_COUNTRY") < order.index("COUNTRY_CODE_FROM_COORDINATES")
    assert order.index("OCCURRENCE_ID_GENERATED") < order.index("AMENDMENT_DAY_STANDARDIZED")


@pytest.fixture
def scratch_registry(monkeypatch):
    amend.all_amendments()  # load the modules first
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_SEQUENCE", dict(registry._SEQUENCE))


def test_registration_fails_loudly(scratch_registry):
    def nothing(context):
        return None

    declare = dict(title="t", explanation="e", terms=(DWC + "sex",))
    with pytest.raises(amend.RegistryError, match="UPPER_SNAKE"):
        amend.amendment(id="lower_case", **declare)(nothing)
    with pytest.raises(amend.RegistryError, match="registered twice"):
        amend.amendment(id="WHITESPACE_TRIMMED", **declare)(nothing)
    with pytest.raises(amend.RegistryError, match="explanation"):
        amend.amendment(id="NO_EXPLANATION", title="t", explanation="", terms=(DWC + "sex",))(nothing)
    with pytest.raises(amend.RegistryError, match="terms"):
        amend.amendment(id="NO_TERMS", title="t", explanation="e", terms=())(nothing)


def test_one_small_function_is_all_a_new_amendment_needs(scratch_registry):
    @amend.amendment(id="SEX_UPPER_CASED", title="sex in capitals", explanation="For the test.", terms=(DWC + "sex",))
    def upper(context):
        values = context.column(DWC + "sex")
        return {DWC + "sex": values.str.upper()}

    @amend.amendment(id="NEEDS_A_MISSING_MODULE", title="t", explanation="e", terms=(DWC + "sex",), requires=("dwcqa.no_such_module",))
    def never(context):
        raise AssertionError("never registered")

    ids = {a.id for a in amend.all_amendments()}
    assert "SEX_UPPER_CASED" in ids and "NEEDS_A_MISSING_MODULE" not in ids
    archive = archive_of(core_of({"occurrenceID": ["1", "2"], "sex": ["male", "MALE"]}))
    cleaned, log = amend.apply(archive, ["SEX_UPPER_CASED"])
    assert list(cleaned.core.column(DWC + "sex")) == ["MALE", "MALE"]
    assert log[["row", "old_value", "new_value"]].values.tolist() == [[0, "male", "MALE"]]  # row 1 unchanged: no-op dropped


def test_select_understands_all_bdq_ids_and_exclusions():
    own = amend.select("all")
    assert {a.id for a in own} >= DWCQA_AMENDMENTS
    assert all(a.stage != registry.BDQ for a in own)
    assert all(a.stage == registry.BDQ for a in amend.select("bdq"))
    assert [a.id for a in amend.select("sex_standardized, WHITESPACE_TRIMMED")] == ["WHITESPACE_TRIMMED", "SEX_STANDARDIZED"]
    assert "SEX_STANDARDIZED" not in {a.id for a in amend.select("all,-SEX_STANDARDIZED")}
    assert amend.select(None) == []
    with pytest.raises(amend.RegistryError, match="no amendment"):
        amend.select("NOT_AN_AMENDMENT")


# -- propose and apply ---------------------------------------------------------------------------------


def messy() -> Archive:
    core = core_of(
        {
            "occurrenceID": ["o1", "o2", "o3", "o4"],
            "basisOfRecord": [" preserved specimen ", "PreservedSpecimen", "NULL", "PRESERVED_SPECIMEN"],
            "locality": ["Gent ", "Namur", "N/A", ""],
        }
    )
    return archive_of(core, extension_of(["o1", "o1", "o3"], ["a.jpg", "b.jpg", "c.jpg"]))


def test_propose_previews_without_changing_anything():
    archive = messy()
    before = archive.core.data.copy()
    proposals = {p.id: p for p in amend.propose(archive, ["WHITESPACE_TRIMMED", "VERBATIM_NULL_EMPTIED", "BASIS_OF_RECORD_STANDARDIZED"])}
    pd.testing.assert_frame_equal(archive.core.data, before)
    trim = proposals["WHITESPACE_TRIMMED"]
    assert (trim.cells, trim.records) == (2, 1)  # basisOfRecord and locality of o1
    assert trim.examples[0] == {"row": 0, "id": "o1", "term": "basisOfRecord", "before": " preserved specimen ", "after": "preserved specimen"}
    assert proposals["VERBATIM_NULL_EMPTIED"].cells == 2
    assert proposals["BASIS_OF_RECORD_STANDARDIZED"].cells == 2  # each previewed on the archive as it is
    assert trim.to_dict()["terms"] == ["basisOfRecord", "locality"]


def test_apply_returns_a_new_archive_and_logs_every_change_in_order():
    archive = messy()
    before = archive.core.data.copy()
    spec = archive.core.spec
    cleaned, log = amend.apply(archive, ["BASIS_OF_RECORD_STANDARDIZED", "WHITESPACE_TRIMMED", "VERBATIM_NULL_EMPTIED"])
    assert cleaned is not archive and cleaned.core is not archive.core
    pd.testing.assert_frame_equal(archive.core.data, before)
    assert archive.core.spec is spec
    assert list(cleaned.core.column(DWC + "basisOfRecord")) == ["PreservedSpecimen", "PreservedSpecimen", "", "PreservedSpecimen"]
    assert list(cleaned.core.column(DWC + "locality")) == ["Gent", "Namur", "", ""]
    assert list(log.columns) == list(amend.CHANGE_COLUMNS)
    # registry order, whatever order they were given in: trimmed first, then standardized
    first = log[(log["row"] == 0) & (log["term"] == "basisOfRecord")]
    assert first[["old_value", "new_value", "amendment"]].values.tolist() == [
        [" preserved specimen ", "preserved specimen", "WHITESPACE_TRIMMED"],
        ["preserved specimen", "PreservedSpecimen", "BASIS_OF_RECORD_STANDARDIZED"],
    ]
    assert set(log["id"]) == {"o1", "o3", "o4"}
    assert (log["table"] == "Occurrence").all()


def test_excluded_rows_are_left_alone():
    archive = messy()
    _, log = amend.apply(archive, ["WHITESPACE_TRIMMED", "VERBATIM_NULL_EMPTIED"], excluded_rows={0})
    assert 0 not in set(log["row"])
    _, log = amend.apply(archive, ["WHITESPACE_TRIMMED", "VERBATIM_NULL_EMPTIED"], excluded_rows={"VERBATIM_NULL_EMPTIED": [2]})
    assert set(log.loc[log["amendment"] == "VERBATIM_NULL_EMPTIED", "row"]) == set()
    assert set(log.loc[log["amendment"] == "WHITESPACE_TRIMMED", "row"]) == {0}
    assert amend.rows_of_ids(archive, ["o3", "nope"]) == {2}


def test_a_term_the_core_lacks_gets_a_column_and_a_field():
    archive = archive_of(core_of({"occurrenceID": ["1", "2"], "country": ["Belgique", "Deutschland"]}))
    cleaned, log = amend.apply(archive, ["COUNTRY_CODE_FROM_COUNTRY"])
    field = cleaned.core.field(DWC + "countryCode")
    assert field is not None and field.index == 2
    assert list(cleaned.core.column(DWC + "countryCode")) == ["BE", "DE"]
    assert archive.core.field(DWC + "countryCode") is None
    assert log["old_value"].isna().all()


def test_a_constant_column_becomes_a_column_and_keeps_its_default():
    archive = archive_of(core_of({"occurrenceID": ["1", "2"]}, defaults={"basisOfRecord": "preserved specimen"}))
    cleaned, log = amend.apply(archive, ["BASIS_OF_RECORD_STANDARDIZED"])
    field = cleaned.core.field(DWC + "basisOfRecord")
    assert field.index == 1 and field.default == "preserved specimen"
    assert list(cleaned.core.column(DWC + "basisOfRecord")) == ["PreservedSpecimen"] * 2
    assert log["old_value"].tolist() == ["preserved specimen"] * 2


def test_a_changed_core_id_is_carried_to_the_extension_rows():
    core = core_of({"occurrenceID": [" o1", "o2"], "locality": ["a", "b"]})
    archive = archive_of(core, extension_of([" o1", " o1", "o2"], ["x", "y", "z"]))
    cleaned, log = amend.apply(archive, ["WHITESPACE_TRIMMED"])
    assert list(cleaned.core.ids) == ["o1", "o2"]
    assert list(cleaned.extensions[0].ids) == ["o1", "o1", "o2"]
    assert list(archive.extensions[0].ids) == [" o1", " o1", "o2"]
    extension_rows = log[log["table"] == "Multimedia extension"]
    assert extension_rows[["row", "id", "term", "new_value"]].values.tolist() == [[0, " o1", "coreid", "o1"], [1, " o1", "coreid", "o1"]]


def test_no_amendment_empties_an_id_or_makes_it_shared():
    core = core_of({"occurrenceID": ["NULL", "o2 ", "o2", "o4"], "locality": ["a", "b", "c", "d"]})
    cleaned, log = amend.apply(archive_of(core), ["WHITESPACE_TRIMMED", "VERBATIM_NULL_EMPTIED"])
    assert list(cleaned.core.ids) == ["NULL", "o2 ", "o2", "o4"]
    assert log.empty


def test_the_change_log_is_csv_writable(tmp_path):
    _, log = amend.apply(messy(), ["WHITESPACE_TRIMMED", "VERBATIM_NULL_EMPTIED"])
    path = tmp_path / "changes.csv"
    amend.write_changes(log, path)
    again = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(again.columns) == list(amend.CHANGE_COLUMNS)
    assert len(again) == len(log)
    assert again.loc[0, "old_value"] == " preserved specimen "


def test_a_failing_amendment_is_reported_not_hidden(scratch_registry):
    @amend.amendment(id="ALWAYS_FAILS", title="t", explanation="e", terms=(DWC + "sex",))
    def fails(context):
        raise RuntimeError("boom")

    (proposal,) = amend.propose(messy(), ["ALWAYS_FAILS"])
    assert "boom" in proposal.error
    with pytest.raises(amend.AmendmentError, match="boom"):
        amend.apply(messy(), ["ALWAYS_FAILS"])


# -- each amendment ---------------------------------------------------------------------------------------


def test_whitespace_and_invisible_characters():
    values = [" a ", "b\u200b", "c\x00d", "line\nbreak", "\u00a0nbsp\u00a0", "ok", "tab\t"]
    archive = archive_of(core_of({"occurrenceID": [str(i) for i in range(len(values))], "locality": values}))
    assert changes_of("WHITESPACE_TRIMMED", archive) == {"locality": {0: "a", 1: "b", 2: "cd", 4: "nbsp", 6: "tab"}}


def test_verbatim_nulls_are_emptied_except_where_they_mean_something():
    archive = archive_of(
        core_of(
            {
                "occurrenceID": ["1", "2", "3"],
                "locality": ["NULL", " n/a ", "Gent"],
                "countryCode": ["NA", "\\N", "BE"],
                "identificationQualifier": ["?", "cf.", "NULL"],
            }
        )
    )
    assert changes_of("VERBATIM_NULL_EMPTIED", archive) == {"locality": {0: "", 1: ""}, "countryCode": {1: ""}, "identificationQualifier": {2: ""}}


def test_event_dates_become_iso_and_fill_year_month_day():
    archive = archive_of(
        core_of(
            {
                "occurrenceID": ["1", "2", "3", "4"],
                "eventDate": ["18 April 1850", "5/6/2001", "1998-06-01", "Jan 2001"],
                "year": ["", "", "", "1999"],
                "month": ["", "", "", ""],
            }
        )
    )
    found = changes_of("EVENT_DATE_STANDARDIZED", archive)
    assert found["eventDate"] == {0: "1850-04-18", 3: "2001-01"}  # 5/6/2001 is ambiguous: left alone
    assert found["year"] == {0: "1850", 2: "1998"}  # an existing year is not overwritten
    assert found["month"] == {0: "4", 2: "6", 3: "1"}
    assert "day" not in found  # day is not mapped: not added


@pytest.mark.parametrize(
    "amendment_id, term, values, expected",
    [
        ("BASIS_OF_RECORD_STANDARDIZED", "basisOfRecord", ["preserved specimen", "PreservedSpecimen", "nonsense"], {0: "PreservedSpecimen"}),
        ("SEX_STANDARDIZED", "sex", ["M", "female", "Female"], {0: "male", 2: "female"}),
        ("LIFE_STAGE_STANDARDIZED", "lifeStage", ["juv.", "adult", "Adult"], {0: "juvenile", 2: "adult"}),
        ("OCCURRENCE_STATUS_STANDARDIZED", "occurrenceStatus", ["Present", "absent", ""], {0: "present"}),
        ("ESTABLISHMENT_MEANS_STANDARDIZED", "establishmentMeans", ["Native", "introduced", "x"], {0: "native"}),
    ],
)
def test_controlled_vocabularies(amendment_id, term, values, expected):
    archive = archive_of(core_of({"occurrenceID": ["1", "2", "3"], term: values}))
    assert changes_of(amendment_id, archive) == {term: expected}


def test_type_status_follows_the_vocabulary_module():
    from dwcqa.vocabularies import standardise

    values = pd.Series(["HOLOTYPE", "Holotype of Aus bus", "paratype | paratype"], dtype=STRING)
    archive = archive_of(core_of({"occurrenceID": ["1", "2", "3"], "typeStatus": list(values)}))
    expected = standardise("typeStatus", values)
    proposed = changes_of("TYPE_STATUS_STANDARDIZED", archive).get("typeStatus", {})
    for row, value in proposed.items():
        assert value == expected[row] != values[row]


def test_country_code_from_the_country_name_only_where_empty():
    archive = archive_of(core_of({"occurrenceID": ["1", "2", "3", "4"], "country": ["Belgique", "Deutschland", "Atlantis", "France"], "countryCode": ["", "DE", "", "FR"]}))
    assert changes_of("COUNTRY_CODE_FROM_COUNTRY", archive) == {"countryCode": {0: "BE"}}


def test_country_code_from_coordinates_where_no_country_is_given():
    archive = archive_of(
        core_of(
            {
                "occurrenceID": ["1", "2", "3", "4"],
                "decimalLatitude": ["50.85", "50.85", "0", "48.85"],
                "decimalLongitude": ["4.35", "4.35", "0", "2.35"],
                "country": ["", "", "", "Belgium"],
                "countryCode": ["", "BE", "", ""],
            }
        )
    )
    # row 1 has a code, row 2 is at 0,0, row 3 names its country (COUNTRY_CODE_FROM_COUNTRY's job)
    assert changes_of("COUNTRY_CODE_FROM_COORDINATES", archive) == {"countryCode": {0: "BE"}}


def test_coordinates_swapped_or_negated_when_that_lands_in_the_stated_country():
    archive = archive_of(
        core_of(
            {
                "occurrenceID": ["1", "2", "3", "4"],
                "decimalLatitude": ["15.79", "4.35", "50.85", "33.87"],
                "decimalLongitude": ["-47.88", "50.85", "4.35", "-151.21"],
                "countryCode": ["BR", "BE", "BE", "AU"],
            }
        )
    )
    found = changes_of("COORDINATES_SWAPPED_OR_NEGATED", archive)
    assert found == {
        "decimalLatitude": {0: "-15.79", 1: "50.85", 3: "-33.87"},
        "decimalLongitude": {1: "4.35", 3: "151.21"},
    }


def test_geodetic_datum_written_as_its_epsg_code():
    from dwcqa.geo.records import datum_code

    archive = archive_of(core_of({"occurrenceID": ["1", "2", "3", "4"], "geodeticDatum": ["WGS84", "EPSG:4326", "NAD27", "my own datum"]}))
    nad27 = f"EPSG:{datum_code('NAD27')}"  # the code GBIF's datum parser gives
    assert changes_of("GEODETIC_DATUM_STANDARDIZED", archive) == {"geodeticDatum": {0: "EPSG:4326", 2: nad27}}


def test_min_and_max_swapped_back():
    archive = archive_of(
        core_of(
            {
                "occurrenceID": ["1", "2", "3"],
                "minimumElevationInMeters": ["1200", "10", "x"],
                "maximumElevationInMeters": ["800.5", "20", "1"],
                "minimumDepthInMeters": ["30", "", "5"],
                "maximumDepthInMeters": ["3", "", "5"],
            }
        )
    )
    assert changes_of("ELEVATION_RANGE_SWAPPED", archive) == {"minimumElevationInMeters": {0: "800.5"}, "maximumElevationInMeters": {0: "1200"}}
    assert changes_of("DEPTH_RANGE_SWAPPED", archive) == {"minimumDepthInMeters": {0: "3"}, "maximumDepthInMeters": {0: "30"}}


def test_occurrence_ids_generated_deterministically_and_never_twice():
    core = core_of(
        {
            "id": ["r1", "r2", "r3", "r4"],
            "occurrenceID": ["", "", "", "kept"],
            "institutionCode": ["MCZ", "MCZ", "MCZ", "MCZ"],
            "collectionCode": ["IZ", "IZ", "IZ", "IZ"],
            "catalogNumber": ["1", "2", "2", "3"],
        },
        id_term="id",
    )
    archive = archive_of(core)
    assert changes_of("OCCURRENCE_ID_GENERATED", archive) == {}  # no namespace, no IDs
    options = {"guid_namespace": "https://mcz.harvard.edu"}
    first = changes_of("OCCURRENCE_ID_GENERATED", archive, options)
    again = changes_of("OCCURRENCE_ID_GENERATED", archive, options)
    assert first == again and list(first["occurrenceID"]) == [0]  # rows 1 and 2 share a triplet
    import uuid

    assert first["occurrenceID"][0] == str(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "https://mcz.harvard.edu"), "MCZ:IZ:1"))


def test_bdq_amendments_run_the_bdq_tests():
    archive = archive_of(core_of({"occurrenceID": ["1", "2", "3"], "day": ["5th", "05", "31"]}))
    assert changes_of("AMENDMENT_DAY_STANDARDIZED", archive) == {"day": {0: "5", 1: "5"}}
    dc_type = dataclasses.replace(archive.core.spec, fields=archive.core.spec.fields + (Field("http://purl.org/dc/terms/type", 1),))
    typed = archive_of(dataclasses.replace(archive.core, spec=dc_type))
    (proposal,) = amend.propose(typed, ["AMENDMENT_DCTYPE_STANDARDIZED"])
    assert proposal.error is None  # dc:type found under its dcterms URI


def test_every_amendment_runs_on_a_real_archive():
    from corpus import CORPUS, corpus_or_skip

    corpus_or_skip()
    from dwcqa.archive import read

    archive = read(CORPUS / "kurator-validation/packages/kurator_dwca/data/tests/test_symbiota_download.csv")
    proposals = amend.propose(archive, options={"guid_namespace": "https://mcz.harvard.edu"})
    assert [p.id for p in proposals if p.error] == []
    assert {p.id for p in proposals if p.cells} >= {"COUNTRY_CODE_FROM_COUNTRY", "GEODETIC_DATUM_STANDARDIZED", "OCCURRENCE_ID_GENERATED"}
    cleaned, log = amend.apply(archive, [p.id for p in proposals if p.cells and p.amendment.stage != registry.BDQ], options={"guid_namespace": "https://mcz.harvard.edu"})
    assert len(log) == sum(p.cells for p in proposals if p.cells and p.amendment.stage != registry.BDQ)
    assert np.all(cleaned.core.column(DWC + "occurrenceID").str.len() == 36)


def test_a_check_runs_context_gives_the_same_preview_as_a_fresh_one():
    from pathlib import Path

    from dwcqa.archive import read
    from dwcqa.checks.runner import run
    from dwcqa.summary import completeness

    archive = read(Path(__file__).resolve().parents[1] / "data" / "sample")
    results = run(archive)
    fresh = [p.to_dict() for p in amend.propose(archive, amend.select("all"))]
    reused = [p.to_dict() for p in amend.propose(archive, amend.select("all"), context=results.context)]
    assert reused == fresh
    assert sum(p["cells"] for p in fresh) > 0  # the sample has planted problems to amend
    assert completeness(results) == completeness(dataclasses.replace(results, context=None))
    with pytest.raises(ValueError, match="another archive"):
        amend.propose(read(Path(__file__).resolve().parents[1] / "data" / "sample"), context=results.context)
