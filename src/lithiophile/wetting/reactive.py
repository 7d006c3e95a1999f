"""Contact angle of molten Li from the interface chemistry: the reactive-wetting rule.

SI units: J m-2, K, degrees.

In reactive wetting the final contact angle is the angle of the liquid on the reaction
*product* that forms at the interface, not a consequence of the reaction energy as such
(Eustathopoulos 2005; Landry, Rado & Eustathopoulos 1996). So:

- ``"metallic"``: the interface becomes metallic (the substrate alloys with Li, or the reaction
  leaves a metal or Li alloy at the interface, e.g. ZnO -> Li2O + LiZn): liquid metal on a
  metal with strong metallic adhesion, ``W_ad / gamma_Li`` between 1.77 and 2 (0-40 deg;
  central 1.94, 20 deg).
- ``"non-reactive"``: no reaction, or a reaction whose products at the interface are all ionic,
  lithiophobic solids (Li2O, Li2CO3, LiF ...), or Li insertion that keeps the host framework
  (carbon): non-reactive liquid metal on an iono-covalent solid, ``W_ad / gamma_Li`` between
  0.3 and 1.0 (90-134 deg; central 0.6, 114 deg), the range of non-reactive metal/oxide
  couples (Eustathopoulos, Nicholas & Drevet 1999, ch. 6).

The work of adhesion is turned into an angle by Young-Dupre with the liquid-Li surface
tension at the temperature asked (Davison 1968). A work of adhesion computed by the
potentials (``lithiophile.atomistic.work_of_adhesion``) or given by the user replaces the rule.

References
----------
Eustathopoulos, N. Progress in understanding and modeling reactive wetting of metals on
ceramics. Curr. Opin. Solid State Mater. Sci. 2005, 9, 152-160.
Eustathopoulos, N.; Nicholas, M. G.; Drevet, B. Wettability at High Temperatures; Pergamon,
1999.
Wang, S.-H. et al. Nat. Commun. 2019, 10, 4930 (molten-Li wetting classes of the elements).
"""

from __future__ import annotations

from dataclasses import dataclass

from lithiophile import cite
from lithiophile.errors import InputError
from lithiophile.wetting.models import li_surface_tension, young_dupre_angle

__all__ = ["REGIMES", "WettingEstimate", "estimate_from_adhesion", "estimate_from_regime"]

cite.define(
    cite.Citation(
        "Eustathopoulos2005",
        "Eustathopoulos, N. Progress in understanding and modeling reactive wetting of metals "
        "on ceramics. Curr. Opin. Solid State Mater. Sci. 2005, 9, 152-160 (the final angle is "
        "that on the interfacial reaction product).",
        doi="10.1016/j.cossms.2006.04.004",
    ),
    cite.Citation(
        "Eustathopoulos1999",
        "Eustathopoulos, N.; Nicholas, M. G.; Drevet, B. Wettability at High Temperatures; "
        "Pergamon, 1999 (non-reactive metal/oxide couples: W_ad/gamma_LV ~ 0.3-1, angles above "
        "90 deg).",
    ),
)

#: regime -> (low, central, high) work of adhesion as a fraction of gamma_Li
REGIMES: dict[str, tuple[float, float, float]] = {
    "metallic": (1.766, 1.940, 2.0),
    "non-reactive": (0.3, 0.6, 1.0),
}


@dataclass(frozen=True)
class WettingEstimate:
    """A predicted contact angle of molten Li with its range and the model it comes from.

    Attributes
    ----------
    angle_deg, low_deg, high_deg
        Central value and range [deg] (0 = complete wetting).
    work_of_adhesion_J_m2
        Work of adhesion behind the central value [J m-2].
    temperature_K, surface_tension_J_m2
        Temperature and the liquid-Li surface tension there.
    model
        ``"reactive-wetting rule (metallic interface)"``, ``"... (non-reactive interface)"`` or
        ``"Young-Dupre (work of adhesion given)"``.
    wets
        ``angle_deg < 90``.
    """

    angle_deg: float
    low_deg: float
    high_deg: float
    work_of_adhesion_J_m2: float
    temperature_K: float
    surface_tension_J_m2: float
    model: str

    @property
    def wets(self) -> bool:
        return self.angle_deg < 90.0

    @property
    def uncertainty_deg(self) -> float:
        """Half the width of the range [deg]."""
        return (self.high_deg - self.low_deg) / 2


def estimate_from_regime(regime: str, temperature_K: float) -> WettingEstimate:
    """The rule's contact angle for a ``"metallic"`` or ``"non-reactive"`` interface with molten Li.

    Examples
    --------
    >>> round(estimate_from_regime("non-reactive", 523.15).angle_deg, 1)
    113.6
    """
    if regime not in REGIMES:
        raise InputError(f"'regime' must be one of {sorted(REGIMES)}. Got {regime!r}.")
    gamma = li_surface_tension(temperature_K)
    lo, mid, hi = REGIMES[regime]
    cite.register("Eustathopoulos2005")
    cite.register("Eustathopoulos1999")
    return WettingEstimate(
        angle_deg=young_dupre_angle(mid * gamma, gamma),
        low_deg=young_dupre_angle(hi * gamma, gamma),
        high_deg=young_dupre_angle(lo * gamma, gamma),
        work_of_adhesion_J_m2=mid * gamma,
        temperature_K=temperature_K,
        surface_tension_J_m2=gamma,
        model=f"reactive-wetting rule ({regime} interface)",
    )


def estimate_from_adhesion(
    work_of_adhesion_J_m2: float, temperature_K: float, uncertainty_J_m2: float = 0.0
) -> WettingEstimate:
    """Young-Dupre angle from a work of adhesion [J m-2], with a range from its uncertainty."""
    if uncertainty_J_m2 < 0:
        raise InputError(f"'uncertainty_J_m2' must be >= 0. Got {uncertainty_J_m2!r}.")
    gamma = li_surface_tension(temperature_K)
    w = work_of_adhesion_J_m2
    return WettingEstimate(
        angle_deg=young_dupre_angle(w, gamma),
        low_deg=young_dupre_angle(w + uncertainty_J_m2, gamma),
        high_deg=young_dupre_angle(max(w - uncertainty_J_m2, 0.0), gamma),
        work_of_adhesion_J_m2=w,
        temperature_K=temperature_K,
        surface_tension_J_m2=gamma,
        model="Young-Dupre (work of adhesion given)",
    )
