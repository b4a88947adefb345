/* main.c - the gabasim command: dispatch to one subcommand from the table. */
#define _POSIX_C_SOURCE 200809L /* sigaction */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h> /* execv */

#include "cli.h"
#include "gabasim/gabasim.h"

static int cmd_help(int argc, char **argv);
static void help_help(FILE *f);

static const struct gs_cmd commands[] = {
    {"simulate", cmd_simulate, help_simulate, "simulate one patient's concentrations"},
    {"population", cmd_population, help_population,
     "simulate a virtual population: percentiles, metrics, target attainment"},
    {"advise", cmd_advise, help_advise,
     "a regimen for one patient from the label, its calendar and predicted levels"},
    {"meta", cmd_meta, help_meta,
     "pool study results: fixed and random effects, heterogeneity, prediction interval"},
    {"trial", cmd_trial, help_trial,
     "a virtual placebo-controlled trial: flow, Table 1, primary result, power"},
    {"nca", cmd_nca, help_nca, "non-compartmental analysis of measured levels, 2x2 bioequivalence"},
    {"tdm", cmd_tdm, help_tdm,
     "estimate one patient's parameters from measured levels; dose to target"},
    {"serve", cmd_serve, help_serve, "a local web app: advice, saved patients, a JSON API"},
    {"drugs", cmd_drugs, help_drugs, "list the drug library, or show one drug's parameters"},
    {"demo", cmd_demo, help_demo, "run the built-in example (gabapentin 300 mg TID, 7 days)"},
    {"help", cmd_help, help_help, "show help for gabasim or one command"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f,
            "gabasim %s - gabapentinoid pharmacokinetics, dosing advice and evidence pooling\n\n",
            gs_version());
    fprintf(f, "usage: gabasim <command> [options]\n       gabasim help <command>\n"
               "       gabasim --version\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\nQuantities carry units: 300mg, 8h, 2d, 1.2mg/dL, 106umol/L, 70kg, 170cm.\n"
            "Exit status: 0 success, 1 runtime failure, 2 usage error.\n\n%s\n",
            GS_CLINICAL_NOTICE);
}

static void help_help(FILE *f)
{
    fprintf(f, "usage: gabasim help [command]\n\nShows the list of commands, or one command's "
               "options and examples.\n");
}

static const struct gs_cmd *find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int cmd_help(int argc, char **argv)
{
    if (argc == 0) {
        usage(stdout);
        return GS_EXIT_OK;
    }
    const struct gs_cmd *c = find(argv[0]);
    if (argc > 1) {
        fprintf(stderr, "gabasim: error: 'gabasim help' takes one command, not %d\n", argc);
        return GS_EXIT_USAGE;
    }
    if (c == NULL) {
        fprintf(stderr,
                "gabasim: error: no help for '%s'; commands: simulate, population, advise, meta, "
                "trial, nca, tdm, serve, drugs, demo, help\n",
                argv[0]);
        return GS_EXIT_USAGE;
    }
    c->help(stdout);
    return GS_EXIT_OK;
}

/* SIGINT, SIGTERM, SIGHUP: remove the temporary files of unfinished outputs (the destinations
 * keep their previous content), then die of the signal, so the exit status says so. */
static void on_signal(int sig)
{
    gs_outfile_remove_all_temporaries();
    signal(sig, SIG_DFL);
    raise(sig); /* delivered when the handler returns: the default action, termination */
}

static void install_signal_handlers(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa, old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue; /* ignored by the parent (nohup, a background job): stays ignored */
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigfillset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

/* An exit from anywhere (a library that calls exit(), a failure path that missed an abort):
 * no temporary file stays behind. */
static void remove_temporaries_at_exit(void)
{
    gs_outfile_remove_all_temporaries();
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return GS_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("gabasim %s\n", gs_version());
        return GS_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cmd_help(0, NULL);
    const struct gs_cmd *c = find(argv[1]);
    if (c == NULL) {
        fprintf(stderr, "gabasim: error: unknown command '%s'; see 'gabasim help'\n", argv[1]);
        return GS_EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            c->help(stdout);
            return GS_EXIT_OK;
        }
    return c->run(argc - 2, argv + 2);
}

/* OpenMP threads that finish their share spin at the barrier (libgomp: about 300000 turns) and,
 * on a busy machine, take the cores the work needs: `population --n 100000` took 18.7 s on 2
 * threads against 1.9 s on 1 (issue 15). libgomp reads OMP_WAIT_POLICY once, when it is loaded,
 * before main; so the tool sets it to passive and runs itself again, once. A user's own
 * OMP_WAIT_POLICY or GOMP_SPINCOUNT is kept; if the exec fails the run goes on as it is. */
static void passive_waiting(char **argv)
{
    if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT"))
        return;
    /* the executable's own path, not /proc/self/exe, so the process keeps its name (ps, pkill) */
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0 || (size_t)n >= sizeof self - 1)
        return;
    self[n] = '\0';
    if (setenv("OMP_WAIT_POLICY", "passive", 1) == 0)
        execv(self, argv);
}

/* Standard output's last buffer is flushed here, so a failed write (a full disk, a device that
 * refuses it) is an error for every command, including the few lines of --version, help and
 * drugs; a command that already failed has said why. */
/* Under mpirun or srun (docs/mpi.md): MPI starts after the re-exec above, rank 0 alone prints,
 * the other ranks' standard output goes nowhere; GABASIM_MPI_TRAFFIC=1 has each rank say on
 * stderr how many bytes it sent (bench/mpi_scaling.sh). A plain run never starts MPI. */
static void mpi_end(void)
{
    if (gs_par_size() > 1 && getenv("GABASIM_MPI_TRAFFIC")) {
        uint64_t bytes, calls;
        gs_par_traffic(&bytes, &calls);
        fprintf(stderr, "gabasim: mpi rank %d of %d sent %llu bytes in %llu gathers\n",
                gs_par_rank(), gs_par_size(), (unsigned long long)bytes, (unsigned long long)calls);
    }
    gs_par_finalize();
}

int main(int argc, char **argv)
{
    passive_waiting(argv);
    if (gs_par_init(&argc, &argv) != 0)
        return GS_EXIT_FAIL;
    atexit(mpi_end); /* after the temporaries are removed (atexit runs in reverse) */
    if (gs_par_rank() > 0 && freopen("/dev/null", "w", stdout) == NULL)
        return GS_EXIT_FAIL;
    install_signal_handlers();
    atexit(remove_temporaries_at_exit);
    int rc = dispatch(argc, argv);
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == GS_EXIT_OK) {
        fprintf(stderr, "gabasim: error: writing standard output failed\n");
        return GS_EXIT_FAIL;
    }
    return rc;
}
