"""The substrate's lithiophilicity as maps along its surface: contact angle, exchange current,
nucleation-barrier factor and an optional SEI layer.

A :class:`Substrate` holds one value per grid column (the surface is the bottom edge of the 2-D
domain). Patterns: uniform, patterned lithiophilic seeds on a lithiophobic surface (Yan et al.
2016), or a lithiophilic coating with defects (bare, lithiophobic spots).

The mapping from lithiophilicity to the model, stated once:

- contact angle theta -> wetting boundary condition of the phase field (Cahn 1977; Jacqmin 2000)
  and the heterogeneous nucleation barrier factor f(theta) = (2 + cos)(1 - cos)^2 / 4 (Turnbull
  1950, :func:`lithiophile.wetting.nucleation_barrier_factor`);
- a predicted work of adhesion W_ad -> theta through Young-Dupre, cos(theta) = W_ad / gamma_Li - 1
  (:func:`lithiophile.wetting.contact_angle_from_adhesion`), with the liquid-Li surface tension
  at the temperature given (Davison 1968);
- exchange current i0 of the substrate (e.g. a lithiophilic seed that alloys with Li) ->
  the local reaction constant next to the surface; a nucleation barrier multiplier -> the CNT
  barrier of that column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lithiophile import cite
from lithiophile.errors import InputError

__all__ = ["Substrate", "check_angle", "theta_from_adhesion"]

cite.define(
    cite.Citation(
        "Yan2016NatEnergy",
        "Yan, K.; Lu, Z.; Lee, H.-W.; Xiong, F.; Hsu, P.-C.; Li, Y.; Zhao, J.; Chu, S.; Cui, Y. "
        "Selective deposition and stable encapsulation of lithium through heterogeneous seeded "
        "growth. Nat. Energy 2016, 1, 16010.",
        doi="10.1038/nenergy.2016.10",
    ),
    cite.Citation(
        "Jacqmin2000",
        "Jacqmin, D. Contact-line dynamics of a diffuse fluid interface. J. Fluid Mech. 2000, "
        "402, 57-88 (wetting boundary condition of a diffuse interface, after Cahn 1977).",
        doi="10.1017/S0022112099006874",
    ),
)


def check_angle(theta_deg: Any, name: str = "theta") -> float:
    """A contact angle in degrees, or :class:`InputError` naming ``name``."""
    try:
        th = float(theta_deg)
    except (TypeError, ValueError):
        raise InputError(
            f"'{name}' must be a contact angle in degrees. Got {theta_deg!r}."
        ) from None
    if not math.isfinite(th) or not 0.0 <= th <= 180.0:
        raise InputError(
            f"'{name}' must be a contact angle between 0 and 180 degrees. Got {theta_deg!r}."
        )
    return th


def theta_from_adhesion(work_of_adhesion_J_m2: float, temperature_K: float = 453.69) -> float:
    """Contact angle [deg] of Li from a work of adhesion (Young-Dupre, molten-Li gamma)."""
    from lithiophile.wetting import contact_angle_from_adhesion, li_surface_tension

    return contact_angle_from_adhesion(
        work_of_adhesion_J_m2, li_surface_tension(temperature_K)
    ).angle_deg


@dataclass(frozen=True)
class Substrate:
    """Per-column maps of the substrate surface (length = number of grid columns).

    Attributes
    ----------
    theta_deg
        Equilibrium contact angle of Li on each column [deg].
    exchange_current_A_m2
        Exchange current density next to the surface, or None for the Li|electrolyte value.
    barrier_factor
        Multiplier of the heterogeneous nucleation barrier (1 = f(theta) only).
    sei_conductivity_S_m, sei_thickness_m
        Optional resistive layer on the surface: ionic conductivity per column (None = no SEI)
        and thickness.
    name
        A label (``"Cu"``, ``"seeds on Cu"``).
    provenance
        How the maps were obtained (given, predicted, pattern), one sentence each.
    """

    theta_deg: np.ndarray
    exchange_current_A_m2: np.ndarray | None = None
    barrier_factor: np.ndarray | None = None
    sei_conductivity_S_m: np.ndarray | None = None
    sei_thickness_m: float = 0.0
    name: str = "substrate"
    provenance: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        th = np.asarray(self.theta_deg, dtype=float)
        if th.ndim != 1 or th.size < 1:
            raise InputError("Substrate 'theta_deg' must be a 1-D map, one angle per column.")
        if not np.all(np.isfinite(th)) or th.min() < 0 or th.max() > 180:
            bad = th[~((th >= 0) & (th <= 180))]
            raise InputError(
                "Substrate 'theta_deg' must hold contact angles between 0 and 180 degrees. "
                f"Got {bad[:3].tolist()}."
            )
        for name in ("exchange_current_A_m2", "barrier_factor", "sei_conductivity_S_m"):
            v = getattr(self, name)
            if v is None:
                continue
            a = np.asarray(v, dtype=float)
            if a.shape != th.shape or not np.all(np.isfinite(a)) or np.any(a <= 0):
                raise InputError(
                    f"Substrate '{name}' must be positive and finite, one value per column "
                    f"({th.size}). Got shape {a.shape}, min {np.nanmin(a):g}."
                )
        if self.sei_thickness_m < 0:
            raise InputError(
                f"Substrate 'sei_thickness_m' must be >= 0. Got {self.sei_thickness_m!r}."
            )

    @property
    def n(self) -> int:
        return int(np.asarray(self.theta_deg).size)

    # constructors ----------------------------------------------------------------
    @classmethod
    def uniform(cls, n: int, theta_deg: float, *, name: str = "uniform", **kw: Any) -> Substrate:
        """The same angle (and optional i0 / barrier factor) on every column."""
        th = check_angle(theta_deg)
        maps: dict[str, Any] = {
            k: np.full(n, float(v)) for k, v in kw.items() if k in _MAPS and v is not None
        }
        rest = {k: v for k, v in kw.items() if k not in _MAPS}
        return cls(
            np.full(n, th), name=name, provenance=(f"uniform theta {th:g} deg",), **maps, **rest
        )

    @classmethod
    def seeds(
        cls,
        n: int,
        theta_deg: float,
        seed_theta_deg: float,
        *,
        n_seeds: int,
        seed_width: int,
        seed_exchange_current_A_m2: float | None = None,
        background_exchange_current_A_m2: float = 10.0,
        name: str = "seeds",
    ) -> Substrate:
        """Evenly spaced lithiophilic seeds (``seed_theta_deg``) on a surface of ``theta_deg``."""
        th, ts = check_angle(theta_deg), check_angle(seed_theta_deg, "seed_theta")
        if n_seeds < 1 or seed_width < 1 or n_seeds * seed_width > n:
            raise InputError(
                f"seeds: need 1 <= n_seeds * seed_width <= columns ({n}); got {n_seeds} seeds "
                f"of width {seed_width}."
            )
        mask = seed_mask(n, n_seeds, seed_width)
        theta = np.where(mask, ts, th)
        i0 = None
        if seed_exchange_current_A_m2 is not None:
            i0 = np.where(mask, seed_exchange_current_A_m2, background_exchange_current_A_m2)
        cite.register("Yan2016NatEnergy")
        return cls(
            theta,
            exchange_current_A_m2=i0,
            name=name,
            provenance=(f"{n_seeds} seeds of {seed_width} columns, theta {ts:g} on {th:g} deg",),
        )

    @classmethod
    def coating_with_defects(
        cls,
        n: int,
        coating_theta_deg: float,
        bare_theta_deg: float,
        *,
        defect_fraction: float,
        rng_seed: int = 0,
        name: str = "coating with defects",
    ) -> Substrate:
        """A lithiophilic coating whose random defects (a fraction of columns) expose the bare
        lithiophobic surface."""
        tc, tb = check_angle(coating_theta_deg, "coating_theta"), check_angle(bare_theta_deg)
        if not 0 <= defect_fraction < 1:
            raise InputError(f"'defect_fraction' must be in [0, 1). Got {defect_fraction!r}.")
        rng = np.random.default_rng(rng_seed)
        bare = rng.random(n) < defect_fraction
        return cls(
            np.where(bare, tb, tc),
            name=name,
            provenance=(f"coating {tc:g} deg, {bare.mean():.0%} defects at {tb:g} deg",),
        )

    def with_sei(self, conductivity_S_m: float | np.ndarray, thickness_m: float) -> Substrate:
        """The same surface under a resistive SEI layer (uniform value or per-column map)."""
        k = np.broadcast_to(np.asarray(conductivity_S_m, dtype=float), (self.n,)).copy()
        return Substrate(
            self.theta_deg,
            self.exchange_current_A_m2,
            self.barrier_factor,
            k,
            float(thickness_m),
            self.name + " + SEI",
            (*self.provenance, f"SEI {thickness_m * 1e9:g} nm"),
        )

    def barrier_factors(self) -> np.ndarray:
        """f(theta) (Turnbull) times the barrier multiplier, per column."""
        from lithiophile.wetting import nucleation_barrier_factor

        f = np.array([nucleation_barrier_factor(t) for t in np.asarray(self.theta_deg)])
        if self.barrier_factor is not None:
            f = f * np.asarray(self.barrier_factor)
        return f

    def describe(self) -> str:
        th = np.asarray(self.theta_deg)
        span = f"{th.min():g}-{th.max():g}" if th.min() != th.max() else f"{th[0]:g}"
        return f"{self.name} (theta {span} deg)"


_MAPS = ("exchange_current_A_m2", "barrier_factor", "sei_conductivity_S_m")


def seed_mask(n: int, n_seeds: int, seed_width: int) -> np.ndarray:
    """Boolean mask of ``n_seeds`` evenly spaced windows of ``seed_width`` columns."""
    mask = np.zeros(n, dtype=bool)
    pitch = n / n_seeds
    for k in range(n_seeds):
        start = round((k + 0.5) * pitch - seed_width / 2)
        mask[start : start + seed_width] = True
    return mask
