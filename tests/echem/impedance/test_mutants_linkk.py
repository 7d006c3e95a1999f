"""Lin-KK pinned by answers known without the code: hand arithmetic, Voigt spectra whose time
constants sit exactly where the test puts its RC elements, and the statistics of white noise.
Written to kill the mutants mutmut left alive in linkk.py (issue 11 item 20)."""

from __future__ import annotations

import numpy as np
import pytest

from lithiophile.echem.impedance.linkk import (
    DEFAULT_THRESHOLD,
    NOISE_FACTOR,
    LinKKResult,
    lin_kk,
    noise_level,
    voigt_floor,
)
from lithiophile.store import to_payload

F = np.geomspace(1e5, 1e-1, 61)  # 10 per decade, 6 decades
W = 2 * np.pi * F


def _voigt(r0: float, rs: list[float], taus: np.ndarray) -> np.ndarray:
    """R0 + sum R_k / (1 + j w tau_k): Kramers-Kronig compliant by construction."""
    return r0 + sum(r / (1 + 1j * W * t) for r, t in zip(rs, taus, strict=True))


def test_noise_level_by_hand():
    # differences: re [1, -1, 1], im [0, 2, 0] -> mean square (1+1+1+0+4+0)/6 = 7/6;
    # sqrt((7/6)/2) = sqrt(7/12)
    got = noise_level(np.array([0.0, 1.0, 0.0, 1.0]), np.array([0.0, 0.0, 2.0, 2.0]))
    assert got == pytest.approx(np.sqrt(7 / 12), rel=1e-12)
    assert noise_level(np.array([3.0]), np.array([3.0])) == 0.0  # no differences at all


def test_passed_truth_table_by_hand():
    res = np.zeros(3)
    # rms under the threshold: passes whatever the noise
    assert LinKKResult(1, 0.9, res, res, 0.01, 0.02, None).passed
    assert LinKKResult(1, 0.9, res, res, 0.02, 0.02, 0.0).passed  # equal is within
    # above the threshold: passes only within NOISE_FACTOR times the noise
    assert LinKKResult(1, 0.9, res, res, 0.05, 0.02, 0.05 / NOISE_FACTOR).passed
    assert not LinKKResult(1, 0.9, res, res, 0.05, 0.02, 0.05 / NOISE_FACTOR * 0.99).passed
    assert not LinKKResult(1, 0.9, res, res, 0.05, 0.02, None).passed
    assert LinKKResult(1, 0.9, res, res, 0.05, 0.02, None).noise_text == "noise"
    assert LinKKResult(1, 0.9, res, res, 0.05, 0.02, 0.0123).noise_text == "noise of 1.23%"


def test_payload_keys_and_max_residual_by_hand():
    r = LinKKResult(7, 0.9, np.array([0.1, -0.3]), np.array([0.2, 0.25]), 0.2, 0.02, 0.1)
    d = to_payload(r)
    # the largest magnitude over both parts is |-0.3|
    assert d == {
        "m": 7,
        "mu": 0.9,
        "threshold": 0.02,
        "noise": 0.1,
        "rms_residual": 0.2,
        "max_residual": 0.3,
        "passed": False,  # 0.2 > 0.02 and 0.2 > 1.5 x 0.1
    }
    d2 = to_payload(LinKKResult(7, 0.9, np.array([0.1]), np.array([-0.4]), 0.2, 0.02, 0.15))
    assert d2["max_residual"] == 0.4  # the imaginary part holds the largest


def test_one_element_sits_at_the_geometric_mean_time_constant():
    # with max_m=1 the single RC has tau = 1/sqrt(w_max w_min): a spectrum made of exactly
    # that RC is reproduced to rounding, and one with its tau a decade off is not
    tau0 = 1 / np.sqrt(W.max() * W.min())
    exact = lin_kk(F, _voigt(5.0, [40.0], np.array([tau0])), max_m=1)
    assert exact.m == 1 and exact.rms < 1e-12
    off = lin_kk(F, _voigt(5.0, [40.0], np.array([tau0 * 10])), max_m=1)
    assert off.rms > 1e-3


