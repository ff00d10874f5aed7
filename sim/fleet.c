/* sarafw-sim --fleet (fleet.h): many modules, one epoll, one timer heap. */
#include "fleet.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "flash.h"
#include "modem.h"
#include "modes.h"
#include "ufota.h"

#define HOUR_MS 3600000.0

struct dev {
	struct sim_modem *m;
	struct sim_flash flash;
	struct sim_net_config net;
	struct sim_lwm2m_config lw;
	char bind[16]; /* 127.x.y.z */
	char psk_id[32]; /* urn:imei:<IMEI> */
	uint64_t rng;
	bool misbehaving, reset_done, on, faded, lifetime_set;
	uint64_t start_at; /* module ms it powers on */
	uint64_t cut_at, fade_at, unfade_at; /* UINT64_MAX: none */
	uint64_t key; /* heap key: the earliest of the above and the modem's */
	unsigned pos; /* in the heap */
	int fd;       /* registered with the fleet's epoll, -1: none */
	uint32_t boots_fd;
};

static struct dev *fleet_devs;
static uint16_t fleet_port; /* each process's modules' one local port */
static struct dev **fleet_heap;

/* ---- the fault spec ---- */

static int num(const char *v, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (errno || end == v || *end || !(d >= lo && d <= hi))
		return -1;
	*out = d;
	return 0;
}

int sim_fleet_parse_faults(const char *s, struct sim_fleet_faults *f, char *why, size_t cap)
{
	char buf[256], *save = NULL;
	memset(f, 0, sizeof *f);
	f->fade_s = 30;
	if (!s || strlen(s) >= sizeof buf) {
		snprintf(why, cap, "too long");
		return -1;
	}
	snprintf(buf, sizeof buf, "%s", s);
	if (!*buf || buf[strlen(buf) - 1] == ',' || *buf == ',' || strstr(buf, ",,")) {
		snprintf(why, cap, "empty item");
		return -1;
	}
	for (char *it = strtok_r(buf, ",", &save); it; it = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(it, '=');
		double d;
		if (!eq) {
			snprintf(why, cap, "'%s' is not KEY=VALUE", it);
			return -1;
		}
		*eq++ = '\0';
		if (strcmp(it, "misbehave") == 0 && num(eq, 0, 1, &d) == 0)
			f->misbehave = d;
		else if (strcmp(it, "powercut") == 0 && num(eq, 0, 1e6, &d) == 0)
			f->powercut = d;
		else if (strcmp(it, "fade") == 0 && num(eq, 0, 1e6, &d) == 0)
			f->fade = d;
		else if (strcmp(it, "fade-s") == 0 && num(eq, 0.001, 86400, &d) == 0)
			f->fade_s = d;
		else if (strcmp(it, "late") == 0) {
			char *at = strchr(eq, '@'), *end;
			if (!at || at == eq) {
				snprintf(why, cap, "late wants K@SECONDS");
				return -1;
			}
			*at++ = '\0';
			errno = 0;
			unsigned long k = strtoul(eq, &end, 10);
			if (errno || *end || *eq == '-' || k > SIM_FLEET_MAX || num(at, 0, 86400 * 30, &d)) {
				snprintf(why, cap, "late wants K@SECONDS");
				return -1;
			}
			f->late = (unsigned)k;
			f->late_s = d;
		} else {
			snprintf(why, cap, "bad item '%s=%s'", it, eq);
			return -1;
		}
	}
	return 0;
}

/* ---- seeded numbers (splitmix64) ---- */

static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double unit(uint64_t *s)
{
	return (double)(next_rand(s) >> 11) / 9007199254740992.0;
}

/* The module time of the next event of a Poisson process of `per_hour`. */
static uint64_t next_event(uint64_t *s, uint64_t now, double per_hour)
{
	if (per_hour <= 0)
		return UINT64_MAX;
	double ms = -log(1.0 - unit(s)) * HOUR_MS / per_hour;
	return ms > 1e15 ? UINT64_MAX : now + (uint64_t)ms + 1;
}

/* ---- the heap of modules by key ---- */

struct heap {
	struct dev **a;
	unsigned n;
};

