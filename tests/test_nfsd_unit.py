# nfsd's decoder, encoder and confinement, tested in C (nfsd/test/unit.c:
# why in C is said there): built with the same flags as nfsd by `make
# nfsd-unit` into a build directory of this test's own (so that parallel
# tests never build the same file), and run on a scratch directory.

import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_nfsd_unit(tmp_path):
    b = tmp_path / "b"
    r = subprocess.run(["make", "--no-print-directory", f"B={b}", "nfsd-unit"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, "make nfsd-unit failed:\n" + r.stdout + r.stderr
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    r = subprocess.run([str(b / "nfsd" / "unit"), str(scratch)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, "nfsd unit tests failed:\n" + r.stdout + r.stderr
    assert "0 failed" in r.stdout