def test_time_constants_span_the_measured_window():
    # m elements log-spaced from 1/w_max to 1/w_min: a spectrum built on exactly that grid
    # (m = 5) is reproduced to rounding when M = 5 is tried; shifting the grid by a third
    # of its step is not
    taus = np.geomspace(1 / W.max(), 1 / W.min(), 5)
    z = _voigt(2.0, [10.0, 30.0, 20.0, 5.0, 8.0], taus)
    # c=0: every M qualifies, best rms wins; threshold=1: no non-negative Voigt fallback, so
    # the figures are those of the M-element models themselves
    assert lin_kk(F, z, max_m=5, c=0.0, threshold=1.0).rms < 1e-8
    shifted = _voigt(2.0, [10.0, 30.0, 20.0, 5.0, 8.0], taus * 10 ** (1.5 / 3))
    assert lin_kk(F, shifted, max_m=5, c=0.0, threshold=1.0).rms > 1e-3
    # the fallback's grid is the same: it reproduces the grid spectrum too
    assert lin_kk(F, z, max_m=5, c=2.0).rms < 1e-8


def test_max_m_is_clamped_to_one_and_to_the_number_of_frequencies():
    z = _voigt(5.0, [40.0, 20.0], np.array([1e-3, 1e-1]))
    assert lin_kk(F, z, max_m=0, c=0.0).m == 1
    few = F[::6]  # 11 frequencies
    zf = 5.0 + 40.0 / (1 + 2j * np.pi * few * 1e-3)
    assert lin_kk(few, zf, max_m=500, c=-1.0).m <= few.size
    assert lin_kk(few, zf, c=-1.0).m <= few.size  # default max_m: n (at most 60)


def test_default_threshold_and_mu_of_a_compliant_spectrum():
    z = _voigt(5.0, [40.0, 20.0], np.array([1e-3, 1e-1]))
    res = lin_kk(F, z)
    assert res.threshold == DEFAULT_THRESHOLD == 0.02
    assert res.mu > 0.85  # a kept model does not over-fit by the paper's rule
    assert res.passed and res.rms < 1e-3
    assert lin_kk(F, z, threshold=0.5).threshold == 0.5


def test_series_capacitance_of_a_blocking_electrode():
    # R + C in series (a blocking electrode): no R-L-Voigt model follows the capacitive tail
    # at low frequency, the model with a series capacitance does (exactly: it is one of its
    # columns)
    z = 10.0 + 1 / (1j * W * 1e-4)
    without = lin_kk(F, z)
    with_c = lin_kk(F, z, capacitance=True)
    assert with_c.rms < 1e-6
    assert without.rms > 100 * with_c.rms


def test_residuals_are_relative_to_the_modulus():
    # a spectrum 1000x larger has the same relative residuals
    z = _voigt(5.0, [40.0, 20.0], np.array([1e-3, 1e-1]))
    drift = z.real * np.linspace(1.0, 1.2, F.size) + 1j * z.imag
    a, b = lin_kk(F, drift), lin_kk(F, 1000 * drift)
    assert a.rms == pytest.approx(b.rms, rel=1e-6)
    np.testing.assert_allclose(a.residuals_real, b.residuals_real, atol=1e-9)
    # the rms is that of both residual vectors together
    both = np.concatenate([a.residuals_real, a.residuals_imag])
    assert a.rms == pytest.approx(np.sqrt(np.mean(both**2)), rel=1e-12)
    assert a.noise == pytest.approx(noise_level(a.residuals_real, a.residuals_imag), rel=1e-12)


def test_voigt_floor_is_the_noise_variance():
    # white noise of standard deviation s on each part, unit weights, on a spectrum the floor's
    # model follows exactly (its own grid, below): the reduced chi-square is an unbiased
    # estimate of s^2, so its mean over 60 noise realisations is s^2 within ~2 % (1 sd)
    taus = np.geomspace(1 / W.max(), 1 / W.min(), 15)
    z = _voigt(3.0, list(np.linspace(1.0, 15.0, 15)), taus)
    s = 0.2
    floors = []
    for seed in range(60):
        rng = np.random.default_rng(seed)
        noisy = z + rng.normal(0, s, F.size) + 1j * rng.normal(0, s, F.size)
        floors.append(voigt_floor(W, noisy, np.ones(F.size)))
    assert np.mean(floors) == pytest.approx(s**2, rel=0.07)
    # weights scale the residuals: weights of 2 give four times the reduced chi-square
    assert voigt_floor(W, noisy, 2 * np.ones(F.size)) == pytest.approx(4 * floors[-1], rel=1e-9)


