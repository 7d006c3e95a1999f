"""What the DRT and Lin-KK may claim (issue 11 item 15), on spectra whose truth is known by
construction (lithiophile.synth.spectra writes its own closed-form impedances)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lithiophile.echem.impedance import Circuit, KramersKronigWarning, analyze, drt, lin_kk
from lithiophile.echem.impedance.drt import DRTConsistencyWarning
from lithiophile.store import to_payload
from lithiophile.synth.spectra import frequencies, spectrum


@pytest.mark.parametrize("k", range(6))
def test_drt_peak_is_located_between_grid_points(k):
    # six time constants one sixth of a decade apart: the ln tau grid has 10 points per
    # decade, so most fall between its vertices (up to 0.05 decade = 12 % away). Noise free,
    # the DRT's own peak (the gamma-weighted top half) lies within 4 % of the truth and the
    # refined peak (a ZARC fit seeded by it) on it.
    tau = 0.1 * 10 ** (k / 6)
    f = frequencies(1e6, 1e-2, 10)
    s = spectrum([("R", 10.0), ("ZARC", 50.0, tau, 0.8)], f, noise=0.0)
    (own,) = drt(s.f, s.z, refine=False).peaks
    assert own.tau_drt_s == pytest.approx(tau, rel=0.04)
    assert own.tau_s == own.tau_drt_s and not own.refined
    (peak,) = drt(s.f, s.z).peaks
    assert peak.refined and peak.tau_s == pytest.approx(tau, rel=1e-6)
    assert peak.in_window


def test_drt_says_what_lies_outside_the_measured_window():
    # measured 100 kHz to 1 Hz: time constants 1.6 us to 0.16 s. An arc of 50 ohm at tau 3 s
    # lies beyond it (only its high-frequency flank is measured); one of 30 ohm at 1 ms inside
    f = frequencies(1e5, 1, 10)
    s = spectrum([("R", 10.0), ("ZARC", 30.0, 1e-3, 0.85), ("ZARC", 50.0, 3.0, 0.85)], f, noise=0)
    with pytest.warns(DRTConsistencyWarning, match="differs from the measured real-axis span"):
        res = drt(s.f, s.z)
    assert res.tau_window_s == pytest.approx((1 / (2 * np.pi * 1e5), 1 / (2 * np.pi)))
    inside, outside = res.peaks
    assert inside.in_window and inside.tau_s == pytest.approx(1e-3, rel=1e-3)
    assert not outside.in_window
    assert any("peak at tau" in n and "outside the measured window" in n for n in res.notes)
    # the split of the total: what lies outside is extrapolated and said so
    assert res.r_window_ohm + res.r_outside_ohm == pytest.approx(res.r_polarisation_ohm)
    assert res.r_outside_ohm > 0.05 * res.r_polarisation_ohm
    assert any("lies at time constants outside" in n for n in res.notes)
    # the measured span: Re Z at 1 Hz minus Re Z at 100 kHz, from the noise-free spectrum
    assert res.span_ohm == pytest.approx(s.z.real[-1] - s.z.real[0], rel=1e-12)
    d = to_payload(res)
    assert d["peaks"][1]["in_window"] is False and d["notes"] == list(res.notes)


def test_drt_within_window_and_span_has_no_notes():
    f = frequencies(1e6, 1e-2, 10)
    s = spectrum([("R", 10.0), ("ZARC", 50.0, 1e-3, 0.85)], f, noise=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = drt(s.f, s.z)
    assert res.notes == ()
    assert res.r_window_ohm == pytest.approx(50.0, rel=0.05)


def test_drt_total_checked_against_the_circuit_fit():
    # a Warburg tail: the DRT holds diffusion resistance the one-arc circuit puts elsewhere
    # (in W1, which R_int leaves out), so the two totals differ by far more than 20 %
    f = frequencies(1e5, 1e-2, 10)
    s = spectrum([("R", 5.0), ("RQ", 40.0, 1e-5, 0.9), ("W", 30.0)], f, noise=0.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = analyze(s.f, s.z, circuit="one-arc-warburg", with_drt=True)
    texts = [str(w.message) for w in caught if w.category is DRTConsistencyWarning]
    assert any("differs from the circuit's R_int" in t for t in texts), texts
    m = res.metric("interfacial_resistance", "DRT")
    assert any("differs from the circuit's R_int" in n for n in m.notes)
    r_fit = res.metric("interfacial_resistance").value
    assert r_fit == pytest.approx(40.0, rel=0.01)  # by construction
    assert abs(m.value / r_fit - 1) > 0.2


def test_drt_inductance_is_never_negative():
    # a capacitive high-frequency end (an arc at 20 ns, far beyond the 10 kHz top): no
    # inductance. An inductance free in sign came out negative here (-4e-7 H) to mimic it.
    f = frequencies(1e4, 1e-2, 10)
    s = spectrum([("R", 10.0), ("RC", 20.0, 1e-9), ("ZARC", 50.0, 0.1, 0.8)], f, noise=0.0)
    res = drt(s.f, s.z)
    assert res.inductance_H >= 0
    assert res.r_inf_ohm == pytest.approx(30.0, rel=0.02)  # the fast arc acts as a resistor
    # a real inductance is still found: 1 uH in series, by construction
    s2 = spectrum([("L", 1e-6), ("R", 10.0), ("ZARC", 50.0, 0.1, 0.8)], frequencies(1e6, 1e-2))
    assert drt(s2.f, s2.z).inductance_H == pytest.approx(1e-6, rel=0.05)


@pytest.mark.parametrize("noise", [0.05, 0.15])
def test_lin_kk_passes_spectra_with_only_noise(noise):
    # KK-compliant by construction, with 5 % and 15 % noise: far above the 2 % threshold,
    # yet nothing but noise. The test estimates that noise and passes the spectrum.
    f = frequencies(1e5, 1e-2, 10)
    for seed in range(3):
        s = spectrum(
            [("R", 10.0), ("RQ", 50.0, 1e-5, 0.85), ("W", 10.0)], f, noise=noise, seed=seed
        )
        res = lin_kk(s.f, s.z)
        assert res.rms > res.threshold
        assert res.passed, (res.rms, res.noise)
        assert res.noise == pytest.approx(noise, rel=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", KramersKronigWarning)
        Circuit("R0-p(R1,CPE1)-W1").fit(s.f, s.z)


def test_lin_kk_still_fails_drift_above_the_noise():
    # the real part grows 40 % during the sweep (by construction), with 1 % noise: the smooth
    # misfit stands far above the noise the residuals show
    f = frequencies(1e5, 1e-2, 10)
    s = spectrum([("R", 10.0), ("RC", 50.0, 1e-4)], f, noise=0.01, seed=3)
    z = s.z.real * np.linspace(1.0, 1.4, f.size) + 1j * s.z.imag
    res = lin_kk(f, z)
    assert not res.passed
    assert res.rms > 1.5 * res.noise and res.rms > res.threshold
    assert res.noise == pytest.approx(0.01, rel=0.5)
