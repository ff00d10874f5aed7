"""sarafw-sim's installer over the PTY (note §2.4, §2.6.4, §6, Tables 5, 8
and 9): AT+UFWINSTALL per family, progress and the final code on the
chosen port and rate (UART, AUX UART, none), every Table 5 code a crafted
package can cause with the old firmware still running, power cuts at
seeded points that the next start finishes, the boot-code brick, and the
files and settings before and after per family. Packages are in the
simulator's interim format (simpkg.py). Every wait is bounded."""
import os
import random
import subprocess
import tempfile
import time
import unittest

import simpkg
from simharness import Sim
from test_sim_udwnfile import download

SCALE = 200
R410 = "SARA-R410M-02B-03"
R422 = "SARA-R422S"
VERSION = {R410: "L0.0.00.00.05.12,A.02.19", R422: "00.12,A00.01"}
NEXT = {R410: "L0.0.00.00.05.13,A.02.20", R422: "00.13,A00.02"}
MODEL = {R410: "SARA-R410M-02B", R422: "SARA-R422S"}
SOAK = os.environ.get("SARAFW_SOAK") == "1"
CUTS = 50 if SOAK else 10
RNG = random.Random(0x1457A11)
# module time of an install is at most 35 min (note §2.4): wall seconds
INSTALL_WALL = 35 * 60 / SCALE + 5


def small_image(seed, n=4096):
    r = random.Random(seed)
    return bytes(r.getrandbits(8) for _ in range(n))


class Module:
    """A simulator with a small image of its own (--firmware), so a
    package crosses the line in a fraction of a second."""

    def __init__(self, variant, args=(), image_seed=1, builtin=False, scale=SCALE):
        self.variant = variant
        self.work_image = None
        extra = list(args)
        if not builtin:
            self.sim = Sim(variant, time_scale=scale, start=False)
            self.work_image = os.path.join(self.sim.work, "fw.bin")
            with open(self.work_image, "wb") as f:
                f.write(small_image(image_seed))
            extra += ["--firmware", self.work_image]
            self.sim.args = extra
            self.sim.start()
        else:
            self.sim = Sim(variant, time_scale=scale, args=extra)
        self.port = self.sim.open()
        self.sim.wait_boot(self.port)
        self.port.command("AT+CMEE=2")

    def image(self):
        return simpkg.read_image(self.sim)

    def package(self, delta=True, **kw):
        img = self.image()
        kw.setdefault("product", MODEL[self.variant])
        if "target" not in kw:
            kw["target"] = simpkg.derive_image(img, seed=7, changes=10)
        if delta:
            kw.setdefault("source", img)
        else:
            kw["source"] = None
        kw.setdefault("from_version", VERSION[self.variant])
        kw.setdefault("to_version", NEXT[self.variant])
        return simpkg.make(self.sim.work, **kw)

    def store(self, pkg):
        self.assertok(download(self.sim, self.port, "", pkg, "FOAT"))

    @staticmethod
    def assertok(lines):
        if lines[-1] != "OK":
            raise AssertionError("expected OK, got %r" % lines)

    def restart(self, args=None):
        if args is not None:
            self.sim.args = args
        self.sim.kill()
        self.sim.start()
        self.port = self.sim.open()
        return self.port

    def ati9(self):
        return self.port.command("ATI9")[0]

    def close(self):
        self.sim.cleanup()


def final_code(line):
    return line.startswith("+UFWINSTALL: ") and int(line.split()[1]) > 100


def progress_values(lines):
    return [int(l.split()[1]) for l in lines if l.startswith("+UFWINSTALL: ")]


