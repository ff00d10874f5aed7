"""sarafw-sim: NVM settings survive a power cut (SIGKILL) and reboots."""
import os
import unittest

from simharness import Sim

SCALE = 50


class Persist(unittest.TestCase):
    def test_settings_survive_power_cut(self):
        with Sim("SARA-R410M-02B-03", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("AT+UMNOPROF?"), ["+UMNOPROF: 1", "OK"])
            self.assertEqual(p.command("AT+UMNOPROF=3"), ["OK"])
            self.assertEqual(p.command('AT+CSGT=1,"Hello sarafw"'), ["OK"])
            self.assertEqual(p.command("AT+CMEE=2"), ["OK"])
            self.assertEqual(p.command("AT+CEREG=2"), ["OK"])
            # from here the module may send "+CEREG: <stat>,..." at any time
            urc = ("+CEREG:",)  # none of the commands below answers +CEREG
            self.assertEqual(p.command("AT+UFOTASTAT=1", urcs=urc), ["OK"])
            self.assertEqual(p.command("AT+IPR=57600", urcs=urc), ["OK"])  # sent at the old rate
            p.set_speed(57600)
            p.drain(0.05)
            self.assertEqual(p.command("AT+IPR?", urcs=urc), ["+IPR: 57600", "OK"])

            sim.restart()  # kill -9, then power on
            p = sim.open(57600)
            # greeting once the boot is over, nothing before (AT unavailable)
            lines = p.expect("Hello sarafw", timeout=sim.boot_time() + 5)
            self.assertEqual(lines, ["Hello sarafw"])
            self.assertEqual(p.command("AT+CSGT?"), ['+CSGT: "Hello sarafw",1', "OK"])
            self.assertEqual(p.command("AT+UMNOPROF?"), ["+UMNOPROF: 3", "OK"])
            self.assertEqual(p.command("AT+IPR?"), ["+IPR: 57600", "OK"])
            self.assertEqual(p.command("AT+NOSUCH"), ["+CME ERROR: unknown"])
            # volatile: +CEREG mode and +UFOTASTAT return to their defaults
            self.assertEqual(p.command("AT+CEREG?")[0][:10], "+CEREG: 0,")
            self.assertEqual(p.command("AT+UFOTASTAT?"), ["+UFOTASTAT: 0", "OK"])
            # the new profile took effect at this boot: Verizon contexts
            cids = [l.split(",")[0] for l in p.command("AT+CGDCONT?") if l.startswith("+")]
            self.assertEqual(cids, ["+CGDCONT: %d" % c for c in (1, 2, 3, 4, 6)])

            # the flash is readable by a person
            with open(os.path.join(sim.state, "nvm")) as f:
                nvm = f.read()
            self.assertIn("ipr=57600\n", nvm)
            self.assertIn("csgt_text=Hello sarafw\n", nvm)
            self.assertIn("mno_profile=3\n", nvm)
            self.assertFalse([n for n in os.listdir(sim.state) if n.endswith(".tmp")])

    def test_hand_edited_flash(self):
        """A person edits the nvm record (CRLF, blanks, comments, junk
        lines): what is readable is used, the rest is skipped, and a
        record of pure garbage leaves the factory settings."""
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            factory = p.command("AT+UMNOPROF?")
            self.assertNotEqual(factory[0], "+UMNOPROF: 3")
            sim.stop()
            nvm = os.path.join(sim.state, "nvm")
            with open(nvm, "wb") as f:
                f.write(b"# edited on a desk\r\n mno_profile = 3 \r\nnot a setting\r\n"
                        b"\x00\xff=\x01\r\ncmee=2\r\n")
            sim.start()
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("AT+UMNOPROF?"), ["+UMNOPROF: 3", "OK"])
            self.assertEqual(p.command("AT+NOSUCH"), ["+CME ERROR: unknown"])  # cmee=2
            sim.stop()
            with open(nvm, "wb") as f:
                f.write(bytes(range(256)) * 4)
            sim.start()
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("AT+UMNOPROF?"), factory)
            self.assertEqual(p.command("AT+IPR?"), ["+IPR: 115200", "OK"])

    def test_reboot_applies_profile_and_shows_greeting(self):
        with Sim("SARA-R422S", time_scale=SCALE) as sim:
            p = sim.open()
            sim.wait_boot(p)
            self.assertEqual(p.command("AT+UMNOPROF?"), ["+UMNOPROF: 90", "OK"])
            self.assertEqual(p.command('AT+CSGT=1,"up again"'), ["OK"])
            self.assertEqual(p.command("AT+UMNOPROF=5"), ["OK"])
            self.assertEqual(p.command("AT+CFUN=15"), ["OK"])
            p.write("AT+CGMR\r")  # lost: the module is booting
            self.assertEqual(p.expect("up again", timeout=sim.boot_time() + 5), ["up again"])
            self.assertEqual(p.command("AT+UMNOPROF?"), ["+UMNOPROF: 5", "OK"])
            self.assertIn('+CGDCONT: 1,"IPV4V6","fast.t-mobile.com"',
                          p.command("AT+CGDCONT?")[0])
            boot = [e for e in sim.audit_events() if e["event"] == "at_during_boot"]
            self.assertEqual([e.get("line") for e in boot], ["AT+CGMR"])

    def test_kill_during_writes_leaves_consistent_flash(self):
        with Sim("SARA-R410M-63B", time_scale=SCALE) as sim:
            for i in range(5):
                p = sim.open()
                sim.wait_boot(p)
                p.command('AT+CSGT=1,"text %d-0"' % i)
                for k in range(1, 20):  # cut while these are being stored
                    p.write('AT+CSGT=1,"text %d-%d"\r' % (i, k))
                p.expect("OK")
                sim.restart()
            p = sim.open()
            sim.wait_boot(p)
            r = p.command("AT+CSGT?")
            self.assertRegex(r[0], r'^\+CSGT: "text \d-\d+",1$')
            with open(os.path.join(sim.state, "nvm")) as f:
                keys = [l.split("=")[0] for l in f.read().splitlines()]
            self.assertEqual(keys, ["echo", "cmee", "ipr", "csgt_mode", "csgt_text",
                                    "mno_profile", "cpms"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
