"""The entry function ``fit_files``: typed results, area provenance, the store, workers."""

from __future__ import annotations

import numpy as np
import pytest

from lithiophile.echem.impedance import Circuit, FileFits, ImpedanceResults, fit_files
from lithiophile.echem.impedance.serial import fit_from_payload, fit_to_payload
from lithiophile.metrics import Metric
from lithiophile.store import Store, to_payload
from lithiophile.synth.spectra import frequencies, spectrum


def _file(folder, name, r_int, area_m2=None, seed=0, sweeps=1):
    """A file of ``sweeps`` spectra of R0 5 ohm + R_int || CPE (R_int growing by 10 ohm per
    sweep), by construction."""
    import polars as pl

    from lithiophile.io.celldata import ImpedanceData, Metadata

    f = frequencies(1e6, 1e-2, 8)
    cols: dict[str, list] = {"frequency_Hz": [], "z_real_ohm": [], "z_imag_ohm": [], "spectrum": []}
    for k in range(sweeps):
        s = spectrum([("R", 5.0), ("RQ", r_int + 10 * k, 1e-5, 0.9)], f, seed=seed + k)
        cols["frequency_Hz"] += s.f.tolist()
        cols["z_real_ohm"] += s.z.real.tolist()
        cols["z_imag_ohm"] += s.z.imag.tolist()
        cols["spectrum"] += [k + 1] * f.size
    data = ImpedanceData.from_columns(
        {k: np.asarray(v) for k, v in cols.items()},
        Metadata(instrument="lithiophile.synth", format="synthetic", area_m2=area_m2),
    )
    del pl
    return data.write_parquet(folder / name)


def test_typed_results_with_metrics_provenance_and_citations(tmp_path):
    a = _file(tmp_path, "a.parquet", 80.0, area_m2=2e-4, sweeps=2)
    res = fit_files([a], circuit="one-arc", symmetric=True)
    assert isinstance(res, ImpedanceResults) and len(res.files) == 1
    item = res.files[0]
    assert isinstance(item, FileFits) and item.ok and not item.cached
    assert [f.name for f in item.fits] == ["a.parquet#1", "a.parquet#2"]
    # by construction 80 and 90 ohm; ASR per interface R x area / 2
    for fit, truth in zip(item.fits, (80.0, 90.0), strict=True):
        r = fit.metric("interfacial_resistance", "cell")
        assert isinstance(r, Metric) and r.value == pytest.approx(truth, rel=0.02)
        per = fit.metric("interfacial_asr", "per interface (symmetric cell, R x area / 2)")
        assert per.value == pytest.approx(r.value * 2e-4 / 2, rel=1e-12)
    assert item.provenance[0] == "electrode area 2 cm2 from the file's header"
    assert "Murbach2020" in res.citations and "Schonleber2014" in res.citations
    assert len(res.metrics) == 8 and res.failed == []


def test_area_option_overrides_the_header_and_says_so(tmp_path):
    a = _file(tmp_path, "a.parquet", 50.0, area_m2=2e-4)
    b = _file(tmp_path, "b.parquet", 50.0)
    res = fit_files([a, b], circuit="one-arc", area=1e-4)
    pa, pb = (item.provenance[0] for item in res.files)
    assert pa == "electrode area 1 cm2 as given, not the 2 cm2 the file's header states"
    assert pb == "electrode area 1 cm2 as given"
    asr = res.files[0].fits[0].metric("interfacial_asr")
    r = res.files[0].fits[0].metric("interfacial_resistance")
    assert asr.value == pytest.approx(r.value * 1e-4, rel=1e-12)
    none = fit_files([b], circuit="one-arc")
    assert none.files[0].provenance[0].startswith("electrode area unknown")
    assert [m.metric for m in none.metrics] == ["interfacial_resistance"]


def test_a_bad_file_is_kept_with_its_error(tmp_path):
    a = _file(tmp_path, "a.parquet", 50.0)
    res = fit_files([tmp_path / "missing.parquet", a], circuit="one-arc")
    bad, good = res.files
    assert not bad.ok and "missing.parquet" in bad.error and bad.fits == ()
    assert good.ok and len(good.fits) == 1
    assert res.failed == [bad]
    asr = fit_files([a], circuit="one-arc", asr=True)
    assert "needs the electrode area" in asr.files[0].error


def test_fixed_and_bounds_reach_every_fit(tmp_path):
    a = _file(tmp_path, "a.parquet", 50.0, sweeps=2)
    res = fit_files([a], circuit="one-arc", fix={"R0": 5.0}, bounds={"R1": (1.0, 55.0)})
    for fit in res.fits:
        assert fit.fit.parameter("R0").fixed and fit.fit.parameters_["R0"] == 5.0
        assert fit.fit.parameters_["R1"] <= 55.0
    # the second sweep has R_int 60 ohm by construction: the bound holds it at 55
    assert res.fits[1].fit.parameters_["R1"] == pytest.approx(55.0, rel=1e-6)
    auto = fit_files([a], fix={"R0": 5.0})  # 'auto': every candidate has R0
    assert auto.fits[0].fit.parameter("R0").fixed
    from lithiophile.errors import InputError

    # bad options fail before any file is read
    with pytest.raises(InputError, match="belong to none of the candidate circuits"):
        fit_files([a], fix={"R7": 5.0})
    with pytest.raises(InputError, match="has no parameter 'R7'"):
        fit_files([a], circuit="one-arc", fix={"R7": 5.0})


def test_results_are_stored_and_read_back(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    a = _file(tmp_path, "a.parquet", 70.0, area_m2=1e-4)
    first = fit_files([a], circuit="one-arc", drt=True, store=store)
    assert len(store.keys("impedance-fit")) == 1
    again = fit_files([a], circuit="one-arc", drt=True, store=store)
    assert again.files[0].cached and not first.files[0].cached
    f1, f2 = first.fits[0], again.fits[0]
    assert to_payload(f1) == to_payload(f2)
    np.testing.assert_array_equal(f1.fit.predict([1.0, 10.0]), f2.fit.predict([1.0, 10.0]))
    np.testing.assert_array_equal(f1.drt.gamma_ohm, f2.drt.gamma_ohm)
    assert f2.fit.kk_.residuals_real.shape == f1.fit.kk_.residuals_real.shape
    # other options, another key: not read back
    other = fit_files([a], circuit="one-arc", store=store)
    assert not other.files[0].cached and len(store.keys("impedance-fit")) == 2


def test_serializer_round_trip_keeps_everything(tmp_path):
    a = _file(tmp_path, "a.parquet", 40.0, area_m2=1e-4)
    fit = fit_files([a], circuit="two-arc", drt=True).fits[0]
    back = fit_from_payload(fit_to_payload(fit))
    assert to_payload(back) == to_payload(fit)
    assert back.drt.peaks == fit.drt.peaks and back.drt.notes == fit.drt.notes
    assert isinstance(back.fit, Circuit)


@pytest.mark.slow
def test_workers_give_the_results_of_one_process(tmp_path):
    paths = [_file(tmp_path, f"{k}.parquet", 30.0 + 20 * k, seed=k, sweeps=3) for k in range(4)]
    one = fit_files(paths, circuit="one-arc")
    two = fit_files(paths, circuit="one-arc", workers=2)
    assert to_payload(one.fits) == to_payload(two.fits)
