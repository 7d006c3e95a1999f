"""Figures of the knowledge base, the user's result highlighted: PNG (matplotlib) and HTML (plotly).

Four figures, after the review's Tables 1-3:

- ``cycle-life``: cycle life vs current density, log-log, areal capacity as marker size
  (hours and cycles in two panels; hollow markers where the capacity is not stated);
- ``polarization``: polarization vs current density;
- ``resistance``: interfacial resistance before -> after, one line per work (ohm and ohm cm2
  in two panels; dashed where the source's "before/after" is really a rest or without/with);
- ``ce``: Li||Cu Coulombic efficiency vs cycle number.

Values are drawn in display units (h, mA cm-2, mV, ohm, %). HTML files load plotly.js from a
``plotly.min.js`` written beside them (nothing is fetched from the network).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lithiophile.errors import InputError
from lithiophile.kb.display import to_display
from lithiophile.kb.schema import Record
from lithiophile.metrics import METRICS, Metric

__all__ = ["FIGURES", "plot"]

#: Figure kinds -> what they show.
FIGURES = {
    "cycle-life": "cycle life vs current density (log-log, areal capacity as marker size)",
    "polarization": "polarization vs current density",
    "resistance": "interfacial resistance before -> after",
    "ce": "Li||Cu Coulombic efficiency vs cycles",
}
_COLOURS = {"liquid": "#1f77b4", "solid": "#2ca02c", None: "#7f7f7f"}
_YOURS = "#d62728"
_PAIR_FLAGS = ("before_after_rest_time", "before_after_without_with")


def _cd(c: Any) -> float | None:
    v = c.current_density_A_m2
    return to_display("current_density_A_m2", None if v is None else abs(v))


def _cap(c: Any) -> float | None:
    return to_display("areal_capacity_C_m2", c.areal_capacity_C_m2)


def _disp(metric: str, value: float) -> float:
    return value * METRICS[metric].display_factor


def _label(r: Record) -> str:
    ref = r.provenance.ref if r.provenance else None
    return f"{r.material} [ref {ref}]" if ref else r.material


def _points(records: Sequence[Record], metric: str, x: str) -> list[dict[str, Any]]:
    pts = []
    for r in records:
        if r.metric != metric or r.excluded:
            continue
        c = r.conditions
        xv = _cd(c) if x == "cd" else c.cycle
        if xv is None or xv <= 0:
            continue
        pts.append(
            {
                "x": float(xv),
                "y": _disp(metric, float(r.value_si or 0.0)),
                "cap": _cap(c),
                "electrolyte": r.electrolyte,
                "label": _label(r),
                "bound": r.qualifier in (">", "<"),
                "text": r.display(),
            }
        )
    return pts


def _mine(highlight: Sequence[Metric], metrics: Sequence[str], x: str) -> list[dict[str, Any]]:
    out = []
    for m in highlight:
        if m.metric not in metrics:
            continue
        xv = _cd(m.conditions) if x == "cd" else m.conditions.cycle
        if xv is None or xv <= 0:
            continue
        out.append(
            {
                "x": float(xv),
                "y": m.display_value,
                "metric": m.metric,
                "text": "yours: " + m.display(),
                "cap": _cap(m.conditions),
            }
        )
    return out


def _size(cap: float | None) -> float:
    """Marker area [pt^2] for an areal capacity [mAh cm-2]: proportional above a floor, capped."""
    return 30.0 if cap is None else min(20.0 + 100.0 * cap, 700.0)


def _pairs(records: Sequence[Record], metric: str) -> list[dict[str, Any]]:
    """Before/after pairs of one work (same reference, table row and metric; a control row,
    "without", pairs with its strategy's row)."""
    groups: dict[tuple[Any, str], dict[str, Record]] = {}
    for r in records:
        if r.metric != metric or r.provenance is None or r.provenance.column is None:
            continue
        col = r.provenance.column.lower()
        side = "before" if "before" in col else "after" if "after" in col else None
        if side:
            groups.setdefault((r.provenance.ref, r.provenance.row or r.material), {})[side] = r
    out = []
    for (_ref, _mat), sides in groups.items():
        if len(sides) != 2:
            continue
        b, a = sides["before"], sides["after"]
        flagged = [f.kind for f in (*b.flags, *a.flags) if f.kind in _PAIR_FLAGS]
        out.append(
            {
                "before": _disp(metric, float(b.value_si or 0.0)),
                "after": _disp(metric, float(a.value_si or 0.0)),
                "label": _label(a),
                "electrolyte": b.electrolyte,
                "flag": flagged[0] if flagged else None,
            }
        )
    return out


def plot(
    kind: str,
    records: Sequence[Record],
    out_dir: Path | str,
    *,
    highlight: Sequence[Metric] = (),
    formats: Sequence[str] = ("png", "html"),
) -> list[Path]:
    """Draw figure ``kind`` (a key of :data:`FIGURES`) into ``out_dir``; returns the files.

    Parameters
    ----------
    kind
        ``"cycle-life"``, ``"polarization"``, ``"resistance"`` or ``"ce"``.
    records
        The records to draw (flagged ``exclude`` ones are left out).
    out_dir
        Folder for ``kb-<kind>.png`` / ``.html`` (created).
    highlight
        The user's Metrics, drawn in red where their metric and conditions fit the figure.
    formats
        ``"png"`` and/or ``"html"``.
    """
    if kind not in FIGURES:
        raise InputError(f"the figure must be one of {', '.join(FIGURES)}. Got {kind!r}.")
    bad = [f for f in formats if f not in ("png", "html")]
    if bad:
        raise InputError(f"figure formats must be 'png' or 'html'. Got {bad[0]!r}.")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    panels = _panels(kind, records, highlight)
    files = []
    if "png" in formats:
        files.append(_png(kind, panels, out / f"kb-{kind}.png"))
    if "html" in formats:
        files.append(_html(kind, panels, out / f"kb-{kind}.html"))
    return files


def _scatter(
    title: str,
    x: str,
    y: str,
    log: bool,
    records: Sequence[Record],
    highlight: Sequence[Metric],
    metric: str,
    xkey: str,
) -> dict[str, Any]:
    """One scatter panel: the records of ``metric`` and the user's, against ``xkey``."""
    return {
        "title": title,
        "x": x,
        "y": y,
        "logx": log,
        "logy": log,
        "points": _points(records, metric, xkey),
        "mine": _mine(highlight, [metric], xkey),
    }


def _panels(kind: str, records: Sequence[Record], highlight: Sequence[Metric]) -> list[dict]:
    cd = "current density [mA cm-2]"
    if kind == "cycle-life":
        return [
            _scatter(
                "cycle life (time)",
                cd,
                "cycle life [h]",
                True,
                records,
                highlight,
                "cycle_life_time",
                "cd",
            ),
            _scatter(
                "cycle life (cycles)",
                cd,
                "cycle life [cycles]",
                True,
                records,
                highlight,
                "cycle_life_cycles",
                "cd",
            ),
        ]
    if kind == "polarization":
        return [
            _scatter(
                "symmetric-cell polarization",
                cd,
                "polarization [mV]",
                True,
                records,
                highlight,
                "polarization",
                "cd",
            )
        ]
    if kind == "ce":
        ce = ["li_cu_ce", "average_ce"]
        panel = _scatter(
            "Li||Cu Coulombic efficiency",
            "cycle",
            "CE [%]",
            False,
            records,
            highlight,
            "li_cu_ce",
            "cycle",
        )
        panel["mine"] = _mine(highlight, ce, "cycle") + _mine_no_x(highlight, ce)
        return [panel]
    return [_resistance_panel(records, highlight, metric, unit) for metric, unit in _RESISTANCES]


#: The resistance figure's panels: metric and display unit.
_RESISTANCES = (("interfacial_resistance", "ohm"), ("interfacial_asr", "ohm cm2"))


def _resistance_panel(
    records: Sequence[Record], highlight: Sequence[Metric], metric: str, unit: str
) -> dict[str, Any]:
    """Before -> after pairs of the records, and the user's first and last value."""
    mine = sorted(
        (m for m in highlight if m.metric == metric),
        key=lambda m: (
            m.conditions.cycle or 0,
            m.conditions.time_s or 0.0,
            m.conditions.rest_time_s or 0.0,
        ),
    )
    return {
        "title": f"interfacial resistance [{unit}]",
        "pairs": _pairs(records, metric),
        "mine_pair": [mine[0].display_value, mine[-1].display_value] if len(mine) >= 2 else [],
        "y": f"R [{unit}]",
    }


def _mine_no_x(highlight: Sequence[Metric], metrics: Sequence[str]) -> list[dict[str, Any]]:
    """The user's CE without a cycle number: drawn at cycle 1 and labelled so."""
    return [
        {
            "x": 1.0,
            "y": m.display_value,
            "metric": m.metric,
            "cap": None,
            "text": "yours (no cycle stated, drawn at 1): " + m.display(),
        }
        for m in highlight
        if m.metric in metrics and m.conditions.cycle is None
    ]


def _png(kind: str, panels: list[dict], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(6.2 * len(panels), 4.8), squeeze=False)
    for ax, p in zip(axes[0], panels, strict=True):
        if "pairs" in p:
            _png_pairs(ax, p)
        else:
            _png_points(ax, p, kind)
    fig.suptitle(
        f"{FIGURES[kind]} - records from Li et al., Energy Mater. 2021 (CC-BY 4.0)", fontsize=9
    )
    fig.tight_layout()
    drawn = {p["title"]: _drawn(ax, "pairs" in p) for ax, p in zip(axes[0], panels, strict=True)}
    fig.savefig(
        path,
        dpi=110,
        metadata={
            "Title": FIGURES[kind],
            "Source": "records: Li et al., Energy Mater. 2021, 1, 100017 (CC-BY 4.0)",
            "Points": json.dumps(drawn),
        },
    )
    plt.close(fig)
    return path


def _png_pairs(ax: Any, p: dict[str, Any]) -> None:
    """A before -> after panel: one line per record, the user's pair as stars."""
    for pair in p["pairs"]:
        style = "--" if pair["flag"] else "-"
        ax.plot(
            [0, 1],
            [pair["before"], pair["after"]],
            style,
            marker="o",
            color=_COLOURS[pair["electrolyte"]],
            alpha=0.8,
            label="_pair",
        )
        ax.annotate(
            pair["label"][:28],
            (1, pair["after"]),
            fontsize=6,
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
        )
    if p["mine_pair"]:
        ax.plot(
            [0, 1],
            p["mine_pair"],
            "-",
            marker="*",
            markersize=14,
            color=_YOURS,
            linewidth=2.5,
            label="yours",
        )
        ax.legend(loc="upper left", fontsize=8)
    ax.set_xticks([0, 1], ["before", "after"])
    ax.set_xlim(-0.2, 1.9)
    ax.set_yscale("log")
    ax.set_ylabel(p["y"])
    ax.set_title(
        p["title"] + "\n(blue: liquid, green: solid; dashed: the 'before/after' is "
        "a rest or without/with)",
        fontsize=9,
    )


def _png_points(ax: Any, p: dict[str, Any], kind: str) -> None:
    """A scatter panel: records by electrolyte (hollow: capacity not stated), the user's as
    stars."""
    for el in ("liquid", "solid"):
        pts = [q for q in p["points"] if q["electrolyte"] == el]
        filled = [q for q in pts if q["cap"] is not None]
        hollow = [q for q in pts if q["cap"] is None]
        if filled:
            ax.scatter(
                [q["x"] for q in filled],
                [q["y"] for q in filled],
                s=[_size(q["cap"]) for q in filled],
                color=_COLOURS[el],
                alpha=0.6,
                label=f"{el} electrolyte",
            )
        if hollow:
            ax.scatter(
                [q["x"] for q in hollow],
                [q["y"] for q in hollow],
                s=30,
                facecolors="none",
                edgecolors=_COLOURS[el],
                label=f"{el}, capacity not stated",
            )
    if p["mine"]:
        ax.scatter(
            [q["x"] for q in p["mine"]],
            [q["y"] for q in p["mine"]],
            marker="*",
            s=320,
            color=_YOURS,
            edgecolors="black",
            zorder=5,
            label="yours",
        )
    if kind == "cycle-life":  # key to the marker sizes (no points: not counted)
        for cap in (0.5, 1.0, 2.0):
            ax.scatter([], [], s=_size(cap), color="#bbbbbb", label=f"{cap:g} mAh cm-2")
    if p["logx"]:
        ax.set_xscale("log")
    if p["logy"]:
        ax.set_yscale("log")
    ax.set_xlabel(p["x"])
    ax.set_ylabel(p["y"])
    ax.set_title(
        p["title"] + (" (marker size: areal capacity)" if kind == "cycle-life" else ""),
        fontsize=10,
    )
    if p["points"] or p["mine"]:
        ax.legend(fontsize=7, loc="best")
    else:
        ax.text(0.5, 0.5, "no records", transform=ax.transAxes, ha="center")


def _drawn(ax: Any, pairs: bool) -> dict[str, int]:
    """What an axis shows, counted from its artists: literature points (or before -> after
    lines) and the user's points (the PNG keeps it as its ``Points`` text)."""
    if pairs:
        return {
            "pairs": sum(line.get_label() == "_pair" for line in ax.lines),
            "yours": sum(line.get_label() == "yours" for line in ax.lines),
        }
    counts = {"records": 0, "yours": 0}
    for coll in ax.collections:
        key = "yours" if coll.get_label() == "yours" else "records"
        counts[key] += len(coll.get_offsets())
    return counts


def _html(kind: str, panels: list[dict], path: Path) -> Path:
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=[p["title"] for p in panels])
    for i, p in enumerate(panels, start=1):
        traces = _html_pairs(p) if "pairs" in p else _html_points(p)
        for trace in traces:
            fig.add_trace(trace, row=1, col=i)
        if "pairs" in p:
            fig.update_yaxes(type="log", title_text=p["y"], row=1, col=i)
            continue
        fig.update_xaxes(type="log" if p["logx"] else "linear", title_text=p["x"], row=1, col=i)
        fig.update_yaxes(type="log" if p["logy"] else "linear", title_text=p["y"], row=1, col=i)
    fig.update_layout(
        title=f"{FIGURES[kind]} (records: Li et al., Energy Mater. 2021, CC-BY 4.0)",
        template="plotly_white",
        height=520,
        width=560 * len(panels),
    )
    fig.write_html(path, include_plotlyjs="directory", full_html=True)
    return path


