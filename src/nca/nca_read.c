/* nca_read.c - reads the concentrations of `gabasim nca` from a NONMEM-style or long CSV.
 *
 * Why not gs_dataset_read() (gabasim/dataset.h): that reader gives no access to DV, refuses the
 * text columns a crossover needs (sequence RT, treatment T/R, IDs like S01) and requires the rows
 * of a subject to be contiguous; NCA files from laboratories have all three. The format rules it
 * shares (header, comments, BOM, CRLF, no quoting, plain decimals) are the same here.
 */
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE), mmap(MAP_POPULATE) */
#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gabasim/alloc.h"
#include "../io/decimal.h"
#include "gabasim/nca.h"
#include "nca_int.h"

enum col { K_ID, K_TIME, K_CONC, K_AMT, K_DOSE, K_EVID, K_MDV, K_BLQ, K_SEQ, K_PER, K_TRT, N_K };
static const char *const col_names[N_K][4] = {
    [K_ID] = {"ID", NULL},
    [K_TIME] = {"TIME", NULL},
    [K_CONC] = {"DV", "CONC", NULL},
    [K_AMT] = {"AMT", NULL},
    [K_DOSE] = {"DOSE", NULL},
    [K_EVID] = {"EVID", NULL},
    [K_MDV] = {"MDV", NULL},
    [K_BLQ] = {"BLQ", NULL},
    [K_SEQ] = {"SEQUENCE", "SEQ", NULL},
    [K_PER] = {"PERIOD", "PER", NULL},
    [K_TRT] = {"TREATMENT", "TRT", "FORM", NULL},
};

enum { MAX_CHUNKS = 64 };

/* The observations are kept one array per field, in file order, and sorted by profile and time
 * only when the file was not already (the usual file needs no sort). Dose records are not kept:
 * each profile holds its last dose. The profiles' texts live in one buffer, by offset while
 * reading (it grows), as pointers once read. A parallel reading whose chunks hold distinct
 * profiles in order leaves each chunk's rows where they were read: one segment per chunk, its
 * rows numbering its profiles from prof0. */
struct parser {
    const char *origin;
    int col[N_K]; /* field index of each known column, -1 if absent */
    int n_fields; /* in the header */
    char names[GS_NCA_MAX_COLUMNS][40];
    double *t, *c;
    uint32_t *pr, *ln; /* profile index and line of each observation (ln: serial reading only) */
    unsigned char *bq;
    size_t n_rows, cap_rows;
    int borrowed; /* the five arrays are a slice of another parser's (a chunk: never grown) */
    int sorted;   /* the observations so far are in (profile, time, line) order */
    struct nca_prof *prof;
    size_t (*key)[5]; /* offsets in text of each profile's ID, period, sequence, treatment; hash */
    size_t n_prof, cap_prof;
    char *text; /* NUL-terminated strings; text[0] is the empty string */
    size_t n_text, cap_text;
    uint32_t *hash; /* profile index + 1, 0 empty */
    size_t hash_cap;
    size_t hint;      /* expected profiles (from the lines): the hash's first size */
    size_t prof_hint; /* the profile arrays' first size (0: hint) */
    size_t last;      /* the previous row's profile + 1 (0: none) */
    struct {
        size_t row0, n_rows, prof0;
    } seg[MAX_CHUNKS];
    int n_seg; /* 0: one, all rows */
    int redo;  /* an error found without line numbers: read again serially for its message */
    struct gs_error *err;
};

static gs_status fail(struct parser *p, size_t line, int field, const char *value, size_t vlen,
                      const char *rule)
{
    char v[48];
    size_t k = vlen < sizeof v - 4 ? vlen : sizeof v - 4;
    memcpy(v, value, k);
    v[k] = '\0';
    if (k < vlen)
        strcat(v, "...");
    for (char *s = v; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
    const char *name = field >= 0 && field < p->n_fields ? p->names[field] : "?";
    return gs_error_set(p->err, GS_INPUT, name, "%s: line %zu, column %s: '%s' %s", p->origin, line,
                        name, v, rule);
}

static gs_status nomem(struct parser *p)
{
    return gs_error_set(p->err, GS_NOMEM, "data", "%s: out of memory", p->origin);
}

static uint64_t hash_key(const char *id, size_t idn, const char *per, size_t pern)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < idn; i++)
        h = (h ^ (unsigned char)id[i]) * 1099511628211ULL;
    h = (h ^ 0x1f) * 1099511628211ULL;
    for (size_t i = 0; i < pern; i++)
        h = (h ^ (unsigned char)per[i]) * 1099511628211ULL;
    return h;
}

/* Copies s[0..n) into the text buffer: its offset, or 0 with *st set when out of memory. */
static size_t add_text(struct parser *p, const char *s, size_t n, gs_status *st)
{
    if (p->n_text + n + 1 > p->cap_text) {
        size_t cap = p->cap_text ? 2 * p->cap_text : 4096;
        while (cap < p->n_text + n + 1)
            cap *= 2;
        char *t = gs_realloc(p->text, cap);
        if (t == NULL) {
            *st = nomem(p);
            return 0;
        }
        p->text = t, p->cap_text = cap;
    }
    size_t off = p->n_text;
    memcpy(p->text + off, s, n);
    p->text[off + n] = '\0';
    p->n_text += n + 1;
    return off;
}

/* 1 when the text at offset `off` is s[0..n). */
static int same_text(const struct parser *p, size_t off, const char *s, size_t n)
{
    return memcmp(p->text + off, s, n) == 0 && p->text[off + n] == '\0';
}

static gs_status rehash(struct parser *p)
{
    size_t cap = p->hash_cap ? 2 * p->hash_cap : 64;
    while (cap < 2 * p->hint)
        cap *= 2;
    uint32_t *h = gs_calloc(cap, sizeof *h);
    if (h == NULL)
        return nomem(p);
    nca_advise_huge(h, cap * sizeof *h); /* random access: fewer TLB misses */
    for (size_t i = 0; i < p->n_prof; i++) {
        size_t j = p->key[i][4] & (cap - 1);
        while (h[j])
            j = (j + 1) & (cap - 1);
        h[j] = (uint32_t)(i + 1);
    }
    gs_free(p->hash);
    p->hash = h, p->hash_cap = cap;
    return GS_OK;
}

