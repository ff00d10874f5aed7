/* libsarafw: error codes.
 * 0 is success, negative values are errors, positive values are counts. */
#ifndef SARAFW_ERROR_H
#define SARAFW_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* Numbers are stable: a code that was merged into another leaves a gap
 * (-4 was "line too small", now SARAFW_ENOSPACE; -6 was "+CME ERROR",
 * now SARAFW_EERROR). */
enum sarafw_error {
	SARAFW_OK = 0,
	SARAFW_EINVAL = -1,    /* bad argument or configuration */
	SARAFW_ETIMEOUT = -2,  /* no answer within the bound */
	SARAFW_EIO = -3,       /* the port failed to read or write */
	SARAFW_EERROR = -5,    /* the module refused: ERROR, +CME ERROR or +CMS ERROR
	                        * (sarafw_dev_last_error() has its line and code) */
	SARAFW_EERROR1 = -7,   /* module answered ERROR1 (note §5.1.1.3: XMODEM timeout) */
	SARAFW_ENOTSUP = -8,   /* this product version lacks the feature (note Table 1) */
	SARAFW_EBUSY = -9,     /* refused locally: a download is active (note §7, Table 7) */
	SARAFW_EPROTO = -10,   /* the module answered something unexpected, or a
	                        * stored record is corrupt */
	SARAFW_ECANCEL = -11,  /* the transfer was cancelled (CAN CAN) */
	SARAFW_ENOMODULE = -12,/* nothing answered AT */
	SARAFW_EINSTALL = -13, /* module is installing firmware: do not touch it */
	SARAFW_ERETRY = -14,   /* too many retries on the line */
	SARAFW_ENOSPACE = -15, /* a buffer is too small for the answer or line */
	SARAFW_EGARBLED = -16, /* bytes arrive but make no sense: wrong baud rate? */
	SARAFW_EBAUD = -17,    /* no answer at the transfer's baud rate; the module is back at the host's */
	SARAFW_EBAUDBACK = -18,/* no answer at the host's rate after switching back: the module may still run at the other */
	SARAFW_EFWINSTALL = -19,/* the install ended with a failure code (note §6.1.5, Table 5): the old firmware runs */
	SARAFW_EVERSION = -20, /* installed, but the module reports another version than the expected one */
};

/* One line of English for an error code; never NULL. */
const char *sarafw_strerror(int err);

/* Meaning of a numeric +CME ERROR code (3GPP TS 27.007 and u-blox
 * additions), or NULL when unknown. Building with -DSARAFW_CME_TEXT=0
 * drops the table (about 1.6 KB of Cortex-M4 flash); it then always returns NULL
 * and callers show the number. */
#ifndef SARAFW_CME_TEXT
#define SARAFW_CME_TEXT 1
#endif
const char *sarafw_cme_text(int code);

#ifdef __cplusplus
}
#endif
#endif
