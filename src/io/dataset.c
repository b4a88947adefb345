/* dataset.c - NONMEM-style CSV datasets: strict reading and validation, predictions written back
 * in the file's own layout.
 *
 * The whole file is held in one buffer that is compacted in place while it is read: every value
 * is trimmed and NUL-terminated, so a row is its offset in the buffer followed by n_cols strings
 * (the header's names come first). That keeps each value's text exactly as read for
 * gs_dataset_write() at the cost of one byte per value. Parsed rows, covariates and subjects live
 * in arrays beside it. No global state: concurrent reads of different files are safe.
 */
#include "gabasim/dataset.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "gabasim/alloc.h"
#include "gabasim/datafile.h"
#include "gabasim/model.h"
#include "decimal.h"

#define DS_MAX_LINE 65536    /* bytes in one line, not counting its line ending */
#define DS_MAX_ROWS 10000000 /* data rows in one file */
#define DS_MAX_NAME 32       /* characters in a column name */
#define DS_MAX_CMT  99       /* |CMT| on records that are not doses */

enum std_col { C_ID, C_TIME, C_AMT, C_EVID, C_CMT, C_RATE, C_II, C_ADDL, C_SS, C_MDV, C_DV, N_STD };

static const char *const std_names[N_STD] = {
    [C_ID] = "ID",   [C_TIME] = "TIME", [C_AMT] = "AMT", [C_EVID] = "EVID",
    [C_CMT] = "CMT", [C_RATE] = "RATE", [C_II] = "II",   [C_ADDL] = "ADDL",
    [C_SS] = "SS",   [C_MDV] = "MDV",   [C_DV] = "DV",
};

struct ds_row {
    size_t tok; /* offset in buf of the first of the row's n_cols NUL-terminated values */
    double id;
    struct gs_event ev;
    double mdv, dv; /* as given (MDV 0 and DV NaN when missing) */
    size_t line;    /* file line, 1-based */
};

struct ds_subject {
    double id;
    size_t first, n;
    size_t line; /* file line of the subject's first row */
};

struct gs_dataset {
    char *buf; /* header names, then every row's values (trimmed, NUL-terminated) */
    size_t n_cols;
    size_t name[GS_DATASET_MAX_COLUMNS]; /* offset in buf of each column's name */
    int std[N_STD];                      /* column of each standard item, or -1 */
    size_t n_cov;
    size_t cov_col[GS_DATASET_MAX_COLUMNS]; /* column of each covariate */
    struct ds_row *rows;
    double *cov; /* n_rows x n_cov, NaN for missing */
    size_t n_rows, cap_rows;
    struct ds_subject *subj;
    size_t n_subj, cap_subj;
    char *origin;                                  /* the name messages use */
    unsigned char dropped[GS_DATASET_MAX_COLUMNS]; /* 1: a dropped column (text kept as read) */
    int ignore_c;                                  /* first column C: lines starting 'C' skipped */
    enum gs_dataset_fill fill;
};

struct parser {
    gs_dataset *ds;
    const char *origin;
    struct gs_error *err;
    const struct gs_dataset_options *opt;
    size_t line;        /* current file line, 1-based */
    size_t header_line; /* 0 until the header has been read */
    size_t prev_line;   /* line of the previous data row */
};

/* ---- messages ---- */

/* `s` made safe for a one-line message: at most 40 bytes, other bytes than printable ASCII as
 * \xNN, "..." when cut. */
