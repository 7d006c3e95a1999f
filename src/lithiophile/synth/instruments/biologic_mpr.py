"""BioLogic EC-Lab's binary raw-data file (``.mpr``, data module v3): GCPL and PEIS.

Layout (EC-Lab <= 11.43, the form of navani's ``jdb11-1_c3_gcpl_...C09.mpr``, EC-Lab 11.32,
and ``yadg__mb.issue_95.mpr``, 11.43; the byte offsets are those documented in
:mod:`lithiophile.io.biologic_mpr`):

* ``BIO-LOGIC MODULAR FILE\\x1a`` padded with spaces to 48 bytes, then 4 zero bytes;
* ``VMP Set`` module (version 0, 7019 bytes): technique id (GCPL 0x04, PEIS 0x1D), electrode
  material (a note that the data are synthetic), surface area and mass with their unit codes;
* ``VMP data`` module (version 3): number of rows (u32), of columns (u8), the column ids (u16),
  zeros, a 0x01 byte at 0x195, and from 0x196 the rows, packed in column-id order (version 2,
  on request: no 0x01 byte, the rows from 0x195);
* ``VMP LOG`` module (version 0, 14664 bytes): technique id, acquisition start (OLE date), file
  name, EC-Lab version 11.43.

Module dates are ``MM/DD/YY``: the start date, and the date of the last point for the log.
GCPL columns (ids 1, 2, 3, 21, 31, 65 flags; 131 Ns; 4 time/s; 7 dq/mA.h; 13 (Q-Qo)/mA.h;
5 control/V/mA; 6 Ewe/V; 8 I/mA; 39 I Range; 467 Q charge/discharge/mA.h; 468 half cycle;
70 P/W) are EC-Lab's GCPL set plus I/mA, which EC-Lab records in MB files; a GCPL file alone
carries only dq, from which readers average the current. PEIS columns are those of
``yadg__peis.issue_149.mpr`` without the quality indicators.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.errors import InputError
from lithiophile.io.biologic_columns import COLUMN_IDS, FLAG_IDS, TECHNIQUE_IDS
from lithiophile.io.celldata import CellData, ImpedanceData
from lithiophile.synth.instruments._common import _SYNTHETIC_NOTE, _Cell, _Spectrum, _starts

_MPR_MAGIC = b"BIO-LOGIC MODULAR FILE\x1a".ljust(48) + b"\x00\x00\x00\x00"
#: Column ids of a GCPL data module: those of navani's jdb11 GCPL file and
#: yadg__gcpl.issue_149.mpr, with I/mA (id 8) after Ewe/V as EC-Lab records it in MB files
#: (yadg__mb.issue_95.mpr) so that the current is stored, not derived from dq.
_GCPL_IDS = (1, 2, 3, 21, 31, 65, 131, 4, 7, 13, 5, 6, 8, 39, 467, 468, 70)
#: Column ids of a PEIS data module: yadg__peis.issue_149.mpr without the EIS quality
#: indicators (ids 473 ... 497, recorded only with "Record EIS quality indicators").
_PEIS_IDS = (32, 37, 38, 36, 35, 4, 77, 76, 169, 172, 24, 39, 33, 34, 131, 13, 70)
#: Module lengths of navani's jdb11 GCPL file (EC-Lab 11.32, data module v3).
_SET_LENGTH = 7019
_LOG_LENGTH = 14664
_ROWS_AT = 0x196  # v3 data module: the rows start here, after a 0x01 byte at 0x195
#: Where the rows of a data module start, by module version: v3 has a 0x01 byte at 0x195 and
#: the rows from 0x196; v2 (the layout before it, as the public .mpr readers describe it: u16
#: column ids, 405 bytes before the rows) has no such byte and the rows from 0x195.
_ROWS_AT_BY_VERSION = {2: 0x195, 3: _ROWS_AT}
_TECHNIQUE_ID = {name: tid for tid, name in sorted(TECHNIQUE_IDS.items(), reverse=True)}
_OLE_EPOCH = datetime(1899, 12, 30)
_MAX_MODULE = 2**32 - 1

#: EC-Lab's code of the current range: the table of codes is not public, so the code of the
#: reference file's range is written (41 in yadg__gcpl.issue_149, 11 in impedance.py's PEIS).
_I_RANGE_GCPL = 41
_I_RANGE_PEIS = 11
_I_RANGE_PEIS_MPR = 38  # the first code of yadg__peis.issue_149.mpr


def _module(short: str, long: str, length: int, version: int, date: datetime) -> bytes:
    """Header of a module in the short form of EC-Lab <= 11.43: ``MODULE``, short name (10
    bytes) and long name (25 bytes) padded with spaces, length and version (u32), date
    ``MM/DD/YY``."""
    return (
        b"MODULE"
        + short.encode("ascii").ljust(10)
        + long.encode("ascii").ljust(25)
        + struct.pack("<II", length, version)
        + date.strftime("%m/%d/%y").encode("ascii")
    )


def _put_text(buf: bytearray, offset: int, text: str) -> None:
    raw = text.encode("cp1252")[:255]
    buf[offset] = len(raw)
    buf[offset + 1 : offset + 1 + len(raw)] = raw


def _settings(technique: str, area_m2: float | None, mass_kg: float | None) -> bytes:
    """The settings module's content, with the fields lithiophile's reader and the twins agree
    on (see :mod:`lithiophile.io.biologic_mpr`): technique id at byte 0, electrode material
    (length-prefixed) at 0x11E, surface area (float32) at 0x211 in the unit of byte 0x250
    (2 = cm²), characteristic mass (float32) at 0x24C in the unit of byte 0x251 (1 = g).
    Fields the data do not state hold EC-Lab's 0.001; every other byte is 0."""
    buf = bytearray(_SET_LENGTH)
    buf[0] = _TECHNIQUE_ID[technique]
    _put_text(buf, 0x11E, _SYNTHETIC_NOTE)
    struct.pack_into("<f", buf, 0x211, area_m2 * 1e4 if area_m2 else 0.001)
    struct.pack_into("<f", buf, 0x24C, mass_kg * 1e3 if mass_kg else 0.001)
    buf[0x250] = 2
    buf[0x251] = 1
    return bytes(buf)


