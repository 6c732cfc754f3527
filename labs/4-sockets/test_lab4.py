# Lab 4 tests: the socket system calls and select, judged from the host.
#
# Every machine boots on QEMU's user-mode network (slirp) with the static
# address 10.0.2.15 (no DHCP wait). From the guest the host is 10.0.2.2:
# a guest program that connects to 10.0.2.2:P reaches the test's server on
# the host's 127.0.0.1:P, and host forwards (hostfwd) carry the host's
# connections to the guest's listeners.
#
# What is judged is what the host saw: random bytes it chose, compared
# byte for byte after a trip through the guest's programs (nc, echosrv,
# httpd, httpget; curl and python3's http.server on the host side are
# clients and servers no one here wrote); nonces that must come back;
# times the host measured; frames in the pcap. The guest helpers socktest
# and selecttest (kernel/user/) report over a TCP connection to the host
# what each call returned, and the host decides what was right.
#
# Pipelines keep large data out of the guest's small file system:
# `nc -l 9000 | nc 10.0.2.2 P` carries the host's bytes in through the
# forward and back out to the host's server. A forward accepts on the
# host at once and slirp drops the connection if nothing listens in the
# guest yet, so before sending data the host waits for proof that the
# guest's listener took the connection: a marker typed on the console
# that comes out of the socket, or one sent into the socket that comes
# out on the console; a dropped connection is retried.
#
# A guest command that fails ends at once and the shell prompts again;
# every wait here watches for that, so the stub tree fails each test in
# seconds rather than at its deadline.

import http.client
import os
import random
import re
import socket
import subprocess
import tempfile
import threading
import time

from scapy.layers.inet import IP, TCP
from scapy.utils import PcapReader

from grader import (GradeFailure, Net, check, deadline, describe_diff,
                    free_port, interleaved_echo, points, recv_exactly, scale)

STATIC = "ip=10.0.2.15/24,gw=10.0.2.2"
HOST = "10.0.2.2"           # the host, seen from the guest under slirp
NC = 9000                   # the guest's nc -l port
LPORT = 9100                # socktest's listening port
WEB = 8080                  # httpd
ECHO = 7007                 # echosrv
READY_S = 30                # the stack answers within this (scaled)
PROMPT = r"(?:^|\n)\$ "


def token():
    return os.urandom(8).hex()


# ---------------------------------------------------------------- the guest

def boot_net(boot, *fwds):
    """Boot on slirp with forwards for the kernel's echo service (7) and
    fwds ((proto, guest port), ...); return once TCP echo answers."""
    m = boot(nets=(Net(kind="user", opts="romfile=",
                       hostfwd=(("tcp", 7),) + tuple(fwds)),), cmdline=STATIC)
    hp, probe, end = m.hostport(7), os.urandom(16), deadline(READY_S)
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", hp), timeout=5) as s:
                s.sendall(probe)
                if recv_exactly(s, 16, time.monotonic() + 3) == probe:
                    return m
        except OSError:
            pass
        m.watch(0.5, "the network stack (TCP echo on port 7)")
    check(False, "the guest's network stack answers before the test starts",
          f"TCP echo through 127.0.0.1:{hp} within {READY_S * scale():.0f} s",
          "no answer")


class Cmd:
    """A shell command line typed at the prompt and running in the
    foreground (ended() notices when the prompt comes back), or in the
    background (started with `&`; then only a panic ends the waits)."""

    def __init__(self, m, line, background=False, fails=None):
        self.m, self.line, self.done, self.output = m, line, False, ""
        self.background, self.fails = background, fails
        if background:
            m.run(line + " &")
            return
        m.sendline(line)
        m.expect(re.escape(line) + r"\r*\n", 30, what=f"the echo of {line!r}")

    def ended(self):
        """True once the shell prompts again (the command is over); for a
        background command, once the console shows an error of its own that
        matches the regex fails (so a broken kernel fails a test at once)."""
        if self.background and self.fails and not self.done:
            try:
                self.m.expect(rf"(?:{self.fails})[^\n]*\n", 0.02, what="")
                self.done = True
                self.output = self.m.child.after.replace("\r", "")
            except GradeFailure:
                if self.m.halted:
                    raise
        if not self.done and not self.background:
            try:
                self.m.expect(PROMPT, 0.02, what="")
                self.done = True
                self.output = self.m.child.before.replace("\r", "")
            except GradeFailure:
                if self.m.halted:
                    raise
        return self.done

    def wait(self, seconds=60):
        if not self.done:
            self.m.expect(PROMPT, seconds, what=f"the prompt after {self.line!r}")
            self.done = True
            self.output = self.m.child.before.replace("\r", "")
        return self.output

    def alive(self, what):
        """Fail at once if the kernel died or the command already ended."""
        self.m.watch(0.02, what)
        if self.ended():
            check(False, what, f"`{self.line}` still running",
                  f"it ended; the console said: {self.output.strip()[-300:]!r}")


class Server:
    """A TCP server on the host's 127.0.0.1 (10.0.2.2 to the guest)."""

    def __init__(self, port=0):
        self.sock = socket.create_server(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]

    def accept(self, cmd, seconds, what):
        end = deadline(seconds)
        self.sock.settimeout(0.2)
        while time.monotonic() < end:
            try:
                c, _ = self.sock.accept()
                c.settimeout(None)
                return c
            except socket.timeout:
                cmd.alive(what)
        check(False, what, f"a connection to 127.0.0.1:{self.port}",
              f"none in {seconds * scale():.0f} s")

    def close(self):
        self.sock.close()


