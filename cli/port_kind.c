/* Port classification from sysfs: a USB-serial adapter's chip (and so its
 * top rate), the module's own USB port, or a pseudo-terminal. Every file
 * read is bounded; nothing here writes. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "port_kind.h"

#define MAX_LINKS 40 /* as the kernel's MAXSYMLINKS */
#define MAX_UP 10    /* device path levels from the tty to its USB device */

/* USB-serial chips and their top rates, from each maker's datasheet.
 * Matched by VID:PID and, where chips share an id, by a substring of the
 * USB product string (the first row that matches wins). */
typedef struct adapter_chip {
	const char *driver;  /* the Linux driver that binds it (for the plan's text) */
	uint16_t vid, pid;
	const char *product; /* NULL: any product string */
	const char *name;
	uint32_t max_baud;
} adapter_chip;

static const adapter_chip chips[] = {
	/* FTDI FT232R datasheet: "300 baud to 3 Mbaud" (FT232BM shares the id: 3 Mbaud too) */
	{ .driver = "ftdi_sio", .vid = 0x0403, .pid = 0x6001, .name = "FT232R", .max_baud = 3000000 },
	/* FT2232H datasheet: 12 Mbaud; FT2232D (same id, "Dual RS232"): 3 Mbaud */
	{ .driver = "ftdi_sio", .vid = 0x0403, .pid = 0x6010, .product = "-HS", .name = "FT2232H",
	  .max_baud = 12000000 },
	{ .driver = "ftdi_sio", .vid = 0x0403, .pid = 0x6010, .name = "FT2232D", .max_baud = 3000000 },
	/* FT4232H datasheet: 12 Mbaud */
	{ .driver = "ftdi_sio", .vid = 0x0403, .pid = 0x6011, .name = "FT4232H", .max_baud = 12000000 },
	/* FT232H datasheet: 12 Mbaud */
	{ .driver = "ftdi_sio", .vid = 0x0403, .pid = 0x6014, .name = "FT232H", .max_baud = 12000000 },
	/* FT231X/FT230X (FT-X series) datasheets: 3 Mbaud */
	{ .driver = "ftdi_sio", .vid = 0x0403, .pid = 0x6015, .name = "FT-X", .max_baud = 3000000 },
	/* Silicon Labs CP2102N datasheet: 3 Mbaud; CP2104 datasheet: 2 Mbps;
	 * CP2102/9 datasheet: its baud rate table ends at 921600. All three
	 * ship as 10c4:ea60: the product string tells them apart, and an
	 * unnamed one gets the lowest of them. */
	{ .driver = "cp210x", .vid = 0x10c4, .pid = 0xea60, .product = "CP2102N", .name = "CP2102N",
	  .max_baud = 3000000 },
	{ .driver = "cp210x", .vid = 0x10c4, .pid = 0xea60, .product = "CP2104", .name = "CP2104",
	  .max_baud = 2000000 },
	{ .driver = "cp210x", .vid = 0x10c4, .pid = 0xea60, .product = "CP2102", .name = "CP2102",
	  .max_baud = 921600 },
	{ .driver = "cp210x", .vid = 0x10c4, .pid = 0xea60, .name = "CP210x", .max_baud = 921600 },
	/* CP2105 datasheet: 2 Mbps (enhanced port); CP2108 datasheet: 2 Mbps */
	{ .driver = "cp210x", .vid = 0x10c4, .pid = 0xea70, .name = "CP2105", .max_baud = 2000000 },
	{ .driver = "cp210x", .vid = 0x10c4, .pid = 0xea71, .name = "CP2108", .max_baud = 2000000 },
	/* WCH CH340 and CH341 datasheets: 50 bps to 2 Mbps */
	{ .driver = "ch341", .vid = 0x1a86, .pid = 0x7523, .name = "CH340", .max_baud = 2000000 },
	{ .driver = "ch341", .vid = 0x1a86, .pid = 0x5523, .name = "CH341", .max_baud = 2000000 },
	/* WCH CH9102 datasheet: 4 Mbps; it binds cdc_acm, so it is matched
	 * here before the module's own USB port */
	{ .driver = "cdc_acm", .vid = 0x1a86, .pid = 0x55d4, .name = "CH9102", .max_baud = 4000000 },
	/* Prolific PL2303: one id for chips from the old PL2303H to the HXD;
	 * Linux's pl2303.c caps the oldest (TYPE_H) at 1228800, the figure
	 * that holds for all of them */
	{ .driver = "pl2303", .vid = 0x067b, .pid = 0x2303, .name = "PL2303", .max_baud = 1228800 },
};

/* The module's own USB: u-blox's vendor id, and the Qualcomm id SARA-R410M
 * enumerates with (Linux drivers/usb/serial/option.c:
 * UBLOX_PRODUCT_R410M 0x90b2 under QUALCOMM_VENDOR_ID 0x05c6). */
#define VID_UBLOX 0x1546
#define VID_QUALCOMM 0x05c6
#define PID_R410M 0x90b2

/* A small sysfs file's first line into out (at most cap - 1 bytes). */
static bool read_small(const char *path, char *out, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	if (fd < 0)
		return false;
	n = read(fd, out, cap - 1);
	close(fd);
	if (n < 0)
		return false;
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	return true;
}

