"""sarafw update (FOAT, note §5.1) end to end: the CLI drives sarafw-sim
over its PTY, the package lands in the simulated FOTA area, and the
simulator's audit finds no host mistake."""
import json
import os
import random
import re
import select
import subprocess
import threading
import unittest

from simharness import BIN, Port, Sim

SCALE = 50
# +UDWNFILE: the engine's bound for the final result (15 s) runs from the
# moment the port took the last byte, and the bytes the PTYs hold still
# cross the line at its real rate, which a time scale does not shrink: at
# 115200 b/s the scale stays low.
UD_SCALE = 5


def sarafw(*args, timeout=300, scale=SCALE):
    env = dict(os.environ, SARAFW_TIME_SCALE=str(scale))
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
            args = ["--port", sim.link, "update", pkg, "--no-install", "--method", method]
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
            r = sarafw("--port", sim.link, "update", pkg, "--no-install", "--baud", "921600")
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
            r = sarafw("--port", sim.link, "update", pkg, "--no-install", "--json", "--trace", trace, "--method", "xmodem1k")
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
            self.assertEqual(sarafw("--port", sim.link, "update", pkg, "--no-install", "--method", "zmodem").returncode, 2)
            self.assertIsNone(stored(sim))


def booted(sim):
    """Waits until the module answers: sarafw asked while it boots would
    look for it at the other rates, and the simulator audits that."""
    port = sim.open()
    sim.wait_boot(port)
    port.close()
    sim.ports.remove(port)


class Auto(unittest.TestCase):
    """--method auto (the default): +UDWNFILE "FOAT" (note §5.2) at the
    highest rate the module and the port carry, the module back at its
    rate afterwards."""

    def check_stored(self, sim, data):
        got = stored(sim)
        self.assertIsNotNone(got, "no package in the FOTA area")
        self.assertEqual(got, data)  # +UDWNFILE: exactly <size> bytes, no padding
        with open(os.path.join(sim.state, "fota", "meta")) as f:
            self.assertIn("method=udwnfile", f.read())

    def check_done(self, sim, data, scale=UD_SCALE):
        """The package stored, nothing odd in the audit, the module back at
        its rate (115200) and answering."""
        self.check_stored(sim, data)
        self.assertEqual(sim.audit_events(), [])
        r = sarafw("--port", sim.link, "info", scale=scale)
        self.assertEqual(r.returncode, 0, r.stderr)

    def update(self, sim, size, seed, *args, scale=UD_SCALE):
        """A package of size bytes to the booted module with `update`
        and args; it must succeed. Returns sarafw's result and the data."""
        pkg = os.path.join(sim.work, "pkg.bin")
        data = package(pkg, size, seed)
        booted(sim)
        r = sarafw("--port", sim.link, "update", pkg, "--no-install", *args, scale=scale)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r, data

    def test_r422s_at_3mbit(self):
        scale = 10
        with Sim("SARA-R422S", time_scale=scale) as sim:
            r, data = self.update(sim, 300000, 11, "--json", scale=scale)
            events = [json.loads(l) for l in r.stdout.splitlines()]
            self.assertEqual(events[0]["event"], "plan")
            self.assertEqual((events[0]["method"], events[0]["baud"]), ("udwnfile", 3000000))
            self.assertIn("plan: +UDWNFILE at 3000000 b/s (pseudo-terminal)", r.stderr)
            done = events[-1]
            self.assertEqual(done["event"], "downloaded")
            self.assertEqual((done["method"], done["baud"], done["bytes"]), ("udwnfile", 3000000, 300000))
            progress = [e["done"] for e in events if e["event"] == "progress"]
            self.assertEqual(progress, sorted(progress))
            self.assertEqual(progress[-1], 300000)
            with open(os.path.join(sim.state, "fota", "meta")) as f:
                self.assertIn("baud=3000000", f.read())
            self.check_done(sim, data, scale)

    def test_r410m_udwnfile(self):
        with Sim("SARA-R410M-02B-03", time_scale=UD_SCALE) as sim:
            r, data = self.update(sim, 40000, 12, "--method", "udwnfile")
            self.assertIn("plan: +UDWNFILE at 460800 b/s", r.stderr)
            self.assertIn("downloaded 40000 bytes", r.stdout)
            self.assertIn("with +UDWNFILE at 460800 b/s", r.stdout)
            self.check_done(sim, data)

    def test_at_the_current_rate(self):
        with Sim("SARA-R422", time_scale=UD_SCALE) as sim:
            r, data = self.update(sim, 20000, 13, "--max-baud", "115200")
            self.assertIn("plan: +UDWNFILE at 115200 b/s", r.stderr)
            self.check_stored(sim, data)
            self.assertNotIn("AT+IPR", sim.log_text())


class TooLarge(unittest.TestCase):
    def test_package_over_the_fota_area(self):
        # sarafw-sim's FOTA area is 32 MiB: refused before '>', nothing sent
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            booted(sim)
            pkg = os.path.join(sim.work, "huge.bin")
            with open(pkg, "wb") as f:
                f.truncate(32 * 1024 * 1024 + 1)
            r = sarafw("--port", sim.link, "update", pkg, "--no-install")
            self.assertEqual(r.returncode, 1, r.stderr)
            errors = error_lines(r.stderr)
            self.assertEqual(len(errors), 1, r.stderr)
            self.assertIn("refused AT+UDWNFILE", errors[0])
            self.assertIn("does not fit its FOTA area", errors[0])
            self.assertIsNone(stored(sim))
            r = sarafw("--port", sim.link, "info")  # back at 115200
            self.assertEqual(r.returncode, 0, r.stderr)


