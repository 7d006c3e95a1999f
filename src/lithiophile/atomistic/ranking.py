"""Rank Li-binding results of a screen: relative to the reference site, model spread, DFT
calibration and a verdict for each host.

Units: eV.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lithiophile.atomistic.calibration import (
    REFERENCE_SITES,
    LinearCalibration,
    assess,
    model_spread,
    relative_to_reference,
)
from lithiophile.metrics import Metric

__all__ = ["RankedBinding", "rank_binding"]


@dataclass(frozen=True)
class RankedBinding:
    """One bind job in the ranking.

    Attributes
    ----------
    name, model, host, family, best_site
        The job, its model, the host's label and family, and the kind of its best site.
    binding_vs_bcc, binding_vs_atom
        The raw binding energies of the best site [eV] (Metric records).
    relative
        Relative to the family's reference site of the same cell and model (None without one),
        with the spread between models as its uncertainty where several ran.
    calibrated
        After the user's DFT calibration of this model (None without one).
    cached
        Read from the store rather than computed.
    spread_eV, by_model
        Half the range over models and each model's value, where several models ran (their
        disagreement is shown, not averaged away); None otherwise.
    verdict
        The judgement against the reference site, with the uncertainty.
    """

    name: str
    model: str
    host: str
    family: str
    best_site: str
    binding_vs_bcc: Metric
    binding_vs_atom: Metric
    relative: Metric | None
    calibrated: Metric | None
    cached: bool
    spread_eV: float | None = None
    by_model: dict[str, float] | None = None
    verdict: str = ""

    @property
    def value(self) -> Metric:
        """The figure the ranking orders by: relative where there is a reference, else raw."""
        return self.relative or self.binding_vs_bcc


def _base(name: str) -> str:
    return name.split("@", 1)[0]


def _cell_key(family: str, text: str) -> Any:
    """What a host and its reference must share: the same graphene supercell for carbons (the
    Li-Li image distance changes E_b), the same slab size in atoms for metals; any Cu(111)
    for oxides (no common cell exists)."""
    from lithiophile.atomistic.structio import text_to_atoms

    atoms = text_to_atoms(text)
    if family == "carbon":
        a, b = atoms.cell.lengths()[:2]
        return (round(float(a), 2), round(float(b), 2))
    if family == "metal":
        return len(atoms)
    return None


def rank_binding(
    rows: Sequence[Any], dft: Mapping[str, float] | None = None
) -> list[RankedBinding]:
    """One :class:`RankedBinding` per bind job, strongest relative binding first.

    Parameters
    ----------
    rows
        :class:`~lithiophile.atomistic.jobs.ScreenRow` objects (other tasks are skipped).
    dft
        User DFT binding energies vs bcc Li [eV] by job name (without ``@model``), for a
        :class:`LinearCalibration` per model (at least two names must be in the screen).
    """
    done = [r for r in rows if r.ok and r.job.task == "bind"]
    refs = _reference_values(done)
    calibrations = _calibrations(done, dft) if dft else {}
    out = _with_spreads([_row(r, refs, calibrations) for r in done])
    return sorted((_judged(d) for d in out), key=lambda d: d.value.value)


def _reference_values(done: Sequence[Any]) -> dict[tuple[str, str, Any], float]:
    """(family, model, cell) -> binding vs bcc Li of the family's reference host [eV]."""
    refs: dict[tuple[str, str, Any], float] = {}
    for r in done:
        for family, ref_name in REFERENCE_SITES.items():
            if r.result.host == ref_name and r.job.family in (family, "metal"):
                key = (family, r.job.model, _cell_key(family, r.result.host_structure))
                refs[key] = r.result.binding_vs_bcc.value
    return refs


def _calibrations(done: Sequence[Any], dft: Mapping[str, float]) -> dict[str, LinearCalibration]:
    """A linear calibration per model with at least two of the user's DFT values."""
    calibrations: dict[str, LinearCalibration] = {}
    for model in {r.job.model for r in done}:
        pairs = [
            (r.result.binding_vs_bcc.value, dft[_base(r.job.name)])
            for r in done
            if r.job.model == model and _base(r.job.name) in dft
        ]
        if len(pairs) >= 2:
            calibrations[model] = LinearCalibration.fit(*zip(*pairs, strict=True), model=model)
    return calibrations


def _row(
    r: Any,
    refs: dict[tuple[str, str, Any], float],
    calibrations: dict[str, LinearCalibration],
) -> RankedBinding:
    """The ranking row of one bind job (spread, by_model and verdict filled in later)."""
    result = r.result
    raw = result.binding_vs_bcc.value
    ref_host = REFERENCE_SITES.get(r.job.family)
    ref_val = refs.get((r.job.family, r.job.model, _cell_key(r.job.family, result.host_structure)))
    rel = (
        relative_to_reference(raw, ref_val, ref_host, model=r.job.model)
        if ref_val is not None and ref_host
        else None
    )
    cal = calibrations.get(r.job.model)
    return RankedBinding(
        name=r.job.name,
        model=r.job.model,
        host=result.host,
        family=r.job.family,
        best_site=result.best_site,
        binding_vs_bcc=result.binding_vs_bcc,
        binding_vs_atom=result.binding_vs_atom,
        relative=rel,
        calibrated=cal.apply(raw) if cal else None,
        cached=r.cached,
    )


def _with_spreads(rows: list[RankedBinding]) -> list[RankedBinding]:
    """Each model's value and their half-range on every job that several models ran."""
    by_base: dict[str, list[RankedBinding]] = {}
    for d in rows:
        by_base.setdefault(_base(d.name), []).append(d)
    out = []
    for d in rows:
        group = by_base[_base(d.name)]
        if len(group) > 1:
            vals = {g.model: g.value.value for g in group}
            _, spread = model_spread(vals)
            d = dataclasses.replace(d, spread_eV=spread, by_model=dict(vals))
        out.append(d)
    return out


def _judged(d: RankedBinding) -> RankedBinding:
    """The row with its verdict (relative to its family's reference site, with the spread)."""
    u = d.spread_eV
    if d.calibrated is not None and d.calibrated.uncertainty is not None:
        u = max(u or 0.0, d.calibrated.uncertainty)
    if d.relative is None:
        verdict = (
            "no reference site in the screen: add "
            f"{REFERENCE_SITES.get(d.family, 'a reference host')} of the same "
            "cell to judge this host (the raw sign is not a verdict)"
        )
        return dataclasses.replace(d, verdict=verdict)
    ref = REFERENCE_SITES[d.family]
    verdict = (
        "reference site" if d.host == ref else assess(d.relative.value, ref, u, family=d.family)
    )
    relative = d.relative
    if d.spread_eV is not None:
        relative = dataclasses.replace(relative, uncertainty=d.spread_eV)
    return dataclasses.replace(d, verdict=verdict, relative=relative)
