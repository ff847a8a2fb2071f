/* trace_read.c -- the replay half of trace.h.  Each line is parsed with libyaml (JSON is YAML) and turned
 * back into the call it records.  A "commit" record holds the whole model after the commit; it is replayed
 * as the edits that lead from the replay's model to it (edits only add), so that what the loop learned is
 * kept, exactly as in the recorded run. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "trace.h"

typedef struct reader {
    const char *name;
    size_t line_no;
    char *err;
    size_t err_cap;
    yaml_document_t doc;
} reader;

static int fail(reader *r, const char *fmt, ...)
{
    int n = snprintf(r->err, r->err_cap, "%s:%zu: ", r->name, r->line_no);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < r->err_cap)
        vsnprintf(r->err + n, r->err_cap - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- reading the parsed line ---- */

static yaml_node_t *field(reader *r, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&r->doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(&r->doc, p->value);
    }
    return NULL;
}

static const char *text(yaml_node_t *n) { return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL; }

static int get_u64(reader *r, yaml_node_t *map, const char *key, uint64_t *out)
{
    const char *s = text(field(r, map, key));
    char *end;
    if (!s || !*s)
        return fail(r, "'%s' is missing", key);
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno)
        return fail(r, "'%s' is not an unsigned integer: %s", key, s);
    *out = v;
    return 0;
}

static int get_u32(reader *r, yaml_node_t *map, const char *key, uint32_t *out)
{
    uint64_t v;
    if (get_u64(r, map, key, &v) != 0)
        return -1;
    if (v > UINT32_MAX)
        return fail(r, "'%s' is out of range: %" PRIu64, key, v);
    *out = (uint32_t)v;
    return 0;
}

static int as_double(reader *r, yaml_node_t *n, const char *key, double *out)
{
    const char *s = text(n);
    char *end;
    if (!s || !*s)
        return fail(r, "'%s' is missing", key);
    *out = strtod(s, &end);
    if (*end)
        return fail(r, "'%s' is not a number: %s", key, s);
    return 0;
}

static int get_double(reader *r, yaml_node_t *map, const char *key, double *out)
{
    return as_double(r, field(r, map, key), key, out);
}

/* The raw JSON text of the value of `key` in a line we wrote: `"key":` up to the line's closing brace. */
static const char *raw_value(const char *line, const char *key, size_t *len)
{
    char pat[32];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *at = strstr(line, pat);
    if (!at)
        return NULL;
    at += strlen(pat);
    const char *end = strrchr(line, '}');
    if (!end || end < at)
        return NULL;
    *len = (size_t)(end - at);
    return at;
}

static int lib(reader *r, trd_ctx *ctx, trd_status st, const char *what)
{
    if (st == TRD_OK)
        return 0;
    return fail(r, "%s: %s: %s", what, trd_status_name(st), trd_ctx_last_error(ctx));
}

/* ---- records ---- */

static int replay_param(reader *r, trd_ctx *ctx, yaml_node_t *root)
{
    const char *name = text(field(r, root, "name"));
    trd_param p;
    trd_param_type type;
    if (!name || trd_param_from_name(name, &p) != TRD_OK || trd_param_info(p, &type, NULL, NULL, NULL) != TRD_OK)
        return fail(r, "unknown parameter '%s'", name ? name : "?");
    double v;
    if (get_double(r, root, "value", &v) != 0)
        return -1;
    return lib(r, ctx, type == TRD_PARAM_INT ? trd_ctx_set_int(ctx, p, (int64_t)v) : trd_ctx_set_double(ctx, p, v),
               name);
}

