import sys
from pathlib import Path

# Tests import helpers such as tests/corpus.py by plain name.
sys.path.insert(0, str(Path(__file__).resolve().parent))


_CACHE_DIR = None


def pytest_configure(config):
    # Files dwcqa caches (the country boundaries) go to a folder of this run, not the user's.
    import os
    import tempfile

    global _CACHE_DIR
    if "DWCQA_CACHE_DIR" not in os.environ:
        _CACHE_DIR = os.environ["DWCQA_CACHE_DIR"] = tempfile.mkdtemp(prefix="dwcqa-test-cache-")


def pytest_unconfigure(config):
    import shutil

    if _CACHE_DIR:
        shutil.rmtree(_CACHE_DIR, ignore_errors=True)
