/* The library's string loops (lib/str.h): small, not fast. */
#include "str.h"

size_t sarafw_str_len(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

bool sarafw_str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

bool sarafw_str_starts(const char *s, const char *prefix)
{
	while (*prefix && *s == *prefix) {
		s++;
		prefix++;
	}
	return *prefix == '\0';
}

const char *sarafw_str_chr(const char *s, char c)
{
	for (; *s; s++)
		if (*s == c)
			return s;
	return NULL;
}

bool sarafw_str_has(const char *s, const char *needle)
{
	for (; *s; s++)
		if (sarafw_str_starts(s, needle))
			return true;
	return !*needle;
}
