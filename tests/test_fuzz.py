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

The machine has a NIC on QEMU's user-mode network (slirp), so that from
lab 4 on sysfuzz's socket calls meet a real stack and real peers: the
host serves a TCP and a UDP port (passed to sysfuzz as its third
argument; the guest reaches it as 10.0.2.2) that take whatever comes and
now and then answer or hang up, and keeps connecting to the guest's port
7070 (a host forward), where the fuzzer listens and accepts. In trees
before lab 4 the NIC is simply there (lab 1 has no driver for it) and the
extra argument is ignored. On the full tree the test also checks that
socket calls were made and worked. From lab 5 on it also runs an nfsd
with a scratch export (its port is sysfuzz's fourth argument), so some
path arguments are remote paths, well formed or not, and checks that
nfsd still answers afterwards.

To repeat a failure, the message gives the seed: either

    BVLAB_FUZZ_SEED=SEED /usr/bin/python3 -m pytest tests/test_fuzz.py

or `make qemu` and type the two commands it names.
"""
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "tools"))
import qemuboot  # noqa: E402
from grader import free_port  # noqa: E402

SYSCALLS = 3000     # about 5 s of guest time on an idle machine
EXECS = 150         # about 4 s
# usertests that use the file system, processes and memory the fuzzers
# touched; the whole suite is test_boot's job.
LISTENPORT = 7070   # sysfuzz.c's LISTENPORT: the host connects to it
NET_READY_S = 30    # DHCP on slirp gives the guest its address within this
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


class HostPeers:
    """The host's side of the guest's sockets, run in threads while the
    fuzzer runs: a TCP and a UDP service on one port (self.port) that
    read everything, sometimes answer and sometimes hang up, and a dialer
    that keeps connecting to the guest's LISTENPORT through the forward
    (self.fwd), sends a few bytes and reads until it is closed or bored.
    Every peer reads all it is sent, so no guest sender waits on it for
    long. Counts what it saw, for the failure message."""

    def __init__(self, rng):
        self.rng = random.Random(rng.random())
        self.stop = threading.Event()
        self.seen = {"tcp in": 0, "udp in": 0, "dialed": 0}
        self.tcp, self.udp = self._bind_pair()
        self.port = self.tcp.getsockname()[1]
        self.fwd = free_port("tcp")
        self.threads = [threading.Thread(target=f, daemon=True)
                        for f in (self._serve_tcp, self._serve_udp, self._dial)]

    @staticmethod
    def _bind_pair():
        for _ in range(50):
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            t.bind(("127.0.0.1", 0))
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                u.bind(("127.0.0.1", t.getsockname()[1]))
                return t, u
            except OSError:
                t.close()
                u.close()
        raise RuntimeError("no port free for both TCP and UDP")

    def start(self):
        self.tcp.listen(16)
        self.tcp.settimeout(0.2)
        self.udp.settimeout(0.2)
        for t in self.threads:
            t.start()

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=5)
        self.tcp.close()
        self.udp.close()

    def _talk(self, c, key, lifetime):
        """Read from c until it closes, lifetime passes or we stop;
        answer now and then."""
        end = time.monotonic() + lifetime
        c.settimeout(0.1)
        try:
            while not self.stop.is_set() and time.monotonic() < end:
                try:
                    data = c.recv(65536)
                except socket.timeout:
                    continue
                if not data:
                    break
                self.seen[key] += 1
                if self.rng.random() < 0.2:
                    c.sendall(os.urandom(self.rng.randint(1, 200)))
        except OSError:
            pass
        finally:
            c.close()

    def _serve_tcp(self):
        while not self.stop.is_set():
            try:
                c, _ = self.tcp.accept()
            except (socket.timeout, OSError):
                continue
            if self.rng.random() < 0.5:
                c.sendall(os.urandom(self.rng.randint(1, 100)))
            threading.Thread(target=self._talk, daemon=True,
                             args=(c, "tcp in", self.rng.uniform(0.05, 3))).start()

    def _serve_udp(self):
        while not self.stop.is_set():
            try:
                data, peer = self.udp.recvfrom(65536)
            except (socket.timeout, OSError):
                continue
            self.seen["udp in"] += 1
            if self.rng.random() < 0.3:
                self.udp.sendto(data[:self.rng.randint(0, 64)], peer)

    def _dial(self):
        while not self.stop.is_set():
            time.sleep(self.rng.uniform(0.02, 0.15))
            try:
                c = socket.create_connection(("127.0.0.1", self.fwd), timeout=1)
                c.sendall(os.urandom(self.rng.randint(0, 300)))
            except OSError:
                continue
            self.seen["dialed"] += 1
            threading.Thread(target=self._talk, daemon=True,
                             args=(c, "dialed", self.rng.uniform(0.05, 1))).start()


@pytest.fixture
def peers():
    p = HostPeers(random.Random(pick_seed()))
    yield p
    p.close()


@pytest.fixture
def machine(tmp_path, peers):
    iso = os.environ.get("BVLAB_ISO", qemuboot.ISO)
    nic = ("-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{peers.fwd}-:{LISTENPORT}",
           "-device", "virtio-net-pci,netdev=n0,romfile=")
    m = qemuboot.Machine(qemuboot.qemu_command(iso=iso, extra=nic),
                         str(tmp_path / "serial.log"))
    yield m
    m.close()


@pytest.fixture
def nfsd(tmp_path):
    """On the full tree (lab 5 on), an nfsd with a scratch export whose
    remote paths sysfuzz mixes into its path arguments: its port, or
    None. The host checks afterwards that it is still serving."""
    if not full_tree() or not os.path.isdir(os.path.join(qemuboot.TOP, "nfsd")):
        yield None
        return
    b = tmp_path / "nfsd-build"
    r = subprocess.run(["make", "--no-print-directory", f"B={b}", "nfsd"],
                       cwd=qemuboot.TOP, capture_output=True, text=True)
    assert r.returncode == 0, "make nfsd failed:\n" + r.stdout + r.stderr
    export = tmp_path / "export"
    (export / "rd").mkdir(parents=True)
    (export / "r0").write_bytes(os.urandom(3000))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(b / "nfsd" / "nfsd"), "-r", str(export), "-p", str(port)],
                            stderr=subprocess.DEVNULL)
    end = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < end and proc.poll() is None, "nfsd did not start"
            time.sleep(0.05)
    yield port
    alive = proc.poll() is None
    if alive:
        # Still serving: a fresh connection gets an answer to HELLO.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
            c.sendall(bytes.fromhex("1000000001000100") + (1).to_bytes(4, "little")
                      + (8192).to_bytes(4, "little"))
            reply = c.recv(20)
    proc.kill()
    proc.wait()
    assert alive and reply[4:5] == b"\x81", \
        "nfsd did not survive sysfuzz's remote paths" + ("" if alive else " (it died)")


def full_tree():
    """Is the ISO under test this checkout's, with lab 4 in it?"""
    return ("BVLAB_ISO" not in os.environ and
            os.path.exists(os.path.join(qemuboot.TOP, "kernel", "socket.h")))


def wait_for_network(m):
    """Until the guest has its DHCP address, in a tree with a stack
    (lab 3 on: /dev/netinfo); at once in one without."""
    end = time.monotonic() + NET_READY_S
    while time.monotonic() < end:
        out = m.run("cat /dev/netinfo", timeout=60)
        if "inet" not in out or "inet 10.0.2.15" in out:
            return
        time.sleep(0.5)


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


def test_fuzz_syscalls_and_exec(machine, peers, nfsd):
    m = machine
    seed = pick_seed()
    sysfuzz = f"sysfuzz {seed} {SYSCALLS} {peers.port}" + (f" {nfsd}" if nfsd else "")
    execfuzz = f"execfuzz {seed} {EXECS}"
    how_to_repeat = (f"seed {seed}: repeat with BVLAB_FUZZ_SEED={seed} "
                     f"/usr/bin/python3 -m pytest tests/test_fuzz.py, or in "
                     f"`make qemu` type `{sysfuzz}` then `{execfuzz}`")
    m.wait_prompt(timeout=120)
    try:
        wait_for_network(m)
    except qemuboot.BootError as e:
        pytest.fail(f"before fuzzing: {e}")

    peers.start()
    out = run_fuzzer(m, sysfuzz, rf"sysfuzz: {seed} done \d+ calls", 600, how_to_repeat)
    worked = [int(w) for w in re.findall(r"sysfuzz: (\d+) socket, select and seek calls worked", out)]
    if full_tree():
        assert worked and worked[0] > 0, \
            (f"`{sysfuzz}`: expected socket calls that worked on the full tree, saw "
             f"{worked[0] if worked else 'no count'}; the host saw {peers.seen}; "
             f"serial log {m.log}\n{how_to_repeat}")
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
