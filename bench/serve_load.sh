#!/usr/bin/env bash
# serve_load.sh - a bounded load test of `gabasim serve` on loopback: 10,000 requests from 16
# concurrent clients (node's http, keep-alive), then it stops by itself. The mix: 70 % pages and
# static files, 20 % the saved-patient list (a database read), 9 % saving a patient (a validated
# database write, one transaction each), 1 % advice (/api/advise, 100 virtual patients). Prints
# p50/p99/max latency per kind and overall, the error count and the load; exits 1 on any error
# (an unexpected status, a dropped connection) or if the server died.
#   usage: bench/serve_load.sh [PATH_TO_GABASIM] [REQUESTS] [CLIENTS]
set -eu
GS=$(realpath "${1:-build/gabasim}")
N=${2:-10000}
C=${3:-16}
command -v node > /dev/null || { echo "serve_load: needs node (Debian package nodejs)" >&2; exit 2; }
DIR=$(mktemp -d)
"$GS" serve --port 0 --db "$DIR/load.db" > "$DIR/out" 2> "$DIR/err" &
PID=$!
trap 'kill $PID 2> /dev/null; wait $PID 2> /dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 50); do grep -q 'open http' "$DIR/out" 2> /dev/null && break; sleep 0.1; done
URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$DIR/out")
echo "gabasim serve at $URL ($("$GS" --version)); $N requests from $C clients; $(nproc) cores; load: $(uptime | sed 's/.*load average: //')"
node - "$URL" "$N" "$C" << 'JS'
const http = require("node:http");
const [url, N, C] = [process.argv[2], +process.argv[3], +process.argv[4]];
const u = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: C });
function req(method, path, body, headers = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const r = http.request({ host: u.hostname, port: u.port, method, path, agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (d) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString(),
        ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    r.on("error", (e) => resolve({ status: 0, error: String(e), ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    if (body) r.write(body);
    r.end();
  });
}
(async () => {
  const s = await req("GET", "/api/session");
  const csrf = JSON.parse(s.body).csrf, cookie = s.headers["set-cookie"][0].split(";")[0];
  const post = { "Content-Type": "application/json", "X-CSRF-Token": csrf, Cookie: cookie };
  const kinds = [
    [0.35, "page", () => req("GET", "/patient"), 200],
    [0.35, "static", () => req("GET", "/static/app.js"), 200],
    [0.20, "list", () => req("GET", "/api/patients"), 200],
    [0.09, "save", () => req("POST", "/api/patients", JSON.stringify({ label: "load", inputs: { crcl: "60", age: "70" } }), post), 201],
    [0.01, "advise", () => req("POST", "/api/advise", JSON.stringify({ crcl: "60", age: "80", n: 100 }), post), 200],
  ];
  // a fixed, shuffled plan: exactly N requests in these proportions
  const plan = [];
  for (const k of kinds) for (let i = 0; i < Math.round(k[0] * N); i++) plan.push(k);
  let seed = 13;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = plan.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [plan[i], plan[j]] = [plan[j], plan[i]]; }
  const lat = {}, errors = [];
  let next = 0;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: C }, async () => {
    while (next < plan.length) {
      const [, name, fn, want] = plan[next++];
      const r = await fn();
      (lat[name] = lat[name] || []).push(r.ms);
      if (r.status !== want) errors.push(`${name}: ${r.status} ${r.error || r.body.slice(0, 120)}`);
    }
  }));
  const secs = (Date.now() - t0) / 1000;
  const q = (a, p) => a[Math.min(a.length - 1, Math.floor(p * a.length))];
  const all = [];
  console.log("| kind | requests | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|");
  for (const [name, a] of Object.entries(lat)) {
    a.sort((x, y) => x - y);
    all.push(...a);
    console.log(`| ${name} | ${a.length} | ${q(a, 0.5).toFixed(2)} | ${q(a, 0.99).toFixed(2)} | ${a[a.length - 1].toFixed(2)} |`);
  }
  all.sort((x, y) => x - y);
  console.log(`| all | ${all.length} | ${q(all, 0.5).toFixed(2)} | ${q(all, 0.99).toFixed(2)} | ${all[all.length - 1].toFixed(2)} |`);
  console.log(`\n${all.length} requests in ${secs.toFixed(1)} s (${(all.length / secs).toFixed(0)}/s), ${errors.length} errors`);
  errors.slice(0, 5).forEach((e) => console.log(`error: ${e}`));
  agent.destroy();
  process.exit(errors.length ? 1 : 0);
})();
JS
rc=$?
kill -0 $PID 2> /dev/null || { echo "serve_load: the server died" >&2; exit 1; }
exit $rc
