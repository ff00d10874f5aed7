"""sarafw flash against sarafw-sim's flash mode (note §9, §10):

- a full flash of every product family's simulated module, with the
  version, IMEI and the EasyFlash column of Tables 8/9 checked before and
  after (user files, MNO profile, NVM, +UBKUPDATA, +CPMS);
- cuts at 20 seeded points of a flash (kill -9 or the power button): a
  module whose flash had begun stays in flash mode; the next sarafw flash
  finishes, restores the same device data, the IMEI intact;
- a backup file left by a failed run goes back only to its own module; a
  second module flashed meanwhile keeps its own IMEI.

SARAFW_FLASH_CUTS overrides the number of cut points (default 20),
SARAFW_FLASH_SEED the seed."""
import glob
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import unittest

from simflash import make_efs, make_image, make_mno, make_programmer
from simharness import BIN, Sim

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = os.path.join(HERE, "..", "keys", "demo.key")
SARAFW = os.path.join(BIN, "sarafw")
SCALE = 50

# one product version per family and product (note Tables 8 and 9): the
# versions it runs from the factory and the ones the bundle brings
FAMILIES = [
    ("SARA-R410M-02B-03", "SARA-R410M-02B", "L0.0.00.00.05.12,A.02.19", "L0.0.00.00.05.13", "A.02.21"),
    ("SARA-R412M-02B-03", "SARA-R412M-02B", None, "M0.11.02", "A.02.18"),
    ("SARA-R422", "SARA-R422", None, "00.13", "A00.02"),
    ("SARA-R422S", "SARA-R422S", "00.12,A00.01", "00.13", "A00.02"),
    ("SARA-R422M8S", "SARA-R422M8S", None, "00.13", "A00.02"),
]


def make_bundle(d, model, modem, app, size=120000, seed=3, name="b.sfb"):
    rnd = random.Random(seed)
    payload = bytes(rnd.getrandbits(8) for _ in range(size))
    parts = [
        ("sbl", make_image("sbl", modem, b"boot" * 1000)),
        ("modem", make_image("modem", modem, payload)),
        ("apps", make_image("apps", app, b"apps" * 2000)),
        ("mno", make_mno([(100, "Image-Carrier")])),
        ("efs", make_efs(nv={"mno_profile": "100"}, files={"image.cfg": b"from the image\n"})),
    ]
    work = os.path.join(d, name + ".parts")
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "prog.elf"), "wb") as f:
        f.write(make_programmer(model))
    args = []
    for k, v in parts:
        p = os.path.join(work, k + ".bin")
        with open(p, "wb") as f:
            f.write(v)
        args.append("%s=%s" % (k, p))
    out = os.path.join(d, name)
    subprocess.run([SARAFW, "pkg", "bundle", "-o", out, "--product", model, "--version", modem + "," + app,
                    "--programmer", os.path.join(work, "prog.elf"), "--key", KEY] + args,
                   check=True, capture_output=True)
    return out


class Run:
    """sarafw flash as a user runs it: started first, the module powered on
    when the prompt asks (note §9 steps 6-7)."""

    def __init__(self, d, sim, bundle, tag, trace=True):
        self.err_path = os.path.join(d, tag + ".err")
        self.trace = os.path.join(d, tag + ".trace")
        env = dict(os.environ, SARAFW_STATE_DIR=os.path.join(d, "state"), SARAFW_TIME_SCALE=str(SCALE))
        argv = [SARAFW, "flash", bundle, "--port", sim.link, "--wait", "20"]
        if trace:
            argv += ["--trace", self.trace]
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=self.err, text=True)

    def wait_prompt(self, timeout=10.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with open(self.err_path) as f:
                if "power the module on now" in f.read():
                    return
            time.sleep(0.01)
        raise TimeoutError("no prompt: " + open(self.err_path).read())

    def finish(self, timeout=120):
        out, _ = self.proc.communicate(timeout=timeout)
        self.err.close()
        with open(self.err_path) as f:
            return self.proc.returncode, out, f.read()

    def programmed(self):
        """Whether the module wrote a partition (a <program>'s final ACK
        came back) and no reset was sent: the flash had begun and not
        ended. Before that, or after the reset went out, the module may
        or may not be waiting in flash mode."""
        try:
            with open(self.trace, errors="replace") as f:
                t = f.read()
        except FileNotFoundError:
            return False
        i = t.find("<program")
        return i >= 0 and 'value="ACK" />' in t[i:] and "<power" not in t

    def times(self):
        """Monotonic seconds (the trace's clock) of the first <program>
        and of the reset."""
        first = power = None
        with open(self.trace, errors="replace") as f:
            for line in f:
                if first is None and "> " in line and "<program" in line:
                    first = float(line.split()[0])
                if "<power" in line:
                    power = float(line.split()[0])
        return first, power


def flash(d, sim, bundle, tag, powered=False):
    """A whole sarafw flash; the module is switched off first unless it is
    already waiting in flash mode (powered)."""
    if not powered:
        sim._close_ports()
        sim.power_off()
    r = Run(d, sim, bundle, tag)
    r.wait_prompt()
    if not powered:
        sim.power_on()
    return r.finish()


def backups(d):
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(d, "state", "*.qbackup")))


