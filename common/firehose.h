/* Qualcomm Firehose documents: what a module in flash mode speaks once
 * Sahara (sahara.h) has loaded the programmer. Used by the simulator's
 * flash mode and by sarafw flash; never by lib/.
 *
 * Every command and every answer is one small XML document with one
 * element inside <data>, as linux-msm/qdl src/firehose.c writes and reads
 * them:
 *
 *   <?xml version="1.0" encoding="UTF-8" ?><data><program
 *     SECTOR_SIZE_IN_BYTES="512" num_partition_sectors="8"
 *     physical_partition_number="0" start_sector="0" label="modem" /></data>
 *
 * answered by <response value="ACK"/"NAK" [rawmode="true"]/> and any
 * number of <log value="..."/> documents before it. After the ACK with
 * rawmode="true" to <program> the host sends the sectors as raw bytes
 * (num_partition_sectors x SECTOR_SIZE_IN_BYTES), after one to <read> the
 * target does; then a final <response>.
 *
 * On a serial line nothing frames a document but its text, so a document
 * ends at "</data>" (qdl bounds a message the same way on stream
 * transports) and nothing may follow it before the next one but
 * whitespace: raw sector data begins with the byte after the '>' of
 * "</data>". fh_writer therefore writes nothing after "</data>".
 *
 * The parser takes the subset above: an optional <?xml ... ?> prolog and
 * comments, <data>, one element with attributes in double or single
 * quotes (the five named entities and &#N; / &#xN; decoded), empty
 * (<x .../>) or closed at once (<x ...></x>). Bounded: FH_DOC_MAX bytes a
 * document, FH_ATTR_MAX attributes; no allocation, no libxml. */
#ifndef SARAFW_COMMON_FIREHOSE_H
#define SARAFW_COMMON_FIREHOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FH_DOC_MAX 4096 /* the longest document, prolog included */
#define FH_ATTR_MAX 24
#define FH_TAG_MAX 32

/* Results (0 and positive: what happened; negative: errors). */
enum {
	FH_NEED = 0, /* fh_reader_feed: every byte used, no document yet */
	FH_DOC = 1,  /* fh_reader_feed: a document ended and was parsed */
	FH_E_SYNTAX = -1,  /* not the XML subset above */
	FH_E_TOOLONG = -2, /* a document over FH_DOC_MAX, or too many attributes */
	FH_E_MISSING = -3, /* fh_doc_u64: no such attribute */
	FH_E_NUMBER = -4,  /* fh_doc_u64: not a decimal number that fits 64 bits */
	FH_E_SPACE = -5,   /* fh_writer: the output buffer is too small */
};

struct fh_attr {
	const char *name, *value; /* NUL-terminated, inside the doc's pool */
};

/* One parsed document: the element inside <data> */
struct fh_doc {
	char tag[FH_TAG_MAX];
	unsigned n_attr;
	struct fh_attr attr[FH_ATTR_MAX];
	char pool[FH_DOC_MAX]; /* attribute names and decoded values */
};

/* Parse one whole document (s, n bytes: from its first '<' or blank to
 * "</data>", trailing blanks allowed). Returns FH_DOC, FH_E_SYNTAX or
 * FH_E_TOOLONG; on error doc->tag is empty. */
int fh_parse(const char *s, size_t n, struct fh_doc *doc);

/* The value of attribute name (exact, case-sensitive), or NULL. */
const char *fh_doc_get(const struct fh_doc *doc, const char *name);

/* Attribute name as a decimal number: 0, FH_E_MISSING or FH_E_NUMBER. */
int fh_doc_u64(const struct fh_doc *doc, const char *name, uint64_t *v);

/* A stream of documents, split at "</data>". The caller owns the struct
 * (about FH_DOC_MAX bytes); fh_reader_init() before first use. */
struct fh_reader {
	char buf[FH_DOC_MAX];
	size_t len;
	unsigned match;  /* bytes of "</data>" matched at the end of buf */
	bool overflow;   /* this document is too long: dropped to its end */
};

void fh_reader_init(struct fh_reader *r);

/* Take bytes of the stream up to the end of the next document. Returns
 * how many of the n bytes it used; *res says what they were: FH_NEED (all
 * n used, no document ended), FH_DOC (a document ended with the last byte
 * used and is in *doc), or FH_E_SYNTAX / FH_E_TOOLONG (one bad document
 * ended there). Bytes after a document are left to the caller: raw
 * sector data after <program>'s ACK is not fed here. Blanks between
 * documents are skipped. */
size_t fh_reader_feed(struct fh_reader *r, const uint8_t *in, size_t n, struct fh_doc *doc, int *res);

/* Building a document into a caller's buffer:
 *   struct fh_writer w;
 *   fh_begin(&w, buf, sizeof buf, "program");
 *   fh_attr_u64(&w, "SECTOR_SIZE_IN_BYTES", 512);
 *   fh_attr(&w, "label", "modem");
 *   int len = fh_end(&w);   (length without the NUL, or FH_E_SPACE)
 * Values are escaped (& < > " and control bytes); names must be XML
 * names (FH_E_SYNTAX from fh_end otherwise). */
struct fh_writer {
	char *buf;
	size_t cap, len;
	int err;
};

void fh_begin(struct fh_writer *w, char *buf, size_t cap, const char *tag);
void fh_attr(struct fh_writer *w, const char *name, const char *value);
void fh_attr_u64(struct fh_writer *w, const char *name, uint64_t v);
int fh_end(struct fh_writer *w);

/* The target's answers: <response value="ACK|NAK" [rawmode="true"]/>
 * and <log value="text"/>. Return the length or FH_E_SPACE. */
int fh_response(char *buf, size_t cap, bool ack, bool rawmode);
int fh_log(char *buf, size_t cap, const char *text);

#endif
