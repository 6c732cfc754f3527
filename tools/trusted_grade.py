#!/usr/bin/python3
"""Trusted grading: a student's submission graded by the staff's kit.

`make grade` grades the tree it runs in with that tree's own tests, grader,
Makefile and user programs: right for a student's feedback, wrong for
marks, since a submission can edit any of them. Here the staff kit grades:

  1. the submission (a directory, a git bundle or a zip; its branch labN if
     it has one, else origin's labN, else HEAD) is unpacked into a work
     directory; nothing of it runs on the host, and git reads it only
     through a fresh repository;
  2. the lab's tree is made from this kit: lab N, solutions through 0, the
     tree the student started from (see below). It is copied, with its
     build, from a cached copy built once per lab and kit version, so only
     what the student changed recompiles;
  3. from the submission it takes labtree.student_files() (the files that
     hold solution regions of labs 1..N, the one rule, in tools/labtree.py)
     and nothing else; the report lists every other file the submission
     changed, added or lacks as ignored;
  4. the staff's grader grades that tree as `make grade` would, under
     limits: a time for the whole run (the build has its own, in
     grader/context.py, and every test its timeouts), a size per file
     written and a quota on the work directory, so a runaway log, pcap or
     object file ends the run with a reason, not the machine's disk. A
     run stopped by a limit keeps the scores of the tests that finished
     (the grader rewrites GRADER_PROGRESS after each); the rest score 0,
     and the results say why.

Why solutions through 0: every file that holds a solution region of labs
1..N comes from the submission, so the staff's solutions could only show
in a file the submission lacks; there the starting code is what the
student handed in, in effect, and is what is graded.

    trusted_grade.py one SUB --lab N [--work DIR] [--json F] [--junitxml F]
    trusted_grade.py class SUBS --lab N --out DIR [--jobs J] [--force] [--keep]
    both: [--test NAMES] [--extra DIR] [--timeout S] [--grade-args "..."]

`class` grades every folder, NAME.bundle and NAME.zip in SUBS (the student
is NAME), J at a time, and writes OUT/class.csv and OUT/NAME/: results.json,
junit.xml, submission.txt, grade.log, artifacts/ of the failing tests (of
every test, if a limit stopped the run) and summary.json, written last: a
rerun skips students that have one.
"""

import argparse
import concurrent.futures
import csv
import fcntl
import hashlib
import json
import os
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from xml.etree import ElementTree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tools"))
import labtree  # noqa: E402
from grader.context import (BUILD_SECONDS, RUN_VARS, build_goals,  # noqa: E402
                            clean_env, run_make)
from grader.machine import scale  # noqa: E402

PYTHON = "/usr/bin/python3"
GRADE_SECONDS = 3600            # one submission, build and tests (scaled)
FILE_BYTES = 512 << 20          # largest file any process may write
QUOTA_BYTES = 2 << 30           # a submission's work directory, at most
SUB_BYTES = 512 << 20           # a zip, unpacked, at most
TAKEN_BYTES = 16 << 20          # a taken file, at most
# What a plain directory (or zip) holds that is no part of the repository:
# what the kit's .gitignore ignores.
NOT_SUBMITTED = {"build", "fetched", ".git", "__pycache__", ".pytest_cache"}
SUFFIXES = (".bundle", ".zip")


class SubmissionError(Exception):
    """A submission that cannot be read: graded 0 with this reason."""


# ---------------------------------------------------------------- unpacking

def _git(*args, cwd=None):
    r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                       env=dict(clean_env(), GIT_TERMINAL_PROMPT="0"))
    if r.returncode != 0:
        raise SubmissionError(f"git {args[0]}: {r.stderr.strip()}")
    return r.stdout


