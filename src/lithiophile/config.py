"""Settings: where the store lives and how many worker processes to use.

Read from the environment (``LITHIOPHILE_HOME``, ``LITHIOPHILE_WORKERS``) with defaults from
platformdirs. Nothing is created on import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lithiophile.errors import InputError

__all__ = ["Settings", "settings"]


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one session."""

    home: Path
    workers: int

    @property
    def store_path(self) -> Path:
        """The embedded database file of the store."""
        return self.home / "lithiophile.duckdb"


def settings() -> Settings:
    """Current settings, read from the environment at each call."""
    home_env = os.environ.get("LITHIOPHILE_HOME")
    if home_env:
        home = Path(home_env).expanduser()
    else:
        import platformdirs

        home = Path(platformdirs.user_data_dir("lithiophile", appauthor=False))
    workers_env = os.environ.get("LITHIOPHILE_WORKERS", "")
    if workers_env:
        try:
            workers = int(workers_env)
        except ValueError:
            workers = 0
        if workers < 1:
            raise InputError(
                f"LITHIOPHILE_WORKERS must be a positive integer such as 2. Got {workers_env!r}."
            )
    else:
        workers = max(1, os.cpu_count() or 1)
    return Settings(home=home, workers=workers)
