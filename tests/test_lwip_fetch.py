# lwIP 2.1.3 is a dependency, never vendored: tools/fetch-lwip.sh (run by
# make setup and setup-if-needed) unpacks Debian's orig tarball, checked
# against a fixed SHA-256, into fetched/lwip-2.1.3/, or takes the tree that
# LWIP_SRC names; mk/lwip.mk reads lwIP's own file lists from it.
#
# Only the first check uses the checkout's fetched tree (a no-op fetch once
# make setup has run). The others run a copy of the script in a scratch
# checkout, on a PATH where apt-get, apt-cache, sudo and install (with
# which it would write apt's configuration) only record that they were
# called, and fail: so they need no network, never touch the machine's apt
# configuration, even with a broken script, and can tell that nothing was
# fetched.

import hashlib
import os
import re
import shutil
import subprocess
import tarfile
from types import SimpleNamespace

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "tools", "fetch-lwip.sh")
FETCHED = os.path.join(ROOT, "fetched", "lwip-2.1.3")
ORIG = "lwip_2.1.3+dfsg1.orig.tar.xz"
SHA256 = "0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24"
# 2.1.3's COREFILES (20), CORE4FILES (8), APIFILES (9) and netif/ethernet.c.
LIST_FILES = 38

# Variables that would change what the script or make does: an outer make
# (make test exports LWIP_SRC, see mk/lwip.mk) must not decide for us.
OUTER = ("LWIP_SRC", "LWIP_TARBALL", "MAKEFLAGS", "MFLAGS", "MAKELEVEL",
         "MAKEOVERRIDES")


def run(cmd, cwd=ROOT, path=None, **env):
    e = {k: v for k, v in os.environ.items() if k not in OUTER}
    if path:
        e["PATH"] = path
    e.update(env)
    return subprocess.run(cmd, cwd=cwd, env=e, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=600)


def lwip_version(tree):
    with open(os.path.join(tree, "src/include/lwip/init.h"), newline="") as f:
        text = f.read()
    parts = [re.search(rf"^#define LWIP_VERSION_{p}\s+(\d+)\s*$", text, re.M)
             for p in ("MAJOR", "MINOR", "REVISION")]
    return ".".join(m.group(1) for m in parts if m)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.fixture(scope="module")
def fetched():
    """The checkout's lwIP tree as make setup leaves it."""
    r = run([SCRIPT])
    assert r.returncode == 0, \
        f"tools/fetch-lwip.sh failed (exit {r.returncode}):\n{r.stdout}{r.stderr}"
    return FETCHED


@pytest.fixture
def sandbox(tmp_path):
    """A scratch checkout holding only the script, and a PATH whose apt-get,
    apt-cache, sudo and install fail after writing their command line to
    apt.log."""
    co = tmp_path / "checkout"
    (co / "tools").mkdir(parents=True)
    shutil.copy(SCRIPT, co / "tools" / "fetch-lwip.sh")
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    log = tmp_path / "apt.log"
    for name in ("apt-get", "apt-cache", "sudo", "install"):
        p = stubs / name
        p.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexit 1\n')
        p.chmod(0o755)
    sb = SimpleNamespace(root=co, script=str(co / "tools" / "fetch-lwip.sh"),
                         dest=co / "fetched" / "lwip-2.1.3", log=log,
                         path=f"{stubs}:{os.environ['PATH']}")
    sb.apt_calls = lambda: log.read_text() if log.exists() else ""
    return sb


def fake_lwip(top, version="2.1.3"):
    """A tree that passes for lwIP at a glance, CRLF and all."""
    inc = top / "src" / "include" / "lwip"
    inc.mkdir(parents=True)
    major, minor, rev = version.split(".")
    (inc / "init.h").write_bytes(
        f"#define LWIP_VERSION_MAJOR      {major}\r\n"
        f"#define LWIP_VERSION_MINOR      {minor}\r\n"
        f"#define LWIP_VERSION_REVISION   {rev}\r\n".encode())
    (top / "src" / "Filelists.mk").write_bytes(b"COREFILES=\r\n")
    return top


# ---------------------------------------------------------------- (a)

def test_setup_leaves_lwip_2_1_3_with_its_verified_hash(fetched):
    assert lwip_version(fetched) == "2.1.3", f"{fetched} is not lwIP 2.1.3"
    assert os.path.isfile(os.path.join(fetched, "src", "Filelists.mk"))
    with open(os.path.join(fetched, ".bvlab-fetched")) as f:
        stamp = f.read().splitlines()
    assert stamp[0] == f"sha256 {SHA256}", f"stamp: {stamp}"
    kept = os.path.join(ROOT, "fetched", ORIG)
    assert sha256(kept) == SHA256, f"{kept} is not the verified tarball"

    r = run(["make", "-s", "--no-print-directory", "lwip-check"])
    assert r.returncode == 0, r.stdout + r.stderr
    m = re.search(r"lwIP 2\.1\.3 in fetched/lwip-2\.1\.3: all (\d+) files", r.stdout)
    assert m and int(m.group(1)) == LIST_FILES, \
        f"make lwip-check should count {LIST_FILES} files:\n{r.stdout}"


# ---------------------------------------------------------------- (b)

