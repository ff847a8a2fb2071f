/* trident_opts.c -- the trident policy's options on the command line (run and compare):
 *   --param NAME=VALUE   a libtrident parameter (trd_param_name, e.g. min_gain=0.02), repeatable
 *   --record TRACE       record its libtrident calls as a trace for trident-replay (run only)
 *   --log FILE           its loop's log: libtrident's messages, each step's reason, the end state (run only) */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_trident_arg(cli_trident *t, int argc, char **argv, int *i, int single_run)
{
    const char *a = argv[*i];
    int has = *i + 1 < argc;
    if (strcmp(a, "--param") == 0 && has) {
        const char *kv = argv[++*i], *eq = strchr(kv, '=');
        char *end = NULL;
        double v = eq ? strtod(eq + 1, &end) : 0;
        if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof t->names[0] || end == eq + 1 || *end) {
            fprintf(stderr, "trident-sim: --param wants NAME=VALUE (e.g. min_gain=0.02), got '%s'\n", kv);
            return -1;
        }
        if (t->opt.n_params == CLI_MAX_PARAMS) {
            fprintf(stderr, "trident-sim: at most %d --param\n", CLI_MAX_PARAMS);
            return -1;
        }
        size_t k = t->opt.n_params++;
        memcpy(t->names[k], kv, (size_t)(eq - kv));
        t->names[k][eq - kv] = '\0';
        t->params[k] = (sim_trident_param){t->names[k], v};
        return 1;
    }
    if (single_run && strcmp(a, "--record") == 0 && has) {
        t->opt.trace_path = argv[++*i];
        return 1;
    }
    if (single_run && strcmp(a, "--log") == 0 && has) {
        t->log_path = argv[++*i];
        return 1;
    }
    return 0;
}

int cli_trident_policy(cli_trident *t, const sim_policy_vtable **pv)
{
    int asked = t->opt.n_params || t->opt.trace_path || t->log_path;
    if (!asked)
        return 0;
    if (strcmp((*pv)->name, sim_policy_trident.name) != 0)
        return 0; /* compare: the other policies run as they are */
    if (t->log_path && !t->opt.log && !(t->opt.log = fopen(t->log_path, "w"))) {
        fprintf(stderr, "trident-sim: cannot write %s: %s\n", t->log_path, strerror(errno));
        return -1;
    }
    t->opt.params = t->params;
    t->policy = **pv;
    t->policy.param = &t->opt;
    *pv = &t->policy;
    return 0;
}

void cli_trident_close(cli_trident *t)
{
    if (t->opt.log)
        fclose(t->opt.log);
    t->opt.log = NULL;
}