static const char *show(const char *s, char *out, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0, i = 0;
    for (; s[i] != '\0' && i < 40 && o + 8 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f) {
            out[o++] = (char)c;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    if (s[i] != '\0' && o + 4 <= size) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

#if defined(__GNUC__)
#define DS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DS_PRINTF(a, b)
#endif

/* "ORIGIN: line N: ..." for a whole line (or the file when line is 0). */
static gs_status line_error(const struct parser *p, size_t line, const char *fmt, ...)
    DS_PRINTF(3, 4);
static gs_status line_error(const struct parser *p, size_t line, const char *fmt, ...)
{
    char rest[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rest, sizeof rest, fmt, ap);
    va_end(ap);
    if (line == 0)
        return gs_error_set(p->err, GS_INPUT, p->origin, "%s: %s", p->origin, rest);
    return gs_error_set(p->err, GS_INPUT, p->origin, "%s: line %zu: %s", p->origin, line, rest);
}

/* "ORIGIN: line N, column NAME: 'VALUE' ..." for one value of the current line. */
static gs_status cell_error(const struct parser *p, size_t col, const char *value, const char *fmt,
                            ...) DS_PRINTF(4, 5);
static gs_status cell_error(const struct parser *p, size_t col, const char *value, const char *fmt,
                            ...)
{
    char rest[256], shown[200];
    const char *name = p->ds->buf + p->ds->name[col];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rest, sizeof rest, fmt, ap);
    va_end(ap);
    return gs_error_set(p->err, GS_INPUT, name, "%s: line %zu, column %s: '%s' %s", p->origin,
                        p->line, name, show(value, shown, sizeof shown), rest);
}

static gs_status nomem(const struct parser *p)
{
    return gs_error_set(p->err, GS_NOMEM, p->origin, "%s: out of memory at line %zu", p->origin,
                        p->line);
}

/* ---- values ---- */

/* Length of the plain decimal at the start of `s` (sign, digits, fraction, exponent), 0 if none:
 * no hexadecimal, inf or nan (as gs_units_parse_quantity's). */
static size_t decimal_prefix(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (s[i] == '.') {
        i++;
        while (s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (digits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        if (s[j] >= '0' && s[j] <= '9') {
            while (s[j] >= '0' && s[j] <= '9')
                j++;
            i = j;
        }
    }
    return i;
}

enum num { NUM_OK, NUM_MISSING, NUM_BAD, NUM_RANGE };

static enum num parse_number(const char *s, double *v)
{
    *v = NAN;
    if (s[0] == '\0' || (s[0] == '.' && s[1] == '\0'))
        return NUM_MISSING;
    size_t n = decimal_prefix(s);
    if (n == 0 || s[n] != '\0')
        return NUM_BAD;
    if (gs_decimal_fast(s, n, v)) /* exact, bit-identical to strtod (src/io/decimal.c) */
        return NUM_OK;
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end != s + n)
        return NUM_BAD;
    if (errno == ERANGE || !isfinite(x))
        return NUM_RANGE;
    *v = x;
    return NUM_OK;
}

static int is_whole(double v, double lo, double hi)
{
    return v >= lo && v <= hi && v == floor(v);
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int name_equal(const char *a, const char *b)
{
    for (; *a && ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b); a++, b++)
        ;
    return ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b);
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > DS_MAX_NAME)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        int digit = (c >= '0' && c <= '9') || c == '.';
        if (!alpha && !(digit && i > 0))
            return 0;
    }
    return 1;
}

/* ---- lines ---- */

/* Splits [s, e) of buf at commas into trimmed values, each copied to buf + *w with a NUL after
 * it (*w never passes the read position, and buf has a spare byte after the text); stores their
 * offsets in tok[]. The caller has counted the fields. */
static void split(char *buf, size_t s, size_t e, size_t *w, size_t *tok)
{
    size_t n = 0;
    for (size_t i = s;;) {
        size_t a = i;
        while (a < e && buf[a] != ',')
            a++;
        size_t b = i, c = a;
        while (b < c && (buf[b] == ' ' || buf[b] == '\t'))
            b++;
        while (c > b && (buf[c - 1] == ' ' || buf[c - 1] == '\t'))
            c--;
        tok[n++] = *w;
        memmove(buf + *w, buf + b, c - b);
        *w += c - b;
        buf[(*w)++] = '\0';
        if (a == e)
            break;
        i = a + 1;
    }
}

static size_t count_fields(const char *s, size_t n)
{
    size_t k = 1;
    for (const char *c = s; (c = memchr(c, ',', n - (size_t)(c - s))) != NULL; c++)
        k++;
    return k;
}

/* 1 if `name` is one of the comma-separated names in `list` (case-insensitive). */
static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *l = list; l && *l;) {
        size_t len = strcspn(l, ",");
        if (len == n && strncasecmp(l, name, n) == 0)
            return 1;
        l += len + (l[len] == ',');
    }
    return 0;
}

