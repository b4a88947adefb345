/* options.c - typed, table-driven option parsing and the help generated from the same table. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

static struct option *find(struct option *opts, const char *name, size_t len)
{
    for (struct option *o = opts; o->type != OPT_T_END; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

int opt_given(const struct option *opts, const char *name)
{
    for (const struct option *o = opts; o->type != OPT_T_END; o++)
        if (strcmp(o->name, name) == 0)
            return o->seen;
    return 0;
}

const char *opt_first_given(const struct option *opts, const char *names)
{
    for (const char *w = names; *w; w += strcspn(w, " "), w += *w == ' ')
        for (const struct option *o = opts; o->type != OPT_T_END; o++)
            if (o->seen && strlen(o->name) == strcspn(w, " ") &&
                strncmp(o->name, w, strlen(o->name)) == 0)
                return o->name;
    return NULL;
}

/* "0 to 256", "above 0 to 365", "1 or more": the range as the messages and the help state it;
 * "" when the option has none of its own (the library checks the value). */
/* The shortest of %.15g and %.17g that reads back as v (2^53 whole, 0.01 not 0.0100...02). */
static const char *num(char *buf, size_t cap, double v)
{
    snprintf(buf, cap, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, cap, "%.17g", v);
    return buf;
}

static void range_text(const struct option *o, char *buf, size_t cap)
{
    char lo[32], hi[32];
    num(lo, sizeof lo, o->lo);
    num(hi, sizeof hi, o->hi);
    const char *unit = o->type == OPT_T_QUANTITY ? gs_units_dim_unit(o->dim) : "";
    const char *sp = *unit ? " " : "", *above = o->lo_open ? "above " : "";
    if (isinf(o->lo) && isinf(o->hi))
        snprintf(buf, cap, "%s", "");
    else if (isinf(o->lo))
        snprintf(buf, cap, "up to %s%s%s", hi, sp, unit);
    else if (isinf(o->hi))
        snprintf(buf, cap, "%s%s%s%s%s", above, lo, sp, unit, o->lo_open ? "" : " or more");
    else if (o->hi_open)
        snprintf(buf, cap, "%s%s%s%s and below %s%s%s", above, lo, sp, unit, hi, sp, unit);
    else
        snprintf(buf, cap, "%s%s to %s%s%s", above, lo, hi, sp, unit);
}

static int in_range(const struct option *o, double v)
{
    return (o->lo_open ? v > o->lo : v >= o->lo) && (o->hi_open ? v < o->hi : v <= o->hi);
}

static gs_status store(struct option *o, const char *val, struct gs_error *err)
{
    char field[72], range[96];
    snprintf(field, sizeof field, "--%s", o->name);
    range_text(o, range, sizeof range);
    switch (o->type) {
    case OPT_T_FLAG:
        *(int *)o->dest = 1;
        return GS_OK;
    case OPT_T_STRING:
        if (*val == '\0')
            return gs_error_set(err, GS_INPUT, field, "'%s' is empty; expected %s", field,
                                o->metavar);
        *(const char **)o->dest = val;
        return GS_OK;
    case OPT_T_LIST: {
        struct opt_list *l = o->dest;
        if (l->n == OPT_LIST_MAX)
            return gs_error_set(err, GS_INPUT, field, "'%s' was given more than %d times", field,
                                OPT_LIST_MAX);
        l->v[l->n++] = val;
        return GS_OK;
    }
    case OPT_T_QUANTITIES:
    case OPT_T_QUANTITY: {
        double v;
        gs_status st = gs_units_parse_quantity(val, o->dim, field, &v, err);
        if (st != GS_OK)
            return st;
        if (!in_range(o, v))
            return gs_error_set(err, GS_INPUT, field, "'%s' is %g %s; allowed %s", field, v,
                                gs_units_dim_unit(o->dim), range);
        if (o->type == OPT_T_QUANTITY) {
            *(double *)o->dest = v;
            return GS_OK;
        }
        struct opt_quantities *q = o->dest;
        if (q->n == OPT_LIST_MAX)
            return gs_error_set(err, GS_INPUT, field, "'%s' was given more than %d times", field,
                                OPT_LIST_MAX);
        q->v[q->n++] = v;
        return GS_OK;
    }
    case OPT_T_COUNT: {
        const char *p = val;
        int digits = *p != '\0';
        for (; *p; p++)
            digits &= (*p >= '0' && *p <= '9');
        errno = 0;
        long v = digits ? strtol(val, NULL, 10) : 0;
        if (!digits || errno == ERANGE)
            return gs_error_set(err, GS_INPUT, field, "'%s' is '%s'; expected a whole number, %s",
                                field, val, range);
        /* compared as whole numbers: past 2^53 a double would round the value into range */
        long lo = o->lo > -9.2e18 ? (long)o->lo : LONG_MIN;
        long hi = o->hi < 9.2e18 ? (long)o->hi : LONG_MAX;
        if (v < lo || v > hi)
            return gs_error_set(err, GS_INPUT, field, "'%s' is %ld; allowed %s", field, v, range);
        *(long *)o->dest = v;
        return GS_OK;
    }
    case OPT_T_NUMBER: {
        char *end = NULL;
        errno = 0;
        double v = strtod(val, &end);
        /* strtod also reads "nan", "inf" and hexadecimal: not numbers a user means here */
        if (end == val || *end != '\0' || errno == ERANGE || !isfinite(v) || strpbrk(val, "xXnNiI"))
            return gs_error_set(err, GS_INPUT, field, "'%s' is '%s'; expected a number, %s", field,
                                val, range);
        if (!in_range(o, v))
            return gs_error_set(err, GS_INPUT, field, "'%s' is %g; allowed %s", field, v, range);
        *(double *)o->dest = v;
        return GS_OK;
    }
    case OPT_T_CHOICE: {
        char allowed[256] = "";
        for (int i = 0; o->choices[i]; i++) {
            if (strcmp(o->choices[i], val) == 0) {
                *(int *)o->dest = i;
                return GS_OK;
            }
            size_t k = strlen(allowed);
            snprintf(allowed + k, sizeof allowed - k, "%s%s", i ? ", " : "", o->choices[i]);
        }
        return gs_error_set(err, GS_INPUT, field, "'%s' is '%s'; allowed: %s", field, val, allowed);
    }
    case OPT_T_END:
        break;
    }
    return gs_error_set(err, GS_UNSUPPORTED, field, "option '%s' has no type", field);
}

