# Lab 3 tests: lwIP in the kernel, judged from the host.
#
# The stack starts by default (net=off would leave it down). Two kinds of
# network:
#
#   - -netdev dgram to the test's Python peer (ARP and ICMP): the host
#     picks the guest's MAC and static address, speaks raw Ethernet with
#     scapy and checks every byte and checksum of what comes back;
#   - QEMU's user-mode network (slirp) with host forwards to the kernel's
#     test services (kernel/net/services.c: echo on TCP and UDP 7, discard
#     on TCP 9, chargen on TCP 19) and a pcap of the NIC (DHCP).
#
# The shell prompt does not wait for the network, so a test waits for the
# stack by what the host sees: it retries a round trip through the forward
# (slirp accepts on the host at once and drops the connection while the
# guest does not answer) until one succeeds, within a scaled deadline.
# Data is random and chosen by the host; a transfer's sending and receiving
# run at the same time (a sender thread), so no window can deadlock.

import os
import random
import socket
import struct
import threading
import time

from scapy.layers.dhcp import BOOTP, DHCP
from scapy.layers.inet import ICMP, IP, TCP
from scapy.layers.l2 import ARP, Ether
from scapy.utils import rdpcap

from grader import (Net, RawTCP, arp_answer, check, deadline, describe_diff,
                    interleaved_echo, mac_str, malformed, points, random_mac, recv_exactly, scale,
                    syn_flood)

STATIC = "ip=10.0.2.15/24,gw=10.0.2.2"    # slirp's guest address
READY_S = 30            # the stack and services answer within this (scaled)

# RFC 864's pattern, as services.c sends it: 95 lines of 72 characters.
CHARGEN = b"".join(bytes(32 + (i + j) % 95 for j in range(72)) + b"\r\n"
                   for i in range(95))


def slirp(boot, fwds, cmdline=STATIC):
    """Boot on slirp with hostfwd rules fwds ((proto, guest port), ...)."""
    return boot(nets=(Net(kind="user", opts="romfile=", hostfwd=fwds),),
                cmdline=cmdline)


def tcp_ready(m, port, what):
    """Wait until a TCP round trip through the forward to the guest's
    port works: echo (7) returns a probe, chargen (19) sends bytes."""
    hp = m.hostport(port)
    end = deadline(READY_S)
    probe = os.urandom(16)
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", hp), timeout=5) as s:
                if port == 7:
                    s.sendall(probe)
                    if recv_exactly(s, 16, time.monotonic() + 3) == probe:
                        return hp
                elif recv_exactly(s, 1, time.monotonic() + 3):
                    return hp
        except OSError:
            pass
        m.watch(0.5, what)
    check(False, what, f"a round trip through 127.0.0.1:{hp} -> guest port "
          f"{port} within {READY_S * scale():.0f} s", "no answer")


def udp_ready(m, what):
    hp = m.hostport(7, "udp")
    end = deadline(READY_S)
    probe = os.urandom(16)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1)
        while time.monotonic() < end:
            s.sendto(probe, ("127.0.0.1", hp))
            try:
                while True:
                    got = s.recv(2048)
                    if got == probe:
                        return hp
            except socket.timeout:
                pass
            m.watch(0.2, what)
    check(False, what, f"a UDP echo through 127.0.0.1:{hp} within "
          f"{READY_S * scale():.0f} s", "no answer")


def transfer(m, hp, data, label, seconds=60, expect_eof=True):
    """Send data on a new connection to the forward hp while receiving
    what comes back; then half-close and expect the guest's FIN. Returns
    the bytes received (checked against data by the caller)."""
    s = socket.create_connection(("127.0.0.1", hp), timeout=10)
    err = []

    def sender():
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            err.append(e)

    t = threading.Thread(target=sender, daemon=True)
    t.start()
    end = deadline(seconds)
    got = recv_exactly(s, len(data), end)
    eof = None
    if len(got) == len(data) and expect_eof:
        eof = recv_exactly(s, 1, min(end, time.monotonic() + 20 * scale()))
    t.join(max(0, end - time.monotonic()))
    s.close()
    check(not err, f"{label}: the host sends {len(data)} bytes",
          "sendall and shutdown succeed", repr(err[:1]))
    check(got == data, f"{label}: the echo returns the host's random bytes "
          "intact, in order", f"{len(data)} bytes equal to those sent",
          describe_diff(data, got))
    if expect_eof:
        check(eof == b"", f"{label}: after the host's FIN the guest closes "
              "the connection too", "EOF, nothing more", repr(eof))
    return got


