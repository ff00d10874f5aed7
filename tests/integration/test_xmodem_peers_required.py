"""A test whose declared peer is missing fails, it does not skip: each test
program that needs lrzsz or python3-xmodem is run with the peer hidden
(PATH without lrzsz's sx and rx; a python3-xmodem that cannot be
imported) and must exit non-zero at once with one line naming the Debian
package, having run no test."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
# program: the peers it declares
NEEDS = {
    "test_sim_ufwupd.py": ("lrzsz", "python3-xmodem"),
    "test_xmodem_receiver_peers.py": ("lrzsz", "python3-xmodem"),
    "test_xmodem_sender_peers.py": ("lrzsz", "python3-xmodem"),
    "test_sim_faults.py": ("python3-xmodem",),
}


class PeersRequired(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sarafw-peers-")
        # shadows the real module on sys.path; the import fails as if the
        # package were not installed
        with open(os.path.join(self.dir, "xmodem.py"), "w") as f:
            f.write("raise ImportError('python3-xmodem hidden by the test')\n")
        self.empty = os.path.join(self.dir, "bin")
        os.mkdir(self.empty)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_without(self, program, package):
        env = dict(os.environ)
        if package == "lrzsz":
            env["PATH"] = self.empty  # python itself runs by its full path
        else:
            env["PYTHONPATH"] = os.pathsep.join([self.dir, HERE])
        p = subprocess.run([sys.executable, os.path.join(HERE, program)], env=env,
                           capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout + p.stderr

    def test_each_missing_peer_fails(self):
        self.assertIsNotNone(shutil.which("sx"), "lrzsz must be installed to run this test")
        for program, packages in NEEDS.items():
            for package in packages:
                with self.subTest(program=program, without=package):
                    rc, out = self.run_without(program, package)
                    self.assertNotEqual(rc, 0, out)
                    self.assertIn("FAILED", out)
                    self.assertIn("install the Debian package " + package, out)
                    self.assertNotIn("skipped", out.lower())
                    self.assertNotIn("Ran ", out)  # stopped before any test

    def test_all_present_is_not_refused(self):
        # the same check with everything installed lets the program start
        import simharness
        self.assertTrue(simharness.require_program("sx", "lrzsz"))
        self.assertTrue(simharness.require_module("xmodem", "python3-xmodem"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
