"""Slabs: metal facets (ASE builders) and oxide or other compound facets (pymatgen SlabGenerator).

The bottom layers are fixed (``ase.constraints.FixAtoms``); ``atoms.info`` records the facet,
the substrate and which family it belongs to ("metal" / "oxide"), so the calibration picks the
right reference site.

Units: Angstrom.

References
----------
Larsen, A. H. et al. J. Phys.: Condens. Matter 2017, 29, 273002 (ase.build surfaces).
Tran, R. et al. Surface energies of elemental crystals. Sci. Data 2016, 3, 160080 and Ong, S. P.
et al. Comput. Mater. Sci. 2013, 68, 314 (pymatgen SlabGenerator).
"""

from __future__ import annotations

import math
from typing import Any

from lithiophile import cite
from lithiophile.errors import InputError

__all__ = ["FACETS", "metal_slab", "oxide_slab", "parse_miller"]

#: Smallest in-plane cell length of an automatic oxide supercell [A].
MIN_LATERAL_A = 6.0

#: Facets built for each crystal structure, with their ASE builder.
FACETS = {
    "fcc": {"111": "fcc111", "100": "fcc100", "110": "fcc110"},
    "bcc": {"110": "bcc110", "100": "bcc100", "111": "bcc111"},
    "hcp": {"0001": "hcp0001", "001": "hcp0001"},
}


def parse_miller(facet: str | tuple[int, ...]) -> tuple[int, int, int]:
    """``"111"``, ``"1,1,1"``, ``"10-10"`` (4-index hexagonal) or a tuple -> a Miller triple."""
    if isinstance(facet, tuple | list):
        idx = [int(x) for x in facet]
    else:
        text = str(facet).strip().replace(" ", "")
        if "," in text:
            idx = [int(x) for x in text.split(",")]
        else:
            idx, sign = [], 1
            for ch in text:
                if ch == "-":
                    sign = -1
                    continue
                if not ch.isdigit():
                    raise InputError(
                        "The 'facet' must be Miller indices such as '111' or '1,1,0'. "
                        f"Got {facet!r}."
                    )
                idx.append(sign * int(ch))
                sign = 1
    if len(idx) == 4:  # hkil -> hkl
        idx = [idx[0], idx[1], idx[3]]
    if len(idx) != 3 or not any(idx):
        raise InputError(f"The 'facet' must be three Miller indices such as '111'. Got {facet!r}.")
    return (idx[0], idx[1], idx[2])


def _fix_bottom(atoms: Any, fixed_layers: int, layers: int) -> None:
    import numpy as np
    from ase.constraints import FixAtoms

    z = atoms.positions[:, 2]
    levels = np.unique(np.round(z, 1))
    if fixed_layers >= len(levels):
        raise InputError(
            f"'fixed_layers' ({fixed_layers}) must be less than the number of layers "
            f"({len(levels)})."
        )
    if fixed_layers > 0:
        cut = levels[fixed_layers - 1] + 0.05
        atoms.set_constraint(FixAtoms(mask=z <= cut))


def metal_slab(
    element: str,
    facet: str = "111",
    *,
    size: tuple[int, int] = (3, 3),
    layers: int = 4,
    vacuum: float = 15.0,
    fixed_layers: int = 2,
) -> Any:
    """A metal slab of ``element`` (lattice constant of :data:`bulk.ELEMENTS`).

    Parameters
    ----------
    element
        ``"Cu"``, ``"Ag"``, ``"Au"``, ``"Li"``, ``"Zn"`` ...
    facet
        ``"111"``, ``"100"``, ``"110"`` (fcc, bcc), ``"0001"`` (hcp).
    size
        In-plane repeats.
    layers
        Atomic layers.
    vacuum
        Vacuum between periodic images [A].
    fixed_layers
        Bottom layers held at bulk positions.
    """
    import ase.build

    from lithiophile.atomistic.bulk import ELEMENTS

    if element not in ELEMENTS:
        raise InputError(
            f"No metal lattice for {element!r}: choose one of {sorted(ELEMENTS)}, or build the "
            "slab from a bulk structure file with oxide_slab()."
        )
    crystal = ELEMENTS[element]
    options = FACETS[crystal.structure]
    key = str(facet).strip()
    if key not in options:
        raise InputError(
            f"The facet {facet!r} does not exist for {crystal.structure} {element}: choose one of "
            f"{sorted(set(options))}."
        )
    if layers < 2:
        raise InputError(f"'layers' must be at least 2. Got {layers!r}.")
    cite.register(crystal.source)
    cite.register("Larsen2017")
    builder = getattr(ase.build, options[key])
    kw: dict[str, Any] = {"a": crystal.a}
    if crystal.structure == "hcp":
        kw["c"] = crystal.c
    slab = builder(element, size=(size[0], size[1], layers), vacuum=vacuum / 2, **kw)
    slab.pbc = True
    _fix_bottom(slab, fixed_layers, layers)
    slab.info.pop("adsorbate_info", None)  # not serialisable to extxyz
    slab.info.update(substrate=element, facet=f"({key})", host_family="metal")
    return slab


