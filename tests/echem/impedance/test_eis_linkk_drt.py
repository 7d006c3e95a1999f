"""Lin-KK and the DRT on spectra whose answer is known by construction."""

from __future__ import annotations

import numpy as np
import pytest

import lithiophile.io as lio
from lithiophile.echem.impedance import Circuit, KramersKronigWarning, drt, lin_kk
from lithiophile.errors import InputError
from lithiophile.synth.spectra import frequencies, spectrum


def test_lin_kk_passes_kk_compliant_spectra():
    f = frequencies(1e5, 1e-2, 10)
    for seed in range(5):
        s = spectrum([("R", 10.0), ("RQ", 50.0, 1e-5, 0.85), ("W", 10.0)], f, seed=seed)
        res = lin_kk(s.f, s.z)
        assert res.passed
        assert 0.005 < res.rms < 0.015  # about the 1 % noise, by construction


def test_lin_kk_flags_a_drifting_spectrum():
    # the real part grows 40 % during the sweep while the imaginary part does not: no causal
    # linear system has this spectrum
    f = frequencies(1e5, 1e-2, 10)
    s = spectrum([("R", 10.0), ("RC", 50.0, 1e-4)], f, noise=0.0)
    z = s.z.real * np.linspace(1.0, 1.4, f.size) + 1j * s.z.imag
    assert not lin_kk(f, z).passed
    with pytest.warns(KramersKronigWarning, match=r"fails the Lin-KK test \(rms residual"):
        Circuit("R0-p(R1,C1)").fit(f, z)


def test_single_zarc_peak_noise_free():
    f = frequencies(1e6, 1e-2, 10)
    s = spectrum([("R", 10.0), ("ZARC", 50.0, 0.1, 0.8)], f, noise=0.0)
    res = drt(s.f, s.z)
    assert len(res.peaks) == 1
    peak = res.peaks[0]
    # noise-free, the DRT's own maximum sits at the generating tau: the kernel 1/(1 + j w tau)
    # with w = 2 pi f is the ZARC's convention, and the grid is fine enough
    assert peak.tau_drt_s == pytest.approx(0.1, rel=0.02)
    assert peak.refined and peak.tau_s == pytest.approx(0.1, rel=1e-4)
    assert peak.r_ohm == pytest.approx(50.0, rel=1e-4) and peak.phi == pytest.approx(0.8, rel=1e-4)
    assert peak.frequency_Hz == pytest.approx(1 / (2 * np.pi * 0.1), rel=1e-4)
    assert res.r_polarisation_ohm == pytest.approx(50.0, rel=0.02)
    assert res.r_inf_ohm == pytest.approx(10.0, rel=0.02)


def test_two_zarc_peaks_noisy_and_lcurve():
    f = frequencies(1e6, 1e-2, 10)
    s = spectrum([("R", 5.0), ("ZARC", 30.0, 1e-4, 0.85), ("ZARC", 60.0, 1e-1, 0.85)], f)
    for method in ("gcv", "lcurve"):
        res = drt(s.f, s.z, method=method)
        taus = [p.tau_s for p in res.peaks]
        assert len(taus) == 2, (method, taus)
        assert taus[0] == pytest.approx(1e-4, rel=0.1)
        assert taus[1] == pytest.approx(1e-1, rel=0.1)


def test_drt_bad_options():
    f = frequencies(1e3, 1, 10)
    z = 1 + 1 / (1 + 1j * f)
    with pytest.raises(InputError, match="'method' must be one of"):
        drt(f, z, method="aic")
    with pytest.raises(InputError, match="'lam' must be a positive number"):
        drt(f, z, lam=-1.0)


# True parameters of the pyDRTtools tutorial spectra (ciuccislab/pyDRTtools tutorial data,
# as recorded in ../shared/data/cycler/MANIFEST.md): 1ZARC: R_inf 10 ohm + one ZARC with
# R 50 ohm, tau 0.1 s, phi 0.8; 2ZARC0: R_inf 10 ohm + ZARCs at tau 1e-4 s (R 50 ohm) and
# 0.1 s (R ~10 ohm), phi 0.8; Gaussian noise of 0.5 ohm.


