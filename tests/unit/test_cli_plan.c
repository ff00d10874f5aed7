/* cli/plan.c (method, rate and expected time of sarafw update) as a table
 * of cases, and cli/port_kind.c's sysfs walk over faked trees. */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

/* fixed buffers for paths in a temp dir: a cut path fails the test anyway */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include "plan.h"
#include "port_kind.h"

#define MB6 6000000u

static const struct {
	const char *what;
	const char *variant; /* NULL: not identified */
	port_kind port;
	uint32_t port_max, cur, force, cap;
	plan_method method;
	/* expected */
	plan_verdict verdict;
	plan_method got_method;
	uint32_t baud;
	plan_method alt_method;
	uint32_t alt_baud;
	uint32_t hint;
} cases[] = {
	{ .what = "R422S on a pty: +UDWNFILE at 3 Mbit/s (note §5.2 additional rate)", .variant = "SARA-R422S",
	  .port = PORT_PTY, .cur = 115200, .method = PLAN_AUTO, .got_method = PLAN_UDWNFILE, .baud = 3000000,
	  .alt_method = PLAN_XMODEM1K, .alt_baud = 115200 },
	{ .what = "R410M on a pty: the module's own top rate", .variant = "SARA-R410M-02B-03", .port = PORT_PTY,
	  .cur = 115200, .method = PLAN_AUTO, .got_method = PLAN_UDWNFILE, .baud = 460800,
	  .alt_method = PLAN_XMODEM1K, .alt_baud = 115200 },
	{ .what = "R412M on the module's USB: no rate switch (+IPR is the UART's)", .variant = "SARA-R412M-02B-01",
	  .port = PORT_MODULE_USB, .cur = 115200, .method = PLAN_AUTO, .got_method = PLAN_UDWNFILE, .baud = 115200,
	  .alt_method = PLAN_XMODEM1K, .alt_baud = 115200 },
	{ .what = "CP2102 caps at 921600", .variant = "SARA-R422S", .port = PORT_ADAPTER, .port_max = 921600,
	  .cur = 115200, .method = PLAN_AUTO, .got_method = PLAN_UDWNFILE, .baud = 921600,
	  .alt_method = PLAN_XMODEM1K, .alt_baud = 115200 },
	{ .what = "CP2102N carries 3 Mbit/s", .variant = "SARA-R422", .port = PORT_ADAPTER, .port_max = 3000000,
	  .cur = 115200, .method = PLAN_AUTO, .got_method = PLAN_UDWNFILE, .baud = 3000000,
	  .alt_method = PLAN_XMODEM1K, .alt_baud = 115200 },
	{ .what = "CH340 (2 Mbit/s): the module rate below it", .variant = "SARA-R422M8S", .port = PORT_ADAPTER,
	  .port_max = 2000000, .cur = 115200, .method = PLAN_AUTO, .got_method = PLAN_UDWNFILE, .baud = 921600,
	  .alt_method = PLAN_XMODEM1K, .alt_baud = 115200 },
	{ .what = "PL2303 (1228800) on R410M: the module's 460800", .variant = "SARA-R410M-02B-03",
	  .port = PORT_ADAPTER, .port_max = 1228800, .cur = 115200, .method = PLAN_AUTO,
	  .got_method = PLAN_UDWNFILE, .baud = 460800, .alt_method = PLAN_XMODEM1K, .alt_baud = 115200 },
	{ .what = "unknown adapter: current rate, and the hint", .variant = "SARA-R422S", .port = PORT_UNKNOWN,
	  .cur = 115200, .method = PLAN_AUTO, .got_method = PLAN_UDWNFILE, .baud = 115200,
	  .alt_method = PLAN_XMODEM1K, .alt_baud = 115200, .hint = 3000000 },
	{ .what = "unknown adapter already at the top: no hint", .variant = "SARA-R410M-02B-03",
	  .port = PORT_UNKNOWN, .cur = 460800, .method = PLAN_AUTO, .got_method = PLAN_UDWNFILE, .baud = 460800,
	  .alt_method = PLAN_XMODEM1K, .alt_baud = 460800 },
	{ .what = "unknown adapter, --max-baud says what it carries", .variant = "SARA-R422S",
	  .port = PORT_UNKNOWN, .cur = 115200, .cap = 921600, .method = PLAN_AUTO, .got_method = PLAN_UDWNFILE,
	  .baud = 921600, .alt_method = PLAN_XMODEM1K, .alt_baud = 115200 },
	{ .what = "unknown adapter, --baud forces", .variant = "SARA-R422S", .port = PORT_UNKNOWN, .cur = 115200,
	  .force = 460800, .method = PLAN_AUTO, .got_method = PLAN_UDWNFILE, .baud = 460800,
	  .alt_method = PLAN_XMODEM1K, .alt_baud = 115200 },
	{ .what = "pty, --max-baud caps", .variant = "SARA-R422S", .port = PORT_PTY, .cur = 115200, .cap = 460800,
	  .method = PLAN_AUTO, .got_method = PLAN_UDWNFILE, .baud = 460800, .alt_method = PLAN_XMODEM1K,
	  .alt_baud = 115200 },
	{ .what = "--baud above the module's top is kept: the library refuses it", .variant = "SARA-R410M-02B-03",
	  .port = PORT_PTY, .cur = 115200, .force = 921600, .method = PLAN_AUTO, .got_method = PLAN_UDWNFILE,
	  .baud = 921600, .alt_method = PLAN_XMODEM1K, .alt_baud = 115200 },
	{ .what = "xmodem1k asked: the slower path is auto's", .variant = "SARA-R422S", .port = PORT_PTY,
	  .cur = 115200, .method = PLAN_XMODEM1K, .got_method = PLAN_XMODEM1K, .baud = 3000000,
	  .alt_method = PLAN_UDWNFILE, .alt_baud = 3000000 },
	{ .what = "xmodem asked on a CP2102", .variant = "SARA-R422", .port = PORT_ADAPTER, .port_max = 921600,
	  .cur = 115200, .method = PLAN_XMODEM, .got_method = PLAN_XMODEM, .baud = 921600,
	  .alt_method = PLAN_UDWNFILE, .alt_baud = 921600 },
	{ .what = "udwnfile asked", .variant = "SARA-R410M-02B-00", .port = PORT_PTY, .cur = 115200,
	  .method = PLAN_UDWNFILE, .got_method = PLAN_UDWNFILE, .baud = 460800, .alt_method = PLAN_XMODEM1K,
	  .alt_baud = 115200 },
	{ .what = "xmodem on the module's USB: refused (note §5.1)", .variant = "SARA-R422S",
	  .port = PORT_MODULE_USB, .cur = 115200, .method = PLAN_XMODEM, .verdict = PLAN_REFUSE_USB,
	  .got_method = PLAN_XMODEM },
	{ .what = "xmodem1k on the module's USB: refused", .variant = "SARA-R410M-02B-03",
	  .port = PORT_MODULE_USB, .cur = 115200, .method = PLAN_XMODEM1K, .verdict = PLAN_REFUSE_USB,
	  .got_method = PLAN_XMODEM1K },
	{ .what = "no variant: XMODEM-1k at the current rate", .variant = NULL, .port = PORT_PTY, .cur = 115200,
	  .method = PLAN_AUTO, .got_method = PLAN_XMODEM1K, .baud = 115200, .alt_method = PLAN_XMODEM1K,
	  .alt_baud = 115200 },
};

