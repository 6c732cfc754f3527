"""The grader's scoring policy and exit status, on small synthetic labs.

Each test writes a tree with a do-nothing Makefile and one lab of plain
pytest tests (no machine is booted), runs `python3 -m grader` on it as
`make grade` does, and judges the summary, the `Score: X/Y` line,
results.json and the exit status:

  * a test skipped with grader.platform_skip() leaves the total; the
    summary and results.json name it and give the reason;
  * any other skip keeps its points in the total and scores 0 of them;
  * the exit status is 0 whenever grading ran, whatever the score;
    --strict makes it 1 unless the score is full.
"""

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from grader.context import RUN_VARS, clean_env  # noqa: E402

PLATFORM_ONLY = textwrap.dedent('''
    import pytest
    from grader import platform_skip, points

    @points(20, "passes")
    def test_passes():
        pass

    @points(10, "needs the qemu platform")
    def test_platform_only():
        platform_skip("FAKE: this check needs QEMU's gdbstub")

    @pytest.fixture
    def qemu_only():
        platform_skip("FAKE: the fixture needs QMP")

    @points(5, "needs the qemu platform, from a fixture")
    def test_platform_fixture(qemu_only):
        pass
''')

OTHER_SKIPS = PLATFORM_ONLY + textwrap.dedent('''
    @points(7, "skipped by pytest.skip")
    def test_plain_skip():
        pytest.skip("FAKE: not the grader's platform skip")

    @pytest.mark.skip(reason="FAKE: a skip mark")
    @points(3, "skipped by a mark")
    def test_mark_skip():
        pass

    @points(4, "fails")
    def test_fails():
        assert False, "FAKE failure"
''')


def fake_tree(tmp_path, source, points=35):
    """A tree the grader accepts: labs/1-fake with source as its tests."""
    tree = tmp_path / "tree"
    (tree / "labs" / "1-fake").mkdir(parents=True)
    (tree / "tools").mkdir()
    (tree / "Makefile").write_text("all ide-image:\n\t@:\n")
    (tree / "tools" / "grub.cfg.in").write_text("# not booted\n")
    (tree / "labs" / "1-fake" / "lab.toml").write_text(
        f'title = "fake"\npoints = {points}\n')
    (tree / "labs" / "1-fake" / "test_fake.py").write_text(source)
    return tree


