"""Readers: raw instrument files in, :class:`CellData` / :class:`ImpedanceData` out.

The format is detected from the file's content (the extension only breaks ties); see
:mod:`lithiophile.io.registry` for the list. Every reader applies the package's sign convention
(reduction at the working electrode = negative current) and SI units.

Examples
--------
>>> import lithiophile.io as lio                      # doctest: +SKIP
>>> data = lio.read("cell3.mpr")                      # doctest: +SKIP
>>> data.summary()["format"]                          # doctest: +SKIP
'biologic-mpr'
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lithiophile.errors import (
    FileFormatError,
    InputError,
    LithiophileError,
    UnrecognisedFileError,
)
from lithiophile.io.celldata import CellData, ImpedanceData, Metadata
from lithiophile.io.registry import FORMATS, HEAD_BYTES, Format, get_format

__all__ = [
    "FORMATS",
    "CellData",
    "ImpedanceData",
    "Metadata",
    "detect",
    "read",
    "sha256_of",
]


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _check_file(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError(f"no such file: '{p}'. Check the path (relative to {Path.cwd()}).")
    if p.is_dir():
        raise InputError(f"'{p}' is a folder; give a file, or use 'convert DIR --recursive'.")
    return p


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(HEAD_BYTES)


def detect(path: str | Path) -> Format:
    """The format of a file, decided from its content.

    Raises
    ------
    FileFormatError
        When the file is empty or no format recognises it.
    """
    p = _check_file(path)
    head = _head(p)
    if not head:
        raise UnrecognisedFileError(p, "any supported format", "the file is empty (0 bytes)")
    suffix = p.suffix.lower()
    best: tuple[int, Format] | None = None
    for fmt in FORMATS:
        score = fmt.sniff(head, p)
        if score <= 0:
            continue
        if suffix in fmt.extensions:
            score += 5
        if best is None or score > best[0]:
            best = (score, fmt)
        if score >= 100:  # a magic number: certain
            break
    if best is None:
        preview = head[:24]
        raise UnrecognisedFileError(
            p,
            "any supported format",
            f"its content matches none of {', '.join(f.name for f in FORMATS)} "
            f"(first bytes {preview!r}); if it is a CSV/XLSX table, give a column mapping "
            '(--map "time=...,voltage=...,current=...")',
        )
    return best[1]


def read(
    path: str | Path,
    *,
    format: str | None = None,
    area_m2: float | None = None,
    column_map: dict[str, str] | None = None,
    **options: Any,
) -> CellData | ImpedanceData:
    """Read one instrument file into canonical data.

    Parameters
    ----------
    path
        The file. It is only ever opened for reading.
    format
        A name from :data:`FORMATS` to skip detection (e.g. ``"biologic-mpr"``).
    area_m2
        Electrode area [m^2], overriding what the file states.
    column_map
        For tables without a known layout: canonical name -> column label, e.g.
        ``{"time": "Time(s)", "voltage": "Ewe/V", "current": "I/mA"}``; units are read from the
        labels. Implies ``format="generic-csv"`` unless a format is given.
    **options
        Passed to the format's reader.

    Raises
    ------
    FileFormatError
        Naming the file, the format tried and what is wrong.
    """
    p = _check_file(path)
    if p.stat().st_size == 0:
        raise UnrecognisedFileError(
            p, format or "any supported format", "the file is empty (0 bytes)"
        )
    if column_map is not None:
        options["column_map"] = column_map
        format = format or "generic-csv"
    fmt = get_format(format) if format else detect(p)
    module = fmt.load()
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(sha256_of, p)
        try:
            data = module.read(p, **options)
        except LithiophileError:
            raise
        except MemoryError:
            raise FileFormatError(
                p, fmt.description, "ran out of memory (corrupt sizes?)"
            ) from None
        except Exception as exc:  # a reader's unforeseen failure still names file and format
            raise FileFormatError(
                p, fmt.description, f"unexpected content ({type(exc).__name__}: {exc})"
            ) from exc
        sha = digest.result()
    meta = data.meta.replace(
        source_path=str(p),
        sha256=sha,
        format=data.meta.format or fmt.name,
        instrument=data.meta.instrument or fmt.instrument,
    )
    if area_m2 is not None:
        if not area_m2 > 0:
            raise InputError(
                f"area_m2 must be a positive area in m^2 such as 1.13e-4. Got {area_m2!r}."
            )
        meta = meta.replace(area_m2=float(area_m2))
    data.meta = meta
    return data