def test_no_lwip_source_is_committed(fetched):
    tracked = run(["git", "ls-files", "-z"]).stdout.split("\0")
    tracked = [p for p in tracked if p]
    assert tracked, "git ls-files listed nothing"
    assert not [p for p in tracked if p.startswith("fetched/")], \
        "files under fetched/ are committed"

    # Named like a file of the lists lwIP is built from, outside the port.
    with open(os.path.join(fetched, "src", "Filelists.mk"), newline="") as f:
        lists = f.read()
    names = set()
    for var in ("COREFILES", "CORE4FILES", "APIFILES", "NETIFFILES"):
        block = re.search(rf"^{var}=(.*?)(?:\r?\n\s*\r?\n)", lists, re.M | re.S)
        names |= {os.path.basename(w) for w in block.group(1).split()
                  if w.endswith(".c")}
    assert "tcp_in.c" in names and "etharp.c" in names, names
    ours = {"kernel/user/init.c"}       # xv6's first process, not core/init.c
    misnamed = [p for p in tracked if os.path.basename(p) in names
                and not p.startswith("kernel/net/") and p not in ours]
    assert not misnamed, f"named like lwIP's sources: {misnamed}"

    # A copy, verbatim or edited, anywhere (kernel/net/ included).
    theirs = set()
    for d, _, files in os.walk(os.path.join(fetched, "src")):
        for n in files:
            with open(os.path.join(d, n), "rb") as f:
                theirs.add(hashlib.sha256(f.read().replace(b"\r\n", b"\n")).digest())
    header = "This file is part of the " + "lwIP TCP/IP stack"
    copies = []
    for p in tracked:
        full = os.path.join(ROOT, p)
        if not os.path.isfile(full):
            continue                    # deleted in the work tree
        with open(full, "rb") as f:
            data = f.read()
        if (hashlib.sha256(data.replace(b"\r\n", b"\n")).digest() in theirs
                or header.encode() in data):
            copies.append(p)
    assert not copies, f"lwIP's own files are committed: {copies}"


# ---------------------------------------------------------------- (c)

def test_lwip_src_is_used_and_nothing_is_fetched(fetched, sandbox, tmp_path):
    copy = tmp_path / "my-lwip"
    shutil.copytree(fetched, copy, symlinks=True)
    r = run([sandbox.script], path=sandbox.path, LWIP_SRC=str(copy))
    assert r.returncode == 0, r.stdout + r.stderr
    assert sandbox.apt_calls() == "", f"LWIP_SRC given, yet: {sandbox.apt_calls()}"
    assert not (sandbox.root / "fetched").exists(), "LWIP_SRC given, yet fetched/ was made"

    # The make side takes it too: lwip-check looks at the copy.
    r = run(["make", "-s", "--no-print-directory", "lwip-check"], LWIP_SRC=str(copy))
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"lwIP 2.1.3 in {copy}: all {LIST_FILES} files" in r.stdout, r.stdout


# ---------------------------------------------------------------- (d)

@pytest.mark.parametrize("kind, why", [
    ("empty", "no src/include/lwip/init.h"),
    ("2.1.2", "init.h says version 2.1.2, not 2.1.3"),
    ("missing", "no such directory"),
])
def test_lwip_src_that_is_not_lwip_2_1_3_is_refused(sandbox, tmp_path, kind, why):
    d = tmp_path / "not-lwip"
    if kind == "empty":
        d.mkdir()
    elif kind != "missing":
        fake_lwip(d, kind)
    r = run([sandbox.script], path=sandbox.path, LWIP_SRC=str(d))
    assert r.returncode != 0, f"LWIP_SRC={d} ({kind}) was accepted:\n{r.stdout}"
    assert f"LWIP_SRC={d} is not an lwIP 2.1.3 source tree: {why}" in r.stderr, r.stderr
    assert sandbox.apt_calls() == "" and not (sandbox.root / "fetched").exists()


# ---------------------------------------------------------------- (e)

def test_tarball_with_a_wrong_hash_is_refused(sandbox, tmp_path):
    # It holds what would pass for lwIP: only the hash can stop it.
    fake = fake_lwip(tmp_path / "src" / "lwip-2.1.3")
    tarball = tmp_path / ORIG
    with tarfile.open(tarball, "w:xz") as t:
        t.add(fake, arcname="lwip-2.1.3")
    r = run([sandbox.script], path=sandbox.path, LWIP_TARBALL=str(tarball))
    assert r.returncode != 0, f"a tarball with a wrong hash was accepted:\n{r.stdout}"
    assert f"SHA-256 is {sha256(tarball)}, expected {SHA256}" in r.stderr, r.stderr
    fetched_dir = sandbox.root / "fetched"
    left = sorted(os.listdir(fetched_dir)) if fetched_dir.exists() else []
    assert left in ([], [".lock"]), f"left behind in fetched/: {left}"
    assert sandbox.apt_calls() == ""


def test_verified_tarball_replaces_a_half_tree_and_then_nothing_is_done(
        fetched, sandbox):
    # An unpack that was interrupted before the rename would leave nothing;
    # a tree someone put there by hand has no stamp: it is replaced.
    (sandbox.dest / "src").mkdir(parents=True)
    (sandbox.dest / "junk").write_text("not lwIP")
    kept = os.path.join(ROOT, "fetched", ORIG)
    r = run([sandbox.script], path=sandbox.path, LWIP_TARBALL=kept)
    assert r.returncode == 0, r.stdout + r.stderr
    assert lwip_version(sandbox.dest) == "2.1.3"
    assert not (sandbox.dest / "junk").exists(), "the unstamped tree was kept"
    stamp = (sandbox.dest / ".bvlab-fetched").read_text().splitlines()
    assert stamp[0] == f"sha256 {SHA256}"
    assert sha256(sandbox.root / "fetched" / ORIG) == SHA256, "tarball not kept"
    assert sorted(os.listdir(sandbox.root / "fetched")) == \
        [".lock", "lwip-2.1.3", ORIG], "temporary files left behind"

    # Done: the next run neither fetches nor unpacks nor prints.
    before = os.stat(sandbox.dest).st_ino
    r = run([sandbox.script], path=sandbox.path)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r.stdout + r.stderr
    assert os.stat(sandbox.dest).st_ino == before
    assert sandbox.apt_calls() == ""
