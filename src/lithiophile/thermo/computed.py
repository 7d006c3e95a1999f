"""Formation energies computed offline with the bundled potentials (CHGNet, SevenNet-0).

Units: eV per formula unit (entries), eV/atom (formation energies).

``data/thermo/computed/energies.json`` holds the relaxed total energies of the structures in
:mod:`lithiophile.atomistic.crystals` (published crystallographic data or stated ordered
approximants), of the elemental phases and of the gas molecules, for each model; the script
``scripts/compute_thermo_energies.py`` regenerates it. Here each compound's formation energy
is referenced to **the same model's** elemental phases: ``dE_f = E - sum_i n_i E_i(model)``.
SevenNet-0 predicts raw PBE energies, so the Materials Project 2020 anion corrections are
applied to its compounds (pymatgen's ``MaterialsProject2020Compatibility``); CHGNet 0.3.0 is
trained on energies that already carry them (its elemental molecules carry none in either).

Two referencing schemes, each labelled (where the literature's practice differs, both are
computed): ``"elements"`` (above: each model's formation energy from its own elemental phases)
and ``"anchored"`` (the model's energy of the compound relative to the phases that the model
and experiment both hold, e.g. Li2O + La2O3 + ZrO2 for LLZO, with their experimental enthalpies
added back: the model then supplies only a reaction energy among chemically similar solids, where
its errors largely cancel; a compound with no such phase is referenced to its elements as
before). ``"anchored"`` is the scheme of the ``bundled-anchored`` source.

The energy of a phase used by the thermo package is the mean of the two models, its
uncertainty half their spread; phases computed by one model only carry that model's value and
no spread. :func:`validation` compares them with the experimental formation enthalpies
wherever both exist (mean absolute error, reported in docs/methods.md).

References
----------
Deng et al., Nat. Mach. Intell. 2023 (CHGNet); Park et al., J. Chem. Theory Comput. 2024
(SevenNet); Wang et al., Sci. Rep. 2021, 11, 15496 (MP2020 corrections, experimental
enthalpies).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lithiophile import cite

__all__ = [
    "MODELS",
    "SCHEMES",
    "ComputedPhase",
    "anchored_energies",
    "computed_phases",
    "model_entries",
    "validation",
]

PATH = Path(__file__).resolve().parent.parent / "data" / "thermo" / "computed" / "energies.json"
MODELS = ("chgnet", "sevennet")
LABEL = {"chgnet": "CHGNet", "sevennet": "SevenNet"}
SCHEMES = ("elements", "anchored")
#: Gas elements: referenced to the molecule relaxed in a 12 A box.
_GAS = {"O": "O2", "N": "N2", "F": "F2", "Cl": "Cl2"}


@dataclass(frozen=True)
class ComputedPhase:
    """A phase's formation energy from the bundled potentials.

    Attributes
    ----------
    formula
        Reduced formula.
    per_atom_eV
        Formation energy [eV/atom]: mean over the models that computed it.
    by_model
        model -> formation energy [eV/atom].
    uncertainty_eV
        Half the spread between the models [eV/atom] (None with one model).
    structure
        Name of the structure in :data:`lithiophile.atomistic.crystals.CRYSTALS`.
    source, note
        Citation key of the crystal structure and how the cell departs from it.
    scheme, anchors
        Referencing scheme (:data:`SCHEMES`) and, when anchored, the experimental phases used.
    """

    formula: str
    per_atom_eV: float
    by_model: dict[str, float]
    uncertainty_eV: float | None
    structure: str
    source: str
    note: str
    scheme: str = "elements"
    anchors: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        models = " + ".join(f"computed ({LABEL[m]})" for m in self.by_model)
        if self.scheme == "anchored" and self.anchors:
            models += f", anchored to experiment through {' + '.join(self.anchors)}"
        spread = (
            f", spread +-{self.uncertainty_eV:.3f} eV/atom"
            if self.uncertainty_eV is not None
            else ", one model only"
        )
        return f"{models}: mean formation energy{spread}; structure {self.source}"


@functools.lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    if not PATH.is_file():
        return {}
    data: dict[str, Any] = json.loads(PATH.read_text())
    return data


def _mp2020(formula: str, energy: float) -> float:
    """SevenNet energies plus the MP2020 anion corrections [eV per formula unit]."""
    import warnings

    from pymatgen.core import Composition
    from pymatgen.entries.compatibility import MaterialsProject2020Compatibility
    from pymatgen.entries.computed_entries import ComputedEntry

    anions = {"O", "S", "F", "Cl", "Br", "I", "N", "H", "Se", "Te", "Sb"}
    if not {el.symbol for el in Composition(formula).elements} & anions:
        return energy  # intermetallics: MP2020 corrects nothing
    entry = ComputedEntry(
        formula, energy, parameters={"run_type": "GGA", "is_hubbard": False, "hubbards": {}}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymatgen's notes on oxide-type guessing
        processed = MaterialsProject2020Compatibility(check_potcar=False).process_entry(entry)
    return float(processed.energy) if processed is not None else energy


@functools.lru_cache(maxsize=4)
def references(model: str) -> dict[str, float]:
    """Energy per atom of each element's reference phase in ``model`` [eV/atom]."""
    from pymatgen.core import Composition

    runs = _raw().get(model, {})
    out: dict[str, float] = {}
    for name, row in runs.items():
        if "error" in row or not row.get("converged", False):
            continue
        comp = Composition(row["formula"])
        if len(comp.elements) != 1:
            continue
        sym = comp.elements[0].symbol
        if sym in _GAS and name != _GAS[sym]:
            continue
        out[sym] = min(out.get(sym, 0.0), row["energy_per_atom_eV"])
    return out


