"""sarafw-sim's FTP client (note §3) over the PTY against a real FTP
server (pyftpdlib in its own process on a free loopback port, started
here, netservers.py): +UFTP settings and their read form without the
password, +UFTPC login/logout with +UUFTPCR, +UFTPC=100 downloading a
package into the FOTA area with the family's URCs (R410M: 16 s to OK,
status lines and a bare result; R422S: the MD5 of the stored bytes),
R410M's file name rules, a wrong password, a missing file, a refused
connection, a stall, a failed lookup and a seeded drop reported by
+UFTPER, the server killed mid-transfer, a resume after kill -9 of the
simulator that fetches only the rest (counted in the server's transfer
log), the cancel (note §3.2: +UUFTPCR: 100,0, +UFTPER: 8,40, no resume
after it) and FTP refused on SARA-R422 (note Table 1). Every wait is
bounded."""
import hashlib
import os
import random
import time
import unittest

from netservers import FtpServer, free_port
from simharness import Sim

SCALE = 50
R410 = "SARA-R410M-02B-03"
R422S = "SARA-R422S"
SIZE = 300000
DATA = random.Random(0xF7B).randbytes(SIZE)
FAST = ["--bandwidth", "4000000"]  # 500 kB/s of module time: 0.6 s for the file
# 5 kB/s of module time, 250 kB/s of wall time: 0.26 s per 64 KiB synced,
# time for a test to act in the middle of the file
SLOW = ["--bandwidth", "40000"]
START_S = 16.0 / SCALE  # note §3.2: R410M's start takes about 16 s to OK
# R410M: the FOTA file has no path (note §3.2); the R422 family takes one
NAME = "pkg.bin"
PATH = "/fota/pkg.bin"


def setUpModule():
    global SERVER
    SERVER = FtpServer()
    SERVER.put(NAME, DATA)
    SERVER.put("fota/pkg.bin", DATA)


def tearDownModule():
    SERVER.close()


def boot(sim):
    p = sim.open()
    sim.wait_boot(p)
    assert p.command("AT+CMEE=1") == ["OK"]
    return p


def configure(p, password="secret", server=None):
    port = (server or SERVER).port
    for cmd in ('AT+UFTP=0,"127.0.0.1"', "AT+UFTP=7,%d" % port, 'AT+UFTP=2,"user"',
                'AT+UFTP=3,"%s"' % password, "AT+UFTP=6,1"):
        assert p.command(cmd) == ["OK"], cmd


def login(p):
    assert p.command("AT+UFTPC=1") == ["OK"]
    assert p.expect("+UUFTPCR: 1,1", 5) == ["+UUFTPCR: 1,1"]


def start(p, cmd='AT+UFTPC=100,"%s"' % NAME):
    assert p.command(cmd, timeout=START_S + 5) == ["OK"], cmd


def fota_package(sim):
    with open(os.path.join(sim.state, "fota", "package"), "rb") as f:
        return f.read()


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


