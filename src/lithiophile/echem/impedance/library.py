"""Circuits used for Li-metal interfaces, and the resistance that counts as interfacial.

======================  ===============================  =======================================
name                    circuit                          meaning
======================  ===============================  =======================================
``one-arc``             ``R0-p(R1,CPE1)``                bulk/electrolyte + one interfacial arc
``one-arc-warburg``     ``R0-p(R1,CPE1)-W1``             ... with a diffusion tail
``two-arc``             ``R0-p(R1,CPE1)-p(R2,CPE2)``     bulk + SEI (R1) + charge transfer (R2)
``two-arc-warburg``     ``R0-p(R1,CPE1)-p(R2,CPE2)-W1``  ... with a diffusion tail
``randles``             ``R0-p(CPE1,R1-W1)``             Randles cell, diffusion behind R_ct
======================  ===============================  =======================================

The interfacial resistance R_int of a fitted circuit is the sum of the resistances that sit
inside parallel blocks (the arcs; ZARC and K elements count as arcs) - for a Li|electrolyte
interface the SEI and charge-transfer resistances - and leaves out the series (bulk) resistance
and diffusion elements (METHODS.md, "Interfacial resistance from impedance").
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np

from lithiophile import cite
from lithiophile.echem.impedance.circuit import Circuit
from lithiophile.echem.impedance.parser import Element, Node, Parallel, Series, parse
from lithiophile.errors import CalculationFailed, InputError

__all__ = ["AUTO_CANDIDATES", "CIRCUITS", "bic", "fit_auto", "interfacial_resistance", "resolve"]

CIRCUITS: dict[str, tuple[str, str]] = {
    "one-arc": ("R0-p(R1,CPE1)", "bulk + one interfacial arc"),
    "one-arc-warburg": ("R0-p(R1,CPE1)-W1", "bulk + one arc + Warburg diffusion tail"),
    "two-arc": ("R0-p(R1,CPE1)-p(R2,CPE2)", "bulk + SEI arc + charge-transfer arc"),
    "two-arc-warburg": (
        "R0-p(R1,CPE1)-p(R2,CPE2)-W1",
        "bulk + SEI arc + charge-transfer arc + Warburg tail",
    ),
    "randles": ("R0-p(CPE1,R1-W1)", "Randles cell: diffusion in series with charge transfer"),
}

cite.define(
    cite.Citation(
        "Schwarz1978",
        "Schwarz, G. Estimating the Dimension of a Model. Ann. Statist. 1978, 6, 461-464.",
        doi="10.1214/aos/1176344136",
    )
)

#: circuits tried by ``circuit="auto"``, simplest first
AUTO_CANDIDATES = ("one-arc", "one-arc-warburg", "two-arc", "two-arc-warburg")


def resolve(circuit: str) -> str:
    """A library name (``"two-arc"``) or a circuit string -> the circuit string (validated)."""
    text = CIRCUITS[circuit][0] if circuit in CIRCUITS else circuit
    parse(text)
    return text


def _arc_resistors(tree: Node) -> list[str]:
    """Parameter names of the resistances inside arcs."""
    terms = list(tree.children) if isinstance(tree, Series) else [tree]
    names: list[str] = []
    for term in terms:
        if isinstance(term, Parallel):
            names += [e.name for e in term.elements() if e.kind.name == "R"]
            names += [f"{e.name}_R" for e in term.elements() if e.kind.name in ("K", "Zarc")]
        elif isinstance(term, Element) and term.kind.name in ("K", "Zarc"):
            names.append(f"{term.name}_R")
    return names


def interfacial_resistance(fit: Circuit) -> tuple[float, float, list[str]]:
    """R_int [ohm], its standard error [ohm] (from the fit's covariance) and the parameters
    summed. Raises CalculationFailed when the circuit has no arc."""
    names = _arc_resistors(fit.tree)
    if not names:
        raise CalculationFailed(
            f"circuit {fit.circuit!r} has no arc (no R inside p(...), no K or Zarc), so it "
            "holds no interfacial resistance; fit e.g. 'R0-p(R1,CPE1)'."
        )
    idx = [fit.param_names.index(n) for n in names]
    value = float(sum(fit.parameters_[n] for n in names))
    cov = fit.covariance_[np.ix_(idx, idx)]
    stderr = [fit.params_[i].stderr for i in idx]
    var = float(np.sum(cov)) if np.isfinite(stderr).all() else float("inf")
    return value, float(np.sqrt(max(var, 0.0))), names


def bic(fit: Circuit) -> float:
    """Bayesian information criterion of a fit, n ln(chi2 / n) + k ln n (Schwarz 1978),
    with n the number of residuals (2 per frequency) and k the number of parameters."""
    n = 2 * fit.frequencies_.size
    k = len(fit.param_names)
    return n * np.log(max(fit.chi_square_, 1e-300) / n) + k * np.log(n)


def check_candidate_names(names: set[str], candidates: tuple[str, ...] = AUTO_CANDIDATES) -> None:
    """InputError when a fixed or bounded parameter belongs to none of the candidates."""
    known = {n for cand in candidates for n in Circuit(resolve(cand)).param_names}
    unknown = sorted(names - known)
    if unknown:
        raise InputError(
            f"fixed parameters or bounds {unknown} belong to none of the candidate circuits "
            f"{[resolve(c) for c in candidates]}; their parameters are {sorted(known)}."
        )


def fit_auto(
    f: np.ndarray,
    z: np.ndarray,
    *,
    candidates: tuple[str, ...] = AUTO_CANDIDATES,
    name: str = "spectrum",
    fixed: Mapping[str, float] | None = None,
    bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
    **options: object,
) -> Circuit:
    """Fit each candidate circuit and keep the one with the lowest Bayesian information
    criterion among those whose parameters are all determined (finite errors).

    ``fixed`` and ``bounds`` apply to every candidate that has the parameter; a name that no
    candidate has is an InputError.

    References
    ----------
    Schwarz, G. Estimating the Dimension of a Model. Ann. Stat. 1978, 6, 461-464.
    """
    cite.register("Schwarz1978")
    fits: list[tuple[float, bool, Circuit]] = []
    errors: list[str] = []
    kk = None
    fixed, bounds = dict(fixed or {}), dict(bounds or {})
    check_candidate_names(set(fixed) | set(bounds), candidates)
    for _k, cand in enumerate(candidates):
        text = resolve(cand)
        own = Circuit(text).param_names
        circuit = Circuit(
            text,
            fixed={k: v for k, v in fixed.items() if k in own},
            bounds={k: v for k, v in bounds.items() if k in own},
            **options,  # type: ignore[arg-type]
        )
        circuit.kk_check = circuit.kk_check and kk is None  # run (and warn about) Lin-KK once
        try:
            if circuit.kk_check:
                circuit.fit(f, z, name=name)
                kk = circuit.kk_
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    circuit.fit(f, z, name=name)
                circuit.kk_ = kk
        except CalculationFailed as exc:
            errors.append(str(exc))
            continue
        determined = all(np.isfinite(p.stderr) for p in circuit.params_)
        fits.append((bic(circuit), determined, circuit))
    if not fits:
        raise CalculationFailed(f"no candidate circuit converged on {name}: " + " | ".join(errors))
    good = [t for t in fits if t[1]] or fits
    best = min(good, key=lambda t: t[0])[2]
    best.notes_ = (
        *best.notes_,
        "circuit chosen automatically by BIC among "
        + ", ".join(f"{c.circuit} ({b:.1f})" for b, _, c in fits),
    )
    return best
