"""Tests that kill mutants of the BioLogic .mpr module walker and reader (biologic_mpr):
module headers cut off exactly at their documented sizes, short reads, read errors, sniff.

Independent sources: the module header layout (short: "MODULE" 6 + names 10 + 25 + length 4 +
version 4 + date 8 = 57 bytes; extended: 6 + 10 + 25 + four u32 16 + date 8 = 65 bytes, as
test_biologic.py reads the real files: the issue_149 GCPL data module header at byte 7070,
its content at 7135), the byte offsets of the files built in test_mutants_mpr._build (data
module header at 7128, content at 7185), and io.RawIOBase.readinto's contract (it may return
fewer bytes than asked).
"""

from __future__ import annotations

import errno
import struct
from pathlib import Path

import numpy as np
import pytest
from tests.io.test_biologic import GCPL
from tests.io.test_mutants_mpr import _E, _T, N, _build

from lithiophile.errors import FileFormatError
from lithiophile.io import biologic_mpr
from lithiophile.io.biologic_mpr import MAGIC, _Module, _Reader, sniff


def _cut(src: Path, dest: Path, size: int) -> Path:
    dest.write_bytes(src.read_bytes()[:size])
    return dest


def _small(tmp_path: Path) -> Path:
    rows = np.zeros(N, dtype=[("t", "<f8"), ("e", "<f4")])
    rows["t"], rows["e"] = _T, _E
    return _build(tmp_path / "full.mpr", (4, 6), rows)


def test_short_module_header_cut_one_byte_early(tmp_path):
    # the data module's 57-byte header from byte 7128 needs the file to reach byte 7185
    p = _cut(_small(tmp_path), tmp_path / "cut.mpr", 7128 + 56)
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith(
        "the module header at byte 7128 is cut off at byte 7184 (file truncated?)"
    )


def test_short_module_header_whole_but_no_content(tmp_path):
    # the whole 57-byte header is there; its content (from byte 7185) is not
    full = _small(tmp_path)
    data = full.read_bytes()
    declared = int.from_bytes(data[7128 + 41 : 7128 + 45], "little")  # u32 after the names
    assert 7185 + declared < len(data)  # the log module follows it
    p = _cut(full, tmp_path / "cut.mpr", 7128 + 57)
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith(
        f"the VMP data module (header at byte 7128) ends at byte 7185 but its header declares "
        f"{declared} bytes from byte 7185 (file truncated?)"
    )


def test_extended_module_header_cut_one_byte_early(shared, tmp_path):
    p = _cut(shared(GCPL), tmp_path / "cut.mpr", 7070 + 64)
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith(
        "the module header at byte 7070 is cut off at byte 7134 (file truncated?)"
    )


def test_extended_module_header_whole_but_no_content(shared, tmp_path):
    p = _cut(shared(GCPL), tmp_path / "cut.mpr", 7070 + 65)
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith(
        "the VMP data module (header at byte 7070) ends at byte 7135 but its header declares "
        "8003 bytes from byte 7135 (file truncated?)"
    )


def test_sniff_scores():
    # documented: 100 for the .mpr magic bytes, else 0
    assert sniff(MAGIC + b"\0" * 30, Path("a.mpr")) == 100
    assert sniff(b"EC-Lab ASCII FILE\r\n", Path("a.mpt")) == 0


class _Trickle:
    """A file object whose readinto returns at most 3 bytes per call (short reads, allowed by
    io.RawIOBase), or raises an OSError when ``fail``."""

    def __init__(self, data: bytes, fail: bool = False) -> None:
        self.data, self.pos, self.fail = data, 0, fail

    def seek(self, offset: int) -> None:
        self.pos = offset

    def tell(self) -> int:
        return self.pos

    def readinto(self, view: memoryview) -> int:
        if self.fail:
            raise OSError(errno.EIO, "Input/output error")
        k = min(3, len(view), len(self.data) - self.pos)
        view[:k] = self.data[self.pos : self.pos + k]
        self.pos += k
        return k


def test_short_reads_are_continued_until_the_buffer_is_full():
    data = bytes(range(50))
    rd = _Reader(None, "trickle.mpr", _Trickle(data), len(data))
    out = bytearray(20)
    rd.readinto(10, out)
    assert bytes(out) == data[10:30]
    assert rd.at(40, 100) == data[40:]  # at most to the end of the file


def test_file_that_ends_early_is_an_error():
    data = bytes(range(50))
    rd = _Reader(None, "short.mpr", _Trickle(data), 80)
    with pytest.raises(FileFormatError) as e:
        rd.readinto(40, bytearray(20))
    assert str(e.value).endswith("it ends at byte 50, before its stated size (file changed?)")


