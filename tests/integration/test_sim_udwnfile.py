"""sarafw-sim AT+UDWNFILE (note §5.2) over the PTY: "FOAT" into the FOTA
area, "PROFILE" installing a carrier profile that +UMNOPROF lists and
selects, and plain user files read back with +URDFILE/+URDBLOCK, listed
with +ULSTFILE and deleted with +UDELFILE; at 115200 on SARA-R410M-02B-03
and at 115200, 921600 and 3000000 on SARA-R422S (the additional rates of
§5.1.1 exist only there). Bad input gets its error and changes nothing;
a power cut (SIGKILL) at 20 seeded points of a transfer leaves the
previous package (or file) or the new one, never a part. Every wait is
bounded."""
import os
import random
import time
import unittest
import zlib

from simharness import Sim

SCALE = 50
R410 = "SARA-R410M-02B-03"
R422 = "SARA-R422S"
RNG = random.Random(0x0D3F11E)
GAP_S = 1.0  # the module's no-byte timeout: 10 s, at least 1 s wall


def payload(n):
    return bytes(RNG.getrandbits(8) for _ in range(n))


def state_file(sim, *parts):
    return os.path.join(sim.state, *parts)


def read_or_none(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def prompt(sim, p, cmd):
    """Sends an +UDWNFILE command; waits for '>' (True) or a final result
    (returned as its line)."""
    p.buf = b""
    p.write(cmd + "\r")
    deadline = time.monotonic() + 5.0 / SCALE + 3
    while time.monotonic() < deadline:
        if b">" in p.buf:
            p.buf = p.buf[p.buf.index(b">") + 1:]
            return True
        for line in p.buf.replace(b"\r", b"\n").split(b"\n")[:-1]:
            line = line.decode("latin-1")
            if line == "ERROR" or line.startswith("+CME ERROR:"):
                p.buf = b""
                return line
        p.read(0.05)
    raise TimeoutError("no prompt for %r: %r" % (cmd, p.buf))


def download(sim, p, name, data, tag=None, timeout=10):
    cmd = 'AT+UDWNFILE="%s",%d' % (name, len(data)) + (',"%s"' % tag if tag else "")
    r = prompt(sim, p, cmd)
    if r is not True:
        return [r]
    p.write(data, timeout=timeout)
    return p.expect(lambda l: l in ("OK", "ERROR") or l.startswith("+CME ERROR:"), timeout)


def read_data(p, cmd, timeout=10):
    """The raw bytes of a +URDFILE/+URDBLOCK answer, and the final result."""
    p.buf = b""
    p.write(cmd + "\r")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        i = p.buf.find(cmd[2:cmd.index("=")].encode() + b": ")
        if i >= 0:
            rest = p.buf[i:]
            parts = rest.split(b",", 2)
            if len(parts) == 3 and parts[2].startswith(b'"'):
                n = int(parts[1])
                body = parts[2][1:]
                if len(body) >= n + 1:
                    data = body[:n]
                    assert body[n:n + 1] == b'"', body[n:n + 8]
                    p.buf = body[n + 1:]
                    final = p.expect(lambda l: l == "OK" or "ERROR" in l, 5)[-1]
                    return data, final
        if b"ERROR" in p.buf and i < 0:
            return None, p.expect(lambda l: "ERROR" in l, 2)[-1]
        p.read(0.05)
    raise TimeoutError("no data for %r: %r" % (cmd, p.buf[:80]))


def switch(p, rate):
    assert p.command("AT+IPR=%d" % rate) == ["OK"]
    p.set_speed(rate)
    p.drain(0.05)
    p.write("\r")
    p.drain(0.05)
    assert p.command("AT") == ["OK"]


def boot(sim, p):
    sim.wait_boot(p)
    assert p.command("AT+CMEE=1") == ["OK"]


def digest(b):
    return None if b is None else (len(b), zlib.crc32(b))


def fota_pkg(sim):
    return read_or_none(state_file(sim, "fota", "package"))


class RoundTrips(unittest.TestCase):
    def round_trip(self, sim, p, size):
        # "FOAT": the package as sent, meta written last, method udwnfile
        data = payload(size)
        self.assertEqual(download(sim, p, "", data, "FOAT"), ["OK"])
        self.assertEqual(fota_pkg(sim), data)
        meta = dict(l.split("=", 1) for l in
                    read_or_none(state_file(sim, "fota", "meta")).decode().splitlines())
        self.assertEqual(meta["method"], "udwnfile")
        self.assertEqual(int(meta["crc32"], 16), zlib.crc32(data))
        self.assertEqual(int(meta["baud"]), p.baud)
        # a plain file: listed, sized, read back whole and in blocks, deleted
        data = payload(size // 4)
        self.assertEqual(download(sim, p, "user.bin", data), ["OK"])
        self.assertEqual(p.command("AT+ULSTFILE="), ['+ULSTFILE: "user.bin"', "OK"])
        self.assertEqual(p.command("AT+ULSTFILE=0"), ['+ULSTFILE: "user.bin"', "OK"])
        self.assertEqual(p.command('AT+ULSTFILE=2,"user.bin"'), ["+ULSTFILE: %d" % len(data), "OK"])
        got, final = read_data(p, 'AT+URDFILE="user.bin"')
        self.assertEqual((got, final), (data, "OK"))
        got, final = read_data(p, 'AT+URDBLOCK="user.bin",100,1000')
        self.assertEqual((got, final), (data[100:1100], "OK"))
        self.assertEqual(p.command('AT+UDELFILE="user.bin"'), ["OK"])
        self.assertEqual(p.command("AT+ULSTFILE="), ["+ULSTFILE: ", "OK"])
        self.assertEqual(p.command('AT+URDFILE="user.bin"'), ["+CME ERROR: 22"])
        # "PROFILE": installed, listed, selectable (note B.1.2: 205)
        prof = b"MNO 205 Verizon Motive test\r\n" + payload(size // 8)
        self.assertEqual(download(sim, p, "vzw.mbn", prof, "PROFILE"), ["OK"])
        ids = p.command("AT+UMNOPROF=?")
        self.assertIn(",205)", ids[0])
        self.assertEqual(p.command("AT+UMNOPROF=,1"), ["OK"])
        self.assertIn("205: Verizon Motive test", p.command("AT+UMNOPROF=?"))
        self.assertEqual(p.command("AT+UMNOPROF=,0"), ["OK"])
        self.assertEqual(p.command("AT+UMNOPROF=205"), ["OK"])
        self.assertEqual(p.command("AT+UMNOPROF?"), ["+UMNOPROF: 205", "OK"])

    def test_r410m_115200(self):
        with Sim(R410, time_scale=SCALE) as sim:
            p = sim.open()
            boot(sim, p)
            self.round_trip(sim, p, 16000)
            # AT+IPR: the manual's standard rates only on R410M/R412M
            self.assertEqual(p.command("AT+IPR=921600"), ["+CME ERROR: 50"])
            self.assertEqual(p.command("AT+IPR=3000000"), ["+CME ERROR: 50"])
            # profiles and files persist across a power cut
            sim.restart()
            p = sim.open()
            boot(sim, p)
            self.assertEqual(p.command("AT+UMNOPROF?"), ["+UMNOPROF: 205", "OK"])
            self.assertIn(",205)", p.command("AT+UMNOPROF=?")[0])

    def test_r422s_three_rates(self):
        with Sim(R422, time_scale=SCALE) as sim:
            p = sim.open()
            boot(sim, p)
            self.round_trip(sim, p, 16000)
            for rate, size in ((921600, 60000), (3000000, 120000)):
                switch(p, rate)
                self.round_trip(sim, p, size)
            switch(p, 115200)


class BadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = Sim(R422, time_scale=SCALE)
        cls.p = cls.sim.open()
        boot(cls.sim, cls.p)
        cls.pkg = payload(3000)
        cls.keep = payload(500)
        assert download(cls.sim, cls.p, "", cls.pkg, "FOAT") == ["OK"]
        assert download(cls.sim, cls.p, "keep.txt", cls.keep) == ["OK"]

    @classmethod
    def tearDownClass(cls):
        cls.sim.cleanup()

    def canaries(self):
        return (fota_pkg(self.sim), read_or_none(state_file(self.sim, "fota", "meta")),
                sorted(os.listdir(state_file(self.sim, "files"))),
                read_or_none(state_file(self.sim, "files", "keep.txt")),
                self.p.command("AT+UMNOPROF=?"), self.p.command("AT+UMNOPROF?"))

    def refused(self, cmd, error):
        before = self.canaries()
        self.assertEqual(prompt(self.sim, self.p, cmd), error)
        self.p.drain(0.05)
        self.assertEqual(self.canaries(), before)
        self.assertEqual(before[0], self.pkg)

    def test_size_zero(self):
        self.refused('AT+UDWNFILE="a",0', "+CME ERROR: 50")
        self.refused('AT+UDWNFILE="",0,"FOAT"', "+CME ERROR: 50")

    def test_too_big(self):
        self.refused('AT+UDWNFILE="",%d,"FOAT"' % (32 * 1024 * 1024 + 1), "+CME ERROR: 20")
        self.refused('AT+UDWNFILE="big",%d' % (2 * 1024 * 1024 - 499), "+CME ERROR: 20")
        self.refused('AT+UDWNFILE="p.mbn",%d,"PROFILE"' % (2 * 1024 * 1024), "+CME ERROR: 20")

    def test_unknown_or_miscased_tag(self):
        for tag in ("foat", "Profile", "XYZ", ""):
            self.refused('AT+UDWNFILE="a",10,"%s"' % tag, "+CME ERROR: 50")

    def test_bad_names(self):
        self.refused('AT+UDWNFILE="%s",10' % ("n" * 249), "+CME ERROR: 50")
        self.refused('AT+UDWNFILE="dir/a",10', "+CME ERROR: 50")
        self.refused('AT+UDWNFILE="..",10', "+CME ERROR: 50")
        self.refused('AT+UDWNFILE="",10', "+CME ERROR: 50")
        self.refused('AT+UDWNFILE="a\\\\b",10', "+CME ERROR: 50")
        # 248 characters are a name
        self.assertEqual(download(self.sim, self.p, "n" * 248, b"x"), ["OK"])
        self.assertEqual(self.p.command('AT+UDELFILE="%s"' % ("n" * 248)), ["OK"])

    def test_short_stream_times_out(self):
        for name, tag in (("", "FOAT"), ("keep.txt", None), ("p.mbn", "PROFILE")):
            before = self.canaries()
            cmd = 'AT+UDWNFILE="%s",1000' % name + (',"%s"' % tag if tag else "")
            self.assertIs(prompt(self.sim, self.p, cmd), True)
            # AT text in the stream is data
            self.p.write(b"AT+UMNOPROF=205\r" + payload(300))
            t0 = time.monotonic()
            self.assertEqual(self.p.expect(lambda l: "ERROR" in l or l == "OK", GAP_S + 3), ["ERROR"])
            self.assertGreater(time.monotonic() - t0, GAP_S * 0.8)
            self.assertEqual(self.canaries(), before)
        self.assertFalse(os.path.exists(state_file(self.sim, "udwnfile.tmp")))
        self.assertFalse(os.path.exists(state_file(self.sim, "fota", "package.tmp")))

    def test_unreadable_profile(self):
        before = self.canaries()
        for data in (payload(200), b"MNO 0 x\n", b"MNO 205\n", b"MNO 205 " + b"n" * 80 + b"\n"):
            self.assertEqual(download(self.sim, self.p, "bad.mbn", data, "PROFILE"), ["+CME ERROR: 50"])
        self.assertEqual(self.canaries(), before)

    def test_omitted_name_is_empty_for_foat(self):
        r = prompt(self.sim, self.p, 'AT+UDWNFILE=,%d,"FOAT"' % len(self.pkg))
        self.assertIs(r, True)
        self.p.write(self.pkg)
        self.assertEqual(self.p.expect(lambda l: l == "OK" or "ERROR" in l, 5), ["OK"])
        self.assertEqual(fota_pkg(self.sim), self.pkg)
        self.refused('AT+UDWNFILE=,10', "+CME ERROR: 50")

    def test_missing_file(self):
        self.assertEqual(self.p.command('AT+URDFILE="nope"'), ["+CME ERROR: 22"])
        self.assertEqual(self.p.command('AT+URDBLOCK="nope",0,10'), ["+CME ERROR: 22"])
        self.assertEqual(self.p.command('AT+UDELFILE="nope"'), ["+CME ERROR: 22"])
        self.assertEqual(self.p.command('AT+ULSTFILE=2,"nope"'), ["+CME ERROR: 22"])

    def test_free_space(self):
        free = self.p.command("AT+ULSTFILE=1")
        self.assertEqual(free, ["+ULSTFILE: %d" % (2 * 1024 * 1024 - 500), "OK"])


class PowerCut(unittest.TestCase):
    def cut_at(self, sim, p, cmd, data, k):
        """Sends cmd and the first k bytes of data (k < 0: cut during the
        preparation), then cuts the power."""
        if k < 0:
            p.write(cmd + "\r")
            time.sleep(RNG.random() * 4.0 / SCALE)
        else:
            self.assertIs(prompt(sim, p, cmd), True)
            p.write(data[:k])
            time.sleep(k * 10 / p.baud + RNG.random() * 0.02)
        sim.kill()
        sim.start()
        p = sim.open()
        sim.wait_boot(p, timeout=5)
        return p

    def test_foat_and_file_survive_20_cuts(self):
        with Sim(R422, time_scale=SCALE) as sim:
            p = sim.open()
            boot(sim, p)
            old = payload(6000)
            self.assertEqual(download(sim, p, "", old, "FOAT"), ["OK"])
            for i in range(20):
                new = payload(6000)
                k = RNG.choice([-1, 0, len(new)] + [RNG.randrange(1, len(new))] * 6)
                p = self.cut_at(sim, p, 'AT+UDWNFILE="",%d,"FOAT"' % len(new), new, k)
                pkg = fota_pkg(sim)
                # the previous package, the new one, or none (fota.h: a cut
                # between the rename and the meta write leaves none)
                self.assertIn(digest(pkg), (digest(old), digest(new), None),
                              "cut %d at byte %d: a partial package" % (i, k))
                old = pkg
                self.assertFalse(os.path.exists(state_file(sim, "fota", "package.tmp")))
            old = payload(3000)
            self.assertEqual(download(sim, p, "f.bin", old), ["OK"])
            for i in range(8):
                new = payload(3000)
                k = RNG.choice([-1, len(new)] + [RNG.randrange(0, len(new))] * 4)
                p = self.cut_at(sim, p, 'AT+UDWNFILE="f.bin",%d' % len(new), new, k)
                got = read_or_none(state_file(sim, "files", "f.bin"))
                self.assertIn(digest(got), (digest(old), digest(new)), "file cut %d at byte %d" % (i, k))
                old = got
                self.assertFalse(os.path.exists(state_file(sim, "udwnfile.tmp")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
