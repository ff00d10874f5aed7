"""sarafw profile FILE against sarafw-sim (note §5.2: a "PROFILE" download
is installed by the module itself; B.1.2 selects it with AT+UMNOPROF):
a profile the simulator can read (its first line "MNO <id> <name>",
sim/profiles.h) appears in AT+UMNOPROF=? and is reported as new, with the
command that selects it; with --select the module restarts with it (note B.1.1); a file it cannot
read, or one already installed, is reported as adding nothing, with exit
1."""
import json
import os
import random
import subprocess
import unittest

from simharness import BIN, Sim

SCALE = 5  # as test_cli_files.py: the paced line is not scaled


def sarafw(sim, *args):
    env = dict(os.environ, SARAFW_TIME_SCALE=str(SCALE))
    return subprocess.run([os.path.join(BIN, "sarafw"), "--port", sim.link] + list(args),
                          capture_output=True, text=True, timeout=120, env=env)


def error_lines(stderr):
    return [l for l in stderr.splitlines() if l.startswith("sarafw:")]


class Profile(unittest.TestCase):
    def write(self, sim, name, data):
        path = os.path.join(sim.work, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def umnoprof_ids(self, sim):
        port = sim.open()
        lines = port.command("AT+UMNOPROF=?")
        port.close()
        self.assertEqual(lines[-1], "OK")
        listed = lines[0].split("(")[1].rstrip(")")
        return {int(x) for x in listed.split(",")}

    def check_family(self, variant):
        rng = random.Random(variant)
        with Sim(variant, time_scale=SCALE) as sim:
            port = sim.open()
            sim.wait_boot(port)
            port.close()
            self.assertNotIn(207, self.umnoprof_ids(sim))

            good = self.write(sim, "test207.mbn", b"MNO 207 Test carrier\r\n" + rng.randbytes(2000))
            r = sarafw(sim, "profile", good)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(error_lines(r.stderr), [])
            self.assertRegex(r.stdout, r"(?m)^\s+207\s.*\(new\)$")
            new_lines = [l for l in r.stdout.splitlines() if "(new)" in l]
            self.assertEqual(len(new_lines), 1, r.stdout)  # the others were there before
            self.assertIn("AT+UMNOPROF=207", r.stdout)
            self.assertIn(207, self.umnoprof_ids(sim))

            # --json: the list and the new id
            second = self.write(sim, "second.mbn", b"MNO 208 Second\n" + rng.randbytes(100))
            r = sarafw(sim, "--json", "profile", second)
            self.assertEqual(r.returncode, 0, r.stderr)
            ev = [json.loads(l) for l in r.stdout.splitlines()]
            prof = [e for e in ev if e.get("event") == "profiles"]
            self.assertEqual(len(prof), 1)
            self.assertEqual(prof[0]["new"], [208])
            ids = {e["id"]: e["new"] for e in prof[0]["list"]}
            self.assertEqual((ids[207], ids[208]), (False, True))

            # the versions form (note §2.6.6, AT+UMNOPROF=,1) names the profiles
            port = sim.open()
            self.assertEqual(port.command("AT+UMNOPROF=,1"), ["OK"])
            port.close()
            third = self.write(sim, "third.mbn", b"MNO 209 Versions Carrier\n" + rng.randbytes(100))
            r = sarafw(sim, "profile", third)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r"(?m)^\s+209  Versions Carrier  \(new\)$")
            self.assertRegex(r.stdout, r"(?m)^\s+207  Test carrier$")
            port = sim.open()
            self.assertEqual(port.command("AT+UMNOPROF=,0"), ["OK"])
            port.close()

            # --select: AT+CFUN=0, AT+UMNOPROF=<id>, AT+CFUN=15 (note B.1.1), back with it
            fourth = self.write(sim, "fourth.mbn", b"MNO 210 Selected\n" + rng.randbytes(100))
            r = sarafw(sim, "profile", fourth, "--select")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("selected profile 210", r.stdout)
            port = sim.open()
            self.assertEqual(port.command("AT+UMNOPROF?"), ["+UMNOPROF: 210", "OK"])
            port.close()

            # a file the module cannot read: nothing new, exit 1, one line
            before = self.umnoprof_ids(sim)
            bad = self.write(sim, "bad.mbn", b"\x00\x01 not a profile" + rng.randbytes(300))
            r = sarafw(sim, "profile", bad)
            self.assertEqual(r.returncode, 1, r.stderr)
            errs = error_lines(r.stderr)
            self.assertEqual(len(errs), 1, r.stderr)
            self.assertIn("no new entry", errs[0])
            self.assertNotIn("(new)", r.stdout)
            self.assertEqual(self.umnoprof_ids(sim), before)

            # the same profile again adds nothing new either
            r = sarafw(sim, "profile", good)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("no new entry", " ".join(error_lines(r.stderr)))

            # usage errors
            for args in (["profile"], ["profile", good, good], ["profile", sim.work]):
                r = sarafw(sim, *args)
                self.assertEqual(r.returncode, 2, args)
                self.assertEqual(len(error_lines(r.stderr)), 1, r.stderr)
            self.assertEqual(sim.audit_events(), [])

    def test_r410m(self):
        self.check_family("SARA-R410M-02B-03")

    def test_r422s(self):
        self.check_family("SARA-R422S")


if __name__ == "__main__":
    unittest.main(verbosity=2)
