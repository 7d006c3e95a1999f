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


def skip_unless_mdbtools(name: str) -> None:
    """Arbin .res files are read through mdbtools: skip them, saying how to fix it, without it."""
    if name.endswith(".res") and shutil.which("mdb-export") is None:
        pytest.skip("mdbtools (mdb-export) not installed: apt-get install mdbtools")


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 and mtime (ns) of a file, to check a reader left it untouched."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture
def shared():
    """Call with a file name from ../shared/data/cycler; skips when the folder is absent."""
    return shared_file
