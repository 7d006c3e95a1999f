"""LAND / LANHE battery-test (CT2001A, CT3001 ... with LANDdt / LANHE software) exports.

No LAND file is in the shared test data, so the layouts below are those documented by the
open readers of these exports (each read, none copied):

* navani (be-smith/navani, MIT), ``echem.py`` ``old_land_processing``/``new_land_processing``:
  workbooks whose sheets are named ``Record...``, the first with a header row and the
  following ``Record`` sheets continuing the table *without* a header; or a single sheet whose
  header row (the row holding ``Index``) sits below a preamble. Labels ``Index``,
  ``TestTime/h``, ``Current/mA``, ``Voltage/V``, ``Capacity/mAh``; charge current positive,
  discharge negative.
* LANDT-py (toby-hayhurst/LANDT-py), README and ``Landt_v02a.py``: sheets ``Record-Tab``,
  ``Step-Tab``, ``Cycle-Tab``; record labels ``TestTime/Sec``, ``StepTime/Sec``,
  ``Current/mA``, ``Voltage/V``, ``AuxVolt/V``, ``SysTime``, ``StepNo``, ``StepStatus`` with
  states ``CCC``, ``CCD``, ``CV``, ``CCCV_C``, ``Rest``.
* BatteryML (microsoft/BatteryML, MIT), ``ZN-coin`` preprocessor: Chinese exports with sheets
  ``记录`` (record), ``记录(2)`` (its continuation), ``循环`` (cycle); labels ``循环序号``
  (cycle), ``电流/mA``, ``电压/V``, ``容量/mAh``, ``测试时间`` (``h:mm:ss``), ``系统时间``
  (``%Y-%m-%d %H:%M:%S.%f``); English exports with sheets ``Record``, ``Record(2)``...,
  ``Cycle`` and labels ``Cycle``, ``TestTime``, ``Current/mA``, ``Voltage/V``, ``Capacity/mAh``.
* A public script reading LANHE Chinese exports (GitHub code index): labels ``测试时间``,
  ``步骤时间``, ``电流/A``, ``容量/Ah``, ``电压/V``, ``辅助温度/℃``, ``工步状态`` (``CCC``,
  ``CVC``); times written ``d-hh:mm:ss`` (``2-05:50:36``) past one day; the header row repeated
  inside the table between segments.

Units come from the labels (``name/unit``). Exports saved as CSV (any separator) with the same
labels are read too.

Conventions applied
-------------------
* Current: LAND writes charge positive and discharge negative (navani's reading); where a state
  column says charge (``CCC``, ``CVC``, ``CCCV_C``, ``恒流充电`` ...) or discharge (``CCD``,
  ``CVD``, ``恒流放电`` ...) the sign is set from it (|I| or -|I|), so an unsigned export is
  signed the same way. This is the package's convention for a working electrode on the
  positive lead (reduction at the working electrode negative).
* ``cycle``/``step`` are LAND's numbers; ``step_kind`` from the state where it says rest, cv,
  charge or discharge, from the data otherwise.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, InputError, UnitsError
from lithiophile.io import steps as _steps
from lithiophile.io.celldata import CellData, Metadata, Provenance
from lithiophile.io.maccor_text import run_ids, sane_dates, state_kinds
from lithiophile.io.table import (
    read_xlsx,
    temperature_K,
    unique_labels,
    xlsx_sheet_names,
    xlsx_strings,
)
from lithiophile.io.text import decode, guess_separator, looks_binary
from lithiophile.io.textblock import check_last_line, head_lines, numeric_style, read_csv_or_fail
from lithiophile.units import factor_to_si

__all__ = ["NAMES", "read", "sniff"]

FMT = "a LAND/LANHE CT export"

#: role -> label names (before the '/unit'), normalised: lower case, no spaces, '_', '-', '.'.
#: Sources: navani, LANDT-py, BatteryML and the LANHE script named in the module docstring.
NAMES: dict[str, tuple[str, ...]] = {
    "record": ("index", "record", "recordindex", "recordid", "序号", "记录序号", "数据序号"),
    "time": ("testtime", "totaltime", "测试时间", "总时间"),
    "step_time": ("steptime", "步骤时间", "工步时间"),
    "current": ("current", "cur", "电流"),
    "voltage": ("voltage", "volt", "电压"),
    "capacity": ("capacity", "cap", "容量"),
    "specific_capacity": ("specap", "specificcapacity", "比容量"),
    "energy": ("energy", "能量"),
    "specific_energy": ("speenergy", "specificenergy", "比能量"),
    "timestamp": ("systime", "systemtime", "realtime", "系统时间", "绝对时间"),
    "cycle": ("cycle", "cycleindex", "cycleno", "循环序号", "循环号", "循环"),
    "step": ("step", "stepno", "stepindex", "工步序号", "工步号", "工步"),
    "state": ("stepstatus", "state", "status", "mode", "工步状态", "状态", "工步类型"),
    "temperature": ("auxtemp", "temperature", "temp", "辅助温度", "温度"),
    "aux_voltage": ("auxvolt", "auxvoltage", "辅助电压"),
}
_ROLE_OF = {name: role for role, names in NAMES.items() for name in names}

_RECORD_SHEET = re.compile(r"^\s*(record|记录|详细数据|具体数据)", re.IGNORECASE)
_SIDE_SHEET = re.compile(r"^\s*(cycle|step|循环|工步)", re.IGNORECASE)

#: Time units in LAND labels ("TestTime/Sec", "TestTime/h", "TestTime/min") in seconds.
_TIME_UNITS = {"sec": 1.0, "s": 1.0, "min": 60.0, "h": 3600.0, "hr": 3600.0, "ms": 1e-3}

_CLOCK = (
    r"^\s*(?:(?P<d>\d+)\s*(?:-|d|day|days|天)\s*)?"
    r"(?P<h>\d+):(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:[.,]\d*)?)\s*$"
)

_XLSX = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"


def _split(label: Any) -> tuple[str, str | None]:
    """``"SpeCap/mAh/g"`` -> ("specap", "mAh/g"); ``"电流(mA)"`` -> ("电流", "mA")."""
    text = str(label).strip().strip('"').strip()
    unit: str | None = None
    if "/" in text:
        text, _, unit = text.partition("/")
    else:
        m = re.match(r"^(.*?)\s*[(\[]([^()\[\]]*)[)\]]\s*$", text)
        if m:
            text, unit = m.group(1), m.group(2)
    return re.sub(r"[\s_\-.]", "", text).lower(), (unit.strip() or None) if unit else None


def _roles(labels: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for lab in labels:
        role = _ROLE_OF.get(_split(lab)[0])
        if role and role not in out:
            out[role] = lab
    return out


def _is_header(cells: list[Any]) -> bool:
    labels = [str(c) for c in cells if isinstance(c, str) and c.strip()]
    roles = _roles(labels)
    return "current" in roles and "voltage" in roles and len(roles) >= 3


def _has_marker(labels: list[str]) -> bool:
    """True when current and voltage are spelled the LAND way, ``name/unit`` ("Current/mA",
    "Voltage/V", "电流/mA", "电压/V"): Arbin and Neware write "Current(A)", "电流(mA)", and
    BioLogic "I/mA", "Ewe/V"."""
    slash = {
        _ROLE_OF.get(_split(lab)[0])
        for lab in labels
        if re.fullmatch(r"\s*[^/()\[\]]+/\s*[^/()\[\]\s]+\s*", str(lab))
    }
    return {"current", "voltage"} <= slash


# ---------------------------------------------------------------------------------------
# sniffing
# ---------------------------------------------------------------------------------------


def _xlsx_sheet_names_and_strings(path: Path) -> tuple[list[str], str]:
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        workbook = (
            z.read("xl/workbook.xml").decode("utf-8", "replace")
            if "xl/workbook.xml" in names
            else ""
        )
        strings = ""
        # labels live in the shared strings (Excel, LANDdt) or inline in the sheet (openpyxl)
        for member in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"):
            if member in names:
                with z.open(member) as fh:
                    strings += fh.read(262_144).decode("utf-8", "replace")
    return xlsx_sheet_names(workbook), strings


def _score_workbook(sheets: list[str], labels: list[str]) -> int:
    record = any(_RECORD_SHEET.match(s) for s in sheets)
    side = any(_SIDE_SHEET.match(s) for s in sheets)
    roles = _roles(labels)
    labelled = "current" in roles and "voltage" in roles and _has_marker(labels)
    if record and side and labelled:
        return 85
    if record and labelled:
        return 80
    if labelled:
        return 65
    if record and side:
        return 40
    return 0


def _decode(data: bytes) -> str:
    """Text of a LAND text export: UTF-8/UTF-16 (BOM-aware) first, then GB18030 (the code page
    of Chinese Windows, where LANHE software writes its CSV), then the package's fallbacks."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return decode(data)


