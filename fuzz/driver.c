/* Stand-alone driver for the fuzz targets when libFuzzer is not used:
 * runs every file of a corpus directory, then `count` inputs made from a
 * fixed seed (random bytes, and corpus files with bytes flipped, inserted
 * and cut), so a run is repeatable. Usage: fuzz_x CORPUS_DIR [COUNT] */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_INPUT 4096
#define FUZZ_MAX_FILES 256

static uint8_t corpus[FUZZ_MAX_FILES][FUZZ_MAX_INPUT];
static size_t corpus_len[FUZZ_MAX_FILES];
static size_t n_corpus;
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void load(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d)) && n_corpus < FUZZ_MAX_FILES) {
		char path[1024];
		FILE *f;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		corpus_len[n_corpus] = fread(corpus[n_corpus], 1, FUZZ_MAX_INPUT, f);
		fclose(f);
		LLVMFuzzerTestOneInput(corpus[n_corpus], corpus_len[n_corpus]);
		n_corpus++;
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	static uint8_t buf[FUZZ_MAX_INPUT];
	long count = argc > 2 ? atol(argv[2]) : 10000;
	if (argc > 1)
		load(argv[1]);
	for (long i = 0; i < count; i++) {
		size_t len;
		if (n_corpus && (i & 1)) {
			size_t k = next() % n_corpus, edits = 1 + next() % 8;
			len = corpus_len[k];
			memcpy(buf, corpus[k], len);
			while (edits--) {
				uint32_t op = next() % 4, pos = len ? next() % len : 0;
				if (op == 0 && len)
					buf[pos] ^= (uint8_t)(1u << (next() % 8));
				else if (op == 1 && len < FUZZ_MAX_INPUT) {
					memmove(buf + pos + 1, buf + pos, len - pos);
					buf[pos] = (uint8_t)next();
					len++;
				} else if (op == 2 && len) {
					memmove(buf + pos, buf + pos + 1, len - pos - 1);
					len--;
				} else if (len)
					buf[pos] = "\r\n,\":+>0A \x18\x01\x02\x04"[next() % 15];
			}
		} else {
			len = next() % 512;
			for (size_t j = 0; j < len; j++)
				buf[j] = (uint8_t)next();
		}
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("%s: %zu corpus files, %ld generated inputs, no crash\n", argv[0], n_corpus, count);
	return 0;
}