def git_checkout(src, lab, dest):
    """Check out branch labN (else origin's labN, else HEAD, else the only
    branch) of the repository or bundle src into dest, through a new
    repository, so that nothing in src's own configuration or hooks runs.
    Returns the ref."""
    refs = {}
    for line in _git("ls-remote", os.path.abspath(src)).splitlines():
        sha, _, ref = line.partition("\t")
        refs[ref] = sha
    branches = [r for r in refs if r.startswith("refs/heads/")]
    if f"refs/heads/lab{lab}" in refs:
        ref, what = f"refs/heads/lab{lab}", f"branch lab{lab}"
    elif f"refs/remotes/origin/lab{lab}" in refs:
        # A plain clone (GitHub Classroom's export) has the other labs'
        # branches only as origin's.
        ref, what = f"refs/remotes/origin/lab{lab}", f"branch origin/lab{lab}"
    elif "HEAD" in refs:
        ref, what = "HEAD", f"HEAD (it has no branch lab{lab})"
    elif len(branches) == 1:
        ref, what = branches[0], f"its only branch, {branches[0][11:]}"
    else:
        raise SubmissionError(f"no branch lab{lab}, no HEAD, and "
                              f"{len(branches)} branches to choose from")
    _git("init", "-q", dest)
    _git("fetch", "-q", "--no-tags", os.path.abspath(src), ref, cwd=dest)
    _git("-c", "advice.detachedHead=false", "checkout", "-q", "--detach",
         "FETCH_HEAD", cwd=dest)
    return what


def unzip(path, dest):
    """Extract a zip (zipfile drops absolute and `..` parts) after checking
    its size; a single top folder (as GitHub's zips have) is its root."""
    try:
        with zipfile.ZipFile(path) as z:
            size = sum(i.file_size for i in z.infolist())
            if size > SUB_BYTES:
                raise SubmissionError(f"the zip holds {size >> 20} MiB, more "
                                      f"than {SUB_BYTES >> 20} MiB")
            z.extractall(dest)
    except (zipfile.BadZipFile, OSError) as e:
        raise SubmissionError(f"cannot unzip: {e}")
    top = os.listdir(dest)
    if len(top) == 1 and os.path.isdir(os.path.join(dest, top[0])):
        return os.path.join(dest, top[0])
    return dest


def unpack(sub, lab, work):
    """(directory holding the submission's files, what was taken)."""
    if os.path.isfile(sub) and zipfile.is_zipfile(sub):
        d = unzip(sub, os.path.join(work, "unzipped"))
        if not os.path.exists(os.path.join(d, ".git")):
            return d, f"zip {sub}"
        sub = d
    elif os.path.isfile(sub):
        dest = os.path.join(work, "submission")
        return dest, f"{git_checkout(sub, lab, dest)} of bundle {sub}"
    if os.path.exists(os.path.join(sub, ".git")):
        dest = os.path.join(work, "submission")
        return dest, f"{git_checkout(sub, lab, dest)} of {sub}"
    return sub, f"directory {sub}"


def listing(d):
    """Relative paths of the files (and symbolic links) under d, without
    what is not part of a repository (NOT_SUBMITTED, *.pyc)."""
    out = set()
    for dirpath, dirnames, filenames in os.walk(d):
        dirnames[:] = [n for n in dirnames if n not in NOT_SUBMITTED]
        for n in filenames + [n for n in dirnames
                              if os.path.islink(os.path.join(dirpath, n))]:
            if not n.endswith(".pyc"):
                out.add(os.path.relpath(os.path.join(dirpath, n), d))
    return out


# ---------------------------------------------------------------- the tree

_BASES = {}
_BASES_LOCK = threading.Lock()


def base_tree(lab):
    """(built tree of lab `lab`, solutions through 0, its tree_contents(),
    labtree.student_files()), made once per run, so that a whole class is
    graded by one version of the kit. Cached on disk in
    build/trusted/base-labN-HASH, HASH of the contents, so a change to the
    kit makes a new one; one process builds it, others wait on the lock."""
    with _BASES_LOCK:
        if lab not in _BASES:
            _BASES[lab] = _make_base(lab)
        return _BASES[lab]


