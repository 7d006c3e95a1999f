"""Typed results of ``advise``: an evidence card per strategy and the ranked advice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lithiophile.advise.catalog import Strategy, reference_text
from lithiophile.advise.evidence import Evidence
from lithiophile.advise.predict import Prediction
from lithiophile.advise.rules import Step
from lithiophile.advise.system import System
from lithiophile.kb.compare import Comparison
from lithiophile.metrics import Metric
from lithiophile.store import JsonView, to_payload

__all__ = ["Advice", "Card", "Finding"]


@dataclass(frozen=True)
class Finding:
    """A statement about the system itself (why its interface is poor), with its sources."""

    text: str
    cites: tuple[str, ...] = ()

    def line(self) -> str:
        return self.text + (f" [{'; '.join(self.cites)}]" if self.cites else "")


def _strategy_view(s: Strategy) -> dict[str, Any]:
    """What a card shows of its strategy (the catalogue's matching rules stay out)."""
    return {
        "id": s.id,
        "name": s.name,
        "category": s.category,
        "mechanism": s.mechanism,
        "moves": list(s.moves),
        "failure_modes": to_payload(s.failures),
        "review_says": list(s.claims),
    }


@dataclass(frozen=True)
class Card(JsonView):
    """The evidence for one strategy and its place in the ranking."""

    strategy: Strategy = field(metadata={"payload_as": _strategy_view, "payload_merge": True})
    score: float
    confidence: str
    confidence_why: str
    steps: tuple[Step, ...]
    candidate: Prediction | None
    versus_electrolyte: str
    evidence: tuple[Evidence, ...]
    effect: tuple[str, ...] = field(metadata={"payload_key": "expected_effect"})
    rank: int = 0

    PAYLOAD_EXTRA = ("metrics", "references")

    @property
    def metrics(self) -> tuple[Metric, ...]:
        """The literature results behind the card as Metric records (SI, with conditions)."""
        return tuple(e.record.to_metric() for e in self.evidence if e.weight > 0)

    @property
    def references(self) -> tuple[str, ...]:
        refs = [f"[{n}] {reference_text(n)}" for n in self.strategy.refs]
        return tuple(refs) + self.strategy.cites

    def lines(self, explain: bool = False) -> list[str]:
        s = self.strategy
        out = [
            f"{self.rank:>2}. {s.name}  (score {self.score:+.2f}, confidence {self.confidence}: "
            f"{self.confidence_why})",
            f"    {s.category}, mechanism: {s.mechanism}; should move: {', '.join(s.moves)}",
        ]
        if self.candidate is not None:
            c = self.candidate
            out.append(
                f"    vs Li: {c.reaction or 'reaction unknown'}; interface type "
                f"{c.interface_type}; {c.wetting_text}"
            )
        out.append(f"    vs the electrolyte: {self.versus_electrolyte}")
        for e in self.evidence[: None if explain else 3]:
            mark = "comparable" if e.comparable else "not comparable"
            if e.weight == 0:
                mark = "left out: flagged exclude"
            ref = e.record.provenance.ref if e.record.provenance else None
            flags = ", ".join(f.kind for f in e.record.flags if f.kind != "reference_shifted")
            tail = f"; flags: {flags}" if flags else ""
            out.append(f"    evidence [ref {ref}] {e.effect} ({mark}{tail})")
        if len(self.evidence) > 3 and not explain:
            out.append(f"    ... {len(self.evidence) - 3} more record(s) (--explain)")
        for text in self.effect:
            out.append(f"    expected: {text}")
        for f in s.failures:
            out.append(f"    failure mode: {f.text}")
        if explain:
            out += [f"    step {st.text()}" for st in self.steps]
            out += [f"    reference {r}" for r in self.references]
        return out


@dataclass(frozen=True)
class Advice(JsonView):
    """Ranked strategies for one system, the diagnosis of its interface, and what was left out."""

    system: System
    cards: tuple[Card, ...] = field(metadata={"payload_key": "strategies"})
    diagnosis: tuple[Finding, ...]
    excluded: tuple[tuple[str, str], ...] = field(
        default=(),
        metadata={
            "payload_key": "not_applicable",
            "payload_as": lambda ex: [{"id": i, "why": w} for i, w in ex],
        },
    )
    comparisons: tuple[Comparison, ...] = field(
        default=(), metadata={"payload_key": "your_results"}
    )
    citations: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def top(self, n: int) -> tuple[Card, ...]:
        return self.cards[:n]

    def rank_of(self, strategy_id: str) -> int | None:
        return next((c.rank for c in self.cards if c.strategy.id == strategy_id), None)

    def lines(self, *, top: int = 8, explain: bool = False) -> list[str]:
        out = [f"advice for {self.system.label}"]
        out += ["diagnosis:"] + [f"  - {f.line()}" for f in self.diagnosis]
        for c in self.comparisons:
            out.append(f"  your result: {c.summary()}")
        shown = self.cards if explain else self.cards[:top]
        out.append(f"ranked strategies ({len(self.cards)} apply; showing {len(shown)}):")
        for card in shown:
            out += card.lines(explain)
        if explain and self.excluded:
            out.append("not applicable:")
            out += [f"  - {sid}: {why}" for sid, why in self.excluded]
        out.append(
            "ranking rules: docs/methods.md, 'Advise'; sources: " + ", ".join(self.citations)
        )
        return out
