#!/usr/bin/python3
"""The mutant check: plausible student bugs must lose points.

Each lab keeps mutants in labs/N-*/mutants/NAME.patch: a small patch on the
lab's solution tree (lab N, solutions through N, as tools/labtree.py
writes it, so markers and stub text never appear in a patch). The first
line of the file says, in one sentence, which student bug it plays; patch
ignores it. For every mutant this script

  1. copies the lab's solution tree, already built once, so only the files
     the patch touches are recompiled;
  2. applies the patch and builds; a mutant that does not apply or does not
     build is itself broken (it would prove nothing) and fails the check;
  3. grades the lab as a student would (`make grade LAB=N`), serially and
     stopping at the first failing test (`-x`), since one lost point is
     enough. The test that caught the mutant last time (CAUGHT_BY, the
     file labs/N-*/mutants/caught-by.txt) runs alone first: if it takes
     points, that is the verdict, for the cost of one test; if not, the
     whole lab is graded as above;
  4. reports the test that caught it, or SURVIVED when the mutant kept full
     marks: a surviving mutant is a missing test.

Several mutants are graded at once, one per core. Exit status 0 only when
every mutant lost points. Trees and grader logs stay in build/mutants/;
build/mutants/caught-by/labN.txt has this run's catchers, and --record
writes them to the labs' caught-by.txt files.

    mutants.py [--lab N] [--jobs J] [--only NAME[,NAME]] [--record]

A lab that only BitVisor can judge (lab 6) is graded with `make
grade-bitvisor` on a copy per mutant of the checkout $BITVISOR_SRC, and
skipped, saying so, without it.
"""

import argparse
import concurrent.futures
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from xml.etree import ElementTree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tools"))
import labtree  # noqa: E402
from grader.context import RUN_VARS, clean_env  # noqa: E402

GRADE_SECONDS = 900     # one mutant's grading, every core busy


def mutants_of(root, info):
    """[(name, description, patch path)] of a lab, sorted by name."""
    d = os.path.join(root, info["dir"], "mutants")
    out = []
    if not os.path.isdir(d):
        return out
    for f in sorted(os.listdir(d)):
        if not f.endswith(".patch"):
            continue
        path = os.path.join(d, f)
        with open(path, encoding="utf-8") as fh:
            first = fh.readline().strip()
        out.append((f[:-len(".patch")], first, path))
    return out


CAUGHT_BY = "caught-by.txt"


def caught_by(root, info):
    """{mutant: test function} from the lab's caught-by.txt (lines
    `mutant test_function`; # starts a comment)."""
    out = {}
    path = os.path.join(root, info["dir"], "mutants", CAUGHT_BY)
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                words = line.split("#", 1)[0].split()
                if len(words) == 2:
                    out[words[0]] = words[1]
    return out


def write_caught_by(path, found):
    with open(path, "w") as f:
        f.write("# The test that caught each mutant in the last recorded run\n"
                "# (tools/mutants.py --record): it is tried alone first.\n")
        for name in sorted(found):
            f.write(f"{name} {found[name]}\n")


def first_failure(junit):
    """The function name of the first failing test in a JUnit file."""
    try:
        for case in ElementTree.parse(junit).iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                return case.get("name", "").split("[")[0] or None
    except (OSError, ElementTree.ParseError):
        pass
    return None


