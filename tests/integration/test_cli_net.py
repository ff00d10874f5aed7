"""sarafw ftp and sarafw http against sarafw-sim over the real PTY: the
command lines they refuse, and the one line naming the methods a
product version has when it lacks the one asked for (note Table 1).
The downloads themselves need the simulator's +UFTPC/+UHTTPC."""
import os
import subprocess
import tempfile
import unittest

from simharness import BIN, Sim

SCALE = 50


def sarafw(*args, state=None, timeout=60):
    env = dict(os.environ, SARAFW_TIME_SCALE=str(SCALE))
    if state:
        env["SARAFW_STATE_DIR"] = state
    return subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=env)


class NetCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.pw = os.path.join(self.tmp.name, "pw")
        with open(self.pw, "w") as f:
            f.write("s3cret\n")

    def tearDown(self):
        self.tmp.cleanup()

    def test_usage_errors(self):
        cases = [
            ["ftp", "--server", "h", "--user", "u", "--password-file", self.pw],  # no --file
            ["ftp", "--server", "h", "--user", "u", "--file", "f"],                # no password
            ["ftp", "--server", "h:99999", "--user", "u", "--password-file", self.pw, "--file", "f"],
            ["ftp", "--file", "f", "--cancel", "--resume"],
            ["ftp", "--server", "h", "--user", "u", "--password-file", self.pw, "--file", "f",
             "--md5", "xyz"],
            ["ftp", "--server", "h", "--user", "u", "--password-file",
             os.path.join(self.tmp.name, "none"), "--file", "f"],
            ["http"],
            ["http", "--url", "ftp://h/x"],
            ["http", "--url", "http://h/x", "--user", "u"],
        ]
        for argv in cases:
            with self.subTest(argv=argv):
                r = sarafw("--port", "/nonexistent", *argv)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
                self.assertNotIn("s3cret", r.stderr)

    def check_refused(self, variant, argv, method, methods):
        trace = os.path.join(self.tmp.name, "trace")
        with Sim(variant, time_scale=SCALE) as sim:
            r = sarafw("--port", sim.link, "--trace", trace, *argv, state=self.tmp.name)
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("no firmware download over " + method, lines[0])
        for m in methods:
            self.assertIn(m, lines[0])
        with open(trace) as f:
            text = f.read()
        self.assertNotIn("+UFTP", text)
        self.assertNotIn("+UHTTP", text)

    def test_http_on_r410m_names_its_methods(self):
        self.check_refused("SARA-R410M-02B-03", ["http", "--url", "http://127.0.0.1/pkg"], "HTTP",
                           ["uFOTA", "FTP", "FOAT"])

    def test_ftp_on_r422_names_its_methods(self):
        self.check_refused("SARA-R422", ["ftp", "--server", "127.0.0.1", "--user", "u",
                                         "--password-file", self.pw, "--file", "pkg"], "FTP",
                           ["uFOTA", "FOAT"])


if __name__ == "__main__":
    unittest.main()