class Lines:
    """Lines (str) from a socket, waiting while watching the guest."""

    def __init__(self, sock):
        self.sock, self.buf, self.eof = sock, b"", False

    def _fill(self, cmd, end, what):
        self.sock.settimeout(0.2)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            if cmd is not None:
                cmd.m.watch(0.01, what)
            return time.monotonic() < end
        except OSError:
            data = b""
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def next(self, cmd, seconds, what):
        """The next line, or None at EOF; fails after seconds (scaled)."""
        end = deadline(seconds)
        while b"\n" not in self.buf:
            if self.eof or not self._fill(cmd, end, what):
                if self.eof:
                    return None
                check(False, what, "a line from the guest's program",
                      f"none in {seconds * scale():.0f} s" +
                      (f" (so far: {self.buf[:80]!r})" if self.buf else ""))
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode(errors="replace")

    def expect(self, cmd, want, seconds, what):
        got = self.next(cmd, seconds, what)
        check(got == want, what, repr(want), repr(got) if got is not None else "EOF")

    def wait_eof(self, cmd, seconds, what):
        """Wait for EOF; returns the seconds it took (None: no EOF) and
        what came before it."""
        t0, end = time.monotonic(), deadline(seconds)
        while not self.eof and time.monotonic() < end:
            self._fill(cmd, end, what)
        return (time.monotonic() - t0 if self.eof else None), self.buf


def sender(sock, data, shut=True):
    """Send data on sock in a thread (then shut down writing); returns the
    thread, whose .err lists what went wrong."""
    def run():
        try:
            sock.sendall(data)
            if shut:
                sock.shutdown(socket.SHUT_WR)
        except OSError as e:
            t.err.append(e)
    t = threading.Thread(target=run, daemon=True)
    t.err = []
    t.start()
    return t


STALL_S = 30    # a transfer with no byte for this long (scaled) has hung


def read_to_eof(sock, cmd, seconds, what, limit=64 << 20):
    """Everything sock brings until EOF, the deadline, or STALL_S without
    a byte (a lost wakeup stalls a stream for good), watching the guest."""
    buf, end = bytearray(), deadline(seconds)
    stalled = deadline(STALL_S)
    sock.settimeout(0.5)
    while time.monotonic() < min(end, stalled) and len(buf) < limit:
        try:
            chunk = sock.recv(1 << 20)
        except socket.timeout:
            cmd.m.watch(0.01, what)
            continue
        except OSError:
            break
        if not chunk:
            return bytes(buf), True
        buf += chunk
        stalled = deadline(STALL_S)
    return bytes(buf), False


def forward_marked(cmd, hp, marker, seconds, what):
    """Connect to the forward hp until the guest's listener takes the
    connection, shown by marker (bytes) coming out of it; slirp drops a
    connection nobody listens for, and then we retry."""
    end = deadline(seconds)
    while time.monotonic() < end:
        try:
            s = socket.create_connection(("127.0.0.1", hp), timeout=5)
        except OSError:
            cmd.alive(what)
            continue
        got = recv_exactly(s, len(marker), min(end, time.monotonic() + 5 * scale()))
        if got == marker:
            return s
        s.close()
        check(marker.startswith(got), what, f"the typed marker {marker!r}", repr(got))
        cmd.alive(what)
        time.sleep(0.2)
    check(False, what, f"the guest's listener behind 127.0.0.1:{hp} sends the "
          "marker typed on its console", f"nothing in {seconds * scale():.0f} s")


def forward_console(cmd, hp, seconds, what):
    """Connect to the forward hp until the guest's listener takes the
    connection, shown by a marker sent into it appearing on the console."""
    end = deadline(seconds)
    while time.monotonic() < end:
        marker = token()
        try:
            s = socket.create_connection(("127.0.0.1", hp), timeout=5)
            s.sendall(marker.encode() + b"\n")
        except OSError:
            cmd.alive(what)
            continue
        t1 = time.monotonic() + 5 * scale()
        while time.monotonic() < t1:
            try:
                cmd.m.expect(re.escape(marker), 0.3, what="")
                return s
            except GradeFailure:
                if cmd.m.halted:
                    raise
            s.settimeout(0.01)
            try:
                if s.recv(1) == b"":
                    break           # dropped: nobody was listening yet
            except socket.timeout:
                pass
            except OSError:
                break
            cmd.alive(what)
        s.close()
        time.sleep(0.2)
    check(False, what, f"a marker sent into 127.0.0.1:{hp} shows on the "
          "guest's console", f"not in {seconds * scale():.0f} s")


SIZES = ((1, 60), (64 << 10, 60), (4 << 20, 300))


# ---------------------------------------------------------------- nc

@points(10, "nc -l | nc: 1 B, 64 KiB, 4 MiB from a host client to a host server")
def test_nc_into_guest(boot):
    m = boot_net(boot, ("tcp", NC))
    for size, secs in SIZES:
        data, label = os.urandom(size), f"{size} bytes"
        srv = Server()
        cmd = Cmd(m, f"nc -l {NC} | nc {HOST} {srv.port}")
        out = srv.accept(cmd, 30, f"{label}: the guest's `nc {HOST} {srv.port}` "
                         "connects to the host's server")
        marker = token()
        m.sendline(marker)              # nc -l's standard input is the console
        c = forward_marked(cmd, m.hostport(NC), marker.encode() + b"\n", 30,
                           f"{label}: `nc -l {NC}` takes the host's connection")
        t = sender(c, data)
        got, eof = read_to_eof(out, cmd, secs, f"{label} through the guest's nc pair")
        t.join(10)
        check(not t.err, f"{label}: the host sends into `nc -l {NC}`",
              "sendall and shutdown succeed", repr(t.err[:1]))
        check(got == data, f"{label}: the bytes the host sent into `nc -l {NC}` "
              f"come out of the guest's `nc {HOST} {srv.port}`, intact and in order",
              f"{size} bytes equal to those sent", describe_diff(data, got))
        check(eof, f"{label}: after the host's FIN both nc's end and the second "
              "closes its connection", "EOF", "the connection stayed open")
        cmd.wait(30)
        c.close()
        out.close()
        srv.close()


