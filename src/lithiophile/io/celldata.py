"""The canonical data of one cell test: :class:`CellData` and :class:`ImpedanceData`.

Columns are SI with the unit in the name. Inside, a polars DataFrame; ``to_pandas()`` and
``to_arrow()`` for users of other libraries. Parquet is the on-disk cache and exchange format
(metadata travel in the file's key-value metadata).

Sign convention, applied by every reader whatever the instrument wrote
---------------------------------------------------------------------
``current_A < 0`` is reduction at the working electrode (Li plating on the working electrode,
"discharge" of a Li half cell); ``current_A > 0`` is oxidation (stripping). ``voltage_V`` is the
working-electrode potential against the counter/reference electrode. ``charge_C`` is the signed
charge passed since the start of the test, the running integral of ``current_A`` over
``time_s``. ``step`` counts steps from 1 and grows by one at every change of step (it never
repeats); an instrument's own program step number, which repeats every cycle, is kept as
``step_index``. ``cycle`` is the instrument's numbering where it has one. Impedance:
``z_imag_ohm`` is the imaginary part of Z itself (negative for a capacitive arc), not -Im(Z)
as many instruments write it.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np
import polars as pl

from lithiophile.errors import FileFormatError, InputError
from lithiophile.io import steps as _steps
from lithiophile.io.derived import cumulative_charge_C
from lithiophile.store import to_payload

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

    from lithiophile.io.summary import CellSummary, ImpedanceSummary

__all__ = [
    "CHARGE",
    "CURRENT",
    "CYCLE",
    "FREQUENCY",
    "STEP",
    "STEP_KIND",
    "TEMPERATURE",
    "TIME",
    "VOLTAGE",
    "Z_IMAG",
    "Z_REAL",
    "CellData",
    "ImpedanceData",
    "Metadata",
    "Provenance",
    "kinds_series",
]

TIME = "time_s"
VOLTAGE = "voltage_V"
CURRENT = "current_A"
CHARGE = "charge_C"
CYCLE = "cycle"
STEP = "step"
STEP_KIND = "step_kind"
STEP_INDEX = "step_index"
TEMPERATURE = "temperature_K"
FREQUENCY = "frequency_Hz"
Z_REAL = "z_real_ohm"
Z_IMAG = "z_imag_ohm"
SPECTRUM = "spectrum"

STEP_KIND_DTYPE = pl.Enum(list(_steps.STEP_KINDS))
_PARQUET_KEY = b"lithiophile"


def _isoformat(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _json_safe(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return _json_safe(value.item())
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


#: The kinds of :class:`Provenance` entry: what the reader did to get from the file to the data.
PROVENANCE_KINDS = ("assumption", "repair", "warning", "cross-check")


@dataclass(frozen=True)
class Provenance:
    """One assumption, repair or warning a reader made while building the data.

    Attributes
    ----------
    kind
        One of :data:`PROVENANCE_KINDS`: ``"assumption"`` (a value the file does not state,
        e.g. a sign inferred or an area taken from a header), ``"repair"`` (the data differ
        from the file's bytes: columns realigned, rows dropped, units converted from a guess),
        ``"warning"`` (the file is read as written but something in it is suspicious),
        ``"cross-check"`` (two ways of getting one number disagree, e.g. the instrument's
        charge counter and the integral of current).
    what
        One sentence, for a person: what was done and why.
    where
        Where in the file it applies (``"line 12"``, ``"rows 3-7"``, ``"byte 9158"``), or "".
    code
        A short stable tag for programs (``"sign-inferred"``, ``"labels-realigned"`` ...).
    """

    kind: str
    what: str
    where: str = ""
    code: str = ""

    def __post_init__(self) -> None:
        if self.kind not in PROVENANCE_KINDS:
            raise InputError(
                f"Provenance kind must be one of {list(PROVENANCE_KINDS)}; got {self.kind!r}."
            )

    def __str__(self) -> str:
        where = f" ({self.where})" if self.where else ""
        return f"{self.kind}: {self.what}{where}"


@dataclass(frozen=True)
class Metadata:
    """What is known of a file besides its columns.

    Attributes
    ----------
    source_path, sha256
        The file read and the SHA-256 of its bytes (None for data made in memory).
    instrument, format, format_version
        E.g. ``"BioLogic"``, ``"biologic-mpr"``, ``"EC-Lab 11.50 / data module v3"``.
    start_time
        Start of the test as the file states it (naive local time when the file has no zone).
    area_m2, mass_kg
        Electrode area [m^2] and active mass [kg] when the file states them.
    techniques
        Techniques run, e.g. ``("GCPL",)`` or ``("OCV", "PEIS")``.
    header
        Everything else the reader found in the header (technique parameters ...), JSON-safe.
    notes
        What the reader had to decide or could not read, one sentence each (free text; kept
        for older callers; every note is also a ``provenance`` entry).
    provenance
        Every assumption, repair and warning of the reader, as :class:`Provenance` records,
        in the order they were made. ``lithiophile read``, ``convert`` and ``cell analyze``
        print them.
    """

    source_path: str | None = None
    sha256: str | None = None
    instrument: str | None = None
    format: str | None = None
    format_version: str | None = None
    start_time: datetime | None = field(default=None, metadata={"payload_as": _isoformat})
    area_m2: float | None = None
    mass_kg: float | None = None
    techniques: tuple[str, ...] = ()
    header: Mapping[str, Any] = field(
        default_factory=dict, metadata={"payload_as": lambda h: _json_safe(dict(h))}
    )
    notes: tuple[str, ...] = ()
    provenance: tuple[Provenance, ...] = ()

    def __post_init__(self) -> None:
        for name in ("area_m2", "mass_kg"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise InputError(
                    f"Metadata '{name}' must be a positive finite number. Got {value!r}."
                )

    def replace(self, **changes: Any) -> Metadata:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def with_provenance(self, *entries: Provenance) -> Metadata:
        """A copy with ``entries`` appended to :attr:`provenance` (duplicates skipped)."""
        new = tuple(e for e in entries if e not in self.provenance)
        return dataclasses.replace(self, provenance=(*self.provenance, *new)) if new else self

    def all_provenance(self) -> tuple[Provenance, ...]:
        """:attr:`provenance`, plus each free-text note not already in it (as a warning)."""
        said = {p.what for p in self.provenance}
        extra = tuple(Provenance("warning", n, code="note") for n in self.notes if n not in said)
        return (*self.provenance, *extra)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Metadata:
        """Inverse of :func:`lithiophile.store.to_payload` of a Metadata (unknown keys are
        ignored): :func:`~lithiophile.store.from_payload` for every field, then the two it
        cannot rebuild, the start time (an ISO string) and the header (a JSON object)."""
        from lithiophile.store import from_payload

        start = d.get("start_time")
        meta: Metadata = from_payload(cls, d)
        return meta.replace(
            start_time=datetime.fromisoformat(start) if start else None,
            header=dict(d.get("header") or {}),
        )


class _Table:
    """What CellData and ImpedanceData share: a validated polars frame plus Metadata."""

    REQUIRED: ClassVar[tuple[str, ...]] = ()
    SCHEMA: ClassVar[dict[str, Any]] = {}
    KIND: ClassVar[str] = ""

    def __init__(self, table: pl.DataFrame, meta: Metadata | None = None) -> None:
        missing = [c for c in self.REQUIRED if c not in table.columns]
        if missing:
            raise InputError(
                f"{type(self).__name__} needs the columns {list(self.REQUIRED)}; "
                f"missing {missing} (have {table.columns})."
            )
        schema = table.schema
        casts = [pl.col(c).cast(d) for c, d in self.SCHEMA.items() if schema[c] != d]
        if casts:
            table = table.with_columns(casts)
        self._table = table
        self.meta = meta if meta is not None else Metadata()

    # -- access --------------------------------------------------------------------------
    @property
    def table(self) -> pl.DataFrame:
        """The columns as a polars DataFrame (not a copy: do not mutate)."""
        return self._table

    @property
    def columns(self) -> list[str]:
        return list(self._table.columns)

    def __len__(self) -> int:
        return self._table.height

    def __getitem__(self, column: str) -> np.ndarray:
        """One column as a numpy array (zero-copy where polars allows)."""
        if column not in self._table.columns:
            raise KeyError(f"no column {column!r}; columns are {self._table.columns}")
        return self._table.get_column(column).to_numpy()

    def to_polars(self) -> pl.DataFrame:
        return self._table.clone()

    def to_pandas(self) -> pd.DataFrame:
        """The columns as a pandas DataFrame (needs pandas: ``pip install lithiophile[pandas]``)."""
        try:
            import pandas  # noqa: F401
        except ImportError as exc:  # pragma: no cover - depends on the environment
            from lithiophile.errors import DependencyMissing

            raise DependencyMissing("to_pandas() needs pandas: pip install pandas") from exc
        return self._table.to_pandas()

    def to_arrow(self) -> pa.Table:
        return self._table.to_arrow()

    def __repr__(self) -> str:
        fmt = self.meta.format or "memory"
        return f"<{type(self).__name__} {len(self)} rows from {fmt}: {', '.join(self.columns)}>"

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and isinstance(other, _Table)
            and self.meta == other.meta
            and self._table.equals(other._table)
        )

    __hash__ = None  # type: ignore[assignment]

    # -- parquet -------------------------------------------------------------------------
    def write_parquet(self, path: str | Path) -> Path:
        """Write columns and metadata to a Parquet file; returns the path."""
        import pyarrow.parquet as pq

        path = Path(path)
        arrow = self._table.to_arrow()
        info = {"kind": self.KIND, "meta": to_payload(self.meta)}
        schema_meta = dict(arrow.schema.metadata or {})
        schema_meta[_PARQUET_KEY] = json.dumps(info).encode()
        pq.write_table(arrow.replace_schema_metadata(schema_meta), path, compression="zstd")
        return path

    @classmethod
    def read_parquet(cls, path: str | Path) -> Self:
        """Read a Parquet file written by :meth:`write_parquet` (or any with the columns)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = Path(path)
        try:
            arrow = pq.read_table(path)
        except (OSError, pa.ArrowException) as exc:
            raise FileFormatError(path, "Parquet", str(exc)) from None
        meta = Metadata(source_path=str(path), format="parquet")
        raw = (arrow.schema.metadata or {}).get(_PARQUET_KEY)
        if raw:
            try:
                info = json.loads(raw)
                meta = Metadata.from_dict(info.get("meta", {}))
            except (ValueError, TypeError, InputError) as exc:
                raise FileFormatError(
                    path, "Parquet", f"lithiophile metadata unreadable: {exc}"
                ) from None
        table = pl.from_arrow(arrow.replace_schema_metadata(None))
        assert isinstance(table, pl.DataFrame)
        try:
            return cls(table, meta)
        except InputError as exc:
            raise FileFormatError(path, "Parquet", str(exc)) from None


class CellData(_Table):
    """A time series of one cell test with SI columns.

    Always present: ``time_s``, ``voltage_V``, ``current_A``, ``charge_C``, ``cycle``, ``step``,
    ``step_kind``; ``temperature_K`` and instrument columns when the file has them. Build one
    with :meth:`from_columns`, which derives whatever the file lacks.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(6.0)
    >>> cd = CellData.from_columns({"time_s": t, "voltage_V": [0.1, 0.1, 0.1, -0.1, -0.1, -0.1],
    ...                             "current_A": [1e-3, 1e-3, 1e-3, -1e-3, -1e-3, -1e-3]})
    >>> cd["step"].tolist(), cd["step_kind"].tolist()[2:4]
    ([1, 1, 1, 2, 2, 2], ['charge', 'discharge'])
    """

    REQUIRED = (TIME, VOLTAGE, CURRENT, CHARGE, CYCLE, STEP, STEP_KIND)
    SCHEMA: ClassVar[dict[str, Any]] = {
        TIME: pl.Float64,
        VOLTAGE: pl.Float64,
        CURRENT: pl.Float64,
        CHARGE: pl.Float64,
        CYCLE: pl.Int32,
        STEP: pl.Int32,
        STEP_KIND: STEP_KIND_DTYPE,
    }
    KIND = "cell"

    #: The impedance sweeps a cycling file holds between its steps (BioLogic Modulo Bat with
    #: PEIS/GEIS sequences), one spectrum per sweep; None when it holds none. Their rows stay
    #: in the table too (step_kind "eis"). Not written to Parquet.
    spectra: ImpedanceData | None = None

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Any] | pl.DataFrame,
        meta: Metadata | None = None,
    ) -> CellData:
        """Build CellData from SI columns, deriving ``charge_C``, ``step``, ``step_kind`` and
        ``cycle`` when absent.

        Parameters
        ----------
        columns
            At least ``time_s``, ``voltage_V`` and ``current_A`` (already in SI and in the
            package's sign convention). ``step_kind`` may be given as strings of
            :data:`lithiophile.io.steps.STEP_KINDS` or left out.
        meta
            What is known of the source.
        """
        cols = _column_dict(columns)
        for c in (TIME, VOLTAGE, CURRENT):
            if c not in cols:
                raise InputError(
                    f"CellData needs a '{c}' column; got columns {list(cols)}. "
                    "A reader must map the file's time, voltage and current to time_s, voltage_V "
                    "and current_A (SI units)."
                )
        t, v, i = (_float64(cols, c) for c in (TIME, VOLTAGE, CURRENT))
        if t.size and not np.isfinite(t).all():
            bad = int(np.flatnonzero(~np.isfinite(t))[0])
            raise InputError(f"time_s is not finite at row {bad}; every point needs a time.")
        derived = []
        if CHARGE not in cols:
            if i.size and not np.isfinite(i).any():  # no current: the charge is unknown
                cols[CHARGE] = np.full(i.size, np.nan)
                derived.append(_NO_CURRENT)
            else:
                cols[CHARGE] = cumulative_charge_C(t, i)
                derived.append(_CHARGE_INTEGRATED)
        step = _step_column(cols, t, v, i, derived)
        kind_codes = _kind_column(cols, step, v, i)
        if CYCLE not in cols:
            cols[CYCLE] = _steps.cycles_from_steps(step, kind_codes, i)
        order = [*cls.REQUIRED, *([TEMPERATURE] if TEMPERATURE in cols else [])]
        order += [c for c in cols if c not in order]
        try:
            frame = pl.DataFrame({c: cols[c] for c in order})
        except (pl.exceptions.PolarsError, ValueError, TypeError) as exc:
            raise InputError(f"CellData columns do not form a table: {exc}") from None
        if derived:
            meta = (meta if meta is not None else Metadata()).with_provenance(*derived)
        return cls(frame, meta)

    def summary(self) -> CellSummary:
        """What is in the data: the answer of ``lithiophile read``."""
        from lithiophile.io.summary import CellSummary, summarize_meta

        t = self[TIME]
        cycles = self._table.get_column(CYCLE)
        kinds = self._table.get_column(STEP_KIND).value_counts(sort=True)
        return summarize_meta(
            CellSummary,
            self.meta,
            "cell",
            len(self),
            self.columns,
            time_span_s=float(t.max() - t.min()) if t.size else 0.0,
            cycles=int(cycles.n_unique()) if len(self) else 0,
            steps=int(self._table.get_column(STEP).n_unique()) if len(self) else 0,
            step_kinds={str(k): int(c) for k, c in kinds.iter_rows()},
        )


