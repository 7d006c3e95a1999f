"""``lithiophile wet`` in-process."""

from __future__ import annotations

import json
import math

import pytest

from lithiophile.cli.main import run


def test_wet_json(capsys):
    assert (
        run(["wet", "--theta", "110", "--roughness", "1.6", "--temperature", "250C", "--json"]) == 0
    )
    d = json.loads(capsys.readouterr().out)
    assert d["temperature_K"] == pytest.approx(523.15)
    # cos* = 1.6 cos 110 = -0.547232 -> 123.18 deg
    assert d["wenzel"]["angle_deg"] == pytest.approx(
        math.degrees(math.acos(1.6 * math.cos(math.radians(110))))
    )
    assert d["wenzel"]["regime"] == "partial wetting"


def test_wet_accepts_the_crc_melting_point(capsys):
    # issue 13: 453.65 K (180.50 C, CRC Handbook) is molten Li; Davison's correlation anchored
    # at 453.69 K gives 0.3957 + 1.19e-4 * 0.04 N/m there
    assert run(["wet", "--theta", "90", "--temperature", "453.65K", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["li_surface_tension_N_m"] == pytest.approx(0.3957 + 1.19e-4 * 0.04, abs=1e-9)


def test_wet_text_complete_wetting(capsys):
    assert run(["wet", "--theta", "30", "--roughness", "3", "--temperature", "523K"]) == 0
    assert "0.0 deg (complete wetting)" in capsys.readouterr().out


def test_wet_adhesion_and_target(capsys):
    assert run(["wet", "--adhesion", "0.722962", "--target", "0", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["young_dupre"]["angle_deg"] == pytest.approx(30.0, abs=1e-3)
    assert d["wenzel_roughness_for_target"] == pytest.approx(
        1 / math.cos(math.radians(30)), rel=1e-4
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--theta", "110", "--roughness", "0.5"], "must be >= 1"),
        (["--theta", "110", "--temperature", "-300C"], "below absolute zero"),
        (["--theta", "110", "--temperature", "hot"], "such as '250C'"),
        (["--roughness", "2"], "give --theta"),
        (["--theta", "100", "--target", "30"], "no Wenzel roughness"),
        # issue 12 item 9: the option as typed; 453.64 K is below the CRC melting point
        (["--theta", "90", "--temperature", "453.64K"], "'--temperature' = 453.64 K is below"),
        (["--theta", "200"], "'--theta' must be a contact angle between 0 and 180 degrees"),
    ],
)
def test_wet_errors(args, message, capsys):
    assert run(["wet", *args]) == 1
    assert message in capsys.readouterr().err
