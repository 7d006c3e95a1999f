"""Maccor text exports (``.001``, ``.052``, ``.041`` ..., ``.txt``, ``.csv``).

Layouts read
------------
* The classic export: one line of test information, then the column labels, tab-separated::

      Today's Date 04/04/2016  Date of Test: 03/31/2016  Filename: ...  Procedure: ...
      Rec#  Cyc#  Step  Test (Min)  Step (Min)  Amp-hr  Watt-hr  Amps  Volts  State  ES ...

  (battery-data-toolkit's ``maccor_example.001``, time in minutes; BEEP's
  ``PredictionDiagnostics_000151_test.052``, time in seconds, and
  ``maccor_test_file_4267-66-6519.041``, clock times ``0d 00:00:10.0000``.)
* Later exports with a longer preamble and labels ``Rec``, ``Cycle P``, ``Cycle C``, ``Step``,
  ``TestTime``, ``StepTime``, ``Cap. [Ah]``, ``Ener. [Wh]``, ``Current [A]``, ``Voltage [V]``,
  ``Md``, ``ES``, ``DPT Time``, possibly with decimal commas or ',' thousands separators
  (the layouts of cellpy's ``maccor_txt_two``/``three``/``four`` configurations).
* The same tables saved as comma- or semicolon-separated CSV.

The header line is found by its labels (record, cycle, step, current and voltage columns), so
any number of preamble lines is accepted.

Conventions applied
-------------------
* Current: Maccor writes ``Amps`` unsigned in most exports and signed in some; the sign is
  taken from ``State``: ``D`` (discharge: reduction at the working electrode of a half cell)
  -> negative, ``C`` (charge) -> positive, other states as written. This is the package's
  convention (reduction at the working electrode negative).
* ``Cyc#``/``Cycle P`` and ``Step`` are kept as Maccor numbers them (``cycle`` starts at 0 in
  Maccor files). ``State`` is kept as ``state``, ``ES`` (end/step status code) as
  ``end_status``, ``Rec#`` as ``record``.
* Capacities and energies are the per-step values Maccor writes (reset at each step), in SI:
  ``step_capacity_C`` (Ah x 3600), ``step_energy_J`` (Wh x 3600), and the waveform columns
  ``waveform_charge_capacity_C`` ... when present.
* ``step_kind``: ``R`` rows are rest, ``FRA`` rows eis; charge, discharge and cv otherwise come
  from the data of each run of rows with the same cycle, step and state.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError
from lithiophile.io import steps as _steps
from lithiophile.io.celldata import CellData, Metadata, Provenance, kinds_series
from lithiophile.io.table import seconds, unique_labels
from lithiophile.io.text import decode, looks_binary
from lithiophile.io.textblock import (
    check_last_line,
    head_and_tail,
    head_lines,
    is_number,
    line_offset,
    load_text,
    numeric_style,
    parse_block,
)

__all__ = ["LABELS", "read", "run_ids", "sane_dates", "sniff", "state_kinds"]

FMT = "a Maccor text export"

#: Normalised label (lower case, single spaces) -> canonical column. Labels as found in the
#: shared Maccor files (bdtk maccor_example.001, BEEP .052 and .041 exports) and in cellpy's
#: maccor_txt_zero ... maccor_txt_four configurations (jepegit/cellpy, MIT).
LABELS: dict[str, str] = {
    "rec#": "record",
    "rec": "record",
    "cyc#": "cycle",
    "cycle p": "cycle",
    "cycle#": "cycle",
    "cycle c": "cycle_count",
    "step": "step",
    "amps": "current",
    "current [a]": "current",
    "current": "current",
    "current [ma]": "current_mA",
    "volts": "voltage",
    "voltage [v]": "voltage",
    "voltage": "voltage",
    "amp-hr": "step_capacity_C",
    "cap. [ah]": "step_capacity_C",
    "capacity": "step_capacity_C",
    "watt-hr": "step_energy_J",
    "ener. [wh]": "step_energy_J",
    "energy": "step_energy_J",
    "state": "state",
    "md": "state",
    "es": "end_status",
    "dpt time": "timestamp",
    "acimp/ohms": "ac_impedance_ohm",
    "dcir/ohms": "dcir_ohm",
    "wf chg cap": "waveform_charge_capacity_C",
    "wf dis cap": "waveform_discharge_capacity_C",
    "wf chg e": "waveform_charge_energy_J",
    "wf dis e": "waveform_discharge_energy_J",
    "temp 1": "temperature",
    "temp1": "temperature",
    "temperature": "temperature",
}

#: Factors to SI of the value columns above (Maccor writes Ah, Wh, A, V, ohm).
_FACTORS = {
    "step_capacity_C": 3600.0,  # Ah -> C
    "step_energy_J": 3600.0,  # Wh -> J
    "waveform_charge_capacity_C": 3600.0,
    "waveform_discharge_capacity_C": 3600.0,
    "waveform_charge_energy_J": 3600.0,
    "waveform_discharge_energy_J": 3600.0,
    "ac_impedance_ohm": 1.0,
    "dcir_ohm": 1.0,
}

#: Time units written in Maccor labels ("Test (Min)", "Test (Sec)", "Test (Hr)") in seconds.
_TIME_UNITS = {"min": 60.0, "sec": 1.0, "s": 1.0, "hr": 3600.0, "h": 3600.0, "ms": 1e-3}

_TEST_TIME = re.compile(r"^test\s*(?:time)?\s*(?:[(\[]\s*(?P<u>[a-z]+)\s*[)\]])?$")
_STEP_TIME = re.compile(
    r"^step\s*(?:time\s*(?:[(\[]\s*(?P<u>[a-z]+)\s*[)\]])?|[(\[]\s*(?P<u2>[a-z]+)\s*[)\]])$"
)

#: Maccor State codes -> step kind (R rest, FRA impedance); C/D/O/S/P rows are labelled from
#: their data. Codes as seen in the shared files (R, C, D, O, P, FRA).
_STATE_KINDS = {"R": "rest", "FRA": "eis"}

_FIRST_LINE_KEYS = ("Today's Date", "Date of Test:", "Filename:", "Procedure:", "Comment/Barcode:")


def _norm(label: str) -> str:
    return re.sub(r"\s+", " ", label.strip().strip('"')).lower()


def _roles(labels: list[str]) -> dict[str, str]:
    """canonical role -> label, for the labels of a Maccor header line."""
    out: dict[str, str] = {}
    for lab in labels:
        key = _norm(lab)
        if key in LABELS:
            out.setdefault(LABELS[key], lab)
        elif (_TEST_TIME.match(key) and key != "test") or key == "test":
            out.setdefault("time", lab)
        elif _STEP_TIME.match(key):
            out.setdefault("step_time", lab)
    return out


def _is_header(fields: list[str]) -> bool:
    roles = _roles(fields)
    return (
        "record" in roles
        and "step" in roles
        and ("cycle" in roles or "cycle_count" in roles)
        and ("current" in roles or "current_mA" in roles)
        and "voltage" in roles
    )


def _separator(line: str) -> str:
    if "\t" in line:
        return "\t"
    return ";" if line.count(";") > line.count(",") else ","


def _find_header(lines: list[str]) -> tuple[int, str, list[str]] | None:
    for k, line in enumerate(lines[:60]):
        if not line.strip():
            continue
        sep = _separator(line)
        fields = [f.strip().strip('"') for f in line.split(sep)]
        if _is_header(fields):
            return k, sep, fields
    return None


def sniff(head: bytes, path: Path) -> int:
    """95 for Maccor's test-information first line followed by its column labels; 90 for the
    column labels alone (record, cycle, step, current, voltage columns named as Maccor does)."""
    try:
        if looks_binary(head):
            return 0
        lines = head_lines(decode(head[:65536]), 60)
        found = _find_header(lines)
        if found is None:
            return 0
        first = lines[0] if lines else ""
        return 95 if ("Today's Date" in first or "Date of Test" in first) else 90
    except Exception:  # a sniffer never raises
        return 0


def _first_line_info(line: str) -> dict[str, str]:
    """The 'Today's Date ... Comment/Barcode: ...' line as a dict (empty if absent)."""
    if not any(k in line for k in _FIRST_LINE_KEYS):
        return {}
    pattern = "(" + "|".join(re.escape(k) for k in _FIRST_LINE_KEYS) + ")"
    parts = re.split(pattern, line)
    out: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=False):
        out[key.rstrip(":")] = value.strip(" \t:")
    return out


