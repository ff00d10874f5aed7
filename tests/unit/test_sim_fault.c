/* Line noise (sim/fault.c): rates, the ACK filter, directions, and the
 * same faults for the same seed and bytes however they are chunked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fault.h"

#define N 100000

static uint8_t src[N], a[N], b[N];

static void fill(void)
{
	uint32_t x = 12345;
	for (size_t i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		src[i] = (x >> 16) % 5 == 0 ? SIM_FAULT_ACK : (uint8_t)(x >> 20);
	}
}

static void arm(struct sim_fault *f, double ber, double drop, double lost_ack, uint64_t seed)
{
	struct sim_fault_config c = {ber, drop, lost_ack, true, true, seed};
	sim_fault_init(f, &c, NULL, NULL);
}

static size_t count(const uint8_t *p, size_t n, uint8_t v)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += p[i] == v;
	return k;
}

static void zero_rates_change_nothing(void **state)
{
	struct sim_fault f;
	(void)state;
	memset(&f, 0, sizeof f); /* as sim_line_open leaves it */
	memcpy(a, src, N);
	assert_false(sim_fault_active(&f));
	assert_int_equal(sim_fault_apply(&f, SIM_FAULT_OUT, a, N), N);
	assert_int_equal(sim_fault_apply(&f, SIM_FAULT_IN, a, N), N);
	assert_memory_equal(a, src, N);
	arm(&f, 0, 0, 0, 7);
	assert_false(sim_fault_active(&f));
	assert_int_equal(sim_fault_apply(&f, SIM_FAULT_OUT, a, N), N);
	assert_memory_equal(a, src, N);
}

/* the whole buffer at once vs. uneven chunks, as read() and write() cut it */
static void chunking_does_not_matter(void **state)
{
	static const size_t cuts[] = {1, 7, 256, 3, 1000, 13, 2};
	(void)state;
	for (int dir = SIM_FAULT_IN; dir <= SIM_FAULT_OUT; dir++) {
		struct sim_fault f, g;
		size_t na, nb = 0, k = 0;
		arm(&f, 1e-2, 0.1, 0.3, 42);
		arm(&g, 1e-2, 0.1, 0.3, 42);
		memcpy(a, src, N);
		na = sim_fault_apply(&f, dir, a, N);
		for (size_t i = 0; i < N; k++) {
			size_t c = cuts[k % 7] < N - i ? cuts[k % 7] : N - i;
			memcpy(b + nb, src + i, c);
			nb += sim_fault_apply(&g, dir, b + nb, c);
			i += c;
		}
		assert_int_equal(na, nb);
		assert_memory_equal(a, b, na);
		assert_memory_equal(&f.dir, &g.dir, sizeof f.dir);
		assert_true(f.dir[dir].flipped > 0 && f.dir[dir].dropped > 0);
	}
}

static void seed_decides(void **state)
{
	struct sim_fault f, g;
	size_t na, nb;
	(void)state;
	arm(&f, 1e-3, 1e-3, 0, 1);
	arm(&g, 1e-3, 1e-3, 0, 2);
	memcpy(a, src, N);
	memcpy(b, src, N);
	na = sim_fault_apply(&f, SIM_FAULT_OUT, a, N);
	nb = sim_fault_apply(&g, SIM_FAULT_OUT, b, N);
	assert_true(na != nb || memcmp(a, b, na) != 0);
	/* the two directions draw from different streams */
	arm(&f, 1e-3, 0, 0, 1);
	memcpy(a, src, N);
	memcpy(b, src, N);
	sim_fault_apply(&f, SIM_FAULT_OUT, a, N);
	sim_fault_apply(&f, SIM_FAULT_IN, b, N);
	assert_true(memcmp(a, b, N) != 0);
}

/* adding --drop leaves the bit errors of the surviving bytes where they were */
static void kinds_are_independent(void **state)
{
	struct sim_fault f, g;
	size_t nb, j = 0;
	(void)state;
	arm(&f, 1e-2, 0, 0, 9);
	arm(&g, 1e-2, 0.5, 0, 9);
	memcpy(a, src, N);
	memcpy(b, src, N);
	sim_fault_apply(&f, SIM_FAULT_IN, a, N);
	nb = sim_fault_apply(&g, SIM_FAULT_IN, b, N);
	/* b is a subsequence of a */
	for (size_t i = 0; i < N && j < nb; i++)
		j += a[i] == b[j];
	assert_int_equal(j, nb);
}

