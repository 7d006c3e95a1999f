"""Arbin MITS Pro exports: CSV (old and new headers, BEEP-style) and Excel workbooks.

Layouts read
------------
* **Old header** (Arbin's database column names, no units), e.g. the CSV dumps of the MITS Pro
  SQL/``.res`` tables and the BEEP test files::

      Data_Point,Test_Time,DateTime,Step_Time,Step_Index,Cycle_Index,Current,Voltage,
      Charge_Capacity,Discharge_Capacity,Charge_Energy,Discharge_Energy,dV/dt,
      Internal_Resistance,Temperature

  Units are Arbin's: s, A, V, A·h, W·h, V/s, ohm, degC. ``DateTime`` is Unix time [s] (UTC);
  values between 1e4 and 1e6 are taken as OLE Automation dates [days] (local time).
* **New header** (MITS Pro data export, units in parentheses), e.g.
  ``Date_Time,Test_Time(s),Step_Time(s),Step_Index,Cycle_Index,Voltage(V),Current(A),
  Charge_Capacity(Ah),...,Internal Resistance(Ohm),dV/dt(V/s),Aux_Temperature_1(C)``; spaces
  instead of underscores are accepted, and the stated units are converted (``Current(mA)``).
* **Excel** ``.xlsx`` (``.xls`` goes through the same code but no sample was at hand to test
  it): a ``Global_Info`` sheet (test name, channel, start time,
  schedule, software version ...) and the data in ``Channel_<N>_<part>`` sheets (a long test
  continues over ``Channel_11_1``, ``Channel_11_2`` ...; they are joined). Read with
  python-calamine through :func:`lithiophile.io.table.read_xlsx`.

Columns kept, in SI: ``time_s``, ``voltage_V``, ``current_A``, ``cycle`` (Arbin's
``Cycle_Index``), ``step`` (a running count of steps: +1 at every change of ``Step_Index``,
``Cycle_Index`` or a reset of ``Step_Time``, so that it increases even where ``Step_Index``
repeats from cycle to cycle), ``step_index`` (Arbin's ``Step_Index`` as written),
``step_time_s``, ``data_point``, ``date_time``, ``charge_capacity_C``,
``discharge_capacity_C`` (from A·h), ``charge_energy_J``, ``discharge_energy_J`` (from W·h),
``dvdt_V_s``, ``internal_resistance_ohm``, ``power_W``, ``temperature_K`` (first temperature;
further ones ``aux_temperature_<n>_K``), ``aux_voltage_<n>_V`` ... Instrument columns that
carry no information (empty, or all zero) are dropped and listed in the metadata notes.
``step_kind`` is derived from the data of each step (:mod:`lithiophile.io.steps`): Arbin
files do not say what a step was (the schedule does).

Sign convention: Arbin writes charge current positive and discharge current negative, with
``Discharge_Capacity`` growing while the current is negative. Discharge is reduction at the
electrode on the working (positive) lead: the cathode of a full cell, graphite or Si being
lithiated in a Li half cell, Cu being plated in a Li||Cu cell. That is the package's
convention (reduction = negative current), so the current is kept as written. Verified on the
shared files: the Si|Li cell of ``cellpy__20160805_test001_45_cc_01.res`` lithiates (voltage
falling to 0.05 V) at -0.15 mA, the LCO cell of ``navani__arbin_example.res`` charges to 4.3 V
at +0.086 mA, and in both ``Discharge_Capacity`` grows only while the current is negative.
"""

from __future__ import annotations

import io
import math
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from lithiophile.errors import FileFormatError, InputError
from lithiophile.io.arbin_columns import _spec, arbin_metadata, build_celldata, header_score
from lithiophile.io.celldata import CellData
from lithiophile.io.table import (
    read_xlsx,
    rows_to_frame,
    unique_labels,
    zip_member_from_head,
)
from lithiophile.io.text import decode, guess_separator, looks_binary

__all__ = ["read", "sniff"]