class Syntax(unittest.TestCase):
    def test_r422_forms(self):
        m = Module(R422)
        try:
            p = m.port
            self.assertEqual(p.command("AT+UFWINSTALL=?"),
                             ["+UFWINSTALL: (0,2),(9600,19200,38400,57600,115200,230400,460800),,(1)",
                              "OK"])
            for bad in ("AT+UFWINSTALL=3", "AT+UFWINSTALL=1,921600", "AT+UFWINSTALL=1,115200,1",
                        "AT+UFWINSTALL=1,115200,,2", "AT+UFWINSTALL=1,115200,5,1",
                        'AT+UFWINSTALL="1"', "AT+UFWINSTALL?"):
                self.assertEqual(p.command(bad), ["+CME ERROR: incorrect parameters"], bad)
            # note §6: no package, no install
            for cmd in ("AT+UFWINSTALL", "AT+UFWINSTALL=1,115200", "AT+UFWINSTALL=0"):
                self.assertEqual(p.command(cmd), ["+CME ERROR: operation not allowed"], cmd)
            # <uFOTA_URC>: persistent, installs nothing
            self.assertEqual(p.command("AT+UFWINSTALL=2,57600,,1"), ["OK"])
            self.assertEqual(p.command("AT+UFWINSTALL=,,,1"), ["OK"])
            self.assertEqual(p.command("AT+UFWINSTALL=2,57600,,1"), ["OK"])
            m.restart()
            m.sim.wait_boot(m.port)
            with open(os.path.join(m.sim.state, "nvm")) as f:
                nvm = f.read()
            self.assertIn("ufwinstall_urc=1\n", nvm)
            self.assertIn("ufwinstall_port=2\n", nvm)
            self.assertIn("ufwinstall_baud=57600\n", nvm)
        finally:
            m.close()

    def test_r410_forms(self):
        m = Module(R410)
        try:
            p = m.port
            self.assertEqual(p.command("AT+UFWINSTALL=?"), ["OK"])  # note §6.2.1
            self.assertEqual(p.command("AT+UFWINSTALL=1,115200"),
                             ["+CME ERROR: incorrect parameters"])
            self.assertEqual(p.command("AT+UFWINSTALL"), ["+CME ERROR: operation not allowed"])
        finally:
            m.close()

    def test_lwm2m_package_refused(self):
        m = Module(R422)
        try:
            m.store(m.package())
            m.sim.stop()
            meta = os.path.join(m.sim.state, "fota", "meta")
            with open(meta) as f:
                text = f.read()
            with open(meta, "w") as f:
                f.write(text.replace("method=udwnfile", "method=lwm2m"))
            m.sim.start()
            m.port = m.sim.open()
            m.sim.wait_boot(m.port)
            m.port.command("AT+CMEE=2")
            self.assertEqual(m.port.command("AT+UFWINSTALL"), ["+CME ERROR: operation not allowed"])
            self.assertEqual(m.ati9(), VERSION[R422])
        finally:
            m.close()


