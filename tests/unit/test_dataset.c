/* test_dataset.c - NONMEM-style CSV datasets: defaults, every validation message, CRLF and
 * comments, missing values, covariates, subjects, writing back, files, limits, out-of-memory. */
#include <ctype.h>
#include <stdlib.h>
#include <unistd.h>

#include "../test_util.h"
#include "gabasim/dataset.h"

#define ORIGIN "t.csv"

static gs_dataset *parse_ok_len(const char *csv, size_t len)
{
    gs_dataset *ds = (gs_dataset *)&ds; /* any non-NULL value: the parser must overwrite it */
    struct gs_error err = GS_ERROR_INIT;
    if (gs_dataset_parse(&ds, csv, len, ORIGIN, &err) != GS_OK) {
        print_error("parse failed: %s\n", err.msg);
        fail();
    }
    assert_non_null(ds);
    return ds;
}

static gs_dataset *parse_ok(const char *csv)
{
    return parse_ok_len(csv, strlen(csv));
}

static struct gs_event row_event(const gs_dataset *ds, size_t row)
{
    struct gs_event ev;
    gs_dataset_row_event(ds, row, &ev);
    return ev;
}

/* Fails unless parsing `csv` gives GS_INPUT, leaves the handle NULL and a one-line message with
 * "t.csv: line N, column COL: " (or "t.csv: line N: " when col is NULL, "t.csv: " when line is 0)
 * and `needle`. */
static void expect_error_len(const char *csv, size_t len, size_t line, const char *col,
                             const char *needle)
{
    gs_dataset *ds = (gs_dataset *)&ds;
    struct gs_error err = GS_ERROR_INIT;
    gs_status st = gs_dataset_parse(&ds, csv, len, ORIGIN, &err);
    char where[128];
    if (line == 0)
        snprintf(where, sizeof where, "%s: ", ORIGIN);
    else if (col == NULL)
        snprintf(where, sizeof where, "%s: line %zu: ", ORIGIN, line);
    else
        snprintf(where, sizeof where, "%s: line %zu, column %s: ", ORIGIN, line, col);
    if (st != GS_INPUT || ds != NULL || err.code != GS_INPUT ||
        strncmp(err.msg, where, strlen(where)) != 0 || strstr(err.msg, needle) == NULL ||
        strpbrk(err.msg, "\r\n") != NULL ||
        (col != NULL && !isdigit((unsigned char)col[0]) && strcmp(err.field, col) != 0)) {
        print_error("input:\n%s\nstatus %d, message '%s' (field '%s'); wanted '%s...%s'\n", csv,
                    (int)st, err.msg, err.field, where, needle);
        if (st == GS_OK)
            gs_dataset_free(ds);
        fail();
    }
}

static void expect_error(const char *csv, size_t line, const char *col, const char *needle)
{
    expect_error_len(csv, strlen(csv), line, col, needle);
}

/* ---- defaults and standard columns ---- */

static void defaults_follow_nonmem(void **state)
{
    (void)state;
    gs_dataset *ds = parse_ok("ID,TIME,AMT,DV\n"
                              "1,0,100,.\n"
                              "1,1,.,2.5\n"
                              "1,2,0,3\n"
                              "2,0,50,\n");
    assert_int_equal(gs_dataset_n_rows(ds), 4);
    assert_int_equal(gs_dataset_n_subjects(ds), 2);
    assert_int_equal(gs_dataset_n_covariates(ds), 0);
    struct gs_event e = row_event(ds, 0);
    assert_int_equal(e.evid, GS_EVID_DOSE);
    assert_int_equal(e.cmt, GS_CMT_DEPOT);
    assert_rel(e.amt_mg, 100.0, 0.0);
    assert_rel(e.rate_mg_h, 0.0, 0.0);
    assert_rel(e.ii_h, 0.0, 0.0);
    assert_int_equal(e.addl, 0);
    assert_int_equal(e.ss, 0);
    assert_false(gs_dataset_row_is_observation(ds, 0));
    for (size_t r = 1; r <= 2; r++) {
        e = row_event(ds, r);
        assert_int_equal(e.evid, GS_EVID_OBS);
        assert_int_equal(e.cmt, GS_CMT_CENTRAL);
        assert_rel(e.amt_mg, 0.0, 0.0);
        assert_rel(e.time_h, (double)r, 0.0);
        assert_true(gs_dataset_row_is_observation(ds, r));
    }
    e = row_event(ds, 3);
    assert_int_equal(e.evid, GS_EVID_DOSE);
    assert_rel(e.amt_mg, 50.0, 0.0);
    gs_dataset_free(ds);

    /* without EVID: MDV 1 and no dose is an "other" record; CMT 0 takes the default */
    ds = parse_ok("ID,TIME,AMT,MDV,CMT\n"
                  "1,0,100,1,0\n"
                  "1,1,.,1,.\n"
                  "1,2,.,0,\n"
                  "1,3,0,.,0\n");
    int want_evid[] = {GS_EVID_DOSE, GS_EVID_OTHER, GS_EVID_OBS, GS_EVID_OBS};
    int want_cmt[] = {GS_CMT_DEPOT, GS_CMT_CENTRAL, GS_CMT_CENTRAL, GS_CMT_CENTRAL};
    for (size_t r = 0; r < 4; r++) {
        e = row_event(ds, r);
        assert_int_equal(e.evid, want_evid[r]);
        assert_int_equal(e.cmt, want_cmt[r]);
    }
    assert_false(gs_dataset_row_is_observation(ds, 1)); /* EVID 2 */
    gs_dataset_free(ds);

    /* an EVID column with '.' takes the same default */
    ds = parse_ok("ID,TIME,AMT,EVID,MDV\n1,0,5,.,.\n1,1,.,.,1\n1,2,.,0,1\n");
    assert_int_equal(row_event(ds, 0).evid, GS_EVID_DOSE);
    assert_int_equal(row_event(ds, 1).evid, GS_EVID_OTHER);
    assert_int_equal(row_event(ds, 2).evid, GS_EVID_OBS); /* EVID 0 whatever MDV says */
    assert_true(gs_dataset_row_is_observation(ds, 2));
    gs_dataset_free(ds);
}

