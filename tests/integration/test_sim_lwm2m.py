"""sarafw-sim's LwM2M client and uFOTA (note §2) against a test LwM2M
server (lwm2mpeer.py, its own CoAP codec) and nginx serving the package:
registration, the objects, the lifetime, the download with the URCs of
each family (note Table 2, §2.2, §2.6.1), cancel (§2.3, §2.6.5), resume
after a power cut (§2.2.2), the install after Execute /5/0/2 and the
180 s failsafe (§2.6.4), +UFOTACONF (§2.5.2), Softbank's lifetime
(§2.5.1), Table 7's LwM2M row (§7)."""
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import lwm2mpeer
import simpkg
from lwm2mpeer import CF_JSON, CF_TLV, UrcPort, code_str, tlv_decode, tlv_int, tlv_resource, urcs
from simharness import Sim

SCALE = 50

# note §2.5.1, AT+ULWM2MLIST="/"
NOTE_LIST = ('+ULWM2MLIST: "/1/1","/1/2","/2/1","/2/2","/2/3","/2/4","/2/5","/2/6",'
             '"/2/7","/2/8","/2/9","/2/10","/2/11","/2/12","/2/13","/2/14","/2/15",'
             '"/2/16","/2/17","/2/18","/2/0","/3/0","/4/0","/5/0","/6","/7/0","/10",'
             '"/11/1","/11/0","/14/1","/14/2","/14/3","/14/4","/14/5","/14/6","/14/7",'
             '"/14/0","/15","/16/0","/33056","/10241","/2048/0","/3300","/33053/0",'
             '"/10262","/0/1","/0/2"')
# note §2.5.1, AT+ULWM2MREAD="/1/1"
NOTE_READ = ('{"bn":"/1/1/","e":[{"n": "0","v":721}, {"n": "1", "v":86400}, {"n": "2", "v":10}, '
             '{"n": "3", "v":60}, {"n": "5", "v":86400}, {"n": "6", "bv":false}, '
             '{"n": "7", "sv": "UQ"}, {"n": "30000/1", "v":30}, {"n": "30000/0", "v":0}]}')


