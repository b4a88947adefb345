#!/usr/bin/env python3
"""serve_test.py - `gabasim serve` through HTTP (standard library only).

usage: serve_test.py api GABASIM       the JSON API against the command line, security checks,
                                       the database across a restart
       serve_test.py kill GABASIM      SIGKILL under concurrent writes, repeatedly: every
                                       acknowledged record survives, PRAGMA integrity_check ok
Prints TAP-like lines; exits 1 on a failure."""
import http.client
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

GS = os.path.realpath(sys.argv[2])
TMP = tempfile.mkdtemp(prefix="gabasim-serve-test-")
passed = failed = 0


def check(cond, desc, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok - {desc}")
    else:
        failed += 1
        print(f"not ok - {desc}: {detail}"[:2000])


class Server:
    """A server on a free port with its own database; `session()` gets the CSRF token."""

    def __init__(self, db, *extra):
        env = dict(os.environ, TMPDIR=TMP)
        self.p = subprocess.Popen([GS, "serve", "--port", "0", "--db", db, *extra],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        self.line = self.p.stdout.readline()
        m = re.search(r":(\d+)/", self.line)
        if not m:
            raise RuntimeError(f"no port in {self.line!r}; stderr {self.p.stderr.read()!r}")
        self.port = int(m.group(1))
        self.token = None
        self.cookie = ""

    def request(self, method, path, body=None, headers=None, ctype="application/json"):
        h = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.token and method != "GET":
            h["X-CSRF-Token"] = self.token
        if body is not None:
            h["Content-Type"] = ctype
            if not isinstance(body, (bytes, str)):
                body = json.dumps(body)
        h.update(headers or {})
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, dict(r.getheaders()), data

    def session(self):
        st, h, data = self.request("GET", "/api/session")
        self.token = json.loads(data)["csrf"]
        self.cookie = h["Set-Cookie"].split(";")[0]
        return st

    def stop(self, sig=signal.SIGTERM):
        self.p.send_signal(sig)
        return self.p.wait(timeout=30)


def cli(*args):
    r = subprocess.run([GS, *args], capture_output=True)
    return r.returncode, r.stdout, r.stderr.decode()


def api():
    db = os.path.join(TMP, "api.db")
    s = Server(db)
    check(s.line.startswith("gabasim serve: open http://127.0.0.1:"), "prints the address to open", s.line)
    st, h, _ = s.request("GET", "/")
    check(st == 200 and "script-src 'self'" in h.get("Content-Security-Policy", ""), "home page with a CSP", h)
    check(h.get("X-Frame-Options") == "DENY" and h.get("X-Content-Type-Options") == "nosniff",
          "frame and sniffing headers")
    check(s.session() == 200 and re.fullmatch(r"[0-9a-f]{64}", s.token), "session gives a 256-bit CSRF token")
    check("SameSite=Strict" in h.get("Set-Cookie", ""), "the CSRF cookie is SameSite=Strict", h.get("Set-Cookie"))

    patients = [
        {"crcl": "60", "age": "80", "with": ["morphine"], "pain": "radicular"},
        {"drug": "pregabalin", "scr": "1.4mg/dL", "age": 72, "sex": "female", "weight": "70kg",
         "days": 21, "n": 200},
        {"dialysis": True, "age": "67", "pain": "radicular"},
    ]
    for i, p in enumerate(patients):
        args = []
        for k, v in p.items():
            for x in v if isinstance(v, list) else [v]:
                args += [f"--{k}"] if x is True else [f"--{k}", str(x)]
        rc, want, _ = cli("advise", *args, "--json")
        st, h, got = s.request("POST", "/api/advise", p)
        check(rc == 0 and st == 200 and got == want, f"patient {i}: /api/advise is byte for byte 'advise --json'",
              f"status {st}, {len(got)} vs {len(want)} bytes")
        page = os.path.join(TMP, f"p{i}.html")
        cli("advise", *args, "--html", page)
        want_html = open(page, "rb").read()
        st, h, got = s.request("POST", "/api/advise.html", p)
        check(st == 200 and got == want_html, f"patient {i}: /api/advise.html is 'advise --html'",
              f"status {st}")
        check("script-src" not in h["Content-Security-Policy"] and "default-src 'none'" in h["Content-Security-Policy"],
              f"patient {i}: the advice page may run no script", h["Content-Security-Policy"])
    # the Regimen explorer's requests: population --json and --plot
    pop = {"drug": "gabapentin", "dose": "600mg", "every": "12h", "days": 7, "n": 200, "miss": ["36h"],
           "extra": ["300mg@20h"], "crcl": "50"}
    args = ["--drug", "gabapentin", "--dose", "600mg", "--every", "12h", "--days", "7", "--n", "200",
            "--miss", "36h", "--extra", "300mg@20h", "--crcl", "50"]
    rc, want, _ = cli("population", *args, "--json", "--quiet")
    st, _, got = s.request("POST", "/api/population", pop)
    check(rc == 0 and st == 200 and got == want, "/api/population is byte for byte 'population --json'",
          f"{st} {got[:200]!r}")
    svgfile = os.path.join(TMP, "pop.svg")
    cli("population", *args, "--plot", svgfile, "--quiet")
    wsvg = open(svgfile, "rb").read()
    st, h, got = s.request("POST", "/api/population.svg", pop)
    check(st == 200 and h.get("Content-Type") == "image/svg+xml" and got == wsvg[wsvg.index(b"<svg"):],
          "/api/population.svg is 'population --plot FILE.svg'", st)
    st, _, got = s.request("POST", "/api/population", {"drug": "gabapentin", "dose": "300mg", "every": "8h",
                                                      "n": 6000})
    check(st == 400 and b"'--n'" in got, "the server caps --n at 5000", got)

    # the Evidence page's requests: meta --json and the forest plot, the table in the body
    root = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..")
    bcg = os.path.join(root, "examples", "bcg-colditz1994-moderators.csv")
    opts = {"measure": "OR", "method": "dl", "egger": True, "mods": "ablat", "favours": "vaccine,control"}
    margs = ["--measure", "OR", "--method", "dl", "--egger", "--mods", "ablat", "--favours", "vaccine,control"]
    rc, want, _ = cli("meta", bcg, *margs, "--json")
    st, _, got = s.request("POST", "/api/meta", {"table": open(bcg).read(), **opts})
    check(rc == 0 and st == 200 and got == want, "/api/meta is byte for byte 'meta FILE --json'", f"{st} {got[:200]!r}")
    fsvg = os.path.join(TMP, "forest.svg")
    cli("meta", bcg, *margs, "--plot", fsvg)
    wsvg = open(fsvg, "rb").read()
    st, _, got = s.request("POST", "/api/meta.svg", {"table": open(bcg).read(), **opts})
    check(st == 200 and got == wsvg[wsvg.index(b"<svg"):], "/api/meta.svg is 'meta --plot FILE.svg'", st)
    st, _, got = s.request("POST", "/api/meta", {"table": "study,a1,n1\nx,1,2\n"})
    check(st == 400 and b"header" in got, "a malformed table: 400 naming the header", got)
    st, _, got = s.request("POST", "/api/meta", {"measure": "RR"})
    check(st == 400 and b"'table'" in got, "no table: 400", got)

    # the Levels page's request: tdm --json, byte for byte, and its messages
    tdm = {"drug": "gabapentin", "dose": "300mg", "every": "8h", "days": 2, "crcl": 35, "age": 70,
           "level": ["6.1mg/L@38h", "4.2ug/mL@47h"], "target": "trough=4mg/L", "draws": 200, "target-draws": 50}
    targs = ["--drug", "gabapentin", "--dose", "300mg", "--every", "8h", "--days", "2", "--crcl", "35", "--age", "70",
             "--level", "6.1mg/L@38h", "--level", "4.2ug/mL@47h", "--target", "trough=4mg/L", "--draws", "200",
             "--target-draws", "50"]
    rc, want, _ = cli("tdm", *targs, "--json")
    st, _, got = s.request("POST", "/api/tdm", tdm)
    check(rc == 0 and st == 200 and got == want, "/api/tdm is byte for byte 'tdm --json'", f"{st} {got[:200]!r}")
    for body, args in [({**tdm, "level": ["6.1mg/L"]}, [*targs[:12], "--level", "6.1mg/L"]),
                       ({**tdm, "target": "peak=4"}, [*targs[:16], "--target", "peak=4"]),
                       ({**tdm, "probability": 2}, [*targs, "--probability", "2"])]:
        rc, _, err = cli("tdm", *args)
        st, _, got = s.request("POST", "/api/tdm", body)
        msg = json.loads(got).get("error", "") if got.startswith(b"{") else ""
        check(rc == 2 and st == 400 and err.strip() == f"gabasim: error: {msg}",
              f"tdm {list(body.items())[-1]}: 400 with the command line's message", f"{st} {got[:200]!r} vs {err!r}")
    st, _, got = s.request("POST", "/api/tdm", {**tdm, "draws": 50000})
    check(st == 400 and b"'--draws'" in got, "the server caps tdm's --draws", got)
    st, _, got = s.request("POST", "/api/tdm", {**tdm, "drug": "/etc/passwd"})
    check(st == 400 and b"not a file" in got, "tdm: a drug file path is refused", got)
    st, _, got = s.request("POST", "/api/runs", {"kind": "tdm", "label": "levels", "inputs": tdm})
    trun = json.loads(got).get("id") if st == 201 else None
    st2, _, got2 = s.request("GET", f"/api/runs/{trun}")
    check(st == 201 and st2 == 200 and got2.rstrip(b"\n") == want.rstrip(b"\n"),
          "a tdm run saved: its result is 'tdm --json'", f"{st} {st2} {got[:200]!r}")
    st, _, got = s.request("POST", "/api/runs", {"kind": "tdm", "inputs": {**tdm, "level": []}})
    check(st == 400 and b"'--level'" in got, "a tdm run without levels is not saved", got)
    st, _, got = s.request("GET", "/api/runs")
    check(st == 200 and any(r["kind"] == "tdm" and r["id"] == trun for r in json.loads(got)), "runs list the tdm run",
          got[:200])

    # the Trial designer's job: `trial SPEC --replicates R --n-grid ... --json` and its --plot
    specfile = os.path.join(root, "examples", "clbp-gabapentin-power-trial.json")
    spec = json.load(open(specfile))
    job = {"spec": spec, "replicates": 10, "n-grid": "10,20", "seed": 7}
    st, _, got = s.request("POST", "/api/trial/jobs", job)
    jid = json.loads(got).get("id") if st == 202 else None
    check(st == 202 and jid, "a trial job starts: 202 with its id", got)
    t0, doc = time.time(), {}
    while time.time() - t0 < 300:
        st, _, got = s.request("GET", f"/api/trial/jobs/{jid}")
        doc = json.loads(got)
        if doc.get("state") != "running":
            break
        time.sleep(0.3)
    psvg = os.path.join(TMP, "power.svg")
    rc, want, _ = cli("trial", specfile, "--replicates", "10", "--n-grid", "10,20", "--seed", "7", "--json", "--quiet",
                      "--plot", psvg)
    want = json.loads(want) if rc == 0 else {}
    for d in (want, doc.get("result", {})):
        d.pop("spec", None)  # the file's name, or "spec" for the request's
    check(doc.get("state") == "done" and doc.get("done") == doc.get("total") > 0 and doc.get("result") == want,
          "the job's result is 'trial SPEC --replicates --json'", str(doc)[:300])
    wsvg = open(psvg).read() if rc == 0 else "?"
    check(doc.get("plot_svg") == wsvg[wsvg.find("<svg"):], "the job's plot is 'trial --plot FILE.svg' (the power curve)")
    for body, field in [({"replicates": 10}, b"'spec'"), ({"spec": spec}, b"'--replicates'"),
                        ({"spec": spec, "replicates": 6000}, b"'--replicates'"),
                        ({"spec": {**spec, "duration_weeks": 80}, "replicates": 5}, b"duration_weeks"),
                        ({"spec": {**spec, "population": "/etc/passwd"}, "replicates": 5}, b"not files"),
                        ({"spec": spec, "replicates": 5, "n-grid": "10,"}, b"'--n-grid'")]:
        st, _, got = s.request("POST", "/api/trial/jobs", body)
        check(st == 400 and field in got and got.count(b"\n") == 1, f"trial job {field.decode()}: 400, one line", got)
    long = {"spec": spec, "replicates": 5000, "n-grid": "200,400"}
    ids = [json.loads(s.request("POST", "/api/trial/jobs", long)[2]).get("id") for _ in range(2)]
    st, _, got = s.request("POST", "/api/trial/jobs", long)
    check(st == 503 and b"running" in got, "a third job while two run: 503", got)
    for i in ids:
        s.request("DELETE", f"/api/trial/jobs/{i}")
    t0 = time.time()
    while time.time() - t0 < 20 and any(json.loads(s.request("GET", f"/api/trial/jobs/{i}")[2])["state"] == "running"
                                        for i in ids):
        time.sleep(0.2)
    states = [json.loads(s.request("GET", f"/api/trial/jobs/{i}")[2])["state"] for i in ids]
    check(states == ["cancelled", "cancelled"], f"DELETE cancels running jobs ({time.time() - t0:.1f} s)", states)
    st, _, _ = s.request("GET", "/api/trial/jobs/99")
    check(st == 404, "an unknown job: 404", st)

    # the Patient page's form (urlencoded, hidden csrf field, no header)
    form = "csrf=%s&drug=gabapentin&age=80&sex=&crcl=60&pain=radicular&with=morphine&label=" % s.token
    st, h, got = s.request("POST", "/advice", form, ctype="application/x-www-form-urlencoded",
                           headers={"X-CSRF-Token": ""})
    stripped = re.sub(rb'\n<nav id="app-nav".*?</nav>', b"", got, count=1)
    check(st == 200 and stripped == open(os.path.join(TMP, "p0.html"), "rb").read(),
          "the Patient form's advice page is 'advise --html' plus the link bar", f"status {st}")

    # errors: the command line's one-line messages, as JSON
    for body, args in [({"crcl": "60", "age": "200"}, ["--crcl", "60", "--age", "200"]),
                       ({"crcl": "60", "bogus": "1"}, ["--crcl", "60", "--bogus=1"]),
                       ({"crcl": "60", "days": "0"}, ["--crcl", "60", "--days", "0"]),
                       ({"crcl": "60", "with": ["nosuchdrug"]}, ["--crcl", "60", "--with", "nosuchdrug"])]:
        rc, _, err = cli("advise", *args)
        st, _, got = s.request("POST", "/api/advise", body)
        msg = json.loads(got).get("error", "") if got.startswith(b"{") else ""
        check(rc == 2 and st == 400 and err.strip() == f"gabasim: error: {msg}",
              f"{json.dumps(body)}: 400 with the command line's message", f"{st} {got[:200]!r} vs {err!r}")
    st, _, got = s.request("POST", "/api/advise", {"drug": "../../../etc/passwd", "crcl": "60"})
    check(st == 400 and b"not a file" in got, "a drug file path is refused", got)
    st, _, got = s.request("POST", "/api/advise", "{not json")
    check(st == 400 and b"not JSON" in got, "malformed JSON: 400", got)
    st, _, got = s.request("POST", "/api/advise", {"crcl": {"x": 1}})
    check(st == 400, "a nested object: 400", got)
    st, _, got = s.request("POST", "/api/advise", {"crcl": "60"}, headers={"X-CSRF-Token": "0" * 64})
    check(st == 403 and b"CSRF" in got, "wrong CSRF token: 403", got)
    st, _, got = s.request("POST", "/api/advise", {"crcl": "60"}, headers={"Cookie": ""})
    check(st == 403, "no CSRF cookie: 403", got)
    st, _, got = s.request("POST", "/api/advise", {"crcl": "60"}, headers={"Origin": "http://evil.example"})
    check(st == 403 and b"origin" in got, "another Origin: 403", got)
    st, _, got = s.request("GET", "/", headers={"Host": "evil.example"})
    check(st == 403, "a foreign Host header (DNS rebinding): 403", got)
    st, _, got = s.request("POST", "/api/advise", "x" * (2 << 20))
    check(st == 413, "a 2 MiB body: 413", st)
    for path in ["/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/patient.html",
                 "/etc/passwd", "/api/patients/../runs"]:
        st, _, got = s.request("GET", path)
        check(st in (400, 404) and b"root:" not in got, f"GET {path}: {st}, nothing served", got[:100])
    st, _, _ = s.request("PUT", "/patient")
    check(st in (403, 405), "PUT on a page: refused", st)

    # the database
    st, _, got = s.request("POST", "/api/patients", {"label": "Mrs A", "inputs": patients[0]})
    pid = json.loads(got).get("id") if st == 201 else None
    check(st == 201 and pid == 1, "a patient saved: 201 with its id", got)
    st, _, got = s.request("POST", "/api/patients", {"label": "bad", "inputs": {"crcl": "60", "age": "5"}})
    check(st == 400 and b"'--age'" in got, "a patient with a bad age is not saved", got)
    st, _, got = s.request("POST", f"/api/patients/{pid}/levels", {"time": "30h", "level": "5.2ug/mL"})
    check(st == 201, "a level saved", got)
    st, _, got = s.request("POST", f"/api/patients/{pid}/levels", {"time": "30h", "level": "-1mg/L"})
    check(st == 400, "a negative level: 400", got)
    st, _, got = s.request("POST", "/api/patients/999/levels", {"time": "1h", "level": "1mg/L"})
    check(st == 404, "a level for no patient: 404", got)
    st, _, got = s.request("POST", "/api/runs", {"kind": "advise", "patient_id": pid, "label": "first",
                                                 "inputs": patients[0]})
    run = json.loads(got).get("id") if st == 201 else None
    check(st == 201, "a run saved", got)
    st, _, got = s.request("GET", f"/api/runs/{run}")
    rc, want, _ = cli("advise", "--crcl", "60", "--age", "80", "--with", "morphine", "--pain", "radicular", "--json")
    check(st == 200 and got.rstrip(b"\n") == want.rstrip(b"\n"), "the saved run's result is 'advise --json'",
          f"{st}")
    st, _, got = s.request("POST", "/api/patients", {"label": "to delete", "inputs": {"crcl": "30"}})
    gone = json.loads(got)["id"]
    st, _, _ = s.request("DELETE", f"/api/patients/{gone}")
    st2, _, _ = s.request("GET", f"/api/patients/{gone}")
    check(st == 200 and st2 == 404, "a deleted patient is gone", f"{st} {st2}")
    check(s.stop() == 0, "SIGTERM stops the server with status 0")
    s = Server(db)
    st, _, got = s.request("GET", f"/api/patients/{pid}")
    doc = json.loads(got)
    check(st == 200 and doc["label"] == "Mrs A" and doc["levels"][0]["level_mg_l"] == 5.2 and doc["runs"] == [run],
          "after a restart: the patient, its level and its run", got)
    s.stop()
    con = sqlite3.connect(db)
    check(con.execute("PRAGMA user_version").fetchone()[0] == 2, "schema version 2 (two migrations)")
    check(con.execute("SELECT count(*) FROM runs WHERE kind = 'tdm'").fetchone()[0] == 1, "the tdm run is in the file")
    check(con.execute("PRAGMA journal_mode").fetchone()[0] == "wal", "WAL journal")
    con.close()

    # docs/openapi.json: an OpenAPI 3 document naming every API path the server's sources route
    root = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..")
    spec = json.load(open(os.path.join(root, "docs", "openapi.json")))
    check(spec.get("openapi", "").startswith("3."), "docs/openapi.json is OpenAPI 3")
    src = "".join(open(os.path.join(root, "src", "cli", "serve", f)).read()
                  for f in os.listdir(os.path.join(root, "src", "cli", "serve")) if f.endswith(".c"))
    routed = set(re.findall(r'"(/api/[a-z.]+)/?"', src))
    undocumented = [r for r in routed if not any(p == r or p.startswith(r + "/") for p in spec["paths"])]
    check(routed and not undocumented, f"every routed API path is in docs/openapi.json ({len(routed)})",
          undocumented)
    try:
        from openapi_spec_validator import validate
        validate(spec)
        check(True, "docs/openapi.json validates (openapi-spec-validator)")
    except ImportError:
        print("# openapi-spec-validator not installed: the document's schema is not checked")

    # beyond loopback: the access token
    s = Server(os.path.join(TMP, "bind.db"), "--bind", "0.0.0.0")
    tok = re.search(r"token=([0-9a-f]{64})", s.line)
    check(tok is not None, "--bind prints the access token")
    st, _, _ = s.request("GET", "/api/health")
    check(st == 403, "without the token: 403", st)
    st, h, _ = s.request("GET", f"/?token={tok.group(1) if tok else ''}")
    check(st == 303 and "gs_token=" in h.get("Set-Cookie", ""), "?token= sets the cookie and redirects", h)
    st, _, _ = s.request("GET", "/api/health", headers={"Authorization": f"Bearer {tok.group(1) if tok else ''}"})
    check(st == 200, "with the bearer token: 200", st)
    s.stop()
    # the per-request time limit: a computation past it is killed and answered 504, the worker
    # threads stay free (more slow requests than threads, then a quick one)
    s = Server(os.path.join(TMP, "timeout.db"), "--request-timeout", "1", "--threads", "2")
    s.session()
    slow = {"drug": "gabapentin", "dose": "300mg", "every": "8h", "days": 2, "crcl": 35, "level": ["6.1mg/L@38h"],
            "draws": 20000, "target": "trough=4mg/L", "target-draws": 10000}
    res = []

    def slow_request():
        t = time.time()
        st, _, got = s.request("POST", "/api/tdm", slow)
        res.append((st, got, time.time() - t))

    ts = [threading.Thread(target=slow_request) for _ in range(4)]
    t0 = time.time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check(len(res) == 4 and all(r[0] == 504 and b'"field":"request-timeout"' in r[1] and r[1].count(b"\n") == 1
                                for r in res),
          "4 slow requests on 2 threads with --request-timeout 1: each a one-line 504", [r[:2] for r in res])
    check(time.time() - t0 < 15, f"they took {time.time() - t0:.1f} s in all (limit 1 s, 2 threads)")
    t = time.time()
    st, _, _ = s.request("POST", "/api/population", {"drug": "gabapentin", "dose": "300mg", "every": "8h", "days": 2, "n": 20})
    check(st == 200, f"a quick request after them: 200 in {time.time() - t:.2f} s", st)
    zyg = subprocess.run(["ps", "-o", "pid=", "--ppid", str(s.p.pid)], capture_output=True, text=True).stdout.split()
    left = subprocess.run(["ps", "-o", "pid=", "--ppid", zyg[0]], capture_output=True, text=True).stdout.split() if zyg else []
    check(len(zyg) == 1 and not left, "the stopped computations are gone (one idle worker process left)", f"{zyg} {left}")
    s.stop()
    for args, want in [(["--port", "70000"], "'--port'"), (["--bind", "nowhere"], "'--bind'"),
                       (["--db", ""], "'--db'"), (["--db", os.path.join(TMP, "no", "dir", "x.db")], "database")]:
        r = subprocess.run([GS, "serve", *args], capture_output=True, text=True, timeout=20)
        check(r.returncode in (1, 2) and want in r.stderr and r.stderr.count("\n") == 1,
              f"serve {' '.join(args)}: one-line error", r.stderr)


def kill():
    db = os.path.join(TMP, "kill.db")
    acked = {}  # label -> id, acknowledged with 201
    lock = threading.Lock()
    rng = random.Random(13)
    rounds = 6
    for rnd in range(rounds):
        s = Server(db)
        s.session()
        stop = threading.Event()

        def writer(w):
            i = 0
            while not stop.is_set():
                label = f"r{rnd}-w{w}-{i}"
                try:
                    st, _, got = s.request("POST", "/api/patients", {"label": label, "inputs": {"crcl": "60"}})
                except (OSError, http.client.HTTPException):
                    return
                if st == 201:
                    with lock:
                        acked[label] = json.loads(got)["id"]
                i += 1

        ts = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
        for t in ts:
            t.start()
        time.sleep(rng.uniform(0.4, 1.2))
        s.p.send_signal(signal.SIGKILL)
        s.p.wait()
        stop.set()
        for t in ts:
            t.join()
        con = sqlite3.connect(db)
        ic = con.execute("PRAGMA integrity_check").fetchall()
        rows = dict(con.execute("SELECT label, id FROM patients").fetchall())
        con.close()
        lost = [k for k, v in acked.items() if rows.get(k) != v]
        check(ic == [("ok",)], f"round {rnd + 1}: PRAGMA integrity_check after SIGKILL", ic)
        check(not lost, f"round {rnd + 1}: all {len(acked)} acknowledged patients are there ({len(rows)} rows)",
              f"lost {lost[:5]}")
    check(len(acked) >= 50 * rounds, f"{len(acked)} writes acknowledged over {rounds} kills (at least 50 a round)")
    s = Server(db)
    st, _, got = s.request("GET", "/api/patients")
    check(st == 200 and len(json.loads(got)) >= len(acked), "the server starts again on the file and lists them")
    s.stop()


try:
    {"api": api, "kill": kill}[sys.argv[1]]()
finally:
    subprocess.run(["rm", "-rf", TMP])
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
