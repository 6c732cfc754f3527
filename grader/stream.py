"""Host-side helpers for byte streams that more than one lab's tests use:
scaled deadlines, reading exactly n bytes from a socket, saying how two
byte strings differ in one line (for a failure's "seen"), and several
echo clients at once with their writes interleaved."""

import os
import random
import socket
import threading
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


def interleaved_echo(m, hp, n, rounds, what, seconds=120):
    """Open n connections to the echo server behind host port hp and send
    rounds random chunks (1..8192 bytes) on each, a round at a time, the
    connections in a random order each round, while a thread per
    connection reads its echo. m is the machine (watched for a panic
    meanwhile). Returns [(sent, received)] per connection; closes them."""
    conns = [socket.create_connection(("127.0.0.1", hp), timeout=10)
             for _ in range(n)]
    chunks = [[os.urandom(random.randint(1, 8192)) for _ in range(rounds)]
              for _ in range(n)]
    want = [b"".join(c) for c in chunks]
    got = [b""] * n
    end = deadline(seconds)

    def reader(i):
        got[i] = recv_exactly(conns[i], len(want[i]), end)

    readers = [threading.Thread(target=reader, args=(i,), daemon=True)
               for i in range(n)]
    for t in readers:
        t.start()
    for r in range(rounds):
        for i in random.sample(range(n), n):
            conns[i].sendall(chunks[i][r])
        m.watch(0.01, what)
    for t in readers:
        while t.is_alive() and time.monotonic() < end:
            t.join(0.5)
            m.watch(0.01, what)
    for c in conns:
        c.close()
    return list(zip(want, got))
