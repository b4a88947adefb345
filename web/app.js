// app.js - the little script of the app's pages: forms sent as JSON with the CSRF header, saved
// patients listed and deleted. Everything goes to this server only.
"use strict";
const csrf = document.querySelector('meta[name="csrf-token"]').content;

async function api(method, url, body) {
  const r = await fetch(url, {
    method,
    headers: body === undefined ? { "X-CSRF-Token": csrf } : { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const text = await r.text();
  let data = null;
  try { data = JSON.parse(text); } catch (e) { data = text; }
  if (!r.ok) throw new Error(data && data.error ? data.error : `HTTP ${r.status}`);
  return data;
}

// A form's fields as the options object of the JSON API: empty fields left out, checkboxes as
// true, repeated names as lists.
function formOptions(form) {
  const o = {};
  for (const [k, v] of new FormData(form)) {
    if (k === "csrf" || k === "label" || v === "") continue;
    const val = form.elements[k] && form.elements[k].type === "checkbox" && form.elements[k].length === undefined ? true : v;
    if (k === "with") (o.with = o.with || []).push(v);
    else o[k] = val;
  }
  return o;
}

function say(el, text, bad) {
  el.textContent = text;
  el.className = bad ? "error" : "ok";
  el.hidden = false;
}

const saveBtn = document.getElementById("save");
if (saveBtn) {
  saveBtn.addEventListener("click", async () => {
    const form = document.getElementById("patient-form");
    const out = document.getElementById("save-result");
    try {
      const r = await api("POST", "/api/patients", { label: form.elements.label.value, inputs: formOptions(form) });
      say(out, `Saved as patient ${r.id}. See Saved patients.`, false);
    } catch (e) {
      say(out, e.message, true);
    }
  });
}

function cell(tr, text) {
  const td = document.createElement("td");
  td.textContent = text;
  tr.appendChild(td);
  return td;
}

async function listPatients() {
  const body = document.getElementById("patients-body");
  const msg = document.getElementById("patients-msg");
  try {
    const list = await api("GET", "/api/patients");
    body.textContent = "";
    for (const p of list) {
      const tr = document.createElement("tr");
      cell(tr, String(p.id));
      cell(tr, p.label || "(no name)");
      cell(tr, Object.entries(p.inputs).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join("+") : v}`).join(", "));
      const td = cell(tr, "");
      const f = document.createElement("form");
      f.method = "post";
      f.action = "/advice";
      const add = (n, v) => { const i = document.createElement("input"); i.type = "hidden"; i.name = n; i.value = v; f.appendChild(i); };
      add("csrf", csrf);
      for (const [k, v] of Object.entries(p.inputs))
        for (const x of Array.isArray(v) ? v : [v]) add(k, x === true ? "on" : String(x));
      const b = document.createElement("button");
      b.type = "submit";
      b.textContent = "Advice";
      f.appendChild(b);
      const d = document.createElement("button");
      d.type = "button";
      d.className = "secondary";
      d.textContent = "Delete";
      d.setAttribute("aria-label", `Delete patient ${p.id}`);
      d.addEventListener("click", async () => {
        try { await api("DELETE", `/api/patients/${p.id}`); listPatients(); } catch (e) { say(msg, e.message, true); }
      });
      f.appendChild(document.createTextNode(" "));
      f.appendChild(d);
      td.appendChild(f);
      body.appendChild(tr);
    }
    say(msg, list.length ? `${list.length} saved patient${list.length > 1 ? "s" : ""}.` : "No saved patients yet.", false);
  } catch (e) {
    say(msg, e.message, true);
  }
}
if (document.getElementById("patients-body")) listPatients();

// The Regimen explorer: on every change (after 120 ms of quiet) the population's JSON and plot
// are asked for together; the time from the change's request to the plot on screen is shown
// (and kept in window.gsLatencies for the browser test).
const regForm = document.getElementById("regimen-form");
if (regForm) {
  const status = document.getElementById("regimen-status");
  const plot = document.getElementById("regimen-plot");
  const summary = document.getElementById("regimen-summary");
  window.gsLatencies = [];
  let timer = null,
    seq = 0;
  const update = async () => {
    const my = ++seq;
    const o = formOptions(regForm);
    const t0 = performance.now();
    try {
      const [res, svg] = await Promise.all([
        api("POST", "/api/population", o),
        fetch("/api/population.svg", {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(o),
        }).then(async (r) => { if (!r.ok) throw new Error((await r.json()).error); return r.text(); }),
      ]);
      if (my !== seq) return; // a newer change is on its way
      plot.innerHTML = svg;
      const ms = performance.now() - t0;
      window.gsLatencies.push(ms);
      const s = res.subjects || {};
      const f = (x) => (x === null || x === undefined ? "-" : x.toFixed(1));
      summary.textContent = "";
      const p = document.createElement("p");
      const w = res.window_h || [];
      p.textContent = s.cmin_mg_L ? `From hour ${w[0]} to hour ${w[1]} (the metrics window), lowest level ${f(s.cmin_mg_L.p50)} mg/L (5-95 %: ${f(s.cmin_mg_L.p5)} to ${f(s.cmin_mg_L.p95)}), highest ${f(s.cmax_mg_L.p50)} mg/L (${f(s.cmax_mg_L.p5)} to ${f(s.cmax_mg_L.p95)}), for ${res.n} virtual patients.` : "";
      summary.appendChild(p);
      say(status, `Updated in ${ms.toFixed(0)} ms.`, false);
    } catch (e) {
      if (my === seq) say(status, e.message, true);
    }
  };
  regForm.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(update, 120); });
  regForm.addEventListener("submit", (e) => { e.preventDefault(); update(); });
  update();
}

// Evidence: a study table (chosen file or pasted text) -> /api/meta (the JSON of `meta --json`)
// and /api/meta.svg (its forest plot), shown together.
const metaForm = document.getElementById("meta-form");
if (metaForm) {
  const status = document.getElementById("meta-status");
  const result = document.getElementById("meta-result");
  const plot = document.getElementById("meta-plot");
  const text = document.getElementById("m-table");
  document.getElementById("m-file").addEventListener("change", async (e) => {
    const f = e.target.files[0];
    if (f) text.value = await f.text();
  });
  metaForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const o = { table: text.value, method: metaForm.elements.method.value };
    if (metaForm.elements.measure.value) o.measure = metaForm.elements.measure.value;
    try {
      const [res, svg] = await Promise.all([
        api("POST", "/api/meta", o),
        fetch("/api/meta.svg", {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(o),
        }).then(async (r) => { if (!r.ok) throw new Error((await r.json()).error); return r.text(); }),
      ]);
      plot.innerHTML = svg;
      result.textContent = "";
      const h = document.createElement("h2");
      h.textContent = `Pooled ${res.measure} of ${res.studies.length} studies (${Math.round(res.level * 100)} % intervals)`;
      result.appendChild(h);
      const wrap = document.createElement("div");
      wrap.className = "scroll";
      wrap.tabIndex = 0; // a box that may scroll takes the keyboard focus
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", "Pooled results");
      const t = document.createElement("table");
      const head = t.createTHead().insertRow();
      for (const c of ["Model", "Estimate", "Interval", "p", "tau²", "I²", "Prediction interval"]) {
        const th = document.createElement("th");
        th.scope = "col";
        th.textContent = c;
        head.appendChild(th);
      }
      const body = t.createTBody();
      const g = (x, d = 3) => (x === null || x === undefined ? "-" : Number(x).toPrecision(d));
      for (const [name, m] of [["fixed effect", res.fixed], ["random effects", res.random]]) {
        if (!m) continue;
        const r = body.insertRow();
        for (const v of [`${name} (${m.method})`, g(m.estimate), `${g(m.ci[0])} to ${g(m.ci[1])}`, g(m.p, 2), g(m.tau2),
          `${g(m.i2_pct, 3)} %`, m.prediction_interval ? `${g(m.prediction_interval[0])} to ${g(m.prediction_interval[1])}` : "-"])
          r.insertCell().textContent = v;
      }
      wrap.appendChild(t);
      result.appendChild(wrap);
      say(status, `Pooled ${res.studies.length} studies.`, false);
    } catch (err) {
      plot.textContent = "";
      result.textContent = "";
      say(status, err.message, true);
    }
  });
}

// A small SVG line plot drawn here from the API's numbers: bands (filled), lines (solid or
// dashed) and points, with axes and a legend. Everything is built as DOM nodes (no HTML strings).
const SVGNS = "http://www.w3.org/2000/svg";
function svgEl(name, attrs, parent) {
  const e = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}
function niceStep(span, n) {
  const raw = span / n, p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
// spec: {title, xlabel, ylabel, bands: [{x, lo, hi, label, color}], lines: [{x, y, label, color,
// dash}], points: [{x, y, label, color}]}
function linePlot(spec) {
  const W = 720, H = 400, L = 62, R = 16, T = 58, B = 48;
  const xs = [], ys = [];
  for (const b of spec.bands || []) { xs.push(...b.x); ys.push(...b.lo, ...b.hi); }
  for (const l of spec.lines || []) { xs.push(...l.x); ys.push(...l.y); }
  for (const p of spec.points || []) { xs.push(...p.x); ys.push(...p.y); }
  const fin = (a) => a.filter((v) => v !== null && Number.isFinite(v));
  const x0 = Math.min(0, ...fin(xs)), x1 = Math.max(...fin(xs), x0 + 1);
  const y0 = 0, y1 = Math.max(...fin(ys), 0.1) * 1.08;
  const X = (v) => L + ((v - x0) / (x1 - x0)) * (W - L - R), Y = (v) => H - B - ((v - y0) / (y1 - y0)) * (H - T - B);
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-labelledby": "svgt" });
  svgEl("title", { id: "svgt" }, svg).textContent = spec.title;
  svgEl("rect", { x: 0, y: 0, width: W, height: H, fill: "#fff" }, svg);
  const t = svgEl("text", { x: L, y: 20, "font-size": 15, "font-weight": 600, fill: "#1d1d1d" }, svg);
  t.textContent = spec.title;
  const ax = svgEl("g", { "font-size": 12, fill: "#333" }, svg);
  const sx = niceStep(x1 - x0, 8), sy = niceStep(y1 - y0, 6);
  for (let v = Math.ceil(x0 / sx) * sx; v <= x1 + 1e-9; v += sx) {
    svgEl("line", { x1: X(v), x2: X(v), y1: T, y2: H - B, stroke: "#e6e6e6" }, ax);
    svgEl("text", { x: X(v), y: H - B + 16, "text-anchor": "middle" }, ax).textContent = String(+v.toPrecision(6));
  }
  for (let v = 0; v <= y1 + 1e-9; v += sy) {
    svgEl("line", { x1: L, x2: W - R, y1: Y(v), y2: Y(v), stroke: "#e6e6e6" }, ax);
    svgEl("text", { x: L - 6, y: Y(v) + 4, "text-anchor": "end" }, ax).textContent = String(+v.toPrecision(6));
  }
  svgEl("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "none", stroke: "#555" }, ax);
  svgEl("text", { x: (L + W - R) / 2, y: H - 10, "text-anchor": "middle" }, ax).textContent = spec.xlabel;
  svgEl("text", { x: 14, y: (T + H - B) / 2, "text-anchor": "middle", transform: `rotate(-90 14 ${(T + H - B) / 2})` }, ax).textContent = spec.ylabel;
  const path = (x, y) => x.map((v, i) => (Number.isFinite(y[i]) ? `${X(v).toFixed(1)},${Y(y[i]).toFixed(1)}` : null)).filter(Boolean);
  for (const b of spec.bands || []) {
    const up = path(b.x, b.hi), down = path(b.x, b.lo).reverse();
    if (up.length) svgEl("polygon", { points: up.concat(down).join(" "), fill: b.color, "fill-opacity": 0.25, stroke: "none" }, svg);
  }
  for (const l of spec.lines || [])
    svgEl("polyline", { points: path(l.x, l.y).join(" "), fill: "none", stroke: l.color, "stroke-width": 2, "stroke-dasharray": l.dash ? "6 4" : "none" }, svg);
  for (const p of spec.points || [])
    p.x.forEach((v, i) => svgEl("circle", { cx: X(v), cy: Y(p.y[i]), r: 5, fill: p.color, stroke: "#fff", "stroke-width": 1.5 }, svg));
  // legend: one row above the frame
  const leg = svgEl("g", { "font-size": 12, fill: "#1d1d1d" }, svg);
  let lx = L;
  const entries = [...(spec.bands || []).map((b) => ["band", b]), ...(spec.lines || []).map((l) => ["line", l]), ...(spec.points || []).map((p) => ["point", p])];
  for (const [kind, e] of entries) {
    if (kind === "band") svgEl("rect", { x: lx, y: 33, width: 18, height: 10, fill: e.color, "fill-opacity": 0.25 }, leg);
    else if (kind === "line") svgEl("line", { x1: lx, x2: lx + 18, y1: 38, y2: 38, stroke: e.color, "stroke-width": 2, "stroke-dasharray": e.dash ? "6 4" : "none" }, leg);
    else svgEl("circle", { cx: lx + 9, cy: 38, r: 5, fill: e.color }, leg);
    const tx = svgEl("text", { x: lx + 23, y: 42 }, leg);
    tx.textContent = e.label;
    lx += 30 + e.label.length * 6.6;
  }
  return svg;
}

function table(parent, head, rows, label) {
  const wrap = document.createElement("div");
  wrap.className = "scroll";
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-label", label);
  const t = document.createElement("table");
  const h = t.createTHead().insertRow();
  for (const c of head) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = c;
    h.appendChild(th);
  }
  const b = t.createTBody();
  for (const r of rows) {
    const tr = b.insertRow();
    for (const v of r) tr.insertCell().textContent = v;
  }
  wrap.appendChild(t);
  parent.appendChild(wrap);
  return t;
}

// Levels: the patient, the doses taken and the measured levels -> /api/tdm (the JSON of
// `gabasim tdm --json`): the fit drawn as SVG, the estimates beside the population's, the dose
// to target. "Save these levels" stores the same request and its result as a run.
const levForm = document.getElementById("levels-form");
if (levForm) {
  const rows = document.getElementById("levels-rows");
  const status = document.getElementById("levels-status");
  const result = document.getElementById("levels-result");
  let n = 0;
  const addRow = (value, unit, time) => {
    const k = ++n, tr = rows.insertRow();
    const inp = (name, v, lab, mode) => {
      const i = document.createElement("input");
      i.type = "text";
      i.name = name;
      i.id = `lv-${name}-${k}`;
      i.value = v;
      i.autocomplete = "off";
      i.inputMode = mode;
      i.setAttribute("aria-label", `${lab} ${k}`);
      tr.insertCell().appendChild(i);
    };
    inp("lv-value", value, "Level", "decimal");
    const s = document.createElement("select");
    s.name = "lv-unit";
    s.setAttribute("aria-label", `Unit of level ${k}`);
    for (const [v, t] of [["mg/L", "mg/L"], ["ug/mL", "µg/mL"]]) {
      const o = document.createElement("option");
      o.value = v;
      o.textContent = t;
      o.selected = v === unit;
      s.appendChild(o);
    }
    tr.insertCell().appendChild(s);
    inp("lv-time", time, "Hours after the first dose of level", "decimal");
    const del = document.createElement("button");
    del.type = "button";
    del.className = "secondary";
    del.textContent = "Remove";
    del.setAttribute("aria-label", `Remove level ${k}`);
    del.addEventListener("click", () => tr.remove());
    tr.insertCell().appendChild(del);
  };
  addRow("6.1", "mg/L", "38");
  document.getElementById("add-level").addEventListener("click", () => addRow("", "mg/L", ""));
  // the form as tdm's options: {drug, age, ..., level: ["6.1mg/L@38h"], target: "trough=4mg/L"}
  const request = () => {
    const o = formOptions(levForm);
    for (const k of ["lv-value", "lv-unit", "lv-time", "metric", "target-value"]) delete o[k];
    o.level = [];
    for (const tr of rows.rows) {
      const v = tr.querySelector('[name="lv-value"]').value.trim(), t = tr.querySelector('[name="lv-time"]').value.trim();
      if (v === "" && t === "") continue;
      o.level.push(`${v}${tr.querySelector('[name="lv-unit"]').value}@${t}h`);
    }
    const m = levForm.elements.metric.value, tv = levForm.elements["target-value"].value.trim();
    if (m) o.target = m === "auc24" ? `auc24=${tv}` : `${m}=${tv}mg/L`;
    else delete o.probability;
    o.draws = 500;
    o["target-draws"] = 100;
    return o;
  };
  const f = (x, d = 3) => (x === null || x === undefined ? "-" : Number(x).toPrecision(d));
  const show = (res) => {
    const p = res.prediction;
    const plot = document.getElementById("levels-plot");
    plot.textContent = "";
    plot.appendChild(linePlot({
      title: `${res.drug}: measured levels and this patient's fit`,
      xlabel: "hours after the first dose", ylabel: "level in the blood (mg/L)",
      bands: p.band_lo_mg_L.some((v) => v !== null) ? [{ x: p.time_h, lo: p.band_lo_mg_L, hi: p.band_hi_mg_L, color: "#0b57a4", label: `this patient, ${Math.round(res.interval * 100)} % band` }] : [],
      lines: [{ x: p.time_h, y: p.ipred_mg_L, color: "#0b57a4", label: "this patient (MAP)" },
        { x: p.time_h, y: p.pred_mg_L, color: "#8a4b00", dash: true, label: "population (typical)" }],
      points: [{ x: res.levels.map((l) => l.time_h), y: res.levels.map((l) => l.observed_mg_L), color: "#b3261e", label: "measured" }],
    }));
    const params = document.getElementById("levels-params");
    params.textContent = "";
    const pct = Math.round(res.interval * 100);
    const rowsP = res.parameters.map((q) => [`${q.name} (${q.unit})`, f(q.estimate), `${f(q.lo)} to ${f(q.hi)}`, f(q.population), `${Math.round(q.shrinkage * 100)} %`]);
    const h = res.half_life_h;
    rowsP.push(["half-life (h)", f(h.estimate), `${f(h.lo)} to ${f(h.hi)}`, f(h.population), "-"]);
    table(params, ["Parameter", "This patient", `${pct} % interval`, "Population", "Shrinkage"], rowsP, "Estimated parameters");
    const lv = document.createElement("p");
    lv.textContent = res.levels.map((l) => `At ${f(l.time_h)} h: measured ${f(l.observed_mg_L)} mg/L, fitted ${f(l.ipred_mg_L)}, population ${f(l.pred_mg_L)}.`).join(" ");
    params.appendChild(lv);
    const tg = document.getElementById("levels-target");
    tg.textContent = "";
    const tp = document.createElement("p");
    const t = res.target;
    if (!t) tp.textContent = "No target asked for.";
    else if (t.reached)
      tp.textContent = `${t.dose_mg} mg every ${t.interval_h} h (${t.daily_mg} mg a day; ${t.form}) reaches ${t.metric} ${t.value} ${t.unit} with probability ${f(t.probability, 2)} (median ${f(t.median)} ${t.unit}, ${pct} %: ${f(t.lo)} to ${f(t.hi)}). The label's band for this kidney function is ${t.band_lo_mg_day} to ${t.band_hi_mg_day} mg a day.`;
    else
      tp.textContent = `No regimen inside the label's band (${t.band_lo_mg_day} to ${t.band_hi_mg_day} mg a day) reaches ${t.metric} ${t.value} ${t.unit} with probability ${t.probability_wanted}; the most likely is ${t.dose_mg} mg every ${t.interval_h} h (probability ${f(t.probability, 2)}).`;
    tg.appendChild(tp);
    result.hidden = false;
  };
  levForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    say(status, "Fitting the levels…", false);
    const t0 = performance.now();
    try {
      const res = await api("POST", "/api/tdm", request());
      show(res);
      say(status, `Fitted ${res.levels.length} level${res.levels.length > 1 ? "s" : ""} in ${((performance.now() - t0) / 1000).toFixed(1)} s.`, false);
    } catch (err) {
      result.hidden = true;
      say(status, err.message, true);
    }
  });
  document.getElementById("levels-save").addEventListener("click", async () => {
    say(status, "Saving…", false);
    try {
      const r = await api("POST", "/api/runs", { kind: "tdm", label: levForm.elements.label.value, inputs: request() });
      say(status, `Saved as run ${r.id} (GET /api/runs/${r.id}).`, false);
    } catch (err) {
      say(status, err.message, true);
    }
  });
}

