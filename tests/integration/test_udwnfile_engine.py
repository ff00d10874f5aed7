"""libsarafw's +UDWNFILE engine (tests/tools/udwnfile_send, through the
POSIX port) against sarafw-sim's +UDWNFILE (note §5.2): a FOAT package, a
carrier profile and a user file arrive byte for byte, on one variant of
each family."""
import os
import random
import subprocess
import unittest

from simharness import Sim

TOOLS = os.environ.get("SARAFW_TOOLS") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "tools")
SEND = os.path.join(TOOLS, "udwnfile_send")
# The engine's bound for the final result (15 s) runs from the moment the
# port took the last byte; the bytes still cross the line at its real rate,
# which a time scale does not shrink: 20 kB at 115200 b/s is 1.7 s, so the
# scale stays below 15 / 1.7.
SCALE = 5


def send(sim, path, *args):
    env = dict(os.environ, SARAFW_TIME_SCALE=str(SCALE))
    return subprocess.run([SEND] + list(args[:-2]) + [sim.link, path] + list(args[-2:]),
                          capture_output=True, text=True, timeout=120, env=env)


class Engine(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(SEND, os.X_OK):
            raise AssertionError("no %s: build it, or set SARAFW_TOOLS" % SEND)

    def check_family(self, variant):
        rng = random.Random(variant)
        with Sim(variant, time_scale=SCALE) as sim:
            pkg = os.path.join(sim.work, "pkg.bin")
            data = rng.randbytes(20000)
            with open(pkg, "wb") as f:
                f.write(data)
            r = send(sim, pkg, "FOAT", "")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            with open(os.path.join(sim.state, "fota", "package"), "rb") as f:
                self.assertEqual(f.read(), data)  # no padding: exactly <size> bytes

            user = os.path.join(sim.work, "notes.txt")
            text = rng.randbytes(3000) + b'"OK"\r\nOK\r\n'
            with open(user, "wb") as f:
                f.write(text)
            r = send(sim, user, "-", "notes.txt")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            with open(os.path.join(sim.state, "files", "notes.txt"), "rb") as f:
                self.assertEqual(f.read(), text)

            prof = os.path.join(sim.work, "verizon.mbn")
            with open(prof, "wb") as f:
                f.write(b"MNO 205 Verizon Motive test\n" + rng.randbytes(500))
            r = send(sim, prof, "--profile-id", "205", "PROFILE", "PROFILE")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("profile 205 present", r.stdout)
            self.assertEqual(sim.audit_events(), [])

    def test_r410m(self):
        self.check_family("SARA-R410M-02B-03")

    def test_r422s(self):
        self.check_family("SARA-R422S")

    def test_r422s_rate_switch(self):
        """note §5.1.1 "Additional rate": the engine switches to 921600 and
        3000000 for the data and back to 115200 at the end."""
        rng = random.Random(3)
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            pkg = os.path.join(sim.work, "pkg.bin")
            for rate in (921600, 3000000):
                data = rng.randbytes(60000)
                with open(pkg, "wb") as f:
                    f.write(data)
                r = send(sim, pkg, "--baud", str(rate), "FOAT", "")
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertIn("after answers at 115200", r.stdout)
                with open(os.path.join(sim.state, "fota", "package"), "rb") as f:
                    self.assertEqual(f.read(), data)
            self.assertEqual(sim.audit_events(), [])

    def test_r410m_has_no_additional_rate(self):
        """SARA-R410M keeps the manual's rates: refused before any byte."""
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            pkg = os.path.join(sim.work, "pkg.bin")
            with open(pkg, "wb") as f:
                f.write(b"x" * 100)
            r = send(sim, pkg, "--baud", "921600", "FOAT", "")
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("result -8 not supported", r.stdout)  # SARAFW_ENOTSUP
            self.assertFalse(os.path.exists(os.path.join(sim.state, "fota", "package")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
