/* The host's persisted state record (see include/sarafw/persist.h). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"
#include "sarafw/persist.h"
#include "sarafw/xmodem.h"

#define BODY 16u /* bytes the CRC covers */

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
	if (!rec || (unsigned)rec->state > SARAFW_PERSIST_INSTALLING || rec->method > SARAFW_DL_FILE)
		return SARAFW_EPROTO;
	return SARAFW_OK;
}

bool sarafw_persist_installing(const sarafw_persist *rec)
{
	return rec && rec->state == SARAFW_PERSIST_INSTALLING;
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
	buf[7] = 0;
	put32(buf + 8, rec->since);
	put32(buf + 12, rec->max_ms);
	crc = sarafw_xmodem_crc16(0, buf, BODY);
	buf[16] = (uint8_t)crc;
	buf[17] = (uint8_t)(crc >> 8);
	return (int)SARAFW_PERSIST_SIZE;
}

int sarafw_persist_decode(sarafw_persist *rec, const uint8_t *buf, size_t len)
{
	sarafw_persist r;
	if (!rec)
		return SARAFW_EINVAL;
	memset(rec, 0, sizeof *rec);
	rec->state = SARAFW_PERSIST_IDLE;
	if (!buf || len < SARAFW_PERSIST_SIZE)
		return SARAFW_EINVAL;
	if (get32(buf) != SARAFW_PERSIST_MAGIC)
		return SARAFW_EPROTO;
	if (sarafw_xmodem_crc16(0, buf, BODY) != (uint16_t)(buf[16] | buf[17] << 8))
		return SARAFW_EPROTO;
	if (buf[4] != SARAFW_PERSIST_VERSION)
		return SARAFW_ENOTSUP;
	if (buf[7] != 0)
		return SARAFW_EPROTO;
	r.state = (sarafw_persist_state)buf[5];
	r.method = buf[6];
	r.since = get32(buf + 8);
	r.max_ms = get32(buf + 12);
	if (sarafw_persist_validate(&r) != SARAFW_OK)
		return SARAFW_EPROTO;
	*rec = r;
	return SARAFW_OK;
}
