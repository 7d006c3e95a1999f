"""BioLogic EC-Lab / BT-Lab text export (``.mpt``).

Three shapes, all tab-separated, LF or CRLF line ends, decimal points or decimal commas
(EC-Lab writes numbers in the Windows locale: ``3,4228721E+000`` in French):

* full header: ``EC-Lab ASCII FILE``, ``Nb header lines : N``, the technique's title, the
  settings (``Electrode surface area : 1,767 cm²`` ...), the technique's parameter table,
  ``Loop k from point number a to b`` lines; the column labels are line N;
* minimal header (``Nb header lines : 3``): the labels are line 3;
* header-less: the file starts with the column-label line.

Labels are EC-Lab's (``time/s``, ``Ewe/V``, ``<I>/mA`` ...); they are turned into the package's
SI columns by the same code as the .mpr reader (:mod:`lithiophile.io.biologic_columns`), so an
.mpt and the .mpr it was exported from give the same data.

Sign convention: as written (EC-Lab counts oxidation at the working electrode as positive
current, the package's convention; see :mod:`lithiophile.io.biologic_mpr`).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, UnitsError
from lithiophile.io.biologic_columns import (
    COLUMN_IDS,
    FLAG_IDS,
    TECHNIQUE_NAMES,
    is_placeholder,
    read_parsed,
)
from lithiophile.io.celldata import CellData, ImpedanceData, Provenance
from lithiophile.io.label_check import missing_label_position, name_missing
from lithiophile.io.table import unique_labels
from lithiophile.io.text import decode, looks_binary
from lithiophile.io.textblock import read_csv_or_fail
from lithiophile.units import to_si

__all__ = ["FMT", "parse", "read", "sniff"]

FMT = "BioLogic .mpt"
_FIRST_LINES = ("EC-Lab ASCII FILE", "BT-Lab ASCII FILE")
_NB_HEADER = re.compile(rb"^\s*Nb header lines\s*:\s*(\d+)\s*$")
#: Labels that only the text export has (derived by EC-Lab on export). [T] the twins' label lines.
_EXPORT_LABELS = frozenset(
    {
        "<I>/mA",
        "<Ewe/V>",
        "cycle number",
        "control/V",
        "control/mA",
        "step time/s",
        "x",
        "Q discharge/mA.h",
        "Q charge/mA.h",
        "Capacity/mA.h",
        "Efficiency/%",
        "Ewe-Ece/V",
        "Pwe/W",
        "Re(Y)/Ohm-1",
        "Im(Y)/Ohm-1",
        "|Y|/Ohm-1",
        "Phase(Y)/deg",
        "Ecell/V",
        "Rwe/Ohm",
    }
)
_KNOWN_LABELS = (
    frozenset([lab for lab, _ in COLUMN_IDS.values()] + [lab for lab, _ in FLAG_IDS.values()])
    | _EXPORT_LABELS
)
_LOOP = re.compile(r"^Loop\s+\d+\s+from point number\s+(\d+)\s+to\s+(\d+)", re.IGNORECASE)
_KEY_VALUE = re.compile(r"^\s*(?P<key>[^:]*?[^\s:])\s+:\s*(?P<value>.*?)\s*$")
_PARAM_WIDTH = 20  # EC-Lab pads parameter names and values to 20 characters ([T] the twins)


def _first_line(head: bytes) -> bytes:
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    end = head.find(b"\n")
    return (head if end < 0 else head[:end]).rstrip(b"\r")


def _label_score(line: str) -> int:
    labels = [f.strip() for f in line.split("\t") if f.strip()]
    return sum(lab in _KNOWN_LABELS for lab in labels)


def sniff(head: bytes, path: Path) -> int:
    """100 for an EC-Lab/BT-Lab text export; 70 for a header-less one (the first line is a
    tab-separated list of EC-Lab labels, with time/s or freq/Hz among them)."""
    if looks_binary(head):
        return 0
    first = _first_line(head).decode("latin-1").strip()
    if first in _FIRST_LINES:
        return 100
    if "\t" in first and ("time/s" in first or "freq/Hz" in first) and _label_score(first) >= 2:
        return 70
    return 0


def _lines_until(data: bytes, count: int) -> tuple[list[bytes], list[int]]:
    """The first ``count`` lines (without line ends) and the byte offset where each starts;
    fewer if the file has fewer."""
    lines: list[bytes] = []
    starts: list[int] = []
    pos = 0
    size = len(data)
    while len(lines) < count and pos < size:
        end = data.find(b"\n", pos)
        stop = size if end < 0 else end
        starts.append(pos)
        lines.append(data[pos:stop].rstrip(b"\r"))
        pos = stop + 1
    starts.append(min(pos, size))
    return lines, starts


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


def _quantity(text: str, si_unit: str) -> float | None:
    """``"1,767 cm²"`` -> value in ``si_unit``; None for EC-Lab's 0.001 placeholder or junk."""
    m = re.match(r"^\s*([-+0-9.,Ee]+)\s*(.*)$", text)
    if not m:
        return None
    value = _number(m.group(1))
    if value is None or is_placeholder(value):
        return None
    unit = m.group(2).strip().replace("²", "^2").replace("³", "^3")
    try:
        return to_si(f"{value} {unit}", si_unit) if unit else None
    except UnitsError:
        return None


