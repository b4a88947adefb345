/* studies.c - reads the study table of `gabasim meta` (layouts in gabasim/studies.h). Every
 * error names the origin, the line and, for a cell, the column; nothing is clamped. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/alloc.h"
#include "gabasim/datafile.h"
#include "gabasim/studies.h"

#define MAX_COLS 32
#define CELL_MAX GS_STUDY_CELL_MAX
/* The ranges where the pooling is computed without overflow or underflow (weights 1/se^2 up to
 * 1e20 and their cubes stay finite); far wider than any published effect, SD or trial. */
#define VMAX      1e6                /* |mean|, |yi|, SD and sei at most */
#define SMIN      1e-6               /* SD and sei at least */
#define NMAX      1e8                /* participants or events in an arm at most */
#define MAX_BYTES ((size_t)16 << 20) /* a ceiling: a study table is a few kB (read as it grows) */

static const char *const layout_cols[3][7] = {
    {"study", "m1", "sd1", "n1", "m2", "sd2", "n2"},
    {"study", "a1", "n1", "a2", "n2", NULL},
    {"study", "yi", "sei", NULL},
};
static const size_t layout_n[3] = {7, 5, 3};

/* Splits one line into cells (a cell may be "quoted", with "" for a quote). Returns the number of
 * cells, or -1 for a broken quote, -2 for too many cells or a cell too long. */
static int split(const char *s, size_t n, char cells[MAX_COLS][CELL_MAX])
{
    int nc = 0;
    size_t i = 0;
    for (;;) {
        if (nc == MAX_COLS)
            return -2;
        size_t w = 0;
        char *c = cells[nc++];
        if (i < n && s[i] == '"') {
            for (i++;; i++) {
                if (i >= n)
                    return -1;
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"')
                        i++;
                    else {
                        i++;
                        break;
                    }
                }
                if (w + 1 >= CELL_MAX)
                    return -2;
                c[w++] = s[i];
            }
            if (i < n && s[i] != ',')
                return -1;
        } else {
            for (; i < n && s[i] != ','; i++) {
                if (w + 1 >= CELL_MAX)
                    return -2;
                c[w++] = s[i];
            }
        }
        /* trim spaces */
        while (w > 0 && (c[w - 1] == ' ' || c[w - 1] == '\t'))
            w--;
        c[w] = '\0';
        size_t lead = strspn(c, " \t");
        memmove(c, c + lead, w - lead + 1);
        if (i >= n)
            return nc;
        i++; /* the comma */
    }
}

static void show(const char *v, char *out, size_t size)
{
    size_t w = 0;
    for (; *v && w + 5 < size; v++)
        w += (size_t)snprintf(out + w, size - w, isprint((unsigned char)*v) ? "%c" : "\\x%02x",
                              (unsigned char)*v);
    out[w] = '\0';
}

static int name_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* Reads the header: the layout whose columns are all present (columns in any order, names
 * case-insensitive), the positions of its columns in col_of[0..], then those of the extra
 * columns, whose names go into t. */
static gs_status header(struct gs_studies *t, char cells[MAX_COLS][CELL_MAX], int nc,
                        const char *origin, size_t line, int col_of[MAX_COLS], int *kind,
                        struct gs_error *err)
{
    for (int j = 0; j < nc; j++) {
        if (cells[j][0] == '\0')
            return gs_error_set(err, GS_INPUT, "studies", "%s: line %zu: column %d has no name",
                                origin, line, j + 1);
        for (int i = 0; i < j; i++)
            if (name_eq(cells[i], cells[j])) {
                char shown[CELL_MAX * 4];
                show(cells[j], shown, sizeof shown);
                return gs_error_set(err, GS_INPUT, "studies",
                                    "%s: line %zu: column '%s' is named twice", origin, line,
                                    shown);
            }
    }
    int used[MAX_COLS] = {0}, found[3] = {0};
    for (int k = 0; k < 3; k++) {
        int all = 1;
        for (size_t c = 0; c < layout_n[k] && all; c++) {
            int at = -1;
            for (int j = 0; j < nc; j++)
                if (name_eq(cells[j], layout_cols[k][c]))
                    at = j;
            all = at >= 0;
        }
        found[k] = all;
    }
    if (found[0] + found[1] + found[2] != 1)
        return gs_error_set(err, GS_INPUT, "studies",
                            "%s: line %zu: the header must name the columns of one layout: "
                            "study,m1,sd1,n1,m2,sd2,n2 or study,a1,n1,a2,n2 or study,yi,sei%s",
                            origin, line,
                            found[0] + found[1] + found[2] > 1 ? " (it names more than one)" : "");
    *kind = found[0] ? 0 : found[1] ? 1 : 2;
    for (size_t c = 0; c < layout_n[*kind]; c++)
        for (int j = 0; j < nc; j++)
            if (name_eq(cells[j], layout_cols[*kind][c]))
                col_of[c] = j, used[j] = 1;
    size_t n_extra = (size_t)nc - layout_n[*kind];
    if (n_extra > 0) {
        t->extra_name = gs_calloc(n_extra, sizeof *t->extra_name);
        if (t->extra_name == NULL)
            return gs_error_set(err, GS_NOMEM, "studies", "out of memory");
        for (int j = 0; j < nc; j++)
            if (!used[j]) {
                col_of[layout_n[*kind] + t->n_extra] = j;
                memcpy(t->extra_name[t->n_extra++], cells[j], strlen(cells[j]) + 1);
            }
    }
    return GS_OK;
}

