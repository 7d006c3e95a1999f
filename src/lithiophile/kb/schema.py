"""The schema of a literature record: value as printed and in SI, conditions, provenance, flags.

A :class:`Record` holds one reported result. Its ``value`` is in ``unit`` (the unit the result is
read in, e.g. ``"ohm cm2"``); ``value_si`` is derived from them and checked; ``printed``,
``value_printed`` and ``unit_printed`` keep what the source printed, verbatim. Where the reading
differs from the print (a sign, a unit such as "ohm cm-2" read as ohm cm2), a flag must say so:
the validator refuses a record whose printed and read values disagree without one.

Conditions are SI floats (:class:`lithiophile.metrics.Conditions`); :meth:`Record.to_metric`
turns a record into a :class:`lithiophile.metrics.Metric`, and :func:`record_from_metric` does
the reverse for a user's result.

References
----------
Li, C.-C. et al. Modulating the lithiophilicity at electrode/electrolyte interface for
high-energy Li-metal batteries. Energy Mater. 2021, 1, 100017 (CC-BY 4.0): the strategy
categories and the bundled records.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Collection
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lithiophile.errors import InputError, UnitsError
from lithiophile.metrics import METRICS, Conditions, Metric
from lithiophile.units import normalise

__all__ = [
    "DIRECTION",
    "FLAG_KINDS",
    "STRATEGIES",
    "Flag",
    "Provenance",
    "Record",
    "canonical_strategy",
    "record_from_metric",
    "validate_record",
]

#: Strategy categories, after the review's Tables 1-3 and section headings.
STRATEGIES: dict[str, str] = {
    "in-situ SEI": "liquid: SEI formed in situ from the electrolyte's components (Table 1)",
    "reactive artificial SEI": (
        "liquid: artificial SEI made by reacting Li with a precursor (Table 1)"
    ),
    "surface treatment": (
        "chemical or electrochemical polishing of Li or of the electrolyte surface"
    ),
    "host chemistry": "host made lithiophilic by functional groups or chemistry (Table 2)",
    "host coating": "lithiophilic coating on a host (ZnO, Si, Ag, g-C3N4 ...; Table 2)",
    "host dopant": "lithiophilic dopant in a host or current collector (N, Br ...; Table 2)",
    "alloy anode": "Li alloy anode or alloying host (Li-Al, Li-B-Mg ...; Table 2)",
    "IL interlayer": "solid: ionic-liquid interlayer (Table 3)",
    "gel interlayer": "solid: gel interlayer (Table 3)",
    "polymer interlayer": "solid: polymer interlayer (Table 3)",
    "alloy additive": "solid: alloying additive in molten Li (Li-Sn, Li-C paste; Table 3)",
    "alloying interlayer": "solid: interlayer that alloys with Li (Mg, Al, ZnO ...; Table 3)",
    "mixed-conducting interlayer": "solid: mixed ionic-electronic interlayer (Mg3N2, graphite)",
    "electronically insulating interlayer": "solid: ionic conductor, electronic insulator (LiF)",
    "control": "no interface modification (bare Li, baseline cell)",
}

_STRATEGY_ALIASES = {
    "in situ sei": "in-situ SEI",
    "insitu sei": "in-situ SEI",
    "artificial sei": "reactive artificial SEI",
    "polishing": "surface treatment",
    "dopant": "host dopant",
    "alloy": "alloy anode",
    "ionic liquid interlayer": "IL interlayer",
    "mixed conducting interlayer": "mixed-conducting interlayer",
    "mic interlayer": "mixed-conducting interlayer",
    "insulating interlayer": "electronically insulating interlayer",
    "bare": "control",
    "bare li": "control",
    "none": "control",
}

#: Flag kinds: what the source gets wrong or leaves open.
FLAG_KINDS: dict[str, str] = {
    "unit_typo": "the printed unit cannot be right as printed (e.g. 'ohm cm-2' for ohm cm2)",
    "sign_typo": "the printed sign cannot be right (e.g. a negative efficiency)",
    "misplaced_column": "the value sits under a column header that names another quantity",
    "before_after_rest_time": "'before/after cycling' columns that hold rest times",
    "before_after_without_with": "'before/after cycling' columns that compare without/with",
    "full_cell_ce_as_li_cu": "a full-cell Coulombic efficiency printed as a Li||Cu efficiency",
    "text_contradicts_table": "the body text gives another value for the same result",
    "reference_shifted": "the reference number printed is not the work's number in the list",
    "row_misaligned": "the printed table row's cells are shifted against the headers",
    "inconsistent_conditions": "one row states two incompatible sets of conditions",
    "ambiguous_condition": "a condition (cell type, rest vs cycling, electrolyte) is left open",
    "conditions_differ_text_table": "the body text states other conditions for the same work",
    "implausible_value": "the value is far outside what the same review or physics allows",
    "naming_typo": "a name, formula or author is misspelled in the source",
}

#: Which way is better, per metric kind (used by ``compare``).
DIRECTION: dict[str, Literal["higher", "lower"]] = {
    "interfacial_resistance": "lower",
    "interfacial_asr": "lower",
    "polarization": "lower",
    "li_cu_ce": "higher",
    "average_ce": "higher",
    "full_cell_ce": "higher",
    "cycle_life_time": "higher",
    "cycle_life_cycles": "higher",
    "capacity_retention": "higher",
    "critical_current_density": "higher",
    "cumulative_capacity": "higher",
    "nucleation_overpotential": "lower",
    "growth_overpotential": "lower",
    "activation_energy": "lower",
    "transference_number": "higher",
    "contact_angle": "lower",
    "binding_energy": "lower",
    "ionic_conductivity": "higher",
}

_CE_KINDS = ("li_cu_ce", "average_ce", "full_cell_ce")
_NON_NEGATIVE = (
    "interfacial_resistance",
    "interfacial_asr",
    "polarization",
    "cycle_life_time",
    "cycle_life_cycles",
    "capacity_retention",
    "critical_current_density",
    "cumulative_capacity",
    "ionic_conductivity",
)
# flags that may explain a printed value that differs from the value read
_EXPLAINS_PRINT = ("unit_typo", "sign_typo", "misplaced_column")

_DIMENSIONLESS = {
    "%": {"%", "percent", "", "1"},
    "cycles": {"cycles", "cycle", "", "1"},
    "": {"", "1"},
    "deg": {"deg", "°", "degree", "degrees"},
}


#: The package's one unit normaliser (papers' spellings -> pint's), under kb's old name.
pint_unit = normalise


@functools.cache
def unit_factor(unit: str, metric: str) -> float:
    """Factor from ``unit`` to the SI unit of ``metric`` (raises UnitsError)."""
    from lithiophile.units import factor_to_si

    si = METRICS[metric].unit
    if si in ("1", "deg"):  # pint takes angles for numbers: allow only these spellings
        allowed = _DIMENSIONLESS.get(METRICS[metric].display_unit, {"", "1"})
        if unit.strip() not in allowed:
            raise UnitsError(f"unit '{unit}' is not one of {sorted(allowed)}")
    return factor_to_si(pint_unit(unit), "dimensionless" if si == "1" else si)


@functools.cache
def canonical_strategy(name: str) -> str:
    """The category of :data:`STRATEGIES` that ``name`` names (case and spelling tolerant)."""
    text = " ".join(str(name).replace("_", " ").split())
    for key in STRATEGIES:
        if text.lower() == key.lower():
            return key
    alias = _STRATEGY_ALIASES.get(text.lower().replace("-", " ")) or _STRATEGY_ALIASES.get(
        text.lower()
    )
    if alias:
        return alias
    raise ValueError(f"unknown strategy {name!r}; choose one of: {', '.join(STRATEGIES)}")


def _one_of(value: str, allowed: Collection[str], what: str) -> str:
    """``value`` if it is one of ``allowed``, else the ValueError pydantic reports."""
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; choose one of: {', '.join(allowed)}")
    return value


class Flag(BaseModel):
    """Something the source gets wrong or leaves ambiguous, with a one-line explanation.

    ``severity``: ``note`` (informative), ``caution`` (the reading is an interpretation),
    ``exclude`` (what the number measures is unclear: left out of comparisons)."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    severity: Literal["note", "caution", "exclude"] = "caution"
    explanation: str

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return _one_of(v, FLAG_KINDS, "flag kind")

    @field_validator("explanation")
    @classmethod
    def _one_line(cls, v: str) -> str:
        if not v.strip() or "\n" in v:
            raise ValueError("a flag's explanation must be one non-empty line")
        return v