/* The profile of (id, period), created when new. */
static gs_status profile_of(struct parser *p, const char *id, size_t idn, const char *per,
                            size_t pern, size_t *out)
{
    if (p->last && same_text(p, p->key[p->last - 1][0], id, idn) &&
        same_text(p, p->key[p->last - 1][1], per, pern)) {
        *out = p->last - 1;
        return GS_OK;
    }
    gs_status st = GS_OK;
    if (p->hash == NULL || 2 * (p->n_prof + 1) > p->hash_cap) {
        if ((st = rehash(p)) != GS_OK)
            return st;
    }
    size_t hv = (size_t)hash_key(id, idn, per, pern), j = hv & (p->hash_cap - 1);
    while (p->hash[j]) {
        size_t q = p->hash[j] - 1;
        if (p->key[q][4] == hv && same_text(p, p->key[q][0], id, idn) &&
            same_text(p, p->key[q][1], per, pern)) {
            *out = q;
            p->last = q + 1;
            return GS_OK;
        }
        j = (j + 1) & (p->hash_cap - 1);
    }
    if (p->n_prof == p->cap_prof) {
        size_t first = p->prof_hint ? p->prof_hint : p->hint;
        size_t cap = p->cap_prof ? 2 * p->cap_prof : first > 64 ? first : 64;
        struct nca_prof *np = gs_realloc(p->prof, cap * sizeof *np);
        if (np == NULL)
            return nomem(p);
        p->prof = np;
        size_t(*nk)[5] = gs_realloc(p->key, cap * sizeof *nk);
        if (nk == NULL)
            return nomem(p);
        p->key = nk, p->cap_prof = cap;
        nca_advise_huge(np, cap * sizeof *np);
        nca_advise_huge(nk, cap * sizeof *nk);
    }
    if (p->text == NULL && (add_text(p, "", 0, &st), st != GS_OK)) /* text[0]: "" */
        return st;
    size_t *k = p->key[p->n_prof];
    k[0] = add_text(p, id, idn, &st);
    k[1] = pern ? add_text(p, per, pern, &st) : 0;
    k[2] = k[3] = 0, k[4] = hv;
    if (st != GS_OK)
        return st;
    p->prof[p->n_prof] = (struct nca_prof){.dose = NAN, .dose_time = -INFINITY};
    p->hash[j] = (uint32_t)++p->n_prof;
    *out = p->n_prof - 1;
    p->last = p->n_prof;
    return GS_OK;
}

/* A field: [s, s + n) without surrounding blanks. */
static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* The line starting at text[a] (the text ends at `end`): *s, *n its bytes without the newline
 * and a trailing '\r', *raw its length with the '\r'. Returns where the next line starts. */
static size_t next_line(const char *text, size_t a, size_t end, const char **s, size_t *n,
                        size_t *raw)
{
    *s = text + a;
    const char *nl = memchr(*s, '\n', end - a);
    *n = *raw = nl ? (size_t)(nl - *s) : end - a;
    if (*n && (*s)[*n - 1] == '\r')
        (*n)--;
    return a + *raw + (nl != NULL);
}

/* The line s[0, n) trimmed into *b, *bn; 0 for a blank or comment ('#') line. */
static int content(const char *s, size_t n, const char **b, size_t *bn)
{
    *b = s, *bn = n;
    trim(b, bn);
    return *bn > 0 && (*b)[0] != '#';
}

/* 1: a number in *v; 0: missing ('.' or empty); -1: not a plain decimal. The usual values take
 * the exact fast path (src/io/decimal.c, bit-identical to strtod); the rest strtod. */
static int number(const char *s, size_t n, double *v)
{
    if (n == 0 || (n == 1 && s[0] == '.'))
        return 0;
    if (n > 40)
        return -1;
    if (gs_decimal_fast(s, n, v))
        return 1;
    char buf[48];
    int digits = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9')
            digits = 1;
        else if (!(ch == '+' || ch == '-' || ch == '.' || ch == 'e' || ch == 'E'))
            return -1;
        buf[i] = ch;
    }
    buf[n] = '\0';
    if (!digits)
        return -1;
    char *end;
    errno = 0;
    *v = strtod(buf, &end);
    if (end != buf + n || !isfinite(*v))
        return -1;
    return 1;
}

static gs_status header(struct parser *p, const char *s, size_t n, size_t line)
{
    for (int k = 0; k < N_K; k++)
        p->col[k] = -1;
    int f = 0;
    size_t i = 0;
    for (;;) {
        const char *e = memchr(s + i, ',', n - i);
        size_t len = e ? (size_t)(e - (s + i)) : n - i;
        const char *fs = s + i;
        trim(&fs, &len);
        if (f >= GS_NCA_MAX_COLUMNS)
            return gs_error_set(p->err, GS_INPUT, "header",
                                "%s: line %zu: more than %d columns; allowed at most %d", p->origin,
                                line, GS_NCA_MAX_COLUMNS, GS_NCA_MAX_COLUMNS);
        if (len == 0 || len >= sizeof p->names[0])
            return gs_error_set(p->err, GS_INPUT, "header",
                                "%s: line %zu: column %d has %s name; allowed 1 to %zu characters",
                                p->origin, line, f + 1, len ? "too long a" : "an empty",
                                sizeof p->names[0] - 1);
        for (size_t k = 0; k < len; k++) {
            char ch = fs[k];
            if (ch == '"' || (unsigned char)ch < 0x20)
                return gs_error_set(p->err, GS_INPUT, "header",
                                    "%s: line %zu: column %d name has a quote or control "
                                    "character; allowed plain names such as ID,TIME,CONC",
                                    p->origin, line, f + 1);
        }
        memcpy(p->names[f], fs, len);
        p->names[f][len] = '\0';
        for (int k = 0; k < N_K; k++)
            for (int a = 0; col_names[k][a]; a++)
                if (strcasecmp(p->names[f], col_names[k][a]) == 0) {
                    if (p->col[k] >= 0)
                        return gs_error_set(
                            p->err, GS_INPUT, "header",
                            "%s: line %zu: columns '%s' and '%s' both give %s; allowed one",
                            p->origin, line, p->names[p->col[k]], p->names[f], col_names[k][0]);
                    p->col[k] = f;
                }
        f++;
        if (e == NULL)
            break;
        i = (size_t)(e - s) + 1;
    }
    p->n_fields = f;
    if (p->col[K_ID] < 0 || p->col[K_TIME] < 0 || p->col[K_CONC] < 0)
        return gs_error_set(p->err, GS_INPUT, "header",
                            "%s: line %zu: the header needs ID, TIME and DV (or CONC); it has "
                            "%d columns",
                            p->origin, line, f);
    if (p->col[K_AMT] >= 0 && p->col[K_DOSE] >= 0)
        return gs_error_set(p->err, GS_INPUT, "header",
                            "%s: line %zu: both AMT and DOSE columns; allowed one (AMT: dose "
                            "records, DOSE: the dose on every row)",
                            p->origin, line);
    int nx = (p->col[K_SEQ] >= 0) + (p->col[K_PER] >= 0) + (p->col[K_TRT] >= 0);
    if (nx != 0 && nx != 3)
        return gs_error_set(p->err, GS_INPUT, "header",
                            "%s: line %zu: a crossover needs SEQUENCE, PERIOD and TREATMENT "
                            "columns together; %d of them given",
                            p->origin, line, nx);
    return GS_OK;
}

