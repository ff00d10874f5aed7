"""The short seeded version of bench/bench_download.py (make bench): a
power cut when half of a 400 kB package is synced, then a resume and,
after the same cut, a restart, for FTP (SARA-R410M) and HTTP (SARA-R422S)
against pyftpdlib and nginx on loopback; the bytes each server logs as
sent after the cut show the resume saving at least 40 % of a restart's
(it fetches exactly what was not stored). One timed FTP download (100 kB) at the
LTE Cat M1 rate checks the bench's timing path (simulated seconds = wall
x scale, within bounds of bytes x 8 / rate plus the 16 s start)."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))

import bench_download as bd  # noqa: E402

SIZE = 400000
SCALE = 50
RATE = 400000  # bit/s of module time: bytes are counted, not timed


class ResumeSaves(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = bd.Servers()
        cls.data = bd.payload(SIZE, 0x5EED)
        cls.servers.put(cls.data)

    @classmethod
    def tearDownClass(cls):
        cls.servers.close()

    def check(self, method):
        r = bd.resume_saving(method, self.data, self.servers, SCALE, RATE)
        self.assertGreaterEqual(r["kept"], SIZE // 2, r)
        # the resume fetched exactly what was not stored; the restart all
        self.assertEqual(r["resume"], SIZE - r["kept"], r)
        self.assertEqual(r["restart"], SIZE, r)
        self.assertGreaterEqual(r["saved"], 0.40, r)
        # the cut session's own bytes: at least what was stored, and the
        # server ran ahead of the stored point by a bounded amount only
        self.assertTrue(r["kept"] <= r["before_resume"] <= r["kept"] + 200000, r)

    def test_ftp(self):
        self.check("ftp")

    def test_http(self):
        self.check("http")

    def test_timed_row(self):
        data = self.data[:100000]
        self.servers.put(data)
        try:
            r = bd.timed("ftp", data, "m1", 20.0, self.servers)
        finally:
            self.servers.put(self.data)
        # 10 s of radio after a 16 s start; the 16 kB burst of the pacing
        # can make it up to 1.6 s shorter, and what the simulator does in
        # wall time (fsyncs, the commit) counts 20 times in module time
        self.assertTrue(0.85 * r["ideal"] <= r["sim"] <= 1.3 * r["ideal"], r)
        self.assertTrue(0.8 * (r["ideal"] - 16) <= r["log"] <= 1.4 * (r["ideal"] - 16), r)
        self.assertLess(r["cpu"], r["wall"])


if __name__ == "__main__":
    unittest.main()