class Install(unittest.TestCase):
    def run_r422(self, m, cmd, baud=115200, port=None):
        """Issues cmd; reads the URCs on `port` (default: the UART) at baud
        until the final code; returns (progress values, code)."""
        p = m.port
        self.assertEqual(p.command(cmd), ["OK"])
        listen = port or p
        if baud != 115200 and listen is p:
            p.drain(0.01, 0.2)
            p.set_speed(baud)
        lines = listen.expect(final_code, INSTALL_WALL)
        values = progress_values(lines)
        if listen is p and baud != 115200:
            p.drain(0.05, 1)
            p.set_speed(115200)  # the new firmware boots at the stored +IPR
        return values[:-1], values[-1]

    def check_progress(self, values):
        self.assertEqual(values[0], 1)
        self.assertEqual(values[-1], 100)
        steps = [b - a for a, b in zip(values, values[1:])]
        self.assertTrue(all(s > 0 for s in steps), values)
        self.assertTrue(any(s > 1 for s in steps), values)  # note §6.1: not always 1

    def test_r422_delta_uart(self):
        m = Module(R422)
        try:
            m.store(m.package())
            values, code = self.run_r422(m, "AT+UFWINSTALL=1,460800", baud=460800)
            self.check_progress(values)
            self.assertEqual(code, 128)
            m.sim.wait_boot(m.port, 10)
            self.assertEqual(m.ati9(), NEXT[R422])
            self.assertEqual(m.port.command("AT+CGMR"), ["00.13", "OK"])
            # the package is consumed: nothing left to install
            m.port.command("AT+CMEE=2")
            self.assertEqual(m.port.command("AT+UFWINSTALL"), ["+CME ERROR: operation not allowed"])
        finally:
            m.close()

    def test_full_package_with_xmodem_padding(self):
        # +UFWUPD stores the last block's 0x1A padding: the header's
        # length says where the package ends
        m = Module(R422)
        try:
            # a full image (note Table 9: FOAT takes non-differential packages)
            m.store(m.package(delta=False) + b"\x1a" * 700)
            values, code = self.run_r422(m, "AT+UFWINSTALL")
            self.assertEqual(code, 128)
        finally:
            m.close()

    def test_r422_builtin_image_and_demo_key(self):
        # the built-in image and demo key of a state dir without options
        m = Module(R422, builtin=True)
        try:
            new = simpkg.derive_image(m.image(), seed=3, grow=100)
            m.store(m.package(target=new))  # a delta: 128 KiB would take 11 s at 115200
            values, code = self.run_r422(m, "AT+UFWINSTALL")
            self.assertEqual(code, 128)
            m.sim.wait_boot(m.port, 10)
            self.assertEqual(m.ati9(), NEXT[R422])
            self.assertEqual(m.image(), new)
        finally:
            m.close()

    def test_r422_aux_port_and_silent(self):
        work = Sim(R422, time_scale=SCALE, start=False)
        aux_link = os.path.join(work.work, "ttyAUX")
        fw = os.path.join(work.work, "fw.bin")
        with open(fw, "wb") as f:
            f.write(small_image(5))
        work.args = ["--aux-link", aux_link, "--firmware", fw]
        work.start()
        try:
            from simharness import Port
            p = work.open()
            work.wait_boot(p)
            aux = Port(aux_link, 19200)
            work.ports.append(aux)
            img = simpkg.read_image(work)
            pkg = simpkg.make(work.work, MODEL[R422], target=simpkg.derive_image(img), source=img,
                              from_version=VERSION[R422], to_version=NEXT[R422])
            self.assertEqual(download(work, p, "", pkg, "FOAT")[-1], "OK")
            self.assertEqual(p.command("AT+UFWINSTALL=2,19200"), ["OK"])
            lines = aux.expect(final_code, INSTALL_WALL)
            self.assertEqual(progress_values(lines)[-1], 128)
            self.check_progress(progress_values(lines)[:-1])
            work.wait_boot(p, 10)
            # nothing of the install came on the UART
            self.assertNotIn(b"UFWINSTALL", p.buf)
            self.assertEqual(p.command("ATI9")[0], NEXT[R422])
            # port 0: nothing anywhere, the version changes all the same
            img = simpkg.read_image(work)
            pkg = simpkg.make(work.work, MODEL[R422], target=simpkg.derive_image(img, seed=9),
                              source=img, from_version=NEXT[R422], to_version="00.14,A00.03")
            self.assertEqual(download(work, p, "", pkg, "FOAT")[-1], "OK")
            p.write("AT+UFWINSTALL=0\r")
            p.expect("OK")
            t0 = time.monotonic()
            work.wait_boot(p, INSTALL_WALL)
            self.assertGreater(time.monotonic() - t0, 50 / SCALE)
            got = p.drain(0.05) + p.buf + aux.drain(0.05)
            self.assertNotIn(b"UFWINSTALL", got)
            self.assertEqual(p.command("ATI9")[0], "00.14,A00.03")
        finally:
            work.cleanup()

    def test_r410_silent_install(self):
        m = Module(R410)
        try:
            m.store(m.package(nvm={"csgt_text": "NEW"}))
            p = m.port
            self.assertEqual(p.command("AT+UFWINSTALL"), ["OK"])
            t0 = time.monotonic()
            time.sleep(3 / SCALE + 0.05)
            p.write("AT+CGMR\r")  # AT is unavailable: lost, audited
            m.sim.wait_boot(p, INSTALL_WALL)
            took = time.monotonic() - t0
            self.assertNotIn(b"UFWINSTALL", p.buf)
            self.assertGreater(took, 50 / SCALE)
            self.assertLess(took, 23 * 60 / SCALE + 3)
            self.assertEqual(m.ati9(), NEXT[R410])
            self.assertEqual(p.command("AT+CGMR")[0], "L0.0.00.00.05.13 [Oct 08 2020 15:00:01]")
            ev = [e for e in m.sim.audit_events() if e["event"] == "at_during_install"]
            self.assertTrue(any(e.get("line") == "AT+CGMR" for e in ev), ev)
        finally:
            m.close()


