# The Gradescope autograder (make gradescope; tools/gradescope/): its zip
# unpacked into a folder laid out like Gradescope's /autograder (source/,
# submission/, results/; the root given in AUTOGRADER_ROOT), run_autograder
# grades a finished lab 1 100/100 and its stub 0, each in a results.json
# that Gradescope's format accepts. setup.sh is not run: it installs
# packages, which this machine has.

import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from grading import kill_group, student_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from grader.machine import scale  # noqa: E402

LAB = 1
SECONDS = 900       # one trusted grading of lab 1, every core busy
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def run(cmd, cwd, env=None, timeout=SECONDS):
    p = subprocess.Popen(cmd, cwd=cwd, env=env or student_env(), text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout * scale())
    except subprocess.TimeoutExpired:
        kill_group(p)
        out, _ = p.communicate()
        pytest.fail(f"{' '.join(cmd)} did not finish:\n{out[-3000:]}")
    assert p.returncode == 0, f"{' '.join(cmd)}: exit {p.returncode}\n{out[-3000:]}"
    return out


def unzip(path, dest):
    """Extract as Gradescope's unzip does, Unix modes included."""
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            z.extract(info, dest)
            mode = info.external_attr >> 16 & 0o777
            if mode:
                os.chmod(os.path.join(dest, info.filename), mode)


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    """An /autograder root holding lab 1's unzipped autograder."""
    root = tmp_path_factory.mktemp("autograder")
    zpath = root / "lab1.zip"
    run(["make", "-s", "gradescope", f"LAB={LAB}", f"OUT={zpath}"], ROOT)
    unzip(zpath, root / "source")
    # Gradescope runs its copy of run_autograder from the root.
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    return root


def grade(root, sol, folder=""):
    """results.json of run_autograder on lab 1's tree with solutions
    through sol, as a fresh submission (in submission/folder: an upload
    of one folder is unpacked so)."""
    for d in ("submission", "results", "work"):
        shutil.rmtree(root / d, ignore_errors=True)
    run([sys.executable, os.path.join(ROOT, "tools", "labtree.py"), "tree",
         "--lab", str(LAB), "--sol", str(sol), "--out",
         str(root / "submission" / folder)], ROOT)
    (root / "results").mkdir()
    env = dict(student_env(), AUTOGRADER_ROOT=str(root))
    out = run([str(root / "run_autograder")], "/", env=env)
    with open(root / "results" / "results.json") as f:
        res = json.load(f)
    check_schema(res)
    return res, out


def check_schema(res):
    """Gradescope's results.json: the fields it reads, with their types."""
    number = (int, float)
    assert isinstance(res.get("score"), number) and not isinstance(res["score"], bool)
    assert isinstance(res.get("tests"), list) and res["tests"]
    for key, kind in (("execution_time", number), ("output", str),
                      ("extra_data", dict)):
        assert key not in res or isinstance(res[key], kind), key
    for key in ("visibility", "stdout_visibility"):
        assert res.get(key, "visible") in VISIBILITY, key
    for t in res["tests"]:
        assert isinstance(t.get("name"), str) and t["name"]
        assert isinstance(t.get("score"), number), t
        assert isinstance(t.get("max_score"), number), t
        assert 0 <= t["score"] <= t["max_score"] or t["max_score"] == 0, t
        assert t.get("status") in ("passed", "failed"), t
        assert isinstance(t.get("output"), str), t
        assert t.get("visibility", "visible") in VISIBILITY, t
        assert isinstance(t.get("number", ""), str), t
        assert all(isinstance(x, str) for x in t.get("tags", [])), t
        assert isinstance(t.get("extra_data", {}), dict), t
    assert res["score"] == sum(t["score"] for t in res["tests"])


def test_zip_layout(autograder, tmp_path):
    src = autograder / "source"
    for name in ("setup.sh", "run_autograder"):
        assert os.access(src / name, os.X_OK), f"{name} is not executable"
    kit = src / "kit"
    assert (kit / "tools" / "trusted_grade.py").is_file()
    assert os.access(kit / "tools" / "mkiso.sh", os.X_OK)
    assert not (kit / "tests").exists() and not (kit / "solutions").exists()
    assert not (src / "hidden").exists()
    # GRADER_EXTRA's files go to hidden/, which run_autograder passes on.
    extra = tmp_path / "extra"
    (extra / "1-grub").mkdir(parents=True)
    (extra / "1-grub" / "test_hidden.py").write_text("# hidden\n")
    zpath = tmp_path / "hidden.zip"
    run(["make", "-s", "gradescope", f"LAB={LAB}", f"OUT={zpath}",
         f"GRADER_EXTRA={extra}"], ROOT)
    with zipfile.ZipFile(zpath) as z:
        assert "hidden/1-grub/test_hidden.py" in z.namelist()


def test_solution_scores_full_marks(autograder):
    res, out = grade(autograder, LAB)
    total = sum(t["max_score"] for t in res["tests"])
    assert total > 0 and res["score"] == total, out[-3000:]
    assert all(t["status"] == "passed" for t in res["tests"]), out[-3000:]


def test_stub_scores_zero(autograder):
    res, out = grade(autograder, 0, folder="bvlab")
    assert "directory" in out and "bvlab" in out, out[:3000]
    assert res["score"] == 0 and len(res["tests"]) > 1, out[-3000:]
    assert any(t["status"] == "failed" for t in res["tests"])
