"""The works ``lithiophile.echem`` implements, defined in the citation registry on import.

Adams 2018 (the reservoir protocol) is defined in :mod:`lithiophile.cite` itself.
"""

from __future__ import annotations

from lithiophile import cite

__all__ = ["ADAMS", "AURBACH", "MENKIN", "PEI", "YAN"]

ADAMS = "Adams2018"
AURBACH = "Aurbach1989"
YAN = "Yan2016"
PEI = "Pei2017"
MENKIN = "Menkin2023"

cite.define(
    cite.Citation(
        AURBACH,
        "Aurbach, D.; Gofer, Y.; Langzam, J. The correlation between surface chemistry, "
        "surface morphology, and cycling efficiency of lithium electrodes in a few polar aprotic "
        "systems. J. Electrochem. Soc. 1989, 136, 3198-3205 (METHODS.md gives page 1611, which "
        "belongs to Aurbach et al., J. Electrochem. Soc. 1987, 134, 1611): average CE from "
        "cycling a Li reservoir on the substrate to exhaustion.",
        doi="10.1149/1.2096425",
    ),
    cite.Citation(
        YAN,
        "Yan, K.; Lu, Z.; Lee, H.-W.; Xiong, F.; Hsu, P.-C.; Li, Y.; Zhao, J.; Chu, S.; Cui, Y. "
        "Selective deposition and stable encapsulation of lithium through heterogeneous "
        "seeded growth. Nat. Energy 2016, 1, 16010.",
        doi="10.1038/nenergy.2016.10",
    ),
    cite.Citation(
        PEI,
        "Pei, A.; Zheng, G.; Shi, F.; Li, Y.; Cui, Y. Nanoscale nucleation and growth of "
        "electrodeposited lithium metal. Nano Lett. 2017, 17, 1132-1139.",
        doi="10.1021/acs.nanolett.6b04755",
    ),
    cite.Citation(
        MENKIN,
        "Menkin, S. et al. Insights into soft short circuit-based degradation of lithium metal "
        "batteries. Faraday Discuss. 2023 (as cited in the project's METHODS.md): soft shorts "
        "as sudden, reversible drops of the cell voltage.",
    ),
)
