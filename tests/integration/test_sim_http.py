"""sarafw-sim's HTTP client (note §4) over the PTY against a real nginx
(started here on a free loopback port with its own config, netservers.py):
+UHTTP profiles 0..3 (set, read one, reset), +UHTTPC=<p>,100 downloading
a package into the FOTA area with +UUHTTPCR: <p>,100,1,200,"<md5>" (the
MD5 of the stored bytes), basic authentication and a wrong password, a
404 reported by the URC and +UHTTPER, a refused connection, a failed
lookup (note §4.3: 3,23), a stall, a seeded drop, the connection reset
mid-body and kill -9 of the simulator, each resumed with Range for only
the rest (nginx's log counts the bytes), and HTTP refused where note
Table 1 has no HTTP download (SARA-R410M, SARA-R422). Every wait is
bounded."""
import hashlib
import os
import random
import time
import unittest

from netservers import Nginx, Relay, free_port
from simharness import Sim

SCALE = 50
R422S = "SARA-R422S"
SIZE = 300000
DATA = random.Random(0x477).randbytes(SIZE)
FAST = ["--bandwidth", "4000000"]  # 500 kB/s of module time
SLOW = ["--bandwidth", "40000"]    # 250 kB/s of wall time: time to act mid-file


def setUpModule():
    global NGINX
    NGINX = Nginx(users={"user": "secret"})
    NGINX.put("fota/pkg.bin", DATA)
    NGINX.put("auth/pkg.bin", DATA)


def tearDownModule():
    NGINX.close()


def boot(sim):
    p = sim.open()
    sim.wait_boot(p)
    assert p.command("AT+CMEE=1") == ["OK"]
    return p


def configure(p, prof=0, port=None):
    for cmd in ('AT+UHTTP=%d,0,"127.0.0.1"' % prof, "AT+UHTTP=%d,5,%d" % (prof, port or NGINX.port)):
        assert p.command(cmd) == ["OK"], cmd


