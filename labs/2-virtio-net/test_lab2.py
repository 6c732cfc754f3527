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

from grader import (ETHERTYPE, Drain, Net, check, describe, echo, frames_to,
                    mac_str, nonce, points, quiet, random_mac,
                    runts_reach_guest)

LEGACY = "disable-modern=on,romfile="  # virtio 0.9.5 only
TRANSITIONAL = "romfile="               # QEMU's default: legacy + modern
RX_BUFFERS = 128        # the driver's RX slots: 256 descriptors, 2 a buffer


def up(boot, opts=LEGACY, poll=False):
    """Boot with a virtio-net NIC with a random MAC; check the driver is
    up. Returns (machine, the guest's MAC as bytes)."""
    mac = random_mac()
    # net=off: from lab 3 on the TCP/IP stack would otherwise start and
    # send its own frames on this wire (ignored in a lab-2 tree).
    m = boot(nets=(Net(opts=opts, mac=mac_str(mac)),),
             cmdline="net=off virtio_net.poll=1" if poll else "net=off")
    out = m.run("ifconfig")
    check(mac_str(mac) in out.lower(),
          "ifconfig reports the MAC address the host gave the NIC "
          "(the driver did not attach?)", mac_str(mac), out.strip())
    if poll:
        check("poll" in out, "with virtio_net.poll=1 the driver polls",
              "ifconfig showing 'irq poll'", out.strip())
    return m, mac


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


@points(10, "frames the guest sends arrive intact")
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
    m.sendline(f"ethersend {mac_str(dst)} 88b5 {payload.hex()} 300")
    d.expect(m, 300, what="300 frames sent by ethersend")
    frames = d.finish(300)
    m.expect(r"ethersend: sent", 30, what="ethersend to finish")
    good = sum(1 for f in frames if f == want)
    check(good == 300, "300 frames sent in a row all arrive intact",
          "300 intact frames", f"{good} intact of {len(frames)} received")


@points(15, "frames of 60 to 1514 bytes come back intact and in order")
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
    # drop them and give their buffers back: more runts than the ring has
    # buffers, in batches, each batch followed by one ordinary frame whose
    # echo must be the next thing to come back. Oversize datagrams, up to
    # the UDP maximum, must not upset it either, one at a time, so they
    # cannot overflow QEMU's socket buffer and lose frames on the host.
    # (No empty datagram: QEMU's dgram backend takes it for the end of the
    # connection and stops receiving.)
    batches = []
    if runts_reach_guest():
        for _ in range(RX_BUFFERS * 3 // 2 // 48):
            batches.append([os.urandom(random.randint(1, 13)) for _ in range(48)])
    batches += [[os.urandom(n)] for n in
                (1515, 1518, 1600, 2048, 4096, 9000, 65000, 65507)]
    probes = frames_to(mac, [60] * len(batches))
    # Garbage with a valid length is a frame like any other: it must come
    # back. Then ordinary frames: the echo still works at full speed.
    garbage = [os.urandom(random.randint(14, 1514)) for _ in range(50)]
    normal = frames_to(mac, [random.randint(60, 1514) for _ in range(50)])
    m.sendline(f"etherecho {len(probes) + len(garbage) + len(normal)}")
    m.expect(r"etherecho: ready", 30, what="etherecho to start")
    junk_sent = 0
    for batch, probe in zip(batches, probes):
        for j in batch:
            peer.send(j)
        junk_sent += len(batch)
        what = (f"{len(batch)} runts" if len(batch) > 1
                else f"a {len(batch[0])}-byte junk datagram")
        echo(m, [probe], start=False, finish=False,
             label=f"ordinary frame sent after {what} ({junk_sent} junk "
             f"datagrams so far)")
    echo(m, garbage, start=False, finish=False, label="garbage frame")
    echo(m, normal, start=False, label="frame after the junk")
    out = m.run("ifconfig")
    check(mac_str(mac) in out.lower(), "the machine still works after the junk",
          mac_str(mac), out.strip())


# A burst faster than the guest can take it fills every RX buffer; the
# device then stops and waits to be told that buffers are back. Polling
# makes this certain: between two ticks the whole ring fills. Frames of
# the burst may be lost (the ring and the echo queue are finite); what
# must hold is that reception resumes: frames sent afterwards come back.
@points(10, "after a burst fills every RX buffer, the NIC receives again")
def test_rx_ring_refill(boot):
    m, mac = up(boot, poll=True)
    m.sendline("etherecho")
    m.expect(r"etherecho: ready", 30, what="etherecho to start")
    for f in frames_to(mac, [60] * (RX_BUFFERS * 8)):
        m.peer.send(f)
    quiet(m.peer)           # the echoes of what got through
    echo(m, frames_to(mac, [random.randint(60, 1514) for _ in range(100)]),
         start=False, finish=False, label="frame sent after the burst")
