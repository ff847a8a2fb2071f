/* The YAML tree reader: shape, positions, and the refusals (aliases, anchors, tags, duplicate keys, non-scalar
 * keys, several documents, depth). */
#include "model/yaml_tree.h"
#include "test_support.h"

typedef struct fixture {
    test_alloc stats;
    trd__alloc alloc;
    trd__arena ar;
    trd__diag d;
    trd__ynode *root;
} fixture;

static trd_status parse(fixture *f, const char *text, size_t depth)
{
    memset(&f->stats, 0, sizeof f->stats);
    f->alloc.fn = test_allocator(&f->stats);
    trd__arena_init(&f->ar, &f->alloc);
    trd__ylimits limits = {depth};
    f->root = NULL;
    return trd__yaml_parse(&f->ar, "t.yaml", text, strlen(text), &limits, &f->root, &f->d);
}

static void done(fixture *f)
{
    trd__arena_free(&f->ar);
    assert_int_equal(f->stats.live_blocks, 0);
}

static void test_shape_and_positions(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(parse(&f, "a: 1\nb:\n  - x\n  - 'y z'\nc: {d: [1, 2]}\n", 8), TRD_OK);
    trd__ynode *r = f.root;
    assert_int_equal(r->kind, TRD__Y_MAP);
    assert_int_equal(r->n, 6);
    trd__ynode *a = r->first, *one = a->next, *b = one->next, *list = b->next;
    assert_string_equal(a->text, "a");
    assert_string_equal(one->text, "1");
    assert_true(one->plain);
    assert_int_equal(one->line, 1);
    assert_int_equal(one->col, 4);
    assert_int_equal(list->kind, TRD__Y_SEQ);
    assert_int_equal(list->n, 2);
    assert_string_equal(list->last->text, "y z");
    assert_false(list->last->plain);
    assert_int_equal(list->last->line, 4);
    assert_int_equal(list->last->col, 5);
    trd__ynode *c_val = list->next->next;
    assert_int_equal(c_val->kind, TRD__Y_MAP);
    assert_int_equal(c_val->first->next->kind, TRD__Y_SEQ);
    done(&f);
}

static void expect_refused(const char *text, size_t depth, trd_status st, const char *msg)
{
    fixture f;
    trd_status got = parse(&f, text, depth);
    if (got != st || strcmp(f.d.msg, msg) != 0)
        fail_msg("%s: got %s \"%s\", expected %s \"%s\"", text, trd_status_name(got), f.d.msg, trd_status_name(st),
                 msg);
    done(&f);
}

static void test_refusals(void **state)
{
    (void)state;
    expect_refused("a: &x 1\nb: *x\n", 8, TRD_E_PARSE, "t.yaml:1:4: anchors (&name) are not supported; write the value out");
    expect_refused("a: [1]\nb: *x\n", 8, TRD_E_PARSE, "t.yaml:2:4: aliases (*name) are not supported; write the value out");
    expect_refused("a: !!int 1\n", 8, TRD_E_PARSE, "t.yaml:1:4: tags (!tag) are not supported");
    expect_refused("a: ! 1\n", 8, TRD_E_PARSE, "t.yaml:1:4: tags (!tag) are not supported");
    expect_refused("a: 1\nb: 2\na: 3\n", 8, TRD_E_PARSE, "t.yaml:3:1: duplicate key 'a' (first at 1:1)");
    expect_refused("? [a]\n: 1\n", 8, TRD_E_PARSE, "t.yaml:1:3: mapping keys must be scalars");
    expect_refused("a: 1\n---\nb: 2\n", 8, TRD_E_PARSE, "t.yaml:2:1: a second YAML document; the file must hold exactly one");
    expect_refused("a: [[[1]]]\n", 3, TRD_E_LIMIT, "t.yaml:1:6: nesting deeper than 3 levels (yaml_max_depth)");
    expect_refused("a: \"x\\0y\"\n", 8, TRD_E_PARSE, "t.yaml:1:4: a scalar contains a NUL character");
    expect_refused("", 8, TRD_E_PARSE, "t.yaml:1:1: the document is empty; expected a mapping with 'cluster' and 'pipeline'");
    expect_refused("a: [1, 2\n", 8, TRD_E_PARSE, "t.yaml:2:1: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)");
    /* Reader errors are located in characters, not bytes: "é" is two bytes and one column. */
    expect_refused("a: \xc3\xa9\xc3\xa9\x01\n", 8, TRD_E_PARSE, "t.yaml:1:6: control characters are not allowed (0x01); the file must be UTF-8 text");
    fixture f;
    assert_int_equal(parse(&f, "a: [[1]]\n", 3), TRD_OK); /* exactly at the limit */
    done(&f);
}

static void test_arena_alignment_and_big_blocks(void **state)
{
    (void)state;
    test_alloc s;
    memset(&s, 0, sizeof s);
    trd__alloc a = {test_allocator(&s)};
    trd__arena ar;
    trd__arena_init(&ar, &a);
    for (int i = 1; i < 200; i++) {
        unsigned char *p = trd__arena_alloc(&ar, (size_t)i * 7);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        for (int k = 0; k < i * 7; k++)
            assert_int_equal(p[k], 0);
    }
    assert_non_null(trd__arena_alloc(&ar, 100000)); /* larger than a chunk */
    trd__arena_free(&ar);
    assert_int_equal(s.live_blocks, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape_and_positions),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_arena_alignment_and_big_blocks),
    };
    return cmocka_run_group_tests_name("unit_yaml_tree", tests, NULL, NULL);
}
