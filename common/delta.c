/* Binary deltas (delta.h): bsdiff 4.3's matching (Colin Percival, "Naive
 * differences of executable code", 2003) over a suffix array from
 * libdivsufsort, with varint control records, a run-length diff stream
 * and raw LZMA2 in place of bzip2.
 *
 * Compression, chosen by measurement on the bench pairs (bench/RESULTS.md),
 * each of the three streams compressed alone; bytes of all three:
 *               zstd -19   zstd --ultra -22   xz -9e    raw LZMA2 -9e    bzip2 -9
 *               (512 KiB window / dictionary everywhere)  lc3 pb2 / lc2 pb0
 *   tracker        3316         3316           3484      3314 / 3259      3809
 *   app -Os         741          741            880       712 /  697       902
 *   app -O2        1088         1088           1220      1049 / 1027      1266
 *   insertion      3056         3056           3188      3028 / 3028      3569
 *   libc 5 MB     98211        98206          92096     91925 / 91431   102683
 * Raw LZMA2 (liblzma, xz's codec without the .xz container, whose ~48
 * bytes a stream cost more than the codec gains on small deltas) is the
 * smallest on every pair; lc=2 lp=0 pb=0 suits the control and diff
 * streams, which are not text. Its decoder also needs less memory than
 * zstd's for the same window: the dictionary and ~30 KiB. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <divsufsort.h>
#include <lzma.h>

#include "bytes.h"
#include "delta.h"

#define DELTA_VERSION 1
#define CODEC_LZMA2 1
/* LZMA2's dictionary: the decoder holds one per stream, so three of
 * these bound the memory of applying (DELTA_APPLY_MEM) */
#define DICT_SIZE (512u << 10)
#define CHUNK 4096
#define VARINT_MAX 10
/* The longest match one search looks for: every step of the binary
 * search compares up to this many bytes, so a long run of one byte
 * (erased flash, zeroed tables) costs no more than other data. A longer
 * match is found again in pieces, a few control bytes each. */
#define MATCH_MAX (64u << 10)

/* ---- little-endian and varints ---- */





static void put_uvarint(bytes *b, uint64_t v)
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
	bytes_put(b, t, n);
}

