"""Neware BTSDA exports: CSV (and tab-separated text) and Excel ``.xlsx`` workbooks.

Layouts read
------------
* **Record layer, flat** (BTSDA 8 "record" export; one row per record), e.g. the header of
  ``cellpy__neware_uio.csv``::

      DataPoint,Cycle Index,Step Index,Step Type,Time,Cumulative Time,Current(A),Voltage(V),
      Capacity(Ah),Spec. Cap.(mAh/g),Chg. Cap.(Ah),...,Energy(Wh),...,Date,Power(W),
      dQ/dV(mAh/V),dQm/dV(mAh/V.g),Contact resistance(mO),Module start-stop switch

  BTSDA 7 spellings (``Record ID``, ``Cycle ID``, ``Step ID``, ``Step Name``,
  ``Time(h:min:s.ms)``, ``Realtime``, ``Current(mA)``, ``CapaCity(mAh)``,
  ``Capacitance_Chg(mAh)``, ``Engy_DChg(mWh)`` ...) are recognised too, with the units the
  labels state (A/mA/uA, V/mV, Ah/mAh/mAs, Wh/mWh/mWs, W/mW, ohm/mO, degC/K).
* **Cycle/step/record layers in one sheet** (BTSDA 7 "export to Excel/CSV"): three header
  rows, the cycle header in column 1, the step header from column 2, the record header from
  column 3; then cycle rows (column 1 filled), step rows (column 1 empty, column 2 filled)
  and record rows (columns 1-2 empty, column 3 filled), nested::

      Cycle ID,Cap_Chg(mAh),Cap_DChg(mAh),...
      ,Step ID,Step Name,Step Time(h:min:s.ms),...
      ,,Record ID,Time(h:min:s.ms),Voltage(V),Current(mA),Temperature(C),...,Realtime
      1,1.23,1.20,...
      ,1,CC_Chg,0:10:00.000,...
      ,,1,0:00:01.000,3.201,500.0,25.1,...,2024-01-01 10:00:01

  Each record takes the cycle and step of the rows above it; the step type comes from the
  step row (``Step Name``/``Step Type``).
* **Excel**: the sheet holding the record layer (named ``record``/``Detail...``, or the first
  sheet whose header is Neware's), in either layout.

Columns (SI)
------------
``time_s`` (the export's total/cumulative time; where it has only step times, the step times
laid end to end as BTSDA's "Total Time" and fastnda's ``total_time_s`` are), ``voltage_V``,
``current_A``, ``cycle`` (Neware's cycle number as written), ``step`` (running step number:
+1 at every new step, also where the program step repeats from cycle to cycle),
``step_kind``, ``temperature_K`` (first temperature column), ``step_index`` (the program step
as written), ``step_type`` (Neware's name as written, e.g. ``CC DChg``), ``step_time_s``,
``date_time`` (the tester's local clock, naive), ``record_index``, ``step_capacity_C``,
``step_charge_capacity_C``, ``step_discharge_capacity_C``, ``step_energy_J``,
``step_charge_energy_J``, ``step_discharge_energy_J``, ``power_W``, ``dqdv_C_V``,
``contact_resistance_ohm`` ... Per-mass columns (``Spec. Cap.``, ``dQm/dV`` ...) repeat the
capacity columns divided by the active mass: they are left out, and the mass is taken from
them (``Metadata.mass_kg``). Columns that hold one constant text (``Module start-stop
switch``) are left out; both are listed in the metadata notes.

Sign convention: BTSDA writes discharge current negative (the ``CC DChg`` rows of
``cellpy__neware_uio.csv`` have negative ``Current(A)``), which is already the package's
convention (reduction at the working electrode negative; see :mod:`lithiophile.io.neware_nda`).
An export whose discharge steps carry only positive current (unsigned) is signed from the
step type, and the notes say so.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

import polars as pl

from lithiophile.errors import FileFormatError, InputError
from lithiophile.io.celldata import CellData
from lithiophile.io.neware_columns import _label_key, _name_key, _role, to_celldata
from lithiophile.io.table import (
    read_xlsx,
    xlsx_sheet_names,
    xlsx_strings,
    zip_member_from_head,
)
from lithiophile.io.text import decode, guess_separator, looks_binary, parse_label
from lithiophile.io.textblock import polars_error, read_csv_or_fail

__all__ = ["read", "sniff"]

FMT_CSV = "a Neware BTSDA CSV export"
FMT_XLSX = "a Neware BTSDA Excel export"

_ZIP_MAGIC = b"PK\x03\x04"

_MARKERS = {
    "steptype", "stepname", "chgcap", "dchgcap", "speccap", "cumulativetime", "totaltime",
    "recordid", "recordindex", "realtime", "cycleid", "stepid", "capacitancechg",
    "capacitancedchg", "engychg", "engydchg", "modulestartstopswitch", "chgenergy",
    "dchgenergy", "stepstartandendidentification",
}  # fmt: skip


def header_score(labels: list[str]) -> int:
    """0..90: how surely a header row is the record layer of a BTSDA export."""
    keys = {_label_key(lab)[0] for lab in labels if lab and lab.strip()}
    if not {"voltage", "current"} <= keys:
        return 0
    if not keys & {"time", "steptime", "totaltime", "cumulativetime", "realtime", "date"}:
        return 0
    markers = len(keys & _MARKERS)
    if markers >= 2 and keys & {"steptype", "stepname", "cycleid", "stepid", "realtime"}:
        return 90
    return 40 if markers else 0


def _three_level(lines: list[list[str]]) -> bool:
    """True when three header rows nest cycle, step and record headers (BTSDA 7)."""
    if len(lines) < 3:
        return False
    c, s, r = ([*row, "", "", ""] for row in lines[:3])
    return (
        _name_key(parse_label(c[0])[0]) in ("cycleid", "cycleindex", "cycle")
        and not s[0].strip()
        and _name_key(parse_label(s[1])[0]) in ("stepid", "stepindex", "step")
        and not r[0].strip()
        and not r[1].strip()
        and _name_key(parse_label(r[2])[0]) in ("recordid", "recordindex", "record", "datapoint")
    )


# -- detection ------------------------------------------------------------------------------
def _split(line: str, sep: str) -> list[str]:
    return [f.strip().strip('"').strip() for f in line.split(sep)]


def sniff(head: bytes, path: Path) -> int:
    """0..100: a BTSDA record-layer header, the three nested header rows, or a workbook whose
    sheet names are BTSDA's (``record``/``step``/``cycle`` or ``Detail_...``/``Statis_...``)."""
    if head.startswith(_ZIP_MAGIC):
        workbook = zip_member_from_head(head, "xl/workbook.xml")
        if workbook is None:
            return 0
        text = workbook.decode("utf-8", "replace")
        names = [n.lower() for n in xlsx_sheet_names(text)]
        if any(n.startswith("record") for n in names) and any(
            n.startswith(("step", "cycle")) for n in names
        ):
            return 80
        if any(n.startswith("detail") for n in names) and any(
            n.startswith(("statis", "cycle")) for n in names
        ):
            return 80
        # the header labels: in sharedStrings.xml (Excel) or inline in the sheets (openpyxl)
        texts = [
            zip_member_from_head(head, name) or b""
            for name in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml")
        ]
        labels = xlsx_strings(b"".join(texts).decode("utf-8", "replace"))
        keys = {_label_key(lab)[0] for lab in labels}
        if {"cycleid", "stepid", "recordid"} <= keys and {"voltage", "current"} <= keys:
            return 85
        return min(header_score(labels), 75)
    if looks_binary(head):
        return 0
    lines = decode(head).splitlines()[:12]
    if len(lines) >= 3:
        sep = guess_separator(lines[2:3] or lines[:1])
        if _three_level([_split(x, sep) for x in lines[:3]]):
            return 95
    best = 0
    for line in lines[:5]:
        if not line.strip():
            continue
        sep = guess_separator([line])
        best = max(best, header_score(_split(line, sep)))
    return best