def test_read_error_is_named():
    rd = _Reader(None, "bad.mpr", _Trickle(b"x" * 10, fail=True), 10)
    with pytest.raises(FileFormatError) as e:
        rd.readinto(0, bytearray(5))
    assert str(e.value).endswith("cannot read it (Input/output error)")


def test_zero_padding_after_the_last_module_of_a_big_file(tmp_path):
    # a file above the 4 MiB whole-file limit (read in parts) with 100 zero bytes after its
    # last module: the padding is recognised as such, and the rows are the ones written
    n = 400_000  # 12-byte rows: 4.8 MB
    rows = np.zeros(n, dtype=[("t", "<f8"), ("e", "<f4")])
    rows["t"] = np.arange(n) * 0.5
    rows["e"] = 3.5
    p = _build(tmp_path / "big.mpr", (4, 6), rows)
    with p.open("ab") as fh:
        fh.write(bytes(100))
    assert p.stat().st_size > 4 << 20
    cols, info = biologic_mpr.parse(p)
    assert info["n_points"] == n
    np.testing.assert_array_equal(cols["time/s"], rows["t"])


def test_not_an_mpr_names_its_first_24_bytes(tmp_path):
    # an EC-Lab text export renamed .mpr: its first 24 bytes (17 + CR LF + 5) are quoted
    p = tmp_path / "text.mpr"
    p.write_bytes(b"EC-Lab ASCII FILE\r\nNb header lines : 3\r\n")
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith(
        "it does not start with 'BIO-LOGIC MODULAR FILE' (first bytes "
        "b'EC-Lab ASCII FILE\\r\\nNb he')"
    )


def test_file_header_cut_off(tmp_path):
    # the magic bytes, then 8 of the 30 bytes that complete the 52-byte file header
    p = tmp_path / "cut.mpr"
    p.write_bytes(MAGIC + bytes(8))
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith("the file header is cut off at byte 30 (file truncated?)")


def test_whole_file_header_and_no_module(tmp_path):
    # exactly the 52-byte file header: not cut off, but there is no module at all
    p = tmp_path / "empty.mpr"
    p.write_bytes(MAGIC + bytes(52 - len(MAGIC)))
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith("it has no 'VMP data' module (modules: [])")


def test_broken_module_header_quotes_its_six_bytes(tmp_path):
    # the data module's header (byte 7128) starts "XODULE" instead of "MODULE"
    data = bytearray(_small(tmp_path).read_bytes())
    data[7128:7134] = b"XODULE"
    p = tmp_path / "x.mpr"
    p.write_bytes(bytes(data))
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(p)
    assert str(e.value).endswith(
        "expected a module header 'MODULE' at byte 7128, found b'XODULE' (corrupt file?)"
    )


def _galvani_modules(path: Path) -> list[dict]:
    biologic = pytest.importorskip("galvani.BioLogic")
    with path.open("rb") as fh:
        fh.seek(52)  # the file header (biologic.MPRfile reads the modules from here)
        return list(biologic.read_VMP_modules(fh, read_module_data=False))


@pytest.mark.parametrize("which", ["built", "shared"])
def test_module_headers_as_galvani_reads_them(shared, tmp_path, which):
    # name, length, version and date of every module header, short (the built file, EC-Lab
    # <= 11.43) and extended (the issue_149 GCPL file), as galvani 0.5.0 reads them; a short
    # header has no revision
    path = _small(tmp_path) if which == "built" else shared(GCPL)
    _, info = biologic_mpr.parse(path)
    ref = _galvani_modules(path)
    assert len(info["modules"]) == len(ref)
    for mine, theirs in zip(info["modules"], ref, strict=True):
        assert mine["name"] == theirs["shortname"].decode("latin-1").strip(" \x00")
        assert mine["length"] == theirs["length"]
        assert mine["version"] == theirs["version"]
        assert mine["date"] == theirs["date"].decode("latin-1").strip("\x00 ")
        if which == "built":
            assert mine["revision"] is None


def _module(content: bytes) -> tuple[_Reader, _Module]:
    """A reader over 10 bytes, then ``content`` (a module's content at byte 10), nothing after."""
    mod = _Module(0, "VMP Set", "", 10, len(content), 0, None, "", False)
    return _Reader(bytes(10) + content, "m.mpr"), mod


