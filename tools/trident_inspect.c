/* trident-inspect -- loads pipeline YAML files with libtrident and prints the model it understood: the
 * cluster, the pipeline by stage (longest path from a source), knobs, and the declared deployment.
 *
 *   trident-inspect [--json] FILE.yaml...
 *
 * It uses only the public API, as any host would.  Exit status: 0 if every file loaded, 1 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trident.h"

static void human_bytes(char *out, size_t cap, double b)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    while (b >= 1024 && u < 5) {
        b /= 1024;
        u++;
    }
    snprintf(out, cap, "%.3g %s", b, units[u]);
}

static void human_rate(char *out, size_t cap, double bytes_per_s)
{
    if (bytes_per_s <= 0)
        snprintf(out, cap, "unlimited");
    else
        snprintf(out, cap, "%.3g Gbps", bytes_per_s * 8 / 1e9);
}

static double op_attr(trd_ctx *ctx, uint32_t op, trd_op_attr a)
{
    double v = 0;
    trd_ctx_get_operator_attr(ctx, op, a, &v);
    return v;
}

static double node_attr(trd_ctx *ctx, uint32_t node, trd_node_attr a)
{
    double v = 0;
    trd_ctx_get_node_attr(ctx, node, a, &v);
    return v;
}

static void print_cluster(trd_ctx *ctx)
{
    uint32_t n = trd_ctx_node_count(ctx);
    double machines = 0, cpus = 0, mem = 0, gpus = 0;
    for (uint32_t k = 0; k < n; k++) {
        double c = node_attr(ctx, k, TRD_NODE_COUNT);
        machines += c;
        cpus += c * node_attr(ctx, k, TRD_NODE_CPUS);
        mem += c * node_attr(ctx, k, TRD_NODE_MEMORY_BYTES);
        gpus += c * node_attr(ctx, k, TRD_NODE_GPUS);
    }
    char total_mem[32];
    human_bytes(total_mem, sizeof total_mem, mem);
    printf("cluster: %u node kinds, %.0f machines: %.0f cpus, %s memory, %.0f gpus\n", n, machines, cpus, total_mem,
           gpus);
    printf("  %-14s %6s %6s %11s %5s %11s %12s\n", "node", "count", "cpus", "memory", "gpus", "gpu_memory", "nic");
    for (uint32_t k = 0; k < n; k++) {
        char m[32], gm[32], nic[32];
        human_bytes(m, sizeof m, node_attr(ctx, k, TRD_NODE_MEMORY_BYTES));
        human_bytes(gm, sizeof gm, node_attr(ctx, k, TRD_NODE_GPU_MEMORY_BYTES));
        human_rate(nic, sizeof nic, node_attr(ctx, k, TRD_NODE_NIC_BYTES_PER_S));
        printf("  %-14s %6.0f %6g %11s %5.0f %11s %12s\n", trd_ctx_node_name(ctx, k), node_attr(ctx, k, TRD_NODE_COUNT),
               node_attr(ctx, k, TRD_NODE_CPUS), m, node_attr(ctx, k, TRD_NODE_GPUS),
               node_attr(ctx, k, TRD_NODE_GPUS) > 0 ? gm : "-", nic);
    }
}

/* Stage of each operator: 1 + the longest path from a source (relaxed |ops| times; the model is a DAG). */
static void stages(trd_ctx *ctx, uint32_t *stage)
{
    uint32_t n = trd_ctx_operator_count(ctx), e = trd_ctx_edge_count(ctx);
    for (uint32_t i = 0; i < n; i++)
        stage[i] = 1;
    for (uint32_t round = 0; round < n; round++)
        for (uint32_t k = 0; k < e; k++) {
            uint32_t from, to;
            trd_ctx_get_edge(ctx, k, &from, &to, NULL);
            if (stage[to] < stage[from] + 1)
                stage[to] = stage[from] + 1;
        }
}

static void print_knobs(trd_ctx *ctx, uint32_t op)
{
    uint32_t nk = trd_ctx_knob_count(ctx, op);
    for (uint32_t k = 0; k < nk; k++) {
        const char *name;
        trd_knob_type type;
        double lo, hi, dflt;
        uint32_t flags;
        trd_ctx_get_knob(ctx, op, k, &name, &type, &lo, &hi, &dflt, &flags);
        printf("        knob %-24s ", name);
        switch (type) {
        case TRD_KNOB_TYPE_INT:
        case TRD_KNOB_TYPE_REAL:
            printf("%s [%g, %g] default %g%s%s\n", type == TRD_KNOB_TYPE_INT ? "int " : "real", lo, hi, dflt,
                   (flags & TRD_KNOB_MEMORY_MONOTONE) ? ", memory-monotone" : "",
                   (flags & TRD_KNOB_LOG_SCALE) ? ", log scale" : "");
            break;
        case TRD_KNOB_TYPE_BOOL:
            printf("bool default %s\n", dflt != 0 ? "true" : "false");
            break;
        case TRD_KNOB_TYPE_CHOICE:
            printf("choice {");
            for (uint32_t c = 0; c <= (uint32_t)hi; c++)
                printf("%s%s", c ? ", " : "", trd_ctx_knob_choice_name(ctx, op, k, c));
            printf("} default %s\n", trd_ctx_knob_choice_name(ctx, op, k, (uint32_t)dflt));
            break;
        }
    }
}