FMT_CSV = "an Arbin CSV export"
FMT_XLSX = "an Arbin Excel export"

_BOM = b"\xef\xbb\xbf"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHANNEL_SHEET = re.compile(r"^Channel[_ ]?(?P<channel>\d+)_(?P<part>\d+)$", re.IGNORECASE)


# -- sniffing ---------------------------------------------------------------------------------
def _sheet_score(names_text: str) -> int:
    has_global = "Global_Info" in names_text
    has_channel = re.search(r"Channel_\d+_\d+", names_text) is not None
    if has_global and has_channel:
        return 95
    if has_channel:
        return 85
    return 70 if has_global else 0


def sniff(head: bytes, path: Path) -> int:
    """0..100: an Arbin CSV header (Data_Point, Test_Time, Step_Index ...) or an Arbin workbook
    (sheets ``Global_Info`` and ``Channel_N_M``)."""
    if head.startswith(_ZIP_MAGIC):
        workbook = zip_member_from_head(head, "xl/workbook.xml")
        if workbook is None:
            return 0
        names = " ".join(
            re.findall(r'<sheet\b[^>]*\bname="([^"]*)"', workbook.decode("utf-8", "replace"))
        )
        return _sheet_score(names)
    if head.startswith(_OLE_MAGIC):  # .xls: BIFF BOUNDSHEET records hold the sheet names
        text = head.replace(b"\x00", b"").decode("latin-1")
        return min(_sheet_score(text), 80)
    if looks_binary(head):
        return 0
    lines = decode(head).splitlines()[:30]
    best = 0
    for line in lines:
        if not line.strip():
            continue
        sep = guess_separator([line])
        best = max(best, header_score([f for f in line.split(sep)]))
    return best


