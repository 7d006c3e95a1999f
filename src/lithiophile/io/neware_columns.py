"""What Neware's BTSDA exports' columns mean, and the step from those columns to CellData.

The label table (:data:`LABELS`, :data:`UNITS`: every column BTSDA 7 and 8 write, in English
and Chinese, with its unit), the conversion of each column to SI, the running step and the
step kinds from BTSDA's step type, and :func:`to_celldata`. The layouts themselves (flat
record layer, cycle/step/record layers, Excel sheets) are found by
:mod:`lithiophile.io.neware_csv`, which documents the sources.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, UnitsError, UnknownColumnWarning
from lithiophile.io import steps as _steps
from lithiophile.io.celldata import CellData, Metadata, Provenance, kinds_series
from lithiophile.io.charge import charge_from_capacities
from lithiophile.io.table import (
    temperature_K,
)
from lithiophile.io.text import parse_label
from lithiophile.units import factor_to_si

__all__ = ["LABELS", "UNITS", "to_celldata"]

# -- labels ---------------------------------------------------------------------------------
#: normalised label name -> (output column, kind). Kinds: int, text, duration (step time),
#: total (test time), datetime, current, voltage, charge, energy, power, resistance,
#: temperature, dqdv, per_mass (redundant: capacity / mass), flag
LABELS: dict[str, tuple[str, str]] = {
    "datapoint": ("record_index", "int"),
    "recordid": ("record_index", "int"),
    "recordindex": ("record_index", "int"),
    "record": ("record_index", "int"),
    "cycleindex": ("cycle", "int"),
    "cycleid": ("cycle", "int"),
    "cycle": ("cycle", "int"),
    "cyclenumber": ("cycle", "int"),
    "stepindex": ("step_index", "int"),
    "stepid": ("step_index", "int"),
    "stepnumber": ("step_index", "int"),
    "steptype": ("step_type", "text"),
    "stepname": ("step_type", "text"),
    "status": ("step_type", "text"),
    "time": ("step_time_s", "duration"),
    "steptime": ("step_time_s", "duration"),
    "relativetime": ("step_time_s", "duration"),
    "totaltime": ("time_s", "total"),
    "cumulativetime": ("time_s", "total"),
    "tottime": ("time_s", "total"),
    "testtime": ("time_s", "total"),
    "date": ("date_time", "datetime"),
    "realtime": ("date_time", "datetime"),
    "datetime": ("date_time", "datetime"),
    "absolutetime": ("date_time", "datetime"),
    "systemtime": ("date_time", "datetime"),
    "current": ("current_A", "current"),
    "voltage": ("voltage_V", "voltage"),
    "capacity": ("step_capacity_C", "charge"),
    "chgcap": ("step_charge_capacity_C", "charge"),
    "dchgcap": ("step_discharge_capacity_C", "charge"),
    "chargecapacity": ("step_charge_capacity_C", "charge"),
    "dischargecapacity": ("step_discharge_capacity_C", "charge"),
    "capacitancechg": ("step_charge_capacity_C", "charge"),
    "capacitancedchg": ("step_discharge_capacity_C", "charge"),
    "energy": ("step_energy_J", "energy"),
    "chgenergy": ("step_charge_energy_J", "energy"),
    "dchgenergy": ("step_discharge_energy_J", "energy"),
    "chargeenergy": ("step_charge_energy_J", "energy"),
    "dischargeenergy": ("step_discharge_energy_J", "energy"),
    "engychg": ("step_charge_energy_J", "energy"),
    "engydchg": ("step_discharge_energy_J", "energy"),
    "power": ("power_W", "power"),
    "dq/dv": ("dqdv_C_V", "dqdv"),
    "contactresistance": ("contact_resistance_ohm", "resistance"),
    "dcir": ("dc_internal_resistance_ohm", "resistance"),
    "internalresistance": ("internal_resistance_ohm", "resistance"),
    "temperature": ("temperature_K", "temperature"),
    "temp": ("temperature_K", "temperature"),
    "mint": ("min_temperature_K", "temperature"),
    "maxt": ("max_temperature_K", "temperature"),
    "avgt": ("mean_temperature_K", "temperature"),
    "speccap": ("", "per_mass"),
    "chgspeccap": ("", "per_mass"),
    "dchgspeccap": ("", "per_mass"),
    "specenergy": ("", "per_mass"),
    "chgspecenergy": ("", "per_mass"),
    "dchgspecenergy": ("", "per_mass"),
    "capacitydensity": ("", "per_mass"),
    "cmpeng": ("", "per_mass"),
    "dqm/dv": ("", "per_mass"),
    "modulestartstopswitch": ("module_switch", "flag"),
    "stepstartandendidentification": ("step_boundary_flag", "flag"),
}
#: auxiliary channels: T1, t2, V1, H1 ... (temperature, temperature, voltage, humidity)
_AUX = re.compile(r"^(?P<q>[TtVH])(?P<n>\d+)$")

#: unit spellings of BTSDA labels -> (SI unit, factor); pint is asked about anything else
UNITS: dict[str, tuple[str, float]] = {
    "a": ("A", 1.0), "ma": ("A", 1e-3), "ua": ("A", 1e-6), "µa": ("A", 1e-6),
    "μa": ("A", 1e-6), "na": ("A", 1e-9),
    "v": ("V", 1.0), "mv": ("V", 1e-3), "uv": ("V", 1e-6), "µv": ("V", 1e-6),
    "ah": ("C", 3600.0), "mah": ("C", 3.6), "uah": ("C", 3.6e-3), "µah": ("C", 3.6e-3),
    "as": ("C", 1.0), "mas": ("C", 1e-3), "c": ("C", 1.0),
    "wh": ("J", 3600.0), "mwh": ("J", 3.6), "uwh": ("J", 3.6e-3), "µwh": ("J", 3.6e-3),
    "ws": ("J", 1.0), "mws": ("J", 1e-3), "j": ("J", 1.0),
    "w": ("W", 1.0), "mw": ("W", 1e-3), "uw": ("W", 1e-6), "kw": ("W", 1e3),
    "o": ("ohm", 1.0), "ohm": ("ohm", 1.0), "ω": ("ohm", 1.0), "mo": ("ohm", 1e-3),
    "mohm": ("ohm", 1e-3), "mω": ("ohm", 1e-3),
    "ah/v": ("C/V", 3600.0), "mah/v": ("C/V", 3.6),
    "s": ("s", 1.0), "ms": ("s", 1e-3), "min": ("s", 60.0), "h": ("s", 3600.0),
}  # fmt: skip
_SI_OF_KIND = {
    "current": "A", "voltage": "V", "charge": "C", "energy": "J", "power": "W",
    "resistance": "ohm", "dqdv": "C/V",
}  # fmt: skip
#: unit assumed when a label states none (BTSDA 8 default export units)
_DEFAULT_UNIT = {
    "current": "A", "voltage": "V", "charge": "Ah", "energy": "Wh", "power": "W",
    "resistance": "mO", "dqdv": "mAh/V",
}  # fmt: skip

#: Neware step names (as BTSDA writes them, with spaces, underscores or in Chinese) -> kind
STEP_KINDS_BY_NAME: dict[str, str] = {
    "ccchg": "charge", "cccvchg": "charge", "cpchg": "charge", "crchg": "charge",
    "pccvchg": "charge", "pcccvchg": "charge", "cpcvchg": "charge", "crcvchg": "charge",
    "ccdchg": "discharge", "cccvdchg": "discharge", "cpdchg": "discharge",
    "crdchg": "discharge", "cpcvdchg": "discharge", "crcvdchg": "discharge",
    "cvchg": "cv", "cvdchg": "cv", "rest": "rest", "pause": "rest", "ocv": "ocv",
    "恒流充电": "charge", "恒流恒压充电": "charge", "恒功率充电": "charge",
    "恒流放电": "discharge", "恒流恒压放电": "discharge", "恒功率放电": "discharge",
    "恒阻放电": "discharge", "恒压充电": "cv", "恒压放电": "cv", "搁置": "rest",
    "静置": "rest", "暂停": "rest",
}  # fmt: skip


def _name_key(name: str) -> str:
    return re.sub(r"[\s_\-.]", "", name).lower()


def _label_key(label: str) -> tuple[str, str | None]:
    """Normalised name (lower case, no spaces/'_'/'-'/'.') and unit of a column label."""
    name, unit = parse_label(label)
    if "/" in label and unit is None:  # "dQ/dV" without unit
        name = label
    return _name_key(name), unit


def _role(label: str) -> tuple[str, str, str | None] | None:
    """(output column, kind, unit) of a label, or None for an unknown label."""
    key, unit = _label_key(label)
    if key in LABELS:
        out, kind = LABELS[key]
        return out, kind, unit
    m = _AUX.match(parse_label(label)[0].strip())
    if m:
        q, n = m.group("q"), m.group("n")
        if q in "Tt":
            return f"aux_temperature_{n}_K", "temperature", unit
        if q == "V":
            return f"aux_voltage_{n}_V", "voltage", unit
        return f"aux_humidity_{n}", "float", unit
    return None


# -- conversion -----------------------------------------------------------------------------
def _factor(kind: str, unit: str | None, label: str, path: Path, fmt: str) -> float:
    """Factor from the label's unit to SI for a column of ``kind``."""
    si = _SI_OF_KIND[kind]
    text = (unit or _DEFAULT_UNIT[kind]).strip().replace(" ", "")
    known = UNITS.get(text.lower())
    if known is not None:
        if known[0] != si:
            raise FileFormatError(
                path, fmt, f"column '{label}' has the unit '{text}', not a unit of {si}"
            )
        return known[1]
    factor = _pint_factor(text, si)
    if factor is None:
        raise FileFormatError(path, fmt, f"column '{label}': unit '{text}' not understood as {si}")
    return factor


