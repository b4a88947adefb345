/* options.c - the command line's option semantics for R arguments: each R argument arrives as a
 * character vector named like the option ("dose" for --dose) and is parsed here with the library's
 * own parsers (gs_units_parse_quantity), with the same ranges and the same one-line messages as
 * `gabasim` itself (src/cli/options.c), so `simulate(dose = "0mg")` fails exactly as
 * `gabasim simulate --dose 0mg` does. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim_r.h"

const char *gsr_str(SEXP opts, const char *name)
{
    SEXP v = gsr_vec(opts, name);
    if (v == R_NilValue || XLENGTH(v) < 1 || STRING_ELT(v, 0) == NA_STRING)
        return NULL;
    return CHAR(STRING_ELT(v, 0));
}

SEXP gsr_vec(SEXP opts, const char *name)
{
    SEXP names = Rf_getAttrib(opts, R_NamesSymbol);
    if (names == R_NilValue)
        return R_NilValue;
    for (R_xlen_t i = 0; i < XLENGTH(opts); i++)
        if (strcmp(CHAR(STRING_ELT(names, i)), name) == 0) {
            SEXP v = VECTOR_ELT(opts, i);
            return TYPEOF(v) == STRSXP ? v : R_NilValue;
        }
    return R_NilValue;
}

int gsr_flag(SEXP opts, const char *name)
{
    const char *v = gsr_str(opts, name);
    return v != NULL && strcmp(v, "TRUE") == 0;
}

/* The shortest of %.15g and %.17g that reads back as v (as the command line prints ranges). */
static const char *num(char *buf, size_t cap, double v)
{
    snprintf(buf, cap, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, cap, "%.17g", v);
    return buf;
}

static void range_text(const struct gsr_range *r, const char *unit, char *buf, size_t cap)
{
    char lo[32], hi[32];
    num(lo, sizeof lo, r->lo);
    num(hi, sizeof hi, r->hi);
    const char *sp = *unit ? " " : "", *above = r->lo_open ? "above " : "";
    if (isinf(r->lo) && isinf(r->hi))
        snprintf(buf, cap, "%s", "");
    else if (isinf(r->lo))
        snprintf(buf, cap, "up to %s%s%s", hi, sp, unit);
    else if (isinf(r->hi))
        snprintf(buf, cap, "%s%s%s%s%s", above, lo, sp, unit, r->lo_open ? "" : " or more");
    else if (r->hi_open)
        snprintf(buf, cap, "%s%s%s%s and below %s%s%s", above, lo, sp, unit, hi, sp, unit);
    else
        snprintf(buf, cap, "%s%s to %s%s%s", above, lo, hi, sp, unit);
}

static int in_range(const struct gsr_range *r, double v)
{
    return (r->lo_open ? v > r->lo : v >= r->lo) && (r->hi_open ? v < r->hi : v <= r->hi);
}

const struct gsr_range GSR_ANY = {-INFINITY, INFINITY, 0, 0};

gs_status gsr_quantity(const char *val, enum gs_dim dim, const char *name, struct gsr_range r,
                       double *out, struct gs_error *err)
{
    char field[72], range[96];
    if (val == NULL)
        return GS_OK;
    snprintf(field, sizeof field, "--%s", name);
    gs_status st = gs_units_parse_quantity(val, dim, field, out, err);
    if (st != GS_OK)
        return st;
    range_text(&r, gs_units_dim_unit(dim), range, sizeof range);
    if (!in_range(&r, *out))
        return gs_error_set(err, GS_INPUT, field, "'%s' is %g %s; allowed %s", field, *out,
                            gs_units_dim_unit(dim), range);
    return GS_OK;
}

gs_status gsr_count(const char *val, const char *name, long lo, long hi, long *out,
                    struct gs_error *err)
{
    char field[72], range[96];
    struct gsr_range r = {(double)lo, (double)hi, 0, 0};
    if (val == NULL)
        return GS_OK;
    snprintf(field, sizeof field, "--%s", name);
    range_text(&r, "", range, sizeof range);
    const char *p = val;
    int digits = *p != '\0';
    for (; *p; p++)
        digits &= (*p >= '0' && *p <= '9');
    errno = 0;
    long v = digits ? strtol(val, NULL, 10) : 0;
    if (!digits || errno == ERANGE)
        return gs_error_set(err, GS_INPUT, field, "'%s' is '%s'; expected a whole number, %s",
                            field, val, range);
    if (v < lo || v > hi)
        return gs_error_set(err, GS_INPUT, field, "'%s' is %ld; allowed %s", field, v, range);
    *out = v;
    return GS_OK;
}

gs_status gsr_number(const char *val, const char *name, struct gsr_range r, double *out,
                     struct gs_error *err)
{
    char field[72], range[96];
    if (val == NULL)
        return GS_OK;
    snprintf(field, sizeof field, "--%s", name);
    range_text(&r, "", range, sizeof range);
    char *end = NULL;
    errno = 0;
    double v = strtod(val, &end);
    if (end == val || *end != '\0' || errno == ERANGE || !isfinite(v) || strpbrk(val, "xXnNiI"))
        return gs_error_set(err, GS_INPUT, field, "'%s' is '%s'; expected a number, %s", field, val,
                            range);
    if (!in_range(&r, v))
        return gs_error_set(err, GS_INPUT, field, "'%s' is %g; allowed %s", field, v, range);
    *out = v;
    return GS_OK;
}

gs_status gsr_choice(const char *val, const char *name, const char *const *choices, int *out,
                     struct gs_error *err)
{
    char field[72], allowed[256] = "";
    if (val == NULL)
        return GS_OK;
    snprintf(field, sizeof field, "--%s", name);
    for (int i = 0; choices[i]; i++) {
        if (strcmp(choices[i], val) == 0) {
            *out = i;
            return GS_OK;
        }
        size_t k = strlen(allowed);
        snprintf(allowed + k, sizeof allowed - k, "%s%s", i ? ", " : "", choices[i]);
    }
    return gs_error_set(err, GS_INPUT, field, "'%s' is '%s'; allowed: %s", field, val, allowed);
}

gs_status gsr_list_max(SEXP v, const char *name, struct gs_error *err)
{
    char field[72];
    snprintf(field, sizeof field, "--%s", name);
    if (v != R_NilValue && XLENGTH(v) > GSR_LIST_MAX)
        return gs_error_set(err, GS_INPUT, field, "'%s' was given more than %d times", field,
                            GSR_LIST_MAX);
    return GS_OK;
}