def sniff(head: bytes, path: Path) -> int:
    """85 for a workbook with LAND's record and cycle/step sheets and its labels; 65 for LAND's
    labels alone (a single-sheet export); 60 for a CSV/text table with them."""
    try:
        if head.startswith(_XLSX):
            sheets, strings = _xlsx_sheet_names_and_strings(path)
            labels = xlsx_strings(strings)
            return _score_workbook(sheets, labels)
        if head.startswith(_OLE):
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_path(str(path))
            labels = []
            for name in book.sheet_names[:3]:
                rows = book.get_sheet_by_name(name).to_python(nrows=30)
                labels += [str(c) for r in rows for c in r if isinstance(c, str)]
            return _score_workbook(list(book.sheet_names), labels)
        if looks_binary(head):
            return 0
        lines = head_lines(_decode(head[: head.rfind(b"\n") + 1] or head), 60)
        found = _text_header(lines)
        if found is None:
            return 0
        return 60 if _has_marker(found[2]) else 0
    except Exception:  # a sniffer never raises
        return 0


# ---------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------


def _text_header(lines: list[str]) -> tuple[int, str, list[str]] | None:
    for k, line in enumerate(lines[:60]):
        if not line.strip():
            continue
        sep = guess_separator([line]) if any(c in line for c in "\t;,") else "\t"
        cells = [c.strip().strip('"') for c in line.split(sep)]
        if _is_header(cells):
            return k, sep, cells
    return None


