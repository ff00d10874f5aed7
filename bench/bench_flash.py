"""make bench: `sarafw flash` of a 20 MB image bundle through sarafw-sim's
flash mode (note §9), against the sum of the partition sizes at the
simulated USB link's rate (12 Mbit/s, paced at 10 bits a byte).

    bench_flash.py BUILD [SIZE]     (SIZE: bytes of partitions, default 20M)

Figures, from sarafw's --trace:
- writing: from the first <program> sent to the last partition's final
  ACK (the partitions' bytes, each partition's command and answers);
- session: from the module's first HELLO to the reset's answer (the
  programmer, the device-data backup, read back and restore included);
- link: the partitions' bytes at the link rate; efficiency = link / time.
Target: writing efficiency at least 0.95."""
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

import benchlib

LINK_BPS = 12000000  # sim/flashmode.h SIM_FLASH_USB_BPS
SCALE = 50


def cpu_seconds(pid):
    """User + system CPU seconds of a running process (/proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    size = benchlib.parse_size(sys.argv[2]) if len(sys.argv) > 2 else 20 * 1000 * 1000
    sh = benchlib.init(build)
    import flashrun
    from simflash import make_efs, make_image, make_mno, make_programmer

    rnd = random.Random(20)

    def payload(n):
        return rnd.getrandbits(8 * n).to_bytes(n, "little")

    # the shares of a SARA-R4 image: mostly modem firmware (the sim's
    # partitions: sbl 1 MiB, modem 32 MiB, apps 8 MiB, efs 4 MiB)
    modem = int(size * 0.78)
    apps = int(size * 0.15)
    sbl = int(size * 0.02)
    efs = size - modem - apps - sbl - 64 - 300
    parts = [
        ("sbl", make_image("sbl", "00.13", payload(sbl))),
        ("modem", make_image("modem", "00.13", payload(modem))),
        ("apps", make_image("apps", "A00.02", payload(apps))),
        ("mno", make_mno([(100, "Bench-Carrier")])),
        ("efs", make_efs(nv={"mno_profile": "100"}, files={"bench.bin": payload(efs)})),
    ]
    with tempfile.TemporaryDirectory() as d, sh.Sim("SARA-R422S", time_scale=SCALE) as sim:
        work = os.path.join(d, "parts")
        os.makedirs(work)
        with open(os.path.join(work, "prog.elf"), "wb") as f:
            f.write(make_programmer("SARA-R422S"))
        args = []
        for name, data in parts:
            p = os.path.join(work, name + ".bin")
            with open(p, "wb") as f:
                f.write(data)
            args.append("%s=%s" % (name, p))
        bundle = os.path.join(d, "bench.sfb")
        subprocess.run([flashrun.SARAFW, "pkg", "bundle", "-o", bundle, "--product", "SARA-R422S",
                        "--version", "00.13,A00.02", "--programmer", os.path.join(work, "prog.elf"),
                        "--key", flashrun.KEY] + args, check=True, capture_output=True)
        total = sum(len(data) for _, data in parts)
        benchlib.wait_booted(sim)
        sim_cpu0 = cpu_seconds(sim.proc.pid)
        own0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        flashrun.switch(sim, "off")
        r = flashrun.Run(d, sim, bundle, "bench")
        r.wait_prompt()
        t0 = time.monotonic()
        flashrun.switch(sim, "on")
        rc, out, err = r.finish(timeout=600)
        wall = time.monotonic() - t0
        own1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        host_cpu = own1.ru_utime + own1.ru_stime - own0.ru_utime - own0.ru_stime
        sim_cpu = cpu_seconds(sim.proc.pid) - sim_cpu0
        if rc:
            sys.exit("sarafw flash failed: " + err)
        tr = benchlib.read_trace(r.trace)
        first_prog = benchlib.trace_find(tr, lambda dd, s: dd == ">" and "<program" in s and 'label="sbl"' in s)
        restore = benchlib.trace_find(tr, lambda dd, s: dd == "#" and s.startswith("restoring"), first_prog)
        last_ack = max(i for i in range(first_prog, restore)
                       if tr[i][1] == "<" and 'value="ACK" />' in tr[i][2])
        hello = benchlib.trace_find(tr, lambda dd, s: dd == "#" and "sahara rx 1 HELLO" in s)
        power = benchlib.trace_find(tr, lambda dd, s: dd == ">" and "<power" in s)
        power_ack = benchlib.trace_find(tr, lambda dd, s: dd == "<" and "response" in s, power)
        writing = tr[last_ack][0] - tr[first_prog][0]
        session = tr[power_ack if power_ack is not None else power][0] - tr[hello][0]
        link = benchlib.line_seconds(total, LINK_BPS)
        load = os.getloadavg()[0]
        print("sarafw flash of a %.1f MB bundle (%d partition bytes) through sarafw-sim (SARA-R422S)"
              % (os.path.getsize(bundle) / 1e6, total))
        print("simulated USB link %d b/s paced at 10 bits a byte: the partitions take %.2f s on it"
              % (LINK_BPS, link))
        print("time scale %d (the module's boot and reset); the line runs in real time" % SCALE)
        print()
        print("%-10s %9s %9s %11s" % ("phase", "seconds", "MB/s", "efficiency"))
        print("%-10s %9.2f %9.3f %11.4f" % ("writing", writing, total / writing / 1e6, link / writing))
        print("%-10s %9.2f %9.3f %11.4f" % ("session", session, total / session / 1e6, link / session))
        print("%-10s %9.2f %9s %11s" % ("wall", wall, "-", "-"))
        print()
        print("wall: power-on to sarafw's exit (boot, AT and ATI9 after the reset included); "
              "1-minute load average %.2f" % load)
        print("CPU seconds during the flash: sarafw %.2f, sarafw-sim %.2f (of %.2f s wall on %d cores)"
              % (host_cpu, sim_cpu, wall, os.cpu_count()))
        target = 0.95
        print("writing efficiency %s the target %.2f" % ("meets" if link / writing >= target else "MISSES", target))


if __name__ == "__main__":
    main()
