/* store.c - the server's database (SQLite): patients, their regimens and measured levels, and
 * saved runs. WAL journal, synchronous=FULL, a versioned schema brought up to date by numbered
 * migrations (PRAGMA user_version), and every write one transaction, so a killed server loses
 * no committed record and leaves an intact file. */
#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gabasim/units.h"
#include "gabasim/regimen.h"
#include "serve.h"

struct store {
    sqlite3 *db;
    pthread_mutex_t lock; /* one connection: one statement sequence at a time */
};

#define NOW "(strftime('%Y-%m-%dT%H:%M:%fZ','now'))"

/* Migration i takes the schema from version i to i + 1. Never edit one that has shipped: add
 * the next. */
static const char *const MIGRATIONS[] = {
    /* 1: the four record kinds */
    "CREATE TABLE patients(id INTEGER PRIMARY KEY, created TEXT NOT NULL DEFAULT " NOW ","
    " label TEXT NOT NULL, inputs TEXT NOT NULL CHECK (json_valid(inputs)));"
    "CREATE TABLE regimens(id INTEGER PRIMARY KEY,"
    " patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,"
    " created TEXT NOT NULL DEFAULT " NOW ", inputs TEXT NOT NULL CHECK (json_valid(inputs)));"
    "CREATE TABLE levels(id INTEGER PRIMARY KEY,"
    " patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,"
    " created TEXT NOT NULL DEFAULT " NOW ", time_h REAL NOT NULL, conc_mg_l REAL NOT NULL);"
    "CREATE TABLE runs(id INTEGER PRIMARY KEY,"
    " patient_id INTEGER REFERENCES patients(id) ON DELETE SET NULL,"
    " created TEXT NOT NULL DEFAULT " NOW ", kind TEXT NOT NULL, label TEXT NOT NULL,"
    " inputs TEXT NOT NULL CHECK (json_valid(inputs)), result TEXT NOT NULL);",
    /* 2: a patient's records found without a scan */
    "CREATE INDEX regimens_patient ON regimens(patient_id);"
    "CREATE INDEX levels_patient ON levels(patient_id, time_h);"
    "CREATE INDEX runs_patient ON runs(patient_id);",
};
#define SCHEMA_VERSION ((int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]))

static int db_fail(struct store *s, struct gs_error *err, const char *what)
{
    gs_error_set(err, GS_IO, "--db", "database: %s: %s", what, sqlite3_errmsg(s->db));
    return -1;
}

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *q;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return v;
}

