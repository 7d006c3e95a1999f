"""Parquet files written by lithiophile (``convert -o x.parquet``) or with canonical columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lithiophile.errors import FileFormatError
from lithiophile.io.celldata import CellData, ImpedanceData

FMT = "Parquet"
_MAGIC = b"PAR1"


def sniff(head: bytes, path: Path) -> int:
    return 100 if head.startswith(_MAGIC) else 0


def read(path: Path, **_: Any) -> CellData | ImpedanceData:
    """CellData or ImpedanceData, whichever the file's columns are."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except (OSError, pa.ArrowException) as exc:
        raise FileFormatError(path, FMT, str(exc)) from None
    cls = ImpedanceData if "frequency_Hz" in names and "time_s" not in names else CellData
    return cls.read_parquet(path)
