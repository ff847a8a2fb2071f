/* scenario.h -- everything a simulation run is made of, read once from a pipeline YAML file: the cluster and
 * the pipeline (through libtrident's own loader, so the simulator runs exactly the model the library sees)
 * and the `simulation:` section (cost models, item flow, workload), which docs/yaml.md documents.
 *
 * A scenario is immutable once loaded; runs only read it, so one scenario serves every policy and seed. */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "sim_status.h"
#include "trident.h"

#define SIM_NAME_CAP 64
#define SIM_MAX_TERMS 4
#define SIM_NO_FEATURE UINT32_MAX

/* A number, or a per-source-item workload feature (pages per document, table share, ...). */
typedef struct sim_quantity {
    uint32_t feature; /* SIM_NO_FEATURE for a constant */
    double value;
} sim_quantity;

/* prod_k (feature_k / ref_k) ^ exponent_k: how an item's cost grows with its features. */
typedef struct sim_scale {
    uint32_t n;
    struct {
        uint32_t feature;
        double ref, exponent;
    } term[SIM_MAX_TERMS];
} sim_scale;

typedef enum sim_cost_kind { SIM_COST_CPU = 1, SIM_COST_ACCELERATOR = 2 } sim_cost_kind;

/* The true cost of an operator (docs/yaml.md, "Simulation").  CPU operators: a batch of b items takes
 * per_batch_s + per_item_s x sum(scale), with lognormal noise.  Accelerator operators: a batch (an in-flight set
 * for asynchronous ones) takes max(floor_s, t0_s + t1_s x sum(scale)) x mean(steps) device-seconds and needs
 * mem_base_bytes + mem_per_item_bytes x sum(mem_scale) of device memory; past near_cap_from of the cap it runs
 * near_cap_slowdown times slower, past oom_fraction of the cap it runs out of memory. */
typedef struct sim_cost {
    sim_cost_kind kind;
    uint32_t batch_knob;      /* knob index whose value is the batch size (or max in-flight items); UINT32_MAX none */
    uint32_t batch_default;   /* batch size without a batch knob; 0 = one whole partition (a Ray Data task) */
    double per_item_s, per_batch_s;
    double floor_s, t0_s, t1_s;
    double mem_base_bytes, mem_per_item_bytes;
    double oom_fraction;      /* out of memory past this fraction of the cap (1: the cap itself) */
    double near_cap_from, near_cap_slowdown;
    double spike_probability, spike_size;
    double noise_cv;
    sim_scale scale, mem_scale;
    sim_scale steps;          /* multiplies a whole batch's latency by its items' mean (decode steps of generation) */
} sim_cost;

typedef enum sim_dist_kind { SIM_DIST_CONST = 1, SIM_DIST_UNIFORM, SIM_DIST_LOGNORMAL } sim_dist_kind;

/* A per-source-item feature distribution, optionally clamped and rounded. */
typedef struct sim_dist {
    sim_dist_kind kind;
    double a, b;    /* const: value; uniform: [a, b]; lognormal: mean a, cv b */
    double lo, hi;  /* clamp */
    int integer;
} sim_dist;

typedef struct sim_regime {
    char name[SIM_NAME_CAP];
    double share;   /* relative share of the workload's items */
    sim_dist *features; /* one per workload feature */
} sim_regime;

/* One stretch of the workload: `items` consecutive source items of one regime. */
typedef struct sim_segment {
    uint32_t regime;
    uint64_t first, items;
} sim_segment;

typedef struct sim_machine {
    uint32_t node, member;
    double cpus, memory_bytes, nic_bytes_per_s;
    uint32_t gpus;          /* devices */
    uint32_t first_device;  /* index of its first device in sim_scenario.devices */
    double gpu_memory_bytes;
} sim_machine;

typedef struct sim_knob {
    char name[SIM_NAME_CAP];
    trd_knob_type type;
    double min, max, dflt;
    uint32_t flags;
} sim_knob;

