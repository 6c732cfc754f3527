"""User-level TCP throughput (lab 4): the guest's `nc` through the socket
system calls, beside the kernel's own services (lab 3), in MB/s.

One machine, booted as tcp_throughput.py boots it (1 vCPU, legacy
virtio-net, slirp, 128 KiB host socket buffers, static address), so the
two sets of figures differ only in what runs in the guest:

  kernel  chargen / discard in kernel threads (tcp_throughput.py's
          measurement): no system call, no copy to or from user memory
  user    nc in a user process: every byte crosses recv() or send()
          (a copy between lwIP's pbufs and the user's buffer), and the
          bytes come from or go to somewhere in the guest

What "somewhere" can be depends on the guest's devices. With /dev/null
and /dev/zero (read: zeros) the user figures are nc alone:

  host->guest   nc -l 9000 > /dev/null; timed from the host's first byte
                to the guest's FIN (nc closes at the end of the stream)
  guest->host   nc 10.0.2.2 P < /dev/zero; the host reads SIZE bytes,
                timed from the first byte to the last, then closes

Without them (the tree as lab 4 first ships it) every source and sink is
a file or a pipe, and the pipe's 512-byte ring costs a context switch
per 512 bytes, so those figures are labelled with their pipeline:

  host->guest   nc -l 9000 | wc            (wc's byte count checked)
  guest->host   cat F F F F | nc 10.0.2.2 P (F: a 4 MiB file the host
                uploaded first with nc -l 9000 > F, itself timed)
  relay         nc -l 9000 | nc 10.0.2.2 P: host -> guest -> host, both
                directions at once through one pipe
  pipe alone    cat F F F F | wc, no network: what the pipe and wc cost

MB is 10^6 bytes. The targets are the issue's: busybox nc in a Linux 6.1
guest on the same QEMU moved 19.9 MB/s guest->host and 67.6 MB/s
host->guest (LWIP-NOTES.md).

    tools/bench/nc_throughput.py [--build DIR] [--runs N] [--mib N]

Skips, with a message, in a tree without lab 4 (no kernel/socket.h).
"""
import argparse
import hashlib
import os
import re
import socket
import statistics
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, TOP)
sys.path.insert(0, HERE)
from grader import platform as plat  # noqa: E402
from grader.machine import PROMPT, Machine  # noqa: E402
import tcp_throughput as kt  # noqa: E402

RUNS = 5
SIZE = 16 << 20
FILE_MIB = 4                    # the upload: what the 6 MiB image has room for
NCPORT = 9000
TARGET = {"guest->host": 19.9, "host->guest": 67.6}    # busybox nc, Linux 6.1


def mbps(n, seconds):
    return n / seconds / 1e6


def listener():
    """A host listener that guest connections to 10.0.2.2:PORT reach."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, kt.SOCKBUF)
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    s.settimeout(60)
    return s, s.getsockname()[1]


def start(m, cmd):
    """Type cmd at the shell; return once the shell has echoed it and nc
    has had time to listen (slirp accepts on the host at once and drops
    the connection if nothing listens in the guest)."""
    m.sendline(cmd)
    m.expect(re.escape(cmd) + r"\r*\n", 30, what=f"the echo of {cmd!r}")
    m.watch(1.0, f"{cmd!r} to start")


def finish(m, cmd):
    """Wait for the prompt after cmd; return what it printed."""
    m.expect(PROMPT, 120, what=f"the prompt after {cmd!r}")
    out = m.child.before.replace("\r", "")
    if "nc:" in out or "cat:" in out:
        raise SystemExit(f"nc_throughput: {cmd!r} said: {out.strip()}")
    return out


def send_to_guest(m, data):
    """Send data to the guest's nc -l, close; seconds from the first byte
    to the guest's FIN."""
    with kt.connect(m, NCPORT) as s:
        s.settimeout(120)
        first = time.monotonic()
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        rest = s.recv(1)
        last = time.monotonic()
    if rest != b"":
        raise SystemExit(f"nc_throughput: the guest sent back {rest!r}")
    return last - first


