"""circuit.py pinned by answers known without the code: the analytic impedance of R0 + R1 || C1
and of R0 + R1 || CPE1, hand-counted degrees of freedom, Student-t quantiles from scipy.stats,
and messages read as a user reads them. Written to kill the mutants mutmut left alive in
circuit.py (issue 11 item 20)."""

from __future__ import annotations

import contextlib
import pickle
import warnings

import numpy as np
import pytest
from scipy import stats

from lithiophile.echem.impedance import Circuit
from lithiophile.echem.impedance.circuit import EXPONENT_FLOOR, Parameter, element_kinds
from lithiophile.echem.impedance.lsq import covariance
from lithiophile.errors import InputError, NotFittedError
from lithiophile.store import to_payload

F = np.geomspace(1e5, 1e-1, 31)
W = 2 * np.pi * F


def _rc(r0=10.0, r1=100.0, c1=1e-5, noise=0.0, seed=0):
    """R0 + R1 || C1 analytically, with Gaussian noise of ``noise`` |Z| on each part."""
    z = r0 + r1 / (1 + 1j * W * r1 * c1)
    rng = np.random.default_rng(seed)
    return z + noise * np.abs(z) * (rng.normal(size=F.size) + 1j * rng.normal(size=F.size))


def test_noise_free_rc_is_recovered_exactly():
    fit = Circuit("R0-p(R1,C1)").fit(F, _rc())
    # analytic impedance, so the optimum is the generating values to solver precision
    assert fit.parameters_["R0"] == pytest.approx(10.0, rel=1e-7)
    assert fit.parameters_["R1"] == pytest.approx(100.0, rel=1e-7)
    assert fit.parameters_["C1"] == pytest.approx(1e-5, rel=1e-7)
    np.testing.assert_allclose(fit.predict(F), _rc(), rtol=1e-7)
    assert fit.chi_square_ < 1e-12


def test_degrees_of_freedom_chi_square_and_report():
    z = _rc(noise=0.01, seed=2)
    fit = Circuit("R0-p(R1,C1)").fit(F, z)
    # 31 frequencies give 62 real values; 3 parameters -> 59 degrees of freedom
    assert fit.dof_ == 59
    assert fit.chi_square_ == pytest.approx(float(np.sum(np.abs(fit.residuals_) ** 2)))
    assert fit.reduced_chi_square_ == pytest.approx(fit.chi_square_ / 59, rel=1e-12)
    # modulus weighting: residuals relative to |Z|
    np.testing.assert_allclose(fit.residuals_, (z - fit.predict(F)) / np.abs(z), atol=1e-12)
    rep = to_payload(fit)
    assert rep["points"] == 31 and rep["dof"] == 59 and rep["weighting"] == "modulus"
    assert rep["confidence"] == 0.95 and rep["fixed"] == {} and rep["bounds"] == {}
    assert rep["chi_square"] == fit.chi_square_
    assert rep["reduced_chi_square"] == fit.reduced_chi_square_
    assert rep["lin_kk"]["passed"] is True and rep["notes"] == list(fit.notes_)
    p = rep["parameters"][1]
    r1 = fit.parameter("R1")
    assert p == {
        "name": "R1",
        "value": r1.value,
        "stderr": r1.stderr,
        "unit": "ohm",
        "fixed": False,
        "ci": [r1.ci_low, r1.ci_high],
    }
    # a fixed parameter holds one degree of freedom fewer
    held = Circuit("R0-p(R1,C1)", fixed={"R0": 10.0}).fit(F, z)
    assert held.dof_ == 60


def test_unit_weighting_fits_absolute_residuals():
    z = _rc(noise=0.01, seed=3)
    fit = Circuit("R0-p(R1,C1)", weighting="unit").fit(F, z)
    np.testing.assert_allclose(fit.residuals_, z - fit.predict(F), atol=1e-10)
    assert fit.weighting == "unit"


