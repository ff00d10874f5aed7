/* Binary deltas (delta.h): bsdiff 4.3's matching (Colin Percival, "Naive
 * differences of executable code", 2003) over a suffix array from
 * libdivsufsort, with varint control records and zstd in place of bzip2.
 *
 * Compression, chosen by measurement on the bench pairs (bench/RESULTS.md),
 * each stream compressed alone; bytes of ctrl+diff+extra:
 *                 zstd -19   zstd -22   xz -9e   raw LZMA2 -9e   bzip2 -9
 *   tracker         3300       3297      3408        3237          3825
 *   app -Os          740        728       896         731           888
 *   app -O2         1126       1095      1248        1079          1265
 *   insertion       3062       3062      3260        3096          3563
 * zstd: smaller than xz's container everywhere, within 2% of raw LZMA2
 * (which has no integrity check of its own and whose presets are not a
 * stable format), the fastest decoder, one library. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <divsufsort.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "delta.h"

#define DELTA_VERSION 1
#define CODEC_ZSTD 1
/* zstd's window: the decoder holds one per stream, so 3 of these bound
 * the memory of applying (DELTA_APPLY_MEM) */
#define WINDOW_LOG 19
#define ZSTD_LEVEL 22 /* --ultra: a few % smaller than 19 on the bench pairs */
#define CHUNK 4096
#define VARINT_MAX 10

/* ---- little-endian and varints ---- */

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

typedef struct buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
} buf;

