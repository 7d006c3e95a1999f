"""What the two BioLogic readers share: the column-id table, technique names, and the step from
EC-Lab columns (labels such as ``"Ewe/V"``) to :class:`CellData` / :class:`ImpedanceData`.

Public: used by :mod:`lithiophile.io.biologic_mpr`, :mod:`lithiophile.io.biologic_mpt` and the
file writers of :mod:`lithiophile.synth.instruments` (which write the same ids).

Sources of the bundled numbers
------------------------------
[T] *Twin files*: the column was read from the .mpr with the id, dtype and bit mask given here and
    compared value by value with the column of the same label in the .mpt that EC-Lab exported
    from the same run (``yadg__{ocv,cp,gcpl,peis,geis}.issue_149``, ``yadg__mb.issue_95``,
    ``yadg__gcpl.pr_182.1``, public files of the yadg repository; EC-Lab 11.43 and 11.50).
    Every value matched (``rtol=1e-6``); see ``tests/io/test_biologic.py``.
[G] *galvani run*: the navani .mpr files there have no .mpt twin; the label is the one galvani
    0.5.0 reports for the column when run on the file (a test-only cross-check; no code copied),
    and the dtype makes the row size match the data module's length exactly.
[D] *Documented tables*: galvani 0.5.0's published column table (its ``VMPdata_colID_dtype_map``),
    read as facts (id, label, dtype) and retyped here; a wrong size cannot shift a table
    silently (see below).
[I<n>] *Public issue threads* that state the id from a user's file and EC-Lab's label for it
    (not checked against a file here):
    I64 = https://github.com/echemdata/galvani/issues/64 ,
    I67 = https://github.com/echemdata/galvani/issues/67 ,
    I80 = https://github.com/echemdata/galvani/issues/80 (names read from EClab.exe 11.36),
    I85 = https://github.com/echemdata/galvani/issues/85 ,
    I107 = https://github.com/echemdata/galvani/pull/107 ,
    I120 = https://github.com/echemdata/galvani/issues/120 .
A wrong size for an [I] entry cannot produce a silently shifted table: the reader checks that
the columns' sizes add up exactly to the data module's length and raises otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, InputError
from lithiophile.io import steps as _steps
from lithiophile.io.celldata import CellData, ImpedanceData, Metadata, Provenance, kinds_series
from lithiophile.io.charge import from_counter

__all__ = [
    "AREA_UNIT_M2",
    "COLUMN_IDS",
    "EIS_TECHNIQUES",
    "FLAG_IDS",
    "INTEGER_LABELS",
    "TECHNIQUE_IDS",
    "TECHNIQUE_NAMES",
    "build_data",
    "is_placeholder",
    "read_parsed",
]

#: Data-module column id -> (EC-Lab label, little-endian numpy dtype). Source in each comment.
COLUMN_IDS: dict[int, tuple[str, str]] = {
    4: ("time/s", "<f8"),  # [T] all twins
    5: ("control/V/mA", "<f4"),  # [T] gcpl.issue_149, gcpl.pr_182.1
    6: ("Ewe/V", "<f4"),  # [T] gcpl.issue_149, mb.issue_95, gcpl.pr_182.1
    7: ("dq/mA.h", "<f8"),  # [T] gcpl.issue_149, mb.issue_95; label I85 (not dQ)
    8: ("I/mA", "<f4"),  # [T] cp.issue_149, mb.issue_95
    9: ("Ece/V", "<f4"),  # [T] gcpl.pr_182.1
    11: ("<I>/mA", "<f8"),  # I80 (id, dtype), I85 (label)
    13: ("(Q-Qo)/mA.h", "<f8"),  # [T] gcpl.issue_149, mb.issue_95, peis/geis.issue_149
    16: ("Analog IN 1/V", "<f4"),  # I80
    17: ("Analog IN 2/V", "<f4"),  # I107
    19: ("control/V", "<f4"),  # [G] navani__00_test_04_MB_C01; I80
    20: ("control/mA", "<f4"),  # [T] cp.issue_149, mb.issue_95
    23: ("dQ/mA.h", "<f8"),  # I80
    24: ("cycle number", "<f8"),  # [T] peis.issue_149, geis.issue_149
    26: ("Rapp/Ohm", "<f4"),  # I64
    32: ("freq/Hz", "<f4"),  # [T] peis/geis.issue_149
    33: ("|Ewe|/V", "<f4"),  # [T] peis/geis.issue_149
    34: ("|I|/A", "<f4"),  # [T] peis/geis.issue_149
    35: ("Phase(Z)/deg", "<f4"),  # [T] peis/geis.issue_149
    36: ("|Z|/Ohm", "<f4"),  # [T] peis/geis.issue_149
    37: ("Re(Z)/Ohm", "<f4"),  # [T] peis/geis.issue_149
    38: ("-Im(Z)/Ohm", "<f4"),  # [T] peis/geis.issue_149
    39: ("I Range", "<u2"),  # [T] all GCPL/CP/MB/EIS twins
    69: ("R/Ohm", "<f4"),  # I64
    70: ("P/W", "<f4"),  # [T] gcpl.issue_149, gcpl.pr_182.1 ("Pwe/W" in the EIS exports)
    74: ("|Energy|/W.h", "<f8"),  # [T] mb.issue_95
    76: ("<I>/mA", "<f4"),  # [T] peis/geis.issue_149
    77: ("<Ewe>/V", "<f4"),  # [T] peis/geis.issue_149
    97: ("|Ece|/V", "<f4"),  # I120 (EC-Lab Express)
    123: ("Energy charge/W.h", "<f8"),  # [T] mb.issue_95, gcpl.pr_182.1
    124: ("Energy discharge/W.h", "<f8"),  # [T] mb.issue_95, gcpl.pr_182.1
    125: ("Capacitance charge/µF", "<f8"),  # [T] mb.issue_95, gcpl.pr_182.1
    126: ("Capacitance discharge/µF", "<f8"),  # [T] mb.issue_95, gcpl.pr_182.1
    131: ("Ns", "<u2"),  # [T] all GCPL/CP/MB/EIS twins
    169: ("Cs/µF", "<f4"),  # [T] peis/geis.issue_149
    172: ("Cp/µF", "<f4"),  # [T] peis/geis.issue_149
    174: ("<Ewe>/V", "<f4"),  # [T] ocv.issue_149, cp.issue_149 (exported as "<Ewe/V>"); I67
    434: ("(Q-Qo)/C", "<f4"),  # [T] cp.issue_149
    435: ("dQ/C", "<f4"),  # [T] cp.issue_149
    436: ("Ewe/V", "<f4"),  # I120 (EC-Lab Express)
    467: ("Q charge/discharge/mA.h", "<f8"),  # [T] gcpl/cp.issue_149, mb.issue_95
    468: ("half cycle", "<u4"),  # [T] gcpl/cp.issue_149, mb.issue_95
    473: ("THD Ewe/%", "<f4"),  # [T] peis/geis.issue_149 (export masks the first 2 points)
    474: ("THD I/%", "<f4"),  # [T] idem
    476: ("NSD Ewe/%", "<f4"),  # [T] idem
    477: ("NSD I/%", "<f4"),  # [T] idem
    479: ("NSR Ewe/%", "<f4"),  # [T] idem
    480: ("NSR I/%", "<f4"),  # [T] idem
    486: ("|Ewe h2|/V", "<f4"),  # [T] idem
    487: ("|Ewe h3|/V", "<f4"),  # [T] idem
    488: ("|Ewe h4|/V", "<f4"),  # [T] idem
    489: ("|Ewe h5|/V", "<f4"),  # [T] idem
    490: ("|Ewe h6|/V", "<f4"),  # [T] idem
    491: ("|Ewe h7|/V", "<f4"),  # [T] idem
    492: ("|I h2|/A", "<f4"),  # [T] idem
    493: ("|I h3|/A", "<f4"),  # [T] idem
    494: ("|I h4|/A", "<f4"),  # [T] idem
    495: ("|I h5|/A", "<f4"),  # [T] idem
    496: ("|I h6|/A", "<f4"),  # [T] idem
    497: ("|I h7|/A", "<f4"),  # [T] idem
    # [D] ids documented in galvani 0.5.0's column table (id, label, dtype read as facts
    # from its documentation; no code copied). 469 'z cycle' and 438 'step time/s' also [G]
    # on batteryabn__...MB_CA5.mpr; 438 also in https://github.com/echemdata/galvani/pull/81
    # with 430-433 (the |Zwe-ce| columns of an SP-240 PEIS file).
    27: ("Ewe-Ece/V", "<f4"),  # [D]
    75: ("Analog OUT/V", "<f4"),  # [D]
    78: ("Cs-2/µF-2", "<f4"),  # [D]
    96: ("|Ece|/V", "<f4"),  # [D]
    98: ("Phase(Zce)/deg", "<f4"),  # [D]
    99: ("|Zce|/Ohm", "<f4"),  # [D]
    100: ("Re(Zce)/Ohm", "<f4"),  # [D]
    101: ("-Im(Zce)/Ohm", "<f4"),  # [D]
    163: ("|Estack|/V", "<f4"),  # [D]
    168: ("Rcmp/Ohm", "<f4"),  # [D]
    173: ("Cp-2/µF-2", "<f4"),  # [D]
    178: ("(Q-Qo)/C", "<f4"),  # [D]
    179: ("dQ/C", "<f4"),  # [D]
    211: ("Q charge/discharge/mA.h", "<f8"),  # [D]
    212: ("half cycle", "<u4"),  # [D]
    213: ("z cycle", "<u4"),  # [D]
    217: ("THD Ewe/%", "<f4"),  # [D]
    218: ("THD I/%", "<f4"),  # [D]
    220: ("NSD Ewe/%", "<f4"),  # [D]
    221: ("NSD I/%", "<f4"),  # [D]
    223: ("NSR Ewe/%", "<f4"),  # [D]
    224: ("NSR I/%", "<f4"),  # [D]
    230: ("|Ewe h2|/V", "<f4"),  # [D]
    231: ("|Ewe h3|/V", "<f4"),  # [D]
    232: ("|Ewe h4|/V", "<f4"),  # [D]
    233: ("|Ewe h5|/V", "<f4"),  # [D]
    234: ("|Ewe h6|/V", "<f4"),  # [D]
    235: ("|Ewe h7|/V", "<f4"),  # [D]
    236: ("|I h2|/A", "<f4"),  # [D]
    237: ("|I h3|/A", "<f4"),  # [D]
    238: ("|I h4|/A", "<f4"),  # [D]
    239: ("|I h5|/A", "<f4"),  # [D]
    240: ("|I h6|/A", "<f4"),  # [D]
    241: ("|I h7|/A", "<f4"),  # [D]
    242: ("|E2|/V", "<f4"),  # [D]
    271: ("Phase(Z1) / deg", "<f4"),  # [D]
    272: ("Phase(Z2) / deg", "<f4"),  # [D]
    301: ("|Z1|/Ohm", "<f4"),  # [D]
    302: ("|Z2|/Ohm", "<f4"),  # [D]
    331: ("Re(Z1)/Ohm", "<f4"),  # [D]
    332: ("Re(Z2)/Ohm", "<f4"),  # [D]
    361: ("-Im(Z1)/Ohm", "<f4"),  # [D]
    362: ("-Im(Z2)/Ohm", "<f4"),  # [D]
    391: ("<E1>/V", "<f4"),  # [D]
    392: ("<E2>/V", "<f4"),  # [D]
    422: ("Phase(Zstack)/deg", "<f4"),  # [D]
    423: ("|Zstack|/Ohm", "<f4"),  # [D]
    424: ("Re(Zstack)/Ohm", "<f4"),  # [D]
    425: ("-Im(Zstack)/Ohm", "<f4"),  # [D]
    426: ("<Estack>/V", "<f4"),  # [D]
    430: ("Phase(Zwe-ce)/deg", "<f4"),  # [D]
    431: ("|Zwe-ce|/Ohm", "<f4"),  # [D]
    432: ("Re(Zwe-ce)/Ohm", "<f4"),  # [D]
    433: ("-Im(Zwe-ce)/Ohm", "<f4"),  # [D]
    438: ("step time/s", "<f8"),  # [D]
    441: ("<Ecv>/V", "<f4"),  # [D]
    462: ("Temperature/°C", "<f4"),  # [D]
    469: ("z cycle", "<u4"),  # [D]
    471: ("<Ece>/V", "<f4"),  # [D]
    498: ("Q charge/mA.h", "<f8"),  # [D]
    499: ("Q discharge/mA.h", "<f8"),  # [D]
    500: ("step time/s", "<f8"),  # [D]
    501: ("Efficiency/%", "<f8"),  # [D]
    502: ("Capacity/mA.h", "<f8"),  # [D]
    505: ("Rdc/Ohm", "<f4"),  # [D]
    509: ("Acir/Dcir Control", "<u1"),  # [D]
}

#: Column ids that are bits of one shared byte per row (stored where the first of them stands):
#: id -> (EC-Lab label, bit mask). [T] every twin with flags: each masked (and right-shifted)
#: value equals the .mpt column of the label on every row.
FLAG_IDS: dict[int, tuple[str, int]] = {
    1: ("mode", 0x03),
    2: ("ox/red", 0x04),
    3: ("error", 0x08),
    21: ("control changes", 0x10),
    31: ("Ns changes", 0x20),
    65: ("counter inc.", 0x80),
}

#: Labels holding counters or codes (integers), in either file type.
INTEGER_LABELS: frozenset[str] = frozenset(
    [lab for lab, _ in FLAG_IDS.values()] + [lab for lab, dt in COLUMN_IDS.values() if dt[1] == "u"]
)

#: First byte of the settings module -> technique. [T] the technique named on the .mpt twin's
#: fourth line (and, for MB, on navani__00_test_04_MB_C01's file name). 0x77 = GCPL per
#: https://github.com/dgbowl/yadg/pull/182 (not checked here).
TECHNIQUE_IDS: dict[int, str] = {
    0x04: "GCPL",
    0x0B: "OCV",
    0x19: "CP",
    0x1D: "PEIS",
    0x1E: "GEIS",
    0x77: "GCPL",
    0x7F: "MB",
}

#: Technique titles written on the fourth line of a full .mpt header -> short names. The first
#: six are [T] (the twins); the others are EC-Lab's titles as listed in its manual's technique
#: chapter (not checked against a file here).
TECHNIQUE_NAMES: dict[str, str] = {
    "galvanostatic cycling with potential limitation": "GCPL",
    "open circuit voltage": "OCV",
    "chronopotentiometry": "CP",
    "potentio electrochemical impedance spectroscopy": "PEIS",
    "galvano electrochemical impedance spectroscopy": "GEIS",
    "modulo bat": "MB",
    "cyclic voltammetry": "CV",
    "linear sweep voltammetry": "LSV",
    "chronoamperometry / chronocoulometry": "CA",
    "constant current": "CC",
    "constant voltage": "CstV",
    "staircase potentio electrochemical impedance spectroscopy": "SPEIS",
    "staircase galvano electrochemical impedance spectroscopy": "SGEIS",
}

#: Electrode-surface-area unit code (settings byte 0x250) -> m^2 per unit. 2 = cm^2: [T] every
#: file here, with "Electrode surface area : ... cm²" in the exports. 3 = mm^2: a GCPL .mpr
#: whose .mpt twin states "113.100 mm²" (reported in lithiophile's issue 11; no such file here).
AREA_UNIT_M2: dict[int, float] = {2: 1e-4, 3: 1e-6}

EIS_TECHNIQUES: frozenset[str] = frozenset({"PEIS", "GEIS", "SPEIS", "SGEIS"})

_VOLTAGE = ("Ewe/V", "<Ewe>/V", "<Ewe/V>", "Ecell/V", "<Ecell>/V")
_CURRENT = (("I/mA", 1e-3), ("<I>/mA", 1e-3), ("I/A", 1.0), ("<I>/A", 1.0))
_TEMPERATURE = re.compile(r"^Temperature\s*/\s*\W{0,2}C$")  # "Temperature/°C", mis-decoded °

#: EC-Lab writes 0.001 in every empty numeric field of the cell description (surface area,
#: characteristic mass, volume, molecular weights ...): seen in every file here where the user
#: entered nothing (e.g. yadg__*.issue_149: "Characteristic mass : 0,001 g").
_PLACEHOLDER = 0.001


def is_placeholder(value: float) -> bool:
    """True for EC-Lab's 0.001 'not entered' value (or 0, or not a positive finite number)."""
    return not (np.isfinite(value) and value > 0) or abs(value - _PLACEHOLDER) < 1e-9