def test_intervals_are_student_t_on_the_log_and_the_exponent():
    z = _rc(noise=0.02, seed=4)
    fit = Circuit("R0-p(R1,CPE1)", confidence=0.9).fit(F, z)
    dof = 2 * F.size - 4
    t = stats.t.ppf(0.95, dof)  # two-sided 90 %
    for p in fit.params_:
        if p.name == "CPE1_alpha":  # fitted as is: value +- t se, within (0, 1]
            assert p.ci_low == pytest.approx(max(p.value - t * p.stderr, 1e-6), rel=1e-9)
            assert p.ci_high == pytest.approx(min(p.value + t * p.stderr, 1.0), rel=1e-9)
        else:  # fitted as its logarithm: x exp(+- t se / x), se = x sd(ln x)
            assert p.ci_low == pytest.approx(p.value * np.exp(-t * p.stderr / p.value), rel=1e-9)
            assert p.ci_high == pytest.approx(p.value * np.exp(t * p.stderr / p.value), rel=1e-9)
            assert p.ci_low < p.value < p.ci_high


def test_covariance_is_that_of_the_linearised_problem():
    # the fitted (internal) parameters' covariance s2 (J^T J)^-1, by hand on a full-rank J
    jac = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    var, cov, undetermined = covariance(jac, 0.5)
    expect = 0.5 * np.linalg.inv(jac.T @ jac)
    np.testing.assert_allclose(cov, expect, rtol=1e-12)
    np.testing.assert_allclose(var, np.diag(expect), rtol=1e-12)
    assert not undetermined.any()
    # a parameter the residuals do not depend on: infinite variance, said undetermined
    var2, _, und2 = covariance(np.array([[1.0, 0.0], [2.0, 0.0], [0.5, 0.0]]), 1.0)
    assert und2.tolist() == [False, True] and np.isinf(var2[1])
    assert var2[0] == pytest.approx(1 / (1 + 4 + 0.25), rel=1e-12)
    # two parameters the residuals see only as their sum: both undetermined
    var3, _, und3 = covariance(np.array([[1.0, 1.0], [2.0, 2.0]]), 1.0)
    assert und3.tolist() == [True, True] and np.isinf(var3).all()


def test_notes_say_what_the_fit_rests_on():
    z = _rc(noise=0.005, seed=5)
    # R1 - R2 in series in one arc: only their sum is determined
    fit = Circuit("R0-p(R1-R2,C1)", n_starts=1).fit(F, z)
    assert (
        "parameters ['R1', 'R2'] are not determined by the data (infinite error): the circuit "
        "has more elements than the spectrum shows"
    ) in fit.notes_
    assert np.isinf(fit.parameter("R1").stderr)
    held = Circuit("R0-p(R1,C1)", fixed={"R0": 10.0}).fit(F, z)
    assert "held fixed, not fitted (zero standard error): R0 = 10" in held.notes_
    assert held.parameter("R0").stderr == 0.0 and held.parameter("R0").fixed
    assert held.parameter("R0").ci_low == held.parameter("R0").ci_high == 10.0
    bound = Circuit("R0-p(R1,C1)", bounds={"R1": (1.0, 50.0)}).fit(F, z)
    assert bound.parameters_["R1"] == pytest.approx(50.0, rel=1e-6)
    assert "ended on a bound given by the user: R1 = 50" in bound.notes_
    free = Circuit("R0-p(R1,C1)").fit(F, z)
    assert not any("not determined" in n or "held fixed" in n for n in free.notes_)
    assert not any("bound" in n for n in free.notes_)


def test_exponent_at_its_bound_is_said():
    c = Circuit("R0-p(R1,CPE1)")
    for alpha in (1.0, 1 - 1e-10, 0.0, 1e-10):
        notes: list[str] = []
        c._add_notes(np.array([5.0, 80.0, 1e-5, alpha]), np.zeros(4, dtype=bool), notes)
        assert notes == ["exponents ['CPE1_alpha'] sit at their bound (0 or 1)"], alpha
    for alpha in (0.5, 1 - 1e-8, 1e-8):
        quiet: list[str] = []
        c._add_notes(np.array([5.0, 80.0, 1e-5, alpha]), np.zeros(4, dtype=bool), quiet)
        assert quiet == [], alpha
    # a held exponent is not the fit's doing: not listed
    held = Circuit("R0-p(R1,CPE1)", fixed={"CPE1_alpha": 1.0})
    notes2: list[str] = []
    held._add_notes(np.array([5.0, 80.0, 1e-5, 1.0]), np.zeros(4, dtype=bool), notes2)
    assert notes2 == ["held fixed, not fitted (zero standard error): CPE1_alpha = 1"]


