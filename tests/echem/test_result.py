"""CellAnalysis round-trips through JSON (the store's payload)."""

import json

from lithiophile.echem import CellAnalysis, analyze
from lithiophile.store import from_payload, to_payload


def test_round_trip(reservoir):
    r = analyze(reservoir.data)
    back = from_payload(CellAnalysis, json.loads(json.dumps(to_payload(r))))
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


def test_payload_keys_stay_as_stored_before(reservoir):
    # the keys the hand-written as_dict wrote before the one serializer replaced it: stored
    # results and options keys (part of the store key) must not change
    r = analyze(reservoir.data)
    d = to_payload(r)
    assert list(d) == [
        "protocol", "detection", "metrics", "half_cycles", "cycles", "events", "flags",
        "notes", "source", "sha256", "options", "current", "provenance", "warnings",
        "citations",
    ]  # fmt: skip
    assert set(d["events"][0]) == {
        "kind", "time_s", "duration_s", "half_cycle", "cycle", "detail",
    }  # fmt: skip
    assert d["options"]["plateau_window"] == [0.25, 0.75] and d["options"]["ce_ranges"] == []
    # AnalysisOptions.key() is the canonical JSON of those options, sorted
    assert r.options.key() == json.dumps(d["options"], sort_keys=True)
    assert isinstance(d["half_cycles"], dict) and set(d["half_cycles"]) == set(
        r.half_cycles.columns
    )
