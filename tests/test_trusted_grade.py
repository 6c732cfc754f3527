# Trusted grading (make grade-submission, make grade-class;
# tools/trusted_grade.py): submissions that cheat score what their real
# code deserves, a finished lab scores full marks, and a class is graded
# into the right CSV.
#
# Each cheat is first shown to work: `make grade` inside the cheating tree
# (as a student's own grading would) gives it points its code does not
# earn. Then `make grade-submission` must give it the honest score. All of
# it on lab 1, whose whole grading takes about 15 s; the submissions are
# copies of the trusted grader's own built starting tree, so nothing here
# builds from scratch but that tree, once.

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile

import pytest

from grading import grade, kill_group, student_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import labtree  # noqa: E402
import trusted_grade  # noqa: E402
from grader.machine import scale  # noqa: E402

LAB = 1
SECONDS = 900       # one trusted grading of lab 1, every core busy


def make_trusted(target, out_dir, *args, timeout=SECONDS):
    """`make -s TARGET LAB=1 args...` in the staff kit; its output."""
    cmd = ["make", "-s", target, f"LAB={LAB}", *args]
    p = subprocess.Popen(cmd, cwd=ROOT, env=student_env(), text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout * scale())
    except subprocess.TimeoutExpired:
        kill_group(p)
        out, _ = p.communicate()
        pytest.fail(f"{' '.join(cmd)} did not finish:\n{out[-3000:]}")
    finally:
        if p.poll() is None:
            kill_group(p)
            p.wait()
    assert p.returncode == 0, f"{' '.join(cmd)}: exit {p.returncode}\n{out[-3000:]}"
    return out


def grade_submission(sub, out_dir, *args):
    """(results.json, output) of `make grade-submission SUB=sub LAB=1`."""
    res = os.path.join(out_dir, "results.json")
    out = make_trusted("grade-submission", out_dir, f"SUB={sub}",
                       f"OUT={out_dir}/trusted", f"GRADE_JSON={res}", *args)
    with open(res) as f:
        return json.load(f), out


def stub_points(res):
    return sum(t["max_score"] for t in res["tests"] if "passes_on_stub" in t["tags"])


def git_repo(d, branch="lab1"):
    """Commit d's files (build/ is git-ignored) on branch `branch`."""
    env = dict(student_env(), GIT_AUTHOR_NAME="s", GIT_AUTHOR_EMAIL="s@x",
               GIT_COMMITTER_NAME="s", GIT_COMMITTER_EMAIL="s@x")
    for args in (["init", "-q", "-b", branch], ["add", "-A"],
                 ["commit", "-q", "-m", "my work"]):
        subprocess.run(["git", "-C", str(d), *args], check=True, env=env)
    return env


# ---------------------------------------------------------------- submissions

@pytest.fixture(scope="module")
def base():
    """The trusted grader's built lab-1 starting tree (solutions through 0)."""
    return trusted_grade.base_tree(LAB)


def starting_tree(base, d):
    """A student's tree as generated, already built (a copy of the base,
    mtimes kept, so `make grade` in it rebuilds only what a cheat edits)."""
    shutil.copytree(base[0], d, symlinks=True)
    os.remove(os.path.join(d, ".built"))
    return d


def solve(d, lab=LAB):
    """Put the reference solution's student files into tree d."""
    solved = labtree.tree_contents(ROOT, lab, lab)
    for path in labtree.student_files(ROOT, lab):
        with open(os.path.join(d, path), "wb") as f:
            f.write(solved[path][0])


def edit(d, path, fn):
    p = os.path.join(d, path)
    with open(p) as f:
        text = f.read()
    with open(p, "w") as f:
        f.write(fn(text))


# The cheats. Each makes `make grade` pass tests without the code to pass them.
PASS_HOOK = """
import pytest as _pytest


@_pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    return True     # "called": the test's body never runs, so it passes
"""


def cheat_tests(d):
    """labs/1-grub/test_lab1.py: every test returns before checking."""
    edit(d, "labs/1-grub/test_lab1.py",
         lambda t: re.sub(r"^(def test_\w+\(.*\):\n)", r"\1    return\n", t,
                          flags=re.M))


def cheat_grader(d):
    """grader/plugin.py: no test body runs."""
    edit(d, "grader/plugin.py", lambda t: t + PASS_HOOK)


