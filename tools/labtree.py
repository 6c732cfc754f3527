#!/usr/bin/python3
"""Lab-tree generator: one reference source, many student trees.

The repository holds the complete system. What students write in lab N is
fenced by markers in the comment syntax of each file (see CONTRIBUTING.md):

    // LAB N: BEGIN SOLUTION      reference code
    // LAB N: STUB                what students get instead, each line behind
    // LAB N: END                 the comment leader (stripped on output)

    // LAB N: BEGIN               scaffolding: present from lab N on
    // LAB N: END

The tree for "lab K with solutions through S" (S <= K) keeps the solution of
regions of labs <= S, the stub of regions of labs S+1..K, and drops regions
of labs > K entirely. Files a lab introduces (`files = [...]` in
labs/N-*/lab.toml) are absent from trees of earlier labs; lab 1's list is
documentation only, every tree contains it. Markers never reach a tree.

Which files go into a tree: the git-tracked files minus STAFF_ONLY below,
minus labs/N-*/ and handouts/*/labN.md of labs N > K. That list lives here
and nowhere else.

Which files a student may change in lab K: those of lab K's tree that hold
a solution region of a lab <= K (student_files()). Trusted grading
(tools/trusted_grade.py) takes exactly these from a submission; that rule,
too, lives here and nowhere else.

Every error is reported as `path:line: message` and stops the run, because
a silently wrong student tree is worse than none.

Commands (the make targets in mk/labs.mk call these):

    labtree.py tree --lab K --sol S --out DIR
    labtree.py student-repo --out DIR [--catchup]
    labtree.py solutions [--check]
    labtree.py check            validate the markers of every tracked file
    labtree.py labs             print the lab numbers present, one per line
    labtree.py student-files --lab K   the files a student may change in lab K
"""

import argparse
import difflib
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tomllib

# Highest lab number a marker may name: five labs and the optional sixth.
MAX_LAB = 6

# Paths (prefixes ending in "/", which may hold a glob, or exact names)
# that never reach a student tree: the answer key, the kit's own tests, the
# mutants (known student bugs, as patches on the solution), the generator,
# the mutant checker and the trusted grader (both need the generator), and
# the contributor guide, which documents the marker syntax with examples.
STAFF_ONLY = [
    "solutions/",
    "tests/",
    "labs/*/mutants/",
    "tools/labtree.py",
    "tools/mutants.py",
    "tools/trusted_grade.py",
    "tools/gradescope/",
    "CONTRIBUTING.md",
]

# Comment leader by file name: exact base names first, then suffixes.
LEADER_BY_NAME = {
    "Makefile": "#",
}
LEADER_BY_SUFFIX = {
    ".c": "//", ".h": "//", ".S": "//", ".ld": "//",
    ".mk": "#", ".py": "#", ".sh": "#", ".toml": "#", ".cfg.in": "#",
}

KINDS = ("BEGIN SOLUTION", "BEGIN", "STUB", "END")

# Anything that looks like an attempt at a marker, in any comment syntax.
# Such a line must then be exactly a marker, or it is an error.
LOOKS_LIKE_MARKER = re.compile(r"\bLAB[ \t]*[^\s:]{0,6}[ \t]*:[ \t]*(BEGIN|STUB|END)\b")

# The exact form, with the leader filled in per file.
MARKER_FORM = r"^[ \t]*{leader}[ \t]*LAB (\S+): (BEGIN SOLUTION|BEGIN|STUB|END)[ \t]*$"

LAB_DIR = re.compile(r"^(\d+)-[A-Za-z0-9_.-]+$")


class MarkerError(Exception):
    """A malformed marker: carries the file and line it was found on."""

    def __init__(self, path, line, msg):
        super().__init__(f"{path}:{line}: {msg}")
        self.path, self.line, self.msg = path, line, msg


def comment_leader(path):
    """The comment leader of path's syntax, or None if unknown."""
    base = os.path.basename(path)
    if base in LEADER_BY_NAME:
        return LEADER_BY_NAME[base]
    for suffix, leader in LEADER_BY_SUFFIX.items():
        if base.endswith(suffix):
            return leader
    return None


