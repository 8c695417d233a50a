// Scale benchmark (not a test): what the page does with many files at once
// and with one file far larger than memory, in Chromium. Run with
// `bash scripts/bench-web.sh scale`.
//
// 1. A drop of 200 files: every small real fixture of every format, the
//    inputs fuzzing found, and a few made-up hostile ones, repeated under
//    numbered names up to 200. Each card must end "done" or "failed", in
//    the state `verdict summary` gives the same bytes (exit 0 → done), and
//    no card may fail because its worker died ("worker"/"internal" codes).
// 2. One plain k6 NDJSON file of BENCH_BIG_MB (default 2000) MB, built from
//    the real ramping run repeated whole: it must complete with the exact
//    request count, and the renderer's memory must not grow with the file.
//
// Memory is the peak resident size of the page's renderer process (which
// hosts its dedicated workers) above its size before the run, sampled every
// 100 ms from /proc. "Longest timer gap" is the longest the page thread went
// without running a 50 ms interval timer: how long the page stayed frozen.

import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { serve } from "./server.mjs";
import { bigK6File } from "./bigfile.mjs";
import { withRendererMemory } from "./renderer-memory.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const FIXTURES = path.join(ROOT, "tests/fixtures");
const CLI = process.env.VERDICT_CLI ?? path.join(ROOT, "target/release/verdict");
const DIR = process.env.BENCH_DIR ?? "/tmp/verdict-e2e";
const FILES = Number(process.env.BENCH_FILES ?? 200);
const BIG_MB = Number(process.env.BENCH_BIG_MB ?? 2000);

async function measure(page, run) {
  await page.evaluate(() => {
    window.__last = performance.now();
    window.__maxGap = 0;
    window.__sampler = setInterval(() => {
      const now = performance.now();
      window.__maxGap = Math.max(window.__maxGap, now - window.__last);
      window.__last = now;
    }, 50);
  });
  const started = Date.now();
  const result = await withRendererMemory(run);
  const seconds = (Date.now() - started) / 1000;
  const maxGap = await page.evaluate(() => {
    clearInterval(window.__sampler);
    return window.__maxGap;
  });
  return { ...result, seconds, maxGap };
}

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** 200 files under distinct names, and what `verdict summary` says of each. */
function manyFiles() {
  const dir = path.join(DIR, "scale");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const sources = [
    ...walk(FIXTURES).filter((f) => fs.statSync(f).size <= 2e6 && !/(README|\.md$)/.test(f)),
    ...walk(path.join(ROOT, "fuzz/regressions")),
  ].sort();
  const hostile = {
    "zeros.json": Buffer.alloc(1 << 20),
    "half-gzip.json.gz": zlib.gzipSync(fs.readFileSync(sources[0])).subarray(0, 40),
    "deep.json": Buffer.from("[".repeat(100_000)),
    "long-line.csv": Buffer.from("timeStamp,elapsed,label\n" + "9".repeat(3 << 20)),
  };
  const files = [];
  for (let i = 0; files.length < FILES; i++) {
    const n = String(files.length).padStart(3, "0");
    const hostileNames = Object.keys(hostile);
    if (i < hostileNames.length) {
      const p = path.join(dir, `${n}-${hostileNames[i]}`);
      fs.writeFileSync(p, hostile[hostileNames[i]]);
      files.push(p);
      continue;
    }
    const src = sources[(i - hostileNames.length) % sources.length];
    const p = path.join(dir, `${n}-${path.basename(src)}`);
    fs.copyFileSync(src, p);
    files.push(p);
  }
  return files.map((p) => {
    let cliOk;
    try {
      execFileSync(CLI, ["summary", "--json", p], { stdio: "ignore" });
      cliOk = true;
    } catch {
      cliOk = false;
    }
    return { path: p, name: path.basename(p), cliOk };
  });
}

const dist = path.join(ROOT, "dist");
const server = await serve(dist, "/verdict/");
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});

async function freshPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('article.entry[data-state="done"]');
  return { context, page };
}

// 1. Many files.
{
  const files = manyFiles();
  const { context, page } = await freshPage();
  const r = await measure(page, async () => {
    await page.setInputFiles("#file-input", files.map((f) => f.path));
    await page.waitForFunction((n) => [...document.querySelectorAll("article.entry")].filter((e) =>
      /^\d{3}-/.test(e.dataset.file) && (e.dataset.state === "done" || e.dataset.state === "failed")).length >= n,
    files.length, { timeout: 900_000, polling: 250 });
    const all = await page.$$eval("article.entry", (els) => els.map((e) => ({
      name: e.dataset.file,
      state: e.dataset.state,
      code: e.querySelector(".error")?.dataset.code ?? "",
    })));
    return { all };
  });
  const cards = r.all.filter((c) => /^\d{3}-/.test(c.name));
  const byName = new Map(cards.map((c) => [c.name, c]));
  const died = cards.filter((c) => c.code === "worker" || c.code === "internal");
  const disagree = files.filter((f) => (byName.get(f.name)?.state === "done") !== f.cliOk);
  const done = cards.filter((c) => c.state === "done").length;
  console.log(`${files.length} files dropped at once: all settled in ${r.seconds.toFixed(1)} s; ${done} done, ${files.length - done} failed with a message; ` +
    `worker deaths ${died.length}; state unlike the CLI's ${disagree.length}; renderer peak RSS ${r.peakMb.toFixed(0)} MB (+${r.growthMb.toFixed(0)} MB); longest timer gap ${r.maxGap.toFixed(0)} ms`);
  for (const d of [...died, ...disagree].slice(0, 10)) console.log(`  ! ${d.name}: ${JSON.stringify(byName.get(d.name))}`);
  await context.close();
}

// 2. One file larger than the page could hold, beside a smaller one of the
// same content: memory that does not grow with the file is bounded.
const one = JSON.parse(execFileSync(CLI, ["summary", "--json", path.join(FIXTURES, "k6/ramping/run.json.gz")])).runs[0];
for (const mb of [340, BIG_MB]) {
  const big = bigK6File(FIXTURES, path.join(DIR, `big-${mb}`), mb * 1e6);
  const { context, page } = await freshPage();
  const r = await measure(page, async () => {
    await page.setInputFiles("#file-input", big.file);
    await page.waitForSelector('article.entry[data-file="big-k6.json"][data-state="done"], article.entry[data-file="big-k6.json"][data-state="failed"]', { timeout: 1_800_000 });
    const requests = await page.locator('article.entry[data-file="big-k6.json"] dl[data-endpoint="*overall*"] [data-metric="requests"]').getAttribute("data-value");
    return { requests: Number(requests) };
  });
  const exact = r.requests === big.copies * one.requests;
  console.log(`one ${(big.size / 1e6).toFixed(0)} MB plain k6 file: ${r.seconds.toFixed(1)} s (${(big.size / 1e6 / r.seconds).toFixed(0)} MB/s end to end), ` +
    `${r.requests} requests (${exact ? "exact" : `expected ${big.copies * one.requests}`}); renderer peak RSS ${r.peakMb.toFixed(0)} MB (+${r.growthMb.toFixed(0)} MB); longest timer gap ${r.maxGap.toFixed(0)} ms`);
  await context.close();
  fs.rmSync(big.file);
}

await browser.close();
await server.close();
