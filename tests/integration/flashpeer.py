"""A module in flash mode, written in Python from the protocol facts alone
(Qualcomm Sahara and Firehose as linux-msm/qdl speaks them), for testing
sarafw flash against a peer that shares no code with it (standard library
only). It serves one PTY, linked at `link`:

    peer = FlashPeer(link, imei="354679090348445", serial="a9e1ce86")
    peer.start()         # powered on in flash mode: sends Sahara HELLO
    ... sarafw flash IMAGE --port link ...
    peer.stop()
    peer.parts["modem"]  # what was written; peer.parts survives a restart

Faults: nak_label (a <program> of that partition is answered NAK),
cut_after (after that many raw bytes of <program> the line goes dead:
the PTY closes, as when the module loses power), product (a programmer
whose header names another product is refused with END_OF_IMAGE status
0x14). After <power value="reset"/> it answers AT as a booted module:
ATI0, ATI9 (the version given), AT+CGSN (the IMEI in its devdata, or
+CME ERROR: memory failure when none).
"""
import os
import re
import select
import struct
import threading
import time

HELLO, HELLO_RESP, READ_DATA, END_OF_IMAGE, DONE, DONE_RESP, RESET = 1, 2, 3, 4, 5, 6, 7
READ_DATA64 = 0x12
SECTOR = 512
DLOAD = b"\x3a\xa1\x6e\x7e"

LAYOUT = {"sbl": 64, "modem": 8192, "apps": 8192, "mno": 512, "efs": 2048, "devdata": 8}


def devdata_for(imei):
    text = ("imei=%s\ncal=rf-%s\nnv_band=0x80800\n" % (imei, imei[-4:])).encode()
    return text + b"\0" * (LAYOUT["devdata"] * SECTOR - len(text))


