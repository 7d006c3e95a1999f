"""The page: sections rendered as HTML text, figures as plotly.js specs, all in one file."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from lithiophile.report.assets import CSS, JS, plotly_js
from lithiophile.report.figures import Figure
from lithiophile.store import to_payload

__all__ = ["figure_box", "page", "table"]


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], cls: str = "") -> str:
    """An HTML table; cells are escaped text."""
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape('' if c is None else str(c))}</td>" for c in r) + "</tr>"
        for r in rows
    )
    return f'<table class="{cls}"><tr>{head}</tr>{body}</table>'


def figure_box(fig: Figure) -> str:
    """The figure's frame: plot area, cycle selector (when it has cycles), export buttons."""
    slider = ""
    if len(fig.cycles) > 1:
        slider = (
            '<label>from <input type="range" class="cyc-lo"></label>'
            '<label>to <input type="range" class="cyc-hi"></label>'
            '<span class="cyc-label"></span>'
            f'<label>hide {fig.plural} <input type="text" class="cyc-hide" size="10" '
            'placeholder="e.g. 3, 5-7"></label>'
            f'<button class="cyc-all">all {fig.plural}</button>'
        )
    tools = (
        f'<div class="tools">{slider}<button class="dl-csv">CSV of what is plotted</button>'
        '<button class="dl-png">PNG</button><button class="dl-svg">SVG</button></div>'
    )
    caption = f'<p class="caption">{escape(fig.caption)}</p>' if fig.caption else ""
    note = f'<p class="note">{escape(fig.note)}</p>' if fig.note else ""
    return (
        f'<div class="fig" id="fig-{escape(fig.id)}">{tools}<div class="plot"></div>'
        f"{caption}{note}</div>"
    )


def page(
    title: str, subtitle: str, sections: list[tuple[str, str, str]], figures: list[Figure]
) -> str:
    """The whole document. ``sections`` are (anchor, heading, inner HTML)."""
    nav = "".join(f'<a href="#{a}">{escape(h)}</a>' for a, h, _ in sections)
    body = "".join(
        f'<section id="{a}"><h2>{escape(h)}</h2>{inner}</section>' for a, h, inner in sections
    )
    data = json.dumps({"figures": to_payload(figures)}, separators=(",", ":"))
    data = data.replace("</", "<\\/")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style>"
        f"<script>{plotly_js()}</script></head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>"
        f"<nav>{nav}</nav><main>{body}</main>"
        f'<script type="application/json" id="report-data">{data}</script>'
        f"<script>{JS}</script></body></html>\n"
    )
