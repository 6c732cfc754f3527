"""Host-side helpers for byte streams that more than one lab's tests use:
scaled deadlines, reading exactly n bytes from a socket, and saying how
two byte strings differ in one line (for a failure's "seen")."""

import socket
import time

from .machine import scale


def deadline(seconds):
    """The monotonic time seconds (scaled by GRADER_TIMEOUT_SCALE) from now."""
    return time.monotonic() + seconds * scale()


def recv_exactly(s, n, until):
    """Read n bytes from socket s before the monotonic time until; returns
    what came (shorter on EOF, a reset or the deadline)."""
    buf = bytearray()
    while len(buf) < n:
        left = until - time.monotonic()
        if left <= 0:
            break
        s.settimeout(min(left, 5))
        try:
            chunk = s.recv(min(n - len(buf), 1 << 20))
        except socket.timeout:
            continue
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def describe_diff(want, got):
    """One line: "equal", or how long got is and where it first differs."""
    if got == want:
        return "equal"
    n = min(len(want), len(got))
    first = next((i for i in range(n) if want[i] != got[i]), n)
    return (f"{len(got)} bytes, the first difference at offset {first}"
            if first < n else f"only {len(got)} bytes (a prefix of what was sent)"
            if len(got) < len(want) else
            f"{len(got)} bytes: the {len(want)} sent, then {len(got) - len(want)} more")
