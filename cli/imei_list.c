/* The IMEI list of sarafw campaign create (imei_list.h). */
#include <string.h>

#include "imei_list.h"

static int is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',';
}

long imei_list_parse(const char *text, size_t len, imei_list_fn fn, void *ctx, unsigned *line)
{
	long n = 0;
	unsigned ln = 1;
	size_t i = 0;
	while (i < len) {
		char c = text[i];
		if (c == '\n') {
			ln++, i++;
		} else if (is_sep(c)) {
			i++;
		} else if (c == '#') {
			while (i < len && text[i] != '\n')
				i++;
		} else {
			size_t w = i;
			while (i < len && !is_sep(text[i]) && text[i] != '#')
				i++;
			char imei[IMEI_LIST_LEN + 1];
			if (i - w != IMEI_LIST_LEN) {
				*line = ln;
				return -1;
			}
			for (size_t k = 0; k < IMEI_LIST_LEN; k++) {
				if (text[w + k] < '0' || text[w + k] > '9') {
					*line = ln;
					return -1;
				}
				imei[k] = text[w + k];
			}
			imei[IMEI_LIST_LEN] = 0;
			fn(ctx, imei);
			n++;
		}
	}
	return n;
}
