/* The JSON writer: separators and nesting, escapes, and the snprintf-like contract when the buffer is short. */
#include "common/json.h"
#include "test_support.h"

static size_t write_sample(char *buf, size_t cap)
{
    trd__json j;
    trd__json_init(&j, buf, cap);
    trd__json_object_begin(&j);
    trd__json_key(&j, "a");
    trd__json_uint(&j, 18446744073709551615ull);
    trd__json_key(&j, "list");
    trd__json_array_begin(&j);
    trd__json_double(&j, 0.5);
    trd__json_bool(&j, 1);
    trd__json_null(&j);
    trd__json_array_begin(&j);
    trd__json_array_end(&j);
    trd__json_object_begin(&j);
    trd__json_object_end(&j);
    trd__json_string(&j, "q\"b\\n\n\t\x01\xc3\xa9");
    trd__json_array_end(&j);
    trd__json_key(&j, "x");
    trd__json_double(&j, NAN);
    trd__json_object_end(&j);
    return trd__json_finish(&j);
}

static const char expected[] =
    "{\"a\":18446744073709551615,\"list\":[0.5,true,null,[],{},\"q\\\"b\\\\n\\n\\t\\u0001\xc3\xa9\"],\"x\":null}";

static void test_document(void **state)
{
    (void)state;
    char buf[256];
    size_t n = write_sample(buf, sizeof buf);
    assert_string_equal(buf, expected);
    assert_int_equal(n, strlen(expected));
}

static void test_short_buffers(void **state)
{
    (void)state;
    size_t full = strlen(expected);
    for (size_t cap = 0; cap <= full + 1; cap++) {
        char buf[256];
        memset(buf, 'Z', sizeof buf);
        size_t n = write_sample(cap ? buf : NULL, cap);
        assert_int_equal(n, full); /* the length is always the full one */
        if (cap > 0) {
            size_t kept = cap - 1 < full ? cap - 1 : full;
            assert_int_equal(buf[kept], '\0');
            assert_memory_equal(buf, expected, kept);
            assert_int_equal(buf[cap], 'Z'); /* never writes past the capacity */
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document),
        cmocka_unit_test(test_short_buffers),
    };
    return cmocka_run_group_tests_name("unit_json", tests, NULL, NULL);
}
