/* tune_off.c -- INTERIM: the loop without the adapt layer, until src/adapt is merged (then tune.c replaces
 * this file). */
#include "control/tune.h"

trd_status trd__tune_step(struct trd_ctx *ctx, uint64_t now_ns, trd__probe_req *reqs, size_t *n_reqs)
{
    (void)ctx, (void)now_ns, (void)reqs;
    *n_reqs = 0;
    return TRD_OK;
}
void trd__tune_probe_issued(struct trd_ctx *ctx, const trd__probe_req *req, uint64_t plan_id)
{
    (void)ctx, (void)req, (void)plan_id;
}
void trd__tune_plan_outcome(struct trd_ctx *ctx, uint64_t plan_id, int applied, uint64_t now_ns)
{
    (void)ctx, (void)plan_id, (void)applied, (void)now_ns;
}
void trd__tune_event(struct trd_ctx *ctx, const trd_event *e) { (void)ctx, (void)e; }
void trd__tune_transition_ended(struct trd_ctx *ctx, uint32_t op, int completed) { (void)ctx, (void)op, (void)completed; }
