"""What the sarafw flash tests share: a bundle the simulator takes (partition
images made as simflash.py makes them), sarafw flash run as a user runs it
(started first, the module powered on at the prompt, note §9 steps 6-7),
and whether a power-cycled module waits in flash mode."""
import glob
import os
import random
import struct
import subprocess
import time

from simflash import make_efs, make_image, make_mno, make_programmer
from simharness import BIN

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

    def __init__(self, d, sim, bundle, tag, trace=True, wait="20"):
        self.err_path = os.path.join(d, tag + ".err")
        self.trace = os.path.join(d, tag + ".trace")
        env = dict(os.environ, SARAFW_STATE_DIR=os.path.join(d, "state"), SARAFW_TIME_SCALE=str(SCALE))
        argv = [SARAFW, "flash", bundle, "--port", sim.link, "--wait", wait]
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


def _last_power(sim):
    """"on" or "off": the last press of the power button the simulator
    has acted on (its log), None before any."""
    last = None
    try:
        with open(sim.log, errors="replace") as f:
            for line in f:
                if "# power on" in line:
                    last = "on"
                elif "# power off" in line:
                    last = "off"
    except FileNotFoundError:
        pass
    return last


def switch(sim, state, timeout=5.0):
    """Presses the power button until the module is `state` ("on" or
    "off") by the simulator's log: the button's last press wins, so a
    quick off-on would otherwise be no power cycle at all, and a press is
    repeated every 0.1 s in case one is missed."""
    press = sim.power_on if state == "on" else sim.power_off
    end = time.monotonic() + timeout
    again = 0.0
    while _last_power(sim) != state:
        now = time.monotonic()
        if now > end:
            raise TimeoutError("the simulator did not switch %s" % state)
        if now >= again:
            press()
            again = now + 0.1
        time.sleep(0.005)


def flash(d, sim, bundle, tag, powered=False):
    """A whole sarafw flash; the module is switched off first unless it is
    already waiting in flash mode (powered)."""
    if not powered:
        sim._close_ports()
        switch(sim, "off")
    r = Run(d, sim, bundle, tag)
    r.wait_prompt()
    if not powered:
        switch(sim, "on")
    return r.finish()


def backups(d):
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(d, "state", "*.qbackup")))


def in_flash_mode(sim, timeout=2.0):
    """Power-cycled with no flash request: a module whose flash was cut
    sends a Sahara HELLO and never answers AT. The port is opened before
    the power-on, so nothing the module sends is flushed away."""
    sim._close_ports()
    switch(sim, "off")
    p = sim.open()
    switch(sim, "on")
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
