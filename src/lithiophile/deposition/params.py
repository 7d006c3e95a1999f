"""Model parameters of the phase-field deposition engine, in SI units, with their sources.

Values shared with the published parameter sets (Chen et al. 2015; Hong & Viswanathan 2018,
whose MOOSE input uses the same electrolyte conductivity 1.19 S m-1) are cited; the others are
chosen for this engine and say so in :data:`SOURCES`. Every field is validated on creation, so a
negative diffusivity or a transfer coefficient outside (0, 1) fails at once with a clear message.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from lithiophile import cite
from lithiophile.errors import InputError

__all__ = ["FARADAY", "GAS_CONSTANT", "SOURCES", "Parameters"]

#: Faraday constant [C mol-1] and gas constant [J mol-1 K-1] (CODATA 2018, exact).
FARADAY = 96485.33212
GAS_CONSTANT = 8.314462618
BOLTZMANN = 1.380649e-23

#: |u| = |F (phi_e - phi_s) / RT| (about 10 V) past which the engine stops a run: the charge
#: balance has no solution, the applied current cannot be carried (the electrolyte at the Li
#: surface is used up, Sand's time).
U_MAX = 400.0

cite.define(
    cite.Citation(
        "Chen2015JPS",
        "Chen, L.; Zhang, H. W.; Liang, L. Y.; Liu, Z.; Qi, Y.; Lu, P.; Chen, J.; Chen, L.-Q. "
        "Modulation of dendritic patterns during electrodeposition: a nonlinear phase-field "
        "model. J. Power Sources 2015, 300, 376-385.",
        doi="10.1016/j.jpowsour.2015.09.055",
    ),
    cite.Citation(
        "Hong2018ACSEL",
        "Hong, Z.; Viswanathan, V. Phase-field simulations of lithium dendrite growth with "
        "open-source software. ACS Energy Lett. 2018, 3, 1737-1743.",
        doi="10.1021/acsenergylett.8b01009",
    ),
    cite.Citation(
        "Valoen2005",
        "Valoen, L. O.; Reimers, J. N. Transport properties of LiPF6-based Li-ion battery "
        "electrolytes. J. Electrochem. Soc. 2005, 152, A882-A891 (t+ about 0.38).",
        doi="10.1149/1.1872737",
    ),
)

#: Where each default comes from.
SOURCES: dict[str, str] = {
    "diffusivity_m2_s": "Chen 2015 (Li+ in the electrolyte, 3.197e-10 m2 s-1)",
    "conductivity_S_m": "Chen 2015; Hong & Viswanathan 2018 (1.19 S m-1)",
    "concentration_mol_m3": "Chen 2015 (1 M bulk electrolyte)",
    "li_site_density_mol_m3": "Chen 2015 (7.64e4 mol m-3, molar density of Li metal)",
    "interface_mobility_m3_J_s": (
        "this engine: 3e-8 m3 J-1 s-1 (Chen 2015 use 2.5e-6 with another W and kappa): the "
        "profile relaxes in about 2 s, fast against its motion at a few mA cm-2 (it keeps its "
        "shape), slow enough for steps of 0.1 s; raise it for large overpotentials"
    ),
    "capillary_fraction": (
        "this engine: 1e-3 of the diffuse interface's curvature-driven motion kept (Sun & "
        "Beckermann counter term); 1 is the plain Chen 2015 model"
    ),
    "transfer_coefficient": "Chen 2015 (alpha = 0.5)",
    "anisotropy_mode": "Chen 2015 (four-fold)",
    "transference_number": "Valoen & Reimers 2005 (LiPF6 in carbonates, t+ ~ 0.38)",
    "exchange_current_A_m2": "this engine: 1 mA cm-2, a round value of the order measured for Li",
    "interface_energy_J_m2": "this engine: 0.5 J m-2, of the order of the Li surface energy",
    "interface_width_m": "this engine: numerical (diffuse-interface) width, 4 grid cells of 50 nm",
    "anisotropy_strength": "this engine: 0.05",
    "double_layer_F_m2": "this engine: 20 uF cm-2, a usual double-layer capacitance",
    "nucleus_energy_J_m2": "this engine: effective nucleus energy setting eta_nuc in 10-100 mV",
    "nucleation_prefactor_m2_s": "this engine: CNT prefactor",
    "conduction_floor": (
        "this engine: 1, the ionic current may cross the Li region (its ohmic drop over a few "
        "um is far below RT/F at these currents), which keeps the potential solve to a few "
        "preconditioned CG iterations; set 0.05 for a Li region nearly closed to it"
    ),
    "diffusion_floor": (
        "this engine: 1, the salt diffuses across the Li region as in the electrolyte (the Li "
        "then holds salt, a small reservoir); a lower value closes the Li half of the diffuse "
        "interface too, whose cells then run out of salt long before the electrolyte does "
        "(1-D Sand's time at 0.40 of the formula with 0.01)"
    ),
}

_POSITIVE = (
    "temperature_K",
    "interface_energy_J_m2",
    "interface_width_m",
    "interface_mobility_m3_J_s",
    "exchange_current_A_m2",
    "diffusivity_m2_s",
    "conductivity_S_m",
    "concentration_mol_m3",
    "li_site_density_mol_m3",
    "double_layer_F_m2",
    "nucleus_energy_J_m2",
    "nucleation_prefactor_m2_s",
    "conduction_floor",
    "diffusion_floor",
)


@dataclass(frozen=True)
class Parameters:
    """Physical parameters [SI]. See :data:`SOURCES` for the origin of each default.

    Attributes
    ----------
    interface_energy_J_m2, interface_width_m
        Li|electrolyte interface energy sigma and the tanh width w of the diffuse interface;
        they fix the double-well height W = 6 sigma / w and the gradient coefficient
        kappa = 3 sigma w (profile xi = (1 - tanh(x / w)) / 2).
    interface_mobility_m3_J_s
        Allen-Cahn mobility L_sigma.
    capillary_fraction
        Fraction of the curvature-driven motion of the diffuse interface that is kept.
    exchange_current_A_m2
        Exchange current density i0 of Li|electrolyte; the reaction constant L_eta follows
        from it so that a flat interface passes i0 (exp((1-a) f eta) - c/c0 exp(-a f eta)).
    transference_number
        Li+ transference number t+ of the binary electrolyte (Sand's time uses 1 - t+).
    noise_amplitude
        Thermal (Langevin) noise on the phase field [s-1/2], localised at the interface.
    conduction_floor, diffusion_floor
        Fraction of the electrolyte conductivity and salt diffusivity kept inside Li.
    """

    temperature_K: float = 298.15
    interface_energy_J_m2: float = 0.5
    interface_width_m: float = 2.0e-7
    interface_mobility_m3_J_s: float = 3.0e-8
    exchange_current_A_m2: float = 10.0
    transfer_coefficient: float = 0.5
    diffusivity_m2_s: float = 3.197e-10
    conductivity_S_m: float = 1.19
    concentration_mol_m3: float = 1000.0
    li_site_density_mol_m3: float = 7.64e4
    transference_number: float = 0.38
    anisotropy_strength: float = 0.05
    capillary_fraction: float = 1.0e-3
    anisotropy_mode: int = 4
    noise_amplitude: float = 0.0
    double_layer_F_m2: float = 0.2
    nucleus_energy_J_m2: float = 0.1
    nucleation_prefactor_m2_s: float = 1.0e20
    conduction_floor: float = 1.0
    diffusion_floor: float = 1.0

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, int | float) or not math.isfinite(v):
                raise InputError(f"Parameters '{f.name}' must be a finite number. Got {v!r}.")
        for name in _POSITIVE:
            if getattr(self, name) <= 0:
                raise InputError(
                    f"Parameters '{name}' must be positive. Got {getattr(self, name)!r}; "
                    f"the default is {_DEFAULTS[name]!r} ({SOURCES.get(name, 'see docs')})."
                )
        if not 0.0 < self.transfer_coefficient < 1.0:
            raise InputError(
                "Parameters 'transfer_coefficient' must lie strictly between 0 and 1 (0.5 is "
                f"symmetric). Got {self.transfer_coefficient!r}."
            )
        if not 0.0 <= self.transference_number < 1.0:
            raise InputError(
                "Parameters 'transference_number' must be in [0, 1) (t+ = 1 is a single-ion "
                f"conductor, which never depletes). Got {self.transference_number!r}."
            )
        if not 0.0 <= self.capillary_fraction <= 1.0:
            raise InputError(
                "Parameters 'capillary_fraction' must be in [0, 1] (1 = plain Allen-Cahn). "
                f"Got {self.capillary_fraction!r}."
            )
        if self.conduction_floor > 1 or self.diffusion_floor > 1:
            raise InputError(
                "Parameters 'conduction_floor' and 'diffusion_floor' are fractions in (0, 1]. "
                f"Got {self.conduction_floor!r} and {self.diffusion_floor!r}."
            )
        if self.noise_amplitude < 0 or not 0 <= self.anisotropy_strength < 1 / 15:
            raise InputError(
                "Parameters 'noise_amplitude' must be >= 0 and 'anisotropy_strength' in "
                "[0, 1/15) (above 1/15 the four-fold stiffness turns negative). Got "
                f"{self.noise_amplitude!r} and {self.anisotropy_strength!r}."
            )

    # derived quantities ------------------------------------------------------------
    @property
    def f(self) -> float:
        """F / (R T) [V-1]."""
        return FARADAY / (GAS_CONSTANT * self.temperature_K)

    @property
    def barrier_J_m3(self) -> float:
        """Double-well height W = 6 sigma / w [J m-3] of g(xi) = W xi^2 (1 - xi)^2."""
        return 6.0 * self.interface_energy_J_m2 / self.interface_width_m

    @property
    def gradient_J_m(self) -> float:
        """Gradient-energy coefficient kappa = 3 sigma w [J m-1]."""
        return 3.0 * self.interface_energy_J_m2 * self.interface_width_m

    @property
    def reaction_length_m(self) -> float:
        """3 w [m]: a flat interface that keeps its equilibrium profile moves at
        v = 3 w L_eta B (multiply the Allen-Cahn equation by xi' and integrate: the reaction
        gives L_eta B [h], the profile int xi'^2 dx = 1 / (3 w))."""
        return 3.0 * self.interface_width_m

    @property
    def reaction_constant_s(self) -> float:
        """L_eta [s-1] that makes a flat interface pass the exchange current i0."""
        return self.exchange_current_A_m2 / (
            FARADAY * self.li_site_density_mol_m3 * self.reaction_length_m
        )

    @property
    def molar_volume_m3_mol(self) -> float:
        return 1.0 / self.li_site_density_mol_m3

    def sand_time_s(self, current_density_A_m2: float) -> float:
        """Sand's time of a binary electrolyte [s]: pi D (c0 F)^2 / (4 (i (1 - t+))^2).

        The anion-transference form used by Bai et al. (Energy Environ. Sci. 2016, 9, 3221)
        with D the ambipolar salt diffusivity.
        """
        i = abs(current_density_A_m2)
        if i == 0:
            return math.inf
        cite.register("Bai2016EES")
        ta = 1.0 - self.transference_number
        return (
            math.pi
            * self.diffusivity_m2_s
            * (self.concentration_mol_m3 * FARADAY) ** 2
            / (4.0 * (i * ta) ** 2)
        )

    def limiting_current_A_m2(self, height_m: float) -> float:
        """Limiting current of a cell of height L, counter electrode at the top [A m-2]:
        2 D c0 F / ((1 - t+) L), where the steady linear salt profile reaches c = 0 at the
        plating surface (Bai et al., Energy Environ. Sci. 2016, 9, 3221)."""
        ta = 1.0 - self.transference_number
        return 2.0 * self.diffusivity_m2_s * self.concentration_mol_m3 * FARADAY / (ta * height_m)

    def replace(self, **changes: Any) -> Parameters:
        """A copy with some fields changed (validated again)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise InputError(
                f"unknown deposition parameter(s) {sorted(unknown)}; known: "
                f"{sorted(f.name for f in dataclasses.fields(self))}."
            )
        return dataclasses.replace(self, **changes)


_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Parameters)}

cite.define(
    cite.Citation(
        "Bai2016EES",
        "Bai, P.; Li, J.; Brushett, F. R.; Bazant, M. Z. Transition of lithium growth mechanisms "
        "in liquid electrolytes. Energy Environ. Sci. 2016, 9, 3221-3229.",
        doi="10.1039/C6EE01674J",
    ),
)
