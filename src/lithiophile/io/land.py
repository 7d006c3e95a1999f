"""LAND / LANHE battery-test (CT2001A, CT3001 ... with LANDdt / LANHE software) exports.

The layouts, and how the record table is found in them, are in
:mod:`lithiophile.io.land_layout` (stage 1); this module converts that table into CellData
(stage 2): units from the labels, times, states, signs.

Conventions applied
-------------------
* Current: LAND writes charge positive and discharge negative (navani's reading); where a state
  column says charge (``CCC``, ``CVC``, ``CCCV_C``, ``恒流充电`` ...) or discharge (``CCD``,
  ``CVD``, ``恒流放电`` ...) the sign is set from it (|I| or -|I|), so an unsigned export is
  signed the same way. This is the package's convention for a working electrode on the
  positive lead (reduction at the working electrode negative).
* ``cycle``/``step`` are LAND's numbers; ``step_kind`` from the state where it says rest, cv,
  charge or discharge, from the data otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, UnitsError
from lithiophile.io import steps as _steps
from lithiophile.io.celldata import CellData, Metadata, Provenance
from lithiophile.io.land_layout import FMT, NAMES, Parsed, parse, sniff, split_label
from lithiophile.io.maccor_text import run_ids, sane_dates, state_kinds
from lithiophile.io.table import temperature_K
from lithiophile.units import factor_to_si

__all__ = ["NAMES", "read", "sniff"]

_TIME_UNITS = {"sec": 1.0, "s": 1.0, "min": 60.0, "h": 3600.0, "hr": 3600.0, "ms": 1e-3}

_CLOCK = (
    r"^\s*(?:(?P<d>\d+)\s*(?:-|d|day|days|天)\s*)?"
    r"(?P<h>\d+):(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:[.,]\d*)?)\s*$"
)


def _where(frame: pl.DataFrame, r: int) -> str:
    row = frame.get_column("_row")[r]
    sheet = frame.get_column("_sheet")[r]
    return f"sheet {sheet!r} row {row}" if sheet else f"line {row}"


def _numbers(path: Path, frame: pl.DataFrame, label: str) -> np.ndarray:
    """A column as float64; FileFormatError naming the row of a value that is not a number."""
    col = frame.get_column(label)
    if col.dtype.is_numeric():
        return col.cast(pl.Float64).to_numpy()
    text = col.cast(pl.String).str.strip_chars()
    values = text.cast(pl.Float64, strict=False)
    bad = text.is_not_null() & (text != "") & values.is_null()
    if bad.any():
        r = int(bad.arg_true()[0])
        raise FileFormatError(
            path, FMT, f"{_where(frame, r)}: {label!r} is {text[r]!r}, not a number"
        )
    return values.to_numpy()


def _seconds(path: Path, frame: pl.DataFrame, label: str, unit: str | None) -> np.ndarray:
    col = frame.get_column(label)
    if isinstance(col.dtype, pl.Duration):
        return col.dt.total_microseconds().cast(pl.Float64).to_numpy() / 1e6
    if isinstance(col.dtype, pl.Time):
        secs = col.cast(pl.Int64).cast(pl.Float64).to_numpy() / 1e9
        wraps = np.concatenate(([0.0], np.cumsum(np.diff(secs) < -43_200.0) * 86_400.0))
        return secs + wraps
    if isinstance(col.dtype, pl.Datetime):
        ts = col.dt.epoch("us").cast(pl.Float64).to_numpy() / 1e6
        return ts - ts[0] if ts.size else ts
    text = col.cast(pl.String).str.strip_chars()
    numeric = text.cast(pl.Float64, strict=False)
    if numeric.null_count() == text.null_count():
        u = (unit or "s").lower()
        if u not in _TIME_UNITS:
            raise FileFormatError(path, FMT, f"time unit {unit!r} of {label!r} not understood")
        return numeric.to_numpy() * _TIME_UNITS[u]
    parts = text.str.extract_groups(_CLOCK)
    h = parts.struct.field("h")
    bad = text.is_not_null() & h.is_null()
    if bad.any():
        r = int(bad.arg_true()[0])
        raise FileFormatError(
            path,
            FMT,
            f"{_where(frame, r)}: {label!r} is {text[r]!r}, neither a number nor a "
            "time h:mm:ss / d-hh:mm:ss",
        )
    d = parts.struct.field("d").cast(pl.Float64).fill_null(0.0)
    m = parts.struct.field("m").cast(pl.Float64)
    s = parts.struct.field("s").str.replace(",", ".").cast(pl.Float64)
    return (d * 86400.0 + h.cast(pl.Float64) * 3600.0 + m * 60.0 + s).to_numpy()


def _timestamps(frame: pl.DataFrame, label: str) -> pl.Series | None:
    col = frame.get_column(label)
    if isinstance(col.dtype, pl.Datetime):
        return sane_dates(col.cast(pl.Datetime("us"))).alias("timestamp")
    text = col.cast(pl.String).str.strip_chars()
    for fmt_ in (
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y/%m/%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y/%m/%d %H:%M:%S",
        "%d.%m.%Y %H:%M:%S",
    ):
        parsed = sane_dates(text.str.to_datetime(format=fmt_, strict=False, time_unit="us"))
        if parsed.null_count() == text.null_count():
            return parsed.alias("timestamp")
    return None


def _state_codes(states: pl.Series) -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """Per row: sign from the state (+1, -1, 0 = keep) and kind code (255 = from data)."""
    text = states.cast(pl.String).str.strip_chars().fill_null("")
    uniques = text.unique(maintain_order=True).to_list()  # the message lists them in file order
    sign_of: dict[str, int] = {}
    kind_of: dict[str, int] = {}
    described: dict[str, str] = {}
    for value in uniques:
        s, k = _classify(value)
        sign_of[value], kind_of[value] = s, k
        if value:
            kind_text = _steps.STEP_KINDS[k] if k != 255 else "from data"
            described[value] = kind_text + {1: ", +|I|", -1: ", -|I|", 0: ""}[s]
    sign = text.replace_strict(sign_of, return_dtype=pl.Int8).to_numpy()
    kind = text.replace_strict(kind_of, return_dtype=pl.UInt8).to_numpy()
    return sign, kind, described


def _classify(value: str) -> tuple[int, int]:
    """(sign, kind code) of one LAND state: CCC/CCD/CVC/CVD/CCCV_C/Rest or Chinese names."""
    v = value.strip().upper().replace(" ", "")
    code = _steps.KIND_CODE
    if not v:
        return 0, 255
    if v in ("R", "REST", "静置", "搁置", "休眠", "OCV", "PAUSE"):
        return 0, code["rest"]
    if "充" in v or "放" in v:
        sign = 1 if "充" in v else -1
        if "恒压" in v and "恒流" not in v:
            return sign, code["cv"]
        return sign, 255 if "恒流恒压" in v else code["charge" if sign > 0 else "discharge"]
    if v in ("CCC", "CC_C", "C_CC", "CCCHARGE", "CHARGE", "CHG", "C"):
        return 1, code["charge"]
    if v in ("CCD", "CC_D", "D_CC", "CCDISCHARGE", "DISCHARGE", "DCHG", "DIS", "D"):
        return -1, code["discharge"]
    if v in ("CVC", "CV_C", "CVCHARGE"):
        return 1, code["cv"]
    if v in ("CVD", "CV_D", "CVDISCHARGE"):
        return -1, code["cv"]
    if v.endswith(("_C", "C")) and v.startswith(("CCCV", "CCVC")):
        return 1, 255
    if v.endswith(("_D", "D")) and v.startswith(("CCCV", "CCVD")):
        return -1, 255
    if v == "CV":
        return 0, code["cv"]
    return 0, 255


#: Units of LAND labels -> factor to SI, by the SI prefixes (m = 1e-3, u = 1e-6) and
#: 1 h = 3600 s; others go through pint (slow to load the first time).
_UNIT_FACTORS: dict[tuple[str, str], float] = {
    ("A", "A"): 1.0,
    ("mA", "A"): 1e-3,
    ("uA", "A"): 1e-6,
    ("nA", "A"): 1e-9,
    ("V", "V"): 1.0,
    ("mV", "V"): 1e-3,
    ("Ah", "C"): 3600.0,
    ("mAh", "C"): 3.6,
    ("uAh", "C"): 3.6e-3,
    ("Wh", "J"): 3600.0,
    ("mWh", "J"): 3.6,
    ("uWh", "J"): 3.6e-3,
    ("mAh/g", "C/kg"): 3600.0,
    ("Ah/g", "C/kg"): 3.6e6,
    ("Ah/kg", "C/kg"): 3600.0,
    ("mWh/g", "J/kg"): 3600.0,
    ("Wh/kg", "J/kg"): 3600.0,
    ("Wh/g", "J/kg"): 3.6e6,
}


def _factor(path: Path, unit: str | None, si: str, default: str, label: str) -> float:
    u = (unit or default).replace("μ", "u").replace("µ", "u").strip()
    if (u, si) in _UNIT_FACTORS:
        return _UNIT_FACTORS[(u, si)]
    try:
        return factor_to_si(u.replace("μ", "u").replace("µ", "u"), si)
    except UnitsError as exc:
        raise FileFormatError(path, FMT, f"unit of {label!r} not understood: {exc}") from None


def _current_voltage(p: Parsed, path: Path) -> tuple[np.ndarray, np.ndarray]:
    cur_label, volt_label = p.roles["current"], p.roles["voltage"]
    current = _numbers(path, p.frame, cur_label) * _factor(
        path, split_label(cur_label)[1], "A", "mA", cur_label
    )
    if split_label(cur_label)[1] is None:
        p.notes.append(f"{cur_label!r} has no unit: taken as mA (LAND's default)")
    voltage = _numbers(path, p.frame, volt_label) * _factor(
        path, split_label(volt_label)[1], "V", "V", volt_label
    )
    for name, arr in (("current", current), ("voltage", voltage)):
        missing = ~np.isfinite(arr)
        if missing.any():
            r = int(np.flatnonzero(missing)[0])
            raise FileFormatError(path, FMT, f"{_where(p.frame, r)}: no {name} value")
    return current, voltage


def _time(p: Parsed, path: Path) -> np.ndarray:
    frame, roles = p.frame, p.roles
    if "time" in roles:
        time_s = _seconds(path, frame, roles["time"], split_label(roles["time"])[1])
    elif "timestamp" in roles and (stamps := _timestamps(frame, roles["timestamp"])) is not None:
        ts = stamps.dt.epoch("us").cast(pl.Float64).to_numpy() / 1e6
        time_s = ts - ts[0]
        p.notes.append("no test-time column: time from the system time stamps")
    else:
        raise FileFormatError(
            path, FMT, f"no test-time column (TestTime, 测试时间 ...) among {p.labels}"
        )
    if not np.isfinite(time_s).all():
        r = int(np.flatnonzero(~np.isfinite(time_s))[0])
        raise FileFormatError(path, FMT, f"{_where(frame, r)}: no time value")
    return time_s


def _signed(
    p: Parsed, current: np.ndarray, found: list[Provenance]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Current in the package's sign from LAND's state (where there is one), the step kinds
    the state fixes (255: undecided) and the state as a key for runs of rows."""
    n = p.frame.height
    if "state" not in p.roles:
        p.notes.append("no state column: current taken as written (LAND writes discharge negative)")
        return current, np.full(n, 255, dtype=np.uint8), np.zeros(n, dtype=np.int8)
    state = p.frame.get_column(p.roles["state"])
    sign, fixed, described = _state_codes(state)
    current = np.where(sign > 0, np.abs(current), np.where(sign < 0, -np.abs(current), current))
    found.append(
        Provenance("assumption", f"current sign from the state: {described}", "", "sign-inferred")
    )
    return current, fixed, state.cast(pl.String).fill_null("").to_numpy()


