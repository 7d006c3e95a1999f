"""Neware BTSDA's CSV export (the flat record layer)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.io.celldata import CellData
from lithiophile.synth.instruments._common import _Cell, _rows, _step_names, _write_text

_NEWARE_LABELS = (
    "DataPoint", "Cycle Index", "Step Index", "Step Type", "Time", "Cumulative Time",
    "Current(A)", "Voltage(V)", "Capacity(Ah)", "Spec. Cap.(mAh/g)", "Chg. Cap.(Ah)",
    "Chg. Spec. Cap.(mAh/g)", "DChg. Cap.(Ah)", "DChg. Spec. Cap.(mAh/g)", "Energy(Wh)",
    "Spec. Energy(mWh/g)", "Chg. Energy(Wh)", "Chg. Spec. Energy(mWh/g)", "DChg. Energy(Wh)",
    "DChg. Spec. Energy(mWh/g)", "Date", "Power(W)", "dQ/dV(mAh/V)", "dQm/dV(mAh/V.g)",
    "Contact resistance(mO)", "Module start-stop switch",
)  # fmt: skip


def _hms(seconds: np.ndarray) -> list[str]:
    """``h:mm:ss`` with hours past 24 (Neware: "144:02:18"), rounded to whole seconds."""
    s = np.round(np.asarray(seconds)).astype(np.int64)
    return [f"{v // 3600:02d}:{v // 60 % 60:02d}:{v % 60:02d}" for v in s.tolist()]


def write_neware_csv(data: CellData | Mapping[str, Any], path: str | Path) -> Path:
    """Write a Neware BTSDA CSV export, the flat record layer of ``cellpy__neware_uio.csv``.

    Layout: its 26 labels (``DataPoint, Cycle Index, Step Index, Step Type, Time,
    Cumulative Time, Current(A), Voltage(V), Capacity(Ah), Spec. Cap.(mAh/g) ... Date,
    Power(W), dQ/dV(mAh/V), dQm/dV(mAh/V.g), Contact resistance(mO), Module start-stop
    switch``), comma-separated, CRLF line ends (see the module notes on line ends).

    Conventions (the reference's): signed current, discharge negative (the package's
    convention); step types ``CC Chg``, ``CC DChg``, ``CV Chg``, ``CV DChg``, ``Rest``;
    ``Cycle Index`` from 1; ``Step Index`` the program step (position of the step in its cycle
    from 1); ``Time`` (step time) and ``Cumulative Time`` as ``hh:mm:ss`` with hours past 24;
    capacities and energies unsigned, reset at each step (``Capacity`` written ``0`` while it
    is zero, as BTSDA does); per-mass columns from ``meta.mass_kg`` (``0.00`` without a
    mass); ``dQ/dV`` the step's difference quotient (0 where the voltage did not change);
    ``Date`` the local clock; contact resistance 0, switch ``Close``.

    Notes
    -----
    Precision (the reference's formats): times to the second, ``Voltage(V)`` 4 decimals
    (1e-4 V), ``Current(A)`` 8 decimals (1e-8 A).
    """
    path = Path(path)
    cell = _Cell(data, "write_neware_csv")
    names = {
        "rest": "Rest", "charge": "CC Chg", "discharge": "CC DChg",
        "cv_charge": "CV Chg", "cv_discharge": "CV DChg",
    }  # fmt: skip
    step_type = _step_names(cell, names)
    cap_ah = cell.step_charge_C / 3600.0
    energy_wh = cell.step_energy_J / 3600.0
    charging = cell.sign > 0
    discharging = cell.sign < 0
    mass_g = cell.mass_kg * 1e3 if cell.mass_kg else None

    def specific(x_ah_or_wh: np.ndarray) -> np.ndarray:  # -> mAh/g or mWh/g
        return x_ah_or_wh * 1e3 / mass_g if mass_g else np.zeros(cell.n)

    dv = np.diff(cell.v, prepend=cell.v[0])
    dv_shown = np.round(dv, 4)
    dq_mah = np.diff(cap_ah * 1e3, prepend=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        dqdv = np.where((dv_shown != 0) & ~cell.step_start, np.abs(dq_mah) / np.abs(dv), 0.0)
    stamps = cell.clock(np.round(cell.t)).astype("datetime64[s]").astype(datetime)
    columns: list[tuple[str, Any]] = [
        ("%d", np.arange(1, cell.n + 1)),
        ("%d", cell.cycle.astype(np.int64)),
        ("%d", cell.step_in_cycle + 1),
        ("%s", step_type),
        ("%s", _hms(cell.step_time)),
        ("%s", _hms(cell.t)),
        ("%.8f", cell.i),
        ("%.4f", cell.v),
        ("%s", ["0" if c == 0 else f"{c:.8f}" for c in cap_ah.tolist()]),
        ("%.2f", specific(cap_ah)),
        ("%.8f", np.where(charging, cap_ah, 0.0)),
        ("%.2f", specific(np.where(charging, cap_ah, 0.0))),
        ("%.8f", np.where(discharging, cap_ah, 0.0)),
        ("%.2f", specific(np.where(discharging, cap_ah, 0.0))),
        ("%.8f", energy_wh),
        ("%.2f", specific(energy_wh)),
        ("%.8f", np.where(charging, energy_wh, 0.0)),
        ("%.2f", specific(np.where(charging, energy_wh, 0.0))),
        ("%.8f", np.where(discharging, energy_wh, 0.0)),
        ("%.2f", specific(np.where(discharging, energy_wh, 0.0))),
        ("%s", [s.strftime("%Y-%m-%d %H:%M:%S") for s in stamps]),
        ("%.8f", cell.v * cell.i),
        ("%.4f", dqdv),
        ("%.4f", specific(dqdv * 1e-3)),
        ("%d", np.zeros(cell.n, dtype=np.int64)),
        ("%s", ["Close"] * cell.n),
    ]
    return _write_text(path, [",".join(_NEWARE_LABELS), *_rows(columns, ",")], "utf-8")
