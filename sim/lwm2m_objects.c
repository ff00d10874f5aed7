/* The LwM2M object model of the simulated module (lwm2m.h): const rows of
 * resources, values read from the client's state, the identity records
 * and the firmware object (ufota.c). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lwm2m.h"
#include "netdl.h"
#include "network.h"
#include "ufota.h"

/* note §2.5.1, AT+ULWM2MLIST="/" */
const char *const lw_instance_list[] = {
	"/1/1",	 "/1/2",   "/2/1",  "/2/2",  "/2/3",   "/2/4",	"/2/5",	  "/2/6",    "/2/7",
	"/2/8",	 "/2/9",   "/2/10", "/2/11", "/2/12",  "/2/13", "/2/14",  "/2/15",   "/2/16",
	"/2/17", "/2/18",  "/2/0",  "/3/0",  "/4/0",   "/5/0",	"/6",	  "/7/0",    "/10",
	"/11/1", "/11/0",  "/14/1", "/14/2", "/14/3",  "/14/4", "/14/5",  "/14/6",   "/14/7",
	"/14/0", "/15",	   "/16/0", "/33056", "/10241", "/2048/0", "/3300", "/33053/0", "/10262",
	"/0/1",	 "/0/2",   NULL,
};

#define R LW_OP_R
#define W LW_OP_W
#define E LW_OP_E
static const struct lw_res security[] = {
	{.obj = 0, .res = 0, .type = LW_T_STR, .ops = R | W, .name = "LwM2M Server URI"},
	{.obj = 0, .res = 1, .type = LW_T_BOOL, .ops = R | W, .name = "Bootstrap-Server"},
	{.obj = 0, .res = 2, .type = LW_T_INT, .ops = R | W, .name = "Security Mode"},
	{.obj = 0, .res = 3, .type = LW_T_OPAQUE, .ops = R | W, .name = "Public Key or Identity"},
	{.obj = 0, .res = 10, .type = LW_T_INT, .ops = R | W, .name = "Short Server ID"},
	{.obj = 0, .res = 11, .type = LW_T_INT, .ops = R | W, .name = "Client Hold Off Time"},
};
static const struct lw_res server[] = {
	{.obj = 1, .res = 0, .type = LW_T_INT, .ops = R, .name = "Short Server ID"},
	{.obj = 1, .res = 1, .type = LW_T_INT, .ops = R | W, .name = "Lifetime"},
	{.obj = 1, .res = 2, .type = LW_T_INT, .ops = R | W, .name = "Default Minimum Period"},
	{.obj = 1, .res = 3, .type = LW_T_INT, .ops = R | W, .name = "Default Maximum Period"},
	{.obj = 1, .res = 4, .type = LW_T_EXEC, .ops = E, .name = "Disable"},
	{.obj = 1, .res = 5, .type = LW_T_INT, .ops = R | W, .name = "Disable Timeout"},
	{.obj = 1, .res = 6, .type = LW_T_BOOL, .ops = R | W, .name = "Notification Storing"},
	{.obj = 1, .res = 7, .type = LW_T_STR, .ops = R | W, .name = "Binding"},
	{.obj = 1, .res = 8, .type = LW_T_EXEC, .ops = E, .name = "Registration Update Trigger"},
	/* note §2.5.1 prints "30000/1":30 and "30000/0":0 (u-blox's own) */
	{.obj = 1, .res = 30000, .type = LW_T_MULTI, .ops = R, .name = "u-blox timers"},
};
static const struct lw_res device[] = {
	{.obj = 3, .res = 0, .type = LW_T_STR, .ops = R, .name = "Manufacturer"},
	{.obj = 3, .res = 1, .type = LW_T_STR, .ops = R, .name = "Model Number"},
	{.obj = 3, .res = 2, .type = LW_T_STR, .ops = R, .name = "Serial Number"},
	{.obj = 3, .res = 3, .type = LW_T_STR, .ops = R, .name = "Firmware Version"},
	{.obj = 3, .res = 4, .type = LW_T_EXEC, .ops = E, .name = "Reboot"},
	{.obj = 3, .res = 11, .type = LW_T_MULTI, .ops = R, .name = "Error Code"},
	{.obj = 3, .res = 16, .type = LW_T_STR, .ops = R, .name = "Supported Binding and Modes"},
	{.obj = 3, .res = 17, .type = LW_T_STR, .ops = R, .name = "Device Type"},
	{.obj = 3, .res = 19, .type = LW_T_STR, .ops = R, .name = "Software Version"},
};
static const struct lw_res firmware[] = {
	{.obj = 5, .res = 0, .type = LW_T_OPAQUE, .ops = W, .name = "Package"},
	{.obj = 5, .res = 1, .type = LW_T_STR, .ops = R | W, .name = "Package URI"},
	{.obj = 5, .res = 2, .type = LW_T_EXEC, .ops = E, .name = "Update"},
	{.obj = 5, .res = 3, .type = LW_T_INT, .ops = R, .name = "State"},
	{.obj = 5, .res = 5, .type = LW_T_INT, .ops = R, .name = "Update Result"},
	{.obj = 5, .res = 6, .type = LW_T_STR, .ops = R, .name = "PkgName"},
	{.obj = 5, .res = 7, .type = LW_T_STR, .ops = R, .name = "PkgVersion"},
	{.obj = 5, .res = 8, .type = LW_T_MULTI, .ops = R, .name = "Firmware Update Protocol Support"},
	{.obj = 5, .res = 9, .type = LW_T_INT, .ops = R, .name = "Firmware Update Delivery Method"},
};
#undef R
#undef W
#undef E

