/* trial.c - `gabasim trial --replicates` through the server, for the Trial designer: a job runs
 * in the background (a process of its own, isolate.c) and reports its progress; its result is
 * the JSON of `gabasim trial SPEC.json --replicates R --json` and, with an N grid, the power
 * curve of `--plot FILE.svg`. The same gs_trial_simulate() call and writers as
 * src/cli/cmd_trial.c; the specification comes in the request instead of a file.
 *
 *   POST   /api/trial/jobs      {"spec": {...}, "replicates": R, "n-grid": "25,50", "seed": S,
 *                                "observed": X} -> 202 {"id": N}
 *   GET    /api/trial/jobs/N    {"id", "state": running|done|failed|cancelled, "done", "total",
 *                                "result": trial JSON, "plot_svg": SVG or null, "error": ...}
 *   DELETE /api/trial/jobs/N    cancels a running job (its process is killed)
 *
 * Bounded: at most SERVE_MAX_RUNNING_JOBS run at once (each single-threaded), SERVE_MAX_JOBS are
 * kept (the oldest finished one makes room), and a job is stopped after SERVE_JOB_TIMEOUT. */
#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gabasim/report.h"
#include "gabasim/report_trial.h"
#include "gabasim/trial.h"
#include "gabasim/units.h"
#include "serve.h"

#define SERVE_MAX_JOBS         8
#define SERVE_MAX_RUNNING_JOBS 2
#define SERVE_JOB_TIMEOUT      600.0 /* seconds */
#define SERVE_MAX_TRIAL_REPS   5000L

struct trial_opts {
    long replicates, seed;
    const char *n_grid;
    double observed;
};

#define SERVE_TRIAL_OPTIONS(o)                                                                     \
    {                                                                                              \
        OPT_COUNT("replicates", "R", 1, SERVE_MAX_TRIAL_REPS, &(o)->replicates,                    \
                  "replicates: power and the estimate's distribution"),                            \
            OPT_STRING("n-grid", "LIST", &(o)->n_grid, "power for each N per arm"),                \
            OPT_NUMBER("observed", "X", -10, 10, &(o)->observed, "an observed difference"),        \
            OPT_SEED(&(o)->seed), OPT_END()                                                        \
    }

/* The parsed job request. */
struct trial_job_req {
    struct gs_trial_spec spec;
    struct trial_opts o;
    long grid[GS_TRIAL_MAX_GRID];
    size_t n_grid;
};

/* The body: {"spec": {...}, options...}. The specification must name library drugs and
 * populations only (never files). */
static gs_status parse_job(const char *body, size_t len, struct trial_job_req *j,
                           struct gs_error *err)
{
    memset(j, 0, sizeof *j);
    j->o.seed = -1;
    j->o.observed = NAN;
    struct option t[] = SERVE_TRIAL_OPTIONS(&j->o);
    struct serve_argv av;
    memset(&av, 0, sizeof av);
    cJSON *obj = cJSON_ParseWithLength(body, len);
    cJSON *spec = cJSON_DetachItemFromObjectCaseSensitive(obj, "spec");
    char *text = NULL;
    gs_status st = GS_OK;
    if (!cJSON_IsObject(obj))
        st = gs_error_set(err, GS_INPUT, "body", "the request body is not a JSON object");
    else if (!cJSON_IsObject(spec))
        st = gs_error_set(err, GS_INPUT, "spec",
                          "'spec' is the trial specification, a JSON object (docs/trial.md)");
    else if ((text = cJSON_PrintUnformatted(spec)) == NULL)
        st = gs_error_set(err, GS_NOMEM, "spec", "out of memory");
    if (st == GS_OK && (st = serve_args_json(obj, t, &av, err)) == GS_OK &&
        (st = opt_parse(t, av.argc, av.argv, 0, NULL, NULL, err)) == GS_OK &&
        (st = gs_trial_spec_parse(&j->spec, text, strlen(text), "spec", err)) == GS_OK) {
        if (j->o.replicates == 0)
            st = gs_error_set(err, GS_INPUT, "--replicates",
                              "missing '--replicates' (1 to %ld through the server)",
                              SERVE_MAX_TRIAL_REPS);
        else if (j->o.observed == 0.0)
            st = gs_error_set(err, GS_INPUT, "--observed",
                              "'--observed' is 0; give a non-zero difference in pain from -10 "
                              "to 10 (negative: less pain on the drug)");
        else if (j->o.n_grid)
            st = cli_parse_n_grid(j->o.n_grid, j->grid, &j->n_grid, err);
        if (st == GS_OK)
            st = serve_check_drug(j->spec.population, err);
        for (size_t a = 0; st == GS_OK && a < j->spec.n_arms; a++)
            if (j->spec.arm[a].type == GS_ARM_DRUG)
                st = serve_check_drug(j->spec.arm[a].drug, err);
        if (st != GS_OK && strcmp(err->field, "--drug") == 0)
            gs_error_set(err, GS_INPUT, "spec",
                         "the specification names a drug or population the library does not "
                         "have by that name (the server takes library names, not files)");
    }
    free(text);
    cJSON_Delete(spec);
    cJSON_Delete(obj);
    serve_argv_release(&av);
    return st;
}

