/* yaml_tree.h -- a YAML document read into a small tree of scalars, mappings and sequences.
 *
 * libyaml's event API is used rather than its document loader so that limits hold while parsing (document
 * size, nesting depth) and so that the things a configuration file must not contain are refused where they
 * appear: aliases and anchors (shared or cyclic nodes), tags, duplicate keys, non-scalar keys, more than one
 * document.  Every node keeps its 1-based line and column for messages. */
#ifndef TRD_MODEL_YAML_TREE_H
#define TRD_MODEL_YAML_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "common/alloc.h"
#include "common/diag.h"

typedef enum trd__ykind { TRD__Y_SCALAR = 1, TRD__Y_MAP, TRD__Y_SEQ } trd__ykind;

typedef struct trd__ynode {
    trd__ykind kind;
    int plain;                    /* scalar written without quotes (numbers and booleans must be) */
    uint32_t line, col;           /* 1-based */
    const char *text;             /* scalar text, NUL-terminated */
    size_t len;
    size_t n;                     /* children: sequence items, or 2 x pairs for a mapping */
    struct trd__ynode *first;     /* mapping children alternate key, value */
    struct trd__ynode *last;
    struct trd__ynode *next;
} trd__ynode;

/* A bump allocator over the context's allocator: the tree and the loader's scratch die together. */
typedef struct trd__arena_chunk trd__arena_chunk;
typedef struct trd__arena {
    const trd__alloc *alloc;
    trd__arena_chunk *chunks;
} trd__arena;

void trd__arena_init(trd__arena *ar, const trd__alloc *alloc);
void *trd__arena_alloc(trd__arena *ar, size_t size); /* zeroed; NULL on failure */
void trd__arena_free(trd__arena *ar);

typedef struct trd__ylimits {
    size_t max_depth;
} trd__ylimits;

/* Parses text[0..len) into *root (allocated in `ar`).  `source` names the input in messages
 * ("pdf.yaml:3:7: ...").  Returns TRD_OK, TRD_E_PARSE, TRD_E_LIMIT or TRD_E_NOMEM. */
trd_status trd__yaml_parse(trd__arena *ar, const char *source, const char *text, size_t len,
                           const trd__ylimits *limits, trd__ynode **root, trd__diag *d);

#endif
