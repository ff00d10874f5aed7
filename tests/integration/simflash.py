"""A small Sahara + Firehose host in Python (standard library only), for
driving sarafw-sim's flash mode, and the partition images it takes
(sim/README.md, "Flash mode").

It is written from the protocol facts (linux-msm/qdl src/sahara.c and
src/firehose.c: packet layouts, XML commands, rawmode ACKs), not from
common/sahara.c or common/firehose.c, so it checks the simulator against
a second implementation; the module's XML is parsed with Python's own
xml.etree.

    c = FlashClient(port)
    c.wait_hello(power_on=sim.power_on)    # requests until the HELLO
    assert c.load_programmer(make_programmer("SARA-R422S")) == 0
    c.configure()
    parts = c.storage_info()
    dev = c.read("devdata", parts["devdata"])
    c.program("modem", make_image("modem", "00.13", payload))
    c.reset()
"""
import hashlib
import struct
import time
import xml.etree.ElementTree as ET

REQUEST = b"\x3a\xa1\x6e\x7e"
SECTOR = 512
PROGRAMMER_ID = 13

HELLO, HELLO_RESP, READ_DATA, END_OF_IMAGE, DONE, DONE_RESP, RESET, RESET_RESP = range(1, 9)
READ_DATA64 = 0x12
LENGTHS = {HELLO: 0x30, HELLO_RESP: 0x30, READ_DATA: 0x14, END_OF_IMAGE: 0x10, DONE: 8,
           DONE_RESP: 0xC, RESET: 8, RESET_RESP: 8, READ_DATA64: 0x20}


def make_image(name, version, payload):
    """A code partition (sbl, modem, apps): header line, then payload."""
    head = "SARAFW-IMAGE %s %s %d %s\n" % (name, version, len(payload),
                                         hashlib.sha256(payload).hexdigest())
    return head.encode() + payload


def make_mno(profiles):
    """profiles: [(id, name)]."""
    return "".join("MNO %d %s\n" % p for p in profiles).encode()


def make_efs(nv=None, files=None):
    out = b"SARAFW-EFS\n"
    for k, v in (nv or {}).items():
        out += ("NV %s=%s\n" % (k, v)).encode()
    for name, data in (files or {}).items():
        out += ("FILE %s %d\n" % (name, len(data))).encode() + data
    return out


def make_programmer(product, elf=True, size=20000):
    """An ELF32 ARM executable with one PT_LOAD segment that begins with
    "SARAFW-FIREHOSE\\0" and the product it serves."""
    seg = b"SARAFW-FIREHOSE\0" + product.encode() + b"\0"
    seg += bytes((i * 7) & 0xFF for i in range(size - len(seg)))
    phoff, seg_off = 52, 52 + 32
    ehdr = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)
    ehdr += struct.pack("<HHIIIIIHHHHHH", 2, 40 if elf else 3, 1, 0, phoff, 0, 0, 52, 32, 1, 0, 0, 0)
    phdr = struct.pack("<IIIIIIII", 1, seg_off, 0, 0, len(seg), len(seg), 5, 4)
    return ehdr + phdr + seg


def doc(tag, **attrs):
    """A Firehose command; nothing after </data> (raw data may follow)."""
    root = ET.Element("data")
    ET.SubElement(root, tag, {k: str(v) for k, v in attrs.items()})
    return b'<?xml version="1.0" encoding="UTF-8" ?>' + ET.tostring(root)


class Nak(Exception):
    pass


