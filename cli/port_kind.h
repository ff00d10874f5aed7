/* sarafw: what kind of serial port a path is, so the update can pick the
 * fastest rate the port is known to carry. */
#ifndef SARAFW_CLI_PORT_KIND_H
#define SARAFW_CLI_PORT_KIND_H

#include <stdint.h>

typedef enum port_kind {
	PORT_UNKNOWN,    /* a tty whose top rate sarafw does not know */
	PORT_PTY,        /* a pseudo-terminal (sarafw-sim): carries any rate */
	PORT_MODULE_USB, /* the module's own USB port: carries any rate, no +UFWUPD (note §5.1) */
	PORT_ADAPTER,    /* a USB-serial adapter of a chip in the table */
} port_kind;

typedef struct port_info {
	port_kind kind;
	uint32_t max_baud; /* PORT_ADAPTER: the chip's top rate; else 0 */
	uint16_t vid, pid; /* the USB device's, when one was found */
	char driver[32];   /* the kernel driver's name, when one was found */
	char desc[64];     /* for the plan: "pseudo-terminal", "CP2102N (cp210x)", ... */
} port_info;

/* Classifies path: follows its symlink chain one link at a time, and at
 * each name looks for $SARAFW_SYSFS/class/tty/<basename> (SARAFW_SYSFS
 * defaults to /sys); from there the driver (device/driver) and the USB
 * device's idVendor, idProduct and product up the device path. With no
 * sysfs entry, a Unix98 pty slave (major 136-143) is a pseudo-terminal.
 * Never fails: what it cannot tell is PORT_UNKNOWN. */
void port_classify(const char *path, port_info *out);

/* Same, with the sysfs root given (tests point it at a faked tree). */
void port_classify_in(const char *sysfs, const char *path, port_info *out);

#endif
