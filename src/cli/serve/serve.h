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
#define SERVE_MAX_BODY     (1L << 20)  /* request body, bytes */
#define SERVE_MAX_HEADERS  (32 * 1024) /* per connection: request line, headers, buffers */
#define SERVE_IDLE_TIMEOUT 30          /* seconds a connection may stay silent */
#define SERVE_MAX_CONNS    64          /* connections at once */
#define SERVE_DEFAULT_PORT 8080
#define SERVE_MAX_N        5000L /* virtual patients of a band through the server */
#define SERVE_MAX_ARGS     160

struct serve_config {
    const char *bind; /* NULL: 127.0.0.1 */
    long port;
    const char *db_path; /* NULL: $XDG_DATA_HOME/gabasim/gabasim.db */
    long threads;        /* worker threads; 0: 4 */
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
/* The advise JSON for the options object `inputs` into *json (malloc'd): for saved runs. */
gs_status serve_advise_json(const struct cJSON *inputs, char **json, size_t *len,
                            struct gs_error *err);
/* The options object `inputs` parses as advise's and describes a patient (no computation). */
gs_status serve_advise_validate(const struct cJSON *inputs, struct gs_error *err);

/* The temporary directory the HTML writers' outfiles go to (mode 0700, removed at exit). */
extern char serve_tmpdir[];
/* PLplot keeps global state: every plot is drawn holding this lock. */
void serve_plot_lock(void);
void serve_plot_unlock(void);

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
