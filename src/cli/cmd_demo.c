/* cmd_demo.c - `gabasim demo`: the built-in example a new user runs first (`make demo`). */
#include <string.h>

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
    const char *plot = "gabasim-demo.svg";
    if (argc == 2 && strcmp(argv[0], "--plot") == 0) {
        plot = argv[1];
    } else if (argc != 0) {
        fprintf(stderr, "gabasim: error: 'gabasim demo' takes only '--plot FILE'\n");
        return GS_EXIT_USAGE;
    }
    char *args[] = {"--drug", "gabapentin", "--dose", "300mg",  "--every",
                    "8h",     "--days",     "7",      "--plot", (char *)plot};
    return cmd_simulate((int)(sizeof args / sizeof args[0]), args);
}
