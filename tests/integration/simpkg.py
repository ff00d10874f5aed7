"""Update packages for the simulated installer (docs/package-format.md),
made with `sarafw pkg create` and the project's demo key, plus what tests
need to craft bad ones: patching header fields and signing again with the
openssl tool alone, as docs/package-format.md shows.

    img = read_image(sim)                       # DIR/firmware.bin
    new = derive_image(img, seed=2)             # a "next version"
    pkg = make(workdir, product="SARA-R422S", source=img, target=new,
               from_version="00.12,A00.01", to_version="00.13,A00.01")
"""
import hashlib
import os
import random
import struct
import subprocess
import tempfile

from simharness import BIN, HERE

KEYS = os.path.join(HERE, "..", "keys")
DEMO_KEY = os.path.join(KEYS, "demo.key")
DEMO_PUB = os.path.join(KEYS, "demo.key.pub")
SIG_DOMAIN = b"SARAFWPK-SIG-v1:"


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


def _write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def make(work, product, target=None, source=None, from_version="", to_version="",
         boot=False, profile=None, nvm=None, key=DEMO_KEY):
    """The bytes of a package from `sarafw pkg create`. target: the new
    image (None: no firmware part); source: the running image (None with
    a target: a full image); profile: (id, name); nvm: dict of items."""
    out = os.path.join(work, "pkg.bin")
    argv = [os.path.join(BIN, "sarafw"), "pkg", "create", "--product", product, "--key", key,
            "-o", out]
    if target is not None:
        argv += ["--to", _write(os.path.join(work, "new.bin"), target), "--to-version", to_version]
        if source is not None:
            argv += ["--from", _write(os.path.join(work, "old.bin"), source),
                     "--from-version", from_version]
        else:
            argv.append("--full")
        if boot:
            argv.append("--boot")
    if profile:
        argv += ["--profile", _write(os.path.join(work, "p.mbn"), b"MBN" * 10),
                 "--profile-id", str(profile[0]), "--profile-name", profile[1]]
    for k, v in (nvm or {}).items():
        argv += ["--nvm", "%s=%s" % (k, v)]
    subprocess.run(argv, check=True, capture_output=True)
    with open(out, "rb") as f:
        return f.read()


def resign(pkg, key=DEMO_KEY):
    """pkg with its signature made again over its bytes (openssl alone)."""
    body = pkg[:-64]
    with tempfile.NamedTemporaryFile() as msg:
        msg.write(SIG_DOMAIN + hashlib.sha256(body).digest())
        msg.flush()
        sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", key, "-rawin",
                              "-in", msg.name], capture_output=True, check=True).stdout
    assert len(sig) == 64
    return body + sig


def patch(pkg, offset, data, sign=True):
    """pkg with data written at offset (a header field), signed again."""
    out = pkg[:offset] + data + pkg[offset + len(data):]
    return resign(out) if sign else out


# header fields (docs/package-format.md)
OFF_VERSION = 8
OFF_TARGET_SHA = 80


def u16(n):
    return struct.pack("<H", n)
