"""One grader run: its identity, its directory, and the build it tests.

A run builds the tree once (`make all ide-image`) while holding an flock on
build/.grade.lock, then copies the images it will boot into its own run
directory, build/grade/<run-id>/image/. Two graders started at the same
moment in one tree thus build one after the other, and neither can see the
other rebuild an image under its feet. Test directories live beside it:
build/grade/<run-id>/<test>/ with serial.log, pcaps and repro.sh.

The controller (the process that starts pytest) prepares the run and
passes it to pytest-xdist's workers through the environment:
BVLAB_RUN_DIR, BVLAB_TREE, and BVLAB_BUILD_ERROR when the tree does not
build (every test then fails with the compiler's complaint).
"""

import fcntl
import os
import re
import shutil
import signal
import subprocess
import time

from .machine import scale

IMAGES = ("bvlab.iso", "kernel.elf", "fs.img", "bvlab-ide.img")
# Host programs the tests run, built with the images where the tree has
# them (lab 5 on: nfsd, the file server on the host); copied flat.
HOST_PROGRAMS = {"nfsd": "nfsd/nfsd"}
LAB_DIR = re.compile(r"^(\d+)-")
# A build that runs longer is stopped and counts as failed (every test then
# fails with this reason), so a submission whose build never ends is graded
# in bounded time. Scaled by GRADER_TIMEOUT_SCALE.
BUILD_SECONDS = 600


def tree_root(start=None):
    """The tree under test: the nearest directory upward with labs/ and a
    Makefile (the current directory by default)."""
    d = os.path.abspath(start or os.getcwd())
    while True:
        if os.path.isdir(os.path.join(d, "labs")) and \
           os.path.exists(os.path.join(d, "Makefile")):
            return d
        up = os.path.dirname(d)
        if up == d:
            return os.path.abspath(start or os.getcwd())
        d = up


def lab_dirs(root):
    """{lab number: absolute directory} for labs/N-* in root."""
    out = {}
    labs = os.path.join(root, "labs")
    if os.path.isdir(labs):
        for name in os.listdir(labs):
            m = LAB_DIR.match(name)
            if m and os.path.isdir(os.path.join(labs, name)):
                out[int(m.group(1))] = os.path.join(labs, name)
    return out


def lab_of_path(path):
    """The lab number of a test file under labs/N-*/ (or an extra dir
    laid out the same way), or None."""
    for part in reversed(os.path.normpath(path).split(os.sep)):
        m = LAB_DIR.match(part)
        if m:
            return int(m.group(1))
        m = re.fullmatch(r"lab(\d+)", part)
        if m:
            return int(m.group(1))
    return None


def new_run_id():
    return time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"


# What an outer make passes down (its jobserver, its command-line
# variables): a make we start ourselves must not inherit them.
MAKE_VARS = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
# What a run hands its workers (prepare() below), GRADER_EXTRA, and what
# pytest and pytest-xdist set: a new, independent grader (a test of the
# grader, a benchmark) must not inherit them from the process starting it.
RUN_VARS = ("BVLAB_RUN_DIR", "BVLAB_TREE", "BVLAB_BUILD_ERROR", "BVLAB_LAB",
            "GRADER_EXTRA", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT",
            "PYTEST_CURRENT_TEST")


def clean_env(drop=()):
    """This process's environment for a make it starts: without MAKE_VARS
    and without the variables named in drop (e.g. RUN_VARS)."""
    return {k: v for k, v in os.environ.items()
            if k not in MAKE_VARS and k not in drop}


def build_goals(root):
    """What a run builds: the images, and the host programs the tree has."""
    return ["all", "ide-image"] + [t for t in HOST_PROGRAMS
                                   if os.path.isdir(os.path.join(root, t))]


def run_make(root, goals, timeout):
    """`make -s -jCPUS goals` in root, in a session of its own so that on
    overrun the whole build (make and its compilers) is killed. Returns
    (exit status or None on timeout, output)."""
    p = subprocess.Popen(["make", "-s", f"-j{os.cpu_count() or 1}"] + goals,
                         cwd=root, env=clean_env(), stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         text=True, errors="replace", start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        return None, out
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def build(root, run_dir, log=print):
    """Build the tree under the lock and snapshot its images into
    run_dir/image. Returns None, or the build's error text."""
    bdir = os.path.join(root, "build")
    os.makedirs(bdir, exist_ok=True)
    image = os.path.join(run_dir, "image")
    os.makedirs(image, exist_ok=True)
    with open(os.path.join(bdir, ".grade.lock"), "w") as lock:
        t0 = time.monotonic()
        fcntl.flock(lock, fcntl.LOCK_EX)
        waited = time.monotonic() - t0
        if waited > 1:
            log(f"grader: waited {waited:.0f} s for another grader's build")
        goals = build_goals(root)
        rc, output = run_make(root, goals, BUILD_SECONDS * scale())
        with open(os.path.join(run_dir, "build.log"), "w") as f:
            f.write(output)
        tail = "\n".join(output.rstrip().split("\n")[-25:])
        if rc is None:
            return (f"`make {' '.join(goals)}` did not finish in "
                    f"{BUILD_SECONDS * scale():g} s (stopped):\n{tail}")
        if rc != 0:
            return f"`make {' '.join(goals)}` failed (exit {rc}):\n{tail}"
        for name in IMAGES:
            src = os.path.join(bdir, name)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(image, name))
        for name, rel in HOST_PROGRAMS.items():
            src = os.path.join(bdir, rel)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(image, name))
        shutil.copy(os.path.join(root, "tools", "grub.cfg.in"),
                    os.path.join(image, "grub.cfg.in"))
    return None


def prune(grade_dir, keep=20, min_age=3600):
    """Delete old run directories: all but the newest `keep`, and only
    those untouched for min_age seconds (a concurrent run is never hit)."""
    try:
        runs = [os.path.join(grade_dir, d) for d in os.listdir(grade_dir)]
    except FileNotFoundError:
        return
    runs = sorted((d for d in runs if os.path.isdir(d)),
                  key=os.path.getmtime, reverse=True)
    now = time.time()
    for d in runs[keep:]:
        if now - os.path.getmtime(d) > min_age:
            shutil.rmtree(d, ignore_errors=True)


def prepare(root=None, log=print):
    """Set up a run in this process's environment (controller only) and
    return its directory. Idempotent: a second call reuses the run."""
    if os.environ.get("BVLAB_RUN_DIR"):
        return os.environ["BVLAB_RUN_DIR"]
    root = tree_root(root)
    prune(os.path.join(root, "build", "grade"))
    run_dir = os.path.join(root, "build", "grade", new_run_id())
    os.makedirs(run_dir, exist_ok=True)
    log(f"grader: building {root} (log in {os.path.relpath(run_dir, root)}/build.log)")
    err = build(root, run_dir, log)
    os.environ["BVLAB_RUN_DIR"] = run_dir
    os.environ["BVLAB_TREE"] = root
    if err:
        os.environ["BVLAB_BUILD_ERROR"] = err
        log("grader: the tree does not build; every test fails")
    return run_dir


def current():
    """(tree root, run dir, image dir, build error or None) of this run."""
    run_dir = os.environ.get("BVLAB_RUN_DIR")
    if not run_dir:
        raise RuntimeError("grader: no run prepared (BVLAB_RUN_DIR unset); "
                           "run through `make grade` or `pytest -p grader.plugin`")
    return (os.environ.get("BVLAB_TREE", tree_root()), run_dir,
            os.path.join(run_dir, "image"),
            os.environ.get("BVLAB_BUILD_ERROR") or None)
