"""Fixtures of the report tests: synthetic cells written once per module, an isolated home
for the store, and a headless Chromium (skipped, with the command that installs it, where
Chromium or Playwright is missing)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from lithiophile.report.browser import FLAGS as BROWSER_FLAGS
from lithiophile.report.browser import INSTALL, chromium_path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = chromium_path()
FLAGS = list(BROWSER_FLAGS)


@pytest.fixture(autouse=True)
def _home(tmp_path_factory, monkeypatch):
    """Every test's store lives in a temporary LITHIOPHILE_HOME."""
    monkeypatch.setenv("LITHIOPHILE_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def cell_files(tmp_path_factory) -> dict[str, Path]:
    """Synthetic files whose figures are known by construction (lithiophile.synth)."""
    from lithiophile.synth import cells
    from lithiophile.synth.spectra import spectrum

    d = tmp_path_factory.mktemp("cells")
    licu = cells.li_cu(cycles=6, ce=0.97, first_ce=0.9)
    sym = cells.symmetric(cycles=5, soft_shorts=[(3.2 * 3600, 600.0)])
    sym2 = cells.symmetric(cycles=6, asr_ohm_m2=4e-3, growth_per_cycle=0.05, seed=2)
    spec = spectrum([("R", 4.0), ("RQ", 60.0, 2e-6, 0.92)], seed=1)
    return {
        "licu": licu.write(d / "licu.parquet"),
        "sym": sym.write(d / "sym.csv"),
        "sym2": sym2.write(d / "sym2.parquet"),
        "eis": spec.to_impedance_data(area_m2=1.13e-4).write_parquet(d / "eis.parquet"),
    }


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where the browser tests save a screenshot of each page (for the test log)."""
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def browser_context(tmp_path):
    """A headless system Chromium driven by Playwright, fresh profile, network off-limits
    except what a test routes."""
    if CHROMIUM is None:
        pytest.skip(INSTALL)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(INSTALL)
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 860},
            accept_downloads=True,
        )
        try:
            yield ctx
        finally:
            ctx.close()


def keep_screenshot(
    page, name: str, folder: Path, readme: bool = False, full_page: bool = False
) -> Path:
    """Save a screenshot for the test log; README screenshots (docs/img) are written when
    missing or when LITHIOPHILE_UPDATE_SCREENSHOTS=1."""
    import os

    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    target = REPO / "docs" / "img" / f"{name}.png"
    if readme and (not target.exists() or os.environ.get("LITHIOPHILE_UPDATE_SCREENSHOTS")):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return path


def figures_of(path) -> dict[str, dict]:
    """The figure specs embedded in a report, by id."""
    text = path.read_text(encoding="utf-8")
    raw = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', text, re.S)
    data = json.loads(raw.group(1).replace("<\\/", "</"))
    return {f["id"]: f for f in data["figures"]}
