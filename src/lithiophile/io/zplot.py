"""Scribner ZPlot/ZView ``.z`` impedance files.

Layout (as in impedance.py's ``data/Circuit1_EIS_1.z``, ZPlot 3.2c, and as
``impedance.preprocessing.readZPlot`` reads it)::

    ZPLOT2 ASCII
      Measured Data, ZPlot:       3.2c
      Date:                       10-12-2018
      Time:                       12:32:21
      ...                         (key: value lines; "Begin X:" / "End X:" sections)
      Data Points:                48
      Freq(Hz)  Ampl  Bias  Time(Sec)  Z'(a)  Z''(b)  GD  Err  Range
    End Comments
    5.000000E+04  1.0000E-02  0.0000E+00  2.59E+00  2.9036E+01  6.3662E-01 ...

Columns are tab-separated (some writers use ", "). ``Z'(a)`` and ``Z''(b)`` are the real and
imaginary parts of Z in ohm; ZView writes Im(Z) itself (negative for a capacitive arc; it plots
-Z''), which is also lithiophile's convention, so no sign change is made. Files without the
metadata block (a ``Freq(Hz)`` label line, then data) are read too.
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
    parse_numeric_table,
    require_labels,
    split_labels,
)

__all__ = ["read", "sniff"]

FMT = "a ZPlot/ZView .z file"

#: The columns every ZPlot-style impedance table has (ZPlot's, and Maccor's FRA export), as
#: labelled there -> canonical names.
IMPEDANCE_LABELS = {"Freq(Hz)": "frequency_Hz", "Z'(a)": "z_real_ohm", "Z''(b)": "z_imag_ohm"}
_NUMERIC = tuple(IMPEDANCE_LABELS)

#: ZPlot column labels -> canonical names (labels as written by ZPlot 3.2c, see module doc).
COLUMNS = {**IMPEDANCE_LABELS, "Time(Sec)": "time_s"}

#: Software default of "Surface Area" in the Cell Information block (value in cm^2):
#: a file stating exactly this is taken to state no area (seen in Circuit1_EIS_1.z).
DEFAULT_AREA_CM2 = 1.0


def sniff(head: bytes, path: Path) -> int:
    """95 for a ``ZPLOT2 ASCII`` first line; 85 for a ``Freq(Hz) ... Z'(a) Z''(b)`` label line
    without Maccor's ``Polar(V)`` column (which marks a Maccor FRA export)."""
    try:
        if looks_binary(head):
            return 0
        text = decode(head[:8192])
        if text.lstrip().upper().startswith("ZPLOT"):
            return 95
        for line in head_lines(text, 300):
            if "Freq(Hz)" in line and "Z'(a)" in line and "Z''(b)" in line:
                return 0 if "Polar(V)" in line else 85
        return 0
    except Exception:  # a sniffer never raises
        return 0