/* zigzag: small negative seeks stay short */
static void put_svarint(bytes *b, int64_t v)
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
 * (bsdiff's search(), without its recursion). Unlike bsdiff's, a suffix
 * that is a proper prefix of nw counts as smaller, as it sorts: bsdiff
 * steps left there and lands on the shortest suffixes of a run of one
 * byte, matching 1 or 2 bytes where the run offers thousands. */
static size_t search(const saidx_t *sa, const uint8_t *old, size_t old_len, const uint8_t *nw,
		     size_t nw_len, size_t *pos)
{
	size_t st = 0, en = old_len - 1;
	while (en - st >= 2) {
		size_t x = st + (en - st) / 2, o = (size_t)sa[x];
		size_t n = old_len - o < nw_len ? old_len - o : nw_len;
		int c = memcmp(old + o, nw, n);
		if (c < 0 || (c == 0 && old_len - o < nw_len))
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
	bytes ctrl, diff, extra;
	triple last;
	bool have_last;
} streams;

static void emit_ctrl(bytes *ctrl, const triple *t)
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

/* The diff stream is mostly zeros with short runs of differences (an
 * address that moved, a changed constant): written as (zeros, literals)
 * run pairs with the literal bytes inline, it compresses 14% smaller on
 * the 5 MB bench pair than the bytes as they are (zstd), and within 30
 * bytes on the small ones. */
static void run_length(bytes *d)
{
	bytes o = { 0 };
	for (size_t i = 0; i < d->len;) {
		size_t j = i, k;
		while (j < d->len && d->p[j] == 0)
			j++;
		for (k = j; k < d->len && d->p[k] != 0; k++)
			;
		put_uvarint(&o, j - i);
		put_uvarint(&o, k - j);
		bytes_put(&o, d->p + j, k - j);
		i = k;
	}
	o.oom |= d->oom;
	free(d->p);
	*d = o;
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
			bytes_put(&s->extra, nw, nw_len);
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
				len = search(sa, old, old_len, nw + scan,
					     nw_len - scan < MATCH_MAX ? nw_len - scan : MATCH_MAX, &pos);
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
			bytes_put(&s->diff, db, lenf);
			bytes_put(&s->extra, nw + last_scan + lenf, n_extra);
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
	run_length(&s->diff);
	return s->ctrl.oom || s->diff.oom || s->extra.oom ? DELTA_ENOMEM : DELTA_OK;
}

static void lzma2_filters(lzma_options_lzma *opt, lzma_filter f[2])
{
	lzma_lzma_preset(opt, 9 | LZMA_PRESET_EXTREME);
	opt->dict_size = DICT_SIZE;
	opt->lc = 2, opt->lp = 0, opt->pb = 0;
	f[0] = (lzma_filter){ .id = LZMA_FILTER_LZMA2, .options = opt };
	f[1] = (lzma_filter){ .id = LZMA_VLI_UNKNOWN };
}

/* One stream compressed onto out; an empty stream is stored as nothing. */
static int compress_stream(const bytes *in, bytes *out, uint64_t *clen)
{
	lzma_options_lzma opt;
	lzma_filter f[2];
	size_t pos = 0;
	*clen = 0;
	if (in->len == 0)
		return DELTA_OK;
	/* LZMA2 stores what it cannot compress in chunks of up to 64 KiB
	 * with a 3-byte header each */
	size_t cap = in->len + in->len / 1024 + 64;
	uint8_t *tmp = malloc(cap);
	if (!tmp)
		return DELTA_ENOMEM;
	lzma2_filters(&opt, f);
	if (lzma_raw_buffer_encode(f, NULL, in->p, in->len, tmp, &pos, cap) != LZMA_OK) {
		free(tmp);
		return DELTA_ENOMEM;
	}
	bytes_put(out, tmp, pos);
	free(tmp);
	*clen = pos;
	return out->oom ? DELTA_ENOMEM : DELTA_OK;
}

int delta_create(const uint8_t *old, size_t old_len, const uint8_t *new_img, size_t new_len,
		 uint8_t **out, size_t *out_len)
{
	streams s;
	bytes o = { 0 };
	uint8_t h[DELTA_HEADER_SIZE] = { 0 };
	uint64_t cl[3];
	int rc;

	*out = NULL;
	*out_len = 0;
	if (old_len > DELTA_MAX_IMAGE || new_len > DELTA_MAX_IMAGE)
		return DELTA_ENOMEM;
	rc = make_streams(old, old_len, new_img, new_len, &s);
	bytes_put(&o, h, sizeof h);
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
	o.p[9] = CODEC_LZMA2;
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
	if (b[8] != DELTA_VERSION || b[9] != CODEC_LZMA2)
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
	lzma_stream ls;
	bool open, frame_done, empty;
	int err;
	uint8_t in[CHUNK];
} zin;

static int zin_open(zin *z, const blob *d, uint64_t off, uint64_t len)
{
	lzma_options_lzma opt;
	lzma_filter f[2];
	memset(z, 0, sizeof *z);
	z->d = d;
	z->off = off;
	z->end = off + len;
	z->ls = (lzma_stream)LZMA_STREAM_INIT;
	z->empty = len == 0;
	if (z->empty)
		return DELTA_OK;
	lzma2_filters(&opt, f);
	lzma_ret r = lzma_raw_decoder(&z->ls, f);
	if (r != LZMA_OK)
		return r == LZMA_MEM_ERROR ? DELTA_ENOMEM : DELTA_ECORRUPT;
	z->open = true;
	return DELTA_OK;
}

static void zin_close(zin *z)
{
	if (z->open)
		lzma_end(&z->ls);
	z->open = false;
}

/* Up to n bytes; fewer only at the end of the stream. -1: see z->err. */
static long zin_read(zin *z, uint8_t *out, size_t n)
{
	if (z->empty)
		return 0;
	z->ls.next_out = out;
	z->ls.avail_out = n;
	while (z->ls.avail_out && !z->frame_done) {
		if (z->ls.avail_in == 0 && z->off < z->end) {
			size_t want = z->end - z->off < CHUNK ? (size_t)(z->end - z->off) : CHUNK;
			long r = z->d->read(z->d->ctx, z->off, z->in, want);
			if (r != (long)want) {
				z->err = r < 0 ? DELTA_EREAD : DELTA_ECORRUPT;
				return -1;
			}
			z->off += want;
			z->ls.next_in = z->in;
			z->ls.avail_in = want;
		}
		size_t before_in = z->ls.avail_in, before_out = z->ls.avail_out;
		lzma_ret r = lzma_code(&z->ls, LZMA_RUN);
		if (r == LZMA_STREAM_END) {
			z->frame_done = true;
		} else if (r == LZMA_MEM_ERROR) {
			z->err = DELTA_ENOMEM;
			return -1;
		} else if (r != LZMA_OK && r != LZMA_BUF_ERROR) {
			z->err = DELTA_ECORRUPT; /* bad data, or a distance beyond the dictionary */
			return -1;
		} else if (z->ls.avail_in == before_in && z->ls.avail_out == before_out && z->off == z->end) {
			z->err = DELTA_ECORRUPT; /* the stream stops before its end marker */
			return -1;
		}
	}
	return (long)(n - z->ls.avail_out);
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
	if (r != 0 || z->ls.avail_in != 0 || z->off != z->end)
		return DELTA_ECORRUPT;
	return DELTA_OK;
}

/* A stream read through a small buffer: varints and byte runs. */
typedef struct bin {
	zin z;
	uint8_t b[256];
	size_t pos, len;
} bin;

static int bin_fill(bin *c)
{
	long r = zin_read(&c->z, c->b, sizeof c->b);
	if (r < 0)
		return c->z.err;
	if (r == 0)
		return DELTA_ECORRUPT; /* the stream ends before the record */
	c->pos = 0;
	c->len = (size_t)r;
	return DELTA_OK;
}

static int get_uvarint(bin *c, uint64_t *v)
{
	int rc;
	*v = 0;
	for (int i = 0; i < VARINT_MAX; i++) {
		if (c->pos == c->len && (rc = bin_fill(c)))
			return rc;
		uint8_t b = c->b[c->pos++];
		if (i == VARINT_MAX - 1 && b > 1)
			return DELTA_ECORRUPT; /* more than 64 bits */
		*v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return DELTA_OK;
	}
	return DELTA_ECORRUPT;
}

/* Exactly n bytes: what the buffer holds, then straight from the stream. */
static int get_bytes(bin *c, uint8_t *out, size_t n)
{
	size_t k = c->len - c->pos < n ? c->len - c->pos : n;
	memcpy(out, c->b + c->pos, k);
	c->pos += k;
	return k == n ? DELTA_OK : zin_need(&c->z, out + k, n - k);
}

/* The stream must end here. */
static int bin_finish(bin *c)
{
	return c->pos != c->len ? DELTA_ECORRUPT : zin_finish(&c->z);
}

/* The diff stream: (zeros, literals) run pairs, each literal run's bytes
 * after its pair. */
typedef struct diff_in {
	bin in;
	uint64_t zeros, lits; /* left of the current pair */
} diff_in;

static int get_diff(diff_in *d, uint8_t *out, size_t n)
{
	int rc;
	while (n) {
		if (!d->zeros && !d->lits) {
			if ((rc = get_uvarint(&d->in, &d->zeros)) || (rc = get_uvarint(&d->in, &d->lits)))
				return rc;
			if ((!d->zeros && !d->lits) || d->zeros > DELTA_MAX_IMAGE || d->lits > DELTA_MAX_IMAGE)
				return DELTA_ECORRUPT;
		}
		size_t k;
		if (d->zeros) {
			k = d->zeros < n ? (size_t)d->zeros : n;
			memset(out, 0, k);
			d->zeros -= k;
		} else {
			k = d->lits < n ? (size_t)d->lits : n;
			if ((rc = get_bytes(&d->in, out, k)))
				return rc;
			d->lits -= k;
		}
		out += k, n -= k;
	}
	return DELTA_OK;
}

typedef struct applier {
	bin ctrl;
	diff_in diff;
	zin extra;
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
	    !(rc = zin_open(&ap->diff.in.z, delta, at += h.clen[0], h.clen[1])))
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
			if ((rc = get_diff(&ap->diff, ap->b, n)))
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
	/* nothing may follow: no control records after the last byte, no
	 * diff or extra bytes the control did not use */
	if (!rc)
		rc = bin_finish(&ap->ctrl);
	if (!rc && (ap->diff.zeros || ap->diff.lits))
		rc = DELTA_ECORRUPT;
	if (!rc)
		rc = bin_finish(&ap->diff.in);
	if (!rc)
		rc = zin_finish(&ap->extra);
	zin_close(&ap->ctrl.z);
	zin_close(&ap->diff.in.z);
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