# ---------------------------------------------------------------- ARP, ICMP

def arp_ask(m, pmac, pip, gip, seconds, what):
    """Broadcast "who has gip?" from pmac/pip once a second until the
    guest answers or seconds (scaled) pass; returns the reply or None."""
    end = deadline(seconds)
    while time.monotonic() < end:
        m.peer.send(Ether(dst="ff:ff:ff:ff:ff:ff", src=pmac) /
                    ARP(op=1, hwsrc=pmac, psrc=pip, pdst=gip))
        reply = m.peer.recv_until(lambda f: f.haslayer(ARP) and f[ARP].op == 2,
                                  timeout=1)
        if reply is not None:
            return reply
        m.watch(0.01, what)
    return None


class RawGuest:
    """A guest booted on the raw peer with a random static address, and
    the peer's own MAC and address on the same /24 (rng picks the
    addresses: a seeded one makes them part of what the seed repeats)."""

    def __init__(self, boot, rng=random):
        self.gmac, self.pmac = mac_str(random_mac()), mac_str(random_mac())
        net = f"10.{rng.randint(1, 254)}.{rng.randint(0, 255)}"
        self.gip = f"{net}.{rng.randint(2, 126)}"
        self.pip = f"{net}.{rng.randint(130, 253)}"
        self.m = boot(nets=(Net(opts="romfile=", mac=self.gmac),),
                      cmdline=f"ip={self.gip}/24")
        self.peer = self.m.peer

    def tcp(self, port):
        """A RawTCP from the peer to the guest's port, not yet connected."""
        return RawTCP(self.peer, self.gmac, self.pmac, self.gip, self.pip, port,
                      watch=lambda s: self.m.watch(s, "the stack"))

    def connected(self, port, seconds, what):
        """A RawTCP to port, connected within seconds, or a failed check."""
        c = self.tcp(port)
        check(c.connect(seconds), what, "a SYN-ACK", "none")
        return c

    def ping(self, ident, bad=None, wait=10):
        return icmp_echo(self, ident, bad=bad, wait=wait)


def checksums_ok(ip_bytes):
    """Recompute the IP and ICMP checksums of a received datagram (without
    Ethernet padding) with scapy; returns (ok, seen, recomputed)."""
    p = IP(ip_bytes)
    q = p.copy()
    del q.chksum
    del q[ICMP].chksum
    q = IP(bytes(q))
    seen = (p.chksum, p[ICMP].chksum)
    want = (q.chksum, q[ICMP].chksum)
    return seen == want, seen, want


@points(10, "answers ARP for its address and ICMP echo with intact payloads")
def test_arp_icmp(boot):
    g = RawGuest(boot)
    m, peer, gmac, pmac, gip, pip = g.m, g.peer, g.gmac, g.pmac, g.gip, g.pip

    # ARP: ask until the stack is up and answers.
    reply = arp_ask(m, pmac, pip, gip, READY_S, "an ARP reply from the guest")
    check(reply is not None, f"the guest answers an ARP request for its "
          f"static address {gip}", f"ARP is-at {gmac}", "no reply")
    a = reply[ARP]
    check((reply.dst, a.hwsrc, a.psrc, a.hwdst, a.pdst) ==
          (pmac, gmac, gip, pmac, pip),
          "the ARP reply names the guest's MAC and address, to the asker",
          f"{gmac} is-at {gip} to {pmac}/{pip}",
          f"eth dst {reply.dst}: {a.hwsrc} is-at {a.psrc} to {a.hwdst}/{a.pdst}")

    # ICMP echo: random ids, sequence numbers and payloads, 0..1472 bytes.
    sizes = [0, 1, 18, 1472] + [random.randint(0, 1472) for _ in range(36)]
    for k, size in enumerate(sizes):
        ident, seq = random.getrandbits(16), random.getrandbits(16)
        payload = os.urandom(size)
        peer.send(Ether(dst=gmac, src=pmac) / IP(src=pip, dst=gip) /
                  ICMP(type=8, id=ident, seq=seq) / payload)
        got, end = None, time.monotonic() + 10 * scale()
        while got is None and time.monotonic() < end:
            f = peer.recv(timeout=1)
            arp_answer(peer, f, pmac, pip)
            if (f is not None and f.haslayer(ICMP) and f[ICMP].type == 0 and
                    f[ICMP].id == ident and f[ICMP].seq == seq):
                got = f
        check(got is not None, f"echo request {k + 1} of {len(sizes)} "
              f"({size} payload bytes, id {ident:#x}, seq {seq}) is answered",
              "an ICMP echo reply with that id and seq", "none in 10 s")
        ip = got[IP]
        raw = bytes(ip)[:ip.len]        # without the Ethernet padding
        check((got.src, got.dst, ip.src, ip.dst) == (gmac, pmac, gip, pip),
              f"echo reply {k + 1}: addressed from the guest to the peer",
              f"{gmac} -> {pmac}, {gip} -> {pip}",
              f"{got.src} -> {got.dst}, {ip.src} -> {ip.dst}")
        ok, seen, want = checksums_ok(raw)
        check(ok, f"echo reply {k + 1}: IP and ICMP checksums are right",
              f"recomputed {want[0]:#06x}, {want[1]:#06x}",
              f"{seen[0]:#06x}, {seen[1]:#06x}")
        back = raw[ip.ihl * 4 + 8:]
        check(back == payload, f"echo reply {k + 1}: the payload comes back "
              "intact", f"the {size} random bytes sent", describe_diff(payload, back))