class LineProxy:
    """sarafw <-> a PTY of the test's <-> sarafw-sim, to break the rate
    switch. mode "deaf": while the module runs at another rate than 115200
    the host hears nothing from it (an adapter that cannot carry the rate);
    "cut": nothing passes either way then (the module cannot be told to
    come back); "refuse": AT+IPR=<rate> reaches the module as <rate>+1,
    which it refuses (a module that does not take the rate)."""

    def __init__(self, sim, mode):
        self.mode = mode
        self.master, self.slave = os.openpty()
        self.link = os.path.join(sim.work, "ttyPROXY")
        os.symlink(os.ttyname(self.slave), self.link)
        self.sim = Port(sim.link)
        self.speed = 115200
        self.pending = None
        self.resp = b""
        self.tail = b""
        self.rates = []  # the AT+IPR rates the host asked for
        self.done = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def from_host(self, d):
        if self.mode == "cut" and self.speed != 115200:
            return
        self.tail = (self.tail + d)[-32:]
        m = re.search(rb"AT\+IPR=(\d+)\r", self.tail)
        if m:
            rate = int(m.group(1))
            self.tail = b""
            self.rates.append(rate)
            if self.mode == "refuse" and rate != 115200:
                d = d.replace(b"AT+IPR=%d" % rate, b"AT+IPR=%d" % (rate + 1))
            else:
                self.pending, self.resp = rate, b""
        self.sim.write(d)

    def from_sim(self, d):
        deaf = self.mode in ("deaf", "cut") and self.speed != 115200
        if not deaf:
            os.write(self.master, d)
        if self.pending:
            self.resp += d
            if b"OK" in self.resp:
                # the OK left at the old rate; the module switches now
                self.sim.set_speed(self.pending)
                self.speed, self.pending = self.pending, None

    def run(self):
        while not self.done:
            r, _, _ = select.select([self.master, self.sim.fd], [], [], 0.05)
            for fd in r:
                try:
                    d = os.read(fd, 4096)
                except (BlockingIOError, OSError):
                    continue
                if d:
                    (self.from_host if fd == self.master else self.from_sim)(d)

    def close(self):
        self.done = True
        self.thread.join(5)
        self.sim.close()
        os.close(self.master)
        os.close(self.slave)


class SwitchFails(unittest.TestCase):
    """The rate switch fails: auto says so in one line and goes on at the
    current rate; an explicit method fails with one line; the module
    answers at 115200 afterwards either way."""

    def run_through(self, variant, mode, *args, home=115200):
        sim = Sim(variant, time_scale=UD_SCALE)
        self.addCleanup(sim.cleanup)
        # booted first: the proxy carries every host rate as 115200, so a
        # rate scan while the module boots would find it anywhere
        booted(sim)
        proxy = LineProxy(sim, mode)
        pkg = os.path.join(sim.work, "pkg.bin")
        data = package(pkg, 20000, 21)
        try:
            r = sarafw("--port", proxy.link, "update", pkg, "--no-install", *args, scale=UD_SCALE)
        finally:
            proxy.close()
        # the module answers at its old rate, directly
        info = sarafw("--port", sim.link, "info", scale=UD_SCALE)
        if home == 115200:
            self.assertEqual(info.returncode, 0, info.stderr)
        else:
            # or sarafw finds it where the failed run said it may be
            self.assertEqual(info.returncode, 6, info.stderr)
            self.assertIn("rerun with --baud %d" % home, info.stderr)
        return sim, proxy, r, data

    def test_adapter_cannot_carry_the_rate(self):
        sim, proxy, r, data = self.run_through("SARA-R422S", "deaf")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(proxy.rates[:2], [3000000, 115200])
        errors = error_lines(r.stderr)
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn("no answer at 3000000 b/s", errors[0])
        self.assertIn("the module is back at 115200: continuing at 115200", errors[0])
        self.assertIn("with +UDWNFILE at 115200 b/s", r.stdout)
        self.assertEqual(stored(sim), data)

    def test_module_refuses_the_rate(self):
        sim, proxy, r, data = self.run_through("SARA-R422S", "refuse")
        self.assertEqual(r.returncode, 0, r.stderr)
        errors = error_lines(r.stderr)
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn("the module refused AT+IPR=3000000", errors[0])
        self.assertIn("continuing at 115200", errors[0])
        self.assertEqual(stored(sim), data)

    def test_module_left_at_the_new_rate(self):
        # the line carries nothing at 3 Mbit/s: the module cannot be told to
        # come back; sarafw says where it may be and how to find it
        sim, proxy, r, data = self.run_through("SARA-R422S", "cut", home=3000000)
        self.assertEqual(r.returncode, 1, r.stderr)
        errors = error_lines(r.stderr)
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn("the package was not downloaded", errors[0])
        self.assertIn("it may still run at 3000000", errors[0])
        self.assertIn("`sarafw --port %s info` finds its rate" % proxy.link, errors[0])
        self.assertIsNone(stored(sim))

    def test_explicit_method_fails_with_one_line(self):
        sim, proxy, r, data = self.run_through("SARA-R422S", "deaf", "--method", "xmodem1k")
        self.assertEqual(r.returncode, 1, r.stderr)
        errors = error_lines(r.stderr)
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn("no answer at 3000000 baud", errors[0])
        self.assertIn("the module is back at 115200 and nothing was sent", errors[0])
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
                r = sarafw("--port", sim.link, "update", pkg, "--no-install", "--method", method, "--json")
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
