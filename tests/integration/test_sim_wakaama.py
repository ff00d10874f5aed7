"""sarafw-sim's LwM2M client against an independent LwM2M server, Eclipse
Wakaama's example lwm2mserver (driven by lwm2mpeers.py), with nginx
serving the package: the server registers the simulated module, reads /3
and /5, observes /5/0/3 and /5/0/5, writes the Package URI /5/0/1 and
executes /5/0/2; the note §2.6.1 transcript of each family (and the legacy
§2.6.1.2 one) appears on the module's serial port, and the module comes
back registered on the new firmware with Update Result 1."""
import os
import random
import re
import shutil
import tempfile
import unittest

import lwm2mpeer
import simpkg
from lwm2mpeer import UrcPort, urcs
from lwm2mpeers import Lwm2mServer, tlv_int
from simharness import Sim

SCALE = 50


class Wakaama(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="wakaama-test-")
        cls.web = lwm2mpeer.PackageServer(os.path.join(cls.tmp, "www"))
        cls.image = os.path.join(cls.tmp, "fw.bin")
        with open(cls.image, "wb") as f:
            f.write(random.Random(7).randbytes(16384))

    @classmethod
    def tearDownClass(cls):
        cls.web.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def update(self, variant, legacy=False, install_urcs=False):
        server = Lwm2mServer()
        self.addCleanup(server.__exit__, None, None, None)
        sim = Sim(variant, time_scale=SCALE,
                  args=["--lwm2m-server", "coap://127.0.0.1:%d" % server.port,
                        "--firmware", self.image, "--bandwidth", "400000"])
        self.addCleanup(sim.cleanup)
        raw = sim.open()
        sim.wait_boot(raw)
        port = UrcPort(raw)
        # note §2.6.1: enable the URCs first
        self.assertEqual(port.command("AT+ULWM2MSTAT=1"), ["OK"])
        if not legacy:
            self.assertEqual(port.command("AT+UFOTASTAT=1"), ["OK"])
        if install_urcs:
            self.assertEqual(port.command("AT+UFWINSTALL=,,1"), ["OK"])
        imei = [l for l in port.command("AT+CGSN") if l.isdigit()][0]
        ati9 = [l for l in port.command("ATI9") if "," in l][0]
        model = [l for l in port.command("AT+CGMM") if l.startswith("SARA")][0]
        c = server.wait_registration("urn:imei:" + imei, timeout=10)
        self.assertEqual(c.lifetime, 86400)
        for o in ("/1/1", "/3/0", "/5/0"):
            self.assertIn(o, c.objects)
        if not legacy:
            urcs(port, ("+U",), "+ULWM2MSTAT: 1,721,3", 5)
        dev = server.read(c.id, "/3/0")  # TLV: values are bytes
        self.assertEqual(dev.status, "2.05")
        self.assertEqual(dev.values["0"], b"u-blox")
        self.assertEqual(dev.values["1"].decode(), model)
        self.assertEqual(dev.values["2"].decode(), imei)
        self.assertEqual(dev.values["3"].decode(), ati9)
        fw = server.read(c.id, "/5/0")
        self.assertEqual(fw.status, "2.05")
        self.assertEqual((tlv_int(fw.values["3"]), tlv_int(fw.values["5"])), (0, 0))
        # the package: a signed delta from the running image to the next
        img = simpkg.read_image(sim)
        work = os.path.join(self.tmp, variant)
        os.makedirs(work, exist_ok=True)
        new = "L9.9.00.00.05.12," + ati9.split(",")[1]
        pkg = simpkg.make(work, model, target=simpkg.derive_image(img), source=img,
                          from_version=ati9, to_version=new)
        url = self.web.put(variant + ".pkg", pkg)
        self.assertTrue(server.observe(c.id, "/5/0/3").ok)
        self.assertTrue(server.observe(c.id, "/5/0/5").ok)
        mark = len(server.events)
        self.assertEqual(server.write(c.id, "/5/0/1", url).status, "2.04")
        n = server.wait_notify(c.id, "/5/0/3", timeout=30, start=mark)
        done = urcs(port, ("+U",), "+ULWM2MSTAT: 2,100" if legacy else "+UFOTASTAT: 2,2,100", 30)
        if legacy:  # note §2.6.1.2
            self.assertEqual(done[0], "+ULWM2MSTAT: 0,0")
            self.assertTrue(all(re.fullmatch(r"\+ULWM2MSTAT: 1,\d+", l) for l in done[1:-1]), done)
        else:  # note §2.6.1.1
            self.assertEqual(done[0], "+UFOTASTAT: 1,0,0")
            self.assertEqual(port.readline(5), "+ULWM2MSTAT: 3,721,/5/0/3")
        while tlv_int(n.value()) != 2:
            n = server.wait_notify(c.id, "/5/0/3", timeout=30, after=n.count, start=mark)
        # the server executes the update: reset, install, reboot
        self.assertEqual(server.execute(c.id, "/5/0/2").status, "2.04")
        if install_urcs:
            inst = urcs(port, ("+UFWINSTALL",), "+UFWINSTALL: 128", 60)
            self.assertEqual(inst[0], "+UFWINSTALL: 1")
        c2 = server.wait_registration("urn:imei:" + imei, timeout=90, start=mark)
        fw = server.read(c2.id, "/5/0")
        self.assertEqual((tlv_int(fw.values["3"]), tlv_int(fw.values["5"])), (0, 1))  # Idle, firmware updated
        port = sim.open()
        sim.wait_boot(port)
        self.assertEqual(port.command("ATI9"), [new, "OK"])
        self.assertEqual(server.read(c2.id, "/3/0/3").value().decode(), new)

    def test_r422_family(self):
        self.update("SARA-R422S", install_urcs=True)

    def test_r410m(self):
        self.update("SARA-R410M-02B-03")

    def test_legacy(self):
        self.update("SARA-R410M-02B-02", legacy=True)


if __name__ == "__main__":
    unittest.main()
