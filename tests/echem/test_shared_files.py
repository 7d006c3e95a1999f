"""Every cycling file in ../shared/data/cycler is analysed with a recognised protocol or
refused with a clear LithiophileError; none crashes."""

import warnings
from pathlib import Path

import pytest
from tests.conftest import SHARED_CYCLER

from lithiophile.echem import analyze
from lithiophile.errors import LithiophileError

NAMES = sorted(p.name for p in SHARED_CYCLER.glob("*") if p.name != "MANIFEST.md") or ["none"]


@pytest.mark.parametrize("name", NAMES)
def test_shared_file_is_analysed_or_refused(shared, name):
    import lithiophile.io as lio

    path: Path = shared(name)
    from lithiophile.errors import DependencyMissing

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # readers' column warnings are not under test here
        try:
            data = lio.read(path)
        except DependencyMissing as exc:  # e.g. mdbtools for Arbin .res: the readers' tests
            pytest.skip(f"{name} cannot be read here: {exc}")
    if not isinstance(data, lio.CellData):  # a spectrum: refused, pointing to eis fit
        with pytest.raises(LithiophileError, match=r"needs cycling data.*eis fit"):
            analyze(data)
        return
    try:
        result = analyze(data)
    except LithiophileError as exc:
        message = str(exc)
        # a refusal says what was found
        assert "found segments" in message or "half-cycles" in message, message
        return
    assert result.protocol in {"li-cu", "li-cu-reservoir", "symmetric", "ccd", "nucleation"}
    assert result.metrics
