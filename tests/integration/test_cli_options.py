"""sarafw's command line as people type it: global options before or after
the command, SARAFW_PORT and SARAFW_BAUD, --version, and one line with the
next step for each mistake a new user makes."""
import os
import re
import subprocess
import tempfile
import time
import unittest

from simharness import BIN, Sim

SCALE = 50
HERE = os.path.dirname(os.path.abspath(__file__))
RATES = ["9600", "19200", "38400", "57600", "115200", "230400", "460800", "921600", "3000000"]


def sarafw(*args, env=None, timeout=120):
    e = {k: v for k, v in os.environ.items() if k not in ("SARAFW_PORT", "SARAFW_BAUD")}
    e["SARAFW_TIME_SCALE"] = str(SCALE)
    e.update(env or {})
    return subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=e)


def header_version():
    with open(os.path.join(HERE, "..", "..", "include", "sarafw", "version.h")) as f:
        return re.search(r'#define SARAFW_VERSION_STRING "([^"]+)"', f.read()).group(1)


class OneLine(unittest.TestCase):
    def one_line(self, r, code, *words):
        self.assertEqual(r.returncode, code, r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertTrue(r.stderr.startswith("sarafw: "), r.stderr)
        for w in words:
            self.assertIn(w, r.stderr)


class Anywhere(OneLine):
    def test_three_orders_same_answer(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            orders = [
                ("--port", sim.link, "info", "--json"),
                ("info", "--port", sim.link, "--json"),
                ("--json", "--port", sim.link, "info"),
                ("-p", sim.link, "info", "--json", "--baud", "115200"),
                ("info", "--json", "-b", "115200", "-p", sim.link),
            ]
            outs = []
            for args in orders:
                r = sarafw(*args)
                self.assertEqual(r.returncode, 0, (args, r.stderr))
                self.assertEqual(r.stderr, "", args)
                outs.append(r.stdout)
            self.assertTrue(outs[0].startswith('{"model":"SARA-R422S'), outs[0])
            for args, out in zip(orders, outs):
                self.assertEqual(out, outs[0], args)

    def test_trace_after_the_command(self):
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            trace = os.path.join(sim.work, "trace.txt")
            r = sarafw("info", "--trace", trace, "--port", sim.link)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(trace) as f:
                text = f.read()
            self.assertIn("> ATI9", text)
            self.assertIn("< L0.0.00.00.05.12,A.02.19", text)  # note §2.6.6

    def test_help_and_version_anywhere(self):
        want = "sarafw %s (libsarafw %s)\n" % (header_version(), header_version())
        for args in (["--version"], ["-V"], ["info", "--version"]):
            r = sarafw(*args)
            self.assertEqual((r.returncode, r.stdout, r.stderr), (0, want, ""), args)
        for args in (["--help"], ["info", "--help"], ["update", "-h"]):
            r = sarafw(*args)
            self.assertEqual(r.returncode, 0, args)
            self.assertIn("before or after the command", r.stdout)

    def test_update_takes_global_options_after_it(self):
        # --port after `update` is the port; the package is still missing
        self.one_line(sarafw("update", "--port", "/dev/null"), 2, "exactly one package file")
        # after `update`, --baud is the transfer's rate and is checked as such
        self.one_line(sarafw("update", "x.bin", "--baud", "12345", "--port", "/dev/null"), 2,
                      "--baud 12345", *RATES)


class Environment(OneLine):
    def test_port_and_baud_from_the_environment(self):
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            want = sarafw("--port", sim.link, "--json", "info")
            self.assertEqual(want.returncode, 0, want.stderr)
            r = sarafw("--json", "info", env={"SARAFW_PORT": sim.link})
            self.assertEqual((r.returncode, r.stdout), (0, want.stdout), r.stderr)
            # flags win over the environment
            r = sarafw("--json", "info", "--port", sim.link, "--baud", "115200",
                       env={"SARAFW_PORT": "/nonexistent/tty", "SARAFW_BAUD": "9600"})
            self.assertEqual((r.returncode, r.stdout), (0, want.stdout), r.stderr)

            port = sim.open()
            sim.wait_boot(port)
            self.assertEqual(port.command("AT+IPR=57600"), ["OK"])
            port.close()
            r = sarafw("--json", "info", env={"SARAFW_PORT": sim.link, "SARAFW_BAUD": "57600"})
            self.assertEqual((r.returncode, r.stdout), (0, want.stdout), r.stderr)

    def test_bad_baud_from_the_environment(self):
        self.one_line(sarafw("info", env={"SARAFW_PORT": "/dev/null", "SARAFW_BAUD": "fast"}), 2,
                      "SARAFW_BAUD=fast", *RATES)

    def test_invalid_time_scale(self):
        for bad in ("abc", "0", "-5", "inf", "nan", "1e9", "5x"):
            with self.subTest(scale=bad):
                self.one_line(sarafw("--port", "/dev/null", "info", env={"SARAFW_TIME_SCALE": bad}),
                              2, "SARAFW_TIME_SCALE=%s" % bad, "number above 0")
        # empty is unset: the port is the next problem
        self.one_line(sarafw("--port", "/dev/null", "info", env={"SARAFW_TIME_SCALE": ""}),
                      7, "not a serial port")


class Mistakes(OneLine):
    def test_unknown_option_is_one_line(self):
        for args in (["--frob", "info"], ["info", "--frob"], ["--port", "/dev/null", "info", "--frob=1"]):
            with self.subTest(args=args):
                self.one_line(sarafw(*args), 2, "unknown option --frob (see sarafw --help)")
        self.one_line(sarafw("info", "-z"), 2, "unknown option -z")
        self.one_line(sarafw("info", "--port"), 2, "--port needs a value")
        self.one_line(sarafw("info", "--json=yes"), 2, "--json takes no value")
        self.one_line(sarafw("info", "now", "--port", "/dev/null"), 2, "info takes no arguments")

    def test_wrong_baud_lists_the_rates(self):
        for args in (["--baud", "12345", "info"], ["info", "-b", "0"], ["info", "--baud", "-9600"]):
            with self.subTest(args=args):
                self.one_line(sarafw(*args, "--port", "/dev/null"), 2, *RATES)

    def test_trace_into_a_missing_folder(self):
        path = "/nonexistent-%d/trace.txt" % os.getpid()
        self.one_line(sarafw("--port", "/dev/null", "--trace", path, "info"), 2, path,
                      "No such file or directory", "create its folder")

    def test_not_a_serial_port(self):
        with tempfile.NamedTemporaryFile() as f:
            for port in ("/dev/null", f.name, os.path.dirname(f.name)):
                with self.subTest(port=port):
                    self.one_line(sarafw("--port", port, "info"), 7,
                                  "%s is not a serial port" % port, "e.g. /dev/ttyUSB0")

    def test_wrong_baud_with_echo_off(self):
        """ATE0 is stored: after one sarafw run the module no longer echoes,
        so a wrong rate gives silence, not garbage. sarafw still names the
        right rate within a few seconds."""
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            r = sarafw("--port", sim.link, "info")
            self.assertEqual(r.returncode, 0, r.stderr)
            port = sim.open()
            port.write("AT\r")
            self.assertEqual(port.expect("OK"), ["OK"])  # no echo
            port.close()
            t = time.monotonic()
            r = sarafw("--port", sim.link, "--baud", "9600", "info")
            took = time.monotonic() - t
            self.one_line(r, 6, "answers at 115200 baud, not 9600", "--baud 115200")
            self.assertLess(took, 6.0)

            # and at a rate other than the factory one
            port = sim.open()
            self.assertEqual(port.command("AT+IPR=460800"), ["OK"])
            port.close()
            t = time.monotonic()
            r = sarafw("--port", sim.link, "info")
            took = time.monotonic() - t
            self.one_line(r, 6, "answers at 460800 baud, not 115200", "--baud 460800")
            self.assertLess(took, 6.0)
            r = sarafw("--port", sim.link, "--baud", "460800", "info")
            self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
