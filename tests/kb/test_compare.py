"""compare(): a result ranked among the records of its metric, the condition gaps stated."""

from __future__ import annotations

import json

import pytest

from lithiophile.errors import InputError
from lithiophile.kb import compare
from lithiophile.kb.compare import condition_gaps
from lithiophile.metrics import Conditions, Metric

# 30 mV after 300 h at 0.5 mA cm-2 (5 A m-2), 1 mAh cm-2 (36 000 C m-2) in a Li|Li cell
HYPOTHETICAL = Metric(
    "polarization",
    0.030,
    Conditions(
        current_density_A_m2=5.0, areal_capacity_C_m2=36e3, time_s=300 * 3600.0, cell="Li|Li"
    ),
)


def test_a_polarization_ranks_among_the_comparable_records(base):
    c = base.compare(HYPOTHETICAL)
    # by hand from Tables 1-3: the polarizations at 0.25-1 mA cm-2 and 0.5-2 mAh cm-2 (within
    # a factor 2 of the result's), none in another cell type; lower is better:
    outcomes = {
        "t1-28-polar": "better",  # ~20 mV
        "t2-51-polar": "better",  # 20 mV
        "t2-57-polar": "better",  # less than 25 mV
        "t1-36-polar": "equal",  # ~30 mV
        "t1-39-polar": "equal",  # 30 mV after 1400 h
        "t2-52-polar": "worse",  # 35 mV
        "t1-39-polar-initial": "worse",  # 46 mV initial
        "t2-62-polar": "undetermined",  # less than 50 mV: may be above or below 30
        "t2-63-polar": "undetermined",  # less than 0.15 V
    }
    assert {e.record.id: e.outcome for e in c.comparable} == outcomes
    assert c.direction == "lower"
    assert c.rank() == (4, 10, 2)  # 3 better -> rank 4 of the 9 records + yours
    # the three voltages printed under "Li-Cu efficiency" (flagged exclude) are left out
    assert {r.id for r in c.left_out} == {
        "t2-51-voltage-in-ce-column",
        "t2-52-voltage-in-ce-column",
        "t2-55-voltage-in-ce-column",
    }
    assert len(c.entries) + len(c.left_out) == base.count(metric="polarization")
    summary = c.summary()
    assert summary.startswith("polarization: lower is better. Yours ranks 4 of 10 among records")
    assert "(2 undetermined: printed as a bound)" in summary
    assert json.loads(json.dumps(c.as_dict()))["rank_comparable"] == {
        "rank": 4,
        "of": 10,
        "undetermined": 2,
    }


def test_condition_gaps_are_stated_in_display_units(base):
    c = base.compare(HYPOTHETICAL)
    gaps = {e.record.id: [(g.text, g.blocking) for g in e.gaps] for e in c.entries}
    # Table 3 [86]: 90 mV at 0.5 mA cm-2, 0.1 mA h cm-2: ten times less capacity per cycle
    assert gaps["t3-86-polar"] == [
        ("areal capacity 0.1 mAh cm-2 vs yours 1 mAh cm-2 (10x lower)", True),
        ("cell type not stated in the record (yours Li|Li)", False),
    ]
    # Table 1 [29]: ~78 mV after 500 h (0.2 mA cm-2, 1 mA h cm-2) in a Li|Cu cell
    assert gaps["t1-29-polar"] == [
        ("current density 0.2 mA cm-2 vs yours 0.5 mA cm-2 (2.5x lower)", True),
        ("time 500 h vs yours 300 h (1.67x higher)", False),
        ("cell Li|Cu vs yours Li|Li", True),
    ]
    # the text's 0.17 V for BMP-TFSI states no current density
    assert gaps["text-65-polar"][0] == ("the record states no current density or C-rate", True)
    assert "NOT comparable" in "\n".join(c.lines(limit=30))