def _counter(values: np.ndarray) -> np.ndarray:
    """Integer values as they are (the .mpr's u8/u16/u32), floats (the .mpt's) as int64."""
    values = np.asarray(values)
    return values if values.dtype.kind in "iu" else values.astype(np.int64)


def _boundaries(n: int, starts: Sequence[int] | None) -> np.ndarray:
    new = np.zeros(n, dtype=bool)
    if n:
        new[0] = True
    for s in starts or ():
        if 0 < s < n:
            new[s] = True
    return new


def _changes(values: np.ndarray) -> np.ndarray:
    out = np.zeros(values.size, dtype=bool)
    if values.size > 1:
        np.not_equal(values[1:], values[:-1], out=out[1:])
    return out


def _current_from_dq(time_s: np.ndarray, dq_mAh: np.ndarray) -> np.ndarray:
    """EC-Lab's ``<I>``: the charge recorded since the previous point over the time since it
    [A] (dq [mA.h] * 3.6 C/mA.h / dt [s]); 0 on the first point, as EC-Lab writes it.

    Where dt <= 0 the previous point's value is repeated (0 if dq is 0 there).
    """
    n = time_s.size
    out = np.zeros(n, dtype=np.float64)
    if n < 2:
        return out
    dt = np.diff(time_s)
    dq = np.asarray(dq_mAh[1:], dtype=np.float64) * 3.6
    ok = dt > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out[1:] = np.where(ok, dq / np.where(ok, dt, 1.0), np.nan)
    out[1:][~ok & (dq == 0)] = 0.0
    bad = ~np.isfinite(out)
    if bad.any():  # forward fill from the previous finite value
        idx = np.where(~bad, np.arange(n), 0)
        np.maximum.accumulate(idx, out=idx)
        out = out[idx]
        out[~np.isfinite(out)] = 0.0
    return out


