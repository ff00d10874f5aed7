/* Bytes for the package and delta formats (docs/package-format.md):
 * little-endian fields and a buffer that grows, shared by pkg.c and
 * delta.c. */
#ifndef SARAFW_COMMON_BYTES_H
#define SARAFW_COMMON_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* A buffer that grows as bytes are appended; oom once an allocation
 * failed (later appends do nothing). Free p when done. */
typedef struct bytes {
	uint8_t *p;
	size_t len, cap;
	bool oom;
} bytes;

void bytes_put(bytes *b, const void *data, size_t n);

#endif
