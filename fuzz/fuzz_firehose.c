/* Fuzz target: the Firehose reader and parser (common/firehose.c) on a
 * stream of arbitrary bytes, as a host or module could send: the reader
 * never uses more bytes than it was given, a parsed document has a tag
 * and bounded attributes that lie in its pool, and a document rebuilt
 * with fh_writer parses back to the same tag and attributes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "firehose.h"

#define CHECK(x) ((x) ? (void)0 : abort())

static struct fh_reader r;
static struct fh_doc doc, again;
static char out[FH_DOC_MAX * 6 + 256];

static void rebuild(const struct fh_doc *d)
{
	struct fh_writer w;
	fh_begin(&w, out, sizeof out, d->tag);
	for (unsigned i = 0; i < d->n_attr; i++)
		fh_attr(&w, d->attr[i].name, d->attr[i].value);
	int n = fh_end(&w);
	CHECK(n > 0);
	int rc = fh_parse(out, (size_t)n, &again);
	/* escaping can make a document longer than the parser takes */
	if (rc == FH_E_TOOLONG && (size_t)n > FH_DOC_MAX)
		return;
	CHECK(rc == FH_DOC);
	CHECK(strcmp(again.tag, d->tag) == 0 && again.n_attr == d->n_attr);
	for (unsigned i = 0; i < d->n_attr; i++) {
		CHECK(strcmp(again.attr[i].name, d->attr[i].name) == 0);
		CHECK(strcmp(again.attr[i].value, d->attr[i].value) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the whole input as one document */
	int rc = fh_parse((const char *)data, size, &doc);
	CHECK(rc == FH_DOC || rc == FH_E_SYNTAX || rc == FH_E_TOOLONG);
	/* and as a stream, fed in pieces whose sizes the first byte picks */
	size_t piece = size ? (size_t)data[0] % 64 + 1 : 1, off = 0;
	fh_reader_init(&r);
	while (off < size) {
		size_t k = size - off < piece ? size - off : piece;
		int res;
		size_t used = fh_reader_feed(&r, data + off, k, &doc, &res);
		CHECK(used <= k && (used > 0 || k == 0));
		off += used;
		CHECK(res == FH_NEED || res == FH_DOC || res == FH_E_SYNTAX || res == FH_E_TOOLONG);
		if (res == FH_NEED)
			CHECK(used == k);
		if (res != FH_DOC)
			continue;
		CHECK(doc.tag[0] && memchr(doc.tag, '\0', sizeof doc.tag));
		CHECK(doc.n_attr <= FH_ATTR_MAX);
		for (unsigned i = 0; i < doc.n_attr; i++) {
			CHECK(doc.attr[i].name >= doc.pool && doc.attr[i].name < doc.pool + sizeof doc.pool);
			CHECK(doc.attr[i].value >= doc.pool && doc.attr[i].value < doc.pool + sizeof doc.pool);
			CHECK(fh_doc_get(&doc, doc.attr[i].name) == doc.attr[i].value);
		}
		rebuild(&doc);
	}
	return 0;
}
