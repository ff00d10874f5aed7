/* Fuzz target for the AT engine: the input is cut into chunks whose sizes
 * come from the input itself, every line event is checked and its copy
 * split, and the engine's buffer is guarded by canaries. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/at.h"
#include "sarafw/error.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)
#define CANARY 0xA5
#define N_CANARY 8
#define MAX_BUF (16 + 63)

static const sarafw_urc urcs[] = {
	{ "+UFOTASTAT:", NULL },
	{ "+CEREG:", NULL },
	{ "+UUFWINSTALL:", NULL },
	{ "+", NULL },
};

static void check_split(const sarafw_at_event *ev)
{
	char line[MAX_BUF + 1];
	char *argv[8 + 2];
	int n;

	memcpy(line, ev->line, ev->len + 1);
	argv[0] = argv[9] = NULL;
	n = sarafw_at_split(line, argv + 1, 8);
	CHECK(n == SARAFW_ENOSPACE || n == SARAFW_EPROTO || (n >= 0 && n <= 8));
	CHECK(argv[0] == NULL && argv[9] == NULL);
	for (int i = 0; i < n; i++) {
		long v;
		CHECK(argv[1 + i] >= line && argv[1 + i] <= line + ev->len);
		CHECK(argv[1 + i] + strlen(argv[1 + i]) <= line + ev->len);
		(void)sarafw_at_int(argv[1 + i], &v);
	}
}

static void check_event(const sarafw_at *at, const char *mem, size_t buf_size,
			const sarafw_at_event *ev, size_t consumed, size_t avail)
{
	CHECK(consumed <= avail);
	CHECK(ev->line != NULL);
	CHECK(at->len < buf_size);
	if (ev->type == SARAFW_AT_EV_NONE) {
		CHECK(consumed == avail);
		CHECK(ev->len == 0 && ev->line[0] == '\0');
		return;
	}
	CHECK(consumed > 0);
	CHECK(ev->type != SARAFW_AT_EV_TIMEOUT);
	/* The line and its NUL lie within the buffer; len is its strlen. */
	CHECK(ev->line >= mem && ev->line + ev->len < mem + buf_size);
	CHECK(memchr(ev->line, '\0', (size_t)(mem + buf_size - ev->line)) == ev->line + ev->len);
	CHECK(ev->len > 0); /* empty lines are skipped */
	if (ev->type == SARAFW_AT_EV_FINAL)
		CHECK(ev->final != SARAFW_AT_FINAL_NONE);
	else
		CHECK(ev->final == SARAFW_AT_FINAL_NONE && ev->code == -1 && ev->text == NULL);
	if (ev->text)
		CHECK(ev->text >= ev->line && ev->text <= ev->line + ev->len);
	if (ev->type == SARAFW_AT_EV_URC) {
		CHECK(ev->urc >= 0 && (size_t)ev->urc < sizeof urcs / sizeof urcs[0]);
		CHECK(strncmp(ev->line, urcs[ev->urc].prefix, strlen(urcs[ev->urc].prefix)) == 0);
	}
	if (ev->type == SARAFW_AT_EV_PROMPT)
		CHECK(ev->len == 1 && ev->line[0] == '>');
	/* Split arguments lie in the buffer, after the line, terminated. */
	CHECK(ev->argc <= SARAFW_AT_ARGS_MAX);
	if (ev->type != SARAFW_AT_EV_RESPONSE && ev->type != SARAFW_AT_EV_URC &&
	    ev->type != SARAFW_AT_EV_STRAY)
		CHECK(ev->argc == 0);
	for (int i = 0; i < ev->argc; i++) {
		CHECK(ev->argv[i] > ev->line + ev->len && ev->argv[i] < mem + buf_size);
		CHECK(memchr(ev->argv[i], '\0', (size_t)(mem + buf_size - ev->argv[i])) != NULL);
	}
	check_split(ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char mem[MAX_BUF + N_CANARY];
	sarafw_at at;
	sarafw_at_config cfg;
	sarafw_at_event ev;
	uint32_t seed, now = 0;
	size_t pos = 1;

	if (size < 1)
		return 0;
	memset(mem, CANARY, sizeof mem);
	cfg.buf = mem;
	cfg.buf_size = 16 + data[0] % 64;
	cfg.urcs = urcs;
	cfg.n_urcs = sizeof urcs / sizeof urcs[0];
	CHECK(sarafw_at_init(&at, &cfg) == SARAFW_OK);
	seed = data[0] * 2654435761u;
	while (pos < size) {
		size_t chunk, off = 0;

		seed = seed * 1103515245u + 12345u + data[pos];
		chunk = 1 + (seed >> 16) % 37;
		if (chunk > size - pos)
			chunk = size - pos;
		/* Now and then a command starts or ends, or time passes. */
		switch ((seed >> 8) & 15) {
		case 0:
			sarafw_at_begin(&at, "AT+UFWUPD=3", "+UFWUPD:", false, now, 50);
			break;
		case 1:
			sarafw_at_begin(&at, "AT+UDWNFILE=\"f\",3", NULL, true, now, 0);
			break;
		case 2:
			sarafw_at_end(&at);
			break;
		default:
			break;
		}
		now += (seed >> 24) & 63;
		sarafw_at_tick(&at, now, &ev);
		CHECK(ev.line != NULL && ev.len == 0);
		CHECK(ev.type == SARAFW_AT_EV_NONE || ev.type == SARAFW_AT_EV_TIMEOUT);
		while (off < chunk) {
			size_t n = sarafw_at_parse(&at, data + pos + off, chunk - off, &ev);
			check_event(&at, mem, cfg.buf_size, &ev, n, chunk - off);
			off += n;
		}
		for (size_t i = cfg.buf_size; i < cfg.buf_size + N_CANARY; i++)
			CHECK((uint8_t)mem[i] == CANARY);
		pos += chunk;
	}
	return 0;
}
