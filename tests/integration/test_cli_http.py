"""sarafw http against sarafw-sim, whose +UHTTPC=<p>,100 fetches the
package from a real nginx started here on a free loopback port with its
own config: the download with the module's MD5, a wrong --md5, a missing
file (the HTTP status and +UHTTPER), basic authentication with the
password kept out of the trace."""
import hashlib
import os
import random
import re
import socket
import subprocess
import tempfile
import time
import unittest

import simpkg
from simharness import BIN, Sim

SCALE = 50

CONF = """
daemon off;
master_process off;
{user}
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp;
    proxy_temp_path {d}/tmp;
    fastcgi_temp_path {d}/tmp;
    uwsgi_temp_path {d}/tmp;
    scgi_temp_path {d}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {d}/root;
        location /private/ {{
            auth_basic "fw";
            auth_basic_user_file {d}/htpasswd;
        }}
    }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sarafw(*args, state, timeout=120):
    env = dict(os.environ, SARAFW_TIME_SCALE=str(SCALE), SARAFW_STATE_DIR=state)
    return subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=env)


class HttpCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        os.chmod(d, 0o755)
        for sub in ("root", "root/private", "tmp"):
            os.mkdir(os.path.join(d, sub))
        cls.data = os.urandom(200 * 1024)
        cls.md5 = hashlib.md5(cls.data).hexdigest()
        for name in ("root/pkg.bin", "root/private/pkg.bin"):
            with open(os.path.join(d, name), "wb") as f:
                f.write(cls.data)
        # {PLAIN} is nginx's clear-text scheme: no crypt needed here
        with open(os.path.join(d, "htpasswd"), "w") as f:
            f.write("fota:{PLAIN}hunter2\n")
        cls.pw = os.path.join(d, "pw")
        with open(cls.pw, "w") as f:
            f.write("hunter2\n")
        cls.port = free_port()
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(CONF.format(d=d, port=cls.port, user="user root;" if os.geteuid() == 0 else ""))
        cls.server = subprocess.Popen(["/usr/sbin/nginx", "-p", d, "-c", conf],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", cls.port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("nginx did not start")

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait()
        cls.tmp.cleanup()

    def http(self, sim, path, *extra):
        trace = os.path.join(self.tmp.name, "trace")
        r = sarafw("--port", sim.link, "--trace", trace, "http", "--url",
                   "http://127.0.0.1:%d%s" % (self.port, path), "--no-install", *extra,
                   state=self.tmp.name)
        with open(trace) as f:
            return r, f.read()

    def test_download_md5(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, _ = self.http(sim, "/pkg.bin", "--md5", self.md5)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("MD5 " + self.md5, r.stdout)
        self.assertIn("HTTP status 200", r.stderr)

    def test_wrong_md5(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, _ = self.http(sim, "/pkg.bin", "--md5", "f" * 32)
        self.assertEqual(r.returncode, 1)
        self.assertIn("differs from --md5", r.stderr)

    def test_missing_file(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, trace = self.http(sim, "/none.bin")
        self.assertEqual(r.returncode, 1)
        self.assertIn("HTTP download failed", r.stderr)
        self.assertIn("+UHTTPER", trace)

    def test_basic_auth_hidden(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, trace = self.http(sim, "/private/pkg.bin", "--user", "fota", "--password-file", self.pw)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("MD5 " + self.md5, r.stdout)
        self.assertNotIn("hunter2", trace)
        self.assertIn('AT+UHTTP=0,3,"***"', trace)

    def test_download_installs_and_verifies(self):
        # a small image of the simulator's own, and a signed delta to the
        # next version on the server: then install and version check
        image = os.path.join(self.tmp.name, "fw.bin")
        with open(image, "wb") as f:
            f.write(random.Random(1).randbytes(8192))
        with Sim("SARA-R422S", time_scale=SCALE, args=["--firmware", image]) as sim:
            img = simpkg.read_image(sim)
            work = os.path.join(self.tmp.name, "pkg.d")
            os.makedirs(work, exist_ok=True)
            pkg = simpkg.make(work, "SARA-R422S", target=simpkg.derive_image(img), source=img,
                              from_version="00.12,A00.01", to_version="00.13,A00.01")
            with open(os.path.join(self.tmp.name, "root", "fw.pkg"), "wb") as f:
                f.write(pkg)
            r = sarafw("--port", sim.link, "http", "--url", "http://127.0.0.1:%d/fw.pkg" % self.port,
                       "--md5", hashlib.md5(pkg).hexdigest(), "--expect-version", "00.13,A00.01",
                       state=self.tmp.name)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("install result 128", r.stdout)
        self.assertTrue(re.search(r"firmware 00\.13,A00\.01", r.stdout), r.stdout)


if __name__ == "__main__":
    unittest.main()
