# Lab 5 tests: remote files through the kernel's NFS client, judged on the
# host by reading and writing the export directory directly.
#
# Each test starts its own nfsd (grader/nfs.py) on a free port with an
# empty export directory in the test's directory, and boots a machine on
# slirp with a static address; the guest names the server's files
# 10.0.2.2:PORT:/path. The guest helper nfstest (kernel/user/nfstest.c)
# writes files from a pseudo-random stream whose seed the host chose and
# knows, and reads files back to a size and FNV-1a hash the host
# recomputes; cat, ls, cp, mkdir and rm are the ordinary programs. So
# what passes is what the host found in its files, or the host's own
# random bytes coming back, never a claim the guest makes.
#
# A command that fails ends at once and the shell prompts again, so the
# stub tree (every remote open fails) fails each test in seconds.

import os
import random
import re
import time

import pytest

from grader import GradeFailure, Net, check, describe_diff, points, scale
from grader.nfs import NfsServer

STATIC = "ip=10.0.2.15/24,gw=10.0.2.2"
TIMEOUT_S = 5                   # NFS_TIMEOUT_MS (kernel/nfs.h)
MiB = 1 << 20


# ---------------------------------------------------------------- helpers

def stream(seed, n):
    """The first n bytes of nfstest's stream number seed (xorshift32 words,
    little-endian, from seed * 2654435761 + 1)."""
    x = (seed * 2654435761 + 1) & 0xFFFFFFFF
    out = bytearray()
    while len(out) < n:
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out += x.to_bytes(4, "little")
    return bytes(out[:n])


