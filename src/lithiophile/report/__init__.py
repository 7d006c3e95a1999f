"""One offline HTML report per experiment, and the dashboard that browses many.

:func:`build_report` reads cycling and impedance files, computes the review's figures with
``lithiophile.echem``, places them among the literature records (``lithiophile.kb``) and,
for named materials, what ``lithiophile.thermo`` predicts, and writes one self-contained
HTML file (plotly.js inlined once; no request to any network).

Names are imported on first use, so ``import lithiophile.report`` loads nothing heavy.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["CellState", "ReportResult", "build_report"]

_WHERE = {"CellState": "card", "ReportResult": "build", "build_report": "build"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"lithiophile.report.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'lithiophile.report' has no attribute {name!r}")