# ---------------------------------------------------------------- DHCP

@points(5, "gets an address by DHCP and serves on it")
def test_dhcp(boot):
    m = slirp(boot, (("tcp", 7),), cmdline=None)
    hp = tcp_ready(m, 7, "the echo service on the DHCP address")
    transfer(m, hp, os.urandom(4096), "echo on the leased address")
    mac = "52:54:00:12:34:56"
    frames = rdpcap(m.pcaps[0])
    kinds = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 5: "ACK"}
    seen, lease, order = {}, None, []
    for f in frames:
        if not f.haslayer(DHCP):
            continue
        opts = {o[0]: o[1] for o in f[DHCP].options if isinstance(o, tuple)}
        t = opts.get("message-type")
        order.append(kinds.get(t, str(t)))
        if t in (1, 3) and f.src == mac:
            seen.setdefault(t, opts)
        elif t in (2, 5) and f[BOOTP].chaddr[:6] == bytes.fromhex(mac.replace(":", "")):
            seen.setdefault(t, f[BOOTP].yiaddr)
            if t == 5 and lease is None:
                lease = f[BOOTP].yiaddr
    check(all(t in seen for t in (1, 2, 3, 5)), "the pcap shows the guest's "
          "DHCP exchange", "DISCOVER, OFFER, REQUEST, ACK", " ".join(order) or "no DHCP")
    want = seen[2]
    req = seen[3].get("requested_addr")
    check(req == want and lease == want, "the guest requests the offered "
          "address and gets it", f"REQUEST and ACK for {want}",
          f"REQUEST for {req}, ACK for {lease}")
    src = {f[IP].src for f in frames
           if f.haslayer(TCP) and f.src == mac and f[TCP].sport == 7}
    check(src == {lease}, "the echo's segments come from the leased address",
          f"source {lease}", ", ".join(sorted(src)) or "no TCP from port 7")


def dhcp_type(f):
    if f is None or not f.haslayer(DHCP):
        return None
    return next((o[1] for o in f[DHCP].options
                 if isinstance(o, tuple) and o[0] == "message-type"), None)


