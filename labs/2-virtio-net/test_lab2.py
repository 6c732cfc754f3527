# Lab 2 tests: the virtio-net driver, judged from the wire.
#
# The NIC is connected with -netdev dgram to the test's Python peer: every
# Ethernet frame is one UDP datagram on 127.0.0.1. The host picks a random
# MAC address for the guest and random payloads, and a test passes only on
# what the peer received: frames with the right addresses and bytes, in
# the right order, none missing.
#
# Echo tests run `etherecho N` in the guest and keep at most WINDOW frames
# in flight, so neither QEMU's nor the peer's socket buffers can overflow:
# a lost frame is the guest's doing. Each NIC test first checks that the
# driver came up (ifconfig shows the MAC), so a tree without a driver
# fails in seconds, not after a timeout.

import os
import random
import secrets
import threading
import time

from grader import Net, check, nonce, points
from grader.machine import PROMPT, scale
from grader.platform import platform_name

# Under BitVisor the wire ends in QEMU's e1000, which pads every frame to
# the Ethernet minimum of 60 bytes: shorter ones arrive padded with zeros,
# and runts (shorter than a header) cannot reach the guest at all.
ON_BITVISOR = platform_name() == "bitvisor"


def as_received(frame):
    """frame as the guest's NIC receives it on this platform."""
    return frame.ljust(60, b"\0") if ON_BITVISOR else frame

WINDOW = 32             # frames in flight during an echo run
ETHERTYPE = b"\x88\xb5"  # IEEE "local experimental" EtherType
LEGACY = "disable-modern=on,romfile="  # virtio 0.9.5 only
TRANSITIONAL = "romfile="               # QEMU's default: legacy + modern


def random_mac():
    """A random locally administered unicast MAC address, as bytes."""
    b = bytearray(secrets.token_bytes(6))
    b[0] = (b[0] & 0xFC) | 0x02
    return bytes(b)


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def up(boot, opts=LEGACY, poll=False):
    """Boot with a virtio-net NIC with a random MAC; check the driver is
    up. Returns (machine, the guest's MAC as bytes)."""
    mac = random_mac()
    m = boot(nets=(Net(opts=opts, mac=mac_str(mac)),),
             cmdline="virtio_net.poll=1" if poll else None)
    out = m.run("ifconfig")
    check(mac_str(mac) in out.lower(),
          "ifconfig reports the MAC address the host gave the NIC "
          "(the driver did not attach?)", mac_str(mac), out.strip())
    if poll:
        check("poll" in out, "with virtio_net.poll=1 the driver polls",
              "ifconfig showing 'irq poll'", out.strip())
    return m, mac


def describe(frame):
    if frame is None:
        return "no frame"
    return f"{len(frame)} bytes: {frame[:32].hex()}{'...' if len(frame) > 32 else ''}"


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def frames_to(mac, sizes):
    """Frames for the guest: its MAC, a random source, random payloads."""
    src = random_mac()
    return [mac + src + ETHERTYPE + os.urandom(n - 14) for n in sizes]


def echo(m, frames, start=True, finish=True, label="frame", timeout=20):
    """Check that each of frames comes back from etherecho intact, in
    order, with the addresses swapped. start: run `etherecho N` first
    (else the caller has started it); finish: wait for it to end."""
    peer = m.peer
    limit = timeout * scale()
    if start:
        m.sendline(f"etherecho {len(frames)}")
        m.expect(r"etherecho: ready", 30, what="etherecho to start")
    sent = got = 0
    while got < len(frames):
        while sent < len(frames) and sent - got < WINDOW:
            peer.send(frames[sent])
            sent += 1
        r = peer.recv(limit, raw=True)
        f = as_received(frames[got])
        want = f[6:12] + f[0:6] + f[12:]
        check(r is not None, f"{label} {got} of {len(frames)} comes back "
              f"within {limit:.0f} s ({got} did)", describe(want), "nothing")
        check(r == want, f"{label} {got} of {len(frames)} comes back intact "
              f"and in order (first difference at byte "
              f"{first_difference(r, want)})", describe(want), describe(r))
        got += 1
    if finish:
        m.expect(r"etherecho: \d+ frames", 60, what="etherecho to finish")
        m.expect(PROMPT, 30, what="the prompt after etherecho")


class Drain:
    """Collect the guest's frames in a thread while a command runs, so the
    peer's socket buffer never overflows."""

    def __init__(self, peer):
        self.peer, self.frames = peer, []
        self.stop = threading.Event()
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        while not self.stop.is_set():
            r = self.peer.recv(0.2, raw=True)
            if r is not None:
                self.frames.append(r)

    def finish(self, want, timeout=10):
        """Wait until want frames have come (or timeout); return them."""
        deadline = time.monotonic() + timeout * scale()
        while len(self.frames) < want and time.monotonic() < deadline:
            self.stop.wait(0.05)
        self.stop.set()
        self.t.join()
        return self.frames


