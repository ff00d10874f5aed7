/* common/firehose.c: documents as qdl (src/firehose.c, libxml2's
 * xmlDocDumpMemory) and real programmers write them parse; what
 * fh_writer builds parses back to the same attributes; a table of bad
 * documents with the error each must give; a stream of several
 * documents, split at any byte, with raw sector data after <program>;
 * an over-long document is dropped and the next one still parses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "firehose.h"

static struct fh_doc doc;

/* As libxml2 writes qdl's <program> (prolog, newline, no blanks). */
static const char qdl_program[] =
	"<?xml version=\"1.0\"?>\n<data><program SECTOR_SIZE_IN_BYTES=\"512\" num_partition_sectors=\"8\" "
	"physical_partition_number=\"0\" start_sector=\"16\" filename=\"modem.bin\" label=\"modem\"/></data>\n";

static void parses_qdl_program(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(fh_parse(qdl_program, strlen(qdl_program), &doc), FH_DOC);
	assert_string_equal(doc.tag, "program");
	assert_int_equal(doc.n_attr, 6);
	assert_int_equal(fh_doc_u64(&doc, "SECTOR_SIZE_IN_BYTES", &v), 0);
	assert_int_equal(v, 512);
	assert_int_equal(fh_doc_u64(&doc, "num_partition_sectors", &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(fh_doc_u64(&doc, "start_sector", &v), 0);
	assert_int_equal(v, 16);
	assert_string_equal(fh_doc_get(&doc, "label"), "modem");
	assert_null(fh_doc_get(&doc, "LABEL")); /* case matters */
	assert_int_equal(fh_doc_u64(&doc, "slot", &v), FH_E_MISSING);
	assert_int_equal(fh_doc_u64(&doc, "label", &v), FH_E_NUMBER);
}

static const struct {
	const char *name, *text, *tag, *attr, *value;
} good[] = {
	{ .name = "target response, single quotes and blanks",
	  .text = "<?xml version='1.0' encoding='UTF-8' ?>\r\n<data>\r\n<response value='ACK' rawmode='true' />\r\n</data>",
	  .tag = "response", .attr = "rawmode", .value = "true" },
	{ .name = "no prolog", .text = "<data><power value=\"reset\" DelayInSeconds=\"10\"/></data>", .tag = "power",
	  .attr = "value", .value = "reset" },
	{ .name = "open and close", .text = "<data><getstorageinfo physical_partition_number=\"0\"></getstorageinfo></data>",
	  .tag = "getstorageinfo", .attr = "physical_partition_number", .value = "0" },
	{ .name = "comments", .text = "<?xml version=\"1.0\" ?><!-- x --><data><!--y--><erase start_sector=\"0\"/><!-- z --></data>",
	  .tag = "erase", .attr = "start_sector", .value = "0" },
	{ .name = "entities", .text = "<data><log value=\"a&lt;b&gt;c&amp;d&quot;e&apos;f&#65;&#x42;\"/></data>",
	  .tag = "log", .attr = "value", .value = "a<b>c&d\"e'fAB" },
	{ .name = "JSON in a log", .text = "<data><log value='INFO: {\"storage_info\": {\"total_blocks\":8192}}'/></data>",
	  .tag = "log", .attr = "value", .value = "INFO: {\"storage_info\": {\"total_blocks\":8192}}" },
	{ .name = "empty value", .text = "<data><configure MemoryName=\"\"/></data>", .tag = "configure",
	  .attr = "MemoryName", .value = "" },
	{ .name = "blanks around =", .text = "<data><read a = \"1\" /></data>  \n", .tag = "read", .attr = "a", .value = "1" },
	{ .name = "UTF-8 from a char ref", .text = "<data><log value=\"&#xe9;\"/></data>", .tag = "log", .attr = "value",
	  .value = "\xc3\xa9" },
};

static void good_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int rc = fh_parse(good[i].text, strlen(good[i].text), &doc);
		if (rc != FH_DOC)
			fail_msg("%s: %d", good[i].name, rc);
		assert_string_equal(doc.tag, good[i].tag);
		const char *v = fh_doc_get(&doc, good[i].attr);
		if (!v || strcmp(v, good[i].value) != 0)
			fail_msg("%s: %s=%s", good[i].name, good[i].attr, v ? v : "(none)");
	}
}

