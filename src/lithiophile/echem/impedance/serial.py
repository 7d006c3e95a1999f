"""The one serializer of impedance results: an :class:`InterfaceFit` as a JSON-safe dict and
back, for the process boundary (worker results) and the store. Everything a fit reported
survives the round trip (the fitted model through :mod:`~lithiophile.echem.impedance.
model_io`, the DRT with its grid, window and notes)."""

from __future__ import annotations

from typing import Any

import numpy as np

from lithiophile.echem.impedance.analysis import InterfaceFit
from lithiophile.echem.impedance.drt import DRTPeak, DRTResult
from lithiophile.echem.impedance.model_io import model_from_dict, model_to_dict
from lithiophile.metrics import Conditions, as_metric
from lithiophile.store import from_payload, to_payload

__all__ = ["fit_from_payload", "fit_to_payload"]


def _drt_to(res: DRTResult) -> dict[str, Any]:
    return {
        "tau_s": res.tau_s.tolist(),
        "gamma_ohm": res.gamma_ohm.tolist(),
        "r_inf_ohm": res.r_inf_ohm,
        "inductance_H": res.inductance_H,
        "lam": res.lam,
        "method": res.method,
        "peaks": [
            {k: v for k, v in to_payload(p).items() if k != "frequency_Hz"} for p in res.peaks
        ],
        "frequency_Hz": res.frequency_Hz.tolist(),
        "z_fit": [res.z_fit.real.tolist(), res.z_fit.imag.tolist()],
        "residual_rms": res.residual_rms,
        "tau_window_s": list(res.tau_window_s),
        "span_ohm": res.span_ohm,
        "notes": list(res.notes),
    }


def _drt_from(d: dict[str, Any]) -> DRTResult:
    return DRTResult(
        tau_s=np.asarray(d["tau_s"], dtype=float),
        gamma_ohm=np.asarray(d["gamma_ohm"], dtype=float),
        r_inf_ohm=float(d["r_inf_ohm"]),
        inductance_H=float(d["inductance_H"]),
        lam=float(d["lam"]),
        method=d["method"],
        peaks=tuple(DRTPeak(**p) for p in d["peaks"]),
        frequency_Hz=np.asarray(d["frequency_Hz"], dtype=float),
        z_fit=np.asarray(d["z_fit"][0]) + 1j * np.asarray(d["z_fit"][1]),
        residual_rms=float(d["residual_rms"]),
        tau_window_s=(float(d["tau_window_s"][0]), float(d["tau_window_s"][1])),
        span_ohm=d["span_ohm"],
        notes=tuple(d["notes"]),
    )


def fit_to_payload(item: InterfaceFit) -> dict[str, Any]:
    """``item`` as a JSON-safe dict (:func:`fit_from_payload` rebuilds it)."""
    return {
        "name": item.name,
        "model": model_to_dict(item.fit),
        "metrics": [to_payload(m) for m in item.metrics],
        "conditions": to_payload(item.conditions),
        "drt": None if item.drt is None else _drt_to(item.drt),
        "extra": dict(item.extra),
    }


def fit_from_payload(d: dict[str, Any]) -> InterfaceFit:
    """The :class:`InterfaceFit` that :func:`fit_to_payload` wrote."""
    return InterfaceFit(
        d["name"],
        model_from_dict(d["model"], source=d["name"]),
        tuple(as_metric(m) for m in d["metrics"]),
        from_payload(Conditions, d["conditions"]),
        None if d["drt"] is None else _drt_from(d["drt"]),
        dict(d.get("extra") or {}),
    )