def test_voigt_floor_of_a_spectrum_on_its_grid_is_zero():
    # the floor's grid: 2.5 elements per decade (6 decades -> 15) from 1/w_max to 1/w_min; a
    # Voigt spectrum on exactly that grid with series L is fitted to rounding
    taus = np.geomspace(1 / W.max(), 1 / W.min(), 15)
    rs = np.linspace(1.0, 15.0, 15)
    z = _voigt(3.0, list(rs), taus) + 1j * W * 1e-6
    assert voigt_floor(W, z, np.ones(F.size)) < 1e-15  # 14 or 16 elements: above 1e-5
    # a 4-decade spectrum: 2.5 x 4 = 10 elements; a Voigt on a 10-point grid is fitted to
    # rounding, one on a 9-point grid is not
    f4 = np.geomspace(1e3, 1e-1, 41)
    w4 = 2 * np.pi * f4
    for m, exact in ((10, True), (9, False)):
        t = np.geomspace(1 / w4.max(), 1 / w4.min(), m)
        z4 = 1.0 + sum(r / (1 + 1j * w4 * tk) for r, tk in zip(range(1, m + 1), t, strict=True))
        floor = voigt_floor(w4, z4, np.ones(f4.size))
        assert (floor < 1e-15) if exact else (floor > 1e-6)


def test_result_is_immutable_and_noise_defaults_to_unknown():
    import dataclasses

    r = LinKKResult(3, 0.9, np.zeros(2), np.zeros(2), 0.05, 0.02)
    assert r.noise is None and r.noise_text == "noise" and not r.passed
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.rms = 0.0


def test_the_method_is_cited_as_published():
    from lithiophile import cite

    # Schönleber, Klotz, Ivers-Tiffée, Electrochim. Acta 131 (2014) 20-27
    c = cite.CITATIONS["Schonleber2014"]
    assert c.doi == "10.1016/j.electacta.2014.01.034"
    assert c.text == (
        "Schönleber, M.; Klotz, D.; Ivers-Tiffée, E. A Method for Improving the Robustness of "
        "linear Kramers-Kronig Validity Tests. Electrochim. Acta 2014, 131, 20-27."
    )


def test_bad_spectrum_is_named_lin_kk():
    from lithiophile.errors import InputError

    with pytest.raises(InputError, match=r"^lin_kk: too few points \(3\)"):
        lin_kk(F[:3], np.ones(3, dtype=complex))


def test_default_max_m_is_at_most_sixty():
    # 81 frequencies: the default tries M up to 60, not the 81 frequencies; with c = -1 every
    # M qualifies and the best rms wins, which on a drifting spectrum is the largest M tried
    f = np.geomspace(1e5, 1e-3, 81)
    w = 2 * np.pi * f
    z = 5.0 + 40.0 / (1 + 1j * w * 1e-3) + 20.0 / (1 + 1j * w * 10.0)
    drift = z.real * np.linspace(1.0, 1.3, f.size) + 1j * z.imag
    assert lin_kk(f, drift, c=-1.0).m == 60
    assert lin_kk(f, drift, c=-1.0, max_m=70).m == 70


def test_max_m_of_one_tries_one_element_only():
    # two RCs on the 2-element grid: two elements fit them exactly, but max_m=1 allows one
    z = _voigt(5.0, [40.0, 20.0], np.array([1 / W.max(), 1 / W.min()]))
    assert lin_kk(F, z, max_m=1, c=-1.0, threshold=1.0).m == 1
    assert lin_kk(F, z, max_m=2, c=-1.0, threshold=1.0).m == 2


def test_lin_kk_is_scale_invariant():
    # residuals are relative to |Z| and mu a ratio of resistances: a milliohm cell (a large
    # battery) is judged as the same spectrum in ohm (impedance scales, the test does not)
    rng = np.random.default_rng(7)
    z = _voigt(5.0, [40.0, 20.0], np.array([1e-3, 1e-1]))
    z = z * (1 + 0.01 * (rng.normal(size=F.size) + 1j * rng.normal(size=F.size)))
    big, small = lin_kk(F, z), lin_kk(F, 1e-3 * z)
    assert small.m == big.m and small.mu == pytest.approx(big.mu, rel=1e-9)
    assert small.rms == pytest.approx(big.rms, rel=1e-9)