static void rates_are_right(void **state)
{
	struct sim_fault f;
	uint64_t bits = 0;
	size_t n;
	(void)state;
	/* bits: 10 rounds of N bytes at 1e-3, 8e6 bits, mean 8000, sd ~89 */
	arm(&f, 1e-3, 0, 0, 3);
	for (int r = 0; r < 10; r++) {
		memcpy(a, src, N);
		assert_int_equal(sim_fault_apply(&f, SIM_FAULT_IN, a, N), N);
		for (size_t i = 0; i < N; i++)
			bits += (uint64_t)__builtin_popcount(a[i] ^ src[i]);
	}
	assert_int_equal(bits, f.dir[SIM_FAULT_IN].flipped);
	assert_in_range(bits, 8000 - 450, 8000 + 450);

	/* bytes: 0.5 of N, sd ~158 */
	arm(&f, 0, 0.5, 0, 3);
	memcpy(a, src, N);
	n = sim_fault_apply(&f, SIM_FAULT_OUT, a, N);
	assert_int_equal(N - n, f.dir[SIM_FAULT_OUT].dropped);
	assert_in_range(n, N / 2 - 800, N / 2 + 800);

	/* ber 1: every data bit flips */
	arm(&f, 1, 0, 0, 3);
	memcpy(a, src, 100);
	sim_fault_apply(&f, SIM_FAULT_OUT, a, 100);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(a[i], (uint8_t)~src[i]);
	assert_int_equal(f.dir[SIM_FAULT_OUT].flipped, 800);
}

static void lost_ack_only_takes_acks_from_the_module(void **state)
{
	struct sim_fault f;
	size_t acks = count(src, N, SIM_FAULT_ACK), n, j = 0;
	(void)state;
	assert_true(acks > 15000);

	arm(&f, 0, 0, 1, 5);
	memcpy(a, src, N);
	n = sim_fault_apply(&f, SIM_FAULT_OUT, a, N);
	assert_int_equal(n, N - acks);
	assert_int_equal(count(a, n, SIM_FAULT_ACK), 0);
	assert_int_equal(f.dir[SIM_FAULT_OUT].acks_lost, acks);
	for (size_t i = 0; i < N; i++) /* everything else, in order */
		if (src[i] != SIM_FAULT_ACK)
			assert_int_equal(a[j++], src[i]);
	memcpy(a, src, N); /* host to module: untouched */
	assert_int_equal(sim_fault_apply(&f, SIM_FAULT_IN, a, N), N);
	assert_memory_equal(a, src, N);

	arm(&f, 0, 0, 0.05, 5);
	memcpy(a, src, N);
	n = sim_fault_apply(&f, SIM_FAULT_OUT, a, N);
	assert_int_equal(N - n, f.dir[SIM_FAULT_OUT].acks_lost);
	assert_in_range(N - n, acks * 5 / 100 - 150, acks * 5 / 100 + 150);
}

static void direction_option(void **state)
{
	struct sim_fault f;
	struct sim_fault_config c = {0.5, 0.5, 0, true, false, 1};
	(void)state;
	sim_fault_init(&f, &c, NULL, NULL);
	memcpy(a, src, N);
	assert_int_equal(sim_fault_apply(&f, SIM_FAULT_OUT, a, N), N);
	assert_memory_equal(a, src, N);
	assert_true(sim_fault_apply(&f, SIM_FAULT_IN, a, N) < N);
	c.in = false;
	sim_fault_init(&f, &c, NULL, NULL);
	assert_false(sim_fault_active(&f));
}

static void summary_line(void **state)
{
	struct sim_fault f;
	char s[200];
	(void)state;
	arm(&f, 0, 0, 1, 5);
	a[0] = SIM_FAULT_ACK;
	a[1] = 'x';
	sim_fault_apply(&f, SIM_FAULT_OUT, a, 2);
	sim_fault_summary(&f, s, sizeof s);
	assert_string_equal(s, "in: 0 bits flipped, 0 bytes dropped; "
			       "out: 0 bits flipped, 0 bytes dropped, 1 ACKs lost");
}

static void parse_rate(void **state)
{
	static const char *good[] = {"0", "1", "0.5", "1e-4", "1E-9", "0.000"};
	static const char *bad[] = {"", "-1", "-1e-9", "1.0001", "2", "x", "1e-4x", " 0.1",
				    "nan", "inf", "0x"};
	double r;
	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		assert_int_equal(sim_fault_parse_rate(good[i], &r), 0);
	assert_int_equal(sim_fault_parse_rate("1e-4", &r), 0);
	assert_true(r == 1e-4);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(sim_fault_parse_rate(bad[i], &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zero_rates_change_nothing),
		cmocka_unit_test(chunking_does_not_matter),
		cmocka_unit_test(seed_decides),
		cmocka_unit_test(kinds_are_independent),
		cmocka_unit_test(rates_are_right),
		cmocka_unit_test(lost_ack_only_takes_acks_from_the_module),
		cmocka_unit_test(direction_option),
		cmocka_unit_test(summary_line),
		cmocka_unit_test(parse_rate),
	};
	fill();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
