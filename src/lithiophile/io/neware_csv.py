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

import io
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, InputError, UnitsError, UnknownColumnWarning
from lithiophile.io import steps as _steps
from lithiophile.io.celldata import CellData, Metadata, kinds_series
from lithiophile.io.table import (
    read_xlsx,
    temperature_K,
    xlsx_sheet_names,
    xlsx_strings,
    zip_member_from_head,
)
from lithiophile.io.text import decode, guess_separator, looks_binary, parse_label
from lithiophile.units import factor_to_si

__all__ = ["read", "sniff"]

FMT_CSV = "a Neware BTSDA CSV export"
FMT_XLSX = "a Neware BTSDA Excel export"

_ZIP_MAGIC = b"PK\x03\x04"

# -- labels ---------------------------------------------------------------------------------
#: normalised label name -> (output column, kind). Kinds: int, text, duration (step time),
#: total (test time), datetime, current, voltage, charge, energy, power, resistance,
#: temperature, dqdv, per_mass (redundant: capacity / mass), flag
LABELS: dict[str, tuple[str, str]] = {
    "datapoint": ("record_index", "int"),
    "recordid": ("record_index", "int"),
    "recordindex": ("record_index", "int"),
    "record": ("record_index", "int"),
    "cycleindex": ("cycle", "int"),
    "cycleid": ("cycle", "int"),
    "cycle": ("cycle", "int"),
    "cyclenumber": ("cycle", "int"),
    "stepindex": ("step_index", "int"),
    "stepid": ("step_index", "int"),
    "stepnumber": ("step_index", "int"),
    "steptype": ("step_type", "text"),
    "stepname": ("step_type", "text"),
    "status": ("step_type", "text"),
    "time": ("step_time_s", "duration"),
    "steptime": ("step_time_s", "duration"),
    "relativetime": ("step_time_s", "duration"),
    "totaltime": ("time_s", "total"),
    "cumulativetime": ("time_s", "total"),
    "tottime": ("time_s", "total"),
    "testtime": ("time_s", "total"),
    "date": ("date_time", "datetime"),
    "realtime": ("date_time", "datetime"),
    "datetime": ("date_time", "datetime"),
    "absolutetime": ("date_time", "datetime"),
    "systemtime": ("date_time", "datetime"),
    "current": ("current_A", "current"),
    "voltage": ("voltage_V", "voltage"),
    "capacity": ("step_capacity_C", "charge"),
    "chgcap": ("step_charge_capacity_C", "charge"),
    "dchgcap": ("step_discharge_capacity_C", "charge"),
    "chargecapacity": ("step_charge_capacity_C", "charge"),
    "dischargecapacity": ("step_discharge_capacity_C", "charge"),
    "capacitancechg": ("step_charge_capacity_C", "charge"),
    "capacitancedchg": ("step_discharge_capacity_C", "charge"),
    "energy": ("step_energy_J", "energy"),
    "chgenergy": ("step_charge_energy_J", "energy"),
    "dchgenergy": ("step_discharge_energy_J", "energy"),
    "chargeenergy": ("step_charge_energy_J", "energy"),
    "dischargeenergy": ("step_discharge_energy_J", "energy"),
    "engychg": ("step_charge_energy_J", "energy"),
    "engydchg": ("step_discharge_energy_J", "energy"),
    "power": ("power_W", "power"),
    "dq/dv": ("dqdv_C_V", "dqdv"),
    "contactresistance": ("contact_resistance_ohm", "resistance"),
    "dcir": ("dc_internal_resistance_ohm", "resistance"),
    "internalresistance": ("internal_resistance_ohm", "resistance"),
    "temperature": ("temperature_K", "temperature"),
    "temp": ("temperature_K", "temperature"),
    "mint": ("min_temperature_K", "temperature"),
    "maxt": ("max_temperature_K", "temperature"),
    "avgt": ("mean_temperature_K", "temperature"),
    "speccap": ("", "per_mass"),
    "chgspeccap": ("", "per_mass"),
    "dchgspeccap": ("", "per_mass"),
    "specenergy": ("", "per_mass"),
    "chgspecenergy": ("", "per_mass"),
    "dchgspecenergy": ("", "per_mass"),
    "capacitydensity": ("", "per_mass"),
    "cmpeng": ("", "per_mass"),
    "dqm/dv": ("", "per_mass"),
    "modulestartstopswitch": ("module_switch", "flag"),
    "stepstartandendidentification": ("step_boundary_flag", "flag"),
}
#: auxiliary channels: T1, t2, V1, H1 ... (temperature, temperature, voltage, humidity)
_AUX = re.compile(r"^(?P<q>[TtVH])(?P<n>\d+)$")

