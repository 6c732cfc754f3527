"""A test machine: one QEMU run whose serial console is driven expect-style.

Everything the console prints goes to the test directory's serial log as it
arrives. Every wait watches for the signs that nothing good can follow, and
fails at once instead of sitting out its timeout:

  panic: ...      the kernel's panic message
  error: ...      GRUB's (only while booting: "no multiboot header found")
  end of file     QEMU exited; with -no-reboot a triple fault does that
  timeout         generous, scaled by GRADER_TIMEOUT_SCALE

Failures raise GradeFailure with what was expected and what was seen; the
plugin adds the serial log's tail, the paths and the repro command.
"""

import os
import re
import time

import pexpect

from . import platform as plat

PROMPT = r"(?:^|\n)\$ "       # the shell's prompt, at the start of a line
PANIC = r"panic: "
GRUB_ERROR = r"(?:^|[\r\n])error: "  # at a line start (GRUB ends lines with LF CR)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]")
BIND_TROUBLE = ("Address already in use", "Could not set up host forwarding",
                "Failed to bind socket")


def scale():
    try:
        return float(os.environ.get("GRADER_TIMEOUT_SCALE", "1"))
    except ValueError:
        return 1.0


class GradeFailure(AssertionError):
    """A judged failure: what the test wanted and what the host saw."""

    def __init__(self, what, expected=None, seen=None):
        super().__init__(what)
        self.what, self.expected, self.seen = what, expected, seen


def check(cond, what, expected=None, seen=None):
    """Fail the test with an explanation unless cond holds."""
    if not cond:
        raise GradeFailure(what, expected, seen)


class _Log:
    """pexpect's logfile: the serial log on disk, with \\r dropped."""

    def __init__(self, path):
        self.f = open(path, "w", encoding="utf-8", errors="replace")

    def write(self, s):
        self.f.write(s.replace("\r", ""))
        self.f.flush()

    def flush(self):
        self.f.flush()

    def close(self):
        self.f.close()


