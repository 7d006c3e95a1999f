"""Validation: the split of substrates by Li nucleation barrier (Yan et al., Nat. Energy 2016)."""

from __future__ import annotations

import pytest

from lithiophile.thermo.nucleation import nucleation_barrier

# Yan et al., Nat. Energy 2016, 1, 16010, Fig. 1: essentially zero nucleation overpotential on
# Au, Ag, Zn and Mg (definite solubility in Li); a clear nucleation overpotential on Cu, Ni,
# Pt, Al, Si, Sn and carbon. The prediction reads only the bundled Li-X phase-diagram table.
NO_BARRIER = ["Au", "Ag", "Zn", "Mg"]
BARRIER = ["Cu", "Ni", "Pt", "Al", "Si", "Sn", "C"]


@pytest.mark.parametrize("element", NO_BARRIER)
def test_soluble_substrates_have_no_barrier(element):
    p = nucleation_barrier(element)
    assert p.barrier is False and p.solubility_in_li in ("extensive", "limited")


@pytest.mark.parametrize("element", BARRIER)
def test_insoluble_substrates_have_a_barrier(element):
    p = nucleation_barrier(element)
    assert p.barrier is True and "a barrier" in p.basis


def test_alloying_alone_does_not_remove_the_barrier():
    # Al, Si and Sn form Li compounds yet show a barrier (Yan 2016): compound formation is not
    # the criterion, solubility is
    assert all(nucleation_barrier(e).barrier for e in ("Al", "Si", "Sn"))


def test_untabulated_element_is_unknown_not_no():
    p = nucleation_barrier("W")
    assert p.barrier is None and p.solubility_in_li == "unknown"