@points(10, "nc | nc -l: 1 B, 64 KiB, 4 MiB from a host server to a host client")
def test_nc_out_of_guest(boot):
    m = boot_net(boot, ("tcp", NC))
    for size, secs in SIZES:
        data, label = os.urandom(size), f"{size} bytes"
        srv = Server()
        cmd = Cmd(m, f"nc {HOST} {srv.port} | nc -l {NC}")
        src = srv.accept(cmd, 30, f"{label}: the guest's `nc {HOST} {srv.port}` "
                         "connects to the host's server")
        c = forward_console(cmd, m.hostport(NC), 30,
                            f"{label}: `nc -l {NC}` takes the host's connection")
        t = sender(src, data)
        got, eof = read_to_eof(c, cmd, secs, f"{label} through the guest's nc pair")
        t.join(10)
        check(not t.err, f"{label}: the host's server sends to the guest's nc",
              "sendall and shutdown succeed", repr(t.err[:1]))
        check(got == data, f"{label}: the bytes the host's server sent to "
              f"`nc {HOST} {srv.port}` come out of the guest's `nc -l {NC}`",
              f"{size} bytes equal to those sent", describe_diff(data, got))
        check(eof, f"{label}: at the end of its input `nc -l {NC}` closes the "
              "connection", "EOF", "the connection stayed open")
        cmd.wait(30)
        c.close()
        src.close()
        srv.close()


# ---------------------------------------------------------------- echosrv

def echo_ready(cmd, hp, what):
    end, probe = deadline(READY_S), os.urandom(32)
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", hp), timeout=5) as s:
                s.sendall(probe)
                if recv_exactly(s, 32, time.monotonic() + 3 * scale()) == probe:
                    return
        except OSError:
            pass
        cmd.alive(what)
        time.sleep(0.3)
    check(False, what, f"an echo through 127.0.0.1:{hp}", "none")


@points(8, "echosrv: 4 host clients at once, writes interleaved, each gets its own bytes")
def test_echosrv(boot):
    m = boot_net(boot, ("tcp", ECHO))
    cmd = Cmd(m, f"echosrv {ECHO}", background=True,
              fails="echosrv: (?:cannot|select failed|accept failed|out of)")
    hp = m.hostport(ECHO)
    echo_ready(cmd, hp, "echosrv answers a first client")
    n = 4
    pairs = interleaved_echo(m, hp, n, 40, "echosrv with 4 clients")
    for i, (want, got) in enumerate(pairs):
        check(got == want, f"client {i + 1} of {n} gets its own bytes back, "
              "intact and in order", f"{len(want)} bytes", describe_diff(want, got))
    echo_ready(cmd, hp, "echosrv still answers after its 4 clients left")


# ---------------------------------------------------------------- UDP

def udp_collect(s, want, seconds, m, what):
    """Datagrams on s until their concatenation is as long as want."""
    got, end = b"", deadline(seconds)
    while len(got) < len(want) and time.monotonic() < end:
        s.settimeout(0.2)
        try:
            got += s.recv(65536)
        except socket.timeout:
            m.watch(0.01, what)
    return got


def udp_drain(s, m):
    s.settimeout(0.3)
    try:
        while True:
            s.recv(65536)
    except socket.timeout:
        pass