def _parse_header(lines: list[str], info: dict[str, Any], notes: list[str]) -> None:
    header: dict[str, Any] = info["header"]
    params: dict[str, list[str]] = {}
    loops: list[int] = []
    techniques: list[str] = []
    for line in lines[2:]:
        text = line.strip()
        if not text:
            continue
        short = TECHNIQUE_NAMES.get(text.lower())
        if short:
            techniques.append(short)
            header.setdefault("technique_titles", []).append(text)
            continue
        m = _LOOP.match(text)
        if m:
            loops.append(int(m.group(1)))
            continue
        kv = _KEY_VALUE.match(line)
        if kv and " : " in line:
            key, value = kv.group("key"), kv.group("value")
            header[key] = value
            continue
        if len(line) > _PARAM_WIDTH and line[:_PARAM_WIDTH].strip() and "  " in line:
            name = line[:_PARAM_WIDTH].strip()
            rest = line[_PARAM_WIDTH:]
            cells = [rest[k : k + _PARAM_WIDTH].strip() for k in range(0, len(rest), _PARAM_WIDTH)]
            params[name] = cells
            continue
        header.setdefault("lines", []).append(text)
    if params:
        header["parameters"] = params
    if techniques:
        info["techniques"] = tuple(techniques)
    if loops:
        info["loop_starts"] = loops
    started = header.get("Acquisition started on")
    if started:
        for fmt in ("%m/%d/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M:%S"):
            try:  # EC-Lab writes month/day/year ([T] = the .mpr's log date in every twin)
                info["start_time"] = datetime.strptime(started, fmt)
                break
            except ValueError:
                continue
        else:
            notes.append(f"acquisition start {started!r} not understood")
    area = header.get("Electrode surface area")
    if area:
        info["area_m2"] = _quantity(area, "m^2")
    for key in ("Characteristic mass", "Mass of active material"):
        if header.get(key):
            mass = _quantity(header[key], "kg")
            if mass is not None:
                info["mass_kg"] = mass
                break
    for line in lines[2:]:
        m = re.match(r"^(EC|BT)-Lab for windows v(\S+)\s*\(software\)", line.strip(), re.IGNORECASE)
        if m:
            info["ec_lab_version"] = m.group(2)
            break


