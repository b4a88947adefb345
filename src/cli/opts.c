/* opts.c - table-driven option parsing and help (after git's OPT_* arrays and curl's aliases). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_index(const struct cli_opt *opts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(opts[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *cli_get(const struct cli_opt *opts, size_t n, const struct cli_args *a,
                    const char *name)
{
    int i = cli_index(opts, n, name);
    if (i < 0 || a->count[i] == 0)
        return NULL;
    return a->value[i][a->count[i] - 1];
}

gs_status cli_parse(const struct cli_opt *opts, size_t n, int max_positional, int argc, char **argv,
                    struct cli_args *a, struct gs_error *err)
{
    memset(a, 0, sizeof *a);
    a->opts = opts;
    a->n_opts = n;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (a->n_positional >= max_positional)
                return gs_error_set(err, GS_INPUT, arg,
                                    "unexpected argument '%s' (options start with --; see "
                                    "'gabasim help')",
                                    arg);
            a->positional[a->n_positional++] = arg;
            continue;
        }
        char name[64];
        const char *eq = strchr(arg + 2, '=');
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        if (len >= sizeof name)
            len = sizeof name - 1;
        memcpy(name, arg + 2, len);
        name[len] = '\0';
        int k = cli_index(opts, n, name);
        if (k < 0)
            return gs_error_set(err, GS_INPUT, arg, "unknown option '--%s' (see 'gabasim help')",
                                name);
        const char *val = NULL;
        if (opts[k].kind == CLI_FLAG) {
            if (eq)
                return gs_error_set(err, GS_INPUT, arg, "'--%s' takes no value", name);
            val = "1";
        } else if (eq) {
            val = eq + 1;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            return gs_error_set(err, GS_INPUT, arg, "'--%s' needs a value (%s)", name,
                                opts[k].metavar);
        }
        if (a->count[k] > 0 && !opts[k].repeatable)
            return gs_error_set(err, GS_INPUT, arg, "'--%s' was given more than once", name);
        if (a->count[k] == CLI_MAX_REPEAT)
            return gs_error_set(err, GS_INPUT, arg, "'--%s' was given more than %d times", name,
                                CLI_MAX_REPEAT);
        a->value[k][a->count[k]++] = val;
    }
    return GS_OK;
}

void cli_print_options(FILE *f, const struct cli_opt *opts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char left[64];
        if (opts[i].kind == CLI_FLAG)
            snprintf(left, sizeof left, "--%s", opts[i].name);
        else
            snprintf(left, sizeof left, "--%s %s", opts[i].name, opts[i].metavar);
        fprintf(f, "  %-24s %s%s\n", left, opts[i].help, opts[i].repeatable ? " (repeatable)" : "");
    }
}

int cli_fail(const struct gs_error *err)
{
    fprintf(stderr, "gabasim: error: %s\n", err->msg[0] ? err->msg : gs_status_str(err->code));
    return err->code == GS_INPUT ? GS_EXIT_USAGE : GS_EXIT_FAIL;
}
