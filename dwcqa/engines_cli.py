"""``--engine``, ``--scheduler``, ``--blocksize``: the command-line side of :mod:`dwcqa.engines`.

``dwcqa check`` and ``dwcqa clean`` add the options with :func:`add_engine_arguments`; with
``--engine dask`` they call :func:`check_with_dask`, which runs the registered checks over
partitions of the archive (:func:`dwcqa.engines.dask.check`) and returns results whose
``report()`` is the dictionary ``dwcqa check --json`` prints. dask is imported only then;
without it, :class:`EngineError` says which packages are missing (the CLI prints it on one
line and exits 2).
"""

from __future__ import annotations

import sys

ENGINES = ("memory", "dask")
DEFAULT_BLOCKSIZE = "64MB"
# Peak memory of an in-memory ``dwcqa clean --amend all`` per byte of data files: 3.08 GB for
# the 535 MB of bench/out/dwca-1000000 (bench/README.md).
CLEAN_MEMORY_PER_DATA_BYTE = 6


class EngineError(Exception):
    """The chosen engine cannot run: a package is missing, or an option is unusable."""


def add_engine_arguments(parser) -> None:
    """Add --engine, --scheduler, --blocksize to an argparse (sub)parser."""
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="memory",
        help="memory: read the archive into memory (default); dask: check it partition by partition "
        "on a Dask cluster, for archives larger than memory (needs dask[dataframe] and distributed)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: address of a distributed scheduler (tcp://host:8786); default: a "
        "cluster inside this process. Every worker must see the archive at the same path (give a folder on a shared file system)",
    )
    parser.add_argument("--blocksize", metavar="SIZE", default=DEFAULT_BLOCKSIZE, help=f"with --engine dask: bytes per partition (default {DEFAULT_BLOCKSIZE})")


def require_dask() -> None:
    """Raise EngineError unless dask.dataframe and distributed can be imported."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as error:
        raise EngineError(f"--engine dask needs the packages dask[dataframe] and distributed ({error}); pip install 'dwcqa[dask]' (or 'dask[dataframe]' distributed)") from None


def check_with_dask(args, issues=None):
    """Run every registered check with the Dask engine as ``args`` say (path, scheduler,
    blocksize); ``issues``: where to write the per-record issue list (as ``--issues``)."""
    require_dask()
    from dask.utils import parse_bytes

    from dwcqa.engines.dask import SchedulerUnreachable, check

    blocksize = getattr(args, "blocksize", None) or DEFAULT_BLOCKSIZE
    try:
        size = parse_bytes(blocksize)
    except (ValueError, TypeError) as error:
        raise EngineError(f"--blocksize {blocksize!r}: {error}") from None
    if size <= 0:
        raise EngineError(f"--blocksize {blocksize!r}: must be more than 0 bytes")
    try:
        return check(args.path, scheduler=getattr(args, "scheduler", None), blocksize=size, issues=issues, progress=_progress_printer() if sys.stderr.isatty() else None)
    except SchedulerUnreachable as error:
        raise EngineError(str(error)) from None


def clean_memory_refusal(results, available: int | None = None) -> str | None:
    """Why ``dwcqa clean --engine dask`` should not go on to amend and write in memory, or None.

    The checks ran partition by partition, but amending and writing read the archive into
    memory (about ``CLEAN_MEMORY_PER_DATA_BYTE`` times its data files): when that would not fit in
    the memory available (``available`` bytes; default: what the system says now), the run stops
    with this message instead of being killed by the system halfway."""
    needed = CLEAN_MEMORY_PER_DATA_BYTE * results.data_bytes
    if available is None:
        import psutil  # a dependency of distributed, present whenever --engine dask runs

        available = psutil.virtual_memory().available
    if needed <= available:
        return None
    return (
        f"{results.archive.source}: its data files hold {size_text(results.data_bytes)}; amending and writing them read the archive into memory, "
        f"about {size_text(needed)}, and {size_text(available)} is available. The checks above ran partition by partition; "
        "give the clean to a machine with more memory, or split the archive"
    )


def size_text(size: int) -> str:
    """Bytes as people read them: 3.1 GB, 840 MB."""
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def _progress_printer():
    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\r\x1b[Kchecking partition {done}/{total}")
        if done == total:
            sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()

    return show


__all__ = ["CLEAN_MEMORY_PER_DATA_BYTE", "DEFAULT_BLOCKSIZE", "ENGINES", "EngineError", "add_engine_arguments", "check_with_dask", "clean_memory_refusal", "require_dask"]
