/* cli.h -- the pieces of the trident-sim command line. */
#ifndef SIM_CLI_H
#define SIM_CLI_H

#include "engine.h"
#include "policy_trident.h"
#include "summary.h"

/* Exit codes. */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2, CLI_UNFINISHED = 3 };

typedef struct cli_progress {
    const char *label;
    double started;        /* wall clock at the run's start */
    double last_line;
    int tty;
    int printed;
} cli_progress;

/* The engine's progress callback: a line on stderr once a run has taken more than two seconds. */
void cli_progress_cb(void *user, double sim_time_s, double done);
void cli_progress_start(cli_progress *p, const char *label);
void cli_progress_end(cli_progress *p);
double cli_wall(void);

/* The trident policy's options (trident_opts.c). */
#define CLI_MAX_PARAMS 32
typedef struct cli_trident {
    char names[CLI_MAX_PARAMS][64];
    sim_trident_param params[CLI_MAX_PARAMS];
    sim_trident_options opt;
    const char *log_path;
    sim_policy_vtable policy;  /* the trident vtable with these options */
} cli_trident;
/* Takes argv[*i] (and its value, advancing *i) if it is a trident option: 1; not one: 0; malformed: -1 with a
 * message.  single_run: --record and --log are accepted too. */
int cli_trident_arg(cli_trident *t, int argc, char **argv, int *i, int single_run);
/* Points *pv at the trident vtable with the options when *pv is trident and options were given (opening the
 * log); 0, or -1 with a message. */
int cli_trident_policy(cli_trident *t, const sim_policy_vtable **pv);
void cli_trident_close(cli_trident *t);

int cli_compare(int argc, char **argv);
int cli_parse_u64(const char *s, uint64_t *out);
void cli_list_policies(FILE *f);
/* Writes DIR/throughput.png (one panel per scenario and policy) through gnuplot; 0 or -1 with a message. */
int cli_plot(const char *dir, const sim_summary_scenario *s, uint32_t n);

#endif
