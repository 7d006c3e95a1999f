"""``lithiophile chem`` in-process: react, interface, map, assess, errors and the demo part."""

from __future__ import annotations

import json

import pytest

from lithiophile.cli.main import run


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("LITHIOPHILE_HOME", str(tmp_path / "home"))


def test_react_json(capsys):
    assert run(["chem", "react", "ZnO", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["equation"] == "2 Li + ZnO -> Li2O + Zn"
    # hand calculation (CRC): (-597.9 + 350.5) kJ/mol / 96.485 / 4 atoms = -0.641 eV/atom
    assert d["energy_per_atom_eV"] == pytest.approx(-0.641, abs=0.002)


def test_react_text(capsys):
    assert run(["chem", "react", "ZnO"]) == 0
    out = capsys.readouterr().out
    assert "most negative per atom: 2 Li + ZnO -> Li2O + Zn" in out
    assert "with excess Li: 3 Li + ZnO -> Li2O + LiZn" in out


def test_interface_text_and_json(capsys):
    assert run(["chem", "interface", "Li7La3Zr2O12"]) == 0
    out = capsys.readouterr().out
    # issue 13: LLZO is computed (CHGNet + SevenNet, ordered tetragonal cell): stable at Li
    # metal, type I, and the cited first-principles view (Zhu 2015: type I) is shown beside it
    assert "interface type I (computed)" in out
    assert "literature (Zhu2015ACSAMI): type I, agrees" in out
    assert run(["chem", "interface", "Li3N", "--json"]) == 0
    # issue 13: stable Li3N is type I (review Fig. 4E), noted as an insulating interlayer
    d = json.loads(capsys.readouterr().out)
    assert d["type"] == "I"
    assert any("electronically insulating interlayer" in r for r in d["reasons"])


def test_interface_with_entries_file(tmp_path, capsys):
    from tests.thermo.conftest import recorded_entries

    path = tmp_path / "entries.json"
    path.write_text(json.dumps(recorded_entries()))
    assert run(["chem", "interface", "ZnO", "--source", str(path), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["type"] == "III" and d["reaction"]["source"] == "entries.json"


def test_map_png(tmp_path, capsys):
    out = tmp_path / "map.png"
    assert run(["chem", "map", "-o", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert "of the review's green/blue elements predicted to react" in capsys.readouterr().out


def test_assess_solid(capsys):
    assert run(["chem", "assess", "Al2O3", "--electrolyte", "solid", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["interface_type"] == "III" and d["alloys_with_li"] is True


def test_unknown_is_not_no(capsys):
    # issue 12 item 10: H2O has no energy in the source: nothing is called lithiophobic
    assert run(["chem", "assess", "H2O"]) == 0
    out = capsys.readouterr().out
    assert "lithiophobic" not in out and "unknown" in out.splitlines()[0]
    assert "reaction energy: unknown" in out and "wets molten Li: unknown" in out


@pytest.mark.parametrize("args", [["chem", "assess", "LiLiLi"], ["chem", "react", "Li"]])
def test_lithium_itself_is_a_clear_error(args, capsys):
    assert run(args) == 1
    err = capsys.readouterr().err
    assert "is lithium itself" in err and "Traceback" not in err


def test_assess_prints_a_contact_angle(capsys):
    assert run(["chem", "assess", "Li2CO3", "--temperature", "453.65K"]) == 0
    out = capsys.readouterr().out
    assert "wets molten Li: no, contact angle 114 deg (range 90-134) at 453.65 K" in out


def test_errors(capsys):
    assert run(["chem", "react", "Qq2O"]) == 1
    assert "error: 'material' 'Qq2O' names an unknown element 'Qq'" in capsys.readouterr().err
    assert run(["chem", "assess", "ZnO", "--electrolyte", "gel"]) == 1
    assert "'--electrolyte' must be 'liquid'" in capsys.readouterr().err
    # issue 12 item 9: the message names the option the user typed
    assert run(["chem", "assess", "ZnO", "--temperature", "400K"]) == 1
    assert "'--temperature' = 400 K is below the melting point of Li" in capsys.readouterr().err
    assert run(["chem", "map", "-o", "map.svg"]) == 1
    assert "must end in .png" in capsys.readouterr().err


def test_demo_part(tmp_path):
    from lithiophile.cli.chem import demo_part

    lines: list[str] = []
    out = demo_part(tmp_path, lines.append, {})
    json.dumps(out)  # JSON-able
    assert lines[0].startswith("== chem:")
    text = "\n".join(lines)
    assert "2 Li + ZnO -> Li2O + Zn" in text and "interface type II" in text
    types = {a["material"]: a["interface_type"] for a in out["assessments"]}
    # issue 13: LiF is type I (stable; an electronically insulating interlayer), Li3PS4 II
    assert types == {
        "ZnO": "III",
        "Al2O3": "III",
        "LiF": "I",
        "Li3PS4": "II",
        "Li7La3Zr2O12": "I",
    }
    assert all(a["contact_angle_deg"] is not None for a in out["assessments"])
    # gamma(523.15 K) (1 + cos 30) = 0.722962 J/m2
    assert out["wetting"]["work_of_adhesion_for_30deg_J_m2"] == pytest.approx(0.722962, abs=1e-6)
