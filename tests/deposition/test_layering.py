"""deposition/ imports only what stands below it (DESIGN.md layers): never thermo, kb, advise,
report, echem or cli; and it asks the caller for any chemistry verdict instead."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import lithiophile
from lithiophile.errors import InputError

ABOVE_OR_BESIDE = ("cli", "report", "advise", "kb", "thermo", "echem")


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "lithiophile":  # from lithiophile import thermo
                names.update(f"lithiophile.{a.name}" for a in node.names)
    return names


def test_deposition_imports_nothing_above_it():
    folder = Path(lithiophile.__file__).parent / "deposition"
    files = sorted(folder.glob("*.py"))
    assert len(files) > 5  # the package is really there
    bad = {
        f"{f.name}: {m}"
        for f in files
        for m in _imported_modules(f)
        if m.split(".")[:2][-1] in ABOVE_OR_BESIDE and m.startswith("lithiophile.")
    }
    assert not bad, bad


def test_no_angle_error_carries_the_callers_verdict_only():
    from lithiophile.deposition.predict import contact_angle_for

    with pytest.raises(InputError, match="Give --theta") as plain:
        contact_angle_for("ZnO")
    assert "wets" not in str(plain.value)  # deposition itself judges no chemistry
    note = "ZnO wets molten Li (test verdict), but that rule gives no angle."
    with pytest.raises(InputError, match=r"ZnO wets molten Li \(test verdict\)"):
        contact_angle_for("ZnO", verdict=note)
    assert contact_angle_for("ZnO", theta_deg=45.0, verdict=note).theta_deg == 45.0