def _columns(rows: list[list[Any]], labels: list[str], sheet: str, first_row: int) -> pl.DataFrame:
    """A frame (one column per label, values as the workbook holds them) plus ``_row`` (the
    sheet row number) and ``_sheet``; blank rows and repeats of the header row dropped.

    Columns are built from the row lists with ``zip`` and polars, not a Python loop per cell.
    """
    width = len(labels)
    if not rows:
        frame = pl.DataFrame({lab: pl.Series(lab, [], dtype=pl.String) for lab in labels})
    else:
        if len(set(map(len, rows))) != 1 or len(rows[0]) != width:
            rows = [list(r[:width]) + [""] * (width - len(r)) for r in rows]
        data = {}
        for lab, values in zip(labels, zip(*rows, strict=True), strict=True):
            if "" in values:  # calamine writes "" for an empty cell
                values = tuple(None if v == "" else v for v in values)
            data[lab] = pl.Series(lab, values, strict=False)
        frame = pl.DataFrame(data)
    frame = frame.with_columns(
        pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64).alias("_row"),
        pl.lit(sheet).alias("_sheet"),
    )
    blank = pl.all_horizontal(pl.col(labels).is_null())
    text_cols = [c for c in labels if frame.schema[c] == pl.String]
    if text_cols:
        # a row repeating the header (LANHE writes one at each segment boundary)
        same = [
            (pl.col(c).str.strip_chars() == c).fill_null(False).cast(pl.Int32) for c in text_cols
        ]
        repeated = pl.sum_horizontal(same) >= 3
    else:
        repeated = pl.lit(False)
    return frame.filter(~(blank | repeated))


