"""Neware BTS binary files: ``.nda``, ``.ndax`` and bare ``.ndc``.

Versions read
-------------
* ``.nda`` written by BTS 7.x/8.x (file versions 1-29) and BTS 9.x (file versions 129 and 130,
  "version 9 (130)"). Verified on version 29 (BTS 7.6) and on version 130 (BTS 9.1, record
  struct 19); the other versions are decoded by fastnda's layouts, which fastnda itself marks as
  unverified (the reader then says so in the metadata notes).
* ``.ndax`` written by BTS 8.x: a zip archive of binary ``.ndc`` members (``data.ndc``: voltage
  and current; ``data_runInfo.ndc``: times, capacities, energies at each logged change;
  ``data_step.ndc``: cycle, step number and step type of every step; ``data_AUX_*.ndc`` or
  ``data_<n>.ndc``: auxiliary channels) and XML members (``TestInfo.xml``,
  ``VersionInfo.xml``, ``Step.xml``). Verified on ndc versions 5, 14, 16 and 17. The
  ``.ndax`` part lives in :mod:`lithiophile.io.neware_ndax`.
* A bare ``.ndc`` file (as BTS server writes one, outside an archive): read when it holds the
  record times and steps itself (ndc version 5, checked against the ``data.ndc`` member of
  ``navani__test.ndax``); a newer one (voltage and current only) is refused naming what it
  lacks.

How
---
The binary records are decoded by fastnda (BSD-3-Clause, Empa): :func:`fastnda.nda.read_nda`
for ``.nda`` and :func:`fastnda._ndc.read_ndc` (the per-member parser that fastnda's own
``read_ndax`` calls) for each ``.ndc`` member. This module does the rest itself, in numpy:

* it reads each zip member once, inflating with ISA-L when installed and checking its CRC-32;
* it fills the records between two ``runInfo`` entries exactly as fastnda does (step time and
  Unix time advance by the logging interval ``dt``, capacities and energies by ``dt*I`` and
  ``dt*V*I``) with cumulative sums instead of grouped window expressions;
* it pairs auxiliary members with their ``TestInfo.xml`` entries by the real channel id and the
  channel type written in the member name (``data_AUX_<RealChlID>_<ChlType-100>_<n>.ndc``),
  falling back to the order of the entries. fastnda 1.3 and NewareNDA pair them by sort order
  only, which swaps channels in ``cellpy__20260302_IFE_BTS85_2_9_8_1.ndax`` (they label the
  0 V auxiliary-voltage channel as the cell temperature);
* it skips what lithiophile does not need from ``fastnda.read`` (software cycle numbering,
  categorical step names, pandas-style casts).

Columns (SI)
------------
``time_s`` (test time: fastnda's ``total_time_s``, i.e. the step times laid end to end, or the
total time the file stores), ``voltage_V``, ``current_A``, ``cycle`` (the instrument's cycle
number, 1-based), ``step`` (the instrument's running step number, 1-based, +1 at every new
step even where the program step repeats), ``step_kind``, ``temperature_K`` (first auxiliary
temperature channel, when there is one), ``step_index`` (the program step, BTSDA's "Step
Index"), ``step_type`` (Neware's name: ``CC_Chg``, ``CCCV_DChg``, ``Rest`` ...),
``step_time_s``, ``date_time`` (the instrument clock: UTC where the file stores Unix time,
naive local time where it stores the wall clock: nda versions 1-4 and 26-29, ndc versions 1-5
and 7), ``record_index`` (Neware's record number),
``step_charge_capacity_C``, ``step_discharge_capacity_C``, ``step_charge_energy_J``,
``step_discharge_energy_J`` (magnitudes within the step, reset at each step), and the
auxiliary channels (``aux<AuxID>_voltage_V``, ``aux<AuxID>_temperature_K`` ...).

``step_kind`` from Neware's step type: CC/CP/CR/CCCV/CPCV/CRCV charge -> ``charge``, the
matching discharges -> ``discharge``, CV_Chg/CV_DChg -> ``cv``, Rest/Pause -> ``rest``, OCV ->
``ocv``; steps whose type does not say (Control, Pulse, SIM, Ramp, IR ...) get the kind the
data of the step show (:func:`lithiophile.io.steps.kinds_from_steps`).

Sign convention: Neware writes charge current positive and discharge current negative (the
CC_DChg steps of ``newarenda__new_nda_file.nda`` and ``newarenda__Issue72_TestFile.nda`` run at
negative current, their CC_Chg steps at positive current). Discharge of a cell, or of a Li
half cell (lithiation of the working electrode, Li plating on Cu), is reduction at the working
(positive) terminal, so Neware's sign is already the package's and the current is kept as
written.

Errors
------
Anything that cannot be read raises :class:`~lithiophile.errors.FileFormatError` naming the
file, the format and what is wrong: a truncated file (data block or zip central directory
missing), a member whose CRC-32 does not match (corrupted), records with identifiers that are
not Neware's, values no instrument writes (non-finite, |U| > 10 kV, |I| > 100 kA), versions
fastnda does not decode. The file is only ever opened for reading.

References
----------
fastnda, https://github.com/empaeconversion/fastnda (BSD-3-Clause).
NewareNDA, https://github.com/d-cogswell/NewareNDA (BSD-3-Clause), used by the tests only.
"""