static void print_pipeline(trd_ctx *ctx)
{
    uint32_t n = trd_ctx_operator_count(ctx);
    uint32_t *stage = calloc(n ? n : 1, sizeof *stage);
    if (!stage)
        return;
    stages(ctx, stage);
    uint32_t depth = 0, accel = 0;
    for (uint32_t i = 0; i < n; i++) {
        depth = stage[i] > depth ? stage[i] : depth;
        accel += op_attr(ctx, i, TRD_OP_GPUS) > 0;
    }
    printf("pipeline: %u operators, %u stages deep, %u edges, %u on accelerators\n", n, depth, trd_ctx_edge_count(ctx),
           accel);
    printf("  %5s %-24s %6s %10s %5s %9s %8s %10s  %s\n", "stage", "operator", "cpus", "memory", "gpus", "instances",
           "out/in", "cold start", "features");
    for (uint32_t s = 1; s <= depth; s++)
        for (uint32_t i = 0; i < n; i++) {
            if (stage[i] != s)
                continue;
            char mem[32], inst[32], cold[32], feats[256] = "";
            human_bytes(mem, sizeof mem, op_attr(ctx, i, TRD_OP_MEMORY_BYTES));
            double lo = op_attr(ctx, i, TRD_OP_MIN_INSTANCES), hi = op_attr(ctx, i, TRD_OP_MAX_INSTANCES);
            if (hi > 0)
                snprintf(inst, sizeof inst, "%.0f-%.0f", lo, hi);
            else
                snprintf(inst, sizeof inst, "%.0f+", lo);
            double c = op_attr(ctx, i, TRD_OP_COLD_START_S);
            if (c < 0)
                snprintf(cold, sizeof cold, "learned");
            else
                snprintf(cold, sizeof cold, "%gs", c);
            size_t len = 0;
            for (uint32_t f = 0; f < trd_ctx_feature_count(ctx, i) && len < sizeof feats; f++)
                len += (size_t)snprintf(feats + len, sizeof feats - len, "%s%s", f ? ", " : "",
                                        trd_ctx_feature_name(ctx, i, f));
            printf("  %5u %-24s %6g %10s %5g %9s %8g %10s  %s%s\n", s, trd_ctx_operator_name(ctx, i),
                   op_attr(ctx, i, TRD_OP_CPUS), mem, op_attr(ctx, i, TRD_OP_GPUS), inst,
                   op_attr(ctx, i, TRD_OP_ITEMS_OUT_PER_IN), cold, feats,
                   op_attr(ctx, i, TRD_OP_ASYNC) != 0 ? "  [async]" : "");
            print_knobs(ctx, i);
        }
    free(stage);
}

static void print_deployment(trd_ctx *ctx)
{
    uint32_t n = trd_ctx_deployment_count(ctx);
    if (n == 0) {
        printf("deployment: none declared (the scheduler starts from an empty cluster)\n");
        return;
    }
    double instances = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t count;
        trd_ctx_get_deployment(ctx, i, NULL, NULL, NULL, NULL, &count);
        instances += count;
    }
    printf("deployment: %.0f instances in %u entries\n", instances, n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t op, node, member, config, count;
        trd_ctx_get_deployment(ctx, i, &op, &node, &member, &config, &count);
        printf("  %-24s on %s[%u]: %u x config %u\n", trd_ctx_operator_name(ctx, op), trd_ctx_node_name(ctx, node),
               member, count, config);
    }
}

static int inspect(const char *path, int json)
{
    trd_ctx *ctx = NULL;
    if (trd_ctx_new(&ctx) != TRD_OK) {
        fprintf(stderr, "trident-inspect: out of memory\n");
        return 1;
    }
    trd_status st = trd_ctx_load_yaml(ctx, path);
    if (st != TRD_OK) {
        fprintf(stderr, "trident-inspect: %s (%s)\n", trd_ctx_last_error(ctx), trd_status_name(st));
        trd_ctx_free(ctx);
        return 1;
    }
    if (json) {
        size_t len = 0;
        trd_ctx_model_to_json(ctx, NULL, 0, &len);
        char *buf = malloc(len + 1);
        if (buf && trd_ctx_model_to_json(ctx, buf, len + 1, NULL) == TRD_OK)
            printf("%s\n", buf);
        free(buf);
    } else {
        printf("== %s (libtrident %s, model epoch %llu) ==\n", path, trd_version_string(),
               (unsigned long long)trd_ctx_model_epoch(ctx));
        print_cluster(ctx);
        print_pipeline(ctx);
        print_deployment(ctx);
        printf("\n");
    }
    trd_ctx_free(ctx);
    return 0;
}

int main(int argc, char **argv)
{
    int json = 0, failed = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("usage: trident-inspect [--json] FILE.yaml...\n");
            return 0;
        } else {
            files++;
            failed |= inspect(argv[i], json);
        }
    }
    if (!files) {
        fprintf(stderr, "usage: trident-inspect [--json] FILE.yaml...\n");
        return 2;
    }
    return failed;
}
