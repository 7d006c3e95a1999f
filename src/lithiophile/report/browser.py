"""How the project drives a headless browser (tests and benchmarks of the report and the
dashboard): Debian's system Chromium through Playwright, never a downloaded browser."""

from __future__ import annotations

import shutil

__all__ = ["FLAGS", "INSTALL", "chromium_path"]

#: Launch flags: headless, no sandbox (root in containers), no GPU, and nothing that talks to
#: the network on its own (QUIC, background networking, component updates, sync).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

INSTALL = (
    "Chromium is not installed: make chromium (or apt-get install -y chromium chromium-driver) "
    "and pip install playwright (no 'playwright install': the system browser is used)"
)


def chromium_path() -> str | None:
    """The system Chromium, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")
