# Integrity of the labs: the stubs are real holes, the tests notice them,
# and the answer key is complete and current.
#
# For every lab N found under labs/ (nothing here names a lab):
#   * on the tree "lab N, solutions through N-1" (generated and built in a
#     temporary directory) every lab-N test fails, and fails fast, except
#     those marked passes_on_stub, which pass and are worth < 10 % of the
#     lab; every test of every earlier lab passes there;
#   * on this tree, every test of lab N passes and the points add up to
#     lab.toml's;
# and solutions/labN.diff is what `make solutions` would write now, and
# `make student-repo` gives branches that carry no marker and build, whose
# lab-1 branch boots from its IDE image.
#
# Each check grades with `make grade GRADE_JSON=...` exactly as a student
# or CI would, and reads results.json.
#
# A lab that only one grader platform can judge (lab.toml's `platforms`,
# lab 6: ["bitvisor"]) is graded there: with BITVISOR_SRC=checkout (e.g.
# `make test BITVISOR_SRC=~/bitvisor`) by `make grade-bitvisor`, each
# grading on its own copy of the checkout (make bitvisor builds the
# tree's module into it); without it these checks are skipped, with the
# reason in make test's summary. Its stub tree is then also graded on
# lab 2 under BitVisor (the stub module must let a driver's traffic pass).

import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from xml.etree import ElementTree

import pexpect
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import labtree  # noqa: E402
from grading import grade, student_env  # noqa: E402

LABS = labtree.labs_info(ROOT)
MARKER = re.compile(r"\bLAB \S+: (BEGIN SOLUTION|BEGIN|STUB|END)\b")
STUB_SECONDS = 60       # default limit for failing a whole lab on its stubs




def bitvisor_only(lab):
    return "bitvisor" in labtree.labs_info(ROOT, unreleased=True)[lab] \
        .get("platforms", ["qemu"])


def grade_on_platform(tree, lab, tmp, platform_lab=None):
    """grade() on the platform lab platform_lab (default: lab) needs: make
    grade, or make grade-bitvisor on a fresh copy of $BITVISOR_SRC."""
    if not bitvisor_only(platform_lab or lab):
        return grade(tree, lab, tmp)
    src = os.environ.get("BITVISOR_SRC")
    if not src:
        pytest.skip(f"lab {platform_lab or lab} runs only on BitVisor: "
                    "BITVISOR_SRC is not set (make test BITVISOR_SRC=checkout "
                    "checks it)")
    copy = os.path.join(tmp, f"bitvisor-lab{lab}")
    if not os.path.isdir(copy):
        subprocess.run(["cp", "-a", src, copy], check=True)
    return grade(tree, lab, tmp, f"BITVISOR_SRC={copy}", "BITVISOR_ELF=",
                 target="grade-bitvisor")


def stub_tree(lab, tmp):
    out = os.path.join(tmp, f"lab{lab}-stub")
    labtree.write_tree(ROOT, out, lab, lab - 1)
    return out


def failed(results):
    return [t["name"] for t in results["tests"] if t["status"] != "passed"]


# A platform-bound lab still being built (lab 6 before its release) is
# checked here too: its checks run only when that platform is given.
@pytest.mark.parametrize("lab", sorted(set(LABS) | {
    n for n in labtree.labs_info(ROOT, unreleased=True)
    if "platforms" in labtree.labs_info(ROOT, unreleased=True)[n]}))