def _header(
    name: str | Path, data: bytes, info: dict[str, Any], notes: list[str]
) -> tuple[bytes, int, int]:
    """The header (full, or none: a header-less export) parsed into ``info``; returns the
    column-label line, the byte where the rows start and the label line's number."""
    first = _first_line(data).decode("latin-1").strip()
    if first not in _FIRST_LINES:
        if _label_score(first) < 2:
            raise FileFormatError(
                name,
                FMT,
                f"line 1 is neither 'EC-Lab ASCII FILE' nor a line of EC-Lab column "
                f"labels: {first[:60]!r}",
            )
        lines, starts = _lines_until(data, 1)
        info["header_lines"] = 0
        notes.append("header-less export: no settings, technique or start time stated")
        return lines[0], starts[1], 1
    two, _ = _lines_until(data, 2)
    m = _NB_HEADER.match(two[1]) if len(two) > 1 else None
    if not m:
        got = two[1][:60] if len(two) > 1 else b"nothing"
        raise FileFormatError(name, FMT, f"line 2 should be 'Nb header lines : N', got {got!r}")
    nb = int(m.group(1))
    if not 2 <= nb <= 100_000:
        raise FileFormatError(name, FMT, f"line 2 declares {nb} header lines")
    lines, starts = _lines_until(data, nb)
    if len(lines) < nb:
        raise FileFormatError(
            name,
            FMT,
            f"line 2 declares {nb} header lines but the file has only "
            f"{len(lines)} lines (file truncated?)",
        )
    _parse_header([decode(x) for x in lines[: nb - 1]], info, notes)
    info["header_lines"] = nb
    return lines[nb - 1], starts[nb], nb


