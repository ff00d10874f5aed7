"""sarafw update's plan (--dry-run): the method and rate for each family on
sarafw-sim's pseudo-terminal, and for USB-serial adapters and the module's
own USB port as a faked sysfs tree (SARAFW_SYSFS) describes them, with a
link named like the adapter's tty pointing at the simulator."""
import json
import os
import random
import shutil
import subprocess
import tempfile
import unittest

from simharness import BIN, Sim

SCALE = 50
USBDEV = "devices/pci0000:00/0000:00:14.0/usb1/1-2"


def sarafw(*args, sysfs=None, timeout=120):
    env = dict(os.environ, SARAFW_TIME_SCALE=str(SCALE))
    env.pop("SARAFW_SYSFS", None)
    if sysfs:
        env["SARAFW_SYSFS"] = sysfs
    return subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=env)


def error_lines(stderr):
    return [l for l in stderr.splitlines() if l.startswith("sarafw:")]


def plan_line(stderr):
    lines = [l for l in stderr.splitlines() if l.startswith("plan: ")]
    assert len(lines) == 1, stderr
    return lines[0]


def plan_event(stdout):
    events = [json.loads(l) for l in stdout.splitlines()]
    plans = [e for e in events if e["event"] == "plan"]
    assert len(plans) == 1, stdout
    return plans[0]


def fake_sysfs(root, tty, vid, pid, driver, product=None):
    """A USB tty under root as Linux's sysfs shows it: class/tty/<tty> links
    into the device tree; a usb-serial port (ttyUSB*) is its own device with
    the chip's driver, a CDC-ACM tty (ttyACM*) belongs to the interface."""
    def put(rel, text):
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)

    def link(rel, target):
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        os.symlink(target, p)

    put(USBDEV + "/idVendor", vid + "\n")
    put(USBDEV + "/idProduct", pid + "\n")
    if product:
        put(USBDEV + "/product", product + "\n")
    if tty.startswith("ttyACM"):
        link(USBDEV + "/1-2:1.0/tty/%s/device" % tty, "../../../1-2:1.0")
        link(USBDEV + "/1-2:1.0/driver", "../../../../../bus/usb/drivers/" + driver)
        link("class/tty/" + tty, "../../" + USBDEV + "/1-2:1.0/tty/" + tty)
    else:
        link(USBDEV + "/1-2:1.0/%s/tty/%s/device" % (tty, tty), "../../../" + tty)
        link(USBDEV + "/1-2:1.0/%s/driver" % tty, "../../../../../../bus/usb-serial/drivers/" + driver)
        link("class/tty/" + tty, "../../" + USBDEV + "/1-2:1.0/%s/tty/%s" % (tty, tty))


class Adapter:
    """A temp dir with a faked sysfs and dev/<tty> linked to the simulator."""

    def __init__(self, sim, tty, vid, pid, driver, product=None):
        self.dir = tempfile.mkdtemp(prefix="sarafw-sysfs-")
        self.sysfs = os.path.join(self.dir, "sys")
        fake_sysfs(self.sysfs, tty, vid, pid, driver, product)
        os.makedirs(os.path.join(self.dir, "dev"))
        self.port = os.path.join(self.dir, "dev", tty)
        os.symlink(sim.link, self.port)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.dir, ignore_errors=True)


def package(sim, size=200000):
    pkg = os.path.join(sim.work, "pkg.bin")
    with open(pkg, "wb") as f:
        f.write(random.Random(size).randbytes(size))
    return pkg