def cheat_makefile(d):
    """The Makefile installs that hook as a conftest.py while the grader
    builds, before it collects the tests."""
    with open(os.path.join(d, "tools", "hook.py"), "w") as f:
        f.write(PASS_HOOK)
    edit(d, "Makefile", lambda t: t + "\n$(shell cp tools/hook.py "
         "labs/1-grub/conftest.py)\n")


def cheat_usertests(d):
    """kernel/user/usertests.c prints the verdict the test looks for."""
    edit(d, "kernel/user/usertests.c", lambda t: t.replace(
        'printf("usertests: %d passed, %d failed\\n", passed, failed);\n'
        '  exit(failed == 0 ? 0 : 1);',
        'printf("usertests: %d passed, 0 failed\\n", passed + failed);\n'
        '  exit(0);'))


# Kernels that fake. Their real code: the multiboot header and GDT of
# kernel/entry.S (GRUB boots it), no RAM disk (so no shell). At boot,
# where a student's code runs with the console up (ramdiskinit), they
# print what the tests look for. The tests judge host-chosen data and
# what the host saw, so the fake earns nothing: they score what the same
# code without the print earns (real_kernel()).

def real_kernel(d):
    """entry.S solved, the rest as given: a kernel GRUB boots that panics
    for want of a disk."""
    solved = labtree.tree_contents(ROOT, LAB, LAB)
    with open(os.path.join(d, "kernel/entry.S"), "wb") as f:
        f.write(solved["kernel/entry.S"][0])


def c_string(text):
    return '"' + "".join(c if c.isalnum() or c in " :$,.-_/" else
                         f"\\{ord(c):03o}" for c in text) + '"'


def kernel_prints(d, text):
    """real_kernel(), and ramdiskinit() prints text before it gives up."""
    real_kernel(d)
    edit(d, "kernel/ramdisk.c", lambda t: t.replace(
        "  return -1;\n}", f"  cprintf(\"%s\", {c_string(text)});\n"
        "  return -1;\n}", 1))


# What lab 1's tests look for: a prompt, and the lines usertests and
# memtest print when they pass.
FAKE_VERDICTS = ("init: starting sh\n$ usertests\nusertests: 61 passed, "
                 "0 failed\n$ memtest 160 12345\nmemtest: 160 MiB sum "
                 "1f2e3d4c\n$ ")


def replay_transcript(sub, tmp_path):
    """The console of an earlier, honest run of lab 1's boot test (a
    full solution): the prompt, and the host's nonce echoed."""
    res, out = grade_submission(sub, str(tmp_path), "TEST=grub_boot")
    assert res["score"] > 0, out[-3000:]
    runs = os.path.join(tmp_path, "trusted", "work", "tree", "build", "grade")
    logs = [os.path.join(r, f) for r, _, fs in os.walk(runs) for f in fs
            if f == "serial.log"]
    assert logs, runs
    with open(logs[0], errors="replace") as f:
        text = f.read().replace("\r", "")
    return text[text.index("$ "):]


# ---------------------------------------------------------------- tests

def test_student_files_hold_solution_regions():
    """The rule: exactly the tree's files with a region of labs <= N."""
    labs = labtree.labs_info(ROOT)
    prev = set()
    for lab in sorted(labs):
        files = labtree.student_files(ROOT, lab)
        tree = labtree.tree_contents(ROOT, lab, 0)
        assert files and set(files) <= set(tree), lab
        assert prev <= set(files), f"lab {lab} drops earlier labs' files"
        for path in files:
            with open(os.path.join(ROOT, path)) as f:
                nums = re.findall(r"LAB (\d+): BEGIN SOLUTION", f.read())
            assert any(int(n) <= lab for n in nums), path
        prev = set(files)
    assert {"kernel/multiboot.c", "kernel/ramdisk.c"} <= set(
        labtree.student_files(ROOT, 1))
    assert not any(p.startswith(("tests/", "tools/", "labs/", "grader/"))
                   or p == "Makefile" for p in prev)


def test_report_lists_taken_and_ignored(base, tmp_path):
    """A folder submission: the report notes each taken file and every
    other difference; a symbolic link is not followed."""
    sub = starting_tree(base, str(tmp_path / "sub"))
    solve(sub)
    os.remove(os.path.join(sub, "kernel/ramdisk.c"))
    os.symlink("/etc/passwd", os.path.join(sub, "kernel/ramdisk.c"))
    os.remove(os.path.join(sub, "kernel/entry.S"))
    edit(sub, "Makefile", lambda t: t + "# mine\n")
    os.remove(os.path.join(sub, "README.md"))
    with open(os.path.join(sub, "kernel/extra.c"), "w") as f:
        f.write("int extra;\n")
    taken, ignored = trusted_grade.make_tree(LAB, sub, str(tmp_path / "tree"))
    assert dict(taken) == {
        "kernel/entry.S": "missing from the submission: the starting code is graded",
        "kernel/multiboot.c": "changed",
        "kernel/ramdisk.c": "not a regular file: the starting code is graded"}
    assert dict(ignored) == {"Makefile": "changed", "README.md": "deleted",
                             "kernel/extra.c": "added"}
    given = base[1]["kernel/ramdisk.c"][0]
    with open(tmp_path / "tree/kernel/ramdisk.c", "rb") as f:
        assert f.read() == given


