"""What Arbin's exports' columns mean, and the step from those columns to CellData.

The label table (:data:`COLUMNS`: every column MITS Pro writes in its .res database, CSV and
Excel exports, old and new headers, with SI units), auxiliary-channel labels, and
:func:`build_celldata`, shared by the CSV/Excel reader (:mod:`lithiophile.io.arbin_csv`) and
the .res reader (:mod:`lithiophile.io.arbin_res`), which document the layouts and sources.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, UnitsError, UnknownColumnWarning
from lithiophile.io.celldata import CellData, Metadata
from lithiophile.io.charge import charge_from_capacities
from lithiophile.io.table import (
    seconds,
    temperature_K,
)
from lithiophile.units import factor_to_si

__all__ = ["COLUMNS", "build_celldata", "header_score", "running_step", "split_label"]

#: 1899-12-30, day 0 of OLE Automation dates (Excel, MS Access) [s since the Unix epoch]
OLE_EPOCH_S = -2_209_161_600.0


@dataclass(frozen=True)
class _Col:
    """Where an Arbin column goes: output name, SI unit, unit when the label gives none."""

    name: str
    si: str | None
    default: str | None
    kind: str = "float"  # float | int | time | datetime | temperature


#: Arbin column names (lower case, without spaces, '_', '-', '.', '/') -> output column
COLUMNS: dict[str, _Col] = {
    "datapoint": _Col("data_point", None, None, "int"),
    "testid": _Col("test_id", None, None, "int"),
    "testtime": _Col("time_s", "s", "s", "time"),
    "steptime": _Col("step_time_s", "s", "s", "time"),
    "datetime": _Col("date_time", None, None, "datetime"),
    "stepindex": _Col("step_index", None, None, "int"),
    "cycleindex": _Col("cycle", None, None, "int"),
    "substepindex": _Col("sub_step_index", None, None, "int"),
    "substeptime": _Col("sub_step_time_s", "s", "s", "time"),
    "current": _Col("current_A", "A", "A"),
    "voltage": _Col("voltage_V", "V", "V"),
    "power": _Col("power_W", "W", "W"),
    "chargecapacity": _Col("charge_capacity_C", "C", "Ah"),
    "dischargecapacity": _Col("discharge_capacity_C", "C", "Ah"),
    "chargeenergy": _Col("charge_energy_J", "J", "Wh"),
    "dischargeenergy": _Col("discharge_energy_J", "J", "Wh"),
    "dvdt": _Col("dvdt_V_s", "V/s", "V/s"),
    "didt": _Col("didt_A_s", "A/s", "A/s"),
    "dqdv": _Col("dqdv_C_V", "C/V", "Ah/V"),
    "dvdq": _Col("dvdq_V_C", "V/C", "V/Ah"),
    "internalresistance": _Col("internal_resistance_ohm", "ohm", "ohm"),
    "acr": _Col("ac_resistance_ohm", "ohm", "ohm"),
    "acimpedance": _Col("ac_impedance_ohm", "ohm", "ohm"),
    "aciphaseangle": _Col("ac_phase_angle_rad", "rad", "deg"),
    "temperature": _Col("temperature_K", "K", "degC", "temperature"),
    "isfcdata": _Col("is_fc_data", None, None, "int"),
}

_AUX = re.compile(
    r"^aux(?P<q>temperature|voltage|pressure|ph|flowrate|concentration|di|do)(?P<n>\d+)$"
)
_AUX_RATE = re.compile(r"^auxd(?P<q>t|v)dt(?P<n>\d+)$")
_AUX_UNITS = {"temperature": ("K", "degC"), "voltage": ("V", "V")}

#: Names that only Arbin writes (with time/voltage/current they make a header Arbin's)
_ARBIN_KEYS = frozenset(
    {
        "datapoint",
        "stepindex",
        "cycleindex",
        "steptime",
        "chargecapacity",
        "dischargecapacity",
        "chargeenergy",
        "dischargeenergy",
        "isfcdata",
        "internalresistance",
        "dvdt",
        "datetime",
    }
)
#: Columns that are kept even when all zero
_ALWAYS_KEEP = frozenset(
    {"time_s", "voltage_V", "current_A", "cycle", "step_index", "data_point", "test_id"}
)


# -- labels -----------------------------------------------------------------------------------
def split_label(label: str) -> tuple[str, str | None]:
    """Normalised name and unit of an Arbin column label.

    Examples
    --------
    >>> split_label("Test_Time(s)"), split_label("dV/dt"), split_label("Internal Resistance(Ohm)")
    (('testtime', 's'), ('dvdt', None), ('internalresistance', 'Ohm'))
    """
    text = label.strip().lstrip("\ufeff").strip('"').strip()
    m = re.match(r"^(?P<name>.*?)\s*[(\[](?P<unit>[^()\[\]]*)[)\]]\s*$", text)
    name, unit = (m.group("name"), m.group("unit").strip() or None) if m else (text, None)
    return re.sub(r"[\s_\-./]", "", name).lower(), unit


def _spec(label: str) -> tuple[_Col | None, str | None, str]:
    """Column spec, unit and normalised key of a label (spec None when unknown)."""
    key, unit = split_label(label)
    if key in COLUMNS:
        return COLUMNS[key], unit, key
    m = _AUX.match(key)
    if m:
        q, n = m.group("q"), m.group("n")
        si, default = _AUX_UNITS.get(q, (None, None))
        kind = "temperature" if q == "temperature" else "float"
        suffix = f"_{si}" if si else ""
        return _Col(f"aux_{q}_{n}{suffix}", si, default, kind), unit, key
    m = _AUX_RATE.match(key)
    if m:
        q, n = m.group("q"), m.group("n")
        name = f"aux_dtdt_{n}_K_s" if q == "t" else f"aux_dvdt_{n}_V_s"
        return _Col(name, None, None, "rate_" + q), unit, key
    return None, unit, key


def _factor(unit: str, si: str) -> float:
    """Factor from an Arbin unit to SI; 'Ah'/'Wh' kept together inside quotients."""
    wrapped = re.sub(r"(?<![A-Za-z])([mku]?[AW])h(?![A-Za-z])", r"(\1*h)", unit)
    return factor_to_si(wrapped, si)


def header_score(labels: Sequence[str]) -> int:
    """How surely a list of column labels is an Arbin header (0, 60 or 90)."""
    keys = {_spec(lab)[2] for lab in labels}
    if not {"testtime", "voltage", "current"} <= keys:
        return 0
    specific = len(keys & _ARBIN_KEYS)
    if specific >= 3:
        return 90
    return 60 if specific >= 1 else 0


# -- building CellData ------------------------------------------------------------------------
def _datetime_column(series: pl.Series, notes: list[str]) -> pl.Series | None:
    """``date_time`` from Arbin's DateTime: Unix seconds (UTC), OLE days, text or datetimes."""
    s = series.alias("date_time")
    if s.dtype == pl.Datetime or s.dtype == pl.Date:
        return s.cast(pl.Datetime("us"))
    if s.dtype == pl.String:
        text = s.str.strip_chars()
        as_number = text.cast(pl.Float64, strict=False)
        if as_number.null_count() == text.null_count():  # numbers written as text
            return _datetime_column(as_number.alias("date_time"), notes)
        # MITS Pro writes month/day/year: the explicit US layouts come first, because polars'
        # own guess reads "05/06/2023" as 5 June. Day-first only when month-first fails.
        for fmt in (
            "%m/%d/%Y %H:%M:%S%.f",
            "%m/%d/%Y %H:%M:%S",
            "%m/%d/%Y %I:%M:%S %p",
            "%Y-%m-%d %H:%M:%S%.f",
            "%d/%m/%Y %H:%M:%S%.f",
            None,
        ):
            try:
                return text.str.to_datetime(format=fmt, strict=True, time_unit="us")
            except (pl.exceptions.PolarsError, ValueError):
                continue
        notes.append("DateTime text not understood as a date; kept as text in 'date_time'")
        return text
    values = s.cast(pl.Float64, strict=False)
    values = values.fill_nan(None)
    finite = values.drop_nulls()
    if finite.len() == 0:
        return None
    typical = float(finite.median())  # type: ignore[arg-type]
    if typical > 1e8:  # Unix time [s]
        seconds_since_epoch, zone = values, "UTC"
    elif 1e4 < typical < 1e6:  # OLE Automation date [days], the tester's local time
        seconds_since_epoch, zone = values * 86400.0 + OLE_EPOCH_S, None
    else:
        seconds_since_epoch = None
    if seconds_since_epoch is not None:
        # years 1900 .. 9999; anything else (a corrupted value) becomes null
        ok = (seconds_since_epoch > -2.2e9) & (seconds_since_epoch < 2.5e11)
        masked = pl.when(ok).then(seconds_since_epoch * 1e6).otherwise(None)
        us = pl.select(masked.round(0).cast(pl.Int64)).to_series()
        return us.cast(pl.Datetime("us", zone)).alias("date_time")
    notes.append(f"DateTime values (typical {typical:g}) are neither Unix nor OLE times; dropped")
    return None


