"""sarafw-sim flash mode (note §9, §10 Tables 8/9 EasyFlash column), driven
by simflash.py's own Sahara/Firehose host: a full flash and what the module
then holds, a wrong programmer, NAKs, cuts (SIGKILL and the power button)
in the middle of a flash, and a lost device-data partition."""
import hashlib
import os
import random
import time
import unittest

from simflash import (FlashClient, Nak, make_efs, make_image, make_mno, make_programmer)
from simharness import Sim

SCALE = 50
NEW_MODEM = {"SARA-R422S": "00.13", "SARA-R410M-02B-03": "L0.0.00.00.05.13"}
NEW_APP = {"SARA-R422S": "A00.02", "SARA-R410M-02B-03": "A.02.21"}
MODEL = {"SARA-R422S": "SARA-R422S", "SARA-R410M-02B-03": "SARA-R410M-02B"}


def images(variant, size=200000, seed=7):
    rnd = random.Random(seed)
    payload = bytes(rnd.getrandbits(8) for _ in range(size))
    return [
        ("sbl", make_image("sbl", NEW_MODEM[variant], b"boot" * 1000)),
        ("modem", make_image("modem", NEW_MODEM[variant], payload)),
        ("apps", make_image("apps", NEW_APP[variant], b"apps" * 2000)),
        ("mno", make_mno([(201, "Image-Carrier")])),
        ("efs", make_efs(nv={"mno_profile": "201"}, files={"image.cfg": b"from the image\n"})),
    ], payload


def imei_of(devdata):
    for line in devdata.split(b"\0")[0].split(b"\xff")[0].decode().splitlines():
        if line.startswith("imei="):
            return line[5:]
    return None


