"""Terminal display of library results (display units live here, not in the library)."""

from __future__ import annotations

from typing import Any


def _span(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.2f} d"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.2f} h"
    if seconds >= 120:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.3g} s"


def print_summary(summary: dict[str, Any]) -> None:
    """A file summary (``CellData.summary()`` / ``ImpedanceData.summary()``) as a table."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=str(summary.get("file") or "data"), show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("value")
    version = summary.get("format_version")
    table.add_row(
        "format",
        f"{summary['format']} ({summary.get('instrument')})" + (f", {version}" if version else ""),
    )
    table.add_row("rows", f"{summary['rows']:,}")
    table.add_row("columns", ", ".join(summary["columns"]))
    if summary.get("start_time"):
        table.add_row("start", summary["start_time"])
    if summary["kind"] == "cell":
        table.add_row("time span", _span(summary["time_span_s"]))
        table.add_row("cycles / steps", f"{summary['cycles']} / {summary['steps']}")
        table.add_row(
            "step kinds", ", ".join(f"{k}: {v:,}" for k, v in summary["step_kinds"].items())
        )
    else:
        lo, hi = summary["frequency_range_Hz"] or (float("nan"), float("nan"))
        table.add_row("spectra", str(summary["spectra"]))
        table.add_row("frequency", f"{lo:.3g} Hz to {hi:.3g} Hz")
    if summary.get("techniques"):
        table.add_row("techniques", ", ".join(summary["techniques"]))
    area = summary.get("area_m2")
    table.add_row("electrode area", f"{area * 1e4:.4g} cm2" if area else "not stated")
    mass = summary.get("mass_kg")
    table.add_row("active mass", f"{mass * 1e6:.4g} mg" if mass else "not stated")
    for note in summary.get("notes") or []:
        table.add_row("note", note)
    Console().print(table)


def print_files(summaries: list[dict[str, Any]]) -> None:
    """One line per file: format, rows, what it holds, electrode area."""
    from pathlib import Path

    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for name in ("file", "detected as", "rows", "holds", "span", "area"):
        table.add_column(name, no_wrap=name in ("file", "detected as", "rows"))
    for s in summaries:
        if s["kind"] == "cell":
            holds = f"{s['cycles']} cycles, {s['steps']} steps"
            span = _span(s["time_span_s"])
        else:
            holds = f"{s['spectra']} spectrum" + ("s" if s["spectra"] != 1 else "")
            lo, hi = s["frequency_range_Hz"] or (float("nan"), float("nan"))
            span = f"{lo:.3g}-{hi:.3g} Hz"
        area = s.get("area_m2")
        table.add_row(
            Path(str(s["file"])).name,
            s.get("detected_format") or str(s["format"]),
            f"{s['rows']:,}",
            holds,
            span,
            f"{area * 1e4:.4g} cm2" if area else "-",
        )
    console = Console()
    if not console.is_terminal:
        console = Console(width=120)  # logs and pipes: no wrapping of file names
    console.print(table)
