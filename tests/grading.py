"""Running the grader from the kit's own tests, the way a student or CI does.

Each run is `make -s grade LAB=N GRADE_JSON=...` in a tree, in a student's
environment (no outer make's flags, no trace of this pytest session or of
a grader run, see grader.context.RUN_VARS), and the test judges the
results.json it writes and its output.

A grader is a process tree (make, python3 -m grader, pytest-xdist workers,
one QEMU per test), so it is started in a session of its own: when it
overruns its time, or the test ends early, the whole group is killed and
nothing is left running.
"""

import json
import os
import signal
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from grader.context import RUN_VARS, clean_env  # noqa: E402
from grader.machine import scale  # noqa: E402

GRADE_SECONDS = 1800    # a whole lab, every core busy (GRADER_TIMEOUT_SCALE scales it)


def student_env():
    """The environment of a student's shell: no outer make's flags, no
    trace of a grader run or of this pytest session."""
    return clean_env(RUN_VARS)


def start_grade(tree, lab, out_dir, *more, target="grade"):
    """Start `make grade LAB=lab` (or another grading target, such as
    grade-bitvisor) in tree, writing out_dir/results-labN.json; returns
    the Popen for finish_grade()."""
    path = os.path.join(out_dir, f"results-lab{lab}.json")
    p = subprocess.Popen(["make", "-s", target, f"LAB={lab}",
                          f"GRADE_JSON={path}", *more], cwd=tree,
                         env=student_env(), start_new_session=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True)
    p.results_path, p.describe = path, f"make {target} LAB={lab} in {tree}"
    return p


def kill_group(p):
    """Kill p's session (make, the grader, its workers and QEMUs)."""
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def finish_grade(p, timeout=GRADE_SECONDS):
    """Wait (at most timeout seconds, scaled) for a grader from
    start_grade(); return (results.json as a dict, its output)."""
    limit = timeout * scale()
    try:
        out, _ = p.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        kill_group(p)
        out, _ = p.communicate()
        pytest.fail(f"{p.describe} did not finish within {limit:g} s "
                    f"(killed); its output ends:\n{out[-3000:]}")
    finally:
        if p.poll() is None:
            kill_group(p)
            p.wait()
    assert os.path.exists(p.results_path), \
        f"{p.describe} wrote no results (exit {p.returncode}):\n{out[-3000:]}"
    with open(p.results_path) as f:
        return json.load(f), out


def grade(tree, lab, out_dir, *more, target="grade"):
    """Run `make grade LAB=lab` in tree; return (results.json, output)."""
    return finish_grade(start_grade(tree, lab, out_dir, *more, target=target))
