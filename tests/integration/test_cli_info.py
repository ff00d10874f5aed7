"""sarafw info against sarafw-sim over the real PTY, for every product
version the note names, and every way of failing to reach the module."""
import fcntl
import json
import os
import subprocess
import sys
import unittest

from simharness import BIN, VARIANTS, Sim

SCALE = 50

# note Table 1 (uFOTA, life timer, FTP, HTTP, FOAT), written out again here
# rather than taken from the library, so the test checks the library.
METHODS = {
    "SARA-R410M": ["ufota", "lifetime", "ftp", "foat"],
    "SARA-R412M": ["ufota", "lifetime", "ftp", "foat"],
    "SARA-R422": ["ufota", "lifetime", "foat"],
    "SARA-R422M8S": ["ufota", "lifetime", "ftp", "http", "foat"],
    "SARA-R422S": ["ufota", "lifetime", "ftp", "http", "foat"],
    "SARA-N410": ["ufota", "lifetime", "ftp", "foat"],
}

# note Table 2: URC -> factory state; absent = not supported
URCS = {
    "SARA-R422": {"UFOTASTAT": "off", "ULWM2MSTAT": "off", "UFWINSTALL": "unknown"},
    "SARA-R410M-63B": {"UFOTASTAT": "on", "ULWM2MSTAT": "on"},
    "SARA-R410M-73B": {"UFOTASTAT": "on", "ULWM2MSTAT": "on"},
    "SARA-R410M-83B": {"UFOTASTAT": "on", "ULWM2MSTAT": "on"},
    "SARA-R410M-02B-03": {"UFOTASTAT": "off", "ULWM2MSTAT": "off"},
    "SARA-R412M-02B-03": {"UFOTASTAT": "off", "ULWM2MSTAT": "off"},
    "SARA-R410M-52B": {"ULWM2MSTAT": "on"},
    "SARA-R410M-02B-0x": {"ULWM2MSTAT": "on"},
}


def family(variant):
    for f in ("SARA-R422M8S", "SARA-R422S", "SARA-R422", "SARA-R410M", "SARA-R412M", "SARA-N410"):
        if variant.startswith(f):
            return f
    raise KeyError(variant)


def urcs_expected(variant):
    if variant.startswith("SARA-R422"):
        return URCS["SARA-R422"]
    if variant in URCS:
        return URCS[variant]
    if variant[:-1].endswith("02B-0"):
        return URCS["SARA-R410M-02B-0x"]
    if variant == "SARA-N410":  # docs/behaviour.md: like SARA-R410M-02B-03
        return URCS["SARA-R410M-02B-03"]
    raise KeyError(variant)


def sarafw(*args, timeout=60):
    env = dict(os.environ, SARAFW_TIME_SCALE=str(SCALE))
    return subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=env)


class InfoEveryVariant(unittest.TestCase):
    def test_every_variant(self):
        for v in VARIANTS:
            with self.subTest(variant=v), Sim(v, time_scale=SCALE) as sim:
                r = sarafw("--port", sim.link, "--json", "info")
                self.assertEqual(r.returncode, 0, r.stderr)
                info = json.loads(r.stdout)
                for key in ("model", "modem_version", "app_version", "imei", "mno_profile",
                            "update_methods", "urcs"):
                    self.assertIn(key, info)
                self.assertTrue(info["model"].startswith(v), info["model"])
                self.assertEqual(info["product_version"], v)
                self.assertEqual(info["update_methods"], METHODS[family(v)])
                want = urcs_expected(v)
                for name in ("UFOTASTAT", "ULWM2MSTAT", "UFWINSTALL"):
                    self.assertEqual(info["urcs"][name], want.get(name, "unsupported"), name)
                self.assertRegex(info["imei"], r"^\d{15}$")
                # what sarafw printed is what the module says
                port = sim.open()
                self.assertEqual(port.command("ATI9"),
                                 ["%s,%s" % (info["modem_version"], info["app_version"]), "OK"])
                self.assertEqual(port.command("AT+CGSN"), [info["imei"], "OK"])
                self.assertEqual(port.command("AT+UMNOPROF?"),
                                 ["+UMNOPROF: %d" % info["mno_profile"], "OK"])

    def test_human_output(self):
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            r = sarafw("--port", sim.link, "info")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("model           SARA-R410M-02B-03", r.stdout)
            self.assertIn("L0.0.00.00.05.12", r.stdout)  # note §2.6.6
            self.assertIn("A.02.19", r.stdout)


class Failures(unittest.TestCase):
    def one_line(self, r, code, words):
        self.assertEqual(r.returncode, code, r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertIn(words, r.stderr)

    def test_no_such_port(self):
        self.one_line(sarafw("--port", "/nonexistent/ttyUSB9", "info"), 3, "no such port")

    def test_port_busy(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            fd = os.open(sim.link, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                self.one_line(sarafw("--port", sim.link, "info"), 4, "in use by another program")
            finally:
                os.close(fd)
            r = sarafw("--port", sim.link, "info")  # free again
            self.assertEqual(r.returncode, 0, r.stderr)

    def test_nothing_answers(self):
        master, slave = os.openpty()
        try:
            self.one_line(sarafw("--port", os.ttyname(slave), "info"), 5, "nothing answers AT")
        finally:
            os.close(master)
            os.close(slave)

    def test_not_a_serial_port(self):
        self.one_line(sarafw("--port", "/dev/null", "info"), 7, "/dev/null is not a serial port")

    def test_wrong_baud_names_the_right_one(self):
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            port = sim.open()
            sim.wait_boot(port)
            self.assertEqual(port.command("AT+IPR=57600"), ["OK"])
            port.close()
            self.one_line(sarafw("--port", sim.link, "info"), 6, "--baud 57600")
            r = sarafw("--port", sim.link, "--baud", "57600", "--json", "info")
            self.assertEqual(r.returncode, 0, r.stderr)

    def test_usage(self):
        self.assertEqual(sarafw("info").returncode, 2)
        self.assertEqual(sarafw("--port", "/dev/null", "frobnicate").returncode, 2)
        self.assertEqual(sarafw("--baud", "12345", "--port", "x", "info").returncode, 2)
        r = sarafw("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("info", r.stdout)


class PowerCut(unittest.TestCase):
    def test_settings_survive_kill_9(self):
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            port = sim.open()
            sim.wait_boot(port)
            self.assertEqual(port.command("AT+UMNOPROF=3"), ["OK"])
            self.assertEqual(port.command("AT+IPR=230400"), ["OK"])
            sim.restart()  # kill -9, then power on again on the same flash
            r = sarafw("--port", sim.link, "--baud", "230400", "--json", "info")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout)["mno_profile"], 3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
