/* Binary deltas, bsdiff-class: a suffix array of the old image
 * (libdivsufsort) finds long approximate matches; the delta is a control
 * stream of (add, copy, seek) triples, a diff stream of byte differences
 * over the matches and an extra stream of new bytes, each compressed on
 * its own (raw LZMA2). docs/package-format.md gives the byte format.
 *
 * Creating needs both images in RAM (a host tool). Applying streams:
 * the old image is read by offset, the new one written in order, and
 * memory stays below DELTA_APPLY_MEM whatever the sizes. */
#ifndef SARAFW_COMMON_DELTA_H
#define SARAFW_COMMON_DELTA_H

#include <stddef.h>
#include <stdint.h>

#define DELTA_MAGIC "SFWDELTA"
#define DELTA_HEADER_SIZE 56
/* the largest image either side of a delta: the SARA-R4 FOAT file is
 * 8 MiB (note §6.1.4), with room to spare */
#define DELTA_MAX_IMAGE (64u << 20)

/* Read up to n bytes at off into buf: returns how many (short only at
 * the end of the data), or -1 on an I/O error. */
typedef long (*blob_read_fn)(void *ctx, uint64_t off, void *buf, size_t n);

/* Bytes that can be read by offset: a file, a buffer, a flash region. */
typedef struct blob {
	blob_read_fn read;
	void *ctx;
	uint64_t size;
} blob;

/* Write n bytes in order: 0, or -1 on failure. */
typedef int (*blob_write_fn)(void *ctx, const void *buf, size_t n);

/* A blob over a buffer in RAM (ctx is the blob_mem). */
typedef struct blob_mem {
	const uint8_t *data;
	size_t size;
} blob_mem;
void blob_from_mem(blob *b, blob_mem *m, const void *data, size_t size);

/* A blob over an open file descriptor (read with pread; size from fstat).
 * ctx points at fd, which must outlive the blob. Returns 0 or -1. */
int blob_from_fd(blob *b, int *fd);

enum delta_error {
	DELTA_OK = 0,
	DELTA_ECORRUPT = -1, /* not a delta, bad lengths, bad compressed data */
	DELTA_EVERSION = -2, /* a codec or header version this build does not know */
	DELTA_ESOURCE = -3,  /* the old image is shorter than the delta reads */
	DELTA_EREAD = -4,    /* reading the delta or the old image failed */
	DELTA_EWRITE = -5,   /* the writer failed */
	DELTA_ENOMEM = -6,
	DELTA_ESIZE = -7,    /* the result is not the size the delta says */
};

/* Create the delta from old to new into *out (malloc'd; the caller frees
 * it), *out_len its length. old may be empty (old_len 0): a full image.
 * Returns DELTA_OK or DELTA_ENOMEM. */
int delta_create(const uint8_t *old, size_t old_len, const uint8_t *new_img, size_t new_len,
		 uint8_t **out, size_t *out_len);

/* The new image's size as the delta's header gives it. Returns DELTA_OK,
 * DELTA_ECORRUPT, DELTA_EVERSION or DELTA_EREAD. */
int delta_info(const blob *delta, uint64_t *new_len);

/* Apply delta to old, writing the new image to write(wctx, ...) in order.
 * Memory: at most DELTA_APPLY_MEM bytes, allocated here and freed before
 * returning. Returns a delta_error. */
#define DELTA_APPLY_MEM (2u << 20) /* three 512 KiB LZMA2 dictionaries and buffers */
int delta_apply(const blob *delta, const blob *old, blob_write_fn write, void *wctx);

/* A short English reason for a delta_error. */
const char *delta_strerror(int err);

#endif