#: unit spellings of BTSDA labels -> (SI unit, factor); pint is asked about anything else
UNITS: dict[str, tuple[str, float]] = {
    "a": ("A", 1.0), "ma": ("A", 1e-3), "ua": ("A", 1e-6), "µa": ("A", 1e-6),
    "μa": ("A", 1e-6), "na": ("A", 1e-9),
    "v": ("V", 1.0), "mv": ("V", 1e-3), "uv": ("V", 1e-6), "µv": ("V", 1e-6),
    "ah": ("C", 3600.0), "mah": ("C", 3.6), "uah": ("C", 3.6e-3), "µah": ("C", 3.6e-3),
    "as": ("C", 1.0), "mas": ("C", 1e-3), "c": ("C", 1.0),
    "wh": ("J", 3600.0), "mwh": ("J", 3.6), "uwh": ("J", 3.6e-3), "µwh": ("J", 3.6e-3),
    "ws": ("J", 1.0), "mws": ("J", 1e-3), "j": ("J", 1.0),
    "w": ("W", 1.0), "mw": ("W", 1e-3), "uw": ("W", 1e-6), "kw": ("W", 1e3),
    "o": ("ohm", 1.0), "ohm": ("ohm", 1.0), "ω": ("ohm", 1.0), "mo": ("ohm", 1e-3),
    "mohm": ("ohm", 1e-3), "mω": ("ohm", 1e-3),
    "ah/v": ("C/V", 3600.0), "mah/v": ("C/V", 3.6),
    "s": ("s", 1.0), "ms": ("s", 1e-3), "min": ("s", 60.0), "h": ("s", 3600.0),
}  # fmt: skip
_SI_OF_KIND = {
    "current": "A", "voltage": "V", "charge": "C", "energy": "J", "power": "W",
    "resistance": "ohm", "dqdv": "C/V",
}  # fmt: skip
#: unit assumed when a label states none (BTSDA 8 default export units)
_DEFAULT_UNIT = {
    "current": "A", "voltage": "V", "charge": "Ah", "energy": "Wh", "power": "W",
    "resistance": "mO", "dqdv": "mAh/V",
}  # fmt: skip

#: Neware step names (as BTSDA writes them, with spaces, underscores or in Chinese) -> kind
STEP_KINDS_BY_NAME: dict[str, str] = {
    "ccchg": "charge", "cccvchg": "charge", "cpchg": "charge", "crchg": "charge",
    "pccvchg": "charge", "pcccvchg": "charge", "cpcvchg": "charge", "crcvchg": "charge",
    "ccdchg": "discharge", "cccvdchg": "discharge", "cpdchg": "discharge",
    "crdchg": "discharge", "cpcvdchg": "discharge", "crcvdchg": "discharge",
    "cvchg": "cv", "cvdchg": "cv", "rest": "rest", "pause": "rest", "ocv": "ocv",
    "恒流充电": "charge", "恒流恒压充电": "charge", "恒功率充电": "charge",
    "恒流放电": "discharge", "恒流恒压放电": "discharge", "恒功率放电": "discharge",
    "恒阻放电": "discharge", "恒压充电": "cv", "恒压放电": "cv", "搁置": "rest",
    "静置": "rest", "暂停": "rest",
}  # fmt: skip


def _name_key(name: str) -> str:
    return re.sub(r"[\s_\-.]", "", name).lower()


