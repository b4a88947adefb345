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