class Table5(unittest.TestCase):
    """Each code a package can cause; the old firmware still runs."""

    def expect_code(self, variant, code, make=None, before=None):
        m = Module(variant)
        try:
            if before:
                before(m)
            m.store(make(m))
            old_image = m.image()
            p = m.port
            self.assertEqual(p.command("AT+UFWINSTALL" + ("=1,115200" if variant == R422 else "")),
                             ["OK"])
            if variant == R422:
                lines = p.expect(final_code, INSTALL_WALL)
                self.assertEqual(progress_values(lines)[-1], code, lines)
            m.sim.wait_boot(p, INSTALL_WALL)
            self.assertEqual(m.ati9(), VERSION[variant])
            self.assertEqual(m.image(), old_image)
            self.assertIn("install result %d" % code, m.sim.log_text())
            self.assertFalse(os.path.exists(os.path.join(m.sim.state, "install")))
        finally:
            m.close()

    def test_148_bad_magic(self):
        self.expect_code(R422, 148, lambda m: simpkg.patch(m.package(), 0, b"XARAFWPK", sign=False))

    def test_148_shorter_than_header(self):
        self.expect_code(R422, 148, lambda m: m.package()[:200])

    def test_148_result_hash(self):
        # well signed, but the image it builds is not the one it names
        self.expect_code(R422, 148,
                         lambda m: simpkg.patch(m.package(), simpkg.OFF_TARGET_SHA, bytes(32)))

    def test_158_full_on_r410(self):
        self.expect_code(R410, 158, lambda m: m.package(delta=False, source=None))

    def test_168_source_version(self):
        self.expect_code(R422, 168, lambda m: m.package(from_version="00.11,A00.01"))

    def test_168_source_image(self):
        self.expect_code(R422, 168, lambda m: m.package(source=small_image(99)))

    def test_173_signature(self):
        def flip(m):
            pkg = bytearray(m.package())
            pkg[256 + 16 + 20] ^= 1  # inside the firmware section
            return bytes(pkg)
        self.expect_code(R422, 173, flip)

    def test_173_other_key(self):
        def other(m):
            key = os.path.join(m.sim.work, "other.key")
            subprocess.run(["openssl", "genpkey", "-algorithm", "ED25519", "-out", key],
                           check=True, capture_output=True)
            return m.package(key=key)
        self.expect_code(R410, 173, other)

    def test_174_format(self):
        self.expect_code(R422, 174,
                         lambda m: simpkg.patch(m.package(), simpkg.OFF_VERSION, simpkg.u16(2),
                                                sign=False))

    def test_180_truncated(self):
        self.expect_code(R422, 180, lambda m: m.package()[:-100])

    def test_227_key_missing(self):
        def drop_key(m):
            m.sim.stop()
            os.unlink(os.path.join(m.sim.state, "fota_key.pub"))
            m.sim.start()
            m.port = m.sim.open()
            m.sim.wait_boot(m.port)
            m.port.command("AT+CMEE=2")
        self.expect_code(R422, 227, lambda m: m.package(), before=drop_key)

    def test_227_key_invalid(self):
        # --fota-key given a file that is no Ed25519 public key
        with tempfile.NamedTemporaryFile(suffix=".pub") as bad:
            bad.write(b"-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n")
            bad.flush()
            m = Module(R422, args=["--fota-key", bad.name])
        try:
            m.store(m.package())
            self.assertEqual(m.port.command("AT+UFWINSTALL"), ["OK"])
            lines = m.port.expect(final_code, INSTALL_WALL)
            self.assertEqual(progress_values(lines)[-1], 227)
            m.sim.wait_boot(m.port, 10)
            self.assertEqual(m.ati9(), VERSION[R422])
        finally:
            m.close()

    def test_247_product(self):
        self.expect_code(R422, 247, lambda m: m.package(product="SARA-R422M8S"))

    def test_129_image_unreadable(self):
        def mk(m):
            pkg = m.package()
            m.sim.stop()
            path = os.path.join(m.sim.state, "firmware.bin")
            os.unlink(path)
            os.mkdir(path)  # the module's own flash cannot be read
            m.sim.start()
            m.port = m.sim.open()
            m.sim.wait_boot(m.port)
            m.port.command("AT+CMEE=2")
            return pkg
        m = Module(R422)
        try:
            pkg = mk(m)
            m.store(pkg)
            self.assertEqual(m.port.command("AT+UFWINSTALL"), ["OK"])
            lines = m.port.expect(final_code, INSTALL_WALL)
            self.assertEqual(progress_values(lines)[-1], 129)
            m.sim.wait_boot(m.port, 10)
            self.assertEqual(m.ati9(), VERSION[R422])
        finally:
            m.close()


