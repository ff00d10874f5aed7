"""sarafw pkg: keygen, create, inspect, verify and apply on two versions of a
small Cortex-M4 program (bench/fw/app.c), the Table 5 code each damaged
package gives, one-line usage errors, no port ever opened, the format
reproduced with the openssl tool alone, and Debian's bsdiff/bspatch on the
same pair as a comparison (never a dependency of the format)."""
import hashlib
import json
import os
import shutil
import stat
import struct
import subprocess
import tempfile
import unittest

from simharness import BIN

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
DEMO = os.path.join(ROOT, "tests", "keys", "demo.key")
APP = os.path.join(ROOT, "bench", "fw", "app.c")


def sarafw(*args, env=None):
    e = {k: v for k, v in os.environ.items() if k not in ("SARAFW_PORT", "SARAFW_BAUD")}
    e.update(env or {})
    return subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True,
                          text=True, timeout=60, env=e)


def build_app(out, version):
    """bench/fw/app.c for a Cortex-M4, as a flat image."""
    elf = out + ".elf"
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-Os", "-ffunction-sections",
                    "-fdata-sections", "-DAPP_VERSION=%d" % version, "-Wno-builtin-macro-redefined",
                    "-D__DATE__=\"Dec  1 2026\"", APP, "--specs=nano.specs", "--specs=nosys.specs",
                    "-Wl,--gc-sections", "-o", elf], check=True, capture_output=True)
    subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", elf, out], check=True)