@points(10, "the guest reports the MAC address the host chose, and uses it")
def test_mac(boot):
    m, mac = up(boot)
    n = nonce(4)
    d = Drain(m.peer)
    m.run(f"ethersend ff:ff:ff:ff:ff:ff 88b5 {n}")
    frames = d.finish(1)
    check(len(frames) >= 1, "a broadcast frame from the guest reaches the "
          "peer", "one frame", "nothing")
    check(frames[0][6:12] == mac, "the frame's source address is the NIC's "
          "MAC", mac_str(mac), mac_str(frames[0][6:12]))


@points(15, "frames the guest sends arrive intact")
def test_send(boot):
    m, mac = up(boot)
    dst = random_mac()
    payload = secrets.token_bytes(32)
    d = Drain(m.peer)
    m.run(f"ethersend {mac_str(dst)} 88b5 {payload.hex()}")
    frames = d.finish(1)
    want = dst + mac + ETHERTYPE + payload
    check(frames and frames[0] == want, "a frame with a host-chosen nonce "
          "arrives intact", describe(want), describe(frames[0] if frames else None))

    # 300 more: more than twice round the TX ring, so slots must be
    # reclaimed from the used ring.
    payload = secrets.token_bytes(46)
    want = dst + mac + ETHERTYPE + payload
    d = Drain(m.peer)
    m.run(f"ethersend {mac_str(dst)} 88b5 {payload.hex()} 300", timeout=120)
    frames = d.finish(300)
    good = sum(1 for f in frames if f == want)
    check(good == 300, "300 frames sent in a row all arrive intact",
          "300 intact frames", f"{good} intact of {len(frames)} received")


@points(20, "frames of 60 to 1514 bytes come back intact and in order")
def test_echo_sizes(boot):
    m, mac = up(boot)
    sizes = [60, 61, 64, 128, 512, 1000, 1513, 1514]
    sizes += [random.randint(60, 1514) for _ in range(192)]
    echo(m, frames_to(mac, sizes))


def burst(boot, opts, poll):
    m, mac = up(boot, opts, poll)
    sizes = [random.randint(60, 1514) for _ in range(10000)]
    echo(m, frames_to(mac, sizes))


@points(10, "10,000 frames, legacy device, interrupts")
def test_burst_legacy_irq(boot):
    burst(boot, LEGACY, poll=False)


@points(10, "10,000 frames, transitional device, interrupts")
def test_burst_transitional_irq(boot):
    burst(boot, TRANSITIONAL, poll=False)


@points(10, "10,000 frames, legacy device, polling")
def test_burst_legacy_poll(boot):
    burst(boot, LEGACY, poll=True)


@points(10, "10,000 frames, transitional device, polling")
def test_burst_transitional_poll(boot):
    burst(boot, TRANSITIONAL, poll=True)


@points(15, "malformed input from the wire does no harm")
def test_malformed(boot):
    m, mac = up(boot)
    peer = m.peer
    # Runts (shorter than an Ethernet header) reach the driver, which must
    # drop them; oversize datagrams, up to the UDP maximum, must not upset
    # it either. (An empty datagram is not sent: QEMU's dgram backend takes
    # it for the end of the connection and stops receiving.) Each piece of
    # junk is followed by one ordinary frame, whose echo must be the next
    # thing to come back; one at a time, so the big datagrams cannot
    # overflow QEMU's socket buffer and lose frames on the host.
    junk = [] if ON_BITVISOR else [os.urandom(n) for n in (1, 5, 13, 1, 13)]
    junk += [os.urandom(n) for n in (1515, 1518, 1600, 2048, 4096, 9000, 65000, 65507)]
    probes = frames_to(mac, [60] * len(junk))
    # Garbage with a valid length is a frame like any other: it must come
    # back. Then ordinary frames: the echo still works at full speed.
    garbage = [os.urandom(random.randint(14, 1514)) for _ in range(50)]
    normal = frames_to(mac, [random.randint(60, 1514) for _ in range(50)])
    m.sendline(f"etherecho {len(probes) + len(garbage) + len(normal)}")
    m.expect(r"etherecho: ready", 30, what="etherecho to start")
    for j, probe in zip(junk, probes):
        peer.send(j)
        echo(m, [probe], start=False, finish=False,
             label=f"ordinary frame sent after a {len(j)}-byte junk datagram")
    echo(m, garbage, start=False, finish=False, label="garbage frame")
    echo(m, normal, start=False, label="frame after the junk")
    out = m.run("ifconfig")
    check(mac_str(mac) in out.lower(), "the machine still works after the junk",
          mac_str(mac), out.strip())
