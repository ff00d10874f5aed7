/* The download guard against note §7, Table 7: every case of the shared
 * vector file (tests/table7.vectors, also read by the simulator's tests),
 * then the matcher's near misses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"

#ifndef TABLE7_VECTORS
#error "TABLE7_VECTORS (the path of tests/table7.vectors) comes from tests/CMakeLists.txt"
#endif

static const struct {
	const char *name;
	sarafw_download method;
} methods[] = {
	{ "lwm2m", SARAFW_DL_LWM2M }, { "ftp", SARAFW_DL_FTP },   { "ufwupd", SARAFW_DL_UFWUPD },
	{ "udwnfile", SARAFW_DL_UDWNFILE }, { "http", SARAFW_DL_HTTP }, { "file", SARAFW_DL_FILE },
};

/* Splits "<method> <verdict> <command>" in place; false if malformed. */
static bool parse(char *line, sarafw_download *method, bool *forbid, const char **cmd)
{
	char *p = line, *word[2];
	for (int i = 0; i < 2; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		word[i] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (!*p)
			return false;
		*p++ = '\0';
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return false;
	*cmd = p;
	size_t i;
	for (i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (strcmp(word[0], methods[i].name) == 0)
			break;
	if (i == sizeof methods / sizeof methods[0])
		return false;
	*method = methods[i].method;
	if (strcmp(word[1], "forbid") == 0)
		*forbid = true;
	else if (strcmp(word[1], "allow") == 0)
		*forbid = false;
	else
		return false;
	return true;
}

static void test_table7_vectors(void **state)
{
	(void)state;
	FILE *f = fopen(TABLE7_VECTORS, "r");
	char line[512];
	int lineno = 0, cases = 0, wrong = 0;
	bool lwm2m_seen = false;
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		sarafw_download method = SARAFW_DL_NONE;
		bool forbid = false;
		const char *cmd = "";
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		size_t n = strlen(line);
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		if (line[strspn(line, " \t")] == '\0' || line[strspn(line, " \t")] == '#')
			continue;
		char copy[512];
		strcpy(copy, line);
		if (!parse(line, &method, &forbid, &cmd))
		{
			fail_msg("%s:%d: cannot read \"%s\"", TABLE7_VECTORS, lineno, copy);
			continue;
		}
		cases++;
		bool refused;
		if (strcmp(cmd, "<lwm2m>") == 0) {
			refused = !sarafw_guard_lwm2m_allowed(method);
			lwm2m_seen = true;
		} else {
			refused = sarafw_guard_check(method, cmd) == SARAFW_EBUSY;
			/* a refusal names its Table 7 row */
			assert_true(refused == (sarafw_guard_note(method, cmd) != NULL));
		}
		if (refused != forbid) {
			print_error("%s:%d: %s: the guard %s it\n", TABLE7_VECTORS, lineno, copy,
				    refused ? "forbids" : "allows");
			wrong++;
		}
	}
	fclose(f);
	assert_true(cases > 50);
	assert_true(lwm2m_seen);
	assert_int_equal(wrong, 0);
}

/* Cases of the matcher itself, not of Table 7. */
static void test_near_misses(void **state)
{
	(void)state;
	/* nothing active: nothing refused */
	assert_int_equal(sarafw_guard_check(SARAFW_DL_NONE, "AT+UFWUPD=3"), SARAFW_OK);
	assert_true(sarafw_guard_lwm2m_allowed(SARAFW_DL_NONE));
	assert_int_equal(sarafw_guard_check(SARAFW_DL_LWM2M, "AT+UFWUPD=30"), SARAFW_OK);
	assert_int_equal(sarafw_guard_check(SARAFW_DL_LWM2M, "AT+UFTPC=1000,\"x\""), SARAFW_OK);
	assert_int_equal(sarafw_guard_check(SARAFW_DL_LWM2M, "AT+UHTTPC=,100"), SARAFW_OK);
	assert_int_equal(sarafw_guard_check(SARAFW_DL_LWM2M, "AT+UHTTPC=12,1000"), SARAFW_OK);
	assert_int_equal(sarafw_guard_check(SARAFW_DL_LWM2M, "AT+UHTTPC=12,100"), SARAFW_EBUSY);
	assert_int_equal(sarafw_guard_check(SARAFW_DL_LWM2M, ""), SARAFW_OK);
	assert_int_equal(sarafw_guard_check(SARAFW_DL_UFWUPD, "AT"), SARAFW_OK);
	assert_int_equal(sarafw_guard_check(SARAFW_DL_FTP, NULL), SARAFW_OK);
	assert_int_equal(sarafw_guard_check(SARAFW_DL_FILE, "AT+UFWUPD=3"), SARAFW_OK);
	assert_non_null(strstr(sarafw_guard_note(SARAFW_DL_FTP, "AT+UFTPC=1"), "row 2"));
	assert_null(sarafw_guard_note(SARAFW_DL_FTP, "AT+UFTPC=100,\"fw.bin\",0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table7_vectors),
		cmocka_unit_test(test_near_misses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