static gs_status read_header(struct parser *p, const size_t *tok, size_t n)
{
    gs_dataset *ds = p->ds;
    char shown[200];
    for (int k = 0; k < N_STD; k++)
        ds->std[k] = -1;
    ds->n_cols = n;
    for (size_t i = 0; i < n; i++) {
        char *name = ds->buf + tok[i];
        ds->name[i] = tok[i];
        /* NONMEM's $INPUT NAME=DROP: the column is kept as text and not read; the header keeps
         * the whole declaration (it is written back as read) */
        char *eq = strchr(name, '=');
        if (eq != NULL && strcasecmp(eq + 1, "DROP") == 0) {
            *eq = '\0';
            int ok = valid_name(name);
            *eq = '=';
            if (!ok)
                return gs_error_set(p->err, GS_INPUT, p->origin,
                                    "%s: line %zu, column %zu: '%s' is not a column name; allowed "
                                    "NAME or NAME=DROP, NAME up to %d letters, digits, '_' and "
                                    "'.', starting with a letter or '_'",
                                    p->origin, p->line, i + 1, show(name, shown, sizeof shown),
                                    DS_MAX_NAME);
            ds->dropped[i] = 1;
            continue;
        }
        if (i == 0 && decimal_prefix(name) > 0 && decimal_prefix(name) == strlen(name))
            return line_error(p, p->line,
                              "'%s' is a value, not a column name; the first line that is not a "
                              "comment must name the columns (e.g. ID,TIME,AMT,DV)",
                              show(name, shown, sizeof shown));
        if (!valid_name(name))
            return gs_error_set(p->err, GS_INPUT, p->origin,
                                "%s: line %zu, column %zu: '%s' is not a column name; allowed up "
                                "to %d letters, digits, '_' and '.', starting with a letter or '_'",
                                p->origin, p->line, i + 1, show(name, shown, sizeof shown),
                                DS_MAX_NAME);
        for (size_t j = 0; j < i; j++)
            if (name_equal(name, ds->buf + ds->name[j]))
                return gs_error_set(p->err, GS_INPUT, p->origin,
                                    "%s: line %zu, column %zu: '%s' repeats column %zu ('%s'); "
                                    "allowed each name once (names are case-insensitive)",
                                    p->origin, p->line, i + 1, name, j + 1, ds->buf + ds->name[j]);
        if (in_list(p->opt ? p->opt->drop : NULL, name) || (i == 0 && strcmp(name, "C") == 0)) {
            ds->dropped[i] = 1; /* '--drop NAME'; or a first column C, as with IGNORE=C */
            ds->ignore_c |= i == 0 && strcmp(name, "C") == 0;
            continue;
        }
        int k = 0;
        while (k < N_STD && !name_equal(name, std_names[k]))
            k++;
        if (k < N_STD)
            ds->std[k] = (int)i;
        else
            ds->cov_col[ds->n_cov++] = i;
    }
    for (const char *l = p->opt ? p->opt->drop : NULL; l && *l;) { /* each name is a column */
        size_t len = strcspn(l, ",");
        size_t j = 0;
        while (j < n &&
               !(strlen(ds->buf + tok[j]) == len && strncasecmp(ds->buf + tok[j], l, len) == 0))
            j++;
        if (j == n && len > 0)
            return gs_error_set(p->err, GS_INPUT, "--drop",
                                "'--drop' names '%.*s'; %s: line %zu (the header) has no such "
                                "column",
                                (int)(len > 40 ? 40 : len), l, p->origin, p->line);
        l += len + (l[len] == ',');
    }
    if (ds->std[C_ID] < 0 || ds->std[C_TIME] < 0)
        return line_error(p, p->line,
                          "the header has no %s column; ID and TIME are required (names are "
                          "case-insensitive)",
                          ds->std[C_ID] < 0 ? "ID" : "TIME");
    p->header_line = p->line;
    return GS_OK;
}

static gs_status grow_rows(struct parser *p)
{
    gs_dataset *ds = p->ds;
    if (ds->n_rows < ds->cap_rows)
        return GS_OK;
    size_t cap = ds->cap_rows ? 2 * ds->cap_rows : 64;
    if (cap > DS_MAX_ROWS)
        cap = DS_MAX_ROWS;
    struct ds_row *rows = gs_realloc(ds->rows, cap * sizeof *rows);
    if (rows == NULL)
        return nomem(p);
    ds->rows = rows;
    if (ds->n_cov > 0) {
        double *cov = gs_realloc(ds->cov, cap * ds->n_cov * sizeof *cov);
        if (cov == NULL)
            return nomem(p);
        ds->cov = cov;
    }
    ds->cap_rows = cap;
    return GS_OK;
}

static gs_status new_subject(struct parser *p, double id)
{
    gs_dataset *ds = p->ds;
    if (ds->n_subj == ds->cap_subj) {
        size_t cap = ds->cap_subj ? 2 * ds->cap_subj : 16;
        struct ds_subject *s = gs_realloc(ds->subj, cap * sizeof *s);
        if (s == NULL)
            return nomem(p);
        ds->subj = s;
        ds->cap_subj = cap;
    }
    struct ds_subject *s = &ds->subj[ds->n_subj];
    s->id = id;
    s->first = ds->n_rows;
    s->n = 0;
    s->line = p->line;
    ds->n_subj++;
    return GS_OK;
}

