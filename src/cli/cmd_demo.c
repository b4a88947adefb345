/* cmd_demo.c - `gabasim demo`: the built-in example a new user runs first (`make demo`). */
#include "cli.h"

void help_demo(FILE *f)
{
    fprintf(f, "usage: gabasim demo [--plot FILE.svg|FILE.png]\n\n"
               "Runs the built-in example: a typical adult (CrCl 100 mL/min) taking gabapentin\n"
               "300 mg every 8 hours for 7 days. Prints the summary and writes a\n"
               "concentration-time plot (default gabasim-demo.svg). Same as\n"
               "  gabasim simulate --drug gabapentin --dose 300mg --every 8h --days 7 \\\n"
               "      --plot gabasim-demo.svg\n");
}

int cmd_demo(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    const char *plot = "gabasim-demo.svg";
    struct option t[] = {
        OPT_STRING("plot", "FILE", &plot, "the plot (default gabasim-demo.svg)"),
        OPT_END(),
    };
    if (opt_parse(t, argc, argv, 0, NULL, NULL, &err) != GS_OK) {
        if (err.code == GS_INPUT && !opt_given(t, "plot"))
            gs_error_set(&err, GS_INPUT, "demo", "'gabasim demo' takes only '--plot FILE'");
        return cli_fail(&err);
    }
    /* the demo is exactly the simulate command it prints */
    char *args[] = {"--drug", "gabapentin", "--dose", "300mg",  "--every",
                    "8h",     "--days",     "7",      "--plot", (char *)plot};
    return cmd_simulate((int)(sizeof args / sizeof args[0]), args);
}
