"""Calibration: relative to a reference, linear fit to DFT, model spread, verdicts."""

from __future__ import annotations

import pytest

from lithiophile.atomistic.calibration import (
    LinearCalibration,
    assess,
    model_spread,
    relative_to_reference,
)
from lithiophile.errors import InputError


def test_linear_calibration_recovers_a_known_line():
    # synthetic: DFT = 0.5 * model + 0.3 exactly
    raw = [-2.0, -1.0, 0.0, 1.0]
    cal = LinearCalibration.fit(raw, [0.5 * x + 0.3 for x in raw], model="chgnet")
    assert cal.slope == pytest.approx(0.5)
    assert cal.intercept == pytest.approx(0.3)
    assert cal.rmse_eV == pytest.approx(0.0, abs=1e-12)
    m = cal.apply(-1.6)
    assert m.value == pytest.approx(-0.5)
    assert m.variant.startswith("calibrated to DFT")


def test_linear_calibration_bad_input():
    with pytest.raises(InputError, match="at least 2"):
        LinearCalibration.fit([1.0], [2.0])
    with pytest.raises(InputError, match="one DFT value per model value"):
        LinearCalibration.fit([1.0, 2.0], [2.0])
    with pytest.raises(InputError, match="all equal"):
        LinearCalibration.fit([1.0, 1.0], [2.0, 3.0])


def test_relative_and_spread():
    rel = relative_to_reference(-2.1, -0.6, "graphene pristine", model="chgnet")
    assert rel.value == pytest.approx(-1.5)
    assert rel.variant == "relative to graphene pristine"
    mean, spread = model_spread({"chgnet": -1.5, "sevennet": -2.3})
    assert mean == pytest.approx(-1.9)
    assert spread == pytest.approx(0.4)
    with pytest.raises(InputError, match="finite values"):
        model_spread({"chgnet": float("nan")})


def test_verdict_never_from_raw_sign():
    assert "more lithiophilic" in assess(-1.0, "Cu(111)", 0.2)
    assert "less lithiophilic" in assess(0.5, "Cu(111)", 0.2)
    assert "not distinguishable" in assess(-0.1, "Cu(111)", 0.2)
    assert "resolution floor" in assess(-0.05, "Cu(111)")
    metal = assess(0.5, "Cu(111)", 0.2, family="metal")
    assert "more lithiophilic" not in metal and "less lithiophilic" not in metal
    assert "alloying with Li does" in metal
