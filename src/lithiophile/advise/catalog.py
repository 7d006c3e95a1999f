"""The strategies the advisor weighs, read from ``lithiophile/data/kb/strategies.json``.

Each strategy names its category (coating, interlayer, host, dopant, alloy, electrolyte
additive, SEI, treatment), its mechanism, the material that meets Li (assessed by
:func:`lithiophile.thermo.assess`), where it applies (electrolyte class, families, anode), the
figure of merit it should move, the knowledge-base records that are its evidence, the review's
own sentence for it, its known failure modes with their sources, and its references (numbers of
the review's reference list, with the entry's text bundled beside it).

References
----------
Li, C.-C. et al. Energy Mater. 2021, 1, 100017 (strategies, sentences, reference list).
"""

from __future__ import annotations

import fnmatch
import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = ["Failure", "Strategy", "reference_text", "strategies"]


@dataclass(frozen=True)
class Failure:
    """A failure mode or counter-evidence, with the review's reference numbers and other keys."""

    text: str
    refs: tuple[int, ...] = ()
    cites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Strategy:
    """One strategy of the catalogue (see the module docstring)."""

    id: str
    name: str
    category: str
    mechanism: str
    candidate: str | None
    electrolyte: str  # "liquid" | "solid" | "any"
    families: tuple[str, ...]
    families_strict: bool
    anodes: tuple[str, ...]
    moves: tuple[str, ...]
    records: tuple[str, ...]
    refs: tuple[int, ...]
    cites: tuple[str, ...]
    claims: tuple[str, ...]
    failures: tuple[Failure, ...]

    def matches(self, record_id: str) -> bool:
        """Whether ``record_id`` is evidence for this strategy (glob patterns)."""
        return any(fnmatch.fnmatchcase(record_id, p) for p in self.records)


@functools.cache
def _doc() -> dict[str, Any]:
    raw = resources.files("lithiophile").joinpath("data", "kb", "strategies.json")
    return dict(json.loads(raw.read_text(encoding="utf-8")))


def _strategy(d: dict[str, Any]) -> Strategy:
    applies = d["applies"]
    return Strategy(
        id=d["id"],
        name=d["name"],
        category=d["category"],
        mechanism=d["mechanism"],
        candidate=d["candidate"],
        electrolyte=applies["electrolyte"],
        families=tuple(applies["families"]),
        families_strict=bool(applies.get("families_strict", False)),
        anodes=tuple(applies["anodes"]),
        moves=tuple(d["moves"]),
        records=tuple(d["records"]),
        refs=tuple(d["refs"]),
        cites=tuple(d["cites"]),
        claims=tuple(d["claims"]),
        failures=tuple(
            Failure(f["text"], tuple(f["refs"]), tuple(f["cites"])) for f in d["failures"]
        ),
    )


@functools.cache
def strategies() -> tuple[Strategy, ...]:
    """Every strategy of the catalogue, in file order."""
    return tuple(_strategy(d) for d in _doc()["strategies"])


def reference_text(number: int) -> str:
    """The review's reference ``number`` as printed in its list (bundled for those used)."""
    return str(_doc()["references"].get(str(number), f"Li2021 reference [{number}]"))
