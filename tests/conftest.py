"""Shared fixtures. Real instrument files live in ../shared/data/cycler/ (beside the repository);
tests that need them skip with a reason when that folder is absent (a user's checkout has none).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_CYCLER = REPO.parent / "shared" / "data" / "cycler"


def shared_file(name: str) -> Path:
    """Path of a file in ../shared/data/cycler, or skip the test with the reason."""
    path = SHARED_CYCLER / name
    if not path.is_file():
        pytest.skip(f"shared test file {name} not found at {SHARED_CYCLER} (no ../shared checkout)")
    return path


#: Arbin .res files are read through mdbtools' mdb-export and mdb-count.
HAVE_MDBTOOLS = shutil.which("mdb-export") is not None and shutil.which("mdb-count") is not None
MDBTOOLS_MISSING = "mdbtools (mdb-export, mdb-count) not installed: apt-get install mdbtools"
needs_mdbtools = pytest.mark.skipif(not HAVE_MDBTOOLS, reason=MDBTOOLS_MISSING)


def skip_unless_mdbtools(name: str) -> None:
    """Skip a test of the file ``name``, saying how to fix it, if it is a .res file and
    mdbtools is missing."""
    if name.endswith(".res") and not HAVE_MDBTOOLS:
        pytest.skip(MDBTOOLS_MISSING)


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 and mtime (ns) of a file, to check a reader left it untouched."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture
def shared():
    """Call with a file name from ../shared/data/cycler; skips when the folder is absent."""
    return shared_file


@pytest.fixture(autouse=True, scope="session")
def _private_home(tmp_path_factory):
    """The store and the last run's citations go to a folder of the test session, never to
    the user's own LITHIOPHILE_HOME (a test that needs another sets it with monkeypatch)."""
    import os

    old = os.environ.get("LITHIOPHILE_HOME")
    os.environ["LITHIOPHILE_HOME"] = str(tmp_path_factory.mktemp("lithiophile-home"))
    yield
    if old is None:
        os.environ.pop("LITHIOPHILE_HOME", None)
    else:
        os.environ["LITHIOPHILE_HOME"] = old
