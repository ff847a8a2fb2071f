/* The library's text is locale-independent: with LC_ALL set to a locale whose decimal separator is a comma,
 * YAML numbers still parse and JSON numbers still use '.'.  Needs a comma locale (de_DE.UTF-8, fr_FR.UTF-8,
 * ...); CI installs one and sets TRIDENT_REQUIRE_LOCALE=1 so that a missing locale fails instead of skipping. */
#include <locale.h>
#include <stdlib.h>

#include "test_support.h"

static const char *comma_locale(void)
{
    static const char *const candidates[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8",
                                             "nl_NL.UTF-8", "ru_RU.UTF-8", "es_ES.UTF-8"};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (setlocale(LC_ALL, candidates[i]) && strcmp(localeconv()->decimal_point, ",") == 0)
            return candidates[i];
    setlocale(LC_ALL, "C");
    return NULL;
}

static void test_numbers_ignore_the_locale(void **state)
{
    (void)state;
    const char *loc = comma_locale();
    if (!loc) {
        const char *require = getenv("TRIDENT_REQUIRE_LOCALE");
        if (require && strcmp(require, "1") == 0)
            fail_msg("no locale with a decimal comma is installed (TRIDENT_REQUIRE_LOCALE=1)");
        skip();
    }
    /* Sanity: the C library itself now formats with a comma. */
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    assert_string_equal(probe, "0,5");

    static const char yaml[] =
        "cluster:\n  nodes: [{name: n, cpus: 2.5, memory: 1.5GiB, nic: 0.5Gbps}]\n"
        "pipeline:\n  operators:\n"
        "    - {name: a, cpus: 0.25, cold_start: 1.5s}\n"
        "    - {name: b, items_out_per_in: 0.125}\n"
        "  edges: [{from: a, to: b, share: 0.75}]\n";
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, trd_ctx_load_yaml_string(ctx, yaml, strlen(yaml)));
    double v;
    assert_ok(ctx, trd_ctx_get_node_attr(ctx, 0, TRD_NODE_CPUS, &v));
    assert_close(v, 2.5, 0);
    assert_ok(ctx, trd_ctx_get_operator_attr(ctx, 0, TRD_OP_COLD_START_S, &v));
    assert_close(v, 1.5, 0);
    char *json = test_model_json(ctx);
    assert_non_null(strstr(json, "\"cpus\":2.5,"));
    assert_non_null(strstr(json, "\"memory\":1610612736,"));
    assert_non_null(strstr(json, "\"nic\":62500000}"));
    assert_non_null(strstr(json, "\"cpus\":0.25,"));
    assert_non_null(strstr(json, "\"items_out_per_in\":0.125,"));
    assert_non_null(strstr(json, "\"share\":0.75}"));
    for (const char *c = json; c[0] && c[1] && c[2]; c++)
        if (c[0] >= '0' && c[0] <= '9' && c[1] == ',' && c[2] >= '0' && c[2] <= '9')
            fail_msg("a decimal comma in the JSON: ...%.20s", c);
    free(json);
    /* Messages too. */
    assert_status(ctx, TRD_E_INVALID_ARG, trd_ctx_add_edge(ctx, 0, 1, 1.5));
    assert_error_contains(ctx, "share 1.5 is outside");
    trd_ctx_free(ctx);
    setlocale(LC_ALL, "C");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_numbers_ignore_the_locale)};
    return cmocka_run_group_tests_name("api_locale", tests, NULL, NULL);
}