static const struct {
	const char *name, *text;
	int want;
} bad[] = {
	{ .name = "empty", .text = "", .want = FH_E_SYNTAX },
	{ .name = "no data element", .text = "<?xml version=\"1.0\"?><program/>", .want = FH_E_SYNTAX },
	{ .name = "empty data", .text = "<data></data>", .want = FH_E_SYNTAX },
	{ .name = "data not closed", .text = "<data><program/>", .want = FH_E_SYNTAX },
	{ .name = "two elements", .text = "<data><erase/><program/></data>", .want = FH_E_SYNTAX },
	{ .name = "element not closed", .text = "<data><program a=\"1\"></data>", .want = FH_E_SYNTAX },
	{ .name = "wrong closing tag", .text = "<data><program></read></data>", .want = FH_E_SYNTAX },
	{ .name = "content inside", .text = "<data><program>x</program></data>", .want = FH_E_SYNTAX },
	{ .name = "unquoted value", .text = "<data><program a=1/></data>", .want = FH_E_SYNTAX },
	{ .name = "unterminated value", .text = "<data><program a=\"1/></data>", .want = FH_E_SYNTAX },
	{ .name = "no blank between attributes", .text = "<data><p a=\"1\"b=\"2\"/></data>", .want = FH_E_SYNTAX },
	{ .name = "repeated attribute", .text = "<data><p a=\"1\" a=\"2\"/></data>", .want = FH_E_SYNTAX },
	{ .name = "< in a value", .text = "<data><p a=\"<\"/></data>", .want = FH_E_SYNTAX },
	{ .name = "bare &", .text = "<data><p a=\"&\"/></data>", .want = FH_E_SYNTAX },
	{ .name = "unknown entity", .text = "<data><p a=\"&nbsp;\"/></data>", .want = FH_E_SYNTAX },
	{ .name = "&#0;", .text = "<data><p a=\"&#0;\"/></data>", .want = FH_E_SYNTAX },
	{ .name = "&#; no digits", .text = "<data><p a=\"&#;\"/></data>", .want = FH_E_SYNTAX },
	{ .name = "surrogate", .text = "<data><p a=\"&#xd800;\"/></data>", .want = FH_E_SYNTAX },
	{ .name = "beyond Unicode", .text = "<data><p a=\"&#x110000;\"/></data>", .want = FH_E_SYNTAX },
	{ .name = "too many digits", .text = "<data><p a=\"&#000000065;\"/></data>", .want = FH_E_SYNTAX },
	{ .name = "name starts with a digit", .text = "<data><p 1a=\"1\"/></data>", .want = FH_E_SYNTAX },
	{ .name = "tag starts with a digit", .text = "<data><9p/></data>", .want = FH_E_SYNTAX },
	{ .name = "junk after", .text = "<data><p/></data>x", .want = FH_E_SYNTAX },
	{ .name = "prolog not closed", .text = "<?xml version=\"1.0\"<data><p/></data>", .want = FH_E_SYNTAX },
	{ .name = "<?xmlfoo", .text = "<?xmlfoo?><data><p/></data>", .want = FH_E_SYNTAX },
	{ .name = "comment not closed", .text = "<!-- <data><p/></data>", .want = FH_E_SYNTAX },
	{ .name = "tag too long", .text = "<data><abcdefghijabcdefghijabcdefghijab/></data>", .want = FH_E_TOOLONG },
	{ .name = "NUL in a value", .text = "<data><p a=\"x\0y\"/></data>", .want = FH_E_SYNTAX },
};