/* ---- in the child: the computation ---- */
static long last_pct = -1;
static void progress(void *ctx, long done, long total)
{
    (void)ctx;
    long pct = total > 0 ? done * 100 / total : 0;
    if (pct != last_pct || done == total) {
        last_pct = pct;
        serve_child_progress(done, total);
    }
}

static gs_status power_plot(const struct gs_trial_simulation *sim, struct sbuf *out,
                            struct gs_error *err)
{
    char path[4200];
    struct gs_outfile f;
    snprintf(path, sizeof path, "%s/power-%ld.svg", serve_tmpdir, (long)getpid());
    gs_status st = gs_outfile_open(&f, path, "--plot", err);
    if (st == GS_OK && (st = gs_report_trial_plot(sim, &f, err)) != GS_OK)
        gs_outfile_abort(&f);
    else if (st == GS_OK)
        st = gs_outfile_commit(&f, err);
    return serve_svg_take(path, st, out, 1, err);
}

void serve_trial_compute(const struct serve_req *rq, struct serve_resp *rs)
{
    struct gs_error err = GS_ERROR_INIT;
    struct trial_job_req *j = malloc(sizeof *j);
    struct gs_trial_simulation *sim = NULL;
    char *json = NULL;
    size_t len = 0;
    gs_status st = j ? parse_job(rq->body, rq->body_len, j, &err)
                     : gs_error_set(&err, GS_NOMEM, "body", "out of memory");
    if (st == GS_OK) {
        struct gs_trial_request req = GS_TRIAL_REQUEST_INIT;
        req.spec = &j->spec;
        req.override_seed = j->o.seed >= 0;
        req.seed = j->o.seed >= 0 ? (uint64_t)j->o.seed : 0;
        req.replicates = j->o.replicates;
        req.n_grid = j->grid;
        req.n_grid_len = j->n_grid;
        req.observed = j->o.observed;
        req.threads = 1; /* the jobs are the parallelism, bounded */
        req.on_progress = progress;
        st = gs_trial_simulate(&req, &sim, &err);
    }
    FILE *f = st == GS_OK ? open_memstream(&json, &len) : NULL;
    if (st == GS_OK && f == NULL)
        st = gs_error_set(&err, GS_NOMEM, "body", "out of memory");
    else if (st == GS_OK) {
        st = gs_report_trial_json(sim, f, &err);
        if (fclose(f) != 0 && st == GS_OK)
            st = gs_error_set(&err, GS_NOMEM, "body", "out of memory");
    }
    if (st == GS_OK) {
        sbuf_puts(&rs->body, "{\"result\":");
        sbuf_add(&rs->body, json, len);
        sbuf_puts(&rs->body, ",\"plot_svg\":");
        if (j->n_grid > 0)
            st = power_plot(sim, &rs->body, &err);
        else
            sbuf_puts(&rs->body, "null");
        sbuf_puts(&rs->body, "}");
        rs->status = 200;
        rs->type = "application/json";
    }
    if (st != GS_OK)
        serve_error(rs, &err);
    free(json);
    gs_trial_simulation_free(sim);
    free(j);
}

