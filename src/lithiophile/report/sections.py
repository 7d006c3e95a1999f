"""The text sections of the report: cell card, provenance, figures of merit, literature,
predictions and reproducibility. Each returns HTML (escaped) for :func:`html.page`."""

from __future__ import annotations

import hashlib
import json
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.report.card import CellState, card_rows, practical_gaps
from lithiophile.report.collect import Item
from lithiophile.report.figures import Figure, Trace
from lithiophile.report.html import figure_box, table

__all__ = ["card", "literature", "metrics_table", "predict", "provenance", "reproducibility"]

#: SI unit of each canonical column (the unit is in the name; shown in words here).
_UNITS = {
    "time_s": "s",
    "voltage_V": "V",
    "current_A": "A",
    "charge_C": "C",
    "temperature_K": "K",
    "frequency_Hz": "Hz",
    "z_real_ohm": "ohm",
    "z_imag_ohm": "ohm",
}


def _cycled_C_m2(items: list[Item]) -> float | None:
    for it in items:
        if it.analysis is None:
            continue
        for m in it.analysis.metrics:
            if m.conditions.areal_capacity_C_m2:
                return float(m.conditions.areal_capacity_C_m2)
    return None


def card(items: list[Item], state: CellState, names: dict[str, str]) -> str:
    """What is stated about the cell, with sources, and the practical-condition gaps."""
    meta_area = next(
        (it.data.meta.area_m2 for it in items if it.data is not None and it.data.meta.area_m2), None
    )
    area = state.area_m2 or meta_area
    rows = card_rows(state, meta_area, names)
    for it in items:
        if it.analysis is not None:
            rows.append(("protocol", f"{it.analysis.protocol} ({it.name})", it.analysis.detection))
    gaps = practical_gaps(state, area, _cycled_C_m2(items), names)
    gap_rows = [(g.quantity, g.yours, g.practical, g.verdict, g.basis, g.citation) for g in gaps]
    return (
        table(("quantity", "value", "source"), rows)
        + "<h3>distance from a practical cell</h3>"
        + table(("quantity", "this test", "practical", "verdict", "basis", "source"), gap_rows)
    )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _file_rows(it: Item) -> list[tuple[str, str]]:
    rows = [("file", str(it.path)), ("size", f"{it.path.stat().st_size} bytes")]
    meta = it.data.meta if it.data is not None else None
    rows.append(("sha256", (meta.sha256 if meta and meta.sha256 else _sha256(it.path))))
    if meta is None:
        return rows
    rows += [
        ("instrument", meta.instrument or "not stated"),
        ("format", f"{meta.format or '?'} {meta.format_version or ''}".strip()),
        ("start time", meta.start_time.isoformat() if meta.start_time else "not stated"),
        ("techniques", ", ".join(meta.techniques) or "not stated"),
        ("area in the file", f"{meta.area_m2 * 1e4:.4g} cm2" if meta.area_m2 else "not stated"),
        ("rows", str(len(it.data))),
    ]
    cols = [f"{c} [{_UNITS[c]}]" if c in _UNITS else c for c in it.data.columns]
    rows.append(("columns (canonical, SI)", ", ".join(cols)))
    for key, value in meta.header.items():
        if "column" in str(key).lower() or "unit" in str(key).lower():
            rows.append((f"reader: {key}", json.dumps(value, default=str)[:2000]))
    return rows


def provenance(items: list[Item]) -> str:
    """Per file: hash, instrument, format, columns, and every note, repair and warning."""
    out = []
    for it in items:
        out.append(f"<h3>{escape(it.name)}</h3>" + table(("", ""), _file_rows(it)))
        entries: list[tuple[str, str, str]] = []
        meta = it.data.meta if it.data is not None else None
        if meta is not None:
            getter = getattr(meta, "all_provenance", None)
            records = getter() if callable(getter) else [("note", n, "") for n in meta.notes]
            for p in records:
                if isinstance(p, tuple):
                    entries.append(p)
                else:
                    entries.append((p.kind, p.what, p.where))
        entries += [("warning (Python)", w, "") for w in it.warnings]
        if it.analysis is not None:
            entries += [("analysis note", n, "") for n in it.analysis.notes]
            entries += [("analysis flag", f, "") for f in it.analysis.flags]
        for _, fit in it.fits:
            entries += [("fit note", n, fit.name) for n in fit.fit.notes_]
        if it.error:
            entries.append(("error", it.error, ""))
        if entries:
            out.append(table(("kind", "what the reader or analysis did", "where"), entries))
        else:
            out.append('<p class="muted">the reader made no assumption, repair or warning</p>')
    return "".join(out)