def test_clipping_of_exponent_intervals_by_hand():
    c = Circuit("R0-p(R1,CPE1)")
    notes: list[str] = []
    lo, hi = c._clip_exponent_intervals(
        np.array([5.0, 80.0, 1e-5, -0.2]), np.array([6.0, 90.0, 2e-5, 1.3]), notes
    )
    # positive parameters untouched; the exponent's [-0.2, 1.3] becomes [1e-6, 1]
    assert lo.tolist() == [5.0, 80.0, 1e-5, EXPONENT_FLOOR]
    assert hi.tolist() == [6.0, 90.0, 2e-5, 1.0]
    assert notes == [
        "confidence intervals of exponents clipped to (0, 1], where exponents live; "
        "unclipped: CPE1_alpha [-0.2, 1.3]"
    ]
    quiet: list[str] = []
    c._clip_exponent_intervals(np.array([1.0, 1.0, 1.0, 0.5]), np.array([2, 2, 2, 0.9]), quiet)
    inf: list[str] = []
    c._clip_exponent_intervals(np.array([1, 1, 1, -np.inf]), np.array([2, 2, 2, np.inf]), inf)
    assert quiet == [] and inf == []  # nothing clipped; infinite ends are not listed


def test_predict_and_parameter_refuse_what_they_cannot_do():
    fit = Circuit("R0-p(R1,C1)").fit(F, _rc())
    for bad in ([], [1.0, np.nan], [10.0, -1.0], [0.0]):
        with pytest.raises(InputError, match=r"^predict: frequencies must be positive finite"):
            fit.predict(bad)
    assert fit.predict(1000.0).shape == (1,)
    with pytest.raises(InputError) as err:
        fit.parameter("R9")
    assert str(err.value) == (
        "circuit 'R0-p(R1,C1)' has no parameter 'R9'; it has ['R0', 'R1', 'C1']."
    )
    with pytest.raises(NotFittedError):
        Circuit("R0").parameter("R0")
    with pytest.raises(NotFittedError):
        Circuit("R0").report()


def test_repr_before_and_after_fitting():
    c = Circuit("R0-p(R1,C1)")
    assert repr(c) == "Circuit('R0-p(R1,C1)', not fitted)"
    c.fit(F, _rc(noise=0.01, seed=1))
    assert repr(c) == f"Circuit('R0-p(R1,C1)', chi2={c.chi_square_:.3g})"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_starts": 0}, "Circuit 'n_starts' must be a positive integer. Got 0."),
        ({"n_starts": 2.0}, "Circuit 'n_starts' must be a positive integer. Got 2.0."),
        ({"confidence": 1.0}, "Circuit 'confidence' must lie between 0 and 1, e.g. 0.95. Got 1.0."),
        ({"confidence": 0.0}, "Circuit 'confidence' must lie between 0 and 1, e.g. 0.95. Got 0.0."),
        (
            {"weighting": "x"},
            "Circuit 'weighting' must be one of ['modulus', 'unit']. Got 'x'.",
        ),
        (
            {"initial_guess": [1.0, 2.0]},
            "Circuit 'R0-p(R1,C1)' has 3 parameters ['R0', 'R1', 'C1']; 'initial_guess' has 2 "
            "values.",
        ),
        (
            {"initial_guess": [1.0, 0.0, 1e-5]},
            "Circuit 'initial_guess' must be positive (exponents within [0, 1]); invalid for "
            "['R1'].",
        ),
        (
            {"initial_guess": [1.0, np.inf, 1e-5]},
            "Circuit 'initial_guess' must be positive (exponents within [0, 1]); invalid for "
            "['R1'].",
        ),
    ],
)
def test_bad_options_exact_messages(kwargs, message):
    with pytest.raises(InputError) as err:
        Circuit("R0-p(R1,C1)", **kwargs)
    assert str(err.value) == message


def test_exponent_guess_bounds_are_inclusive():
    # exponents within [0, 1]: 0 and 1 are allowed, -0.01 and 1.01 are not
    for ok in (0.0, 1.0):
        Circuit("R0-p(R1,CPE1)", initial_guess=[1.0, 2.0, 1e-5, ok])
    for bad in (-0.01, 1.01):
        with pytest.raises(InputError, match=r"invalid for \['CPE1_alpha'\]"):
            Circuit("R0-p(R1,CPE1)", initial_guess=[1.0, 2.0, 1e-5, bad])


