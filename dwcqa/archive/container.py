"""Opening what the user gives (zip, tar, folder, single file) as a folder of files, safely.

Archives are unpacked into a private temporary folder that is removed afterwards. Member
names are never trusted: ``../`` and absolute paths are refused, links and devices skipped,
and unpacked sizes are bounded (zip bombs stop before filling memory or disk). The input
itself is only ever opened for reading.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import shutil
import tarfile
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterator

from dwcqa.archive.model import Problem
from dwcqa.errors import ArchiveError

# A member that unpacks to more than this many times its packed size is a bomb, not data
# (CSV text compresses 5-20 times; zip bombs 1000 times and more).
MAX_RATIO = 250
RATIO_APPLIES_ABOVE = 64 << 20
CHUNK = 1 << 20
JUNK_PREFIXES = ("__MACOSX/",)


def max_unpacked_bytes(folder: Path) -> int:
    """Never unpack more than 90% of the free disk space (and never more than 100 GB)."""
    free = shutil.disk_usage(folder).free
    return min(int(free * 0.9), 100 << 30)


@dataclass
class Opened:
    root: Path  # folder holding meta.xml or the data files
    files: list[str]  # relative POSIX paths of all regular files under root (junk excluded)
    kind: str  # "zip", "tar", "folder", "file", "gzip"
    problems: list[Problem] = field(default_factory=list)


def is_junk(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p == "__MACOSX" or p.startswith("._") or p == ".DS_Store" for p in parts)


@contextmanager
def open_input(path: str | os.PathLike) -> Iterator[Opened]:
    source = Path(path)
    label = source.name or str(source)
    if not source.exists():
        raise ArchiveError("no such file or folder", str(source))
    if source.is_dir():
        yield Opened(source, _list_files(source), "folder")
        return
    if source.stat().st_size == 0:
        raise ArchiveError("the file is empty", label)
    with tempfile.TemporaryDirectory(prefix="dwcqa-") as tmp:
        workdir = Path(tmp)
        kind = _sniff_container(source)
        if kind == "zip":
            _unzip(source, workdir, label)
        elif kind == "tar":
            _untar(source, workdir, label)
        elif kind in ("gzip", "bzip2", "xz"):
            _decompress_single(source, workdir, label, kind)
        else:
            yield Opened(source.parent, [source.name], "file")
            return
        yield Opened(workdir, _list_files(workdir), kind)


def _sniff_container(source: Path) -> str:
    with open(source, "rb") as handle:
        magic = handle.read(6)
    if magic.startswith(b"PK\x03\x04") or magic.startswith(b"PK\x05\x06"):
        return "zip"
    if zipfile.is_zipfile(source):
        return "zip"
    try:
        if tarfile.is_tarfile(source):
            return "tar"
    except (OSError, EOFError, tarfile.TarError, lzma.LZMAError, zlib_error()):
        pass
    if magic.startswith(b"\x1f\x8b"):
        return "gzip"
    if magic.startswith(b"BZh"):
        return "bzip2"
    if magic.startswith(b"\xfd7zXZ"):
        return "xz"
    if source.suffix.lower() in (".zip", ".tgz", ".gz", ".tar", ".bz2", ".xz"):
        raise ArchiveError(f"not a readable {source.suffix} archive (damaged or not what its name says)", source.name)
    return "file"


def zlib_error():
    import zlib

    return zlib.error


def safe_member_path(name: str) -> PurePosixPath | None:
    """The member's path inside the unpack folder, or None when it points elsewhere."""
    normalized = name.replace("\\", "/")
    path = PurePosixPath(normalized)
    parts = [p for p in path.parts if p not in ("", ".", "/")]
    if path.is_absolute() or (len(normalized) > 1 and normalized[1] == ":"):
        # Absolute names are read relative to the archive root, never written where they point.
        parts = [p for p in parts if not p.endswith(":")]
    if not parts or any(p == ".." for p in parts):
        return None
    return PurePosixPath(*parts)