static const struct {
	uint16_t obj;
	const struct lw_res *rows;
	size_t n;
} objects[] = {
	{.obj = 0, .rows = security, .n = sizeof security / sizeof security[0]},
	{.obj = 1, .rows = server, .n = sizeof server / sizeof server[0]},
	{.obj = 3, .rows = device, .n = sizeof device / sizeof device[0]},
	{.obj = 5, .rows = firmware, .n = sizeof firmware / sizeof firmware[0]},
};

const struct lw_res *lw_obj_resources(uint16_t obj, size_t *n)
{
	for (size_t i = 0; i < sizeof objects / sizeof objects[0]; i++)
		if (objects[i].obj == obj) {
			*n = objects[i].n;
			return objects[i].rows;
		}
	*n = 0;
	return NULL;
}

const struct lw_res *lw_obj_find(uint16_t obj, uint16_t res)
{
	size_t n;
	const struct lw_res *rows = lw_obj_resources(obj, &n);
	for (size_t i = 0; i < n; i++)
		if (rows[i].res == res)
			return &rows[i];
	return NULL;
}

bool lw_obj_exists(uint16_t obj)
{
	char p[8];
	snprintf(p, sizeof p, "/%u", obj);
	for (size_t i = 0; lw_instance_list[i]; i++) {
		size_t l = strlen(p);
		if (strncmp(lw_instance_list[i], p, l) == 0 &&
		    (lw_instance_list[i][l] == '/' || lw_instance_list[i][l] == '\0'))
			return true;
	}
	return false;
}

bool lw_obj_instance_exists(struct sim_modem *m, uint16_t obj, uint16_t inst)
{
	char p[16];
	if (obj <= 1) {
		struct lw_server *s = inst >= 1 && inst <= LW_SERVERS ? sim_lwm2m_server(m, inst - 1) : NULL;
		return s && s->present;
	}
	snprintf(p, sizeof p, "/%u/%u", obj, inst);
	for (size_t i = 0; lw_instance_list[i]; i++)
		if (strcmp(lw_instance_list[i], p) == 0)
			return true;
	return false;
}

static void set_str(struct lw_value *v, const char *s)
{
	v->type = LW_T_STR;
	snprintf(v->s, sizeof v->s, "%s", s ? s : "");
	v->len = strlen(v->s);
}

static void set_int(struct lw_value *v, int64_t i)
{
	v->type = LW_T_INT;
	v->i = i;
}

static void set_bool(struct lw_value *v, bool b)
{
	v->type = LW_T_BOOL;
	v->b = b;
}

static const char *record(struct sim_modem *m, const char *name, const char *key,
			  struct sim_kv *kv)
{
	if (sim_kv_load(m->flash, name, kv) < 0)
		return NULL;
	return sim_kv_get(kv, key);
}

