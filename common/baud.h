/* Line rates: the one table of the rates the host programs know, with
 * their termios speed constants, and which of them a SARA-R4 runs at. */
#ifndef SARAFW_COMMON_BAUD_H
#define SARAFW_COMMON_BAUD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct baud_rate {
	uint32_t bps;
	unsigned speed; /* termios B<bps> */
	bool module;    /* AT+IPR takes it on some SARA-R4 */
} baud_rate;

/* In ascending order of bps. */
extern const baud_rate baud_rates[];
extern const size_t baud_count;

/* The termios constant for bps, or 0 if the table has no such rate. */
unsigned baud_speed(uint32_t bps);

/* The rate of a termios constant, or 0 if the table has no such speed. */
uint32_t baud_bps(unsigned speed);

/* True if bps is a rate a SARA-R4 can run its AT port at. */
bool baud_is_module(uint32_t bps);

/* Parse a rate as typed by a person ("921600"): decimal digits only.
 * Returns the rate, or 0 for anything else (empty, sign, junk, too big). */
uint32_t baud_parse(const char *s);

/* The module rates as text for a message: "9600, 19200, ... or 3000000".
 * Always NUL-terminated (truncated if cap is small); returns out. */
char *baud_module_list(char *out, size_t cap);

#endif
