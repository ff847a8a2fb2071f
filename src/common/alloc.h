/* alloc.h -- every allocation of a context goes through its trd_allocator.
 *
 * Blocks carry a small header holding their size, so internal code frees with one pointer while the host's
 * allocator still receives the size it was asked for (nng-style sized free). */
#ifndef TRD_COMMON_ALLOC_H
#define TRD_COMMON_ALLOC_H

#include <stddef.h>

#include "trident.h"

typedef struct trd__alloc {
    trd_allocator fn;
} trd__alloc;

/* The C library's malloc/realloc/free as a trd_allocator. */
void trd__alloc_init_default(trd__alloc *a);

/* NULL on failure or on a size that would overflow; never calls the host allocator with 0 bytes. */
void *trd__malloc(const trd__alloc *a, size_t size);
void *trd__calloc(const trd__alloc *a, size_t count, size_t size);
/* On failure returns NULL and leaves `ptr` valid and unchanged. */
void *trd__realloc(const trd__alloc *a, void *ptr, size_t size);
void trd__free(const trd__alloc *a, void *ptr);

/* Grows *items (of `elem` bytes each) so that it holds at least `need` elements, doubling capacity.
 * Returns 0, or -1 on allocation failure or overflow with *items and *cap unchanged. */
int trd__grow(const trd__alloc *a, void **items, size_t *cap, size_t need, size_t elem);

#endif