def _log(technique: str, start: datetime, file_name: str) -> bytes:
    """The log module's content: technique id at byte 2 (as in the three twins), acquisition
    start as an OLE date (f64, days since 1899-12-30) at 0x249, the file's name at 0x251, the
    EC-Lab, server and interpreter versions at 0x3B7/0x3BE/0x3C5 and the device serial number
    at 0x3CF (length-prefixed text). galvani finds the date at 0x249 (its offset 585)."""
    buf = bytearray(_LOG_LENGTH)
    buf[2] = _TECHNIQUE_ID[technique]
    days = (start - _OLE_EPOCH) / timedelta(days=1)
    struct.pack_into("<d", buf, 0x249, days)
    _put_text(buf, 0x251, "C:\\EC-Lab\\Data\\" + file_name)
    for offset in (0x3B7, 0x3BE, 0x3C5):
        _put_text(buf, offset, "11.43")
    _put_text(buf, 0x3CF, "0")
    return bytes(buf)


def _data_module_length(n: int, rowsize: int, rows_at: int = _ROWS_AT) -> int:
    """Bytes of a data module of ``n`` rows starting at ``rows_at`` (v3: 0x196); InputError
    past the u32 length field."""
    length = rows_at + n * rowsize
    if n > _MAX_MODULE or length > _MAX_MODULE:
        raise InputError(
            f"write_biologic_mpr: {n:,} rows of {rowsize} bytes do not fit one .mpr data module "
            f"(at most {(_MAX_MODULE - rows_at) // rowsize:,} rows; the module's length is a "
            "32-bit field). Split the data over several files."
        )
    return length


def _row_dtype(ids: tuple[int, ...]) -> np.dtype:
    """The packed row of a data module: one field per id in file order (dtypes of
    :data:`lithiophile.io.biologic_columns.COLUMN_IDS`), the flag ids sharing one byte where
    the first of them stands."""
    fields: list[tuple[str, str]] = []
    for cid in ids:
        if cid in FLAG_IDS:
            if ("flags", "u1") not in fields:
                fields.append(("flags", "u1"))
        else:
            fields.append((f"c{cid}", COLUMN_IDS[cid][1]))
    return np.dtype(fields)


def _fill(rows: np.ndarray, ids: tuple[int, ...], values: Mapping[int, np.ndarray]) -> None:
    """Set every field of ``rows`` (a slice of a buffer) from values by column id."""
    flag_ids = [cid for cid in ids if cid in FLAG_IDS]
    if flag_ids:
        flags = np.zeros(rows.size, dtype=np.uint8)
        for cid in flag_ids:
            mask = FLAG_IDS[cid][1]
            shift = (mask & -mask).bit_length() - 1
            flags |= (values[cid].astype(np.uint8) << shift) & mask
        rows["flags"] = flags
    with np.errstate(over="ignore"):  # beyond the float32 range: inf, as EC-Lab stores it
        for cid in ids:
            if cid not in FLAG_IDS:
                rows[f"c{cid}"] = values[cid]


#: Rows assembled at a time by the .mpr writer: a 7.5 MB buffer for the 57-byte GCPL row,
#: small enough for the CPU cache and for memory, large enough that numpy's per-call cost
#: does not count.
_BLOCK = 1 << 17