def run(cmd, cwd, timeout, log):
    """Run cmd in its own session, output to log; kill the whole group on
    overrun. Returns the exit status, or None on timeout."""
    with open(log, "a") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        p = subprocess.Popen(cmd, cwd=cwd, env=clean_env(RUN_VARS),
                             stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def tail(path, n=15):
    with open(path, errors="replace") as f:
        return "".join(f.readlines()[-n:])


def prepare_base(root, lab, work):
    """Write and build the solution tree of lab; return its path."""
    base = os.path.join(work, f"lab{lab}", "_solution")
    shutil.rmtree(base, ignore_errors=True)
    labtree.write_tree(root, base, lab, lab)
    log = os.path.join(work, f"lab{lab}", "_solution.log")
    if os.path.exists(log):
        os.remove(log)
    rc = run(["make", "-s", f"-j{os.cpu_count() or 1}", "all", "ide-image"],
             base, 600, log)
    if rc != 0:
        raise SystemExit(f"mutants: the lab {lab} solution tree does not "
                         f"build; see {log}:\n{tail(log)}")
    return base


def bitvisor_only(info):
    """A lab only BitVisor can judge (lab.toml's platforms, lab 6)."""
    return "qemu" not in info.get("platforms", ["qemu"])


def grade_mutant(tree, lab, log, scale, test=None, bitvisor=None):
    """Grade the built tree (only `test`, if given; on BitVisor built from
    the checkout `bitvisor`, if given): None if the grading broke, else
    (names of the tests that lost points, first failing test function,
    score)."""
    results = os.path.join(tree, "results.json")
    junit = os.path.join(tree, "junit.xml")
    for p in (results, junit):
        if os.path.exists(p):
            os.remove(p)
    cmd = ["make", "-s", "grade", f"LAB={lab}", f"GRADE_JSON={results}",
           f"JUNIT={junit}", "GRADE_ARGS=-j1 -x"] + ([f"TEST={test}"] if test else [])
    if bitvisor:
        cmd[2:3] = ["grade-bitvisor", f"BITVISOR_SRC={bitvisor}", "BITVISOR_ELF="]
    rc = run(cmd, tree, GRADE_SECONDS * scale, log)
    if rc is None:
        return None
    try:
        with open(results) as f:
            res = json.load(f)
    except (OSError, ValueError):
        return None
    lost = [t["name"] for t in res["tests"] if t["status"] != "passed"]
    return lost, first_failure(junit), res["score"]


def try_mutant(lab, name, patch, base, work, scale, hint=None, bitvisor=None):
    """Grade one mutant, trying the test `hint` alone first (on BitVisor,
    built from a copy of the checkout `bitvisor`, if given); return
    (verdict, detail, seconds, catcher function)."""
    t0 = time.monotonic()
    tree = os.path.join(work, f"lab{lab}", name)
    log = tree + ".log"
    shutil.rmtree(tree, ignore_errors=True)
    if os.path.exists(log):
        os.remove(log)
    shutil.copytree(base, tree, symlinks=True)
    rc = run(["patch", "-p1", "-s", "--no-backup-if-mismatch", "-i", patch],
             tree, 60, log)
    if rc != 0:
        return "BROKEN", f"the patch does not apply ({log})", 0, None
    rc = run(["make", "-s", "all", "ide-image"], tree, 600, log)
    if rc != 0:
        return "BROKEN", f"does not build:\n{tail(log)}", 0, None
    if bitvisor:        # make bitvisor puts this mutant's module in it
        copy = tree + "-bitvisor"
        shutil.rmtree(copy, ignore_errors=True)
        subprocess.run(["cp", "-a", bitvisor, copy], check=True)
        bitvisor = copy
    try:
        if hint:
            got = grade_mutant(tree, lab, log, scale, hint, bitvisor)
            if got and got[0]:
                return "killed", got[0][0], time.monotonic() - t0, got[1] or hint
        got = grade_mutant(tree, lab, log, scale, None, bitvisor)
    finally:
        if bitvisor:
            shutil.rmtree(bitvisor, ignore_errors=True)
    secs = time.monotonic() - t0
    if got is None:
        return "BROKEN", f"grading broke or did not end in {GRADE_SECONDS * scale:g} s ({log}):\n{tail(log)}", secs, None
    lost, func, score = got
    if lost:
        miss = f"; {hint}, which caught it before, did not" if hint else ""
        return "killed", lost[0] + miss, secs, func
    return "SURVIVED", f"scored {score} with every test passing ({log})", secs, None


def main(argv=None):
    ap = argparse.ArgumentParser(description="grade every lab's mutants")
    ap.add_argument("--lab", type=int, help="only this lab")
    ap.add_argument("--only", help="only these mutants (comma-separated names)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--record", action="store_true", help="write each "
                    f"catcher to the lab's mutants/{CAUGHT_BY}")
    args = ap.parse_args(argv)

    labs = labtree.labs_info(ROOT, unreleased=args.lab is not None)
    nums = [args.lab] if args.lab else sorted(labs)
    only = set(args.only.split(",")) if args.only else None
    work = os.path.join(ROOT, "build", "mutants")
    scale = float(os.environ.get("GRADER_TIMEOUT_SCALE", "1") or 1)
    bitvisor = os.environ.get("BITVISOR_SRC") or None
    if bitvisor:
        bitvisor = os.path.abspath(bitvisor)

    jobs, hints = [], {}
    for lab in nums:
        if lab not in labs:
            raise SystemExit(f"mutants: no lab {lab}")
        ms = [m for m in mutants_of(ROOT, labs[lab])
              if only is None or m[0] in only]
        if not ms:
            print(f"mutants: lab {lab} has no mutants", flush=True)
            continue
        if bitvisor_only(labs[lab]) and not bitvisor:
            print(f"mutants: lab {lab}'s {len(ms)} mutants skipped: only "
                  "BitVisor can judge the lab; BITVISOR_SRC=checkout "
                  "grades them there", flush=True)
            continue
        hints[lab] = caught_by(ROOT, labs[lab])
        base = prepare_base(ROOT, lab, work)
        jobs += [(lab, name, desc, patch, base) for name, desc, patch in ms]
    if not jobs:
        raise SystemExit("mutants: nothing to check")

    bad, found = 0, {lab: {} for lab in hints}
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futs = {pool.submit(try_mutant, lab, name, patch, base, work, scale,
                            hints[lab].get(name),
                            bitvisor if bitvisor_only(labs[lab]) else None):
                (lab, name, desc) for lab, name, desc, patch, base in jobs}
        for fut in concurrent.futures.as_completed(futs):
            lab, name, desc = futs[fut]
            verdict, detail, secs, func = fut.result()
            if verdict == "killed":
                found[lab][name] = func
                print(f"  killed    lab {lab} {name:28} by {detail} ({secs:.0f} s)",
                      flush=True)
            else:
                bad += 1
                print(f"  {verdict:9} lab {lab} {name:28} {desc}\n"
                      f"            {detail}", flush=True)
    os.makedirs(os.path.join(work, "caught-by"), exist_ok=True)
    for lab, got in found.items():
        got = {n: f for n, f in got.items() if f}
        write_caught_by(os.path.join(work, "caught-by", f"lab{lab}.txt"), got)
        if args.record:
            path = os.path.join(ROOT, labs[lab]["dir"], "mutants", CAUGHT_BY)
            write_caught_by(path, dict(hints[lab], **got))
            print(f"mutants: wrote {os.path.relpath(path, ROOT)}", flush=True)
    print(f"mutants: {len(jobs) - bad} of {len(jobs)} lost points"
          + (f"; {bad} did not (a surviving mutant is a missing test)" if bad else ""),
          flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
