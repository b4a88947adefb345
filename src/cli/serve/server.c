/* server.c - the HTTP side of `gabasim serve` (libmicrohttpd): limits, access token, CSRF,
 * security headers, routes, embedded pages. Every computation is a handler's library call. */
#define _GNU_SOURCE /* mkdtemp, getrandom */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gabasim/gabasim.h"
#include "serve.h"

char serve_tmpdir[256];
static pthread_mutex_t plot_mutex = PTHREAD_MUTEX_INITIALIZER;
void serve_plot_lock(void)
{
    pthread_mutex_lock(&plot_mutex);
}
void serve_plot_unlock(void)
{
    pthread_mutex_unlock(&plot_mutex);
}

static struct {
    char csrf[65];    /* per-server CSRF token: cookie gs_csrf and header X-CSRF-Token */
    char access[65];  /* the access token when listening beyond loopback; "" otherwise */
    char host[2][96]; /* Host headers accepted on loopback (DNS rebinding) */
    struct store *db;
} S;

/* CSP of the app's pages: scripts and styles from this server only, requests to it only. */
static const char CSP_PAGE[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'";
/* CSP of the library's report pages (advise --html): no script at all, their inline <style>. */
static const char CSP_DOC[] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

static int random_hex(char *out, size_t nbytes)
{
    unsigned char b[32];
    if (nbytes > sizeof b || getrandom(b, nbytes, 0) != (ssize_t)nbytes)
        return -1;
    for (size_t i = 0; i < nbytes; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
    return 0;
}

/* Equal strings, in a time that does not depend on where they differ. */
static int same_token(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return 0;
    size_t na = strlen(a), nb = strlen(b);
    unsigned char d = na != nb;
    for (size_t i = 0; i < na && i < nb; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0 && nb > 0;
}

struct conn {
    struct sbuf body;
    int too_large;
};

static const struct serve_asset *asset(const char *name)
{
    for (size_t i = 0; i < serve_n_assets; i++)
        if (strcmp(serve_assets[i].name, name) == 0)
            return &serve_assets[i];
    return NULL;
}

/* An HTML page of web/ with {{CSRF}} and {{VERSION}} filled in. */
static void page(struct serve_resp *rs, const char *name)
{
    const struct serve_asset *a = asset(name);
    if (a == NULL) {
        serve_fail(rs, 404, "path", "no such page");
        return;
    }
    const char *p = (const char *)a->data, *end = p + a->len;
    while (p < end) {
        const char *m = strstr(p, "{{");
        if (m == NULL || m >= end) {
            sbuf_add(&rs->body, p, (size_t)(end - p));
            break;
        }
        sbuf_add(&rs->body, p, (size_t)(m - p));
        if (strncmp(m, "{{CSRF}}", 8) == 0)
            sbuf_puts(&rs->body, S.csrf), p = m + 8;
        else if (strncmp(m, "{{VERSION}}", 11) == 0)
            sbuf_puts(&rs->body, gs_version()), p = m + 11;
        else
            sbuf_add(&rs->body, m, 2), p = m + 2;
    }
    rs->status = 200;
    rs->type = "text/html; charset=utf-8";
}

static const struct {
    const char *path, *file;
} PAGES[] = {
    {"/", "index.html"},
    {"/patient", "patient.html"},
    {"/regimen", "regimen.html"},
    {"/saved", "saved.html"},
    {"/levels", "levels.html"},
    {"/trial", "trial.html"},
    {"/evidence", "evidence.html"},
};

/* The POST paths that compute: each runs in a process of its own (isolate.c). */
static const char *const COMPUTATIONS[] = {
    "/api/advise", "/api/advise.html", "/api/population", "/api/population.svg",
    "/api/meta",   "/api/meta.svg",    "/api/tdm",        "/advice",
};

static int is_computation(const char *path)
{
    for (size_t i = 0; i < sizeof COMPUTATIONS / sizeof COMPUTATIONS[0]; i++)
        if (strcmp(path, COMPUTATIONS[i]) == 0)
            return 1;
    return 0;
}

double serve_timeout_s = SERVE_DEFAULT_TIMEOUT;

/* In a child process (isolate.c): the computation the path names. */
void serve_compute(const struct serve_req *rq, struct serve_resp *rs)
{
    const char *p = rq->path;
    if (strcmp(p, "/api/advise") == 0)
        api_advise(rq, rs, 0, 0);
    else if (strcmp(p, "/api/advise.html") == 0)
        api_advise(rq, rs, 1, 0);
    else if (strcmp(p, "/advice") == 0)
        api_advise(rq, rs, 1, 1);
    else if (strcmp(p, "/api/population") == 0)
        api_population(rq, rs, 0);
    else if (strcmp(p, "/api/population.svg") == 0)
        api_population(rq, rs, 1);
    else if (strcmp(p, "/api/meta") == 0)
        api_meta(rq, rs, 0);
    else if (strcmp(p, "/api/meta.svg") == 0)
        api_meta(rq, rs, 1);
    else if (strcmp(p, "/api/tdm") == 0)
        api_tdm(rq, rs);
    else if (strcmp(p, "/internal/trial") == 0)
        serve_trial_compute(rq, rs);
    else
        serve_fail(rs, 404, "path", "no such computation");
}

static void route(const struct serve_req *rq, struct serve_resp *rs)
{
    int get = strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0;
    int post = strcmp(rq->method, "POST") == 0;
    for (size_t i = 0; i < sizeof PAGES / sizeof PAGES[0]; i++)
        if (strcmp(rq->path, PAGES[i].path) == 0) {
            if (get)
                page(rs, PAGES[i].file);
            else
                serve_fail(rs, 405, "method", "this page takes GET");
            return;
        }
    if (strncmp(rq->path, "/static/", 8) == 0) {
        const struct serve_asset *a = asset(rq->path + 8);
        if (a == NULL || strstr(a->name, ".html") || !get) {
            serve_fail(rs, 404, "path", "no such file");
            return;
        }
        sbuf_add(&rs->body, (const char *)a->data, a->len);
        rs->status = 200;
        rs->type = a->type;
        return;
    }
    if (strcmp(rq->path, "/favicon.ico") == 0) { /* browsers ask; there is none */
        rs->status = 204;
        return;
    }
    if (strcmp(rq->path, "/api/health") == 0 && get) {
        rs->status = 200;
        rs->type = "application/json";
        sbuf_printf(&rs->body, "{\"status\":\"ok\",\"version\":\"%s\"}\n", gs_version());
        return;
    }
    if (strcmp(rq->path, "/api/session") == 0 && get) {
        rs->status = 200;
        rs->type = "application/json";
        sbuf_printf(&rs->body, "{\"csrf\":\"%s\"}\n", S.csrf);
        return;
    }
    if (post && is_computation(rq->path)) {
        serve_isolated(rq, rs, serve_timeout_s, NULL);
        return;
    }
    if (strncmp(rq->path, "/api/trial/jobs", 15) == 0 && api_trial_jobs(rq, rs))
        return;
    if (strncmp(rq->path, "/api/", 5) == 0 && api_store(S.db, rq, rs))
        return;
    serve_fail(rs, 404, "path", "no such page or API");
}

static const char *header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static enum MHD_Result reply(struct MHD_Connection *c, struct serve_resp *rs, int set_cookie,
                             const char *location)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(rs->body.n, rs->body.p, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(rs->body.p);
        return MHD_NO;
    }
    rs->body.p = NULL;
    MHD_add_response_header(r, "Content-Type", rs->type ? rs->type : "text/plain");
    MHD_add_response_header(r, "Content-Security-Policy", rs->document ? CSP_DOC : CSP_PAGE);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    char cookie[160];
    if (set_cookie) {
        snprintf(cookie, sizeof cookie, "gs_csrf=%s; Path=/; SameSite=Strict; HttpOnly", S.csrf);
        MHD_add_response_header(r, "Set-Cookie", cookie);
    }
    if (location) {
        snprintf(cookie, sizeof cookie, "gs_token=%s; Path=/; SameSite=Strict; HttpOnly", S.access);
        MHD_add_response_header(r, "Set-Cookie", cookie);
        MHD_add_response_header(r, "Location", location);
    }
    enum MHD_Result ret = MHD_queue_response(c, rs->status ? rs->status : 500, r);
    MHD_destroy_response(r);
    return ret;
}

/* The checks before any route: Host (loopback: DNS rebinding), access token (beyond loopback),
 * CSRF (every request that is not GET or HEAD). 0: go on; else the response is filled. */
static int guard(struct MHD_Connection *c, const struct serve_req *rq, struct serve_resp *rs,
                 const char **redirect)
{
    const char *host = header(c, "Host");
    if (S.access[0] == '\0') {
        if (host == NULL || (strcmp(host, S.host[0]) != 0 && strcmp(host, S.host[1]) != 0)) {
            serve_fail(rs, 403, "Host", "the Host header must be this server's loopback address");
            return 1;
        }
    } else {
        const char *auth = header(c, "Authorization");
        const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "gs_token");
        const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
        int ok = same_token(cookie, S.access) ||
                 (auth && strncmp(auth, "Bearer ", 7) == 0 && same_token(auth + 7, S.access));
        if (!ok && same_token(q, S.access) && strcmp(rq->method, "GET") == 0) {
            rs->status = 303; /* the token moves from the address bar to a cookie */
            *redirect = "/";
            return 1;
        }
        if (!ok) {
            serve_fail(rs, 403, "token", "this server needs its access token (printed at start)");
            return 1;
        }
    }
    if (strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0)
        return 0;
    const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "gs_csrf");
    const char *given = header(c, "X-CSRF-Token");
    const char *origin = header(c, "Origin");
    char form_token[80] = "";
    if ((given == NULL || *given == '\0') &&
        rq->form) { /* a plain HTML form: the hidden field csrf */
        const char *f = strstr(rq->body, "csrf=");
        if (f && (f == rq->body || f[-1] == '&')) {
            size_t k = strcspn(f + 5, "&");
            if (k < sizeof form_token)
                memcpy(form_token, f + 5, k), form_token[k] = '\0';
            given = form_token;
        }
    }
    if (!same_token(cookie, S.csrf) || !same_token(given, S.csrf)) {
        serve_fail(rs, 403, "csrf",
                   "missing or wrong CSRF token: send the gs_csrf cookie and the same value in "
                   "X-CSRF-Token (GET /api/session gives both)");
        return 1;
    }
    if (origin && strcmp(origin, "null") != 0) {
        const char *o = strstr(origin, "://");
        if (o == NULL || host == NULL || strcmp(o + 3, host) != 0) {
            serve_fail(rs, 403, "Origin", "a request from another origin");
            return 1;
        }
    }
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)cls, (void)version;
    struct conn *k = *con_cls;
    if (k == NULL) {
        if ((k = calloc(1, sizeof *k)) == NULL)
            return MHD_NO;
        const char *cl = header(c, "Content-Length");
        if (cl && strtoll(cl, NULL, 10) > SERVE_MAX_BODY)
            k->too_large = 1;
        *con_cls = k;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (k->body.n + *upload_data_size > SERVE_MAX_BODY)
            k->too_large = 1;
        if (!k->too_large)
            sbuf_add(&k->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct serve_resp rs = {0};
    const char *ctype = header(c, "Content-Type");
    struct serve_req rq = {method,
                           url,
                           k->body.p ? k->body.p : "",
                           k->body.n,
                           ctype && strncmp(ctype, "application/x-www-form-urlencoded", 33) == 0,
                           S.csrf};
    const char *redirect = NULL;
    if (k->too_large)
        serve_fail(&rs, 413, "body", "the request body is larger than 1 MiB");
    else if (k->body.failed)
        serve_fail(&rs, 500, "body", "out of memory");
    else if (strlen(url) > 1024 || strstr(url, ".."))
        serve_fail(&rs, 400, "path", "bad path");
    else if (!guard(c, &rq, &rs, &redirect))
        route(&rq, &rs);
    int html = rs.type && strncmp(rs.type, "text/html", 9) == 0;
    return reply(c, &rs, html || strcmp(url, "/api/session") == 0, redirect);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    struct conn *k = *con_cls;
    if (k) {
        free(k->body.p);
        free(k);
    }
    *con_cls = NULL;
}

static void remove_tmpdir(void)
{
    if (serve_tmpdir[0] == '\0')
        return;
    /* the writers remove their files; a computation stopped at its time limit may have left one */
    DIR *d = opendir(serve_tmpdir);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.')
            unlinkat(dirfd(d), e->d_name, 0);
    if (d)
        closedir(d);
    rmdir(serve_tmpdir);
}

/* $XDG_DATA_HOME/gabasim/gabasim.db, else ~/.local/share/gabasim/gabasim.db; the directories
 * are made (0700). */
static int default_db(char *buf, size_t size)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    char dir[4096];
    if (xdg && xdg[0] == '/')
        snprintf(dir, sizeof dir, "%s", xdg);
    else if (home && home[0] == '/')
        snprintf(dir, sizeof dir, "%s/.local/share", home);
    else
        return -1;
    for (char *p = dir + 1;; p++) { /* mkdir -p */
        char ch = *p;
        if (ch == '/' || ch == '\0') {
            *p = '\0';
            if (mkdir(dir, 0700) != 0 && errno != EEXIST)
                return -1;
            *p = ch;
        }
        if (ch == '\0')
            break;
    }
    size_t n = strlen(dir);
    snprintf(dir + n, sizeof dir - n, "/gabasim");
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return -1;
    return snprintf(buf, size, "%s/gabasim.db", dir) < (int)size ? 0 : -1;
}

