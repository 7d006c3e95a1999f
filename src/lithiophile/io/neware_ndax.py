"""Neware ``.ndax`` files (BTS 8.x): a zip archive of binary ``.ndc`` members and XML.

The container and its members: reading each member safely (sizes, CRC-32, inflating), the
``.ndc`` members decoded by :func:`fastnda._ndc.read_ndc`, the run information, steps and
auxiliary channels joined to the records, and the XML metadata. The table becomes CellData
through :func:`lithiophile.io.neware_nda._build`, shared with the ``.nda`` reader. See
:mod:`lithiophile.io.neware_nda` for the layout, sign convention and sources.
"""

from __future__ import annotations

import os
import re
import struct
import warnings
import zipfile
import zlib
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, UnknownColumnWarning
from lithiophile.io.celldata import CellData, Metadata
from lithiophile.io.neware_nda import (
    _AUX_MEMBER,
    _AUX_MEMBER_SHORT,
    _MAX_MEMBER_BYTES,
    _MAX_RATIO,
    _NDC_LOCAL_CLOCK,
    _XML_MEMBERS,
    _ZIP_MAGIC,
    AUX_TYPES,
    FMT_NDAX,
    _build,
    _parse_start,
    _warnings_to,
    _wrap,
    binary_metadata,
)

__all__ = ["read_ndax"]


_z: ModuleType
try:  # ISA-L inflates about twice as fast as zlib; it is installed with fastnda
    from isal import isal_zlib as _z
except ImportError:  # pragma: no cover - depends on the environment
    _z = zlib
_crc32 = _z.crc32
#: what a corrupt deflate stream raises (zlib.error, or isal's IsalError)
_INFLATE_ERRORS: tuple[type[BaseException], ...] = (zlib.error, ValueError, OSError, _z.error)


def _inflate(data: bytes, size: int) -> bytes:
    """Raw-deflate data inflated to at most ``size + 1`` bytes (a longer stream is corrupt)."""
    return _z.decompressobj(-15).decompress(data, size + 1)


