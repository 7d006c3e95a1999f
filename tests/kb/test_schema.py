"""Record validation: bad records are refused with the field and the reason; good ones get SI."""

from __future__ import annotations

import pytest

from lithiophile.errors import InputError
from lithiophile.kb.schema import canonical_strategy, validate_record


def _record(**changes):
    data = {
        "id": "x",
        "strategy": "host coating",
        "electrolyte": "liquid",
        "material": "ZnO-coated carbon",
        "metric": "li_cu_ce",
        "value": 98.5,
        "unit": "%",
        "conditions": {"current_density_A_m2": 10.0, "cell": "Li|Cu"},
    }
    data.update(changes)
    return data


def test_a_good_record_gets_its_si_value():
    # hand conversion: 98.5 % = 0.985; 30 mV = 0.030 V; 20 ohm cm2 = 20e-4 ohm m2;
    # 750 uA cm-2 = 0.75 mA cm-2 = 7.5 A m-2; 300 h = 1.08e6 s
    assert validate_record(_record()).value_si == pytest.approx(0.985)
    for metric, value, unit, si in [
        ("polarization", 30, "mV", 0.030),
        ("interfacial_asr", 20, "Ω cm²", 20e-4),
        ("interfacial_asr", 20, "ohm cm2", 20e-4),
        ("critical_current_density", 750, "µA cm⁻²", 7.5),
        ("cycle_life_time", 300, "h", 1.08e6),
        ("cycle_life_cycles", 140, "cycles", 140.0),
    ]:
        r = validate_record(_record(metric=metric, value=value, unit=unit))
        assert r.value_si == pytest.approx(si), (metric, unit)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"unit": None}, r"field 'unit': missing; give the unit of the value, such as '%'\.$"),
        ({"metric": "polarization", "value": 30, "unit": ""}, r"field 'unit'.*such as 'mV'"),
        ({"value": 101.0}, r"field 'value'.*must lie between 0 and 100 %; 101 % is impossible"),
        (
            {"value": 99.0, "value_high": 100.5, "qualifier": "range"},
            r"field 'value_high'.*100.5 %",
        ),
        (
            {"metric": "interfacial_resistance", "value": -5, "unit": "ohm"},
            r"field 'value'.*a resistance cannot be negative \(got -5\)",
        ),
        (
            {"metric": "interfacial_asr", "value": -2, "unit": "ohm cm2"},
            r"field 'value'.*a resistance cannot be negative",
        ),
        ({"strategy": "magic dust"}, r"field 'strategy'.*unknown strategy 'magic dust'; choose"),
        ({"metric": "speed"}, r"field 'metric'.*unknown metric 'speed'"),
        (
            {"metric": "polarization", "value": 30, "unit": "mA"},
            r"field 'unit'.*'mA' is not a unit",
        ),
        ({"material": "  "}, r"field 'material'.*must name the material or method"),
        ({"value": float("nan")}, r"field 'value'.*must be a finite number"),
        ({"flags": [{"kind": "oops", "explanation": "x"}]}, r"field 'flags.0.kind'.*unknown flag"),
        (
            {"conditions": {"areal_capacity_C_m2": -1.0}},
            r"field 'conditions'.*'areal_capacity_C_m2' must not be negative",
        ),
        ({"colour": "red"}, r"field 'colour'"),
    ],
)
def test_bad_records_are_refused_naming_field_and_reason(changes, message):
    with pytest.raises(InputError, match=message):
        validate_record(_record(**changes), where="record 3")
    with pytest.raises(InputError, match=r"^record 3 field"):
        validate_record(_record(**changes), where="record 3")


def test_a_review_record_must_explain_a_value_that_differs_from_its_print():
    data = _record(
        origin="review",
        printed="-97%",
        value_printed=-97.0,
        unit_printed="%",
        value=97.0,
        provenance={"kind": "table", "quote": "-97% after 100 cycles"},
    )
    with pytest.raises(InputError, match=r"read as 97.0 % but printed '-97%'; a flag"):
        validate_record(data)
    data["flags"] = [{"kind": "sign_typo", "explanation": "an efficiency cannot be negative"}]
    assert validate_record(data).value_si == pytest.approx(0.97)


def test_strategy_names_are_matched_loosely_but_not_guessed():
    assert canonical_strategy("In-situ SEI") == "in-situ SEI"
    assert canonical_strategy("in situ sei") == "in-situ SEI"
    assert canonical_strategy("mixed_conducting_interlayer") == "mixed-conducting interlayer"
    assert canonical_strategy("bare Li") == "control"
    with pytest.raises(ValueError, match="unknown strategy 'coating'"):
        canonical_strategy("coating")