def test_a_cycle_life_at_half_a_milliamp_is_not_set_beside_one_at_four():
    mine = Conditions(current_density_A_m2=5.0, areal_capacity_C_m2=36e3)
    theirs = Conditions(current_density_A_m2=40.0, areal_capacity_C_m2=36e3)
    (gap,) = condition_gaps(mine, theirs, needs_rate=True)
    assert (gap.text, gap.blocking) == (
        "current density 4 mA cm-2 vs yours 0.5 mA cm-2 (8x higher)",
        True,
    )
    c_rate = Conditions(c_rate=0.5, cell="Li|LFP")
    texts = [(g.text, g.blocking) for g in condition_gaps(mine, c_rate, needs_rate=True)]
    assert (
        "the record states a C-rate (0.5 C), yours a current density: not comparable",
        True,
    ) in texts
    hot = condition_gaps(Conditions(temperature_K=298.15), Conditions(temperature_K=328.15))
    assert [(g.text, g.blocking) for g in hot] == [("55 °C vs yours 25 °C", True)]
    assert condition_gaps(mine, mine) == []


def test_bounds_decide_only_where_they_can(base):
    # 500 h at 0.5 mA cm-2, 1 mAh cm-2 against Table 1 [36] "Over 300 h" and [51] "Over 200 h"
    # (both at 0.5 mA cm-2, 1 mAh cm-2): a lower bound below 500 h says nothing
    mine = Metric(
        "cycle_life_time",
        500 * 3600.0,
        Conditions(current_density_A_m2=5.0, areal_capacity_C_m2=36e3),
    )
    c = base.compare(mine)
    got = {e.record.id: e.outcome for e in c.comparable}
    assert got["t1-36-life"] == got["t2-51-life"] == "undetermined"
    assert got["t1-33-life"] == "better"  # 600 h
    assert got["t2-61-life"] == "better"  # 1700 h at 0.5 mA cm-2, 1 mAh cm-2
    assert all(e.outcome != "undetermined" for e in c.comparable if e.record.qualifier == "=")


def test_related_definitions_are_compared_with_a_gap(base):
    # a reservoir average CE (Adams 2018) beside the review's Li-Cu efficiencies
    mine = Metric(
        "average_ce", 0.985, Conditions(current_density_A_m2=5.0, cell="Li|Cu"), variant="reservoir"
    )
    c = base.compare(mine)
    li_cu = [e for e in c.entries if e.record.metric == "li_cu_ce"]
    assert li_cu and all(
        e.gaps[0].text == "the record is a li_cu_ce, yours a average_ce: defined differently"
        for e in li_cu
    )
    assert not any(e.gaps[0].blocking for e in li_cu)
    # Table 1 [36]: 98.3 % after 200 cycles (0.5 mA cm-2): comparable, and worse than 98.5 %
    assert {e.record.id: e.outcome for e in c.comparable}["t1-36-ce"] == "worse"


def test_user_records_and_excluded_ones_on_request(base):
    base.add(
        Metric("polarization", 0.029, HYPOTHETICAL.conditions),
        material="theirs",
        strategy="control",
    )
    assert all(e.record.origin == "review" for e in base.compare(HYPOTHETICAL).entries)
    c = base.compare(HYPOTHETICAL, origin=None, include_excluded=True)
    assert "user" in {e.record.origin for e in c.entries} and not c.left_out
    assert c.rank()[0] == 5  # 29 mV is better than 30 mV: one more above


def test_compare_takes_records_and_dicts_too(base):
    records = base.query(metric="polarization")
    by_metric = compare(HYPOTHETICAL, records)
    by_dict = compare(HYPOTHETICAL.as_dict(), records)
    assert by_metric.rank() == by_dict.rank() == (4, 10, 2)
    assert compare(base.get("t1-36-polar"), records).direction == "lower"
    with pytest.raises(InputError, match=r"Metric .metric. must be one of"):
        compare({"metric": "speed", "value": 1.0}, records)