static void standard_columns_are_read_case_insensitively(void **state)
{
    (void)state;
    gs_dataset *ds = parse_ok("dv,Ss,addl,ii,rate,cmt,evid,amt,Time,id\n"
                              ".,1,3,12,0,2,4,300,0,7\n"
                              "4.5,0,0,0,0,2,0,.,1.5,7\n"
                              ".,0,0,0,0,.,3,.,24,7\n"
                              ".,2,0,8,5,1,1,25,30,7\n"
                              ".,0,0,0,0,-1,2,.,31,7\n");
    assert_int_equal(gs_dataset_n_covariates(ds), 0);
    assert_int_equal(gs_dataset_n_subjects(ds), 1);
    struct gs_event e = row_event(ds, 0);
    assert_int_equal(e.evid, GS_EVID_RESET_DOSE);
    assert_int_equal(e.cmt, GS_CMT_CENTRAL);
    assert_rel(e.amt_mg, 300.0, 0.0);
    assert_rel(e.ii_h, 12.0, 0.0);
    assert_int_equal(e.addl, 3);
    assert_int_equal(e.ss, 1);
    e = row_event(ds, 1);
    assert_int_equal(e.evid, GS_EVID_OBS);
    assert_rel(e.time_h, 1.5, 0.0);
    e = row_event(ds, 2);
    assert_int_equal(e.evid, GS_EVID_RESET);
    assert_false(gs_dataset_row_is_observation(ds, 2));
    e = row_event(ds, 3);
    assert_int_equal(e.ss, 2); /* read; the engine decides what it supports */
    assert_rel(e.rate_mg_h, 5.0, 0.0);
    assert_int_equal(e.cmt, GS_CMT_DEPOT);
    e = row_event(ds, 4);
    assert_int_equal(e.cmt, -1); /* kept on records that are not doses */
    gs_dataset_free(ds);
}

/* ---- validation messages ---- */

