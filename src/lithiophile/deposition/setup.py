"""What to simulate: grid, substrate, current, time, initial state; and its stability check."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from lithiophile.deposition.params import BOLTZMANN, FARADAY, Parameters
from lithiophile.deposition.substrate import Substrate
from lithiophile.errors import InputError

__all__ = ["INITIAL", "Setup"]

INITIAL = ("bare", "film", "nucleus")
NEUTRAL = "neutral (90 deg)"


def _substrate_name(sub: Substrate | None) -> str:
    """How a setup's JSON shows its substrate: by name (the maps stay in the cache key)."""
    return NEUTRAL if sub is None else sub.name


@dataclass(frozen=True)
class Setup:
    """One simulation.

    Attributes
    ----------
    nx, nz
        Grid columns (along the substrate, periodic) and rows (height above it).
    dx_m
        Grid spacing [m] (default 50 nm: four cells across the interface width).
    current_density_A_m2
        Applied current density [A m-2]; positive plates Li (1 mA cm-2 = 10 A m-2).
    time_s
        Physical time to simulate [s].
    dt_s
        Largest time step [s], or None for the automatic choice (:meth:`max_stable_dt`).
    initial
        ``"bare"`` substrate (Li appears only by nucleation), a flat ``"film"`` of
        ``film_thickness_m``, or one ``"nucleus"`` (a half disc of ``nucleus_radius_m``).
    protrusion_m, protrusion_width_m
        Height and full width of one flat-topped protrusion standing on the middle of the
        ``"film"`` (0: a flat film); a tip from which growth can turn tip-led.
    control
        ``"current"`` (galvanostatic; 0 A m-2 is open circuit) or ``"potential"`` (uniform
        overpotential ``overpotential_V``, no ohmic drop: for kinetics checks).
    concentration_ratio
        Initial salt concentration c/c0 everywhere.
    nucleation, noise, anisotropy
        Switch classical nucleation on the bare substrate, Langevin noise, four-fold anisotropy.
    voltage_limit_V
        Stop (as a cycler does) when |electrode potential| exceeds this [V], e.g. at Sand's time.

    Its JSON (:func:`lithiophile.store.to_payload`) shows the fields (``dt_s`` as given, null
    for the automatic step; the substrate by name), the step used ``dt_used_s`` and the first
    column's contact angle ``theta_deg``.
    """

    PAYLOAD_EXTRA: ClassVar[tuple[str, ...]] = ("dt_used_s", "theta_deg")

    nx: int = 64
    nz: int = 64
    dx_m: float = 5.0e-8
    params: Parameters = field(default_factory=Parameters)
    substrate: Substrate | None = field(default=None, metadata={"payload_as": _substrate_name})
    current_density_A_m2: float = 10.0
    time_s: float = 60.0
    dt_s: float | None = None
    initial: str = "bare"
    film_thickness_m: float = 5.0e-7
    protrusion_m: float = 0.0
    protrusion_width_m: float = 4.0e-7
    nucleus_radius_m: float = 1.0e-6
    control: str = "current"
    overpotential_V: float = 0.0
    concentration_ratio: float = 1.0
    nucleation: bool = True
    noise: bool = False
    anisotropy: bool = True
    seed: int = 0
    float32: bool = False
    snapshots: int = 8
    voltage_limit_V: float | None = None

    def __post_init__(self) -> None:
        if (
            not (isinstance(self.nx, int) and isinstance(self.nz, int))
            or self.nx < 1
            or (self.nz < 8)
        ):
            raise InputError(
                f"grid must be at least 1 column and 8 rows (e.g. --grid 64). Got nx={self.nx!r},"
                f" nz={self.nz!r}."
            )
        for name in (
            "dx_m",
            "time_s",
            "film_thickness_m",
            "nucleus_radius_m",
            "protrusion_width_m",
            "concentration_ratio",
        ):
            v = getattr(self, name)
            if not isinstance(v, int | float) or not math.isfinite(v) or v <= 0:
                raise InputError(f"Setup '{name}' must be a positive number. Got {v!r}.")
        if not (isinstance(self.protrusion_m, int | float) and 0 <= self.protrusion_m < math.inf):
            raise InputError(
                f"Setup 'protrusion_m' must be a height >= 0 [m]. Got {self.protrusion_m!r}."
            )
        if not math.isfinite(self.current_density_A_m2):
            raise InputError("Setup 'current_density_A_m2' must be finite.")
        if self.initial not in INITIAL:
            raise InputError(f"Setup 'initial' must be one of {INITIAL}. Got {self.initial!r}.")
        if self.control not in ("current", "potential"):
            raise InputError(
                f"Setup 'control' must be 'current' or 'potential'. Got {self.control!r}."
            )
        if self.substrate is not None and self.substrate.n != self.nx:
            raise InputError(
                f"the substrate maps have {self.substrate.n} columns but the grid has {self.nx}."
            )
        if self.dt_s is not None:
            limit = self.max_stable_dt()
            if not math.isfinite(self.dt_s) or self.dt_s <= 0 or self.dt_s > limit:
                raise InputError(
                    f"time step dt = {self.dt_s!r} s is beyond the stability limit "
                    f"{limit:.3g} s of this grid and current (explicit anisotropy, reaction "
                    f"stiffness and interface travel per step); give --dt <= {limit:.3g} or "
                    "leave it out for the automatic step."
                )

    @property
    def surface(self) -> Substrate:
        return self.substrate or Substrate.uniform(self.nx, 90.0, name=NEUTRAL)

    def max_stable_dt(self) -> float:
        """Largest stable step [s]: the explicit double well (dt L_sigma 2 W < 0.9), and at most
        a quarter cell of interface travel per step at ten times the mean current density (or
        at the flat-interface current of the imposed overpotential). The Laplacians are
        implicit; the anisotropic and counter terms stay below the implicit isotropic one and
        set no limit."""
        p = self.params
        lim = [0.45 / (p.interface_mobility_m3_J_s * p.barrier_J_m3)]  # explicit double well
        i = 10.0 * max(abs(self.current_density_A_m2), p.exchange_current_A_m2)
        if self.control == "potential":  # the flat-interface current at that overpotential
            a, eta = p.transfer_coefficient, min(60.0, p.f * abs(self.overpotential_V))
            i = p.exchange_current_A_m2 * (math.exp(max(a, 1 - a) * eta) + 1.0)
        speed = i / (FARADAY * p.li_site_density_mol_m3)
        lim.append(0.25 * self.dx_m / speed)
        return float(min(lim))

    def dt(self) -> float:
        """The time step used: ``dt_s``, or the accurate step: half the stability limit and
        dt L_sigma W <= 0.05 (the explicit double well biases the interface speed by about that
        fraction), at most 1 s."""
        if self.dt_s is not None:
            return float(self.dt_s)
        p = self.params
        accurate = 0.05 / (p.interface_mobility_m3_J_s * p.barrier_J_m3)
        return float(min(1.0, 0.5 * self.max_stable_dt(), accurate))

    @property
    def dt_used_s(self) -> float:
        return self.dt()

    @property
    def theta_deg(self) -> list[float]:
        """The contact angle of the first column [deg] (a one-item list)."""
        return [float(np.asarray(self.surface.theta_deg)[0])]

    def b_hom_V2(self) -> float:
        """16 pi gamma^3 Vm^2 / (3 F^2 kT): homogeneous CNT barrier / kT = this / eta^2."""
        p = self.params
        kt = BOLTZMANN * p.temperature_K
        return (
            16
            * math.pi
            * p.nucleus_energy_J_m2**3
            * p.molar_volume_m3_mol**2
            / (3 * FARADAY**2 * kt)
        )

    def key(self) -> str:
        """Content hash of everything that sets the result (cache and checkpoint key)."""
        d = dataclasses.asdict(self)
        s = self.surface
        d["substrate"] = {
            k: (np.asarray(v).tolist() if isinstance(v, np.ndarray) else v)
            for k, v in dataclasses.asdict(s).items()
        }
        blob = json.dumps(d, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:24]

    def conditions_text(self) -> str:
        return (
            f"{self.surface.describe()}, {self.current_density_A_m2 / 10:g} mA cm-2, "
            f"{self.time_s:g} s, grid {self.nx}x{self.nz} at {self.dx_m * 1e9:g} nm"
        )