def _make_base(lab):
    contents = labtree.tree_contents(ROOT, lab, 0)
    h = hashlib.sha256()
    for path, (data, mode) in sorted(contents.items()):
        h.update(f"{path}\0{mode}\0{len(data)}\0".encode() + data)
    top = os.path.join(ROOT, "build", "trusted")
    base = os.path.join(top, f"base-lab{lab}-{h.hexdigest()[:12]}")
    os.makedirs(top, exist_ok=True)
    with open(os.path.join(top, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(os.path.join(base, ".built")):
            shutil.rmtree(base, ignore_errors=True)
            labtree.write_tree(ROOT, base, lab, 0, files=contents)
            rc, out = run_make(base, build_goals(base), BUILD_SECONDS * scale())
            if rc != 0:
                raise SystemExit(f"trusted_grade: the staff's lab {lab} tree "
                                 f"does not build ({base}):\n{out[-3000:]}")
            open(os.path.join(base, ".built"), "w").close()
        # Older bases of this lab, untouched for an hour, are stale.
        for n in os.listdir(top):
            p = os.path.join(top, n)
            if n.startswith(f"base-lab{lab}-") and p != base and \
               time.time() - os.path.getmtime(p) > 3600:
                shutil.rmtree(p, ignore_errors=True)
    return base, contents, labtree.student_files(ROOT, lab)


def _plain(files, path):
    """Is files/path a regular file reached through no symbolic link (which
    could lead anywhere on the host)?"""
    full = os.path.join(files, path)
    return os.path.isfile(full) and os.path.realpath(full) == \
        os.path.join(os.path.realpath(files), os.path.normpath(path))


def _same(path, data):
    if os.path.getsize(path) != len(data):
        return False
    with open(path, "rb") as f:
        return f.read() == data


def make_tree(lab, files, tree):
    """Copy the base tree to tree, put the submission's student files in,
    and return the report: [(path, note)] taken and [(path, note)] ignored."""
    base, contents, student = base_tree(lab)
    # copy2 keeps mtimes: make recompiles only the files written below.
    shutil.copytree(base, tree, symlinks=True)
    os.remove(os.path.join(tree, ".built"))
    taken = []
    for path in student:
        src = os.path.join(files, path)
        if not os.path.lexists(src):
            note = "missing from the submission: the starting code is graded"
        elif not _plain(files, path):
            note = "not a regular file: the starting code is graded"
        elif os.path.getsize(src) > TAKEN_BYTES:
            note = f"over {TAKEN_BYTES >> 20} MiB: the starting code is graded"
        elif _same(src, contents[path][0]):
            note = "as given (the starting code)"
        else:
            with open(src, "rb") as f, open(os.path.join(tree, path), "wb") as g:
                shutil.copyfileobj(f, g)
            note = "changed"
        taken.append((path, note))
    ignored = []
    for path in sorted((listing(files) | set(contents)) - set(student)):
        src = os.path.join(files, path)
        if path not in contents:
            ignored.append((path, "added"))
        elif not os.path.lexists(src):
            ignored.append((path, "deleted"))
        elif not _plain(files, path) or not _same(src, contents[path][0]):
            ignored.append((path, "changed"))
    return taken, ignored


def report_text(name, lab, what, taken, ignored):
    lines = [f"trusted_grade: {name}, lab {lab}: {what}",
             f"  taken from the submission (the files with solution regions "
             f"of labs 1..{lab}):"]
    lines += [f"    {p:32} {n}" for p, n in taken]
    lines.append("  ignored (the staff's copy is graded):" if ignored else
                 "  ignored: nothing else differs from the staff's tree")
    lines += [f"    {p:32} {n}" for p, n in ignored]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- grading

def disk_usage(d):
    total = 0
    for dirpath, dirnames, filenames in os.walk(d):
        for n in filenames + dirnames:
            try:
                total += os.lstat(os.path.join(dirpath, n)).st_blocks * 512
            except FileNotFoundError:
                pass
    return total


def run_grader(tree, lab, opts, json_path, junit_path, log, echo, rerun):
    """Run the staff's grader in tree, output to log (and stdout if echo).
    Returns None, or why it was stopped. The grader keeps the results so
    far in json_path.partial; a failure's rerun line is rerun + TEST=."""
    cmd = [PYTHON, "-m", "grader", "--lab", str(lab), "--json", json_path,
           "--junitxml", junit_path]
    if opts.test:
        cmd += ["--test", opts.test]
    if opts.extra:
        cmd += ["--extra", os.path.abspath(opts.extra)]
    if opts.workers:
        cmd += ["-j", str(opts.workers)]
    cmd += shlex.split(opts.grade_args or "")
    work = os.path.dirname(tree)
    tmp = os.path.join(work, "tmp")     # QEMU's snapshot files: in the quota
    os.makedirs(tmp, exist_ok=True)
    env = dict(clean_env(RUN_VARS), TMPDIR=tmp, GRADER_RERUN=rerun,
               GRADER_PROGRESS=json_path + ".partial")
    lwip = os.path.join(ROOT, "fetched", "lwip-2.1.3")
    if "LWIP_SRC" not in env and os.path.isdir(lwip):
        env["LWIP_SRC"] = lwip          # run outside make: this kit's lwIP
    limit = opts.timeout * scale()
    with open(log, "a") as out:
        p = subprocess.Popen(cmd, cwd=tree, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE if echo else out,
                             stderr=subprocess.STDOUT, start_new_session=True)
        if echo:
            def copy():
                for line in iter(p.stdout.readline, b""):
                    out.write(line.decode(errors="replace"))
                    out.flush()
                    sys.stdout.buffer.write(line)
                    sys.stdout.flush()
            echoer = threading.Thread(target=copy, daemon=True)
            echoer.start()
        t0, why = time.monotonic(), None
        try:
            while why is None:
                left = limit - (time.monotonic() - t0)
                try:
                    p.wait(timeout=max(0.1, min(5, left)))
                    break
                except subprocess.TimeoutExpired:
                    pass
                if left <= 0.1:
                    why = f"grading did not finish in {limit:g} s (stopped)"
                elif disk_usage(work) > QUOTA_BYTES:
                    why = (f"the build and tests wrote more than "
                           f"{QUOTA_BYTES >> 20} MiB (stopped)")
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
            if echo:
                echoer.join(timeout=10)
    return why


def lab_points(lab):
    info = labtree.labs_info(ROOT, unreleased=True).get(lab, {})
    return info.get("points", 0)


def zero_results(lab, why):
    """results.json for a submission graded 0 without a test running."""
    pts = lab_points(lab)
    return {"score": 0, "execution_time": 0, "output": f"Lab {lab}: 0/{pts} "
            f"points: {why}", "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [{"name": f"Lab {lab}: grading", "number": f"{lab}.0",
                       "score": 0, "max_score": pts, "status": "failed",
                       "output": why, "visibility": "visible",
                       "tags": ["not_a_test"]}]}