@functools.lru_cache(maxsize=4)
def formation_energies(model: str) -> dict[str, tuple[float, str]]:
    """reduced formula -> (formation energy [eV/atom], structure name) for ``model``."""
    from pymatgen.core import Composition

    refs = references(model)
    out: dict[str, tuple[float, str]] = {}
    for name, row in _raw().get(model, {}).items():
        if "error" in row or not row.get("converged", False):
            continue
        comp = Composition(row["formula"])
        if len(comp.elements) == 1:
            continue
        if any(el.symbol not in refs for el in comp.elements):
            continue
        energy = row["energy_eV"]
        if model == "sevennet":
            energy = _mp2020(row["formula"], energy)
        ref = sum(refs[el.symbol] * n for el, n in comp.items())
        out[comp.reduced_formula] = ((energy - ref) / comp.num_atoms, name)
    return out


@functools.lru_cache(maxsize=2)
def computed_phases(scheme: str = "elements") -> dict[str, ComputedPhase]:
    """Every computed compound, by reduced formula, with its models' mean and spread.

    ``scheme``: ``"elements"`` (formation energies from each model's elemental phases) or
    ``"anchored"`` (see :func:`anchored_energies`).
    """
    meta = _raw().get("meta", {}).get("structures", {})
    by_formula: dict[str, dict[str, float]] = {}
    names: dict[str, str] = {}
    anchors: dict[str, set[str]] = {}
    for model in MODELS:
        table = formation_energies(model) if scheme == "elements" else anchored_energies(model)
        for formula, row in table.items():
            by_formula.setdefault(formula, {})[model] = row[0]
            names[formula] = row[1]
            anchors.setdefault(formula, set()).update(row[2] if len(row) > 2 else ())
    out = {}
    for formula, values in by_formula.items():
        vals = list(values.values())
        info = meta.get(names[formula], {})
        out[formula] = ComputedPhase(
            formula,
            sum(vals) / len(vals),
            dict(values),
            (max(vals) - min(vals)) / 2 if len(vals) > 1 else None,
            names[formula],
            info.get("source", ""),
            info.get("note", ""),
            scheme,
            tuple(sorted(anchors.get(formula, ()))),
        )
    return out


