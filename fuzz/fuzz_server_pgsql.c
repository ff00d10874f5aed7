/* Fuzz target: PostgreSQL's form of a statement (db_pg_rewrite): '?'
 * outside quotes becomes $1, $2... The input is the statement; the output
 * must fit the buffer it was given, hold exactly the placeholders counted,
 * and be the input again once each $n is read back as '?'. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#define CHECK(x) ((x) ? (void)0 : (fprintf(stderr, "line %d\n", __LINE__), abort()))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[512], out[4096], back[512]; /* "$512" is 4 bytes: out always fits */
	if (size >= sizeof in)
		return 0;
	memcpy(in, data, size);
	in[size] = 0;
	size_t len = strlen(in);
	size_t cap = size ? (size_t)data[0] * 16 % sizeof out : sizeof out; /* small buffers too */
	memset(out, 'Z', sizeof out);
	int n = db_pg_rewrite(in, out, cap);
	if (n < 0) {
		/* refused only when it could not fit */
		char big[4096];
		int m = db_pg_rewrite(in, big, sizeof big);
		CHECK(m >= 0);
		CHECK(strlen(big) + 1 > cap);
		return 0;
	}
	CHECK(strlen(out) < cap);
	for (size_t i = strlen(out) + 1; i < sizeof out; i++)
		CHECK(out[i] == 'Z');
	/* an input that already holds a '$' does not read back */
	if (strchr(in, '$'))
		return 0;
	/* read back: outside quotes "$k" (k counting up from 1) was '?' */
	size_t o = 0;
	int k = 0;
	char quote = 0;
	for (const char *s = out; *s;) {
		if (!quote && *s == '$') {
			char want[16];
			int w = snprintf(want, sizeof want, "$%d", ++k);
			CHECK(!strncmp(s, want, (size_t)w));
			back[o++] = '?';
			s += w;
			continue;
		}
		if (quote && *s == quote)
			quote = 0;
		else if (!quote && (*s == '\'' || *s == '"'))
			quote = *s;
		CHECK(o < sizeof back - 1);
		back[o++] = *s++;
	}
	back[o] = 0;
	CHECK(k == n);
	CHECK(o == len && !strcmp(back, in));
	return 0;
}
