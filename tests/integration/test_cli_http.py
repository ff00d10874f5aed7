"""sarafw http against sarafw-sim, whose +UHTTPC=<p>,100 fetches the
package from a real nginx (netpeers.py) on a free loopback port with its
own config: the download with the module's MD5, a wrong --md5, a missing
file (the HTTP status and +UHTTPER), basic authentication with the
password kept out of the trace, the install after it; the R422 family's
elapsed time against the time the radio rate gives (--rat, --bandwidth,
--size, --package); a sarafw killed mid-download and run again (the GET
again, which the module resumes with a Range request after a power cut);
Ctrl-C, after which the module's download goes on and the same command
later gets the whole file."""
import hashlib
import os
import random
import re
import tempfile
import unittest

import simpkg
from netpeers import SCALE, Background, HttpServer, fota_package, sarafw
from simharness import Sim

DATA = random.Random(0x477).randbytes(200 * 1024)
MD5 = hashlib.md5(DATA).hexdigest()


def setUpModule():
    global SERVER, TMP
    TMP = tempfile.TemporaryDirectory()
    SERVER = HttpServer(TMP.name, {"pkg.bin": DATA, "private/pkg.bin": DATA})


def tearDownModule():
    SERVER.close()
    TMP.cleanup()


def http_args(sim, path, *extra, trace=None):
    return (["--port", sim.link] + (["--trace", trace] if trace else []) +
            ["http", "--url", SERVER.url(path), "--no-install"] + list(extra))


class HttpCli(unittest.TestCase):
    def http(self, sim, path, *extra):
        trace = os.path.join(TMP.name, "trace")
        r = sarafw(*http_args(sim, path, *extra, trace=trace), state=TMP.name)
        with open(trace) as f:
            return r, f.read()

    def test_download_md5(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, _ = self.http(sim, "/pkg.bin", "--md5", MD5)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("MD5 " + MD5, r.stdout)
        self.assertIn("HTTP status 200", r.stderr)

    def test_wrong_md5(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, _ = self.http(sim, "/pkg.bin", "--md5", "f" * 32)
        self.assertEqual(r.returncode, 1)
        self.assertIn("differs from --md5", r.stderr)

    def test_missing_file(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, trace = self.http(sim, "/none.bin")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"HTTP download failed: error \d+,\d+: .*; check the URL")
        self.assertIn("+UHTTPER", trace)

    def test_basic_auth_hidden(self):
        pw = os.path.join(TMP.name, "pw")
        with open(pw, "w") as f:
            f.write("hunter2\n")
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, trace = self.http(sim, "/private/pkg.bin", "--user", "fota", "--password-file", pw)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("MD5 " + MD5, r.stdout)
        self.assertNotIn("hunter2", trace)
        self.assertIn('AT+UHTTP=0,3,"***"', trace)

    def test_elapsed_against_expected(self):
        # note §3.3.1: no progress from the R422 family; the rate and the
        # size give the expected time: 204800 B x 8 / 80 kbit/s = 20 s
        pkg = os.path.join(TMP.name, "local.bin")
        with open(pkg, "wb") as f:
            f.write(DATA)
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, _ = self.http(sim, "/pkg.bin", "--rat", "m1", "--package", pkg)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stderr, r"downloading: \d+ s of about 20 s")
            r, _ = self.http(sim, "/pkg.bin", "--bandwidth", "8000", "--size", str(len(DATA)))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("of about 3 min 25 s", r.stderr)
            r, _ = self.http(sim, "/pkg.bin", "--json", "--size", str(len(DATA)))
            self.assertIn('{"event":"elapsed","elapsed_seconds":0,"expected_seconds":20}', r.stdout)
            r, _ = self.http(sim, "/pkg.bin")
            self.assertIn("no progress from this module", r.stderr)
        r = sarafw("http", "--url", SERVER.url("/pkg.bin"), "--rat", "lte", state=TMP.name)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--rat takes m1, nb1 or gsm", r.stderr)

    def test_download_installs_and_verifies(self):
        # a small image of the simulator's own, and a signed delta to the
        # next version on the server: then install and version check
        image = os.path.join(TMP.name, "fw.bin")
        with open(image, "wb") as f:
            f.write(random.Random(1).randbytes(8192))
        with Sim("SARA-R422S", time_scale=SCALE, args=["--firmware", image]) as sim:
            img = simpkg.read_image(sim)
            work = os.path.join(TMP.name, "pkg.d")
            os.makedirs(work, exist_ok=True)
            pkg = simpkg.make(work, "SARA-R422S", target=simpkg.derive_image(img), source=img,
                              from_version="00.12,A00.01", to_version="00.13,A00.01")
            with open(os.path.join(TMP.name, "root", "fw.pkg"), "wb") as f:
                f.write(pkg)
            r = sarafw("--port", sim.link, "http", "--url", SERVER.url("/fw.pkg"),
                       "--md5", hashlib.md5(pkg).hexdigest(), "--expect-version", "00.13,A00.01",
                       state=TMP.name)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("install result 128", r.stdout)
        self.assertTrue(re.search(r"firmware 00\.13,A00\.01", r.stdout), r.stdout)


class HttpHostRestart(unittest.TestCase):
    # 16 kbit/s of module time: about 100 s for the file, 2 s at the scale
    SLOW = ["--bandwidth", "16000"]

    def test_kill_and_power_cut_then_again(self):
        with Sim("SARA-R422S", time_scale=SCALE, args=self.SLOW) as sim:
            seen = len(SERVER.requests())  # other tests' requests
            bg = Background(*http_args(sim, "/pkg.bin", "--size", str(len(DATA)), "--bandwidth", "16000"),
                            state=sim.work)
            try:
                # past 64 KiB (the module syncs its part file in such steps)
                bg.wait_for(r"downloading: [4-9]\d s of about")
            finally:
                bg.kill()
            sim.restart()
            r = sarafw(*http_args(sim, "/pkg.bin", "--md5", MD5), state=sim.work)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("asking for %s again" % SERVER.url("/pkg.bin"), r.stderr)
            self.assertEqual(fota_package(sim), DATA)
            # the GET again came with a Range from what the module stored:
            # fewer bytes than the whole file
            resumed = [(n, rng) for n, rng in SERVER.requests()[seen:] if rng.startswith("bytes=")]
            self.assertEqual(len(resumed), 1, SERVER.requests())
            offset = int(resumed[0][1][6:].split("-")[0])
            self.assertGreater(offset, 0)
            self.assertEqual(resumed[0][0], len(DATA) - offset)

    def test_ctrl_c_leaves_the_download_running(self):
        with Sim("SARA-R422S", time_scale=SCALE, args=self.SLOW) as sim:
            bg = Background(*http_args(sim, "/pkg.bin", "--size", str(len(DATA)), "--bandwidth", "16000"),
                            state=sim.work)
            bg.wait_for(r"downloading: [1-9]\d* s of about")
            rc, _, err = bg.interrupt()
            bg.close()
            self.assertEqual(rc, 130, err)
            self.assertIn("the module goes on downloading over HTTP", err)
            # the same command again asks again (docs/behaviour.md: on the
            # R422 family that ends the running download, note §7, and the
            # new GET resumes from the bytes the module synced)
            r = sarafw(*http_args(sim, "/pkg.bin", "--md5", MD5), state=sim.work)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(fota_package(sim), DATA)


if __name__ == "__main__":
    unittest.main()
