"""The wetting entry point: every closed-form model for one surface at one temperature.

SI units: J m-2, K, degrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lithiophile.errors import InputError
from lithiophile.wetting import models as m

__all__ = ["WettingSummary", "summarize"]


@dataclass(frozen=True)
class WettingSummary:
    """Molten-Li wetting of one surface: the Young angle and what the models make of it.

    Attributes
    ----------
    temperature_K, surface_tension_J_m2
        Temperature and the liquid-Li surface tension there (Davison 1968; shown as
        ``li_surface_tension_N_m``).
    theta_deg
        Intrinsic (Young) angle [deg], given or from the work of adhesion.
    work_of_adhesion_J_m2, nucleation_barrier_factor
        From ``theta_deg``.
    young_dupre, wenzel, cassie_baxter
        :class:`~lithiophile.wetting.models.ContactAngle` where asked for, else None.
    wenzel_roughness_for_target
        The roughness that gives the target apparent angle, where asked for.
    """

    temperature_K: float
    surface_tension_J_m2: float = field(metadata={"payload_key": "li_surface_tension_N_m"})
    theta_deg: float
    work_of_adhesion_J_m2: float
    nucleation_barrier_factor: float
    young_dupre: m.ContactAngle | None = None
    wenzel: m.ContactAngle | None = None
    cassie_baxter: m.ContactAngle | None = None
    wenzel_roughness_for_target: float | None = None

    def metrics(self) -> list[Any]:
        """The angles as Metric records at this temperature."""
        return [
            a.metric(self.temperature_K)
            for a in (self.young_dupre, self.wenzel, self.cassie_baxter)
            if a is not None
        ]


def summarize(
    *,
    temperature_K: float,
    theta_deg: float | None = None,
    work_of_adhesion_J_m2: float | None = None,
    roughness: float | None = None,
    solid_fraction: float | None = None,
    target_deg: float | None = None,
    names: dict[str, str] | None = None,
) -> WettingSummary:
    """Young-Dupre, Wenzel, Cassie-Baxter and the nucleation factor for one surface.

    ``names`` maps parameter names to how the caller's user typed them (``{"theta_deg":
    "--theta", "temperature_K": "--temperature"}``) for error messages.
    """
    names = names or {}
    if theta_deg is None and work_of_adhesion_J_m2 is None:
        raise InputError(
            f"give {names.get('theta_deg', 'theta_deg')} (an intrinsic angle in degrees) or "
            f"{names.get('work_of_adhesion_J_m2', 'work_of_adhesion_J_m2')} (J m-2)."
        )
    gamma = m.li_surface_tension(temperature_K, name=names.get("temperature_K", "temperature_K"))
    yd = None
    if work_of_adhesion_J_m2 is not None:
        yd = m.contact_angle_from_adhesion(work_of_adhesion_J_m2, gamma)
    if theta_deg is not None:  # checked here, so the message names what the caller typed
        theta = m._angle(names.get("theta_deg", "theta_deg"), theta_deg)
    else:
        theta = yd.angle_deg if yd else 0.0
    return WettingSummary(
        temperature_K=temperature_K,
        surface_tension_J_m2=gamma,
        theta_deg=theta,
        work_of_adhesion_J_m2=m.work_of_adhesion(theta, gamma),
        nucleation_barrier_factor=m.nucleation_barrier_factor(theta),
        young_dupre=yd,
        wenzel=None if roughness is None else m.wenzel(theta, roughness),
        cassie_baxter=None if solid_fraction is None else m.cassie_baxter(theta, solid_fraction),
        wenzel_roughness_for_target=(
            None if target_deg is None else m.wenzel_roughness_for(theta, target_deg)
        ),
    )
