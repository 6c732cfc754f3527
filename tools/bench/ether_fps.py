"""Raw-Ethernet frames per second through the virtio-net driver (QEMU TCG).

One machine (GRUB ISO, legacy virtio-net on -netdev dgram, interrupts),
1514-byte frames, median of RUNS runs per direction, timed on the host:

  guest -> peer   `ethersend -n 1500 ... N` in the guest; the peer counts
                  frames from the first to the last it receives (and says
                  how many it missed: UDP on the host may drop some when
                  the guest sends faster than this script reads)
  peer -> guest   N frames through `etherecho`, at most WINDOW in flight;
                  each frame crosses the driver twice (RX, then TX), so
                  this is a lower bound on the receive rate
"""
import os
import socket
import statistics
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, TOP)
from grader import platform as plat  # noqa: E402
from grader.machine import PROMPT, Machine  # noqa: E402

RUNS = 5
NFRAMES = 3000
WINDOW = 32
GUEST_MAC = bytes.fromhex("525400a0b0c1")
PEER_MAC = bytes.fromhex("0200000000fe")


def tx_run(m):
    """Frames per second guest -> peer; returns (fps, frames missed)."""
    peer = m.peer
    m.sendline(f"ethersend -n 1500 {PEER_MAC.hex(':')} 88b5 a5 {NFRAMES}")
    first = last = None
    n = 0
    while n < NFRAMES:
        r = peer.recv(3.0, raw=True)
        if r is None:
            break                       # the rest were lost on the host
        last = time.monotonic()
        if first is None:
            first = last
        n += 1
    m.expect(PROMPT, 60, what="the prompt after ethersend")
    if n < 2:
        return 0.0, NFRAMES - n
    return (n - 1) / (last - first), NFRAMES - n


def rx_run(m):
    """Frames per second peer -> guest -> peer through etherecho."""
    peer = m.peer
    frame = GUEST_MAC + PEER_MAC + b"\x88\xb5" + os.urandom(1500)
    m.sendline(f"etherecho {NFRAMES}")
    m.expect(r"etherecho: ready", 30, what="etherecho to start")
    start = time.monotonic()
    sent = got = 0
    while got < NFRAMES:
        while sent < NFRAMES and sent - got < WINDOW:
            peer.send(frame)
            sent += 1
        if peer.recv(10.0, raw=True) is None:
            raise SystemExit(f"ether_fps: echo stalled after {got} frames")
        got += 1
    elapsed = time.monotonic() - start
    m.expect(PROMPT, 60, what="the prompt after etherecho")
    return NFRAMES / elapsed


def main():
    image = plat.Image(os.path.join(TOP, "build"))
    if not os.path.exists(image.path("bvlab.iso")):
        raise SystemExit("ether_fps: build/bvlab.iso missing: run make first")
    tdir = tempfile.mkdtemp(prefix="bvlab-ether-fps-")
    spec = plat.BootSpec(nets=(plat.Net(opts="disable-modern=on,romfile=",
                                        mac=GUEST_MAC.hex(":"), pcap=False),))
    m = Machine(spec, tdir, image)
    try:
        m.wait_boot(120)
        # A bigger receive buffer lets the peer keep up with the guest.
        m.peer.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        tx = [tx_run(m) for _ in range(RUNS)]
        rx = [rx_run(m) for _ in range(RUNS)]
    finally:
        m.close()
    txfps = [f for f, _ in tx]
    missed = sum(x for _, x in tx)
    print(f"ether guest->peer, 1514-byte frames: median {statistics.median(txfps):.0f} "
          f"frames/s over {RUNS} runs of {NFRAMES} (min {min(txfps):.0f}, "
          f"max {max(txfps):.0f}; {missed} frames missed by the host)")
    print(f"ether peer->guest->peer (etherecho, window {WINDOW}), 1514-byte "
          f"frames: median {statistics.median(rx):.0f} frames/s over {RUNS} "
          f"runs of {NFRAMES} (min {min(rx):.0f}, max {max(rx):.0f})")


if __name__ == "__main__":
    main()