from __future__ import annotations

import contextlib
import mmap
import re
import warnings
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, InputError
from lithiophile.io import steps as _steps
from lithiophile.io.celldata import STEP_KIND_DTYPE, CellData, Metadata
from lithiophile.io.charge import charge_from_capacities
from lithiophile.io.neware_nda_check import FMT_NDA, check_nda

__all__ = ["read", "sniff"]

FMT_NDAX = "Neware .ndax"

_NDA_MAGIC = b"NEWARE"
_ZIP_MAGIC = b"PK\x03\x04"
#: Bytes 3-7 of every .ndc member here (byte 0: file type 1, byte 2: ndc version).
_NDC_HEAD = b"\x00\x01\x00\x00\x00"

#: Neware step type code -> name (the codes of BTS 7/8, as fastnda's ``STEP_TYPE_MAP``).
STEP_TYPES: dict[int, str] = {
    0: "Undefined", 1: "CC_Chg", 2: "CC_DChg", 3: "CV_Chg", 4: "Rest", 5: "Cycle", 6: "End",
    7: "CCCV_Chg", 8: "CP_DChg", 9: "CP_Chg", 10: "CR_DChg", 11: "CR_Chg", 12: "IR",
    13: "Pause", 16: "Pulse", 17: "SIM", 18: "PCCCV_Chg", 19: "CV_DChg", 20: "CCCV_DChg",
    21: "Control", 22: "OCV", 23: "SubStep", 24: "Follow", 25: "Ramp", 26: "CPCV_DChg",
    27: "CPCV_Chg", 28: "CRCV_DChg", 29: "CRCV_Chg", 30: "CyclicVoltammetry",
}  # fmt: skip

#: Neware step type name -> step kind; names not listed take the kind their data show.
STEP_KIND_OF_TYPE: dict[str, str] = {
    "CC_Chg": "charge", "CCCV_Chg": "charge", "CP_Chg": "charge", "CR_Chg": "charge",
    "PCCCV_Chg": "charge", "CPCV_Chg": "charge", "CRCV_Chg": "charge",
    "CC_DChg": "discharge", "CCCV_DChg": "discharge", "CP_DChg": "discharge",
    "CR_DChg": "discharge", "CPCV_DChg": "discharge", "CRCV_DChg": "discharge",
    "CV_Chg": "cv", "CV_DChg": "cv", "Rest": "rest", "Pause": "rest", "OCV": "ocv",
}  # fmt: skip