static void invalid_values_name_line_and_column(void **state)
{
    (void)state;
    const struct {
        const char *csv;
        size_t line;
        const char *col, *needle;
    } cases[] = {
        /* numbers */
        {"ID,TIME\n1,abc\n", 2, "TIME", "'abc' is not a number; allowed a plain decimal"},
        {"ID,TIME\n1,0x10\n", 2, "TIME", "'0x10' is not a number"},
        {"ID,TIME\n1,0x1p3\n", 2, "TIME", "'0x1p3' is not a number"},
        {"ID,TIME\n1,inf\n", 2, "TIME", "'inf' is not a number"},
        {"ID,TIME\n1,nan\n", 2, "TIME", "'nan' is not a number"},
        {"ID,TIME\n1,1e\n", 2, "TIME", "'1e' is not a number"},
        {"ID,TIME\n1,1.2.3\n", 2, "TIME", "'1.2.3' is not a number"},
        {"ID,TIME\n1,--1\n", 2, "TIME", "'--1' is not a number"},
        {"ID,TIME\n1,1 2\n", 2, "TIME", "'1 2' is not a number"},
        {"ID,TIME\n1,..\n", 2, "TIME", "'..' is not a number"},
        {"ID,TIME\n1,1e999\n", 2, "TIME", "'1e999' is out of range"},
        {"ID,TIME\n1,1e-400\n", 2, "TIME", "'1e-400' is out of range"},
        {"ID,TIME\n1,\x01\xff\n", 2, "TIME", "'\\x01\\xff' is not a number"},
        {"ID,TIME,WT\n1,0,heavy\n", 2, "WT", "'heavy' is not a number"},
        {"ID,TIME\nx1,0\n", 2, "ID", "'x1' is not a number"},
        /* ID and TIME */
        {"ID,TIME\n.,0\n", 2, "ID", "'.' is missing"},
        {"ID,TIME\n,0\n", 2, "ID", "'' is missing"},
        {"ID,TIME\n1,.\n", 2, "TIME", "'.' is missing"},
        {"ID,TIME\n1,-0.5\n", 2, "TIME", "'-0.5' is negative; allowed 0 or above"},
        /* issue 17 item 9: 1e308 gave a "." prediction, not an error */
        {"ID,TIME\n1,0\n1,1e308\n", 3, "TIME", "'1e308' is too large; allowed 0 to 876000 h"},
        {"ID,TIME\n1,2\n1,3\n1,1\n", 4, "TIME", "'1' is before TIME 3 on line 3 of the same ID"},
        /* an ID that comes back after another is a new individual (NONMEM): valid */
        {"ID,TIME\n1,0\n2,0\n1,1\n", 0, NULL, ""},
        {"ID,TIME\n1,5\n2,0\n", 0, NULL, ""}, /* TIME restarts with a new ID: valid */
        /* EVID, MDV, AMT */
        {"ID,TIME,EVID\n1,0,5\n", 2, "EVID", "'5' is not an event type; allowed 0"},
        {"ID,TIME,EVID\n1,0,-1\n", 2, "EVID", "'-1' is not an event type"},
        {"ID,TIME,EVID\n1,0,0.5\n", 2, "EVID", "'0.5' is not an event type"},
        {"ID,TIME,MDV\n1,0,2\n", 2, "MDV", "'2' is not an MDV flag; allowed 0 or 1"},
        {"ID,TIME,AMT\n1,0,-5\n", 2, "AMT", "'-5' is negative; allowed 0 or above (mg)"},
        {"ID,TIME,AMT,EVID\n1,0,0,1\n", 0, NULL, ""}, /* AMT 0 dose: NONMEM gives nothing */
        {"ID,TIME,AMT,EVID\n1,0,.,4\n", 0, NULL, ""},
        {"ID,TIME,EVID\n1,0,1\n", 2, "EVID", "'1' is a dose but the file has no AMT column"},
        {"ID,TIME,AMT,EVID\n1,0,5,0\n", 2, "AMT",
         "'5' on a record with EVID 0; AMT above 0 is "
         "allowed only on doses"},
        {"ID,TIME,AMT,EVID\n1,0,5,3\n", 2, "AMT", "with EVID 3"},
        /* CMT */
        {"ID,TIME,AMT,CMT\n1,0,5,17\n", 2, "CMT",
         "'17' on a dose record (EVID 1); allowed 1 (depot), 2 (central) or a model file's "
         "further compartment, up to 16"},
        {"ID,TIME,AMT,CMT\n1,0,5,-1\n", 2, "CMT", "'-1' on a dose record"},
        {"ID,TIME,AMT,CMT\n1,0,5,1.5\n", 2, "CMT", "'1.5' on a dose record"},
        {"ID,TIME,CMT\n1,0,1.5\n", 2, "CMT", "'1.5' is not a compartment number; allowed a whole"},
        {"ID,TIME,CMT\n1,0,100\n", 2, "CMT", "'100' is not a compartment number"},
        /* RATE, II */
        {"ID,TIME,AMT,RATE\n1,0,5,-3\n", 2, "RATE", "'-3' is negative; allowed 0 or above (mg/h"},
        {"ID,TIME,AMT,RATE\n1,0,5,-1\n", 0, NULL, ""},                   /* modelled rate */
        {"ID,TIME,AMT,RATE\n1,0,0,-1\n", 2, "RATE", "'-1' is negative"}, /* EVID 0 */
        {"ID,TIME,AMT,RATE,EVID\n1,0,0,5,2\n", 2, "RATE", "'5' on a record with EVID 2"},
        {"ID,TIME,DATE\n1,0,2024-01-02\n", 2, "DATE", "'--drop DATE' or 'DATE=DROP'"},
        {"ID,TIME,AMT,II\n1,0,5,-12\n", 2, "II", "'-12' is negative; allowed 0 or above (h)"},
        /* ADDL */
        {"ID,TIME,AMT,II,ADDL\n1,0,5,12,1.5\n", 2, "ADDL",
         "'1.5' is not a number of additional doses; allowed a whole number from 0 to 100000"},
        {"ID,TIME,AMT,II,ADDL\n1,0,5,12,-1\n", 2, "ADDL",
         "'-1' is not a number of additional doses"},
        {"ID,TIME,AMT,II,ADDL\n1,0,5,12,100001\n", 2, "ADDL", "'100001' is not a number of"},
        {"ID,TIME,AMT,II,ADDL\n1,0,5,0,3\n", 2, "ADDL",
         "'3' with II 0; allowed only with II "
         "above 0"},
        {"ID,TIME,AMT,ADDL\n1,0,5,3\n", 2, "ADDL", "'3' with II 0"},
        {"ID,TIME,II,ADDL\n1,0,12,3\n", 2, "ADDL",
         "'3' on a record with EVID 0; ADDL above 0 is "
         "allowed only on doses"},
        /* SS */
        {"ID,TIME,AMT,II,SS\n1,0,5,12,3\n", 2, "SS",
         "'3' is not a steady-state flag; allowed 0, "
         "1 or 2"},
        {"ID,TIME,AMT,II,SS\n1,0,5,12,0.5\n", 2, "SS", "'0.5' is not a steady-state flag"},
        {"ID,TIME,AMT,II,SS\n1,0,5,0,2\n", 2, "SS", "'2' with II 0; SS needs II above 0"},
        {"ID,TIME,AMT,SS\n1,0,5,1\n", 2, "SS", "'1' with II 0; SS needs II above 0"},
        {"ID,TIME,II,SS\n1,0,12,1\n", 2, "SS",
         "'1' on a record with EVID 0; SS above 0 is allowed "
         "only on doses"},
        {"ID,TIME,EVID,II,SS\n1,0,2,12,1\n", 2, "SS", "on a record with EVID 2"},
        /* layout */
        {"ID,TIME\n1,0,5\n", 2, NULL, "3 values; allowed 2, one per column of the header (line 1)"},
        {"ID,TIME,DV\n1,0\n", 2, NULL, "2 values; allowed 3"},
        {"ID,TIME\n1,0\n1\n", 3, NULL, "1 value; allowed 2"},
        {"ID,TIME,\n1,0,\n", 1, "3", "'' is not a column name"},
        {"ID,TIME,time\n1,0,0\n", 1, "3",
         "'time' repeats column 2 ('TIME'); allowed each name once"},
        {"ID,TIME,W T\n1,0,0\n", 1, "3", "'W T' is not a column name; allowed up to 32 letters"},
        {"ID,TIME,2WT\n1,0,0\n", 1, "3", "'2WT' is not a column name"},
        {"ID,TIME,WT(kg)\n1,0,0\n", 1, "3", "'WT(kg)' is not a column name"},
        {"ID,TIME,ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456\n1,0,0\n", 1, "3", "is not a column name"},
        {"ID,AMT\n1,5\n", 1, NULL, "the header has no TIME column; ID and TIME are required"},
        {"TIME,AMT\n1,5\n", 1, NULL, "the header has no ID column"},
        {"# data\n1,0\n", 2, NULL, "'1' is a value, not a column name"},
        {"", 0, NULL, "no header; the first line that is not blank or a comment must name"},
        {"# only a comment\n\n  \n", 0, NULL, "no header"},
        {"ID,TIME\n", 0, NULL, "no data rows after the header (line 1)"},
        {"\n# c\nID,TIME\n# no rows\n", 0, NULL, "no data rows after the header (line 3)"},
        {"ID,TIME\n\"1\",0\n", 2, NULL, "contains '\"'; allowed: plain comma-separated values"},
        {"\"ID\",TIME\n1,0\n", 1, NULL, "quoted fields are not supported"},
        /* line numbers count every line: CRLF, blank lines and comments */
        {"ID,TIME\r\n1,0\r\n\r\n# comment\r\n  # indented comment\r\n1,x\r\n", 6, "TIME",
         "'x' is "
         "not a "
         "number"},
        {"\xEF\xBB\xBFID,TIME\r\n1,0\r\n1,-1", 3, "TIME", "'-1' is negative"},
        /* the column is named as in the header */
        {"id,time\n1,x\n", 2, "time", "'x' is not a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].line == 0 && cases[i].needle[0] == '\0') {
            gs_dataset_free(parse_ok(cases[i].csv));
            continue;
        }
        expect_error(cases[i].csv, cases[i].line, cases[i].col, cases[i].needle);
    }
}

