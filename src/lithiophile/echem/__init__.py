"""Li-metal anode figures from cycling and impedance data (``lithiophile.echem``).

Cycling (this package's modules; impedance lives in :mod:`lithiophile.echem.impedance`):

>>> from lithiophile.echem import analyze                       # doctest: +SKIP
>>> result = analyze(cell)                                      # doctest: +SKIP
>>> result.protocol, result.metric("average_ce", "reservoir")   # doctest: +SKIP

:func:`analyze` segments a :class:`~lithiophile.io.CellData` into half-cycles, detects the
protocol (Li||Cu, the reservoir protocol of Adams 2018 and its Aurbach variant, Li||Li
symmetric, critical current density, first plating) or checks the one given, and returns a
frozen :class:`CellAnalysis` of :class:`~lithiophile.metrics.Metric` records with their
conditions, per-cycle tables, events (soft shorts, failure) and notes.  The same
:func:`analyze` takes a file, or a list of files (a batch run in parallel on processes or a
Dask cluster through the store, or, with ``join=True``, one test split over several files).

Names are imported on first use, so importing this package (or its impedance subpackage)
loads no cycling code.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "AnalysisOptions",
    "CellAnalysis",
    "Event",
    "ProtocolError",
    "analyze",
    "analyze_data",
    "analyze_file",
    "analyze_files",
    "segment",
]

_WHERE = {
    "AnalysisOptions": "result",
    "CellAnalysis": "result",
    "Event": "result",
    "ProtocolError": "protocols",
    "analyze_data": "analysis",
    "analyze": "analysis",
    "analyze_file": "analysis",
    "analyze_files": "analysis",
    "segment": "segments",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        module = importlib.import_module(f"lithiophile.echem.{_WHERE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'lithiophile.echem' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
