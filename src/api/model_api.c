/* model_api.c -- public entry points for building, committing, loading and reading the model.
 *
 * Edits go to ctx->staged, created on the first edit as a copy of the committed model.  If that first edit
 * fails, the fresh copy is dropped again, so a failed call leaves no trace. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ctx_internal.h"
#include "model/yaml_load.h"

static trd_status begin_edit(trd_ctx *ctx, int *fresh)
{
    *fresh = 0;
    if (ctx->staged)
        return TRD_OK;
    ctx->staged = ctx->model ? trd__model_clone(ctx->model) : trd__model_new(&ctx->alloc);
    if (!ctx->staged)
        return trd__ctx_fail(ctx, "model", TRD_E_NOMEM, "model: out of memory staging an edit");
    *fresh = 1;
    return TRD_OK;
}

static trd_status end_edit(trd_ctx *ctx, int fresh, trd_status st, const trd__diag *d)
{
    if (st == TRD_OK)
        return TRD_OK;
    if (fresh) {
        trd__model_free(ctx->staged);
        ctx->staged = NULL;
        ctx->staged_deployment = 0;
    }
    return trd__ctx_failed(ctx, "model", st, d);
}

/* Runs one edit on the staged model: `EXPR` is a trd__model_* call using `m` and `d`. */
#define EDIT(ctx, EXPR)                                                                                          \
    do {                                                                                                         \
        if (!(ctx))                                                                                              \
            return TRD_E_INVALID_ARG;                                                                            \
        int fresh_;                                                                                              \
        trd_status st_ = begin_edit((ctx), &fresh_);                                                             \
        if (st_ != TRD_OK)                                                                                       \
            return st_;                                                                                          \
        trd__model *m = (ctx)->staged;                                                                           \
        trd__diag d_;                                                                                            \
        trd__diag *d = &d_;                                                                                      \
        (void)m;                                                                                                 \
        st_ = (EXPR);                                                                                            \
        return end_edit((ctx), fresh_, st_, d);                                                                  \
    } while (0)

trd_status trd_ctx_add_node(trd_ctx *ctx, const char *name, uint32_t *out_node)
{
    EDIT(ctx, out_node ? trd__model_add_node(m, name, out_node, d)
                       : trd__fail(d, TRD_E_INVALID_ARG, "add_node: out_node is NULL"));
}

trd_status trd_ctx_set_node_attr(trd_ctx *ctx, uint32_t node, trd_node_attr attr, double value)
{
    EDIT(ctx, trd__model_set_node_attr(m, node, (uint32_t)attr, value, d));
}

trd_status trd_ctx_add_operator(trd_ctx *ctx, const char *name, uint32_t *out_op)
{
    EDIT(ctx, out_op ? trd__model_add_op(m, name, out_op, d)
                     : trd__fail(d, TRD_E_INVALID_ARG, "add_operator: out_op is NULL"));
}

trd_status trd_ctx_set_operator_attr(trd_ctx *ctx, uint32_t op, trd_op_attr attr, double value)
{
    EDIT(ctx, trd__model_set_op_attr(m, op, (uint32_t)attr, value, d));
}

trd_status trd_ctx_add_feature(trd_ctx *ctx, uint32_t op, const char *name, uint32_t *out_index)
{
    EDIT(ctx, trd__model_add_feature(m, op, name, out_index, d));
}

static trd__knob knob_spec(const char *name, uint32_t type, double min, double max, double dflt, uint32_t flags)
{
    trd__knob k;
    memset(&k, 0, sizeof k);
    /* An over-long or NULL name is caught by trd__check_name inside the edit; copy what fits. */
    if (name)
        snprintf(k.name, sizeof k.name, "%s", name);
    k.type = type;
    k.min = min;
    k.max = max;
    k.dflt = dflt;
    k.flags = flags;
    return k;
}

/* Knob names are checked in full before knob_spec truncates them. */
static trd_status add_knob(trd_ctx *ctx, uint32_t op, const char *name, trd__knob spec, const char *const *choices,
                           uint32_t *out)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    trd__diag name_error;
    trd_status st = trd__check_name("knob", name, &name_error);
    if (st != TRD_OK)
        return trd__ctx_failed(ctx, "model", st, &name_error);
    EDIT(ctx, trd__model_add_knob(m, op, &spec, choices, out, d));
}

