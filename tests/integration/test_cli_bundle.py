"""sarafw pkg bundle and pkg inspect on image bundles: made and shown (text
and --json), one-line usage errors with exit 2, devdata refused, a bundle
written from docs/bundle-format.md alone (Python's struct and hashlib, and
the openssl tool's signature as the page shows it) accepted as signed by
the DEMO key, and a damaged one refused before sarafw flash opens a port."""
import hashlib
import json
import os
import shutil
import struct
import subprocess
import tempfile
import unittest

from simharness import BIN, require_program

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "..", "keys", "demo.key")


def sarafw(*args, env=None):
    e = {k: v for k, v in os.environ.items() if k not in ("SARAFW_PORT", "SARAFW_BAUD")}
    e.update(env or {})
    return subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True, text=True,
                          timeout=60, env=e)


class Bundle(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp()
        self.files = {}
        for name, size in (("prog.elf", 900), ("sbl.bin", 1000), ("modem.bin", 50000), ("efs.bin", 512)):
            p = os.path.join(self.d, name)
            with open(p, "wb") as f:
                f.write(os.urandom(size))
            self.files[name] = p

    def tearDown(self):
        shutil.rmtree(self.d)

    def make(self, *extra, out="b.sfb"):
        return sarafw("pkg", "bundle", "-o", os.path.join(self.d, out), "--product", "SARA-R422S",
                      "--version", "00.13,A00.02", "--programmer", self.files["prog.elf"], "--key", DEMO,
                      *extra)

    def test_bundle_and_inspect(self):
        r = self.make("sbl=" + self.files["sbl.bin"], "modem=" + self.files["modem.bin"],
                      "efs=" + self.files["efs.bin"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("3 partitions", r.stdout)
        path = os.path.join(self.d, "b.sfb")
        self.assertEqual(os.path.getsize(path), 256 + 3 * 64 + 900 + 1000 + 50000 + 512 + 64)
        r = sarafw("pkg", "inspect", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("00.13,A00.02", r.stdout)
        self.assertIn("DEMO key", r.stdout)
        r = sarafw("pkg", "inspect", path, "--json")
        j = json.loads(r.stdout)
        self.assertEqual(j["type"], "bundle")
        self.assertEqual([p["name"] for p in j["partitions"]], ["sbl", "modem", "efs"])
        with open(self.files["modem.bin"], "rb") as f:
            self.assertEqual(j["partitions"][1]["sha256"], hashlib.sha256(f.read()).hexdigest())
        self.assertTrue(j["demo_key"])

    def test_usage_errors_are_one_line(self):
        cases = [
            ("no partitions", []),
            ("no =", ["sbl"]),
            ("empty name", ["=" + self.files["sbl.bin"]]),
            ("empty file", ["sbl="]),
            ("name too long", ["a" * 16 + "=" + self.files["sbl.bin"]]),
        ]
        for what, args in cases:
            r = self.make(*args)
            self.assertEqual(r.returncode, 2, what + ": " + r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, what + ": " + r.stderr)
        r = sarafw("pkg", "bundle", "-o", os.path.join(self.d, "x"), "--product", "SARA-R422S",
                   "--version", "0013", "--programmer", self.files["prog.elf"], "--key", DEMO,
                   "sbl=" + self.files["sbl.bin"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("MODEM,APP", r.stderr)
        for what, args in (("devdata", ["devdata=" + self.files["sbl.bin"]]),
                           ("upper case", ["Modem=" + self.files["sbl.bin"]]),
                           ("twice", ["sbl=" + self.files["sbl.bin"], "sbl=" + self.files["sbl.bin"]])):
            r = self.make(*args)
            self.assertEqual(r.returncode, 1, what)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, what + ": " + r.stderr)
            self.assertFalse(os.path.exists(os.path.join(self.d, "b.sfb")), what)

    def test_written_from_the_page_alone(self):
        openssl = require_program("openssl", "openssl")
        prog = open(self.files["prog.elf"], "rb").read()
        parts = [("apps", os.urandom(3000)), ("mno", os.urandom(100))]
        count = len(parts)
        length = 256 + 64 * count + len(prog) + sum(len(d) for _, d in parts) + 64
        head = b"SARAFWBN" + struct.pack("<HHHHQQ", 1, 256, 512, count, length, len(prog))
        head += hashlib.sha256(prog).digest()
        head += b"SARA-R410M-02B".ljust(32, b"\0") + b"L0.0.00.00.05.13,A.02.21".ljust(48, b"\0")
        head += bytes(112)
        self.assertEqual(len(head), 256)
        table = b"".join(n.encode().ljust(16, b"\0") + struct.pack("<Q", len(d)) + bytes(8) +
                         hashlib.sha256(d).digest() for n, d in parts)
        body = head + table + prog + b"".join(d for _, d in parts)
        msg = os.path.join(self.d, "msg")
        with open(msg, "wb") as f:
            f.write(b"SARAFWBN-SIG-v1:" + hashlib.sha256(body).digest())
        sig = subprocess.run([openssl, "pkeyutl", "-sign", "-inkey", DEMO, "-rawin", "-in", msg],
                             capture_output=True, check=True).stdout
        self.assertEqual(len(sig), 64)
        path = os.path.join(self.d, "page.sfb")
        with open(path, "wb") as f:
            f.write(body + sig)
        r = sarafw("pkg", "inspect", path, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(r.stdout)
        self.assertTrue(j["demo_key"], "the openssl signature checks")
        self.assertEqual(j["version"], "L0.0.00.00.05.13,A.02.21")
        # one byte changed: sarafw flash refuses it before it opens a port
        with open(path, "r+b") as f:
            f.seek(256 + 64 * count + 10)
            b = f.read(1)
            f.seek(-1, 1)
            f.write(bytes([b[0] ^ 0x40]))
        r = sarafw("flash", path, "--port", "/nonexistent/port")
        self.assertEqual(r.returncode, 1)
        self.assertIn("nothing was sent", r.stderr)
        self.assertNotIn("no such port", r.stderr)


if __name__ == "__main__":
    unittest.main()
