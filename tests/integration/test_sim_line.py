"""sarafw-sim: the serial line. Baud mismatch garbles, +IPR switches after
its OK, output and input are paced at the module's rate, byte by byte with
no idle line time banked (a turnaround costs its frames), the host may
close and reopen the port, and an idle simulator does not spin."""
import os
import select
import time
import unittest

from simharness import Sim, cpu_seconds

SCALE = 50


def printable(data):
    return any(32 <= b < 127 for b in data)


def frame(baud):
    """Seconds one 8N1 byte takes on the wire."""
    return 10.0 / baud


def at_rate(sim, p, baud):
    """Switches module and port to baud (+IPR's OK comes at the old rate)."""
    assert p.command("AT+IPR=%d" % baud) == ["OK"]
    time.sleep(0.02)
    p.set_speed(baud)
    p.drain(0.05)
    assert p.command("AT") == ["OK"]


def send_until_echoed(p, data, timeout=5.0):
    """Writes data and returns the seconds until its last byte is echoed
    back (measured from before the write: never shorter than the truth)."""
    t0 = time.monotonic()
    os.write(p.fd, data)
    got = b""
    while not got.endswith(data):
        left = t0 + timeout - time.monotonic()
        if left <= 0 or not select.select([p.fd], [], [], left)[0]:
            raise TimeoutError("echo of %r: got %r" % (data, got))
        got += os.read(p.fd, 4096)
    return time.monotonic() - t0


class Line(unittest.TestCase):
    def test_wrong_speed_garbles(self):
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            p = sim.open(9600)  # module is at 115200
            time.sleep(sim.boot_time() + 0.1)
            p.drain(0.05)
            p.write("AT\r")
            got = p.drain(0.3)
            self.assertNotIn(b"OK", got)
            self.assertFalse(printable(got), got)
            p.set_speed(115200)
            p.drain(0.05)
            p.write("\r")  # end whatever garbage the module collected
            p.drain(0.1)
            self.assertEqual(p.command("AT"), ["OK"])
            events = [e for e in sim.audit_events() if e["event"] == "baud_mismatch"]
            self.assertTrue(events)
            self.assertEqual((events[0]["host_baud"], events[0]["module_baud"]), (9600, 115200))

    def test_ipr_ok_at_old_rate_then_switch(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("AT+IPR=3000000"), ["OK"])
            p.drain(0.05)
            p.write("AT\r")
            got = p.drain(0.2)
            self.assertNotIn(b"OK", got)  # still at 115200: garbage
            p.set_speed(3000000)
            p.drain(0.05)
            p.write("\r")
            p.drain(0.05)
            self.assertEqual(p.command("AT+IPR?"), ["+IPR: 3000000", "OK"])
            self.assertEqual(p.command("AT+IPR=115200"), ["OK"])
            p.set_speed(115200)
            self.assertEqual(p.command("AT"), ["OK"])

    def test_output_paced_at_9600(self):
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("AT+IPR=9600"), ["OK"])
            p.set_speed(9600)
            p.drain(0.05)
            self.assertEqual(p.command("AT"), ["OK"])
            # about 1000 bytes back: the echo of a 996-byte line and ERROR
            line = "AT+" + "X" * 993
            t0 = time.monotonic()
            p.write(line + "\r")
            lines = p.expect("ERROR", timeout=15)
            elapsed = time.monotonic() - t0
            self.assertEqual(lines, [line, "ERROR"])
            self.assertGreaterEqual(elapsed, 0.7)   # 1005 bytes at 960 B/s: ~1.05 s
            self.assertLess(elapsed, 8.0)

    def test_fast_rate_is_faster(self):
        with Sim("SARA-R422", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("AT+IPR=921600"), ["OK"])
            p.set_speed(921600)
            p.drain(0.05)
            line = "AT+" + "X" * 993
            t0 = time.monotonic()
            p.write(line + "\r")
            self.assertEqual(p.expect("ERROR", timeout=15), [line, "ERROR"])
            self.assertLess(time.monotonic() - t0, 0.7)

    def test_turnaround_costs_its_frames(self):
        # A byte sent after a quiet spell needs its frame to reach the
        # module and its echo one more to come back: 2 x 1.04 ms at 9600.
        # A line that banked idle time would echo it almost at once.
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            at_rate(sim, p, 9600)
            turns = []
            for c in b"AT+CGMI":
                time.sleep(0.01)  # quiet line
                turns.append(send_until_echoed(p, bytes([c])))
            self.assertGreaterEqual(min(turns), 2 * frame(9600) * 0.999, turns)
            p.write("\r")
            self.assertEqual(p.expect("OK"), ["u-blox", "OK"])

    def test_bytes_after_gaps_take_their_line_time(self):
        # Runs of 100 bytes with 20 ms of silence between them, at 921600:
        # each run takes 100 frames in and the echo of its last byte one
        # more, however long the line was idle before (1.1 ms; a line
        # that banked 1 ms of idle time would take about 0.1 ms).
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            at_rate(sim, p, 921600)
            runs = [b"AT+" + b"X" * 97] + [b"Y" * 100] * 4
            took = []
            for run in runs:
                time.sleep(0.02)
                took.append(send_until_echoed(p, run))
            for run, secs in zip(runs, took):
                self.assertGreaterEqual(secs, (len(run) + 1) * frame(921600) * 0.999, took)
            n = sum(len(r) for r in runs)
            self.assertGreaterEqual(sum(took), n * frame(921600))
            p.write("\r")
            self.assertEqual(p.expect("ERROR"), ["ERROR"])
            p.command("AT+IPR=115200")

    def test_reopen_many_times(self):
        with Sim("SARA-R410M-63B", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            p.close()
            for i in range(20):
                p = sim.open()
                self.assertEqual(p.command("AT+CGMI"), ["u-blox", "OK"], i)
                p.close()
            # nobody on the port: the simulator must idle, not spin
            c0 = cpu_seconds(sim.proc.pid)
            time.sleep(1.0)
            self.assertLess(cpu_seconds(sim.proc.pid) - c0, 0.3)
            p = sim.open()
            self.assertEqual(p.command("AT"), ["OK"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