// Trial designer: the form as a trial specification (docs/trial.md) -> POST /api/trial/jobs; the
// job's progress polled until it is done; power with its Monte Carlo SE, and the power curve
// (the SVG of `trial --plot`) when an N grid was given.
const trialForm = document.getElementById("trial-form");
if (trialForm) {
  const status = document.getElementById("trial-status");
  const box = document.getElementById("trial-progress-box");
  const bar = document.getElementById("trial-progress");
  const result = document.getElementById("trial-result");
  const cancel = document.getElementById("trial-cancel");
  const E = trialForm.elements;
  // a number when the text is one; otherwise the text, so the library names the field
  const num = (name) => { const v = E[name].value.trim(); return v !== "" && Number.isFinite(Number(v)) ? Number(v) : v; };
  const list = (name) => E[name].value.split(",").map((x) => x.trim()).filter((x) => x !== "").map((x) => (Number.isFinite(Number(x)) ? Number(x) : x));
  const spec = () => ({
    schema: "gabasim-trial/1",
    title: `${E.drug.value} vs placebo (Trial designer)`,
    population: E.population.value,
    inclusion: { age_y: [num("age-min"), num("age-max")], crcl_ml_min: [num("crcl-min"), 250], baseline_pain: [num("pain-min"), 10], radicular_fraction: num("radicular") },
    arms: [
      { name: E.drug.value, type: "drug", drug: E.drug.value, titrate: E.titrate.value.trim(), titration: E.titration.value, n: num("n-drug") },
      { name: "placebo", type: "placebo", n: num("n-placebo") },
    ],
    randomization: { method: "fixed" },
    duration_weeks: num("weeks"),
    visit_weeks: list("visits"),
    dropout: { adverse_event: { discontinue_at_first_side_effect: num("ae") }, lost_per_week: num("lost") },
    analysis: { method: E.method.value, alpha: num("alpha"), sided: Number(E.sided.value) },
  });
  let job = null, timer = null;
  const stop = () => { clearTimeout(timer); timer = null; job = null; cancel.hidden = true; document.getElementById("trial-run").disabled = false; };
  const f = (x, d = 3) => (x === null || x === undefined ? "-" : Number(x).toPrecision(d));
  const show = (j) => {
    const r = j.result, s = r.summary;
    const sum = document.getElementById("trial-summary");
    sum.textContent = "";
    const p = document.createElement("p");
    p.id = "trial-power";
    const ci = [Math.max(0, s.power - 1.96 * s.power_se), Math.min(1, s.power + 1.96 * s.power_se)];
    p.textContent = `Power ${f(s.power * 100, 3)} % (Monte Carlo SE ${f(s.power_se * 100, 2)} %, 95 %: ${f(ci[0] * 100, 3)} to ${f(ci[1] * 100, 3)} %) over ${s.replicates} replicates of the trial as specified; the estimated difference in pain averaged ${f(s.effect_mean)} points (SD ${f(s.effect_sd)}).`;
    sum.appendChild(p);
    if (r.n_grid && r.n_grid.length)
      table(sum, ["N per arm", "Power", "Monte Carlo SE", "Mean difference"], r.n_grid.map((g) => [g.n_per_arm.join(" / "), `${f(g.power * 100, 3)} %`, `${f(g.power_se * 100, 2)} %`, f(g.effect_mean)]), "Power by N per arm");
    const plot = document.getElementById("trial-plot");
    plot.textContent = "";
    if (j.plot_svg) plot.innerHTML = j.plot_svg;
    plot.hidden = !j.plot_svg;
    result.hidden = false;
  };
  const poll = async () => {
    if (!job) return;
    try {
      const j = await api("GET", `/api/trial/jobs/${job}`);
      if (j.total > 0) bar.value = j.done / j.total;
      if (j.state === "running") {
        say(status, `Running: ${j.total > 0 ? Math.round((100 * j.done) / j.total) : 0} %`, false);
        timer = setTimeout(poll, 400);
        return;
      }
      stop();
      if (j.state === "done") {
        bar.value = 1;
        show(j);
        say(status, `Done: job ${j.id}.`, false);
      } else say(status, j.error ? j.error.error : `The job was ${j.state}.`, true);
    } catch (e) {
      stop();
      say(status, e.message, true);
    }
  };
  trialForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (job) return;
    const body = { spec: spec(), replicates: num("replicates") };
    if (E["n-grid"].value.trim()) body["n-grid"] = E["n-grid"].value.trim();
    if (E.seed.value.trim()) body.seed = num("seed");
    result.hidden = true;
    try {
      const r = await api("POST", "/api/trial/jobs", body);
      job = r.id;
      bar.value = 0;
      box.hidden = false;
      cancel.hidden = false;
      document.getElementById("trial-run").disabled = true;
      say(status, "Running: 0 %", false);
      timer = setTimeout(poll, 300);
    } catch (err) {
      say(status, err.message, true);
    }
  });
  cancel.addEventListener("click", async () => {
    if (job) try { await api("DELETE", `/api/trial/jobs/${job}`); } catch (e) { /* the poll reports */ }
  });
}
