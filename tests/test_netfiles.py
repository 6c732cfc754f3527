"""The TCP/IP stack's device files refuse junk (kernel/net/netfile.c).

/dev/netdial takes "A.B.C.D PORT", /dev/netctl "hold MS", /dev/netinfo is
read-only: one boot writes them every malformed request we could think of
(and the user program connect every bad argument list), each of which must
fail at once, and then the host checks that the stack still serves: a
nonce it chose goes through the echo service and comes back. A panic or a
QEMU exit fails the test at once (qemuboot.Machine).
"""
import os
import socket
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, ROOT)
import qemuboot  # noqa: E402
from grader.platform import BootSpec, Image, Net, qemu_launch  # noqa: E402

pytestmark = pytest.mark.skipif(not os.path.isdir(os.path.join(ROOT, "kernel", "net")),
                                reason="a tree without lab 3's stack")

DIAL = ["", "x", "1.2.3.4", "1.2.3.4 ", "1.2.3.4 0", "1.2.3.4 65536",
        "1.2.3.4 99999999999999999999", "999.1.1.1 80", "1.2.3.4 80x",
        "1.2.3.4 -1", " 80", "A" * 200, "10.0.2.2 1"]
CTL = ["hold", "hold ", "hold 0", "hold -5", "hold 10001",
       "hold 99999999999999999999", "hold 5x", "stall 5", "X" * 100]
CONNECT = ["connect", "connect 1.2.3.4", "connect 1.2.3.4 abc",
           "connect 1.2.3.4 80 9", "connect " + "9" * 60 + " 1", "connect 10.0.2.2 1"]


def echo_round_trip(port, seconds=60):
    """True once a fresh nonce goes through the guest's echo service."""
    nonce = os.urandom(32)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(nonce)
                s.settimeout(5)
                if s.recv(64) == nonce:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def test_device_files_refuse_junk(tmp_path):
    image = os.path.join(ROOT, "build")
    spec = BootSpec(nets=(Net(kind="user", opts="romfile=", pcap=False,
                              hostfwd=(("tcp", 7),)),),)
    launch = qemu_launch(spec, str(tmp_path), Image(image))
    port = launch.hostports[("tcp", 7)]
    m = qemuboot.Machine(launch.argv, str(tmp_path / "serial.log"))
    try:
        m.wait_prompt(timeout=120)
        # The stack first: junk must meet the parsers, not "not started".
        assert echo_round_trip(port), f"the echo service never answered (serial log {m.log})"
        started = time.monotonic()
        for req in DIAL:
            m.run(f"echo {req} > /dev/netdial", timeout=30)
        for req in CTL:
            m.run(f"echo {req} > /dev/netctl", timeout=30)
        for cmd in ("echo x > /dev/netinfo", "cat /dev/netdial", "cat /dev/netctl"):
            m.run(cmd, timeout=30)
        for cmd in CONNECT:
            out = m.run(cmd, timeout=30)
            assert "bytes echoed" not in out, f"`{cmd}` claimed a connection:\n{out}"
        took = time.monotonic() - started
        assert took < 60, f"the refusals took {took:.0f} s: one of them waited"
        assert echo_round_trip(port), f"after the junk the echo service did not " \
                                      f"return the host's nonce (serial log {m.log})"
    except qemuboot.BootError as e:
        pytest.fail(f"{e} (serial log {m.log})")
    finally:
        m.close()
