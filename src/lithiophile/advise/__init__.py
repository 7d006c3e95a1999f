"""Ranked, evidenced strategies for a given anode and electrolyte.

``advise`` is where predict and compare meet: for a system (Li foil, anode-free Cu or a host,
against a liquid or solid electrolyte) it weighs the catalogue of strategies the review
discusses (coatings, interlayers, hosts, dopants, alloys, electrolyte and SEI additives,
thermal and pressure treatments). Each gets an evidence card: the candidate's reaction,
interface type and wetting against Li (:func:`lithiophile.thermo.assess`), the literature
records under comparable conditions with their flags (:mod:`lithiophile.kb`), the figure of
merit it should move and by how much, failure modes and counter-evidence, a score with every
step of the rules behind it, and a confidence. The rules are in docs/methods.md ("Advise").

Examples
--------
>>> from lithiophile import advise
>>> a = advise.advise("Li", "LLZO")
>>> "Li2CO3" in a.diagnosis[1].text
True
"""

from __future__ import annotations

from lithiophile import cite
from lithiophile.advise.cards import Advice, Card, Finding
from lithiophile.advise.catalog import Strategy, strategies
from lithiophile.advise.engine import advise, advise_many, advise_system
from lithiophile.advise.system import System, load_results, make_system

cite.define(
    cite.Citation(
        "Raj2020arXiv",
        "Raj, V.; Kankanallu, V. R.; Kuiri, B.; Aetukuri, N. P. B. An interlayer with low "
        "solubility for lithium enhances tolerance to dendrite growth in solid state "
        "electrolytes. arXiv:2001.06276 (2020).",
        url="https://arxiv.org/abs/2001.06276",
    )
)

__all__ = [
    "Advice",
    "Card",
    "Finding",
    "Strategy",
    "System",
    "advise",
    "advise_many",
    "advise_system",
    "load_results",
    "make_system",
    "strategies",
]