static int read_security(struct sim_modem *m, const struct lw_server *s, uint16_t res,
			 struct lw_value *v)
{
	const struct sim_lwm2m_config *c = m->net ? m->net->lwm2m : NULL;
	bool ours = s->ssid == LW_SSID_UBLOX && c && c->server_uri;
	switch (res) {
	case 0:
		/* note §2.8.1: lwm2m-fota.services.u-blox.com, port 5684 */
		set_str(v, ours ? c->server_uri
				: s->ssid == LW_SSID_UBLOX ? "coaps://lwm2m-fota.services.u-blox.com:5684"
							   : "");
		return LW_OK;
	case 1: set_bool(v, s->bootstrap); return LW_OK;
	case 2: set_int(v, s->sec_mode); return LW_OK;
	case 3:
		v->type = LW_T_OPAQUE;
		snprintf(v->s, sizeof v->s, "%s", ours && c->psk_id ? c->psk_id : "");
		v->len = strlen(v->s);
		return LW_OK;
	case 10: set_int(v, s->ssid); return LW_OK;
	case 11: set_int(v, 0); return LW_OK;
	}
	return LW_E_NOT_FOUND;
}

static int read_server(struct lw_server *s, uint16_t res, struct lw_value *v)
{
	switch (res) {
	case 0: set_int(v, s->ssid); return LW_OK;
	case 1: set_int(v, s->lifetime); return LW_OK;
	case 2: set_int(v, s->pmin); return LW_OK;
	case 3: set_int(v, s->pmax); return LW_OK;
	case 5: set_int(v, s->disable_timeout); return LW_OK;
	case 6: set_bool(v, s->store); return LW_OK;
	case 7: set_str(v, s->binding); return LW_OK;
	case 30000:
		v->type = LW_T_MULTI;
		v->n = 2; /* note §2.5.1 lists instance 1 first */
		v->mid[0] = 1;
		v->multi[0] = 30;
		v->mid[1] = 0;
		v->multi[1] = 0;
		return LW_OK;
	}
	return LW_E_NOT_FOUND;
}

static int read_device(struct sim_modem *m, uint16_t res, struct lw_value *v)
{
	struct sim_kv kv;
	char fw[80];
	const char *s;
	switch (res) {
	case 0: set_str(v, "u-blox"); return LW_OK;
	case 1: set_str(v, m->v->id.model); return LW_OK;
	case 2: set_str(v, record(m, "identity", "imei", &kv)); return LW_OK;
	case 3: /* ATI9's "modem,app" */
		s = record(m, "firmware", "modem_version", &kv);
		snprintf(fw, sizeof fw, "%s,", s ? s : m->v->id.modem_fw);
		s = sim_kv_get(&kv, "app_version");
		snprintf(fw + strlen(fw), sizeof fw - strlen(fw), "%s", s ? s : m->v->id.app_fw);
		set_str(v, fw);
		return LW_OK;
	case 11:
		v->type = LW_T_MULTI;
		v->n = 1;
		v->mid[0] = 0;
		v->multi[0] = 0; /* no error */
		return LW_OK;
	case 16: set_str(v, "UQ"); return LW_OK;
	case 17: set_str(v, "Module"); return LW_OK;
	case 19:
		s = record(m, "firmware", "app_version", &kv);
		set_str(v, s ? s : m->v->id.app_fw);
		return LW_OK;
	}
	return LW_E_NOT_FOUND;
}

int lw_obj_read(struct sim_modem *m, uint16_t obj, uint16_t inst, uint16_t res, struct lw_value *v)
{
	const struct lw_res *row = lw_obj_find(obj, res);
	memset(v, 0, sizeof *v);
	if (!lw_obj_instance_exists(m, obj, inst) || !row)
		return LW_E_NOT_FOUND;
	if (!(row->ops & LW_OP_R))
		return LW_E_NOT_ALLOWED;
	switch (obj) {
	case 0: return read_security(m, sim_lwm2m_server(m, inst - 1), res, v);
	case 1: return read_server(sim_lwm2m_server(m, inst - 1), res, v);
	case 3: return read_device(m, res, v);
	case 5: return sim_ufota_read(m, res, v);
	}
	return LW_E_NOT_FOUND;
}

static bool binding_ok(const char *b)
{
	static const char *const ok[] = {"U", "UQ", "S", "SQ", "US", "UQS"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(b, ok[i]) == 0)
			return true;
	return false;
}

