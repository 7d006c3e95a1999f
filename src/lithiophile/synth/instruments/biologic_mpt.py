"""BioLogic EC-Lab's text export (``.mpt``): GCPL (EC-Lab 11.50) and PEIS (EC-Lab 11.18)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.io.celldata import CellData, ImpedanceData
from lithiophile.synth.instruments._common import (
    _SYNTHETIC_NOTE,
    _Cell,
    _rows,
    _Spectrum,
    _three_digit_exponents,
    _write_text,
)
from lithiophile.synth.instruments.biologic_mpr import _I_RANGE_PEIS, _gcpl_blocks

_MPT_GCPL_LABELS = (
    "mode", "ox/red", "error", "control changes", "Ns changes", "counter inc.", "Ns",
    "time/s", "dq/mA.h", "(Q-Qo)/mA.h", "control/V/mA", "Ewe/V", "I Range",
    "Q charge/discharge/mA.h", "half cycle", "P/W", "Energy charge/W.h",
    "Energy discharge/W.h", "Capacitance charge/µF", "Capacitance discharge/µF",
    "step time/s", "<I>/mA", "Q discharge/mA.h", "Q charge/mA.h", "Capacity/mA.h",
    "Efficiency/%", "control/V", "control/mA", "cycle number",
)  # fmt: skip
_MPT_PEIS_LABELS = (
    "freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "|Z|/Ohm", "Phase(Z)/deg", "time/s", "<Ewe>/V",
    "<I>/mA", "Cs/µF", "Cp/µF", "cycle number", "I Range", "|Ewe|/V", "|I|/A",
    "Re(Y)/Ohm-1", "Im(Y)/Ohm-1", "|Y|/Ohm-1", "Phase(Y)/deg",
)  # fmt: skip
_F8 = "%.15E"  # EC-Lab's doubles: "3.015299923827115E+001"
_F4 = "%.7E"  # EC-Lab's singles: "3.4228721E+000"


def _f32(values: np.ndarray) -> np.ndarray:
    """Values as the float32 an instrument stores, widened back for formatting (beyond the
    float32 range: inf, as the instrument would store it)."""
    with np.errstate(over="ignore"):
        return np.asarray(values, dtype=np.float32).astype(np.float64)


def _eclab_number(x: float, fmt: str, comma: bool) -> str:
    s = fmt % x
    return s.replace(".", ",") if comma else s


def _eclab_duration(seconds: float, comma: bool) -> str:
    """EC-Lab's h:m:s parameter format, "0:00:10.0000" (seconds not zero-padded)."""
    h, rem = divmod(max(0.0, seconds), 3600.0)
    m, s = divmod(rem, 60.0)
    return _eclab_number(float(f"{s:.4f}"), f"{int(h)}:{int(m):02d}:%.4f", comma)


def _param_table(rows: list[tuple[str, list[str]]]) -> list[str]:
    """EC-Lab's technique parameter table: name and one cell per sequence, 20 characters each
    (trailing spaces kept, as in every reference export)."""
    return [name.ljust(20) + "".join(c.ljust(20) for c in cells) for name, cells in rows]