#define ALLOWED_DOSE_EVID "allowed only on doses (EVID 1 or 4)"

static gs_status read_row(struct parser *p, const size_t *tok)
{
    gs_dataset *ds = p->ds;
    const char *text[GS_DATASET_MAX_COLUMNS];
    double v[GS_DATASET_MAX_COLUMNS];
    gs_status st;

    for (size_t i = 0; i < ds->n_cols; i++) {
        text[i] = ds->buf + tok[i];
        v[i] = NAN;
        if (ds->dropped[i]) {
            /* kept as text and written back as read: a control character (a carriage return
             * inside the line, found by fuzz_dataset) would break the written row */
            for (const unsigned char *c = (const unsigned char *)text[i]; *c; c++)
                if (*c < 0x20 || *c == 0x7f)
                    return cell_error(p, i, text[i],
                                      "holds a control character (byte 0x%02x); allowed printable "
                                      "text in a dropped column",
                                      *c);
            continue;
        }
        enum num r = parse_number(text[i], &v[i]);
        if (r == NUM_BAD)
            return cell_error(p, i, text[i],
                              "is not a number; allowed a plain decimal (such as 12, 0.5 or "
                              "2.5e-3) or '.' for missing (a text column: '--drop %s' or "
                              "'%s=DROP' in the header)",
                              ds->buf + ds->name[i], ds->buf + ds->name[i]);
        if (r == NUM_RANGE)
            return cell_error(p, i, text[i],
                              "is out of range; allowed a magnitude from 1e-307 to 1e308, or 0");
    }
    /* value and text of a standard column; NaN and "" when the column is absent */
#define VAL(c)  (ds->std[c] >= 0 ? v[ds->std[c]] : NAN)
#define TEXT(c) (ds->std[c] >= 0 ? text[ds->std[c]] : "")
#define COL(c)  ((size_t)ds->std[c])

    double id = VAL(C_ID), time = VAL(C_TIME);
    if (isnan(id))
        return cell_error(p, COL(C_ID), TEXT(C_ID),
                          "is missing; allowed a number (every row "
                          "needs an ID)");
    if (isnan(time))
        return cell_error(p, COL(C_TIME), TEXT(C_TIME),
                          "is missing; allowed a number 0 or above (every row needs a TIME, h)");
    if (time < 0.0)
        return cell_error(p, COL(C_TIME), TEXT(C_TIME), "is negative; allowed 0 or above (h)");
    if (time > GS_DATASET_MAX_TIME_H) /* 1e308 gave a '.' prediction, not an error */
        return cell_error(p, COL(C_TIME), TEXT(C_TIME),
                          "is too large; allowed 0 to 876000 h (100 years)");

    double evid = VAL(C_EVID), mdv = VAL(C_MDV);
    if (!isnan(evid) && !is_whole(evid, 0, 4))
        return cell_error(p, COL(C_EVID), TEXT(C_EVID),
                          "is not an event type; allowed 0 (observation), 1 (dose), 2 (other), 3 "
                          "(reset) or 4 (reset and dose)");
    if (!isnan(mdv) && !is_whole(mdv, 0, 1))
        return cell_error(p, COL(C_MDV), TEXT(C_MDV), "is not an MDV flag; allowed 0 or 1");
    if (isnan(mdv))
        mdv = 0.0;

    double amt = VAL(C_AMT);
    if (isnan(amt))
        amt = 0.0;
    if (amt < 0.0)
        return cell_error(p, COL(C_AMT), TEXT(C_AMT), "is negative; allowed 0 or above (mg)");
    if (isnan(evid))
        evid = amt > 0.0 ? GS_EVID_DOSE : mdv == 1.0 ? GS_EVID_OTHER : GS_EVID_OBS;
    int ev = (int)evid;
    int dose = ev == GS_EVID_DOSE || ev == GS_EVID_RESET_DOSE;
    if (dose && ds->std[C_AMT] < 0)
        return cell_error(p, COL(C_EVID), TEXT(C_EVID),
                          "is a dose but the file has no AMT column; allowed: a dose needs AMT "
                          "(mg)");
    /* AMT 0 on a dose record: NONMEM gives nothing and turns the compartment on */
    if (!dose && amt > 0.0)
        return cell_error(p, COL(C_AMT), TEXT(C_AMT),
                          "on a record with EVID %d; AMT above 0 is " ALLOWED_DOSE_EVID, ev);

    double cmt = VAL(C_CMT);
    if (isnan(cmt) || cmt == 0.0) {
        cmt = dose ? GS_CMT_DEPOT : GS_CMT_CENTRAL;
    } else if (dose) {
        /* 3 and above: a model file's further compartments (the structure checks its count) */
        if (!is_whole(cmt, 1, GS_MAX_BODY))
            return cell_error(p, COL(C_CMT), TEXT(C_CMT),
                              "on a dose record (EVID %d); allowed 1 (depot), 2 (central) or a "
                              "model file's further compartment, up to %d",
                              ev, (int)GS_MAX_BODY);
    } else if (!is_whole(cmt, -DS_MAX_CMT, DS_MAX_CMT)) {
        return cell_error(p, COL(C_CMT), TEXT(C_CMT),
                          "is not a compartment number; allowed a whole number from %d to %d",
                          -DS_MAX_CMT, DS_MAX_CMT);
    }

    double rate = VAL(C_RATE), ii = VAL(C_II), addl = VAL(C_ADDL), ss = VAL(C_SS);
    if (isnan(rate))
        rate = 0.0;
    if (rate < 0.0 && !(dose && (rate == -1.0 || rate == -2.0)))
        return cell_error(p, COL(C_RATE), TEXT(C_RATE),
                          "is negative; allowed 0 or above (mg/h), or on doses -1 (rate from "
                          "column R1/R2) or -2 (duration from column D1/D2)");
    if (rate != 0.0 && !dose)
        return cell_error(p, COL(C_RATE), TEXT(C_RATE),
                          "on a record with EVID %d; RATE not 0 is " ALLOWED_DOSE_EVID, ev);
    if (isnan(ii))
        ii = 0.0;
    if (ii < 0.0)
        return cell_error(p, COL(C_II), TEXT(C_II), "is negative; allowed 0 or above (h)");
    if (isnan(addl))
        addl = 0.0;
    if (!is_whole(addl, 0, GS_MAX_DOSES))
        return cell_error(p, COL(C_ADDL), TEXT(C_ADDL),
                          "is not a number of additional doses; allowed a whole number from 0 "
                          "to %d",
                          GS_MAX_DOSES);
    if (addl > 0.0 && !dose)
        return cell_error(p, COL(C_ADDL), TEXT(C_ADDL),
                          "on a record with EVID %d; ADDL above 0 is " ALLOWED_DOSE_EVID, ev);
    if (addl > 0.0 && !(ii > 0.0))
        return cell_error(p, COL(C_ADDL), TEXT(C_ADDL),
                          "with II %g; allowed only with II above 0 (ADDL repeats the dose every "
                          "II hours)",
                          ii);
    if (isnan(ss))
        ss = 0.0;
    if (!is_whole(ss, 0, 2))
        return cell_error(p, COL(C_SS), TEXT(C_SS),
                          "is not a steady-state flag; allowed 0, 1 or 2");
    if (ss > 0.0 && !dose)
        return cell_error(p, COL(C_SS), TEXT(C_SS),
                          "on a record with EVID %d; SS above 0 is " ALLOWED_DOSE_EVID, ev);
    /* AMT 0 with a rate on an SS record: NONMEM's "steady-state with constant infusion" (AMT
     * 0, RATE above 0, II 0) */
    int constant = ss > 0.0 && amt == 0.0 && rate != 0.0;
    if (constant && rate == -2.0)
        return cell_error(p, COL(C_RATE), TEXT(C_RATE),
                          "with SS %g and AMT 0 (a constant infusion at steady state); allowed "
                          "RATE above 0 or -1 (a constant infusion has a rate, no duration)",
                          ss);
    if (constant && ii != 0.0)
        return cell_error(p, COL(C_II), TEXT(C_II),
                          "with SS %g, AMT 0 and RATE %g (a constant infusion at steady state); "
                          "allowed II 0 (give AMT for an infusion every II h)",
                          ss, rate);
    if (ss > 0.0 && !constant && !(ii > 0.0))
        return cell_error(p, COL(C_SS), TEXT(C_SS),
                          "with II %g; SS needs II above 0 (or AMT 0 with RATE, a constant "
                          "infusion)",
                          ii);

    /* rows of one ID together; TIME non-decreasing within an ID */
    if (ds->n_subj == 0 || ds->subj[ds->n_subj - 1].id != id) {
        /* an ID that comes back after another starts a new individual (NONMEM's rule: an
         * individual is a run of contiguous records with one ID) */
        if ((st = new_subject(p, id)) != GS_OK)
            return st;
    } else {
        double prev = ds->rows[ds->n_rows - 1].ev.time_h;
        if (time < prev)
            return cell_error(p, COL(C_TIME), TEXT(C_TIME),
                              "is before TIME %.10g on line %zu of the same ID; allowed TIME "
                              "non-decreasing within an ID",
                              prev, p->prev_line);
    }

    if ((st = grow_rows(p)) != GS_OK)
        return st;
    struct ds_row *r = &ds->rows[ds->n_rows];
    r->tok = tok[0];
    r->id = id;
    r->ev.time_h = time;
    r->ev.evid = (enum gs_evid)ev;
    r->ev.amt_mg = amt;
    r->ev.cmt = (int)cmt;
    r->ev.rate_mg_h = rate;
    r->ev.ii_h = ii;
    r->ev.addl = (long)addl;
    r->ev.ss = (int)ss;
    r->mdv = mdv;
    r->dv = VAL(C_DV);
    r->line = p->line;
    for (size_t k = 0; k < ds->n_cov; k++)
        ds->cov[ds->n_rows * ds->n_cov + k] = v[ds->cov_col[k]];
    ds->subj[ds->n_subj - 1].n++;
    ds->n_rows++;
    p->prev_line = p->line;
    return GS_OK;
#undef VAL
#undef TEXT
#undef COL
}