static void heap_swap(struct heap *h, unsigned i, unsigned j)
{
	struct dev *t = h->a[i];
	h->a[i] = h->a[j];
	h->a[j] = t;
	h->a[i]->pos = i;
	h->a[j]->pos = j;
}

static void heap_fix(struct heap *h, unsigned i)
{
	while (i > 0 && h->a[(i - 1) / 2]->key > h->a[i]->key) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, min = i;
		if (l < h->n && h->a[l]->key < h->a[min]->key)
			min = l;
		if (r < h->n && h->a[r]->key < h->a[min]->key)
			min = r;
		if (min == i)
			return;
		heap_swap(h, i, min);
		i = min;
	}
}

/* ---- one module ---- */

static void sink(void *ctx, const void *p, size_t n)
{
	(void)ctx, (void)p, (void)n; /* no AT line: the scripted host reads no URCs */
}

static void no_baud(void *ctx, uint32_t baud)
{
	(void)ctx, (void)baud;
}

static uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
	return a < b ? (a < c ? a : c) : (b < c ? b : c);
}

static void rekey(struct heap *h, struct dev *d)
{
	d->key = d->on ? min3(sim_modem_next_due(d->m), d->cut_at, d->faded ? d->unfade_at : d->fade_at)
		       : d->start_at;
	heap_fix(h, d->pos);
}

static int power_on(const struct sim_fleet_config *c, struct sim_clock *clock, struct dev *d)
{
	struct sim_modem_config cfg = {
		.variant = c->variant, .flash = &d->flash, .clock = clock, .audit = NULL,
		.io = {.write = sink, .set_baud = no_baud, .ctx = d},
		.aux = {.write = NULL, .set_baud = no_baud, .ctx = NULL},
		.power_cut = NULL, .net = &d->net};
	d->m = calloc(1, sizeof *d->m);
	if (!d->m || sim_modem_init(d->m, &cfg) != 0)
		return -1;
	d->on = true;
	return 0;
}

/* The host's script after each step of its module. */
static void host(const struct sim_fleet_config *c, struct dev *d, unsigned *resets)
{
	if (c->lifetime && !d->lifetime_set && sim_lwm2m_running(d->m)) {
		/* AT+ULWM2MWRITE={"bn":"/1/1/","e":[{"n":"1","v":S}]} (note §2.5.1) */
		struct lw_value v = {.type = LW_T_INT, .i = c->lifetime};
		d->lifetime_set = lw_obj_write(d->m, 1, 1, 1, &v, false) == LW_OK;
	}
	/* note §2.7.3: a misbehaving host resets the module when the update
	 * starts, before the install is under way */
	if (d->misbehaving && !d->reset_done && sim_ufota_state(d->m) == FW_UPDATING &&
	    d->m->mode != SIM_MODE_INSTALL && !sim_flash_exists(d->m->flash, "install")) {
		d->reset_done = true;
		(*resets)++;
		sim_modem_reboot(d->m);
	}
}

static void watch_fd(int ep, struct dev *d)
{
	int fd = sim_lwm2m_fd(d->m);
	/* a reboot closes the old context (and so takes its fd out of the
	 * epoll); its number may come back for the new one */
	if (fd == d->fd && d->boots_fd == d->m->boots)
		return;
	d->fd = -1;
	if (fd < 0)
		return;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = d};
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0 || errno == EEXIST) {
		if (errno == EEXIST)
			epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
		d->fd = fd;
		d->boots_fd = d->m->boots;
	}
}

static unsigned pct(const uint32_t *h, uint64_t n, double p)
{
	uint64_t want = (uint64_t)((double)n * p), seen = 0;
	for (unsigned i = 0; i < SIM_LW_HIST; i++) {
		seen += h[i];
		if (seen > want)
			return i;
	}
	return SIM_LW_HIST - 1;
}

