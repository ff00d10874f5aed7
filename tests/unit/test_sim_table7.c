/* sarafw-sim's note §7 Table 7 (sim/download.c) against every case of
 * tests/table7.vectors, the file the library's guard is tested with too:
 * a case the two sides decide differently fails one of the two tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "atcmd.h"
#include "download.h"

#ifndef TABLE7_VECTORS
#error "TABLE7_VECTORS: path of tests/table7.vectors (tests/CMakeLists.txt)"
#endif

static bool method_of(const char *name, enum sim_download *out)
{
	for (int d = SIM_DL_NONE + 1; d < SIM_DL_COUNT; d++) {
		if (strcmp(sim_download_name((enum sim_download)d), name) == 0) {
			*out = (enum sim_download)d;
			return true;
		}
	}
	return false;
}

static char *skip_blanks(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The next blank-separated field; NULL if none. */
static char *field(char **p)
{
	char *s = skip_blanks(*p), *e = s;
	if (!*s)
		return NULL;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

static void every_vector_holds(void **state)
{
	FILE *f = fopen(TABLE7_VECTORS, "r");
	char line[512];
	int lineno = 0, cases = 0, failures = 0, lwm2m_cases = 0;
	bool seen[SIM_DL_COUNT] = {false};
	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		char *p = line, *method, *verdict, *cmd;
		enum sim_download d;
		bool want, got;
		size_t n = strlen(line);
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		p = skip_blanks(line);
		if (*p == '\0' || *p == '#')
			continue;
		method = field(&p);
		verdict = field(&p);
		cmd = skip_blanks(p);
		if (!method || !verdict || !*cmd || !method_of(method, &d) ||
		    (strcmp(verdict, "forbid") != 0 && strcmp(verdict, "allow") != 0)) {
			print_error("table7.vectors:%d: cannot read this line\n", lineno);
			failures++;
			continue;
		}
		want = strcmp(verdict, "forbid") == 0;
		if (strcmp(cmd, "<lwm2m>") == 0) {
			got = !sim_download_lwm2m_allowed(d);
			lwm2m_cases++;
		} else {
			struct sim_at_req req;
			char buf[512];
			snprintf(buf, sizeof buf, "%s", cmd);
			if (sim_at_parse(buf, &req) != SIM_PARSE_OK) {
				print_error("table7.vectors:%d: %s does not parse\n", lineno, cmd);
				failures++;
				continue;
			}
			got = sim_download_forbids(d, &req);
		}
		seen[d] = true;
		cases++;
		if (got != want) {
			print_error("table7.vectors:%d: %s during %s: vector says %s, sarafw-sim %s\n",
				    lineno, cmd, method, want ? "forbid" : "allow",
				    got ? "forbids" : "allows");
			failures++;
		}
	}
	fclose(f);
	assert_int_equal(failures, 0);
	assert_true(cases >= 80);
	assert_true(lwm2m_cases >= 6);
	for (int i = SIM_DL_NONE + 1; i < SIM_DL_COUNT; i++)
		assert_true(seen[i]); /* every method has cases */
}

/* Nothing is forbidden while no download runs, and the LwM2M client may
 * start one. */
static void nothing_active(void **state)
{
	static const char *const lines[] = {
		"AT+UFWUPD=3", "AT+UFTPC=100,\"fw.bin\"", "AT+UDWNFILE=\"\",1000,\"FOAT\"",
		"AT+USODL=0",  "AT+UHTTPC=0,100,\"/fw\"",  "AT+URDFILE=\"notes.txt\"",
	};
	(void)state;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct sim_at_req req;
		char buf[80];
		snprintf(buf, sizeof buf, "%s", lines[i]);
		assert_int_equal(sim_at_parse(buf, &req), SIM_PARSE_OK);
		assert_false(sim_download_forbids(SIM_DL_NONE, &req));
	}
	assert_true(sim_download_lwm2m_allowed(SIM_DL_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_vector_holds),
		cmocka_unit_test(nothing_active),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