# ---------------------------------------------------------------- regions

def _parse_marker(line, path, lineno, marker_re):
    """(lab, kind) if line is a marker, None if it is ordinary text."""
    if not LOOKS_LIKE_MARKER.search(line):
        return None
    if marker_re is None:
        raise MarkerError(path, lineno,
                          "marker in a file of unknown comment syntax")
    m = marker_re.match(line.rstrip("\r\n"))
    if not m:
        raise MarkerError(path, lineno,
                          f"malformed marker {line.strip()!r} "
                          f"(expected e.g. 'LAB 2: BEGIN SOLUTION', "
                          f"'LAB 2: STUB', 'LAB 2: END' behind the "
                          f"comment leader)")
    num, kind = m.group(1), m.group(2)
    if not re.fullmatch(r"[1-9][0-9]*", num) or int(num) > MAX_LAB:
        raise MarkerError(path, lineno,
                          f"LAB {num}: {kind}: wrong lab number "
                          f"(labs are 1..{MAX_LAB})")
    return int(num), kind


def _strip_stub(line, leader, path, lineno):
    """A stub line with its comment leader (and one space) removed."""
    body = line.rstrip("\r\n")
    eol = line[len(body):]
    if body.strip() == "":
        return line
    stripped = body.lstrip(" \t")
    indent = body[:len(body) - len(stripped)]
    if not stripped.startswith(leader):
        raise MarkerError(path, lineno,
                          f"stub line not behind the comment leader "
                          f"{leader!r}: {body.strip()!r}")
    rest = stripped[len(leader):]
    if rest.startswith(" "):
        rest = rest[1:]
    if rest.strip() == "":
        return eol
    return indent + rest + eol


def transform(text, path, lab, sol):
    """Return text as it appears in the tree of lab `lab`, solutions
    through `sol`. Raises MarkerError on any malformed marker; the whole
    file is checked whatever lab and sol are."""
    leader = comment_leader(path)
    marker_re = None
    if leader is not None:
        marker_re = re.compile(MARKER_FORM.format(leader=re.escape(leader)))
    out = []
    region = None   # (lab, kind, lineno) of the open region
    in_stub = False
    for lineno, line in enumerate(text.splitlines(keepends=True), 1):
        marker = _parse_marker(line, path, lineno, marker_re)
        if marker is None:
            if region is None:
                out.append(line)
            elif in_stub:
                stub = _strip_stub(line, leader, path, lineno)
                if sol < region[0] <= lab:
                    out.append(stub)
            elif region[1] == "BEGIN SOLUTION":
                if region[0] <= sol:
                    out.append(line)
            elif region[0] <= lab:
                out.append(line)
            continue
        num, kind = marker
        if kind.startswith("BEGIN"):
            if region is not None:
                raise MarkerError(path, lineno,
                                  f"LAB {num}: {kind} inside the LAB "
                                  f"{region[0]} region opened at line "
                                  f"{region[2]} (regions do not nest)")
            region, in_stub = (num, kind, lineno), False
            continue
        if region is None:
            raise MarkerError(path, lineno,
                              f"LAB {num}: {kind} without BEGIN")
        if num != region[0]:
            raise MarkerError(path, lineno,
                              f"LAB {num}: {kind} does not match LAB "
                              f"{region[0]}: {region[1]} at line "
                              f"{region[2]}")
        if kind == "STUB":
            if region[1] != "BEGIN SOLUTION":
                raise MarkerError(path, lineno,
                                  f"LAB {num}: STUB in a region without "
                                  f"SOLUTION (opened at line {region[2]})")
            if in_stub:
                raise MarkerError(path, lineno,
                                  f"LAB {num}: second STUB in the region "
                                  f"opened at line {region[2]}")
            in_stub = True
            continue
        region, in_stub = None, False       # END
    if region is not None:
        raise MarkerError(path, region[2],
                          f"LAB {region[0]}: {region[1]} without END")
    return "".join(out)


# ---------------------------------------------------------------- labs

