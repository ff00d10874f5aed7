/* uFOTA controls (see sarafw/ufota.h): blocking helpers over sarafw_cmd
 * for the life timer, check-in and deregistration (note §2.5), the
 * network rules of §2.8.3 and §2.8.4, the firmware object's resources
 * and the update URCs (§2.2). */
#include <string.h>

#include "sarafw/cmdbuf.h"
#include "sarafw/error.h"
#include "sarafw/timeouts.h"
#include "sarafw/ufota.h"
#include "str.h"

/* "+ULWM2MREAD: " and §2.5.1's /1 instance with its nine resources fit */
#define READ_MAX 300u
/* /1 instances searched for the u-blox server; §2.5.1 shows it at /1/1 */
static const uint8_t server_instances[] = { 1, 0, 2, 3 };

static const sarafw_variant *variant(const sarafw_dev *dev)
{
	return dev ? dev->variant : NULL;
}

/* A decimal number at *p (optional '-'), spaces before it skipped. */
static bool number(const char **p, long *out)
{
	const char *s = *p;
	long v = 0;
	bool neg = false;
	int digits = 0;
	while (*s == ' ')
		s++;
	if (*s == '-') {
		neg = true;
		s++;
	}
	while (*s >= '0' && *s <= '9' && digits < 10) {
		v = v * 10 + (*s++ - '0');
		digits++;
	}
	if (!digits || (*s >= '0' && *s <= '9'))
		return false;
	*out = neg ? -v : v;
	*p = s;
	return true;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return s;
}

/* §2.5.1: {"bn":"/1/1/","e":[{"n": "0","v":721}, {"n": "1", "v":86400}, ...]} */
int sarafw_ufota_senml_value(const char *json, const char *res, long *value)
{
	const char *p = json;
	if (!json || !value)
		return SARAFW_EINVAL;
	while (*p) {
		const char *obj = p, *end, *v;
		bool match = res == NULL;
		/* one entry: from '{' to its '}' (SenML entries hold no objects) */
		while (*obj && *obj != '{')
			obj++;
		if (!*obj)
			break;
		for (end = obj + 1; *end && *end != '}' && *end != '{'; end++)
			;
		if (*end == '{') { /* the outer object: go into it */
			p = end;
			continue;
		}
		if (!*end)
			break;
		if (res) {
			const char *n = obj;
			size_t rl = sarafw_str_len(res);
			for (; n + 3 < end; n++) {
				if (n[0] != '"' || n[1] != 'n' || n[2] != '"')
					continue;
				n = skip_ws(n + 3);
				if (*n != ':')
					break;
				n = skip_ws(n + 1);
				if (*n == '"' && (size_t)(end - n) > rl + 1 && memcmp(n + 1, res, rl) == 0 && n[rl + 1] == '"')
					match = true;
				break;
			}
		}
		if (match) {
			for (v = obj; v + 3 < end; v++) {
				if (v[0] != '"' || v[1] != 'v' || v[2] != '"')
					continue;
				v = skip_ws(v + 3);
				if (*v != ':')
					break;
				v = skip_ws(v + 1);
				if (number(&v, value) && (*skip_ws(v) == ',' || *skip_ws(v) == '}'))
					return SARAFW_OK;
				break;
			}
		}
		p = end + 1;
	}
	return SARAFW_EPROTO;
}

/* AT+ULWM2MREAD="<path>" into out. */
static int lwm2m_read(sarafw_dev *dev, const char *path, char *out, size_t size)
{
	char cmd[40];
	sarafw_cmdbuf b;
	sarafw_cmdbuf_init(&b, cmd, sizeof cmd);
	sarafw_cmdbuf_str(&b, "AT+ULWM2MREAD=");
	sarafw_cmdbuf_quoted(&b, path);
	if (b.overflow)
		return SARAFW_EINVAL;
	return sarafw_cmd_get(dev, cmd, "+ULWM2MREAD:", SARAFW_ANSWER_MS, out, size);
}

/* The /1 instance of the u-blox server (short server id 721) and its
 * lifetime. */