/* ---- in the server: the jobs ---- */
enum job_state { JOB_FREE = 0, JOB_RUNNING, JOB_DONE, JOB_FAILED, JOB_CANCELLED };
static const char *const STATE[] = {"", "running", "done", "failed", "cancelled"};

struct job {
    long id;
    enum job_state state;
    long done, total;
    volatile int cancelled, pid;
    char *request;
    size_t request_len;
    struct serve_resp answer;
    unsigned long seq; /* order of creation: the oldest finished job makes room */
};
static struct job jobs[SERVE_MAX_JOBS];
static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_idle = PTHREAD_COND_INITIALIZER;
static long next_id = 1;
static int n_running;
static unsigned long seq;

static void on_progress(void *ctx, long done, long total)
{
    struct job *jb = ctx;
    pthread_mutex_lock(&jobs_lock);
    jb->done = done;
    jb->total = total;
    pthread_mutex_unlock(&jobs_lock);
}

static void *run_job(void *arg)
{
    struct job *jb = arg;
    struct serve_req rq = {"POST", "/internal/trial", jb->request, jb->request_len, 0, ""};
    struct serve_resp ans = {0};
    struct serve_isolation iso = {on_progress, jb, &jb->cancelled, &jb->pid};
    int r = serve_isolated(&rq, &ans, SERVE_JOB_TIMEOUT, &iso);
    pthread_mutex_lock(&jobs_lock);
    jb->answer = ans;
    jb->state = r == -3 ? JOB_CANCELLED : ans.status == 200 ? JOB_DONE : JOB_FAILED;
    free(jb->request);
    jb->request = NULL;
    if (--n_running == 0)
        pthread_cond_broadcast(&jobs_idle);
    pthread_mutex_unlock(&jobs_lock);
    return NULL;
}

static void start_job(const struct serve_req *rq, struct serve_resp *rs)
{
    struct gs_error err = GS_ERROR_INIT;
    struct trial_job_req *j = malloc(sizeof *j);
    if (j == NULL) {
        serve_fail(rs, 500, "body", "out of memory");
        return;
    }
    gs_status st = rq->form ? gs_error_set(&err, GS_INPUT, "body", "send JSON")
                            : parse_job(rq->body, rq->body_len, j, &err);
    free(j);
    if (st != GS_OK) {
        serve_error(rs, &err);
        return;
    }
    pthread_mutex_lock(&jobs_lock);
    struct job *slot = NULL;
    for (int i = 0; n_running < SERVE_MAX_RUNNING_JOBS && i < SERVE_MAX_JOBS && !slot; i++)
        if (jobs[i].state == JOB_FREE)
            slot = &jobs[i];
    for (int i = 0; n_running < SERVE_MAX_RUNNING_JOBS && i < SERVE_MAX_JOBS; i++)
        if (slot == NULL && jobs[i].state != JOB_RUNNING)
            slot = &jobs[i]; /* no free slot: the oldest finished job makes room */
        else if (slot && slot->state != JOB_FREE && jobs[i].state != JOB_RUNNING &&
                 jobs[i].seq < slot->seq)
            slot = &jobs[i];
    char *copy = slot ? malloc(rq->body_len + 1) : NULL;
    pthread_t th;
    pthread_attr_t attr;
    if (slot == NULL || copy == NULL) {
        pthread_mutex_unlock(&jobs_lock);
        free(copy);
        serve_fail(rs, 503, "job",
                   "2 trial jobs are running already; wait for one to finish (or cancel it)");
        return;
    }
    memcpy(copy, rq->body, rq->body_len);
    copy[rq->body_len] = '\0';
    free(slot->answer.body.p);
    *slot = (struct job){.id = next_id++,
                         .state = JOB_RUNNING,
                         .request = copy,
                         .request_len = rq->body_len,
                         .seq = ++seq};
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&th, &attr, run_job, slot) != 0) {
        slot->state = JOB_FAILED;
        pthread_mutex_unlock(&jobs_lock);
        pthread_attr_destroy(&attr);
        serve_fail(rs, 503, "job", "cannot start a job thread");
        return;
    }
    pthread_attr_destroy(&attr);
    n_running++;
    long id = slot->id;
    pthread_mutex_unlock(&jobs_lock);
    rs->status = 202;
    rs->type = "application/json";
    sbuf_printf(&rs->body, "{\"id\":%ld}\n", id);
}