def in_flash_mode(sim, timeout=2.0):
    """Power-cycled with no flash request: a module whose flash was cut
    sends a Sahara HELLO and never answers AT. The port is opened before
    the power-on, so nothing the module sends is flushed away."""
    sim._close_ports()
    sim.power_off()
    time.sleep(0.05)  # the button: the last press wins, so let this one land
    p = sim.open()
    sim.power_on()
    end = time.monotonic() + timeout
    boot = time.monotonic() + sim.boot_time() + 0.1
    got = b""
    while time.monotonic() < end:
        if time.monotonic() > boot:
            p.write("AT\r")
        got += p.read(0.05)
        p.buf = b""
        if b"OK" in got:
            return False
        if struct.pack("<II", 1, 0x30) in got:
            return True
    return False


class Flash(unittest.TestCase):
    def test_every_family(self):
        for variant, model, before, modem, app in FAMILIES:
            with self.subTest(variant=variant), tempfile.TemporaryDirectory() as d, \
                    Sim(variant, time_scale=SCALE) as sim:
                bundle = make_bundle(d, model, modem, app, name=variant + ".sfb")
                p = sim.open()
                sim.wait_boot(p)
                self.assertEqual(p.command("AT+CMEE=2")[-1], "OK")
                old = p.command("ATI9")[0]
                if before:
                    self.assertEqual(old, before)
                imei = p.command("AT+CGSN")[0]
                self.assertEqual(len(imei), 15)
                # before: a user file, the factory MNO profile, SMS storage set
                p.write('AT+UDWNFILE="user.txt",5\r')
                end = time.monotonic() + 5
                while b">" not in p.buf and time.monotonic() < end:
                    p.read(0.05)
                p.buf = b""
                p.write("hello")
                p.expect("OK", 5)
                self.assertIn("user.txt", "".join(p.command("AT+ULSTFILE=")))
                self.assertNotEqual(p.command("AT+UMNOPROF?")[0], "+UMNOPROF: 100")
                self.assertEqual(p.command('AT+CPMS="ME","ME","ME"')[-1], "OK")
                sim._close_ports()
                rc, out, err = flash(d, sim, bundle, "full")
                self.assertEqual(rc, 0, out + err)
                self.assertIn("SUCCESS", out)
                self.assertIn("AT+CPMS", out)
                self.assertEqual(backups(d), [])
                p = sim.open()
                sim.wait_boot(p)
                self.assertEqual(p.command("AT+CMEE=2")[-1], "OK")
                self.assertEqual(p.command("ATI9"), [modem + "," + app, "OK"])
                self.assertEqual(p.command("AT+CGSN"), [imei, "OK"], "device data restored")
                files = "".join(p.command("AT+ULSTFILE="))
                self.assertNotIn("user.txt", files, "Tables 8/9: user files erased")
                self.assertIn("image.cfg", files, "... then set to the image's")
                self.assertEqual(p.command("AT+UMNOPROF?"), ["+UMNOPROF: 100", "OK"], "NVM at the image's defaults")
                # note §9.1.1: SMS storage unset until +CPMS is set once
                self.assertEqual(p.command("AT+CPMS?")[-1][:10], "+CME ERROR")
                if variant.startswith("SARA-R422") or variant.endswith("02B-03"):
                    # note §9.1: one backup at the first boot
                    self.assertEqual(p.command("AT+UBKUPDATA?"), ['+UBKUPDATA: 0,0,1,0,0,0,""', "OK"])

    def test_cuts_at_seeded_points(self):
        cuts = int(os.environ.get("SARAFW_FLASH_CUTS", "20"))
        rnd = random.Random(int(os.environ.get("SARAFW_FLASH_SEED", "12")))
        with tempfile.TemporaryDirectory() as d, Sim("SARA-R422S", time_scale=SCALE) as sim:
            bundle = make_bundle(d, "SARA-R422S", "00.13", "A00.02", size=150000)
            p = sim.open()
            sim.wait_boot(p)
            imei = p.command("AT+CGSN")[0]
            sim._close_ports()
            # how long a whole flash takes, from the power-on
            sim.power_off()
            r = Run(d, sim, bundle, "timing")
            r.wait_prompt()
            t0 = time.monotonic()
            sim.power_on()
            rc, out, err = r.finish()
            self.assertEqual(rc, 0, err)
            first, power = r.times()
            # the points: from the power-on, inside the writing
            lo, hi = first - t0, power - t0 + 0.02
            kinds = {"kill": 0, "button": 0}
            stayed = 0
            for i in range(cuts):
                at = rnd.uniform(lo, hi)
                how = rnd.choice(["kill", "button"])
                kinds[how] += 1
                sim._close_ports()
                sim.power_off()
                r = Run(d, sim, bundle, "cut%d" % i)
                r.wait_prompt()
                sim.power_on()
                time.sleep(at)
                if how == "kill":
                    sim.kill()
                else:
                    sim.power_off()
                rc, out, err = r.finish()
                begun = r.programmed()
                if how == "kill":
                    sim.start()
                if rc == 0:  # the cut came after the flash had finished
                    continue
                self.assertIn(rc, (1, 3, 5), err)  # 3, 5: cut while the module boots
                self.assertEqual(len([l for l in err.splitlines() if l.startswith("sarafw: ")
                                      and "DEMO" not in l]), 1, err)
                waiting = in_flash_mode(sim)
                if begun:
                    self.assertTrue(waiting, "cut %d (%s at %.2fs): not in flash mode: %s" % (i, how, at, err))
                    stayed += 1
                sim._close_ports()
                # the next flash finishes, whatever the cut left
                if waiting:
                    r = Run(d, sim, bundle, "again%d" % i)
                    r.wait_prompt()
                    rc, out, err = r.finish()
                else:
                    rc, out, err = flash(d, sim, bundle, "again%d" % i)
                if rc:
                    with open(sim.log, errors="replace") as f:
                        err += "\nsimulator log:\n" + "".join(f.readlines()[-12:])
                    with open(r.trace, errors="replace") as f:
                        err += "\nsarafw trace:\n" + "".join(l[:300] for l in f.readlines()[-12:])
                self.assertEqual(rc, 0, "cut %d (%s at %.2fs): %s" % (i, how, at, err))
                self.assertEqual(backups(d), [])
                p = sim.open()
                sim.wait_boot(p)
                self.assertEqual(p.command("AT+CGSN"), [imei, "OK"], "cut %d: IMEI intact" % i)
                self.assertEqual(p.command("ATI9"), ["00.13,A00.02", "OK"])
            self.assertTrue(kinds["kill"] and kinds["button"], kinds)
            self.assertGreaterEqual(stayed, cuts // 2, "most cuts fall inside the writing")

    def test_backup_goes_back_to_its_own_module(self):
        with tempfile.TemporaryDirectory() as d, Sim("SARA-R422S", time_scale=SCALE, seed=1) as a, \
                Sim("SARA-R422S", time_scale=SCALE, seed=2) as b:
            bundle = make_bundle(d, "SARA-R422S", "00.13", "A00.02", size=400000)
            imeis = {}
            for sim in (a, b):
                p = sim.open()
                sim.wait_boot(p)
                imeis[sim] = p.command("AT+CGSN")[0]
                sim._close_ports()
            self.assertNotEqual(imeis[a], imeis[b])
            # A: cut once the partitions are being written
            a.power_off()
            r = Run(d, a, bundle, "a1")
            r.wait_prompt()
            a.power_on()
            end = time.monotonic() + 20
            while not r.programmed() and time.monotonic() < end:
                time.sleep(0.005)
            a.kill()
            rc, out, err = r.finish()
            self.assertEqual(rc, 1, err)
            self.assertIn("lost connection", err)
            left = backups(d)
            self.assertEqual(len(left), 1)
            self.assertTrue(left[0].endswith("_%s.qbackup" % imeis[a]), left)
            self.assertIn(left[0], err, "the failure names the backup it keeps")
            # B on the same computer: its own backup, A's untouched
            rc, out, err = flash(d, b, bundle, "b1")
            self.assertEqual(rc, 0, err)
            self.assertEqual(backups(d), left)
            p = b.open()
            b.wait_boot(p)
            self.assertEqual(p.command("AT+CGSN"), [imeis[b], "OK"])
            b._close_ports()
            # A again: waiting in flash mode; its backup goes back, then is deleted
            a.start()
            r = Run(d, a, bundle, "a2")
            r.wait_prompt()
            rc, out, err = r.finish()
            self.assertEqual(rc, 0, err)
            self.assertIn("left by an earlier run", err)
            self.assertEqual(backups(d), [])
            p = a.open()
            a.wait_boot(p)
            self.assertEqual(p.command("AT+CGSN"), [imeis[a], "OK"])


if __name__ == "__main__":
    unittest.main()
