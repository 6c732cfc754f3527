# Unit tests of tools/labtree.py on synthetic files and a synthetic
# repository: region semantics for every (lab, sol) pair that matters, every
# malformed-marker case (each must name file and line), file selection, the
# student repository's branch structure, and solution diffs that apply.

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import labtree  # noqa: E402
from labtree import MarkerError, transform  # noqa: E402

C_SRC = """\
int x;
// LAB 1: BEGIN SOLUTION
int one(void) { return 1; }
// LAB 1: STUB
// int one(void) { return -1; }  // TODO
// LAB 1: END
// LAB 2: BEGIN
void net_init(void);
// LAB 2: END
int
f(void)
{
  // LAB 2: BEGIN SOLUTION
  return 2;
  // LAB 2: STUB
  //   return 0;
  //
  // LAB 2: END
}
"""


def lines(text):
    return text.splitlines()


# ---------------------------------------------------------------- semantics

def test_full_solution_keeps_solutions_and_drops_markers():
    out = transform(C_SRC, "k/a.c", 2, 2)
    assert "int one(void) { return 1; }" in out
    assert "  return 2;" in lines(out)
    assert "void net_init(void);" in out
    assert "LAB" not in out and "TODO" not in out


def test_stub_lines_lose_leader_and_keep_indentation():
    out = transform(C_SRC, "k/a.c", 2, 0)
    assert "int one(void) { return -1; }  // TODO" in lines(out)
    assert "    return 0;" in lines(out)      # indent + rest after "// "
    assert "return 2" not in out and "return 1; }" not in out
    # a bare leader becomes an empty line
    assert lines(out)[lines(out).index("    return 0;") + 1] == ""


def test_later_lab_regions_are_dropped_entirely():
    out = transform(C_SRC, "k/a.c", 1, 0)
    assert "net_init" not in out
    assert "return 0" not in out and "return 2" not in out
    assert "int one(void) { return -1; }  // TODO" in out


def test_catchup_tree_mixes_solutions_and_stubs():
    out = transform(C_SRC, "k/a.c", 2, 1)
    assert "int one(void) { return 1; }" in out
    assert "    return 0;" in lines(out)


def test_empty_stub_and_missing_stub_part():
    src = "a\n// LAB 1: BEGIN SOLUTION\nb\n// LAB 1: STUB\n// LAB 1: END\nc\n"
    assert transform(src, "x.c", 1, 0) == "a\nc\n"
    src2 = "a\n// LAB 1: BEGIN SOLUTION\nb\n// LAB 1: END\nc\n"
    assert transform(src2, "x.c", 1, 0) == "a\nc\n"
    assert transform(src2, "x.c", 1, 1) == "a\nb\nc\n"


@pytest.mark.parametrize("name", ["Makefile", "mk/labs.mk", "t.py", "s.sh",
                                  "lab.toml", "tools/grub.cfg.in"])
def test_hash_leader_files(name):
    src = ("x = 1\n# LAB 1: BEGIN SOLUTION\ny = 2\n# LAB 1: STUB\n"
           "#\ty = 0\n# y = 3\n# LAB 1: END\n")
    assert transform(src, name, 1, 0) == "x = 1\n\ty = 0\ny = 3\n"
    assert transform(src, name, 1, 1) == "x = 1\ny = 2\n"


@pytest.mark.parametrize("name", ["a.c", "a.h", "entry.S", "kernel.ld"])
def test_slash_leader_files(name):
    src = "// LAB 3: BEGIN\nx\n// LAB 3: END\n"
    assert transform(src, name, 3, 0) == "x\n"
    assert transform(src, name, 2, 0) == ""


def test_crlf_and_no_trailing_newline_survive():
    src = "a\r\n// LAB 1: BEGIN SOLUTION\r\nb\r\n// LAB 1: STUB\r\n// c\r\n// LAB 1: END\r\nz"
    assert transform(src, "x.c", 1, 0) == "a\r\nc\r\nz"


def test_unmarked_file_is_unchanged():
    src = "no markers here\n// LABEL: something\n"
    assert transform(src, "x.c", 1, 0) == src
    assert transform("# plain\n", "README.md", 1, 0) == "# plain\n"


# ---------------------------------------------------------------- errors