static void bad_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		/* the NUL case: its length counts past the NUL */
		size_t n = strlen(bad[i].text);
		if (strcmp(bad[i].name, "NUL in a value") == 0)
			n = sizeof "<data><p a=\"x\0y\"/></data>" - 1;
		int rc = fh_parse(bad[i].text, n, &doc);
		if (rc != bad[i].want)
			fail_msg("%s: got %d, want %d", bad[i].name, rc, bad[i].want);
		assert_string_equal(doc.tag, "");
		assert_int_equal(doc.n_attr, 0);
	}
}

static void too_many_attributes(void **state)
{
	(void)state;
	char s[1024];
	size_t n = (size_t)snprintf(s, sizeof s, "<data><p");
	for (int i = 0; i <= FH_ATTR_MAX; i++)
		n += (size_t)snprintf(s + n, sizeof s - n, " a%d=\"%d\"", i, i);
	n += (size_t)snprintf(s + n, sizeof s - n, "/></data>");
	assert_int_equal(fh_parse(s, n, &doc), FH_E_TOOLONG);
}

static void numbers(void **state)
{
	(void)state;
	static const struct {
		const char *v;
		int rc;
		uint64_t want;
	} t[] = {
		{ "0", 0, 0 },          { "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", FH_E_NUMBER, 0 }, { "", FH_E_NUMBER, 0 }, { "-1", FH_E_NUMBER, 0 },
		{ "0x10", FH_E_NUMBER, 0 }, { " 1", FH_E_NUMBER, 0 }, { "1.", FH_E_NUMBER, 0 },
		{ "NUM_DISK_SECTORS-5", FH_E_NUMBER, 0 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char s[128];
		uint64_t v = 77;
		snprintf(s, sizeof s, "<data><p n=\"%s\"/></data>", t[i].v);
		assert_int_equal(fh_parse(s, strlen(s), &doc), FH_DOC);
		assert_int_equal(fh_doc_u64(&doc, "n", &v), t[i].rc);
		if (t[i].rc == 0)
			assert_true(v == t[i].want);
		else
			assert_int_equal(v, 77); /* untouched */
	}
}

static void writer_roundtrip(void **state)
{
	(void)state;
	char buf[512];
	struct fh_writer w;
	fh_begin(&w, buf, sizeof buf, "log");
	fh_attr(&w, "value", "a<b>&\"c'\x01\t");
	fh_attr_u64(&w, "n", UINT64_MAX);
	int n = fh_end(&w);
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	assert_memory_equal(buf + n - 7, "</data>", 7); /* nothing after it */
	assert_int_equal(fh_parse(buf, (size_t)n, &doc), FH_DOC);
	assert_string_equal(fh_doc_get(&doc, "value"), "a<b>&\"c'\x01\t");
	uint64_t v;
	assert_int_equal(fh_doc_u64(&doc, "n", &v), 0);
	assert_true(v == UINT64_MAX);

	n = fh_response(buf, sizeof buf, true, true);
	assert_true(n > 0);
	assert_int_equal(fh_parse(buf, (size_t)n, &doc), FH_DOC);
	assert_string_equal(doc.tag, "response");
	assert_string_equal(fh_doc_get(&doc, "value"), "ACK");
	assert_string_equal(fh_doc_get(&doc, "rawmode"), "true");
	n = fh_response(buf, sizeof buf, false, false);
	assert_int_equal(fh_parse(buf, (size_t)n, &doc), FH_DOC);
	assert_string_equal(fh_doc_get(&doc, "value"), "NAK");
	assert_null(fh_doc_get(&doc, "rawmode"));
}

static void writer_limits(void **state)
{
	(void)state;
	char buf[64];
	struct fh_writer w;
	memset(buf, 0x5a, sizeof buf);
	fh_begin(&w, buf, 48, "program");
	fh_attr(&w, "label", "modem");
	assert_int_equal(fh_end(&w), FH_E_SPACE);
	assert_true(strlen(buf) < 48);
	assert_int_equal(buf[48], 0x5a); /* canary */
	fh_begin(&w, buf, sizeof buf, "1x");
	assert_int_equal(fh_end(&w), FH_E_SYNTAX);
	fh_begin(&w, buf, sizeof buf, "p");
	fh_attr(&w, "a b", "1");
	assert_int_equal(fh_end(&w), FH_E_SYNTAX);
	assert_int_equal(fh_log(buf, 10, "x"), FH_E_SPACE);
}

/* Two commands, the first a <program> with 1024 raw bytes after it, fed
 * in pieces of every size from 1 to 37 bytes. */
static void stream_split_anywhere(void **state)
{
	(void)state;
	static uint8_t s[8192];
	static struct fh_reader r;
	char d1[256], d2[256];
	struct fh_writer w;
	fh_begin(&w, d1, sizeof d1, "program");
	fh_attr_u64(&w, "SECTOR_SIZE_IN_BYTES", 512);
	fh_attr_u64(&w, "num_partition_sectors", 2);
	int n1 = fh_end(&w);
	fh_begin(&w, d2, sizeof d2, "power");
	fh_attr(&w, "value", "reset");
	int n2 = fh_end(&w);
	size_t n = 0;
	memcpy(s + n, "\r\n ", 3), n += 3; /* blanks before: skipped */
	memcpy(s + n, d1, (size_t)n1), n += (size_t)n1;
	for (int i = 0; i < 1024; i++)
		s[n++] = (uint8_t)(i * 37 + 11); /* includes '<' and blanks */
	memcpy(s + n, d2, (size_t)n2), n += (size_t)n2;

	for (size_t piece = 1; piece <= 37; piece++) {
		fh_reader_init(&r);
		size_t off = 0, raw = 0, docs = 0;
		while (off < n) {
			size_t k = n - off < piece ? n - off : piece;
			if (docs == 1 && raw < 1024) { /* the caller takes the raw bytes */
				size_t take = k < 1024 - raw ? k : 1024 - raw;
				for (size_t i = 0; i < take; i++)
					assert_int_equal(s[off + i], (uint8_t)((raw + i) * 37 + 11));
				raw += take;
				off += take;
				continue;
			}
			int res;
			size_t used = fh_reader_feed(&r, s + off, k, &doc, &res);
			assert_true(used <= k);
			off += used;
			if (res == FH_NEED) {
				assert_int_equal(used, k);
				continue;
			}
			assert_int_equal(res, FH_DOC);
			docs++;
			assert_string_equal(doc.tag, docs == 1 ? "program" : "power");
		}
		assert_int_equal(docs, 2);
		assert_int_equal(raw, 1024);
	}
}

static void stream_drops_long_document(void **state)
{
	(void)state;
	static char s[FH_DOC_MAX * 2];
	static struct fh_reader r;
	size_t n = (size_t)snprintf(s, sizeof s, "<data><log value=\"");
	while (n < FH_DOC_MAX + 100)
		s[n++] = 'x';
	n += (size_t)snprintf(s + n, sizeof s - n, "\"/></data><data><nop/></data>garbage</data>");
	fh_reader_init(&r);
	int res;
	size_t off = fh_reader_feed(&r, (const uint8_t *)s, n, &doc, &res);
	assert_int_equal(res, FH_E_TOOLONG);
	off += fh_reader_feed(&r, (const uint8_t *)s + off, n - off, &doc, &res);
	assert_int_equal(res, FH_DOC);
	assert_string_equal(doc.tag, "nop");
	off += fh_reader_feed(&r, (const uint8_t *)s + off, n - off, &doc, &res);
	assert_int_equal(res, FH_E_SYNTAX);
	assert_int_equal(off, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_qdl_program),  cmocka_unit_test(good_table),
		cmocka_unit_test(bad_table),           cmocka_unit_test(too_many_attributes),
		cmocka_unit_test(numbers),             cmocka_unit_test(writer_roundtrip),
		cmocka_unit_test(writer_limits),       cmocka_unit_test(stream_split_anywhere),
		cmocka_unit_test(stream_drops_long_document),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
