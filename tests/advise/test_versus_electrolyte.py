"""The candidate's own reaction with a solid electrolyte on each evidence card (issue 13)."""

from __future__ import annotations

import pytest

from lithiophile.advise import advise
from lithiophile.advise.cards import Advice


@pytest.fixture(scope="module")
def sulfide() -> Advice:
    return advise("Li", "Li3PS4")


def _card(advice: Advice, candidate: str) -> str:
    return next(c.versus_electrolyte for c in advice.cards if c.strategy.candidate == candidate)


def test_zno_card_shows_its_reaction_with_the_sulfide(sulfide):
    # hand-balanced: 4 ZnO + Li3PS4 -> 4 ZnS + Li3PO4 (Zn takes S, P takes O)
    text = _card(sulfide, "ZnO")
    assert text.startswith("ZnO with Li3PS4: ")
    assert "ZnS" in text and "Li3PO4" in text and "eV/atom" in text


def test_lif_card_says_stable_in_contact(sulfide):
    # LiF and Li3PS4 share Li+ and form no compound in any source: no reaction
    assert "LiF with Li3PS4: stable in contact" in _card(sulfide, "LiF")


def test_candidate_without_energy_is_unknown_not_guessed():
    # graphitic C3N4 has no energy in the bundled source: the card's line says so
    from lithiophile.advise.engine import _pair_text

    text = _pair_text("C3N4", "Li3PS4", "Li3PS4")
    assert "unknown" in text and "C3N4 has no energy" in text
    assert "unknown (the electrolyte has no formula)" in _pair_text("ZnO", None, "a glass")


def test_liquid_electrolyte_keeps_the_reason():
    text = _card(advise("Li", "1 M LiPF6 in EC/DEC"), "ZnO")
    assert "not computed" in text
