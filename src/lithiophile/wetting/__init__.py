"""Wetting of surfaces by (molten) lithium: contact-angle models in closed form.

SI units throughout: surface and interfacial energies and works of adhesion in J m-2 (= N m-1),
temperatures in K, angles in degrees at the interface (radians only inside).

Models (see METHODS.md "Wetting"):

- Young: ``gamma_sv = gamma_sl + gamma_lv cos(theta)``
- Young-Dupre: ``W_ad = gamma_lv (1 + cos(theta))``
- Wenzel: ``cos(theta*) = r cos(theta)``, roughness ratio ``r >= 1``
- Cassie-Baxter: ``cos(theta*) = f_s (1 + cos(theta)) - 1``, wetted solid fraction ``0 < f_s <= 1``
- liquid-Li surface tension against temperature (Davison 1968)
- heterogeneous nucleation barrier factor ``f(theta) = (2 + cos) (1 - cos)^2 / 4``
- the reactive-wetting rule (:mod:`~lithiophile.wetting.reactive`): the contact angle from the
  interface chemistry (metallic vs non-reactive interface), with its range
- :func:`summarize`, the entry point the ``wet`` command calls

Limits, one design everywhere: a model whose cosine would leave [-1, 1] does not return NaN.
The angle functions return a :class:`ContactAngle` whose ``regime`` says ``"complete wetting"``
(cos >= 1: the liquid spreads, angle 0) or ``"non-wetting"`` (cos <= -1: angle 180), and whose
``cos_model`` keeps the unclipped model value. :func:`young_dupre_angle` returns a plain float
with the same convention (0.0 means complete wetting, W_ad >= 2 gamma_lv); invalid inputs
(negative energies, roughness below 1, temperatures below 0 K) raise :class:`InputError`.
"""

from __future__ import annotations

from lithiophile.wetting.models import (
    ContactAngle,
    cassie_baxter,
    contact_angle_from_adhesion,
    li_surface_tension,
    nucleation_barrier_factor,
    wenzel,
    wenzel_roughness_for,
    work_of_adhesion,
    work_of_adhesion_for_angle,
    young,
    young_dupre_angle,
)
from lithiophile.wetting.reactive import (
    WettingEstimate,
    estimate_from_adhesion,
    estimate_from_regime,
)
from lithiophile.wetting.summary import WettingSummary, summarize

__all__ = [
    "ContactAngle",
    "WettingEstimate",
    "WettingSummary",
    "cassie_baxter",
    "contact_angle_from_adhesion",
    "estimate_from_adhesion",
    "estimate_from_regime",
    "li_surface_tension",
    "nucleation_barrier_factor",
    "summarize",
    "wenzel",
    "wenzel_roughness_for",
    "work_of_adhesion",
    "work_of_adhesion_for_angle",
    "young",
    "young_dupre_angle",
]
