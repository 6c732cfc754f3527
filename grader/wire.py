"""Raw Ethernet on the wire: the helpers every network lab's tests share.

A test's NIC is connected with -netdev dgram to a Peer (grader/net.py):
every Ethernet frame is one UDP datagram on 127.0.0.1. These helpers make
host-chosen frames (random MACs, random payloads), echo them through the
guest's `etherecho` and judge what comes back, and collect what the guest
sends while a command runs. Every judgement is on bytes the host received.

    from grader import random_mac, mac_str, frames_to, echo, Drain
"""

import os
import secrets
import threading
import time

from .machine import PROMPT, check, scale
from .platform import platform_name

WINDOW = 32              # frames in flight during an echo run
ETHERTYPE = b"\x88\xb5"  # IEEE "local experimental" EtherType


def random_mac():
    """A random locally administered unicast MAC address, as bytes."""
    b = bytearray(secrets.token_bytes(6))
    b[0] = (b[0] & 0xFC) | 0x02
    return bytes(b)


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def frames_to(mac, sizes):
    """Frames for the guest: its MAC, a random source, random payloads."""
    src = random_mac()
    return [mac + src + ETHERTYPE + os.urandom(n - 14) for n in sizes]


def as_received(frame):
    """frame as the guest's NIC receives it on this platform. Under
    BitVisor the wire ends in QEMU's e1000, which pads every frame to the
    Ethernet minimum of 60 bytes (so runts cannot reach the guest there)."""
    if platform_name() == "bitvisor":
        from .platform_bitvisor import MIN_RX_FRAME
        return bytes(frame).ljust(MIN_RX_FRAME, b"\0")
    return bytes(frame)


def runts_reach_guest():
    """Can a frame shorter than an Ethernet header reach the guest?"""
    return platform_name() != "bitvisor"


def describe(frame):
    if frame is None:
        return "no frame"
    more = "..." if len(frame) > 32 else ""
    return f"{len(frame)} bytes: {frame[:32].hex()}{more}"


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def echoed(frame):
    """What etherecho sends back for frame: addresses swapped."""
    f = as_received(frame)
    return f[6:12] + f[0:6] + f[12:]


def _nth(label, got, total):
    """'frame 3 of 10', or just the label when there is one frame."""
    return label if total == 1 else f"{label} {got} of {total}"


def _explain_mismatch(label, got, wants, r, total):
    """Why frame r is not the echo of frame number got: a later frame in
    its place (so frames were lost), or a damaged frame."""
    for k in range(got + 1, len(wants)):
        if r == wants[k]:
            lost = k - got
            return (f"{_nth(label, got, total)} never came back; {label} {k} "
                    f"arrived in its place ({lost} frame{'s' if lost > 1 else ''} "
                    f"lost)")
    return (f"{_nth(label, got, total)} comes back intact and in order "
            f"(first difference at byte {first_difference(r, wants[got])})")


def echo(m, frames, start=True, finish=True, label="frame", timeout=20):
    """Check that each of frames comes back from etherecho intact, in
    order, with the addresses swapped. start: run `etherecho N` first
    (else the caller has started it); finish: wait for it to end. At most
    WINDOW frames are in flight, so no socket buffer on the host can
    overflow: a lost frame is the guest's doing."""
    peer = m.peer
    limit = timeout * scale()
    wants = [echoed(f) for f in frames]
    if start:
        m.sendline(f"etherecho {len(frames)}")
        m.expect(r"etherecho: ready", 30, what="etherecho to start")
    sent = got = 0
    while got < len(frames):
        while sent < len(frames) and sent - got < WINDOW:
            peer.send(frames[sent])
            sent += 1
        r = peer.recv(limit, raw=True)
        check(r is not None, f"{_nth(label, got, len(frames))} comes back "
              f"within {limit:.0f} s" + (f" ({got} did)" if len(frames) > 1 else ""),
              describe(wants[got]), "nothing")
        check(r == wants[got],
              _explain_mismatch(label, got, wants, r, len(frames)),
              describe(wants[got]), describe(r))
        got += 1
    if finish:
        m.expect(r"etherecho: \d+ frames", 60, what="etherecho to finish")
        m.expect(PROMPT, 30, what="the prompt after etherecho")


def quiet(peer, seconds=1.0, limit=30.0):
    """Receive and count frames until none has come for `seconds`
    (at most `limit` seconds, both scaled). Returns the count."""
    n = 0
    deadline = time.monotonic() + limit * scale()
    while time.monotonic() < deadline:
        if peer.recv(seconds * scale(), raw=True) is None:
            break
        n += 1
    return n


class Drain:
    """Collect the guest's frames in a thread while a command runs, so the
    peer's socket buffer never overflows."""

    def __init__(self, peer):
        self.peer, self.frames = peer, []
        self.stop = threading.Event()
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        while not self.stop.is_set() and not self.peer.closed:
            r = self.peer.recv(0.2, raw=True)
            if r is not None:
                self.frames.append(r)

    def expect(self, m, want, stall=10, what="frames from the guest"):
        """Wait until want frames have come while the guest works, failing
        as soon as none has come for stall seconds (scaled) or the machine
        panics, instead of sitting out one long timeout."""
        limit = stall * scale()
        seen, last = len(self.frames), time.monotonic()
        while len(self.frames) < want:
            m.watch(0.25, what)
            if len(self.frames) != seen:
                seen, last = len(self.frames), time.monotonic()
            elif time.monotonic() - last > limit:
                check(False, f"{what}: they stopped coming after {seen} of "
                      f"{want} (nothing for {limit:.0f} s)",
                      f"{want} frames", f"{seen} frames")

    def finish(self, want, timeout=10):
        """Wait until want frames have come (or timeout); return them."""
        deadline = time.monotonic() + timeout * scale()
        while len(self.frames) < want and time.monotonic() < deadline:
            self.stop.wait(0.05)
        self.stop.set()
        self.t.join()
        return self.frames
