"""Example files in instrument vendors' layouts, written from synthetic data.

``lithiophile demo``, the tests and the benchmarks need files in the layouts the readers of
:mod:`lithiophile.io` read, without any real instrument file at hand (a user has no
``../shared``). Each function here writes one layout from a :class:`~lithiophile.io.CellData`
(cycling) or :class:`~lithiophile.io.ImpedanceData` (a spectrum), such as
:func:`lithiophile.examples.li_li_symmetric` and :func:`lithiophile.examples.rc_spectrum` make:

* :func:`write_biologic_mpt` (``biologic-mpt``): an EC-Lab 11.50 GCPL export as
  ``yadg__gcpl.issue_149.mpt``; an EC-Lab 11.18 PEIS export as
  ``impedancepy__exampleDataBioLogic.mpt``.
* :func:`write_biologic_mpr` (``biologic-mpr``): EC-Lab's binary file in the form of EC-Lab
  <= 11.43 (data module v3) as ``navani__jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr``
  and ``yadg__mb.issue_95.mpr``; GCPL, or PEIS with the columns of
  ``yadg__peis.issue_149.mpr``.
* :func:`write_maccor_text` (``maccor-text``): as ``bdtk__maccor_example.001``.
* :func:`write_neware_csv` (``neware-csv``): the BTSDA record layer of
  ``cellpy__neware_uio.csv``.
* :func:`write_arbin_csv` (``arbin-csv``): MITS Pro's new header (units in the labels), the
  columns of ``navani__bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx``.
* :func:`write_land` (``land``): LANDT-py's record labels, as CSV (no LAND file at hand).
* :func:`write_gamry_dta` (``gamry-dta``): an EISPOT file as
  ``impedancepy__exampleDataGamry.DTA``.
* :func:`write_zplot` (``zplot``): as ``impedancepy__Circuit1_EIS_1.z``.

The reference files named are those of ``../shared/data/cycler`` (see its MANIFEST.md); the
layouts were learnt from them and from the readers' documentation, no file is copied.
:func:`write_instrument_examples` writes one file of each; :data:`WRITERS` maps registry
format names to the writers. Binary Neware ``.nda``/``.ndax`` and Arbin ``.res`` files cannot
honestly be synthesised (undocumented, compressed or database formats) and are not written.

Fidelity
--------
Each writer keeps the header, labels, separators, units, number formats, sign conventions
and text encoding of its reference file, and the line ends the instrument writes: CRLF for
every one of these Windows programs. (EC-Lab's CRLF is documented in MANIFEST.md and required
by galvani; the Maccor and Arbin references keep their CRLF in git. The Gamry and ZPlot
references are LF as impedance.py's repository stores them, but that repository stores EC-Lab's
CRLF export as LF too, so its copies say nothing about line ends. Whether BTSDA and LANDdt end
lines with CRLF is not known here: the Windows default is assumed. Every reader of
:mod:`lithiophile.io` accepts both.)

Numbers are written at the precision the instrument writes, so a file read back equals the
source data only to that precision; each writer's docstring states it. Columns an instrument
records but the synthetic data do not define (range codes, end-status codes, derived
capacitances) are filled as the docstrings say. Files carry a note that they are synthetic
where the layout has a free-text field (EC-Lab's comments, the .mpr's electrode material,
Maccor's comment, Gamry's notes).

Data
----
Every cycling writer takes a :class:`~lithiophile.io.CellData` or a mapping of SI columns
(``time_s``, ``voltage_V``, ``current_A``; ``step`` and ``cycle`` optional, derived as
:meth:`CellData.from_columns <lithiophile.io.CellData.from_columns>` derives them). The
package's sign convention (reduction at the working electrode negative) is turned into each
vendor's convention. ``meta.start_time`` sets the acquisition start; when absent
:data:`DEFAULT_START` is used, so that output is reproducible byte for byte. Every writer
raises :class:`~lithiophile.errors.InputError` for data of the wrong kind (a spectrum given to
a cycling writer or the reverse), without rows, or with values no instrument writes (missing
or infinite values, frequencies that are not positive), and overwrites ``path``.

The text writers format row by row in Python (0.05 to 0.3 s per 10 000 rows): they are meant
for example-sized data. The .mpr writer is vectorised for benchmark-sized data.

Examples
--------
>>> from lithiophile.examples import li_li_symmetric
>>> from lithiophile.instrument_files import write_biologic_mpr
>>> import lithiophile.io as lio, tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     p = write_biologic_mpr(li_li_symmetric(cycles=1), pathlib.Path(d) / "cell.mpr")
...     lio.detect(p).name, len(lio.read(p))
('biologic-mpr', 720)
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.errors import InputError
from lithiophile.io import steps as _steps
from lithiophile.io._biologic_columns import COLUMN_IDS, FLAG_IDS, TECHNIQUE_IDS
from lithiophile.io.celldata import CellData, ImpedanceData

__all__ = [
    "DEFAULT_START",
    "WRITERS",
    "write_arbin_csv",
    "write_biologic_mpr",
    "write_biologic_mpt",
    "write_gamry_dta",
    "write_instrument_examples",
    "write_land",
    "write_maccor_text",
    "write_neware_csv",
    "write_zplot",
]

#: Acquisition start written when the data's metadata state none (a fixed date, so that
#: every run writes the same bytes).
DEFAULT_START = datetime(2024, 1, 15, 9, 30, 0)

_CRLF = "\r\n"
_SYNTHETIC_NOTE = "synthetic data written by lithiophile"
_KIND = _steps.KIND_CODE

#: Three-digit exponents as the Windows C runtime prints them ("3.4228721E+000" in every
#: EC-Lab export, "-5.89286E-006" in Gamry's): Python prints two digits.
_TWO_DIGIT_EXPONENT = re.compile(r"(E[+-])(\d\d)(?!\d)")


# ---------------------------------------------------------------------------------------
# input
# ---------------------------------------------------------------------------------------


def _local_start(start: datetime | None) -> datetime:
    """The acquisition start as instrument files state it: local wall-clock time without a
    zone (a zone-aware start keeps its wall-clock time); :data:`DEFAULT_START` when unknown."""
    if start is None:
        return DEFAULT_START
    return start.replace(tzinfo=None)


class _Cell:
    """Cycling data as numpy columns, with the step structure every layout needs.

    ``step`` is a running step number and ``cycle`` a cycle number as CellData holds them;
    ``kind`` the step-kind codes of :data:`lithiophile.io.steps.STEP_KINDS`. Derived arrays are
    computed once, vectorised, per step where they are constant over a step (a 10-million-row
    .mpr is written in about a second).
    """

    def __init__(self, data: Any, writer: str) -> None:
        if isinstance(data, ImpedanceData):
            raise InputError(
                f"{writer} writes cycling data: give a CellData (or a mapping with time_s, "
                "voltage_V and current_A). Got ImpedanceData; spectra go to write_biologic_mpt, "
                "write_biologic_mpr, write_gamry_dta or write_zplot."
            )
        meta = None
        if isinstance(data, CellData):
            t, v, i = data["time_s"], data["voltage_V"], data["current_A"]
            step = data["step"]
            cycle = data["cycle"]
            kind = data.table.get_column("step_kind").to_physical().to_numpy()
            meta = data.meta
        elif isinstance(data, Mapping):
            missing = [c for c in ("time_s", "voltage_V", "current_A") if c not in data]
            if missing:
                raise InputError(
                    f"{writer} needs the columns time_s, voltage_V and current_A (SI units); "
                    f"the mapping given lacks {missing}."
                )
            t, v, i = (
                np.ascontiguousarray(data[c], dtype=np.float64)
                for c in ("time_s", "voltage_V", "current_A")
            )
            if not t.shape == v.shape == i.shape or t.ndim != 1:
                raise InputError(
                    f"{writer} needs time_s, voltage_V and current_A as 1-D columns of equal "
                    f"length; got shapes {t.shape}, {v.shape} and {i.shape}."
                )
            for name in ("step", "cycle"):
                if name in data and np.shape(data[name]) != t.shape:
                    raise InputError(
                        f"{writer}: the '{name}' column must have one value per row "
                        f"({t.size}); got shape {np.shape(data[name])}."
                    )
            if "step" in data:
                step = np.asarray(data["step"], dtype=np.int64)
            else:
                step = _steps.derive_steps(t, v, i)
            kind = _steps.kinds_from_steps(step, v, i)
            if "cycle" in data:
                cycle = np.asarray(data["cycle"], dtype=np.int64)
            else:
                cycle = _steps.cycles_from_steps(step, kind, i)
        else:
            raise InputError(
                f"{writer} needs a CellData or a mapping of columns (time_s, voltage_V, "
                f"current_A). Got {type(data).__name__}."
            )
        if t.size == 0:
            raise InputError(f"{writer}: the data have no rows; there is nothing to write.")
        for name, arr in (("time_s", t), ("voltage_V", v), ("current_A", i)):
            bad = ~np.isfinite(arr)
            if bad.any():
                k = int(np.flatnonzero(bad)[0])
                raise InputError(
                    f"{writer} cannot write {name} = {float(arr[k])!r} (row {k}): instrument "
                    "files hold a finite number in every row. Drop or fill the missing values "
                    "first."
                )
        self.t, self.v, self.i = t, v, i
        self.step = np.asarray(step)
        self.cycle = np.asarray(cycle)
        self.kind = np.asarray(kind, dtype=np.uint8)
        self.n = t.size
        self.start = _local_start(meta.start_time if meta is not None else None)
        self.area_m2 = meta.area_m2 if meta is not None else None
        self.mass_kg = meta.mass_kg if meta is not None else None

    # -- structure, per step ---------------------------------------------------------
    # A "step" here is a run of rows with the same step and cycle number. Everything an
    # instrument numbers (sequence, program step, half cycle, control mode) is constant over a
    # step, so it is computed on these few rows and expanded only where a writer needs it.
    @cached_property
    def s_first(self) -> np.ndarray:
        """First row of every step."""
        new = np.ones(self.n, dtype=bool)
        np.not_equal(self.step[1:], self.step[:-1], out=new[1:])
        new[1:] |= self.cycle[1:] != self.cycle[:-1]
        return np.flatnonzero(new)

    @cached_property
    def s_len(self) -> np.ndarray:
        return np.diff(np.append(self.s_first, self.n))

    @cached_property
    def s_cycle(self) -> np.ndarray:
        return self.cycle[self.s_first].astype(np.int64)

    @cached_property
    def s_sign(self) -> np.ndarray:
        """+1 oxidation (charge), -1 reduction (discharge), 0 rest, from the step kind (and
        from the first current of the step for cv, eis and unknown steps)."""
        kind = self.kind[self.s_first]
        sign = np.sign(self.i[self.s_first]).astype(np.int8)
        sign[kind == _KIND["charge"]] = 1
        sign[kind == _KIND["discharge"]] = -1
        sign[(kind == _KIND["rest"]) | (kind == _KIND["ocv"])] = 0
        return sign

    @cached_property
    def s_mode(self) -> np.ndarray:
        """EC-Lab's control mode: 1 galvanostatic, 2 potentiostatic (cv), 3 open circuit."""
        mode = np.ones(self.s_first.size, dtype=np.uint8)
        mode[self.kind[self.s_first] == _KIND["cv"]] = 2
        mode[self.s_sign == 0] = 3
        return mode

    @cached_property
    def s_cycle_first(self) -> np.ndarray:
        """Index of the first step of each step's cycle."""
        return _first_index(_starts(self.s_cycle))

    @cached_property
    def s_in_cycle(self) -> np.ndarray:
        """0-based position of the step in its cycle (the program step of cyclers)."""
        return np.arange(self.s_first.size) - self.s_cycle_first

    @cached_property
    def s_half_in_cycle(self) -> np.ndarray:
        """0-based count of current reversals since the cycle began: rests belong to the half
        cycle before them (leading rests to the first), as in EC-Lab's "Charge/Discharge
        alternance"."""
        s = self.s_sign
        nonzero = np.flatnonzero(s)
        ff = np.ones(s.size, dtype=np.int8)
        if nonzero.size:
            idx = np.where(s != 0, np.arange(s.size), nonzero[0])
            np.maximum.accumulate(idx, out=idx)
            ff = s[idx]
        flips = _starts(ff) & ~_starts(self.s_cycle)  # a reversal, not a new cycle
        count = np.cumsum(flips, dtype=np.int64)
        return count - count[self.s_cycle_first]

    @cached_property
    def s_ns(self) -> np.ndarray:
        """EC-Lab's sequence number Ns: the half cycle within the cycle (GCPL's sequences)."""
        return np.minimum(self.s_half_in_cycle, 65535).astype(np.uint16)

    @cached_property
    def s_half_cycle(self) -> np.ndarray:
        """EC-Lab's half-cycle counter: ``half_cycle // 2 + 1`` is the data's cycle when its
        cycles start at 1."""
        return 2 * (self.s_cycle - self.s_cycle.min()) + np.minimum(self.s_half_in_cycle, 1)

    @cached_property
    def s_half_first(self) -> np.ndarray:
        """Index of the first step of each step's half cycle."""
        return _first_index(_starts(self.s_half_cycle))

    # -- structure, per row (the text writers) -------------------------------------------
    def per_row(self, step_values: np.ndarray) -> np.ndarray:
        return np.repeat(step_values, self.s_len)

    @cached_property
    def step_start(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        out[self.s_first] = True
        return out

    @cached_property
    def step_first(self) -> np.ndarray:
        """Row index of the first row of each row's step."""
        return self.per_row(self.s_first)

    @cached_property
    def cycle_first(self) -> np.ndarray:
        """Row index of the first row of each row's cycle."""
        return self.per_row(self.s_first[self.s_cycle_first])

    @cached_property
    def step_in_cycle(self) -> np.ndarray:
        return self.per_row(self.s_in_cycle)

    @cached_property
    def sign(self) -> np.ndarray:
        return self.per_row(self.s_sign)

    @cached_property
    def dt(self) -> np.ndarray:
        d = np.zeros(self.n)
        np.subtract(self.t[1:], self.t[:-1], out=d[1:])
        np.maximum(d, 0.0, out=d)
        return d

    @cached_property
    def dq_C(self) -> np.ndarray:
        """Charge passed since the previous row [C]: the row's current over the interval
        before it (the synthetic current is constant over each interval), 0 on row 0."""
        return self.i * self.dt

    @cached_property
    def de_J(self) -> np.ndarray:
        """Energy delivered to the cell since the previous row [J], V I dt."""
        return self.v * self.dq_C

    @cached_property
    def step_time(self) -> np.ndarray:
        return self.t - self.t[self.step_first]

    def since(self, x: np.ndarray, first: np.ndarray) -> np.ndarray:
        """Running sum of ``x`` since the start of each row's group (``first``: its row)."""
        total = np.cumsum(x)
        return total - total[first] + x[first]

    def clock(self, seconds: np.ndarray | float) -> Any:
        """Local date-time of a test time (a datetime, or an array of numpy datetimes)."""
        if np.ndim(seconds) == 0:
            return self.start + timedelta(seconds=float(seconds))
        us = np.round(np.asarray(seconds) * 1e6).astype("timedelta64[us]")
        return np.datetime64(self.start, "us") + us


class _Spectrum:
    """Impedance data as numpy columns, with what the layouts derive from them."""

    def __init__(self, data: Any, writer: str) -> None:
        if not isinstance(data, ImpedanceData):
            raise InputError(
                f"{writer} writes an impedance spectrum: give an ImpedanceData. Got "
                f"{type(data).__name__}; cycling data go to the cell writers."
            )
        f = data["frequency_Hz"]
        if f.size == 0:
            raise InputError(f"{writer}: the spectrum has no points; there is nothing to write.")
        bad = ~(np.isfinite(f) & (f > 0))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"{writer} needs positive finite frequencies; frequency_Hz is {float(f[k])!r} "
                f"at row {k}."
            )
        z = data.z
        bad = ~np.isfinite(z)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"{writer} cannot write Z = {complex(z[k])!r} ohm (row {k}): every point needs "
                "a finite impedance."
            )
        self.f = f
        self.z = z
        cols = data.columns
        self.spectrum = data["spectrum"].astype(np.int64)
        self.t = data["time_s"] if "time_s" in cols else _sweep_times(f)
        self.v = data["voltage_V"] if "voltage_V" in cols else np.zeros(f.size)
        self.i = data["current_A"] if "current_A" in cols else np.zeros(f.size)
        self.n = f.size
        self.start = _local_start(data.meta.start_time)
        self.area_m2 = data.meta.area_m2
        self.mass_kg = data.meta.mass_kg
        self.amplitude_V = 0.010  # 10 mV: Va of yadg__peis.issue_149, VAC and Potential-AC of
        # the Gamry and ZPlot references

    @cached_property
    def phase_deg(self) -> np.ndarray:
        return np.degrees(np.angle(self.z))

    @cached_property
    def y(self) -> np.ndarray:
        """Admittance 1/Z [S] (inf where Z is 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1.0 / self.z

    @cached_property
    def current_amplitude_A(self) -> np.ndarray:
        """|I| of the excitation, |Ewe| / |Z| [A]."""
        with np.errstate(divide="ignore"):
            return self.amplitude_V / np.abs(self.z)

    @cached_property
    def cs_F(self) -> np.ndarray:
        """Series capacitance -1 / (w Im Z) [F] (EC-Lab's Cs); 0 where Im Z is 0."""
        w = 2 * np.pi * self.f
        with np.errstate(divide="ignore", over="ignore"):
            return np.where(self.z.imag != 0, -1.0 / (w * self.z.imag), 0.0)

    @cached_property
    def cp_F(self) -> np.ndarray:
        """Parallel capacitance Im(Y) / w [F] (EC-Lab's Cp)."""
        return self.y.imag / (2 * np.pi * self.f)

    def points_per_decade(self) -> float:
        decades = abs(math.log10(float(self.f.max()) / float(self.f.min())))
        per_spectrum = self.n / max(1, int(np.unique(self.spectrum).size))
        return round((per_spectrum - 1) / decades, 1) if decades > 0 else 1.0


def _sweep_times(f: np.ndarray) -> np.ndarray:
    """Test time of each point of a sweep without times [s]: two periods of the frequency plus
    0.8 s of settling per point (a model of a potentiostat's sweep, not an instrument's)."""
    return np.cumsum(2.0 / f + 0.8)


def _starts(values: np.ndarray) -> np.ndarray:
    out = np.ones(values.size, dtype=bool)
    np.not_equal(values[1:], values[:-1], out=out[1:])
    return out


def _first_index(starts: np.ndarray) -> np.ndarray:
    idx = np.where(starts, np.arange(starts.size), 0)
    np.maximum.accumulate(idx, out=idx)
    return idx


# ---------------------------------------------------------------------------------------
# text helpers
# ---------------------------------------------------------------------------------------


def _rows(columns: list[tuple[str, Any]], sep: str) -> list[str]:
    """Data lines from (printf format, values) pairs; values are arrays or lists of text."""
    cells = []
    for fmt, values in columns:
        if isinstance(values, np.ndarray) and values.dtype.kind == "f":
            values = values + 0.0  # no "-0.000E+000": -0.0 + 0.0 is +0.0
        items = values.tolist() if isinstance(values, np.ndarray) else list(values)
        cells.append([fmt % x for x in items])
    return [sep.join(row) for row in zip(*cells, strict=True)]


def _three_digit_exponents(text: str) -> str:
    return _TWO_DIGIT_EXPONENT.sub(r"\g<1>0\2", text)


def _f32(values: np.ndarray) -> np.ndarray:
    """Values as the float32 an instrument stores, widened back for formatting (beyond the
    float32 range: inf, as the instrument would store it)."""
    with np.errstate(over="ignore"):
        return np.asarray(values, dtype=np.float32).astype(np.float64)


def _write_text(path: Path, lines: list[str], encoding: str, *, final_newline: bool = True) -> Path:
    text = _CRLF.join(lines) + (_CRLF if final_newline else "")
    path.write_bytes(text.encode(encoding))
    return path


def _plain(x: float, decimals: int) -> str:
    """``x`` with at most ``decimals`` decimals, trailing zeros dropped ("0.723", "5")."""
    s = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _hms(seconds: np.ndarray) -> list[str]:
    """``h:mm:ss`` with hours past 24 (Neware: "144:02:18"), rounded to whole seconds."""
    s = np.round(np.asarray(seconds)).astype(np.int64)
    return [f"{v // 3600:02d}:{v // 60 % 60:02d}:{v % 60:02d}" for v in s.tolist()]


# ---------------------------------------------------------------------------------------
# BioLogic EC-Lab: .mpt
# ---------------------------------------------------------------------------------------

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

#: EC-Lab's code of the current range: the table of codes is not public, so the code of the
#: reference file's range is written (41 in yadg__gcpl.issue_149, 11 in impedance.py's PEIS).
_I_RANGE_GCPL = 41
_I_RANGE_PEIS = 11
_I_RANGE_PEIS_MPR = 38  # the first code of yadg__peis.issue_149.mpr
_F8 = "%.15E"  # EC-Lab's doubles: "3.015299923827115E+001"
_F4 = "%.7E"  # EC-Lab's singles: "3.4228721E+000"


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
    if isinstance(data, ImpedanceData):
        spec = _Spectrum(data, "write_biologic_mpt")
        header = _mpt_header(
            title="Potentio Electrochemical Impedance Spectroscopy",
            software="11.18",
            start=spec.start,
            file_name=path.with_suffix(".mpr").name,
            area_m2=spec.area_m2,
            mass_kg=spec.mass_kg,
            params=_peis_params(spec, comma),
            comma=comma,
            labels=_MPT_PEIS_LABELS,
        )
        zr, zi = spec.z.real, spec.z.imag
        y = spec.y
        absz = np.abs(spec.z)
        columns: list[tuple[str, Any]] = [
            (_F4, _f32(spec.f)),
            (_F4, _f32(zr)),
            (_F4, _f32(-zi)),
            (_F4, _f32(absz)),
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
    else:
        cell = _Cell(data, "write_biologic_mpt")
        header = _mpt_header(
            title="Galvanostatic Cycling with Potential Limitation",
            software="11.50",
            start=cell.start,
            file_name=path.with_suffix(".mpr").name,
            area_m2=cell.area_m2,
            mass_kg=cell.mass_kg,
            params=_gcpl_params(cell, comma),
            comma=comma,
            labels=_MPT_GCPL_LABELS,
        )
        columns = _gcpl_text_columns(cell)
    body = "\n".join(_rows(columns, "\t"))
    body = _three_digit_exponents(body)
    if comma:
        body = body.replace(".", ",")
    return _write_text(path, [*header, *body.split("\n")], "cp1252", final_newline=False)


def _gcpl_text_columns(cell: _Cell) -> list[tuple[str, Any]]:
    """The 29 columns of an EC-Lab 11.50 GCPL export: the .mpr's columns (the same values as
    :func:`write_biologic_mpr` writes) and those EC-Lab derives on export."""
    g = next(_gcpl_blocks(cell, cell.n))
    n = cell.n
    q_half = g[467]
    discharging = q_half < 0
    e_Wh = np.abs(cell.de_J) / 3600.0
    energy_charge = cell.since(np.where(cell.dq_C > 0, e_Wh, 0.0), cell.cycle_first)
    energy_discharge = cell.since(np.where(cell.dq_C < 0, e_Wh, 0.0), cell.cycle_first)
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


# ---------------------------------------------------------------------------------------
# BioLogic EC-Lab: .mpr
# ---------------------------------------------------------------------------------------

_MPR_MAGIC = b"BIO-LOGIC MODULAR FILE\x1a".ljust(48) + b"\x00\x00\x00\x00"
#: Column ids of a GCPL data module: those of navani's jdb11 GCPL file and
#: yadg__gcpl.issue_149.mpr, with I/mA (id 8) after Ewe/V as EC-Lab records it in MB files
#: (yadg__mb.issue_95.mpr) so that the current is stored, not derived from dq.
_GCPL_IDS = (1, 2, 3, 21, 31, 65, 131, 4, 7, 13, 5, 6, 8, 39, 467, 468, 70)
#: Column ids of a PEIS data module: yadg__peis.issue_149.mpr without the EIS quality
#: indicators (ids 473 ... 497, recorded only with "Record EIS quality indicators").
_PEIS_IDS = (32, 37, 38, 36, 35, 4, 77, 76, 169, 172, 24, 39, 33, 34, 131, 13, 70)
#: Module lengths of navani's jdb11 GCPL file (EC-Lab 11.32, data module v3).
_SET_LENGTH = 7019
_LOG_LENGTH = 14664
_ROWS_AT = 0x196  # v3 data module: the rows start here, after a 0x01 byte at 0x195
_TECHNIQUE_ID = {name: tid for tid, name in sorted(TECHNIQUE_IDS.items(), reverse=True)}
_OLE_EPOCH = datetime(1899, 12, 30)
_MAX_MODULE = 2**32 - 1


def _module(short: str, long: str, length: int, version: int, date: datetime) -> bytes:
    """Header of a module in the short form of EC-Lab <= 11.43: ``MODULE``, short name (10
    bytes) and long name (25 bytes) padded with spaces, length and version (u32), date
    ``MM/DD/YY``."""
    return (
        b"MODULE"
        + short.encode("ascii").ljust(10)
        + long.encode("ascii").ljust(25)
        + struct.pack("<II", length, version)
        + date.strftime("%m/%d/%y").encode("ascii")
    )


def _put_text(buf: bytearray, offset: int, text: str) -> None:
    raw = text.encode("cp1252")[:255]
    buf[offset] = len(raw)
    buf[offset + 1 : offset + 1 + len(raw)] = raw


def _settings(technique: str, area_m2: float | None, mass_kg: float | None) -> bytes:
    """The settings module's content, with the fields lithiophile's reader and the twins agree
    on (see :mod:`lithiophile.io.biologic_mpr`): technique id at byte 0, electrode material
    (length-prefixed) at 0x11E, surface area (float32) at 0x211 in the unit of byte 0x250
    (2 = cm²), characteristic mass (float32) at 0x24C in the unit of byte 0x251 (1 = g).
    Fields the data do not state hold EC-Lab's 0.001; every other byte is 0."""
    buf = bytearray(_SET_LENGTH)
    buf[0] = _TECHNIQUE_ID[technique]
    _put_text(buf, 0x11E, _SYNTHETIC_NOTE)
    struct.pack_into("<f", buf, 0x211, area_m2 * 1e4 if area_m2 else 0.001)
    struct.pack_into("<f", buf, 0x24C, mass_kg * 1e3 if mass_kg else 0.001)
    buf[0x250] = 2
    buf[0x251] = 1
    return bytes(buf)


def _log(technique: str, start: datetime, file_name: str) -> bytes:
    """The log module's content: technique id at byte 2 (as in the three twins), acquisition
    start as an OLE date (f64, days since 1899-12-30) at 0x249, the file's name at 0x251, the
    EC-Lab, server and interpreter versions at 0x3B7/0x3BE/0x3C5 and the device serial number
    at 0x3CF (length-prefixed text). galvani finds the date at 0x249 (its offset 585)."""
    buf = bytearray(_LOG_LENGTH)
    buf[2] = _TECHNIQUE_ID[technique]
    days = (start - _OLE_EPOCH) / timedelta(days=1)
    struct.pack_into("<d", buf, 0x249, days)
    _put_text(buf, 0x251, "C:\\EC-Lab\\Data\\" + file_name)
    for offset in (0x3B7, 0x3BE, 0x3C5):
        _put_text(buf, offset, "11.43")
    _put_text(buf, 0x3CF, "0")
    return bytes(buf)


def _data_module_length(n: int, rowsize: int) -> int:
    """Bytes of a v3 data module of ``n`` rows; InputError past the u32 length field."""
    length = _ROWS_AT + n * rowsize
    if n > _MAX_MODULE or length > _MAX_MODULE:
        raise InputError(
            f"write_biologic_mpr: {n:,} rows of {rowsize} bytes do not fit one .mpr data module "
            f"(at most {(_MAX_MODULE - _ROWS_AT) // rowsize:,} rows; the module's length is a "
            "32-bit field). Split the data over several files."
        )
    return length


def _row_dtype(ids: tuple[int, ...]) -> np.dtype:
    """The packed row of a data module: one field per id in file order (dtypes of
    :data:`lithiophile.io._biologic_columns.COLUMN_IDS`), the flag ids sharing one byte where
    the first of them stands."""
    fields: list[tuple[str, str]] = []
    for cid in ids:
        if cid in FLAG_IDS:
            if ("flags", "u1") not in fields:
                fields.append(("flags", "u1"))
        else:
            fields.append((f"c{cid}", COLUMN_IDS[cid][1]))
    return np.dtype(fields)


def _fill(rows: np.ndarray, ids: tuple[int, ...], values: Mapping[int, np.ndarray]) -> None:
    """Set every field of ``rows`` (a slice of a buffer) from values by column id."""
    flag_ids = [cid for cid in ids if cid in FLAG_IDS]
    if flag_ids:
        flags = np.zeros(rows.size, dtype=np.uint8)
        for cid in flag_ids:
            mask = FLAG_IDS[cid][1]
            shift = (mask & -mask).bit_length() - 1
            flags |= (values[cid].astype(np.uint8) << shift) & mask
        rows["flags"] = flags
    with np.errstate(over="ignore"):  # beyond the float32 range: inf, as EC-Lab stores it
        for cid in ids:
            if cid not in FLAG_IDS:
                rows[f"c{cid}"] = values[cid]


#: Rows assembled at a time by the .mpr writer: a 7.5 MB buffer for the 57-byte GCPL row,
#: small enough for the CPU cache and for memory, large enough that numpy's per-call cost
#: does not count.
_BLOCK = 1 << 17


def _gcpl_blocks(cell: _Cell, block: int = _BLOCK) -> Iterator[dict[int, np.ndarray]]:
    """EC-Lab's GCPL columns, by column id, for consecutive blocks of ``block`` rows.

    Values: flags mode (1 galvanostatic, 2 potentiostatic, 3 open circuit), ox/red (0 while
    reducing, 1 otherwise: rests keep 1 as in ``yadg__gcpl.issue_149.mpt``), error 0, control
    changes (1 on the first row of each step), Ns changes (1 where the sequence changes, not on
    row 0, as in the reference), counter inc. 0; Ns; time/s; dq/mA.h (the row's current over
    the interval before it); (Q-Qo)/mA.h (its running sum); control/V/mA (the set current, 0
    at rest); Ewe/V; I/mA; I Range; Q charge/discharge/mA.h (signed charge since the half
    cycle began); half cycle; P/W (Ewe I).
    """
    s_first = cell.s_first
    s_end = s_first + cell.s_len
    ns_change = _starts(cell.s_ns)
    ns_change[0] = False
    ox_red = (cell.s_sign >= 0).astype(np.uint8)
    base = np.zeros(s_first.size)  # (Q-Qo) before the first row of each step [mA.h]
    carry_q = 0.0
    prev_t = float(cell.t[0])
    for a in range(0, cell.n, block):
        b = min(cell.n, a + block)
        j0 = int(np.searchsorted(s_first, a, "right")) - 1
        j1 = int(np.searchsorted(s_first, b, "left"))
        steps = np.arange(j0, j1)
        rs = np.repeat(steps, np.minimum(s_end[j0:j1], b) - np.maximum(s_first[j0:j1], a))
        t, v, i = cell.t[a:b], cell.v[a:b], cell.i[a:b]
        dt = np.empty(b - a)
        dt[0] = t[0] - prev_t
        np.subtract(t[1:], t[:-1], out=dt[1:])
        np.maximum(dt, 0.0, out=dt)
        dq = i * dt
        dq /= 3.6  # C -> mA.h
        q = np.cumsum(dq)
        q += carry_q
        starting = steps[s_first[j0:j1] >= a]
        at = s_first[starting] - a
        base[starting] = q[at] - dq[at]
        is_start = np.zeros(b - a, dtype=bool)
        is_start[at] = True
        mode = cell.s_mode[rs]
        i_mA = i * 1e3
        yield {
            1: mode,
            2: ox_red[rs],
            3: np.zeros(b - a, dtype=np.uint8),
            21: is_start,
            31: is_start & ns_change[rs],
            65: np.zeros(b - a, dtype=np.uint8),
            131: cell.s_ns[rs],
            4: t,
            7: dq,
            13: q,
            5: np.where(mode == 3, 0.0, i_mA),
            6: v,
            8: i_mA,
            39: np.full(b - a, _I_RANGE_GCPL, dtype=np.uint16),
            467: q - base[cell.s_half_first[rs]],
            468: cell.s_half_cycle[rs],
            70: v * i,
        }
        carry_q = float(q[-1])
        prev_t = float(t[-1])


def write_biologic_mpr(
    data: CellData | ImpedanceData | Mapping[str, Any],
    path: str | Path,
) -> Path:
    """Write an EC-Lab binary raw-data file (``.mpr``): GCPL for cycling data, PEIS for a
    spectrum.

    Layout (EC-Lab <= 11.43, the form of navani's ``jdb11-1_c3_gcpl_...C09.mpr``, EC-Lab
    11.32, and ``yadg__mb.issue_95.mpr``, 11.43; the byte offsets are those documented in
    :mod:`lithiophile.io.biologic_mpr`):

    * ``BIO-LOGIC MODULAR FILE\\x1a`` padded with spaces to 48 bytes, then 4 zero bytes;
    * ``VMP Set`` module (version 0, 7019 bytes): technique id (GCPL 0x04, PEIS 0x1D),
      electrode material (a note that the data are synthetic), surface area and mass with
      their unit codes;
    * ``VMP data`` module (version 3): number of rows (u32), of columns (u8), the column ids
      (u16), zeros, a 0x01 byte at 0x195, and from 0x196 the rows, packed in column-id order;
    * ``VMP LOG`` module (version 0, 14664 bytes): technique id, acquisition start (OLE date),
      file name, EC-Lab version 11.43.

    Module dates are ``MM/DD/YY``: the start date, and the date of the last point for the log.
    GCPL columns (ids 1, 2, 3, 21, 31, 65 flags; 131 Ns; 4 time/s; 7 dq/mA.h; 13 (Q-Qo)/mA.h;
    5 control/V/mA; 6 Ewe/V; 8 I/mA; 39 I Range; 467 Q charge/discharge/mA.h; 468 half cycle;
    70 P/W) are EC-Lab's GCPL set plus I/mA, which EC-Lab records in MB files; a GCPL file
    alone carries only dq, from which readers average the current. PEIS columns are those of
    ``yadg__peis.issue_149.mpr`` without the quality indicators.

    The rows are one numpy structured array written as is, so 10 million rows take seconds
    (about 0.6 GB for the 57-byte GCPL row).

    Parameters
    ----------
    data
        CellData (or a mapping of SI columns: time_s, voltage_V, current_A, optionally step
        and cycle) for GCPL, ImpedanceData for PEIS.
    path
        The file to write (overwritten).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InputError
        Data of the wrong kind, empty, not finite, or too many rows for one data module
        (its length is a 32-bit field: about 75 million GCPL rows).

    Notes
    -----
    Precision: ``time/s`` exact (float64); ``Ewe/V``, ``I/mA``, ``freq/Hz``, ``Re(Z)/Ohm``,
    ``-Im(Z)/Ohm`` are float32 as in EC-Lab (relative error at most 2**-24 = 6e-8); the
    electrode area float32 in cm². ``Ns`` is the sequence of the cycle (0 for the first half
    cycle, 1 for the second: rests belong to the sequence before them, as GCPL's rest period
    tR does); ``half cycle`` counts current reversals so that ``half cycle // 2 + 1`` is the
    data's cycle. ``I Range`` holds the reference file's code (41 for GCPL, 38 for PEIS).
    galvani (0.5) finds the acquisition start only between 2009 and 2036 (OLE days 40000 to
    50000) and raises otherwise; lithiophile's reader takes any date.
    """
    path = Path(path)
    blocks: Iterator[Mapping[int, np.ndarray]]
    if isinstance(data, ImpedanceData):
        spec = _Spectrum(data, "write_biologic_mpr")
        technique, ids, n = "PEIS", _PEIS_IDS, spec.n
        start, end = spec.start, spec.start + timedelta(seconds=float(spec.t[-1]))
        area, mass = spec.area_m2, spec.mass_kg
        absz = np.abs(spec.z)
        dq_mAh = spec.i * np.diff(spec.t, prepend=spec.t[0]) / 3.6
        blocks = iter(
            [
                {
                    32: spec.f,
                    37: spec.z.real,
                    38: -spec.z.imag,  # EC-Lab stores -Im(Z)
                    36: absz,
                    35: spec.phase_deg,
                    4: spec.t,
                    77: spec.v,
                    76: spec.i * 1e3,
                    169: spec.cs_F * 1e6,
                    172: spec.cp_F * 1e6,
                    24: spec.spectrum.astype(np.float64),
                    39: np.full(n, _I_RANGE_PEIS_MPR, dtype=np.uint16),
                    33: np.full(n, spec.amplitude_V),
                    34: spec.current_amplitude_A,
                    131: np.zeros(n, dtype=np.uint16),
                    13: np.cumsum(dq_mAh),
                    70: spec.v * spec.i,
                }
            ]
        )
    else:
        cell = _Cell(data, "write_biologic_mpr")
        technique, ids, n = "GCPL", _GCPL_IDS, cell.n
        start, end = cell.start, cell.clock(float(cell.t[-1]))
        area, mass = cell.area_m2, cell.mass_kg
        blocks = _gcpl_blocks(cell)
    dtype = _row_dtype(ids)
    length = _data_module_length(n, dtype.itemsize)
    head = bytearray(_ROWS_AT)
    struct.pack_into("<IB", head, 0, n, len(ids))
    struct.pack_into(f"<{len(ids)}H", head, 5, *ids)
    head[_ROWS_AT - 1] = 0x01  # every v3 data module here has 0x01 just before the rows
    settings = _settings(technique, area, mass)
    log = _log(technique, start, path.name)
    buffer = np.empty(min(n, _BLOCK) if technique == "GCPL" else n, dtype=dtype)
    with open(path, "wb") as fh:
        fh.write(_MPR_MAGIC)
        fh.write(_module("VMP Set", "VMP settings", len(settings), 0, start))
        fh.write(settings)
        fh.write(_module("VMP data", "VMP data", length, 3, start))
        fh.write(head)
        for values in blocks:
            rows = buffer[: len(values[4])]
            _fill(rows, ids, values)
            fh.write(rows.data)
        fh.write(_module("VMP LOG", "VMP LOG", len(log), 0, end))
        fh.write(log)
    return path


# ---------------------------------------------------------------------------------------
# Maccor
# ---------------------------------------------------------------------------------------


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
    step_ah = np.abs(cell.since(cell.dq_C, cell.step_first)) / 3600.0
    step_wh = cell.since(np.abs(cell.de_J), cell.step_first) / 3600.0
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


# ---------------------------------------------------------------------------------------
# Neware BTSDA CSV
# ---------------------------------------------------------------------------------------

_NEWARE_LABELS = (
    "DataPoint", "Cycle Index", "Step Index", "Step Type", "Time", "Cumulative Time",
    "Current(A)", "Voltage(V)", "Capacity(Ah)", "Spec. Cap.(mAh/g)", "Chg. Cap.(Ah)",
    "Chg. Spec. Cap.(mAh/g)", "DChg. Cap.(Ah)", "DChg. Spec. Cap.(mAh/g)", "Energy(Wh)",
    "Spec. Energy(mWh/g)", "Chg. Energy(Wh)", "Chg. Spec. Energy(mWh/g)", "DChg. Energy(Wh)",
    "DChg. Spec. Energy(mWh/g)", "Date", "Power(W)", "dQ/dV(mAh/V)", "dQm/dV(mAh/V.g)",
    "Contact resistance(mO)", "Module start-stop switch",
)  # fmt: skip


def _step_names(cell: _Cell, names: Mapping[str, str]) -> list[str]:
    """A vendor's step name per row from the step kind (and sign, for cv steps)."""
    codes = cell.kind
    out = np.full(cell.n, names["rest"], dtype=object)
    out[codes == _KIND["charge"]] = names["charge"]
    out[codes == _KIND["discharge"]] = names["discharge"]
    cv = codes == _KIND["cv"]
    out[cv & (cell.i >= 0)] = names["cv_charge"]
    out[cv & (cell.i < 0)] = names["cv_discharge"]
    other = ~np.isin(codes, [_KIND[k] for k in ("charge", "discharge", "cv", "rest", "ocv")])
    out[other & (cell.sign > 0)] = names["charge"]
    out[other & (cell.sign < 0)] = names["discharge"]
    return out.tolist()


def write_neware_csv(data: CellData | Mapping[str, Any], path: str | Path) -> Path:
    """Write a Neware BTSDA CSV export, the flat record layer of ``cellpy__neware_uio.csv``.

    Layout: its 26 labels (``DataPoint, Cycle Index, Step Index, Step Type, Time,
    Cumulative Time, Current(A), Voltage(V), Capacity(Ah), Spec. Cap.(mAh/g) ... Date,
    Power(W), dQ/dV(mAh/V), dQm/dV(mAh/V.g), Contact resistance(mO), Module start-stop
    switch``), comma-separated, CRLF line ends (see the module notes on line ends).

    Conventions (the reference's): signed current, discharge negative (the package's
    convention); step types ``CC Chg``, ``CC DChg``, ``CV Chg``, ``CV DChg``, ``Rest``;
    ``Cycle Index`` from 1; ``Step Index`` the program step (position of the step in its cycle
    from 1); ``Time`` (step time) and ``Cumulative Time`` as ``hh:mm:ss`` with hours past 24;
    capacities and energies unsigned, reset at each step (``Capacity`` written ``0`` while it
    is zero, as BTSDA does); per-mass columns from ``meta.mass_kg`` (``0.00`` without a
    mass); ``dQ/dV`` the step's difference quotient (0 where the voltage did not change);
    ``Date`` the local clock; contact resistance 0, switch ``Close``.

    Notes
    -----
    Precision (the reference's formats): times to the second, ``Voltage(V)`` 4 decimals
    (1e-4 V), ``Current(A)`` 8 decimals (1e-8 A).
    """
    path = Path(path)
    cell = _Cell(data, "write_neware_csv")
    names = {
        "rest": "Rest", "charge": "CC Chg", "discharge": "CC DChg",
        "cv_charge": "CV Chg", "cv_discharge": "CV DChg",
    }  # fmt: skip
    step_type = _step_names(cell, names)
    cap_ah = np.abs(cell.since(cell.dq_C, cell.step_first)) / 3600.0
    energy_wh = cell.since(np.abs(cell.de_J), cell.step_first) / 3600.0
    charging = cell.sign > 0
    discharging = cell.sign < 0
    mass_g = cell.mass_kg * 1e3 if cell.mass_kg else None

    def specific(x_ah_or_wh: np.ndarray) -> np.ndarray:  # -> mAh/g or mWh/g
        return x_ah_or_wh * 1e3 / mass_g if mass_g else np.zeros(cell.n)

    dv = np.diff(cell.v, prepend=cell.v[0])
    dv_shown = np.round(dv, 4)
    dq_mah = np.diff(cap_ah * 1e3, prepend=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        dqdv = np.where((dv_shown != 0) & ~cell.step_start, np.abs(dq_mah) / np.abs(dv), 0.0)
    stamps = cell.clock(np.round(cell.t)).astype("datetime64[s]").astype(datetime)
    columns: list[tuple[str, Any]] = [
        ("%d", np.arange(1, cell.n + 1)),
        ("%d", cell.cycle.astype(np.int64)),
        ("%d", cell.step_in_cycle + 1),
        ("%s", step_type),
        ("%s", _hms(cell.step_time)),
        ("%s", _hms(cell.t)),
        ("%.8f", cell.i),
        ("%.4f", cell.v),
        ("%s", ["0" if c == 0 else f"{c:.8f}" for c in cap_ah.tolist()]),
        ("%.2f", specific(cap_ah)),
        ("%.8f", np.where(charging, cap_ah, 0.0)),
        ("%.2f", specific(np.where(charging, cap_ah, 0.0))),
        ("%.8f", np.where(discharging, cap_ah, 0.0)),
        ("%.2f", specific(np.where(discharging, cap_ah, 0.0))),
        ("%.8f", energy_wh),
        ("%.2f", specific(energy_wh)),
        ("%.8f", np.where(charging, energy_wh, 0.0)),
        ("%.2f", specific(np.where(charging, energy_wh, 0.0))),
        ("%.8f", np.where(discharging, energy_wh, 0.0)),
        ("%.2f", specific(np.where(discharging, energy_wh, 0.0))),
        ("%s", [s.strftime("%Y-%m-%d %H:%M:%S") for s in stamps]),
        ("%.8f", cell.v * cell.i),
        ("%.4f", dqdv),
        ("%.4f", specific(dqdv * 1e-3)),
        ("%d", np.zeros(cell.n, dtype=np.int64)),
        ("%s", ["Close"] * cell.n),
    ]
    return _write_text(path, [",".join(_NEWARE_LABELS), *_rows(columns, ",")], "utf-8")


# ---------------------------------------------------------------------------------------
# Arbin MITS Pro CSV
# ---------------------------------------------------------------------------------------

_ARBIN_LABELS = (
    "Date_Time", "Test_Time(s)", "Step_Time(s)", "Step_Index", "Cycle_Index", "Voltage(V)",
    "Current(A)", "Charge_Capacity(Ah)", "Discharge_Capacity(Ah)", "Charge_Energy(Wh)",
    "Discharge_Energy(Wh)", "Internal Resistance(Ohm)", "dV/dt(V/s)",
)  # fmt: skip


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
    charge_ah = cell.since(np.where(cell.dq_C > 0, cell.dq_C, 0.0), cell.cycle_first) / 3600.0
    discharge_ah = cell.since(np.where(cell.dq_C < 0, -cell.dq_C, 0.0), cell.cycle_first)
    discharge_ah = discharge_ah / 3600.0
    e = np.abs(cell.de_J) / 3600.0
    charge_wh = cell.since(np.where(cell.dq_C > 0, e, 0.0), cell.cycle_first)
    discharge_wh = cell.since(np.where(cell.dq_C < 0, e, 0.0), cell.cycle_first)
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


# ---------------------------------------------------------------------------------------
# LAND
# ---------------------------------------------------------------------------------------

_LAND_LABELS = (
    "Index", "Cycle", "StepNo", "StepStatus", "TestTime/Sec", "StepTime/Sec", "Current/mA",
    "Voltage/V", "Capacity/mAh", "Energy/mWh", "SysTime",
)  # fmt: skip


def write_land(data: CellData | Mapping[str, Any], path: str | Path) -> Path:
    """Write a LAND/LANHE record table as CSV.

    No LAND file is in ``../shared``: the labels are those of the record sheet documented by
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
    cap_mah = np.abs(cell.since(cell.dq_C, cell.step_first)) / 3.6
    energy_mwh = cell.since(np.abs(cell.de_J), cell.step_first) / 3.6
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


# ---------------------------------------------------------------------------------------
# Gamry .DTA
# ---------------------------------------------------------------------------------------


def _gamry_number(x: float) -> str:
    """Gamry's 7 significant digits ("200015.6", "-5.89286E-006")."""
    return _three_digit_exponents(format(x, ".7G"))


def _gamry_quant(x: float) -> str:
    """Gamry's setup quantities: "2.00000E+005"."""
    return _three_digit_exponents(format(x, ".5E"))


def write_gamry_dta(data: ImpedanceData, path: str | Path) -> Path:
    """Write a Gamry Framework ``.DTA`` file of a potentiostatic EIS (``EISPOT``).

    Layout of ``impedancepy__exampleDataGamry.DTA`` (Framework 7.05): ``EXPLAIN``, the tags
    ``TAG EISPOT``, ``TITLE``, ``DATE`` (M/D/YYYY), ``TIME``, ``NOTES`` (one line: the data are
    synthetic), the setup (``VDC``, ``FREQINIT``, ``FREQFINAL``, ``PTSPERDEC``, ``VAC``,
    ``AREA`` in cm², ``CONDIT``, ``DELAY`` off, ``SPEED``, ``ZGUESS``), ``EOC``,
    ``CONVENTION 1`` (anodic current positive) and ``FRAMEWORKVERSION``; then the
    ``ZCURVE TABLE`` as the last block, each row starting with a tab: labels ``Pt Time Freq
    Zreal Zimag Zsig Zmod Zphz Idc Vdc IERange`` and units ``# s Hz ohm ohm V ohm ° A V #``.
    Tab-separated, Latin-1 (``°``), CRLF line ends. The potentiostat's hardware tags and the
    open-circuit table of the initial delay (off here) are not written.

    Conventions: ``Zimag`` is Im(Z) itself (negative for a capacitive arc), ``Zphz`` its phase
    in degrees, as Gamry writes them; ``IERange`` holds the reference's first code (9).

    Notes
    -----
    Precision (Gamry's format): 7 significant digits (relative error below 5e-7); ``AREA``
    6 significant digits.
    """
    path = Path(path)
    spec = _Spectrum(data, "write_gamry_dta")
    area_cm2 = spec.area_m2 * 1e4 if spec.area_m2 else 1.0  # 1 cm²: Gamry's default
    tab = "\t"
    header = [
        "EXPLAIN",
        "TAG\tEISPOT",
        "TITLE\tLABEL\tPotentiostatic EIS\tTest &Identifier",
        f"DATE\tLABEL\t{spec.start.month}/{spec.start.day}/{spec.start.year}\tDate",
        f"TIME\tLABEL\t{spec.start:%H:%M:%S}\tTime",
        "NOTES\tNOTES\t1\t&Notes...",
        f"\t{_SYNTHETIC_NOTE}",
        f"VDC\tPOTEN\t{_gamry_quant(0.0)}\tT\tDC &Voltage (V)",
        f"FREQINIT\tQUANT\t{_gamry_quant(float(spec.f[0]))}\tInitial Fre&q. (Hz)",
        f"FREQFINAL\tQUANT\t{_gamry_quant(float(spec.f[-1]))}\tFinal Fre&q. (Hz)",
        f"PTSPERDEC\tQUANT\t{_gamry_quant(spec.points_per_decade())}\tPoints/&decade",
        f"VAC\tQUANT\t{_gamry_quant(spec.amplitude_V * 1e3)}\tAC &Voltage (mV rms)",
        f"AREA\tQUANT\t{_gamry_quant(area_cm2)}\t&Area (cm^2)",
        f"CONDIT\tTWOPARAM\tF\t{_gamry_quant(15.0)}\t{_gamry_quant(0.0)}\tConditionin&g"
        "\tTime(s)\tE(V)",
        f"DELAY\tTWOPARAM\tF\t{_gamry_quant(100.0)}\t{_gamry_quant(0.0)}\tInit. De&lay"
        "\tTime(s)\tStab.(mV/s)",
        "SPEED\tSELECTOR\t1\t&Optimize for:",
        f"ZGUESS\tQUANT\t{_gamry_quant(100.0)}\tE&stimated Z (ohms)",
        f"EOC\tQUANT\t{_gamry_number(float(spec.v[0]))}\tOpen Circuit (V)",
        "CONVENTION\tIQUANT\t1\tCurrent Convention",
        "FRAMEWORKVERSION\tQUANT\t7.05\tFramework Version",
        "ZCURVE\tTABLE",
        "\tPt\tTime\tFreq\tZreal\tZimag\tZsig\tZmod\tZphz\tIdc\tVdc\tIERange",
        "\t#\ts\tHz\tohm\tohm\tV\tohm\t°\tA\tV\t#",
    ]
    numbers = [
        spec.t,
        spec.f,
        spec.z.real,
        spec.z.imag,
        np.ones(spec.n),
        np.abs(spec.z),
        spec.phase_deg,
        spec.i,
        spec.v,
    ]
    text_cols = [[_gamry_number(x) for x in col.tolist()] for col in numbers]
    rows = [
        tab + tab.join([str(k), *cells, "9"])
        for k, cells in enumerate(zip(*text_cols, strict=True))
    ]
    return _write_text(path, [*header, *rows], "latin-1")


# ---------------------------------------------------------------------------------------
# Scribner ZPlot .z
# ---------------------------------------------------------------------------------------


def _zplot_line(key: str, value: Any, indent: int = 2) -> str:
    """``  Key:<spaces>value`` with the value in column 30, as ZPlot aligns it."""
    return " " * indent + f"{key}:".ljust(28 - (indent - 2)) + str(value)


def write_zplot(data: ImpedanceData, path: str | Path) -> Path:
    """Write a Scribner ZPlot ``.z`` file (``ZPLOT2 ASCII``), as ``impedancepy__Circuit1_EIS_1.z``.

    Layout: ``ZPLOT2 ASCII``; ``key: value`` lines with the value in column 30 (``Measured
    Data, ZPlot: 3.2c``, ``Experiment Type``, ``Date`` MM-DD-YYYY, ``Time``, ``Open Circuit
    Potential (V)``); the ``Begin Experiment``/``End Experiment`` block with the sweep
    settings (DC and AC potential, initial and final frequency, log spacing, points per
    decade); the ``Cell Information`` block with the surface area (cm²; 1, ZPlot's default,
    when the data state none); ``Data Points``; the tab-separated labels ``Freq(Hz) Ampl Bias
    Time(Sec) Z'(a) Z''(b) GD Err Range``; ``End Comments``; the rows. ASCII, CRLF line ends.
    The potentiostat and analyzer blocks of the reference (Solartron 1287/1252 settings) are
    not written: they describe hardware the synthetic data did not run on.

    Conventions: ``Z''(b)`` is Im(Z) itself (negative for a capacitive arc), as ZPlot writes
    it; ``Ampl`` the 10 mV excitation, ``Bias`` the DC potential, ``GD`` 0, ``Err`` 0,
    ``Range`` the reference's code (4).

    Notes
    -----
    Precision (the reference's formats): frequency and time 7 significant digits, ``Z'(a)``
    and ``Z''(b)`` 5 significant digits (``%.4E``: relative error below 5e-5).
    """
    path = Path(path)
    spec = _Spectrum(data, "write_zplot")
    area_cm2 = spec.area_m2 * 1e4 if spec.area_m2 else 1.0
    header = [
        "ZPLOT2 ASCII",
        _zplot_line("Measured Data, ZPlot", "3.2c"),
        _zplot_line("Experiment Type", "Sweep Frequency, Control Voltage"),
        _zplot_line("Date", f"{spec.start:%m-%d-%Y}"),
        _zplot_line("Time", f"{spec.start:%H:%M:%S}"),
        _zplot_line("Open Circuit Potential (V)", format(float(spec.v[0]), ".4f")),
        _zplot_line("Begin User Comments", 0),
        _zplot_line("End User Comments", 0),
        _zplot_line("Begin Experiment", 0),
        _zplot_line("Potential-DC", 0, 4),
        _zplot_line("Potential-DC Type", 1, 4),
        _zplot_line("Potential-AC", format(spec.amplitude_V * 1e3, "g"), 4),
        _zplot_line("vs Freq-Initial", format(float(spec.f[0]), ".10g"), 4),
        _zplot_line("vs Freq-Final", format(float(spec.f[-1]), ".10g"), 4),
        _zplot_line("vs Freq-Lin/Log Type", 1, 4),
        _zplot_line("vs Freq-Log Type", 0, 4),
        _zplot_line("vs Freq-Log Interval", format(spec.points_per_decade(), "g"), 4),
        _zplot_line("End Experiment", 0),
        _zplot_line("Begin Information", "Cell Information"),
        _zplot_line("Surface Area", format(area_cm2, "g"), 4),
        _zplot_line("Density", 0, 4),
        _zplot_line("Weight", 0, 4),
        _zplot_line("End Information", "Cell Information"),
        _zplot_line("Data Points", spec.n),
        "  "
        + "\t".join(
            ["Freq(Hz)", "Ampl", "Bias", "Time(Sec)", "Z'(a)", "Z''(b)", "GD", "Err", "Range"]
        ),
        "End Comments",
    ]
    columns: list[tuple[str, Any]] = [
        ("%.6E", spec.f),
        ("%.4E", np.full(spec.n, spec.amplitude_V)),
        ("%.4E", spec.v),
        ("%.6E", spec.t),
        ("%.4E", spec.z.real),
        ("%.4E", spec.z.imag),
        ("%.4E", np.zeros(spec.n)),
        ("%d", np.zeros(spec.n, dtype=np.int64)),
        ("%d", np.full(spec.n, 4)),
    ]
    return _write_text(path, [*header, *_rows(columns, "\t")], "ascii")


# ---------------------------------------------------------------------------------------
# all of them
# ---------------------------------------------------------------------------------------

#: Registry format name -> writer, for the formats that can be written from synthetic data
#: (binary Neware .nda/.ndax and Arbin .res cannot honestly be synthesised: not here).
WRITERS: dict[str, Callable[..., Path]] = {
    "biologic-mpt": write_biologic_mpt,
    "biologic-mpr": write_biologic_mpr,
    "maccor-text": write_maccor_text,
    "neware-csv": write_neware_csv,
    "arbin-csv": write_arbin_csv,
    "land": write_land,
    "gamry-dta": write_gamry_dta,
    "zplot": write_zplot,
}


def write_instrument_examples(
    folder: str | Path,
    *,
    cell: CellData | None = None,
    spectrum: ImpedanceData | None = None,
) -> list[Path]:
    """Write one file of every instrument layout into ``folder`` (created if needed).

    Parameters
    ----------
    folder
        Where to write.
    cell
        Cycling data; default ``li_li_symmetric(rest_s=600.0)`` (5 cycles at 1 mA cm⁻² with
        10-minute rests, 4200 points).
    spectrum
        A spectrum; default ``rc_spectrum()`` (R0 + R_int || C, 1 MHz to 0.1 Hz).

    Returns
    -------
    list of Path
        In this order: ``li_li_symmetric_gcpl.mpt``, ``li_li_symmetric_gcpl.mpr``,
        ``interface_peis.mpt``, ``interface_peis.mpr``, ``li_li_symmetric.001`` (Maccor),
        ``li_li_symmetric_neware.csv``, ``li_li_symmetric_arbin.csv``,
        ``li_li_symmetric_land.csv``, ``interface_eis.DTA`` (Gamry), ``interface_eis.z``
        (ZPlot).
    """
    from lithiophile.examples import li_li_symmetric, rc_spectrum

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if cell is None:
        cell = li_li_symmetric(rest_s=600.0)
    if spectrum is None:
        spectrum = rc_spectrum()
    return [
        write_biologic_mpt(cell, folder / "li_li_symmetric_gcpl.mpt"),
        write_biologic_mpr(cell, folder / "li_li_symmetric_gcpl.mpr"),
        write_biologic_mpt(spectrum, folder / "interface_peis.mpt"),
        write_biologic_mpr(spectrum, folder / "interface_peis.mpr"),
        write_maccor_text(cell, folder / "li_li_symmetric.001"),
        write_neware_csv(cell, folder / "li_li_symmetric_neware.csv"),
        write_arbin_csv(cell, folder / "li_li_symmetric_arbin.csv"),
        write_land(cell, folder / "li_li_symmetric_land.csv"),
        write_gamry_dta(spectrum, folder / "interface_eis.DTA"),
        write_zplot(spectrum, folder / "interface_eis.z"),
    ]