static void print_stats(const struct sim_clock *clock, const struct sim_lwm2m_stats *s)
{
	printf("stats t=%.3f reg=%llu upd=%llu fail=%llu reg_p50=%u reg_p99=%u upd_p50=%u upd_p99=%u",
	       (double)sim_clock_wall_ns(clock) / 1e9, (unsigned long long)s->reg,
	       (unsigned long long)s->upd, (unsigned long long)s->fail, pct(s->reg_ms, s->reg, 0.5),
	       pct(s->reg_ms, s->reg, 0.99), pct(s->upd_ms, s->upd, 0.5), pct(s->upd_ms, s->upd, 0.99));
	/* the Updates answered since the last line, as "ms:count" pairs: a
	 * reader adds the lines of its window up and takes that window's
	 * percentiles (the ones above are since the start) */
	static uint32_t last[SIM_LW_HIST];
	const char *sep = "";
	printf(" upd_hist=");
	for (unsigned i = 0; i < SIM_LW_HIST; i++) {
		if (s->upd_ms[i] != last[i])
			printf("%s%u:%u", sep, i, s->upd_ms[i] - last[i]), sep = ",";
		last[i] = s->upd_ms[i];
	}
	printf("%s\n", *sep ? "" : "-");
	fflush(stdout);
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	long kb = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* What a worker shares with the fleet's first process (MAP_SHARED). */
struct share {
	struct sim_lwm2m_stats stats;
	volatile sig_atomic_t ready;
	long rss_kb, grown_kb; /* at ready: the worker's RSS, and what its modules added */
	unsigned on, resets, cuts, fades;
};

/* Open files per module: the client's libcoap context holds its epoll,
 * its timerfd and its socket; a flash on disk opens its records while
 * the module runs (a record's file and its directory at once). */
static unsigned dev_fds(const struct sim_fleet_config *c)
{
	return c->flash_memory ? 3 : 4;
}

#define FD_RESERVE 1024 /* stdio, downloads, libcoap's own */

/* The open-file limit, raised towards want (to the hard limit). */
static rlim_t fd_limit(rlim_t want)
{
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) != 0)
		return 0;
	if (r.rlim_cur < want) {
		struct rlimit up = {.rlim_cur = want, .rlim_max = r.rlim_max < want ? want : r.rlim_max};
		if (setrlimit(RLIMIT_NOFILE, &up) != 0) { /* root may raise the hard limit */
			up.rlim_cur = r.rlim_max < want ? r.rlim_max : want;
			up.rlim_max = r.rlim_max;
			setrlimit(RLIMIT_NOFILE, &up);
		}
		getrlimit(RLIMIT_NOFILE, &r);
	}
	return r.rlim_cur;
}

/* One process's modules [lo, hi): their flash, their power-on, then the
 * loop until *stop. alone: the only process (prints ready and stats). */
static int serve(const struct sim_fleet_config *c, struct dev *devs, unsigned lo, unsigned hi,
		 struct share *sh, bool alone)
{
	struct sim_clock clock;
	struct heap h = {0};
	char path[4096];
	int ep, rc = 1;
	long rss0 = rss_kb();