@functools.lru_cache(maxsize=4)
def anchored_energies(model: str) -> dict[str, tuple[float, str, tuple[str, ...]]]:
    """reduced formula -> (energy [eV/atom], structure name, anchor phases) for ``model``.

    The compound's energy above (or below) the model's own hull of the phases that also have
    an experimental enthalpy (and the elements), plus the experimental enthalpies of the
    phases of that decomposition: ``E = sum_i f_i dH_exp,i + (E_model - E_hull,model)``.
    """
    from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
    from pymatgen.core import Composition

    from lithiophile.thermo.sources import experimental_per_atom

    exp = experimental_per_atom()
    own = formation_energies(model)
    refs = [_entry(f, v) for f, (v, _n) in own.items() if f in exp]
    refs += [_entry(sym, 0.0) for sym in references(model)]
    pd = PhaseDiagram(refs)
    out: dict[str, tuple[float, str, tuple[str, ...]]] = {}
    for formula, (value, name) in own.items():
        comp = Composition(formula)
        if formula in exp or len(comp.elements) < 2:
            out[formula] = (value, name, ())
            continue
        decomp, e_hull = pd.get_decomp_and_e_above_hull(
            PDEntry(comp, value * comp.num_atoms), allow_negative=True
        )
        if decomp is None or e_hull is None:  # pragma: no cover - pymatgen gives both here
            out[formula] = (value, name, ())
            continue
        base = sum(f * exp.get(e.composition.reduced_formula, 0.0) for e, f in decomp.items())
        used = tuple(sorted(e.composition.reduced_formula for e in decomp if not e.is_element))
        out[formula] = (float(base + e_hull), name, used)
    return out


def _entry(formula: str, per_atom: float) -> Any:
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition

    comp = Composition(formula)
    return PDEntry(comp, per_atom * comp.num_atoms)


def model_entries(model: str) -> list[Any]:
    """PDEntries of one model's formation energies (elements at 0), for a pure-model source."""
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition

    import lithiophile.atomistic  # noqa: F401  (defines the models' citation keys)

    cite.register("Deng2023" if model == "chgnet" else "Park2024")
    entries: list[Any] = []
    for formula, (value, _name) in formation_energies(model).items():
        comp = Composition(formula)
        entry: Any = PDEntry(comp, value * comp.num_atoms, name=formula)
        entry.entry_id = f"computed-{model}:{formula}"
        entries.append(entry)
    for sym in references(model):
        el: Any = PDEntry(Composition(sym), 0.0, name=sym)
        el.entry_id = f"element:{sym}"
        entries.append(el)
    return entries


@dataclass(frozen=True)
class ValidationRow:
    """A computed formation energy beside the experimental one [eV/atom]."""

    formula: str
    experimental_eV: float
    by_model: dict[str, float]


def validation(experimental: dict[str, float]) -> tuple[list[ValidationRow], dict[str, float]]:
    """Rows where both exist, and the mean absolute error of each model and of the mean.

    Parameters
    ----------
    experimental
        reduced formula -> experimental formation enthalpy [eV/atom].
    """
    rows = []
    for formula, phase in sorted(computed_phases().items()):
        if formula in experimental:
            rows.append(ValidationRow(formula, experimental[formula], phase.by_model))
    mae: dict[str, float] = {}
    for model in (*MODELS, "mean"):
        errs = []
        for r in rows:
            if model == "mean":
                if len(r.by_model) == len(MODELS):
                    errs.append(abs(sum(r.by_model.values()) / len(MODELS) - r.experimental_eV))
            elif model in r.by_model:
                errs.append(abs(r.by_model[model] - r.experimental_eV))
        if errs:
            mae[model] = sum(errs) / len(errs)
    return rows, mae


@functools.lru_cache(maxsize=1)
def _model_mae() -> dict[str, float]:
    from lithiophile.thermo.sources import experimental_per_atom

    return validation(experimental_per_atom())[1]


def uncertainty(phase: ComputedPhase) -> float:
    """Uncertainty of a computed formation energy [eV/atom] used to call a reaction marginal.

    The larger of half the two models' spread and their mean absolute error against the
    experimental enthalpies (:func:`validation`): two models can agree and share an error, so
    the spread alone is a floor. With one model, that model's error.
    """
    mae = _model_mae()
    if len(phase.by_model) > 1:
        return max(phase.uncertainty_eV or 0.0, mae.get("mean", 0.0))
    model = next(iter(phase.by_model))
    return mae.get(model, mae.get("mean", 0.1))