def stopped_results(lab, why, partial, whole=True):
    """results.json for a run stopped from outside: the tests that finished
    keep their scores; the rest of the lab's points (if the whole lab was
    graded, not TEST=) are one failed entry that says why. Without
    progress, zero_results()."""
    try:
        with open(partial) as f:
            res = json.load(f)
    except (OSError, ValueError):
        return zero_results(lab, why)
    left = lab_points(lab) - sum(t["max_score"] for t in res["tests"]) \
        if whole else 0
    if left > 0 or not res["tests"]:
        res["tests"].append({
            "name": f"Lab {lab}: tests not finished", "number": f"{lab}.99",
            "score": 0, "max_score": max(left, 0), "status": "failed",
            "output": f"{why}: the tests that had not finished score 0",
            "visibility": "visible", "tags": ["not_a_test"]})
    res["score"] = sum(t["score"] for t in res["tests"])
    res["output"] = (f"Lab {lab}: {res['score']}/"
                     f"{sum(t['max_score'] for t in res['tests'])} points: {why}")
    return res


def write_junit(res, path):
    """A JUnit XML of results.json's tests, for a run that wrote none."""
    suite = ElementTree.Element("testsuite", name="bvlab", tests=str(len(
        res["tests"])), failures=str(sum(t["status"] == "failed"
                                          for t in res["tests"])))
    for t in res["tests"]:
        case = ElementTree.SubElement(suite, "testcase", name=t["name"])
        if t["status"] == "failed":
            ElementTree.SubElement(case, "failure", message=t["output"][:200]
                                   ).text = t["output"]
    ElementTree.ElementTree(suite).write(path, encoding="unicode")


