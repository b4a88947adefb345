/* cmd_serve.c - `gabasim serve`: the options, then the server (src/cli/serve/), which is built
 * only when libmicrohttpd and SQLite were found (GS_HAVE_SERVE). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gabasim/gabasim.h"
#ifdef GS_HAVE_SERVE
#include "serve/serve.h"
#endif

struct serve_opts {
    const char *bind, *db;
    long port, threads;
    double timeout_s;
};

#define SERVE_OPTIONS(o)                                                                           \
    {                                                                                              \
        OPT_COUNT("port", "PORT", 0, 65535, &(o)->port,                                            \
                  "TCP port (default 8080; 0: any free port, printed)"),                           \
            OPT_STRING("bind", "ADDR", &(o)->bind,                                                 \
                       "listen on this address (default 127.0.0.1); any address beyond loopback "  \
                       "needs the access token printed at start"),                                 \
            OPT_STRING("db", "FILE", &(o)->db,                                                     \
                       "SQLite database (default $XDG_DATA_HOME/gabasim/gabasim.db)"),             \
            OPT_COUNT("threads", "N", 1, 64, &(o)->threads, "worker threads (default 4)"),         \
            OPT_NUMBER("request-timeout", "SECONDS", 1, 3600, &(o)->timeout_s,                     \
                       "a computation taking longer is stopped with a 504 answer (default 60)"),   \
            OPT_END()                                                                              \
    }

void help_serve(FILE *f)
{
    fprintf(f,
            "usage: gabasim serve [--port 8080] [--db FILE] [--bind ADDR] [--threads N]\n"
            "                     [--request-timeout SECONDS]\n\n"
            "A local web app over the library: the patient's advice (as 'advise --html'), a\n"
            "regimen explorer (as 'population --plot'), measured levels fitted (as 'tdm'), a\n"
            "trial designer (as 'trial --replicates', run in the background), evidence pooling\n"
            "(as 'meta'), saved patients, levels and runs in an SQLite database, and a JSON API\n"
            "that mirrors the command line (docs/openapi.json, docs/serve.md). Every\n"
            "computation runs in a process of its own, stopped after --request-timeout. It\n"
            "listens on 127.0.0.1 only unless --bind says otherwise; then every request needs\n"
            "the access token it prints. Nothing leaves the machine: pages load nothing from "
            "elsewhere.\n"
            "Ctrl-C (SIGINT) or SIGTERM stops it.\n\noptions:\n");
    struct serve_opts o;
    struct option t[] = SERVE_OPTIONS(&o);
    opt_print_help(f, t);
    fprintf(f,
            "\nexamples:\n  gabasim serve                       then open http://127.0.0.1:8080/\n"
            "  gabasim serve --port 9000 --db /tmp/try.db\n\n%s\n",
            GS_CLINICAL_NOTICE);
}

int cmd_serve(int argc, char **argv)
{
    struct gs_error err = GS_ERROR_INIT;
    struct serve_opts o = {NULL, NULL, 8080, 4, 60.0};
    struct option t[] = SERVE_OPTIONS(&o);
    gs_status st = opt_parse(t, argc, argv, 0, NULL, NULL, &err);
    if (st == GS_OK && o.db && o.db[0] == '\0')
        st = gs_error_set(&err, GS_INPUT, "--db", "'--db' is empty; give a file name");
    if (st != GS_OK)
        return cli_fail(&err);
#ifdef GS_HAVE_SERVE
    struct serve_config cfg = {o.bind, o.port, o.db, o.threads, o.timeout_s};
    return serve_main(&cfg);
#else
    gs_error_set(&err, GS_UNSUPPORTED, "serve",
                 "this gabasim was built without libmicrohttpd or SQLite: install "
                 "libmicrohttpd-dev and libsqlite3-dev, then rebuild");
    return cli_fail(&err);
#endif
}