def test_mu_must_exceed_c_strictly():
    # two RCs on the 2-element grid (time constants 1/w_max and 1/w_min): the one-element model
    # and the exact two-element one both have only positive resistances, mu = 1 exactly. With
    # c = 1 no later model beats the first (mu > c is required); with c = 0.99 the better one
    # replaces it
    z = _voigt(5.0, [40.0, 20.0], np.array([1 / W.max(), 1 / W.min()]))
    assert lin_kk(F, z, max_m=2, c=1.0, threshold=1.0).m == 1
    two = lin_kk(F, z, max_m=2, c=0.99, threshold=1.0)
    assert two.m == 2 and two.mu == 1.0 and two.rms < 1e-8


def _nonnegative_voigt_rms(z: np.ndarray, m: int) -> float:
    """The fallback the module docstring describes, computed here with scipy's NNLS: series R
    and L (either sign) and m RC elements with non-negative resistances, time constants
    log-spaced from 1/w_max to 1/w_min, residuals relative to |Z|."""
    from scipy.optimize import nnls

    tau = np.geomspace(1 / W.max(), 1 / W.min(), m)
    series = [np.ones(F.size, dtype=complex), 1j * W]
    a = np.column_stack([*series, *(-c for c in series), 1 / (1 + 1j * W[:, None] * tau)])
    wt = 1 / np.abs(z)
    design = np.vstack([(a * wt[:, None]).real, (a * wt[:, None]).imag])
    coef, _ = nnls(design, np.concatenate([z.real * wt, z.imag * wt]), maxiter=5000)
    r = (z - a @ coef) * wt
    return float(np.sqrt(np.mean(np.abs(r) ** 2) / 2))


@pytest.mark.parametrize(("drift", "m"), [(0.2, 8), (0.4, 12)])
def test_the_better_of_the_mu_model_and_the_nonnegative_fallback_is_kept(drift, m):
    # a drifting spectrum (real part growing during the sweep) fails; the rms reported is the
    # smaller of the mu-rule model's (the test run with no fallback, threshold inf) and the
    # non-negative Voigt fit's: the first case keeps the mu model (the fallback is 15 % worse),
    # the second the fallback (20 % better)
    z0 = _voigt(5.0, [40.0, 20.0], np.array([1e-3, 1e-1]))
    z = z0.real * np.linspace(1.0, 1.0 + drift, F.size) + 1j * z0.imag
    mu_model = lin_kk(F, z, max_m=m, threshold=np.inf).rms
    fallback = _nonnegative_voigt_rms(z, m)
    assert abs(fallback / mu_model - 1) > 0.1  # the two are told apart
    assert lin_kk(F, z, max_m=m).rms == pytest.approx(min(mu_model, fallback), rel=1e-6)


def test_fallback_keeps_series_r_and_l_free_in_sign():
    # an RC a hundred times faster than the highest frequency looks like R - j w R tau there:
    # a series resistance plus a negative inductance. The fallback (forced by c=2, which no
    # model meets) keeps the series terms free in sign and reproduces it to 1e-6
    taus = np.geomspace(1 / W.max(), 1 / W.min(), 5)
    z = _voigt(2.0, [10.0, 30.0, 20.0, 5.0, 8.0], taus) + 3.0 / (1 + 1j * W * 0.01 / W.max())
    assert lin_kk(F, z, max_m=5, c=2.0).rms < 1e-5


def test_fallback_of_one_element_has_two():
    # max_m=1: the fallback has two elements, at 1/w_max and 1/w_min, and cannot follow an arc
    # at the middle time constant of a three-element grid spectrum
    z = _voigt(2.0, [10.0, 30.0, 20.0], np.geomspace(1 / W.max(), 1 / W.min(), 3))
    assert lin_kk(F, z, max_m=1).rms > 0.01