class Machine:
    def __init__(self, spec, tdir, image, name="serial", nodeid="", tree=""):
        self.spec, self.tdir, self.image = spec, tdir, image
        self.serial_log = os.path.join(tdir, f"{name}.log")
        self.repro = os.path.join(tdir, "repro.sh" if name == "serial"
                                  else f"repro-{name}.sh")
        self.nodeid, self.tree = nodeid, tree or plat.TOP
        self.booted = False
        self.halted = False         # panicked or QEMU gone: nothing to ask
        self.child = None
        self.launch = None
        self._log = None
        self._start()

    # ---------------------------------------------------------- lifecycle

    def _start(self):
        """Start QEMU. The host ports chosen for it are free when chosen,
        but another process may bind one first: then start again with
        fresh ports, and fail after three lost races in a row."""
        for _ in range(3):
            complaint = self._spawn()
            if complaint is None:
                return
            self._stop()
        raise GradeFailure("QEMU could not bind a host port chosen for it, "
                           "three times with fresh ports",
                           "QEMU to start", complaint)

    def _spawn(self):
        """One start of QEMU. Returns None, or the line in which QEMU says
        it could not bind a port (it does so within a second or two)."""
        self.launch = plat.launch(self.spec, self.tdir, self.image)
        with open(self.repro, "w") as f:
            f.write(plat.repro_script(self.launch, self.nodeid, self.tree))
        os.chmod(self.repro, 0o755)
        if self._log:
            self._log.close()
        self._log = _Log(self.serial_log)
        self.started = time.monotonic()
        argv = self.launch.argv
        self.child = None
        try:
            self.child = pexpect.spawn(argv[0], argv[1:], encoding="utf-8",
                                       codec_errors="replace", timeout=None,
                                       logfile=None, echo=False)
        except Exception:
            self._stop()                # the peers' sockets
            raise
        self.child.logfile_read = self._log
        if not (self.launch.peers or self.launch.hostports
                or self.launch.gdbport or self.launch.qmpport):
            return None
        try:
            self.child.expect(list(BIND_TROUBLE), timeout=1.5)
        except (pexpect.TIMEOUT, pexpect.EOF):
            return None     # if QEMU exited, the first wait says so
        before = self.child.before.rsplit("\n", 1)[-1]
        rest = self._rest_of_line()
        return (ANSI.sub("", before + self.child.after) + rest).strip()

    def _stop(self):
        if self.child is not None:
            try:
                self.child.close(force=True)
            except Exception:
                pass
        if self.launch:
            for p in self.launch.peers.values():
                p.close()

    def close(self):
        self._stop()
        if self._log:
            self._log.close()
            self._log = None

    # ---------------------------------------------------------- network

    @property
    def peer(self):
        """The Peer of the first (or only) dgram NIC."""
        peers = list(self.launch.peers.values())
        return peers[0] if peers else None

    def peer_of(self, netdev_id):
        return self.launch.peers[netdev_id]

    def hostport(self, guest_port, proto="tcp"):
        """The host port forwarded to guest_port (a Net hostfwd rule)."""
        return self.launch.hostports[(proto, guest_port)]

    @property
    def pcaps(self):
        return self.launch.pcaps if self.launch else []

    @property
    def gdb_port(self):
        """QEMU's gdbstub port on 127.0.0.1 (BootSpec(gdb=True)), or None."""
        return self.launch.gdbport if self.launch else None

    def read_physical(self, addr, size):
        """size bytes of the guest's physical memory at addr, read by QEMU
        itself (QMP pmemsave; needs BootSpec(qmp=True)): what the host
        sees in RAM, whatever the guest kernel says."""
        if not self.launch.qmpport:
            raise RuntimeError("read_physical needs BootSpec(qmp=True)")
        from .qmp import pmemsave
        path = os.path.join(self.tdir, f"pmem-{addr:x}-{size:x}.bin")
        try:
            pmemsave(self.launch.qmpport, addr, size, path)
            with open(path, "rb") as f:
                return f.read()
        except (OSError, ValueError) as e:
            raise GradeFailure("could not read the guest's memory through "
                               "QEMU's QMP", f"{size} bytes at {addr:#x}", str(e))

    # ---------------------------------------------------------- console

    def log_text(self):
        with open(self.serial_log, encoding="utf-8", errors="replace") as f:
            return f.read()

    def tail(self, n=20):
        """The last n lines of the serial log, terminal escapes removed."""
        text = ANSI.sub("", self.log_text()).rstrip("\n")
        return "\n".join(text.split("\n")[-n:])

    def expect(self, pattern, timeout=60, what=None, booting=None):
        """Wait for regex pattern; return the match. Fails at once on a
        panic, a GRUB error (while booting), QEMU exiting, or the timeout."""
        if booting is None:
            booting = not self.booted
        pats = [pattern, PANIC, pexpect.EOF, pexpect.TIMEOUT]
        if booting:
            pats.append(GRUB_ERROR)
        limit = timeout * scale()
        i = self.child.expect(pats, timeout=limit)
        if i == 0:
            return self.child.match
        self._fail(i - 1, what or f"output matching {pattern!r}", limit)

    def watch(self, seconds, what, booting=None):
        """Let the console run for up to seconds (not scaled: a slice of a
        longer wait the caller bounds, e.g. for a gdb stop reply), logging
        it. Returns quietly unless one of expect()'s signs of failure
        shows: then fails at once, saying that `what` was expected."""
        if booting is None:
            booting = not self.booted
        pats = [PANIC, pexpect.EOF, pexpect.TIMEOUT]
        if booting:
            pats.append(GRUB_ERROR)
        i = self.child.expect(pats, timeout=seconds)
        if i != 2:
            self._fail(i, what, seconds)

    def _fail(self, i, expected, limit):
        """Raise the GradeFailure for sign i of [PANIC, EOF, TIMEOUT,
        GRUB_ERROR]."""
        self.halted = i != 2
        if i == 0:
            raise GradeFailure("the kernel panicked", expected,
                               "panic: " + self._rest_of_line())
        if i == 1:
            status = self._exit_status()
            raise GradeFailure("QEMU exited (with -no-reboot a triple fault "
                               "or reset ends it)", expected,
                               f"QEMU exit status {status}")
        if i == 2:
            raise GradeFailure(f"timed out after {limit:.0f} s", expected,
                               "no such output")
        raise GradeFailure("GRUB could not boot the kernel", expected,
                           "error: " + self._rest_of_line())

    def _rest_of_line(self):
        """The rest of the current console line, if it comes quickly."""
        try:
            self.child.expect(r"\n", timeout=2)
            return ANSI.sub("", self.child.before).strip()
        except (pexpect.TIMEOUT, pexpect.EOF):
            return ANSI.sub("", self.child.before or "").strip()

    def _exit_status(self):
        try:
            self.child.close()
        except Exception:
            pass
        return self.child.exitstatus if self.child.exitstatus is not None \
            else f"signal {self.child.signalstatus}"

    def wait_boot(self, timeout=120):
        """Wait for the first shell prompt; returns the boot output."""
        self.expect(PROMPT, timeout, what="the shell's first prompt '$ '",
                    booting=True)
        self.booted = True
        self.boot_time = time.monotonic() - self.started
        return self.child.before.replace("\r", "")

    def debug_dump(self, seconds=1.5):
        """Type ^P and return what the console prints within seconds: the
        kernel's process list and, from lab 2 on, the NIC's counters.
        Empty if the machine never booted or has stopped (a panic, QEMU
        gone). For failure reports only: never judge a test on it."""
        if not self.booted or self.halted or self.child is None or \
           not self.child.isalive():
            return ""
        try:
            self.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.1)
            self.child.send("\x10")
            self.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=seconds)
            return ANSI.sub("", self.child.before or "").replace("\r", "").strip("\n")
        except Exception:
            return ""

    def send(self, text):
        self.child.send(text)

    def sendline(self, line):
        self.child.send(line + "\n")

    def run(self, cmd, timeout=60, until=None):
        """Type cmd at the shell and return its output: the text between
        the echoed command line and the next prompt, \\r removed. With
        until (a string the command will print on a line of its own),
        first wait for that line, so a '$ ' inside the output cannot end
        the wait early."""
        self.sendline(cmd)
        self.expect(re.escape(cmd) + r"\r*\n", timeout,
                    what=f"the echo of the command {cmd!r}")
        out = ""
        if until is not None:
            self.expect(r"(?:^|\n)" + re.escape(until) + r"\r*\n", timeout,
                        what=f"{until!r} on a line of its own after {cmd!r}")
            out = self.child.before + self.child.after
        self.expect(PROMPT, timeout,
                    what=f"the prompt '$ ' after {cmd!r}")
        out += self.child.before + self.child.after.rstrip("$ ")
        return out.replace("\r", "")
