/* libsarafw: find the module on the line and learn who it is. */
#ifndef SARAFW_PROBE_H
#define SARAFW_PROBE_H

#include "sarafw/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sarafw_ident {
	char type_number[40];   /* ATI0, e.g. "SARA-R410M-02B-03" */
	char model[32];         /* +CGMM, e.g. "SARA-R410M-02B" */
	char modem_version[48]; /* ATI9 first field, e.g. "L0.0.00.00.05.12" */
	char app_version[24];   /* ATI9 second field, e.g. "A.02.19" */
	char imei[20];          /* +CGSN */
	int mno_profile;        /* +UMNOPROF, -1 if unknown */
	const sarafw_variant *variant; /* NULL if the type number is unknown */
} sarafw_ident;

/* State of an update URC as the module reports it. */
typedef enum sarafw_urc_state {
	SARAFW_URC_UNSUPPORTED = 0, /* this product version has no such URC (Table 2) */
	SARAFW_URC_OFF,
	SARAFW_URC_ON,
	SARAFW_URC_UNKNOWN, /* supported, but the module does not tell */
} sarafw_urc_state;

/* Send "AT" about once a second until the module answers OK, for at most
 * timeout_ms. Returns SARAFW_OK; SARAFW_ENOMODULE if the line stayed
 * silent; SARAFW_EGARBLED if bytes came back that made no sense (most
 * often a baud rate that differs from the module's +IPR). */
int sarafw_probe(sarafw_dev *dev, uint32_t timeout_ms);

/* Turn echo off, ask for verbose +CME errors, read identity and versions,
 * and set dev->variant. Returns SARAFW_OK, or the first command's error;
 * an unknown product version is not an error (id->variant is NULL). */
int sarafw_identify(sarafw_dev *dev, sarafw_ident *id);

/* Read whether the update URC `which` (SARAFW_URC_*) is enabled. */
sarafw_urc_state sarafw_urc_get(sarafw_dev *dev, unsigned which);

#ifdef __cplusplus
}
#endif
#endif
