"""Real cells (../shared/data/cycler, MANIFEST.md): each figure is checked against a
calculation made here independently (impedance.py's fit of the same points, galvani's reading
of the same file, the raw columns of the text export, the files' known truths)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lithiophile.io as lio
from lithiophile.echem.impedance import Circuit, fit_files, spectra_of
from lithiophile.echem.impedance.drt import DRTConsistencyWarning
from lithiophile.errors import DataQualityWarning

GEIS_LOOP = "dlinsitu__jr862_11_08_23_insitu-impedance-LiLi_1MLiTFSI_TEGDME-1mA_02_GEIS_C05.mpr"
LPSCL = "hybdrt__PEIS_LPSCl_IonBlocking_-25C"


def _impedance_py(circuit: str, fit: Circuit) -> tuple[float, np.ndarray] | None:
    """impedance.py's CustomCircuit.fit on the points ours fitted, with ours' start and the
    same |Z| weighting; its chi-square (computed here) and parameters."""
    from impedance.models.circuits import CustomCircuit

    f, z = fit.frequencies_, fit.data_
    theirs = CustomCircuit(circuit, initial_guess=list(fit.guess_))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs.fit(f, z, weight_by_modulus=True)
    except RuntimeError:
        return None
    chi = float(np.sum(np.abs((z - theirs.predict(f)) / np.abs(z)) ** 2))
    return chi, np.asarray(theirs.parameters_)


def _galvani_spectra(path) -> list[tuple[np.ndarray, np.ndarray]]:
    """The sweeps of a BioLogic .mpr as galvani (GPL, test-time only) reads them, split where
    the frequency jumps back up."""
    BioLogic = pytest.importorskip("galvani.BioLogic")  # GPL: a test-time cross-check only

    rows = BioLogic.MPRfile(str(path)).data
    f = np.asarray(rows["freq/Hz"], dtype=float)
    z = np.asarray(rows["Re(Z)/Ohm"], dtype=float) - 1j * np.asarray(rows["-Im(Z)/Ohm"])
    keep = f > 0
    f, z = f[keep], z[keep]
    cuts = np.flatnonzero(np.diff(f) > 0) + 1
    return list(zip(np.split(f, cuts), np.split(z, cuts), strict=True))


@pytest.mark.slow
def test_li_li_geis_loop_r_int_against_plated_charge(shared):
    # a real Li||Li cell in 1 M LiTFSI/TEGDME: 45 GEIS spectra (500 Hz to 0.8 Hz), each after
    # one more hour of plating at 0.4 mA (MANIFEST.md)
    path = shared(GEIS_LOOP)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        res = fit_files([path], circuit="one-arc", symmetric=True)
    (item,) = res.files
    assert item.ok and len(item.fits) == 45
    assert any("electrode area unknown" in p for p in item.provenance)  # the file states none
    raw = _galvani_spectra(path)
    assert len(raw) == 45
    r_int, span, starts = [], [], []
    for fit, (f, z) in zip(item.fits, raw, strict=True):
        # the same points as galvani reads them (float32 in the file)
        np.testing.assert_allclose(np.sort(fit.fit.frequencies_), np.sort(f), rtol=1e-6)
        r_int.append(fit.metric("interfacial_resistance", "cell").value)
        span.append(float(z.real[np.argmin(f)] - z.real[np.argmax(f)]))
        starts.append(fit.extra["time_s"])
        ref = _impedance_py("R0-p(R1,CPE1)", fit.fit)
        if ref is not None:  # never a worse minimum than impedance.py's
            assert fit.fit.chi_square_ <= ref[0] * (1 + 1e-6)
    # one hour of plating between spectra, from the file's own clock: 0.4 mA x 3600 s each
    gaps = np.diff(starts)
    assert np.median(gaps) == pytest.approx(3600, rel=0.02)
    plated_C = 0.4e-3 * (np.asarray(starts) - starts[0])
    assert plated_C[-1] == pytest.approx(44 * 1.44, rel=0.03)
    # what plating does to this interface, by the fit and by the raw real-axis span alike:
    # the last ten spectra sit well below the first ten
    r_int, span = np.asarray(r_int), np.asarray(span)
    assert r_int[-10:].mean() < 0.8 * r_int[:10].mean()
    assert span[-10:].mean() < 0.8 * span[:10].mean()
    order = np.argsort(np.argsort(r_int)), np.argsort(np.argsort(span))
    assert np.corrcoef(*order)[0, 1] > 0.6  # Spearman: the fit follows the raw data


def test_li_li_geis_drt_says_its_peaks_lie_outside_nine_points(shared):
    # 9 frequencies over 2.8 decades: the DRT cannot place a peak inside that window, and
    # must say so rather than report it as measured
    parts = spectra_of(lio.read(shared(GEIS_LOOP)))
    from lithiophile.echem.impedance import drt

    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always", DRTConsistencyWarning)
        res = drt(parts[0].f, parts[0].z)
    lo, hi = res.tau_window_s
    assert lo == pytest.approx(1 / (2 * np.pi * parts[0].f.max()))
    assert hi == pytest.approx(1 / (2 * np.pi * parts[0].f.min()))
    for p in res.peaks:
        assert p.in_window == (lo <= p.tau_s <= hi)
        if not p.in_window:
            assert any(f"peak at tau {p.tau_s:.3g} s" in n for n in res.notes)
    assert res.r_window_ohm <= res.r_polarisation_ohm


def test_lpscl_mpr_and_its_relaxis_twin_give_one_fit(shared):
    # one spectrum (#61) in two formats: an EC-Lab .mpr and RelaxIS's text export
    a = spectra_of(lio.read(shared(f"{LPSCL}.mpr")))[0]
    b = spectra_of(lio.read(shared(f"{LPSCL}_RelaxIS.txt")))[0]
    circuit = "R0-p(R1,CPE1)-CPE2"  # bulk + grain-boundary arc + blocking electrodes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)  # it fails Lin-KK (below)
        fa = Circuit(circuit).fit(a.f, a.z)
        fb = Circuit(circuit).fit(b.f, b.z)
    for p, q in zip(fa.params_, fb.params_, strict=True):
        assert p.value == pytest.approx(q.value, rel=1e-5), p.name
    assert fa.kk_.passed == fb.kk_.passed
    ref = _impedance_py(circuit, fa)
    assert ref is not None
    chi, values = ref
    assert fa.chi_square_ <= chi * (1 + 1e-6)
    if chi < fa.chi_square_ * 1.01:  # the same minimum: the same resistances
        assert fa.parameters_["R1"] == pytest.approx(values[1], rel=0.01)


def test_blocking_cell_drt_puts_its_tail_outside_the_window_and_says_so(shared):
    # ion-blocking electrodes: the low-frequency capacitive tail has no finite resistance, so
    # nearly all of the DRT's total lies beyond the lowest frequency: extrapolated
    part = spectra_of(lio.read(shared(f"{LPSCL}.mpr")))[0]
    from lithiophile.echem.impedance import drt

    with pytest.warns(DRTConsistencyWarning, match="measured real-axis span"):
        res = drt(part.f, part.z)
    assert res.r_outside_ohm > 0.5 * res.r_polarisation_ohm
    assert any("outside the measured window" in n for n in res.notes)
    # the span, from the raw points: Re Z at 0.1 Hz minus Re Z at 7 MHz
    k_lo, k_hi = np.argmin(part.f), np.argmax(part.f)
    assert res.span_ohm == pytest.approx(part.z.real[k_lo] - part.z.real[k_hi], rel=1e-9)


def _mb_peis_from_raw_columns(path) -> list[tuple[np.ndarray, np.ndarray]]:
    """The PEIS sweeps of the Li|LLZO|Li Modulo Bat export, from its raw text columns:
    rows with a frequency, split where the frequency jumps back up."""
    lines = path.read_bytes().decode("latin-1").splitlines()
    n_header = int(next(ln for ln in lines if ln.startswith("Nb header lines")).split(":")[1])
    names = lines[n_header - 1].rstrip("\t").split("\t")
    rows = np.array(
        [[float(v) for v in ln.split("\t")[: len(names)]] for ln in lines[n_header:] if ln],
        dtype=float,
    )
    col = {n: rows[:, k] for k, n in enumerate(names)}
    keep = col["freq/Hz"] > 0
    f = col["freq/Hz"][keep]
    z = col["Re(Z)/Ohm"][keep] - 1j * col["-Im(Z)/Ohm"][keep]
    cuts = np.flatnonzero(np.diff(f) > 0) + 1
    return list(zip(np.split(f, cuts), np.split(z, cuts), strict=True))


@pytest.mark.slow
def test_li_llzo_li_spectra_agree_with_impedance_py(shared):
    # Li|LLZO tape|Li: PEIS 1 MHz to 100 mHz before and after each +-2.8 uA hour (MANIFEST)
    path = shared("cheminfo__mb.mpt")
    sweeps = _mb_peis_from_raw_columns(path)
    assert len(sweeps) >= 3 and all(f.size > 30 for f, _ in sweeps)
    circuit = "R0-p(R1,CPE1)-p(R2,CPE2)"
    r_int = []
    for f, z in sweeps:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            fit = Circuit(circuit).fit(f, z)
        ref = _impedance_py(circuit, fit)
        if ref is not None:
            assert fit.chi_square_ <= ref[0] * (1 + 1e-6)
        r_int.append(fit.parameters_["R1"] + fit.parameters_["R2"])
        # |Z| 440-1147 ohm (MANIFEST): R0 + R_int lies within the measured real parts' reach
        assert 0 < r_int[-1] < 2 * np.abs(z).max()
    data = lio.read(path)
    if isinstance(data, lio.ImpedanceData):  # a reader that splits Modulo Bat files
        parts = spectra_of(data)
        assert len(parts) == len(sweeps)
        for part, (f, z) in zip(parts, sweeps, strict=True):
            np.testing.assert_allclose(np.sort(part.f), np.sort(f), rtol=1e-6)
            np.testing.assert_allclose(np.sort(part.z.real), np.sort(z.real), rtol=1e-6)


def test_palmsens_session_agrees_with_impedance_py(shared):
    data = lio.read(shared("palmsens__BatteryCurve.pssession"))
    part = spectra_of(data)[0]
    circuit = "R0-p(R1,CPE1)-W1"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        fit = Circuit(circuit).fit(part.f, part.z)
    ref = _impedance_py(circuit, fit)
    assert ref is not None
    chi, values = ref
    assert fit.chi_square_ <= chi * (1 + 1e-6)
    if chi < fit.chi_square_ * 1.01:
        assert fit.parameters_["R1"] == pytest.approx(values[1], rel=0.01)


def test_pydrttools_truths_through_the_entry_function(shared):
    # known by construction (MANIFEST.md): R_inf 10 ohm + ZARC 50 ohm at tau 0.1 s, phi 0.8
    res = fit_files([shared("pydrttools__1ZARC.csv")], circuit="R0-Zarc1", drt=True)
    (fit,) = res.fits
    assert fit.fit.parameters_["Zarc1_R"] == pytest.approx(50.0, rel=0.02)
    assert fit.fit.parameters_["Zarc1_tau"] == pytest.approx(0.1, rel=0.05)
    (peak,) = fit.drt.peaks
    assert peak.in_window and peak.tau_s == pytest.approx(0.1, rel=0.1)
    drt_r = fit.metric("interfacial_resistance", "DRT")
    assert drt_r.value == pytest.approx(50.0, rel=0.05)
    # the noise (0.5 ohm on 10-60 ohm) no longer fails Lin-KK, and nothing disagrees by 20 %
    assert fit.fit.kk_.passed and res.warnings == []
