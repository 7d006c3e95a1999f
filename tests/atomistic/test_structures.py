"""Builders, structure files, starting sites and interface cells."""

from __future__ import annotations

import numpy as np
import pytest
from ase import Atoms

from lithiophile.atomistic import bulk, carbon, sites, structio, surfaces
from lithiophile.atomistic.interface import li_interface
from lithiophile.errors import FileFormatError, InputError


@pytest.mark.parametrize(
    ("dopant", "formula"),
    [  # atom counts by construction of a 4x4 cell (32 C)
        ("pristine", "C32"),
        ("graphitic-N", "C31N"),
        ("B", "C31B"),
        ("monovacancy", "C31"),
        ("divacancy", "C30"),
        ("pyridinic-N1", "C30N"),
        ("pyridinic-N3", "C28N3"),
        ("pyrrolic-N", "C29N"),
        ("O", "C32O"),
        ("F", "C32F"),
        ("S", "C31S"),
        ("P", "C31P"),
    ],
)
def test_graphene_motifs(dopant, formula):
    atoms = carbon.graphene("4x4", dopant)
    assert atoms.get_chemical_formula(mode="hill") == formula
    structio.check_structure(atoms)
    assert atoms.info["host_family"] == "carbon"


def test_pyridinic_n3_nitrogens_surround_the_vacancy():
    atoms = carbon.graphene((4, 4), "N3V")
    centre = np.array(atoms.info["defect_center"])
    n = [a.index for a in atoms if a.symbol == "N"]
    d = [np.linalg.norm(atoms.positions[i] - centre) for i in n]
    # the three N are the vacancy's former neighbours: one C-C bond (2.464/sqrt(3) A) away
    assert d == pytest.approx([2.464 / 3**0.5] * 3, abs=1e-6)


def test_graphene_bad_input():
    with pytest.raises(InputError, match="Unknown 'dopant' 'Xx'"):
        carbon.graphene((4, 4), "Xx")
    with pytest.raises(InputError, match="'size' must look like '4x4'"):
        carbon.graphene("four")
    with pytest.raises(InputError, match="at least 2x2"):
        carbon.graphene((1, 4))


def test_metal_slab_and_facets():
    slab = surfaces.metal_slab("Cu", "111", size=(3, 3), layers=4, fixed_layers=2)
    assert len(slab) == 36
    fixed = slab.constraints[0].get_indices()
    assert len(fixed) == 18  # two of four layers of 9
    # layer spacing of fcc(111) is a/sqrt(3) (Kittel a = 3.61 A)
    z = np.unique(np.round(slab.positions[:, 2], 3))
    assert np.diff(z) == pytest.approx([3.61 / 3**0.5] * 3, abs=1e-3)
    with pytest.raises(InputError, match=r"facet '0001' does not exist for fcc Cu"):
        surfaces.metal_slab("Cu", "0001")
    with pytest.raises(InputError, match="No metal lattice for 'Xx'"):
        surfaces.metal_slab("Xx", "111")
    assert surfaces.parse_miller("10-10") == (1, 0, 0)
    with pytest.raises(InputError, match="Miller indices"):
        surfaces.parse_miller("1a1")


def test_oxide_slabs():
    slab = surfaces.oxide_slab("ZnO", "10-10")
    assert slab.symbols.formula.reduce()[0].count() == {"Zn": 1, "O": 1}
    assert slab.info["host_family"] == "oxide"
    with pytest.raises(InputError, match="polar"):
        surfaces.oxide_slab("ZnO", "0001")


