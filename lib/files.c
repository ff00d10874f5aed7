/* The answers of the module's file commands (AT-FACTS.md "Files") and of
 * AT+UMNOPROF=? (note §2.6.6): line parsers, and one byte parser for
 * +URDFILE / +URDBLOCK, whose data is raw bytes, not a line; then the
 * blocking file calls of sarafw/files.h built on them. */
#include <string.h>

#include "sarafw/cmdbuf.h"
#include "sarafw/error.h"
#include "sarafw/files.h"
#include "sarafw/timeouts.h"
#include "sarafw/udwnfile.h"
#include "str.h"

static const char *skip_spaces(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* A decimal number (at most 10 digits, no overflow): the end, or NULL. */
static const char *number(const char *s, uint32_t *v)
{
	uint32_t x = 0;
	int n = 0;
	while (*s >= '0' && *s <= '9') {
		uint32_t d = (uint32_t)(*s - '0');
		if (x > (UINT32_MAX - d) / 10u)
			return NULL;
		x = x * 10u + d;
		s++;
		n++;
	}
	*v = x;
	return n ? s : NULL;
}

/* Removes "<prefix>:" and the spaces after it, if the line has it. */
static const char *after_prefix(const char *line, const char *prefix)
{
	if (sarafw_str_starts(line, prefix)) {
		line += sarafw_str_len(prefix);
		if (*line == ':')
			line++;
	}
	return skip_spaces(line);
}

bool sarafw_umnoprof_lists(const char *line, uint32_t id)
{
	const char *s = after_prefix(line, "+UMNOPROF");
	uint32_t a, b;
	if (*s != '(') {
		/* note §2.6.6: the versions form, "<id>: <name>" */
		s = number(s, &a);
		return s && *s == ':' && a == id;
	}
	s++;
	for (;;) {
		s = number(skip_spaces(s), &a);
		if (!s)
			return false;
		b = a;
		if (*s == '-' && !(s = number(s + 1, &b)))
			return false;
		if (id >= a && id <= b)
			return true;
		s = skip_spaces(s);
		if (*s != ',')
			return false; /* ')' or a bad list */
		s++;
	}
}

bool sarafw_umnoprof_entry(const char *line, uint32_t *id, const char **name)
{
	const char *s = number(after_prefix(line, "+UMNOPROF"), id);
	if (!s || *s != ':')
		return false;
	*name = skip_spaces(s + 1);
	return true;
}

struct profile_find {
	uint32_t id;
	bool found;
};

static void profile_line(void *ctx, int argc, const char *const *argv, const char *line)
{
	struct profile_find *f = ctx;
	(void)argc, (void)argv;
	if (sarafw_umnoprof_lists(line, f->id))
		f->found = true;
}

int sarafw_profile_present(sarafw_dev *dev, uint32_t id, bool *present)
{
	struct profile_find f = { .id = id, .found = false };
	int rc = sarafw_cmd(dev, "AT+UMNOPROF=?", "+UMNOPROF", SARAFW_ANSWER_MS, profile_line, &f);
	*present = rc == SARAFW_OK && f.found;
	return rc;
}

/* One quoted name at s, copied into out when out is not NULL (cut to
 * fit: *cut set). Returns what follows the closing quote, or NULL. */
static const char *quoted(const char *s, char *out, size_t out_size, bool *cut)
{
	size_t n = 0;
	*cut = false;
	if (*s != '"')
		return NULL;
	for (s++; *s && *s != '"'; s++) {
		if (!out)
			continue;
		if (n + 1 < out_size)
			out[n++] = *s;
		else
			*cut = true;
	}
	if (out && out_size)
		out[n] = '\0';
	return *s == '"' ? s + 1 : NULL;
}

int sarafw_ulstfile_name(const char *line, size_t index, char *out, size_t out_size)
{
	const char *s = after_prefix(line, "+ULSTFILE");
	if (out_size)
		out[0] = '\0';
	for (size_t i = 0;; i++) {
		bool cut;
		s = quoted(skip_spaces(s), i == index && out_size ? out : NULL, out_size, &cut);
		if (!s)
			return SARAFW_EPROTO; /* no such name, or no closing quote */
		if (i == index)
			return cut ? SARAFW_ENOSPACE : SARAFW_OK;
		s = skip_spaces(s);
		if (*s != ',')
			return SARAFW_EPROTO;
		s++;
	}
}

int sarafw_ulstfile_size(const char *line, uint32_t *size)
{
	const char *s = number(after_prefix(line, "+ULSTFILE"), size);
	return s && *skip_spaces(s) == '\0' ? SARAFW_OK : SARAFW_EPROTO;
}

/* +URDFILE / +URDBLOCK: "<prefix> \"<name>\",<size>,\"" then the data. */
enum {
	R_START,  /* line ends before the answer (SARA-R4's bare "\n") */
	R_PREFIX, /* "+URD": matching the prefix */
	R_NAME,   /* inside the name's quotes */
	R_COMMA,  /* after the name's closing quote */
	R_SIZE,   /* digits */
	R_OPEN,   /* the data's opening quote */
	R_DATA,
	R_CLOSE,  /* the data's closing quote */
	R_OK,
	R_BAD,
};

void sarafw_rdfile_start(sarafw_rdfile *r, void (*data)(void *ctx, uint32_t offset, const uint8_t *bytes, size_t n),
			 void *ctx)
{
	memset(r, 0, sizeof *r);
	r->data = data;
	r->ctx = ctx;
}

size_t sarafw_rdfile_input(sarafw_rdfile *r, const uint8_t *in, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c = in[i];
		switch (r->state) {
		case R_START:
			if (c == '\r' || c == '\n') {
				i++;
				continue;
			}
			r->state = R_PREFIX;
			continue;
		case R_PREFIX:
			/* "+URDFILE: " or "+URDBLOCK: " up to the name's quote */
			i++;
			if (c == '"') {
				r->name[r->len] = '\0';
				if (!sarafw_str_eq(r->name, SARAFW_RDFILE_URDFILE) &&
				    !sarafw_str_eq(r->name, SARAFW_RDFILE_URDBLOCK)) {
					r->state = R_BAD;
					return i;
				}
				r->len = 0;
				r->state = R_NAME;
			} else if (r->len + 1u < sizeof r->name && c != '\r' && c != '\n') {
				r->name[r->len++] = (char)c;
			} else {
				r->state = R_BAD;
				return i;
			}
			continue;
		case R_NAME:
			i++;
			if (c == '"') {
				r->name[r->len] = '\0';
				r->state = R_COMMA;
			} else if (c == '\r' || c == '\n') {
				r->state = R_BAD;
				return i;
			} else if (r->len + 1u < sizeof r->name) {
				r->name[r->len++] = (char)c;
			}
			continue;
		case R_COMMA:
			i++;
			if (c != ',') {
				r->state = R_BAD;
				return i;
			}
			r->state = R_SIZE;
			r->len = 0;
			continue;
		case R_SIZE:
			i++;
			if (c >= '0' && c <= '9' && r->len < 10) {
				uint32_t d = (uint32_t)(c - '0');
				if (r->size > (UINT32_MAX - d) / 10u) {
					r->state = R_BAD;
					return i;
				}
				r->size = r->size * 10u + d;
				r->len++;
			} else if (c == ',' && r->len) {
				r->state = R_OPEN;
			} else {
				r->state = R_BAD;
				return i;
			}
			continue;
		case R_OPEN:
			i++;
			if (c != '"') {
				r->state = R_BAD;
				return i;
			}
			r->state = r->size ? R_DATA : R_CLOSE;
			continue;
		case R_DATA: {
			size_t take = n - i;
			if (take > r->size - r->got)
				take = r->size - r->got;
			if (r->data)
				r->data(r->ctx, r->got, in + i, take);
			r->got += (uint32_t)take;
			i += take;
			if (r->got == r->size)
				r->state = R_CLOSE;
			continue;
		}
		case R_CLOSE:
			i++;
			r->state = c == '"' ? R_OK : R_BAD;
			return i;
		default:
			return i;
		}
	}
	return i;
}