MALFORMED = [
    # (file name, source, line, words the message must contain)
    ("kernel/vm.c", "a\nb\n// LAB 2: END\n", 3, "END without BEGIN"),
    ("kernel/vm.c", "// LAB 2: BEGIN SOLUTION\nx\n", 1, "without END"),
    ("kernel/vm.c", "// LAB 2: BEGIN\nx\n", 1, "without END"),
    ("kernel/vm.c", "x\n// LAB 1: STUB\n", 2, "STUB without BEGIN"),
    ("kernel/vm.c", "// LAB 1: BEGIN SOLUTION\n// LAB 2: STUB\n// LAB 1: END\n",
     2, "does not match"),
    ("kernel/vm.c", "// LAB 1: BEGIN SOLUTION\n// LAB 1: STUB\n// LAB 3: END\n",
     3, "does not match"),
    ("kernel/vm.c", "// LAB 0: BEGIN\n// LAB 0: END\n", 1, "wrong lab number"),
    ("kernel/vm.c", "// LAB x: BEGIN\n", 1, "wrong lab number"),
    ("kernel/vm.c", "// LAB 9: BEGIN\n", 1, "wrong lab number"),
    ("kernel/vm.c", "// LAB 1: BEGIN SOLUTION\n// LAB 1: BEGIN\n", 2,
     "do not nest"),
    ("kernel/vm.c", "// LAB 1: BEGIN\n// LAB 2: BEGIN SOLUTION\n", 2,
     "do not nest"),
    ("kernel/vm.c", "// LAB 1: BEGIN SOLUTION\n// LAB 1: STUB\nreturn 0;\n"
     "// LAB 1: END\n", 3, "not behind the comment leader"),
    ("kernel/vm.c", "// LAB 1: BEGIN\nx\n// LAB 1: STUB\n// LAB 1: END\n", 3,
     "without SOLUTION"),
    ("kernel/vm.c", "// LAB 1: BEGIN SOLUTION\n// LAB 1: STUB\n// LAB 1: STUB\n"
     "// LAB 1: END\n", 3, "second STUB"),
    ("kernel/vm.c", "// LAB 1: BEGIN SOLUTIONS\n", 1, "malformed marker"),
    ("kernel/vm.c", "// LAB 1 : END\n", 1, "malformed marker"),
    ("kernel/vm.c", "// lab comment LAB 1: END trailing\n", 1, "malformed marker"),
    ("kernel/vm.c", "# LAB 1: BEGIN\n", 1, "malformed marker"),
    ("Makefile", "// LAB 1: BEGIN\n", 1, "malformed marker"),
    ("notes.md", "<!-- LAB 1: BEGIN -->\n", 1, "unknown comment syntax"),
    ("data.json", "x\n\"LAB 2: END\"\n", 2, "unknown comment syntax"),
]


@pytest.mark.parametrize("path,src,line,words", MALFORMED)
def test_malformed_marker_names_file_and_line(path, src, line, words):
    with pytest.raises(MarkerError) as e:
        transform(src, path, 5, 0)
    assert str(e.value).startswith(f"{path}:{line}: ")
    assert words in str(e.value)


def test_error_is_raised_whatever_lab_is_generated():
    # a broken lab-3 region must be caught even in a lab-1 tree
    src = "// LAB 3: BEGIN SOLUTION\nx\n// LAB 3: STUB\ny\n// LAB 3: END\n"
    with pytest.raises(MarkerError, match=r"^k.c:4: "):
        transform(src, "k.c", 1, 0)


def test_exact_message_format():
    with pytest.raises(MarkerError) as e:
        transform("\n" * 41 + "// LAB 2: END\n", "kernel/vm.c", 2, 0)
    assert str(e.value) == "kernel/vm.c:42: LAB 2: END without BEGIN"


# ---------------------------------------------------------------- trees

def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True,
                   capture_output=True)


def write(root, path, text, mode=0o644):
    p = root / path
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    p.chmod(mode)


