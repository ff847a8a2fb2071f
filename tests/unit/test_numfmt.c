/* Locale-free number formatting and parsing: exact cases, grammar, ranges, and a round trip of 200,000
 * seeded random doubles (format, then parse back with both strtod and our parser). */
#include <stdlib.h>

#include "common/numfmt.h"
#include "test_support.h"

static void expect_fmt(double x, const char *text)
{
    char out[TRD__NUM_CAP];
    size_t n = trd__fmt_double(out, x);
    if (strcmp(out, text) != 0)
        fail_msg("fmt(%.17g) = \"%s\", expected \"%s\"", x, out, text);
    assert_int_equal(n, strlen(text));
}

static void test_format_cases(void **state)
{
    (void)state;
    expect_fmt(0, "0");
    expect_fmt(-0.0, "-0");
    expect_fmt(1, "1");
    expect_fmt(-1, "-1");
    expect_fmt(0.1, "0.1");
    expect_fmt(0.25, "0.25");
    expect_fmt(1.0 / 3, "0.3333333333333333");
    expect_fmt(2.0 / 3, "0.6666666666666666");
    expect_fmt(100, "100");
    expect_fmt(123456789, "123456789");
    expect_fmt(85899345920.0, "85899345920");
    expect_fmt(1e16, "10000000000000000");
    expect_fmt(1e17, "1e+17");
    expect_fmt(1.5e300, "1.5e+300");
    expect_fmt(0.0001, "0.0001");
    expect_fmt(0.00001, "0.00001");
    expect_fmt(0.000001, "1e-06");
    expect_fmt(1.5e-7, "1.5e-07");
    expect_fmt(5e-324, "5e-324");
    expect_fmt(1.7976931348623157e308, "1.7976931348623157e+308");
    expect_fmt(9007199254740993.0, "9007199254740992");
    expect_fmt(NAN, "null");
    expect_fmt(INFINITY, "null");
    expect_fmt(-INFINITY, "null");
}

/* xorshift64*: seeded and portable, so every run checks the same doubles. */
static uint64_t next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static void test_round_trip_random_doubles(void **state)
{
    (void)state;
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = next(&seed);
        double x;
        if (i % 2) {
            memcpy(&x, &bits, sizeof x); /* any bit pattern */
        } else {
            x = (double)(bits >> 11) / 9007199254740992.0 * pow(10, (double)(int)(bits % 40) - 20);
        }
        if (!isfinite(x))
            continue;
        char out[TRD__NUM_CAP];
        size_t n = trd__fmt_double(out, x);
        double back = strtod(out, NULL);
        double ours;
        assert_int_equal(trd__parse_double(out, n, &ours), TRD__NUM_OK);
        if (memcmp(&back, &x, sizeof x) != 0)
            fail_msg("%.17g formatted as %s reads back as %.17g", x, out, back);
        if (memcmp(&ours, &x, sizeof x) != 0)
            fail_msg("%.17g formatted as %s parses back as %.17g", x, out, ours);
        /* Shortest: printf with one significant digit fewer than we used must not read back exactly. */
        char mantissa[TRD__NUM_CAP];
        int nd = 0;
        for (const char *p = out; *p && *p != 'e'; p++)
            if (*p >= '0' && *p <= '9')
                mantissa[nd++] = *p;
        int first = 0, last = nd - 1;
        while (first < nd && mantissa[first] == '0')
            first++;
        while (last > first && mantissa[last] == '0')
            last--;
        int significant = last - first + 1;
        if (significant > 1) {
            char shorter[64];
            snprintf(shorter, sizeof shorter, "%.*e", significant - 2, x);
            if (strtod(shorter, NULL) == x)
                fail_msg("%.17g: %s is not the shortest form (%s also reads back)", x, out, shorter);
        }
    }
}

static void expect_parse(const char *s, int rc, double value)
{
    double v = -777;
    int got = trd__parse_double(s, strlen(s), &v);
    if (got != rc)
        fail_msg("parse(\"%s\") returned %d, expected %d", s, got, rc);
    if (rc == TRD__NUM_OK && v != value)
        fail_msg("parse(\"%s\") = %.17g, expected %.17g", s, v, value);
}

