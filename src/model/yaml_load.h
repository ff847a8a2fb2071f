/* yaml_load.h -- the YAML model format (docs/yaml.md) to a validated trd__model. */
#ifndef TRD_MODEL_YAML_LOAD_H
#define TRD_MODEL_YAML_LOAD_H

#include <stddef.h>

#include "common/alloc.h"
#include "common/diag.h"
#include "model/model.h"

/* Parses and validates text[0..len); on success *out is a new model the caller owns.  `source` names the
 * input in messages.  Returns TRD_OK, TRD_E_PARSE, TRD_E_LIMIT, TRD_E_INVALID_MODEL or TRD_E_NOMEM. */
trd_status trd__yaml_load_model(const trd__alloc *alloc, const char *source, const char *text, size_t len,
                                size_t max_depth, trd__model **out, trd__diag *d);

#endif