_DATE_FORMATS = (
    ("%m/%d/%Y %H:%M:%S", "month/day/year (Maccor's US default)"),
    ("%m/%d/%Y %I:%M:%S %p", "month/day/year with AM/PM"),
    ("%d/%m/%Y %H:%M:%S", "day/month/year"),
    ("%d.%m.%Y %H:%M:%S", "day.month.year"),
    ("%Y-%m-%d %H:%M:%S", "ISO year-month-day"),
)


def sane_dates(stamps: pl.Series) -> pl.Series:
    """Time stamps outside 1970-2199 (a damaged digit, not a cycler's clock) made null."""
    return stamps.to_frame().select(_sane(pl.col(stamps.name))).to_series()


def _sane(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.dt.year().is_between(1970, 2199)).then(expr)


def _timestamps(frame: pl.DataFrame, label: str) -> tuple[pl.Series | None, str | None]:
    """Parse the DPt Time column with the date format that reads most of a sample of it.

    The format is chosen on the first 2000 rows (one pass per candidate over the sample), then
    the whole column is parsed once.
    """
    text = pl.col(label).cast(pl.String).str.strip_chars()
    sample = (
        frame.head(2000)
        .select(
            [text.is_not_null().sum().alias("n")]
            + [
                _sane(text.str.to_datetime(format=f, strict=False, time_unit="us"))
                .is_not_null()
                .sum()
                .alias(str(i))
                for i, (f, _) in enumerate(_DATE_FORMATS)
            ]
        )
        .row(0)
    )
    n_sample, counts = sample[0], sample[1:]
    if n_sample == 0 or max(counts) == 0:
        return None, None
    best = int(np.argmax(counts))  # first of the best: the US order wins ties
    fmt_, label_text = _DATE_FORMATS[best]
    date_only = fmt_.split(" ")[0]
    parsed = _sane(text.str.to_datetime(format=fmt_, strict=False, time_unit="us"))
    out = frame.select(parsed.alias("timestamp"), text.is_null().alias("absent"))
    stamps = out.get_column("timestamp")
    note = f"DPt Time read as {label_text}"
    n_missing = stamps.null_count() - int(out.get_column("absent").sum())
    if n_missing:
        # Maccor sometimes prints a bare date at midnight (documented in BEEP's
        # MaccorDatapath.correct_timestamp): read those as 00:00:00 of that date
        dates = _sane(text.str.to_datetime(format=date_only, strict=False, time_unit="us"))
        filled = frame.select(pl.lit(stamps).fill_null(dates)).to_series().alias("timestamp")
        fixed = stamps.null_count() - filled.null_count()
        stamps = filled
        if fixed:
            note += f"; {fixed} bare date(s) without a time read as 00:00:00"
        if n_missing - fixed:
            note += f"; {n_missing - fixed} value(s) not understood left empty"
    return stamps, note