static void test_parse_grammar(void **state)
{
    (void)state;
    expect_parse("1.5", TRD__NUM_OK, 1.5);
    expect_parse(".5", TRD__NUM_OK, 0.5);
    expect_parse("5.", TRD__NUM_OK, 5);
    expect_parse("+3", TRD__NUM_OK, 3);
    expect_parse("-2e3", TRD__NUM_OK, -2000);
    expect_parse("1E-2", TRD__NUM_OK, 0.01);
    expect_parse("0007.250", TRD__NUM_OK, 7.25);
    expect_parse("0.000", TRD__NUM_OK, 0);
    expect_parse("-0", TRD__NUM_OK, 0);
    expect_parse("123456789012345678901234567890", TRD__NUM_OK, 1.2345678901234568e29);
    expect_parse("0.1", TRD__NUM_OK, 0.1);
    expect_parse("4.9e-324", TRD__NUM_OK, 4.9e-324);
    expect_parse("1e400", TRD__NUM_RANGE, 0);
    expect_parse("-1e400", TRD__NUM_RANGE, 0);
    expect_parse("1e-400", TRD__NUM_RANGE, 0);
    expect_parse("1e99999999999999999999", TRD__NUM_RANGE, 0);
    expect_parse("", TRD__NUM_SYNTAX, 0);
    expect_parse(".", TRD__NUM_SYNTAX, 0);
    expect_parse("abc", TRD__NUM_SYNTAX, 0);
    expect_parse("1.2.3", TRD__NUM_SYNTAX, 0);
    expect_parse("1e", TRD__NUM_SYNTAX, 0);
    expect_parse("--1", TRD__NUM_SYNTAX, 0);
    expect_parse(" 1", TRD__NUM_SYNTAX, 0);
    expect_parse("1 ", TRD__NUM_SYNTAX, 0);
    expect_parse("0x10", TRD__NUM_SYNTAX, 0);
    expect_parse("inf", TRD__NUM_SYNTAX, 0);
    expect_parse("nan", TRD__NUM_SYNTAX, 0);
    expect_parse(".inf", TRD__NUM_SYNTAX, 0);
    expect_parse("1,5", TRD__NUM_SYNTAX, 0);
    char longest[700];
    memset(longest, '7', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    expect_parse(longest, TRD__NUM_SYNTAX, 0); /* mantissas beyond 600 digits are refused, not guessed */
}

static void test_parse_int64(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(trd__parse_int64("9223372036854775807", 19, &v), TRD__NUM_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(trd__parse_int64("-9223372036854775808", 20, &v), TRD__NUM_OK);
    assert_true(v == INT64_MIN);
    assert_int_equal(trd__parse_int64("9223372036854775808", 19, &v), TRD__NUM_RANGE);
    assert_int_equal(trd__parse_int64("-9223372036854775809", 20, &v), TRD__NUM_RANGE);
    assert_int_equal(trd__parse_int64("+42", 3, &v), TRD__NUM_OK);
    assert_int_equal(v, 42);
    assert_int_equal(trd__parse_int64("-", 1, &v), TRD__NUM_SYNTAX);
    assert_int_equal(trd__parse_int64("4.0", 3, &v), TRD__NUM_SYNTAX);
    assert_int_equal(trd__parse_int64("", 0, &v), TRD__NUM_SYNTAX);
}

static void test_bytes_for_people(void **state)
{
    (void)state;
    char out[TRD__NUM_CAP];
    trd__fmt_bytes(out, 512);
    assert_string_equal(out, "512 B");
    trd__fmt_bytes(out, 1536);
    assert_string_equal(out, "1.5 KiB");
    trd__fmt_bytes(out, 80.0 * 1073741824.0);
    assert_string_equal(out, "80 GiB");
    trd__fmt_bytes(out, 1099511627776.0);
    assert_string_equal(out, "1 TiB");
    trd__fmt_bytes(out, 123456789);
    assert_string_equal(out, "118 MiB");
    trd__fmt_bytes(out, 0);
    assert_string_equal(out, "0 B");
}

static void test_three_significant_digits(void **state)
{
    (void)state;
    static const struct {
        double x;
        const char *text;
    } cases[] = {{0.123456, "0.123"}, {123456, "123000"}, {1.5, "1.5"}, {-0.00012345, "-0.000123"}, {0, "0"},
                 {99.96, "100"}, {2.25e-9, "2.25e-09"}, {7, "7"}, {1.234e20, "1.23e+20"}, {NAN, "null"}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char out[TRD__NUM_CAP];
        trd__fmt_sig3(out, cases[k].x);
        assert_string_equal(out, cases[k].text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_cases),
        cmocka_unit_test(test_round_trip_random_doubles),
        cmocka_unit_test(test_parse_grammar),
        cmocka_unit_test(test_parse_int64),
        cmocka_unit_test(test_bytes_for_people),
        cmocka_unit_test(test_three_significant_digits),
    };
    return cmocka_run_group_tests_name("unit_numfmt", tests, NULL, NULL);
}
