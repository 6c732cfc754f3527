# Lab 6 tests: the packet policy inside BitVisor, judged below it.
#
# Every test boots the kit as BitVisor's guest (BVLAB_PLATFORM=bitvisor,
# `make grade-bitvisor BITVISOR_SRC=checkout LAB=6`) with the module's
# test policy: everything allowed except TCP and UDP to port 7777 and
# anything to 10.0.2.99. The NIC is an e1000 that BitVisor drives, on
# QEMU's slirp; the pcap is QEMU's dump of that NIC's back end, so it
# holds exactly the frames BitVisor put on the wire and those the wire
# sent, and nothing the guest can touch. Host sockets (hostfwd) and
# host commands behind guestfwd addresses (slirp starts one per
# connection, which appends what it gets to a file in the test
# directory) say what got through.
#
# The guest is the attacker: its kernel's own stack (nc) and raw frames
# built on the host and sent by ethersend on /dev/ether0, which bypass
# lwIP entirely. Each attack frame carries a host-chosen nonce, and each
# test sends an allowed frame of the same shape as a control, which must
# appear, so a guest that sends nothing cannot pass.
#
# On any other platform there is no hypervisor below the guest to judge:
# every test is left out of the total (platform_skip) with that reason.

import os
import random
import re
import socket
import struct
import threading
import time

import pytest
from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.l2 import ARP, Ether

from grader import (Net, check, deadline, platform_skip, points,
                    recv_exactly, scale)
from grader.platform import platform_name

GMAC = "52:54:00:12:34:56"          # the NIC's MAC (Net's default)
GIP = "10.0.2.15"                   # slirp's first DHCP lease
GW = "10.0.2.2"                     # slirp's gateway: the host's 127.0.0.1
GWMAC = "52:55:0a:00:02:02"         # slirp's MAC for its own addresses
FWD = "10.0.2.100"                  # guestfwd address for host listeners
DENIED_PORT = 7777                  # the test policy (module/README.md)
DENIED_HOST = "10.0.2.99"
OPEN_PORT = 7000
READY_S = 60
COUNTERS = ("out_pass", "out_deny", "out_spoof", "out_malformed",
            "in_pass", "in_drop", "arp", "tcp", "udp", "icmp", "other_ip",
            "other")


@pytest.fixture(autouse=True)
def on_bitvisor():
    if platform_name() != "bitvisor":
        platform_skip(f"BVLAB_PLATFORM={platform_name()}: lab 6's policy "
                      "runs inside BitVisor and is judged on the wire below "
                      "it; grade it with make grade-bitvisor "
                      "BITVISOR_SRC=checkout LAB=6")


def token():
    return os.urandom(8)


# ---------------------------------------------------------------- the wire

def wire(m):
    """Every frame of the NIC's pcap so far, as bytes (a record still
    being written is left for the next call)."""
    with open(m.pcaps[0], "rb") as f:
        data = f.read()
    frames, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        if off + 16 + incl > len(data):
            break
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def mac_bytes(mac):
    return bytes.fromhex(mac.replace(":", ""))


def from_guest(frames):
    """The frames that left the guest's side: BitVisor let them out."""
    return [f for f in frames if f[6:12] == mac_bytes(GMAC)]


def carrying(frames, data):
    return [f for f in frames if data in f]


def quiet_wire(m, seconds=2):
    """Wait until the pcap has not grown for seconds; return its frames."""
    last, since = None, time.monotonic()
    end = deadline(30)
    while time.monotonic() < end:
        frames = wire(m)
        if last is None or len(frames) != len(last):
            last, since = frames, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return frames
        m.watch(0.2, "a quiet wire")
    return last


def ipv4(f):
    """(IP layer, ok) of an IPv4 frame from the pcap, else (None, False)."""
    e = Ether(f)
    return (e[IP], True) if e.haslayer(IP) else (None, False)


# ---------------------------------------------------------------- the guest

