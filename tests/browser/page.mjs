// page.mjs - the patient's page of `gabasim advise --html` in a real browser (the system Chromium,
// driven through the DevTools protocol by puppeteer-core). For each page and at 1280 and 390 px
// wide it checks:
//   - the viewport meta tag is there (width=device-width);
//   - nothing overflows horizontally: document.documentElement.scrollWidth <= innerWidth <= the
//     viewport's width (a phone zooms out to fit wider content, so innerWidth alone would grow),
//     and no element's right edge lies beyond the viewport unless it is inside a box that scrolls
//     (overflow-x auto/scroll/hidden: the tables and the plot);
//   - no request leaves the page: every request is intercepted and only the page's own file:// URL
//     and data: URLs are allowed;
//   - the warning box (#warnings) is above the fold (its top < innerHeight) when warnings apply,
//     with the expected warnings in it, and absent when none apply;
//   - the plot's SVG has a non-empty <title> and <desc>;
//   - the Flesch-Kincaid grade of the page's prose is 8 or lower (see prose() and fkGrade()).
// usage: node page.mjs PATH_TO_GABASIM [CHROMIUM]; prints TAP-like lines, exits 1 on a failure.
// GS_PAGE_FILE=page.html checks that file instead of generating the pages (expects the warnings
// of the first case); used to show that the test fails on a broken page.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const gs = process.argv[2];
const chromium = process.argv[3] || "/usr/bin/chromium";
if (!gs) {
  console.error("usage: node page.mjs PATH_TO_GABASIM [CHROMIUM]");
  process.exit(2);
}
const MAX_GRADE = 8;

