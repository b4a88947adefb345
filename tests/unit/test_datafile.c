/* test_datafile.c - the one file reader and the typed field readers (gabasim/datafile.h). */
#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../test_util.h"

static char dir[64];

static void write_bytes(const char *path, size_t n, char c)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        fputc(c, f);
    assert_int_equal(fclose(f), 0);
}

static void reader_grows_limits_and_refuses_directories(void **state)
{
    (void)state;
    char path[128], *text = NULL;
    size_t len = 0;
    struct gs_error err = GS_ERROR_INIT;
    snprintf(path, sizeof path, "%s/f.txt", dir);

    /* larger than any first buffer: read whole, NUL-terminated */
    write_bytes(path, 300000, 'x');
    assert_int_equal(gs_datafile_read(path, 300000, "--data", &text, &len, &err), GS_OK);
    assert_int_equal(len, 300000);
    assert_int_equal(text[len], '\0');
    assert_int_equal(text[len - 1], 'x');
    gs_free(text);

    /* one byte over the ceiling: the message names the field, the file and the limit */
    assert_int_equal(gs_datafile_read(path, 299999, "--data", &text, &len, &err), GS_INPUT);
    assert_null(text);
    assert_non_null(strstr(err.msg, "'--data'"));
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "allowed up to 299999 bytes"));

    /* empty file: an empty, terminated text */
    write_bytes(path, 0, 'x');
    assert_int_equal(gs_datafile_read(path, 10, NULL, &text, &len, &err), GS_OK);
    assert_int_equal(len, 0);
    assert_int_equal(text[0], '\0');
    gs_free(text);

    assert_int_equal(gs_datafile_read(dir, 10, NULL, &text, &len, &err),
                     GS_INPUT); /* a usage error, exit 2 */
    assert_non_null(strstr(err.msg, "is a directory"));
    snprintf(path, sizeof path, "%s/none.txt", dir);
    assert_int_equal(gs_datafile_read(path, 10, NULL, &text, &len, &err), GS_NOTFOUND);
    assert_non_null(strstr(err.msg, path));

    /* every allocation failure: GS_NOMEM, nothing returned (ASan checks for leaks) */
    snprintf(path, sizeof path, "%s/f.txt", dir);
    write_bytes(path, 100, 'y');
    gs_alloc_fail_after(1);
    assert_int_equal(gs_datafile_read(path, 1000, NULL, &text, &len, &err), GS_NOMEM);
    gs_alloc_fail_after(0);
    assert_null(text);
    assert_int_equal(unlink(path), 0);
}

static cJSON *parse(const char *json)
{
    cJSON *root = NULL;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_datafile_parse_json(json, strlen(json), "t.json", &root, &err), GS_OK);
    assert_non_null(root);
    return root;
}

static void expect(gs_status st, const struct gs_error *err, const char *needle)
{
    assert_int_equal(st, GS_INPUT);
    if (strstr(err->msg, needle) == NULL) {
        print_error("'%s' lacks '%s'\n", err->msg, needle);
        fail();
    }
}