def test_dirs(tree):
    """Every test directory of the tree's grade runs."""
    runs = os.path.join(tree, "build", "grade")
    try:
        dirs = [os.path.join(runs, r, d) for r in os.listdir(runs)
                for d in os.listdir(os.path.join(runs, r))]
    except OSError:
        return []
    return [d for d in dirs if os.path.isdir(d)]


def failing_dirs(tree, junit_path):
    """The grade run's test directories of the tests that failed."""
    dirs = test_dirs(tree)
    try:
        cases = ElementTree.parse(junit_path).iter("testcase")
    except (OSError, ElementTree.ParseError):
        return []
    names = {re.sub(r"[^A-Za-z0-9_.=-]+", "_", c.get("name", ""))
             for c in cases if c.find("failure") is not None
             or c.find("error") is not None}
    out = []
    for d in dirs:
        n = os.path.basename(d)
        rest = n.removeprefix("hidden.").split(".", 1)[-1]
        if os.path.isdir(d) and any(rest == s or (len(n) == 120 and
                                                  s.startswith(rest))
                                    for s in names):
            out.append(d)
    return out


def copy_artifacts(dirs, dest):
    """Each failing test's serial log, pcaps, repro.sh and other small
    files (not its ISO or disk images) into dest/<test dir>/."""
    for d in dirs:
        for n in os.listdir(d):
            src = os.path.join(d, n)
            if os.path.isfile(src) and not os.path.islink(src) and \
               not n.endswith((".iso", ".img")) and \
               os.path.getsize(src) <= 64 << 20:
                os.makedirs(os.path.join(dest, os.path.basename(d)), exist_ok=True)
                shutil.copy(src, os.path.join(dest, os.path.basename(d), n))


def grade_one(name, sub, lab, work, out, opts, echo=False):
    """Grade one submission in work (emptied first); write into out
    results.json, junit.xml, submission.txt, grade.log (or the paths in
    opts.json, opts.junitxml) and return the summary (summary.json)."""
    t0 = time.monotonic()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.makedirs(out, exist_ok=True)
    json_path = os.path.abspath(opts.json or os.path.join(out, "results.json"))
    junit_path = os.path.abspath(opts.junitxml or os.path.join(out, "junit.xml"))
    log = os.path.join(out, "grade.log")
    for p in (json_path, junit_path, log, json_path + ".partial"):
        if os.path.exists(p):
            os.remove(p)
    tree = os.path.join(work, "tree")
    why, what, dirs = None, "", []
    try:
        files, what = unpack(sub, lab, work)
        taken, ignored = make_tree(lab, files, tree)
        text = report_text(name, lab, what, taken, ignored)
    except SubmissionError as e:
        why = f"cannot read the submission: {e}"
        text = f"trusted_grade: {name}, lab {lab}: {why}\n"
    with open(os.path.join(out, "submission.txt"), "w") as f:
        f.write(text)
    if echo:
        print(text, end="", flush=True)
    partial = json_path + ".partial"
    res = zero_results(lab, why) if why else None
    if why is None:
        rerun = (f"make grade-submission SUB={shlex.quote(os.path.abspath(sub))}"
                 f" LAB={lab}")
        why = run_grader(tree, lab, opts, json_path, junit_path, log, echo, rerun)
        if why is None and not os.path.exists(json_path):
            why = "the grader wrote no results (see grade.log)"
        dirs = failing_dirs(tree, junit_path)
        if why is not None:     # stopped: what finished keeps its points
            res = stopped_results(lab, why, partial, whole=not opts.test)
            dirs = test_dirs(tree)  # which finished well is not known
    if res is not None:
        with open(json_path, "w") as f:
            json.dump(res, f, indent=2)
        write_junit(res, junit_path)
    if os.path.exists(partial):
        os.remove(partial)
    with open(json_path) as f:
        res = json.load(f)
    if os.path.exists(log) and "the tree does not build" in open(log).read():
        why = "does not build"
    if not echo:
        copy_artifacts(dirs, os.path.join(out, "artifacts"))
    ran = [t for t in res["tests"] if "not_a_test" not in t.get("tags", [])]
    return {
        "student": name, "lab": lab, "source": what,
        "score": res["score"],
        "max": sum(t["max_score"] for t in res["tests"]),
        "tests": {t["name"]: t["score"] for t in ran},
        "failing": [t["name"] for t in ran if t["status"] == "failed"],
        "seconds": round(time.monotonic() - t0),
        "note": why or "",
    }


