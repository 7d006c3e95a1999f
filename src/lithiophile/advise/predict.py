"""What the predict capability says about a material against Li, reduced to what a card shows.

One call to :func:`lithiophile.thermo.assess` per batch of materials not seen yet in this
process (its results are kept: a batch of systems assesses each candidate once). Fields the
assessment does not give are None, and a material it cannot assess keeps its message: unknown
is an answer, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Prediction", "predict", "predict_many"]


@dataclass(frozen=True)
class Prediction:
    """A material against Li metal: reaction, interface type, wetting (molten Li)."""

    material: str
    electrolyte: str = field(metadata={"payload": False})
    reaction: str | None = None
    reacts: bool | None = None
    interface_type: str | None = None
    interface_basis: str | None = None
    products: tuple[str, ...] = ()
    alloys: bool | None = field(default=None, metadata={"payload_key": "alloys_with_li"})
    wets: bool | None = field(default=None, metadata={"payload_key": "wets_molten_li"})
    contact_angle_deg: float | None = None
    angle_range_deg: tuple[float, float] | None = field(
        default=None, metadata={"payload_key": "contact_angle_range_deg"}
    )
    angle_model: str | None = field(default=None, metadata={"payload_key": "contact_angle_model"})
    lithiophilic: bool | None = None
    verdict: str = ""
    citations: tuple[str, ...] = field(default=(), metadata={"payload": False})
    error: str | None = None

    @property
    def wetting_text(self) -> str:
        if self.contact_angle_deg is None:
            return "wetting by molten Li: unknown" + (f" ({self.error})" if self.error else "")
        span = ""
        if self.angle_range_deg is not None:
            span = f" ({self.angle_range_deg[0]:.0f}-{self.angle_range_deg[1]:.0f} deg)"
        word = "wets" if self.wets else "does not wet"
        model = f", {self.angle_model}" if self.angle_model else ""
        return f"molten Li {word}: contact angle ~{self.contact_angle_deg:.0f} deg{span}{model}"


_CACHE: dict[tuple[str, str], Prediction] = {}


def _from_assessment(material: str, electrolyte: str, a: Any) -> Prediction:
    rx = getattr(a, "reaction", None) or getattr(getattr(a, "interface", None), "reaction", None)
    wetting = getattr(a, "wetting", None)
    estimate = getattr(wetting, "estimate", None)
    angle = getattr(a, "contact_angle_deg", None)
    span = None
    if estimate is not None and getattr(estimate, "low_deg", None) is not None:
        span = (float(estimate.low_deg), float(estimate.high_deg))
    wets = getattr(wetting, "wets", None) if wetting is not None else None
    if wets is None:
        wets = getattr(a, "wets_molten_li", None)
    interface = getattr(a, "interface", None)
    return Prediction(
        material=material,
        electrolyte=electrolyte,
        reaction=getattr(rx, "equation", None),
        reacts=getattr(rx, "reacts", None),
        interface_type=getattr(interface, "type", None),
        interface_basis=getattr(interface, "basis", None),
        products=tuple(getattr(interface, "products", ()) or ()),
        alloys=getattr(a, "alloys_with_li", None),
        wets=wets,
        contact_angle_deg=None if angle is None else float(angle),
        angle_range_deg=span,
        angle_model=getattr(estimate, "model", None),
        lithiophilic=getattr(a, "lithiophilic", wets),
        verdict=str(getattr(a, "verdict", "")),
        citations=tuple(getattr(a, "citations", ()) or ()),
    )


def predict_many(materials: Iterable[str], electrolyte: str) -> dict[str, Prediction]:
    """Predictions for ``materials`` (formulas) as hosts/coatings (``"liquid"``) or
    interlayers (``"solid"``); assessed once per process."""
    from lithiophile.thermo import assess

    wanted = list(dict.fromkeys(materials))
    todo = [m for m in wanted if (m, electrolyte) not in _CACHE]
    if todo:
        batch = assess(todo, electrolyte=electrolyte)
        items = list(batch)
        failures = dict(getattr(batch, "failures", {}) or {})
        done = iter(items)
        for m in todo:
            if m in failures:
                _CACHE[(m, electrolyte)] = Prediction(m, electrolyte, error=str(failures[m]))
            else:
                _CACHE[(m, electrolyte)] = _from_assessment(m, electrolyte, next(done))
    return {m: _CACHE[(m, electrolyte)] for m in wanted}


def predict(material: str, electrolyte: str) -> Prediction:
    """The prediction for one material (see :func:`predict_many`)."""
    return predict_many([material], electrolyte)[material]