_SCALED = {
    "capacity": ("capacity_C", "C", "mAh"),
    "energy": ("energy_J", "J", "mWh"),
    "specific_capacity": ("specific_capacity_C_kg", "C/kg", "mAh/g"),
    "specific_energy": ("specific_energy_J_kg", "J/kg", "mWh/g"),
    "aux_voltage": ("aux_voltage_V", "V", "V"),
}


def _extra_columns(p: Parsed, path: Path, cols: dict[str, Any], used: set[str | None]) -> None:
    """Record, step time, the scaled counters and the temperature, in SI."""
    frame, roles = p.frame, p.roles
    if "record" in roles:
        values = pl.Series(_numbers(path, frame, roles["record"]))
        cols["record"] = values.cast(pl.Int64, strict=False)
        used.add(roles["record"])
    if "step_time" in roles:
        lab = roles["step_time"]
        cols["step_time_s"] = _seconds(path, frame, lab, split_label(lab)[1])
        used.add(lab)
    for role, (name, si, default) in _SCALED.items():
        if role in roles:
            lab = roles[role]
            factor = _factor(path, split_label(lab)[1], si, default, lab)
            cols[name] = _numbers(path, frame, lab) * factor
            used.add(lab)
    if "temperature" in roles:
        lab = roles["temperature"]
        unit = (split_label(lab)[1] or "degC").replace("℃", "degC")
        try:
            cols["temperature_K"] = temperature_K(_numbers(path, frame, lab), unit)
        except UnitsError as exc:
            raise FileFormatError(path, FMT, f"unit of {lab!r} not understood: {exc}") from None
        used.add(lab)


