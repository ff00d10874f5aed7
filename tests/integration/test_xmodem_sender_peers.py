"""libsarafw's XMODEM sender (tests/tools/xmodem_send) against independent
receivers: lrzsz rx (CRC-16 and checksum) and python3-xmodem, in 128-byte
and 1k modes, over os.pipe pairs, with a whole-block buffer and with small
ones (blocks made piece by piece). Every wait is bounded. Needs lrzsz and
python3-xmodem: fails without them."""
import os
import random
import subprocess
import sys
import tempfile
import unittest

from simharness import require_module, require_program

# declared peers: a test without them fails, it does not skip (the
# receiver below imports xmodem in a child of this same python)
require_module("xmodem", "python3-xmodem")
RX = require_program("rx", "lrzsz")
TOOLS = os.environ.get("SARAFW_TOOLS", os.path.join(os.getcwd(), "build", "tools"))
SEND = os.path.join(TOOLS, "xmodem_send")
SIZES = (1, 128, 1000, 1024, 50000)
PAD = 0x1A
DEADLINE = 60  # seconds for one transfer, far above what it needs

# python3-xmodem's receiver on stdin/stdout, in its own process so a hang
# can be killed.
PY_RECV = r"""
import os, select, sys, time, xmodem

def getc(size, timeout=1):
    buf, end = b"", time.monotonic() + timeout
    while len(buf) < size:
        left = end - time.monotonic()
        if left <= 0 or not select.select([0], [], [], left)[0]:
            return None
        d = os.read(0, size - len(buf))
        if not d:
            return None
        buf += d
    return buf

def putc(data, timeout=1):
    os.write(1, data)
    return len(data)

with open(sys.argv[1], "wb") as f:
    n = xmodem.XMODEM(getc, putc).recv(f, crc_mode=int(sys.argv[2]), retry=16,
                                       timeout=5, quiet=1)
sys.exit(0 if n is not None else 1)
"""


def connect(send_args, recv_argv, cwd, deadline=DEADLINE):
    """Runs xmodem_send and a receiver back to back; returns
    (sender rc, sender stderr, receiver rc, receiver stderr)."""
    to_rx_r, to_rx_w = os.pipe()
    to_tx_r, to_tx_w = os.pipe()
    rx_err = tempfile.TemporaryFile(dir=cwd)
    tx_err = tempfile.TemporaryFile(dir=cwd)
    rx = subprocess.Popen(recv_argv, stdin=to_rx_r, stdout=to_tx_w, stderr=rx_err, cwd=cwd)
    tx = subprocess.Popen([SEND] + send_args, stdin=to_tx_r, stdout=to_rx_w, stderr=tx_err)
    for fd in (to_rx_r, to_rx_w, to_tx_r, to_tx_w):
        os.close(fd)
    try:
        tx.wait(timeout=deadline)
        rx.wait(timeout=deadline)
    except subprocess.TimeoutExpired:
        for p in (tx, rx):
            p.kill()
            p.wait()
        raise AssertionError("transfer did not finish within %d s: %r" % (deadline, recv_argv))
    finally:
        tx_err.seek(0)
        rx_err.seek(0)
        terr, rerr = tx_err.read(), rx_err.read()
        tx_err.close()
        rx_err.close()
    return tx.returncode, terr.decode(errors="replace"), rx.returncode, \
        rerr.decode(errors="replace")


