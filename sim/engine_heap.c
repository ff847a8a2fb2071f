/* engine_heap.c -- the event queue: a binary min-heap ordered by (time, insertion number), so that events at
 * the same time run in the order they were scheduled and every run replays exactly. */
#include "engine_internal.h"

#include <stdlib.h>


static int before(const sim_ev *a, const sim_ev *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

int sim_heap_push(sim_heap *h, double t, uint32_t kind, uint32_t id, uint64_t ver)
{
    if (sim_grow((void **)&h->v, &h->cap, h->n + 1, sizeof *h->v))
        return -1;
    sim_ev ev = {t, h->seq++, kind, id, ver};
    size_t i = h->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(&ev, &h->v[parent]))
            break;
        h->v[i] = h->v[parent];
        i = parent;
    }
    h->v[i] = ev;
    return 0;
}

int sim_heap_pop(sim_heap *h, sim_ev *out)
{
    if (h->n == 0)
        return 0;
    *out = h->v[0];
    sim_ev last = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && before(&h->v[c + 1], &h->v[c]))
            c++;
        if (!before(&h->v[c], &last))
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n)
        h->v[i] = last;
    return 1;
}

void sim_heap_free(sim_heap *h)
{
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}