def _mpt_header(
    *,
    title: str,
    software: str,
    start: datetime,
    file_name: str,
    area_m2: float | None,
    mass_kg: float | None,
    params: list[str],
    comma: bool,
    labels: tuple[str, ...],
) -> list[str]:
    """The header lines of an EC-Lab export, in EC-Lab 11.50's form
    (``yadg__gcpl.issue_149.mpt``) or 11.18's (``impedancepy__exampleDataBioLogic.mpt``:
    no potential-control, floating-channel, setting-file, cable, volume and record lines;
    start times without milliseconds; a compliance line)."""
    modern = software == "11.50"
    area_cm2 = area_m2 * 1e4 if area_m2 else 0.001  # 0.001: EC-Lab's "not entered"
    mass_g = mass_kg * 1e3 if mass_kg else 0.001
    stamp = start.strftime("%m/%d/%Y %H:%M:%S")
    if modern:
        stamp += f".{start.microsecond // 1000:03d}"
    limit = 10.0 if modern else 2.5

    def only_modern(*lines: str) -> list[str]:
        return list(lines) if modern else []

    lines = [
        "",
        title,
        "",
        "Run on channel : 1 (SN 0)",
        "User : ",
        *([] if modern else ["CE vs. WE compliance from -10 V to 10 V"]),
        "Electrode connection : standard",
        *only_modern("Potential control : Ewe"),
        f"Ewe ctrl range : min = {_eclab_number(-limit, '%.2f', comma)} V, "
        f"max = {_eclab_number(limit, '%.2f', comma)} V",
        "Safety Limits :",
        "\tDo not start on E overload",
        *only_modern("Channel : Floating"),
        f"Acquisition started on : {stamp}",
        f"Technique started on : {stamp}",
        *only_modern("Loaded Setting File :  NONE"),
        "Saved on :",
        f"\tFile : {file_name}",
        "\tDirectory : C:\\EC-Lab\\Data\\",
        "\tHost : 127.0.0.1",
        "Device : lithiophile synthetic (SN 0)",
        "Address : USB",
        f"EC-Lab for windows v{software} (software)",
        f"Internet server v{software} (firmware)",
        f"Command interpretor v{software} (firmware)",
        "Electrode material : ",
        "Initial state : ",
        "Electrolyte : ",
        f"Comments : {_SYNTHETIC_NOTE}",
        *only_modern("Cable : standard"),
        f"Electrode surface area : {_eclab_number(area_cm2, '%.3f', comma)} cm²",
        f"Characteristic mass : {_eclab_number(mass_g, '%.3f', comma)} g",
        f"Equivalent Weight : {_eclab_number(0.0, '%.3f', comma)} g/eq.",
        f"Density : {_eclab_number(0.0, '%.3f', comma)} g/cm3",
        *only_modern(f"Volume (V) : {_eclab_number(0.001, '%.3f', comma)} cm³", "Record Power"),
        "Cycle Definition : Charge/Discharge alternance",
        *params,
        "",
        "\t".join(labels) + "\t",  # EC-Lab ends the label line with a tab
    ]
    nb = len(lines) + 2
    # "Nb header lines : 81" padded with spaces to 46 characters, as EC-Lab writes it
    return ["EC-Lab ASCII FILE", f"Nb header lines : {nb}".ljust(46), *lines]