def _from_workbook(path: Path, notes: list[str], header: dict[str, Any]) -> pl.DataFrame:
    sheets = read_xlsx(path, FMT)
    header["sheets"] = list(sheets)
    record = [name for name in sheets if _RECORD_SHEET.match(name)]
    if not record:
        record = [name for name in sheets if any(_is_header(r) for r in sheets[name][:30])][:1]
    if not record:
        raise FileFormatError(
            path,
            FMT,
            f"no record sheet (named Record.../记录...) and no sheet with current and voltage "
            f"columns among {list(sheets)}",
        )
    frames = []
    labels: list[str] | None = None
    for name in record:
        rows = sheets[name]
        k = next((i for i, r in enumerate(rows[:30]) if _is_header(r)), None)
        if k is None:
            if labels is None:
                raise FileFormatError(
                    path,
                    FMT,
                    f"sheet {name!r}: no header row with current and voltage labels "
                    "in its first 30 rows",
                )
            width = max((len(r) for r in rows[:50]), default=0)
            if width and width != len(labels) and any(rows):
                raise FileFormatError(
                    path,
                    FMT,
                    f"sheet {name!r} has no header and {width} columns where "
                    f"{record[0]!r} has {len(labels)}",
                )
            notes.append(f"sheet {name!r} has no header row: read with the labels of {record[0]!r}")
            frames.append(_columns(rows, labels, name, 1))
            continue
        these = unique_labels(
            [
                str(c).strip() if c not in (None, "") else f"column_{i + 1}"
                for i, c in enumerate(rows[k])
            ]
        )
        if labels is None:
            labels = these
            if k:
                header["preamble"] = [
                    [c for c in r if c not in (None, "")]
                    for r in rows[:k]
                    if any(c not in (None, "") for c in r)
                ]
        frames.append(_columns(rows[k + 1 :], these, name, k + 2))
    header["record_sheets"] = record
    try:
        return pl.concat(frames, how="diagonal_relaxed")
    except pl.exceptions.PolarsError as exc:
        raise FileFormatError(path, FMT, f"record sheets do not join: {exc}") from None


def _from_text(path: Path, notes: list[str], header: dict[str, Any]) -> pl.DataFrame:
    import io

    data = path.read_bytes()
    if not data.strip():
        raise FileFormatError(path, FMT, "the file is empty")
    if looks_binary(data[:65536]):
        raise FileFormatError(
            path,
            FMT,
            f"the file is binary, not a workbook or text export (first bytes {data[:16]!r})",
        )
    text = _decode(data)
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")
    lines = head_lines(text, 60)
    found = _text_header(lines)
    if found is None:
        raise FileFormatError(
            path,
            FMT,
            "no header line with current and voltage labels (Current/mA, Voltage/V, "
            "电流/mA, 电压/V ...) in the first 60 lines",
        )
    k, sep, labels = found
    labels = unique_labels([lab or f"column_{i + 1}" for i, lab in enumerate(labels)])
    if k:
        header["preamble"] = [ln for ln in lines[:k] if ln.strip()]
    start = 0
    for _ in range(k + 1):
        start = text.find("\n", start) + 1
    if start <= 0:
        raise FileFormatError(path, FMT, f"no data rows after the header on line {k + 1}")
    decimal_comma, _thousands = numeric_style(lines[k + 1 : k + 30], sep)
    check_last_line(path, FMT, text, sep)
    quoted = sep.join('"' + c.replace('"', '""') + '"' for c in labels)
    frame = read_csv_or_fail(
        path,
        FMT,
        k + 2,
        io.BytesIO((quoted + "\n" + text[start:]).encode("utf-8")),
        separator=sep,
        infer_schema=False,
        truncate_ragged_lines=True,
    )
    frame = frame.with_columns(
        pl.int_range(k + 2, k + 2 + frame.height, dtype=pl.Int64).alias("_row"),
        pl.lit("").alias("_sheet"),
    )
    value_cols = [c for c in frame.columns if not c.startswith("_")]
    frame = frame.with_columns(pl.col(value_cols).str.strip_chars())
    if decimal_comma:
        frame = frame.with_columns(pl.col(value_cols).str.replace(r"^(-?\d+),(\d+)$", "$1.$2"))
    blank = pl.all_horizontal(pl.col(value_cols).is_null() | (pl.col(value_cols) == ""))
    frame = frame.filter(~blank)
    # the header repeated inside the table (segments): drop those rows
    repeated = pl.sum_horizontal([(pl.col(c) == c).cast(pl.Int32) for c in value_cols]) >= 3
    return frame.filter(~repeated)


def _where(frame: pl.DataFrame, r: int) -> str:
    row = frame.get_column("_row")[r]
    sheet = frame.get_column("_sheet")[r]
    return f"sheet {sheet!r} row {row}" if sheet else f"line {row}"


