"""Plot of one analysed test: voltage against time, half-cycles shaded, the nucleation dip,
soft shorts and the failure point marked. PNG through matplotlib, HTML through plotly."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lithiophile.echem.result import CellAnalysis
from lithiophile.errors import InputError
from lithiophile.io.celldata import CellData

__all__ = ["plot_analysis"]

MAX_POINTS = 200_000
_MARKS = {"nucleation": "tab:green", "soft-short": "tab:orange", "failure": "tab:red"}


def _series(cell: CellData) -> tuple[np.ndarray, np.ndarray]:
    t, v = cell["time_s"], cell["voltage_V"]
    stride = max(1, t.size // MAX_POINTS)
    return (t[::stride] - (t[0] if t.size else 0.0)) / 3600, v[::stride]


def plot_analysis(cell: CellData, result: CellAnalysis, path: str | Path) -> Path:
    """Write the plot to ``path`` (``.png`` or ``.html``); returns the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".html"):
        raise InputError(f"the plot file must end in .png or .html. Got '{path.name}'.")
    t_h, v = _series(cell)
    half = result.half_cycles
    spans = []
    if half.height and "t_start_s" in half.columns:
        spans = list(
            zip(
                (half.get_column("t_start_s").to_numpy() / 3600).tolist(),
                (half.get_column("t_end_s").to_numpy() / 3600).tolist(),
                (half.get_column("current_A").to_numpy() < 0).tolist(),
                strict=True,
            )
        )
    marks = [(e.kind, e.time_s / 3600, e.detail) for e in result.events if e.kind in _MARKS]
    title = f"{Path(result.source or 'data').name}: {result.protocol}"
    if suffix == ".png":
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(10, 4))
        for a, b, plating in spans:
            ax.axvspan(a, b, color="tab:blue" if plating else "tab:gray", alpha=0.08, lw=0)
        ax.plot(t_h, v, lw=0.7, color="black")
        for kind, t, _ in marks:
            ax.axvline(t, color=_MARKS[kind], lw=1.2, ls="--", label=kind)
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            unique = dict(zip(labels, handles, strict=True))
            ax.legend(unique.values(), unique.keys(), loc="best")
        ax.set_xlabel("time / h")
        ax.set_ylabel("voltage / V")
        ax.set_title(title + " (blue: plating, grey: stripping)")
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)
        return path
    import plotly.graph_objects as go

    fig = go.Figure(go.Scattergl(x=t_h, y=v, mode="lines", name="voltage", line={"width": 1}))
    for a, b, plating in spans:
        fig.add_vrect(
            x0=a, x1=b, fillcolor="blue" if plating else "gray", opacity=0.06, line_width=0
        )
    for kind, t, detail in marks:
        fig.add_vline(
            x=t,
            line_dash="dash",
            line_color=_MARKS[kind].removeprefix("tab:"),
            annotation_text=kind,
            annotation_hovertext=detail,
        )
    fig.update_layout(title=title, xaxis_title="time / h", yaxis_title="voltage / V")
    fig.write_html(path, include_plotlyjs=True)
    return path
