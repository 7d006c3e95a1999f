"""The review's constants and its text-table disagreements: quoted verbatim, converted, flagged."""

from __future__ import annotations

import pytest

from lithiophile.kb.claims import bundled_claims, bundled_discrepancies


@pytest.fixture(scope="module")
def claims():
    return {c.id: c for c in bundled_claims()}


def test_every_quote_is_in_the_review_verbatim(claims, seed_text):
    for c in claims.values():
        assert c.quote in seed_text, c.id
    for d in bundled_discrepancies():
        assert d.text_quote in seed_text, d.id
        assert not d.table_quote or d.table_quote in seed_text, d.id


def test_li_constants_agree_with_independent_values(claims):
    # 180.5 degC + 273.15 = 453.65 K (hand), the CRC melting point
    assert claims["text-li-melting-point"].value_si == pytest.approx(453.65)
    assert claims["text-li-melting-point"].agrees is True
    # 3860 mAh/g = 3860 * 3.6 C / 1e-3 kg = 1.3896e7 C/kg (hand); F/M(Li) = 1.3901e7
    assert claims["text-li-specific-capacity"].value_si == pytest.approx(1.3896e7)
    assert claims["text-li-specific-capacity"].agrees is True
    # the text gives only the sign of d(gamma)/dT; Davison's -1.19e-4 N/m/K has the same sign
    tension = claims["text-li-surface-tension"]
    assert tension.value is None and tension.value_si is None and tension.agrees is True


def test_interface_energies_printed_in_j_per_cm2_are_flagged(claims):
    for key in ("text-77-li2o-interface-energy", "text-77-llzt-interface-energy"):
        c = claims[key]
        assert c.unit_printed == "J/cm^2" and c.unit == "J/m^2"
        assert "unit_typo" in {f.kind for f in c.flags}
    assert claims["text-77-llzt-interface-energy"].value_si == pytest.approx(-6.14)


def test_new_flags_on_the_records(records):
    kinds = {rid: {f.kind for f in r.flags} for rid, r in records.items()}
    assert "implausible_value" in kinds["text-77-ccd"]  # 13.3 mA cm-2 at room temperature
    assert "naming_typo" in kinds["text-82-ccd"]  # "Maruga" for Murugan
    assert "naming_typo" in kinds["t2-56-polar"]  # "carbon nitrite"
    assert "conditions_differ_text_table" in kinds["text-51-cycle-life"]
    # the "without" rows are controls
    assert records["t3-20-asr-without"].strategy == "control"
    assert records["t3-20-asr-with"].strategy == "alloying interlayer"
