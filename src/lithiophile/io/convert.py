"""Convert instrument files to Parquet or Battery Data Format CSV, one file or a whole folder.

Every output is written under a temporary hidden name in its folder and renamed to its final
name only when complete, so an interrupt or a crash never leaves a partial file under a final
name (a rename within one folder is atomic).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from lithiophile.errors import InputError, UnrecognisedFileError
from lithiophile.parallel import Batch, JobResult, run_batch

__all__ = ["TreeReport", "atomic_output", "convert_file", "convert_tree"]


def atomic_output(output: Path, write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp)`` on a temporary name beside ``output`` (same suffix), then rename it
    to ``output``; on any failure or interrupt the temporary file is removed."""
    output.parent.mkdir(parents=True, exist_ok=True)
    # hidden (skipped by folder conversions), unique per process and call, same suffix
    tmp = output.with_name(f".{output.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.part")
    tmp = tmp.with_name(tmp.name + output.suffix)
    try:
        write(tmp)
        os.replace(tmp, output)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return output


def convert_file(source: str | Path, output: str | Path, *, format: str | None = None) -> Path:
    """Read ``source`` and write it to ``output`` (``.parquet``, or ``.csv`` for BDF CSV)."""
    from lithiophile.io import read

    check_output(source, output)
    return write_converted(read(source, format=format), output)


def check_output(source: str | Path, output: str | Path) -> None:
    """Refuse an output that is not .parquet/.csv, or that is the input file itself."""
    output = Path(output)
    if output.suffix.lower() not in (".parquet", ".csv"):
        raise InputError(
            "the output of convert must end in .parquet or .csv (Battery Data Format). "
            f"Got '{output}'."
        )
    if Path(source).resolve() == output.resolve():
        raise InputError(
            f"the output '{output}' is the input file; input files are never overwritten."
        )


def write_converted(data: Any, output: str | Path) -> Path:
    """Write data already read to ``output`` (Parquet, or BDF CSV for ``.csv``), atomically."""
    from lithiophile.io import bdf

    output = Path(output)
    if output.suffix.lower() == ".parquet":
        return atomic_output(output, data.write_parquet)
    return atomic_output(output, partial(bdf.write, data))


@dataclass
class TreeReport:
    """What a folder conversion did: (source, destination) pairs, and (source, reason) pairs;
    ``warnings`` once each for the whole folder."""

    converted: list[tuple[Path, Path]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def failure_summary(self) -> str:
        """``"2 of 5 files failed:\\n  a.mpr: why"`` ("" when none failed)."""
        if not self.failed:
            return ""
        total = len(self.converted) + len(self.skipped) + len(self.failed)
        lines = [f"{len(self.failed)} of {total} files failed:"]
        return "\n".join(lines + [f"  {path}: {why}" for path, why in self.failed])


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
    on_result: Callable[[JobResult[Any, Any]], None] | None = None,
) -> TreeReport:
    """Convert every readable file under ``source`` into ``output``, mirroring sub-folders.

    Files that no reader recognises are skipped (listed in the report); files that are
    recognised but fail to read are listed as failed with the reason. Runs on up to
    ``workers`` processes (default: one per core) when the folder is big enough for a pool
    to pay (:func:`lithiophile.parallel.run_jobs`).

    Raises
    ------
    BatchInterrupted
        On Ctrl-C; the files converted before it are complete, no partial file is left.
    """
    source, output = Path(source), Path(output)
    if not source.is_dir():
        raise InputError(f"'{source}' is not a folder.")
    if to not in ("parquet", "csv"):
        raise InputError(f"--to must be 'parquet' or 'csv'. Got {to!r}.")
    ext = ".parquet" if to == "parquet" else ".csv"
    files = sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
    out_root = output.resolve()
    files = [p for p in files if out_root not in p.resolve().parents]
    jobs = [(p, output / p.relative_to(source).with_name(p.name + ext)) for p in files]
    n = workers or min(len(jobs), os.cpu_count() or 1) or 1
    batch = run_batch(partial(_convert_one, format=format), jobs, workers=n, on_result=on_result)
    return _report(batch)


def _report(batch: Batch[tuple[Path, Path], Path]) -> TreeReport:
    report = TreeReport(warnings=batch.warnings)
    for result in batch:
        path = result.item[0]
        if result.ok and result.value is not None:
            report.converted.append((path, result.value))
        elif result.error_type == UnrecognisedFileError.__name__:
            report.skipped.append((path, result.error or ""))
        else:
            report.failed.append((path, result.error or ""))
    return report
