#!/usr/bin/python3
"""The simulator's XMODEM receiver (sim/xmodem_recv.c, run by the
xmodem_recv tool on stdin/stdout) against independent senders: lrzsz sx
(128-byte and 1k blocks) and python3-xmodem, with CRC and checksum starts
(note §5.1.1: CRC if the data comes while 'C's are sent, checksum after the
switch to NAK). Every peer runs under a deadline, so a broken one fails the
test instead of hanging it. Needs lrzsz and python3-xmodem: fails without
them."""

import io
import logging
import os
import random
import select
import shutil
import subprocess
import tempfile
import time
import unittest

from simharness import require_module, require_program

# declared peers: a test without them fails, it does not skip
xmodem = require_module("xmodem", "python3-xmodem")
SX = require_program("sx", "lrzsz")
TOOLS = os.environ.get("SARAFW_TOOLS", os.path.join(os.getcwd(), "build", "tools"))
RECV = os.path.join(TOOLS, "xmodem_recv")
SIZES = (1, 128, 129, 1024, 5000, 70000)
PAD = 0x1A
NAK = b"\x15"
DEADLINE = 60  # seconds for one transfer; a healthy one takes well under 5
# Short silences so each transfer's EOT-NAK-EOT-ACK ending is quick.
FAST = ["--purge-ms", "100"]

# python3-xmodem logs the NAK to its first EOT as an error; it is not one.
logging.getLogger("xmodem").setLevel(logging.CRITICAL)


def payload(size, seed):
    return random.Random(seed * 7919 + size).randbytes(size)


def check_received(test, sent, got, block):
    """got must be sent followed only by 0x1A padding, less than a block."""
    test.assertEqual(len(got) % 128, 0, "not whole blocks")
    test.assertEqual(got[: len(sent)], sent, "data differs")
    tail = got[len(sent):]
    test.assertLess(len(tail), block, "more than a block of padding")
    test.assertEqual(tail, bytes([PAD]) * len(tail), "padding is not 0x1A")


def stats_of(stderr):
    for line in stderr.decode(errors="replace").splitlines():
        if line.startswith("xmodem_recv: ") and "blocks=" in line:
            return dict(w.split("=", 1) for w in line.split()[2:])
    return {}


class Receiver:
    """xmodem_recv as a child with pipes on its stdin and stdout."""

    def __init__(self, out, args=(), stdin=subprocess.PIPE, stdout=subprocess.PIPE):
        self.proc = subprocess.Popen(
            [RECV, "--stats", *args, out], stdin=stdin, stdout=stdout, stderr=subprocess.PIPE
        )

    def wait(self):
        """Waits for the exit (bounded); returns (exit code, stderr)."""
        p = self.proc
        try:
            p.wait(timeout=DEADLINE)
            hung = False
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            hung = True
        err = p.stderr.read()
        for f in (p.stdin, p.stdout, p.stderr):
            if f:
                f.close()
        if hung:
            raise AssertionError("xmodem_recv did not finish: " + err.decode(errors="replace"))
        return p.returncode, err


def python_port(proc, pushback=b""):
    """getc/putc for python3-xmodem over the receiver's pipes."""
    rfd, wfd = proc.stdout.fileno(), proc.stdin.fileno()
    pending = bytearray(pushback)

    def getc(size, timeout=1):
        end = time.monotonic() + timeout
        while len(pending) < size:
            left = end - time.monotonic()
            if left <= 0 or not select.select([rfd], [], [], left)[0]:
                return None
            chunk = os.read(rfd, 4096)
            if not chunk:
                return None
            pending.extend(chunk)
        data = bytes(pending[:size])
        del pending[:size]
        return data

    def putc(data, timeout=1):
        try:
            os.write(wfd, data)
        except BrokenPipeError:
            return None
        return len(data)

    return getc, putc


def read_until(proc, want, timeout):
    """Reads the receiver's output until want appears; returns all of it."""
    seen = bytearray()
    end = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    while want not in seen:
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise AssertionError("receiver never sent %r (got %r)" % (want, bytes(seen)))
        chunk = os.read(fd, 64)
        if not chunk:
            raise AssertionError("receiver closed its output (got %r)" % bytes(seen))
        seen.extend(chunk)
    return bytes(seen)


