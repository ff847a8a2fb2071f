/* sim_status.h -- how the simulator library reports failure: a status code and one sentence.
 *
 * The simulator is a host of libtrident, not part of it, but its library part follows the same manners: no
 * printing, no aborting, no mutable globals; every fallible call returns a sim_status and leaves a precise
 * message ("pdf.yaml:412:9: operator 'ocr_text': unknown key 'latncy' ...") in the caller's sim_error. */
#ifndef SIM_STATUS_H
#define SIM_STATUS_H

#include <stdarg.h>

typedef enum sim_status {
    SIM_OK = 0,
    SIM_E_PARSE = -1,   /* the scenario file is malformed (file:line:col in the message)        */
    SIM_E_NOMEM = -2,   /* an allocation failed                                                  */
    SIM_E_INVALID = -3, /* a bad argument or an inconsistent scenario (unknown policy, ...)     */
    SIM_E_IO = -4,      /* a file could not be read or written                                   */
    SIM_E_MODEL = -5,   /* libtrident refused the model or a plan (its message is quoted)        */
    SIM_E_STUCK = -6    /* the run hit max_time before every item left the pipeline              */
} sim_status;

typedef struct sim_error {
    char msg[768];
} sim_error;

#if defined(__GNUC__)
#define SIM_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SIM_PRINTF(fmt, args)
#endif

/* Writes the message and returns `st`, so failures read `return sim_fail(err, SIM_E_PARSE, ...)`.  A NULL
 * `err` is allowed (the message is dropped). */
sim_status sim_fail(sim_error *err, sim_status st, const char *fmt, ...) SIM_PRINTF(3, 4);

/* The status's identifier ("SIM_E_PARSE"). */
const char *sim_status_name(sim_status st);

#endif
