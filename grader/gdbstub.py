"""A small client for the GDB remote serial protocol, enough for a test to
stop QEMU's CPU at an address and read its registers from the host.

QEMU started with `-S -gdb tcp:127.0.0.1:PORT` (BootSpec(gdb=True)) holds
every CPU before the first instruction and serves the protocol on PORT.
A test connects, plants a breakpoint, continues, and when the CPU stops
reads what the CPU really holds: a value the host observes, which no
message printed by the guest can fake.

The protocol, as far as it is used here: every message is a packet
`$data#xx`, xx the sum of data's bytes modulo 256 in two hex digits; the
receiver answers `+` (good) or `-` (send it again). We send

    ?                  why are you stopped (a stop reply, e.g. T05thread:01;)
    Z0,addr,1 / Z1,..  set a software / hardware breakpoint at addr -> OK
    c                  continue; the answer is the next stop reply, which
                       comes when a breakpoint is hit, however late
    g                  all registers, hex; for i386 the first sixteen are
                       eax ecx edx ebx esp ebp esi edi eip eflags cs ss
                       ds es fs gs, 4 bytes each, little-endian
    D                  detach: QEMU drops every breakpoint and lets the
                       CPUs run on -> OK
    k                  kill: QEMU exits, without a reply

Replies may use run-length encoding (`x*n`: x repeated ord(n)-29 more
times); we undo it. Binary escapes only occur in packets we never ask for.

elf_symbol() finds a symbol's address in an ELF32 file (kernel.elf), so a
test can break at `main` of the tree it grades without binutils.
"""

import socket
import struct
import time

I386_REGS = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
             "eip", "eflags", "cs", "ss", "ds", "es", "fs", "gs")


class GdbError(Exception):
    """The stub is unreachable, answered nonsense, or went away."""


def checksum(data):
    return sum(data) & 0xFF


def frame(data):
    """The packet for data (bytes): $data#xx."""
    return b"$" + data + b"#%02x" % checksum(data)


def rle_decode(data):
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == ord("*") and out and i + 1 < len(data):
            out += out[-1:] * (data[i + 1] - 29)
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