def state_kinds(
    run_id: np.ndarray, voltage: np.ndarray, current: np.ndarray, fixed: np.ndarray
) -> pl.Series:
    """step_kind from the data of each run of rows, overridden where ``fixed`` holds a code.

    ``fixed`` holds an index into :data:`lithiophile.io.steps.STEP_KINDS` per row, or 255
    where the instrument's state does not decide the kind.
    """
    codes = _steps.kinds_from_steps(run_id, voltage, current)
    override = fixed != 255
    codes[override] = fixed[override]
    return kinds_series(codes)


def run_ids(*keys: np.ndarray) -> np.ndarray:
    """Run number (1-based) of each row: a new run wherever any of ``keys`` changes."""
    n = keys[0].size
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
    for k in keys:
        change[1:] |= k[1:] != k[:-1]
    return np.cumsum(change, dtype=np.int32)


@dataclass
class Parsed:
    """Stage 1 of reading a Maccor export: the layout as found, nothing converted yet."""

    frame: pl.DataFrame  # every column, as the file has it (numbers where declared numeric)
    lines: list[str]  # the head of the file (header lines and a sample of rows)
    header_line: int  # 0-based index of the column-label line
    separator: str
    labels: list[str]
    roles: dict[str, str]  # role -> label
    time_unit: str | None  # from the test-time label ("min", "sec" ...), None if not stated
    time_numeric: bool  # the test time is a number (else "d hh:mm:ss" text)