/* Checks and records a text value of a profile (sequence or treatment): constant per profile. */
static gs_status text_attr(struct parser *p, size_t *off, size_t *dline, const char *s, size_t n,
                           size_t line, int field)
{
    if (n == 0)
        return fail(p, line, field, s, n, "is empty; allowed a name");
    if (*dline == 0) {
        gs_status st = GS_OK;
        size_t o = add_text(p, s, n, &st);
        if (st != GS_OK)
            return st;
        *off = o, *dline = line;
        return GS_OK;
    }
    if (!same_text(p, *off, s, n)) {
        char rule[160];
        snprintf(rule, sizeof rule, "differs from '%s' on line %zu for the same ID and period",
                 p->text + *off, *dline);
        return fail(p, line, field, s, n, rule);
    }
    return GS_OK;
}

static gs_status add_obs(struct parser *p, size_t prof, size_t line, double t, double c,
                         unsigned char blq)
{
    if (p->n_rows == p->cap_rows) {
        if (p->borrowed) /* a chunk's slice holds one row per line: not reached */
            return nomem(p);
        size_t cap = p->cap_rows ? 2 * p->cap_rows : 256;
        double *nt = gs_realloc(p->t, cap * sizeof *nt);
        if (nt == NULL)
            return nomem(p);
        p->t = nt;
        double *nc = gs_realloc(p->c, cap * sizeof *nc);
        if (nc == NULL)
            return nomem(p);
        p->c = nc;
        uint32_t *npr = gs_realloc(p->pr, cap * sizeof *npr);
        if (npr == NULL)
            return nomem(p);
        p->pr = npr;
        if (p->ln != NULL || p->cap_rows == 0) {
            uint32_t *nln = gs_realloc(p->ln, cap * sizeof *nln);
            if (nln == NULL)
                return nomem(p);
            p->ln = nln;
        }
        unsigned char *nb = gs_realloc(p->bq, cap);
        if (nb == NULL)
            return nomem(p);
        p->bq = nb, p->cap_rows = cap;
    }
    size_t i = p->n_rows++;
    if (i > 0 && p->sorted && (prof < p->pr[i - 1] || (prof == p->pr[i - 1] && t < p->t[i - 1])))
        p->sorted = 0;
    p->t[i] = t, p->c[i] = c, p->pr[i] = (uint32_t)prof, p->bq[i] = blq;
    if (p->ln)
        p->ln[i] = (uint32_t)line;
    return GS_OK;
}

static gs_status data_row(struct parser *p, const char *s, size_t n, size_t line)
{
    const char *fs[GS_NCA_MAX_COLUMNS];
    size_t fl[GS_NCA_MAX_COLUMNS];
    int f = 0;
    size_t i = 0;
    for (;;) { /* the fields; a quote or NUL is never a blank, so the trimmed field has it too */
        if (f >= p->n_fields)
            return gs_error_set(p->err, GS_INPUT, "row",
                                "%s: line %zu: more than the header's %d fields; allowed %d",
                                p->origin, line, p->n_fields, p->n_fields);
        size_t b = i;
        int bad = 0;
        for (; i < n && s[i] != ','; i++)
            bad |= s[i] == '"' || s[i] == '\0';
        fs[f] = s + b, fl[f] = i - b;
        trim(&fs[f], &fl[f]);
        if (bad)
            return fail(p, line, f, fs[f], fl[f],
                        "has a quote or NUL; allowed plain values (no quoting)");
        f++;
        if (i == n)
            break;
        i++;
    }
    if (f != p->n_fields)
        return gs_error_set(p->err, GS_INPUT, "row",
                            "%s: line %zu: %d fields; allowed %d (the "
                            "header's)",
                            p->origin, line, f, p->n_fields);
    double v[N_K];
    int have[N_K];
    for (int k = 0; k < N_K; k++) {
        have[k] = 0, v[k] = NAN;
        int c = p->col[k];
        if (c < 0 || k == K_ID || k == K_SEQ || k == K_PER || k == K_TRT)
            continue;
        int r = number(fs[c], fl[c], &v[k]);
        if (r < 0)
            return fail(p, line, c, fs[c], fl[c],
                        "is not a number; allowed plain decimals, '.' or empty for missing");
        have[k] = r;
    }
    int cid = p->col[K_ID], cper = p->col[K_PER];
    if (fl[cid] == 0 || fl[cid] >= GS_NCA_MAX_TEXT)
        return fail(p, line, cid, fs[cid], fl[cid], "is not an ID; allowed 1 to 63 characters");
    if (!have[K_TIME] || v[K_TIME] < 0 || v[K_TIME] > 1e7)
        return fail(p, line, p->col[K_TIME], fs[p->col[K_TIME]], fl[p->col[K_TIME]],
                    "is not a time; allowed 0 to 1e7 h");
    const char *per = "";
    size_t pern = 0;
    if (cper >= 0) {
        if (fl[cper] == 0 || fl[cper] >= GS_NCA_MAX_TEXT)
            return fail(p, line, cper, fs[cper], fl[cper],
                        "is not a period; allowed 1 to 63 characters");
        per = fs[cper], pern = fl[cper];
    }
    size_t pi = 0;
    gs_status st = profile_of(p, fs[cid], fl[cid], per, pern, &pi);
    if (st)
        return st;
    struct nca_prof *q = &p->prof[pi];
    size_t *key = p->key[pi];
    if (p->col[K_SEQ] >= 0 &&
        ((fl[p->col[K_SEQ]] >= GS_NCA_MAX_TEXT &&
          (st = fail(p, line, p->col[K_SEQ], fs[p->col[K_SEQ]], fl[p->col[K_SEQ]],
                     "is too long; allowed 1 to 63 characters"))) ||
         (fl[p->col[K_TRT]] >= GS_NCA_MAX_TEXT &&
          (st = fail(p, line, p->col[K_TRT], fs[p->col[K_TRT]], fl[p->col[K_TRT]],
                     "is too long; allowed 1 to 63 characters"))) ||
         (st = text_attr(p, &key[2], &q->seq_line, fs[p->col[K_SEQ]], fl[p->col[K_SEQ]], line,
                         p->col[K_SEQ])) ||
         (st = text_attr(p, &key[3], &q->trt_line, fs[p->col[K_TRT]], fl[p->col[K_TRT]], line,
                         p->col[K_TRT]))))
        return st;

    double time = v[K_TIME], conc = v[K_CONC];
    int kind = 0; /* 0 observation, 1 dose, 2 ignored */
    unsigned char blq = 0;
    if (have[K_EVID] && !(v[K_EVID] >= 0 && v[K_EVID] <= 4 && v[K_EVID] == floor(v[K_EVID])))
        return fail(p, line, p->col[K_EVID], fs[p->col[K_EVID]], fl[p->col[K_EVID]],
                    "is not an EVID; allowed 0 to 4");
    if (have[K_MDV] && v[K_MDV] != 0 && v[K_MDV] != 1)
        return fail(p, line, p->col[K_MDV], fs[p->col[K_MDV]], fl[p->col[K_MDV]],
                    "is not an MDV flag; allowed 0 or 1");
    if (have[K_BLQ] && v[K_BLQ] != 0 && v[K_BLQ] != 1)
        return fail(p, line, p->col[K_BLQ], fs[p->col[K_BLQ]], fl[p->col[K_BLQ]],
                    "is not a BLQ flag; allowed 0 or 1");
    if (p->col[K_AMT] >= 0) {
        double amt = have[K_AMT] ? v[K_AMT] : 0.0;
        int evid = have[K_EVID] ? (int)v[K_EVID] : (amt > 0 ? 1 : 0);
        if (amt < 0)
            return fail(p, line, p->col[K_AMT], fs[p->col[K_AMT]], fl[p->col[K_AMT]],
                        "is a negative dose; allowed above 0 on dose records, 0 or '.' elsewhere");
        if (evid == 1 || evid == 4) {
            if (!(amt > 0))
                return fail(p, line, p->col[K_AMT], fs[p->col[K_AMT]], fl[p->col[K_AMT]],
                            "is no dose on a dose record (EVID 1 or 4); allowed above 0");
            kind = 1;
            if (time >= q->dose_time)
                q->dose_time = time, q->dose = amt, q->dose_line = line;
        } else if (evid != 0) {
            kind = 2;
        }
    } else if (have[K_EVID] && v[K_EVID] != 0) {
        kind = 2;
    }
    if (kind != 0)
        return GS_OK; /* a dose is kept in its profile; the rest is not used */
    if (p->col[K_DOSE] >= 0 && have[K_DOSE]) {
        if (!(v[K_DOSE] > 0))
            return fail(p, line, p->col[K_DOSE], fs[p->col[K_DOSE]], fl[p->col[K_DOSE]],
                        "is not a dose; allowed above 0, '.' or empty");
        if (q->dose_line == 0)
            q->dose = v[K_DOSE], q->dose_line = line, q->dose_time = 0.0;
        else if (q->dose != v[K_DOSE]) {
            char rule[120];
            snprintf(rule, sizeof rule, "differs from the dose %g on line %zu of this profile",
                     q->dose, q->dose_line);
            return fail(p, line, p->col[K_DOSE], fs[p->col[K_DOSE]], fl[p->col[K_DOSE]], rule);
        }
    }
    blq = have[K_BLQ] && v[K_BLQ] == 1;
    if (have[K_MDV] && v[K_MDV] == 1 && !blq)
        return GS_OK; /* not used */
    if (!have[K_CONC]) {
        if (!blq)
            return GS_OK; /* missing: dropped (PKNCA conc.na "drop") */
        conc = 0.0;
    } else if (conc < 0)
        return fail(p, line, p->col[K_CONC], fs[p->col[K_CONC]], fl[p->col[K_CONC]],
                    "is a negative concentration; allowed >= 0 (BLQ: 0, BLQ=1 or --lloq)");
    return add_obs(p, pi, line, time, conc, blq);
}

