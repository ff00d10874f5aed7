"""sarafw-sim: line noise (--ber, --drop, --lost-ack, --fault-dir). Faults
happen in both directions, the same seed and the same bytes give the same
faulted output, --drop loses its share, zero rates change nothing, bad
values are refused; with lost ACKs an XMODEM transfer (AT+UFWUPD=3) still
completes byte-exact. Needs python3-xmodem: fails without it."""
import io
import logging
import os
import random
import re
import signal
import time
import unittest

from simharness import Sim, XmodemLine, require_module, run_sim

xmodem = require_module("xmodem", "python3-xmodem")
logging.getLogger("xmodem").setLevel(logging.CRITICAL)  # each lost ACK is expected

VARIANT = "SARA-R410M-02B-03"
SCALE = 50
SUMMARY = re.compile(r"line faults: in: (\d+) bits flipped, (\d+) bytes dropped; "
                     r"out: (\d+) bits flipped, (\d+) bytes dropped, (\d+) ACKs lost")


def stop(sim):
    """SIGTERM; returns (stderr, log text) once the simulator has exited."""
    sim.proc.send_signal(signal.SIGTERM)
    sim.proc.wait(10)
    err = sim.proc.stderr.read().decode(errors="replace")
    sim.stop()
    return err, sim.log_text()


def counts(text):
    """The exit summary's five numbers, or None without one."""
    m = SUMMARY.search(text)
    return tuple(int(x) for x in m.groups()) if m else None


def burst(args, data, seed=5):
    """Boots a simulator without a byte on the line (so both fault streams
    start at byte 0), writes data in one go and returns (every byte that
    came back, stderr, log, audit events)."""
    with Sim(VARIANT, time_scale=SCALE, seed=seed, args=args) as sim:
        p = sim.open()
        time.sleep(sim.boot_time() + 0.5)
        got = p.drain(0.05)
        p.write(data)
        got += p.drain(0.5, timeout=30)
        err, log = stop(sim)
        return got, err, log, sim.audit_events()


def is_subsequence(short, long):
    it = iter(long)
    return all(b in it for b in short)