static void plan_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		plan_input in = {
			.variant = cases[i].variant ? sarafw_variant_by_name(cases[i].variant) : NULL,
			.port = cases[i].port,
			.port_max = cases[i].port_max,
			.cur_baud = cases[i].cur,
			.size = 100000,
			.method = cases[i].method,
			.force_baud = cases[i].force,
			.max_baud = cases[i].cap,
		};
		plan p;
		print_message("%s\n", cases[i].what);
		assert_true(!cases[i].variant || in.variant);
		plan_make(&in, &p);
		assert_int_equal(p.verdict, cases[i].verdict);
		assert_int_equal(p.method, cases[i].got_method);
		if (p.verdict != PLAN_OK)
			continue;
		assert_int_equal(p.baud, cases[i].baud);
		assert_int_equal(p.alt_method, cases[i].alt_method);
		assert_int_equal(p.alt_baud, cases[i].alt_baud);
		assert_int_equal(p.hint_baud, cases[i].hint);
		assert_true(p.seconds > 0);
		if (p.hint_baud)
			assert_true(p.hint_saves > 0 && p.hint_saves < p.seconds);
	}
}

/* The figures: 6 MB over +UDWNFILE at 3 Mbit/s about 25 s (5 s
 * of preparation, note §5.2), XMODEM-1k at 115200 about 9 minutes. */
