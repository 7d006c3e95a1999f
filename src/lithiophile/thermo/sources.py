"""Energy sources for reactions with Li: bundled experimental data, entries, Materials Project.

Units: eV per formula unit for entry energies, eV per atom for chemical potentials.

A source is an :class:`EnergySet`: pymatgen entries, the energy kind they hold (formation
enthalpy or total energy), the chemical potential of bcc Li in the same energy scale (0 for
formation-energy sources, ``E_per_atom(Li)`` for total energies: pymatgen grand-potential
chemical potentials are absolute) and the origin of every entry.

Entries are used as given: no MP2020 correction is applied here. CHGNet 0.3.0 energies already
include the MP2020 anion corrections (apply none); SevenNet-0 energies do not (apply
``MaterialsProject2020Compatibility`` yourself before passing them).
"""

from __future__ import annotations

import csv
import functools
import gzip
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lithiophile import cite
from lithiophile.errors import DependencyMissing, FileFormatError, InputError

DATA = Path(__file__).resolve().parent.parent / "data" / "thermo"
KJ_PER_MOL_PER_EV = 96.48533212

cite.define(
    cite.Citation(
        "Wang2021MP2020",
        "Wang, A.; Kingsbury, R.; McDermott, M.; Horton, M.; Jain, A.; Ong, S. P.; Dwaraknath, "
        "S.; Persson, K. A. A framework for quantifying uncertainty in DFT energy corrections. "
        "Sci. Rep. 2021, 11, 15496 (experimental formation enthalpies shipped with pymatgen as "
        "exp_compounds.json.gz).",
        doi="10.1038/s41598-021-94550-5",
    ),
    cite.Citation(
        "Debski2016LiZn",
        "Debski, A. et al. Calorimetric study of the Li-Zn system. J. Chem. Thermodyn. 2016, "
        "103, 374-380 (standard formation enthalpies of LiZn, Li2Zn3, LiZn2, Li2Zn5, LiZn4).",
    ),
    cite.Citation(
        "Debski2012LiSi",
        "Debski, A.; Gasior, W.; Goral, A. Enthalpy of formation of intermetallic compounds "
        "from the Li-Si system. Intermetallics 2012, pp. 157-161 (Li13Si4, Li7Si3, Li12Si7).",
    ),
    cite.Citation(
        "Debski2013Li22Si5",
        "Debski, A.; Zakulski, W.; Major, L.; Goral, A.; Gasior, W. Enthalpy of formation of the "
        "Li22Si5 intermetallic compound. Thermochim. Acta 2013, pp. 53-56.",
    ),
    cite.Citation(
        "Debski2018LiGa",
        "Debski, A. et al. Standard enthalpies of formation of Ga-Li intermetallic phases by "
        "solution calorimetry. J. Chem. Thermodyn. 2018.",
        doi="10.1016/j.jct.2018.05.009",
    ),
    cite.Citation(
        "CRC2014Handbook",
        "Haynes, W. M. (ed.) CRC Handbook of Chemistry and Physics, 95th ed.; CRC Press, 2014: "
        "Standard thermodynamic properties of chemical substances (as shipped by the "
        "chemicals package, Bell et al.).",
    ),
    cite.Citation(
        "Okamoto2000ASM",
        "Okamoto, H. Desk Handbook: Phase Diagrams for Binary Alloys. ASM International, 2000 "
        "(Li-X binary phase diagrams: compounds and solid solutions).",
    ),
    cite.Citation(
        "Wang2019NatCommun",
        "Wang, S.-H.; Yue, J.; Dong, W.; et al. Tuning wettability of molten lithium via a "
        "chemical strategy for lithium metal anodes. Nat. Commun. 2019, 10, 4930.",
    ),
)