def test_typed_reads_up_to_the_last_byte_of_a_module():
    # each value ends exactly at the module's end (byte 16 of its content): read; one byte
    # later it would run past the end: None
    rd, mod = _module(bytes(12) + struct.pack("<f", 1.5))
    assert (rd.f32(mod, 12), rd.f32(mod, 13)) == (1.5, None)
    rd, mod = _module(bytes(8) + struct.pack("<d", 2.25))
    assert (rd.f64(mod, 8), rd.f64(mod, 9)) == (2.25, None)
    rd, mod = _module(bytes(15) + b"\x07")
    assert (rd.u8(mod, 15), rd.u8(mod, 16)) == (7, None)


def test_length_prefixed_text_at_the_end_of_a_module():
    rd, mod = _module(bytes(10) + b"\x05hello")  # 1 + 5 bytes end at the module's end
    assert (rd.text(mod, 10), rd.text(mod, 16)) == ("hello", None)
    rd, mod = _module(bytes(10) + b"\x06hello")  # declares one byte more than there is
    assert rd.text(mod, 10) is None
    rd, mod = _module(bytes(15) + b"\x00")  # an empty text in the last byte
    assert rd.text(mod, 15) == ""
    rd, mod = _module(b"\x03a\x81b")  # 0x81 is undefined in cp1252: replaced, not an error
    assert rd.text(mod, 0) == "a\ufffdb"


def _two_data_modules(tmp_path: Path, second_ids: bytes | None = None) -> tuple[Path, int]:
    """The built file with its data module (header at 7128, content at 7185) written twice,
    the copy's column ids (content bytes 5..8) replaced by ``second_ids``; returns the path
    and the byte of the copy's header."""
    data = _small(tmp_path).read_bytes()
    end = 7185 + int.from_bytes(data[7128 + 41 : 7128 + 45], "little")
    copy = bytearray(data[7128:end])
    if second_ids is not None:
        copy[57 + 5 : 57 + 9] = second_ids
    p = tmp_path / "two.mpr"
    p.write_bytes(data[:end] + bytes(copy) + data[end:])
    return p, end


def test_a_second_data_module_with_the_same_columns_is_appended(tmp_path):
    # EC-Lab merges: the rows of both modules, in file order (40 + 40 points)
    p, _ = _two_data_modules(tmp_path)
    cols, info = biologic_mpr.parse(p)
    assert info["n_points"] == 2 * N
    np.testing.assert_array_equal(cols["time/s"], np.concatenate([_T, _T]))
    np.testing.assert_array_equal(cols["Ewe/V"], np.concatenate([_E, _E]))


def test_a_second_data_module_with_other_columns_is_ignored_with_a_note(tmp_path):
    # the copy's ids 4, 76 (time, <I>/mA: the same sizes) differ from 4, 6: not appended
    p, at = _two_data_modules(tmp_path, struct.pack("<HH", 4, 76))
    cols, info = biologic_mpr.parse(p)
    assert info["n_points"] == N
    np.testing.assert_array_equal(cols["time/s"], _T)
    assert f"a second data module at byte {at} has other columns: ignored" in info["notes"]


def test_file_without_log_module(tmp_path):
    # cut after the data module: no EC-Lab version and no start time, and a note says so
    data = _small(tmp_path).read_bytes()
    end = 7185 + int.from_bytes(data[7128 + 41 : 7128 + 45], "little")
    p = tmp_path / "nolog.mpr"
    p.write_bytes(data[:end])
    _, info = biologic_mpr.parse(p)
    assert info["format_version"] == "data module v3"
    assert info["notes"] == ["no log module: start time and EC-Lab version not stated"]


def test_format_version_of_an_extended_header(shared):
    # EC-Lab 11.50 (the issue_149 files, biologic_columns docs), data module version 0 and the
    # revision in its extended header, as galvani 0.5.0 reads it (field "unknown2")
    path = shared(GCPL)
    (data_mod,) = [m for m in _galvani_modules(path) if m["shortname"].startswith(b"VMP data")]
    _, info = biologic_mpr.parse(path)
    assert info["format_version"] == (
        f"EC-Lab 11.50, data module v{data_mod['version']} (extended module header, revision "
        f"{data_mod['unknown2']})"
    )


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileFormatError) as e:
        biologic_mpr.parse(tmp_path / "nope.mpr")
    assert str(e.value).endswith("cannot open it (No such file or directory)")


def test_file_of_exactly_4_mib_is_read_whole(tmp_path):
    # the whole-file limit is inclusive: a file of exactly 4 MiB (zero padding after its last
    # module) is read in one go, its columns views of its bytes
    p = _small(tmp_path)
    with p.open("ab") as fh:
        fh.write(bytes((4 << 20) - p.stat().st_size))
    assert p.stat().st_size == 4 << 20
    cols, _ = biologic_mpr.parse(p)
    assert not cols["time/s"].flags.owndata
    np.testing.assert_array_equal(cols["time/s"], _T)
