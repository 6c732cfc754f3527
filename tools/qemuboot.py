"""Boot the kit's ISO (or IDE image) in QEMU and talk to its serial console.

A small helper for the kit's own checks and benchmarks (tests/test_boot.py,
tests/test_fuzz.py, tools/bench/boot_time.py). The lab grader has its own,
richer machine in grader/machine.py; this one only boots, runs shell
commands and watches for panics, with no test directory, repro script or
platform choice around it. The QEMU command line is the grader's
(grader/platform.py builds every one the kit uses).
"""
import os
import re
import time

import sys

import pexpect

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TOP)
from grader.platform import BootSpec, Image, qemu_launch  # noqa: E402
ISO = os.path.join(TOP, "build", "bvlab.iso")
PROMPT = "\\$ "
TROUBLE = ["panic: ", "error: ", pexpect.EOF, pexpect.TIMEOUT]


class BootError(Exception):
    pass


def qemu_command(qemu="qemu-system-i386", mem=128, smp=2, machine=None,
                 iso=ISO, extra=()):
    """QEMU booting the GRUB ISO iso, serial console on stdio: the
    grader's own command line (grader/platform.py), with no NIC."""
    d, name = os.path.split(os.path.abspath(iso))
    cmd = _grader_argv(BootSpec(qemu=qemu, mem=mem, smp=smp, machine=machine,
                                extra=tuple(extra)), d)
    if name != "bvlab.iso":
        cmd[cmd.index("-cdrom") + 1] = os.path.abspath(iso)
    return cmd


def ide_command(build_dir):
    """QEMU booting build_dir's IDE image (the lab-1 starting point: our
    boot sector and kernel on disk 0, fs.img on disk 1), as the grader
    boots it: the disks are opened with snapshot=on, so a run never
    changes the built images."""
    return _grader_argv(BootSpec(boot="ide"), os.path.abspath(build_dir))


def _grader_argv(spec, image_dir):
    return qemu_launch(spec, image_dir, Image(image_dir)).argv


class Machine:
    """One QEMU run; the serial log is kept in self.log (a file path)."""

    def __init__(self, cmd, log):
        self.cmd = cmd
        self.log = log
        self.logf = open(log, "w")
        self.start = time.monotonic()
        self.child = pexpect.spawn(cmd[0], cmd[1:], encoding="latin-1",
                                   timeout=60, logfile=self.logf)

    def expect(self, pattern, timeout):
        i = self.child.expect([pattern] + TROUBLE, timeout=timeout)
        if i == 0:
            return self.child.match
        what = ["kernel panic", "GRUB error", "QEMU exited", "timeout"][i - 1]
        self.logf.flush()
        raise BootError(f"waiting for {pattern!r}: {what}; serial log {self.log}")

    def wait_prompt(self, timeout=60):
        self.expect(PROMPT, timeout)
        return time.monotonic() - self.start

    def run(self, line, timeout=60):
        """Send a shell command; return its output (between echo and prompt)."""
        self.child.sendline(line)
        self.expect(re.escape(line), timeout)
        self.expect(PROMPT, timeout)
        return self.child.before.replace("\r", "")

    def close(self):
        """Kill QEMU and close its terminal and the log."""
        try:
            self.child.close(force=True)
        finally:
            self.logf.close()
