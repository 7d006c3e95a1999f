"""The knowledge base in the store: created on first use, user records beside the bundled ones,
queries by strategy, electrolyte, metric, material and condition ranges, SI or display units."""

from __future__ import annotations

import duckdb
import pytest

from lithiophile.errors import InputError, UnitsError
from lithiophile.kb import KnowledgeBase, bundled_records
from lithiophile.kb import table as kb_table
from lithiophile.metrics import Conditions, Metric
from lithiophile.store import StoreError

# read by hand from the review's Tables 1-2 and text: the cycle lives in hours stated at
# >= 1 mA cm-2 (Table 1 rows [27] 5.0, [35] 4, [39] 1, [41] 2.5; Table 2 rows [49] 1, [55] 1,
# [56] 2.0, [57] 2.0, [63] 1.0 mA cm-2; the text's PEGDA interlayer [70] at 2 mA cm-2)
LIFE_AT_1_MA = {
    "t1-27-life",
    "t1-35-life",
    "t1-39-life",
    "t1-41-life",
    "t2-49-life",
    "t2-55-life",
    "t2-56-life",
    "t2-57-life",
    "t2-63-life",
    "text-71-cycle-life",
}


def _mine(value=0.025, cd=10.0):
    return Metric(
        "polarization",
        value,
        Conditions(current_density_A_m2=cd, areal_capacity_C_m2=36e3, cell="Li|Li"),
        definition="plateau |V|",
        variant="plateau",
    )


def test_created_on_first_use_where_the_settings_say_with_the_bundled_records(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("LITHIOPHILE_HOME", str(tmp_path / "home"))
    expected = (
        tmp_path / "home" / "lithiophile.duckdb"
    )  # lithiophile.config: HOME/lithiophile.duckdb
    kb = KnowledgeBase()
    assert kb.store.path == expected and not expected.exists()  # nothing made before use
    assert kb.count() == kb.count(origin="review") == len(bundled_records())
    assert expected.is_file()


def test_user_records_live_beside_the_bundled_ones_marked_as_theirs(base):
    added = base.add(_mine(), material="my ZnO host", strategy="host coating", electrolyte="liquid")
    assert [r.origin for r in added] == ["user"] and added[0].id.startswith("user-")
    base.add(_mine(), material="my ZnO host", strategy="host coating", electrolyte="liquid")
    users = base.query(origin="user")
    assert [r.id for r in users] == [added[0].id]  # the same result is kept once
    assert users[0].value_si == pytest.approx(0.025) and users[0].material == "my ZnO host"
    assert base.count(origin="review") == len(bundled_records())
    assert base.get(added[0].id).conditions.areal_capacity_C_m2 == pytest.approx(36e3)
    assert base.delete_user() == 1 and base.count(origin="user") == 0


def test_a_new_bundle_replaces_the_review_records_and_keeps_the_users(base):
    mine = base.add(_mine(), material="mine", strategy="control")[0]
    with base.store.transaction() as con:  # as if written by an older lithiophile
        con.execute("DELETE FROM kb_records WHERE id = 't1-26-ce'")
        con.execute("UPDATE kb_meta SET value = 'old' WHERE key = 'bundled'")
    assert base.get("t1-26-ce").value_si == pytest.approx(0.991)  # reloaded on the next use
    assert base.count(origin="review") == len(bundled_records())
    assert base.get(mine.id).origin == "user"


def test_query_by_strategy_electrolyte_metric_material(base):
    bundled = bundled_records()
    got = {r.id for r in base.query(strategy="host dopant")}
    assert got == {r.id for r in bundled if r.strategy == "host dopant"} and got
    got = {r.id for r in base.query(electrolyte="solid", metric="polarization")}
    assert got == {r.id for r in bundled if r.electrolyte == "solid" and r.metric == "polarization"}
    # "ZnO" names the ZnO-coated carbon matrix of Table 2 [51] and the Table 3 ZnO interlayer
    got = {r.material for r in base.query(material="zno")}
    assert got and all("zno" in m.lower() for m in got)
    assert base.query(strategy="In situ SEI") == base.query(strategy="in-situ SEI")  # aliases


def test_condition_ranges_in_any_unit(base):
    got = {r.id for r in base.query(metric="cycle_life_time", where=["current_density>=1 mA cm-2"])}
    assert got == LIFE_AT_1_MA
    # 1 mA cm-2 = 10 A m-2 = 10 000 uA cm-2: the same records
    for text in ("current_density >= 10 A/m^2", "current_density>=1000 uA cm-2"):
        assert {r.id for r in base.query(metric="cycle_life_time", where=[text])} == got
    # of those, the ones at >= 1 mAh cm-2 (36 000 C m-2): all but [27] and [41] at 0.5 mAh cm-2
    # and [63] at 0.5, [55] and the text's [70] that state none
    both = base.query(
        metric="cycle_life_time", where=["current_density>=1 mA cm-2", "areal_capacity>=1 mAh cm-2"]
    )
    assert {r.id for r in both} == {
        "t1-35-life",
        "t1-39-life",
        "t2-49-life",
        "t2-56-life",
        "t2-57-life",
    }
    long = base.query(metric="cycle_life_time", where=["value>=1000 h"])
    assert long and all(r.value_si >= 3.6e6 for r in long)  # 1000 h = 3.6e6 s


def test_results_in_si_or_display_units(base):
    t = base.table(
        metric="polarization",
        where=[
            "current_density>=0.5 mA cm-2",
            "current_density<=0.5 mA cm-2",
            "time>=300 h",
            "time<=300 h",
        ],
    )
    # Table 1 [36]: ~30 mV after 300 h (0.5 mA cm-2, 1 mA h cm-2)
    row = t.set_index("id").loc["t1-36-polar"]
    assert (row["value"], row["unit"]) == (pytest.approx(30.0), "mV")
    assert row["current_density [mA cm-2]"] == pytest.approx(0.5)
    assert row["areal_capacity [mAh cm-2]"] == pytest.approx(1.0)
    assert row["time [h]"] == pytest.approx(300.0)
    si = base.table(si=True, metric="polarization").set_index("id").loc["t1-36-polar"]
    # hand conversion: 30 mV = 0.030 V, 0.5 mA cm-2 = 5 A m-2, 1 mAh cm-2 = 36 000 C m-2
    assert (si["value"], si["unit"]) == (pytest.approx(0.030), "V")
    assert si["current_density_A_m2"] == pytest.approx(5.0)
    assert si["areal_capacity_C_m2"] == pytest.approx(36_000.0)
    assert si["time_s"] == pytest.approx(1.08e6)
    r = base.get("t1-36-polar")
    assert r.value_text() == "~30 mV" and r.value_text(si=True) == "~0.03 V"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"strategy": "pixie dust"}, r"the strategy must be one of in-situ SEI.*Got 'pixie dust'"),
        ({"electrolyte": "gas"}, r"electrolyte class must be 'liquid' or 'solid'. Got 'gas'"),
        ({"metric": "speed"}, r"the metric must be one of .* Got 'speed'"),
        ({"where": ["current_density>=1"]}, r"must give a unit, such as 'current_density>=1 mA"),
        ({"where": ["voltage>=1 V"]}, r"names 'voltage'; use one of current_density"),
        ({"where": ["current_density about 1"]}, r"must read NAME OP QUANTITY"),
        ({"where": ["current_density>=1 mAh"]}, r"convertible to A/m\^2"),
        ({"where": ["value>=3 h"]}, r"on 'value' needs a metric"),
    ],
)
def test_bad_queries_say_what_to_give(base, kwargs, message):
    with pytest.raises((InputError, UnitsError), match=message):
        base.query(**kwargs)


