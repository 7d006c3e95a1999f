"""Figures of a fit: Nyquist and Bode plots with the fit, the residuals, and the DRT, as PNG
(matplotlib, Agg backend) or HTML (plotly)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from lithiophile.echem.impedance.analysis import InterfaceFit
from lithiophile.errors import DependencyMissing, InputError

__all__ = ["plot_fits"]


def _curves(item: InterfaceFit) -> dict[str, np.ndarray]:
    fit = item.fit
    f = fit.frequencies_
    f_dense = np.geomspace(f.max(), f.min(), 200)
    return {
        "f": f,
        "z": fit.data_,
        "f_fit": f_dense,
        "z_fit": fit.predict(f_dense),
        "res": fit.residuals_,
    }


def plot_fits(items: Sequence[InterfaceFit], path: str | Path) -> Path:
    """Write the figures of one or more fits to ``path`` (``.png`` or ``.html``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".html"):
        raise InputError(
            f"plot file must end in .png or .html; got '{path.name}'. E.g. --plot fit.png"
        )
    if not items:
        raise InputError("nothing to plot: no spectrum was fitted.")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".png":
        return _png(items, path)
    return _html(items, path)


def _png(items: Sequence[InterfaceFit], path: Path) -> Path:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DependencyMissing("PNG plots need matplotlib: pip install matplotlib") from exc
    has_drt = any(i.drt is not None for i in items)
    fig, axes = plt.subplots(2, 3 if has_drt else 2, figsize=(13 if has_drt else 9, 7))
    ax = axes.ravel()
    for item in items:
        c = _curves(item)
        (line,) = ax[0].plot(c["z"].real, -c["z"].imag, "o", ms=3, label=item.name)
        col = line.get_color()
        ax[0].plot(c["z_fit"].real, -c["z_fit"].imag, "-", color=col, lw=1)
        ax[1].loglog(c["f"], np.abs(c["z"]), "o", ms=3, color=col)
        ax[1].loglog(c["f_fit"], np.abs(c["z_fit"]), "-", color=col, lw=1)
        bode = 2 if not has_drt else 3
        ax[bode].semilogx(c["f"], -np.angle(c["z"], deg=True), "o", ms=3, color=col)
        ax[bode].semilogx(c["f_fit"], -np.angle(c["z_fit"], deg=True), "-", color=col, lw=1)
        res_ax = ax[3] if not has_drt else ax[4]
        res_ax.semilogx(c["f"], 100 * c["res"].real, "o", ms=3, color=col)
        res_ax.semilogx(c["f"], 100 * c["res"].imag, "x", ms=3, color=col)
        if has_drt and item.drt is not None:
            ax[2].semilogx(item.drt.tau_s, item.drt.gamma_ohm, "-", color=col)
    ax[0].set(xlabel="Z' / ohm", ylabel="-Z'' / ohm", title="Nyquist")
    ax[0].set_aspect("equal", adjustable="datalim")
    ax[0].legend(fontsize=7)
    ax[1].set(xlabel="f / Hz", ylabel="|Z| / ohm", title="Bode |Z|")
    (ax[3] if has_drt else ax[2]).set(xlabel="f / Hz", ylabel="-phase / deg", title="Bode phase")
    (ax[4] if has_drt else ax[3]).set(
        xlabel="f / Hz", ylabel="weighted residual / %", title="residuals (o real, x imag)"
    )
    if has_drt:
        ax[2].set(xlabel="tau / s", ylabel="gamma / ohm", title="DRT")
        ax[5].axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _html(items: Sequence[InterfaceFit], path: Path) -> Path:
    try:
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DependencyMissing("HTML plots need plotly: pip install plotly") from exc
    has_drt = any(i.drt is not None for i in items)
    titles = ["Nyquist", "Bode |Z|", "Bode phase", "residuals", "DRT", ""]
    fig = make_subplots(rows=2, cols=3 if has_drt else 2, subplot_titles=titles)
    pos = [(1, 1), (1, 2), (2, 1), (2, 2), (1, 3)]
    for item in items:
        c = _curves(item)
        n = item.name
        traces = [
            (0, go.Scatter(x=c["z"].real, y=-c["z"].imag, mode="markers", name=n)),
            (0, go.Scatter(x=c["z_fit"].real, y=-c["z_fit"].imag, mode="lines", name=f"{n} fit")),
            (1, go.Scatter(x=c["f"], y=np.abs(c["z"]), mode="markers", name=f"{n} |Z|")),
            (1, go.Scatter(x=c["f_fit"], y=np.abs(c["z_fit"]), mode="lines", name=f"{n} fit")),
            (2, go.Scatter(x=c["f"], y=-np.angle(c["z"], deg=True), mode="markers", name=n)),
            (
                2,
                go.Scatter(
                    x=c["f_fit"], y=-np.angle(c["z_fit"], deg=True), mode="lines", name=f"{n} fit"
                ),
            ),
            (3, go.Scatter(x=c["f"], y=100 * c["res"].real, mode="markers", name=f"{n} re")),
            (3, go.Scatter(x=c["f"], y=100 * c["res"].imag, mode="markers", name=f"{n} im")),
        ]
        if has_drt and item.drt is not None:
            traces.append(
                (
                    4,
                    go.Scatter(
                        x=item.drt.tau_s, y=item.drt.gamma_ohm, mode="lines", name=f"{n} DRT"
                    ),
                )
            )
        for k, trace in traces:
            fig.add_trace(trace, row=pos[k][0], col=pos[k][1])
    for k in (1, 2, 3):
        fig.update_xaxes(type="log", row=pos[k][0], col=pos[k][1], title_text="f / Hz")
    fig.update_yaxes(type="log", row=1, col=2, title_text="|Z| / ohm")
    fig.update_xaxes(title_text="Z' / ohm", row=1, col=1)
    fig.update_yaxes(title_text="-Z'' / ohm", row=1, col=1)
    if has_drt:
        fig.update_xaxes(type="log", row=1, col=3, title_text="tau / s")
    fig.write_html(path, include_plotlyjs=True, full_html=True)
    return path