	sim_clock_init(&clock, c->scale);
	h.a = calloc(hi - lo, sizeof *h.a);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!h.a || ep < 0) {
		fprintf(stderr, "sarafw-sim: --fleet %u: %s\n", c->n, strerror(errno));
		goto out;
	}
	for (unsigned i = lo; i < hi; i++) {
		struct dev *d = &devs[i];
		char err[300];
		uint32_t seed = c->seed * 1000003u + i;
		char imei[16];
		struct sim_provision pv = c->prov ? *c->prov : (struct sim_provision){0};
		sim_factory_imei_nth(c->seed, i, imei); /* no two modules share one */
		pv.imei = imei;
		int r;
		snprintf(path, sizeof path, "%s/m%06u", c->dir, i);
		if (c->flash_memory) {
			r = sim_flash_open_memory(&d->flash, path);
		} else if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "sarafw-sim: cannot make %s: %s\n", path, strerror(errno));
			goto out;
		} else {
			r = sim_flash_open(&d->flash, path);
		}
		if (r == 0)
			r = sim_factory_prepare_with(&d->flash, c->variant, &seed, &pv, err, sizeof err);
		if (r) {
			fprintf(stderr, "sarafw-sim: module %u in %s: %s\n", i, path, r > 0 ? err : strerror(-r));
			goto out;
		}
		d->lw.stats = c->stats_s > 0 ? &sh->stats : NULL;
		if (d->start_at == 0 && power_on(c, &clock, d) != 0) {
			fprintf(stderr, "sarafw-sim: module %u: cannot power on\n", i);
			goto out;
		}
		d->pos = h.n;
		h.a[h.n++] = d;
		d->key = UINT64_MAX;
		rekey(&h, d);
	}
	for (unsigned i = lo; i < hi; i++)
		sh->on += devs[i].on;
	sh->rss_kb = rss_kb();
	sh->grown_kb = sh->rss_kb - rss0;
	sh->ready = 1;
	if (alone) {
		printf("ready fleet %u\nmemory rss_kb=%ld per_module_b=%ld\n", c->n, sh->rss_kb,
		       sh->on ? sh->grown_kb * 1024 / (long)sh->on : 0);
		fflush(stdout);
	}
	uint64_t stats_ns = alone && c->stats_s > 0 ? (uint64_t)(c->stats_s * 1e9) : 0;
	uint64_t stats_at = sim_clock_wall_ns(&clock) + stats_ns;
	while (!*c->stop) {
		struct epoll_event evs[256];
		uint64_t now = sim_clock_now(&clock);
		if (stats_ns && sim_clock_wall_ns(&clock) >= stats_at) {
			print_stats(&clock, &sh->stats);
			stats_at += stats_ns;
		}
		/* at most a short batch of timers before the sockets get their
		 * turn: a long one (thousands of modules due at once) held the
		 * answers already received, and the modules measured the wait */
		for (unsigned batch = 0; h.n && h.a[0]->key <= now && batch < 64; batch++) {
			struct dev *d = h.a[0];
			if (!d->on) {
				if (power_on(c, &clock, d) != 0) {
					fprintf(stderr, "sarafw-sim: a late module cannot power on\n");
					goto out;
				}
			} else if (d->cut_at <= now) {
				sh->cuts++;
				sim_modem_reboot(d->m); /* a power cut: what was not on flash is gone */
				d->cut_at = next_event(&d->rng, now, c->faults.powercut);
			} else if (!d->faded && d->fade_at <= now) {
				/* a signal fade: the radio loses the network for a while */
				sh->fades++;
				d->faded = true;
				sim_modem_set_cfun(d->m, 4);
				d->unfade_at = now + (uint64_t)(c->faults.fade_s * 1000.0);
			} else if (d->faded && d->unfade_at <= now) {
				d->faded = false;
				sim_modem_set_cfun(d->m, 1);
				d->fade_at = next_event(&d->rng, now, c->faults.fade);
			} else {
				sim_modem_tick(d->m);
			}
			host(c, d, &sh->resets);
			watch_fd(ep, d);
			rekey(&h, d);
			now = sim_clock_now(&clock);
		}
		int timeout = h.n && h.a[0]->key != UINT64_MAX ? sim_clock_wall_ms_until(&clock, h.a[0]->key) : 1000;
		if (timeout > 1000)
			timeout = 1000;
		if (stats_ns) {
			uint64_t w = sim_clock_wall_ns(&clock);
			int until = w >= stats_at ? 0 : (int)((stats_at - w) / 1000000u) + 1;
			if (until < timeout)
				timeout = until;
		}
		int n = epoll_pwait(ep, evs, 256, timeout, c->awake);
		if (n < 0 && errno != EINTR) {
			perror("sarafw-sim: epoll_wait");
			goto out;
		}
		for (int i = 0; i < n; i++) {
			struct dev *d = evs[i].data.ptr;
			sim_lwm2m_io(d->m);
			host(c, d, &sh->resets);
			watch_fd(ep, d);
			rekey(&h, d);
		}
	}
	rc = 0;
out:
	if (ep >= 0)
		close(ep);
	/* the modules stay as they are until the process ends (their flash
	 * holds what a module keeps): kept reachable, not torn down one by one */
	fleet_heap = h.a;
	return rc;
}

/* The first process of a fleet spread over workers: merges their figures
 * and prints them, stops them all when it is stopped or one of them ends. */