class Provenance(BaseModel):
    """Where a record comes from: the verbatim table cell or sentence and the reference."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["table", "text", "user"]
    table: int | None = None
    column: str | None = None
    row: str | None = None
    quote: str
    ref_printed: str | None = None
    ref: int | None = None
    ref_basis: str | None = None
    citation: str | None = None
    doi: str | None = None
    text: str | None = None


class ConditionsModel(BaseModel):
    """:class:`lithiophile.metrics.Conditions` as a pydantic model (SI units in the names)."""

    model_config = ConfigDict(extra="forbid")

    current_density_A_m2: float | None = None
    areal_capacity_C_m2: float | None = None
    temperature_K: float | None = None
    time_s: float | None = None
    cycle: int | None = None
    rest_time_s: float | None = None
    cell: str | None = None
    c_rate: float | None = None
    cutoff_V: float | None = None
    electrolyte: str | None = None
    extra: list[tuple[str, str]] = Field(default_factory=list)

    def to_conditions(self) -> Conditions:
        from lithiophile.store import from_payload

        out: Conditions = from_payload(Conditions, self.model_dump())
        return out


class Record(BaseModel):
    """One reported (or user's) result. See the module docstring."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    id: str
    origin: Literal["review", "user"] = "user"
    strategy: str
    strategy_printed: str | None = None
    electrolyte: Literal["liquid", "solid"] | None = None
    material: str
    metric: str
    variant: str | None = None
    value: float
    value_high: float | None = None
    unit: str | None
    value_si: float | None = None
    qualifier: Literal["=", "~", ">", "<", "range"] = "="
    printed: str | None = None
    value_printed: float | None = None
    unit_printed: str | None = None
    uncertainty: float | None = None
    definition: str = ""
    source: str | None = None
    conditions: ConditionsModel = Field(default_factory=ConditionsModel)
    provenance: Provenance | None = None
    flags: list[Flag] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @field_validator("strategy")
    @classmethod
    def _strategy(cls, v: str) -> str:
        return canonical_strategy(v)

    @field_validator("material")
    @classmethod
    def _material(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must name the material or method, such as 'LiF-rich SEI'")
        return v

    @field_validator("metric")
    @classmethod
    def _metric(cls, v: str) -> str:
        return _one_of(v, METRICS, "metric")

    @field_validator("value", "value_high", "value_printed", "uncertainty")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError(f"must be a finite number, got {v!r}")
        return v

    @model_validator(mode="after")
    def _check(self) -> Record:
        kind = METRICS[self.metric]
        if self.unit is None or (not self.unit.strip() and kind.display_unit):
            raise ValueError(
                f"unit: missing; give the unit of the value, such as '{kind.display_unit}'"
            )
        try:
            factor = unit_factor(self.unit, self.metric)
        except UnitsError:
            raise ValueError(
                f"unit: {self.unit!r} is not a unit of {self.metric} (SI {kind.unit}, "
                f"e.g. '{kind.display_unit}')"
            ) from None
        si = self.value * factor
        if self.value_si is not None and not math.isclose(
            self.value_si, si, rel_tol=1e-9, abs_tol=1e-300
        ):
            raise ValueError(
                f"value_si: {self.value_si!r} does not equal value x unit ({si!r} {kind.unit})"
            )
        self.value_si = si
        _check_possible(self.metric, si, "value")
        if self.value_high is not None:
            if self.value_high < self.value:
                raise ValueError("value_high: must not be below value (a range low-high)")
            _check_possible(self.metric, self.value_high * factor, "value_high")
        if self.origin == "review":
            self._check_review()
        try:
            self.conditions.to_conditions()
        except InputError as exc:
            raise ValueError(f"conditions: {exc}") from None
        return self

    def _check_review(self) -> None:
        if self.provenance is None or self.electrolyte is None:
            raise ValueError("provenance and electrolyte: required for a record from the review")
        if self.value_printed is None or self.unit_printed is None or self.printed is None:
            raise ValueError("printed, value_printed, unit_printed: required for a review record")
        kinds = {f.kind for f in self.flags}
        try:
            printed_si = self.value_printed * unit_factor(self.unit_printed, self.metric)
        except UnitsError:
            printed_si = None
        same = printed_si is not None and math.isclose(
            printed_si, self.value_si or 0.0, rel_tol=1e-9
        )
        if not same and not kinds & set(_EXPLAINS_PRINT):
            raise ValueError(
                f"value: read as {self.value} {self.unit} but printed {self.printed!r}; a flag "
                f"({', '.join(_EXPLAINS_PRINT)}) must say why"
            )

    # -- views ----------------------------------------------------------------------------
    @property
    def excluded(self) -> bool:
        """True when a flag says what the number measures is unclear."""
        return any(f.severity == "exclude" for f in self.flags)

    def to_metric(self) -> Metric:
        """The record as a :class:`lithiophile.metrics.Metric` (SI value)."""
        source = self.source
        if source is None and self.provenance is not None and self.provenance.ref is not None:
            source = f"Li2021 ref. [{self.provenance.ref}]"
        return Metric(
            self.metric,
            float(self.value_si if self.value_si is not None else self.value),
            self.conditions.to_conditions(),
            definition=self.definition,
            variant=self.variant,
            uncertainty=None
            if self.uncertainty is None
            else self.uncertainty * unit_factor(self.unit or "", self.metric),
            source=source,
            notes=tuple(f.explanation for f in self.flags) + tuple(self.notes),
        )

    def value_text(self, si: bool = False) -> str:
        """``"~24 ohm"`` in display units, or in SI with ``si=True``."""
        kind = METRICS[self.metric]
        factor = 1.0 if si else kind.display_factor
        unit = kind.unit if si else kind.display_unit
        v = (self.value_si or 0.0) * factor
        q = {"=": "", "~": "~", ">": "> ", "<": "< ", "range": ""}[self.qualifier]
        text = f"{q}{v:.4g}"
        if self.value_high is not None:
            hi = self.value_high * unit_factor(self.unit or "", self.metric) * factor
            text += f"-{hi:.4g}"
        return f"{text} {unit}".strip() if unit not in ("1", "") else text

    def display(self, si: bool = False) -> str:
        """One line: metric, value, conditions, material, reference."""
        cond = self.conditions.to_conditions()
        text = cond.si_text() if si else cond.display()
        name = self.metric.replace("_", " ") + (f" ({self.variant})" if self.variant else "")
        ref = ""
        if self.provenance is not None and self.provenance.ref is not None:
            ref = f" [ref {self.provenance.ref}]"
        return f"{name} {self.value_text(si)} {text} | {self.material}{ref}".replace("  ", " ")


def _check_possible(metric: str, si: float, field: str) -> None:
    if metric in _CE_KINDS and not 0.0 <= si <= 1.0:
        raise ValueError(
            f"{field}: a Coulombic efficiency ({metric}) must lie between 0 and 100 %; "
            f"{si * 100:g} % is impossible"
        )
    if metric in ("interfacial_resistance", "interfacial_asr") and si < 0:
        raise ValueError(f"{field}: a resistance cannot be negative (got {si:g})")
    if metric in _NON_NEGATIVE and si < 0:
        raise ValueError(f"{field}: {metric} cannot be negative (got {si:g})")
    if metric == "transference_number" and not 0.0 <= si <= 1.0:
        raise ValueError(f"{field}: a transference number must lie between 0 and 1 (got {si:g})")
    if metric == "contact_angle" and not 0.0 <= si <= 180.0:
        raise ValueError(f"{field}: a contact angle must lie between 0 and 180 deg (got {si:g})")


def validate_record(data: dict[str, Any], *, where: str = "record") -> Record:
    """A :class:`Record` from a dict, or an InputError naming the field and the reason."""
    try:
        return Record.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = err["msg"].removeprefix("Value error, ")
        field = ".".join(str(p) for p in err["loc"])
        if not field:  # a check across fields names its field first: "unit: missing; ..."
            m = re.match(r"([a-z_, ]+): ", msg)
            field, msg = (m.group(1), msg[m.end() :]) if m else ("record", msg)
        if err["type"] == "missing":
            msg = "missing; it is required"
        raise InputError(f"{where} field '{field}': {msg}.") from None


def record_from_metric(
    metric: Metric,
    *,
    material: str,
    strategy: str,
    electrolyte: str | None = None,
    notes: list[str] | tuple[str, ...] = (),
) -> Record:
    """A user's record from a :class:`Metric` (e.g. from ``cell analyze`` or ``eis fit``)."""
    from lithiophile.store import content_key, to_payload

    kind = METRICS[metric.metric]
    data: dict[str, Any] = {
        "id": "",
        "origin": "user",
        "strategy": strategy,
        "electrolyte": electrolyte,
        "material": material,
        "metric": metric.metric,
        "variant": metric.variant,
        "value": metric.value,
        "unit": "1" if kind.unit == "1" else kind.unit,
        "uncertainty": metric.uncertainty,
        "definition": metric.definition,
        "source": metric.source,
        "conditions": to_payload(metric.conditions),
        "notes": [*metric.notes, *notes],
    }
    record = validate_record(data)
    record.id = "user-" + content_key(record.model_dump_json(exclude={"id"}))[:20]
    return record
