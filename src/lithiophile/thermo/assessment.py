"""The predict entry point: a material against Li metal, from reaction to contact angle.

Units: eV, eV/atom, K, J m-2, degrees.

:func:`assess` takes one formula or many, parses each once, and returns typed results: the
reaction with Li (:class:`~lithiophile.thermo.reactions.ReactionResult`), the interface type
(:class:`~lithiophile.thermo.interface.InterfaceResult`), alloying, a predicted contact angle of
molten Li with its model and range (:class:`~lithiophile.wetting.reactive.WettingEstimate`),
a verdict, Metric records and the citations used. Unknown is an answer: where the energy of the
material is in no source, ``reacts`` and ``lithiophilic`` are None and the verdict says why.

The contact angle comes from the reactive-wetting rule (the final angle is that on the
interface product: metallic when the material alloys with Li or leaves a metal/Li alloy at the
interface, non-reactive when it does not react, when the products are ionic lithiophobic solids
such as Li2O or Li2CO3 -> Li2O, or when Li only inserts, as in carbon), or from a work of
adhesion the caller gives (e.g. computed with lithiophile.atomistic).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from lithiophile import cite
from lithiophile.errors import InputError
from lithiophile.metrics import Conditions, Metric
from lithiophile.store import JsonFields
from lithiophile.thermo.interface import InterfaceResult, classify_reaction
from lithiophile.thermo.material import parse_material
from lithiophile.thermo.reactions import react
from lithiophile.wetting.reactive import (
    WettingEstimate,
    estimate_from_adhesion,
    estimate_from_regime,
)

__all__ = ["ELECTROLYTES", "Assessment", "Assessments", "Wetting", "assess"]

ELECTROLYTES = ("liquid", "solid")
DEFAULT_TEMPERATURE_K = 523.15


@dataclass(frozen=True)
class Wetting:
    """Predicted wetting of the material by molten Li.

    Attributes
    ----------
    estimate
        The contact angle with its range and model, or None when it cannot be predicted.
    basis
        Why this regime (or why unknown), in one sentence.
    """

    estimate: WettingEstimate | None
    basis: str

    @property
    def wets(self) -> bool | None:
        return None if self.estimate is None else self.estimate.wets

    @property
    def contact_angle_deg(self) -> float | None:
        return None if self.estimate is None else self.estimate.angle_deg


@dataclass(frozen=True)
class Assessment(JsonFields):
    """One material against Li metal: reaction, interface type, alloying, wetting, verdict.

    Attributes
    ----------
    material
        Reduced formula (as parsed once).
    electrolyte
        ``"liquid"`` (host or coating) or ``"solid"`` (interlayer on a solid electrolyte).
    interface
        Interface type and the reaction it rests on (``interface.reaction``).
    alloys_with_li, alloy_products
        Whether a Li alloy forms, and which.
    wetting
        Predicted contact angle of molten Li (:class:`Wetting`).
    lithiophilic
        True / False, or None when the energies cannot decide.
    verdict
        One sentence.
    reasons
        The steps behind the verdict.
    metrics
        Reaction energies and the contact angle as Metric records.
    citations
        Citation keys of the works used.
    """

    material: str
    electrolyte: str
    interface: InterfaceResult
    alloys_with_li: bool
    alloy_products: tuple[str, ...]
    wetting: Wetting
    lithiophilic: bool | None
    verdict: str
    reasons: tuple[str, ...]
    metrics: tuple[Metric, ...] = ()
    citations: tuple[str, ...] = ()

    #: shown in the JSON beside the fields (which hold the whole reaction and wetting)
    PAYLOAD_EXTRA = ("reacts", "interface_type", "wets_molten_li", "contact_angle_deg")

    @property
    def reaction(self) -> Any:
        """The :class:`~lithiophile.thermo.reactions.ReactionResult`."""
        return self.interface.reaction

    @property
    def reacts(self) -> bool | None:
        return self.interface.reaction.reacts

    @property
    def interface_type(self) -> str:
        return self.interface.type

    @property
    def wets_molten_li(self) -> bool | None:
        return self.wetting.wets

    @property
    def contact_angle_deg(self) -> float | None:
        return self.wetting.contact_angle_deg

    @property
    def wetting_basis(self) -> str:
        return self.wetting.basis


@dataclass(frozen=True)
class Assessments:
    """Assessments of many materials, in input order, with the failures kept.

    Iterating gives the :class:`Assessment` of every material that could be assessed;
    ``failures`` maps each input that could not (bad formula, uncovered chemistry) to its
    message.
    """

    items: tuple[Assessment, ...]
    failures: dict[str, str] = field(default_factory=dict)

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Assessment:
        return self.items[i]

    @property
    def citations(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for a in self.items for c in a.citations))


@overload
def assess(
    materials: str | Any,
    *,
    electrolyte: str = ...,
    source: Any = ...,
    temperature_K: float = ...,
    work_of_adhesion_J_m2: float | None = ...,
    workers: int = ...,
    scheduler: str | None = ...,
    store: Any = ...,
) -> Assessment: ...


@overload
def assess(
    materials: Sequence[str],
    *,
    electrolyte: str = ...,
    source: Any = ...,
    temperature_K: float = ...,
    work_of_adhesion_J_m2: float | None = ...,
    workers: int = ...,
    scheduler: str | None = ...,
    store: Any = ...,
) -> Assessments: ...


def assess(
    materials: Any,
    *,
    electrolyte: str = "liquid",
    source: Any = "bundled",
    temperature_K: float = DEFAULT_TEMPERATURE_K,
    work_of_adhesion_J_m2: float | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    store: Any = None,
) -> Assessment | Assessments:
    """Assess materials as hosts/coatings (liquid electrolyte) or interlayers (solid).

    Parameters
    ----------
    materials
        One formula (``"ZnO"``, ``"Li7La3Zr2O12"``, a pymatgen Composition, a mixture
        ``"ZnO + Al"``) -> an :class:`Assessment`; a list or tuple of them -> an
        :class:`Assessments` (bad inputs kept in ``failures``, the rest assessed).
    electrolyte
        ``"liquid"`` (host, coating) or ``"solid"`` (interlayer on a solid electrolyte).
    source
        Energy source: ``"bundled"`` (experimental enthalpies + energies computed with the
        bundled potentials, offline), ``"crc-gibbs"``, ``"computed-chgnet"``,
        ``"computed-sevennet"``, ``"mp"`` (cached), an entries .json, or a list of entries.
    temperature_K
        Temperature of molten-Li wetting [K] (default 250 C; at least 453.65 K).
    work_of_adhesion_J_m2
        Work of adhesion of Li on the material [J m-2] (e.g. from lithiophile.atomistic):
        replaces the reactive-wetting rule by Young-Dupre.
    workers, scheduler
        Processes or a Dask scheduler address for a batch (small batches run in-process).
    store
        A :class:`lithiophile.store.Store`: results of the built-in sources are cached by
        content (formula, options, data version) and reused.

    Returns
    -------
    Assessment or Assessments

    Raises
    ------
    InputError
        A bad single formula, electrolyte or temperature (in a batch: kept in ``failures``).

    References
    ----------
    Wenzel et al., Solid State Ionics 2015 (interface types); Eustathopoulos 2005 (reactive
    wetting); Wang et al., Nat. Commun. 2019 (molten-Li wetting of the elements).

    Examples
    --------
    >>> a = assess("ZnO", electrolyte="solid")
    >>> a.interface_type, a.wetting.wets
    ('III', True)
    """
    if electrolyte not in ELECTROLYTES:
        raise InputError(
            f"'electrolyte' must be 'liquid' (host or coating) or 'solid' (interlayer on a "
            f"solid electrolyte). Got {electrolyte!r}."
        )
    from lithiophile.wetting import li_surface_tension

    li_surface_tension(temperature_K)  # validates the temperature once, before any work
    options = _Options(electrolyte, temperature_K, work_of_adhesion_J_m2)
    if not isinstance(materials, (list, tuple)):
        return _assess_one(materials, options, source)
    return _assess_many(list(materials), options, source, workers, scheduler, store)


@dataclass(frozen=True)
class _Options:
    electrolyte: str
    temperature_K: float
    work_of_adhesion_J_m2: float | None


def _assess_many(
    materials: list[Any], options: _Options, source: Any, workers: int, scheduler: Any, store: Any
) -> Assessments:
    from lithiophile.parallel import run_batch
    from lithiophile.store import content_key, from_payload

    builtin = isinstance(source, str) and source in _BUILTIN
    job = functools.partial(_job, options=options, source=source)

    def key(item: Any) -> str:
        return content_key("thermo-assess", str(item), repr(options), str(source), _data_version())

    batch = run_batch(
        job,
        [str(m) for m in materials],
        key=key if builtin else None,
        kind="thermo-assessment",
        store=store,
        decode=lambda d: from_payload(Assessment, d),
        workers=workers,
        scheduler=scheduler,
    )
    items = tuple(r.value for r in batch if r.ok and r.value is not None)
    failures = {str(r.item): str(r.error) for r in batch if not r.ok}
    return Assessments(items, failures)


_BUILTIN = ("bundled", "crc-gibbs", "computed-chgnet", "computed-sevennet")


@functools.lru_cache(maxsize=1)
def _data_version() -> str:
    """Hash of the bundled energy tables and the package version (part of the cache key)."""
    import hashlib

    from lithiophile import __version__
    from lithiophile.thermo import sources

    h = hashlib.sha256(str(__version__).encode())
    for path in sorted(sources.DATA.rglob("*")):
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _job(material: str, *, options: _Options, source: Any) -> Assessment:
    return _assess_one(material, options, source)


def _assess_one(material: Any, options: _Options, source: Any) -> Assessment:
    comp = parse_material(material)
    rx = react(material, source=source)
    it = classify_reaction(comp, rx)
    cite.register("Wang2019NatCommun")
    alloy = tuple(
        c.formula
        for c in it.characters
        if it.type == "III"
        and c.character == "conductor"
        and "Li" in c.formula
        and c.formula != "Li"
    )
    alloys = bool(alloy) or bool(it.alloying_elements)
    wetting = _wetting(comp, it, alloys, options)
    reasons = list(it.reasons)
    if rx.energy_per_atom_eV is not None and rx.reacts:
        reasons.append(
            f"{rx.equation}: {rx.energy_per_atom_eV:.3f} eV/atom ({rx.energy_kind}, "
            f"source {rx.source})."
        )
    reasons.append(f"wetting: {wetting.basis}")
    lithiophilic, verdict = _verdict(options.electrolyte, it, wetting, alloys)
    return Assessment(
        material=comp.reduced_formula,
        electrolyte=options.electrolyte,
        interface=it,
        alloys_with_li=alloys,
        alloy_products=alloy,
        wetting=wetting,
        lithiophilic=lithiophilic,
        verdict=verdict,
        reasons=tuple(reasons),
        metrics=tuple(_metrics(rx, wetting)),
        citations=_citations(it, wetting),
    )


def _citations(it: InterfaceResult, wetting: Wetting) -> tuple[str, ...]:
    """The works this assessment rests on (the same keys it registered with lithiophile.cite)."""
    from lithiophile.thermo import sources as src

    rx = it.reaction
    keys = ["Ong2008ChemMater", "Richards2016ChemMater", "Wenzel2015SSI", "Wang2019NatCommun"]
    keys += {"bundled": ["Wang2021MP2020"], "crc-gibbs": ["CRC2014Handbook"]}.get(rx.source, [])
    origins = " ".join(rx.energy_sources.values())
    if "computed (CHGNet)" in origins or rx.source == "computed-chgnet":
        keys.append("Deng2023")
    if "computed (SevenNet)" in origins or rx.source == "computed-sevennet":
        keys.append("Park2024")
    keys += [k for k in ("Debski2016LiZn", "Debski2012LiSi", "Debski2018LiGa") if k in origins]
    if it.literature is not None:
        keys.append(it.literature.source)
    keys += [src.alloying_table()[s]["source"] for s in it.alloying_elements]
    if wetting.estimate is not None:
        keys.append("Davison1968NASA")
        if "rule" in wetting.estimate.model:
            keys += ["Eustathopoulos2005", "Eustathopoulos1999"]
    return tuple(dict.fromkeys(keys))


def _regime(comp: Any, it: InterfaceResult, alloys: bool) -> tuple[str | None, str]:
    """The interface regime for the wetting rule and why."""
    rx = it.reaction
    symbols = {el.symbol for el in comp.elements}
    if symbols <= {"C", "Li"}:
        return "non-reactive", (
            "Li inserts into carbon (LiC6) and keeps its framework: no metallic interface, "
            "carbon stays lithiophobic to molten Li (review; Wang et al. 2019)."
        )
    if alloys or it.type == "III":
        products = ", ".join(it.products)
        return "metallic", (
            f"the interface turns metallic (alloy or metal among the products: {products})."
        )
    if it.type == "II":
        return "non-reactive", (
            f"the products ({', '.join(it.products)}) are ionic, lithiophobic solids: the "
            "final interface is Li on that layer, so the reaction does not make it wet."
        )
    if it.type == "I" and rx.reacts is not None:
        return "non-reactive", "no reaction and no alloy with Li (Wang et al. 2019 rule)."
    if it.type == "I":
        return "non-reactive", (
            "the material's energy is in no source; the literature type I (stable, no reaction)"
            " is used."
        )
    return None, (
        "the reaction products are not decided (energy or electronic character unknown), so "
        "the interface regime and the contact angle cannot be predicted."
    )


def _wetting(comp: Any, it: InterfaceResult, alloys: bool, options: _Options) -> Wetting:
    if options.work_of_adhesion_J_m2 is not None:
        est = estimate_from_adhesion(options.work_of_adhesion_J_m2, options.temperature_K)
        return Wetting(
            est,
            f"Young-Dupre from W_ad = {options.work_of_adhesion_J_m2:g} J m-2 at "
            f"{options.temperature_K:g} K.",
        )
    regime, why = _regime(comp, it, alloys)
    if regime is None:
        return Wetting(None, why)
    return Wetting(estimate_from_regime(regime, options.temperature_K), why)


def _metrics(rx: Any, wetting: Wetting) -> list[Metric]:
    out = list(rx.metrics())
    est = wetting.estimate
    if est is not None:
        out.append(
            Metric(
                "contact_angle",
                est.angle_deg,
                conditions=Conditions(temperature_K=est.temperature_K),
                definition=f"molten Li, {est.model}; range {est.low_deg:.0f}-{est.high_deg:.0f}"
                " deg",
                variant=est.model,
                uncertainty=est.uncertainty_deg,
                source="Eustathopoulos2005" if "rule" in est.model else "user work of adhesion",
                notes=(wetting.basis,),
            )
        )
    return out


def _verdict(
    electrolyte: str, it: InterfaceResult, wetting: Wetting, alloys: bool
) -> tuple[bool | None, str]:
    rx = it.reaction
    lit = it.literature
    if it.basis == "literature" and lit is not None:
        return wetting.wets, (f"type {it.type} (literature, {lit.source}): {lit.statement}.")
    if it.type == "unknown" or wetting.wets is None:
        why = (
            "no energy for the material in this source"
            if rx.reacts is None
            else "the electronic character of a product is unknown"
        )
        return None, f"unknown: {why}; lithiophilicity not predicted (see reasons)."
    angle = f"{wetting.contact_angle_deg:.0f} deg"
    if electrolyte == "liquid":
        if wetting.wets:
            return True, (
                f"lithiophilic host/coating: {'alloys' if alloys else 'reacts'} with Li to a "
                f"metallic interface; predicted contact angle {angle}."
            )
        return False, (
            f"lithiophobic (predicted contact angle {angle}: {wetting.basis}) needs a "
            "lithiophilic surface treatment."
        )
    if it.type == "III":
        extra = " alloys with Li," if alloys else ""
        return True, (
            f"type III interlayer:{extra} improves wetting and contact ({angle}), but conducts "
            "electrons; keep it thin so it is fully lithiated and does not keep reacting."
        )
    if it.type == "II":
        return False, (
            "type II interlayer: electronically insulating, passivating interphase that "
            f"blocks side reactions; not wetted by molten Li ({angle})."
        )
    return False, (f"type I: stable against Li; no chemical driving force for wetting ({angle}).")
