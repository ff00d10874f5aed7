/* The radio rates of a download by the module itself (FTP, HTTP), shared
 * by sarafw-sim (the pace of its downloads) and sarafw (the expected time
 * it shows on the SARA-R422 family, which reports no progress). note
 * Table 3: 6 MB in up to 10 min on LTE Cat M1, 100 min on NB1; GSM is
 * not in the table (docs/behaviour.md: an EGPRS-class 40 kbit/s). */
#ifndef SARAFW_COMMON_RAT_H
#define SARAFW_COMMON_RAT_H

#include <stdint.h>

enum rat { RAT_M1, RAT_NB1, RAT_GSM, RAT_N };

/* "m1", "nb1" or "gsm" into *rat: 0, or -1 for another name. */
int rat_parse(const char *s, enum rat *rat);
/* The rate in bit/s of module time. */
uint64_t rat_bps(enum rat rat);
/* Its option name ("m1") and its name for people ("LTE Cat M1"). */
const char *rat_option(enum rat rat);
const char *rat_name(enum rat rat);

#endif