@points(8, "nc -u: host-chosen datagrams both ways through nc -u -l and nc -u")
def test_udp(boot):
    m = boot_net(boot, ("udp", NC))
    hp = m.hostport(NC, "udp")
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)     # talks to nc -u -l
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)     # nc -u's server
    b.bind(("127.0.0.1", 0))
    fwd = ("127.0.0.1", hp)
    try:
        # 1. host -> nc -u -l -> pipe -> nc -u -> host; console -> nc -u -l -> host
        cmd = Cmd(m, f"nc -u -l {NC} | nc -u {HOST} {b.getsockname()[1]}")
        end, ready = deadline(READY_S), False
        while not ready and time.monotonic() < end:
            a.sendto(os.urandom(16), fwd)
            b.settimeout(0.3)
            try:
                ready = len(b.recv(65536)) > 0
            except socket.timeout:
                cmd.alive("the UDP pipeline starting")
        check(ready, "a datagram sent to `nc -u -l` comes out of the guest's "
              "`nc -u` to the host", "a datagram", "none")
        udp_drain(b, m)
        for k in range(20):
            d = os.urandom(random.randint(1, 1400))
            a.sendto(d, fwd)
            got = udp_collect(b, d, 10, m, "the datagram's trip")
            check(got == d, f"datagram {k + 1} of 20 ({len(d)} bytes), host -> "
                  f"`nc -u -l {NC}` -> `nc -u {HOST}` -> host", "the same bytes",
                  describe_diff(d, got))
        n = token()
        m.sendline(n)                   # nc -u -l's input: to the last sender
        got = udp_collect(a, (n + "\n").encode(), 10, m, "the reply")
        check(got == (n + "\n").encode(), "a line typed into `nc -u -l` goes to "
              "the host that sent the last datagram", repr(n + "\n"), repr(got))
        m.send("\x04")                  # ^D: nc -u -l's input ends
        cmd.wait(30)

        # 2. console -> nc -u -> host; host -> nc -u -> pipe -> nc -u -l -> host
        cmd = Cmd(m, f"nc -u {HOST} {b.getsockname()[1]} | nc -u -l {NC}")
        n = token()
        m.sendline(n)
        b.settimeout(10 * scale())
        try:
            got, guest = b.recvfrom(65536)
        except socket.timeout:
            got, guest = b"", None
        check(got == (n + "\n").encode(), "a line typed into `nc -u HOST PORT` "
              "reaches the host's server as one datagram", repr(n + "\n"), repr(got))
        end, ready = deadline(READY_S), False
        while not ready and time.monotonic() < end:
            n = token()
            a.sendto(n.encode(), fwd)
            try:
                cmd.m.expect(re.escape(n), 0.5, what="")
                ready = True
            except GradeFailure:
                cmd.alive("`nc -u -l` printing the host's datagram")
        check(ready, "`nc -u -l` receives the host's datagram", "it", "nothing")
        for k in range(20):
            d = os.urandom(random.randint(1, 1400))
            b.sendto(d, guest)
            got = udp_collect(a, d, 10, m, "the datagram's trip")
            check(got == d, f"datagram {k + 1} of 20 ({len(d)} bytes), host -> "
                  f"`nc -u {HOST}` -> `nc -u -l {NC}` -> its last sender",
                  "the same bytes", describe_diff(d, got))
        m.send("\x04")
        cmd.wait(30)
    finally:
        a.close()
        b.close()


# ---------------------------------------------------------------- edges

@points(5, "connect to a closed port returns -1 at once, five times")
def test_connect_refused(boot):
    m = boot_net(boot)
    srv, closed = Server(), free_port()
    cmd = Cmd(m, f"socktest refused {HOST} {srv.port} {closed} 5")
    ctl = srv.accept(cmd, 30, "socktest connects to the host")
    lines, last = Lines(ctl), time.monotonic()
    limit = min(3 * scale(), 8)         # CONNECT_TIMEOUT_MS is 10 s
    for k in range(5):
        got = lines.next(cmd, 15, f"connect {k + 1} of 5 to the closed port {closed}")
        now = time.monotonic()
        check(got is not None and got.startswith("connect -1 "),
              f"connect {k + 1} of 5 to the host's closed port {closed} fails",
              "-1", repr(got))
        check(now - last < limit, f"connect {k + 1} to the closed port fails at "
              "once (the host times its answer)", f"under {limit:.0f} s",
              f"{now - last:.1f} s")
        last = now
    cmd.wait(30)
    srv.close()


# What socktest bad reports: each call with a bad descriptor, pointer or
# length must return -1; the ok- ones are the calls that make the others
# meaningful (there was data to receive, a datagram, a connection).
BAD_FDS = [f"{call}-fd-{kind}" for kind in ("neg", "closed", "range", "huge", "pipe")
           for call in ("bind", "listen", "connect", "accept", "sendto", "recvfrom")] + \
          [f"{call}-fd-{kind}" for kind in ("neg", "closed", "range", "huge")
           for call in ("send", "recv")] + ["bind-fd-file", "listen-fd-file", "accept-fd-file"]
BAD = BAD_FDS + """socket-family socket-type socket-proto bind-addr-kernel
bind-addr-page0 bind-addr-top bind-addr-straddle bind-addrlen connect-addr-kernel
connect-addr-top connect-addrlen send-buf-kernel send-buf-straddle send-len-neg
write-buf-kernel recv-buf-kernel recv-buf-page0 recv-buf-straddle read-buf-kernel
sendto-addr-kernel sendto-buf-kernel sendto-addrlen recvfrom-buf-kernel
recvfrom-addr-kernel recvfrom-port-kernel accept-addr-kernel accept-port-kernel
accept-port-page0 select-rd-kernel select-wr-page0 select-timeout-kernel
select-fd-closed select-max-neg select-max-big seek-socket
seek-fd-closed""".split()
GOOD = {"recv-ready": 1, "recv-good": 1, "recvfrom-good": 0, "listening": 0,
        "accept-ready": 1, "accept-good": 0}


def udp_echo(sock, stop):
    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            d, addr = sock.recvfrom(65536)
            sock.sendto(d, addr)
        except socket.timeout:
            pass
        except OSError:
            return


