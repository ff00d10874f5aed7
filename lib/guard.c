/* The download guard (note §7, Table 7): only one download method may be
 * active at a time, and while one is, the commands Table 7 lists are
 * refused here. SARA-R422 modules do not refuse them themselves (§7), so
 * the host must. The guard is set once the method's own command has been
 * accepted, so it never refuses the command that starts the download.
 *
 * Table 7 is data: for each active method, the set of command patterns
 * it forbids and the set it allows in spite of a broader forbidding one
 * (two bit masks over the patterns); a command no pattern of either set
 * matches is allowed. No command matches two forbidding patterns of one
 * method, so the refusing pattern is one, and with the method it names
 * the note reference. Pattern syntax:
 *   "AT+UFWUPD=3"      the command word, then the end of the line or ','
 *                      ("AT+UFWUPD=30" does not match);
 *   "AT+URDFILE*"      '*' ends a prefix: any command that starts so;
 *   "AT+UDWNFILE*\"FOAT\""  text after '*' must also occur later in the
 *                      line, exactly (the tag is case-sensitive, §5.2.1.1);
 *   "AT+UHTTPC=#,100"  '#' stands for one or more digits;
 *   "<lwm2m>"          the LwM2M client starting a FOTA download.
 * The part before '*' (or the whole pattern) matches case-insensitively,
 * as the module reads command names. The test vectors are in
 * tests/table7.vectors. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"
#include "str.h"

/* The command patterns the rows use. */
enum guard_pattern {
	P_UFTPC_100,
	P_UFTPC_6,
	P_UFTPC_7,
	P_UFTPC_ANY,
	P_UFWUPD_3,
	P_UDWNFILE_FOAT,
	P_UDWNFILE_ANY,
	P_URDFILE_ANY,
	P_USODL_ANY,
	P_UHTTPC_100,
	P_LWM2M,
};

static const char *const patterns[] = {
	[P_UFTPC_100] = "AT+UFTPC=100",
	[P_UFTPC_6] = "AT+UFTPC=6",
	[P_UFTPC_7] = "AT+UFTPC=7",
	[P_UFTPC_ANY] = "AT+UFTPC=*",
	[P_UFWUPD_3] = "AT+UFWUPD=3",
	[P_UDWNFILE_FOAT] = "AT+UDWNFILE*\"FOAT\"",
	[P_UDWNFILE_ANY] = "AT+UDWNFILE*",
	[P_URDFILE_ANY] = "AT+URDFILE*",
	[P_USODL_ANY] = "AT+USODL*",
	[P_UHTTPC_100] = "AT+UHTTPC=#,100",
	[P_LWM2M] = "<lwm2m>",
};

/* What sarafw_guard_note() says of a refusing row (the texts are in
 * that function, so a program that never asks links none of them). */
enum guard_note {
	N_ROW1,
	N_ROW1_FOAT,
	N_ROW1_DL,
	N_ROW2,
	N_ROW2_UFTPC,
	N_ROW3,
	N_ROW3_DL,
	N_ROW4,
	N_ROW4_UDWNFILE,
	N_ROW4_DL,
	N_ROW5,
	N_DL_EVERY_ROW,
	N_ONE_METHOD,
};

/* Table 7 by active method: bit p of a mask stands for pattern p. */
typedef struct guard_rule {
	uint16_t forbid;
	uint16_t allow; /* exceptions to a broader forbidding pattern */
} guard_rule;

