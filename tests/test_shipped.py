"""pinzhu.shipped: the .npz reader behind start-up (issue #18) reads what numpy.savez writes,
as numpy.load reads it, and names the file when it cannot."""

import numpy as np
import pytest

from pinzhu import shipped


def _arrays():
    return {
        "ints": np.arange(12, dtype=np.int32).reshape(3, 4),
        "fortran": np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)),
        "scalar": np.array(0.25),
        "empty": np.zeros((0, 5), dtype=np.uint16),
        "text": np.frombuffer("银行\nhang2".encode("utf-8"), dtype=np.uint8),
        "big_endian": np.arange(5, dtype=">u4"),
    }


@pytest.mark.parametrize("save", [np.savez, np.savez_compressed])
def test_reads_what_numpy_writes_as_numpy_reads_it(tmp_path, save):
    path = tmp_path / "a.npz"
    save(path, **_arrays())
    got, want = shipped.load_npz(path), np.load(path)
    assert sorted(got) == sorted(want.files)
    for k in want.files:
        assert got[k].dtype == want[k].dtype and got[k].shape == want[k].shape, k
        assert np.array_equal(got[k], want[k]), k
    assert not got["ints"].flags.writeable  # over the file's pages, never written through
    assert sorted(shipped.load_npz(path, only=("scalar",))) == ["scalar"]


def test_refuses_pickles_and_names_the_file_it_cannot_read(tmp_path):
    pickled = tmp_path / "p.npz"
    np.savez(pickled, obj=np.array([{"a": 1}], dtype=object))
    with pytest.raises(shipped.NpzError, match=r"p\.npz:obj\.npy.*pickle"):
        shipped.load_npz(pickled)
    short = tmp_path / "short.npz"
    short.write_bytes(b"PK\x03\x04")
    with pytest.raises(shipped.NpzError, match=r"short\.npz: not a zip file"):
        shipped.load_npz(short)
    cut = tmp_path / "cut.npz"
    np.savez(cut, **_arrays())
    cut.write_bytes(cut.read_bytes()[:-30])
    with pytest.raises(shipped.NpzError, match=r"cut\.npz"):
        shipped.load_npz(cut)


def test_the_shipped_files_read_alike_from_a_path_and_from_bytes():
    """A zipped install has no file to map: its bytes are read whole, with the same arrays."""
    a = shipped.load("lexicon.npz", only=("syllables", "t2s"))
    b = shipped._members(memoryview(open(shipped.os.path.join(shipped.DATA, "lexicon.npz"), "rb").read()),
                         "lexicon.npz", ("syllables", "t2s"))
    assert sorted(a) == sorted(b) == ["syllables", "t2s"]
    assert all(np.array_equal(a[k], b[k]) for k in a)
