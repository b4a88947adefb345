/* fuzz_quantity.c - libFuzzer target for gs_units_parse_quantity() and gs_units_parse_count().
 *
 * The input (up to its first NUL byte) is parsed as a quantity of every dimension and as a count
 * with several ceilings. Invariants:
 *   success: the value is finite; the text starts like a decimal number and is no hexadecimal
 *            float ("0x1p3mg"); a dimension without a default unit had a unit; a count is a
 *            string of digits and lies in 0..max;
 *   failure: a negative status equal to err.code, err.field is the field passed, a non-empty
 *            one-line err.msg.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>

#include "fuzz_common.h"
#include "gabasim/units.h"

static const char *const dim_field[] = {"--dose",   "--every", "--scr",  "--weight",
                                        "--height", "--age",   "--crcl", "--conc"};

static void check_failure(gs_status st, const struct gs_error *err, const char *field)
{
    fuzz_check_error(st, err);
    FUZZ_CHECK("status", st == GS_INPUT, "status %d; parse errors are GS_INPUT", (int)st);
    FUZZ_CHECK("field", strcmp(err->field, field) == 0, "err.field '%s', expected '%s'", err->field,
               field);
}

static void fuzz_quantity_dim(const char *text, enum gs_dim dim)
{
    const char *field = dim_field[dim];
    struct gs_error err;
    fuzz_error_reset(&err);
    double v = NAN;
    gs_status st = gs_units_parse_quantity(text, dim, field, &v, &err);
    if (st != GS_OK) {
        check_failure(st, &err, field);
        return;
    }
    FUZZ_CHECK("quantity-finite", isfinite(v), "'%s' as %s parsed to %g", text,
               gs_units_dim_unit(dim), v);
    FUZZ_CHECK("quantity-syntax",
               isdigit((unsigned char)text[0]) || text[0] == '.' || text[0] == '-' ||
                   text[0] == '+',
               "'%s' accepted; a quantity starts like a decimal number", text);
    /* No accepted unit contains an x, so an x can only come from a hexadecimal number. */
    FUZZ_CHECK("quantity-hex", strpbrk(text, "xX") == NULL,
               "'%s' accepted as %g %s; hexadecimal numbers are not quantities", text, v,
               gs_units_dim_unit(dim));
    if (dim != GS_DIM_AGE && dim != GS_DIM_CRCL) {
        /* Every unit spelling ends in an ASCII letter (mg, min, mg/dL, umol/L, ...). */
        size_t n = strlen(text);
        FUZZ_CHECK("quantity-unit", n > 0 && isalpha((unsigned char)text[n - 1]),
                   "'%s' accepted for %s without a unit", text, field);
    }
}

static void fuzz_count(const char *text, long max)
{
    struct gs_error err;
    fuzz_error_reset(&err);
    long v = -1;
    gs_status st = gs_units_parse_count(text, "--doses", max, &v, &err);
    if (st != GS_OK) {
        check_failure(st, &err, "--doses");
        return;
    }
    FUZZ_CHECK("count-range", v >= 0 && v <= max, "'%s' parsed to %ld with max %ld", text, v, max);
    FUZZ_CHECK("count-syntax", text[0] != '\0', "empty text accepted as %ld", v);
    for (const char *c = text; *c; c++)
        FUZZ_CHECK("count-syntax", isdigit((unsigned char)*c), "'%s' accepted as %ld", text, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    /* An exact-size heap copy, so that ASan sees any read past the terminator. */
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';

    for (int dim = GS_DIM_DOSE; dim <= GS_DIM_CONC; dim++) {
        fuzz_quantity_dim(text, (enum gs_dim)dim);
        FUZZ_CHECK_STR("dim-names", gs_units_dim_units((enum gs_dim)dim));
        FUZZ_CHECK_STR("dim-names", gs_units_dim_unit((enum gs_dim)dim));
    }
    static const long maxes[] = {0, 24, 366, 100000, LONG_MAX};
    for (size_t i = 0; i < sizeof maxes / sizeof maxes[0]; i++)
        fuzz_count(text, maxes[i]);

    free(text);
    return 0;
}