static int supervise(const struct sim_fleet_config *c, struct share *sh, const pid_t *pids, unsigned procs)
{
	struct sim_clock clock;
	static struct sim_lwm2m_stats all;
	bool ready = false;
	unsigned live = procs;
	int rc = 0;
	sim_clock_init(&clock, c->scale);
	uint64_t stats_ns = c->stats_s > 0 ? (uint64_t)(c->stats_s * 1e9) : 0;
	uint64_t stats_at = 0;
	while (!*c->stop && live == procs) {
		uint64_t w = sim_clock_wall_ns(&clock);
		uint64_t wait_ns = 100000000u;
		if (ready && stats_ns && stats_at > w && stats_at - w < wait_ns)
			wait_ns = stats_at - w;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(ready && stats_ns && stats_at <= w ? 0 : wait_ns)};
		ppoll(NULL, 0, &ts, c->awake);
		int st;
		pid_t p;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
			live--;
			fprintf(stderr, "sarafw-sim: a fleet worker (pid %ld) ended (%s %d): the fleet stops\n",
				(long)p, WIFEXITED(st) ? "status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
			rc = 1;
		}
		if (!ready) {
			unsigned k = 0, on = 0;
			long rss = 0, grown = 0;
			while (k < procs && sh[k].ready) {
				on += sh[k].on;
				rss += sh[k].rss_kb;
				grown += sh[k].grown_kb;
				k++;
			}
			if (k < procs)
				continue;
			ready = true;
			printf("ready fleet %u\nmemory rss_kb=%ld per_module_b=%ld\n", c->n, rss,
			       on ? grown * 1024 / (long)on : 0);
			fflush(stdout);
			stats_at = sim_clock_wall_ns(&clock) + stats_ns;
		}
		if (stats_ns && sim_clock_wall_ns(&clock) >= stats_at) {
			memset(&all, 0, sizeof all);
			for (unsigned k = 0; k < procs; k++) {
				all.reg += sh[k].stats.reg;
				all.upd += sh[k].stats.upd;
				all.fail += sh[k].stats.fail;
				for (unsigned b = 0; b < SIM_LW_HIST; b++) {
					all.reg_ms[b] += sh[k].stats.reg_ms[b];
					all.upd_ms[b] += sh[k].stats.upd_ms[b];
				}
			}
			print_stats(&clock, &all);
			stats_at += stats_ns;
		}
	}
	for (unsigned k = 0; k < procs; k++)
		kill(pids[k], SIGTERM);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	return rc;
}