static int replay_sample(reader *r, yaml_node_t *m, trd_sample *s)
{
    memset(s, 0, sizeof *s);
    static const char *const u64_names[] = {"window_start_ns", "window_end_ns", "items_in", "items_out", "bytes_in",
                                            "bytes_out", "queue_start", "queue_end", "host_mem_peak_bytes",
                                            "device_mem_peak_bytes"};
    uint64_t *u64s[] = {&s->window_start_ns, &s->window_end_ns, &s->items_in, &s->items_out, &s->bytes_in,
                        &s->bytes_out, &s->queue_start, &s->queue_end, &s->host_mem_peak_bytes,
                        &s->device_mem_peak_bytes};
    for (size_t k = 0; k < sizeof u64s / sizeof u64s[0]; k++)
        if (get_u64(r, m, u64_names[k], u64s[k]) != 0)
            return -1;
    if (get_u32(r, m, "op", &s->op) || get_u32(r, m, "instance", &s->instance) || get_u32(r, m, "config", &s->config) ||
        get_u32(r, m, "active_instances", &s->active_instances) || get_u32(r, m, "flags", &s->flags) ||
        get_double(r, m, "busy_s", &s->busy_s) || get_double(r, m, "utilisation", &s->utilisation))
        return -1;
    yaml_node_t *f = field(r, m, "features");
    if (!f || f->type != YAML_SEQUENCE_NODE)
        return fail(r, "'features' must be a list");
    for (yaml_node_item_t *it = f->data.sequence.items.start; it < f->data.sequence.items.top; it++) {
        if (s->n_features >= TRD_MAX_FEATURES)
            return fail(r, "more than %d features", TRD_MAX_FEATURES);
        if (as_double(r, yaml_document_get_node(&r->doc, *it), "features", &s->features[s->n_features++]) != 0)
            return -1;
    }
    return 0;
}

static int replay_observe(reader *r, trd_ctx *ctx, yaml_node_t *root)
{
    yaml_node_t *list = field(r, root, "samples");
    if (!list || list->type != YAML_SEQUENCE_NODE)
        return fail(r, "'samples' must be a list");
    size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    trd_sample *s = calloc(n ? n : 1, sizeof *s);
    if (!s)
        return fail(r, "out of memory");
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++)
        rc = replay_sample(r, yaml_document_get_node(&r->doc, list->data.sequence.items.start[k]), &s[k]);
    if (rc == 0)
        rc = lib(r, ctx, trd_ctx_observe(ctx, s, n), "observe");
    free(s);
    return rc;
}

static int replay_event(reader *r, trd_ctx *ctx, yaml_node_t *m)
{
    trd_event e;
    memset(&e, 0, sizeof e);
    if (get_u64(r, m, "time_ns", &e.time_ns) || get_u64(r, m, "plan_id", &e.plan_id) ||
        get_double(r, m, "duration_s", &e.duration_s) || get_double(r, m, "peak_bytes", &e.peak_bytes) ||
        get_u32(r, m, "kind", &e.kind) || get_u32(r, m, "op", &e.op) || get_u32(r, m, "node", &e.node) ||
        get_u32(r, m, "member", &e.member) || get_u32(r, m, "config", &e.config) ||
        get_u32(r, m, "from_config", &e.from_config) || get_u32(r, m, "count", &e.count) ||
        get_u32(r, m, "instance", &e.instance))
        return -1;
    return lib(r, ctx, trd_ctx_report_event(ctx, &e), "report_event");
}

static int replay_outcome(reader *r, trd_ctx *ctx, yaml_node_t *m)
{
    uint64_t id, now;
    const char *o = text(field(r, m, "outcome"));
    if (get_u64(r, m, "plan", &id) || get_u64(r, m, "now", &now))
        return -1;
    trd_outcome out = !o ? (trd_outcome)0 : strcmp(o, "applied") == 0 ? TRD_OUTCOME_APPLIED
                      : strcmp(o, "partial") == 0 ? TRD_OUTCOME_PARTIAL : strcmp(o, "failed") == 0 ? TRD_OUTCOME_FAILED
                                                                                                 : (trd_outcome)0;
    if (!out)
        return fail(r, "unknown outcome '%s'", o ? o : "?");
    return lib(r, ctx, trd_ctx_report_outcome(ctx, id, out, now), "report_outcome");
}

