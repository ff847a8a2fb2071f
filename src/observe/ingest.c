/* ingest.c -- see ingest.h. */
#include "observe/ingest.h"

#include <string.h>

void trd__ingest_init(trd__ingest *in, size_t capacity)
{
    memset(in, 0, sizeof *in);
    in->capacity = capacity;
}

void trd__ingest_free(trd__ingest *in, const trd__alloc *a)
{
    trd__free(a, in->ring);
    in->ring = NULL;
    in->slots = in->count = in->head = 0;
}

/* Copies the newest `keep` samples, oldest first, into a fresh ring of `slots` entries. */
static int relayout(trd__ingest *in, const trd__alloc *a, size_t slots, size_t keep)
{
    trd_sample *fresh = trd__calloc(a, slots ? slots : 1, sizeof *fresh);
    if (!fresh)
        return -1;
    size_t skip = in->count - keep;
    for (size_t i = 0; i < keep; i++)
        fresh[i] = in->ring[(in->head + skip + i) % in->slots];
    trd__free(a, in->ring);
    in->ring = fresh;
    in->slots = slots;
    in->head = 0;
    in->count = keep;
    return 0;
}

int trd__ingest_push(trd__ingest *in, const trd__alloc *a, const trd_sample *samples, size_t n)
{
    if (n == 0)
        return 0;
    if (n >= in->capacity) {
        /* Only the newest `capacity` of this batch survive; everything buffered before is evicted too. */
        if (in->slots < in->capacity && relayout(in, a, in->capacity, 0) != 0)
            return -1;
        in->dropped += in->count + (n - in->capacity);
        memcpy(in->ring, samples + (n - in->capacity), in->capacity * sizeof *samples);
        in->head = 0;
        in->count = in->capacity;
        in->accepted += n;
        return 0;
    }
    size_t need = in->count + n;
    if (need > in->slots && in->slots < in->capacity) {
        size_t slots = in->slots ? in->slots : 64;
        while (slots < need && slots < in->capacity)
            slots *= 2;
        if (slots > in->capacity)
            slots = in->capacity;
        if (relayout(in, a, slots, in->count) != 0)
            return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (in->count == in->slots) {
            /* Full at capacity: overwrite the oldest. */
            in->ring[in->head] = samples[i];
            in->head = (in->head + 1) % in->slots;
            in->dropped++;
        } else {
            in->ring[(in->head + in->count) % in->slots] = samples[i];
            in->count++;
        }
    }
    in->accepted += n;
    return 0;
}

int trd__ingest_set_capacity(trd__ingest *in, const trd__alloc *a, size_t capacity)
{
    if (in->slots > capacity || in->count > capacity) {
        size_t keep = in->count < capacity ? in->count : capacity;
        size_t evicted = in->count - keep;
        if (relayout(in, a, keep ? keep : 1, keep) != 0)
            return -1;
        in->dropped += evicted;
    }
    in->capacity = capacity;
    return 0;
}

size_t trd__ingest_pop(trd__ingest *in, trd_sample *out, size_t max)
{
    size_t n = in->count < max ? in->count : max;
    for (size_t i = 0; i < n; i++)
        out[i] = in->ring[(in->head + i) % in->slots];
    trd__ingest_consume(in, n);
    return n;
}

void trd__ingest_peek(const trd__ingest *in, const trd_sample **a, size_t *na, const trd_sample **b, size_t *nb)
{
    size_t first = in->count < in->slots - in->head ? in->count : in->slots - in->head;
    *a = in->count ? in->ring + in->head : NULL;
    *na = in->count ? first : 0;
    *b = in->count > first ? in->ring : NULL;
    *nb = in->count - *na;
}

void trd__ingest_consume(trd__ingest *in, size_t n)
{
    if (n > in->count)
        n = in->count;
    if (n) {
        in->head = (in->head + n) % in->slots;
        in->count -= n;
    }
}

void trd__ingest_swap_storage(trd__ingest *x, trd__ingest *y)
{
    trd_sample *ring = x->ring;
    size_t slots = x->slots, head = x->head, count = x->count;
    x->ring = y->ring;
    x->slots = y->slots;
    x->head = y->head;
    x->count = y->count;
    y->ring = ring;
    y->slots = slots;
    y->head = head;
    y->count = count;
}