class ImpedanceData(_Table):
    """Impedance spectra: ``frequency_Hz``, ``z_real_ohm``, ``z_imag_ohm`` (Im Z itself).

    Optional: ``spectrum`` (index of the sweep, 1-based, for files with several loops),
    ``time_s``, ``cycle``, ``temperature_K``, ``voltage_V``, ``current_A``.

    Examples
    --------
    >>> zd = ImpedanceData.from_columns({"frequency_Hz": [1e3, 1.0],
    ...                                  "z_real_ohm": [10.0, 60.0], "z_imag_ohm": [-1.0, -5.0]})
    >>> zd.summary().spectra
    1
    """

    REQUIRED = (FREQUENCY, Z_REAL, Z_IMAG)
    SCHEMA: ClassVar[dict[str, Any]] = {
        FREQUENCY: pl.Float64,
        Z_REAL: pl.Float64,
        Z_IMAG: pl.Float64,
    }
    KIND = "impedance"

    @classmethod
    def from_columns(
        cls, columns: Mapping[str, Any] | pl.DataFrame, meta: Metadata | None = None
    ) -> ImpedanceData:
        """Build ImpedanceData from SI columns; adds ``spectrum`` = 1 when absent."""
        frame = columns if isinstance(columns, pl.DataFrame) else pl.DataFrame(dict(columns))
        missing = [c for c in cls.REQUIRED if c not in frame.columns]
        if missing:
            raise InputError(
                f"ImpedanceData needs the columns {list(cls.REQUIRED)}; missing {missing}."
            )
        frame = frame.with_columns(pl.col(*cls.REQUIRED).cast(pl.Float64))
        if SPECTRUM not in frame.columns:
            frame = frame.with_columns(pl.lit(1, dtype=pl.Int32).alias(SPECTRUM))
        order = [*cls.REQUIRED, SPECTRUM]
        order += [c for c in frame.columns if c not in order]
        return cls(frame.select(order), meta)

    @property
    def z(self) -> np.ndarray:
        """Complex impedance [ohm]."""
        return self[Z_REAL] + 1j * self[Z_IMAG]

    def summary(self) -> ImpedanceSummary:
        """What is in the data: the answer of ``lithiophile read``."""
        from lithiophile.io.summary import ImpedanceSummary, summarize_meta

        f = self[FREQUENCY]
        return summarize_meta(
            ImpedanceSummary,
            self.meta,
            "impedance",
            len(self),
            self.columns,
            spectra=int(self._table.get_column(SPECTRUM).n_unique()) if len(self) else 0,
            frequency_range_Hz=(float(f.min()), float(f.max())) if f.size else None,
        )