def _unzip(source: Path, workdir: Path, label: str) -> None:
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"not a readable zip file ({exc})", label) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        limit = max_unpacked_bytes(workdir)
        declared = sum(m.file_size for m in members)
        if declared > limit:
            raise ArchiveError(f"unpacks to {declared:,} bytes, more than the {limit:,} bytes allowed", label)
        written_total = 0
        for member in members:
            target_rel = safe_member_path(member.filename)
            if target_rel is None:
                raise ArchiveError(f"member {member.filename!r} points outside the archive; refused", label)
            if is_junk(str(target_rel)):
                continue
            _check_ratio(member.filename, member.file_size, member.compress_size, label)
            target = workdir / target_rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(member) as src, open(target, "wb") as dst:
                    written_total += _copy_bounded(src, dst, member.file_size, limit - written_total, member.filename, label)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib_error()) as exc:
                raise ArchiveError(f"member {member.filename!r} cannot be unpacked ({exc})", label) from None


def _untar(source: Path, workdir: Path, label: str) -> None:
    limit = max_unpacked_bytes(workdir)
    written_total = 0
    try:
        with tarfile.open(source) as archive:
            for member in archive:
                if not member.isfile():
                    continue  # folders are made as needed; links and devices are never followed
                target_rel = safe_member_path(member.name)
                if target_rel is None:
                    raise ArchiveError(f"member {member.name!r} points outside the archive; refused", label)
                if is_junk(str(target_rel)):
                    continue
                target = workdir / target_rel
                target.parent.mkdir(parents=True, exist_ok=True)
                src = archive.extractfile(member)
                if src is None:
                    continue
                with src, open(target, "wb") as dst:
                    written_total += _copy_bounded(src, dst, member.size, limit - written_total, member.name, label)
    except (tarfile.TarError, OSError, EOFError, lzma.LZMAError, zlib_error()) as exc:
        raise ArchiveError(f"not a readable tar archive ({exc})", label) from None


def _decompress_single(source: Path, workdir: Path, label: str, kind: str) -> None:
    opener = {"gzip": gzip.open, "bzip2": bz2.open, "xz": lzma.open}[kind]
    name = source.name
    for suffix in (".gz", ".gzip", ".bz2", ".xz"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    target = workdir / (name or "data.txt")
    limit = max_unpacked_bytes(workdir)
    packed = source.stat().st_size
    try:
        with opener(source, "rb") as src, open(target, "wb") as dst:
            _copy_bounded(src, dst, None, limit, name, label, packed=packed)
    except (OSError, EOFError, lzma.LZMAError, zlib_error()) as exc:
        raise ArchiveError(f"not a readable {kind} file ({exc})", label) from None


def _check_ratio(name: str, size: int, packed: int, label: str) -> None:
    if size > RATIO_APPLIES_ABOVE and size > MAX_RATIO * max(packed, 1):
        raise ArchiveError(
            f"member {name!r} would unpack {size:,} bytes from {packed:,} ({size // max(packed, 1)}:1); refused as a zip bomb",
            label,
        )


def _copy_bounded(src, dst, declared: int | None, budget: int, name: str, label: str, packed: int | None = None) -> int:
    """Copy, stopping as soon as a member grows past what it declared or what is allowed."""
    written = 0
    while chunk := src.read(CHUNK):
        written += len(chunk)
        if declared is not None and written > declared:
            raise ArchiveError(f"member {name!r} is larger than its header says; refused", label)
        if written > budget:
            raise ArchiveError(f"unpacking {name!r} exceeds the {budget:,} bytes allowed", label)
        if packed is not None and written > RATIO_APPLIES_ABOVE and written > MAX_RATIO * packed:
            raise ArchiveError(f"{name!r} unpacks more than {MAX_RATIO} times its size; refused as a bomb", label)
        dst.write(chunk)
    return written


def _list_files(root: Path) -> list[str]:
    files = []
    for dirpath, _dirnames, filenames in os.walk(root):
        for filename in filenames:
            rel = (Path(dirpath) / filename).relative_to(root).as_posix()
            if not is_junk(rel):
                files.append(rel)
    return sorted(files)