int sarafw_rdfile_status(const sarafw_rdfile *r)
{
	if (r->state == R_OK)
		return SARAFW_OK;
	return r->state == R_BAD ? SARAFW_EPROTO : SARAFW_RUNNING;
}

/* ---- The blocking file calls (sarafw/files.h) ---------------------------- */

int sarafw_file_name_check(const char *name)
{
	size_t n = 0;
	if (!name || sarafw_str_eq(name, ".") || sarafw_str_eq(name, ".."))
		return SARAFW_EINVAL;
	for (; name[n]; n++) {
		char c = name[n];
		if (c < 0x20 || c > 0x7e || c == '"' || c == '/' || c == '\\' || n >= SARAFW_FILE_NAME_MAX)
			return SARAFW_EINVAL;
	}
	return n ? SARAFW_OK : SARAFW_EINVAL;
}

/* cmd = start "name" [, n]: SARAFW_OK or SARAFW_EINVAL (the name). */
static int file_cmd(char *cmd, const char *start, const char *name)
{
	sarafw_cmdbuf b;
	if (sarafw_file_name_check(name))
		return SARAFW_EINVAL;
	sarafw_cmdbuf_init(&b, cmd, SARAFW_CMD_MAX);
	sarafw_cmdbuf_str(&b, start);
	sarafw_cmdbuf_quoted(&b, name);
	return b.overflow ? SARAFW_EINVAL : SARAFW_OK;
}