class Faults(unittest.TestCase):
    def test_bit_errors_both_ways_and_reproducible(self):
        data = b"AT\r" * 300
        got, err, log, audit = burst(["--ber", "1e-3"], data)
        # bytes sent during boot would make the run depend on timing
        self.assertFalse([e for e in audit if e["event"] == "at_during_boot"], audit)
        lines = [l for l in re.split(rb"[\r\n]+", got) if l]
        oks = lines.count(b"OK")
        self.assertGreater(oks, 200, got)
        self.assertLess(oks, 300, got)
        self.assertTrue([l for l in lines if l not in (b"AT", b"OK")], got)
        c = counts(err)
        self.assertIsNotNone(c, err)
        in_bits, in_drop, out_bits, out_drop, acks = c
        self.assertGreater(in_bits, 0)
        self.assertGreater(out_bits, 0)
        self.assertEqual((in_drop, out_drop, acks), (0, 0, 0))
        self.assertEqual(counts(log), c)
        self.assertRegex(log, r"# fault in byte \d+: 0x.. -> 0x..")
        self.assertRegex(log, r"# fault out byte \d+: 0x.. -> 0x..")

        again, err2, _, _ = burst(["--ber", "1e-3"], data)
        self.assertEqual(again, got)
        self.assertEqual(counts(err2), c)
        other, _, _, _ = burst(["--ber", "1e-3"], data, seed=6)
        self.assertNotEqual(other, got)

    def test_fault_dir_in_leaves_output_clean(self):
        got, err, _, _ = burst(["--ber", "1e-3", "--fault-dir", "in"], b"AT\r" * 300)
        in_bits, _, out_bits, _, _ = counts(err)
        self.assertGreater(in_bits, 0)
        self.assertEqual(out_bits, 0)
        # the echo shows what the module received; its answers arrive intact
        lines = [l for l in re.split(rb"[\r\n]+", got) if l]
        self.assertTrue([l for l in lines if l not in (b"AT", b"OK")], lines)
        for i, l in enumerate(lines):
            if l == b"AT":
                self.assertEqual(lines[i + 1], b"OK", lines)
            elif l == b"OK":
                self.assertEqual(lines[i - 1].upper(), b"AT", lines)

    def test_drop_half_of_a_long_output(self):
        data = b"".join(b"AT+" + bytes([65 + i]) * 993 + b"\r" for i in range(5))
        clean, err, _, _ = burst([], data)
        self.assertEqual(err, "")  # zero rates: no summary either
        self.assertEqual(clean.count(b"ERROR"), 5)
        got, err, _, _ = burst(["--drop", "0.5", "--fault-dir", "out"], data)
        self.assertGreater(len(got), 0.3 * len(clean))
        self.assertLess(len(got), 0.7 * len(clean))
        self.assertTrue(is_subsequence(got, clean))  # lost bytes, nothing else
        _, in_drop, _, out_drop, _ = counts(err)
        self.assertEqual((in_drop, out_drop), (0, len(clean) - len(got)))

    def test_zero_rates_change_nothing(self):
        args = ["--ber", "0", "--drop", "0", "--lost-ack", "0", "--fault-dir", "both"]
        with Sim(VARIANT, time_scale=SCALE, args=args) as sim:
            p = sim.open()
            sim.wait_boot(p)
            for _ in range(50):
                self.assertEqual(p.command("AT"), ["OK"])
            err, log = stop(sim)
            self.assertEqual(err, "")
            self.assertNotIn("fault", log)

    def test_bad_values_exit_2(self):
        base = ["--variant", VARIANT, "--state", "/nonexistent/x", "--link", "/nonexistent/y"]
        for opt, val in [("--ber", "-1"), ("--ber", "1.5"), ("--ber", "x"), ("--drop", "nan"),
                         ("--drop", ""), ("--lost-ack", "2"), ("--lost-ack", "0.1x"),
                         ("--fault-dir", "sideways")]:
            rc, out, err = run_sim(base + [opt, val])
            self.assertEqual(rc, 2, (opt, val))
            self.assertIn(opt, err)
            self.assertIn("'%s'" % val, err)
            self.assertEqual(err.count("\n"), 1, err)

    def test_help_documents_the_options(self):
        rc, out, _ = run_sim(["--help"])
        self.assertEqual(rc, 0)
        for opt in ("--ber RATE", "--drop RATE", "--lost-ack RATE", "--fault-dir"):
            self.assertIn(opt, out)


class LostAck(unittest.TestCase):
    def test_xmodem_survives_lost_acks(self):
        data = random.Random(7).randbytes(96 * 1024)  # whole 1k blocks: no padding
        with Sim("SARA-R422", time_scale=100, args=["--lost-ack", "0.05"]) as sim:
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("AT+UFWUPD=?"), ["+UFWUPD: (3)", "OK"])
            p.write("AT+UFWUPD=3\r")
            p.expect("+UFWUPD: ONGOING", 10)
            first, p.buf = p.buf.lstrip(b"\n"), b""
            line = XmodemLine(p, first)
            x = xmodem.XMODEM(line.getc, line.putc, mode="xmodem1k")
            # a lost ACK costs the sender its 1 s timeout, then it sends the
            # block again and the module ACKs the duplicate
            self.assertTrue(x.send(io.BytesIO(data), retry=16, timeout=1, quiet=True))
            line.give_back()
            p.expect("OK", 10)
            err, log = stop(sim)
            with open(os.path.join(sim.state, "fota", "package"), "rb") as f:
                self.assertEqual(f.read(), data)
            _, _, _, _, acks = counts(err)
            self.assertGreater(acks, 0, err)
            self.assertEqual(len(re.findall(r"# fault out byte \d+: ACK lost", log)), acks)


if __name__ == "__main__":
    unittest.main()