def parse(
    source: str | Path | bytes | bytearray | memoryview,
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Parse an .mpt into its columns (EC-Lab labels, EC-Lab units) and header information.

    Returns
    -------
    columns
        Label -> float64 array (counters such as ``Ns`` included, as floats).
    info
        ``n_points``, ``labels``, ``header_lines``, ``decimal_comma``, ``format_version``,
        ``techniques``, ``start_time``, ``area_m2`` [m^2], ``mass_kg`` [kg], ``loop_starts``,
        ``header`` (every ``key : value`` line and the parameter table) and ``notes``.

    Raises
    ------
    FileFormatError
        Naming the line that is wrong.
    """
    name: str | Path
    if isinstance(source, bytes | bytearray | memoryview):
        data, name = bytes(source), "<bytes>"
    else:
        path = Path(source)
        name = path
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FileFormatError(path, FMT, f"cannot open it ({exc.strerror})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise FileFormatError(name, FMT, "the file is empty")
    if looks_binary(data[:65536]):
        raise FileFormatError(name, FMT, "the file is binary, not an EC-Lab text export")
    notes: list[str] = []
    info: dict[str, Any] = {
        "techniques": (),
        "start_time": None,
        "area_m2": None,
        "mass_kg": None,
        "loop_starts": None,
        "header": {},
        "notes": notes,
        "ec_lab_version": None,
    }
    label_line, body_at, label_no = _header(name, data, info, notes)
    labels = [f.strip() for f in decode(label_line).split("\t")]
    while labels and not labels[-1]:
        labels.pop()  # EC-Lab ends every line with a tab
    if not labels:
        raise FileFormatError(name, FMT, f"line {label_no} (column labels) is empty")
    labels = unique_labels([lab or f"column_{k + 1}" for k, lab in enumerate(labels)])
    columns, n, decimal_comma, repairs = _table(name, data[body_at:], labels, label_no + 1)
    labels = list(columns)
    info["provenance"] = repairs
    info.update(
        n_points=n,
        labels=labels,
        decimal_comma=decimal_comma,
        format_version=(
            f"EC-Lab {info['ec_lab_version']} text export"
            if info["ec_lab_version"]
            else "EC-Lab text export"
        ),
    )
    return columns, info


def _table(
    name: str | Path, body: bytes, labels: list[str], first_line: int
) -> tuple[dict[str, np.ndarray], int, bool, list[Provenance]]:
    width = len(labels)
    end = body.find(b"\n")
    sample = (body if end < 0 else body[:end]).rstrip(b"\r")
    if not sample.strip():
        return {lab: np.zeros(0) for lab in labels}, 0, False, []
    fields = sample.split(b"\t")
    decimal_comma = b"," in sample
    names = list(labels) + [f"__pad{k}" for k in range(max(0, len(fields) - width))]
    if not body.endswith(b"\n"):
        # the last line has no line end: it must still have all its fields (EC-Lab ends each
        # line with a tab), else the file was cut in the middle of a row
        last_start = body.rfind(b"\n") + 1
        last = body[last_start:].rstrip(b"\r").split(b"\t")
        if len(last) < len(fields):
            line_no = first_line + body.count(b"\n")
            raise FileFormatError(
                name,
                FMT,
                f"line {line_no} has {len(last)} fields, the first data line "
                f"{len(fields)} (file truncated?)",
            )
    frame = read_csv_or_fail(
        name,
        FMT,
        first_line,
        body,
        has_header=False,
        new_columns=names,
        separator="\t",
        decimal_comma=decimal_comma,
        schema_overrides={n: pl.Float64 for n in labels},
        infer_schema_length=0,
        truncate_ragged_lines=False,
    )
    frame, labels, repairs = _match_labels(name, frame, labels, decimal_comma, first_line)
    frame = frame.select(labels)
    if frame.null_count().sum_horizontal().item():
        row = int(frame.select(pl.any_horizontal(pl.all().is_null()).arg_max()).item())
        bad = [lab for lab, v in zip(labels, frame.row(row), strict=True) if v is None]
        raise FileFormatError(
            name,
            FMT,
            f"line {first_line + row} has no value for {bad[:5]} (short line: file "
            "truncated or edited?)",
        )
    columns = {lab: frame.get_column(lab).to_numpy() for lab in labels}
    return columns, frame.height, decimal_comma, repairs


def _match_labels(
    name: str | Path, frame: pl.DataFrame, labels: list[str], comma: bool, first_line: int
) -> tuple[pl.DataFrame, list[str], list[Provenance]]:
    """The table and its labels: as written when the rows hold as many values as the header
    names; with the one missing label placed where every known label then fits its
    column (see :mod:`lithiophile.io.label_check`), reported as a repair; else an error."""
    pads = [
        c
        for c in frame.columns
        if c.startswith("__pad") and frame.get_column(c).str.strip_chars().ne("").any()
    ]
    if not pads:
        return frame, labels, []
    numbers = []
    for c in [*labels, *pads]:
        col = frame.get_column(c)
        if col.dtype == pl.String:
            col = (col.str.replace(",", ".") if comma else col).cast(pl.Float64, strict=False)
        numbers.append(col.to_numpy().astype(np.float64))
    where = f"line {first_line - 1} names {len(labels)} columns, line {first_line} holds " + str(
        len(labels) + len(pads)
    )
    pos = missing_label_position(labels, numbers) if len(pads) == 1 else None
    if pos is None:
        raise FileFormatError(
            name,
            FMT,
            f"{where} values and the labels cannot be matched to the columns from what the "
            "columns contain (which label is missing?); re-export the file from EC-Lab",
        )
    found = name_missing(labels, numbers, pos)
    fixed = [*labels[:pos], found or f"column_{pos + 1} (unlabelled)", *labels[pos:]]
    values = numbers  # in the order of the row: the labelled fields, then the extra one
    table = pl.DataFrame({lab: vals for lab, vals in zip(fixed, values, strict=True)})
    after = labels[pos] if pos < len(labels) else "the end"
    return (
        table,
        fixed,
        [
            Provenance(
                "repair",
                f"the header names one column fewer than the rows hold; the missing label was "
                f"placed before {after!r}, the only place where every recognised label fits its "
                f"column (time non-decreasing, frequencies positive, flags 0/1 ...); the "
                f"unlabelled column is kept as {fixed[pos]!r}",
                where,
                "labels-realigned",
            )
        ],
    )


def read(path: Path, *, kind: str | None = None, **_: Any) -> CellData | ImpedanceData:
    """Read an .mpt into CellData (GCPL, CP, OCV, MB ...) or ImpedanceData (PEIS, GEIS).

    Parameters
    ----------
    path
        The file (only read).
    kind
        ``"cell"`` or ``"impedance"`` to force the result type (default: the technique named
        in the header; without a header, impedance when the file has frequency and Z columns
        and no control-mode column).
    """
    columns, info = parse(path)
    own = {
        "labels": info["labels"],
        "header_lines": info["header_lines"],
        "decimal_comma": info["decimal_comma"],
        "loop_starts": info["loop_starts"],
    }
    return read_parsed(
        columns, info, path=path, fmt=FMT, format_name="biologic-mpt", header=own, kind=kind
    )
