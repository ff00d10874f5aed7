/* Fuzz target: the FOAT engine (lib/update_xmodem.c, with the probe and
 * XMODEM engines inside) through sarafw_foat_xmodem against a module that
 * sends whatever the input says. Byte 0 picks the variant, whether to
 * switch the baud rate and when to abort; the rest is the module's
 * output, handed out in chunks whenever the host writes. The flow must
 * end within its bounds, leave the guard clear and return an error code
 * it documents. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/foat.h"

#include "fake_module.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const variants[] = { "SARA-R422S", "SARA-R410M-02B-03" };
	fake f = { .data = data + 1, .size = size ? size - 1 : 0 };
	sarafw_port port = { .ctx = &f, .write = f_write, .read = f_read, .now_ms = f_now,
			     .set_baud = f_baud };
	char line[128];
	uint8_t block[SARAFW_XMODEM_BUF_128];
	sarafw_dev_config dc = { .port = &port, .line_buf = line, .line_buf_size = sizeof line };
	sarafw_dev dev;
	sarafw_xmodem_stats st;

	if (size < 1)
		return 0;
	CHECK(sarafw_dev_init(&dev, &dc) == SARAFW_OK);
	dev.variant = sarafw_variant_by_name(variants[data[0] & 1]);
	f.abort_after = (data[0] >> 2) & 15;
	sarafw_foat_config cfg = {
		.size = 300, .read = read_pkg, .block_size = 128, .buf = block, .buf_size = sizeof block,
		.host_baud = 115200, .baud = (data[0] & 2) ? 921600 : 0,
		.cancel = f_cancel, .cancel_ctx = &f,
	};
	int rc = sarafw_foat_xmodem(&dev, &cfg, &st);
	CHECK(rc <= 0);
	CHECK(rc != SARAFW_EINVAL || cfg.baud); /* only a refused set_baud */
	CHECK(dev.guard == SARAFW_DL_NONE);
	CHECK(st.blocks <= 3u + st.retransmissions);
	/* bounded: preparation; each of the 3 blocks and the EOT may take
	 * every retry (a module that answers each block at its last one);
	 * the final result within the window; cancel, probes, switch-backs */
	CHECK(f.clock < 40000u + 4u * (SARAFW_XMODEM_MAX_RETRIES + 1u) * SARAFW_XMODEM_ACK_TIMEOUT_MS + 130000u + 60000u);
	CHECK(f.steps < 200000u);
	return 0;
}