def test_finished_lab_scores_full_marks(base, tmp_path):
    """A student's repository whose HEAD is elsewhere: branch lab1 is graded."""
    sub = starting_tree(base, str(tmp_path / "alice"))
    env = git_repo(sub, "main")
    subprocess.run(["git", "-C", sub, "checkout", "-q", "-b", "lab1"], check=True)
    solve(sub)
    subprocess.run(["git", "-C", sub, "commit", "-q", "-am", "lab 1"],
                   check=True, env=env)
    subprocess.run(["git", "-C", sub, "checkout", "-q", "main"], check=True)
    res, out = grade_submission(sub, str(tmp_path))
    total = sum(t["max_score"] for t in res["tests"])
    assert total > 0 and res["score"] == total, out[-3000:]
    assert "branch lab1 of" in out
    for path in labtree.student_files(ROOT, LAB):
        assert re.search(rf"{re.escape(path)} +changed", out), out[:2000]
    assert "ignored: nothing else differs" in out, out[:2000]
    assert re.search(rf"Score: {total}/{total}\s*$", out)


@pytest.mark.parametrize("cheat", [cheat_tests, cheat_grader, cheat_makefile],
                         ids=["tests", "grader", "makefile"])
def test_cheating_stub_scores_zero(base, tmp_path, cheat):
    """The lab left as given, a cheat added: its own grading gives points,
    trusted grading what the stub earns (0)."""
    sub = starting_tree(base, str(tmp_path / "sub"))
    cheat(sub)
    res, out = grade(sub, LAB, str(tmp_path), "TEST=grub_boot,usertests")
    assert res["score"] > 0, f"the cheat itself does not work:\n{out[-3000:]}"
    res, out = grade_submission(sub, str(tmp_path))
    assert res["score"] == stub_points(res), out[-3000:]
    assert re.search(r"ignored \(the staff's copy is graded\):\n(    .*\n)*"
                     r"    \S+ +(changed|added)", out), out[:2000]


def test_usertests_printing_its_verdict_is_ignored(base, tmp_path):
    """A solution with a lost-write bug (a lab-1 mutant) and a usertests
    that prints success: trusted grading runs the real usertests."""
    sub = starting_tree(base, str(tmp_path / "sub"))
    solve(sub)
    patch = os.path.join(ROOT, "labs/1-grub/mutants/ramdisk-write-lost.patch")
    subprocess.run(["patch", "-p1", "-s", "-i", patch], cwd=sub, check=True)
    cheat_usertests(sub)
    res, out = grade(sub, LAB, str(tmp_path), "TEST=usertests")
    assert res["score"] > 0, f"the cheat itself does not work:\n{out[-3000:]}"
    res, out = grade_submission(sub, str(tmp_path), "TEST=usertests")
    assert res["score"] == 0, out[-3000:]
    assert re.search(r"usertests: \d+ passed, [1-9]\d* failed", out), out[-3000:]
    assert re.search(r"kernel/user/usertests.c +changed", out), out[:2000]


def test_time_limit(base, tmp_path):
    """A grading that overruns TIMEOUT is stopped and scores 0, saying why."""
    res, out = grade_submission(starting_tree(base, str(tmp_path / "slow")),
                                str(tmp_path), "TIMEOUT=1")
    assert res["score"] == 0 and "did not finish in 1 s" in out, out[-3000:]


def hangs_under_load(d):
    """A full solution whose RAM disk spins forever once the disk has seen
    HANG_AFTER writes since boot: every test passes but usertests, which
    writes far more than the others, and which never returns."""
    solve(d)
    edit(d, "kernel/ramdisk.c", lambda t: t.replace(
        "  if(b->dirty){\n",
        "  static int writes;\n  if(b->dirty && ++writes > %d)\n"
        "    for(;;)\n      ;\n  if(b->dirty){\n" % HANG_AFTER, 1))