static int ublox_server(sarafw_dev *dev, uint8_t *inst, long *lifetime)
{
	char buf[READ_MAX], path[8] = "/1/0";
	int rc = SARAFW_EPROTO;
	for (size_t i = 0; i < sizeof server_instances; i++) {
		long sid;
		path[3] = (char)('0' + server_instances[i]);
		rc = lwm2m_read(dev, path, buf, sizeof buf);
		if (rc == SARAFW_ETIMEOUT || rc == SARAFW_EIO)
			return rc;
		if (rc != SARAFW_OK)
			continue;
		if (sarafw_ufota_senml_value(buf, "0", &sid) == SARAFW_OK && sid == (long)SARAFW_UFOTA_SERVER_UBLOX) {
			*inst = server_instances[i];
			return sarafw_ufota_senml_value(buf, "1", lifetime);
		}
		rc = SARAFW_EPROTO;
	}
	return rc == SARAFW_OK ? SARAFW_EPROTO : rc;
}

static int ufotaconf_get(sarafw_dev *dev, long *seconds)
{
	char buf[32];
	const char *p = buf;
	long op;
	/* §2.5.2: +UFOTACONF: 2,86400 (AT-FACTS: "2, -1" once disabled) */
	int rc = sarafw_cmd_get(dev, "AT+UFOTACONF=2", "+UFOTACONF:", SARAFW_ANSWER_MS, buf, sizeof buf);
	if (rc)
		return rc;
	if (!number(&p, &op) || op != 2 || *p != ',')
		return SARAFW_EPROTO;
	p++;
	if (!number(&p, seconds) || *skip_ws(p) || *seconds < -1)
		return SARAFW_EPROTO;
	return SARAFW_OK;
}

static int ufotaconf_set(sarafw_dev *dev, long seconds)
{
	char cmd[32];
	sarafw_cmdbuf b;
	sarafw_cmdbuf_init(&b, cmd, sizeof cmd);
	sarafw_cmdbuf_str(&b, seconds < 0 ? "AT+UFOTACONF=2,-1" : "AT+UFOTACONF=2,");
	if (seconds >= 0)
		sarafw_cmdbuf_u32(&b, (uint32_t)seconds);
	return sarafw_cmd(dev, cmd, NULL, SARAFW_ANSWER_MS, NULL, NULL);
}

int sarafw_ufota_lifetime_get(sarafw_dev *dev, long *seconds)
{
	const sarafw_variant *v = variant(dev);
	uint8_t inst;
	if (!v || !seconds)
		return v ? SARAFW_EINVAL : SARAFW_ENOTSUP;
	if (v->ufotaconf)
		return ufotaconf_get(dev, seconds);
	if (v->lwm2m_at)
		return ublox_server(dev, &inst, seconds);
	return SARAFW_ENOTSUP;
}

int sarafw_ufota_lifetime_set(sarafw_dev *dev, long seconds)
{
	const sarafw_variant *v = variant(dev);
	char cmd[80];
	sarafw_cmdbuf b;
	uint8_t inst;
	long old;
	int rc;
	if (!v)
		return SARAFW_ENOTSUP;
	if (seconds == 0 || seconds < -1 || seconds > 0x7FFFFFFFL)
		return SARAFW_EINVAL;
	if (v->ufotaconf)
		return ufotaconf_set(dev, seconds); /* §2.5.2: -1 disables */
	if (!v->lwm2m_at || seconds < 0)
		return SARAFW_ENOTSUP; /* no way to disable it there */
	rc = ublox_server(dev, &inst, &old);
	if (rc)
		return rc;
	/* §2.5.1: AT+ULWM2MWRITE={"bn":"/1/1/","e":[{"n":"1","v":604800}]} */
	sarafw_cmdbuf_init(&b, cmd, sizeof cmd);
	sarafw_cmdbuf_str(&b, "AT+ULWM2MWRITE={\"bn\":\"/1/");
	sarafw_cmdbuf_u32(&b, inst);
	sarafw_cmdbuf_str(&b, "/\",\"e\":[{\"n\":\"1\",\"v\":");
	sarafw_cmdbuf_u32(&b, (uint32_t)seconds);
	sarafw_cmdbuf_str(&b, "}]}");
	return sarafw_cmd(dev, cmd, NULL, SARAFW_ANSWER_MS, NULL, NULL);
}

