"""IPv4 from a raw-Ethernet Peer, for tests of a guest's TCP/IP stack.

The Peer (net.py) moves whole frames; these helpers make it a small host
on the guest's subnet, built on scapy:

    arp_answer(peer, f, pmac, pip)  answer the guest's ARP request in f
    RawTCP(peer, ...)               a TCP client written out by hand, one
                                    segment at a time: enough to open a
                                    connection, send a little and read it
                                    back, or stream data at a guest while
                                    refusing its answer (a zero window),
                                    with retransmission
    malformed(...)                  frames that break IPv4, ICMP, UDP and
                                    TCP rules, each named, for the
                                    bad-input tests

Everything is judged on the frames the guest sends back, never on what it
prints.
"""

import random
import time

from scapy.layers.inet import ICMP, IP, TCP, UDP, IPOption
from scapy.layers.l2 import ARP, Ether
from scapy.packet import Raw

from .machine import scale


def arp_answer(peer, f, pmac, pip):
    """If frame f is the guest's ARP request for pip, answer it (pip is at
    pmac). Returns True if it did."""
    if f is None or not f.haslayer(ARP) or f[ARP].op != 1 or f[ARP].pdst != pip:
        return False
    peer.send(Ether(dst=f.src, src=pmac) /
              ARP(op=2, hwsrc=pmac, psrc=pip, hwdst=f[ARP].hwsrc,
                  pdst=f[ARP].psrc))
    return True


def tcp_payload(f):
    """The TCP data in frame f, without Ethernet padding."""
    return bytes(f[Raw].load) if f.haslayer(Raw) else b""


