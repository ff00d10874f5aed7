"""sarafw-sim: identity of every variant, error forms, echo, robustness,
command-line behaviour."""
import os
import random
import signal
import subprocess
import time
import unittest

from simharness import VARIANTS, Sim, luhn_ok, run_sim

# type number (ATI0), model (+CGMM), ATI9, SVN, +UBKUPDATA, +UFOTASTAT default
# (None: not supported), +ULWM2MSTAT default; note Table 2, §2.6.6, §6.3.
EXPECT = {
    "SARA-R410M-02B-00": ("SARA-R410M-02B-00", "SARA-R410M-02B", "L0.0.00.00.05.04,A.02.00", False, None, 1),
    "SARA-R410M-02B-01": ("SARA-R410M-02B-01", "SARA-R410M-02B", "L0.0.00.00.05.06,A.02.01", False, None, 1),
    "SARA-R410M-02B-02": ("SARA-R410M-02B-02", "SARA-R410M-02B", "L0.0.00.00.05.08,A.02.04", False, None, 1),
    "SARA-R410M-02B-03": ("SARA-R410M-02B-03", "SARA-R410M-02B", "L0.0.00.00.05.12,A.02.19", True, 0, 0),
    "SARA-R410M-52B": ("SARA-R410M-52B-00", "SARA-R410M-52B", "L0.0.00.00.06.05,A.06.00", False, None, 1),
    "SARA-R410M-63B": ("SARA-R410M-63B-00", "SARA-R410M-63B", "L0.0.00.00.07.04,A.07.02", False, 1, 1),
    "SARA-R410M-73B": ("SARA-R410M-73B-00", "SARA-R410M-73B", "L0.0.00.00.08.03,A.08.01", False, 1, 1),
    "SARA-R410M-83B": ("SARA-R410M-83B-00", "SARA-R410M-83B", "L0.0.00.00.09.02,A.09.01", False, 1, 1),
    "SARA-R412M-02B-00": ("SARA-R412M-02B-00", "SARA-R412M-02B", "M0.09.00,A.02.11", False, None, 1),
    "SARA-R412M-02B-01": ("SARA-R412M-02B-01", "SARA-R412M-02B", "M0.10.00,A.02.14", False, None, 1),
    "SARA-R412M-02B-02": ("SARA-R412M-02B-02", "SARA-R412M-02B", "M0.11.01,A.02.17", False, None, 1),
    "SARA-R412M-02B-03": ("SARA-R412M-02B-03", "SARA-R412M-02B", "M0.11.03,A.02.19", True, 0, 0),
    "SARA-R422": ("SARA-R422-00B-00", "SARA-R422", "00.12,A00.00", True, 0, 0),
    "SARA-R422S": ("SARA-R422S-00B-00", "SARA-R422S", "00.12,A00.01", True, 0, 0),
    "SARA-R422M8S": ("SARA-R422M8S-00B-00", "SARA-R422M8S", "00.12,A00.02", True, 0, 0),
    "SARA-N410": ("SARA-N410-02B-00", "SARA-N410-02B", "L0.0.00.00.05.10,A.02.14", True, 0, 0),
}

SCALE = 100


class Identity(unittest.TestCase):
    def test_every_variant(self):
        self.assertEqual(sorted(VARIANTS), sorted(EXPECT))
        for name in VARIANTS:
            tn, model, ati9, bnr, ufota, lwm2m = EXPECT[name]
            with self.subTest(variant=name), Sim(name, time_scale=SCALE) as sim:
                p = sim.open()
                sim.wait_boot(p)
                ati0 = p.command("ATI0")
                self.assertEqual(ati0, [tn, "OK"])
                self.assertTrue(ati0[0].startswith(name))
                if name == "SARA-R422":
                    self.assertTrue(ati0[0].startswith("SARA-R422-"))
                self.assertEqual(p.command("ATI9"), [ati9, "OK"])
                self.assertEqual(p.command("AT+CGMI"), ["u-blox", "OK"])
                self.assertEqual(p.command("AT+CGMM"), [model, "OK"])
                imei = p.command("AT+CGSN")
                self.assertEqual(imei[1], "OK")
                self.assertRegex(imei[0], r"^\d{15}$")
                self.assertTrue(luhn_ok(imei[0]), imei[0])
                cgmr = p.command("AT+CGMR")
                self.assertTrue(cgmr[0].startswith(ati9.split(",")[0]), cgmr)
                ati = p.command("ATI")
                self.assertEqual(ati[:3], ["Manufacturer: u-blox", "Model: " + model,
                                           "Revision: " + ati9.split(",")[0]])
                self.assertEqual(ati[4], "IMEI: " + imei[0])
                self.assertEqual(ati[-1], "OK")
                bk = p.command("AT+UBKUPDATA?")
                self.assertEqual(bk, ['+UBKUPDATA: 0,0,1,0,0,0,""', "OK"] if bnr else ["ERROR"])
                fs = p.command("AT+UFOTASTAT?")
                self.assertEqual(fs, ["ERROR"] if ufota is None else ["+UFOTASTAT: %d" % ufota, "OK"])
                self.assertEqual(p.command("AT+ULWM2MSTAT?"), ["+ULWM2MSTAT: %d" % lwm2m, "OK"])
                ipr = p.command("AT+IPR=?")[0]
                self.assertEqual("3000000" in ipr, name.startswith("SARA-R422"), ipr)
                mno0 = p.command("AT+UMNOPROF=0")
                self.assertEqual(mno0, ["ERROR"] if name.startswith("SARA-R422") else ["OK"])
                self.assertEqual(p.command("AT+IPR=921600"),
                                 ["OK"] if name.startswith("SARA-R422") else ["ERROR"])


