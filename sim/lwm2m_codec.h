/* sarafw-sim: the LwM2M 1.0 data codecs of the simulated module's client,
 * pure functions over caller buffers (fuzzed: fuzz/fuzz_sim_lwm2m.c):
 * - URI paths "/5/0/1" (CoAP Uri-Path segments and the AT commands' form);
 * - TLV (content format 11542, OMA-TS-LightweightM2M-V1_0 §6.4.3);
 * - the JSON form (11543) that +ULWM2MREAD prints and +ULWM2MWRITE takes,
 *   as note §2.5.1 shows it: {"bn":"/1/1/","e":[{"n": "1", "v":86400}]}. */
#ifndef SIM_LWM2M_CODEC_H
#define SIM_LWM2M_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LW_CF_TEXT 0
#define LW_CF_LINK 40
#define LW_CF_OPAQUE 42
#define LW_CF_TLV 11542
#define LW_CF_JSON 11543

#define LW_ID_MAX 65534 /* 65535 is reserved (LwM2M 1.0 §6.1) */

/* A path: 0 (the root "/") to 3 ids (object, instance, resource). */
struct lw_path {
	int depth;
	uint16_t id[3];
};

/* "/5/0/1", "5/0/1", "/5/0/", "/" ; 0, or -1 for anything else (a
 * segment that is not a decimal id up to LW_ID_MAX, a 4th level). */
int lw_path_parse(const char *s, size_t n, struct lw_path *p);
/* "/5/0/1" into out (cap >= 20 always suffices). */
void lw_path_format(const struct lw_path *p, char *out, size_t cap);

/* TLV kinds (type byte bits 7-6). */
enum lw_tlv_kind { LW_TLV_INSTANCE = 0, LW_TLV_RES_INSTANCE = 1, LW_TLV_MULTIPLE = 2, LW_TLV_RESOURCE = 3 };

struct lw_tlv {
	enum lw_tlv_kind kind;
	uint16_t id;
	const uint8_t *value;
	size_t len;
};

/* Appends one TLV; returns its size, or 0 when it does not fit in cap. */
size_t lw_tlv_put(uint8_t *buf, size_t cap, enum lw_tlv_kind kind, uint16_t id, const void *value,
		  size_t len);
/* Decodes the TLV at p[0..n): returns its size (header + value), or -1
 * when the header or the value runs past n. */
long lw_tlv_get(const uint8_t *p, size_t n, struct lw_tlv *t);
/* An integer value as TLV carries it (1, 2, 4 or 8 bytes, big-endian,
 * two's complement): the bytes into out[8], their count returned. */
size_t lw_tlv_int(int64_t v, uint8_t out[8]);
/* The reverse; -1 for a length other than 1, 2, 4, 8. */
int lw_tlv_to_int(const uint8_t *p, size_t n, int64_t *v);

/* A value in the JSON form. */
enum lw_json_type { LW_JSON_NUM, LW_JSON_BOOL, LW_JSON_STR };
struct lw_json_entry {
	char n[24]; /* the name relative to bn: "1", "30000/1" */
	enum lw_json_type type;
	int64_t v;
	bool bv;
	char sv[160];
};

/* {"bn":"<bn>","e":[...]} into out; 0, or -1 when it does not fit. */
int lw_json_format(char *out, size_t cap, const char *bn, const struct lw_json_entry *e, int n);
/* Parses the JSON form (whitespace anywhere between tokens, keys in any
 * order, numbers integer only): bn into bn[cap_bn], up to max entries.
 * The count, or -1 on a syntax error, an unknown key, a too-long string
 * or more than max entries. */
int lw_json_parse(const char *s, size_t len, char *bn, size_t cap_bn, struct lw_json_entry *e,
		  int max);

#endif
