/* A small Cortex-M4 application for the delta benchmark
 * (bench/bench_delta.py): built as version 1 and version 2
 * (-DAPP_VERSION=2), the kind of change a firmware update carries: a
 * fixed bug, a new command, a new table entry, a new version string. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef APP_VERSION
#define APP_VERSION 1
#endif

#define STR2(x) #x
#define STR(x) STR2(x)

static const char banner[] = "sensor node firmware v" STR(APP_VERSION) ".0 (" __DATE__ ")";

typedef struct sensor {
	const char *name;
	uint8_t addr;
	int16_t offset;
	uint16_t scale;
} sensor;

static const sensor sensors[] = {
	{ .name = "temperature", .addr = 0x48, .offset = -40, .scale = 100 },
	{ .name = "humidity", .addr = 0x40, .offset = 0, .scale = 10 },
	{ .name = "pressure", .addr = 0x76, .offset = 0, .scale = 1 },
#if APP_VERSION >= 2
	{ .name = "light", .addr = 0x23, .offset = 0, .scale = 2 },
#endif
	{ .name = "battery", .addr = 0x36, .offset = 0, .scale = 1000 },
};

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32(const void *data, size_t n)
{
	const uint8_t *p = data;
	uint32_t c = 0xffffffffu;
	while (n--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static volatile uint32_t *const i2c = (uint32_t *)0x40005400;

static int i2c_read(uint8_t addr, uint8_t reg, uint8_t *out, size_t n)
{
	i2c[0] = (uint32_t)addr << 1;
	i2c[1] = reg;
	for (size_t i = 0; i < n; i++) {
		int spin = 10000;
		while (!(i2c[2] & 1))
			if (--spin == 0)
				return -1;
		out[i] = (uint8_t)i2c[3];
	}
	return 0;
}

static int read_sensor(const sensor *s, int32_t *value)
{
	uint8_t raw[2];
	if (i2c_read(s->addr, 0, raw, sizeof raw))
		return -1;
	int32_t v = (int16_t)(raw[0] << 8 | raw[1]);
#if APP_VERSION >= 2
	/* fixed: the offset applies after scaling */
	*value = v * s->scale / 16 + s->offset * s->scale;
#else
	*value = (v + s->offset) * s->scale / 16;
#endif
	return 0;
}

typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} command;

static int cmd_read(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof sensors / sizeof sensors[0]; i++) {
		int32_t v;
		if (argc > 1 && strcmp(argv[1], sensors[i].name) != 0)
			continue;
		if (read_sensor(&sensors[i], &v))
			printf("%s: no answer at 0x%02x\n", sensors[i].name, sensors[i].addr);
		else
			printf("%s: %ld.%02ld\n", sensors[i].name, (long)(v / 100), (long)labs(v % 100));
	}
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("%s\ncrc %08lx\n", banner, (unsigned long)crc32(banner, sizeof banner - 1));
	return 0;
}

#if APP_VERSION >= 2
static int cmd_stats(int argc, char **argv)
{
	static unsigned long calls;
	(void)argc, (void)argv;
	calls++;
	printf("sensors %u, calls %lu\n", (unsigned)(sizeof sensors / sizeof sensors[0]), calls);
	return 0;
}
#endif

static int cmd_help(int argc, char **argv);

static const command commands[] = {
	{ .name = "read", .run = cmd_read, .help = "read [SENSOR]: print sensor values" },
	{ .name = "version", .run = cmd_version, .help = "print the firmware version" },
#if APP_VERSION >= 2
	{ .name = "stats", .run = cmd_stats, .help = "print counters" },
#endif
	{ .name = "help", .run = cmd_help, .help = "this list" },
};

static int cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].help);
	return 0;
}

static int run_line(char *line)
{
	char *argv[8];
	int argc = 0;
	for (char *t = strtok(line, " \t\r\n"); t && argc < 8; t = strtok(NULL, " \t\r\n"))
		argv[argc++] = t;
	if (argc == 0)
		return 0;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			return commands[i].run(argc, argv);
	printf("unknown command %s (try help)\n", argv[0]);
	return -1;
}

int main(void)
{
	char line[80];
	crc_init();
	puts(banner);
	while (fgets(line, sizeof line, stdin))
		run_line(line);
	return 0;
}