struct row {
    double t, c;
    uint32_t pr, ln;
    unsigned char bq;
};

static int cmp_row(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->pr != y->pr)
        return x->pr < y->pr ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->ln > y->ln) - (x->ln < y->ln);
}

/* Sorts the observations by (profile, time, line) when the file did not have them so (without
 * line numbers: by file order, which is the same). */
static gs_status sort_rows(struct parser *p)
{
    size_t n = p->n_rows;
    struct row *r = gs_malloc(n * sizeof *r);
    if (r == NULL)
        return nomem(p);
    for (size_t i = 0; i < n; i++)
        r[i] = (struct row){p->t[i], p->c[i], p->pr[i], p->ln ? p->ln[i] : (uint32_t)i, p->bq[i]};
    qsort(r, n, sizeof *r, cmp_row);
    for (size_t i = 0; i < n; i++) {
        p->t[i] = r[i].t, p->c[i] = r[i].c, p->pr[i] = r[i].pr, p->bq[i] = r[i].bq;
        if (p->ln)
            p->ln[i] = r[i].ln;
    }
    gs_free(r);
    p->sorted = 1;
    return GS_OK;
}

/* Groups rows [row0, row0 + n) (sorted; of profiles prof0 + pr) into their profiles, in place:
 * from the last dose on, times from it. 0, or 1 + the row of a time given twice (*prev: the row
 * of its first). */
static size_t build_rows(struct parser *p, size_t row0, size_t n, size_t prof0, size_t *prev)
{
    size_t end = row0 + n, k = row0;
    for (size_t i = row0; i < end;) {
        size_t j = i;
        uint32_t pr = p->pr[i];
        struct nca_prof *q = &p->prof[prof0 + pr];
        double t0 = isinf(q->dose_time) ? 0.0 : q->dose_time;
        q->off = k;
        size_t prev_row = 0;
        double prev_t = -1;
        for (; j < end && p->pr[j] == pr; j++) {
            double t = p->t[j];
            if (t < t0)
                continue;
            if (t == prev_t) {
                *prev = prev_row;
                return j + 1;
            }
            prev_t = t, prev_row = j;
            p->t[k] = t - t0, p->c[k] = p->c[j], p->bq[k] = p->bq[j]; /* k <= j */
            k++;
        }
        q->n = k - q->off;
        i = j;
    }
    return 0;
}

/* Groups the observations into profiles (each segment on its own thread): sorted by time, from
 * the last dose on. A time given twice in a profile is an error, named with its lines; without
 * line numbers (a parallel reading) p->redo asks for the serial reading that has them. */
