"""Fixtures of the atomistic tests: a private store for every test (never the user's home)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    monkeypatch.setenv("LITHIOPHILE_HOME", str(tmp_path / "home"))
