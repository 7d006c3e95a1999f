"""BioLogic EC-Lab / BT-Lab binary raw data (``.mpr``).

Our own parser, written from public .mpr files (of the yadg, galvani, navani and other
repositories) and their EC-Lab text exports (no code taken from GPL readers; galvani is run
by the tests only as a cross-check).

Layout (every offset checked on the files listed in :mod:`lithiophile.io.biologic_columns`)
--------------------------------------------------------------------------------------------
* File header, 52 bytes: ``BIO-LOGIC MODULAR FILE\\x1a`` padded with spaces and 4 zero bytes.
* Then modules, back to back, each ``b"MODULE"`` + short name (10 bytes) + long name
  (25 bytes) + either ``length, version`` (u32 each) + date ``MM/DD/YY`` (8 bytes) [EC-Lab
  <= 11.43], or ``0xFFFFFFFF, length, version, revision`` (u32 each) + date [EC-Lab 11.50;
  "extended" header]. ``length`` bytes of content follow the header.
* ``VMP Set`` (settings): byte 0 = technique id; 0x211 = electrode surface area (f32) in the
  unit of byte 0x250 (2 = cm^2); 0x24C = characteristic mass (f32) in the unit of byte 0x251
  (1 = g; 2 = mg, inferred); 0x11E and 0x1C0 = electrode material and electrolyte
  (length-prefixed text). Empty fields hold 0.001, EC-Lab's placeholder: treated as not stated.
* ``VMP data``: n points (u32), number of columns (u8; u16 with the extended header), the
  column ids (u16 each), then from byte 0x196 (v3) / 0x3EF (extended) of the content the rows:
  the columns in id order with their own dtypes, packed (no padding), the flag ids sharing one
  byte. The row size times n must fill the module exactly; this is checked.
* ``VMP LOG``: 0x249 = acquisition start as an OLE automation date (f64, days since
  1899-12-30, local time); 0x3B7, 0x3BE, 0x3C5 = EC-Lab software, server and interpreter
  versions, 0x3CF = device serial number (length-prefixed text).
* ``VMP loop``: u32 count, then count u32 row indices where experiment loops start (the last
  is the number of points).

Sign convention: EC-Lab counts anodic current (oxidation at the working electrode) as positive
and cathodic as negative, which is the package's convention, so currents are taken as written.
Checked on ``yadg__gcpl.issue_149.mpr``: the working-electrode potential rises during the
sequences with I > 0 and falls during those with I < 0 (see the tests).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.errors import FileFormatError
from lithiophile.io.biologic_columns import (
    AREA_UNIT_M2,
    TECHNIQUE_IDS,
    is_placeholder,
    read_parsed,
)
from lithiophile.io.biologic_mpr_rows import _BLOCK_BYTES, _columns, _data, _warn_unknown
from lithiophile.io.celldata import CellData, ImpedanceData

__all__ = ["FMT", "MAGIC", "parse", "read", "sniff"]

FMT = "BioLogic .mpr"
MAGIC = b"BIO-LOGIC MODULAR FILE"
_FIRST_MODULE = 52  # first b"MODULE" at byte 52 in every file here
_HEADER_SHORT = 6 + 10 + 25 + 4 + 4 + 8  # "MODULE", names, length, version, date
_HEADER_EXTENDED = 6 + 10 + 25 + 4 * 4 + 8
_OLE_EPOCH = datetime(1899, 12, 30)


@dataclass(frozen=True)
class _Module:
    start: int  # byte offset of b"MODULE"
    short: str
    long: str
    content: int  # byte offset of the content
    length: int
    version: int
    revision: int | None  # extended header only
    date: str
    extended: bool

    @property
    def end(self) -> int:
        return self.content + self.length


def sniff(head: bytes, path: Path) -> int:
    """100 for the .mpr magic bytes, else 0."""
    return 100 if head.startswith(MAGIC) else 0


class _Reader:
    """Bounds-checked access to the file's bytes, with errors that name the byte offset.

    Holds either the whole file (``buf``) or an open file (``fh``), from which only the module
    headers, the small modules and the rows (in blocks, see :func:`_columns`) are read.
    """

    def __init__(self, buf: bytes | None, name: str | Path, fh: Any = None, size: int = 0) -> None:
        self.buf = buf
        self.fh = fh
        self.size = len(buf) if buf is not None else size
        self.name = name
        self._blobs: dict[int, bytes] = {}

    def fail(self, problem: str) -> FileFormatError:
        return FileFormatError(self.name, FMT, problem)

    def at(self, offset: int, n: int) -> bytes:
        """The bytes from ``offset``, at most ``n`` (fewer at the end of the file)."""
        if self.buf is not None:
            return self.buf[offset : offset + n]
        n = max(0, min(n, self.size - offset))
        out = bytearray(n)
        self.readinto(offset, out)
        return bytes(out)

    def readinto(self, offset: int | None, out: Any) -> None:
        """Fill ``out`` from the open file, from ``offset`` (None: where the last read ended)."""
        view = memoryview(out).cast("B")
        try:
            if offset is not None:
                self.fh.seek(offset)
            got = 0
            while got < len(view):
                k = self.fh.readinto(view[got:])
                if not k:
                    break
                got += k
        except OSError as exc:
            raise self.fail(f"cannot read it ({exc.strerror})") from None
        if got < len(view):
            end = self.fh.tell()
            raise self.fail(f"it ends at byte {end}, before its stated size (file changed?)")

    def _loc(self, mod: _Module) -> tuple[bytes, int]:
        """Bytes that hold a (small) module's content, and the content's offset in them."""
        if self.buf is not None:
            return self.buf, mod.content
        blob = self._blobs.get(mod.start)
        if blob is None:  # read once
            blob = self._blobs[mod.start] = self.at(mod.content, mod.length)
        return blob, 0

    def _zeros_from(self, o: int) -> bool:
        if self.buf is not None:
            return not any(self.buf[o:])
        while o < self.size:
            chunk = self.at(o, 1 << 20)
            if any(chunk):
                return False
            o += len(chunk)
        return True

    def modules(self) -> list[_Module]:
        size = self.size
        first = self.at(0, _FIRST_MODULE)
        if not first.startswith(MAGIC):
            raise self.fail(
                f"it does not start with {MAGIC.decode()!r} (first bytes {bytes(first[:24])!r})"
            )
        if size < _FIRST_MODULE:
            raise self.fail(f"the file header is cut off at byte {size} (file truncated?)")
        out: list[_Module] = []
        o = _FIRST_MODULE
        while o < size:  # every pass advances by >= 57 bytes: no hang
            hd = self.at(o, _HEADER_EXTENDED)
            if hd[:6] != b"MODULE":
                if self._zeros_from(o):  # zero padding after the last module
                    break
                found = bytes(hd[:6])
                raise self.fail(
                    f"expected a module header 'MODULE' at byte {o}, found {found!r} "
                    "(corrupt file?)"
                )
            if o + _HEADER_SHORT > size:
                raise self.fail(
                    f"the module header at byte {o} is cut off at byte {size} (file truncated?)"
                )
            short = bytes(hd[6:16]).decode("latin-1").strip(" \x00")
            long = bytes(hd[16:41]).decode("latin-1").strip(" \x00")
            h = 41
            extended = hd[h : h + 4] == b"\xff\xff\xff\xff"
            if extended:
                if o + _HEADER_EXTENDED > size:
                    raise self.fail(
                        f"the module header at byte {o} is cut off at byte {size} (file truncated?)"
                    )
                length, version, revision = struct.unpack_from("<III", hd, h + 4)
                date = bytes(hd[h + 16 : h + 24])
                content = o + h + 24
            else:
                length, version = struct.unpack_from("<II", hd, h)
                revision = None
                date = bytes(hd[h + 8 : h + 16])
                content = o + h + 16
            if content + length > size:
                raise self.fail(
                    f"the {short or '?'} module (header at byte {o}) ends at byte {size} but its "
                    f"header declares {length} bytes from byte {content} (file truncated?)"
                )
            out.append(
                _Module(
                    o,
                    short,
                    long,
                    content,
                    length,
                    version,
                    revision,
                    date.decode("latin-1").strip("\x00 "),
                    extended,
                )
            )
            o = content + length
        return out

    # -- small typed reads inside one module, None when out of range ---------------------
    def f32(self, mod: _Module, offset: int) -> float | None:
        if offset + 4 > mod.length:
            return None
        buf, base = self._loc(mod)
        return float(str(np.frombuffer(buf, "<f4", 1, base + offset)[0]))

    def f64(self, mod: _Module, offset: int) -> float | None:
        if offset + 8 > mod.length:
            return None
        buf, base = self._loc(mod)
        return float(struct.unpack_from("<d", buf, base + offset)[0])

    def u8(self, mod: _Module, offset: int) -> int | None:
        if offset + 1 > mod.length:
            return None
        buf, base = self._loc(mod)
        return buf[base + offset]

    def text(self, mod: _Module, offset: int) -> str | None:
        """A length-prefixed (1 byte) string, None if out of range or not printable."""
        if offset + 1 > mod.length:
            return None
        buf, base = self._loc(mod)
        start = base + offset + 1
        n = buf[start - 1]
        if offset + 1 + n > mod.length:
            return None
        s = buf[start : start + n].decode("cp1252", errors="replace")
        return s if all(ch.isprintable() or ch in "\r\n\t" for ch in s) else None


def _settings(rd: _Reader, mod: _Module, info: dict[str, Any], notes: list[str]) -> None:
    tid = rd.u8(mod, 0)
    info["technique_id"] = tid
    technique = TECHNIQUE_IDS.get(tid) if tid is not None else None
    if technique:
        info["techniques"] = (technique,)
    elif tid is not None:
        notes.append(
            f"technique id {tid} (0x{tid:02X}) in the settings is not known to lithiophile"
        )
    for key, off in (("electrode_material", 0x11E), ("electrolyte", 0x1C0)):
        s = rd.text(mod, off)
        if s:
            info["header"][key] = s.strip()
    area = rd.f32(mod, 0x211)
    area_unit = rd.u8(mod, 0x250)
    if area is not None:
        info["header"]["electrode_surface_area"] = area
        info["header"]["electrode_surface_area_unit_code"] = area_unit
        if not is_placeholder(area):
            if area_unit in AREA_UNIT_M2:
                info["area_m2"] = area * AREA_UNIT_M2[area_unit]
            else:
                notes.append(
                    f"electrode surface area {area} has unit code {area_unit}, not known: "
                    "area not set"
                )
    mass = rd.f32(mod, 0x24C)
    unit = rd.u8(mod, 0x251)
    if mass is not None:
        info["header"]["characteristic_mass"] = mass
        info["header"]["characteristic_mass_unit_code"] = unit
        if not is_placeholder(mass):
            if unit == 1:  # [T] code 1 with "Characteristic mass : ... g" in the exports
                info["mass_kg"] = mass * 1e-3
            elif unit == 2:  # only in files without a full export; mg fits their values
                info["mass_kg"] = mass * 1e-6
                notes.append(
                    "characteristic mass unit code 2 taken as mg (inferred, not "
                    "confirmed by an export)"
                )
            else:
                notes.append(
                    f"characteristic mass {mass} has unit code {unit}, not known: mass not set"
                )


def _log(rd: _Reader, mod: _Module, info: dict[str, Any]) -> None:
    days = rd.f64(mod, 0x249)
    if days is not None and 1.0 < days < 2_958_465.0:  # 1900-01-01 .. 9999-12-31
        info["start_time"] = _OLE_EPOCH + timedelta(milliseconds=round(days * 86_400_000))
    for key, off in (
        ("ec_lab_version", 0x3B7),
        ("server_version", 0x3BE),
        ("interpreter_version", 0x3C5),
        ("device_serial", 0x3CF),
    ):
        s = rd.text(mod, off)
        if s and s.strip():
            info["header"][key] = s.strip()


def _loops(rd: _Reader, mod: _Module, n: int) -> list[int] | None:
    buf, base = rd._loc(mod)
    count = struct.unpack_from("<I", buf, base)[0] if mod.length >= 4 else 0
    if count < 2 or 4 + 4 * count > mod.length:
        return None
    starts = np.frombuffer(buf, "<u4", count, base + 4).astype(np.int64)
    if (np.diff(starts) < 0).any() or starts[-1] > n:
        return None
    return [int(s) for s in starts[:-1]]


def parse(
    source: str | Path | bytes | bytearray | memoryview,
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Parse an .mpr into its raw columns and what its header says; no unit conversion.

    Parameters
    ----------
    source
        A path, or the file's bytes.

    Returns
    -------
    columns
        EC-Lab label (``"time/s"``, ``"Ewe/V"``, ``"I/mA"``, flag names such as ``"mode"``)
        -> numpy array in EC-Lab's units: views into the file's bytes for bytes and small files,
        contiguous arrays (read in blocks, without holding the whole file) for big ones. Unknown
        column ids appear as ``raw_id_<id>`` (with an :class:`UnknownColumnWarning`).
    info
        ``n_points``, ``column_ids``, ``modules``, ``format_version``, ``techniques``,
        ``start_time``, ``area_m2`` [m^2], ``mass_kg`` [kg], ``loop_starts``, ``header``
        (further settings and log entries) and ``notes``.

    Raises
    ------
    FileFormatError
        For anything that is not a well-formed .mpr, naming the byte offset.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return _parse(_Reader(bytes(source), "<bytes>"))
    path = Path(source)
    try:
        fh = open(path, "rb", buffering=0)  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise FileFormatError(path, FMT, f"cannot open it ({exc.strerror})") from None
    with fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            # a small file whole (fewer calls); a big one in parts, never all of it at once
            whole = fh.readall() if size <= _BLOCK_BYTES else None
        except OSError as exc:
            raise FileFormatError(path, FMT, f"cannot open it ({exc.strerror})") from None
        return _parse(_Reader(whole, path, fh, size))


def _parse(rd: _Reader) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    name = rd.name
    modules = rd.modules()
    data_mods = [m for m in modules if m.short == "VMP data"]
    if not data_mods:
        raise rd.fail(f"it has no 'VMP data' module (modules: {[m.short for m in modules]})")
    notes: list[str] = []
    info: dict[str, Any] = {
        "modules": [
            {
                "name": m.short,
                "start": m.start,
                "length": m.length,
                "version": m.version,
                "revision": m.revision,
                "date": m.date,
            }
            for m in modules
        ],
        "techniques": (),
        "start_time": None,
        "area_m2": None,
        "mass_kg": None,
        "loop_starts": None,
        "header": {},
        "notes": notes,
    }
    ids, plan, start, n, layout = _data(rd, data_mods[0])
    columns, unknown = _columns(rd, plan, start, n)
    for extra in data_mods[1:]:  # files that EC-Lab merged: append modules with the same ids
        ids2, plan2, start2, n2, _ = _data(rd, extra)
        if ids2 != ids:
            notes.append(f"a second data module at byte {extra.start} has other columns: ignored")
            continue
        more, _ = _columns(rd, plan2, start2, n2)
        columns = {k: np.concatenate([v, more[k]]) for k, v in columns.items()}
        n += n2
    if unknown:
        _warn_unknown(name, unknown)
    for m in modules:
        if m.short == "VMP Set":
            _settings(rd, m, info, notes)
            break
    for m in modules:
        if m.short == "VMP LOG":
            _log(rd, m, info)
            break
    else:
        notes.append("no log module: start time and EC-Lab version not stated")
    for m in modules:
        if m.short == "VMP loop":
            info["loop_starts"] = _loops(rd, m, n)
            break
    data_mod = data_mods[0]
    version = info["header"].get("ec_lab_version")
    fv = f"EC-Lab {version}, " if version else ""
    fv += f"data module v{data_mod.version}"
    if data_mod.extended:
        fv += f" (extended module header, revision {data_mod.revision})"
    info.update(
        n_points=n,
        column_ids=ids,
        unknown_ids=[i for ids_, _, _ in unknown for i in ids_],
        layout=layout,
        format_version=fv,
    )
    return columns, info


def read(path: Path, *, kind: str | None = None, **_: Any) -> CellData | ImpedanceData:
    """Read an .mpr into CellData (GCPL, CP, OCV, MB ...) or ImpedanceData (PEIS, GEIS).

    Parameters
    ----------
    path
        The file (only read).
    kind
        ``"cell"`` or ``"impedance"`` to force the result type (default: from the technique).

    Returns
    -------
    CellData or ImpedanceData
        SI columns; ``step`` follows EC-Lab's sequence number Ns (split at control-mode,
        half-cycle and loop changes), ``cycle`` is EC-Lab's cycle (half cycle // 2) + 1, and
        every other column is kept under its EC-Lab label (``raw_id_<id>`` when unknown).
    """
    columns, info = parse(path)
    own = {k: info[k] for k in ("column_ids", "modules", "layout", "loop_starts")}
    return read_parsed(
        columns,
        info,
        path=path,
        fmt=FMT,
        format_name="biologic-mpr",
        header=own,
        kind=kind,
        consume=True,
    )