static gs_status build(struct parser *p, gs_nca_data *d)
{
    gs_status st;
    if (p->n_rows == 0 && p->t == NULL) { /* arrays of one, never read */
        if ((st = add_obs(p, 0, 0, 0, 0, 0)) != GS_OK)
            return st;
        p->n_rows = 0;
    }
    if (p->n_seg == 0) {
        if (!p->sorted && (st = sort_rows(p)) != GS_OK)
            return st;
        p->seg[0].row0 = 0, p->seg[0].n_rows = p->n_rows, p->seg[0].prof0 = 0;
        p->n_seg = 1;
    }
    size_t bad = 0, prev = 0;
    if (p->n_seg == 1) {
        bad = build_rows(p, p->seg[0].row0, p->seg[0].n_rows, p->seg[0].prof0, &prev);
    } else {
#pragma omp parallel for num_threads(p->n_seg) schedule(static, 1)
        for (int k = 0; k < p->n_seg; k++) {
            size_t pv = 0;
            if (build_rows(p, p->seg[k].row0, p->seg[k].n_rows, p->seg[k].prof0, &pv)) {
#pragma omp atomic write
                bad = 1;
            }
        }
    }
    if (bad && p->ln == NULL) {
        p->redo = 1;
        return GS_INPUT;
    }
    if (bad) {
        size_t j = bad - 1;
        char msg[200];
        snprintf(msg, sizeof msg,
                 "h again for ID %s (line %zu); allowed one "
                 "concentration per time",
                 p->text + p->key[p->seg[0].prof0 + p->pr[j]][0], (size_t)p->ln[prev]);
        return gs_error_set(p->err, GS_INPUT, "TIME", "%s: line %zu, column %s: '%g' %s", p->origin,
                            (size_t)p->ln[j], p->names[p->col[K_TIME]], p->t[j], msg);
    }
    for (size_t i = 0; i < p->n_prof; i++) {
        struct nca_prof *q = &p->prof[i];
        q->id = p->text + p->key[i][0], q->period = p->text + p->key[i][1];
        q->sequence = p->text + p->key[i][2], q->treatment = p->text + p->key[i][3];
    }
    d->t = p->t, d->c = p->c, d->blq = p->bq, d->text = p->text;
    p->t = p->c = NULL, p->bq = NULL, p->text = NULL;
    d->prof = p->prof, d->n_prof = p->n_prof;
    p->prof = NULL;
    return GS_OK;
}

/* Large arrays ask for transparent huge pages (where the system allows them on request): the
 * observations of a big file are hundreds of megabytes, first touched here, and one fault per
 * 4 KiB page was a large share of the read time. Only advice: nothing changes if refused. */
void nca_advise_huge(void *ptr, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (ptr == NULL || bytes < 2 * huge)
        return;
    uintptr_t a = ((uintptr_t)ptr + huge - 1) & ~(huge - 1);
    uintptr_t e = ((uintptr_t)ptr + bytes) & ~(huge - 1);
    if (e > a)
        (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)ptr, (void)bytes;
#endif
}

static size_t count_newlines(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, low7 = 0x7f7f7f7f7f7f7f7fULL;
    size_t k = 0, i = 0;
    for (; i + 8 <= n; i += 8) { /* eight bytes at a time: exact count of the bytes equal to LF */
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t x = w ^ (ones * '\n');                  /* LF bytes become 0 */
        uint64_t z = ~(((x & low7) + low7) | x) & ~low7; /* high bit set exactly in 0 bytes */
        k += (size_t)(((z >> 7) * ones) >> 56);          /* the sum of the eight 0/1 bytes */
    }
    for (; i < n; i++)
        k += s[i] == '\n';
    return k;
}

/* The observation arrays, for at most `cap` rows (one per line left); line numbers when
 * `lines`. */
static gs_status alloc_rows(struct parser *p, size_t cap, int lines)
{
    cap = cap ? cap : 1;
    p->t = gs_malloc(cap * sizeof *p->t);
    p->c = gs_malloc(cap * sizeof *p->c);
    p->pr = gs_malloc(cap * sizeof *p->pr);
    p->ln = lines ? gs_malloc(cap * sizeof *p->ln) : NULL;
    p->bq = gs_malloc(cap);
    if (!p->t || !p->c || !p->pr || (lines && !p->ln) || !p->bq)
        return nomem(p);
    nca_advise_huge(p->t, cap * sizeof *p->t);
    nca_advise_huge(p->c, cap * sizeof *p->c);
    nca_advise_huge(p->pr, cap * sizeof *p->pr);
    if (lines)
        nca_advise_huge(p->ln, cap * sizeof *p->ln);
    nca_advise_huge(p->bq, cap);
    p->cap_rows = cap;
    return GS_OK;
}

/* The lines of text[*pos, end), numbered on from *line: the header until it is read (then
 * returns when `header_only`), then the rows. */
static gs_status parse_lines(struct parser *p, const char *text, size_t *pos, size_t end,
                             size_t *line, int *have_header, int header_only)
{
    gs_status st = GS_OK;
    while (*pos < end && st == GS_OK) {
        ++*line;
        const char *s, *b;
        size_t n, raw, bn;
        *pos = next_line(text, *pos, end, &s, &n, &raw);
        if (raw > GS_NCA_MAX_LINE)
            return gs_error_set(p->err, GS_INPUT, "row",
                                "%s: line %zu: %zu bytes; allowed at most %d", p->origin, *line,
                                raw, GS_NCA_MAX_LINE);
        if (!content(s, n, &b, &bn))
            continue;
        if (!*have_header) {
            st = header(p, b, bn, *line);
            *have_header = 1;
            if (header_only)
                break;
        } else {
            st = data_row(p, s, n, *line);
        }
    }
    return st;
}

static void free_profiles(struct parser *p)
{
    gs_free(p->prof);
    gs_free(p->key);
    gs_free(p->text);
    gs_free(p->hash);
    p->prof = NULL, p->key = NULL, p->text = NULL, p->hash = NULL;
    p->n_prof = p->cap_prof = p->n_text = p->cap_text = p->hash_cap = p->last = 0;
}

/* Adds chunk c's profiles to p (in their order of appearance, after p's) and maps each to its
 * index in p; 1 when they agree (sequence, treatment, DOSE), 0 when the serial reading would
 * stop on an error here (the caller reads again serially, for its exact message), -1 out of
 * memory. Line numbers of c are shifted by `base`. */
