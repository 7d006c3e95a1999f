"""Arbin MITS Pro result files (``.res``): a Microsoft Access (Jet 3/4) database.

The tables are read with mdbtools' ``mdb-export`` (LGPL/GPL program, run as a separate process
and never linked): ``Channel_Normal_Table`` (one row per logged point), ``Global_Table`` (test
name, channel, start time, schedule, software version, mass), ``Version_Table`` (``Results File
5.26``) and, when they have rows, ``Auxiliary_Table`` + ``Aux_Global_Data_Table`` (auxiliary
voltages and temperatures). ``mdb-count`` first gives the row counts the table definitions
declare (milliseconds); then one mdb-export process per table, all at once; their CSV output
is parsed with polars. mdbtools opens the file read-only.

Install mdbtools with ``apt-get install mdbtools`` (Debian/Ubuntu), ``brew install mdbtools``
(macOS) or ``conda install -c conda-forge mdbtools``.

What is checked, so that a damaged file fails instead of giving a wrong table
-------------------------------------------------------------------------------
* the Jet signature (``Standard Jet DB``) and a size that is a whole number of pages;
* anything mdbtools writes to stderr (unreadable pages, bad row pointers, unknown column
  types) is an error, and the process is stopped at once: on some damaged pages mdb-export
  prints the same warning forever. A process that stays silent for 3 s (a loop in a damaged
  page chain; seen on fuzzed files), runs past ``timeout_s`` or writes far more than the file
  can hold is stopped too. ``mdb-count`` (the catalogue) gets 3 s;
* the number of rows exported must equal the count in the table definition (a damaged data
  page otherwise silently drops its rows);
* every ``Test_ID`` of the data is one ``Global_Table`` lists; ``Data_Point`` unique;
  ``Test_Time`` finite and never decreasing within a test; ``DateTime`` a date (1900..9999);
  current and voltage finite and below 1e5 A / 1e5 V (a corrupted float is usually huge).

What cannot be caught: Jet pages carry no checksum, so a byte changed inside a stored number
gives a different, plausible number (about one in ten random byte flips in the fuzz runs of
the two shared files did this; every other damage gave FileFormatError).

Rows are sorted by ``Test_ID`` and ``Data_Point``: Arbin does not store them in order
(``navani__arbin_example.res`` has one break). Columns, units and the sign convention are those
of :mod:`lithiophile.io.arbin_csv` (Arbin's discharge current is negative = reduction at the
working electrode, kept as written). ``date_time`` and ``start_time`` are OLE Automation dates
in the tester's local time, returned as naive datetimes. ``Global_Table.MASS`` is in g and
``Specific_Capacity`` in A·h/g (cellpy's reading; e.g. 0.00085 g and 3.579 A·h/g for the
Si anode of the cellpy test file).

Auxiliary inputs: ``Data_Type`` 0 is a voltage [V] and 1 a temperature [degC] (the units
``Aux_Global_Data_Table`` records for them); each (type, ``Auxiliary_Index``) becomes a column
``aux_voltage_<index>_V`` / ``aux_temperature_<index>_K`` (index as stored), other types
``aux_type<t>_<index>`` in the unit recorded. The first temperature is also ``temperature_K``.
"""

from __future__ import annotations

import contextlib
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, InputError
from lithiophile.io import mdbtools as mdb
from lithiophile.io.arbin_columns import arbin_metadata, build_celldata
from lithiophile.io.celldata import CellData, Metadata
from lithiophile.io.mdbtools import INSTALL_HINT

__all__ = ["INSTALL_HINT", "read", "sniff"]

FMT = "Arbin .res"
_JET_MAGIC = b"\x00\x01\x00\x00Standard Jet DB\x00"
_NORMAL = "Channel_Normal_Table"
_INT_COLUMNS = frozenset(
    {
        "Test_ID",
        "Data_Point",
        "Step_Index",
        "Cycle_Index",
        "Is_FC_Data",
        "Auxiliary_Index",
        "Data_Type",
        "Channel_Index",
        "Sub_Step_Index",
    }
)
_LIMIT = 1e5  # |current| [A] and |voltage| [V] beyond which a value is a corrupted float
_CATALOG_S = 3.0  # mdb-count reads the catalogue and one table definition: milliseconds


def sniff(head: bytes, path: Path) -> int:
    """98 for a Jet database naming Arbin's tables in its first bytes, 90 for any Jet 3/4 file
    (the only Access databases cyclers write are Arbin's), 0 otherwise."""
    if not head.startswith(_JET_MAGIC):
        return 0
    if "Channel_Normal_Table".encode("utf-16-le") in head or b"Channel_Normal_Table" in head:
        return 98
    return 90


