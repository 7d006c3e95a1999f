"""PNG snapshots, a GIF of the growth, and roughness / coverage over time (matplotlib, Pillow)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.deposition.analysis import morphology
from lithiophile.errors import CalculationFailed

__all__ = ["write_figures"]


def write_figures(result: Any, folder: Path | str, stem: str = "deposit") -> list[Path]:
    """Snapshots (PNG), an animation (GIF) and the roughness/coverage-vs-time plot.

    Refuses (CalculationFailed) to draw a field that holds a non-finite value."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation, PillowWriter

    raw, s = result.raw, result.setup
    for _, xi in raw.snapshots:
        if not np.all(np.isfinite(xi)):
            raise CalculationFailed("a snapshot holds non-finite values; no figure written.")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    ext = (0.0, s.nx * s.dx_m * 1e6, 0.0, s.nz * s.dx_m * 1e6)
    paths = []
    fig, axes = plt.subplots(1, len(raw.snapshots), figsize=(2.2 * len(raw.snapshots), 2.6))
    for ax, (t, xi) in zip(np.atleast_1d(axes), raw.snapshots, strict=True):
        ax.imshow(xi, origin="lower", extent=ext, cmap="Blues", vmin=0, vmax=1)
        ax.set_title(f"{t:.3g} s", fontsize=8)
        ax.set_xlabel("x (um)", fontsize=7)
        ax.tick_params(labelsize=6)
    fig.suptitle(s.conditions_text(), fontsize=8)
    fig.tight_layout()
    paths.append(out / f"{stem}_snapshots.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(3.2, 3.2))
    im = ax.imshow(raw.snapshots[0][1], origin="lower", extent=ext, cmap="Blues", vmin=0, vmax=1)
    title = ax.set_title("")

    def frame(i: int) -> tuple:
        t, xi = raw.snapshots[i]
        im.set_data(xi)
        title.set_text(f"{s.surface.name}: {t:.3g} s")
        return im, title

    anim = FuncAnimation(fig, frame, frames=len(raw.snapshots))
    paths.append(out / f"{stem}_growth.gif")
    anim.save(paths[-1], writer=PillowWriter(fps=3))
    plt.close(fig)

    ts = [t for t, _ in raw.snapshots]
    morph = [morphology(xi, s.dx_m) for _, xi in raw.snapshots]
    fig, ax = plt.subplots(figsize=(4, 2.8))
    ax.plot(ts, [m.roughness_m * 1e9 for m in morph], "o-", label="roughness (nm)")
    ax2 = ax.twinx()
    ax2.plot(ts, [m.coverage * 100 for m in morph], "s--", color="C1", label="coverage (%)")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("RMS roughness (nm)")
    ax2.set_ylabel("coverage (%)")
    fig.tight_layout()
    paths.append(out / f"{stem}_roughness_coverage.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths
