"""The circuit fit's search pinned by answers known without the code: the multi-start loop
driven by a scripted optimiser whose chi-squares are chosen by hand, the stopping threshold
recomputed from the Voigt floor and hand-counted degrees of freedom, the jittered starts
redrawn from the same seeded generator, and covariance thresholds on matrices built from
chosen singular values. Written to kill the mutants mutmut left alive in circuit.py's search
(issue 11 item 20); the fit's answers themselves are pinned in test_mutants_circuit.py."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.optimize
from scipy import stats

from lithiophile.echem.impedance import Circuit
from lithiophile.echem.impedance.circuit import FitReport, Parameter
from lithiophile.echem.impedance.guess import features
from lithiophile.echem.impedance.linkk import voigt_floor
from lithiophile.echem.impedance.lsq import LeastSquaresProblem, covariance, t_quantile
from lithiophile.errors import CalculationFailed, InputError, NotFittedError

F = np.geomspace(1e5, 1e-1, 31)
W = 2 * np.pi * F


def _rc(noise=0.0, seed=0):
    """R0 + R1 || C1 (10 ohm, 100 ohm, 10 uF) analytically, with relative Gaussian noise."""
    z = 10.0 + 100.0 / (1 + 1j * W * 100.0 * 1e-5)
    rng = np.random.default_rng(seed)
    return z + noise * np.abs(z) * (rng.normal(size=F.size) + 1j * rng.normal(size=F.size))


class _Scripted:
    """A stand-in for scipy's least_squares that answers each call from a script: a
    chi-square (the residual vector is its square root), or an exception, or a status."""

    def __init__(self, script):
        self.script = list(script)
        self.calls: list[dict] = []

    def __call__(self, fun, x0, **kwargs):
        self.calls.append(kwargs)
        step = self.script[len(self.calls) - 1]
        if isinstance(step, Exception):
            raise step
        chi2, status = step if isinstance(step, tuple) else (step, 1)
        res = np.array([np.sqrt(chi2)]) if np.isfinite(chi2) else np.array([np.nan])
        return SimpleNamespace(fun=res, status=status, x=x0, nfev=1, tag=len(self.calls))


def _search(monkeypatch, script, floor=0.0, n=4, max_nfev=None):
    fake = _Scripted(script)
    monkeypatch.setattr(scipy.optimize, "least_squares", fake)
    c = Circuit("R0-p(R1,C1)", max_nfev=max_nfev)
    starts = [np.full(3, float(k)) for k in range(n)]
    limits = (np.full(3, -46.0), np.full(3, 46.0))
    best = c._multistart(None, None, starts, limits, floor, "cell 7")
    return best, fake


def test_multistart_keeps_the_lowest_and_stops_when_a_second_start_confirms_it(monkeypatch):
    # 4, then 2 (better), then 2 again: the third start confirms the best; no fourth call
    (sol, chi2), fake = _search(monkeypatch, [4.0, 2.0, 2.0, 0.5])
    assert chi2 == pytest.approx(2.0) and sol.tag == 2 and len(fake.calls) == 3
    # a worse third start is not kept, and the search goes on to the fourth
    (sol, chi2), fake = _search(monkeypatch, [4.0, 2.0, 3.0, 2.5])
    assert chi2 == pytest.approx(2.0) and sol.tag == 2 and len(fake.calls) == 4
    # a confirmation on the second start ends the search at once
    (sol, chi2), fake = _search(monkeypatch, [2.0, 2.0, 1.0, 1.0])
    assert sol.tag == 1 and len(fake.calls) == 2


def test_multistart_confirmation_tolerance_is_one_part_per_million(monkeypatch):
    # best 2: within 1e-6 * 2 = 2e-6 confirms (1.5e-6 apart), beyond it (3e-6) does not
    _, fake = _search(monkeypatch, [2.0, 2.0 + 1.5e-6, 1.0, 1.0])
    assert len(fake.calls) == 2
    _, fake = _search(monkeypatch, [2.0, 2.0 + 3e-6, 1.0, 1.0])
    assert len(fake.calls) == 4  # 1.0 then 1.0 confirms on the fourth


def test_multistart_stops_at_the_noise_floor(monkeypatch):
    # the first start reaches the floor (3 <= 3): one call only
    (sol, chi2), fake = _search(monkeypatch, [3.0, 1.0], floor=3.0)
    assert sol.tag == 1 and chi2 == pytest.approx(3.0) and len(fake.calls) == 1
    (sol, _), fake = _search(monkeypatch, [3.5, 3.25, 1.0, 0.5], floor=3.0)
    assert sol.tag == 3 and len(fake.calls) == 3  # above it, the search goes on


def test_multistart_passes_over_failed_starts(monkeypatch):
    # a start that raises, one that ends non-finite and one that did not converge (status 0)
    # are passed over; the next converged one is the answer
    script = [ValueError("x0 infeasible"), float("nan"), (0.5, 0), 2.0]
    (sol, chi2), fake = _search(monkeypatch, script)
    assert sol.tag == 4 and chi2 == pytest.approx(2.0) and len(fake.calls) == 4


def test_multistart_options_and_the_budget(monkeypatch):
    _, fake = _search(monkeypatch, [1.0], n=1)
    kw = fake.calls[0]
    assert (kw["method"], kw["x_scale"], kw["max_nfev"]) == ("trf", "jac", 200 * 3)
    np.testing.assert_array_equal(kw["bounds"][1], np.full(3, 46.0))
    _, fake = _search(monkeypatch, [1.0], n=1, max_nfev=17)
    assert fake.calls[0]["max_nfev"] == 17


def test_multistart_failure_messages(monkeypatch):
    with pytest.raises(CalculationFailed) as err:
        _search(monkeypatch, [ValueError("a"), FloatingPointError("b")], n=2)
    assert str(err.value) == (
        "the fit of 'R0-p(R1,C1)' to cell 7 did not converge from any of 2 starts (best "
        "attempt's chi-square none finite); give an initial_guess, a circuit that matches "
        "the spectrum, or more n_starts."
    )
    with pytest.raises(CalculationFailed, match=r"chi-square 4\.25\)"):
        _search(monkeypatch, [(4.25, 0), (5.0, -1)], n=2)


def test_fit_hands_the_search_the_voigt_floor_times_the_degrees_of_freedom(monkeypatch):
    seen: list[tuple] = []
    original = Circuit._multistart

    def spy(self, residuals, jacobian, starts, limits, chi2_floor, name):
        seen.append((len(starts), limits, chi2_floor))
        return original(self, residuals, jacobian, starts, limits, chi2_floor, name)

    monkeypatch.setattr(Circuit, "_multistart", spy)
    z = _rc(noise=0.01, seed=2)
    Circuit("R0-p(R1,C1)", n_starts=2).fit(F, z)
    n, limits, chi2_floor = seen[-1]
    # the documented stop: within a factor 1.25 of the Voigt floor's reduced chi-square,
    # times 62 values - 3 parameters = 59 degrees of freedom
    expect = voigt_floor(W, z, 1 / np.abs(z)) * 1.25 * 59
    assert n == 2 and chi2_floor == pytest.approx(expect, rel=1e-12)
    # positive parameters are searched as logarithms within [1e-20, 1e20]
    np.testing.assert_allclose(limits[0], np.log(1e-20), rtol=1e-15)
    np.testing.assert_allclose(limits[1], np.log(1e20), rtol=1e-15)
    Circuit("R0-p(R1,C1)", n_starts=1).fit(F, z)
    assert seen[-1][2] == np.inf  # one start: nothing to stop early
    Circuit("R0-p(R1,CPE1)", n_starts=1).fit(F, z)
    lo, hi = seen[-1][1]
    assert (lo[3], hi[3]) == (0.0, 1.0)  # the exponent as is, within [0, 1]


def test_a_clean_spectrum_needs_one_start(monkeypatch):
    fake_calls = []
    real = scipy.optimize.least_squares

    def counting(*args, **kwargs):
        fake_calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scipy.optimize, "least_squares", counting)
    z = _rc(noise=0.01, seed=2)
    fit = Circuit("R0-p(R1,C1)", n_starts=4).fit(F, z)
    floor = voigt_floor(W, z, 1 / np.abs(z)) * 1.25 * 59
    assert fit.chi_square_ <= floor  # so the first start ends the search
    assert len(fake_calls) == 1


def test_jittered_starts_redrawn_from_the_same_generator():
    z = _rc()
    c = Circuit("R0-p(R1,CPE1)", n_starts=3, seed=11, initial_guess=[12.0, 90.0, 2e-5, 0.8])
    lo, hi = np.full(4, -46.0), np.array([46.0, 46.0, 46.0, 1.0])
    lo[3] = 0.0
    starts = c._starts(features(F, z), lo, hi)
    base = np.array([np.log(12.0), np.log(90.0), np.log(2e-5), 0.8])
    np.testing.assert_allclose(starts[0], base, rtol=1e-15)
    rng = np.random.default_rng(11)
    for s in starts[1:]:
        normal = base + rng.normal(0.0, np.log(10.0), 4)  # a decade's spread in ln
        uniform = rng.uniform(0.5, 1.0, 4)
        np.testing.assert_allclose(s[:3], normal[:3], rtol=1e-14)
        assert s[3] == pytest.approx(uniform[3], rel=1e-14)


def test_one_degree_of_freedom_is_one():
    # 5 frequencies (the fewest a fit takes) give 10 values; three R || CPE arcs and a
    # series R have 10 parameters, one held: 9 free, 1 degree of freedom
    f = np.geomspace(1e4, 1.0, 5)
    ten = "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)"
    truth = np.array([10.0, 100.0, 1e-5, 1.0, 50.0, 1e-3, 1.0, 30.0, 1e-1, 1.0])
    z = Circuit(ten)._model(2 * np.pi * f, truth)[0] * np.array([1.01, 0.99, 1.0, 1.02, 0.98])
    fit = Circuit(ten, kk_check=False, n_starts=1, fixed={"R0": 10.0}, initial_guess=truth)
    fit.fit(f, z)
    assert fit.dof_ == 1
    assert fit.reduced_chi_square_ == pytest.approx(fit.chi_square_, rel=1e-12)


def test_covariance_diagonal_is_the_squared_standard_error():
    # positive parameters are fitted as ln x: var(x) = x^2 var(ln x) = stderr^2; the
    # exponent as is: var = stderr^2
    fit = Circuit("R0-p(R1,CPE1)").fit(F, _rc(noise=0.02, seed=4))
    stderr = np.array([p.stderr for p in fit.params_])
    np.testing.assert_allclose(np.diag(fit.covariance_), stderr**2, rtol=1e-9)
    # and the features it started from are those of the spectrum
    assert fit.features_ == features(F, _rc(noise=0.02, seed=4))


def _rotated(s: tuple[float, float]) -> np.ndarray:
    """A 3x2 Jacobian with singular values ``s`` and right singular vectors at 45 degrees,
    so both columns have the same norm."""
    v = np.array([[1.0, 1.0], [-1.0, 1.0]]) / np.sqrt(2.0)
    u = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    return u @ np.diag(s) @ v.T


def test_covariance_singular_value_cut_is_1e10_of_the_largest():
    # 1.5e-10 of the largest is kept (finite, huge variance); 5e-11 is cut, and the null
    # direction loads both parameters at 0.71 > 0.5: both undetermined
    var, _, und = covariance(_rotated((1.0, 1.5e-10)), 1.0)
    assert not und.any() and np.isfinite(var).all()
    assert var[0] == pytest.approx(0.5 / (1.5e-10) ** 2, rel=1e-3)
    var, _, und = covariance(_rotated((10.0, 5e-10)), 1.0)  # cut at 1e-9
    assert und.all() and np.isinf(var).all()


def test_covariance_column_cut_is_1e8_of_the_largest_column():
    # orthogonal columns of norms 1 and 1.5e-8: resolved, variance 1 / 2.25e-16
    var, _, und = covariance(np.array([[1.0, 0.0], [0.0, 1.5e-8], [0.0, 0.0]]), 1.0)
    assert not und.any() and var[1] == pytest.approx(1 / 2.25e-16, rel=1e-9)
    # norms 10 and 5e-8: below 1e-8 x 10 = 1e-7, so the second is undetermined
    var, _, und = covariance(np.array([[10.0, 0.0], [0.0, 5e-8], [0.0, 0.0]]), 1.0)
    assert und.tolist() == [False, True] and np.isinf(var[1])


def test_the_model_is_evaluated_once_per_point():
    c = Circuit("R0-p(R1,C1)")
    calls = []
    model = c._model

    def counting(w, x):
        calls.append(1)
        return model(w, x)

    c._model = counting
    z = _rc()
    theta = np.log(np.array([10.0, 100.0, 1e-5]))
    problem = LeastSquaresProblem(c, W, z, 1 / np.abs(z), theta)
    problem.residuals(theta)
    problem.jacobian(theta)
    assert len(calls) == 1  # the Jacobian reuses the residuals' evaluation
    problem.residuals(theta + 0.1)
    assert len(calls) == 2


def test_messages_of_an_unfitted_circuit_and_of_the_default_name():
    with pytest.raises(NotFittedError) as err:
        Circuit("R0-p(R1,C1)").predict([1.0])
    assert str(err.value) == "Circuit('R0-p(R1,C1)') is not fitted yet; call .fit(f, Z) first."
    f = np.geomspace(1e4, 1, 2)
    with pytest.raises(InputError, match=r"^spectrum: too few points"):
        Circuit("R0-p(R1,CPE1)", kk_check=False).fit(f, 10 + 0j * f)


def test_notes_list_every_held_bound_and_clipped_exponent():
    c = Circuit(
        "R0-p(R1,C1)",
        fixed={"R0": 10.0, "C1": 1e-5},
    )
    notes: list[str] = []
    c._add_notes(np.array([10.0, 80.0, 1e-5]), np.zeros(3, dtype=bool), notes)
    assert notes == ["held fixed, not fitted (zero standard error): R0 = 10, C1 = 1e-05"]
    b = Circuit("R0-p(R1,C1)", bounds={"R0": (1.0, 5.0), "R1": (50.0, 60.0)})
    notes = []
    b._add_notes(np.array([5.0, 50.0, 1e-5]), np.zeros(3, dtype=bool), notes)
    assert notes == ["ended on a bound given by the user: R0 = 5, R1 = 50"]
    two = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)")
    notes = []
    two._clip_exponent_intervals(
        np.array([1.0, 1.0, 1.0, -0.1, 1.0, 1.0, 0.2]),
        np.array([2.0, 2.0, 2.0, 0.9, 2.0, 2.0, 1.2]),
        notes,
    )
    assert notes[0].endswith("unclipped: CPE1_alpha [-0.1, 0.9], CPE2_alpha [0.2, 1.2]")


def test_results_are_frozen_and_quantiles_cached():
    p = Parameter("R0", 1.0, 0.1, 0.8, 1.2, "ohm")
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.value = 2.0
    fit = Circuit("R0-p(R1,C1)").fit(F, _rc(noise=0.01, seed=1))
    rep = fit.report()
    assert isinstance(rep, FitReport)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rep.chi_square = 0.0
    t_quantile.cache_clear()
    assert t_quantile(0.975, 7) == pytest.approx(stats.t.ppf(0.975, 7), rel=1e-15)
    t_quantile(0.975, 7)
    assert t_quantile.cache_info().hits == 1
