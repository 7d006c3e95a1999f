"""Terminal display of library results: the one renderer of Metric records (table, --json,
CSV), file summaries and batch outcomes. Display units come from
:data:`lithiophile.metrics.DISPLAY_UNITS` and :data:`lithiophile.metrics.METRICS`."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from lithiophile.io.celldata import Provenance
    from lithiophile.io.summary import FileSummary
    from lithiophile.metrics import Metric
    from lithiophile.parallel import Batch

#: Columns of the CSV form of Metric records (after the caller's context columns).
CSV_COLUMNS = ("metric", "variant", "value", "unit", "display", "conditions", "definition")


def figure_name(m: Metric) -> str:
    """``"polarization (plateau)"``."""
    name = m.metric.replace("_", " ")
    return f"{name} ({m.variant})" if m.variant else name


def value_text(m: Metric) -> str:
    """The value in its display unit, with its standard error when known: ``"30.2 mV"``."""
    unit = f" {m.display_unit}" if m.display_unit else ""
    text = f"{m.display_value:.4g}"
    if m.uncertainty is not None:
        from lithiophile.metrics import METRICS

        text += f" ± {m.uncertainty * METRICS[m.metric].display_factor:.2g}"
    return text + unit


def print_metrics(
    metrics: Iterable[Metric | Mapping[str, Any]],
    *,
    title: str | None = None,
    caption: str | None = None,
) -> None:
    """Metric records as a table: figure, value (display unit), conditions."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, caption=caption, title_justify="left")
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    table.add_column("conditions")
    from lithiophile.metrics import as_metric

    for m in map(as_metric, metrics):
        table.add_row(figure_name(m), value_text(m), m.conditions.display())
    Console().print(table)


def write_metrics_csv(
    groups: Iterable[tuple[Mapping[str, str], Iterable[Metric | Mapping[str, Any]]]],
    *,
    header: bool = True,
) -> None:
    """Metric records as CSV on stdout, one row per record; each group's context (e.g.
    ``{"file": ..., "protocol": ...}``) fills the leading columns."""
    import csv

    from lithiophile.metrics import as_metric

    writer = csv.writer(sys.stdout, lineterminator="\n")
    wrote_header = not header
    for context, metrics in groups:
        if not wrote_header:
            writer.writerow([*context, *CSV_COLUMNS])
            wrote_header = True
        for m in map(as_metric, metrics):
            writer.writerow(
                [
                    *context.values(),
                    m.metric,
                    m.variant or "",
                    repr(m.value),
                    m.unit,
                    value_text(m),
                    m.conditions.display(),
                    m.definition,
                ]
            )


def echo_json(result: Any) -> None:
    """A result as JSON on stdout, through the one serializer, with the citation keys of the
    works the run used (``"citations"``, added to a dict result or to each dict of a list)."""
    import json

    from lithiophile import cite
    from lithiophile.store import to_payload

    data = to_payload(result)
    keys = cite.used()
    if isinstance(data, dict):
        data.setdefault("citations", keys)
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict):
                item.setdefault("citations", keys)
    print(json.dumps(data, indent=2, allow_nan=False))


def finish_batch(batch: Batch[Any, Any], *, name: Any = str, what: str = "files") -> None:
    """After a batch: its warnings once each, then, if any job failed, the summary of what
    failed and why on stderr and exit 1."""
    import typer

    for text in batch.warnings:
        typer.echo(f"warning: {text}", err=True)
    summary = batch.failure_summary(name)
    if summary:
        typer.echo(f"error: {summary.replace(' failed:', f' {what} failed:', 1)}", err=True)
        raise typer.Exit(1)


_SUBSCRIPTS = str.maketrans("0123456789.", "₀₁₂₃₄₅₆₇₈₉.")


def formula(text: str) -> str:
    """Chemical formulas as people write them: ``"Li3PS4"`` -> ``"Li₃PS₄"``. Only amounts
    after an element symbol or a bracket become subscripts; a coefficient stays as it is.

    >>> formula("8 Li + Li3PS4 -> 4 Li2S + Li3P"), formula("Li7La3Zr2O12")
    ('8 Li + Li₃PS₄ -> 4 Li₂S + Li₃P', 'Li₇La₃Zr₂O₁₂')
    """
    import re

    return re.sub(r"(?<=[A-Za-z)\]])\d+(?:\.\d+)?", lambda m: m[0].translate(_SUBSCRIPTS), text)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``"1 cycle"``, ``"2 cycles"``."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def _span(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.2f} d"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.2f} h"
    if seconds >= 120:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.3g} s"