def _header(lines: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    section = ""
    for line in lines:
        m = re.match(r"^\s*([^:]+?):\s*(.*?)\s*$", line)
        if not m:
            continue
        key, value = m.group(1), m.group(2)
        if key.startswith("Begin "):
            section = key[6:]
            continue
        if key.startswith("End "):
            section = ""
            continue
        out[f"{section}/{key}" if section else key] = value
    return out


def _float(value: Any) -> float | None:
    try:
        return float(str(value).strip().replace(",", "."))
    except (TypeError, ValueError):
        return None


def impedance_table(
    path: Path,
    fmt: str,
    text: str,
    lines: list[str],
    *,
    label_line: str,
    label_idx: int,
    data_idx: int,
    separator: str,
) -> pl.DataFrame:
    """The rows of a ZPlot-style table (ZPlot's, Maccor's FRA export): the labels of
    ``label_line`` (line index ``label_idx``), which must include :data:`IMPEDANCE_LABELS`,
    and the rows from line index ``data_idx``, those columns numbers on every row."""
    labels = split_labels(label_line, separator)
    require_labels(path, fmt, labels, _NUMERIC, label_idx + 1)
    return parse_numeric_table(
        path, fmt, text, lines, data_idx=data_idx, separator=separator, labels=labels,
        numeric=_NUMERIC,
    )  # fmt: skip


def parse(path: Path) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Stage 1: the rows (labels as written) and the header's ``key: value`` fields."""
    text = load_text(path, FMT)
    lines = head_lines(text, 2000)
    label_idx = next((k for k, ln in enumerate(lines) if "Freq(Hz)" in ln), None)
    if label_idx is None:
        raise FileFormatError(
            path, FMT, "no column label line with 'Freq(Hz)' in the first 2000 lines"
        )
    end_idx = next((k for k, ln in enumerate(lines) if ln.strip().startswith("End Comments")), None)
    data_start = (end_idx if end_idx is not None and end_idx > label_idx else label_idx) + 1
    label_line = lines[label_idx]
    sep = "\t" if "\t" in label_line else ","
    frame = impedance_table(
        path, FMT, text, lines, label_line=label_line.strip(), label_idx=label_idx,
        data_idx=data_start, separator=sep,
    )  # fmt: skip
    header = _header(lines[1:label_idx])
    declared = _float(header.get("Data Points"))
    if declared is not None and declared > frame.height:
        raise FileFormatError(
            path,
            FMT,
            f"the header declares {int(declared)} data points but {frame.height} rows follow "
            "(file truncated?)",
        )
    return frame, header


def _start_time(header: dict[str, Any], notes: list[str]) -> datetime | None:
    date, clock = header.get("Date"), header.get("Time")
    if not date:
        return None
    for fmt_ in ("%m-%d-%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S"):
        try:
            start = datetime.strptime(f"{date} {clock or '00:00:00'}", fmt_)
        except ValueError:
            continue
        notes.append("start time read as month-day-year (ZPlot's US date order)")
        return start
    return None


def _area_m2(header: dict[str, Any], notes: list[str]) -> float | None:
    area_cm2 = _float(header.get("Information/Surface Area"))
    if area_cm2 == DEFAULT_AREA_CM2:
        notes.append(
            "Surface Area is 1 (cm^2), ZPlot's default: not taken as the electrode area; pass "
            "area_m2 to normalise"
        )
        return None
    return area_cm2 * 1e-4 if area_cm2 is not None and area_cm2 > 0 else None


def build(frame: pl.DataFrame, header: dict[str, Any], path: Path) -> ImpedanceData:
    """Stage 2: ImpedanceData from the parsed rows and header."""
    freq = frame.get_column("Freq(Hz)").to_numpy()
    check_frequencies(path, FMT, freq)
    cols: dict[str, Any] = {COLUMNS.get(lab, lab): frame.get_column(lab) for lab in frame.columns}
    cols["spectrum"] = spectrum_index(freq)
    notes = ["Z''(b) is Im(Z) as ZView writes it (negative for a capacitive arc): kept as is"]
    version = header.get("Measured Data, ZPlot")
    experiment = header.get("Experiment Type")
    meta = Metadata(
        format="zplot",
        instrument="Scribner",
        format_version=f"ZPlot {version}" if version else None,
        start_time=_start_time(header, notes),
        area_m2=_area_m2(header, notes),
        techniques=("EIS", experiment) if experiment else ("EIS",),
        header=header,
        notes=tuple(notes),
    )
    return ImpedanceData.from_columns(pl.DataFrame(cols), meta)


def read(path: Path, **_: Any) -> ImpedanceData:
    """Read a ZPlot/ZView ``.z`` file: :func:`parse`, then :func:`build`.

    Returns
    -------
    ImpedanceData
        ``frequency_Hz`` [Hz], ``z_real_ohm`` [ohm], ``z_imag_ohm`` [ohm] (Im Z as written),
        ``spectrum``, ``time_s`` [s] when the file has ``Time(Sec)``, other columns under their
        labels (``Ampl``, ``Bias``, ``GD``, ``Err``, ``Range``).

    Raises
    ------
    FileFormatError
        No ``Freq(Hz)`` label line; fewer rows than "Data Points" declares; a cut or
        non-numeric row (named by line number).
    """
    frame, header = parse(path)
    return build(frame, header, path)
