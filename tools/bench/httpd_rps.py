"""HTTP requests per second from the guest's httpd (lab 4), with CLIENTS
concurrent clients on the host.

One machine, booted as tcp_throughput.py boots it (1 vCPU, legacy
virtio-net, slirp, static address). The guest writes a small file
(`echo ... > /small.txt`, SMALL bytes) and starts its own server,
`httpd -p 8000 / &`, on a port of its own, so a server that init may
start on port 80 is left alone. The host then runs CLIENTS Python
threads for SECONDS each, every one asking for /small.txt as fast as
the answers come and checking every answer (status 200, the file's
bytes):

  keep-alive off  a new connection per request (HTTP/1.1 with
                  "Connection: close"): each request costs httpd an
                  accept, two forks and a close, and lwIP a handshake
  keep-alive on   one HTTP/1.1 connection per client for all its
                  requests: what a request costs once connected

and, for comparison, one client with keep-alive off (the latency of one
request, with nothing to overlap). Printed: requests per second over the
whole run, the median time of one request, failures.

    tools/bench/httpd_rps.py [--build DIR] [--clients N] [--seconds S]

Skips, with a message, in a tree without lab 4 (no kernel/user/httpd.c).
"""
import argparse
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, TOP)
sys.path.insert(0, HERE)
from grader import platform as plat  # noqa: E402
from grader.machine import Machine  # noqa: E402
import tcp_throughput as kt  # noqa: E402

CLIENTS = 16
SECONDS = 10
PORT = 8000
TEXT = "bvlab httpd bench: a small file"
BODY = (TEXT + "\n").encode()
SMALL = len(BODY)


class Load:
    """CLIENTS threads asking for /small.txt until the deadline."""

    def __init__(self, hostport, clients, seconds, keepalive):
        self.hostport, self.keepalive = hostport, keepalive
        self.clients, self.seconds = clients, seconds
        self.lock = threading.Lock()
        self.times, self.failures, self.first_failure = [], 0, None

    def fail(self, why):
        with self.lock:
            self.failures += 1
            if self.first_failure is None:
                self.first_failure = why

    def one(self, conn):
        t = time.monotonic()
        conn.request("GET", "/small.txt",
                     headers={} if self.keepalive else {"Connection": "close"})
        r = conn.getresponse()
        body = r.read()
        if r.status != 200 or body != BODY:
            raise ValueError(f"status {r.status}, {len(body)} bytes")
        with self.lock:
            self.times.append(time.monotonic() - t)

    def client(self):
        conn = None
        while time.monotonic() < self.deadline:
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.hostport,
                                                      timeout=30)
                self.one(conn)
                if not self.keepalive:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException, ValueError) as e:
                self.fail(f"{type(e).__name__}: {e}")
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.1)
        if conn is not None:
            conn.close()

    def run(self):
        self.deadline = time.monotonic() + self.seconds
        start = time.monotonic()
        threads = [threading.Thread(target=self.client) for _ in range(self.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.elapsed = time.monotonic() - start
        return self

    def report(self, what):
        n = len(self.times)
        med = statistics.median(self.times) * 1000 if n else 0.0
        s = (f"httpd {what}: {n / self.elapsed:.0f} requests/s "
             f"({n} in {self.elapsed:.1f} s, median {med:.0f} ms each, "
             f"{self.failures} failed)")
        if self.first_failure:
            s += f"; first failure: {self.first_failure}"
        print(s, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--clients", type=int, default=CLIENTS)
    ap.add_argument("--seconds", type=float, default=SECONDS)
    a = ap.parse_args()
    if not os.path.exists(os.path.join(TOP, "kernel", "user", "httpd.c")):
        print("httpd requests/s: skipped (no lab 4 in this tree: kernel/user/httpd.c missing)")
        return 0
    tdir = tempfile.mkdtemp(prefix="bvlab-httpd-bench-")
    image = kt.snapshot(os.path.abspath(a.build), tdir)
    spec = plat.BootSpec(mem=128, smp=1, cmdline=kt.CMDLINE,
                         nets=(plat.Net(kind="user", opts=kt.LEGACY, pcap=False,
                                        hostfwd=(("tcp", PORT),)),))
    print(f"conditions: QEMU TCG, -smp 1 -m 128, legacy virtio-net, slirp; "
          f"GET /small.txt ({SMALL} bytes) from 'httpd -p {PORT}', "
          f"{a.seconds:.0f} s per figure", flush=True)
    m = Machine(spec, tdir, image)
    try:
        m.wait_boot(120)
        m.run(f"echo {TEXT} > /small.txt", 30)
        m.sendline(f"httpd -p {PORT} / &")
        m.expect(r"httpd: serving / on port \d+", 30, what="httpd to start")
        hp = m.hostport(PORT)
        warm = Load(hp, 1, 0, False)
        for _ in range(60):             # until the stack answers through slirp
            try:
                warm.one(http.client.HTTPConnection("127.0.0.1", hp, timeout=5))
                break
            except (OSError, http.client.HTTPException, ValueError):
                m.watch(0.5, "httpd to answer")
        else:
            raise SystemExit("httpd_rps: httpd never answered")
        Load(hp, a.clients, a.seconds, False).run().report(
            f"{a.clients} clients, keep-alive off")
        Load(hp, a.clients, a.seconds, True).run().report(
            f"{a.clients} clients, keep-alive on")
        Load(hp, 1, a.seconds, False).run().report("1 client, keep-alive off")
    finally:
        m.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