def boot_policy(boot, hostfwd=(), fwds=()):
    """Boot on slirp with DHCP (the module learns the guest's address from
    the lease) and the kernel's echo service forwarded; return once a
    host-chosen probe comes back through it, so the lease is in place."""
    m = boot(nets=(Net(kind="user", hostfwd=(("tcp", 7),) + tuple(hostfwd),
                       user_opts=",".join(f for f, _ in fwds)),))
    hp, probe, end = m.hostport(7), token(), deadline(READY_S)
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", hp), timeout=5) as s:
                s.sendall(probe)
                if recv_exactly(s, len(probe), time.monotonic() + 5) == probe:
                    return m
        except OSError:
            pass
        m.watch(0.5, "the guest's TCP echo on its DHCP address")
    check(False, "the guest's network stack answers through BitVisor",
          f"TCP echo through 127.0.0.1:{hp} within {READY_S * scale():.0f} s",
          "no answer")


def send_raw(m, pkt, src=None, count=1):
    """Have the guest's ethersend put pkt (a scapy Ether) on /dev/ether0,
    count times, from src (a forged MAC) or the NIC's own MAC."""
    raw = bytes(pkt)
    opt = f"-s {src} " if src else ""
    line = (f"ethersend {opt}{raw[0:6].hex(':')} {raw[12:14].hex()} "
            f"{raw[14:].hex()} {count}")
    out = m.run(line, timeout=60 * scale())
    check(f"sent {count} frame" in out, "ethersend sends the attack frame "
          "(the guest side of the test works)", line, out.strip()[-200:])


def udp(dst, dport, payload, src=GIP, **ip):
    return Ether(src=GMAC, dst=GWMAC) / IP(src=src, dst=dst, **ip) / \
        UDP(sport=40000 + random.randrange(1000), dport=dport) / payload


def tcp_syn(dst, dport, payload, src=GIP):
    return Ether(src=GMAC, dst=GWMAC) / IP(src=src, dst=dst) / \
        TCP(sport=40000 + random.randrange(1000), dport=dport, flags="S",
            seq=random.randrange(1 << 32)) / payload


