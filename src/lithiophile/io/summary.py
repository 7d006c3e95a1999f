"""What is in a file's data, as ``lithiophile read`` shows it: :class:`FileSummary`.

Built by :meth:`CellData.summary` and :meth:`ImpedanceData.summary`; the command line renders
it (``cli/display.py``) and ``--json`` serialises it through :func:`lithiophile.store.to_payload`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from lithiophile.io.celldata import Metadata, Provenance

__all__ = ["CellSummary", "FileSummary", "ImpedanceSummary", "summarize_meta"]

S = TypeVar("S", bound="FileSummary")


@dataclass(frozen=True)
class FileSummary:
    """The contents of one file's data (what both kinds share).

    Attributes
    ----------
    file, sha256
        The file read and the SHA-256 of its bytes (None for data made in memory).
    format, instrument, format_version
        As the reader identified them.
    kind
        ``"cell"`` (cycling, a :class:`CellSummary`) or ``"impedance"`` (an
        :class:`ImpedanceSummary`).
    rows, columns
        Row count and the column names (SI units in the names).
    start_time
        Start of the test as the file states it (ISO 8601), or None.
    techniques, area_m2, mass_kg, notes
        From the file's metadata (None where the file does not state them).
    provenance
        Every assumption, repair and warning of the reader.
    """

    file: str | None
    sha256: str | None
    format: str | None
    instrument: str | None
    format_version: str | None
    kind: str
    rows: int
    columns: tuple[str, ...]
    start_time: str | None
    techniques: tuple[str, ...]
    area_m2: float | None
    mass_kg: float | None
    notes: tuple[str, ...]
    provenance: tuple[Provenance, ...]


@dataclass(frozen=True)
class CellSummary(FileSummary):
    """Cycling data: the time covered [s], distinct cycles and steps, rows per step kind."""

    time_span_s: float = 0.0
    cycles: int = 0
    steps: int = 0
    step_kinds: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ImpedanceSummary(FileSummary):
    """Impedance data: the number of sweeps and the lowest and highest frequency [Hz]."""

    spectra: int = 0
    frequency_range_Hz: tuple[float, float] | None = None


def summarize_meta(
    cls: type[S], meta: Metadata, kind: str, rows: int, columns: list[str], **data: Any
) -> S:
    """A ``cls`` summary from the metadata; ``data`` holds the kind's own counts."""
    return cls(
        file=meta.source_path,
        sha256=meta.sha256,
        format=meta.format,
        instrument=meta.instrument,
        format_version=meta.format_version,
        kind=kind,
        rows=rows,
        columns=tuple(columns),
        start_time=meta.start_time.isoformat() if meta.start_time else None,
        techniques=tuple(meta.techniques),
        area_m2=meta.area_m2,
        mass_kg=meta.mass_kg,
        notes=tuple(meta.notes),
        provenance=meta.all_provenance(),
        **data,
    )
