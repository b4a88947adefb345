// regimen_latency.mjs - the Regimen explorer of `gabasim serve` timed in a real browser (the
// system Chromium through puppeteer-core): the page is opened, then each field is edited in turn
// ROUNDS times (the whole value at once, as a paste) and every update is timed from its request
// to the plot on screen (window.gsLatencies, filled by app.js). Prints the median, 90th
// percentile and maximum, the ratio of the median to the 200 ms target of issue 13 and the load.
// Run through bench/regimen_latency.sh, which installs the packages.
//   usage: node regimen_latency.mjs PATH_TO_GABASIM CHROMIUM [ROUNDS] [WIDTH]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import puppeteer from "puppeteer-core";

const [gs, chromium] = [process.argv[2], process.argv[3]];
const rounds = Number(process.argv[4] || 4);
const width = Number(process.argv[5] || 1280);
const TARGET_MS = 200;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gabasim-regimen-bench-"));
const server = spawn(gs, ["serve", "--port", "0", "--db", path.join(dir, "app.db")], {
  env: { ...process.env, TMPDIR: dir },
  stdio: ["ignore", "pipe", "inherit"],
});
const origin = await new Promise((resolve, reject) => {
  let buf = "";
  server.stdout.on("data", (d) => {
    buf += d;
    const m = buf.match(/open (http:\/\/127\.0\.0\.1:\d+)\//);
    if (m) resolve(m[1]);
  });
  server.on("exit", (c) => reject(new Error(`gabasim serve exited ${c}: ${buf}`)));
});
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"],
});
let code = 0;
try {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 900 });
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("requestfailed", (r) => problems.push(`${r.url()}: ${r.failure().errorText}`));
  await page.goto(origin + "/regimen", { waitUntil: "load" });
  globalThis.gsProblems = problems;
  await page.waitForFunction(() => window.gsLatencies && window.gsLatencies.length >= 1, { timeout: 20000 });
  // edits that alternate between two values per field, so every edit asks for a new simulation
  const edits = [["#r-dose", "600mg", "300mg"], ["#r-every", "12h", "8h"], ["#r-days", "10", "7"],
    ["#r-miss", "48h", "24h"], ["#r-extra", "300mg@20h", "100mg@30h"]];
  for (let r = 0; r < rounds; r++) {
    for (const [field, a, b] of edits) {
      const n = await page.evaluate(() => window.gsLatencies.length);
      await page.$eval(field, (el, v) => { el.value = v; el.dispatchEvent(new Event("input", { bubbles: true })); }, r % 2 ? b : a);
      await page.waitForFunction((k) => window.gsLatencies.length > k, { timeout: 20000 }, n);
      await new Promise((res) => setTimeout(res, 200));
    }
  }
  const lat = (await page.evaluate(() => window.gsLatencies.slice(1))).sort((x, y) => x - y);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  console.log(`gabasim serve Regimen explorer at ${width} px, ${lat.length} timed updates; ${os.cpus().length} cores; load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  console.log(`median ${q(0.5).toFixed(0)} ms, p90 ${q(0.9).toFixed(0)} ms, max ${lat[lat.length - 1].toFixed(0)} ms; median / ${TARGET_MS} ms target = ${(q(0.5) / TARGET_MS).toFixed(2)}`);
} catch (e) {
  console.error(`regimen_latency: ${e.message}${(globalThis.gsProblems || []).length ? ` (page: ${globalThis.gsProblems.join(" | ")})` : ""}`);
  code = 1;
} finally {
  await browser.close();
  server.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
