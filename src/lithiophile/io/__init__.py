"""Readers: raw instrument files in, :class:`CellData` / :class:`ImpedanceData` out.

The format is detected from the file's content (the extension only breaks ties); see
:mod:`lithiophile.io.registry` for the list. Every reader applies the package's sign convention
(reduction at the working electrode = negative current) and SI units, in two stages: it parses
the vendor layout, then builds CellData / ImpedanceData from it.

What :func:`read` returns has passed one shared check (:mod:`lithiophile.io.validate`): time
never runs backwards inside a step, frequencies are positive, voltages and currents are within
what an instrument measures; a violation is a FileFormatError naming the row. Every assumption,
repair and warning of the reader is on ``data.meta.provenance`` (a tuple of
:class:`Provenance`; ``data.meta.all_provenance()`` adds the free-text notes), e.g. the sign
inferred from a state column, the area taken from the header, the charge from the
instrument's counter and its cross-check with the integral of current, columns realigned.
A list of files is one test split over several files: :func:`lithiophile.io.join.join`.

Examples
--------
>>> import lithiophile.io as lio                      # doctest: +SKIP
>>> data = lio.read("cell3.mpr")                      # doctest: +SKIP
>>> data.summary().format                          # doctest: +SKIP
'biologic-mpr'
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lithiophile.errors import (
    FileFormatError,
    InputError,
    LithiophileError,
    UnrecognisedFileError,
)
from lithiophile.io.celldata import CellData, ImpedanceData, Metadata, Provenance
from lithiophile.io.registry import FORMATS, HEAD_BYTES, Format, get_format

__all__ = [
    "FORMATS",
    "CellData",
    "ImpedanceData",
    "Metadata",
    "Provenance",
    "detect",
    "read",
    "sha256_of",
]


#: Electrode areas [m^2] accepted as an option: a 1 um^2 microelectrode to 100 m^2 of stacked
#: electrode sheets; anything outside is a typo or a unit mistake.
AREA_RANGE_M2 = (1e-12, 100.0)


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
    path: str | Path | Sequence[str | Path],
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
        The file. It is only ever opened for reading. A list of files is one test split over
        several files (continuation files): each is read, then they are joined in the order
        given by :func:`lithiophile.io.join.join` (time offset, cycle and step numbering
        continued, gaps reported in the provenance).
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
    _check_area(area_m2)
    if not isinstance(path, str | Path):
        from lithiophile.io.join import join

        opts = dict(format=format, area_m2=area_m2, column_map=column_map, **options)
        return join([read(one, **opts) for one in path])
    p = _check_file(path)
    if p.stat().st_size == 0:
        raise UnrecognisedFileError(
            p, format or "any supported format", "the file is empty (0 bytes)"
        )
    if column_map is not None:
        options["column_map"] = column_map
        format = format or "generic-csv"
    fmt = get_format(format) if format else detect(p)
    data, sha = _run_reader(p, fmt, options)
    meta = data.meta.replace(
        source_path=str(p),
        sha256=sha,
        format=data.meta.format or fmt.name,
        instrument=data.meta.instrument or fmt.instrument,
    )
    data.meta = _with_area(meta, area_m2)
    from lithiophile.io.validate import check

    return check(data, p, fmt.description)


def _check_area(area_m2: float | None) -> None:
    if area_m2 is not None and not AREA_RANGE_M2[0] <= area_m2 <= AREA_RANGE_M2[1]:
        raise InputError(
            f"area_m2 must be a positive area in m^2 such as 1.13e-4, within the "
            f"{AREA_RANGE_M2[0]:g} to {AREA_RANGE_M2[1]:g} m^2 an electrode can have "
            f"(1 um^2 microelectrode to a 100 m^2 stack). Got {area_m2!r}."
        )


def _run_reader(
    p: Path, fmt: Format, options: dict[str, Any]
) -> tuple[CellData | ImpedanceData, str]:
    """The format's reader on ``p`` (any unforeseen failure named as a FileFormatError), with
    the file's SHA-256 computed beside it."""
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
        return data, digest.result()


def _with_area(meta: Metadata, area_m2: float | None) -> Metadata:
    """The area given overrides the file's; either way the provenance says where it is from."""
    if area_m2 is not None:
        said = f" (the file states {meta.area_m2 * 1e4:.6g} cm²)" if meta.area_m2 else ""
        return meta.replace(area_m2=float(area_m2)).with_provenance(
            Provenance(
                "assumption",
                f"electrode area {area_m2 * 1e4:.6g} cm² as given{said}",
                "",
                "area-given",
            )
        )
    if meta.area_m2 is not None:
        return meta.with_provenance(
            Provenance(
                "assumption",
                f"electrode area {meta.area_m2 * 1e4:.6g} cm² taken from the file's header",
                "",
                "area-from-header",
            )
        )
    return meta
