"""An update that is stopped, and a module left in its XMODEM window: the
host cancels the window with CAN CAN (note §5.1.1) so the module answers
AT at once, instead of after its 109 s (R422) or ~2 min (R410M) window."""
import json
import os
import random
import signal
import subprocess
import time
import unittest

from simharness import BIN, Sim


def start_sarafw(scale, *args):
    env = dict(os.environ, SARAFW_TIME_SCALE=str(scale))
    return subprocess.Popen([os.path.join(BIN, "sarafw")] + list(args), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def run_sarafw(scale, *args, timeout=120):
    env = dict(os.environ, SARAFW_TIME_SCALE=str(scale))
    return subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=env)


def package(path, size):
    with open(path, "wb") as f:
        f.write(random.Random(size).randbytes(size))


def wait_event(proc, pred, timeout):
    """Reads --json events from proc's stdout until pred(event) holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        ev = json.loads(line)
        if pred(ev):
            return ev
    raise TimeoutError("no such event from sarafw")


def ctrl_c(test, scale, when, *args):
    """Runs sarafw with args, sends SIGINT once it prints an event for
    which when(event) holds, checks that it exits with 128 + SIGINT and
    one `sarafw:` line that says so, and returns that line."""
    p = start_sarafw(scale, *args)
    try:
        wait_event(p, when, 60)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    test.assertEqual(p.returncode, 128 + signal.SIGINT, err)
    errors = [l for l in err.splitlines() if l.startswith("sarafw:")]
    test.assertEqual(len(errors), 1, err)
    test.assertIn("interrupted by Ctrl-C", errors[0])
    return errors[0]


def answers_at(sim, within):
    """The module answers AT within `within` real seconds."""
    port = sim.open()
    try:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            port.write("AT\r")
            try:
                port.expect("OK", 0.2)
                return True
            except TimeoutError:
                pass
        return False
    finally:
        port.close()
        sim.ports.remove(port)


class CtrlC(unittest.TestCase):
    def interrupt(self, variant, scale, when, size):
        with Sim(variant, time_scale=scale) as sim:
            pkg = os.path.join(sim.work, "pkg.bin")
            package(pkg, size)
            line = ctrl_c(self, scale, when, "--port", sim.link, "update", pkg, "--no-install", "--json", "--method", "xmodem1k")
            self.assertIn("cancelled (CAN CAN)", line)
            # free at once, long before its window would have closed
            self.assertTrue(answers_at(sim, 3.0), "the module is still in its XMODEM window")
            return sim

    def test_during_transfer(self):
        # 115200 baud: 150 KB take about 13 s of line time
        self.interrupt("SARA-R422S", 50, lambda e: e["event"] == "progress" and e["done"] > 0, 150000)

    def test_during_preparation(self):
        # SARA-R410M prepares ~20 s in silence (note §5.1.2): 4 s at scale 5
        self.interrupt("SARA-R410M-02B-03", 5,
                       lambda e: e["event"] == "phase" and e.get("phase") == "prepare", 5000)


class CtrlCUdwnfile(unittest.TestCase):
    def test_during_transfer(self):
        # +UDWNFILE cannot be cancelled on the wire: sarafw stops sending,
        # the module times out on the missing bytes and answers; 2 MB at
        # 3 Mbit/s take about 7 s, the PTYs hold a fraction of a second
        scale = 5
        with Sim("SARA-R422S", time_scale=scale) as sim:
            pkg = os.path.join(sim.work, "pkg.bin")
            package(pkg, 2000000)
            line = ctrl_c(self, scale, lambda e: e["event"] == "progress" and e["done"] > 0,
                          "--port", sim.link, "update", pkg, "--no-install", "--json")
            self.assertIn("the +UDWNFILE transfer was stopped and the module answers AT again", line)
            self.assertFalse(os.path.exists(os.path.join(sim.state, "fota", "package")))
            # sarafw put the module back at 115200
            self.assertTrue(answers_at(sim, 3.0))


class StuckWindow(unittest.TestCase):
    def test_info_cancels_a_waiting_window(self):
        scale = 2  # the R422 window is then 54 s real
        with Sim("SARA-R422S", time_scale=scale) as sim:
            port = sim.open()
            sim.wait_boot(port)
            port.write("AT+UFWUPD=3\r")
            port.expect("+UFWUPD: ONGOING", 10)
            port.close()
            sim.ports.remove(port)  # a host that went away mid-window
            t0 = time.monotonic()
            r = run_sarafw(scale, "--port", sim.link, "info")
            took = time.monotonic() - t0
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("sarafw: the module was waiting for an XMODEM transfer; cancelled it",
                          r.stderr.splitlines())
            self.assertLess(took, 20, "info waited for the window to expire")


class OneLine(unittest.TestCase):
    def test_port_vanishes_mid_transfer(self):
        with Sim("SARA-R422S", time_scale=50) as sim:
            pkg = os.path.join(sim.work, "pkg.bin")
            package(pkg, 150000)
            p = start_sarafw(50, "--port", sim.link, "update", pkg, "--no-install", "--json", "--method", "xmodem1k")
            try:
                wait_event(p, lambda e: e["event"] == "progress" and e["done"] > 0, 60)
                sim.kill()  # the adapter is pulled
                out, err = p.communicate(timeout=60)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            self.assertEqual(p.returncode, 1, err)
            errors = [l for l in err.splitlines() if l.startswith("sarafw:")]
            self.assertEqual(len(errors), 1, err)
            self.assertIn("serial port", errors[0])
            self.assertNotIn("transfer ended", err)

    def test_arguments(self):
        with Sim("SARA-R422S", time_scale=50) as sim:
            r = run_sarafw(50, "--port", sim.link, "update", sim.work)
            self.assertEqual(r.returncode, 2)
            self.assertIn("is a directory", r.stderr)
            pkg = os.path.join(sim.work, "pkg.bin")
            package(pkg, 100)
            r = run_sarafw(50, "--port", sim.link, "update", pkg, "--no-install", "--baud", "12345")
            self.assertEqual(r.returncode, 2)
            self.assertIn("a SARA-R4 runs at", r.stderr)
            self.assertIn("921600 or 3000000", r.stderr)


class TimeScale(unittest.TestCase):
    def test_mismatch_says_expected_and_observed(self):
        # the simulator at 2, sarafw at 20: ONGOING (~5 s, 2.5 s real) comes
        # "late" for sarafw (15 s, 0.75 s real); a ratio of 10 leaves its
        # other commands 250 ms of real time, enough on a loaded machine
        with Sim("SARA-R422S", time_scale=2) as sim:
            port = sim.open()
            sim.wait_boot(port)
            port.close()
            sim.ports.remove(port)
            pkg = os.path.join(sim.work, "pkg.bin")
            package(pkg, 2000)
            r = run_sarafw(20, "--port", sim.link, "update", pkg, "--no-install", "--method", "xmodem1k", "--max-baud", "115200")
            self.assertEqual(r.returncode, 1, r.stderr)
            errors = [l for l in r.stderr.splitlines() if l.startswith("sarafw:")]
            self.assertEqual(len(errors), 1, r.stderr)
            self.assertIn("expected +UFWUPD: ONGOING within 15 s", errors[0])
            self.assertIn("--time-scale 20", errors[0])
            self.assertNotIn("another download", errors[0])
            # the window opened after sarafw gave up: the next run frees it
            r = run_sarafw(2, "--port", sim.link, "info")
            self.assertEqual(r.returncode, 0, r.stderr)



class PowerCutAfterStore(unittest.TestCase):
    """The power fails once the package is committed, before the module's
    final OK leaves (sarafw-sim --power-cut stored): sarafw says the package
    was probably stored, and the module, powered on again, has it whole."""

    def test_probably_stored(self):
        with Sim("SARA-R422S", time_scale=50, args=["--power-cut", "stored"]) as sim:
            pkg = os.path.join(sim.work, "pkg.bin")
            package(pkg, 5000)
            r = run_sarafw(50, "--port", sim.link, "update", pkg, "--no-install", "--method", "xmodem1k", "--max-baud", "115200")
            self.assertEqual(r.returncode, 1, r.stderr)
            errors = [l for l in r.stderr.splitlines() if l.startswith("sarafw:")]
            self.assertEqual(len(errors), 1, r.stderr)
            self.assertIn("every block was acknowledged", errors[0])
            self.assertIn("probably stored", errors[0])
            self.assertEqual(sim.proc.wait(10), -signal.SIGKILL)
            with open(os.path.join(sim.log)) as f:
                self.assertIn("power cut at stored", f.read())
            # power on again without the fault: the package is there, whole
            sim.args = []
            sim.restart()
            with open(pkg, "rb") as f:
                sent = f.read()
            with open(os.path.join(sim.state, "fota", "package"), "rb") as f:
                stored = f.read()
            self.assertEqual(stored[:len(sent)], sent)
            self.assertEqual(stored[len(sent):], b"\x1a" * (len(stored) - len(sent)))
            with open(os.path.join(sim.state, "fota", "meta")) as f:
                self.assertIn("complete=1", f.read())
            self.assertTrue(answers_at(sim, 10))

    def test_unknown_point_refused(self):
        sim = Sim("SARA-R422S", args=["--power-cut", "later"], start=False)
        try:
            r = subprocess.run(sim.argv(), capture_output=True, text=True, timeout=10)
            self.assertEqual(r.returncode, 2)
            self.assertIn("--power-cut wants one of", r.stderr)
        finally:
            sim.cleanup()

if __name__ == "__main__":
    unittest.main(verbosity=2)