/* Reads `buf` (len bytes of text and one spare byte after them) into p->ds, which owns buf. */
static gs_status parse_lines(struct parser *p, size_t len)
{
    char *buf = p->ds->buf;
    size_t pos = 0, w = 0;
    size_t tok[GS_DATASET_MAX_COLUMNS];
    gs_status st;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* UTF-8 byte order mark (spreadsheet exports) */
    while (pos < len) {
        p->line++;
        size_t start = pos;
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t eol = nl ? (size_t)(nl - buf) : len;
        pos = nl ? eol + 1 : len;
        if (eol > start && buf[eol - 1] == '\r')
            eol--;
        if (eol - start > DS_MAX_LINE)
            return line_error(p, p->line, "%zu bytes long; allowed up to %d bytes", eol - start,
                              DS_MAX_LINE);
        if (memchr(buf + start, '\0', eol - start) != NULL)
            return line_error(p, p->line, "contains a NUL byte; allowed: text only");
        size_t first = start;
        while (first < eol && (buf[first] == ' ' || buf[first] == '\t'))
            first++;
        if (first == eol || buf[first] == '#')
            continue; /* blank line or comment */
        if (p->ds->ignore_c && buf[first] == 'C')
            continue; /* first column C: a commented-out record (NONMEM's IGNORE=C) */
        if (memchr(buf + start, '"', eol - start) != NULL)
            return line_error(p, p->line,
                              "contains '\"'; allowed: plain comma-separated values (quoted "
                              "fields are not supported)");
        size_t n = count_fields(buf + start, eol - start);
        if (p->header_line == 0) {
            if (n > GS_DATASET_MAX_COLUMNS)
                return line_error(p, p->line, "the header names %zu columns; allowed up to %d", n,
                                  GS_DATASET_MAX_COLUMNS);
            split(buf, start, eol, &w, tok);
            if ((st = read_header(p, tok, n)) != GS_OK)
                return st;
            continue;
        }
        if (n != p->ds->n_cols)
            return line_error(p, p->line,
                              "%zu value%s; allowed %zu, one per column of the header (line %zu)",
                              n, n == 1 ? "" : "s", p->ds->n_cols, p->header_line);
        if (p->ds->n_rows == DS_MAX_ROWS)
            return line_error(p, p->line, "more than %d data rows; allowed up to %d per file",
                              DS_MAX_ROWS, DS_MAX_ROWS);
        split(buf, start, eol, &w, tok);
        if ((st = read_row(p, tok)) != GS_OK)
            return st;
    }
    if (p->header_line == 0)
        return line_error(p, 0,
                          "no header; the first line that is not blank or a comment must name "
                          "the columns (e.g. ID,TIME,AMT,DV)");
    if (p->ds->n_rows == 0)
        return line_error(p, 0, "no data rows after the header (line %zu); allowed: at least one",
                          p->header_line);
    return GS_OK;
}

