"""Arbin MITS Pro's CSV export (the new header, units in the labels)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.io.celldata import CellData
from lithiophile.synth.instruments._common import _Cell, _rows, _write_text

_ARBIN_LABELS = (
    "Date_Time", "Test_Time(s)", "Step_Time(s)", "Step_Index", "Cycle_Index", "Voltage(V)",
    "Current(A)", "Charge_Capacity(Ah)", "Discharge_Capacity(Ah)", "Charge_Energy(Wh)",
    "Discharge_Energy(Wh)", "Internal Resistance(Ohm)", "dV/dt(V/s)",
)  # fmt: skip


def _plain(x: float, decimals: int) -> str:
    """``x`` with at most ``decimals`` decimals, trailing zeros dropped ("0.723", "5")."""
    s = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _g8(values: np.ndarray) -> list[str]:
    """Arbin's 8 significant digits, exponents only for small or large values ("-9.63E-05",
    "1.0999289", "0.88141066" in ``bdtk__arbin_example.csv``)."""
    return [format(x, ".8G") for x in values.tolist()]


def write_arbin_csv(data: CellData | Mapping[str, Any], path: str | Path) -> Path:
    """Write an Arbin MITS Pro CSV export with the new header (units in the labels).

    Layout: the columns of MITS Pro's data export as in the only new-header sample here, the
    data sheet of ``navani__bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx``
    (``Date_Time, Test_Time(s), Step_Time(s), Step_Index, Cycle_Index, Voltage(V),
    Current(A), Charge_Capacity(Ah), Discharge_Capacity(Ah), Charge_Energy(Wh),
    Discharge_Energy(Wh), Internal Resistance(Ohm), dV/dt(V/s)``), comma-separated with CRLF
    line ends and numbers as in the CSV export ``bdtk__arbin_example.csv``.

    Conventions (Arbin's): current signed, charge positive and discharge negative (the
    package's convention); ``Cycle_Index`` from 1; ``Step_Index`` the schedule step (position
    of the step in its cycle from 1); capacities and energies unsigned and cumulative within a
    cycle, reset to 0 at a new cycle (as in ``bdtk__arbin_example.csv``); ``Internal
    Resistance(Ohm)`` empty (not measured, as in the workbook); ``dV/dt`` the difference
    quotient (0 on the first point); ``Date_Time`` the local clock
    ``MM/DD/YYYY HH:MM:SS.fff``.

    Notes
    -----
    Precision: ``Test_Time(s)`` and ``Step_Time(s)`` to 0.1 ms (4 decimals, as in the
    reference); voltage, current and the counters to 8 significant digits (relative error
    below 5e-8).
    """
    path = Path(path)
    cell = _Cell(data, "write_arbin_csv")
    charge_C, discharge_C = cell.cycle_sums(np.abs(cell.dq_C))
    charge_ah, discharge_ah = charge_C / 3600.0, discharge_C / 3600.0
    charge_wh, discharge_wh = cell.cycle_sums(np.abs(cell.de_J) / 3600.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        dvdt = np.where(cell.dt > 0, np.diff(cell.v, prepend=cell.v[0]) / cell.dt, 0.0)
    stamps = cell.clock(cell.t).astype("datetime64[ms]").astype(datetime)
    columns: list[tuple[str, Any]] = [
        ("%s", [f"{s:%m/%d/%Y %H:%M:%S}.{s.microsecond // 1000:03d}" for s in stamps]),
        ("%s", [_plain(x, 4) for x in cell.t.tolist()]),
        ("%s", [_plain(x, 4) for x in cell.step_time.tolist()]),
        ("%d", cell.step_in_cycle + 1),
        ("%d", cell.cycle.astype(np.int64)),
        ("%s", _g8(cell.v)),
        ("%s", _g8(cell.i)),
        ("%s", _g8(charge_ah)),
        ("%s", _g8(discharge_ah)),
        ("%s", _g8(charge_wh)),
        ("%s", _g8(discharge_wh)),
        ("%s", [""] * cell.n),
        ("%s", _g8(dvdt)),
    ]
    return _write_text(path, [",".join(_ARBIN_LABELS), *_rows(columns, ",")], "utf-8")