# ---------------------------------------------------------------- a class

def students(subs, out):
    """[(student, path)] of the submissions in subs, sorted by name."""
    found, seen = [], set()
    for n in sorted(os.listdir(subs)):
        p = os.path.join(subs, n)
        if os.path.abspath(p) == os.path.abspath(out) or n.startswith("."):
            continue
        name = os.path.splitext(n)[0] if n.endswith(SUFFIXES) else n
        if not (os.path.isdir(p) or n.endswith(SUFFIXES) and os.path.isfile(p)):
            print(f"trusted_grade: skipping {p}: not a folder, .bundle or .zip")
            continue
        name = re.sub(r"[^A-Za-z0-9_.@+-]", "_", name)
        if name in seen:
            print(f"trusted_grade: skipping {p}: a second submission of {name}")
            continue
        seen.add(name)
        found.append((name, p))
    return found


def write_csv(out, summaries):
    """OUT/class.csv: one row per student, one column per test (its
    points), failing tests by name."""
    tests = []
    for s in summaries:
        tests += [t for t in s["tests"] if t not in tests]
    path = os.path.join(out, "class.csv")
    with open(path + ".new", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "score", "max", *tests, "seconds", "failing", "note"])
        for s in sorted(summaries, key=lambda s: s["student"]):
            w.writerow([s["student"], s["score"], s["max"],
                        *[s["tests"].get(t, "") for t in tests], s["seconds"],
                        "; ".join(s["failing"]), s["note"]])
    os.replace(path + ".new", path)


def grade_class(opts):
    out = os.path.abspath(opts.out)
    os.makedirs(out, exist_ok=True)
    subs = students(opts.subs, out)
    # Each grader runs its tests on cores / jobs workers: the total load
    # stays at one QEMU per core, as the tests' timeouts assume.
    opts.workers = opts.workers or max(1, (os.cpu_count() or 1) // opts.jobs)
    done, todo = {}, []
    for name, p in subs:
        summary = os.path.join(out, name, "summary.json")
        if os.path.exists(summary) and not opts.force:
            with open(summary) as f:
                done[name] = json.load(f)
        else:
            todo.append((name, p))
    print(f"trusted_grade: lab {opts.lab}, {len(subs)} submissions in "
          f"{opts.subs} ({len(done)} graded before), {opts.jobs} at a time, "
          f"{opts.workers} test worker(s) each, at most "
          f"{opts.timeout * scale():g} s each", flush=True)
    for name in done:
        s = done[name]
        print(f"  {name}: {s['score']}/{s['max']} (graded before; FORCE=1 "
              f"regrades)", flush=True)
    base_tree(opts.lab)     # built once, before the graders want it

    def one(name, p):
        d = os.path.join(out, name)
        work = os.path.join(d, "work")
        s = grade_one(name, p, opts.lab, work, d, opts)
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)
        with open(os.path.join(d, "summary.json"), "w") as f:
            json.dump(s, f, indent=2)
        return s

    n = len(done)
    write_csv(out, list(done.values()))
    with concurrent.futures.ThreadPoolExecutor(max(1, opts.jobs)) as pool:
        futs = [pool.submit(one, name, p) for name, p in todo]
        for fut in concurrent.futures.as_completed(futs):
            s = fut.result()
            n += 1
            done[s["student"]] = s
            write_csv(out, list(done.values()))
            fails = ""
            if s["failing"] and len(s["failing"]) == len(s["tests"]):
                fails = f"; all {len(s['tests'])} tests failed"
            elif s["failing"]:
                fails = "; failed: " + "; ".join(
                    t.split(": ", 1)[-1] for t in s["failing"])
            note = f" [{s['note']}]" if s["note"] else ""
            print(f"  [{n}/{len(subs)}] {s['student']}: {s['score']}/{s['max']} "
                  f"in {s['seconds']} s{note}{fails}", flush=True)
    print(f"trusted_grade: wrote {os.path.join(out, 'class.csv')}", flush=True)