def synced(sim):
    """The netdl record's "stored": the bytes a resume goes on from."""
    try:
        with open(os.path.join(sim.state, "netdl")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                if k == "stored":
                    return int(v)
    except FileNotFoundError:
        pass
    return 0


def wait_synced(sim, n, timeout=10):
    deadline = time.monotonic() + timeout
    while synced(sim) < n:
        if time.monotonic() > deadline:
            raise TimeoutError("stored %d, waiting for %d" % (synced(sim), n))
        time.sleep(0.005)
    return synced(sim)


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
            last = NGINX.wait_requests(1)[-1]
            self.assertEqual((last["status"], last["range"]), (206, "bytes=200000-"))
            self.assertEqual(last["bytes"], SIZE - 200000)

    def test_refused(self):
        with Sim(R422S, time_scale=SCALE, args=FAST + ["--net-fault", "refuse"]) as sim:
            p = boot(sim)
            configure(p)
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/pkg.bin"'), ["OK"])
            self.assertEqual(result(p), '+UUHTTPCR: 0,100,0,0,""')
            self.assertEqual(p.command("AT+UHTTPER=0"), ["+UHTTPER: 0,3,11", "OK"])

    def test_wrong_password(self):
        with Sim(R422S, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            configure(p)
            for cmd in ('AT+UHTTP=0,2,"user"', 'AT+UHTTP=0,3,"wrong"', "AT+UHTTP=0,4,1"):
                self.assertEqual(p.command(cmd), ["OK"])
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/auth/pkg.bin"'), ["OK"])
            self.assertEqual(result(p), '+UUHTTPCR: 0,100,0,401,""')
            self.assertEqual(p.command("AT+UHTTPER=0"), ["+UHTTPER: 0,3,73", "OK"])
            self.assertFalse(os.path.exists(os.path.join(sim.state, "fota", "package")))

    def test_refused_by_a_real_port(self):
        with Sim(R422S, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            configure(p, 2, port=free_port())  # nobody listens there
            self.assertEqual(p.command('AT+UHTTPC=2,100,"/fota/pkg.bin"'), ["OK"])
            self.assertEqual(result(p, 2), '+UUHTTPCR: 2,100,0,0,""')
            self.assertEqual(p.command("AT+UHTTPER=2"), ["+UHTTPER: 2,3,11", "OK"])

    def test_dns_failure(self):
        # note §4.3: +UHTTPER 3,23 is a failed host name lookup
        with Sim(R422S, time_scale=SCALE, args=FAST + ["--net-fault", "dns"]) as sim:
            p = boot(sim)
            self.assertEqual(p.command('AT+UHTTP=0,1,"fw.example.com"'), ["OK"])
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/pkg.bin"'), ["OK"])
            self.assertEqual(result(p), '+UUHTTPCR: 0,100,0,0,""')
            self.assertEqual(p.command("AT+UHTTPER=0"), ["+UHTTPER: 0,3,23", "OK"])

    def test_stall_then_range(self):
        with Sim(R422S, time_scale=SCALE, args=FAST + ["--net-fault", "stall:100000"]) as sim:
            p = boot(sim)
            configure(p)
            self.assertEqual(p.command("AT+UHTTP=0,7,30"), ["OK"])  # 30 s, the least
            t0 = time.monotonic()
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/pkg.bin"'), ["OK"])
            self.assertEqual(result(p), '+UUHTTPCR: 0,100,0,200,""')
            self.assertGreater(time.monotonic() - t0, 30.0 / SCALE)
            self.assertEqual(p.command("AT+UHTTPER=0"), ["+UHTTPER: 0,3,11", "OK"])
            self.assertEqual(synced(sim), 100000)
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/pkg.bin"'), ["OK"])
            self.assertEqual(result(p), OK_URC % 0)
            self.assertEqual(fota_package(sim), DATA)
            last = NGINX.wait_requests(1)[-1]
            self.assertEqual((last["status"], last["range"]), (206, "bytes=100000-"))

    def test_server_gone_mid_transfer(self):
        # the connection to the server is reset in the middle of the body:
        # a failure that keeps what was synced; the next request asks for
        # the rest with Range
        relay = Relay(NGINX.port)
        try:
            with Sim(R422S, time_scale=SCALE, args=SLOW) as sim:
                p = boot(sim)
                configure(p, port=relay.port)
                self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/pkg.bin"'), ["OK"])
                wait_synced(sim, 65536)
                relay.cut()
                self.assertEqual(result(p), '+UUHTTPCR: 0,100,0,200,""')
                self.assertEqual(p.command("AT+UHTTPER=0"), ["+UHTTPER: 0,3,11", "OK"])
                kept = synced(sim)
                self.assertTrue(65536 <= kept < SIZE, kept)
                self.assertFalse(os.path.exists(os.path.join(sim.state, "fota", "package")))
                self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/pkg.bin"'), ["OK"])
                self.assertEqual(result(p), OK_URC % 0)
                self.assertEqual(fota_package(sim), DATA)
                last = NGINX.wait_requests(1)[-1]
                self.assertEqual((last["status"], last["range"], last["bytes"]),
                                 (206, "bytes=%d-" % kept, SIZE - kept))
        finally:
            relay.close()

    def test_kill9_then_range_fetches_less(self):
        n = len(NGINX.requests())
        with Sim(R422S, time_scale=SCALE, args=SLOW) as sim:
            p = boot(sim)
            configure(p)
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/pkg.bin"'), ["OK"])
            wait_synced(sim, 131072)
            sim.kill()
            kept = synced(sim)
            sim.args = FAST
            sim.start()
            p = boot(sim)
            configure(p)
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/pkg.bin"'), ["OK"])
            self.assertEqual(result(p), OK_URC % 0)
            self.assertEqual(fota_package(sim), DATA)
        r = NGINX.wait_requests(n + 2)[n:]
        self.assertEqual(len(r), 2, r)
        self.assertEqual((r[1]["status"], r[1]["range"], r[1]["bytes"]),
                         (206, "bytes=%d-" % kept, SIZE - kept))
        self.assertLess(r[1]["bytes"], SIZE)

    def test_md5_is_of_the_stored_bytes(self):
        # the package changes on the server between the cut and the
        # resume: the MD5 is that of the bytes stored, matching neither
        other = random.Random(8).randbytes(SIZE)
        NGINX.put("fota/moving.bin", DATA)
        with Sim(R422S, time_scale=SCALE,
                 args=["--bandwidth", "400000", "--power-cut", "net:131072"]) as sim:
            p = boot(sim)
            configure(p)
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/moving.bin"'), ["OK"])
            sim.proc.wait(30)
            sim.kill()
            kept = synced(sim)
            self.assertGreaterEqual(kept, 131072)
            NGINX.put("fota/moving.bin", other)
            sim.args = FAST
            sim.start()
            p = boot(sim)
            configure(p)
            self.assertEqual(p.command('AT+UHTTPC=0,100,"/fota/moving.bin"'), ["OK"])
            stored = DATA[:kept] + other[kept:]
            md5 = hashlib.md5(stored).hexdigest()
            self.assertEqual(result(p), '+UUHTTPCR: 0,100,1,200,"%s"' % md5)
            self.assertEqual(fota_package(sim), stored)
            self.assertNotEqual(md5, hashlib.md5(other).hexdigest())

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
            # the status is the server's if its answer had begun, else 0
            self.assertRegex(lines[0], r'^\+UUHTTPCR: 0,100,0,(0|200),""$')
            self.assertEqual(p.command("AT+UHTTPER=0"), ["+UHTTPER: 0,3,10", "OK"])
            events = [e["event"] for e in sim.audit_events()]
            self.assertIn("forbidden_during_download", events)
            self.assertIn("download_spoiled", events)
            self.assertFalse(os.path.exists(os.path.join(sim.state, "fota", "package")))


if __name__ == "__main__":
    unittest.main()