def build(p: Parsed, path: Path) -> CellData:
    """Stage 2: CellData (SI, the package's sign) from the parsed record table."""
    found: list[Provenance] = []
    current, voltage = _current_voltage(p, path)
    time_s = _time(p, path)
    current, fixed, state_key = _signed(p, current, found)
    roles = p.roles
    cols: dict[str, Any] = {"time_s": time_s, "voltage_V": voltage, "current_A": current}
    used = {roles["current"], roles["voltage"], roles.get("time"), roles.get("state")}
    keys = [state_key]
    for role in ("cycle", "step"):
        if role in roles:
            ints = np.nan_to_num(_numbers(path, p.frame, roles[role]), nan=0.0).astype(np.int32)
            cols[role] = ints
            keys.append(ints)
            used.add(roles[role])
    if "state" in roles or "step" in roles:
        cols["step_kind"] = state_kinds(run_ids(*keys), voltage, current, fixed)
    else:
        p.notes.append("no state or step column: steps and step kinds derived from the data")
    if "state" in roles:
        cols["state"] = p.frame.get_column(roles["state"]).cast(pl.String)
    _extra_columns(p, path, cols, used)
    start_time = None
    if "timestamp" in roles and (stamps := _timestamps(p.frame, roles["timestamp"])) is not None:
        cols["timestamp"] = stamps
        valid = stamps.drop_nulls()
        start_time = valid[0] if len(valid) else None
        used.add(roles["timestamp"])
    for lab in p.labels:
        if lab not in used and lab not in cols:
            cols[lab] = p.frame.get_column(lab)
    if "cycle" in roles or "step" in roles:
        p.notes.append("cycle and step are LAND's own numbers")
    meta = Metadata(
        format="land",
        instrument="LAND",
        format_version="LANDdt/LANHE "
        + ("workbook export" if p.header.get("sheets") else "text export"),
        start_time=start_time,
        techniques=("cycling",),
        header=p.header,
        notes=tuple(p.notes),
        provenance=tuple(found),
    )
    return CellData.from_columns(pl.DataFrame(cols), meta)


def read(path: Path, *, sheet: str | None = None, **_: Any) -> CellData:
    """Read a LAND/LANHE export (.xlsx/.xls workbook or CSV/text table): :func:`parse`, then
    :func:`build`.

    Parameters
    ----------
    path
        The file (only read).
    sheet
        Name of the record sheet to read (default: every sheet named ``Record...``/``记录...``,
        in order, as one table).

    Returns
    -------
    CellData
        ``time_s`` [s], ``voltage_V`` [V], ``current_A`` [A] (signed by the state where there
        is one), ``cycle``, ``step``, ``step_kind``; ``record``, ``step_time_s`` [s],
        ``capacity_C`` [C] and ``energy_J`` [J] (as LAND writes them), ``specific_capacity_C_kg``
        [C/kg], ``specific_energy_J_kg`` [J/kg], ``state``, ``timestamp``, ``temperature_K`` [K]
        when present; other columns under their labels.

    Raises
    ------
    FileFormatError
        Not a readable workbook/table; no current and voltage columns; a value that is not a
        number or a time (named by sheet and row, or by line).
    """
    return build(parse(path, sheet), path)
