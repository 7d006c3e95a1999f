"""Crystal structures of Li products, elements and solid electrolytes from published data.

Units: Angstrom. Each :class:`CrystalSpec` holds the space group, the lattice and the Wyckoff
positions of a published structure determination (its citation key), or says how an ordered
approximant was made where the published structure has shared or partially occupied sites.
These are the inputs of the offline energy computation (``scripts/compute_thermo_energies.py``)
whose results ship in ``data/thermo/computed/``; the models relax every cell before use, so
positions given to three or four decimals are enough.

Built from the prototype (ideal positions of the structure type, published lattice):
``Li3PS4`` and ``Li3PO4`` are enargite-type (Pmn2_1) superstructures of wurtzite, built on the
ideal wurtzite sites in the published orthorhombic cells; ``Li15Ge4`` takes the fractional
coordinates of its isotype Li15Si4 in the published Li15Ge4 cell; ``LiMg`` is a B2 (CsCl)
ordered approximant of the bcc Li(Mg) solid solution (Li and Mg form no compound);
``LiTi2(PO4)3``/``LiGe2(PO4)3`` are the Al-free end members of LATP/LAGP (NASICON, R-3c).
``S`` is the S8 crown molecule in a 14 A box (alpha-S is a molecular crystal of S8 rings;
the models hold no dispersion, so the molecular-crystal cohesion of ~0.1 eV/atom is missed).

Checks made against independent copies of the published data (issue 13, item 3):

- rutile TiO2: a = 4.594, c = 2.959 A, O x = 0.3048 agree with Howard, Sabine & Dickson,
  Acta Cryst. B 1991, 47, 462 (AMCSD 0019092: 4.5937, 2.9587 A, x = 0.30478);
- garnet frame of Li7La3Zr2O12 (Euler1965 O coordinates): in the same Ia-3d setting as
  grossular (Hazen & Finger, Am. Mineral. 1978, 63, 297; AMCSD 0000634: O 0.0380, 0.0450,
  0.6518), both give 8 La-O (2.49/2.63 A), 6 Zr-O (2.09 A) and 4 tetrahedral Li-O (1.90 A) in
  the LLZO cell, as in Awaka2009;
- ZrO2 (Howard1988), the NASICON positions (Hagman & Kierkegaard 1968) and Li15Si4
  (Obrovac2004) could not be checked against a full text here: they stay as typed, flagged.

References
----------
See :data:`CITATIONS` (each key registered with lithiophile.cite when a structure is built).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from lithiophile import cite
from lithiophile.errors import InputError

__all__ = ["CRYSTALS", "CrystalSpec", "crystal", "spec"]

CITATIONS = {
    "Dong2007Li3P": "Dong, Y.; DiSalvo, F. J. Reinvestigation of trilithium phosphide, Li3P. "
    "Acta Cryst. E 2007, 63, i97 (P6_3/mmc, a = 4.2695, c = 7.5998 A; Li2 4f z = 0.5827).",
    "Brauer1937": "Brauer, G.; Zintl, E. Konstitution von Phosphiden, Arseniden, Antimoniden "
    "und Wismutiden des Lithiums, Natriums und Kaliums. Z. Phys. Chem. B 1937, 37, 323 "
    "(Li3Sb a = 6.572 A, Li3Bi a = 6.722 A, BiF3 type).",
    "Zintl1935": "Zintl, E.; Brauer, G. Konstitution der Lithium-Indium-Legierungen / "
    "Lithium-Aluminium. Z. Elektrochem. 1935, 41, 297; Z. Phys. Chem. B 1933, 20, 245 (LiIn "
    "a = 6.786 A, LiAl a = 6.37 A, LiZn a = 6.209 A, LiGa a = 6.207 A; NaTl type Fd-3m).",
    "Freeth1954": "Freeth, W. E.; Raynor, G. V. The systems silver-lithium and gold-lithium. "
    "J. Inst. Met. 1954, 82, 569 (LiAg, CsCl type, a = 3.168 A).",
    "Johnson1965": "Johnson, Q.; Smith, G. S.; Wood, D. The crystal structure of Li15Ge4. "
    "Acta Cryst. 1965, 18, 131 (I-43d, a = 10.783 A).",
    "Obrovac2004": "Obrovac, M. N.; Christensen, L. Structural changes in silicon anodes during "
    "lithium insertion/extraction. Electrochem. Solid-State Lett. 2004, 7, A93 (Li15Si4 "
    "I-43d: Si 16c x = 0.4588; Li1 12a; Li2 48e 0.1196, 0.1561, 0.9629).",
    "Guerard1975": "Guerard, D.; Herold, A. Intercalation of lithium into graphite and other "
    "carbons. Carbon 1975, 13, 337 (LiC6: P6/mmm, a = 4.305, c = 3.706 A).",
    "Brown1965": "Brown, A.; Rundqvist, S. Refinement of the crystal structure of black "
    "phosphorus. Acta Cryst. 1965, 19, 684 (Cmce, a = 3.3136, b = 10.478, c = 4.3763 A; "
    "P 8f 0, 0.10168, 0.08056).",
    "Barrett1963": "Barrett, C. S.; Cucka, P.; Haefner, K. The crystal structure of antimony "
    "at 4.2, 78 and 298 K. Acta Cryst. 1963, 16, 451 (R-3m, a = 4.3084, c = 11.274 A, "
    "z = 0.2336); Cucka, P.; Barrett, C. S. Acta Cryst. 1962, 15, 865 (Bi: a = 4.546, "
    "c = 11.862 A, z = 0.2341).",
    "Donohue1974": "Donohue, J. The Structures of the Elements; Wiley, 1974 (In I4/mmm a = "
    "3.2523, c = 4.9461 A; alpha-La dhcp a = 3.770, c = 12.159 A; Zr hcp a = 3.232, c = "
    "5.147 A; Y hcp a = 3.6474, c = 5.7306 A; Ge diamond a = 5.6575 A; S8 ring S-S 2.05 A, "
    "S-S-S 108 deg).",
    "Rabenau1976": "Rabenau, A.; Schulz, H. Re-evaluation of the lithium nitride structure. "
    "J. Less-Common Met. 1976, 50, 155 (P6/mmm, a = 3.648, c = 3.875 A).",
    "Wyckoff1963": "Wyckoff, R. W. G. Crystal Structures, 2nd ed., vol. 1; Interscience, 1963 "
    "(antifluorite Li2S a = 5.708, Li2Se a = 6.005 A; rocksalt LiF a = 4.027, LiCl a = 5.130 "
    "A; rutile TiO2 a = 4.594, c = 2.959 A, x = 0.3048; rutile GeO2 a = 4.3975, c = 2.8625 "
    "A, x = 0.3061; A-La2O3 P-3m1 a = 3.938, c = 6.136 A, La 2d z = 0.2467, O2 2d z = "
    "0.6470).",
    "Howard1988": "Howard, C. J.; Hill, R. J.; Reichert, B. E. Structures of ZrO2 polymorphs at "
    "room temperature by high-resolution neutron powder diffraction. Acta Cryst. B 1988, 44, "
    "116 (monoclinic P2_1/c, a = 5.1505, b = 5.2116, c = 5.3173 A, beta = 99.23 deg).",
    "Homma2011": "Homma, K.; Yonemura, M.; Kobayashi, T.; Nagao, M.; Hirayama, M.; Kanno, R. "
    "Crystal structure and phase transitions of the lithium ionic conductor Li3PS4. Solid "
    "State Ionics 2011, 182, 53 (gamma-Li3PS4, Pmn2_1, a = 7.708, b = 6.535, c = 6.137 A).",
    "Keffer1967": "Keffer, C.; Mighell, A.; Mauer, F.; Swanson, H.; Block, S. The crystal "
    "structure of twinned low-temperature lithium phosphate. Inorg. Chem. 1967, 6, 119 "
    "(beta-Li3PO4, Pmn2_1, a = 6.115, b = 5.239, c = 4.855 A).",
    "Kamaya2011": "Kamaya, N. et al. A lithium superionic conductor. Nat. Mater. 2011, 10, 682 "
    "(Li10GeP2S12, P4_2/nmc); ordered 50-atom cell of Mo et al., Chem. Mater. 2012, 24, 15 "
    "as shipped with pymatgen (util/structures/Li10GeP2S12.json).",
    "Aono1990": "Aono, H.; Sugimoto, E.; Sadaoka, Y.; Imanaka, N.; Adachi, G. Ionic "
    "conductivity of solid electrolytes based on lithium titanium phosphate. J. Electrochem. "
    "Soc. 1990, 137, 1023; NASICON positions of Hagman, L.-O.; Kierkegaard, P. Acta Chem. "
    "Scand. 1968, 22, 1822 (R-3c; LiTi2(PO4)3 a = 8.513, c = 20.878 A; LiGe2(PO4)3 a = "
    "8.275, c = 20.470 A).",
    "Awaka2009": "Awaka, J.; Kijima, N.; Hayakawa, H.; Akimoto, J. Synthesis and structure "
    "analysis of tetragonal Li7La3Zr2O12 with the garnet-related type structure. J. Solid State "
    "Chem. 2009, 182, 2046 (I4_1/acd, a = 13.134, c = 12.663 A; Li fully ordered on 8a "
    "(tetrahedral), 16f and 32g (octahedral)).",
    "Euler1965": "Euler, F.; Bruce, J. A. Oxygen coordinates of compounds with garnet structure. "
    "Acta Cryst. 1965, 19, 971 (garnet Ia-3d: A 24c (1/8, 0, 1/4), B 16a (0, 0, 0), "
    "C 24d (3/8, 0, 1/4), O 96h (-0.0306, 0.0512, 0.1500) for Y3Al5O12).",
    "Deiseroth2008": "Deiseroth, H.-J.; Kong, S.-T.; Eckert, H.; Vannahme, J.; Reiner, C.; "
    "Zaiss, T.; Schlosser, M. Li6PS5X: a class of crystalline Li-rich solids with an unusually "
    "high Li+ mobility. Angew. Chem. Int. Ed. 2008, 47, 755 (argyrodite F-43m, Li6PS5Cl "
    "a = 9.85 A; P 4b, S 16e, S/Cl on 4a and 4c, Li on 48h).",
    "Li2019LIC": "Li, X.; Liang, J.; Luo, J.; et al. Air-stable Li3InCl6 electrolyte with high "
    "voltage compatibility for all-solid-state batteries. Energy Environ. Sci. 2019, 12, 2665 "
    "(C2/m, a = 6.44, b = 11.12, c = 6.41 A, beta = 109.9 deg; In 2a, Li 2d and 4h, Cl 4i and "
    "8j; cubic close-packed Cl).",
    "Strobel1988": "Strobel, P.; Lambert-Andron, B. Crystallographic and magnetic structure of "
    "Li2MnO3. J. Solid State Chem. 1988, 75, 90 (C2/m layered rock salt: O 4i (0.2189, 0, "
    "0.2273), O 8j (0.2540, 0.3212, 0.2233), Li 4h y = 0.6606).",
    "Bohnsack1997": "Bohnsack, A.; Stenzel, F.; Zajonc, A.; Balzer, G.; Wickleder, M. S.; "
    "Meyer, G. Ternary halides of the A3MX6 type. VI. Ternary chlorides of the rare-earth "
    "elements with lithium, Li3MCl6 (M = Tb-Lu, Y, Sc). Z. Anorg. Allg. Chem. 1997, 623, 1067 "
    "(Li3YCl6, P-3m1, a = 11.2, c = 6.04 A: hexagonal close-packed Cl, Y and Li octahedral).",
    "Zhao2012": "Zhao, Y.; Daemen, L. L. Superionic conductivity in lithium-rich anti-perovskites. "
    "J. Am. Chem. Soc. 2012, 134, 15042 (Li3OCl, Pm-3m, a = 3.91 A: O 1b, Cl 1a, Li 3c).",
    "Inaguma1993": "Inaguma, Y.; Chen, L.; Itoh, M.; Nakamura, T.; Uchida, T.; Ikuta, H.; "
    "Wakihara, M. High ionic conductivity in lithium lanthanum titanate. Solid State Commun. "
    "1993, 86, 689 (perovskite Li0.34La0.51TiO2.94, a_p = 3.87 A, doubled along c by La-rich "
    "and La-poor A-site layers).",
    "Senevirathne2013": "Senevirathne, K.; Day, C. S.; Gross, M. D.; Lachgar, A.; Holzwarth, "
    "N. A. W. A new crystalline LiPON electrolyte: synthesis, properties, and electronic "
    "structure. Solid State Ionics 2013, 233, 95-101 (SD-Li2PO2N, Cmc2_1, a = 9.0692, "
    "b = 5.3999, c = 4.6856 A; chains of corner-sharing PO2N2 tetrahedra held by Li+). "
    "Positions (Li 8b, P 4a, N 4a, O 8b) not read from the paper: taken from the Li2PO2N "
    "cell shipped as example/Li2PO2N.cif in the reaxnet repository (github.com/reaxnet/"
    "reaxnet, a computed 5 x 3 x 6 supercell of 9.156 x 5.461 x 4.749 A; Cmc2_1 within "
    "0.01 A), symmetrised by pymatgen and placed in the published cell.",
}

for _key, _text in CITATIONS.items():
    cite.define(cite.Citation(_key, _text))


@dataclass(frozen=True)
class CrystalSpec:
    """A published crystal structure (or an ordered approximant, stated in ``note``).

    Attributes
    ----------
    name
        Formula as usually written (``"Li3P"``, ``"LiTi2(PO4)3"``).
    spacegroup
        Hermann-Mauguin symbol.
    lattice
        ``(a, b, c, alpha, beta, gamma)`` [A, deg].
    species, coords
        Species and fractional coordinates of the asymmetric unit (Wyckoff positions).
    source
        Citation key in :data:`CITATIONS`.
    note
        How the cell departs from the published one (ordered approximant, prototype positions).
    kind
        ``"crystal"``, ``"molecule"`` (relaxed in a fixed box) or ``"file"``.
    occupancy
        Site occupancies aligned with ``species`` (empty: all 1). Partly occupied sites are
        ordered in the primitive cell by the lowest Ewald energy of formal charges (pymatgen's
        OrderDisorderedStructureTransformation): an ordered approximant, stated in ``note``.
    """

    name: str
    spacegroup: str
    lattice: tuple[float, float, float, float, float, float]
    species: tuple[str, ...]
    coords: tuple[tuple[float, float, float], ...]
    source: str
    note: str = ""
    kind: str = "crystal"
    occupancy: tuple[float, ...] = ()


def _hex(a: float, c: float) -> tuple[float, float, float, float, float, float]:
    return (a, a, c, 90.0, 90.0, 120.0)


def _cub(a: float) -> tuple[float, float, float, float, float, float]:
    return (a, a, a, 90.0, 90.0, 90.0)


_NATL = "NaTl type (Fd-3m): Li 8a, X 8b"
_SPECS = [
    CrystalSpec(
        "Li3P",
        "P6_3/mmc",
        _hex(4.2695, 7.5998),
        ("P", "Li", "Li"),
        ((1 / 3, 2 / 3, 0.25), (0, 0, 0.25), (1 / 3, 2 / 3, 0.5827)),
        "Dong2007Li3P",
    ),
    CrystalSpec(
        "Li3Sb",
        "Fm-3m",
        _cub(6.572),
        ("Sb", "Li", "Li"),
        ((0, 0, 0), (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)),
        "Brauer1937",
    ),
    CrystalSpec(
        "Li3Bi",
        "Fm-3m",
        _cub(6.722),
        ("Bi", "Li", "Li"),
        ((0, 0, 0), (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)),
        "Brauer1937",
    ),
    CrystalSpec(
        "LiAg", "Pm-3m", _cub(3.168), ("Li", "Ag"), ((0, 0, 0), (0.5, 0.5, 0.5)), "Freeth1954"
    ),
    CrystalSpec(
        "LiIn",
        "Fd-3m",
        _cub(6.786),
        ("Li", "In"),
        ((0.125, 0.125, 0.125), (0.625, 0.625, 0.625)),
        "Zintl1935",
        _NATL,
    ),
    CrystalSpec(
        "LiAl",
        "Fd-3m",
        _cub(6.37),
        ("Li", "Al"),
        ((0.125, 0.125, 0.125), (0.625, 0.625, 0.625)),
        "Zintl1935",
        _NATL,
    ),
    CrystalSpec(
        "LiZn",
        "Fd-3m",
        _cub(6.209),
        ("Li", "Zn"),
        ((0.125, 0.125, 0.125), (0.625, 0.625, 0.625)),
        "Zintl1935",
        _NATL,
    ),
    CrystalSpec(
        "LiGa",
        "Fd-3m",
        _cub(6.207),
        ("Li", "Ga"),
        ((0.125, 0.125, 0.125), (0.625, 0.625, 0.625)),
        "Zintl1935",
        _NATL,
    ),
    CrystalSpec(
        "LiMg",
        "Pm-3m",
        _cub(3.44),
        ("Li", "Mg"),
        ((0, 0, 0), (0.5, 0.5, 0.5)),
        "Donohue1974",
        "B2 ordered approximant of the bcc Li(Mg) solid solution (no Li-Mg compound "
        "exists); a = 3.44 A between bcc Li and the Mg volume.",
    ),
    CrystalSpec(
        "Li15Ge4",
        "I-43d",
        _cub(10.783),
        ("Ge", "Li", "Li"),
        ((0.4588, 0.4588, 0.4588), (0.375, 0.0, 0.25), (0.1196, 0.1561, 0.9629)),
        "Johnson1965",
        "fractional coordinates of the isotype Li15Si4 (Obrovac2004) in the Li15Ge4 "
        "cell; primitive cell of 38 atoms.",
    ),
    CrystalSpec(
        "LiC6",
        "P6/mmm",
        _hex(4.305, 3.706),
        ("Li", "C"),
        ((0, 0, 0), (1 / 3, 0, 0.5)),
        "Guerard1975",
    ),
    CrystalSpec(
        "Li3N",
        "P6/mmm",
        _hex(3.648, 3.875),
        ("N", "Li", "Li"),
        ((0, 0, 0), (0, 0, 0.5), (1 / 3, 2 / 3, 0)),
        "Rabenau1976",
    ),
    CrystalSpec(
        "Li2S", "Fm-3m", _cub(5.708), ("S", "Li"), ((0, 0, 0), (0.25, 0.25, 0.25)), "Wyckoff1963"
    ),
    CrystalSpec(
        "Li2Se", "Fm-3m", _cub(6.005), ("Se", "Li"), ((0, 0, 0), (0.25, 0.25, 0.25)), "Wyckoff1963"
    ),
    CrystalSpec(
        "Li2O", "Fm-3m", _cub(4.6114), ("O", "Li"), ((0, 0, 0), (0.25, 0.25, 0.25)), "Farley1991"
    ),
    CrystalSpec(
        "LiF", "Fm-3m", _cub(4.027), ("Li", "F"), ((0, 0, 0), (0.5, 0.5, 0.5)), "Wyckoff1963"
    ),
    CrystalSpec(
        "LiCl", "Fm-3m", _cub(5.130), ("Li", "Cl"), ((0, 0, 0), (0.5, 0.5, 0.5)), "Wyckoff1963"
    ),
    CrystalSpec(
        "TiO2",
        "P4_2/mnm",
        (4.594, 4.594, 2.959, 90, 90, 90),
        ("Ti", "O"),
        ((0, 0, 0), (0.3048, 0.3048, 0)),
        "Wyckoff1963",
    ),
    CrystalSpec(
        "GeO2",
        "P4_2/mnm",
        (4.3975, 4.3975, 2.8625, 90, 90, 90),
        ("Ge", "O"),
        ((0, 0, 0), (0.3061, 0.3061, 0)),
        "Wyckoff1963",
    ),
    CrystalSpec(
        "La2O3",
        "P-3m1",
        _hex(3.938, 6.136),
        ("La", "O", "O"),
        ((1 / 3, 2 / 3, 0.2467), (0, 0, 0), (1 / 3, 2 / 3, 0.6470)),
        "Wyckoff1963",
    ),
    CrystalSpec(
        "ZrO2",
        "P2_1/c",
        (5.1505, 5.2116, 5.3173, 90, 99.23, 90),
        ("Zr", "O", "O"),
        ((0.2754, 0.0395, 0.2083), (0.0700, 0.3317, 0.3447), (0.4496, 0.7569, 0.4792)),
        "Howard1988",
    ),
    CrystalSpec(
        "Li10GeP2S12",
        "P4_2/nmc",
        _cub(0.0),
        (),
        (),
        "Kamaya2011",
        "ordered 50-atom approximant of the partially occupied Li sites (Mo et al. 2012, "
        "as shipped with pymatgen).",
        kind="file",
    ),
    CrystalSpec(
        "Li3PS4",
        "Pmn2_1",
        (7.708, 6.535, 6.137, 90, 90, 90),
        (),
        (),
        "Homma2011",
        "gamma-Li3PS4 (enargite type) built on ideal wurtzite sites in the published "
        "cell: P on 2a, Li on 2a + 4b, S on the anion sites.",
        kind="enargite",
    ),
    CrystalSpec(
        "Li3PO4",
        "Pmn2_1",
        (6.115, 5.239, 4.855, 90, 90, 90),
        (),
        (),
        "Keffer1967",
        "beta-Li3PO4 (enargite type) built on ideal wurtzite sites in the published "
        "cell: P on 2a, Li on 2a + 4b, O on the anion sites.",
        kind="enargite",
    ),
    CrystalSpec(
        "LiTi2(PO4)3",
        "R-3c",
        _hex(8.513, 20.878),
        ("Li", "Ti", "P", "O", "O"),
        (
            (0, 0, 0),
            (0, 0, 0.1416),
            (0.2900, 0, 0.25),
            (0.1837, -0.0020, 0.1917),
            (0.1914, 0.1673, 0.0813),
        ),
        "Aono1990",
        "Al-free end member of LATP (x = 0) as its ordered approximant; NASICON "
        "positions; primitive cell of 36 atoms.",
    ),
    CrystalSpec(
        "LiGe2(PO4)3",
        "R-3c",
        _hex(8.275, 20.470),
        ("Li", "Ge", "P", "O", "O"),
        (
            (0, 0, 0),
            (0, 0, 0.1416),
            (0.2900, 0, 0.25),
            (0.1837, -0.0020, 0.1917),
            (0.1914, 0.1673, 0.0813),
        ),
        "Aono1990",
        "Al-free end member of LAGP (x = 0) as its ordered approximant; NASICON "
        "positions; primitive cell of 36 atoms.",
    ),
    # solid electrolytes of the review (ordered approximants, issue 13)
    CrystalSpec(
        "Li7La3Zr2O12",
        "Ia-3d",
        _cub(12.976),
        ("La", "Zr", "O", "Li", "Li"),
        (
            (0.125, 0, 0.25),
            (0, 0, 0),
            (-0.0306, 0.0512, 0.1500),
            (0.375, 0, 0.25),
            (0.125, 0.6975, -0.4475),
        ),
        "Awaka2009",
        "tetragonal LLZO's Li ordering in the cubic garnet frame: garnet positions (Euler1965) "
        "in a cubic cell of the tetragonal cell's volume (a = (13.134^2 x 12.663)^(1/3) A); "
        "Li on every octahedral 48g site (y = 0.6975, the point farthest from the framework) "
        "and on a third of the tetrahedral 24d sites (the 8a of I4_1/acd), chosen by the "
        "lowest Ewald energy; relaxed freely, so the cell may distort to tetragonal; primitive "
        "cell of 96 atoms.",
        occupancy=(1, 1, 1, 1 / 3, 1),
    ),
    CrystalSpec(
        "Li6PS5Cl",
        "F-43m",
        _cub(9.85),
        ("P", "S", "S", "Cl", "Li"),
        ((0.5, 0.5, 0.5), (0.62, 0.62, 0.62), (0.25, 0.25, 0.25), (0, 0, 0), (0.31, 0.31, 0.02)),
        "Deiseroth2008",
        "ordered approximant: Cl on 4a and S on 4c only (no S/Cl site exchange); Li on half of "
        "the 48h sites, one of each pair that straddles 24g, chosen by the lowest Ewald "
        "energy; S 16e x = 0.62 from the P-S bond of 2.05 A; primitive cell of 13 atoms.",
        occupancy=(1, 1, 1, 1, 0.5),
    ),
    CrystalSpec(
        "Li3InCl6",
        "C2/m",
        (6.44, 11.12, 6.41, 90, 109.9, 90),
        ("In", "Li", "Li", "Cl", "Cl"),
        (
            (0, 0, 0),
            (0, 0.5, 0.5),
            (0, 0.1606, 0.5),
            (0.2189, 0.5, 0.2273),
            (0.2540, 0.8212, 0.2233),
        ),
        "Li2019LIC",
        "ordered limit of the published cell: In on 2a only (the partly occupied 4g left "
        "empty), Li on 2d and 4h; Cl and Li on the layered rock-salt positions of Li2MnO3 "
        "(Strobel1988) shifted by (0, 1/2, 0); primitive cell of 10 atoms.",
    ),
    CrystalSpec(
        "Li3YCl6",
        "P-31m",
        _hex(6.466, 6.04),
        ("Y", "Li", "Li", "Cl"),
        ((0, 0, 0), (0, 0, 0.5), (1 / 3, 2 / 3, 0.5), (1 / 3, 0, 0.25)),
        "Bohnsack1997",
        "ordered approximant of the published P-3m1 cell (shared Y sites): ideal hexagonal "
        "close-packed Cl (a_h = 11.2/3 A, c = 6.04 A) in a sqrt(3) x sqrt(3) cell, Y on one "
        "octahedral site of one layer (two left empty), Li filling the next layer; 10 atoms.",
    ),
    CrystalSpec(
        "Li0.5La0.5TiO3",
        "P4/mmm",
        (3.87, 3.87, 7.74, 90, 90, 90),
        ("La", "Li", "Ti", "O", "O", "O"),
        ((0, 0, 0), (0, 0, 0.5), (0.5, 0.5, 0.25), (0.5, 0.5, 0), (0.5, 0.5, 0.5), (0, 0.5, 0.25)),
        "Inaguma1993",
        "ordered approximant LiLaTi2O6 of LLTO (Li0.5La0.5TiO3, no A-site vacancies): ideal "
        "perovskite doubled along c, La and Li on alternate A-site layers (the La-rich/La-poor "
        "layering of the published superstructure); 10 atoms.",
    ),
    CrystalSpec(
        "Li3OCl",
        "Pm-3m",
        _cub(3.91),
        ("O", "Cl", "Li"),
        ((0.5, 0.5, 0.5), (0, 0, 0), (0, 0.5, 0.5)),
        "Zhao2012",
        "anti-perovskite: OLi6 octahedra, Cl in the cuboctahedral site; 5 atoms.",
    ),
    CrystalSpec(
        "Li2PO2N",
        "Cmc2_1",
        (9.0692, 5.3999, 4.6856, 90, 90, 90),
        ("Li", "P", "N", "O"),
        (
            (0.1657, 0.1595, 0.5016),
            (0.5, 0.1538, 0.4985),
            (0.5, 0.8870, 0.3412),
            (0.6390, 0.3054, 0.4191),
        ),
        "Senevirathne2013",
        "LiPON stand-in: crystalline SD-Li2PO2N, the ordered approximant of the glassy "
        "LiPON film (a composition within LiPON's range, P-N-P chains); published cell, "
        "positions from a computed cell (not the paper's table, see the citation); primitive "
        "cell of 12 atoms.",
    ),
    CrystalSpec(
        "LiC12",
        "P6/mmm",
        _hex(4.288, 7.03),
        ("Li", "C"),
        ((0, 0, 0), (1 / 3, 0, 0.25)),
        "Guerard1975",
        "stage-2 LiC12: AA-stacked graphene, Li in every second gallery; 13 atoms.",
    ),
    # elements
    CrystalSpec(
        "P",
        "Cmce",
        (3.3136, 10.478, 4.3763, 90, 90, 90),
        ("P",),
        ((0, 0.10168, 0.08056),),
        "Brown1965",
    ),
    CrystalSpec("Sb", "R-3m", _hex(4.3084, 11.274), ("Sb",), ((0, 0, 0.2336),), "Barrett1963"),
    CrystalSpec("Bi", "R-3m", _hex(4.546, 11.862), ("Bi",), ((0, 0, 0.2341),), "Barrett1963"),
    CrystalSpec(
        "In", "I4/mmm", (3.2523, 3.2523, 4.9461, 90, 90, 90), ("In",), ((0, 0, 0),), "Donohue1974"
    ),
    CrystalSpec("Ge", "Fd-3m", _cub(5.6575), ("Ge",), ((0, 0, 0),), "Donohue1974"),
    CrystalSpec(
        "La",
        "P6_3/mmc",
        _hex(3.770, 12.159),
        ("La", "La"),
        ((0, 0, 0), (1 / 3, 2 / 3, 0.25)),
        "Donohue1974",
    ),
    CrystalSpec(
        "Zr", "P6_3/mmc", _hex(3.232, 5.147), ("Zr",), ((1 / 3, 2 / 3, 0.25),), "Donohue1974"
    ),
    CrystalSpec(
        "Y", "P6_3/mmc", _hex(3.6474, 5.7306), ("Y",), ((1 / 3, 2 / 3, 0.25),), "Donohue1974"
    ),
    CrystalSpec(
        "Ga",
        "Cmce",
        (4.5192, 7.6586, 4.5258, 90, 90, 90),
        ("Ga",),
        ((0, 0.1549, 0.0810),),
        "Donohue1974",
    ),
    CrystalSpec(
        "S",
        "P1",
        _cub(14.0),
        (),
        (),
        "Donohue1974",
        "S8 crown molecule (S-S 2.05 A, S-S-S 108 deg) in a fixed 14 A box.",
        kind="molecule",
    ),
]

CRYSTALS: dict[str, CrystalSpec] = {s.name: s for s in _SPECS}


def spec(name: str) -> CrystalSpec:
    """The :class:`CrystalSpec` called ``name``."""
    try:
        return CRYSTALS[name]
    except KeyError:
        raise InputError(
            f"no published crystal structure for {name!r} is bundled; choose one of "
            f"{sorted(CRYSTALS)} or pass your own structure."
        ) from None


def crystal(name: str) -> Any:
    """The pymatgen Structure of ``name`` (primitive cell; a molecule in its box).

    Examples
    --------
    >>> crystal("Li3P").composition.reduced_formula     # doctest: +SKIP
    'Li3P'
    """
    from pymatgen.core import Lattice, Structure

    s = spec(name)
    cite.register(s.source)
    if s.kind == "file":
        return _pymatgen_file(s.name)
    if s.kind == "molecule":
        return _s8_box(s.lattice[0])
    lat = Lattice.from_parameters(*s.lattice)
    if s.kind == "enargite":
        return _enargite(s.name, lat)
    if s.occupancy and min(s.occupancy) < 1:
        return _ordered(s, lat)
    built = Structure.from_spacegroup(
        s.spacegroup, lat, list(s.species), [list(c) for c in s.coords]
    )
    return built.get_primitive_structure()


#: Formal charges used to order partly occupied sites by their Ewald energy.
FORMAL = {"Li": 1, "La": 3, "Zr": 4, "O": -2, "P": 5, "S": -2, "Cl": -1, "Ti": 4}


def _ordered(s: CrystalSpec, lat: Any) -> Any:
    """The lowest-Ewald-energy ordering of ``s``'s partly occupied sites (primitive cell)."""
    from pymatgen.core import Composition, Structure
    from pymatgen.transformations.standard_transformations import (
        OrderDisorderedStructureTransformation,
    )

    species = [
        Composition({f"{el}{abs(FORMAL[el])}{'+' if FORMAL[el] > 0 else '-'}": occ})
        for el, occ in zip(s.species, s.occupancy, strict=True)
    ]
    built = Structure.from_spacegroup(s.spacegroup, lat, species, [list(c) for c in s.coords])
    prim = built.get_primitive_structure()
    algo = OrderDisorderedStructureTransformation.ALGO_FAST
    ordered: Any = OrderDisorderedStructureTransformation(algo=algo).apply_transformation(prim)
    ordered.remove_oxidation_states()
    return ordered.get_sorted_structure()


