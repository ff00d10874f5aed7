"""sarafw ftp against sarafw-sim, whose +UFTPC=100 fetches the package
from a real FTP server (pyftpdlib, netpeers.py) on a free loopback port:
the download with its MD5 (R422S) or without (R410M), a wrong --md5, a
wrong password with +UFTPER's meaning, the password kept out of the
trace; a sarafw killed mid-download (kill -9) that is run again and
resumes (the module still downloading, or restarted too: then fewer
bytes come from the server than a whole download), and Ctrl-C, which
cancels the session on the module, then a new session."""
import hashlib
import os
import random
import tempfile
import unittest

from netpeers import SCALE, Background, FtpServer, fota_package, sarafw
from simharness import Sim

R410 = "SARA-R410M-02B-03"
DATA = random.Random(0xF7C).randbytes(300 * 1024)  # past the status URCs' step (100 kB)
OTHER = random.Random(0xF7D).randbytes(20 * 1024)
# 16 kbit/s of module time: 150 s for the file, 3 s at the time scale
SLOW = ["--bandwidth", "16000"]
MIDWAY = r"downloading: \d+ / 307200 bytes \([1-5]\d%\)"  # a status URC past the first


def setUpModule():
    global SERVER, TMP
    SERVER = FtpServer({"pkg.bin": DATA, "other.bin": OTHER})
    TMP = tempfile.TemporaryDirectory()


def tearDownModule():
    SERVER.close()
    TMP.cleanup()


def ftp_args(sim, *extra, pw=None, trace=None, file="pkg.bin"):
    pwfile = os.path.join(TMP.name, "pw")
    with open(pwfile, "w") as f:
        f.write((pw or "s3cret") + "\n")
    return (["--port", sim.link] + (["--trace", trace] if trace else []) +
            ["ftp", "--server", "127.0.0.1:%d" % SERVER.port, "--user", "fota", "--password-file", pwfile,
             "--file", file, "--no-install"] + list(extra))