def _gcpl_params(cell: _Cell, comma: bool) -> list[str]:
    """The GCPL parameter table (EC-Lab 11.50's rows) for the sequences of the first cycle:
    each sequence holds a constant current for t1 then rests for tR."""
    first = cell.s_cycle == cell.s_cycle[0]
    sequences = sorted(set(cell.s_ns[first].tolist()))
    sample = float(np.median(cell.dt[1:])) if cell.n > 1 else 0.0
    n_cycles = int(np.unique(cell.s_cycle).size)
    cells: dict[str, list[str]] = {}

    def put(name: str, value: str) -> None:
        cells.setdefault(name, []).append(value)

    for k in sequences:
        steps = first & (cell.s_ns == k)
        active = np.flatnonzero(steps & (cell.s_sign != 0))
        rest = steps & (cell.s_sign == 0)
        i_mA = float(cell.i[cell.s_first[active[0]]]) * 1e3 if active.size else 0.0
        t_on = float(cell.s_len[active].sum()) * sample
        t_rest = float(cell.s_len[rest].sum()) * sample
        put("Ns", str(k))
        put("Set I/C", "I")
        put("Is", _eclab_number(i_mA, "%.3f", comma))
        put("unit Is", "mA")
        put("vs.", "<None>")
        put("N", _eclab_number(1.0, "%.2f", comma))
        put("I sign", "> 0")
        put("t1 (h:m:s)", _eclab_duration(t_on, comma))
        put("I Range", "10 mA")
        put("Bandwidth", "8")
        put("dE1 (mV)", _eclab_number(0.0, "%.2f", comma))
        put("dt1 (s)", _eclab_number(sample, "%.4f", comma))
        put("EM (V)", _eclab_number(5.0 if i_mA >= 0 else -5.0, "%.3f", comma))
        put("tM (h:m:s)", _eclab_duration(0.0, comma))
        put("Im", _eclab_number(0.0, "%.3f", comma))
        put("unit Im", "mA")
        put("dI/dt", _eclab_number(0.0, "%.3f", comma))
        put("dunit dI/dt", "mA/s")
        put("E range min (V)", _eclab_number(-10.0, "%.3f", comma))
        put("E range max (V)", _eclab_number(10.0, "%.3f", comma))
        put("dq", _eclab_number(0.0, "%.3f", comma))
        put("unit dq", "A.h")
        put("dtq (s)", _eclab_number(0.0, "%.4f", comma))
        put("dQM", _eclab_number(0.0, "%.3f", comma))
        put("unit dQM", "mA.h")
        put("dxM", _eclab_number(0.0, "%.3f", comma))
        put("delta SoC (%)", "pass")
        put("tR (h:m:s)", _eclab_duration(t_rest, comma))
        put("dER/dt (mV/h)", _eclab_number(0.0, "%.1f", comma))
        put("dER (mV)", _eclab_number(0.0, "%.2f", comma))
        put("dtR (s)", _eclab_number(sample if t_rest else 0.0, "%.4f", comma))
        put("EL (V)", "pass")
        last = k == sequences[-1]
        put("goto Ns'", "0")
        put("nc cycles", str(n_cycles - 1 if last else 0))
    return _param_table(list(cells.items()))


def _peis_params(spec: _Spectrum, comma: bool) -> list[str]:
    """The PEIS parameter table (EC-Lab 11.18's rows, one sequence)."""

    def freq(hz: float) -> tuple[str, str]:
        for unit, scale in (("MHz", 1e6), ("kHz", 1e3), ("Hz", 1.0), ("mHz", 1e-3)):
            if hz >= scale or unit == "mHz":
                return _eclab_number(hz / scale, "%.3f", comma), unit
        raise AssertionError  # pragma: no cover - the loop always returns

    fi, ufi = freq(float(spec.f[0]))
    ff, uff = freq(float(spec.f[-1]))
    rows = [
        ("Mode", "Single sine"),
        ("E (V)", _eclab_number(0.0, "%.4f", comma)),
        ("vs.", "Eoc"),
        ("tE (h:m:s)", _eclab_duration(0.0, comma)),
        ("record", "0"),
        ("dI", _eclab_number(0.0, "%.3f", comma)),
        ("unit dI", "mA"),
        ("dt (s)", _eclab_number(0.0, "%.3f", comma)),
        ("fi", fi),
        ("unit fi", ufi),
        ("ff", ff),
        ("unit ff", uff),
        ("Nd", str(round(spec.points_per_decade()))),
        ("Points", "per decade"),
        ("spacing", "Logarithmic"),
        ("Va (mV)", _eclab_number(spec.amplitude_V * 1e3, "%.1f", comma)),
        ("pw", _eclab_number(0.1, "%.2f", comma)),
        ("Na", "2"),
        ("corr", "0"),
        ("E range min (V)", _eclab_number(-2.5, "%.3f", comma)),
        ("E range max (V)", _eclab_number(2.5, "%.3f", comma)),
        ("I Range", "Auto"),
        ("Bandwidth", "5"),
        ("nc cycles", str(int(np.unique(spec.spectrum).size) - 1)),
        ("goto Ns'", "0"),
        ("nr cycles", "0"),
        ("inc. cycle", "0"),
    ]
    return _param_table([(name, [value]) for name, value in rows])


