/* What an LwM2M 1.0 client sends in Register and Update (OMA-TS-LightweightM2M
 * 1.0 §5.3): the Uri-Query options (ep, lt, lwm2m, b, sms, Q) and the CoRE
 * link format payload (RFC 6690) listing its objects and instances, e.g.
 * </>;rt="oma.lwm2m";ct=11543,</1/0>,</3/0>,</5/0>. Both parsers are strict
 * and bounded: a value too long or a list too big is an error, never cut. */
#ifndef SARAFW_SERVER_LINKFORMAT_H
#define SARAFW_SERVER_LINKFORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REG_EP_MAX 64
#define REG_OBJ_MAX 128

typedef struct reg_params {
	char ep[REG_EP_MAX + 1];
	int64_t lt;     /* -1: not given */
	char lwm2m[8];  /* "" not given */
	char b[4];      /* "" not given */
	bool queue;     /* Q (1.0 queue mode flag) */
} reg_params;

void reg_params_init(reg_params *p);
/* One Uri-Query option ("ep=urn:imei:..."). Unknown keys are ignored
 * (1.0 allows extensions); a known key with a bad value, a repeated known
 * key or a non-printable byte is an error. Returns 0 or -1. */
int reg_query_opt(reg_params *p, const uint8_t *opt, size_t len);

typedef struct reg_object {
	uint16_t obj;
	int32_t inst; /* -1: the object without an instance (</5>) */
} reg_object;

typedef struct reg_objects {
	char root[32]; /* alternate path from rt="oma.lwm2m", "" when "/" */
	unsigned n;
	reg_object o[REG_OBJ_MAX];
} reg_objects;

/* Parse a registration payload. Returns 0 or -1. */
int link_parse(const uint8_t *p, size_t len, reg_objects *out);
/* The list as "/1/0,/3/0,/5/0" into buf; returns 0, or -1 when it does not fit. */
int reg_objects_str(const reg_objects *o, char *buf, size_t cap);
bool reg_objects_has(const reg_objects *o, uint16_t obj, int32_t inst);

/* The IMEI in an endpoint name "urn:imei:<15 digits>" (also
 * "urn:imei-msisdn:<imei>-<msisdn>"): true and imei filled, or false. */
bool imei_from_endpoint(const char *ep, char imei[16]);

/* LwM2M TLV (1.0 §6.4.3): find resource id in a payload of resources, or
 * of one object instance holding them. Returns 0 with *val and *vlen set, 1 when
 * absent, -1 when the TLV is malformed. */
int tlv_find(const uint8_t *p, size_t len, uint16_t id, const uint8_t **val, size_t *vlen);

#endif