_TYPE_NAMES = [*STEP_TYPES.values(), "Unknown"]
#: dtype of the ``step_type`` column
STEP_TYPE_DTYPE = pl.Enum(_TYPE_NAMES)
_UNKNOWN = _steps.KIND_CODE["unknown"]


def _code_tables() -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables over the 256 possible step type codes: position in ``_TYPE_NAMES``
    (unknown codes -> "Unknown") and step-kind code (types not listed -> 'unknown')."""
    position = np.full(256, len(_TYPE_NAMES) - 1, dtype=np.uint32)
    kind = np.full(256, _UNKNOWN, dtype=np.uint8)
    for pos, (code, name) in enumerate(STEP_TYPES.items()):
        position[code] = pos
        if name in STEP_KIND_OF_TYPE:
            kind[code] = _steps.KIND_CODE[STEP_KIND_OF_TYPE[name]]
    return position, kind


_TYPE_POS, _KIND_OF_CODE = _code_tables()
# the levels of the two Enum columns, built once: a gather on them makes each column
_TYPE_LEVELS = pl.Series("step_type", _TYPE_NAMES, dtype=STEP_TYPE_DTYPE)
_KIND_LEVELS = pl.Series("step_kind", list(_steps.STEP_KINDS), dtype=STEP_KIND_DTYPE)


def _enum_column(levels: pl.Series, positions: np.ndarray) -> pl.Series:
    """An Enum column from positions in its levels (no strings made)."""
    return levels.gather(pl.Series(positions.astype(np.uint32, copy=False)))


#: Auxiliary channel type (``ChlType`` in TestInfo.xml) -> (quantity, factor, offset) giving
#: the SI value from the stored one. 102-107 and 335 as documented by fastnda and NewareNDA.
AUX_TYPES: dict[int, tuple[str, float, float]] = {
    102: ("voltage_V", 1.0, 0.0),
    103: ("temperature_K", 1.0, 273.15),
    104: ("current_A", 1.0, 0.0),
    105: ("voltage_V", 1.0, 0.0),
    106: ("temperature_K", 1.0, 273.15),
    107: ("current_A", 1.0, 0.0),
    335: ("temperature_setpoint_K", 1.0, 273.15),
}

#: file versions whose records hold the tester's wall-clock time (Y/M/D h:m:s) rather than
#: Unix time, or whose time fastnda derives from the local start time
_NDA_LOCAL_CLOCK = frozenset({1, 3, 4, 26, 28, 29})
_NDC_LOCAL_CLOCK = frozenset({1, 2, 3, 4, 5, 7})

#: limits no Neware channel reaches; beyond them a value is corrupt
_MAX_VOLTAGE_V = 1e4
_MAX_CURRENT_A = 1e5
#: inflated size a member may reach per compressed byte (deflate cannot exceed ~1032)
_MAX_RATIO = 1100
_MAX_MEMBER_BYTES = 1 << 34

_XML_MEMBERS: tuple[str, ...] = ("TestInfo.xml", "VersionInfo.xml", "Step.xml")
_AUX_MEMBER = re.compile(r"^data_AUX_(\d+)_(\d+)_(\d+)\.ndc$")
_AUX_MEMBER_SHORT = re.compile(r"^data_(\d+)\.ndc$")
_NDA_AUX_COLUMN = re.compile(r"^aux(\d*)_(temperature_degC|voltage_V)$")


# -- detection ------------------------------------------------------------------------------
def sniff(head: bytes, path: Path) -> int:
    """0..100: 100 for the ``NEWARE`` magic of an .nda file, 95 for a zip holding .ndc members."""
    if head.startswith(_NDA_MAGIC):
        return 100
    if path.suffix.lower() == ".ndc" and head[:2] == b"\x01\x00" and head[3:8] == _NDC_HEAD:
        return 60  # a bare .ndc: type 1, a version byte, then 00 01 00 00 00
    if not head.startswith(_ZIP_MAGIC):
        return 0
    if b".ndc" in head:
        return 95
    if b"[Content_Types].xml" in head or b"xl/" in head:
        return 0  # an Office document
    try:  # the member names may all lie beyond the head: read the central directory
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return 0
    if "data.ndc" in names:
        return 95
    return 50 if any(n.endswith(".ndc") for n in names) else 0


# -- reading --------------------------------------------------------------------------------
def read(path: Path, **options: Any) -> CellData:
    """Read a Neware ``.nda`` or ``.ndax`` file.

    Parameters
    ----------
    path
        The file; which of the two it is is decided from its first bytes, not its name.
    **options
        None are accepted (the reader has no settings).

    Returns
    -------
    CellData
        SI columns as listed in the module documentation; metadata with the BTS and file
        versions, the start time, the active mass (``.nda``) and the header fields.

    Raises
    ------
    FileFormatError
        When the file is not a readable Neware file (see the module documentation).
    """
    path = Path(path)
    if options:
        raise InputError(
            f"the Neware .nda/.ndax reader takes no options; got {sorted(options)}. "
            "Remove them (area_m2 is given to lithiophile.io.read)."
        )
    fmt = FMT_NDAX if path.suffix.lower() == ".ndax" else FMT_NDA
    try:
        with open(path, "rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise FileFormatError(path, fmt, f"cannot be opened ({exc.strerror or exc})") from None
    if magic.startswith(_NDA_MAGIC):
        return _read_nda(path)
    if path.suffix.lower() == ".ndc" and not magic.startswith(_ZIP_MAGIC):
        from lithiophile.io.neware_ndax import read_ndc_file

        return read_ndc_file(path)
    if magic.startswith(_ZIP_MAGIC):
        from lithiophile.io.neware_ndax import read_ndax

        return read_ndax(path)
    if not magic:
        raise FileFormatError(path, fmt, "the file is empty (0 bytes)")
    raise FileFormatError(
        path,
        fmt,
        f"the file starts with {magic!r}: neither an .nda file (which starts with b'NEWARE') "
        "nor an .ndax zip archive (which starts with b'PK\\x03\\x04')",
    )


@contextlib.contextmanager
def _warnings_to(notes: list[str]) -> Iterator[None]:
    """Collect the warnings fastnda emits (unverified layouts ...) as metadata notes."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        text = " ".join(str(w.message).split())
        text = text.split(" If you can, please share")[0]  # fastnda's plea for sample files
        note = f"fastnda: {text}"
        if note not in notes:
            notes.append(note)


