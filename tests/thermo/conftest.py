"""Fixtures for thermo tests: a recorded Materials-Project-style entries file (synthetic)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

#: Synthetic total energies [eV/atom] in the shape mp-api's get_entries_in_chemsys returns
#: (ComputedEntry dicts). Elemental references are DFT-like total energies; compound energies
#: are built so that their formation enthalpies equal the experimental ones bundled with
#: pymatgen (Li2O -6.19680, ZnO -3.63268 eV per formula unit). A reaction computed from them
#: must therefore equal the bundled one, and would be wrong by ~1.9 eV per Li if mu_Li were
#: taken as 0 instead of E_per_atom(bcc Li).
E_LI, E_ZN, E_O = -1.9089, -1.2597, -4.9480
DHF = {"Li2O": -6.196796827479154, "ZnO": -3.632676514519892}


def _entry(formula: str, comp: dict[str, float], energy: float, mid: str) -> dict:
    return {
        "@module": "pymatgen.entries.computed_entries",
        "@class": "ComputedEntry",
        "energy": energy,
        "composition": comp,
        "entry_id": mid,
        "correction": 0.0,
        "energy_adjustments": [],
        "parameters": {"run_type": "GGA"},
        "data": {"formula_pretty": formula},
    }


def recorded_entries() -> list[dict]:
    return [
        _entry("Li", {"Li": 2.0}, 2 * E_LI, "mp-135"),
        _entry("Zn", {"Zn": 2.0}, 2 * E_ZN, "mp-79"),
        _entry("O2", {"O": 8.0}, 8 * E_O, "mp-12957"),
        _entry("Li2O", {"Li": 8.0, "O": 4.0}, 4 * (2 * E_LI + E_O + DHF["Li2O"]), "mp-1960"),
        _entry("ZnO", {"Zn": 2.0, "O": 2.0}, 2 * (E_ZN + E_O + DHF["ZnO"]), "mp-2133"),
    ]


@pytest.fixture
def entries_json(tmp_path: Path) -> Path:
    path = tmp_path / "li_zn_o_entries.json"
    path.write_text(json.dumps(recorded_entries()))
    return path
