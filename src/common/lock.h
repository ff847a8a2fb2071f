/* lock.h -- the one mutex of a context.
 *
 * trd_ctx_observe may be called from many threads and concurrently with the control step (DESIGN section 3):
 * engines report from worker threads while a control thread polls.  The lock guards only what those calls
 * share -- the ingest buffer and its counters, the committed model's pointer and its config table, and the
 * last-error message -- and is held for copies and pointer swaps, never for estimation or solving.
 *
 * POSIX threads rather than C11 <threads.h>, which macOS and some C libraries do not ship. */
#ifndef TRD_COMMON_LOCK_H
#define TRD_COMMON_LOCK_H

#include <pthread.h>

typedef struct trd__lock {
    pthread_mutex_t mutex;
} trd__lock;

/* 0, or -1 when the system refuses a mutex (resource exhaustion). */
int trd__lock_init(trd__lock *l);
void trd__lock_free(trd__lock *l);
void trd__lock_acquire(trd__lock *l);
void trd__lock_release(trd__lock *l);

#endif
