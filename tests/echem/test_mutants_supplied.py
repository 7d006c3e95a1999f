"""The sign rule of voltage-only files (echem.supplied), on voltages whose answer is known by
construction: the dead band is five noise widths (noise = 1.4826 MAD of the point-to-point
differences / sqrt 2, the module's documented rule), points inside it take the sign of the next
point outside it, points after the last one outside keep the sign before them."""

import numpy as np
import pytest

from lithiophile.echem.supplied import (
    PLACEHOLDER_A,
    current_source,
    voltage_signs,
    with_current,
)
from lithiophile.errors import InputError
from lithiophile.io.celldata import CellData, Metadata

SIGMA = 1e-4  # voltage noise of the synthetic record [V]


def _noisy_reversal(inside: float, outside: float, drift: float = 0.0) -> np.ndarray:
    """+50 mV plateau, a point at ``outside``, a point at ``inside``, -50 mV plateau, each
    plateau 3000 points of Gaussian noise SIGMA (the band is 5 SIGMA by construction) on a
    steady drift of ``drift`` V per point ending at +-50 mV."""
    rng = np.random.default_rng(7)
    ramp = drift * np.arange(3000)
    up = 0.05 - ramp[::-1] + SIGMA * rng.standard_normal(3000)
    down = -0.05 + ramp + SIGMA * rng.standard_normal(3000)
    return np.concatenate([up, [outside, inside], down])


def test_the_dead_band_is_five_noise_widths():
    # 5.5 sigma lies outside the 5-sigma band (keeps its own +), 4.5 sigma inside it (takes
    # the - of the next point outside the band); a band of 4 or 6 sigma, or a noise estimate
    # off by sqrt 2, would swap one of them
    v = _noisy_reversal(inside=4.5 * SIGMA, outside=5.5 * SIGMA)
    s = voltage_signs(v)
    assert s[3000] == 1.0 and s[3001] == -1.0
    assert (s[:3000] == 1.0).all() and (s[3002:] == -1.0).all()


def test_a_steady_drift_is_not_noise():
    # plateaus drifting 1e-4 V per point (one SIGMA): the noise is the spread of the
    # differences about their median (the drift), so the band stays 5 SIGMA and the two
    # points split as without drift
    s = voltage_signs(_noisy_reversal(inside=4.5 * SIGMA, outside=5.5 * SIGMA, drift=-SIGMA))
    assert s[3000] == 1.0 and s[3001] == -1.0


def test_points_inside_the_band_take_the_next_sign_and_the_tail_keeps_the_last():
    # noise-free (MAD 0, band at its 1 uV floor): the two zeros after the + plateau belong to
    # the - half-cycle that follows, the trailing zeros to the last half-cycle
    v = np.array([0.01] * 6 + [0.0, 0.0] + [-0.01] * 6 + [0.0, 0.0, 0.0])
    expected = np.array([1.0] * 6 + [-1.0] * 8 + [-1.0] * 3)
    assert np.array_equal(voltage_signs(v), expected)
    # a point 1.5 uV from 0 is outside the 1 uV floor; 0.5 uV, and 1 uV itself, inside it
    w = np.array([0.01] * 6 + [1.5e-6, 0.5e-6, 1e-6] + [-0.01] * 6)
    assert voltage_signs(w)[6:9].tolist() == [1.0, -1.0, -1.0]
    # the last point outside the band reverses: the points before it belong to it
    r = np.array([0.01] * 6 + [0.0, 0.0, -0.01])
    assert voltage_signs(r).tolist() == [1.0] * 6 + [-1.0] * 3
    # a non-finite voltage counts as 0 V (inside the band): it takes the next point's sign
    u = np.array([0.01] * 6 + [np.nan] + [-0.01] * 6)
    assert voltage_signs(u)[6] == -1.0


def test_empty_and_undecidable_voltages():
    assert voltage_signs(np.zeros(0)).shape == (0,)
    with pytest.raises(InputError, match=r"^the voltage never leaves .* needs the cell's voltage$"):
        voltage_signs(np.zeros(20))
    # one point: no differences, band at the floor, the sign is the point's own
    assert np.array_equal(voltage_signs(np.array([-0.02])), [-1.0])


def _cell(current: np.ndarray, temperature: bool) -> CellData:
    t = np.arange(8.0) * 10.0
    v = np.array([0.02] * 4 + [-0.02] * 4)
    cols = {"time_s": t, "voltage_V": v, "current_A": current}
    if temperature:
        cols["temperature_K"] = np.full(8, 298.15)
    return CellData.from_columns(cols, Metadata(notes=("from the instrument",)))


def test_with_current_puts_the_magnitude_on_the_voltage_sign():
    with np.errstate(invalid="ignore"):
        cell = _cell(np.full(8, np.nan), temperature=True)
    assert current_source(cell) == "none"
    out = with_current(cell, 4e-4, supplied=True)
    # +0.4 mA where V > 0, -0.4 mA where V < 0 (the voltage's sign, by construction)
    assert np.array_equal(out["current_A"], np.array([4e-4] * 4 + [-4e-4] * 4))
    assert np.array_equal(out["temperature_K"], np.full(8, 298.15))
    assert np.array_equal(out["time_s"], cell["time_s"])
    assert out.meta.notes[0] == "from the instrument"
    assert out.meta.notes[-1] == (
        "current supplied by the user: 0.0004 A, with the sign of each half-cycle taken from "
        "the voltage"
    )
    placeholder = with_current(cell, PLACEHOLDER_A, supplied=False)
    assert placeholder.meta.notes[-1] == (
        "no current in the data: half-cycles taken from the sign of the voltage"
    )
    assert np.array_equal(np.abs(placeholder["current_A"]), np.ones(8))
    bare = with_current(_cell(np.full(8, np.nan), temperature=False), 1e-3, supplied=True)
    assert "temperature_K" not in bare.columns


def test_a_recorded_current_is_measured():
    # one finite current is enough: the file records its current
    cur = np.full(8, np.nan)
    cur[3] = 1e-3
    assert current_source(_cell(cur, temperature=False)) == "measured"