trd_status trd_ctx_add_knob_int(trd_ctx *ctx, uint32_t op, const char *name, int64_t min, int64_t max, int64_t dflt,
                                uint32_t flags, uint32_t *out_knob)
{
    const int64_t lim = 9007199254740992LL; /* 2^53: kept exact as a double */
    if (ctx && (min < -lim || max > lim || dflt < -lim || dflt > lim))
        return trd__ctx_fail(ctx, "model", TRD_E_INVALID_ARG, "knob '%s': integer bounds must lie within +-2^53",
                             name ? name : "(null)");
    return add_knob(ctx, op, name, knob_spec(name, TRD_KNOB_TYPE_INT, (double)min, (double)max, (double)dflt, flags),
                    NULL, out_knob);
}

trd_status trd_ctx_add_knob_real(trd_ctx *ctx, uint32_t op, const char *name, double min, double max, double dflt,
                                 uint32_t flags, uint32_t *out_knob)
{
    return add_knob(ctx, op, name, knob_spec(name, TRD_KNOB_TYPE_REAL, min, max, dflt, flags), NULL, out_knob);
}

trd_status trd_ctx_add_knob_bool(trd_ctx *ctx, uint32_t op, const char *name, int dflt, uint32_t *out_knob)
{
    return add_knob(ctx, op, name, knob_spec(name, TRD_KNOB_TYPE_BOOL, 0, 1, (double)dflt, 0), NULL, out_knob);
}

trd_status trd_ctx_add_knob_choice(trd_ctx *ctx, uint32_t op, const char *name, const char *const *choices,
                                   size_t n_choices, size_t dflt, uint32_t *out_knob)
{
    trd__knob spec = knob_spec(name, TRD_KNOB_TYPE_CHOICE, 0, 0, (double)dflt, 0);
    spec.n_choices = n_choices > UINT32_MAX ? UINT32_MAX : (uint32_t)n_choices;
    return add_knob(ctx, op, name, spec, choices, out_knob);
}

trd_status trd_ctx_add_config(trd_ctx *ctx, uint32_t op, const double *values, size_t n_values, uint32_t *out_config)
{
    EDIT(ctx, trd__model_add_config(m, op, values, n_values, out_config, d));
}

trd_status trd_ctx_add_edge(trd_ctx *ctx, uint32_t from, uint32_t to, double share)
{
    EDIT(ctx, trd__model_add_edge(m, from, to, share, d));
}

static trd_status set_deployment(trd_ctx *ctx, uint32_t op, uint32_t node, uint32_t member, uint32_t config,
                                 uint32_t instances)
{
    EDIT(ctx, trd__model_set_placement(m, op, node, member, config, instances, d));
}

trd_status trd_ctx_set_deployment(trd_ctx *ctx, uint32_t op, uint32_t node, uint32_t member, uint32_t config,
                                  uint32_t instances)
{
    trd_status st = set_deployment(ctx, op, node, member, config, instances);
    if (st == TRD_OK)
        ctx->staged_deployment = 1; /* the commit takes this deployment instead of the live one */
    return st;
}

/* Installs a validated model as the committed one with the next epoch.
 *
 * A commit extends the model (edits only add), so what was learned about its operators stays valid, and --
 * unless the edits set deployment entries -- the live deployment carries over (instance events and applied
 * plans may have changed it since the edits began from a copy).  A loaded model replaces the old one, and
 * everything learned about it is dropped, buffered samples included, since operator ids may now name other
 * operators: `fresh` is the new loop state for it.  The pointer swap is under the lock: trd_ctx_observe
 * validates against the model. */