class FlashClient:
    def __init__(self, port, timeout=20.0):
        self.port = port
        self.buf = b""
        self.timeout = timeout
        self.logs = []
        self.trace = []  # (direction, what)

    # -- bytes --
    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("nothing from the module; so far %r" % self.buf[:200])
        data = self.port.read(min(left, 0.2))
        self.port.buf = b""  # Port keeps a copy for lines: not needed here
        self.buf += data

    def _take(self, n, deadline):
        while len(self.buf) < n:
            self._fill(deadline)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    # -- Sahara --
    def packet(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        head = self._take(8, deadline)
        cmd, length = struct.unpack("<II", head)
        if LENGTHS.get(cmd) != length:
            raise ValueError("bad Sahara packet %r" % head)
        body = self._take(length - 8, deadline)
        self.trace.append(("<", cmd))
        return cmd, body

    def send_packet(self, cmd, *words, fmt=None):
        fmt = fmt or "<" + "I" * (2 + len(words))
        data = struct.pack(fmt, cmd, LENGTHS[cmd], *words)
        data += bytes(LENGTHS[cmd] - len(data))
        self.trace.append((">", cmd))
        self.port.write(data)

    def wait_hello(self, power_on=None, timeout=10.0, period=0.01):
        """Sends the flash request every `period` s until a HELLO comes;
        power_on() (if given) after the first request (note §9 steps 6, 7)."""
        deadline = time.monotonic() + timeout
        first = True
        while True:
            self.port.write(REQUEST)
            if first and power_on:
                power_on()
            first = False
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no HELLO; got %r" % self.buf[:100])
            self.buf += self.port.read(min(period, left))
            self.port.buf = b""
            i = self.buf.find(struct.pack("<II", HELLO, 0x30))
            if i >= 0 and len(self.buf) >= i + 0x30:
                self.buf = self.buf[i:]
                cmd, body = self.packet()
                return struct.unpack("<4I", body[:16])

    def hello_resp(self):
        self.send_packet(HELLO_RESP, 2, 1, 0, 0)

    def load_programmer(self, prg):
        """Answers the HELLO and serves READ_DATA(64) from prg; returns the
        END_OF_IMAGE status (0: taken, then DONE / DONE_RESP done)."""
        self.hello_resp()
        self.reads = []
        while True:
            cmd, body = self.packet()
            if cmd == HELLO:
                continue  # one more for a request sent before ours arrived
            if cmd in (READ_DATA, READ_DATA64):
                img, off, n = struct.unpack("<3I" if cmd == READ_DATA else "<3Q", body)
                self.reads.append((cmd, img, off, n))
                assert img == PROGRAMMER_ID, img
                self.port.write(prg[off:off + n])
            elif cmd == END_OF_IMAGE:
                img, status = struct.unpack("<2I", body)
                if status:
                    return status
                self.send_packet(DONE)
                cmd, body = self.packet()
                assert cmd == DONE_RESP and struct.unpack("<I", body)[0] == 1, (cmd, body)
                return 0
            else:
                raise ValueError("unexpected Sahara command %#x" % cmd)

    def sahara_reset(self):
        self.send_packet(RESET)
        while True:
            cmd, _ = self.packet()
            if cmd == RESET_RESP:
                return

    # -- Firehose --
    def document(self, timeout=None):
        """The next XML document from the module, as an Element."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while b"</data>" not in self.buf:
            self._fill(deadline)
        end = self.buf.index(b"</data>") + len(b"</data>")
        text, self.buf = self.buf[:end], self.buf[end:]
        root = ET.fromstring(text.strip())
        assert root.tag == "data" and len(root) == 1, text
        return root[0]

    def response(self, timeout=None):
        """Logs until a <response>; returns its attributes."""
        while True:
            el = self.document(timeout)
            if el.tag == "log":
                self.logs.append(el.get("value"))
                continue
            assert el.tag == "response", el.tag
            return el.attrib

    def command(self, tag, **attrs):
        self.trace.append((">", tag))
        self.port.write(doc(tag, **attrs))
        r = self.response()
        if r.get("value") != "ACK":
            raise Nak("%s: NAK (%s)" % (tag, self.logs[-1] if self.logs else ""))
        return r

    def configure(self, payload=16384):
        return self.command("configure", MemoryName="NAND", MaxPayloadSizeToTargetInBytes=payload,
                            Verbose=0, ZlpAwareHost=1, SkipStorageInit=0)

    def storage_info(self):
        """{partition: sectors}; self.serial is the chip serial number."""
        n = len(self.logs)
        self.command("getstorageinfo", physical_partition_number=0)
        parts = {}
        self.serial = None
        for line in self.logs[n:]:
            if line.startswith("partition="):
                kv = dict(w.split("=", 1) for w in line.split())
                parts[kv["partition"]] = int(kv["num_sectors"])
            elif line.startswith("serial_num="):
                self.serial = line.split("=", 1)[1]
        return parts

    def program(self, label, data, start=0, chunk=16384, cut=None):
        """Writes data (padded with zeros to whole sectors) at sector
        `start` of partition `label`. cut(sent) is called after each chunk
        (a test cuts the power there)."""
        if len(data) % SECTOR:
            data += bytes(SECTOR - len(data) % SECTOR)
        self.port.write(doc("program", SECTOR_SIZE_IN_BYTES=SECTOR,
                            num_partition_sectors=len(data) // SECTOR,
                            physical_partition_number=0, start_sector=start, label=label))
        r = self.response()
        if r.get("value") != "ACK":
            raise Nak("program %s: NAK (%s)" % (label, self.logs[-1] if self.logs else ""))
        assert r.get("rawmode") == "true", r
        for off in range(0, len(data), chunk):
            self.port.write(data[off:off + chunk])
            if cut:
                cut(off + chunk)
        r = self.response(timeout=60)
        if r.get("value") != "ACK":
            raise Nak("program %s: final NAK" % label)

    def read(self, label, sectors, start=0):
        self.port.write(doc("read", SECTOR_SIZE_IN_BYTES=SECTOR, num_partition_sectors=sectors,
                            physical_partition_number=0, start_sector=start, label=label))
        r = self.response()
        if r.get("value") != "ACK":
            raise Nak("read %s: NAK (%s)" % (label, self.logs[-1] if self.logs else ""))
        assert r.get("rawmode") == "true", r
        data = self._take(sectors * SECTOR, time.monotonic() + 60)
        r = self.response()
        assert r.get("value") == "ACK", r
        return data

    def erase(self, label, **attrs):
        return self.command("erase", SECTOR_SIZE_IN_BYTES=SECTOR, physical_partition_number=0,
                            label=label, **attrs)

    def reset(self):
        return self.command("power", value="reset")
