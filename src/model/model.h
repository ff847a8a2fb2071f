/* model.h -- the cluster and pipeline model: plain data, edit operations that validate their own arguments,
 * whole-model validation for commit, and JSON output.
 *
 * Every edit function either succeeds or leaves the model exactly as it was, and describes a failure in
 * `d`.  The public API applies edits to a staged copy; the YAML loader applies them to a fresh model. */
#ifndef TRD_MODEL_MODEL_H
#define TRD_MODEL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "common/alloc.h"
#include "common/diag.h"
#include "common/json.h"
#include "trident.h"

#define TRD__NAME_CAP 64
#define TRD__MAX_NODES 1024
#define TRD__MAX_OPS 1024
#define TRD__MAX_EDGES 8192
#define TRD__MAX_KNOBS 16
#define TRD__MAX_CHOICES 64
#define TRD__MAX_CONFIGS 4096
#define TRD__MAX_PLACEMENTS 65536
#define TRD__MAX_PLACED 100000 /* instances in one deployment entry */

#define TRD__NODE_ATTRS 6 /* trd_node_attr values 1..6 */
#define TRD__OP_ATTRS 12  /* trd_op_attr values 1..12 */

/* How an attribute's value is read from YAML and shown to people. */
typedef enum trd__unit {
    TRD__UNIT_NUMBER,  /* plain number                                   */
    TRD__UNIT_BYTES,   /* bytes; YAML accepts 80GiB, 512MB, ...          */
    TRD__UNIT_RATE,    /* bytes/s; YAML accepts 25Gbps, 3GB/s, ...       */
    TRD__UNIT_SECONDS, /* seconds; YAML accepts 90s, 500ms, 2min, 1h     */
    TRD__UNIT_BOOL     /* 0/1; YAML true/false                           */
} trd__unit;

typedef struct trd__attr_desc {
    uint32_t attr;      /* the trd_node_attr / trd_op_attr value */
    const char *key;    /* YAML and JSON key                     */
    trd__unit unit;
    unsigned char integral;
    unsigned char unknown_ok; /* accepts TRD_UNKNOWN (shown as null in JSON) */
    double min, max, dflt;
} trd__attr_desc;

/* NULL for a value outside the enum. */
const trd__attr_desc *trd__node_attr_desc(uint32_t attr);
const trd__attr_desc *trd__op_attr_desc(uint32_t attr);
/* Looks an attribute up by YAML key; NULL if none. */
const trd__attr_desc *trd__node_attr_by_key(const char *key);
const trd__attr_desc *trd__op_attr_by_key(const char *key);

typedef struct trd__knob {
    char name[TRD__NAME_CAP];
    uint32_t type;  /* trd_knob_type */
    uint32_t flags; /* TRD_KNOB_* */
    double min, max, dflt; /* choice: [0, n_choices - 1] and the default index; bool: [0, 1] */
    uint32_t n_choices;
    char (*choices)[TRD__NAME_CAP];
} trd__knob;

typedef struct trd__node {
    char name[TRD__NAME_CAP];
    double attr[TRD__NODE_ATTRS]; /* indexed by trd_node_attr - 1 */
} trd__node;

typedef struct trd__operator {
    char name[TRD__NAME_CAP];
    double attr[TRD__OP_ATTRS]; /* indexed by trd_op_attr - 1 */
    uint32_t n_features;
    char features[TRD_MAX_FEATURES][TRD__NAME_CAP];
    trd__knob *knobs;
    size_t n_knobs, cap_knobs;
    /* Row-major n_configs x n_knobs; row 0 is the default config.  NULL while the operator has no knobs. */
    double *configs;
    size_t n_configs, cap_configs;
} trd__operator;

typedef struct trd__edge {
    uint32_t from, to;
    double share;
} trd__edge;

typedef struct trd__placement {
    uint32_t op, node, member, config, instances;
} trd__placement;