@points(10, "bad descriptors, pointers and lengths: every call returns -1, the system lives")
def test_bad_args(boot):
    m = boot_net(boot, ("tcp", LPORT))
    while True:                         # a TCP server and a UDP echo on one port number
        srv = Server()
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", srv.port))
            break
        except OSError:
            u.close()
            srv.close()
    stop = threading.Event()
    threading.Thread(target=udp_echo, args=(u, stop), daemon=True).start()
    n = token()
    cmd = Cmd(m, f"socktest bad {HOST} {srv.port} {n} {LPORT}")
    try:
        ctl = srv.accept(cmd, 30, "socktest connects to the host")
        lines = Lines(ctl)
        lines.expect(cmd, n, 15, "socktest says the host's nonce first")
        ctl.sendall(os.urandom(4096))   # for the recv calls to have something
        seen, waiting, raw = {}, [], []
        while True:
            line = lines.next(cmd, 60, "socktest's report of its calls")
            check(line is not None, "socktest reports every call, to the end",
                  f"'end {n}'", f"EOF after {len(seen)} calls; the last lines: "
                  f"{raw[-3:]} (console: {m.tail(3)!r})")
            raw.append(line[:100])
            if line == f"end {n}":
                break
            f = re.search(r"([a-z0-9-]+) (-?\d+)$", line)
            if not f:
                continue                # bytes of a buffer sent where it should not be
            seen[f[1]] = int(f[2])
            if f[1] == "listening":     # connections waiting for the accept calls
                waiting = [socket.create_connection(("127.0.0.1", m.hostport(LPORT)),
                                                    timeout=10) for _ in range(5)]
        wrong = [f"{k}: {seen.get(k, 'missing')}" for k in BAD if seen.get(k) != -1]
        check(not wrong, f"every call with a bad descriptor, pointer or length "
              f"returns -1 ({len(BAD)} calls)", "-1 from each",
              "; ".join(wrong[:8]) + (f" (and {len(wrong) - 8} more)" if len(wrong) > 8 else ""))
        wrong = [f"{k}: {seen.get(k, 'missing')}" for k, v in GOOD.items() if seen.get(k) != v]
        check(not wrong, "the good calls between them work (data, a datagram and "
              "connections were waiting)", str(GOOD), "; ".join(wrong))
        cmd.wait(30)
        for s in waiting:
            s.close()
        n = token()
        out = m.run(f"echo {n}")
        check(n in out.split("\n"), "the shell still answers afterwards", n, out)
    finally:
        stop.set()
        u.close()
        srv.close()


# ---------------------------------------------------------------- kill, exit

def block_and_kill(m, what, srv):
    """socktest blocks in `what` in the background; kill it; returns the
    seconds from the kill until the host saw its connection close."""
    n = token()
    cmd = Cmd(m, f"socktest block {what} {HOST} {srv.port} {n} {LPORT}", background=True,
              fails="socktest: ")
    ctl = srv.accept(cmd, 30, f"socktest ({what}) connects to the host")
    lines = Lines(ctl)
    lines.expect(cmd, n, 15, f"socktest ({what}) says the host's nonce")
    pid = lines.next(cmd, 15, "socktest's pid")
    check(pid is not None and re.fullmatch(r"pid \d+", pid), "socktest says its pid",
          "pid N", repr(pid))
    lines.expect(cmd, "blocking", 15, f"socktest about to block in {what}")
    m.watch(0.5, f"socktest blocked in {what}")
    lines.sock.settimeout(0)
    try:
        early = lines.buf + lines.sock.recv(100)
    except (BlockingIOError, socket.timeout):
        early = lines.buf or None
    except OSError:
        early = b""
    check(early is None, f"socktest stays blocked in {what} until killed",
          "nothing from it", repr(early))
    t0 = time.monotonic()
    m.run(f"kill {pid.split()[1]}", 30)
    secs, rest = lines.wait_eof(cmd, 20, "the killed socktest's connection closing")
    took = time.monotonic() - t0
    check(secs is not None, f"`kill` ends socktest blocked in {what}: its "
          "connection to the host closes", "EOF", f"still open after {took:.0f} s")
    check(rest == b"", f"the killed {what} does not return to the program",
          "nothing before EOF", repr(rest))
    ctl.close()
    return took


@points(8, "kill ends a process blocked in accept, recv or connect; its port binds again")
def test_kill_blocked(boot):
    m = boot_net(boot, ("tcp", LPORT))
    srv = Server()
    for what in ("accept", "recv", "connect"):
        took = block_and_kill(m, what, srv)
        limit = min(5 * scale(), 8)     # connect would give up by itself at 10 s
        check(took < limit, f"the kill of a process blocked in {what} takes effect "
              "at once", f"under {limit:.0f} s", f"{took:.1f} s")
    # The killed accept's listening port is free again: a new listener
    # there takes the host's connection.
    n = token()
    cmd = Cmd(m, f"socktest serve {HOST} {srv.port} {n} {LPORT}", background=True,
              fails="socktest: ")
    ctl = srv.accept(cmd, 30, "socktest serve connects to the host")
    lines = Lines(ctl)
    lines.expect(cmd, n, 15, "socktest serve says the host's nonce")
    lines.expect(cmd, "bind 0", 15, f"after the kill, port {LPORT} can be bound again")
    lines.expect(cmd, "listen 0", 15, "listen on it succeeds")
    got = connect_for_line(m, cmd, m.hostport(LPORT), n)
    check(got.startswith(n + " peer "), "the new listener on the killed process's "
          "port takes the host's connection", f"{n} peer ...", repr(got))
    srv.close()


def connect_for_line(m, cmd, hp, n, seconds=30):
    """Connect to hp until a connection brings a line (a listener took it)."""
    end = deadline(seconds)
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", hp), timeout=5) as s:
                s.settimeout(None)
                lines = Lines(s)
                line = lines.next(cmd, 10, "the guest listener's line")
                if line is not None:
                    return line
        except OSError:
            pass
        m.watch(0.2, "the guest's listener")
    check(False, f"a connection through 127.0.0.1:{hp} reaches the guest's listener",
          "a line from it", "only dropped connections")


def syn_sources(pcap, port):
    """(source address, source port) of the SYNs to the guest's port."""
    out = []
    try:
        for f in PcapReader(pcap):
            if f.haslayer(TCP) and f[TCP].dport == port and f[TCP].flags & 0x12 == 0x02:
                out.append((f[IP].src, f[TCP].sport))
    except Exception:
        pass                            # a record still being written
    return out


