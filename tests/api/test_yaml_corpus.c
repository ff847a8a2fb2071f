/* The malformed-YAML corpus (tests/data/bad_yaml): every file fails with its expected status and its own
 * precise message (file:line:col), and leaves a context holding a valid model exactly as it was. */
#include <stdlib.h>

#include "test_support.h"

#define MAX_ROWS 256

typedef struct row {
    char file[128];
    char status[48];
    char expect[400];
} row;

static size_t read_manifest(row *rows)
{
    char *text = test_read_file(test_source_path("tests/data/bad_yaml/EXPECTED.tsv"), NULL);
    size_t n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || !t2)
            fail_msg("EXPECTED.tsv: malformed row: %s", line);
        if (n >= MAX_ROWS)
            fail_msg("EXPECTED.tsv: more than %d rows", MAX_ROWS);
        *t1 = *t2 = '\0';
        snprintf(rows[n].file, sizeof rows[n].file, "%s", line);
        snprintf(rows[n].status, sizeof rows[n].status, "%s", t1 + 1);
        snprintf(rows[n].expect, sizeof rows[n].expect, "%s", t2 + 1);
        n++;
    }
    free(text);
    return n;
}

static void test_corpus(void **state)
{
    (void)state;
    static row rows[MAX_ROWS];
    size_t n = read_manifest(rows);
    assert_true(n >= 20);
    trd_ctx *ctx;
    assert_int_equal(trd_ctx_new(&ctx), TRD_OK);
    assert_ok(ctx, test_load_model(ctx));
    char *before = test_model_json(ctx);
    for (size_t i = 0; i < n; i++) {
        char rel[256];
        if (snprintf(rel, sizeof rel, "tests/data/bad_yaml/%s", rows[i].file) >= (int)sizeof rel)
            fail_msg("%s: file name too long", rows[i].file);
        const char *path = test_source_path(rel);
        trd_status st = trd_ctx_load_yaml(ctx, path);
        const char *msg = trd_ctx_last_error(ctx);
        if (strcmp(trd_status_name(st), rows[i].status) != 0)
            fail_msg("%s: got %s (%s), expected %s", rows[i].file, trd_status_name(st), msg, rows[i].status);
        if (!strstr(msg, rows[i].expect))
            fail_msg("%s: message \"%s\" does not contain \"%s\"", rows[i].file, msg, rows[i].expect);
        /* Messages that come from the file name the file first. */
        if (st != TRD_E_LIMIT || strstr(msg, path) == msg) {
            if (strncmp(msg, path, strlen(path)) != 0)
                fail_msg("%s: message \"%s\" does not start with the path", rows[i].file, msg);
        }
        char *after = test_model_json(ctx);
        if (strcmp(before, after) != 0)
            fail_msg("%s: the failed load changed the committed model", rows[i].file);
        free(after);
        assert_int_equal(trd_ctx_model_epoch(ctx), 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(rows[i].expect, rows[j].expect) == 0)
                fail_msg("%s and %s expect the same message", rows[i].file, rows[j].file);
    }
    free(before);
    trd_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_corpus)};
    return cmocka_run_group_tests_name("api_yaml_corpus", tests, NULL, NULL);
}