static uint64_t install(trd_ctx *ctx, trd__model *m, trd__control *fresh, trd__tune *fresh_tune)
{
    m->epoch = (ctx->model ? ctx->model->epoch : 0) + 1;
    trd__model *old = ctx->model;
    if (!fresh && old && !ctx->staged_deployment) {
        trd__placement *p = m->placements;
        size_t n = m->n_placements, cap = m->cap_placements;
        m->placements = old->placements;
        m->n_placements = old->n_placements;
        m->cap_placements = old->cap_placements;
        old->placements = p;
        old->n_placements = n;
        old->cap_placements = cap;
    }
    trd__lock_acquire(&ctx->lock);
    ctx->model = m;
    if (fresh) {
        ctx->ingest.dropped += ctx->ingest.count + ctx->folding.count;
        trd__ingest_consume(&ctx->ingest, ctx->ingest.count);
        trd__ingest_consume(&ctx->folding, ctx->folding.count);
    }
    trd__lock_release(&ctx->lock);
    if (fresh) {
        trd__observe_free(&ctx->observe);
        trd__observe_init(&ctx->observe, &ctx->alloc, (uint64_t)trd__ctx_param(ctx, TRD__PI_RANDOM_SEED));
        trd__control_free(&ctx->control);
        ctx->control = *fresh;
        trd__tune_free(&ctx->tune);
        ctx->tune = *fresh_tune;
    } else {
        /* Plans made for the old epoch are stale; a step is due soon for the new model. */
        trd__control_drop_outstanding(&ctx->control);
        ctx->control.early |= TRD__EARLY_COMMIT;
    }
    trd__model_free(old);
    if (ctx->staged != m)
        trd__model_free(ctx->staged);
    ctx->staged = NULL;
    ctx->staged_deployment = 0;
    trd__logf(&ctx->log, TRD_LOG_INFO, "model", "committed epoch %llu: %zu node kinds, %zu operators, %zu edges",
              (unsigned long long)m->epoch, m->n_nodes, m->n_ops, m->n_edges);
    return m->epoch;
}

trd_status trd_ctx_commit_model(trd_ctx *ctx, uint64_t *out_epoch)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!ctx->staged) {
        if (!ctx->model)
            return trd__ctx_fail(ctx, "model", TRD_E_STATE, "commit: nothing to commit; add nodes and operators first");
        if (out_epoch)
            *out_epoch = ctx->model->epoch;
        return TRD_OK;
    }
    trd__diag d;
    trd_status st = trd__model_validate(ctx->staged, &d);
    if (st != TRD_OK)
        return trd__ctx_failed(ctx, "model", st, &d);
    if (trd__control_extend(&ctx->control, ctx->staged->n_ops, ctx->staged->n_edges) != TRD_OK ||
        trd__tune_extend(&ctx->tune, ctx->staged, ctx->params) != TRD_OK)
        return trd__ctx_fail(ctx, "model", TRD_E_NOMEM, "commit: out of memory growing the control loop's tables");
    uint64_t epoch = install(ctx, ctx->staged, NULL, NULL);
    if (out_epoch)
        *out_epoch = epoch;
    return TRD_OK;
}

void trd_ctx_discard_model_edits(trd_ctx *ctx)
{
    if (!ctx)
        return;
    trd__model_free(ctx->staged);
    ctx->staged = NULL;
    ctx->staged_deployment = 0;
}

/* ---- YAML ---- */

static trd_status load_text(trd_ctx *ctx, const char *source, const char *text, size_t len)
{
    size_t max_bytes = (size_t)trd__ctx_param(ctx, TRD__PI_YAML_MAX_BYTES);
    if (len > max_bytes)
        return trd__ctx_fail(ctx, "yaml", TRD_E_LIMIT, "%s: %zu bytes is larger than yaml_max_bytes (%zu)", source,
                             len, max_bytes);
    trd__diag d;
    trd__model *m = NULL;
    trd_status st = trd__yaml_load_model(&ctx->alloc, source, text, len,
                                         (size_t)trd__ctx_param(ctx, TRD__PI_YAML_MAX_DEPTH), &m, &d);
    if (st != TRD_OK)
        return trd__ctx_failed(ctx, "yaml", st, &d);
    trd__control fresh;
    trd__tune fresh_tune;
    if (trd__control_init(&fresh, &ctx->alloc, m->n_ops, m->n_edges) != TRD_OK) {
        trd__model_free(m);
        return trd__ctx_fail(ctx, "yaml", TRD_E_NOMEM, "%s: out of memory creating the control loop's tables",
                             source);
    }
    if (trd__tune_init(&fresh_tune, &ctx->alloc, m, ctx->params) != TRD_OK) {
        trd__control_free(&fresh);
        trd__model_free(m);
        return trd__ctx_fail(ctx, "yaml", TRD_E_NOMEM, "%s: out of memory creating the adapt layer's tables",
                             source);
    }
    install(ctx, m, &fresh, &fresh_tune);
    trd__logf(&ctx->log, TRD_LOG_INFO, "yaml", "loaded %s", source);
    return TRD_OK;
}

trd_status trd_ctx_load_yaml_string(trd_ctx *ctx, const char *text, size_t len)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!text && len > 0)
        return trd__ctx_fail(ctx, "yaml", TRD_E_INVALID_ARG, "load_yaml_string: text is NULL");
    return load_text(ctx, "<string>", text ? text : "", len);
}