def test_pydrttools_single_zarc(shared):
    data = lio.read(shared("pydrttools__1ZARC.csv"))
    res = drt(data["frequency_Hz"], data.z)
    assert len(res.peaks) == 1
    peak = res.peaks[0]
    assert peak.refined
    assert peak.tau_s == pytest.approx(0.1, rel=0.1)
    assert peak.r_ohm == pytest.approx(50.0, rel=0.05)
    assert res.r_polarisation_ohm == pytest.approx(50.0, rel=0.05)
    assert res.inductance_H > 0  # the file has Im Z > 0 at the highest frequencies


def test_pydrttools_two_zarcs(shared):
    data = lio.read(shared("pydrttools__2ZARC0.csv"))
    res = drt(data["frequency_Hz"], data.z)
    assert len(res.peaks) == 2
    fast, slow = res.peaks
    assert fast.tau_s == pytest.approx(1e-4, rel=0.1)
    assert slow.tau_s == pytest.approx(0.1, rel=0.1)
    assert fast.r_ohm == pytest.approx(50.0, rel=0.05)
    assert slow.r_ohm == pytest.approx(10.0, rel=0.1)


def test_peak_time_constants_over_noise_realisations():
    # the pyDRTtools 2ZARC spectrum rebuilt by construction (R_inf 10 ohm, ZARCs 50 ohm at
    # 1e-4 s and 10 ohm at 0.1 s, phi 0.8) with 0.5 ohm Gaussian noise on each part, in 40
    # seeded realisations. Reference for the scatter: a maximum-likelihood fit of the true
    # circuit started at the truth, whose tau of the small arc scatters by about 6 % (the
    # information in the data): the reported peaks must match it, not beat it.
    f = frequencies(1e6, 1e-2, 10)
    z_true = spectrum(
        [("R", 10.0), ("ZARC", 50.0, 1e-4, 0.8), ("ZARC", 10.0, 0.1, 0.8)], f, noise=0.0
    ).z
    rng = np.random.default_rng(2024)
    n, within, covered = 40, 0, 0
    for _ in range(n):
        z = z_true + 0.5 * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
        fast, slow = drt(f, z).peaks  # two peaks, every time
        assert fast.tau_s == pytest.approx(1e-4, rel=0.1)  # sd ~1 %
        ml = Circuit(
            "R0-Zarc1-Zarc2",
            [10, 50, 1e-4, 0.8, 10, 0.1, 0.8],
            n_starts=1,
            weighting="unit",
            kk_check=False,
        ).fit(f, z)
        assert slow.tau_s == pytest.approx(ml.parameters_["Zarc2_tau"], rel=0.02)
        within += abs(slow.tau_s / 0.1 - 1) < 0.1
        covered += abs(slow.tau_s - 0.1) < 2 * slow.tau_stderr_s
    # 6 % scatter: within 10 % in about 89 % (35.6 of 40, sd 2); a 2-sigma band holds the
    # truth in about 95 % (38 of 40, sd 1.4)
    assert within >= 30 and covered >= 34


def test_pydrttools_1zarc_passes_lin_kk_judged_by_its_noise(shared):
    # 0.5 ohm noise on |Z| of about 10 ohm at high frequency is 5 %: above the fixed 2 %
    # threshold, yet the spectrum is KK-compliant (a ZARC plus noise, by construction).
    # Issue 11 item 15: judged against the noise it estimates, noise alone passes. (This test
    # asserted the opposite before the noise-based rule.) Reference noise: 0.5 ohm on each
    # part, relative to |Z| at each frequency, rms over the spectrum (from the MANIFEST's
    # description of the file).
    data = lio.read(shared("pydrttools__1ZARC.csv"))
    res = lin_kk(data["frequency_Hz"], data.z)
    assert 0.02 < res.rms < 0.06
    assert res.rms > res.threshold and res.passed
    expected = float(np.sqrt(np.mean(0.5**2 / np.abs(data.z) ** 2)))
    assert res.noise == pytest.approx(expected, rel=0.25)
