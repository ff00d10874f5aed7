/* sarafw-sim's core (sim/modem.c, modes.c, commands.c): where host input
 * goes in each mode, the answers command rows give from data, and the
 * features' separate state. Modes are forced: the boot timer (seconds of
 * module time at --time-scale 1) never fires during a test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <unistd.h>

#include <cmocka.h>

#include "commands.h"
#include "download.h"
#include "factory.h"
#include "feature.h"
#include "modem.h"

struct rig {
	char dir[64];
	struct sim_flash flash;
	struct sim_clock clock;
	struct sim_audit audit;
	struct sim_modem m;
	char out[4096]; /* what the module sent */
	size_t out_len;
};

static void io_write(void *ctx, const void *p, size_t n)
{
	struct rig *r = ctx;
	if (n > sizeof r->out - 1 - r->out_len)
		n = sizeof r->out - 1 - r->out_len;
	memcpy(r->out + r->out_len, p, n);
	r->out_len += n;
	r->out[r->out_len] = '\0';
}

static void io_set_baud(void *ctx, uint32_t baud)
{
	(void)ctx;
	(void)baud;
}

static struct rig *rig_new(const char *variant)
{
	struct rig *r = calloc(1, sizeof *r);
	const uint32_t seed = 7;
	char err[200];
	const struct sim_variant *v = sim_variant_find(variant);
	assert_non_null(r);
	assert_non_null(v);
	snprintf(r->dir, sizeof r->dir, "/tmp/sarafw-modem-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	assert_int_equal(sim_flash_open(&r->flash, r->dir), 0);
	assert_int_equal(sim_factory_prepare(&r->flash, v, &seed, err, sizeof err), 0);
	sim_clock_init(&r->clock, 1.0);
	r->audit.audit = tmpfile();
	assert_non_null(r->audit.audit);
	{
		struct sim_modem_config cfg = {.variant = v, .flash = &r->flash, .clock = &r->clock,
					       .audit = &r->audit,
					       .io = {io_write, io_set_baud, r}};
		assert_int_equal(sim_modem_init(&r->m, &cfg), 0);
	}
	return r;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rig_free(struct rig *r)
{
	fclose(r->audit.audit);
	nftw(r->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(r);
}

static void send(struct rig *r, const char *s)
{
	sim_modem_input(&r->m, (const uint8_t *)s, strlen(s));
}

static void clear_out(struct rig *r)
{
	r->out_len = 0;
	r->out[0] = '\0';
}

/* The audit file so far. */
static const char *audit_text(struct rig *r)
{
	static char buf[4096];
	size_t n;
	fflush(r->audit.audit);
	rewind(r->audit.audit);
	n = fread(buf, 1, sizeof buf - 1, r->audit.audit);
	buf[n] = '\0';
	fseek(r->audit.audit, 0, SEEK_END);
	return buf;
}

/* AT with echo off and numeric +CME errors. */
static struct rig *rig_at(const char *variant)
{
	struct rig *r = rig_new(variant);
	sim_modem_set_mode(&r->m, SIM_MODE_AT, NULL, NULL);
	send(r, "ATE0\r");
	send(r, "AT+CMEE=1\r");
	clear_out(r);
	return r;
}

static void booting_loses_input_and_audits_it(void **state)
{
	struct rig *r = rig_new("SARA-R410M-02B-03");
	(void)state;
	assert_int_equal(r->m.mode, SIM_MODE_BOOTING);
	send(r, "AT\r");
	send(r, "AT+CGMI\r");
	assert_int_equal(r->out_len, 0);
	assert_null(strstr(audit_text(r), "\"line\":\"AT\""));
	assert_non_null(strstr(audit_text(r), "\"event\":\"at_during_boot\",\"line\":\"AT+CGMI\""));
	assert_true(sim_modem_wants_input(&r->m));
	rig_free(r);
}

static void at_mode_runs_commands(void **state)
{
	struct rig *r = rig_new("SARA-R410M-02B-03");
	(void)state;
	sim_modem_set_mode(&r->m, SIM_MODE_AT, NULL, NULL);
	send(r, "AT+CGMI\r");
	assert_string_equal(r->out, "AT+CGMI\r\r\nu-blox\r\n\r\nOK\r\n");
	rig_free(r);
}

static void install_mode_has_no_at(void **state)
{
	struct rig *r = rig_at("SARA-R422");
	(void)state;
	sim_modem_set_mode(&r->m, SIM_MODE_INSTALL, NULL, NULL);
	send(r, "AT\r");
	send(r, "ATI9\r");
	assert_int_equal(r->out_len, 0);
	assert_non_null(strstr(audit_text(r), "\"event\":\"at_during_install\",\"line\":\"ATI9\""));
	assert_null(strstr(audit_text(r), "at_during_install\",\"line\":\"AT\""));
	/* no command row exists in install mode */
	{
		struct sim_at_req req;
		char line[] = "AT+CGMI";
		int result = SIM_OK;
		assert_int_equal(sim_at_parse(line, &req), SIM_PARSE_OK);
		assert_null(sim_command_find(&r->m, &req, &result));
		assert_int_equal(result, SIM_CME_UNKNOWN);
	}
	sim_modem_set_mode(&r->m, SIM_MODE_AT, NULL, NULL);
	send(r, "AT\r");
	assert_string_equal(r->out, "\r\nOK\r\n");
	rig_free(r);
}

/* A test engine: takes up to `room` bytes per call. */
struct sink {
	char got[256];
	size_t len, room;
};

static size_t sink_input(struct sim_modem *m, void *ctx, const uint8_t *p, size_t n)
{
	struct sink *s = ctx;
	(void)m;
	if (n > s->room)
		n = s->room;
	memcpy(s->got + s->len, p, n);
	s->len += n;
	s->got[s->len] = '\0';
	return n;
}

static const struct sim_input_engine sink_engine = {.input = sink_input};

static void raw_mode_feeds_the_engine_and_holds_what_it_refuses(void **state)
{
	struct rig *r = rig_at("SARA-R410M-02B-03");
	struct sink s = {.room = 4};
	(void)state;
	sim_modem_take_input(&r->m, &sink_engine, &s);
	assert_int_equal(r->m.mode, SIM_MODE_RAW);
	send(r, "AT+CGMI\r");
	assert_string_equal(s.got, "AT+CGMI\r");
	assert_int_equal(r->out_len, 0);
	/* a full engine: the rest waits and comes back 1 ms later */
	s.room = 0;
	send(r, "xyz");
	assert_false(sim_modem_wants_input(&r->m));
	assert_true(sim_modem_next_due(&r->m) <= sim_modem_now(&r->m) + 1);
	s.room = 100;
	sim_modem_tick(&r->m);
	assert_string_equal(s.got, "AT+CGMI\rxyz");
	assert_true(sim_modem_wants_input(&r->m));
	/* released: the AT parser has the line again */
	sim_modem_release_input(&r->m);
	assert_int_equal(r->m.mode, SIM_MODE_AT);
	send(r, "AT\r");
	assert_string_equal(r->out, "\r\nOK\r\n");
	rig_free(r);
}

static void flash_mode_speaks_no_at(void **state)
{
	struct rig *r = rig_at("SARA-R410M-02B-03");
	struct sink s = {.room = 100};
	(void)state;
	/* no bootloader protocol: the bytes are lost, silently */
	sim_modem_set_mode(&r->m, SIM_MODE_FLASH, NULL, NULL);
	send(r, "AT\r\x7e\x01");
	assert_int_equal(r->out_len, 0);
	assert_null(strstr(audit_text(r), "at_during"));
	assert_true(sim_modem_wants_input(&r->m));
	/* with one, it gets every byte */
	sim_modem_set_mode(&r->m, SIM_MODE_FLASH, &sink_engine, &s);
	send(r, "AT\r");
	assert_string_equal(s.got, "AT\r");
	assert_int_equal(r->out_len, 0);
	rig_free(r);
}

/* Answers from the command rows, before any handler. */
static void command_rows_answer_from_data(void **state)
{
	static const struct {
		const char *variant, *line, *answer;
	} cases[] = {
		/* note Table 2: legacy versions have no new +UFOTASTAT */
		{"SARA-R410M-02B-00", "AT+UFOTASTAT?", "\r\n+CME ERROR: 4\r\n"},
		{"SARA-R410M-02B-03", "AT+UFOTASTAT?", "\r\n+UFOTASTAT: 0\r\n\r\nOK\r\n"},
		{"SARA-R410M-63B", "AT+UFOTASTAT?", "\r\n+UFOTASTAT: 1\r\n\r\nOK\r\n"},
		/* note §6.3: no Backup & Restore on 63B */
		{"SARA-R410M-63B", "AT+UBKUPDATA?", "\r\n+CME ERROR: 4\r\n"},
		{"SARA-R410M-02B-03", "AT+UBKUPDATA=?", "\r\nOK\r\n"},
		/* forms the row does not take */
		{"SARA-R422", "AT+UFWUPD?", "\r\n+CME ERROR: 50\r\n"},
		{"SARA-R422", "AT+UFWUPD", "\r\n+CME ERROR: 50\r\n"},
		{"SARA-R422", "AT+UFWUPD=?", "\r\n+UFWUPD: (3)\r\n\r\nOK\r\n"},
		{"SARA-R422", "AT+CGMI?", "\r\n+CME ERROR: 50\r\n"},
		{"SARA-R422", "AT+CGMI=1", "\r\n+CME ERROR: 50\r\n"},
		{"SARA-R422", "AT+CGMI=?", "\r\nOK\r\n"},
		{"SARA-R422", "AT+CEREG", "\r\n+CME ERROR: 50\r\n"},
		{"SARA-R422", "AT+CFUN?", "\r\n+CFUN: 1\r\n\r\nOK\r\n"},
		{"SARA-R422", "AT+NOSUCH", "\r\n+CME ERROR: 100\r\n"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rig *r = rig_at(cases[i].variant);
		char line[80];
		snprintf(line, sizeof line, "%s\r", cases[i].line);
		send(r, line);
		if (strcmp(r->out, cases[i].answer) != 0)
			print_error("%s %s: %s\n", cases[i].variant, cases[i].line, r->out);
		assert_string_equal(r->out, cases[i].answer);
		rig_free(r);
	}
}

/* The download feature's check runs before any command (note §7). */
static void table7_checked_before_commands(void **state)
{
	struct rig *r = rig_at("SARA-R410M-02B-03");
	(void)state;
	sim_download_begin(&r->m, SIM_DL_FTP);
	send(r, "AT+URDFILE=\"notes.txt\"\r");
	assert_string_equal(r->out, "\r\n+CME ERROR: 1602\r\n");
	clear_out(r);
	send(r, "ATI9\r");
	assert_non_null(strstr(r->out, "OK"));
	sim_download_end(&r->m);
	clear_out(r);
	send(r, "AT+URDFILE=\"notes.txt\"\r");
	/* now the command itself runs: there is no such file */
	assert_string_equal(r->out, "\r\n+CME ERROR: 22\r\n");
	rig_free(r);
}

/* Each feature has its own state; two modems share none. */
static void feature_state_is_per_modem(void **state)
{
	struct rig *a = rig_at("SARA-R410M-63B"), *b = rig_at("SARA-R410M-63B");
	(void)state;
	for (size_t i = 0; sim_features[i]; i++) {
		void *sa = sim_feature_state(&a->m, sim_features[i]);
		if (!sim_features[i]->state_size) {
			assert_null(sa);
			continue;
		}
		assert_non_null(sa);
		assert_true((unsigned char *)sa >= a->m.state_mem);
		assert_true((unsigned char *)sa + sim_features[i]->state_size <=
			    a->m.state_mem + sizeof a->m.state_mem);
		assert_ptr_not_equal(sa, sim_feature_state(&b->m, sim_features[i]));
	}
	send(a, "AT+UFOTASTAT=0\r");
	clear_out(a);
	send(a, "AT+UFOTASTAT?\r");
	send(b, "AT+UFOTASTAT?\r");
	assert_string_equal(a->out, "\r\n+UFOTASTAT: 0\r\n\r\nOK\r\n");
	assert_string_equal(b->out, "\r\n+UFOTASTAT: 1\r\n\r\nOK\r\n");
	/* a reset: volatile state back to its boot value, in booting mode */
	sim_modem_reboot(&a->m);
	assert_int_equal(a->m.mode, SIM_MODE_BOOTING);
	sim_modem_set_mode(&a->m, SIM_MODE_AT, NULL, NULL);
	clear_out(a);
	send(a, "AT+UFOTASTAT?\r");
	assert_string_equal(a->out, "\r\n+UFOTASTAT: 1\r\n\r\nOK\r\n");
	rig_free(a);
	rig_free(b);
}

/* A URC that comes while the host types a line waits for the line's end:
 * the echo stays whole (docs/behaviour.md). */
static void urc_waits_for_the_typed_line(void **state)
{
	struct rig *r = rig_new("SARA-R410M-02B-03");
	(void)state;
	sim_modem_set_mode(&r->m, SIM_MODE_AT, NULL, NULL); /* echo on */
	send(r, "AT+CG");
	sim_modem_urc(&r->m, "+CEREG: 1");
	assert_string_equal(r->out, "AT+CG");
	send(r, "MI\r");
	assert_string_equal(r->out, "AT+CGMI\r\r\n+CEREG: 1\r\n\r\nu-blox\r\n\r\nOK\r\n");
	/* no line being typed: at once */
	clear_out(r);
	sim_modem_urc(&r->m, "+CEREG: 2");
	assert_string_equal(r->out, "\r\n+CEREG: 2\r\n");
	/* a line never finished holds it for a bounded time only */
	clear_out(r);
	send(r, "AT");
	sim_modem_urc(&r->m, "+CEREG: 1");
	assert_string_equal(r->out, "AT");
	r->clock.start_ns -= 1100000000ull; /* 1.1 s of module time pass (scale 1) */
	sim_modem_tick(&r->m);
	assert_string_equal(r->out, "AT\r\n+CEREG: 1\r\n");
	rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(booting_loses_input_and_audits_it),
		cmocka_unit_test(at_mode_runs_commands),
		cmocka_unit_test(urc_waits_for_the_typed_line),
		cmocka_unit_test(install_mode_has_no_at),
		cmocka_unit_test(raw_mode_feeds_the_engine_and_holds_what_it_refuses),
		cmocka_unit_test(flash_mode_speaks_no_at),
		cmocka_unit_test(command_rows_answer_from_data),
		cmocka_unit_test(table7_checked_before_commands),
		cmocka_unit_test(feature_state_is_per_modem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