@dataclass(frozen=True, eq=False)
class EnergySet:
    """Entries of one energy source, in one energy scale.

    Compared and hashed by identity, so phase diagrams can be cached per source.

    Attributes
    ----------
    name
        ``"bundled"``, ``"mp"``, ``"entries"`` or a file name.
    entries
        pymatgen entries; ``energy`` in eV per formula unit of ``composition``.
    energy_kind
        What the energies are, e.g. ``"formation enthalpy at 298 K (experimental)"``.
    mu_li_eV
        Energy per atom of bcc Li in this scale [eV/atom]: the Li-metal potential.
    origins
        entry name or id -> where its energy comes from.
    covered
        Element symbols for which the source holds an elemental reference.
    uncertainties
        entry id -> uncertainty of its formation energy [eV/atom] where one is known
        (computed phases: half the spread of the two models, or the model's mean absolute
        error against experiment when one model computed it).
    """

    name: str
    entries: tuple[Any, ...]
    energy_kind: str
    mu_li_eV: float
    origins: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    covered: frozenset[str] = frozenset()
    uncertainties: dict[str, float] = field(default_factory=dict, hash=False, compare=False)

    def in_system(self, elements: Iterable[str]) -> list[Any]:
        """Entries whose elements all lie in ``elements``."""
        allowed = set(elements)
        return [e for e in self.entries if {el.symbol for el in e.elements} <= allowed]

    def origin(self, entry: Any) -> str:
        """Where the energy of ``entry`` comes from."""
        return self.origins.get(_entry_key(entry), self.name)

    def uncertainty(self, entry: Any) -> float:
        """Uncertainty of the energy of ``entry`` [eV/atom]; 0 where none is stated."""
        return self.uncertainties.get(_entry_key(entry), 0.0)


@functools.lru_cache(maxsize=64)
def index(es: EnergySet) -> tuple[dict[str, Any], frozenset[str]]:
    """Lowest-energy entry per reduced formula, and the elements X with a Li-X binary entry."""
    best: dict[str, Any] = {}
    li_binaries: set[str] = set()
    for e in es.entries:
        f = e.composition.reduced_formula
        if f not in best or e.energy_per_atom < best[f].energy_per_atom:
            best[f] = e
        syms = {x.symbol for x in e.elements}
        if "Li" in syms and len(syms) == 2:
            li_binaries.update(syms - {"Li"})
    return best, frozenset(li_binaries)


def _entry_key(entry: Any) -> str:
    eid = getattr(entry, "entry_id", None)
    return str(eid) if eid else entry.composition.reduced_formula


def exp_compounds_path() -> Path:
    """The experimental formation enthalpies inside the installed pymatgen (not imported)."""
    import importlib.util

    spec = importlib.util.find_spec("pymatgen")
    if spec is None or not spec.submodule_search_locations:
        raise DependencyMissing("the bundled energies need pymatgen: pip install pymatgen")
    root = Path(next(iter(spec.submodule_search_locations)))
    path = root / "analysis" / "compatibility" / "exp_compounds.json.gz"
    if not path.is_file():
        raise DependencyMissing(
            f"pymatgen at {root} has no analysis/compatibility/exp_compounds.json.gz; the "
            "bundled energies need pymatgen >= 2022 (which ships it)."
        )
    return path


@functools.lru_cache(maxsize=1)
def bundled() -> EnergySet:
    """Experimental formation enthalpies (pymatgen) + the curated Li intermetallics table.

    Energies are standard formation enthalpies (298 K; the Li-Zn and Li-Ga calorimetry at
    723 K), eV per formula unit, elements at 0: an enthalpy, not a Gibbs energy (entropy terms
    of solid-state reactions are small, T dS ~ 0.01-0.05 eV/atom, but can decide near-zero cases).
    Phases with no experimental value come from the bundled potentials, referenced to each
    model's elemental phases (:mod:`lithiophile.thermo.computed`, scheme ``"elements"``).
    """
    return _bundled("elements")


@functools.lru_cache(maxsize=1)
def bundled_anchored() -> EnergySet:
    """As :func:`bundled`, with the computed phases anchored to experiment through the phases
    the models and experiment share (scheme ``"anchored"`` of :mod:`lithiophile.thermo.computed`):
    the other referencing variant, labelled, not a replacement."""
    return _bundled("anchored")


