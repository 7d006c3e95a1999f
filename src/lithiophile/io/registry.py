"""The formats lithiophile reads, and detection of a file's format from its content.

Each format is a module in :mod:`lithiophile.io` with two functions:

``sniff(head: bytes, path: Path) -> int``
    0 if the bytes cannot be this format, 100 only when they certainly are (a magic number:
    detection stops there), between for likelihood. ``head`` is the
    first :data:`HEAD_BYTES` bytes of the file. Content decides; the extension only breaks ties.
``read(path: Path, **options) -> CellData | ImpedanceData``
    Parse the file (never write to it), or raise :class:`~lithiophile.errors.FileFormatError`.

Modules are imported only when a file is sniffed or read, so ``import lithiophile`` stays fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

__all__ = ["FORMATS", "HEAD_BYTES", "Format", "get_format"]

HEAD_BYTES = 65_536


@dataclass(frozen=True)
class Format:
    """A readable format: its name, the instrument family, typical extensions, its module."""

    name: str
    instrument: str
    description: str
    extensions: tuple[str, ...]
    module: str

    def load(self) -> ModuleType:
        return importlib.import_module(f"lithiophile.io.{self.module}")

    def sniff(self, head: bytes, path: Path) -> int:
        return int(self.load().sniff(head, path))


FORMATS: tuple[Format, ...] = (
    Format("biologic-mpr", "BioLogic", "EC-Lab binary raw data", (".mpr",), "biologic_mpr"),
    Format("biologic-mpt", "BioLogic", "EC-Lab text export", (".mpt", ".txt"), "biologic_mpt"),
    Format(
        "neware-nda",
        "Neware",
        "BTS binary .nda/.ndax/.ndc",
        (".nda", ".ndax", ".ndc"),
        "neware_nda",
    ),
    Format("neware-csv", "Neware", "BTSDA CSV/XLSX export", (".csv", ".xlsx"), "neware_csv"),
    Format("arbin-res", "Arbin", "MITS Pro .res (MS Access)", (".res",), "arbin_res"),
    Format(
        "arbin-csv", "Arbin", "MITS Pro CSV/XLSX export", (".csv", ".xlsx", ".xls"), "arbin_csv"
    ),
    Format("maccor-text", "Maccor", "Maccor text/CSV export", (".txt", ".csv"), "maccor_text"),
    Format("maccor-eis", "Maccor", "Maccor FRA export (.EDA)", (), "maccor_eis"),
    Format("land", "LAND", "LANHE/LAND CT export (xlsx/csv)", (".xlsx", ".csv"), "land"),
    Format("gamry-dta", "Gamry", "Gamry Framework .DTA", (".dta",), "gamry_dta"),
    Format("zplot", "Scribner", "ZPlot/ZView .z", (".z",), "zplot"),
    Format(
        "vendor-eis",
        "any",
        "PalmSens .pssession / RelaxIS spectrum export",
        (".pssession", ".txt"),
        "vendor_eis",
    ),
    Format("bdf-csv", "any", "Battery Data Format CSV", (".csv",), "bdf"),
    Format("parquet", "any", "lithiophile Parquet", (".parquet",), "parquet_format"),
    Format("impedance-csv", "any", "plain CSV of f, Z', Z''", (".csv", ".txt"), "impedance_csv"),
    Format(
        "generic-csv", "any", "CSV/XLSX with a column mapping", (".csv", ".txt", ".xlsx"), "generic"
    ),
)

_BY_NAME = {f.name: f for f in FORMATS}


def get_format(name: str) -> Format:
    """The format called ``name``; InputError listing the known names otherwise."""
    from lithiophile.errors import InputError

    try:
        return _BY_NAME[name]
    except KeyError:
        raise InputError(
            f"unknown format {name!r}; choose one of {', '.join(_BY_NAME)} or leave it out to "
            "detect the format from the file's content."
        ) from None