def metrics_table(items: list[Item]) -> str:
    """Every figure of merit, with its conditions and definition."""
    rows = []
    for it in items:
        metrics = list(it.analysis.metrics) if it.analysis is not None else []
        metrics += [m for _, f in it.fits for m in f.metrics]
        for m in metrics:
            rows.append((it.name, m.display(), m.definition))
    if not rows:
        return '<p class="muted">no figure of merit could be computed</p>'
    return table(("file", "figure with its conditions", "definition"), rows)


def literature(comparisons: list[dict[str, Any]]) -> tuple[str, list[Figure]]:
    """Each headline figure ranked among the literature records, and a figure of each."""
    if not comparisons:
        return '<p class="muted">nothing to compare (no figure of merit)</p>', []
    html, figs = [], []
    for k, c in enumerate(comparisons, 1):
        m = c["metric"]
        if "error" in c:
            html.append(f'<p class="warn">{escape(m.display())}: {escape(c["error"])}</p>')
            continue
        comp = c["comparison"]
        html.append(f"<h3>{escape(m.display())}</h3><p>{escape(comp.summary())}</p>")
        close = sorted(comp.entries, key=lambda e: (not e.comparable, len(e.gaps)))[:8]
        rows = [
            (
                e.outcome,
                e.record.value_text(),
                e.record.material,
                "comparable" if e.comparable else "not comparable",
                "; ".join(g.text for g in e.gaps),
            )
            for e in close
        ]
        if rows:
            html.append(table(("outcome", "record", "material", "conditions", "gaps"), rows))
        fig = _placement_figure(comp, f"lit{k}")
        if fig is not None:
            figs.append(fig)
            html.append(figure_box(fig))
    return "".join(html), figs


def _placement_figure(comp: Any, fid: str) -> Figure | None:
    from lithiophile.metrics import METRICS

    kind = METRICS[comp.mine.metric]
    pts: dict[str, list[tuple[float, float]]] = {"comparable": [], "not comparable": []}
    for e in comp.entries:
        j = e.record.conditions.to_conditions().current_density_A_m2
        if j is None or e.record.metric != comp.mine.metric:
            continue
        key = "comparable" if e.comparable else "not comparable"
        pts[key].append((abs(j) * 0.1, e.record.value_si * kind.display_factor))
    j_mine = comp.mine.conditions.current_density_A_m2
    if j_mine is None or not any(pts.values()):
        return None
    traces = [
        Trace(
            f"literature ({key})",
            np.array([p[0] for p in v]),
            np.array([p[1] for p in v]),
            "markers",
            style={"marker": {"opacity": 0.7}},
        )
        for key, v in pts.items()
        if v
    ]
    traces.append(
        Trace(
            "this test",
            np.array([abs(j_mine) * 0.1]),
            np.array([comp.mine.display_value]),
            "markers",
            style={"marker": {"size": 14, "symbol": "star", "color": "#d62728"}},
        )
    )
    return Figure(
        fid,
        f"{kind.description} against the literature records",
        "current density [mA cm-2]",
        f"{kind.name.replace('_', ' ')} [{kind.display_unit}]",
        traces,
        log_x=True,
        caption=comp.summary(),
        note="records without a stated current density are left out of the figure",
    )


def predict(assessed: Any) -> str:
    """What thermo predicts for the materials named (an ``Assessments``, or None)."""
    if assessed is None:
        return (
            '<h3>prediction</h3><p class="muted">no material named '
            "(--material ZnO) : nothing predicted</p>"
        )
    rows = [
        (
            a.material,
            a.verdict,
            "; ".join(a.reasons),
            f"{a.reaction.equation}; interface type {a.interface_type}",
        )
        for a in assessed
    ]
    rows += [(name, "unknown", why, "") for name, why in assessed.failures.items()]
    return "<h3>prediction (lithiophile.thermo)</h3>" + table(
        ("material", "verdict", "reasons", "reaction and interface"), rows
    )


def reproducibility(options: dict[str, Any], command: str | None) -> str:
    """Version, command, options and the works cited by the methods used."""
    from lithiophile import __version__, cite
    from lithiophile.report.build import python_info

    rows = [("lithiophile", __version__), ("environment", python_info())]
    if command:
        rows.append(("command", command))
    rows.append(("options", json.dumps(options, default=str)))
    cites = [(k, str(cite.CITATIONS[k])) for k in cite.used()]
    return table(("", ""), rows) + "<h3>citations</h3>" + table(("key", "work"), cites)
