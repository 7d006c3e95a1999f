"""The records bundled with lithiophile, read from the review's Tables 1-3 and body text.

The file is ``lithiophile/data/kb/records.json`` (schema and source in the README beside it).

References
----------
Li, C.-C. et al. Energy Mater. 2021, 1, 100017 (CC-BY 4.0), doi:10.20517/energymater.2021.21.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from typing import Any

from lithiophile.kb.schema import Record, validate_record

__all__ = ["bundled_digest", "bundled_records", "bundled_source"]


@functools.cache
def _raw() -> bytes:
    return resources.files("lithiophile").joinpath("data", "kb", "records.json").read_bytes()


def bundled_digest() -> str:
    """sha256 of the bundled file (the store reloads the records when it changes)."""
    return hashlib.sha256(_raw()).hexdigest()


def bundled_source() -> dict[str, Any]:
    """The work the records come from (citation, DOI, licence)."""
    return dict(json.loads(_raw())["source"])


@functools.cache
def _records() -> tuple[Record, ...]:
    doc = json.loads(_raw())
    return tuple(
        validate_record(item, where=f"bundled record {item.get('id')!r}") for item in doc["records"]
    )


def bundled_records() -> list[Record]:
    """Every bundled record, validated (copies: changing one does not change the bundle)."""
    return [r.model_copy(deep=True) for r in _records()]
