/* util.c - buffers, JSON errors, and requests turned into command-line arguments. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve.h"

void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void sbuf_puts(struct sbuf *b, const char *s)
{
    sbuf_add(b, s, strlen(s));
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        sbuf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (big == NULL) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sbuf_add(b, big, (size_t)n);
    free(big);
}

void sbuf_json_str(struct sbuf *b, const char *s)
{
    sbuf_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            sbuf_printf(b, "\\%c", *p);
        else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
            sbuf_printf(b, "\\u%04x", *p);
        else
            sbuf_add(b, (const char *)p, 1);
    }
    sbuf_add(b, "\"", 1);
}

void sbuf_html(struct sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            sbuf_puts(b, "&amp;");
            break;
        case '<':
            sbuf_puts(b, "&lt;");
            break;
        case '>':
            sbuf_puts(b, "&gt;");
            break;
        case '"':
            sbuf_puts(b, "&quot;");
            break;
        case '\'':
            sbuf_puts(b, "&#39;");
            break;
        default:
            sbuf_add(b, s, 1);
        }
    }
}

void serve_json(struct serve_resp *rs, unsigned status, char *owned, size_t len)
{
    rs->status = status;
    rs->type = "application/json";
    free(rs->body.p);
    rs->body = (struct sbuf){owned, len, len + 1, 0};
}

void serve_fail(struct serve_resp *rs, unsigned status, const char *field, const char *msg)
{
    struct sbuf b = {0};
    sbuf_puts(&b, "{\"error\":");
    sbuf_json_str(&b, msg);
    sbuf_puts(&b, ",\"field\":");
    sbuf_json_str(&b, field ? field : "");
    sbuf_puts(&b, "}\n");
    free(rs->body.p);
    rs->body = b;
    rs->status = status;
    rs->type = "application/json";
    rs->document = 0;
}

void serve_error(struct serve_resp *rs, const struct gs_error *err)
{
    serve_fail(rs, err->code == GS_INPUT ? 400 : 500, err->field,
               err->msg[0] ? err->msg : gs_status_str(err->code));
}

gs_status serve_check_drug(const char *drug, struct gs_error *err)
{
    size_t n = strlen(drug);
    for (const char *p = drug; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '_'))
            n = 0;
    if (n == 0 || n > 64)
        return gs_error_set(err, GS_INPUT, "--drug",
                            "'--drug' is '%.64s'; the server takes a drug name from the library "
                            "(gabapentin, pregabalin; see 'gabasim drugs'), not a file",
                            drug);
    return GS_OK;
}

static const struct option *find_opt(const struct option *t, const char *name)
{
    for (; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

static int name_ok(const char *name)
{
    if (*name == '\0' || strlen(name) > 40)
        return 0;
    for (; *name; name++)
        if (!(islower((unsigned char)*name) || isdigit((unsigned char)*name) || *name == '-'))
            return 0;
    return 1;
}

/* Appends "--name" or "--name=value". */
static gs_status push(struct serve_argv *av, const char *name, const char *value,
                      struct gs_error *err)
{
    if (av->argc >= SERVE_MAX_ARGS - 1)
        return gs_error_set(err, GS_INPUT, name, "too many values (more than %d)",
                            SERVE_MAX_ARGS - 1);
    av->off[av->argc++] = av->store.n;
    sbuf_puts(&av->store, "--");
    sbuf_puts(&av->store, name);
    if (value) {
        sbuf_add(&av->store, "=", 1);
        sbuf_puts(&av->store, value);
    }
    sbuf_add(&av->store, "", 1); /* the terminating NUL stays in the store */
    return av->store.failed ? gs_error_set(err, GS_NOMEM, name, "out of memory") : GS_OK;
}

static void finish(struct serve_argv *av)
{
    for (int i = 0; i < av->argc; i++)
        av->argv[i] = av->store.p + av->off[i];
    av->argv[av->argc] = NULL;
}

static gs_status push_json(struct serve_argv *av, const struct option *t, const char *name,
                           const cJSON *v, struct gs_error *err)
{
    const struct option *o = find_opt(t, name);
    int flag = o && o->type == OPT_T_FLAG;
    char num[64];
    if (cJSON_IsNull(v) || cJSON_IsFalse(v))
        return GS_OK;
    if (cJSON_IsTrue(v))
        return flag ? push(av, name, NULL, err) : push(av, name, "true", err);
    if (flag)
        return gs_error_set(err, GS_INPUT, name, "'--%s' is a flag: give true or false", name);
    if (cJSON_IsString(v))
        return push(av, name, v->valuestring, err);
    if (cJSON_IsNumber(v)) {
        snprintf(num, sizeof num, "%.17g", v->valuedouble);
        return push(av, name, num, err);
    }
    return gs_error_set(err, GS_INPUT, name,
                        "'--%s' takes a string, a number or true/false (or a list of them)", name);
}