def _gcpl_blocks(cell: _Cell, block: int = _BLOCK) -> Iterator[dict[int, np.ndarray]]:
    """EC-Lab's GCPL columns, by column id, for consecutive blocks of ``block`` rows.

    Values: flags mode (1 galvanostatic, 2 potentiostatic, 3 open circuit), ox/red (0 while
    reducing, 1 otherwise: rests keep 1 as in ``yadg__gcpl.issue_149.mpt``), error 0, control
    changes (1 on the first row of each step), Ns changes (1 where the sequence changes, not on
    row 0, as in the reference), counter inc. 0; Ns; time/s; dq/mA.h (the row's current over
    the interval before it, 0 over an interruption); (Q-Qo)/mA.h (its running sum);
    control/V/mA (the set current, 0 at rest); Ewe/V; I/mA; I Range; Q charge/discharge/mA.h
    (signed charge since the half cycle began); half cycle; P/W (Ewe I).
    """
    s_first = cell.s_first
    s_end = s_first + cell.s_len
    ns_change = _starts(cell.s_ns)
    ns_change[0] = False
    ox_red = (cell.s_sign >= 0).astype(np.uint8)
    base = np.zeros(s_first.size)  # (Q-Qo) before the first row of each step [mA.h]
    carry_q = 0.0
    prev_t = float(cell.t[0])
    gap = cell.interruption_s
    for a in range(0, cell.n, block):
        b = min(cell.n, a + block)
        j0 = int(np.searchsorted(s_first, a, "right")) - 1
        j1 = int(np.searchsorted(s_first, b, "left"))
        steps = np.arange(j0, j1)
        rs = np.repeat(steps, np.minimum(s_end[j0:j1], b) - np.maximum(s_first[j0:j1], a))
        t, v, i = cell.t[a:b], cell.v[a:b], cell.i[a:b]
        dt = np.empty(b - a)
        dt[0] = t[0] - prev_t
        np.subtract(t[1:], t[:-1], out=dt[1:])
        np.maximum(dt, 0.0, out=dt)
        dt[dt > gap] = 0.0  # the counter adds nothing over an interruption
        dq = i * dt
        dq /= 3.6  # C -> mA.h
        q = np.cumsum(dq)
        q += carry_q
        starting = steps[s_first[j0:j1] >= a]
        at = s_first[starting] - a
        base[starting] = q[at] - dq[at]
        is_start = np.zeros(b - a, dtype=bool)
        is_start[at] = True
        mode = cell.s_mode[rs]
        i_mA = i * 1e3
        yield {
            1: mode,
            2: ox_red[rs],
            3: np.zeros(b - a, dtype=np.uint8),
            21: is_start,
            31: is_start & ns_change[rs],
            65: np.zeros(b - a, dtype=np.uint8),
            131: cell.s_ns[rs],
            4: t,
            7: dq,
            13: q,
            5: np.where(mode == 3, 0.0, i_mA),
            6: v,
            8: i_mA,
            39: np.full(b - a, _I_RANGE_GCPL, dtype=np.uint16),
            467: q - base[cell.s_half_first[rs]],
            468: cell.s_half_cycle[rs],
            70: v * i,
        }
        carry_q = float(q[-1])
        prev_t = float(t[-1])


def _peis_columns(spec: _Spectrum) -> dict[int, np.ndarray]:
    """Column id -> values of a PEIS data module (the columns of yadg__peis.issue_149.mpr)."""
    n = spec.n
    dq_mAh = spec.i * np.diff(spec.t, prepend=spec.t[0]) / 3.6
    return {
        32: spec.f,
        37: spec.z.real,
        38: -spec.z.imag,  # EC-Lab stores -Im(Z)
        36: np.abs(spec.z),
        35: spec.phase_deg,
        4: spec.t,
        77: spec.v,
        76: spec.i * 1e3,
        169: spec.cs_F * 1e6,
        172: spec.cp_F * 1e6,
        24: spec.spectrum.astype(np.float64),
        39: np.full(n, _I_RANGE_PEIS_MPR, dtype=np.uint16),
        33: np.full(n, spec.amplitude_V),
        34: spec.current_amplitude_A,
        131: np.zeros(n, dtype=np.uint16),
        13: np.cumsum(dq_mAh),
        70: spec.v * spec.i,
    }