def _numbers(series: pl.Series, path: Path, fmt: str, label: str) -> np.ndarray:
    if series.dtype.is_numeric():
        return series.cast(pl.Float64).to_numpy()
    if series.dtype == pl.Boolean:
        return series.cast(pl.Float64).to_numpy()
    cast = series.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
    bad = cast.is_null() & series.is_not_null() & (series.cast(pl.String).str.strip_chars() != "")
    if bad.any():
        row = int(bad.arg_true()[0])
        raise FileFormatError(
            path, fmt, f"column '{label}' holds a non-number at data row {row + 1}: {series[row]!r}"
        )
    return cast.to_numpy()


def _counter(values: np.ndarray, name: str, label: str, path: Path, fmt: str) -> pl.Series:
    """An integer column (Int32) from numbers that must be whole and in range."""
    finite = np.isfinite(values)
    bad = finite & ((values != np.round(values)) | (np.abs(values) > 2**31 - 1))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise FileFormatError(
            path, fmt, f"column '{label}' holds {values[row]:g} at data row {row + 1}: not a count"
        )
    ints = np.where(finite, values, 0).astype(np.int32)
    return pl.Series(name, ints).scatter(np.flatnonzero(~finite), None)


def running_step(
    step_index: np.ndarray,
    *,
    cycle: np.ndarray | None = None,
    step_time: np.ndarray | None = None,
    test_id: np.ndarray | None = None,
) -> np.ndarray:
    """A step count (1-based) that increases at every step change.

    A new step starts where ``step_index`` or ``cycle`` or ``test_id`` changes, or where the
    step time goes back (a step that jumps to itself keeps its index but restarts its clock).

    Examples
    --------
    >>> running_step(np.array([1, 2, 2, 1, 2]), cycle=np.array([1, 1, 1, 2, 2])).tolist()
    [1, 2, 2, 3, 4]
    """
    n = step_index.size
    if n == 0:
        return np.zeros(0, dtype=np.int32)
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(step_index[1:], step_index[:-1], out=new[1:])
    for other in (cycle, test_id):
        if other is not None:
            new[1:] |= other[1:] != other[:-1]
    if step_time is not None:
        with np.errstate(invalid="ignore"):
            new[1:] |= step_time[1:] < step_time[:-1] - 1e-9
    return np.cumsum(new, dtype=np.int32)


