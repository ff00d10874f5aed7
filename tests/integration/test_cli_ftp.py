"""sarafw ftp against sarafw-sim, whose +UFTPC=100 fetches the package
from a real FTP server (pyftpdlib) started here on a free loopback port:
the download with its MD5 (R422S) or without (R410M), a wrong
--md5, a wrong password with +UFTPER's meaning, and the password kept
out of the trace."""
import hashlib
import os
import socket
import subprocess
import tempfile
import time
import unittest

from simharness import BIN, Sim

SCALE = 50

SERVER = r"""
import sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
port, root = int(sys.argv[1]), sys.argv[2]
a = DummyAuthorizer()
a.add_user("fota", "s3cret", root, perm="elr")
h = FTPHandler
h.authorizer = a
h.passive_ports = range(port + 1, port + 20)
FTPServer(("127.0.0.1", port), h).serve_forever()
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sarafw(*args, state, timeout=120):
    env = dict(os.environ, SARAFW_TIME_SCALE=str(SCALE), SARAFW_STATE_DIR=state)
    return subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=env)


class FtpCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        root = os.path.join(cls.tmp.name, "root")
        os.mkdir(root)
        cls.data = os.urandom(300 * 1024)  # past the status URCs' step
        with open(os.path.join(root, "pkg.bin"), "wb") as f:
            f.write(cls.data)
        cls.md5 = hashlib.md5(cls.data).hexdigest()
        cls.pw = os.path.join(cls.tmp.name, "pw")
        with open(cls.pw, "w") as f:
            f.write("s3cret\n")
        cls.bad_pw = os.path.join(cls.tmp.name, "bad")
        with open(cls.bad_pw, "w") as f:
            f.write("wrong\n")
        cls.port = free_port()
        cls.server = subprocess.Popen(["/usr/bin/python3", "-c", SERVER, str(cls.port), root],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", cls.port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("pyftpdlib did not start")

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait()
        cls.tmp.cleanup()

    def ftp(self, sim, *extra, pw=None):
        trace = os.path.join(self.tmp.name, "trace")
        r = sarafw("--port", sim.link, "--trace", trace, "ftp", "--server", "127.0.0.1:%d" % self.port,
                   "--user", "fota", "--password-file", pw or self.pw, "--file", "pkg.bin",
                   "--no-install", *extra, state=self.tmp.name)
        with open(trace) as f:
            return r, f.read()

    def test_r422s_md5(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, trace = self.ftp(sim, "--md5", self.md5.upper())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("MD5 " + self.md5, r.stdout)
        self.assertNotIn("s3cret", trace)
        self.assertIn('AT+UFTP=3,"***"', trace)

    def test_r410m_bare_result(self):
        # note §3.3.2: R410M's result has no MD5, so --md5 cannot be checked
        # (the status URCs are checked in tests/unit/test_net.c)
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            r, _ = self.ftp(sim, "--md5", self.md5)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[0], "downloaded over FTP")
        self.assertIn("--md5 was not checked", r.stderr)

    def test_wrong_md5_is_not_installed(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, _ = self.ftp(sim, "--md5", "0" * 32)
        self.assertEqual(r.returncode, 1)
        self.assertIn("differs from --md5", r.stderr)

    def test_wrong_password(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, trace = self.ftp(sim, pw=self.bad_pw)
        self.assertEqual(r.returncode, 1)
        self.assertIn("FTP download failed", r.stderr)
        self.assertNotIn("wrong", trace)


if __name__ == "__main__":
    unittest.main()
