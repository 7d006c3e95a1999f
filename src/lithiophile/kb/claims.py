"""The review's other quantitative claims: material constants and text-table disagreements.

The records of :mod:`lithiophile.kb.schema` are results of a strategy (a metric under
conditions). The text also states material constants (the melting point, capacity and standard
potential of Li, interface energies, a temperature range) and disagrees with its own tables in
places. Both are bundled in ``lithiophile/data/kb/claims.json``, each with the verbatim sentence
or cell, the value as printed and read (SI), an independent check where one exists, and flags
(the interface energies printed in "J cm-2" carry a ``unit_typo``).

References
----------
Li, C.-C. et al. Energy Mater. 2021, 1, 100017 (CC-BY 4.0).
"""

from __future__ import annotations

import functools
import json
import math
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from lithiophile.kb.schema import Flag

__all__ = ["Check", "Claim", "Discrepancy", "bundled_claims", "bundled_discrepancies"]


class Check(BaseModel):
    """An independent value for the same quantity (SI) and where it comes from."""

    model_config = ConfigDict(extra="forbid")

    value_si: float
    source: str


class Claim(BaseModel):
    """A material constant or other number the text states, as printed and in SI."""

    model_config = ConfigDict(extra="forbid")

    id: str
    quantity: str
    material: str
    printed: str
    value: float | None
    value_high: float | None = None
    qualifier: Literal["=", "~", ">", "<", "range"] = "="
    unit: str
    unit_printed: str
    si_unit: str
    quote: str
    ref: int | None
    check: Check | None
    flags: list[Flag]
    notes: list[str]

    @property
    def value_si(self) -> float | None:
        """The value in ``si_unit`` (None where the text gives only a sign or a word)."""
        return None if self.value is None else _to_si(self.value, self.unit, self.si_unit)

    @property
    def agrees(self) -> bool | None:
        """Whether the value agrees with the independent check within 0.5 % (None: no check
        or no number); a sign-only claim agrees when the signs do."""
        if self.check is None:
            return None
        if self.value is None:
            sign = -1.0 if self.qualifier == "<" else 1.0
            return math.copysign(1.0, self.check.value_si) == sign
        si = self.value_si
        assert si is not None
        return math.isclose(si, self.check.value_si, rel_tol=5e-3)

    @model_validator(mode="after")
    def _convertible(self) -> Claim:
        if self.value is not None:
            _to_si(self.value, self.unit, self.si_unit)
        return self

    def display(self) -> str:
        if self.value is None:
            shown = f"'{self.printed}' (no number)"
        else:
            high = f"-{self.value_high:g}" if self.value_high is not None else ""
            shown = f"{self.value:g}{high} {self.unit}"
        ref = f" [ref {self.ref}]" if self.ref else ""
        return f"{self.quantity} of {self.material}: {shown}{ref}"


class Discrepancy(BaseModel):
    """A place where the text and a table (or the reference list) disagree."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: str
    records: list[str]
    table_quote: str
    text_quote: str
    explanation: str


def _to_si(value: float, unit: str, si_unit: str) -> float:
    from lithiophile.units import registry

    ureg = registry()
    return float(ureg.Quantity(value, unit).to(si_unit).magnitude)


@functools.cache
def _doc() -> dict[str, list[dict[str, object]]]:
    raw = resources.files("lithiophile").joinpath("data", "kb", "claims.json").read_text("utf-8")
    return dict(json.loads(raw))


def bundled_claims() -> list[Claim]:
    """The material constants and other numbers the review's text states."""
    return [Claim.model_validate(c) for c in _doc()["claims"]]


def bundled_discrepancies() -> list[Discrepancy]:
    """Where the review's text and tables disagree, each with both verbatim quotes."""
    return [Discrepancy.model_validate(c) for c in _doc()["discrepancies"]]
