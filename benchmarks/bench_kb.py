"""Benchmark of ``lithiophile.kb`` (the literature store), in one run:

1. grow a store to 1 million synthetic records through :meth:`KnowledgeBase.add_records` (every
   record validated, in transactions of 10 000, from 2 worker processes writing into the same
   file at once, as two shells would); report the rate and check that nothing was lost;
2. time an indexed condition-range query, "cycle life (time) at 4.0-4.4 mA cm-2 with at least
   6 mAh cm-2" (target under 50 ms on 2 cores), median of 15 calls each: ``kb.query(...)``
   inside ``kb.reading()`` (one open connection: SQL, every matching record parsed and
   validated into a Record), ``kb.query(...)`` alone (which also opens the file, about 20 ms
   of DuckDB start-up, as one ``lithiophile kb query`` pays), and the SQL alone;
3. the same query the way a user otherwise would, in the same run, on the same records:
   a. pandas: the records' flat columns (what ``kb export x.parquet`` holds, less the JSON) as
      a DataFrame already in memory (its load time is printed apart), filtered with a mask;
   b. plain DuckDB: the same rows in a table in the order they arrived (no clustering), the
      same SQL on an open connection;
   and print the ratios. Both are checked to return exactly the records ours returns.

The index is the table's clustering (see :mod:`lithiophile.kb.base`): DuckDB's min-max index of
each row group is narrow once the rows are in (metric, current density, capacity) order.

Run: ``.venv/bin/python benchmarks/bench_kb.py [--rows 1000000]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Synthetic metric kinds: (metric, display unit, low, high, cell); values log-uniform.
_KINDS = (
    ("polarization", "mV", 5.0, 500.0, "Li|Li"),
    ("cycle_life_time", "h", 10.0, 5000.0, "Li|Li"),
    ("cycle_life_cycles", "cycles", 10.0, 5000.0, "Li|Li"),
    ("li_cu_ce", "%", 80.0, 99.99, "Li|Cu"),
    ("average_ce", "%", 80.0, 99.99, "Li|Cu"),
    ("nucleation_overpotential", "mV", 5.0, 200.0, "Li|Cu"),
    ("interfacial_resistance", "ohm", 5.0, 6000.0, "Li|Li"),
    ("interfacial_asr", "ohm cm2", 1.0, 2000.0, "Li|Li"),
)
BATCH = 10_000
#: The query: cycle life (time) at 4.0-4.4 mA cm-2 and >= 6 mAh cm-2.
QUERY = {
    "metric": "cycle_life_time",
    "where": [
        "current_density>=4 mA cm-2",
        "current_density<=4.4 mA cm-2",
        "areal_capacity>=6 mAh cm-2",
    ],
}


def synthetic(start: int, count: int) -> list[dict]:
    """Records ``start`` .. ``start + count - 1`` (the same for the same numbers): metric
    kinds in turn, current density log-uniform in 0.05-20 mA cm-2, areal capacity log-uniform
    in 0.05-10 mAh cm-2, values log-uniform in each kind's range, in its display unit."""
    import numpy as np

    from lithiophile.kb import STRATEGIES
    from lithiophile.units import factor_to_si

    rng = np.random.default_rng(start)
    cd = 10 ** rng.uniform(math.log10(0.05), math.log10(20.0), count)
    cap = 10 ** rng.uniform(math.log10(0.05), math.log10(10.0), count)
    u = rng.uniform(0.0, 1.0, count)
    strategies = list(STRATEGIES)
    per_cd = factor_to_si("mA/cm^2", "A/m^2")
    per_cap = factor_to_si("mA*h/cm^2", "C/m^2")
    out = []
    for k in range(count):
        n = start + k
        metric, unit, lo, hi, cell = _KINDS[n % len(_KINDS)]
        value = lo * (hi / lo) ** u[k]
        if unit == "cycles":
            value = float(round(value))
        out.append(
            {
                "strategy": strategies[n % len(strategies)],
                "electrolyte": "liquid" if n % 3 else "solid",
                "material": f"synthetic sample {n:07d}",
                "metric": metric,
                "value": float(value),
                "unit": unit,
                "conditions": {
                    "current_density_A_m2": float(cd[k] * per_cd),
                    "areal_capacity_C_m2": float(cap[k] * per_cap),
                    "cell": cell,
                },
            }
        )
    return out


def grow(store: str, start: int, count: int) -> None:
    """In a worker process: add records ``start`` .. in transactions of BATCH; print JSON."""
    from lithiophile.kb import KnowledgeBase

    kb = KnowledgeBase(store)
    t0 = time.perf_counter()
    for first in range(start, start + count, BATCH):
        kb.add_records(synthetic(first, min(BATCH, start + count - first)))
    print(json.dumps({"records": count, "s": time.perf_counter() - t0}))