class Families(unittest.TestCase):
    """On a pseudo-terminal every rate the module takes is carried."""

    def check(self, variant, baud):
        with Sim(variant, time_scale=SCALE) as sim:
            pkg = package(sim)
            r = sarafw("--port", sim.link, "--json", "update", pkg, "--dry-run")
            self.assertEqual(r.returncode, 0, r.stderr)
            ev = plan_event(r.stdout)
            self.assertEqual(ev["method"], "udwnfile")
            self.assertEqual(ev["baud"], baud)
            self.assertEqual(ev["port"], "pty")
            self.assertEqual(ev["slower"], {"method": "xmodem1k", "baud": 115200,
                                            "seconds": ev["slower"]["seconds"]})
            self.assertLess(ev["seconds"], ev["slower"]["seconds"])
            line = plan_line(r.stderr)
            self.assertTrue(line.startswith("plan: +UDWNFILE at %d b/s (pseudo-terminal): about " % baud),
                            line)
            self.assertIn("(XMODEM-1k at 115200: about ", line)
            self.assertEqual(error_lines(r.stderr), [])
            self.assertIsNone(stored(sim))  # a dry run sends nothing
            return ev

    def test_r422s_3mbit(self):
        # note §5.2: 921600 and 3000000 on the SARA-R422 family
        self.check("SARA-R422S", 3000000)

    def test_r422(self):
        self.check("SARA-R422", 3000000)

    def test_r410m_keeps_the_manual_rates(self):
        # the R410M/R412M take the AT manual's rates only, 460800 at most
        # (sarafw-sim's +IPR=? and lib/variant.c agree)
        self.check("SARA-R410M-02B-03", 460800)

    def test_r412m_and_n410(self):
        for v in ("SARA-R412M-02B-01", "SARA-N410"):
            with self.subTest(variant=v):
                self.check(v, 460800)

    def test_methods_and_caps(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            pkg = package(sim)
            r = sarafw("--port", sim.link, "--json", "update", pkg, "--dry-run", "--method", "xmodem1k")
            self.assertEqual(r.returncode, 0, r.stderr)
            ev = plan_event(r.stdout)
            self.assertEqual((ev["method"], ev["baud"]), ("xmodem1k", 3000000))
            # the slower path of an explicit XMODEM is auto's
            self.assertEqual(ev["slower"]["method"], "udwnfile")
            r = sarafw("--port", sim.link, "--json", "update", pkg, "--dry-run", "--max-baud", "460800")
            self.assertEqual(plan_event(r.stdout)["baud"], 460800)
            r = sarafw("--port", sim.link, "--json", "update", pkg, "--dry-run", "--baud", "230400")
            self.assertEqual(plan_event(r.stdout)["baud"], 230400)
            r = sarafw("--port", sim.link, "update", pkg, "--dry-run", "--max-baud", "12345")
            self.assertEqual(r.returncode, 2)
            self.assertIn("--max-baud 12345", r.stderr)


def stored(sim):
    p = os.path.join(sim.state, "fota", "package")
    return open(p, "rb").read() if os.path.exists(p) else None


class Adapters(unittest.TestCase):
    def dry_run(self, variant, tty, vid, pid, driver, product=None, extra=()):
        with Sim(variant, time_scale=SCALE) as sim, \
                Adapter(sim, tty, vid, pid, driver, product) as a:
            pkg = package(sim)
            r = sarafw("--port", a.port, "--json", "update", pkg, "--dry-run", *extra, sysfs=a.sysfs)
            self.assertIsNone(stored(sim))
            return r

    def test_cp2102_capped_at_921600(self):
        r = self.dry_run("SARA-R422S", "ttyUSB0", "10c4", "ea60", "cp210x",
                         "CP2102 USB to UART Bridge Controller")
        self.assertEqual(r.returncode, 0, r.stderr)
        ev = plan_event(r.stdout)
        self.assertEqual((ev["method"], ev["baud"], ev["port"]), ("udwnfile", 921600, "adapter"))
        self.assertEqual(ev["port_desc"], "CP2102 (cp210x)")
        self.assertEqual(ev["port_max_baud"], 921600)
        self.assertIn("+UDWNFILE at 921600 b/s (CP2102 (cp210x))", plan_line(r.stderr))

    def test_cp2102n_carries_3mbit(self):
        # same VID:PID as the CP2102: the product string tells them apart
        r = self.dry_run("SARA-R422S", "ttyUSB0", "10c4", "ea60", "cp210x",
                         "CP2102N USB to UART Bridge Controller")
        self.assertEqual(r.returncode, 0, r.stderr)
        ev = plan_event(r.stdout)
        self.assertEqual((ev["baud"], ev["port_desc"]), (3000000, "CP2102N (cp210x)"))

    def test_ft232r_on_r410m(self):
        r = self.dry_run("SARA-R410M-02B-03", "ttyUSB1", "0403", "6001", "ftdi_sio", "FT232R USB UART")
        self.assertEqual(plan_event(r.stdout)["baud"], 460800)  # the module's limit, not the chip's

    def test_unknown_adapter_stays_and_hints(self):
        r = self.dry_run("SARA-R422S", "ttyUSB0", "0403", "abcd", "ftdi_sio")
        self.assertEqual(r.returncode, 0, r.stderr)
        ev = plan_event(r.stdout)
        self.assertEqual((ev["method"], ev["baud"], ev["port"]), ("udwnfile", 115200, "unknown"))
        self.assertEqual(ev["hint_baud"], 3000000)
        self.assertGreater(ev["hint_saves"], 0)
        hints = [l for l in r.stderr.splitlines() if l.startswith("hint: ")]
        self.assertEqual(len(hints), 1, r.stderr)
        self.assertIn("unknown adapter 0403:abcd", hints[0])
        self.assertIn("--baud 3000000 would save about", hints[0])
        self.assertIn("+UDWNFILE at 115200 b/s", plan_line(r.stderr))

    def test_unknown_adapter_with_max_baud(self):
        r = self.dry_run("SARA-R422S", "ttyUSB0", "0403", "abcd", "ftdi_sio", extra=("--max-baud", "921600"))
        ev = plan_event(r.stdout)
        self.assertEqual(ev["baud"], 921600)
        self.assertNotIn("hint_baud", ev)
        self.assertNotIn("hint: ", r.stderr)

    def test_module_usb(self):
        # the module's own USB (CDC-ACM): +UDWNFILE, and +UFWUPD refused (note §5.1)
        r = self.dry_run("SARA-R422S", "ttyACM0", "1546", "1141", "cdc_acm")
        self.assertEqual(r.returncode, 0, r.stderr)
        ev = plan_event(r.stdout)
        self.assertEqual((ev["method"], ev["port"]), ("udwnfile", "module_usb"))
        self.assertEqual(ev["baud"], 115200)  # +IPR is the UART's rate: no switch over USB
        self.assertIn("no rate switch", r.stderr)
        for method in ("xmodem", "xmodem1k"):
            with self.subTest(method=method):
                r = self.dry_run("SARA-R422S", "ttyACM0", "1546", "1141", "cdc_acm",
                                 extra=("--method", method))
                self.assertEqual(r.returncode, 2, r.stderr)
                errors = error_lines(r.stderr)
                self.assertEqual(len(errors), 1, r.stderr)
                self.assertIn("primary UART", errors[0])
                self.assertIn("--method udwnfile", errors[0])
                self.assertEqual(r.stdout, "")

    def test_r410m_usb_by_its_qualcomm_id(self):
        r = self.dry_run("SARA-R410M-02B-03", "ttyUSB2", "05c6", "90b2", "option", extra=("--method", "xmodem"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("primary UART", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
