"""Li binding energy on a host: several starting sites, each relaxed, the lowest kept.

E_b = E(host+Li) - E(host) - mu_Li, with mu_Li the energy per atom of relaxed bcc Li computed
with the same model; also reported against the isolated Li atom (METHODS.md "Atomistic"). A
negative E_b vs bcc Li means the site holds Li more strongly than Li metal holds itself *in
this model*: raw values of the universal potentials over-bind Li on carbon (CHGNet by about
1 eV, SevenNet-0 by about 0.5 eV on pristine graphene), so compare sites through
:mod:`lithiophile.atomistic.calibration`, never by the raw sign.

Units: eV, Angstrom.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lithiophile.errors import CalculationFailed
from lithiophile.metrics import Metric
from lithiophile.store import JsonFields

__all__ = [
    "DEFINITION_ATOM",
    "DEFINITION_BCC",
    "METAL_NOTE",
    "BindingResult",
    "SiteResult",
    "li_binding",
]

DEFINITION_BCC = (
    "E_b = E(host+Li) - E(host) - mu_Li, mu_Li = energy per atom of relaxed bcc Li with the "
    "same model (METHODS.md Atomistic)"
)
DEFINITION_ATOM = "E_b = E(host+Li) - E(host) - E(isolated Li atom), same model"
RAW_NOTE = (
    "raw machine-learned-potential value: compare relative to a reference site or "
    "after calibration, not by its sign"
)
METAL_NOTE = (
    "on a metal, lithiophilicity is decided by alloying (whether the metal forms compounds or "
    "solid solutions with Li), not by the binding of one Li adatom; this E_b is a surface "
    "descriptor only"
)


@dataclass(frozen=True)
class SiteResult(JsonFields):
    """One starting site after relaxation.

    ``energy_eV`` and the binding energies are None when the relaxation did not converge.
    """

    kind: str
    start: tuple[float, float, float]
    converged: bool
    max_force_eV_A: float
    steps: int
    final: tuple[float, float, float]
    energy_eV: float | None = None
    binding_vs_bcc_eV: float | None = None
    binding_vs_atom_eV: float | None = None
    structure: str = field(default="", repr=False)  # relaxed host+Li, extxyz text

    def describe(self) -> str:
        if not self.converged:
            return (
                f"{self.kind}: NOT converged after {self.steps} steps, last max force "
                f"{self.max_force_eV_A:.3f} eV/A (no result)"
            )
        return f"{self.kind}: E_b {self.binding_vs_bcc_eV:+.3f} eV vs bcc Li"


@dataclass(frozen=True)
class BindingResult(JsonFields):
    """Li binding on one host with one model: every site, the lowest one, and its Metrics."""

    host: str
    family: str
    model: str
    sites: tuple[SiteResult, ...]
    host_energy_eV: float
    mu_li_eV: float
    li_atom_eV: float
    host_structure: str = field(default="", repr=False)

    PAYLOAD_EXTRA = ("best_site", "binding_vs_bcc", "binding_vs_atom")

    @property
    def best(self) -> SiteResult:
        """The converged site of lowest energy."""
        done = [s for s in self.sites if s.converged]
        return min(done, key=lambda s: s.energy_eV or 0.0)

    def _notes(self) -> tuple[str, ...]:
        notes = [RAW_NOTE]
        if self.family == "metal":
            notes.append(METAL_NOTE)
        failed = [s.describe() for s in self.sites if not s.converged]
        return tuple(notes + failed)

    @property
    def binding_vs_bcc(self) -> Metric:
        """E_b of the best site vs bcc Li [eV] (variant ``"vs bcc Li"``)."""
        return Metric(
            "binding_energy",
            float(self.best.binding_vs_bcc_eV or 0.0),
            definition=DEFINITION_BCC,
            variant="vs bcc Li",
            source=self.model,
            notes=self._notes(),
        )

    @property
    def binding_vs_atom(self) -> Metric:
        """E_b of the best site vs the isolated Li atom [eV] (variant ``"vs isolated atom"``)."""
        return Metric(
            "binding_energy",
            float(self.best.binding_vs_atom_eV or 0.0),
            definition=DEFINITION_ATOM,
            variant="vs isolated Li atom",
            source=self.model,
            notes=self._notes(),
        )

    @property
    def best_site(self) -> str:
        """Kind of the best site (``"hollow"`` ...)."""
        return self.best.kind


def host_label(atoms: Any) -> str:
    """``"graphene pyridinic-N3"``, ``"Cu(111)"`` or the formula."""
    info = atoms.info
    if "motif" in info:
        return f"graphene {info['motif']}"
    if "substrate" in info:
        return f"{info['substrate']}{info.get('facet', '')}"
    return atoms.get_chemical_formula()


def li_binding(
    host: Any,
    model: Any = "chgnet",
    *,
    sites: tuple[str, ...] | None = None,
    fmax: float = 0.05,
    steps: int = 200,
    optimizer: str = "BFGS",
    relax_host: bool = True,
) -> BindingResult:
    """Li binding energy on ``host`` from several relaxed starting sites.

    Parameters
    ----------
    host
        ``ase.Atoms`` of a slab or sheet (surface normal along z), e.g. from
        :func:`~lithiophile.atomistic.graphene` or :func:`~lithiophile.atomistic.metal_slab`.
    model
        ``"chgnet"`` (default), ``"sevennet"`` or an ASE calculator.
    sites
        Site kinds to start from (``"top"``, ``"bridge"``, ``"hollow"``, ``"vacancy"``);
        default all that exist on the host.
    fmax, steps, optimizer
        Relaxation threshold [eV/A], step limit and optimizer (``"BFGS"`` or ``"FIRE"``).
    relax_host
        Relax the bare host first (needed for unrelaxed defects).

    Returns
    -------
    BindingResult
        All sites (non-converged ones flagged, without energies) and the lowest converged.

    Raises
    ------
    CalculationFailed
        The host, or every site, did not converge within ``steps``.

    References
    ----------
    METHODS.md "Atomistic"; models: Deng et al. 2023 (CHGNet), Park et al. 2024 (SevenNet-0).
    """
    from lithiophile.atomistic.models import check_elements, get_calculator, model_label
    from lithiophile.atomistic.references import li_references
    from lithiophile.atomistic.sites import li_sites
    from lithiophile.atomistic.structio import atoms_to_text, check_structure

    name = host_label(host)
    check_structure(host, name=f"the host {name}")
    check_elements(host, model)
    li_sites(host, sites)  # refuse unknown or absent site kinds before any calculation
    refs = li_references(model)
    calc = get_calculator(model, stress=False)
    kw: dict[str, Any] = {"fmax": fmax, "steps": steps, "optimizer": optimizer}
    relaxed_host, e_host = _host_energy(host, calc, name, relax_host, kw)
    results = [
        _site_result(relaxed_host, site, calc, e_host, refs, kw)
        for site in li_sites(relaxed_host, sites)
    ]
    if not any(r.converged for r in results):
        detail = "; ".join(r.describe() for r in results)
        raise CalculationFailed(
            f"no Li site on {name} converged ({detail}); raise 'steps' or loosen 'fmax'."
        )
    return BindingResult(
        name,
        str(host.info.get("host_family", "other")),
        model_label(model),
        tuple(results),
        e_host,
        refs.mu_bcc_eV,
        refs.atom_eV,
        atoms_to_text(relaxed_host),
    )


def _host_energy(
    host: Any, calc: Any, name: str, relax_host: bool, kw: dict[str, Any]
) -> tuple[Any, float]:
    """The (relaxed) bare host and its energy [eV]."""
    from lithiophile.atomistic.relax import relax

    if relax_host:
        host_res = relax(host, calc, **kw).require(f"the bare host {name}")
        return host_res.atoms, host_res.energy_eV
    relaxed_host = host.copy()
    relaxed_host.calc = calc
    e_host = float(relaxed_host.get_potential_energy())
    relaxed_host.calc = None
    return relaxed_host, e_host


def _site_result(
    relaxed_host: Any, site: Any, calc: Any, e_host: float, refs: Any, kw: dict[str, Any]
) -> SiteResult:
    """One Li start site relaxed on the host: converged with its binding energies, or flagged."""
    from lithiophile.atomistic.relax import relax
    from lithiophile.atomistic.structio import atoms_to_text

    trial = relaxed_host.copy()
    trial.append("Li")
    trial.positions[-1] = site.position
    res = relax(trial, calc, **kw)
    x, y, z = (float(v) for v in res.atoms.positions[-1])
    final = (x, y, z)
    if not res.converged:
        return SiteResult(
            site.kind,
            site.position,
            False,
            res.max_force_eV_A,
            res.steps,
            final,
            structure=atoms_to_text(res.atoms),
        )
    e = res.energy_eV
    return SiteResult(
        site.kind,
        site.position,
        True,
        res.max_force_eV_A,
        res.steps,
        final,
        e,
        e - e_host - refs.mu_bcc_eV,
        e - e_host - refs.atom_eV,
        atoms_to_text(res.atoms),
    )