class Behaviour(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = Sim("SARA-R410M-02B-03", time_scale=SCALE)
        cls.port = cls.sim.open()
        cls.sim.wait_boot(cls.port)

    @classmethod
    def tearDownClass(cls):
        cls.sim.cleanup()

    def setUp(self):
        self.port.command("ATE1")
        self.port.command("AT+CMEE=0")

    def test_cmee_forms(self):
        p = self.port
        self.assertEqual(p.command("AT+CMEE?"), ["+CMEE: 0", "OK"])
        self.assertEqual(p.command("AT+CMEE=?"), ["+CMEE: (0-2)", "OK"])
        self.assertEqual(p.command("AT+NOSUCH"), ["ERROR"])
        self.assertEqual(p.command("AT+CEREG=9"), ["ERROR"])
        self.assertEqual(p.command("AT+CMEE=1"), ["OK"])
        self.assertEqual(p.command("AT+CEREG=9"), ["+CME ERROR: 50"])
        self.assertEqual(p.command("AT+NOSUCH"), ["+CME ERROR: 100"])
        self.assertEqual(p.command("AT+CMEE=2"), ["OK"])
        self.assertEqual(p.command("AT+CEREG=9"), ["+CME ERROR: incorrect parameters"])
        self.assertEqual(p.command("AT+CSGT=1,\"unterminated"), ["+CME ERROR: incorrect parameters"])
        self.assertEqual(p.command("AT+CMEE?"), ["+CMEE: 2", "OK"])
        self.assertEqual(p.command("AT+CMEE=3"), ["+CME ERROR: incorrect parameters"])

    def test_echo(self):
        p = self.port
        p.write("AT+CGMI\r")
        self.assertEqual(p.expect("OK"), ["AT+CGMI", "u-blox", "OK"])
        p.write("ATE0\r")
        self.assertEqual(p.expect("OK"), ["ATE0", "OK"])
        p.write("AT+CGMI\r")
        self.assertEqual(p.expect("OK"), ["u-blox", "OK"])
        p.write("at+cgmi\r")  # the prefix and command are case-insensitive
        self.assertEqual(p.expect("OK"), ["u-blox", "OK"])
        p.write("ATE1\r")
        self.assertEqual(p.expect("OK"), ["OK"])
        p.write("AT\r")
        self.assertEqual(p.expect("OK"), ["AT", "OK"])

    def test_garbage_then_at(self):
        p = self.port
        p.command("ATE0")
        p.write(bytes(range(256)) + b"\r")
        p.write(b"\x00\x00AT\x00\r")
        p.write(b"AT+" + b"\xff" * 40 + b"\r")
        p.write("A" * 3000 + "\r")          # over-long: dropped with ERROR
        p.write(b"\nAT+CGMI=\"x\r\n")
        # the line without "AT" gets no answer (V.250); the NUL-laden AT
        # is still AT; the rest are errors
        finals = []
        while len(finals) < 4:
            line = p.readline(5)
            if line in ("OK", "ERROR"):
                finals.append(line)
        self.assertEqual(finals, ["OK", "ERROR", "ERROR", "ERROR"])
        self.assertEqual(p.drain(0.3), b"")
        self.assertEqual(p.command("AT"), ["OK"])
        p.write("AT+CGMM" + "X" * 1500 + "\r")
        self.assertEqual(p.expect(lambda l: l in ("OK", "ERROR")), ["ERROR"])
        self.assertEqual(p.command("AT"), ["OK"])
        self.assertEqual(p.command("AT+CGMI"), ["u-blox", "OK"])

    def test_network_reads(self):
        p = self.port
        self.assertEqual(p.command("AT+CEREG=?"), ["+CEREG: (0-3)", "OK"])
        self.assertEqual(p.command("AT+CEREG=2"), ["OK"])
        self.assertRegex(p.command("AT+CEREG?")[0], r'^\+CEREG: 2,1,"[0-9A-F]{4}","[0-9A-F]+",7$')
        self.assertEqual(p.command("AT+CEREG=0"), ["OK"])
        self.assertEqual(p.command("AT+CPMS=\"SM\",\"SM\",\"SM\""), ["+CPMS: 0,50,0,50,0,50", "OK"])
        self.assertEqual(p.command("AT+CPMS?"), ['+CPMS: "SM",0,50,"SM",0,50,"SM",0,50', "OK"])
        self.assertEqual(p.command("AT+CPMS=\"XX\""), ["ERROR"])
        self.assertEqual(p.command("AT+CGDCONT=5,\"IP\",\"my.apn\""), ["OK"])
        self.assertIn('+CGDCONT: 5,"IP","my.apn","0.0.0.0",0,0,0,0,0', p.command("AT+CGDCONT?"))
        self.assertEqual(p.command("AT+CGDCONT=5"), ["OK"])
        self.assertFalse(any(l.startswith("+CGDCONT: 5,") for l in p.command("AT+CGDCONT?")))
        self.assertEqual(p.command("AT+CFUN?"), ["+CFUN: 1", "OK"])
        self.assertEqual(p.command("AT+CFUN=4"), ["OK"])
        self.assertEqual(p.command("AT+CEREG?"), ["+CEREG: 0,0", "OK"])
        self.assertEqual(p.command("AT+CFUN=1"), ["OK"])


class CommandLine(unittest.TestCase):
    def test_help_and_version(self):
        rc, out, _ = run_sim(["--help"])
        self.assertEqual(rc, 0)
        for name in VARIANTS:
            self.assertIn("  %s\n" % name, out)
        rc, out, _ = run_sim(["--version"])
        self.assertEqual(rc, 0)
        self.assertTrue(out.startswith("sarafw-sim "))

    def test_bad_options(self):
        for args in (["--bogus"], ["--variant", "SARA-X"], ["--variant", "SARA-R422"],
                     ["--variant", "SARA-R422", "--state", "/tmp/x", "--link", "/tmp/y",
                      "--time-scale", "fast"], ["extra"]):
            rc, out, err = run_sim(args)
            self.assertEqual(rc, 2, args)
            self.assertEqual(out, "")
            self.assertTrue(err.strip(), args)

    def test_state_of_another_variant(self):
        with Sim("SARA-R422S", time_scale=SCALE) as a:
            a.stop()
            rc, _, err = run_sim(["--variant", "SARA-R410M-63B", "--state", a.state,
                                  "--link", a.link + "2"])
            self.assertEqual(rc, 2)
            self.assertIn("SARA-R422S", err)
            with open(os.path.join(a.state, "firmware")) as f:
                self.assertIn("variant=SARA-R422S\n", f.read())

    def test_sigterm_removes_link(self):
        with Sim("SARA-R422", time_scale=SCALE) as s:
            self.assertTrue(os.path.islink(s.link))
            self.assertEqual(s.stop(), 0)
            self.assertFalse(os.path.lexists(s.link))
            s.start()  # a stale link from a power cut is replaced
            s.kill()
            self.assertTrue(os.path.islink(s.link))
            s.start()
            p = s.open()
            s.wait_boot(p)

    def test_sigterm_at_any_moment(self):
        """SIGTERM ends the simulator whatever it is doing when the signal
        lands: idle, answering, pacing output or between timers. (A signal
        taken while the loop ran its timers, just before a wait with no
        timeout, once left it asleep for good; the timing is not under the
        test's control, so it tries many moments.)"""
        rnd = random.Random(5)
        with Sim("SARA-R422S", time_scale=SCALE) as s:
            p = s.open()
            s.wait_boot(p)
            for i in range(100):
                p.write(b"AT\r" * rnd.randrange(0, 30) + b"ATI9\r")
                time.sleep(rnd.random() * 0.02)
                s.proc.send_signal(signal.SIGTERM)
                try:
                    s.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.fail(f"SIGTERM #{i} left the simulator running")
                self.assertEqual(s.stop(), 0)
                s.start()
                p = s.open()


if __name__ == "__main__":
    unittest.main(verbosity=2)
