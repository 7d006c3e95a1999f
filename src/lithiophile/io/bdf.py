"""Battery Data Format (BDF) CSV: read and write.

Column labels follow the Battery Data Alliance term list ("Test Time / s", "Voltage / V",
"Current / A", "Cycle Count / 1", "Step Count / 1", "Net Capacity / Ah",
"Surface Temperature T1 / degC"; impedance: "Frequency / Hz", "Real Impedance / ohm",
"Imaginary Impedance / ohm"). BDF, like lithiophile, counts charging current as positive.
``Step Kind`` is lithiophile's own extra column (rest/charge/discharge/cv/ocv/eis/unknown).

References
----------
Battery Data Alliance, Battery Data Format, https://battery-data-alliance.github.io/battery-data-format/
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile import cite
from lithiophile.errors import FileFormatError, InputError
from lithiophile.io.celldata import CellData, ImpedanceData, Metadata
from lithiophile.io.text import decode, looks_binary

FMT = "Battery Data Format CSV"

#: canonical column -> (BDF label, factor from SI to the BDF unit, offset)
CELL_LABELS: dict[str, tuple[str, float, float]] = {
    "time_s": ("Test Time / s", 1.0, 0.0),
    "voltage_V": ("Voltage / V", 1.0, 0.0),
    "current_A": ("Current / A", 1.0, 0.0),
    "charge_C": ("Net Capacity / Ah", 1.0 / 3600.0, 0.0),
    "cycle": ("Cycle Count / 1", 1.0, 0.0),
    "step": ("Step Count / 1", 1.0, 0.0),
    "step_kind": ("Step Kind", 1.0, 0.0),
    "temperature_K": ("Surface Temperature T1 / degC", 1.0, -273.15),
}
IMPEDANCE_LABELS: dict[str, tuple[str, float, float]] = {
    "frequency_Hz": ("Frequency / Hz", 1.0, 0.0),
    "z_real_ohm": ("Real Impedance / ohm", 1.0, 0.0),
    "z_imag_ohm": ("Imaginary Impedance / ohm", 1.0, 0.0),
    "spectrum": ("Spectrum / 1", 1.0, 0.0),
    "time_s": ("Test Time / s", 1.0, 0.0),
    "temperature_K": ("Surface Temperature T1 / degC", 1.0, -273.15),
}


def write(data: CellData | ImpedanceData, path: str | Path) -> Path:
    """Write canonical data as a BDF CSV (instrument-specific extra columns are left out)."""
    cite.register("BDF")
    labels = IMPEDANCE_LABELS if isinstance(data, ImpedanceData) else CELL_LABELS
    exprs = []
    for col, (label, factor, offset) in labels.items():
        if col not in data.columns:
            continue
        e = pl.col(col)
        if factor != 1.0:
            e = e * factor
        if offset:
            e = e + offset
        exprs.append(e.alias(label))
    path = Path(path)
    data.table.select(exprs).write_csv(path, float_precision=None)
    return path


def sniff(head: bytes, path: Path) -> int:
    if looks_binary(head):
        return 0
    first = decode(head).split("\n", 1)[0]
    if "Test Time / s" in first and "Voltage / V" in first and "Current / A" in first:
        return 80
    if "Frequency / Hz" in first and "Real Impedance / ohm" in first:
        return 80
    return 0


def read(path: Path, **_: Any) -> CellData | ImpedanceData:
    """Read a BDF CSV (ours or another tool's) into canonical data."""
    try:
        frame = pl.read_csv(path, infer_schema_length=10_000)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise FileFormatError(path, FMT, str(exc).splitlines()[0]) from None
    impedance = "Frequency / Hz" in frame.columns and "Test Time / s" not in frame.columns
    labels = IMPEDANCE_LABELS if impedance else CELL_LABELS
    cols: dict[str, Any] = {}
    notes: list[str] = []
    for col, (label, factor, offset) in labels.items():
        if label not in frame.columns:
            continue
        s = frame.get_column(label)
        if col == "step_kind":
            cols[col] = s.cast(pl.String)
        elif col in ("cycle", "step", "spectrum"):
            counter = s.cast(pl.Int32, strict=False)
            if counter.has_nulls():  # a non-integer counter cannot be trusted: derive it
                notes.append(
                    f"column '{label}' has non-integer entries: ignored, derived from the data"
                )
                continue
            cols[col] = counter
        else:
            values = s.cast(pl.Float64, strict=False).to_numpy()
            cols[col] = (values - offset) / factor
    needed = (
        ("frequency_Hz", "z_real_ohm", "z_imag_ohm")
        if impedance
        else ("time_s", "voltage_V", "current_A")
    )
    missing = [labels[c][0] for c in needed if c not in cols]
    if missing:
        raise FileFormatError(
            path, FMT, f"required columns {missing} missing (has {frame.columns})"
        )
    if not impedance and "charge_C" in cols and not np.isfinite(cols["charge_C"]).all():
        del cols["charge_C"]
    used = {lab for lab, _, _ in labels.values()}
    for label in frame.columns:
        if label not in used:
            cols[label] = frame.get_column(label)
    meta = Metadata(format="bdf-csv", instrument="any", notes=tuple(notes))
    cls = ImpedanceData if impedance else CellData
    try:
        return cls.from_columns(cols, meta)
    except InputError as exc:  # the file's content, not the caller, is at fault
        raise FileFormatError(path, FMT, str(exc)) from None
