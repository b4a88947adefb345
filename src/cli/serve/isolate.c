/* isolate.c - every computation of the server runs in a process of its own, so that one that
 * takes longer than the time limit can be stopped (SIGKILL) without the library knowing about
 * cancellation, and a crash in it is a 500 answer instead of the end of the server.
 *
 * At start, before any thread exists, the server forks a "zygote": a small single-threaded
 * process that only waits on a socket. For a computation a worker thread makes a socket pair,
 * passes one end to the zygote (SCM_RIGHTS), and the zygote forks a child with it; forking a
 * single-threaded process is safe, unlike forking the threaded server. The child sends its pid,
 * reads the request, runs serve_compute() and writes the answer; progress frames may come
 * before it (trial jobs). The worker waits at most the time limit, then kills the child. The
 * zygote dies with the server (PR_SET_PDEATHSIG) and the children with the zygote. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "serve.h"

static int ctl_fd = -1; /* the server's end of the zygote's socket */
static pid_t zygote_pid;
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static int child_fd = -1; /* in a child: its socket (serve_child_progress) */

enum { FRAME_PID = 1, FRAME_PROGRESS = 2, FRAME_ANSWER = 3 };
struct frame {
    int32_t kind;
    int32_t status, document;
    int64_t a, b;      /* pid; done, total */
    uint64_t type_len; /* answer: Content-Type bytes */
    uint64_t body_len; /* answer: body bytes */
};
struct request_head {
    int32_t form;
    uint64_t method_len, path_len, body_len, csrf_len;
};

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t k = write(fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        c += k, n -= (size_t)k;
    }
    return 0;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* Reads n bytes before `deadline` (monotonic seconds; <= 0: none): 0, -1 on EOF or error, -2
 * when the time is up. */
static int read_all(int fd, void *p, size_t n, double deadline)
{
    char *c = p;
    while (n > 0) {
        if (deadline > 0) {
            double left = deadline - now_s();
            if (left <= 0)
                return -2;
            struct pollfd pf = {fd, POLLIN, 0};
            int r = poll(&pf, 1, (int)(left * 1000) + 1);
            if (r < 0 && errno == EINTR)
                continue;
            if (r == 0)
                return -2;
            if (r < 0)
                return -1;
        }
        ssize_t k = read(fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        c += k, n -= (size_t)k;
    }
    return 0;
}

static char *read_string(int fd, uint64_t n)
{
    if (n > (uint64_t)SERVE_MAX_BODY * 64)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s && read_all(fd, s, (size_t)n, 0) != 0) {
        free(s);
        return NULL;
    }
    if (s)
        s[n] = '\0';
    return s;
}

void serve_child_progress(long done, long total)
{
    struct frame f = {.kind = FRAME_PROGRESS, .a = done, .b = total};
    if (child_fd >= 0)
        write_all(child_fd, &f, sizeof f);
}

/* A child of the zygote: one request, one answer. */
static void child(int fd)
{
    child_fd = fd;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGCHLD, SIG_DFL);
    struct frame f = {.kind = FRAME_PID, .a = getpid()};
    struct request_head h;
    if (write_all(fd, &f, sizeof f) || read_all(fd, &h, sizeof h, 0))
        _exit(1);
    char *method = read_string(fd, h.method_len), *path = read_string(fd, h.path_len);
    char *body = read_string(fd, h.body_len), *csrf = read_string(fd, h.csrf_len);
    if (!method || !path || !body || !csrf)
        _exit(1);
    struct serve_req rq = {method, path, body, (size_t)h.body_len, h.form, csrf};
    struct serve_resp rs = {0};
    serve_compute(&rq, &rs);
    const char *type = rs.type ? rs.type : "text/plain";
    struct frame a = {.kind = FRAME_ANSWER,
                      .status = (int32_t)rs.status,
                      .document = rs.document,
                      .type_len = strlen(type),
                      .body_len = rs.body.failed ? 0 : rs.body.n};
    if (rs.body.failed)
        a.status = 500;
    if (write_all(fd, &a, sizeof a) || write_all(fd, type, a.type_len) ||
        write_all(fd, rs.body.p ? rs.body.p : "", (size_t)a.body_len))
        _exit(1);
    _exit(0);
}

