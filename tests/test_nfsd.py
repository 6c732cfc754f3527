"""nfsd from the host, through a client written from the protocol page
alone (tests/nfsd_proto.py): the operations, 16 clients at once, every
escape from the export we could think of, and hostile input (truncated,
oversized, garbage messages, clients that stall) while other clients
carry on. Each test starts its own nfsd on its own export directory.
"""
import os
import random
import re
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nfsd_proto as P  # noqa: E402
from nfsd_proto import ERR, Client, Error  # noqa: E402


@pytest.fixture(scope="module")
def nfsd_bin(tmp_path_factory):
    b = tmp_path_factory.mktemp("nfsd-build")
    r = subprocess.run(["make", "--no-print-directory", f"B={b}", "nfsd"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, "make nfsd failed:\n" + r.stdout + r.stderr
    return str(b / "nfsd" / "nfsd")


class Server:
    def __init__(self, binary, export, env=None):
        self.export = str(export)
        for _ in range(20):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.port = s.getsockname()[1]
            self.proc = subprocess.Popen([binary, "-r", self.export, "-p", str(self.port)],
                                         stderr=subprocess.PIPE, text=True,
                                         env=dict(os.environ, **(env or {})))
            end = time.monotonic() + 10
            while time.monotonic() < end and self.proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return
                except OSError:
                    time.sleep(0.05)
            self.stop()
        raise RuntimeError("nfsd did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def alive(self):
        return self.proc.poll() is None


@pytest.fixture
def server(nfsd_bin, tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    srv = Server(nfsd_bin, export)
    yield srv
    alive = srv.alive()
    srv.stop()
    assert alive, "nfsd died: " + srv.proc.stderr.read()


def expect_error(name, fn, *args):
    with pytest.raises(Error) as e:
        fn(*args)
    assert e.value.name == name, f"{fn.__name__}{args}: {e.value.name}, expected {name}"


def test_usage(nfsd_bin, tmp_path):
    for argv in ([], ["-r", str(tmp_path)], ["-p", "1234"], ["-r", str(tmp_path), "-p", "0"],
                 ["-r", str(tmp_path), "-p", "70000"], ["-r", str(tmp_path), "-p", "12x"],
                 ["-r", str(tmp_path), "-p", "1234", "-b", "nowhere"],
                 ["-r", str(tmp_path / "missing"), "-p", "1234"], ["-x"]):
        r = subprocess.run([nfsd_bin] + argv, capture_output=True, text=True, timeout=10)
        assert r.returncode == 2, f"nfsd {' '.join(argv)}: exit {r.returncode}"
        assert "usage" in r.stderr or "nfsd:" in r.stderr
    r = subprocess.run([nfsd_bin], capture_output=True, text=True, timeout=10)
    assert "127.0.0.1" in r.stderr, "the usage text says why the default bind is loopback"


def test_operations(server):
    c = Client(server.port)
    h = c.create(0, "a.txt", P.RDWR, 0o640)
    c.write(h, 0, b"hello")
    c.write(h, 10, b"world")                      # a gap reads as zeros
    assert c.read(h, 0, 100) == b"hello" + b"\0" * 5 + b"world"
    assert c.read(h, 15, 10) == b""
    st = c.stat(h)
    assert st["kind"] == 1 and st["size"] == 15 and st["perm"] == 0o640
    c.clunk(h)
    with open(os.path.join(server.export, "a.txt"), "rb") as f:
        assert f.read() == b"hello\0\0\0\0\0world"
    expect_error("EXIST", c.create, 0, "a.txt")
    h, st = c.lookup("a.txt")
    assert st["size"] == 15
    expect_error("NOTOPEN", c.read, h, 0, 1)
    c.open(h, P.READ)
    expect_error("INVAL", c.open, h, P.READ)
    expect_error("NOTOPEN", c.write, h, 0, b"x")
    expect_error("INVAL", c.read, h, 0, c.msize)   # over IOUNIT
    c.clunk(h)
    expect_error("BADHANDLE", c.stat, h)
    expect_error("INVAL", c.clunk, 0)

    c.mkdir(0, "d")
    d, st = c.lookup("d")
    assert st["kind"] == 2
    expect_error("ISDIR", c.open, d, P.READ)
    f = c.create(d, "f", P.WRITE)
    c.write(f, 0, b"x")
    expect_error("NOTEMPTY", c.rmdir, 0, "d")
    expect_error("ISDIR", c.unlink, 0, "d")
    expect_error("NOTDIR", c.rmdir, d, "f")
    c.unlink(d, "f")
    expect_error("NOENT", c.unlink, d, "f")
    c.rmdir(0, "d")
    expect_error("NOENT", c.lookup, "d")
    expect_error("NOTDIR", c.lookup, "a.txt/x")
    h, _ = c.lookup("a.txt")
    c.open(h, P.WRITE | P.TRUNC)
    assert c.stat(h)["size"] == 0
    expect_error("INVAL", c.open, 0, 0x33)
    # Permissions are perm & 0755; a handle stands for its path.
    w = c.create(0, "w", P.WRITE, 0o777)
    c.mkdir(0, "wd", 0o777)
    assert c.stat(w)["perm"] == 0o755 and c.lookup("wd")[1]["perm"] == 0o755
    s, _ = c.lookup("w")
    os.rename(os.path.join(server.export, "w"), os.path.join(server.export, "w2"))
    expect_error("NOENT", c.stat, s)
    c.write(w, 0, b"still")                       # the opened file, renamed
    assert open(os.path.join(server.export, "w2"), "rb").read() == b"still"
    c.close()


def test_pipelined_requests_answered_in_order(server):
    c = Client(server.port)
    h = c.create(0, "p", P.RDWR)
    c.sock.sendall(P.write(h, 0, b"abc", tag=100) + P.read(h, 0, 3, tag=101) +
                   P.lookup("..", tag=102) + P.read(h, 1 << 63, 1, tag=103) + P.stat(h, tag=104))
    got = [c.reply()[:3] for _ in range(5)]
    assert got == [(0x86, 100, 0), (0x85, 101, 0), (0x82, 102, ERR["BADPATH"]),
                   (0x85, 103, ERR["INVAL"]), (0x87, 104, 0)], got
    c.close()


def test_readdir_resumes_exactly(server):
    names = {f"file-{i:03d}-" + "n" * (i % 40) for i in range(300)}
    for n in names:
        open(os.path.join(server.export, n), "w").close()
    os.mkdir(os.path.join(server.export, "sub"))
    c = Client(server.port, msize=P.MSIZE_MIN)      # many small pages
    assert c.msize == P.MSIZE_MIN
    listed = c.listdir(0)
    assert len(listed) == len(set(listed)), "an entry came twice"
    assert set(listed) == names | {"sub"}
    c.close()


def test_handles_are_bounded(server):
    c = Client(server.port)
    hs = [c.lookup("")[0] for _ in range(P.HANDLE_MAX - 1)]
    assert sorted(hs) == list(range(1, P.HANDLE_MAX))
    expect_error("TOOMANY", c.lookup, "")
    c.clunk(hs[5])
    assert c.lookup("")[0] == hs[5]
    c.close()


def test_handshake_rules(server):
    c = Client(server.port, handshake=False)
    for m, want in ((P.lookup(""), "PROTO"), (P.hello(version=2), "VERSION"),
                    (P.hello(msize=100), "INVAL")):
        with pytest.raises(Error) as e:
            c.call(m, m[4])
        assert e.value.name == want
    body = c.call(P.hello(msize=1 << 30), P.T_HELLO)
    assert struct.unpack("<II", body) == (1, P.MSIZE_MAX)
    c.msize = P.MSIZE_MAX
    expect_error("PROTO", c.call, P.hello(), P.T_HELLO)
    c.close()


def test_sixteen_clients_lose_nothing(server):
    want, errors = {}, []
    all_connected = threading.Barrier(16, timeout=30)   # then all write at once

    def client(i):
        try:
            rnd = random.Random(i)
            data = rnd.randbytes(1_000_000 + i * 1000)
            want[f"c{i}.bin"] = data
            c = Client(server.port, msize=rnd.choice([4096, 16384, P.MSIZE_MAX]))
            h = c.create(0, f"c{i}.bin", P.WRITE)
            all_connected.wait()
            off = 0
            while off < len(data):
                n = rnd.randint(1, P.MSIZE_MAX) % (c.msize - 32) + 1
                c.write(h, off, data[off:off + n])
                off += n
            c.clunk(h)
            c.close()
        except Exception as e:      # noqa: BLE001 - reported below
            errors.append(f"client {i}: {e!r}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    for name, data in want.items():
        with open(os.path.join(server.export, name), "rb") as f:
            assert f.read() == data, f"{name} differs on disk"


def test_escapes_refused(server, tmp_path):
    ex = server.export
    (tmp_path / "secret").write_text("outside\n")
    os.symlink("/", os.path.join(ex, "root"))
    os.symlink("..", os.path.join(ex, "up"))
    os.symlink(str(tmp_path / "secret"), os.path.join(ex, "abs"))
    os.mkdir(os.path.join(ex, "d"))
    c = Client(server.port)
    for path in ("../../etc/passwd", "..", "/etc/passwd", "/", "d/../../secret",
                 "root/etc/passwd", "root", "up/secret", "up", "abs", "d/../d",
                 "./d", "d//x", "d/", "a\0b", "d/\0"):
        expect_error("BADPATH", c.lookup, path)
    d, _ = c.lookup("d")
    for fn, args in ((c.create, (0, "a/b")), (c.create, (0, "a\0b")), (c.create, (0, "..")),
                     (c.create, (0, "/etc/x")), (c.create, (d, ".")), (c.mkdir, (0, "../x")),
                     (c.mkdir, (d, "x/y")), (c.unlink, (0, "../secret")),
                     (c.unlink, (0, "up/secret")), (c.rmdir, (0, "..")), (c.create, (0, ""))):
        expect_error("BADPATH", fn, *args)
    # Opening through a handle looked up before a swap stays inside too.
    h = c.create(d, "f", P.WRITE)
    c.clunk(h)
    h, _ = c.lookup("d/f")
    os.unlink(os.path.join(ex, "d", "f"))
    os.symlink(str(tmp_path / "secret"), os.path.join(ex, "d", "f"))
    expect_error("BADPATH", c.open, h, P.RDWR | P.TRUNC)
    assert (tmp_path / "secret").read_text() == "outside\n"
    assert sorted(os.listdir(tmp_path)) == ["export", "secret"]
    c.close()


def served_promptly(port, seconds=10):
    """A fresh client's handshake, write and read finish within seconds."""
    t = time.monotonic()
    c = Client(port, timeout=seconds)
    name = f"probe-{random.getrandbits(32):08x}"
    h = c.create(0, name)
    c.write(h, 0, b"probe")
    assert c.read(h, 0, 5) == b"probe"
    c.clunk(h)
    c.unlink(0, name)
    c.close()
    return time.monotonic() - t < seconds


def closed_or_error(sock, timeout=10):
    """'closed' if the server closes the connection, else the reply's status."""
    sock.settimeout(timeout)
    buf = b""
    try:
        while len(buf) < 12:
            chunk = sock.recv(12 - len(buf))
            if not chunk:
                return "closed"
            buf += chunk
        size = struct.unpack("<I", buf[:4])[0]
        while len(buf) < size:
            chunk = sock.recv(size - len(buf))
            if not chunk:
                return "closed"
            buf += chunk
    except ConnectionResetError:
        return "closed"
    return P.ERRORS[struct.unpack("<I", buf[8:12])[0]]


def test_hostile_input(server):
    stallers = []
    for partial in (b"\x40", P.lookup("x" * 100)[:50], P.write(0, 0, b"x" * 1000)[:700]):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(P.hello() + partial)          # then stall mid-message
        stallers.append(s)
    hog = Client(server.port)
    hog.lookup("")
    h = hog.create(0, "big", P.RDWR)
    hog.write(h, 0, b"z" * 60000)
    hog.sock.setblocking(False)
    try:                                        # pipelined reads, never read back
        for _ in range(2000):
            hog.sock.send(P.read(h, 0, 60000))
    except BlockingIOError:
        pass
    assert served_promptly(server.port), "stalled clients held up a fresh one"

    def one(m):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(P.hello())
        assert closed_or_error(s) == "OK"
        s.sendall(m)
        r = closed_or_error(s)
        s.close()
        return r

    assert one(struct.pack("<IBBH", 0x7fffffff, P.T_WRITE, 0, 1)) == "closed"
    assert one(struct.pack("<IBBH", P.MSIZE_MAX + 1, P.T_WRITE, 0, 1)) == "closed"
    assert one(struct.pack("<I", 7) + b"\0" * 3) == "closed"
    assert one(struct.pack("<I", 0)) == "closed"
    assert one(P.msg(0x42, 9, b"junk")) == "BADMSG"
    assert one(P.msg(0x85, 9)) == "BADMSG"
    assert one(P.msg(P.T_LOOKUP, 9, b"\x10\x00abc")) == "BADMSG"
    assert one(P.msg(P.T_LOOKUP, 9, struct.pack("<H", 5000) + b"a" * 5000)) == "NAMELEN"
    assert one(P.msg(P.T_STAT, 9, b"\0\0\0\0\0")) == "BADMSG"
    assert one(P.msg(P.T_WRITE, 9, struct.pack("<IQI", 0, 0, 100) + b"short")) == "BADMSG"
    assert one(struct.pack("<IBBH", 12, P.T_STAT, 7, 9) + b"\0" * 4) == "BADMSG"
    # Before the handshake the limit is MSIZE_MIN.
    s = socket.create_connection(("127.0.0.1", server.port))
    s.sendall(struct.pack("<IBBH", P.MSIZE_MIN + 1, P.T_HELLO, 0, 1))
    assert closed_or_error(s) == "closed"
    s.close()
    # Garbage: an error reply or a close, never a crash, and others go on.
    rnd = random.Random(5)
    for i in range(40):
        s = socket.create_connection(("127.0.0.1", server.port))
        junk = rnd.randbytes(rnd.randint(1, 3000))
        try:
            s.sendall((P.hello() if i % 2 else b"") + junk)
            s.shutdown(socket.SHUT_WR)
            s.settimeout(10)
            while s.recv(65536):
                pass
        except OSError:             # reset, or already closed by nfsd
            pass
        s.close()
    # A connection opened and dropped mid-message.
    s = socket.create_connection(("127.0.0.1", server.port))
    s.sendall(P.hello() + P.write(0, 0, b"q" * 500)[:100])
    s.close()
    assert server.alive()
    assert served_promptly(server.port), "nfsd stopped serving after hostile input"
    for s in stallers:
        s.close()
    hog.close()


def test_handout_example_bytes(server):
    """The exchange of the protocol page's section 6, byte for byte."""
    text = open(os.path.join(ROOT, "handouts", "nfs-protocol.md")).read()
    example = text.split("## 6.")[1]
    steps, cur = [], None
    for line in example.splitlines():
        line = line.strip()
        if line.startswith(("C→S", "S→C")):
            cur = [line[:3], b""]
            steps.append(cur)
            line = line[3:]
        elif not line or not re.fullmatch(r"[0-9a-f ]+", line):
            cur = None
            continue
        if cur is not None:
            cur[1] += bytes.fromhex(line)
    assert [d for d, _ in steps] == ["C→S", "S→C", "C→S", "S→C"]
    path = os.path.join(server.export, "a.txt")
    with open(path, "wb") as f:
        f.write(b"12345")
    os.chmod(path, 0o644)
    os.utime(path, (0x65000000, 0x65000000))
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    for direction, data in steps:
        if direction == "C→S":
            s.sendall(data)
        else:
            got = b""
            while len(got) < len(data):
                chunk = s.recv(len(data) - len(got))
                assert chunk, "nfsd closed the connection"
                got += chunk
            assert got == data, f"reply {got.hex(' ')}, the handout says {data.hex(' ')}"
    s.sendall(P.lookup("../x", tag=2))
    assert s.recv(64) == bytes.fromhex("0c 00 00 00 82 00 02 00 0b 00 00 00")
    s.close()


def test_connection_limit(server):
    """Beyond 64 clients a connection is closed at once; the others go on."""
    clients = [Client(server.port) for _ in range(64)]
    extra = socket.create_connection(("127.0.0.1", server.port))
    extra.sendall(P.hello())
    assert closed_or_error(extra) == "closed"
    extra.close()
    for c in clients:
        assert c.stat(0)["kind"] == 2
    for c in clients:
        c.close()
    end = time.monotonic() + 30     # until nfsd has seen the closes
    while True:
        try:
            assert served_promptly(server.port)
            break
        except ConnectionError:
            assert time.monotonic() < end, "no slot came free after 64 clients left"
            time.sleep(0.1)


def test_stuck_clients_are_closed(nfsd_bin, tmp_path):
    """A message incomplete, or a reply not taken, for the stall time
    (30 s; 2 s here, by NFSD_STALL_SECONDS) closes the connection."""
    srv = Server(nfsd_bin, tmp_path, env={"NFSD_STALL_SECONDS": "2"})
    try:
        mid = socket.create_connection(("127.0.0.1", srv.port))
        mid.sendall(P.hello() + P.lookup("abc")[:9])
        hog = Client(srv.port)
        h = hog.create(0, "big", P.RDWR)
        hog.write(h, 0, b"z" * 60000)
        hog.sock.setblocking(False)
        try:
            for _ in range(2000):
                hog.sock.send(P.read(h, 0, 60000))
        except BlockingIOError:
            pass
        assert closed_or_error(mid) == "OK"          # the handshake's reply
        t = time.monotonic()
        assert closed_or_error(mid, timeout=30) == "closed"
        assert time.monotonic() - t < 30
        hog.sock.setblocking(True)
        hog.sock.settimeout(30)
        with pytest.raises(OSError):        # reset, or the end of the replies
            while hog.sock.recv(1 << 20):
                pass
            raise ConnectionResetError("closed")
        assert served_promptly(srv.port)
        mid.close()
        hog.close()
    finally:
        alive = srv.alive()
        srv.stop()
    assert alive