def _column_dict(columns: Mapping[str, Any] | pl.DataFrame) -> dict[str, Any]:
    if isinstance(columns, pl.DataFrame):
        return {c: columns.get_column(c) for c in columns.columns}
    return dict(columns)


def _float64(cols: dict[str, Any], name: str) -> np.ndarray:
    """Column ``name`` as a contiguous float64 array (stored back, so the frame shares it)."""
    col = cols[name]
    if isinstance(col, pl.Series):
        arr = col.cast(pl.Float64, strict=False).to_numpy()
    else:
        arr = np.ascontiguousarray(col, dtype=np.float64)
    if arr.ndim != 1:
        raise InputError(f"column '{name}' must be one-dimensional; got shape {arr.shape}.")
    cols[name] = arr
    return arr


_NO_CURRENT = Provenance(
    "warning",
    "no current recorded (current_A is missing in every row): charge_C is unknown (NaN) and "
    "the kind of every step is unknown; the figures that need the current need it supplied",
    "",
    "no-current",
)

_CHARGE_INTEGRATED = Provenance(
    "assumption",
    "charge_C is the trapezoidal integral of the recorded current (the file has no charge "
    "counter), so it misses what changes between records",
    "",
    "charge-integrated",
)


def _step_column(
    cols: dict[str, Any], t: np.ndarray, v: np.ndarray, i: np.ndarray, derived: list[Provenance]
) -> np.ndarray:
    """``step`` as a running count: the file's own (a program step number that repeats every
    cycle is kept as ``step_index`` and counted on), else derived from the data."""
    if STEP in cols:
        step = pl.Series(STEP, cols[STEP]).cast(pl.Int32).to_numpy()
        if step.size and (np.diff(step) < 0).any():
            cols.setdefault(STEP_INDEX, step)
            step = _steps.running_step_count(step, cols.get(CYCLE))
        cols[STEP] = step
        return step
    step = cols[STEP] = _steps.derive_steps(t, v, i)
    derived.append(
        Provenance(
            "assumption",
            "steps derived from changes of current and voltage (the file numbers none)",
            "",
            "steps-derived",
        )
    )
    return step