HANG_AFTER = 1500
CLASS_TIMEOUT = 150         # s per submission: the solution needs about 30


def zip_tree(src, dest, top):
    with zipfile.ZipFile(dest, "w") as z:
        for d, dirs, files in os.walk(src):
            dirs[:] = [n for n in dirs if n != "build"]
            for n in files:
                p = os.path.join(d, n)
                z.write(p, os.path.join(top, os.path.relpath(p, src)))


def test_grade_class(base, tmp_path):
    """Eight students, graded two at a time: alice a finished repository,
    bob a bundle of the stub, carol a zip of the stub with its tests
    edited, dave a folder that does not build, erin a kernel that hangs
    in usertests (stopped at the time limit; what finished keeps its
    points), frank a kernel that prints the verdicts, gina one that
    replays an earlier run's console, and hank their real code without
    the fakes. A rerun skips them all."""
    subs = tmp_path / "subs"
    subs.mkdir()
    alice = starting_tree(base, str(subs / "alice"))
    solve(alice)
    git_repo(alice)
    bob = starting_tree(base, str(tmp_path / "bob"))
    git_repo(bob, "master")
    subprocess.run(["git", "-C", bob, "bundle", "create", "-q",
                    str(subs / "bob.bundle"), "--all"], check=True)
    carol = starting_tree(base, str(tmp_path / "carol"))
    cheat_tests(carol)
    zip_tree(carol, subs / "carol.zip", "carol-lab1")
    dave = starting_tree(base, str(subs / "dave"))
    solve(dave)
    edit(dave, "kernel/multiboot.c", lambda t: t + "\nint broken(void) { return }\n")
    hangs_under_load(starting_tree(base, str(subs / "erin")))
    kernel_prints(starting_tree(base, str(subs / "frank")), FAKE_VERDICTS)
    earlier = replay_transcript(alice, tmp_path / "earlier")
    kernel_prints(starting_tree(base, str(subs / "gina")), earlier)
    real_kernel(starting_tree(base, str(subs / "hank")))

    out_dir = tmp_path / "out"
    t0 = time.monotonic()
    out = make_trusted("grade-class", str(tmp_path), f"SUBS={subs}",
                       f"OUT={out_dir}", "JOBS=2", f"TIMEOUT={CLASS_TIMEOUT}")
    print(f"grade-class: 8 submissions in {time.monotonic() - t0:.0f} s")
    with open(out_dir / "class.csv") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"alice", "bob", "carol", "dave", "erin", "frank",
                         "gina", "hank"}, out
    score = {s: int(r["score"]) for s, r in rows.items()}
    total = int(rows["alice"]["max"])
    assert total > 0 and score["alice"] == total, out
    assert rows["alice"]["failing"] == "", out
    for s in rows:
        assert int(rows[s]["max"]) == total, f"{s}: {rows[s]}\n{out}"
    for s in ("bob", "carol", "dave"):
        assert score[s] == 0 and rows[s]["failing"], f"{s}: {rows[s]}\n{out}"
    assert rows["dave"]["note"] == "does not build", rows["dave"]
    usertests = next(c for c in rows["alice"] if c.endswith(": usertests passes"))
    assert score["erin"] == total - int(rows["alice"][usertests]), \
        f"erin: {rows['erin']}\n{out}"
    assert "did not finish" in rows["erin"]["note"], rows["erin"]
    assert score["hank"] < total and score["frank"] == score["gina"] == \
        score["hank"], f"frank, gina, hank: {score}\n{out}"
    tests = [c for c in rows["alice"] if c.startswith(f"Lab {LAB}: ")]
    assert sum(int(rows["alice"][c]) for c in tests) == total
    for s in rows:
        for n in ("results.json", "junit.xml", "submission.txt", "summary.json"):
            assert (out_dir / s / n).exists(), f"{s}/{n}"
        assert not (out_dir / s / "work").exists()
    arts = out_dir / "bob" / "artifacts"
    logs = [d for d in arts.iterdir() if (d / "serial.log").exists()
            and (d / "repro.sh").exists()]
    assert logs, f"no failing test's serial.log and repro.sh in {arts}"
    assert re.search(r"dave: 0/\d+ in \d+ s \[does not build\]; all \d+ "
                     r"tests failed", out), out

    again = make_trusted("grade-class", str(tmp_path), f"SUBS={subs}",
                         f"OUT={out_dir}", "JOBS=2")
    assert "8 submissions" in again and "(8 graded before)" in again, again
    assert "[1/8]" not in again, again
