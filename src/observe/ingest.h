/* ingest.h -- the bounded buffer between trd_ctx_observe and the control step.
 *
 * A ring of trd_sample that grows on demand up to its capacity (so an idle context costs nothing) and then
 * drops its oldest samples: for a controller the newest windows matter most, and telemetry must never block
 * or fail the engine that reports it. */
#ifndef TRD_OBSERVE_INGEST_H
#define TRD_OBSERVE_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "common/alloc.h"
#include "trident.h"

typedef struct trd__ingest {
    trd_sample *ring;
    size_t slots;    /* allocated */
    size_t capacity; /* most samples kept */
    size_t head;     /* index of the oldest sample */
    size_t count;
    uint64_t accepted, rejected, dropped;
} trd__ingest;

void trd__ingest_init(trd__ingest *in, size_t capacity);
void trd__ingest_free(trd__ingest *in, const trd__alloc *a);

/* Appends n samples (already validated), evicting the oldest beyond capacity.  Returns 0, or -1 on
 * allocation failure with nothing changed. */
int trd__ingest_push(trd__ingest *in, const trd__alloc *a, const trd_sample *samples, size_t n);

/* Changes the capacity, keeping the newest samples.  Returns 0, or -1 on allocation failure. */
int trd__ingest_set_capacity(trd__ingest *in, const trd__alloc *a, size_t capacity);

/* Moves up to `max` of the oldest samples into `out`; returns how many. */
size_t trd__ingest_pop(trd__ingest *in, trd_sample *out, size_t max);

/* The buffered samples, oldest first, as at most two contiguous runs (the ring may wrap): a[0..*na) then
 * b[0..*nb).  Nothing is removed; trd__ingest_consume(in, *na + *nb) does that. */
void trd__ingest_peek(const trd__ingest *in, const trd_sample **a, size_t *na, const trd_sample **b, size_t *nb);
void trd__ingest_consume(trd__ingest *in, size_t n);

/* Exchanges the buffered samples (and their storage) of two buffers; capacities and counters stay where they
 * are.  O(1): the control step takes everything buffered while holding the context's lock only this long,
 * and the emptied storage of the last step becomes the new buffer, so steady state allocates nothing. */
void trd__ingest_swap_storage(trd__ingest *x, trd__ingest *y);

#endif
