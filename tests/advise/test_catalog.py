"""The strategy catalogue: every sentence verbatim, every record it names present, every
reference from the review's list."""

from __future__ import annotations

import fnmatch

from lithiophile.advise.catalog import reference_text, strategies
from lithiophile.kb import bundled_records

CATEGORIES = {
    "coating",
    "interlayer",
    "host",
    "dopant",
    "alloy",
    "electrolyte additive",
    "SEI",
    "treatment",
}


def test_the_catalogue_covers_every_kind_of_strategy_the_issue_names():
    assert {s.category for s in strategies()} == CATEGORIES
    assert len({s.id for s in strategies()}) == len(strategies())


def test_each_strategy_names_existing_records_and_each_record_is_claimed_once():
    ids = [r.id for r in bundled_records()]
    owner: dict[str, str] = {}
    for s in strategies():
        for pattern in s.records:
            found = fnmatch.filter(ids, pattern)
            assert found, (s.id, pattern)
            for rid in found:
                assert rid not in owner, (rid, owner.get(rid), s.id)
                owner[rid] = s.id


def test_sentences_and_references_come_from_the_review(seed_text):
    flat = " ".join(seed_text.split())
    for s in strategies():
        for claim in s.claims:
            assert " ".join(claim.split()) in flat, (s.id, claim)
        for n in s.refs:
            assert reference_text(n).split(".")[0] in flat, (s.id, n)