@points(3, "accept stores the peer's address and port (checked against the pcap)")
def test_accept_peer(boot):
    m = boot_net(boot, ("tcp", LPORT))
    srv, n = Server(), token()
    cmd = Cmd(m, f"socktest serve {HOST} {srv.port} {n} {LPORT}", background=True,
              fails="socktest: ")
    ctl = srv.accept(cmd, 30, "socktest serve connects to the host")
    lines = Lines(ctl)
    lines.expect(cmd, n, 15, "socktest serve says the host's nonce")
    lines.expect(cmd, "bind 0", 15, f"socktest binds port {LPORT}")
    lines.expect(cmd, "listen 0", 15, "socktest listens")
    got = connect_for_line(m, cmd, m.hostport(LPORT), n)
    lines.expect(cmd, "served", 15, "socktest serve ends")
    f = re.fullmatch(re.escape(n) + r" peer (\d+\.\d+\.\d+\.\d+) (\d+)", got)
    check(f is not None, "the accepted connection says the peer accept() named",
          f"{n} peer A.B.C.D PORT", repr(got))
    m.watch(0.5, "the pcap being written")
    syns = syn_sources(m.pcaps[0], LPORT)
    check(syns, f"the pcap shows SYNs to the guest's port {LPORT}", "one at least", "none")
    check((f[1], int(f[2])) == syns[-1], "accept() stores the address and port "
          "the connection came from, as on the wire",
          f"{syns[-1][0]} {syns[-1][1]} (the SYN's source)", f"{f[1]} {f[2]}")
    srv.close()


@points(4, "a forked child keeps a socket its parent closed")
def test_fork_shared(boot):
    m = boot_net(boot)
    srv, n = Server(), token()
    cmd = Cmd(m, f"socktest fork {HOST} {srv.port} {n}")
    ctl = srv.accept(cmd, 30, "socktest connects to the host")
    lines = Lines(ctl)
    lines.expect(cmd, f"{n} parent", 15, "the parent says the host's nonce")
    cmd.wait(30)                        # the parent has closed its copy and exited
    lines.expect(None, f"{n} child", 15, "after the parent closed the socket and "
                 "exited, the child sends on it")
    data = os.urandom(32)
    ctl.sendall(data)
    got = recv_exactly(ctl, 32, deadline(15))
    check(got == data, "the child receives on the socket and sends the bytes back",
          "the host's 32 bytes", describe_diff(data, got))
    check(recv_exactly(ctl, 1, deadline(15)) == b"", "the child's close ends the "
          "connection", "EOF", "more bytes or no EOF")
    srv.close()


# ---------------------------------------------------------------- leaks

def snapshot(lines, cmd):
    """socktest's snapshot: free pages, lwIP's pools, the socket count."""
    lines.sock.sendall(b"snap\n")
    free = lines.next(cmd, 60, "socktest counting free pages")
    check(free is not None and free.startswith("free "), "socktest counts the "
          "free pages", "free N", repr(free))
    lines.expect(cmd, "netinfo", 15, "socktest sends /dev/netinfo")
    info = []
    while (line := lines.next(cmd, 15, "/dev/netinfo's lines")) not in ("end", None):
        info.append(line)
    text = "\n".join(info)
    snap = {"free pages": int(free.split()[1])}
    pools = re.search(r"memp((?: [a-z_]+ -?\d+)+)", text)
    socks = re.search(r"sockets (\d+)", text)
    check(pools and socks, "/dev/netinfo shows lwIP's pools and the sockets",
          "'memp NAME USED ...' and 'sockets N'", text[-400:])
    words = pools[1].split()
    snap.update({w: int(v) for w, v in zip(words[::2], words[1::2])})
    snap["sockets"] = int(socks[1])
    return snap


@points(8, "1000 socket/close cycles and 40 connections leave free pages and lwIP's pools as they were")
def test_socket_cycles(boot):
    m = boot_net(boot, ("tcp", LPORT))
    srv, n, closed = Server(), token(), free_port()
    cmd = Cmd(m, f"socktest cycles 1000 {HOST} {srv.port} {n} {closed} {LPORT}")
    ctl = srv.accept(cmd, 30, "socktest connects to the host")
    lines = Lines(ctl)
    lines.expect(cmd, n, 15, "socktest says the host's nonce")
    before = snapshot(lines, cmd)
    # 20 connections in through the forward, 20 out to the host's server;
    # the host closes each first, so none lingers in TIME_WAIT in the guest.
    ctl.sendall(b"conns 20\n")
    lines.expect(cmd, "listening", 15, "socktest listening for the host's connections")
    for k in range(20):
        end = deadline(30)
        while True:
            with socket.create_connection(("127.0.0.1", m.hostport(LPORT)), timeout=10) as s:
                s.sendall(os.urandom(2000))
                s.shutdown(socket.SHUT_WR)
                if recv_exactly(s, 2, deadline(10)) == b"k":
                    break
            check(time.monotonic() < end, f"the host's connection {k + 1} of 20 is "
                  "accepted and answered", "'k' then EOF", "dropped connections")
            m.watch(0.1, "socktest accepting")
    srv.sock.settimeout(None)
    for k in range(20):
        c = srv.accept(cmd, 15, f"socktest's connection {k + 1} of 20 to the host")
        c.close()
    lines.expect(cmd, "connected", 30, "socktest done with the 40 connections")
    ctl.sendall(b"cycles\n")
    lines.expect(cmd, "cycled 1000 bindfails 0", 300, "1000 socket/close cycles, "
                 f"each bind of port {LPORT} after the last close succeeding")
    for attempt in range(10):           # the last closes' FINs may still be in flight
        after = snapshot(lines, cmd)
        if after == before:
            break
        m.watch(1, "the guest settling")
    diff = {k: f"{before.get(k)} -> {after.get(k)}" for k in set(before) | set(after)
            if before.get(k) != after.get(k)}
    check(not diff, "after 1000 socket/close cycles and 40 connections, the free "
          "pages, lwIP's pools and the socket count are where they started",
          "no change", str(diff))
    ctl.sendall(b"quit\n")
    cmd.wait(30)
    srv.close()


