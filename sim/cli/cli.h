/* cli.h -- the pieces of the trident-sim command line. */
#ifndef SIM_CLI_H
#define SIM_CLI_H

#include "engine.h"
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

int cli_compare(int argc, char **argv);
int cli_parse_u64(const char *s, uint64_t *out);
void cli_list_policies(FILE *f);
/* Writes DIR/throughput.png (one panel per scenario and policy) through gnuplot; 0 or -1 with a message. */
int cli_plot(const char *dir, const sim_summary_scenario *s, uint32_t n);

#endif
