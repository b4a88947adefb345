/* studies.h - the study table of `gabasim meta`: one row per study, read from CSV.
 *
 * The header names the layout (columns in any order, names case-insensitive):
 *   study,m1,sd1,n1,m2,sd2,n2   means, SDs and sizes per arm  -> mean difference (arm 1 - arm 2)
 *   study,a1,n1,a2,n2           events and sizes per arm       -> risk ratio (pooled as log RR)
 *   study,yi,sei                an effect and its standard error, pooled as given
 * Arm 1 is the treatment and arm 2 the comparator. A `study` value may be double-quoted (with ""
 * for a quote) to hold commas. Blank lines and lines starting with '#' are skipped.
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

struct gs_studies {
    enum gs_studies_kind kind;
    struct gs_study *study; /* owned; gs_studies_release frees it */
    size_t n;
};

gs_status gs_studies_parse(struct gs_studies *t, const char *text, size_t len, const char *origin,
                           struct gs_error *err);
gs_status gs_studies_read(struct gs_studies *t, const char *path, struct gs_error *err);
void gs_studies_release(struct gs_studies *t);

#ifdef __cplusplus
}
#endif
#endif