static void long_values_are_shortened_in_messages(void **state)
{
    (void)state;
    char csv[600] = "ID,TIME\n1,";
    size_t n = strlen(csv);
    memset(csv + n, 'z', 500);
    strcpy(csv + n + 500, "\n");
    expect_error(csv, 2, "TIME", "'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...' is not a number");

    /* no error record: just the status */
    gs_dataset *ds0 = (gs_dataset *)&ds0;
    assert_int_equal(gs_dataset_parse(&ds0, csv, strlen(csv), ORIGIN, NULL), GS_INPUT);
    assert_null(ds0);
    assert_int_equal(gs_dataset_parse(&ds0, "ID,TIME\n1,0\n", 12, NULL, NULL), GS_OK);
    gs_dataset_free(ds0);

    /* a very long origin: the message is cut to fit, still one line */
    gs_dataset *ds = (gs_dataset *)&ds;
    struct gs_error err = GS_ERROR_INIT;
    char origin[1000];
    memset(origin, 'o', sizeof origin - 1);
    origin[sizeof origin - 1] = '\0';
    assert_int_equal(gs_dataset_parse(&ds, csv, strlen(csv), origin, &err), GS_INPUT);
    assert_null(ds);
    assert_true(strlen(err.msg) > 0 && strlen(err.msg) < sizeof err.msg);
}

