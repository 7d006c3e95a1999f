"""From a parsed table of an export (columns with labels and units) to CellData.

Shared by the readers of tabular exports (generic CSV/XLSX, Arbin, Neware BTSDA, LAND,
Maccor): each knows which of its labels is time, voltage, current ...; this module converts
units, parses clock-style times, and builds the canonical frame.
"""

from __future__ import annotations

import html
import re
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, InputError, UnitsError
from lithiophile.io.celldata import CURRENT, TIME, CellData, Metadata, Provenance
from lithiophile.io.text import parse_label
from lithiophile.units import factor_to_si

__all__ = [
    "ROLES",
    "column_by_role",
    "read_xlsx",
    "rows_to_frame",
    "seconds",
    "table_to_celldata",
    "temperature_K",
    "unique_labels",
]

#: role -> (canonical column, SI unit or None for counters)
ROLES: dict[str, tuple[str, str | None]] = {
    "time": ("time_s", "s"),
    "voltage": ("voltage_V", "V"),
    "current": ("current_A", "A"),
    "charge": ("charge_C", "C"),
    "cycle": ("cycle", None),
    "step": ("step", None),
    "temperature": ("temperature_K", "K"),
}

# "h:mm:ss[.f]", "1 d 02:03:04", "1 day, 02:03:04" and LANHE's "1-02:03:04"
_CLOCK = re.compile(
    r"^\s*(?:(?P<d>\d+)\s*(?:d|day|days|-)[\s,-]*)?(?P<h>\d+):(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:[.,]\d*)?)\s*$"
)


def seconds(series: pl.Series, *, unit: str | None, path: Path, fmt: str) -> np.ndarray:
    """A time column in seconds from the start of its clock.

    Numbers are scaled by ``unit`` (default s); clock strings ``[d ]h:mm:ss[.f]`` become
    seconds; date-time strings become seconds since the first one.
    """
    if series.dtype.is_numeric():
        factor = factor_to_si(unit, "s") if unit else 1.0
        values = series.cast(pl.Float64).to_numpy()
        return values if factor == 1.0 else values * factor
    if series.dtype in (pl.Datetime, pl.Date):
        ts = series.cast(pl.Datetime("us")).dt.epoch("us").cast(pl.Float64).to_numpy() / 1e6
        return ts - ts[0] if ts.size else ts
    text = series.cast(pl.String).str.strip_chars()
    parts = text.str.extract_groups(_CLOCK.pattern)
    if parts.struct.field("h").null_count() == 0:
        d = parts.struct.field("d").cast(pl.Float64).fill_null(0.0)
        h = parts.struct.field("h").cast(pl.Float64)
        m = parts.struct.field("m").cast(pl.Float64)
        s = parts.struct.field("s").str.replace(",", ".").cast(pl.Float64)
        return ((d * 86400.0) + h * 3600.0 + m * 60.0 + s).to_numpy()
    try:
        stamps = text.str.to_datetime(strict=True, time_unit="us")
    except pl.exceptions.PolarsError:
        bad = text.head(3).to_list()
        raise FileFormatError(
            path,
            fmt,
            f"time column '{series.name}' holds neither numbers, clock times nor dates "
            f"(e.g. {bad})",
        ) from None
    ts = stamps.dt.epoch("us").cast(pl.Float64).to_numpy() / 1e6
    return ts - ts[0] if ts.size else ts


def temperature_K(values: np.ndarray, unit: str | None) -> np.ndarray:
    """Temperatures in kelvin from a column in degC (the default for cyclers), K or degF."""
    u = (unit or "degC").strip().replace("°", "").replace("℃", "c").lower()
    if u in ("c", "degc", "celsius", "deg c", "oc"):
        return values + 273.15
    if u in ("k", "kelvin"):
        return values
    if u in ("f", "degf"):
        return (values - 32.0) * 5.0 / 9.0 + 273.15
    raise UnitsError(f"temperature unit '{unit}' not understood (expected degC, K or degF)")