/* Appends the extra cells of the row being read (t->n) to t->extra_text. */
static gs_status keep_extra(struct gs_studies *t, char cells[MAX_COLS][CELL_MAX],
                            const int col_of[MAX_COLS], size_t first, size_t *text_cap,
                            struct gs_error *err)
{
    size_t used = 0;
    if (t->n_extra > 0 && t->n % 16 == 0) {
        size_t *p = gs_realloc(t->extra_off, (t->n + 16) * t->n_extra * sizeof *p);
        if (p == NULL)
            return gs_error_set(err, GS_NOMEM, "studies", "out of memory");
        t->extra_off = p;
    }
    if (t->n > 0) { /* the end of the previous row's last cell */
        size_t last = t->extra_off[t->n * t->n_extra - 1];
        used = last + strlen(t->extra_text + last) + 1;
    }
    for (size_t c = 0; c < t->n_extra; c++) {
        const char *cell = cells[col_of[first + c]];
        size_t len = strlen(cell) + 1;
        if (used + len > *text_cap) {
            size_t cap = *text_cap ? 2 * *text_cap : 256;
            while (cap < used + len)
                cap *= 2;
            char *p = gs_realloc(t->extra_text, cap);
            if (p == NULL)
                return gs_error_set(err, GS_NOMEM, "studies", "out of memory");
            t->extra_text = p, *text_cap = cap;
        }
        memcpy(t->extra_text + used, cell, len);
        t->extra_off[t->n * t->n_extra + c] = used;
        used += len;
    }
    return GS_OK;
}

