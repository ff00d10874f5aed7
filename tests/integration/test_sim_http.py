"""sarafw-sim's HTTP client (note §4) over the PTY against a real nginx
(started here on a free loopback port with its own config): +UHTTP
profiles 0..3 (set, read one, reset), +UHTTPC=<p>,100 downloading a
package into the FOTA area with +UUHTTPCR: <p>,100,1,200,"<md5>", basic
authentication, a 404 reported by the URC and +UHTTPER, a seeded
connection drop resumed with Range (nginx logs a 206), and HTTP refused
where note Table 1 has no HTTP download (SARA-R410M, SARA-R422). Every
wait is bounded."""
import hashlib
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from simharness import Sim

SCALE = 50
R422S = "SARA-R422S"
SIZE = 300000
DATA = random.Random(0x477).randbytes(SIZE)
FAST = ["--bandwidth", "4000000"]  # 500 kB/s of module time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="sarafw-nginx-")
        os.chmod(self.dir, 0o755)  # nginx's workers run as nobody under root
        self.root = os.path.join(self.dir, "www")
        for sub in ("fota", "auth"):
            os.makedirs(os.path.join(self.root, sub))
            with open(os.path.join(self.root, sub, "pkg.bin"), "wb") as f:
                f.write(DATA)
        os.chmod(self.root, 0o755)
        with open(os.path.join(self.dir, "htpasswd"), "w") as f:
            f.write("user:{PLAIN}secret\n")
        os.chmod(os.path.join(self.dir, "htpasswd"), 0o644)
        self.port = free_port()
        self.access = os.path.join(self.dir, "access.log")
        conf = os.path.join(self.dir, "nginx.conf")
        d = self.dir
        with open(conf, "w") as f:
            f.write("""
worker_processes 1;
daemon off;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log;
events { worker_connections 64; }
http {
    log_format st '$request $status';
    access_log %(d)s/access.log st;
    client_body_temp_path %(d)s/body;
    proxy_temp_path %(d)s/proxy;
    fastcgi_temp_path %(d)s/fastcgi;
    uwsgi_temp_path %(d)s/uwsgi;
    scgi_temp_path %(d)s/scgi;
    server {
        listen 127.0.0.1:%(port)d;
        root %(root)s;
        location /auth/ { auth_basic "fota"; auth_basic_user_file %(d)s/htpasswd; }
    }
}
""" % {"d": d, "port": self.port, "root": self.root})
        self.proc = subprocess.Popen(["/usr/sbin/nginx", "-p", d, "-c", conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("nginx: " + self.proc.stderr.read().decode())
                time.sleep(0.05)
        raise TimeoutError("nginx did not listen")

    def log(self):
        with open(self.access) as f:
            return f.read()

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


def setUpModule():
    global NGINX
    NGINX = Nginx()


def tearDownModule():
    NGINX.close()


def boot(sim):
    p = sim.open()
    sim.wait_boot(p)
    assert p.command("AT+CMEE=1") == ["OK"]
    return p


def configure(p, prof=0):
    for cmd in ('AT+UHTTP=%d,0,"127.0.0.1"' % prof, "AT+UHTTP=%d,5,%d" % (prof, NGINX.port)):
        assert p.command(cmd) == ["OK"], cmd


def fota_package(sim):
    with open(os.path.join(sim.state, "fota", "package"), "rb") as f:
        return f.read()


def result(p, prof=0, timeout=30):
    return p.expect(lambda l: l.startswith("+UUHTTPCR: %d,100," % prof), timeout)[-1]


OK_URC = '+UUHTTPCR: %d,100,1,200,"' + hashlib.md5(DATA).hexdigest() + '"'


class HttpProfiles(unittest.TestCase):
    def test_set_read_reset(self):
        with Sim(R422S, time_scale=SCALE) as sim:
            p = boot(sim)
            self.assertEqual(p.command('AT+UHTTP=2,1,"fw.example.com"'), ["OK"])
            self.assertEqual(p.command("AT+UHTTP=2,1"), ['+UHTTP: 2,1,"fw.example.com"', "OK"])
            self.assertEqual(p.command("AT+UHTTP=2,5"), ["+UHTTP: 2,5,80", "OK"])
            self.assertEqual(p.command("AT+UHTTP=2,5,8080"), ["OK"])
            self.assertEqual(p.command("AT+UHTTP=2,5"), ["+UHTTP: 2,5,8080", "OK"])
            self.assertEqual(p.command('AT+UHTTP=2,3,"pw"'), ["OK"])
            self.assertEqual(p.command("AT+UHTTP=2,3"), ['+UHTTP: 2,3,""', "OK"])
            self.assertEqual(p.command("AT+UHTTP=1,1"), ['+UHTTP: 1,1,""', "OK"])
            self.assertEqual(p.command("AT+UHTTP=2"), ["OK"])  # reset the profile
            self.assertEqual(p.command("AT+UHTTP=2,1"), ['+UHTTP: 2,1,""', "OK"])
            self.assertEqual(p.command("AT+UHTTP=2,5"), ["+UHTTP: 2,5,80", "OK"])
            for bad in ("AT+UHTTP=4,1", "AT+UHTTP=0,8", "AT+UHTTP=0,5,0", 'AT+UHTTP=0,1,3',
                        "AT+UHTTP=0,6,1,9", "AT+UHTTPC=0,100", "AT+UHTTPC=4,100,\"/a\"",
                        "AT+UHTTPER=4"):
                self.assertEqual(p.command(bad), ["+CME ERROR: 50"], bad)
            self.assertEqual(p.command("AT+UHTTPER=0"), ["+UHTTPER: 0,0,0", "OK"])

    def test_not_on_r410_or_r422(self):
        for variant in ("SARA-R410M-02B-03", "SARA-R422"):
            with Sim(variant, time_scale=SCALE) as sim:
                p = boot(sim)
                self.assertEqual(p.command('AT+UHTTP=0,1,"a"'), ["+CME ERROR: 4"], variant)
                self.assertEqual(p.command('AT+UHTTPC=0,100,"/a"'), ["+CME ERROR: 4"], variant)


class HttpDownload(unittest.TestCase):
    def test_download_md5(self):
        with Sim(R422S, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            configure(p, 1)
            self.assertEqual(p.command('AT+UHTTPC=1,100,"/fota/pkg.bin"'), ["OK"])
            self.assertEqual(result(p, 1), OK_URC % 1)
            self.assertEqual(fota_package(sim), DATA)
            self.assertEqual(p.command("AT+UHTTPER=1"), ["+UHTTPER: 1,0,0", "OK"])

    def test_basic_auth(self):
        with Sim(R422S, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            configure(p)
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/auth/pkg.bin"'), ["OK"])
            self.assertEqual(result(p), '+UUHTTPCR: 0,100,0,401,""')
            for cmd in ('AT+UHTTP=0,2,"user"', 'AT+UHTTP=0,3,"secret"', "AT+UHTTP=0,4,1"):
                self.assertEqual(p.command(cmd), ["OK"])
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/auth/pkg.bin"'), ["OK"])
            self.assertEqual(result(p), OK_URC % 0)

    def test_not_found(self):
        with Sim(R422S, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            configure(p)
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/none.bin"'), ["OK"])
            self.assertEqual(result(p), '+UUHTTPCR: 0,100,0,404,""')
            self.assertEqual(p.command("AT+UHTTPER=0"), ["+UHTTPER: 0,3,73", "OK"])
            self.assertFalse(os.path.exists(os.path.join(sim.state, "fota", "package")))

    def test_drop_then_range(self):
        with Sim(R422S, time_scale=SCALE, args=FAST + ["--net-fault", "drop:200000"]) as sim:
            p = boot(sim)
            configure(p)
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/pkg.bin"'), ["OK"])
            self.assertEqual(result(p), '+UUHTTPCR: 0,100,0,200,""')
            self.assertEqual(p.command("AT+UHTTPER=0"), ["+UHTTPER: 0,3,11", "OK"])
            self.assertGreater(os.path.getsize(os.path.join(sim.state, "netdl.part")), 0)
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/pkg.bin"'), ["OK"])
            self.assertEqual(result(p), OK_URC % 0)
            self.assertEqual(fota_package(sim), DATA)
            self.assertIn("GET /fota/pkg.bin HTTP/1.1 206", NGINX.log())

    def test_refused(self):
        with Sim(R422S, time_scale=SCALE, args=FAST + ["--net-fault", "refuse"]) as sim:
            p = boot(sim)
            configure(p)
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/pkg.bin"'), ["OK"])
            self.assertEqual(result(p), '+UUHTTPCR: 0,100,0,0,""')
            self.assertEqual(p.command("AT+UHTTPER=0"), ["+UHTTPER: 0,3,11", "OK"])

    def test_forbidden_command_spoils_on_r422s(self):
        # note §7: the R422 family runs the command; the download fails
        with Sim(R422S, time_scale=SCALE, args=["--bandwidth", "80000"]) as sim:
            p = boot(sim)
            configure(p)
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/pkg.bin"'), ["OK"])
            lines = p.command('AT+URDFILE="none.bin"')
            self.assertEqual(lines[-1], "+CME ERROR: 22")
            if len(lines) == 1:  # the URC may come before or after the answer
                lines = [result(p, 0, 5)]
            self.assertEqual(lines[0], '+UUHTTPCR: 0,100,0,0,""')
            self.assertEqual(p.command("AT+UHTTPER=0"), ["+UHTTPER: 0,3,10", "OK"])
            events = [e["event"] for e in sim.audit_events()]
            self.assertIn("forbidden_during_download", events)
            self.assertIn("download_spoiled", events)
            self.assertFalse(os.path.exists(os.path.join(sim.state, "fota", "package")))


if __name__ == "__main__":
    unittest.main()
