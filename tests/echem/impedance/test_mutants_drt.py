"""drt.py pinned by answers known without the code: integrals of piecewise-linear functions by
hand, the kernel of one hat function by scipy's adaptive quadrature, hand-made distributions
whose peaks sit where the test puts them, and the analytic impedance of R0 + R1 || C1 (one
time constant, R_pol = R1). Written to kill the mutants mutmut left alive in drt.py (issue 11
item 20)."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from lithiophile.echem.impedance import drt
from lithiophile.echem.impedance.circuit import Parameter
from lithiophile.echem.impedance.drt import (
    EXTEND,
    OUTSIDE_NOTE,
    SPAN_TOLERANCE,
    DRTConsistencyWarning,
    DRTPeak,
    DRTResult,
    _design,
    _integral,
    _kernel,
    _peaks,
    _resolved,
    _window_notes,
)
from lithiophile.errors import InputError
from lithiophile.store import to_payload

F = np.geomspace(1e5, 1e-1, 41)
W = 2 * np.pi * F


def _rc(r0: float = 10.0, r1: float = 100.0, tau: float = 1e-3) -> np.ndarray:
    return r0 + r1 / (1 + 1j * W * tau)


def test_constants_are_those_documented():
    assert (EXTEND, SPAN_TOLERANCE, OUTSIDE_NOTE) == (1.0, 0.20, 0.05)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "aic"}, "drt 'method' must be one of ['gcv', 'lcurve']. Got 'aic'."),
        ({"weighting": "x"}, "drt 'weighting' must be 'unit' or 'modulus'. Got 'x'."),
        ({"derivative": 3}, "drt 'derivative' must be 1 or 2. Got 3."),
        ({"lam": 0.0}, "drt 'lam' must be a positive number such as 1e-3. Got 0.0."),
        ({"lam": -1.0}, "drt 'lam' must be a positive number such as 1e-3. Got -1.0."),
        ({"lam": float("inf")}, "drt 'lam' must be a positive number such as 1e-3. Got inf."),
    ],
)
def test_bad_options_exact_messages(kwargs, message):
    with pytest.raises(InputError) as err:
        drt(F, _rc(), **kwargs)
    assert str(err.value) == message


def test_integral_of_piecewise_linear_gamma_by_hand():
    tau = np.exp(np.array([0.0, 1.0, 2.0, 3.0]))
    one = np.ones(4)
    # gamma = 1: the integral over ln tau is the length of the interval, clipped to the grid
    assert _integral(tau, one, np.exp(0.5), np.exp(2.5)) == pytest.approx(2.0, rel=1e-12)
    assert _integral(tau, one, 1e-9, 1e9) == pytest.approx(3.0, rel=1e-12)
    assert _integral(tau, one, np.exp(2.0), np.exp(2.0)) == 0.0  # empty interval
    assert _integral(tau, one, np.exp(5.0), np.exp(6.0)) == 0.0  # beyond the grid
    # gamma = u (linear): integral of u du from 0.5 to 2.5 = (2.5^2 - 0.5^2)/2 = 3
    ramp = np.array([0.0, 1.0, 2.0, 3.0])
    assert _integral(tau, ramp, np.exp(0.5), np.exp(2.5)) == pytest.approx(3.0, rel=1e-12)
    assert _integral(tau, ramp, np.exp(1.0), np.exp(3.0)) == pytest.approx(4.0, rel=1e-12)


def test_kernel_of_one_hat_function_against_adaptive_quadrature():
    from scipy.integrate import quad

    ln_tau = np.linspace(-8.0, 0.0, 9)  # h = 1
    w = np.array([1e-3, 3.0, 30.0, 1e4])
    a = _kernel(w, ln_tau)
    assert a.shape == (4, 9)
    k = 4
    for i, wi in enumerate(w):

        def part(u, fn, wi=wi):
            hat = max(0.0, 1.0 - abs(u - ln_tau[k]))
            return fn(hat / (1.0 + 1j * wi * np.exp(u)))

        re = quad(part, ln_tau[k] - 1, ln_tau[k] + 1, args=(np.real,), points=[ln_tau[k]])[0]
        im = quad(part, ln_tau[k] - 1, ln_tau[k] + 1, args=(np.imag,), points=[ln_tau[k]])[0]
        assert a[i, k] == pytest.approx(re + 1j * im, rel=2e-3, abs=1e-6)
    # at a frequency far below every 1/tau the kernel is the area of the hat, h = 1
    assert a[0, k].real == pytest.approx(1.0, rel=1e-2)


def test_design_grid_and_columns():
    ln_tau, a, n_free = _design(W, per_decade=10, inductance=True)
    # a decade beyond 1/w_max and 1/w_min; 6 + 2 decades at 10 per decade: 81 points
    assert ln_tau[0] == pytest.approx(np.log(1 / W.max()) - np.log(10), rel=1e-12)
    assert ln_tau[-1] == pytest.approx(np.log(1 / W.min()) + np.log(10), rel=1e-12)
    assert ln_tau.size == 81 and n_free == 2 and a.shape == (41, 83)
    np.testing.assert_array_equal(a[:, 0], np.ones(41))
    np.testing.assert_allclose(a[:, 1], 1j * W, rtol=1e-15)
    _, a2, n2 = _design(W, per_decade=5, inductance=False)
    assert n2 == 1 and a2.shape == (41, 1 + 41)


def _triangle(center: int, height: float, n: int = 21) -> np.ndarray:
    g = np.zeros(n)
    for j in range(n):
        g[j] = max(0.0, height * (1 - abs(j - center) / 3))
    return g


def test_peaks_of_hand_made_distributions():
    u = np.linspace(-10.0, 0.0, 21)  # step 0.5
    # one symmetric triangle at index 8: the top-half mean of ln tau is u[8] exactly; its
    # area is height x base / 2 = 6 x (6 x 0.5) / 2 = 9
    (p,) = _peaks(u, _triangle(8, 6.0), 0.03)
    assert np.log(p.tau_s) == pytest.approx(u[8], abs=1e-12)
    assert p.r_ohm == pytest.approx(9.0, rel=1e-12)
    assert (p.tau_drt_s, p.r_drt_ohm) == (p.tau_s, p.r_ohm) and not p.refined
    # two triangles: split at the minimum between them, each with its own area
    g = _triangle(5, 6.0) + _triangle(14, 3.0)
    two = _peaks(u, g, 0.03)
    assert [round(float(np.log(q.tau_s)), 9) for q in two] == [u[5], u[14]]
    assert two[0].r_ohm == pytest.approx(9.0, rel=1e-12)
    assert two[1].r_ohm == pytest.approx(4.5, rel=1e-12)
    # a peak holding less than the fraction of the total is left out: 4.5 / 13.5 = 1/3
    assert len(_peaks(u, g, 0.34)) == 1 and len(_peaks(u, g, 0.33)) == 2
    # nothing positive: no peaks; a maximum on the grid's end is not a peak
    assert _peaks(u, np.zeros(21), 0.03) == ()
    assert _peaks(u, np.linspace(0, 1, 21), 0.0) == ()
    assert _peaks(u, np.array([]), 0.0) == ()


def test_peak_top_half_mean_follows_an_asymmetric_top():
    u = np.linspace(0.0, 10.0, 11)  # step 1
    g = np.array([0, 0, 1, 4, 10, 8, 6, 2, 0, 0, 0], dtype=float)
    (p,) = _peaks(u, g, 0.0)
    # top half: gamma >= 5 -> indices 4, 5, 6 (10, 8, 6): mean (4*10 + 5*8 + 6*6)/24
    assert np.log(p.tau_s) == pytest.approx((40 + 40 + 36) / 24, rel=1e-12)
    assert p.r_ohm == pytest.approx(float(np.trapezoid(g, u)), rel=1e-12)
    # a tiny ripple below 1e-3 of the top is no peak of its own
    g2 = g.copy()
    g2[9] = 5e-3
    assert len(_peaks(u, g2, 0.0)) == 1


def test_resolved_needs_every_zarc_resistance_over_two_errors():
    def fit(*params):
        return SimpleNamespace(params_=[Parameter(n, v, e, 0, 0, "") for n, v, e in params])

    assert _resolved(fit(("Zarc1_R", 10.0, 4.9), ("Zarc2_R", 5.0, 2.0)))
    assert not _resolved(fit(("Zarc1_R", 10.0, 5.0)))  # exactly two errors: not more
    assert not _resolved(fit(("Zarc1_R", 10.0, np.inf)))
    # only the ZARC resistances count
    assert _resolved(fit(("R0", 1.0, 5.0), ("Zarc1_tau", 1.0, 9.0), ("Zarc1_R", 10.0, 1.0)))


def _result(gamma, tau, peaks=(), span=None, window=(1e-3, 1e-1)):
    return DRTResult(
        tau_s=tau,
        gamma_ohm=gamma,
        r_inf_ohm=1.0,
        inductance_H=0.0,
        lam=1e-3,
        method="gcv",
        peaks=peaks,
        frequency_Hz=np.array([1.0]),
        z_fit=np.array([1.0 + 0j]),
        residual_rms=0.0,
        tau_window_s=window,
        span_ohm=span,
    )


def test_window_split_and_notes_by_hand():
    tau = np.geomspace(1e-5, 10.0, 7)  # one point per decade
    gamma = np.array([0.0, 0.0, 10.0, 10.0, 10.0, 0.0, 0.0])
    res = _result(gamma, tau, window=(1e-3, 1e-1))
    ln10 = np.log(10.0)
    # trapezoids in ln tau: 10 x ln10 x (0.5 + 1 + 1 + 0.5) = 30 ln 10; within 1e-3..1e-1: 20
    assert res.r_polarisation_ohm == pytest.approx(30 * ln10, rel=1e-12)
    assert res.r_window_ohm == pytest.approx(20 * ln10, rel=1e-12)
    assert res.r_outside_ohm == pytest.approx(10 * ln10, rel=1e-12)
    outside = DRTPeak(1e-4, 5.0, 1e-4, 5.0, in_window=False)
    notes = _window_notes(_result(gamma, tau, (outside,), window=(1e-3, 1e-1)))
    total, out = 30 * ln10, 10 * ln10
    assert notes == (
        f"{out:.4g} ohm ({out / total:.0%}) of the DRT's {total:.4g} ohm lies at time "
        "constants outside the measured window 0.001-0.1 s: extrapolated by the "
        "regularisation, not measured",
        "the peak at tau 0.0001 s (5 ohm) lies outside the measured window 0.001-0.1 s: "
        "extrapolated, not measured",
    )
    # all inside: no notes
    assert _window_notes(_result(gamma, tau, window=(1e-6, 100.0))) == ()


def test_outside_fraction_threshold_is_five_percent():
    tau = np.geomspace(1e-5, 10.0, 7)
    ln10 = np.log(10.0)
    # 100 inside, a strip outside: 4.9 % is not noted, 5.1 % is
    for outside, noted in ((0.049, False), (0.051, True)):
        # gamma 0 except a block inside and a spike outside at the first point
        # trapezoids 25 + 50 + 25 (x ln10) inside the window 1e-4..1
        g = np.array([0.0, 0.0, 50.0, 50.0, 0.0, 0.0, 0.0])
        inside_r = 100 * ln10
        total = inside_r / (1 - outside)
        g[0] = 2 * (total - inside_r) / ln10  # half a trapezoid at the grid's end
        res = _result(g, tau, window=(1e-4, 1.0))
        assert res.r_outside_ohm / res.r_polarisation_ohm == pytest.approx(outside, rel=1e-9)
        assert bool(_window_notes(res)) is noted


def test_span_disagreement_warns_past_twenty_percent():
    tau = np.geomspace(1e-5, 10.0, 7)
    gamma = np.array([0.0, 0.0, 10.0, 10.0, 10.0, 0.0, 0.0])
    total = 30 * np.log(10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DRTConsistencyWarning)
        assert _window_notes(_result(gamma, tau, span=total * 1.19, window=(1e-6, 100))) == ()
    with pytest.warns(DRTConsistencyWarning) as caught:
        notes = _window_notes(_result(gamma, tau, span=total / 0.5, window=(1e-6, 100)))
    span = total / 0.5
    assert notes == (
        f"the DRT's total resistance {total:.4g} ohm differs from the measured real-axis span "
        f"{span:.4g} ohm by 50% (over 20%): the arcs do not close within the measured "
        "frequencies, or the spectrum holds a diffusion tail the DRT extends beyond them",
    )
    assert str(caught[0].message) == notes[0]
    # no span, or a span that is not positive: nothing to compare
    for span0 in (None, 0.0, -5.0):
        assert _window_notes(_result(gamma, tau, span=span0, window=(1e-6, 100))) == ()


def test_one_time_constant_gives_one_peak_at_it():
    z = _rc()
    res = drt(F, z)
    (p,) = res.peaks
    # R0 + R1 || C1 with tau 1 ms: the refined ZARC holds R1 at tau, exponent 1
    assert p.refined and p.tau_s == pytest.approx(1e-3, rel=1e-6)
    assert p.r_ohm == pytest.approx(100.0, rel=1e-6) and p.phi == pytest.approx(1.0, abs=1e-6)
    assert p.in_window and p.frequency_Hz == pytest.approx(1 / (2 * np.pi * 1e-3), rel=1e-6)
    assert p.tau_drt_s == pytest.approx(1e-3, rel=0.1)  # the DRT's own maximum, near it
    assert res.r_inf_ohm == pytest.approx(10.0, rel=0.01)
    assert res.r_polarisation_ohm == pytest.approx(100.0, rel=0.01)
    assert res.span_ohm == pytest.approx(z.real[-1] - z.real[0], rel=1e-12)
    assert res.tau_window_s == pytest.approx((1 / W.max(), 1 / W.min()), rel=1e-12)
    assert res.method == "gcv" and 1e-9 <= res.lam <= 1e3
    assert res.residual_rms < 0.5  # ohm, on a 100-ohm arc
    np.testing.assert_array_equal(res.frequency_Hz, F)
    assert np.abs(res.z_fit - z).max() < 1.0  # the DRT model reproduces the spectrum
    raw = drt(F, z, refine=False)
    (q,) = raw.peaks
    assert not q.refined and q.tau_s == q.tau_drt_s and q.r_ohm == q.r_drt_ohm
    assert q.r_ohm == pytest.approx(100.0, rel=0.05)


def test_given_lambda_lcurve_inductance_and_weighting():
    z = _rc() + 1j * W * 1e-6  # 1 uH in series
    given = drt(F, z, lam=1e-2)
    assert given.method == "given" and given.lam == 1e-2
    assert given.inductance_H == pytest.approx(1e-6, rel=0.05)
    lc = drt(F, z, method="lcurve")
    assert lc.method == "lcurve" and lc.lam in np.geomspace(1e-9, 1e3, 49)
    plain = drt(F, _rc(), inductance=False)
    assert plain.inductance_H == 0.0
    # modulus weighting judges the fit relative to |Z|: a 1000x larger spectrum has the
    # same weighted residual, while unit weighting's grows 1000x
    m1 = drt(F, _rc(), weighting="modulus", lam=1e-3, refine=False)
    m2 = drt(F, 1000 * _rc(), weighting="modulus", lam=1e-3, refine=False)
    assert m2.residual_rms == pytest.approx(m1.residual_rms, rel=1e-3)
    u1 = drt(F, _rc(), weighting="unit", lam=1e-3, refine=False)
    u2 = drt(F, 1000 * _rc(), weighting="unit", lam=1e-3, refine=False)
    assert u2.residual_rms == pytest.approx(1000 * u1.residual_rms, rel=1e-3)
    # second-derivative penalty: same total resistance
    d2 = drt(F, _rc(), derivative=2)
    assert d2.r_polarisation_ohm == pytest.approx(100.0, rel=0.02)
    # a finer grid
    fine = drt(F, _rc(), per_decade=20, refine=False)
    assert fine.tau_s.size == 161


def test_payload_keys_users_read():
    res = drt(F, _rc())
    d = to_payload(res)
    assert set(d) == {
        "tau_s",
        "gamma_ohm",
        "r_inf_ohm",
        "inductance_H",
        "peaks",
        "residual_rms",
        "tau_window_s",
        "span_ohm",
        "notes",
        "r_polarisation_ohm",
        "r_window_ohm",
        "r_outside_ohm",
        "lambda",
        "lambda_method",
    }
    assert d["lambda"] == res.lam and d["lambda_method"] == "gcv"
    assert d["r_polarisation_ohm"] == res.r_polarisation_ohm
    assert set(d["peaks"][0]) == {
        "tau_s",
        "r_ohm",
        "tau_drt_s",
        "r_drt_ohm",
        "refined",
        "phi",
        "tau_stderr_s",
        "r_stderr_ohm",
        "in_window",
        "frequency_Hz",
    }


# --- second round (issue 11): the survivors of the first mutation run -------------------------


def test_references_are_the_published_ones():
    # the two papers as published (journal, volume, pages, DOI from the articles themselves)
    from lithiophile.cite import CITATIONS

    wan, sac = CITATIONS["Wan2015"], CITATIONS["Saccoccio2014"]
    assert wan.text == (
        "Wan, T. H.; Saccoccio, M.; Chen, C.; Ciucci, F. Influence of the Discretization "
        "Methods on the Distribution of Relaxation Times Deconvolution: Implementing Radial "
        "Basis Functions with DRTtools. Electrochim. Acta 2015, 184, 483-499."
    )
    assert wan.doi == "10.1016/j.electacta.2015.09.097"
    assert sac.text == (
        "Saccoccio, M.; Wan, T. H.; Chen, C.; Ciucci, F. Optimal Regularization in Distribution "
        "of Relaxation Times applied to Electrochemical Impedance Spectroscopy: Ridge and Lasso "
        "Regression Methods. Electrochim. Acta 2014, 147, 470-482."
    )
    assert sac.doi == "10.1016/j.electacta.2014.09.058"


def test_results_are_immutable_and_defaults_are_the_unrefined_ones():
    import dataclasses

    from lithiophile.echem.impedance.drt import _Solution

    p = DRTPeak(1e-3, 5.0, 1e-3, 5.0)
    # a DRT's own peak: not refined, no ZARC exponent, no standard errors, inside the window
    assert p.refined is False and p.in_window is True
    assert (p.phi, p.tau_stderr_s, p.r_stderr_ohm) == (None, None, None)
    res = DRTResult(
        tau_s=np.geomspace(1e-3, 1.0, 4),
        gamma_ohm=np.ones(4),
        r_inf_ohm=1.0,
        inductance_H=0.0,
        lam=1e-3,
        method="gcv",
        peaks=(),
        frequency_Hz=np.array([1.0]),
        z_fit=np.array([1.0 + 0j]),
        residual_rms=0.0,
    )
    # no window given: all of it counts as inside, 1 x ln(1000) = 3 ln 10; no span, no notes
    assert res.tau_window_s == (0.0, np.inf) and res.span_ohm is None and res.notes == ()
    assert res.r_window_ohm == pytest.approx(3 * np.log(10.0), rel=1e-12)
    assert res.r_outside_ohm == pytest.approx(0.0, abs=1e-12)
    sol = _Solution(np.zeros(1), np.zeros(1), 0.0, 0.0, 1.0, "gcv", np.zeros(1), 0.0)
    for obj, attr in ((p, "tau_s"), (res, "lam"), (sol, "rms")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, attr, 2.0)


def test_first_derivative_penalty_is_the_default():
    # the module penalises the first derivative unless told otherwise
    z = _rc()
    default = drt(F, z, lam=1e-2, refine=False)
    first = drt(F, z, lam=1e-2, refine=False, derivative=1)
    second = drt(F, z, lam=1e-2, refine=False, derivative=2)
    np.testing.assert_array_equal(default.gamma_ohm, first.gamma_ohm)
    assert np.abs(second.gamma_ohm - first.gamma_ohm).max() > 1e-3 * first.gamma_ohm.max()


def test_bad_spectrum_is_named_drt():
    with pytest.raises(InputError, match=r"^drt: too few points \(2\)"):
        drt(F[:2], _rc()[:2])


@pytest.mark.parametrize("weighting", ["unit", "modulus"])
def test_residual_rms_is_that_of_the_weighted_residuals(weighting):
    # rms = sqrt(mean(Re^2 + Im^2) / 2) of (Z - Z_fit) x weight, the weight 1 or 1/|Z|,
    # recomputed here from the returned model impedance; a noisy spectrum so that the
    # residual is not negligible and its real and imaginary parts differ
    rng = np.random.default_rng(7)
    z = _rc() + rng.normal(0, 0.5, F.size) + 1j * rng.normal(0, 0.2, F.size)
    res = drt(F, z, lam=1e-3, refine=False, weighting=weighting)
    wt = 1.0 / np.abs(z) if weighting == "modulus" else np.ones(F.size)
    r = (z - res.z_fit) * wt
    expected = np.sqrt(np.mean(r.real**2 + r.imag**2) / 2)
    assert res.residual_rms == pytest.approx(expected, rel=1e-9)
    assert np.mean(r.real**2) > 1.5 * np.mean(r.imag**2)  # the parts differ: Re - Im != Re + Im


def test_notes_and_warning_also_for_milliohm_spectra():
    # the same distribution as test_window_split_and_notes_by_hand scaled to 1/1000: a note
    # and a warning do not depend on the total being over 1 ohm
    tau = np.geomspace(1e-5, 10.0, 7)
    gamma = 1e-3 * np.array([0.0, 0.0, 10.0, 10.0, 10.0, 0.0, 0.0])
    total = 30e-3 * np.log(10.0)
    notes = _window_notes(_result(gamma, tau, window=(1e-3, 1e-1)))
    assert len(notes) == 1 and "outside the measured window" in notes[0]
    with pytest.warns(DRTConsistencyWarning):
        notes = _window_notes(_result(gamma, tau, span=total / 0.5, window=(1e-6, 100)))
    assert len(notes) == 1 and "by 50% (over 20%)" in notes[0]


def test_span_warning_points_at_the_callers_line():
    # an arc at tau = 10 s measured down to 0.1 Hz (1/w_min = 1.6 s): the measured span holds
    # about 1/(1 + (2 pi 0.1 x 10)^2) = 2.5 % of its 100 ohm, the DRT (on a grid a decade
    # past the window) holds most of it: they disagree far beyond 20 %
    z = 10.0 + 100.0 / (1 + 1j * W * 10.0)
    with pytest.warns(DRTConsistencyWarning) as caught:
        drt(F, z, lam=1e-3, refine=False)
    assert caught[0].filename == __file__


def _reference_lambda(a, b, d, norm, grid, method):
    """GCV and L-curve by direct solves per lambda (no eigen-decomposition): GCV
    V = n |r|^2 / (n - tr H)^2, H = A (A^T A + lam N D^T D)^-1 A^T (Golub, Heath, Wahba 1979);
    L-curve corner = maximum curvature of (log |r|, log |D x|) over interior grid points
    (Hansen 1992), curvature (x' y'' - x'' y') / (x'^2 + y'^2)^1.5 in t = ln lambda."""
    n = b.size
    ata, dtd = a.T @ a, d.T @ d
    gcv, xs, ys = [], [], []
    for lam in grid:
        m = ata + lam * norm * dtd
        x = np.linalg.solve(m, a.T @ b)
        r = b - a @ x
        tr_h = np.trace(a @ np.linalg.solve(m, a.T))
        gcv.append(n * (r @ r) / (n - tr_h) ** 2)
        xs.append(np.log(np.linalg.norm(r)))
        ys.append(np.log(np.linalg.norm(d @ x)))
    if method == "gcv":
        return float(grid[int(np.argmin(gcv))])
    t = np.log(grid)
    dx, dy = np.gradient(xs, t), np.gradient(ys, t)
    ddx, ddy = np.gradient(dx, t), np.gradient(dy, t)
    curv = (dx * ddy - ddx * dy) / (dx**2 + dy**2) ** 1.5
    return float(grid[1 + int(np.argmax(curv[1:-1]))])


def _lambda_problem(seed):
    """A smooth 'true' x seen through a smoothing operator, with noise: a problem with an
    interior optimum of the regularisation."""
    rng = np.random.default_rng(seed)
    n, m = 40, 15
    s = np.linspace(0, 1, m)
    a = np.exp(-((np.linspace(0, 1, n)[:, None] - s[None, :]) ** 2) / 0.02)
    b = a @ np.exp(-((s - 0.4) ** 2) / 0.02) + rng.normal(0, 0.05, n)
    d = np.diff(np.eye(m), axis=0)
    norm = np.trace(a.T @ a) / np.trace(d.T @ d)
    return a, b, d, norm


@pytest.mark.parametrize("method", ["gcv", "lcurve"])
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("window", [(1e-7, 1e1), (1e-4, 1e-1)])
def test_lambda_choice_matches_direct_solves(method, seed, window):
    from lithiophile.echem.impedance.drt import _choose_lambda

    a, b, d, norm = _lambda_problem(seed)
    grid = np.geomspace(*window, 41)
    got = _choose_lambda(a.T @ a, d.T @ d, a.T @ b, a, b, d, norm, grid, method)
    want = _reference_lambda(a, b, d, norm, grid, method)
    assert got == want
    assert grid[1] < want < grid[-2]  # an interior choice: the test can tell methods apart


@pytest.mark.parametrize(("low", "end"), [(10**-0.5, 0), (1.0, 40)])
def test_lcurve_corner_is_never_the_grids_end(low, end):
    # grids past the corner of the L-curve, where the curvature is largest at one end
    # (computed below): the corner is then the grid point next to that end
    from lithiophile.echem.impedance.drt import _choose_lambda

    a, b, d, norm = _lambda_problem(0)
    grid = np.geomspace(low, low * 1e3, 41)
    want = _reference_lambda(a, b, d, norm, grid, "lcurve")
    assert want == grid[1 if end == 0 else 39]
    ata, dtd = a.T @ a, d.T @ d
    xs, ys = [], []
    for lam in grid:
        x = np.linalg.solve(ata + lam * norm * dtd, a.T @ b)
        xs.append(np.log(np.linalg.norm(b - a @ x)))
        ys.append(np.log(np.linalg.norm(d @ x)))
    t = np.log(grid)
    dx, dy = np.gradient(xs, t), np.gradient(ys, t)
    curv = (dx * np.gradient(dy, t) - np.gradient(dx, t) * dy) / (dx**2 + dy**2) ** 1.5
    assert int(np.argmax(curv)) == end  # the premise: the end point's curvature is largest
    assert _choose_lambda(ata, dtd, a.T @ b, a, b, d, norm, grid, "lcurve") == want


def _two_arcs() -> tuple[np.ndarray, np.ndarray]:
    # R0 = 10, R1 = 50 ohm at 100 us, R2 = 30 ohm at 100 ms: two ideal RC arcs (phi = 1)
    f = np.geomspace(1e5, 1e-2, 71)
    w = 2 * np.pi * f
    return f, 10.0 + 50.0 / (1 + 1j * w * 1e-4) + 30.0 / (1 + 1j * w * 1e-1)


def test_refinement_keeps_both_arcs_of_a_two_arc_spectrum():
    f, z = _two_arcs()
    res = drt(f, z)
    assert [p.refined for p in res.peaks] == [True, True]
    # noise-free data of the very model refined: the ZARC fit returns the construction
    assert [p.tau_s for p in res.peaks] == pytest.approx([1e-4, 1e-1], rel=1e-4)
    assert [p.r_ohm for p in res.peaks] == pytest.approx([50.0, 30.0], rel=1e-4)
    assert [p.phi for p in res.peaks] == pytest.approx([1.0, 1.0], abs=1e-4)


def test_span_differing_by_exactly_twenty_percent_is_not_warned():
    # gamma 12 ohm on ln tau from 0 to 1: total 12 ohm exactly; a span of 10 ohm differs by
    # 2 ohm = 0.2 x 10 exactly (binary-exact numbers): not "more than 20 %"
    res = _result(np.array([12.0, 12.0]), np.array([1.0, np.e]), span=10.0, window=(1e-6, 100))
    assert res.r_polarisation_ohm == 12.0  # the premise, by hand
    with warnings.catch_warnings():
        warnings.simplefilter("error", DRTConsistencyWarning)
        assert _window_notes(res) == ()
    with pytest.warns(DRTConsistencyWarning):
        _window_notes(_result(np.array([12.0, 12.0]), np.array([1.0, np.e]), span=9.99))