static int migrate(struct store *s, struct gs_error *err)
{
    for (;;) {
        if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            return db_fail(s, err, "starting a migration");
        int v = user_version(s->db);
        if (v < 0 || v > SCHEMA_VERSION) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            gs_error_set(err, GS_INPUT, "--db",
                         "database schema version %d; this gabasim knows 0 to %d (a newer "
                         "gabasim made it)",
                         v, SCHEMA_VERSION);
            return -1;
        }
        if (v == SCHEMA_VERSION)
            return sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK
                       ? 0
                       : db_fail(s, err, "committing");
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", v + 1);
        if (sqlite3_exec(s->db, MIGRATIONS[v], NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s->db, bump, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            db_fail(s, err, "migrating the schema");
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
}

int store_open(struct store **out, const char *path, struct gs_error *err)
{
    struct store *s = calloc(1, sizeof *s);
    *out = NULL;
    if (s == NULL) {
        gs_error_set(err, GS_NOMEM, "--db", "out of memory");
        return -1;
    }
    pthread_mutex_init(&s->lock, NULL);
    char *emsg = NULL;
    if (sqlite3_open_v2(path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX |
                            SQLITE_OPEN_NOFOLLOW,
                        NULL) != SQLITE_OK) {
        gs_error_set(err, GS_IO, "--db", "cannot open database '%s': %s", path,
                     s->db ? sqlite3_errmsg(s->db) : "out of memory");
        store_close(s);
        return -1;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if (sqlite3_exec(s->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
                     NULL, NULL, &emsg) != SQLITE_OK) {
        gs_error_set(err, GS_IO, "--db", "database '%s': %s", path, emsg ? emsg : "not usable");
        sqlite3_free(emsg);
        store_close(s);
        return -1;
    }
    if (migrate(s, err) != 0) {
        gs_error_prefix(err, path);
        store_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

void store_close(struct store *s)
{
    if (s == NULL)
        return;
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* One query whose single text cell (SQLite's JSON functions) is the response: 200, or 404 when
 * the cell is NULL. Arguments: ints (i) and texts (t) by `types`. */
static void query_json(struct store *s, struct serve_resp *rs, const char *sql, const char *types,
                       ...)
{
    va_list ap;
    sqlite3_stmt *q = NULL;
    pthread_mutex_lock(&s->lock);
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        goto fail;
    va_start(ap, types);
    for (int i = 0; types[i]; i++) {
        if (types[i] == 'i')
            sqlite3_bind_int64(q, i + 1, va_arg(ap, long long));
        else
            sqlite3_bind_text(q, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
    }
    va_end(ap);
    int rc = sqlite3_step(q);
    if (rc != SQLITE_ROW)
        goto fail;
    if (sqlite3_column_type(q, 0) == SQLITE_NULL)
        serve_fail(rs, 404, "id", "no such record");
    else {
        sbuf_add(&rs->body, (const char *)sqlite3_column_text(q, 0),
                 (size_t)sqlite3_column_bytes(q, 0));
        sbuf_puts(&rs->body, "\n");
        rs->status = 200;
        rs->type = "application/json";
    }
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->lock);
    return;
fail:
    serve_fail(rs, 500, "--db", sqlite3_errmsg(s->db));
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->lock);
}

/* One INSERT in its own transaction (committed, durable, before the reply says so); 201 with
 * the new id, 404 when the foreign key names no patient. */
static void insert(struct store *s, struct serve_resp *rs, const char *sql, const char *types, ...)
{
    va_list ap;
    sqlite3_stmt *q = NULL;
    pthread_mutex_lock(&s->lock);
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        goto rollback;
    va_start(ap, types);
    for (int i = 0; types[i]; i++) {
        if (types[i] == 'i')
            sqlite3_bind_int64(q, i + 1, va_arg(ap, long long));
        else if (types[i] == 'd')
            sqlite3_bind_double(q, i + 1, va_arg(ap, double));
        else if (types[i] == 'n')
            sqlite3_bind_null(q, i + 1), (void)va_arg(ap, long long);
        else
            sqlite3_bind_text(q, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
    }
    va_end(ap);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_CONSTRAINT) {
        sqlite3_finalize(q);
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        pthread_mutex_unlock(&s->lock);
        serve_fail(rs, 404, "patient", "no such patient");
        return;
    }
    if (rc != SQLITE_DONE)
        goto rollback;
    long long id = sqlite3_last_insert_rowid(s->db);
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        goto rollback;
    pthread_mutex_unlock(&s->lock);
    rs->status = 201;
    rs->type = "application/json";
    sbuf_printf(&rs->body, "{\"id\":%lld}\n", id);
    return;
rollback:
    serve_fail(rs, 500, "--db", sqlite3_errmsg(s->db));
    sqlite3_finalize(q);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&s->lock);
    return;
fail:
    serve_fail(rs, 500, "--db", sqlite3_errmsg(s->db));
    pthread_mutex_unlock(&s->lock);
}

static void delete_patient(struct store *s, struct serve_resp *rs, long long id)
{
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *q = NULL;
    int ok =
        sqlite3_prepare_v2(s->db, "DELETE FROM patients WHERE id = ?", -1, &q, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(q, 1, id);
        ok = sqlite3_step(q) == SQLITE_DONE; /* autocommit: one transaction with the cascade */
    }
    int changed = ok ? sqlite3_changes(s->db) : 0;
    if (!ok)
        serve_fail(rs, 500, "--db", sqlite3_errmsg(s->db));
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->lock);
    if (!ok)
        return;
    if (changed == 0)
        serve_fail(rs, 404, "id", "no such patient");
    else {
        rs->status = 200;
        rs->type = "application/json";
        sbuf_printf(&rs->body, "{\"deleted\":%lld}\n", id);
    }
}

/* A record id from the path: 1 to 2^53, digits only. */
static long long parse_id(const char *p, const char **end)
{
    long long v = 0;
    const char *q = p;
    while (*q >= '0' && *q <= '9' && q - p < 16)
        v = v * 10 + (*q++ - '0');
    *end = q;
    return q == p || *p == '0' ? -1 : v;
}

/* The body as a JSON object; NULL after filling the 400 response. */
static cJSON *body_object(const struct serve_req *rq, struct serve_resp *rs)
{
    cJSON *o = rq->form ? NULL : cJSON_ParseWithLength(rq->body, rq->body_len);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        serve_fail(rs, 400, "body", "the request body is not a JSON object");
        return NULL;
    }
    return o;
}

/* `label`: an optional string of up to 200 bytes (default ""). */
static const char *label_of(const cJSON *o, struct serve_resp *rs)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(o, "label");
    if (l == NULL || cJSON_IsNull(l))
        return "";
    if (!cJSON_IsString(l) || strlen(l->valuestring) > 200) {
        serve_fail(rs, 400, "label", "'label' is a string of up to 200 bytes");
        return NULL;
    }
    return l->valuestring;
}

static void add_patient(struct store *s, const struct serve_req *rq, struct serve_resp *rs)
{
    struct gs_error err = GS_ERROR_INIT;
    cJSON *o = body_object(rq, rs);
    if (o == NULL)
        return;
    const char *label = label_of(o, rs);
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(o, "inputs");
    char *text = NULL;
    if (label == NULL)
        ;
    else if (!cJSON_IsObject(in))
        serve_fail(rs, 400, "inputs", "'inputs' is an object of advise's options");
    else if (serve_advise_validate(in, &err) != GS_OK)
        serve_error(rs, &err);
    else if ((text = cJSON_PrintUnformatted(in)) == NULL)
        serve_fail(rs, 500, "inputs", "out of memory");
    else
        insert(s, rs, "INSERT INTO patients(label, inputs) VALUES (?, ?)", "tt", label, text);
    free(text);
    cJSON_Delete(o);
}

/* {"time": "30h", "level": "5.2mg/L"}: a measured concentration, parsed as the command line
 * parses quantities. */
static void add_level(struct store *s, long long pid, const struct serve_req *rq,
                      struct serve_resp *rs)
{
    struct gs_error err = GS_ERROR_INIT;
    cJSON *o = body_object(rq, rs);
    if (o == NULL)
        return;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "time");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "level");
    double t_h = NAN, c_mg_l = NAN;
    if (!cJSON_IsString(t) || !cJSON_IsString(c))
        serve_fail(rs, 400, "time",
                   "'time' and 'level' are quantities with units: \"30h\", "
                   "\"5.2mg/L\"");
    else if (gs_units_parse_quantity(t->valuestring, GS_DIM_TIME, "time", &t_h, &err) ||
             gs_units_parse_quantity(c->valuestring, GS_DIM_CONC, "level", &c_mg_l, &err))
        serve_error(rs, &err);
    else if (!(t_h >= 0 && t_h <= GS_MAX_DURATION_H))
        serve_fail(rs, 400, "time", "'time' is outside 0 to 8760 h");
    else if (!(c_mg_l >= 0 && c_mg_l <= 1000))
        serve_fail(rs, 400, "level", "'level' is outside 0 to 1000 mg/L");
    else
        insert(s, rs, "INSERT INTO levels(patient_id, time_h, conc_mg_l) VALUES (?, ?, ?)", "idd",
               pid, t_h, c_mg_l);
    cJSON_Delete(o);
}