def test_bulk_prototypes_match_published_cells():
    zno = bulk.bulk("ZnO")
    assert zno.cell.cellpar()[:3] == pytest.approx([3.2498, 3.2498, 5.2066], abs=1e-4)
    li2o = bulk.bulk("Li2O")
    # antifluorite: Li-O = a sqrt(3)/4 with a = 4.6114 A (Farley 1991)
    d = li2o.get_all_distances(mic=True)
    assert d[d > 0.1].min() == pytest.approx(4.6114 * 3**0.5 / 4, abs=1e-3)
    al2o3 = bulk.bulk("Al2O3")
    assert al2o3.get_chemical_formula() == "Al4O6"
    with pytest.raises(InputError, match="No bulk prototype for 'Unobtainium'"):
        bulk.bulk("Unobtainium")


def test_overlapping_atoms_are_refused():
    atoms = Atoms("C2", positions=[[0, 0, 0], [0.3, 0, 0]], cell=[10, 10, 10], pbc=True)
    with pytest.raises(InputError, match=r"overlapping atoms: C0 and C1 are 0\.30 A apart"):
        structio.check_structure(atoms)


@pytest.mark.parametrize("name", ["host.cif", "POSCAR", "host.extxyz"])
def test_structure_files_round_trip(tmp_path, name):
    atoms = carbon.graphene((3, 3), "B")
    path = structio.write_structure(atoms, tmp_path / name)
    back = structio.read_structure(path)
    assert back.get_chemical_formula() == atoms.get_chemical_formula()
    np.testing.assert_allclose(back.cell.array, atoms.cell.array, atol=1e-4)


def test_structure_file_errors(tmp_path):
    with pytest.raises(InputError, match=r"extension '\.txt'"):
        structio.read_structure(tmp_path / "host.txt")
    with pytest.raises(InputError, match="does not exist"):
        structio.read_structure(tmp_path / "missing.cif")
    bad = tmp_path / "bad.cif"
    bad.write_text("this is not a cif\n")
    with pytest.raises(FileFormatError, match=r"bad\.cif"):
        structio.read_structure(bad)


def test_sites_on_cu111_and_vacancy():
    found = {s.kind for s in sites.li_sites(surfaces.metal_slab("Cu", "111"))}
    assert found == {"top", "bridge", "hollow-fcc", "hollow-hcp"}
    n3v = carbon.graphene((4, 4), "pyridinic-N3")
    vac = sites.li_sites(n3v, ("vacancy",))[0]
    assert vac.position[:2] == pytest.approx(n3v.info["defect_center"][:2])
    assert not any(s.kind == "vacancy" for s in sites.li_sites(carbon.graphene((4, 4))))
    with pytest.raises(InputError, match="Unknown site kind"):
        sites.li_sites(n3v, ("atop",))


def test_sites_start_at_bond_length():
    from ase.data import covalent_radii

    g = carbon.graphene((4, 4))
    for site in sites.li_sites(g):
        trial = g.copy()
        trial.append("Li")
        trial.positions[-1] = site.position
        d = trial.get_distances(len(g), range(len(g)), mic=True).min()
        assert d >= covalent_radii[3] + covalent_radii[6] - 0.05


def test_interface_strain_is_reported_and_limited():
    cell = li_interface("Cu", "111", max_strain=0.05)
    assert 0 < cell.strain <= 0.05
    assert cell.part("film").get_chemical_formula().startswith("Li")
    assert set(cell.part("substrate").get_chemical_symbols()) == {"Cu"}
    z = cell.atoms.positions[:, 2]
    assert z[list(cell.film_indices)].min() > z[list(cell.substrate_indices)].max()  # Li on top
    with pytest.raises(
        InputError, match=r"needs 2\.0% strain, above max_strain=1\.0%\. Raise 'max_strain'"
    ):
        li_interface("Cu", "111", max_strain=0.01)


def test_graphite_is_bernal():
    g = carbon.graphite()
    # AB graphite: 4 C per cell, c = 6.711 A, interlayer spacing c/2 (Trucano & Chen 1975)
    assert g.get_chemical_formula() == "C4"
    assert g.cell.cellpar()[2] == pytest.approx(6.711, abs=1e-3)
    assert np.ptp(g.positions[:, 2]) == pytest.approx(6.711 / 2, abs=1e-3)
