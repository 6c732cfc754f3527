"""The grader's command line (what `make grade` runs).

    python3 -m grader [--lab N] [--json FILE] [--junitxml FILE] [--test NAMES]
                      [--extra DIR] [-j JOBS] [pytest options...]

Grades one lab: N, or the highest released lab whose labs/N-* directory is
in this tree (in a student's branch labK that is K) and that this platform
can judge (lab 6 only on BitVisor). Builds the tree once, runs the
lab's tests (plus hidden ones from --extra or $GRADER_EXTRA) on all cores
when pytest-xdist is installed, and ends its output with `Score: X/Y`.
Exit status 0 when grading ran (whatever the score; --strict: only for a
full score), so that `make grade`'s output ends with the score line. Tests
skipped with platform_skip() leave the total (see plugin.tally()).
"""

import argparse
import json
import os
import sys
import time
import tomllib

import pytest

from . import context, plugin

HERE = os.path.dirname(os.path.abspath(__file__))


def _have_xdist():
    try:
        import xdist  # noqa: F401
        return True
    except ImportError:
        return False


def _extra_paths(extra, lab):
    """Hidden tests for lab: extra/N-*/ or extra/labN/ if such a folder
    exists, otherwise the whole of extra."""
    if not extra:
        return []
    if not os.path.isdir(extra):
        sys.exit(f"grader: GRADER_EXTRA={extra} is not a directory")
    subs = [os.path.join(extra, d) for d in sorted(os.listdir(extra))
            if context.lab_of_path(d) is not None
            and os.path.isdir(os.path.join(extra, d))]
    if subs:
        return [d for d in subs if context.lab_of_path(d) == lab]
    return [extra]


def _lab_toml(labdir):
    try:
        with open(os.path.join(labdir, "lab.toml"), "rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _lab_points(labdir):
    return _lab_toml(labdir).get("points", 0)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m grader",
                                 description="grade a bvlab lab")
    ap.add_argument("--lab", type=int, help="lab number (default: the highest present)")
    ap.add_argument("--json", metavar="FILE", help="write Gradescope results.json")
    ap.add_argument("--junitxml", metavar="FILE", help="write JUnit XML")
    ap.add_argument("-k", dest="k", metavar="EXPR", help="pytest -k EXPR")
    ap.add_argument("--test", metavar="NAMES",
                    help="only tests whose name or title contains one of "
                    "these comma-separated words")
    ap.add_argument("--extra", metavar="DIR", default=os.environ.get("GRADER_EXTRA"),
                    help="hidden tests (default $GRADER_EXTRA)")
    ap.add_argument("--strict", action="store_true",
                    help="exit with status 1 unless the score is full")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="parallel tests (needs pytest-xdist; 1 = serial)")
    args, rest = ap.parse_known_args(argv)

    root = context.tree_root()
    labs = context.lab_dirs(root)
    if not labs:
        sys.exit(f"grader: no labs/N-* directory in {root}")
    # The default is the highest lab released: one still being built
    # (released = false in its lab.toml, staff tree only) only on request.
    released = [n for n in labs if _lab_toml(labs[n]).get("released", True)]
    # A lab that only some platforms can judge (lab.toml's platforms, lab
    # 6: BitVisor) is the default only on them: elsewhere every test of it
    # would be left out of the total.
    here = os.environ.get("BVLAB_PLATFORM", "qemu")
    fits = [n for n in released
            if here in _lab_toml(labs[n]).get("platforms", [here])]
    lab = args.lab if args.lab is not None else max(fits or released or labs)
    for n in sorted(set(released) - set(fits)):
        if args.lab is None and n > lab:
            print(f"grader: lab {n} is graded only on "
                  f"{' or '.join(_lab_toml(labs[n])['platforms'])} (make "
                  f"grade-bitvisor BITVISOR_SRC=checkout LAB={n}); grading lab "
                  f"{lab}", flush=True)
    if lab not in labs:
        sys.exit(f"grader: no lab {lab} in this tree (labs: "
                 f"{', '.join(map(str, sorted(labs)))})")
    os.environ["BVLAB_LAB"] = str(lab)
    if args.extra:
        os.environ["GRADER_EXTRA"] = os.path.abspath(args.extra)
    paths = [labs[lab]] + _extra_paths(args.extra, lab)

    # Workers find `grader` and the labs' helpers through PYTHONPATH.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    if root not in sys.path:
        sys.path.insert(0, root)
    os.chdir(root)
    run_dir = context.prepare(root, log=lambda s: print(s, flush=True))

    pargs = paths + ["-p", "grader.plugin", "-p", "no:cacheprovider",
                     "-c", os.path.join(HERE, "pytest.ini"), "--rootdir", root,
                     "--import-mode=importlib", "-q", "-rN"]
    if args.k:
        pargs += ["-k", args.k]
    if args.test:
        pargs += ["--bvlab-only", args.test]
    if args.junitxml:
        pargs += ["--junitxml", os.path.abspath(args.junitxml)]
    if args.jobs > 1 and _have_xdist():
        pargs += ["-n", str(args.jobs)]
    pargs += rest

    t0 = time.monotonic()
    rc = pytest.main(pargs)
    elapsed = time.monotonic() - t0

    results = plugin.ordered_results()
    score, total = plugin.tally(results)
    if not results and not args.k and not args.test:
        total = _lab_points(labs[lab])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(plugin.gradescope(results, elapsed, lab), f, indent=2)
            f.write("\n")
        print(f"grader: wrote {args.json}")
    print(f"grader: logs in {os.path.relpath(run_dir, root)}/")
    if rc not in (0, 1):
        print(f"grader: pytest ended abnormally (exit status {rc})")
    note = plugin.left_out_note(results)
    if note:
        print(f"grader: {note}")
    print(f"Score: {score}/{total}", flush=True)
    if rc not in (0, 1):
        return rc
    if args.strict and not (total > 0 and score == total and rc == 0):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