def fragments(pkt, first):
    """pkt's IPv4 packet cut after first bytes of its payload (a multiple
    of 8) into two fragments: (MF set, offset 0) and (offset first)."""
    ip = pkt[IP]
    body = bytes(ip.payload)
    a = Ether(bytes(pkt[Ether])[:14]) / IP(src=ip.src, dst=ip.dst, proto=ip.proto,
                                           id=ip.id, flags="MF") / body[:first]
    b = Ether(bytes(pkt[Ether])[:14]) / IP(src=ip.src, dst=ip.dst, proto=ip.proto,
                                           id=ip.id, frag=first // 8) / body[first:]
    return a, b


def exec_fwd(test_dir, addr, port):
    """A host listener behind addr:port: slirp runs a shell for every
    connection the guest opens there, which appends what it receives to
    a file. Returns (the -netdev user option, the file's path); no file
    means no connection."""
    path = os.path.join(test_dir, f"conn-{addr}-{port}")
    return (f"guestfwd=tcp:{addr}:{port}-cmd:sh -c 'cat >> {path}'", path)


def received(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def counters(m):
    """The module's counters as bvstat reads them through the vmmcall."""
    out = m.run("bvstat", timeout=60 * scale())
    got = dict((k, int(v)) for k, v in re.findall(r"^(\w+) (\d+)$", out, re.M))
    check(all(k in got for k in COUNTERS), "bvstat reads the module's "
          "counters through the vmmcall", " ".join(COUNTERS),
          out.strip()[-300:])
    return got


def wait_for(m, cond, seconds, what):
    end = deadline(seconds)
    while time.monotonic() < end:
        if cond():
            return True
        m.watch(0.2, what)
    return cond()


# ---------------------------------------------------------------- tests

@points(5, "allowed traffic passes (a TCP echo, an HTTP fetch) and is counted as passed")
def test_allowed(boot, tree):
    m = boot_policy(boot, hostfwd=(("tcp", 80),))
    data = os.urandom(64 << 10)
    with socket.create_connection(("127.0.0.1", m.hostport(7)), timeout=10) as s:
        threading.Thread(target=s.sendall, args=(data,), daemon=True).start()
        got = recv_exactly(s, len(data), deadline(60))
    check(got == data, "64 KiB of random bytes come back through the guest's "
          "TCP echo", f"{len(data)} bytes", f"{len(got)} bytes, "
          f"{'equal' if got == data else 'different'}")
    m.run("httpd &")
    with open(os.path.join(tree, "README.md"), "rb") as f:
        want = f.read()
    body, end = b"", deadline(60)
    while time.monotonic() < end and body[-len(want):] != want:
        try:
            with socket.create_connection(("127.0.0.1", m.hostport(80)), timeout=10) as s:
                s.sendall(b"GET /README.md HTTP/1.0\r\n\r\n")
                body = b""
                s.settimeout(20 * scale())
                while (b := s.recv(65536)):
                    body += b
        except OSError:
            m.watch(0.5, "the guest's httpd")
    check(body.startswith(b"HTTP/1.") and body.endswith(want), "an HTTP GET "
          "of /README.md from the guest's httpd returns the file's bytes",
          f"{len(want)} bytes of README.md after the headers",
          f"{len(body)} bytes: {body[:80]!r}")
    out = from_guest(quiet_wire(m))
    c = counters(m)
    check(c["out_pass"] == len(out) and c["tcp"] >= sum(
        1 for f in out if ipv4(f)[0] is not None and ipv4(f)[0].proto == 6),
          "the module counts every frame it let out as passed, the TCP "
          "segments under tcp", f"out_pass {len(out)} (the pcap), tcp at "
          "least the guest's TCP segments there", f"out_pass {c['out_pass']}, "
          f"tcp {c['tcp']}")


def connect_attempt(m, addr, port):
    """The guest's own stack (nc) tries addr:port with a nonce; returns
    it. The command runs in the background: a dropped SYN keeps it
    retrying."""
    n = token().hex()
    m.run(f"echo {n} | nc {addr} {port} &")
    return n


def allowed_connect(m, fwd, port):
    ok = token().hex()
    m.run(f"echo {ok} | nc {FWD} {port}", timeout=60 * scale())
    check(wait_for(m, lambda: ok.encode() in (received(fwd[1]) or b""), 20,
                   "the allowed connection"),
          f"the control: the guest's `nc {FWD} {port}` (allowed) reaches the "
          "host behind it", repr(ok), repr(received(fwd[1])))


@points(15, "denied port 7777: nc and raw TCP/UDP frames never reach the wire or a host listener")
def test_denied_port(boot, test_dir):
    open_ = exec_fwd(test_dir, FWD, OPEN_PORT)
    denied = exec_fwd(test_dir, FWD, DENIED_PORT)
    m = boot_policy(boot, fwds=(open_, denied))
    allowed_connect(m, open_, OPEN_PORT)
    bad = connect_attempt(m, FWD, DENIED_PORT).encode()
    n_tcp, n_udp, n_ok = token(), token(), token()
    send_raw(m, tcp_syn(FWD, DENIED_PORT, n_tcp))
    send_raw(m, udp(GW, DENIED_PORT, n_udp))
    send_raw(m, udp(FWD, DENIED_PORT, n_udp))
    send_raw(m, udp(GW, DENIED_PORT + 1, n_ok))         # the control
    m.watch(10 * scale(), "the guest's attempts on the denied port")
    frames = from_guest(wire(m))
    check(carrying(frames, n_ok), "the control, a raw UDP frame to port "
          f"{DENIED_PORT + 1}, is on the wire", "one frame with its nonce",
          "none: the guest's raw frames do not get out at all")
    to_port = []
    for f in frames:
        ip, _ = ipv4(f)
        if ip is not None and (ip.haslayer(TCP) or ip.haslayer(UDP)) and \
           ip.payload.dport == DENIED_PORT:
            to_port.append(Ether(f).summary())
    check(not to_port, f"no TCP or UDP frame to port {DENIED_PORT} leaves "
          "BitVisor", "none on the wire", f"{len(to_port)}: {to_port[:3]}")
    check(not any(carrying(frames, n) for n in (n_tcp, n_udp, bad)),
          "the nonces of nc's line and of the raw frames are not on the wire",
          "absent", "present")
    got = received(denied[1])
    check(got is None, f"the host listener behind {FWD}:{DENIED_PORT} sees no "
          "connection", "no connection", f"a connection that sent {got!r}")


@points(15, "denied destination 10.0.2.99: nc, UDP and ICMP never reach the wire or a host listener")
def test_denied_destination(boot, test_dir):
    open_ = exec_fwd(test_dir, FWD, OPEN_PORT)
    denied = exec_fwd(test_dir, DENIED_HOST, OPEN_PORT)
    m = boot_policy(boot, fwds=(open_, denied))
    allowed_connect(m, open_, OPEN_PORT)
    bad = connect_attempt(m, DENIED_HOST, OPEN_PORT).encode()
    n_udp, n_icmp, n_ok = token(), token(), token()
    port = random.randrange(1024, 7000)
    send_raw(m, udp(DENIED_HOST, port, n_udp))
    send_raw(m, Ether(src=GMAC, dst=GWMAC) / IP(src=GIP, dst=DENIED_HOST) /
             ICMP(id=random.randrange(65536)) / n_icmp)
    send_raw(m, udp(GW, port, n_ok))                    # the control
    m.watch(10 * scale(), "the guest's attempts on the denied host")
    frames = from_guest(wire(m))
    check(carrying(frames, n_ok), f"the control, a raw UDP frame to {GW}, "
          "is on the wire", "one frame with its nonce", "none")
    to_host = [Ether(f).summary() for f in frames
               if ipv4(f)[0] is not None and ipv4(f)[0].dst == DENIED_HOST]
    check(not to_host, f"no IPv4 frame to {DENIED_HOST} leaves BitVisor",
          "none on the wire", f"{len(to_host)}: {to_host[:3]}")
    check(not any(carrying(frames, n) for n in (n_udp, n_icmp, bad)),
          "the nonces of nc's line and of the raw frames are not on the wire",
          "absent", "present")
    got = received(denied[1])
    check(got is None, f"the host listener behind {DENIED_HOST}:{OPEN_PORT} "
          "sees no connection", "no connection", f"a connection that sent {got!r}")


@points(15, "forged source MAC, forged source IP and ARP spoofing are dropped")
def test_spoof(boot):
    m = boot_policy(boot)
    fake_mac = "02:" + os.urandom(5).hex(":")
    n_mac, n_ip, n_both, n_ok = token(), token(), token(), token()
    port = random.randrange(1024, 7000)
    send_raw(m, udp(GW, port, n_mac), src=fake_mac)
    send_raw(m, udp(GW, port, n_ip, src="10.0.2.77"))
    send_raw(m, udp(GW, port, n_both, src=GW), src=fake_mac)
    # ARP: the guest claims the gateway's address, and with a forged MAC
    # claims its own.
    send_raw(m, Ether(src=GMAC, dst="ff:ff:ff:ff:ff:ff") /
             ARP(op=2, hwsrc=GMAC, psrc=GW, hwdst="ff:ff:ff:ff:ff:ff", pdst=GW))
    send_raw(m, Ether(src=GMAC, dst="ff:ff:ff:ff:ff:ff") /
             ARP(op=2, hwsrc=fake_mac, psrc=GIP, hwdst="ff:ff:ff:ff:ff:ff", pdst=GW))
    send_raw(m, udp(GW, port, n_ok))                    # the control
    m.watch(5 * scale(), "the guest's forged frames")
    frames = wire(m)
    mine = from_guest(frames)
    check(carrying(mine, n_ok), "the control, a raw UDP frame from the "
          "guest's own MAC and address, is on the wire", "present", "absent")
    forged = [Ether(f).summary() for f in frames if f[6:12] == mac_bytes(fake_mac)]
    check(not forged, f"no frame from the forged MAC {fake_mac} leaves BitVisor",
          "none", f"{len(forged)}: {forged[:3]}")
    wrong_ip = [Ether(f).summary() for f in mine
                if ipv4(f)[0] is not None and ipv4(f)[0].src not in (GIP, "0.0.0.0")]
    check(not wrong_ip, f"every IPv4 frame of the guest's MAC is from {GIP}",
          "no other source address", f"{wrong_ip[:3]}")
    arp_lies = [Ether(f).summary() for f in mine if Ether(f).haslayer(ARP) and
                (Ether(f)[ARP].psrc not in (GIP, "0.0.0.0") or
                 Ether(f)[ARP].hwsrc != GMAC)]
    check(not arp_lies, "no ARP from the guest claims another address or "
          "MAC", "none", f"{arp_lies[:3]}")
    check(not any(carrying(frames, n) for n in (n_mac, n_ip, n_both)),
          "the forged frames' nonces are not on the wire", "absent", "present")


@points(15, "fragments that hide the port (tiny, later-only, whole-in-one) are dropped")
def test_fragments(boot):
    m = boot_policy(boot)
    n_tiny, n_later, n_mf, n_ok = token(), token(), token(), token()
    # A TCP SYN to the denied port cut after 8 bytes: the flags and the
    # rest of the header come in a second fragment.
    a, b = fragments(tcp_syn(GW, DENIED_PORT, n_tiny), 8)
    send_raw(m, a)
    send_raw(m, b)
    # A later fragment alone: no ports in it at all.
    _, later = fragments(udp(GW, DENIED_PORT, token() + n_later), 16)
    send_raw(m, later)
    # A whole UDP datagram to an allowed port, but marked as a first
    # fragment: the rest could rewrite the port on reassembly.
    send_raw(m, udp(GW, DENIED_PORT + 1, n_mf, flags="MF"))
    send_raw(m, udp(GW, DENIED_PORT + 1, n_ok))         # the control
    m.watch(5 * scale(), "the guest's fragments")
    mine = from_guest(wire(m))
    check(carrying(mine, n_ok), "the control, the same UDP datagram "
          "unfragmented, is on the wire", "present", "absent")
    frags = [Ether(f).summary() for f in mine if ipv4(f)[0] is not None and
             ipv4(f)[0].proto in (6, 17) and (ipv4(f)[0].flags.MF or ipv4(f)[0].frag)]
    check(not frags, "no TCP or UDP fragment leaves BitVisor", "none",
          f"{len(frags)}: {frags[:3]}")
    check(not any(carrying(mine, n) for n in (n_tiny, n_later, n_mf)),
          "the fragments' nonces are not on the wire", "absent", "present")


@points(20, "the counters bvstat reads through the vmmcall match the frames on the wire")
def test_counters(boot, test_dir):
    m = boot_policy(boot)
    quiet_wire(m)
    before = counters(m)
    k = {v: random.randrange(2, 7) for v in ("pass", "deny", "spoof", "malformed")}
    n = {v: token() for v in k}
    port = random.randrange(1024, 7000)
    send_raw(m, udp(GW, port, n["pass"]), count=k["pass"])
    send_raw(m, udp(GW, DENIED_PORT, n["deny"]), count=k["deny"])
    send_raw(m, udp(GW, port, n["spoof"], src="10.0.2.77"), count=k["spoof"])
    bad = bytearray(bytes(udp(GW, port, n["malformed"])))
    bad[14] = 0x44                                      # IHL 4
    send_raw(m, Ether(bytes(bad)), count=k["malformed"])
    for _ in range(3):
        frames = quiet_wire(m)
        after = counters(m)
        if len(wire(m)) == len(frames):
            break
    out = from_guest(frames)
    check(len(carrying(out, n["pass"])) == k["pass"], f"the {k['pass']} allowed "
          "raw frames are on the wire", str(k["pass"]),
          str(len(carrying(out, n["pass"]))))
    check(after["out_pass"] == len(out), "out_pass is the number of frames "
          "from the guest on the wire", f"{len(out)} (the pcap)",
          f"{after['out_pass']}")
    inbound = len(frames) - len(out)
    check(after["in_pass"] == inbound, "in_pass is the number of frames the "
          "wire sent the guest", f"{inbound} (the pcap)", f"{after['in_pass']}")
    d = {c: after[c] - before[c] for c in COUNTERS}
    for v in ("deny", "spoof", "malformed"):
        check(d[f"out_{v}"] == k[v], f"out_{v} grew by the {k[v]} frames of "
              f"that kind the guest sent, none of which is on the wire",
              f"+{k[v]}", f"+{d[f'out_{v}']}")
    check(d["udp"] == k["pass"] + k["deny"] + k["spoof"],
          "udp counts every UDP frame the guest sent, whatever its verdict",
          f"+{k['pass'] + k['deny'] + k['spoof']}", f"+{d['udp']}")
    check(d["other_ip"] == k["malformed"], "other_ip counts the malformed "
          "IPv4 frames", f"+{k['malformed']}", f"+{d['other_ip']}")
    # Asked with -c, BitVisor prints the same figures on COM1 (its log,
    # which the guest cannot write).
    m.run("bvstat -c", timeout=60 * scale())
    log = os.path.join(test_dir, "bitvisor.log")
    want = (f"deny {after['out_deny']} spoof {after['out_spoof']} "
            f"malformed {after['out_malformed']}")
    seen = ""
    if wait_for(m, lambda: want in open(log, errors="replace").read(), 10,
                "BitVisor's log"):
        seen = want
    else:
        seen = "\n".join(l for l in open(log, errors="replace").read().splitlines()
                         if "bvpolicy: out" in l)[-300:]
    check(seen == want, "`bvstat -c` makes BitVisor print the counters on COM1",
          want, seen or "no bvpolicy line in BitVisor's log")


def flood_frames():
    """[(frame, nonce)]: malformed frames of every kind the module's rule
    names (module/README.md, "The verdicts"), each with its own nonce."""
    def ipv4_with(offset, value, **ip):
        n = token()
        f = bytearray(bytes(udp(GW, 9, n, **ip)))
        f[offset:offset + len(value)] = value
        return Ether(bytes(f)), n

    def total(n):
        return n.to_bytes(2, "big")

    arp = token()
    return [
        ipv4_with(14, b"\x44"),            # IHL 4
        ipv4_with(14, b"\x4f"),            # IHL 15: the header beyond the frame
        ipv4_with(16, total(1500)),        # total length beyond the frame
        ipv4_with(16, total(12)),          # total length below the header
        ipv4_with(14, b"\x65"),            # version 6 under EtherType 0800
        ipv4_with(16, total(24)),          # the UDP header cut
        ipv4_with(0, b"", frag=3),         # a later UDP fragment
        (Ether(src=GMAC, dst="ff:ff:ff:ff:ff:ff", type=0x0806) / arp, arp),
    ]


@points(15, "a flood of malformed frames: none on the wire, BitVisor runs on, allowed traffic flows")
def test_malformed_flood(boot, test_dir):
    m = boot_policy(boot)
    flood = flood_frames()
    for pkt, _ in flood:
        send_raw(m, pkt, count=200)
    n_ok = token()
    send_raw(m, udp(GW, 9, n_ok))                       # the control
    m.watch(3 * scale(), "the flood")
    mine = from_guest(wire(m))
    check(carrying(mine, n_ok), "the control, a well-formed UDP frame, is "
          "on the wire", "present", "absent")
    leaked = [i for i, (_, n) in enumerate(flood) if carrying(mine, n)]
    check(not leaked, f"none of the {len(flood)} kinds of malformed frame "
          f"(200 of each) leaves BitVisor", "none",
          f"kinds {leaked}: {[flood[i][0].summary() for i in leaked]}")
    data = os.urandom(16 << 10)
    with socket.create_connection(("127.0.0.1", m.hostport(7)), timeout=20) as s:
        threading.Thread(target=s.sendall, args=(data,), daemon=True).start()
        got = recv_exactly(s, len(data), deadline(60))
    check(got == data, "after the flood, 16 KiB of random bytes come back "
          "through the guest's TCP echo", f"{len(data)} bytes", f"{len(got)} bytes")
    with open(os.path.join(test_dir, "bitvisor.log"), errors="replace") as f:
        log = f.read()
    check("panic" not in log.lower(), "BitVisor did not panic", "no panic in its "
          "log", log[-400:])
