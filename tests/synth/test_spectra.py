"""The synthetic spectrum generator: closed forms checked against each other and against
limits known by hand."""

from __future__ import annotations

import numpy as np
import pytest

from lithiophile.io import ImpedanceData
from lithiophile.synth.spectra import frequencies, spectrum, term_impedance


def test_frequencies_grid():
    f = frequencies(1e6, 1e-2, 10)
    assert f.size == 81 and f[0] == 1e6 and f[-1] == pytest.approx(1e-2)
    assert np.allclose(np.diff(np.log10(f)), -0.1)
    with pytest.raises(ValueError, match="f_max > f_min > 0"):
        frequencies(1.0, 10.0)


def test_rq_is_a_zarc_with_q_equal_tau_phi_over_r():
    # hand algebra: R/(1 + R Q (jw)^a) = R/(1 + (jw tau)^a) with tau^a = R Q
    f = frequencies(1e5, 1e-2, 10)
    r, q, a = 80.0, 3e-5, 0.85
    tau = (r * q) ** (1 / a)
    np.testing.assert_allclose(
        term_impedance(("RQ", r, q, a), f), term_impedance(("ZARC", r, tau, a), f), rtol=1e-12
    )
    # an RC element is the alpha = 1 case
    np.testing.assert_allclose(
        term_impedance(("RQ", r, q, 1.0), f), term_impedance(("RC", r, q), f), rtol=1e-12
    )


def test_limits_of_an_arc_and_warburg_phase():
    f = np.array([1e9, 1e-6])
    z = term_impedance(("RC", 50.0, 1e-6), f)
    assert abs(z[0]) < 1e-3 and z[1] == pytest.approx(50.0, rel=1e-6)
    zw = term_impedance(("W", 10.0), np.array([1.0]))
    assert np.angle(zw[0], deg=True) == pytest.approx(-45.0)
    assert abs(zw[0]) == pytest.approx(10.0 * np.sqrt(2) / np.sqrt(2 * np.pi))


def test_noise_is_proportional_and_seeded():
    f = frequencies(1e5, 1e-2, 40)
    a = spectrum([("R", 10.0), ("RC", 100.0, 1e-5)], f, noise=0.02, seed=3)
    b = spectrum([("R", 10.0), ("RC", 100.0, 1e-5)], f, noise=0.02, seed=3)
    np.testing.assert_array_equal(a.z, b.z)
    rel = (a.z - a.z_true) / np.abs(a.z_true)
    assert np.std(np.r_[rel.real, rel.imag]) == pytest.approx(0.02, rel=0.15)
    assert a.r_polarisation == 100.0
    with pytest.raises(ValueError, match="unknown term"):
        spectrum([("Q", 1.0)])


def test_to_impedance_data():
    s = spectrum([("R", 1.0), ("RC", 2.0, 1e-3)], noise=0.0)
    data = s.to_impedance_data(area_m2=1e-4, temperature_K=298.15)
    assert isinstance(data, ImpedanceData)
    assert data.meta.area_m2 == 1e-4
    np.testing.assert_allclose(data.z, s.z)
    assert (data["temperature_K"] == 298.15).all()