# ---------------------------------------------------------------- select

def hexline(kind, data):
    return f"got {kind} {data.hex()}"


class SelectTest:
    def __init__(self, m):
        self.m, self.srv, n = m, Server(), token()
        self.cmd = Cmd(m, f"selecttest {HOST} {self.srv.port} {n}")
        self.ctl = self.srv.accept(self.cmd, 30, "selecttest connects to the host")
        self.lines = Lines(self.ctl)
        self.lines.expect(self.cmd, n, 15, "selecttest says the host's nonce")

    def wake(self, kind, data, what, seconds=10):
        """Expect select to wake on kind alone and the read to bring data
        (possibly over several wakes, if a read brings part of it)."""
        got = b""
        while len(got) < len(data):
            line = self.lines.next(self.cmd, seconds, what)
            check(line == f"ready 1 {kind}", f"{what}: select wakes with only "
                  f"the {kind} ready", f"ready 1 {kind}", repr(line))
            line = self.lines.next(self.cmd, seconds, what)
            f = line and re.fullmatch(rf"got {kind} ([0-9a-f]*)", line)
            check(f, f"{what}: the read of the {kind}", f"got {kind} HEX", repr(line))
            got += bytes.fromhex(f[1])
        check(got == data, f"{what}: the {kind} brings what the host put in",
              repr(data), repr(got))

    def close(self):
        self.ctl.sendall(b"q\n")
        self.cmd.wait(30)
        self.srv.close()


@points(8, "select over a socket, a pipe and the console wakes on the one the host made ready")
def test_select_wakes(boot):
    m = boot_net(boot)
    st = SelectTest(m)
    kinds = ["sock", "cons", "pipe"] * 12
    random.shuffle(kinds)
    for k, kind in enumerate(kinds):
        n, what = token(), f"event {k + 1} of {len(kinds)} ({kind})"
        if kind == "sock":
            st.ctl.sendall(n.encode() + b"\n")
            st.wake("sock", n.encode() + b"\n", what)
        elif kind == "cons":
            m.sendline(n)
            st.wake("cons", n.encode() + b"\n", what)
        else:
            delay = random.randint(100, 600)
            cmdline = f"p {delay} {n}\n".encode()
            t0 = time.monotonic()
            st.ctl.sendall(cmdline)
            st.wake("sock", cmdline, what + ", the command")
            st.wake("pipe", n.encode(), what + f", the child's write after {delay} ms")
            took = time.monotonic() - t0
            check(took >= delay / 1000 - 0.05, f"{what}: the pipe becomes ready "
                  "only when the child writes", f"after {delay} ms",
                  f"after {took * 1000:.0f} ms")
    # Many quick socket wakes in a row: none may be lost.
    for k in range(150):
        d = os.urandom(4).hex().encode() + b"\n"
        st.ctl.sendall(d)
        st.wake("sock", d, f"quick socket wake {k + 1} of 150")
    # A child's pipe writes racing this process's way into select(): a
    # wakeup lost between select's look and its sleep hangs it for good.
    st.ctl.sendall(b"r 3000\n")
    st.wake("sock", b"r 3000\n", "the race command")
    line = st.lines.next(st.cmd, 120, "the race's report")
    check(line == "raced 3000 late 0", "3000 selects on a pipe that a child "
          "writes at random moments, each woken by the write, none by its 1 s "
          "timeout", "raced 3000 late 0", repr(line))
    st.close()


@points(4, "select with nothing ready returns 0 after its timeout (1.5 s, 2.5 s), timed by the host")
def test_select_timeout(boot):
    m = boot_net(boot)
    st = SelectTest(m)
    for ms in (1500, 2500):
        cmdline = f"t {ms}\n".encode()
        st.ctl.sendall(cmdline)
        st.wake("sock", cmdline, f"the {ms} ms timeout command")
        st.lines.expect(st.cmd, "t0", 10, "selecttest before its timed select")
        t0 = time.monotonic()
        got = st.lines.next(st.cmd, 30, f"selecttest after a {ms} ms select")
        took = time.monotonic() - t0
        check(got == "t1 0 0", f"select with a {ms} ms timeout and nothing ready "
              "returns 0 with the sets emptied", "t1 0 0", repr(got))
        low, high = ms / 1000 - 0.3, ms / 1000 + 3 * scale()
        check(low <= took <= high, f"the {ms} ms select lasts its timeout, as "
              "the host times it", f"{low:.1f} to {high:.1f} s", f"{took:.2f} s")
    st.close()


# ---------------------------------------------------------------- HTTP