@points(5, "without a DHCP server: DISCOVER retried on lwIP's timers, then the fallback")
def test_dhcp_timers(boot):
    gmac, pmac = mac_str(random_mac()), mac_str(random_mac())
    m = boot(nets=(Net(opts="romfile=", mac=gmac),), cmdline=None)
    peer = m.peer
    # lwIP 2.1.3 (dhcp.c) waits 2, 4, 8 s after its 1st, 2nd, 3rd DISCOVER.
    # The times are QEMU's, from the pcap: the peer may read a frame late.
    n, end = 0, deadline(30)
    while n < 3 and time.monotonic() < end:
        f = peer.recv(timeout=0.2)
        n += dhcp_type(f) == 1 and f.src == gmac
        m.watch(0.01, "the guest's DHCP DISCOVERs")
    check(n == 3, "with nobody answering, the guest sends DISCOVER "
          "again and again", "3 DISCOVERs within 30 s", f"{n}")
    times = [float(f.time) for f in rdpcap(m.pcaps[0])
             if dhcp_type(f) == 1 and f.src == gmac][:3]
    gaps = [b - a for a, b in zip(times, times[1:])]
    seen = ", ".join(f"{g:.1f} s" for g in gaps)
    check(1.0 <= gaps[0] <= 3.5 * scale() and 1.5 <= gaps[1] / gaps[0] <= 2.6,
          "the DISCOVERs are spaced by lwIP's timers in milliseconds "
          "(sys_now, timed waits)", "about 2 s, then about 4 s", seen)
    # The static fallback (netinit.c: 15 s) then answers ARP.
    gip, pip = "10.0.2.15", "10.0.2.99"
    reply = arp_ask(m, pmac, pip, gip, 40, "the static fallback")
    check(reply is not None and reply[ARP].hwsrc == gmac, "after DHCP gives up, "
          f"the guest answers ARP for the fallback {gip}", f"{gip} is-at {gmac}",
          "no reply in 40 s" if reply is None else reply[ARP].hwsrc)


# ---------------------------------------------------------------- backpressure, overload

@points(5, "a peer that stops reading is pushed back, and loses nothing")
def test_backpressure(boot):
    c = RawGuest(boot).connected(7, READY_S, "the echo service accepts a TCP "
                                 "connection from the peer")
    # Our window stays 0, so the echo piles up in the guest; 400-byte
    # segments then fill the connection's mailbox long before its window.
    data = os.urandom(256 << 10)
    acked = c.send_stream(data, 400, 120, window=0)
    check(0 < acked < len(data), "with the peer not reading, the guest stops "
          "taking data (its window closes)", "it acknowledges part of 256 KiB",
          f"{acked} bytes acknowledged")
    back = c.read_stream(acked, 60)
    check(back == data[:acked], "when the peer reads again, every byte the "
          "guest acknowledged comes back, in order", f"{acked} bytes",
          describe_diff(data[:acked], back))


@points(5, "input pools run dry: frames are dropped, and the stack recovers")
def test_overload(boot):
    g = RawGuest(boot)
    m = g.m
    c = g.connected(7, READY_S, "the echo service accepts a TCP connection "
                    "from the peer")
    c.exchange(b"before", 6, 10)
    flood = [bytes(Ether(dst=g.gmac, src=g.pmac) / IP(src=g.pip, dst=g.gip) /
                   ICMP(id=0xf00d, seq=k) / os.urandom(32)) for k in range(2500)]
    for r in range(3):
        # kernel/net/netfile.c: the tcpip thread stands still for 2 s while
        # 2500 frames come, many more than its input messages.
        m.sendline("echo hold 2000 > /dev/netctl")
        m.expect(r"hold 2000 > /dev/netctl\r*\n", 10, what="the echo of the command")
        time.sleep(0.2)
        for f in flood:
            g.peer.send(f)
        m.expect(r"\$ ", 30, what="the prompt after the 2-second hold")
        # Frames are dropped while the backlog drains, and a probe may be
        # one of them: ask once a second until an answer, for 20 s.
        ident, reply = random.getrandbits(16), None
        end = time.monotonic() + 20 * scale()
        while reply is None and time.monotonic() < end:
            reply = g.ping(ident, wait=1)
        check(reply is not None, f"after overload {r + 1} of 3 "
              "the guest answers ICMP echo", "an echo reply, one probe a "
              "second", "none in 20 s")
    c = g.connected(7, 30, "after the overloads the echo service accepts a "
                    "new TCP connection")
    data = os.urandom(1000)
    back = c.exchange(data, len(data), 30)
    check(back == data, "after the overloads, TCP echo returns the peer's "
          "bytes", f"{len(data)} bytes", describe_diff(data, back))


# ---------------------------------------------------------------- TCP echo

@points(10, "TCP echo returns 1 B, 64 KiB and 4 MiB intact")
def test_tcp_echo_sizes(boot):
    m = slirp(boot, (("tcp", 7),))
    hp = tcp_ready(m, 7, "the TCP echo service")
    for size, secs in ((1, 30), (64 << 10, 60), (4 << 20, 300)):
        transfer(m, hp, os.urandom(size), f"{size}-byte echo", seconds=secs)


