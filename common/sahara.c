/* Sahara packet encode and decode (layouts: sahara.h, after
 * linux-msm/qdl src/sahara.c). */
#include "sahara.h"

#include <string.h>

#include "bytes.h"

static const struct {
	uint32_t cmd;
	uint32_t len;
	const char *name;
} cmds[] = {
	{ .cmd = SAHARA_HELLO, .len = 0x30, .name = "HELLO" },
	{ .cmd = SAHARA_HELLO_RESP, .len = 0x30, .name = "HELLO_RESP" },
	{ .cmd = SAHARA_READ_DATA, .len = 0x14, .name = "READ_DATA" },
	{ .cmd = SAHARA_END_OF_IMAGE, .len = 0x10, .name = "END_OF_IMAGE" },
	{ .cmd = SAHARA_DONE, .len = 0x08, .name = "DONE" },
	{ .cmd = SAHARA_DONE_RESP, .len = 0x0c, .name = "DONE_RESP" },
	{ .cmd = SAHARA_RESET, .len = 0x08, .name = "RESET" },
	{ .cmd = SAHARA_RESET_RESP, .len = 0x08, .name = "RESET_RESP" },
	{ .cmd = SAHARA_READ_DATA64, .len = 0x20, .name = "READ_DATA64" },
};

size_t sahara_cmd_len(uint32_t cmd)
{
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (cmds[i].cmd == cmd)
			return cmds[i].len;
	return 0;
}

const char *sahara_cmd_name(uint32_t cmd)
{
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (cmds[i].cmd == cmd)
			return cmds[i].name;
	return "?";
}

int sahara_decode(const uint8_t *buf, size_t n, struct sahara_pkt *p)
{
	memset(p, 0, sizeof *p);
	if (n < SAHARA_HEADER_LEN)
		return 0;
	p->cmd = get32(buf);
	p->len = get32(buf + 4);
	size_t want = sahara_cmd_len(p->cmd);
	if (!want)
		return SAHARA_E_CMD;
	if (p->len != want)
		return SAHARA_E_LEN;
	if (n < want)
		return 0;
	const uint8_t *f = buf + SAHARA_HEADER_LEN;
	switch (p->cmd) {
	case SAHARA_HELLO:
	case SAHARA_HELLO_RESP:
		p->u.hello.version = get32(f);
		p->u.hello.compatible = get32(f + 4);
		p->u.hello.max_len_or_status = get32(f + 8);
		p->u.hello.mode = get32(f + 12);
		break; /* six reserved words follow */
	case SAHARA_READ_DATA:
		p->u.read.image = get32(f);
		p->u.read.offset = get32(f + 4);
		p->u.read.length = get32(f + 8);
		break;
	case SAHARA_READ_DATA64:
		p->u.read.image = get64(f);
		p->u.read.offset = get64(f + 8);
		p->u.read.length = get64(f + 16);
		break;
	case SAHARA_END_OF_IMAGE:
		p->u.eoi.image = get32(f);
		p->u.eoi.status = get32(f + 4);
		break;
	case SAHARA_DONE_RESP:
		p->u.done.status = get32(f);
		break;
	default: /* DONE, RESET, RESET_RESP: the header alone */
		break;
	}
	return (int)want;
}

int sahara_encode(const struct sahara_pkt *p, uint8_t *out, size_t cap)
{
	size_t len = sahara_cmd_len(p->cmd);
	if (!len)
		return SAHARA_E_CMD;
	if (cap < len)
		return SAHARA_E_SPACE;
	memset(out, 0, len);
	put32(out, p->cmd);
	put32(out + 4, (uint32_t)len);
	uint8_t *f = out + SAHARA_HEADER_LEN;
	switch (p->cmd) {
	case SAHARA_HELLO:
	case SAHARA_HELLO_RESP:
		put32(f, p->u.hello.version);
		put32(f + 4, p->u.hello.compatible);
		put32(f + 8, p->u.hello.max_len_or_status);
		put32(f + 12, p->u.hello.mode);
		break;
	case SAHARA_READ_DATA:
		if (p->u.read.image > UINT32_MAX || p->u.read.offset > UINT32_MAX || p->u.read.length > UINT32_MAX)
			return SAHARA_E_SPACE;
		put32(f, (uint32_t)p->u.read.image);
		put32(f + 4, (uint32_t)p->u.read.offset);
		put32(f + 8, (uint32_t)p->u.read.length);
		break;
	case SAHARA_READ_DATA64:
		put64(f, p->u.read.image);
		put64(f + 8, p->u.read.offset);
		put64(f + 16, p->u.read.length);
		break;
	case SAHARA_END_OF_IMAGE:
		put32(f, p->u.eoi.image);
		put32(f + 4, p->u.eoi.status);
		break;
	case SAHARA_DONE_RESP:
		put32(f, p->u.done.status);
		break;
	default:
		break;
	}
	return (int)len;
}
