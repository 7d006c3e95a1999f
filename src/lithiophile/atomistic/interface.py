"""Li|substrate interface cells by lattice matching (pymatgen's coherent interface builder).

The Li film is strained onto the substrate's supercell; the von Mises value of the film's
Green-Lagrange strain is reported, and a match above ``max_strain`` is refused.

Units: Angstrom; strain dimensionless.

References
----------
Zur, A.; McGill, T. C. Lattice match: an application to heteroepitaxy. J. Appl. Phys. 1984,
55, 378 (the ZSL algorithm of pymatgen.analysis.interfaces).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lithiophile import cite
from lithiophile.errors import InputError

__all__ = ["InterfaceCell", "li_interface"]


@dataclass(frozen=True)
class InterfaceCell:
    """An interface cell and its parts.

    Attributes
    ----------
    atoms
        The interface (substrate below, Li above, c normal to the plane), bottom substrate
        layer fixed.
    substrate_indices, film_indices
        Which atoms are substrate and which Li.
    strain
        von Mises strain of the Li film (dimensionless).
    area_A2
        In-plane area [A^2].
    substrate, facet, li_facet
        What was matched.
    """

    atoms: Any
    substrate_indices: tuple[int, ...]
    film_indices: tuple[int, ...]
    strain: float
    area_A2: float
    substrate: str
    facet: str
    li_facet: str

    def part(self, which: str) -> Any:
        """The substrate slab or the Li slab alone in the same cell: ``"substrate"``/``"film"``."""
        keep = set(self.substrate_indices if which == "substrate" else self.film_indices)
        out = self.atoms.copy()
        del out[[i for i in range(len(out)) if i not in keep]]
        return out


def _conventional(atoms: Any) -> Any:
    from pymatgen.io.ase import AseAtomsAdaptor
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    s = AseAtomsAdaptor.get_structure(atoms)
    return SpacegroupAnalyzer(s).get_conventional_standard_structure()


def li_interface(
    substrate: Any = "Cu",
    facet: str = "111",
    *,
    li_facet: str = "110",
    max_strain: float = 0.05,
    max_area_A2: float = 80.0,
    substrate_layers: int = 3,
    li_layers: int = 3,
    gap_A: float = 2.2,
    vacuum_A: float = 15.0,
) -> InterfaceCell:
    """Build a Li(li_facet) | substrate(facet) interface with the least strain.

    Parameters
    ----------
    substrate
        An element or prototype name of :func:`~lithiophile.atomistic.bulk` ("Cu", "ZnO"), or
        a bulk ``ase.Atoms``.
    facet, li_facet
        Miller indices of the substrate and of bcc Li.
    max_strain
        Largest von Mises strain of the Li film accepted (0.05 = 5 %).
    max_area_A2
        Largest interface supercell area searched [A^2].
    substrate_layers, li_layers
        Thickness of each side in atomic planes.
    gap_A, vacuum_A
        Starting Li-substrate gap and vacuum over the film [A].

    Raises
    ------
    InputError
        No match within ``max_strain`` (the message gives the smallest strain found and how to
        raise the limit), or a facet that gives no slab.
    """
    from pymatgen.analysis.interfaces.coherent_interfaces import CoherentInterfaceBuilder
    from pymatgen.analysis.interfaces.zsl import ZSLGenerator

    from lithiophile.atomistic.bulk import bulk, li_bcc
    from lithiophile.atomistic.surfaces import parse_miller

    _check_strain(max_strain)
    name = substrate if isinstance(substrate, str) else substrate.get_chemical_formula()
    sub_atoms = bulk(substrate) if isinstance(substrate, str) else substrate
    sub_miller, li_miller = parse_miller(facet), parse_miller(li_facet)
    cite.register("Zur1984")
    cite.register("Ong2013")
    zsl = ZSLGenerator(
        max_area_ratio_tol=0.09,
        max_area=max_area_A2,
        max_length_tol=max_strain + 0.05,
        max_angle_tol=0.03,
        bidirectional=True,
    )
    try:
        builder = CoherentInterfaceBuilder(
            _conventional(sub_atoms), _conventional(li_bcc()), li_miller, sub_miller, zslgen=zsl
        )
    except ValueError as exc:
        raise InputError(f"No interface of Li{li_facet} on {name}({facet}): {exc}") from None
    best, lowest = _least_strained(
        builder, gap_A, vacuum_A, li_layers, substrate_layers, max_strain
    )
    if best is None:
        found = (
            f"the least-strained match found needs {lowest:.1%} strain"
            if lowest < 1
            else f"no lattice match was found within an area of {max_area_A2} A^2"
        )
        raise InputError(
            f"Li({li_facet}) on {name}({facet}) exceeds the lattice-mismatch limit: {found}, "
            f"above max_strain={max_strain:.1%}. Raise 'max_strain' (CLI: --max-strain) or "
            "'max_area_A2' to accept it."
        )
    itf, strain = best
    atoms, sub_idx, film_idx, area = _to_atoms(itf)
    atoms.info.update(substrate=name, facet=str(facet), host_family="interface")
    return InterfaceCell(atoms, sub_idx, film_idx, strain, area, name, str(facet), str(li_facet))


def _check_strain(max_strain: float) -> None:
    if not 0 < max_strain < 0.5:
        raise InputError(
            f"'max_strain' must be a fraction between 0 and 0.5 such as 0.05. Got {max_strain!r}."
        )


def _least_strained(
    builder: Any,
    gap_A: float,
    vacuum_A: float,
    li_layers: int,
    substrate_layers: int,
    max_strain: float,
) -> tuple[tuple[Any, float] | None, float]:
    """The smallest interface (then the least strained) within ``max_strain``, and the lowest
    strain seen over every termination."""
    best: tuple[Any, float] | None = None
    lowest = float("inf")
    for term in builder.terminations:
        for itf in builder.get_interfaces(
            term,
            gap=gap_A,
            vacuum_over_film=vacuum_A,
            film_thickness=li_layers,
            substrate_thickness=substrate_layers,
        ):
            strain = float(itf.interface_properties["von_mises_strain"])
            lowest = min(lowest, strain)
            if strain <= max_strain and (
                best is None
                or len(itf) < len(best[0])
                or (len(itf) == len(best[0]) and strain < best[1])
            ):
                best = (itf, strain)
    return best, lowest


def _to_atoms(itf: Any) -> tuple[Any, tuple[int, ...], tuple[int, ...], float]:
    """ASE atoms of a pymatgen interface (bottom substrate plane fixed), its substrate and film
    indices and its area [A^2]."""
    import numpy as np
    from ase import Atoms
    from ase.constraints import FixAtoms

    lat = itf.lattice
    atoms = Atoms(
        [str(s.specie) for s in itf],
        scaled_positions=itf.frac_coords,
        cell=[*lat.abc, *lat.angles],
        pbc=True,
    )
    sub_idx = tuple(int(i) for i in itf.substrate_indices)
    film_idx = tuple(int(i) for i in itf.film_indices)
    z = atoms.positions[:, 2]
    zs = np.sort(np.unique(np.round(z[list(sub_idx)], 1)))
    bottom = [i for i in sub_idx if z[i] <= zs[0] + 0.3]
    atoms.set_constraint(FixAtoms(indices=bottom))
    area = float(np.linalg.norm(np.cross(atoms.cell[0], atoms.cell[1])))
    return atoms, sub_idx, film_idx, area
