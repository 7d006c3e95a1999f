"""Running mdbtools (``mdb-count``, ``mdb-tables``, ``mdb-export``) on a Microsoft Access file
safely: a separate process (LGPL/GPL program, never linked), stopped at the first message on
stderr, on a timeout, on silence (a loop over a damaged page chain) or on runaway output.

Used by the Arbin ``.res`` reader (:mod:`lithiophile.io.arbin_res`), which parses what these
commands print.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lithiophile.errors import DependencyMissing

__all__ = ["INSTALL_HINT", "export_all", "first_lines", "missing_table", "run", "tool"]

INSTALL_HINT = (
    "install mdbtools: 'apt-get install mdbtools' (Debian/Ubuntu), 'brew install mdbtools' "
    "(macOS) or 'conda install -c conda-forge mdbtools', then make sure 'mdb-export' is on PATH"
)
STALL_S = 3.0  # mdb-export writes rows every millisecond; silence this long is a loop


def tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        raise DependencyMissing(
            f"reading Arbin .res files needs the '{name}' program of mdbtools, which is not on "
            f"PATH; {INSTALL_HINT}."
        )
    return exe


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("LC_ALL", None)
    env["LC_NUMERIC"] = "C"  # decimal points, whatever the user's locale
    return env


def run(
    args: Sequence[str],
    timeout_s: float,
    *,
    stall_s: float | None = None,
    max_output: int = 1 << 40,
) -> tuple[int | None, bytes, str]:
    """Exit status (None when stopped), stdout and stderr of one mdbtools command.

    The process is stopped as soon as it writes to stderr (after 0.1 s to finish its message:
    on a damaged page mdbtools may print the same warning forever), when it runs past
    ``timeout_s``, when it writes nothing to stdout for ``stall_s`` (a silent loop over a
    damaged page chain), or when its output passes ``max_output`` bytes.
    """
    try:
        proc = subprocess.Popen(  # fixed program, list arguments, no shell
            list(args),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(),
        )
    except OSError as exc:
        raise DependencyMissing(f"could not run '{args[0]}' ({exc}); {INSTALL_HINT}.") from None
    try:
        return _watch(proc, timeout_s, stall_s, max_output)
    finally:
        if proc.poll() is None:  # an exception (KeyboardInterrupt ...) while watching
            proc.kill()
            proc.wait()


def _watch(
    proc: subprocess.Popen[bytes], timeout_s: float, stall_s: float | None, max_output: int
) -> tuple[int | None, bytes, str]:
    out, err = bytearray(), bytearray()
    wake = threading.Event()
    last_output = [time.monotonic()]

    def pump(stream: Any, buf: bytearray) -> None:
        try:
            while chunk := stream.read1(1 << 16):
                buf.extend(chunk)
                if buf is out:
                    last_output[0] = time.monotonic()
                if buf is err or len(buf) > max_output:
                    wake.set()
        finally:
            stream.close()
            wake.set()

    pumps = [
        threading.Thread(target=pump, args=(proc.stdout, out), daemon=True),
        threading.Thread(target=pump, args=(proc.stderr, err), daemon=True),
    ]
    for t in pumps:
        t.start()
    end = time.monotonic() + timeout_s
    why = ""
    while True:
        wake.clear()
        if err:
            try:
                proc.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                why = "stopped"
            break
        if len(out) > max_output:
            why = f"stopped after {len(out)} bytes of output (looping over damaged pages?)"
            break
        if not any(t.is_alive() for t in pumps):
            break
        now = time.monotonic()
        remaining = end - now
        if remaining <= 0:
            why = f"timed out after {timeout_s:g} s"
            break
        if stall_s is not None:
            quiet = now - last_output[0]
            if quiet >= stall_s:
                why = f"no output for {stall_s:g} s (looping over a damaged page chain?)"
                break
            remaining = min(remaining, stall_s - quiet)
        wake.wait(remaining)
    if why:
        proc.kill()
    rc = proc.wait()
    for t in pumps:
        t.join()
    message = bytes(err[:8192]).decode("utf-8", "replace").strip()
    if why and why != "stopped":
        message = f"{message}; {why}" if message else why
    return (None if why else rc), bytes(out), message


def first_lines(text: str, n: int = 3) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    seen: list[str] = []
    for ln in lines:
        if ln not in seen:
            seen.append(ln)
    out = "; ".join(seen[:n])
    return out + (" ..." if len(seen) > n else "")


def export_all(
    path: Path, tables: Sequence[str], timeout_s: float
) -> dict[str, tuple[int | None, bytes, str]]:
    """mdb-export of each table, all at once (one process per table)."""
    export = tool("mdb-export")
    # a page holds at most ~200 rows of at most ~600 characters of CSV: 30 bytes per byte
    limit = 40 * path.stat().st_size + (1 << 20)
    with ThreadPoolExecutor(max_workers=len(tables)) as pool:
        futures = {
            t: pool.submit(
                run, [export, str(path), t], timeout_s, stall_s=STALL_S, max_output=limit
            )
            for t in tables
        }
        return {t: f.result() for t, f in futures.items()}


def missing_table(stderr: str) -> bool:
    """True when mdb-export's message says only that the table does not exist."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    return bool(lines) and all("does not exist" in ln for ln in lines)