def _head(path: Path) -> tuple[str | None, list[str], tuple[str, str, bool] | None]:
    big = head_and_tail(path, FMT)
    if big is None:
        text = load_text(path, FMT)
        return text, head_lines(text, 60), None
    lines = head_lines(big[0], 60)  # a big UTF-8 file: only head and tail are decoded
    if big[2] and lines:
        lines = lines[:-1]
    return None, lines, big


def _header(path: Path, lines: list[str]) -> tuple[int, str, list[str], dict[str, str]]:
    found = _find_header(lines)
    if found is None:
        raise FileFormatError(
            path,
            FMT,
            "no column label line with Maccor's record, cycle, step, current and voltage "
            "columns (Rec#, Cyc#, Step, Amps, Volts ...) in the first 60 lines",
        )
    k, sep, labels = found
    labels = unique_labels([lab if lab else f"column_{i + 1}" for i, lab in enumerate(labels)])
    roles = _roles(labels)
    if "time" not in roles:
        raise FileFormatError(
            path,
            FMT,
            f"line {k + 1}: no test-time column (Test (Min), Test (Sec), TestTime) among {labels}",
        )
    return k, sep, labels, roles


def parse(path: Path) -> Parsed:
    """Find the header, the roles of the columns and the separators; parse the rows."""
    text, lines, big = _head(path)
    k, sep, labels, roles = _header(path, lines)
    sample = [ln for ln in lines[k + 1 : k + 30] if ln.strip()]
    if not sample:
        raise FileFormatError(path, FMT, f"no data rows after the column labels on line {k + 1}")
    decimal_comma, thousands = numeric_style(sample, sep)
    if text is None and thousands:  # ',' thousands separators need the text pass
        text = load_text(path, FMT)
    if text is not None:
        check_last_line(path, FMT, text, sep)
    elif big is not None:
        check_last_line(path, FMT, big[1], sep, tail_only=True)
    time_label = roles["time"]
    unit_match = _TEST_TIME.match(_norm(time_label))
    time_unit = unit_match.group("u") if unit_match else None
    first_fields = sample[0].split(sep)
    t_index = labels.index(time_label)
    time_numeric = time_unit is not None or (
        t_index < len(first_fields) and is_number(first_fields[t_index])
    )
    numeric = [roles.get("current") or roles["current_mA"], roles["voltage"]]
    numeric += [time_label] if time_numeric else []
    frame = parse_block(
        path,
        FMT,
        text,
        start=line_offset(text, k + 1) if text is not None else 0,
        first_line=k + 2,
        separator=sep,
        columns=labels,
        numeric=numeric,
        required=[*numeric, *([time_label] if not time_numeric else [])],
        decimal_comma=decimal_comma,
        thousands=thousands,
    )
    return Parsed(frame, lines, k, sep, labels, roles, time_unit, time_numeric)


def _num(label: str) -> pl.Expr:
    return pl.col(label).cast(pl.Float64, strict=False)


