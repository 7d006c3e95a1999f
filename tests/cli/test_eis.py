"""``lithiophile eis`` in-process: fit, series, errors, plots and the demo part."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from lithiophile.cli.main import run
from lithiophile.synth.spectra import frequencies, spectrum


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("LITHIOPHILE_HOME", str(tmp_path / "home"))


def _write(tmp_path: Path, name: str, r_int: float, area_m2=None, temperature_K=None, seed=0):
    f = frequencies(1e6, 1e-2, 8)
    s = spectrum([("R", 5.0), ("RQ", r_int, 1e-5, 0.9)], f, seed=seed)
    cols = {"temperature_K": temperature_K} if temperature_K is not None else {}
    data = s.to_impedance_data(area_m2=area_m2, **cols)
    return data.write_parquet(tmp_path / name)


def test_fit_json_reports_r_and_asr(tmp_path, capsys):
    path = _write(tmp_path, "a.parquet", 80.0, area_m2=2e-4)
    assert run(["eis", "fit", str(path), "-c", "one-arc", "--symmetric", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    metrics = {(m["metric"], m["variant"]): m for m in out["metrics"]}
    r = metrics[("interfacial_resistance", "cell")]["value"]
    assert r == pytest.approx(80.0, rel=0.02)  # by construction
    per = metrics[("interfacial_asr", "per interface (symmetric cell, R x area / 2)")]
    assert per["value"] == pytest.approx(r * 2e-4 / 2)
    assert out["fit"]["lin_kk"]["passed"] is True


def test_fit_text_drt_and_plots(tmp_path, capsys):
    path = _write(tmp_path, "a.parquet", 50.0)
    png, html = tmp_path / "fit.png", tmp_path / "fit.html"
    assert run(["eis", "fit", str(path), "--drt", "--area", "1 cm^2", "--plot", str(png)]) == 0
    text = capsys.readouterr().out
    assert "interfacial asr" in text and "ohm cm2" in text and "DRT (lambda" in text
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"
    assert run(["eis", "fit", str(path), "--plot", str(html)]) == 0
    assert "plotly" in html.read_text()[:100_000].lower()


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_fit_errors(tmp_path, capsys):
    path = _write(tmp_path, "a.parquet", 50.0)
    assert run(["eis", "fit", str(path), "--asr"]) == 1
    assert "needs the electrode area" in _one_error_line(capsys)  # ohm cm2 without an area
    assert run(["eis", "fit", str(path), "--area", "-1 cm^2"]) == 1
    assert "'area' option of eis must be a positive area" in _one_error_line(capsys)
    assert run(["eis", "fit", str(path), "--area", "3 kg"]) == 1
    assert "'area' option of eis must be an area such as '1.13 cm^2'" in _one_error_line(capsys)
    assert run(["eis", "fit", str(path), "-c", "R0-p(R1"]) == 1
    assert "expected ')'" in _one_error_line(capsys)
    assert run(["eis", "fit", str(path), "-c", "R0-p(R1,X1)"]) == 1
    assert "unknown element 'X1' at position 8" in _one_error_line(capsys)
    assert run(["eis", "fit", str(path), "--plot", str(tmp_path / "x.pdf")]) == 1
    assert "must end in .png or .html" in _one_error_line(capsys)
    assert run(["eis", "fit", str(tmp_path / "missing.csv")]) == 1
    line = _one_error_line(capsys)
    assert "no such file" in line and "missing.csv" in line


def test_fit_of_two_files_as_json(tmp_path, capsys):
    a = _write(tmp_path, "a.parquet", 30.0, seed=1)
    b = _write(tmp_path, "b.parquet", 300.0, seed=2)
    assert run(["eis", "fit", str(a), str(b), "-c", "one-arc", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in out] == ["a.parquet", "b.parquet"]
    r = [next(m["value"] for m in r["metrics"]) for r in out]
    assert r == [pytest.approx(30.0, rel=0.02), pytest.approx(300.0, rel=0.02)]  # by construction


def test_fit_refuses_cycling_data(tmp_path, capsys):
    from lithiophile.io import CellData

    t = np.arange(20.0)
    cd = CellData.from_columns({"time_s": t, "voltage_V": 0.01 + 0 * t, "current_A": 1e-3 + 0 * t})
    path = cd.write_parquet(tmp_path / "c.parquet")
    assert run(["eis", "fit", str(path)]) == 1
    assert "holds cycling data, not an impedance spectrum" in capsys.readouterr().err


def test_series_by_temperature(tmp_path, capsys):
    # R_int = 100 ohm at 298.15 K scaled by exp(Ea/k (1/T - 1/298.15)), Ea = 0.5 eV
    k_b = 8.617333262e-5
    paths = []
    for i, t in enumerate([283.15, 298.15, 313.15]):
        r = 100.0 * np.exp(0.5 / k_b * (1 / t - 1 / 298.15))
        paths.append(str(_write(tmp_path, f"t{i}.parquet", r, temperature_K=t, seed=i)))
    assert run(["eis", "series", *paths, "--by", "temperature", "-c", "one-arc", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["activation_energy"]["value"] == pytest.approx(0.5, abs=0.02)
    assert [p["x"] for p in out["points"]] == pytest.approx([283.15, 298.15, 313.15])


def test_series_values_option_and_errors(tmp_path, capsys):
    paths = [str(_write(tmp_path, f"c{i}.parquet", 50.0 + 10 * i, seed=i)) for i in range(2)]
    assert run(["eis", "series", *paths, "--by", "cycle", "--values", "0,10", "-c", "one-arc"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("Interfacial resistance"))
    # by construction 50 -> 60 ohm (no area: R in ohm)
    m = re.match(r"Interfacial resistance before/after cycling: (\S+) -> (\S+) ohm \((.*)\)", line)
    assert m, line
    assert float(m[1]) == pytest.approx(50.0, rel=0.02)
    assert float(m[2]) == pytest.approx(60.0, rel=0.02)
    assert m[3] == "before cycling -> after 10 cycles"
    assert run(["eis", "series", *paths, "--by", "rest", "--values", "0 h,2 parsecs"]) == 1
    assert "--values: cannot read '2 parsecs'" in _one_error_line(capsys)
    assert run(["eis", "series", *paths, "--by", "weather"]) == 1
    assert "--by must be one of" in _one_error_line(capsys)
    assert run(["eis", "series", *paths, "--by", "temperature", "-c", "one-arc"]) == 1
    assert "does not state its temperature" in _one_error_line(capsys)


def test_series_by_rest_from_the_sweeps_of_one_file(shared, capsys):
    # the four PEIS loops of one EC-Lab run: rest times from the sweeps' start times
    import lithiophile.io as lio
    from lithiophile.echem.impedance import Circuit, spectra_of

    path = shared("yadg__peis.issue_149.mpt")
    parts = spectra_of(lio.read(path))
    assert run(["eis", "series", str(path), "--by", "rest", "-c", "one-arc", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    start = min(p.time_s for p in parts)
    assert [p["x"] for p in out["points"]] == pytest.approx([p.time_s - start for p in parts])
    # each point is the one-arc fit of its own sweep
    for point, part in zip(out["points"], parts, strict=True):
        fit = Circuit("R0-p(R1,CPE1)", kk_check=False).fit(part.f, part.z)
        assert point["r_ohm"] == pytest.approx(fit.parameters_["R1"], rel=1e-6)
    hours = out["points"][-1]["x"] / 3600
    assert out["after"]["conditions"]["rest_time_s"] == pytest.approx(hours * 3600)
    assert run(["eis", "series", str(path), "--by", "rest", "-c", "one-arc"]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "before/after" in ln)
    assert line.startswith("Interfacial resistance before/after rest:")
    assert "(before rest -> after " in line and " h rest)" in line


def test_demo_part(tmp_path):
    from lithiophile.cli.eis import demo_part
    from lithiophile.metrics import as_metric

    lines: list[str] = []
    out = demo_part(tmp_path / "eis", lines.append, {})
    assert lines[0].startswith("== eis:")
    before_row = next(ln for ln in lines if "interfacial resistance (before cycling)" in ln)
    after_row = next(ln for ln in lines if "interfacial resistance (after cycling)" in ln)
    # by construction: R_int 150 -> 40 ohm, 1.13 cm2, per interface R x area / 2
    # = 84.75 -> 22.6 ohm cm2
    assert float(before_row.split()[4]) == pytest.approx(84.75, rel=0.02)
    assert float(after_row.split()[4]) == pytest.approx(22.6, rel=0.02)
    assert "ohm cm2" in after_row and "after 10 cycles" in after_row
    table = [ln for ln in lines if "Interfacial resistance before/after cycling:" in ln]
    assert len(table) == 1 and "ohm cm2" in table[0]
    assert out["before"]["value"] == pytest.approx(150.0 * 1.13e-4 / 2, rel=0.02)  # ohm m^2
    assert out["after"]["value"] == pytest.approx(40.0 * 1.13e-4 / 2, rel=0.02)
    # the kb part reads these back as Metric records
    before, after = as_metric(out["before"]), as_metric(out["after"])
    assert before.metric == after.metric == "interfacial_asr"
    assert (before.conditions.cycle, after.conditions.cycle) == (0, 10)
    json.dumps(out)  # JSON-able


def test_fit_fix_bounds_and_model_round_trip(tmp_path, capsys):
    # by construction R0 5 ohm, R_int 80 ohm
    path = _write(tmp_path, "a.parquet", 80.0)
    assert run(["eis", "fit", str(path), "-c", "one-arc", "--fix", "R0=5", "--json"]) == 0
    params = {p["name"]: p for p in json.loads(capsys.readouterr().out)["fit"]["parameters"]}
    assert params["R0"]["value"] == 5.0 and params["R0"]["fixed"] and params["R0"]["stderr"] == 0
    assert params["R1"]["value"] == pytest.approx(80.0, rel=0.02)
    assert run(["eis", "fit", str(path), "-c", "one-arc", "--bounds", "R1=1:40", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    r1 = next(p for p in out["fit"]["parameters"] if p["name"] == "R1")
    assert r1["value"] == pytest.approx(40.0, rel=1e-6)  # held below the true 80
    assert any("ended on a bound" in n for n in out["fit"]["notes"])
    model = tmp_path / "m.json"
    args = ["eis", "fit", str(path), "-c", "one-arc", "--fix", "R0=5", "--save-model", str(model)]
    assert run(args) == 0
    assert f"model written to {model}" in capsys.readouterr().out
    assert run(["eis", "show", str(model), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["circuit"] == "R0-p(R1,CPE1)" and shown["fixed"] == {"R0": 5.0}
    # a refit that starts from the saved model keeps its circuit and its fixed R0
    assert run(["eis", "fit", str(path), "--model", str(model), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["fit"]["circuit"] == "R0-p(R1,CPE1)" and again["fit"]["fixed"] == {"R0": 5.0}
    r1_again = next(p for p in again["fit"]["parameters"] if p["name"] == "R1")["value"]
    r1_saved = next(p for p in shown["parameters"] if p["name"] == "R1")["value"]
    assert r1_again == pytest.approx(r1_saved, rel=1e-6)
    assert run(["eis", "fit", str(path), "--model", str(model), "-c", "two-arc"]) == 1
    assert "disagree" in _one_error_line(capsys)
    assert run(["eis", "fit", str(path), "-c", "one-arc", "--fix", "R9=1"]) == 1
    assert "has no parameter 'R9'" in _one_error_line(capsys)
    assert run(["eis", "fit", str(path), "--fix", "R0"]) == 1
    assert "--fix: expected NAME=VALUE" in _one_error_line(capsys)


def test_fit_stores_results_and_workers_change_nothing(tmp_path, capsys):
    a = _write(tmp_path, "a.parquet", 30.0, seed=1)
    b = _write(tmp_path, "b.parquet", 300.0, seed=2)
    store = tmp_path / "s.duckdb"
    base = ["eis", "fit", str(a), str(b), "-c", "one-arc", "--store", str(store)]
    assert run([*base, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert run([*base, "--workers", "2", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert first == second
    from lithiophile.store import Store

    assert len(Store(store).keys("impedance-fit")) == 2
    assert run(base) == 0
    text = capsys.readouterr().out
    assert text.count("(from the store)") == 2
    assert "electrode area unknown" in text


def test_fit_batch_with_a_failing_file_exits_1_after_the_others(tmp_path, capsys):
    a = _write(tmp_path, "a.parquet", 30.0)
    assert run(["eis", "fit", str(a), str(tmp_path / "gone.parquet"), "-c", "one-arc"]) == 1
    captured = capsys.readouterr()
    assert "a.parquet" in captured.out and "interfacial resistance" in captured.out
    assert "failed: " in captured.err and "gone.parquet" in captured.err
    assert "1 of 2 files failed" in captured.err
