"""Whether Li nucleates on a substrate without a barrier, from the Li-X phase diagram.

Yan et al. (Nat. Energy 2016) found that Li plates on metals with a definite solubility in Li
with essentially no nucleation overpotential (a Li-rich solid-solution surface layer forms first,
so Li grows on its own solution), while on substrates with negligible solubility in Li a clear
nucleation barrier appears, whether or not they form Li compounds. Here the solubility of X in
Li (the Li-rich terminal solid solution of the binary Li-X phase diagram, Okamoto 2000) decides:
``"extensive"`` or ``"limited"`` -> no barrier expected; ``"negligible"`` -> a barrier.

Checked (issue 13): the criterion as stated here agrees in substance with the
paper's abstract ("no nucleation barriers are present for metals exhibiting a definite
solubility in lithium, whereas appreciable nucleation barriers exist for metals with negligible
solubility"). The per-element solubility classes come from the phase diagrams (Okamoto 2000),
not from the paper's figure, whose element list could not be re-read here.

References
----------
Yan, K.; Lu, Z.; Lee, H.-W.; Xiong, F.; Hsu, P.-C.; Li, Y.; Zhao, J.; Chu, S.; Cui, Y.
Selective deposition and stable encapsulation of lithium through heterogeneous seeded growth.
Nat. Energy 2016, 1, 16010. doi:10.1038/nenergy.2016.10
Okamoto, H. Desk Handbook: Phase Diagrams for Binary Alloys; ASM International, 2000.
"""

from __future__ import annotations

from dataclasses import dataclass

from lithiophile import cite
from lithiophile.thermo import sources as src

__all__ = ["NucleationPrediction", "nucleation_barrier"]

cite.define(
    cite.Citation(
        "Yan2016NatEnergy",
        "Yan, K. et al. Selective deposition and stable encapsulation of lithium through "
        "heterogeneous seeded growth. Nat. Energy 2016, 1, 16010 (no nucleation barrier on "
        "metals with a definite solubility in Li).",
        doi="10.1038/nenergy.2016.10",
    )
)


@dataclass(frozen=True)
class NucleationPrediction:
    """Expected Li nucleation barrier on a substrate element.

    Attributes
    ----------
    element
        Substrate element symbol.
    solubility_in_li
        ``"extensive"``, ``"limited"``, ``"negligible"`` or ``"unknown"``.
    barrier
        True (a nucleation barrier expected), False (none), None (unknown).
    basis
        One sentence with the source.
    """

    element: str
    solubility_in_li: str
    barrier: bool | None
    basis: str


def nucleation_barrier(element: str) -> NucleationPrediction:
    """The nucleation-barrier prediction for Li on ``element`` (Yan et al. 2016 criterion).

    Examples
    --------
    >>> nucleation_barrier("Au").barrier, nucleation_barrier("Cu").barrier
    (False, True)
    """
    cite.register("Yan2016NatEnergy")
    row = src.alloying_table().get(element)
    sol = (row or {}).get("solubility_in_li") or "unknown"
    if sol == "unknown":
        return NucleationPrediction(
            element, sol, None, f"no Li-{element} solubility is tabulated: barrier not predicted."
        )
    cite.register(row["source"] if row else "Okamoto2000ASM")
    if sol == "negligible":
        what = (
            "forms Li compounds but dissolves negligibly in Li"
            if row and row["with_li"] != "none"
            else "neither dissolves in Li nor forms a Li solid solution"
        )
        return NucleationPrediction(
            element, sol, True, f"{element} {what} (Li-{element} phase diagram): a barrier."
        )
    return NucleationPrediction(
        element,
        sol,
        False,
        f"{element} has a {sol} solubility in Li (Li-{element} phase diagram): a Li solid "
        "solution forms first, no nucleation barrier.",
    )