static int replay_poll(reader *r, trd_ctx *ctx, yaml_node_t *m, const char *line, trd_trace_poll_fn on_poll,
                       void *user)
{
    uint64_t now;
    double status;
    if (get_u64(r, m, "now", &now) || get_double(r, m, "status", &status))
        return -1;
    size_t len = 0;
    const char *raw = raw_value(line, "plan", &len);
    if (!raw)
        return fail(r, "'plan' is missing");
    char *recorded = malloc(len + 1);
    if (!recorded)
        return fail(r, "out of memory");
    memcpy(recorded, raw, len);
    recorded[len] = '\0';
    trd_plan *plan = NULL;
    trd_status st = trd_ctx_poll(ctx, now, &plan);
    int rc = 0;
    if ((int)st != (int)status)
        rc = fail(r, "poll returned %s, the recording %s (%s)", trd_status_name(st),
                  trd_status_name((trd_status)(int)status), trd_ctx_last_error(ctx));
    else if (on_poll && on_poll(user, now, plan, recorded) != 0)
        rc = fail(r, "stopped at the poll of %" PRIu64 " ns", now);
    trd_plan_free(plan);
    free(recorded);
    return rc;
}

/* ---- a commit, as edits from the replay's model to the recorded one ---- */

static int sync_node_attrs(reader *r, trd_ctx *ctx, trd_ctx *want, uint32_t n_ctx, uint32_t n_want)
{
    for (uint32_t a = TRD_NODE_COUNT; a <= TRD_NODE_NIC_BYTES_PER_S; a++) {
        double x = 0, y = 0;
        trd_ctx_get_node_attr(want, n_want, (trd_node_attr)a, &y);
        if (n_ctx < trd_ctx_node_count(ctx))
            trd_ctx_get_node_attr(ctx, n_ctx, (trd_node_attr)a, &x);
        else
            x = y + 1; /* a node the replay is adding: set everything */
        if (x != y && lib(r, ctx, trd_ctx_set_node_attr(ctx, n_ctx, (trd_node_attr)a, y), "set_node_attr") != 0)
            return -1;
    }
    return 0;
}

static int add_knob(reader *r, trd_ctx *ctx, trd_ctx *want, uint32_t op, uint32_t op_want, uint32_t k)
{
    const char *name;
    trd_knob_type type;
    double lo, hi, dflt;
    uint32_t flags;
    if (trd_ctx_get_knob(want, op_want, k, &name, &type, &lo, &hi, &dflt, &flags) != TRD_OK)
        return fail(r, "cannot read knob %u of the recorded model", k);
    trd_status st;
    if (type == TRD_KNOB_TYPE_INT) {
        st = trd_ctx_add_knob_int(ctx, op, name, (int64_t)lo, (int64_t)hi, (int64_t)dflt, flags, NULL);
    } else if (type == TRD_KNOB_TYPE_REAL) {
        st = trd_ctx_add_knob_real(ctx, op, name, lo, hi, dflt, flags, NULL);
    } else if (type == TRD_KNOB_TYPE_BOOL) {
        st = trd_ctx_add_knob_bool(ctx, op, name, dflt != 0, NULL);
    } else {
        const char *choices[64];
        size_t n = (size_t)hi + 1;
        for (size_t c = 0; c < n && c < 64; c++)
            choices[c] = trd_ctx_knob_choice_name(want, op_want, k, (uint32_t)c);
        st = trd_ctx_add_knob_choice(ctx, op, name, choices, n, (size_t)dflt, NULL);
    }
    return lib(r, ctx, st, "add_knob");
}

