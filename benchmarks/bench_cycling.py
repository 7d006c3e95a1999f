"""Benchmark of ``lithiophile.echem`` (cell analyze), in one run:

1. time and peak memory to analyse a realistic 1-million-row Li||Li file after reading it
   (:func:`lithiophile.synth.realistic.realistic_symmetric`: +-5 % current noise at the bottom
   of its range, 0.1 mV voltage quantisation, rests and open circuit; target: under 1 s on 2
   cores), in a fresh process so the memory figure is the analysis's;
2. the same data's per-cycle summary through cellpy 1.0.3 next to ours, as cellpy's docs
   intend: ``cellpy.get(file, instrument="neware_txt", mass=...)`` then ``make_step_table()``
   and ``make_summary()``. Both sides read the same Neware BTSDA CSV written by
   :func:`lithiophile.synth.instruments.write_neware_csv`. The two summaries are cross-checked:
   cellpy's per-cycle discharge and charge capacities against our plating and stripping
   half-cycle charges, with the largest relative difference printed (and a failure if it
   exceeds 0.1 %). cellpy's summary (step table + per-cycle capacities, CE, end voltages) is
   timed against our full analysis (per half-cycle peak/plateau |V|, hysteresis per cycle,
   failure, soft shorts, metrics with conditions);
3. the speed-up of a batch of 200 files (BDF CSV, 50 000 rows each: about 80 ms of reading
   and analysis per file) on 2 worker processes over 1 (target at least 1.7x). Starting a
   worker process (spawn, imports) costs about a second, so the speed-up grows with the work
   per file. No store is used, so the figure is the analysis's. It is measured twice: with
   polars' default thread pool (one worker process already uses the second core to parse
   CSV and to hash the file) and with one polars thread per process, next to a control (a
   pure-Python CPU task on the same pool) that shows how much parallelism the machine gives
   at that moment.

Our per-cycle table stops at the failure (a shorted cell's "cycles" are not cycling), so it
lists fewer cycles than cellpy's summary of the same file.

Run: ``.venv/bin/python benchmarks/bench_cycling.py [--rows 1000000] [--files 200]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path


def _symmetric(rows: int, seed: int = 0):
    from lithiophile.synth import cells

    per_half = 1000
    cycles = max(1, rows // (2 * per_half))
    return cells.symmetric(
        cycles=cycles,
        half_cycle_s=3600.0,
        sample_s=3600.0 / per_half,
        soft_shorts=[(cycles * 0.2 * 7200 + 1800.0, 300.0)],
        hard_short_s=cycles * 0.9 * 7200 + 900.0,
        seed=seed,
    )


def _realistic(rows: int, layout: str = "neware-csv"):
    from lithiophile.synth.realistic import realistic_symmetric

    per_cycle = 2 * (3600 + 121)  # 1 s records: two 1 h half-cycles and two 2 min rests
    return realistic_symmetric(
        layout=layout,
        cycles=max(1, rows // per_cycle),
        half_cycle_s=3600.0,
        record_dV=None,
        record_dt_s=1.0,
        rest_s=120.0,
        ocv_s=300.0,
        seed=0,
    )


def measure(path: str) -> None:
    """In a fresh process: read, then time and trace the analysis alone; print JSON."""
    import lithiophile.io as lio
    from lithiophile.echem import analyze

    data = lio.read(path)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    t = time.perf_counter()
    result = analyze(data)  # the first call (includes importing lithiophile.echem)
    elapsed = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    for _ in range(3):
        t = time.perf_counter()
        analyze(data)
        times.append(time.perf_counter() - t)
    print(
        json.dumps(
            {
                "rows": len(data),
                "first_s": elapsed,
                "best_s": min([elapsed, *times]),
                "traced_peak_MB": peak / 1e6,
                "rss_growth_MB": (rss1 - rss0) / 1e3,
                "rss_MB": rss1 / 1e3,
                "protocol": result.protocol,
                "failure_h": result.failure.time_s / 3600 if result.failure else None,
                "events": len(result.events),
            }
        )
    )


#: cellpy, run as its docs intend: get, step table, summary; prints its timings and per-cycle
#: capacities [Ah] as JSON. It runs in the cross-check environment (cellpy pins pandas < 3, so it
#: lives apart from the runtime: `make bench` builds it and sets LITHIOPHILE_CROSSCHECK_PYTHON).
_CELLPY_SCRIPT = """
import json, logging, sys, time
logging.disable(logging.CRITICAL)
import cellpy
t = time.perf_counter()
c = cellpy.get(sys.argv[1], instrument="neware_txt", mass=1.0, logging_mode="CRITICAL",
               refuse_copying=True, auto_summary=False)