def _peis_text_columns(spec: _Spectrum) -> list[tuple[str, Any]]:
    """The 18 columns of an EC-Lab 11.18 PEIS export (impedancepy__exampleDataBioLogic.mpt)."""
    y = spec.y
    return [
        (_F4, _f32(spec.f)),
        (_F4, _f32(spec.z.real)),
        (_F4, _f32(-spec.z.imag)),
        (_F4, _f32(np.abs(spec.z))),
        (_F4, _f32(spec.phase_deg)),
        (_F8, spec.t),
        (_F4, _f32(spec.v)),
        (_F4, _f32(spec.i * 1e3)),
        (_F4, _f32(spec.cs_F * 1e6)),
        (_F4, _f32(spec.cp_F * 1e6)),
        (_F8, spec.spectrum.astype(np.float64)),
        ("%d", np.full(spec.n, _I_RANGE_PEIS)),
        (_F4, _f32(np.full(spec.n, spec.amplitude_V))),
        (_F4, _f32(spec.current_amplitude_A)),
        (_F4, _f32(y.real)),
        (_F4, _f32(y.imag)),
        (_F4, _f32(np.abs(y))),
        (_F4, _f32(-spec.phase_deg)),
    ]


def write_biologic_mpt(
    data: CellData | ImpedanceData | Mapping[str, Any],
    path: str | Path,
    *,
    decimal_comma: bool = False,
) -> Path:
    """Write an EC-Lab text export (``.mpt``) with a full header.

    Cycling data are written as a GCPL export in EC-Lab 11.50's layout
    (``yadg__gcpl.issue_149.mpt``: its 29 columns, parameter table and header lines); a
    spectrum as a PEIS export in EC-Lab 11.18's layout (``impedancepy__exampleDataBioLogic.mpt``:
    its 18 columns).

    Layout: ``EC-Lab ASCII FILE``, ``Nb header lines : N`` (padded with spaces to 46
    characters), the technique's title, ``key : value`` settings including ``Electrode surface
    area : 1.131 cm²`` (so that readers find the area; 0.001, EC-Lab's "not entered", when the
    data state none) and ``Comments :`` saying the data are synthetic, the parameter table in
    20-character cells, a blank line, the tab-separated labels ending in a tab, then the rows
    (no tab at their end). CRLF line ends, no line end after the last row, Windows-1252 text
    (``cm²``, ``µF``), as EC-Lab writes them.

    Values: doubles as ``%.15E`` and singles (the .mpr's float32 columns) as ``%.7E``, both
    with three-digit exponents; counters as integers. Signs as EC-Lab writes them: anodic
    current positive (the package's convention), ``-Im(Z)`` for the impedance.

    Parameters
    ----------
    data
        CellData (or a mapping of SI columns) for a GCPL export, ImpedanceData for PEIS.
    path
        The file to write (overwritten).
    decimal_comma
        Write numbers with decimal commas, as EC-Lab does on a French or German Windows
        (``yadg__gcpl.issue_149.mpt``).

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    Precision: ``time/s`` to 16 significant digits; ``Ewe/V`` and ``freq/Hz``,
    ``Re(Z)/Ohm``, ``-Im(Z)/Ohm`` (float32 in EC-Lab) to 8 significant digits of their float32
    value (relative error below 1.2e-7); ``<I>/mA`` (a double in the export) to 16 digits; the
    electrode area to 0.001 cm². GCPL derived columns: ``dq`` is the row's current over the
    interval before it; ``Q charge/discharge`` and ``Capacitance`` (charge over the potential
    change) count from the start of the half cycle, ``Energy`` from the start of the cycle;
    ``Efficiency/%`` is written 0. ``<I>/mA`` is the current itself (EC-Lab averages dq over
    the interval, the same value for the piecewise-constant synthetic current).
    """
    path = Path(path)
    comma = bool(decimal_comma)
    header, columns = _mpt_header_and_columns(data, path.with_suffix(".mpr").name, comma)
    body = "\n".join(_rows(columns, "\t"))
    body = _three_digit_exponents(body)
    if comma:
        body = body.replace(".", ",")
    return _write_text(path, [*header, *body.split("\n")], "cp1252", final_newline=False)