def _expressions(p: Parsed, path: Path, notes: list[str], used: set[str]) -> dict[str, pl.Expr]:
    """Every conversion to SI as polars expressions, run in one pass (each separate Series
    operation costs ~0.2 ms); the labels converted are added to ``used``."""
    roles = p.roles
    current_label = roles.get("current") or roles["current_mA"]
    cycle_label = roles.get("cycle") or roles["cycle_count"]
    exprs: dict[str, pl.Expr] = {
        "voltage_V": _num(roles["voltage"]),
        "current_raw": _num(current_label)
        * (1e-3 if current_label == roles.get("current_mA") else 1),
        "cycle": _num(cycle_label).fill_null(0).cast(pl.Int32),
        "step": _num(roles["step"]).fill_null(0).cast(pl.Int32),
    }
    used |= {roles["time"], current_label, roles["voltage"], cycle_label, roles["step"]}
    if p.time_numeric:
        unit = (p.time_unit or "s").lower()
        if unit not in _TIME_UNITS:
            raise FileFormatError(
                path, FMT, f"time unit {p.time_unit!r} in {roles['time']!r} not understood"
            )
        exprs["time_s"] = _num(roles["time"]) * _TIME_UNITS[unit]
        if p.time_unit is None:
            notes.append(f"{roles['time']!r} holds plain numbers: taken as seconds")
    simple = {
        "state": pl.col(roles["state"]).cast(pl.String).str.strip_chars().str.to_uppercase()
        if "state" in roles
        else None,
        "record": _num(roles["record"]).cast(pl.Int64) if "record" in roles else None,
        "end_status": _num(roles["end_status"]).cast(pl.Int32) if "end_status" in roles else None,
    }
    if cycle_label != roles.get("cycle_count") and "cycle_count" in roles:
        simple["cycle_count"] = _num(roles["cycle_count"]).cast(pl.Int64)
    for name, expr in simple.items():
        if expr is not None:
            exprs[name] = expr
            used.add(roles[name])
    step_time_label = roles.get("step_time")
    if step_time_label is not None and p.frame.schema[step_time_label].is_numeric():
        m = _STEP_TIME.match(_norm(step_time_label))
        step_unit = (m.group("u") or m.group("u2")) if m else None
        factor = _TIME_UNITS.get((step_unit or "s").lower(), 1.0)
        exprs["step_time_s"] = _num(step_time_label) * factor
    for name, factor in _FACTORS.items():
        if name in roles:
            exprs[name] = _num(roles[name]) * factor
            used.add(roles[name])
    if "temperature" in roles:
        exprs["temperature_K"] = _num(roles["temperature"]) + 273.15
        notes.append(f"{roles['temperature']!r} taken as degC")
        used.add(roles["temperature"])
    return exprs


def _times(
    p: Parsed, out: pl.DataFrame, path: Path, used: set[str]
) -> tuple[np.ndarray, pl.DataFrame]:
    """Test time [s] (numbers or d hh:mm:ss text) and the step time column, checked finite."""
    if p.time_numeric:
        time_s = out.get_column("time_s").to_numpy()
    else:
        time_s = seconds(p.frame.get_column(p.roles["time"]), unit=None, path=path, fmt=FMT)
    step_time_label = p.roles.get("step_time")
    if step_time_label is not None:
        if "step_time_s" not in out.columns:
            step_time = seconds(p.frame.get_column(step_time_label), unit=None, path=path, fmt=FMT)
            out = out.with_columns(pl.Series("step_time_s", step_time))
        used.add(step_time_label)
    bad_time = ~np.isfinite(time_s)
    if bad_time.any():
        r = int(np.flatnonzero(bad_time)[0])
        raise FileFormatError(path, FMT, f"data row {r + 1}: test time is not a finite number")
    return time_s, out


