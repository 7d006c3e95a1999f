"""``lithiophile atoms``: bind, adhesion, screen, errors, the demo part, cheap imports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lithiophile.cli.main import run


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    monkeypatch.setenv("LITHIOPHILE_HOME", str(tmp_path / "home"))


def test_import_is_cheap():
    code = (
        "import sys, lithiophile.atomistic, lithiophile.cli.atoms; "
        "print(any(m in sys.modules for m in ('torch', 'chgnet', 'ase', 'pymatgen', 'numpy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_bind_json(capsys, tmp_path):
    argv = [
        "atoms",
        "bind",
        "graphene",
        "--dopant",
        "pyridinic-N3",
        "--size",
        "3x3",
        "--sites",
        "vacancy,hollow",
        "--out",
        str(tmp_path / "relaxed"),
        "--json",
    ]
    assert run(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    names = [d["name"] for d in doc["ranking"]]
    assert names == ["graphene pyridinic-N3", "graphene pristine"]  # the reference is added
    top = doc["ranking"][0]
    assert top["relative"]["variant"] == "relative to graphene pristine"
    assert top["binding_vs_bcc"]["variant"] == "vs bcc Li"
    assert (tmp_path / "relaxed" / "graphene_pyridinic-N3.extxyz").is_file()
    # second run: from the store
    assert run(argv) == 0
    assert (
        json.loads(capsys.readouterr().out)["ranking"][0]["binding_vs_bcc"] == top["binding_vs_bcc"]
    )


def test_bind_metal_text(capsys):
    argv = [
        "atoms",
        "bind",
        "Ag",
        "--facet",
        "111",
        "--size",
        "2x2",
        "--layers",
        "3",
        "--sites",
        "hollow",
    ]
    assert run(argv) == 0
    out = capsys.readouterr().out
    assert "Ag(111)" in out and "Cu(111)" in out
    assert "decided by alloying" in out


def test_bind_errors(capsys):
    assert run(["atoms", "bind", "graphene", "--dopant", "Xx"]) == 1
    assert "error: Unknown 'dopant' 'Xx'" in capsys.readouterr().err
    assert run(["atoms", "bind", "Cu", "--facet", "0001"]) == 1
    assert "facet '0001' does not exist for fcc Cu" in capsys.readouterr().err
    assert run(["atoms", "bind", "Cu", "--model", "mace"]) == 1
    assert "'model' must be one of" in capsys.readouterr().err
    assert run(["atoms", "bind", "nothing"]) == 1
    assert "'nothing' is unknown: give graphene" in capsys.readouterr().err


def test_adhesion_errors(capsys):
    assert run(["atoms", "adhesion", "Li", "Cu", "--temperature", "300"]) == 1
    assert "300 K is below the melting point of Li" in capsys.readouterr().err
    assert run(["atoms", "adhesion", "Na", "Cu"]) == 1
    assert "FILM of atoms adhesion must be 'Li'" in capsys.readouterr().err
    assert run(["atoms", "adhesion", "Li", "Cu", "--max-strain", "0.01", "--json"]) == 1
    err = capsys.readouterr().err
    assert "needs 2.0% strain, above max_strain=1.0%. Raise 'max_strain' (CLI: --max-strain)" in err


@pytest.mark.slow
def test_adhesion_li_cu(capsys):
    assert run(["atoms", "adhesion", "Li", "Cu", "--facet", "111", "--json"]) == 0
    (res,) = json.loads(capsys.readouterr().out)["results"]
    # Dupre: gamma_int = gamma_Cu + gamma_Li - W_ad, by construction of the three numbers
    assert res["interface_energy_J_m2"] == pytest.approx(
        res["gamma_substrate_J_m2"] + res["gamma_li_J_m2"] - res["work_of_adhesion_J_m2"]
    )
    assert res["work_of_adhesion_J_m2"] > 0  # Li sticks to Cu
    assert 0 < res["strain"] <= 0.05
    from lithiophile.wetting import li_surface_tension, young_dupre_angle

    # the predicted angle is Young-Dupre with Davison's gamma_Li at the default 573.15 K
    assert res["contact_angle_deg"] == pytest.approx(
        young_dupre_angle(res["work_of_adhesion_J_m2"], li_surface_tension(573.15))
    )
    assert res["contact_angle"]["conditions"]["temperature_K"] == 573.15
    assert res["work_of_adhesion"]["value"] == res["work_of_adhesion_J_m2"]
    from lithiophile.atomistic.adhesion import AdhesionResult

    back = AdhesionResult.from_dict({**res, "structure": ""})
    assert back.work_of_adhesion_J_m2 == res["work_of_adhesion_J_m2"]


def test_screen(tmp_path, capsys):
    f = tmp_path / "hosts.yaml"
    f.write_text(
        "jobs:\n"
        "  - {name: pristine, host: graphene, size: 3x3, sites: [hollow]}\n"
        "  - {name: N3V, host: graphene, dopant: pyridinic-N3, size: 3x3, sites: [vacancy]}\n"
    )
    assert run(["atoms", "screen", str(f), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [d["name"] for d in doc["ranking"]] == ["N3V", "pristine"]
    assert doc["cached"] == 0
    assert run(["atoms", "screen", str(f)]) == 0
    assert "2 jobs, 2 from the store" in capsys.readouterr().out


def test_demo_part(tmp_path):
    from lithiophile.cli.atoms import demo_part

    lines = []
    out = demo_part(tmp_path, lines.append, {})
    assert lines[0].startswith("== atoms:")
    order = [d["name"] for d in out["ranking"]]
    assert order == ["graphene pyridinic-N3", "graphene monovacancy", "graphene pristine"]
    json.dumps(out)  # JSON-able


def test_bind_structure_file(tmp_path, capsys):
    from lithiophile.atomistic.carbon import graphene
    from lithiophile.atomistic.structio import write_structure

    path = write_structure(graphene((3, 3), "B"), tmp_path / "host.cif")
    assert run(["atoms", "bind", str(path), "--sites", "hollow", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["ranking"]
    assert row["host"] == "C17B"  # a file carries no motif label: the formula names it
    assert "no reference site" in row["verdict"]