class Lwm2m(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="lwm2m-test-")
        cls.web = lwm2mpeer.PackageServer(os.path.join(cls.tmp, "www"))
        cls.image = os.path.join(cls.tmp, "fw.bin")
        with open(cls.image, "wb") as f:
            f.write(random.Random(1).randbytes(8192))

    @classmethod
    def tearDownClass(cls):
        cls.web.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.srv = lwm2mpeer.Server()
        self.addCleanup(self.srv.close)

    def sim(self, variant, *extra, scale=SCALE):
        s = Sim(variant, time_scale=scale,
                args=["--lwm2m-server", self.srv.uri, "--firmware", self.image] + list(extra))
        self.addCleanup(s.cleanup)
        return s

    def boot(self, sim, urcs_on=True):
        raw = sim.open()
        sim.wait_boot(raw)
        port = UrcPort(raw)
        self.assertEqual(port.command("AT+CMEE=2"), ["OK"])
        if urcs_on:
            self.assertEqual(port.command("AT+ULWM2MSTAT=1")[-1], "OK")
            if not sim.variant.endswith(("02B-00", "02B-01", "02B-02", "52B")):
                self.assertEqual(port.command("AT+UFOTASTAT=1")[-1], "OK")
        return port

    def package(self, sim, port, name, to_version=None):
        """A signed delta from the running image to the next; its URL."""
        img = simpkg.read_image(sim)
        ati9 = [l for l in port.command("ATI9") if "," in l][0]
        modem, app = ati9.split(",")
        work = os.path.join(self.tmp, name + ".d")
        os.makedirs(work, exist_ok=True)
        model = [l for l in port.command("AT+CGMM") if l.startswith("SARA")][0]
        pkg = simpkg.make(work, model, target=simpkg.derive_image(img), source=img,
                          from_version=ati9, to_version=to_version or "L9.9.00.00.05.12," + app)
        return self.web.put(name, pkg), pkg

    def test_registration_and_objects(self):
        sim = self.sim("SARA-R422S")
        port = self.boot(sim)
        reg = self.srv.wait_event("register", 10)
        imei = [l for l in port.command("AT+CGSN") if l.isdigit()][0]
        self.assertEqual(reg["ep"], "urn:imei:" + imei)
        self.assertEqual((reg["lt"], reg["lwm2m"], reg["b"]), ("86400", "1.0", "UQ"))
        self.assertIn("</5/0>", reg["links"])
        self.assertIn("</3/0>", reg["links"])
        self.assertNotIn("</0/", reg["links"])  # Security is not announced
        # note §2.1 puts the u-blox server's registration at 1.1 to 1.4 kB
        # with DTLS; the NoSec exchange alone is measured here
        print("registration exchange (NoSec, request + response): %d bytes" % reg["bytes"])
        self.assertGreater(reg["bytes"], 300)
        self.assertIn("+ULWM2MSTAT: 1,721,3", urcs(port, ("+U",), "+ULWM2MSTAT: 1,721,3", 5))
        dev = {i: v for _, i, v in tlv_decode(self.srv.read("/3/0")["payload"])}
        ati9 = [l for l in port.command("ATI9") if "," in l][0]
        self.assertEqual(dev[0], b"u-blox")
        self.assertEqual(dev[1], b"SARA-R422S")
        self.assertEqual(dev[2].decode(), imei)
        self.assertEqual(dev[3].decode(), ati9)
        fw = {i: v for _, i, v in tlv_decode(self.srv.read("/5/0")["payload"])}
        self.assertEqual((tlv_int(fw[3]), tlv_int(fw[5])), (0, 0))
        self.assertEqual(self.srv.read("/5/0/3")["payload"], b"0")
        self.assertEqual(code_str(self.srv.read("/5/0/4")["code"]), "4.04")
        self.assertEqual(code_str(self.srv.read("/0/1")["code"]), "4.01")
        self.assertEqual(code_str(self.srv.write("/3/0/0", b"x")["code"]), "4.05")
        self.assertEqual(code_str(self.srv.execute("/5/0/2")["code"]), "4.05")  # Idle
        js = self.srv.read("/1/1", accept=CF_JSON)
        self.assertEqual(json.loads(js["payload"]), json.loads(NOTE_READ))
        # the AT side, as note §2.5.1 prints it
        self.assertEqual(port.command('AT+ULWM2MLIST="/"'), [NOTE_LIST, "OK"])
        read = port.command('AT+ULWM2MREAD="/1/1"')
        self.assertEqual(read[-1], "OK")
        self.assertTrue(read[0].startswith("+ULWM2MREAD: "))
        self.assertEqual(json.loads(read[0][len("+ULWM2MREAD: "):]), json.loads(NOTE_READ))
        for bad in ('AT+ULWM2MREAD="/9/0"', 'AT+ULWM2MREAD="/1/1/99"', 'AT+ULWM2MREAD="x"',
                    'AT+ULWM2MWRITE={"bn":"/1/1/","e":[{"n":"0","v":1}]}',
                    'AT+ULWM2MWRITE={"bn":"/1/1/","e":[{"n":"1","sv":"a"}]}',
                    'AT+ULWM2MWRITE={"bn":"/1/1/","e":[',
                    'AT+ULWM2MREG=999'):
            self.assertTrue(port.command(bad)[-1].startswith(("+CME ERROR", "ERROR")), bad)

    def test_lifetime_update_and_persistence(self):
        sim = self.sim("SARA-R410M-02B-03")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        # note §2.5.1: writing the lifetime triggers a check-in
        self.assertEqual(port.command('AT+ULWM2MWRITE={"bn":"/1/1/","e": [{"n": "1", "v":60}]}'),
                         ["OK"])
        first = self.srv.wait_event("update", 10)
        self.assertEqual(first, {"lt": "60"})
        t0 = time.monotonic()
        self.assertEqual(self.srv.wait_event("update", 5), {})  # before the 60 s end
        module_s = (time.monotonic() - t0) * SCALE
        self.assertLess(module_s, 60)
        self.assertGreater(module_s, 40)
        # the server may write it too; both persist across a power cut
        self.assertEqual(code_str(self.srv.write("/1/1/1", b"12x")["code"]), "4.00")
        self.assertEqual(code_str(self.srv.write("/1/1/1", b"120")["code"]), "2.04")
        # a TLV write of the instance (partial update with POST) and a bad TLV
        tlv = tlv_resource(2, 5) + tlv_resource(3, 300)
        self.assertEqual(code_str(self.srv.request(lwm2mpeer.POST, "/1/1", tlv, cf=CF_TLV)["code"]),
                         "2.04")
        self.assertEqual(code_str(self.srv.write("/1/1", tlv[:-1], cf=CF_TLV)["code"]), "4.00")
        self.assertEqual(code_str(self.srv.write("/1/1", tlv_resource(0, 5), cf=CF_TLV)["code"]),
                         "4.05")  # the short server id is read-only
        sim.restart()
        port = self.boot(sim, urcs_on=False)
        read = port.command('AT+ULWM2MREAD="/1/1/1"')
        self.assertEqual(read, ['+ULWM2MREAD: {"bn":"/1/1/","e":[{"n": "1", "v":120}]}', "OK"])
        self.assertEqual(port.command('AT+ULWM2MREAD="/1/1/2"')[0],
                         '+ULWM2MREAD: {"bn":"/1/1/","e":[{"n": "2", "v":5}]}')
        # +ULWM2MDEREG, then +ULWM2MREG=721 checks in again
        self.srv.wait_event("register", 10)
        self.assertEqual(port.command("AT+ULWM2MDEREG"), ["OK"])
        self.srv.wait_event("deregister", 5)
        self.assertEqual(port.command("AT+ULWM2MREG=721"), ["OK"])
        t0 = time.monotonic()
        self.srv.wait_event("register", 5)
        self.assertLess((time.monotonic() - t0) * SCALE, 60)  # within 60 s

    def transcript(self, variant, install_urcs):
        sim = self.sim(variant, "--bandwidth", "400000")
        port = self.boot(sim)
        if install_urcs:
            self.assertEqual(port.command("AT+UFWINSTALL=,,1"), ["OK"])
        self.srv.wait_event("register", 10)
        url, _ = self.package(sim, port, variant + ".pkg")
        urcs(port, ("+U",), "+ULWM2MSTAT: 1,721,3", 5)
        self.srv.observe("/5/0/3")
        self.srv.observe("/5/0/5")
        self.assertEqual(code_str(self.srv.write("/5/0/1", url.encode())["code"]), "2.04")
        got = urcs(port, ("+U",), "+ULWM2MSTAT: 4,6", 30)
        self.assertEqual(got[0], "+UFOTASTAT: 1,0,0")
        self.assertIn("+UFOTASTAT: 2,2,100", got)
        self.assertEqual(got[got.index("+UFOTASTAT: 2,2,100") + 1], "+ULWM2MSTAT: 3,721,/5/0/3")
        self.srv.wait_notification("/5/0/3", 5, 2)
        # the server executes the update: reset, install, reboot
        self.assertEqual(code_str(self.srv.execute("/5/0/2")["code"]), "2.04")
        self.srv.wait_notification("/5/0/3", 5, 3)
        if install_urcs:
            inst = urcs(port, ("+UFWINSTALL",), "+UFWINSTALL: 128", 60)
            self.assertEqual(inst[0], "+UFWINSTALL: 1")
        self.srv.wait_event("register", 90)
        fw = {i: v for _, i, v in tlv_decode(self.srv.read("/5/0")["payload"])}
        self.assertEqual((tlv_int(fw[3]), tlv_int(fw[5])), (0, 1))  # Idle, success
        port = UrcPort(sim.open())
        sim.wait_boot(port.port)
        ati9 = [l for l in port.command("ATI9") if "," in l][0]
        self.assertTrue(ati9.startswith("L9.9.00.00.05.12,"), ati9)
        self.assertEqual(self.srv.read("/3/0/3")["payload"].decode(), ati9)
        return sim

    def test_transcript_r422(self):
        # note §2.6.1.1, SARA-R422 family, with the +UFWINSTALL URCs
        self.transcript("SARA-R422S", True)

    def test_transcript_r410(self):
        # note §2.6.1.1, SARA-R410M / SARA-R412M
        sim = self.transcript("SARA-R410M-02B-03", False)
        self.assertNotIn("+UFWINSTALL", sim.log_text().replace("# install", ""))

    def test_legacy_urcs_and_cancel(self):
        # note §2.6.1.2 and §2.3: +ULWM2MSTAT: <status>,<pct>, cancel with +ULWM2M=0;
        # 02B-02 (02B-00/01 first need §2.6.2's steps: test_server_legacy.py)
        sim = self.sim("SARA-R410M-02B-02", "--bandwidth", "200000")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        url = self.web.put("big.bin", os.urandom(600 * 1024))
        self.assertEqual(port.command("AT+UFOTA=0")[-1], "+CME ERROR: operation not supported")
        self.srv.observe("/5/0/3")
        self.srv.write("/5/0/1", url.encode())
        self.assertEqual(port.readline(5), "+ULWM2MSTAT: 0,0")
        line = port.readline(10)
        self.assertTrue(re.fullmatch(r"\+ULWM2MSTAT: 1,\d+", line), line)
        self.assertEqual(port.command("AT+ULWM2M=0"), ["OK"])
        urcs(port, ("+ULWM2MSTAT",), "+ULWM2MSTAT: 3,100", 60)
        self.srv.wait_notification("/5/0/3", 5, 0)
        # after the download the cancel is an error (note §2.6.5)
        self.assertTrue(port.command("AT+ULWM2M=0")[-1] == "OK")  # idle: enables the client
        self.srv.write("/5/0/1", self.web.put("small.bin", os.urandom(2000)).encode())
        urcs(port, ("+ULWM2MSTAT",), "+ULWM2MSTAT: 2,100", 30)
        self.assertTrue(port.command("AT+ULWM2M=0")[-1].startswith("+CME ERROR"))

    def test_cancel_new_form(self):
        sim = self.sim("SARA-R422S", "--bandwidth", "100000")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        self.assertTrue(port.command("AT+UFOTA=0")[-1].startswith("+CME ERROR"))  # nothing to cancel
        self.srv.write("/5/0/1", self.web.put("c.bin", os.urandom(400 * 1024)).encode())
        urcs(port, ("+UFOTASTAT",), "+UFOTASTAT: 1,0,0", 10)
        self.assertEqual(port.command("AT+UFOTA=0"), ["OK"])
        urcs(port, ("+UFOTASTAT",), "+UFOTASTAT: 2,3,100", 10)
        self.assertEqual(self.srv.read("/5/0/3")["payload"], b"0")
        self.assertFalse(os.path.exists(os.path.join(sim.state, "fota", "meta")))

    def test_no_imei_no_registration(self):
        # a module whose IMEI cannot be read never registers as "urn:imei:"
        # (one name for every such module): it says why in its log and
        # reports the registration failed
        # made without a server (it never registered), then its IMEI is lost
        sim = Sim("SARA-R422S", time_scale=SCALE, args=["--firmware", self.image])
        self.addCleanup(sim.cleanup)
        sim.stop()
        path = os.path.join(sim.state, "identity")
        with open(path) as f:
            lines = f.read().splitlines()
        self.assertTrue(any(l.startswith("imei=") for l in lines), lines)
        with open(path, "w") as f:
            f.write("\n".join("imei=" if l.startswith("imei=") else l for l in lines) + "\n")
        sim.args = ["--lwm2m-server", self.srv.uri, "--firmware", self.image]
        sim.start()
        port = self.boot(sim)
        got = urcs(port, ("+ULWM2MSTAT",), "+ULWM2MSTAT: 1,721,4", 10)
        self.assertIn("+ULWM2MSTAT: 1,721,4", got)
        with self.assertRaises(TimeoutError):
            self.srv.wait_event("register", 2)
        self.assertIn("LwM2M: no valid IMEI", sim.log_text())

    def test_resume_after_power_cut(self):
        data = os.urandom(500 * 1024)
        url = self.web.put("r.bin", data)
        sim = self.sim("SARA-R410M-63B", "--bandwidth", "800000", "--power-cut", "net:200000")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        self.srv.write("/5/0/1", url.encode())
        sim.proc.wait(30)  # the power fails at 200000 bytes
        sim.kill()
        sim.args.remove("--power-cut")
        sim.args.remove("net:200000")
        sim.start()
        port = self.boot(sim)
        got = urcs(port, ("+UFOTASTAT",), "+UFOTASTAT: 2,2,100", 60)
        # note §2.2.2: "+UFOTASTAT: 0,1,63" from the last page written
        first = [l for l in got if l.startswith("+UFOTASTAT: 0,1,")]
        self.assertTrue(first and int(first[0].split(",")[-1]) >= 30, got)
        with open(os.path.join(sim.state, "fota", "package"), "rb") as f:
            self.assertEqual(hashlib.md5(f.read()).hexdigest(), hashlib.md5(data).hexdigest())
        self.assertIn("reset_during_download", [e["event"] for e in sim.audit_events()])

    def test_kill_at_seeded_points(self):
        # kill -9 at seeded moments of a download (SARAFW_LWM2M_KILLS of
        # them, 30 in `make soak`): each restart resumes from the last page
        # written (note §2.2.2) and the package ends with the right bytes
        kills = int(os.environ.get("SARAFW_LWM2M_KILLS", "4"))
        rng = random.Random(int(os.environ.get("SARAFW_SEED", "1")))
        data = random.Random(3).randbytes(640 * 1024)
        url = self.web.put("k.bin", data)
        # slower with more kills, so that they fall inside the download
        sim = self.sim("SARA-R410M-02B-03", "--bandwidth", str(max(20000, 640000 // kills)))
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        self.srv.write("/5/0/1", url.encode())
        resumed = []
        meta = os.path.join(sim.state, "fota", "meta")
        for _ in range(kills):
            time.sleep(rng.uniform(0.05, 0.5))
            if os.path.exists(meta):
                break  # complete: a reset now would install it (note §2.6.4)
            sim.kill()
            sim.start()
            port = self.boot(sim)
            line, deadline = "", time.monotonic() + 5
            while not line.startswith("+UFOTASTAT") and time.monotonic() < deadline:
                try:
                    line = port.readline(max(0.01, deadline - time.monotonic()))
                except TimeoutError:
                    break
            resumed.append(line)
        deadline = time.monotonic() + 60
        while not os.path.exists(meta) and time.monotonic() < deadline:
            time.sleep(0.05)
        with open(os.path.join(sim.state, "fota", "package"), "rb") as f:
            self.assertEqual(hashlib.md5(f.read()).hexdigest(), hashlib.md5(data).hexdigest())
        # each power-on during the download said so: "3,0,1" at the client
        # start (downloading) when the URCs were on in time, then "0,1,<pct>"
        # from its last page
        self.assertTrue(resumed)
        self.assertTrue(all(re.fullmatch(r"\+UFOTASTAT: (3,0,1|0,1,\d+)", l) for l in resumed),
                        resumed)
        events = [e["event"] for e in sim.audit_events()]
        self.assertEqual(events.count("reset_during_download"), len(resumed))

    def test_failsafe_reset_installs(self):
        # note §2.6.4: no Execute from the server; the host resets the module
        sim = self.sim("SARA-R410M-02B-03")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        url, _ = self.package(sim, port, "fs.pkg")
        self.srv.write("/5/0/1", url.encode())
        urcs(port, ("+UFOTASTAT",), "+UFOTASTAT: 2,2,100", 30)
        self.assertEqual(port.command("AT+CFUN=15")[-1], "OK")
        self.srv.wait_event("register", 90)  # after the install
        self.assertEqual(self.srv.read("/5/0/5")["payload"], b"1")
        events = [e["event"] for e in sim.audit_events()]
        self.assertIn("reset_before_failsafe", events)  # within 180 s

    def test_table7_lwm2m_row(self):
        # note §7: R410M refuses Table 7's commands during the LwM2M download
        sim = self.sim("SARA-R410M-02B-03", "--bandwidth", "50000")
        port = self.boot(sim)
        # note §8: eDRX left on while the uFOTA download runs is audited
        self.assertEqual(port.command('AT+CEDRXS=1,4,"0010"'), ["OK"])
        self.assertEqual(port.command("AT+CEDRXS?"), ['+CEDRXS: 4,"0010"', "OK"])
        self.srv.wait_event("register", 10)
        self.srv.write("/5/0/1", self.web.put("t.bin", os.urandom(300 * 1024)).encode())
        urcs(port, ("+UFOTASTAT",), "+UFOTASTAT: 1,0,0", 10)
        self.assertEqual(port.command("AT+UFWUPD=3"),
                         ["+CME ERROR: FOTA memory is in use"])
        self.assertEqual(port.command("AT+UFOTA=0"), ["OK"])
        urcs(port, ("+UFOTASTAT",), "+UFOTASTAT: 2,3,100", 60)
        events = {e["event"]: e for e in sim.audit_events()}
        self.assertIn("edrx_during_ufota", events)
        self.assertEqual(events["forbidden_during_download"]["download"], "lwm2m")
        self.assertIs(events["forbidden_during_download"]["refused"], True)

    def test_other_download_blocks_lwm2m(self):
        # note §2.1/§7: a FOAT download in progress makes the LwM2M download fail
        sim = self.sim("SARA-R410M-02B-03", scale=5)
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        # the download is active from the accepted command, through its
        # ~5 s preparation (1 s here) to the end of the stream
        port.port.write('AT+UDWNFILE="fw.bin",100000,"FOAT"\r')
        port.port.readline(2)  # the echo: accepted
        self.assertEqual(code_str(self.srv.write("/5/0/1", self.web.put("b.bin", b"x" * 10).encode())
                                  ["code"]), "2.04")
        fw = {i: v for _, i, v in tlv_decode(self.srv.read("/5/0")["payload"])}
        self.assertEqual((tlv_int(fw[3]), tlv_int(fw[5])), (0, 2))  # Idle, not enough flash
        refused = [e for e in sim.audit_events() if e["event"] == "lwm2m_download_refused"]
        self.assertEqual([e["active"] for e in refused], ["udwnfile"])

    def test_ufotaconf(self):
        # note §2.5.2: the variants that have +UFOTACONF
        sim = self.sim("SARA-R410M-02B-01")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        self.assertEqual(port.command("AT+UFOTACONF=2"), ["+UFOTACONF: 2,86400", "OK"])
        self.assertEqual(port.command("AT+UFOTACONF=2,86400"), ["OK"])  # same value
        t0 = time.monotonic()
        self.srv.wait_event("update", 5)
        self.assertLess((time.monotonic() - t0) * SCALE, 60)
        self.assertEqual(port.command("AT+UFOTACONF=2,-1"), ["OK"])
        self.assertEqual(port.command("AT+UFOTACONF=2"), ["+UFOTACONF: 2,-1", "OK"])
        self.srv.wait_event("update", 5)
        self.assertTrue(port.command("AT+UFOTACONF=2,0")[-1].startswith("+CME ERROR"))
        r422 = self.sim("SARA-R422S")
        p2 = self.boot(r422, urcs_on=False)
        self.assertEqual(p2.command("AT+UFOTACONF=2")[-1], "+CME ERROR: operation not supported")

    def test_b12_bootstrap_urcs(self):
        # note B.1.2: the Motive test profile 205, loaded as a "PROFILE"
        # file, bootstraps with +ULWM2MSTAT: 0,0,10/11/12/14 before the
        # registration; a slower clock so the host enables the URC in time
        from test_sim_udwnfile import download
        sim = self.sim("SARA-R410M-02B-03", scale=5)
        port = self.boot(sim, urcs_on=False)
        self.assertEqual(download(sim, port.port, "vzw.mbn", b"MNO 205 VZW Motive\n", "PROFILE"),
                         ["OK"])
        self.assertEqual(port.command("AT+UMNOPROF=205"), ["OK"])
        port.command("AT+CFUN=15")
        port = self.boot(sim)
        got = urcs(port, ("+ULWM2MSTAT",), "+ULWM2MSTAT: 1,721,3", 10)
        self.assertEqual(got, ["+ULWM2MSTAT: 0,0,10", "+ULWM2MSTAT: 0,0,11", "+ULWM2MSTAT: 0,0,12",
                               "+ULWM2MSTAT: 0,0,14", "+ULWM2MSTAT: 1,721,3"])
        # /1/2 is Verizon's server, short id 102
        self.assertEqual(port.command('AT+ULWM2MREAD="/1/2/0"'),
                         ['+ULWM2MREAD: {"bn":"/1/2/","e":[{"n": "0", "v":102}]}', "OK"])

    def test_softbank_63b_lifetime_fixed(self):
        # note §2.5.1: profile 28 on 63B keeps a week and refuses changes
        sim = self.sim("SARA-R410M-63B")
        port = self.boot(sim, urcs_on=False)
        self.assertEqual(port.command("AT+UMNOPROF=28"), ["OK"])
        port.command("AT+CFUN=15")
        port = self.boot(sim, urcs_on=False)
        reg = self.srv.wait_event("register", 10)
        self.assertEqual(reg["lt"], "604800")
        self.assertEqual(port.command('AT+ULWM2MWRITE={"bn":"/1/1/","e":[{"n":"1","v":86400}]}'),
                         ["+CME ERROR: operation not allowed"])

    def test_dtls_psk_registration_bytes(self):
        # coaps:// with a PSK against libcoap's resource directory server
        # (CoRE RD takes the same POST /rd?ep=... registration); a relay
        # counts every datagram until the module reports the registration
        import socket
        import threading
        prog = shutil.which("coap-rd-openssl")
        if not prog:
            raise RuntimeError("coap-rd-openssl is missing (Debian package libcoap3-bin)")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            rd_port = s.getsockname()[1]
        rd = subprocess.Popen([prog, "-A", "127.0.0.1", "-p", str(rd_port), "-k", "secretkey"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(rd.wait)
        self.addCleanup(rd.terminate)
        relay = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        relay.bind(("127.0.0.1", 0))
        relay.settimeout(0.1)
        self.addCleanup(relay.close)
        counted = {"up": 0, "down": 0, "datagrams": 0, "stop": False}
        targets = [("127.0.0.1", rd_port + 1), ("127.0.0.1", rd_port)]  # DTLS port first

        def pump():
            client = None
            while not counted["stop"]:
                try:
                    data, addr = relay.recvfrom(65536)
                except (socket.timeout, OSError):
                    continue
                if addr in targets:
                    counted["down"] += len(data)
                    if client:
                        relay.sendto(data, client)
                else:
                    client = addr
                    counted["up"] += len(data)
                    relay.sendto(data, targets[0])
                counted["datagrams"] += 1
        t = threading.Thread(target=pump, daemon=True)
        t.start()
        self.addCleanup(t.join)
        self.addCleanup(counted.__setitem__, "stop", True)
        uri = "coaps://127.0.0.1:%d" % relay.getsockname()[1]
        sim = Sim("SARA-R422S", time_scale=SCALE,
                  args=["--lwm2m-server", uri, "--lwm2m-psk-id", "urn:imei:test",
                        "--lwm2m-psk-key", b"secretkey".hex()])
        self.addCleanup(sim.cleanup)
        port = self.boot(sim)
        urcs(port, ("+ULWM2MSTAT",), "+ULWM2MSTAT: 1,721,3", 10)
        total = counted["up"] + counted["down"]
        print("registration over DTLS-PSK: %d bytes up, %d down, %d total in %d datagrams "
              "(note §2.1: 1.1 to 1.4 kB)" % (counted["up"], counted["down"], total,
                                              counted["datagrams"]))
        self.assertGreater(total, 900)
        self.assertLess(total, 3000)
        # a wrong key never registers
        counted["up"] = counted["down"] = 0
        bad = Sim("SARA-R422S", time_scale=SCALE,
                  args=["--lwm2m-server", uri, "--lwm2m-psk-id", "x",
                        "--lwm2m-psk-key", b"wrongkey".hex()])
        self.addCleanup(bad.cleanup)
        port = self.boot(bad)
        # DTLS drops the records of a wrong key silently (RFC 6347 §4.1.2.7):
        # the handshake never ends, the registration never succeeds
        with self.assertRaises(TimeoutError):
            urcs(port, ("+ULWM2MSTAT",), "+ULWM2MSTAT: 1,721,3", 3)
        self.assertGreater(counted["up"], 0)

    def test_coap_blockwise_download(self):
        # note §2.1: 63B pulls the package over CoAP block-wise; the server
        # is libcoap's own coap-server, filled with coap-client
        for prog in ("coap-server-openssl", "coap-client-openssl"):
            if not shutil.which(prog):
                raise RuntimeError("%s is missing (Debian package libcoap3-bin)" % prog)
        import socket
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            cport = s.getsockname()[1]
        server = subprocess.Popen(["coap-server-openssl", "-A", "127.0.0.1", "-p", str(cport), "-d", "10"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(server.wait)
        self.addCleanup(server.terminate)
        data = os.urandom(150 * 1024)
        f = os.path.join(self.tmp, "coap.bin")
        with open(f, "wb") as out:
            out.write(data)
        uri = "coap://127.0.0.1:%d/pkg" % cport
        for _ in range(50):
            r = subprocess.run(["coap-client-openssl", "-m", "put", "-b", "1024", "-f", f, uri],
                               capture_output=True, timeout=30)
            if r.returncode == 0:
                break
            time.sleep(0.1)
        sim = self.sim("SARA-R410M-73B", "--bandwidth", "2000000", "--lwm2m-block", "512")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        protos = [tlv_int(v) for _, _, v in tlv_decode(self.srv.read("/5/0/8")["payload"])[0][2]]
        self.assertEqual(protos, [0, 1, 2, 3])
        self.assertEqual(code_str(self.srv.write("/5/0/1", uri.encode())["code"]), "2.04")
        urcs(port, ("+UFOTASTAT",), "+UFOTASTAT: 2,2,100", 30)
        with open(os.path.join(sim.state, "fota", "package"), "rb") as pk:
            self.assertEqual(pk.read(), data)
        # a variant without CoAP (note §2.1: HTTP only) refuses the URI
        r422 = self.sim("SARA-R422S")
        self.boot(r422, urcs_on=False)
        self.srv.wait_event("register", 10)
        self.assertEqual(code_str(self.srv.write("/5/0/1", uri.encode())["code"]), "4.00")
        self.assertEqual(self.srv.read("/5/0/5")["payload"], b"9")


if __name__ == "__main__":
    unittest.main()