static int merge_profiles(struct parser *p, const struct parser *c, size_t base, uint32_t *map)
{
    for (size_t i = 0; i < c->n_prof; i++) {
        const struct nca_prof *lq = &c->prof[i];
        const char *id = c->text + c->key[i][0], *per = c->text + c->key[i][1];
        size_t g = 0;
        if (profile_of(p, id, strlen(id), per, strlen(per), &g) != GS_OK)
            return -1;
        map[i] = (uint32_t)g;
        struct nca_prof *q = &p->prof[g];
        for (int a = 0; a < 2; a++) {
            size_t lline = a ? lq->trt_line : lq->seq_line,
                   *gline = a ? &q->trt_line : &q->seq_line;
            const char *v = c->text + c->key[i][2 + a];
            if (lline == 0)
                continue;
            if (*gline == 0) {
                gs_status st = GS_OK;
                size_t off = add_text(p, v, strlen(v), &st);
                if (st != GS_OK)
                    return -1;
                p->key[g][2 + a] = off, *gline = lline + base;
            } else if (strcmp(p->text + p->key[g][2 + a], v) != 0) {
                return 0;
            }
        }
        if (lq->dose_line == 0)
            continue;
        if (p->col[K_AMT] >= 0) { /* the last dose record: the latest line among the latest times */
            if (lq->dose_time >= q->dose_time)
                q->dose_time = lq->dose_time, q->dose = lq->dose,
                q->dose_line = lq->dose_line + base;
        } else if (q->dose_line == 0) {
            q->dose = lq->dose, q->dose_time = lq->dose_time, q->dose_line = lq->dose_line + base;
        } else if (q->dose != lq->dose) {
            return 0;
        }
    }
    return 1;
}

/* The ID and PERIOD of the data line at text[a, end) (trimmed, as data_row splits them), or
 * *id NULL for a blank, comment or short line; returns where the next line starts. Only for
 * placing chunk boundaries: the parse itself decides what a line is. */
static size_t line_key(const struct parser *p, const char *text, size_t a, size_t end,
                       const char **id, size_t *idn, const char **per, size_t *pern)
{
    const char *s, *b;
    size_t n, raw, bn, next = next_line(text, a, end, &s, &n, &raw);
    *id = NULL, *per = "", *idn = *pern = 0;
    if (!content(s, n, &b, &bn))
        return next;
    int f = 0, want = p->col[K_ID] > p->col[K_PER] ? p->col[K_ID] : p->col[K_PER];
    for (size_t i = 0; f <= want; f++) {
        size_t e = i;
        while (e < n && s[e] != ',')
            e++;
        const char *fs = s + i;
        size_t fl = e - i;
        trim(&fs, &fl);
        if (f == p->col[K_ID])
            *id = fs, *idn = fl;
        else if (f == p->col[K_PER])
            *per = fs, *pern = fl;
        if (e == n && f < want) { /* fewer fields than needed */
            *id = NULL;
            break;
        }
        i = e + 1;
    }
    return next;
}

/* A line start at or after s where a new profile begins (its ID or PERIOD differs from the data
 * line before), looked for over the next 4096 lines; s when there is none. A chunk boundary
 * there gives chunks with distinct profiles, which join without moving rows. */
static size_t profile_start(const struct parser *p, const char *text, size_t s, size_t end)
{
    const char *pid = NULL, *pper = "";
    size_t pidn = 0, ppern = 0, at = s;
    for (int l = 0; l < 4096 && at < end; l++) {
        const char *id, *per;
        size_t idn, pern, next = line_key(p, text, at, end, &id, &idn, &per, &pern);
        if (id != NULL) {
            if (pid != NULL && (idn != pidn || pern != ppern || memcmp(id, pid, idn) != 0 ||
                                memcmp(per, pper, pern) != 0))
                return at;
            pid = id, pidn = idn, pper = per, ppern = pern;
        }
        at = next;
    }
    return s;
}

/* 1 when chunk c has the profile (id, per) of hash hv (read only: chunks probe each other). */
static int has_profile(const struct parser *c, const char *id, const char *per, size_t hv)
{
    if (c->hash == NULL)
        return 0;
    for (size_t j = hv & (c->hash_cap - 1); c->hash[j]; j = (j + 1) & (c->hash_cap - 1)) {
        size_t q = c->hash[j] - 1;
        if (c->key[q][4] == hv && strcmp(c->text + c->key[q][0], id) == 0 &&
            strcmp(c->text + c->key[q][1], per) == 0)
            return 1;
    }
    return 0;
}

/* Chunks whose rows are each in order and whose profiles are all distinct: their profiles are
 * concatenated (texts and lines rebased, in parallel) and their rows stay where they were read,
 * one segment per chunk. 1 when done (cp's profile arrays then belong to p), 0 when the chunks
 * are not so (nothing changed), -1 out of memory. */
static int join_distinct(struct parser *p, struct parser *cp, int nt, const size_t *slot,
                         const size_t *lines, size_t line)
{
    for (int k = 0; k < nt; k++)
        if (!cp[k].sorted)
            return 0;
    int dup = 0;
    for (int k = 1; k < nt && !dup; k++) {
        const struct parser *c = &cp[k];
#pragma omp parallel for num_threads(nt) schedule(static, 4096) reduction(|| : dup)
        for (size_t i = 0; i < c->n_prof; i++) {
            const char *id = c->text + c->key[i][0], *per = c->text + c->key[i][1];
            for (int j = 0; j < k && !dup; j++)
                dup = has_profile(&cp[j], id, per, c->key[i][4]);
        }
    }
    if (dup)
        return 0;
    size_t poff[MAX_CHUNKS + 1], toff[MAX_CHUNKS + 1], base[MAX_CHUNKS];
    poff[0] = toff[0] = 0, base[0] = line;
    for (int k = 0; k < nt; k++) {
        poff[k + 1] = poff[k] + cp[k].n_prof, toff[k + 1] = toff[k] + cp[k].n_text;
        if (k > 0)
            base[k] = base[k - 1] + lines[k - 1];
    }
    struct parser *c0 = &cp[0];
    size_t np = poff[nt] ? poff[nt] : 1, nx = toff[nt] ? toff[nt] : 1;
    if (np > c0->cap_prof) {
        struct nca_prof *q = gs_realloc(c0->prof, np * sizeof *q);
        if (q == NULL)
            return -1;
        c0->prof = q;
        size_t(*nk)[5] = gs_realloc(c0->key, np * sizeof *nk);
        if (nk == NULL)
            return -1;
        c0->key = nk, c0->cap_prof = np;
    }
    if (nx > c0->cap_text) {
        char *t = gs_realloc(c0->text, nx);
        if (t == NULL)
            return -1;
        c0->text = t, c0->cap_text = nx;
    }
#pragma omp parallel for num_threads(nt) schedule(static, 1)
    for (int k = 0; k < nt; k++) {
        const struct parser *c = &cp[k];
        if (k > 0 && c->n_text)
            memcpy(c0->text + toff[k], c->text, c->n_text);
        for (size_t i = 0; i < c->n_prof; i++) {
            struct nca_prof q = c->prof[i];
            q.seq_line += q.seq_line ? base[k] : 0, q.trt_line += q.trt_line ? base[k] : 0;
            q.dose_line += q.dose_line ? base[k] : 0;
            size_t g = poff[k] + i;
            c0->prof[g] = q;
            for (int a = 0; a < 4; a++)
                c0->key[g][a] = c->key[i][a] + toff[k];
            c0->key[g][4] = c->key[i][4];
        }
        p->seg[k].row0 = slot[k], p->seg[k].n_rows = c->n_rows, p->seg[k].prof0 = poff[k];
    }
    p->prof = c0->prof, p->key = c0->key, p->n_prof = poff[nt], p->cap_prof = c0->cap_prof;
    p->text = c0->text, p->n_text = toff[nt], p->cap_text = c0->cap_text;
    c0->prof = NULL, c0->key = NULL, c0->text = NULL;
    p->n_rows = 0;
    for (int k = 0; k < nt; k++)
        p->n_rows += cp[k].n_rows;
    p->n_seg = nt, p->sorted = 1;
    nca_joins_in_place++;
    return 1;
}