/* Takes ownership of `buf` (len bytes of text, capacity at least len + 1). */
static gs_status parse_owned(gs_dataset **out, char *buf, size_t len, const char *origin,
                             const struct gs_dataset_options *opt, struct gs_error *err)
{
    struct parser p;
    memset(&p, 0, sizeof p);
    p.origin = origin ? origin : "dataset";
    p.err = err;
    p.opt = opt;
    p.ds = gs_calloc(1, sizeof *p.ds);
    if (p.ds == NULL) {
        gs_free(buf);
        return nomem(&p);
    }
    p.ds->fill = opt ? opt->fill : GS_FILL_NOCB;
    p.ds->buf = buf;
    buf[len] = '\0';
    gs_status st = parse_lines(&p, len);
    if (st == GS_OK && (p.ds->origin = gs_strdup(p.origin)) == NULL)
        st = nomem(&p);
    if (st != GS_OK) {
        gs_dataset_free(p.ds);
        return st;
    }
    *out = p.ds;
    return GS_OK;
}

/* ---- public ---- */

gs_status gs_dataset_parse(gs_dataset **out, const char *text, size_t len, const char *origin,
                           struct gs_error *err)
{
    return gs_dataset_parse_with(out, text, len, origin, NULL, err);
}

gs_status gs_dataset_parse_with(gs_dataset **out, const char *text, size_t len, const char *origin,
                                const struct gs_dataset_options *opt, struct gs_error *err)
{
    *out = NULL;
    if (origin == NULL)
        origin = "dataset";
    if (len > (size_t)GS_DATASET_MAX_BYTES)
        return gs_error_set(err, GS_INPUT, origin, "%s: %zu bytes; allowed up to %ld bytes", origin,
                            len, GS_DATASET_MAX_BYTES);
    if (text == NULL && len > 0)
        return gs_error_set(err, GS_INPUT, origin, "%s: no text", origin);
    char *buf = gs_malloc(len + 1);
    if (buf == NULL)
        return gs_error_set(err, GS_NOMEM, origin, "%s: out of memory", origin);
    if (len > 0)
        memcpy(buf, text, len);
    return parse_owned(out, buf, len, origin, opt, err);
}

