"""Maccor FRA (frequency response analyser) exports: ``<test>.EDA0001.<channel>`` files.

Layout (as in BEEP's ``maccor_test_file_4267-66-6519.EDA0001.041``, the companion of the
``.041`` text export whose FRA step wrote it; BEEP's ``MaccorDatapath.MaccorEIS.from_file``
reads the same lines)::

    MACCOR, INC.    AC Impedance Test
    Frequency Sweep:   Open Circut Voltage
    EIS 1.000FRA default                               (procedure)
    DESKTOP-RUS2E13_4267-66-6519.EDA0001.041           (file name)
    Line 4
    Line 5
    Start Date:  Wednesday, November 2, 2016 Start Time:   15:58
    Line 7
    0.0005  2  0  0  0 ...                             (sweep settings, undocumented)

    Freq(Hz)  Polar(V)  time(sec)  Z'(a)  Z''(b)  Phase_Angle  Z-Mag  C(F)  Status ... V-DC ...

    999999.00000  6283179.023994  38.2  0.773446  -0.849201  -47.672950  1.148635 ...

Units and signs, as checked on the file above
--------------------------------------------
* ``Z'(a)``, ``Z''(b)`` (ZView's labels) are in ohm and ``Z''(b)`` is Im(Z) itself: the
  ``Phase_Angle`` column equals atan2(Z'', Z') in degrees (negative on the capacitive arc), and
  the instrument's own ``C(F)`` column equals 1/(2 pi f Z'') with Z'' in ohm.
* ``Polar(V)`` is not a voltage: it equals 2 pi f (the angular frequency [rad/s]) in every row;
  it is kept as ``angular_frequency_rad_s``.
* ``time(sec)`` is seconds since the sweep started; ``V-DC`` the cell voltage [V].
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from lithiophile.errors import FileFormatError
from lithiophile.io.celldata import ImpedanceData, Metadata
from lithiophile.io.derived import spectrum_index
from lithiophile.io.text import decode, looks_binary
from lithiophile.io.textblock import (
    check_frequencies,
    head_lines,
    load_text,
)
from lithiophile.io.zplot import IMPEDANCE_LABELS, impedance_table

__all__ = ["COLUMNS", "read", "sniff"]

FMT = "a Maccor FRA/EIS export (.EDA)"

#: Maccor FRA labels -> canonical columns (meaning checked on the BEEP file, see module doc).
COLUMNS = {
    **IMPEDANCE_LABELS,
    "Polar(V)": "angular_frequency_rad_s",
    "time(sec)": "time_s",
    "Phase_Angle": "phase_deg",
    "Z-Mag": "z_mod_ohm",
    "C(F)": "capacitance_F",
    "V-DC": "voltage_V",
}


def sniff(head: bytes, path: Path) -> int:
    """95 for a ``MACCOR, INC. ... AC Impedance`` first line; 85 for a ``Freq(Hz)  Polar(V)``
    label line (ZPlot's label line has no ``Polar(V)``)."""
    try:
        if looks_binary(head):
            return 0
        lines = head_lines(decode(head[:16384]), 40)
        if lines and lines[0].upper().startswith("MACCOR") and "IMPEDANCE" in lines[0].upper():
            return 95
        for line in lines:
            if line.startswith("Freq(Hz)") and "Polar(V)" in line and "Z'(a)" in line:
                return 85
        return 0
    except Exception:  # a sniffer never raises
        return 0


def _start_time(line: str) -> datetime | None:
    m = re.search(r"Start Date:\s*(.*?)\s*Start Time:\s*(\S+)", line)
    if not m:
        return None
    for fmt_ in ("%A, %B %d, %Y %H:%M", "%A, %B %d, %Y %H:%M:%S", "%m/%d/%Y %H:%M"):
        try:
            return datetime.strptime(f"{m.group(1)} {m.group(2)}", fmt_)
        except ValueError:
            continue
    return None


def _header(lines: list[str], label_idx: int) -> tuple[dict[str, Any], datetime | None]:
    """The title lines, sweep settings and start time above the column labels."""
    header: dict[str, Any] = {
        "title": lines[0].strip() if lines else "",
        "frequency_sweep": lines[1].split(":", 1)[-1].strip() if len(lines) > 1 else "",
        "procedure": lines[2].strip() if len(lines) > 2 else "",
        "file_name": lines[3].strip() if len(lines) > 3 else "",
    }
    start_time = None
    for line in lines[:label_idx]:
        if "Start Date:" in line:
            start_time = _start_time(line)
            header["start"] = line.strip()
        elif re.fullmatch(r"[\s\d.eE+-]+", line) and line.strip():
            header["sweep_settings"] = line.split()
    return header, start_time


def read(path: Path, **_: Any) -> ImpedanceData:
    """Read a Maccor FRA export.

    Returns
    -------
    ImpedanceData
        ``frequency_Hz`` [Hz], ``z_real_ohm`` [ohm], ``z_imag_ohm`` [ohm] (Im Z, as written),
        ``spectrum``, ``time_s`` [s], ``voltage_V`` [V], ``phase_deg``, ``z_mod_ohm``,
        ``capacitance_F``, ``angular_frequency_rad_s``; the other columns under their labels.

    Raises
    ------
    FileFormatError
        No ``Freq(Hz)`` label line; a cut or non-numeric row (named by line number).
    """
    text = load_text(path, FMT)
    lines = head_lines(text, 200)
    label_idx = next((k for k, ln in enumerate(lines) if ln.startswith("Freq(Hz)")), None)
    if label_idx is None:
        raise FileFormatError(path, FMT, "no 'Freq(Hz)' column label line in the first 200 lines")
    data_idx = next((k for k in range(label_idx + 1, len(lines)) if lines[k].strip()), None)
    if data_idx is None:
        raise FileFormatError(path, FMT, f"no data rows after the labels on line {label_idx + 1}")
    frame = impedance_table(
        path, FMT, text, lines, label_line=lines[label_idx], label_idx=label_idx,
        data_idx=data_idx, separator="\t",
    )  # fmt: skip
    freq = frame.get_column("Freq(Hz)").to_numpy()
    check_frequencies(path, FMT, freq)
    cols: dict[str, Any] = {"spectrum": spectrum_index(freq)}
    for lab in frame.columns:
        col = frame.get_column(lab)
        if col.null_count() == frame.height:
            continue  # the empty trailing columns of the export (irg, VMag, IMag ...)
        cols[COLUMNS.get(lab, lab)] = col
    header, start_time = _header(lines, label_idx)
    meta = Metadata(
        format="maccor-eis",
        instrument="Maccor",
        format_version="Maccor FRA export (AC Impedance Test)",
        start_time=start_time,
        techniques=("EIS",),
        header=header,
        notes=(
            "Z'(a), Z''(b) taken in ohm (the file states no unit; its C(F) column equals "
            "1/(2 pi f Z'') with Z'' in ohm); Z''(b) is Im(Z) (Phase_Angle = atan2(Z'', Z')): kept",
            "Polar(V) equals 2 pi f: kept as angular_frequency_rad_s",
        ),
    )
    return ImpedanceData.from_columns(pl.DataFrame(cols), meta)