def test_too_few_points_exact_message_and_the_edge():
    from lithiophile.errors import CalculationFailed

    f = np.geomspace(1e4, 1, 5)  # 5 frequencies, 10 values
    z = 10 + 100 / (1 + 2j * np.pi * f * 1e-3)
    ten = "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)"  # 10 parameters: no degree of freedom left
    with pytest.raises(InputError) as err:
        Circuit(ten, kk_check=False).fit(f, z, name="s1")
    assert str(err.value) == (
        f"s1: too few points (5 frequencies, 10 values) for the 10 parameters of {ten!r}; "
        "measure more frequencies or fit a smaller circuit."
    )
    # 9 parameters: one degree of freedom, so the fit is tried (converged or not)
    with contextlib.suppress(CalculationFailed):
        Circuit("R0-p(R1,CPE1)-p(R2,CPE2)-Wo1", kk_check=False, n_starts=1).fit(f, z)
    # fixing one of the ten frees a degree of freedom
    with contextlib.suppress(CalculationFailed):
        Circuit(ten, kk_check=False, n_starts=1, fixed={"R0": 10.0}).fit(f, z)


def test_guess_and_starts():
    z = _rc()
    fit = Circuit("R0-p(R1,C1)", initial_guess=[8.0, 120.0, 2e-5], n_starts=1).fit(F, z)
    np.testing.assert_allclose(fit.guess_, [8.0, 120.0, 2e-5], rtol=1e-12)
    c = Circuit("R0-p(R1,CPE1)", n_starts=5, seed=1)
    lo, hi = np.array([-46.0, -46.0, -46.0, 0.0]), np.array([46.0, 46.0, 46.0, 1.0])
    from lithiophile.echem.impedance.guess import features

    starts = c._starts(features(F, z), lo, hi)
    assert len(starts) == 5
    # the jittered exponents lie in [0.5, 1): a uniform draw there
    assert all(0.5 <= s[3] < 1.0 for s in starts[1:])
    # the positive ones scatter around the guess by a decade (sd ln 10) in log
    spread = np.std([s[:3] - starts[0][:3] for s in starts[1:]])
    assert 0.5 < spread < 6.0
    fixed = Circuit("R0-p(R1,C1)", fixed={"R0": 7.0}, n_starts=4)
    lo3, hi3 = np.full(3, -46.0), np.full(3, 46.0)
    for s in fixed._starts(features(F, z), lo3, hi3):
        assert s[0] == pytest.approx(np.log(7.0), rel=1e-12)  # held in every start


def test_a_fit_that_warns_lin_kk_points_at_the_caller():
    z = _rc()
    z = z.real * np.linspace(1.0, 1.4, F.size) + 1j * z.imag
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Circuit("R0-p(R1,C1)").fit(F, z, name="drifting")
    kk = [w for w in caught if "Lin-KK" in str(w.message)]
    assert kk and kk[0].filename == __file__  # the warning names the caller's line
    assert str(kk[0].message).startswith("drifting fails the Lin-KK test (rms residual")
    assert Circuit("R0-p(R1,C1)", kk_check=False).fit(F, z).kk_ is None


def test_pickled_fit_predicts_and_element_kinds():
    fit = Circuit("R0-p(R1,C1)").fit(F, _rc())
    back = pickle.loads(pickle.dumps(fit))
    np.testing.assert_allclose(back.predict(F), fit.predict(F), rtol=1e-15)
    assert element_kinds() == sorted(["C", "CPE", "K", "L", "R", "W", "Wo", "Ws", "Zarc"])


def test_parameter_payload_and_interval():
    p = Parameter("R1", 100.0, 2.0, 96.0, 104.0, "ohm")
    assert p.ci == (96.0, 104.0) and p.fixed is False
    assert to_payload(p) == {
        "name": "R1",
        "value": 100.0,
        "stderr": 2.0,
        "unit": "ohm",
        "fixed": False,
        "ci": [96.0, 104.0],
    }


