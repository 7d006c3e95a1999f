"""The real impedance files of ../shared/data/cycler: every sweep converges with no user
guesses, and agrees with impedance.py (run here on the same circuit, data and weighting)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lithiophile.io as lio
from lithiophile.echem.impedance import Circuit, KramersKronigWarning, analyze, spectra_of

# every impedance spectrum among the shared files, with a circuit whose parameters the data
# determine (chosen by looking at the Nyquist plots)
FILES = {
    "beep__maccor_test_file_4267-66-6519.EDA0001.041": "R0-p(R1,CPE1)-p(R2,CPE2)",
    "impedancepy__Circuit1_EIS_1.z": "R0-p(R1,CPE1)",
    "impedancepy__exampleData.csv": "R0-p(R1,CPE1)-W1",
    "impedancepy__exampleDataBioLogic.mpt": "R0-p(R1,CPE1)",
    # the sweep stops before the high-frequency intercept, so R0 is not determined (-> 0)
    "impedancepy__exampleDataGamry.DTA": "R0-p(R1,CPE1)-p(R2,CPE2)",
    "impedancepy__exampleDataGamry.DTA#W": "R0-p(R1,CPE1)-W1",
    "pydrttools__1ZARC.csv": "R0-p(R1,CPE1)",
    "pydrttools__2ZARC0.csv": "R0-p(R1,CPE1)-p(R2,CPE2)",
    "yadg__geis.issue_149.mpr": "R0-p(R1,CPE1)-p(R2,CPE2)",
    "yadg__geis.issue_149.mpt": "R0-p(R1,CPE1)-p(R2,CPE2)",
    "yadg__peis.issue_149.mpr": "R0-p(R1,CPE1)",
    "yadg__peis.issue_149.mpt": "R0-p(R1,CPE1)",
}


def _sweeps(shared, name):
    return spectra_of(lio.read(shared(name.split("#")[0])))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FILES))
def test_every_sweep_converges_without_guesses(shared, name):
    for part in _sweeps(shared, name):
        with warnings.catch_warnings():
            # several of these files fail Lin-KK (noise, drift): that is reported, not tested
            warnings.simplefilter("ignore", KramersKronigWarning)
            result = analyze(part.f, part.z, circuit="auto", name=name)
        r = result.metric("interfacial_resistance")
        assert np.isfinite(r.value) and r.value > 0
        fit = Circuit(FILES[name], kk_check=False).fit(part.f, part.z)
        assert np.isfinite(fit.chi_square_)


@pytest.mark.parametrize("name", list(FILES))
def test_agrees_with_impedance_py(shared, name):
    # reference: impedance.py's CustomCircuit.fit (scipy curve_fit) on the same circuit, the
    # same points (HF inductive points left out as ours does), the same |Z| weighting and the
    # same start (ours' automatic guess: impedance.py has none of its own)
    from impedance.models.circuits import CustomCircuit

    circuit = FILES[name]
    compared = worse = 0
    for part in _sweeps(shared, name):
        ours = Circuit(circuit, kk_check=False).fit(part.f, part.z)
        f, z = ours.frequencies_, ours.data_
        theirs = CustomCircuit(circuit, initial_guess=list(ours.guess_))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs.fit(f, z, weight_by_modulus=True)
        except RuntimeError:
            continue  # impedance.py did not converge on this sweep
        chi_theirs = float(np.sum(np.abs((z - theirs.predict(f)) / np.abs(z)) ** 2))
        # never a worse minimum than impedance.py's
        assert ours.chi_square_ <= chi_theirs * (1 + 1e-6)
        if chi_theirs > ours.chi_square_ * 1.01:
            worse += 1  # impedance.py stopped in a worse minimum: its R are not comparable
            continue
        compared += 1
        scale = float(np.abs(z).max())
        for k in [n for n in ours.param_names if n.startswith("R")]:
            mine, ref = ours.parameter(k), theirs.parameters_[ours.param_names.index(k)]
            if np.isfinite(mine.stderr):
                assert mine.value == pytest.approx(ref, rel=0.01), k
            else:  # not determined by the data: both must put it at ~0
                assert mine.value < 1e-3 * scale and ref < 1e-3 * scale, k
    if not compared and not worse:
        pytest.skip(f"impedance.py does not converge on any sweep of {name}")