int sim_fleet_run(const struct sim_fleet_config *c)
{
	struct dev *devs;
	char path[4096];
	FILE *list;
	unsigned bad = 0, procs = 0, per = 0;
	int rc = 1;
	struct share *sh = NULL;

	if (mkdir(c->dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "sarafw-sim: cannot make fleet dir %s: %s\n", c->dir, strerror(errno));
		return 1;
	}
	/* each module holds dev_fds() open files: a fleet short of them would
	 * lose records (a module whose identity cannot be read registers as
	 * "urn:imei:", and every such module takes the others' registration),
	 * so the fleet spreads over worker processes (each has the limit), or
	 * is refused */
	{
		unsigned per_dev = dev_fds(c);
		rlim_t want = (rlim_t)c->n * per_dev + FD_RESERVE;
		rlim_t have = fd_limit(want);
		rlim_t cap = have > FD_RESERVE ? (have - FD_RESERVE) / per_dev : 0;
		if (cap)
			procs = c->procs ? c->procs : (unsigned)((c->n + cap - 1) / cap);
		if (procs > c->n)
			procs = c->n;
		if (procs)
			per = (c->n + procs - 1) / procs;
		if (!cap || procs > SIM_FLEET_PROCS_MAX || per > cap) {
			fprintf(stderr,
				"sarafw-sim: --fleet %u needs %lu open files, the limit is %lu (ulimit -n): "
				"a process holds at most %lu modules, at most %d processes\n",
				c->n, (unsigned long)want, (unsigned long)have, (unsigned long)cap, SIM_FLEET_PROCS_MAX);
			return 1;
		}
	}
	devs = calloc(c->n, sizeof *devs);
	snprintf(path, sizeof path, "%s/fleet.txt", c->dir);
	list = fopen(path, "w");
	sh = mmap(NULL, (size_t)procs * sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!devs || !list || sh == MAP_FAILED) {
		fprintf(stderr, "sarafw-sim: --fleet %u: %s\n", c->n, strerror(errno));
		sh = NULL;
		goto out;
	}
	/* misbehaving hosts: round(share * N) of them, seeded */
	{
		unsigned want = (unsigned)lround(c->faults.misbehave * c->n);
		uint64_t s = (uint64_t)c->seed * 0x100000001b3ull + 17;
		while (bad < want) {
			struct dev *d = &devs[next_rand(&s) % c->n];
			if (!d->misbehaving) {
				d->misbehaving = true;
				bad++;
			}
		}
	}
	for (unsigned i = 0; i < c->n; i++) {
		struct dev *d = &devs[i];
		char imei[16];
		d->net = *c->net;
		d->lw = *c->lwm2m;
		d->lw.external_poll = true;
		/* each module on its own loopback address (all of 127.0.0.0/8 is
		 * lo's), as modules on a network: 127.1.0.1, 127.1.0.2, ... */
		uint32_t a = 0x7f010000u + i + 1;
		snprintf(d->bind, sizeof d->bind, "127.%u.%u.%u", a >> 16 & 255, a >> 8 & 255, a & 255);
		d->lw.bind_host = d->bind;
		d->lw.bind_port = &fleet_port;
		d->net.lwm2m = &d->lw;
		d->rng = (uint64_t)c->seed << 32 ^ i;
		d->fd = -1;
		d->start_at = i >= c->n - (c->faults.late < c->n ? c->faults.late : c->n)
				      ? (uint64_t)(c->faults.late_s * 1000.0)
				      : (uint64_t)(c->ramp_s * 1000.0 * i / c->n);
		d->cut_at = next_event(&d->rng, d->start_at, c->faults.powercut);
		d->fade_at = next_event(&d->rng, d->start_at, c->faults.fade);
		d->unfade_at = UINT64_MAX;
		sim_factory_imei_nth(c->seed, i, imei); /* no two modules share one */
		snprintf(d->psk_id, sizeof d->psk_id, "urn:imei:%s", imei);
		if (d->lw.psk_id)
			d->lw.psk_id = d->psk_id; /* the server wants identity == endpoint */
		fprintf(list, "%u %s %s %.3f\n", i, imei, d->misbehaving ? "misbehaving" : "good",
			(double)d->start_at / 1000.0);
	}
	if (fclose(list) != 0) {
		list = NULL;
		fprintf(stderr, "sarafw-sim: %s: %s\n", path, strerror(errno));
		goto out;
	}
	list = NULL;
	fleet_devs = devs;
	if (procs == 1) {
		rc = serve(c, devs, 0, c->n, &sh[0], true);
	} else {
		pid_t pids[SIM_FLEET_PROCS_MAX];
		pid_t first = getpid();
		fflush(NULL);
		for (unsigned k = 0; k < procs; k++) {
			unsigned lo = k * per, hi = lo + per < c->n ? lo + per : c->n;
			pids[k] = fork();
			if (pids[k] == 0) {
				/* a worker ends with the fleet's first process, even a killed one */
				prctl(PR_SET_PDEATHSIG, SIGTERM);
				if (getppid() != first)
					_exit(1);
				_exit(lo < hi ? serve(c, devs, lo, hi, &sh[k], false) : 0);
			}
			if (pids[k] < 0) {
				fprintf(stderr, "sarafw-sim: fork: %s\n", strerror(errno));
				procs = k;
				break;
			}
		}
		rc = procs ? supervise(c, sh, pids, procs) : 1;
	}
	{
		unsigned resets = 0, cuts = 0, fades = 0;
		for (unsigned k = 0; k < procs; k++) {
			resets += sh[k].resets;
			cuts += sh[k].cuts;
			fades += sh[k].fades;
		}
		if (rc == 0)
			fprintf(stderr, "sarafw-sim: fleet of %u: %u host resets, %u power cuts, %u fades\n", c->n,
				resets, cuts, fades);
	}
out:
	if (list)
		fclose(list);
	/* the shared figures and the modules stay until the process ends */
	return rc;
}