static void buf_put(buf *b, const void *data, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
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

static void put_uvarint(buf *b, uint64_t v)
{
	uint8_t t[VARINT_MAX];
	size_t n = 0;
	do {
		t[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			t[n] |= 0x80;
		n++;
	} while (v);
	buf_put(b, t, n);
}

/* zigzag: small negative seeks stay short */
static void put_svarint(buf *b, int64_t v)
{
	put_uvarint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

/* ---- creating ---- */

static size_t matchlen(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	size_t i, n = an < bn ? an : bn;
	for (i = 0; i < n && a[i] == b[i]; i++)
		;
	return i;
}

/* The longest match of nw in old, by binary search of the suffix array
 * (bsdiff's search(), without its recursion). */
static size_t search(const saidx_t *sa, const uint8_t *old, size_t old_len, const uint8_t *nw,
		     size_t nw_len, size_t *pos)
{
	size_t st = 0, en = old_len - 1;
	while (en - st >= 2) {
		size_t x = st + (en - st) / 2, o = (size_t)sa[x];
		size_t n = old_len - o < nw_len ? old_len - o : nw_len;
		if (memcmp(old + o, nw, n) < 0)
			st = x;
		else
			en = x;
	}
	size_t x = matchlen(old + sa[st], old_len - (size_t)sa[st], nw, nw_len);
	size_t y = matchlen(old + sa[en], old_len - (size_t)sa[en], nw, nw_len);
	*pos = (size_t)(x > y ? sa[st] : sa[en]);
	return x > y ? x : y;
}

typedef struct triple {
	uint64_t add, copy;
	int64_t seek;
} triple;

typedef struct streams {
	buf ctrl, diff, extra;
	triple last;
	bool have_last;
} streams;

static void emit_ctrl(buf *ctrl, const triple *t)
{
	put_uvarint(ctrl, t->add);
	put_uvarint(ctrl, t->copy);
	put_svarint(ctrl, t->seek);
}

/* A triple that makes no bytes only moves the old position: fold it into
 * the one before, so that every triple but the first makes progress (the
 * applier relies on it to bound its work). */
static void add_triple(streams *s, triple t)
{
	if (s->have_last && t.add == 0 && t.copy == 0) {
		s->last.seek += t.seek;
		return;
	}
	if (s->have_last)
		emit_ctrl(&s->ctrl, &s->last);
	s->last = t;
	s->have_last = true;
}

/* bsdiff 4.3's main loop, in size_t; see its bsdiff.c for the reasoning
 * behind the scores (8: a match must beat the current alignment by more
 * than 8 bytes to start a new triple). */
static int make_streams(const uint8_t *old, size_t old_len, const uint8_t *nw, size_t nw_len,
			streams *s)
{
	memset(s, 0, sizeof *s);
	if (old_len == 0) {
		if (nw_len) {
			add_triple(s, (triple){ .copy = nw_len });
			buf_put(&s->extra, nw, nw_len);
		}
	} else {
		saidx_t *sa = malloc(old_len * sizeof *sa);
		if (!sa || divsufsort(old, sa, (saidx_t)old_len) != 0) {
			free(sa);
			return DELTA_ENOMEM;
		}
		size_t scan = 0, len = 0, pos = 0, last_scan = 0, last_pos = 0;
		int64_t last_offset = 0;
		uint8_t *db = malloc(nw_len + 1);
		if (!db) {
			free(sa);
			return DELTA_ENOMEM;
		}
		while (scan < nw_len) {
			int64_t old_score = 0;
			size_t scsc;
			for (scsc = scan += len; scan < nw_len; scan++) {
				len = search(sa, old, old_len, nw + scan, nw_len - scan, &pos);
				for (; scsc < scan + len; scsc++)
					if ((int64_t)scsc + last_offset < (int64_t)old_len &&
					    old[(int64_t)scsc + last_offset] == nw[scsc])
						old_score++;
				if (((int64_t)len == old_score && len != 0) || (int64_t)len > old_score + 8)
					break;
				if ((int64_t)scan + last_offset < (int64_t)old_len &&
				    old[(int64_t)scan + last_offset] == nw[scan])
					old_score--;
			}
			if ((int64_t)len == old_score && scan != nw_len)
				continue;
			/* forward extension of the last match */
			int64_t sc = 0, best_f = 0;
			size_t lenf = 0, i;
			for (i = 0; last_scan + i < scan && last_pos + i < old_len;) {
				if (old[last_pos + i] == nw[last_scan + i])
					sc++;
				i++;
				if (sc * 2 - (int64_t)i > best_f * 2 - (int64_t)lenf) {
					best_f = sc;
					lenf = i;
				}
			}
			/* backward extension of the new one */
			size_t lenb = 0;
			if (scan < nw_len) {
				int64_t best_b = 0;
				sc = 0;
				for (i = 1; scan >= last_scan + i && pos >= i; i++) {
					if (old[pos - i] == nw[scan - i])
						sc++;
					if (sc * 2 - (int64_t)i > best_b * 2 - (int64_t)lenb) {
						best_b = sc;
						lenb = i;
					}
				}
			}
			/* where they overlap, split at the best point */
			if (last_scan + lenf > scan - lenb) {
				size_t overlap = (last_scan + lenf) - (scan - lenb), lens = 0;
				int64_t best_s = 0;
				sc = 0;
				for (i = 0; i < overlap; i++) {
					if (nw[last_scan + lenf - overlap + i] == old[last_pos + lenf - overlap + i])
						sc++;
					if (nw[scan - lenb + i] == old[pos - lenb + i])
						sc--;
					if (sc > best_s) {
						best_s = sc;
						lens = i + 1;
					}
				}
				lenf += lens - overlap;
				lenb -= lens;
			}
			for (i = 0; i < lenf; i++)
				db[i] = (uint8_t)(nw[last_scan + i] - old[last_pos + i]);
			size_t n_extra = (scan - lenb) - (last_scan + lenf);
			buf_put(&s->diff, db, lenf);
			buf_put(&s->extra, nw + last_scan + lenf, n_extra);
			add_triple(s, (triple){ .add = lenf, .copy = n_extra,
						.seek = (int64_t)(pos - lenb) - (int64_t)(last_pos + lenf) });
			last_scan = scan - lenb;
			last_pos = pos - lenb;
			last_offset = (int64_t)pos - (int64_t)scan;
		}
		free(sa), free(db);
	}
	if (s->have_last)
		emit_ctrl(&s->ctrl, &s->last);
	return s->ctrl.oom || s->diff.oom || s->extra.oom ? DELTA_ENOMEM : DELTA_OK;
}

/* One stream compressed onto out; an empty stream is stored as nothing. */
static int compress_stream(const buf *in, buf *out, uint64_t *clen)
{
	size_t before = out->len;
	*clen = 0;
	if (in->len == 0)
		return DELTA_OK;
	size_t cap = ZSTD_compressBound(in->len);
	uint8_t *tmp = malloc(cap);
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	if (!tmp || !cc) {
		free(tmp);
		ZSTD_freeCCtx(cc);
		return DELTA_ENOMEM;
	}
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, WINDOW_LOG);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 0); /* the package hashes the result */
	ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 1);
	size_t n = ZSTD_compress2(cc, tmp, cap, in->p, in->len);
	ZSTD_freeCCtx(cc);
	if (ZSTD_isError(n)) {
		free(tmp);
		return DELTA_ENOMEM;
	}
	buf_put(out, tmp, n);
	free(tmp);
	*clen = out->len - before;
	return out->oom ? DELTA_ENOMEM : DELTA_OK;
}

