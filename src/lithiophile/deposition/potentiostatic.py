"""Potentiostatic nucleation sweep: nucleus density and size at held overpotentials, on a surface
of candidate sites much denser than the nuclei, reported against classical nucleation (Pei et
al. 2017: size ~ 1/eta, density ~ eta^3). A report, not a pass mark.

The phase field cannot answer this: its nuclei are planted caps of a few grid cells, at most
one per candidate spacing (hundreds of nm), and under a galvanostatic current the nucleation
overpotential moves only logarithmically (see :func:`~lithiophile.deposition.compare.
nucleation_scaling`). Here the substrate is held at a fixed overpotential eta for a fixed time on
a square lattice of candidate sites (periodic). Each free site activates at the classical
heterogeneous rate per area J0 exp(-f(theta) dG*_hom(eta) / kT) (the engine's rate and
mapping: f(theta) = (2 + cos)(1 - cos)^2 / 4 from the contact angle, Turnbull 1950;
dG*_hom / kT = 16 pi gamma^3 Vm^2 / (3 F^2 kT eta^2)), divided over the sites. A nucleus is
born at the critical radius r* = 2 gamma Vm / (F eta) and grows as a hemisphere at the flat
Butler-Volmer speed v = i0 Vm / F (exp((1 - a) f eta) - exp(-a f eta)) (kinetic control, no
depletion); a site under a grown nucleus can no longer nucleate.

References
----------
Pei, A. et al., Nano Lett. 2017, 17, 1132 (r* = 2 gamma Vm / (F eta); size ~ 1/eta,
density ~ eta^3); Turnbull, J. Chem. Phys. 1950, 18, 198 (f(theta)); Chen et al.,
J. Power Sources 2015, 300, 376 (Butler-Volmer kinetics of the engine).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from lithiophile import cite
from lithiophile.deposition.params import FARADAY, Parameters
from lithiophile.deposition.substrate import check_angle
from lithiophile.errors import InputError

__all__ = [
    "Hold",
    "PotentiostaticScaling",
    "PowerLaw",
    "SiteModel",
    "fit_power_law",
    "hold",
    "potentiostatic_scaling",
]

cite.define(
    cite.Citation(
        "Pei2017",
        "Pei, A.; Zheng, G.; Shi, F.; Li, Y.; Cui, Y. Nanoscale nucleation and growth of "
        "electrodeposited lithium metal. Nano Lett. 2017, 17, 1132-1139.",
        doi="10.1021/acs.nanolett.6b04755",
    ),
)

#: The classical-nucleation exponents of Pei et al. 2017.
PEI = {"density_exponent": 3.0, "size_exponent": -1.0}
#: A row is ``saturated`` once this fraction of the candidate sites nucleated (the count then
#: falls >= 5 % below the rate law: candidates, not the rate, decide it).
SATURATED_SITE_FRACTION = 0.1
#: A row is ``coalesced`` once this fraction of the surface lies under nuclei (Avrami estimate
#: 1 - exp(-sum pi r^2 / A)): about where the mean nearest-neighbour gap of random nuclei,
#: 1 / (2 sqrt(N)), falls to a nucleus diameter.
COALESCED_COVERAGE = 0.2
#: Fewer nuclei than this (Poisson error > 30 %) and a row is ``too_few`` to fit.
MIN_NUCLEI = 10
#: Default held overpotentials [V]: 25-150 mV, a factor 6.
ETAS_V = (*(round(0.025 * 1.2**k, 5) for k in range(10)), 0.15)


@dataclass(frozen=True)
class SiteModel:
    """The surface and the hold.

    Attributes
    ----------
    params
        Engine parameters: nucleus_energy_J_m2 (gamma), nucleation_prefactor_m2_s (J0),
        exchange_current_A_m2, transfer_coefficient, temperature_K, li_site_density_mol_m3.
    theta_deg
        Contact angle of Li on the substrate (sets f(theta)).
    site_spacing_m, sites_per_side
        Square lattice of candidate sites (periodic); 2 nm and 500: 2.5e5 sites per um2.
    time_s, steps
        The hold (fixed, short) and its time steps.
    seed
        Random seed.
    """

    params: Parameters = field(default_factory=Parameters)
    theta_deg: float = 45.0
    site_spacing_m: float = 2.0e-9
    sites_per_side: int = 500
    time_s: float = 2.0e-3
    steps: int = 40
    seed: int = 0

    def __post_init__(self) -> None:
        check_angle(self.theta_deg, "theta_deg")
        for name in ("site_spacing_m", "time_s"):
            v = getattr(self, name)
            if not isinstance(v, int | float) or not math.isfinite(v) or v <= 0:
                raise InputError(f"SiteModel '{name}' must be a positive number. Got {v!r}.")
        for name in ("sites_per_side", "steps"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise InputError(f"SiteModel '{name}' must be a positive integer. Got {v!r}.")

    @property
    def area_m2(self) -> float:
        return float((self.sites_per_side * self.site_spacing_m) ** 2)

    def barrier_kT(self, eta_V: float) -> float:
        """f(theta) dG*_hom / kT at the overpotential eta (the engine's b_hom / eta^2)."""
        from lithiophile.deposition.setup import Setup
        from lithiophile.wetting import nucleation_barrier_factor

        b_hom = Setup(params=self.params).b_hom_V2()
        return nucleation_barrier_factor(self.theta_deg) * b_hom / eta_V**2

    def critical_radius_m(self, eta_V: float) -> float:
        """r* = 2 gamma Vm / (F eta) (Pei et al. 2017)."""
        p = self.params
        return 2.0 * p.nucleus_energy_J_m2 * p.molar_volume_m3_mol / (FARADAY * eta_V)

    def growth_speed_m_s(self, eta_V: float) -> float:
        """Radial speed of a hemispherical nucleus under Butler-Volmer kinetics, c = c0."""
        p = self.params
        a, x = p.transfer_coefficient, p.f * eta_V
        i = p.exchange_current_A_m2 * (math.exp((1 - a) * x) - math.exp(-a * x))
        return i * p.molar_volume_m3_mol / FARADAY


@dataclass(frozen=True)
class Hold:
    """One potentiostatic hold: the nuclei it left and whether the fit may use it.

    Attributes
    ----------
    eta_V
        The overpotential held [V].
    nuclei, nuclei_per_um2
        Nuclei born in the hold, and per square micrometre of surface.
    mean_radius_nm
        Their mean radius at the end of the hold [nm] (None without nuclei).
    critical_radius_nm
        r* at this overpotential [nm].
    coverage
        Fraction of the surface covered (Avrami: 1 - exp(-sum of nucleus areas / area)).
    saturated, coalesced, too_few
        Every candidate site fired (:data:`SATURATED_SITE_FRACTION`), the nuclei merged
        (:data:`COALESCED_COVERAGE`), or fewer than :data:`MIN_NUCLEI` were born: such a row
        says nothing about the scaling and is left out of the fit.
    """

    eta_V: float
    nuclei: int
    nuclei_per_um2: float
    mean_radius_nm: float | None
    critical_radius_nm: float
    coverage: float
    saturated: bool
    coalesced: bool
    too_few: bool

    @property
    def usable(self) -> bool:
        return not (self.saturated or self.coalesced or self.too_few)


@dataclass(frozen=True)
class PowerLaw:
    """A log-log slope with its standard error (None below three points) over ``rows``."""

    exponent: float | None
    stderr: float | None
    rows: int


@dataclass(frozen=True)
class PotentiostaticScaling:
    """Nucleus density and size against the held overpotential, fitted as power laws beside
    Pei et al.'s exponents (``classical``); ``note`` says what the fit can and cannot show."""

    rows: tuple[Hold, ...]
    density: PowerLaw
    size: PowerLaw
    fit_eta_span: float | None
    classical: dict[str, float]
    conditions: str
    note: str


def hold(model: SiteModel, eta_V: float) -> Hold:
    """Hold the surface at ``eta_V`` (> 0, cathodic) for ``model.time_s``; one table row."""
    if not isinstance(eta_V, int | float) or not math.isfinite(eta_V) or eta_V <= 0:
        raise InputError(f"overpotential 'eta_V' must be a positive number [V]. Got {eta_V!r}.")
    n, a = model.sites_per_side, model.site_spacing_m
    rate = model.params.nucleation_prefactor_m2_s * a * a * math.exp(-model.barrier_kT(eta_V))
    dt = model.time_s / model.steps
    p_fire = -math.expm1(-rate * dt)
    r0, v = model.critical_radius_m(eta_V), model.growth_speed_m_s(eta_V)
    rng = np.random.default_rng(model.seed)
    # g = min over nuclei of (distance + v t_birth - r*): a site is covered at t when g < v t
    g = np.full((n, n), np.inf)
    done = np.zeros((n, n), dtype=bool)
    births: list[np.ndarray] = []
    reach = _offsets(r0 + v * model.time_s, a)
    for k in range(model.steps):
        fire = ~done & (g >= v * k * dt) & (rng.random((n, n)) < p_fire)
        ix, iy = np.nonzero(fire)
        if ix.size == 0:
            continue
        tb = (k + 0.5) * dt
        done |= fire
        births.append(np.full(ix.size, tb))
        for dx, dy, d in reach:
            np.minimum.at(g, ((ix + dx) % n, (iy + dy) % n), d + v * tb - r0)
    tb_all = np.concatenate(births) if births else np.array([])
    radii = r0 + v * (model.time_s - tb_all)
    area_um2 = model.area_m2 * 1e12
    cover = -math.expm1(-float(np.sum(math.pi * radii**2)) / model.area_m2)
    count = int(tb_all.size)
    return Hold(
        eta_V=float(eta_V),
        nuclei=count,
        nuclei_per_um2=count / area_um2,
        mean_radius_nm=float(radii.mean() * 1e9) if count else None,
        critical_radius_nm=r0 * 1e9,
        coverage=cover,
        saturated=bool(count >= SATURATED_SITE_FRACTION * n * n),
        coalesced=bool(cover >= COALESCED_COVERAGE),
        too_few=bool(count < MIN_NUCLEI),
    )


def _offsets(radius_m: float, a: float) -> list[tuple[int, int, float]]:
    """Lattice offsets within ``radius_m`` of a site, with their distances [m]."""
    m = math.ceil(radius_m / a)
    return [
        (dx, dy, a * math.hypot(dx, dy))
        for dx in range(-m, m + 1)
        for dy in range(-m, m + 1)
        if a * math.hypot(dx, dy) <= radius_m
    ]


def fit_power_law(x: np.ndarray, y: np.ndarray) -> PowerLaw:
    """Least-squares slope of ln y against ln x with its standard error (None below three
    points, where the scatter cannot be estimated); ``rows`` the points used."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    n = int(x.size)
    if n < 2 or np.ptp(np.log(x)) < 1e-12:
        return PowerLaw(None, None, n)
    lx, ly = np.log(x), np.log(y)
    sxx = float(np.sum((lx - lx.mean()) ** 2))
    slope = float(np.sum((lx - lx.mean()) * (ly - ly.mean())) / sxx)
    if n < 3:
        return PowerLaw(slope, None, n)
    resid = ly - (ly.mean() + slope * (lx - lx.mean()))
    stderr = math.sqrt(float(np.sum(resid**2)) / (n - 2) / sxx)
    return PowerLaw(slope, stderr, n)


def potentiostatic_scaling(
    etas_V: tuple[float, ...] = ETAS_V, model: SiteModel | None = None
) -> PotentiostaticScaling:
    """Hold each overpotential, then fit density and mean nucleus radius against eta in log-log
    over the rows that are neither saturated, coalesced nor too few; each exponent with its
    standard error beside Pei's (3 and -1). Exponents are None, with the reason, where fewer
    than two rows remain."""
    m = model or SiteModel()
    cite.register("Pei2017")
    rows = [hold(m, float(e)) for e in etas_V]
    use = [r for r in rows if r.usable]
    eta = np.array([r.eta_V for r in use])
    dens = fit_power_law(eta, np.array([r.nuclei_per_um2 for r in use]))
    size = fit_power_law(eta, np.array([r.mean_radius_nm for r in use]))
    span = float(eta.max() / eta.min()) if eta.size else None
    growth = max(((r.mean_radius_nm or 0.0) / r.critical_radius_nm - 1 for r in use), default=0.0)
    return PotentiostaticScaling(
        rows=tuple(rows),
        density=dens,
        size=size,
        fit_eta_span=span,
        classical=dict(PEI),
        conditions=f"potentiostatic hold {m.time_s:g} s, theta {m.theta_deg:g} deg, "
        f"{m.sites_per_side**2} candidate sites {m.site_spacing_m * 1e9:g} nm apart",
        note=_note(dens, span, growth),
    )


def _note(dens: PowerLaw, span: float | None, growth: float) -> str:
    if dens.exponent is None:
        return (
            "exponents unknown: fewer than two rows are neither saturated, coalesced nor too few "
            "(change the hold time or the site lattice)"
        )
    out = [f"fitted over eta spanning a factor {span:.2f}"]
    out.append(
        "classical nucleation at a fixed time gives density ~ exp(-A / eta^2), not a power law: "
        "the exponent is an average of a local slope 2 A / eta^2 that falls with eta"
    )
    if growth < 0.05:
        out.append(
            f"the nuclei grew at most {growth:.1%} beyond r* in the hold, so the size exponent "
            "restates r* ~ 1/eta (an input of the model, not a result)"
        )
    return "; ".join(out)