def _fastnda_version() -> str:
    import fastnda

    return str(getattr(fastnda, "__version__", "?"))


def _wrap(path: Path, fmt: str, what: str, exc: Exception) -> FileFormatError:
    """A FileFormatError for an exception raised while fastnda decoded ``what``."""
    if isinstance(exc, NotImplementedError):
        return FileFormatError(
            path, fmt, f"{what}: {exc} (fastnda {_fastnda_version()} cannot decode it)"
        )
    if isinstance(exc, MemoryError):
        return FileFormatError(path, fmt, f"{what}: ran out of memory (corrupt sizes?)")
    msg = str(exc).splitlines()[0] if str(exc) else ""
    return FileFormatError(path, fmt, f"{what} is malformed ({type(exc).__name__}: {msg})")


def _decode_nda(path: Path, mm: mmap.mmap) -> pl.DataFrame:
    """fastnda's decoding of an .nda file, on the map this module opened already.

    ``fastnda.nda.read_nda(path)`` opens and maps the file, checks the magic, calls
    ``_read_nda(map)`` and drops duplicate records; calling ``_read_nda`` on our map (and
    checking the record order in numpy) saves a second open/map and a polars pass, about
    0.3 ms a file. Should a later fastnda rename the function, the public ``read_nda`` is
    used instead.
    """
    from fastnda import nda as fastnda_nda

    decode = getattr(fastnda_nda, "_read_nda", None)
    if decode is None:  # pragma: no cover - depends on the fastnda version
        return fastnda_nda.read_nda(path)
    df: pl.DataFrame = decode(mm)
    index = df.get_column("index").to_numpy()
    if index.size > 1 and not (np.diff(index.astype(np.int64)) > 0).all():
        df = df.unique(subset="index").sort(by="index")  # as read_nda: repeated records
    return df