class PowerCuts(unittest.TestCase):
    """SIGKILL during the install: the next start is in Firmware Install
    Mode and finishes; the version is the target every time."""

    def cut_and_finish(self, m, args_cut, expect_variant=R422):
        base = list(m.sim.args)
        p = m.port
        m.sim.args = base + args_cut
        p = m.restart()
        m.sim.wait_boot(p)
        m.sim.args = base
        self.assertEqual(p.command("AT+UFWINSTALL"), ["OK"])
        # the simulator kills itself at the point
        m.sim.proc.wait(INSTALL_WALL)
        self.assertEqual(m.sim.proc.returncode, -9)
        p = m.restart()
        lines = p.expect(final_code, INSTALL_WALL)
        self.assertEqual(progress_values(lines)[-1], 128, lines)
        m.sim.wait_boot(p, 10)
        self.assertEqual(m.ati9(), NEXT[expect_variant])
        ev = [e["event"] for e in m.sim.audit_events()]
        self.assertIn("reset_during_install", ev)

    def test_seeded_points(self):
        # install:0 is the check, P the progress reaching P, commit the
        # new image in place before its records, done the package deleted
        # before the journal
        points = [0] + sorted(RNG.sample(range(1, 101), CUTS - 3)) + ["commit", "done"]
        for pt in points:
            with self.subTest(point=pt):
                m = Module(R422, image_seed=pt if isinstance(pt, int) else 0)
                try:
                    target = simpkg.derive_image(m.image(), seed=11, changes=30)
                    m.store(m.package(target=target))
                    cut = "install:%d" % pt if isinstance(pt, int) else "install-" + pt
                    self.cut_and_finish(m, ["--power-cut", cut])
                    self.assertEqual(m.image(), target)
                    self.assertFalse(os.path.exists(os.path.join(m.sim.state, "install")))
                    self.assertFalse(os.path.exists(os.path.join(m.sim.state, "fota", "package")))
                finally:
                    m.close()

    def test_random_moments(self):
        m = Module(R422, scale=20)  # ~2.8 s of install to cut into
        try:
            target = simpkg.derive_image(m.image(), seed=12)
            m.store(m.package(target=target))
            p = m.port
            self.assertEqual(p.command("AT+UFWINSTALL"), ["OK"])
            for i in range(3 if not SOAK else 10):
                time.sleep(RNG.uniform(0.3, 0.9))
                p = m.restart()
            # the install may have ended before the last cut: AT comes back
            # either way, with the new firmware
            m.sim.wait_boot(p, INSTALL_WALL * 10)
            self.assertEqual(m.ati9(), NEXT[R422])
            self.assertEqual(m.image(), target)
            cuts = [e for e in m.sim.audit_events() if e["event"] == "reset_during_install"]
            self.assertGreaterEqual(len(cuts), 1)
        finally:
            m.close()

    def test_boot_code_brick(self):
        m = Module(R422)
        try:
            m.store(m.package(boot=True))
            base = list(m.sim.args)
            m.sim.args = base + ["--power-cut", "install:50"]
            p = m.restart()
            m.sim.wait_boot(p)
            m.sim.args = base
            self.assertEqual(p.command("AT+UFWINSTALL"), ["OK"])
            lines = p.expect(lambda l: l.startswith("+UFWINSTALL: ") and int(l.split()[1]) >= 41,
                             INSTALL_WALL)
            m.sim.proc.wait(INSTALL_WALL)
            p = m.restart()
            with self.assertRaises(TimeoutError):
                m.sim.wait_boot(p, 1.0)
            self.assertEqual(p.drain(0.05), b"")
            with open(os.path.join(m.sim.state, "brick")) as f:
                self.assertIn("boot code", f.read())
            p = m.restart()  # bricked for good
            with self.assertRaises(TimeoutError):
                m.sim.wait_boot(p, 0.5)
        finally:
            m.close()

    def test_boot_code_package_installs(self):
        m = Module(R422)
        try:
            m.store(m.package(boot=True))
            self.assertEqual(m.port.command("AT+UFWINSTALL"), ["OK"])
            lines = m.port.expect(final_code, INSTALL_WALL)
            self.assertEqual(progress_values(lines)[-1], 128)
            m.sim.wait_boot(m.port, 10)
            self.assertEqual(m.ati9(), NEXT[R422])
        finally:
            m.close()