gs_status gs_dataset_read(gs_dataset **out, const char *path, struct gs_error *err)
{
    return gs_dataset_read_with(out, path, NULL, err);
}

gs_status gs_dataset_read_with(gs_dataset **out, const char *path,
                               const struct gs_dataset_options *opt, struct gs_error *err)
{
    *out = NULL;
    char *buf = NULL;
    size_t n = 0;
    gs_status st = gs_datafile_read(path, (size_t)GS_DATASET_MAX_BYTES, "dataset", &buf, &n, err);
    if (st != GS_OK)
        return st;
    return parse_owned(out, buf, n, gs_datafile_origin(path), opt, err);
}

enum gs_dataset_fill gs_dataset_fill(const gs_dataset *ds)
{
    return ds ? ds->fill : GS_FILL_NOCB;
}

gs_status gs_dataset_parse_fill(const char *s, enum gs_dataset_fill *fill, struct gs_error *err)
{
    if (s == NULL)
        return GS_OK;
    if (strcasecmp(s, "nocb") == 0 || strcasecmp(s, "locf") == 0) {
        *fill = strcasecmp(s, "locf") == 0 ? GS_FILL_LOCF : GS_FILL_NOCB;
        return GS_OK;
    }
    char shown[200];
    return gs_error_set(err, GS_INPUT, "--covariates",
                        "'--covariates' is '%s' with '--data'; allowed nocb (next observation "
                        "carried backward, the default) or locf (last observation carried "
                        "forward)",
                        show(s, shown, sizeof shown));
}

void gs_dataset_free(gs_dataset *ds)
{
    if (ds == NULL)
        return;
    gs_free(ds->buf);
    gs_free(ds->rows);
    gs_free(ds->cov);
    gs_free(ds->subj);
    gs_free(ds->origin);
    gs_free(ds);
}

size_t gs_dataset_row_line(const gs_dataset *ds, size_t row)
{
    return row < ds->n_rows ? ds->rows[row].line : 0;
}

const char *gs_dataset_origin(const gs_dataset *ds)
{
    return ds->origin;
}

size_t gs_dataset_n_rows(const gs_dataset *ds)
{
    return ds ? ds->n_rows : 0;
}

size_t gs_dataset_n_subjects(const gs_dataset *ds)
{
    return ds ? ds->n_subj : 0;
}