int sarafw_ufota_checkin(sarafw_dev *dev, unsigned server)
{
	const sarafw_variant *v = variant(dev);
	char cmd[24];
	sarafw_cmdbuf b;
	long s;
	int rc;
	if (!v)
		return SARAFW_ENOTSUP;
	if (v->ufotaconf) {
		/* §2.5.2, §2.8.4: setting the timer, even to the same value */
		rc = ufotaconf_get(dev, &s);
		return rc ? rc : ufotaconf_set(dev, s);
	}
	if (!v->lwm2m_at)
		return SARAFW_ENOTSUP;
	sarafw_cmdbuf_init(&b, cmd, sizeof cmd);
	sarafw_cmdbuf_str(&b, "AT+ULWM2MREG=");
	sarafw_cmdbuf_u32(&b, server ? server : SARAFW_UFOTA_SERVER_UBLOX);
	return sarafw_cmd(dev, cmd, NULL, SARAFW_ANSWER_MS, NULL, NULL);
}

int sarafw_ufota_deregister(sarafw_dev *dev)
{
	const sarafw_variant *v = variant(dev);
	if (!v || !v->lwm2m_at)
		return SARAFW_ENOTSUP;
	return sarafw_cmd(dev, "AT+ULWM2MDEREG", NULL, SARAFW_ANSWER_MS, NULL, NULL);
}

/* +CGACT: <cid>,<state> lines: the active cids as bits. */
static void cgact_line(void *ctx, int argc, const char *const *argv, const char *line)
{
	uint32_t *active = ctx;
	long cid, st;
	(void)line;
	if (argc == 2 && sarafw_at_int(argv[0], &cid) && sarafw_at_int(argv[1], &st) && cid >= 0 && cid < 32 && st == 1)
		*active |= 1u << cid;
}

/* +COPS: <mode>[,<format>,<oper>[,<AcT>]]: AcT 0 GSM, 3 GSM w/EGPRS (27.007) */
static void cops_line(void *ctx, int argc, const char *const *argv, const char *line)
{
	int *gsm = ctx;
	long act;
	(void)line;
	if (argc >= 4 && sarafw_at_int(argv[3], &act))
		*gsm = act == 0 || act == 3;
}

int sarafw_ufota_checkin_2g(sarafw_dev *dev, unsigned server, int gsm, uint32_t *down)
{
	const sarafw_variant *v = variant(dev);
	uint32_t active = 0;
	int rc;
	if (down)
		*down = 0;
	if (!v)
		return SARAFW_ENOTSUP;
	if (v->gsm_context) {
		if (gsm == SARAFW_UFOTA_RAT_ASK) {
			gsm = 0;
			rc = sarafw_cmd(dev, "AT+COPS?", "+COPS:", SARAFW_ANSWER_MS, cops_line, &gsm);
			if (rc)
				return rc;
		}
		if (gsm) {
			/* §2.8.4: a host-activated context blocks the client's data call */
			rc = sarafw_cmd(dev, "AT+CGACT?", "+CGACT:", SARAFW_ANSWER_MS, cgact_line, &active);
			if (rc)
				return rc;
			for (uint32_t cid = 0; cid < 32; cid++) {
				char cmd[16];
				sarafw_cmdbuf b;
				if (!(active & (1u << cid)))
					continue;
				sarafw_cmdbuf_init(&b, cmd, sizeof cmd);
				sarafw_cmdbuf_str(&b, "AT+CGACT=0,");
				sarafw_cmdbuf_u32(&b, cid);
				rc = sarafw_cmd(dev, cmd, NULL, SARAFW_ANSWER_MS, NULL, NULL);
				if (rc)
					return rc;
				if (down)
					*down |= 1u << cid;
			}
			if (active && down) {
				/* a context the client holds itself (for a download it
				 * keeps) stays up through the host's CGACT=0: only what
				 * really went down is the application's to bring up */
				uint32_t still = 0;
				rc = sarafw_cmd(dev, "AT+CGACT?", "+CGACT:", SARAFW_ANSWER_MS, cgact_line, &still);
				if (rc)
					return rc;
				*down &= ~still;
			}
		}
	}
	return sarafw_ufota_checkin(dev, server);
}

struct apns {
	char cid1[64];
	char cid3[64];
	bool has1, has3;
};

