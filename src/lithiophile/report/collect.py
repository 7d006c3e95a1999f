"""Every call the report makes into measure, compare and predict, in one place.

The report stands above ``echem``, ``kb`` and ``thermo``; when their entry functions change,
this module is the one to adapt. Each function returns plain data the figures and the page
use, and never raises for a failure of the science: a file that cannot be analysed becomes an
item with its error, shown in the report.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lithiophile.errors import LithiophileError

__all__ = ["Item", "assess_materials", "collect_file", "compare_metrics", "headline_metrics"]


@dataclass
class Item:
    """One file of the report: its data, analysis and everything the reader said."""

    path: Path
    data: Any = None  # CellData | ImpedanceData
    kind: str = "unknown"  # "cycling" | "impedance"
    analysis: Any = None  # echem CellAnalysis
    fits: list[Any] = field(default_factory=list)  # impedance InterfaceFit per sweep
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def name(self) -> str:
        return self.path.name


def collect_file(
    path: Path,
    *,
    area_m2: float | None = None,
    protocol: str = "auto",
    circuit: str = "auto",
    with_drt: bool = True,
) -> Item:
    """Read ``path`` and analyse it as cycling data or impedance spectra (each sweep fitted,
    with its DRT when ``with_drt``)."""
    import lithiophile.io as lio
    from lithiophile.io.celldata import CellData

    item = Item(Path(path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            item.data = lio.read(path)
        except LithiophileError as exc:
            item.error = str(exc)
        if item.data is not None:
            item.kind = "cycling" if isinstance(item.data, CellData) else "impedance"
            try:
                if item.kind == "cycling":
                    item.analysis = _analyze_cycling(item.data, area_m2, protocol)
                else:
                    item.fits = _fit_spectra(item.data, area_m2, circuit, item.name, with_drt)
            except LithiophileError as exc:
                item.error = f"{item.name}: {exc}"
    item.warnings = [f"{w.category.__name__}: {w.message}" for w in caught]
    return item


def _analyze_cycling(data: Any, area_m2: float | None, protocol: str) -> Any:
    from lithiophile.echem import AnalysisOptions, analyze

    return analyze(data, AnalysisOptions(protocol=protocol, area_m2=area_m2))


def _fit_spectra(
    data: Any, area_m2: float | None, circuit: str, name: str, with_drt: bool
) -> list[Any]:
    from lithiophile.echem.impedance import analyze, spectra_of
    from lithiophile.metrics import Conditions

    parts = spectra_of(data)
    out = []
    for part in parts:
        label = name if len(parts) == 1 else f"{name}#{part.index}"
        fit = analyze(
            part.f,
            part.z,
            circuit=circuit,
            area_m2=area_m2 if area_m2 is not None else data.meta.area_m2,
            with_drt=with_drt,
            conditions=Conditions(temperature_K=part.temperature_K, cycle=part.cycle),
            source=data.meta.sha256,
            name=label,
        )
        out.append((part, fit))
    return out


#: Metrics set against the literature, in this order of preference (kind, variant or None).
HEADLINE = (
    ("average_ce", None),
    ("li_cu_ce", "last cycle"),
    ("polarization", "plateau"),
    ("cycle_life_time", None),
    ("critical_current_density", None),
    ("nucleation_overpotential", None),
    ("interfacial_asr", None),
    ("interfacial_resistance", None),
)


def headline_metrics(items: list[Item]) -> list[Any]:
    """The last metric of each headline kind (the figure after the longest test)."""
    metrics: list[Any] = []
    for item in items:
        if item.analysis is not None:
            metrics += list(item.analysis.metrics)
        for _, fit in item.fits:
            metrics += list(fit.metrics)
    out = []
    for kind, variant in HEADLINE:
        found = [m for m in metrics if m.metric == kind and variant in (None, m.variant)]
        if found:
            out.append(found[-1])
    return out


def compare_metrics(metrics: list[Any], store: Any = None) -> list[dict[str, Any]]:
    """Each metric ranked among the literature records (kb's comparison rules)."""
    if not metrics:
        return []
    from lithiophile.kb import KnowledgeBase

    base = KnowledgeBase(store)
    out = []
    with base.reading():
        for m in metrics:
            try:
                comparison = base.compare(m)
            except LithiophileError as exc:
                out.append({"metric": m, "error": str(exc)})
                continue
            out.append({"metric": m, "comparison": comparison})
    return out


def assess_materials(materials: tuple[str, ...]) -> Any:
    """What ``lithiophile.thermo`` predicts for each named material: an
    :class:`~lithiophile.thermo.assessment.Assessments` (failures kept with their message),
    or None when no material was named."""
    if not materials:
        return None
    from lithiophile.thermo import assess

    return assess(list(materials))