t_load = time.perf_counter() - t
t = time.perf_counter()
c.make_step_table()
c.make_summary()
t_summary = time.perf_counter() - t
s = c.data.summary
print(json.dumps({"load_s": t_load, "summary_s": t_summary, "cycles": int(s.shape[0]),
                  "columns": int(s.shape[1]),
                  "discharge_Ah": s["discharge_capacity"].tolist(),
                  "charge_Ah": s["charge_capacity"].tolist()}))
"""


def _cellpy_summary(path: Path) -> dict:
    """cellpy's per-cycle summary of ``path``, run in the cross-check environment."""
    import numpy as np

    python = os.environ.get("LITHIOPHILE_CROSSCHECK_PYTHON")
    if not python:
        raise RuntimeError(
            "cellpy runs in the cross-check environment: run `make bench`, or set "
            "LITHIOPHILE_CROSSCHECK_PYTHON to a Python that has cellpy installed"
        )
    done = subprocess.run(
        [python, "-c", _CELLPY_SCRIPT, str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["discharge_Ah"] = np.asarray(out["discharge_Ah"], dtype=float)
    out["charge_Ah"] = np.asarray(out["charge_Ah"], dtype=float)
    return out


def _ours_on(path: Path) -> dict:
    import lithiophile.io as lio
    from lithiophile.echem import analyze

    t = time.perf_counter()
    data = lio.read(path)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    result = analyze(data)
    t_analyze = time.perf_counter() - t
    half = result.half_cycles
    charge = half.get_column("capacity_C").to_numpy() / 3600.0  # Ah
    current = half.get_column("current_A").to_numpy()
    return {
        "read_s": t_read,
        "analyze_s": t_analyze,
        "cycles": result.cycles.height,
        "metrics": len(result.metrics),
        "half_cycles": half.height,
        "plate_Ah": charge[current < 0],
        "strip_Ah": charge[current > 0],
    }


def cross_check(ours: dict, cp: dict) -> float:
    """Largest relative difference of the per-cycle capacities: cellpy's discharge (I < 0)
    and charge (I > 0) against our plating and stripping half-cycles, cycle by cycle."""
    import numpy as np

    n = min(len(cp["discharge_Ah"]), len(ours["plate_Ah"]), len(ours["strip_Ah"]))
    if n == 0 or len(cp["discharge_Ah"]) != len(ours["plate_Ah"]):
        raise SystemExit(
            f"cycle counts differ: cellpy {len(cp['discharge_Ah'])}, ours {len(ours['plate_Ah'])}"
        )
    a = np.concatenate([cp["discharge_Ah"][:n], cp["charge_Ah"][:n]])
    b = np.concatenate([ours["plate_Ah"][:n], ours["strip_Ah"][:n]])
    return float(np.max(np.abs(a / b - 1)))


def _write_batch(folder: Path, n_files: int, rows: int) -> list[Path]:
    return [
        _symmetric(rows, seed=k).write(folder / f"cell{k:03d}.csv", "bdf") for k in range(n_files)
    ]


def time_batch(folder: str) -> None:
    """Analyse every file of ``folder`` on 1, then 2 workers; print the times as JSON."""
    from lithiophile.echem.analysis import analyze_files

    paths = sorted(Path(folder).glob("cell*.csv"))
    analyze_files(paths[:1])  # imports and first-call costs out of the timed runs
    out = {}
    for workers in (1, 2):
        t = time.perf_counter()
        batch = analyze_files(paths, workers=workers)
        out[workers] = time.perf_counter() - t
        if batch.failed:
            bad = batch.failed[0]
            raise SystemExit(f"batch failed on {bad.item[0]}: {bad.error}")
    print(json.dumps({"files": len(paths), "t1_s": out[1], "t2_s": out[2]}))


def _cpu_control(n: int) -> int:
    """Pure-Python CPU work: what 2 processes can gain on this machine right now."""
    total = 0
    for k in range(n):
        total += k * k
    return total


def control_speedup() -> float:
    from lithiophile.parallel import run_jobs

    times = []
    for workers in (1, 2):
        t = time.perf_counter()
        list(run_jobs(_cpu_control, [400_000] * 200, workers=workers))
        times.append(time.perf_counter() - t)
    return times[0] / times[1]


def _batch_in_subprocess(folder: Path, threads: int | None) -> dict:
    env = dict(os.environ)
    if threads is not None:
        env["POLARS_MAX_THREADS"] = str(threads)
    proc = subprocess.run(
        [sys.executable, __file__, "--batch-only", str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--batch-rows", type=int, default=50_000)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--batch-only", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    if args.batch_only:
        time_batch(args.batch_only)
        return
    warnings.simplefilter("ignore")
    print(f"bench_cycling: {os.cpu_count()} cores (shared machine: timings are noisy)")
    with tempfile.TemporaryDirectory(prefix="bench-cycling-") as tmp:
        folder = Path(tmp)
        cell = _realistic(args.rows)
        parquet = cell.write(folder / "big.parquet")
        proc = subprocess.run(
            [sys.executable, __file__, "--measure", str(parquet)],
            capture_output=True,
            text=True,
            check=True,
        )
        m = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"\n1. analyse {m['rows']:,} rows (realistic Li||Li, Parquet) after reading: "
            f"{m['best_s']:.3f} s best of 4 (first call {m['first_s']:.3f} s; target < 1 s); "
            f"first call: peak traced (numpy/Python) allocations {m['traced_peak_MB']:.0f} MB, "
            f"process peak RSS growth {m['rss_growth_MB']:.0f} MB (peak RSS "
            f"{m['rss_MB']:.0f} MB incl. the data); "
            f"found {m['protocol']}, failure "
            f"{'none' if m['failure_h'] is None else format(m['failure_h'], '.4g') + ' h'}, "
            f"{m['events']} events"
        )

        nw = folder / "cellpy" / "big_neware.csv"
        nw.parent.mkdir()
        t = time.perf_counter()
        cell.write(nw, "neware-csv")
        print(
            f"\n2. same data as a Neware BTSDA CSV ({nw.stat().st_size / 1e6:.0f} MB, written "
            f"in {time.perf_counter() - t:.1f} s); per-cycle summary:"
        )
        ours = _ours_on(nw)
        try:
            cp = _cellpy_summary(nw)
        except Exception as exc:  # cellpy's own failure is reported, not hidden
            print(f"   cellpy 1.0.3 failed: {type(exc).__name__}: {exc}")
            cp = None
        print(
            f"   lithiophile: read {ours['read_s']:.2f} s + analysis {ours['analyze_s']:.3f} s "
            f"({ours['cycles']} cycles, {ours['half_cycles']} half-cycles with peak/plateau, "
            f"hysteresis, failure, soft shorts, {ours['metrics']} metrics)"
        )
        if cp is not None:
            print(
                f"   cellpy:      load {cp['load_s']:.2f} s + summary {cp['summary_s']:.3f} s "
                f"({cp['cycles']} cycles x {cp['columns']} columns)"
            )
            diff = cross_check(ours, cp)
            print(
                f"   cross-check: per-cycle discharge/charge capacities of cellpy and our "
                f"plating/stripping charges agree within {diff:.2e} (relative, largest of "
                f"{2 * cp['cycles']})"
            )
            if diff > 1e-3:
                raise SystemExit(f"cellpy and lithiophile disagree by {diff:.2%}")
            print(
                f"   summary after reading: lithiophile {cp['summary_s'] / ours['analyze_s']:.1f}x"
                f" faster (target >= 5x); read + summary: "
                f"{(cp['load_s'] + cp['summary_s']) / (ours['read_s'] + ours['analyze_s']):.1f}x"
            )

        batch = folder / "batch"
        batch.mkdir()
        _write_batch(batch, args.files, args.batch_rows)
        print(
            f"\n   control: a pure-Python CPU task (200 jobs) runs {control_speedup():.2f}x faster "
            "on 2 workers than on 1 right now: the parallelism this shared machine gives"
        )
        for threads, label in ((None, "default threads"), (1, "POLARS_MAX_THREADS=1")):
            b = _batch_in_subprocess(batch, threads)
            print(
                f"\n3. batch of {b['files']} BDF CSV files ({args.batch_rows:,} rows each), "
                f"{label}: 1 worker {b['t1_s']:.1f} s, 2 workers {b['t2_s']:.1f} s: speed-up "
                f"{b['t1_s'] / b['t2_s']:.2f}x (target >= 1.7x)"
            )


if __name__ == "__main__":
    main()