class Tables8and9(unittest.TestCase):
    """User files, MNO profiles, NVM items, SMS and backup before and
    after an update, per family."""

    def run_family(self, variant):
        m = Module(variant)
        try:
            p = m.port
            self.assertEqual(download(m.sim, p, "user.txt", b"keep me")[-1], "OK")
            self.assertEqual(download(m.sim, p, "p201.mbn", b"MNO 201 OLD 1.0\n", "PROFILE")[-1], "OK")
            self.assertEqual(p.command('AT+CSGT=1,"BEFORE"'), ["OK"])
            m.sim.stop()
            with open(os.path.join(m.sim.state, "sms"), "w") as f:
                f.write("me=3\n")
            m.sim.start()
            p = m.port = m.sim.open()
            m.sim.wait_boot(p)
            p.command("AT+CMEE=2")
            self.assertTrue(p.command("AT+CPMS?")[0].startswith('+CPMS: "ME",3,23'))
            m.store(m.package(profile=(202, "PKG 2.0"), nvm={"csgt_text": "AFTER"}))
            self.assertEqual(p.command("AT+UFWINSTALL"), ["OK"])
            m.sim.wait_boot(p, INSTALL_WALL)
            p.drain(0.05)
            self.assertEqual(m.ati9(), NEXT[variant])
            # user files kept (both tables)
            self.assertEqual(p.command('AT+URDFILE="user.txt"')[0], '+URDFILE: "user.txt",7,"keep me"')
            # NVM: the package's item changed, the others not
            self.assertEqual(p.command("AT+CSGT?"), ['+CSGT: "AFTER",1', "OK"])
            self.assertEqual(p.command("AT+CMEE?"), ["+CMEE: 2", "OK"])
            p.command("AT+UMNOPROF=,1")
            profiles = "\n".join(p.command("AT+UMNOPROF=?"))
            self.assertIn("202: PKG 2.0", profiles)
            backup = p.command("AT+UBKUPDATA?")[0]
            cpms = p.command("AT+CPMS?")[0]
            return profiles, backup, cpms, m
        except BaseException:
            m.close()
            raise

    def test_table9_r422(self):
        profiles, backup, cpms, m = self.run_family(R422)
        try:
            self.assertNotIn("201: OLD 1.0", profiles)  # restored by the new FW
            self.assertTrue(cpms.startswith('+CPMS: "ME",0,23'), cpms)  # SMS erased
            self.assertEqual(backup, '+UBKUPDATA: 0,0,2,0,0,0,""')  # automatic backup
        finally:
            m.close()

    def test_table8_r410(self):
        profiles, backup, cpms, m = self.run_family(R410)
        try:
            self.assertIn("201: OLD 1.0", profiles)  # not in the package: no change
            self.assertTrue(cpms.startswith('+CPMS: "ME",3,23'), cpms)
            # §6.3: no automatic backup; the host makes one
            self.assertEqual(backup, '+UBKUPDATA: 0,0,1,0,0,0,""')
            p = m.port
            self.assertEqual(p.command("AT+UBKUPDATA")[0], "OK")
            p.expect("+UUBKUPDATA: 0,0")
            time.sleep(3.0 / SCALE + 0.1)  # AT-FACTS: it reboots after the backup
            m.sim.wait_boot(p, 10)
            self.assertEqual(p.command("AT+UBKUPDATA?")[0], '+UBKUPDATA: 0,0,2,0,0,0,""')
        finally:
            m.close()


if __name__ == "__main__":
    unittest.main()
