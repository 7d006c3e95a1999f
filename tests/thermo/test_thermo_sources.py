"""Energy sources: entries, entries JSON, the Materials Project boundary (recorded, no network)."""

from __future__ import annotations

import json

import pytest
from tests.thermo.conftest import E_LI, recorded_entries

from lithiophile.errors import FileFormatError, InputError
from lithiophile.thermo import react
from lithiophile.thermo import sources as src


def _entries():
    from monty.json import MontyDecoder

    return [MontyDecoder().process_decoded(d) for d in recorded_entries()]


def test_entries_json_uses_mu_li_of_the_source(entries_json):
    rx = react("ZnO", source=str(entries_json))
    # same formation enthalpies as the bundled data -> the same reaction energy (-0.641 eV/atom)
    assert rx.equation == "2 Li + ZnO -> Li2O + Zn"
    assert rx.energy_per_atom_eV == pytest.approx(react("ZnO").energy_per_atom_eV, abs=1e-6)
    # the Li-metal potential is E_per_atom(bcc Li) of this source, not 0
    assert rx.mu_li_eV == pytest.approx(E_LI)
    assert "mp-1960" in rx.energy_sources["Li2O"]


def test_entries_list(entries_json):
    rx = react("ZnO", source=_entries())
    assert rx.energy_per_formula_unit_eV == pytest.approx(-6.196797 + 3.632677, abs=1e-5)


def test_entries_without_li_refused():
    entries = [e for e in _entries() if e.composition.reduced_formula != "Li"]
    with pytest.raises(InputError, match="has no elemental Li entry"):
        react("ZnO", source=entries)


def test_uncovered_chemical_system_names_missing_elements():
    with pytest.raises(InputError, match=r"Al missing from the sources tried \(entries\)"):
        react("Al2O3", source=_entries())


def test_bad_entries_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(FileFormatError, match="not valid JSON"):
        react("ZnO", source=str(bad))
    with pytest.raises(InputError, match="does not exist"):
        react("ZnO", source=str(tmp_path / "absent.json"))
    other = tmp_path / "other.json"
    other.write_text(json.dumps([{"a": 1}]))
    with pytest.raises(FileFormatError, match="item 0 is not a pymatgen entry"):
        react("ZnO", source=str(other))


def test_mp_source_with_recorded_response(monkeypatch, tmp_path):
    monkeypatch.setenv("LITHIOPHILE_HOME", str(tmp_path))
    calls = []

    class FakeMPRester:
        def __init__(self, key):
            calls.append(key)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def get_entries_in_chemsys(self, elements):
            calls.append(tuple(elements))
            return _entries()

    import mp_api.client

    monkeypatch.setattr(mp_api.client, "MPRester", FakeMPRester)
    monkeypatch.setenv("MP_API_KEY", "recorded")
    rx = react("ZnO", source="mp")
    assert calls == ["recorded", ("Li", "O", "Zn")]
    assert rx.source == "mp"
    assert rx.energy_per_atom_eV == pytest.approx(-0.641, abs=0.001)
    # issue 12: a second call reads the store's cache: no network, no key needed
    monkeypatch.delenv("MP_API_KEY")
    again = react("ZnO", source="mp")
    assert calls == ["recorded", ("Li", "O", "Zn")]
    assert again.energy_per_atom_eV == pytest.approx(rx.energy_per_atom_eV, abs=1e-12)


def test_mp_source_needs_a_key(monkeypatch, tmp_path):
    monkeypatch.setenv("LITHIOPHILE_HOME", str(tmp_path))  # an empty cache
    monkeypatch.delenv("MP_API_KEY", raising=False)
    with pytest.raises(InputError, match="needs a Materials Project API key"):
        react("ZnO", source="mp")


def test_bad_source():
    with pytest.raises(
        InputError, match="'source' must be 'bundled', 'bundled-anchored', 'crc-gibbs'"
    ):
        react("ZnO", source="nonsense")


def test_bundled_rows_all_cited():
    es = src.bundled()
    assert all(es.origin(e) for e in es.entries)
    curated = [e for e in es.entries if str(e.entry_id).startswith("curated:")]
    assert len(curated) == 12
    assert all("Debski" in es.origin(e) for e in curated)


def test_import_is_cheap():
    import subprocess
    import sys

    code = (
        "import sys, lithiophile.thermo, lithiophile.wetting; "
        "print(any(m.startswith(('pymatgen', 'numpy')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_citations_registered_when_used():
    from lithiophile import cite

    cite.reset()
    react("ZnO")
    assert {"Ong2008ChemMater", "Richards2016ChemMater", "Wang2021MP2020"} <= set(cite.used())


def test_entry_energies_used_as_given_no_second_correction():
    # an entry that already carries a correction (as CHGNet 0.3.0 / MP2020-corrected energies
    # do) is used with its energy as given: lithiophile applies no compatibility scheme
    from pymatgen.entries.computed_entries import ComputedEntry, ConstantEnergyAdjustment

    entries = _entries()
    zno = next(e for e in entries if e.composition.reduced_formula == "ZnO")
    corrected = ComputedEntry(
        zno.composition,
        zno.uncorrected_energy - 0.5,
        energy_adjustments=[ConstantEnergyAdjustment(0.5, name="already applied")],
        entry_id="zno-corrected",
    )
    entries = [e for e in entries if e is not zno] + [corrected]
    before = corrected.energy
    rx = react("ZnO", source=entries)
    assert corrected.energy == before
    # same total energy as the recorded ZnO -> the same reaction energy
    assert rx.energy_per_formula_unit_eV == pytest.approx(-6.196797 + 3.632677, abs=1e-5)