class FlashPeer:
    def __init__(self, link, imei="354679090348445", serial="a9e1ce86", product="SARA-R422S",
                 version="00.12,A00.01", nak_label=None, cut_after=None, parts=None, give_serial=True):
        self.link = link
        self.serial = serial if give_serial else ""
        self.product = product
        self.version = version
        self.nak_label = nak_label
        self.cut_after = cut_after
        self.parts = parts if parts is not None else {"devdata": devdata_for(imei)}
        self.log = []
        self.flashed_version = None
        self.reset_done = False
        self.raw_in = 0
        self._stop = False
        self.error = None

    # ---- plumbing ----
    def start(self):
        self.master, slave = os.openpty()
        import tty
        tty.setraw(slave)
        name = os.ttyname(slave)
        self._slave = slave
        if os.path.lexists(self.link):
            os.unlink(self.link)
        os.symlink(name, self.link)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def stop(self):
        self._stop = True
        self.thread.join(10)
        for fd in (getattr(self, "master", None), getattr(self, "_slave", None)):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.master = self._slave = None

    def _read(self, n, timeout=20.0):
        out = b""
        end = time.time() + timeout
        while len(out) < n:
            if self._stop or time.time() > end:
                raise EOFError("peer: waited for %d bytes, got %d" % (n, len(out)))
            r, _, _ = select.select([self.master], [], [], 0.05)
            if r:
                out += os.read(self.master, n - len(out))
        return out

    def _write(self, data):
        while data:
            _, w, _ = select.select([], [self.master], [], 1.0)
            if w:
                data = data[os.write(self.master, data):]

    def _run(self):
        try:
            self._sahara()
            self._firehose()
            if self.reset_done:
                self._at()
        except EOFError as e:
            self.error = str(e)
        except Exception as e:  # a test failure: kept for the test to print
            self.error = "%s: %s" % (type(e).__name__, e)

    # ---- Sahara ----
    def _packet(self, timeout=20.0):
        head = self._read(8, timeout)
        while head[:4] == DLOAD:  # a request that crossed our HELLO
            head = head[4:] + self._read(4, timeout)
        cmd, length = struct.unpack("<II", head)
        body = self._read(length - 8, timeout) if length > 8 else b""
        return cmd, body

    def _sahara(self):
        # powered on while the host asks: the DIAG download request
        # (0x3a, HDLC-framed) takes it into flash mode, HELLO answers
        buf = b""
        while not buf.endswith(DLOAD):
            buf = (buf + self._read(1, 60.0))[-4:]
        self._write(struct.pack("<IIIIII", HELLO, 0x30, 2, 1, 0x400, 0) + b"\0" * 24)
        cmd, body = self._packet()
        assert cmd == HELLO_RESP and len(body) == 0x28, (cmd, len(body))
        version, compat, status, mode = struct.unpack("<IIII", body[:16])
        assert status == 0 and mode == 0, (status, mode)
        # the ELF header first, as a boot ROM reads it
        self._write(struct.pack("<IIQQQ", READ_DATA64, 0x20, 13, 0, 64))
        head = self._read(64)
        ok = head[:4] == b"\x7fELF" and self.product.encode() in head
        if ok:
            self._write(struct.pack("<IIIII", READ_DATA, 0x14, 13, 64, 16))
            self._read(16)
        self._write(struct.pack("<IIII", END_OF_IMAGE, 0x10, 13, 0 if ok else 0x14))
        if not ok:
            self.log.append("programmer refused")
            raise EOFError("programmer refused")
        cmd, _ = self._packet()
        assert cmd == DONE, cmd
        self._write(struct.pack("<III", DONE_RESP, 0x0C, 1))

    # ---- Firehose ----
    def _doc(self):
        buf = b""
        while not buf.endswith(b"</data>"):
            buf += self._read(1, 60.0)
            if len(buf) > 4096:
                raise AssertionError("document too long: %r" % buf[:200])
        text = buf.decode()
        m = re.search(r"<data>\s*<(\w+)((?:\s+\w+=\"[^\"]*\")*)\s*/>\s*</data>", text)
        assert m, text
        attrs = dict(re.findall(r"(\w+)=\"([^\"]*)\"", m.group(2)))
        self.log.append((m.group(1), attrs))
        return m.group(1), attrs

    def _send(self, tag, **attrs):
        a = "".join(' %s="%s"' % kv for kv in attrs.items())
        self._write(('<?xml version="1.0" encoding="UTF-8" ?><data><%s%s /></data>' % (tag, a)).encode())

    def _firehose(self):
        while True:
            tag, a = self._doc()
            if tag == "configure":
                self._send("response", value="ACK", MaxPayloadSizeToTargetInBytes="1048576")
            elif tag == "getstorageinfo":
                for name, n in LAYOUT.items():
                    self._send("log", value="partition=%s num_sectors=%d" % (name, n))
                if self.serial:
                    self._send("log", value="serial_num=%s" % self.serial)
                self._send("response", value="ACK")
            elif tag in ("read", "program"):
                label, n = a["label"], int(a["num_partition_sectors"])
                assert a["SECTOR_SIZE_IN_BYTES"] == "512" and a["start_sector"] == "0", a
                if label not in LAYOUT or n > LAYOUT[label]:
                    self._send("log", value="%s: no partition %s of %d sectors" % (tag, label, n))
                    self._send("response", value="NAK")
                    continue
                if tag == "read":
                    self._send("response", value="ACK", rawmode="true")
                    data = self.parts.get(label, b"\xff" * (LAYOUT[label] * SECTOR))
                    self._write(data[:n * SECTOR].ljust(n * SECTOR, b"\xff"))
                    self._send("response", value="ACK", rawmode="false")
                    continue
                if label == self.nak_label:
                    self._send("log", value="ERROR: program failed at sector 0 of %s" % label)
                    self._send("response", value="NAK")
                    continue
                self._send("response", value="ACK", rawmode="true")
                got = b""
                while len(got) < n * SECTOR:
                    piece = self._read(min(4096, n * SECTOR - len(got)))
                    if self.cut_after is not None and self.raw_in + len(piece) >= self.cut_after:
                        keep = self.cut_after - self.raw_in
                        self.parts[label] = (got + piece[:keep]).ljust(n * SECTOR, b"\xff")
                        self.log.append("cut in %s" % label)
                        os.close(self.master)  # power gone: the line is dead
                        self.master = None
                        raise EOFError("cut")
                    self.raw_in += len(piece)
                    got += piece
                self.parts[label] = got
                self._send("response", value="ACK", rawmode="false")
            elif tag == "power":
                self._send("response", value="ACK")
                self.reset_done = True
                return
            else:
                self._send("log", value="unknown command %s" % tag)
                self._send("response", value="NAK")

    # ---- after the reset: a booted module ----
    def booted_version(self):
        """The version line at the start of the apps partition (the test
        images carry one), else the version the peer was made with."""
        m = re.match(rb"version=([^\n\0]+)\n", self.parts.get("apps", b""))
        return m.group(1).decode() if m else self.version

    def imei(self):
        m = re.search(rb"(?:^|\n)imei=(\d{15})", self.parts.get("devdata", b""))
        return m.group(1).decode() if m else None

    def _at(self):
        time.sleep(0.2)
        line = b""
        while not self._stop:
            r, _, _ = select.select([self.master], [], [], 0.05)
            if not r:
                continue
            line += os.read(self.master, 256)
            while b"\r" in line:
                cmd, line = line.split(b"\r", 1)
                cmd = cmd.strip().decode(errors="replace").upper()
                if not cmd:
                    continue
                if cmd == "ATI0":
                    out = [self.product + "-00B-00"]
                elif cmd == "ATI9":
                    out = [self.booted_version()]
                elif cmd == "AT+CGMM":
                    out = [self.product]
                elif cmd == "AT+CGSN":
                    out = [self.imei()] if self.imei() else None
                elif cmd == "AT+UMNOPROF?":
                    out = ["+UMNOPROF: 90"]
                else:
                    out = []
                if out is None:
                    self._write(b"\r\n+CME ERROR: memory failure\r\n")
                else:
                    self._write(b"".join(b"\r\n" + o.encode() + b"\r\n" for o in out) + b"\r\nOK\r\n")
