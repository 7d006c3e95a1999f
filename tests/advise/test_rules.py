"""The ranking rules and the Spearman report, each against a hand calculation or a reference
library run in the test."""

from __future__ import annotations

import math

import pytest

from lithiophile.advise import advise, advise_many, make_system, rules
from lithiophile.advise.evidence import Evidence
from lithiophile.advise.predict import Prediction
from lithiophile.advise.validate import spearman, table3_spearman
from lithiophile.errors import InputError
from lithiophile.kb import bundled_records


def _evidence(strength: float, weight: float) -> Evidence:
    record = bundled_records()[0]
    return Evidence(record, True, (), weight, strength, "")


def test_r4_is_the_weighted_mean_strength_plus_the_weight_bonus():
    (step,) = rules.r4_literature([_evidence(1.0, 1.0), _evidence(0.0, 0.5)])
    # hand: (1*1 + 0.5*0) / 1.5 = 0.6667; 0.25 * log2(1 + 1.5) = 0.3305
    assert step.points == pytest.approx(1 / 1.5 + 0.25 * math.log2(2.5))
    (none,) = rules.r4_literature([])
    assert none.points == 0 and "no record" in none.why


def test_r2_follows_the_prediction():
    from lithiophile.advise.catalog import strategies

    al = next(s for s in strategies() if s.id == "al-interlayer")
    wets = Prediction(
        "Al",
        "solid",
        reaction="Li + Al -> LiAl",
        reacts=True,
        interface_type="III",
        alloys=True,
        wets=True,
        contact_angle_deg=20.0,
    )
    inert = Prediction(
        "Al",
        "solid",
        reacts=False,
        interface_type="I",
        alloys=False,
        wets=False,
        contact_angle_deg=120.0,
    )
    unknown = Prediction("Al", "solid", error="no energy for the material")
    assert rules.r2_candidate(al, wets)[0].points == 2.0
    assert rules.r2_candidate(al, inert)[0].points == -2.0
    assert rules.r2_candidate(al, unknown)[0].points == 0.0  # unknown is not a guess
    assert "unknown" in rules.r2_candidate(al, unknown)[0].why


def test_spearman_agrees_with_scipy_and_the_table3_drops_are_the_printed_ones():
    from scipy.stats import spearmanr

    x, y = [1.0, 2.0, 2.0, 5.0, 3.0], [0.3, 0.1, 0.4, 0.9, 0.9]
    assert spearman(x, y) == pytest.approx(spearmanr(x, y).statistic)
    rows, rho, rho_loo = table3_spearman()
    drops = {r.strategy: r.drop_log10 for r in rows}
    # Table 3: ZnO 2000 -> 20, Mg 1000 -> 70, Li-C 381 -> 11 ohm cm2; IL 6000 -> 320 ohm
    assert drops["zno-interlayer"] == pytest.approx(2.0)
    assert drops["mg-interlayer"] == pytest.approx(math.log10(1000 / 70))
    assert drops["li-c-paste"] == pytest.approx(math.log10(381 / 11))
    assert drops["il-interlayer"] == pytest.approx(math.log10(6000 / 320))
    ref = spearmanr([r.drop_log10 for r in rows], [r.score_left_out for r in rows]).statistic
    assert rho_loo == pytest.approx(ref) and -1 <= rho <= 1
    # leaving a row's own records out can only lower or keep its literature points
    assert all(r.score_left_out <= r.score + 1e-9 for r in rows)


def test_a_batch_gives_what_single_calls_give():
    systems = [{"anode": "Li", "electrolyte": "LLZO"}, make_system("Cu", "LiPF6 in EC/DMC")]
    many = advise_many(systems)
    one = [advise("Li", "LLZO"), advise("Cu", "LiPF6 in EC/DMC")]
    for a, b in zip(many, one, strict=True):
        assert [(c.strategy.id, c.score) for c in a.cards] == [
            (c.strategy.id, c.score) for c in b.cards
        ]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("Li", "tea"), {}, "The '--electrolyte' option names an electrolyte this toolkit"),
        (("", "LLZO"), {}, "The '--anode' option must be Li, Cu"),
        (("Li", "LLZO"), {"temperature_K": -3.0}, "The '--temperature' option must be above"),
        (("Li", "LLZO"), {"current_density_A_m2": 0.0}, "'--current-density' option must be"),
    ],
)
def test_bad_input_names_the_option(args, kwargs, message):
    with pytest.raises(InputError, match=message):
        advise(*args, **kwargs)
