"""sarafw update / sarafw install (note §6) against sarafw-sim's installer:
the transfer, AT+UFWINSTALL with its progress and result code, the
version before and after; each Table 5 code a crafted package causes,
reported with its meaning and the old firmware still running; a SARA-R410M
install with no URCs; a sarafw stopped mid-install that waits again
without a reset."""
import os
import random
import re
import select
import signal
import subprocess
import tempfile
import time
import unittest

import simpkg
from simharness import BIN, Sim

SCALE = 50


def env(scale, state_dir):
    return dict(os.environ, SARAFW_TIME_SCALE=str(scale), SARAFW_STATE_DIR=state_dir)


def sarafw(state_dir, *args, scale=SCALE, timeout=300):
    return subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True, text=True,
                          timeout=timeout, env=env(scale, state_dir))


def errors(stderr):
    return [l for l in stderr.splitlines() if l.startswith("sarafw:")]


class Install(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sarafw-install-")
        self.state_dir = os.path.join(self.tmp.name, "hoststate")
        self.sims = []

    def tearDown(self):
        for s in self.sims:
            s.kill()
        self.tmp.cleanup()

    def sim(self, variant, scale=SCALE):
        """A simulator running a small image of its own (--firmware), so a
        package crosses the line in a moment."""
        image = os.path.join(self.tmp.name, "fw-%d.bin" % len(self.sims))
        with open(image, "wb") as f:
            f.write(random.Random(len(self.sims) + 1).randbytes(8192))
        s = Sim(variant, time_scale=scale, args=["--firmware", image])
        self.sims.append(s)
        return s

    def package(self, sim, name="pkg", source=True, **kw):
        """A package made by `sarafw pkg create` (tests/integration/simpkg.py)
        for sim's product and running image, written to a file."""
        img = simpkg.read_image(sim)
        # the product as +CGMM names it: "SARA-R410M-02B-03" is a "SARA-R410M-02B"
        kw.setdefault("product", sim.variant[:len("SARA-R410M-02B")] if "R41" in sim.variant else sim.variant)
        kw.setdefault("target", simpkg.derive_image(img, seed=2))
        if source is True:
            kw["source"] = img
        elif source is None:
            kw["source"] = None
        work = os.path.join(self.tmp.name, name + ".d")
        os.makedirs(work, exist_ok=True)
        data = simpkg.make(work, **kw)
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def craft(self, path, fn):
        """Rewrite the package file at path with fn(bytes)."""
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(fn(data))
        return path

    def version(self, sim, scale=SCALE):
        r = sarafw(self.state_dir, "--port", sim.link, "--json", "info", scale=scale)
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r'"modem_version":"([^"]*)".*?"app_version":"([^"]*)"', r.stdout)
        self.assertIsNotNone(m, r.stdout)
        return "%s,%s" % m.groups()

    def assert_no_reset(self, sim):
        kinds = [e.get("event") for e in sim.audit_events()]
        self.assertNotIn("reset_during_install", kinds)
        self.assertNotIn("bricked", kinds)

    def state_files(self):
        return os.listdir(self.state_dir) if os.path.isdir(self.state_dir) else []

    def test_r422_update_installs_and_verifies(self):
        sim = self.sim("SARA-R422S")
        before = self.version(sim)
        pkg = self.package(sim, from_version=before, to_version="00.13,A00.01")
        r = sarafw(self.state_dir, "--port", sim.link, "update", pkg, "--method", "xmodem1k", "--baud", "921600",
                   "--expect-version", "00.13,A00.01")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("install result 128: FW installation successfully performed", r.stdout)
        self.assertIn("firmware 00.13,A00.01 (was %s)" % before, r.stdout)
        pct = [int(p) for p in re.findall(r"installing: (\d+)%", r.stderr)]
        self.assertGreater(len(pct), 2)
        self.assertEqual(pct, sorted(pct))
        self.assertEqual(pct[-1], 100)
        self.assertEqual(self.version(sim), "00.13,A00.01")
        self.assertEqual(sim.audit_events(), [])
        self.assertEqual(self.state_files(), [])  # cleared at the end

    def test_json_and_modem_version_alone(self):
        sim = self.sim("SARA-R422")
        pkg = self.package(sim, from_version=self.version(sim), to_version="00.14,A00.03")
        r = sarafw(self.state_dir, "--port", sim.link, "--json", "update", pkg, "--method", "xmodem1k",
                   "--baud", "921600", "--expect-version", "00.14")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"event":"result","code":128', r.stdout)
        self.assertIn('"event":"installed","version":"00.14,A00.03"', r.stdout)
        self.assertIn('"match":true', r.stdout)

    def test_table5_codes(self):
        """Each code a package can cause, one line with its meaning and the
        next step; the old firmware keeps running."""
        def flip(b):
            b = bytearray(b)
            b[256 + 16 + 20] ^= 1  # inside the firmware section
            return bytes(b)
        cases = [
            (148, "delta file is corrupted", {}, lambda b: simpkg.patch(b, 0, b"XARAFWPK", sign=False)),
            (168, "source firmware in flash mismatch", dict(from_version="00.11,A00.01"), None),
            (173, "digital signature does not match", {}, flip),
            (174, "delta file version is not supported", {},
             lambda b: simpkg.patch(b, simpkg.OFF_VERSION, simpkg.u16(2), sign=False)),
            # exact length: +UDWNFILE (XMODEM pads to a block, and padding past the length is ignored)
            (180, "size of the delta file in flash mismatch", {}, lambda b: b[:-100]),
            (247, "pre-validation of the delta file failed", dict(product="SARA-R422M8S"), None),
        ]
        sim = self.sim("SARA-R422S")
        before = self.version(sim)
        for code, meaning, kw, fn in cases:
            with self.subTest(code=code):
                args = dict(from_version=before, to_version="00.13,A00.01")
                args.update(kw)
                pkg = self.package(sim, "pkg%d" % code, **args)
                if fn:
                    self.craft(pkg, fn)
                r = sarafw(self.state_dir, "--port", sim.link, "update", pkg, "--method",
                           "udwnfile" if code == 180 else "xmodem1k", "--baud", "921600",
                           "--expect-version", "00.13,A00.01")
                self.assertEqual(r.returncode, 1, r.stderr)
                lines = [l for l in errors(r.stderr) if ("install result %d:" % code) in l]
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertIn(meaning, lines[0])
                self.assertIn("the module runs %s" % before, lines[0])
                self.assertRegex(lines[0], r": (run the install|download the package|get the package|use a package)")
                self.assertEqual(self.version(sim), before)
        # 227: the module's FOTA key is gone
        sim.stop()
        os.unlink(os.path.join(sim.state, "fota_key.pub"))
        sim.start()
        sim.wait_boot(sim.open())
        pkg = self.package(sim, "pkg227", from_version=before, to_version="00.13,A00.01")
        r = sarafw(self.state_dir, "--port", sim.link, "update", pkg, "--method", "xmodem1k", "--baud", "921600")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertTrue(any("install result 227: FOTA public key is not found or invalid" in l
                            for l in errors(r.stderr)), r.stderr)
        self.assert_no_reset(sim)
        self.assertEqual(self.state_files(), [])

    def test_r410_full_package_is_158_then_delta_installs(self):
        sim = self.sim("SARA-R410M-02B-03")
        before = self.version(sim)
        img = simpkg.read_image(sim)
        new = simpkg.derive_image(img, seed=3)
        to = "L0.0.00.00.05.13,A.02.21"
        pkg = self.package(sim, "full", source=None, target=new, to_version=to)
        r = sarafw(self.state_dir, "--port", sim.link, "update", pkg, "--method", "xmodem1k",
                   "--expect-version", to)
        # §6.2: no result code on this family (the simulator's 158 stays
        # inside): the version tells
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("firmware %s (was %s)" % (before, before), r.stdout)
        self.assertTrue(any("the module runs %s, not %s" % (before, to) in l for l in errors(r.stderr)), r.stderr)
        self.assertEqual(self.version(sim), before)
        pkg = self.package(sim, "delta", target=new, from_version=before, to_version=to)
        r = sarafw(self.state_dir, "--port", sim.link, "update", pkg, "--method", "xmodem1k",
                   "--expect-version", "L0.0.00.00.05.13")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("firmware %s (was %s)" % (to, before), r.stdout)
        self.assertRegex(r.stderr, r"installing: \d+ min of at most 23 min")
        self.assertIn("backing up with AT+UBKUPDATA", r.stderr)
        self.assert_no_reset(sim)
        # the check loop (note §2.6.4) sends bare AT only, which the
        # simulator does not count as a mistake during the install
        self.assertEqual(sim.audit_events(), [])

    def test_no_package(self):
        sim = self.sim("SARA-R422S")
        r = sarafw(self.state_dir, "--port", sim.link, "install")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(errors(r.stderr)), 1, r.stderr)
        self.assertIn("no package to install", r.stderr)
        self.assertEqual(self.state_files(), [])

    def test_stopped_mid_install_waits_again(self):
        """Ctrl-C during the install stops the wait, not the install; the
        state file makes the next sarafw wait without a reset."""
        scale = 10
        sim = self.sim("SARA-R422S", scale=scale)
        pkg = self.package(sim, from_version=self.version(sim, scale=scale), to_version="00.13,A00.01")
        p = subprocess.Popen([os.path.join(BIN, "sarafw"), "--port", sim.link, "update", pkg, "--method",
                              "xmodem1k", "--baud", "921600"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env(scale, self.state_dir))
        err = ""
        deadline = time.monotonic() + 120
        while "installing: " not in err.replace("installing with", "") and time.monotonic() < deadline:
            r, _, _ = select.select([p.stderr], [], [], 1)
            if r:
                line = p.stderr.readline()
                if not line:
                    break
                err += line
        p.send_signal(signal.SIGINT)
        out, rest = p.communicate(timeout=60)
        err += rest
        self.assertEqual(p.returncode, 128 + signal.SIGINT, err)
        self.assertIn("the module keeps installing", err)
        self.assertEqual(len(self.state_files()), 1)
        # an update now would disturb it: refused
        r = sarafw(self.state_dir, "--port", sim.link, "update", pkg, scale=scale)
        self.assertEqual(r.returncode, 1)
        self.assertIn("installs firmware and must not be disturbed", r.stderr)
        r = sarafw(self.state_dir, "--port", sim.link, "install", "--expect-version", "00.13,A00.01", scale=scale)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("waiting for it again, without a reset", r.stderr)
        self.assertIn("firmware 00.13,A00.01", r.stdout)
        self.assert_no_reset(sim)
        self.assertEqual(self.state_files(), [])


if __name__ == "__main__":
    unittest.main()
