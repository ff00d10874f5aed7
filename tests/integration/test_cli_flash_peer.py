"""sarafw flash against flashpeer.py, a module in flash mode written in
Python from the protocol facts alone: a full flash (every partition
written, the device data read before and written back after them, the
backup file deleted, ATI9 checked), and one clear line with the next step
for each failure (no device in flash mode, wrong image for this product,
NAK, lost connection); a backup left by a failed run goes back to its own
module only, found by chip serial even when the IMEI is gone, and a
second module keeps its own IMEI (note §9 tips)."""
import glob
import json
import os
import subprocess
import sys
import tempfile

from flashpeer import FlashPeer, SECTOR, devdata_for
from simharness import BIN

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = os.path.join(HERE, "..", "keys", "demo.key")
SARAFW = os.path.join(BIN, "sarafw")
NEW = "00.13,A00.02"


def image(size, seed, head=b""):
    out = bytearray(head)
    x = seed
    while len(out) < size:
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out.append((x >> 16) & 0xFF)
    return bytes(out[:size])


def make_bundle(d, product="SARA-R422S", name="b.sfb"):
    prog = b"\x7fELF" + b"\x01\x01\x01" + b"\0" * 9 + product.encode() + b"\0" * 300
    imgs = {
        "sbl": image(3000, 1),
        "modem": image(300000, 2),
        "apps": image(100000, 3, ("version=%s\n" % NEW).encode()),
        "mno": image(5000, 4),
        "efs": image(20000, 5),
    }
    with open(os.path.join(d, "prog.elf"), "wb") as f:
        f.write(prog)
    args = []
    for k, v in imgs.items():
        p = os.path.join(d, k + ".bin")
        with open(p, "wb") as f:
            f.write(v)
        args.append("%s=%s" % (k, p))
    out = os.path.join(d, name)
    subprocess.run([SARAFW, "pkg", "bundle", "-o", out, "--product", product, "--version", NEW,
                    "--programmer", os.path.join(d, "prog.elf"), "--key", KEY] + args,
                   check=True, capture_output=True)
    return out, imgs


def flash(d, bundle, link, *extra, wait="20"):
    env = dict(os.environ, SARAFW_STATE_DIR=os.path.join(d, "state"))
    r = subprocess.run([SARAFW, "flash", bundle, "--port", link, "--wait", wait] + list(extra),
                       capture_output=True, text=True, timeout=120, env=env)
    return r.returncode, r.stdout, r.stderr


def backups(d):
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(d, "state", "*.qbackup")))


def check(cond, what, *ctx):
    if not cond:
        for c in ctx:
            print(c)
        sys.exit("FAILED: " + what)


def one_line(err):
    """The failure is one sarafw: line (the prompt and notes before it)."""
    lines = [l for l in err.splitlines() if l.startswith("sarafw: ") and "DEMO key" not in l]
    return lines