def _pymatgen_file(name: str) -> Any:
    import importlib.util
    from pathlib import Path

    from pymatgen.core import Structure

    spec_ = importlib.util.find_spec("pymatgen")
    if spec_ is None or not spec_.submodule_search_locations:
        raise InputError("pymatgen is needed for the bundled Li10GeP2S12 structure.")
    root = Path(next(iter(spec_.submodule_search_locations)))
    s = Structure.from_file(str(root / "util" / "structures" / f"{name}.json"))
    return _order_lgps(s)


def _order_lgps(s: Any) -> Any:
    """Ordered Li20Ge2P4S24 from the partially occupied Kamaya cell.

    The shared 4d Ge/P sites: Ge on the two of one c-axis column, P on the other two; the
    24 partially occupied Li sites: 16 chosen by the lowest Ewald energy (greedy, pymatgen's
    OrderDisorderedStructureTransformation, formal charges Li+ Ge4+ P5+ S2-).
    """
    from pymatgen.core import Structure
    from pymatgen.transformations.standard_transformations import (
        OrderDisorderedStructureTransformation,
    )

    species: list[Any] = []
    coords = []
    gep = [i for i, site in enumerate(s) if "Ge" in site.species_string]
    partial = [i for i, site in enumerate(s) if site.species_string.startswith("Li:")]
    column = {round(float(s[i].frac_coords[0]), 2) for i in gep[:1]}
    for i, site in enumerate(s):
        coords.append(site.frac_coords)
        if i in gep:
            ge = round(float(site.frac_coords[0]), 2) in column
            species.append({"Ge4+": 1.0} if ge else {"P5+": 1.0})
        elif i in partial:
            species.append({"Li+": 16 / len(partial)})
        else:
            sym = site.specie.symbol
            species.append({{"Li": "Li+", "P": "P5+", "S": "S2-"}[sym]: 1.0})
    dis = Structure(s.lattice, species, coords)
    algo = OrderDisorderedStructureTransformation.ALGO_FAST
    ordered: Any = OrderDisorderedStructureTransformation(algo=algo).apply_transformation(dis)
    ordered.remove_oxidation_states()
    return ordered