static const char *io_reason(int err)
{
    switch (err) {
    case ENOENT: return "no such file or directory";
    case EACCES: return "permission denied";
    case EISDIR: return "is a directory";
    case ENOTDIR: return "a component of the path is not a directory";
    case ENAMETOOLONG: return "path too long";
    case EMFILE: case ENFILE: return "too many open files";
    default: return "cannot be read";
    }
}

trd_status trd_ctx_load_yaml(trd_ctx *ctx, const char *path)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!path)
        return trd__ctx_fail(ctx, "yaml", TRD_E_INVALID_ARG, "load_yaml: path is NULL");
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return trd__ctx_fail(ctx, "yaml", TRD_E_IO, "%s: cannot open: %s", path, io_reason(errno));
    /* Read at most one byte past the limit: enough to know the file is too large without reading it all. */
    size_t max_bytes = (size_t)trd__ctx_param(ctx, TRD__PI_YAML_MAX_BYTES);
    size_t cap = 0, len = 0;
    char *buf = NULL;
    trd_status st = TRD_OK;
    for (;;) {
        if (len == cap) {
            size_t want = cap ? cap * 2 : 65536;
            if (want > max_bytes + 1)
                want = max_bytes + 1;
            if (want == cap) {
                st = trd__ctx_fail(ctx, "yaml", TRD_E_LIMIT, "%s: larger than yaml_max_bytes (%zu)", path, max_bytes);
                break;
            }
            char *grown = trd__realloc(&ctx->alloc, buf, want);
            if (!grown) {
                st = trd__ctx_fail(ctx, "yaml", TRD_E_NOMEM, "%s: out of memory reading the file", path);
                break;
            }
            buf = grown;
            cap = want;
        }
        errno = 0;
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                st = trd__ctx_fail(ctx, "yaml", TRD_E_IO, "%s: read failed: %s", path, io_reason(errno));
            break;
        }
    }
    fclose(f);
    if (st == TRD_OK)
        st = load_text(ctx, path, buf ? buf : "", len);
    trd__free(&ctx->alloc, buf);
    return st;
}

/* ---- reading the committed model ---- */

static trd_status committed(trd_ctx *ctx, const char *verb)
{
    if (!ctx->model)
        return trd__ctx_fail(ctx, "model", TRD_E_STATE, "%s: no model has been committed yet", verb);
    return TRD_OK;
}

uint64_t trd_ctx_model_epoch(const trd_ctx *ctx)
{
    return ctx && ctx->model ? ctx->model->epoch : 0;
}

uint32_t trd_ctx_operator_count(const trd_ctx *ctx)
{
    return ctx && ctx->model ? (uint32_t)ctx->model->n_ops : 0;
}

uint32_t trd_ctx_node_count(const trd_ctx *ctx)
{
    return ctx && ctx->model ? (uint32_t)ctx->model->n_nodes : 0;
}

const char *trd_ctx_operator_name(const trd_ctx *ctx, uint32_t op)
{
    return ctx && ctx->model && op < ctx->model->n_ops ? ctx->model->ops[op].name : NULL;
}

const char *trd_ctx_node_name(const trd_ctx *ctx, uint32_t node)
{
    return ctx && ctx->model && node < ctx->model->n_nodes ? ctx->model->nodes[node].name : NULL;
}

static trd_status find(trd_ctx *ctx, const char *what, const char *name, uint32_t *out, int ops)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!name || !out)
        return trd__ctx_fail(ctx, "model", TRD_E_INVALID_ARG, "find_%s: NULL argument", what);
    trd_status st = committed(ctx, ops ? "find_operator" : "find_node");
    if (st != TRD_OK)
        return st;
    long id = ops ? trd__model_find_op(ctx->model, name) : trd__model_find_node(ctx->model, name);
    if (id < 0)
        return trd__ctx_fail(ctx, "model", TRD_E_NOT_FOUND, "find_%s: no %s named '%.63s'", what, what, name);
    *out = (uint32_t)id;
    return TRD_OK;
}

trd_status trd_ctx_find_operator(trd_ctx *ctx, const char *name, uint32_t *out_op)
{
    return find(ctx, "operator", name, out_op, 1);
}

trd_status trd_ctx_find_node(trd_ctx *ctx, const char *name, uint32_t *out_node)
{
    return find(ctx, "node", name, out_node, 0);
}

