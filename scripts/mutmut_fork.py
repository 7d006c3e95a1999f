"""Fast mutation testing: a fork server that runs pytest for mutmut without a fresh interpreter.

mutmut runs the test command once per mutant. A fresh ``python -m pytest`` spends most of its
time importing numpy, scipy, polars, pymatgen and pytest itself, often 5-20 s before the first
test runs. This script imports those third-party modules once, in a server process, and forks
it for every test run: the child starts with them already in memory, imports ``lithiophile``
afresh (so the mutant mutmut has just written to disk is what runs) and calls
``pytest.main``. A mutant then costs about as much as its tests.

Subcommands::

    python scripts/mutmut_fork.py mutate --paths-to-mutate src/lithiophile/units.py \\
        --tests "tests/test_units.py" [--socket PATH] [-- <more mutmut run options>]
    python scripts/mutmut_fork.py serve PATH [--preload numpy,scipy]   # server only
    python scripts/mutmut_fork.py client PATH <pytest args>            # one test run

``mutate`` starts a server on a private socket, runs ``mutmut run`` with this script's client
as the runner, and stops the server however mutmut ends (``make mutate`` calls it).

Rules the server keeps:

- The project package is never imported in the server (checked in each child), so no mutant
  is hidden by a module imported before it was written.
- No bytecode is written (a mutant of the same size within the same second could otherwise
  be served from a stale ``.pyc``).
- Exit codes follow mutmut 2.x, which counts a mutant as killed only for exit code 1: any
  failed run (failing test, import or collection error) answers 1, a passing run 0. A client
  that cannot reach the server answers 2 (mutmut then reports the mutant as surviving, never
  as falsely killed), so a broken server shows as survivors, not as a perfect score.
- When mutmut times a run out it kills the client; the server sees the closed connection and
  kills the test process group, so the next mutant does not wait behind it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import select
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: Third-party modules imported once by the server; missing ones are skipped.
PRELOAD = (
    "numpy",
    "scipy",
    "scipy.optimize",
    "scipy.signal",
    "scipy.interpolate",
    "polars",
    "pandas",
    "pymatgen.core",
    "pymatgen.analysis.phase_diagram",
    "pymatgen.entries.compatibility",
    "hypothesis",
    "pytest",
    "_pytest",
    "xdist",
)
#: The package under test: imported only in the children, afresh for each run.
PROJECT = "lithiophile"
#: Options for pytest: stop at the first failure, fixed order, no cache, no xdist workers.
PYTEST_OPTIONS = "-x -q -p no:randomly -p no:cacheprovider -n 0"
STOP = "stop"
#: Exit codes mutmut 2.x reads: 1 kills the mutant, anything else lets it survive.
KILLED, PASSED, NO_SERVER = 1, 0, 2


def _preload(modules: tuple[str, ...]) -> list[str]:
    loaded = []
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        loaded.append(name)
    leaked = sorted(m for m in sys.modules if m.split(".")[0] == PROJECT)
    if leaked:
        raise SystemExit(f"preloading imported the package under test ({leaked[0]}): drop it")
    return loaded


def _child(request: dict[str, Any], log: str) -> None:
    """Run pytest in the forked child; never returns."""
    os.setsid()  # own process group, so a timeout can kill everything the tests started
    os.chdir(request["cwd"])
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    code = KILLED
    try:
        import pytest

        code = PASSED if pytest.main(request["args"]) == 0 else KILLED
    except BaseException:  # a crash of any kind is a failed run
        code = KILLED
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _client_gone(conn: socket.socket) -> bool:
    readable, _, _ = select.select([conn], [], [], 0)
    if not readable:
        return False
    try:
        return conn.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _wait(pid: int, conn: socket.socket, limit: float) -> int:
    """Exit code of the child, or KILLED after killing it (client gone or past ``limit``)."""
    deadline = time.monotonic() + limit
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return KILLED if os.waitstatus_to_exitcode(status) != PASSED else PASSED
        if time.monotonic() > deadline or _client_gone(conn):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return KILLED
        time.sleep(0.01)


def serve(path: str, modules: tuple[str, ...], limit: float, log: str) -> None:
    """Answer test runs on the Unix socket ``path``, one at a time, until told to stop."""
    sys.dont_write_bytecode = True
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    loaded = _preload(modules)
    print(f"mutmut_fork: preloaded {', '.join(loaded)}", file=sys.stderr, flush=True)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen(4)
        while True:
            conn, _ = server.accept()
            with conn:
                line = conn.makefile().readline()
                if not line.strip():
                    continue
                request = json.loads(line)
                if request.get("command") == STOP:
                    conn.sendall(b"0\n")
                    break
                pid = os.fork()
                if pid == 0:
                    server.close()
                    _child(request, log)
                code = _wait(pid, conn, limit)
                with contextlib.suppress(OSError):
                    conn.sendall(f"{code}\n".encode())
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _ask(path: str, request: dict[str, Any]) -> int:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(path)
            conn.sendall((json.dumps(request) + "\n").encode())
            answer = conn.makefile().readline().strip()
    except OSError as exc:
        print(f"mutmut_fork: no server on {path}: {exc}", file=sys.stderr)
        return NO_SERVER
    return int(answer) if answer in (str(PASSED), str(KILLED)) else NO_SERVER


def client(path: str, args: list[str]) -> int:
    """One pytest run through the server; the exit code mutmut reads."""
    return _ask(path, {"cwd": os.getcwd(), "args": args})


def _start_server(path: str, modules: tuple[str, ...], log: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, __file__, "serve", path, "--preload", ",".join(modules)]
    cmd += ["--log", log]
    proc = subprocess.Popen(cmd)
    deadline = time.monotonic() + 300
    while not os.path.exists(path):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise SystemExit("mutmut_fork: the server did not start")
        time.sleep(0.1)
    return proc


def mutate(
    paths: str, tests: str, path: str | None, modules: tuple[str, ...], extra: list[str]
) -> int:
    """Run ``mutmut run`` with the fork server as its runner; returns mutmut's exit code."""
    with tempfile.TemporaryDirectory(prefix="mutmut-fork-") as tmp:
        sock = path or str(Path(tmp) / "sock")
        log = str(Path(tmp) / "last-run.log")
        runner = [sys.executable, "-I", "-S", str(Path(__file__).resolve()), "client", sock]
        runner += shlex.split(PYTEST_OPTIONS) + shlex.split(tests)
        server = _start_server(sock, modules, log)
        try:
            cmd = [sys.executable, "-m", "mutmut", "run", "--paths-to-mutate", paths]
            cmd += ["--tests-dir", "tests", "--runner", shlex.join(runner), *extra]
            return subprocess.call(cmd)
        finally:
            _ask(sock, {"command": STOP})
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["client"]:  # no argparse: pytest options must pass through untouched
        if len(argv) < 2:
            raise SystemExit("usage: mutmut_fork.py client SOCKET [pytest args]")
        return client(argv[1], argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="run the fork server on a Unix socket")
    p_serve.add_argument("socket")
    p_serve.add_argument("--log", default=os.devnull, help="output of the latest test run")
    p_serve.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    p_mut = sub.add_parser("mutate", help="mutmut run through a private fork server")
    p_mut.add_argument("--paths-to-mutate", required=True)
    p_mut.add_argument("--tests", required=True, help="test files, space separated")
    p_mut.add_argument("--socket", default=None, help="default: a private temporary one")
    p_mut.add_argument("mutmut_args", nargs="*", help="more options for mutmut run (after --)")
    for p in (p_serve, p_mut):
        p.add_argument("--preload", default=",".join(PRELOAD), help="comma-separated modules")
    args = parser.parse_args(argv)
    modules = tuple(m for m in args.preload.split(",") if m)
    if args.command == "serve":
        serve(args.socket, modules, args.timeout, args.log)
        return 0
    return mutate(args.paths_to_mutate, args.tests, args.socket, modules, args.mutmut_args)


if __name__ == "__main__":
    sys.exit(main())
