"""Fuzz the kernel's system-call boundary and its ELF loader, then check on
the host that the system is still sound.

The project's standard: bad input gets a clear error and nothing is lost
or crashes. One boot runs

    sysfuzz SEED 3000   random system calls with hostile arguments
    execfuzz SEED 150   exec of mutated copies of /echo

(kernel/user/sysfuzz.c and execfuzz.c explain what they do and what they
judge) with a seed that is fixed for a commit (taken from its hash) and
new with every commit: CI never fails by luck on code that passed before,
and the fuzzers still explore new inputs as the project moves on; set
BVLAB_FUZZ_SEED=random for a fresh seed on every run. The test fails at once on a kernel panic, on QEMU exiting, or on
a fuzzer's "unexpected" line (a wrong answer, or memory, disk blocks or
inodes lost). Afterwards the host itself checks what it can observe: a
nonce it chose goes through a file and comes back with cat, ls lists
the root, and usertests still pass.

To repeat a failure, the message gives the seed: either

    BVLAB_FUZZ_SEED=SEED /usr/bin/python3 -m pytest tests/test_fuzz.py

or `make qemu` and type the two commands it names.
"""
import os
import secrets
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "tools"))
import qemuboot  # noqa: E402

SYSCALLS = 3000     # about 5 s of guest time on an idle machine
EXECS = 150         # about 4 s
# usertests that use the file system, processes and memory the fuzzers
# touched; the whole suite is test_boot's job.
USERTESTS = ("createfile truncate dirs bigfile manyfiles concreate linkunlink "
             "fdlimit pipes forkexec execbad sbrkgrow badptr badfd")


def pick_seed():
    seed = os.environ.get("BVLAB_FUZZ_SEED", "commit")
    if seed == "commit":
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=qemuboot.TOP,
                              capture_output=True, text=True).stdout.strip()
        if head:
            return int(head[:7], 16) + 1
        seed = "random"
    if seed == "random":
        return secrets.randbelow(1 << 30) + 1
    return int(seed)


@pytest.fixture
def machine(tmp_path):
    iso = os.environ.get("BVLAB_ISO", qemuboot.ISO)
    m = qemuboot.Machine(qemuboot.qemu_command(iso=iso), str(tmp_path / "serial.log"))
    yield m
    m.close()


def run_fuzzer(m, cmd, done, timeout, how_to_repeat):
    """Run a fuzzer and return its output up to its last line, done
    (a regex); fail on panic, QEMU exit, timeout or an unexpected line."""
    m.child.sendline(cmd)
    try:
        found = m.expect(f"({done})|(sh: exec \\S+ failed)", timeout)
        out = m.child.before.replace("\r", "")
        m.wait_prompt(timeout=60)
    except qemuboot.BootError as e:
        pytest.fail(f"`{cmd}`: {e}\n{how_to_repeat}")
    assert found.group(1), f"`{cmd}`: the shell could not run it (is it in the file system?)"
    bad = [line for line in out.splitlines()
           if "unexpected" in line or "cannot" in line]
    assert not bad, (f"`{cmd}` reported:\n" + "\n".join(bad) +
                     f"\nserial log {m.log}\n{how_to_repeat}")
    return out


def test_fuzz_syscalls_and_exec(machine):
    m = machine
    seed = pick_seed()
    sysfuzz = f"sysfuzz {seed} {SYSCALLS}"
    execfuzz = f"execfuzz {seed} {EXECS}"
    how_to_repeat = (f"seed {seed}: repeat with BVLAB_FUZZ_SEED={seed} "
                     f"/usr/bin/python3 -m pytest tests/test_fuzz.py, or in "
                     f"`make qemu` type `{sysfuzz}` then `{execfuzz}`")
    m.wait_prompt(timeout=120)

    run_fuzzer(m, sysfuzz, rf"sysfuzz: {seed} done \d+ calls", 600, how_to_repeat)
    run_fuzzer(m, execfuzz, rf"execfuzz: {seed} done \d+", 600, how_to_repeat)

    # The host's own checks: a nonce through the file system and back.
    nonce = secrets.token_hex(8)
    try:
        out = m.run(f"echo {nonce} > fznonce; cat fznonce; rm fznonce", timeout=60)
        listing = m.run("ls", timeout=60)
    except qemuboot.BootError as e:
        pytest.fail(f"after fuzzing: {e}\n{how_to_repeat}")
    assert nonce in out, \
        f"after fuzzing, expected the nonce {nonce} back from cat, saw {out!r}\n{how_to_repeat}"
    names = [line.split()[0] for line in listing.splitlines() if line.strip()]
    assert "README.md" in names and "usertests" in names, \
        f"after fuzzing, ls of / lacks README.md or usertests: {listing!r}\n{how_to_repeat}"
    assert "fz" not in names and "fznonce" not in names, \
        f"after fuzzing, scratch files are left in /: {names}\n{how_to_repeat}"

    m.child.sendline(f"usertests {USERTESTS}")
    try:
        summary = m.expect(r"usertests: (\d+) passed, (\d+) failed", timeout=600)
        m.wait_prompt(timeout=60)
    except qemuboot.BootError as e:
        pytest.fail(f"usertests after fuzzing: {e}\n{how_to_repeat}")
    passed, failed = int(summary.group(1)), int(summary.group(2))
    assert failed == 0 and passed == len(USERTESTS.split()), \
        (f"usertests after fuzzing: expected {len(USERTESTS.split())} passed, 0 failed; "
         f"saw {passed} passed, {failed} failed; serial log {m.log}\n{how_to_repeat}")
