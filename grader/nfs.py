"""nfsd for the tests of lab 5: a fresh export directory per test, and the
server on a free port of the host's 127.0.0.1 (10.0.2.2:PORT to a guest on
slirp). The test judges by reading and writing the export directly.

    srv = NfsServer(image, test_dir)     # started, empty export srv.export
    srv.path("a/b")                      # a host path inside the export
    srv.guest("a/b")                     # "10.0.2.2:PORT:/a/b" for the guest
    srv.pause(); srv.resume()            # SIGSTOP / SIGCONT: a silent server
    srv.stop(); srv.start()              # killed, then again on the same port
"""

import os
import resource
import signal
import socket
import subprocess
import time

from .machine import GradeFailure
from .net import free_port

GUEST_HOST = "10.0.2.2"     # the host, seen from a guest on slirp


class NfsServer:
    def __init__(self, image, test_dir, fsize_limit=None):
        self.binary = image.path("nfsd")
        if not os.path.exists(self.binary):
            raise GradeFailure("nfsd is built with the images",
                               f"{self.binary} (make nfsd)", "it is missing")
        self.export = os.path.join(test_dir, "export")
        os.makedirs(self.export, exist_ok=True)
        self.log = os.path.join(test_dir, "nfsd.log")
        self.fsize_limit = fsize_limit
        self.port = free_port()
        self.proc = None
        self.start()

    def _limits(self):
        if self.fsize_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE,
                               (self.fsize_limit, self.fsize_limit))

    def start(self, seconds=10):
        """Start nfsd on self.port; return once it accepts connections."""
        log = open(self.log, "a")
        self.proc = subprocess.Popen(
            [self.binary, "-r", self.export, "-p", str(self.port)],
            stdout=log, stderr=log, preexec_fn=self._limits)
        log.close()
        end = time.monotonic() + seconds
        while time.monotonic() < end and self.proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise GradeFailure("nfsd starts on the host",
                           f"nfsd listening on 127.0.0.1:{self.port}",
                           f"it did not (see {self.log})")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def pause(self):
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def path(self, rel=""):
        return os.path.join(self.export, rel)

    def guest(self, rel=""):
        return f"{GUEST_HOST}:{self.port}:/{rel}"

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.resume()
        self.stop()
