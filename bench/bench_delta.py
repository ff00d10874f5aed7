#!/usr/bin/python3
"""make bench: delta size, time and peak memory of sarafw's packages
against Debian's bsdiff 4.3 and xdelta3 on the same pairs of images.

Pairs (built here, from this repository and the installed toolchain):
  app -Os     bench/fw/app.c v1 -> v2 for a Cortex-M4, -Os, newlib-nano
  app -O2     the same at -O2 with the full newlib (printf and friends)
  tracker     examples/tracker with libsarafw, Cortex-M4 -Os, built from
              two commits of this repository (TRACKER_FROM -> TRACKER_TO)
  insertion   app -O2 v1 -> the same with 3000 new bytes at offset 512,
              which shifts everything after them
  libc 5 MB   newlib's libc.a for Cortex-M4F, soft-float ABI -> hard-float
              ABI: the same sources built two ways, about the size of a
              SARA-R4 FOAT file (8 MiB, note §6.1.4)
  zeros 2 MB  2 MB of zeros -> one byte inserted in the middle: erased
              flash, where bsdiff's suffix search degrades (synthetic)

For each tool: the delta's size (for sarafw the firmware section, and the
whole signed package beside it), then wall time and peak RSS (GNU time's
%M) of creating and of applying it. sarafw's create includes signing;
sarafw's apply (`sarafw pkg apply`) checks the target's SHA-256 and reads
the old image by offset, so its memory does not grow with the image.

Usage: bench_delta.py BUILD_DIR
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

build = sys.argv[1] if len(sys.argv) > 1 else "build"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SARAFW = os.path.abspath(os.path.join(build, "bin", "sarafw"))
KEY = os.path.join(ROOT, "tests", "keys", "demo.key")
APP = os.path.join(ROOT, "bench", "fw", "app.c")
TRACKER_FROM, TRACKER_TO = "98ef527", "77f9a17"
LIBC = "/usr/lib/arm-none-eabi/newlib/thumb/v7e-m+fp/%s/libc.a"
CM4 = ["-mcpu=cortex-m4", "-mthumb", "-ffunction-sections", "-fdata-sections"]

for prog in ("bsdiff", "bspatch", "xdelta3", "arm-none-eabi-gcc"):
    if not shutil.which(prog):
        sys.exit("bench_delta: %s is missing (debian-packages.txt; `make deps` installs it)" % prog)
if not os.path.exists("/usr/bin/time"):
    sys.exit("bench_delta: /usr/bin/time is missing (Debian package time)")


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, **kw)


def objcopy(elf, out):
    run(["arm-none-eabi-objcopy", "-O", "binary", elf, out])


def build_app(work, name, version, opt, specs):
    elf = os.path.join(work, name + ".elf")
    run(["arm-none-eabi-gcc"] + CM4 + [opt, "-DAPP_VERSION=%d" % version, "-Wno-builtin-macro-redefined",
         '-D__DATE__="Dec  1 2026"', APP] + specs + ["-Wl,--gc-sections", "-o", elf])
    out = os.path.join(work, name + ".bin")
    objcopy(elf, out)
    return out


def build_tracker(work, commit):
    src = os.path.join(work, "src-" + commit)
    os.makedirs(src)
    archive = run(["git", "-C", ROOT, "archive", commit, "lib", "include", "examples/tracker"]).stdout
    run(["tar", "-x", "-C", src], input=archive)
    elf = os.path.join(work, "tracker-%s.elf" % commit)
    lib = sorted(os.path.join(src, "lib", f) for f in os.listdir(os.path.join(src, "lib")) if f.endswith(".c"))
    ex = os.path.join(src, "examples", "tracker")
    app = sorted(os.path.join(ex, f) for f in os.listdir(ex) if f.endswith(".c"))
    run(["arm-none-eabi-gcc"] + CM4 + ["-Os", "-DSARAFW_TRACE_NOTES=0", "-I", os.path.join(src, "include")]
        + app + lib + ["-nostartfiles", "-specs=nano.specs", "-T", os.path.join(ex, "cortex-m4.ld"),
                       "-Wl,--gc-sections", "-o", elf])
    out = os.path.join(work, "tracker-%s.bin" % commit)
    objcopy(elf, out)
    return out


def pairs(work):
    nano = ["--specs=nano.specs", "--specs=nosys.specs"]
    full = ["--specs=nosys.specs"]
    p = [("app -Os", build_app(work, "os1", 1, "-Os", nano), build_app(work, "os2", 2, "-Os", nano)),
         ("app -O2", build_app(work, "o2a", 1, "-O2", full), build_app(work, "o2b", 2, "-O2", full)),
         ("tracker", build_tracker(work, TRACKER_FROM), build_tracker(work, TRACKER_TO))]
    with open(p[1][1], "rb") as f:
        v1 = f.read()
    rng = random.Random(8)
    ins = bytes(rng.getrandbits(8) for _ in range(3000))
    shifted = os.path.join(work, "shifted.bin")
    with open(shifted, "wb") as f:
        f.write(v1[:512] + ins + v1[512:])
    p.append(("insertion", p[1][1], shifted))
    if os.path.exists(LIBC % "softfp") and os.path.exists(LIBC % "hard"):
        p.append(("libc 5 MB", LIBC % "softfp", LIBC % "hard"))
    erased, inserted = os.path.join(work, "erased1.bin"), os.path.join(work, "erased2.bin")
    with open(erased, "wb") as f:
        f.write(bytes(2000000))
    with open(inserted, "wb") as f:
        f.write(bytes(1000000) + b"x" + bytes(1000000))
    p.append(("zeros 2 MB", erased, inserted))
    return p


def timed(args):
    """(seconds, peak RSS in KiB) of one command."""
    fd, out = tempfile.mkstemp()
    os.close(fd)
    try:
        run(["/usr/bin/time", "-f", "%e %M", "-o", out] + args)
        with open(out) as f:
            s, m = f.read().split()[-2:]
        return float(s), int(m)
    finally:
        os.unlink(out)


def same(a, b):
    with open(a, "rb") as x, open(b, "rb") as y:
        return x.read() == y.read()


def firmware_bytes(pkg):
    with open(pkg, "rb") as f:
        f.seek(256 + 8)  # the first section's length (docs/package-format.md)
        return int.from_bytes(f.read(8), "little")


def tools(old, new, work):
    """{tool: (delta bytes, create (s, KiB), apply (s, KiB))}"""
    res = {}
    out = os.path.join(work, "out.bin")
    pkg = os.path.join(work, "p.pkg")
    c = timed([SARAFW, "pkg", "create", "--product", "SARA-R422S", "--key", KEY, "-o", pkg, "--from", old,
               "--to", new, "--from-version", "00.12,A00.00", "--to-version", "00.12,A00.01"])
    a = timed([SARAFW, "pkg", "apply", pkg, "--from", old, "-o", out])
    assert same(out, new), "sarafw's apply made other bytes"
    res["sarafw"] = (firmware_bytes(pkg), c, a, os.path.getsize(pkg))
    patch = os.path.join(work, "p.bsdiff")
    c = timed(["bsdiff", old, new, patch])
    a = timed(["bspatch", old, out, patch])
    assert same(out, new), "bspatch made other bytes"
    res["bsdiff"] = (os.path.getsize(patch), c, a, None)
    xd = os.path.join(work, "p.xd3")
    c = timed(["xdelta3", "-9", "-f", "-e", "-s", old, new, xd])
    a = timed(["xdelta3", "-f", "-d", "-s", old, xd, out])
    assert same(out, new), "xdelta3 made other bytes"
    res["xdelta3"] = (os.path.getsize(xd), c, a, None)
    return res


def main():
    work = tempfile.mkdtemp(prefix="bench_delta.")
    rows, worse = [], []
    try:
        for name, old, new in pairs(work):
            r = tools(old, new, work)
            rows.append((name, os.path.getsize(old), os.path.getsize(new), r))
            if r["sarafw"][0] > r["bsdiff"][0]:
                worse.append(name)
    finally:
        shutil.rmtree(work)
    print("Delta size, and time and peak memory (RSS) of create and apply")
    print("(sarafw: the firmware section; in brackets the whole signed package)\n")
    print("%-10s %9s %9s  %-8s %15s %8s %10s %8s %9s" %
          ("pair", "old", "new", "tool", "delta", "create s", "create KiB", "apply s", "apply KiB"))
    for name, on, nn, r in rows:
        for i, tool in enumerate(("sarafw", "bsdiff", "xdelta3")):
            size, (cs, cm), (as_, am), whole = r[tool]
            label = "%d" % size + (" [%d]" % whole if whole else "")
            print("%-10s %9s %9s  %-8s %15s %8.2f %10d %8.2f %9d" %
                  (name if i == 0 else "", on if i == 0 else "", nn if i == 0 else "", tool, label, cs, cm,
                   as_, am))
    print()
    for name, on, nn, r in rows:
        print("%-10s sarafw / bsdiff = %.3f, sarafw / xdelta3 = %.3f" %
              (name, r["sarafw"][0] / r["bsdiff"][0], r["sarafw"][0] / r["xdelta3"][0]))
    if worse:
        print("\nlarger than bsdiff on: " + ", ".join(worse))
        return 1
    print("\nno larger than bsdiff on every pair")
    return 0


if __name__ == "__main__":
    sys.exit(main())