def _numbers(path: Path, frame: pl.DataFrame, label: str) -> np.ndarray:
    """A column as float64; FileFormatError naming the row of a value that is not a number."""
    col = frame.get_column(label)
    if col.dtype.is_numeric():
        return col.cast(pl.Float64).to_numpy()
    text = col.cast(pl.String).str.strip_chars()
    values = text.cast(pl.Float64, strict=False)
    bad = text.is_not_null() & (text != "") & values.is_null()
    if bad.any():
        r = int(bad.arg_true()[0])
        raise FileFormatError(
            path, FMT, f"{_where(frame, r)}: {label!r} is {text[r]!r}, not a number"
        )
    return values.to_numpy()


def _seconds(path: Path, frame: pl.DataFrame, label: str, unit: str | None) -> np.ndarray:
    col = frame.get_column(label)
    if isinstance(col.dtype, pl.Duration):
        return col.dt.total_microseconds().cast(pl.Float64).to_numpy() / 1e6
    if isinstance(col.dtype, pl.Time):
        secs = col.cast(pl.Int64).cast(pl.Float64).to_numpy() / 1e9
        wraps = np.concatenate(([0.0], np.cumsum(np.diff(secs) < -43_200.0) * 86_400.0))
        return secs + wraps
    if isinstance(col.dtype, pl.Datetime):
        ts = col.dt.epoch("us").cast(pl.Float64).to_numpy() / 1e6
        return ts - ts[0] if ts.size else ts
    text = col.cast(pl.String).str.strip_chars()
    numeric = text.cast(pl.Float64, strict=False)
    if numeric.null_count() == text.null_count():
        u = (unit or "s").lower()
        if u not in _TIME_UNITS:
            raise FileFormatError(path, FMT, f"time unit {unit!r} of {label!r} not understood")
        return numeric.to_numpy() * _TIME_UNITS[u]
    parts = text.str.extract_groups(_CLOCK)
    h = parts.struct.field("h")
    bad = text.is_not_null() & h.is_null()
    if bad.any():
        r = int(bad.arg_true()[0])
        raise FileFormatError(
            path,
            FMT,
            f"{_where(frame, r)}: {label!r} is {text[r]!r}, neither a number nor a "
            "time h:mm:ss / d-hh:mm:ss",
        )
    d = parts.struct.field("d").cast(pl.Float64).fill_null(0.0)
    m = parts.struct.field("m").cast(pl.Float64)
    s = parts.struct.field("s").str.replace(",", ".").cast(pl.Float64)
    return (d * 86400.0 + h.cast(pl.Float64) * 3600.0 + m * 60.0 + s).to_numpy()


def _timestamps(frame: pl.DataFrame, label: str) -> pl.Series | None:
    col = frame.get_column(label)
    if isinstance(col.dtype, pl.Datetime):
        return sane_dates(col.cast(pl.Datetime("us"))).alias("timestamp")
    text = col.cast(pl.String).str.strip_chars()
    for fmt_ in (
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y/%m/%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y/%m/%d %H:%M:%S",
        "%d.%m.%Y %H:%M:%S",
    ):
        parsed = sane_dates(text.str.to_datetime(format=fmt_, strict=False, time_unit="us"))
        if parsed.null_count() == text.null_count():
            return parsed.alias("timestamp")
    return None


def _state_codes(states: pl.Series) -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """Per row: sign from the state (+1, -1, 0 = keep) and kind code (255 = from data)."""
    text = states.cast(pl.String).str.strip_chars().fill_null("")
    uniques = text.unique(maintain_order=True).to_list()  # the message lists them in file order
    sign_of: dict[str, int] = {}
    kind_of: dict[str, int] = {}
    described: dict[str, str] = {}
    for value in uniques:
        s, k = _classify(value)
        sign_of[value], kind_of[value] = s, k
        if value:
            kind_text = _steps.STEP_KINDS[k] if k != 255 else "from data"
            described[value] = kind_text + {1: ", +|I|", -1: ", -|I|", 0: ""}[s]
    sign = text.replace_strict(sign_of, return_dtype=pl.Int8).to_numpy()
    kind = text.replace_strict(kind_of, return_dtype=pl.UInt8).to_numpy()
    return sign, kind, described