static const guard_rule table7[] = {
	[SARAFW_DL_LWM2M] = {
		.forbid = 1u << P_UFTPC_100 | 1u << P_UFWUPD_3 | 1u << P_UDWNFILE_FOAT | 1u << P_USODL_ANY |
			  1u << P_UFTPC_6 | 1u << P_UFTPC_7 | 1u << P_UHTTPC_100 | 1u << P_LWM2M,
	},
	/* Table 7 row 2: the download's own command (cancel, resume, §3.2) */
	[SARAFW_DL_FTP] = {
		.allow = 1u << P_UFTPC_100,
		.forbid = 1u << P_UFTPC_ANY | 1u << P_UFWUPD_3 | 1u << P_UDWNFILE_ANY | 1u << P_URDFILE_ANY |
			  1u << P_USODL_ANY | 1u << P_UHTTPC_100 | 1u << P_LWM2M,
	},
	[SARAFW_DL_UFWUPD] = {
		.forbid = 1u << P_UFTPC_100 | 1u << P_UDWNFILE_ANY | 1u << P_URDFILE_ANY | 1u << P_USODL_ANY |
			  1u << P_UFTPC_6 | 1u << P_UFTPC_7 | 1u << P_UHTTPC_100 | 1u << P_UFWUPD_3 |
			  1u << P_LWM2M,
	},
	[SARAFW_DL_UDWNFILE] = {
		.forbid = 1u << P_UFTPC_100 | 1u << P_UFWUPD_3 | 1u << P_UDWNFILE_ANY | 1u << P_URDFILE_ANY |
			  1u << P_USODL_ANY | 1u << P_UFTPC_6 | 1u << P_UFTPC_7 | 1u << P_UHTTPC_100 |
			  1u << P_LWM2M,
	},
	/* SARAFW_DL_FILE: nothing. Table 7 row 4: "When +UDWNFILE of regular
	 * file download in progress, FOTA download via LwM2M client operation
	 * will not be interfered." */
	[SARAFW_DL_HTTP] = {
		.forbid = 1u << P_UFTPC_100 | 1u << P_UFWUPD_3 | 1u << P_UDWNFILE_ANY | 1u << P_URDFILE_ANY |
			  1u << P_USODL_ANY | 1u << P_UFTPC_6 | 1u << P_UFTPC_7 | 1u << P_UHTTPC_100 |
			  1u << P_LWM2M,
	},
	[SARAFW_DL_FILE] = { 0 },
};

