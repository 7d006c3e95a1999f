"""Figures: PNG and HTML written, with the right number of points and the user's highlighted.

Expected counts are read by hand from the review's Tables 1-3 (and its text), not from the
plotting code: a point needs the x value the figure uses (current density, or cycle number).
"""

from __future__ import annotations

import base64
import json

import pytest
from PIL import Image

from lithiophile.errors import InputError
from lithiophile.metrics import Conditions, Metric

MINE = [
    Metric(
        "cycle_life_time",
        200 * 3600.0,
        Conditions(current_density_A_m2=5.0, areal_capacity_C_m2=36e3, cell="Li|Li"),
    ),
    Metric("polarization", 0.030, Conditions(current_density_A_m2=5.0, cell="Li|Li")),
    Metric("average_ce", 0.985, Conditions(current_density_A_m2=5.0, cell="Li|Cu")),
    Metric("interfacial_asr", 40e-4, Conditions(cycle=0, cell="Li|Li")),
    Metric("interfacial_asr", 12e-4, Conditions(cycle=10, cell="Li|Li")),
]

# kind -> per panel: literature points (or before/after pairs), the user's
EXPECTED = {
    # hours: 11 rows of Table 1 ([27]-[29], [33], [35]-[37], [39]-[42]), 8 of Table 2 ([49],
    # [51], [55]-[57], [61]-[63]) and the text's [27] and [70] state a current density (the
    # text's 400 h [68] and 950 h [77] do not); cycles: Table 1 [26], Table 2 [50], [52], [58],
    # Table 3 [83], [86] and the text's [51] (the other Table 3 lives are at a C-rate)
    "cycle-life": [(21, 1), (7, 0)],
    # 11 of Table 1, 6 of Table 2 (less the three voltages under "Li-Cu efficiency", flagged
    # exclude), 6 of Table 3 and the text's PEGDA [70]; the text's 0.17 V [65] states no rate
    "polarization": [(24, 1)],
    # Li-Cu efficiencies with a cycle number: Table 1 [26], [29], [36], Table 2 [57], [58],
    # [61], Table 3 [69]; the user's average CE has none and is drawn at cycle 1, labelled so
    "ce": [(7, 1)],
    # rows with both columns: 13 in ohm (Table 1 [26], [27], [36]-[38], [41], [42]; Table 2
    # [49]-[51], [56], [57]; Table 3 [64]), 6 in ohm cm2 (Table 1 [35]; Table 3 [20], [22],
    # [77], [83], [86])
    "resistance": [(13, 0), (6, 1)],
}


def _traces(html):
    """The plotly traces of an HTML file (the JSON given to Plotly.newPlot)."""
    text = html.read_text(encoding="utf-8")
    rest = text[text.index("Plotly.newPlot(") + len("Plotly.newPlot(") :].lstrip()
    decoder = json.JSONDecoder()
    _, end = decoder.raw_decode(rest)  # the div's id
    data, _ = decoder.raw_decode(rest[end:].lstrip().removeprefix(",").lstrip())
    return data


def _length(values):
    if isinstance(values, dict):  # plotly's typed-array encoding
        return len(base64.b64decode(values["bdata"])) // {"f8": 8, "i4": 4, "i1": 1}.get(
            values["dtype"], 8
        )
    return len(values)


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_figures_are_written_with_the_right_points(base, tmp_path, kind):
    png, html = base.plot(kind, tmp_path / "fig", highlight=MINE)
    assert (png.name, html.name) == (f"kb-{kind}.png", f"kb-{kind}.html")
    image = Image.open(png)
    assert image.format == "PNG" and image.size[0] > 400
    drawn = list(json.loads(image.text["Points"]).values())  # counted from the drawn artists
    key = "pairs" if kind == "resistance" else "records"
    assert [(p[key], p["yours"]) for p in drawn] == EXPECTED[kind]
    traces = _traces(html)
    yours = [t for t in traces if t["name"] == "yours"]
    if kind == "resistance":
        theirs = [t for t in traces if t["name"] != "yours"]
        assert len(theirs) == sum(n for n, _ in EXPECTED[kind])  # one line per pair
        assert all(_length(t["y"]) == 2 for t in theirs)
        assert len(yours) == 1 and yours[0]["y"] == pytest.approx([40.0, 12.0])  # ohm cm2
        dashed = [t for t in theirs if t["line"]["dash"] == "dash"]
        # the "before/after" that are rest times or without/with: [26], [27], [38], [41],
        # [42], [64] in ohm; [20], [22], [77], [83] in ohm cm2
        assert len(dashed) == 10
    else:
        theirs = sum(_length(t["x"]) for t in traces if t["name"] != "yours")
        assert theirs == sum(n for n, _ in EXPECTED[kind])
        assert sum(_length(t["x"]) for t in yours) == sum(m for _, m in EXPECTED[kind])
    assert (html.parent / "plotly.min.js").is_file()  # nothing is fetched from the network


def test_cycle_life_is_log_log_with_areal_capacity_as_marker_size(base, tmp_path):
    (html,) = base.plot("cycle-life", tmp_path, highlight=MINE[:1], formats=["html"])
    layout_types = html.read_text(encoding="utf-8")
    assert layout_types.count('"type":"log"') >= 4  # x and y of both panels
    hours = [t for t in _traces(html) if t.get("xaxis", "x") == "x" and t["name"] != "yours"]
    points = [
        (text.split("|")[1].strip(), size, cap)
        for t in hours
        for text, size, cap in zip(
            t["hovertext"], t["marker"]["size"], t["customdata"], strict=True
        )
    ]
    size = {name: s for name, s, _ in points}
    cap = {name: c for name, _, c in points}
    # Table 2 [57] 850 h at 2 mAh cm-2 > Table 1 [36] at 1 mAh cm-2 > Table 1 [27] at 0.5
    assert cap["CuBr- and Br-doping Cu Current Collectors [ref 56]"] == pytest.approx(2.0)
    assert cap["Skin-grafting SEI [ref 35]"] == pytest.approx(1.0)
    assert cap["Dual functional SEI [ref 27]"] == pytest.approx(0.5)
    assert (
        size["CuBr- and Br-doping Cu Current Collectors [ref 56]"]
        > size["Skin-grafting SEI [ref 35]"]
        > size["Dual functional SEI [ref 27]"]
    )
    hover = " ".join(t for trace in hours for t in trace["hovertext"])
    assert "850 h at 2 mA cm-2, 2 mAh cm-2" in hover  # display units, as printed


def test_bad_figure_requests(base, tmp_path):
    with pytest.raises(InputError, match=r"the figure must be one of cycle-life, .* Got 'pie'"):
        base.plot("pie", tmp_path)
    with pytest.raises(InputError, match=r"figure formats must be 'png' or 'html'. Got 'svg'"):
        base.plot("ce", tmp_path, formats=["svg"])