def _classify(value: str) -> tuple[int, int]:
    """(sign, kind code) of one LAND state: CCC/CCD/CVC/CVD/CCCV_C/Rest or Chinese names."""
    v = value.strip().upper().replace(" ", "")
    code = _steps.KIND_CODE
    if not v:
        return 0, 255
    if v in ("R", "REST", "静置", "搁置", "休眠", "OCV", "PAUSE"):
        return 0, code["rest"]
    if "充" in v or "放" in v:
        sign = 1 if "充" in v else -1
        if "恒压" in v and "恒流" not in v:
            return sign, code["cv"]
        return sign, 255 if "恒流恒压" in v else code["charge" if sign > 0 else "discharge"]
    if v in ("CCC", "CC_C", "C_CC", "CCCHARGE", "CHARGE", "CHG", "C"):
        return 1, code["charge"]
    if v in ("CCD", "CC_D", "D_CC", "CCDISCHARGE", "DISCHARGE", "DCHG", "DIS", "D"):
        return -1, code["discharge"]
    if v in ("CVC", "CV_C", "CVCHARGE"):
        return 1, code["cv"]
    if v in ("CVD", "CV_D", "CVDISCHARGE"):
        return -1, code["cv"]
    if v.endswith(("_C", "C")) and v.startswith(("CCCV", "CCVC")):
        return 1, 255
    if v.endswith(("_D", "D")) and v.startswith(("CCCV", "CCVD")):
        return -1, 255
    if v == "CV":
        return 0, code["cv"]
    return 0, 255


#: Units of LAND labels -> factor to SI, by the SI prefixes (m = 1e-3, u = 1e-6) and
#: 1 h = 3600 s; others go through pint (slow to load the first time).
_UNIT_FACTORS: dict[tuple[str, str], float] = {
    ("A", "A"): 1.0,
    ("mA", "A"): 1e-3,
    ("uA", "A"): 1e-6,
    ("nA", "A"): 1e-9,
    ("V", "V"): 1.0,
    ("mV", "V"): 1e-3,
    ("Ah", "C"): 3600.0,
    ("mAh", "C"): 3.6,
    ("uAh", "C"): 3.6e-3,
    ("Wh", "J"): 3600.0,
    ("mWh", "J"): 3.6,
    ("uWh", "J"): 3.6e-3,
    ("mAh/g", "C/kg"): 3600.0,
    ("Ah/g", "C/kg"): 3.6e6,
    ("Ah/kg", "C/kg"): 3600.0,
    ("mWh/g", "J/kg"): 3600.0,
    ("Wh/kg", "J/kg"): 3600.0,
    ("Wh/g", "J/kg"): 3.6e6,
}


def _factor(path: Path, unit: str | None, si: str, default: str, label: str) -> float:
    u = (unit or default).replace("μ", "u").replace("µ", "u").strip()
    if (u, si) in _UNIT_FACTORS:
        return _UNIT_FACTORS[(u, si)]
    try:
        return factor_to_si(u.replace("μ", "u").replace("µ", "u"), si)
    except UnitsError as exc:
        raise FileFormatError(path, FMT, f"unit of {label!r} not understood: {exc}") from None


@dataclass
class Parsed:
    """Stage 1 of reading a LAND export: the record table as found, nothing converted yet."""

    frame: pl.DataFrame
    labels: list[str]
    roles: dict[str, str]  # role -> label
    header: dict[str, Any]
    notes: list[str]


def _one_sheet(path: Path, sheet: str, header: dict[str, Any]) -> pl.DataFrame:
    sheets = read_xlsx(path, FMT)
    if sheet not in sheets:
        raise InputError(f"no sheet {sheet!r} in '{path}'; sheets are {list(sheets)}.")
    rows = sheets[sheet]
    k = next((i for i, r in enumerate(rows[:30]) if _is_header(r)), None)
    if k is None:
        raise FileFormatError(
            path,
            FMT,
            f"sheet {sheet!r}: no header row with current and voltage labels in its first 30 rows",
        )
    labels = unique_labels([str(c).strip() or f"column_{i + 1}" for i, c in enumerate(rows[k])])
    header["sheets"] = list(sheets)
    header["record_sheets"] = [sheet]
    return _columns(rows[k + 1 :], labels, sheet, k + 2)