# -- CSV --------------------------------------------------------------------------------------
def _read_csv(path: Path, data: bytes, notes: list[str]) -> tuple[pl.DataFrame, str]:
    if looks_binary(data[:65536]):
        raise FileFormatError(path, FMT_CSV, "the file is binary, not a CSV text export")
    if data.startswith(_BOM):
        data = data[3:]
        notes.append("UTF-8 byte-order mark skipped")
    try:
        text_data = data.decode("utf-8")
    except UnicodeDecodeError:
        text_data = decode(data)
        data = text_data.encode("utf-8")
    head_lines = text_data[:65536].splitlines()[:30]
    k = next(
        (
            i
            for i, line in enumerate(head_lines)
            if header_score(line.split(guess_separator([line]))) > 0
        ),
        None,
    )
    if k is None:
        raise FileFormatError(
            path,
            FMT_CSV,
            "no Arbin header (Test_Time, Voltage, Current with Data_Point/Step_Index/Cycle_Index "
            "...) in the first 30 lines",
        )
    sample = head_lines[k : k + 3]
    sep = guess_separator(sample)
    labels = unique_labels([f.strip().strip('"') for f in head_lines[k].split(sep)])
    decimal_comma = sep != "," and any(re.search(r"\d,\d", s) for s in sample[1:])
    schema: dict[str, Any] = {}
    for lab in labels:
        spec = _spec(lab)[0]
        if spec is None:
            continue
        schema[lab] = pl.String if spec.kind in ("datetime", "time") else pl.Float64
    try:
        frame = pl.read_csv(
            io.BytesIO(data),
            separator=sep,
            skip_rows=k + 1,
            has_header=False,
            new_columns=labels,
            schema_overrides=schema,
            decimal_comma=decimal_comma,
            infer_schema_length=10_000,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.NoDataError:
        raise FileFormatError(path, FMT_CSV, f"header on line {k + 1} but no data rows") from None
    except (pl.exceptions.PolarsError, ValueError) as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "does not match number of columns" in msg:
            msg = f"the header has {len(labels)} labels but the rows have fewer fields"
        raise FileFormatError(path, FMT_CSV, f"data table unreadable: {msg}") from None
    if frame.width != len(labels):
        raise FileFormatError(
            path, FMT_CSV, f"the header has {len(labels)} labels but rows have {frame.width} fields"
        )
    if frame.height == 0:
        raise FileFormatError(path, FMT_CSV, f"header on line {k + 1} but no data rows")
    if frame.height > 1:
        _check_last_row(path, frame, labels, k + 1 + frame.height)
    version = (
        "CSV, new header (labels with units)"
        if any(_spec(lab)[1] for lab in labels)
        else "CSV, old header (labels without units)"
    )
    return frame, version


#: Columns MITS Pro leaves empty on rows where it has no value (derivatives, resistance
#: measured now and then, auxiliary channels): an empty field there is not a cut-off line.
_SPARSE = re.compile(r"dv/dt|dq/dv|dv/dq|internal.?resistance|acr|ac.?impedance|aux", re.I)


def _check_last_row(path: Path, frame: pl.DataFrame, labels: list[str], line: int) -> None:
    """A cut-off last line leaves fields empty that the line before filled; sparse columns
    (:data:`_SPARSE`) empty on the last row are not a cut (MITS Pro writes them that way)."""
    last, before = frame.row(-1), frame.row(-2)
    empty = [
        lab
        for lab, a, b in zip(labels, last, before, strict=True)
        if a is None and b is not None and not _SPARSE.search(lab)
    ]
    if empty:
        raise FileFormatError(
            path,
            FMT_CSV,
            f"the last line (line {line}) has no value for {empty[:4]} while the line before "
            "has (file truncated?)",
        )


# -- Excel ------------------------------------------------------------------------------------
def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _global_info(rows: list[list[Any]], channel: int | None) -> tuple[dict[str, Any], Any]:
    """Header dict and start time from the Global_Info sheet."""
    header: dict[str, Any] = {}
    start: Any = None
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            label = _cell_text(value)
            below = rows[r + 1][c] if r + 1 < len(rows) and c < len(rows[r + 1]) else None
            if label == "TEST REPORT" and below not in (None, ""):
                header["test_name"] = _cell_text(below)
                below2 = rows[r + 2][c] if r + 2 < len(rows) and c < len(rows[r + 2]) else None
                if isinstance(below2, datetime) or below2.__class__.__name__ == "date":
                    header["export_date"] = str(below2)
            elif label == "Serial Number" and below not in (None, ""):
                serial = below
                if isinstance(serial, float) and serial.is_integer():
                    serial = int(serial)
                header["serial_number"] = str(serial)
            elif "\\" in label and ":" in label and "result_path" not in header:
                header["result_path"] = label
    k = next(
        (
            i
            for i, row in enumerate(rows)
            if "Channel" in [_cell_text(v) for v in row]
            and any("start" in _cell_text(v).lower() for v in row)
        ),
        None,
    )
    if k is None:
        return header, start
    labels = [_cell_text(v) for v in rows[k]]
    chosen: list[Any] | None = None
    for row in rows[k + 1 :]:
        if not any(_cell_text(v) for v in row):
            break
        value = row[labels.index("Channel")] if len(row) > labels.index("Channel") else None
        if chosen is None or (channel is not None and _as_int(value) == channel):
            chosen = row
    if chosen is None:
        return header, start
    for lab, value in zip(labels, chosen, strict=False):
        if not lab:
            continue
        key = re.sub(r"\W+", "_", lab.strip()).strip("_").lower()
        if key == "start_datetime":
            start = value
            continue
        if key == "has_specail":  # Arbin's spelling
            key = "has_special"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        header[key] = value.isoformat() if isinstance(value, datetime) else value
    return header, start


def _as_int(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _parse_start(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, int | float) and 1e4 < value < 1e6:
        return datetime(1899, 12, 30) + timedelta(days=float(value))
    text = _cell_text(value)
    for fmt in (
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %H:%M:%S.%f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _read_workbook(
    path: Path, channel: int | None, notes: list[str]
) -> tuple[pl.DataFrame, dict[str, Any], datetime | None]:
    sheets = read_xlsx(path, FMT_XLSX)
    parts: dict[int, list[tuple[int, str]]] = {}
    for name in sheets:
        m = _CHANNEL_SHEET.match(name.strip())
        if m:
            parts.setdefault(int(m.group("channel")), []).append((int(m.group("part")), name))
    if not parts:
        raise FileFormatError(
            path, FMT_XLSX, f"no data sheet named Channel_<N>_<part> (sheets: {list(sheets)})"
        )
    if channel is None:
        channel = min(parts)
        if len(parts) > 1:
            notes.append(
                f"workbook holds channels {sorted(parts)}; read channel {channel} "
                "(choose with channel=...)"
            )
    elif channel not in parts:
        raise InputError(
            f"the channel option must be one of the channels in '{path}': {sorted(parts)}. "
            f"Got {channel!r}."
        )
    frames: list[pl.DataFrame] = []
    for _, name in sorted(parts[channel]):
        frame = rows_to_frame(sheets[name], 0, path, FMT_XLSX)
        if frames and frame.columns != frames[0].columns:
            raise FileFormatError(
                path,
                FMT_XLSX,
                f"sheet {name} has other columns than the first sheet of channel {channel}",
            )
        frames.append(frame)
    try:
        frame = pl.concat(frames, how="vertical_relaxed") if len(frames) > 1 else frames[0]
    except pl.exceptions.PolarsError as exc:
        raise FileFormatError(path, FMT_XLSX, f"data sheets cannot be joined: {exc}") from None
    if len(frames) > 1:
        notes.append(f"data joined from sheets {[n for _, n in sorted(parts[channel])]}")
    header: dict[str, Any] = {
        "channel": channel,
        "data_sheets": [n for _, n in sorted(parts[channel])],
    }
    start = None
    if "Global_Info" in sheets:
        info, raw_start = _global_info(sheets["Global_Info"], channel)
        header.update(info)
        header["channel"] = channel
        start = _parse_start(raw_start)
    else:
        notes.append("no Global_Info sheet: test name, schedule and start time unknown")
    others = [s for s in sheets if s != "Global_Info" and not _CHANNEL_SHEET.match(s.strip())]
    if others:
        header["other_sheets"] = others
    return frame, header, start


# -- entry point ------------------------------------------------------------------------------
def read(path: Path, *, channel: int | None = None, **_: Any) -> CellData:
    """Read an Arbin CSV or Excel export.

    Parameters
    ----------
    path
        The export (.csv, .xlsx, .xls). Opened for reading only.
    channel
        For workbooks with several channels' ``Channel_<N>_*`` sheets: the channel number to
        read (default: the lowest, with a note).

    Returns
    -------
    CellData
        SI columns (see the module docstring); ``meta.format`` is ``"arbin-csv"``.

    Raises
    ------
    FileFormatError
        Binary or truncated input, no Arbin header, cells that are not numbers.
    """
    path = Path(path)
    notes: list[str] = []
    with open(path, "rb") as fh:
        head = fh.read(8)
    header: dict[str, Any] = {}
    start: datetime | None = None
    if head.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        fmt = FMT_XLSX
        frame, header, start = _read_workbook(path, channel, notes)
        version = "Excel export" + (
            f", {header['software_version']}" if header.get("software_version") else ""
        )
    else:
        fmt = FMT_CSV
        frame, version = _read_csv(path, path.read_bytes(), notes)
    if "test_name" not in header:
        header["test_name"] = path.stem
    mass = header.get("mass_g") or header.get("mass")
    mass_kg = (
        float(mass) * 1e-3
        if isinstance(mass, int | float) and mass > 0 and math.isfinite(mass)
        else None
    )
    meta = arbin_metadata("arbin-csv", version, start, mass_kg, header)
    notes.append(
        "current sign as written by Arbin (discharge negative = reduction at the working electrode)"
    )
    return build_celldata(frame, path=path, fmt=fmt, meta=meta, notes=notes)
