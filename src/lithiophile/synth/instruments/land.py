"""LAND/LANHE's record table, as CSV."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.io.celldata import CellData
from lithiophile.synth.instruments._common import _Cell, _rows, _step_names, _write_text

_LAND_LABELS = (
    "Index", "Cycle", "StepNo", "StepStatus", "TestTime/Sec", "StepTime/Sec", "Current/mA",
    "Voltage/V", "Capacity/mAh", "Energy/mWh", "SysTime",
)  # fmt: skip


def write_land(data: CellData | Mapping[str, Any], path: str | Path) -> Path:
    """Write a LAND/LANHE record table as CSV.

    No public LAND file was at hand: the labels are those of the record sheet documented by
    LANDT-py (``TestTime/Sec, StepTime/Sec, Current/mA, Voltage/V, SysTime, StepNo,
    StepStatus``) with navani's ``Index`` and ``Capacity/mAh``, BatteryML's ``Cycle`` and an
    ``Energy/mWh`` column (see :mod:`lithiophile.io.land`), in the ``name/unit`` spelling that
    marks LAND labels. Comma-separated (LANDdt's "save as CSV"), CRLF line ends, UTF-8.

    Conventions (navani's reading of LAND): current signed, charge positive and discharge
    negative (the package's convention), with the state ``CCC`` (constant-current charge),
    ``CCD``, ``CVC``, ``CVD`` or ``Rest``; ``Cycle`` from 1; ``StepNo`` the program step
    (position of the step in its cycle from 1); capacity and energy unsigned and reset at each
    step; ``SysTime`` the local clock ``YYYY-MM-DD HH:MM:SS``.

    Notes
    -----
    Precision (chosen, no reference file): times 1 ms, ``Voltage/V`` and ``Current/mA`` 6
    decimals (1 uV, 1 nA).
    """
    path = Path(path)
    cell = _Cell(data, "write_land")
    names = {
        "rest": "Rest", "charge": "CCC", "discharge": "CCD",
        "cv_charge": "CVC", "cv_discharge": "CVD",
    }  # fmt: skip
    cap_mah = cell.step_charge_C / 3.6
    energy_mwh = cell.step_energy_J / 3.6
    stamps = cell.clock(np.round(cell.t)).astype("datetime64[s]").astype(datetime)
    columns: list[tuple[str, Any]] = [
        ("%d", np.arange(1, cell.n + 1)),
        ("%d", cell.cycle.astype(np.int64)),
        ("%d", cell.step_in_cycle + 1),
        ("%s", _step_names(cell, names)),
        ("%.3f", cell.t),
        ("%.3f", cell.step_time),
        ("%.6f", cell.i * 1e3),
        ("%.6f", cell.v),
        ("%.6f", cap_mah),
        ("%.6f", energy_mwh),
        ("%s", [s.strftime("%Y-%m-%d %H:%M:%S") for s in stamps]),
    ]
    return _write_text(path, [",".join(_LAND_LABELS), *_rows(columns, ",")], "utf-8")