def _bundled(scheme: str) -> EnergySet:
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition

    path = exp_compounds_path()
    with gzip.open(path, "rt") as fh:
        rows = json.load(fh)
    entries: list[Any] = []
    origins: dict[str, str] = {}
    elements: set[str] = set()
    for row in rows:
        comp = Composition(row["formula"])
        eid = f"exp:{row['formula']}"
        entries.append(PDEntry(comp, float(row["exp energy"]), name=row["formula"], attribute=eid))
        origins[eid] = (
            f"experimental formation enthalpy, pymatgen exp_compounds ({row.get('mpid', '')}); "
            "Wang2021MP2020"
        )
        elements.update(el.symbol for el in comp.elements)
    with open(DATA / "li_intermetallics.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            comp = Composition(row["formula"])
            energy = float(row["dHf_kJ_per_mol_atom"]) / KJ_PER_MOL_PER_EV * comp.num_atoms
            eid = f"curated:{row['formula']}"
            entries.append(PDEntry(comp, energy, name=row["formula"], attribute=eid))
            origins[eid] = (
                f"calorimetric formation enthalpy at {row['temperature_K']} K; " + row["source"]
            )
            elements.update(el.symbol for el in comp.elements)
    for e in entries:
        e.entry_id = e.attribute
    uncertainties = _add_computed(entries, origins, scheme)
    _add_elements_at_zero(elements, entries, origins)
    return EnergySet(
        name="bundled" if scheme == "elements" else "bundled-anchored",
        entries=tuple(entries),
        energy_kind=(
            "formation enthalpy at 298 K (experimental; not a Gibbs energy), and computed "
            "formation energies (CHGNet, SevenNet) for phases without an experimental value"
        ),
        mu_li_eV=0.0,
        origins=origins,
        covered=frozenset(elements),
        uncertainties=uncertainties,
    )


def _add_computed(
    entries: list[Any], origins: dict[str, str], scheme: str = "elements"
) -> dict[str, float]:
    """Append the phases computed with the bundled potentials that no experiment covers.

    Each is labelled with its models and spread (:mod:`lithiophile.thermo.computed`); a
    phase with an experimental enthalpy keeps the experimental one.
    """
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition

    from lithiophile.thermo.computed import computed_phases, uncertainty

    have = {e.composition.reduced_formula for e in entries}
    out: dict[str, float] = {}
    for formula, phase in sorted(computed_phases(scheme).items()):
        if formula in have:
            continue
        comp = Composition(formula)
        eid = f"computed:{formula}"
        entry: Any = PDEntry(comp, phase.per_atom_eV * comp.num_atoms, name=formula)
        entry.entry_id = eid
        entries.append(entry)
        origins[eid] = phase.label
        out[eid] = uncertainty(phase)
    return out


def computed_model(model: str) -> EnergySet:
    """One potential's formation energies alone (``"chgnet"`` or ``"sevennet"``), elements at 0.

    Every phase of this source comes from the same model, so its reaction energies do not mix
    experiment and computation; it holds only the phases of ``lithiophile.atomistic.crystals``.
    """
    from lithiophile.thermo.computed import LABEL, model_entries

    entries = model_entries(model)
    if not entries:
        raise InputError(f"no computed energies for model {model!r} are bundled.")
    origins = {
        str(e.entry_id): (
            f"computed ({LABEL[model]}) formation energy, referenced to the same model's "
            "elemental phases"
        )
        for e in entries
    }
    return EnergySet(
        name=f"computed-{model}",
        entries=tuple(entries),
        energy_kind=f"formation energy computed with {LABEL[model]} (0 K, no zero-point energy)",
        mu_li_eV=0.0,
        origins=origins,
        covered=frozenset(e.composition.elements[0].symbol for e in entries if e.is_element),
    )


def _add_elements_at_zero(
    elements: Iterable[str], entries: list[Any], origins: dict[str, str]
) -> None:
    """Append each element in its standard state (formation energy 0), with its origin."""
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition

    for sym in sorted(elements):
        entry: Any = PDEntry(Composition(sym), 0.0, name=sym)
        entry.entry_id = f"element:{sym}"  # PDEntry has no entry_id slot: set it for origins
        entries.append(entry)
        origins[entry.entry_id] = "element in its standard state (formation energy 0)"


@functools.lru_cache(maxsize=1)
def crc_gibbs() -> EnergySet:
    """Standard Gibbs energies of formation of solids at 298.15 K (CRC Handbook, via chemicals).

    The values are read at run time from the CRC table that the ``chemicals`` package ships;
    ``data/thermo/crc_formulas.csv`` maps each formula to its CAS number and CRC name (a row
    whose name no longer matches is skipped). A Gibbs-energy variant of the bundled
    enthalpies for the common oxides, fluorides and Li products; it holds no Li intermetallics.
    """
    from chemicals import heat_capacity
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition

    table = heat_capacity.CRC_standard_data
    entries: list[Any] = []
    origins: dict[str, str] = {}
    elements: set[str] = set()
    with open(DATA / "crc_formulas.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            cas = row["cas"]
            if cas not in table.index or table.loc[cas, "Chemical"] != row["crc_name"]:
                continue
            gf = table.loc[cas, "Gfs"]
            if gf != gf:  # NaN: no Gibbs energy tabulated
                continue
            comp = Composition(row["formula"])
            eid = f"crc:{row['formula']}"
            entry: Any = PDEntry(comp, float(gf) / 1000.0 / KJ_PER_MOL_PER_EV, name=row["formula"])
            entry.entry_id = eid
            entries.append(entry)
            origins[eid] = (
                f"CRC standard Gibbs energy of formation, {row['crc_name']} ({cas}); "
                "CRC2014Handbook"
            )
            elements.update(el.symbol for el in comp.elements)
    elements.add("Li")
    _add_elements_at_zero(elements, entries, origins)
    return EnergySet(
        name="crc-gibbs",
        entries=tuple(entries),
        energy_kind="standard Gibbs energy of formation at 298.15 K (CRC Handbook)",
        mu_li_eV=0.0,
        origins=origins,
        covered=frozenset(elements),
    )


def from_entries(entries: Sequence[Any], name: str = "entries") -> EnergySet:
    """An energy set from pymatgen entries (e.g. computed with lithiophile.atomistic).

    The energies are used as given (total or formation energies in eV per formula unit); the
    Li-metal potential is the lowest energy per atom among the elemental Li entries.
    """
    from pymatgen.entries.computed_entries import ComputedEntry

    entries = list(entries)
    if not entries:
        raise InputError(f"the energy source '{name}' holds no entries.")
    li = [e for e in entries if e.composition.reduced_formula == "Li" and len(e.elements) == 1]
    if not li:
        raise InputError(
            f"the energy source '{name}' has no elemental Li entry: the Li-metal potential "
            "mu_Li = E_per_atom(bcc Li) must come from the same source as the other energies. "
            "Add a bcc Li entry computed the same way."
        )
    covered = {el.symbol for e in entries if len(e.elements) == 1 for el in e.elements}
    origins = {}
    for i, e in enumerate(entries):
        if not getattr(e, "entry_id", None):
            e.entry_id = f"{name}:{i}"
        kind = "computed entry" if isinstance(e, ComputedEntry) else "entry"
        origins[str(e.entry_id)] = f"{kind} {e.entry_id} from {name}"
    return EnergySet(
        name=name,
        entries=tuple(entries),
        energy_kind="energies as given by the entries (no correction applied by lithiophile)",
        mu_li_eV=min(e.energy_per_atom for e in li),
        origins=origins,
        covered=frozenset(covered),
    )


def from_json(path: str | os.PathLike[str]) -> EnergySet:
    """An energy set from a JSON file of pymatgen entry dicts (``[entry.as_dict(), ...]``)."""
    from monty.json import MontyDecoder

    p = Path(path)
    try:
        raw = json.loads(p.read_text())
    except FileNotFoundError:
        raise InputError(f"entries file '{p}' does not exist.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FileFormatError(p, "pymatgen entries JSON", f"not valid JSON ({exc})") from None
    if isinstance(raw, dict) and "entries" in raw:
        raw = raw["entries"]
    if not isinstance(raw, list):
        raise FileFormatError(p, "pymatgen entries JSON", "expected a list of entry objects")
    entries = []
    for i, item in enumerate(raw):
        try:
            entry = MontyDecoder().process_decoded(item)
            _ = entry.composition, entry.energy
        except Exception as exc:
            raise FileFormatError(
                p, "pymatgen entries JSON", f"item {i} is not a pymatgen entry ({exc})"
            ) from None
        entries.append(entry)
    return from_entries(entries, name=p.name)


def from_materials_project(
    elements: Iterable[str], api_key: str | None = None, *, store: Any = None
) -> EnergySet:
    """Entries of a chemical system from the Materials Project (mp-api; needs key + network).

    The entries carry MP's own (MP2020-corrected) energies; lithiophile applies nothing more.
    They are cached in the store (``store``, default the project's store in
    LITHIOPHILE_HOME) by chemical system, so a chemical system is fetched once: later calls,
    in this process or another, read the cache and need no key or network.
    """
    chemsys = sorted(set(elements))
    cached = _mp_cache_get(chemsys, store)
    if cached is not None:
        return from_entries(cached, name="mp")
    key = api_key or os.environ.get("MP_API_KEY")
    if not key:
        raise InputError(
            "source 'mp' needs a Materials Project API key: set MP_API_KEY or pass api_key "
            "(get one at https://next-gen.materialsproject.org/api); or use source='bundled'."
        )
    try:
        from mp_api.client import MPRester
    except ImportError as exc:  # pragma: no cover - mp-api is a dependency
        raise DependencyMissing("source 'mp' needs the mp-api package: pip install mp-api") from exc
    with MPRester(key) as mpr:
        entries = list(mpr.get_entries_in_chemsys(chemsys))
    _mp_cache_put(chemsys, entries, store)
    return from_entries(entries, name="mp")


def _mp_store(store: Any) -> Any:
    if store is not None:
        return store
    from lithiophile.store import Store

    return Store()


def _mp_cache_get(chemsys: list[str], store: Any) -> list[Any] | None:
    """Cached MP entries of ``chemsys``, or None (no cache, or an unreadable one)."""
    from monty.json import MontyDecoder

    from lithiophile.store import StoreError

    try:
        payload = _mp_store(store).get("mp-entries", "-".join(chemsys))
    except StoreError:
        return None
    if payload is None:
        return None
    return [MontyDecoder().process_decoded(d) for d in payload["entries"]]


def _mp_cache_put(chemsys: list[str], entries: list[Any], store: Any) -> None:
    import warnings

    from lithiophile.store import StoreError

    try:
        _mp_store(store).put(
            "mp-entries", "-".join(chemsys), {"entries": [e.as_dict() for e in entries]}
        )
    except StoreError as exc:  # the result stands; only the cache is lost
        warnings.warn(f"could not cache the Materials Project entries: {exc}", stacklevel=3)


#: The energy sources :func:`resolve` knows by name and builds offline, from bundled data.
OFFLINE_NAMES = (
    "bundled",
    "bundled-anchored",
    "crc-gibbs",
    "computed-chgnet",
    "computed-sevennet",
)

_SOURCE_CHOICES = (
    "'source' must be "
    + ", ".join(f"'{name}'" for name in OFFLINE_NAMES)
    + ", 'mp', a path to an entries .json file or a list of pymatgen entries."
)


def resolve(source: Any, elements: Iterable[str]) -> EnergySet:
    """Turn a ``source`` argument into an :class:`EnergySet`.

    ``"bundled"`` (enthalpies), ``"crc-gibbs"`` (Gibbs energies), ``"mp"``, a path to an
    entries JSON, a list of pymatgen entries, or an :class:`EnergySet`.
    """
    if isinstance(source, EnergySet):
        return source
    if isinstance(source, str) and source == "bundled":
        return bundled()
    if isinstance(source, str) and source == "bundled-anchored":
        return bundled_anchored()
    if isinstance(source, str) and source == "crc-gibbs":
        return crc_gibbs()
    if isinstance(source, str) and source in ("computed-chgnet", "computed-sevennet"):
        return _computed_cached(source.split("-", 1)[1])
    if isinstance(source, str) and source == "mp":
        return from_materials_project(set(elements) | {"Li"})
    if isinstance(source, (str, os.PathLike)):
        p = Path(source)
        if p.suffix.lower() == ".json" or p.exists():
            return _json_cached(str(p.resolve()), p.stat().st_mtime_ns if p.exists() else 0)
        raise InputError(f"{_SOURCE_CHOICES} Got {source!r}.")
    if isinstance(source, Sequence):
        return from_entries(source)
    raise InputError(f"{_SOURCE_CHOICES} Got {type(source).__name__}.")


@functools.lru_cache(maxsize=2)
def _computed_cached(model: str) -> EnergySet:
    return computed_model(model)


@functools.lru_cache(maxsize=16)
def _json_cached(path: str, mtime_ns: int) -> EnergySet:
    return from_json(path)


@functools.lru_cache(maxsize=1)
def alloying_table() -> dict[str, dict[str, str]]:
    """Curated Li-X binary facts: element -> {with_li, li_richest_phase, source}."""
    with open(DATA / "li_alloying.csv", newline="") as fh:
        return {row["element"]: row for row in csv.DictReader(fh)}


@functools.lru_cache(maxsize=1)
def experimental_per_atom() -> dict[str, float]:
    """Experimental formation enthalpies [eV/atom] by reduced formula: pymatgen's
    exp_compounds and the curated Li intermetallics (the lowest where a formula repeats)."""
    from pymatgen.core import Composition

    out: dict[str, float] = {}
    with gzip.open(exp_compounds_path(), "rt") as fh:
        rows = json.load(fh)
    for row in rows:
        comp = Composition(row["formula"])
        value = float(row["exp energy"]) / comp.num_atoms
        f = comp.reduced_formula
        out[f] = min(out.get(f, value), value)
    with open(DATA / "li_intermetallics.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            f = Composition(r["formula"]).reduced_formula
            out[f] = float(r["dHf_kJ_per_mol_atom"]) / KJ_PER_MOL_PER_EV
    return out
