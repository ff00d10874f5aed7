/* The host's persisted state record (see include/sarafw/persist.h). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"
#include "sarafw/persist.h"
#include "sarafw/xmodem.h"

#define V1_BODY 16u /* bytes the CRC covers */
#define V2_BODY 30u

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int sarafw_persist_validate(const sarafw_persist *rec)
{
	if (!rec || (unsigned)rec->state > SARAFW_PERSIST_INSTALLING || rec->method > SARAFW_DL_FILE ||
	    (rec->flags & ~(SARAFW_PERSIST_F_RESUME | SARAFW_PERSIST_F_CONFIG)) || (rec->total && rec->stored > rec->total))
		return SARAFW_EPROTO;
	return SARAFW_OK;
}

bool sarafw_persist_installing(const sarafw_persist *rec)
{
	return rec && rec->state == SARAFW_PERSIST_INSTALLING;
}

uint32_t sarafw_persist_hash(const char *s)
{
	uint32_t h = 2166136261u;
	if (s)
		for (; *s; s++)
			h = (h ^ (uint8_t)*s) * 16777619u;
	return h ? h : 1u;
}

int sarafw_persist_encode(const sarafw_persist *rec, uint8_t *buf, size_t size)
{
	uint16_t crc;
	if (!buf || size < SARAFW_PERSIST_SIZE || sarafw_persist_validate(rec) != SARAFW_OK)
		return SARAFW_EINVAL;
	put32(buf, SARAFW_PERSIST_MAGIC);
	buf[4] = SARAFW_PERSIST_VERSION;
	buf[5] = (uint8_t)rec->state;
	buf[6] = rec->method;
	buf[7] = rec->flags;
	put32(buf + 8, rec->since);
	put32(buf + 12, rec->max_ms);
	put32(buf + 16, rec->stored);
	put32(buf + 20, rec->total);
	put32(buf + 24, rec->name_hash);
	buf[28] = buf[29] = 0;
	crc = sarafw_xmodem_crc16(0, buf, V2_BODY);
	buf[30] = (uint8_t)crc;
	buf[31] = (uint8_t)(crc >> 8);
	return (int)SARAFW_PERSIST_SIZE;
}

size_t sarafw_persist_size(const uint8_t *buf, size_t len)
{
	if (!buf || len < 5 || get32(buf) != SARAFW_PERSIST_MAGIC)
		return 0;
	if (buf[4] == 1)
		return SARAFW_PERSIST_V1_SIZE;
	if (buf[4] == SARAFW_PERSIST_VERSION)
		return SARAFW_PERSIST_SIZE;
	return 0;
}

int sarafw_persist_decode(sarafw_persist *rec, const uint8_t *buf, size_t len)
{
	sarafw_persist r;
	size_t need, body;
	if (!rec)
		return SARAFW_EINVAL;
	memset(rec, 0, sizeof *rec);
	rec->state = SARAFW_PERSIST_IDLE;
	/* the shortest record, whatever it says */
	if (!buf || len < SARAFW_PERSIST_V1_SIZE)
		return SARAFW_EINVAL;
	if (get32(buf) != SARAFW_PERSIST_MAGIC)
		return SARAFW_EPROTO;
	need = sarafw_persist_size(buf, len);
	if (need == 0)
		return SARAFW_ENOTSUP;
	if (len < need)
		return SARAFW_EINVAL;
	body = need - 2;
	if (sarafw_xmodem_crc16(0, buf, body) != (uint16_t)(buf[body] | buf[body + 1] << 8))
		return SARAFW_EPROTO;
	memset(&r, 0, sizeof r);
	r.state = (sarafw_persist_state)buf[5];
	r.method = buf[6];
	r.flags = buf[7];
	r.since = get32(buf + 8);
	r.max_ms = get32(buf + 12);
	if (need == SARAFW_PERSIST_SIZE) {
		if (buf[28] != 0 || buf[29] != 0)
			return SARAFW_EPROTO;
		r.stored = get32(buf + 16);
		r.total = get32(buf + 20);
		r.name_hash = get32(buf + 24);
	} else if (r.flags != 0) {
		return SARAFW_EPROTO; /* v1: byte 7 reserved */
	}
	if (sarafw_persist_validate(&r) != SARAFW_OK)
		return SARAFW_EPROTO;
	*rec = r;
	return SARAFW_OK;
}