def _convert(
    series: pl.Series,
    spec: Any,
    unit: str | None,
    label: str,
    path: Path,
    fmt: str,
    notes: list[str],
) -> Any:
    """One Arbin column in SI (numbers, seconds, datetimes or counters), by its spec."""
    if spec.kind == "time":
        as_number = series.cast(pl.Float64, strict=False)
        if as_number.null_count() == series.null_count():  # numbers (or number text)
            return as_number.to_numpy() * (_factor(unit, "s") if unit else 1.0)
        return seconds(series, unit=None, path=path, fmt=fmt)  # "h:mm:ss" or dates
    if spec.kind == "datetime":
        return _datetime_column(series, notes)
    if spec.kind == "int":
        return _counter(_numbers(series, path, fmt, label), spec.name, label, path, fmt)
    if spec.kind == "temperature":
        return temperature_K(_numbers(series, path, fmt, label), unit or spec.default)
    values = _numbers(series, path, fmt, label)
    if spec.kind == "rate_t":  # a temperature rate: degC/s and K/s are the same
        return values * _factor((unit or "K/s").replace("C", "K").replace("°", ""), "K/s")
    if spec.kind.startswith("rate_"):
        return values * _factor(unit or "V/s", "V/s")
    u = unit or spec.default
    return values * (_factor(u, spec.si) if u and spec.si else 1.0)