static void limits_are_enforced(void **state)
{
    (void)state;
    /* a NUL byte */
    static const char nul[] = "ID,TIME\n1,0\n1,\0\n";
    expect_error_len(nul, sizeof nul - 1, 3, NULL, "contains a NUL byte");

    /* line length: 65536 bytes is allowed, 65537 is not */
    size_t big = 65537 + 64;
    char *csv = gs_malloc(big + 64);
    for (int over = 0; over <= 1; over++) {
        strcpy(csv, "ID,TIME,NOTE\n1,0,");
        size_t n = strlen(csv);
        size_t fill = 65536 - 4 + (size_t)over; /* "1,0," is 4 bytes of the line */
        memset(csv + n, '0', fill);
        strcpy(csv + n + fill, "\r\n");
        if (over) {
            expect_error(csv, 2, NULL, "65537 bytes long; allowed up to 65536 bytes");
        } else {
            gs_dataset *ds = parse_ok(csv);
            assert_rel(gs_dataset_covariate(ds, 0, 0), 0.0, 0.0);
            gs_dataset_free(ds);
        }
    }
    gs_free(csv);

    /* columns: 64 are allowed, 65 are not */
    char head[1024];
    for (int cols = 64; cols <= 65; cols++) {
        strcpy(head, "ID,TIME");
        for (int k = 2; k < cols; k++)
            snprintf(head + strlen(head), sizeof head - strlen(head), ",C%d", k);
        strcat(head, "\n1,0");
        for (int k = 2; k < cols; k++)
            strcat(head, ",.");
        strcat(head, "\n");
        if (cols == 64) {
            gs_dataset *ds = parse_ok(head);
            assert_int_equal(gs_dataset_n_covariates(ds), 62);
            assert_string_equal(gs_dataset_covariate_name(ds, 61), "C63");
            assert_true(isnan(gs_dataset_covariate(ds, 0, 61)));
            gs_dataset_free(ds);
        } else {
            expect_error(head, 1, NULL, "the header names 65 columns; allowed up to 64");
        }
    }

    /* the byte ceiling is checked before the text is touched */
    gs_dataset *ds = (gs_dataset *)&ds;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_dataset_parse(&ds, "", (size_t)GS_DATASET_MAX_BYTES + 1, ORIGIN, &err),
                     GS_INPUT);
    assert_null(ds);
    assert_non_null(strstr(err.msg, "t.csv: 536870913 bytes; allowed up to 536870912 bytes"));
}

/* ---- layout, missing values, covariates, subjects ---- */

static void crlf_spaces_comments_and_bom(void **state)
{
    (void)state;
    gs_dataset *ds = parse_ok("\xEF\xBB\xBF# study 1\r\n"
                              "\r\n"
                              " ID ,\tTIME , AMT,WT \r\n"
                              "   # a comment line\r\n"
                              "1 , 0 ,\t100 , 70\r\n"
                              "\t\r\n"
                              "1,1.5,.,\r\n"
                              "2,0,50,80"); /* no final line ending */
    assert_int_equal(gs_dataset_n_rows(ds), 3);
    assert_int_equal(gs_dataset_n_subjects(ds), 2);
    assert_int_equal(gs_dataset_n_covariates(ds), 1);
    assert_string_equal(gs_dataset_covariate_name(ds, 0), "WT");
    assert_rel(row_event(ds, 0).amt_mg, 100.0, 0.0);
    assert_rel(row_event(ds, 1).time_h, 1.5, 0.0);
    assert_rel(gs_dataset_covariate(ds, 0, 0), 70.0, 0.0);
    assert_true(isnan(gs_dataset_covariate(ds, 1, 0)));
    assert_rel(gs_dataset_covariate(ds, 2, 0), 80.0, 0.0);
    gs_dataset_free(ds);

    /* a lone final CR and a header with CR only before the end */
    ds = parse_ok("ID,TIME\r\n1,0\r");
    assert_int_equal(gs_dataset_n_rows(ds), 1);
    gs_dataset_free(ds);
}

static void missing_values_are_nan_or_defaults(void **state)
{
    (void)state;
    gs_dataset *ds = parse_ok("ID,TIME,AMT,II,ADDL,SS,RATE,CMT,DV,WT,AGE\n"
                              "1,0,100,.,.,.,.,.,.,.,40\n"
                              "1,1,,,,,,,,72.5,\n"
                              "1,2,.,.,.,.,.,.,3.1, . ,.\n");
    struct gs_event e = row_event(ds, 1);
    assert_int_equal(e.evid, GS_EVID_OBS);
    assert_rel(e.amt_mg, 0.0, 0.0);
    assert_rel(e.ii_h, 0.0, 0.0);
    assert_int_equal(e.addl, 0);
    assert_int_equal(e.ss, 0);
    assert_rel(e.rate_mg_h, 0.0, 0.0);
    assert_int_equal(e.cmt, GS_CMT_CENTRAL);
    int wt = gs_dataset_covariate_index(ds, "wt"), age = gs_dataset_covariate_index(ds, "Age");
    assert_int_equal(wt, 0);
    assert_int_equal(age, 1);
    assert_true(isnan(gs_dataset_covariate(ds, 0, (size_t)wt)));
    assert_rel(gs_dataset_covariate(ds, 0, (size_t)age), 40.0, 0.0);
    assert_rel(gs_dataset_covariate(ds, 1, (size_t)wt), 72.5, 0.0);
    assert_true(isnan(gs_dataset_covariate(ds, 1, (size_t)age)));
    assert_true(isnan(gs_dataset_covariate(ds, 2, (size_t)wt)));
    gs_dataset_free(ds);
}