/* Reads the rows after the header in `threads` chunks split at line ends (where a new profile
 * begins, when one is near), each with its own parser and profiles, then joins them in file
 * order: profiles numbered by first appearance, observations in file order, exactly as one
 * serial pass would; the line numbers are not kept (only errors need them). Chunks with
 * distinct profiles keep their rows in place (join_distinct); otherwise the rows are moved to
 * follow each other and the profiles merged. Any error in any chunk, or a disagreement between
 * chunks, returns 0 with p as it was: the caller then reads serially, which stops at the first
 * error with its message. 1 when done. */
static int parse_parallel(struct parser *p, const char *text, size_t pos, size_t len, size_t line,
                          int threads)
{
    int nt = threads < MAX_CHUNKS ? threads : MAX_CHUNKS;
    size_t start[MAX_CHUNKS + 1], lines[MAX_CHUNKS], slot[MAX_CHUNKS + 1];
    start[0] = pos, start[nt] = len;
    for (int k = 1; k < nt; k++) {
        size_t s = pos + (len - pos) / nt * k;
        s = s < start[k - 1] ? start[k - 1] : s;
        const char *nl = memchr(text + s, '\n', len - s);
        start[k] = nl ? profile_start(p, text, (size_t)(nl - text) + 1, len) : len;
    }
    struct parser *cp = gs_calloc((size_t)nt, sizeof *cp);
    struct gs_error *ce = gs_calloc((size_t)nt, sizeof *ce);
    if (cp == NULL || ce == NULL) {
        gs_free(cp);
        gs_free(ce);
        return 0;
    }
    struct gs_error *err = p->err, perr = GS_ERROR_INIT; /* p's errors here are not reported */
    p->err = &perr;
#pragma omp parallel for num_threads(nt) schedule(static, 1)
    for (int k = 0; k < nt; k++)
        lines[k] = count_newlines(text + start[k], start[k + 1] - start[k]) + 1;
    slot[0] = 0;
    for (int k = 0; k < nt; k++)
        slot[k + 1] = slot[k] + lines[k];
    int ok = alloc_rows(p, slot[nt], 0) == GS_OK;
    if (ok) {
#pragma omp parallel for num_threads(nt) schedule(static, 1) reduction(&& : ok)
        for (int k = 0; k < nt; k++) {
            struct parser *c = &cp[k];
            c->origin = p->origin, c->err = &ce[k], c->sorted = 1, c->n_fields = p->n_fields;
            memcpy(c->col, p->col, sizeof c->col);
            memcpy(c->names, p->names, sizeof c->names);
            c->t = p->t + slot[k], c->c = p->c + slot[k], c->pr = p->pr + slot[k];
            c->ln = NULL, c->bq = p->bq + slot[k];
            c->cap_rows = lines[k], c->borrowed = 1, c->hint = lines[k] / 8;
            /* chunk 0's profile arrays become the file's (realloc of a large array asked for
             * huge pages moves it slowly): sized for every chunk's, only touched pages cost */
            c->prof_hint = k == 0 ? slot[nt] / 8 : 0;
            size_t at = start[k], l = 0;
            int have_header = 1;
            ok = parse_lines(c, text, &at, start[k + 1], &l, &have_header, 0) == GS_OK;
            lines[k] = l;
        }
    }
    int joined = ok ? join_distinct(p, cp, nt, slot, lines, line) : 0;
    ok = joined >= 0 && ok;
    uint32_t *map = NULL;
    if (ok && !joined) { /* chunk 0 becomes p's start; the others join it in order */
        p->prof = cp[0].prof, p->key = cp[0].key, p->n_prof = cp[0].n_prof;
        p->cap_prof = cp[0].cap_prof, p->text = cp[0].text, p->n_text = cp[0].n_text;
        p->cap_text = cp[0].cap_text, p->hash = cp[0].hash, p->hash_cap = cp[0].hash_cap;
        p->last = cp[0].last, p->sorted = cp[0].sorted, p->n_rows = cp[0].n_rows;
        cp[0].prof = NULL, cp[0].key = NULL, cp[0].text = NULL, cp[0].hash = NULL;
        for (size_t i = 0; i < p->n_prof; i++) {
            struct nca_prof *q = &p->prof[i];
            q->seq_line += q->seq_line ? line : 0, q->trt_line += q->trt_line ? line : 0;
            q->dose_line += q->dose_line ? line : 0;
        }
    }
    size_t base = line + lines[0];
    for (int k = 1; k < nt && ok && !joined; k++) {
        struct parser *c = &cp[k];
        gs_free(map);
        map = gs_malloc((c->n_prof ? c->n_prof : 1) * sizeof *map);
        if (map == NULL || merge_profiles(p, c, base, map) != 1) {
            ok = 0;
            break;
        }
        size_t n0 = p->n_rows; /* the chunk's rows move down to follow p's */
        for (size_t i = 0; i < c->n_rows; i++) {
            size_t j = n0 + i;
            uint32_t pr = map[c->pr[i]];
            double t = c->t[i];
            if (p->sorted && j > 0 &&
                (pr < p->pr[j - 1] || (pr == p->pr[j - 1] && t < p->t[j - 1])))
                p->sorted = 0;
            p->t[j] = t, p->c[j] = c->c[i], p->pr[j] = pr, p->bq[j] = c->bq[i];
        }
        p->n_rows += c->n_rows;
        base += lines[k];
    }
    gs_free(map);
    for (int k = 0; k < nt; k++)
        free_profiles(&cp[k]);
    gs_free(cp);
    gs_free(ce);
    if (!ok) { /* back to the state after the header */
        free_profiles(p);
        gs_free(p->t), gs_free(p->c), gs_free(p->pr), gs_free(p->ln), gs_free(p->bq);
        p->t = p->c = NULL, p->pr = p->ln = NULL, p->bq = NULL;
        p->n_rows = p->cap_rows = 0, p->sorted = 1, p->n_seg = 0;
    }
    p->err = err;
    return ok;
}

