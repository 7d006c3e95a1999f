"""A substrate's contact angle from lithiophile's predictions, with the basis stated.

Order: an angle given; a work of adhesion given (Young-Dupre with molten-Li gamma at the
temperature); an atomistic work of adhesion (lithiophile.atomistic, CHGNet; minutes, only when
asked); otherwise an error that says what to give, carrying a chemistry verdict the caller
may pass in (``verdict``: e.g. from lithiophile.thermo, which stands above this package and is
therefore consulted by the command line, not here).
"""

from __future__ import annotations

from dataclasses import dataclass

from lithiophile.deposition.substrate import check_angle, theta_from_adhesion
from lithiophile.errors import DependencyMissing, InputError

__all__ = ["ContactAngleChoice", "contact_angle_for"]


@dataclass(frozen=True)
class ContactAngleChoice:
    theta_deg: float
    basis: str


def contact_angle_for(
    substrate: str,
    *,
    theta_deg: float | None = None,
    work_of_adhesion_J_m2: float | None = None,
    atomistic: bool = False,
    temperature_K: float = 453.69,
    verdict: str = "",
) -> ContactAngleChoice:
    """The contact angle of Li on ``substrate`` and how it was obtained.

    Raises
    ------
    InputError
        When nothing gives an angle; the message carries ``verdict`` (a sentence on whether
        the substrate wets Li, if the caller has one) and says to give ``--theta``,
        ``--adhesion`` or ``--predict``.
    """
    if theta_deg is not None:
        return ContactAngleChoice(check_angle(theta_deg, "--theta"), "given (--theta)")
    if work_of_adhesion_J_m2 is not None:
        th = theta_from_adhesion(work_of_adhesion_J_m2, temperature_K)
        return ContactAngleChoice(
            th,
            f"Young-Dupre from the given W_ad = {work_of_adhesion_J_m2:g} J m-2 with molten-Li "
            f"gamma at {temperature_K:g} K (Davison 1968)",
        )
    if atomistic:
        try:
            from lithiophile.atomistic.adhesion import work_of_adhesion
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise DependencyMissing(
                "--predict needs the atomistic extra: pip install 'lithiophile[atomistic]'"
            ) from exc
        res = work_of_adhesion(substrate, temperature_K=temperature_K)
        if res.contact_angle_deg is None:
            raise InputError(
                f"the atomistic work of adhesion of Li on {substrate} "
                f"({res.work_of_adhesion_J_m2:.3f} J m-2) gives no contact angle; give --theta."
            )
        return ContactAngleChoice(
            res.contact_angle_deg,
            f"predicted: Young-Dupre from the {res.model} work of adhesion "
            f"{res.work_of_adhesion_J_m2:.3f} J m-2 of Li on {substrate}({res.facet}) "
            f"at {temperature_K:g} K",
        )
    raise InputError(_no_angle(substrate, verdict))


def _no_angle(substrate: str, verdict: str) -> str:
    note = f" {verdict.strip()}" if verdict.strip() else ""
    return (
        f"no contact angle for substrate '{substrate}'.{note} Give --theta (degrees), "
        "--adhesion (a work of adhesion in J m-2, converted by Young-Dupre) or --predict "
        "(atomistic work of adhesion with CHGNet, minutes)."
    )
