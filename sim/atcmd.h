/* sarafw-sim: module-side AT command line parser (V.250 subset).
 *
 * Bytes are assembled into a fixed line buffer one at a time; CR ends a
 * line, LF and NUL are ignored, BS deletes (V.250 S5). A line longer than
 * SIM_AT_LINE_MAX is flagged and answered with an error once CR comes.
 * A complete line is parsed in place into one request: a basic command
 * (ATE1, ATI9: letter + number) or an extended one (AT+NAME, =args, ?, =?).
 * Arguments point into the line buffer; nothing is copied or allocated. */
#ifndef SIM_ATCMD_H
#define SIM_ATCMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef SIM_AT_LINE_MAX
#define SIM_AT_LINE_MAX 1024
#endif
#ifndef SIM_AT_ARGS_MAX
#define SIM_AT_ARGS_MAX 16
#endif

struct sim_atline {
	char buf[SIM_AT_LINE_MAX + 1];
	size_t len;
	bool overflow;
};

enum sim_atline_ev { SIM_LINE_NONE, SIM_LINE_READY, SIM_LINE_TOO_LONG };

void sim_atline_reset(struct sim_atline *l);
/* Feeds one byte. READY: l->buf holds the line (NUL-terminated, without
 * CR) until the next feed. TOO_LONG: the line was dropped. */
enum sim_atline_ev sim_atline_feed(struct sim_atline *l, uint8_t c);

enum sim_at_type {
	SIM_AT_ACTION, /* AT+CGMI, ATI9, ATE0 */
	SIM_AT_SET,    /* AT+X=... */
	SIM_AT_READ,   /* AT+X? */
	SIM_AT_TEST,   /* AT+X=? */
};

/* Sets of request forms (command rows, Table 7 patterns). */
#define SIM_FORM(type) (1u << (type))
#define SIM_FORM_ACTION SIM_FORM(SIM_AT_ACTION)
#define SIM_FORM_SET SIM_FORM(SIM_AT_SET)
#define SIM_FORM_READ SIM_FORM(SIM_AT_READ)
#define SIM_FORM_TEST SIM_FORM(SIM_AT_TEST)
#define SIM_FORM_ANY (SIM_FORM_ACTION | SIM_FORM_SET | SIM_FORM_READ | SIM_FORM_TEST)

enum sim_arg_type { SIM_ARG_EMPTY, SIM_ARG_NUM, SIM_ARG_STR };

struct sim_at_arg {
	enum sim_arg_type type;
	long num;        /* SIM_ARG_NUM */
	const char *str; /* SIM_ARG_STR: NUL-terminated, quotes removed */
	size_t len;
};

struct sim_at_req {
	char name[16]; /* upper case: "+CGMI", "E", "I", "" for bare AT */
	enum sim_at_type type;
	long basic_num; /* basic commands: the number, -1 if none */
	int argc;
	struct sim_at_arg argv[SIM_AT_ARGS_MAX];
};

enum sim_at_parse_rc {
	SIM_PARSE_OK = 0,
	SIM_PARSE_NO_AT = 1, /* no "AT" prefix: V.250 says ignore the line */
	SIM_PARSE_SYNTAX = 2,
};

/* Parses line (modified in place: arguments are cut out of it). Text
 * before the first "AT"/"at" is skipped, as a DCE hunting for the prefix
 * does. */
enum sim_at_parse_rc sim_at_parse(char *line, struct sim_at_req *req);

#endif