static struct job *find(long id)
{
    for (int i = 0; i < SERVE_MAX_JOBS; i++)
        if (jobs[i].state != JOB_FREE && jobs[i].id == id)
            return &jobs[i];
    return NULL;
}

static void show_job(struct job *jb, struct serve_resp *rs)
{
    sbuf_printf(&rs->body, "{\"id\":%ld,\"state\":\"%s\",\"done\":%ld,\"total\":%ld", jb->id,
                STATE[jb->state], jb->done, jb->total);
    const struct sbuf *a = &jb->answer.body;
    if (jb->state == JOB_DONE && a->n > 1 && a->p[0] == '{') {
        sbuf_puts(&rs->body, ",");
        sbuf_add(&rs->body, a->p + 1, a->n - 1); /* "result" and "plot_svg" */
    } else if (jb->state == JOB_FAILED && a->n > 1 && a->p[0] == '{') {
        sbuf_puts(&rs->body, ",\"error\":");
        sbuf_add(&rs->body, a->p, a->n);
        sbuf_puts(&rs->body, "}");
    } else
        sbuf_puts(&rs->body, "}");
    sbuf_puts(&rs->body, "\n");
    rs->status = 200;
    rs->type = "application/json";
}

int api_trial_jobs(const struct serve_req *rq, struct serve_resp *rs)
{
    const char *p = rq->path + 15; /* after /api/trial/jobs */
    if (*p == '\0') {
        if (strcmp(rq->method, "POST") == 0)
            start_job(rq, rs);
        else
            serve_fail(rs, 405, "method", "POST a job, GET /api/trial/jobs/ID");
        return 1;
    }
    if (*p != '/')
        return 0;
    char *end;
    long id = strtol(p + 1, &end, 10);
    pthread_mutex_lock(&jobs_lock);
    struct job *jb = p[1] >= '1' && p[1] <= '9' && *end == '\0' ? find(id) : NULL;
    if (jb == NULL)
        serve_fail(rs, 404, "id", "no such trial job (the server keeps the last 8)");
    else if (strcmp(rq->method, "GET") == 0)
        show_job(jb, rs);
    else if (strcmp(rq->method, "DELETE") == 0) {
        if (jb->state == JOB_RUNNING)
            jb->cancelled = 1;
        show_job(jb, rs);
    } else
        serve_fail(rs, 405, "method", "GET or DELETE");
    pthread_mutex_unlock(&jobs_lock);
    return 1;
}

void serve_trial_jobs_stop(void)
{
    pthread_mutex_lock(&jobs_lock);
    for (int i = 0; i < SERVE_MAX_JOBS; i++)
        if (jobs[i].state == JOB_RUNNING)
            jobs[i].cancelled = 1;
    while (n_running > 0)
        pthread_cond_wait(&jobs_idle, &jobs_lock);
    pthread_mutex_unlock(&jobs_lock);
}
