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


def _progress_printer():
    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\r\x1b[Kchecking partition {done}/{total}")
        if done == total:
            sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()

    return show


__all__ = ["DEFAULT_BLOCKSIZE", "ENGINES", "EngineError", "add_engine_arguments", "check_with_dask", "require_dask"]
