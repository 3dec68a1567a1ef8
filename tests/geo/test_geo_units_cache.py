"""The cache file of the Natural Earth units: the same units as the shapefile gives, and never
a reason to fail (a broken file is rebuilt, a folder that cannot be written is no cache)."""

from __future__ import annotations

import os

import pytest
import shapely

from dwcqa.geo import boundaries as B


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DWCQA_CACHE_DIR", str(folder))
    return folder


def _same(a: list[B.Unit], b: list[B.Unit]) -> None:
    assert [(u.index, u.code, u.also, u.name, len(u.parts)) for u in a] == [(u.index, u.code, u.also, u.name, len(u.parts)) for u in b]
    for x, y in zip(a, b):
        assert shapely.equals_exact(x.parts, y.parts, tolerance=0).all(), x.name


def test_cached_units_are_the_units_of_the_shapefile(cache):
    built = B._natural_earth_units(B.natural_earth_frame())
    first = B.natural_earth_units()  # builds and writes the cache
    path = B.units_cache_path()
    assert path.parent == cache and path.is_file()
    second = B.natural_earth_units()  # reads it back
    _same(first, built)
    _same(second, built)
    assert any(u.also for u in second) and any(u.code == "GF" for u in second)  # accepted codes and sub-units survive


def test_a_broken_cache_file_is_rebuilt(cache):
    path = B.units_cache_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PK\x03\x04 not an npz")
    assert B._read_units(path) is None
    units = B.natural_earth_units()
    assert len(units) > 200
    assert B._read_units(path) is not None  # written anew


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_folder_that_cannot_be_written_means_no_cache(cache):
    cache.mkdir()
    cache.chmod(0o500)
    try:
        assert len(B.natural_earth_units()) > 200
        assert list(cache.iterdir()) == []
    finally:
        cache.chmod(0o700)


def test_a_cache_folder_that_is_a_file_means_no_cache(cache):
    cache.write_text("in the way")
    assert len(B.natural_earth_units()) > 200
    assert cache.read_text() == "in the way"


def test_the_cache_is_named_after_the_code_tables(cache, monkeypatch):
    before = B.units_cache_path()
    monkeypatch.setattr(B, "UNITS_CACHE_FORMAT", B.UNITS_CACHE_FORMAT + 1)
    assert B.units_cache_path() != before
