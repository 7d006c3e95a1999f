"""Rank Li-binding results of a screen: relative to the reference site, model spread, DFT
calibration and a verdict for each host.

Units: eV.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lithiophile.atomistic.calibration import (
    REFERENCE_SITES,
    LinearCalibration,
    assess,
    model_spread,
    relative_to_reference,
)

__all__ = ["rank_binding"]


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
) -> list[dict[str, Any]]:
    """One JSON-able dict per bind job, strongest relative binding first.

    Parameters
    ----------
    rows
        :class:`~lithiophile.atomistic.jobs.ScreenRow` objects (other tasks are skipped).
    dft
        User DFT binding energies vs bcc Li [eV] by job name (without ``@model``), for a
        :class:`LinearCalibration` per model (at least two names must be in the screen).

    Returns
    -------
    list of dict
        ``name``, ``model``, ``host``, ``best_site``, ``binding_vs_bcc``, ``binding_vs_atom``
        (Metric dicts), ``relative`` (Metric dict or None), ``calibrated`` (Metric dict or None),
        ``spread_eV`` (half-range over models, or None), ``by_model`` (each model's value where
        several ran, so their disagreement shows), ``verdict``.
    """
    done = [r for r in rows if r.ok and r.job.task == "bind"]
    refs = _reference_values(done)
    calibrations = _calibrations(done, dft) if dft else {}
    out = [_row(r, refs, calibrations) for r in done]
    _add_spreads(out)
    for d in out:
        _judge(d)
    out.sort(key=lambda d: (d["relative"] or d["binding_vs_bcc"])["value"])
    return out


def _reference_values(done: Sequence[Any]) -> dict[tuple[str, str, Any], float]:
    """(family, model, cell) -> binding vs bcc Li of the family's reference host [eV]."""
    refs: dict[tuple[str, str, Any], float] = {}
    for r in done:
        for family, ref_name in REFERENCE_SITES.items():
            if r.result["host"] == ref_name and r.job.family in (family, "metal"):
                key = (family, r.job.model, _cell_key(family, r.result["host_structure"]))
                refs[key] = r.result["binding_vs_bcc"]["value"]
    return refs


def _calibrations(done: Sequence[Any], dft: Mapping[str, float]) -> dict[str, LinearCalibration]:
    """A linear calibration per model with at least two of the user's DFT values."""
    calibrations: dict[str, LinearCalibration] = {}
    for model in {r.job.model for r in done}:
        pairs = [
            (r.result["binding_vs_bcc"]["value"], dft[_base(r.job.name)])
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
) -> dict[str, Any]:
    """The ranking dict of one bind job (spread, by_model and verdict filled in later)."""
    raw = r.result["binding_vs_bcc"]["value"]
    ref_host = REFERENCE_SITES.get(r.job.family)
    ref_val = refs.get(
        (r.job.family, r.job.model, _cell_key(r.job.family, r.result["host_structure"]))
    )
    rel = (
        relative_to_reference(raw, ref_val, ref_host, model=r.job.model)
        if ref_val is not None and ref_host
        else None
    )
    cal = calibrations.get(r.job.model)
    return {
        "name": r.job.name,
        "model": r.job.model,
        "host": r.result["host"],
        "family": r.job.family,
        "best_site": r.result["best_site"],
        "binding_vs_bcc": r.result["binding_vs_bcc"],
        "binding_vs_atom": r.result["binding_vs_atom"],
        "relative": rel.as_dict() if rel else None,
        "calibrated": cal.apply(raw).as_dict() if cal else None,
        "cached": r.cached,
        "spread_eV": None,
        "by_model": None,
        "verdict": "",
    }


def _add_spreads(out: list[dict[str, Any]]) -> None:
    """Each model's value and their half-range on every job that several models ran."""
    by_base: dict[str, list[dict[str, Any]]] = {}
    for d in out:
        by_base.setdefault(_base(d["name"]), []).append(d)
    for group in by_base.values():
        if len(group) > 1:
            vals = {d["model"]: (d["relative"] or d["binding_vs_bcc"])["value"] for d in group}
            _, spread = model_spread(vals)
            for d in group:
                d["spread_eV"] = spread
                d["by_model"] = dict(vals)  # each model's value: the disagreement is shown


def _judge(d: dict[str, Any]) -> None:
    """The verdict of one row (relative to its family's reference site, with the spread)."""
    from lithiophile.metrics import Metric

    u = d["spread_eV"]
    if d["calibrated"] and d["calibrated"]["uncertainty"] is not None:
        u = max(u or 0.0, d["calibrated"]["uncertainty"])
    if d["relative"] is None:
        d["verdict"] = (
            "no reference site in the screen: add "
            f"{REFERENCE_SITES.get(d['family'], 'a reference host')} of the same "
            "cell to judge this host (the raw sign is not a verdict)"
        )
        return
    ref = REFERENCE_SITES[d["family"]]
    d["verdict"] = (
        "reference site"
        if d["host"] == ref
        else assess(d["relative"]["value"], ref, u, family=d["family"])
    )
    if d["spread_eV"] is not None:
        d["relative"] = Metric.from_dict({**d["relative"], "uncertainty": d["spread_eV"]}).as_dict()
