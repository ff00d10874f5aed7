/* Fuzz target: the +UDWNFILE engine (lib/update_udwnfile.c, with the
 * probe inside) through sarafw_udwnfile against a module that sends
 * whatever the input says. Byte 0 picks the variant, the tag, when to
 * abort and whether to switch to 921600 for the data (and back); the rest is the module's output, handed out in chunks whenever
 * the host writes. The flow must end within its bounds, leave the guard
 * clear, never send more than the command and the promised bytes (and
 * the probe's ATs), and return an error code it documents. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/udwnfile.h"

#include "fake_module.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const variants[] = { "SARA-R422S", "SARA-R410M-02B-03" };
	static const char *const tags[] = { NULL, "FOAT", "PROFILE", NULL };
	fake f = { .data = data + 1, .size = size ? size - 1 : 0 };
	sarafw_port port = { .ctx = &f, .write = f_write, .read = f_read, .now_ms = f_now,
			     .set_baud = f_baud };
	char line[128];
	uint8_t buf[48];
	sarafw_dev_config dc = { .port = &port, .line_buf = line, .line_buf_size = sizeof line };
	sarafw_dev dev;

	if (size < 1)
		return 0;
	CHECK(sarafw_dev_init(&dev, &dc) == SARAFW_OK);
	dev.variant = sarafw_variant_by_name(variants[data[0] & 1]);
	f.abort_after = (data[0] >> 3) & 15;
	sarafw_udwn_config cfg = {
		.name = "pkg", .tag = tags[(data[0] >> 1) & 3], .size = 300, .read = read_pkg,
		.buf = buf, .buf_size = sizeof buf, .host_baud = 115200, .baud = (data[0] & 0x80) ? 921600 : 0,
		.cancel = f_cancel, .cancel_ctx = &f,
	};
	int rc = sarafw_udwnfile(&dev, &cfg);
	CHECK(rc <= 0);
	CHECK(rc != SARAFW_EINVAL);
	CHECK(dev.guard == SARAFW_DL_NONE);
	/* the command, the data, and the probes' ATs: one a second, or one
	 * per final result code the module sent (2 bytes at least: "0\r"
	 * numeric, "OK" verbose); a switch adds two AT+IPR each way */
	CHECK(f.taken <= 40u + 300u + 3u * (f.clock / 1000u + 2u + f.pos / 2u) + (cfg.baud ? 4u * 15u : 0u));
	/* bounded: preparation, abort wait, final result (with the port's
	 * queue at 115200), probe; a switch: per direction two AT+IPR, the
	 * settle time and two probes */
	CHECK(f.clock < 15000u + 30000u + 15000u + 30u + 5000u + 1000u + (cfg.baud ? 2u * 20100u : 0u));
	CHECK(f.steps < 200000u);
	return 0;
}
