"""Debian's nats-server on loopback, on a free port, for the tests of
several sarafw-server front-ends."""
import os
import socket
import subprocess
import time

from serverharness import free_port

NATS_SERVER = "/usr/sbin/nats-server"


class Nats:
    def __init__(self, work):
        if not os.access(NATS_SERVER, os.X_OK):
            raise RuntimeError("%s is missing: install nats-server (debian-packages.txt)" % NATS_SERVER)
        self.port = free_port(socket.SOCK_STREAM)
        self.log = open(os.path.join(work, "nats.log"), "ab")
        self.proc = subprocess.Popen([NATS_SERVER, "-a", "127.0.0.1", "-p", str(self.port)],
                                     stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("nats-server did not start")
                time.sleep(0.05)

    @property
    def url(self):
        return "nats://127.0.0.1:%d" % self.port

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.log.close()
