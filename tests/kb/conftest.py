"""Fixtures of the knowledge-base tests: a store in tmp_path and the review's text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "seed" / "lithiophilicity-review.txt"


@pytest.fixture
def base(tmp_path, monkeypatch):
    from lithiophile.kb import KnowledgeBase

    monkeypatch.setenv("LITHIOPHILE_HOME", str(tmp_path / "home"))
    return KnowledgeBase(tmp_path / "kb.duckdb")


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The review as text (../shared/seed); skips when that checkout is absent."""
    if not SEED.is_file():
        pytest.skip(f"the review's text is not at {SEED} (no ../shared checkout)")
    return SEED.read_text(encoding="utf-8")


def seed_table_cells(text: str, n: int) -> list[list[str]]:
    """The data rows of Table n as printed, cells stripped (read independently of the
    package's own parsing: a row is data when a cell is a reference number)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"Table {n}."))
    rows, seen = [], False
    for line in lines[start + 1 :]:
        if not line.startswith("|"):
            if seen:
                break
            continue
        seen = True
        cells = [c.strip() for c in line.split("|")[1:-1]]
        if any(re.fullmatch(r"\[?\d+\]?", c) for c in cells[:2]):
            rows.append(cells)
    return rows


@pytest.fixture(scope="session")
def records():
    from lithiophile.kb import bundled_records

    return {r.id: r for r in bundled_records()}
