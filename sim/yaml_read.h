/* yaml_read.h -- typed, strict access to a YAML tree for the `simulation:` section.
 *
 * The tree comes from libtrident's own event-based reader (src/model/yaml_tree.h), linked on purpose: the
 * simulator's section then obeys exactly the same YAML rules as the rest of the file (no anchors, aliases,
 * tags or duplicate keys, depth limits, UTF-8 only), and messages have the same "file:line:col: " form.  Every
 * helper fails with SIM_E_PARSE and a message pointing at the offending node. */
#ifndef SIM_YAML_READ_H
#define SIM_YAML_READ_H

#include "model/yaml_tree.h"
#include "sim_status.h"

typedef trd__ynode sim_ynode;

typedef struct sim_yreader {
    const char *source;
    sim_error *err;
} sim_yreader;

sim_status sim_y_fail(const sim_yreader *r, const sim_ynode *at, const char *fmt, ...) SIM_PRINTF(3, 4);

/* The value under `key` in mapping `map`, or NULL. */
const sim_ynode *sim_y_find(const sim_ynode *map, const char *key);

/* `node` must be a mapping whose keys all appear in the NULL-terminated `allowed`. */
sim_status sim_y_mapping(const sim_yreader *r, const sim_ynode *node, const char *what, const char *const *allowed);
sim_status sim_y_list(const sim_yreader *r, const sim_ynode *node, const char *what);
/* The value under a required key. */
sim_status sim_y_required(const sim_yreader *r, const sim_ynode *map, const char *key, const char *what,
                          const sim_ynode **out);

typedef enum sim_yunit { SIM_Y_NUMBER, SIM_Y_BYTES, SIM_Y_RATE, SIM_Y_SECONDS } sim_yunit;

/* A plain scalar number (with a unit of the given kind where allowed), finite, within [lo, hi]. */
sim_status sim_y_number(const sim_yreader *r, const sim_ynode *node, const char *what, sim_yunit unit, double lo,
                        double hi, double *out);
/* As sim_y_number for an optional key: *out keeps its value when the key is absent. */
sim_status sim_y_opt_number(const sim_yreader *r, const sim_ynode *map, const char *key, sim_yunit unit, double lo,
                            double hi, double *out);
sim_status sim_y_opt_bool(const sim_yreader *r, const sim_ynode *map, const char *key, int *out);
/* A scalar used as a name (any quoting). */
sim_status sim_y_name(const sim_yreader *r, const sim_ynode *node, const char *what, const char **out);
/* 1 if the node is a plain scalar that reads as a number. */
int sim_y_is_number(const sim_ynode *node);

/* Iterates the (key, value) pairs of a mapping. */
#define SIM_Y_EACH_PAIR(map, k, v)                                                                               \
    for (const sim_ynode *k = (map)->first, *v = k ? k->next : NULL; k && v; k = v->next, v = k ? k->next : NULL)

#endif