// The pages: with both warnings (an opioid at 80), with the breathing and falls warnings for
// pregabalin (a benzodiazepine at 70), falls only on haemodialysis (67: the supplement after each
// session), and with none (40, no co-medication).
const cases = [
  {
    name: "gabapentin, morphine, age 80, sciatica",
    args: ["--drug", "gabapentin", "--crcl", "60", "--age", "80", "--with", "morphine", "--pain", "radicular"],
    warnings: ["respiratory-depression", "falls"],
  },
  {
    name: "pregabalin, benzodiazepine, age 70, shingles pain",
    args: ["--drug", "pregabalin", "--crcl", "45", "--age", "70", "--with", "benzodiazepine", "--pain", "phn", "--days", "28"],
    warnings: ["respiratory-depression", "falls"],
  },
  {
    name: "gabapentin on haemodialysis, age 67, sciatica (sessions and supplements)",
    args: ["--drug", "gabapentin", "--dialysis", "--age", "67", "--pain", "radicular", "--days", "21"],
    warnings: ["falls"],
  },
  {
    name: "gabapentin, age 40, low back pain, no warnings",
    args: ["--drug", "gabapentin", "--crcl", "90", "--age", "40", "--pain", "nonradicular-clbp"],
    warnings: [],
  },
];
const viewports = [
  { width: 1280, height: 800, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
  { width: 390, height: 844, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
];

let passed = 0,
  failed = 0;
function check(cond, desc, detail) {
  if (cond) {
    passed++;
    console.log(`ok - ${desc}`);
  } else {
    failed++;
    console.log(`not ok - ${desc}${detail ? `: ${detail}` : ""}`);
  }
}

// Syllables of one word, by the usual English heuristic: letters only, lower case; words of up to
// 3 letters have 1; a silent final "e", and the endings "es" and "ed" when they add no syllable
// (not after s, x, z, c, g for "es"; not after t, d for "ed"), are dropped; a leading "y" is a
// consonant; then every group of one or two vowels (a, e, i, o, u, y) is a syllable; at least 1.
export function syllables(word) {
  let w = word.toLowerCase().replace(/[^a-z]/g, "");
  if (w.length === 0) return 0;
  if (w.length <= 3) return 1;
  w = w.replace(/(?:[^laeiouysxzcg]es|[^laeiouydt]ed|[^laeiouy]e)$/, "");
  w = w.replace(/^y/, "");
  const groups = w.match(/[aeiouy]{1,2}/g);
  return Math.max(1, groups ? groups.length : 0);
}

// Flesch-Kincaid grade of blocks of text: 0.39 * words/sentences + 11.8 * syllables/words - 15.59.
// Each block ends a sentence; inside a block a sentence ends at ".", "!" or "?" followed by a space
// or the end. A word is a whitespace-separated token with at least one letter (so "300", "0-10" and
// "90 %" add no words; "mg/L" and "CYP1A2" do).
export function fkGrade(blocks) {
  let sentences = 0,
    words = 0,
    syl = 0;
  for (const block of blocks)
    for (const sentence of block.split(/[.!?]+(?=\s|$)/)) {
      const ws = sentence.split(/\s+/).filter((t) => /[A-Za-z]/.test(t));
      if (ws.length === 0) continue;
      sentences++;
      words += ws.length;
      for (const t of ws) syl += syllables(t);
    }
  if (words === 0) return { grade: NaN, sentences, words, syllables: syl };
  return {
    grade: 0.39 * (words / sentences) + 11.8 * (syl / words) - 15.59,
    sentences,
    words,
    syllables: syl,
  };
}

// The counter against dictionary syllable counts of words the page uses (Merriam-Webster).
const known = {
  the: 1, medicine: 3, dizziness: 3, breathing: 2, kidney: 2, people: 2, doses: 2, makes: 1,
  started: 2, blood: 1, pressure: 2, unsteady: 3, shallowly: 3, deadly: 2, placebo: 3,
  swollen: 2, ankles: 2, drowsiness: 3, trials: 2, benefit: 3, scored: 1, changes: 2,
  doctor: 2, pharmacist: 3, typical: 3, average: 3, between: 2, settles: 2, relief: 2,
  slowly: 2, increase: 2, liver: 2, weeks: 1, hours: 2, shingles: 2, predicted: 3,
};
{
  const words = Object.keys(known);
  const right = words.filter((w) => syllables(w) === known[w]);
  check(right.length >= 0.9 * words.length,
    `syllable counter: ${right.length} of ${words.length} dictionary counts right (>= 90 %)`,
    words.filter((w) => syllables(w) !== known[w]).map((w) => `${w}=${syllables(w)}`).join(" "));
}

// In the page: the visible prose, as blocks of text. Measured: <p>, <li>, <dd> and <figcaption>
// elements that are rendered (so not the folded "Details for your doctor or pharmacist"), outside
// tables and the SVG, each without its citations (.src spans). Left out: headings, table cells,
// the glossary's term names (<dt>), the plot's own labels, citations.
function pageProse() {
  const out = { patient: [], clinician: [] };
  for (const el of document.querySelectorAll("p, li, dd, figcaption")) {
    if (el.closest("table, svg")) continue;
    const c = el.cloneNode(true);
    c.querySelectorAll(".src").forEach((n) => n.remove());
    const text = c.textContent.replace(/\s+/g, " ").trim();
    if (!text) continue;
    if (el.closest("details")) out.clinician.push(text);
    else if (el.checkVisibility()) out.patient.push(text);
  }
  return out;
}

// `vw`: the viewport's width as set. A mobile browser zooms out to fit content wider than the
// screen, which widens innerWidth, so overflow is measured against the width set, not innerWidth.
function pageLayout(vw) {
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden") return true;
    }
    return false;
  };
  const over = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > vw + 0.5 && !scrolls(el))
      over.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} right=${r.right.toFixed(0)}`);
  }
  const meta = document.querySelector('meta[name="viewport"]');
  const box = document.getElementById("warnings");
  const svg = document.querySelector("figure svg");
  const title = svg && svg.querySelector(":scope > title");
  const desc = svg && svg.querySelector(":scope > desc");
  return {
    innerWidth: window.innerWidth,
    innerHeight: window.innerHeight,
    scrollWidth: document.documentElement.scrollWidth,
    overflowing: over.slice(0, 5),
    meta: meta ? meta.getAttribute("content") : null,
    boxTop: box ? box.getBoundingClientRect().top : null,
    warningIds: box ? [...box.querySelectorAll("h3[id^=warning-]")].map((h) => h.id.slice(8)) : [],
    svgTitle: title ? title.textContent.trim() : "",
    svgDesc: desc ? desc.textContent.trim() : "",
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gabasim-page-"));
const pages = [];
if (process.env.GS_PAGE_FILE) {
  pages.push({ ...cases[0], name: `given page ${process.env.GS_PAGE_FILE}`, file: path.resolve(process.env.GS_PAGE_FILE) });
} else {
  cases.forEach((c, i) => {
    const file = path.join(dir, `page${i}.html`);
    execFileSync(gs, ["advise", ...c.args, "--n", "200", "--html", file], { stdio: ["ignore", "ignore", "inherit"] });
    pages.push({ ...c, file });
  });
}

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"],
});
try {
  for (const pg of pages) {
    const url = pathToFileURL(pg.file).href;
    for (const vp of viewports) {
      const tag = `${pg.name} at ${vp.width} px`;
      const page = await browser.newPage();
      await page.setViewport(vp);
      const left = [];
      await page.setRequestInterception(true);
      page.on("request", (req) => {
        const u = req.url();
        if (u === url || u.startsWith("data:")) req.continue();
        else {
          left.push(u);
          req.abort();
        }
      });
      await page.goto(url, { waitUntil: "load" });
      const l = await page.evaluate(pageLayout, vp.width);
      check(l.meta !== null && /width=device-width/.test(l.meta), `${tag}: viewport meta tag`, `meta: ${l.meta}`);
      check(l.scrollWidth <= vp.width && l.innerWidth <= vp.width, `${tag}: no horizontal scroll of the page`,
        `scrollWidth ${l.scrollWidth}, innerWidth ${l.innerWidth}, viewport ${vp.width}`);
      check(l.overflowing.length === 0, `${tag}: no element beyond the right edge outside a scrolling box`,
        l.overflowing.join(", "));
      check(left.length === 0, `${tag}: no request leaves the page`, left.join(" "));
      if (pg.warnings.length) {
        check(l.boxTop !== null && l.boxTop < l.innerHeight,
          `${tag}: warning box above the fold (top ${l.boxTop === null ? "none" : l.boxTop.toFixed(0)} < ${l.innerHeight})`);
        check(JSON.stringify(l.warningIds) === JSON.stringify(pg.warnings),
          `${tag}: warnings ${pg.warnings.join(", ")}`, `got ${l.warningIds.join(", ")}`);
      } else {
        check(l.boxTop === null, `${tag}: no warning box when no warning applies`);
      }
      check(l.svgTitle.length > 0 && l.svgDesc.length > 0, `${tag}: the plot's SVG has a title and a description`);
      if (vp.width === viewports[0].width) {
        const prose = await page.evaluate(pageProse);
        const fk = fkGrade(prose.patient);
        const doc = fkGrade(prose.clinician);
        check(fk.grade <= MAX_GRADE,
          `${pg.name}: prose Flesch-Kincaid grade ${fk.grade.toFixed(2)} <= ${MAX_GRADE} ` +
            `(${fk.sentences} sentences, ${fk.words} words, ${fk.syllables} syllables; ` +
            `the folded notes for the clinician, not counted: grade ${doc.grade.toFixed(1)})`);
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
