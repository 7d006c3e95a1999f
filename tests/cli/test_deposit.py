"""``lithiophile deposit`` through its own typer app."""

from __future__ import annotations

import json

import pytest

pytest.importorskip(
    "jax", reason="the deposition engine needs JAX (pip install 'lithiophile[deposition]')"
)
from typer.testing import CliRunner

from lithiophile.cli.deposit import app, demo_part
from lithiophile.errors import InputError

runner = CliRunner()


def test_deposit_writes_figures_and_metrics(tmp_path):
    out = tmp_path / "run"
    res = runner.invoke(
        app,
        [
            "--substrate",
            "Cu",
            "--theta",
            "120",
            "--current-density",
            "2 mA cm^-2",
            "--time",
            "20s",
            "--grid",
            "32",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["contact_angle_basis"] == "given (--theta)"
    names = {m["metric"] for m in d["metrics"]}
    assert {"nucleation_overpotential", "deposit_roughness", "substrate_coverage"} <= names
    eta = next(m for m in d["metrics"] if m["metric"] == "nucleation_overpotential")
    assert eta["conditions"]["current_density_A_m2"] == pytest.approx(20.0)  # 2 mA cm-2
    assert eta["conditions"]["time_s"] == pytest.approx(20.0)
    # the keys users read (kept when the hand-written as_dict gave way to to_payload)
    keys = {"setup", "metrics", "table_row", "nuclei", "charge_error", "steps", "wall_s", "notes"}
    assert keys <= set(d)
    assert eta["unit"] == "V"
    assert d["setup"]["substrate"] == "Cu" and d["setup"]["theta_deg"] == [120.0]
    assert d["setup"]["dt_s"] is None and d["setup"]["dt_used_s"] > 0  # automatic step
    assert d["setup"]["params"]["transfer_coefficient"] == 0.5
    assert "raw" not in d and d["table_row"]["coverage_pct"] >= 0
    saved = json.loads((out / "deposit.json").read_text())
    assert saved["metrics"] == d["metrics"]
    for f in ("deposit_snapshots.png", "deposit_growth.gif", "deposit_roughness_coverage.png"):
        assert (out / f).stat().st_size > 1000
    assert (out / f).read_bytes()[:4] == b"\x89PNG"
    assert (out / "deposit_growth.gif").read_bytes()[:3] == b"GIF"


def test_contact_angle_from_a_work_of_adhesion(tmp_path):
    # Young-Dupre at the melting point: W_ad = gamma (1 + cos 60) with gamma = 0.3957 N/m
    w = 0.3957 * 1.5
    res = runner.invoke(
        app,
        [
            "--substrate",
            "ZnO",
            "--adhesion",
            str(w),
            "--time",
            "2s",
            "--grid",
            "32",  # the grid of the test above: its compiled step serves this run too
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "contact angle 60.0 deg (Young-Dupre" in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--theta", "200"], "between 0 and 180"),
        (["--theta", "90", "--dt", "1000"], "beyond the stability limit"),
        (["--theta", "90", "--current-density", "fast"], "--current-density"),
        (["--theta", "90", "--exchange-current", "-1 mA cm^-2"], "--exchange-current must be"),
    ],
)
def test_bad_input(args, message, tmp_path):
    res = runner.invoke(app, [*args, "--grid", "16", "--time", "2s", "--out", str(tmp_path)])
    assert res.exit_code != 0
    assert isinstance(res.exception, InputError) or "Error" in type(res.exception).__name__
    assert message in str(res.exception)
    assert not (tmp_path / "deposit_snapshots.png").exists()


@pytest.mark.parametrize(
    ("substrate", "verdict"),
    [("ZnO", "ZnO wets molten Li"), ("Cu", "Cu does not wet molten Li")],
)
def test_substrate_without_angle_says_what_to_give(substrate, verdict, tmp_path):
    # the chemistry verdict (thermo, consulted by the CLI, not by deposition) rides along:
    # ZnO reacts to a metallic interface (Li2O + LiZn), Cu neither reacts nor alloys
    # (Wang et al. 2019 rule)
    res = runner.invoke(app, ["--substrate", substrate, "--grid", "16", "--out", str(tmp_path)])
    assert res.exit_code != 0
    assert isinstance(res.exception, InputError)
    assert "Give --theta" in str(res.exception)
    assert verdict in str(res.exception)


@pytest.mark.slow
def test_demo_part_prints_the_table(tmp_path):
    lines = []
    d = demo_part(tmp_path, lines.append, {})
    text = "\n".join(lines)
    assert "lithiophilic" in text and "lithiophobic" in text and "seeds" in text
    assert len(d["rows"]) == 3
    # check 6 of issue 15: potentiostatic holds reported against Pei et al. 2017
    assert "potentiostatic holds" in text and "(classical 3)" in text
    assert d["potentiostatic_scaling"]["density"]["rows"] >= 3
    json.dumps(d, allow_nan=False)  # JSON-able, no NaN
