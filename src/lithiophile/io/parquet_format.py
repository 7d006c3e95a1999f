"""Parquet files written by lithiophile (``convert -o x.parquet``) or with canonical columns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lithiophile.errors import FileFormatError
from lithiophile.io.celldata import _PARQUET_KEY, CellData, ImpedanceData

FMT = "Parquet"
_MAGIC = b"PAR1"


def sniff(head: bytes, path: Path) -> int:
    return 100 if head.startswith(_MAGIC) else 0


def read(path: Path, **_: Any) -> CellData | ImpedanceData:
    """CellData or ImpedanceData, whichever the file's columns are."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException, UnicodeDecodeError) as exc:
        # a damaged schema can hold column names that are not UTF-8
        raise FileFormatError(path, FMT, str(exc)) from None
    return _kind(schema).read_parquet(path)


def _kind(schema: Any) -> type[CellData] | type[ImpedanceData]:
    """The kind lithiophile wrote into the file; else spectra are what has frequency and no
    voltage/current columns (an impedance table may carry measurement times)."""
    try:
        kind = json.loads((schema.metadata or {})[_PARQUET_KEY]).get("kind")
    except (KeyError, ValueError, TypeError, AttributeError):
        kind = None
    if kind in (CellData.KIND, ImpedanceData.KIND):
        return ImpedanceData if kind == ImpedanceData.KIND else CellData
    names = set(schema.names)
    spectrum = "frequency_Hz" in names and not {"voltage_V", "current_A"} <= names
    return ImpedanceData if spectrum else CellData