gs_status serve_args_json(const cJSON *obj, const struct option *t, struct serve_argv *av,
                          struct gs_error *err)
{
    gs_status st = GS_OK;
    if (!cJSON_IsObject(obj))
        return gs_error_set(err, GS_INPUT, "body", "the request body is not a JSON object");
    for (const cJSON *it = obj->child; it && st == GS_OK; it = it->next) {
        if (!name_ok(it->string))
            return gs_error_set(err, GS_INPUT, "body",
                                "option name '%.40s' is not one of a-z, 0-9 and '-'", it->string);
        if (cJSON_IsArray(it)) {
            for (const cJSON *e = it->child; e && st == GS_OK; e = e->next)
                st = cJSON_IsArray(e) || cJSON_IsObject(e)
                         ? gs_error_set(err, GS_INPUT, it->string, "'--%s' lists plain values",
                                        it->string)
                         : push_json(av, t, it->string, e, err);
        } else
            st = push_json(av, t, it->string, it, err);
    }
    finish(av);
    return st;
}

static int hexval(int c)
{
    return isdigit(c)               ? c - '0'
           : (c >= 'a' && c <= 'f') ? c - 'a' + 10
           : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                    : -1;
}

/* Decodes one form component in place (+ is a space, %XX a byte); -1 on a bad escape. */
static int form_decode(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '+')
            *w++ = ' ';
        else if (*r == '%') {
            int h = hexval((unsigned char)r[1]), l = h < 0 ? -1 : hexval((unsigned char)r[2]);
            if (h < 0 || l < 0)
                return -1;
            *w++ = (char)(h * 16 + l);
            r += 2;
        } else
            *w++ = *r;
    }
    *w = '\0';
    return 0;
}

static gs_status args_form(char *body, const struct option *t, struct serve_argv *av,
                           struct gs_error *err)
{
    char *save = NULL;
    for (char *kv = strtok_r(body, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        char *value = eq ? eq + 1 : kv + strlen(kv); /* no "=": an empty value */
        if (eq)
            *eq = '\0';
        if (form_decode(kv) || form_decode(value))
            return gs_error_set(err, GS_INPUT, "body", "the form has a bad %%-escape");
        if (strcmp(kv, "csrf") == 0 || strcmp(kv, "label") == 0 || *value == '\0')
            continue;
        if (!name_ok(kv))
            return gs_error_set(err, GS_INPUT, "body",
                                "form field '%.40s' is not one of a-z, 0-9 and '-'", kv);
        const struct option *o = find_opt(t, kv);
        gs_status st;
        if (o && o->type == OPT_T_FLAG) {
            if (strcmp(value, "on") != 0 && strcmp(value, "true") != 0)
                return gs_error_set(err, GS_INPUT, kv, "'--%s' is a flag: 'on' or nothing", kv);
            st = push(av, kv, NULL, err);
        } else
            st = push(av, kv, value, err);
        if (st)
            return st;
    }
    return GS_OK;
}

gs_status serve_args(const char *body, size_t len, int form, const struct option *t,
                     struct serve_argv *av, struct gs_error *err)
{
    memset(av, 0, sizeof *av);
    if (form) {
        char *copy = malloc(len + 1);
        if (copy == NULL)
            return gs_error_set(err, GS_NOMEM, "body", "out of memory");
        memcpy(copy, body, len);
        copy[len] = '\0';
        gs_status st = args_form(copy, t, av, err);
        free(copy);
        finish(av);
        return st;
    }
    const char *end = NULL;
    cJSON *obj = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    if (obj == NULL)
        return gs_error_set(err, GS_INPUT, "body", "the request body is not JSON (at byte %ld)",
                            end ? (long)(end - body) : 0L);
    gs_status st = serve_args_json(obj, t, av, err);
    cJSON_Delete(obj);
    return st;
}

void serve_argv_release(struct serve_argv *av)
{
    free(av->store.p);
    memset(av, 0, sizeof *av);
}

gs_status serve_svg_take(const char *path, gs_status st, struct sbuf *out, int json,
                         struct gs_error *err)
{
    if (st == GS_OK) {
        FILE *in = fopen(path, "rb");
        char chunk[16384];
        size_t k;
        struct sbuf all = {0};
        while (in && (k = fread(chunk, 1, sizeof chunk, in)) > 0)
            sbuf_add(&all, chunk, k);
        if (in == NULL || ferror(in) || all.failed || all.p == NULL || !strstr(all.p, "<svg"))
            st = gs_error_set(err, GS_IO, "--plot", "reading the plot back failed");
        else if (json)
            sbuf_json_str(out, strstr(all.p, "<svg"));
        else
            sbuf_puts(out, strstr(all.p, "<svg"));
        if (in)
            fclose(in);
        free(all.p);
    }
    unlink(path);
    return st;
}