#: Technique -> (title line, EC-Lab version of the reference export, column labels).
_MPT_TECHNIQUES = {
    "PEIS": ("Potentio Electrochemical Impedance Spectroscopy", "11.18", _MPT_PEIS_LABELS),
    "GCPL": ("Galvanostatic Cycling with Potential Limitation", "11.50", _MPT_GCPL_LABELS),
}


def _mpt_header_and_columns(
    data: CellData | ImpedanceData | Mapping[str, Any], file_name: str, comma: bool
) -> tuple[list[str], list[tuple[str, Any]]]:
    """The header lines and the (format, values) columns of a PEIS export for a spectrum, of a
    GCPL export for cycling data."""
    source: _Spectrum | _Cell
    if isinstance(data, ImpedanceData):
        source = _Spectrum(data, "write_biologic_mpt")
        technique, params = "PEIS", _peis_params(source, comma)
        columns = _peis_text_columns(source)
    else:
        source = _Cell(data, "write_biologic_mpt")
        technique, params = "GCPL", _gcpl_params(source, comma)
        columns = _gcpl_text_columns(source)
    title, software, labels = _MPT_TECHNIQUES[technique]
    header = _mpt_header(
        title=title,
        software=software,
        start=source.start,
        file_name=file_name,
        area_m2=source.area_m2,
        mass_kg=source.mass_kg,
        params=params,
        comma=comma,
        labels=labels,
    )
    return header, columns


def _gcpl_text_columns(cell: _Cell) -> list[tuple[str, Any]]:
    """The 29 columns of an EC-Lab 11.50 GCPL export: the .mpr's columns (the same values as
    :func:`write_biologic_mpr` writes) and those EC-Lab derives on export."""
    g = next(_gcpl_blocks(cell, cell.n))
    n = cell.n
    q_half = g[467]
    discharging = q_half < 0
    e_Wh = np.abs(cell.de_J) / 3600.0
    energy_charge, energy_discharge = cell.cycle_sums(e_Wh)
    # capacitance: the charge since the half cycle began over the potential change since then
    half_first_row = cell.per_row(cell.s_first[cell.s_half_first])
    dv = np.abs(cell.v - cell.v[half_first_row])
    with np.errstate(divide="ignore", invalid="ignore"):
        capacitance_uF = np.where(dv != 0, np.abs(q_half) * 3.6 / dv, 0.0) * 1e6
    zeros = np.zeros(n)
    return [
        ("%d", g[1]),
        ("%d", g[2]),
        ("%d", g[3]),
        ("%d", g[21]),
        ("%d", g[31]),
        ("%d", g[65]),
        ("%d", g[131]),
        (_F8, g[4]),
        (_F8, g[7]),
        (_F8, g[13]),
        (_F4, _f32(g[5])),
        (_F4, _f32(g[6])),
        ("%d", g[39]),
        (_F8, q_half),
        ("%d", g[468]),
        (_F4, _f32(g[70])),
        (_F8, energy_charge),
        (_F8, energy_discharge),
        (_F8, np.where(discharging, 0.0, capacitance_uF)),
        (_F8, np.where(discharging, capacitance_uF, 0.0)),
        (_F8, cell.step_time),
        (_F8, cell.i * 1e3),
        (_F8, np.where(discharging, -q_half, 0.0)),
        (_F8, np.where(discharging, 0.0, np.abs(q_half))),
        (_F8, np.abs(q_half)),
        (_F8, zeros),
        (_F4, zeros),
        (_F4, _f32(g[5])),
        (_F8, (g[468] // 2).astype(np.float64)),
    ]