static void add_regimen(struct store *s, long long pid, const struct serve_req *rq,
                        struct serve_resp *rs)
{
    cJSON *o = body_object(rq, rs);
    if (o == NULL)
        return;
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(o, "inputs");
    char *text = NULL;
    if (!cJSON_IsObject(in))
        serve_fail(rs, 400, "inputs", "'inputs' is an object of the regimen's options");
    else if ((text = cJSON_PrintUnformatted(in)) == NULL)
        serve_fail(rs, 500, "inputs", "out of memory");
    else
        insert(s, rs, "INSERT INTO regimens(patient_id, inputs) VALUES (?, ?)", "it", pid, text);
    free(text);
    cJSON_Delete(o);
}

/* The run's result: POST /api/advise or /api/tdm with the inputs, in a process of its own under
 * the request time limit (isolate.c). 1 with *result (malloc'd); 0 with rs the error. */
static int compute_run(const char *kind, const char *inputs, char **result, struct serve_resp *rs)
{
    struct serve_req rq = {"POST", strcmp(kind, "tdm") == 0 ? "/api/tdm" : "/api/advise",
                           inputs, strlen(inputs),
                           0,      ""};
    struct serve_resp out = {0};
    serve_isolated(&rq, &out, serve_timeout_s, NULL);
    if (out.status == 200 && out.body.p) {
        *result = out.body.p;
        return 1;
    }
    free(rs->body.p);
    *rs = out;
    return 0;
}

/* {"kind": "advise" or "tdm", "label": ..., "patient_id": N, "inputs": {...}}: the run is done
 * here and its result (the advise or tdm JSON) stored with its inputs. */