def main():
    with tempfile.TemporaryDirectory() as d:
        link = os.path.join(d, "port")
        bundle, imgs = make_bundle(d)
        imei_a, imei_b = "354679090348445", "357591080123455"

        # 1. a full flash
        peer = FlashPeer(link, imei=imei_a, serial="a9e1ce86")
        before = peer.parts["devdata"]
        peer.start()
        rc, out, err = flash(d, bundle, link)
        peer.stop()
        check(rc == 0, "full flash exits 0", out, err, peer.error, peer.log)
        check("power the module on now" in err, "the prompt asks to power the module on", err)
        check("SUCCESS" in out and NEW in out and imei_a in out, "success names version and IMEI", out)
        check("AT+CPMS" in out and "UBKUPDATA" in out, "the +CPMS reminder (note §9.1.1)", out)
        for k, v in imgs.items():
            n = (len(v) + SECTOR - 1) // SECTOR * SECTOR
            check(peer.parts.get(k) == v.ljust(n, b"\0"), "partition %s written, last sector padded" % k)
        check(peer.parts["devdata"] == before, "device data restored unchanged")
        ops = [(t, a.get("label")) for t, a in (e for e in peer.log if isinstance(e, tuple))
               if t in ("read", "program")]
        check(ops[0] == ("read", "devdata"), "device data read before any write", ops)
        check([l for t, l in ops if t == "program"] == ["sbl", "modem", "apps", "mno", "efs", "devdata"],
              "partitions in table order, device data last", ops)
        check(ops[-1] == ("read", "devdata"), "device data read back after its restore", ops)
        check(backups(d) == [], "backup deleted after a successful restore", backups(d))

        # 2. no module in flash mode: a port that says nothing
        import pty
        m, s = pty.openpty()
        os.unlink(link)
        os.symlink(os.ttyname(s), link)
        rc, out, err = flash(d, bundle, link, wait="2")
        os.close(m), os.close(s)
        lines = one_line(err)
        check(rc == 5 and len(lines) == 1 and "no module in flash mode" in lines[0] and "power the module on" in lines[0],
              "no device: exit 5, one line with the next step", rc, err)

        # 3. the wrong image for this product: the programmer is refused
        peer = FlashPeer(link, imei=imei_a, product="SARA-R410M")
        peer.start()
        rc, out, err = flash(d, bundle, link)
        peer.stop()
        lines = one_line(err)
        check(rc == 1 and len(lines) == 1 and "refused the programmer" in lines[0] and "another product" in lines[0],
              "wrong product: one line", rc, err)
        check(backups(d) == [], "nothing backed up before the programmer runs")

        # 4. a NAK: the backup stays, the next run restores it and deletes it
        peer = FlashPeer(link, imei=imei_a, nak_label="apps")
        peer.start()
        rc, out, err = flash(d, bundle, link)
        peer.stop()
        lines = one_line(err)
        check(rc == 1 and len(lines) == 1 and "NAK" in lines[0] and "program failed" in lines[0]
              and "while writing apps" in lines[0], "NAK: one line with the programmer's log", rc, err)
        left = backups(d)
        check(left == ["SARAFW_archive_a9e1ce86_%s.qbackup" % imei_a], "backup left after a NAK", left)
        check(left[0] in lines[0], "the NAK line names the backup file", lines)
        peer = FlashPeer(link, imei=imei_a, parts=peer.parts)
        peer.start()
        rc, out, err = flash(d, bundle, link)
        peer.stop()
        check(rc == 0 and "left by an earlier run" in err, "the next run uses the backup", out, err, peer.error)
        check(peer.imei() == imei_a and backups(d) == [], "restored and deleted", backups(d))

        # 5. a cut while the device data is written back: the IMEI is gone;
        #    the next run finds the backup by chip serial and restores it
        total = sum((len(v) + SECTOR - 1) // SECTOR * SECTOR for v in imgs.values())
        peer = FlashPeer(link, imei=imei_a, cut_after=total + 3)
        peer.start()
        rc, out, err = flash(d, bundle, link)
        peer.stop()
        lines = one_line(err)
        check(rc == 1 and len(lines) == 1 and "lost connection" in lines[0] and "restoring the device data" in lines[0],
              "a cut: lost connection, one line", rc, err)
        check(peer.imei() is None, "the cut left the device data without IMEI", peer.parts["devdata"][:40])
        check(len(backups(d)) == 1, "backup kept after the cut", backups(d))
        # another module (its own serial and IMEI) on this PC: its own backup,
        # never the first one's
        peer_b = FlashPeer(link, imei=imei_b, serial="0badc0de")
        peer_b.start()
        rc, out, err = flash(d, bundle, link)
        peer_b.stop()
        check(rc == 0 and peer_b.imei() == imei_b, "a second module keeps its own IMEI", out, err, peer_b.error)
        check(backups(d) == ["SARAFW_archive_a9e1ce86_%s.qbackup" % imei_a], "the first module's backup untouched",
              backups(d))
        # the first module again, without a chip serial: no IMEI, no match
        peer = FlashPeer(link, parts=peer.parts, give_serial=False)
        peer.start()
        rc, out, err = flash(d, bundle, link)
        peer.stop()
        lines = one_line(err)
        check(rc == 1 and "holds no IMEI" in lines[0] and "nothing was written" in lines[0],
              "lost IMEI and no serial: refused before writing", rc, err)
        check(not any(isinstance(e, tuple) and e[0] == "program" for e in peer.log), "nothing programmed")
        # with its serial: restored
        peer = FlashPeer(link, parts=peer.parts, serial="a9e1ce86")
        peer.start()
        rc, out, err = flash(d, bundle, link)
        peer.stop()
        check(rc == 0 and peer.imei() == imei_a, "restored by chip serial after the cut", out, err, peer.error)
        check(peer.parts["devdata"] == devdata_for(imei_a), "exactly the device data backed up")
        check(backups(d) == [], "and the backup deleted", backups(d))

        # --json: one JSON object a line on stdout, the last one "done"
        peer = FlashPeer(link, imei=imei_b, serial="0badc0de")
        peer.start()
        rc, out, err = flash(d, bundle, link, "--json")
        peer.stop()
        events = [json.loads(l) for l in out.splitlines()]
        check(rc == 0 and events[-1] == {"event": "done", "version": NEW, "imei": imei_b},
              "--json ends with the done event", out, err)
        check(any(e.get("phase") == "backup" and imei_b in e.get("text", "") for e in events),
              "--json names the backup", out)

        # 6. a bundle whose bytes changed: refused before the port is opened
        with open(bundle, "r+b") as f:
            f.seek(2000)
            b = f.read(1)
            f.seek(2000)
            f.write(bytes([b[0] ^ 1]))
        rc, out, err = flash(d, bundle, "/nonexistent/port")
        check(rc == 1 and "nothing was sent" in err, "damaged bundle refused first", rc, err)
    print("ok")


if __name__ == "__main__":
    main()
