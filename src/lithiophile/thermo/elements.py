"""Elemental lithiophilicity map (the review's Figure 3A, after Wang et al. 2019), from energies.

Units: eV/atom.

For every element: whether it forms compounds or solid solutions with Li (computed from the
energy source, else the curated Li-X table), the formation energy per atom of its Li-richest
stable phase with Li, and the class the review's Figure 3A text gives it. An element that forms
compounds or solid solutions with Li wets molten Li (Wang et al., Nat. Commun. 2019, 10, 4930);
one that forms none does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lithiophile import cite
from lithiophile.errors import InputError
from lithiophile.store import JsonFields
from lithiophile.thermo import sources as src

#: Classes as the review's text around Figure 3A states them (Li et al. 2021, citing Wang et
#: al. 2019): green = elemental additives that react with molten Li, blue = elements of
#: lithiophilic functional groups ("such as -N, -F, -P and -Br"), red = do not react ("like Ti
#: and Fe"). Elements the text does not name have no review class here.
REVIEW_GREEN = frozenset(
    [
        "Mg",
        "In",
        "Ca",
        "Sr",
        "Ba",
        "Sc",
        "Y",
        "Rh",
        "Ir",
        "Pd",
        "Pt",
        "Au",
        "Cd",
        "Hg",
        "Ga",
        "Tl",
        "Ge",
        "Pb",
        "As",
        "Sb",
        "Bi",
        "S",
        "Se",
        "Te",
    ]
)
REVIEW_BLUE = frozenset(["N", "F", "P", "Br"])
REVIEW_RED = frozenset(["Ti", "Fe"])

#: Elements mapped: H to Bi (Z 1-83) without the noble gases' chemistry gaps hidden.
MAX_Z = 83


@dataclass(frozen=True)
class ElementRecord(JsonFields):
    """One element of the map.

    Attributes
    ----------
    symbol, Z, row, group
        The element and its place in the periodic table (lanthanides in row 8 for the plot).
    with_li
        ``"compounds"``, ``"solid solution"``, ``"compounds and solid solution"``, ``"none"``
        or ``"unknown"``.
    basis
        ``"computed"`` (a stable Li-X phase in the source) or the curated table's source key.
    li_richest_phase
        Formula of the Li-richest stable Li-X phase in the source (or the curated one).
    formation_energy_eV_atom
        Formation energy per atom of that phase from the source [eV/atom] (None if unknown).
    energy_source
        Origin of that energy.
    review_class
        ``"green"``, ``"blue"``, ``"red"`` or None (not named in the review text).
    predicted
        ``"reacts/wets"``, ``"does not react"`` or ``"unknown"``.
    """

    symbol: str
    Z: int
    row: int
    group: int
    with_li: str
    basis: str
    li_richest_phase: str | None
    formation_energy_eV_atom: float | None
    energy_source: str | None
    review_class: str | None
    predicted: str


def _review_class(sym: str) -> str | None:
    if sym in REVIEW_GREEN:
        return "green"
    if sym in REVIEW_BLUE:
        return "blue"
    if sym in REVIEW_RED:
        return "red"
    return None


def _place(el: Any) -> tuple[int, int]:
    if el.is_lanthanoid:
        return 8, el.Z - 57 + 3
    if el.is_actinoid:
        return 9, el.Z - 89 + 3
    return int(el.row), int(el.group)


def element_map(source: Any = "bundled") -> list[ElementRecord]:
    """The elemental lithiophilicity map, one record per element from H to Bi.

    References
    ----------
    Wang et al., Nat. Commun. 2019, 10, 4930; the review's Figure 3A.
    """
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.core import Element

    es = src.resolve(source, {"Li"})
    cite.register("Wang2019NatCommun")
    cite.register("Li2021")
    table = src.alloying_table()
    by_el: dict[str, list[Any]] = {}
    for e in es.entries:
        syms = {x.symbol for x in e.elements}
        if "Li" in syms and len(syms) == 2:
            (other,) = syms - {"Li"}
            by_el.setdefault(other, []).append(e)
    li_refs = [
        e for e in es.entries if e.composition.reduced_formula == "Li" and len(e.elements) == 1
    ]
    records = []
    for z in range(1, MAX_Z + 1):
        el = Element.from_Z(z)
        sym = el.symbol
        if sym == "Li":
            continue
        row, group = _place(el)
        phase = energy = origin = None
        with_li, basis = "unknown", "none"
        binaries = by_el.get(sym, [])
        refs = [e for e in es.entries if len(e.elements) == 1 and e.elements[0].symbol == sym]
        if binaries and refs and li_refs:
            pd = PhaseDiagram(binaries + refs + li_refs)
            stable = [e for e in pd.stable_entries if len(e.elements) == 2]
            if stable:
                richest = max(stable, key=lambda e: e.composition.get_atomic_fraction("Li"))
                phase = richest.composition.reduced_formula
                energy = float(pd.get_form_energy_per_atom(richest))
                origin = es.origin(richest)
                with_li, basis = "compounds", "computed"
        row_cur = table.get(sym)
        if basis == "computed" and row_cur is not None and "solid solution" in row_cur["with_li"]:
            with_li = row_cur["with_li"]  # a computed ordered approximant of a solid solution
        if basis == "none" and row_cur is not None:
            with_li, basis = row_cur["with_li"], row_cur["source"]
            phase = row_cur["li_richest_phase"] or None
        if with_li == "unknown":
            predicted = "unknown"
        elif with_li == "none":
            predicted = "does not react"
        else:
            predicted = "reacts/wets"
        records.append(
            ElementRecord(
                sym,
                z,
                row,
                group,
                with_li,
                basis,
                phase,
                energy,
                origin,
                _review_class(sym),
                predicted,
            )
        )
    return records


_COLOURS = {
    "reacts/wets": "#3a9a4a",
    "does not react": "#c8423b",
    "unknown": "#bdbdbd",
}


def write_map(records: list[ElementRecord], path: str | Path) -> Path:
    """Write the map as a periodic-table figure: ``.png`` (matplotlib) or ``.html`` (plotly)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".png", ".html"):
        raise InputError(
            f"the map output '{p}' must end in .png (static figure) or .html (interactive)."
        )
    p.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".png":
        _write_png(records, p)
    else:
        _write_html(records, p)
    return p