# -- reading --------------------------------------------------------------------------------
def read(path: Path, **options: Any) -> CellData:
    """Read a Neware BTSDA CSV/text or .xlsx export.

    Parameters
    ----------
    path
        The file (CSV, tab-separated text or .xlsx workbook, by content).
    **options
        ``sheet``: the name of the workbook sheet to read (default: the record layer found
        by its name or header).

    Returns
    -------
    CellData
        SI columns as listed in the module documentation.

    Raises
    ------
    FileFormatError
        When the file is not a BTSDA export this reader understands.
    """
    path = Path(path)
    sheet = options.pop("sheet", None)
    if options:
        raise InputError(
            f"the Neware CSV/XLSX reader takes only the option 'sheet'; got {sorted(options)}."
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileFormatError(path, FMT_CSV, f"cannot be read ({exc.strerror or exc})") from None
    if not data:
        raise FileFormatError(path, FMT_CSV, "the file is empty (0 bytes)")
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(path, sheet)
    if looks_binary(data[:65536]):
        raise FileFormatError(
            path, FMT_CSV, f"the file is binary (first bytes {data[:16]!r}), not a text export"
        )
    return _read_text(path, data)


def _read_text(path: Path, data: bytes) -> CellData:
    utf8 = not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if utf8:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            utf8 = False
    text_head = decode(data[:65536])
    lines = text_head.splitlines()
    if not lines:
        raise FileFormatError(path, FMT_CSV, "the file holds no lines")
    sep = guess_separator(lines[2:4] if len(lines) > 3 else lines[:2])
    if len(lines) >= 3 and _three_level([_split(x, sep) for x in lines[:3]]):
        _check_last_line(path, data, max(len(x.split(sep)) for x in lines[:3]), sep)
        body = data if utf8 else decode(data).encode("utf-8")
        frame, info = _three_level_text(path, body, sep, lines)
        return to_celldata(path, FMT_CSV, frame, info)
    header_at = None
    for k, line in enumerate(lines[:30]):
        sep_k = guess_separator([line])
        if header_score(_split(line, sep_k)) >= 40:
            header_at, sep = k, sep_k
            break
    if header_at is None:
        raise FileFormatError(
            path,
            FMT_CSV,
            "no BTSDA header found in the first 30 lines (a record layer needs Voltage, "
            "Current and Time columns labelled as BTSDA writes them, e.g. 'Current(A)', "
            "'Voltage(V)', 'Time', 'Step Type'); for other tables use format='generic-csv'",
        )
    _check_last_line(path, data, len(lines[header_at].split(sep)), sep)
    text = None if utf8 else decode(data)

    def source() -> Any:
        return data if text is None else io.StringIO(text)

    read = functools.partial(
        read_csv_or_fail,
        path,
        FMT_CSV,
        header_at + 2,
        separator=sep,
        skip_rows=header_at,
        encoding="utf8-lossy",
    )
    labels = read(source(), n_rows=0).columns
    frame = read(
        source(),
        schema_overrides=_schema(labels),
        truncate_ragged_lines=True,
        try_parse_dates=False,
    )
    frame = frame.rename({c: c.strip() for c in frame.columns if c != c.strip()})
    info = {"layout": "record layer (CSV)"}
    return to_celldata(path, FMT_CSV, frame, info)


_TEXT_KINDS = ("text", "duration", "total", "datetime", "flag")


def _schema(labels: list[str]) -> dict[str, Any]:
    """Column types for the CSV parser: text for names/times/dates, Float64 for quantities
    (BTSDA writes '0' for the first rows of float columns, which defeats type inference)."""
    out: dict[str, Any] = {}
    for label in labels:
        role = _role(label)
        if label not in out:  # unknown columns are read as text, made numbers later
            out[label] = pl.String if role is None or role[1] in _TEXT_KINDS else pl.Float64
    return out


def _check_last_line(path: Path, data: bytes, width: int, sep: str) -> None:
    """A last line cut short (no line end, fewer fields than the header) means truncation."""
    if data.endswith((b"\n", b"\r")):
        return
    tail = decode(data[-65536:]).splitlines()[-1]
    if len(tail.split(sep)) < width:
        raise FileFormatError(
            path,
            FMT_CSV,
            f"the last line has {len(tail.split(sep))} of {width} fields and no line end "
            f"({tail[:40]!r}...): the file is truncated",
        )


def _three_level_text(
    path: Path, body: bytes, sep: str, lines: list[str]
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Records of a nested export, each with the cycle and step of the rows above it."""
    headers = [_split(x, sep) for x in lines[:3]]
    width = max(len(h) for h in headers)
    names = [f"c{j}" for j in range(width)]
    try:
        raw = pl.read_csv(
            body,
            separator=sep,
            has_header=False,
            skip_rows=3,
            schema=dict.fromkeys(names, pl.String),
            missing_columns="insert",  # rows narrower than the widest header stay null
            truncate_ragged_lines=True,
            encoding="utf8-lossy",
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        msg = polars_error(exc)
        raise FileFormatError(path, FMT_CSV, f"data rows from line 4 unreadable: {msg}") from None
    return _nest(path, FMT_CSV, raw, headers)


def _filled(col: pl.Expr) -> pl.Expr:
    return col.is_not_null() & (col.str.strip_chars() != "")


def _nest(
    path: Path, fmt: str, raw: pl.DataFrame, headers: list[list[str]]
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Flatten cycle/step/record rows (all text) into one record table."""
    width = raw.width
    step_labels = {j: lab for j, lab in enumerate(headers[1]) if j >= 1 and lab}
    record_labels = {j: lab for j, lab in enumerate(headers[2]) if j >= 2 and lab}
    type_col = next(
        (j for j, lab in step_labels.items() if _label_key(lab)[0] in ("stepname", "steptype")),
        None,
    )
    c0, c1, c2 = (pl.col(f"c{j}") for j in range(3))
    is_cycle = _filled(c0)
    is_step = ~is_cycle & _filled(c1)
    if type_col is not None and type_col < width:
        # a cycle row that also carries its first step (cycle id, then the step's fields where
        # the step header has them): its step-name cell holds a name, not a cycle's number
        cell = pl.col(f"c{type_col}")
        named = _filled(cell) & cell.str.strip_chars().cast(pl.Float64, strict=False).is_null()
        is_step = is_step | (is_cycle & _filled(c1) & named)
    is_record = ~is_cycle & ~is_step & _filled(c2)
    exprs = [
        pl.when(is_cycle).then(c0.str.strip_chars()).forward_fill().alias("_cycle"),
        pl.when(is_step).then(c1.str.strip_chars()).forward_fill().alias("_step_index"),
        is_step.cum_sum().alias("_step"),
        is_record.alias("_is_record"),
    ]
    if type_col is not None and type_col < width:
        exprs.append(
            pl.when(is_step)
            .then(pl.col(f"c{type_col}").str.strip_chars())
            .forward_fill()
            .alias("_step_type")
        )
    tagged = raw.with_columns(exprs)
    records = tagged.filter(pl.col("_is_record"))
    if records.height == 0:
        raise FileFormatError(path, fmt, "the nested export holds no record rows")
    if records.get_column("_step").min() == 0:
        raise FileFormatError(
            path, fmt, "record rows come before the first step row (rows out of order?)"
        )
    cols: dict[str, pl.Series] = {}
    for j, lab in record_labels.items():
        if j < width:
            cols[lab] = records.get_column(f"c{j}").str.strip_chars()
    cols["Cycle ID"] = records.get_column("_cycle")
    cols["Step ID"] = records.get_column("_step_index")
    if "_step_type" in records.columns:
        cols["Step Name"] = records.get_column("_step_type")
    frame = pl.DataFrame(cols)
    # text -> numbers where every filled cell is a number
    casts = []
    for name in frame.columns:
        s = frame.get_column(name)
        num = s.cast(pl.Float64, strict=False)
        if num.null_count() == s.null_count() and s.null_count() < s.len():
            casts.append(num)
    if casts:
        frame = frame.with_columns(casts)
    info = {"layout": "cycle/step/record layers", "step_numbers": records.get_column("_step")}
    return frame, info


def _read_xlsx(path: Path, sheet: str | None) -> CellData:
    sheets = read_xlsx(path, FMT_XLSX)
    if sheet is not None:
        if sheet not in sheets:
            raise FileFormatError(
                path, FMT_XLSX, f"no sheet named {sheet!r} (sheets: {', '.join(sheets)})"
            )
        order = [sheet]
    else:
        preferred = [n for n in sheets if n.lower().startswith(("record", "detail"))]
        order = preferred + [n for n in sheets if n not in preferred]
    for name in order:
        rows = [
            ["" if c is None else str(c) if not isinstance(c, str) else c for c in r]
            for r in sheets[name][:3]
        ]
        if _three_level(rows):
            full = sheets[name]
            width = max((len(r) for r in full), default=0)
            data = {
                f"c{j}": [_cell_text(r[j]) if j < len(r) else None for r in full[3:]]
                for j in range(width)
            }
            raw = pl.DataFrame(data, schema=dict.fromkeys(data, pl.String))
            frame, info = _nest(path, FMT_XLSX, raw, [list(map(str, r)) for r in rows])
            info["layout"] += f" (sheet {name!r})"
            return to_celldata(path, FMT_XLSX, frame, info)
        for k, row in enumerate(sheets[name][:10]):
            labels = [str(c).strip() if c is not None else "" for c in row]
            if header_score(labels) >= 40:
                frame = _rows_frame(path, sheets[name], k)
                info = {"layout": f"record layer (sheet {name!r})"}
                return to_celldata(path, FMT_XLSX, frame, info)
    raise FileFormatError(
        path,
        FMT_XLSX,
        f"no sheet of {', '.join(sheets) or 'the workbook'} holds a BTSDA record layer "
        "(Voltage, Current and Time columns)",
    )


def _cell_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_frame(path: Path, rows: list[list[Any]], header_row: int) -> pl.DataFrame:
    labels = []
    seen: dict[str, int] = {}
    for j, c in enumerate(rows[header_row]):
        lab = str(c).strip() if c not in (None, "") else f"column_{j + 1}"
        seen[lab] = seen.get(lab, 0) + 1
        labels.append(lab if seen[lab] == 1 else f"{lab}_{seen[lab]}")
    body = [r for r in rows[header_row + 1 :] if any(c not in (None, "") for c in r)]
    data = {
        lab: [(r[j] if j < len(r) and r[j] != "" else None) for r in body]
        for j, lab in enumerate(labels)
    }
    try:
        return pl.DataFrame(data, strict=False)
    except (pl.exceptions.PolarsError, TypeError, ValueError) as exc:
        raise FileFormatError(path, FMT_XLSX, f"sheet table unreadable: {exc}") from None
