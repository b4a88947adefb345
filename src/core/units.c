/* units.c - parsing "number unit" quantities into gabasim's internal unit system. */
#include "gabasim/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct unit_def {
    enum gs_dim dim;
    const char *name;
    double factor; /* internal value = number * factor */
};

/* The only spellings accepted; anything else ("mgs", "hrs") is an error, never a guess. */
static const struct unit_def units[] = {
    {GS_DIM_DOSE, "mg", 1.0},
    {GS_DIM_DOSE, "g", 1000.0},
    {GS_DIM_TIME, "h", 1.0},
    {GS_DIM_TIME, "min", 1.0 / 60.0},
    {GS_DIM_TIME, "d", 24.0},
    {GS_DIM_TIME, "w", 168.0},
    {GS_DIM_SCR, "mg/dL", 1.0},
    /* 1 mg/dL creatinine = 88.4 umol/L (MW 113.12 g/mol), the factor the labels' CG note uses. */
    {GS_DIM_SCR, "umol/L", 1.0 / 88.4},
    {GS_DIM_SCR, "\xC2\xB5mol/L", 1.0 / 88.4}, /* micro sign U+00B5 */
    {GS_DIM_SCR, "\xCE\xBCmol/L", 1.0 / 88.4}, /* Greek mu U+03BC */
    {GS_DIM_WEIGHT, "kg", 1.0},
    {GS_DIM_WEIGHT, "lb", 0.45359237},
    {GS_DIM_HEIGHT, "cm", 1.0},
    {GS_DIM_HEIGHT, "m", 100.0},
    {GS_DIM_HEIGHT, "in", 2.54},
    {GS_DIM_AGE, "y", 1.0},
    {GS_DIM_CRCL, "mL/min", 1.0},
    {GS_DIM_CONC, "mg/L", 1.0},
    {GS_DIM_CONC, "ug/mL", 1.0},
};

static const struct {
    const char *internal;
    const char *list;
    int bare_ok;
} dims[] = {
    [GS_DIM_DOSE] = {"mg", "mg, g", 0},
    [GS_DIM_TIME] = {"h", "h, min, d, w", 0},
    [GS_DIM_SCR] = {"mg/dL", "mg/dL, umol/L", 0},
    [GS_DIM_WEIGHT] = {"kg", "kg, lb", 0},
    [GS_DIM_HEIGHT] = {"cm", "cm, m, in", 0},
    [GS_DIM_AGE] = {"y", "y (or a bare number of years)", 1},
    [GS_DIM_CRCL] = {"mL/min", "mL/min (or a bare number)", 1},
    [GS_DIM_CONC] = {"mg/L", "mg/L, ug/mL", 0},
};

/* Length of the plain decimal number at the start of s: [+-]digits[.digits][(e|E)[+-]digits],
 * at least one digit before the exponent; 0 if there is none. */
static size_t decimal_prefix(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (isdigit((unsigned char)s[i]))
        i++, digits++;
    if (s[i] == '.') {
        i++;
        while (isdigit((unsigned char)s[i]))
            i++, digits++;
    }
    if (digits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        if (isdigit((unsigned char)s[j])) {
            while (isdigit((unsigned char)s[j]))
                j++;
            i = j;
        }
    }
    return i;
}

const char *gs_units_dim_units(enum gs_dim dim)
{
    return dims[dim].list;
}

const char *gs_units_dim_unit(enum gs_dim dim)
{
    return dims[dim].internal;
}

gs_status gs_units_parse_quantity(const char *text, enum gs_dim dim, const char *field, double *out,
                                  struct gs_error *err)
{
    if (text == NULL || *text == '\0')
        return gs_error_set(err, GS_INPUT, field, "'%s' is empty; give a number with a unit (%s)",
                            field, dims[dim].list);
    errno = 0;
    char *end = NULL;
    size_t num_len = decimal_prefix(text);
    double v = num_len ? strtod(text, &end) : 0.0;
    /* strtod alone would accept "inf", "nan" and hex: only plain decimals are quantities. */
    if (num_len == 0 || end != text + num_len || errno == ERANGE || !isfinite(v))
        return gs_error_set(err, GS_INPUT, field,
                            "'%s' is '%s'; expected a number with a unit (%s)", field, text,
                            dims[dim].list);
    while (*end == ' ')
        end++;
    if (*end == '\0') {
        if (!dims[dim].bare_ok)
            return gs_error_set(err, GS_INPUT, field,
                                "'%s' is '%s' with no unit; give one of %s (e.g. %g%s)", field,
                                text, dims[dim].list, v, dims[dim].internal);
        *out = v;
        return GS_OK;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (units[i].dim == dim && strcmp(units[i].name, end) == 0) {
            double x = v * units[i].factor;
            if (!isfinite(x)) /* e.g. 1.7e308w overflows when converted to hours */
                return gs_error_set(err, GS_INPUT, field, "'%s' is '%s', too large to represent",
                                    field, text);
            *out = x;
            return GS_OK;
        }
    }
    return gs_error_set(err, GS_INPUT, field, "'%s' has unknown unit '%s' in '%s'; allowed: %s",
                        field, end, text, dims[dim].list);
}

gs_status gs_units_parse_count(const char *text, const char *field, long max, long *out,
                               struct gs_error *err)
{
    const char *p = text ? text : "";
    if (*p == '\0')
        return gs_error_set(err, GS_INPUT, field, "'%s' is empty; expected a whole number", field);
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q))
            return gs_error_set(err, GS_INPUT, field,
                                "'%s' is '%s'; expected a whole number from 1 to %ld", field, text,
                                max);
    errno = 0;
    long v = strtol(p, NULL, 10);
    if (errno == ERANGE || v > max)
        return gs_error_set(err, GS_INPUT, field, "'%s' is %s; allowed 1 to %ld", field, text, max);
    *out = v;
    return GS_OK;
}