def _html_pairs(p: dict[str, Any]) -> list[Any]:
    """The traces of a before -> after panel."""
    import plotly.graph_objects as go

    traces = [
        go.Scatter(
            x=["before", "after"],
            y=[pair["before"], pair["after"]],
            mode="lines+markers",
            name=pair["label"],
            line={
                "color": _COLOURS[pair["electrolyte"]],
                "dash": "dash" if pair["flag"] else "solid",
            },
            hovertext=f"{pair['label']}" + (f" ({pair['flag']})" if pair["flag"] else ""),
        )
        for pair in p["pairs"]
    ]
    if p["mine_pair"]:
        traces.append(
            go.Scatter(
                x=["before", "after"],
                y=p["mine_pair"],
                mode="lines+markers",
                name="yours",
                marker={"symbol": "star", "size": 16, "color": _YOURS},
                line={"color": _YOURS, "width": 4},
            )
        )
    return traces


def _html_points(p: dict[str, Any]) -> list[Any]:
    """The traces of a scatter panel: records by electrolyte, the user's as stars."""
    import plotly.graph_objects as go

    traces = []
    for el in ("liquid", "solid"):
        pts = [q for q in p["points"] if q["electrolyte"] == el]
        if not pts:
            continue
        traces.append(
            go.Scatter(
                x=[q["x"] for q in pts],
                y=[q["y"] for q in pts],
                mode="markers",
                name=f"{el} electrolyte",
                hovertext=[q["text"] for q in pts],
                customdata=[q["cap"] for q in pts],  # areal capacity [mAh cm-2]
                marker={
                    "size": [math.sqrt(_size(q["cap"])) * 1.6 for q in pts],
                    "color": _COLOURS[el],
                    "opacity": 0.6,
                    "symbol": ["circle" if q["cap"] is not None else "circle-open" for q in pts],
                },
            )
        )
    if p["mine"]:
        traces.append(
            go.Scatter(
                x=[q["x"] for q in p["mine"]],
                y=[q["y"] for q in p["mine"]],
                mode="markers",
                name="yours",
                hovertext=[q["text"] for q in p["mine"]],
                marker={
                    "symbol": "star",
                    "size": 20,
                    "color": _YOURS,
                    "line": {"color": "black", "width": 1},
                },
            )
        )
    return traces
