"""sarafw flash cut at 20 seeded points (kill -9 or the power button of
sarafw-sim, note §9 tips): a module whose flash had begun stays in flash
mode at its next power-on; the next sarafw flash finishes, restores the
same device data, and the IMEI is intact. SARAFW_FLASH_CUTS sets the number
of points (default 20), SARAFW_FLASH_SEED the seed."""
import os
import random
import sys
import tempfile
import time
import unittest

from flashrun import SCALE, Run, backups, flash, in_flash_mode, make_bundle, switch
from simharness import Sim


class Cuts(unittest.TestCase):
    def test_cuts_at_seeded_points(self):
        cuts = int(os.environ.get("SARAFW_FLASH_CUTS", "20"))
        rnd = random.Random(int(os.environ.get("SARAFW_FLASH_SEED", "12")))
        with tempfile.TemporaryDirectory() as d, Sim("SARA-R422S", time_scale=SCALE) as sim:
            bundle = make_bundle(d, "SARA-R422S", "00.13", "A00.02", size=500000)
            p = sim.open()
            sim.wait_boot(p)
            imei = p.command("AT+CGSN")[0]
            sim._close_ports()
            # how long a whole flash takes, from the power-on
            switch(sim, "off")
            r = Run(d, sim, bundle, "timing")
            r.wait_prompt()
            t0 = time.monotonic()
            switch(sim, "on")
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
                switch(sim, "off")
                r = Run(d, sim, bundle, "cut%d" % i)
                r.wait_prompt()
                switch(sim, "on")
                time.sleep(at)
                if how == "kill":
                    sim.kill()
                else:
                    switch(sim, "off")
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
                    if not waiting:
                        with open(sim.log, errors="replace") as f:
                            err += "\nsimulator log:\n" + "".join(l[:200] for l in f.readlines()[-25:])
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
            print("%d cuts (%d kill -9, %d power button): %d inside the writing, the module then "
                  "waiting in flash mode; every next flash finished" % (cuts, kinds["kill"], kinds["button"], stayed),
                  file=sys.stderr)
            # the points are spread over the writing; the machine's latency
            # moves some past it, but never most of them
            self.assertGreaterEqual(stayed, cuts // 4, "cuts fall inside the writing")


if __name__ == "__main__":
    unittest.main()