def labs_info(root, unreleased=False):
    """{lab number: {"dir", "title", "points", "files", "released"}, plus
    "platforms" (the only grader platforms that can judge the lab, e.g.
    ["bitvisor"] for lab 6) and "stub_grade_seconds" where given} from
    labs/*/lab.toml. A lab whose lab.toml says `released = false` is still
    being built: it is left out unless unreleased is true, and its files
    and regions reach no generated tree (see excluded())."""
    labs = {}
    labdir = os.path.join(root, "labs")
    if not os.path.isdir(labdir):
        return labs
    for name in sorted(os.listdir(labdir)):
        m = LAB_DIR.match(name)
        if not m:
            continue
        num = int(m.group(1))
        info = {"dir": f"labs/{name}", "title": name, "points": 0, "files": [],
                "released": True}
        toml_path = os.path.join(labdir, name, "lab.toml")
        if os.path.exists(toml_path):
            with open(toml_path, "rb") as f:
                try:
                    data = tomllib.load(f)
                except tomllib.TOMLDecodeError as e:
                    raise SystemExit(f"labs/{name}/lab.toml: {e}")
            info.update({k: data[k] for k in ("title", "points", "files",
                                              "released", "platforms",
                                              "stub_grade_seconds")
                         if k in data})
        if num in labs:
            raise SystemExit(f"labs/{name}: a second directory for lab {num}")
        labs[num] = info
    out = {n: i for n, i in labs.items() if unreleased or i["released"]}
    last = max((n for n, i in labs.items() if i["released"]), default=0)
    for n, i in labs.items():
        if not i["released"] and n < last:
            raise SystemExit(f"{i['dir']}/lab.toml: released = false, but "
                             f"lab {last} after it is released")
    return out


def _matches(path, pattern):
    """Does path fall under pattern (an exact path, a directory with a
    trailing slash, or a shell glob)?"""
    if pattern.endswith("/"):
        return path.startswith(pattern) or \
            fnmatch.fnmatchcase(path, pattern + "*")
    return path == pattern or path.startswith(pattern + "/") or \
        fnmatch.fnmatchcase(path, pattern)


def excluded(path, lab, labs):
    """Why path is not in the tree of lab `lab`, or None if it is."""
    for p in STAFF_ONLY:
        if _matches(path, p):
            return "staff-only"
    for num, info in labs.items():
        if num <= lab:
            continue
        if _matches(path, info["dir"] + "/"):
            return f"lab {num} directory"
        if re.fullmatch(rf"handouts/[^/]+/lab{num}\.md", path):
            return f"lab {num} handout"
        for pattern in info["files"]:
            if _matches(path, pattern):
                return f"introduced by lab {num}"
    return None


def tracked_files(root):
    """git ls-files of root, as relative paths (deleted files skipped)."""
    out = subprocess.run(["git", "-C", root, "ls-files", "-z"],
                         check=True, capture_output=True).stdout
    paths = [p.decode() for p in out.split(b"\0") if p]
    return [p for p in paths if os.path.lexists(os.path.join(root, p))]


def tree_contents(root, lab, sol, labs=None):
    """{path: (bytes, mode)} of the tree for lab `lab`, solutions through
    `sol`. Symbolic links are skipped: the kit has none."""
    if labs is None:
        labs = labs_info(root)
    # Unreleased labs come after every released one, so excluded() keeps
    # their files out of every tree, as it does for any lab after `lab`.
    labs = {**labs_info(root, unreleased=True), **labs}
    if not 0 <= sol <= lab:
        raise SystemExit(f"labtree: need 0 <= SOL <= LAB (got LAB={lab} "
                         f"SOL={sol})")
    files = {}
    for path in tracked_files(root):
        if excluded(path, lab, labs):
            continue
        full = os.path.join(root, path)
        if os.path.islink(full):
            continue
        with open(full, "rb") as f:
            data = f.read()
        if b"\0" not in data:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if text is not None:
                data = transform(text, path, lab, sol).encode("utf-8")
        files[path] = (data, os.stat(full).st_mode & 0o777)
    return files


