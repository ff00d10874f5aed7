/* A scripted module behind a sarafw_port, for the unit tests that drive
 * the blocking calls (test_dev.c, test_net.c): each command the host
 * writes is checked against the script and answered with its reply; reads
 * hand the answers out in chunks of `chunk` bytes on a fake clock.
 * Include after <cmocka.h>. */
#ifndef SARAFW_TESTS_SCRIPTED_PORT_H
#define SARAFW_TESTS_SCRIPTED_PORT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
	const char *cmd;   /* expected command, or NULL for "anything" */
	const char *reply; /* bytes the module answers with; NULL: silence */
} step;

typedef struct {
	const step *script;
	size_t n, next;
	char cmd[300];
	size_t cmd_len;
	char out[2048]; /* queued module output */
	size_t out_len, out_pos;
	uint32_t clock;
	size_t chunk; /* bytes per read */
	int writes;
	const char *garbage; /* answer every command with this if set */
	size_t late;         /* step number (from 1) whose answer comes late */
	const char *held;    /* that answer, released by the host's next command */
} fake;

static void queue(fake *f, const char *bytes)
{
	size_t r = strlen(bytes);
	assert_true(f->out_len + r < sizeof f->out);
	memcpy(f->out + f->out_len, bytes, r);
	f->out_len += r;
}

static int f_write(void *ctx, const uint8_t *buf, size_t len)
{
	fake *f = ctx;
	f->writes++;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\r') {
			if (f->cmd_len < sizeof f->cmd - 1)
				f->cmd[f->cmd_len++] = (char)buf[i];
			continue;
		}
		f->cmd[f->cmd_len] = '\0';
		f->cmd_len = 0;
		const char *reply = f->garbage;
		if (f->held) {
			queue(f, f->held);
			f->held = NULL;
		}
		if (!reply && f->next < f->n) {
			const step *s = &f->script[f->next++];
			if (s->cmd)
				assert_string_equal(f->cmd, s->cmd);
			reply = s->reply;
			if (f->late == f->next) {
				f->held = reply;
				reply = NULL;
			}
		}
		if (reply)
			queue(f, reply);
	}
	return (int)len;
}

static int f_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms)
{
	fake *f = ctx;
	size_t n = f->out_len - f->out_pos;
	if (!n) {
		f->clock += timeout_ms; /* nothing comes: the whole wait passes */
		return 0;
	}
	if (n > f->chunk)
		n = f->chunk;
	if (n > len)
		n = len;
	memcpy(buf, f->out + f->out_pos, n);
	f->out_pos += n;
	f->clock += 1;
	return (int)n;
}

static uint32_t f_now(void *ctx)
{
	return ((fake *)ctx)->clock;
}

#endif