static bool read_hex16(const char *path, uint16_t *v)
{
	char buf[16], *end;
	unsigned long x;
	if (!read_small(path, buf, sizeof buf) || !buf[0])
		return false;
	errno = 0;
	x = strtoul(buf, &end, 16);
	if (errno || *end || x > 0xffff)
		return false;
	*v = (uint16_t)x;
	return true;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* The driver's name: the last part of device/driver's link target. */
static void read_driver(const char *classdir, char *out, size_t cap)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	out[0] = '\0';
	if (snprintf(link, sizeof link, "%s/device/driver", classdir) >= (int)sizeof link)
		return;
	n = readlink(link, target, sizeof target - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	const char *name = base_name(target);
	size_t len = strlen(name) < cap - 1 ? strlen(name) : cap - 1;
	memcpy(out, name, len);
	out[len] = '\0';
}

/* Up the device path from the tty's device to the USB device: the first
 * directory with idVendor and idProduct. */
static bool find_usb(const char *sysfs, const char *classdir, port_info *pi, char *product, size_t cap)
{
	char link[PATH_MAX], dir[PATH_MAX], root[PATH_MAX], f[PATH_MAX + 16];
	size_t root_len;
	product[0] = '\0';
	if (snprintf(link, sizeof link, "%s/device", classdir) >= (int)sizeof link || !realpath(link, dir))
		return false;
	if (!realpath(sysfs, root))
		return false;
	root_len = strlen(root);
	for (int i = 0; i < MAX_UP; i++) {
		char *slash;
		snprintf(f, sizeof f, "%s/idVendor", dir);
		if (read_hex16(f, &pi->vid)) {
			snprintf(f, sizeof f, "%s/idProduct", dir);
			if (!read_hex16(f, &pi->pid))
				return false;
			snprintf(f, sizeof f, "%s/product", dir);
			if (!read_small(f, product, cap))
				product[0] = '\0';
			return true;
		}
		slash = strrchr(dir, '/');
		if (!slash || (size_t)(slash - dir) <= root_len)
			return false; /* not above the sysfs root */
		*slash = '\0';
	}
	return false;
}

static void from_sysfs(const char *sysfs, const char *classdir, port_info *pi)
{
	char product[128];
	bool usb;
	read_driver(classdir, pi->driver, sizeof pi->driver);
	usb = find_usb(sysfs, classdir, pi, product, sizeof product);
	for (size_t i = 0; usb && i < sizeof chips / sizeof chips[0]; i++) {
		const adapter_chip *c = &chips[i];
		if (c->vid != pi->vid || c->pid != pi->pid || (c->product && !strstr(product, c->product)))
			continue;
		pi->kind = PORT_ADAPTER;
		pi->max_baud = c->max_baud;
		snprintf(pi->desc, sizeof pi->desc, "%s (%s)", c->name, pi->driver[0] ? pi->driver : c->driver);
		return;
	}
	if (strcmp(pi->driver, "cdc_acm") == 0 || (usb && pi->vid == VID_UBLOX) ||
	    (usb && pi->vid == VID_QUALCOMM && pi->pid == PID_R410M)) {
		pi->kind = PORT_MODULE_USB;
		snprintf(pi->desc, sizeof pi->desc, "the module's USB port (%s)", pi->driver[0] ? pi->driver : "USB");
		return;
	}
	if (usb)
		snprintf(pi->desc, sizeof pi->desc, "unknown adapter %04x:%04x%s%s", pi->vid, pi->pid,
			 pi->driver[0] ? " " : "", pi->driver);
	else
		snprintf(pi->desc, sizeof pi->desc, "unknown port%s%s", pi->driver[0] ? " " : "", pi->driver);
}

void port_classify_in(const char *sysfs, const char *path, port_info *out)
{
	char cur[PATH_MAX], target[PATH_MAX], classdir[PATH_MAX];
	struct stat st;
	memset(out, 0, sizeof *out);
	out->kind = PORT_UNKNOWN;
	snprintf(out->desc, sizeof out->desc, "unknown port");
	if (!path || snprintf(cur, sizeof cur, "%s", path) >= (int)sizeof cur)
		return;
	for (int hop = 0; hop <= MAX_LINKS; hop++) {
		ssize_t n;
		if (snprintf(classdir, sizeof classdir, "%s/class/tty/%s", sysfs, base_name(cur)) < (int)sizeof classdir &&
		    base_name(cur)[0] && lstat(classdir, &st) == 0) {
			from_sysfs(sysfs, classdir, out);
			return;
		}
		n = readlink(cur, target, sizeof target - 1);
		if (n <= 0)
			break; /* not a link: the end of the chain */
		target[n] = '\0';
		if (target[0] == '/') {
			memcpy(cur, target, (size_t)n + 1);
		} else {
			char *slash = strrchr(cur, '/');
			size_t dir_len = slash ? (size_t)(slash - cur) + 1 : 0;
			if (dir_len + (size_t)n + 1 > sizeof cur)
				break;
			memcpy(cur + dir_len, target, (size_t)n + 1);
		}
	}
	/* Unix98 pty slaves: majors 136-143 (Linux Documentation/admin-guide/devices.txt) */
	if (stat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143) {
		out->kind = PORT_PTY;
		snprintf(out->desc, sizeof out->desc, "pseudo-terminal");
	}
}

void port_classify(const char *path, port_info *out)
{
	const char *sysfs = getenv("SARAFW_SYSFS");
	port_classify_in(sysfs && *sysfs ? sysfs : "/sys", path, out);
}