static void plan_times(void **state)
{
	(void)state;
	const sarafw_variant *r422 = sarafw_variant_by_name("SARA-R422S");
	const sarafw_variant *r410 = sarafw_variant_by_name("SARA-R410M-02B-03");
	double u = plan_seconds(r422, PLAN_UDWNFILE, 3000000, MB6, 1);
	double x = plan_seconds(r422, PLAN_XMODEM1K, 115200, MB6, 1);
	double x128 = plan_seconds(r422, PLAN_XMODEM, 115200, MB6, 1);
	assert_true(u > 24.5 && u < 26);
	assert_true(x > 520 && x < 560);
	assert_true(x128 > x * 1.05); /* 133 bytes a block and a turnaround each */
	/* the preparation: ~20 s for +UFWUPD on R410M (note §5.1.2) */
	assert_true(plan_seconds(r410, PLAN_XMODEM1K, 115200, 1000, 1) > 20);
	assert_true(plan_seconds(r422, PLAN_XMODEM1K, 115200, 1000, 1) < 6);
	/* SARAFW_TIME_SCALE shrinks the module's waits, not the line */
	double scaled = plan_seconds(r422, PLAN_UDWNFILE, 3000000, MB6, 50);
	assert_true(scaled > 20.1 && scaled < 20.4);
	assert_string_equal(plan_method_name(PLAN_UDWNFILE), "udwnfile");
	assert_string_equal(plan_method_text(PLAN_XMODEM1K), "XMODEM-1k");
}

/* ---- faked sysfs trees ---------------------------------------------------- */

static char root[PATH_MAX];

static void mkdirs(const char *path)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
}

static void put(const char *rel, const char *text)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	mkdirs(p);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_at(const char *rel, const char *target)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	mkdirs(p);
	unlink(p);
	assert_int_equal(symlink(target, p), 0);
}

#define USBDEV "devices/pci0000:00/0000:00:14.0/usb1/1-2"

/* A USB tty as Linux shows it: a usb-serial port (ttyUSB*: device is the
 * port, whose driver is the chip's) or a CDC-ACM interface (ttyACM*). */
static void usb_tty(const char *tty, const char *vid, const char *pid, const char *product, const char *driver)
{
	char rel[PATH_MAX], target[PATH_MAX];
	put(USBDEV "/idVendor", vid);
	put(USBDEV "/idProduct", pid);
	if (product)
		put(USBDEV "/product", product);
	if (strncmp(tty, "ttyACM", 6) == 0) {
		snprintf(rel, sizeof rel, USBDEV "/1-2:1.0/tty/%s/device", tty);
		link_at(rel, "../../../1-2:1.0");
		snprintf(target, sizeof target, "../../../../../bus/usb/drivers/%s", driver);
		link_at(USBDEV "/1-2:1.0/driver", target);
		snprintf(target, sizeof target, "../../" USBDEV "/1-2:1.0/tty/%s", tty);
	} else {
		snprintf(rel, sizeof rel, USBDEV "/1-2:1.0/%s/tty/%s/device", tty, tty);
		snprintf(target, sizeof target, "../../../%s", tty);
		link_at(rel, target);
		snprintf(rel, sizeof rel, USBDEV "/1-2:1.0/%s/driver", tty);
		snprintf(target, sizeof target, "../../../../../../bus/usb-serial/drivers/%s", driver);
		link_at(rel, target);
		snprintf(target, sizeof target, "../../" USBDEV "/1-2:1.0/%s/tty/%s", tty, tty);
	}
	snprintf(rel, sizeof rel, "class/tty/%s", tty);
	link_at(rel, target);
}