def _floor_of_grid_spectrum(f: np.ndarray, m: int) -> float:
    """voigt_floor (unit weights) of R + L + m RC elements log-spaced over the window."""
    w = 2 * np.pi * f
    t = np.geomspace(1 / w.max(), 1 / w.min(), m)
    rc = [r / (1 + 1j * w * tk) for r, tk in zip(range(1, m + 1), t, strict=True)]
    z = 1.0 + 1j * w * 1e-7 + sum(rc)
    return voigt_floor(w, z, np.ones(f.size))


def test_voigt_floor_element_count_at_its_limits():
    # below one decade the floor counts one decade: round(2.5) = 2 elements, so a spectrum on a
    # 3-element grid is not fitted exactly (a 3-element model would)
    half_decade = np.geomspace(1e3, 10**2.5, 30)
    assert _floor_of_grid_spectrum(half_decade, 2) < 1e-15
    assert _floor_of_grid_spectrum(half_decade, 3) > 1e-9
    # at most a third of the frequencies: 51 points over 6 decades -> 15 elements (51 // 3 =
    # 17 allows them; a quarter, 12, would not)
    f51 = np.geomspace(1e5, 1e-1, 51)
    assert _floor_of_grid_spectrum(f51, 15) < 1e-15
    # 8 points over 3 decades: a third is 2, so 2 elements, however many decades
    f8 = np.geomspace(1e3, 1, 8)
    assert _floor_of_grid_spectrum(f8, 2) < 1e-15
    assert _floor_of_grid_spectrum(f8, 3) > 1e-9


def test_voigt_floor_with_modulus_weights_is_the_relative_noise_variance():
    # noise proportional to |Z| (s on each part, relative), weights 1/|Z|: the weighted
    # residuals are white with variance s^2, so the mean reduced chi-square over 40
    # realisations is s^2 within ~3 % (1 sd); on the floor's own grid the model is exact
    taus = np.geomspace(1 / W.max(), 1 / W.min(), 15)
    z = _voigt(3.0, [float(k) ** 2 for k in range(1, 16)], taus)  # |Z| from ~3 to ~1200 ohm
    s = 0.01
    floors = []
    for seed in range(40):
        rng = np.random.default_rng(100 + seed)
        noisy = z + s * np.abs(z) * (rng.normal(size=F.size) + 1j * rng.normal(size=F.size))
        floors.append(voigt_floor(W, noisy, 1 / np.abs(noisy)))
    assert np.mean(floors) == pytest.approx(s**2, rel=0.1)


# --- second round (issue 11): the survivors of the first mutation run -------------------------


def test_max_residual_is_a_number_not_a_method():
    r = LinKKResult(7, 0.9, np.array([0.1, -0.3]), np.array([0.2, 0.25]), 0.2, 0.02, 0.1)
    assert r.max_residual == 0.3  # |-0.3|, by hand


def test_voigt_floor_with_unequal_weights_against_a_general_least_squares_solver():
    # the floor is min over R, L and the RC resistances of sum |weight (Z - model)|^2 divided
    # by (2 n - parameters); found here by scipy's trust-region least squares on the same
    # model (2.5 elements per decade over the window: 6 decades, 15 elements), an independent
    # solver; two ZARCs and noise so that the minimum is not zero
    from scipy.optimize import least_squares

    rng = np.random.default_rng(11)
    zarc = 30.0 / (1 + (1j * W * 1e-3) ** 0.7) + 60.0 / (1 + (1j * W * 1.0) ** 0.8)
    z = 5.0 + zarc + rng.normal(0, 0.3, F.size) + 1j * rng.normal(0, 0.3, F.size)
    weight = 1.0 / np.abs(z) ** 1.5  # unequal weights
    taus = np.geomspace(1 / W.max(), 1 / W.min(), 15)

    def resid(p):
        model = p[0] + 1j * W * p[1] + (p[2:] / (1 + 1j * W[:, None] * taus[None, :])).sum(1)
        r = (z - model) * weight
        return np.concatenate([r.real, r.imag])

    sol = least_squares(resid, np.ones(17), x_scale="jac", xtol=1e-15, ftol=1e-15, gtol=1e-15)
    expected = float(sol.fun @ sol.fun) / (2 * F.size - 17)
    assert voigt_floor(W, z, weight) == pytest.approx(expected, rel=1e-6)