def parse(path: Path, sheet: str | None = None) -> Parsed:
    """Find the record table (workbook sheets or text) and the roles of its columns."""
    notes: list[str] = []
    header: dict[str, Any] = {}
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if not magic:
        raise FileFormatError(path, FMT, "the file is empty (0 bytes)")
    if magic.startswith((_XLSX, _OLE)):
        if sheet is not None:
            frame = _one_sheet(path, sheet, header)
        else:
            frame = _from_workbook(path, notes, header)
    else:
        frame = _from_text(path, notes, header)
    if frame.height == 0:
        raise FileFormatError(path, FMT, "the record table has a header but no data rows")
    labels = [c for c in frame.columns if not c.startswith("_")]
    roles = _roles(labels)
    header["labels"] = labels
    for need in ("current", "voltage"):
        if need not in roles:
            raise FileFormatError(path, FMT, f"no {need} column among {labels}")
    return Parsed(frame, labels, roles, header, notes)


def _current_voltage(p: Parsed, path: Path) -> tuple[np.ndarray, np.ndarray]:
    cur_label, volt_label = p.roles["current"], p.roles["voltage"]
    current = _numbers(path, p.frame, cur_label) * _factor(
        path, _split(cur_label)[1], "A", "mA", cur_label
    )
    if _split(cur_label)[1] is None:
        p.notes.append(f"{cur_label!r} has no unit: taken as mA (LAND's default)")
    voltage = _numbers(path, p.frame, volt_label) * _factor(
        path, _split(volt_label)[1], "V", "V", volt_label
    )
    for name, arr in (("current", current), ("voltage", voltage)):
        missing = ~np.isfinite(arr)
        if missing.any():
            r = int(np.flatnonzero(missing)[0])
            raise FileFormatError(path, FMT, f"{_where(p.frame, r)}: no {name} value")
    return current, voltage


def _time(p: Parsed, path: Path) -> np.ndarray:
    frame, roles = p.frame, p.roles
    if "time" in roles:
        time_s = _seconds(path, frame, roles["time"], _split(roles["time"])[1])
    elif "timestamp" in roles and (stamps := _timestamps(frame, roles["timestamp"])) is not None:
        ts = stamps.dt.epoch("us").cast(pl.Float64).to_numpy() / 1e6
        time_s = ts - ts[0]
        p.notes.append("no test-time column: time from the system time stamps")
    else:
        raise FileFormatError(
            path, FMT, f"no test-time column (TestTime, 测试时间 ...) among {p.labels}"
        )
    if not np.isfinite(time_s).all():
        r = int(np.flatnonzero(~np.isfinite(time_s))[0])
        raise FileFormatError(path, FMT, f"{_where(frame, r)}: no time value")
    return time_s


