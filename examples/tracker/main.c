/* tracker: a typical libsarafw application on a Cortex-M4 host MCU, bare
 * metal and without heap. At boot it finds the module, identifies it and,
 * when the application's own downloader has staged a package for another
 * firmware version, sends it to the module with FOAT (AT+UFWUPD=3 and
 * XMODEM-1k, note §5.1). Every buffer is static and sized by the rules
 * in the library's headers. */
#include <stdint.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/foat.h"
#include "sarafw/probe.h"
#include "uart_port.h"

#define BOOT_MS 20000u /* the module's boot, with margin */
#define PKG_MAGIC 0x4b504653u /* "SFPK" */

/* A package staged in external flash, memory-mapped (QSPI): a header,
 * then the bytes as u-blox delivers them. */
typedef struct staged {
	uint32_t magic;
	uint32_t size;
	char target[24]; /* application version after the update, e.g. "A.02.21" */
	uint8_t data[];
} staged;
#define STAGED ((const staged *)0x90000000u)

static sarafw_dev dev;
/* AT line buffer: the longest line the module sends to the probe,
 * identify and FOAT exchanges is far below 127 characters. */
static char line[128];
/* XMODEM pieces: header, data read from the package, check
 * (SARAFW_XMODEM_BUF_MIN or more; 64 bytes: 17 pieces a 1k block). */
static uint8_t xmodem_buf[64];

static int read_package(void *ctx, uint32_t offset, uint8_t *buf, size_t len)
{
	const staged *pkg = ctx;
	memcpy(buf, pkg->data + offset, len);
	return (int)len;
}

static int update(const sarafw_ident *id)
{
	const staged *pkg = STAGED;
	if (pkg->magic != PKG_MAGIC || !strncmp(id->app_version, pkg->target, sizeof pkg->target))
		return SARAFW_OK; /* nothing staged, or already that version */
	const sarafw_foat_config fc = {
		.size = pkg->size,
		.read = read_package,
		.ctx = (void *)pkg,
		.block_size = 1024,
		.buf = xmodem_buf,
		.buf_size = sizeof xmodem_buf,
		.host_baud = 115200,
	};
	return sarafw_foat_xmodem(&dev, &fc, NULL);
}

int main(void)
{
	const sarafw_dev_config dc = {
		.port = &uart_port,
		.line_buf = line,
		.line_buf_size = sizeof line,
	};
	sarafw_ident id;
	int rc;

	uart_port_init(115200);
	rc = sarafw_dev_init(&dev, &dc);
	if (rc == SARAFW_OK)
		rc = sarafw_probe(&dev, BOOT_MS);
	if (rc == SARAFW_OK)
		rc = sarafw_identify(&dev, &id);
	if (rc == SARAFW_OK)
		rc = update(&id);
	/* The installation (AT+UFWINSTALL, note §6) and the application's
	 * own work would follow. */
	return rc;
}