typedef struct sim_op {
    char name[SIM_NAME_CAP];
    /* From the model (libtrident's view). */
    double cpus, memory_bytes, gpus, gpu_memory_bytes;
    uint32_t min_instances, max_instances;
    int async;
    double out_bytes_model;
    double start_s, stop_s, cold_s;     /* resolved the way the scheduler resolves unknown times */
    uint32_t n_features;
    uint32_t features[TRD_MAX_FEATURES]; /* workload feature reported in samples, per declared feature */
    uint32_t n_knobs;
    sim_knob *knobs;
    uint32_t n_model_configs;           /* configs the model declares (ids 0 .. n-1 are the same as libtrident's) */
    double *model_configs;              /* n_model_configs x n_knobs knob values */
    uint32_t n_in, n_out;
    uint32_t *in_edges, *out_edges;     /* edge ids */
    /* From the simulation section. */
    sim_cost cost;
    sim_quantity fanout;                /* output items per input item (divisor when fanin) */
    int fanin;
    sim_quantity keep;                  /* probability an output item survives */
    sim_quantity *route;                /* per out edge (same order as out_edges), or NULL: broadcast */
    sim_quantity out_bytes;             /* bytes per output item */
    double device_share;                /* fraction of a device an instance occupies (0 for CPU operators) */
    double device_cap_bytes;            /* its memory cap on that device */
} sim_op;

typedef struct sim_edge {
    uint32_t from, to;
    double share;
} sim_edge;

typedef struct sim_scenario {
    char source[256];         /* file name for messages */
    char name[SIM_NAME_CAP];  /* file name without directory and extension */
    char *yaml_text;          /* the whole file (policies that drive libtrident load their own context from it) */
    size_t yaml_len;
    trd_ctx *model;           /* the committed model, as libtrident loaded it */

    uint32_t n_nodes;
    uint32_t n_machines, n_devices;
    sim_machine *machines;
    uint32_t *devices_machine; /* machine of each device */
    uint32_t *machine_of_node; /* first machine index of each node kind */

    uint32_t n_ops, n_edges;
    sim_op *ops;
    sim_edge *edges;
    uint32_t *topo;           /* operators in topological order */
    uint32_t source_op;       /* the single operator without inputs */

    uint32_t n_features;
    size_t cap_features;
    char (*feature_names)[2 * SIM_NAME_CAP];
    uint32_t n_regimes;
    sim_regime *regimes;
    uint32_t n_segments;
    sim_segment *segments;

    uint64_t seed;
    uint64_t items;
    double arrival_rate;      /* source items/s (Poisson); 0 = every item is ready at time 0 */
    double window_s, bin_s, max_time_s;
    uint32_t queue_partitions;
} sim_scenario;

/* Loads `path`: the model through trd_ctx_load_yaml, then the `simulation:` section.  `items` > 0 replaces the
 * workload's item count (reduced runs), keeping the regimes' shares. */
sim_status sim_scenario_load(const char *path, uint64_t items, sim_scenario **out, sim_error *err);
/* As sim_scenario_load, from text in memory (`source` names it in messages). */
sim_status sim_scenario_load_string(const char *source, const char *text, size_t len, uint64_t items,
                                    sim_scenario **out, sim_error *err);
void sim_scenario_free(sim_scenario *sc);

/* Sets the workload to `items` source items split over the regimes by share (used by the loaders). */
sim_status sim_scenario_set_items(sim_scenario *sc, uint64_t items, sim_error *err);

/* The value of a quantity for a source item with features `f`. */
static inline double sim_quantity_of(const sim_quantity *q, const double *f)
{
    return q->feature == SIM_NO_FEATURE ? q->value : f[q->feature];
}

/* The scale of an item with features `f` (1 without terms). */
double sim_scale_of(const sim_scale *s, const double *f);

/* The batch size an instance of `op` runs with in config values `cfg` (n_knobs values); 0 = whole partitions. */
uint32_t sim_op_batch(const sim_op *op, const double *cfg);

/* Index of a regime by name, or UINT32_MAX. */
uint32_t sim_scenario_find_regime(const sim_scenario *sc, const char *name);

#endif