def recv_from_guest(lsock, limit=None):
    """Accept one guest connection; read until EOF (or limit bytes, then
    close). Returns (digest, bytes, seconds from the first byte)."""
    c, _ = lsock.accept()
    c.settimeout(120)
    h = hashlib.sha256()
    n, first = 0, None
    buf = bytearray(1 << 20)
    with c:
        while limit is None or n < limit:
            k = c.recv_into(buf, len(buf) if limit is None
                            else min(len(buf), limit - n))
            if k == 0:
                break
            if first is None:
                first, head = time.monotonic(), k
            h.update(buf[:k])
            n += k
        last = time.monotonic()
    if first is None:
        return h.hexdigest(), 0, 0.0
    return h.hexdigest(), n - head, last - first


def boot_spec():
    """tcp_throughput's machine, with nc's port forwarded too (so the
    kernel's services and nc are measured in the same boot)."""
    return plat.BootSpec(mem=128, smp=1, cmdline=kt.CMDLINE,
                         nets=(plat.Net(kind="user", opts=kt.LEGACY, pcap=False,
                                        hostfwd=(("tcp", kt.DISCARD),
                                                 ("tcp", kt.CHARGEN),
                                                 ("tcp", NCPORT))),))


def has_devices(m):
    out = m.run("ls /dev", 30)
    names = set(re.findall(r"^(\S+)", out, re.M))
    return "null" in names and "zero" in names


# ---- with /dev/null and /dev/zero

# What each direction's figure is, as the report names it.
DEV_LABEL = {"guest->host": "nc guest->host (nc 10.0.2.2 P < /dev/zero)",
             "host->guest": "nc host->guest (nc -l 9000 > /dev/null)"}


def dev_to_guest(m, data):
    cmd = f"nc -l {NCPORT} > /dev/null"
    start(m, cmd)
    t = send_to_guest(m, data)
    finish(m, cmd)
    return mbps(len(data), t)


def dev_from_guest(m):
    lsock, port = listener()
    with lsock:
        cmd = f"nc 10.0.2.2 {port} < /dev/zero"
        m.sendline(cmd)
        digest, n, t = recv_from_guest(lsock, SIZE)
    m.expect(PROMPT, 60, what=f"the prompt after {cmd!r}")   # nc: connection broke
    if digest != hashlib.sha256(bytes(SIZE)).hexdigest():
        raise SystemExit("nc_throughput: /dev/zero's bytes were not all zero")
    return mbps(n, t)


# ---- pipelines and files only

def pipe_to_guest(m, data):
    cmd = f"nc -l {NCPORT} | wc"
    start(m, cmd)
    t = send_to_guest(m, data)
    out = finish(m, cmd)
    counts = re.findall(r"^\s*(\d+)\s+(\d+)\s+(\d+)", out, re.M)
    if not counts or int(counts[-1][2]) != len(data):
        raise SystemExit(f"nc_throughput: wc counted {out.strip()!r}, "
                         f"not {len(data)} bytes")
    return mbps(len(data), t)


def upload(m, data, path):
    cmd = f"nc -l {NCPORT} > {path}"
    start(m, cmd)
    t = send_to_guest(m, data)
    finish(m, cmd)
    return mbps(len(data), t)


def cat_from_guest(m, path, want):
    lsock, port = listener()
    with lsock:
        cmd = f"cat {path} {path} {path} {path} | nc 10.0.2.2 {port}"
        m.sendline(cmd)
        digest, n, t = recv_from_guest(lsock)
    finish(m, cmd)
    if digest != want:
        raise SystemExit("nc_throughput: cat | nc sent other bytes than the file's")
    return mbps(n, t)


def relay(m, data):
    lsock, port = listener()
    with lsock:
        cmd = f"nc -l {NCPORT} | nc 10.0.2.2 {port}"
        start(m, cmd)
        got = {}
        th = threading.Thread(target=lambda: got.update(
            r=recv_from_guest(lsock)))
        th.start()
        with kt.connect(m, NCPORT) as s:
            s.settimeout(120)
            first = time.monotonic()
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            th.join(180)
            last = time.monotonic()
    finish(m, cmd)
    if "r" not in got or got["r"][0] != hashlib.sha256(data).hexdigest():
        raise SystemExit("nc_throughput: the relay did not return the bytes sent")
    return mbps(len(data), last - first)


