"""sarafw-sim AT+UFWUPD=3 (note §5.1) against independent XMODEM senders
through the PTY: lrzsz sx (128-byte and 1k blocks) and python3-xmodem, plus
a small mixed-block sender. Covers the SARA-R422 family (final OK, ERROR1
after the 109 s start window, ERROR on CAN CAN), SARA-R410M (ONGOING + OK,
silent end, silent window expiry, Table 7 refusals), the FOTA area after a
power cut, the +IPR "additional rates" and the audit of AT inside the
window. Every wait is bounded. Needs lrzsz and python3-xmodem: fails
without them."""
import binascii
import io
import logging
import os
import random
import subprocess
import threading
import time
import unittest
import zlib

from simharness import Sim, XmodemLine, require_module, require_program

# declared peers: a test without them fails, it does not skip
xmodem = require_module("xmodem", "python3-xmodem")
SX = require_program("sx", "lrzsz")

# Transfers run at 20: the 'C' phase (note §5.1.1: 3 x 3 s) then lasts
# 450 ms, so a sender's answer to a 'C' still arrives in it. Window
# expiries run at 100.
SCALE = 20
FAST = 100
PAD = 0x1A
SOH, STX, EOT, ACK, NAK, CAN = 0x01, 0x02, 0x04, 0x06, 0x15, 0x18
RNG = random.Random(0x0F0A7)
# python3-xmodem logs the NAK Forsberg's receiver gives the first EOT
logging.getLogger("xmodem").setLevel(logging.CRITICAL)


def payload(n):
    return bytes(RNG.getrandbits(8) for _ in range(n))


def fota(sim, name):
    return os.path.join(sim.state, "fota", name)


