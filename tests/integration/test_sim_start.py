"""sarafw-sim at start. A new state dir gets its own IMEI: random without
--seed, the same for the same --seed, Luhn-valid with the TAC of note §6.2's
example, and kept in the identity record across restarts. --link replaces a
symlink left by a killed simulator (even one that now points at another
program's pseudo-terminal) and refuses any other file, leaving it alone."""
import os
import shutil
import signal
import tempfile
import time
import unittest

from simharness import Sim, boot, luhn_ok, run_sim

VARIANT = "SARA-R410M-02B-03"
SCALE = 50
TAC = "35759108"


def imei_of(sim):
    p = sim.open()
    sim.wait_boot(p)
    lines = p.command("AT+CGSN")
    assert lines[-1] == "OK", lines
    p.close()
    sim.ports.remove(p)
    return lines[0]


def stored_imei(sim):
    with open(os.path.join(sim.state, "identity")) as f:
        rec = dict(l.rstrip("\n").split("=", 1) for l in f if "=" in l)
    return rec["imei"]


class Imei(unittest.TestCase):
    def check(self, imei):
        self.assertRegex(imei, r"^\d{15}$")
        self.assertTrue(imei.startswith(TAC), imei)
        self.assertTrue(luhn_ok(imei), imei)

    def test_new_state_dirs_without_seed_differ(self):
        with Sim(VARIANT, time_scale=SCALE, seed=None) as a, \
                Sim(VARIANT, time_scale=SCALE, seed=None) as b:
            ia, ib = imei_of(a), imei_of(b)
            self.check(ia)
            self.check(ib)
            # 10^6 serial numbers: equal by chance once in a million runs
            self.assertNotEqual(ia, ib)
            self.assertEqual(stored_imei(a), ia)
            a.restart()
            self.assertEqual(imei_of(a), ia)
            a.stop()
            a.start()
            self.assertEqual(imei_of(a), ia)

    def test_seed_is_reproducible(self):
        with Sim(VARIANT, time_scale=SCALE, seed=7) as a, \
                Sim(VARIANT, time_scale=SCALE, seed=7) as b, \
                Sim(VARIANT, time_scale=SCALE, seed=8) as c:
            ia = imei_of(a)
            self.check(ia)
            self.assertEqual(imei_of(b), ia)
            self.assertNotEqual(imei_of(c), ia)
            a.restart()
            self.assertEqual(imei_of(a), ia)

    def test_later_seed_does_not_change_a_programmed_flash(self):
        with Sim(VARIANT, time_scale=SCALE, seed=None) as a:
            ia = imei_of(a)
            a.kill()
            a.seed = 7
            a.start()
            self.assertEqual(imei_of(a), ia)

    def test_identity_survives_a_cut_programming(self):
        # a power cut after the identity record but before the firmware
        # record: the flash is programmed again, with the same IMEI
        with Sim(VARIANT, time_scale=SCALE, seed=None) as a:
            ia = imei_of(a)
            a.kill()
            os.unlink(os.path.join(a.state, "firmware"))
            a.start()
            self.assertEqual(imei_of(a), ia)


class StaleLink(unittest.TestCase):
    def test_link_left_by_kill_9_is_replaced(self):
        with Sim(VARIANT, time_scale=SCALE) as a, \
                Sim(VARIANT, time_scale=SCALE, start=False) as b:
            b.link = a.link
            a.proc.send_signal(signal.SIGKILL)
            a.proc.wait(10)
            self.assertTrue(os.path.islink(a.link))  # a power cut leaves it
            b.start()
            self.assertTrue(os.readlink(b.link).startswith("/dev/pts/"))
            p = b.open()
            b.wait_boot(p)
            self.assertEqual(p.command("AT+CGMI"), ["u-blox", "OK"])
            self.assertEqual(b.stop(), 0)
            self.assertFalse(os.path.lexists(b.link))  # a clean stop removes it

    def test_link_to_a_foreign_terminal_is_replaced(self):
        # the pseudo-terminal a dead simulator's link names may belong to
        # another program by now
        master, slave = os.openpty()
        try:
            with Sim(VARIANT, time_scale=SCALE, start=False) as b:
                foreign = os.ttyname(slave)
                os.symlink(foreign, b.link)
                b.start()
                ours = os.readlink(b.link)
                self.assertNotEqual(ours, foreign)
                self.assertTrue(ours.startswith("/dev/pts/"), ours)
                p = b.open()
                b.wait_boot(p)
                self.assertEqual(p.command("AT"), ["OK"])
                leftovers = [n for n in os.listdir(os.path.dirname(b.link)) if ".tmp" in n]
                self.assertEqual(leftovers, [])
        finally:
            os.close(master)
            os.close(slave)

    def test_other_files_are_refused_and_kept(self):
        work = tempfile.mkdtemp(prefix="sarafw-link-")
        try:
            state = os.path.join(work, "state")
            path = os.path.join(work, "port")
            with open(path, "w") as f:
                f.write("not a port\n")
            os.mkdir(os.path.join(work, "dir"))
            for link in (path, os.path.join(work, "dir")):
                rc, out, err = run_sim(["--variant", VARIANT, "--state", state, "--link", link])
                self.assertNotEqual(rc, 0)
                self.assertEqual(out, "")
                self.assertEqual(len(err.strip().splitlines()), 1, err)
                self.assertIn("not a symlink", err)
            with open(path) as f:
                self.assertEqual(f.read(), "not a port\n")
            self.assertTrue(os.path.isdir(os.path.join(work, "dir")))
        finally:
            shutil.rmtree(work, ignore_errors=True)


class PowerButton(unittest.TestCase):
    def test_off_then_on_at_once_is_a_power_cycle(self):
        # both presses reach the simulator before its loop looks: each is
        # acted on in turn (a cycle), neither is lost
        with Sim(VARIANT, time_scale=20) as sim:
            p = boot(sim)
            for _ in range(3):
                sim.power_off()
                sim.power_on()
                time.sleep(0.2)
            sim.wait_boot(p)
            log = sim.log_text()
            # three cycles: each off followed by its on (the first on is the start)
            self.assertEqual(log.count("# power off"), 3, log[-2000:])
            self.assertEqual(log.count("# power on"), 4, log[-2000:])


if __name__ == "__main__":
    unittest.main(verbosity=2)
