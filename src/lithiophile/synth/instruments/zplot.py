"""Scribner ZPlot's ``.z`` file (``ZPLOT2 ASCII``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lithiophile.io.celldata import ImpedanceData
from lithiophile.synth.instruments._common import _rows, _Spectrum, _write_text


def _zplot_line(key: str, value: Any, indent: int = 2) -> str:
    """``  Key:<spaces>value`` with the value in column 30, as ZPlot aligns it."""
    return " " * indent + f"{key}:".ljust(28 - (indent - 2)) + str(value)


def write_zplot(data: ImpedanceData, path: str | Path) -> Path:
    """Write a Scribner ZPlot ``.z`` file (``ZPLOT2 ASCII``), as ``impedancepy__Circuit1_EIS_1.z``.

    Layout: ``ZPLOT2 ASCII``; ``key: value`` lines with the value in column 30 (``Measured
    Data, ZPlot: 3.2c``, ``Experiment Type``, ``Date`` MM-DD-YYYY, ``Time``, ``Open Circuit
    Potential (V)``); the ``Begin Experiment``/``End Experiment`` block with the sweep
    settings (DC and AC potential, initial and final frequency, log spacing, points per
    decade); the ``Cell Information`` block with the surface area (cm²; 1, ZPlot's default,
    when the data state none); ``Data Points``; the tab-separated labels ``Freq(Hz) Ampl Bias
    Time(Sec) Z'(a) Z''(b) GD Err Range``; ``End Comments``; the rows. ASCII, CRLF line ends.
    The potentiostat and analyzer blocks of the reference (Solartron 1287/1252 settings) are
    not written: they describe hardware the synthetic data did not run on.

    Conventions: ``Z''(b)`` is Im(Z) itself (negative for a capacitive arc), as ZPlot writes
    it; ``Ampl`` the 10 mV excitation, ``Bias`` the DC potential, ``GD`` 0, ``Err`` 0,
    ``Range`` the reference's code (4).

    Notes
    -----
    Precision (the reference's formats): frequency and time 7 significant digits, ``Z'(a)``
    and ``Z''(b)`` 5 significant digits (``%.4E``: relative error below 5e-5).
    """
    path = Path(path)
    spec = _Spectrum(data, "write_zplot")
    area_cm2 = spec.area_m2 * 1e4 if spec.area_m2 else 1.0
    header = [
        "ZPLOT2 ASCII",
        _zplot_line("Measured Data, ZPlot", "3.2c"),
        _zplot_line("Experiment Type", "Sweep Frequency, Control Voltage"),
        _zplot_line("Date", f"{spec.start:%m-%d-%Y}"),
        _zplot_line("Time", f"{spec.start:%H:%M:%S}"),
        _zplot_line("Open Circuit Potential (V)", format(float(spec.v[0]), ".4f")),
        _zplot_line("Begin User Comments", 0),
        _zplot_line("End User Comments", 0),
        _zplot_line("Begin Experiment", 0),
        _zplot_line("Potential-DC", 0, 4),
        _zplot_line("Potential-DC Type", 1, 4),
        _zplot_line("Potential-AC", format(spec.amplitude_V * 1e3, "g"), 4),
        _zplot_line("vs Freq-Initial", format(float(spec.f[0]), ".10g"), 4),
        _zplot_line("vs Freq-Final", format(float(spec.f[-1]), ".10g"), 4),
        _zplot_line("vs Freq-Lin/Log Type", 1, 4),
        _zplot_line("vs Freq-Log Type", 0, 4),
        _zplot_line("vs Freq-Log Interval", format(spec.points_per_decade(), "g"), 4),
        _zplot_line("End Experiment", 0),
        _zplot_line("Begin Information", "Cell Information"),
        _zplot_line("Surface Area", format(area_cm2, "g"), 4),
        _zplot_line("Density", 0, 4),
        _zplot_line("Weight", 0, 4),
        _zplot_line("End Information", "Cell Information"),
        _zplot_line("Data Points", spec.n),
        "  "
        + "\t".join(
            ["Freq(Hz)", "Ampl", "Bias", "Time(Sec)", "Z'(a)", "Z''(b)", "GD", "Err", "Range"]
        ),
        "End Comments",
    ]
    columns: list[tuple[str, Any]] = [
        ("%.6E", spec.f),
        ("%.4E", np.full(spec.n, spec.amplitude_V)),
        ("%.4E", spec.v),
        ("%.6E", spec.t),
        ("%.4E", spec.z.real),
        ("%.4E", spec.z.imag),
        ("%.4E", np.zeros(spec.n)),
        ("%d", np.zeros(spec.n, dtype=np.int64)),
        ("%d", np.full(spec.n, 4)),
    ]
    return _write_text(path, [*header, *_rows(columns, "\t")], "ascii")