def _read_nda(path: Path) -> CellData:
    notes: list[str] = []
    with open(path, "rb") as fh:
        try:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:
            raise FileFormatError(path, FMT_NDA, f"cannot be mapped ({exc})") from None
    try:
        version = check_nda(mm, path, notes)
        with _warnings_to(notes):
            try:
                df = _decode_nda(path, mm)
            except Exception as exc:  # fastnda: ValueError, EOFError, NotImplementedError ...
                raise _wrap(path, FMT_NDA, f"the nda version {version} data", exc) from exc
            info = _nda_info(path, notes)
    finally:
        with contextlib.suppress(BufferError):  # polars may still share pages: GC closes it
            mm.close()
    cols = {name: df.get_column(name).to_numpy() for name in df.columns}
    aux: list[tuple[str, np.ndarray]] = []
    for name in df.columns:
        m = _NDA_AUX_COLUMN.match(name)
        if m:
            values = cols.pop(name)
            channel = m.group(1) or "1"
            if m.group(2) == "temperature_degC":
                aux.append((f"aux{channel}_temperature_K", values.astype(np.float64) + 273.15))
            else:
                aux.append((f"aux{channel}_voltage_V", values.astype(np.float64)))
    meta = _nda_metadata(info, version)
    local = version in _NDA_LOCAL_CLOCK
    return _build(path, FMT_NDA, cols, aux, meta, notes, local_clock=local)


def _nda_info(path: Path, notes: list[str]) -> dict[str, Any]:
    from fastnda.nda_meta import read_nda_metadata

    try:
        return dict(read_nda_metadata(path))
    except Exception as exc:  # metadata are optional: the data were read
        notes.append(f"header fields unreadable ({type(exc).__name__}: {exc})")
        return {}