@points(10, "TCP echo serves 8 connections at once, writes interleaved")
def test_tcp_echo_concurrent(boot):
    m = slirp(boot, (("tcp", 7),))
    hp = tcp_ready(m, 7, "the TCP echo service")
    n = 8
    pairs = interleaved_echo(m, hp, n, 48, "the concurrent echoes")
    for i, (want, got) in enumerate(pairs):
        check(got == want, f"connection {i + 1} of {n} gets its own "
              "bytes back, intact and in order", f"{len(want)} bytes",
              describe_diff(want, got))


# ---------------------------------------------------------------- UDP echo

@points(5, "UDP echo: 100 datagrams, fragmented ones and bursts, intact")
def test_udp_echo(boot):
    m = slirp(boot, (("udp", 7),))
    hp = udp_ready(m, "the UDP echo service")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("127.0.0.1", hp))
        for k in range(100):
            d = os.urandom(random.randint(1, 1472))
            s.sendall(d)
            end = time.monotonic() + 10 * scale()
            back = None
            while time.monotonic() < end:
                s.settimeout(max(0.1, end - time.monotonic()))
                try:
                    back = s.recv(4096)
                except socket.timeout:
                    break
                if back == d:
                    break
            check(back == d, f"datagram {k + 1} of 100 ({len(d)} bytes) "
                  "comes back intact", f"{len(d)} bytes equal to those sent",
                  "nothing" if back is None else describe_diff(d, back))
        # Datagrams bigger than the MTU: IP fragments both ways (lwIP
        # reassembles them, and fragments its answer as pbuf chains).
        for k in range(10):
            d = os.urandom(random.randint(1473, 4000))
            check(udp_round_trip(s, d), f"fragmented datagram {k + 1} of 10 "
                  f"({len(d)} bytes) comes back intact", f"{len(d)} bytes "
                  "equal to those sent", "no such reply in 10 s")
        # Bursts bigger than any mailbox: what does not fit is dropped, what
        # comes back is intact, and the service still answers afterwards.
        for b in range(BURSTS):
            sent = {os.urandom(1000) for _ in range(BURST)}
            for d in sent:
                s.send(d)
            back, end = [], time.monotonic() + 3 * scale()
            while time.monotonic() < end:
                s.settimeout(max(0.05, end - time.monotonic()))
                try:
                    back.append(s.recv(4096))
                except socket.timeout:
                    break
            stray = [d for d in back if d not in sent]
            check(not stray, f"burst {b + 1} of {BURSTS} ({BURST} datagrams at once): "
                  "every datagram that comes back is one that was sent, intact",
                  "only copies of sent datagrams", f"{len(stray)} others")
            m.watch(0.1, f"the guest after UDP burst {b + 1}")
        for k in range(10):
            d = os.urandom(random.randint(1, 1472))
            check(udp_round_trip(s, d), f"after the bursts, datagram {k + 1} of "
                  "10 comes back intact (nothing wedged or leaked)",
                  f"{len(d)} bytes equal to those sent", "no such reply in 10 s")


BURST, BURSTS = 300, 5      # > DEFAULT_UDP_RECVMBOX_SIZE; BURSTS x the excess > PBUF_POOL_SIZE


def udp_round_trip(s, d, seconds=10):
    """Send d on the connected UDP socket s; True once it comes back."""
    s.send(d)
    end = time.monotonic() + seconds * scale()
    while time.monotonic() < end:
        s.settimeout(max(0.1, end - time.monotonic()))
        try:
            if s.recv(4096) == d:
                return True
        except socket.timeout:
            break
    return False


# ---------------------------------------------------------------- discard, chargen

@points(5, "discard accepts 1 MiB and closes cleanly")
def test_discard(boot):
    m = slirp(boot, (("tcp", 9), ("tcp", 19)))
    tcp_ready(m, 19, "the services (chargen answering)")
    hp = m.hostport(9)
    s = socket.create_connection(("127.0.0.1", hp), timeout=10)
    s.settimeout(120 * scale())
    try:
        s.sendall(os.urandom(1 << 20))
        s.shutdown(socket.SHUT_WR)
        rest = recv_exactly(s, 1, deadline(60))
        err = None
    except OSError as e:
        rest, err = None, e
    s.close()
    check(err is None and rest == b"", "1 MiB sent to discard is taken and, "
          "after the host's FIN, the guest closes with nothing sent back",
          "EOF", repr(err) if err else repr(rest[:16]))