int lw_obj_write(struct sim_modem *m, uint16_t obj, uint16_t inst, uint16_t res,
		 const struct lw_value *v, bool from_server)
{
	const struct lw_res *row = lw_obj_find(obj, res);
	if (!lw_obj_instance_exists(m, obj, inst) || !row)
		return LW_E_NOT_FOUND;
	if (!(row->ops & LW_OP_W))
		return LW_E_NOT_ALLOWED;
	if (obj == 5)
		return sim_ufota_write(m, res, v);
	if (obj != 1)
		return LW_E_NOT_ALLOWED; /* security: the bootstrap server's, not simulated */
	struct lw_server *s = sim_lwm2m_server(m, inst - 1);
	bool lifetime = false;
	if (row->type == LW_T_INT && v->type != LW_T_INT)
		return LW_E_BAD_REQUEST;
	switch (res) {
	case 1:
		/* note §2.5.1: Softbank (28) on 63B keeps its week; the server
		 * itself may still push a value (note §2.5) */
		if (!from_server && sim_network_mno(m) == 28 && strstr(m->v->name, "63B"))
			return LW_E_NOT_ALLOWED;
		if (v->i < 0 || v->i > 0x7fffffff)
			return LW_E_BAD_REQUEST;
		lifetime = true;
		s->lifetime = v->i;
		break;
	case 2:
	case 3:
	case 5:
		if (v->i < 0 || v->i > 0x7fffffff)
			return LW_E_BAD_REQUEST;
		*(res == 2 ? &s->pmin : res == 3 ? &s->pmax : &s->disable_timeout) = v->i;
		break;
	case 6:
		if (v->type != LW_T_BOOL)
			return LW_E_BAD_REQUEST;
		s->store = v->b;
		break;
	case 7:
		if (v->type != LW_T_STR || !binding_ok(v->s))
			return LW_E_BAD_REQUEST;
		memcpy(s->binding, v->s, strlen(v->s) + 1); /* binding_ok(): at most 3 */
		break;
	}
	sim_lwm2m_server_changed(m, inst - 1, lifetime);
	return LW_OK;
}

static void reboot_fn(void *ctx, int arg)
{
	(void)arg;
	sim_modem_reboot(ctx);
}

int lw_obj_execute(struct sim_modem *m, uint16_t obj, uint16_t inst, uint16_t res)
{
	const struct lw_res *row = lw_obj_find(obj, res);
	if (!lw_obj_instance_exists(m, obj, inst) || !row)
		return LW_E_NOT_FOUND;
	if (!(row->ops & LW_OP_E))
		return LW_E_NOT_ALLOWED;
	if (obj == 5)
		return sim_ufota_execute(m, res);
	if (obj == 1 && res == 8) {
		sim_lwm2m_checkin(m, inst - 1, 0);
		return LW_OK;
	}
	if (obj == 3 && res == 4) {
		sim_ufota_server_reboot(m);
		sim_modem_after(m, 500, reboot_fn, 0);
		return LW_OK;
	}
	return LW_E_NOT_ALLOWED; /* /1/x/4 Disable: not simulated */
}

/* One resource as TLV. */
static long tlv_value(const struct lw_res *row, const struct lw_value *v, uint8_t *out, size_t cap)
{
	uint8_t b[8], inner[64];
	size_t n, k = 0;
	switch (v->type) {
	case LW_T_INT:
		n = lw_tlv_int(v->i, b);
		return (long)lw_tlv_put(out, cap, LW_TLV_RESOURCE, row->res, b, n) ?: -1;
	case LW_T_BOOL:
		b[0] = v->b;
		return (long)lw_tlv_put(out, cap, LW_TLV_RESOURCE, row->res, b, 1) ?: -1;
	case LW_T_STR:
	case LW_T_OPAQUE:
		return (long)lw_tlv_put(out, cap, LW_TLV_RESOURCE, row->res, v->s, v->len) ?: -1;
	case LW_T_MULTI:
		for (int i = 0; i < v->n; i++) {
			size_t w;
			n = lw_tlv_int(v->multi[i], b);
			w = lw_tlv_put(inner + k, sizeof inner - k, LW_TLV_RES_INSTANCE, v->mid[i], b, n);
			if (!w)
				return -1;
			k += w;
		}
		return (long)lw_tlv_put(out, cap, LW_TLV_MULTIPLE, row->res, inner, k) ?: -1;
	case LW_T_EXEC:
		break;
	}
	return -1;
}

static long tlv_instance(struct sim_modem *m, uint16_t obj, uint16_t inst, uint8_t *out, size_t cap)
{
	size_t n, k = 0;
	const struct lw_res *rows = lw_obj_resources(obj, &n);
	struct lw_value v;
	for (size_t i = 0; i < n; i++) {
		if (lw_obj_read(m, obj, inst, rows[i].res, &v) != LW_OK)
			continue;
		long w = tlv_value(&rows[i], &v, out + k, cap - k);
		if (w < 0)
			return -1;
		k += (size_t)w;
	}
	return (long)k;
}

