"""Checks of a Neware ``.nda`` file before it is decoded: the header's block offsets within
the file, and every record of the data block opening with a Neware record identifier (data
0x55, auxiliary 0x65, step 0xaa). A truncated or corrupted file fails here with the byte where
it goes wrong, instead of decoding into plausible numbers. Used by
:mod:`lithiophile.io.neware_nda`.
"""

from __future__ import annotations

import mmap
from pathlib import Path

import numpy as np

from lithiophile.errors import FileFormatError

__all__ = ["FMT_NDA", "check_nda"]

FMT_NDA = "Neware .nda"
#: nda file version -> record length [bytes], for the versions whose layout fastnda has
#: checked against real files (its ``_CONFIRMED_READER_NAMES``); used to check record ids.
_NDA_RECORD_BYTES = {5: 59, 6: 59, 7: 59, 8: 59, 14: 86, 16: 86, 17: 86, 20: 86, 22: 86,
                     23: 86, 24: 86, 26: 86, 28: 86, 29: 86}  # fmt: skip
#: record identifiers (first byte) of data (0x55 and, up to version 8, 0x00), auxiliary
#: (0x65) and step-marker (0xAA) records
_NDA_IDS_OLD = np.array([0, 0x55, 0x65, 0xAA], dtype=np.uint8)
_NDA_IDS = np.array([0x55, 0x65, 0xAA], dtype=np.uint8)


def _u32(mm: mmap.mmap, at: int) -> int:
    return int.from_bytes(mm[at : at + 4], "little")


def _u64(mm: mmap.mmap, at: int) -> int:
    return int.from_bytes(mm[at : at + 8], "little")


def _check_block(path: Path, name: str, begin: int, length: int, size: int) -> None:
    if begin and begin + length > size:
        raise FileFormatError(
            path,
            FMT_NDA,
            f"the header declares the {name} at bytes {begin}-{begin + length} but the file ends "
            f"at byte {size} (file truncated?)",
        )


def check_nda(mm: mmap.mmap, path: Path, notes: list[str]) -> int:
    """Check the header and the data block of an .nda file before decoding; its version."""
    size = len(mm)
    if size < 128:
        raise FileFormatError(
            path,
            FMT_NDA,
            f"the file is {size} bytes long, shorter than an .nda header (truncated?)",
        )
    version = mm[14]
    if 1 <= version <= 29:
        begin, length = _u32(mm, 64), _u32(mm, 68)
        _check_block(path, "data block", begin, length, size)
        if version >= 11:
            _check_block(path, "auxiliary block", _u32(mm, 72), _u32(mm, 76), size)
        _check_block(path, "test-info block", _u32(mm, 24), _u32(mm, 28), size)
        rec = _NDA_RECORD_BYTES.get(version)
        if rec and begin and length:
            _check_record_ids(mm, path, version, begin, length, rec, notes)
    elif version in (129, 130):
        _check_block(path, "data block", _u64(mm, 82), _u64(mm, 90), size)
        _check_block(path, "test-info block", _u64(mm, 34), _u64(mm, 42), size)
    return version


def _check_record_ids(
    mm: mmap.mmap, path: Path, version: int, begin: int, length: int, rec: int, notes: list[str]
) -> None:
    """Every record of the data block must open with a Neware record identifier."""
    if length % rec:
        raise FileFormatError(
            path,
            FMT_NDA,
            f"the data block at byte {begin} is {length} bytes long, not a whole number of "
            f"{rec}-byte records of nda version {version} (corrupted header?)",
        )
    n = length // rec
    block = np.frombuffer(mm, dtype=np.uint8, count=n * rec, offset=begin).reshape(n, rec)
    ids = block[:, 0].copy()
    bad = np.flatnonzero(~np.isin(ids, _NDA_IDS_OLD if version <= 8 else _NDA_IDS))
    first = int(bad[0]) if bad.size else n
    padding = bad.size and not block[first:].any()
    del block  # no view of the map may outlive this function (the map is closed after it)
    if not bad.size:
        return
    if padding:
        notes.append(f"the data block ends with {n - first} empty (all-zero) records, ignored")
        return
    raise FileFormatError(
        path,
        FMT_NDA,
        f"record {first + 1} of {n} in the data block (byte {begin + first * rec}) has the "
        f"identifier 0x{int(ids[first]):02x}, not that of a Neware data (0x55), auxiliary "
        "(0x65) or step (0xaa) record: the data block is corrupted",
    )
