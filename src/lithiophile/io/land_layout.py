"""Where the record table of a LAND / LANHE export is (stage 1 of reading it): workbook sheets
or text, header rows, the labels and the role of each column; nothing converted yet.

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
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from lithiophile.errors import FileFormatError, InputError
from lithiophile.io.table import (
    read_xlsx,
    unique_labels,
    xlsx_sheet_names,
    xlsx_strings,
)
from lithiophile.io.text import decode, guess_separator, looks_binary
from lithiophile.io.textblock import check_last_line, head_lines, numeric_style, read_csv_or_fail

__all__ = ["FMT", "NAMES", "Parsed", "parse", "sniff", "split_label"]

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
_XLSX = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"


def split_label(label: Any) -> tuple[str, str | None]:
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
        role = _ROLE_OF.get(split_label(lab)[0])
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
        _ROLE_OF.get(split_label(lab)[0])
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
