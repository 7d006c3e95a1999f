"""Results serialise through the one serializer (lithiophile.store.to_payload) via the JsonFields
and JsonView mixins, and those that show every field come back equal (issue 12: no hand-written
as_dict)."""

from __future__ import annotations

import json

from lithiophile.store import JsonFields, JsonView, to_payload


def test_thermo_results_round_trip_through_their_json():
    from lithiophile.thermo import interface_type, react
    from lithiophile.thermo.elements import ElementRecord, element_map
    from lithiophile.thermo.interface import InterfaceResult
    from lithiophile.thermo.reactions import ReactionResult

    rx = react("ZnO")  # bundled energies: 2 Li + ZnO -> Li2O + Zn, then the Li-Zn alloys
    d = json.loads(json.dumps(rx.as_dict()))
    assert d == to_payload(rx) and d["equation"] == rx.equation  # the extras are shown too
    assert ReactionResult.from_dict(d) == rx
    it = interface_type("Li7La3Zr2O12")
    assert InterfaceResult.from_dict(json.loads(json.dumps(it.as_dict()))) == it
    record = next(r for r in element_map() if r.symbol == "Zn")
    assert ElementRecord.from_dict(record.as_dict()) == record


def test_assessment_json_is_the_whole_result_and_comes_back():
    from lithiophile.thermo import assess
    from lithiophile.thermo.assessment import Assessment

    a = assess("ZnO", electrolyte="solid")
    d = json.loads(json.dumps(a.as_dict()))
    # the reaction and the wetting travel whole, with the summary keys beside them
    assert d["interface"]["reaction"]["equation"] == "2 Li + ZnO -> Li2O + Zn"
    assert d["interface_type"] == a.interface.type and d["reacts"] is True
    assert d["contact_angle_deg"] == a.wetting.estimate.angle_deg
    assert Assessment.from_dict(d) == a


def test_a_view_with_derived_fields_offers_no_way_back():
    from lithiophile.advise.system import System, make_system

    system = make_system("Li", "LLZO")
    assert isinstance(system, JsonView) and not isinstance(system, JsonFields)
    assert not hasattr(System, "from_dict")  # its electrolyte is shown as a view
    assert system.as_dict()["electrolyte"]["text"] == "LLZO"