def put_file(m, path, data):
    """Write data to the guest's path through `nc -l NC > path`."""
    cmd = Cmd(m, f"nc -l {NC} > {path}")
    marker = token()
    m.sendline(marker)
    c = forward_marked(cmd, m.hostport(NC), marker.encode() + b"\n", 30,
                       f"`nc -l {NC} > {path}` takes the host's connection")
    t = sender(c, data)
    t.join(120 * scale())
    rest, _ = read_to_eof(c, cmd, 60, f"`nc -l {NC} > {path}` ending")
    c.close()
    cmd.wait(60)
    out = m.run(f"ls {path}")
    f = re.search(r"\s(\d+)\s*$", out.strip())
    check(f and int(f[1]) == len(data), f"the guest's file {path} holds the host's "
          f"{len(data)} bytes (is the file system big enough?)",
          f"ls showing size {len(data)}", out.strip())


def curl(url, out, *extra):
    return subprocess.Popen(["curl", "-s", "-S", "--max-time", str(int(120 * scale())),
                             "-o", out, "-w", "%{http_code} %{num_connects}\\n",
                             *extra, url], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@points(9, "curl fetches 0 B, 1 B and 1 MiB files from httpd, 16 at once; 404; keep-alive")
def test_curl_httpd(boot, test_dir):
    m = boot_net(boot, ("tcp", NC), ("tcp", WEB))
    files = {f"/www/{token()[:8]}": os.urandom(size) for size in (0, 1, 1 << 20)}
    m.run("mkdir /www")
    for path, data in files.items():
        put_file(m, path, data)
    m.run(f"httpd -p {WEB} /www &")
    base = f"http://127.0.0.1:{m.hostport(WEB)}"
    end = deadline(READY_S)
    while True:                         # wait until httpd answers at all
        try:
            h = http.client.HTTPConnection("127.0.0.1", m.hostport(WEB), timeout=5)
            h.request("GET", "/nothere")
            h.getresponse().read()
            break
        except (OSError, http.client.HTTPException):
            check(time.monotonic() < end, "httpd answers", "an HTTP response", "none")
            m.watch(0.3, "httpd starting")
    procs = []
    for k, path in enumerate((list(files) * 6)[:16]):
        out = os.path.join(test_dir, f"curl{k}")
        procs.append((path, out, curl(base + path[4:], out)))
    for k, (path, out, p) in enumerate(procs):
        while p.poll() is None:
            m.watch(0.1, "httpd serving 16 curls")
        so, se = p.communicate()
        check(p.returncode == 0 and so.split()[:1] == ["200"], f"curl {k + 1} of 16 "
              f"({path[4:]}, {len(files[path])} bytes) gets 200",
              "exit 0, 200", f"exit {p.returncode}, {so.strip()!r} {se.strip()!r}")
        with open(out, "rb") as f:
            got = f.read()
        check(got == files[path], f"curl {k + 1} of 16 gets {path[4:]}'s bytes",
              f"{len(files[path])} bytes equal to the file's", describe_diff(files[path], got))
    out = os.path.join(test_dir, "missing")
    p = curl(base + "/no" + token(), out)
    so, se = p.communicate(timeout=150 * scale())
    check(so.split()[:1] == ["404"], "a missing file gives 404", "404", so.strip() + se)
    p = curl(base + "/../README.md", out, "--path-as-is")
    so, se = p.communicate(timeout=150 * scale())
    check(so.split()[:1] != ["200"], "a path outside httpd's root is refused",
          "not 200", so.strip())
    # HTTP/1.1: curl fetches the three files over one kept-alive connection.
    args = []
    for k, path in enumerate(files):
        args += ["-o", os.path.join(test_dir, f"ka{k}"), base + path[4:]]
    r = subprocess.run(["curl", "-s", "-S", "--max-time", str(int(120 * scale())),
                        "-w", "%{http_code} %{num_connects}\\n"] + args,
                       capture_output=True, text=True, timeout=150 * scale())
    codes = r.stdout.split()
    check(codes[0::2] == ["200"] * 3 and sum(map(int, codes[1::2])) == 1,
          "one curl fetching the three files uses one HTTP/1.1 connection",
          "200 x 3 over 1 connection", r.stdout.strip() + r.stderr.strip())
    for k, (path, data) in enumerate(files.items()):
        with open(os.path.join(test_dir, f"ka{k}"), "rb") as f:
            got = f.read()
        check(got == data, f"the kept-alive fetch of {path[4:]}", f"{len(data)} bytes",
              describe_diff(data, got))


@points(5, "httpget fetches random files from the host's python3 http.server")
def test_httpget(boot):
    m = boot_net(boot)
    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        web = subprocess.Popen(["/usr/bin/python3", "-m", "http.server",
                                "--bind", "127.0.0.1", "--directory", d, str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            end = deadline(20)
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    check(time.monotonic() < end, "python3 -m http.server starts",
                          f"listening on {port}", "not listening")
                    time.sleep(0.1)
            for size in (1, random.randint(100 << 10, 400 << 10)):
                name, data = token(), os.urandom(size)
                with open(os.path.join(d, name), "wb") as f:
                    f.write(data)
                srv = Server()
                cmd = Cmd(m, f"httpget http://{HOST}:{port}/{name} | nc {HOST} {srv.port}")
                c = srv.accept(cmd, 30, "the guest's nc connects to the host")
                got, eof = read_to_eof(c, cmd, 120, "httpget's body through nc")
                check(got == data, f"httpget's body ({size} bytes) reaches the host "
                      "intact", f"{size} bytes equal to the file's", describe_diff(data, got))
                check(eof, "the pipeline closes the connection at the end", "EOF", "open")
                cmd.wait(30)
                c.close()
                srv.close()
        finally:
            web.terminate()
            web.wait(10)