def _median_ms(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--grow", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.grow:
        grow(args.grow[0], int(args.grow[1]), int(args.grow[2]))
        return
    import duckdb
    import pandas as pd

    from lithiophile.kb import KnowledgeBase
    from lithiophile.kb.base import parse_condition, query_sql

    print(f"bench_kb: {os.cpu_count()} cores (shared machine: timings are noisy)")
    with tempfile.TemporaryDirectory(prefix="bench-kb-") as tmp:
        path = Path(tmp) / "kb.duckdb"
        kb = KnowledgeBase(path)
        bundled = kb.count()
        half = args.rows // 2
        t = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, __file__, "--grow", str(path), str(start), str(count)],
                stdout=subprocess.PIPE,
                text=True,
            )
            for start, count in ((0, half), (half, args.rows - half))
        ]
        workers = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
        if any(p.returncode for p in procs):
            raise SystemExit("a worker failed")
        grow_s = time.perf_counter() - t
        total = kb.count()
        print(
            f"\n1. grew the store to {total - bundled:,} synthetic records (+{bundled} bundled) "
            f"in {grow_s:.0f} s from 2 processes writing at once ({args.rows / grow_s:,.0f} "
            f"validated records/s; workers {workers[0]['s']:.0f} s and {workers[1]['s']:.0f} s); "
            f"none lost: {total - bundled == args.rows}; file {path.stat().st_size / 1e6:.0f} MB"
        )
        with kb.store.transaction() as con:  # the share added since the last clustering
            unsorted = con.execute("SELECT value FROM kb_meta WHERE key = 'unclustered'")
            unsorted = int(unsorted.fetchall()[0][0])
        print(f"   {unsorted:,} rows added since the table was last re-clustered (unsorted)")

        kb.query(**QUERY)  # first call: imports, caches
        ms_cold, records = _median_ms(lambda: kb.query(**QUERY), args.repeat)
        with kb.reading():
            ms_query, held = _median_ms(lambda: kb.query(**QUERY), args.repeat)
        ids = sorted(r.id for r in records)
        assert sorted(r.id for r in held) == ids
        sql, params = query_sql(columns="id", **QUERY)
        con = duckdb.connect(str(path), read_only=True)
        ms_sql, rows = _median_ms(lambda: con.execute(sql, params).fetchall(), args.repeat)
        assert sorted(r[0] for r in rows) == ids
        print(
            f"\n2. query {QUERY['metric']} where {' and '.join(QUERY['where'])}: "
            f"{len(records)} records"
        )
        print(
            f"   kb.query() in kb.reading() (SQL and {len(records)} Records validated): "
            f"{ms_query:.1f} ms median of {args.repeat} (target < 50 ms)"
        )
        print(f"   kb.query() alone, opening the file each time: {ms_cold:.1f} ms")
        print(f"   its SQL alone on an open connection: {ms_sql:.2f} ms")

        t = time.perf_counter()
        flat = Path(tmp) / "flat.parquet"
        con.execute(
            f"COPY (SELECT * EXCLUDE (record) FROM kb_records ORDER BY material) TO '{flat}'"
        )
        df = pd.read_parquet(flat)
        load_s = time.perf_counter() - t
        bounds = [parse_condition(w) for w in QUERY["where"]]

        def pandas_filter():
            mask = df["metric"] == QUERY["metric"]
            for column, op, value in bounds:
                col = df[column]
                mask &= {">=": col >= value, "<=": col <= value}[op]
            return df.loc[mask, "id"]

        ms_pandas, picked = _median_ms(pandas_filter, args.repeat)
        assert sorted(picked) == ids
        plain_path = Path(tmp) / "plain.duckdb"
        plain = duckdb.connect(str(plain_path))
        plain.execute(f"ATTACH '{path}' AS kb (READ_ONLY)")
        plain.execute(
            "CREATE TABLE kb_records AS SELECT * FROM kb.kb_records ORDER BY material"
        )  # the order the records were made in: metric and current density vary row to row
        plain.execute("DETACH kb")
        plain.close()
        con.close()
        plain = duckdb.connect(str(plain_path), read_only=True)
        ms_plain, rows = _median_ms(lambda: plain.execute(sql, params).fetchall(), args.repeat)
        assert sorted(r[0] for r in rows) == ids
        plain.close()
        print("\n3. the same query the way a user otherwise would (same records, same answer):")
        print(
            f"   pandas {pd.__version__}, mask on a DataFrame in memory: {ms_pandas:.2f} ms "
            f"(loading it from Parquet took {load_s:.1f} s)"
        )
        print(f"   plain DuckDB {duckdb.__version__}, rows in arrival order: {ms_plain:.2f} ms")
        print(
            f"   ratios, time theirs / ours: SQL vs pandas {ms_pandas / ms_sql:.1f}x, SQL vs "
            f"plain DuckDB {ms_plain / ms_sql:.1f}x; kb.query in kb.reading() (Records "
            f"validated) vs pandas {ms_pandas / ms_query:.2f}x, vs plain DuckDB "
            f"{ms_plain / ms_query:.2f}x"
        )


if __name__ == "__main__":
    main()