def _pint_factor(unit: str, si: str) -> float | None:
    """Factor from ``unit`` to ``si`` through the package's pint registry, or None.

    pint's parser raises more than UnitsError on odd text (tokenize.TokenError for an
    unbalanced bracket in a label), so every failure counts as "not understood".
    """
    try:
        return factor_to_si(unit, si)
    except Exception:  # UnitsError, tokenize.TokenError ...
        return None


def _duration_s(
    series: pl.Series, unit: str | None, label: str, path: Path, fmt: str
) -> np.ndarray:
    """Seconds from a duration column: clock text ``[d-]h:mm:ss[.fff]``, numbers with a
    unit, durations, or Excel day fractions for clock-formatted cells."""
    if series.dtype == pl.Duration:
        return series.dt.total_microseconds().cast(pl.Float64).to_numpy() / 1e6
    if series.dtype == pl.Time:
        return series.cast(pl.Int64).cast(pl.Float64).to_numpy() / 1e9
    if series.dtype.is_numeric():
        u = (unit or "s").strip().lower()
        if ":" in u:  # clock format stored as a fraction of a day (Excel)
            return series.cast(pl.Float64).to_numpy() * 86400.0
        factor = UNITS.get(u, (None, None))[1]
        if factor is None:
            factor = _pint_factor(unit or "s", "s")
        if factor is None:
            raise FileFormatError(path, fmt, f"column '{label}': time unit '{unit}' not understood")
        return series.cast(pl.Float64).to_numpy() * factor
    text = series.cast(pl.String).str.strip_chars()
    parts = text.str.split_exact(":", 2)
    h = parts.struct.field("field_0").cast(pl.Float64, strict=False)
    m = parts.struct.field("field_1").cast(pl.Float64, strict=False)
    sec = parts.struct.field("field_2")
    if sec.str.contains(",", literal=True).any():
        sec = sec.str.replace(",", ".", literal=True)
    sec = sec.cast(pl.Float64, strict=False)
    valid = text.null_count()
    if h.null_count() == valid and m.null_count() == valid and sec.null_count() == valid:
        return (h * 3600.0 + m * 60.0 + sec).to_numpy()
    parts = text.str.extract_groups(  # with a day count: "1d 02:03:04", "1-02:03:04"
        r"^(?:(?P<d>\d+)\s*(?:d|day|days|-)\s*)?(?P<h>\d+):(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:[.,]\d*)?)$"
    )
    hours = parts.struct.field("h")
    if hours.null_count() != text.null_count():
        bad = text.filter(hours.is_null() & text.is_not_null()).head(3).to_list()
        raise FileFormatError(
            path, fmt, f"column '{label}' holds times that are not h:mm:ss (e.g. {bad})"
        )
    d = parts.struct.field("d").cast(pl.Float64).fill_null(0.0)
    seconds = (
        d * 86400.0
        + hours.cast(pl.Float64) * 3600.0
        + parts.struct.field("m").cast(pl.Float64) * 60.0
        + parts.struct.field("s").str.replace(",", ".").cast(pl.Float64)
    )
    return seconds.to_numpy()