long lw_obj_tlv(struct sim_modem *m, const struct lw_path *p, uint8_t *out, size_t cap)
{
	uint8_t tmp[1024];
	struct lw_value v;
	size_t k = 0;
	if (p->depth == 3) {
		int rc = lw_obj_read(m, p->id[0], p->id[1], p->id[2], &v);
		if (rc != LW_OK)
			return -rc;
		return tlv_value(lw_obj_find(p->id[0], p->id[2]), &v, out, cap);
	}
	if (p->depth == 2) {
		if (!lw_obj_instance_exists(m, p->id[0], p->id[1]))
			return -LW_E_NOT_FOUND;
		return tlv_instance(m, p->id[0], p->id[1], out, cap);
	}
	if (p->depth != 1 || !lw_obj_exists(p->id[0]))
		return -LW_E_NOT_FOUND;
	for (uint16_t inst = 0; inst < 20; inst++) {
		if (!lw_obj_instance_exists(m, p->id[0], inst))
			continue;
		long w = tlv_instance(m, p->id[0], inst, tmp, sizeof tmp);
		size_t put = w < 0 ? 0 : lw_tlv_put(out + k, cap - k, LW_TLV_INSTANCE, inst, tmp, (size_t)w);
		if (!put)
			return -1;
		k += put;
	}
	return (long)k;
}

static int json_entries(struct sim_modem *m, uint16_t obj, uint16_t inst, int only,
			struct lw_json_entry *e, int max)
{
	size_t n;
	const struct lw_res *rows = lw_obj_resources(obj, &n);
	struct lw_value v;
	int k = 0;
	for (size_t i = 0; i < n; i++) {
		if ((only >= 0 && rows[i].res != only) || lw_obj_read(m, obj, inst, rows[i].res, &v) != LW_OK)
			continue;
		int count = v.type == LW_T_MULTI ? v.n : 1;
		for (int j = 0; j < count && k < max; j++, k++) {
			memset(&e[k], 0, sizeof e[k]);
			if (v.type == LW_T_MULTI) {
				snprintf(e[k].n, sizeof e[k].n, "%u/%u", rows[i].res, v.mid[j]);
				e[k].type = LW_JSON_NUM;
				e[k].v = v.multi[j];
				continue;
			}
			snprintf(e[k].n, sizeof e[k].n, "%u", rows[i].res);
			if (v.type == LW_T_INT) {
				e[k].type = LW_JSON_NUM;
				e[k].v = v.i;
			} else if (v.type == LW_T_BOOL) {
				e[k].type = LW_JSON_BOOL;
				e[k].bv = v.b;
			} else {
				e[k].type = LW_JSON_STR;
				snprintf(e[k].sv, sizeof e[k].sv, "%s", v.s);
			}
		}
	}
	return k;
}

int lw_obj_json(struct sim_modem *m, const struct lw_path *p, char *out, size_t cap)
{
	static struct lw_json_entry e[32]; /* single-threaded simulator */
	char bn[24];
	int n;
	if (p->depth < 2)
		return -LW_E_NOT_FOUND; /* the AT form reads instances and resources */
	if (!lw_obj_instance_exists(m, p->id[0], p->id[1]))
		return -LW_E_NOT_FOUND;
	if (p->depth == 3 && !lw_obj_find(p->id[0], p->id[2]))
		return -LW_E_NOT_FOUND;
	snprintf(bn, sizeof bn, "/%u/%u/", p->id[0], p->id[1]);
	n = json_entries(m, p->id[0], p->id[1], p->depth == 3 ? p->id[2] : -1, e, 32);
	if (p->depth == 3 && n == 0)
		return -LW_E_NOT_ALLOWED;
	return lw_json_format(out, cap, bn, e, n) == 0 ? 0 : -1;
}

/* A TLV resource value into v, per the row's type. */
static int tlv_to_value(const struct lw_res *row, const struct lw_tlv *t, struct lw_value *v)
{
	memset(v, 0, sizeof *v);
	v->type = row->type;
	switch (row->type) {
	case LW_T_INT:
		return lw_tlv_to_int(t->value, t->len, &v->i) == 0 ? 0 : -1;
	case LW_T_BOOL:
		if (t->len != 1 || t->value[0] > 1)
			return -1;
		v->b = t->value[0];
		return 0;
	case LW_T_STR:
	case LW_T_OPAQUE:
		if (t->len >= sizeof v->s || (row->type == LW_T_STR && memchr(t->value, 0, t->len)))
			return -1;
		memcpy(v->s, t->value, t->len);
		v->s[t->len] = '\0';
		v->len = t->len;
		return 0;
	default:
		return -1;
	}
}

