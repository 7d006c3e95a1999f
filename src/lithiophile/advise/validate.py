"""How the advisor's scores relate to measured results: Table 3's drops in interfacial
resistance against the score each strategy gets (reported, not a pass mark).

For every Table 3 strategy whose row gives the resistance without and with it, the measured
drop is ``log10(without / with)``; the advisor's score is that strategy's score for a Li anode
on garnet LLZO (the electrolyte of most of those rows), once with every record and once with
the row's own two records left out (leave-one-out: the score then rests on the prediction, the
rules and the other records only, so the correlation is not the measured drop fed back to
itself). Spearman's rank correlation is computed with average ranks for ties.

References
----------
Li, C.-C. et al. Energy Mater. 2021, 1, 100017, Table 3.
Spearman, C. Am. J. Psychol. 1904, 15, 72 (rank correlation).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Table3Row", "spearman", "table3_spearman"]

#: Table 3 rows with a resistance without and with the strategy -> the catalogue's strategy.
TABLE3_PAIRS: dict[str, tuple[str, str, str]] = {
    "IL interlayer [63]": ("il-interlayer", "t3-64-rint-without", "t3-64-rint-with"),
    "Li-C paste [76]": ("li-c-paste", "t3-77-asr-without", "t3-77-asr-with"),
    "Mg interlayer [20]": ("mg-interlayer", "t3-20-asr-without", "t3-20-asr-with"),
    "ZnO interlayer [22]": ("zno-interlayer", "t3-22-asr-without", "t3-22-asr-with"),
    "graphite interlayer [82]": (
        "graphite-interlayer",
        "t3-83-asr-without",
        "t3-83-asr-with",
    ),
    "HFE/LiF interlayer [85]": ("hfe-lif-interlayer", "t3-86-asr-before", "t3-86-asr-after"),
}


@dataclass(frozen=True)
class Table3Row:
    """One strategy: its measured drop and the advisor's scores."""

    label: str
    strategy: str
    drop_log10: float
    score: float
    score_left_out: float


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho: Pearson's correlation of the (average) ranks."""
    if len(x) != len(y) or len(x) < 3:
        raise ValueError("spearman needs two sequences of the same length, at least 3")
    rx, ry = _ranks(x), _ranks(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return sxy / math.sqrt(sxx * syy)


def table3_spearman(electrolyte: str = "LLZO") -> tuple[list[Table3Row], float, float]:
    """(rows, rho with every record, rho leave-one-out) for a Li anode on ``electrolyte``."""
    from lithiophile.advise.engine import advise_system
    from lithiophile.advise.system import make_system
    from lithiophile.kb import bundled_records

    records = {r.id: r for r in bundled_records()}
    system = make_system("Li", electrolyte)
    full = {c.strategy.id: c.score for c in advise_system(system).cards}
    rows = []
    for label, (sid, without, with_) in TABLE3_PAIRS.items():
        drop = math.log10(
            float(records[without].value_si or 0) / float(records[with_].value_si or 1)
        )
        loo = advise_system(system, leave_out=(without, with_))
        left = next(c.score for c in loo.cards if c.strategy.id == sid)
        rows.append(Table3Row(label, sid, drop, full[sid], left))
    drops = [r.drop_log10 for r in rows]
    return (
        rows,
        spearman(drops, [r.score for r in rows]),
        spearman(drops, [r.score_left_out for r in rows]),
    )
