"""Literature knowledge base: cited, unit-aware records of lithiophilicity strategies.

Seeded from the review's Tables 1-3 and body text (Li et al., Energy Mater. 2021, 1, 100017,
CC-BY 4.0), each record keeps the value and unit as printed, the value in SI, every condition
stated, the table cell or sentence it came from, the reference as printed and as checked, and
flags for what the source gets wrong. The user's own results live beside them in the store.

Examples
--------
>>> import tempfile, pathlib
>>> from lithiophile import kb
>>> from lithiophile.metrics import Conditions, Metric
>>> base = kb.KnowledgeBase(pathlib.Path(tempfile.mkdtemp()) / "kb.duckdb")
>>> # 30 mV at 0.5 mA cm-2 (5 A m-2), 1 mAh cm-2 (36 000 C m-2), after 300 h
>>> mine = Metric("polarization", 0.030, Conditions(current_density_A_m2=5.0,
...               areal_capacity_C_m2=36e3, time_s=300 * 3600, cell="Li|Li"))
>>> result = base.compare(mine)
>>> result.direction, result.rank()
('lower', (4, 10, 2))
"""

from __future__ import annotations

from typing import Any

from lithiophile.kb.base import KnowledgeBase, parse_condition
from lithiophile.kb.bundled import bundled_records
from lithiophile.kb.compare import Comparison, compare
from lithiophile.kb.schema import DIRECTION, FLAG_KINDS, STRATEGIES, Flag, Record

__all__ = [
    "DIRECTION",
    "FLAG_KINDS",
    "STRATEGIES",
    "Comparison",
    "Flag",
    "KnowledgeBase",
    "Record",
    "add",
    "bundled_records",
    "compare",
    "parse_condition",
    "query",
]


def add(
    metric: Any, *, material: str, strategy: str, electrolyte: str | None = None, store: Any = None
) -> list[Record]:
    """Add Metrics (from ``cell analyze`` / ``eis fit``) as the user's records; see
    :meth:`KnowledgeBase.add`."""
    return KnowledgeBase(store).add(
        metric, material=material, strategy=strategy, electrolyte=electrolyte
    )


def query(*, store: Any = None, **filters: Any) -> list[Record]:
    """Records matching the filters; see :meth:`KnowledgeBase.query`."""
    return KnowledgeBase(store).query(**filters)