static int write_resources(struct sim_modem *m, uint16_t obj, uint16_t inst, const uint8_t *d,
			   size_t n, int only, bool from_server)
{
	struct lw_tlv t;
	struct lw_value v;
	while (n > 0) {
		long used = lw_tlv_get(d, n, &t);
		if (used < 0 || t.kind != LW_TLV_RESOURCE)
			return LW_E_BAD_REQUEST;
		const struct lw_res *row = lw_obj_find(obj, t.id);
		if (!row || (only >= 0 && t.id != only))
			return LW_E_NOT_FOUND;
		if (tlv_to_value(row, &t, &v) != 0)
			return LW_E_BAD_REQUEST;
		int rc = lw_obj_write(m, obj, inst, t.id, &v, from_server);
		if (rc != LW_OK)
			return rc;
		d += used;
		n -= (size_t)used;
	}
	return LW_OK;
}

int lw_obj_write_tlv(struct sim_modem *m, const struct lw_path *p, const uint8_t *data, size_t n,
		     bool from_server)
{
	struct lw_tlv t;
	if (p->depth == 3)
		return write_resources(m, p->id[0], p->id[1], data, n, p->id[2], from_server);
	if (p->depth == 2)
		return write_resources(m, p->id[0], p->id[1], data, n, -1, from_server);
	if (p->depth != 1)
		return LW_E_NOT_ALLOWED;
	while (n > 0) { /* instances of the object */
		long used = lw_tlv_get(data, n, &t);
		if (used < 0 || t.kind != LW_TLV_INSTANCE)
			return LW_E_BAD_REQUEST;
		int rc = write_resources(m, p->id[0], t.id, t.value, t.len, -1, from_server);
		if (rc != LW_OK)
			return rc;
		data += used;
		n -= (size_t)used;
	}
	return LW_OK;
}

int lw_obj_write_json(struct sim_modem *m, const struct lw_path *p, const struct lw_json_entry *e,
		      int n, bool from_server)
{
	struct lw_value v;
	if (p->depth < 2)
		return LW_E_BAD_REQUEST;
	for (int i = 0; i < n; i++) {
		struct lw_path rp;
		if (lw_path_parse(e[i].n, strlen(e[i].n), &rp) != 0 || rp.depth != 1 ||
		    (p->depth == 3 && rp.id[0] != p->id[2]))
			return LW_E_BAD_REQUEST;
		const struct lw_res *row = lw_obj_find(p->id[0], rp.id[0]);
		if (!row)
			return LW_E_NOT_FOUND;
		memset(&v, 0, sizeof v);
		v.type = row->type;
		if (e[i].type == LW_JSON_NUM && row->type == LW_T_INT)
			v.i = e[i].v;
		else if (e[i].type == LW_JSON_BOOL && row->type == LW_T_BOOL)
			v.b = e[i].bv;
		else if (e[i].type == LW_JSON_STR && (row->type == LW_T_STR || row->type == LW_T_OPAQUE)) {
			snprintf(v.s, sizeof v.s, "%s", e[i].sv);
			v.len = strlen(v.s);
		} else
			return LW_E_BAD_REQUEST;
		int rc = lw_obj_write(m, p->id[0], p->id[1], rp.id[0], &v, from_server);
		if (rc != LW_OK)
			return rc;
	}
	return LW_OK;
}

int lw_obj_links(struct sim_modem *m, char *out, size_t cap)
{
	size_t k = 0;
	/* the security object is not part of the registration (LwM2M 1.0 §5.3.1) */
	for (size_t i = 0; lw_instance_list[i]; i++) {
		if (strncmp(lw_instance_list[i], "/0/", 3) == 0)
			continue;
		struct lw_path p;
		lw_path_parse(lw_instance_list[i], strlen(lw_instance_list[i]), &p);
		if (p.depth == 2 && p.id[0] == 1 && !lw_obj_instance_exists(m, 1, p.id[1]))
			continue;
		int w = snprintf(out + k, cap - k, "%s<%s>", k ? "," : "", lw_instance_list[i]);
		if (w < 0 || (size_t)w >= cap - k)
			return -1;
		k += (size_t)w;
	}
	return (int)k;
}