class GdbRemote:
    """One connection to a gdbstub. Every wait is bounded by a timeout."""

    def __init__(self, host, port, connect_timeout=10.0):
        self.addr = (host, port)
        self.sock = None
        self.buf = b""
        self._connect(connect_timeout)

    # ---------------------------------------------------------- transport

    def _connect(self, timeout):
        """QEMU binds its port a moment after it starts: retry until the
        deadline."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.create_connection(self.addr, timeout=2)
                return
            except OSError as e:
                if time.monotonic() >= deadline:
                    raise GdbError(f"cannot connect to the gdbstub at "
                                   f"{self.addr[0]}:{self.addr[1]}: {e}")
                time.sleep(0.1)

    def _fill(self, deadline):
        """Read more bytes into buf; False if the deadline passed first."""
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(4096)
        except socket.timeout:
            return False
        except OSError as e:
            raise GdbError(f"gdbstub connection failed: {e}")
        if not chunk:
            raise GdbError("the gdbstub closed the connection (QEMU exited?)")
        self.buf += chunk
        return True

    def _read_ack(self, deadline):
        """The next ack: True for '+', False for '-'. Anything before it
        that is not an ack is an error: we only ever have one packet in
        flight."""
        while True:
            while self.buf[:1] in (b"+", b"-"):
                c, self.buf = self.buf[:1], self.buf[1:]
                return c == b"+"
            if self.buf:
                raise GdbError(f"expected an ack, got {self.buf[:40]!r}")
            if not self._fill(deadline):
                raise GdbError("no ack from the gdbstub")

    def send(self, data, timeout=10.0):
        """Send one packet (str or bytes) and wait for its '+'."""
        if isinstance(data, str):
            data = data.encode()
        deadline = time.monotonic() + timeout
        for _ in range(3):
            self.sock.sendall(frame(data))
            if self._read_ack(deadline):
                return
        raise GdbError(f"the gdbstub refused packet {data[:40]!r} three times")

    def recv(self, timeout=10.0):
        """The next packet's data (bytes, run-length decoded), acked; None
        if none is complete within timeout seconds."""
        deadline = time.monotonic() + timeout
        while True:
            start = self.buf.find(b"$")
            if start > 0:
                self.buf = self.buf[start:]     # stray acks: drop them
            elif start < 0:
                self.buf = b""
            end = self.buf.find(b"#")
            if start >= 0 and end > 0 and len(self.buf) >= end + 3:
                data, sent = self.buf[1:end], self.buf[end + 1:end + 3]
                self.buf = self.buf[end + 3:]
                try:
                    good = int(sent, 16) == checksum(data)
                except ValueError:
                    good = False
                self.sock.sendall(b"+" if good else b"-")
                if good:
                    return rle_decode(data)
                continue
            if not self._fill(deadline):
                return None

    def command(self, data, timeout=10.0):
        """Send a packet and return the reply's data as str."""
        self.send(data, timeout)
        reply = self.recv(timeout)
        if reply is None:
            raise GdbError(f"no reply to {data!r} within {timeout:.0f} s")
        return reply.decode("ascii", "replace")

    # ---------------------------------------------------------- commands

    def halt_reason(self):
        """The stop reply for '?' (e.g. 'T05thread:01;')."""
        return self.command("?")

    def set_breakpoint(self, addr, hardware=False):
        """Stop whenever the CPU is about to execute addr (a virtual
        address: QEMU compares it with the program counter)."""
        kind = "Z1" if hardware else "Z0"
        reply = self.command(f"{kind},{addr:x},1")
        if reply != "OK":
            raise GdbError(f"{kind} at {addr:#x}: the stub answered {reply!r}")

    def cont(self):
        """Resume every CPU; wait_stop() collects the stop reply."""
        self.send("c")

    def wait_stop(self, timeout):
        """The stop reply after cont(), or None if the CPU is still running
        after timeout seconds (call again to keep waiting). 'W'/'X' replies
        mean the machine is gone."""
        reply = self.recv(timeout)
        if reply is None:
            return None
        reply = reply.decode("ascii", "replace")
        if reply[:1] in ("W", "X"):
            raise GdbError(f"the machine ended while running ({reply!r})")
        return reply

    def read_registers(self):
        """The stopped CPU's i386 registers: {name: int}."""
        reply = self.command("g")
        need = 8 * len(I386_REGS)
        if len(reply) < need or reply.startswith("E"):
            raise GdbError(f"'g' answered {reply[:40]!r}, not i386 registers")
        raw = bytes.fromhex(reply[:need])
        values = struct.unpack(f"<{len(I386_REGS)}I", raw)
        return dict(zip(I386_REGS, values))

    def detach(self):
        """Let the machine run on without us: QEMU removes every breakpoint
        and resumes the CPUs. The connection is closed."""
        reply = self.command("D")
        self.close()
        if reply != "OK":
            raise GdbError(f"detach: the stub answered {reply!r}")

    def kill(self):
        """Ask QEMU to exit (no reply comes) and drop the connection."""
        try:
            self.sock.sendall(frame(b"k"))
        except OSError:
            pass
        self.close()

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None


def elf_symbol(path, name):
    """The value of symbol name in the ELF32 little-endian file at path
    (.symtab, else .dynsym), or None if it has no such symbol."""
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 1 or elf[5] != 1:
        raise ValueError(f"{path}: not a little-endian ELF32 file")
    shoff, = struct.unpack_from("<I", elf, 0x20)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x2E)
    sections = [struct.unpack_from("<IIIIIIIIII", elf, shoff + i * shentsize)
                for i in range(shnum)]
    want = name.encode()
    for symtype in (2, 11):                 # SHT_SYMTAB, SHT_DYNSYM
        for sh in sections:
            if sh[1] != symtype:
                continue
            offset, size, link, entsize = sh[4], sh[5], sh[6], sh[9] or 16
            stroff = sections[link][4]
            for at in range(offset, offset + size, entsize):
                st_name, st_value = struct.unpack_from("<II", elf, at)
                end = elf.index(b"\0", stroff + st_name)
                if elf[stroff + st_name:end] == want:
                    return st_value
    return None
