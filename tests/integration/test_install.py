"""cmake --install as a user runs it: a fresh configure and build of the
source tree, installed under a temporary prefix, then a program built
against the installed library with nothing but pkg-config's flags."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

SRC = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

PROGRAM = r"""
#include <stdio.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/variant.h"
#include "sarafw/version.h"

int main(void)
{
	const sarafw_variant *v = sarafw_variant_match("SARA-R422S-00B-00");
	printf("%s|%s|%s\n", SARAFW_VERSION_STRING, v ? v->name : "none",
	       sarafw_strerror(SARAFW_EGARBLED));
	return v && strcmp(v->name, "SARA-R422S") == 0 ? 0 : 1;
}
"""


def run(*args, env=None, cwd=None, timeout=600):
    r = subprocess.run(list(args), capture_output=True, text=True, env=env, cwd=cwd,
                       timeout=timeout)
    if r.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s%s" % (" ".join(args), r.returncode, r.stdout,
                                                          r.stderr))
    return r.stdout


def header_version():
    with open(os.path.join(SRC, "include", "sarafw", "version.h")) as f:
        return re.search(r'#define SARAFW_VERSION_STRING "([^"]+)"', f.read()).group(1)


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="sarafw-install-")
        cls.build = os.path.join(cls.work, "build")
        cls.prefix = os.path.join(cls.work, "prefix")
        run("cmake", "-S", SRC, "-B", cls.build, "-DSARAFW_TESTS=OFF")
        run("cmake", "--build", cls.build, "-j", "2")
        cls.installed = run("cmake", "--install", cls.build, "--prefix", cls.prefix)
        with open(os.path.join(cls.build, "install_manifest.txt")) as f:
            cls.manifest = f.read().split("\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def pkg_config(self, *args):
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(self.prefix, "lib", "pkgconfig"))
        return run("pkg-config", *args, "sarafw", env=env).split()

    def test_files(self):
        for rel in ("lib/libsarafw.a", "lib/pkgconfig/sarafw.pc", "include/sarafw/version.h",
                    "include/sarafw/dev.h", "include/sarafw/foat.h", "bin/sarafw", "bin/sarafw-sim"):
            self.assertTrue(os.path.isfile(os.path.join(self.prefix, rel)), rel)
        headers = sorted(os.listdir(os.path.join(SRC, "include", "sarafw")))
        self.assertEqual(sorted(os.listdir(os.path.join(self.prefix, "include", "sarafw"))), headers)
        self.assertIn("lib/pkgconfig/sarafw.pc", self.installed)
        self.assertIn(os.path.join(self.prefix, "lib", "pkgconfig", "sarafw.pc"), self.manifest)

    def test_pkg_config_builds_a_program(self):
        flags = self.pkg_config("--cflags", "--libs")
        self.assertIn("-I" + os.path.join(self.prefix, "include"), flags)
        self.assertIn("-L" + os.path.join(self.prefix, "lib"), flags)
        self.assertIn("-lsarafw", flags)
        self.assertEqual(self.pkg_config("--modversion"), [header_version()])
        src = os.path.join(self.work, "hello.c")
        exe = os.path.join(self.work, "hello")
        with open(src, "w") as f:
            f.write(PROGRAM)
        run(os.environ.get("CC", "cc"), "-std=c11", "-Wall", "-Wextra", "-Werror", src, "-o", exe,
            *flags)
        out = run(exe)
        self.assertEqual(out.split("|")[:2], [header_version(), "SARA-R422S"])

    def test_installed_programs_run(self):
        out = run(os.path.join(self.prefix, "bin", "sarafw"), "--version")
        self.assertEqual(out, "sarafw %s (libsarafw %s)\n" % (header_version(), header_version()))
        out = run(os.path.join(self.prefix, "bin", "sarafw-sim"), "--version")
        self.assertIn(header_version(), out)

    def test_destdir_keeps_the_real_prefix(self):
        stage = os.path.join(self.work, "stage")
        env = dict(os.environ, DESTDIR=stage)
        run("cmake", "--install", self.build, "--prefix", "/opt/sarafw", env=env)
        pc = os.path.join(stage, "opt", "sarafw", "lib", "pkgconfig", "sarafw.pc")
        with open(pc) as f:
            text = f.read()
        self.assertIn("prefix=/opt/sarafw\n", text)
        self.assertTrue(os.path.isfile(os.path.join(stage, "opt", "sarafw", "lib", "libsarafw.a")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