def _member(fh: Any, info: zipfile.ZipInfo, path: Path) -> bytes:
    """The bytes of one zip member, read directly and checked against its CRC-32."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise FileFormatError(path, FMT_NDAX, f"member {name} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise FileFormatError(
            path,
            FMT_NDAX,
            f"member {name} uses zip compression method {info.compress_type}, "
            "not deflate (not written by Neware BTS)",
        )
    if info.file_size > min(_MAX_MEMBER_BYTES, _MAX_RATIO * info.compress_size + (1 << 20)):
        raise FileFormatError(
            path,
            FMT_NDAX,
            f"member {name} declares {info.file_size} bytes from "
            f"{info.compress_size} compressed bytes (corrupted directory?)",
        )
    size = os.fstat(fh.fileno()).st_size
    if not 0 <= info.header_offset <= size - 30 or info.compress_size > size:
        raise FileFormatError(
            path,
            FMT_NDAX,
            f"member {name}: the zip directory places it at byte {info.header_offset} with "
            f"{info.compress_size} bytes, beyond the file's {size} (corrupted or truncated)",
        )
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != _ZIP_MAGIC:
        raise FileFormatError(
            path,
            FMT_NDAX,
            f"member {name}: no local zip header at byte {info.header_offset} "
            "(file truncated or corrupted)",
        )
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    data = fh.read(info.compress_size)
    if len(data) < info.compress_size:
        raise FileFormatError(
            path,
            FMT_NDAX,
            f"member {name} is cut short: {len(data)} of {info.compress_size} "
            "compressed bytes present (file truncated?)",
        )
    if info.compress_type == zipfile.ZIP_DEFLATED:
        try:
            data = _inflate(data, info.file_size)
        except _INFLATE_ERRORS as exc:
            raise FileFormatError(
                path, FMT_NDAX, f"member {name} does not inflate ({exc}): corrupted"
            ) from None
    if len(data) != info.file_size or _crc32(data) != info.CRC:
        raise FileFormatError(
            path,
            FMT_NDAX,
            f"member {name} fails its CRC-32 check ({len(data)} bytes, "
            f"{info.file_size} declared): the file is corrupted",
        )
    return data


def _read_ndc(path: Path, name: str, buf: bytes) -> pl.DataFrame:
    from fastnda._ndc import read_ndc

    if len(buf) < 3:
        raise FileFormatError(path, FMT_NDAX, f"member {name} is {len(buf)} bytes long (empty)")
    try:
        return read_ndc(buf)
    except Exception as exc:  # ValueError (reshape), NotImplementedError, polars errors ...
        raise _wrap(
            path, FMT_NDAX, f"member {name} (ndc version {buf[2]}, type {buf[0]})", exc
        ) from exc


def _aux_members(names: list[str]) -> list[tuple[str, tuple[int, ...]]]:
    found = []
    for name in names:
        m = _AUX_MEMBER.match(name) or _AUX_MEMBER_SHORT.match(name)
        if m:
            found.append((name, tuple(int(g) for g in m.groups())))
    return sorted(found, key=lambda x: x[1])


def read_ndax(path: Path) -> CellData:
    notes: list[str] = []
    try:
        with zipfile.ZipFile(path) as zf:
            infos = {info.filename: info for info in zf.infolist()}
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        EOFError,
        struct.error,
        NotImplementedError,
    ) as exc:
        raise FileFormatError(
            path,
            FMT_NDAX,
            f"not a readable zip archive ({exc}); an .ndax file is a zip of .ndc and .xml "
            "members (file truncated?)",
        ) from None
    if "data.ndc" not in infos:
        listing = ", ".join(list(infos)[:8]) or "nothing"
        raise FileFormatError(
            path,
            FMT_NDAX,
            f"the zip archive holds no data.ndc member (it holds {listing}), so it is not a "
            "Neware .ndax file",
        )
    aux_names = _aux_members(list(infos))
    main_names: tuple[str, ...] = ("data.ndc", "data_runInfo.ndc", "data_step.ndc")
    ndc = [n for n in main_names if n in infos] + [n for n, _ in aux_names]
    xml_names = [n for n in _XML_MEMBERS if n in infos]
    with _warnings_to(notes):
        loaded = _load_members(path, infos, ndc, xml_names)
    frames: dict[str, pl.DataFrame] = {}
    aux_set = {n for n, _ in aux_names}
    for name in ndc:
        result = loaded[name]
        if isinstance(result, FileFormatError):
            raise result
        if isinstance(result, _Undecoded):  # an auxiliary member fastnda cannot decode
            if name not in aux_set:
                raise result.error
            notes.append(f"auxiliary channel {result.error.problem}; left out")
            continue
        frames[name] = result
    xml: dict[str, bytes] = {}
    for xml_name in xml_names:
        result = loaded[xml_name]
        if isinstance(result, FileFormatError):
            raise result
        xml[xml_name] = result
    ndc_version = loaded["version"]
    cols = _ndax_columns(path, frames)
    info = _ndax_xml(xml, notes)
    aux_frames = {n: frames[n] for n, _ in aux_names if n in frames}
    aux = _ndax_aux(path, cols["record_index"], aux_frames, aux_names, info["aux"], notes)
    meta = _ndax_metadata(info, ndc_version)
    local = "data_runInfo.ndc" not in frames and ndc_version in _NDC_LOCAL_CLOCK
    return _build(path, FMT_NDAX, cols, aux, meta, notes, local_clock=local)


class _Undecoded:
    """A member that was read intact but that fastnda cannot decode."""

    def __init__(self, error: FileFormatError) -> None:
        self.error = error


#: compressed bytes above which members are inflated and decoded in parallel threads
_PARALLEL_BYTES = 1 << 19


def _load_members(
    path: Path, infos: dict[str, zipfile.ZipInfo], ndc: list[str], xml: list[str]
) -> dict[str, Any]:
    """Bytes of the XML members and decoded frames of the .ndc members (or the error of each).

    ISA-L inflation and fastnda's numpy/polars decoding release the GIL, so a large file's
    members are handled by a few threads at once, as fastnda's own ``read_ndax`` does.
    """

    def job(names: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        with open(path, "rb") as fh:
            for name in names:
                try:
                    buf = _member(fh, infos[name], path)
                except FileFormatError as exc:  # truncated or corrupted: always fatal
                    out[name] = exc
                    continue
                if not name.endswith(".ndc"):
                    out[name] = buf
                    continue
                if name == "data.ndc":
                    out["version"] = buf[2] if len(buf) > 2 else None
                try:
                    out[name] = _read_ndc(path, name, buf)
                except FileFormatError as exc:
                    out[name] = _Undecoded(exc)
        return out

    compressed = sum(infos[n].compress_size for n in ndc)
    if compressed < _PARALLEL_BYTES or len(ndc) < 2:
        return job(ndc + xml)
    from concurrent.futures import ThreadPoolExecutor

    # data.ndc alone (the largest), the rest shared out by size
    rest = sorted(ndc[1:], key=lambda n: -infos[n].compress_size)
    groups: list[list[str]] = [["data.ndc"], [], []]
    for name in rest:
        min(groups[1:], key=lambda g: sum(infos[n].compress_size for n in g)).append(name)
    groups[2] += xml
    loaded: dict[str, Any] = {}
    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        for part in pool.map(job, [g for g in groups if g]):
            loaded.update(part)
    return loaded


def _np(df: pl.DataFrame, name: str) -> np.ndarray:
    return df.get_column(name).to_numpy()


def _ndax_columns(path: Path, frames: dict[str, pl.DataFrame]) -> dict[str, np.ndarray]:
    """Per-record columns from data.ndc, completed from data_runInfo.ndc and data_step.ndc."""
    main = frames["data.ndc"]
    cols = {name: _np(main, name) for name in main.columns}
    cols["record_index"] = cols.pop("index")
    if "data_runInfo.ndc" in frames:
        cols.update(_fill_run_info(path, cols["record_index"], cols, frames["data_runInfo.ndc"]))
    if "data_step.ndc" in frames and "step_count" in cols and "step_type" not in cols:
        cols.update(_join_steps(path, cols["step_count"], frames["data_step.ndc"]))
    return cols


def _fill_run_info(
    path: Path, record: np.ndarray, cols: dict[str, np.ndarray], run_info: pl.DataFrame
) -> dict[str, np.ndarray]:
    """Values of every record from the runInfo entries, as fastnda's ``_data_interpolation``.

    A record at or after entry ``k`` (at record position ``p_k``) and before the next takes
    the entry's step time and Unix time plus ``(p - p_k)*dt``, its capacities plus
    ``dt*sum(I)/3600`` over the records since the entry (split by sign into charge and
    discharge), its energies plus ``dt*sum(V*I)/3600``. Capacities and energies come out in
    SI (C and J: ``step_charge_capacity_C`` ...).
    """
    n = record.size
    if n > 1 and not (np.diff(record) > 0).all():
        raise FileFormatError(
            path, FMT_NDAX, "the records of data.ndc are not in increasing order (corrupted?)"
        )
    r_index = _np(run_info, "index").astype(np.int64)
    order = np.argsort(r_index, kind="stable")
    r_index = r_index[order]
    pos = np.searchsorted(record, r_index)
    hit = pos < n
    hit[hit] = record[pos[hit]] == r_index[hit]
    pos, order = pos[hit], order[hit]
    if not pos.size or pos[0] != 0:
        raise FileFormatError(
            path,
            FMT_NDAX,
            "data_runInfo.ndc has no entry for the first record, so its time "
            "is unknown (member truncated?)",
        )
    lengths = np.diff(np.append(pos, n))  # records governed by each entry

    def entry(name: str, dtype: Any = np.float64) -> np.ndarray:
        return _np(run_info, name)[order].astype(dtype)

    dt = entry("dt")
    # elapsed since the entry = (p - p_k)*dt = p*dt - p_k*dt, evaluated per record
    elapsed = np.arange(n, dtype=np.float64)
    elapsed *= np.repeat(dt, lengths)
    start = pos * dt
    out = {
        "step_time_s": elapsed + np.repeat(entry("step_time_s") - start, lengths),
        "step_count": np.repeat(entry("step_count", np.int32), lengths),
    }
    if "unix_time_s" in run_info.columns:
        out["unix_time_s"] = elapsed + np.repeat(entry("unix_time_s") - start, lengths)
    current_mA = cols["current_mA"].astype(np.float64)
    rates = {"capacity": current_mA, "energy": cols["voltage_V"] * current_mA}
    for quantity, unit, stored in (
        ("capacity", "C", "capacity_mAh"),
        ("energy", "J", "energy_mWh"),
    ):
        if f"charge_{stored}" not in run_info.columns:
            continue
        # 1 mA*s = 1e-3 C, 1 mW*s = 1e-3 J; stored mAh/mWh x 3.6 = C/J
        running = np.cumsum(rates[quantity])
        inc = running - np.repeat(running[pos], lengths)
        inc *= np.repeat(dt * 1e-3, lengths)
        gain = np.maximum(inc, 0.0)
        loss = np.minimum(inc, 0.0)
        gain += np.repeat(np.abs(entry(f"charge_{stored}")) * 3.6, lengths)
        loss -= np.repeat(np.abs(entry(f"discharge_{stored}")) * 3.6, lengths)
        np.negative(loss, out=loss)
        out[f"step_charge_{quantity}_{unit}"] = gain
        out[f"step_discharge_{quantity}_{unit}"] = loss
    return out


def _join_steps(path: Path, step_count: np.ndarray, step_df: pl.DataFrame) -> dict[str, np.ndarray]:
    """Cycle, program step and step type of each record from data_step.ndc (by step count)."""
    numbers = _np(step_df, "step_count").astype(np.int64)
    size = int(max(numbers.max(initial=0), step_count.max(initial=0))) + 1
    where = np.full(size, -1, dtype=np.int64)
    where[numbers] = np.arange(numbers.size)
    row = where[step_count.astype(np.int64)]
    if (row < 0).any():
        first = int(np.flatnonzero(row < 0)[0])
        raise FileFormatError(
            path,
            FMT_NDAX,
            f"record {first + 1} belongs to step {int(step_count[first])}, which "
            "data_step.ndc does not list (member truncated?)",
        )
    return {
        "cycle_count": _np(step_df, "cycle_count").astype(np.int32)[row],
        "step_index": _np(step_df, "step_index").astype(np.int32)[row],
        "step_type": _np(step_df, "step_type").astype(np.uint8)[row],
    }


def _xml_root(data: bytes) -> Any:
    """Parsed XML member, decoded with the encoding its declaration names (BTS writes GB2312
    for TestInfo/VersionInfo and UTF-8 for Step.xml); defusedxml refuses entity tricks."""
    from defusedxml import ElementTree

    declared = re.match(rb'^\s*<\?xml[^>]*encoding="([^"]+)"', data)
    encoding = declared.group(1).decode("ascii", "replace").lower() if declared else "utf-8"
    if encoding in ("gb2312", "gbk"):
        encoding = "gb18030"  # the superset: never fails on characters GB2312 lacks
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        text = data.decode("utf-8", errors="replace")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # decoded already
    return ElementTree.fromstring(text)


def _ndax_xml(xml: dict[str, bytes], notes: list[str]) -> dict[str, Any]:
    """Header fields from TestInfo.xml, VersionInfo.xml and Step.xml."""
    info: dict[str, Any] = {"aux": []}
    for name, data in xml.items():
        try:
            root = _xml_root(data)
        except Exception as exc:  # defusedxml / expat errors: metadata only
            notes.append(f"{name} unreadable ({type(exc).__name__}: {exc}); its fields left out")
            continue
        config = root.find("config")
        if config is None:
            continue
        if name == "TestInfo.xml":
            test = config.find("TestInfo")
            if test is not None:
                info["TestInfo"] = dict(test.attrib)
                info["aux"] = [
                    dict(child.attrib) for child in test if re.fullmatch(r"Aux\d+", child.tag)
                ]
        elif name == "VersionInfo.xml":
            info["SortVersion"] = config.attrib.get("SortVersion")
            version = config.find("ZwjVersion")
            if version is not None:
                info["VersionInfo"] = dict(version.attrib)
        elif name == "Step.xml":
            head = config.find("Head_Info")
            if head is not None:
                info["Step.Head_Info"] = {c.tag: c.attrib.get("Value") for c in head}
    return info


def _ndax_metadata(info: dict[str, Any], ndc_version: int) -> Metadata:
    test = info.get("TestInfo", {})
    version = info.get("VersionInfo", {})
    client = version.get("CurrClientVer") or info.get("SortVersion")
    parts = [str(client)] if client else []
    parts.append(f"ndc version {ndc_version}")
    header: dict[str, Any] = {"ndc_version": ndc_version}
    for key in ("TestInfo", "VersionInfo", "Step.Head_Info"):
        if key in info:
            header[key] = info[key]
    if info.get("aux"):
        header["aux_channels"] = info["aux"]
    return binary_metadata(parts, _parse_start(test.get("StartTime")), header)


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _pair_aux(
    members: list[tuple[str, tuple[int, ...]]], entries: list[dict[str, Any]]
) -> dict[str, dict[str, Any] | None]:
    """TestInfo.xml entry of each auxiliary member.

    ``data_AUX_<RealChlID>_<t>_<n>.ndc`` goes with the entry of that ``RealChlID`` whose
    ``ChlType`` is ``t + 100`` (so in every file we have); members left over take the entries
    left over in order, as fastnda and NewareNDA do for all of them.
    """
    free = list(range(len(entries)))
    paired: dict[str, dict[str, Any] | None] = {}
    for name, numbers in members:
        if len(numbers) != 3:
            continue
        real, kind = numbers[0], numbers[1]
        same = [j for j in free if _int(entries[j].get("RealChlID")) == real]
        typed = [j for j in same if _int(entries[j].get("ChlType")) == kind + 100]
        pick = typed or same
        if len(pick) >= 1 and (len(pick) == 1 or typed):
            paired[name] = entries[pick[0]]
            free.remove(pick[0])
    rest = [name for name, _ in members if name not in paired]
    if rest and len(rest) == len(free):
        paired.update({name: entries[j] for name, j in zip(rest, free, strict=True)})
    else:
        paired.update({name: None for name in rest})
    return paired


def _ndax_aux(
    path: Path,
    record: np.ndarray,
    frames: dict[str, pl.DataFrame],
    members: list[tuple[str, tuple[int, ...]]],
    entries: list[dict[str, Any]],
    notes: list[str],
) -> list[tuple[str, np.ndarray]]:
    """Auxiliary channels as (column name, SI values per record)."""
    out: list[tuple[str, np.ndarray]] = []
    if not frames:
        return out
    paired = _pair_aux([(n, g) for n, g in members if n in frames], entries)
    for name, _ in members:
        df = frames.get(name)
        if df is None:
            continue
        entry = paired.get(name)
        aux_id = _int(entry.get("AuxID")) if entry else None
        ch_type = _int(entry.get("ChlType")) if entry else None
        prefix = f"aux{aux_id}" if aux_id is not None else f"aux_{Path(name).stem}"
        index = _np(df, "index").astype(np.int64) if "index" in df.columns else None
        for col in df.columns:
            if col in ("index", "Aux"):
                continue
            values = _np(df, col).astype(np.float64)
            if col == "?":
                spec = AUX_TYPES.get(ch_type) if ch_type is not None else None
                if spec is None:
                    label = f"{prefix}_chltype{ch_type}" if ch_type is not None else prefix
                    warnings.warn(
                        f"{path.name}: auxiliary member {name} has channel type {ch_type} "
                        f"(TestInfo.xml), whose quantity and unit are unknown; kept as '{label}' "
                        "as stored",
                        UnknownColumnWarning,
                        stacklevel=4,
                    )
                    out.append((label, _align(values, index, record)))
                    continue
                quantity, factor, offset = spec
            elif col.endswith("_degC"):
                quantity, factor, offset = col.replace("_degC", "_K"), 1.0, 273.15
            else:
                quantity, factor, offset = col, 1.0, 0.0
            values = values * factor + offset if (factor != 1.0 or offset) else values
            out.append((f"{prefix}_{quantity}", _align(values, index, record)))
    return out


def _align(values: np.ndarray, index: np.ndarray | None, record: np.ndarray) -> np.ndarray:
    """Values per main record: by position when the lengths agree (as fastnda), else by index."""
    if values.size == record.size or index is None:
        if values.size != record.size:
            out = np.full(record.size, np.nan)
            k = min(values.size, record.size)
            out[:k] = values[:k]
            return out
        return values
    out = np.full(record.size, np.nan)
    pos = np.searchsorted(record, index)
    ok = pos < record.size
    ok[ok] = record[pos[ok]] == index[ok]
    out[pos[ok]] = values[ok]
    return out


# -- common ---------------------------------------------------------------------------------


FMT_NDC = "a bare Neware .ndc"


def read_ndc_file(path: Path) -> CellData:
    """A bare ``.ndc`` file, as BTS server writes one outside an ``.ndax`` archive.

    The ``data.ndc`` of ndc versions up to 5 holds every record column (times, cycle, step,
    capacities); from version 14 on it holds only voltage and current, the times and steps
    being in ``data_runInfo.ndc`` and ``data_step.ndc``: such a file alone is refused, naming
    what it lacks.
    """
    buf = path.read_bytes()
    if len(buf) < 8:
        raise FileFormatError(path, FMT_NDC, f"{len(buf)} bytes: too short for an .ndc file")
    version = buf[2]
    frame = _read_ndc(path, path.name, buf)
    if not {"step_count", "voltage_V", "current_mA"} <= set(frame.columns) or not (
        {"step_time_s", "total_time_s"} & set(frame.columns)
    ):
        raise FileFormatError(
            path,
            FMT_NDC,
            f"this .ndc (version {version}) holds only {frame.columns}: the record times and "
            "steps of this version are in the data_runInfo.ndc and data_step.ndc members of "
            "the .ndax archive; read the .ndax file instead",
        )
    notes: list[str] = []
    cols = _ndax_columns(path, {"data.ndc": frame})
    meta = Metadata(
        instrument="Neware",
        format="neware-ndc",
        format_version=f"bare .ndc, version {version}",
        techniques=(),
    )
    local = version in _NDC_LOCAL_CLOCK
    return _build(path, FMT_NDC, cols, [], meta, notes, local_clock=local)
