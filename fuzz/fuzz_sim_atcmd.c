/* Fuzz target: sarafw-sim's module-side AT line assembler and command
 * parser fed arbitrary bytes. Every argument must lie inside the line
 * buffer and be NUL-terminated; counts must stay in bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atcmd.h"

/* not CHECK(): it must hold in release builds too */
#define CHECK(x) ((x) ? (void)0 : abort())

static struct sim_atline line;

static void check(const char *buf, const struct sim_at_req *req)
{
	size_t len = SIM_AT_LINE_MAX + 1;
	CHECK(req->argc >= 0 && req->argc <= SIM_AT_ARGS_MAX);
	CHECK(memchr(req->name, '\0', sizeof req->name));
	for (int i = 0; i < req->argc; i++) {
		const struct sim_at_arg *a = &req->argv[i];
		if (a->type != SIM_ARG_STR)
			continue;
		CHECK(a->str >= buf && a->str + a->len < buf + len);
		CHECK(a->str[a->len] == '\0');
		CHECK(strlen(a->str) == a->len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sim_atline_reset(&line);
	for (size_t i = 0; i < size; i++) {
		enum sim_atline_ev ev = sim_atline_feed(&line, data[i]);
		CHECK(line.len <= SIM_AT_LINE_MAX);
		if (ev == SIM_LINE_READY) {
			struct sim_at_req req;
			CHECK(strlen(line.buf) <= SIM_AT_LINE_MAX);
			if (sim_at_parse(line.buf, &req) == SIM_PARSE_OK)
				check(line.buf, &req);
		}
	}
	/* the parser also takes a line without the assembler's filtering */
	if (size <= SIM_AT_LINE_MAX) {
		static char buf[SIM_AT_LINE_MAX + 1];
		struct sim_at_req req;
		memcpy(buf, data, size);
		buf[size] = '\0';
		if (sim_at_parse(buf, &req) == SIM_PARSE_OK)
			check(buf, &req);
	}
	return 0;
}