def oxide_slab(
    bulk_structure: Any,
    facet: str | tuple[int, int, int],
    *,
    size: tuple[int, int] | None = None,
    min_thickness: float = 8.0,
    vacuum: float = 15.0,
    fixed_fraction: float = 0.4,
) -> Any:
    """A slab of a compound (oxide, sulfide ...) cut from ``bulk_structure`` by SlabGenerator.

    The first non-polar termination is used; a facet with only polar terminations is refused.

    Parameters
    ----------
    bulk_structure
        ``ase.Atoms``, ``pymatgen.Structure`` or a name of :data:`bulk.PROTOTYPES` ("ZnO").
    facet
        Miller indices, ``"10-10"`` or ``(1, 0, 0)``.
    min_thickness, vacuum
        Slab thickness and vacuum [A].
    size
        In-plane repeats of the slab cell; default: the fewest that make both in-plane
        lengths at least :data:`MIN_LATERAL_A` (so a Li adatom is apart from its images).
    fixed_fraction
        Fraction of the slab (from the bottom, by height) held fixed.
    """
    import numpy as np
    from ase.constraints import FixAtoms
    from pymatgen.core.surface import SlabGenerator
    from pymatgen.io.ase import AseAtomsAdaptor

    name = bulk_structure if isinstance(bulk_structure, str) else None
    bulk_structure = _as_structure(bulk_structure)
    miller = parse_miller(facet)
    cite.register("Ong2013")
    bulk_structure = bulk_structure.copy()
    bulk_structure.add_oxidation_state_by_guess()  # Slab.is_polar needs charges
    gen = SlabGenerator(
        bulk_structure,
        miller,
        min_thickness,
        vacuum,
        center_slab=True,
        lll_reduce=True,
        primitive=True,
    )
    slabs = gen.get_slabs()
    nonpolar = [s for s in slabs if not s.is_polar()]
    formula = bulk_structure.composition.reduced_formula
    if not slabs:
        raise InputError(
            f"The facet {facet!r} gives no slab of {formula}; try another Miller index."
        )
    if not nonpolar:
        raise InputError(
            f"Every termination of {formula} {facet!r} is polar (a dipole through the slab); "
            "choose a non-polar facet such as ZnO '10-10'."
        )
    chosen = nonpolar[0].copy()
    chosen.remove_oxidation_states()
    if size is None:
        a, b = chosen.lattice.abc[:2]
        size = (math.ceil(MIN_LATERAL_A / a), math.ceil(MIN_LATERAL_A / b))
    atoms = AseAtomsAdaptor.get_atoms(chosen).repeat((size[0], size[1], 1))
    atoms.set_initial_charges(None)
    atoms.pbc = True
    z = atoms.positions[:, 2]
    cut = z.min() + fixed_fraction * (z.max() - z.min())
    atoms.set_constraint(FixAtoms(mask=np.asarray(z < cut)))
    atoms.info.update(
        substrate=name or formula,
        facet="(" + "".join(str(i) for i in miller) + ")",
        host_family="oxide",
    )
    return atoms


def _as_structure(bulk_structure: Any) -> Any:
    """A pymatgen Structure of a prototype name, ASE atoms or a Structure."""
    from pymatgen.core import Structure
    from pymatgen.io.ase import AseAtomsAdaptor

    from lithiophile.atomistic.bulk import bulk

    if isinstance(bulk_structure, str):
        bulk_structure = bulk(bulk_structure)
    if not isinstance(bulk_structure, Structure):
        bulk_structure = AseAtomsAdaptor.get_structure(bulk_structure)
    return bulk_structure