@points(5, "chargen sends at least 1 MiB of RFC 864's pattern")
def test_chargen(boot):
    m = slirp(boot, (("tcp", 19),))
    hp = tcp_ready(m, 19, "the chargen service")
    size = 1 << 20
    want = (CHARGEN * (size // len(CHARGEN) + 1))[:size]
    for k in range(2):                  # a second one: the first freed its worker
        with socket.create_connection(("127.0.0.1", hp), timeout=10) as s:
            got = recv_exactly(s, size, deadline(120))
        check(got == want, f"chargen connection {k + 1}: 1 MiB of the "
              "pattern from its first byte", f"{size} bytes of the pattern",
              describe_diff(want, got))


# ---------------------------------------------------------------- bad peers

def reset(s):
    """Close s with an RST (SO_LINGER 0) instead of a FIN."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


@points(5, "peers that reset mid-transfer or crowd the pool do no harm")
def test_abrupt_peers(boot):
    m = slirp(boot, (("tcp", 7), ("tcp", 19)))
    hp = tcp_ready(m, 7, "the TCP echo service")
    cg = tcp_ready(m, 19, "the chargen service")
    # Resets in the middle of transfers, more of them than any worker pool.
    for k in range(40):
        port = hp if k % 2 == 0 else cg
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        if port == hp:
            s.sendall(os.urandom(random.randint(1, 256 << 10)))
        recv_exactly(s, random.randint(1, 64 << 10), time.monotonic() + 5 * scale())
        reset(s)
        m.watch(0.05, "the guest after a peer's reset")
    # More idle connections at once than the guest serves: each is served
    # or refused with a clean close, none hangs.
    crowd = [socket.create_connection(("127.0.0.1", hp), timeout=10)
             for _ in range(24)]
    served = 0
    for i, s in enumerate(crowd):
        probe = os.urandom(8)
        try:
            s.sendall(probe)
            back = recv_exactly(s, 8, time.monotonic() + 10 * scale())
        except OSError:
            back = b""
        check(back in (probe, b""), f"crowded connection {i + 1}: served "
              "(its probe echoed) or refused (closed)", "the probe, or EOF",
              repr(back))
        served += back == probe
    check(served >= 8, "with 24 idle connections at once, at least 8 are served",
          ">= 8 served", f"{served}")
    for s in crowd:
        reset(s)
    # Afterwards the services work as before (nothing leaked).
    time.sleep(1)
    hp = tcp_ready(m, 7, "the TCP echo service after the crowd")
    transfer(m, hp, os.urandom(256 << 10), "echo after the resets and the crowd")


# ---------------------------------------------------------------- outbound

@points(10, "connect from the shell reaches a host server and echoes its nonce")
def test_outbound(boot):
    m = slirp(boot, (("tcp", 7),))
    tcp_ready(m, 7, "the stack (its echo service answering)")
    with socket.create_server(("127.0.0.1", 0)) as srv:
        port = srv.getsockname()[1]
        srv.settimeout(1)
        m.sendline(f"connect 10.0.2.2 {port}")      # slirp: 10.0.2.2 is the host
        conn, end = None, deadline(30)
        while conn is None and time.monotonic() < end:
            try:
                conn, _ = srv.accept()
            except socket.timeout:
                m.watch(0.1, "the guest's connection to the host")
        check(conn is not None, f"`connect 10.0.2.2 {port}` in the guest opens "
              f"a TCP connection to the host's 127.0.0.1:{port}",
              "an accepted connection", "none in 30 s")
    nonce = os.urandom(8).hex().encode() + os.urandom(48 << 10)
    with conn:
        sender = threading.Thread(target=conn.sendall, args=(nonce,), daemon=True)
        sender.start()
        got = recv_exactly(conn, len(nonce), deadline(60))
        sender.join(10)
    check(got == nonce, "the guest's connection sends back the host's nonce "
          "and data", f"{len(nonce)} bytes equal to those sent",
          describe_diff(nonce, got))
    # The host's close ends the command: the shell prompts again.
    m.expect(r"\$ ", 30, what="the prompt after the host closed the connection")


# ---------------------------------------------------------------- loss

def retransmitted(pcap, port):
    """TCP data segments to or from the guest's port that the pcap shows
    more than once (the same direction, sequence number and length)."""
    seen, again = set(), 0
    for f in rdpcap(pcap):
        if not f.haslayer(TCP) or port not in (f[TCP].sport, f[TCP].dport):
            continue
        n = len(f[TCP].payload)
        if n == 0:
            continue
        key = (f[TCP].sport, f[TCP].dport, f[TCP].seq, n)
        again += key in seen
        seen.add(key)
    return again


@points(10, "a 1 MiB TCP echo completes intact with 5 % of frames lost each way")
def test_loss(boot):
    seed = random.randint(1, 1 << 30)
    m = slirp(boot, (("tcp", 7),), cmdline=f"{STATIC} netloss=5 netseed={seed}")
    hp = tcp_ready(m, 7, "the TCP echo service, with 5 % loss")
    transfer(m, hp, os.urandom(1 << 20), f"1 MiB echo, 5 % loss (netseed={seed})",
             seconds=300)
    again = retransmitted(m.pcaps[0], 7)
    check(again > 0, "the pcap shows retransmitted segments (the loss was real)",
          "at least one segment sent twice", f"{again}")


# ---------------------------------------------------------------- bad input

def icmp_echo(g, ident, bad=None, wait=5):
    """Send the RawGuest g an echo request with id ident (bad: "ip" or
    "icmp" spoils that checksum); return its reply or None after wait
    seconds."""
    pkt = (Ether(dst=g.gmac, src=g.pmac) / IP(src=g.pip, dst=g.gip) /
           ICMP(id=ident, seq=1) / b"probe")
    raw = bytearray(bytes(pkt))
    if bad == "ip":
        raw[24] ^= 0xff                 # the IP header checksum
    elif bad == "icmp":
        raw[36] ^= 0xff                 # the ICMP checksum
    g.peer.send(bytes(raw))
    end = time.monotonic() + wait * scale()
    while time.monotonic() < end:
        f = g.peer.recv(timeout=0.2)
        arp_answer(g.peer, f, g.pmac, g.pip)
        if f is not None and f.haslayer(ICMP) and f[ICMP].type == 0 and f[ICMP].id == ident:
            return f
        g.m.watch(0.01, "the guest after malformed input")
    return None


@points(10, "malformed IPv4/ICMP/UDP/TCP and a SYN flood leave the stack serving")
def test_bad_input(boot):
    seed = random.randint(1, 1 << 30)
    rng = random.Random(seed)
    g = RawGuest(boot, rng)
    m, peer = g.m, g.peer
    first = g.connected(7, READY_S, "before the burst, the guest's echo service "
                        "accepts a TCP connection from the peer")
    first.exchange(b"before", 6, 10)

    bad = malformed(g.gmac, g.pmac, g.gip, g.pip, 7, rng)
    flood = syn_flood(g.gmac, g.pmac, g.gip, g.pip, 7, 1000, rng)
    for k, (what, frame) in enumerate(bad):
        peer.send(frame)
        if k % 16 == 15:
            m.watch(0.05, f"the guest after {what!r} (malformed frame {k + 1}, seed {seed})")
    for k, frame in enumerate(flood):
        peer.send(frame)
        if k % 50 == 49:
            m.watch(0.05, f"the guest during the SYN flood (seed {seed})")
    m.watch(1, f"the guest after {len(bad)} malformed frames and 1000 SYNs (seed {seed})")

    # Checksums are checked: a spoilt echo request gets no answer.
    for kind in ("ip", "icmp"):
        ident = rng.getrandbits(16)
        got = g.ping(ident, bad=kind, wait=2)
        check(got is None, f"an echo request with a bad {kind.upper()} checksum "
              "is dropped", "no reply", "an echo reply")
    ident = rng.getrandbits(16)
    check(g.ping(ident, wait=20) is not None,
          f"after the burst (seed {seed}) the guest answers ICMP echo",
          "an echo reply", "none in 20 s")
    # TCP: the flood's half-open connections time out and free the pool.
    data = os.urandom(1000)
    conn = g.connected(7, 90, f"after the SYN flood (seed {seed}) the echo "
                       "service accepts a new TCP connection within 90 s")
    back = conn.exchange(data, len(data), 30)
    check(back == data, "after the burst, TCP echo returns the peer's bytes",
          f"{len(data)} bytes equal to those sent", describe_diff(data, back))