@pytest.fixture
def repo(tmp_path):
    """A tiny kit: two labs, a lab-2 file, staff-only paths, a handout per
    lab, and a script whose mode must survive."""
    r = tmp_path / "src"
    r.mkdir()
    write(r, "kernel/a.c", C_SRC)
    write(r, "kernel/net.c", "// LAB 2: BEGIN SOLUTION\nint n;\n"
          "// LAB 2: STUB\n// LAB 2: END\nint m;\n")
    write(r, "labs/1-grub/lab.toml", 'title = "Boot"\npoints = 10\n'
          'files = ["kernel/a.c"]\n')
    write(r, "labs/1-grub/test_lab1.py", "def test(): pass\n")
    write(r, "labs/2-net/lab.toml", 'title = "Net"\npoints = 10\n'
          'files = ["kernel/net.c"]\n')
    write(r, "handouts/en/lab1.md", "lab 1\n")
    write(r, "handouts/en/lab2.md", "lab 2\n")
    write(r, "solutions/lab1.diff", "")
    write(r, "tests/test_x.py", "")
    write(r, "CONTRIBUTING.md", "// LAB 2: BEGIN SOLUTION\n")
    write(r, "tools/run.sh", "#!/bin/sh\necho hi\n", 0o755)
    write(r, "untracked.c", "junk\n")
    git(r, "init", "-q")
    git(r, "add", "kernel", "labs", "handouts", "solutions", "tests",
        "CONTRIBUTING.md", "tools")
    return r


def listing(d):
    out = set()
    for dirpath, dirnames, filenames in os.walk(d):
        if ".git" in dirnames:
            dirnames.remove(".git")
        for f in filenames:
            out.add(os.path.relpath(os.path.join(dirpath, f), d))
    return out


def test_tree_selection(repo, tmp_path):
    out = tmp_path / "t1"
    labtree.write_tree(str(repo), str(out), 1, 0)
    assert listing(out) == {"kernel/a.c", "labs/1-grub/lab.toml",
                            "labs/1-grub/test_lab1.py", "handouts/en/lab1.md",
                            "tools/run.sh"}
    assert os.stat(out / "tools/run.sh").st_mode & 0o111
    out2 = tmp_path / "t2"
    labtree.write_tree(str(repo), str(out2), 2, 1)
    assert "kernel/net.c" in listing(out2)
    assert "labs/2-net/lab.toml" in listing(out2)
    assert (out2 / "kernel/net.c").read_text() == "int m;\n"


def test_student_files(repo):
    """The files with a solution region of a lab <= K, in lab K's tree:
    not a staff-only file, not one of a later lab, not scaffolding."""
    write(repo, "kernel/given.c", "// LAB 1: BEGIN\nint g;\n// LAB 1: END\n")
    git(repo, "add", "kernel/given.c")
    assert labtree.student_files(str(repo), 1) == ["kernel/a.c"]
    assert labtree.student_files(str(repo), 2) == ["kernel/a.c", "kernel/net.c"]


def test_tree_refuses_non_empty_out(repo, tmp_path):
    out = tmp_path / "busy"
    write(out, "x", "")
    with pytest.raises(SystemExit):
        labtree.write_tree(str(repo), str(out), 1, 0)


def test_tree_reports_marker_errors_with_path(repo, tmp_path):
    write(repo, "kernel/bad.c", "ok\n// LAB 1: END\n")
    git(repo, "add", "kernel/bad.c")
    with pytest.raises(MarkerError, match=r"^kernel/bad.c:2: LAB 1: END "
                       r"without BEGIN$"):
        labtree.write_tree(str(repo), str(tmp_path / "o"), 1, 0)
    rc = labtree.main(["--root", str(repo), "tree", "--lab", "1", "--sol", "0",
                       "--out", str(tmp_path / "o2")])
    assert rc == 1


