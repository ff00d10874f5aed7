"""Note §7, Table 7, for the two network download methods of sarafw-sim:
every (active method, forbidden command) pair of the shared vectors
(tests/table7.vectors, lines "ftp forbid ..." and "http forbid ..."), sent
over the PTY while a real download runs (pyftpdlib and nginx on loopback,
netservers.py), on one product version of each family:

- SARA-R410M-02B-03: "an error result code is returned" (note §7): each
  forbidden command gets +CME ERROR: 1602, the download goes on and ends
  whole. Only FTP: note Table 1 gives the R410M/R412M no HTTP download.
- SARA-R422S: "an error result code is not returned" (note §7): each
  forbidden command runs, and the download it hits fails as the note
  warns (+UUFTPCR: 100,0 and +UFTPER: 8,10; +UUHTTPCR: <p>,100,0 and
  +UHTTPER: <p>,3,10), one download per pair.

Each pair is checked in the --audit file: exactly one
forbidden_during_download line naming the command and the method (with
"refused"), plus on the R422S one download_spoiled line. The allowed
lines of the same rows are sent too (but FTP's own cancel and resume,
which end the download as the note wants) and must leave no audit line
and no spoiled download. "<lwm2m>" (the LwM2M client starting) is not an
AT command and is left to tests/unit/test_sim_table7.c. One simulator
start per family."""
import os
import random
import re
import time
import unittest

from netservers import FtpServer, Nginx
from simharness import Sim, is_final

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "table7.vectors")
SCALE = 50
R410 = "SARA-R410M-02B-03"
R422S = "SARA-R422S"
SIZE = 300000
DATA = random.Random(0x7AB7).randbytes(SIZE)
FOTA_IN_USE = "+CME ERROR: 1602"
CAN = b"\x18"


def vectors(method, verdict):
    """The AT command lines of tests/table7.vectors for method/verdict."""
    out = []
    with open(VECTORS) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m, v, cmd = line.split(None, 2)
            if m == method and v == verdict and cmd != "<lwm2m>":
                out.append(cmd)
    return out


def name_of(cmd):
    """"AT+UFTPC=100,..." -> "+UFTPC" (the name the audit records)."""
    m = re.match(r"(?i)AT(\+[A-Z]+)", cmd)
    return m.group(1).upper() if m else ""


def numbers(cmd):
    return [int(x) for x in re.findall(r",(\d+)", cmd)]


def setUpModule():
    global FTP, WEB
    FTP = FtpServer()
    FTP.put("pkg.bin", DATA)
    WEB = Nginx()
    WEB.put("fota/pkg.bin", DATA)


def tearDownModule():
    FTP.close()
    WEB.close()


