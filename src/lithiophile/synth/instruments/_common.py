"""What the writers share: cycling and impedance data prepared as numpy columns (``_Cell``,
``_Spectrum``), the acquisition start, and the helpers that format rows and write text files.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.errors import InputError
from lithiophile.io import steps as _steps
from lithiophile.io.celldata import CellData, ImpedanceData

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


#: An interval longer than this many times the 95th percentile of a file's intervals is an
#: interruption (the instrument stopped), over which its charge counter adds nothing.
INTERRUPTION_FACTOR = 3.0


def interruption_threshold_s(dt: np.ndarray) -> float:
    """Interval [s] above which ``dt`` (the intervals between records) is an interruption:
    :data:`INTERRUPTION_FACTOR` x the 95th percentile of the positive intervals (inf when
    there are none)."""
    d = dt[dt > 0]
    if d.size == 0:
        return float("inf")
    sample = d[:: max(1, d.size // 200_000)]  # a strided sample keeps this cheap
    return INTERRUPTION_FACTOR * float(np.percentile(sample, 95))


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
            _refuse_not_finite(writer, name, arr)
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
    def interruption_s(self) -> float:
        """Intervals longer than this [s] are interruptions, not sampling: an instrument's
        charge counter integrates the current it measures, and during an interruption it
        measures none (:data:`INTERRUPTION_FACTOR` times the 95th percentile of the
        intervals, which record-on-change sampling and a few interruptions do not move)."""
        return interruption_threshold_s(self.dt[1:])

    @cached_property
    def counted_dt(self) -> np.ndarray:
        """The interval before each row over which the instrument's counter integrates [s]:
        :attr:`dt`, but 0 over an interruption (:attr:`interruption_s`)."""
        d = self.dt.copy()
        d[d > self.interruption_s] = 0.0
        return d

    @cached_property
    def dq_C(self) -> np.ndarray:
        """Charge passed since the previous row [C], as an instrument's counter sees it: the
        row's current over the interval before it (the synthetic current is constant over
        each interval), 0 on row 0 and over an interruption (:attr:`counted_dt`)."""
        return self.i * self.counted_dt

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

    @cached_property
    def step_charge_C(self) -> np.ndarray:
        """Charge passed since the row's step began, unsigned [C] (vendors' step capacity)."""
        return np.abs(self.since(self.dq_C, self.step_first))

    @cached_property
    def step_energy_J(self) -> np.ndarray:
        """Energy exchanged since the row's step began, unsigned [J]."""
        return self.since(np.abs(self.de_J), self.step_first)

    def cycle_sums(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``x`` summed since the row's cycle began over the charging rows (dq > 0) and over
        the discharging rows (dq < 0): vendors' charge/discharge capacity and energy."""
        charging = np.where(self.dq_C > 0, x, 0.0)
        discharging = np.where(self.dq_C < 0, x, 0.0)
        return self.since(charging, self.cycle_first), self.since(discharging, self.cycle_first)

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
        _refuse_first(
            ~(np.isfinite(f) & (f > 0)),
            lambda k: (
                f"{writer} needs positive finite frequencies; frequency_Hz is {float(f[k])!r} "
                f"at row {k}."
            ),
        )
        z = data.z
        _refuse_first(
            ~np.isfinite(z),
            lambda k: (
                f"{writer} cannot write Z = {complex(z[k])!r} ohm (row {k}): every point needs "
                "a finite impedance."
            ),
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


def _refuse_first(bad: np.ndarray, message: Callable[[int], str]) -> None:
    """InputError with ``message(k)`` for the first row ``k`` where ``bad`` holds, if any."""
    if bad.any():
        raise InputError(message(int(np.flatnonzero(bad)[0])))


def _refuse_not_finite(writer: str, name: str, arr: np.ndarray) -> None:
    _refuse_first(
        ~np.isfinite(arr),
        lambda k: (
            f"{writer} cannot write {name} = {float(arr[k])!r} (row {k}): instrument files "
            "hold a finite number in every row. Drop or fill the missing values first."
        ),
    )


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


def _write_text(path: Path, lines: list[str], encoding: str, *, final_newline: bool = True) -> Path:
    text = _CRLF.join(lines) + (_CRLF if final_newline else "")
    path.write_bytes(text.encode(encoding))
    return path


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