def test_student_repo_branches(repo, tmp_path):
    out = tmp_path / "student"
    labtree.student_repo(str(repo), str(out), catchup=True)

    def rev(r):
        return subprocess.run(["git", "-C", str(out), "rev-parse", r],
                              check=True, capture_output=True,
                              text=True).stdout.strip()
    assert rev("lab2^") == rev("lab1")
    assert rev("lab2-catchup^") == rev("lab2")
    show = subprocess.run(["git", "-C", str(out), "show", "lab1:kernel/a.c"],
                          check=True, capture_output=True, text=True).stdout
    assert "return -1" in show and "LAB" not in show
    ls1 = subprocess.run(["git", "-C", str(out), "ls-tree", "-r", "--name-only",
                          "lab1"], check=True, capture_output=True,
                         text=True).stdout.split()
    assert "kernel/net.c" not in ls1 and "solutions/lab1.diff" not in ls1
    cu = subprocess.run(["git", "-C", str(out), "show",
                         "lab2-catchup:kernel/a.c"], check=True,
                        capture_output=True, text=True).stdout
    assert "return 1; }" in cu and "    return 0;" in cu
    # deterministic: a second run gives the same commits
    out2 = tmp_path / "student2"
    labtree.student_repo(str(repo), str(out2), catchup=True)
    again = subprocess.run(["git", "-C", str(out2), "rev-parse", "lab2-catchup"],
                           check=True, capture_output=True, text=True).stdout
    assert again.strip() == rev("lab2-catchup")


def test_solution_diff_applies_and_is_checked_for_staleness(repo, tmp_path):
    stale = labtree.solutions(str(repo))
    assert sorted(stale) == ["solutions/lab1.diff", "solutions/lab2.diff"]
    assert labtree.solutions(str(repo), check=True) == []
    for lab in (1, 2):
        stub = tmp_path / f"stub{lab}"
        labtree.write_tree(str(repo), str(stub), lab, lab - 1)
        diff = (repo / "solutions" / f"lab{lab}.diff").read_text()
        assert "\t20" not in diff            # no timestamps: stable
        subprocess.run(["patch", "-s", "-p1"], input=diff, text=True,
                       cwd=stub, check=True)
        solved = tmp_path / f"sol{lab}"
        labtree.write_tree(str(repo), str(solved), lab, lab)
        for p in listing(solved):
            assert (stub / p).read_bytes() == (solved / p).read_bytes(), p
    # editing a solution region makes the committed diff stale
    write(repo, "kernel/net.c", "// LAB 2: BEGIN SOLUTION\nint n2;\n"
          "// LAB 2: STUB\n// LAB 2: END\nint m;\n")
    assert labtree.solutions(str(repo), check=True) == ["solutions/lab2.diff"]


def test_labs_listing(repo):
    info = labtree.labs_info(str(repo))
    assert sorted(info) == [1, 2]
    assert info[2]["files"] == ["kernel/net.c"] and info[1]["points"] == 10


def test_real_tree_markers_are_well_formed():
    """Every tracked file of the kit itself parses."""
    labtree.check_all(ROOT)


def test_unreleased_lab_reaches_no_tree(tmp_path):
    """A lab marked released = false is staff-only work in progress: its
    files and regions reach no generated tree of a released lab, the lab
    is not listed, and a tree of it can still be asked for by number."""
    repo = tmp_path / "kit"
    (repo / "labs" / "1-a").mkdir(parents=True)
    (repo / "labs" / "2-b").mkdir(parents=True)
    (repo / "kernel" / "net").mkdir(parents=True)
    (repo / "labs" / "1-a" / "lab.toml").write_text('title = "a"\npoints = 1\nfiles = []\n')
    (repo / "labs" / "2-b" / "lab.toml").write_text(
        'title = "b"\npoints = 1\nfiles = ["kernel/net/"]\nreleased = false\n')
    (repo / "kernel" / "main.c").write_text(
        "int a;\n// LAB 2: BEGIN\nvoid net_init(void);\n// LAB 2: END\n")
    (repo / "kernel" / "net" / "port.c").write_text("int port;\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    assert sorted(labtree.labs_info(str(repo))) == [1]
    assert sorted(labtree.labs_info(str(repo), unreleased=True)) == [1, 2]
    one = labtree.tree_contents(str(repo), 1, 1)
    assert "kernel/net/port.c" not in one
    assert not any(p.startswith("labs/2-b") for p in one)
    assert b"net_init" not in one["kernel/main.c"][0]
    two = labtree.tree_contents(str(repo), 2, 1)
    assert "kernel/net/port.c" in two and b"net_init" in two["kernel/main.c"][0]
    out = tmp_path / "student"
    labtree.student_repo(str(repo), str(out))
    branches = subprocess.run(["git", "-C", str(out), "branch", "--format=%(refname:short)"],
                              capture_output=True, text=True, check=True).stdout.split()
    assert branches == ["lab1"]
