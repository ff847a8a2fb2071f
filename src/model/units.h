/* units.h -- quantities with units in YAML: "80GiB", "25Gbps", "90s". */
#ifndef TRD_MODEL_UNITS_H
#define TRD_MODEL_UNITS_H

#include <stddef.h>

#include "model/model.h"

/* Parses a number optionally followed by a unit of the given kind (spaces between them allowed) into base
 * units (bytes, bytes/s, seconds).  Returns TRD__NUM_OK, or TRD__NUM_SYNTAX / TRD__NUM_RANGE with *why set
 * to a short explanation. */
int trd__parse_quantity(const char *s, size_t n, trd__unit unit, double *out, const char **why);

/* The units accepted for a kind, for messages ("B, KB, MB, ... GiB, TiB"). */
const char *trd__unit_names(trd__unit unit);

#endif
