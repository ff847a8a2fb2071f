/* sim_grow.h -- the one way the simulator grows an array. */
#ifndef SIM_GROW_H
#define SIM_GROW_H

#include <stddef.h>

/* Grows *items (of `elem` bytes each, capacity *cap) to hold at least `need` elements, doubling from 16; new
 * elements are not initialised.  Returns 0, or -1 on allocation failure or overflow with *items and *cap
 * unchanged. */
int sim_grow(void **items, size_t *cap, size_t need, size_t elem);

#endif
