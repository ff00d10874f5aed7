/* Fuzz target: the install engine (lib/install.c, with the probe inside)
 * through sarafw_install against a module that sends whatever the input
 * says: answers, progress and result URCs, noise. Byte 0 picks the
 * variant, the URCs' port and rate, a resumed wait and the expected
 * version; the rest is the module's output, handed out in chunks whenever
 * the host writes. The flow must end within the variant's install bound
 * and its boot and command times, never reset the module, clear the
 * "installing" record whenever it says the module answered, and return
 * an error code it documents. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/install.h"
#include "sarafw/timeouts.h"

#include "fake_module.h"

static int resets;

static int no_reset(void *ctx)
{
	(void)ctx;
	resets++;
	return SARAFW_OK;
}

/* Any rate but 230400 (an adapter that cannot): the failure path too. */
static int any_baud(void *ctx, uint32_t baud)
{
	(void)ctx;
	return baud == 230400 ? SARAFW_EINVAL : SARAFW_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const variants[] = { "SARA-R422S", "SARA-R410M-02B-03" };
	static const uint8_t ports[] = { SARAFW_INSTALL_PORT_UART, SARAFW_INSTALL_PORT_OMIT, SARAFW_INSTALL_PORT_AUX,
					 SARAFW_INSTALL_PORT_NONE };
	static const uint32_t rates[] = { 115200, 0, 230400, 460800 };
	static const char *const expects[] = { NULL, "00.13,A00.02", "00.13", "L0.0.00.00.05.13" };
	fake f = { .data = data + 1, .size = size ? size - 1 : 0 };
	sarafw_port port = { .ctx = &f, .write = f_write, .read = f_read, .now_ms = f_now,
			     .set_baud = any_baud, .reset = no_reset };
	char line[128], version[24];
	sarafw_dev_config dc = { .port = &port, .line_buf = line, .line_buf_size = sizeof line };
	sarafw_dev dev;
	unsigned code = 0;

	if (size < 1)
		return 0;
	resets = 0;
	memset(version, 'x', sizeof version); /* untouched, or a string */
	CHECK(sarafw_dev_init(&dev, &dc) == SARAFW_OK);
	dev.variant = sarafw_variant_by_name(variants[data[0] & 1]);
	sarafw_install_config cfg = {
		.host_baud = 115200,
		.port = ports[(data[0] >> 1) & 3],
		.baud = rates[(data[0] >> 3) & 3],
		.expect = expects[(data[0] >> 5) & 3],
		.version = version,
		.version_size = sizeof version,
		.urcs = SARAFW_URC_UFOTASTAT | SARAFW_URC_ULWM2MSTAT,
		.resume = (data[0] & 0x80) != 0,
	};
	if (cfg.port == SARAFW_INSTALL_PORT_OMIT)
		cfg.baud = 0; /* no rate without a port (§6.1.1) */
	int rc = sarafw_install(&dev, &cfg, &code);
	CHECK(rc <= 0);
	CHECK(rc == SARAFW_OK || rc == SARAFW_EERROR || rc == SARAFW_EERROR1 || rc == SARAFW_EPROTO ||
	      rc == SARAFW_EFWINSTALL || rc == SARAFW_EVERSION || rc == SARAFW_ENOMODULE ||
	      rc == SARAFW_EGARBLED || rc == SARAFW_EBAUDBACK);
	CHECK(resets == 0);
	CHECK((rc == SARAFW_EFWINSTALL) == (code > 100 && code != SARAFW_INSTALL_OK_CODE));
	CHECK(code == 0 || code > 100);
	if (rc == SARAFW_OK || rc == SARAFW_EVERSION || rc == SARAFW_EERROR)
		CHECK(!dev.installing); /* the module answered */
	if (rc == SARAFW_EVERSION)
		CHECK(cfg.expect != NULL);
	CHECK(memchr(version, '\0', sizeof version) != NULL || version[0] == 'x');
	/* bounded: the command, the install and a boot, a boot after the
	 * result, five commands after and the reboot of the backup; each
	 * probe may confirm a late answer (4 s) */
	const sarafw_variant_limits *lim = dev.variant->limits;
	CHECK(f.clock < SARAFW_ANSWER_MS + lim->install_max_ms + 3u * lim->boot_ms + 5u * SARAFW_ANSWER_MS +
				3u * 4000u + SARAFW_INSTALL_CHECK_MS + 4000u);
	CHECK(f.steps < 400000u);
	return 0;
}