class Peers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(SEND, os.X_OK):
            raise AssertionError("no %s: build it, or set SARAFW_TOOLS" % SEND)
        cls.rng = random.Random(0x5A4A)

    def transfer(self, peer, crc, onek, buf=None):
        for size in SIZES:
            with self.subTest(peer=peer, crc=crc, onek=onek, size=size, buf=buf), \
                    tempfile.TemporaryDirectory() as d:
                data = bytes(self.rng.getrandbits(8) for _ in range(size))
                src = os.path.join(d, "pkg.bin")
                with open(src, "wb") as f:
                    f.write(data)
                if peer == "lrzsz":
                    # -q quiet, -y overwrite, -c CRC-16; -t tenths of a second
                    argv = [RX, "-q", "-y", "-t", "50"] + (["-c"] if crc else []) + ["out.bin"]
                else:
                    argv = [sys.executable, "-c", PY_RECV, "out.bin", "1" if crc else "0"]
                send = (["--1k"] if onek else []) + (["--buf", str(buf)] if buf else []) + \
                    ["--start-timeout-ms", "20000", "--timeout-ms", "5000", src]
                trc, terr, rrc, rerr = connect(send, argv, d)
                self.assertEqual(trc, 0, "sender: " + terr + " receiver: " + rerr)
                self.assertEqual(rrc, 0, "receiver: " + rerr)
                with open(os.path.join(d, "out.bin"), "rb") as f:
                    got = f.read()
                block = 1024 if onek else 128
                # byte-exact up to the known length; only padding after it
                self.assertEqual(got[:size], data)
                tail = got[size:]
                self.assertLess(len(tail), block)
                self.assertEqual(tail, bytes([PAD]) * len(tail))

    def test_lrzsz_crc_128(self):
        self.transfer("lrzsz", True, False)

    def test_lrzsz_crc_1k(self):
        self.transfer("lrzsz", True, True)

    def test_lrzsz_checksum_128(self):
        self.transfer("lrzsz", False, False)

    def test_lrzsz_checksum_1k(self):
        self.transfer("lrzsz", False, True)

    def test_python_xmodem_crc_128(self):
        self.transfer("python", True, False)

    def test_python_xmodem_crc_1k(self):
        self.transfer("python", True, True)

    def test_python_xmodem_checksum_128(self):
        self.transfer("python", False, False)

    def test_python_xmodem_checksum_1k(self):
        self.transfer("python", False, True)

    # Small buffers: the smallest, and sizes that do not divide a block.
    def test_lrzsz_crc_1k_buf32(self):
        self.transfer("lrzsz", True, True, 32)

    def test_lrzsz_checksum_128_buf45(self):
        self.transfer("lrzsz", False, False, 45)

    def test_python_xmodem_crc_128_buf64(self):
        self.transfer("python", True, False, 64)

    def test_python_xmodem_checksum_1k_buf100(self):
        self.transfer("python", False, True, 100)

    def test_silent_peer_start_timeout(self):
        # A peer that never asks: the sender gives up at its start timeout.
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "pkg.bin")
            with open(src, "wb") as f:
                f.write(b"x" * 300)
            peer = [sys.executable, "-c", "import time; time.sleep(2)"]
            trc, terr, _, _ = connect(["--start-timeout-ms", "300", src], peer, d, deadline=20)
            self.assertEqual(trc, 1)
            self.assertEqual(len(terr.strip().splitlines()), 1, terr)

    def test_peer_hangs_up(self):
        # A receiver that asks once and leaves: no hang, a one-line reason.
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "pkg.bin")
            with open(src, "wb") as f:
                f.write(b"x" * 3000)
            peer = [sys.executable, "-c", "import os; os.write(1, b'C')"]
            trc, terr, _, _ = connect(["--1k", src], peer, d, deadline=20)
            self.assertEqual(trc, 1)
            self.assertIn("hung up", terr)

    def test_bad_usage(self):
        r = subprocess.run([SEND], capture_output=True, timeout=10)
        self.assertEqual(r.returncode, 2)
        r = subprocess.run([SEND, "/nonexistent/pkg"], capture_output=True, timeout=10)
        self.assertEqual(r.returncode, 2)
        with tempfile.NamedTemporaryFile() as f:
            # a buffer below SARAFW_XMODEM_BUF_MIN is a bad configuration
            r = subprocess.run([SEND, "--buf", "31", f.name], capture_output=True, timeout=10)
            self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