struct list_ctx {
	void (*fn)(void *ctx, const char *name);
	void *ctx;
	int rc;
	bool seen;
};

static void list_line(void *p, int argc, const char *const *argv, const char *line)
{
	struct list_ctx *l = p;
	char name[SARAFW_FILE_NAME_MAX + 1];
	const char *s;
	(void)argc, (void)argv;
	if (l->seen || !sarafw_str_starts(line, "+ULSTFILE"))
		return;
	l->seen = true;
	s = after_prefix(line, "+ULSTFILE");
	if (!*s)
		return; /* no files */
	for (;;) {
		bool cut;
		s = quoted(s, name, sizeof name, &cut);
		if (!s || !name[0]) {
			l->rc = SARAFW_EPROTO;
			return;
		}
		if (cut)
			l->rc = SARAFW_ENOSPACE;
		else
			l->fn(l->ctx, name);
		s = skip_spaces(s);
		if (!*s)
			return;
		if (*s != ',') {
			l->rc = SARAFW_EPROTO;
			return;
		}
		s = skip_spaces(s + 1);
	}
}

int sarafw_file_list(sarafw_dev *dev, void (*fn)(void *ctx, const char *name), void *ctx)
{
	struct list_ctx l = { .fn = fn, .ctx = ctx, .rc = SARAFW_OK, .seen = false };
	int rc;
	if (!dev || !fn)
		return SARAFW_EINVAL;
	/* AT-FACTS: =0 lists every user file */
	rc = sarafw_cmd(dev, "AT+ULSTFILE=0", "+ULSTFILE", SARAFW_ANSWER_MS, list_line, &l);
	if (rc)
		return rc;
	/* a line too long for the line buffer is dropped: no list at all */
	return l.seen ? l.rc : SARAFW_EPROTO;
}

int sarafw_file_size(sarafw_dev *dev, const char *name, uint32_t *size)
{
	char cmd[SARAFW_CMD_MAX], out[16];
	int rc;
	if (!dev || !size)
		return SARAFW_EINVAL;
	rc = file_cmd(cmd, "AT+ULSTFILE=2,", name);
	if (rc)
		return rc;
	rc = sarafw_cmd_get(dev, cmd, "+ULSTFILE", SARAFW_ANSWER_MS, out, sizeof out);
	if (rc)
		return rc == SARAFW_ENOSPACE ? SARAFW_EPROTO : rc;
	return sarafw_ulstfile_size(out, size);
}

int sarafw_file_delete(sarafw_dev *dev, const char *name)
{
	char cmd[SARAFW_CMD_MAX];
	int rc;
	if (!dev)
		return SARAFW_EINVAL;
	rc = file_cmd(cmd, "AT+UDELFILE=", name);
	return rc ? rc : sarafw_cmd(dev, cmd, NULL, SARAFW_ANSWER_MS, NULL, NULL);
}

/* One AT+URDBLOCK answer being read. */
struct block {
	sarafw_rdfile r;
	sarafw_file_sink sink;
	void *ctx;
	uint32_t offset; /* of the block in the file */
	uint32_t want;   /* bytes asked for */
	int rc;          /* the sink's error, or SARAFW_EPROTO: a header that is not the block asked for */
};

static void block_data(void *p, uint32_t off, const uint8_t *bytes, size_t n)
{
	struct block *k = p;
	if (k->r.size != k->want)
		k->rc = SARAFW_EPROTO; /* never hand out bytes that were not asked for */
	if (k->rc == SARAFW_OK) {
		int rc = k->sink(k->ctx, k->offset + off, bytes, n);
		if (rc < 0)
			k->rc = rc;
	}
}

/* The header's name (kept up to sizeof r.name - 1 bytes) is name. */
static bool same_name(const char *kept, const char *name)
{
	size_t i = 0;
	for (; kept[i]; i++)
		if (kept[i] != name[i])
			return false;
	return !name[i] || i == sizeof ((sarafw_rdfile *)0)->name - 1;
}

static uint32_t dev_now(const sarafw_dev *dev)
{
	return dev->cfg.port->now_ms(dev->cfg.port->ctx);
}

/* Before the answer's header the module may send line ends, its echo or
 * URCs: a line is the answer only if it starts with "+URDBLOCK: "; any
 * other goes to the AT engine, which also sees the final result code. */
enum { B_LINE, B_PREFIX, B_OTHER, B_DATA };