def _parse_start(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text.strip():
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y.%m.%d %H:%M:%S", "%Y/%m/%d %H:%M:%S"):
        with contextlib.suppress(ValueError):
            return datetime.strptime(text.strip(), fmt)
    with contextlib.suppress(ValueError):
        return datetime.fromisoformat(text.strip())
    return None


def _nda_metadata(info: dict[str, Any], version: int) -> Metadata:
    parts = []
    bts = info.get("bts_version") or info.get("client_version") or info.get("server_version")
    if bts:
        parts.append(str(bts) if str(bts).upper().startswith("BTS") else f"BTS {bts}")
    parts.append(f"nda version {version}" + (" (BTS 9)" if version >= 129 else ""))
    mass_mg = info.get("active_mass_mg")
    mass_kg = float(mass_mg) * 1e-6 if isinstance(mass_mg, int | float) and mass_mg > 0 else None
    header = {k: v for k, v in info.items() if v not in ("", None)}
    return binary_metadata(parts, _parse_start(info.get("start_time")), header, mass_kg)


def binary_metadata(
    parts: list[str], start: datetime | None, header: dict[str, Any], mass_kg: float | None = None
) -> Metadata:
    """The Metadata of a binary Neware file (.nda/.ndc/.ndax): ``parts`` name the version."""
    return Metadata(
        instrument="Neware",
        format="neware-nda",
        format_version=" / ".join(parts),
        start_time=start,
        mass_kg=mass_kg,
        header=header,
    )


# .ndax -------------------------------------------------------------------------------------
def _total_time(step_time: np.ndarray, step_count: np.ndarray) -> np.ndarray:
    """Test time from step times, as fastnda's ``_add_total_time``: each step starts where the
    largest step time of the steps before it (in step-count order) add up to."""
    n = step_time.size
    if n == 0:
        return step_time.astype(np.float64)
    st = step_time.astype(np.float64, copy=False)
    sc = step_count.astype(np.int64, copy=False)
    if (np.diff(sc) >= 0).all():
        starts = np.flatnonzero(np.diff(sc)) + 1
        starts = np.concatenate(([0], starts))
        longest = np.maximum.reduceat(st, starts)
        before = np.concatenate(([0.0], np.cumsum(longest[:-1])))
        return st + np.repeat(before, np.diff(np.append(starts, n)))
    values, inverse = np.unique(sc, return_inverse=True)
    longest = np.full(values.size, -np.inf)
    np.maximum.at(longest, inverse, st)
    before = np.concatenate(([0.0], np.cumsum(longest[:-1])))
    return st + before[inverse]


def _check_values(
    path: Path,
    fmt: str,
    time_s: np.ndarray,
    voltage: np.ndarray,
    current: np.ndarray,
    record: np.ndarray | None,
) -> None:
    """Values no Neware channel writes mean a corrupted record."""
    for name, values, limit, unit in (
        ("time", time_s, np.inf, "s"),
        ("voltage", voltage, _MAX_VOLTAGE_V, "V"),
        ("current", current, _MAX_CURRENT_A, "A"),
    ):
        low, high = values.min(), values.max()  # NaN propagates
        if np.isfinite(low) and np.isfinite(high) and -limit <= low and high <= limit:
            continue
        ok = np.abs(values) <= limit  # False for NaN too
        row = int(np.flatnonzero(~ok)[0])
        where = f"row {row + 1}" + (f" (record {int(record[row])})" if record is not None else "")
        raise FileFormatError(
            path,
            fmt,
            f"{where} has the {name} {float(values[row]):.6g} {unit}, which no Neware "
            "channel writes: the data are corrupted",
        )


def _record_time(
    path: Path, fmt: str, cols: dict[str, np.ndarray], step_count: np.ndarray
) -> np.ndarray:
    if "total_time_s" in cols:
        return cols["total_time_s"].astype(np.float64, copy=False)
    if "step_time_s" in cols:
        return _total_time(cols["step_time_s"], step_count)
    raise FileFormatError(path, fmt, "no record times decoded")


def _step_kinds(out: dict[str, Any], codes: np.ndarray, notes: list[str]) -> None:
    """``step_kind`` from Neware's step type; types that do not say are classed by their data."""
    kind = _KIND_OF_CODE[codes]
    undecided = kind == _UNKNOWN
    if undecided.any():  # Control, Pulse, SIM ...: the data of those steps decide
        kind[undecided] = _steps.kinds_from_steps(
            out["step"][undecided], out["voltage_V"][undecided], out["current_A"][undecided]
        )
    out["step_kind"] = _enum_column(_KIND_LEVELS, kind)
    used = np.flatnonzero(np.bincount(codes, minlength=256)).tolist()
    unknown_codes = [c for c in used if c not in STEP_TYPES]
    if unknown_codes:
        notes.append(
            f"step type codes {unknown_codes} are not Neware's known types: "
            "their steps are named 'Unknown' and classed from their data"
        )


def _capacities(out: dict[str, Any], cols: dict[str, np.ndarray]) -> None:
    """Per-step charge and discharge capacity [C] and energy [J], magnitudes."""
    for quantity, si in (("capacity_mAh", "capacity_C"), ("energy_mWh", "energy_J")):
        if f"step_charge_{si}" in cols:  # already SI (.ndax runInfo)
            out[f"step_charge_{si}"] = cols[f"step_charge_{si}"]
            out[f"step_discharge_{si}"] = cols[f"step_discharge_{si}"]
            continue
        if f"charge_{quantity}" in cols:
            charge = np.abs(cols[f"charge_{quantity}"].astype(np.float64)) * 3.6
            discharge = np.abs(cols[f"discharge_{quantity}"].astype(np.float64)) * 3.6
        elif quantity in cols:  # one signed column: + charge, - discharge
            signed = cols[quantity].astype(np.float64) * 3.6
            charge, discharge = np.maximum(signed, 0.0), np.maximum(-signed, 0.0)
        else:
            continue
        out[f"step_charge_{si}"] = charge
        out[f"step_discharge_{si}"] = discharge


def _aux_columns(out: dict[str, Any], aux: list[tuple[str, np.ndarray]], notes: list[str]) -> None:
    temperature = [k for k, (name, _) in enumerate(aux) if name.endswith("_temperature_K")]
    if temperature:
        name, values = aux.pop(temperature[0])
        out["temperature_K"] = values
        notes.append(f"temperature_K is the auxiliary channel {name.split('_')[0]}")
    seen = set(out)
    for name, values in aux:
        label = name
        k = 2
        while label in seen:
            label, k = f"{name}_{k}", k + 1
        seen.add(label)
        out[label] = values


_CAPACITY_LABEL = "step charge - discharge capacity"


def _build(
    path: Path,
    fmt: str,
    cols: dict[str, np.ndarray],
    aux: list[tuple[str, np.ndarray]],
    meta: Metadata,
    notes: list[str],
    *,
    local_clock: bool,
) -> CellData:
    """CellData from the per-record columns fastnda names (voltage_V, current_mA ...)."""
    if "voltage_V" not in cols or "current_mA" not in cols:
        raise FileFormatError(path, fmt, f"no voltage/current records decoded (got {list(cols)})")
    if cols["voltage_V"].size == 0:
        raise FileFormatError(path, fmt, "the file holds no data records")
    voltage = cols["voltage_V"].astype(np.float64)
    current = np.multiply(cols["current_mA"], 1e-3, dtype=np.float64)
    step_count = cols.get("step_count")
    if step_count is None:
        raise FileFormatError(path, fmt, "no step numbers decoded")
    time_s = _record_time(path, fmt, cols, step_count)
    record = cols.get("record_index", cols.get("index"))
    _check_values(path, fmt, time_s, voltage, current, record)
    out: dict[str, Any] = {"time_s": time_s, "voltage_V": voltage, "current_A": current}
    if "cycle_count" in cols:
        out["cycle"] = cols["cycle_count"].astype(np.int32, copy=False)
    out["step"] = step_count.astype(np.int32, copy=False)
    if "step_type" in cols:
        codes = cols["step_type"].astype(np.uint8, copy=False)
        _step_kinds(out, codes, notes)
    if "step_index" in cols:
        out["step_index"] = cols["step_index"].astype(np.int32, copy=False)
    if "step_type" in cols:
        out["step_type"] = _enum_column(_TYPE_LEVELS, _TYPE_POS[codes])
    if "step_time_s" in cols:
        out["step_time_s"] = cols["step_time_s"].astype(np.float64, copy=False)
    if "unix_time_s" in cols:
        us = np.rint(cols["unix_time_s"] * 1e6).astype(np.int64)
        clock = pl.Datetime("us") if local_clock else pl.Datetime("us", "UTC")
        out["date_time"] = pl.Series("date_time", us).cast(clock)
    if record is not None:
        out["record_index"] = record
    _capacities(out, cols)
    found = charge_from_capacities(
        out, "step_charge_capacity_C", "step_discharge_capacity_C", _CAPACITY_LABEL
    )
    _aux_columns(out, aux, notes)
    techniques = _techniques(cols.get("step_type"), step_count)
    meta = meta.replace(techniques=techniques, notes=tuple(notes)).with_provenance(*found)
    return CellData.from_columns(pl.DataFrame(out), meta)


def _techniques(codes: np.ndarray | None, step_count: np.ndarray) -> tuple[str, ...]:
    """Neware step types run, in order of first use."""
    if codes is None:
        return ()
    starts = np.concatenate(([0], np.flatnonzero(np.diff(step_count)) + 1))
    names: list[str] = []
    for code in codes[starts].tolist():
        name = STEP_TYPES.get(int(code), "Unknown")
        if name not in names:
            names.append(name)
    return tuple(names)
