"""Every file in ../shared/data/cycler reads, detected from its content, with the row count its
MANIFEST.md records (the count other readers - galvani, NewareNDA, fastnda, pandas, cellpy -
got from the same file, as documented there). Skipped when ../shared is absent.
"""

from __future__ import annotations

import re
import warnings

import pytest
from tests.conftest import SHARED_CYCLER, file_digest, skip_unless_mdbtools

import lithiophile.io as lio
from lithiophile.errors import UnknownColumnWarning

MANIFEST = SHARED_CYCLER / "MANIFEST.md"


def _manifest_rows() -> dict[str, int]:
    if not MANIFEST.is_file():
        return {}
    out = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| `([^`]+)` \|", line)
        if not m:
            continue
        counts = re.findall(r"OK (\d+) rows", line)
        if counts:
            out[m.group(1)] = int(counts[0])
    return out


ROWS = _manifest_rows()


@pytest.mark.skipif(not ROWS, reason=f"{MANIFEST} not found (no ../shared checkout)")
def test_manifest_lists_every_file():
    on_disk = {p.name for p in SHARED_CYCLER.iterdir() if p.name != "MANIFEST.md"}
    assert on_disk == set(ROWS)


@pytest.mark.parametrize("name", sorted(ROWS) or ["<no ../shared>"])
def test_every_shared_file_reads_with_manifest_row_count(name):
    path = SHARED_CYCLER / name
    if not path.is_file():
        pytest.skip(f"{path} not found (no ../shared checkout)")
    skip_unless_mdbtools(name)
    before = file_digest(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownColumnWarning)  # pinned per file in the reader tests
        data = lio.read(path)
    assert len(data) == ROWS[name]
    assert data.meta.sha256 == before[0]
    assert file_digest(path) == before  # the reader left the file untouched