trd_status trd_ctx_get_operator_attr(trd_ctx *ctx, uint32_t op, trd_op_attr attr, double *out)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!out)
        return trd__ctx_fail(ctx, "model", TRD_E_INVALID_ARG, "get_operator_attr: out is NULL");
    trd_status st = committed(ctx, "get_operator_attr");
    if (st != TRD_OK)
        return st;
    if (op >= ctx->model->n_ops)
        return trd__ctx_fail(ctx, "model", TRD_E_NOT_FOUND, "get_operator_attr: operator %u unknown (the model has "
                             "%zu operators)", op, ctx->model->n_ops);
    if (!trd__op_attr_desc((uint32_t)attr))
        return trd__ctx_fail(ctx, "model", TRD_E_NOT_FOUND, "get_operator_attr: attribute %d unknown", (int)attr);
    *out = trd__op_get(&ctx->model->ops[op], attr);
    return TRD_OK;
}

trd_status trd_ctx_get_node_attr(trd_ctx *ctx, uint32_t node, trd_node_attr attr, double *out)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!out)
        return trd__ctx_fail(ctx, "model", TRD_E_INVALID_ARG, "get_node_attr: out is NULL");
    trd_status st = committed(ctx, "get_node_attr");
    if (st != TRD_OK)
        return st;
    if (node >= ctx->model->n_nodes)
        return trd__ctx_fail(ctx, "model", TRD_E_NOT_FOUND, "get_node_attr: node %u unknown (the model has %zu node "
                             "kinds)", node, ctx->model->n_nodes);
    if (!trd__node_attr_desc((uint32_t)attr))
        return trd__ctx_fail(ctx, "model", TRD_E_NOT_FOUND, "get_node_attr: attribute %d unknown", (int)attr);
    *out = trd__node_get(&ctx->model->nodes[node], attr);
    return TRD_OK;
}

trd_status trd_ctx_config_values(trd_ctx *ctx, uint32_t op, uint32_t config, double *out, size_t capacity,
                                 size_t *out_count)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!out && capacity > 0)
        return trd__ctx_fail(ctx, "model", TRD_E_INVALID_ARG, "config_values: out is NULL with capacity %zu", capacity);
    trd_status st = committed(ctx, "config_values");
    if (st != TRD_OK)
        return st;
    if (op >= ctx->model->n_ops)
        return trd__ctx_fail(ctx, "model", TRD_E_NOT_FOUND, "config_values: operator %u unknown (the model has %zu "
                             "operators)", op, ctx->model->n_ops);
    const trd__operator *o = &ctx->model->ops[op];
    if (config >= o->n_configs)
        return trd__ctx_fail(ctx, "model", TRD_E_NOT_FOUND, "config_values: operator '%s' has no config %u (it has "
                             "%zu)", o->name, config, o->n_configs);
    if (out_count)
        *out_count = o->n_knobs;
    if (!out)
        return TRD_OK; /* a size query */
    if (capacity < o->n_knobs)
        return trd__ctx_fail(ctx, "model", TRD_E_BUFFER_TOO_SMALL, "config_values: operator '%s' has %zu knobs, the "
                             "buffer holds %zu", o->name, o->n_knobs, capacity);
    if (o->n_knobs)
        memcpy(out, &o->configs[config * o->n_knobs], o->n_knobs * sizeof *out);
    return TRD_OK;
}

trd_status trd_ctx_model_to_json(trd_ctx *ctx, char *buf, size_t capacity, size_t *out_len)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    if (!buf && capacity > 0)
        return trd__ctx_fail(ctx, "model", TRD_E_INVALID_ARG, "model_to_json: buf is NULL with capacity %zu", capacity);
    trd_status st = committed(ctx, "model_to_json");
    if (st != TRD_OK)
        return st;
    trd__json j;
    trd__json_init(&j, buf, capacity);
    trd__model_to_json(ctx->model, &j);
    size_t len = trd__json_finish(&j);
    if (out_len)
        *out_len = len;
    if (!buf)
        return TRD_OK; /* a size query */
    if (len + 1 > capacity)
        return trd__ctx_fail(ctx, "model", TRD_E_BUFFER_TOO_SMALL, "model_to_json: needs %zu bytes, the buffer has %zu",
                             len + 1, capacity);
    return TRD_OK;
}

/* ---- knobs, features, edges and deployment of the committed model ---- */