class RawTCP:
    """One TCP connection from the peer (pmac, pip, a random port) to the
    guest's gip:port, driven by hand: SYN, then data, then RST. Only
    in-order data is taken; every step is retransmitted each RTO seconds,
    so a guest that drops frames (a full queue, a flood) is given time.
    `watch(seconds)` is called while waiting (Machine.watch, to fail at
    once on a panic)."""

    RTO = 1.0

    def __init__(self, peer, gmac, pmac, gip, pip, port, watch=None):
        self.peer, self.gmac, self.pmac = peer, gmac, pmac
        self.gip, self.pip, self.port = gip, pip, port
        self.sport = random.randint(20000, 60000)
        self.isn = random.getrandbits(32)
        self.rcv_nxt = None         # next sequence number wanted from the guest
        self.sent = 0               # bytes of ours the guest has acknowledged
        self.watch = watch or (lambda s: None)

    def _segment(self, flags, seq, payload=b"", ack=None, options=(),
                 window=65535):
        t = TCP(sport=self.sport, dport=self.port, flags=flags, seq=seq,
                ack=ack or 0, window=window, options=list(options))
        return (Ether(dst=self.gmac, src=self.pmac) /
                IP(src=self.pip, dst=self.gip) / t / payload)

    def _from_guest(self, f):
        return (f is not None and f.haslayer(TCP) and f.haslayer(IP) and
                f[IP].src == self.gip and f[TCP].sport == self.port and
                f[TCP].dport == self.sport)

    def _take(self, f):
        """The new in-order bytes of the guest's segment f (a retransmission
        may start before rcv_nxt and carry more after it); moves rcv_nxt."""
        body = tcp_payload(f)
        skip = (self.rcv_nxt - f[TCP].seq) % 2**32
        if not body or skip >= len(body):
            return b""
        self.rcv_nxt = (self.rcv_nxt + len(body) - skip) % 2**32
        return body[skip:]

    def _next(self, timeout):
        """The next frame of this connection from the guest, or None;
        answers ARP meanwhile."""
        f = self.peer.recv(timeout=timeout)
        arp_answer(self.peer, f, self.pmac, self.pip)
        return f if self._from_guest(f) else None

    def connect(self, seconds):
        """Handshake; True once the guest's SYN-ACK has come and been
        acknowledged within seconds (scaled)."""
        end = time.monotonic() + seconds * scale()
        syn = self._segment("S", self.isn, options=[("MSS", 1460)])
        resend = 0
        while time.monotonic() < end:
            if time.monotonic() >= resend:
                self.peer.send(syn)
                resend = time.monotonic() + self.RTO
            f = self._next(0.2)
            self.watch(0.01)
            if f is None:
                continue
            t = f[TCP]
            if t.flags.S and t.flags.A and t.ack == (self.isn + 1) % 2**32:
                self.rcv_nxt = (t.seq + 1) % 2**32
                self.peer.send(self._segment("A", self.isn + 1, ack=self.rcv_nxt))
                return True
        return False

    def exchange(self, data, want, seconds):
        """Send data (one segment, at most 1400 bytes) and read until want
        bytes came back in order, or seconds (scaled) passed; returns the
        bytes read. Ends the connection with an RST."""
        assert len(data) <= 1400
        end = time.monotonic() + seconds * scale()
        seq = (self.isn + 1) % 2**32
        got, acked, resend = b"", False, 0
        while time.monotonic() < end and len(got) < want:
            if not acked and time.monotonic() >= resend:
                self.peer.send(self._segment("PA", seq, data, ack=self.rcv_nxt))
                resend = time.monotonic() + self.RTO
            f = self._next(0.2)
            self.watch(0.01)
            if f is None:
                continue
            t = f[TCP]
            if t.flags.R:
                break
            if t.flags.A and (t.ack - seq) % 2**32 >= len(data):
                acked = True
            if tcp_payload(f):
                got += self._take(f)
                self.peer.send(self._segment("A", (seq + len(data)) % 2**32,
                                             ack=self.rcv_nxt))
        self.peer.send(self._segment("R", (seq + len(data)) % 2**32))
        return got


    def send_stream(self, data, seg, seconds, window=0, stall=4):
        """Send data in segments of seg bytes within the guest's window,
        going back to the first unacknowledged byte after each RTO, while
        advertising our receive window `window` (0: the guest may not send
        its echo, so its own buffers fill). Stops when all is acknowledged,
        after seconds (scaled), or once the guest has acknowledged nothing
        new for stall seconds (it pushes back). Returns the number of bytes
        the guest acknowledged."""
        end = time.monotonic() + seconds * scale()
        progress = time.monotonic()
        base = (self.isn + 1) % 2**32
        una = nxt = 0                   # offsets into data
        wnd, resend = seg, time.monotonic() + self.RTO
        while (una < len(data) and time.monotonic() < end and
               time.monotonic() - progress < stall * scale()):
            while nxt < len(data) and nxt - una + seg <= max(wnd, seg):
                chunk = data[nxt:nxt + seg]
                self.peer.send(self._segment("PA", (base + nxt) % 2**32, chunk,
                                             ack=self.rcv_nxt, window=window))
                nxt += len(chunk)
            f = self._next(0.05)
            if f is None:
                if time.monotonic() >= resend:
                    nxt, resend = una, time.monotonic() + self.RTO
                    self.watch(0.01)
                continue
            t = f[TCP]
            if t.flags.R:
                break
            acked = (t.ack - base) % 2**32
            if acked <= len(data) and acked > una:
                una, resend = acked, time.monotonic() + self.RTO
                progress = time.monotonic()
            wnd = t.window
            if tcp_payload(f) and window == 0:
                # A zero-window probe: acknowledge what we have, take nothing.
                self.peer.send(self._segment("A", (base + nxt) % 2**32,
                                             ack=self.rcv_nxt, window=0))
        self.sent = una
        return una

    def read_stream(self, want, seconds):
        """Open our window and read until want bytes came in order, or
        seconds (scaled) passed; returns them. Ends with an RST."""
        end = time.monotonic() + seconds * scale()
        seq = (self.isn + 1 + self.sent) % 2**32
        got, last_ack = bytearray(), 0
        self.peer.send(self._segment("A", seq, ack=self.rcv_nxt))
        while len(got) < want and time.monotonic() < end:
            f = self._next(0.2)
            if f is None:
                if time.monotonic() - last_ack > self.RTO:
                    self.peer.send(self._segment("A", seq, ack=self.rcv_nxt))
                    last_ack = time.monotonic()
                    self.watch(0.01)
                continue
            t = f[TCP]
            if t.flags.R:
                break
            if tcp_payload(f):
                got += self._take(f)
                self.peer.send(self._segment("A", seq, ack=self.rcv_nxt))
                last_ack = time.monotonic()
        self.peer.send(self._segment("R", seq))
        return bytes(got)


# ---------------------------------------------------------------- bad input

def _tcp_bytes(sport, dport, flags, seq, ack, offset_words, extra, payload=b""):
    """A TCP segment with the header length offset_words and the bytes
    extra after the 20-byte header (options, possibly nonsense); scapy
    fills in the checksum."""
    t = TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack,
            dataofs=offset_words, window=8192)
    return t / Raw(extra + payload)