def _spectrum(
    freq: np.ndarray, cycle_number: np.ndarray | None, loop_starts: Sequence[int] | None
) -> np.ndarray:
    """1-based sweep index: a new sweep starts at a loop start, where EC-Lab's cycle number
    changes, or where the frequency turns back against the direction of the sweep."""
    n = freq.size
    new = _boundaries(n, loop_starts)
    if cycle_number is not None:
        new |= _changes(cycle_number)
    if n > 2:
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.diff(np.log(np.where(freq > 0, freq, np.nan)))
        finite = d[np.isfinite(d) & (d != 0)]
        if finite.size:
            direction = np.sign(np.median(finite))
            new[1:] |= np.sign(d) == -direction
    return np.cumsum(new, dtype=np.int32)


def _first(raw: Mapping[str, np.ndarray], labels: Sequence[str]) -> str | None:
    for lab in labels:
        if lab in raw:
            return lab
    return None


def _extras(
    raw: Mapping[str, np.ndarray], used: set[str], taken: set[str]
) -> dict[str, np.ndarray | pl.Series]:
    out: dict[str, np.ndarray | pl.Series] = {}
    for label, values in raw.items():
        if label in used or label in taken:
            continue
        if label in INTEGER_LABELS:
            out[label] = _counter(values)
        elif values.ndim == 2:  # a block of unknown bytes
            out[label] = pl.Series(label, np.ascontiguousarray(values))
        else:
            out[label] = values
    return out


