"""sarafw flash against sarafw-sim's flash mode (note §9, §10):

- a full flash of every product family's simulated module, with the
  version, IMEI and the EasyFlash column of Tables 8/9 checked before and
  after (user files, MNO profile, NVM, +UBKUPDATA, +CPMS);
- a backup file left by a failed run goes back only to its own module; a
  second module flashed meanwhile keeps its own IMEI.

test_cli_flash_cuts.py cuts flashes short."""
import tempfile
import time
import unittest

from flashrun import FAMILIES, SCALE, Run, backups, flash, make_bundle, switch
from simharness import Sim

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

    def test_failures_one_line_each(self):
        def lines(err):
            return [l for l in err.splitlines() if l.startswith("sarafw: ") and "DEMO" not in l]

        with tempfile.TemporaryDirectory() as d, Sim("SARA-R422S", time_scale=SCALE) as sim:
            # a module left on: it boots to AT and never enters flash mode
            p = sim.open()
            sim.wait_boot(p)
            sim._close_ports()
            bundle = make_bundle(d, "SARA-R422S", "00.13", "A00.02")
            r = Run(d, sim, bundle, "on", wait="1")
            rc, out, err = r.finish()
            self.assertEqual(rc, 5, err)
            self.assertEqual(len(lines(err)), 1, err)
            self.assertIn("no module in flash mode", err)
            self.assertIn("power the module on when asked", err)
            # a bundle for another product: the module refuses its programmer
            other = make_bundle(d, "SARA-R410M-02B", "L0.0.00.00.05.13", "A.02.21", name="r410.sfb")
            rc, out, err = flash(d, sim, other, "other")
            self.assertEqual(rc, 1, err)
            self.assertEqual(len(lines(err)), 1, err)
            self.assertIn("refused the programmer", err)
            self.assertIn("another product", err)
            self.assertEqual(backups(d), [], "nothing read, nothing backed up")
            # the module was never written: it boots as before
            switch(sim, "off")
            switch(sim, "on")
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("ATI9"), ["00.12,A00.01", "OK"])

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
            switch(a, "off")
            r = Run(d, a, bundle, "a1")
            r.wait_prompt()
            switch(a, "on")
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