def student_files(root, lab):
    """The files a student may change in lab `lab`, sorted: those of the
    lab's tree (see excluded()) that hold a solution region of a lab <=
    `lab`. Everything else in the tree (tests, grader, build files, tools,
    the given kernel code, the user programs the tests run) is the staff's:
    trusted grading takes these files from a submission and nothing else.
    Computed from the markers, so a new solution region is covered the
    moment it is written."""
    labs = labs_info(root, unreleased=True)
    out = []
    for path in tracked_files(root):
        full = os.path.join(root, path)
        if excluded(path, lab, labs) or os.path.islink(full):
            continue
        with open(full, "rb") as f:
            data = f.read()
        if b"BEGIN SOLUTION" not in data:
            continue
        leader = comment_leader(path)
        marker_re = leader and re.compile(
            MARKER_FORM.format(leader=re.escape(leader)))
        text = data.decode("utf-8", "replace")
        for lineno, line in enumerate(text.splitlines(), 1):
            m = _parse_marker(line, path, lineno, marker_re)
            if m and m[1] == "BEGIN SOLUTION" and m[0] <= lab:
                out.append(path)
                break
    return sorted(out)


def write_tree(root, out, lab, sol, labs=None, files=None):
    """Write the tree into directory out (created; must be empty or absent,
    apart from a .git directory). files: its tree_contents(), if the
    caller has them already."""
    if files is None:
        files = tree_contents(root, lab, sol, labs)
    os.makedirs(out, exist_ok=True)
    stray = [n for n in os.listdir(out) if n != ".git"]
    if stray:
        raise SystemExit(f"labtree: {out} is not empty")
    for path, (data, mode) in sorted(files.items()):
        dest = os.path.join(out, path)
        os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
        with open(dest, "wb") as f:
            f.write(data)
        os.chmod(dest, mode)
    return files


def check_all(root):
    """Validate the markers of every tracked file (lab 5, no solutions
    parses everything)."""
    for path in tracked_files(root):
        full = os.path.join(root, path)
        if os.path.islink(full):
            continue
        with open(full, "rb") as f:
            data = f.read()
        if b"\0" in data or path in ("tools/labtree.py",) or \
           excluded(path, MAX_LAB, {}) == "staff-only":
            continue
        try:
            transform(data.decode("utf-8"), path, MAX_LAB, 0)
        except UnicodeDecodeError:
            continue


# ---------------------------------------------------------------- student repo