def build_data(
    raw: Mapping[str, np.ndarray],
    meta: Metadata,
    *,
    path: Path | str,
    fmt: str,
    loop_starts: Sequence[int] | None = None,
    kind: str | None = None,
    consume: bool = False,
) -> CellData | ImpedanceData:
    """CellData or ImpedanceData from EC-Lab columns (labels as EC-Lab writes them).

    Parameters
    ----------
    raw
        EC-Lab label -> values in EC-Lab's units (``"time/s"``, ``"I/mA"`` ...).
    meta
        Metadata already read from the header; ``notes`` are extended here.
    path, fmt
        For error messages.
    loop_starts
        Row index where each experiment loop starts (EC-Lab's "Loop k from point number a").
    kind
        ``"cell"`` or ``"impedance"`` to force the result type; by default impedance when the
        technique is an impedance technique (or unknown) and frequency and Z columns exist.
    consume
        ``raw`` is the caller's to give away (a dict): the EC-Lab columns that become the time,
        potential, current and temperature are removed from it once converted, so that their
        memory is freed before the table is built (a lower peak on big files).
    """
    notes = list(meta.notes)
    techniques = set(meta.techniques)
    has_z = all(lab in raw for lab in ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm"))
    if kind not in (None, "cell", "impedance"):
        raise InputError(f"kind must be 'cell', 'impedance' or None. Got {kind!r}.")
    if kind is None:
        # an impedance technique, or none known and no control-mode column (EIS exports have
        # none; modulo-bat files with impedance sequences have one and stay CellData)
        eis = bool(techniques) and techniques <= EIS_TECHNIQUES
        kind = "impedance" if has_z and (eis or (not techniques and "mode" not in raw)) else "cell"
    if kind == "impedance":
        if not has_z:
            raise FileFormatError(
                path,
                fmt,
                f"kind='impedance' needs freq/Hz, Re(Z)/Ohm and -Im(Z)/Ohm columns; "
                f"the file has {list(raw)}",
            )
        return _impedance(raw, meta, path, fmt, loop_starts)
    spectra = _embedded_spectra(raw, meta, path, fmt) if has_z else None
    data = _cell(raw, meta, notes, path, fmt, loop_starts, consume)
    if spectra is not None:
        data.spectra = spectra
        data.meta = data.meta.with_provenance(
            Provenance(
                "assumption",
                f"the {spectra.summary().spectra} impedance sweeps between the cycling steps "
                f"({len(spectra)} rows, step_kind 'eis') are also given as data.spectra, one "
                "spectrum per uninterrupted sweep",
                "",
                "embedded-spectra",
            )
        )
    return data


def _embedded_spectra(
    raw: Mapping[str, np.ndarray], meta: Metadata, path: Path | str, fmt: str
) -> ImpedanceData | None:
    """The impedance sweeps inside a cycling file (Modulo Bat with PEIS/GEIS sequences): the
    rows with a frequency, one spectrum per uninterrupted run of them; None when there are
    no such rows or the file is all sweeps."""
    freq = np.asarray(raw["freq/Hz"], dtype=np.float64)
    eis = freq > 0
    if not eis.any() or eis.all():
        return None
    keep = {"freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "time/s", "cycle number", *_VOLTAGE}
    keep |= {label for label, _ in _CURRENT}
    sub = {lab: np.asarray(raw[lab])[eis] for lab in keep if lab in raw}
    starts = np.flatnonzero(np.diff(eis.astype(np.int8), prepend=0) == 1)
    block = np.cumsum(np.isin(np.arange(freq.size), starts))[eis].astype(np.int32)
    spectra = _impedance(sub, meta.replace(techniques=("EIS",)), path, fmt, None)
    spectra._table = spectra.table.with_columns(pl.Series("spectrum", block))
    return spectra


def _impedance(
    raw: Mapping[str, np.ndarray],
    meta: Metadata,
    path: Path | str,
    fmt: str,
    loop_starts: Sequence[int] | None,
) -> ImpedanceData:
    freq = np.asarray(raw["freq/Hz"], dtype=np.float64)
    cycle_number = raw.get("cycle number")
    cols: dict[str, Any] = {
        "frequency_Hz": freq,
        "z_real_ohm": np.asarray(raw["Re(Z)/Ohm"], dtype=np.float64),
        # EC-Lab writes -Im(Z); the package stores Im(Z) itself (negative for a capacitive arc)
        "z_imag_ohm": -np.asarray(raw["-Im(Z)/Ohm"], dtype=np.float64),
        "spectrum": _spectrum(freq, cycle_number, loop_starts),
    }
    used = {"freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm"}
    if "time/s" in raw:
        cols["time_s"] = np.asarray(raw["time/s"], dtype=np.float64)
        used.add("time/s")
    if cycle_number is not None and cycle_number.size:
        cn = _counter(np.nan_to_num(np.asarray(cycle_number, dtype=np.float64)))
        cols["cycle"] = (cn - cn.min() + 1).astype(np.int32)
        used.add("cycle number")
    v = _first(raw, _VOLTAGE)
    if v:
        cols["voltage_V"] = np.asarray(raw[v], dtype=np.float64)
        used.add(v)
    for label, factor in _CURRENT:
        if label in raw:
            cols["current_A"] = np.asarray(raw[label], dtype=np.float64) * factor
            used.add(label)
            break
    _temperature(raw, cols, used)
    cols.update(_extras(raw, used, set(cols)))
    try:
        return ImpedanceData.from_columns(cols, meta)
    except InputError as exc:
        raise FileFormatError(path, fmt, str(exc)) from None


def _temperature(raw: Mapping[str, np.ndarray], cols: dict[str, Any], used: set[str]) -> None:
    for label in raw:
        if _TEMPERATURE.match(label):
            cols["temperature_K"] = np.asarray(raw[label], dtype=np.float64) + 273.15
            used.add(label)
            return


def _time(raw: Mapping[str, np.ndarray], path: Path | str, fmt: str) -> np.ndarray:
    if "time/s" not in raw:
        raise FileFormatError(path, fmt, f"no time/s column among {list(raw)[:20]}")
    t = np.asarray(raw["time/s"], dtype=np.float64)
    # not finite or |t| > 1e10 (comparisons rather than np.abs: no temporary copy of t)
    bad = np.flatnonzero(~((t >= -1e10) & (t <= 1e10)))
    if bad.size:
        k = int(bad[0])
        raise FileFormatError(
            path,
            fmt,
            f"time/s on data row {k + 1} is {float(t[k])!r}, not a time (corrupt data?)",
        )
    return t


def _voltage(raw: Mapping[str, np.ndarray], path: Path | str, fmt: str) -> tuple[str, np.ndarray]:
    vlabel = _first(raw, _VOLTAGE)
    if vlabel is None:
        raise FileFormatError(
            path,
            fmt,
            f"no working-electrode potential column ({', '.join(_VOLTAGE)}) among {list(raw)[:20]}",
        )
    v = np.asarray(raw[vlabel], dtype=np.float64)
    bad = np.flatnonzero((v > 1e6) | (v < -1e6))  # |v| > 1e6, without a copy of v
    if bad.size:
        k = int(bad[0])
        raise FileFormatError(
            path,
            fmt,
            f"{vlabel} on data row {k + 1} is {float(v[k])!r}, not a potential (corrupt data?)",
        )
    return vlabel, v


def _current(
    raw: Mapping[str, np.ndarray],
    t: np.ndarray,
    mode: np.ndarray | None,
    techniques: set[str],
    notes: list[str],
    where: tuple[Path | str, str],
) -> tuple[str | None, np.ndarray]:
    """The current [A] and the label it came from (None when derived or set to 0)."""
    for label, factor in _CURRENT:
        if label in raw:
            return label, np.multiply(raw[label], factor, dtype=np.float64)
    if "dq/mA.h" in raw:
        notes.append(
            "the file records no current: current_A is EC-Lab's <I>, the charge dq recorded "
            "since the previous point divided by the time since it"
        )
        return None, _current_from_dq(t, raw["dq/mA.h"])
    if "OCV" in techniques or (mode is not None and mode.size and bool((mode == 3).all())):
        notes.append("open-circuit record without a current column: current_A set to 0")
        return None, np.zeros(t.size, dtype=np.float64)
    raise FileFormatError(
        *where, f"no current column (I/mA, <I>/mA or dq/mA.h) among {list(raw)[:20]}"
    )


def _charge(raw: Mapping[str, np.ndarray], cols: dict[str, Any]) -> list[Provenance]:
    """``charge_C`` from EC-Lab's running charge (Q-Qo) where the file has it."""
    for label, factor in (("(Q-Qo)/mA.h", 3.6), ("(Q-Qo)/C", 1.0)):
        if label in raw:
            counter = np.multiply(raw[label], factor, dtype=np.float64)
            q, found = from_counter(cols["time_s"], cols["current_A"], counter, label)
            cols["charge_C"] = q
            return found
    return []


def _structure(
    raw: Mapping[str, np.ndarray],
    cols: dict[str, Any],
    mode: np.ndarray | None,
    techniques: set[str],
    loop_starts: Sequence[int] | None,
) -> None:
    """``step`` (and ``step_kind``) and ``cycle`` from EC-Lab's counters.

    Steps: EC-Lab's sequence number Ns, split further where the control mode or the
    experiment loop changes (a GCPL sequence holds its CC, CV and rest phases). Not at half-
    cycle changes: a CP loop has one-point half cycles ([T] yadg__cp.issue_149)."""
    n = cols["time_s"].size
    freq = np.asarray(raw["freq/Hz"], dtype=np.float64) if "freq/Hz" in raw else None
    has_structure = any(lab in raw for lab in ("Ns", "mode", "half cycle")) or bool(loop_starts)
    if has_structure:
        new = _boundaries(n, loop_starts)
        if "Ns" in raw:
            new |= _changes(_counter(raw["Ns"]))
        if "Ns changes" in raw:
            new |= _counter(raw["Ns changes"]) != 0
        if mode is not None:
            new |= _changes(mode)
        if freq is not None:
            new |= _changes(freq > 0)
        step = np.cumsum(new, dtype=np.int32)
        cols["step"] = step
        if mode is not None or "OCV" in techniques:
            kinds = _kinds(step, mode, cols["current_A"], freq, techniques)
            cols["step_kind"] = kinds_series(kinds)
    ec_cycle = None
    if "half cycle" in raw:
        # EC-Lab's cycle number is half cycle // 2 ([T]: equal to the .mpt's "cycle number" in
        # every twin)
        ec_cycle = _counter(raw["half cycle"]) // 2
    elif "cycle number" in raw:
        ec_cycle = _counter(np.nan_to_num(np.asarray(raw["cycle number"], dtype=np.float64)))
    if ec_cycle is not None and n:
        cols["cycle"] = _cycles(ec_cycle)


def _cell(
    raw: Mapping[str, np.ndarray],
    meta: Metadata,
    notes: list[str],
    path: Path | str,
    fmt: str,
    loop_starts: Sequence[int] | None,
    consume: bool = False,
) -> CellData:
    t = _time(raw, path, fmt)
    vlabel, v = _voltage(raw, path, fmt)
    used = {"time/s", vlabel}
    techniques = set(meta.techniques)
    mode = _counter(raw["mode"]) if "mode" in raw else None
    ilabel, i = _current(raw, t, mode, techniques, notes, (path, fmt))
    if ilabel:
        used.add(ilabel)
    cols: dict[str, Any] = {"time_s": t, "voltage_V": v, "current_A": i}
    _temperature(raw, cols, used)
    found = _charge(raw, cols)
    if consume and isinstance(raw, MutableMapping):  # converted: not needed any more
        for label in used:
            raw.pop(label, None)
    _structure(raw, cols, mode, techniques, loop_starts)
    cols.update(_extras(raw, used, set(cols)))
    meta = meta.replace(notes=tuple(notes)).with_provenance(*found)
    try:
        return CellData.from_columns(cols, meta)
    except InputError as exc:
        raise FileFormatError(path, fmt, str(exc)) from None


def _cycles(ec_cycle: np.ndarray) -> np.ndarray:
    """lithiophile's cycle (from 1) from EC-Lab's (from 0 in cycling files, where cycle 0 is a
    real cycle: [T] yadg__gcpl.issue_149 holds a charge and a discharge in it; from 1 in
    impedance files): EC-Lab's numbers shifted to start at 1."""
    out = ec_cycle - ec_cycle.min()
    out += 1
    return out.astype(np.int32)


def _kinds(
    step: np.ndarray,
    mode: np.ndarray | None,
    current: np.ndarray,
    freq: np.ndarray | None,
    techniques: set[str],
) -> np.ndarray:
    """Step kind code of every row from EC-Lab's control mode (1 galvanostatic,
    2 potentiostatic, 3 rest at open circuit; EC-Lab manual, 'mode' in the variables list, and
    [T]: mode 3 rows carry zero current, mode 1 rows the set current)."""
    code = _steps.KIND_CODE
    n = step.size
    if n == 0:
        return np.zeros(0, dtype=np.uint8)
    starts = np.flatnonzero(np.r_[True, step[1:] != step[:-1]])
    lengths = np.diff(np.r_[starts, n])
    finite = np.where(np.isfinite(current), current, 0.0)
    mean = np.add.reduceat(finite, starts) / lengths
    tol = _steps.rest_tolerance_A(current)
    kinds = np.where(
        mean > tol, code["charge"], np.where(mean < -tol, code["discharge"], code["rest"])
    ).astype(np.uint8)
    if mode is not None:
        m = mode[starts]
        kinds[m == 2] = code["cv"]
        kinds[m == 3] = code["ocv"] if "OCV" in techniques else code["rest"]
    elif "OCV" in techniques:
        kinds[:] = code["ocv"]
    if freq is not None:
        kinds[freq[starts] > 0] = code["eis"]
    return np.repeat(kinds, lengths)


def read_parsed(
    columns: dict[str, np.ndarray],
    info: Mapping[str, Any],
    *,
    path: Path | str,
    fmt: str,
    format_name: str,
    header: Mapping[str, Any],
    kind: str | None = None,
    consume: bool = False,
) -> CellData | ImpedanceData:
    """CellData or ImpedanceData from what an EC-Lab parser returned (``parse(path)`` of
    :mod:`lithiophile.io.biologic_mpr` or :mod:`lithiophile.io.biologic_mpt`).

    ``header`` holds the format's own entries, added to ``info["header"]``; ``format_name`` is
    the metadata's format (``"biologic-mpr"``, ``"biologic-mpt"``); ``fmt`` (for messages)
    and the rest as :func:`build_data`.
    """
    full = dict(info["header"])
    full.update(header)
    meta = Metadata(
        instrument="BioLogic",
        format=format_name,
        format_version=info["format_version"],
        start_time=info["start_time"],
        area_m2=info["area_m2"],
        mass_kg=info["mass_kg"],
        techniques=tuple(info["techniques"]),
        header=full,
        notes=tuple(info["notes"]),
        provenance=tuple(info.get("provenance", ())),
    )
    loops = info["loop_starts"]
    return build_data(
        columns, meta, path=path, fmt=fmt, loop_starts=loops, kind=kind, consume=consume
    )