void gs_dataset_subject(const gs_dataset *ds, size_t s, double *id, size_t *first, size_t *n)
{
    int ok = ds != NULL && s < ds->n_subj;
    if (id)
        *id = ok ? ds->subj[s].id : NAN;
    if (first)
        *first = ok ? ds->subj[s].first : gs_dataset_n_rows(ds);
    if (n)
        *n = ok ? ds->subj[s].n : 0;
}

void gs_dataset_row_event(const gs_dataset *ds, size_t row, struct gs_event *ev)
{
    if (ds != NULL && row < ds->n_rows) {
        *ev = ds->rows[row].ev;
        return;
    }
    memset(ev, 0, sizeof *ev);
    ev->time_h = NAN;
    ev->evid = GS_EVID_OTHER;
}

int gs_dataset_row_is_observation(const gs_dataset *ds, size_t row)
{
    return ds != NULL && row < ds->n_rows && ds->rows[row].ev.evid == GS_EVID_OBS;
}

size_t gs_dataset_n_covariates(const gs_dataset *ds)
{
    return ds ? ds->n_cov : 0;
}

const char *gs_dataset_covariate_name(const gs_dataset *ds, size_t k)
{
    if (ds == NULL || k >= ds->n_cov)
        return NULL;
    return ds->buf + ds->name[ds->cov_col[k]];
}

double gs_dataset_covariate(const gs_dataset *ds, size_t row, size_t k)
{
    if (ds == NULL || row >= ds->n_rows || k >= ds->n_cov)
        return NAN;
    return ds->cov[row * ds->n_cov + k];
}

int gs_dataset_covariate_index(const gs_dataset *ds, const char *name)
{
    if (ds == NULL || name == NULL)
        return -1;
    for (size_t k = 0; k < ds->n_cov; k++)
        if (name_equal(name, ds->buf + ds->name[ds->cov_col[k]]))
            return (int)k;
    return -1;
}

double gs_dataset_row_dv(const gs_dataset *ds, size_t row)
{
    if (ds == NULL || row >= ds->n_rows || ds->rows[row].ev.evid != GS_EVID_OBS ||
        ds->rows[row].mdv == 1.0)
        return NAN;
    return ds->rows[row].dv;
}

static void put_value(FILE *f, const double *a, size_t row)
{
    if (a != NULL && isfinite(a[row]))
        fprintf(f, ",%.10g", a[row]);
    else
        fputs(",.", f);
}

/* 1 for a column the writer appends (PRED, IPRED, IWRES, SIMIPRED, SIMDV, any case): an earlier
 * run's output read back has them, and its values are replaced, not kept beside the new ones. */
static int is_output_column(const char *name)
{
    static const char *const out[] = {"PRED", "IPRED", "IWRES", "SIMIPRED", "SIMDV"};
    for (size_t k = 0; k < sizeof out / sizeof out[0]; k++)
        if (strcasecmp(name, out[k]) == 0)
            return 1;
    return 0;
}

gs_status gs_dataset_write_columns(const gs_dataset *ds, FILE *f, size_t n_out,
                                   const char *const *names, const double *const *values)
{
    if (ds == NULL || f == NULL || (n_out > 0 && (names == NULL || values == NULL)))
        return GS_INPUT;
    const char *sep = "";
    for (size_t i = 0; i < ds->n_cols; i++) {
        if (is_output_column(ds->buf + ds->name[i]))
            continue;
        fprintf(f, "%s%s", sep, ds->buf + ds->name[i]);
        sep = ",";
    }
    for (size_t k = 0; k < n_out; k++)
        fprintf(f, ",%s", names[k]);
    fputc('\n', f);
    for (size_t r = 0; r < ds->n_rows && !ferror(f); r++) {
        const char *t = ds->buf + ds->rows[r].tok;
        sep = "";
        for (size_t i = 0; i < ds->n_cols; i++) {
            if (!is_output_column(ds->buf + ds->name[i])) {
                fprintf(f, "%s%s", sep, *t ? t : ".");
                sep = ",";
            }
            t += strlen(t) + 1;
        }
        for (size_t k = 0; k < n_out; k++)
            put_value(f, values[k], r);
        fputc('\n', f);
    }
    return ferror(f) ? GS_IO : GS_OK;
}

gs_status gs_dataset_write(const gs_dataset *ds, FILE *f, const double *pred, const double *ipred,
                           const double *simdv)
{
    static const char *const names[] = {"PRED", "IPRED", "SIMDV"};
    const double *const values[] = {pred, ipred, simdv};
    return gs_dataset_write_columns(ds, f, 3, names, values);
}
