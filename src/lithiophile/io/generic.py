"""Generic CSV/XLSX tables: time, voltage and current found by name or given by a mapping.

``--map "time=Time(s),voltage=Ewe/V,current=I/mA"`` names the columns; units come from the
labels ("I/mA", "Current(mA)", "Voltage [V]", "Test Time / s"); a label without a unit is
taken as SI and the reader says so in the metadata notes. Without a mapping, columns called
time/t/test time, voltage/potential/Ewe/E/V, current/I are recognised.

Sign: the current is taken as written; it must already follow the package's convention
(reduction at the working electrode negative). Pass ``current_sign=-1`` otherwise.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from lithiophile.errors import FileFormatError, InputError
from lithiophile.io.celldata import CellData, Metadata
from lithiophile.io.table import (
    ROLES,
    column_by_role,
    read_xlsx,
    rows_to_frame,
    table_to_celldata,
    unique_labels,
)
from lithiophile.io.text import decode, guess_separator, looks_binary, parse_label
from lithiophile.io.textblock import read_csv_or_fail

FMT = "a generic CSV/XLSX table"

#: Column names (without units) by role, in order of preference: the generic spellings, then
#: those the exports of instruments without a dedicated reader write (the vendor in the
#: comment; names from each program's export as its manual shows it). Units are read from the
#: labels ("Time (s)", "Potential/V", "U[V]", "WE(1).Current (A)").
CANDIDATES: dict[str, tuple[str, ...]] = {
    "time": (
        "time", "test time", "total time", "elapsed time", "t", "time_s", "testtime",
        "run time",  # Novonix ("Run Time (h)")
        "~time", "time[h]",  # BaSyTec ("~Time[h]")
        "prog time", "program time",  # Digatron
        "elapsed time", "time elapsed",  # Squidstat ("Elapsed Time (s)")
        "time/sec",  # CH Instruments
        "corrected time",  # Autolab NOVA ("Corrected time (s)")
    ),
    "voltage": (
        "voltage", "potential", "ewe", "e", "v", "cell voltage", "voltage_v", "ecell",
        "u",  # BaSyTec ("U[V]")
        "working electrode",  # Squidstat ("Working Electrode (V)")
        "we(1)potential",  # Autolab NOVA ("WE(1).Potential (V)")
        "e /v", "e/v",  # Ivium
    ),
    "current": (
        "current", "i", "current_a", "cell current",
        "we(1)current",  # Autolab NOVA ("WE(1).Current (A)")
    ),
    "cycle": ("cycle", "cycle number", "cycle index", "cycle count", "cyc#"),
    "step": ("step", "step number", "step index", "step count", "line"),
    "temperature": ("temperature", "temp", "t1"),
}  # fmt: skip

_XLSX_MAGIC = b"PK\x03\x04"


def parse_map(text: str) -> dict[str, str]:
    """Parse ``"time=Time(s),voltage=Ewe/V"`` into a role -> label dict.

    Raises
    ------
    InputError
        For entries without '=' or roles other than those of :data:`ROLES`.
    """
    out: dict[str, str] = {}
    for part in re.split(r",(?=\s*\w+\s*=)", text.strip()):
        if not part.strip():
            continue
        if "=" not in part:
            raise InputError(
                f"the column map must be 'role=label' pairs separated by commas, such as "
                f'"time=Time(s),voltage=Ewe/V,current=I/mA". Got the entry {part!r}.'
            )
        role, label = (s.strip() for s in part.split("=", 1))
        if role not in ROLES:
            raise InputError(
                f"unknown role {role!r} in the column map; roles are {', '.join(ROLES)}."
            )
        out[role] = label
    return out


def _header_line(lines: list[str]) -> int | None:
    """Index of the header: the first line of labels followed by a line of values only."""
    for k, line in enumerate(lines[:200]):
        if not line.strip() or k + 1 >= len(lines):
            continue
        nxt = lines[k + 1]
        sep = guess_separator([line, nxt])
        fields = [f.strip().strip('"') for f in nxt.split(sep)]
        labels = [f.strip().strip('"') for f in line.split(sep) if f.strip()]
        if (
            len(fields) >= 2
            and len(labels) >= 2
            and all(_is_value(f) for f in fields if f)
            and not any(_is_value(f) for f in labels)
        ):
            return k
    return None


_VALUE = re.compile(
    r"^[-+]?(\d+[.,]?\d*|[.,]\d+)([eE][-+]?\d+)?$"  # number, decimal point or comma
    r"|^(\d+\s*d(ays?)?[\s,-]*)?\d+:\d{1,2}:\d{1,2}([.,]\d*)?$"  # clock time
    r"|^\d{4}[-/]\d{1,2}[-/]\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}([.,]\d*)?)?)?$"  # date [time]
)


def _is_value(text: str) -> bool:
    return bool(_VALUE.match(text.strip()))


def sniff(head: bytes, path: Path) -> int:
    if head.startswith(_XLSX_MAGIC):
        return 1  # any xlsx might be a table; specific readers score higher
    if looks_binary(head):
        return 0
    lines = decode(head).splitlines()[:50]
    k = _header_line(lines)
    if k is None:
        return 0
    sep = guess_separator(lines[k : k + 2])
    labels = [f.strip().strip('"') for f in lines[k].split(sep)]
    roles = column_by_role(labels, CANDIDATES)
    if {"time", "voltage", "current"} <= roles.keys():
        return 10
    return 5 if {"time", "voltage"} <= roles.keys() else 0  # a voltage-only export


def columns_from_csv(path: Path, head: bytes, fmt: str = FMT) -> dict[str, Any]:
    """The columns of a delimited text table as numpy arrays (numbers) or polars Series.

    Only the head of the file is decoded to find the header line, separator and decimal mark;
    polars parses the rest straight from the file. Columns are handed over one at a time so
    that a 10-million-row file never holds two copies of every column at once.
    """
    text_head = decode(head)
    lines = text_head.splitlines()
    if len(head) == 65536 and lines:
        lines = lines[:-1]  # the last line of a cut head may be partial
    k = _header_line(lines)
    if k is None:
        raise FileFormatError(
            path, fmt, "no header line followed by numeric rows in the first 200 lines"
        )
    sep = guess_separator(lines[k : k + 20])
    sample = lines[k + 1 : k + 20]
    decimal_comma = sep != "," and any(re.search(r"\d,\d", s) for s in sample)
    header = unique_labels([f.strip().strip('"') for f in lines[k].split(sep)])
    utf8 = not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if utf8:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            utf8 = exc.start > len(head) - 4  # a multi-byte character cut by the head
    source: Any = path
    if not utf8:  # UTF-16 or a Windows code page: re-encode (such files are small)
        source = io.BytesIO(decode(path.read_bytes()).encode("utf-8"))
    skip = k + 1  # the header line is replaced by our own decoded labels
    frame = read_csv_or_fail(
        path,
        fmt,
        k + 2,
        source,
        skip_rows=skip,
        has_header=False,
        new_columns=header,
        separator=sep,
        decimal_comma=decimal_comma,
        infer_schema_length=10_000,
        truncate_ragged_lines=True,
    )
    columns: dict[str, Any] = {}
    for name in list(frame.columns):
        series = frame.get_column(name)
        frame = frame.drop(name)
        columns[name] = (
            series.to_numpy() if series.dtype.is_float() and not series.has_nulls() else series
        )
        del series
    return columns


def read(
    path: Path,
    *,
    column_map: dict[str, str] | str | None = None,
    sheet: str | None = None,
    current_sign: float = 1.0,
    **_: Any,
) -> CellData:
    """Read a table with time, voltage and current columns (see module docstring)."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    frame: dict[str, Any]
    if head.startswith(_XLSX_MAGIC):
        sheets = read_xlsx(path, FMT)
        if sheet is not None and sheet not in sheets:
            raise InputError(f"no sheet {sheet!r} in '{path}'; sheets are {list(sheets)}.")
        name = sheet or max(sheets, key=lambda s: len(sheets[s]))
        table = rows_to_frame(sheets[name], 0, path, FMT)
        frame = {c: table.get_column(c) for c in table.columns}
        del table
    else:
        if looks_binary(head):
            raise FileFormatError(path, FMT, "the file is binary, not a text table")
        frame = columns_from_csv(path, head)
    mapping = parse_map(column_map) if isinstance(column_map, str) else dict(column_map or {})
    notes: list[str] = []
    if not mapping:
        mapping = column_by_role(list(frame), CANDIDATES)
        notes.append(
            "no column map given: columns recognised by name from the dictionary of export "
            f"labels (lithiophile.io.generic.CANDIDATES): {mapping}"
        )
    for role, label in mapping.items():
        if label not in frame:
            raise InputError(
                f"the column map names {label!r} for {role}, but '{path}' has no such column; "
                f"its columns are {list(frame)}."
            )
        if role not in ("cycle", "step") and parse_label(label)[1] is None:
            notes.append(f"column {label!r} ({role}) has no unit in its label: taken as SI")
    meta = Metadata(format="generic-csv", notes=tuple(notes))
    return table_to_celldata(
        frame, mapping, path=path, fmt=FMT, meta=meta, current_sign=current_sign
    )