def _git(repo, *args, env=None):
    subprocess.run(["git", "-C", repo, *args], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def _commit_tree(root, repo, lab, sol, labs, message):
    """Replace repo's work tree with the generated tree and commit it."""
    for name in os.listdir(repo):
        if name == ".git":
            continue
        p = os.path.join(repo, name)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        else:
            os.remove(p)
    write_tree(root, repo, lab, sol, labs)
    _git(repo, "add", "-A")
    # Fixed identity and dates: regenerating gives the same commits.
    env = dict(os.environ,
               GIT_AUTHOR_NAME="bvlab", GIT_AUTHOR_EMAIL="bvlab@localhost",
               GIT_COMMITTER_NAME="bvlab",
               GIT_COMMITTER_EMAIL="bvlab@localhost",
               GIT_AUTHOR_DATE="2024-01-01T00:00:00Z",
               GIT_COMMITTER_DATE="2024-01-01T00:00:00Z")
    _git(repo, "commit", "-q", "--allow-empty", "-m", message, env=env)


def student_repo(root, out, catchup=False):
    """A fresh git repository with branches lab1, lab2, ... (each the
    child of the previous, no solutions) and, with catchup, labK-catchup
    branches holding lab K with the solutions of labs 1..K-1."""
    labs = labs_info(root)
    if not labs:
        raise SystemExit("labtree: no labs/N-* directories")
    if os.path.exists(out) and os.listdir(out):
        raise SystemExit(f"labtree: {out} exists and is not empty")
    os.makedirs(out, exist_ok=True)
    nums = sorted(labs)
    subprocess.run(["git", "init", "-q", "-b", f"lab{nums[0]}", out],
                   check=True)
    for i, k in enumerate(nums):
        if i > 0:
            _git(out, "checkout", "-q", "-b", f"lab{k}")
        _commit_tree(root, out, k, 0, labs,
                     f"Lab {k}: {labs[k]['title']}")
    if catchup:
        for k in nums[1:]:
            _git(out, "checkout", "-q", "-b", f"lab{k}-catchup", f"lab{k}")
            done = "lab 1" if k == 2 else f"labs 1-{k - 1}"
            _commit_tree(root, out, k, k - 1, labs,
                         f"Lab {k} with the solutions of {done}")
    _git(out, "checkout", "-q", f"lab{nums[0]}")


# ---------------------------------------------------------------- solutions

def _unified(path, old, new):
    """A unified diff of one file with a/ and b/ prefixes and no dates."""
    def lines(data):
        out = data.decode("utf-8", "replace").splitlines(keepends=True)
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n\\ No newline at end of file\n"
        return out
    return "".join(difflib.unified_diff(lines(old), lines(new),
                                        f"a/{path}", f"b/{path}"))


def lab_diff(root, lab, labs=None):
    """solutions/labN.diff: stub tree (lab N, solutions through N-1) to
    solution tree (lab N, solutions through N). Apply with `patch -p1`."""
    stub = tree_contents(root, lab, lab - 1, labs)
    solved = tree_contents(root, lab, lab, labs)
    parts = [f"# Lab {lab} solution: from the student tree (solutions "
             f"through lab {lab - 1}) to the\n# reference. Generated by "
             f"`make solutions`; do not edit. Apply: patch -p1 < this\n"]
    for path in sorted(set(stub) | set(solved)):
        old = stub.get(path, (b"", 0))[0]
        new = solved.get(path, (b"", 0))[0]
        if old != new:
            parts.append(_unified(path, old, new))
    return "".join(parts)


def solutions(root, check=False):
    """Write (or, with check, compare) solutions/labN.diff for every lab.
    Returns the list of stale or missing files."""
    labs = labs_info(root)
    stale = []
    for k in sorted(labs):
        path = os.path.join(root, "solutions", f"lab{k}.diff")
        text = lab_diff(root, k, labs)
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                old = f.read()
        if old == text:
            continue
        stale.append(os.path.relpath(path, root))
        if not check:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    return stale


# ---------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description="bvlab lab-tree generator")
    ap.add_argument("--root", default=os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))))
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tree", help="write the tree of lab K, solutions through S")
    t.add_argument("--lab", type=int, required=True)
    t.add_argument("--sol", type=int, default=0)
    t.add_argument("--out", required=True)
    s = sub.add_parser("student-repo", help="git repository with lab branches")
    s.add_argument("--out", required=True)
    s.add_argument("--catchup", action="store_true")
    so = sub.add_parser("solutions", help="regenerate solutions/labN.diff")
    so.add_argument("--check", action="store_true",
                    help="only report stale diffs (exit 1 if any)")
    sub.add_parser("check", help="validate every tracked file's markers")
    sub.add_parser("labs", help="list the labs present")
    sf = sub.add_parser("student-files",
                        help="the files a student may change in lab K")
    sf.add_argument("--lab", type=int, required=True)
    args = ap.parse_args(argv)

    try:
        if args.cmd == "tree":
            write_tree(args.root, args.out, args.lab, args.sol)
            print(f"labtree: lab {args.lab}, solutions through {args.sol} "
                  f"-> {args.out}")
        elif args.cmd == "student-repo":
            student_repo(args.root, args.out, args.catchup)
            print(f"labtree: student repository in {args.out}")
        elif args.cmd == "solutions":
            stale = solutions(args.root, args.check)
            for p in stale:
                print(f"labtree: {p} {'is stale' if args.check else 'updated'}")
            if args.check and stale:
                return 1
        elif args.cmd == "check":
            check_all(args.root)
        elif args.cmd == "labs":
            for k in sorted(labs_info(args.root)):
                print(k)
        elif args.cmd == "student-files":
            print("\n".join(student_files(args.root, args.lab)))
    except MarkerError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