def run_grader(tree, *args):
    """python3 -m grader in tree, this kit's grader, a student's
    environment; returns (exit status, output, results.json)."""
    env = clean_env(RUN_VARS + ("BVLAB_PLATFORM", "PYTHONPATH"))
    env["PYTHONPATH"] = ROOT
    out_json = os.path.join(tree, "results.json")
    r = subprocess.run([sys.executable, "-m", "grader", "--lab", "1",
                        "--json", out_json, *args],
                       cwd=tree, env=env, text=True, timeout=300,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    res = None
    if os.path.exists(out_json):
        with open(out_json) as f:
            res = json.load(f)
    return r.returncode, r.stdout, res


def last_line(out):
    return out.rstrip("\n").split("\n")[-1]


def by_name(res):
    return {t["name"].removeprefix("Lab 1: "): t for t in res["tests"]}


def check_gradescope_shape(res):
    """What Gradescope's results.json specification requires of us."""
    assert isinstance(res["score"], (int, float))
    assert isinstance(res["execution_time"], (int, float))
    assert isinstance(res["output"], str)
    assert isinstance(res.get("extra_data", {}), dict)
    for t in res["tests"]:
        assert isinstance(t["name"], str) and t["name"]
        assert isinstance(t["score"], (int, float))
        assert isinstance(t["max_score"], (int, float))
        assert 0 <= t["score"] <= max(t["max_score"], 0)
        assert t["status"] in ("passed", "failed")
        assert isinstance(t["output"], str)
        assert t["visibility"] in ("visible", "hidden", "after_published",
                                   "after_due_date")
        assert all(isinstance(tag, str) for tag in t["tags"])
        assert isinstance(t.get("extra_data", {}), dict)
    assert res["score"] == sum(t["score"] for t in res["tests"])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_platform_skips_leave_the_total(tmp_path, jobs):
    """Serially and across pytest-xdist workers (the mark travels in the
    report): 20/20, with both platform skips named and explained."""
    tree = fake_tree(tmp_path, PLATFORM_ONLY)
    rc, out, res = run_grader(tree, "-j", jobs)
    assert rc == 0, out
    assert last_line(out) == "Score: 20/20", out
    # The summary: each skipped test, flagged, with its reason, and a line
    # saying what left the total.
    assert re.search(r"n/a\s+lab 1: needs the qemu platform\s+-/10", out), out
    assert "left out of the total: FAKE: this check needs QEMU's gdbstub" in out, out
    assert "left out of the total: FAKE: the fixture needs QMP" in out, out
    assert re.search(r"grader: not run on platform qemu, left out of the total: "
                     r"2 tests, 15 points \(lab 1: needs the qemu platform; "
                     r"lab 1: needs the qemu platform, from a fixture\)\n"
                     r"Score: 20/20", out), out

    check_gradescope_shape(res)
    assert res["score"] == 20
    assert sum(t["max_score"] for t in res["tests"]) == 20
    assert res["output"].startswith("Lab 1: 20/20 points; not run on platform qemu"), res
    tests = by_name(res)
    assert len(tests) == 3
    for name, pts, why in (("needs the qemu platform", 10, "this check needs QEMU's gdbstub"),
                           ("needs the qemu platform, from a fixture", 5, "the fixture needs QMP")):
        t = tests[name]
        assert (t["score"], t["max_score"], t["status"]) == (0, 0, "passed"), t
        assert "platform_skip" in t["tags"], t
        assert t["extra_data"] == {"platform_skip": f"FAKE: {why}", "points": pts}, t
        assert t["output"] == (f"not run on this platform, left out of the total "
                               f"({pts} points): FAKE: {why}"), t
    left = res["extra_data"]["left_out_of_total"]
    assert [(x["name"], x["points"]) for x in left] == [
        ("Lab 1: needs the qemu platform", 10),
        ("Lab 1: needs the qemu platform, from a fixture", 5)], left
    assert res["extra_data"]["platform"] == "qemu"
    assert tests["passes"]["status"] == "passed" and tests["passes"]["score"] == 20

    rc, out, _ = run_grader(tree, "--strict")
    assert rc == 0, f"--strict: a full score with platform skips must exit 0:\n{out}"
    assert last_line(out) == "Score: 20/20", out


def test_other_skips_keep_their_points(tmp_path):
    """pytest.skip() and skip marks lose their points; a failure too."""
    tree = fake_tree(tmp_path, OTHER_SKIPS, points=49)
    rc, out, res = run_grader(tree, "-j", "1")
    assert rc == 0, f"grading ran, so the exit status is 0 whatever the score:\n{out}"
    assert last_line(out) == "Score: 20/34", out
    assert re.search(r"SKIP\s+lab 1: skipped by pytest.skip\s+0/7", out), out
    assert "(skipped, 0 points: FAKE: not the grader's platform skip)" in out, out
    assert re.search(r"SKIP\s+lab 1: skipped by a mark\s+0/3", out), out
    assert "(skipped, 0 points: FAKE: a skip mark)" in out, out
    assert re.search(r"FAIL\s+lab 1: fails\s+0/4", out), out

    check_gradescope_shape(res)
    assert res["score"] == 20
    assert sum(t["max_score"] for t in res["tests"]) == 34
    tests = by_name(res)
    for name, pts in (("skipped by pytest.skip", 7), ("skipped by a mark", 3)):
        t = tests[name]
        assert (t["score"], t["max_score"], t["status"]) == (0, pts, "failed"), t
        assert "skipped" in t["tags"] and "platform_skip" not in t["tags"], t
        assert t["output"].startswith("skipped: FAKE: "), t
    assert (tests["fails"]["score"], tests["fails"]["status"]) == (0, "failed")
    assert [x["points"] for x in res["extra_data"]["left_out_of_total"]] == [10, 5]

    rc, out, _ = run_grader(tree, "--strict")
    assert rc == 1, f"--strict below a full score must exit 1:\n{out}"
    assert last_line(out) == "Score: 20/34", out


def test_only_platform_skips_is_not_full_under_strict(tmp_path):
    """A lab with nothing left to judge scores 0/0: exit 0, --strict 1."""
    source = textwrap.dedent('''
        from grader import platform_skip, points

        @points(10, "needs the qemu platform")
        def test_platform_only():
            platform_skip("FAKE: nothing to see here")
    ''')
    tree = fake_tree(tmp_path, source, points=10)
    rc, out, res = run_grader(tree, "-j", "1")
    assert rc == 0 and last_line(out) == "Score: 0/0", out
    check_gradescope_shape(res)
    rc, out, _ = run_grader(tree, "-j", "1", "--strict")
    assert rc == 1 and last_line(out) == "Score: 0/0", out


@pytest.mark.parametrize("source, args, status, says", [
    ("def test_no_points():\n    pass\n", (), 4, "tests without @points"),
    ("import no_such_module_here\n", (), 2, "no_such_module_here"),
    (PLATFORM_ONLY, ("--test", "matches_nothing"), 5, "deselected"),
])
def test_grading_that_did_not_run_fails(tmp_path, source, args, status, says):
    """No grade, pytest's own status: a test without @points, a test file
    that does not import, a TEST= that selects nothing."""
    tree = fake_tree(tmp_path, source, points=10)
    rc, out, _ = run_grader(tree, "-j", "1", *args)
    assert rc == status, out
    assert says in out, out
    assert f"grader: pytest ended abnormally (exit status {status})" in out, out