def write_biologic_mpr(
    data: CellData | ImpedanceData | Mapping[str, Any],
    path: str | Path,
    *,
    data_module_version: int = 3,
) -> Path:
    """Write an EC-Lab binary raw-data file (``.mpr``): GCPL for cycling data, PEIS for a
    spectrum.

    The layout is described in the module's documentation
    (:mod:`lithiophile.synth.instruments.biologic_mpr`).

    The rows are one numpy structured array written as is, so 10 million rows take seconds
    (about 0.6 GB for the 57-byte GCPL row).

    Parameters
    ----------
    data
        CellData (or a mapping of SI columns: time_s, voltage_V, current_A, optionally step
        and cycle) for GCPL, ImpedanceData for PEIS.
    path
        The file to write (overwritten).
    data_module_version
        3 (default): the layout above. 2: the data module of the version before, as the
        public .mpr readers describe it: the same header fields, but no 0x01 byte, the rows
        from content byte 0x195 (405). Which EC-Lab releases wrote v2 is not stated in
        public sources; no v2 file was at hand to compare with.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InputError
        Data of the wrong kind, empty, not finite, or too many rows for one data module
        (its length is a 32-bit field: about 75 million GCPL rows); a
        ``data_module_version`` other than 2 or 3.

    Notes
    -----
    Precision: ``time/s`` exact (float64); ``Ewe/V``, ``I/mA``, ``freq/Hz``, ``Re(Z)/Ohm``,
    ``-Im(Z)/Ohm`` are float32 as in EC-Lab (relative error at most 2**-24 = 6e-8); the
    electrode area float32 in cm². ``Ns`` is the sequence of the cycle (0 for the first half
    cycle, 1 for the second: rests belong to the sequence before them, as GCPL's rest period
    tR does); ``half cycle`` counts current reversals so that ``half cycle // 2 + 1`` is the
    data's cycle. ``I Range`` holds the reference file's code (41 for GCPL, 38 for PEIS).
    galvani (0.5) finds the acquisition start only between 2009 and 2036 (OLE days 40000 to
    50000) and raises otherwise; lithiophile's reader takes any date.
    """
    path = Path(path)
    if data_module_version not in _ROWS_AT_BY_VERSION:
        raise InputError(
            "write_biologic_mpr: data_module_version must be 2 or 3 (the layouts written "
            f"here). Got {data_module_version!r}."
        )
    rows_at = _ROWS_AT_BY_VERSION[data_module_version]
    src = _mpr_source(data)
    dtype = _row_dtype(src.ids)
    length = _data_module_length(src.n, dtype.itemsize, rows_at)
    settings = _settings(src.technique, src.area_m2, src.mass_kg)
    log = _log(src.technique, src.start, path.name)
    buffer = np.empty(min(src.n, _BLOCK) if src.technique == "GCPL" else src.n, dtype=dtype)
    with open(path, "wb") as fh:
        fh.write(_MPR_MAGIC)
        fh.write(_module("VMP Set", "VMP settings", len(settings), 0, src.start))
        fh.write(settings)
        fh.write(_module("VMP data", "VMP data", length, data_module_version, src.start))
        fh.write(_data_head(src.n, src.ids, rows_at))
        for values in src.blocks:
            rows = buffer[: len(values[4])]
            _fill(rows, src.ids, values)
            fh.write(rows.data)
        fh.write(_module("VMP LOG", "VMP LOG", len(log), 0, src.end))
        fh.write(log)
    return path


@dataclass
class _MprSource:
    """What the .mpr writer needs of the data: the technique and its column ids, the rows (in
    blocks of values by column id), the start and end of the test, area and mass."""

    technique: str
    ids: tuple[int, ...]
    n: int
    start: datetime
    end: datetime
    area_m2: float | None
    mass_kg: float | None
    blocks: Iterator[Mapping[int, np.ndarray]]


def _mpr_source(data: CellData | ImpedanceData | Mapping[str, Any]) -> _MprSource:
    """PEIS columns for a spectrum, GCPL columns (in blocks) for cycling data."""
    if isinstance(data, ImpedanceData):
        spec = _Spectrum(data, "write_biologic_mpr")
        end = spec.start + timedelta(seconds=float(spec.t[-1]))
        blocks: Iterator[Mapping[int, np.ndarray]] = iter([_peis_columns(spec)])
        return _MprSource(
            "PEIS", _PEIS_IDS, spec.n, spec.start, end, spec.area_m2, spec.mass_kg, blocks
        )
    cell = _Cell(data, "write_biologic_mpr")
    end = cell.clock(float(cell.t[-1]))
    return _MprSource(
        "GCPL", _GCPL_IDS, cell.n, cell.start, end, cell.area_m2, cell.mass_kg, _gcpl_blocks(cell)
    )


def _data_head(n: int, ids: tuple[int, ...], rows_at: int = _ROWS_AT) -> bytes:
    """The start of a data module, up to its rows at ``rows_at``: number of rows (u32), of
    columns (u8), the column ids (u16), zeros, and in v3 0x01 just before the rows."""
    head = bytearray(rows_at)
    struct.pack_into("<IB", head, 0, n, len(ids))
    struct.pack_into(f"<{len(ids)}H", head, 5, *ids)
    if rows_at == _ROWS_AT:
        head[_ROWS_AT - 1] = 0x01  # every v3 data module here has 0x01 just before the rows
    return bytes(head)
