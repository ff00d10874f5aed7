/* The answers of the module's file commands (AT-FACTS.md "Files") and of
 * AT+UMNOPROF=? (note §2.6.6): line parsers, and one byte parser for
 * +URDFILE / +URDBLOCK, whose data is raw bytes, not a line. */
#include <string.h>

#include "sarafw/error.h"
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

int sarafw_ulstfile_name(const char *line, size_t index, char *out, size_t out_size)
{
	const char *s = after_prefix(line, "+ULSTFILE");
	size_t i = 0;
	if (out_size)
		out[0] = '\0';
	for (;;) {
		size_t n = 0;
		s = skip_spaces(s);
		if (*s != '"')
			return SARAFW_EPROTO;
		s++;
		while (*s && *s != '"') {
			if (i == index && out_size) {
				if (n + 1 >= out_size) {
					out[n] = '\0';
					return SARAFW_ENOSPACE;
				}
				out[n++] = *s;
			}
			s++;
		}
		if (*s != '"')
			return SARAFW_EPROTO; /* no closing quote */
		if (i == index) {
			if (out_size)
				out[n] = '\0';
			return SARAFW_OK;
		}
		s = skip_spaces(s + 1);
		if (*s != ',')
			return SARAFW_EPROTO;
		s++;
		i++;
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