typedef struct trd__model {
    const trd__alloc *alloc;
    uint64_t epoch;
    trd__node *nodes;
    size_t n_nodes, cap_nodes;
    trd__operator *ops;
    size_t n_ops, cap_ops;
    trd__edge *edges;
    size_t n_edges, cap_edges;
    trd__placement *placements;
    size_t n_placements, cap_placements;
} trd__model;

/* NULL on allocation failure.  The allocator must outlive the model. */
trd__model *trd__model_new(const trd__alloc *alloc);
void trd__model_free(trd__model *m);
/* Deep copy, including the epoch.  NULL on allocation failure. */
trd__model *trd__model_clone(const trd__model *m);

static inline double trd__node_get(const trd__node *n, trd_node_attr a) { return n->attr[a - 1]; }
static inline double trd__op_get(const trd__operator *o, trd_op_attr a) { return o->attr[a - 1]; }

/* Share of one device an instance of `o` occupies on node kind `n`: its fraction of a device, or more if its
 * device-memory cap is the tighter limit.  Meaningful for 0 < gpus < 1; such instances pack onto devices. */
static inline double trd__op_device_share(const trd__operator *o, const trd__node *n)
{
    double f = trd__op_get(o, TRD_OP_GPUS);
    double cap = trd__op_get(o, TRD_OP_GPU_MEMORY_BYTES), dev = trd__node_get(n, TRD_NODE_GPU_MEMORY_BYTES);
    if (cap > 0 && dev > 0 && cap / dev > f)
        f = cap / dev;
    return f;
}

/* Index of the named node / operator / knob, or -1. */
long trd__model_find_node(const trd__model *m, const char *name);
long trd__model_find_op(const trd__model *m, const char *name);
long trd__op_find_knob(const trd__operator *op, const char *name);

/* Checks a name against the naming rule; `what` names the object in the message ("node", "knob"). */
trd_status trd__check_name(const char *what, const char *name, trd__diag *d);

/* ---- edits (each validates its own arguments; on failure the model is unchanged) ---- */
trd_status trd__model_add_node(trd__model *m, const char *name, uint32_t *out, trd__diag *d);
trd_status trd__model_set_node_attr(trd__model *m, uint32_t node, uint32_t attr, double value, trd__diag *d);
trd_status trd__model_add_op(trd__model *m, const char *name, uint32_t *out, trd__diag *d);
trd_status trd__model_set_op_attr(trd__model *m, uint32_t op, uint32_t attr, double value, trd__diag *d);
trd_status trd__model_add_feature(trd__model *m, uint32_t op, const char *name, uint32_t *out, trd__diag *d);
/* `spec` gives name, type, flags, min, max, dflt; for a choice knob `choices` lists n_choices names. */
trd_status trd__model_add_knob(trd__model *m, uint32_t op, const trd__knob *spec, const char *const *choices,
                               uint32_t *out, trd__diag *d);
trd_status trd__model_add_config(trd__model *m, uint32_t op, const double *values, size_t n, uint32_t *out,
                                 trd__diag *d);
/* Makes room for `extra` more configs of `op`, so that adding them cannot fail for want of memory (the closed
 * loop registers configs at the point of no return of a control step).  0 or -1. */
int trd__model_reserve_configs(trd__model *m, uint32_t op, size_t extra);
trd_status trd__model_add_edge(trd__model *m, uint32_t from, uint32_t to, double share, trd__diag *d);
trd_status trd__model_set_placement(trd__model *m, uint32_t op, uint32_t node, uint32_t member, uint32_t config,
                                    uint32_t instances, trd__diag *d);

/* Whole-model validation run at commit (see trd_ctx_commit_model).  TRD_E_INVALID_MODEL or TRD_E_NOMEM. */
trd_status trd__model_validate(const trd__model *m, trd__diag *d);

/* Operators in a topological order (sources first, ties broken by id); `order` holds n_ops entries.
 * Returns 0, 1 on a cycle, or -1 on allocation failure. */
int trd__model_topo_order(const trd__model *m, uint32_t *order);

/* Writes the model as one JSON object (schema in docs/yaml.md). */
void trd__model_to_json(const trd__model *m, trd__json *j);

#endif