gs_status gs_studies_parse(struct gs_studies *t, const char *text, size_t len, const char *origin,
                           struct gs_error *err)
{
    *t = (struct gs_studies){0};
    char cells[MAX_COLS][CELL_MAX]; /* 2 KiB: on the stack, so the parser is reentrant */
    char shown[CELL_MAX * 4];
    int col_of[MAX_COLS] = {0}; /* layout columns, then the extra ones, as header positions */
    int kind = -1;
    size_t nc_header = 0, cap = 0, line = 0, text_cap = 0;
    gs_status st = GS_OK;
    for (size_t pos = 0; pos < len && st == GS_OK;) {
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl != NULL);
        line++;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        if (memchr(s, '\0', n)) {
            st = gs_error_set(err, GS_INPUT, "studies", "%s: line %zu: a NUL byte; expected text",
                              origin, line);
            break;
        }
        size_t sp = 0;
        while (sp < n && (s[sp] == ' ' || s[sp] == '\t'))
            sp++;
        if (sp == n || s[sp] == '#')
            continue;
        int nc = split(s, n, cells);
        if (nc < 0) {
            st = gs_error_set(err, GS_INPUT, "studies",
                              nc == -1 ? "%s: line %zu: a quoted cell is not closed properly"
                                       : "%s: line %zu: more than 32 cells or a cell over 127 "
                                         "characters",
                              origin, line);
            break;
        }
        if (kind < 0) { /* the header */
            if ((st = header(t, cells, nc, origin, line, col_of, &kind, err)) != GS_OK)
                break;
            nc_header = (size_t)nc;
            continue;
        }
        if ((size_t)nc != nc_header) {
            st =
                gs_error_set(err, GS_INPUT, "studies", "%s: line %zu: %d cells; the header has %zu",
                             origin, line, nc, nc_header);
            break;
        }
        if (t->n == cap) {
            size_t nc2 = cap ? 2 * cap : 16;
            struct gs_study *p = gs_realloc(t->study, nc2 * sizeof *p);
            if (p == NULL) {
                st = gs_error_set(err, GS_NOMEM, "studies", "out of memory");
                break;
            }
            t->study = p, cap = nc2;
        }
        struct gs_study *row = &t->study[t->n];
        *row = (struct gs_study){.line = line};
        const char *name = cells[col_of[0]];
        if (*name == '\0' || strlen(name) >= GS_STUDY_NAME_MAX) {
            st = gs_error_set(err, GS_INPUT, "study",
                              "%s: line %zu, column study: the name is empty or over %d "
                              "characters",
                              origin, line, GS_STUDY_NAME_MAX - 1);
            break;
        }
        memcpy(row->name, name, strlen(name) + 1); /* length checked above */
        for (size_t c = 1; c < layout_n[kind] && st == GS_OK; c++) {
            const char *col = layout_cols[kind][c], *cell = cells[col_of[c]];
            char *end;
            errno = 0;
            double v = strtod(cell, &end);
            const char *why = NULL;
            if (*cell == '\0' || *end != '\0' || errno == ERANGE || !isfinite(v))
                why = "a finite number";
            else if (col[0] == 'n' && !(v >= 1 && v <= NMAX && v == floor(v)))
                why = "a whole number of participants, 1 to 100000000";
            else if (col[0] == 'a' && !(v >= 0 && v <= NMAX && v == floor(v)))
                why = "a whole number of events, 0 to 100000000";
            else if (col[0] == 's' && !(v >= SMIN && v <= VMAX))
                why = "1e-06 to 1e+06";
            else if ((col[0] == 'm' || col[0] == 'y') && !(fabs(v) <= VMAX))
                why = "-1e+06 to 1e+06";
            if (why) {
                show(cell, shown, sizeof shown);
                st = gs_error_set(err, GS_INPUT, col, "%s: line %zu, column %s: '%s'; allowed: %s",
                                  origin, line, col, shown, why);
            }
            row->v[c - 1] = v;
        }
        if (st == GS_OK && kind == GS_STUDIES_RR)
            for (int arm = 0; arm < 2 && st == GS_OK; arm++)
                if (row->v[2 * arm] > row->v[2 * arm + 1])
                    st = gs_error_set(
                        err, GS_INPUT, arm ? "a2" : "a1",
                        "%s: line %zu, column %s: %g events in an arm of %g; allowed: "
                        "0 to the arm size",
                        origin, line, arm ? "a2" : "a1", row->v[2 * arm], row->v[2 * arm + 1]);
        if (st == GS_OK && t->n_extra > 0)
            st = keep_extra(t, cells, col_of, layout_n[kind], &text_cap, err);
        if (st == GS_OK)
            t->n++;
    }
    if (st == GS_OK && kind < 0)
        st = gs_error_set(err, GS_INPUT, "studies", "%s: no header line", origin);
    if (st == GS_OK && t->n == 0)
        st = gs_error_set(err, GS_INPUT, "studies", "%s: no study rows after the header", origin);
    if (st != GS_OK) {
        gs_studies_release(t);
        return st;
    }
    t->kind = (enum gs_studies_kind)kind;
    return GS_OK;
}

gs_status gs_studies_read(struct gs_studies *t, const char *path, struct gs_error *err)
{
    *t = (struct gs_studies){0};
    char *text = NULL;
    size_t len = 0;
    gs_status st = gs_datafile_read(path, MAX_BYTES, "study table", &text, &len, err);
    if (st != GS_OK)
        return st;
    st = gs_studies_parse(t, text, len, gs_datafile_origin(path), err);
    gs_free(text);
    return st;
}

void gs_studies_release(struct gs_studies *t)
{
    gs_free(t->study);
    gs_free(t->extra_name);
    gs_free(t->extra_text);
    gs_free(t->extra_off);
    *t = (struct gs_studies){0};
}

int gs_studies_extra_find(const struct gs_studies *t, const char *name)
{
    for (size_t c = 0; c < t->n_extra; c++)
        if (name_eq(t->extra_name[c], name))
            return (int)c;
    return -1;
}

const char *gs_studies_extra_cell(const struct gs_studies *t, size_t row, size_t col)
{
    return t->extra_text + t->extra_off[row * t->n_extra + col];
}

gs_status gs_studies_extra_numbers(const struct gs_studies *t, size_t col, const char *origin,
                                   double *out, struct gs_error *err)
{
    for (size_t i = 0; i < t->n; i++) {
        const char *cell = gs_studies_extra_cell(t, i, col);
        char *end;
        errno = 0;
        double v = strtod(cell, &end);
        if (*cell == '\0' || *end != '\0' || errno == ERANGE || !(fabs(v) <= 1e12)) {
            char shown[CELL_MAX * 4];
            show(cell, shown, sizeof shown);
            return gs_error_set(err, GS_INPUT, t->extra_name[col],
                                "%s: line %zu, column %s: '%s'; allowed: a number from -1e+12 to "
                                "1e+12",
                                origin, t->study[i].line, t->extra_name[col], shown);
        }
        out[i] = v;
    }
    return GS_OK;
}