static int read_block(sarafw_dev *dev, const char *name, uint32_t offset, uint32_t want, struct block *k)
{
	static const char prefix[] = SARAFW_RDFILE_URDBLOCK;
	const size_t plen = sizeof prefix - 1;
	char cmd[SARAFW_CMD_MAX];
	sarafw_cmdbuf b;
	sarafw_at_event ev;
	size_t have = 0;
	int st = B_LINE, rc;

	rc = file_cmd(cmd, "AT+URDBLOCK=", name);
	if (rc)
		return rc;
	sarafw_cmdbuf_init(&b, cmd + sarafw_str_len(cmd), SARAFW_CMD_MAX - sarafw_str_len(cmd));
	sarafw_cmdbuf_str(&b, ",");
	sarafw_cmdbuf_u32(&b, offset);
	sarafw_cmdbuf_str(&b, ",");
	sarafw_cmdbuf_u32(&b, want);
	if (b.overflow)
		return SARAFW_EINVAL;
	k->offset = offset;
	k->want = want;
	k->rc = SARAFW_OK;
	rc = sarafw_dev_send(dev, cmd, "+URDBLOCK", false, SARAFW_ANSWER_MS);
	if (rc)
		return rc;
	for (;;) {
		const uint8_t *p;
		uint32_t wait = sarafw_at_wait_ms(&dev->at, dev_now(dev));
		size_t i = 0;
		int n;
		if (wait == 0) {
			sarafw_at_end(&dev->at);
			return SARAFW_ETIMEOUT;
		}
		n = sarafw_dev_peek(dev, &p, wait);
		if (n < 0) {
			sarafw_at_end(&dev->at);
			return n;
		}
		if (n == 0)
			continue;
		/* a block at a slow rate takes a while: the bound is silence */
		sarafw_at_deadline(&dev->at, dev_now(dev), SARAFW_ANSWER_MS);
		while (i < (size_t)n && st != B_DATA + 1) {
			switch (st) {
			case B_LINE:
				if (p[i] == '\r' || p[i] == '\n') {
					i++;
					break;
				}
				have = 0;
				st = B_PREFIX;
				break;
			case B_PREFIX:
				if ((char)p[i] == prefix[have]) {
					i++;
					if (++have == plen) {
						sarafw_rdfile_start(&k->r, block_data, k);
						sarafw_rdfile_input(&k->r, (const uint8_t *)prefix, plen);
						st = B_DATA;
					}
					break;
				}
				/* another line: the AT engine gets what matched so far too */
				if (have)
					sarafw_dev_parse(dev, (const uint8_t *)prefix, have, &ev);
				st = B_OTHER;
				break;
			case B_OTHER:
				i += sarafw_dev_parse(dev, p + i, (size_t)n - i, &ev);
				if (ev.type == SARAFW_AT_EV_FINAL) {
					sarafw_dev_consume(dev, i);
					sarafw_at_end(&dev->at);
					rc = sarafw_dev_final(dev, &ev);
					return rc ? rc : SARAFW_EPROTO; /* OK without the data */
				}
				if (ev.type != SARAFW_AT_EV_NONE)
					st = B_LINE; /* echo, a URC, a stray line */
				break;
			case B_DATA:
				i += sarafw_rdfile_input(&k->r, p + i, (size_t)n - i);
				if (sarafw_rdfile_status(&k->r) != SARAFW_RUNNING)
					st = B_DATA + 1;
				break;
			}
		}
		sarafw_dev_consume(dev, i);
		if (st == B_DATA + 1)
			break;
	}
	/* "\r\nOK\r\n" is the AT engine's */
	rc = sarafw_dev_result(dev, SARAFW_ANSWER_MS, NULL, NULL);
	if (sarafw_rdfile_status(&k->r) != SARAFW_OK || k->r.size != want || !same_name(k->r.name, name))
		return rc == SARAFW_EIO ? rc : SARAFW_EPROTO;
	return rc ? rc : k->rc;
}

int sarafw_file_read(sarafw_dev *dev, const char *name, uint32_t offset, uint32_t size,
		     sarafw_file_sink sink, void *ctx)
{
	struct block k;
	if (!dev || !sink || sarafw_file_name_check(name) || size > UINT32_MAX - offset)
		return SARAFW_EINVAL;
	k.sink = sink;
	k.ctx = ctx;
	while (size) {
		uint32_t n = size < SARAFW_FILE_BLOCK ? size : SARAFW_FILE_BLOCK;
		int rc = read_block(dev, name, offset, n, &k);
		if (rc)
			return rc;
		offset += n;
		size -= n;
	}
	return SARAFW_OK;
}