class Session:
    """A booted module with the FTP profile set and logged in, HTTP
    profile 0 on nginx; URCs that come while a command runs are kept."""

    def __init__(self, sim):
        self.sim = sim
        self.p = sim.open()
        sim.wait_boot(self.p)
        self.urcs = []
        for cmd in ("AT+CMEE=1", 'AT+UFTP=0,"127.0.0.1"', "AT+UFTP=7,%d" % FTP.port,
                    'AT+UFTP=2,"user"', 'AT+UFTP=3,"secret"', "AT+UFTP=6,1"):
            assert self.at(cmd) == ["OK"], cmd
        self.login()
        if sim.variant == R422S:
            for prof in (0, 1):
                for cmd in ('AT+UHTTP=%d,0,"127.0.0.1"' % prof,
                            "AT+UHTTP=%d,5,%d" % (prof, WEB.port)):
                    assert self.at(cmd) == ["OK"], cmd

    def split(self, lines):
        """Response lines without the URCs (kept in self.urcs)."""
        out = []
        for l in lines:
            (self.urcs if l.startswith(("+UUFTPCR", "+UUHTTPCR")) else out).append(l)
        return out

    def at(self, cmd, timeout=5.0):
        """Sends cmd and answers what it opens: the +UDWNFILE prompt gets
        its bytes, the +UFWUPD XMODEM window a cancel (CAN CAN)."""
        p = self.p
        p.write(cmd + "\r")
        name = name_of(cmd)
        if name == "+UDWNFILE":
            deadline = time.monotonic() + timeout
            while b">" not in p.buf and time.monotonic() < deadline:
                if any(is_final(l.strip()) for l in p.buf.decode("latin-1").splitlines()):
                    break  # refused: no prompt
                p.read(0.02)
            if b">" in p.buf:
                i = p.buf.index(b">")
                head, p.buf = p.buf[:i], p.buf[i + 1:]
                self.split([l for l in head.decode("latin-1").splitlines() if l.strip()])
                p.write(b"\x00" * numbers(cmd)[0])
        elif name == "+UFWUPD":
            lines = p.expect(lambda l: l.endswith("+UFWUPD: ONGOING") or is_final(l), timeout)
            if not lines[-1].endswith("+UFWUPD: ONGOING"):
                return self.split([l for l in lines if l != cmd])
            self.split(lines)
            p.write(CAN + CAN)
        lines = p.expect(lambda l: is_final(l.lstrip("C\x15")), timeout)
        return self.split([l.lstrip("C\x15") for l in lines if l != cmd])

    def urc(self, pred, timeout=10.0, what=""):
        """The first kept or later URC that satisfies pred (then forgotten)."""
        deadline = time.monotonic() + timeout
        while True:
            for i, u in enumerate(self.urcs):
                if pred(u):
                    return self.urcs.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no URC %s; kept %r, buffered %r"
                                   % (what, self.urcs, self.p.buf))
            try:
                self.urcs.append(self.p.readline(left))
            except TimeoutError:
                pass

    def login(self):
        assert self.at("AT+UFTPC=1") == ["OK"]
        self.urc(lambda u: u == "+UUFTPCR: 1,1", 5)

    def events(self, since=0):
        return self.sim.audit_events()[since:]


def forbidden_events(events):
    return [(e["command"], e["download"], e["refused"]) for e in events
            if e["event"] == "forbidden_during_download"]


def spoiled_events(events):
    return [(e["command"], e["download"]) for e in events if e["event"] == "download_spoiled"]


