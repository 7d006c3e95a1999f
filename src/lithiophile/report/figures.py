"""Figure specifications of the report: traces of real samples, axis titles with units, and
the conditions the figure was measured at. The page draws them with plotly.js; the CSV a
reader downloads is made from the same arrays.

Arrays travel as base64 of little-endian float64 (exact, and a third of the size of their
decimal text); :meth:`Figure.as_dict` encodes them and :func:`decode` reads them back.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lithiophile import cite
from lithiophile.report.downsample import m4_indices

__all__ = ["Figure", "Trace", "decode", "encode", "thin"]

#: Pixel columns a figure is drawn for (a wide screen); M4 keeps at most 4 points per column.
COLUMNS = 2000


def encode(values: np.ndarray) -> str:
    """base64 of the values as little-endian float64 (NaN for missing)."""
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f8").tobytes()).decode("ascii")


def decode(text: str) -> np.ndarray:
    """Inverse of :func:`encode`."""
    return np.frombuffer(base64.b64decode(text), dtype="<f8")


def _plural(selector: str) -> str:
    """``"cycle"`` -> ``"cycles"``, ``"spectrum"`` -> ``"spectra"``."""
    return "spectra" if selector == "spectrum" else selector + "s"


@dataclass
class Trace:
    """One line or set of markers. ``cycle`` ties it to the cycle selector."""

    name: str
    x: np.ndarray = field(metadata={"payload_as": encode})
    y: np.ndarray = field(metadata={"payload_as": encode})
    mode: str = "lines"
    cycle: int | None = None
    yaxis: str = "y"
    style: dict[str, Any] = field(default_factory=dict)


@dataclass
class Figure:
    """One interactive figure of the report.

    Attributes
    ----------
    id
        Unique within the page (``[a-z0-9-]``).
    title, caption
        What it shows, and the conditions it was measured at.
    x_title, y_title, y2_title
        Axis titles with units; the CSV columns take these names.
    note
        How the data were thinned for display, if they were.
    shapes
        plotly layout shapes (event lines).
    """

    id: str
    title: str
    x_title: str = field(metadata={"payload_key": "xTitle"})
    y_title: str = field(metadata={"payload_key": "yTitle"})
    traces: list[Trace] = field(default_factory=list)
    caption: str = ""
    y2_title: str | None = field(default=None, metadata={"payload_key": "y2Title"})
    log_x: bool = field(default=False, metadata={"payload_key": "logX"})
    log_y: bool = field(default=False, metadata={"payload_key": "logY"})
    note: str = ""
    shapes: list[dict[str, Any]] = field(default_factory=list)
    equal_axes: bool = field(default=False, metadata={"payload_key": "equalAxes"})
    y_range: tuple[float, float] | None = field(default=None, metadata={"payload_key": "yRange"})
    selector: str = field(default="cycle", metadata={"payload_as": _plural})

    #: The page's script reads figures as :func:`lithiophile.store.to_payload` writes them:
    #: camelCase keys, the selector's noun in the plural, the cycles the traces hold.
    PAYLOAD_EXTRA = ("cycles",)

    @property
    def plural(self) -> str:
        """The selector's noun in the plural (cycles, spectra)."""
        return _plural(self.selector)

    @property
    def cycles(self) -> list[int]:
        return sorted({t.cycle for t in self.traces if t.cycle is not None})


def thin(x: np.ndarray, y: np.ndarray, columns: int = COLUMNS) -> tuple[np.ndarray, np.ndarray]:
    """The samples M4 keeps for ``columns`` pixel columns (all of them for short series)."""
    keep = m4_indices(x, y, columns)
    if keep.size < len(x):
        cite.register("Jugel2014")
    return np.asarray(x)[keep], np.asarray(y)[keep]


def vline(x: float, color: str, dash: str = "dot") -> dict[str, Any]:
    """A vertical line across the plot at ``x`` (an event)."""
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": color, "dash": dash, "width": 1},
    }
