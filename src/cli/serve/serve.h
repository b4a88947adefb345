/* serve.h - `gabasim serve`, the local web app: shared by the files of src/cli/serve/ only.
 *
 * The server is a front end like the command line: it parses a request into the same option
 * table the command line uses, calls the library and writes the library's own reports. It is
 * linked into the gabasim tool only (libmicrohttpd and SQLite never enter libgabasim). */
#ifndef GABASIM_SERVE_H
#define GABASIM_SERVE_H

#include <stddef.h>

#include "gabasim/error.h"
#include "options.h"

/* Limits of the server (docs/serve.md). */
#define SERVE_MAX_BODY        (1L << 20)  /* request body, bytes */
#define SERVE_MAX_HEADERS     (32 * 1024) /* per connection: request line, headers, buffers */
#define SERVE_IDLE_TIMEOUT    30          /* seconds a connection may stay silent */
#define SERVE_MAX_CONNS       64          /* connections at once */
#define SERVE_DEFAULT_PORT    8080
#define SERVE_MAX_N           5000L /* virtual patients of a band through the server */
#define SERVE_MAX_ARGS        160
#define SERVE_DEFAULT_TIMEOUT 60.0 /* seconds a request may compute (--request-timeout) */

struct serve_config {
    const char *bind; /* NULL: 127.0.0.1 */
    long port;
    const char *db_path; /* NULL: $XDG_DATA_HOME/gabasim/gabasim.db */
    long threads;        /* worker threads; 0: 4 */
    double timeout_s;    /* per-request time limit of a computation; 0: SERVE_DEFAULT_TIMEOUT */
};

/* Runs the server until SIGINT or SIGTERM; returns the exit code. */
int serve_main(const struct serve_config *cfg);

/* ---- a growing buffer ---- */
struct sbuf {
    char *p;
    size_t n, cap;
    int failed; /* an allocation failed: the content is incomplete */
};
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as a JSON string, quotes included */
void sbuf_json_str(struct sbuf *b, const char *s);

/* A plot the library wrote to path (st: how the writing went): from its <svg> element on,
 * appended to out as it is (json 0) or as a JSON string (json 1); the file is removed. */
gs_status serve_svg_take(const char *path, gs_status st, struct sbuf *out, int json,
                         struct gs_error *err);
/* s with & < > " ' as entities */
void sbuf_html(struct sbuf *b, const char *s);

/* ---- one request, as the handlers see it ---- */
struct serve_req {
    const char *method; /* "GET", "POST", "DELETE" */
    const char *path;   /* decoded path, no query */
    const char *body;   /* NUL-terminated; "" when none */
    size_t body_len;
    int form;         /* the body is application/x-www-form-urlencoded (else JSON) */
    const char *csrf; /* the server's CSRF token (pages embed it) */
};

struct serve_resp {
    unsigned status;
    const char *type; /* Content-Type */
    struct sbuf body;
    int document; /* a page of the library's report writers: inline <style> allowed by the CSP */
};

/* An error as JSON, {"error": MSG, "field": FIELD}, with the status of the gs_status: 400 for
 * GS_INPUT, else 500. */
void serve_error(struct serve_resp *rs, const struct gs_error *err);
/* An error by HTTP status and message (403, 404, 405, 413). */
void serve_fail(struct serve_resp *rs, unsigned status, const char *field, const char *msg);
void serve_json(struct serve_resp *rs, unsigned status, char *owned, size_t len);

/* ---- requests as command lines ---- */
struct serve_argv {
    int argc;
    char *argv[SERVE_MAX_ARGS];
    struct sbuf store; /* the strings */
    size_t off[SERVE_MAX_ARGS];
};
/* Turns a JSON object ({"age": "80", "with": ["morphine"], "dialysis": true}) or a form body
 * (age=80&with=morphine&dialysis=on; empty fields, "csrf" and the app's "label" skipped) into
 * "--name=value" arguments for the option table `t`: arrays and repeated fields repeat the option,
 * true (or "on" in a form) gives a flag, false and null leave it out. Names outside [a-z0-9-] and
 * values other than strings, numbers, booleans and arrays of them are GS_INPUT naming the field;
 * unknown names are left for opt_parse, which names them as the command line does. */
gs_status serve_args(const char *body, size_t len, int form, const struct option *t,
                     struct serve_argv *av, struct gs_error *err);