static const trd__operator *op_of(const trd_ctx *ctx, uint32_t op)
{
    return ctx && ctx->model && op < ctx->model->n_ops ? &ctx->model->ops[op] : NULL;
}

uint32_t trd_ctx_feature_count(const trd_ctx *ctx, uint32_t op)
{
    const trd__operator *o = op_of(ctx, op);
    return o ? o->n_features : 0;
}

const char *trd_ctx_feature_name(const trd_ctx *ctx, uint32_t op, uint32_t index)
{
    const trd__operator *o = op_of(ctx, op);
    return o && index < o->n_features ? o->features[index] : NULL;
}

uint32_t trd_ctx_knob_count(const trd_ctx *ctx, uint32_t op)
{
    const trd__operator *o = op_of(ctx, op);
    return o ? (uint32_t)o->n_knobs : 0;
}

uint32_t trd_ctx_config_count(const trd_ctx *ctx, uint32_t op)
{
    const trd__operator *o = op_of(ctx, op);
    return o ? (uint32_t)o->n_configs : 0;
}

trd_status trd_ctx_get_knob(trd_ctx *ctx, uint32_t op, uint32_t knob, const char **name, trd_knob_type *type,
                            double *min, double *max, double *dflt, uint32_t *flags)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    trd_status st = committed(ctx, "get_knob");
    if (st != TRD_OK)
        return st;
    const trd__operator *o = op_of(ctx, op);
    if (!o)
        return trd__ctx_fail(ctx, "model", TRD_E_NOT_FOUND, "get_knob: operator %u unknown (the model has %zu "
                             "operators)", op, ctx->model->n_ops);
    if (knob >= o->n_knobs)
        return trd__ctx_fail(ctx, "model", TRD_E_NOT_FOUND, "get_knob: operator '%s' has no knob %u (it has %zu)",
                             o->name, knob, o->n_knobs);
    const trd__knob *k = &o->knobs[knob];
    if (name)
        *name = k->name;
    if (type)
        *type = (trd_knob_type)k->type;
    if (min)
        *min = k->min;
    if (max)
        *max = k->max;
    if (dflt)
        *dflt = k->dflt;
    if (flags)
        *flags = k->flags;
    return TRD_OK;
}

const char *trd_ctx_knob_choice_name(const trd_ctx *ctx, uint32_t op, uint32_t knob, uint32_t index)
{
    const trd__operator *o = op_of(ctx, op);
    if (!o || knob >= o->n_knobs || index >= o->knobs[knob].n_choices)
        return NULL;
    return o->knobs[knob].choices[index];
}

uint32_t trd_ctx_edge_count(const trd_ctx *ctx)
{
    return ctx && ctx->model ? (uint32_t)ctx->model->n_edges : 0;
}

trd_status trd_ctx_get_edge(trd_ctx *ctx, uint32_t index, uint32_t *from, uint32_t *to, double *share)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    trd_status st = committed(ctx, "get_edge");
    if (st != TRD_OK)
        return st;
    if (index >= ctx->model->n_edges)
        return trd__ctx_fail(ctx, "model", TRD_E_NOT_FOUND, "get_edge: edge %u unknown (the model has %zu edges)",
                             index, ctx->model->n_edges);
    const trd__edge *e = &ctx->model->edges[index];
    if (from)
        *from = e->from;
    if (to)
        *to = e->to;
    if (share)
        *share = e->share;
    return TRD_OK;
}

uint32_t trd_ctx_deployment_count(const trd_ctx *ctx)
{
    return ctx && ctx->model ? (uint32_t)ctx->model->n_placements : 0;
}

trd_status trd_ctx_get_deployment(trd_ctx *ctx, uint32_t index, uint32_t *op, uint32_t *node, uint32_t *member,
                                  uint32_t *config, uint32_t *instances)
{
    if (!ctx)
        return TRD_E_INVALID_ARG;
    trd_status st = committed(ctx, "get_deployment");
    if (st != TRD_OK)
        return st;
    if (index >= ctx->model->n_placements)
        return trd__ctx_fail(ctx, "model", TRD_E_NOT_FOUND, "get_deployment: entry %u unknown (the deployment has "
                             "%zu entries)", index, ctx->model->n_placements);
    const trd__placement *p = &ctx->model->placements[index];
    if (op)
        *op = p->op;
    if (node)
        *node = p->node;
    if (member)
        *member = p->member;
    if (config)
        *config = p->config;
    if (instances)
        *instances = p->instances;
    return TRD_OK;
}