class Flash(unittest.TestCase):
    def enter(self, sim):
        """Power off, start requesting, power on: EasyFlash's steps 6-7."""
        sim.power_off()
        time.sleep(0.05)
        port = sim.open()
        port.drain(0.02)
        c = FlashClient(port)
        c.wait_hello(power_on=sim.power_on)
        return c

    def full_flash(self, sim, c, restore=True, parts=None):
        variant = sim.variant
        self.assertEqual(c.load_programmer(make_programmer(MODEL[variant])), 0)
        if variant.startswith("SARA-R422"):
            self.assertTrue(all(r[0] == 0x12 for r in c.reads), "READ_DATA64 on the R422 family")
        else:
            self.assertTrue(all(r[0] == 0x03 for r in c.reads), "READ_DATA on R410M")
        c.configure()
        table = c.storage_info()
        self.assertEqual(list(table), ["sbl", "modem", "apps", "mno", "efs", "devdata"])
        self.assertRegex(c.serial, "^[0-9a-f]{8}$")
        dev = c.read("devdata", table["devdata"])
        for name, data in parts or images(variant)[0]:
            c.program(name, data)
        if restore:
            c.program("devdata", dev.rstrip(b"\xff"))
        else:
            c.erase("devdata")
        c.reset()
        return dev

    def test_full_flash_r422s_tables_8_9(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            imei = p.command("AT+CGSN")[0]
            self.assertEqual(p.command('AT+CPMS="SM","SM","SM"')[-1], "OK")
            os.makedirs(os.path.join(sim.state, "files"), exist_ok=True)
            with open(os.path.join(sim.state, "files", "user.txt"), "wb") as f:
                f.write(b"the user's own file")
            self.assertIn("user.txt", "".join(p.command("AT+ULSTFILE=")))
            c = self.enter(sim)
            dev = self.full_flash(sim, c)
            self.assertEqual(imei_of(dev), imei)
            p = c.port
            sim.wait_boot(p, timeout=10)
            self.assertEqual(p.command("ATI9"), ["00.13,A00.02", "OK"])
            self.assertEqual(p.command("AT+CGSN"), [imei, "OK"])  # device data restored
            # Table 9: user files erased, then the image's
            files = "".join(p.command("AT+ULSTFILE="))
            self.assertNotIn("user.txt", files)
            self.assertIn("image.cfg", files)
            # MNO profiles: only the image's
            self.assertIn(",201)", p.command("AT+UMNOPROF=?")[0])
            # NVM at the image's defaults
            self.assertEqual(p.command("AT+UMNOPROF?"), ["+UMNOPROF: 201", "OK"])
            # §9.1: one backup made at the first boot
            self.assertEqual(p.command("AT+UBKUPDATA?"), ['+UBKUPDATA: 0,0,1,0,0,0,""', "OK"])
            # §9.1.1: SMS storage unset until +CPMS is set once
            self.assertEqual(p.command("AT+CMEE=2"), ["OK"])
            self.assertEqual(p.command("AT+CPMS?"), ["+CME ERROR: operation not allowed"])
            self.assertEqual(p.command('AT+CPMS="ME"')[-1], "OK")
            self.assertEqual(p.command("AT+CPMS?")[0][:12], '+CPMS: "ME",')
            # the running image is the flashed one (deltas apply to it)
            with open(os.path.join(sim.state, "firmware.bin"), "rb") as f:
                self.assertEqual(f.read(), images("SARA-R422S")[1])
            # and it all survives a power cycle
            sim.restart()
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("ATI9"), ["00.13,A00.02", "OK"])
            self.assertEqual(p.command("AT+UBKUPDATA?"), ['+UBKUPDATA: 0,0,1,0,0,0,""', "OK"])

    def test_full_flash_r410m_read_data(self):
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("ATI9"), ["L0.0.00.00.05.12,A.02.19", "OK"])
            c = self.enter(sim)
            self.full_flash(sim, c)
            sim.wait_boot(c.port, timeout=10)
            self.assertEqual(c.port.command("ATI9"), ["L0.0.00.00.05.13,A.02.21", "OK"])

    def test_full_flash_each_family(self):
        """One product version of each family (and one without Backup &
        Restore): the flashed versions in ATI9, the IMEI kept, and the
        first-boot backup only where §9.1 has one."""
        for variant, model, backup in (("SARA-R412M-02B-03", "SARA-R412M-02B", True),
                                       ("SARA-N410", "SARA-N410-02B", True),
                                       ("SARA-R422", "SARA-R422", True),
                                       ("SARA-R422M8S", "SARA-R422M8S", True),
                                       ("SARA-R410M-52B", "SARA-R410M-52B", False)):
            with self.subTest(variant=variant), Sim(variant, time_scale=SCALE) as sim:
                p = sim.open()
                sim.wait_boot(p)
                imei = p.command("AT+CGSN")[0]
                c = self.enter(sim)
                self.assertEqual(c.load_programmer(make_programmer(model)), 0)
                c.configure()
                dev = c.read("devdata", c.storage_info()["devdata"])
                for name, data in (("sbl", make_image("sbl", "X9.9", b"b" * 600)),
                                   ("modem", make_image("modem", "X9.9", b"m" * 5000)),
                                   ("apps", make_image("apps", "A9.9", b"a" * 700)),
                                   ("devdata", dev.rstrip(b"\xff"))):
                    c.program(name, data)
                c.reset()
                sim.wait_boot(c.port, timeout=10)
                p = c.port
                self.assertEqual(p.command("ATI9"), ["X9.9,A9.9", "OK"])
                self.assertEqual(p.command("AT+CGSN"), [imei, "OK"])
                p.command("AT+CMEE=1")
                want = ['+UBKUPDATA: 0,0,1,0,0,0,""', "OK"] if backup else ["+CME ERROR: 4"]
                self.assertEqual(p.command("AT+UBKUPDATA?"), want)

    def test_wrong_programmer_then_right_one(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            c = self.enter(sim)
            # made for another product: the boot ROM refuses it
            self.assertEqual(c.load_programmer(make_programmer("SARA-R410M-02B")), 0x21)
            c.sahara_reset()
            # not ELF for this core at all
            c.packet()  # the HELLO after the reset
            self.assertEqual(c.load_programmer(make_programmer("SARA-R422S", elf=False)), 0x14)
            c.sahara_reset()
            c.packet()
            self.assertEqual(c.load_programmer(make_programmer("SARA-R422S")), 0)
            c.configure()
            events = [e["event"] for e in sim.audit_events()]
            self.assertEqual(events.count("flash_programmer_refused"), 2)

    def test_naks(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            c = self.enter(sim)
            self.assertEqual(c.load_programmer(make_programmer("SARA-R422S")), 0)
            # too big a payload: NAK naming the size it takes, as qdl expects
            c.port.write(b'<?xml version="1.0" ?><data><configure MaxPayloadSizeToTargetInBytes="1048576"/></data>')
            r = c.response()
            self.assertEqual((r["value"], r["MaxPayloadSizeToTargetInBytes"]), ("NAK", "16384"))
            c.configure(16384)
            table = c.storage_info()
            with self.assertRaises(Nak):  # beyond the partition
                c.program("devdata", bytes(512 * (table["devdata"] + 1)))
            self.assertIn("beyond the end of the partition", c.logs[-1])
            with self.assertRaises(Nak):
                c.program("nosuch", bytes(512))
            with self.assertRaises(Nak):
                c.command("program", SECTOR_SIZE_IN_BYTES=4096, num_partition_sectors=1, label="apps")
            with self.assertRaises(Nak):
                c.command("frobnicate")
            c.port.write(b"<data><program label='apps'</data>")  # not XML
            self.assertEqual(c.response()["value"], "NAK")
            c.command("nop")  # still in step
            # nothing was written: a reset boots the old firmware
            c.reset()
            sim.wait_boot(c.port, timeout=10)
            self.assertEqual(c.port.command("ATI9")[1], "OK")

    def cut_and_recover(self, how):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            imei = p.command("AT+CGSN")[0]
            old = p.command("ATI9")
            c = self.enter(sim)
            self.assertEqual(c.load_programmer(make_programmer("SARA-R422S")), 0)
            c.configure()
            table = c.storage_info()
            dev = c.read("devdata", table["devdata"])
            parts, _ = images("SARA-R422S")

            class Cut(Exception):
                pass

            def cut(sent):
                if sent >= 64 * 1024:
                    if how == "kill":
                        sim.kill()
                    else:
                        sim.power_off()
                    raise Cut()

            c.program("sbl", parts[0][1])
            with self.assertRaises(Cut):
                c.program("modem", parts[1][1], cut=cut)
            n_before = len([e for e in sim.audit_events() if e["event"] == "flash_mode"])
            if how == "kill":
                sim.start()
                port = sim.open()
            else:
                port = c.port
                port.drain(0.05)
                sim.power_on()
                time.sleep(0.05)
            # no request needed: the unfinished flash holds it in flash mode
            events = [e for e in sim.audit_events() if e["event"] == "flash_mode"]
            self.assertEqual(len(events), n_before + 1)
            self.assertTrue(events[-1]["resumed"])
            port.write("AT\r")  # no AT here: lost
            c = FlashClient(port)
            c.wait_hello(timeout=5)
            self.assertEqual(c.load_programmer(make_programmer("SARA-R422S")), 0)
            c.configure()
            for name, data in parts:
                c.program(name, data)
            c.program("devdata", dev.rstrip(b"\xff"))
            c.reset()
            sim.wait_boot(port, timeout=10)
            self.assertEqual(port.command("ATI9"), ["00.13,A00.02", "OK"])
            self.assertNotEqual(old[0], "00.13,A00.02")
            self.assertEqual(port.command("AT+CGSN"), [imei, "OK"])

    def test_cut_by_kill_stays_in_flash_mode(self):
        self.cut_and_recover("kill")

    def test_cut_by_power_button_stays_in_flash_mode(self):
        self.cut_and_recover("button")

    def test_cuts_at_seeded_points(self):
        """Cuts at 6 seeded byte offsets of the whole flash (devdata's
        restore included), by SIGKILL and the button in turn: each time the
        module comes back in flash mode, and a full flash with the device
        data read before the first cut (the host's backup) restores it."""
        rnd = random.Random(20261202)
        parts, _ = images("SARA-R422S", size=60000)
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            imei = p.command("AT+CGSN")[0]
            c = self.enter(sim)
            self.assertEqual(c.load_programmer(make_programmer("SARA-R422S")), 0)
            c.configure()
            backup = c.read("devdata", c.storage_info()["devdata"])
            seq = parts + [("devdata", backup.rstrip(b"\xff"))]
            total = sum(len(d) for _, d in seq)

            class Cut(Exception):
                pass

            for i in range(6):
                at = rnd.randrange(1, total)
                how = "kill" if i % 2 == 0 else "button"
                done = 0
                try:
                    for name, data in seq:
                        if done + len(data) < at:
                            c.program(name, data)
                            done += len(data)
                            continue

                        def cut(sent, base=done):
                            if base + sent >= at:
                                if how == "kill":
                                    sim.kill()
                                else:
                                    sim.power_off()
                                raise Cut()

                        c.program(name, data, chunk=4096, cut=cut)
                        done += len(data)
                    self.fail("no cut at %d of %d" % (at, total))
                except Cut:
                    pass
                if how == "kill":
                    sim.start()
                    port = sim.open()
                else:
                    port = c.port
                    port.drain(0.05)
                    sim.power_on()
                c = FlashClient(port)
                c.wait_hello(timeout=5)  # flash mode again, by itself
                self.assertTrue([e for e in sim.audit_events() if e["event"] == "flash_mode"][-1]["resumed"])
                self.assertEqual(c.load_programmer(make_programmer("SARA-R422S")), 0)
                c.configure()
            for name, data in seq:
                c.program(name, data)
            c.reset()
            sim.wait_boot(c.port, timeout=10)
            self.assertEqual(c.port.command("ATI9"), ["00.13,A00.02", "OK"])
            self.assertEqual(c.port.command("AT+CGSN"), [imei, "OK"])

    def test_incomplete_flash_reset_returns_to_flash_mode(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            c = self.enter(sim)
            self.assertEqual(c.load_programmer(make_programmer("SARA-R422S")), 0)
            c.configure()
            c.erase("apps")  # the application is gone
            c.reset()
            c.wait_hello(timeout=5)  # back in flash mode, not AT
            incomplete = [e for e in sim.audit_events() if e["event"] == "flash_incomplete"]
            self.assertIn("apps", incomplete[-1]["why"])

    def test_lost_device_data(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            c = self.enter(sim)
            self.full_flash(sim, c, restore=False)
            p = c.port
            sim.wait_boot(p, timeout=10)
            self.assertEqual(p.command("ATI9"), ["00.13,A00.02", "OK"])
            self.assertEqual(p.command("AT+CMEE=2"), ["OK"])
            self.assertEqual(p.command("AT+CGSN"), ["+CME ERROR: memory failure"])


if __name__ == "__main__":
    unittest.main()