static char up(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool matches(const char *pat, const char *cmd)
{
	for (; *pat; pat++) {
		if (*pat == '*') {
			/* the rest, if any, must occur later in the line, exactly */
			return !pat[1] || sarafw_str_has(cmd, pat + 1);
		}
		if (*pat == '#') {
			if (!is_digit(*cmd))
				return false;
			while (is_digit(*cmd))
				cmd++;
			continue;
		}
		if (up(*cmd) != up(*pat))
			return false;
		cmd++;
	}
	/* a whole command word: nothing more, or its next parameter */
	return *cmd == '\0' || *cmd == ',';
}

/* The pattern of active's Table 7 rule that refuses cmd, or -1 when
 * cmd is allowed. */
static int refusing(sarafw_download active, const char *cmd)
{
	const guard_rule *r;
	int refused = -1;
	if (!cmd || (unsigned)active >= sizeof table7 / sizeof table7[0])
		return -1;
	r = &table7[active];
	for (int p = 0; p < (int)(sizeof patterns / sizeof patterns[0]); p++) {
		if (!((r->forbid | r->allow) >> p & 1u) || !matches(patterns[p], cmd))
			continue;
		if (r->allow >> p & 1u)
			return -1; /* an exception wins */
		if (refused < 0)
			refused = p;
	}
	return refused;
}

int sarafw_guard_check(sarafw_download active, const char *cmd)
{
	return refusing(active, cmd) < 0 ? SARAFW_OK : SARAFW_EBUSY;
}

const char *sarafw_guard_note(sarafw_download active, const char *cmd)
{
	/* fixed-width rows: their own section, linked only with this function */
	static const char notes[][57] = {
		[N_ROW1] = "Table 7 row 1",
		[N_ROW1_FOAT] = "Table 7 row 1: +UDWNFILE with FOAT tag will be blocked",
		[N_ROW1_DL] = "Table 7 row 1: Direct Link",
		[N_ROW2] = "Table 7 row 2",
		[N_ROW2_UFTPC] = "Table 7 row 2: all other +UFTPC commands are not allowed",
		[N_ROW3] = "Table 7 row 3",
		[N_ROW3_DL] = "Table 7 row 3: Direct Link",
		[N_ROW4] = "Table 7 row 4",
		[N_ROW4_UDWNFILE] = "Table 7 row 4: all +UDWNFILE commands will be blocked",
		[N_ROW4_DL] = "Table 7 row 4: Direct Link",
		[N_ROW5] = "Table 7 row 5",
		[N_DL_EVERY_ROW] = "Direct Link, blocked by every row",
		[N_ONE_METHOD] = "§7: one download method at a time",
	};
	/* the deciding row's reference, by method and pattern (every refusing
	 * pair of table7 has one) */
	static const uint8_t row_note[][P_LWM2M + 1] = {
		[SARAFW_DL_LWM2M] = {
			[P_UFTPC_100] = N_ROW1, [P_UFWUPD_3] = N_ROW1, [P_UDWNFILE_FOAT] = N_ROW1_FOAT,
			[P_USODL_ANY] = N_ROW1_DL, [P_UFTPC_6] = N_ROW1_DL, [P_UFTPC_7] = N_ROW1_DL,
			[P_UHTTPC_100] = N_ROW1, [P_LWM2M] = N_ONE_METHOD,
		},
		[SARAFW_DL_FTP] = {
			[P_UFTPC_ANY] = N_ROW2_UFTPC, [P_UFWUPD_3] = N_ROW2, [P_UDWNFILE_ANY] = N_ROW2,
			[P_URDFILE_ANY] = N_ROW2, [P_USODL_ANY] = N_ROW2, [P_UHTTPC_100] = N_ROW2,
			[P_LWM2M] = N_ROW2,
		},
		[SARAFW_DL_UFWUPD] = {
			[P_UFTPC_100] = N_ROW3, [P_UDWNFILE_ANY] = N_ROW3, [P_URDFILE_ANY] = N_ROW3,
			[P_USODL_ANY] = N_ROW3, [P_UFTPC_6] = N_ROW3_DL, [P_UFTPC_7] = N_ROW3_DL,
			[P_UHTTPC_100] = N_ROW3, [P_UFWUPD_3] = N_ONE_METHOD, [P_LWM2M] = N_ROW3,
		},
		[SARAFW_DL_UDWNFILE] = {
			[P_UFTPC_100] = N_ROW4, [P_UFWUPD_3] = N_ROW4, [P_UDWNFILE_ANY] = N_ROW4_UDWNFILE,
			[P_URDFILE_ANY] = N_ROW4, [P_USODL_ANY] = N_ROW4_DL, [P_UFTPC_6] = N_ROW4_DL,
			[P_UFTPC_7] = N_ROW4_DL, [P_UHTTPC_100] = N_ROW4, [P_LWM2M] = N_ROW4,
		},
		[SARAFW_DL_HTTP] = {
			[P_UFTPC_100] = N_ROW5, [P_UFWUPD_3] = N_ROW5, [P_UDWNFILE_ANY] = N_ROW5,
			[P_URDFILE_ANY] = N_ROW5, [P_USODL_ANY] = N_ROW5, [P_UFTPC_6] = N_DL_EVERY_ROW,
			[P_UFTPC_7] = N_DL_EVERY_ROW, [P_UHTTPC_100] = N_ONE_METHOD, [P_LWM2M] = N_ROW5,
		},
	};
	int p = refusing(active, cmd);
	return p < 0 ? NULL : notes[row_note[active][p]];
}

bool sarafw_guard_lwm2m_allowed(sarafw_download active)
{
	return sarafw_guard_check(active, "<lwm2m>") == SARAFW_OK;
}

void sarafw_guard_set(sarafw_dev *dev, sarafw_download method)
{
	dev->guard = method;
}
