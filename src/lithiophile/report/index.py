"""The dashboard's index of cells: one row per file, computed in parallel, cached in the store
by content hash (a renamed or moved file is not analysed again; a changed file is).

Each row is a flat dict of what the table shows: file, instrument, format, protocol and the
headline figures in display units, or the error that stopped the analysis.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from lithiophile.errors import InputError

__all__ = ["COLUMNS", "STORE_KIND", "index_files", "list_files", "load_index", "row_of"]

STORE_KIND = "report-index"
#: Bumped when the content of a row changes, so that old rows are recomputed.
INDEX_VERSION = "1"

#: Table columns: (key, title). Figures in display units.
COLUMNS = (
    ("name", "file"),
    ("kind", "kind"),
    ("instrument", "instrument"),
    ("format", "format"),
    ("protocol", "protocol"),
    ("rows", "rows"),
    ("cycles", "cycles"),
    ("area_cm2", "area [cm2]"),
    ("ce_pct", "CE [%]"),
    ("polarization_mV", "polarization [mV]"),
    ("life_h", "cycle life [h]"),
    ("ccd_mA_cm2", "CCD [mA cm-2]"),
    ("nucleation_mV", "nucleation [mV]"),
    ("r_int_ohm", "R_int [ohm]"),
    ("warnings", "warnings"),
    ("error", "error"),
)

#: headline key -> (metric kind, variant or None)
_HEADLINE = {
    "ce_pct": ("average_ce", None),
    "polarization_mV": ("polarization", "plateau"),
    "life_h": ("cycle_life_time", None),
    "ccd_mA_cm2": ("critical_current_density", None),
    "nucleation_mV": ("nucleation_overpotential", None),
    "r_int_ohm": ("interfacial_resistance", None),
}


def list_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (hidden files and the store itself left out), sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"dashboard: '{folder}' is not a folder. Give a folder of cell files.")
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and p.suffix not in (".duckdb", ".wal", ".html")
    )


def row_of(path: Path) -> dict[str, Any]:
    """The index row of one file (read, analysed; impedance fitted without the DRT)."""
    from lithiophile.report.collect import collect_file

    item = collect_file(Path(path), with_drt=False)
    row: dict[str, Any] = {"name": item.name, "file": str(item.path), "kind": item.kind}
    row["warnings"] = len(item.warnings)
    row["error"] = item.error or ""
    if item.data is not None:
        meta = item.data.meta
        row.update(
            instrument=meta.instrument or "",
            format=meta.format or "",
            sha256=meta.sha256 or "",
            rows=len(item.data),
            area_cm2=round(meta.area_m2 * 1e4, 4) if meta.area_m2 else None,
        )
        if item.kind == "cycling":
            row["cycles"] = int(item.data.table.get_column("cycle").n_unique())
    metrics = list(item.analysis.metrics) if item.analysis is not None else []
    metrics += [m for _, fit in item.fits for m in fit.metrics]
    row["protocol"] = item.analysis.protocol if item.analysis is not None else ""
    for key, (kind, variant) in _HEADLINE.items():
        found = [m for m in metrics if m.metric == kind and variant in (None, m.variant)]
        row[key] = round(found[-1].display_value, 4) if found else None
    return row


def _job(path: str) -> dict[str, Any]:
    return row_of(Path(path))


def _key(sha256: str) -> str:
    from lithiophile.store import content_key

    return content_key(sha256, "report-index", INDEX_VERSION)


def index_files(
    files: Iterable[Path],
    store: Any,
    *,
    workers: int = 1,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[dict[str, Any]]:
    """Rows of ``files``: from the store when their content was indexed before, else computed
    on ``workers`` processes and stored. ``progress(done, total, name)`` after each file."""
    from lithiophile.io import sha256_of
    from lithiophile.parallel import run_batch

    paths = [str(Path(f)) for f in files]
    total, done = len(paths), 0
    if progress:
        progress(0, total, "cached")

    def arrived(job: Any) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, "cached" if job.cached else Path(job.item).name)

    batch = run_batch(
        _job,
        paths,
        key=lambda p: _key(sha256_of(Path(p))),
        kind=STORE_KIND,
        store=store,
        workers=workers,
        on_result=arrived,
    )
    rows = []
    for job in batch:
        p = Path(job.item)
        if job.ok and job.value is not None:  # a stored row keeps its content, not its name
            rows.append({**job.value, "name": p.name, "file": str(p)})
        else:
            rows.append({"name": p.name, "file": str(p), "error": job.error or "failed"})
    return rows


def load_index(store: Any) -> list[dict[str, Any]]:
    """Every row indexed in the store (``dashboard --store``), in one read."""
    if not Path(store.path).exists():
        return []
    with store.transaction(read_only=True) as con:
        found = con.execute(
            "SELECT payload FROM results WHERE kind = ? ORDER BY created", [STORE_KIND]
        ).fetchall()
    return [json.loads(v) for (v,) in found]
