/* Probe and identify: find the module, then read who it is. */
#include <stdbool.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/probe.h"

#define CMD_MS 5000u  /* a plain query answers well within this */
#define TRY_MS 1000u  /* one "AT" attempt of the probe loop */

int sarafw_probe(sarafw_dev *dev, uint32_t timeout_ms)
{
	const sarafw_port *p = dev->cfg.port;
	uint32_t end = p->now_ms(p->ctx) + timeout_ms;
	uint32_t rx_before = dev->rx_total;
	bool in_step = true; /* no attempt has gone unanswered yet */
	int rc;
	do {
		uint32_t left = end - p->now_ms(p->ctx);
		rc = sarafw_cmd(dev, "AT", NULL, left < TRY_MS ? left : TRY_MS, NULL, NULL);
		if (rc == SARAFW_OK) {
			if (in_step)
				return SARAFW_OK;
			/* This OK may answer an earlier attempt, and the answer to
			 * this one may still be on its way: taken for the next
			 * command's, it would put every answer after it one off.
			 * Let the line fall quiet, then ask once more, even if the
			 * deadline has passed meanwhile. */
			sarafw_dev_drain(dev, TRY_MS, 3 * TRY_MS);
			rc = sarafw_cmd(dev, "AT", NULL, TRY_MS, NULL, NULL);
			if (rc == SARAFW_OK)
				return SARAFW_OK;
		}
		if (rc == SARAFW_EIO)
			return rc;
		/* No answer, or ERROR (a module mid-line): retry. */
		in_step = false;
	} while (!sarafw_time_reached(p->now_ms(p->ctx), end));
	return dev->rx_total != rx_before ? SARAFW_EGARBLED : SARAFW_ENOMODULE;
}

static void copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int sarafw_identify(sarafw_dev *dev, sarafw_ident *id)
{
	char line[96];
	int rc;
	memset(id, 0, sizeof *id);
	id->mno_profile = -1;
	/* Echo off keeps responses short; verbose +CME text explains itself
	 * (the engine reads numeric codes as well). */
	if ((rc = sarafw_cmd(dev, "ATE0", NULL, CMD_MS, NULL, NULL)) != SARAFW_OK)
		return rc;
	(void)sarafw_cmd(dev, "AT+CMEE=2", NULL, CMD_MS, NULL, NULL);

	if ((rc = sarafw_cmd_get(dev, "ATI0", NULL, CMD_MS, line, sizeof line)) < 0 &&
	    rc != SARAFW_ENOSPACE)
		return rc;
	copy(id->type_number, sizeof id->type_number, line);
	if (sarafw_cmd_get(dev, "AT+CGMM", NULL, CMD_MS, line, sizeof line) >= 0)
		copy(id->model, sizeof id->model, line);
	/* note §2.6.6: ATI9 gives "<modem>,<application>" */
	if (sarafw_cmd_get(dev, "ATI9", NULL, CMD_MS, line, sizeof line) >= 0) {
		char *comma = strchr(line, ',');
		if (comma) {
			*comma = '\0';
			copy(id->app_version, sizeof id->app_version, comma + 1);
		}
		copy(id->modem_version, sizeof id->modem_version, line);
	}
	if (sarafw_cmd_get(dev, "AT+CGSN", NULL, CMD_MS, line, sizeof line) >= 0)
		copy(id->imei, sizeof id->imei, line);
	if (sarafw_cmd_get(dev, "AT+UMNOPROF?", "+UMNOPROF", CMD_MS, line, sizeof line) >= 0) {
		long v;
		if (sarafw_at_int(line, &v))
			id->mno_profile = (int)v;
	}
	id->variant = sarafw_variant_match(id->type_number);
	if (!id->variant)
		id->variant = sarafw_variant_match(id->model);
	dev->variant = id->variant;
	return SARAFW_OK;
}

sarafw_urc_state sarafw_urc_get(sarafw_dev *dev, unsigned which)
{
	const char *cmd, *prefix;
	char line[32];
	long v;
	if (!dev->variant || !(dev->variant->urcs & which))
		return SARAFW_URC_UNSUPPORTED;
	switch (which) {
	case SARAFW_URC_UFOTASTAT:
		cmd = "AT+UFOTASTAT?", prefix = "+UFOTASTAT";
		break;
	case SARAFW_URC_ULWM2MSTAT:
		cmd = "AT+ULWM2MSTAT?", prefix = "+ULWM2MSTAT";
		break;
	default:
		/* +UFWINSTALL has no read form in the note (§6.1.1). */
		return SARAFW_URC_UNKNOWN;
	}
	if (sarafw_cmd_get(dev, cmd, prefix, CMD_MS, line, sizeof line) != SARAFW_OK ||
	    !sarafw_at_int(line, &v))
		return SARAFW_URC_UNKNOWN;
	return v ? SARAFW_URC_ON : SARAFW_URC_OFF;
}
