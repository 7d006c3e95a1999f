"""Gamry Framework ``.DTA`` files (the "EXPLAIN" text format).

Layout (as in impedance.py's ``data/exampleDataGamry.DTA``, Framework 7.05, and as read by
``impedance.preprocessing.readGamry``)::

    EXPLAIN
    TAG        EISPOT
    TITLE      LABEL   Potentiostatic EIS   Test &Identifier
    DATE       LABEL   4/23/2018            Date
    AREA       QUANT   1.00000E+000         &Area (cm^2)
    ...
    OCVCURVE   TABLE   387
    <tab>Pt  T  Vf  Vm  Ach  Over  Temp          (labels)
    <tab>#   s  V vs. Ref.  V  V  bits  deg C   (units)
    <tab>0   0.258333  -3.46699E-001 ...        (rows, each starting with a tab)
    ...
    ZCURVE     TABLE
    <tab>Pt  Time  Freq  Zreal  Zimag  Zsig  Zmod  Zphz  Idc  Vdc  IERange
    <tab>#   s     Hz    ohm    ohm    V     ohm   deg   A    V    #

A file with a ``ZCURVE`` table is returned as :class:`ImpedanceData`: Gamry writes ``Zimag`` as
Im(Z) itself (negative for a capacitive arc, with the same sign as the phase ``Zphz``), which
is lithiophile's convention, so it is kept as written. Files with ``CURVE`` tables
(chronopotentiometry, chronoamperometry, cyclic voltammetry ``CURVE1``, ``CURVE2`` ...) are
returned as :class:`CellData` from the ``T`` [s], ``Vf`` [V] and ``Im`` [A] columns.

Current sign
------------
Gamry's ``CONVENTION`` tag records the current convention; 1 (the Framework default, in every
file we have seen) is taken as anodic current positive, which is lithiophile's convention
(reduction at the working electrode negative); 0 as cathodic positive (currents negated). The
decision is written to ``Metadata.notes``.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, InputError
from lithiophile.io.celldata import CellData, ImpedanceData, Metadata, Provenance
from lithiophile.io.derived import spectrum_index
from lithiophile.io.text import decode, looks_binary
from lithiophile.io.textblock import (
    check_last_line,
    load_text,
    numeric_style,
    parse_block,
)

__all__ = ["read", "sniff"]

FMT = "a Gamry .DTA file"

_TABLE = re.compile(r"(?m)^([A-Za-z_][A-Za-z0-9_]*)\tTABLE(?:\t+(\d+))?[ \t]*\r?$")
_NOT_TAB_LINE = re.compile(r"\n(?![\t])")

#: Temperature Gamry writes when no thermocouple is connected (deg C; every Temp value in
#: exampleDataGamry.DTA's OCVCURVE is this): such a column is dropped.
NO_PROBE_DEGC = -327.67

#: Gamry's default electrode area (AREA tag, cm^2): a file stating exactly this is taken to
#: state no area (exampleDataGamry.DTA states 1.00000E+000).
DEFAULT_AREA_CM2 = 1.0


def sniff(head: bytes, path: Path) -> int:
    """95 when the file starts with ``EXPLAIN`` followed by a ``TAG`` line (Gamry's format)."""
    try:
        if looks_binary(head):
            return 0
        text = decode(head[:4096]).lstrip("\ufeff")
        lines = text.splitlines()
        if lines and lines[0].strip().upper() == "EXPLAIN":
            if any(ln.startswith("TAG\t") for ln in lines[1:6]):
                return 95
            return 70
        return 0
    except Exception:  # a sniffer never raises
        return 0


class _Table:
    """Where one TABLE sits in the text (character offsets) and how many rows it declares."""

    def __init__(self, name: str, declared: int | None, line: int, offsets: tuple[int, ...]):
        self.name = name
        self.declared = declared
        self.label_line = line  # 1-based line number of the labels line
        self.tag_start, self.labels_start, self.units_start, self.start, self.end = offsets


def _line_no(text: str, offset: int) -> int:
    """1-based number of the line holding ``offset``."""
    return text.count("\n", 0, offset) + 1


def _tables(path: Path, text: str) -> list[_Table]:
    out = []
    for m in _TABLE.finditer(text):
        labels_start = m.end() + 1
        labels_end = text.find("\n", labels_start)
        units_end = text.find("\n", labels_end + 1) if labels_end >= 0 else -1
        line = _line_no(text, labels_start)
        if labels_end < 0 or units_end < 0:
            raise FileFormatError(
                path,
                FMT,
                f"table {m.group(1)} at line {line - 1} has no label and unit lines "
                "(file truncated?)",
            )
        start = units_end + 1
        nxt = _NOT_TAB_LINE.search(text, units_end)
        end = max(nxt.start() + 1 if nxt else len(text), start)
        declared = int(m.group(2)) if m.group(2) else None
        out.append(
            _Table(
                m.group(1), declared, line, (m.start(), labels_start, labels_end + 1, start, end)
            )
        )
    return out


def _number_or_text(value: str) -> float | str:
    try:
        return float(value.replace(",", "."))
    except ValueError:
        return value


def _tags(text: str, tables: list[_Table]) -> tuple[dict[str, Any], list[str]]:
    """Header tags outside the tables: NAME -> value (QUANT/IQUANT as numbers), and notes."""
    spans = []
    pos = 0
    for t in tables:
        spans.append(text[pos : t.tag_start])
        pos = t.end
    spans.append(text[pos:])
    tags: dict[str, Any] = {}
    notes: list[str] = []
    for span in spans:
        lines = span.splitlines()
        k = 0
        while k < len(lines):
            fields = lines[k].rstrip("\r").split("\t")
            k += 1
            if len(fields) < 2 or not fields[0]:
                continue
            name, kind = fields[0].strip(), fields[1].strip()
            value: Any = fields[2].strip() if len(fields) > 2 else None
            if name == "TAG":
                tags[name] = kind
                continue
            if kind == "NOTES":
                try:
                    n = int(value or 0)
                except ValueError:
                    n = 0
                notes.extend(ln.strip() for ln in lines[k : k + n] if ln.strip())
                k += n
                continue
            if kind == "TABLE":
                continue
            if kind in ("QUANT", "IQUANT", "POTEN") and value is not None:
                value = _number_or_text(value)
            tags[name] = value
    return tags, notes


def _table_frame(path: Path, text: str, table: _Table) -> tuple[pl.DataFrame, dict[str, str]]:
    label_row = text[table.labels_start : table.units_start].rstrip("\r\n").split("\t")
    unit_row = text[table.units_start : table.start].rstrip("\r\n").split("\t")
    labels = [lab.strip() or f"_col{i}" for i, lab in enumerate(label_row)]
    units = {
        lab: (unit_row[i].strip() if i < len(unit_row) else "") for i, lab in enumerate(labels)
    }
    block = text[table.start : table.end]
    if not block.strip():
        raise FileFormatError(
            path, FMT, f"table {table.name} (line {table.label_line - 1}) has no data rows"
        )
    sample = block[:4000].splitlines()[:20]
    decimal_comma, _ = numeric_style(sample, "\t")
    check_last_line(path, FMT, block, "\t")
    first_line = table.label_line + 2
    numeric = [
        lab for lab in labels if lab in ("Pt", "T", "Time", "Freq", "Zreal", "Zimag", "Vf", "Im")
    ]
    frame = parse_block(
        path,
        FMT,
        block,
        start=0,
        first_line=first_line,
        separator="\t",
        columns=labels,
        numeric=numeric,
        required=numeric,
        decimal_comma=decimal_comma,
    )
    if table.declared is not None and frame.height < table.declared:
        raise FileFormatError(
            path,
            FMT,
            f"table {table.name} declares {table.declared} points but {frame.height} rows follow "
            "(file truncated?)",
        )
    frame = frame.drop([c for c in frame.columns if c.startswith("_col")])
    return frame, units


def _start_time(tags: dict[str, Any]) -> tuple[datetime | None, str | None]:
    date, clock = tags.get("DATE"), tags.get("TIME")
    if not date:
        return None, None
    for fmt_, note in (
        ("%m/%d/%Y %H:%M:%S", "start date read as month/day/year (Gamry's US default)"),
        ("%d.%m.%Y %H:%M:%S", "start date read as day.month.year"),
        ("%Y-%m-%d %H:%M:%S", None),
    ):
        try:
            return datetime.strptime(f"{date} {clock or '00:00:00'}", fmt_), note
        except ValueError:
            continue
    return None, f"start date {date!r} not understood"


def _choose(path: Path, tables: list[_Table], table: str | None, notes: list[str]) -> list[_Table]:
    """The table asked for; else ZCURVE; else the CURVE tables (CURVE1, CURVE2 ... together)."""
    by_name = {t.name: t for t in tables}
    if table is not None:
        if table not in by_name:
            raise InputError(f"no table {table!r} in '{path}'; its tables are {list(by_name)}.")
        chosen = [by_name[table]]
    elif "ZCURVE" in by_name:
        chosen = [by_name["ZCURVE"]]
    else:
        chosen = [t for t in tables if re.fullmatch(r"CURVE\d*", t.name)]
        if not chosen:
            chosen = [t for t in tables if t.name.endswith("CURVE")][:1]
    if not chosen:
        raise FileFormatError(
            path, FMT, f"no data table (ZCURVE or CURVE) found; tables: {list(by_name) or 'none'}"
        )
    if len(tables) > len(chosen):
        others = [f"{t.name}" for t in tables if t not in chosen]
        notes.append(f"tables not returned: {', '.join(others)} (read them with table=NAME)")
    return chosen


def _convention(convention: Any) -> tuple[float, Provenance]:
    """Gamry's CONVENTION tag: 1 (or absent: Gamry's default) is anodic positive, as here."""
    if convention in (None, 1, 1.0):
        what = (
            "current convention: anodic positive (CONVENTION "
            + ("1" if convention is not None else "tag absent, Gamry's default assumed")
            + "), the package's convention: currents kept as written"
        )
        return 1.0, Provenance("assumption", what, "CONVENTION tag", "sign-from-header")
    what = (
        f"current convention: CONVENTION {convention!r} taken as cathodic positive: "
        "currents negated"
    )
    return -1.0, Provenance("assumption", what, "CONVENTION tag", "sign-from-header")


def _area_m2(tags: dict[str, Any], notes: list[str]) -> float | None:
    area = tags.get("AREA")
    if area == DEFAULT_AREA_CM2:
        notes.append(
            "AREA is 1 cm^2, Gamry's default: not taken as the electrode area; pass "
            "area_m2 to normalise"
        )
        return None
    return area * 1e-4 if isinstance(area, float) and area > 0 else None


def read(path: Path, *, table: str | None = None, **_: Any) -> CellData | ImpedanceData:
    """Read a Gamry ``.DTA`` file.

    Parameters
    ----------
    path
        The file (only read).
    table
        Name of the table to return (e.g. ``"OCVCURVE"``); by default ``ZCURVE`` if present,
        else the ``CURVE`` tables (``CURVE``, ``CURVE1``, ``CURVE2`` ... concatenated).

    Returns
    -------
    ImpedanceData or CellData
        Impedance: ``frequency_Hz``, ``z_real_ohm``, ``z_imag_ohm`` (Im Z as Gamry writes it),
        ``time_s`` [s], ``current_A`` (``Idc``) and ``voltage_V`` (``Vdc``) when present.
        Curves: ``time_s`` [s] (``T``), ``voltage_V`` [V] (``Vf``), ``current_A`` [A] (``Im``),
        ``cycle`` = the curve number for ``CURVE1``, ``CURVE2`` ... tables.

    Raises
    ------
    FileFormatError
        Not an EXPLAIN file; no data table; a cut or non-numeric row (named by line number);
        fewer rows than a table declares.
    """
    text = load_text(path, FMT).lstrip("\ufeff")
    if not text.lstrip().upper().startswith("EXPLAIN"):
        raise FileFormatError(
            path, FMT, "line 1 is not 'EXPLAIN' (not a Gamry Framework data file)"
        )
    tables = _tables(path, text)
    tags, user_notes = _tags(text, tables)
    notes: list[str] = []
    if "EXPERIMENTABORTED" in tags or "EXPERIMENTABORTED" in text[-2000:]:
        notes.append("the experiment was aborted (EXPERIMENTABORTED tag): data end early")
    chosen = _choose(path, tables, table, notes)
    sign, said = _convention(tags.get("CONVENTION"))
    start_time, date_note = _start_time(tags)
    if date_note:
        notes.append(date_note)
    area_m2 = _area_m2(tags, notes)
    version = tags.get("FRAMEWORKVERSION")
    header: dict[str, Any] = dict(tags)
    if user_notes:
        header["NOTES"] = user_notes
    header["tables"] = {t.name: t.declared for t in tables}
    tag = tags.get("TAG")
    techniques = tuple(str(x) for x in (tag, tags.get("TITLE")) if x)
    meta = Metadata(
        format="gamry-dta",
        instrument="Gamry",
        format_version=f"Gamry Framework {version:g}" if isinstance(version, float) else version,
        start_time=start_time,
        area_m2=area_m2,
        techniques=techniques,
        header=header,
        notes=(*notes, said.what),
        provenance=(said,),
    )
    if chosen[0].name == "ZCURVE":
        return _impedance(path, text, chosen[0], meta, sign)
    return _curves(path, text, chosen, meta, sign)


def _impedance(path: Path, text: str, table: _Table, meta: Metadata, sign: float) -> ImpedanceData:
    frame, _units = _table_frame(path, text, table)
    for need in ("Freq", "Zreal", "Zimag"):
        if need not in frame.columns:
            raise FileFormatError(path, FMT, f"ZCURVE has no {need!r} column (has {frame.columns})")
    freq = frame.get_column("Freq").to_numpy()
    cols: dict[str, Any] = {
        "frequency_Hz": freq,
        "z_real_ohm": frame.get_column("Zreal"),
        "z_imag_ohm": frame.get_column("Zimag"),
        "spectrum": spectrum_index(freq),
    }
    rename = {
        "Time": "time_s",
        "Vdc": "voltage_V",
        "Zmod": "z_mod_ohm",
        "Zphz": "phase_deg",
        "Zsig": "ac_signal_V",
    }
    for lab in frame.columns:
        if lab in ("Freq", "Zreal", "Zimag"):
            continue
        if lab == "Pt":
            cols["point"] = frame.get_column(lab).cast(pl.Int64, strict=False)
        elif lab == "Idc":
            cols["current_A"] = frame.get_column(lab).cast(pl.Float64, strict=False) * sign
        else:
            cols[rename.get(lab, lab)] = frame.get_column(lab)
    notes = (*meta.notes, "Zimag is Im(Z) as Gamry writes it (negative for a capacitive arc): kept")
    return ImpedanceData.from_columns(pl.DataFrame(cols), meta.replace(notes=notes))


def _curves(path: Path, text: str, tables: list[_Table], meta: Metadata, sign: float) -> CellData:
    frames = []
    numbered = len(tables) > 1 or re.fullmatch(r"CURVE\d+", tables[0].name) is not None
    for k, t in enumerate(tables, start=1):
        frame, _units = _table_frame(path, text, t)
        if numbered:
            digits = re.sub(r"\D", "", t.name)
            frame = frame.with_columns(
                pl.lit(int(digits) if digits else k, dtype=pl.Int32).alias("cycle")
            )
        frames.append(frame)
    try:
        frame = pl.concat(frames, how="diagonal_relaxed")
    except pl.exceptions.PolarsError as exc:
        raise FileFormatError(path, FMT, f"curve tables do not join: {exc}") from None
    if "T" not in frame.columns:
        raise FileFormatError(
            path, FMT, f"table {tables[0].name} has no time column 'T' (has {frame.columns})"
        )
    vcol = "Vf" if "Vf" in frame.columns else ("Vm" if "Vm" in frame.columns else None)
    if vcol is None:
        raise FileFormatError(
            path, FMT, f"table {tables[0].name} has no voltage column 'Vf' (has {frame.columns})"
        )
    notes = list(meta.notes)
    time_s = frame.get_column("T").cast(pl.Float64).to_numpy()
    if not np.isfinite(time_s).all():
        r = int(np.flatnonzero(~np.isfinite(time_s))[0])
        raise FileFormatError(path, FMT, f"curve row {r + 1}: time T is not a finite number")
    cols: dict[str, Any] = {
        "time_s": time_s,
        "voltage_V": frame.get_column(vcol).cast(pl.Float64),
    }
    if "Im" in frame.columns:
        cols["current_A"] = frame.get_column("Im").cast(pl.Float64, strict=False) * sign
    else:
        cols["current_A"] = np.zeros(frame.height)
        cols["step_kind"] = pl.Series(["ocv"] * frame.height)
        notes.append(f"table {tables[0].name} has no current column: open circuit (current 0)")
    if "Temp" in frame.columns:
        temp = frame.get_column("Temp").cast(pl.Float64, strict=False).to_numpy()
        if np.all(np.isclose(temp, NO_PROBE_DEGC)):
            notes.append("Temp column holds -327.67 (no thermocouple): dropped")
        else:
            cols["temperature_K"] = temp + 273.15
    rename = {"Vu": "voltage_uncompensated_V", "Ach": "aux_voltage_V"}
    for lab in frame.columns:
        if lab in ("T", vcol, "Im", "Temp"):
            continue
        if lab == "Pt":
            cols["point"] = frame.get_column(lab).cast(pl.Int64, strict=False)
        else:
            cols[rename.get(lab, lab)] = frame.get_column(lab)
    return CellData.from_columns(pl.DataFrame(cols), meta.replace(notes=tuple(notes)))
