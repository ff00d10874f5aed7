"""sarafw-sim's FTP client (note §3) over the PTY against a real FTP
server (pyftpdlib on a free loopback port, started here): +UFTP settings
and their read form without the password, +UFTPC login/logout with
+UUFTPCR, +UFTPC=100 downloading a package into the FOTA area with the
family's URCs (R410M: status lines and a bare result; R422S: the MD5),
a wrong file and a seeded connection drop reported by +UFTPER, a resume
after a power cut in the middle of a download, the cancel (note §3.2:
+UUFTPCR: 100,0 and +UFTPER: 8,40), and FTP refused on SARA-R422 (note
Table 1). Every wait is bounded."""
import hashlib
import os
import random
import shutil
import tempfile
import threading
import unittest

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer

from simharness import Sim

SCALE = 50
R410 = "SARA-R410M-02B-03"
R422S = "SARA-R422S"
SIZE = 300000
DATA = random.Random(0xF7B).randbytes(SIZE)
FAST = ["--bandwidth", "4000000"]  # 500 kB/s of module time: 0.6 s for the file


class Server:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="sarafw-ftp-")
        os.makedirs(os.path.join(self.root, "fota"))
        with open(os.path.join(self.root, "fota", "pkg.bin"), "wb") as f:
            f.write(DATA)
        auth = DummyAuthorizer()
        auth.add_user("user", "secret", self.root, perm="elr")
        handler = type("H", (FTPHandler,), {"authorizer": auth, "banner": "test"})
        handler.auth_failed_timeout = 0  # a refused login answers at once
        self.server = FTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.socket.getsockname()[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"timeout": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.close_all()
        shutil.rmtree(self.root, ignore_errors=True)


def setUpModule():
    import logging
    log = logging.getLogger("pyftpdlib")  # a handler of ours: pyftpdlib adds none
    log.addHandler(logging.NullHandler())
    log.propagate = False
    global SERVER
    SERVER = Server()


def tearDownModule():
    SERVER.close()


def boot(sim):
    p = sim.open()
    sim.wait_boot(p)
    assert p.command("AT+CMEE=1") == ["OK"]
    return p


def configure(p, password="secret"):
    for cmd in ('AT+UFTP=0,"127.0.0.1"', "AT+UFTP=7,%d" % SERVER.port, 'AT+UFTP=2,"user"',
                'AT+UFTP=3,"%s"' % password, "AT+UFTP=6,1"):
        assert p.command(cmd) == ["OK"], cmd


def login(p):
    assert p.command("AT+UFTPC=1") == ["OK"]
    assert p.expect("+UUFTPCR: 1,1", 5) == ["+UUFTPCR: 1,1"]


def fota_package(sim):
    with open(os.path.join(sim.state, "fota", "package"), "rb") as f:
        return f.read()


class FtpSettings(unittest.TestCase):
    def test_settings_read_and_errors(self):
        with Sim(R410, time_scale=SCALE) as sim:
            p = boot(sim)
            self.assertEqual(p.command('AT+UFTP=1,"ftp.example.com"'), ["OK"])
            self.assertEqual(p.command('AT+UFTP=3,"hidden"'), ["OK"])
            self.assertEqual(p.command("AT+UFTP=6,1"), ["OK"])
            lines = p.command("AT+UFTP?")
            self.assertEqual(lines[-1], "OK")
            self.assertIn('+UFTP: 1,"ftp.example.com"', lines)
            self.assertIn("+UFTP: 6,1", lines)
            self.assertIn("+UFTP: 7,21", lines)
            self.assertFalse(any("hidden" in l or l.startswith("+UFTP: 3,") for l in lines))
            self.assertEqual(p.command("AT+UFTP=6"), ["OK"])  # factory value again
            self.assertIn("+UFTP: 6,0", p.command("AT+UFTP?"))
            for bad in ("AT+UFTP=9,1", "AT+UFTP=6,2", 'AT+UFTP=7,"21"', "AT+UFTP=1,5",
                        "AT+UFTP=7,0", 'AT+UFTP=2,"%s"' % ("u" * 31), "AT+UFTPC=99"):
                self.assertEqual(p.command(bad), ["+CME ERROR: 50"], bad)
            self.assertEqual(p.command("AT+UFTPC=?"), ["+UFTPC: (0-5,8,10,11,13,14,100)", "OK"])
            # no login yet: no download, no logout
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin"'), ["+CME ERROR: 3"])
            self.assertEqual(p.command("AT+UFTPC=0"), ["+CME ERROR: 3"])
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 0,0", "OK"])

    def test_volatile(self):
        with Sim(R410, time_scale=SCALE) as sim:
            p = boot(sim)
            self.assertEqual(p.command('AT+UFTP=1,"ftp.example.com"'), ["OK"])
            sim.stop()
            sim.start()
            p = boot(sim)
            self.assertIn('+UFTP: 1,""', p.command("AT+UFTP?"))

    def test_not_on_r422(self):
        with Sim("SARA-R422", time_scale=SCALE) as sim:
            p = boot(sim)
            self.assertEqual(p.command("AT+UFTP=6,1"), ["+CME ERROR: 4"])
            self.assertEqual(p.command("AT+UFTPC=1"), ["+CME ERROR: 4"])


class FtpDownload(unittest.TestCase):
    def test_r410_status_and_result(self):
        with Sim(R410, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin"'), ["OK"])
            lines = p.expect("+UUFTPCR: 100,1", 30)
            status = [l for l in lines if l.startswith("+UUFTPCR: 100,") and "/" in l]
            self.assertTrue(status, lines)
            for l in status:
                self.assertRegex(l, r"^\+UUFTPCR: 100,\d+ / %d$" % SIZE)
            self.assertEqual(fota_package(sim), DATA)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 0,0", "OK"])
            self.assertEqual(p.command("AT+UFTPC=0"), ["OK"])
            self.assertEqual(p.expect("+UUFTPCR: 0,1", 5), ["+UUFTPCR: 0,1"])

    def test_r422s_md5(self):
        with Sim(R422S, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin"'), ["OK"])
            want = '+UUFTPCR: 100,1,"%s"' % hashlib.md5(DATA).hexdigest()
            lines = p.expect(lambda l: l.startswith("+UUFTPCR: 100,"), 30)
            self.assertEqual(lines[-1], want)
            self.assertEqual(fota_package(sim), DATA)

    def test_missing_file_and_bad_login(self):
        with Sim(R410, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/none.bin"'), ["OK"])
            p.expect("+UUFTPCR: 100,0", 30)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,5", "OK"])
            self.assertFalse(os.path.exists(os.path.join(sim.state, "fota", "package")))
        with Sim(R410, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            configure(p, password="wrong")
            self.assertEqual(p.command("AT+UFTPC=1"), ["OK"])
            p.expect("+UUFTPCR: 1,0", 10)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,4", "OK"])
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin"'), ["+CME ERROR: 3"])
            # no server at all
            self.assertEqual(p.command("AT+UFTP=0"), ["OK"])
            self.assertEqual(p.command("AT+UFTPC=1"), ["OK"])
            p.expect("+UUFTPCR: 1,0", 10)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,1", "OK"])

    def test_drop_then_resume(self):
        with Sim(R410, time_scale=SCALE, args=FAST + ["--net-fault", "drop:150000"]) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin"'), ["OK"])
            p.expect("+UUFTPCR: 100,0", 30)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,6", "OK"])
            # resume: REST from the synced point, the file whole at the end
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin",1'), ["OK"])
            lines = p.expect(lambda l: l in ("+UUFTPCR: 100,1", "+UUFTPCR: 100,0"), 30)
            self.assertEqual(lines[-1], "+UUFTPCR: 100,1")
            self.assertEqual(fota_package(sim), DATA)

    def test_power_cut_then_resume(self):
        slow = ["--bandwidth", "400000", "--power-cut", "net:131072"]
        with Sim(R410, time_scale=SCALE, args=slow) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin"'), ["OK"])
            sim.proc.wait(30)  # the power cut
            sim.kill()
            part = os.path.join(sim.state, "netdl.part")
            self.assertGreaterEqual(os.path.getsize(part), 131072)
            sim.args = FAST
            sim.start()
            p = boot(sim)
            configure(p)
            login(p)
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin",1'), ["OK"])
            lines = p.expect(lambda l: l in ("+UUFTPCR: 100,1", "+UUFTPCR: 100,0"), 30)
            self.assertEqual(lines[-1], "+UUFTPCR: 100,1")
            status = [l for l in lines if "/" in l]
            self.assertTrue(status and int(status[0].split(",")[1].split()[0]) >= 131072, lines)
            self.assertEqual(fota_package(sim), DATA)
            self.assertFalse(os.path.exists(part))

    def test_cancel(self):
        slow = ["--bandwidth", "80000"]  # 10 kB/s: 30 s for the file
        with Sim(R410, time_scale=SCALE, args=slow) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin"'), ["OK"])
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin",0'), ["OK"])
            # note §3.2: R410M ends 20-50 s later (module time)
            p.expect("+UUFTPCR: 100,0", 60 / SCALE + 5)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,40", "OK"])
            self.assertFalse(os.path.exists(os.path.join(sim.state, "fota", "package")))

    def test_stall_times_out(self):
        with Sim(R410, time_scale=SCALE, args=FAST + ["--net-fault", "stall:100000"]) as sim:
            p = boot(sim)
            configure(p)
            self.assertEqual(p.command("AT+UFTP=5,5"), ["OK"])  # 5 s inactivity timeout
            login(p)
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin"'), ["OK"])
            p.expect("+UUFTPCR: 100,0", 30)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,7", "OK"])

    def test_dns_fault(self):
        with Sim(R410, time_scale=SCALE, args=FAST + ["--net-fault", "dns"]) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin"'), ["OK"])
            p.expect("+UUFTPCR: 100,0", 30)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,2", "OK"])

    def test_forbidden_command_refused_on_r410(self):
        # note §7: R410M answers a Table 7 command with an error; the
        # download goes on
        with Sim(R410, time_scale=SCALE, args=["--bandwidth", "800000"]) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin"'), ["OK"])
            urcs = ("+UUFTPCR",)
            self.assertEqual(p.command('AT+URDFILE="x"', urcs=urcs), ["+CME ERROR: 1602"])
            self.assertEqual(p.command("AT+UFTPC=0", urcs=urcs), ["+CME ERROR: 1602"])
            p.expect("+UUFTPCR: 100,1", 30)
            self.assertEqual(fota_package(sim), DATA)
            events = [e for e in sim.audit_events() if e["event"] == "forbidden_during_download"]
            self.assertEqual([e["refused"] for e in events], [True, True])

    def test_radio_rate(self):
        # --rat m1: 80 kbit/s of module time (note Table 3), so the 300 kB
        # take about 30 s of module time, whatever --time-scale is
        with Sim(R410, time_scale=SCALE, args=["--rat", "m1"]) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            self.assertEqual(p.command('AT+UFTPC=100,"/fota/pkg.bin"'), ["OK"])
            p.expect("+UUFTPCR: 100,1", 60 / SCALE + 10)
            t = {}
            for line in sim.log_text().splitlines():
                f = line.split(None, 2)
                if len(f) == 3 and f[2] in ("download started, psm held",
                                            "download ended, psm released"):
                    t[f[2].split()[1]] = int(f[0])
            secs = (t["ended,"] - t["started,"]) / 1000.0
            self.assertTrue(SIZE * 8 / 80000 * 0.85 <= secs <= SIZE * 8 / 80000 * 1.3, secs)


if __name__ == "__main__":
    unittest.main()