def read_meta(sim):
    meta = {}
    with open(fota(sim, "meta")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            meta[k] = v
    return meta


def prep_s(sim):
    """Wall seconds the module prepares (note §5.1.1: ~5 s; §5.1.2: ~20 s)."""
    return (5.0 if sim.variant.startswith("SARA-R422") else 20.0) / sim.time_scale


def window_s(sim):
    """Wall seconds of the start window (109 s; ~2 min on R410M/R412M)."""
    return (109.0 if sim.variant.startswith("SARA-R422") else 120.0) / sim.time_scale


def start(sim, port):
    """AT+UFWUPD=3 up to ONGOING (and the OK on R410M/R412M); returns the
    bytes already received after it (start characters)."""
    port.write("AT+UFWUPD=3\r")
    port.expect("+UFWUPD: ONGOING", prep_s(sim) + 3)
    if not sim.variant.startswith("SARA-R422"):
        port.expect("OK", 2)
    rest, port.buf = port.buf, b""
    return rest.lstrip(b"\n")  # the LF after the line


def ufwupd_result(sim):
    """The final result code the module sent for its last AT+UFWUPD=3,
    from its --log, or None."""
    lines = sim.log_text().splitlines()
    starts = [i for i, l in enumerate(lines) if l.endswith(" < AT+UFWUPD=3")]
    for l in lines[starts[-1] + 1:] if starts else []:
        sent = l.split(" > ", 1)[1] if " > " in l else None
        if sent in ("OK", "ERROR", "ERROR1"):
            return sent
    return None


def run_sx(port, path, one_k, timeout=60):
    """lrzsz sx on the port (stdin = stdout = the port)."""
    fd = os.dup(port.fd)
    os.set_blocking(fd, True)  # shared with port.fd until restored below
    try:
        argv = [SX] + (["-k"] if one_k else []) + [path]
        r = subprocess.run(argv, stdin=fd, stdout=fd, stderr=subprocess.PIPE,
                           timeout=timeout)
    finally:
        os.close(fd)
        os.set_blocking(port.fd, False)
    return r.returncode, r.stderr.decode(errors="replace")


def py_send(port, data, one_k=True, first=b"", **kw):
    """python3-xmodem's sender on the port. What it read past its last ACK
    (the final result code, if it came in the same read) goes back to the
    port's buffer for the test's next expect()."""
    line = XmodemLine(port, first)
    x = xmodem.XMODEM(line.getc, line.putc, mode="xmodem1k" if one_k else "xmodem")
    ok = x.send(io.BytesIO(data), retry=8, timeout=5, quiet=True, **kw)
    line.give_back()
    return ok


def crc16(b):
    return binascii.crc_hqx(b, 0)


def mixed_send(port, data, sizes, deadline=30):
    """A minimal XMODEM-CRC sender (Forsberg) that uses block sizes from
    `sizes` in turn, to mix 128- and 1024-byte blocks. Returns True once
    the EOT is ACKed; what it read past that goes back to the port."""
    line = XmodemLine(port)
    end = time.monotonic() + deadline
    while True:
        c = line.getc(1, max(0.0, end - time.monotonic()))
        if c is None:
            return False
        if c == b"C":
            break
    off, seq, k = 0, 1, 0
    while off < len(data):
        n = sizes[k % len(sizes)]
        chunk = data[off:off + n].ljust(n, bytes([PAD]))
        frame = bytes([STX if n == 1024 else SOH, seq & 0xFF, 0xFF - (seq & 0xFF)]) + chunk \
            + crc16(chunk).to_bytes(2, "big")
        for _ in range(5):
            line.putc(frame)
            r = line.getc(1, 3)
            if r == bytes([ACK]):
                break
        else:
            return False
        off += n
        seq += 1
        k += 1
    for _ in range(5):
        line.putc(bytes([EOT]))
        if line.getc(1, 3) == bytes([ACK]):
            line.give_back()
            return True
    return False


class Base(unittest.TestCase):
    def assert_package(self, sim, data, block):
        with open(fota(sim, "package"), "rb") as f:
            pkg = f.read()
        self.assertEqual(pkg[:len(data)], data)
        tail = pkg[len(data):]
        self.assertTrue(all(b == PAD for b in tail), tail[:16])
        self.assertLess(len(tail), block)
        self.assertEqual(len(pkg) % 128, 0)
        meta = read_meta(sim)
        self.assertEqual(meta["complete"], "1")
        self.assertEqual(meta["method"], "ufwupd")
        self.assertEqual(int(meta["size"]), len(pkg))
        self.assertEqual(int(meta["crc32"], 16), zlib.crc32(pkg))
        self.assertFalse(os.path.exists(fota(sim, "package.tmp")))
        return meta

    def assert_no_package(self, sim):
        d = os.path.join(sim.state, "fota")
        self.assertEqual(sorted(os.listdir(d)) if os.path.isdir(d) else [], [])


class Syntax(Base):
    def test_test_command_and_filetypes(self):
        for v in ("SARA-R422", "SARA-R410M-02B-03"):
            with Sim(v, time_scale=SCALE) as sim:
                p = sim.open()
                sim.wait_boot(p)
                self.assertEqual(p.command("AT+UFWUPD=?"), ["+UFWUPD: (3)", "OK"])
                self.assertEqual(p.command("AT+CMEE=1"), ["OK"])
                for bad in ("AT+UFWUPD=2", "AT+UFWUPD=4", "AT+UFWUPD=0", "AT+UFWUPD=\"3\"",
                            "AT+UFWUPD=3,1", "AT+UFWUPD", "AT+UFWUPD?"):
                    self.assertEqual(p.command(bad), ["+CME ERROR: 50"], bad)
                self.assertEqual(p.command("AT"), ["OK"])


class R422Transfers(Base):
    def test_sx_128_and_1k(self):
        with Sim("SARA-R422", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            for size, one_k in ((1, False), (1000, False), (1024, True), (100000, True)):
                data = payload(size)
                path = os.path.join(sim.work, "img%d" % size)
                with open(path, "wb") as f:
                    f.write(data)
                start(sim, p)
                rc, err = run_sx(p, path, one_k)
                self.assertEqual(rc, 0, err[-300:])
                # sx shares the port and may read the final result code
                # with its last ACK: the module's log shows what it sent
                self.assertNotIn(b"ERROR", p.drain(0.3, 2))
                self.assertEqual(ufwupd_result(sim), "OK")
                meta = self.assert_package(sim, data, 1024 if one_k else 128)
                blocks, blocks_1k = int(meta["blocks"]), int(meta["blocks_1k"])
                self.assertEqual(blocks_1k * 1024 + (blocks - blocks_1k) * 128,
                                 int(meta["size"]))
                if not one_k:
                    self.assertEqual((blocks, blocks_1k), ((size + 127) // 128, 0))
                elif size == 100000:
                    # sx -k ends a file with 128-byte blocks: a mixed transfer
                    self.assertGreater(blocks, blocks_1k)
                    self.assertEqual(blocks_1k, size // 1024)
                self.assertEqual(p.command("AT"), ["OK"])

    def test_python_xmodem1k_and_mixed_blocks(self):
        with Sim("SARA-R422M8S", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            for size in (1, 1000, 1024, 5000):
                data = payload(size)
                first = start(sim, p)
                self.assertTrue(py_send(p, data, first=first))
                self.assertEqual(p.expect(lambda l: l in ("OK", "ERROR", "ERROR1"), 5), ["OK"])
                self.assert_package(sim, data, 1024)
            # 128 and 1024 blocks in one transfer
            data = payload(5 * 1024 + 3 * 128 + 77)
            start(sim, p)
            self.assertTrue(mixed_send(p, data, (1024, 128, 128, 1024)))
            self.assertEqual(p.expect(lambda l: l in ("OK", "ERROR", "ERROR1"), 5), ["OK"])
            meta = self.assert_package(sim, data, 1024)
            self.assertGreater(int(meta["blocks_1k"]), 0)
            self.assertGreater(int(meta["blocks"]), int(meta["blocks_1k"]))
            self.assertEqual(meta["check"], "crc16")

    def test_checksum_after_the_c_phase(self):
        # note §5.1.1: data after the 'C's are over -> checksum method
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            rest = start(sim, p)
            deadline = time.monotonic() + window_s(sim)
            while bytes([NAK]) not in rest and time.monotonic() < deadline:
                rest += p.read(0.05)
            p.buf = b""
            self.assertIn(bytes([NAK]), rest)
            data = payload(3000)
            self.assertTrue(py_send(p, data, one_k=False))
            self.assertEqual(p.expect(lambda l: l in ("OK", "ERROR", "ERROR1"), 5), ["OK"])
            self.assertEqual(self.assert_package(sim, data, 128)["check"], "checksum")

    def test_fast_rates(self):
        # note §5.1.1 "Additional rate": 921600 and 3000000 on the R422 family
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            for rate in (921600, 3000000):
                self.assertEqual(p.command("AT+IPR=%d" % rate), ["OK"])
                p.set_speed(rate)
                p.drain(0.05)
                p.write("\r")
                p.drain(0.05)
                self.assertEqual(p.command("AT"), ["OK"])
                data = payload(100000)
                first = start(sim, p)
                t0 = time.monotonic()
                self.assertTrue(py_send(p, data, first=first))
                elapsed = time.monotonic() - t0
                self.assertEqual(p.expect(lambda l: l in ("OK", "ERROR", "ERROR1"), 5), ["OK"])
                meta = self.assert_package(sim, data, 1024)
                self.assertEqual(int(meta["baud"]), rate)
                # 100 KiB at 115200 takes ~9 s; paced at `rate` it is far less
                self.assertLess(elapsed, 4.0)
                self.assertGreater(elapsed, 100352 * 10 / rate * 0.8)
            self.assertEqual(p.command("AT+IPR=115200"), ["OK"])

    def test_sender_cancel_is_error(self):
        with Sim("SARA-R422", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            old = payload(700)
            first = start(sim, p)
            self.assertTrue(py_send(p, old, first=first))
            p.expect("OK", 5)
            start(sim, p)
            p.write(bytes([CAN, CAN]))  # the sender gives up (Forsberg)
            lines = p.expect(lambda l: "ERROR" in l, 5)
            self.assertTrue(lines[-1].endswith("ERROR") and "ERROR1" not in lines[-1], lines)
            # the old package is still there, the cancelled one is not
            self.assert_package(sim, old, 1024)
            self.assertEqual(p.command("AT"), ["OK"])

    def test_out_of_sequence_block_is_error(self):
        with Sim("SARA-R422", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            start(sim, p)
            chunk = bytes(128)
            p.write(bytes([SOH, 5, 0xFA]) + chunk + crc16(chunk).to_bytes(2, "big"))
            lines = p.expect(lambda l: "ERROR" in l, 5)
            self.assertEqual(lines[-1], "ERROR")
            self.assertIn(b"\x18\x18", b"".join(l.encode("latin-1") for l in lines))
            self.assert_no_package(sim)
            self.assertEqual(p.command("AT"), ["OK"])


class R422Timeout(Base):
    def test_error1_after_c_then_nak(self):
        with Sim("SARA-R422", time_scale=FAST) as sim:
            p = sim.open()
            sim.wait_boot(p)
            ati9 = p.command("ATI9")
            t0 = time.monotonic()
            got = start(sim, p)
            deadline = time.monotonic() + window_s(sim) + 3
            while b"ERROR1\r\n" not in got and time.monotonic() < deadline:
                got += p.read(0.1)
            elapsed = time.monotonic() - t0
            chars = got.split(b"\r\n")[0]
            # note §5.1.1: three 'C' then ten NAK, 109 s in all
            self.assertEqual(chars, b"C" * 3 + bytes([NAK]) * 10)
            self.assertEqual(got[len(chars):], b"\r\nERROR1\r\n")
            self.assertGreater(elapsed, window_s(sim) * 0.9)
            p.buf = b""
            self.assertEqual(p.drain(0.3), b"")  # ERROR1 alone ends it
            self.assertEqual(p.command("ATI9"), ati9)
            self.assert_no_package(sim)
            self.assertEqual(p.command("AT"), ["OK"])
            ev = [e for e in sim.audit_events() if e["event"] == "xmodem_timeout"]
            self.assertEqual(len(ev), 1)
            self.assertIn("psm held", sim.log_text())


class R410M(Base):
    VARIANT = "SARA-R410M-02B-03"

    def test_silent_transfer(self):
        with Sim(self.VARIANT, time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            data = payload(20000)
            path = os.path.join(sim.work, "img")
            with open(path, "wb") as f:
                f.write(data)
            start(sim, p)  # note §5.1.2: "+UFWUPD: ONGOING" and OK
            rc, err = run_sx(p, path, True)
            self.assertEqual(rc, 0, err[-300:])
            # note §5.1.2: no response, URC or other indication
            self.assertEqual(p.drain(0.5, 2), b"")
            self.assertEqual(p.command("AT"), ["OK"])
            self.assert_package(sim, data, 1024)

    def test_window_expires_silently(self):
        for v in (self.VARIANT, "SARA-R412M-02B-03", "SARA-N410"):
            with Sim(v, time_scale=FAST) as sim:
                p = sim.open()
                sim.wait_boot(p)
                t0 = time.monotonic()
                got = start(sim, p)
                while time.monotonic() < t0 + window_s(sim) + 0.3:
                    got += p.read(0.05)
                p.buf = b""  # read() keeps what it returns
                self.assertGreater(time.monotonic() - t0, window_s(sim) * 0.9)
                # start characters only, then back to normal mode silently
                self.assertEqual(got, b"C" * 3 + bytes([NAK]) * 10, v)
                self.assertEqual(p.command("AT"), ["OK"])
                self.assert_no_package(sim)

    def test_table7_refused_in_window_only(self):
        with Sim(self.VARIANT, time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("AT+CMEE=2"), ["OK"])
            start(sim, p)
            t_window = time.monotonic()
            for cmd in ('AT+URDFILE="a.bin"', 'AT+UDWNFILE="x",10', "AT+UFWUPD=3",
                        "AT+UFTPC=100,\"fw.bin\"", "AT+UHTTPC=0,100,\"/fw\""):
                p.write(cmd + "\r")
                lines = p.expect(lambda l: "ERROR" in l, 2)
                self.assertTrue(lines[-1].endswith("+CME ERROR: FOTA memory is in use"), lines)
            # any other AT line is not executed: no answer at all
            p.buf = b""
            p.write("AT\r")
            p.write("ATI9\r")
            got = p.drain(0.3)
            self.assertNotIn(b"OK", got)
            self.assertNotIn(b"L0.0", got)
            # after the window (the start characters end at 109 s, the
            # window at ~120 s): nothing refused for FOTA reasons
            time.sleep(max(0.0, t_window + window_s(sim) + 0.3 - time.monotonic()))
            p.drain(0.05)
            self.assertEqual(p.command("AT"), ["OK"])
            for cmd in ('AT+URDFILE="a.bin"', "AT+UFWUPD=?"):
                lines = p.command(cmd)
                self.assertNotIn("FOTA memory is in use", lines[-1])
            self.assertEqual(p.command("AT+UFWUPD=?"), ["+UFWUPD: (3)", "OK"])
            ev = [e for e in sim.audit_events() if e["event"] == "forbidden_during_download"]
            self.assertTrue(ev)
            self.assertTrue(all(e["refused"] for e in ev))

    def test_r422_does_not_answer_in_window(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            start(sim, p)
            p.write('AT+URDFILE="a.bin"\r')
            got = p.drain(0.3)
            self.assertNotIn(b"ERROR", got)
            self.assertTrue(all(b in (ord("C"), NAK) for b in got), got)


class PowerCut(Base):
    def _cut_mid_transfer(self, sim, data):
        """Starts a python3-xmodem transfer in a thread and SIGKILLs the
        simulator after some blocks; restarts it on the same state dir."""
        from simharness import Port
        p = Port(sim.link)  # not owned by sim: closed after the thread ends
        try:
            sim.wait_boot(p)
            first = start(sim, p)
            acked = threading.Event()
            line = XmodemLine(p, first)

            def cb(total, ok, errors):
                if ok >= 5:
                    acked.set()

            x = xmodem.XMODEM(line.getc, line.putc, mode="xmodem1k")
            t = threading.Thread(target=lambda: x.send(io.BytesIO(data), retry=2, timeout=0.3,
                                                       quiet=True, callback=cb))
            t.start()
            self.assertTrue(acked.wait(20))
            sim.kill()
            line.dead = True
            t.join(20)
            self.assertFalse(t.is_alive())
        finally:
            p.close()
        # the cut came mid-transfer: the download was being written
        self.assertTrue(os.path.exists(fota(sim, "package.tmp")))
        sim.start()

    def test_power_cut_leaves_normal_mode_and_no_package(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            self._cut_mid_transfer(sim, payload(60000))
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("AT"), ["OK"])
            self.assertEqual(p.command("AT+UFWUPD=?"), ["+UFWUPD: (3)", "OK"])
            self.assert_no_package(sim)

    def test_power_cut_keeps_previous_package(self):
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            old = payload(3000)
            first = start(sim, p)
            self.assertTrue(py_send(p, old, first=first))
            self.assertEqual(p.drain(0.3), b"")
            self.assertEqual(p.command("AT"), ["OK"])
            self.assert_package(sim, old, 1024)
            sim.kill()
            sim.start()
            self._cut_mid_transfer(sim, payload(60000))
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("AT"), ["OK"])
            self.assert_package(sim, old, 1024)
            self.assertEqual(sorted(os.listdir(os.path.join(sim.state, "fota"))),
                             ["meta", "package"])


class Audit(Base):
    def test_at_in_window_is_audited(self):
        with Sim("SARA-R422", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            start(sim, p)
            p.write("AT\r")
            p.write("AT+CGMR\r")
            time.sleep(0.05)
            data = payload(2048)
            self.assertTrue(py_send(p, data))
            self.assertEqual(p.expect(lambda l: l in ("OK", "ERROR", "ERROR1"), 5), ["OK"])
            self.assert_package(sim, data, 1024)
            ev = [e for e in sim.audit_events() if e["event"] == "at_in_xmodem_window"]
            self.assertEqual([e["line"] for e in ev], ["AT", "AT+CGMR"])
            # a package holding "AT\r" is data, not AT traffic
            data = b"AT\rAT\r" * 200
            start(sim, p)
            self.assertTrue(py_send(p, data))
            p.expect("OK", 5)
            ev = [e for e in sim.audit_events() if e["event"] == "at_in_xmodem_window"]
            self.assertEqual(len(ev), 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