def fnv(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def seed():
    return random.randrange(1, 1 << 30)


def name():
    return "f" + os.urandom(6).hex()


@pytest.fixture
def nfs(boot, test_dir, image):
    """nfs(**NfsServer options): a fresh nfsd, and a machine at its first
    prompt. The server is stopped when the test ends."""
    servers = []

    def start(**kw):
        srv = NfsServer(image, test_dir, **kw)
        servers.append(srv)
        return boot(nets=(Net(kind="user", opts="romfile="),), cmdline=STATIC), srv

    yield start
    for srv in servers:
        srv.close()


def run(m, line, seconds=60):
    return m.run(line, timeout=seconds * scale())


def ended(m, pattern):
    """Has the console shown pattern yet (looking for 50 ms)?"""
    try:
        m.expect(pattern, 0.05, what="")
        return True
    except GradeFailure:
        if m.halted:
            raise
        return False


def host_file(srv, rel):
    try:
        with open(srv.path(rel), "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def expect_sum(m, srv, rel, data, what, buf=None):
    line = f"nfstest sum {srv.guest(rel)}" + (f" {buf}" if buf else "")
    out = run(m, line, 120)
    want = f"sum {len(data)} {fnv(data):x}"
    check(want in out, what, f"`{line}` to print {want!r}",
          out.strip()[-300:])


# ---------------------------------------------------------------- tests

@points(12, "read: files of 0 B, 1 B, 4 KiB and 1 MiB with random bytes read whole")
def test_read_sizes(nfs):
    m, srv = nfs()
    files = {name(): os.urandom(n) for n in (0, 1, 4096, MiB)}
    for rel, data in files.items():
        with open(srv.path(rel), "wb") as f:
            f.write(data)
    for rel, data in files.items():
        expect_sum(m, srv, rel, data, f"a host file of {len(data)} bytes read "
                   "in the guest hashes as on the host")
    big = next(r for r, d in files.items() if len(d) == MiB)
    expect_sum(m, srv, big, files[big], "the 1 MiB file read 64 KiB at a time "
               "(more than one READ per call)", buf=65536)


@points(12, "write: files of 0 B, 1 B, 4 KiB + 3 B and 1 MiB written in the guest appear byte for byte")
def test_write_sizes(nfs):
    m, srv = nfs()
    for size in (0, 1, 4099, MiB):
        rel, s = name(), seed()
        out = run(m, f"nfstest fill {srv.guest(rel)} {size} {s} 65536", 120)
        want = stream(s, size)
        got = host_file(srv, rel)
        check(got == want, f"the {size}-byte file the guest wrote is on the "
              "host byte for byte", f"{size} bytes of stream {s}",
              "no file" if got is None else describe_diff(want, got)
              + f"; the guest said {out.strip()[-200:]!r}")
    # Overwriting with O_TRUNC leaves only the new bytes.
    rel, s = name(), seed()
    with open(srv.path(rel), "wb") as f:
        f.write(os.urandom(50000))
    run(m, f"nfstest fill {srv.guest(rel)} 1000 {s}")
    got = host_file(srv, rel)
    check(got == stream(s, 1000), "O_TRUNC of a longer host file leaves only "
          "the 1000 bytes written", "1000 bytes", describe_diff(stream(s, 1000), got or b""))


@points(8, "cat, cp and wc on remote paths, both ways between disk and server")
def test_cat_cp(nfs):
    m, srv = nfs()
    text = "remote " + os.urandom(12).hex()
    with open(srv.path("note.txt"), "w") as f:
        f.write(text + "\n")
    out = run(m, f"cat {srv.guest('note.txt')}")
    check(text in out, "cat prints a host file", repr(text), out.strip()[-200:])
    out = run(m, f"wc {srv.guest('note.txt')}")
    check(re.search(rf"\b1\s+2\s+{len(text) + 1}\b", out) is not None,
          "wc counts the host file's lines, words and bytes",
          f"1 2 {len(text) + 1}", out.strip()[-200:])
    data = os.urandom(20000)
    with open(srv.path("src.bin"), "wb") as f:
        f.write(data)
    run(m, f"cp {srv.guest('src.bin')} {srv.guest('dst.bin')}")
    got = host_file(srv, "dst.bin")
    check(got == data, "cp from the server to the server copies every byte",
          "20000 bytes", "no file" if got is None else describe_diff(data, got))
    run(m, f"cp {srv.guest('src.bin')} local.bin")
    run(m, f"cp local.bin {srv.guest('back.bin')}")
    got = host_file(srv, "back.bin")
    check(got == data, "cp to the guest's disk and back to the server copies "
          "every byte", "20000 bytes", "no file" if got is None else describe_diff(data, got))


@points(8, "mkdir, rm of a file and of an empty directory are seen on the host")
def test_mkdir_rm(nfs):
    m, srv = nfs()
    d, sub = name(), name()
    run(m, f"mkdir {srv.guest(d)}")
    check(os.path.isdir(srv.path(d)), "mkdir makes the directory on the host",
          srv.path(d), "nothing there")
    run(m, f"mkdir {srv.guest(d + '/' + sub)}")
    check(os.path.isdir(srv.path(f"{d}/{sub}")), "mkdir inside a remote "
          "directory", srv.path(f"{d}/{sub}"), "nothing there")
    with open(srv.path(f"{d}/victim"), "w") as f:
        f.write("x")
    run(m, f"rm {srv.guest(d + '/victim')}")
    check(not os.path.exists(srv.path(f"{d}/victim")), "rm removes a host file",
          "it gone", "it is still there")
    out = run(m, f"rm {srv.guest(d)}")
    check(os.path.isdir(srv.path(d)), "rm of a directory that has entries "
          "fails and leaves it", "it still there", f"gone; the guest said {out!r}")
    run(m, f"rm {srv.guest(d + '/' + sub)}")
    check(not os.path.exists(srv.path(f"{d}/{sub}")), "rm removes an empty "
          "remote directory", "it gone", "it is still there")
    out = run(m, f"mkdir {srv.guest(d)}")
    check("mkdir" in out, "mkdir of an existing name fails (and says so)",
          "mkdir's error message", repr(out.strip()))


@points(10, "ls lists a host-made directory of 40 entries, each exactly once")
def test_ls(nfs):
    m, srv = nfs()
    d = name()
    os.mkdir(srv.path(d))
    names = {"e" + os.urandom(random.randrange(4, 30)).hex() for _ in range(36)}
    subdirs = {"d" + os.urandom(5).hex() for _ in range(4)}
    for n in names:
        with open(srv.path(f"{d}/{n}"), "wb") as f:
            f.write(os.urandom(len(n)))
    for n in subdirs:
        os.mkdir(srv.path(f"{d}/{n}"))
    out = run(m, f"ls {srv.guest(d)}", 60)
    listed = [line.split()[0] for line in out.splitlines()
              if line.strip() and line.split()[0] in names | subdirs]
    want = names | subdirs
    dup = sorted({n for n in listed if listed.count(n) > 1})
    missing = sorted(want - set(listed))
    check(not dup and not missing, "every entry is listed exactly once",
          f"{len(want)} names, each once",
          f"missing {missing[:5]} ({len(missing)}), repeated {dup[:5]} ({len(dup)})")
    rows = {line.split()[0]: line.split() for line in out.splitlines()
            if line.strip() and line.split()[0] in want}
    wrong = [n for n in names if rows[n][1:2] != ["2"] or rows[n][-1] != str(len(n))]
    wrong += [n for n in subdirs if rows[n][1:2] != ["1"]]
    check(not wrong, "each entry shows its type (1 directory, 2 file) and "
          "a file its size", "the host's types and sizes",
          f"wrong for {[' '.join(rows[n]) for n in wrong[:3]]}")


@points(8, "seek, then read and write, land at the offset asked for")
def test_seek(nfs):
    m, srv = nfs()
    data = bytearray(os.urandom(10000))
    with open(srv.path("s.bin"), "wb") as f:
        f.write(data)
    roff, woff, text = random.randrange(100, 5000), random.randrange(5000, 9000), os.urandom(6).hex()
    out = run(m, f"nfstest seek {srv.guest('s.bin')} {roff} {woff} {text}")
    want = data[roff:roff + 16].hex()
    check(f"seek {want}" in out, f"16 bytes read after seek to {roff} are "
          "the host's", want, out.strip()[-200:])
    data[woff:woff + len(text)] = text.encode()
    got = host_file(srv, "s.bin")
    check(got == bytes(data), f"a write after seek to {woff} changes those "
          "bytes and no others", "the host's file with the text at the offset",
          describe_diff(bytes(data), got or b""))
    # Past the end: the file grows, the gap reads as zeros.
    out = run(m, f"nfstest seek {srv.guest('s.bin')} 0 12000 {text}")
    got = host_file(srv, "s.bin") or b""
    want = bytes(data) + bytes(2000) + text.encode()
    check(got == want, "a write after seek past the end extends the file",
          f"{len(want)} bytes", describe_diff(want, got))


@points(5, "a missing remote file, or a file used as a directory, gives -1")
def test_missing(nfs):
    m, srv = nfs()
    data = os.urandom(300)
    with open(srv.path("plain"), "wb") as f:
        f.write(data)
    expect_sum(m, srv, "plain", data, "a file that is there reads")
    for rel in (name(), f"{name()}/x", "plain/x"):
        out = run(m, f"nfstest sum {srv.guest(rel)}")
        check("sum open failed" in out, f"open of {rel!r} fails",
              "nfstest's 'sum open failed'", out.strip()[-200:])
    out = run(m, f"cat {srv.guest('nothere')}")
    check("cannot open" in out, "cat of a missing remote file fails",
          "cat: cannot open ...", out.strip()[-200:])
    check(sorted(os.listdir(srv.path())) == ["plain"], "failed opens make "
          "nothing on the host", "['plain']", str(sorted(os.listdir(srv.path()))))


@points(6, "two opens of one file have offsets of their own")
def test_two_opens(nfs):
    m, srv = nfs()
    data = os.urandom(64)
    with open(srv.path("t.bin"), "wb") as f:
        f.write(data)
    out = run(m, f"nfstest twoopen {srv.guest('t.bin')}")
    want = f"twoopen {data[:8].hex()} {data[:8].hex()} {data[8:16].hex()}"
    check(want in out, "each open starts at 0 and moves only its own offset",
          want, out.strip()[-200:])


@points(8, "4 guest processes writing 256 KiB files at once lose nothing")
def test_concurrent_writers(nfs):
    m, srv = nfs()
    s, size = seed(), 256 * 1024
    out = run(m, f"nfstest writers 4 {size} {s} {srv.guest('w')}", 180)
    for i in range(4):
        got, want = host_file(srv, f"w{i}"), stream(s + i, size)
        check(got == want, f"writer {i}'s file is on the host byte for byte",
              f"{size} bytes of stream {s + i}",
              "no file" if got is None else describe_diff(want, got)
              + f"; the guest said {out.strip()[-200:]!r}")


@points(8, "nfsd killed mid-write: -1 within seconds, the shell answers, a restarted nfsd is used")
def test_server_killed(nfs):
    m, srv = nfs()
    rel, s = name(), seed()
    line = f"nfstest fill {srv.guest(rel)} {64 * MiB} {s} 65536"
    m.sendline(line)
    end = time.monotonic() + 60 * scale()
    while (os.path.getsize(srv.path(rel)) if os.path.exists(srv.path(rel)) else 0) < MiB:
        check(time.monotonic() < end, "the guest's 64 MiB write starts",
              "1 MiB on the host within 60 s", "less")
        check(not ended(m, r"\nfill (?:ok|\w+ failed)[^\n]*\n"), "the guest's 64 MiB write "
              "goes on while nfsd runs", "no word from nfstest yet",
              m.child.after if isinstance(m.child.after, str) else "")
    srv.stop()
    t0 = time.monotonic()
    m.expect(r"fill write failed[^\n]*\n", (TIMEOUT_S + 10) * scale(),
             what="the write to fail once nfsd is gone")
    took = time.monotonic() - t0
    check(took < (TIMEOUT_S + 5) * scale(), "the failure comes within seconds",
          f"under {TIMEOUT_S + 5} s", f"{took:.1f} s")
    word = os.urandom(6).hex()
    out = run(m, f"echo {word}", 30)
    check(word in out, "the shell answers after the failure", word, out)
    srv.start()
    data = os.urandom(100000)
    with open(srv.path("after.bin"), "wb") as f:
        f.write(data)
    expect_sum(m, srv, "after.bin", data, "after nfsd restarts (same port) "
               "the client connects again and reads")


@points(6, "a silent nfsd: the call fails within seconds; kill ends a call blocked on it")
def test_server_silent(nfs):
    m, srv = nfs()
    data = os.urandom(5000)
    with open(srv.path("q.bin"), "wb") as f:
        f.write(data)
    expect_sum(m, srv, "q.bin", data, "a first read works")
    srv.pause()
    t0 = time.monotonic()
    out = run(m, f"nfstest sum {srv.guest('q.bin')}", TIMEOUT_S * 3 + 20)
    took = time.monotonic() - t0
    check("failed" in out and took < (TIMEOUT_S + 8) * scale(),
          "a read from a stopped nfsd fails within NFS_TIMEOUT_MS and a little",
          f"'sum ... failed' within {TIMEOUT_S + 8} s",
          f"{out.strip()[-100:]!r} after {took:.1f} s")
    # A call blocked on the silent server, killed: it must end then, not
    # at its timeout (when it would print 'hold open failed').
    m.sendline(f"nfstest hold {srv.guest('q.bin')} &")
    m.expect(r"hold pid (\d+)", 30 * scale(), what="nfstest hold's pid")
    pid = m.child.match.group(1)
    run(m, f"kill {pid}", 30)
    time.sleep(TIMEOUT_S + 3)
    m.watch(0.5, "the killed process")
    check("hold open failed" not in m.log_text() and "hold read" not in m.log_text(),
          "the killed process ended at the kill", "no word from it after the kill",
          "it went on to its timeout ('hold ... failed')")
    srv.resume()
    expect_sum(m, srv, "q.bin", data, "after nfsd goes on, the client "
               "reads again")


@points(5, "escapes through the client (.., symlinks out) are refused by the server")
def test_escapes(nfs, test_dir):
    m, srv = nfs()
    secret = "secret-" + os.urandom(8).hex()
    with open(os.path.join(test_dir, "secret.txt"), "w") as f:
        f.write(secret)
    os.symlink(test_dir, srv.path("out"))
    inside = "inside-" + os.urandom(8).hex()
    with open(srv.path("in.txt"), "w") as f:
        f.write(inside + "\n")
    out = run(m, f"cat {srv.guest('in.txt')}")
    check(inside in out, "cat of a file inside the export works", inside,
          out.strip()[-200:])
    for rel in ("../secret.txt", "out/secret.txt", "a/../../secret.txt"):
        out = run(m, f"cat {srv.guest(rel)}")
        check(secret not in out, f"cat of {rel!r} does not reach the file "
              "outside the export", "an error", out.strip()[-200:])
    run(m, f"cp README.md {srv.guest('planted')}")
    check(os.path.exists(srv.path("planted")), "cp to a name inside the "
          "export makes the file", srv.path("planted"), "no file")
    for rel in ("../planted", "out/planted"):
        run(m, f"cp README.md {srv.guest(rel)}")
        check(not os.path.exists(os.path.join(test_dir, "planted")),
              f"cp to {rel!r} makes nothing outside the export", "no file",
              "a file outside the export")


@points(4, "a write the server refuses (file size limit) makes write() fail")
def test_write_error(nfs):
    m, srv = nfs(fsize_limit=MiB)
    rel, s = name(), seed()
    out = run(m, f"nfstest fill {srv.guest(rel)} {2 * MiB} {s}", 120)
    got = host_file(srv, rel) or b""
    check(len(got) <= MiB and "fill write failed" in out, "the write past "
          "nfsd's 1 MiB limit fails in the guest",
          "'fill write failed', at most 1 MiB on the host",
          f"{out.strip()[-100:]!r}, {len(got)} bytes on the host")
