"""A small client of handouts/nfs-protocol.md, written from that page
alone, for the nfsd tests: message encoders (which also build the
fuzzer's seed corpus) and a blocking Client over one TCP connection.
"""
import socket
import struct

VERSION = 1
MSIZE_MIN, MSIZE_MAX = 2048, 65536
NAME_MAX, PATH_MAX, HANDLE_MAX = 255, 1024, 32

(T_HELLO, T_LOOKUP, T_OPEN, T_CREATE, T_READ, T_WRITE, T_STAT, T_READDIR,
 T_MKDIR, T_UNLINK, T_RMDIR, T_CLUNK) = range(1, 13)
RERROR = 0xFF

ERRORS = ["OK", "BADMSG", "PROTO", "VERSION", "NOENT", "EXIST", "NOTDIR",
          "ISDIR", "NOTEMPTY", "BADHANDLE", "TOOMANY", "BADPATH", "NAMELEN",
          "ACCESS", "NOSPACE", "INVAL", "NOTOPEN", "IO"]
ERR = {name: i for i, name in enumerate(ERRORS)}

READ, WRITE, RDWR, TRUNC = 0, 1, 2, 0x10


def s(b):
    """A protocol string: u16 length, then the bytes."""
    if isinstance(b, str):
        b = b.encode()
    return struct.pack("<H", len(b)) + b


def msg(mtype, tag, body=b""):
    return struct.pack("<IBBH", 8 + len(body), mtype, 0, tag) + body


def hello(tag=1, version=VERSION, msize=MSIZE_MAX):
    return msg(T_HELLO, tag, struct.pack("<II", version, msize))


def lookup(path, tag=2):
    return msg(T_LOOKUP, tag, s(path))


def open_(h, mode, tag=3):
    return msg(T_OPEN, tag, struct.pack("<IB", h, mode))


def create(d, name, mode=RDWR, perm=0o644, tag=4):
    return msg(T_CREATE, tag, struct.pack("<IBH", d, mode, perm) + s(name))


def read(h, off, count, tag=5):
    return msg(T_READ, tag, struct.pack("<IQI", h, off, count))


def write(h, off, data, tag=6):
    return msg(T_WRITE, tag, struct.pack("<IQI", h, off, len(data)) + data)


def stat(h, tag=7):
    return msg(T_STAT, tag, struct.pack("<I", h))


def readdir(d, cookie, tag=8):
    return msg(T_READDIR, tag, struct.pack("<IQ", d, cookie))


def mkdir(d, name, perm=0o755, tag=9):
    return msg(T_MKDIR, tag, struct.pack("<IH", d, perm) + s(name))


def unlink(d, name, tag=10):
    return msg(T_UNLINK, tag, struct.pack("<I", d) + s(name))


def rmdir(d, name, tag=11):
    return msg(T_RMDIR, tag, struct.pack("<I", d) + s(name))


def clunk(h, tag=12):
    return msg(T_CLUNK, tag, struct.pack("<I", h))


class Error(Exception):
    def __init__(self, code):
        super().__init__(ERRORS[code] if code < len(ERRORS) else str(code))
        self.code = code
        self.name = ERRORS[code] if code < len(ERRORS) else str(code)


def parse_stat(b):
    kind, _, perm, size, mtime = struct.unpack("<BBHQQ", b[:20])
    return {"kind": kind, "perm": perm, "size": size, "mtime": mtime}


class Client:
    def __init__(self, port, msize=MSIZE_MAX, timeout=10, handshake=True):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.msize = MSIZE_MIN
        if handshake:
            body = self.call(hello(msize=msize), T_HELLO)
            version, self.msize = struct.unpack("<II", body)
            assert version == VERSION

    def close(self):
        self.sock.close()

    def recv_exactly(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("server closed the connection")
            buf += chunk
        return buf

    def reply(self):
        """(type, tag, status, body) of the next reply, framing checked."""
        hdr = self.recv_exactly(12)
        size, mtype, res, tag, status = struct.unpack("<IBBHI", hdr)
        assert 12 <= size <= self.msize and res == 0, f"bad reply header {hdr.hex()}"
        body = self.recv_exactly(size - 12)
        assert status == 0 or not body, "error reply with a body"
        return mtype, tag, status, body

    def call(self, m, mtype):
        self.sock.sendall(m)
        rtype, tag, status, body = self.reply()
        assert rtype == mtype | 0x80, f"reply type {rtype:#x} to {mtype:#x}"
        assert tag == struct.unpack("<H", m[6:8])[0]
        if status:
            raise Error(status)
        return body

    def lookup(self, path):
        body = self.call(lookup(path), T_LOOKUP)
        return struct.unpack("<I", body[:4])[0], parse_stat(body[4:])

    def open(self, h, mode):
        self.call(open_(h, mode), T_OPEN)

    def create(self, d, name, mode=RDWR, perm=0o644):
        return struct.unpack("<I", self.call(create(d, name, mode, perm), T_CREATE))[0]

    def read(self, h, off, count):
        body = self.call(read(h, off, count), T_READ)
        n = struct.unpack("<I", body[:4])[0]
        assert n == len(body) - 4
        return body[4:]

    def write(self, h, off, data):
        n = struct.unpack("<I", self.call(write(h, off, data), T_WRITE))[0]
        assert n == len(data)

    def stat(self, h):
        return parse_stat(self.call(stat(h), T_STAT))

    def readdir(self, d, cookie):
        body = self.call(readdir(d, cookie), T_READDIR)
        n, = struct.unpack("<H", body[:2])
        out, i = [], 2
        for _ in range(n):
            ck, kind, ln = struct.unpack("<QBB", body[i:i + 10])
            out.append((ck, kind, body[i + 10:i + 10 + ln].decode()))
            i += 10 + ln
        assert i == len(body)
        return out

    def listdir(self, d):
        names, cookie = [], 0
        while True:
            ents = self.readdir(d, cookie)
            if not ents:
                return names
            names += [e[2] for e in ents]
            cookie = ents[-1][0]

    def mkdir(self, d, name, perm=0o755):
        self.call(mkdir(d, name, perm), T_MKDIR)

    def unlink(self, d, name):
        self.call(unlink(d, name), T_UNLINK)

    def rmdir(self, d, name):
        self.call(rmdir(d, name), T_RMDIR)

    def clunk(self, h):
        self.call(clunk(h), T_CLUNK)