static void copy(char *dst, size_t size, const char *src)
{
	size_t n = sarafw_str_len(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* +CGDCONT: <cid>,"<PDP_type>","<APN>",... */
static void cgdcont_line(void *ctx, int argc, const char *const *argv, const char *line)
{
	struct apns *a = ctx;
	long cid;
	(void)line;
	if (argc < 3 || !sarafw_at_int(argv[0], &cid))
		return;
	if (cid == 1) {
		copy(a->cid1, sizeof a->cid1, argv[2]);
		a->has1 = true;
	} else if (cid == 3) {
		copy(a->cid3, sizeof a->cid3, argv[2]);
		a->has3 = true;
	}
}

static void umnoprof_line(void *ctx, int argc, const char *const *argv, const char *line)
{
	long *id = ctx;
	(void)line;
	if (argc >= 1)
		(void)sarafw_at_int(argv[0], id);
}

int sarafw_ufota_vzw_apn_fix(sarafw_dev *dev, bool *changed)
{
	const sarafw_variant *v = variant(dev);
	struct apns a;
	char cmd[96];
	sarafw_cmdbuf b;
	long prof = -1;
	int rc;
	if (changed)
		*changed = false;
	if (!v)
		return SARAFW_ENOTSUP;
	if (!v->vzw_cid3)
		return SARAFW_OK;
	rc = sarafw_cmd(dev, "AT+UMNOPROF?", "+UMNOPROF:", SARAFW_ANSWER_MS, umnoprof_line, &prof);
	if (rc)
		return rc;
	if (prof != 3) /* §2.8.3: the Verizon profile */
		return SARAFW_OK;
	memset(&a, 0, sizeof a);
	rc = sarafw_cmd(dev, "AT+CGDCONT?", "+CGDCONT:", SARAFW_ANSWER_MS, cgdcont_line, &a);
	if (rc)
		return rc;
	if (!a.has1 || !a.cid1[0] || (a.has3 && sarafw_str_eq(a.cid1, a.cid3)))
		return SARAFW_OK;
	/* §2.8.3: AT+CGDCONT=3,"IP","so01.vzwstatic" (no IPv6 uFOTA there, §2.1) */
	sarafw_cmdbuf_init(&b, cmd, sizeof cmd);
	sarafw_cmdbuf_str(&b, "AT+CGDCONT=3,\"IP\",");
	sarafw_cmdbuf_quoted(&b, a.cid1);
	if (b.overflow)
		return SARAFW_EPROTO;
	rc = sarafw_cmd(dev, cmd, NULL, SARAFW_ANSWER_MS, NULL, NULL);
	if (rc == SARAFW_OK && changed)
		*changed = true;
	return rc;
}

int sarafw_ufota_read_fw(sarafw_dev *dev, int *state, int *result)
{
	const sarafw_variant *v = variant(dev);
	char buf[READ_MAX];
	long val;
	int rc;
	if (!v || !v->lwm2m_at)
		return SARAFW_ENOTSUP;
	rc = lwm2m_read(dev, "/5/0/3", buf, sizeof buf);
	if (rc == SARAFW_OK)
		rc = sarafw_ufota_senml_value(buf, NULL, &val);
	if (rc)
		return rc;
	if (state)
		*state = (int)val;
	rc = lwm2m_read(dev, "/5/0/5", buf, sizeof buf);
	if (rc == SARAFW_OK)
		rc = sarafw_ufota_senml_value(buf, NULL, &val);
	if (rc)
		return rc;
	if (result)
		*result = (int)val;
	return SARAFW_OK;
}

int sarafw_ufota_urcs(sarafw_dev *dev, uint8_t urcs, bool on)
{
	const sarafw_variant *v = variant(dev);
	uint8_t want;
	int rc = SARAFW_OK;
	if (!v)
		return SARAFW_ENOTSUP;
	want = (uint8_t)((urcs ? urcs : (SARAFW_URC_UFOTASTAT | SARAFW_URC_ULWM2MSTAT)) & v->urcs);
	if (!want)
		return SARAFW_ENOTSUP;
	if (want & SARAFW_URC_UFOTASTAT)
		rc = sarafw_cmd(dev, on ? "AT+UFOTASTAT=1" : "AT+UFOTASTAT=0", NULL, SARAFW_ANSWER_MS, NULL, NULL);
	if (rc == SARAFW_OK && (want & SARAFW_URC_ULWM2MSTAT))
		rc = sarafw_cmd(dev, on ? "AT+ULWM2MSTAT=1" : "AT+ULWM2MSTAT=0", NULL, SARAFW_ANSWER_MS, NULL, NULL);
	return rc;
}
