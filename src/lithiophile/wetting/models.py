"""Closed-form wetting models (Young, Young-Dupre, Wenzel, Cassie-Baxter) and liquid-Li data.

Units: J m-2 (= N m-1) for surface energies and works of adhesion, K, degrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from lithiophile import cite
from lithiophile.errors import InputError

cite.define(
    cite.Citation(
        "Young1805",
        "Young, T. An essay on the cohesion of fluids. Phil. Trans. R. Soc. Lond. 1805, 95, 65-87.",
        doi="10.1098/rstl.1805.0005",
    ),
    cite.Citation(
        "Dupre1869",
        "Dupre, A. Theorie mecanique de la chaleur. Gauthier-Villars, Paris, 1869 "
        "(work of adhesion W_ad = gamma_lv (1 + cos theta)).",
    ),
    cite.Citation(
        "Wenzel1936",
        "Wenzel, R. N. Resistance of solid surfaces to wetting by water. Ind. Eng. Chem. 1936, "
        "28, 988-994.",
        doi="10.1021/ie50320a024",
    ),
    cite.Citation(
        "CassieBaxter1944",
        "Cassie, A. B. D.; Baxter, S. Wettability of porous surfaces. Trans. Faraday Soc. 1944, "
        "40, 546-551.",
        doi="10.1039/tf9444000546",
    ),
    cite.Citation(
        "Davison1968NASA",
        "Davison, H. W. Compilation of thermophysical properties of liquid lithium. NASA "
        "Technical Note TN D-4650, 1968 (surface tension 0.3957 N/m at 453.69 K, "
        "-1.19e-4 N/m per K).",
    ),
    cite.Citation(
        "Turnbull1950",
        "Turnbull, D. Kinetics of heterogeneous nucleation. J. Chem. Phys. 1950, 18, 198-203 "
        "(barrier factor f(theta) = (2 + cos theta)(1 - cos theta)^2 / 4).",
    ),
)

#: Melting point of Li [K] as the CRC Handbook gives it (180.50 C); Davison (1968) anchors
#: his correlation at 453.69 K. Sources differ by 0.04 K, so any molten-Li temperature at or
#: above the lower (CRC) value is accepted; the correlation is linear and its 0.04 K
#: extrapolation changes gamma by 5e-6 N m-1.
LI_MELTING_POINT_K = 453.65
#: Temperature at which Davison's correlation is anchored [K].
DAVISON_ANCHOR_K = 453.69
LI_SURFACE_TENSION_AT_MELTING_N_M = 0.3957
LI_SURFACE_TENSION_SLOPE_N_M_K = -1.19e-4
#: Normal boiling point of Li [K]; the correlation is not used above it.
LI_BOILING_POINT_K = 1615.0


@dataclass(frozen=True)
class ContactAngle:
    """A predicted contact angle with the regime it falls in.

    Attributes
    ----------
    angle_deg
        Contact angle [deg], 0 for complete wetting and 180 for non-wetting.
    regime
        ``"partial wetting"`` (0 < angle < 180), ``"complete wetting"`` (model cos >= 1: the
        liquid spreads) or ``"non-wetting"`` (model cos <= -1).
    cos_model
        The cosine the model gives before it is limited to [-1, 1] (e.g. ``r cos(theta)``).
    model
        Which model: ``"Young"``, ``"Young-Dupre"``, ``"Wenzel"``, ``"Cassie-Baxter"``.
    """

    angle_deg: float
    regime: str
    cos_model: float
    model: str

    #: Shown beside the fields by :func:`lithiophile.store.to_payload`.
    PAYLOAD_EXTRA = ("wets",)

    @property
    def wets(self) -> bool:
        """True when the angle is below 90 degrees (the usual definition of 'wetting')."""
        return self.angle_deg < 90.0

    def metric(self, temperature_K: float | None = None, source: str | None = None) -> Any:
        """This angle as a :class:`lithiophile.metrics.Metric` (kind ``contact_angle``)."""
        from lithiophile.metrics import Conditions, Metric

        return Metric(
            "contact_angle",
            self.angle_deg,
            conditions=Conditions(temperature_K=temperature_K),
            definition=f"{self.model} model ({self.regime}; model cos = {self.cos_model:.6g})",
            variant=self.model,
            source=source,
        )


def _finite(name: str, value: float, hint: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(f"'{name}' must be a number {hint}. Got {value!r}.") from None
    if not math.isfinite(x):
        raise InputError(f"'{name}' must be a finite number {hint}. Got {value!r}.")
    return x


def _angle(name: str, theta_deg: float) -> float:
    x = _finite(name, theta_deg, "of degrees between 0 and 180")
    if not 0.0 <= x <= 180.0:
        raise InputError(
            f"'{name}' must be a contact angle between 0 and 180 degrees. Got {theta_deg!r}."
        )
    return x


def _positive(name: str, value: float, what: str) -> float:
    x = _finite(name, value, what)
    if x <= 0.0:
        raise InputError(f"'{name}' must be a positive {what}. Got {value!r}.")
    return x


def _from_cos(cos_model: float, model: str) -> ContactAngle:
    if cos_model >= 1.0:
        return ContactAngle(0.0, "complete wetting", cos_model, model)
    if cos_model <= -1.0:
        return ContactAngle(180.0, "non-wetting", cos_model, model)
    return ContactAngle(math.degrees(math.acos(cos_model)), "partial wetting", cos_model, model)


def li_surface_tension(temperature_K: float, *, name: str = "temperature_K") -> float:
    """Surface tension of liquid lithium [N m-1] at ``temperature_K`` [K].

    ``name`` is how an error names the value (``"--temperature"`` on the command line).

    ``gamma = 0.3957 - 1.19e-4 (T - 453.69)`` (Davison 1968), for molten Li between the
    melting point (453.65 K, CRC Handbook; Davison anchors at 453.69 K) and the normal
    boiling point (1615 K).

    Raises
    ------
    InputError
        Below 0 K, below the melting point (solid Li has no liquid surface tension) or above
        the boiling point.

    References
    ----------
    Davison, NASA TN D-4650 (1968).

    Examples
    --------
    >>> round(li_surface_tension(453.69), 4)
    0.3957
    """
    t = _finite(name, temperature_K, "of kelvin")
    if t < 0.0:
        raise InputError(
            f"'{name}' is below absolute zero: got {temperature_K!r} K. Give a "
            "temperature in kelvin (250 C = 523.15 K)."
        )
    if t < LI_MELTING_POINT_K:
        raise InputError(
            f"'{name}' = {t:g} K is below the melting point of Li ({LI_MELTING_POINT_K} K,"
            " 180.50 C, CRC Handbook): the liquid-Li surface tension is defined for molten Li "
            "only."
        )
    if t > LI_BOILING_POINT_K:
        raise InputError(
            f"'{name}' = {t:g} K is above the normal boiling point of Li "
            f"({LI_BOILING_POINT_K:g} K), where the Davison (1968) correlation does not apply."
        )
    cite.register("Davison1968NASA")
    return LI_SURFACE_TENSION_AT_MELTING_N_M + LI_SURFACE_TENSION_SLOPE_N_M_K * (
        t - DAVISON_ANCHOR_K
    )


def young(
    solid_vapour_J_m2: float, solid_liquid_J_m2: float, liquid_vapour_J_m2: float
) -> ContactAngle:
    """Young's equation: ``cos(theta) = (gamma_sv - gamma_sl) / gamma_lv``.

    Parameters
    ----------
    solid_vapour_J_m2, solid_liquid_J_m2, liquid_vapour_J_m2
        Surface energy of the solid, solid-liquid interfacial energy, liquid surface tension
        [J m-2]. gamma_sl may be negative (strongly reacting pairs); the others must be > 0.

    References
    ----------
    Young, Phil. Trans. R. Soc. Lond. 1805, 95, 65.
    """
    sv = _positive("solid_vapour_J_m2", solid_vapour_J_m2, "surface energy in J m-2")
    sl = _finite("solid_liquid_J_m2", solid_liquid_J_m2, "in J m-2")
    lv = _positive("liquid_vapour_J_m2", liquid_vapour_J_m2, "surface tension in J m-2")
    cite.register("Young1805")
    return _from_cos((sv - sl) / lv, "Young")


def work_of_adhesion(theta_deg: float, surface_tension_J_m2: float) -> float:
    """Young-Dupre work of adhesion ``W_ad = gamma_lv (1 + cos(theta))`` [J m-2].

    References
    ----------
    Dupre (1869); Young (1805).
    """
    th = _angle("theta_deg", theta_deg)
    lv = _positive("surface_tension_J_m2", surface_tension_J_m2, "surface tension in J m-2")
    cite.register("Dupre1869")
    return lv * (1.0 + math.cos(math.radians(th)))


def contact_angle_from_adhesion(
    work_of_adhesion_J_m2: float, surface_tension_J_m2: float
) -> ContactAngle:
    """Contact angle from a work of adhesion (Young-Dupre), with its regime.

    ``cos(theta) = W_ad / gamma_lv - 1``. ``W_ad >= 2 gamma_lv`` (adhesion at least the
    cohesion of the liquid) is complete wetting (angle 0); ``W_ad = 0`` gives 180 degrees.

    Raises
    ------
    InputError
        When the work of adhesion is negative or the surface tension is not positive.
    """
    w = _finite("work_of_adhesion_J_m2", work_of_adhesion_J_m2, "in J m-2")
    if w < 0.0:
        raise InputError(
            f"'work_of_adhesion_J_m2' must be >= 0 J m-2 (a work of adhesion is the energy to "
            f"separate the interface). Got {work_of_adhesion_J_m2!r}; check the sign convention "
            "W_ad = (E_slab1 + E_slab2 - E_interface) / A."
        )
    lv = _positive("surface_tension_J_m2", surface_tension_J_m2, "surface tension in J m-2")
    cite.register("Dupre1869")
    return _from_cos(w / lv - 1.0, "Young-Dupre")


def young_dupre_angle(work_of_adhesion_J_m2: float, surface_tension_J_m2: float) -> float:
    """Contact angle [deg] from ``W_ad = gamma_lv (1 + cos(theta))``.

    Returns 0.0 exactly when ``W_ad >= 2 gamma_lv`` (complete wetting: the liquid spreads)
    and 180.0 when ``W_ad = 0``; never NaN. Use :func:`contact_angle_from_adhesion` for the
    regime and the unclipped cosine.

    Raises
    ------
    InputError
        Negative work of adhesion, non-positive surface tension, non-finite input.

    Examples
    --------
    >>> round(young_dupre_angle(0.3957, 0.3957), 6)
    90.0
    """
    return contact_angle_from_adhesion(work_of_adhesion_J_m2, surface_tension_J_m2).angle_deg


def work_of_adhesion_for_angle(theta_deg: float, temperature_K: float) -> float:
    """Work of adhesion [J m-2] that gives ``theta_deg`` for molten Li at ``temperature_K``.

    The inverse Young-Dupre problem with the Davison (1968) liquid-Li surface tension.
    """
    return work_of_adhesion(theta_deg, li_surface_tension(temperature_K))


def _roughness(r: float) -> float:
    x = _finite("roughness", r, "(roughness ratio, true area / projected area, >= 1)")
    if x < 1.0:
        raise InputError(
            f"'roughness' is the Wenzel ratio of true to projected area and must be >= 1. Got "
            f"{r!r}; a smooth surface has roughness 1."
        )
    return x


def wenzel(theta_deg: float, roughness: float) -> ContactAngle:
    """Wenzel apparent angle: ``cos(theta*) = r cos(theta)``.

    When ``|r cos(theta)| >= 1`` the model predicts complete wetting (theta < 90) or
    non-wetting (theta > 90): reported in ``regime``, never NaN.

    References
    ----------
    Wenzel, Ind. Eng. Chem. 1936, 28, 988.
    """
    th = _angle("theta_deg", theta_deg)
    r = _roughness(roughness)
    cite.register("Wenzel1936")
    return _from_cos(r * math.cos(math.radians(th)), "Wenzel")


def wenzel_roughness_for(theta_deg: float, target_deg: float) -> float:
    """Roughness ratio r that turns an intrinsic angle into ``target_deg`` (Wenzel).

    ``r = cos(target) / cos(theta)``. Roughness only amplifies: it drives angles below 90
    degrees towards 0 and angles above 90 towards 180. A target on the other side of 90 degrees
    (e.g. making a 100-degree surface wet) is impossible in the Wenzel model and raises.

    Raises
    ------
    InputError
        When no roughness >= 1 reaches the target.
    """
    th = _angle("theta_deg", theta_deg)
    tg = _angle("target_deg", target_deg)
    c, ct = math.cos(math.radians(th)), math.cos(math.radians(tg))
    if abs(c) < 1e-12:
        raise InputError(
            "'theta_deg' = 90 degrees: Wenzel roughness leaves a 90-degree angle unchanged, so "
            "no roughness reaches any other target."
        )
    r = ct / c
    if r < 1.0:
        side = "below" if c > 0 else "above"
        raise InputError(
            f"no Wenzel roughness >= 1 turns {th:g} degrees into {tg:g} degrees: roughness "
            f"only pushes an angle {side} 90 degrees further from 90 (r cos(theta) grows in "
            f"magnitude). Change the surface chemistry (lower the intrinsic angle) instead."
        )
    cite.register("Wenzel1936")
    return r


def cassie_baxter(theta_deg: float, solid_fraction: float) -> ContactAngle:
    """Cassie-Baxter apparent angle on a composite (solid + trapped vapour) surface.

    ``cos(theta*) = f_s (1 + cos(theta)) - 1`` with ``0 < f_s <= 1`` the wetted solid fraction.

    References
    ----------
    Cassie and Baxter, Trans. Faraday Soc. 1944, 40, 546.
    """
    th = _angle("theta_deg", theta_deg)
    f = _finite("solid_fraction", solid_fraction, "between 0 and 1")
    if not 0.0 < f <= 1.0:
        raise InputError(
            f"'solid_fraction' is the wetted fraction of the solid and must be in (0, 1]. "
            f"Got {solid_fraction!r}."
        )
    cite.register("CassieBaxter1944")
    return _from_cos(f * (1.0 + math.cos(math.radians(th))) - 1.0, "Cassie-Baxter")


def nucleation_barrier_factor(theta_deg: float) -> float:
    """Heterogeneous nucleation barrier factor ``f = (2 + cos)(1 - cos)^2 / 4`` (0..1).

    The ratio of the heterogeneous to the homogeneous nucleation barrier for a spherical-cap
    nucleus with contact angle theta: 0 for complete wetting, 1 at 180 degrees.

    References
    ----------
    Turnbull, J. Chem. Phys. 1950, 18, 198.
    """
    th = _angle("theta_deg", theta_deg)
    c = math.cos(math.radians(th))
    cite.register("Turnbull1950")
    return (2.0 + c) * (1.0 - c) ** 2 / 4.0