static void field_readers_name_field_value_and_range(void **state)
{
    (void)state;
    struct gs_error err = GS_ERROR_INIT;
    cJSON *root = parse("{\"p\":{\"ka\":{\"value\":-2,\"unit\":\"1/h\",\"source\":\"s\"},"
                        "\"v\":{\"value\":3,\"unit\":\"mL\",\"source\":\"s\"},"
                        "\"cl\":{\"value\":3,\"unit\":\"L/h\"},\"n\":2.5,\"s\":\"\","
                        "\"k\":\"blue\",\"b\":1,\"a\":[1,\"x\"],\"w\":[\"one\",\"two\"]}}");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "p");
    const struct gs_datafile_range rate = {0.0, 50.0, 1, 0, "1/h", NULL};
    const struct gs_datafile_range vol = {0.0, 500.0, 1, 0, "L", NULL};
    const struct gs_datafile_range cl = {0.0, 50.0, 1, 0, "L/h", NULL};
    const struct gs_datafile_range whole = {1.0, 10.0, 0, 1, NULL, NULL};
    double x = 7.0;
    const char *s = NULL;
    int k = -1;
    size_t n;
    double arr[4];
    static const char *const colours[] = {"red", "green", NULL};

    expect(gs_datafile_quantity(
               p,
               &(struct gs_datafile_spec){
                   .path = "p", .key = "ka", .need = GS_DATAFILE_REQUIRED, .range = &rate},
               &x, &s, &err),
           &err, "'p.ka.value' is -2 1/h; allowed a number above 0, up to 50 1/h");
    expect(gs_datafile_quantity(
               p,
               &(struct gs_datafile_spec){
                   .path = "p", .key = "v", .need = GS_DATAFILE_REQUIRED, .range = &vol},
               &x, &s, &err),
           &err, "'p.v.unit' is 'mL'; allowed: L");
    expect(gs_datafile_quantity(
               p,
               &(struct gs_datafile_spec){
                   .path = "p", .key = "cl", .need = GS_DATAFILE_REQUIRED, .range = &cl},
               &x, &s, &err),
           &err, "'p.cl.source' is missing");
    expect(gs_datafile_number(p, "p", "n", GS_DATAFILE_REQUIRED, &whole, &x, &err), &err,
           "'p.n' is 2.5; allowed a whole number from 1 to 10");
    expect(gs_datafile_number(p, "p", "gone", GS_DATAFILE_REQUIRED, &whole, &x, &err), &err,
           "'p.gone' is missing; allowed a whole number from 1 to 10");
    expect(gs_datafile_number(p, "p", "s", GS_DATAFILE_REQUIRED, NULL, &x, &err), &err,
           "'p.s' is ''; allowed a finite number");
    expect(gs_datafile_string(p, "p", "s", GS_DATAFILE_REQUIRED, &s, &err), &err,
           "'p.s' is ''; allowed a non-empty string");
    expect(gs_datafile_choice(p, "p", "k", GS_DATAFILE_REQUIRED, colours, &k, &err), &err,
           "'p.k' is 'blue'; allowed: red, green");
    expect(gs_datafile_bool(p, "p", "b", GS_DATAFILE_REQUIRED, &k, &err), &err,
           "'p.b' is 1; allowed true or false");
    expect(gs_datafile_numbers(
               p,
               &(struct gs_datafile_spec){
                   .path = "p", .key = "a", .need = GS_DATAFILE_REQUIRED, .min_n = 1, .max_n = 4},
               arr, &n, &err),
           &err, "'p.a[1]' is 'x'; allowed a finite number");
    const char *strs[4];
    const struct gs_datafile_spec few = {.path = "p", .key = "w", .min_n = 3, .max_n = 4},
                                  many = {.path = "p", .key = "w", .min_n = 0, .max_n = 1};
    expect(gs_datafile_strings(p, &few, strs, &n, &err), &err,
           "'p.w' has 2 strings; allowed 3 to 4");
    expect(gs_datafile_strings(p, &many, strs, &n, &err), &err,
           "'p.w' has more than 1 strings; allowed at most 1");
    const cJSON *p2 = root;
    expect(gs_datafile_object(root, "", "p2", GS_DATAFILE_REQUIRED, &p2, &err), &err,
           "'p2' is missing; allowed an object");
    assert_null(p2);

    /* optional and absent: untouched, GS_OK; "" allowed only when asked for */
    assert_int_equal(gs_datafile_number(p, "p", "gone", GS_DATAFILE_OPTIONAL, &whole, &x, &err),
                     GS_OK);
    assert_true(x == 7.0);
    assert_int_equal(gs_datafile_string(p, "p", "s", GS_DATAFILE_EMPTY_OK, &s, &err), GS_OK);
    assert_string_equal(s, "");
    cJSON_Delete(root);
}

