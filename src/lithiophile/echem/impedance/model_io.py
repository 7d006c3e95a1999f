"""A fitted circuit as JSON and back: save a model, load it to predict, report or refit.

The file holds everything the fit reported (circuit, fixed parameters and bounds, values,
standard errors, confidence intervals, covariance, chi-square, degrees of freedom, notes, the
Lin-KK outcome) and the spectrum it was fitted to, so a loaded model predicts, plots and
prints as the fitted one did. ``"format": "lithiophile.circuit/1"`` names the layout.

Examples
--------
>>> import numpy as np, tempfile, pathlib
>>> from lithiophile.echem.impedance import Circuit
>>> f = np.geomspace(1e5, 1e-1, 40)
>>> c = Circuit("R0-p(R1,C1)").fit(f, 10 + 100 / (1 + 2j * np.pi * f * 1e-3))
>>> path = c.save(pathlib.Path(tempfile.mkdtemp()) / "fit.json")
>>> round(Circuit.load(path).parameters_["R1"], 6)
100.0
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.echem.impedance.circuit import Circuit, Parameter
from lithiophile.echem.impedance.linkk import LinKKResult
from lithiophile.errors import InputError

__all__ = ["FORMAT", "model_from_dict", "model_to_dict", "read_model", "write_model"]

FORMAT = "lithiophile.circuit/1"


def _num(v: float) -> float | None:
    return float(v) if math.isfinite(v) else None  # JSON has no inf: None means infinite


def _back(v: float | None) -> float:
    return float("inf") if v is None else float(v)


def model_to_dict(fit: Circuit) -> dict[str, Any]:
    """Everything needed to rebuild a fitted :class:`Circuit` (JSON-safe)."""
    fit._check_fitted()
    kk = fit.kk_
    return {
        "format": FORMAT,
        "circuit": fit.circuit,
        "weighting": fit.weighting,
        "confidence": fit.confidence,
        "kk_threshold": fit.kk_threshold,
        "fixed": fit.fixed,
        "bounds": fit.bounds,
        "parameters": [
            {
                "name": p.name,
                "value": p.value,
                "stderr": _num(p.stderr),
                "ci": [_num(p.ci_low), _num(p.ci_high)],
                "unit": p.unit,
                "fixed": p.fixed,
            }
            for p in fit.params_
        ],
        "covariance": [[_num(v) for v in row] for row in fit.covariance_],
        "chi_square": fit.chi_square_,
        "dof": fit.dof_,
        "nfev": fit.nfev_,
        "notes": list(fit.notes_),
        "frequency_Hz": fit.frequencies_.tolist(),
        "z_real_ohm": fit.data_.real.tolist(),
        "z_imag_ohm": fit.data_.imag.tolist(),
        "lin_kk": None if kk is None else _kk_dict(kk),
    }


def _kk_dict(kk: LinKKResult) -> dict[str, Any]:
    return {
        "m": kk.m,
        "mu": kk.mu,
        "rms": kk.rms,
        "threshold": kk.threshold,
        "noise": kk.noise,
        "residuals_real": kk.residuals_real.tolist(),
        "residuals_imag": kk.residuals_imag.tolist(),
    }


def model_from_dict(d: dict[str, Any], *, source: str = "model") -> Circuit:
    """A fitted :class:`Circuit` from :func:`model_to_dict`'s output."""
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise InputError(
            f'{source}: not a saved lithiophile circuit (expected "format": "{FORMAT}"); '
            "save one with Circuit.save or 'lithiophile eis fit --save-model FILE.json'."
        )
    try:
        bounds = {k: (v[0], v[1]) for k, v in (d.get("bounds") or {}).items()}
        c = Circuit(
            d["circuit"],
            weighting=d["weighting"],
            confidence=d["confidence"],
            kk_threshold=d["kk_threshold"],
            fixed=d.get("fixed") or {},
            bounds=bounds,
        )
        c.params_ = [
            Parameter(
                p["name"],
                float(p["value"]),
                _back(p["stderr"]),
                -np.inf if p["ci"][0] is None else float(p["ci"][0]),
                _back(p["ci"][1]),
                p["unit"],
                bool(p.get("fixed", False)),
            )
            for p in d["parameters"]
        ]
        f = np.asarray(d["frequency_Hz"], dtype=float)
        z = np.asarray(d["z_real_ohm"], dtype=float) + 1j * np.asarray(d["z_imag_ohm"])
        cov = np.array([[_back(v) for v in row] for row in d["covariance"]], dtype=float)
        chi2, dof = float(d["chi_square"]), int(d["dof"])
        kk = d.get("lin_kk")
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise InputError(f"{source}: a saved circuit with a missing or bad field ({exc}).") from (
            None
        )
    if [p.name for p in c.params_] != c.param_names:
        raise InputError(
            f"{source}: its parameters {[p.name for p in c.params_]} do not match the circuit "
            f"{c.circuit!r} ({c.param_names})."
        )
    x = np.array([p.value for p in c.params_])
    wt = 1.0 / np.abs(z) if c.weighting == "modulus" else np.ones(f.size)
    c.parameters_ = {p.name: p.value for p in c.params_}
    c.covariance_ = cov
    c.frequencies_, c.data_ = f, z
    c.residuals_ = (z - c._model(2 * np.pi * f, x)[0]) * wt
    c.chi_square_, c.dof_, c.reduced_chi_square_ = chi2, dof, chi2 / dof
    c.nfev_ = int(d.get("nfev", 0))
    c.notes_ = tuple(d.get("notes") or ())
    c.guess_ = x
    c.kk_ = None if kk is None else _kk_from(kk)
    c._fitted = True
    return c


def _kk_from(d: dict[str, Any]) -> LinKKResult:
    return LinKKResult(
        int(d["m"]),
        float(d["mu"]),
        np.asarray(d["residuals_real"], dtype=float),
        np.asarray(d["residuals_imag"], dtype=float),
        float(d["rms"]),
        float(d["threshold"]),
        None if d.get("noise") is None else float(d["noise"]),
    )


def write_model(fit: Circuit, path: str | Path) -> Path:
    """Write ``fit`` as JSON to ``path`` (through a temporary name, so a crash never leaves
    half a file under the final name)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.part")
    try:
        tmp.write_text(json.dumps(model_to_dict(fit), indent=1))
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write the model to '{path}': {exc.strerror}.") from None
    return path


def read_model(path: str | Path) -> Circuit:
    """The fitted :class:`Circuit` saved at ``path``."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise InputError(f"cannot read the model '{path}': {exc.strerror}.") from None
    try:
        d = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"'{path}' is not JSON ({exc.msg}, line {exc.lineno}).") from None
    return model_from_dict(d, source=f"'{path}'")
