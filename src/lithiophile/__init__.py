"""lithiophile: measure, predict and compare lithiophilicity at the Li-metal/electrolyte interface.

The top level is kept light (``import lithiophile`` loads no numpy, polars or torch); the
curated API below is imported on first use.

Examples
--------
>>> import lithiophile
>>> lithiophile.units.to_si("0.5 mA/cm^2", "A/m^2")
5.0
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Cycler files run to tens of millions of rows. polars' allocator (jemalloc) keeps freed pages
# for a while by default, which doubles the peak memory of a big read; ask it to return them
# at once. Only effective before polars is loaded, and never overrides a user's own setting.
if "polars" not in sys.modules:
    os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")

__all__ = [
    "CellData",
    "ImpedanceData",
    "Metadata",
    "__version__",
    "cite",
    "detect",
    "errors",
    "read",
    "units",
]

_LAZY = {
    "CellData": ("lithiophile.io.celldata", "CellData"),
    "ImpedanceData": ("lithiophile.io.celldata", "ImpedanceData"),
    "Metadata": ("lithiophile.io.celldata", "Metadata"),
    "read": ("lithiophile.io", "read"),
    "detect": ("lithiophile.io", "detect"),
}
_SUBMODULES = {"cite", "errors", "units", "io", "config", "parallel", "metrics", "store"}

if TYPE_CHECKING:  # pragma: no cover
    from lithiophile import cite, errors, units
    from lithiophile.io import detect, read
    from lithiophile.io.celldata import CellData, ImpedanceData, Metadata


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"lithiophile.{name}")
    raise AttributeError(f"module 'lithiophile' has no attribute {name!r}")