static void parse_reports_position_and_memory(void **state)
{
    (void)state;
    struct gs_error err = GS_ERROR_INIT;
    cJSON *root = (cJSON *)1;
    const char *bad = "{\n  \"a\": 1,\n  \"b\": }";
    assert_int_equal(gs_datafile_parse_json(bad, strlen(bad), "x.json", &root, &err), GS_INPUT);
    assert_null(root);
    assert_non_null(strstr(err.msg, "x.json: line 3"));
    assert_int_equal(gs_datafile_parse_json("{}\0", 3, "x.json", &root, &err), GS_INPUT);
    assert_non_null(strstr(err.msg, "NUL byte"));
    /* cJSON allocates through gs_malloc: each failure is GS_NOMEM, never "malformed" */
    const char *good = "{\"a\":[1,2,{\"b\":\"c\"}],\"d\":\"e\"}";
    int nomem = 0;
    for (long k = 1; k < 50; k++) {
        gs_alloc_fail_after(k);
        gs_status st = gs_datafile_parse_json(good, strlen(good), "x.json", &root, &err);
        gs_alloc_fail_after(0);
        if (st == GS_OK) {
            cJSON_Delete(root);
            break;
        }
        assert_int_equal(st, GS_NOMEM);
        assert_null(root);
        nomem++;
    }
    assert_true(nomem >= 5); /* the copy, and cJSON's own nodes and strings */
}

static void library_initialised_once(void **state)
{
    (void)state;
    /* GSL's handler is off from load time (the default handler, NULL, would abort) */
    gsl_error_handler_t *h = gsl_set_error_handler_off();
    assert_non_null(h);
}

/* Data files must be UTF-8 (issue 17 item 10: non-UTF-8 bytes in names went raw into --json):
 * well-formed multibyte text is read; a stray Latin-1 byte, an overlong form, a surrogate, a code
 * point above U+10FFFF and a sequence cut short at the end are refused, naming the line. */
static void reader_refuses_text_that_is_not_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        const char *needle; /* NULL: accepted */
    } cases[] = {
        {"name,\xc3\xa9\xe2\x86\x92\xf0\x9f\x98\x80\n", NULL},
        {"a\nb\xe9\n", "line 2: byte 0xE9"},
        {"\xc0\x80", "line 1: byte 0xC0"},
        {"x\n\n\xed\xa0\x80", "line 3: byte 0xED"},
        {"\xf4\x90\x80\x80", "byte 0xF4"},
        {"ok\xe2\x82", "byte 0xE2"},
        {"\xf5\x80\x80\x80", "byte 0xF5"},
    };
    char path[128];
    snprintf(path, sizeof path, "%s/utf8.txt", dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(cases[i].bytes, f);
        fclose(f);
        char *text = NULL;
        size_t len = 0;
        struct gs_error err = GS_ERROR_INIT;
        gs_status st = gs_datafile_read(path, 1000, "--data", &text, &len, &err);
        if (cases[i].needle == NULL) {
            assert_int_equal(st, GS_OK);
            gs_free(text);
        } else {
            assert_int_equal(st, GS_INPUT);
            assert_null(text);
            if (strstr(err.msg, cases[i].needle) == NULL) {
                print_error("case %zu: '%s' lacks '%s'\n", i, err.msg, cases[i].needle);
                fail();
            }
        }
    }
    unlink(path);
}

/* Text that cannot be refused (a file name) is repaired for JSON and HTML output: each byte that
 * does not start a well-formed sequence becomes U+FFFD (the expected strings were written by hand
 * from RFC 3629's table of well-formed sequences); well-formed text is unchanged. */
static void repair_replaces_each_bad_byte(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"caf\xc3\xa9 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xf0\x9f\x98\x80"},
        {"g\xff.json", "g\xef\xbf\xbd.json"},
        {"\xc0\x80", "\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong NUL: two bad bytes */
        {"a\xed\xa0\x80", "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
        {"end\xe2\x82", "end\xef\xbf\xbd\xef\xbf\xbd"},             /* cut short */
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *r = gs_utf8_repair(cases[i].in);
        assert_non_null(r);
        assert_string_equal(r, cases[i].out);
        size_t n = strlen(r), line = 0;
        assert_int_equal(gs_utf8_invalid_at(r, n, &line), n);
        assert_int_equal(line, 1);
        gs_free(r);
    }
    size_t line = 0;
    assert_int_equal(gs_utf8_invalid_at("a\nb\n\xff", 5, &line), 4);
    assert_int_equal(line, 3);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/gs-datafile-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reader_grows_limits_and_refuses_directories),
        cmocka_unit_test(field_readers_name_field_value_and_range),
        cmocka_unit_test(parse_reports_position_and_memory),
        cmocka_unit_test(library_initialised_once),
        cmocka_unit_test(reader_refuses_text_that_is_not_utf8),
        cmocka_unit_test(repair_replaces_each_bad_byte),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(dir);
    return rc;
}