static void covariates_by_name_and_index(void **state)
{
    (void)state;
    gs_dataset *ds = parse_ok("WT,ID,sex,TIME,CrCl,DV,eGFR.2\n"
                              "70,1,0,0,95.5,.,-1e-3\n"
                              "71,1,0,1,96,2,+2.5E2\n"
                              "55,2,1,0,40,.,0\n");
    assert_int_equal(gs_dataset_n_covariates(ds), 4);
    assert_string_equal(gs_dataset_covariate_name(ds, 0), "WT");
    assert_string_equal(gs_dataset_covariate_name(ds, 1), "sex");
    assert_string_equal(gs_dataset_covariate_name(ds, 2), "CrCl");
    assert_string_equal(gs_dataset_covariate_name(ds, 3), "eGFR.2");
    assert_null(gs_dataset_covariate_name(ds, 4));
    assert_int_equal(gs_dataset_covariate_index(ds, "CRCL"), 2);
    assert_int_equal(gs_dataset_covariate_index(ds, "crcl"), 2);
    assert_int_equal(gs_dataset_covariate_index(ds, "SEX"), 1);
    assert_int_equal(gs_dataset_covariate_index(ds, "egfr.2"), 3);
    assert_int_equal(gs_dataset_covariate_index(ds, "DV"), -1); /* standard, not a covariate */
    assert_int_equal(gs_dataset_covariate_index(ds, "ID"), -1);
    assert_int_equal(gs_dataset_covariate_index(ds, "CrC"), -1);
    assert_int_equal(gs_dataset_covariate_index(ds, "CrClx"), -1);
    assert_int_equal(gs_dataset_covariate_index(ds, ""), -1);
    assert_rel(gs_dataset_covariate(ds, 0, 2), 95.5, 0.0);
    assert_rel(gs_dataset_covariate(ds, 1, 0), 71.0, 0.0);
    assert_rel(gs_dataset_covariate(ds, 2, 1), 1.0, 0.0);
    assert_rel(gs_dataset_covariate(ds, 0, 3), -1e-3, 0.0);
    assert_rel(gs_dataset_covariate(ds, 1, 3), 250.0, 0.0);
    /* out of range: NaN, never a crash */
    assert_true(isnan(gs_dataset_covariate(ds, 3, 0)));
    assert_true(isnan(gs_dataset_covariate(ds, 0, 4)));
    gs_dataset_free(ds);
}

static void subjects_and_row_ranges(void **state)
{
    (void)state;
    gs_dataset *ds = parse_ok("ID,TIME,AMT\n"
                              "10,0,100\n10,1,.\n10,1,.\n"
                              "2,0,100\n"
                              "-0,0,5\n0,1,.\n"
                              "7.5,3,100\n7.5,4,.\n");
    assert_int_equal(gs_dataset_n_rows(ds), 8);
    assert_int_equal(gs_dataset_n_subjects(ds), 4);
    const double want_id[] = {10, 2, 0, 7.5};
    const size_t want_first[] = {0, 3, 4, 6}, want_n[] = {3, 1, 2, 2};
    for (size_t s = 0; s < 4; s++) {
        double id;
        size_t first, n;
        gs_dataset_subject(ds, s, &id, &first, &n);
        assert_rel(id, want_id[s], 0.0);
        assert_int_equal(first, want_first[s]);
        assert_int_equal(n, want_n[s]);
    }
    double id = 0;
    size_t first = 0, n = 99;
    gs_dataset_subject(ds, 4, &id, &first, &n);
    assert_true(isnan(id));
    assert_int_equal(first, 8);
    assert_int_equal(n, 0);
    gs_dataset_subject(ds, 0, NULL, NULL, NULL); /* outputs are optional */
    struct gs_event e = row_event(ds, 8);
    assert_true(isnan(e.time_h));
    assert_false(gs_dataset_row_is_observation(ds, 8));
    gs_dataset_free(ds);

    /* -0 after 1 is the same ID as 0, and a new individual (NONMEM: IDs need not be unique) */
    ds = parse_ok("ID,TIME\n0,0\n1,0\n-0,1\n");
    assert_int_equal(gs_dataset_n_subjects(ds), 3);
    gs_dataset_subject(ds, 2, &id, &first, &n);
    assert_true(id == 0.0 && first == 2 && n == 1);
    gs_dataset_free(ds);

    /* many subjects (the ID set grows) */
    char *csv = gs_malloc(64 * 1024);
    strcpy(csv, "ID,TIME\n");
    for (int i = 0; i < 2000; i++)
        snprintf(csv + strlen(csv), 64 * 1024 - strlen(csv), "%d,0\n%d,1\n", i * 7 % 2003,
                 i * 7 % 2003);
    ds = parse_ok(csv);
    assert_int_equal(gs_dataset_n_subjects(ds), 2000);
    assert_int_equal(gs_dataset_n_rows(ds), 4000);
    gs_dataset_free(ds);
    strcat(csv, "0,5\n");
    ds = parse_ok(csv); /* ID 0 again: a new individual */
    assert_int_equal(gs_dataset_n_subjects(ds), 2001);
    gs_dataset_free(ds);
    gs_free(csv);

    /* NULL handles are empty */
    assert_int_equal(gs_dataset_n_rows(NULL), 0);
    assert_int_equal(gs_dataset_n_subjects(NULL), 0);
    assert_int_equal(gs_dataset_n_covariates(NULL), 0);
    assert_int_equal(gs_dataset_covariate_index(NULL, "WT"), -1);
    gs_dataset_free(NULL);
}

