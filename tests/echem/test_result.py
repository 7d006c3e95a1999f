"""CellAnalysis round-trips through JSON (the store's payload)."""

import json

from lithiophile.echem import CellAnalysis, analyze


def test_round_trip(reservoir):
    r = analyze(reservoir.data)
    back = CellAnalysis.from_dict(json.loads(json.dumps(r.as_dict())))
    assert back.metrics == r.metrics
    assert back.events == r.events
    assert back.half_cycles.equals(r.half_cycles)
    assert back.cycles.equals(r.cycles)
    assert back.options == r.options and back.protocol == r.protocol


def test_citations_registered_when_used(reservoir):
    from lithiophile import cite
    from lithiophile.synth import cells

    cite.reset()
    analyze(reservoir.data)
    assert {"Adams2018", "Yan2016", "Pei2017"} <= set(cite.used())
    assert "Aurbach1989" not in cite.used()
    analyze(
        cells.li_cu_reservoir(
            conditioning_C_m2=None, ce=0.8, until_exhausted=True, sample_s=300.0
        ).data
    )
    assert "Aurbach1989" in cite.used()
    analyze(cells.symmetric(cycles=2, sample_s=60.0, soft_shorts=[(5000.0, 200.0)]).data)
    assert "Menkin2023" in cite.used()
