"""The kernel boots from the GRUB ISO in every machine shape we support,
reports the memory QEMU gave it, and passes usertests there.

These are the kit's own checks (issue: "the kernel, the build, and booting
from GRUB"); the lab grader's tests live in labs/.
"""
import os
import secrets
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "tools"))
import qemuboot  # noqa: E402
sys.path.insert(0, qemuboot.TOP)
from grader.context import clean_env  # noqa: E402

SHAPES = [
    # (qemu binary, -m, -smp, -machine)
    ("qemu-system-i386", 64, 2, None),
    ("qemu-system-i386", 1024, 2, None),
    ("qemu-system-i386", 128, 2, "q35"),
    ("qemu-system-i386", 128, 1, None),
    ("qemu-system-i386", 128, 4, None),
    ("qemu-system-x86_64", 64, 2, None),
    ("qemu-system-x86_64", 1024, 2, None),
    ("qemu-system-x86_64", 128, 2, "q35"),
    ("qemu-system-x86_64", 128, 1, None),
    ("qemu-system-x86_64", 128, 4, None),
]


def shape_id(s):
    qemu, mem, smp, machine = s
    return f"{qemu.split('-')[-1]}-m{mem}-smp{smp}-{machine or 'pc'}"


@pytest.fixture
def boot(tmp_path):
    machines = []

    def start(cmd):
        m = qemuboot.Machine(cmd, str(tmp_path / "serial.log"))
        machines.append(m)
        return m
    yield start
    for m in machines:
        m.close()


def check_file_roundtrip(m):
    """A nonce the host chose goes into a file and comes back with cat."""
    nonce = secrets.token_hex(8)
    out = m.run(f"echo {nonce} > n; cat n; rm n")
    assert nonce in out, f"expected the nonce {nonce} back, saw {out!r}; log {m.log}"


def check_usertests(m):
    """usertests runs to its summary with no failure, and the shell returns."""
    m.child.sendline("usertests")
    summary = m.expect(r"usertests: (\d+) passed, (\d+) failed", timeout=600)
    passed, failed = int(summary.group(1)), int(summary.group(2))
    m.wait_prompt(timeout=30)
    assert failed == 0 and passed > 0, \
        f"usertests: expected 0 failed, saw {passed} passed, {failed} failed; log {m.log}"


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_boots_and_passes_usertests(boot, shape):
    qemu, mem, smp, machine = shape
    m = boot(qemuboot.qemu_command(qemu, mem, smp, machine))
    found = m.expect(r"mem: (\d+) KiB free", timeout=60)
    free_kib = int(found.group(1))
    # The free memory follows -m: most of it, never more than all of it.
    assert mem * 1024 * 0.6 < free_kib < mem * 1024, \
        f"-m {mem}: expected a little under {mem * 1024} KiB free, saw {free_kib}"
    m.wait_prompt(timeout=60)

    check_file_roundtrip(m)

    check_usertests(m)


def test_boots_from_ide_image(boot):
    """The IDE path (our boot sector, file system on the second IDE disk)."""
    m = boot(qemuboot.ide_command(os.path.join(qemuboot.TOP, "build")))
    m.wait_prompt(timeout=60)
    check_file_roundtrip(m)


def test_lab1_starting_point_boots_from_ide_and_passes_usertests(boot, tmp_path):
    """The tree students start lab 1 from (lab 1, solutions through 0):
    builds warning-free, boots from its IDE image, passes usertests."""
    top = qemuboot.TOP
    stub = tmp_path / "stub"
    subprocess.run([sys.executable, os.path.join(top, "tools", "labtree.py"),
                    "tree", "--lab", "1", "--sol", "0", "--out", str(stub)],
                   check=True)
    r = subprocess.run(["make", "-s", "all", "ide-image"], cwd=stub, env=clean_env(),
                       capture_output=True, text=True)
    assert r.returncode == 0, f"the lab-1 stub tree does not build:\n{r.stderr[-3000:]}"
    m = boot(qemuboot.ide_command(str(stub / "build")))
    m.wait_prompt(timeout=60)
    check_file_roundtrip(m)
    check_usertests(m)