class FtpCli(unittest.TestCase):
    def ftp(self, sim, *extra, pw=None):
        trace = os.path.join(TMP.name, "trace")
        r = sarafw(*ftp_args(sim, *extra, pw=pw, trace=trace), state=TMP.name)
        with open(trace) as f:
            return r, f.read()

    def test_r422s_md5(self):
        md5 = hashlib.md5(DATA).hexdigest()
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, trace = self.ftp(sim, "--md5", md5.upper())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("MD5 " + md5, r.stdout)
        self.assertNotIn("s3cret", trace)
        self.assertIn('AT+UFTP=3,"***"', trace)

    def test_r410m_bare_result(self):
        # note §3.3.2: R410M's result has no MD5, so --md5 cannot be checked
        with Sim(R410, time_scale=SCALE) as sim:
            r, _ = self.ftp(sim, "--md5", hashlib.md5(DATA).hexdigest())
            self.assertEqual(fota_package(sim), DATA)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[0], "downloaded over FTP")
        self.assertIn("--md5 was not checked", r.stderr)
        self.assertRegex(r.stderr, r"downloading: \d+ / 307200 bytes \(\d+%\)")

    def test_wrong_md5_is_not_installed(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, _ = self.ftp(sim, "--md5", "0" * 32)
        self.assertEqual(r.returncode, 1)
        self.assertIn("differs from --md5", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()[-1:]), 1)

    def test_wrong_password(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            r, trace = self.ftp(sim, pw="wrong")
        self.assertEqual(r.returncode, 1)
        # one line: the meaning (+UFTPER) and what to do next
        self.assertRegex(r.stderr, r"FTP download failed: error \d+,\d+: .*; check the server, user, password")
        self.assertNotIn("wrong", trace)


    def test_r410m_file_name_rule(self):
        # note §3.2, SARA-R410M/R412M: no path, at most 64 characters
        with Sim(R410, time_scale=SCALE) as sim:
            for name in ("fota/pkg.bin", "x" * 65):
                r = sarafw(*ftp_args(sim, file=name), state=TMP.name)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("without a path, at most 64 characters (note §3.2)", r.stderr)
                self.assertEqual(r.stderr.count("sarafw:"), 1)


class FtpHostRestart(unittest.TestCase):
    def start_and_kill(self, sim):
        bg = Background(*ftp_args(sim), state=sim.work)
        try:
            bg.wait_for(MIDWAY)  # the module runs it: the record says so
        finally:
            bg.kill()
        return bg

    def test_kill_then_again_follows_the_running_download(self):
        # the host dies, the module goes on (note §3.2): the next sarafw
        # finds the record and waits for that download, fetching nothing new
        with Sim(R410, time_scale=SCALE, args=SLOW) as sim:
            retrs = len(SERVER.retrs)
            self.start_and_kill(sim)
            r = sarafw(*ftp_args(sim), state=sim.work)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("resuming the FTP download of pkg.bin a stopped sarafw began", r.stderr)
            self.assertEqual(fota_package(sim), DATA)
            self.assertEqual(len(SERVER.retrs), retrs + 1)  # the first RETR only: nothing fetched again

    def test_kill_and_power_cut_then_again_resumes(self):
        # the host and the module restart: the login is gone (volatile,
        # note §3.1), the stored bytes are not; the next sarafw logs in and
        # resumes (AT+UFTPC=100,<file>,1): fewer bytes than a whole download
        with Sim(R410, time_scale=SCALE, args=SLOW) as sim:
            self.start_and_kill(sim)
            sim.restart()
            retrs = len(SERVER.retrs)
            trace = os.path.join(sim.work, "trace")
            r = sarafw(*ftp_args(sim, trace=trace), state=sim.work)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("resuming the FTP download", r.stderr)
            with open(trace) as f:
                self.assertIn('AT+UFTPC=100,"pkg.bin",1', f.read())
            self.assertEqual(fota_package(sim), DATA)
            # one RETR, from the point the module had stored (REST): the
            # server sends the rest only, fewer bytes than the whole file
            self.assertEqual(len(SERVER.retrs), retrs + 1)
            self.assertGreater(SERVER.retrs[-1], 0)
            self.assertLess(SERVER.retrs[-1], len(DATA))

    def test_kill_then_another_file_cancels_first(self):
        # the record names pkg.bin: a run for other.bin cancels that
        # session on the module first (note §3.2), in one line, then downloads
        with Sim(R410, time_scale=SCALE, args=SLOW) as sim:
            self.start_and_kill(sim)
            trace = os.path.join(sim.work, "trace")
            r = sarafw(*ftp_args(sim, trace=trace, file="other.bin"), state=sim.work)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("sarafw: the state file names another FTP download: cancelling that session", r.stderr)
            self.assertNotIn("resuming", r.stderr)
            with open(trace) as f:
                t = f.read()
            self.assertLess(t.index('AT+UFTPC=100,"other.bin",0'), t.index('AT+UFTPC=100,"other.bin"\n'))
            self.assertEqual(fota_package(sim), OTHER)

    def test_ctrl_c_cancels_then_a_new_session(self):
        with Sim(R410, time_scale=SCALE, args=SLOW) as sim:
            bg = Background(*ftp_args(sim), state=sim.work)
            bg.wait_for(MIDWAY)
            rc, _, err = bg.interrupt()
            bg.close()
            self.assertEqual(rc, 130, err)
            self.assertIn("the module's FTP session was cancelled", err)
            self.assertEqual(err.strip().splitlines()[-1].count("sarafw:"), 1)
            # note §3.2: a cancelled session cannot resume: a new one begins
            r = sarafw(*ftp_args(sim), state=sim.work)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotIn("resuming", r.stderr)
            self.assertEqual(fota_package(sim), DATA)


if __name__ == "__main__":
    unittest.main()