int delta_create(const uint8_t *old, size_t old_len, const uint8_t *new_img, size_t new_len,
		 uint8_t **out, size_t *out_len)
{
	streams s;
	buf o = { 0 };
	uint8_t h[DELTA_HEADER_SIZE] = { 0 };
	uint64_t cl[3];
	int rc;

	*out = NULL;
	*out_len = 0;
	if (old_len > DELTA_MAX_IMAGE || new_len > DELTA_MAX_IMAGE)
		return DELTA_ENOMEM;
	rc = make_streams(old, old_len, new_img, new_len, &s);
	buf_put(&o, h, sizeof h);
	if (!rc)
		rc = compress_stream(&s.ctrl, &o, &cl[0]);
	if (!rc)
		rc = compress_stream(&s.diff, &o, &cl[1]);
	if (!rc)
		rc = compress_stream(&s.extra, &o, &cl[2]);
	free(s.ctrl.p), free(s.diff.p), free(s.extra.p);
	if (rc || o.oom) {
		free(o.p);
		return DELTA_ENOMEM;
	}
	memcpy(o.p, DELTA_MAGIC, 8);
	o.p[8] = DELTA_VERSION;
	o.p[9] = CODEC_ZSTD;
	put64(o.p + 16, old_len);
	put64(o.p + 24, new_len);
	for (int i = 0; i < 3; i++)
		put64(o.p + 32 + 8 * i, cl[i]);
	*out = o.p;
	*out_len = o.len;
	return DELTA_OK;
}

/* ---- applying ---- */

typedef struct header {
	uint64_t old_len, new_len, clen[3];
} header;

static int read_header(const blob *d, header *h)
{
	uint8_t b[DELTA_HEADER_SIZE];
	if (d->size < DELTA_HEADER_SIZE)
		return DELTA_ECORRUPT;
	long r = d->read(d->ctx, 0, b, sizeof b);
	if (r < 0)
		return DELTA_EREAD;
	if (r != (long)sizeof b || memcmp(b, DELTA_MAGIC, 8) != 0)
		return DELTA_ECORRUPT;
	if (b[8] != DELTA_VERSION || b[9] != CODEC_ZSTD)
		return DELTA_EVERSION;
	for (int i = 10; i < 16; i++)
		if (b[i])
			return DELTA_ECORRUPT;
	h->old_len = get64(b + 16);
	h->new_len = get64(b + 24);
	uint64_t total = DELTA_HEADER_SIZE;
	for (int i = 0; i < 3; i++) {
		h->clen[i] = get64(b + 32 + 8 * i);
		if (h->clen[i] > d->size) /* keeps the sum below from wrapping */
			return DELTA_ECORRUPT;
		total += h->clen[i];
	}
	if (h->old_len > DELTA_MAX_IMAGE || h->new_len > DELTA_MAX_IMAGE || total != d->size)
		return DELTA_ECORRUPT;
	return DELTA_OK;
}

int delta_info(const blob *delta, uint64_t *new_len)
{
	header h;
	int rc = read_header(delta, &h);
	if (!rc)
		*new_len = h.new_len;
	return rc;
}

/* One compressed stream being read: its bytes [off, end) of the delta. */
typedef struct zin {
	const blob *d;
	uint64_t off, end;
	ZSTD_DStream *ds;
	ZSTD_inBuffer ib;
	bool frame_done, empty;
	int err;
	uint8_t in[CHUNK];
} zin;

