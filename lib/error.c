/* libsarafw: error texts (see include/sarafw/error.h). */
#include <stddef.h>

#include "sarafw/error.h"

const char *sarafw_strerror(int err)
{
	switch (err) {
	case SARAFW_OK: return "success";
	case SARAFW_EINVAL: return "invalid argument or configuration";
	case SARAFW_ETIMEOUT: return "timed out waiting for the module";
	case SARAFW_EIO: return "serial port read or write failed";
	case SARAFW_EERROR: return "the module refused the command (ERROR, +CME ERROR or +CMS ERROR)";
	case SARAFW_EERROR1: return "module answered ERROR1 (XMODEM transfer timed out)";
	case SARAFW_ENOTSUP: return "not supported by this module version";
	case SARAFW_EBUSY: return "refused: a firmware download is in progress";
	case SARAFW_EPROTO: return "unexpected answer from the module, or a corrupt record";
	case SARAFW_ECANCEL: return "transfer cancelled";
	case SARAFW_ENOMODULE: return "no module answered AT";
	case SARAFW_EINSTALL: return "module is installing firmware; do not reset or power it off";
	case SARAFW_ERETRY: return "too many retries on the line";
	case SARAFW_ENOSPACE: return "buffer too small for the answer or line";
	case SARAFW_EGARBLED: return "garbled answers: the baud rate differs from the module's";
	case SARAFW_EBAUD: return "no answer at the new baud rate; the module is back at the old one";
	case SARAFW_EBAUDBACK: return "no answer after switching the baud rate back; the module may still run at the new one";
	case SARAFW_EFWINSTALL: return "the firmware install failed (+UFWINSTALL result code); the old firmware runs";
	case SARAFW_EVERSION: return "the module reports another firmware version than expected";
	}
	return err > 0 ? "success (count)" : "unknown error";
}

#if SARAFW_CME_TEXT
/* 3GPP TS 27.007 §9.2 (+CME ERROR numeric values), sorted by code. */
static const struct {
	short code;
	const char *text;
} cme[] = {
	{ 0, "phone failure" },
	{ 1, "no connection to phone" },
	{ 2, "phone-adaptor link reserved" },
	{ 3, "operation not allowed" },
	{ 4, "operation not supported" },
	{ 5, "PH-SIM PIN required" },
	{ 6, "PH-FSIM PIN required" },
	{ 7, "PH-FSIM PUK required" },
	{ 10, "SIM not inserted" },
	{ 11, "SIM PIN required" },
	{ 12, "SIM PUK required" },
	{ 13, "SIM failure" },
	{ 14, "SIM busy" },
	{ 15, "SIM wrong" },
	{ 16, "incorrect password" },
	{ 17, "SIM PIN2 required" },
	{ 18, "SIM PUK2 required" },
	{ 20, "memory full" },
	{ 21, "invalid index" },
	{ 22, "not found" },
	{ 23, "memory failure" },
	{ 24, "text string too long" },
	{ 25, "invalid characters in text string" },
	{ 26, "dial string too long" },
	{ 27, "invalid characters in dial string" },
	{ 30, "no network service" },
	{ 31, "network timeout" },
	{ 32, "network not allowed - emergency calls only" },
	{ 40, "network personalization PIN required" },
	{ 41, "network personalization PUK required" },
	{ 42, "network subset personalization PIN required" },
	{ 43, "network subset personalization PUK required" },
	{ 44, "service provider personalization PIN required" },
	{ 45, "service provider personalization PUK required" },
	{ 46, "corporate personalization PIN required" },
	{ 47, "corporate personalization PUK required" },
	{ 100, "unknown" },
	{ 103, "illegal MS" },
	{ 106, "illegal ME" },
	{ 107, "GPRS services not allowed" },
	{ 111, "PLMN not allowed" },
	{ 112, "location area not allowed" },
	{ 113, "roaming not allowed in this location area" },
	{ 132, "service option not supported" },
	{ 133, "requested service option not subscribed" },
	{ 134, "service option temporarily out of order" },
	{ 148, "unspecified GPRS error" },
	{ 149, "PDP authentication failure" },
	{ 150, "invalid mobile class" },
};

const char *sarafw_cme_text(int code)
{
	for (size_t i = 0; i < sizeof cme / sizeof cme[0]; i++)
		if (cme[i].code == code)
			return cme[i].text;
	return NULL;
}
#else
const char *sarafw_cme_text(int code)
{
	(void)code;
	return NULL;
}
#endif
