"""What a column of a text export must contain, judged from its label; used to catch and to
resolve a header that names fewer columns than the rows hold (an edited or mis-exported header
shifts every label after the gap by one column).

Each rule is a property any instrument's column of that quantity has (a clock never runs
backwards and starts at or after zero, a frequency is positive, a mode or flag is a small
non-negative integer, an angle is within +-180 degrees, a magnitude is not negative). A label
that no rule knows tells nothing; only the known ones vote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["consistent", "label_fits", "missing_label_position", "name_missing"]


def _nondecreasing_time(x: np.ndarray) -> bool:
    return bool(x.size == 0 or (x[0] >= 0 and (np.diff(x) >= 0).mean() >= 0.99))


def _positive(x: np.ndarray) -> bool:
    return bool((x > 0).all())


def _small_int(top: int) -> Callable[[np.ndarray], bool]:
    def rule(x: np.ndarray) -> bool:
        return bool(((x >= 0) & (x <= top) & (x == np.round(x))).all())

    return rule


def _count(x: np.ndarray) -> bool:
    return bool(((x >= 0) & (x == np.round(x))).all())


def _angle(x: np.ndarray) -> bool:
    return bool((np.abs(x) <= 360).all())


def _magnitude(x: np.ndarray) -> bool:
    return bool((x >= 0).all())


def _potential(x: np.ndarray) -> bool:
    return bool((np.abs(x) <= 100).all())


#: (label pattern, rule). Patterns are matched case-insensitively on the whole label.
RULES: tuple[tuple[re.Pattern[str], Callable[[np.ndarray], bool]], ...] = tuple(
    (re.compile(p, re.IGNORECASE), rule)
    for p, rule in (
        (r"time/s|time \(s\)|test time.*", _nondecreasing_time),
        (r"freq/hz|frequency.*", _positive),
        (r"mode", _small_int(3)),
        (r"ox/red|error|control changes|ns changes|counter inc\.", _small_int(1)),
        (r"ns|cycle number|half cycle|z cycle|i range|loop.*", _count),
        (r"phase\(.*\)/deg", _angle),
        (r"\|.*\|/(ohm|v|a)|\|energy\|/w\.h", _magnitude),
        (r"<?ewe>?/v|<?ece>?/v|<?ecell>?/v|ewe-ece/v", _potential),
    )
)


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    with np.errstate(all="ignore"):
        ok = np.isclose(np.abs(a), np.abs(b), rtol=1e-3, atol=1e-9)
    return bool(ok.mean() >= 0.99) if ok.size else True


#: Relations between impedance columns (EC-Lab's labels) that hold by definition, so that a
#: column is recognised from its neighbours: |Z| = hypot(Re Z, Im Z), |sin phase| = |Im Z|/|Z|,
#: Cs = 1/(2 pi f |Im Z|) [uF], |Y| = 1/|Z|.
RELATIONS: tuple[tuple[tuple[str, ...], Callable[..., bool]], ...] = (
    (("Re(Z)/Ohm", "-Im(Z)/Ohm", "|Z|/Ohm"), lambda r, i, z: _close(np.hypot(r, i), z)),
    (
        ("-Im(Z)/Ohm", "|Z|/Ohm", "Phase(Z)/deg"),
        lambda i, z, ph: _close(np.sin(np.radians(ph)), i / z),
    ),
    (("freq/Hz", "-Im(Z)/Ohm", "Cs/µF"), lambda f, i, c: _close(1e6 / (2 * np.pi * f * i), c)),
    (("|Z|/Ohm", "|Y|/Ohm-1"), lambda z, y: _close(1.0 / z, y)),
)


def _relations(labels: Sequence[str], columns: Sequence[np.ndarray]) -> tuple[int, int]:
    named = dict(zip((lab.strip() for lab in labels), columns, strict=False))
    known = fits = 0
    for names, rule in RELATIONS:
        if all(n in named for n in names):
            known += 1
            fits += rule(*(named[n] for n in names))
    return known, fits


def label_fits(label: str, values: np.ndarray) -> bool | None:
    """Whether ``values`` can be the column ``label`` names (None: no rule for the label)."""
    finite = values[np.isfinite(values)]
    for pattern, rule in RULES:
        if pattern.fullmatch(label.strip()):
            return rule(finite)
    return None


def consistent(labels: Sequence[str], columns: Sequence[np.ndarray]) -> tuple[int, int]:
    """(number of rules that apply, number obeyed), labels paired with columns in order: one
    rule per label that :data:`RULES` knows, one per relation of :data:`RELATIONS`."""
    known = fits = 0
    for label, values in zip(labels, columns, strict=False):
        ok = label_fits(label, values)
        if ok is not None:
            known += 1
            fits += ok
    k2, f2 = _relations(labels, columns)
    return known + k2, fits + f2


def missing_label_position(labels: Sequence[str], columns: Sequence[np.ndarray]) -> int | None:
    """Where one label is missing from ``labels`` (``len(columns) == len(labels) + 1``): the
    one position at which a placeholder makes every known label fit its column, or None when
    no position or more than one does."""
    if len(columns) != len(labels) + 1:
        return None
    good = []
    for k in range(len(columns)):
        trial = [*labels[:k], "", *labels[k:]]
        known, fits = consistent(trial, columns)
        if known and fits == known:
            good.append(k)
    return good[0] if len(good) == 1 else None


#: Labels the missing one may be recognised as (EC-Lab's, for the columns the rules test).
CANDIDATES = (
    "time/s",
    "freq/Hz",
    "Re(Z)/Ohm",
    "-Im(Z)/Ohm",
    "|Z|/Ohm",
    "Phase(Z)/deg",
    "Cs/µF",
    "|Y|/Ohm-1",
    "mode",
    "Ns",
    "cycle number",
)


def name_missing(labels: Sequence[str], columns: Sequence[np.ndarray], pos: int) -> str | None:
    """The label of the unlabelled column at ``pos``: the one label of :data:`CANDIDATES`
    absent from ``labels`` that adds a rule (or relation) the column then obeys while every
    other rule still holds; None when none or several do."""
    base = [*labels[:pos], "", *labels[pos:]]
    known0, _ = consistent(base, columns)
    hits = []
    for cand in CANDIDATES:
        if cand in labels:
            continue
        trial = [*labels[:pos], cand, *labels[pos:]]
        known, fits = consistent(trial, columns)
        if known > known0 and fits == known:
            hits.append(cand)
    return hits[0] if len(hits) == 1 else None
