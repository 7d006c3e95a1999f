"""Two processes adding 1,000 records each into the same (new) store lose nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from lithiophile.kb import KnowledgeBase, bundled_records

_WORKER = textwrap.dedent(
    """
    import json, sys, time
    from lithiophile.kb import KnowledgeBase

    path, who = sys.argv[1], sys.argv[2]
    kb = KnowledgeBase(path)
    spans = []
    for batch in range(25):  # 25 transactions of 40 records: the two processes interleave
        rows = [
            {"strategy": "control", "material": f"{who} cell {batch * 40 + k}",
             "metric": "polarization", "value": 10.0 + k, "unit": "mV",
             "conditions": {"current_density_A_m2": 1.0 + batch, "cell": "Li|Li"}}
            for k in range(40)
        ]
        t = time.time()
        kb.add_records(rows)
        spans.append((t, time.time()))
    print(json.dumps(spans))
    """
)


def test_two_processes_adding_1000_records_each_end_with_all_2000(tmp_path):
    path = tmp_path / "shared.duckdb"  # not there yet: both processes race to create it
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(path), who],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("A", "B")
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outs]
    spans = [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]
    # the two ran at the same time: each started writing before the other had finished
    assert spans[0][0][0] < spans[1][-1][1] and spans[1][0][0] < spans[0][-1][1]
    kb = KnowledgeBase(path)
    users = kb.query(origin="user")
    materials = {r.material for r in users}
    assert len(users) == 2000 and len({r.id for r in users}) == 2000
    assert materials == {f"{who} cell {n}" for who in "AB" for n in range(1000)}
    assert kb.count(origin="review") == len(bundled_records())  # loaded once, not twice