static void add_run(struct store *s, const struct serve_req *rq, struct serve_resp *rs)
{
    cJSON *o = body_object(rq, rs);
    if (o == NULL)
        return;
    const char *label = label_of(o, rs);
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(o, "inputs");
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive(o, "patient_id");
    char *text = NULL, *result = NULL;
    if (label == NULL)
        ;
    else if (!cJSON_IsString(kind) ||
             (strcmp(kind->valuestring, "advise") != 0 && strcmp(kind->valuestring, "tdm") != 0))
        serve_fail(rs, 400, "kind", "'kind' is \"advise\" or \"tdm\" (the runs the server saves)");
    else if (pid && !cJSON_IsNull(pid) &&
             !(cJSON_IsNumber(pid) && pid->valuedouble >= 1 && pid->valuedouble < 9e15 &&
               pid->valuedouble == floor(pid->valuedouble)))
        serve_fail(rs, 400, "patient_id", "'patient_id' is a patient's id or null");
    else if (!cJSON_IsObject(in))
        serve_fail(rs, 400, "inputs", "'inputs' is an object of advise's options");
    else if ((text = cJSON_PrintUnformatted(in)) == NULL)
        serve_fail(rs, 500, "inputs", "out of memory");
    else if (!compute_run(kind->valuestring, text, &result, rs))
        ; /* the computation's error, or its time limit, is the answer */
    else if (pid && cJSON_IsNumber(pid))
        insert(s, rs,
               "INSERT INTO runs(patient_id, kind, label, inputs, result) VALUES (?,?,?,?,?)",
               "ittt"
               "t",
               (long long)pid->valuedouble, kind->valuestring, label, text, result);
    else
        insert(s, rs,
               "INSERT INTO runs(patient_id, kind, label, inputs, result) VALUES (?,?,?,?,?)",
               "nttt"
               "t",
               0LL, kind->valuestring, label, text, result);
    free(text);
    free(result);
    cJSON_Delete(o);
}

#define PATIENT_JSON                                                                               \
    "json_object('id', p.id, 'created', p.created, 'label', p.label, 'inputs', json(p.inputs))"

int api_store(struct store *s, const struct serve_req *rq, struct serve_resp *rs)
{
    const char *m = rq->method, *p = rq->path, *end;
    int get = strcmp(m, "GET") == 0, post = strcmp(m, "POST") == 0, del = strcmp(m, "DELETE") == 0;
    if (strcmp(p, "/api/patients") == 0) {
        if (get)
            query_json(s, rs,
                       "SELECT coalesce(json_group_array(json(j)), '[]') FROM (SELECT " PATIENT_JSON
                       " AS j FROM patients p ORDER BY p.id DESC)",
                       "");
        else if (post)
            add_patient(s, rq, rs);
        else
            serve_fail(rs, 405, "method", "GET or POST");
        return 1;
    }
    if (strncmp(p, "/api/patients/", 14) == 0) {
        long long id = parse_id(p + 14, &end);
        if (id < 0) {
            serve_fail(rs, 404, "id", "no such patient");
        } else if (*end == '\0' && get) {
            query_json(s, rs,
                       "SELECT json_insert(" PATIENT_JSON ","
                       " '$.regimens', (SELECT coalesce(json_group_array(json_object('id', id,"
                       " 'created', created, 'inputs', json(inputs))), json('[]')) FROM regimens"
                       " WHERE patient_id = p.id),"
                       " '$.levels', (SELECT coalesce(json_group_array(json_object('id', id,"
                       " 'time_h', time_h, 'level_mg_l', conc_mg_l)), json('[]')) FROM (SELECT *"
                       " FROM levels WHERE patient_id = p.id ORDER BY time_h)),"
                       " '$.runs', (SELECT coalesce(json_group_array(id), json('[]')) FROM runs"
                       " WHERE patient_id = p.id)) FROM patients p WHERE p.id = ?"
                       " UNION ALL SELECT NULL LIMIT 1",
                       "i", id);
        } else if (*end == '\0' && del) {
            delete_patient(s, rs, id);
        } else if (strcmp(end, "/levels") == 0 && post) {
            add_level(s, id, rq, rs);
        } else if (strcmp(end, "/regimens") == 0 && post) {
            add_regimen(s, id, rq, rs);
        } else
            serve_fail(rs, 404, "path", "no such API");
        return 1;
    }
    if (strcmp(p, "/api/runs") == 0) {
        if (get)
            query_json(s, rs,
                       "SELECT coalesce(json_group_array(json(j)), '[]') FROM (SELECT"
                       " json_object('id', id, 'created', created, 'kind', kind, 'label', label,"
                       " 'patient_id', patient_id, 'inputs', json(inputs)) AS j FROM runs"
                       " ORDER BY id DESC)",
                       "");
        else if (post)
            add_run(s, rq, rs);
        else
            serve_fail(rs, 405, "method", "GET or POST");
        return 1;
    }
    if (strncmp(p, "/api/runs/", 10) == 0 && get) {
        long long id = parse_id(p + 10, &end);
        if (id < 0 || *end)
            serve_fail(rs, 404, "id", "no such run");
        else
            query_json(s, rs, "SELECT result FROM runs WHERE id = ? UNION ALL SELECT NULL LIMIT 1",
                       "i", id);
        return 1;
    }
    return 0;
}