def _csv(path: Path, table: str, raw: bytes, *, text: bool = False) -> pl.DataFrame:
    """Parse mdb-export's CSV: integer and float columns typed, or everything as text."""
    first = raw.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    if not first:
        raise FileFormatError(path, FMT, f"mdb-export gave no header line for {table}")
    labels = [lab.strip('"') for lab in first.split(",")]
    schema: dict[str, Any]
    if text:
        schema = dict.fromkeys(labels, pl.String)
    else:
        schema = {lab: (pl.Int64 if lab in _INT_COLUMNS else pl.Float64) for lab in labels}
    try:
        return pl.read_csv(io.BytesIO(raw), schema=schema, has_header=True)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FileFormatError(
            path, FMT, f"{table} as exported by mdb-export unreadable: {msg}"
        ) from None


# -- metadata ---------------------------------------------------------------------------------
def _ole_to_datetime(days: float) -> datetime | None:
    if not np.isfinite(days) or not 1.0 < days < 2_958_465.0:  # year 1900 .. 9999
        return None
    return datetime(1899, 12, 30) + timedelta(days=days)


def _number(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if np.isfinite(x) else None


def _global(row: dict[str, Any]) -> tuple[dict[str, Any], datetime | None, float | None]:
    """Header dict, start time and mass [kg] from a Global_Table row (text values)."""
    header: dict[str, Any] = {}
    names = {
        "Test_ID": "test_id",
        "Test_Name": "test_name",
        "Channel_Index": "channel_index",
        "Channel_Number": "channel_number",
        "Channel_Type": "channel_type",
        "DAQ_Index": "daq_index",
        "Creator": "creator",
        "Comments": "comments",
        "Schedule_File_Name": "schedule_file_name",
        "Software_Version": "software_version",
        "Serial_Number": "serial_number",
        "Schedule_Version": "schedule_version",
        "Item_ID": "item_id",
        "Applications_Path": "applications_path",
        "Log_Aux_Data_Flag": "log_aux_data",
        "Log_Event_Data_Flag": "log_event_data",
        "Log_ChanStat_Data_Flag": "log_channel_statistics",
        "Log_Smart_Battery_Data_Flag": "log_smart_battery_data",
        "Log_Can_BMS_Data_Flag": "log_can_bms_data",
    }
    for label, key in names.items():
        value = row.get(label)
        if value is None or value == "":
            continue
        if key in ("test_id", "channel_index", "channel_number", "channel_type", "daq_index"):
            with contextlib.suppress(ValueError):
                value = int(value)
        elif key.startswith("log_"):
            value = value not in ("0", "false", "FALSE")
        header[key] = value
    start = _ole_to_datetime(_number(row.get("Start_DateTime")) or float("nan"))
    mass_g = _number(row.get("MASS"))
    mass_kg = mass_g * 1e-3 if mass_g and mass_g > 0 else None
    spec = _number(row.get("Specific_Capacity"))
    if spec and spec > 0:
        header["specific_capacity_C_kg"] = spec * 3600.0 / 1e-3  # A*h/g -> C/kg
    cap = _number(row.get("Capacity"))
    if cap and cap > 0:
        header["capacity_C"] = cap * 3600.0  # A*h -> C
    return header, start, mass_kg


def aux_columns(
    aux: pl.DataFrame, units: dict[tuple[int, int], str], keys: pl.DataFrame
) -> dict[str, np.ndarray]:
    """Auxiliary inputs as SI columns aligned with ``keys`` (Test_ID, Data_Point).

    Parameters
    ----------
    aux
        Auxiliary_Table: Test_ID, Data_Point, Auxiliary_Index, Data_Type, X (+ dX/dt).
    units
        (Data_Type, Auxiliary_Index) -> unit text from Aux_Global_Data_Table.
    keys
        The data points of the main table, in its (sorted) order.

    Examples
    --------
    >>> aux = pl.DataFrame({"Test_ID": [1, 1], "Data_Point": [2, 1], "Auxiliary_Index": [0, 0],
    ...                     "Data_Type": [1, 1], "X": [26.0, 25.0]})
    >>> keys = pl.DataFrame({"Test_ID": [1, 1, 1], "Data_Point": [1, 2, 3]})
    >>> aux_columns(aux, {}, keys)["aux_temperature_0_K"].round(2).tolist()
    [298.15, 299.15, nan]
    """
    out: dict[str, np.ndarray] = {}
    if aux.height == 0:
        return out
    groups = (
        aux.select("Data_Type", "Auxiliary_Index").unique().sort("Data_Type", "Auxiliary_Index")
    )
    for data_type, index in groups.iter_rows():
        part = aux.filter(
            (pl.col("Data_Type") == data_type) & (pl.col("Auxiliary_Index") == index)
        ).unique(subset=["Test_ID", "Data_Point"], keep="last")
        joined = keys.join(
            part.select("Test_ID", "Data_Point", "X"),
            on=["Test_ID", "Data_Point"],
            how="left",
            maintain_order="left",
        )
        x = joined.get_column("X").cast(pl.Float64).fill_null(float("nan")).to_numpy()
        unit = (units.get((data_type, index)) or "").strip()
        if data_type == 1:
            u = unit.replace("°", "").upper() or "C"
            if u == "F":
                values = (x - 32.0) * 5.0 / 9.0 + 273.15
            elif u == "K":
                values = x
            else:
                values = x + 273.15
            out[f"aux_temperature_{index}_K"] = values
        elif data_type == 0:
            scale = 1e-3 if unit == "mV" else 1.0
            out[f"aux_voltage_{index}_V"] = x * scale
        else:
            suffix = "".join(ch for ch in unit if ch.isalnum()) if unit else ""
            out[f"aux_type{data_type}_{index}" + (f"_{suffix}" if suffix else "")] = x
    return out


# -- entry point ------------------------------------------------------------------------------
def _check_signature(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head.startswith(_JET_MAGIC):
        raise FileFormatError(
            path,
            FMT,
            f"not an MS Access (Jet) database: the first bytes are {head[:20]!r}, "
            "expected b'\\x00\\x01\\x00\\x00Standard Jet DB'",
        )
    page = 2048 if head[0x14] == 0 else 4096  # version byte: 0 = Jet 3, 1 = Jet 4
    if size % page:
        raise FileFormatError(
            path,
            FMT,
            f"{size} bytes is not a whole number of {page}-byte database pages "
            f"(file truncated at byte {size}?)",
        )
    if size < 3 * page:
        raise FileFormatError(
            path, FMT, f"only {size} bytes: too short for a database (truncated?)"
        )


def _validate(path: Path, frame: pl.DataFrame) -> None:
    dup = frame.select(pl.struct("Test_ID", "Data_Point").is_duplicated().any()).item()
    if dup:
        raise FileFormatError(path, FMT, "Data_Point values repeat within a test (corrupted file?)")
    t = frame.get_column("Test_Time").to_numpy()
    if not np.isfinite(t).all():
        row = int(np.flatnonzero(~np.isfinite(t))[0])
        raise FileFormatError(
            path, FMT, f"Test_Time is not a number at data point {_dp(frame, row)}"
        )
    same_test = frame.get_column("Test_ID").to_numpy()
    back = np.flatnonzero((np.diff(t) < -1e-6) & (same_test[1:] == same_test[:-1]))
    if back.size:
        k = int(back[0])
        raise FileFormatError(
            path,
            FMT,
            f"Test_Time goes back from {t[k]:g} s to {t[k + 1]:g} s at data point "
            f"{_dp(frame, k + 1)} (corrupted file?)",
        )
    if "DateTime" in frame.columns:  # OLE days; years 1900 .. 9999
        d = frame.get_column("DateTime").to_numpy()
        bad = np.flatnonzero(~np.isfinite(d) | (d < 1.0) | (d > 2_958_465.0))
        if bad.size:
            row = int(bad[0])
            raise FileFormatError(
                path,
                FMT,
                f"DateTime = {d[row]!r} days at data point {_dp(frame, row)} is not a date "
                "(corrupted file?)",
            )
    for label, unit in (("Current", "A"), ("Voltage", "V")):
        x = frame.get_column(label).to_numpy()
        bad = np.flatnonzero(~np.isfinite(x) | (np.abs(x) > _LIMIT))
        if bad.size:
            row = int(bad[0])
            raise FileFormatError(
                path,
                FMT,
                f"{label} = {x[row]!r} {unit} at data point {_dp(frame, row)} is not a "
                "plausible value (corrupted file?)",
            )


def _dp(frame: pl.DataFrame, row: int) -> int:
    return int(frame.get_column("Data_Point")[row])


@dataclass
class Parsed:
    """Stage 1 of reading a .res file: the tables mdbtools exported, not yet converted."""

    frame: pl.DataFrame  # Channel_Normal_Table rows of the test read, by Data_Point
    results: dict[str, tuple[int | None, bytes, str]]  # table -> (exit status, CSV bytes, stderr)
    glob: pl.DataFrame | None  # Global_Table, when readable
    tests: list[Any]  # every Test_ID in the file
    test_id: Any  # the test read
    notes: list[str]


def _declared_rows(path: Path, limit: float) -> tuple[int, bool]:
    """Rows the normal table declares, and whether the auxiliary table has any (mdb-count
    reads the catalogue, which loops silently in some damaged files: it runs first)."""
    count = mdb.tool("mdb-count")
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = [
            pool.submit(mdb.run, [count, str(path), table], min(limit, _CATALOG_S))
            for table in (_NORMAL, "Auxiliary_Table")
        ]
        (c_rc, c_out, c_err), (x_rc, x_out, _x_err) = (f.result() for f in counts)
    if c_rc == 1 and "No table named" in c_err:
        tables = mdb.run([mdb.tool("mdb-tables"), "-1", str(path)], min(limit, _CATALOG_S))[1]
        listed = ", ".join(tables.decode("utf-8", "replace").split()) or "none readable"
        raise FileFormatError(
            path,
            FMT,
            f"an Access database without {_NORMAL}: not an Arbin result file (tables: {listed})",
        )
    try:
        declared = int(c_out.decode().strip())
    except ValueError:
        declared = -1
    if c_rc != 0 or c_err or declared < 0:
        raise FileFormatError(
            path,
            FMT,
            f"mdb-count could not read the table list or {_NORMAL}: "
            f"{mdb.first_lines(c_err) or repr(c_out[:60])} (file truncated or corrupted?)",
        )
    return declared, x_rc == 0 and x_out.strip() not in (b"", b"0")


def _normal_table(
    path: Path, results: dict[str, tuple[int | None, bytes, str]], declared: int
) -> pl.DataFrame:
    rc, raw, err = results[_NORMAL]
    if rc != 0 or err:
        raise FileFormatError(
            path,
            FMT,
            f"mdb-export could not read {_NORMAL}: {mdb.first_lines(err) or f'exit status {rc}'}"
            " (file truncated or corrupted?)",
        )
    frame = _csv(path, _NORMAL, raw)
    if frame.height != declared:
        raise FileFormatError(
            path,
            FMT,
            f"{_NORMAL} declares {declared} rows but {frame.height} were read "
            "(damaged data pages?)",
        )
    if frame.height == 0:
        raise FileFormatError(path, FMT, f"{_NORMAL} has no rows: the test logged no data")
    for col in ("Test_ID", "Data_Point", "Test_Time", "Current", "Voltage"):
        if col not in frame.columns:
            raise FileFormatError(path, FMT, f"{_NORMAL} has no {col} column (has {frame.columns})")
        if col in ("Test_ID", "Data_Point") and frame.get_column(col).null_count():
            row = int(frame.get_column(col).is_null().arg_true()[0])
            raise FileFormatError(path, FMT, f"{col} is empty in row {row + 1} (corrupted file?)")
    return frame


def _pick_test(
    path: Path, frame: pl.DataFrame, glob: pl.DataFrame | None, test_id: Any, notes: list[str]
) -> tuple[list[Any], Any]:
    """Every Test_ID of the file (each must be one Global_Table lists) and the one to read."""
    tests = sorted(frame.get_column("Test_ID").unique().to_list())
    if glob is not None and "Test_ID" in glob.columns:
        known = set(glob.get_column("Test_ID").drop_nulls().to_list())
        stray = [t for t in tests if str(t) not in known]
        if stray and known:
            row = int((frame.get_column("Test_ID") == stray[0]).arg_true()[0])
            raise FileFormatError(
                path,
                FMT,
                f"row {row + 1} of {_NORMAL} belongs to Test_ID {stray[0]}, which Global_Table "
                f"does not list (it lists {sorted(known)}; corrupted file?)",
            )
    if test_id is None:
        test_id = tests[0]
        if len(tests) > 1:
            notes.append(
                f"file holds tests {tests}; read Test_ID {test_id} (choose with test_id=...)"
            )
    elif test_id not in tests:
        raise InputError(f"test_id must be one of the tests in '{path}': {tests}. Got {test_id!r}.")
    return tests, test_id


def parse(path: Path, test_id: int | None = None, timeout_s: float | None = None) -> Parsed:
    """Export the tables with mdbtools and check them (see :func:`read`)."""
    path = Path(path)
    mdb.tool("mdb-export")
    _check_signature(path)
    size_mb = path.stat().st_size / 1e6
    limit = float(timeout_s) if timeout_s is not None else 10.0 + 0.5 * size_mb
    declared, has_aux = _declared_rows(path, limit)
    wanted = [_NORMAL, "Global_Table", "Version_Table"]
    if has_aux:  # exported only when they have rows (most files have none)
        wanted += ["Auxiliary_Table", "Aux_Global_Data_Table"]
    results = mdb.export_all(path, wanted, limit)
    frame = _normal_table(path, results, declared)
    notes: list[str] = []
    glob: pl.DataFrame | None = None
    g_rc, g_raw, g_err = results["Global_Table"]
    if g_rc == 0 and not g_err:
        glob = _csv(path, "Global_Table", g_raw, text=True)
    else:
        notes.append(
            f"Global_Table unreadable ({mdb.first_lines(g_err) or g_rc}): no test metadata"
        )
    tests, test_id = _pick_test(path, frame, glob, test_id, notes)
    frame = frame.filter(pl.col("Test_ID") == test_id).sort("Data_Point")
    _validate(path, frame)
    return Parsed(frame, results, glob, tests, test_id, notes)


def _aux_extra(p: Parsed, path: Path) -> dict[str, np.ndarray]:
    a_rc, a_raw, a_err = p.results.get("Auxiliary_Table", (0, b"", ""))
    if a_rc == 0 and not a_err and a_raw.count(b"\n") > 1:
        aux = _csv(path, "Auxiliary_Table", a_raw)
        units: dict[tuple[int, int], str] = {}
        u_rc, u_raw, u_err = p.results["Aux_Global_Data_Table"]
        if u_rc == 0 and not u_err and u_raw.count(b"\n") > 1:
            ag = _csv(path, "Aux_Global_Data_Table", u_raw, text=True)
            for unit_row in ag.iter_rows(named=True):
                try:
                    key = (int(unit_row["Data_Type"]), int(unit_row["Auxiliary_Index"]))
                    units[key] = unit_row.get("Unit") or ""
                except (TypeError, ValueError):
                    continue
        return aux_columns(aux, units, p.frame.select("Test_ID", "Data_Point"))
    if a_rc != 0 and not mdb.missing_table(a_err):
        p.notes.append(
            f"Auxiliary_Table unreadable ({mdb.first_lines(a_err)}): no auxiliary inputs"
        )
    return {}


def _metadata(p: Parsed, path: Path) -> Metadata:
    """From the small tables: a damaged one is a note, not a failure."""
    header: dict[str, Any] = {}
    start: datetime | None = None
    mass_kg: float | None = None
    version: str | None = None
    if p.glob is not None:
        glob = p.glob
        rows = (
            glob.filter(pl.col("Test_ID") == str(p.test_id)) if "Test_ID" in glob.columns else glob
        )
        if rows.height:
            header, start, mass_kg = _global(rows.row(0, named=True))
    v_rc, v_raw, v_err = p.results["Version_Table"]
    if v_rc == 0 and not v_err:
        ver = _csv(path, "Version_Table", v_raw, text=True)
        if ver.height and "Version_Schema_Field" in ver.columns:
            version = ver.get_column("Version_Schema_Field")[0]
    return arbin_metadata("arbin-res", version, start, mass_kg, header)


def build(p: Parsed, path: Path) -> CellData:
    """Stage 2: CellData from the exported tables."""
    extra = _aux_extra(p, path)
    meta = _metadata(p, path)
    frame = p.frame.drop("Test_ID") if len(p.tests) == 1 else p.frame
    p.notes.append(
        "current sign as written by Arbin (discharge negative = reduction at the working electrode)"
    )
    return build_celldata(frame, path=path, fmt=FMT, meta=meta, notes=p.notes, extra=extra)


def read(
    path: Path, *, test_id: int | None = None, timeout_s: float | None = None, **_: Any
) -> CellData:
    """Read an Arbin ``.res`` file with mdbtools: :func:`parse`, then :func:`build`.

    Parameters
    ----------
    path
        The ``.res`` file; opened read-only (mdb-export only reads).
    test_id
        For files holding several tests: the ``Test_ID`` to read (default the first, with a
        note naming the others).
    timeout_s
        Limit for each mdbtools process [s]; default 10 s + 0.5 s per MB of file (mdb-export
        reads about 30 MB/s).

    Returns
    -------
    CellData
        ``meta.format`` ``"arbin-res"``, ``format_version`` e.g. ``"Results File 5.26"``.

    Raises
    ------
    DependencyMissing
        When ``mdb-export`` (mdbtools) is not on PATH.
    FileFormatError
        For anything that is not a complete, readable Arbin result database.
    """
    return build(parse(Path(path), test_id, timeout_s), Path(path))