size_t nca_parallel_min_bytes = (size_t)1 << 20; /* the parallel reading pays from about 1 MB */
size_t nca_parallel_reads;
size_t nca_joins_in_place;

gs_status nca_parse_threads(gs_nca_data **out, const char *text, size_t len, const char *origin,
                            int threads, struct gs_error *err)
{
    if (out == NULL)
        return gs_error_set(err, GS_INPUT, "data", "no output pointer");
    *out = NULL;
    if (origin == NULL)
        origin = "data";
    if (text == NULL && len > 0)
        return gs_error_set(err, GS_INPUT, "data", "%s: no text", origin);
    if (len > (size_t)GS_NCA_MAX_BYTES)
        return gs_error_set(err, GS_INPUT, "data", "%s: %zu bytes; allowed at most %ld", origin,
                            len, GS_NCA_MAX_BYTES);
    struct parser p = {.origin = origin, .err = err, .sorted = 1};
    gs_nca_data *d = gs_calloc(1, sizeof *d);
    if (d == NULL)
        return gs_error_set(err, GS_NOMEM, "data", "%s: out of memory", origin);
    snprintf(d->origin, sizeof d->origin, "%s", origin);
    size_t pos = 0, line = 0;
    int have_header = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    gs_status st = parse_lines(&p, text, &pos, len, &line, &have_header, 1);
    if (threads <= 0)
        threads = omp_get_max_threads();
    if (st == GS_OK && have_header && threads > 1 && len - pos >= nca_parallel_min_bytes &&
        parse_parallel(&p, text, pos, len, line, threads)) {
        pos = len;
        nca_parallel_reads++;
    } else if (st == GS_OK && have_header) {
        size_t lines = count_newlines(text + pos, len - pos) + 1;
        p.hint = lines / 8;
        st = alloc_rows(&p, lines, 1);
    }
    if (st == GS_OK)
        st = parse_lines(&p, text, &pos, len, &line, &have_header, 0);
    if (st == GS_OK && !have_header)
        st = gs_error_set(err, GS_INPUT, "header",
                          "%s: no header line; allowed a CSV whose first line names the columns "
                          "(e.g. ID,TIME,CONC,DOSE)",
                          origin);
    if (st == GS_OK && p.n_prof == 0)
        st = gs_error_set(err, GS_INPUT, "data",
                          "%s: no concentrations after the header; allowed "
                          "one row per sample",
                          origin);
    if (st == GS_OK)
        st = build(&p, d);
    if (st == GS_OK)
        d->crossover = p.col[K_SEQ] >= 0;
    int redo = p.redo;
    gs_free(p.t);
    gs_free(p.c);
    gs_free(p.pr);
    gs_free(p.ln);
    gs_free(p.bq);
    free_profiles(&p);
    if (st != GS_OK) {
        gs_nca_data_free(d);
        if (redo) /* the parallel reading found an error it cannot name: the serial one can */
            return nca_parse_threads(out, text, len, origin, 1, err);
        return st;
    }
    *out = d;
    return GS_OK;
}

gs_status gs_nca_parse(gs_nca_data **out, const char *text, size_t len, const char *origin,
                       struct gs_error *err)
{
    return nca_parse_threads(out, text, len, origin, 0, err);
}

/* A regular file is mapped (read-only, pages populated up front), not copied; standard input,
 * pipes and empty or oversized files are read into memory as before. */
gs_status nca_read_threads(gs_nca_data **out, const char *path, int threads, struct gs_error *err)
{
    if (out)
        *out = NULL;
    if (path == NULL)
        return gs_error_set(err, GS_INPUT, "FILE", "no data file given");
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (f == NULL)
        return gs_error_set(err, errno == ENOENT || errno == EACCES ? GS_INPUT : GS_IO, "FILE",
                            "cannot open '%s': %s", path, strerror(errno));
    struct stat sb;
    if (!is_stdin && fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
        sb.st_size <= GS_NCA_MAX_BYTES) {
        size_t size = (size_t)sb.st_size;
#ifdef MAP_POPULATE
        void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fileno(f), 0);
#else
        void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fileno(f), 0);
#endif
        if (m != MAP_FAILED) {
            fclose(f);
            gs_status st = nca_parse_threads(out, m, size, path, threads, err);
            munmap(m, size);
            return st;
        }
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = gs_malloc(cap);
    gs_status st = GS_OK;
    while (buf != NULL) {
        if (len == cap) {
            if (cap > (size_t)GS_NCA_MAX_BYTES) {
                st = gs_error_set(err, GS_INPUT, "FILE",
                                  "%s: larger than %ld bytes; allowed at "
                                  "most that",
                                  path, GS_NCA_MAX_BYTES);
                break;
            }
            char *nb = gs_realloc(buf, 2 * cap);
            if (nb == NULL) {
                gs_free(buf);
                buf = NULL;
                break;
            }
            buf = nb, cap *= 2;
        }
        size_t k = fread(buf + len, 1, cap - len, f);
        len += k;
        if (k == 0)
            break;
    }
    if (buf == NULL)
        st = gs_error_set(err, GS_NOMEM, "FILE", "%s: out of memory", path);
    else if (st == GS_OK && ferror(f))
        st = gs_error_set(err, GS_IO, "FILE", "%s: read error", path);
    if (!is_stdin)
        fclose(f);
    if (st == GS_OK)
        st = nca_parse_threads(out, buf, len, is_stdin ? "<stdin>" : path, threads, err);
    gs_free(buf);
    return st;
}

gs_status gs_nca_read(gs_nca_data **out, const char *path, struct gs_error *err)
{
    return nca_read_threads(out, path, 0, err);
}

void gs_nca_data_free(gs_nca_data *d)
{
    if (d == NULL)
        return;
    gs_free(d->prof);
    gs_free(d->t);
    gs_free(d->c);
    gs_free(d->blq);
    gs_free(d->text);
    gs_free(d);
}

size_t gs_nca_data_n_profiles(const gs_nca_data *d)
{
    return d ? d->n_prof : 0;
}

int gs_nca_data_is_crossover(const gs_nca_data *d)
{
    return d ? d->crossover : 0;
}

void gs_nca_data_profile(const gs_nca_data *d, size_t p, struct gs_nca_profile_view *v)
{
    static const double none[1] = {0};
    static const unsigned char noflag[1] = {0};
    if (d == NULL || p >= d->n_prof) {
        *v = (struct gs_nca_profile_view){"", "", "", "", NAN, 0, none, none, noflag};
        return;
    }
    const struct nca_prof *q = &d->prof[p];
    *v = (struct gs_nca_profile_view){q->id, q->period,     q->sequence,   q->treatment,   q->dose,
                                      q->n,  d->t + q->off, d->c + q->off, d->blq + q->off};
}