static int fresh_root(void **state)
{
	(void)state;
	snprintf(root, sizeof root, "/tmp/sarafw-sysfs-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int remove_root(void **state)
{
	char cmd[PATH_MAX + 16];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void classify(const char *tty, port_info *pi)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "/dev/%s", tty);
	port_classify_in(root, path, pi);
}

static const struct {
	const char *tty, *vid, *pid, *product, *driver;
	port_kind kind;
	uint32_t max_baud;
	const char *desc;
} chips[] = {
	{ "ttyUSB0", "10c4\n", "ea60\n", "CP2102N USB to UART Bridge Controller\n", "cp210x", PORT_ADAPTER, 3000000,
	  "CP2102N (cp210x)" },
	{ "ttyUSB0", "10c4\n", "ea60\n", "CP2102 USB to UART Bridge Controller\n", "cp210x", PORT_ADAPTER, 921600,
	  "CP2102 (cp210x)" },
	{ "ttyUSB0", "10c4\n", "ea60\n", "CP2104 USB to UART Bridge Controller\n", "cp210x", PORT_ADAPTER, 2000000,
	  "CP2104 (cp210x)" },
	{ "ttyUSB0", "10c4\n", "ea60\n", NULL, "cp210x", PORT_ADAPTER, 921600, "CP210x (cp210x)" },
	{ "ttyUSB1", "0403\n", "6001\n", "FT232R USB UART\n", "ftdi_sio", PORT_ADAPTER, 3000000, "FT232R (ftdi_sio)" },
	{ "ttyUSB1", "0403\n", "6010\n", "Dual RS232-HS\n", "ftdi_sio", PORT_ADAPTER, 12000000, "FT2232H (ftdi_sio)" },
	{ "ttyUSB1", "0403\n", "6010\n", "Dual RS232\n", "ftdi_sio", PORT_ADAPTER, 3000000, "FT2232D (ftdi_sio)" },
	{ "ttyUSB2", "1a86\n", "7523\n", NULL, "ch341", PORT_ADAPTER, 2000000, "CH340 (ch341)" },
	{ "ttyUSB3", "067b\n", "2303\n", NULL, "pl2303", PORT_ADAPTER, 1228800, "PL2303 (pl2303)" },
	{ "ttyACM3", "1a86\n", "55d4\n", NULL, "cdc_acm", PORT_ADAPTER, 4000000, "CH9102 (cdc_acm)" },
	/* the module's own USB: CDC-ACM, u-blox's id, SARA-R410M's Qualcomm id;
	 * another CDC-ACM device (not in the chip table) is taken for it too */
	{ "ttyACM0", "1546\n", "1141\n", NULL, "cdc_acm", PORT_MODULE_USB, 0, "the module's USB port (cdc_acm)" },
	{ "ttyACM1", "2341\n", "0043\n", NULL, "cdc_acm", PORT_MODULE_USB, 0, "the module's USB port (cdc_acm)" },
	{ "ttyUSB4", "05c6\n", "90b2\n", NULL, "option", PORT_MODULE_USB, 0, "the module's USB port (option)" },
	{ "ttyUSB5", "1546\n", "01a9\n", NULL, "option", PORT_MODULE_USB, 0, "the module's USB port (option)" },
	/* unknown chips stay unknown */
	{ "ttyUSB6", "0403\n", "abcd\n", NULL, "ftdi_sio", PORT_UNKNOWN, 0, "unknown adapter 0403:abcd ftdi_sio" },
	{ "ttyUSB7", "05c6\n", "9091\n", NULL, "option", PORT_UNKNOWN, 0, "unknown adapter 05c6:9091 option" },
	/* bad ids: no USB device found */
	{ "ttyUSB8", "zz\n", "ea60\n", NULL, "cp210x", PORT_UNKNOWN, 0, "unknown port cp210x" },
	{ "ttyUSB9", "10c4ea60\n", "ea60\n", NULL, "cp210x", PORT_UNKNOWN, 0, "unknown port cp210x" },
	{ "ttyUSB9", "", "", NULL, "cp210x", PORT_UNKNOWN, 0, "unknown port cp210x" },
};

static void sysfs_chips(void **state)
{
	for (size_t i = 0; i < sizeof chips / sizeof chips[0]; i++) {
		port_info pi;
		print_message("%s %s:%s %s\n", chips[i].tty, chips[i].vid, chips[i].pid,
			      chips[i].product ? chips[i].product : "(no product)");
		fresh_root(state);
		usb_tty(chips[i].tty, chips[i].vid, chips[i].pid, chips[i].product, chips[i].driver);
		classify(chips[i].tty, &pi);
		assert_int_equal(pi.kind, chips[i].kind);
		assert_int_equal(pi.max_baud, chips[i].max_baud);
		assert_string_equal(pi.desc, chips[i].desc);
		assert_int_equal(remove_root(state), 0);
	}
}

/* A symlink chain is followed one link at a time: the sysfs name that
 * matches may be in the middle (udev's /dev/serial/by-id links). */
static void sysfs_link_chain(void **state)
{
	char a[PATH_MAX], b[PATH_MAX];
	port_info pi;
	(void)state;
	usb_tty("ttyUSB0", "10c4\n", "ea60\n", "CP2102N USB to UART Bridge Controller\n", "cp210x");
	snprintf(a, sizeof a, "%s/dev/serial/by-id/usb-Silicon_Labs-if00-port0", root);
	snprintf(b, sizeof b, "%s/dev/ttyUSB0", root);
	mkdirs(a);
	mkdirs(b);
	assert_int_equal(symlink("../../ttyUSB0", a), 0);
	assert_int_equal(symlink("/nonexistent/pts/7", b), 0); /* the last target does not matter */
	port_classify_in(root, a, &pi);
	assert_int_equal(pi.kind, PORT_ADAPTER);
	assert_int_equal(pi.max_baud, 3000000);
	/* a loop ends, unknown */
	snprintf(a, sizeof a, "%s/loop1", root);
	snprintf(b, sizeof b, "%s/loop2", root);
	assert_int_equal(symlink("loop2", a), 0);
	assert_int_equal(symlink("loop1", b), 0);
	port_classify_in(root, a, &pi);
	assert_int_equal(pi.kind, PORT_UNKNOWN);
}

/* No sysfs entry: a Unix98 pty slave is a pseudo-terminal, anything else
 * unknown; nothing fails. */
static void pty_and_others(void **state)
{
	port_info pi;
	(void)state;
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	port_classify_in(root, ptsname(m), &pi);
	assert_int_equal(pi.kind, PORT_PTY);
	assert_string_equal(pi.desc, "pseudo-terminal");
	/* through a link, as sarafw-sim's --link */
	char l[PATH_MAX];
	snprintf(l, sizeof l, "%s/ttySIM", root);
	assert_int_equal(symlink(ptsname(m), l), 0);
	port_classify_in(root, l, &pi);
	assert_int_equal(pi.kind, PORT_PTY);
	close(m);
	port_classify_in(root, "/dev/null", &pi);
	assert_int_equal(pi.kind, PORT_UNKNOWN);
	port_classify_in(root, "/nonexistent/ttyUSB0", &pi);
	assert_int_equal(pi.kind, PORT_UNKNOWN);
	port_classify_in(root, "", &pi);
	assert_int_equal(pi.kind, PORT_UNKNOWN);
	port_classify_in(root, NULL, &pi);
	assert_int_equal(pi.kind, PORT_UNKNOWN);
	/* a tty in sysfs without a device (a virtual console) */
	put("class/tty/tty1/dev", "4:1\n");
	port_classify_in(root, "/dev/tty1", &pi);
	assert_int_equal(pi.kind, PORT_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plan_table),
		cmocka_unit_test(plan_times),
		cmocka_unit_test(sysfs_chips),
		cmocka_unit_test_setup_teardown(sysfs_link_chain, fresh_root, remove_root),
		cmocka_unit_test_setup_teardown(pty_and_others, fresh_root, remove_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
