/* yaml_tree.c -- libyaml events to a trd__ynode tree, with the limits and refusals described in the header. */
#include "model/yaml_tree.h"

#include <string.h>
#include <yaml.h>

struct trd__arena_chunk {
    trd__arena_chunk *next;
    size_t used, cap;
    /* payload follows, aligned like the header */
};

#define CHUNK 16384u
#define ALIGN 16u

void trd__arena_init(trd__arena *ar, const trd__alloc *alloc)
{
    ar->alloc = alloc;
    ar->chunks = NULL;
}

void *trd__arena_alloc(trd__arena *ar, size_t size)
{
    size = (size + ALIGN - 1) / ALIGN * ALIGN;
    size_t head = (sizeof(trd__arena_chunk) + ALIGN - 1) / ALIGN * ALIGN;
    trd__arena_chunk *c = ar->chunks;
    if (!c || c->cap - c->used < size) {
        size_t cap = size > CHUNK ? size : CHUNK;
        c = trd__malloc(ar->alloc, head + cap);
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        c->next = ar->chunks;
        ar->chunks = c;
    }
    unsigned char *p = (unsigned char *)c + head + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

void trd__arena_free(trd__arena *ar)
{
    while (ar->chunks) {
        trd__arena_chunk *next = ar->chunks->next;
        trd__free(ar->alloc, ar->chunks);
        ar->chunks = next;
    }
}

typedef struct builder {
    trd__arena *ar;
    const char *source;
    const char *text;
    size_t len;
    const trd__ylimits *limits;
    trd__diag *d;
    trd__ynode *stack[1026];
    size_t depth;
    trd__ynode *root;
} builder;

static trd_status fail_at(builder *b, trd_status st, uint32_t line, uint32_t col, const char *what)
{
    return trd__fail(b->d, st, "%s:%u:%u: %s", b->source, line, col, what);
}

/* Line and column (1-based, in characters like libyaml's marks) of a byte offset: libyaml reports reader
 * errors (bad UTF-8, control characters) by byte offset only.  UTF-8 continuation bytes start no column. */
static void locate(const builder *b, size_t offset, uint32_t *line, uint32_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset && i < b->len; i++) {
        unsigned char c = (unsigned char)b->text[i];
        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else if ((c & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static trd_status syntax_error(builder *b, const yaml_parser_t *p)
{
    if (p->error == YAML_MEMORY_ERROR)
        return trd__fail(b->d, TRD_E_NOMEM, "%s: out of memory while parsing YAML", b->source);
    uint32_t line, col;
    if (p->error == YAML_READER_ERROR) {
        locate(b, p->problem_offset, &line, &col);
        /* problem_value is the offending octet or code point, depending on the problem. */
        if (p->problem_value != -1)
            return trd__fail(b->d, TRD_E_PARSE, "%s:%u:%u: %s (0x%02X); the file must be UTF-8 text", b->source,
                             line, col, p->problem ? p->problem : "unreadable input", (unsigned)p->problem_value);
        return trd__fail(b->d, TRD_E_PARSE, "%s:%u:%u: %s; the file must be UTF-8 text", b->source, line, col,
                         p->problem ? p->problem : "unreadable input");
    }
    line = (uint32_t)p->problem_mark.line + 1;
    col = (uint32_t)p->problem_mark.column + 1;
    if (p->context)
        return trd__fail(b->d, TRD_E_PARSE, "%s:%u:%u: %s (%s at %u:%u)", b->source, line, col,
                         p->problem ? p->problem : "syntax error", p->context,
                         (unsigned)p->context_mark.line + 1, (unsigned)p->context_mark.column + 1);
    return trd__fail(b->d, TRD_E_PARSE, "%s:%u:%u: %s", b->source, line, col,
                     p->problem ? p->problem : "syntax error");
}

static void append(trd__ynode *parent, trd__ynode *child)
{
    if (parent->last)
        parent->last->next = child;
    else
        parent->first = child;
    parent->last = child;
    parent->n++;
}

/* Attaches a finished node to the open container (or makes it the root), checking mapping keys. */
static trd_status attach(builder *b, trd__ynode *node)
{
    if (b->depth == 0) {
        b->root = node;
        return TRD_OK;
    }
    trd__ynode *parent = b->stack[b->depth - 1];
    if (parent->kind == TRD__Y_MAP && parent->n % 2 == 0) {
        /* `node` is a key. */
        if (node->kind != TRD__Y_SCALAR)
            return fail_at(b, TRD_E_PARSE, node->line, node->col, "mapping keys must be scalars");
        for (trd__ynode *k = parent->first; k; k = k->next ? k->next->next : NULL)
            if (k->len == node->len && memcmp(k->text, node->text, k->len) == 0)
                return trd__fail(b->d, TRD_E_PARSE, "%s:%u:%u: duplicate key '%s' (first at %u:%u)", b->source,
                                 node->line, node->col, node->text, k->line, k->col);
    }
    append(parent, node);
    return TRD_OK;
}

static trd__ynode *new_node(builder *b, trd__ykind kind, const yaml_mark_t *mark)
{
    trd__ynode *n = trd__arena_alloc(b->ar, sizeof *n);
    if (n) {
        n->kind = kind;
        n->line = (uint32_t)mark->line + 1;
        n->col = (uint32_t)mark->column + 1;
    }
    return n;
}

/* Refuses anchors and tags on a node event.  libyaml reports a tag only when the document wrote one, and even
 * the bare "!" changes a scalar's meaning (it makes "! 2" a string), so every tag is refused. */
static trd_status check_props(builder *b, const yaml_event_t *ev, const yaml_char_t *anchor, const yaml_char_t *tag)
{
    uint32_t line = (uint32_t)ev->start_mark.line + 1, col = (uint32_t)ev->start_mark.column + 1;
    if (anchor)
        return fail_at(b, TRD_E_PARSE, line, col, "anchors (&name) are not supported; write the value out");
    if (tag)
        return fail_at(b, TRD_E_PARSE, line, col, "tags (!tag) are not supported");
    return TRD_OK;
}

static trd_status on_event(builder *b, const yaml_event_t *ev, int *documents, int *done)
{
    uint32_t line = (uint32_t)ev->start_mark.line + 1, col = (uint32_t)ev->start_mark.column + 1;
    trd_status st;
    trd__ynode *n;
    switch (ev->type) {
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
        return TRD_OK;
    case YAML_STREAM_END_EVENT:
        *done = 1;
        return TRD_OK;
    case YAML_DOCUMENT_START_EVENT:
        if (++*documents > 1)
            return fail_at(b, TRD_E_PARSE, line, col, "a second YAML document; the file must hold exactly one");
        return TRD_OK;
    case YAML_ALIAS_EVENT:
        return fail_at(b, TRD_E_PARSE, line, col, "aliases (*name) are not supported; write the value out");
    case YAML_SCALAR_EVENT: {
        st = check_props(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag);
        if (st != TRD_OK)
            return st;
        n = new_node(b, TRD__Y_SCALAR, &ev->start_mark);
        char *text = n ? trd__arena_alloc(b->ar, ev->data.scalar.length + 1) : NULL;
        if (!text)
            return trd__fail(b->d, TRD_E_NOMEM, "%s: out of memory while reading YAML", b->source);
        memcpy(text, ev->data.scalar.value, ev->data.scalar.length);
        if (memchr(text, '\0', ev->data.scalar.length))
            return fail_at(b, TRD_E_PARSE, line, col, "a scalar contains a NUL character");
        n->text = text;
        n->len = ev->data.scalar.length;
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        return attach(b, n);
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        int seq = ev->type == YAML_SEQUENCE_START_EVENT;
        st = seq ? check_props(b, ev, ev->data.sequence_start.anchor, ev->data.sequence_start.tag)
                 : check_props(b, ev, ev->data.mapping_start.anchor, ev->data.mapping_start.tag);
        if (st != TRD_OK)
            return st;
        if (b->depth >= b->limits->max_depth)
            return trd__fail(b->d, TRD_E_LIMIT, "%s:%u:%u: nesting deeper than %zu levels (yaml_max_depth)",
                             b->source, line, col, b->limits->max_depth);
        n = new_node(b, seq ? TRD__Y_SEQ : TRD__Y_MAP, &ev->start_mark);
        if (!n)
            return trd__fail(b->d, TRD_E_NOMEM, "%s: out of memory while reading YAML", b->source);
        if ((st = attach(b, n)) != TRD_OK)
            return st;
        b->stack[b->depth++] = n;
        return TRD_OK;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        b->depth--;
        return TRD_OK;
    default:
        return fail_at(b, TRD_E_PARSE, line, col, "unexpected YAML event");
    }
}

trd_status trd__yaml_parse(trd__arena *ar, const char *source, const char *text, size_t len,
                           const trd__ylimits *limits, trd__ynode **root, trd__diag *d)
{
    builder b = {0};
    b.ar = ar;
    b.source = source;
    b.text = text;
    b.len = len;
    b.limits = limits;
    b.d = d;
    if (limits->max_depth > sizeof b.stack / sizeof b.stack[0] - 2)
        return trd__fail(d, TRD_E_INTERNAL, "yaml: depth limit %zu exceeds the parser's stack", limits->max_depth);

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return trd__fail(d, TRD_E_NOMEM, "%s: out of memory starting the YAML parser", source);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    /* UTF-8 only: libyaml would otherwise detect a UTF-16 byte-order mark and decode the file silently. */
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

    trd_status st = TRD_OK;
    int documents = 0, done = 0;
    while (!done && st == TRD_OK) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            st = syntax_error(&b, &parser);
            break;
        }
        st = on_event(&b, &ev, &documents, &done);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (st != TRD_OK)
        return st;
    if (!b.root)
        return trd__fail(d, TRD_E_PARSE, "%s:1:1: the document is empty; expected a mapping with 'cluster' and "
                         "'pipeline'", source);
    *root = b.root;
    return TRD_OK;
}
