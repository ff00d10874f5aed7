"""Crafts update packages in sarafw-sim's interim format (sim/install_pkg.h)
and rebuilds the simulator's built-in firmware images (sim/factory.c), so
tests can make good and bad packages for any state dir.

    img = read_image(sim)                       # DIR/firmware.bin
    new = derive_image(img, seed=2)             # a "next version"
    pkg = make(product="SARA-R422S", source=img, target=new,
               from_version="00.12,A00.01", to_version="00.13,A00.01")
"""
import os
import random
import zlib

DEMO_KEY = b"sarafw-sim demo key 1\n"


def crc(data, start=0):
    return zlib.crc32(data, start) & 0xFFFFFFFF


def read_image(sim):
    with open(os.path.join(sim.state, "firmware.bin"), "rb") as f:
        return f.read()


def derive_image(img, seed=2, changes=40, grow=0):
    """A plausible next version: some bytes changed in places, and grow
    bytes inserted in the middle (which shifts everything after)."""
    rng = random.Random(seed)
    out = bytearray(img)
    for _ in range(changes):
        at = rng.randrange(len(out))
        n = rng.randrange(1, 64)
        out[at:at + n] = bytes(rng.getrandbits(8) for _ in range(len(out[at:at + n])))
    if grow:
        mid = len(out) // 2
        out[mid:mid] = bytes(rng.getrandbits(8) for _ in range(grow))
    return bytes(out)


def make(product, target=None, source=None, from_version="", to_version="", delta=None,
         boot=False, profile=None, nvm=None, key=DEMO_KEY, fmt=1, magic=b"SARAFW-SIM-PKG ",
         tamper=None, extra_header=(), payload_len=None, sign=True):
    """The bytes of a package. target: the new image (None: no firmware
    part); source: the running image (a delta is target XOR source);
    profile: (id, name); nvm: dict of NVM items. tamper(header, payload)
    may change them after signing: (header, payload) it returns go out."""
    if delta is None:
        delta = source is not None
    kinds = []
    lines = ["product=%s" % product]
    payload = b""
    if target is not None:
        kinds.append("firmware")
        if delta:
            src = source + bytes(max(0, len(target) - len(source)))
            payload = bytes(a ^ b for a, b in zip(target, src[:len(target)]))
            lines += ["delta=1", "src_crc32=%08x" % crc(source)]
        else:
            payload = target
            lines.append("delta=0")
        lines += ["from=%s" % from_version, "to=%s" % to_version,
                  "size=%d" % len(target), "crc32=%08x" % crc(target)]
        if boot:
            lines.append("boot=1")
    if profile:
        kinds.append("profile")
        lines.append("profile=%d %s" % profile)
    if nvm:
        kinds.append("nvm")
        lines += ["nvm.%s=%s" % kv for kv in nvm.items()]
    lines.append("kind=%s" % ",".join(kinds))
    lines.append("payload=%d" % (len(payload) if payload_len is None else payload_len))
    lines += list(extra_header)
    head = magic + b"%d\n" % fmt + "".join(l + "\n" for l in lines).encode()
    signed = head + b"\n" + payload
    sig = crc(signed, crc(key)) if sign else 0
    header = head + b"sig=%08x\n\n" % sig
    if tamper:
        header, payload = tamper(header, payload)
    return header + payload