static int sync_operator(reader *r, trd_ctx *ctx, trd_ctx *want, uint32_t ow)
{
    const char *name = trd_ctx_operator_name(want, ow);
    uint32_t op;
    int fresh = trd_ctx_find_operator(ctx, name, &op) != TRD_OK;
    if (fresh && lib(r, ctx, trd_ctx_add_operator(ctx, name, &op), "add_operator") != 0)
        return -1;
    for (uint32_t a = TRD_OP_CPUS; a <= TRD_OP_COLD_START_S; a++) {
        double x = 0, y = 0;
        trd_ctx_get_operator_attr(want, ow, (trd_op_attr)a, &y);
        if (fresh || trd_ctx_get_operator_attr(ctx, op, (trd_op_attr)a, &x) != TRD_OK || x != y)
            if (lib(r, ctx, trd_ctx_set_operator_attr(ctx, op, (trd_op_attr)a, y), "set_operator_attr") != 0)
                return -1;
    }
    uint32_t have = fresh ? 0 : trd_ctx_feature_count(ctx, op);
    for (uint32_t f = have; f < trd_ctx_feature_count(want, ow); f++)
        if (lib(r, ctx, trd_ctx_add_feature(ctx, op, trd_ctx_feature_name(want, ow, f), NULL), "add_feature") != 0)
            return -1;
    have = fresh ? 0 : trd_ctx_knob_count(ctx, op);
    for (uint32_t k = have; k < trd_ctx_knob_count(want, ow); k++)
        if (add_knob(r, ctx, want, op, ow, k) != 0)
            return -1;
    have = fresh ? 1 : trd_ctx_config_count(ctx, op);
    for (uint32_t c = have; c < trd_ctx_config_count(want, ow); c++) {
        double v[64];
        size_t n = 0;
        uint32_t id;
        if (trd_ctx_config_values(want, ow, c, v, 64, &n) != TRD_OK ||
            lib(r, ctx, trd_ctx_add_config(ctx, op, v, n, &id), "add_config") != 0)
            return -1;
    }
    return 0;
}

/* Ids of the replay's model for a name of the recorded one. */
static uint32_t op_in(trd_ctx *ctx, trd_ctx *want, uint32_t ow)
{
    uint32_t id = 0;
    trd_ctx_find_operator(ctx, trd_ctx_operator_name(want, ow), &id);
    return id;
}

static int replay_commit(reader *r, trd_ctx *ctx, const char *json, size_t len)
{
    trd_ctx *want = NULL;
    if (trd_ctx_new(&want) != TRD_OK)
        return fail(r, "out of memory");
    int rc = lib(r, want, trd_ctx_load_yaml_string(want, json, len), "the recorded model");
    for (uint32_t k = 0; rc == 0 && k < trd_ctx_node_count(want); k++) {
        uint32_t node;
        const char *name = trd_ctx_node_name(want, k);
        if (trd_ctx_find_node(ctx, name, &node) != TRD_OK)
            rc = lib(r, ctx, trd_ctx_add_node(ctx, name, &node), "add_node");
        if (rc == 0)
            rc = sync_node_attrs(r, ctx, want, node, k);
    }
    for (uint32_t i = 0; rc == 0 && i < trd_ctx_operator_count(want); i++)
        rc = sync_operator(r, ctx, want, i);
    for (uint32_t e = trd_ctx_edge_count(ctx); rc == 0 && e < trd_ctx_edge_count(want); e++) {
        uint32_t from, to;
        double share;
        trd_ctx_get_edge(want, e, &from, &to, &share);
        rc = lib(r, ctx, trd_ctx_add_edge(ctx, op_in(ctx, want, from), op_in(ctx, want, to), share), "add_edge");
    }
    /* The deployment: entries the recorded model has, and zero for entries only the replay's has. */
    for (uint32_t q = 0; rc == 0 && q < trd_ctx_deployment_count(want); q++) {
        uint32_t op, node, member, config, n, node_here;
        trd_ctx_get_deployment(want, q, &op, &node, &member, &config, &n);
        trd_ctx_find_node(ctx, trd_ctx_node_name(want, node), &node_here);
        rc = lib(r, ctx, trd_ctx_set_deployment(ctx, op_in(ctx, want, op), node_here, member, config, n),
                 "set_deployment");
    }
    for (uint32_t q = 0; rc == 0 && q < trd_ctx_deployment_count(ctx); q++) {
        uint32_t op, node, member, config, n, found = 0;
        trd_ctx_get_deployment(ctx, q, &op, &node, &member, &config, &n);
        for (uint32_t w = 0; w < trd_ctx_deployment_count(want) && !found; w++) {
            uint32_t o2, n2, m2, c2, i2;
            trd_ctx_get_deployment(want, w, &o2, &n2, &m2, &c2, &i2);
            found = strcmp(trd_ctx_operator_name(want, o2), trd_ctx_operator_name(ctx, op)) == 0 &&
                    strcmp(trd_ctx_node_name(want, n2), trd_ctx_node_name(ctx, node)) == 0 && m2 == member &&
                    c2 == config;
        }
        if (!found)
            rc = lib(r, ctx, trd_ctx_set_deployment(ctx, op, node, member, config, 0), "set_deployment");
    }
    if (rc == 0)
        rc = lib(r, ctx, trd_ctx_commit_model(ctx, NULL), "commit_model");
    else
        trd_ctx_discard_model_edits(ctx);
    trd_ctx_free(want);
    return rc;
}