def test_stub_tree_fails_this_lab_and_passes_earlier_ones(lab, tmp_path):
    if bitvisor_only(lab) and not os.environ.get("BITVISOR_SRC"):
        grade_on_platform(ROOT, lab, str(tmp_path))     # skips, saying why
    tree = stub_tree(lab, str(tmp_path))
    res, out = grade_on_platform(tree, lab, str(tmp_path))
    assert res["tests"], f"no lab-{lab} tests ran:\n{out[-3000:]}"
    total = sum(t["max_score"] for t in res["tests"])
    for t in res["tests"]:
        on_stub = "passes_on_stub" in t["tags"]
        want = "passed" if on_stub else "failed"
        assert t["status"] == want, \
            f"stub tree of lab {lab}: {t['name']} {t['status']}, expected {want}\n" \
            f"{t['output']}"
    stub_points = sum(t["max_score"] for t in res["tests"]
                      if "passes_on_stub" in t["tags"])
    assert stub_points < 0.1 * total, \
        f"lab {lab}: passes_on_stub tests are worth {stub_points}/{total} (>= 10 %)"
    limit = LABS[lab].get("stub_grade_seconds", STUB_SECONDS)
    assert res["execution_time"] < limit, \
        f"lab {lab}'s tests took {res['execution_time']:.0f} s to fail on the " \
        f"stub tree (limit {limit} s): they should fail fast, not time out"
    assert re.search(rf"Score: {stub_points}/{total}\s*$", out), out[-500:]

    for earlier in sorted(n for n in LABS if n < lab):
        res, out = grade(tree, earlier, str(tmp_path))
        assert res["tests"] and not failed(res), \
            f"lab {earlier}'s tests on the lab-{lab} stub tree: failed " \
            f"{failed(res)}\n{out[-3000:]}"
    if bitvisor_only(lab) and 2 in LABS:
        res, out = grade_on_platform(tree, 2, str(tmp_path), platform_lab=lab)
        assert res["tests"] and not failed(res), \
            f"lab 2's tests on BitVisor with the lab-{lab} stub tree's " \
            f"module: failed {failed(res)}\n{out[-3000:]}"


# Labs still being built (released = false) are graded on the full tree
# too, so their tests stay green as they grow.
@pytest.mark.parametrize("lab", sorted(labtree.labs_info(ROOT, unreleased=True)))
def test_full_tree_passes(lab, tmp_path):
    res, out = grade_on_platform(ROOT, lab, str(tmp_path))
    assert res["tests"] and not failed(res), \
        f"lab {lab} on the full tree: failed {failed(res)}\n{out[-4000:]}"
    total = sum(t["max_score"] for t in res["tests"])
    points = labtree.labs_info(ROOT, unreleased=True)[lab]["points"]
    assert total == points, \
        f"lab {lab}: tests are worth {total}, lab.toml says {points}"
    assert re.search(rf"Score: {total}/{total}\s*$", out), out[-500:]


def test_results_json_and_junit(tmp_path):
    lab = min(LABS)
    junit = str(tmp_path / "junit.xml")
    res, _ = grade(ROOT, lab, str(tmp_path), f"JUNIT={junit}")
    cases = ElementTree.parse(junit).getroot().iter("testcase")
    assert len(list(cases)) == len(res["tests"])
    assert isinstance(res["score"], (int, float))
    assert isinstance(res["execution_time"], (int, float))
    for t in res["tests"]:
        assert isinstance(t["name"], str) and t["name"]
        assert isinstance(t["score"], (int, float))
        assert isinstance(t["max_score"], (int, float))
        assert t["status"] in ("passed", "failed")
        assert isinstance(t["output"], str)
        assert t["visibility"] in ("visible", "hidden", "after_published")
    assert res["score"] == sum(t["score"] for t in res["tests"])


def test_solution_diffs_are_current():
    stale = labtree.solutions(ROOT, check=True)
    assert not stale, f"stale: {stale}; run `make solutions` and commit them"


def test_lab_toml_is_complete():
    for lab, info in LABS.items():
        with open(os.path.join(ROOT, info["dir"], "lab.toml"), "rb") as f:
            data = tomllib.load(f)
        for key in ("title", "points", "files"):
            assert key in data, f"{info['dir']}/lab.toml lacks {key}"


def tree_files(tree):
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = [d for d in dirnames if d not in (".git", "build")]
        for f in filenames:
            yield os.path.join(dirpath, f)


