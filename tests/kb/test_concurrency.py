"""Two processes adding 1,000 records each into the same (new) store lose nothing.

No wall-time assertion: the two processes are made to interleave by construction (each waits,
within the store's own lock timeout, until the other has written its previous batch), and the
interleaving is checked from what each process saw in the store, not from clock readings."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from lithiophile.kb import KnowledgeBase, bundled_records
from lithiophile.store import LOCK_TIMEOUT_S

_WORKER = textwrap.dedent(
    """
    import json, sys, time
    from lithiophile.kb import KnowledgeBase
    from lithiophile.store import LOCK_TIMEOUT_S

    path, who, other = sys.argv[1], sys.argv[2], sys.argv[3]
    kb = KnowledgeBase(path)
    seen = []
    for batch in range(25):  # 25 transactions of 40 records: the two processes interleave
        # wait (within the store's own lock timeout) until the other has written batch - 1
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while True:
            theirs = kb.count(origin="user", material=f"{other} cell ")
            if theirs >= 40 * batch or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        seen.append(theirs)
        rows = [
            {"strategy": "control", "material": f"{who} cell {batch * 40 + k}",
             "metric": "polarization", "value": 10.0 + k, "unit": "mV",
             "conditions": {"current_density_A_m2": 1.0 + batch, "cell": "Li|Li"}}
            for k in range(40)
        ]
        kb.add_records(rows)
    print(json.dumps(seen))
    """
)


def test_two_processes_adding_1000_records_each_end_with_all_2000(tmp_path):
    path = tmp_path / "shared.duckdb"  # not there yet: both processes race to create it
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(path), who, other],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who, other in (("A", "B"), ("B", "A"))
    ]
    outs = [p.communicate(timeout=10 * LOCK_TIMEOUT_S) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outs]
    seen = [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]
    # they interleaved: before its last batch each saw the other mid-way (some, not all)
    assert all(any(0 < n < 1000 for n in s) for s in seen)
    kb = KnowledgeBase(path)
    users = kb.query(origin="user")
    materials = {r.material for r in users}
    assert len(users) == 2000 and len({r.id for r in users}) == 2000
    assert materials == {f"{who} cell {n}" for who in "AB" for n in range(1000)}
    assert kb.count(origin="review") == len(bundled_records())  # loaded once, not twice