int serve_main(const struct serve_config *cfg)
{
    struct gs_error err = GS_ERROR_INIT;
    const char *bind = cfg->bind ? cfg->bind : "127.0.0.1";
    struct sockaddr_in a4 = {0};
    struct sockaddr_in6 a6 = {0};
    int v6 = strchr(bind, ':') != NULL, loopback;
    if (v6 ? inet_pton(AF_INET6, bind, &a6.sin6_addr) != 1
           : inet_pton(AF_INET, bind, &a4.sin_addr) != 1) {
        gs_error_set(&err, GS_INPUT, "--bind", "'--bind' is '%s'; expected an IPv4 or IPv6 address",
                     bind);
        return cli_fail(&err);
    }
    a4.sin_family = AF_INET;
    a4.sin_port = htons((uint16_t)cfg->port);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons((uint16_t)cfg->port);
    loopback = v6 ? IN6_IS_ADDR_LOOPBACK(&a6.sin6_addr) : (ntohl(a4.sin_addr.s_addr) >> 24) == 127;
    if (random_hex(S.csrf, 32) != 0 || (!loopback && random_hex(S.access, 32) != 0)) {
        gs_error_set(&err, GS_IO, "random", "no random bytes from the system (getrandom)");
        return cli_fail(&err);
    }
    char dbpath[4200];
    if (cfg->db_path)
        snprintf(dbpath, sizeof dbpath, "%s", cfg->db_path);
    else if (default_db(dbpath, sizeof dbpath) != 0) {
        gs_error_set(&err, GS_IO, "--db",
                     "no data directory ($XDG_DATA_HOME or $HOME unset or not writable): give "
                     "'--db FILE'");
        return cli_fail(&err);
    }
    const char *tmp = getenv("TMPDIR");
    /* mkdtemp's template: the name, then six characters it replaces */
    int len = snprintf(serve_tmpdir, sizeof serve_tmpdir, "%s/gabasim-serve-",
                       tmp && tmp[0] == '/' && strlen(tmp) < 200 ? tmp : "/tmp");
    memset(serve_tmpdir + len, 'X', 6);
    serve_tmpdir[len + 6] = '\0';
    if (mkdtemp(serve_tmpdir) == NULL) {
        gs_error_set(&err, GS_IO, "TMPDIR", "cannot make a temporary directory in '%s'",
                     serve_tmpdir);
        return cli_fail(&err);
    }
    atexit(remove_tmpdir);
    if (cfg->timeout_s > 0)
        serve_timeout_s = cfg->timeout_s;
    /* the computations' zygote, forked while this process has one thread and no database */
    if (serve_isolate_start() != 0) {
        gs_error_set(&err, GS_IO, "serve", "cannot start the worker process: %s", strerror(errno));
        return cli_fail(&err);
    }
    if (store_open(&S.db, dbpath, &err) != 0) {
        serve_isolate_stop();
        return cli_fail(&err);
    }

    /* SIGINT and SIGTERM end the server cleanly: blocked in every thread, awaited below */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    unsigned threads = cfg->threads > 0 ? (unsigned)cfg->threads : 4;
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | (v6 ? MHD_USE_IPv6 : 0),
        (uint16_t)cfg->port, NULL, NULL, on_request, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_done,
        NULL, MHD_OPTION_SOCK_ADDR, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)SERVE_MAX_CONNS, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_IDLE_TIMEOUT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_MAX_HEADERS, MHD_OPTION_END);
    if (d == NULL) {
        gs_error_set(&err, GS_IO, "--port", "cannot listen on %s port %ld: %s", bind, cfg->port,
                     strerror(errno));
        store_close(S.db);
        serve_isolate_stop();
        return cli_fail(&err);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : (unsigned)cfg->port;
    const char *shown = v6 ? "[::1]" : bind;
    snprintf(S.host[0], sizeof S.host[0], "%s:%u", v6 ? "[::1]" : bind, port);
    snprintf(S.host[1], sizeof S.host[1], "localhost:%u", port);
    if (S.access[0])
        printf("gabasim serve: open http://%s%s%s:%u/?token=%s (listening beyond this machine: "
               "every request needs this token; database %s; Ctrl-C stops)\n",
               v6 ? "[" : "", bind, v6 ? "]" : "", port, S.access, dbpath);
    else
        printf("gabasim serve: open http://%s:%u/ (database %s; Ctrl-C stops)\n", shown, port,
               dbpath);
    fflush(stdout);
    int sig = 0;
    sigwait(&sigs, &sig);
    MHD_stop_daemon(d);
    serve_trial_jobs_stop();
    serve_isolate_stop();
    store_close(S.db);
    fprintf(stderr, "gabasim serve: stopped (signal %d)\n", sig);
    return GS_EXIT_OK;
}
