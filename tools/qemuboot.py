"""Boot the kit's ISO (or IDE image) in QEMU and talk to its serial console.

A small helper for the kit's own checks and benchmarks (tests/test_boot.py,
tests/test_fuzz.py, tools/bench/boot_time.py). The lab grader has its own,
richer machine in grader/machine.py; this one only boots, runs shell
commands and watches for panics, with no test directory, repro script or
platform choice around it.
"""
import os
import re
import time

import pexpect

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ISO = os.path.join(TOP, "build", "bvlab.iso")
PROMPT = "\\$ "
TROUBLE = ["panic: ", "error: ", pexpect.EOF, pexpect.TIMEOUT]


class BootError(Exception):
    pass


def qemu_command(qemu="qemu-system-i386", mem=128, smp=2, machine=None,
                 iso=ISO, extra=()):
    """QEMU booting the GRUB ISO iso (none: extra says what to boot),
    serial console on stdio."""
    cmd = [qemu, "-m", str(mem), "-smp", str(smp),
           "-display", "none", "-serial", "stdio", "-monitor", "none",
           "-no-reboot"]
    if iso:
        cmd += ["-cdrom", iso]
    if machine:
        cmd += ["-machine", machine]
    return cmd + list(extra)


def ide_command(build_dir):
    """QEMU booting build_dir's IDE image (the lab-1 starting point: our
    boot sector and kernel on disk 0, fs.img on disk 1). The disks are
    opened with snapshot=on: a run never changes the built images."""
    disks = []
    for index, name in enumerate(("bvlab-ide.img", "fs.img")):
        disks += ["-drive", f"file={os.path.join(build_dir, name)},"
                  f"index={index},media=disk,format=raw,snapshot=on"]
    return qemu_command(iso=None, extra=disks)


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
