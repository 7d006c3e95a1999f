"""``lithiophile advise``: through its own typer app (CliRunner), and its demo part."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from lithiophile.cli import advise as advise_cli


def _run(*args):
    return CliRunner().invoke(advise_cli.app, list(args))


def test_text_explain_and_json():
    out = _run("--anode", "Li", "--electrolyte", "LLZO", "--top", "3")
    assert out.exit_code == 0, out.output
    assert out.output.startswith("advice for Li metal | LLZO (garnet, solid)")
    assert "cause of poor wetting: surface Li2CO3 and Li2O" in out.output
    assert " 3. " in out.output and " 4. " not in out.output
    explained = _run("--anode", "Li", "--electrolyte", "LLZO", "--explain").output
    assert "step R2" in explained and "step R4" in explained and "not applicable:" in explained
    assert "reference [22] Wang C, Gong Y" in explained
    doc = json.loads(_run("--anode", "Li", "--electrolyte", "LLZO", "--json").output)
    assert doc["system"]["electrolyte"]["family"] == "garnet"
    assert [s["rank"] for s in doc["strategies"]] == list(range(1, len(doc["strategies"]) + 1))
    assert all(
        s["steps"] and s["confidence"] in ("high", "medium", "low") for s in doc["strategies"]
    )


def test_conditions_and_results_from_a_file(tmp_path):
    results = tmp_path / "mine.json"
    results.write_text(
        json.dumps(
            {
                "metrics": [
                    {
                        "metric": "interfacial_asr",
                        "value": 0.05,
                        "unit": "ohm*m^2",
                        "conditions": {},
                        "variant": "cell (R x area)",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    out = _run(
        "--anode",
        "Li",
        "--electrolyte",
        "LLZO",
        "--from",
        str(results),
        "--temperature",
        "25 degC",
        "--current-density",
        "0.1 mA/cm^2",
        "--json",
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["system"]["temperature_K"] == pytest.approx(298.15)  # 25 degC (hand)
    assert doc["system"]["current_density_A_m2"] == pytest.approx(1.0)  # 0.1 mA cm-2 = 1 A m-2
    assert doc["your_results"][0]["metric"] == "interfacial_asr"


def test_batch_file(tmp_path):
    batch = tmp_path / "systems.csv"
    batch.write_text("anode,electrolyte\nLi,LLZO\nCu,1 M LiPF6 in EC/DEC\n", encoding="utf-8")
    doc = json.loads(_run("--batch", str(batch), "--json").output)
    assert [d["system"]["electrolyte"]["class"] for d in doc] == ["solid", "liquid"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--anode", "Li"], "advise needs --anode and --electrolyte"),
        (["--anode", "Li", "--electrolyte", "tea"], "names an electrolyte this toolkit"),
        (
            ["--anode", "Li", "--electrolyte", "LLZO", "--from", "nope.json"],
            "the --from file 'nope.json' does not exist",
        ),
        (["--anode", "Li", "--electrolyte", "LLZO", "--top", "0"], "'--top' option must be 1"),
    ],
)
def test_errors_name_the_option(args, message):
    from lithiophile.errors import InputError

    out = _run(*args)
    assert out.exit_code != 0 and isinstance(out.exception, InputError)
    assert message in str(out.exception)


def test_demo_part_runs_one_advise_and_keeps_its_file(tmp_path):
    lines: list[str] = []
    out = advise_cli.demo_part(tmp_path / "advise", lines.append, {})
    assert out["top"] and (tmp_path / "advise" / "advise-LLZO.json").is_file()
    assert json.loads(json.dumps(out))["system"].startswith("Li metal | LLZO")
    assert any("Li2CO3" in line for line in lines)
