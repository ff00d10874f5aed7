/* Building AT command lines in a fixed buffer. */
#include <string.h>

#include "sarafw/cmdbuf.h"

void sarafw_cmdbuf_init(sarafw_cmdbuf *b, char *buf, size_t size)
{
	b->buf = buf;
	b->size = size;
	b->len = 0;
	b->overflow = size == 0;
	if (size)
		buf[0] = '\0';
}

static void put(sarafw_cmdbuf *b, char c)
{
	if (b->len + 1 >= b->size) {
		b->overflow = true;
		return;
	}
	b->buf[b->len++] = c;
	b->buf[b->len] = '\0';
}

void sarafw_cmdbuf_str(sarafw_cmdbuf *b, const char *s)
{
	while (*s)
		put(b, *s++);
}

void sarafw_cmdbuf_u32(sarafw_cmdbuf *b, uint32_t v)
{
	char digits[10];
	int n = 0;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put(b, digits[--n]);
}

void sarafw_cmdbuf_quoted(sarafw_cmdbuf *b, const char *s)
{
	put(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			b->overflow = true;
		else
			put(b, *s);
	}
	put(b, '"');
}