def _quantity(value_si: float, si_unit: str) -> str:
    from lithiophile.metrics import display_value

    value, unit = display_value(value_si, si_unit)
    return f"{value:.4g} {unit}"


def print_summary(summary: FileSummary) -> None:
    """A file summary (``CellData.summary()`` / ``ImpedanceData.summary()``) as a table."""
    from rich.console import Console
    from rich.table import Table

    from lithiophile.io.summary import CellSummary, ImpedanceSummary

    table = Table(title=str(summary.file or "data"), show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("value")
    version = summary.format_version
    table.add_row(
        "format",
        f"{summary.format} ({summary.instrument})" + (f", {version}" if version else ""),
    )
    table.add_row("rows", f"{summary.rows:,}")
    table.add_row("columns", ", ".join(summary.columns))
    if summary.start_time:
        table.add_row("start", summary.start_time)
    if isinstance(summary, CellSummary):
        kinds = summary.step_kinds
        table.add_row("time span", _span(summary.time_span_s))
        table.add_row("cycles / steps", f"{summary.cycles:,} / {summary.steps:,}")
        table.add_row("step kinds", ", ".join(f"{k}: {v:,}" for k, v in kinds.items()))
    elif isinstance(summary, ImpedanceSummary):
        lo, hi = summary.frequency_range_Hz or (float("nan"), float("nan"))
        table.add_row("spectra", str(summary.spectra))
        table.add_row("frequency", f"{lo:.3g} Hz to {hi:.3g} Hz")
    if summary.techniques:
        table.add_row("techniques", ", ".join(summary.techniques))
    area, mass = summary.area_m2, summary.mass_kg
    table.add_row("electrode area", _quantity(area, "m^2") if area else "not stated")
    table.add_row("active mass", _quantity(mass, "kg") if mass else "not stated")
    Console().print(table)
    print_provenance(summary.provenance)


def print_provenance(entries: Sequence[Provenance], indent: str = "") -> None:
    """What the reader read, assumed or repaired (``Metadata.all_provenance()``), one line
    each, so that no manipulation of the data goes unsaid."""
    import typer

    if not entries:
        return
    typer.echo(f"{indent}provenance (what was read, assumed or repaired):")
    for p in entries:
        where = f" [{p.where}]" if p.where else ""
        typer.echo(f"{indent}  - {p.kind}: {p.what}{where}")


def _holds(s: FileSummary) -> tuple[str, str]:
    """What a file holds and the range it spans: ``("2 cycles, 4 steps", "1.5 h")`` for
    cycling data, ``("1 spectrum", "0.1-1e+05 Hz")`` for impedance."""
    from lithiophile.io.summary import CellSummary, ImpedanceSummary

    if isinstance(s, CellSummary):
        holds = f"{plural(s.cycles, 'cycle')}, {plural(s.steps, 'step')}"
        return holds, _span(s.time_span_s)
    if isinstance(s, ImpedanceSummary):
        lo, hi = s.frequency_range_Hz or (float("nan"), float("nan"))
        return plural(s.spectra, "spectrum", "spectra"), f"{lo:.3g}-{hi:.3g} Hz"
    return "-", "-"


def print_files(summaries: Sequence[FileSummary], detected: Sequence[str] | None = None) -> None:
    """One line per file: format (as detected, where given), rows, what it holds, area."""
    from pathlib import Path

    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for name in ("file", "detected as", "rows", "holds", "span", "area"):
        table.add_column(name, no_wrap=name in ("file", "detected as", "rows"))
    for i, s in enumerate(summaries):
        holds, span = _holds(s)
        area = s.area_m2
        table.add_row(
            Path(str(s.file)).name,
            detected[i] if detected else str(s.format),
            f"{s.rows:,}",
            holds,
            span,
            _quantity(area, "m^2") if area else "-",
        )
    console = Console()
    if not console.is_terminal:
        console = Console(width=120)  # logs and pipes: no wrapping of file names
    console.print(table)