def netdl_url(sim):
    """The URL of the partial download in the state dir, or None."""
    try:
        with open(os.path.join(sim.state, "netdl")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                if k == "url":
                    return v
    except FileNotFoundError:
        pass
    return None


def netdl_running(sim):
    return os.path.exists(os.path.join(sim.state, "netdl"))


class Table7R410(unittest.TestCase):
    def test_ftp_forbidden_commands_refused(self):
        forbid = vectors("ftp", "forbid")
        # the download's own cancel and resume (allowed: note §3.2) end or
        # restart it; the rest of the row's allowed lines are sent
        allow = [c for c in vectors("ftp", "allow") if not c.startswith("AT+UFTPC=100,")]
        self.assertGreaterEqual(len(forbid), 13)  # the vectors as of this test
        # 2.5 kB/s of module time: 2.4 s of wall time for the file
        with Sim(R410, time_scale=SCALE, args=["--bandwidth", "20000"]) as sim:
            s = Session(sim)
            self.assertEqual(s.at('AT+UFTPC=100,"pkg.bin"'), ["OK"])
            n = len(s.events())
            for cmd in forbid:
                self.assertEqual(s.at(cmd), [FOTA_IN_USE], cmd)
            got = forbidden_events(s.events(n))
            self.assertEqual(got, [(name_of(c), "ftp", True) for c in forbid])
            n = len(s.events())
            for cmd in allow:
                self.assertNotEqual(s.at(cmd)[-1], FOTA_IN_USE, cmd)
            self.assertEqual(s.events(n), [])
            # the download went on through all of it, and ends whole
            self.assertTrue(netdl_running(sim))
            s.urc(lambda u: u == "+UUFTPCR: 100,1", 30)
            self.assertNotIn("+UUFTPCR: 100,0", s.urcs)
            with open(os.path.join(sim.state, "fota", "package"), "rb") as f:
                self.assertEqual(f.read(), DATA)
            self.assertEqual(s.at("AT+UFTPER"), ["+UFTPER: 0,0", "OK"])
            self.assertEqual(spoiled_events(s.events()), [])


class Table7R422S(unittest.TestCase):
    # 1 kB/s of module time: a download outlasts its pair by far
    ARGS = ["--bandwidth", "8000"]

    def pair(self, s, start, cmd, method, spoiled_urc, error_cmd, error, running=False):
        """Starts a download (unless running), sends cmd, checks that the
        download failed and the audit has one line of each kind for cmd."""
        sim = s.sim
        if not running:
            self.assertEqual(s.at(start), ["OK"], start)
        n = len(s.events())
        # executed (note §7: no error result code): its own answer
        self.assertNotEqual(s.at(cmd)[-1], FOTA_IN_USE, cmd)
        s.urc(lambda u: u.startswith(spoiled_urc), 5, "%s after %s" % (spoiled_urc, cmd))
        self.assertEqual(s.at(error_cmd), error, cmd)
        ev = s.events(n)
        self.assertEqual(forbidden_events(ev), [(name_of(cmd), method, False)], cmd)
        self.assertEqual(spoiled_events(ev), [(name_of(cmd), method)], cmd)
        # the spoiled download's partial file is gone (a download the
        # command itself started may have one of its own)
        url = netdl_url(sim)
        self.assertFalse(url and url.startswith(method + "://") and
                         url.endswith(start.split('"')[1]), (cmd, url))
        # what the command itself started ends before the next pair
        if cmd.startswith("AT+UHTTPC="):
            s.urc(lambda u: u.startswith("+UUHTTPCR: 0,100,0,404"), 10)
        if cmd.startswith("AT+UFTPC=100,"):
            s.urc(lambda u: u == "+UUFTPCR: 100,0", 10)
        if cmd == "AT+UFTPC=0":
            s.urc(lambda u: u == "+UUFTPCR: 0,1", 5)
            s.login()

    def check_allowed(self, s, start, allow, spoiled_urc):
        self.assertEqual(s.at(start), ["OK"], start)
        n = len(s.events())
        for cmd in allow:
            self.assertNotEqual(s.at(cmd)[-1], FOTA_IN_USE, cmd)
        self.assertEqual(s.events(n), [])
        self.assertTrue(netdl_running(s.sim))
        self.assertFalse([u for u in s.urcs if u.startswith(spoiled_urc)])

    def test_ftp_and_http_forbidden_commands_spoil(self):
        ftp_forbid = vectors("ftp", "forbid")
        http_forbid = vectors("http", "forbid")
        self.assertGreaterEqual(len(ftp_forbid) + len(http_forbid), 22)
        t0 = time.monotonic()
        with Sim(R422S, time_scale=SCALE, args=self.ARGS) as sim:
            s = Session(sim)
            ftp_start = 'AT+UFTPC=100,"pkg.bin"'
            http_start = 'AT+UHTTPC=1,100,"/fota/pkg.bin"'
            # allowed lines first, during a download the first pair then spoils
            allow = [c for c in vectors("ftp", "allow") if not c.startswith("AT+UFTPC=100,")]
            # (the server name one of them sets is reset: it would win over the IP)
            self.check_allowed(s, ftp_start, allow + ["AT+UFTP=1"], "+UUFTPCR: 100,")
            for i, cmd in enumerate(ftp_forbid):
                self.pair(s, ftp_start, cmd, "ftp", "+UUFTPCR: 100,0",
                          "AT+UFTPER", ["+UFTPER: 8,10", "OK"], running=i == 0)
            # (profile 0's server name, set by one of them, is put back)
            self.check_allowed(s, http_start, vectors("http", "allow") + [
                "AT+UHTTP=0", 'AT+UHTTP=0,0,"127.0.0.1"', "AT+UHTTP=0,5,%d" % WEB.port],
                "+UUHTTPCR: 1,")
            for i, cmd in enumerate(http_forbid):
                self.pair(s, http_start, cmd, "http", "+UUHTTPCR: 1,100,0,",
                          "AT+UHTTPER=1", ["+UHTTPER: 1,3,10", "OK"], running=i == 0)
            self.assertEqual(len(forbidden_events(s.events())), len(ftp_forbid) + len(http_forbid))
        self.assertLess(time.monotonic() - t0, 60)


if __name__ == "__main__":
    unittest.main()
