/* alloc.c -- sized allocation on top of the context's trd_allocator. */
#include "common/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The header keeps the payload aligned for any type (max_align_t is 16 bytes on the platforms we build). */
#define HEADER 16u

static void *default_alloc(void *user, size_t size)
{
    (void)user;
    return malloc(size);
}

static void *default_realloc(void *user, void *ptr, size_t old_size, size_t new_size)
{
    (void)user;
    (void)old_size;
    return realloc(ptr, new_size);
}

static void default_free(void *user, void *ptr, size_t size)
{
    (void)user;
    (void)size;
    free(ptr);
}

void trd__alloc_init_default(trd__alloc *a)
{
    a->fn.alloc = default_alloc;
    a->fn.realloc = default_realloc;
    a->fn.free = default_free;
    a->fn.user = NULL;
}

void *trd__malloc(const trd__alloc *a, size_t size)
{
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX - HEADER)
        return NULL;
    unsigned char *block = a->fn.alloc(a->fn.user, size + HEADER);
    if (!block)
        return NULL;
    memcpy(block, &size, sizeof size);
    return block + HEADER;
}

void *trd__calloc(const trd__alloc *a, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    void *p = trd__malloc(a, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

static size_t block_size(const void *ptr)
{
    size_t size;
    memcpy(&size, (const unsigned char *)ptr - HEADER, sizeof size);
    return size;
}

void *trd__realloc(const trd__alloc *a, void *ptr, size_t size)
{
    if (!ptr)
        return trd__malloc(a, size);
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX - HEADER)
        return NULL;
    size_t old = block_size(ptr);
    if (a->fn.realloc) {
        unsigned char *block = a->fn.realloc(a->fn.user, (unsigned char *)ptr - HEADER, old + HEADER,
                                             size + HEADER);
        if (!block)
            return NULL;
        memcpy(block, &size, sizeof size);
        return block + HEADER;
    }
    void *fresh = trd__malloc(a, size);
    if (!fresh)
        return NULL;
    memcpy(fresh, ptr, old < size ? old : size);
    trd__free(a, ptr);
    return fresh;
}

void trd__free(const trd__alloc *a, void *ptr)
{
    if (!ptr)
        return;
    size_t size = block_size(ptr);
    a->fn.free(a->fn.user, (unsigned char *)ptr - HEADER, size + HEADER);
}

int trd__grow(const trd__alloc *a, void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t fresh = *cap ? *cap : 4;
    while (fresh < need) {
        if (fresh > SIZE_MAX / 2)
            return -1;
        fresh *= 2;
    }
    if (elem != 0 && fresh > SIZE_MAX / elem)
        return -1;
    void *p = trd__realloc(a, *items, fresh * elem);
    if (!p)
        return -1;
    *items = p;
    *cap = fresh;
    return 0;
}