def _label_key(label: str) -> tuple[str, str | None]:
    """Normalised name (lower case, no spaces/'_'/'-'/'.') and unit of a column label."""
    name, unit = parse_label(label)
    if "/" in label and unit is None:  # "dQ/dV" without unit
        name = label
    return _name_key(name), unit


def _role(label: str) -> tuple[str, str, str | None] | None:
    """(output column, kind, unit) of a label, or None for an unknown label."""
    key, unit = _label_key(label)
    if key in LABELS:
        out, kind = LABELS[key]
        return out, kind, unit
    m = _AUX.match(parse_label(label)[0].strip())
    if m:
        q, n = m.group("q"), m.group("n")
        if q in "Tt":
            return f"aux_temperature_{n}_K", "temperature", unit
        if q == "V":
            return f"aux_voltage_{n}_V", "voltage", unit
        return f"aux_humidity_{n}", "float", unit
    return None


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
        return _to_celldata(path, FMT_CSV, frame, info)
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

    try:
        labels = pl.read_csv(
            source(), separator=sep, skip_rows=header_at, n_rows=0, encoding="utf8-lossy"
        ).columns
        frame = pl.read_csv(
            source(),
            separator=sep,
            skip_rows=header_at,
            schema_overrides=_schema(labels),
            truncate_ragged_lines=True,
            encoding="utf8-lossy",
            try_parse_dates=False,
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FileFormatError(
            path, FMT_CSV, f"data table from line {header_at + 2} unreadable: {msg}"
        ) from None
    frame = frame.rename({c: c.strip() for c in frame.columns if c != c.strip()})
    info = {"layout": "record layer (CSV)"}
    return _to_celldata(path, FMT_CSV, frame, info)


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
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
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
            return _to_celldata(path, FMT_XLSX, frame, info)
        for k, row in enumerate(sheets[name][:10]):
            labels = [str(c).strip() if c is not None else "" for c in row]
            if header_score(labels) >= 40:
                frame = _rows_frame(path, sheets[name], k)
                info = {"layout": f"record layer (sheet {name!r})"}
                return _to_celldata(path, FMT_XLSX, frame, info)
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


# -- conversion -----------------------------------------------------------------------------
def _factor(kind: str, unit: str | None, label: str, path: Path, fmt: str) -> float:
    """Factor from the label's unit to SI for a column of ``kind``."""
    si = _SI_OF_KIND[kind]
    text = (unit or _DEFAULT_UNIT[kind]).strip().replace(" ", "")
    known = UNITS.get(text.lower())
    if known is not None:
        if known[0] != si:
            raise FileFormatError(
                path, fmt, f"column '{label}' has the unit '{text}', not a unit of {si}"
            )
        return known[1]
    factor = _pint_factor(text, si)
    if factor is None:
        raise FileFormatError(path, fmt, f"column '{label}': unit '{text}' not understood as {si}")
    return factor


def _pint_factor(unit: str, si: str) -> float | None:
    """Factor from ``unit`` to ``si`` through the package's pint registry, or None.

    pint's parser raises more than UnitsError on odd text (tokenize.TokenError for an
    unbalanced bracket in a label), so every failure counts as "not understood".
    """
    try:
        return factor_to_si(unit, si)
    except Exception:  # UnitsError, tokenize.TokenError ...
        return None


def _duration_s(
    series: pl.Series, unit: str | None, label: str, path: Path, fmt: str
) -> np.ndarray:
    """Seconds from a duration column: clock text ``[d-]h:mm:ss[.fff]``, numbers with a
    unit, durations, or Excel day fractions for clock-formatted cells."""
    if series.dtype == pl.Duration:
        return series.dt.total_microseconds().cast(pl.Float64).to_numpy() / 1e6
    if series.dtype == pl.Time:
        return series.cast(pl.Int64).cast(pl.Float64).to_numpy() / 1e9
    if series.dtype.is_numeric():
        u = (unit or "s").strip().lower()
        if ":" in u:  # clock format stored as a fraction of a day (Excel)
            return series.cast(pl.Float64).to_numpy() * 86400.0
        factor = UNITS.get(u, (None, None))[1]
        if factor is None:
            factor = _pint_factor(unit or "s", "s")
        if factor is None:
            raise FileFormatError(path, fmt, f"column '{label}': time unit '{unit}' not understood")
        return series.cast(pl.Float64).to_numpy() * factor
    text = series.cast(pl.String).str.strip_chars()
    parts = text.str.split_exact(":", 2)
    h = parts.struct.field("field_0").cast(pl.Float64, strict=False)
    m = parts.struct.field("field_1").cast(pl.Float64, strict=False)
    sec = parts.struct.field("field_2")
    if sec.str.contains(",", literal=True).any():
        sec = sec.str.replace(",", ".", literal=True)
    sec = sec.cast(pl.Float64, strict=False)
    valid = text.null_count()
    if h.null_count() == valid and m.null_count() == valid and sec.null_count() == valid:
        return (h * 3600.0 + m * 60.0 + sec).to_numpy()
    parts = text.str.extract_groups(  # with a day count: "1d 02:03:04", "1-02:03:04"
        r"^(?:(?P<d>\d+)\s*(?:d|day|days|-)\s*)?(?P<h>\d+):(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:[.,]\d*)?)$"
    )
    hours = parts.struct.field("h")
    if hours.null_count() != text.null_count():
        bad = text.filter(hours.is_null() & text.is_not_null()).head(3).to_list()
        raise FileFormatError(
            path, fmt, f"column '{label}' holds times that are not h:mm:ss (e.g. {bad})"
        )
    d = parts.struct.field("d").cast(pl.Float64).fill_null(0.0)
    seconds = (
        d * 86400.0
        + hours.cast(pl.Float64) * 3600.0
        + parts.struct.field("m").cast(pl.Float64) * 60.0
        + parts.struct.field("s").str.replace(",", ".").cast(pl.Float64)
    )
    return seconds.to_numpy()


def _datetimes(series: pl.Series, label: str, notes: list[str]) -> pl.Series | None:
    if series.dtype == pl.Datetime:
        return series.cast(pl.Datetime("us")).alias("date_time")
    text = series.cast(pl.String).str.strip_chars()
    for fmt in ("%Y-%m-%d %H:%M:%S%.f", "%Y/%m/%d %H:%M:%S%.f", "%Y.%m.%d %H:%M:%S%.f", None):
        try:
            return text.str.to_datetime(format=fmt, strict=True, time_unit="us").alias("date_time")
        except (pl.exceptions.PolarsError, ValueError):
            continue
    notes.append(f"'{label}' holds no dates this reader understands; left out")
    return None


def _kind_codes(names: pl.Series) -> np.ndarray:
    """Step-kind codes from Neware step names (unknown names -> 'unknown')."""
    uniq = names.unique().drop_nulls().to_list()
    mapping = {
        n: _steps.KIND_CODE[STEP_KINDS_BY_NAME.get(_name_key(str(n)), "unknown")] for n in uniq
    }
    return (
        names.replace_strict(mapping, default=_steps.KIND_CODE["unknown"], return_dtype=pl.UInt8)
        .to_numpy()
        .astype(np.uint8, copy=False)
    )


def _running_step(
    cycle: np.ndarray | None,
    step_index: np.ndarray | None,
    step_time: np.ndarray | None,
    step_type: pl.Series | None,
) -> np.ndarray | None:
    """1-based running step number: +1 where the cycle, program step or step type changes or
    the step time goes back."""
    parts = [a for a in (cycle, step_index) if a is not None]
    if not parts and step_time is None:
        return None
    n = (parts[0] if parts else step_time).size  # type: ignore[union-attr]
    new = np.zeros(n, dtype=bool)
    if n:
        new[0] = True
    for a in parts:
        new[1:] |= a[1:] != a[:-1]
    if step_time is not None:
        new[1:] |= step_time[1:] < step_time[:-1]
    if step_type is not None:
        codes = step_type.cast(pl.Categorical).to_physical().to_numpy()
        new[1:] |= codes[1:] != codes[:-1]
    return np.cumsum(new, dtype=np.int32)


def _total_from_steps(step_time: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Test time as the step times laid end to end (each step starts where the longest step
    time of the steps before it add up to)."""
    n = step_time.size
    starts = np.concatenate(([0], np.flatnonzero(np.diff(step)) + 1)) if n else np.zeros(0, int)
    if not n:
        return step_time
    longest = np.maximum.reduceat(np.nan_to_num(step_time), starts)
    before = np.concatenate(([0.0], np.cumsum(longest[:-1])))
    return step_time + np.repeat(before, np.diff(np.append(starts, n)))


def _to_celldata(path: Path, fmt: str, frame: pl.DataFrame, info: dict[str, Any]) -> CellData:
    notes: list[str] = []
    n = frame.height
    if n == 0:
        raise FileFormatError(path, fmt, "the export holds no data rows")
    out: dict[str, Any] = {}
    labels_used: dict[str, str] = {}
    per_mass: dict[str, pl.Series] = {}
    dropped: list[str] = []
    for label in frame.columns:
        role = _role(label)
        series = frame.get_column(label)
        if role is None:
            if series.null_count() == n:
                dropped.append(label)
                continue
            clean = re.sub(r"\W+", "_", label).strip("_").lower() or "column"
            if series.dtype == pl.String:
                number = series.cast(pl.Float64, strict=False)
                if number.null_count() == series.null_count():
                    series = number
            warnings.warn(
                f"{path.name}: column '{label}' is not a known BTSDA column; kept as '{clean}' "
                "as written",
                UnknownColumnWarning,
                stacklevel=4,
            )
            out.setdefault(clean, series.alias(clean))
            continue
        name, kind, unit = role
        if kind == "per_mass":
            per_mass[label] = series
            dropped.append(label)
            continue
        if name in out:  # a second column for the same quantity
            if kind == "temperature" and name == "temperature_K":
                k = 2
                while f"aux_temperature_{k}_K" in out:
                    k += 1
                name = f"aux_temperature_{k}_K"
            else:
                dropped.append(label)
                continue
        labels_used[name] = label
        if kind == "int":
            out[name] = series.cast(pl.Float64, strict=False).cast(pl.Int32, strict=False)
        elif kind == "text":
            out[name] = series.cast(pl.String).str.strip_chars()
        elif kind in ("duration", "total"):
            out[name] = _duration_s(series, unit, label, path, fmt)
        elif kind == "datetime":
            dt = _datetimes(series, label, notes)
            if dt is not None:
                out[name] = dt
        elif kind == "temperature":
            try:
                out[name] = temperature_K(series.cast(pl.Float64, strict=False).to_numpy(), unit)
            except UnitsError as exc:
                raise FileFormatError(path, fmt, f"column '{label}': {exc}") from None
        elif kind == "flag":
            if series.n_unique() <= 1:
                dropped.append(label)
            else:
                out[name] = series
        elif kind == "float":
            out[name] = series.cast(pl.Float64, strict=False).to_numpy()
        else:
            factor = _factor(kind, unit, label, path, fmt)
            values = series.cast(pl.Float64, strict=False).to_numpy()
            out[name] = values * factor if factor != 1.0 else values
    for needed in ("voltage_V", "current_A"):
        if needed not in out:
            raise FileFormatError(
                path, fmt, f"no {needed.split('_')[0]} column among {frame.columns[:12]}"
            )
    if "time_s" not in out and "step_time_s" not in out:
        raise FileFormatError(path, fmt, f"no time column among {frame.columns[:12]}")

    step_type = out.get("step_type")
    cycle = out["cycle"].to_numpy() if "cycle" in out else None
    step_index = out["step_index"].to_numpy() if "step_index" in out else None
    step_time = out.get("step_time_s")
    if "step_numbers" in info:
        step = info["step_numbers"].to_numpy().astype(np.int32)
    else:
        step = _running_step(cycle, step_index, step_time, step_type)
    if "time_s" not in out:
        if step is None:
            step = _running_step(None, None, step_time, None)
        out["time_s"] = _total_from_steps(step_time, step)  # type: ignore[arg-type]
        notes.append("time_s is the step times laid end to end (the export has no total time)")
    if step is not None:
        out["step"] = step

    current = out["current_A"]
    if step_type is not None:
        codes = _kind_codes(step_type)
        discharge = codes == _steps.KIND_CODE["discharge"]
        if discharge.any() and (current[discharge] >= 0).all() and (current[discharge] > 0).any():
            current = np.where(discharge, -np.abs(current), current)
            out["current_A"] = current
            notes.append("the export gives discharge current unsigned; signed from the step type")
        undecided = codes == _steps.KIND_CODE["unknown"]
        if undecided.any() and step is not None:
            codes = codes.copy()
            codes[undecided] = _steps.kinds_from_steps(
                step[undecided],
                np.asarray(out["voltage_V"], dtype=np.float64)[undecided],
                np.asarray(current, dtype=np.float64)[undecided],
            )
        out["step_kind"] = kinds_series(codes)

    _check_values(path, fmt, out)
    mass_kg = _mass_from_per_mass(out, per_mass, labels_used, notes)
    if dropped:
        notes.append(
            "left out: "
            + ", ".join(f"'{d}'" for d in dropped)
            + " (per-mass columns repeat the capacity columns; the rest are empty or constant)"
        )
    start = None
    if "date_time" in out and out["date_time"].dtype == pl.Datetime:
        first = out["date_time"].drop_nulls().head(1).to_list()
        start = first[0] if first else None
    techniques: tuple[str, ...] = ()
    if step_type is not None:
        techniques = tuple(str(t) for t in step_type.unique(maintain_order=True).drop_nulls())
    order = ["time_s", "voltage_V", "current_A", "cycle", "step", "step_kind", "temperature_K"]
    frame_out = pl.DataFrame(
        {k: out[k] for k in [*[c for c in order if c in out], *[c for c in out if c not in order]]}
    )
    meta = Metadata(
        instrument="Neware",
        format="neware-csv",
        format_version=f"BTSDA export, {info['layout']}",
        start_time=start,
        mass_kg=mass_kg,
        techniques=techniques,
        header={"columns": list(frame.columns)},
        notes=tuple(notes),
    )
    return CellData.from_columns(frame_out, meta)


def _check_values(path: Path, fmt: str, out: dict[str, Any]) -> None:
    for name in ("time_s", "voltage_V", "current_A"):
        values = np.asarray(out[name], dtype=np.float64)
        bad = ~np.isfinite(values)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise FileFormatError(
                path,
                fmt,
                f"data row {row + 1} has no valid {name.split('_')[0]} (empty or not a number)",
            )


def _mass_from_per_mass(
    out: dict[str, Any], per_mass: dict[str, pl.Series], labels: dict[str, str], notes: list[str]
) -> float | None:
    """Active mass [kg] = capacity / specific capacity, from the rows where both are large."""
    pairs = {
        "speccap": "step_capacity_C",
        "chgspeccap": "step_charge_capacity_C",
        "dchgspeccap": "step_discharge_capacity_C",
        "capacitydensity": "step_capacity_C",
    }
    for label, series in per_mass.items():
        key, unit = _label_key(label)
        column = pairs.get(key)
        if column is None or column not in out:
            continue
        spec = series.cast(pl.Float64, strict=False).to_numpy()
        cap = np.asarray(out[column], dtype=np.float64)
        spec_factor = _pint_factor(unit or "mAh/g", "C/kg")
        if spec_factor is None:
            continue
        spec_si = spec * spec_factor
        ok = np.isfinite(spec_si) & np.isfinite(cap) & (spec_si > 0)
        if not ok.any():
            continue
        big = ok & (spec_si >= 0.5 * spec_si[ok].max())
        mass = float(np.median(np.abs(cap[big]) / spec_si[big]))
        if mass > 0 and np.isfinite(mass):
            notes.append(
                f"active mass {mass * 1e6:.4g} mg from '{labels.get(column, column)}' / '{label}'"
            )
            return mass
    return None