def test_circuit_citations_are_the_published_records():
    from lithiophile import cite

    # Murbach et al., J. Open Source Softw. 2020, 5(52), 2349; Boukamp, J. Electrochem. Soc.
    # 1995, 142(6), 1885-1894 (the records as published)
    murbach, boukamp = cite.CITATIONS["Murbach2020"], cite.CITATIONS["Boukamp1995"]
    assert murbach.text == (
        "Murbach, M. D.; Gerwe, B.; Dawson-Elli, N.; Tsui, L. impedance.py: A Python package "
        "for electrochemical impedance analysis. J. Open Source Softw. 2020, 5, 2349."
    )
    assert murbach.doi == "10.21105/joss.02349"
    assert boukamp.text == (
        "Boukamp, B. A. A Linear Kronig-Kramers Transform Test for Immittance Data Validation. "
        "J. Electrochem. Soc. 1995, 142, 1885-1894."
    )
    assert boukamp.doi == "10.1149/1.2044210"


def test_documented_defaults():
    c = Circuit("R0-p(R1,C1)")
    assert (c.n_starts, c.seed, c.weighting, c.confidence, c.kk_check, c.max_nfev) == (
        8,
        0,
        "modulus",
        0.95,
        True,
        None,
    )
    assert c.initial_guess is None and c.fixed == {} and c.bounds == {}


def test_inductive_high_frequencies_left_out_without_an_inductor():
    # R0 + R1 || C1 in series with a cable inductance L = 2 uH: Im Z = w L - Im(RC) > 0 only
    # at the highest frequencies; k counted on the analytic spectrum (by construction)
    z = _rc() + 1j * W * 2e-6
    k = 0
    while z[k].imag > 0:
        k += 1
    assert 1 <= k < 10  # the regime this test means
    fit = Circuit("R0-p(R1,C1)").fit(F, z)
    assert (
        f"left out the {k} highest frequencies (Im Z > 0, inductance); add L0 in series to fit them"
    ) in fit.notes_
    np.testing.assert_array_equal(fit.frequencies_, F[k:])
    # with the inductor in the circuit every point is fitted and the inductance recovered
    with_l = Circuit("L0-R0-p(R1,C1)").fit(F, z)
    assert with_l.frequencies_.size == F.size
    assert not any("highest frequencies" in n for n in with_l.notes_)
    assert with_l.parameters_["L0"] == pytest.approx(2e-6, rel=1e-5)


def test_lin_kk_warning_full_text():
    z = _rc()
    z = z.real * np.linspace(1.0, 1.4, F.size) + 1j * z.imag
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = Circuit("R0-p(R1,C1)", kk_threshold=0.01).fit(F, z, name="drifting")
    (kk,) = [w for w in caught if "Lin-KK" in str(w.message)]
    text = str(kk.message)
    assert text == (
        f"drifting fails the Lin-KK test (rms residual {fit.kk_.rms:.2%} > 1.00%, Schönleber "
        f"et al. 2014, and above the {fit.kk_.noise_text} the test estimates): the cell drifted "
        "or responded non-linearly during the measurement; fitted values are suspect."
    )


def test_covariance_by_hand_full_rank_zero_column_and_collinear():
    # full rank: J^T J = diag(4, 1), so s2 (J^T J)^-1 = diag(3/4, 3)
    var, cov, und = covariance(np.array([[2.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), 3.0)
    np.testing.assert_allclose(var, [0.75, 3.0], rtol=1e-12)
    np.testing.assert_allclose(cov, np.diag([0.75, 3.0]), rtol=1e-12, atol=1e-15)
    assert und.tolist() == [False, False]
    # a column of zeros: that parameter is undetermined (infinite variance); the other
    # keeps s2 / |column|^2 = 2 / 5
    var, _, und = covariance(np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 0.0]]), 2.0)
    assert und.tolist() == [False, True]
    assert var[0] == pytest.approx(0.4, rel=1e-12) and np.isinf(var[1])
    # two identical columns: only their sum is determined; the null vector (1, -1)/sqrt(2)
    # loads both at 0.71 > 0.5, so both are undetermined
    var, _, und = covariance(np.array([[1.0, 1.0], [1.0, 1.0], [2.0, 2.0]]), 1.0)
    assert und.tolist() == [True, True] and np.isinf(var).all()
    # a small but resolved singular value (1e-7 of the largest) is kept: variance s2 / 1e-14
    var, _, und = covariance(np.array([[1.0, 0.0], [0.0, 1e-7]]), 1.0)
    assert und.tolist() == [False, False]
    assert var[1] == pytest.approx(1e14, rel=1e-9)