/* ---- writing back ---- */

static char *write_to_string(const gs_dataset *ds, const double *pred, const double *ipred,
                             const double *simdv)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    assert_int_equal(gs_dataset_write(ds, f, pred, ipred, simdv), GS_OK);
    assert_int_equal(fclose(f), 0);
    return text; /* free() */
}

static void write_keeps_values_as_read(void **state)
{
    (void)state;
    const char *in = "# header comment\r\n"
                     " id , Time,AMT , wt,DV\r\n"
                     "01,0.0,1e2, 70.50 ,\r\n"
                     "\r\n"
                     "01, 1.50 ,., .,+3.25\r\n"
                     "2,-0,2.5E+1,,.\r\n"
                     "2,24,,80,1e-3";
    gs_dataset *ds = parse_ok(in);
    assert_int_equal(gs_dataset_n_rows(ds), 4);
    const double pred[] = {NAN, 1.0 / 3.0, 0.0, 12345678901.0};
    const double ipred[] = {INFINITY, 2.5, -1e-20, NAN};
    const double simdv[] = {1, 2, 3, 4};
    char *out = write_to_string(ds, pred, ipred, simdv);
    assert_string_equal(out, "id,Time,AMT,wt,DV,PRED,IPRED,SIMDV\n"
                             "01,0.0,1e2,70.50,.,.,.,1\n"
                             "01,1.50,.,.,+3.25,0.3333333333,2.5,2\n"
                             "2,-0,2.5E+1,.,.,0,-1e-20,3\n"
                             "2,24,.,80,1e-3,1.23456789e+10,.,4\n");

    /* the output is itself a valid dataset with the same records */
    gs_dataset *again = parse_ok(out);
    assert_int_equal(gs_dataset_n_rows(again), 4);
    assert_int_equal(gs_dataset_n_subjects(again), 2);
    for (size_t r = 0; r < 4; r++) {
        struct gs_event a = row_event(ds, r), b = row_event(again, r);
        assert_true(a.time_h == b.time_h && a.evid == b.evid && a.amt_mg == b.amt_mg &&
                    a.cmt == b.cmt && a.rate_mg_h == b.rate_mg_h && a.ii_h == b.ii_h &&
                    a.addl == b.addl && a.ss == b.ss);
    }
    int k = gs_dataset_covariate_index(again, "PRED");
    assert_true(k >= 0);
    assert_rel(gs_dataset_covariate(again, 1, (size_t)k), 1.0 / 3.0, 1e-9);
    gs_dataset_free(again);
    free(out);

    /* no arrays: every appended value is '.' */
    out = write_to_string(ds, NULL, NULL, NULL);
    assert_non_null(strstr(out, "\n2,24,.,80,1e-3,.,.,.\n"));
    free(out);

    assert_int_equal(gs_dataset_write(NULL, stdout, NULL, NULL, NULL), GS_INPUT);
    assert_int_equal(gs_dataset_write(ds, NULL, NULL, NULL, NULL), GS_INPUT);

    /* a stream that cannot be written */
    FILE *ro = fopen("/dev/null", "r");
    assert_non_null(ro);
    assert_int_equal(gs_dataset_write(ds, ro, pred, ipred, simdv), GS_IO);
    fclose(ro);
    gs_dataset_free(ds);
}