void serve_argv_release(struct serve_argv *av);
/* The same for a JSON object already parsed (cJSON *). */
struct cJSON;
gs_status serve_args_json(const struct cJSON *obj, const struct option *t, struct serve_argv *av,
                          struct gs_error *err);

/* The drug option through the server: a name of the drug library only, never a file. */
gs_status serve_check_drug(const char *drug, struct gs_error *err);

/* ---- handlers ---- */
/* POST /api/advise: the JSON of `gabasim advise --json`. POST /advice: the page of
 * `gabasim advise --html` (with a bar of links on top when `nav`). */
void api_advise(const struct serve_req *rq, struct serve_resp *rs, int html, int nav);
/* POST /api/population: the JSON of `gabasim population --json`; POST /api/population.svg:
 * the SVG of `population --plot FILE.svg` (the Regimen explorer's two requests). */
void api_population(const struct serve_req *rq, struct serve_resp *rs, int svg);
/* POST /api/meta: {"table": CSV text, options...} -> the JSON of `gabasim meta FILE --json`;
 * POST /api/meta.svg: the forest plot of `meta --plot FILE.svg` (the Evidence page). */
void api_meta(const struct serve_req *rq, struct serve_resp *rs, int svg);
/* POST /api/tdm: the JSON of `gabasim tdm --json` (the Levels page). */
void api_tdm(const struct serve_req *rq, struct serve_resp *rs);
/* The tdm JSON (with its newline, malloc'd) for arguments already made (serve_args). */
gs_status serve_tdm_json(struct serve_argv *av, char **json, struct gs_error *err);
/* The options object `inputs` parses as advise's and describes a patient (no computation). */
gs_status serve_advise_validate(const struct cJSON *inputs, struct gs_error *err);

/* The temporary directory the HTML writers' outfiles go to (mode 0700, removed at exit). */
extern char serve_tmpdir[];
/* PLplot keeps global state: every plot is drawn holding this lock. */
void serve_plot_lock(void);
void serve_plot_unlock(void);

/* ---- computations in processes of their own (isolate.c) ---- */
/* Forks the zygote that forks the computations; before any thread starts. */
int serve_isolate_start(void);
void serve_isolate_stop(void);
/* What a caller may watch while a computation runs (trial jobs); NULL for a plain request. */
struct serve_isolation {
    void (*on_progress)(void *ctx, long done, long total); /* progress frames of the child */
    void *ctx;
    volatile int *cancelled; /* set by another thread: the child is killed (409) */
    volatile int *pid;       /* the child's pid, once known */
};
/* Runs serve_compute(rq) in a child process and fills rs with its answer; after timeout_s the
 * child is killed and rs is a 504 JSON error. 0: the child answered. */
int serve_isolated(const struct serve_req *rq, struct serve_resp *rs, double timeout_s,
                   const struct serve_isolation *iso);
/* In a child: tells the waiting thread how far the work is. */
void serve_child_progress(long done, long total);
/* The computations, by path (server.c): what a child runs. */
void serve_compute(const struct serve_req *rq, struct serve_resp *rs);
/* The per-request time limit in seconds (--request-timeout). */
extern double serve_timeout_s;

/* ---- trial jobs (trial.c) ---- */
/* /api/trial/jobs...: 1 when the path was one of them. */
int api_trial_jobs(const struct serve_req *rq, struct serve_resp *rs);
/* Stops the running jobs (at the server's end). */
void serve_trial_jobs_stop(void);
/* In a child: the trial a job asked for (path /internal/trial). */
void serve_trial_compute(const struct serve_req *rq, struct serve_resp *rs);

/* ---- the database (store.c) ---- */
struct store;
int store_open(struct store **out, const char *path, struct gs_error *err);
void store_close(struct store *s);
/* Handles /api/patients..., /api/runs...: 1 when the path was one of them. */
int api_store(struct store *s, const struct serve_req *rq, struct serve_resp *rs);

/* ---- the embedded web assets (generated from web/ at build time) ---- */
struct serve_asset {
    const char *name; /* file name in web/: "patient.html" */
    const char *type;
    const unsigned char *data;
    size_t len;
};
extern const struct serve_asset serve_assets[];
extern const size_t serve_n_assets;

#endif
