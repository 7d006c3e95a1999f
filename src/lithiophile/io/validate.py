"""The one check every reader's output passes before :func:`lithiophile.io.read` returns it.

A reader parses a vendor layout and builds :class:`CellData` / :class:`ImpedanceData`; this
module then checks what was built against what the physics allows, the same way for every
format:

* time is finite and never runs backwards inside a step; a restart of the clock where a new
  step, technique or spectrum begins is explained and recorded (EC-Lab linked techniques and
  appended files restart their clocks);
* frequencies are finite and positive;
* voltages and currents are within what any cell-test instrument measures
  (|voltage| <= :data:`MAX_ABS_VOLTAGE_V`, |current| <= :data:`MAX_ABS_CURRENT_A`): a column
  of times or frequencies read as a voltage fails this;
* non-finite values (NaN, infinities) are counted per column and recorded, rows kept.

A violation that makes the data wrong is a :class:`~lithiophile.errors.FileFormatError` naming
the file, the data row (1-based, as in a spreadsheet of the data: header lines not counted) and
what is wrong. What leaves the data right but deserves a look is a
:class:`~lithiophile.io.celldata.Provenance` warning on ``data.meta.provenance``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError
from lithiophile.io.celldata import (
    CURRENT,
    FREQUENCY,
    SPECTRUM,
    STEP,
    TIME,
    VOLTAGE,
    Z_IMAG,
    Z_REAL,
    CellData,
    ImpedanceData,
    Provenance,
)

__all__ = ["MAX_ABS_CURRENT_A", "MAX_ABS_VOLTAGE_V", "check"]

#: Bounds no cell-test instrument exceeds: potentiostats and battery cyclers measure up to tens
#: of volts and at most a few hundred amperes per channel (pack testers: about 1000 V, 1000 A);
#: a value past these is a column read as the wrong quantity, not a measurement.
MAX_ABS_VOLTAGE_V = 1000.0
MAX_ABS_CURRENT_A = 10_000.0


def check(data: CellData | ImpedanceData, path: Path | str, fmt: str) -> CellData | ImpedanceData:
    """Check ``data`` read from ``path`` as ``fmt``; return it with warnings added to its
    provenance, or raise :class:`FileFormatError` naming the row and what is wrong."""
    texts = _numeric(data)
    if texts:
        data.meta = data.meta.with_provenance(*texts)
    if isinstance(data, CellData):
        found = _check_cell(data, path, fmt)
    else:
        found = _check_impedance(data, path, fmt)
    if found:
        data.meta = data.meta.with_provenance(*found)
    return data


def _numeric(data: CellData | ImpedanceData) -> list[Provenance]:
    """Optional SI columns (time, voltage, current) that hold text: the text cells become
    missing values, counted and reported (rows kept)."""
    found = []
    table = data.table
    for c in (TIME, VOLTAGE, CURRENT):
        if c not in table.columns or table.schema[c].is_numeric():
            continue
        before = table.get_column(c)
        after = before.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
        text = int(after.null_count() - before.null_count())
        table = table.with_columns(after.alias(c))
        found.append(
            Provenance(
                "repair",
                f"{text} of {len(after)} cells of {c} hold text, not a number; they are read "
                "as missing values and the rows kept",
                "",
                "text-in-numeric-column",
            )
        )
    if found:
        data._table = table
    return found


def _fail(path: Path | str, fmt: str, problem: str) -> FileFormatError:
    return FileFormatError(path, fmt, problem)


def _nonfinite(data: CellData | ImpedanceData, columns: tuple[str, ...]) -> list[Provenance]:
    out = []
    n = len(data)
    for c in columns:
        if c not in data.columns:
            continue
        bad = int(np.count_nonzero(~np.isfinite(data[c])))
        if bad:
            first = int(np.flatnonzero(~np.isfinite(data[c]))[0]) + 1
            out.append(
                Provenance(
                    "warning",
                    f"{bad} of {n} values of {c} are empty or not finite (NaN or infinite); "
                    "the rows are kept and those values count as missing",
                    f"first at data row {first}",
                    "non-finite",
                )
            )
    return out


def _bounded(
    values: np.ndarray, limit: float, column: str, path: Path | str, fmt: str, what: str
) -> None:
    with np.errstate(invalid="ignore"):
        over = np.abs(values) > limit
    if over.any():
        k = int(np.flatnonzero(over)[0])
        raise _fail(
            path,
            fmt,
            f"{column} is {values[k]:.6g} at data row {k + 1}, beyond the {limit:g} {what} any "
            f"cell-test instrument measures ({int(over.sum())} such rows): a column read as the "
            "wrong quantity (labels shifted?) or a corrupt file",
        )


def _check_cell(data: CellData, path: Path | str, fmt: str) -> list[Provenance]:
    found = _nonfinite(data, (VOLTAGE, CURRENT))
    _bounded(data[VOLTAGE], MAX_ABS_VOLTAGE_V, VOLTAGE, path, fmt, "V")
    _bounded(data[CURRENT], MAX_ABS_CURRENT_A, CURRENT, path, fmt, "A")
    t = data[TIME]
    if t.size < 2:
        return found
    back = np.flatnonzero(np.diff(t) < 0) + 1
    if back.size == 0:
        return found
    step = data[STEP]
    inside = back[step[back] == step[back - 1]]
    if inside.size:
        k = int(inside[0])
        raise _fail(
            path,
            fmt,
            f"time_s runs backwards inside step {int(step[k])} at data row {k + 1} "
            f"({t[k - 1]:.6g} s, then {t[k]:.6g} s; {inside.size} such rows): a time column "
            "that is not time (labels shifted?) or rows out of order",
        )
    rows = ", ".join(str(int(k) + 1) for k in back[:5]) + (" ..." if back.size > 5 else "")
    found.append(
        Provenance(
            "warning",
            f"the clock restarts {back.size} time(s) where a new step begins (linked "
            "techniques or appended files keep their own clocks); time_s is kept as written",
            f"data rows {rows}",
            "time-restart",
        )
    )
    return found


def _check_impedance(data: ImpedanceData, path: Path | str, fmt: str) -> list[Provenance]:
    f = data[FREQUENCY]
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(f) & (f > 0))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise _fail(
            path,
            fmt,
            f"frequency_Hz is {f[k]!r} at data row {k + 1} ({int(bad.sum())} such rows); "
            "frequencies must be finite and positive: a frequency column that is not one "
            "(labels shifted?) or a corrupt file",
        )
    found = _nonfinite(data, (Z_REAL, Z_IMAG))
    if VOLTAGE in data.columns:
        _bounded(data[VOLTAGE], MAX_ABS_VOLTAGE_V, VOLTAGE, path, fmt, "V")
    if CURRENT in data.columns:
        _bounded(data[CURRENT], MAX_ABS_CURRENT_A, CURRENT, path, fmt, "A")
    if TIME in data.columns and SPECTRUM in data.columns:
        t, s = data[TIME], data[SPECTRUM]
        back = np.flatnonzero(np.diff(t) < 0) + 1
        inside = back[s[back] == s[back - 1]] if back.size else back
        if inside.size:
            k = int(inside[0])
            raise _fail(
                path,
                fmt,
                f"time_s runs backwards inside spectrum {int(s[k])} at data row {k + 1} "
                f"({t[k - 1]:.6g} s, then {t[k]:.6g} s)",
            )
    return found