def _datetimes(series: pl.Series, label: str, notes: list[str]) -> pl.Series | None:
    if series.dtype == pl.Datetime:
        return series.cast(pl.Datetime("us")).alias("date_time")
    text = series.cast(pl.String).str.strip_chars()
    for fmt in ("%Y-%m-%d %H:%M:%S%.f", "%Y/%m/%d %H:%M:%S%.f", "%Y.%m.%d %H:%M:%S%.f", None):
        try:
            return text.str.to_datetime(format=fmt, strict=True, time_unit="us").alias("date_time")
        except (pl.exceptions.PolarsError, ValueError):
            continue
    notes.append(f"'{label}' holds no dates this reader understands; left out")
    return None


def _kind_codes(names: pl.Series) -> np.ndarray:
    """Step-kind codes from Neware step names (unknown names -> 'unknown')."""
    uniq = names.unique().drop_nulls().to_list()
    mapping = {
        n: _steps.KIND_CODE[STEP_KINDS_BY_NAME.get(_name_key(str(n)), "unknown")] for n in uniq
    }
    return (
        names.replace_strict(mapping, default=_steps.KIND_CODE["unknown"], return_dtype=pl.UInt8)
        .to_numpy()
        .astype(np.uint8, copy=False)
    )


def _running_step(
    cycle: np.ndarray | None,
    step_index: np.ndarray | None,
    step_time: np.ndarray | None,
    step_type: pl.Series | None,
) -> np.ndarray | None:
    """1-based running step number: +1 where the cycle, program step or step type changes or
    the step time goes back."""
    parts = [a for a in (cycle, step_index) if a is not None]
    if not parts and step_time is None:
        return None
    n = (parts[0] if parts else step_time).size  # type: ignore[union-attr]
    new = np.zeros(n, dtype=bool)
    if n:
        new[0] = True
    for a in parts:
        new[1:] |= a[1:] != a[:-1]
    if step_time is not None:
        new[1:] |= step_time[1:] < step_time[:-1]
    if step_type is not None:
        codes = step_type.cast(pl.Categorical).to_physical().to_numpy()
        new[1:] |= codes[1:] != codes[:-1]
    return np.cumsum(new, dtype=np.int32)


