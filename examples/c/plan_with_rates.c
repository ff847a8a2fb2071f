/* plan_with_rates.c -- asking libtrident for a schedule: load a pipeline, give every operator its sustainable
 * per-instance rate (here a made-up table; a host measures them, or lets the observe layer estimate them),
 * offer one operator a better config, and print the plan: predicted throughput, bottleneck, reason, and the
 * ordered actions that turn the declared deployment into the target.  Public domain (CC0).
 *
 *   plan_with_rates [PIPELINE.yaml]     (default: examples/pipelines/video.yaml)
 */
#include <stdio.h>
#include <string.h>

#include <trident.h>

#define CHECK(ctx, call)                                                                                         \
    do {                                                                                                         \
        trd_status rc_ = (call);                                                                                 \
        if (rc_ != TRD_OK) {                                                                                     \
            fprintf(stderr, "%s: %s: %s\n", #call, trd_status_name(rc_), trd_ctx_last_error(ctx));             \
            goto fail;                                                                                           \
        }                                                                                                        \
    } while (0)

static const char *const kinds[] = {"", "START", "STOP", "RECONFIGURE"};

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "examples/pipelines/video.yaml";
    trd_ctx *ctx = NULL;
    trd_plan *plan = NULL;
    if (trd_ctx_new(&ctx) != TRD_OK)
        return 1;
    CHECK(ctx, trd_ctx_load_yaml(ctx, path));

    /* One rate per operator: items in per second per instance (per device for fractional-device operators). */
    trd_rate rates[64];
    uint32_t n = trd_ctx_operator_count(ctx);
    for (uint32_t op = 0; op < n && op < 64; op++)
        rates[op] = (trd_rate){op, TRD_NO_CONFIG, 2.0 + op, 0, 0};

    /* Offer the video pipeline's text detector its default config (a stand-in for a tuned one; it runs a
     * larger input canvas now), 30% faster: the scheduler restarts at most B_max instances per round, and only
     * if the gain pays back the cold start within the scheduling interval. */
    uint32_t text_detect;
    if (trd_ctx_find_operator(ctx, "text_detect", &text_detect) == TRD_OK) {
        rates[text_detect].candidate_config = 0;
        rates[text_detect].candidate_items_per_s = 1.3 * rates[text_detect].items_per_s;
    }

    CHECK(ctx, trd_ctx_set_int(ctx, TRD_P_SOLVER_TIME_LIMIT_MS, 500));
    CHECK(ctx, trd_ctx_plan_with_rates(ctx, rates, n, &plan));
    printf("plan %llu: %.3g source items/s, bottleneck '%s'\n%s\n", (unsigned long long)trd_plan_id(plan),
           trd_plan_predicted_throughput(plan), trd_ctx_operator_name(ctx, trd_plan_bottleneck(plan)),
           trd_plan_reason(plan));

    trd_action actions[256];
    size_t count;
    CHECK(ctx, trd_plan_get_actions(plan, actions, 256, &count));
    for (size_t k = 0; k < count; k++) {
        const trd_action *a = &actions[k];
        printf("  round %u: %-11s %2u x %-22s on %s[%u] (config %u)\n", a->round, kinds[a->kind], a->count,
               trd_ctx_operator_name(ctx, a->op), trd_ctx_node_name(ctx, a->node), a->member, a->config);
    }
    trd_plan_free(plan);
    trd_ctx_free(ctx);
    return 0;
fail:
    trd_plan_free(plan);
    trd_ctx_free(ctx);
    return 1;
}