static int zin_open(zin *z, const blob *d, uint64_t off, uint64_t len)
{
	memset(z, 0, sizeof *z);
	z->d = d;
	z->off = off;
	z->end = off + len;
	z->ib.src = z->in;
	z->empty = len == 0;
	if (z->empty)
		return DELTA_OK;
	z->ds = ZSTD_createDStream();
	if (!z->ds)
		return DELTA_ENOMEM;
	ZSTD_DCtx_setParameter(z->ds, ZSTD_d_windowLogMax, WINDOW_LOG);
	return DELTA_OK;
}

static void zin_close(zin *z)
{
	ZSTD_freeDStream(z->ds);
	z->ds = NULL;
}

/* Up to n bytes; fewer only at the end of the stream. -1: see z->err. */
static long zin_read(zin *z, uint8_t *out, size_t n)
{
	ZSTD_outBuffer ob = { .dst = out, .size = n };
	if (z->empty)
		return 0;
	while (ob.pos < n && !z->frame_done) {
		if (z->ib.pos == z->ib.size && z->off < z->end) {
			size_t want = z->end - z->off < CHUNK ? (size_t)(z->end - z->off) : CHUNK;
			long r = z->d->read(z->d->ctx, z->off, z->in, want);
			if (r != (long)want) {
				z->err = r < 0 ? DELTA_EREAD : DELTA_ECORRUPT;
				return -1;
			}
			z->off += want;
			z->ib.size = want;
			z->ib.pos = 0;
		}
		size_t before_in = z->ib.pos, before_out = ob.pos;
		size_t ret = ZSTD_decompressStream(z->ds, &ob, &z->ib);
		if (ZSTD_isError(ret)) {
			ZSTD_ErrorCode e = ZSTD_getErrorCode(ret);
			/* a window above ours: another tool's choice, not damage */
			z->err = e == ZSTD_error_frameParameter_windowTooLarge ? DELTA_EVERSION
				 : e == ZSTD_error_memory_allocation	      ? DELTA_ENOMEM
									      : DELTA_ECORRUPT;
			return -1;
		}
		if (ret == 0)
			z->frame_done = true;
		else if (z->ib.pos == before_in && ob.pos == before_out && z->off == z->end &&
			 z->ib.pos == z->ib.size) {
			z->err = DELTA_ECORRUPT; /* the stream stops mid-frame */
			return -1;
		}
	}
	return (long)ob.pos;
}

/* Exactly n bytes, or an error. */
static int zin_need(zin *z, uint8_t *out, size_t n)
{
	long r = zin_read(z, out, n);
	if (r < 0)
		return z->err;
	return (size_t)r == n ? DELTA_OK : DELTA_ECORRUPT;
}

/* The stream must end here: one frame, nothing after it. */
static int zin_finish(zin *z)
{
	uint8_t extra;
	if (z->empty)
		return DELTA_OK;
	long r = zin_read(z, &extra, 1);
	if (r < 0)
		return z->err;
	if (r != 0 || z->ib.pos != z->ib.size || z->off != z->end)
		return DELTA_ECORRUPT;
	return DELTA_OK;
}

/* The control stream, read a few bytes at a time. */
typedef struct ctrl_in {
	zin z;
	uint8_t b[256];
	size_t pos, len;
} ctrl_in;

static int get_uvarint(ctrl_in *c, uint64_t *v)
{
	*v = 0;
	for (int i = 0; i < VARINT_MAX; i++) {
		if (c->pos == c->len) {
			long r = zin_read(&c->z, c->b, sizeof c->b);
			if (r < 0)
				return c->z.err;
			if (r == 0)
				return DELTA_ECORRUPT;
			c->pos = 0;
			c->len = (size_t)r;
		}
		uint8_t b = c->b[c->pos++];
		if (i == VARINT_MAX - 1 && b > 1)
			return DELTA_ECORRUPT; /* more than 64 bits */
		*v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return DELTA_OK;
	}
	return DELTA_ECORRUPT;
}

typedef struct applier {
	ctrl_in ctrl;
	zin diff, extra;
	uint8_t a[CHUNK], b[CHUNK];
} applier;

