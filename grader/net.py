"""Host-side network pieces: free ports and the raw-Ethernet peer.

QEMU's `-netdev dgram` sends every Ethernet frame the guest transmits as
one UDP datagram to a remote address and delivers every datagram it
receives on its local address as one frame. Peer is the other end: a UDP
socket on 127.0.0.1 with an ephemeral port, so tests (and several graders
on one machine) never fight over fixed ports.

Ports QEMU must bind itself (its dgram local port, hostfwd ports) are
chosen by binding port 0, reading the number back and closing; the window
before QEMU binds is tiny, and Machine retries with fresh ports if QEMU
still reports the address in use.
"""

import socket
import time


def free_port(proto="tcp"):
    """A currently unused port on 127.0.0.1 for proto ("tcp" or "udp")."""
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Peer:
    """The host end of a -netdev dgram link: send and receive whole
    Ethernet frames. Frames are bytes or scapy packets on the way out and
    scapy Ether packets on the way in (raw=True gives bytes)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # A deep receive buffer, so a burst from the guest waits here while
        # a busy host gets round to reading it (the kernel caps the size at
        # net.core.rmem_max; a loss above that is the host's, not the NIC's).
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.qemu = None            # QEMU's local address, where we send
        self.received = []          # every frame seen, as bytes
        self.sent = []

    def connect_to(self, addr):
        self.qemu = addr

    def send(self, frame):
        data = bytes(frame)
        self.sock.sendto(data, self.qemu)
        self.sent.append(data)

    @property
    def closed(self):
        return self.sock.fileno() < 0

    def recv(self, timeout=5.0, raw=False):
        """The next frame from the guest, or None after timeout seconds
        (at once if the peer has been closed, e.g. by the test's end)."""
        try:
            self.sock.settimeout(max(timeout, 0.001))
            data, _ = self.sock.recvfrom(65536)
        except (socket.timeout, BlockingIOError):
            return None
        except OSError:
            if self.closed:
                return None
            raise
        self.received.append(data)
        if raw:
            return data
        from scapy.layers.l2 import Ether
        return Ether(data)

    def recv_until(self, pred, timeout=10.0, raw=False):
        """The first frame for which pred(frame) is true, or None."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            f = self.recv(left, raw=raw)
            if f is not None and pred(f):
                return f

    def close(self):
        self.sock.close()