def _kind_column(
    cols: dict[str, Any], step: np.ndarray, v: np.ndarray, i: np.ndarray
) -> np.ndarray:
    """``step_kind`` (given as names or derived per step) and its codes."""
    if STEP_KIND not in cols:
        kind_codes = _steps.kinds_from_steps(step, v, i)
        cols[STEP_KIND] = kinds_series(kind_codes)
        return kind_codes
    kinds = pl.Series(STEP_KIND, cols[STEP_KIND])
    if kinds.dtype != STEP_KIND_DTYPE:
        kinds = kinds.cast(pl.String)
        unknown = set(kinds.unique().drop_nulls().to_list()) - set(_steps.STEP_KINDS)
        if unknown:
            raise InputError(
                f"step_kind values must be among {list(_steps.STEP_KINDS)}; got {sorted(unknown)}."
            )
        kinds = kinds.fill_null("unknown").cast(STEP_KIND_DTYPE)
    cols[STEP_KIND] = kinds
    return kinds.to_physical().to_numpy().astype(np.uint8, copy=False)


def kinds_series(codes: np.ndarray) -> pl.Series:
    """A ``step_kind`` Enum series from codes (indices into STEP_KINDS), without strings."""
    levels = pl.Series(STEP_KIND, list(_steps.STEP_KINDS), dtype=STEP_KIND_DTYPE)
    return levels.gather(codes.astype(np.uint32, copy=False))