/* ---- files ---- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static void read_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/gs_test_dataset_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char good[256], bad[256], big[256], missing[256];
    snprintf(good, sizeof good, "%s/good.csv", dir);
    snprintf(bad, sizeof bad, "%s/bad.csv", dir);
    snprintf(big, sizeof big, "%s/big.csv", dir);
    snprintf(missing, sizeof missing, "%s/missing.csv", dir);

    write_file(good, "ID,TIME,AMT,DV\n1,0,300,.\n1,2,.,3.2\n");
    gs_dataset *ds = (gs_dataset *)&ds;
    struct gs_error err = GS_ERROR_INIT;
    assert_int_equal(gs_dataset_read(&ds, good, &err), GS_OK);
    assert_int_equal(gs_dataset_n_rows(ds), 2);
    gs_dataset_free(ds);

    /* a file larger than one read buffer */
    FILE *f = fopen(good, "wb");
    assert_non_null(f);
    fputs("ID,TIME,AMT\n", f);
    for (int i = 0; i < 20000; i++)
        fprintf(f, "%d,0,100\n%d,12,.\n", i, i);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(gs_dataset_read(&ds, good, &err), GS_OK);
    assert_int_equal(gs_dataset_n_rows(ds), 40000);
    assert_int_equal(gs_dataset_n_subjects(ds), 20000);
    gs_dataset_free(ds);

    /* messages name the path */
    write_file(bad, "ID,TIME\n1,0\n1,x\n");
    ds = (gs_dataset *)&ds;
    assert_int_equal(gs_dataset_read(&ds, bad, &err), GS_INPUT);
    assert_null(ds);
    char want[400];
    snprintf(want, sizeof want, "%s: line 3, column TIME: 'x' is not a number", bad);
    assert_non_null(strstr(err.msg, want));

    ds = (gs_dataset *)&ds;
    assert_int_equal(gs_dataset_read(&ds, missing, &err), GS_NOTFOUND);
    assert_null(ds);
    assert_non_null(strstr(err.msg, missing));

    ds = (gs_dataset *)&ds;
    assert_int_equal(gs_dataset_read(&ds, dir, &err), GS_INPUT); /* a directory: a usage error */
    assert_null(ds);
    assert_non_null(strstr(err.msg, dir));

    /* a sparse file one byte over the ceiling is refused without being read */
    f = fopen(big, "wb");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), (off_t)GS_DATASET_MAX_BYTES + 1), 0);
    assert_int_equal(fclose(f), 0);
    ds = (gs_dataset *)&ds;
    assert_int_equal(gs_dataset_read(&ds, big, &err), GS_INPUT);
    assert_null(ds);
    assert_non_null(strstr(err.msg, "allowed up to 536870912 bytes"));

    assert_int_equal(unlink(good), 0);
    assert_int_equal(unlink(bad), 0);
    assert_int_equal(unlink(big), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* ---- out of memory ---- */

static void out_of_memory_returns_nomem(void **state)
{
    (void)state;
    /* enough rows, subjects and covariates that every array grows more than once */
    size_t cap = 32 * 1024;
    char *csv = gs_malloc(cap);
    strcpy(csv, "ID,TIME,AMT,WT,CRCL\n");
    for (int i = 0; i < 150; i++)
        snprintf(csv + strlen(csv), cap - strlen(csv), "%d,0,100,70,.\n%d,1,.,.,80\n", i, i);
    size_t len = strlen(csv);

    long n;
    int failures = 0;
    for (n = 1; n < 1000; n++) {
        gs_dataset *ds = (gs_dataset *)&ds;
        struct gs_error err = GS_ERROR_INIT;
        gs_alloc_fail_after(n);
        gs_status st = gs_dataset_parse(&ds, csv, len, ORIGIN, &err);
        gs_alloc_fail_after(0);
        if (st == GS_OK) {
            assert_int_equal(gs_dataset_n_rows(ds), 300);
            gs_dataset_free(ds);
            break;
        }
        assert_int_equal(st, GS_NOMEM);
        assert_int_equal(err.code, GS_NOMEM);
        assert_null(ds);
        assert_non_null(strstr(err.msg, "out of memory"));
        failures++;
    }
    assert_true(n < 1000);
    assert_true(failures >= 8); /* handle, text, rows x3, covariates x3, subjects, ID set ... */

    /* the same through a file */
    char path[] = "/tmp/gs_test_dataset_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, csv, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
    for (n = 1; n < 1000; n++) {
        gs_dataset *ds = (gs_dataset *)&ds;
        struct gs_error err = GS_ERROR_INIT;
        gs_alloc_fail_after(n);
        gs_status st = gs_dataset_read(&ds, path, &err);
        gs_alloc_fail_after(0);
        if (st == GS_OK) {
            gs_dataset_free(ds);
            break;
        }
        assert_int_equal(st, GS_NOMEM);
        assert_null(ds);
    }
    assert_true(n < 1000);
    assert_int_equal(unlink(path), 0);
    gs_free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_follow_nonmem),
        cmocka_unit_test(standard_columns_are_read_case_insensitively),
        cmocka_unit_test(invalid_values_name_line_and_column),
        cmocka_unit_test(long_values_are_shortened_in_messages),
        cmocka_unit_test(limits_are_enforced),
        cmocka_unit_test(crlf_spaces_comments_and_bom),
        cmocka_unit_test(missing_values_are_nan_or_defaults),
        cmocka_unit_test(covariates_by_name_and_index),
        cmocka_unit_test(subjects_and_row_ranges),
        cmocka_unit_test(write_keeps_values_as_read),
        cmocka_unit_test(read_files),
        cmocka_unit_test(out_of_memory_returns_nomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