def test_unknown_id_says_how_to_find_ids(base):
    with pytest.raises(InputError, match=r"no record with id 'nope'.*'lithiophile kb list'"):
        base.get("nope")


def test_the_table_is_clustered_in_index_order_once_enough_rows_are_unsorted(base, monkeypatch):
    monkeypatch.setattr(kb_table, "CLUSTER_MIN_ROWS", 200)
    rows = [
        {
            "strategy": "control",
            "material": f"cell {k}",
            "metric": "polarization",
            "value": 10.0 + k,
            "unit": "mV",
            "conditions": {"current_density_A_m2": float((37 * k) % 101 + 1)},
        }
        for k in range(120)
    ]
    # the 139 bundled rows were loaded unsorted; + 40 = 179 < 200: left as they are
    base.add_records(rows[:40])
    with base.store.transaction(read_only=True) as con:
        assert con.execute("SELECT value FROM kb_meta WHERE key = 'unclustered'").fetchall() == [
            ("179",)
        ]
    base.add_records(rows[40:])  # 299 >= 200 unsorted (none clustered yet): rewritten in order
    with base.store.transaction(read_only=True) as con:
        order = con.execute(
            "SELECT metric, current_density_A_m2, areal_capacity_C_m2, id FROM kb_records"
        ).fetchall()
        unsorted = con.execute("SELECT value FROM kb_meta WHERE key = 'unclustered'").fetchall()
    # Python's sort, None last as in DuckDB's ORDER BY (NULLS LAST by default)
    key = [(m, cd is None, cd or 0.0, cap is None, cap or 0.0, i) for m, cd, cap, i in order]
    assert key == sorted(key) and unsorted == [("0",)]
    assert base.count(origin="user") == 120 and base.count() == 120 + len(bundled_records())
    base.add_records([{**rows[0], "material": "one more"}])  # 1 < 200: left at the end
    base.cluster()  # on demand
    with base.store.transaction(read_only=True) as con:
        assert con.execute("SELECT value FROM kb_meta WHERE key = 'unclustered'").fetchall() == [
            ("0",)
        ]
        assert con.execute("SELECT count(*) FROM kb_records").fetchall() == [(260,)]


def test_reading_holds_one_connection_and_refuses_writes(base):
    with base.reading():
        assert base.count(metric="li_cu_ce") == sum(
            r.metric == "li_cu_ce" for r in bundled_records()
        )
        with pytest.raises(StoreError, match=r"cannot write .* inside its reading"):
            base.add(_mine(), material="x", strategy="control")
    base.add(_mine(), material="x", strategy="control")  # after the block it can
    assert base.count(origin="user") == 1


def test_a_store_of_other_results_gets_the_knowledge_base_added(tmp_path):
    from lithiophile.store import Store

    store = Store(tmp_path / "s.duckdb")
    store.put("cell-analysis", "k", {"x": 1})  # a store cell analyze made, without kb tables
    assert KnowledgeBase(store).count(origin="review") == len(bundled_records())
    assert store.get("cell-analysis", "k") == {"x": 1}
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM kb_records").fetchall()[0][0] > 100
    con.close()
