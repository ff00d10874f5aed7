/* Blobs (delta.h): bytes read by offset from RAM or from a file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytes.h"
#include "delta.h"

static long mem_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	const blob_mem *m = ctx;
	if (off >= m->size)
		return 0;
	if (n > m->size - off)
		n = (size_t)(m->size - off);
	memcpy(buf, m->data + off, n);
	return (long)n;
}

void blob_from_mem(blob *b, blob_mem *m, const void *data, size_t size)
{
	m->data = data;
	m->size = size;
	*b = (blob){ .read = mem_read, .ctx = m, .size = size };
}

static long fd_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	int fd = *(int *)ctx;
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long)got;
}

int blob_from_fd(blob *b, int *fd)
{
	struct stat st;
	if (fstat(*fd, &st) < 0 || st.st_size < 0)
		return -1;
	*b = (blob){ .read = fd_read, .ctx = fd, .size = (uint64_t)st.st_size };
	return 0;
}

void bytes_put(bytes *b, const void *data, size_t n)
{
	if (b->oom || n == 0) /* memcpy takes no NULL, even for 0 bytes */
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}