def _total_from_steps(step_time: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Test time as the step times laid end to end (each step starts where the longest step
    time of the steps before it add up to)."""
    n = step_time.size
    starts = np.concatenate(([0], np.flatnonzero(np.diff(step)) + 1)) if n else np.zeros(0, int)
    if not n:
        return step_time
    longest = np.maximum.reduceat(np.nan_to_num(step_time), starts)
    before = np.concatenate(([0.0], np.cumsum(longest[:-1])))
    return step_time + np.repeat(before, np.diff(np.append(starts, n)))


def _unknown_column(path: Path, label: str, series: pl.Series) -> tuple[str, pl.Series]:
    """A column BTSDA does not document: kept, numbers as numbers, under a clean name."""
    clean = re.sub(r"\W+", "_", label).strip("_").lower() or "column"
    if series.dtype == pl.String:
        number = series.cast(pl.Float64, strict=False)
        if number.null_count() == series.null_count():
            series = number
    warnings.warn(
        f"{path.name}: column '{label}' is not a known BTSDA column; kept as '{clean}' as written",
        UnknownColumnWarning,
        stacklevel=5,
    )
    return clean, series.alias(clean)


def _known_column(
    series: pl.Series,
    role: tuple[str, str, str | None],
    label: str,
    path: Path,
    fmt: str,
    notes: list[str],
) -> Any:
    """One documented column in SI by its kind; None to leave it out."""
    _name, kind, unit = role
    if kind == "int":
        return series.cast(pl.Float64, strict=False).cast(pl.Int32, strict=False)
    if kind == "text":
        return series.cast(pl.String).str.strip_chars()
    if kind in ("duration", "total"):
        return _duration_s(series, unit, label, path, fmt)
    if kind == "datetime":
        return _datetimes(series, label, notes)
    if kind == "temperature":
        try:
            return temperature_K(series.cast(pl.Float64, strict=False).to_numpy(), unit)
        except UnitsError as exc:
            raise FileFormatError(path, fmt, f"column '{label}': {exc}") from None
    if kind == "flag":
        return None if series.n_unique() <= 1 else series
    values = series.cast(pl.Float64, strict=False).to_numpy()
    if kind == "float":
        return values
    factor = _factor(kind, unit, label, path, fmt)
    return values * factor if factor != 1.0 else values


@dataclass
class _Columns:
    out: dict[str, Any]
    labels_used: dict[str, str]
    per_mass: dict[str, pl.Series]
    dropped: list[str]


def _convert_columns(path: Path, fmt: str, frame: pl.DataFrame, notes: list[str]) -> _Columns:
    cols = _Columns({}, {}, {}, [])
    out, n = cols.out, frame.height
    for label in frame.columns:
        role = _role(label)
        series = frame.get_column(label)
        if role is None:
            if series.null_count() == n:
                cols.dropped.append(label)
            else:
                clean, kept = _unknown_column(path, label, series)
                out.setdefault(clean, kept)
            continue
        name, kind, _unit = role
        if kind == "per_mass":
            cols.per_mass[label] = series
            cols.dropped.append(label)
            continue
        if name in out:  # a second column for the same quantity
            if kind != "temperature" or name != "temperature_K":
                cols.dropped.append(label)
                continue
            k = 2
            while f"aux_temperature_{k}_K" in out:
                k += 1
            name = f"aux_temperature_{k}_K"
        cols.labels_used[name] = label
        value = _known_column(series, role, label, path, fmt, notes)
        if value is None:
            if kind == "flag":
                cols.dropped.append(label)
            continue
        out[name] = value
    for needed in ("voltage_V", "current_A"):
        if needed not in out:
            raise FileFormatError(
                path, fmt, f"no {needed.split('_')[0]} column among {frame.columns[:12]}"
            )
    if "time_s" not in out and "step_time_s" not in out:
        raise FileFormatError(path, fmt, f"no time column among {frame.columns[:12]}")
    return cols


def _steps_and_time(out: dict[str, Any], info: dict[str, Any], notes: list[str]) -> None:
    """The running step (from the nested layout's step rows, else the counters) and, where
    the export has no total time, the step times laid end to end."""
    cycle = out["cycle"].to_numpy() if "cycle" in out else None
    step_index = out["step_index"].to_numpy() if "step_index" in out else None
    step_time = out.get("step_time_s")
    if "step_numbers" in info:
        step = info["step_numbers"].to_numpy().astype(np.int32)
    else:
        step = _running_step(cycle, step_index, step_time, out.get("step_type"))
    if "time_s" not in out:
        if step is None:
            step = _running_step(None, None, step_time, None)
        out["time_s"] = _total_from_steps(step_time, step)  # type: ignore[arg-type]
        notes.append("time_s is the step times laid end to end (the export has no total time)")
    if step is not None:
        out["step"] = step


def _kinds_and_sign(out: dict[str, Any], found: list[Provenance]) -> None:
    """Step kinds from BTSDA's step type; a discharge current written unsigned is signed."""
    step_type, step = out.get("step_type"), out.get("step")
    if step_type is None:
        return
    current = out["current_A"]
    codes = _kind_codes(step_type)
    discharge = codes == _steps.KIND_CODE["discharge"]
    if discharge.any() and (current[discharge] >= 0).all() and (current[discharge] > 0).any():
        current = np.where(discharge, -np.abs(current), current)
        out["current_A"] = current
        found.append(
            Provenance(
                "assumption",
                "the export gives discharge current unsigned; signed from the step type",
                "Step Type column",
                "sign-inferred",
            )
        )
    undecided = codes == _steps.KIND_CODE["unknown"]
    if undecided.any() and step is not None:
        codes = codes.copy()
        codes[undecided] = _steps.kinds_from_steps(
            step[undecided],
            np.asarray(out["voltage_V"], dtype=np.float64)[undecided],
            np.asarray(current, dtype=np.float64)[undecided],
        )
    out["step_kind"] = kinds_series(codes)


_CAPACITY_LABEL = "Chg. Cap. - DChg. Cap. (per step)"


def to_celldata(path: Path, fmt: str, frame: pl.DataFrame, info: dict[str, Any]) -> CellData:
    notes: list[str] = []
    found: list[Provenance] = []
    if frame.height == 0:
        raise FileFormatError(path, fmt, "the export holds no data rows")
    cols = _convert_columns(path, fmt, frame, notes)
    out = cols.out
    _steps_and_time(out, info, notes)
    _kinds_and_sign(out, found)
    _check_values(path, fmt, out)
    found += charge_from_capacities(
        out, "step_charge_capacity_C", "step_discharge_capacity_C", _CAPACITY_LABEL
    )
    mass_kg = _mass_from_per_mass(out, cols.per_mass, cols.labels_used, notes)
    if cols.dropped:
        notes.append(
            "left out: "
            + ", ".join(f"'{d}'" for d in cols.dropped)
            + " (per-mass columns repeat the capacity columns; the rest are empty or constant)"
        )
    start = None
    if "date_time" in out and out["date_time"].dtype == pl.Datetime:
        first = out["date_time"].drop_nulls().head(1).to_list()
        start = first[0] if first else None
    step_type = out.get("step_type")
    techniques: tuple[str, ...] = ()
    if step_type is not None:
        techniques = tuple(str(t) for t in step_type.unique(maintain_order=True).drop_nulls())
    order = ["time_s", "voltage_V", "current_A", "cycle", "step", "step_kind", "temperature_K"]
    frame_out = pl.DataFrame(
        {k: out[k] for k in [*[c for c in order if c in out], *[c for c in out if c not in order]]}
    )
    meta = Metadata(
        instrument="Neware",
        format="neware-csv",
        format_version=f"BTSDA export, {info['layout']}",
        start_time=start,
        mass_kg=mass_kg,
        techniques=techniques,
        header={"columns": list(frame.columns)},
        notes=tuple(notes),
        provenance=tuple(found),
    )
    return CellData.from_columns(frame_out, meta)


def _check_values(path: Path, fmt: str, out: dict[str, Any]) -> None:
    for name in ("time_s", "voltage_V", "current_A"):
        values = np.asarray(out[name], dtype=np.float64)
        bad = ~np.isfinite(values)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise FileFormatError(
                path,
                fmt,
                f"data row {row + 1} has no valid {name.split('_')[0]} (empty or not a number)",
            )


def _mass_from_per_mass(
    out: dict[str, Any], per_mass: dict[str, pl.Series], labels: dict[str, str], notes: list[str]
) -> float | None:
    """Active mass [kg] = capacity / specific capacity, from the rows where both are large."""
    pairs = {
        "speccap": "step_capacity_C",
        "chgspeccap": "step_charge_capacity_C",
        "dchgspeccap": "step_discharge_capacity_C",
        "capacitydensity": "step_capacity_C",
    }
    for label, series in per_mass.items():
        key, unit = _label_key(label)
        column = pairs.get(key)
        if column is None or column not in out:
            continue
        spec = series.cast(pl.Float64, strict=False).to_numpy()
        cap = np.asarray(out[column], dtype=np.float64)
        spec_factor = _pint_factor(unit or "mAh/g", "C/kg")
        if spec_factor is None:
            continue
        spec_si = spec * spec_factor
        ok = np.isfinite(spec_si) & np.isfinite(cap) & (spec_si > 0)
        if not ok.any():
            continue
        big = ok & (spec_si >= 0.5 * spec_si[ok].max())
        mass = float(np.median(np.abs(cap[big]) / spec_si[big]))
        if mass > 0 and np.isfinite(mass):
            notes.append(
                f"active mass {mass * 1e6:.4g} mg from '{labels.get(column, column)}' / '{label}'"
            )
            return mass
    return None