def _columns(
    frame: pl.DataFrame, path: Path, fmt: str, notes: list[str]
) -> tuple[dict[str, Any], dict[str, str], list[str], list[str]]:
    """Every column converted: (SI columns, output name -> label in the file, labels of
    unknown meaning, labels dropped as empty)."""
    cols: dict[str, Any] = {}
    source: dict[str, str] = {}
    unknown: list[str] = []
    dropped: list[str] = []
    n_rows = frame.height
    for label in frame.columns:
        spec, unit, _key = _spec(label)
        series = frame.get_column(label)
        if spec is None:
            if series.null_count() < n_rows:
                unknown.append(label)
                cols[label] = series
            continue
        if series.null_count() == n_rows or (
            series.dtype == pl.String and (series.str.strip_chars() == "").all()
        ):
            dropped.append(label)
            continue
        name = spec.name if spec.name not in cols else label  # a quantity twice: 2nd by label
        source[name] = label
        try:
            value = _convert(series, spec, unit, label, path, fmt, notes)
        except UnitsError as exc:
            raise FileFormatError(
                path, fmt, f"unit of column '{label}' not understood: {exc}"
            ) from None
        if value is not None:
            cols[name] = value
    return cols, source, unknown, dropped


def _require(
    cols: dict[str, Any], frame: pl.DataFrame, path: Path, fmt: str, notes: list[str]
) -> dict[str, Any]:
    """The first auxiliary temperature as temperature_K when there is no other; time,
    voltage and current present and the time finite."""
    if "temperature_K" not in cols:
        aux_t = sorted(
            (c for c in cols if re.fullmatch(r"aux_temperature_\d+_K", c)),
            key=lambda c: int(c.split("_")[2]),
        )
        if aux_t:
            cols = {("temperature_K" if c == aux_t[0] else c): v for c, v in cols.items()}
            notes.append(f"temperature_K is the first auxiliary temperature ({aux_t[0]})")
    for role, name in (("time", "time_s"), ("voltage", "voltage_V"), ("current", "current_A")):
        if name not in cols:
            raise FileFormatError(
                path,
                fmt,
                f"no {role} column among {frame.columns[:16]}"
                + (" ..." if frame.width > 16 else ""),
            )
    t = cols["time_s"]
    if t.size and not np.isfinite(t).all():
        row = int(np.flatnonzero(~np.isfinite(t))[0])
        raise FileFormatError(
            path, fmt, f"Test_Time is missing or not a number at data row {row + 1}"
        )
    return cols


def _drop_empty(cols: dict[str, Any], source: dict[str, str], dropped: list[str]) -> None:
    for name in list(cols):
        v = cols[name]
        if name in _ALWAYS_KEEP:
            continue
        if isinstance(v, pl.Series):
            if not v.dtype.is_numeric():
                continue
            v = v.cast(pl.Float64).fill_null(float("nan")).to_numpy()
        if v.size and np.all((v == 0) | np.isnan(v)):
            dropped.append(source.get(name, name))
            del cols[name]