# ---------------------------------------------------------------- main

def limit_resources():
    """Inherited by every process started from here: no file over
    FILE_BYTES (a write past it fails; Python sees EFBIG, others get
    SIGXFSZ), no core dumps."""
    for res, n in ((resource.RLIMIT_FSIZE, FILE_BYTES), (resource.RLIMIT_CORE, 0)):
        soft, hard = resource.getrlimit(res)
        if hard != resource.RLIM_INFINITY:
            n = min(n, hard)
        resource.setrlimit(res, (n, hard))


def main(argv=None):
    ap = argparse.ArgumentParser(description="grade submissions with the "
                                 "staff's kit (see the docstring)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    o = sub.add_parser("one", help="grade one submission")
    o.add_argument("sub")
    o.add_argument("--work", help="work directory (default "
                   "build/trusted/NAME-labN)")
    o.add_argument("--json", help="also write results.json here")
    o.add_argument("--junitxml", help="also write JUnit XML here")
    c = sub.add_parser("class", help="grade every submission in a folder")
    c.add_argument("subs")
    c.add_argument("--out", required=True)
    c.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="submissions graded at once (default: cores)")
    c.add_argument("--force", action="store_true", help="regrade everyone")
    c.add_argument("--keep", action="store_true", help="keep work trees")
    c.set_defaults(json=None, junitxml=None)
    for p in (o, c):
        p.add_argument("--lab", type=int, required=True)
        p.add_argument("--test", help="only these tests (as make grade TEST=)")
        p.add_argument("--extra", default=os.environ.get("GRADER_EXTRA") or None,
                       help="hidden tests (default $GRADER_EXTRA)")
        p.add_argument("--timeout", type=float, default=GRADE_SECONDS,
                       help=f"seconds per submission (default {GRADE_SECONDS}, "
                       "times GRADER_TIMEOUT_SCALE)")
        p.add_argument("--workers", type=int, default=0,
                       help="test workers per grader (default: cores for "
                       "one, cores / jobs for a class)")
        p.add_argument("--grade-args", help="more grader/pytest options")
    opts = ap.parse_args(argv)
    if opts.lab not in labtree.labs_info(ROOT, unreleased=True):
        raise SystemExit(f"trusted_grade: no lab {opts.lab} in this kit")
    limit_resources()
    if opts.cmd == "class":
        if not os.path.isdir(opts.subs):
            raise SystemExit(f"trusted_grade: {opts.subs} is not a directory")
        grade_class(opts)
        return 0
    if not os.path.exists(opts.sub):
        raise SystemExit(f"trusted_grade: no such submission: {opts.sub}")
    name = os.path.basename(os.path.normpath(opts.sub))
    name = name.removesuffix(".zip").removesuffix(".bundle")
    work = os.path.abspath(opts.work or os.path.join(
        ROOT, "build", "trusted", f"{name}-lab{opts.lab}"))
    s = grade_one(name, opts.sub, opts.lab, os.path.join(work, "work"), work,
                  opts, echo=True)
    if s["note"]:
        print(f"trusted_grade: {s['note']}")
    print(f"trusted_grade: report, log and results in {work}/; the tree "
          f"graded in {work}/work/tree/")
    print(f"Score: {s['score']}/{s['max']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
