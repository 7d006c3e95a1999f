"""Initial guesses read from the spectrum itself: high-frequency intercept, arcs (apex
frequency, diameter, depression) and the low-frequency tail, mapped onto a circuit's elements.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from lithiophile.echem.impedance.parser import Element, Node, Parallel, Series

__all__ = ["Arc", "Features", "features", "initial_guess"]


@dataclass(frozen=True)
class Arc:
    """One arc of the Nyquist plot: apex frequency [Hz], diameter [ohm], exponent [1]."""

    f_apex: float
    r: float
    alpha: float


@dataclass(frozen=True)
class Features:
    """What a spectrum shows (frequencies high to low).

    Attributes
    ----------
    r_hf
        High-frequency intercept with the real axis [ohm].
    r_lf
        Real part at the lowest frequency [ohm].
    arcs
        Arcs, highest apex frequency first.
    tail
        -Im Z at the lowest frequency when it rises there (a diffusion or blocking tail) [ohm],
        else 0.
    l_hf
        Inductance from Im Z > 0 at the highest frequency [H] (0 when none).
    f_max, f_min
        Frequency range [Hz].
    """

    r_hf: float
    r_lf: float
    arcs: tuple[Arc, ...]
    tail: float
    l_hf: float
    f_max: float
    f_min: float


def _smooth(y: np.ndarray) -> np.ndarray:
    if y.size < 5:
        return y
    pad = np.concatenate(([y[0]], y, [y[-1]]))
    return 0.25 * pad[:-2] + 0.5 * pad[1:-1] + 0.25 * pad[2:]


def features(f: np.ndarray, z: np.ndarray) -> Features:
    """Read the features of a spectrum sorted from high to low frequency."""
    zr, y = z.real, -z.imag
    cap = y > 0
    l_hf = 0.0
    if not cap[0]:
        first = int(np.argmax(cap)) if cap.any() else zr.size - 1
        l_hf = float(max(-y[0], 0.0) / (2 * np.pi * f[0]))
        r_hf = float(zr[first])
        if first > 0 and cap.any():  # interpolate Zr at the zero crossing of Im Z
            y0, y1 = y[first - 1], y[first]
            r_hf = float(zr[first - 1] + (zr[first] - zr[first - 1]) * (-y0) / (y1 - y0))
    else:
        r_hf = float(zr[0])
    r_hf = max(r_hf, 1e-3 * max(float(np.abs(z).max()), 1e-12))
    ys = _smooth(np.where(cap, y, 0.0))
    n = ys.size
    peaks = [i for i in range(1, n - 1) if ys[i] >= ys[i - 1] and ys[i] > ys[i + 1] and ys[i] > 0]
    # minima between peaks bound each arc on the real axis
    arcs: list[Arc] = []
    if peaks:
        tops = max(ys[i] for i in peaks)
        peaks = [i for i in peaks if ys[i] > 0.05 * tops]
        cuts = [0]
        for a, b in itertools.pairwise(peaks):
            cuts.append(a + int(np.argmin(ys[a : b + 1])))
        cuts.append(n - 1)
        left = r_hf
        for k, i in enumerate(peaks):
            right = float(zr[cuts[k + 1]])
            width = right - left if right > left else 2 * ys[i]
            # a depressed arc of diameter R has its apex at (R/2) tan(alpha pi / 4)
            alpha = float(np.clip(4 / np.pi * np.arctan(2 * ys[i] / max(width, 1e-300)), 0.5, 1))
            if k == len(peaks) - 1 and cuts[-1] == n - 1 and y[-1] > 0.6 * ys[i]:
                width = 2 * ys[i] / np.tan(alpha * np.pi / 4)  # arc runs into a tail
            arcs.append(Arc(float(f[i]), float(max(width, 1e-12)), alpha))
            left = right
    tail = float(y[-1]) if n >= 3 and y[-1] > y[-2] > 0 else 0.0
    return Features(
        r_hf=r_hf,
        r_lf=float(zr[-1]),
        arcs=tuple(arcs),
        tail=tail,
        l_hf=l_hf,
        f_max=float(f[0]),
        f_min=float(f[-1]),
    )


def _blocks(tree: Node) -> list[Node]:
    """Top-level terms of the circuit (a lone element or parallel is one term)."""
    return list(tree.children) if isinstance(tree, Series) else [tree]


def _is_arc(term: Node) -> bool:
    return isinstance(term, Parallel) or (
        isinstance(term, Element) and term.kind.name in ("K", "Zarc")
    )


def initial_guess(tree: Node, feat: Features) -> np.ndarray:
    """One value per circuit parameter (SI), in the order of ``tree.elements()``."""
    terms = _blocks(tree)
    n_arcs = sum(_is_arc(t) for t in terms)
    arcs = list(feat.arcs)
    span = max(feat.r_lf - feat.r_hf, 0.1 * feat.r_hf, 1e-9)
    if len(arcs) > n_arcs:  # keep the largest, in frequency order
        keep = sorted(sorted(arcs, key=lambda a: -a.r)[:n_arcs], key=lambda a: -a.f_apex)
        arcs = keep
    while len(arcs) < n_arcs:  # invent arcs spread over the decades not yet used
        used = [np.log10(a.f_apex) for a in arcs]
        grid = np.linspace(np.log10(feat.f_max), np.log10(feat.f_min), 2 * n_arcs + 1)[1::2]
        free = max(grid, key=lambda g: min((abs(g - u) for u in used), default=99.0))
        arcs.append(Arc(float(10**free), span / n_arcs, 0.85))
        arcs.sort(key=lambda a: -a.f_apex)
    values: dict[str, list[float]] = {}
    first_r = True
    arc_iter = iter(arcs)
    w_min = 2 * np.pi * feat.f_min
    tail = feat.tail if feat.tail > 0 else 0.1 * span
    for term in terms:
        if _is_arc(term):
            arc = next(arc_iter)
            w_apex = 2 * np.pi * arc.f_apex
            r_names = [e for e in term.elements() if e.kind.name in ("R", "K", "Zarc")]
            for e in term.elements():
                values[e.name] = _element_in_arc(e, arc, w_apex, len(r_names), tail, w_min)
            continue
        for e in term.elements():
            k = e.kind.name
            if k == "R":
                values[e.name] = [feat.r_hf if first_r else 0.05 * feat.r_hf]
                first_r = False
            elif k == "L":
                lhf = feat.l_hf or 0.01 * max(feat.r_hf, 1e-12) / (2 * np.pi * feat.f_max)
                values[e.name] = [lhf]
            elif k == "C":
                values[e.name] = [1.0 / (w_min * tail)]
            elif k == "CPE":
                values[e.name] = [1.0 / (tail * w_min**0.8), 0.8]
            elif k == "W":
                values[e.name] = [tail * np.sqrt(w_min)]
            elif k in ("Wo", "Ws"):
                values[e.name] = [max(span, tail), 1.0 / w_min]
            else:  # pragma: no cover - every kind is handled above or in arcs
                raise AssertionError(k)
    return np.array([v for e in tree.elements() for v in values[e.name]], dtype=float)


def _element_in_arc(
    e: Element, arc: Arc, w_apex: float, n_r: int, tail: float, w_min: float
) -> list[float]:
    k = e.kind.name
    r = arc.r / max(n_r, 1)
    if k == "R":
        return [r]
    if k == "C":
        return [1.0 / (w_apex * arc.r)]
    if k == "CPE":
        return [1.0 / (arc.r * w_apex**arc.alpha), arc.alpha]
    if k == "K":
        return [r, 1.0 / w_apex]
    if k == "Zarc":
        return [r, 1.0 / w_apex, arc.alpha]
    if k == "L":
        return [arc.r / w_apex * 100]
    if k == "W":
        return [max(tail, 0.1 * arc.r) * np.sqrt(w_min)]
    if k in ("Wo", "Ws"):
        return [max(tail, arc.r), 1.0 / w_min]
    raise AssertionError(k)  # pragma: no cover
