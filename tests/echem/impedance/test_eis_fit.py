"""Fits of synthetic spectra whose parameters are known by construction
(lithiophile.synth.spectra writes its own closed-form impedances, independent of the fitter)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lithiophile.echem.impedance import Circuit, InductiveLoopWarning
from lithiophile.errors import CalculationFailed, InputError
from lithiophile.store import to_payload
from lithiophile.synth.spectra import frequencies, spectrum

R_VALUES = [1.0, 10.0, 100.0, 1e3, 1e4]
C_VALUES = [1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3]


def _arc_spectrum(r, c, kind, seed, noise=0.01):
    fc = 1 / (2 * np.pi * r * c)
    f = frequencies(fc * 1e3, fc * 1e-3, 10)  # the arc in the middle of six decades
    term = ("RC", r, c) if kind == "RC" else ("RQ", r, c, 0.85)
    return spectrum([("R", 0.2 * r), term], f, noise=noise, seed=seed)


@pytest.mark.parametrize("kind", ["RC", "RQ"])
def test_resistance_within_2_percent_across_five_decades(kind):
    circuit = "R0-p(R1,C1)" if kind == "RC" else "R0-p(R1,CPE1)"
    errors = []
    for i, r in enumerate(R_VALUES):
        for j, c in enumerate(C_VALUES):
            s = _arc_spectrum(r, c, kind, seed=100 * i + j)
            fit = Circuit(circuit).fit(s.f, s.z)  # no initial guess: read from the spectrum
            errors.append(abs(fit.parameters_["R1"] / r - 1))
    assert max(errors) < 0.02, errors


@pytest.mark.parametrize(("level", "low", "high"), [(0.95, 180, 200), (0.683, 115, 158)])
def test_confidence_intervals_cover_truth_at_nominal_rate(level, low, high):
    # 200 spectra with 1 % noise (R 1..1e4 ohm, C 1e-9..1e-3 F): the interval of each
    # parameter should hold the truth in about level x 200 of them. Bounds: binomial mean
    # +- 3.3 standard deviations (95 %: 190 +- 10; 68.3 %: 137 +- 22)
    rng = np.random.default_rng(7)
    n = 200
    hits = np.zeros(4, dtype=int)
    for k in range(n):
        r = 10 ** rng.uniform(0, 4)
        c = 10 ** rng.uniform(-9, -3)
        s = _arc_spectrum(r, c, "RQ", seed=1000 + k)
        fit = Circuit("R0-p(R1,CPE1)", kk_check=False, confidence=level).fit(s.f, s.z)
        truth = [0.2 * r, r, c, 0.85]  # R0, R1, CPE1_Q (= C here), CPE1_alpha
        hits += [p.ci_low <= t <= p.ci_high for p, t in zip(fit.params_, truth, strict=True)]
    assert all(low <= h <= high for h in hits), dict(
        zip(["R0", "R1", "Q", "alpha"], hits, strict=True)
    )


def test_two_arcs_and_warburg_from_automatic_guesses():
    f = frequencies(1e6, 1e-2, 10)
    s = spectrum([("R", 5.0), ("RQ", 40.0, 1e-6, 0.9), ("RQ", 120.0, 1e-3, 0.85), ("W", 20.0)], f)
    fit = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)-W1").fit(s.f, s.z)
    v = fit.parameters_
    assert v["R1"] == pytest.approx(40.0, rel=0.03)
    assert v["R2"] == pytest.approx(120.0, rel=0.03)
    assert v["W1"] == pytest.approx(20.0, rel=0.05)
    assert fit.reduced_chi_square_ == pytest.approx(1e-4, rel=0.5)  # 1 % noise: chi2/dof ~ 2e-4/2


def test_fit_is_deterministic_for_a_seed():
    s = _arc_spectrum(50.0, 1e-6, "RQ", seed=3)
    a = Circuit("R0-p(R1,CPE1)", seed=11).fit(s.f, s.z)
    b = Circuit("R0-p(R1,CPE1)", seed=11).fit(s.f, s.z)
    assert a.parameters_ == b.parameters_
    assert a.chi_square_ == b.chi_square_


def test_predict_and_residuals_are_consistent():
    s = _arc_spectrum(200.0, 1e-5, "RC", seed=5)
    fit = Circuit("R0-p(R1,C1)").fit(s.f, s.z)
    z = fit.predict(fit.frequencies_)
    np.testing.assert_allclose(fit.residuals_, (fit.data_ - z) / np.abs(fit.data_))
    assert fit.chi_square_ == pytest.approx(np.sum(np.abs(fit.residuals_) ** 2))
    d = to_payload(fit)
    assert [p["name"] for p in d["parameters"]] == ["R0", "R1", "C1"]


def test_a_fit_that_does_not_converge_is_not_reported():
    s = _arc_spectrum(100.0, 1e-6, "RQ", seed=1)
    with pytest.raises(
        CalculationFailed,
        match=r"did not converge from any of 2 starts \(best "
        r"attempt's chi-square [0-9.e+-]+\)",
    ):
        Circuit("R0-p(R1,CPE1)", n_starts=2, max_nfev=1).fit(s.f, s.z)


def test_high_frequency_inductance_is_left_out_with_a_note():
    f = frequencies(1e6, 1e-1, 10)
    s = spectrum([("L", 1e-6), ("R", 10.0), ("RC", 50.0, 1e-5)], f, noise=0.0)
    fit = Circuit("R0-p(R1,C1)").fit(s.f, s.z)
    assert any("left out the" in n and "add L0" in n for n in fit.notes_)
    with_l = Circuit("L0-R0-p(R1,C1)").fit(s.f, s.z)
    assert with_l.parameters_["L0"] == pytest.approx(1e-6, rel=1e-4)
    assert with_l.parameters_["R1"] == pytest.approx(50.0, rel=1e-6)


@pytest.mark.parametrize(
    ("f", "z", "message"),
    [
        (np.geomspace(1e3, 1, 4), np.ones(4) * (1 - 1j), r"too few points \(4\)"),
        (
            np.geomspace(1e3, 1, 8),
            np.r_[np.ones(7), np.nan] * (1 - 1j),
            r"NaN or infinite .*rows \[7\]",
        ),
        (
            np.r_[1e3, 1e2, 1e2, 10, 1, 0.1],
            np.ones(6) * (1 - 1j),
            r"not monotonic \(the sweep repeats at row 2\)",
        ),
        (
            np.r_[1e3, 1e2, 10, 100, 1e3, 1e4],
            np.ones(6) * (1 - 1j),
            r"not monotonic \(the sweep reverses at row 3\)",
        ),
        (np.geomspace(1e3, 1, 8), np.ones(8) * (1 + 1j), r"if you passed -Im\(Z\).*negate it"),
        (np.r_[1e3, 1e2, 10, 1, 0.1, 0.0], np.ones(6) * (1 - 1j), r"frequencies must be positive"),
    ],
)
def test_bad_spectra_get_clear_errors(f, z, message):
    with pytest.raises(InputError, match=message):
        Circuit("R0-p(R1,C1)").fit(f, z)


def test_too_few_points_for_the_circuit():
    f = np.geomspace(1e3, 1, 5)
    z = 10 + 50 / (1 + 1j * 2 * np.pi * f * 1e-3)
    with pytest.raises(
        InputError, match=r"too few points \(5 frequencies, 10 values\) for the 10 parameters"
    ):
        Circuit("R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)", kk_check=False).fit(f, z)


def test_inductive_loop_warns():
    f = frequencies(1e5, 1e-2, 10)
    s = spectrum([("R", 10.0), ("RC", 50.0, 1e-5)], f, noise=0.0)
    z = s.z.copy()
    z[-5:] = z[-5:].real + 1j * 0.1 * np.abs(z[-5:])  # Im Z > 0 below 0.03 Hz
    loop = r"Im\(Z\) > 0 at the 5 lowest frequencies"
    with pytest.warns(InductiveLoopWarning, match=loop), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # its Lin-KK failure is beside the point
        warnings.simplefilter("always", InductiveLoopWarning)
        Circuit("R0-p(R1,C1)").fit(f, z)