class Peers(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="xmodem_recv_")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    # lrzsz ------------------------------------------------------------

    def run_sx(self, data, sx_args, recv_args):
        src, out = self.path("src.bin"), self.path("out.bin")
        with open(src, "wb") as f:
            f.write(data)
        to_sx_r, to_sx_w = os.pipe()
        to_rx_r, to_rx_w = os.pipe()
        rx = Receiver(out, recv_args, stdin=to_rx_r, stdout=to_sx_w)
        sx = subprocess.Popen(
            [SX, "-q", *sx_args, src], stdin=to_sx_r, stdout=to_rx_w, stderr=subprocess.PIPE
        )
        for fd in (to_sx_r, to_sx_w, to_rx_r, to_rx_w):
            os.close(fd)
        try:
            rc, err = rx.wait()
        finally:
            try:
                _, sx_err = sx.communicate(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                sx.kill()
                _, sx_err = sx.communicate()
        msg = "xmodem_recv: %s\nsx: %s" % (err.decode(errors="replace"), sx_err.decode(errors="replace"))
        self.assertEqual(rc, 0, msg)
        self.assertEqual(sx.returncode, 0, msg)
        with open(out, "rb") as f:
            return f.read(), stats_of(err)

    def test_sx_128_crc(self):
        for size in SIZES:
            with self.subTest(size=size):
                data = payload(size, 1)
                got, st = self.run_sx(data, [], FAST)
                check_received(self, data, got, 128)
                self.assertEqual(st.get("mode"), "crc")
                self.assertEqual(st.get("1k"), "0")

    def test_sx_1k_crc(self):
        for size in SIZES:
            with self.subTest(size=size):
                data = payload(size, 2)
                got, st = self.run_sx(data, ["-k"], FAST)
                check_received(self, data, got, 1024)
                self.assertEqual(st.get("mode"), "crc")
                if size >= 2048:
                    self.assertNotEqual(st.get("1k"), "0")

    def test_sx_checksum(self):
        # No 'C' at all: the receiver starts with NAK, the checksum method.
        for size in (129, 5000):
            with self.subTest(size=size):
                data = payload(size, 3)
                got, st = self.run_sx(data, [], FAST + ["--c-count", "0"])
                check_received(self, data, got, 128)
                self.assertEqual(st.get("mode"), "checksum")

    def test_sx_default_timings(self):
        # Forsberg's 1 s purge before the EOT's NAK, as the module runs it.
        data = payload(300, 4)
        got, _ = self.run_sx(data, ["-k"], [])
        check_received(self, data, got, 1024)

    # python3-xmodem ---------------------------------------------------

    def run_python(self, data, mode, recv_args, wait_for_nak=False):
        out = self.path("out.bin")
        rx = Receiver(out, recv_args)
        pushback = b""
        if wait_for_nak:
            # Let the 'C's go by: the sender hears only the first NAK.
            seen = read_until(rx.proc, NAK, 10)
            self.assertTrue(seen.startswith(b"C"), seen)
            pushback = NAK
        getc, putc = python_port(rx.proc, pushback)
        modem = xmodem.XMODEM(getc, putc, mode=mode)
        ok = modem.send(io.BytesIO(data), retry=16, timeout=5, quiet=True)
        rc, err = rx.wait()
        msg = err.decode(errors="replace")
        self.assertTrue(ok, msg)
        self.assertEqual(rc, 0, msg)
        with open(out, "rb") as f:
            return f.read(), stats_of(err)

    def test_python_crc(self):
        for mode, block in (("xmodem", 128), ("xmodem1k", 1024)):
            for size in SIZES:
                with self.subTest(mode=mode, size=size):
                    data = payload(size, 5)
                    got, st = self.run_python(data, mode, FAST)
                    check_received(self, data, got, block)
                    self.assertEqual(st.get("mode"), "crc")

    def test_python_checksum_after_c_phase(self):
        # note §5.1.1: data after the switch to NAK uses the checksum.
        args = FAST + ["--c-interval-ms", "100"]
        for mode, block in (("xmodem", 128), ("xmodem1k", 1024)):
            for size in SIZES:
                with self.subTest(mode=mode, size=size):
                    data = payload(size, 6)
                    got, st = self.run_python(data, mode, args, wait_for_nak=True)
                    check_received(self, data, got, block)
                    self.assertEqual(st.get("mode"), "checksum")

    # the receiver alone -----------------------------------------------

    def test_start_window_timeout(self):
        # note §5.1.1 shape, scaled: 3 'C' then 10 NAK, then give up.
        rx = Receiver(
            self.path("out.bin"),
            ["--c-interval-ms", "60", "--nak-interval-ms", "40"],
        )
        t0 = time.monotonic()
        rx.proc.stdin.close()
        out = rx.proc.stdout.read()
        rc, err = rx.wait()
        elapsed = time.monotonic() - t0
        self.assertEqual(rc, 2, err)
        self.assertEqual(out, b"CCC" + NAK * 10)
        self.assertIn(b"timeout", err)
        self.assertGreaterEqual(elapsed, 0.58 - 0.02)
        self.assertLess(elapsed, 5)
        self.assertEqual(os.path.getsize(self.path("out.bin")), 0)

    def test_sender_cancel(self):
        rx = Receiver(self.path("out.bin"), FAST)
        read_until(rx.proc, b"C", 10)
        rx.proc.stdin.write(b"\x18\x18")
        rx.proc.stdin.flush()
        rc, err = rx.wait()
        self.assertEqual(rc, 3, err)
        self.assertIn(b"cancelled", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