def _signed(
    p: Parsed, current: np.ndarray, found: list[Provenance]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Current in the package's sign from LAND's state (where there is one), the step kinds
    the state fixes (255: undecided) and the state as a key for runs of rows."""
    n = p.frame.height
    if "state" not in p.roles:
        p.notes.append("no state column: current taken as written (LAND writes discharge negative)")
        return current, np.full(n, 255, dtype=np.uint8), np.zeros(n, dtype=np.int8)
    state = p.frame.get_column(p.roles["state"])
    sign, fixed, described = _state_codes(state)
    current = np.where(sign > 0, np.abs(current), np.where(sign < 0, -np.abs(current), current))
    found.append(
        Provenance("assumption", f"current sign from the state: {described}", "", "sign-inferred")
    )
    return current, fixed, state.cast(pl.String).fill_null("").to_numpy()


_SCALED = {
    "capacity": ("capacity_C", "C", "mAh"),
    "energy": ("energy_J", "J", "mWh"),
    "specific_capacity": ("specific_capacity_C_kg", "C/kg", "mAh/g"),
    "specific_energy": ("specific_energy_J_kg", "J/kg", "mWh/g"),
    "aux_voltage": ("aux_voltage_V", "V", "V"),
}


def _extra_columns(p: Parsed, path: Path, cols: dict[str, Any], used: set[str | None]) -> None:
    """Record, step time, the scaled counters and the temperature, in SI."""
    frame, roles = p.frame, p.roles
    if "record" in roles:
        values = pl.Series(_numbers(path, frame, roles["record"]))
        cols["record"] = values.cast(pl.Int64, strict=False)
        used.add(roles["record"])
    if "step_time" in roles:
        lab = roles["step_time"]
        cols["step_time_s"] = _seconds(path, frame, lab, _split(lab)[1])
        used.add(lab)
    for role, (name, si, default) in _SCALED.items():
        if role in roles:
            lab = roles[role]
            factor = _factor(path, _split(lab)[1], si, default, lab)
            cols[name] = _numbers(path, frame, lab) * factor
            used.add(lab)
    if "temperature" in roles:
        lab = roles["temperature"]
        unit = (_split(lab)[1] or "degC").replace("℃", "degC")
        try:
            cols["temperature_K"] = temperature_K(_numbers(path, frame, lab), unit)
        except UnitsError as exc:
            raise FileFormatError(path, FMT, f"unit of {lab!r} not understood: {exc}") from None
        used.add(lab)


def build(p: Parsed, path: Path) -> CellData:
    """Stage 2: CellData (SI, the package's sign) from the parsed record table."""
    found: list[Provenance] = []
    current, voltage = _current_voltage(p, path)
    time_s = _time(p, path)
    current, fixed, state_key = _signed(p, current, found)
    roles = p.roles
    cols: dict[str, Any] = {"time_s": time_s, "voltage_V": voltage, "current_A": current}
    used = {roles["current"], roles["voltage"], roles.get("time"), roles.get("state")}
    keys = [state_key]
    for role in ("cycle", "step"):
        if role in roles:
            ints = np.nan_to_num(_numbers(path, p.frame, roles[role]), nan=0.0).astype(np.int32)
            cols[role] = ints
            keys.append(ints)
            used.add(roles[role])
    if "state" in roles or "step" in roles:
        cols["step_kind"] = state_kinds(run_ids(*keys), voltage, current, fixed)
    else:
        p.notes.append("no state or step column: steps and step kinds derived from the data")
    if "state" in roles:
        cols["state"] = p.frame.get_column(roles["state"]).cast(pl.String)
    _extra_columns(p, path, cols, used)
    start_time = None
    if "timestamp" in roles and (stamps := _timestamps(p.frame, roles["timestamp"])) is not None:
        cols["timestamp"] = stamps
        valid = stamps.drop_nulls()
        start_time = valid[0] if len(valid) else None
        used.add(roles["timestamp"])
    for lab in p.labels:
        if lab not in used and lab not in cols:
            cols[lab] = p.frame.get_column(lab)
    if "cycle" in roles or "step" in roles:
        p.notes.append("cycle and step are LAND's own numbers")
    meta = Metadata(
        format="land",
        instrument="LAND",
        format_version="LANDdt/LANHE "
        + ("workbook export" if p.header.get("sheets") else "text export"),
        start_time=start_time,
        techniques=("cycling",),
        header=p.header,
        notes=tuple(p.notes),
        provenance=tuple(found),
    )
    return CellData.from_columns(pl.DataFrame(cols), meta)


def read(path: Path, *, sheet: str | None = None, **_: Any) -> CellData:
    """Read a LAND/LANHE export (.xlsx/.xls workbook or CSV/text table): :func:`parse`, then
    :func:`build`.

    Parameters
    ----------
    path
        The file (only read).
    sheet
        Name of the record sheet to read (default: every sheet named ``Record...``/``记录...``,
        in order, as one table).

    Returns
    -------
    CellData
        ``time_s`` [s], ``voltage_V`` [V], ``current_A`` [A] (signed by the state where there
        is one), ``cycle``, ``step``, ``step_kind``; ``record``, ``step_time_s`` [s],
        ``capacity_C`` [C] and ``energy_J`` [J] (as LAND writes them), ``specific_capacity_C_kg``
        [C/kg], ``specific_energy_J_kg`` [J/kg], ``state``, ``timestamp``, ``temperature_K`` [K]
        when present; other columns under their labels.

    Raises
    ------
    FileFormatError
        Not a readable workbook/table; no current and voltage columns; a value that is not a
        number or a time (named by sheet and row, or by line).
    """
    return build(parse(path, sheet), path)