static void zygote(int ctl, pid_t server)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != server)
        _exit(0);
    signal(SIGCHLD, SIG_IGN); /* children are reaped by the kernel */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, SIG_IGN); /* Ctrl-C is the server's to handle; the server's end closing ends
                                us (EOF below) */
    for (;;) {
        char byte;
        char cbuf[CMSG_SPACE(sizeof(int))];
        struct iovec iov = {&byte, 1};
        struct msghdr m = {
            .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
        ssize_t k = recvmsg(ctl, &m, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            _exit(0);
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        if (c == NULL || c->cmsg_type != SCM_RIGHTS)
            continue;
        int fd;
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
        pid_t pid = fork();
        if (pid == 0) {
            close(ctl);
            signal(SIGINT, SIG_DFL);
            child(fd);
        }
        close(fd);
    }
}

int serve_isolate_start(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    pid_t server = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(sv[0]);
        zygote(sv[1], server);
    }
    close(sv[1]);
    ctl_fd = sv[0];
    zygote_pid = pid;
    return 0;
}

void serve_isolate_stop(void)
{
    if (ctl_fd >= 0) {
        close(ctl_fd);
        ctl_fd = -1;
        waitpid(zygote_pid, NULL, 0);
    }
}

static int send_fd(int fd)
{
    char byte = 'r';
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = {&byte, 1};
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    pthread_mutex_lock(&ctl_lock);
    ssize_t k = ctl_fd < 0 ? -1 : sendmsg(ctl_fd, &m, MSG_NOSIGNAL);
    pthread_mutex_unlock(&ctl_lock);
    return k == 1 ? 0 : -1;
}

int serve_isolated(const struct serve_req *rq, struct serve_resp *rs, double timeout_s,
                   const struct serve_isolation *iso)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        serve_fail(rs, 503, "server", "cannot start the computation (no socket)");
        return -1;
    }
    int ok = send_fd(sv[1]) == 0;
    close(sv[1]);
    if (!ok) {
        close(sv[0]);
        serve_fail(rs, 503, "server", "cannot start the computation (the worker process is gone)");
        return -1;
    }
    double deadline = now_s() + timeout_s;
    struct request_head h = {rq->form, strlen(rq->method), strlen(rq->path), rq->body_len,
                             strlen(rq->csrf)};
    struct frame f;
    pid_t pid = 0;
    int r = -1;
    if (write_all(sv[0], &h, sizeof h) == 0 && write_all(sv[0], rq->method, h.method_len) == 0 &&
        write_all(sv[0], rq->path, h.path_len) == 0 &&
        write_all(sv[0], rq->body, h.body_len) == 0 && write_all(sv[0], rq->csrf, h.csrf_len) == 0)
        for (;;) {
            if (iso && iso->cancelled && *iso->cancelled) {
                r = -3;
                break;
            }
            /* wake at least every half second to see a cancellation */
            double step = deadline;
            if (iso && iso->cancelled && now_s() + 0.5 < deadline)
                step = now_s() + 0.5;
            r = read_all(sv[0], &f, sizeof f, step);
            if (r == -2 && step < deadline)
                continue;
            if (r != 0)
                break;
            if (f.kind == FRAME_PID) {
                pid = (pid_t)f.a;
                if (iso && iso->pid)
                    *iso->pid = pid;
            } else if (f.kind == FRAME_PROGRESS && iso && iso->on_progress)
                iso->on_progress(iso->ctx, (long)f.a, (long)f.b);
            else if (f.kind == FRAME_ANSWER)
                break;
        }
    if (r == 0 && f.kind == FRAME_ANSWER) {
        char *type = read_string(sv[0], f.type_len), *body = read_string(sv[0], f.body_len);
        if (type && body) {
            static const char *const types[] = {"application/json", "image/svg+xml",
                                                "text/html; charset=utf-8", "text/plain"};
            rs->type = "text/plain";
            for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
                if (strcmp(type, types[i]) == 0)
                    rs->type = types[i];
            free(rs->body.p);
            rs->body = (struct sbuf){body, (size_t)f.body_len, (size_t)f.body_len + 1, 0};
            rs->status = (unsigned)f.status;
            rs->document = f.document;
            body = NULL;
        } else
            r = -1;
        free(type);
        free(body);
    }
    if (r != 0 && pid > 0)
        kill(pid, SIGKILL); /* the zygote reaps it */
    close(sv[0]);
    if (r == -2) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "the computation took longer than the time limit (%g s) and was stopped; ask "
                 "for less (fewer days, virtual patients, draws or replicates)",
                 timeout_s);
        serve_fail(rs, 504, "request-timeout", msg);
    } else if (r == -3)
        serve_fail(rs, 409, "job", "cancelled");
    else if (r != 0)
        serve_fail(rs, 500, "server", "the computation ended without an answer");
    return r;
}