gs_status opt_parse(struct option *opts, int argc, char **argv, int max_positional,
                    const char **positional, int *n_positional, struct gs_error *err)
{
    int npos = 0;
    for (struct option *o = opts; o->type != OPT_T_END; o++)
        o->seen = 0;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (arg[0] == '-' && arg[1] != '\0')
                return gs_error_set(err, GS_INPUT, arg,
                                    "unknown option '%s' (options start with --; see 'gabasim "
                                    "help')",
                                    arg);
            if (npos >= max_positional)
                return gs_error_set(err, GS_INPUT, arg,
                                    "unexpected argument '%s' (options start with --; see "
                                    "'gabasim help')",
                                    arg);
            positional[npos++] = arg;
            continue;
        }
        const char *eq = strchr(arg + 2, '=');
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        struct option *o = find(opts, arg + 2, len);
        if (o == NULL)
            return gs_error_set(err, GS_INPUT, arg, "unknown option '--%.*s' (see 'gabasim help')",
                                (int)(len > 64 ? 64 : len), arg + 2);
        const char *val = NULL;
        if (o->type == OPT_T_FLAG) {
            if (eq)
                return gs_error_set(err, GS_INPUT, arg, "'--%s' takes no value", o->name);
            val = "1";
        } else if (eq) {
            val = eq + 1;
        } else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) == 0 && argv[i + 1][2] != '\0') {
            /* '--csv --json' would write a file named '--json' */
            return gs_error_set(err, GS_INPUT, arg,
                                "'--%s' needs a value (%s), not the option '%.64s' (write "
                                "'--%s=%.64s' for a value that starts with --)",
                                o->name, o->metavar, argv[i + 1], o->name, argv[i + 1]);
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            return gs_error_set(err, GS_INPUT, arg, "'--%s' needs a value (%s)", o->name,
                                o->metavar);
        }
        if (o->seen > 0 && o->type != OPT_T_LIST && o->type != OPT_T_QUANTITIES)
            return gs_error_set(err, GS_INPUT, arg, "'--%s' was given more than once", o->name);
        gs_status st = store(o, val, err);
        if (st != GS_OK)
            return st;
        o->seen++;
    }
    if (n_positional)
        *n_positional = npos;
    return GS_OK;
}

void opt_print_help(FILE *f, const struct option *opts)
{
    for (const struct option *o = opts; o->type != OPT_T_END; o++) {
        char left[64], range[96] = "";
        if (o->type == OPT_T_FLAG)
            snprintf(left, sizeof left, "--%s", o->name);
        else
            snprintf(left, sizeof left, "--%s %s", o->name, o->metavar);
        if (o->type == OPT_T_COUNT || o->type == OPT_T_NUMBER || o->type == OPT_T_QUANTITY ||
            o->type == OPT_T_QUANTITIES) {
            char r[80];
            range_text(o, r, sizeof r);
            if (*r)
                snprintf(range, sizeof range, " (%s)", r);
        }
        /* "help (default 1)" and a range read "help (default 1; 0 to 256)" */
        size_t len = strlen(o->help);
        int paren = len > 0 && o->help[len - 1] == ')' && range[0];
        fprintf(f, "  %-24s %.*s%s%s%s\n", left, (int)(len - (size_t)paren), o->help,
                paren ? "; " : "", range + (paren ? 2 : 0),
                o->type == OPT_T_LIST || o->type == OPT_T_QUANTITIES ? " (repeatable)" : "");
    }
}
