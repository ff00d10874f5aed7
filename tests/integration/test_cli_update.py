"""sarafw update (FOAT, note §5.1) end to end: the CLI drives sarafw-sim
over its PTY, the package lands in the simulated FOTA area, and the
simulator's audit finds no host mistake."""
import json
import os
import random
import subprocess
import unittest

from simharness import BIN, Sim

SCALE = 50


def sarafw(*args, timeout=300):
    env = dict(os.environ, SARAFW_TIME_SCALE=str(SCALE))
    return subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=env)


def error_lines(stderr):
    """Progress goes to stderr too; errors are the lines that start with 'sarafw:'."""
    return [l for l in stderr.splitlines() if l.startswith("sarafw:")]


def package(path, size, seed):
    data = random.Random(seed).randbytes(size)
    with open(path, "wb") as f:
        f.write(data)
    return data


def stored(sim):
    p = os.path.join(sim.state, "fota", "package")
    if not os.path.exists(p):
        return None
    with open(p, "rb") as f:
        return f.read()


class Update(unittest.TestCase):
    def assert_delivered(self, sim, data, block):
        got = stored(sim)
        self.assertIsNotNone(got, "no package in the FOTA area")
        self.assertEqual(got[:len(data)], data)
        pad = got[len(data):]
        self.assertLess(len(pad), block)
        self.assertEqual(pad, b"\x1a" * len(pad))  # §5.1: the padding is kept

    def assert_clean_audit(self, sim):
        self.assertEqual(sim.audit_events(), [])

    def run_update(self, variant, size, method, block, baud=None, seed=1, sim_args=()):
        with Sim(variant, time_scale=SCALE, args=sim_args) as sim:
            pkg = os.path.join(sim.work, "pkg.bin")
            data = package(pkg, size, seed)
            args = ["--port", sim.link, "update", pkg, "--method", method]
            if baud:
                args += ["--baud", str(baud)]
            r = sarafw(*args)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("downloaded %d bytes" % size, r.stdout)
            self.assert_delivered(sim, data, block)
            self.assert_clean_audit(sim)
            # the module is back at 115200 and answers
            r = sarafw("--port", sim.link, "--json", "info")
            self.assertEqual(r.returncode, 0, r.stderr)
            return sim

    def test_r422s_xmodem1k(self):
        self.run_update("SARA-R422S", 70000, "xmodem1k", 1024)

    def test_r422_xmodem(self):
        self.run_update("SARA-R422", 5000, "xmodem", 128)

    def test_additional_rates(self):
        # note §5.1.1 "Additional rate": 921600 and 3000000 on the R422 family
        for baud in (921600, 3000000):
            with self.subTest(baud=baud):
                self.run_update("SARA-R422M8S", 200000, "xmodem1k", 1024, baud=baud)

    def test_r410m_silent_end(self):
        # note §5.1.2: no indication that the transfer ended
        self.run_update("SARA-R410M-02B-03", 30000, "xmodem1k", 1024)

    def test_r412m_and_n410(self):
        for v in ("SARA-R412M-02B-01", "SARA-N410"):
            with self.subTest(variant=v):
                self.run_update(v, 3000, "xmodem", 128)

    def test_rate_refused_on_r410m(self):
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            pkg = os.path.join(sim.work, "pkg.bin")
            package(pkg, 1000, 3)
            r = sarafw("--port", sim.link, "update", pkg, "--baud", "921600")
            self.assertEqual(r.returncode, 1)
            errors = error_lines(r.stderr)
            self.assertEqual(len(errors), 1, r.stderr)
            self.assertIn("--baud 460800 or less", errors[0])
            self.assertIsNone(stored(sim))

    def test_json_events_and_trace(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            pkg = os.path.join(sim.work, "pkg.bin")
            trace = os.path.join(sim.work, "trace.txt")
            package(pkg, 20000, 4)
            r = sarafw("--port", sim.link, "update", pkg, "--json", "--trace", trace)
            self.assertEqual(r.returncode, 0, r.stderr)
            events = [json.loads(l) for l in r.stdout.splitlines()]
            kinds = [e["event"] for e in events]
            self.assertIn("phase", kinds)
            self.assertIn("progress", kinds)
            self.assertEqual(events[-1]["event"], "downloaded")
            self.assertEqual(events[-1]["bytes"], 20000)
            # a clean line: the EOT NAK EOT ACK ending is not a retransmission
            self.assertEqual(events[-1]["retransmissions"], 0)
            done = [e["done"] for e in events if e["event"] == "progress"]
            self.assertEqual(done, sorted(done))
            self.assertEqual(done[-1], 20000)
            with open(trace) as f:
                text = f.read()
            self.assertIn("> AT+UFWUPD=3", text)
            self.assertIn("< +UFWUPD: ONGOING", text)
            self.assertIn("XMODEM started, CRC-16", text)
            self.assertNotIn("NAK", text)

    def test_bad_arguments(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            self.assertEqual(sarafw("--port", sim.link, "update").returncode, 2)
            self.assertEqual(sarafw("--port", sim.link, "update", "/nonexistent.bin").returncode, 2)
            empty = os.path.join(sim.work, "empty.bin")
            open(empty, "wb").close()
            self.assertEqual(sarafw("--port", sim.link, "update", empty).returncode, 2)
            pkg = os.path.join(sim.work, "pkg.bin")
            package(pkg, 10, 5)
            self.assertEqual(sarafw("--port", sim.link, "update", pkg, "--method", "zmodem").returncode, 2)
            self.assertIsNone(stored(sim))


class NoisyLine(unittest.TestCase):
    """Bit errors at 1e-4 and dropped bytes: every transfer ends byte-exact
    or fails with one clear line, never with a silently wrong package."""

    def test_noise(self):
        outcomes = []
        resent = 0
        for seed in range(1, 5):
            with self.subTest(seed=seed), Sim("SARA-R422S", time_scale=SCALE, seed=seed,
                                              args=["--ber", "1e-4", "--drop", "2e-5"]) as sim:
                pkg = os.path.join(sim.work, "pkg.bin")
                data = package(pkg, 30000, seed)
                method = "xmodem1k" if seed % 2 else "xmodem"
                r = sarafw("--port", sim.link, "update", pkg, "--method", method, "--json")
                got = stored(sim)
                if got is not None:
                    # whatever the host concluded, what the module keeps is exact
                    self.assertEqual(got[:len(data)], data)
                    self.assertEqual(got[len(data):], b"\x1a" * (len(got) - len(data)))
                if r.returncode == 0:
                    self.assertIsNotNone(got)
                    done = json.loads(r.stdout.splitlines()[-1])
                    resent += done["retransmissions"]
                    outcomes.append("ok")
                else:
                    self.assertEqual(r.returncode, 1, r.stderr)
                    self.assertEqual(len(error_lines(r.stderr)), 1, r.stderr)
                    outcomes.append("failed")
        # at this error rate XMODEM's retries should carry most transfers
        self.assertGreaterEqual(outcomes.count("ok"), 3, outcomes)
        self.assertGreater(resent, 0, "the noise never hit a block: the test proves nothing")


if __name__ == "__main__":
    unittest.main(verbosity=2)
