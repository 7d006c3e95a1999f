"""Atomistic lithiophilicity with bundled universal interatomic potentials, offline.

Li binding energies on hosts and dopant sites, work of adhesion of Li on a substrate and the
predicted contact angle, calibrated against a reference site, user DFT values and the spread
between two models (CHGNet 0.3.0, default, and SevenNet-0), batched and cached.

Units: eV, Angstrom, eV/atom (as ASE and pymatgen); works of adhesion in J m-2.

Importing this package is cheap: torch, the models, ASE and pymatgen load only when a function
needs them.

Examples
--------
>>> from lithiophile import atomistic
>>> host = atomistic.graphene((4, 4), dopant="pyridinic-N3")      # doctest: +SKIP
>>> result = atomistic.li_binding(host, model="chgnet")             # doctest: +SKIP
>>> result.binding_vs_bcc.display()                                 # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

from lithiophile import cite

cite.define(
    cite.Citation(
        "Deng2023",
        "Deng, B. et al. CHGNet as a pretrained universal neural network potential for "
        "charge-informed atomistic modelling. Nat. Mach. Intell. 2023, 5, 1031.",
        doi="10.1038/s42256-023-00716-3",
    ),
    cite.Citation(
        "Park2024",
        "Park, Y.; Kim, J.; Hwang, S.; Han, S. Scalable parallel algorithm for graph neural "
        "network interatomic potentials in molecular dynamics simulations. J. Chem. Theory "
        "Comput. 2024, 20, 4857 (SevenNet-0).",
        doi="10.1021/acs.jctc.4c00190",
    ),
    cite.Citation(
        "Larsen2017",
        "Larsen, A. H. et al. The atomic simulation environment: a Python library for working "
        "with atoms. J. Phys.: Condens. Matter 2017, 29, 273002.",
        doi="10.1088/1361-648X/aa680e",
    ),
    cite.Citation(
        "Ong2013",
        "Ong, S. P. et al. Python Materials Genomics (pymatgen): a robust, open-source python "
        "library for materials analysis. Comput. Mater. Sci. 2013, 68, 314.",
        doi="10.1016/j.commatsci.2012.10.028",
    ),
    cite.Citation(
        "Bitzek2006",
        "Bitzek, E.; Koskinen, P.; Gahler, F.; Moseler, M.; Gumbsch, P. Structural relaxation "
        "made simple (FIRE). Phys. Rev. Lett. 2006, 97, 170201.",
        doi="10.1103/PhysRevLett.97.170201",
    ),
    cite.Citation(
        "Zur1984",
        "Zur, A.; McGill, T. C. Lattice match: an application to heteroepitaxy. J. Appl. Phys. "
        "1984, 55, 378.",
        doi="10.1063/1.333084",
    ),
    cite.Citation(
        "Kittel2005",
        "Kittel, C. Introduction to Solid State Physics, 8th ed.; Wiley, 2005; ch. 1, Table 3 "
        "(lattice constants of the elements).",
    ),
    cite.Citation(
        "Kisi1989",
        "Kisi, E. H.; Elcombe, M. M. u parameters for the wurtzite structure of ZnS and ZnO "
        "using powder neutron diffraction. Acta Cryst. C 1989, 45, 1867.",
        doi="10.1107/S0108270189004269",
    ),
    cite.Citation(
        "Lewis1982",
        "Lewis, J.; Schwarzenbach, D.; Flack, H. D. Electric field gradients and charge density "
        "in corundum, alpha-Al2O3. Acta Cryst. A 1982, 38, 733.",
        doi="10.1107/S0567739482001478",
    ),
    cite.Citation(
        "Farley1991",
        "Farley, T. W. D.; Hayes, W.; Hull, S.; Hutchings, M. T.; Vrtis, M. Investigation of "
        "thermally induced Li+ ion disorder in Li2O using neutron diffraction. J. Phys.: "
        "Condens. Matter 1991, 3, 4761.",
        doi="10.1088/0953-8984/3/26/001",
    ),
    cite.Citation(
        "Trucano1975",
        "Trucano, P.; Chen, R. Structure of graphite by neutron diffraction. Nature 1975, 258, "
        "136.",
        doi="10.1038/258136a0",
    ),
)

#: public name -> module that defines it (imported on first use)
_API = {
    "get_calculator": "models",
    "check_elements": "models",
    "set_torch_threads": "models",
    "MODELS": "models",
    "bulk": "bulk",
    "li_bcc": "bulk",
    "metal_slab": "surfaces",
    "oxide_slab": "surfaces",
    "graphene": "carbon",
    "graphite": "carbon",
    "DOPANTS": "carbon",
    "li_interface": "interface",
    "InterfaceCell": "interface",
    "read_structure": "structio",
    "write_structure": "structio",
    "check_structure": "structio",
    "relax": "relax",
    "relax_bulk": "relax",
    "RelaxResult": "relax",
    "li_references": "references",
    "LiReferences": "references",
    "li_sites": "sites",
    "li_binding": "binding",
    "BindingResult": "binding",
    "SiteResult": "binding",
    "work_of_adhesion": "adhesion",
    "AdhesionResult": "adhesion",
    "LinearCalibration": "calibration",
    "relative_to_reference": "calibration",
    "model_spread": "calibration",
    "assess": "calibration",
    "computed_entries": "entries",
    "Job": "jobs",
    "run_screen": "jobs",
    "load_jobs": "jobs",
    "screen": "jobs",
    "ScreenResult": "jobs",
    "HostSpec": "hosts",
    "build_host": "hosts",
    "reference_host": "hosts",
    "crystal": "crystals",
    "CRYSTALS": "crystals",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        module = importlib.import_module(f"lithiophile.atomistic.{_API[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'lithiophile.atomistic' has no attribute {name!r}")