/* ---- the driver ---- */

static int replay_line(reader *r, trd_ctx *ctx, const char *line, size_t len, trd_trace_poll_fn on_poll, void *user)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return fail(r, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)line, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    if (!yaml_parser_load(&parser, &r->doc)) {
        int rc = fail(r, "not JSON: %s", parser.problem ? parser.problem : "?");
        yaml_parser_delete(&parser);
        return rc;
    }
    yaml_parser_delete(&parser);
    yaml_node_t *root = yaml_document_get_root_node(&r->doc);
    const char *t = text(field(r, root, "t"));
    int rc;
    size_t mlen = 0;
    const char *model = raw_value(line, "model", &mlen);
    if (!t)
        rc = fail(r, "a record without \"t\"");
    else if (strcmp(t, "trace") == 0)
        rc = 0;
    else if (strcmp(t, "param") == 0)
        rc = replay_param(r, ctx, root);
    else if (strcmp(t, "load") == 0)
        rc = model ? lib(r, ctx, trd_ctx_load_yaml_string(ctx, model, mlen), "load") : fail(r, "no model");
    else if (strcmp(t, "commit") == 0)
        rc = model ? replay_commit(r, ctx, model, mlen) : fail(r, "no model");
    else if (strcmp(t, "observe") == 0)
        rc = replay_observe(r, ctx, root);
    else if (strcmp(t, "event") == 0)
        rc = replay_event(r, ctx, root);
    else if (strcmp(t, "poll") == 0)
        rc = replay_poll(r, ctx, root, line, on_poll, user);
    else if (strcmp(t, "outcome") == 0)
        rc = replay_outcome(r, ctx, root);
    else {
        uint32_t op = 0, config = 0;
        double rate = 0;
        if (strcmp(t, "request_transition") == 0)
            rc = get_u32(r, root, "op", &op) || get_u32(r, root, "config", &config) ||
                         get_double(r, root, "rate", &rate)
                     ? -1
                     : lib(r, ctx, trd_ctx_request_transition(ctx, op, config, rate), "request_transition");
        else if (strcmp(t, "cancel_transition") == 0)
            rc = get_u32(r, root, "op", &op) ? -1 : lib(r, ctx, trd_ctx_cancel_transition(ctx, op), "cancel_transition");
        else if (strcmp(t, "invalidate") == 0)
            rc = get_u32(r, root, "op", &op) || get_u32(r, root, "config", &config)
                     ? -1
                     : lib(r, ctx, trd_ctx_invalidate(ctx, op, config), "invalidate");
        else
            rc = fail(r, "unknown record \"%s\"", t);
    }
    yaml_document_delete(&r->doc);
    return rc;
}

int trd_trace_replay(FILE *f, const char *name, trd_ctx *ctx, trd_trace_poll_fn on_poll, void *user, char *err,
                     size_t err_cap)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.name = name;
    r.err = err;
    r.err_cap = err_cap;
    if (err_cap)
        err[0] = '\0';
    char *line = NULL;
    size_t cap = 0, len = 0;
    int rc = 0, c = 0;
    while (rc == 0 && c != EOF) {
        len = 0;
        while ((c = fgetc(f)) != EOF && c != '\n') {
            if (len + 2 > cap) {
                cap = cap ? cap * 2 : 4096;
                char *b = realloc(line, cap);
                if (!b) {
                    free(line);
                    return fail(&r, "out of memory");
                }
                line = b;
            }
            line[len++] = (char)c;
        }
        r.line_no++;
        if (len == 0)
            continue;
        line[len] = '\0';
        rc = replay_line(&r, ctx, line, len, on_poll, user);
    }
    if (rc == 0 && ferror(f))
        rc = fail(&r, "read error");
    free(line);
    return rc;
}