def _counters(cols: dict[str, Any], notes: list[str]) -> None:
    """Arbin's Cycle_Index is the cycle; a running count of steps is the step."""
    for name in ("step_index", "cycle", "test_id"):
        if name in cols and isinstance(cols[name], pl.Series):
            s = cols[name].fill_null(strategy="forward").fill_null(strategy="backward")
            cols[name] = s
    if "step_index" in cols:
        cols["step"] = running_step(
            cols["step_index"].to_numpy(),
            cycle=cols["cycle"].to_numpy() if "cycle" in cols else None,
            step_time=cols.get("step_time_s"),
            test_id=cols["test_id"].to_numpy() if "test_id" in cols else None,
        )
    else:
        notes.append("no Step_Index in the file: steps derived from the current")
    if "cycle" not in cols:
        notes.append("no Cycle_Index in the file: cycles derived from the steps")
    for name in ("data_point", "test_id", "is_fc_data", "sub_step_index"):
        if name in cols and isinstance(cols[name], pl.Series):
            cols[name] = cols[name].alias(name)


def _start(meta: Metadata, cols: dict[str, Any], notes: list[str]) -> datetime | None:
    """The stated start, else the first point's DateTime minus its Test_Time."""
    start, t = meta.start_time, cols["time_s"]
    if "date_time" in cols and cols["date_time"].dtype != pl.String and t.size:
        first = cols["date_time"][0]
        if isinstance(first, datetime):
            data_start = first - timedelta(seconds=float(t[0]))
            if start is None:
                start = data_start
            elif abs(_naive(start) - _naive(data_start)) > timedelta(seconds=60):
                notes.append(
                    f"the stated start {start.isoformat()} differs from the first point's "
                    f"DateTime minus Test_Time ({data_start.isoformat()}); start_time is the "
                    "stated one"
                )
    return start


def build_celldata(
    frame: pl.DataFrame,
    *,
    path: Path,
    fmt: str,
    meta: Metadata,
    notes: list[str],
    extra: Mapping[str, Any] | None = None,
) -> CellData:
    """CellData from a frame with Arbin column labels (any of the layouts in the module doc).

    Parameters
    ----------
    frame
        The table as read, labels as written by Arbin.
    path, fmt
        For error messages.
    meta
        Metadata so far; notes are appended, ``start_time`` filled from the data when absent.
    notes
        Notes collected while reading (extended here).
    extra
        Columns already in SI (e.g. auxiliary inputs of a ``.res``), added as they are.
    """
    cols, source, unknown, dropped = _columns(frame, path, fmt, notes)
    if extra:
        cols.update(extra)
    cols = _require(cols, frame, path, fmt, notes)
    _drop_empty(cols, source, dropped)
    if dropped:
        notes.append(f"columns without information (empty or all zero) dropped: {dropped}")
    if unknown:
        warnings.warn(
            f"'{path.name}': columns of unknown meaning kept under their labels: {unknown}",
            UnknownColumnWarning,
            stacklevel=3,
        )
    _counters(cols, notes)
    found = charge_from_capacities(
        cols, "charge_capacity_C", "discharge_capacity_C", "Charge_Capacity - Discharge_Capacity"
    )
    start = _start(meta, cols, notes)
    out = pl.DataFrame(
        [v if isinstance(v, pl.Series) else pl.Series(k, v) for k, v in cols.items()]
    )
    meta = meta.replace(start_time=start, notes=(*meta.notes, *notes)).with_provenance(*found)
    return CellData.from_columns(out, meta)


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None) if moment.tzinfo else moment


def arbin_metadata(
    fmt: str,
    version: str | None,
    start: datetime | None,
    mass_kg: float | None,
    header: dict[str, Any],
) -> Metadata:
    """The Metadata every Arbin reader states (``fmt``: ``arbin-csv`` or ``arbin-res``)."""
    return Metadata(
        instrument="Arbin",
        format=fmt,
        format_version=version,
        start_time=start,
        mass_kg=mass_kg,
        techniques=("cycling",),
        header=header,
    )