def _label(r: ElementRecord) -> str:
    e = "" if r.formation_energy_eV_atom is None else f"{r.formation_energy_eV_atom:.2f}"
    return e


def _write_png(records: list[ElementRecord], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    fig, ax = plt.subplots(figsize=(14, 8))
    for r in records:
        x, y = r.group, r.row
        ax.add_patch(Rectangle((x - 0.48, -y - 0.48), 0.96, 0.96, color=_COLOURS[r.predicted]))
        ax.text(x, -y + 0.12, r.symbol, ha="center", va="center", fontsize=11, weight="bold")
        ax.text(x, -y - 0.25, _label(r), ha="center", va="center", fontsize=6.5)
        if r.review_class:
            edge = {"green": "#00c000", "blue": "#1f4fd8", "red": "#d00000"}[r.review_class]
            ax.add_patch(Rectangle((x - 0.48, -y - 0.48), 0.96, 0.96, fill=False, ec=edge, lw=2.5))
    ax.set_xlim(0.3, 18.7)
    ax.set_ylim(-9.7, -0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.legend(
        handles=[Patch(color=c, label=k) for k, c in _COLOURS.items()]
        + [
            Patch(fill=False, ec=c, lw=2, label=f"review Fig. 3A: {k}")
            for k, c in (("green", "#00c000"), ("blue", "#1f4fd8"), ("red", "#d00000"))
        ],
        loc="upper center",
        ncol=6,
        fontsize=8,
        frameon=False,
    )
    ax.set_title(
        "Reaction with Li (fill; number: formation energy of the Li-richest phase, eV/atom) "
        "and the review's Figure 3A classes (outline)",
        fontsize=10,
    )
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def _write_html(records: list[ElementRecord], path: Path) -> None:
    import plotly.graph_objects as go

    fig = go.Figure()
    for predicted, colour in _COLOURS.items():
        rs = [r for r in records if r.predicted == predicted]
        fig.add_trace(
            go.Scatter(
                x=[r.group for r in rs],
                y=[-r.row for r in rs],
                mode="markers+text",
                marker={"symbol": "square", "size": 38, "color": colour},
                text=[r.symbol for r in rs],
                name=predicted,
                hovertext=[
                    f"{r.symbol}: {r.with_li} with Li ({r.basis})<br>Li-richest: "
                    f"{r.li_richest_phase or '-'}<br>E_f: {_label(r) or '-'} eV/atom<br>"
                    f"review class: {r.review_class or '-'}"
                    for r in rs
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(
        title="Elements against Li: reaction/wetting (bundled energies) vs the review's Fig. 3A",
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        width=1100,
        height=650,
        plot_bgcolor="white",
    )
    fig.write_html(path, include_plotlyjs=True, full_html=True)
