/* trident-replay: replays a trace (trace/trace.h) into a fresh context and prints the plans it gets, one JSON
 * line per plan.  With --check it also compares each poll with what the recording host got and fails on the
 * first difference.
 *
 *   trident-replay [--check] TRACE
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

typedef struct replay_state {
    int check;
    size_t polls, plans, mismatches;
} replay_state;

static char *plan_json(const trd_plan *p)
{
    size_t len = 0;
    if (trd_plan_to_json(p, NULL, 0, &len) != TRD_OK)
        return NULL;
    char *buf = malloc(len + 1);
    if (buf && trd_plan_to_json(p, buf, len + 1, NULL) != TRD_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int on_poll(void *user, uint64_t now_ns, const trd_plan *plan, const char *recorded)
{
    replay_state *s = user;
    s->polls++;
    char *json = plan ? plan_json(plan) : NULL;
    if (plan && !json) {
        fprintf(stderr, "trident-replay: out of memory\n");
        return 1;
    }
    if (json) {
        s->plans++;
        printf("{\"now\":%" PRIu64 ",\"plan\":%s}\n", now_ns, json);
    }
    int same = json ? strcmp(json, recorded) == 0 : strcmp(recorded, "null") == 0;
    free(json);
    if (s->check && !same) {
        s->mismatches++;
        fprintf(stderr, "trident-replay: the poll at %" PRIu64 " ns differs from the recording\n", now_ns);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    replay_state s = {0, 0, 0, 0};
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0)
            s.check = 1;
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else
            path = NULL, i = argc;
    }
    if (!path) {
        fprintf(stderr, "usage: trident-replay [--check] TRACE\n");
        return 2;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 2;
    }
    trd_ctx *ctx = NULL;
    if (trd_ctx_new(&ctx) != TRD_OK) {
        fprintf(stderr, "trident-replay: out of memory\n");
        fclose(f);
        return 2;
    }
    char err[512];
    int rc = trd_trace_replay(f, path, ctx, on_poll, &s, err, sizeof err);
    fclose(f);
    trd_ctx_free(ctx);
    if (rc != 0) {
        fprintf(stderr, "trident-replay: %s\n", err);
        return 1;
    }
    fprintf(stderr, "trident-replay: %zu polls, %zu plans%s\n", s.polls, s.plans,
            s.check ? ", all as recorded" : "");
    return 0;
}
