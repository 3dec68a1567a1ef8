"""The BDQ tables in dwcqa/standards are what scripts/build_bdq_tables.py derives (not stale)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from corpus import corpus_or_skip

REPO_ROOT = Path(__file__).resolve().parents[2]
STANDARDS = REPO_ROOT / "dwcqa" / "standards"
TABLES = ("bdq_tests.csv", "bdq_vocabularies.csv", "bdq_epsg.csv", "BDQ_SOURCES.md")


def _script():
    spec = importlib.util.spec_from_file_location("build_bdq_tables", REPO_ROOT / "scripts" / "build_bdq_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_tables_match_a_rebuild(tmp_path):
    corpus = corpus_or_skip()
    pytest.importorskip("pyproj")
    _script().build(corpus, tmp_path)
    for name in TABLES:
        assert (tmp_path / name).read_bytes() == (STANDARDS / name).read_bytes(), f"{name} is stale; rerun scripts/build_bdq_tables.py"


def test_defaults_parse_from_the_authorities_column():
    parse = _script().parse_defaults
    assert parse('bdqval:earliestValidDate default ="1582-11-15",bdqval:latestValidDate default = "{current year}"') == {
        "bdqval:earliestValidDate": "1582-11-15",
        "bdqval:latestValidDate": "{current year}",
    }
    assert parse('DCMI Type Vocabulary" {[http://purl.org/dc/terms/DCMIType]}') == {"bdqval:sourceAuthority": "DCMI Type Vocabulary"}