def pipe_alone(m, path, n):
    """cat F F F F | wc in the guest: seconds from the command's echo to
    the prompt (serial latency is milliseconds)."""
    cmd = f"cat {path} {path} {path} {path} | wc"
    m.sendline(cmd)
    m.expect(re.escape(cmd) + r"\r*\n", 30, what=f"the echo of {cmd!r}")
    first = time.monotonic()
    m.expect(PROMPT, 120, what=f"the prompt after {cmd!r}")
    return mbps(n, time.monotonic() - first)


# ---- report

def line(what, figures, target=None):
    s = (f"{what}: median {statistics.median(figures):.1f} MB/s "
         f"[{', '.join(f'{x:.1f}' for x in figures)}]")
    if target is not None:
        s += f" (busybox nc, Linux 6.1 guest: {target} MB/s)"
    print(s, flush=True)


def main():
    global RUNS, SIZE
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--runs", type=int, default=RUNS)
    ap.add_argument("--mib", type=int, default=SIZE >> 20)
    a = ap.parse_args()
    if not os.path.exists(os.path.join(TOP, "kernel", "socket.h")):
        print("nc throughput: skipped (no lab 4 in this tree: kernel/socket.h missing)")
        return 0
    RUNS, SIZE = a.runs, a.mib << 20
    kt.SIZE = SIZE
    tdir = tempfile.mkdtemp(prefix="bvlab-nc-bench-")
    image = kt.snapshot(os.path.abspath(a.build), tdir)
    spec = boot_spec()
    print(f"conditions: as tcp_throughput (QEMU TCG, -smp 1 -m 128, legacy "
          f"virtio-net, slirp, {kt.SOCKBUF >> 10} KiB host buffers); "
          f"{RUNS} x {SIZE >> 20} MiB per figure", flush=True)
    m = Machine(spec, tdir, image)
    try:
        m.wait_boot(120)
        kt.wait_ready(m)
        data = os.urandom(SIZE)
        kernel_gh = [kt.from_guest(m) for _ in range(RUNS)]
        kernel_hg = [kt.to_guest(m, data) for _ in range(RUNS)]
        line("kernel guest->host (chargen, lab 3)", kernel_gh)
        line("kernel host->guest (discard, lab 3)", kernel_hg)
        if has_devices(m):
            line(DEV_LABEL["guest->host"],
                 [dev_from_guest(m) for _ in range(RUNS)], TARGET["guest->host"])
            line(DEV_LABEL["host->guest"],
                 [dev_to_guest(m, data) for _ in range(RUNS)], TARGET["host->guest"])
            return 0
        print("(the guest has no /dev/null and /dev/zero: nc's figures below go "
              "through files and 512-byte pipes)", flush=True)
        fdata = os.urandom(FILE_MIB << 20)
        path = "/ncbench"
        up = upload(m, fdata, path)
        want = hashlib.sha256(fdata * 4).hexdigest()
        line(f"nc guest->host (cat F F F F | nc 10.0.2.2 P, F {FILE_MIB} MiB)",
             [cat_from_guest(m, path, want) for _ in range(RUNS)],
             TARGET["guest->host"])
        line("nc host->guest (nc -l 9000 | wc)",
             [pipe_to_guest(m, data) for _ in range(RUNS)], TARGET["host->guest"])
        line("nc relay host->guest->host (nc -l 9000 | nc 10.0.2.2 P)",
             [relay(m, data) for _ in range(RUNS)])
        line(f"nc host->guest into a file (nc -l 9000 > F, 1 x {FILE_MIB} MiB)", [up])
        line(f"no network: cat F F F F | wc ({4 * FILE_MIB} MiB)",
             [pipe_alone(m, path, 4 * len(fdata)) for _ in range(3)])
    finally:
        m.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
