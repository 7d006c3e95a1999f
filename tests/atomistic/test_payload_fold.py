"""The atomistic results' JSON comes from lithiophile.store.to_payload (no hand-written as_dict):
the keys users see are the ones the hand-written versions gave, and the round trip is exact."""

from __future__ import annotations

import json

from lithiophile.atomistic.adhesion import AdhesionResult
from lithiophile.atomistic.binding import BindingResult, SiteResult

#: Keys of the former hand-written BindingResult.as_dict (issue 13 keeps them stable).
BINDING_KEYS = {
    "host", "family", "model", "best_site", "binding_vs_bcc", "binding_vs_atom",
    "host_energy_eV", "mu_li_eV", "li_atom_eV", "sites", "host_structure",
}  # fmt: skip


def _binding() -> BindingResult:
    good = SiteResult("hollow", (0.0, 0.0, 1.0), True, 0.01, 5, (0.1, 0.2, 1.5), -10.0, -0.3, -1.8)
    bad = SiteResult("top", (1.0, 0.0, 1.0), False, 0.2, 200, (1.0, 0.1, 1.4), structure="x")
    return BindingResult("graphene", "carbon", "CHGNet", (good, bad), -100.0, -1.9, -0.2, "hs")


def test_binding_json_keys_and_round_trip():
    r = _binding()
    d = json.loads(json.dumps(r.as_dict()))
    assert set(d) == BINDING_KEYS
    assert d["best_site"] == "hollow"  # the converged site, not the first listed
    assert d["binding_vs_bcc"]["value"] == -0.3 and d["binding_vs_atom"]["value"] == -1.8
    assert d["sites"][0]["start"] == [0.0, 0.0, 1.0]  # positions as lists
    assert BindingResult.from_dict(d) == r


def test_adhesion_json_has_both_metrics_and_round_trips():
    r = AdhesionResult(
        "Cu", "111", "110", "CHGNet", 0.02, 45.0, -1.0, -0.5, -0.3, 0.5, 1.2, 0.4, 1.1, 573.15,
        30.0, ("a",), "xyz",
    )  # fmt: skip
    d = json.loads(json.dumps(r.as_dict()))
    assert d["work_of_adhesion"]["value"] == 0.5 and d["contact_angle"]["value"] == 30.0
    assert d["notes"] == ["a"]
    assert AdhesionResult.from_dict(d) == r
    none = AdhesionResult.from_dict({**d, "contact_angle_deg": None})
    assert none.as_dict()["contact_angle"] is None  # no angle: no Metric, not a guess
