"""Remote files (lab 5): the kernel's NFS client moving a large file, and
doing many small operations, beside lab 4's raw TCP (nc) in the same boot.

One machine, booted as nc_throughput.py boots it (1 vCPU, legacy
virtio-net, slirp, 128 KiB host socket buffers, static address), and one
nfsd on the host's 127.0.0.1, which the guest reaches as 10.0.2.2:PORT.
The guest helper is nfstest (kernel/user/nfstest.c):

  write   nfstest fill F 16 MiB SEED 65536: create F, then 65536-byte
          write()s of nfstest's stream SEED; the host then checks F's
          size and every byte against its own copy of the stream
  read    nfstest sum F 65536: 65536-byte read()s of a host file of
          random bytes to its end; the host checks the printed size and
          FNV-1a hash against its own
  create  nfstest small P N 512 SEED: N files P0 .. P(N-1), one after
          another, each one open(O_CREATE) + one 512-byte write + close;
          the host checks that all N are there with their bytes
  stat    nfstest stat P N: stat() of those N files (open + fstat +
          close each, as ulib's stat does); the host checks the total
          size nfstest prints

Each figure is timed on the host: from the guest's echo of the command
line (the guest has the whole line then) to the shell's next prompt, so
it includes nfstest's exec and its one line of output (milliseconds
next to seconds). Each run uses a fresh file or fresh names. MB is 10^6
bytes.

Beside them, in the same boot, lab 4's raw TCP figures as
nc_throughput.py measures them (its functions, imported): nc guest->host
from /dev/zero, nc host->guest into /dev/null. The issue's target is a
remote file moving at least 0.8 x raw TCP: write against guest->host,
read against host->guest. Reported, never judged.

    tools/bench/nfs_throughput.py [--build DIR] [--runs N] [--mib N] [--files N]

Skips, with a message, in a tree without lab 5 (no kernel/nfs/ or nfsd/).
"""
import argparse
import array
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, TOP)
sys.path.insert(0, HERE)
from grader.machine import PROMPT, Machine  # noqa: E402
from grader.nfs import NfsServer  # noqa: E402
import nc_throughput as nc  # noqa: E402
import tcp_throughput as kt  # noqa: E402

RUNS = 5
SMALL_RUNS = 3
SIZE = 16 << 20
BUF = 65536                     # nfstest's largest read or write
FILES = 1500                    # small files per run: runs of 2-5 s
SMALL_SIZE = 512
TARGET_RATIO = 0.8              # the issue's: NFS at least 0.8 x raw TCP


# ---- what the host expects (nfstest's stream and hash, as test_lab5.py)

def stream(seed, n):
    """The first n bytes of nfstest's stream number seed: xorshift32
    words, little-endian, from seed * 2654435761 + 1."""
    words = array.array("I", bytes((n + 3) & ~3))
    x = (seed * 2654435761 + 1) & 0xFFFFFFFF
    for i in range(len(words)):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        words[i] = x
    if sys.byteorder == "big":
        words.byteswap()
    return words.tobytes()[:n]


