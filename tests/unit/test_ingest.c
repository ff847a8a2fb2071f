/* The ingest ring: order across wrap-around, growth, eviction counts, capacity changes, and allocation
 * failures that leave it unchanged. */
#include "observe/ingest.h"
#include "test_support.h"

static trd_sample numbered(uint64_t i)
{
    trd_sample s;
    memset(&s, 0, sizeof s);
    s.items_in = i;
    return s;
}

static void push_range(trd__ingest *in, const trd__alloc *a, uint64_t from, uint64_t to)
{
    trd_sample batch[512];
    size_t n = 0;
    for (uint64_t i = from; i < to; i++)
        batch[n++] = numbered(i);
    assert_int_equal(trd__ingest_push(in, a, batch, n), 0);
}

static void expect_contents(trd__ingest *in, uint64_t from, uint64_t to)
{
    trd_sample out[512];
    size_t n = trd__ingest_pop(in, out, 512);
    assert_int_equal(n, to - from);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(out[i].items_in, from + i);
    assert_int_equal(in->count, 0);
}

static void test_order_and_eviction(void **state)
{
    (void)state;
    test_alloc s;
    memset(&s, 0, sizeof s);
    trd__alloc a = {test_allocator(&s)};
    trd__ingest in;
    trd__ingest_init(&in, 100);
    push_range(&in, &a, 0, 30);
    push_range(&in, &a, 30, 90);
    assert_int_equal(in.count, 90);
    assert_true(in.slots <= 100);
    push_range(&in, &a, 90, 130); /* 30 evicted */
    assert_int_equal(in.count, 100);
    assert_int_equal(in.dropped, 30);
    assert_int_equal(in.accepted, 130);
    trd_sample out[10];
    assert_int_equal(trd__ingest_pop(&in, out, 10), 10); /* head moves: the next pushes wrap around */
    assert_int_equal(out[0].items_in, 30);
    push_range(&in, &a, 130, 145); /* 5 more evicted */
    assert_int_equal(in.dropped, 35);
    expect_contents(&in, 45, 145);
    /* A batch larger than the capacity keeps its newest part and evicts everything else. */
    push_range(&in, &a, 200, 210);
    push_range(&in, &a, 1000, 1250);
    assert_int_equal(in.dropped, 35 + 10 + 150);
    expect_contents(&in, 1150, 1250);
    trd__ingest_free(&in, &a);
    assert_int_equal(s.live_blocks, 0);
}

static void test_capacity_changes(void **state)
{
    (void)state;
    test_alloc s;
    memset(&s, 0, sizeof s);
    trd__alloc a = {test_allocator(&s)};
    trd__ingest in;
    trd__ingest_init(&in, 64);
    push_range(&in, &a, 0, 50);
    assert_int_equal(trd__ingest_set_capacity(&in, &a, 20), 0);
    assert_int_equal(in.dropped, 30);
    assert_int_equal(in.capacity, 20);
    assert_int_equal(trd__ingest_set_capacity(&in, &a, 400), 0);
    push_range(&in, &a, 50, 300);
    expect_contents(&in, 30, 300);
    assert_int_equal(in.dropped, 30);
    trd__ingest_free(&in, &a);
    assert_int_equal(s.live_blocks, 0);
}

static void test_allocation_failure_changes_nothing(void **state)
{
    (void)state;
    test_alloc s;
    memset(&s, 0, sizeof s);
    trd__alloc a = {test_allocator(&s)};
    trd__ingest in;
    trd__ingest_init(&in, 1000);
    push_range(&in, &a, 0, 60);
    trd__ingest saved = in;
    trd_sample batch[100];
    for (int i = 0; i < 100; i++)
        batch[i] = numbered(60 + (uint64_t)i);
    s.fail_at = s.calls + 1;
    assert_int_equal(trd__ingest_push(&in, &a, batch, 100), -1);
    assert_memory_equal(&in, &saved, sizeof in);
    /* Shrinking relays the ring out, which allocates: a failure there leaves it unchanged too. */
    s.fail_at = s.calls + 1;
    assert_int_equal(trd__ingest_set_capacity(&in, &a, 10), -1);
    assert_memory_equal(&in, &saved, sizeof in);
    s.fail_at = 0;
    assert_int_equal(trd__ingest_set_capacity(&in, &a, 10), 0);
    expect_contents(&in, 50, 60);
    trd__ingest_free(&in, &a);
    assert_int_equal(s.live_blocks, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_eviction),
        cmocka_unit_test(test_capacity_changes),
        cmocka_unit_test(test_allocation_failure_changes_nothing),
    };
    return cmocka_run_group_tests_name("unit_ingest", tests, NULL, NULL);
}
