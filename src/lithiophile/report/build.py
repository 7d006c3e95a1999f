"""One entry point: files in, one self-contained HTML report out.

:func:`build_report` reads and analyses the files (through :mod:`lithiophile.report.collect`),
makes the figures, places the results among the literature records and writes the page.
Without ``group`` the files are one cell (cycling files and impedance spectra of the same
cell); with ``group`` each file is a cell and the figures overlay them.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lithiophile import cite
from lithiophile.errors import InputError
from lithiophile.report import sections
from lithiophile.report.card import CellState
from lithiophile.report.collect import (
    Item,
    assess_materials,
    collect_file,
    compare_metrics,
    headline_metrics,
)
from lithiophile.report.cyclefigs import cycling_figures
from lithiophile.report.eisfigs import impedance_figures
from lithiophile.report.figures import Figure
from lithiophile.report.html import page
from lithiophile.report.overlay import overlay_figures
from lithiophile.store import to_payload

__all__ = ["OPTION_NAMES", "ReportResult", "build_report"]

#: How each CellState field is given on the command line (the card names its source).
OPTION_NAMES = {
    "area_m2": "--area",
    "li_thickness_m": "--li-thickness",
    "electrolyte": "--electrolyte",
    "electrolyte_volume_m3": "--electrolyte-volume",
    "electrolyte_mass_kg": "--electrolyte-mass",
    "electrolyte_density_kg_m3": "--electrolyte-density",
    "substrate": "--substrate",
    "temperature_K": "--temperature",
    "pressure_Pa": "--pressure",
    "cathode_capacity_C_m2": "--cathode-capacity",
}


@dataclass(frozen=True)
class ReportResult:
    """What was written: the path, sizes [bytes] and what the report holds."""

    path: Path
    size_bytes: int
    library_bytes: int
    figures: int
    files: int
    errors: tuple[str, ...] = ()
    figure_ids: tuple[str, ...] = field(default=(), metadata={"payload": False})

    #: Shown beside the fields by :func:`lithiophile.store.to_payload`.
    PAYLOAD_EXTRA = ("content_bytes",)

    @property
    def content_bytes(self) -> int:
        """Everything but the inlined plotting library: data, figures and text."""
        return self.size_bytes - self.library_bytes


def build_report(
    paths: Sequence[Path | str],
    out: Path | str,
    *,
    state: CellState | None = None,
    group: bool = False,
    protocol: str = "auto",
    circuit: str = "auto",
    title: str | None = None,
    compare: bool = True,
    store: Any = None,
    option_names: dict[str, str] | None = None,
    command: str | None = None,
) -> ReportResult:
    """Write the report of ``paths`` to ``out`` (an ``.html`` file).

    Parameters
    ----------
    paths
        Cycling files and impedance files (any format ``lithiophile.read`` knows).
    out
        The HTML file to write.
    state
        What the user states about the cell (:class:`CellState`).
    group
        Each file is a different cell: overlay them.
    protocol, circuit
        As ``cell analyze --protocol`` and ``eis fit --circuit``.
    compare
        Place the results among the literature records (the knowledge base in ``store``).
    """
    state = state or CellState()
    names = {**OPTION_NAMES, **(option_names or {})}
    out = Path(out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"The report must be an .html file such as 'report.html'. Got '{out}'.")
    files = [Path(p) for p in paths]
    if not files:
        raise InputError("report needs at least one file")
    for p in files:
        if not p.is_file():
            raise InputError(f"no such file: '{p}'. Check the path.")
    before = cite.used()
    cite.reset()  # the report lists the works its own methods used; restored below
    try:
        return _build(
            files, out, state, names, group, protocol, circuit, compare, store, title, command
        )
    finally:
        mine = cite.used()
        cite.reset()
        for key in before + mine:
            cite.register(key)


def _build(
    files: list[Path],
    out: Path,
    state: CellState,
    names: dict[str, str],
    group: bool,
    protocol: str,
    circuit: str,
    compare: bool,
    store: Any,
    title: str | None,
    command: str | None,
) -> ReportResult:
    cite.register("Li2021")
    items = [
        collect_file(p, area_m2=state.area_m2, protocol=protocol, circuit=circuit) for p in files
    ]
    figs, fig_html = _figures(items, state, group)
    metrics = headline_metrics(items)
    comparisons = compare_metrics(metrics, store) if compare else []
    lit_html, lit_figs = sections.literature(comparisons)
    assessed = assess_materials(state.materials)
    options = {
        "group": group,
        "protocol": protocol,
        "circuit": circuit,
        "compare": compare,
        "state": to_payload(state),
    }
    body = [
        ("card", "Cell card", sections.card(items, state, names)),
        ("provenance", "Provenance", sections.provenance(items)),
        ("figures", "Figures", fig_html),
        ("metrics", "Figures of merit", sections.metrics_table(items)),
        ("literature", "Where the result stands", lit_html + sections.predict(assessed)),
        ("reproduce", "Reproducibility", sections.reproducibility(options, command)),
    ]
    all_figs = figs + lit_figs
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    heading = title or ("lithiophile report: " + ", ".join(p.name for p in files[:3]))
    text = page(heading, f"{len(files)} file(s), written {when}", body, all_figs)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    from lithiophile.report.assets import plotly_js

    return ReportResult(
        out,
        out.stat().st_size,
        len(plotly_js().encode("utf-8")),
        len(all_figs),
        len(files),
        tuple(i.error for i in items if i.error),
        tuple(f.id for f in all_figs),
    )


def _figures(items: list[Item], state: CellState, group: bool) -> tuple[list[Figure], str]:
    from lithiophile.report.html import figure_box

    figs: list[Figure] = []
    parts: list[str] = []
    if group and len(items) > 1:
        over = overlay_figures(items, state.area_m2)
        figs += over
        parts.append("<h3>all cells overlaid</h3>" + "".join(figure_box(f) for f in over))
    eis = [it for it in items if it.fits]
    for k, it in enumerate(items, 1):
        if it.kind != "cycling" or it.data is None:
            continue
        area = state.area_m2 or it.data.meta.area_m2
        mine = cycling_figures(it, area, f"c{k}")
        figs += mine
        parts.append(f"<h3>{_esc(it.name)}</h3>" + "".join(figure_box(f) for f in mine))
    if eis:
        groups = [[it] for it in eis] if group else [eis]
        for k, members in enumerate(groups, 1):
            fits = [pf for it in members for pf in it.fits]
            mine = impedance_figures(fits, f"z{k}")
            figs += mine
            label = ", ".join(it.name for it in members)
            parts.append(
                f"<h3>impedance: {_esc(label)}</h3>" + "".join(figure_box(f) for f in mine)
            )
    if not figs:
        parts.append('<p class="bad">no file could be read: no figures</p>')
    return figs, "".join(parts)


def _esc(text: str) -> str:
    from html import escape

    return escape(text)


def python_info() -> str:
    """Interpreter and platform, for the reproducibility section."""
    return f"Python {sys.version.split()[0]} on {platform.platform()}"
