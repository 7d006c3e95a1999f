"""Interfacial resistance from impedance spectra (``lithiophile.echem.impedance``).

Equivalent-circuit fits with automatic initial guesses (:class:`Circuit`), Lin-KK validity
check (:func:`lin_kk`), Tikhonov DRT (:func:`drt`), a library of Li-metal interface circuits
(:data:`CIRCUITS`), area-normalised per-interface metrics (:func:`analyze`,
:func:`interfacial_metrics`), and series over rest time, cycles and temperature with an
Arrhenius fit (:func:`series`, :func:`arrhenius`). The entry point for files is
:func:`fit_files` (typed :class:`ImpedanceResults`, workers, a Dask scheduler, the store).

Examples
--------
>>> from lithiophile.synth.spectra import spectrum
>>> s = spectrum([("R", 5.0), ("RQ", 80.0, 2e-5, 0.9)], noise=0.0)
>>> fit = Circuit("R0-p(R1,CPE1)").fit(s.f, s.z)
>>> round(fit.parameters_["R1"], 3)
80.0
"""

from __future__ import annotations

from lithiophile.echem.impedance.analysis import (
    InterfaceFit,
    analyze,
    interfacial_metrics,
    spectra_of,
)
from lithiophile.echem.impedance.circuit import Circuit, Parameter
from lithiophile.echem.impedance.drt import DRTPeak, DRTResult, drt
from lithiophile.echem.impedance.elements import ELEMENTS
from lithiophile.echem.impedance.files import (
    FileFits,
    FitOptions,
    ImpedanceResults,
    fit_data,
    fit_files,
)
from lithiophile.echem.impedance.library import CIRCUITS, fit_auto, interfacial_resistance
from lithiophile.echem.impedance.linkk import LinKKResult, lin_kk
from lithiophile.echem.impedance.parser import parse
from lithiophile.echem.impedance.series import SeriesResult, arrhenius, series
from lithiophile.echem.impedance.validate import InductiveLoopWarning, KramersKronigWarning

__all__ = [
    "CIRCUITS",
    "ELEMENTS",
    "Circuit",
    "DRTPeak",
    "DRTResult",
    "FileFits",
    "FitOptions",
    "ImpedanceResults",
    "InductiveLoopWarning",
    "InterfaceFit",
    "KramersKronigWarning",
    "LinKKResult",
    "Parameter",
    "SeriesResult",
    "analyze",
    "arrhenius",
    "drt",
    "fit_auto",
    "fit_data",
    "fit_files",
    "interfacial_metrics",
    "interfacial_resistance",
    "lin_kk",
    "parse",
    "series",
    "spectra_of",
]