def column_by_role(labels: list[str], candidates: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Map roles to labels by the labels' names (case- and punctuation-insensitive).

    ``candidates`` gives, per role, name spellings in order of preference (without units).
    """
    norm = {re.sub(r"[\s_\-.]", "", parse_label(lab)[0]).lower(): lab for lab in labels}
    out: dict[str, str] = {}
    for role, names in candidates.items():
        for name in names:
            key = re.sub(r"[\s_\-.]", "", name).lower()
            if key in norm:
                out[role] = norm[key]
                break
    return out


def _float_array(column: Any) -> np.ndarray:
    if isinstance(column, np.ndarray):
        return column if column.dtype == np.float64 else column.astype(np.float64)
    return column.cast(pl.Float64, strict=False).to_numpy()


def _role_column(
    role: str,
    label: str,
    column: Any,
    units: Mapping[str, str | None],
    current_sign: float | np.ndarray,
    *,
    path: Path,
    fmt: str,
) -> Any:
    """One mapped column in SI: seconds, integer counters, kelvin, or scaled numbers."""
    _name, si = ROLES[role]
    unit = units[role] if role in units else parse_label(label)[1]
    if role in ("time", "cycle", "step"):
        series = column if isinstance(column, pl.Series) else pl.Series(label, column)
        if role == "time":
            return seconds(series, unit=unit, path=path, fmt=fmt)
        return series.cast(pl.Float64, strict=False).fill_null(0).cast(pl.Int32)
    values = _float_array(column)
    if role == "temperature":
        return temperature_K(values, unit)
    factor: float | np.ndarray = factor_to_si(unit, si) if unit and si else 1.0
    if role == "current":
        factor = factor * current_sign
    if not (np.isscalar(factor) and factor == 1.0):
        values = values * factor
    return values


def table_to_celldata(
    frame: pl.DataFrame | Mapping[str, Any],
    mapping: Mapping[str, str],
    *,
    path: Path,
    fmt: str,
    meta: Metadata,
    units: Mapping[str, str | None] | None = None,
    current_sign: float | np.ndarray = 1.0,
    keep_other: bool = True,
    extra: Mapping[str, Any] | None = None,
) -> CellData:
    """Build CellData from a table and a role -> label mapping.

    Parameters
    ----------
    frame
        A polars DataFrame, or a dict of label -> numpy array / polars Series (what
        :func:`lithiophile.io.generic.columns_from_csv` returns; lets big files avoid copies).
    mapping
        Role (see :data:`ROLES`) -> column label in ``frame``; time and voltage needed; without
        a current, ``current_A`` is NaN (missing) in every row, and the provenance says so.
    units
        Role -> unit, overriding the unit parsed from the label (``None`` = SI).
    current_sign
        Multiplies the current after unit conversion: +1 when the instrument already writes
        reduction as negative, -1 when it writes the opposite, or an array of +-1 per row for
        exports that give an unsigned current and a charge/discharge state.
    keep_other
        Keep the columns not mapped, under their labels.
    extra
        Further canonical columns already computed (e.g. ``step_kind``).
    """
    table: dict[str, Any] = (
        {c: frame.get_column(c) for c in frame.columns}
        if isinstance(frame, pl.DataFrame)
        else dict(frame)
    )
    labels = list(table)
    _check_mapping(mapping, labels, path=path, fmt=fmt)
    try:
        cols = {
            ROLES[role][0]: _role_column(
                role, label, table[label], units or {}, current_sign, path=path, fmt=fmt
            )
            for role, label in mapping.items()
        }
    except UnitsError as exc:
        raise FileFormatError(path, fmt, f"header unit not understood: {exc}") from None
    if "current" not in mapping:  # a voltage-only export: the current is missing, not 0
        cols[CURRENT] = np.full(len(cols[TIME]), np.nan)
        meta = meta.with_provenance(_no_current(labels))
    if extra:
        cols.update(extra)
    if keep_other:
        used = set(mapping.values())
        for label in labels:
            if label not in used and label not in cols:
                cols[label] = table[label]
    del table
    try:
        return CellData.from_columns(cols, meta)
    except InputError as exc:  # the file's content, not the caller, is at fault
        raise FileFormatError(path, fmt, str(exc)) from None


def _check_mapping(mapping: Mapping[str, str], labels: list[str], *, path: Path, fmt: str) -> None:
    """FileFormatError unless time and voltage are mapped and every mapped label exists."""
    for role in ("time", "voltage"):
        if role not in mapping:
            raise FileFormatError(
                path,
                fmt,
                f"no {role} column found among {labels[:12]}"
                + (" ..." if len(labels) > 12 else ""),
            )
    missing = [lab for lab in mapping.values() if lab not in labels]
    if missing:
        raise FileFormatError(path, fmt, f"columns {missing} not in the file (has {labels})")


def _no_current(labels: list[str]) -> Provenance:
    """The provenance entry of a voltage-only export (current_A NaN in every row)."""
    return Provenance(
        "assumption",
        f"no current column found among {labels[:12]}: current_A is missing (NaN) "
        "in every row (a voltage-only export); supply the applied current to "
        "analyse it",
        "",
        "no-current-column",
    )


def read_xlsx(
    path: Path, fmt: str, sheets: Callable[[str], bool] | None = None
) -> dict[str, list[list[Any]]]:
    """Sheets of an .xlsx file as lists of rows (python-calamine).

    ``sheets`` selects sheets by name (e.g. to skip large statistics sheets); default all.
    """
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        return {
            name: book.get_sheet_by_name(name).to_python()
            for name in book.sheet_names
            if sheets is None or sheets(name)
        }
    except Exception as exc:  # calamine raises its own error types for corrupt workbooks
        raise FileFormatError(path, fmt, f"not a readable .xlsx workbook ({exc})") from None


def unique_labels(labels: list[str]) -> list[str]:
    """Labels made unique by appending ``_2``, ``_3`` ... to repeats."""
    seen: dict[str, int] = {}
    out = []
    for lab in labels:
        n = seen.get(lab, 0) + 1
        seen[lab] = n
        out.append(lab if n == 1 else f"{lab}_{n}")
    return out


def rows_to_frame(rows: list[list[Any]], header_row: int, path: Path, fmt: str) -> pl.DataFrame:
    """A frame from spreadsheet rows, taking labels from ``rows[header_row]``."""
    if len(rows) <= header_row:
        raise FileFormatError(path, fmt, f"sheet has no header at row {header_row + 1}")
    labels = unique_labels(
        [
            str(c).strip() if c not in (None, "") else f"column_{i + 1}"
            for i, c in enumerate(rows[header_row])
        ]
    )
    body = rows[header_row + 1 :]
    data: dict[str, list[Any]] = {lab: [] for lab in labels}
    width = len(labels)
    for r in body:
        if not any(c not in (None, "") for c in r):
            continue
        for j in range(width):
            v = r[j] if j < len(r) else None
            data[labels[j]].append(None if v == "" else v)
    try:
        return pl.DataFrame(data, strict=False)
    except (pl.exceptions.PolarsError, TypeError, ValueError) as exc:
        raise FileFormatError(path, fmt, f"sheet table unreadable: {exc}") from None


ZIP_MAGIC = b"PK\x03\x04"  # a zip local file header: .xlsx, .ndax


# XML may spell any character as an entity (openpyxl with lxml writes "&#30005;" for 电):
# both helpers resolve them, so that sniffers compare the labels as written.
def xlsx_sheet_names(workbook_xml: str) -> list[str]:
    """The sheet names in an .xlsx file's ``xl/workbook.xml``."""
    return [
        html.unescape(n)
        for n in re.findall(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"', workbook_xml)
    ]


def xlsx_strings(xml: str) -> list[str]:
    """The text cells of ``xl/sharedStrings.xml`` (Excel) or of a sheet (openpyxl's inline
    strings)."""
    return [html.unescape(t) for t in re.findall(r"<t[^>]*>([^<]*)</t>", xml)]


def zip_member_from_head(head: bytes, wanted: str) -> bytes | None:
    """Uncompressed start of a zip member whose local header lies in ``head`` (or None)."""
    pos = 0
    while True:
        pos = head.find(ZIP_MAGIC, pos)
        if pos < 0 or pos + 30 > len(head):
            return None
        method = int.from_bytes(head[pos + 8 : pos + 10], "little")
        name_len = int.from_bytes(head[pos + 26 : pos + 28], "little")
        extra_len = int.from_bytes(head[pos + 28 : pos + 30], "little")
        name = head[pos + 30 : pos + 30 + name_len].decode("cp437", errors="replace")
        start = pos + 30 + name_len + extra_len
        if name == wanted:
            body = head[start:]
            if method == 0:
                return body
            if method == 8:
                try:
                    return zlib.decompressobj(-15).decompress(body, 1 << 20)
                except zlib.error:
                    return None
            return None
        pos = start
