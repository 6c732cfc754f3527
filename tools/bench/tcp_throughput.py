"""Kernel TCP throughput through QEMU's user-mode network (slirp), in MB/s.

One machine, booted the way lab 3's tests boot it (GRUB ISO, kernel
command line `ip=10.0.2.15/24,gw=10.0.2.2`), but under the
conditions of the Linux figures we compare with (LWIP-NOTES.md): 1 vCPU,
legacy virtio-net, slirp, 128 KiB socket buffers on the host. The host
reaches the kernel's own test services (kernel/net/services.c) through
hostfwd rules; no user program is involved.

  guest -> host   chargen (TCP 19): the host reads SIZE bytes and checks
                  them against RFC 864's pattern; timed from the first
                  byte received to the last (the bytes of the first
                  read, there before the clock started, do not count)
  host -> guest   discard (TCP 9): the host sends SIZE bytes and a FIN and
                  waits for the guest's FIN, which discard sends only after
                  it has read everything; timed from the first byte sent
                  to that FIN (so slirp's and the host's buffers cannot
                  make the figure look better than what the guest took)

Each direction: RUNS transfers on fresh connections, every figure and the
median printed. MB is 10^6 bytes, as the Linux figures use.

    tools/bench/tcp_throughput.py [--build DIR] [--runs N] [--mib N]

--build boots another build directory's image (default: build/).
"""
import argparse
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, TOP)
from grader import platform as plat  # noqa: E402
from grader.machine import Machine  # noqa: E402

RUNS = 5
SIZE = 16 << 20
SOCKBUF = 128 << 10
CMDLINE = "ip=10.0.2.15/24,gw=10.0.2.2"
LEGACY = "disable-modern=on,romfile="       # virtio 0.9.5 only, as in lab 2
DISCARD, CHARGEN = 9, 19
TARGET = {"guest->host": 82.7, "host->guest": 182.6}   # Linux 6.1, same QEMU

# RFC 864's pattern as services.c sends it: 95 lines of 72 characters.
CHARGEN_PERIOD = b"".join(bytes(32 + (i + j) % 95 for j in range(72)) + b"\r\n"
                          for i in range(95))


def connect(m, port):
    """A connection to the guest's port, with 128 KiB buffers (set before
    connect, so the window scale offered to slirp allows them)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SOCKBUF)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKBUF)
    s.settimeout(30)
    s.connect(("127.0.0.1", m.hostport(port)))
    return s


def wait_ready(m, seconds=120):
    """Until chargen answers through its forward: slirp accepts on the host
    at once and drops the connection while the guest does not answer."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with connect(m, CHARGEN) as s:
                s.settimeout(3)
                if s.recv(1):
                    return
        except OSError:
            pass
        m.watch(0.5, "the chargen service to answer")
    raise SystemExit("tcp_throughput: chargen never answered")


def from_guest(m):
    """MB/s of one chargen transfer of SIZE bytes."""
    want = (CHARGEN_PERIOD * (SIZE // len(CHARGEN_PERIOD) + 1))[:SIZE]
    buf = bytearray(SIZE)
    view = memoryview(buf)
    n = 0
    with connect(m, CHARGEN) as s:
        while n < SIZE:
            k = s.recv_into(view[n:], SIZE - n)
            if k == 0:
                raise SystemExit(f"tcp_throughput: chargen closed after {n} bytes")
            if n == 0:
                first, head = time.monotonic(), k
            n += k
        last = time.monotonic()
    if buf != want:
        raise SystemExit("tcp_throughput: chargen's bytes are not RFC 864's pattern")
    # The first recv's bytes had arrived before the clock started.
    return (SIZE - head) / (last - first) / 1e6


def to_guest(m, data):
    """MB/s of one discard transfer of data."""
    with connect(m, DISCARD) as s:
        first = time.monotonic()
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        s.settimeout(60)
        rest = s.recv(1)
        last = time.monotonic()
    if rest != b"":
        raise SystemExit(f"tcp_throughput: discard sent back {rest!r}")
    return len(data) / (last - first) / 1e6


def report(direction, service, figures):
    print(f"tcp {direction} ({service}), {len(figures)} x {SIZE >> 20} MiB: "
          f"median {statistics.median(figures):.1f} MB/s "
          f"[{', '.join(f'{x:.1f}' for x in figures)}] "
          f"(Linux 6.1 guest: {TARGET[direction]} MB/s)", flush=True)


def snapshot(build, tdir):
    """The image to boot, copied (as the grader copies it) so that a
    rebuild during the run cannot change what is measured."""
    image = os.path.join(tdir, "image")
    os.makedirs(image)
    for name in ("kernel.elf", "fs.img"):
        src = os.path.join(build, name)
        if not os.path.exists(src):
            raise SystemExit(f"tcp_throughput: {src} missing: run make first")
        shutil.copy(src, image)
    shutil.copy(os.path.join(TOP, "tools", "grub.cfg.in"), image)
    return plat.Image(image)


def main():
    global RUNS, SIZE
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--runs", type=int, default=RUNS)
    ap.add_argument("--mib", type=int, default=SIZE >> 20)
    a = ap.parse_args()
    RUNS, SIZE = a.runs, a.mib << 20
    tdir = tempfile.mkdtemp(prefix="bvlab-tcp-bench-")
    image = snapshot(os.path.abspath(a.build), tdir)
    spec = plat.BootSpec(mem=128, smp=1, cmdline=CMDLINE,
                         nets=(plat.Net(kind="user", opts=LEGACY, pcap=False,
                                        hostfwd=(("tcp", DISCARD),
                                                 ("tcp", CHARGEN))),))
    print(f"conditions: QEMU TCG, -smp 1 -m 128, legacy virtio-net "
          f"({LEGACY}), slirp hostfwd, host socket buffers "
          f"{SOCKBUF >> 10} KiB, kernel command line '{CMDLINE}'", flush=True)
    m = Machine(spec, tdir, image)
    try:
        m.wait_boot(120)
        wait_ready(m)
        report("guest->host", "chargen, port 19",
               [from_guest(m) for _ in range(RUNS)])
        data = os.urandom(SIZE)
        report("host->guest", "discard, port 9",
               [to_guest(m, data) for _ in range(RUNS)])
    finally:
        m.close()


if __name__ == "__main__":
    main()