def _signed_current(
    out: pl.DataFrame, found: list[Provenance], notes: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The current in the package's sign from Maccor's State (C/D), the State codes and the
    step kinds they fix (255 where State does not decide)."""
    current = out.get_column("current_raw").to_numpy()
    n = out.height
    fixed = np.full(n, 255, dtype=np.uint8)
    if "state" not in out.columns:
        notes.append("no State column: current taken as written")
        return current, np.full(n, "", dtype=object), fixed
    state_np = out.get_column("state").fill_null("").to_numpy()
    is_d, is_c = state_np == "D", state_np == "C"
    signed = np.where(is_d, -np.abs(current), np.where(is_c, np.abs(current), current))
    if (current[is_d] < 0).any():
        what = (
            "Amps is signed in this export; the sign is set from State anyway "
            "(D: negative, C: positive)"
        )
    else:
        what = (
            "Amps is unsigned: State D (discharge, reduction at the working "
            "electrode) made negative, C positive"
        )
    found.append(Provenance("assumption", what, "State column", "sign-inferred"))
    for code, kind in _STATE_KINDS.items():
        fixed[state_np == code] = _steps.KIND_CODE[kind]
    return signed, state_np, fixed


def _metadata(
    p: Parsed,
    start_time: datetime | None,
    state_np: np.ndarray,
    notes: list[str],
    found: list[Provenance],
) -> Metadata:
    info = _first_line_info(p.lines[0]) if p.header_line > 0 else {}
    if start_time is None and info.get("Date of Test"):
        with contextlib.suppress(ValueError):
            start_time = datetime.strptime(info["Date of Test"], "%m/%d/%Y")
    techniques = ("cycling", "EIS (FRA)") if (state_np == "FRA").any() else ("cycling",)
    notes.append("cycle and step are Maccor's own numbers (cycles count from 0)")
    header: dict[str, Any] = dict(info)
    if p.header_line > 1:
        header["preamble"] = p.lines[: p.header_line]
    header["labels"] = p.labels
    unit_word = {"min": "minutes", "sec": "seconds", "s": "seconds", "hr": "hours", "h": "hours"}
    version = "Maccor text export"
    if p.time_unit:
        version += f" (test time in {unit_word.get(p.time_unit.lower(), p.time_unit)})"
    elif not p.time_numeric:
        version += " (test time as d hh:mm:ss)"
    if p.separator != "\t":
        version += f", {'comma' if p.separator == ',' else 'semicolon'}-separated"
    return Metadata(
        format="maccor-text",
        instrument="Maccor",
        format_version=version,
        start_time=start_time,
        techniques=techniques,
        header=header,
        notes=tuple(notes),
        provenance=tuple(found),
    )


def build(p: Parsed, path: Path) -> CellData:
    """Stage 2: CellData (SI, the package's sign) from the parsed layout."""
    notes: list[str] = []
    found: list[Provenance] = []
    used: set[str] = set()
    exprs = _expressions(p, path, notes, used)
    out = p.frame.select([e.alias(k) for k, e in exprs.items()])
    time_s, out = _times(p, out, path, used)
    signed, state_np, fixed = _signed_current(out, found, notes)
    voltage = out.get_column("voltage_V").to_numpy()
    cycle, step = out.get_column("cycle"), out.get_column("step")
    run = run_ids(cycle.to_numpy(), step.to_numpy(), state_np)
    cols: dict[str, Any] = {
        "time_s": time_s,
        "voltage_V": voltage,
        "current_A": signed,
        "cycle": cycle,
        "step": step,
        "step_kind": state_kinds(run, voltage, signed, fixed),
    }
    for name in out.columns:
        if name not in cols and name not in ("current_raw", "time_s"):
            cols[name] = out.get_column(name)
    start_time = None
    if "timestamp" in p.roles:
        stamps, note = _timestamps(p.frame, p.roles["timestamp"])
        used.add(p.roles["timestamp"])
        if stamps is not None:
            cols["timestamp"] = stamps
            first = stamps.drop_nulls()
            start_time = first[0] if len(first) else None
        if note:
            notes.append(note)
    for lab in p.frame.columns:
        if lab not in used and lab not in cols:
            cols[lab] = p.frame.get_column(lab)
    meta = _metadata(p, start_time, state_np, notes, found)
    return CellData.from_columns(pl.DataFrame(cols), meta)


def read(path: Path, **_: Any) -> CellData:
    """Read a Maccor text or CSV export (see the module docstring): :func:`parse`, then
    :func:`build`.

    Returns
    -------
    CellData
        ``time_s`` [s] (test time), ``voltage_V`` [V], ``current_A`` [A] (signed by State),
        ``cycle`` and ``step`` as Maccor numbers them, ``step_kind``; plus ``record``,
        ``step_time_s`` [s], ``step_capacity_C`` [C], ``step_energy_J`` [J], ``state``,
        ``end_status``, ``timestamp``, ``ac_impedance_ohm``, ``dcir_ohm`` when present, and
        the other columns under their labels.

    Raises
    ------
    FileFormatError
        No Maccor header line; a cut last line; a non-numeric value in the time, current or
        voltage column (named by line number).
    """
    return build(parse(path), path)