def malformed(gmac, pmac, gip, pip, open_port, rng):
    """A list of (what, frame bytes) from pmac/pip to the guest, each
    breaking a rule of IPv4, ICMP, UDP or TCP (or taking an odd but legal
    path: options, fragments, flag combinations). rng (random.Random)
    picks ports, identifiers and the fuzzed bytes, so one seed gives one
    list."""
    out = []

    def eth():
        return Ether(dst=gmac, src=pmac)

    def ip(**kw):
        return IP(src=pip, dst=gip, **kw)

    def add(what, pkt):
        out.append((what, bytes(pkt)))

    def closed_port():
        return rng.choice([p for p in range(1000, 1100) if p != open_port])

    junk = bytes(rng.getrandbits(8) for _ in range(64))

    # IPv4 headers
    add("IPv4 with a bad header checksum", eth() / ip(chksum=0xdead) / ICMP() / junk)
    add("IPv4 total length past the frame's end",
        eth() / ip(len=1400) / UDP(sport=4000, dport=open_port) / b"short")
    add("IPv4 total length smaller than its header",
        eth() / ip(len=12) / UDP(sport=4000, dport=open_port) / b"abc")
    add("IPv4 header length of 4 words", eth() / ip(ihl=4) / ICMP() / junk)
    add("IPv4 header length of 15 words in a short datagram",
        eth() / ip(ihl=15, len=40) / ICMP())
    add("version 6 in an IPv4 frame", eth() / ip(version=6) / ICMP() / junk)
    add("version 0 in an IPv4 frame", eth() / ip(version=0) / ICMP() / junk)
    add("an IPv4 header cut short by the frame", bytes(eth() / ip() / ICMP())[:14 + 12])
    add("IPv4 from the broadcast address", eth() / IP(src="255.255.255.255", dst=gip) / ICMP())
    add("IPv4 from the guest's own address", eth() / IP(src=gip, dst=gip) / ICMP())
    add("an unknown IP protocol (253)", eth() / ip(proto=253) / junk)
    # IPv4 options, legal and not
    add("IPv4 record-route option", eth() / ip(options=[IPOption(b"\x07\x07\x04" + b"\0" * 4)]) / ICMP())
    add("IPv4 option with length 0", eth() / ip(options=[IPOption(b"\x83\x00\x00\x00")]) / ICMP())
    add("IPv4 option longer than the header",
        eth() / ip(options=[IPOption(b"\x44\xff\x00\x00")]) / ICMP())
    add("IPv4 router-alert option", eth() / ip(options=[IPOption(b"\x94\x04\x00\x00")]) / UDP(dport=open_port) / junk)
    # Fragments
    ident = rng.getrandbits(16)
    add("a first fragment whose rest never comes",
        eth() / ip(id=ident, flags="MF", frag=0, proto=17) / (bytes(UDP(sport=4001, dport=open_port, len=1008)) + junk))
    add("a middle fragment alone", eth() / ip(id=ident + 1, flags="MF", frag=100, proto=17) / junk)
    add("a last fragment past 64 KiB", eth() / ip(id=ident + 2, frag=8190, proto=17) / junk)
    for k in range(3):                   # overlapping pieces of one datagram
        add(f"overlapping fragment {k + 1} of 3",
            eth() / ip(id=ident + 3, flags="MF" if k < 2 else 0, frag=k * 2, proto=1) / (junk[:32]))
    for k in range(20):                  # many 8-byte fragments, never finished
        add(f"tiny fragment {k + 1} of 20",
            eth() / ip(id=ident + 4, flags="MF", frag=k, proto=17) / junk[:8])
    # ICMP
    add("ICMP cut to 2 bytes", eth() / ip(proto=1) / b"\x08\x00")
    add("ICMP echo with a bad checksum", eth() / ip() / ICMP(chksum=0xbeef) / junk)
    add("an unsolicited ICMP echo reply", eth() / ip() / ICMP(type=0) / junk)
    add("ICMP unreachable quoting garbage", eth() / ip() / ICMP(type=3, code=3) / junk)
    add("ICMP unreachable quoting a TCP header of ours",
        eth() / ip() / ICMP(type=3, code=4) / bytes(IP(src=gip, dst=pip) / TCP(sport=open_port, dport=4002))[:28])
    for _ in range(20):
        add("ICMP of a random type and code",
            eth() / ip() / ICMP(type=rng.randrange(256), code=rng.randrange(256)) / junk[:rng.randrange(64)])
    # UDP
    add("UDP with a bad checksum", eth() / ip() / UDP(sport=4003, dport=open_port, chksum=0x1234) / junk)
    add("UDP length past the datagram", eth() / ip() / UDP(sport=4003, dport=open_port, len=1000) / junk[:10])
    add("UDP length below its header", eth() / ip() / UDP(sport=4003, dport=open_port, len=4) / junk[:10])
    add("UDP header cut short", eth() / ip(proto=17) / b"\x0f\xa3\x00")
    add("UDP to a closed port", eth() / ip() / UDP(sport=4003, dport=closed_port()) / junk)
    add("UDP from port 0", eth() / ip() / UDP(sport=0, dport=open_port) / junk)
    # TCP: flags
    for flags in ("", "SF", "SR", "FPU", "FSRPAUEC", "R", "A", "F", "SA", "PA", "U"):
        for port in (open_port, closed_port()):
            add(f"TCP flags {flags or 'none'} to port {port}",
                eth() / ip() / TCP(sport=rng.randint(1024, 65535), dport=port, flags=flags,
                                   seq=rng.getrandbits(32), ack=rng.getrandbits(32)) / junk[:16])
    # TCP: lengths, checksums, options
    sp = rng.randint(1024, 65535)
    add("TCP SYN with a bad checksum", eth() / ip() / TCP(sport=sp, dport=open_port, flags="S", chksum=0x4321))
    add("TCP header length of 2 words", eth() / ip() / _tcp_bytes(sp, open_port, "S", 1, 0, 2, b""))
    add("TCP header length past the segment", eth() / ip() / _tcp_bytes(sp, open_port, "S", 1, 0, 15, b""))
    add("TCP header cut short", eth() / ip(proto=6) / bytes(TCP(sport=sp, dport=open_port))[:10])
    for what, opts in (("an MSS option of length 3", b"\x02\x03\x05\x00"),
                       ("an MSS of 0", b"\x02\x04\x00\x00"),
                       ("an option of length 0", b"\xfe\x00\x00\x00"),
                       ("an option of length 1", b"\x08\x01\x00\x00"),
                       ("an option running past the header", b"\x08\x0a\x00\x00"),
                       ("window scale 255", b"\x03\x03\xff\x00"),
                       ("a truncated timestamp", b"\x08\x06\x00\x00\x00\x00\x00\x00"),
                       ("SACK-permitted of length 3", b"\x04\x03\x00\x00")):
        for flags in ("S", "A"):
            add(f"TCP {flags} with {what}",
                eth() / ip() / _tcp_bytes(rng.randint(1024, 65535), open_port, flags,
                                          rng.getrandbits(32), 0, 5 + len(opts) // 4, opts))
    add("TCP urgent pointer past the data",
        eth() / ip() / TCP(sport=sp, dport=open_port, flags="AU", urgptr=60000) / junk[:8])
    add("TCP data with a FIN to a listening port",
        eth() / ip() / TCP(sport=sp, dport=open_port, flags="FPA") / junk)
    # Fuzz: valid frames with a few header bytes changed.
    seeds = [eth() / ip() / ICMP(id=1, seq=1) / junk[:32],
             eth() / ip() / UDP(sport=4004, dport=open_port) / junk[:32],
             eth() / ip() / TCP(sport=4005, dport=open_port, flags="S", options=[("MSS", 1460)])]
    for k in range(300):
        f = bytearray(bytes(rng.choice(seeds)))
        for _ in range(rng.randint(1, 4)):
            f[14 + rng.randrange(min(40, len(f) - 14))] = rng.getrandbits(8)
        out.append((f"fuzzed header {k + 1} of 300", bytes(f)))
    return out


def syn_flood(gmac, pmac, gip, pip, open_port, n, rng):
    """n TCP SYNs from random ports, half to open_port, half to closed
    ports, as frames."""
    frames = []
    for k in range(n):
        port = open_port if k % 2 == 0 else rng.randint(1000, 1999)
        frames.append(bytes(Ether(dst=gmac, src=pmac) / IP(src=pip, dst=gip) /
                            TCP(sport=rng.randint(1024, 65535), dport=port,
                                flags="S", seq=rng.getrandbits(32))))
    return frames
