"""Convert instrument files to Parquet or Battery Data Format CSV, one file or a whole folder."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from lithiophile.errors import InputError, UnrecognisedFileError
from lithiophile.parallel import run_jobs

__all__ = ["TreeReport", "convert_file", "convert_tree"]


def convert_file(source: str | Path, output: str | Path, *, format: str | None = None) -> Path:
    """Read ``source`` and write it to ``output`` (``.parquet``, or ``.csv`` for BDF CSV)."""
    from lithiophile.io import bdf, read

    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise InputError(
            "the output of convert must end in .parquet or .csv (Battery Data Format). "
            f"Got '{output}'."
        )
    if Path(source).resolve() == output.resolve():
        raise InputError(
            f"the output '{output}' is the input file; input files are never overwritten."
        )
    data = read(source, format=format)
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        return data.write_parquet(output)
    return bdf.write(data, output)


@dataclass
class TreeReport:
    """What a folder conversion did: (source, destination) pairs, and (source, reason) pairs."""

    converted: list[tuple[Path, Path]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def _convert_one(job: tuple[Path, Path], format: str | None) -> Path:
    source, dest = job
    return convert_file(source, dest, format=format)


def convert_tree(
    source: str | Path,
    output: str | Path,
    *,
    to: str = "parquet",
    workers: int | None = None,
    format: str | None = None,
) -> TreeReport:
    """Convert every readable file under ``source`` into ``output``, mirroring sub-folders.

    Files that no reader recognises are skipped (listed in the report); files that are
    recognised but fail to read are listed as failed with the reason. Runs in ``workers``
    processes (default: one per core).
    """
    source, output = Path(source), Path(output)
    if not source.is_dir():
        raise InputError(f"'{source}' is not a folder.")
    ext = ".parquet" if to == "parquet" else ".csv"
    files = sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
    out_root = output.resolve()
    files = [p for p in files if out_root not in p.resolve().parents]
    jobs = [(p, output / p.relative_to(source).with_name(p.name + ext)) for p in files]
    report = TreeReport()
    n = workers or min(len(jobs), os.cpu_count() or 1) or 1
    for result in run_jobs(partial(_convert_one, format=format), jobs, workers=n):
        path = result.item[0]
        if result.ok and result.value is not None:
            report.converted.append((path, result.value))
        elif result.error_type == UnrecognisedFileError.__name__:
            report.skipped.append((path, result.error or ""))
        else:
            report.failed.append((path, result.error or ""))
    return report
