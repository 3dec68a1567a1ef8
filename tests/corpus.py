"""The shared corpus of real archives and what its MANIFEST.md says about each file.

Tests that use it skip with a clear reason when ../shared/corpus is absent (a fresh clone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz")
TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")

_ROW = re.compile(r"^\| `([^`]*)` \| [^|]+ \| (.*) \|\s*$")
_TABLE_COUNT = re.compile(r"(?:core|ext) (\S+) ([\d,]+) rec \[([^\]]+)\]")
_LOOSE_COUNT = re.compile(r": (?:CSV|TSV|TXT|PSV|SSV|\w+) ([\d,]+) rec x (\d+) cols")


def corpus_or_skip() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS} (only CI and developers have it)")
    return CORPUS


@dataclass
class Entry:
    path: Path
    description: str
    tables: list[tuple[str, int, str]] = field(default_factory=list)  # (rowType name, records, file)
    loose_records: int | None = None

    @property
    def core(self) -> tuple[str, int, str] | None:
        return self.tables[0] if self.tables and " core " in f" {self.description}" else None


@lru_cache(maxsize=None)
def manifest() -> dict[Path, Entry]:
    """Every file or folder row of MANIFEST.md, by absolute path."""
    entries: dict[Path, Entry] = {}
    source = None
    for line in (CORPUS / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            source = line[3:].split(" (")[0].strip()
            continue
        match = _ROW.match(line)
        if not match or source is None or source == "Sources":
            continue
        rel, description = match.groups()
        path = (CORPUS / source / rel) if rel else (CORPUS / source)
        description = description.replace("\\|", "|")
        entry = Entry(path.resolve(), description)
        entry.tables = [(kind, int(n.replace(",", "")), f) for kind, n, f in _TABLE_COUNT.findall(description)]
        loose = _LOOSE_COUNT.search(description)
        if loose and not entry.tables:
            entry.loose_records = int(loose.group(1).replace(",", ""))
        entries[entry.path] = entry
    return entries


def archives() -> list[Path]:
    """Every packed archive and every folder holding a meta.xml."""
    if not CORPUS.is_dir():
        return []
    found = []
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and path.suffix.lower() in ARCHIVE_SUFFIXES:
            found.append(path)
        elif path.is_dir() and (path / "meta.xml").is_file():
            found.append(path)
    return found


def tables() -> list[Path]:
    """Every loose delimited text file."""
    if not CORPUS.is_dir():
        return []
    return [p for p in sorted(CORPUS.rglob("*")) if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES]


def corpus_id(path: Path) -> str:
    return str(path.relative_to(CORPUS)) if CORPUS in path.parents else str(path)


_IDENTICAL = re.compile(r"`([^`]+)` \([^)]*\) \[identical to `([^`]+)`\]")


def materialize(path: Path, workdir: Path) -> Path:
    """The archive as published: the corpus stores a byte-identical member file only once.

    Folders whose MANIFEST row says a member is "identical to X" lack that file; a copy of
    the folder with those members restored is made under ``workdir``.
    """
    entry = manifest().get(path.resolve())
    if entry is None or not path.is_dir():
        return path
    missing = [(name, CORPUS / other) for name, other in _IDENTICAL.findall(entry.description) if not (path / name).exists()]
    if not missing:
        return path
    import shutil

    target = workdir / path.name
    shutil.copytree(path, target)
    for name, original in missing:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, target / name)
        (target / name).chmod(0o644)
    return target