def test_student_repo(tmp_path):
    repo = str(tmp_path / "student")
    r = subprocess.run(["make", "-s", "student-repo", f"OUT={repo}"], cwd=ROOT,
                       env=student_env(), capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    branches = subprocess.run(["git", "-C", repo, "branch", "--format=%(refname:short)"],
                              capture_output=True, text=True).stdout.split()
    assert sorted(branches) == sorted(f"lab{n}" for n in LABS)
    for n in sorted(LABS):
        subprocess.run(["git", "-C", repo, "checkout", "-q", f"lab{n}"], check=True)
        for path in tree_files(repo):
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
            m = MARKER.search(text)
            assert not m, f"lab{n}: marker text {m.group(0)!r} in {path}"
        b = subprocess.run(["make", "-s", f"-j{os.cpu_count()}", "all", "ide-image"],
                           cwd=repo, env=student_env(), capture_output=True, text=True)
        assert b.returncode == 0, f"branch lab{n} does not build:\n{b.stdout[-2000:]}{b.stderr[-3000:]}"
    subprocess.run(["git", "-C", repo, "checkout", "-q", f"lab{min(LABS)}"], check=True)
    subprocess.run(["make", "-s", "all", "ide-image"], cwd=repo, env=student_env(),
                   check=True, capture_output=True)

    # The first branch boots from its IDE image with `make qemu-ide`.
    child = pexpect.spawn("make", ["-s", "qemu-ide"], cwd=repo, env=student_env(),
                          encoding="utf-8", codec_errors="replace", timeout=120)
    try:
        child.expect(r"\n\$ ")
        nonce = os.urandom(6).hex()
        child.sendline(f"echo {nonce}")
        child.expect(rf"\n{nonce}\r*\n")
    finally:
        try:
            os.killpg(child.pid, signal.SIGKILL)    # make and its QEMU
        except ProcessLookupError:
            pass
        child.close(force=True)
        time.sleep(0.2)


# A student who finished labs 1..N (each lab's answer key applied on top of
# the merge of its branch and committed, as their own work would be)
# merges the next lab's branch from the course repository: no conflict,
# the result builds, and lab N's tests still pass on it. A later lab that
# moved or rewrote lines a student has edited would turn every student's
# merge into a conflict.
@pytest.mark.parametrize("lab", sorted(n for n in LABS if n + 1 in LABS))
def test_student_merges_next_lab_cleanly(lab, tmp_path):
    origin = str(tmp_path / "course")
    work = str(tmp_path / "student")
    r = subprocess.run(["make", "-s", "student-repo", f"OUT={origin}"], cwd=ROOT,
                       env=student_env(), capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    me = ["-c", "user.name=Student", "-c", "user.email=student@localhost"]

    def git(*args):
        p = subprocess.run(["git", "-C", work, *args], capture_output=True,
                           text=True, env=student_env())
        assert p.returncode == 0, f"git {' '.join(args)}:\n{p.stdout}{p.stderr}"
        return p.stdout

    def merge(k):
        m = subprocess.run(["git", "-C", work, *me, "merge", "-q", "--no-edit",
                            f"origin/lab{k}"],
                           capture_output=True, text=True, env=student_env())
        conflicts = git("diff", "--name-only", "--diff-filter=U")
        assert m.returncode == 0, f"merging origin/lab{k} into a finished " \
            f"lab {k - 1} conflicts in: {conflicts or '?'}\n{m.stdout}{m.stderr}"

    subprocess.run(["git", "clone", "-q", origin, work], check=True)
    first = min(LABS)
    git("checkout", "-q", f"lab{first}")
    for k in sorted(n for n in LABS if n <= lab):
        if k > first:
            merge(k)
        diff = os.path.join(ROOT, "solutions", f"lab{k}.diff")
        p = subprocess.run(["patch", "-p1", "-s", "--no-backup-if-mismatch", "-i", diff],
                           cwd=work, capture_output=True, text=True)
        assert p.returncode == 0, f"solutions/lab{k}.diff does not apply to " \
            f"branch lab{k}:\n{p.stdout}{p.stderr}"
        git(*me, "commit", "-q", "-am", f"my lab {k}")
    merge(lab + 1)
    res, out = grade(work, lab, str(tmp_path))
    assert res["tests"] and not failed(res), \
        f"lab {lab}'s tests after merging lab {lab + 1}: failed {failed(res)}\n{out[-3000:]}"
