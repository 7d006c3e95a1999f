"""Maccor's tab-separated text export."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.io.celldata import CellData
from lithiophile.synth.instruments._common import _SYNTHETIC_NOTE, _Cell, _rows, _write_text


def write_maccor_text(data: CellData | Mapping[str, Any], path: str | Path) -> Path:
    """Write a Maccor text export, tab-separated, as ``bdtk__maccor_example.001``.

    Layout: the test-information line (``Today's Date MM/DD/YYYY  Date of Test:<TAB>...
    <TAB> Filename:<TAB>C:\\Data\\...<SP>Procedure: ...<TAB>Comment/Barcode: ...``), the labels
    ``Rec#, Cyc#, Step, Test (Min), Step (Min), Amp-hr, Watt-hr, Amps, Volts, State, ES,
    DPt Time``, then one row per point; CRLF line ends, as in the reference.

    Conventions: ``Amps`` unsigned with ``State`` ``C`` (charge: oxidation at the working
    electrode, the package's positive current), ``D`` (discharge, negative) or ``R`` (rest);
    ``Cyc#`` from 0 (the data's cycle minus 1); ``Step`` is the program step, the position of
    the step in its cycle from 1; ``Amp-hr`` and ``Watt-hr`` unsigned and reset at each step;
    ``ES`` 0 on the first record of a step and 1 (a record by time) after it, as in the
    reference; ``DPt Time`` the local clock ``MM/DD/YYYY HH:MM:SS``.

    Notes
    -----
    Precision (the reference's formats): test time in minutes with 4 decimals (6 ms),
    ``Volts`` 8 decimals (1e-8 V), ``Amps`` 10 decimals (1e-10 A).
    """
    path = Path(path)
    cell = _Cell(data, "write_maccor_text")
    end = cell.clock(float(cell.t[-1]))
    first = (
        f"Today's Date {end:%m/%d/%Y}  Date of Test:\t{cell.start:%m/%d/%Y}\t Filename:\t"
        f"C:\\Data\\lithiophile\\{path.name} Procedure: LILI-GALV.000Li||Li galvanostatic "
        f"cycling\tComment/Barcode: {_SYNTHETIC_NOTE}"
    )
    labels = "Rec#\tCyc#\tStep\tTest (Min)\tStep (Min)\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES"
    labels += "\tDPt Time"
    state = np.where(cell.sign > 0, "C", np.where(cell.sign < 0, "D", "R"))
    step_ah = cell.step_charge_C / 3600.0
    step_wh = cell.step_energy_J / 3600.0
    stamps = cell.clock(np.round(cell.t)).astype("datetime64[s]").astype(datetime)
    columns: list[tuple[str, Any]] = [
        ("%d", np.arange(1, cell.n + 1)),
        ("%d", cell.cycle.astype(np.int64) - 1),
        ("%d", cell.step_in_cycle + 1),
        ("%.4f", cell.t / 60.0),
        ("%.4f", cell.step_time / 60.0),
        ("%.10f", step_ah),
        ("%.10f", step_wh),
        ("%.10f", np.abs(cell.i)),
        ("%.8f", cell.v),
        ("%s", state.tolist()),
        ("%d", np.where(cell.step_start, 0, 1)),
        ("%s", [s.strftime("%m/%d/%Y %H:%M:%S") for s in stamps]),
    ]
    return _write_text(path, [first, labels, *_rows(columns, "\t")], "cp1252")