def fnv(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


# ---- one timed command

def timed(m, cmd, want):
    """Type cmd; seconds from its echo to the prompt. The output must
    match the regex want, multiline (nfstest's line for success)."""
    m.sendline(cmd)
    m.expect(re.escape(cmd) + r"\r*\n", 30, what=f"the echo of {cmd!r}")
    first = time.monotonic()
    m.expect(PROMPT, 180, what=f"the prompt after {cmd!r}")
    took = time.monotonic() - first
    out = m.child.before.replace("\r", "")
    if not re.search(want, out, re.M):
        raise SystemExit(f"nfs_throughput: {cmd!r} said {out.strip()!r}, "
                         f"not {want!r}")
    return took


def host_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def write_run(m, srv, rel, seed, want):
    t = timed(m, f"nfstest fill {srv.guest(rel)} {SIZE} {seed} {BUF}",
              rf"^fill ok {SIZE}$")
    got = host_bytes(srv.path(rel))
    if got != want:
        where = "no file" if got is None else f"{len(got)} bytes" + (
            "" if len(got) != len(want) else ", other bytes")
        raise SystemExit(f"nfs_throughput: the host's {rel} is not the "
                         f"{SIZE} bytes of stream {seed} ({where})")
    os.unlink(srv.path(rel))
    return nc.mbps(SIZE, t)


def read_run(m, srv, rel, digest):
    t = timed(m, f"nfstest sum {srv.guest(rel)} {BUF}",
              rf"^sum {SIZE} {digest:x}$")
    return nc.mbps(SIZE, t)


def small_run(m, srv, prefix, n, seed):
    t = timed(m, f"nfstest small {srv.guest(prefix)} {n} {SMALL_SIZE} {seed}",
              rf"^small ok {n}$")
    for i in range(n):
        if host_bytes(srv.path(f"{prefix}{i}")) != stream(seed + i, SMALL_SIZE):
            raise SystemExit(f"nfs_throughput: the host's {prefix}{i} is not "
                             f"the {SMALL_SIZE} bytes of stream {seed + i}")
    return n / t


def stat_run(m, srv, prefix, n):
    t = timed(m, f"nfstest stat {srv.guest(prefix)} {n}",
              rf"^stat {n} {n * SMALL_SIZE}$")
    return n / t


# ---- report

def rate(what, figures, unit):
    print(f"{what}: median {statistics.median(figures):.1f} {unit} "
          f"[{', '.join(f'{x:.1f}' for x in figures)}]", flush=True)


def ratio(what, nfs, raw):
    r = statistics.median(nfs) / statistics.median(raw)
    print(f"{what}: {r:.2f} of raw TCP (target: at least {TARGET_RATIO}; "
          f"{'met' if r >= TARGET_RATIO else 'not met'})", flush=True)


def lab5_missing():
    return [p for p in ("kernel/nfs", "nfsd")
            if not os.path.isdir(os.path.join(TOP, p))]


def snapshot(build, tdir):
    """nc_throughput's image, and nfsd beside it (where NfsServer looks)."""
    image = kt.snapshot(build, tdir)
    src = os.path.join(build, "nfsd", "nfsd")
    if not os.path.exists(src):
        raise SystemExit(f"nfs_throughput: {src} missing: run make nfsd first")
    shutil.copy(src, image.path("nfsd"))
    return image


def main():
    global RUNS, SIZE
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--runs", type=int, default=RUNS)
    ap.add_argument("--mib", type=int, default=SIZE >> 20)
    ap.add_argument("--files", type=int, default=FILES)
    a = ap.parse_args()
    missing = lab5_missing()
    if missing:
        print(f"nfs throughput: skipped (no lab 5 in this tree: "
              f"{' and '.join(p + '/' for p in missing)} missing)")
        return 0
    RUNS, SIZE = a.runs, a.mib << 20
    nc.SIZE = kt.SIZE = SIZE
    tdir = tempfile.mkdtemp(prefix="bvlab-nfs-bench-")
    image = snapshot(os.path.abspath(a.build), tdir)
    srv = NfsServer(image, tdir)
    print(f"conditions: as nc_throughput (QEMU TCG, -smp 1 -m 128, legacy "
          f"virtio-net, slirp, {kt.SOCKBUF >> 10} KiB host buffers); nfsd "
          f"-r {srv.export} on 127.0.0.1:{srv.port} (10.0.2.2:{srv.port} from "
          f"the guest); {RUNS} x {SIZE >> 20} MiB per MB/s figure, "
          f"{BUF}-byte reads and writes", flush=True)
    m = None
    try:
        m = Machine(nc.boot_spec(), tdir, image)
        m.wait_boot(120)
        kt.wait_ready(m)
        raw = {}
        if nc.has_devices(m):
            data = os.urandom(SIZE)
            for d, measure in (("guest->host", lambda: nc.dev_from_guest(m)),
                               ("host->guest", lambda: nc.dev_to_guest(m, data))):
                raw[d] = [measure() for _ in range(RUNS)]
                nc.line(nc.DEV_LABEL[d], raw[d], nc.TARGET[d])
        else:
            print("(the guest has no /dev/null and /dev/zero: no raw nc "
                  "figures to compare with)", flush=True)

        seed = random.randrange(1, 1 << 30)
        want = stream(seed, SIZE)
        writes = [write_run(m, srv, f"w{i}", seed, want) for i in range(RUNS)]
        rate(f"nfs write (nfstest fill, {SIZE >> 20} MiB, {BUF}-byte writes)",
             writes, "MB/s")
        if raw:
            ratio("nfs write / nc guest->host", writes, raw["guest->host"])

        data = os.urandom(SIZE)
        with open(srv.path("r"), "wb") as f:
            f.write(data)
        digest = fnv(data)
        reads = [read_run(m, srv, "r", digest) for _ in range(RUNS)]
        rate(f"nfs read (nfstest sum, {SIZE >> 20} MiB, {BUF}-byte reads)",
             reads, "MB/s")
        if raw:
            ratio("nfs read / nc host->guest", reads, raw["host->guest"])

        creates, stats = [], []
        for i in range(SMALL_RUNS):
            prefix = f"s{i}-"
            creates.append(small_run(m, srv, prefix, a.files, seed + i * a.files))
            stats.append(stat_run(m, srv, prefix, a.files))
        rate(f"nfs create+write+close of {SMALL_SIZE}-byte files "
             f"(nfstest small, {a.files} per run)", creates, "files/s")
        rate(f"nfs stat of those files (nfstest stat: open+fstat+close, "
             f"{a.files} per run)", stats, "files/s")
        print(f"(every figure: host wall time from the guest's echo of the "
              f"command to its next prompt; {SMALL_RUNS} runs of the "
              f"small-file figures)", flush=True)
    finally:
        if m is not None:
            m.close()
        srv.close()
        shutil.rmtree(srv.export, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