def final(p, timeout=30):
    return p.expect(lambda l: l.startswith("+UUFTPCR: 100,") and "/" not in l, timeout)


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
            self.assertEqual(p.command('AT+UFTPC=100,"%s"' % NAME), ["+CME ERROR: 3"])
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
            t0 = time.monotonic()
            start(p)
            # note §3.2: about 16 s (module time) to OK on R410M
            self.assertGreater(time.monotonic() - t0, START_S * 0.9)
            lines = p.expect("+UUFTPCR: 100,1", 30)
            status = [l for l in lines if l.startswith("+UUFTPCR: 100,") and "/" in l]
            self.assertTrue(status, lines)
            for l in status:
                self.assertRegex(l, r"^\+UUFTPCR: 100,\d+ / %d$" % SIZE)
            self.assertEqual(fota_package(sim), DATA)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 0,0", "OK"])
            self.assertEqual(p.command("AT+UFTPC=0"), ["OK"])
            self.assertEqual(p.expect("+UUFTPCR: 0,1", 5), ["+UUFTPCR: 0,1"])

    def test_r410_file_name(self):
        # note §3.2 on R410M/R412M: no path, at most 64 characters, case-sensitive
        name64 = "f" * 60 + ".bin"
        SERVER.put(name64, DATA[:1000])
        with Sim(R410, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            for bad in ('AT+UFTPC=100,"%s"' % PATH, 'AT+UFTPC=100,"fota/pkg.bin"',
                        'AT+UFTPC=100,"g%s"' % name64, 'AT+UFTPC=100,"%s",1' % PATH):
                self.assertEqual(p.command(bad), ["+CME ERROR: 50"], bad)
            start(p, 'AT+UFTPC=100,"%s"' % name64)
            self.assertEqual(final(p)[-1], "+UUFTPCR: 100,1")
            self.assertEqual(fota_package(sim), DATA[:1000])
            start(p, 'AT+UFTPC=100,"PKG.BIN"')
            self.assertEqual(final(p)[-1], "+UUFTPCR: 100,0")
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,5", "OK"])

    def test_r422s_md5(self):
        with Sim(R422S, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            # the R422 family takes a path (note §3.4's example) and is quick to OK
            t0 = time.monotonic()
            start(p, 'AT+UFTPC=100,"%s"' % PATH)
            self.assertLess(time.monotonic() - t0, START_S * 0.5)
            want = '+UUFTPCR: 100,1,"%s"' % hashlib.md5(DATA).hexdigest()
            lines = p.expect(lambda l: l.startswith("+UUFTPCR: 100,"), 30)
            self.assertEqual(lines[-1], want)
            self.assertEqual(fota_package(sim), DATA)

    def test_missing_file_and_bad_login(self):
        with Sim(R410, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            start(p, 'AT+UFTPC=100,"none.bin"')
            p.expect("+UUFTPCR: 100,0", 30)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,5", "OK"])
            self.assertFalse(os.path.exists(os.path.join(sim.state, "fota", "package")))
        with Sim(R410, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            configure(p, password="wrong")
            self.assertEqual(p.command("AT+UFTPC=1"), ["OK"])
            p.expect("+UUFTPCR: 1,0", 10)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,4", "OK"])
            self.assertEqual(p.command('AT+UFTPC=100,"%s"' % NAME), ["+CME ERROR: 3"])
            # no server at all
            self.assertEqual(p.command("AT+UFTP=0"), ["OK"])
            self.assertEqual(p.command("AT+UFTPC=1"), ["OK"])
            p.expect("+UUFTPCR: 1,0", 10)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,1", "OK"])

    def test_server_refuses(self):
        with Sim(R410, time_scale=SCALE, args=FAST) as sim:
            p = boot(sim)
            # a port nobody listens on: the connection is refused
            self.assertEqual(p.command('AT+UFTP=0,"127.0.0.1"'), ["OK"])
            self.assertEqual(p.command("AT+UFTP=7,%d" % free_port()), ["OK"])
            self.assertEqual(p.command("AT+UFTPC=1"), ["OK"])
            p.expect("+UUFTPCR: 1,0", 10)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,3", "OK"])
        # logged in, then the download's own connection is refused (seeded)
        with Sim(R410, time_scale=SCALE, args=FAST + ["--net-fault", "refuse"]) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            n = len(SERVER.transfers())
            start(p)
            self.assertEqual(final(p)[-1], "+UUFTPCR: 100,0")
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,3", "OK"])
            self.assertEqual(len(SERVER.transfers()), n)

    def test_drop_then_resume(self):
        with Sim(R410, time_scale=SCALE, args=FAST + ["--net-fault", "drop:150000"]) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            start(p)
            p.expect("+UUFTPCR: 100,0", 30)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,6", "OK"])
            # resume: REST from the stored point (what it had is synced when
            # the connection breaks), the file whole at the end
            start(p, 'AT+UFTPC=100,"%s",1' % NAME)
            self.assertEqual(final(p)[-1], "+UUFTPCR: 100,1")
            self.assertEqual(fota_package(sim), DATA)
            last = SERVER.wait_transfers(1)[-1]
            self.assertEqual((last["rest"], last["bytes"]), (150000, SIZE - 150000))

    def test_server_gone_mid_transfer(self):
        # the FTP server process dies in the middle: the module reports a
        # broken connection, keeps what it synced, and resumes from it once
        # the server is back
        server = FtpServer()
        try:
            server.put(NAME, DATA)
            with Sim(R410, time_scale=SCALE, args=SLOW) as sim:
                p = boot(sim)
                configure(p, server=server)
                login(p)
                start(p)
                wait_synced(sim, 65536)
                server.vanish()
                lines = final(p)
                self.assertEqual(lines[-1], "+UUFTPCR: 100,0")
                self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,6", "OK"])
                kept = synced(sim)
                self.assertGreaterEqual(kept, 65536)
                server.start()
                start(p, 'AT+UFTPC=100,"%s",1' % NAME)
                lines = final(p)
                self.assertEqual(lines[-1], "+UUFTPCR: 100,1", lines)
                self.assertEqual(fota_package(sim), DATA)
                resumed = server.wait_transfers(1)[-1]
                self.assertEqual(resumed["rest"], kept)
                self.assertEqual(resumed["bytes"], SIZE - kept)
                self.assertTrue(resumed["completed"])
        finally:
            server.close()

    def test_kill9_then_resume_fetches_less(self):
        # kill -9 of the simulator (a power cut) in the middle of the file;
        # after the restart a resume fetches only what was not synced
        n = len(SERVER.transfers())
        with Sim(R410, time_scale=SCALE, args=SLOW) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            start(p)
            status = []
            deadline = time.monotonic() + 10
            while synced(sim) < 131072 and time.monotonic() < deadline:
                try:
                    status.append(p.readline(0.005))
                except TimeoutError:
                    pass
            sim.kill()
            kept = synced(sim)
            self.assertGreaterEqual(kept, 131072)
            sim.args = FAST
            sim.start()
            p = boot(sim)
            configure(p)
            login(p)
            start(p, 'AT+UFTPC=100,"%s",1' % NAME)
            lines = final(p)
            self.assertEqual(lines[-1], "+UUFTPCR: 100,1", lines)
            # note §3.2: the resume point is the stored byte, which may be
            # below the last status URC before the cut
            before = [int(l.split(",")[1].split()[0]) for l in status if "/" in l]
            self.assertTrue(before and kept <= before[-1] + 65536, status)
            first = int([l for l in lines if "/" in l][0].split(",")[1].split()[0])
            self.assertTrue(kept < first < SIZE, lines)
            self.assertEqual(fota_package(sim), DATA)
        t = SERVER.wait_transfers(n + 2)[n:]
        self.assertEqual(len(t), 2, t)
        self.assertEqual((t[1]["rest"], t[1]["bytes"]), (kept, SIZE - kept))
        self.assertLess(t[1]["bytes"], SIZE)

    def test_power_cut_then_resume(self):
        slow = ["--bandwidth", "400000", "--power-cut", "net:131072"]
        with Sim(R410, time_scale=SCALE, args=slow) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            start(p)
            sim.proc.wait(30)  # the power cut
            sim.kill()
            part = os.path.join(sim.state, "netdl.part")
            self.assertGreaterEqual(os.path.getsize(part), 131072)
            sim.args = FAST
            sim.start()
            p = boot(sim)
            configure(p)
            login(p)
            start(p, 'AT+UFTPC=100,"%s",1' % NAME)
            lines = final(p)
            self.assertEqual(lines[-1], "+UUFTPCR: 100,1")
            status = [l for l in lines if "/" in l]
            self.assertTrue(status and int(status[0].split(",")[1].split()[0]) >= 131072, lines)
            self.assertEqual(fota_package(sim), DATA)
            self.assertFalse(os.path.exists(part))

    def test_md5_is_of_the_stored_bytes(self):
        # R422S: the package changes on the server between the power cut
        # and the resume; the module's MD5 is that of the bytes it stored
        # (the old first part and the new rest), which matches neither file
        server = FtpServer()
        try:
            other = random.Random(7).randbytes(SIZE)
            server.put(NAME, DATA)
            cut = ["--bandwidth", "400000", "--power-cut", "net:131072"]
            with Sim(R422S, time_scale=SCALE, args=cut) as sim:
                p = boot(sim)
                configure(p, server=server)
                login(p)
                start(p)
                sim.proc.wait(30)
                sim.kill()
                kept = synced(sim)
                self.assertGreaterEqual(kept, 131072)
                server.put(NAME, other)
                sim.args = FAST
                sim.start()
                p = boot(sim)
                configure(p, server=server)
                login(p)
                start(p, 'AT+UFTPC=100,"%s",1' % NAME)
                stored = DATA[:kept] + other[kept:]
                md5 = hashlib.md5(stored).hexdigest()
                self.assertEqual(final(p)[-1], '+UUFTPCR: 100,1,"%s"' % md5)
                self.assertEqual(fota_package(sim), stored)
                self.assertNotIn(md5, (hashlib.md5(DATA).hexdigest(),
                                       hashlib.md5(other).hexdigest()))
        finally:
            server.close()

    def test_cancel_then_new_session(self):
        n = len(SERVER.transfers())
        with Sim(R410, time_scale=SCALE, args=SLOW) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            start(p)
            wait_synced(sim, 65536)
            # note §3.2: the name must match the download's
            self.assertEqual(p.command('AT+UFTPC=100,"other.bin",0', urcs=("+UUFTPCR",)),
                             ["+CME ERROR: 3"])
            self.assertEqual(p.command('AT+UFTPC=100,"%s",0' % NAME, urcs=("+UUFTPCR",)),
                             ["OK"])
            t_cancel = time.monotonic()
            # a new session waits for +UUFTPCR: 100,0 (note §3.2)
            self.assertEqual(p.command('AT+UFTPC=100,"%s"' % NAME, urcs=("+UUFTPCR",)),
                             ["+CME ERROR: 3"])
            # note §3.2: R410M ends 20-50 s later (module time)
            final(p, 60 / SCALE + 5)
            self.assertGreater(time.monotonic() - t_cancel, 20.0 / SCALE)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,40", "OK"])
            self.assertFalse(os.path.exists(os.path.join(sim.state, "fota", "package")))
            self.assertFalse(os.path.exists(os.path.join(sim.state, "netdl.part")))
            # a cancelled session cannot be resumed: ",1" starts at byte 0
            sim.args = FAST
            start(p, 'AT+UFTPC=100,"%s",1' % NAME)
            lines = final(p)
            self.assertEqual(lines[-1], "+UUFTPCR: 100,1")
            self.assertEqual(fota_package(sim), DATA)
        t = SERVER.wait_transfers(n + 2)[n:]
        self.assertEqual(len(t), 2, t)
        self.assertEqual((t[1]["rest"], t[1]["bytes"], t[1]["completed"]), (0, SIZE, True))

    def test_stall_times_out(self):
        with Sim(R410, time_scale=SCALE, args=FAST + ["--net-fault", "stall:100000"]) as sim:
            p = boot(sim)
            configure(p)
            self.assertEqual(p.command("AT+UFTP=5,5"), ["OK"])  # 5 s inactivity timeout
            login(p)
            start(p)
            p.expect("+UUFTPCR: 100,0", 30)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,7", "OK"])

    def test_dns_fault(self):
        with Sim(R410, time_scale=SCALE, args=FAST + ["--net-fault", "dns"]) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            start(p)
            p.expect("+UUFTPCR: 100,0", 30)
            self.assertEqual(p.command("AT+UFTPER"), ["+UFTPER: 8,2", "OK"])

    def test_forbidden_command_refused_on_r410(self):
        # note §7: R410M answers a Table 7 command with an error; the
        # download goes on (every pair: test_sim_table7_downloads.py)
        with Sim(R410, time_scale=SCALE, args=["--bandwidth", "800000"]) as sim:
            p = boot(sim)
            configure(p)
            login(p)
            start(p)
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
            start(p)
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