def _s8_box(box: float) -> Any:
    """S8 crown: 8 atoms on a circle, alternately +-h (S-S 2.05 A, S-S-S 108 deg)."""
    from pymatgen.core import Lattice, Structure

    d2 = 2 * 2.05 * math.sin(math.radians(54.0))  # 1-3 distance across the 108 deg angle
    r = d2 / math.sqrt(2.0)
    h = 0.5 * math.sqrt(2.05**2 - 2 * r * r * (1 - math.cos(math.pi / 4)))
    coords = [
        [
            box / 2 + r * math.cos(k * math.pi / 4),
            box / 2 + r * math.sin(k * math.pi / 4),
            box / 2 + (h if k % 2 else -h),
        ]
        for k in range(8)
    ]
    return Structure(Lattice.cubic(box), ["S"] * 8, coords, coords_are_cartesian=True)


def _enargite(name: str, lat: Any) -> Any:
    """An enargite-type (Pmn2_1) Li3XY4 on ideal wurtzite sites of the orthorhombic cell.

    Wurtzite in the orthohexagonal setting a_o = 2 a_h, b_o = sqrt(3) a_h, c_o = c_h holds
    8 anions and 8 tetrahedral cations; X takes the two cations that the mirror x = 0 maps
    onto each other (Wyckoff 2a of Pmn2_1), Li the other six.
    """
    from pymatgen.core import Composition, Structure
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    comp = Composition(name)
    anion = next(el.symbol for el in comp.elements if el.symbol in ("S", "O"))
    centre = next(el.symbol for el in comp.elements if el.symbol not in ("Li", "S", "O"))
    import itertools

    u = 3 / 8
    # the 4 cations of wurtzite in the orthohexagonal cell (a_h, sqrt(3) a_h, c_h)
    base = [(0.0, 1 / 3, 0.0), (0.5, 5 / 6, 0.0), (0.5, 1 / 6, 0.5), (0.0, 2 / 3, 0.5)]
    cations = [((x / 2 + dx) % 1.0, y, z) for x, y, z in base for dx in (0.0, 0.5)]
    anions = [(x, y, (z + u) % 1.0) for x, y, z in cations]
    for pair in itertools.combinations(range(8), 2):
        species = [centre if i in pair else "Li" for i in range(8)] + [anion] * 8
        s = Structure(lat, species, [*cations, *anions])
        if SpacegroupAnalyzer(s, symprec=0.01).get_space_group_symbol() == "Pmn2_1":
            return s
    raise InputError(f"could not build the enargite-type ordering of {name}.")  # pragma: no cover
