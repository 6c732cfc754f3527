"""A minimal client for QEMU's machine protocol (QMP), for what the host
must see without asking the guest: here, the guest's physical memory.

QMP is JSON lines over a socket: QEMU greets, the client sends
qmp_capabilities, then commands; each gets a {"return": ...} or an
{"error": ...} (asynchronous {"event": ...} lines may come in between).
"""

import json
import socket
import time


def _reply(f):
    while True:
        line = f.readline()
        if not line:
            raise OSError("QEMU closed the QMP connection")
        msg = json.loads(line)
        if "event" in msg:
            continue
        if "error" in msg:
            raise OSError(f"QMP error: {msg['error'].get('desc', msg['error'])}")
        return msg


def command(port, *cmds, timeout=10):
    """Run QMP commands (dicts) on 127.0.0.1:port; return their replies."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    with s, s.makefile("rw", encoding="utf-8") as f:
        f.readline()                            # the greeting
        out = []
        for cmd in ({"execute": "qmp_capabilities"},) + cmds:
            f.write(json.dumps(cmd) + "\n")
            f.flush()
            out.append(_reply(f))
        return out[1:]


def pmemsave(port, addr, size, path):
    """Write size bytes of guest physical memory at addr to path."""
    command(port, {"execute": "pmemsave",
                   "arguments": {"val": addr, "size": size, "filename": path}})