class Pkg(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="test_cli_pkg.")
        cls.v1 = os.path.join(cls.dir, "v1.bin")
        cls.v2 = os.path.join(cls.dir, "v2.bin")
        build_app(cls.v1, 1)
        build_app(cls.v2, 2)
        cls.key = os.path.join(cls.dir, "k")
        r = sarafw("pkg", "keygen", "-o", cls.key)
        assert r.returncode == 0, r.stderr
        cls.pub = cls.key + ".pub"

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def one_line(self, r, code, *words):
        self.assertEqual(r.returncode, code, r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertTrue(r.stderr.startswith("sarafw: "), r.stderr)
        for w in words:
            self.assertIn(w, r.stderr)

    def create(self, out, *extra, key=None):
        r = sarafw("pkg", "create", "--product", "SARA-R422S", "--key", key or self.key, "-o", out, *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        return out

    def delta(self, name="d.pkg", key=None):
        return self.create(self.path(name), "--from", self.v1, "--to", self.v2, "--from-version",
                           "00.12,A00.00", "--to-version", "00.12,A00.01", key=key)

    def inspect(self, pkg):
        r = sarafw("pkg", "inspect", pkg, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_keygen(self):
        mode = stat.S_IMODE(os.stat(self.key).st_mode)
        self.assertEqual(mode, 0o600)
        with open(self.pub) as f:
            self.assertIn("BEGIN PUBLIC KEY", f.read())
        # openssl reads both
        subprocess.run(["openssl", "pkey", "-in", self.key, "-noout"], check=True)
        subprocess.run(["openssl", "pkey", "-pubin", "-in", self.pub, "-noout"], check=True)
        # never replaces a key
        self.one_line(sarafw("pkg", "keygen", "-o", self.key), 1, "already exists")
        self.one_line(sarafw("pkg", "keygen"), 2, "keygen -o KEY")

    def test_delta_create_inspect_verify_apply(self):
        pkg = self.delta()
        info = self.inspect(pkg)
        self.assertEqual(info["product"], "SARA-R422S")
        self.assertEqual(info["kind"], ["firmware"])
        self.assertTrue(info["delta"])
        self.assertFalse(info["boot"])
        self.assertEqual(info["from_version"], "00.12,A00.00")
        self.assertEqual(info["to_version"], "00.12,A00.01")
        self.assertEqual(info["source_size"], os.path.getsize(self.v1))
        self.assertEqual(info["target_size"], os.path.getsize(self.v2))
        self.assertFalse(info["demo_key"])
        self.assertLess(info["firmware_bytes"], os.path.getsize(self.v2) // 5)
        self.assertEqual(info["size"], os.path.getsize(pkg))

        r = sarafw("pkg", "inspect", pkg)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("from         00.12,A00.00", r.stdout)
        self.assertIn("not checked", r.stdout)

        r = sarafw("pkg", "verify", pkg, "--pub", self.pub)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertIn("signature good", r.stdout)
        r = sarafw("pkg", "verify", pkg, "--pub", self.pub, "--json")
        self.assertEqual(json.loads(r.stdout)["code"], 128)

        out = self.path("out.bin")
        r = sarafw("pkg", "apply", pkg, "--from", self.v1, "-o", out, "--pub", self.pub)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as a, open(self.v2, "rb") as b:
            self.assertEqual(a.read(), b.read())
        # the wrong source image: 168, and no output left behind
        os.unlink(out)
        self.one_line(sarafw("pkg", "apply", pkg, "--from", self.v2, "-o", out), 1, "168")
        self.assertFalse(os.path.exists(out))
        self.one_line(sarafw("pkg", "apply", pkg, "-o", out), 2, "--from OLD")

    def test_wrong_key_and_demo_key(self):
        pkg = self.delta()
        self.one_line(sarafw("pkg", "verify", pkg, "--pub", DEMO + ".pub"), 1, "173",
                      "signature does not match")
        demo = self.delta("demo.pkg", key=DEMO)
        self.assertTrue(self.inspect(demo)["demo_key"])
        r = sarafw("pkg", "inspect", demo)
        self.assertIn("DEMO key", r.stdout)
        self.assertEqual(sarafw("pkg", "verify", demo, "--pub", DEMO + ".pub").returncode, 0)
        # a private key, a missing file: no public key (227)
        self.one_line(sarafw("pkg", "verify", demo, "--pub", DEMO), 1, "227")
        self.one_line(sarafw("pkg", "verify", demo, "--pub", self.path("none.pub")), 1, "227")

    def test_full_profile_nvm_boot(self):
        mbn = self.path("Custom.mbn")
        with open(mbn, "wb") as f:
            f.write(bytes(range(256)) * 3)
        pkg = self.create(self.path("all.pkg"), "--full", "--to", self.v2, "--to-version",
                          "L0.0.00.00.05.12,A.02.19", "--boot", "--profile", mbn, "--profile-id", "205",
                          "--nvm", "band_mask=0x80800", "--nvm", "psm=on")
        info = self.inspect(pkg)
        self.assertEqual(info["kind"], ["firmware", "profile", "nvm"])
        self.assertFalse(info["delta"])
        self.assertTrue(info["boot"])
        self.assertEqual(info["profile"], {"id": 205, "name": "Custom", "size": 768})
        self.assertEqual(info["nvm"], {"band_mask": "0x80800", "psm": "on"})
        r = sarafw("pkg", "inspect", pkg)
        self.assertIn("bricks", r.stdout)
        out = self.path("full.bin")
        self.assertEqual(sarafw("pkg", "apply", pkg, "-o", out).returncode, 0)
        with open(out, "rb") as a, open(self.v2, "rb") as b:
            self.assertEqual(a.read(), b.read())
        # a profile alone
        pkg = self.create(self.path("prof.pkg"), "--profile", mbn, "--profile-id", "7",
                          "--profile-name", "Carrier X")
        info = self.inspect(pkg)
        self.assertEqual(info["kind"], ["profile"])
        self.assertEqual(info["profile"]["name"], "Carrier X")
        self.one_line(sarafw("pkg", "apply", pkg, "-o", out), 1, "no firmware part")

    def test_damaged_packages_give_table5_codes(self):
        with open(self.delta(), "rb") as f:
            good = f.read()
        cases = [
            ("flipped payload byte", good[:400] + bytes([good[400] ^ 1]) + good[401:], 173),
            ("flipped signature byte", good[:-1] + bytes([good[-1] ^ 1]), 173),
            ("truncated", good[:-10], 180),
            ("a byte appended", good + b"\0", 180),
            ("bad magic", b"X" + good[1:], 148),
            ("format version 9", good[:8] + b"\x09" + good[9:], 174),
            ("shorter than a header", good[:100], 148),
            ("empty", b"", 148),
        ]
        for name, data, code in cases:
            with self.subTest(name):
                p = self.path("bad.pkg")
                with open(p, "wb") as f:
                    f.write(data)
                r = sarafw("pkg", "verify", p, "--pub", self.pub)
                self.one_line(r, 1, "Table 5 code %d" % code)
                r = sarafw("pkg", "verify", p, "--pub", self.pub, "--json")
                self.assertEqual(json.loads(r.stdout)["code"], code)
                self.assertFalse(json.loads(r.stdout)["ok"])
                if code != 173:  # structure: inspect says so too
                    self.one_line(sarafw("pkg", "inspect", p), 1, str(code))

    def test_usage_errors_are_one_line(self):
        v1, v2, k, o = self.v1, self.v2, self.key, self.path("u.pkg")
        cases = [
            (["pkg"], "keygen, create"),
            (["pkg", "frob"], "unknown pkg command 'frob'"),
            (["pkg", "create", "--key", k, "-o", o, "--to", v2, "--to-version", "a,b"], "--product"),
            (["pkg", "create", "--product", "P", "-o", o, "--to", v2, "--to-version", "a,b", "--full"], "--key"),
            (["pkg", "create", "--product", "P", "--key", k, "-o", o], "--to NEW"),
            (["pkg", "create", "--product", "P", "--key", k, "-o", o, "--to", v2, "--to-version", "a,b"],
             "--from OLD"),
            (["pkg", "create", "--product", "P", "--key", k, "-o", o, "--from", v1, "--to", v2,
              "--from-version", "00.12", "--to-version", "00.12,A00.01"], "as ATI9 prints them"),
            (["pkg", "create", "--product", "P", "--key", k, "-o", o, "--nvm", "novalue"], "KEY=VALUE"),
            (["pkg", "create", "--product", "P", "--key", k, "-o", o, "--profile", v1], "--profile-id"),
            (["pkg", "create", "--product", "P", "--key", k, "-o", o, "--profile", v1, "--profile-id", "300"],
             "0 to 255"),
            (["pkg", "create", "--product", "P", "--key", k, "-o", o, "--full", "--from", v1, "--to", v2,
              "--to-version", "a,b"], "leave out --from"),
            (["pkg", "verify", o], "--pub KEY.pub"),
            (["pkg", "inspect"], "inspect FILE"),
        ]
        for args, words in cases:
            with self.subTest(args=args):
                self.one_line(sarafw(*args), 2, words)
        # not usage, but a failure with its next step
        self.one_line(sarafw("pkg", "create", "--product", "P", "--key", self.path("nokey"), "-o", o,
                             "--full", "--to", v2, "--to-version", "a,b"), 1, "pkg keygen")
        self.one_line(sarafw("pkg", "create", "--product", "P", "--key", k, "-o", o, "--full", "--to",
                             self.path("missing.bin"), "--to-version", "a,b"), 1, "missing.bin")
        self.assertFalse(os.path.exists(o))

    def test_never_opens_a_port(self):
        # any open of these would fail (exit 3 or 7); pkg never tries
        env = {"SARAFW_PORT": "/nonexistent/ttyUSB0"}
        pkg = self.delta()
        for args in (["pkg", "inspect", pkg], ["pkg", "verify", pkg, "--pub", self.pub],
                     ["--port", "/nonexistent/tty", "pkg", "inspect", pkg],
                     ["pkg", "inspect", pkg, "--port", "/dev/null"]):
            with self.subTest(args=args):
                r = sarafw(*args, env=env)
                self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_openssl_alone_makes_the_same_signature(self):
        """docs/package-format.md's recipe: another tool signs the same way."""
        pkg = self.delta("o.pkg", key=DEMO)
        with open(pkg, "rb") as f:
            data = f.read()
        body, msg, sig = self.path("body"), self.path("msg"), self.path("sig")
        with open(body, "wb") as f:
            f.write(data[:-64])
        digest = subprocess.run(["openssl", "dgst", "-sha256", "-binary", body], check=True,
                                capture_output=True).stdout
        with open(msg, "wb") as f:
            f.write(b"SARAFWPK-SIG-v1:" + digest)
        subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", DEMO, "-rawin", "-in", msg, "-out", sig],
                       check=True)
        with open(sig, "rb") as f:
            self.assertEqual(f.read(), data[-64:])  # Ed25519 is deterministic

    def test_independent_producer(self):
        """A package written from docs/package-format.md alone (Python, the
        xz and openssl tools): sarafw verifies and applies it."""
        def uv(v):
            out = bytearray()
            while True:
                b, v = v & 0x7F, v >> 7
                out.append(b | (0x80 if v else 0))
                if not v:
                    return bytes(out)

        def lzma2(data):
            if not data:
                return b""
            return subprocess.run(["xz", "--format=raw", "--lzma2=preset=6,dict=512KiB", "-c"], input=data,
                                  capture_output=True, check=True).stdout

        with open(self.v1, "rb") as f:
            old = f.read()
        with open(self.v2, "rb") as f:
            new = f.read()
        # one triple: add over the common length, copy the rest
        common = min(len(old), len(new))
        diff = bytes((new[i] - old[i]) & 0xFF for i in range(common))
        runs, i = bytearray(), 0
        while i < common:
            j = i
            while j < common and diff[j] == 0:
                j += 1
            k = j
            while k < common and diff[k] != 0:
                k += 1
            runs += uv(j - i) + uv(k - j) + diff[j:k]
            i = k
        streams = [lzma2(uv(common) + uv(len(new) - common) + uv(0)), lzma2(bytes(runs)),
                   lzma2(new[common:])]
        delta = (b"SFWDELTA" + bytes([1, 1]) + bytes(6) + struct.pack("<QQ", len(old), len(new))
                 + struct.pack("<QQQ", *map(len, streams)) + b"".join(streams))
        h = bytearray(256)
        h[0:8] = b"SARAFWPK"
        struct.pack_into("<HHIII", h, 8, 1, 256, 1, 1, 1)  # version, header length, firmware, delta, 1 section
        struct.pack_into("<QQ", h, 32, len(old), len(new))
        h[48:80] = hashlib.sha256(old).digest()
        h[80:112] = hashlib.sha256(new).digest()
        h[112:122] = b"SARA-R422S"
        h[144:156] = b"00.12,A00.00"
        h[192:204] = b"00.12,A00.01"
        body = bytes(h) + struct.pack("<IIQ", 1, 0, len(delta)) + delta
        body = body[:24] + struct.pack("<Q", len(body) + 64) + body[32:]
        msg = self.path("indep.msg")
        with open(msg, "wb") as f:
            f.write(b"SARAFWPK-SIG-v1:" + hashlib.sha256(body).digest())
        sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", DEMO, "-rawin", "-in", msg],
                             capture_output=True, check=True).stdout
        pkg = self.path("indep.pkg")
        with open(pkg, "wb") as f:
            f.write(body + sig)
        r = sarafw("pkg", "verify", pkg, "--pub", DEMO + ".pub")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = self.path("indep.bin")
        r = sarafw("pkg", "apply", pkg, "--from", self.v1, "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), new)

    def test_bsdiff_comparison(self):
        """Debian's bsdiff 4.3 on the same pair, as a yardstick: both
        reproduce v2, and sarafw's delta is no larger."""
        patch, out = self.path("p.bsdiff"), self.path("bs.bin")
        subprocess.run(["bsdiff", self.v1, self.v2, patch], check=True)
        subprocess.run(["bspatch", self.v1, out, patch], check=True)
        with open(out, "rb") as a, open(self.v2, "rb") as b:
            self.assertEqual(a.read(), b.read())
        ours = self.inspect(self.delta())["firmware_bytes"]
        self.assertLessEqual(ours, os.path.getsize(patch))


if __name__ == "__main__":
    unittest.main(verbosity=2)
