# The grader's self-test: a kernel that breaks right after booting must get
# a clear failure report in seconds, not a timeout and not a pass.
#
# The full tree (every tracked file, as it is in the work tree) is copied
# into a temporary directory, a panic is
# injected in mpmain() just before the scheduler starts (so the kernel
# boots, prints its banner, then dies), and lab 1 is graded there. Every
# test must fail; the report must say what was expected, what was seen
# (the panic), where the serial log is, and how to reproduce the run.

import os
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import labtree  # noqa: E402
from grading import grade  # noqa: E402


def copy_tracked(dest):
    for path in labtree.tracked_files(ROOT):
        src = os.path.join(ROOT, path)
        if os.path.islink(src):
            continue
        os.makedirs(os.path.dirname(os.path.join(dest, path)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, path))


def inject_panic(tree):
    path = os.path.join(tree, "kernel", "main.c")
    with open(path) as f:
        src = f.read()
    # The first call of scheduler() inside mpmain's body.
    m = re.search(r"\nmpmain\(void\)\n\{.*?\n([ \t]*)scheduler\(\);", src, re.S)
    assert m, "kernel/main.c: no mpmain() calling scheduler() to break"
    at = m.start(1)
    src = src[:at] + m.group(1) + 'panic("selftest");\n' + src[at:]
    with open(path, "w") as f:
        f.write(src)


def test_broken_kernel_fails_fast_and_clearly(tmp_path):
    labs = labtree.labs_info(ROOT)
    lab = min(labs)
    tree = str(tmp_path / "tree")
    copy_tracked(tree)
    inject_panic(tree)
    res, out = grade(tree, lab, str(tmp_path))
    total = sum(t["max_score"] for t in res["tests"])
    assert res["tests"] and res["score"] == 0, out[-3000:]
    assert re.search(rf"Score: 0/{total}\s*$", out), out[-1000:]
    assert res["execution_time"] < 60, \
        f"a panicking kernel took {res['execution_time']:.0f} s to grade"
    for t in res["tests"]:
        text = t["output"]
        assert "expected:" in text and "seen:" in text, text
        assert "panic: selftest" in text, text
        assert "serial log: " in text and "reproduce:  sh " in text, text
        repro = re.search(r"reproduce:  sh (\S+)", text).group(1)
        assert os.path.exists(os.path.join(tree, repro)), repro
        log = re.search(r"serial log: (\S+)", text).group(1)
        with open(os.path.join(tree, log)) as f:
            assert "panic: selftest" in f.read()
    # The terminal output carries the same report.
    assert "panic: selftest" in out and "reproduce:" in out