int delta_apply(const blob *delta, const blob *old, blob_write_fn write, void *wctx)
{
	header h;
	int rc = read_header(delta, &h);
	if (rc)
		return rc;
	if (old->size < h.old_len)
		return DELTA_ESOURCE;
	applier *ap = calloc(1, sizeof *ap);
	if (!ap)
		return DELTA_ENOMEM;
	uint64_t at = DELTA_HEADER_SIZE;
	if (!(rc = zin_open(&ap->ctrl.z, delta, at, h.clen[0])) &&
	    !(rc = zin_open(&ap->diff, delta, at += h.clen[0], h.clen[1])))
		rc = zin_open(&ap->extra, delta, at += h.clen[1], h.clen[2]);

	uint64_t written = 0, old_pos = 0;
	for (bool first = true; !rc && written < h.new_len; first = false) {
		uint64_t add, copy, zz;
		if ((rc = get_uvarint(&ap->ctrl, &add)) || (rc = get_uvarint(&ap->ctrl, &copy)) ||
		    (rc = get_uvarint(&ap->ctrl, &zz)))
			break;
		int64_t seek = (int64_t)(zz >> 1) ^ -(int64_t)(zz & 1);
		rc = DELTA_ECORRUPT;
		/* every triple but the first makes bytes; none makes too many,
		 * none reads outside the old image */
		if ((!first && add == 0 && copy == 0) || add > h.new_len - written ||
		    copy > h.new_len - written - add || add > h.old_len - old_pos)
			break;
		rc = DELTA_OK;
		while (!rc && add) {
			size_t n = add < CHUNK ? (size_t)add : CHUNK;
			long r = old->read(old->ctx, old_pos, ap->a, n);
			if (r != (long)n) {
				rc = r < 0 ? DELTA_EREAD : DELTA_ESOURCE;
				break;
			}
			if ((rc = zin_need(&ap->diff, ap->b, n)))
				break;
			for (size_t i = 0; i < n; i++)
				ap->a[i] = (uint8_t)(ap->a[i] + ap->b[i]);
			if (write(wctx, ap->a, n) != 0)
				rc = DELTA_EWRITE;
			add -= n, old_pos += n, written += n;
		}
		while (!rc && copy) {
			size_t n = copy < CHUNK ? (size_t)copy : CHUNK;
			if ((rc = zin_need(&ap->extra, ap->a, n)))
				break;
			if (write(wctx, ap->a, n) != 0)
				rc = DELTA_EWRITE;
			copy -= n, written += n;
		}
		if (rc)
			break;
		/* the next match starts inside the old image (or at its end) */
		if ((seek < 0 && (uint64_t)(-(seek + 1)) + 1 > old_pos) ||
		    (seek > 0 && (uint64_t)seek > h.old_len - old_pos)) {
			rc = DELTA_ECORRUPT;
			break;
		}
		old_pos = seek < 0 ? old_pos - ((uint64_t)(-(seek + 1)) + 1) : old_pos + (uint64_t)seek;
	}
	if (!rc && (ap->ctrl.pos != ap->ctrl.len))
		rc = DELTA_ECORRUPT; /* control records after the last byte */
	if (!rc)
		rc = zin_finish(&ap->ctrl.z);
	if (!rc)
		rc = zin_finish(&ap->diff);
	if (!rc)
		rc = zin_finish(&ap->extra);
	zin_close(&ap->ctrl.z);
	zin_close(&ap->diff);
	zin_close(&ap->extra);
	free(ap);
	return rc;
}

const char *delta_strerror(int err)
{
	switch (err) {
	case DELTA_OK:
		return "ok";
	case DELTA_ECORRUPT:
		return "the delta is corrupted";
	case DELTA_EVERSION:
		return "the delta's version or compression is not supported";
	case DELTA_ESOURCE:
		return "the source image is shorter than the delta needs";
	case DELTA_EREAD:
		return "reading failed";
	case DELTA_EWRITE:
		return "writing the result failed";
	case DELTA_ENOMEM:
		return "out of memory";
	case DELTA_ESIZE:
		return "the result is not the size the delta says";
	}
	return "unknown error";
}
