/* studies.h - the study table of `gabasim meta`: one row per study, read from CSV.
 *
 * The header names the layout (columns in any order, names case-insensitive):
 *   study,m1,sd1,n1,m2,sd2,n2   means, SDs and sizes per arm  -> mean difference (arm 1 - arm 2)
 *   study,a1,n1,a2,n2           events and sizes per arm       -> risk ratio (pooled as log RR)
 *   study,yi,sei                an effect and its standard error, pooled as given
 * Arm 1 is the treatment and arm 2 the comparator. A `study` value may be double-quoted (with ""
 * for a quote) to hold commas. Blank lines and lines starting with '#' are skipped.
 * Any further columns (up to 32 cells a row in all; names unique, case-insensitive) are kept as
 * text: a `subgroup` column, numeric moderators for meta-regression, notes. They are read only
 * when an analysis names them (gs_studies_extra_find, gs_studies_extra_numbers), so a text column
 * never breaks a table. A header naming the columns of two layouts is refused.
 * Errors name the file, the line and the column: "s.csv: line 4, column sd1: '-2' ...". */
#ifndef GABASIM_STUDIES_H
#define GABASIM_STUDIES_H

#include <stddef.h>

#include "gabasim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum gs_studies_kind { GS_STUDIES_MD, GS_STUDIES_RR, GS_STUDIES_GENERIC };

#define GS_STUDY_NAME_MAX 80

struct gs_study {
    char name[GS_STUDY_NAME_MAX];
    double v[6]; /* MD: m1 sd1 n1 m2 sd2 n2; RR: a1 n1 a2 n2; generic: yi sei */
    size_t line; /* line in the file, for messages */
};

#define GS_STUDY_CELL_MAX 128 /* a cell holds up to 127 bytes */

struct gs_studies {
    enum gs_studies_kind kind;
    struct gs_study *study; /* owned; gs_studies_release frees it */
    size_t n;
    /* the columns beyond the layout's, in header order (owned; gs_studies_release frees them) */
    size_t n_extra;
    char (*extra_name)[GS_STUDY_CELL_MAX]; /* n_extra names as written in the header */
    char *extra_text;                      /* the cells' text, each NUL-terminated */
    size_t *extra_off;                     /* n * n_extra offsets into extra_text, row-major */
};

gs_status gs_studies_parse(struct gs_studies *t, const char *text, size_t len, const char *origin,
                           struct gs_error *err);
gs_status gs_studies_read(struct gs_studies *t, const char *path, struct gs_error *err);
void gs_studies_release(struct gs_studies *t);

/* The index of the extra column called `name` (case-insensitive), or -1 when the table has none. */
int gs_studies_extra_find(const struct gs_studies *t, const char *name);

/* The text of extra column `col` in row `row` (trimmed; "" for an empty cell); owned by t. */
const char *gs_studies_extra_cell(const struct gs_studies *t, size_t row, size_t col);

/* Extra column `col` as t->n finite numbers into out; GS_INPUT naming origin, line, column and
 * the cell when one is empty or not a finite number within -1e12 to 1e12. */
gs_status gs_studies_extra_numbers(const struct gs_studies *t, size_t col, const char *origin,
                                   double *out, struct gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
